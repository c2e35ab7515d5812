"""Checking one rubric or guidance file: parsed safely, validated against the model, and its
cross-references checked (a condition naming a missing item, a grade naming a missing scale,
a guidance check's options), every problem reported in a QA officer's terms (`problems`).
Exercises are checked in `exercise_check`; the folder is loaded by `library`.
"""

from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import yamlsafe
from .checks import config_problems  # the guidance checks' names and options
from .model import (
    Condition,
    DateItem,
    Grade,
    Guidance,
    MultipleChoice,
    NumberItem,
    Rubric,
    SingleChoice,
    YesNoPartial,
)
from .problems import Problem, from_validation, id_along, shorten


class _Checker:
    def __init__(self, file: str, raw: Any, doc: Rubric | Guidance):
        self.file, self.raw, self.doc = file, raw, doc
        self.problems: list[Problem] = []

    def add(self, path: tuple, item: str | None, key: str, message: str, **kw) -> None:
        line = yamlsafe.line_of(self.raw, path)
        item = id_along(self.raw, path) or (f"'{item}'" if item else None)
        self.problems.append(Problem(self.file, line, item, key, message, **kw))

    def run(self) -> list[Problem]:
        self.scales()
        self.documents()
        if isinstance(self.doc, Rubric):
            self.ids()
            self.items()
            self.rules()
        return self.problems

    def scales(self) -> None:
        self.duplicates(
            [(("scales", i, "id"), s.id) for i, s in enumerate(self.doc.scales)], "scale id"
        )
        for i, scale in enumerate(self.doc.scales):
            self.duplicates(
                [(("scales", i, "levels", j, "key"), lv.key) for j, lv in enumerate(scale.levels)],
                f"level key in scale '{scale.id}'",
            )

    def documents(self) -> None:
        for i, d in enumerate(self.doc.documents):
            if d.scale and not self.doc.scale(d.scale):
                self.missing_scale(("documents", i, "scale"), d.id, d.scale)

    def duplicates(self, entries: list[tuple[tuple, str]], what: str) -> None:
        counts = Counter(v for _, v in entries)
        seen: dict[str, tuple] = {}
        for path, value in entries:
            if counts[value] > 1 and value in seen:
                first = yamlsafe.line_of(self.raw, seen[value])
                self.add(
                    path,
                    value,
                    path[-1],
                    f"duplicate {what}",
                    expected="each id to be used once",
                    found=f"'{value}' again (first on line {first})",
                    hint="give one of them a different id.",
                )
            seen.setdefault(value, path)

    def ids(self) -> None:
        entries = [(("sections", i, "id"), s.id) for i, s in enumerate(self.doc.sections)]
        self.duplicates(entries, "section id")
        entries = [
            (("sections", i, "items", j, "id"), it.id)
            for i, s in enumerate(self.doc.sections)
            for j, it in enumerate(s.items)
        ]
        self.duplicates(entries, "item id")

    def missing_scale(self, path: tuple, item: str, name: str) -> None:
        ids = [s.id for s in self.doc.scales]
        close = difflib.get_close_matches(name, ids, n=1)
        self.add(
            path,
            item,
            "scale",
            "names a scale that does not exist",
            expected="one of " + (", ".join(ids) or "(no scales defined)"),
            found=repr(name),
            hint=f"did you mean '{close[0]}'?" if close else "add it under 'scales:'.",
        )

    def items(self) -> None:
        rubric: Rubric = self.doc
        for i, section in enumerate(rubric.sections):
            for j, item in enumerate(section.items):
                base = ("sections", i, "items", j)
                if isinstance(item, (Grade, YesNoPartial)):
                    scale = rubric.scale(item.scale)
                    if scale is None:
                        self.missing_scale(base + ("scale",), item.id, item.scale)
                    elif isinstance(item, Grade):
                        for level in item.descriptors or {}:
                            if not scale.level(level):
                                self.add(
                                    base + ("descriptors", level),
                                    item.id,
                                    "descriptors",
                                    f"a descriptor for a level scale '{scale.id}' lacks",
                                    expected="one of " + ", ".join(scale.keys),
                                    found=repr(level),
                                    hint="use the level keys of the scale, not labels.",
                                )
                    if isinstance(item, Grade) and item.moderates:
                        target = rubric.item(item.moderates)
                        if not isinstance(target, Grade):
                            self.add(
                                base + ("moderates",),
                                item.id,
                                "moderates",
                                "names no auditor grade item",
                                expected="the id of a grade item",
                                found=repr(item.moderates),
                            )
                    if isinstance(item, Grade):
                        self.duplicates(
                            [
                                (base + ("evidence", k, "id"), e.id)
                                for k, e in enumerate(item.evidence)
                            ],
                            "evidence id",
                        )
                if isinstance(item, (SingleChoice, MultipleChoice)):
                    self.duplicates(
                        [(base + ("options", k, "key"), o.key) for k, o in enumerate(item.options)],
                        "option key",
                    )
                for key in ("show_when", "required_when"):
                    cond = getattr(item, key)
                    if cond is not None:
                        self.condition(base + (key,), item.id, cond)
                        if cond.item == item.id:
                            self.add(
                                base + (key, "item"),
                                item.id,
                                key,
                                "a condition on the item itself",
                                hint="name the other question this one depends on.",
                            )
                if isinstance(item, NumberItem) and None not in (item.minimum, item.maximum):
                    if item.minimum > item.maximum:
                        self.add(
                            base + ("minimum",),
                            item.id,
                            "minimum",
                            "minimum is greater than maximum",
                        )

    def condition(self, path: tuple, owner: str, cond: Condition) -> None:
        rubric: Rubric = self.doc
        target = rubric.item(cond.item)
        if target is None:
            ids = [it.id for _, it in rubric.items()]
            close = difflib.get_close_matches(cond.item, ids, n=1)
            self.add(
                path + ("item",),
                owner,
                "item",
                "the condition names an item that does not exist",
                expected="the id of an item in this rubric",
                found=repr(cond.item),
                hint=f"did you mean '{close[0]}'?" if close else None,
            )
            return
        possible = possible_values(rubric, target)
        if cond.test == "escalates":
            if not isinstance(target, (Grade, YesNoPartial)):
                self.add(
                    path + ("escalates",),
                    owner,
                    "escalates",
                    f"item '{target.id}' is not graded on a scale",
                    expected="a grade or yes_no_partial item",
                )
            return
        if possible is None:
            if cond.values:
                self.add(
                    path + (cond.test,),
                    owner,
                    cond.test,
                    f"item '{target.id}' ({target.type}) can only be tested with 'answered'",
                    found=repr(cond.values[0]),
                    hint="use 'answered: true' or 'answered: false'.",
                )
            return
        for value in cond.values:
            if value not in possible:
                self.add(
                    path + (cond.test,),
                    owner,
                    cond.test,
                    f"compares with a value item '{target.id}' can never take",
                    expected="one of " + ", ".join(map(str, possible)),
                    found=repr(value),
                    hint="use the keys of its options or scale levels, not their labels.",
                )

    def rules(self) -> None:
        rubric: Rubric = self.doc
        rules = rubric.rules

        def need(key_path: tuple, item_id: str | None, kinds: tuple, what: str) -> None:
            if item_id is None:
                return
            item = rubric.item(item_id)
            if item is None or (kinds and not isinstance(item, kinds)):
                ids = [it.id for _, it in rubric.items() if not kinds or isinstance(it, kinds)]
                close = difflib.get_close_matches(item_id, ids, n=1)
                key = ".".join(str(k) for k in key_path)
                line = yamlsafe.line_of(self.raw, ("rules",) + key_path)
                self.problems.append(
                    Problem(
                        self.file,
                        line,
                        "rules",
                        key,
                        f"does not name {what} of this rubric",
                        expected=f"the id of {what}",
                        found=repr(item_id),
                        hint=f"did you mean '{close[0]}'?"
                        if close
                        else "check the item ids above.",
                    )
                )

        need(("overall_grade",), rules.overall_grade, (Grade,), "a grade item")
        need(("moderated_overall_grade",), rules.moderated_overall_grade, (Grade,), "a grade item")
        need(("moderation_agreement",), rules.moderation_agreement, (), "an item")
        for k, sid in enumerate(rules.safety):
            need(("safety", k), sid, (), "an item")
        typed = {"date_of_birth": ((DateItem,), "a date item"),
                 "age_band": ((SingleChoice,), "a single_choice item")}  # fmt: skip
        for name in type(rules.fields).model_fields:
            types, expected = typed.get(name, ((), "an item"))
            need(("fields", name), getattr(rules.fields, name), types, expected)
        for k, esc in enumerate(rules.escalation):
            self.condition(("rules", "escalation", k, "when"), None, esc.when)
        for p in config_problems(rubric):
            self.problems.append(
                Problem(
                    self.file,
                    yamlsafe.line_of(self.raw, ("rules", "checks", *p.path)),
                    "rules",
                    ".".join(("checks", *p.path)),
                    p.message,
                    expected=p.expected,
                    found=p.found,
                    hint=p.hint,
                )
            )


