"""Every shipped rubric loads, validates, and holds together (data-driven: one case a file)."""

from __future__ import annotations

import jsonschema
import yaml

from auditbook import Guidance, Rubric, load_rubric
from auditbook.rubrics.library import check_paths
from auditbook.rubrics.model import Grade, YesNoPartial
from auditbook.rubrics.schema import rubric_schema
from auditbook.rubrics.validate import possible_values


def test_loads_and_validates(rubric_path):
    doc = load_rubric(rubric_path)
    assert isinstance(doc, (Rubric, Guidance))
    assert doc.id


def test_objects_are_immutable(rubric_path):
    doc = load_rubric(rubric_path)
    try:
        doc.title = "changed"
    except Exception as exc:  # pydantic raises ValidationError for frozen models
        assert "frozen" in str(exc).lower()
    else:
        raise AssertionError("rubric objects must be immutable")


def test_matches_published_json_schema(rubric_path):
    # What an editor checks with docs/rubric.schema.json agrees with the loader.
    data = yaml.safe_load(rubric_path.read_text(encoding="utf-8"))
    jsonschema.validate(_jsonable(data), rubric_schema())


def _jsonable(value):
    # PyYAML's plain safe_load turns dates into date objects; the schema sees text.
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def test_rubric_is_complete_for_the_app(rubric_path):
    doc = load_rubric(rubric_path)
    if isinstance(doc, Guidance):
        assert doc.documents and doc.scales
        for scale in doc.scales:
            assert all(level.descriptor for level in scale.levels), scale.id
        return
    # A rubric the app can use: header facts, a graded overall judgement, an escalation rule.
    assert doc.rules.fields.case_id, "rules.fields.case_id names the child's id item"
    assert doc.rules.overall_grade and isinstance(doc.item(doc.rules.overall_grade), Grade)
    assert doc.rules.escalation, "every template says whom to tell when it escalates"
    assert doc.graded, "at least one graded criterion"
    for _, item in doc.items():
        if isinstance(item, (Grade, YesNoPartial)):
            assert possible_values(doc, item), item.id
        if isinstance(item, Grade) and item.moderates:
            assert item.role == "moderator", item.id
    for scale in doc.scales:
        assert [lv.key for lv in scale.levels] == list(scale.keys)


def test_all_shipped_files_validate_together():
    loaded, problems = check_paths(["rubrics"])
    assert problems == []
    ids = {d.id for _, d in loaded}
    for _, doc in loaded:
        if isinstance(doc, Rubric):
            assert set(doc.guidance) <= ids
