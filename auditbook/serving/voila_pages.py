"""What auditbook adds to each Voilà page it serves: the `_xsrf` cookie, so that closing the
page ends its kernel (voila#1458), a Content-Security-Policy that keeps the page to its
own server, and one way in: the file listing redirects to the first page.

The kernel. Voilà 0.5's page asks for its kernel's shutdown as it unloads: a POST to
/voila/api/shutdown/<kernel id> sent with navigator.sendBeacon, carrying as its `_xsrf` field
the `_xsrf` cookie the page reads from document.cookie. Voilà never sets that cookie (its page
handler does not touch tornado's `xsrf_token`, which is what sets it), so the field is empty,
the XSRF check refuses the request with a 403, and the kernel, 50-70 MB, runs on until idle
culling ends it. Here the page's response sets the cookie, as a JupyterLab page's does: the
beacon then carries a token that matches, and Voilà's own handler shuts the kernel down
through the full XSRF check (nothing is exempted from it).

The policy. Voilà's page template links two Font Awesome stylesheets from cdn.jsdelivr.net
(at a floating version), so every page visit told a third party who opened the app, and
loaded styles no one here had reviewed; its own bundle already carries Font Awesome, so the
icons do not need them. PAGE_POLICY lets the page load scripts, styles, fonts, images and
connections from its own server only (data: and blob: images, as charts and downloads are):
the stylesheets are not fetched, and text that ever got past escaping could neither load a
script from elsewhere nor send anything to another host. Inline and eval'd scripts stay
allowed: Voilà's page is built from them.

The way in. Serving the notebooks folder, Voilà answers its root URL, /voila and /voila/tree
with a listing of the folder's notebooks and files; Voilà 0.5 has no setting to turn that
off (voila#1511). Council staff should land on the app, not on a file listing: those URLs
redirect to the first page (/voila/render/audit.ipynb, or the page `make app APP=...` names),
and any deeper /voila/tree/<path> is not found. The pages link to each other from their header
(auditbook.web.header), so nobody needs the listing.

`install()` does all three for this process. `python -m auditbook.serving.voila` runs Voilà with
it (what `make app` and the tests start); under a Jupyter server (each JupyterHub user's server)
this module is a server extension, enabled by `auditbook.serving.serve.extension_args()`, and
changes Voilà's pages only, not JupyterLab's.
"""

from __future__ import annotations

import os
from typing import Any

from jupyter_server.utils import url_escape, url_path_join
from tornado import web
from voila.handler import BaseVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

_MARK = "_auditbook_voila_pages"
# The page a person lands on (auditbook.web.header.FIRST_PAGE: serving imports nothing else of
# auditbook). A server extension reads AUDITBOOK_FIRST_PAGE, `python -m auditbook.serving.voila`
# its --first-page argument.
FIRST_PAGE = "audit.ipynb"
FIRST_PAGE_ENV = "AUDITBOOK_FIRST_PAGE"
_first_page = FIRST_PAGE
PAGE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


def first_page_path(base_url: str, first_page: str | None = None) -> str:
    """The path of the first page's render URL under `base_url` ("/" or "/user/<name>/")."""
    return url_path_join(base_url, "voila/render", url_escape(first_page or _first_page))


def install(first_page: str | None = None) -> None:
    """Make Voilà's page responses set the `_xsrf` cookie and PAGE_POLICY, and its file
    listing redirect to `first_page` (a notebook of the served folder; default audit.ipynb).
    Idempotent; a later call may change the first page."""
    global _first_page
    _first_page = first_page or FIRST_PAGE
    if getattr(BaseVoilaHandler.prepare, _MARK, False):
        return
    original = BaseVoilaHandler.prepare

    async def prepare(self: BaseVoilaHandler, *args: Any, **kwargs: Any) -> None:
        await original(self, *args, **kwargs)  # signs the visitor in (or refuses them)
        if self.request.method == "GET" and self.current_user and not self._finished:
            self.xsrf_token  # noqa: B018 - reading it sets the cookie, once per visitor
            self.set_header("Content-Security-Policy", PAGE_POLICY)

    setattr(prepare, _MARK, True)
    BaseVoilaHandler.prepare = prepare

    @web.authenticated
    async def tree(self: TornadoVoilaTreeHandler, path: str = "") -> None:
        if path.strip("/"):
            raise web.HTTPError(404)
        self.redirect(first_page_path(self.base_url))

    TornadoVoilaTreeHandler.get = tree


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp) -> None:
    install(os.environ.get(FIRST_PAGE_ENV))
    serverapp.log.info(
        "auditbook: Voilà pages set _xsrf (closing one ends its kernel) and a CSP; "
        f"/voila and /voila/tree redirect to {_first_page}"
    )
