"""What an audit's answers mean under its rubric: valid values, conditions, what is missing,
and whether escalation fires. Pure functions over plain values; no widgets, no files.

Answer values by item type:
  short_text, long_text  str            date  "YYYY-MM-DD"     month  "YYYY-MM"
  number                 int | float    single_choice  option key    multiple_choice  [keys]
  grade                  {"level": key, "evidence": {evidence id: str}}
  yes_no_partial         {"level": key, "explanation": str}
  actions                [{"action": str, "owner": str, "due": str, "completed": "YYYY-MM-DD"}]
                         (`completed` is optional: absent or empty while the action is open)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .model import (
    Actions,
    Condition,
    DateItem,
    Grade,
    GuidanceText,
    LongText,
    MonthItem,
    MultipleChoice,
    NumberItem,
    Rubric,
    Section,
    ShortText,
    SingleChoice,
    YesNoPartial,
)

MAX_TEXT = 100_000  # characters in one box: far beyond any real evidence, well short of harm
MAX_ROWS = 200  # action rows
ROW_KEYS = ("action", "owner", "due")  # a filled row gives all three; `completed` is optional
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def level_of(value) -> str | None:
    """The chosen level of a grade or yes/no answer (None when not chosen)."""
    return value.get("level") if isinstance(value, dict) else None


def is_answered(item, value) -> bool:
    """Whether the main part of an answer is given (a grade's level, a text's words …)."""
    if value is None:
        return False
    if isinstance(item, (Grade, YesNoPartial)):
        return bool(level_of(value))
    if isinstance(item, Actions):
        return any(row_filled(r) for r in value or [])
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return bool(value)
    return True


def row_filled(row: dict) -> bool:
    """An action row with something in it (action, owner or due; a date completed alone is not)."""
    return any(str(row.get(k) or "").strip() for k in ROW_KEYS)


def _text_error(value, limit: int | None) -> str | None:
    if not isinstance(value, str):
        return f"expected text, got {type(value).__name__}"
    if len(value) > (limit or MAX_TEXT):
        return (
            f"is {len(value):,} characters; at most {limit or MAX_TEXT:,} are allowed: shorten it"
        )
    return None


def _date_error(value) -> str | None:
    if not isinstance(value, str):
        return f"expected a date as YYYY-MM-DD, got {type(value).__name__}"
    try:
        date.fromisoformat(value)
    except ValueError:
        return f"expected a date as YYYY-MM-DD, got {value[:20]!r}"
    return None if len(value) == 10 else f"expected a date as YYYY-MM-DD, got {value[:20]!r}"


def value_error(rubric: Rubric, item, value) -> str | None:
    """Why a value cannot be an answer to this item, or None if it can. Empty is always fine."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(item, GuidanceText):
        return "guidance text takes no answer"
    if isinstance(item, (ShortText, LongText)):
        return _text_error(value, item.max_length)
    if isinstance(item, DateItem):
        return _date_error(value)
    if isinstance(item, MonthItem):
        if isinstance(value, str) and _MONTH.match(value):
            return None
        return (
            f"enter the month as a year and month, for example 2026-11 or Nov 2026 "
            f"(you typed {str(value)[:20]!r})"
        )
    if isinstance(item, NumberItem):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"enter a number, for example 3 (you typed {str(value)[:20]!r})"
        if item.integer and not float(value).is_integer():
            return "enter a whole number, for example 3"
        if item.minimum is not None and value < item.minimum:
            return f"must be at least {item.minimum:g}"
        if item.maximum is not None and value > item.maximum:
            return f"must be at most {item.maximum:g}"
        return None
    if isinstance(item, SingleChoice):
        keys = [o.key for o in item.options]
        return (
            None if value in keys else f"expected one of {', '.join(keys)}, got {str(value)[:40]!r}"
        )
    if isinstance(item, MultipleChoice):
        keys = [o.key for o in item.options]
        if not isinstance(value, list) or any(v not in keys for v in value):
            return f"expected a list of {', '.join(keys)}"
        return "an option is chosen twice" if len(set(value)) != len(value) else None
    if isinstance(item, (Grade, YesNoPartial)):
        return _graded_error(rubric, item, value)
    if isinstance(item, Actions):
        return _actions_error(item, value)
    return f"unknown item type {item.type!r}"


