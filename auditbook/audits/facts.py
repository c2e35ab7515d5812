"""The facts of one audit that lists and analytics need, worked out from its record and its
template: who, which team and case, when, the grades, escalations and actions.

Records in, plain tuples and lists out (no pandas): the analytics frames are built from these,
and the audit index (auditbook.audits.index) keeps them for every audit, so that neither has
to read every file again. The columns are described in docs/analytics.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from ..rubrics import answers as A
from ..rubrics.model import Actions, Grade, Rubric, YesNoPartial


def rubric_hash(rubric: Rubric) -> str:
    """The rubric's content hash, "sha256:<hex>", stable for the same rubric content."""
    return "sha256:" + hashlib.sha256(rubric.model_dump_json().encode("utf-8")).hexdigest()


_HASHES: dict[int, tuple[Rubric, str]] = {}


def plan_key(rubric: Rubric) -> str:
    """rubric_hash, worked out once per rubric object (the facts of an audit depend on the
    template they were read with, so the index keeps which one)."""
    known = _HASHES.get(id(rubric))
    if known is None or known[0] is not rubric:
        known = _HASHES[id(rubric)] = (rubric, rubric_hash(rubric))
    return known[1]


# The audit row add_audit makes: AUDIT_COLUMNS of the analytics, less "month" (worked out
# from audit_date when the frame is built).
AUDIT_FACTS = (
    "audit_id", "rubric_id", "rubric_version", "team", "auditor", "worker", "case_id",
    "moderator", "age_band", "audit_date", "created_at", "saved_at", "status",
    "overall_grade", "moderated_overall_grade", "child_safe", "escalated", "escalation_confirmed",
)  # fmt: skip
# An action row: ACTION_COLUMNS of the analytics up to "completed".
ACTION_FACTS = (
    "audit_id", "rubric_id", "team", "month", "item_id", "row", "action", "owner", "due",
    "due_text", "completed",
)  # fmt: skip


@dataclass
class Plan:
    """What to read from the audits of one rubric, worked out once."""

    rubric: Rubric
    fields: dict[str, str | None]
    overall: str | None
    moderated_overall: str | None
    safety: str | None
    rows: list[tuple]  # (section id, section title, item, moderator item id or None)
    actions: list[Actions]
    band_labels: dict[str, str]
    row_keys: list[tuple] = field(default_factory=list)  # (section id, item id, moderator id)
    # Filled while reading: which audits (row numbers of the audits frame) use this rubric,
    # and the per-answer values, len(rows) per audit; the constant parts are tiled at the end.
    audit_rows: list[int] = field(default_factory=list)
    levels: list = field(default_factory=list)
    moderator_levels: list = field(default_factory=list)
    not_applicable: list[bool] = field(default_factory=list)
    chars: list[int] = field(default_factory=list)


def plan(rubric: Rubric) -> Plan:
    rules = rubric.rules
    moderated_by = {
        it.moderates: it.id for _, it in rubric.items() if isinstance(it, Grade) and it.moderates
    }
    rows = [
        (section.id, section.title, item, moderated_by.get(item.id))
        for section, item in rubric.items()
        if item.role == "auditor"
        and isinstance(item, (Grade, YesNoPartial))
        and item.id != rules.overall_grade
    ]
    return Plan(
        rubric=rubric,
        fields=rules.fields.model_dump(),
        overall=rules.overall_grade,
        moderated_overall=rules.moderated_overall_grade,
        safety=rules.safety[0] if rules.safety else None,
        rows=rows,
        actions=[it for _, it in rubric.items() if isinstance(it, Actions)],
        row_keys=[(sid, item.id, mod) for sid, _, item, mod in rows],
        band_labels={
            o.key: o.label for o in getattr(rubric.item(rules.fields.age_band), "options", [])
        },
    )


AGE_BANDS = ((1, "under 1"), (5, "1-4"), (10, "5-9"), (16, "10-15"), (18, "16-17"))


def age_band(date_of_birth: str | None, on: str) -> str | None:
    """The child's age band on a date (the bands of the DfE children in need census), so the
    date of birth itself never reaches a frame."""
    try:
        born, day = date.fromisoformat(date_of_birth or ""), date.fromisoformat(on)
    except ValueError:
        return None
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if age < 0:
        return None
    return next((label for limit, label in AGE_BANDS if age < limit), "18+")


def _text(value) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _chars(value) -> int:
    """Characters of evidence or explanation in a graded answer (a hot loop: kept plain)."""
    if value.__class__ is not dict:
        return 0
    n = 0
    evidence = value.get("evidence")
    if evidence.__class__ is dict:
        for text in evidence.values():
            if text.__class__ is str:
                n += len(text.strip())
    text = value.get("explanation")
    return n + len(text.strip()) if text.__class__ is str else n


def add_audit(plan: Plan, record: dict, audits: list, actions: list) -> None:
    given = record["answers"]
    values = {**given, **record["moderation"]}
    facts = {
        k: _text(values.get(item_id)) if item_id else None for k, item_id in plan.fields.items()
    }
    team = facts["team"] or _text(record["case"].get("team"))
    audit_date = facts["audit_date"] or record["created"]["at"][:10]
    audit_id, status, rubric_id = record["id"], record["status"], plan.rubric.id
    # the moderator's grades fire the rules too (a moderator who lowers the overall grade)
    fired = bool(record["escalation"]) or bool(A.fired(plan.rubric, values))
    audits.append(
        (
            audit_id,
            rubric_id,
            record["rubric"]["version"],
            team,
            facts["auditor"] or _text(record["case"].get("auditor")),
            facts["worker"],
            facts["case_id"] or _text(record["case"].get("case_id")),
            facts["moderator"],
            plan.band_labels.get(facts["age_band"]) or age_band(facts["date_of_birth"], audit_date),
            audit_date,
            record["created"]["at"],
            record["saved"]["at"],
            status,
            A.level_of(values.get(plan.overall)) if plan.overall else None,
            A.level_of(values.get(plan.moderated_overall)) if plan.moderated_overall else None,
            A.level_of(values.get(plan.safety)) if plan.safety else None,
            fired,
            bool(record["escalation"]),
        )
    )
    plan.audit_rows.append(len(audits) - 1)
    na = set(record["not_applicable"])
    # The hot loop (once per graded item of every audit): bound methods, no helper calls.
    levels, moderator_levels = plan.levels.append, plan.moderator_levels.append
    not_applicable, chars = plan.not_applicable.append, plan.chars.append
    for section_id, item_id, moderator_id in plan.row_keys:
        value = given.get(item_id)
        if value.__class__ is dict:
            levels(value.get("level"))
            chars(_chars(value))
        else:
            levels(None)
            chars(0)
        mod = values.get(moderator_id) if moderator_id else None
        moderator_levels(mod.get("level") if mod.__class__ is dict else None)
        not_applicable(section_id in na)
    for item in plan.actions:
        rows = values.get(item.id) or []
        n = 0
        for row in rows if isinstance(rows, list) else []:
            if not isinstance(row, dict) or not A.row_filled(row):
                continue
            n += 1
            due = _text(row.get("due"))
            actions.append(
                (
                    audit_id,
                    rubric_id,
                    team,
                    audit_date,
                    item.id,
                    n,
                    _text(row.get("action")),
                    _text(row.get("owner")),
                    due if item.due_kind == "date" else None,
                    due,
                    _text(row.get("completed")),
                )
            )
