"""auditbook at a council's real volume, against baselines measured in the same run.

    .venv/bin/python benchmarks/scale.py [--sizes 500 5000 20000] [--runs 5] [--no-pages]

For each folder size (synthetic audits from `auditbook demo-data`, kept under --data so a
second run reuses them), prints medians and ratios; not part of the tests' pass/fail:

  loading   against the floor, a plain json.load of every audit file into one DataFrame:
            load_audits from the files alone, through a current index, and a cold build of
            the index (deleted first);
  saving    one audit saved with its index row against the same save without it;
  workbooks the Excel and pseudonymised workbooks, from opening the folder to the bytes;
  pages     in Voilà and headless Chromium, the auditor's list and the dashboard until
            visible, against a one-widget page served by the same server; a search
            keystroke to its results shown; a dashboard filter change to every figure updated.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from analytics_speed import floor  # the same floor as analytics_speed.py's (this folder)

from auditbook.analytics.frames import load_audits
from auditbook.audits.store import AuditStore
from auditbook.demo import generate
from auditbook.documents.pseudonymise import pseudonymised_sheets
from auditbook.documents.workbook import analysis_sheets, workbook_bytes
from auditbook.rubrics.library import load_library

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS_UP_TO = 5000  # audits; larger workbooks are not a goal


def timed(fn, runs: int, before=None) -> list[float]:
    out = []
    for _ in range(runs):
        if before is not None:
            before()
        gc.collect()
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def folder_of(data: Path, n: int) -> Path:
    folder = data / f"audits-{n}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        generate(folder, n=n, seed=1)
        (folder / ".complete").write_text("")
        print(f"  wrote {n} synthetic audits in {time.perf_counter() - started:.0f} s")
    return folder


def loading(folder: Path, library, runs: int) -> list[tuple]:
    store = AuditStore(folder)
    base = median(timed(lambda: floor(folder), runs))
    files = median(
        timed(lambda: load_audits(store, library, progress=False, use_index=False), runs)
    )
    cold = median(
        timed(lambda: store.index.refresh(library), max(1, runs // 2), store.index.delete)
    )
    store.index.refresh(library)
    warm = median(timed(lambda: load_audits(store, library, progress=False), runs))
    return [
        ("floor: json.load of every file", base, 1.0, "", ""),
        ("load_audits from the files alone", files, files / base, "", ""),
        ("index built cold (deleted first)", cold, cold / base, "≤ 2×", cold / base <= 2),
        ("load_audits, index current", warm, warm / base, "< 0.3×", warm / base < 0.3),
    ]


def saving(folder: Path, library, runs: int) -> list[tuple]:
    store = AuditStore(folder)
    audit_id = store.files()[0].stem
    record = store.load(audit_id)
    rubric = library.rubrics[record["rubric"]["id"]]
    with_index, without = [], []
    plain = AuditStore(folder)
    plain._index = lambda record, target: None  # the same save, no index row
    for _ in range(runs * 10):
        for target, out in ((store, with_index), (plain, without)):
            record = target.load(audit_id)
            start = time.perf_counter()
            target.save(record, "SW-01", changes=["bench"], rubric=rubric)
            out.append(time.perf_counter() - start)
    store.index.refresh(library)
    ratio = median(with_index) / median(without)
    return [
        ("save without the index row", median(without), 1.0, "", ""),
        ("save with the index row", median(with_index), ratio, "≤ 1.2×", ratio <= 1.2),
    ]


def workbooks(folder: Path, library, runs: int) -> list[tuple]:
    store = AuditStore(folder)
    key = b"k" * 32

    def excel():
        workbook_bytes(analysis_sheets(load_audits(store, library, progress=False)))

    def pseudonymised():
        workbook_bytes(pseudonymised_sheets(load_audits(store, library), key))

    out = []
    for name, fn in (("Excel workbook", excel), ("pseudonymised workbook", pseudonymised)):
        s = median(timed(fn, max(1, runs // 2)))
        out.append((name, s, None, "< 3 s", s < 3))
    return out


# ------------------------------------------------------------------------------ pages

ONE_WIDGET = (
    "import ipywidgets as w\n"
    "pick = w.Dropdown(description='Grade', options=[('Choose', None), 'Good', 'Inadequate'])\n"
    "out = w.HTML('none')\n"
    "pick.observe(lambda c: setattr(out, 'value', f'<b>{c.new}</b>'), names='value')\n"
    "w.VBox([pick, out])"
)
READY = {  # what must be on screen for each page to count as shown
    "one_widget": ".widget-dropdown select",
    "audit": ".ab-list-count",
    "dashboard": ".ab-figures",
}
SEARCH_BOX = ".ab-in-list-search input"  # the auditor's list: search by case id
SEARCH_RESULTS = ".ab-list-page"
TEAM_FILTER = ".ab-dash-filters select >> nth=1"  # the dashboard: its team filter
FIGURES = ".ab-figures"


def pages(folder: Path, runs: int) -> list[tuple]:
    from playwright.sync_api import sync_playwright

    from auditbook.serving.serve import CHROMIUM, CHROMIUM_ARGS, VoilaProcess

    tmp = Path(tempfile.mkdtemp())
    served = tmp / "pages"
    served.mkdir()
    for name in ("audit", "dashboard"):
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", served)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(ONE_WIDGET)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, served / "one_widget.ipynb")
    env = {"AUDITBOOK_AUDITS": str(folder), "AUDITBOOK_RUBRICS": str(ROOT / "rubrics")}
    out = []
    with (
        VoilaProcess(served, tmp / "voila.log", cwd=ROOT, env=env, timeout=180) as server,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def visible(name: str) -> float:
            time.sleep(4)  # let Voilà refill its preheated kernel, as between two visitors
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            start = time.perf_counter()
            page.goto(server.render_url(f"{name}.ipynb"))
            page.wait_for_selector(READY[name], state="visible", timeout=300_000)
            seconds = time.perf_counter() - start
            page.close()
            return seconds

        times = {name: [] for name in READY}
        for _ in range(runs):  # interleaved, so a slow spell of the machine hits all alike
            for name in READY:
                times[name].append(visible(name))
        base = median(times["one_widget"])
        out.append(("page visible: one-widget page", base, 1.0, "", ""))
        for name, goal in (("audit", 1.2), ("dashboard", 1.5)):
            s = median(times[name])
            out.append((f"page visible: {name}", s, s / base, f"≤ {goal}×", s / base <= goal))
        out += _interactions(browser, server, runs)
        browser.close()
    return out


def _changed(page, selector: str, before: str, start: float) -> float:
    page.wait_for_function(
        "([sel, old]) => { const e = document.querySelector(sel);"
        " return e && e.getAttribute('aria-busy') !== 'true' && e.innerText !== old; }",
        arg=[selector, before],
        timeout=60_000,
        polling="raf",
    )
    return time.perf_counter() - start


def _interactions(browser, server, runs: int) -> list[tuple]:
    out = []
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(server.render_url("audit.ipynb"))
    page.wait_for_selector(SEARCH_BOX, state="visible", timeout=300_000)
    box, keys = page.locator(SEARCH_BOX), []
    for i in range(runs * 4):
        before = page.locator(SEARCH_RESULTS).first.inner_text()
        box.fill("")  # the whole list back, then one key typed and timed
        if i:  # the last key's results: wait for the whole list back
            _changed(page, SEARCH_RESULTS, before, time.perf_counter())
        before = page.locator(SEARCH_RESULTS).first.inner_text()
        start = time.perf_counter()
        box.press(str(1 + i % 9))
        keys.append(_changed(page, SEARCH_RESULTS, before, start))
    s = median(keys)
    out.append(("search keystroke to results shown", s, None, "< 150 ms", s < 0.15))
    page.goto(server.render_url("dashboard.ipynb"))
    page.wait_for_selector(TEAM_FILTER, state="visible", timeout=300_000)
    teams = page.locator(TEAM_FILTER).locator("option").all_inner_texts()
    changes = []
    for i in range(runs * 2):
        before = page.locator(FIGURES).first.inner_text()
        start = time.perf_counter()
        page.locator(TEAM_FILTER).select_option(label=teams[1 + i % (len(teams) - 1)])
        changes.append(_changed(page, FIGURES, before, start))
    s = median(changes)
    out.append(("dashboard filter change to figures updated", s, None, "< 300 ms", s < 0.3))
    page.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000, 20000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "ab-scale")
    parser.add_argument("--no-pages", action="store_true", help="kernel-side figures only")
    args = parser.parse_args()
    library = load_library()
    print(f"{'measure':48} {'median s':>9} {'ratio':>6}  goal")
    for n in args.sizes:
        print(f"\n{n} audits")
        folder = folder_of(args.data, n)
        rows = loading(folder, library, args.runs) + saving(folder, library, args.runs)
        if n <= WORKBOOKS_UP_TO:
            rows += workbooks(folder, library, args.runs)
        for row in rows:
            _print(row)
        if not args.no_pages:
            for row in pages(folder, args.runs):
                _print(row)
    print(f"\nmachine: {os.cpu_count()} cores; runs {args.runs}")


def _print(row: tuple) -> None:
    name, seconds, ratio, goal, met = row
    mark = "" if goal == "" else (" ✔" if met else " ✘")
    shown = "" if ratio is None else f"{ratio:6.2f}"
    print(f"{name:48} {seconds:9.3f} {shown:>6}  {goal}{mark}", flush=True)


if __name__ == "__main__":
    main()
