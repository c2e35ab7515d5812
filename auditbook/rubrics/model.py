"""The rubric model: scales, sections, items, conditions, rules and guidance, as frozen objects.

A rubric file is YAML; this module says what it may contain. Every model rejects unknown keys,
so a misspelt key is reported rather than ignored. Cross-references (a condition naming an
item, a grade naming a scale) are checked in :mod:`auditbook.rubrics.validate`.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Text = Annotated[str, Field(min_length=1)]
Id = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="Lower-case letters, digits, '_' and '-'; starts with a letter or digit.",
    ),
]
Role = Literal["auditor", "moderator"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ----------------------------------------------------------------------------- scales


class Level(Model):
    """One level of a scale, from best to worst."""

    key: Id = Field(description="Stored in the audit file, e.g. 'good'.")
    label: Text = Field(description="Shown to the auditor, e.g. 'Good'.")
    short: str | None = Field(None, description="Short label for tables and charts, e.g. 'G'.")
    colour: str | None = Field(
        None, pattern=r"^#[0-9a-fA-F]{6}$", description="Colour for charts, '#rrggbb'."
    )
    descriptor: str | None = Field(None, description="What this level means in general.")
    good_or_better: bool = Field(False, description="Counts towards '% good or better'.")
    escalates: bool = Field(False, description="Choosing this level triggers escalation.")


class Scale(Model):
    """A named, ordered list of levels (best first)."""

    id: Id
    name: Text
    description: str | None = None
    notes: str | None = Field(None, description="Notes for the auditor shown with the scale.")
    levels: Annotated[list[Level], Field(min_length=2)]

    def level(self, key: str) -> Level | None:
        return next((lv for lv in self.levels if lv.key == key), None)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(lv.key for lv in self.levels)


# ------------------------------------------------------------------------- conditions


class Condition(Model):
    """A test on another item's answer. Give `item` and exactly one test."""

    item: Id = Field(description="The id of the item whose answer is tested.")
    equals: str | int | float | bool | None = Field(None, description="The answer is this value.")
    one_of: list[str | int | float] | None = Field(None, description="The answer is one of these.")
    not_one_of: list[str | int | float] | None = Field(
        None, description="The answer is given and is none of these."
    )
    answered: bool | None = Field(
        None, description="true: the item has an answer; false: it is still empty."
    )
    escalates: Literal[True] | None = Field(
        None, description="The chosen level is marked 'escalates' in its scale."
    )

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        given = [k for k in self.TESTS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of " + ", ".join(self.TESTS) + f" (found {given or 'none'})"
            )
        return self

    TESTS: ClassVar[tuple[str, ...]] = ("equals", "one_of", "not_one_of", "answered", "escalates")

    @property
    def test(self) -> str:
        return next(k for k in self.TESTS if getattr(self, k) is not None)

    @property
    def values(self) -> list:
        """The answer values this condition compares with (empty for answered/escalates)."""
        if self.equals is not None:
            return [self.equals]
        return list(self.one_of or self.not_one_of or [])


# ------------------------------------------------------------------------------ items


class ItemBase(Model):
    id: Id
    label: Text = Field(description="The question as the template words it.")
    help: str | None = Field(None, description="Help text shown under the question.")
    required: bool = Field(True, description="Must be answered before the audit is submitted.")
    required_message: str | None = Field(None, description="Said when a required item is empty.")
    role: Role = Field("auditor", description="Who fills this item in.")
    show_when: Condition | None = Field(None, description="Show the item only when this holds.")
    required_when: Condition | None = Field(
        None, description="Required only when this holds (set required: false with it)."
    )


class ShortText(ItemBase):
    """One line of text."""

    type: Literal["short_text"]
    max_length: int | None = Field(None, gt=0)


class LongText(ItemBase):
    """A comment box of several lines."""

    type: Literal["long_text"]
    max_length: int | None = Field(None, gt=0)


class DateItem(ItemBase):
    """A calendar date, stored as YYYY-MM-DD."""

    type: Literal["date"]


