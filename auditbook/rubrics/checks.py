"""Guidance checks: the auditing guidance's "top tips" as rules over an audit's answers.

A check is a pure function `(rubric, answers, not_applicable, options, today) → [Warning]`,
registered by name in `checks` (the same call an extension would use) with a description and
its options' defaults. A rubric turns checks off or sets their options under `rules.checks`
(see docs/checks.md). Warnings never block saving or submitting: they say what to look at
again, name the item, and say how to fix it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from .rubric import Grade, Rubric, Section, ShortText, YesNoPartial


@dataclass(frozen=True)
class Warning:  # the word the issue and auditors use; it is never raised
    """One thing an auditor should look at again (it does not block saving or submitting)."""

    check: str
    item_id: str
    section_id: str
    message: str
    fix: str
    box: str | None = None  # the evidence box or "explanation" the warning is about


@dataclass(frozen=True)
class Option:
    """One option of a check: its name, default, kind and what it means."""

    name: str
    default: Any
    kind: str  # one of KINDS
    help: str

    def problem(self, value: Any, rubric: Rubric) -> tuple[str, str] | None:
        """(expected, hint) when value cannot be this option for this rubric, else None."""
        if self.kind == "fraction":
            ok = _is_number(value) and 0 < value <= 1
            return None if ok else ("a number above 0 and at most 1, e.g. 0.85", "")
        if self.kind == "count":
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
            return None if ok else ("a whole number, 0 or more", "")
        if self.kind == "flag":
            return None if isinstance(value, bool) else ("true or false", "")
        if self.kind == "boxes":
            known = sorted(
                {e.id for _, it in rubric.items() if isinstance(it, Grade) for e in it.evidence}
                | {"explanation"}
            )
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return ("a list of evidence box ids", "e.g. [impact]")
            bad = [v for v in value if v not in known]
            if bad:
                expected = "evidence box ids of this rubric: " + ", ".join(known)
                return (expected, f"no grade here has a box '{bad[0]}'")
            return None
        if self.kind == "item":
            if value is None:
                return None
            ids = [it.id for _, it in rubric.items() if isinstance(it, ShortText)]
            if value not in ids:
                return ("the id of a short_text item of this rubric (or null)", "")
            return None
        raise ValueError(f"unknown option kind {self.kind!r}")


KINDS = ("fraction", "count", "flag", "boxes", "item")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


CheckFunction = Callable[[Rubric, dict, frozenset, dict, date], list[Warning]]


@dataclass(frozen=True)
class Check:
    """A registered check: its name, what it looks for, its options and the function."""

    name: str
    description: str
    options: tuple[Option, ...]
    run: CheckFunction

    @property
    def defaults(self) -> dict[str, Any]:
        return {o.name: o.default for o in self.options}

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)


class UnknownCheck(KeyError):
    def __str__(self) -> str:
        return self.args[0]


class CheckRegistry:
    """Check name → Check; duplicate or unknown names are errors listing the valid ones."""

    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}

    def register(
        self,
        name: str,
        description: str | None = None,
        options: tuple[Option, ...] = (),
        replace: bool = False,
    ) -> Callable[[CheckFunction], CheckFunction]:
        """Register a check function under name (a decorator); description defaults to the
        first line of its docstring."""

        def add(fn: CheckFunction) -> CheckFunction:
            if name in self._checks and not replace:
                raise ValueError(
                    f"guidance check {name!r} is already registered "
                    f"(known: {', '.join(self._checks)}); pass replace=True"
                )
            text = description or " ".join((fn.__doc__ or "").strip().split("\n\n")[0].split())
            self._checks[name] = Check(name, text, tuple(options), fn)
            return fn

        return add

    def get(self, name: str) -> Check:
        if name not in self._checks:
            raise UnknownCheck(
                f"unknown guidance check {name!r}; known checks are: {', '.join(self._checks)}"
            )
        return self._checks[name]

    def __contains__(self, name: str) -> bool:
        return name in self._checks

    def __iter__(self) -> Iterator[str]:
        return iter(self._checks)

    def __len__(self) -> int:
        return len(self._checks)


checks = CheckRegistry()


# ----------------------------------------------------------------- configuration


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


def short(text: str, limit: int = 50) -> str:
    """Text cut at a word boundary to about `limit` characters, with an ellipsis."""
    text = " ".join(text.split()).rstrip(" .:")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:–- ") + "…"


def section_name(section: Section) -> str:
    """How a warning names a section: 'section 2 (Decision making is effective…)' or a title."""
    title = short(section.title)
    return f"section {section.number} ({title})" if section.number else f"'{title}'"


def item_name(rubric: Rubric, section: Section, item) -> str:
    """How a warning names an item: its label in quotes, or where it is when the label is
    shared (Swindon's twelve grades are all "Quality of child/young person's experience")."""
    label = short(item.label, 60)
    same = sum(1 for _, it in rubric.items() if short(it.label, 60) == label)
    if same == 1:
        return f"'{label}'"
    if section.number:
        return section_name(section)
    return f"'{label}' in {section_name(section)}"


def box_name(item, box: str) -> str:
    """'Evidence', or the box's own label where a grade has several (Swindon: 'Impact')."""
    if box == "explanation":
        return "The explanation"
    if len(item.evidence) == 1:
        return "The evidence"
    label = next((e.label for e in item.evidence if e.id == box), box)
    return f"The {short(label, 40)} box"


def level_label(rubric: Rubric, item, key: str | None) -> str:
    level = rubric.scale(item.scale).level(key or "")
    return level.label if level else str(key)


def day_text(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def answered(rubric: Rubric, answers: dict, na: frozenset, kinds=(Grade,)):
    """(section, item, value) for each answered item of these kinds outside N/A sections."""
    for section in rubric.sections:
        if section.id in na:
            continue
        for item in section.items:
            value = answers.get(item.id)
            if isinstance(item, kinds) and value is not None:
                yield section, item, value


def written(rubric: Rubric, answers: dict, na: frozenset):
    """(section, item, box id, text) for every written evidence box and explanation."""
    for section, item, value in answered(rubric, answers, na, (Grade, YesNoPartial)):
        if not isinstance(value, dict):
            continue
        if isinstance(item, Grade):
            for box in item.evidence:
                text = str((value.get("evidence") or {}).get(box.id) or "").strip()
                if text:
                    yield section, item, box.id, text
        elif item.explanation and str(value.get("explanation") or "").strip():
            yield section, item, "explanation", value["explanation"].strip()


# The built-in checks register themselves, through the same call an extension would use.
from . import builtin_checks as _builtin  # noqa: E402, F401
