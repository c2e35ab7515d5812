"""Voilà on a free loopback port and Debian's Chromium driven by Playwright, as a person would."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from auditbook.serve import voila_command

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# Debian's chromium: Playwright's own browser download is not reachable from CI.
CHROMIUM = os.environ.get("AUDITBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Only the local server is reachable: Voilà's template links a CDN stylesheet, which
    # then fails at once instead of waiting on a network that CI does not have.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
START_TIMEOUT = 60  # seconds for Voilà to answer
PAGE_TIMEOUT = 30_000  # milliseconds for each Playwright action and wait


@dataclass
class VoilaServer:
    url: str
    audits_dir: Path
    log: Path
    process: subprocess.Popen

    def render_url(self, notebook: str) -> str:
        """The page a person opens for `notebook`, e.g. "guidance.ipynb"."""
        return f"{self.url}/voila/render/{notebook}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    # Kernels live in the server's own process group: end any it left behind.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory) -> VoilaServer:
    """Voilà serving notebooks/ in tree mode; audits go to a temporary folder."""
    tmp = tmp_path_factory.mktemp("voila")
    audits = tmp_path_factory.mktemp("audits")
    log = tmp / "voila.log"
    port = free_port()
    env = {**os.environ, "AUDITBOOK_AUDITS": str(audits)}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            voila_command(ROOT / "notebooks", port),
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = VoilaServer(f"http://127.0.0.1:{port}", audits, log, proc)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"Voilà exited with code {proc.returncode} before answering:\n{server.output()}"
            )
        try:
            with urllib.request.urlopen(server.url + "/", timeout=2):
                break
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                _stop(proc)
                raise RuntimeError(
                    f"Voilà did not answer on {server.url} within {START_TIMEOUT} s:\n"
                    f"{server.output()}"
                ) from None
            time.sleep(0.25)
    yield server
    _stop(proc)


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