class MonthItem(ItemBase):
    """A month, stored as YYYY-MM."""

    type: Literal["month"]


class NumberItem(ItemBase):
    """A number, optionally bounded."""

    type: Literal["number"]
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False


class Option(Model):
    key: Id
    label: Text


class SingleChoice(ItemBase):
    """Pick one option."""

    type: Literal["single_choice"]
    options: Annotated[list[Option], Field(min_length=2)]
    display: Literal["dropdown", "radio"] = "dropdown"


class MultipleChoice(ItemBase):
    """Pick any number of options."""

    type: Literal["multiple_choice"]
    options: Annotated[list[Option], Field(min_length=2)]


class Evidence(Model):
    """A comment box that belongs to a grade: the evidence that supports it."""

    id: Id
    label: Text
    help: str | None = None
    required: bool = True


class Grade(ItemBase):
    """A grade on a scale, with evidence boxes and optional per-level descriptors."""

    type: Literal["grade"]
    scale: Id = Field(description="The id of a scale of this rubric.")
    descriptors: dict[str, str] | None = Field(
        None, description="Level key to this criterion's descriptor; overrides the scale's."
    )
    evidence: list[Evidence] = Field(default_factory=list)
    moderates: Id | None = Field(
        None, description="For a moderator's grade: the id of the auditor's grade it moderates."
    )
    display: Literal["dropdown", "radio"] = "dropdown"


class YesNoPartial(ItemBase):
    """A Yes/No/Partially-style answer with an explanation."""

    type: Literal["yes_no_partial"]
    scale: Id = Field(description="A yes/no-style scale of this rubric.")
    explanation: str | None = Field(
        "Please explain:", description="Label of the explanation box; null for none."
    )
    explanation_required: bool = True
    display: Literal["dropdown", "radio"] = "radio"


class ActionColumns(Model):
    action: Text = "Action"
    owner: Text = "Who is responsible?"
    due: Text = "Date to be completed by"


class Actions(ItemBase):
    """A table of actions: what, who is responsible, by when."""

    type: Literal["actions"]
    columns: ActionColumns = Field(default_factory=ActionColumns)
    min_rows: int = Field(0, ge=0, description="Rows required before submission.")
    rows_shown: int = Field(1, ge=0, description="Empty rows offered on a new audit.")
    due_kind: Literal["date", "text"] = Field(
        "date", description="'date' for a calendar date, 'text' for a timeframe in words."
    )


class GuidanceText(ItemBase):
    """Read-only text shown in the form; never answered."""

    type: Literal["guidance"]
    text: Text
    required: bool = False


Item = Annotated[
    ShortText
    | LongText
    | DateItem
    | MonthItem
    | NumberItem
    | SingleChoice
    | MultipleChoice
    | Grade
    | YesNoPartial
    | Actions
    | GuidanceText,
    Field(discriminator="type"),
]

ITEM_TYPES: dict[str, type[ItemBase]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls
    for cls in (
        ShortText,
        LongText,
        DateItem,
        MonthItem,
        NumberItem,
        SingleChoice,
        MultipleChoice,
        Grade,
        YesNoPartial,
        Actions,
        GuidanceText,
    )
}


# --------------------------------------------------------------------------- sections


class Section(Model):
    id: Id
    title: Text
    number: str | None = Field(None, description="The template's own number, e.g. '4'.")
    intro: str | None = Field(None, description="Text shown under the title.")
    author_notes: str | None = Field(
        None, description="Notes for template authors; never shown to auditors in the form."
    )
    prompts_heading: str | None = Field(None, description="e.g. 'Please comment on:'.")
    prompts: list[str] = Field(default_factory=list, description="Things to consider.")
    allow_not_applicable: bool = Field(False, description="The auditor may mark it N/A.")
    role: Role = Field("auditor", description="Role for items that do not name their own.")
    items: Annotated[list[Item], Field(min_length=1)]

    @model_validator(mode="after")
    def _inherit_role(self) -> Section:
        if self.role != "auditor":
            items = [
                it if "role" in it.model_fields_set else it.model_copy(update={"role": self.role})
                for it in self.items
            ]
            object.__setattr__(self, "items", items)
        return self


