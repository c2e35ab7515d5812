"""How the pages look at a laptop's width and a narrow window's: a full-page screenshot of each
in artifacts/screens/, nothing wider than the window, the action table's headings over their
boxes, a one-line grade select, and text areas in the body font."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from auditbook.rubrics.library import load_library

from .conftest import ARTIFACTS, wait_for_widgets
from .test_audit_page import open_app
from .test_every_rubric import go_to_section

pytestmark = pytest.mark.browser

SCREENS = ARTIFACTS / "screens"
WIDTHS = (1366, 800)
LIBRARY = load_library()
PAGES = {  # notebook -> a selector that shows once its page has drawn
    "audit.ipynb": ".ab-app",
    "dashboard.ipynb": ".ab-dashboard",
    "guidance.ipynb": ".ab-levels",
    "calibration.ipynb": ".ab-calibration-page",
}


@pytest.fixture(params=WIDTHS, ids=lambda px: f"{px}px")
def sized_page(browser, request):
    """A page `request.param` pixels wide (the page fixture's own is fixed)."""
    context = browser.new_context(viewport={"width": request.param, "height": 768}, locale="en-GB")
    context.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)
    page = context.new_page()
    yield page
    context.close()


# How many lines an element's text takes (the distinct tops of its text's boxes).
LINES = """e => { const r = document.createRange(); r.selectNodeContents(e);
  return new Set([...r.getClientRects()].filter(x => x.width > 0)
                 .map(x => Math.round(x.top))).size; }"""


def shoot(page, name: str) -> None:
    """A screenshot of the whole page: Voilà scrolls #rendered_cells, not the document, so the
    window is made as tall as the page for the picture, then put back."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    tall = page.evaluate("document.querySelector('#rendered_cells').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(tall, size["height"])})
    page.wait_for_function(
        "h => document.querySelector('#rendered_cells').clientHeight >= h", arg=min(tall, 16000)
    )
    page.screenshot(path=str(SCREENS / f"{name}-{size['width']}.png"), full_page=True)
    page.set_viewport_size(size)
    page.wait_for_function(
        "h => document.querySelector('#rendered_cells').clientHeight === h", arg=size["height"]
    )


# What is wider than the window: the document, Voilà's scrolling panel, or a control cut off.
OVERFLOW = """() => {
  const width = window.innerWidth, panel = document.querySelector('#rendered_cells');
  const out = [];
  if (document.documentElement.scrollWidth > width + 1)
    out.push(`the page is ${document.documentElement.scrollWidth} px wide`);
  if (panel.scrollWidth > panel.clientWidth + 1)
    out.push(`the content is ${panel.scrollWidth} px wide`);
  for (const e of panel.querySelectorAll('input, select, textarea, button, table')) {
    const r = e.getBoundingClientRect();
    let scrolls = false;  // a wide table in a box that scrolls sideways is not cut off
    for (let a = e.parentElement; a && a !== panel; a = a.parentElement)
      if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) scrolls = true;
    if (r.width && r.right > width + 1 && !scrolls && e.checkVisibility())
      out.push(`${e.tagName} ${e.getAttribute('aria-label') || e.textContent.trim().slice(0, 30)
               } ends at ${Math.round(r.right)} px`);
  }
  return out;
}"""


def assert_no_overflow(page, where: str) -> None:
    wide = page.evaluate(OVERFLOW)
    width = page.viewport_size["width"]
    assert wide == [], f"{where}, {width} px window: {wide[:5]}"


@pytest.mark.parametrize("notebook", PAGES)
def test_page_fits_the_window(sized_page, voila_server, notebook):
    page = sized_page
    page.goto(voila_server.render_url(notebook))
    wait_for_widgets(page, PAGES[notebook])
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    shoot(page, notebook.removesuffix(".ipynb"))
    assert_no_overflow(page, notebook)


def test_dashboard_with_audits_fits_the_window(sized_page, dashboard_server):
    page = sized_page
    page.goto(dashboard_server.render_url("dashboard.ipynb"))
    wait_for_widgets(page, ".ab-figure")
    expect(page.locator(".ab-chart").first).to_be_visible()
    # The widest list a headline figure opens: the overdue actions, nine columns.
    page.get_by_role("button", name="List the overdue actions").click()
    expect(page.locator(".ab-list[data-list=overdue_actions] table")).to_be_visible()
    shoot(page, "dashboard-audits")
    assert_no_overflow(page, "the dashboard with audits")


def first_section(rubric, types: tuple[str, ...]):
    """The first section with an auditor's question of one of these types, and that question."""
    for section in rubric.sections:
        for item in section.items:
            if item.type in types and item.role == "auditor":
                return section, item
    return None, None