def _graded_error(rubric: Rubric, item, value) -> str | None:
    if not isinstance(value, dict):
        return "expected a level and its text"
    text_key = "evidence" if isinstance(item, Grade) else "explanation"
    extra = set(value) - {"level", text_key}
    if extra:
        return f"unexpected parts {sorted(extra)}"
    level = value.get("level")
    keys = rubric.scale(item.scale).keys
    if level not in (None, "") and level not in keys:
        return f"expected one of {', '.join(keys)}, got {str(level)[:40]!r}"
    if isinstance(item, Grade):
        evidence = value.get("evidence") or {}
        ids = {e.id for e in item.evidence}
        if not isinstance(evidence, dict) or set(evidence) - ids:
            return f"evidence boxes are {', '.join(sorted(ids)) or 'none'}"
        for text in evidence.values():
            err = _text_error(text, None)
            if err:
                return err
        return None
    text = value.get("explanation")
    return None if text is None else _text_error(text, None)


def _actions_error(item: Actions, value) -> str | None:
    if not isinstance(value, list):
        return "expected a list of action rows"
    if len(value) > MAX_ROWS:
        return f"has {len(value):,} rows; at most {MAX_ROWS} are allowed"
    for n, row in enumerate(value, 1):
        if not isinstance(row, dict) or set(row) - {*ROW_KEYS, "completed"}:
            return f"row {n}: expected action, owner, due and (optionally) completed"
        for key in ROW_KEYS:
            text = row.get(key)
            if text is not None and _text_error(text, None):
                return f"row {n}, {key}: {_text_error(text, None)}"
        if item.due_kind == "date" and row.get("due") and _date_error(row["due"]):
            return f"row {n}: {_date_error(row['due'])}"
        if row.get("completed") not in (None, "") and _date_error(row["completed"]):
            return f"row {n}, completed: {_date_error(row['completed'])}"
    return None


# ----------------------------------------------------------------------- conditions


def holds(rubric: Rubric, cond: Condition | None, answers: dict) -> bool:
    """Whether a condition holds for these answers (no condition always holds)."""
    if cond is None:
        return True
    item = rubric.item(cond.item)
    value = answers.get(cond.item)
    if cond.test == "answered":
        return is_answered(item, value) == cond.answered
    got = level_of(value) if isinstance(item, (Grade, YesNoPartial)) else value
    if cond.test == "escalates":
        level = rubric.scale(item.scale).level(got or "") if item is not None else None
        return bool(level and level.escalates)
    chosen = got if isinstance(got, list) else [got]
    if cond.test == "not_one_of":
        return got not in (None, "", []) and not set(chosen) & set(cond.values)
    return bool(set(chosen) & set(cond.values))


def visible(rubric: Rubric, item, answers: dict) -> bool:
    return holds(rubric, item.show_when, answers)


def is_required(rubric: Rubric, item, answers: dict) -> bool:
    """Required now: visible, and required outright or by its condition."""
    if isinstance(item, GuidanceText) or not visible(rubric, item, answers):
        return False
    if item.required_when is not None:
        return item.required or holds(rubric, item.required_when, answers)
    return item.required


@dataclass(frozen=True)
class Missing:
    """One thing the auditor still has to give before submitting."""

    section: Section
    item_id: str
    message: str