# ------------------------------------------------------------------------------ rules


class Escalation(Model):
    when: Condition
    tell: Text = Field(description="Who must be told, in the template's words.")


class Fields(Model):
    """Which items hold the facts every audit has; used by lists and analytics."""

    case_id: Id | None = None
    team: Id | None = None
    auditor: Id | None = None
    worker: Id | None = None
    audit_date: Id | None = None
    moderator: Id | None = None
    moderation_date: Id | None = None
    date_of_birth: Id | None = Field(
        None,
        description="The child's date of birth (a date item); analysis sees only the age band.",
    )
    age_band: Id | None = Field(None, description="The child's age band (a single-choice item).")


class Rules(Model):
    overall_grade: Id | None = Field(None, description="The auditor's overall grade item.")
    moderated_overall_grade: Id | None = Field(None, description="The moderator's overall grade.")
    moderation_agreement: Id | None = Field(None, description="The 'do you agree' item.")
    safety: list[Id] = Field(default_factory=list, description="The safety judgement items.")
    escalation: list[Escalation] = Field(default_factory=list)
    fields: Fields = Field(default_factory=Fields)
    checks: dict[Id, bool | dict[str, bool | int | float | str | list[str] | None]] = Field(
        default_factory=dict,
        # Left out of the content hash while empty, so adding the key changed no saved audit.
        exclude_if=lambda v: not v,
        description=(
            "Guidance checks (docs/checks.md): a check's name to its options, or false to "
            "turn it off. Every check not named runs with its defaults."
        ),
    )


# --------------------------------------------------------------------------- guidance


class Document(Model):
    """A piece of guidance: paragraphs, a list, or a scale's descriptors."""

    id: Id
    title: Text
    body: str | None = Field(None, description="Paragraphs, separated by blank lines.")
    items: list[str] = Field(default_factory=list, description="A list (steps, tips).")
    ordered: bool = Field(False, description="Number the list.")
    scale: Id | None = Field(None, description="Show this scale's levels and descriptors.")


class Rubric(Model):
    """A case-file audit template."""

    kind: Literal["rubric"] = "rubric"
    id: Id
    title: Text
    version: Text
    organisation: str | None = None
    source: str | None = Field(None, description="The document the rubric transcribes.")
    description: str | None = None
    notes: str | None = Field(None, description="Notes for the auditor, shown at the top.")
    author_notes: str | None = Field(
        None, description="Notes for template authors; never shown to auditors in the form."
    )
    guidance: list[Id] = Field(default_factory=list, description="Guidance ids shown beside it.")
    scales: list[Scale] = Field(default_factory=list)
    sections: Annotated[list[Section], Field(min_length=1)]
    rules: Rules = Field(default_factory=Rules)
    documents: list[Document] = Field(default_factory=list)

    def scale(self, scale_id: str) -> Scale | None:
        return next((s for s in self.scales if s.id == scale_id), None)

    def items(self):
        """Every item with its section, in form order."""
        for section in self.sections:
            for item in section.items:
                yield section, item

    def item(self, item_id: str):
        return self._items_by_id.get(item_id)

    @cached_property
    def _items_by_id(self) -> dict:
        # Looked up for every condition of every answer: a dict, built once (the model is frozen).
        return {it.id: it for _, it in self.items()}

    @property
    def graded(self) -> list[Grade]:
        return [it for _, it in self.items() if isinstance(it, Grade) and it.role == "auditor"]


class Guidance(Model):
    """Guidance for auditors that the app shows beside any rubric."""

    kind: Literal["guidance"]
    id: Id
    title: Text
    version: Text
    organisation: str | None = None
    source: str | None = None
    description: str | None = None
    scales: list[Scale] = Field(default_factory=list)
    documents: Annotated[list[Document], Field(min_length=1)]

    def scale(self, scale_id: str) -> Scale | None:
        return next((s for s in self.scales if s.id == scale_id), None)