def new_audit(page, server, rubric) -> None:
    open_app(page, server)
    page.locator(".ab-new-audit").get_by_label("Template").select_option(label=rubric.title)
    page.get_by_role("button", name="New audit").click()
    expect(page.locator(".ab-form h2")).to_have_text(rubric.title)


def box(locator) -> dict:
    b = locator.bounding_box()
    assert b is not None, f"{locator} is not shown"
    return b


def check_grade_section(page, rubric, width: int) -> None:
    section, item = first_section(rubric, ("grade",))
    go_to_section(page, section)
    picker = page.locator(f".ab-q-{item.id} .ab-grade-picker select")
    expect(picker).to_be_visible()
    assert box(picker)["height"] < 60, f"{rubric.id}: the grade select is a tall empty box"
    fonts = page.locator(".ab-form textarea").evaluate_all(
        "areas => areas.map(a => getComputedStyle(a).fontFamily)"
    )
    assert fonts, f"{rubric.id}: no text area in {section.title}"
    assert not [f for f in fonts if "mono" in f.lower()], fonts
    shoot(page, f"form-{rubric.id}-grade")
    assert_no_overflow(page, f"{rubric.id}, {section.title}")


def check_action_table(page, rubric, width: int) -> None:
    section, item = first_section(rubric, ("actions",))
    go_to_section(page, section)
    q = page.locator(f".ab-q-{item.id}")
    cols = item.columns
    labels = [cols.action, cols.owner, cols.due, "Completed on"]
    for label, text in zip(labels, ("Update the chronology", "SW"), strict=False):
        cell = q.get_by_label(f"{label.rstrip(':')} (row 1)", exact=True)
        cell.fill(text)
        cell.press("Tab")
    shoot(page, f"form-{rubric.id}-actions")
    assert_no_overflow(page, f"{rubric.id}, {section.title}")
    row = q.locator(".ab-action-row").first
    inputs = [row.get_by_label(f"{lb.rstrip(':')} (row 1)", exact=True) for lb in labels]
    inputs.append(row.get_by_role("button", name="Remove"))
    if width >= 1366:
        heads = q.locator(".ab-action-head span")
        expect(heads.first).to_be_visible()
        for n, (label, field) in enumerate(zip(labels + [""], inputs, strict=True)):
            head = box(heads.nth(n))
            assert abs(head["x"] - box(field)["x"]) <= 2, f"{rubric.id}: {label!r} head is off"
        for name, element in (("Completed on", heads.nth(3)), ("Remove", inputs[-1])):
            assert element.evaluate(LINES) == 1, f"{rubric.id}: {name!r} wraps"
    else:
        expect(q.locator(".ab-action-head")).to_be_hidden()
        for label in labels:
            shown = row.locator(".widget-label", has_text=label.rstrip(":")).first
            expect(shown).to_be_visible()
            assert box(shown)["width"] > 20, f"{rubric.id}: {label!r} is still visually hidden"


@pytest.mark.parametrize("rubric", LIBRARY.rubrics.values(), ids=lambda r: r.id)
def test_audit_form_looks_right(sized_page, voila_server, rubric):
    page = sized_page
    width = page.viewport_size["width"]
    new_audit(page, voila_server, rubric)
    shoot(page, f"form-{rubric.id}-first")
    assert_no_overflow(page, f"{rubric.id}, first section")
    check_grade_section(page, rubric, width)
    if first_section(rubric, ("actions",))[0] is not None:
        check_action_table(page, rubric, width)
