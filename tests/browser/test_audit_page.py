"""The auditor app in a real Voilà server and headless Chromium, used as a person would."""

from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import expect

from auditbook import load_rubric
from auditbook.audits.store import AuditStore
from auditbook.demo.synthetic import sample_answers

from .conftest import wait_for_widgets

pytestmark = pytest.mark.browser
PLR = "Practice Learning Review Form"
SEARCH = "Search by case id or audit id"


def open_app(page, server):
    page.goto(server.render_url("audit.ipynb"))
    wait_for_widgets(page, ".ab-app")
    expect(page.get_by_role("button", name="New audit")).to_be_visible()


def section(page, title):
    page.locator(".ab-nav").get_by_role("button", name=re.compile("^" + re.escape(title))).click()
    expect(page.locator(".ab-section-head")).to_contain_text(title)


def type_into(page, label, text):
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Tab")  # text boxes send their value when the cursor leaves them


def choose_audit(page, audit_id, status=None):
    """Find a saved audit by typing its id into the search box, as a person would: its row of
    the list, once the list shows it alone (with this status: the list is current)."""
    page.get_by_label(SEARCH).fill(audit_id)
    rows = page.locator(".ab-list-row:visible")
    expect(rows).to_have_count(1)  # the search has answered: nothing else is listed
    row = rows.filter(has_text=audit_id)
    if status:
        row = row.filter(has_text=status)
    expect(row).to_have_count(1)
    return row


def audit_files(server):
    return sorted(p for p in server.audits_dir.glob("*.json") if not p.name.endswith(".prev.json"))


def test_new_audit_fill_save_reload_resume(page, voila_server):
    before = set(audit_files(voila_server))
    open_app(page, voila_server)
    page.locator(".ab-new-audit").get_by_label("Template").select_option(label=PLR)
    page.get_by_role("button", name="New audit").click()
    expect(page.locator(".ab-form h2")).to_have_text(PLR)

    type_into(page, "ID Number", "C-0001")
    type_into(page, "Team Case held in", "Team-A")

    section(page, "Assessment")
    grade = page.get_by_label("Assessment", exact=True)
    grade.select_option(label="Good")
    descriptor = page.locator(".ab-q-assessment_grade .ab-descriptor")
    expect(descriptor).to_contain_text("There is an up-to-date chronology, in the required format")
    grade.select_option(label="Inadequate")
    expect(descriptor).to_contain_text("There is no chronology and/or the chronology is of a poor")
    type_into(
        page,
        "Findings and Evidence to support grade including strengths",
        "Assessment updated in March; risks from the home visit are analysed.",
    )
    page.locator(".ab-q-assessment_grade summary").click()  # compare all levels
    expect(page.locator(".ab-q-assessment_grade table.ab-matrix")).to_contain_text("Outstanding")

    section(page, "Areas for Development")
    type_into(page, "Action (row 1)", "Update the chronology")
    type_into(page, "Who is responsible? (row 1)", "SW")
    type_into(page, "Action (row 2)", "Hold a family network meeting")
    type_into(page, "Who is responsible? (row 2)", "TM")

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile(r"^Saved \d"))).to_be_visible()
    new = [p for p in audit_files(voila_server) if p not in before]
    assert len(new) == 1
    record = json.loads(new[0].read_text(encoding="utf-8"))
    assert record["answers"]["id_number"] == "C-0001"
    assert record["answers"]["assessment_grade"]["level"] == "inadequate"
    assert [r["action"] for r in record["answers"]["actions"]] == [
        "Update the chronology",
        "Hold a family network meeting",
    ]

    # Reloading keeps the audit open (its id is in the address: tests/browser/test_one_app.py);
    # from the list, freshly read, it resumes too.
    page.reload()
    wait_for_widgets(page, ".ab-form")
    expect(page.get_by_label("ID Number", exact=True)).to_have_value("C-0001")
    page.get_by_role("button", name="Back to the list of audits").click()
    expect(page.locator(".ab-list")).to_contain_text("C-0001")
    choose_audit(page, record["id"]).get_by_role("button", name="Resume").click()
    expect(page.get_by_label("ID Number", exact=True)).to_have_value("C-0001")
    expect(page.get_by_label("Team Case held in", exact=True)).to_have_value("Team-A")
    section(page, "Assessment")
    expect(page.get_by_label("Assessment", exact=True)).to_have_value("Inadequate")
    expect(
        page.get_by_label("Findings and Evidence to support grade including strengths", exact=True)
    ).to_have_value(re.compile("^Assessment updated in March"))
    section(page, "Areas for Development")
    expect(page.get_by_label("Action (row 2)", exact=True)).to_have_value(
        "Hold a family network meeting"
    )

    # Submitting the incomplete audit lists what is missing instead.
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".ab-missing")).to_contain_text("What is missing")
    expect(page.locator(".ab-missing")).to_contain_text("Planning")
    assert json.loads(new[0].read_text(encoding="utf-8"))["status"] == "draft"
    # A missing entry takes the auditor to its question.
    page.locator(".ab-missing").get_by_role("button", name=re.compile("^Planning")).first.click()
    expect(page.locator(".ab-section-head")).to_contain_text("Planning")


