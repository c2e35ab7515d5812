"""Every rule in the kernel: what a page's read-only boxes and disabled buttons promise holds
when the page is bypassed. A crafted widget message does in the kernel exactly what these
tests do (a box's value set, a button's click), so they stand for one."""

from __future__ import annotations

import pytest

from auditbook import load_rubric
from auditbook.audits.governance import may
from auditbook.audits.store import AuditStore
from auditbook.demo.synthetic import sample_answers
from auditbook.forms.form import AuditForm

from .test_calibration import LAC, answer_everything, start
from .test_calibration import app as app  # noqa: F401 - the calibration app fixture

PLR = load_rubric("rubrics/practice-learning-review.yaml")


@pytest.fixture
def store(tmp_path):
    return AuditStore(tmp_path / "audits")


def saved(store, status: str, user: str = "SW-01") -> dict:
    record = store.create(PLR, user)
    answers = sample_answers(PLR, seed=2)
    record = store.save({**record, "answers": answers, "status": "submitted"}, user, "submitted")
    if status == "moderated":
        record = store.save({**record, "status": "moderated"}, "MOD-01", "moderated")
    return record


def test_the_one_rule_table():
    draft = {"status": "draft", "created": {"by": "SW-01"}, "history": []}
    submitted = {**draft, "status": "submitted"}
    moderated = {**draft, "status": "moderated"}
    assert may("edit", draft, "auditor", "SW-01") is None
    assert may("edit", submitted, "auditor", "SW-01")
    assert may("edit", submitted, "moderator", "MOD-01") is None
    assert "You audited this case" in may("edit", submitted, "moderator", "SW-01")
    assert may("edit", moderated, "moderator", "MOD-01")
    assert may("submit", draft, "auditor", "SW-01") is None
    assert may("reopen", submitted, "auditor", "SW-01") is None
    assert "only a moderator" in may("reopen", moderated, "auditor", "SW-01")
    assert may("reopen", moderated, "moderator", "MOD-01") is None
    with pytest.raises(ValueError):
        may("delete", draft, "auditor", "SW-01")


@pytest.mark.parametrize("status", ["submitted", "moderated"])
def test_a_read_only_box_changed_and_save_clicked_changes_nothing(store, status):
    record = saved(store, status)
    before = store.path(record["id"]).read_bytes()
    form = AuditForm(PLR, store, record["id"], user="SW-01", autosave_delay=None)
    pen = form.question("pen_picture")
    assert pen.disabled
    pen.field.value = "Changed behind the page's back"  # what a crafted message does
    assert pen.field.value == record["answers"]["pen_picture"]  # put back at once
    assert "Not changed" in form._message.value
    form._save_btn.click()  # a click on the disabled button, sent all the same
    form._submit_btn.click()
    form._confirm_yes.click()
    assert not form.save() and not form.submit()
    assert store.path(record["id"]).read_bytes() == before
    assert form.status == status


def test_a_moderated_audit_is_not_reopened_or_resubmitted_from_the_auditors_view(store):
    record = saved(store, "moderated")
    before = store.path(record["id"]).read_bytes()
    form = AuditForm(PLR, store, record["id"], user="SW-01", autosave_delay=None)
    form._reopen_btn.click()
    form._confirm_yes.click()
    assert not form.reopen("I want to change it")
    assert store.path(record["id"]).read_bytes() == before


def test_a_moderators_boxes_hold_the_auditors_answers_unchanged(store):
    record = saved(store, "submitted")
    form = AuditForm(PLR, store, record["id"], role="moderator", user="MOD-01")
    grade = form.question("assessment_grade")
    grade.picker.value = "outstanding"  # the auditor's grade, from the moderator's page
    assert form._values["assessment_grade"] == record["answers"]["assessment_grade"]
    form.question("moderated_overall_grade").value = {"level": "good"}
    assert form.save()
    on_disk = store.load(record["id"])
    assert on_disk["answers"] == record["answers"]
    assert on_disk["moderation"]["moderated_overall_grade"] == {"level": "good"}


def test_a_calibration_answer_stays_as_submitted_once_the_reference_is_shown(app):  # noqa: F811
    form = start(app, LAC, "T-09")
    answer_everything(form, {"childs_voice_grade": "good", "planning_grade": "outstanding"})
    assert form.submit() and form.reveal.value
    path = form.store.path(form.audit_id)
    before = path.read_bytes()
    grade = form.question("planning_grade")
    reference = form.exercise.reference["planning_grade"].level
    grade.picker.value = reference  # set to the reference after seeing it
    form._save_btn.click()
    assert not form.save()
    assert path.read_bytes() == before
    assert form.data["planning_grade"]["level"] == "outstanding"


def test_leaving_an_audit_whose_save_fails_keeps_it_open_with_the_reason(tmp_path):
    from auditbook.pages.auditor import AuditApp

    store = AuditStore(tmp_path / "audits")
    app = AuditApp(store=store, user="SW-01")
    app.rubric_picker.value = PLR.id
    app.new_btn.click()
    form = app.form
    form.question("id_number").value = "C-LEAVE"
    assert form.save()
    # Another tab saves (and submits) first; then this one types and presses Back.
    other = AuditForm(PLR, store, form.audit_id, user="SW-01", autosave_delay=None)
    other.data = sample_answers(PLR, seed=5)
    assert other.submit()
    form.question("pen_picture").value = "Typed here, never to be lost"
    app.back_btn.click()
    assert app.form is form  # still open, the typed text in its box
    assert form.question("pen_picture").field.value == "Typed here, never to be lost"
    said = form._unsaved.text.value  # at the top of the form
    assert "since you opened it, and it is now submitted" in said and "still in the" in said
    assert "Submitted by SW-01" in form._status.value  # not "Draft"
