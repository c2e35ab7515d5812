"""No script injection, as a person meets it: hostile text typed into every kind of text box is
saved, shown back as typed in the form, the landing list, the dashboard, the HTML export and the
guidance page's search, and no dialog ever opens."""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from auditbook import load_rubric

from .conftest import wait_for_widgets
from .test_audit_page import PLR, audit_files, choose_audit, section, type_into
from .test_every_rubric import choose

pytestmark = pytest.mark.browser
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"
RUBRIC = load_rubric("rubrics/practice-learning-review.yaml")
EVIDENCE = "Findings and Evidence to support grade including strengths"

# label → text, in the order a person meets them: header facts (short and long texts), a
# yes/no explanation, a grade's evidence, and an action row's cells.
HEADER = {
    "ID Number": IMG,
    "Team Case held in": SCRIPT,
    "Name of Practice Learning Reviewer": IMG,
}
ACTION = {"Action (row 1)": SCRIPT, "Who is responsible? (row 1)": IMG}
BOXES = len(HEADER) + 4 + len(ACTION)  # and the pen picture, an explanation, evidence, search
FIRST_LOAD = 90_000  # ms: a loaded machine can take longer than a click's wait to start a kernel


def open_page(page, server, notebook: str, selector: str) -> None:
    page.goto(server.render_url(notebook), timeout=FIRST_LOAD)
    page.wait_for_selector("#loading", state="detached", timeout=FIRST_LOAD)
    wait_for_widgets(page, selector)


def watch(page, dialogs: list) -> None:
    """Record (and dismiss) every dialog the page opens."""
    page.on("dialog", lambda d: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))


def test_hostile_text_shows_as_typed_and_never_runs(page, voila_server):
    dialogs: list[str] = []
    watch(page, dialogs)
    before = set(audit_files(voila_server))
    open_page(page, voila_server, "audit.ipynb", ".ab-app")
    page.locator(".ab-new-audit").get_by_label("Template").select_option(label=PLR)
    page.get_by_role("button", name="New audit").click()
    expect(page.locator(".ab-form h2")).to_have_text(PLR)

    for label, text in HEADER.items():
        type_into(page, label, text)
    pen = page.locator(".ab-q-pen_picture textarea")
    pen.fill(SCRIPT)
    pen.press("Tab")
    section(page, "Criteria being assessed")
    chronology = page.locator(".ab-q-chronology_up_to_date")
    choose(chronology, "Yes", RUBRIC.item("chronology_up_to_date").display)
    chronology.locator("textarea").fill(IMG)
    chronology.locator("textarea").press("Tab")
    section(page, "Assessment")
    page.get_by_label("Assessment", exact=True).select_option(label="Good")
    type_into(page, EVIDENCE, SCRIPT)
    section(page, "Areas for Development")
    for label, text in ACTION.items():
        type_into(page, label, text)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile(r"^Saved \d"))).to_be_visible()

    new = [p for p in audit_files(voila_server) if p not in before]
    assert len(new) == 1
    record = json.loads(new[0].read_text(encoding="utf-8"))
    saved = record["answers"]
    assert saved["id_number"] == IMG and saved["team"] == SCRIPT
    assert saved["pen_picture"] == SCRIPT
    assert saved["chronology_up_to_date"]["explanation"] == IMG
    assert saved["assessment_grade"]["evidence"] == {"findings": SCRIPT}
    assert saved["actions"][0]["action"] == SCRIPT and saved["actions"][0]["owner"] == IMG

    # The app afresh (a reload would reopen the audit in the address): the landing list shows
    # the case id as typed, and resuming shows every box as typed.
    page.goto(page.url.split("?", 1)[0], timeout=FIRST_LOAD)
    page.wait_for_selector("#loading", state="detached", timeout=FIRST_LOAD)
    wait_for_widgets(page, ".ab-app")
    expect(page.locator(".ab-list")).to_contain_text(IMG)
    expect(page.locator(".ab-list")).to_contain_text(record["id"])
    choose_audit(page, record["id"]).get_by_role("button", name="Resume").click()
    for label, text in HEADER.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(text)
    expect(page.locator(".ab-q-pen_picture textarea")).to_have_value(SCRIPT)
    section(page, "Criteria being assessed")
    expect(page.locator(".ab-q-chronology_up_to_date textarea")).to_have_value(IMG)
    section(page, "Assessment")
    expect(page.get_by_label(EVIDENCE, exact=True)).to_have_value(SCRIPT)
    section(page, "Areas for Development")
    for label, text in ACTION.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(text)

    # The HTML export, from the landing page's Export link, opened as a page of its own.
    page.get_by_role("button", name="Back to the list of audits").click()
    row = choose_audit(page, record["id"])
    page.get_by_label("Export as").select_option(label="HTML")
    row.get_by_role("button", name="Export").click()
    link = page.get_by_role("link", name=f"Download {record['id']}.html")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href.startswith("data:text/html;base64,")
    html = base64.b64decode(unquote(href.split(",", 1)[1])).decode("utf-8")
    export = page.context.new_page()
    watch(export, dialogs)
    export.set_content(html)
    main = export.locator("main")
    for text in (IMG, SCRIPT):
        expect(main).to_contain_text(text)
    assert export.locator("main script, main img, main svg").count() == 0
    export.close()

    # The dashboard over the same audits folder: the team and the action's owner, as typed.
    open_page(page, voila_server, "dashboard.ipynb", ".ab-figure")
    expect(page.locator(".ab-dashboard")).to_contain_text(IMG)
    expect(page.get_by_label("Team", exact=True).locator("option", has_text=SCRIPT)).to_have_count(
        1
    )
    assert page.locator(".ab-dashboard img[src=x], .ab-dashboard script").count() == 0

    # The trainers' guidance page: both payloads typed into its search, which says what it
    # looked for.
    open_page(page, voila_server, "guidance.ipynb", ".ab-guidance-page")
    search = page.get_by_role("textbox", name="Search")
    for text in (IMG, SCRIPT):
        search.fill(text)
        search.press("Enter")
        expect(page.get_by_role("status").filter(has_text="No descriptor")).to_have_text(
            f"No descriptor or guidance holds all of “{text}”."
        )
    assert page.locator(".ab-guidance-page img[src=x], .ab-guidance-page script").count() == 0

    pages = "the form, the landing list, the HTML export, the dashboard, the guidance search"
    print(f"\nbrowser injection: 2 payloads, {BOXES} text boxes, {pages}; dialogs: {len(dialogs)}")
    assert dialogs == []
