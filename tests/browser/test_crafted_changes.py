"""Issue 15, "every rule in the kernel": for every read-only state there is and every button
on it, the page's disabled or hidden control is enabled and shown by hand in Chromium, then
typed into or clicked, so that its change travels to the kernel over the page's own websocket
as a crafted message would. The audit file is then byte for byte as before, and the refusal
is said on the page. ("Locked", a signed-off audit, does not exist yet.)"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from auditbook import load_rubric
from auditbook.audits.store import AuditStore
from auditbook.demo.synthetic import sample_answers
from auditbook.rubrics.library import load_library
from auditbook.training.calibration import calibration_store

from .test_audit_page import choose_audit, open_app, section
from .test_auditor_findings import ME, submitted_plr

pytestmark = pytest.mark.browser
RUBRIC = load_rubric("rubrics/practice-learning-review.yaml")
PEN = ".ab-q-pen_picture textarea"
YES = ".ab-confirm button >> nth=0"  # the confirmation's yes ("Yes, submit", "Reopen audit")

# Enable a control and show it (and any hidden box around it), as a page changed by hand
# would; what it then sends goes to the kernel like any other widget message.
UNLOCK = """el => {
  el.removeAttribute('disabled'); el.disabled = false;
  for (let e = el; e; e = e.parentElement) if (e.style && e.style.display === 'none')
    e.style.display = '';
}"""


class Crafted:
    """Counts the crafted changes sent, for docs/reliability.md's figures."""

    def __init__(self, page):
        self.page, self.sent = page, 0

    def unlock(self, locator):
        locator.evaluate(UNLOCK)
        expect(locator).to_be_enabled()
        return locator

    def type(self, locator, text: str) -> None:
        self.unlock(locator).fill(text)
        locator.press("Tab")  # text boxes send their value when the cursor leaves them
        self.sent += 1

    def select(self, locator, label: str | None = None) -> str:
        """Choose `label`, or any other grade than the one shown; returns the one shown."""
        was = locator.input_value()
        if label is None:
            texts = locator.locator("option").all_text_contents()
            label = next(t for t in texts[1:] if t != was)
        self.unlock(locator).select_option(label=label)
        self.sent += 1
        return was

    def click(self, locator) -> None:
        self.unlock(locator).click()
        self.sent += 1

    def said(self, text: str) -> None:
        """The refusal, said in the form's alert (the latest replaces the one before)."""
        alert = self.page.locator(".ab-form [role=alert]").filter(has_text=text)
        expect(alert).to_be_visible()


def figures(test: str, crafted: Crafted, files: dict, before: dict) -> None:
    changed = [name for name, path in files.items() if path.read_bytes() != before[name]]
    print(json.dumps({"figures": {"test": test, "crafted": crafted.sent, "changed": changed}}))
    assert changed == []


def button(page, name: str):
    """The button of exactly this name (its icon aside): "Submit", not "Yes, submit"."""
    return page.get_by_role("button", name=re.compile(rf"^\W*{re.escape(name)}$"))


def hidden_button(page, name: str):
    """A button the page hides (so it has no role to find it by), by its words."""
    return page.locator("button").filter(has_text=re.compile(rf"^\W*{re.escape(name)}\s*$"))


def moderated_plr(server, case_id: str, by: str = "MOD-02") -> dict:
    """A practice learning review submitted by this server's user and moderated by `by`."""
    record = submitted_plr(server, ME, case_id)
    store = AuditStore(server.audits_dir)
    moderation = sample_answers(RUBRIC, seed=4, role="moderator")
    return store.save(
        {**record, "moderation": moderation, "status": "moderated"}, by, event="moderated"
    )


