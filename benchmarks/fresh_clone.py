"""From a fresh clone to the app page, and to the first test, as a newcomer would run them.

    .venv/bin/python benchmarks/fresh_clone.py                 # uv's package cache as it is
    .venv/bin/python benchmarks/fresh_clone.py --empty-cache   # every package downloaded

Clones this repository's HEAD into a temporary folder, then times, from the clone:
- `make app`: setting up .venv from uv.lock, starting Voilà, until the auditor app's "New
  audit" button is visible in headless Chromium (the page opened as soon as the server
  answers, as a person would);
- `make test`'s set-up and first test: .venv with the test tools, until pytest reports the
  first test done (the run is then stopped).
Debian's Chromium and the hub's proxy are installed as make test would; if they are already
on the machine their install takes no time, which the output says.
Not part of the tests.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from auditbook.serving.serve import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the root redirects to the first page: an answer, not to be followed


def answers(url: str) -> bool:
    """Whether the server answers at all (following the root's redirect would render the
    app page, which is what the browser's visit is timed for)."""
    try:
        with urllib.request.build_opener(_NoRedirect).open(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # a redirect (or any status) is the server answering
    except OSError:
        return False


def time_app(clone: Path, env: dict) -> tuple[float, float, float]:
    """(seconds to the server answering, to the page visible, of which the set-up)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = open(clone / "make-app.log", "w")
    start = time.monotonic()
    proc = subprocess.Popen(
        ["make", "app", f"PORT={port}"],
        cwd=clone,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    try:
        while not (clone / ".venv" / ".installed").exists():
            assert proc.poll() is None, (clone / "make-app.log").read_text()
            time.sleep(0.1)
        installed = time.monotonic() - start
        while not answers(url):
            assert proc.poll() is None, (clone / "make-app.log").read_text()
            time.sleep(0.1)
        answered = time.monotonic() - start
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url, timeout=180_000)
            page.get_by_role("button", name="New audit").wait_for(timeout=180_000)
            visible = time.monotonic() - start
            browser.close()
        return answered, visible, installed
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def time_first_test(clone: Path, env: dict) -> float:
    """Seconds from `make test` to pytest's first test done (the run is then stopped)."""
    start = time.monotonic()
    proc = subprocess.Popen(
        ["make", "test"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    # pytest -q prints a character per test, not a line: read the output as it comes.
    seen = ""
    try:
        while chunk := os.read(proc.stdout.fileno(), 4096).decode(errors="replace"):
            seen += chunk
            after_lint = seen.partition("Contracts: ")[2]
            pytest_part = after_lint.partition("\n")[2]  # after lint-imports' summary
            if re.search(r"(?m)^[.FEsx]", pytest_part):
                return time.monotonic() - start
        raise AssertionError(f"make test ended before any test ran: {seen[-2000:]}")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--empty-cache", action="store_true", help="download every package")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="auditbook-clone-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}

        def fresh(name: str) -> Path:
            clone = Path(tmp) / name
            subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
            if args.empty_cache:  # a cache of its own for each clone: nothing shared
                env["UV_CACHE_DIR"] = str(Path(tmp) / f"uv-cache-{name}")
                env["PIP_NO_CACHE_DIR"] = "1"
            return clone

        answered, visible, installed = time_app(fresh("app"), env)
        print(
            f"make app: .venv set up at {installed:.1f} s, server answering at "
            f"{answered:.1f} s, app page visible at {visible:.1f} s"
        )
        first = time_first_test(fresh("test"), env)
        print(f"make test: first test done at {first:.1f} s")
        print("cache:", "empty (every package downloaded)" if args.empty_cache else "as it is")


if __name__ == "__main__":
    main()
