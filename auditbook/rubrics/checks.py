"""Guidance checks: the auditing guidance's "top tips" as rules over an audit's answers.

A check is a pure function `(rubric, answers, not_applicable, options, today) → [Warning]`,
registered by name in `checks` (the same call an extension would use) with a description and
its options' defaults. A rubric turns checks off or sets their options under `rules.checks`
(see docs/checks.md). Warnings never block saving or submitting: they say what to look at
again, name the item, and say how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from . import builtin_checks as _builtin  # noqa: F401  (registers the built-in checks)
from .check_registry import (  # noqa: F401  (this module's API: what a check is, and its words)
    KINDS,
    Check,
    CheckFunction,
    CheckRegistry,
    Option,
    UnknownCheck,
    Warning,
    answered,
    box_name,
    checks,
    day_text,
    item_name,
    level_label,
    section_name,
    short,
    written,
)
from .model import Rubric


def settings(rubric: Rubric, name: str) -> dict[str, Any] | None:
    """A check's options for this rubric (defaults overlaid by rules.checks), or None if off."""
    check = checks.get(name)
    given = rubric.rules.checks.get(name, True)
    if given is False:
        return None
    return {**check.defaults, **(given if isinstance(given, dict) else {})}


@dataclass(frozen=True)
class ConfigProblem:
    """A problem in a rubric's rules.checks: the path under rules.checks and what is wrong."""

    path: tuple[str, ...]
    message: str
    expected: str
    found: str | None = None
    hint: str | None = None


def config_problems(rubric: Rubric) -> list[ConfigProblem]:
    """Every unknown check, unknown option and unusable option value in rules.checks."""
    import difflib

    out = []
    for name, given in rubric.rules.checks.items():
        if name not in checks:
            close = difflib.get_close_matches(name, list(checks), n=1)
            out.append(
                ConfigProblem(
                    (name,),
                    "names no guidance check",
                    "one of " + ", ".join(checks),
                    repr(name),
                    f"did you mean '{close[0]}'?" if close else "see docs/checks.md.",
                )
            )
            continue
        check = checks.get(name)
        for key, value in (given if isinstance(given, dict) else {}).items():
            option = check.option(key)
            if option is None:
                valid = [o.name for o in check.options]
                close = difflib.get_close_matches(key, valid, n=1)
                out.append(
                    ConfigProblem(
                        (name, key),
                        f"is not an option of the {name} check",
                        "one of " + (", ".join(valid) or "(it has no options)"),
                        repr(key),
                        f"did you mean '{close[0]}'?" if close else "see docs/checks.md.",
                    )
                )
                continue
            bad = option.problem(value, rubric)
            if bad:
                out.append(
                    ConfigProblem(
                        (name, key),
                        f"is not a value the {name} check can use",
                        bad[0],
                        repr(value) if not isinstance(value, (dict, list)) else str(value),
                        (bad[1] + "; " if bad[1] else "") + "see docs/checks.md.",
                    )
                )
    return out


# ----------------------------------------------------------------- running


def run_checks(
    rubric: Rubric,
    record_or_answers: dict,
    not_applicable=None,
    today: date | None = None,
    role: str = "auditor",
) -> list[Warning]:
    """Every enabled check's warnings for one role's answers, in form order.

    record_or_answers: a saved audit record (its `answers`, or `moderation` for the moderator,
    and its `not_applicable`) or a plain item id → value mapping (the form's values).
    """
    if "answers" in record_or_answers and "rubric" in record_or_answers:
        record = record_or_answers
        values = record.get("answers" if role == "auditor" else "moderation") or {}
        if not_applicable is None:
            not_applicable = record.get("not_applicable") or ()
    else:
        values = record_or_answers
    mine = {}
    for item_id, value in values.items():
        item = rubric.item(item_id)
        if item is not None and item.role == role and value not in (None, "", []):
            mine[item_id] = value
    na = frozenset(not_applicable or ())
    today = today or date.today()
    out: list[Warning] = []
    for name in checks:
        options = settings(rubric, name)
        if options is not None:
            out += checks.get(name).run(rubric, mine, na, options, today)
    order = _order(rubric)
    return sorted(out, key=lambda w: order.get(w.item_id, len(order)))


def _order(rubric: Rubric) -> dict[str, int]:
    return {item.id: n for n, (_, item) in enumerate(rubric.items())}


def check_line(file: str, rubric: Rubric, warning: Warning) -> str:
    """One warning as `auditbook check` prints it: file, section › item, message and fix."""
    section = next(s for s in rubric.sections if s.id == warning.section_id)
    item = rubric.item(warning.item_id)
    where = f"{section.number}. " if section.number else ""
    return (
        f"{file}: {where}{short(section.title, 60)} › {short(item.label, 60)}: "
        f"{warning.message} Fix: {warning.fix}"
    )


# ----------------------------------------------------------------- wording helpers