def test_a_submitted_audit_in_the_auditors_view(page, voila_server):
    record = submitted_plr(voila_server, ME, "C-CRAFT-SUBMITTED")
    path = voila_server.audits_dir / f"{record['id']}.json"
    before = {"audit": path.read_bytes()}
    open_app(page, voila_server)
    choose_audit(page, record["id"], status="Submitted").locator("button.ab-list-resume").click()
    expect(button(page, "Save draft")).to_be_disabled()
    crafted = Crafted(page)
    # An answer changed: put back at once.
    pen = page.locator(PEN)
    crafted.type(pen, "Changed behind the page's back")
    crafted.said("Not changed: This audit is submitted")
    expect(pen).to_have_value(record["answers"]["pen_picture"])
    # A section marked not applicable: put back.
    section(page, "Child Protection")  # (the helper cannot take a "/")
    na = page.get_by_label("Not applicable to this child")
    crafted.click(na)  # ticked, and at once unticked by the kernel
    crafted.said("Not changed: This audit is submitted")
    expect(na).not_to_be_checked()
    # An action removed from the table: it comes back, its boxes still read-only.
    section(page, "Areas for Development in this case")
    first_action = page.get_by_label("Action (row 1)", exact=True)
    expect(first_action).to_have_value(record["answers"]["actions"][0]["action"])
    crafted.click(page.locator(".ab-q-actions").get_by_role("button", name="Remove").first)
    crafted.said("Not changed")
    expect(first_action).to_have_value(record["answers"]["actions"][0]["action"])
    expect(first_action).to_be_disabled()
    crafted.click(page.get_by_role("button", name="Add action"))
    expect(page.locator(".ab-q-actions .ab-action-row")).to_have_count(
        len(record["answers"]["actions"])
    )
    # The hidden confirmation's yes button, with nothing asked: nothing happens; then the
    # disabled Save draft and Submit.
    crafted.click(page.locator(YES))
    crafted.click(button(page, "Save draft"))
    crafted.said("Not saved: This audit is submitted")
    crafted.click(button(page, "Submit"))
    crafted.said("Not submitted: This audit is submitted")
    expect(page.locator(".ab-confirm")).not_to_contain_text("Submit this audit?")
    expect(page.locator(".ab-status")).to_contain_text("Submitted")
    figures("submitted, auditor", crafted, {"audit": path}, before)


def test_a_moderated_audit_in_the_auditors_view(page, voila_server):
    record = moderated_plr(voila_server, "C-CRAFT-MODERATED")
    path = voila_server.audits_dir / f"{record['id']}.json"
    before = {"audit": path.read_bytes()}
    open_app(page, voila_server)
    choose_audit(page, record["id"], status="Moderated").locator("button.ab-list-resume").click()
    expect(button(page, "Reopen")).to_be_hidden()
    crafted = Crafted(page)
    crafted.type(page.locator(PEN), "Changed behind the page's back")
    crafted.said("Not changed: This audit is moderated")
    # The moderator's grade, shown to the auditor once moderated.
    section(page, "Moderation")
    grade = page.locator(".ab-q-moderated_overall_grade select")
    was = crafted.select(grade)
    crafted.said("Not changed: that answer belongs to the moderator")
    expect(grade).to_have_value(was)
    crafted.click(button(page, "Save draft"))
    crafted.said("Not saved: This audit is moderated")
    crafted.click(button(page, "Submit"))
    crafted.said("Not submitted: This audit is moderated")
    # Reopen, hidden here (only a moderator may reopen it), clicked all the same; then the
    # confirmation's "Reopen audit" with no reason, and with one.
    crafted.click(hidden_button(page, "Reopen"))
    crafted.said("only a moderator can reopen it")
    crafted.click(page.locator(YES))
    crafted.type(page.locator(".ab-in-reopen-reason textarea"), "Crafted")
    crafted.click(page.locator(YES))
    crafted.click(button(page, "Save draft"))  # in order after the two above: all refused
    crafted.said("Not saved: This audit is moderated")
    expect(page.locator(".ab-status")).to_contain_text("Moderated")
    figures("moderated, auditor", crafted, {"audit": path}, before)


