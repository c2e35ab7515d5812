"""Issue 14's findings on the auditor's page, each tried as the auditor or moderator met it:
nothing typed is lost, no safeguarding alert is out of sight, the template's help shows, and
the audit's governance holds (reasons, confirmations, no one moderating their own audit)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from auditbook import load_rubric
from auditbook.audits.store import AuditStore
from auditbook.audits.users import current_user
from auditbook.demo.synthetic import sample_answers

from .conftest import wait_for_widgets
from .test_accessibility import serious_violations
from .test_audit_page import audit_files, choose_audit, open_app, section, type_into

pytestmark = pytest.mark.browser
PLR = "Practice Learning Review Form"
MONTH = "Month PLR allocated to Reviewer"
ME = current_user()  # the servers' user, as they run with this environment
PEN = "Pen Picture Summary of the Child, Young Person & Family"


def new_plr(page, server):
    open_app(page, server)
    page.locator(".ab-new-audit").get_by_label("Template").select_option(label=PLR)
    page.get_by_role("button", name="New audit").click()
    expect(page.locator(".ab-form h2")).to_have_text(PLR)


def header_nav(page):
    return page.locator(".ab-nav").get_by_role("button", name=re.compile("^" + PLR))


def on_disk(server, audit_id: str) -> dict:
    return json.loads((server.audits_dir / f"{audit_id}.json").read_text(encoding="utf-8"))


def submitted_plr(server, user: str, case_id: str, **levels) -> dict:
    """A complete practice learning review, submitted by `user` (through the store)."""
    store = AuditStore(server.audits_dir)
    rubric = load_rubric("rubrics/practice-learning-review.yaml")
    record = store.create(rubric, user)
    answers = sample_answers(rubric, seed=7, levels={"overall_grade": "good", **levels})
    answers["id_number"] = case_id
    return store.save(
        {**record, "answers": answers, "status": "submitted"}, user, event="submitted"
    )


def test_an_answer_the_form_cannot_accept_loses_nothing(page, voila_server):
    before = set(audit_files(voila_server))
    new_plr(page, voila_server)
    type_into(page, "ID Number", "C-LOSS-1")
    expect(header_nav(page)).to_contain_text("1/9")
    type_into(page, MONTH, "sometime in Nov")
    # The error is at the field, and in a summary at the top that links to it.
    month = page.locator(".ab-q-month_allocated")
    expect(month.locator(".ab-error-message")).to_contain_text("Enter the month")
    expect(month).to_have_class(re.compile("ab-field-error"))
    summary = page.locator(".ab-error-summary-box")
    expect(summary).to_contain_text("There is a problem")
    # The section does not count it as answered (the same update drew the error).
    expect(header_nav(page)).to_contain_text("1/9")
    # The next answer is typed and the auditor leaves: both are on disk.
    type_into(page, PEN, "Child lives with her mother and two brothers.")
    page.get_by_role("button", name="Back to the list of audits").click()
    expect(page.get_by_role("button", name="New audit")).to_be_visible()
    (path,) = [p for p in audit_files(voila_server) if p not in before]
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["answers"]["pen_picture"] == "Child lives with her mother and two brothers."
    assert record["answers"]["id_number"] == "C-LOSS-1"
    assert record["unaccepted"] == {"month_allocated": "sometime in Nov"}
    # Reopened, the typed text is there with its error; the summary's link goes to it.
    choose_audit(page, record["id"]).get_by_role("button", name="Resume").click()
    section(page, "Criteria being assessed")
    summary.get_by_role("button", name=re.compile("^Month PLR")).click()
    expect(page.locator(".ab-section-head")).to_contain_text(PLR)
    expect(page.get_by_label(MONTH, exact=True)).to_have_value("sometime in Nov")
    expect(page.get_by_label(MONTH, exact=True)).to_be_focused()
    # A month as people write it is accepted, and the error goes.
    type_into(page, MONTH, "Nov 2026")
    expect(summary).not_to_contain_text("There is a problem")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile(r"^Saved \d"))).to_be_visible()
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["answers"]["month_allocated"] == "2026-11" and "unaccepted" not in record


def test_an_escalation_shows_at_the_question_and_stays_in_view(page, voila_server):
    new_plr(page, voila_server)
    section(page, "Child’s Safety")
    question = page.locator(".ab-q-child_safe")
    question.get_by_role("radio", name="No").check()
    at_question = question.locator(".ab-esc-at-question")
    expect(at_question).to_contain_text("If not deemed safe immediately inform SW / TM / SM")
    # Scrolled on down the form, the banner is still on screen.
    page.set_viewport_size({"width": 1366, "height": 500})
    page.locator(".ab-nav button").last.scroll_into_view_if_needed()
    expect(page.locator(".ab-section-head")).not_to_be_in_viewport()
    banner = page.locator(".ab-banner")
    expect(banner).to_be_in_viewport()
    expect(banner).to_contain_text("If not deemed safe immediately inform SW / TM / SM")
    page.get_by_role("button", name="Escalation done: record it").click()
    expect(banner).to_contain_text("Escalation recorded by")


def test_a_moderator_lowering_the_grade_fires_the_escalation(page, voila_server, moderator_server):
    record = submitted_plr(voila_server, "SW-01", "C-ESC-MOD")
    assert not (record["escalation"])
    open_app(page, moderator_server)
    choose_audit(page, record["id"], status="Submitted").get_by_role(
        "button", name="Moderate"
    ).click()
    expect(page.locator(".ab-banner")).to_have_count(0)
    section(page, "Moderation")
    page.get_by_label("Moderators Overall Grading", exact=True).select_option(label="Inadequate")
    expect(page.locator(".ab-banner")).to_contain_text("share with Service Director")
    expect(page.locator(".ab-q-moderated_overall_grade .ab-esc-at-question")).to_contain_text(
        "share with Service Director"
    )


def test_help_shows_as_hint_text_tied_to_its_input(page, voila_server):
    new_plr(page, voila_server)
    status = page.get_by_label("Case Status", exact=True)
    hint = page.locator(".ab-q-case_status .ab-hint")
    expect(hint).to_have_text("e.g., TS/CIN/CP/CIC/CEYP")
    expect(status).to_have_attribute("aria-describedby", hint.get_attribute("id"))
    expect(page.locator(".ab-q-pen_picture .ab-hint")).to_contain_text("brief pen picture")
    section(page, "Child’s Safety")
    expect(page.locator(".ab-q-child_safe .ab-hint")).to_have_text(
        "If not deemed safe immediately inform SW / TM / SM"
    )


def test_notes_for_template_authors_stay_out_of_the_form(page, voila_server):
    open_app(page, voila_server)
    page.locator(".ab-new-audit").get_by_label("Template").select_option(
        label="Case File Audit Descriptor Matrix"
    )
    page.get_by_role("button", name="New audit").click()
    form = page.locator(".ab-form")
    expect(form.locator(".ab-notes")).to_contain_text("Each criterion is graded")
    section(page, "Overall judgement")
    expect(page.locator(".ab-section-head")).to_contain_text("Overall judgement")
    expect(form).not_to_contain_text("auditbook")


def test_submit_asks_for_confirmation_and_lists_open_warnings(page, voila_server):
    store = AuditStore(voila_server.audits_dir)
    rubric = load_rubric("rubrics/practice-learning-review.yaml")
    answers = sample_answers(rubric, seed=3)
    answers["id_number"] = "C-CONFIRM"
    evidence = answers["assessment_grade"]["evidence"]
    answers["planning_grade"]["evidence"] = dict(evidence)  # a guidance warning: copied text
    record = store.create(rubric, ME)
    record = store.save({**record, "answers": answers}, ME)
    open_app(page, voila_server)
    choose_audit(page, record["id"]).get_by_role("button", name="Resume").click()
    page.get_by_role("button", name="Submit").click()
    confirm = page.locator(".ab-confirm")
    expect(confirm).to_contain_text("Submit this audit?")
    expect(confirm).to_contain_text("guidance warning")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Cancel").click()
    expect(confirm).to_be_hidden()
    assert on_disk(voila_server, record["id"])["status"] == "draft"
    page.get_by_role("button", name="Submit").click()
    page.get_by_role("button", name="Yes, submit").click()
    expect(page.locator(".ab-panel-confirmation")).to_contain_text("Audit submitted")
    assert serious_violations(page) == []
    assert on_disk(voila_server, record["id"])["status"] == "submitted"


def test_reopening_asks_why_and_keeps_the_reason(page, voila_server):
    record = submitted_plr(voila_server, ME, "C-REOPEN")
    open_app(page, voila_server)
    choose_audit(page, record["id"], status="Submitted").get_by_role(
        "button", name="Resume"
    ).click()
    expect(page.locator(".ab-form")).to_be_visible()  # the list's "Resume case C-REOPEN" gone
    page.get_by_role("button", name="Reopen").click()
    confirm = page.locator(".ab-confirm")
    expect(confirm).to_contain_text("Reopen this audit?")
    page.get_by_role("button", name="Reopen audit").click()  # no reason given
    expect(confirm.locator(".ab-error-message")).to_contain_text("Enter why")
    assert on_disk(voila_server, record["id"])["status"] == "submitted"
    reason = page.get_by_label("Why are you reopening it?")
    reason.fill("The wrong worker was named.")
    reason.press("Tab")
    page.get_by_role("button", name="Reopen audit").click()
    expect(page.get_by_role("button", name="Save draft")).to_be_enabled()
    saved = on_disk(voila_server, record["id"])
    assert saved["status"] == "draft"
    assert saved["history"][-1]["event"] == "reopened"
    assert saved["history"][-1]["reason"] == "The wrong worker was named."


def test_moderation_is_another_persons_and_says_what_it_does(page, voila_server, moderator_server):
    # The auditor cannot moderate their own audit.
    own = submitted_plr(voila_server, ME, "C-OWN")
    open_app(page, voila_server)
    choose_audit(page, own["id"], status="Submitted").get_by_role("button", name="Moderate").click()
    expect(page.get_by_role("alert")).to_contain_text("You audited this case")
    expect(page.locator(".ab-form")).to_have_count(0)
    # Another person can; their buttons say what they do.
    open_app(page, moderator_server)
    choose_audit(page, own["id"], status="Submitted").get_by_role("button", name="Moderate").click()
    expect(page.get_by_role("button", name="Save moderation")).to_be_visible()
    expect(page.get_by_role("button", name="Complete moderation")).to_be_visible()
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)


def test_a_moderated_audit_is_not_reopened_from_the_auditors_view(page, voila_server):
    record = submitted_plr(voila_server, ME, "C-MODERATED")
    store = AuditStore(voila_server.audits_dir)
    store.save({**record, "status": "moderated"}, "MOD-02", event="moderated")
    open_app(page, voila_server)
    choose_audit(page, record["id"], status="Moderated").get_by_role(
        "button", name="Resume"
    ).click()
    expect(page.locator(".ab-form h2")).to_have_text(PLR)
    expect(page.get_by_role("button", name="Reopen")).to_have_count(0)
    wait_for_widgets(page, ".ab-form")
    assert on_disk(voila_server, record["id"])["status"] == "moderated"


def test_a_read_only_audit_stays_unchanged_whatever_the_page_sends(page, voila_server):
    # Issue 15: the kernel, not the page, decides. The page's disabled box and button are
    # enabled by hand (as a crafted message would arrive), typed into and clicked.
    record = submitted_plr(voila_server, ME, "C-READ-ONLY")
    store = AuditStore(voila_server.audits_dir)
    store.save({**record, "status": "moderated"}, "MOD-02", event="moderated")
    before = (voila_server.audits_dir / f"{record['id']}.json").read_bytes()
    open_app(page, voila_server)
    choose_audit(page, record["id"], status="Moderated").get_by_role(
        "button", name="Resume"
    ).click()
    pen = page.locator(".ab-q-pen_picture textarea")
    expect(pen).to_be_disabled()
    pen.evaluate("box => box.removeAttribute('disabled')")
    pen.fill("Changed behind the page's back")
    pen.press("Tab")
    expect(page.get_by_role("alert").filter(has_text="Not changed")).to_be_visible()
    expect(pen).to_have_value(record["answers"]["pen_picture"])  # put back
    save = page.get_by_role("button", name="Save draft")
    save.evaluate("button => button.removeAttribute('disabled')")
    save.click()
    expect(page.get_by_role("alert").filter(has_text="Not saved")).to_be_visible()
    after = (voila_server.audits_dir / f"{record['id']}.json").read_bytes()
    assert after == before
