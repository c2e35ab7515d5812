"""Voilà on a free loopback port and Debian's Chromium driven by Playwright, as a person would."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from auditbook.serving.serve import CHROMIUM, CHROMIUM_ARGS, VoilaProcess

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
START_TIMEOUT = 60  # seconds for Voilà to answer
PAGE_TIMEOUT = 30_000  # milliseconds for each Playwright action and wait


@contextlib.contextmanager
def serve_notebooks(tmp_path_factory, audits: Path, name: str = "voila", env: dict | None = None):
    """Voilà serving notebooks/ in tree mode over the audits in `audits` (and any other
    settings in `env`); its output is shown if it fails to start."""
    log = tmp_path_factory.mktemp(name) / "voila.log"
    with VoilaProcess(
        ROOT / "notebooks",
        log,
        cwd=ROOT,
        env={"AUDITBOOK_AUDITS": str(audits), **(env or {})},
        timeout=START_TIMEOUT,
    ) as server:
        server.audits_dir = audits
        yield server


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory) -> VoilaProcess:
    """Voilà serving notebooks/ in tree mode; audits, and calibration exercises' answers, go
    to temporary folders (never the project's exports/)."""
    calibration = tmp_path_factory.mktemp("calibration")
    env = {"AUDITBOOK_CALIBRATION": str(calibration)}
    with serve_notebooks(tmp_path_factory, tmp_path_factory.mktemp("audits"), env=env) as server:
        server.calibration_root = calibration
        yield server


@pytest.fixture(scope="session")
def moderator_server(tmp_path_factory, voila_server) -> VoilaProcess:
    """A second Voilà over the same audits, signed in as another person (MOD-01): an auditor
    may not moderate their own audit, so moderation in these tests is someone else's."""
    with serve_notebooks(
        tmp_path_factory, voila_server.audits_dir, "voila-mod", env={"AUDITBOOK_USER": "MOD-01"}
    ) as server:
        yield server


@pytest.fixture(scope="session")
def dashboard_server(tmp_path_factory):
    """Voilà over notebooks/ with a folder of synthetic demo audits (one server for every
    test that needs audits to show: the dashboard's tests and the screenshots)."""
    from auditbook.demo import generate

    audits = tmp_path_factory.mktemp("demo-audits")
    generate(audits, n=120, seed=5, months=12)
    with serve_notebooks(tmp_path_factory, audits, "voila-dashboard") as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium; fails, never skips, when it is missing."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: the browser tests need it. Run `make test` "
            "(it installs Debian's chromium), or `apt-get install chromium`, or set "
            "AUDITBOOK_CHROMIUM to a Chromium or Chrome binary.",
            pytrace=False,
        )
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # The page fixture reads this to know whether its test failed.
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, request):
    """A fresh page (own cookies and storage); a screenshot in artifacts/ if the test fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(PAGE_TIMEOUT)
    expect.set_options(timeout=PAGE_TIMEOUT)
    pg = context.new_page()
    yield pg
    reports = (getattr(request.node, f"report_{when}", None) for when in ("setup", "call"))
    failed = any(r is not None and r.failed for r in reports)
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.nodeid)
        try:
            pg.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        except Exception as exc:  # a screenshot must not hide the real failure
            print(f"could not save a screenshot: {exc}")
    context.close()


def wait_for_widgets(page, selector: str = ".jupyter-widgets") -> None:
    """Wait until Voilà has run the notebook and rendered its widgets (ipywidgets 8)."""
    # Voilà shows #loading while the kernel runs the notebook, then removes it and shows
    # #rendered_cells; the widget manager then mounts each view as .jupyter-widgets.
    page.wait_for_selector("#loading", state="detached")
    page.wait_for_selector(selector, state="visible")


def page_kernel(page) -> str:
    """The id of the kernel running a Voilà page, from the page's own configuration."""
    return json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]


def wait_for_kernel_to_end(
    kernel_id: str,
    running: Callable[[str], bool],
    timeout: float = 30,
    detail: Callable[[], str] = str,
) -> float:
    """Wait until `running(kernel_id)` is false (its page has closed): the seconds it took."""
    start = time.monotonic()
    while running(kernel_id):
        if time.monotonic() - start > timeout:
            raise AssertionError(
                f"kernel {kernel_id} still running {timeout} s after its page closed\n{detail()}"
            )
        time.sleep(0.25)
    return time.monotonic() - start
