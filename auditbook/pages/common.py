"""What every page shares: the header and heading at its top, and waiting for the person
who opens it."""

from __future__ import annotations

import asyncio
import json
import os
import threading
import warnings
from html import escape

from IPython.display import HTML

from ..audits.users import current_user
from ..web.header import header_html, page
from ..web.style import HEADER_CSS


def page_header(current: str, user: str | None = None) -> HTML:
    """The top of the page whose notebook is `current`: the header (the service, who is signed
    in, links to every page), the page's one heading and what the page is for
    (auditbook.web.header.PAGES).

    Plain HTML, not a widget: it shows as soon as the page arrives, before any widget."""
    title, lead = page(current).title, page(current).lead
    top = HEADER_CSS + header_html(user or current_user(), current)
    top += f'<h1 class="ab-header-title">{escape(title)}</h1>'
    if lead:
        top += f'<p class="ab-header-lead">{escape(lead)}</p>'
    return HTML(top)


def wait_for_visitor() -> None:
    """Under Voilà's preheated kernels, pause until a person opens the page.

    A preheated kernel runs the notebook before anyone visits; without this pause the list of
    saved audits would be as it was when the kernel started, not when the page was opened.

    This is voila.utils.wait_for_request without importing voila: that import brings in
    Voilà's server (jupyter_server, jupyterlab_server, jsonschema, whose rfc3987_syntax builds
    38 grammars as it loads), 3-5 s of CPU in every preheated kernel, all of them at once as the
    server starts, so the first visit to a fresh server waited half a minute (a page opened
    while its pooled kernel is still running the notebook waits for it). Same protocol: the
    kernel opens the server's /voila/query/<kernel id> websocket and receives the visitor's
    request as one JSON object, put into os.environ as Voilà does.
    """
    if os.environ.get("VOILA_PREHEAT", "False") == "False":
        return  # not under Voilà, or a kernel started for a visit (no pool)
    server_url = os.environ.get("VOILA_SERVER_URL", "/")
    url = "{}://{}:{}{}voila/query/{}".format(
        os.environ.get("VOILA_WS_PROTOCOL", "ws"),
        os.environ.get("VOILA_APP_IP", "127.0.0.1"),
        os.environ.get("VOILA_APP_PORT", "8866"),
        os.environ.get("VOILA_WS_BASE_URL", server_url),
        os.environ.get("VOILA_KERNEL_ID"),
    )
    # The kernel's own event loop is busy running this cell: wait on a loop of our own.
    result: list = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(_request_info(url))))
    thread.start()
    thread.join()
    info = result[0] if result else None
    if info:
        os.environ.update({str(k): str(v) for k, v in json.loads(info).items()})


async def _request_info(url: str, connect_timeout: float = 5) -> str | None:
    """The first message of the websocket at `url` (None if it cannot be reached)."""
    # tornado, not the websockets package Voilà uses: the kernel itself runs on tornado.
    from tornado.httpclient import HTTPClientError
    from tornado.websocket import websocket_connect

    try:
        conn = await websocket_connect(url, connect_timeout=connect_timeout)
    except (OSError, asyncio.TimeoutError, HTTPClientError) as exc:
        warnings.warn(f"Failed to connect to {url}: {exc}", stacklevel=2)
        return None
    try:
        return await conn.read_message()
    finally:
        conn.close()
