"""Guidance checks: each fires on a crafted audit and stays quiet on a clean one (data-driven:
one case per registered check), the registry, per-rubric configuration, the form and the CLI."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import date, timedelta

import pytest

from auditbook import load_rubric
from auditbook.audits.store import AuditStore
from auditbook.cli import main
from auditbook.demo import words as W
from auditbook.demo.synthetic import sample_answers
from auditbook.forms.form import AuditForm
from auditbook.rubrics.checks import CheckRegistry, UnknownCheck, checks, run_checks, settings
from auditbook.rubrics.model import Actions, Grade, YesNoPartial

TODAY = date(2026, 6, 1)
RUBRICS = [
    "practice-learning-review",
    "west-berkshire-learning-audit",
    "swindon-practice-evaluation",
    "descriptor-matrix",
]
WORDS = sorted(W.VOCABULARY)


def rubric(name, checks_config=None):
    r = load_rubric(f"rubrics/{name}.yaml")
    if checks_config is not None:
        r = r.model_copy(update={"rules": r.rules.model_copy(update={"checks": checks_config})})
    return r


def distinct_text(rng: random.Random) -> str:
    """Evaluative-looking text no other box repeats, long enough for any grade, naming the
    (made-up) child mid-sentence."""
    words = [rng.choice(WORDS) for _ in range(24)]
    words.insert(10, "Ruby")
    return " ".join(words).capitalize() + "."


def clean_answers(r) -> dict:
    """A complete audit that no check should question: every grade Good and its evidence its
    own, the overall grade in line, safety explained, actions owned and still to come."""
    grades = [i.id for _, i in r.items() if isinstance(i, Grade) and i.role == "auditor"]
    answers = sample_answers(r, seed=3, levels=dict.fromkeys(grades, "good"))
    rng = random.Random(r.id)
    for _, item in r.items():
        value = answers.get(item.id)
        if isinstance(item, Grade) and value:
            value["evidence"] = {e.id: distinct_text(rng) for e in item.evidence}
        elif isinstance(item, YesNoPartial) and value and item.explanation:
            value["explanation"] = distinct_text(rng)
        elif isinstance(item, Actions) and value:
            soon = (max(TODAY, date.today()) + timedelta(days=60)).isoformat()  # still to come
            due = soon if item.due_kind == "date" else "Within 6 weeks"
            answers[item.id] = [{"action": "Update the chronology", "owner": "SW", "due": due}]
    return answers


def evidence_of(answers, item_id, box=None):
    boxes = answers[item_id]["evidence"]
    return boxes[box or next(iter(boxes))]


# ----------------------------------------------------------------- one case per check
# Each: (rubric, rubric checks config or None, change to a clean audit → (item id, words the
# message must contain)). The change is made to answers from clean_answers().


def _duplicate(a):
    a["planning_grade"]["evidence"]["findings"] = "  " + evidence_of(a, "assessment_grade").upper()
    return "planning_grade", "repeats the evidence for 'Assessment' (100% the same)"


def _near_duplicate(a):
    text = evidence_of(a, "assessment_grade")
    a["intervention_grade"]["evidence"]["findings"] = text.replace("Ruby", "Ruby, today,")
    return "intervention_grade", "repeats the evidence for 'Assessment'"


def _missing(a):
    a["planning_grade"] = {"level": "requires_improvement"}
    return "planning_grade", "'Planning' is graded Requires Improvement but has no evidence"


def _short(a):
    a["planning_grade"]["evidence"]["findings"] = "Plan is fine."
    return "planning_grade", "is 13 characters; a grade of Good needs at least 60"


def _short_extreme(a):
    a["planning_grade"] = {"level": "inadequate", "evidence": {"findings": "x" * 80}}
    return "planning_grade", "a grade of Inadequate needs at least 100"


def _out_of_line(a):
    for value in a.values():
        if isinstance(value, dict) and value.get("level") == "good" and "evidence" in value:
            value["level"] = "requires_improvement"
    a["overall_grade"]["level"] = "outstanding"
    return "overall_grade", "2 levels better than the middle of the area grades, Requires Improv"


def _out_of_line_spread(a):
    levels = ["good", "requires_improvement", "inadequate", "inadequate"]
    for n, key in enumerate(["assessment_grade", "planning_grade", "intervention_grade"]):
        a[key]["level"] = levels[n + 1]
    a["childs_voice_grade"]["level"] = "inadequate"
    a["overall_grade"]["level"] = "outstanding"
    return "overall_grade", "(area grades: 2 Good, 1 Requires Improvement, 3 Inadequate)"


def _action_no_owner(a):
    a["actions"] = [{"action": "Hold a core group", "owner": "", "due": "2026-07-01"}]
    return (
        "actions",
        "Action 1 ('Hold a core group') in 'Areas for Development in this case' has no",
    )


def _action_past(a):
    a["actions"] += [
        {"action": "Update the plan", "owner": "TM", "due": "2026-05-01"},
        {"action": "Done late", "owner": "TM", "due": "2026-05-01", "completed": "2026-05-20"},
    ]
    return "actions", "Action 2 ('Update the plan') in 'Areas for Development in this case' has "


def _safety(a):
    a["child_safe"] = {"level": "yes", "explanation": "Safe."}
    return "child_safe", "answered 'Yes' with only 5 characters of rationale"


def _child_not_named(a):
    a["risk_grade"]["evidence"]["impact"] = (
        "The child now attends school every day and the young person says home feels calmer."
    )
    return "risk_grade", "says 'The child' but never uses the child's name"


def _child_not_named_item(a):
    a["child_name"] = "Ruby Example"
    a["assessments_evaluation"]["explanation"] = "The assessment is thorough and current. " * 3
    return "assessments_evaluation", "never uses the child's name"


WB_NAMED = {"child_named": {"boxes": ["explanation"], "name_item": "child_name"}}
CASES = {
    "duplicate_evidence": ("practice-learning-review", None, _duplicate),
    "duplicate_evidence-near": ("practice-learning-review", None, _near_duplicate),
    "missing_evidence": ("practice-learning-review", None, _missing),
    "short_evidence": ("practice-learning-review", None, _short),
    "short_evidence-extreme": ("practice-learning-review", None, _short_extreme),
    "overall_out_of_line": ("descriptor-matrix", None, _out_of_line),
    "overall_out_of_line-spread": ("practice-learning-review", None, _out_of_line_spread),
    "action_incomplete": ("practice-learning-review", None, _action_no_owner),
    "action_incomplete-past": ("practice-learning-review", None, _action_past),
    "safety_rationale": ("descriptor-matrix", None, _safety),
    "child_named": ("swindon-practice-evaluation", None, _child_not_named),
    "child_named-name_item": ("west-berkshire-learning-audit", WB_NAMED, _child_not_named_item),
}


def test_every_registered_check_has_a_case():
    assert set(checks) <= {case.split("-")[0] for case in CASES}


@pytest.mark.parametrize("case", CASES)
def test_check_fires_on_crafted_audit(case):
    name = case.split("-")[0]
    r = rubric(CASES[case][0], CASES[case][1])
    answers = clean_answers(r)
    item_id, words = CASES[case][2](answers)
    found = [x for x in run_checks(r, answers, today=TODAY) if x.check == name]
    assert len(found) == 1, found
    warning = found[0]
    assert warning.item_id == item_id
    assert words in warning.message, warning.message
    assert warning.fix and warning.fix.endswith(".")
    assert warning.section_id == next(s.id for s, i in r.items() if i.id == item_id)


@pytest.mark.parametrize("name", RUBRICS)
def test_clean_audit_has_no_warnings(name):
    r = rubric(name)
    assert run_checks(r, clean_answers(r), today=TODAY) == []


def test_clean_audit_with_a_name_item_has_no_warnings():
    r = rubric("west-berkshire-learning-audit", WB_NAMED)
    answers = clean_answers(r)
    answers["child_name"] = "Ruby Example"
    assert run_checks(r, answers, today=TODAY) == []


def test_not_applicable_sections_are_not_checked():
    r = rubric("practice-learning-review")
    answers = clean_answers(r)
    answers["cp_independent_reviewing_grade"] = {"level": "good"}
    assert [x.item_id for x in run_checks(r, answers, today=TODAY)] == [
        "cp_independent_reviewing_grade"
    ]
    assert run_checks(r, answers, ["cp_independent_reviewing"], today=TODAY) == []


def test_a_saved_record_is_checked_for_each_role():
    r = rubric("swindon-practice-evaluation")
    answers = clean_answers(r)
    record = {
        "rubric": {"id": r.id},
        "answers": {**answers, "risk_grade": {"level": "good"}},
        "moderation": {
            "moderator_judgement": {"level": "good", "evidence": {"evidence": "Agreed."}},
            "additional_actions": [{"action": "Review the plan", "owner": "", "due": "2099-01-01"}],
        },
        "not_applicable": [],
    }
    assert [(x.check, x.item_id) for x in run_checks(r, record, today=TODAY)] == [
        ("missing_evidence", "risk_grade")
    ]
    mod = run_checks(r, record, today=TODAY, role="moderator")
    assert [(x.check, x.item_id) for x in mod] == [("action_incomplete", "additional_actions")]
    assert "has no one responsible" in mod[0].message


def test_swindon_impact_that_names_the_child_is_quiet():
    r = rubric("swindon-practice-evaluation")
    answers = clean_answers(r)
    for text in (
        "The child, Ruby, now attends school every day and says home feels calmer.",
        "Ruby is safer: the young person says home feels calmer since the plan changed.",
    ):
        answers["risk_grade"]["evidence"]["impact"] = text
        assert not run_checks(r, answers, today=TODAY), text


# ----------------------------------------------------------------- the registry


def test_registry_refuses_duplicates_and_names_the_known_checks():
    reg = CheckRegistry()
    reg.register("one", "The first.")(lambda *a: [])
    with pytest.raises(ValueError, match="already registered.*known: one"):
        reg.register("one")(lambda *a: [])
    reg.register("one", "Again.", replace=True)(lambda *a: [])
    assert reg.get("one").description == "Again."
    with pytest.raises(UnknownCheck, match="unknown guidance check 'two'; known checks are: one"):
        reg.get("two")


def test_every_check_has_a_description_and_typed_defaults():
    for name in checks:
        check = checks.get(name)
        assert check.description.endswith(".") and check.name == name
        for option in check.options:
            assert option.problem(option.default, rubric("swindon-practice-evaluation")) is None


def test_description_defaults_to_the_docstring():
    reg = CheckRegistry()

    @reg.register("doc")
    def doc(*args):
        """Looks for something.

        More words."""
        return []

    assert reg.get("doc").description == "Looks for something."


# ----------------------------------------------------------------- per-rubric configuration


def test_a_check_turned_off_or_tuned_per_rubric():
    r = rubric("practice-learning-review", {"short_evidence": False})
    answers = clean_answers(r)
    _short(answers)
    assert settings(r, "short_evidence") is None
    assert not [x for x in run_checks(r, answers, today=TODAY) if x.check == "short_evidence"]
    r = rubric("practice-learning-review", {"short_evidence": {"min_chars": 500}})
    assert settings(r, "short_evidence") == {"min_chars": 500, "extreme_min_chars": 100}
    found = run_checks(r, clean_answers(r), today=TODAY)
    assert found and {x.check for x in found} == {"short_evidence"}


def test_swindon_configures_child_named_on_its_impact_boxes():
    assert settings(rubric("swindon-practice-evaluation"), "child_named")["boxes"] == ["impact"]
    assert settings(rubric("practice-learning-review"), "child_named")["boxes"] == []


def test_validate_reports_a_bad_check_name_with_file_line_and_key():
    result = subprocess.run(
        [sys.executable, "-m", "auditbook", "validate", "tests/broken_rubrics/unknown_check.yaml"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("tests/broken_rubrics/unknown_check.yaml:60: rules, key ")
    assert "'checks.duplicate_evidnce': names no guidance check" in first
    assert "did you mean 'duplicate_evidence'?" in first


# ----------------------------------------------------------------- the form


@pytest.fixture
def store(tmp_path):
    return AuditStore(tmp_path / "audits")


def test_form_shows_warnings_as_the_auditor_types_and_never_blocks(store):
    r = rubric("practice-learning-review")
    form = AuditForm(r, store, user="AU-01", autosave_delay=None)
    assert form.warnings() == [] and "<li>" not in form._warnings.value
    answers = clean_answers(r)
    form.data = answers
    assert form.warnings() == []
    text = evidence_of(answers, "assessment_grade")
    form.question("planning_grade").texts["findings"].value = text + "  "  # typed in the box
    assert [(x.check, x.item_id) for x in form.warnings()] == [
        ("duplicate_evidence", "planning_grade")
    ]
    panel = form._warnings.value
    assert 'role="status"' in panel and "ab-warnings" in form._warnings._dom_classes
    assert "Planning</strong>: The evidence for &#x27;Planning&#x27; repeats" in panel
    assert "Fix:</em> Write what you found for &#x27;Planning&#x27; itself" in panel
    # Go to opens the section and question the warning names.
    form.show_section("header")
    form._goto_box.children[0].click()
    assert form._current == "planning"
    assert form.save(), form._message.value
    assert store.load(form.audit_id)["answers"]["planning_grade"]["evidence"]["findings"]
    assert form.submit(), form._message.value
    said = form._message.value
    assert "Submitted " in said and "with 1 guidance warning (listed above)" in said
    assert "repeats the evidence for &#x27;Assessment&#x27;" in said
    assert store.load(form.audit_id)["status"] == "submitted"


def test_form_panel_escapes_what_the_auditor_wrote(store):
    r = rubric("practice-learning-review")
    form = AuditForm(r, store, user="AU-01", autosave_delay=None)
    form.question("actions").value = [{"action": "<img src=x onerror=alert(1)>", "owner": ""}]
    assert "&lt;img src=x" in form._warnings.value
    assert "<img" not in form._warnings.value
    form.question("actions").value = None
    assert "<li>" not in form._warnings.value and form._goto_box.children == ()


# ----------------------------------------------------------------- the command line


def _put(store, r, answers, audit_id):
    record = store.create(r, "AU-01", audit_id=audit_id)
    return store.save({**record, "answers": answers, "status": "submitted"}, "AU-01")


def test_cli_check_exit_codes(tmp_path, capsys):
    store = AuditStore(tmp_path)
    r = rubric("practice-learning-review")
    clean = clean_answers(r)
    _put(store, r, clean, "clean-1")
    assert main(["check", "--audits", str(tmp_path), "clean-1"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == "0 guidance warnings in 0 of 1 audit checked."

    flawed = json.loads(json.dumps(clean))
    _missing(flawed)
    _put(store, r, flawed, "flawed-1")
    assert main(["check", "--audits", str(tmp_path), "clean-1", str(tmp_path / "flawed-1.json")])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        f"{tmp_path / 'flawed-1.json'}: Planning › Planning: 'Planning' is graded Requires "
        "Improvement but has no evidence. Fix: Write what you saw on the file that supports "
        "Requires Improvement: which record, when, and what it meant for the child."
    )
    assert lines[-1] == "1 guidance warning in 1 of 2 audits checked."
    assert main(["check", "--audits", str(tmp_path), "flawed-1"]) == 1
    capsys.readouterr()

    (tmp_path / "broken-1.json").write_text("{not json", encoding="utf-8")
    code = main(["check", "--audits", str(tmp_path), "broken-1", "clean-1", "missing-1"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "broken-1.json cannot be opened" in err or "not valid JSON" in err
    assert "There is no saved audit called missing-1" in err
    assert "Traceback" not in out + err
    assert out.splitlines()[-1] == (
        "0 guidance warnings in 0 of 1 audit checked; 2 could not be read."
    )
