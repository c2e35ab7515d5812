"""What auditbook adds to each Voilà page it serves: the `_xsrf` cookie, so that closing the
page ends its kernel (voila#1458), and a Content-Security-Policy that keeps the page to its
own server.

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

`install()` does both for this process. `python -m auditbook.serving.voila` runs Voilà with it (what
`make app` and the tests start); under a Jupyter server (each JupyterHub user's server) this
module is a server extension, enabled by `auditbook.serving.serve.extension_args()`, and changes
Voilà's pages only, not JupyterLab's.
"""

from __future__ import annotations

from typing import Any

from voila.handler import BaseVoilaHandler

_MARK = "_auditbook_voila_pages"
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


def install() -> None:
    """Make Voilà's page responses set the `_xsrf` cookie and PAGE_POLICY (idempotent)."""
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


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp) -> None:
    install()
    serverapp.log.info("auditbook: Voilà pages set _xsrf (closing one ends its kernel) and a CSP")
