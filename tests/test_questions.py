"""Every registered question type keeps the same contract (data-driven over the registry)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from auditbook import load_rubric
from auditbook.demo.synthetic import sample_value
from auditbook.forms.questions import Question, QuestionRegistry, UnknownQuestionType, questions
from auditbook.rubrics.model import ITEM_TYPES


def _items_by_type():
    """One real item of each type, taken from the shipped rubrics and the worked example."""
    found = {}
    for path in [
        "docs/examples/example-audit.yaml",
        *sorted(__import__("glob").glob("rubrics/*.yaml")),
    ]:
        doc = load_rubric(path)
        if not hasattr(doc, "sections"):
            continue
        for _, item in doc.items():
            found.setdefault(item.type, (doc, item))
    return found


ITEMS = _items_by_type()
EXTRA = {  # types no shipped rubric uses yet, built inline
    "number": {"id": "n", "type": "number", "label": "How many visits?", "minimum": 0},
    "multiple_choice": {
        "id": "m",
        "type": "multiple_choice",
        "label": "Plans in place",
        "options": [{"key": "cp", "label": "CP"}, {"key": "pep", "label": "PEP"}],
    },
}


def item_of(type_name):
    if type_name in ITEMS:
        return ITEMS[type_name]
    from pydantic import TypeAdapter

    from auditbook.rubrics.model import Item

    rubric = load_rubric("docs/examples/example-audit.yaml")
    return rubric, TypeAdapter(Item).validate_python(EXTRA[type_name])


def test_every_rubric_type_has_a_question():
    assert set(ITEM_TYPES) <= set(questions)


@pytest.mark.parametrize("type_name", sorted(ITEM_TYPES))
def test_contract(type_name):
    rubric, item = item_of(type_name)
    q = questions.build(item, rubric)
    assert isinstance(q, Question) and q.widget is not None
    assert q.value is None, "a new question is empty"
    sample = sample_value(rubric, item, random.Random(3))
    seen = []
    q.observe(lambda question: seen.append(question.value))
    q.value = sample
    assert q.value == sample
    if sample is not None:
        assert seen, "observers hear about changes"
    q.reset()
    assert q.value is None
    q.disabled = True
    assert q.disabled or not q.inputs()


def test_grade_shows_descriptor_of_chosen_level():
    rubric = load_rubric("rubrics/descriptor-matrix.yaml")
    item = rubric.item(rubric.graded[0].id)
    q = questions.build(item, rubric)
    assert "Choose a grade" in q.descriptor.value
    q.picker.value = "good"
    assert item.descriptors["good"] in q.descriptor.value
    q.picker.value = "inadequate"
    assert item.descriptors["inadequate"] in q.descriptor.value
    assert "Compare all levels" in q.widget.children[1].value


def test_grade_falls_back_to_scale_descriptor():
    rubric = load_rubric("rubrics/practice-learning-review.yaml")
    item = rubric.graded[0]
    q = questions.build(item, rubric)
    q.picker.value = "good"
    assert rubric.scale(item.scale).level("good").descriptor[:60] in q.descriptor.value


def test_actions_rows_add_and_remove():
    rubric, item = item_of("actions")
    q = questions.build(item, rubric)
    q.value = [{"action": "Update the chronology", "owner": "SW", "due": "2026-12-01"}]
    q.add.click()
    action, owner, due, _ = q.rows[-1]
    action.value, owner.value = "Hold a core group", "TM"
    assert [r["action"] for r in q.value] == ["Update the chronology", "Hold a core group"]
    q.rows[0][3].click()  # remove the first row
    assert [r["action"] for r in q.value] == ["Hold a core group"]


def test_choice_rejects_unknown_value():
    rubric, item = item_of("single_choice")
    q = questions.build(item, rubric)
    with pytest.raises(ValueError, match="is not one of"):
        q.value = "maybe"


def test_unknown_type_lists_known_types():
    with pytest.raises(UnknownQuestionType) as err:
        questions.get("slider")
    for name in ITEM_TYPES:
        assert name in str(err.value)


def test_duplicate_registration_is_refused_and_extension_works():
    reg = QuestionRegistry()
    reg.register("text", questions.get("short_text"))
    with pytest.raises(ValueError, match="already registered"):
        reg.register("text", questions.get("long_text"))
    reg.register("text", questions.get("long_text"), replace=True)
    assert reg.get("text") is questions.get("long_text")


def _date_actions():
    rubric, item = item_of("actions")
    assert item.due_kind == "date"
    return rubric, item


def test_actions_round_trip_without_completed_adds_no_key():
    rubric, item = _date_actions()
    rows = [
        {"action": "Update the chronology", "owner": "SW", "due": "2026-12-01"},
        {"action": "Hold a core group", "owner": "TM", "due": ""},
    ]
    q = questions.build(item, rubric)
    q.value = rows
    assert q.value == rows, "saved rows without a completed date come back unchanged"


def test_actions_round_trip_with_completed():
    rubric, item = _date_actions()
    rows = [
        {"action": "Update the chronology", "owner": "SW", "due": "2026-12-01"},
        {
            "action": "Hold a core group",
            "owner": "TM",
            "due": "2026-12-08",
            "completed": "2026-12-05",
        },
    ]
    q = questions.build(item, rubric)
    q.value = rows
    assert q.value == rows
    assert q.completed[1].value.isoformat() == "2026-12-05"
    assert q.completed[1].description == "Completed on (row 2)"
    assert "ab-sr-label" in q.completed[1]._dom_classes
    assert "Completed on" in q.widget.children[0].value, "the table has a column for it"
    seen = []
    q.observe(lambda question: seen.append(question.value))
    q.completed[0].value = dt.date(2026, 11, 30)
    assert seen and seen[-1][0]["completed"] == "2026-11-30"
    q.rows[1][3].click()  # removing a row keeps the other's completed date
    assert q.value == [{**rows[0], "completed": "2026-11-30"}]
    q.disabled = True
    assert q.completed[0].disabled


def test_actions_completed_date_is_validated():
    from auditbook.rubrics.answers import is_answered, item_gaps, value_error

    rubric, item = _date_actions()
    row = {"action": "Update the chronology", "owner": "SW", "due": "2026-12-01"}
    assert value_error(rubric, item, [{**row, "completed": "2026-12-02"}]) is None
    assert value_error(rubric, item, [{**row, "completed": ""}]) is None
    assert value_error(rubric, item, [{**row, "completed": None}]) is None
    assert "completed" in value_error(rubric, item, [{**row, "completed": "02/12/2026"}])
    assert "completed" in value_error(rubric, item, [{**row, "completed": "2026-02-30"}])
    assert value_error(rubric, item, [{**row, "closed": "2026-12-02"}])
    only_completed = [{"completed": "2026-12-02"}]
    assert value_error(rubric, item, only_completed) is None
    assert not is_answered(item, only_completed), "a completed date alone is not an action"
    gaps = item_gaps(rubric, item, [{**row, "due": "", "completed": "2026-12-02"}], {})
    label, due = item.label.strip().rstrip(":"), item.columns.due.rstrip(":")
    assert gaps == [f"{label}, row 1: fill in {due}"], "gaps name action/owner/due only"
