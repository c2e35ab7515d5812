"""A closed page's kernel shut down when the page closes (voila#1458), not 15 minutes later.

Voilà 0.5's page asks for its kernel's shutdown as it unloads: a POST to
/voila/api/shutdown/<kernel id> sent with navigator.sendBeacon, carrying as its `_xsrf` field
the `_xsrf` cookie the page reads from document.cookie. Voilà never sets that cookie (its page
handler does not touch tornado's `xsrf_token`, which is what sets it), so the field is empty,
the XSRF check refuses the request with a 403, and the kernel, 50-70 MB, runs on until idle
culling ends it. Here the page's response sets the cookie, as a JupyterLab page's does: the
beacon then carries a token that matches, and Voilà's own handler shuts the kernel down
through the full XSRF check (nothing is exempted from it).

`install()` does that for this process. `python -m auditbook.voila` runs Voilà with it (what
`make app` and the tests start); under a Jupyter server (each JupyterHub user's server) this
module is a server extension, enabled by `auditbook.serve.extension_args()`.
"""

from __future__ import annotations

from typing import Any

from voila.handler import BaseVoilaHandler

_MARK = "_auditbook_sets_xsrf_cookie"


def install() -> None:
    """Make Voilà's page responses set the `_xsrf` cookie (idempotent)."""
    if getattr(BaseVoilaHandler.prepare, _MARK, False):
        return
    original = BaseVoilaHandler.prepare

    async def prepare(self: BaseVoilaHandler, *args: Any, **kwargs: Any) -> None:
        await original(self, *args, **kwargs)  # signs the visitor in (or refuses them)
        if self.request.method == "GET" and self.current_user and not self._finished:
            self.xsrf_token  # noqa: B018 - reading it sets the cookie, once per visitor

    setattr(prepare, _MARK, True)
    BaseVoilaHandler.prepare = prepare


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp) -> None:
    install()
    serverapp.log.info("auditbook: Voilà pages set _xsrf, so closing a page ends its kernel")
