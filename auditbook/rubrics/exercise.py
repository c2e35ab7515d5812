"""A calibration exercise as data: a synthetic case to grade on a rubric, with the trainer's
reference grade and rationale for each criterion (`kind: exercise`, see docs/calibration.md).
Validated once at load like a rubric (`exercise_check`); scored in auditbook.training."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from .model import Id, Model, Rubric, Text


class Reference(Model):
    """The trainer's grade of one criterion and why."""

    level: Id = Field(description="A level key of the item's scale, e.g. 'good'.")
    rationale: Text = Field(description="Why, citing the vignette and the descriptor.")


class Exercise(Model):
    """A calibration exercise: a synthetic case to grade on a rubric, with reference grades."""

    kind: Literal["exercise"]
    id: Id
    title: Text
    version: Text
    rubric: Id = Field(description="The id of the rubric the trainee grades on.")
    description: str | None = Field(None, description="Who it is for, what it practises.")
    sections: Annotated[list[Id], Field(min_length=1)] = Field(
        description="The sections that apply to this case; any other section that may be "
        "marked not applicable is marked so for the trainee."
    )
    vignette: Text = Field(description="The case, in paragraphs separated by blank lines.")
    facts: dict[Id, Any] = Field(
        default_factory=dict,
        description="Item id to an answer the case gives (header facts, dates), filled in.",
    )
    reference: Annotated[dict[Id, Reference], Field(min_length=1)]
    learning_points: list[str] = Field(default_factory=list)

    def not_applicable(self, rubric: Rubric) -> list[str]:
        """The sections marked not applicable for the trainee."""
        return [
            s.id for s in rubric.sections if s.allow_not_applicable and s.id not in self.sections
        ]

    def criteria(self, rubric: Rubric) -> list[tuple]:
        """(section, item) of each criterion with a reference grade, in form order."""
        return [(s, it) for s, it in rubric.items() if it.id in self.reference]


def summary(exercise: Exercise) -> str:
    """One line describing a loaded exercise, for `auditbook validate`."""
    return (
        f"{exercise.id} v{exercise.version} (exercise on {exercise.rubric}): "
        f"{len(exercise.sections)} sections, {len(exercise.reference)} graded criteria with "
        "reference grades"
    )
