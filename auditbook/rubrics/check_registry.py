"""The guidance checks' registry and the words their warnings use: what a check is, its
options, and the `checks` registry that built-in checks and extensions register into."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from .model import Grade, Rubric, Section, ShortText, YesNoPartial


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
