"""How fast the seed-004 form is, against baselines measured in the same run.

    .venv/bin/python benchmarks/form_speed.py [--runs 7]

Prints medians and ratios; not part of the tests' pass/fail. Measures:
  1. kernel-side build time of the form (lazy section list) and of all sections built at once
     (what tabs or an accordion need);
  2. in Voilà + headless Chromium, the time until the form is visible against a one-widget page
     served the same way, and against the same form laid out as an accordion;
  3. the time from choosing a grade to its descriptor showing, against a bare dropdown-to-HTML
     round trip on the one-widget page.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import ipywidgets as w
import nbformat
from playwright.sync_api import sync_playwright

from auditbook import load_rubric
from auditbook.audits.store import AuditStore
from auditbook.forms.form import AuditForm
from auditbook.serving.serve import CHROMIUM, CHROMIUM_ARGS, VoilaProcess

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = ROOT / "rubrics" / "descriptor-matrix.yaml"

PAGES = {
    "one_widget": (
        "import ipywidgets as w\n"
        "pick = w.Dropdown(description='Grade', options=[('Choose', None), 'Good', 'Inadequate'])\n"
        "out = w.HTML('none')\n"
        "pick.observe(lambda c: setattr(out, 'value', f'<b>{c.new}</b>'), names='value')\n"
        "w.VBox([pick, out])"
    ),
    "form": (
        "from auditbook import load_rubric\nfrom auditbook.forms.form import AuditForm\n"
        "from auditbook.audits.store import AuditStore\n"
        f"AuditForm(load_rubric({str(RUBRIC)!r}), AuditStore({{audits!r}})).widget"
    ),
    "accordion": (
        "from auditbook.forms.accordion import accordion_form\n"
        f"accordion_form({str(RUBRIC)!r}, {{audits!r}})"
    ),
}
READY = {  # what must be on screen for each page to count as shown
    "one_widget": ".widget-dropdown select",
    "form": ".ab-form .ab-section-head",
    "accordion": ".ab-accordion-ready",
}


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def kernel_build(runs: int) -> dict[str, float]:
    rubric = load_rubric(RUBRIC)
    store = AuditStore(tempfile.mkdtemp())
    lazy, eager = [], []
    for _ in range(runs):
        t = time.perf_counter()
        form = AuditForm(rubric, store, autosave_delay=None)
        lazy.append(time.perf_counter() - t)
        t = time.perf_counter()
        for section in rubric.sections:
            form._panel(section)
        eager.append(lazy[-1] + time.perf_counter() - t)
    return {
        "form built, first section (lazy)": median_ms(lazy),
        "form built, all sections (tabs/accordion)": median_ms(eager),
    }


def write_pages(folder: Path, audits: str) -> None:
    for name, source in PAGES.items():
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(source.replace("{audits!r}", repr(audits)))]
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, folder / f"{name}.ipynb")


def time_to_visible(browser, server, name: str, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        time.sleep(4)  # let Voilà refill its preheated kernel, as between two visitors
        page = browser.new_page()
        t = time.perf_counter()
        page.goto(server.render_url(f"{name}.ipynb"))
        page.wait_for_selector(READY[name], state="visible", timeout=120_000)
        out.append(time.perf_counter() - t)
        page.close()
    return out


def round_trip(page, select: str, target: str, labels: list[str], runs: int) -> list[float]:
    """Time from choosing an option to the target element's text changing."""
    out = []
    for i in range(runs):
        before = page.locator(target).first.inner_text()
        t = time.perf_counter()
        page.locator(select).select_option(label=labels[i % len(labels)])
        page.wait_for_function(
            "([sel, old]) => document.querySelector(sel).innerText !== old",
            arg=[target, before],
            timeout=30_000,
            polling="raf",
        )
        out.append(time.perf_counter() - t)
    return out


def browser_figures(runs: int) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp())
    pages = tmp / "pages"
    pages.mkdir()
    write_pages(pages, str(tmp / "audits"))
    figures = {}
    with VoilaProcess(pages, tmp / "voila.log", cwd=ROOT) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name in PAGES:
            figures[f"page visible: {name}"] = median_ms(
                time_to_visible(browser, server, name, runs)
            )
        page = browser.new_page()
        page.goto(server.render_url("one_widget.ipynb"))
        page.wait_for_selector(READY["one_widget"])
        figures["dropdown to HTML: one_widget"] = median_ms(
            round_trip(
                page,
                ".widget-dropdown select",
                ".widget-html-content",
                ["Good", "Inadequate"],
                runs * 3,
            )
        )
        page.goto(server.render_url("form.ipynb"))
        page.wait_for_selector(READY["form"])
        page.locator(".ab-nav button").nth(1).click()
        page.wait_for_selector(".ab-grade-picker select")
        figures["grade to descriptor: form"] = median_ms(
            round_trip(
                page,
                ".ab-grade-picker select >> nth=0",
                ".ab-descriptor",
                ["Good", "Inadequate"],
                runs * 3,
            )
        )
        browser.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    rows = kernel_build(max(args.runs, 20))
    rows.update(browser_figures(args.runs))
    base_page = rows["page visible: one_widget"]
    base_trip = rows["dropdown to HTML: one_widget"]
    print(f"{'measure':48} {'median ms':>10} {'ratio':>8}  baseline")
    for name, ms in rows.items():
        if name.startswith("page visible"):
            ratio, base = ms / base_page, "one-widget page"
        elif name.startswith(("grade to", "dropdown to")):
            ratio, base = ms / base_trip, "dropdown-to-HTML round trip"
        else:
            ratio, base = ms / 100, "100 ms goal"
        print(f"{name:48} {ms:10.1f} {ratio:8.2f}  {base}")
    print(
        f"\nmachine: {Path('/proc/cpuinfo').read_text().count('processor')} cores; "
        f"ipywidgets {w.__version__}; runs {args.runs}"
    )


if __name__ == "__main__":
    main()