def test_the_moderators_view_of_audits_they_may_not_change(page, voila_server, moderator_server):
    # moderator_server is signed in as MOD-01.
    store = AuditStore(voila_server.audits_dir)
    draft = store.create(RUBRIC, "SW-01")
    draft = store.save({**draft, "answers": {"id_number": "C-CRAFT-DRAFT"}}, "SW-01")
    own = submitted_plr(voila_server, "MOD-01", "C-CRAFT-OWN")
    moderated = moderated_plr(voila_server, "C-CRAFT-MOD-DONE", by="MOD-02")
    submitted = submitted_plr(voila_server, "SW-01", "C-CRAFT-TO-MODERATE")
    files = {r["id"]: store.path(r["id"]) for r in (draft, own, moderated, submitted)}
    before = {name: path.read_bytes() for name, path in files.items()}
    crafted = Crafted(page)
    open_app(page, moderator_server)
    # A draft, and an audit they audited themselves: the form does not open.
    for record, said in ((draft, "has not been submitted yet"), (own, "You audited this case")):
        choose_audit(page, record["id"]).locator("button.ab-list-moderate").click()
        expect(page.get_by_role("alert").filter(has_text=said)).to_be_visible()
        expect(page.locator(".ab-form")).to_have_count(0)
    # Moderated by someone else: read-only here until reopened.
    choose_audit(page, moderated["id"], status="Moderated").locator(
        "button.ab-list-moderate"
    ).click()
    expect(button(page, "Save moderation")).to_be_disabled()
    section(page, "Moderation")
    grade = page.locator(".ab-q-moderated_overall_grade select")
    was = crafted.select(grade)
    crafted.said("Not changed: This audit is moderated")
    expect(grade).to_have_value(was)
    crafted.click(button(page, "Save moderation"))
    crafted.said("Not saved: This audit is moderated")
    crafted.click(button(page, "Complete moderation"))
    crafted.said("Not submitted: This audit is moderated")
    button(page, "Back to the list of audits").click()
    # Submitted by someone else: the moderator may moderate, not change the auditor's answers.
    choose_audit(page, submitted["id"], status="Submitted").locator(
        "button.ab-list-moderate"
    ).click()
    expect(button(page, "Save moderation")).to_be_enabled()
    pen = page.locator(PEN)
    crafted.type(pen, "The moderator rewrote the auditor's text")
    crafted.said("Not changed: that answer belongs to the auditor")
    expect(pen).to_have_value(submitted["answers"]["pen_picture"])
    section(page, "Planning")
    grade = page.locator(".ab-q-planning_grade select")
    was = crafted.select(grade)
    crafted.said("Not changed: that answer belongs to the auditor")
    expect(grade).to_have_value(was)
    button(page, "Back to the list of audits").click()  # nothing changed: nothing saved
    expect(button(page, "New audit")).to_be_visible()
    figures("moderator's view", crafted, files, before)


def test_a_calibration_answer_after_the_reference_is_shown(page, voila_server):
    library = load_library()
    exercise = library.exercises["looked-after-child-c"]
    rubric = library.rubrics[exercise.rubric]
    store = calibration_store(exercise.id, voila_server.calibration_root, voila_server.audits_dir)
    # T-31 submitted "Good" for every graded criterion (the reference differs on some).
    answers = {}
    for item_id, ref in exercise.reference.items():
        item = rubric.item(item_id)
        if item.type == "grade":
            evidence = {e.id: "On file." for e in item.evidence}
            answers[item_id] = {"level": "good", "evidence": evidence}
        else:
            answers[item_id] = {"level": ref.level, "explanation": "On file."}
    made = store.create(rubric, "T-31", "T-31")
    store.save({**made, "answers": answers, "status": "submitted"}, "T-31", event="submitted")
    path = store.path("T-31")
    before = {"answer": path.read_bytes()}
    item_id, reference = next(
        (i, r.level)
        for i, r in exercise.reference.items()
        if rubric.item(i).type == "grade" and r.level != "good"
    )
    open_app(page, voila_server)
    page.get_by_label("Exercise", exact=True).select_option(label=exercise.title)
    page.get_by_label("Trainee code", exact=True).fill("T-31")
    button(page, "Start exercise").click()
    summary = page.locator(".ab-reveal-summary")
    expect(summary).to_be_visible()
    exact = summary.get_attribute("data-exact")
    expect(button(page, "Reopen")).to_be_hidden()  # a calibration answer is never reopened
    crafted = Crafted(page)
    label = rubric.scale(rubric.item(item_id).scale).level(reference).label
    section(page, next(s.title for s, i in rubric.items() if i.id == item_id).split("/")[0])
    grade = page.locator(f".ab-q-{item_id} select")
    assert crafted.select(grade, label) == "Good"  # the reference, seen above, chosen now
    crafted.said("Not changed: This audit is submitted")
    expect(grade).to_have_value("Good")
    crafted.click(button(page, "Save draft"))
    crafted.said("Not saved")
    crafted.click(button(page, "Submit"))
    crafted.said("Not submitted")
    crafted.click(hidden_button(page, "Reopen"))
    crafted.said("A calibration answer stays as it was submitted")
    expect(summary).to_have_attribute("data-exact", exact)
    figures("calibration revealed", crafted, {"answer": path}, before)
