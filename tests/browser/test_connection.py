"""A lost connection is shown: the server killed under an open audit, the page says so."""

from __future__ import annotations

import os
import signal

import pytest
from playwright.sync_api import expect

from .conftest import serve_notebooks
from .test_audit_page import PLR, open_app, type_into

pytestmark = pytest.mark.browser


def test_a_killed_server_is_said_at_once(page, tmp_path_factory):
    with serve_notebooks(tmp_path_factory, tmp_path_factory.mktemp("audits"), "voila-kill") as s:
        open_app(page, s)
        page.locator(".ab-new-audit").get_by_label("Template").select_option(label=PLR)
        page.get_by_role("button", name="New audit").click()
        type_into(page, "ID Number", "C-KILL-1")
        lost = page.locator(".ab-connection-lost")
        expect(lost).to_be_hidden()
        os.killpg(s.process.pid, signal.SIGKILL)  # the server and its kernels, at once
        expect(lost).to_be_visible()
        expect(lost).to_contain_text("The connection to the server has been lost")
        expect(lost).to_contain_text("not being saved")
