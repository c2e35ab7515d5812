"""Calibration exercises: they load and hold together, a round of trainees gives the expected
agreement tables, answers stay out of the audits folder, and the reference is shown only
after the trainee submits."""

from __future__ import annotations

import pytest

from auditbook import load_rubric
from auditbook.calibration import Exercise, check_code
from auditbook.library import load_library
from auditbook.rubric import Grade

from .conftest import RUBRICS

EXERCISES = sorted((RUBRICS / "exercises").glob("*.y*ml"))
LIBRARY = load_library()


# ------------------------------------------------------------------- exercises as data


@pytest.mark.parametrize("path", EXERCISES, ids=[p.stem for p in EXERCISES])
def test_exercise_loads_and_fits_its_rubric(path):
    ex = load_rubric(path.relative_to(RUBRICS.parent))
    assert isinstance(ex, Exercise)
    assert LIBRARY.exercises[ex.id] == ex
    rubric = LIBRARY.rubrics[ex.rubric]
    na = set(ex.not_applicable(rubric))
    # Every required criterion the trainee grades has a reference grade and a rationale.
    for section, item in rubric.items():
        if section.id in ex.sections and isinstance(item, Grade) and item.required:
            if item.role == "auditor":
                assert item.id in ex.reference, item.id
    for key in [rubric.rules.overall_grade, *rubric.rules.safety]:
        assert key in ex.reference, key
    for key, ref in ex.reference.items():
        assert ref.level in rubric.scale(rubric.item(key).scale).keys
        assert len(ref.rationale.split()) >= 12, f"{key}: say why, citing the case"
    assert not na & set(ex.sections)
    # Synthetic: no real names, people are roles and codes.
    assert "Child " in ex.vignette


def test_the_two_shipped_exercises():
    cp = LIBRARY.exercises["child-protection-a-and-b"]
    lac = LIBRARY.exercises["looked-after-child-c"]
    assert cp.rubric == "descriptor-matrix" and lac.rubric == "practice-learning-review"
    dm = LIBRARY.rubrics["descriptor-matrix"]
    assert set(cp.not_applicable(dm)) == {"cin_planning", "lac_care_planning"}
    assert {"s47_investigation", "cp_planning", "review"} <= set(cp.sections)
    # The references use the scale's range, not one level everywhere.
    assert {r.level for r in cp.reference.values()} >= {
        "outstanding", "good", "requires_improvement", "inadequate", "yes",
    }  # fmt: skip
    assert {r.level for r in lac.reference.values()} >= {"outstanding", "good", "not_applicable"}


def test_exercises_do_not_disturb_rubric_lists():
    # Exercises are their own kind: never offered as templates or counted as rubrics.
    assert set(LIBRARY.rubrics).isdisjoint(LIBRARY.exercises)
    assert all(ex.kind == "exercise" for ex in LIBRARY.exercises.values())


@pytest.mark.parametrize("code", ["T-01", "t-7", " AB-123 "])
def test_trainee_codes(code):
    assert check_code(code) == code.strip().upper()


@pytest.mark.parametrize("code", ["", "Jane Smith", "T01", "TRAIN-01", "T-1234", "T-01; rm"])
def test_names_are_not_trainee_codes(code):
    with pytest.raises(ValueError, match="trainee code"):
        check_code(code)