def possible_values(rubric: Rubric, item) -> list | None:
    """The values an item's answer can be compared with, or None for free answers."""
    if isinstance(item, (SingleChoice, MultipleChoice)):
        return [o.key for o in item.options]
    if isinstance(item, (Grade, YesNoPartial)):
        scale = rubric.scale(item.scale)
        return list(scale.keys) if scale else []
    return None


# ------------------------------------------------------------------------------- loading


def parse(path: Path) -> tuple[Any, list[Problem]]:
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [
            Problem(
                file,
                None,
                None,
                None,
                f"cannot be read: {exc}",
                hint="save the rubric as UTF-8 text.",
            )
        ]
    try:
        raw = yamlsafe.load(text)
    except yamlsafe.DuplicateKey as exc:
        return None, [
            Problem(
                file,
                exc.line,
                None,
                exc.key,
                "the same key is given twice",
                found=f"'{exc.key}' again (first on line {exc.first_line})",
                hint="a YAML mapping keeps only one value per key; remove one.",
            )
        ]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = getattr(exc, "problem", None) or str(exc)
        return None, [
            Problem(
                file,
                mark.line + 1 if mark else None,
                None,
                None,
                f"is not valid YAML: {detail}",
                hint="check indentation and quote text containing ': ' or '#'.",
            )
        ]
    if not isinstance(raw, dict):
        return None, [
            Problem(
                file,
                None,
                None,
                None,
                "is not a rubric",
                expected="a mapping with id, title, sections …",
                found=shorten(raw),
            )
        ]
    return raw, []


def in_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: p.line or 0)


def check_rubric_file(path: str | Path) -> tuple[Rubric | Guidance | None, list[Problem]]:
    """Load one rubric or guidance file and return it with every problem found."""
    path = Path(path)
    raw, problems = parse(path)
    if problems:
        return None, problems
    return check_document(path, raw)


def check_document(path: Path, raw: dict) -> tuple[Rubric | Guidance | None, list[Problem]]:
    """Check a parsed rubric or guidance file against the model and its cross-references."""
    root = Guidance if raw.get("kind") == "guidance" else Rubric
    try:
        doc = root.model_validate(raw)
    except ValidationError as exc:
        return None, in_order(from_validation(exc, str(path), raw, root))
    problems = _Checker(str(path), raw, doc).run()
    return (None if problems else doc), in_order(problems)
