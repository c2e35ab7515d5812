"""The first visit to a freshly started server: each app page opens within seconds of the
server answering, as it does for a later visitor.

Voilà starts one preheated kernel per app page as it starts listening, each running its
notebook, and a page opened while its kernel is still doing that waits for it. The first
visit used to take 23-53 s (widgets visible, counted from the server's first answer) on a
2-core machine, against 2-3 s for a later one, so the first auditor after every start waited
half a minute and the first browser test against each fresh server timed out: every kernel
imported Voilà's whole server (jsonschema and its grammars) to wait for its visitor, an
analysis notebook was preheated too, and none of the packages were compiled to bytecode.
"""

from __future__ import annotations

import time

import psutil
import pytest
from playwright.sync_api import expect

from auditbook.demo import generate

from .conftest import serve_notebooks, wait_for_widgets

pytestmark = pytest.mark.browser

# What each app page shows once its widgets are up (as the page's own tests wait for).
PAGES = {
    "audit.ipynb": ".ab-app",
    "dashboard.ipynb": ".ab-figure",
    "guidance.ipynb": ".ab-levels",
    "calibration.ipynb": ".ab-calibration-page",
}
# Seconds from the server's first answer to the page's widgets being visible. Measured on a
# 2-core machine, fresh clone and venv: 4.5-10 s now (a later visit: 2-3 s); before the fix
# 23-53 s (audit, dashboard, calibration 33-53 s; guidance 18-23 s). 15 s is half as much again
# as the slowest run now, for a busier machine.
FIRST_VISIT = 15
WAIT_MS = 90_000  # wait this long regardless, so a slow page reports its time, not a timeout
# The pages whose preheated kernel pauses for its visitor (auditbook.pages.common.wait_for_visitor).
WAITING_PAGES = 3  # audit, dashboard, calibration


@pytest.fixture(scope="module")
def audits(tmp_path_factory):
    """Synthetic audits, so the dashboard has figures to draw, as on a real server."""
    folder = tmp_path_factory.mktemp("first-visit-audits")
    generate(folder, n=120, seed=5, months=12)
    return folder


@pytest.fixture
def calibration(tmp_path_factory):
    return {"AUDITBOOK_CALIBRATION": str(tmp_path_factory.mktemp("first-visit-calibration"))}


def no_errors(page) -> None:
    """Nothing went to stderr: a kernel that failed to reach the server would say so there."""
    assert "There was an error when executing cell" not in page.inner_text("body")
    expect(page.locator('[data-mime-type="application/vnd.jupyter.stderr"]')).to_have_count(0)


@pytest.mark.parametrize("notebook", PAGES)
def test_first_visit_to_a_fresh_server_opens_within_seconds(
    notebook, audits, calibration, tmp_path_factory, page
):
    with serve_notebooks(tmp_path_factory, audits, "voila-first-visit", calibration) as server:
        start = time.monotonic()  # serve_notebooks returns as soon as the server answers
        page.goto(server.render_url(notebook), timeout=WAIT_MS)
        page.wait_for_selector("#loading", state="detached", timeout=WAIT_MS)
        page.wait_for_selector(PAGES[notebook], state="visible", timeout=WAIT_MS)
        took = time.monotonic() - start
        print(f"\n{notebook}: widgets visible {took:.1f} s after the server answered")
        no_errors(page)
    assert took <= FIRST_VISIT, (
        f"the first visit to {notebook} took {took:.1f} s from the server's first answer "
        f"(at most {FIRST_VISIT} s)"
    )


def kernels_waiting_for_a_visitor(server) -> int:
    """Kernels of the server holding a connection to it: a preheated kernel connects to
    Voilà's /voila/query/<kernel id> websocket and waits there for its page's visitor."""
    count = 0
    for child in psutil.Process(server.process.pid).children(recursive=True):
        try:
            if any(
                c.status == psutil.CONN_ESTABLISHED and c.raddr and c.raddr.port == server.port
                for c in child.net_connections(kind="tcp")
            ):
                count += 1
        except psutil.Error:
            pass
    return count


def test_a_preheated_page_shows_audits_saved_while_it_waited(tmp_path_factory, calibration, page):
    # The preheated kernel runs the notebook ahead of the visit, then pauses until a person
    # opens the page (without Voilà's server in the kernel); the list of saved audits is
    # read then, so an audit saved while it waited is listed.
    folder = tmp_path_factory.mktemp("late-audits")
    with serve_notebooks(tmp_path_factory, folder, "voila-preheat-wait", calibration) as server:
        deadline = time.monotonic() + 60
        while kernels_waiting_for_a_visitor(server) < WAITING_PAGES:
            assert time.monotonic() < deadline, (
                f"preheated kernels never reached their pause:\n{server.output()}"
            )
            time.sleep(0.25)
        [audit_id] = generate(folder, n=1, seed=11)
        page.goto(server.render_url("audit.ipynb"))
        wait_for_widgets(page, ".ab-app")
        expect(page.locator(".ab-list")).to_contain_text(audit_id)
        no_errors(page)
