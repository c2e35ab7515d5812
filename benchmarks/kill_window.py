"""How much typing a hard kill of the server loses: the window of loss on SIGKILL, measured.

    .venv/bin/python benchmarks/kill_window.py [--delays 0 0.5 1 1.5 2 3 4] [--trials 3]
                                               [--leave-box]

Each trial starts its own Voilà server on the app (notebooks/, as the browser tests serve it)
over a new temporary audits folder, opens the app in headless Debian Chromium, starts a
practice learning review, saves it once, then types a marker into a text box key by key (no
Tab: the cursor stays in the box, the worst case), waits `d` seconds after the last keystroke,
and kills the server and its kernels with SIGKILL (the whole process group); with --leave-box
the last keystroke is a Tab out of the box instead. The audit file on
disk is then read: either the marker reached it or it was lost. Synthetic text only; every
folder is temporary and removed at the end. Not part of the tests' pass/fail.

Prints a line per trial, a table of saved/trials per delay, the largest delay at which text was
lost and the smallest from which it was always saved (at that delay and every longer one).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from auditbook.serving.serve import CHROMIUM, VoilaProcess

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "Practice Learning Review Form"
BOX = "Team Case held in"  # a one-line text box in the form's first section
# The flags the browser tests use for Debian's Chromium, and only the local server reachable.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
TIMEOUT_MS = 60_000
KEY_DELAY_MS = 60  # between keystrokes: a quick typist


def open_new_audit(page, server: VoilaProcess, case: str) -> None:
    """The app, a new practice learning review, its ID typed and the draft saved once."""
    page.goto(server.render_url("audit.ipynb"))
    page.wait_for_selector("#loading", state="detached")
    page.wait_for_selector(".ab-app", state="visible")
    page.get_by_label("Template").select_option(label=TEMPLATE)
    page.get_by_role("button", name="New audit").click()
    box = page.get_by_label("ID Number", exact=True)
    box.fill(case)
    box.press("Tab")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile(r"^Saved \d"))).to_be_visible()


def saved_text(audits: Path, case: str) -> list[str]:
    """The BOX answers of the saved audits whose ID is `case` (the audit files only)."""
    found = []
    for path in audits.glob("*.json"):
        if path.name.endswith(".prev.json"):
            continue
        try:
            answers = json.loads(path.read_text(encoding="utf-8"))["answers"]
        except (OSError, ValueError, KeyError):
            continue
        if answers.get("id_number") == case:
            found.append(answers.get("team") or "")
    return found


def trial(browser, work: Path, delay: float, n: int, leave: bool = False) -> dict:
    """One server, one audit, one kill `delay` seconds after the last keystroke."""
    audits = work / f"audits-{n}"
    audits.mkdir()
    case, marker = f"KW-{n:03d}", f"Team-{n:03d}-typed-just-before-the-kill"
    server = VoilaProcess(
        ROOT / "notebooks",
        work / f"voila-{n}.log",
        cwd=ROOT,
        env={"AUDITBOOK_AUDITS": str(audits), "AUDITBOOK_USER": "SW-BENCH"},
        timeout=120,
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        page = context.new_page()
        open_new_audit(page, server, case)
        assert saved_text(audits, case) == [""], "the draft was not saved before typing"
        box = page.get_by_label(BOX, exact=True)
        box.press_sequentially(marker, delay=KEY_DELAY_MS)
        if leave:
            time.sleep(KEY_DELAY_MS / 1000)
            box.press("Tab")  # the box sends its value as the cursor leaves it
        last_key = time.monotonic()
        time.sleep(max(0.0, last_key + delay - time.monotonic()))
        os.killpg(server.process.pid, signal.SIGKILL)  # the server and its kernels, at once
        killed_after = time.monotonic() - last_key
        server.process.wait()
        texts = saved_text(audits, case)
        return {
            "delay": delay,
            "killed_after": round(killed_after, 3),
            "saved": texts == [marker],
            "on_disk": texts,
        }
    finally:
        context.close()
        server.stop()


def summary(results: list[dict]) -> tuple[float | None, float | None]:
    """(largest delay at which text was lost, smallest delay from which it was always saved)."""
    delays = sorted({r["delay"] for r in results})
    always = {d: all(r["saved"] for r in results if r["delay"] == d) for d in delays}
    lost = [d for d in delays if not always[d]]
    largest_lost = max(lost) if lost else None
    safe = [d for d in delays if all(always[e] for e in delays if e >= d)]
    return largest_lost, (min(safe) if safe else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--delays",
        type=float,
        nargs="+",
        default=[0, 0.5, 1, 1.5, 2, 2.5, 3, 3.25, 3.5, 3.75, 4],
        help="seconds from the last keystroke to the kill",
    )
    parser.add_argument("--trials", type=int, default=3, help="trials at each delay")
    parser.add_argument(
        "--leave-box", action="store_true", help="Tab out of the box after typing (no pause)"
    )
    args = parser.parse_args()
    if not os.access(CHROMIUM, os.X_OK):
        sys.exit(f"Chromium not found at {CHROMIUM} (set AUDITBOOK_CHROMIUM)")
    work = Path(tempfile.mkdtemp(prefix="auditbook-kill-window-"))
    results: list[dict] = []
    started = time.monotonic()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            n = 0
            for _ in range(args.trials):  # each delay once per round: load spread evenly
                for delay in args.delays:
                    n += 1
                    try:
                        r = trial(browser, work, delay, n, args.leave_box)
                    except Exception as e:  # a trial that failed to run says so, uncounted
                        print(f"trial {n} (d={delay}) did not run: {e}", flush=True)
                        continue
                    results.append(r)
                    print(json.dumps(r), flush=True)
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print("| delay after the last keystroke (s) | text saved / trials | killed after (s, median) |")
    print("| ---: | ---: | ---: |")
    for d in sorted({r["delay"] for r in results}):
        rs = [r for r in results if r["delay"] == d]
        after = statistics.median(r["killed_after"] for r in rs)
        print(f"| {d:g} | {sum(r['saved'] for r in rs)}/{len(rs)} | {after:.2f} |")
    lost, safe = summary(results)
    print()
    print(f"largest delay at which text was lost: {'none' if lost is None else f'{lost:g} s'}")
    print(
        "smallest delay from which text was always saved: "
        + ("none" if safe is None else f"{safe:g} s")
    )
    print(f"{len(results)} trials in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
