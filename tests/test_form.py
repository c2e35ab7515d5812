"""The audit form, driven headlessly as the page would drive it."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from auditbook import load_rubric
from auditbook.audits.store import AuditStore
from auditbook.demo.synthetic import sample_answers
from auditbook.forms.form import AuditForm
from auditbook.pages.auditor import AuditApp

RUBRICS = [
    "practice-learning-review",
    "west-berkshire-learning-audit",
    "swindon-practice-evaluation",
    "descriptor-matrix",
]


def rubric(name):
    return load_rubric(f"rubrics/{name}.yaml")


@pytest.fixture
def store(tmp_path):
    return AuditStore(tmp_path / "audits")


@pytest.mark.parametrize("name", RUBRICS)
def test_fill_save_submit_reopen_equal(name, store):
    r = rubric(name)
    form = AuditForm(r, store, user="SW-01", autosave_delay=None)
    assert form.missing(), "a new audit has required answers missing"
    answers = sample_answers(r, seed=7)
    form.data = answers
    assert form.save()
    assert form.submit(), form._message.value
    again = AuditForm(r, store, form.audit_id, user="QA-01")
    assert again.data == answers
    assert again.status == "submitted" and not again.editable
    on_disk = json.loads(store.path(form.audit_id).read_text(encoding="utf-8"))
    assert on_disk["answers"] == answers
    assert [e["event"] for e in on_disk["history"]] == ["created", "saved", "submitted"]


@pytest.mark.parametrize("name", RUBRICS)
def test_values_typed_into_widgets_are_saved(name, store):
    # Through the question widgets, section by section, as the browser does.
    r = rubric(name)
    form = AuditForm(r, store, user="SW-01", autosave_delay=None)
    answers = sample_answers(r, seed=11)
    for item_id, value in answers.items():
        form.question(item_id).value = value
    assert form.data == answers
    assert form.submit(), form._message.value
    assert store.load(form.audit_id)["answers"] == answers


def test_submit_lists_what_is_missing_and_does_not_submit(store):
    r = rubric("practice-learning-review")
    form = AuditForm(r, store, user="SW-01", autosave_delay=None)
    form.question("id_number").value = "C-0001"
    assert not form.submit()
    assert form.status == "draft"
    labels = [b.description for b in form._missing_box.children[1:]]
    assert any("Assessment" in t for t in labels)
    assert "questions still need an answer" in form._message.value
    # Clicking a missing entry opens its section.
    first = form.missing()[0]
    form._missing_box.children[1].click()
    assert form._current == first.section.id


def test_grade_without_evidence_is_missing(store):
    r = rubric("practice-learning-review")
    form = AuditForm(r, store, user="SW-01", autosave_delay=None)
    grade = r.graded[0]
    form.question(grade.id).value = {"level": "good"}
    msgs = [m.message for m in form.missing() if m.item_id == grade.id]
    assert msgs and "Findings and Evidence" in msgs[0]


def test_conditional_item_appears_and_becomes_required(store):
    r = rubric("swindon-practice-evaluation")
    form = AuditForm(r, store, user="SW-01", autosave_delay=None)
    cond = next(i for _, i in r.items() if i.show_when is not None)
    form.question(cond.id)  # builds its section
    holder = form._wrappers[cond.id]
    assert holder.layout.display == "none"
    assert cond.id not in {m.item_id for m in form.missing()}
    form.question(cond.show_when.item).value = cond.show_when.equals
    assert holder.layout.display == ""
    assert cond.id in {m.item_id for m in form.missing()}
    form.question(cond.show_when.item).value = "no"
    assert holder.layout.display == "none"


def test_required_when_not_spoken_to(store):
    r = rubric("west-berkshire-learning-audit")
    form = AuditForm(r, store, user="SW-01", autosave_delay=None)
    why = next(i for _, i in r.items() if i.required_when is not None)
    assert why.id in {m.item_id for m in form.missing()}
    form.question(why.required_when.item).value = "Spoke with the child at school."
    assert why.id not in {m.item_id for m in form.missing()}


def test_not_applicable_section_is_not_required(store):
    r = rubric("descriptor-matrix")
    form = AuditForm(r, store, user="SW-01", autosave_delay=None)
    section = next(s for s in r.sections if s.allow_not_applicable)
    ids = {i.id for i in section.items}
    assert ids & {m.item_id for m in form.missing()}
    form.show_section(section.id)
    form._na_boxes[section.id].value = True  # the checkbox a person ticks
    assert not ids & {m.item_id for m in form.missing()}
    assert all(form.questions[i].disabled for i in ids)
    assert form.save()
    assert store.load(form.audit_id)["not_applicable"] == [section.id]
    with pytest.raises(ValueError, match="cannot be marked not applicable"):
        form.set_not_applicable(r.sections[0].id)


def test_escalation_banner_and_confirmation(store):
    r = rubric("practice-learning-review")
    form = AuditForm(r, store, user="SW-01", autosave_delay=None)
    assert form._banner_box.layout.display == "none"
    form.question("child_safe").value = {"level": "no", "explanation": "Unsafe at home."}
    assert form._banner_box.layout.display == ""
    assert "If not deemed safe immediately inform SW / TM / SM" in form._banner.value
    form.question(r.rules.overall_grade).value = {"level": "inadequate"}
    assert len(form.escalations()) == 2
    form._confirm_btn.click()
    esc = store.load(form.audit_id)["escalation"]
    assert esc["confirmed_by"] == "SW-01" and len(esc["reasons"]) == 2
    assert "Escalation recorded by SW-01" in form._banner.value


def test_moderation_keeps_auditor_answers(store):
    r = rubric("practice-learning-review")
    form = AuditForm(r, store, user="SW-01", autosave_delay=None)
    answers = sample_answers(r, seed=5, levels={r.rules.overall_grade: "good"})
    form.data = answers
    assert form.submit()
    mod = AuditForm(r, store, form.audit_id, role="moderator", user="MOD-01", autosave_delay=None)
    assert mod.editable
    assert mod.question(r.rules.overall_grade).disabled  # the auditor's grade is read-only
    assert mod.question("id_number").disabled  # header facts too
    assert not mod.submit(), "moderator items are required"
    mod_answers = sample_answers(
        r,
        seed=6,
        role="moderator",
        levels={r.rules.moderated_overall_grade: "requires_improvement"},
    )
    for item_id, value in mod_answers.items():
        mod.question(item_id).value = value
    assert mod.submit(), mod._message.value
    on_disk = store.load(form.audit_id)
    assert on_disk["status"] == "moderated"
    assert on_disk["answers"] == answers
    assert on_disk["answers"][r.rules.overall_grade]["level"] == "good"
    assert on_disk["moderation"][r.rules.moderated_overall_grade]["level"] == "requires_improvement"


def test_stale_save_is_refused_and_names_who_saved(store):
    r = rubric("swindon-practice-evaluation")
    first = AuditForm(r, store, user="SW-01", autosave_delay=None)
    first.question(r.rules.fields.case_id).value = "C-1"
    assert first.save()
    a = AuditForm(r, store, first.audit_id, user="SW-01", autosave_delay=None)
    b = AuditForm(r, store, first.audit_id, user="TM-02", autosave_delay=None)
    b.question(r.rules.fields.case_id).value = "C-from-b"
    assert b.save()
    a.question(r.rules.fields.case_id).value = "C-from-a"
    assert not a.save()
    assert "TM-02" in a._unsaved.text.value  # at the top of the form
    assert store.load(first.audit_id)["answers"][r.rules.fields.case_id] == "C-from-b"


def test_submitted_is_read_only_until_reopened(store):
    r = rubric("descriptor-matrix")
    form = AuditForm(r, store, user="SW-01", autosave_delay=None)
    form.data = sample_answers(r, seed=1)
    assert form.submit()
    assert form.question(r.graded[0].id).disabled
    assert not form.reopen()  # a reason is asked for
    assert form.status == "submitted"
    assert form.reopen("Wrong child's file attached")
    assert form.editable and not form.question(r.graded[0].id).disabled
    last = store.load(form.audit_id)["history"][-1]
    assert last["event"] == "reopened" and last["reason"] == "Wrong child's file attached"


def test_invalid_values_are_refused(store):
    r = rubric("practice-learning-review")
    form = AuditForm(r, store, user="SW-01", autosave_delay=None)
    with pytest.raises(ValueError, match="Month PLR"):
        form.data = {"month_allocated": "2026-13"}
    # Typed text the form cannot accept is kept as typed, never blocks the other answers,
    # and is shown at its field and in the error summary.
    form.question("month_allocated").value = "sometime in March"
    form.question("id_number").value = "C-0001"
    assert form.save()
    saved = store.load(form.audit_id)
    assert saved["answers"]["id_number"] == "C-0001"
    assert "month_allocated" not in saved["answers"]
    assert saved["unaccepted"] == {"month_allocated": "sometime in March"}
    q = form.question("month_allocated")
    assert "sometime in March" in q.notes.value and "ab-error-message" in q.notes.value
    assert "There is a problem" in form._error_summary.children[0].value
    assert "Month PLR" in form._error_summary.children[1].description
    assert any(g.item_id == "month_allocated" for g in form.missing())
    # Reopened, the typed text comes back with its error; corrected, it leaves `unaccepted`.
    again = AuditForm(r, store, form.audit_id, user="SW-01", autosave_delay=None)
    assert again.question("month_allocated").field.value == "sometime in March"
    assert again.question("month_allocated").error
    again.question("month_allocated").value = "Mar 2026"  # a month as people write it
    assert again.save()
    saved = store.load(form.audit_id)
    assert saved["answers"]["month_allocated"] == "2026-03" and "unaccepted" not in saved
    assert not again.question("month_allocated").error and not again._error_summary.children


def test_old_rubric_version_answers_are_kept(store):
    r = rubric("practice-learning-review")
    form = AuditForm(r, store, user="SW-01", autosave_delay=None)
    form.question("id_number").value = "C-9"
    assert form.save()
    record = store.load(form.audit_id)
    record["answers"]["retired_question"] = "An answer to a question since removed"
    record["rubric"]["hash"], record["rubric"]["version"] = "sha256:" + "0" * 64, "0.9"
    path = store.path(form.audit_id)
    path.write_text(json.dumps(record), encoding="utf-8")
    again = AuditForm(r, store, form.audit_id, user="SW-01", autosave_delay=None)
    assert "no longer in this template" in again._orphans.value
    assert "version 0.9" in again._version_note.value
    again.question("id_number").value = "C-10"
    assert again.save()
    assert store.load(form.audit_id)["answers"]["retired_question"].startswith("An answer")


def test_autosave_shortly_after_a_change(store):
    r = rubric("practice-learning-review")

    async def scenario():
        form = AuditForm(r, store, user="SW-01", autosave_delay=0.05)
        form.question("id_number").value = "C-42"
        await asyncio.sleep(0.3)
        return form

    # In its own thread: the browser tests' Playwright loop may be running in this one.
    result = {}
    worker = threading.Thread(target=lambda: result.update(form=asyncio.run(scenario())))
    worker.start()
    worker.join(10)
    form = result["form"]
    assert store.load(form.audit_id)["answers"]["id_number"] == "C-42"
    assert store.load(form.audit_id)["history"][-1]["event"] == "autosaved"


def test_app_new_resume_moderate(store):
    app = AuditApp(store=store, user="SW-01")
    assert app.rubric_picker.options
    app.rubric_picker.value = "practice-learning-review"
    app.new_btn.click()
    form = app.form
    r = form.rubric
    form.data = sample_answers(r, seed=3)
    assert form.submit()
    app.back_btn.click()
    assert app.form is None and form.audit_id in app.list.html()
    # times as people read them, never raw UTC stamps
    assert "just now by SW-01" in app.list.html()
    assert not re.search(r"\dT\d\d:\d\d", app.list.html())
    app.list.row(form.audit_id).moderate_btn.click()  # SW-01 audited it: they may not moderate it
    assert app.form is None and "cannot moderate it" in app.message.value
    other = AuditApp(store=store, user="QA-01")
    other.list.row(form.audit_id).moderate_btn.click()
    assert other.form.role == "moderator" and other.form.audit_id == form.audit_id
    assert other.form._submit_btn.description == "Complete moderation"


def test_app_lists_corrupt_files_without_crashing(store, tmp_path):
    store.root.mkdir(parents=True, exist_ok=True)
    (store.root / "broken-1.json").write_text("{not json", encoding="utf-8")
    app = AuditApp(store=store, user="SW-01")
    assert "Cannot be opened" in app.list.html()
    assert (store.root / "broken-1.json").read_text(encoding="utf-8") == "{not json"


def test_landing_escapes_saved_text(store):
    r = rubric("practice-learning-review")
    form = AuditForm(r, store, user="SW-01", autosave_delay=None)
    form.question("id_number").value = "<img src=x onerror=alert(1)>"
    assert form.save()
    app = AuditApp(store=store, user="SW-01")
    assert "<img src=x" not in app.list.html()
    assert "&lt;img src=x" in app.list.html()


def test_moderator_disagreement_needs_a_rationale(store):
    r = rubric("descriptor-matrix")
    form = AuditForm(r, store, user="SW-01", autosave_delay=None)
    form.data = sample_answers(r, seed=2, levels={"overall_grade": "good"})
    assert form.submit()
    mod = AuditForm(r, store, form.audit_id, role="moderator", user="MOD-01", autosave_delay=None)
    mod.question("moderated_overall_grade").value = {"level": "good"}
    assert "you agree" in mod._agreement["moderated_overall_grade"].value
    mod.question("moderated_overall_grade").value = {"level": "inadequate"}
    assert "you differ" in mod._agreement["moderated_overall_grade"].value
    msgs = [m.message for m in mod.missing()]
    assert any("differs from the auditor's grade" in m for m in msgs)
    mod.question("moderation_agree").value = "no"
    assert any(m.item_id == "moderation_disagree_reason" for m in mod.missing())
    mod.question("moderated_overall_grade").value = {
        "level": "inadequate",
        "evidence": {"rationale": "Risk was not reduced."},
    }
    assert not any("differs" in m.message for m in mod.missing())


def _has_actions(name: str) -> bool:
    # Runs at collection, before the tests move to the project folder: an absolute path.
    r = load_rubric(Path(__file__).resolve().parent.parent / "rubrics" / f"{name}.yaml")
    return any(i.type == "actions" and i.role == "auditor" for _, i in r.items())


@pytest.mark.parametrize("name", [n for n in RUBRICS if _has_actions(n)])
def test_completed_actions_survive_open_and_save(name, store):
    r = rubric(name)
    answers = sample_answers(r, seed=5)
    table = next(i for _, i in r.items() if i.type == "actions" and i.role == "auditor")
    row = answers[table.id][0]
    answers[table.id] = [
        {**row, "completed": "2026-07-01"},
        {"action": "Update the chronology", "owner": "TM", "due": row["due"]},
    ]
    form = AuditForm(r, store, user="AU-01", autosave_delay=None)
    form.data = answers
    assert form.save()
    again = AuditForm(r, store, form.audit_id, user="AU-02", autosave_delay=None)
    assert again.data == answers
    again.question(table.id).rows[1][0].value = "Update the chronology and genogram"
    assert again.save()
    on_disk = json.loads(store.path(form.audit_id).read_text(encoding="utf-8"))
    assert on_disk["answers"][table.id][0]["completed"] == "2026-07-01"
    assert "completed" not in on_disk["answers"][table.id][1], "open rows gain no empty key"


def test_the_authenticated_hub_user_is_recorded_not_a_typed_name(monkeypatch, store):
    from auditbook.audits.users import current_user

    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setenv("AUDITBOOK_USER", "AU-01")
    assert current_user() == "AU-01"
    # Under JupyterHub the hub's authenticated name wins over anything set by hand.
    monkeypatch.setenv("JUPYTERHUB_USER", "qa.officer")
    assert current_user() == "qa.officer"
    r = rubric("practice-learning-review")
    form = AuditForm(r, store, autosave_delay=None)
    form.data = {"team": "Team A"}
    assert form.save()
    saved = store.load(form.audit_id)
    assert saved["saved"]["by"] == "qa.officer"
    assert {h["by"] for h in saved["history"]} == {"qa.officer"}


EXIT_SCRIPT = """
import asyncio, sys
from auditbook import load_rubric
from auditbook.forms.form import AuditForm
from auditbook.audits.store import AuditStore

async def page():
    rubric = load_rubric("rubrics/practice-learning-review.yaml")
    form = AuditForm(rubric, AuditStore(sys.argv[1]), user="SW-01", autosave_delay=600)
    form.question("id_number").value = "C-EXIT"
    print(form.audit_id, flush=True)
    sys.exit(0)  # the kernel ends (its page closed) long before the autosave is due

asyncio.run(page())
"""


def test_a_waiting_autosave_is_made_when_the_kernel_exits(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT, str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    audit_id = done.stdout.strip()
    record = AuditStore(tmp_path).load(audit_id)
    assert record["answers"]["id_number"] == "C-EXIT"
    assert record["history"][-1]["event"] == "autosaved"
