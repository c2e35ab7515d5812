"""The app in a browser on a plain Jupyter server with Voilà's server extension: the page has
auditbook's policy, and closing it ends its kernel (voila#1458); both come from
auditbook.serving.voila_pages, which auditbook.serving.serve.extension_args() enables."""

from __future__ import annotations

import json
import urllib.request

import pytest

from ..test_server_extension import TOKEN, jupyter_server  # noqa: F401 (the server, a fixture)
from .conftest import page_kernel, wait_for_kernel_to_end, wait_for_widgets

pytestmark = pytest.mark.browser


def kernels(url: str) -> set[str]:
    request = urllib.request.Request(url + "/api/kernels")
    request.add_header("Authorization", f"token {TOKEN}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return {k["id"] for k in json.load(response)}


def test_closing_the_app_ends_its_kernel(jupyter_server, page):  # noqa: F811
    url, _ = jupyter_server
    # Signed in with the token in the address, as `jupyter server` prints it: from then on
    # the browser is signed in by cookie, as a person's is (a token header skips XSRF checks).
    response = page.goto(f"{url}/voila/render/audit.ipynb?token={TOKEN}", timeout=90_000)
    # The page's policy keeps it to its own server (auditbook.serving.voila_pages.PAGE_POLICY).
    assert "default-src 'self'" in response.headers["content-security-policy"]
    wait_for_widgets(page, ".ab-app")
    kernel = page_kernel(page)
    assert kernel in kernels(url)
    page.goto("about:blank")
    wait_for_kernel_to_end(kernel, lambda k: k in kernels(url))