def item_gaps(rubric: Rubric, item, value, answers: dict) -> list[str]:
    """What is missing from one item's answer, in the auditor's words."""
    if not is_required(rubric, item, answers):
        return []
    label = item.label.strip().rstrip(":")
    if not is_answered(item, value):
        if item.required_message:
            return [item.required_message]
        what = "a grade" if isinstance(item, Grade) else "an answer"
        if isinstance(item, Actions):
            what = "at least one action"
        return [f"{label}: give {what}"]
    gaps = []
    if isinstance(item, Grade):
        evidence = (value or {}).get("evidence") or {}
        for box in item.evidence:
            if box.required and not str(evidence.get(box.id) or "").strip():
                gaps.append(f"{label}: write the {box.label.strip().rstrip(':')}")
        written = any(str(t or "").strip() for t in evidence.values())
        if differs_from_moderated(item, value, answers) and item.evidence and not written:
            gaps.append(f"{label}: differs from the auditor's grade; give the rationale")
    if isinstance(item, YesNoPartial) and item.explanation and item.explanation_required:
        if not str((value or {}).get("explanation") or "").strip():
            gaps.append(f"{label}: {item.explanation.strip().rstrip(':')}")
    if isinstance(item, Actions):
        rows = [r for r in value if row_filled(r)]
        if len(rows) < item.min_rows:
            gaps.append(f"{label}: give at least {item.min_rows} actions")
        for n, row in enumerate(rows, 1):
            empty = [
                item.columns.model_dump()[k].rstrip(":")
                for k in ROW_KEYS
                if not str(row.get(k) or "").strip()
            ]
            if empty:
                gaps.append(f"{label}, row {n}: fill in {', '.join(empty)}")
    return gaps


def differs_from_moderated(item, value, answers: dict) -> bool:
    """A moderator's grade that disagrees with the auditor's grade it moderates."""
    if not isinstance(item, Grade) or not item.moderates:
        return False
    mine, theirs = level_of(value), level_of(answers.get(item.moderates))
    return bool(mine and theirs and mine != theirs)


def missing(
    rubric: Rubric, answers: dict, not_applicable=(), role: str = "auditor"
) -> list[Missing]:
    """Everything still required of this role, section by section."""
    out = []
    for section in rubric.sections:
        if section.id in not_applicable:
            continue
        for item in section.items:
            if item.role != role:
                continue
            for msg in item_gaps(rubric, item, answers.get(item.id), answers):
                out.append(Missing(section, item.id, msg))
    return out


def progress(rubric: Rubric, answers: dict, not_applicable=(), role: str = "auditor") -> dict:
    """Per section id: (answered, required) counts of the role's required items."""
    out = {}
    for section in rubric.sections:
        items = [i for i in section.items if i.role == role]
        if section.id in not_applicable or not items:
            out[section.id] = (0, 0)
            continue
        required = [i for i in items if is_required(rubric, i, answers)]
        done = [i for i in required if not item_gaps(rubric, i, answers.get(i.id), answers)]
        out[section.id] = (len(done), len(required))
    return out


@dataclass(frozen=True)
class Fired:
    """An escalation rule that fires: whom to tell, and the item whose answer fired it (the
    auditor's item, or the moderator's grade that moderates it)."""

    tell: str
    item_id: str


def fired(rubric: Rubric, answers: dict) -> list[Fired]:
    """Every escalation rule that fires for these answers, with the item that fired it.

    A moderator's grade counts as the grade it moderates: a rule on the overall grade fires
    when the moderator lowers it to Inadequate, just as when the auditor gives Inadequate.
    """
    out = []
    rules = rubric.rules.escalation
    moderating = [i for _, i in rubric.items() if getattr(i, "moderates", None)] if rules else []
    for rule in rules:
        if holds(rubric, rule.when, answers):
            out.append(Fired(rule.tell, rule.when.item))
        for item in moderating:
            value = answers.get(item.id)
            if item.moderates != rule.when.item or not is_answered(item, value):
                continue
            if holds(rubric, rule.when, {**answers, rule.when.item: value}):
                out.append(Fired(rule.tell, item.id))
    return out


def escalations(rubric: Rubric, answers: dict) -> list[str]:
    """The 'tell' of every escalation rule that fires for these answers (each once), the
    moderator's grades included (see `fired`)."""
    return list(dict.fromkeys(f.tell for f in fired(rubric, answers)))


def answers_errors(rubric: Rubric, answers: dict, role: str | None = None) -> dict[str, str]:
    """Item id to the reason its value is invalid; answers to unknown items are not errors."""
    out = {}
    for item_id, value in answers.items():
        item = rubric.item(item_id)
        if item is None or (role and item.role != role):
            continue
        err = value_error(rubric, item, value)
        if err:
            out[item_id] = err
    return out
