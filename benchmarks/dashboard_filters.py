"""The dashboard's filter change at a council's volume: from choosing a filter to every figure
updated, in the kernel and in the browser.

    .venv/bin/python benchmarks/dashboard_filters.py [--audits 5000] [--folder F] [--runs 3]
                                                     [--no-browser]

The folder (synthetic audits from auditbook.demo, written once under --data and reused, or
--folder) is loaded as the page loads it. Not part of the tests' pass/fail.

  kernel   a filter change in the Dashboard: every template with every team, then each
           status (each choice new: nothing kept yet), then the teams again (each kept):
           median wall-clock and CPU time, and where the time of a new choice goes
           (filtering, the headline figures, grades, moderation, actions).
  browser  Voilà and headless Chromium: from choosing a team to the page no longer busy and
           its status line naming that choice (every figure is in by then).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from auditbook.analytics.frames import load_audits, on_shared_scale
from auditbook.demo import generate
from auditbook.pages import dashboard_view as V
from auditbook.pages.dashboard import Dashboard
from auditbook.rubrics.library import load_library

ROOT = Path(__file__).resolve().parent.parent


def folder_of(data: Path, n: int) -> Path:
    folder = data / f"audits-{n}"
    if not (folder / ".complete").exists():
        generate(folder, n=n, seed=1)
        (folder / ".complete").write_text("")
    return folder


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:7.1f} ms (n={len(values)})"


def kernel(folder: Path, runs: int) -> None:
    library = load_library()
    titles = {k: r.title for k, r in library.rubrics.items()}
    start = time.perf_counter()
    frames = load_audits(folder, library=library, progress=False)
    print(f"load_audits: {time.perf_counter() - start:.2f} s, {len(frames.audits)} audits")
    start = time.perf_counter()
    page = Dashboard(frames, titles)
    print(f"first view (all audits): {time.perf_counter() - start:.3f} s")
    rubrics = [v for _, v in page.rubric.options]
    teams = [v for _, v in page.team.options]
    changes = [
        change
        for rubric in rubrics
        for team in teams
        for change in ((page.rubric, rubric), (page.team, team))
    ] + [(page.status, s) for s in page.status.options]
    seen, wall, cpu = {page.key()}, [], []
    for control, value in changes:
        if control.value == value:
            continue
        w0, c0 = time.perf_counter(), time.process_time()
        control.value = value
        if page.key() not in seen:
            wall.append(time.perf_counter() - w0)
            cpu.append(time.process_time() - c0)
        seen.add(page.key())
    print(f"filter change, a new choice:  wall {ms(wall)}, CPU {ms(cpu)}")
    page.rubric.value, page.status.value = "", "All statuses"
    for team in teams:  # every team's view made, then kept
        page.team.value = team
    wall, cpu = [], []
    for _ in range(runs):
        for team in teams:
            w0, c0 = time.perf_counter(), time.process_time()
            page.team.value = team
            wall.append(time.perf_counter() - w0)
            cpu.append(time.process_time() - c0)
    print(f"filter change, a kept choice: wall {ms(wall)}, CPU {ms(cpu)}")

    # Where a new choice's time goes: one team, every template, parts timed alone.
    base = on_shared_scale(frames)
    raw, shared = frames.filter(team=teams[1]), base.filter(team=teams[1])
    parts = {
        "filter (own and shared scales)": lambda: (
            frames.filter(team=teams[1]),
            base.filter(team=teams[1]),
        ),
        "headline figures": lambda: V._figures(raw, shared),
        "grades (3 charts, 2 tables)": lambda: V.grades_html(shared, page.settings),
        "moderation (grid, table)": lambda: V.moderation_html(raw, page.settings),
        "actions, escalations, completion": lambda: V.actions_html(raw, page.settings),
    }
    for name, fn in parts.items():
        times = []
        for _ in range(5):
            c0 = time.process_time()
            fn()
            times.append(time.process_time() - c0)
        print(f"  {name:36} CPU {ms(times)}")


def browser(folder: Path, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    from auditbook.serving.serve import CHROMIUM, CHROMIUM_ARGS, VoilaProcess

    tmp = Path(tempfile.mkdtemp())
    env = {"AUDITBOOK_AUDITS": str(folder)}
    with (
        VoilaProcess(ROOT / "notebooks", tmp / "voila.log", cwd=ROOT, env=env, timeout=180) as s,
        sync_playwright() as pw,
    ):
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = chromium.new_page(viewport={"width": 1366, "height": 900})
        start = time.perf_counter()
        page.goto(s.render_url("dashboard.ipynb"))
        page.wait_for_selector(".ab-figure", state="visible", timeout=600_000)
        print(f"page visible: {time.perf_counter() - start:.1f} s")
        team = page.get_by_label("Team", exact=True)
        teams = [t.replace("\xa0", " ") for t in team.locator("option").all_inner_texts()]
        times = []
        for i in range(runs * (len(teams) - 1)):
            name = teams[1 + i % (len(teams) - 1)]
            mark = V.selection_mark(("", name, None, None, "All statuses"))
            start = time.perf_counter()
            team.select_option(label=name)
            page.wait_for_function(
                """mark => { const d = document.querySelector(".ab-dashboard");
                  const s = d.querySelector("[role=status][data-state=shown]");
                  return !d.classList.contains("ab-busy") && s
                    && s.dataset.selection === mark; }""",
                arg=mark,
                polling="raf",
                timeout=120_000,
            )
            times.append(time.perf_counter() - start)
        first = times[: len(teams) - 1]
        again = times[len(teams) - 1 :]
        print(f"team chosen to every figure shown, first time: {ms(first)}")
        if again:
            print(f"team chosen to every figure shown, again:      {ms(again)}")
        chromium.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=5000)
    parser.add_argument("--folder", type=Path, help="a folder of audits (default: synthetic)")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "ab-dash")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    folder = args.folder or folder_of(args.data, args.audits)
    kernel(folder, args.runs)
    if not args.no_browser:
        browser(folder, args.runs)


if __name__ == "__main__":
    main()