def test_child_not_safe_shows_escalation_banner(page, voila_server):
    open_app(page, voila_server)
    page.locator(".ab-new-audit").get_by_label("Template").select_option(label=PLR)
    page.get_by_role("button", name="New audit").click()
    expect(page.locator(".ab-banner")).to_have_count(0)
    section(page, "Child’s Safety")
    page.locator(".ab-q-child_safe").get_by_role("radio", name="No").check()
    banner = page.locator(".ab-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("If not deemed safe immediately inform SW / TM / SM")
    page.get_by_role("button", name="Escalation done: record it").click()
    expect(banner).to_contain_text("Escalation recorded by")


def test_moderate_with_a_different_grade(page, voila_server):
    rubric = load_rubric("rubrics/practice-learning-review.yaml")
    store = AuditStore(voila_server.audits_dir)
    record = store.create(rubric, "SW-01")
    answers = sample_answers(rubric, seed=4, levels={"overall_grade": "good"})
    answers["id_number"] = "C-MOD-1"
    record = store.save(
        {**record, "answers": answers, "status": "submitted"}, "SW-01", event="submitted"
    )

    open_app(page, voila_server)
    choose_audit(page, record["id"]).get_by_role("button", name="Moderate").click()
    expect(page.get_by_label("ID Number", exact=True)).to_be_disabled()
    section(page, "Overall Grade")
    expect(page.get_by_label("Overall Grade for the case", exact=True)).to_be_disabled()
    expect(page.get_by_label("Overall Grade for the case", exact=True)).to_have_value("Good")
    section(page, "Moderation")
    page.get_by_label("Moderators Overall Grading", exact=True).select_option(
        label="Requires Improvement"
    )
    type_into(page, "Moderators' rationale for grade.", "Plans are not yet SMART.")
    page.get_by_role("button", name="Save moderation").click()
    expect(page.get_by_text(re.compile(r"^Saved \d"))).to_be_visible()

    on_disk = json.loads(store.path(record["id"]).read_text(encoding="utf-8"))
    assert on_disk["answers"]["overall_grade"]["level"] == "good"
    assert on_disk["moderation"]["moderated_overall_grade"]["level"] == "requires_improvement"
    assert on_disk["answers"] == answers


def saved_draft(page, server, case_id: str):
    """A new practice learning review with its case id, saved as a draft: its file."""
    before = set(audit_files(server))
    open_app(page, server)
    page.locator(".ab-new-audit").get_by_label("Template").select_option(label=PLR)
    page.get_by_role("button", name="New audit").click()
    type_into(page, "ID Number", case_id)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile(r"^Saved \d"))).to_be_visible()
    [path] = set(audit_files(server)) - before
    return path


def answers_once_closed(page, path, text: str, timeout: float = 20) -> dict:
    """Close the page, then wait for `text` to reach the audit's file: its answers."""
    page.goto("about:blank")
    deadline = time.monotonic() + timeout
    while text not in path.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, f"{text!r} was lost when the page closed"
        time.sleep(0.25)
    return json.loads(path.read_text(encoding="utf-8"))["answers"]


def test_a_change_made_just_before_the_page_closes_is_saved(page, voila_server):
    # The page's kernel is shut down as the page closes (auditbook.serving.voila_pages): a change
    # still waiting for its autosave must be written first, not lost with the kernel.
    path = saved_draft(page, voila_server, "C-CLOSE-1")
    type_into(page, "Team Case held in", "Team-typed-then-closed")
    # Tab has sent the value; the page closes a second later, before the autosave's three
    # seconds are up (the second lets a loaded machine's kernel take the value in first).
    page.wait_for_timeout(1_000)
    answers = answers_once_closed(page, path, "Team-typed-then-closed")
    assert answers["team"] == "Team-typed-then-closed"
    assert answers["id_number"] == "C-CLOSE-1"


def test_text_still_in_its_box_when_the_page_closes_is_saved(page, voila_server):
    # Boxes send their value when the cursor leaves them, and also after a short pause in
    # typing (auditbook.pages.auditor.UNSENT_TEXT_GUARD): the auditor types, pauses, and closes the
    # page with the cursor still in the box.
    path = saved_draft(page, voila_server, "C-CLOSE-2")
    pen = page.locator(".ab-q-pen_picture textarea")
    pen.click()
    pen.press_sequentially("Lives with her grandmother", delay=20)  # key by key
    # A pause, as a person reaches to close the tab: the box sends after 0.4 s, and the
    # kernel's autosave would come 3 s after that, long after the page has closed.
    page.wait_for_timeout(1_500)
    expect(pen).to_be_focused()
    answers = answers_once_closed(page, path, "Lives with her grandmother")
    assert answers["pen_picture"] == "Lives with her grandmother"
    assert answers["id_number"] == "C-CLOSE-2"
