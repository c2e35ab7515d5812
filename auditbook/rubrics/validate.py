"""Loading rubric files and reporting every problem in a QA officer's terms.

Each problem names the file, the line, the item and the key, says what was expected and what
was found, and gives a hint. Structural problems come from the model; cross-references (a
condition naming a missing item, a grade naming a missing scale) are checked here.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from . import yamlsafe
from .rubric import (
    ITEM_TYPES,
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

RUBRIC_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    item: str | None
    key: str | None
    message: str
    expected: str | None = None
    found: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where + ":"]
        if self.item:
            parts.append(f"{self.item},")
        if self.key:
            parts.append(f"key '{self.key}':")
        text = " ".join(parts) + " " + self.message
        if self.expected:
            text += f". Expected {self.expected}"
        if self.found is not None:
            text += f"; found {self.found}"
        text += "."
        if self.hint:
            text += f" Hint: {self.hint}"
        return text


class RubricError(ValueError):
    """A rubric file that cannot be used; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# ----------------------------------------------------------------------------- helpers


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


_KINDS = {
    "sections": "section",
    "items": "item",
    "scales": "scale",
    "levels": "level",
    "options": "option",
    "evidence": "evidence",
    "documents": "document",
    "escalation": "escalation rule",
}


def _id_along(data: Any, path: tuple) -> str | None:
    """Names the innermost item (or section, scale …) along path: "item 'x'"."""
    found, node, parent_key = None, data, None
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(step, str):
            parent_key = step
        elif isinstance(node, dict):
            ident = node.get("id") or node.get("key")
            kind = _KINDS.get(parent_key, "entry")
            found = f"{kind} '{ident}'" if isinstance(ident, str) else f"{kind} {step + 1}"
    return found


def _model_at(root: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model class that the mapping at pydantic's error location is validated against."""
    model: type[BaseModel] | None = root
    for step in loc:
        if isinstance(step, int):
            continue
        if step in ITEM_TYPES and (model is None or step not in model.model_fields):
            model = ITEM_TYPES[step]
        elif model is not None and step in model.model_fields:
            model = _unwrap(model.model_fields[step].annotation)
        else:
            return None
    return model


def _unwrap(ann: Any) -> type[BaseModel] | None:
    """The single model inside list[...], X | None or Annotated[...]; None for a union of items."""
    while get_origin(ann) is Annotated:
        ann = get_args(ann)[0]
    if get_origin(ann) in (list, dict):
        return _unwrap(get_args(ann)[-1])
    if get_origin(ann) in (Union, UnionType):
        models = [a for a in get_args(ann) if isinstance(a, type) and issubclass(a, BaseModel)]
        return models[0] if len(models) == 1 else None
    return ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None


def _node_at(data: Any, path: tuple) -> Any:
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


# ----------------------------------------------------------------- structural problems


def _from_validation(err: ValidationError, file: str, raw: Any, root: type) -> list[Problem]:
    problems = []
    for e in err.errors(include_url=False):
        loc = tuple(e["loc"])
        # Drop the discriminator tag pydantic inserts ("grade" in sections.0.items.1.grade.x).
        path = tuple(
            s
            for i, s in enumerate(loc)
            if not (s in ITEM_TYPES and i and isinstance(loc[i - 1], int))
        )
        line = yamlsafe.line_of(raw, path)
        item = _id_along(raw, path)
        key = next((str(s) for s in reversed(path) if isinstance(s, str)), None)
        kind = e["type"]
        if kind == "extra_forbidden":
            parent = _model_at(root, loc[:-1])
            valid = sorted(parent.model_fields) if parent else []
            close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
            problems.append(
                Problem(
                    file,
                    line,
                    item,
                    key,
                    "unknown key",
                    expected="one of " + ", ".join(valid) if valid else None,
                    hint=f"did you mean '{close[0]}'?"
                    if close
                    else "remove it or check the spelling against docs/rubric-format.md.",
                )
            )
        elif kind == "missing":
            hint = f"add '{key}:' here; see docs/rubric-format.md."
            parent = _node_at(raw, path[:-1])
            if isinstance(parent, dict):
                close = difflib.get_close_matches(key, [str(k) for k in parent], n=1, cutoff=0.6)
                if close:
                    hint = f"is '{close[0]}' a misspelling of '{key}'?"
            problems.append(Problem(file, line, item, key, "required key is missing", hint=hint))
        elif kind == "union_tag_invalid":
            found = e["ctx"]["tag"]
            close = difflib.get_close_matches(str(found), list(ITEM_TYPES), n=1)
            problems.append(
                Problem(
                    file,
                    line,
                    item,
                    "type",
                    "unknown item type",
                    expected="one of " + ", ".join(ITEM_TYPES),
                    found=repr(found),
                    hint=f"did you mean '{close[0]}'?" if close else None,
                )
            )
        elif kind == "union_tag_not_found":
            problems.append(
                Problem(
                    file,
                    line,
                    item,
                    "type",
                    "the item has no type",
                    expected="one of " + ", ".join(ITEM_TYPES),
                    hint="add 'type:' to the item.",
                )
            )
        else:
            msg = e["msg"]
            if msg.startswith("Value error, "):
                msg = msg[len("Value error, ") :]
            value = e.get("input")
            hint = "see docs/rubric-format.md for this key."
            if isinstance(value, bool):
                hint = (
                    "YAML reads unquoted yes/no/on/off/true/false as true or false; "
                    'write the text in quotes, e.g. "yes".'
                )
            problems.append(
                Problem(
                    file,
                    line,
                    item,
                    key,
                    msg,
                    found=None if isinstance(value, (dict, list)) else _short(value),
                    hint=hint,
                )
            )
    return problems


# -------------------------------------------------------------- cross-reference problems


class _Checker:
    def __init__(self, file: str, raw: Any, doc: Rubric | Guidance):
        self.file, self.raw, self.doc = file, raw, doc
        self.problems: list[Problem] = []

    def add(self, path: tuple, item: str | None, key: str, message: str, **kw) -> None:
        line = yamlsafe.line_of(self.raw, path)
        item = _id_along(self.raw, path) or (f"'{item}'" if item else None)
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
        from .checks import config_problems  # the guidance checks' names and options

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


def _parse(path: Path) -> tuple[Any, list[Problem]]:
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
                found=_short(raw),
            )
        ]
    return raw, []


def _in_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: p.line or 0)


def check_file(
    path: str | Path, rubrics: dict[str, Rubric] | None = None
) -> tuple[Rubric | Guidance | None, list[Problem]]:
    """Load one rubric, guidance or exercise file and return it with every problem found;
    an exercise is checked against its rubric, from `rubrics` or found beside the file."""
    path = Path(path)
    raw, problems = _parse(path)
    if problems:
        return None, problems
    if raw.get("kind") == "exercise":
        from .exercise_check import check_exercise

        return check_exercise(path, raw, rubrics)
    root = Guidance if raw.get("kind") == "guidance" else Rubric
    try:
        doc = root.model_validate(raw)
    except ValidationError as exc:
        return None, _in_order(_from_validation(exc, str(path), raw, root))
    problems = _Checker(str(path), raw, doc).run()
    return (None if problems else doc), _in_order(problems)


def load_rubric(path: str | Path) -> Rubric | Guidance:
    """Load and validate one rubric (or guidance) file; raises RubricError on any problem."""
    doc, problems = check_file(path)
    if problems:
        raise RubricError(problems)
    return doc


def rubric_files(paths: list[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.suffix in RUBRIC_SUFFIXES and f.is_file())
        else:
            out.append(p)
    return out


def check_paths(
    paths: list[str | Path],
) -> tuple[list[tuple[Path, Rubric | Guidance]], list[Problem]]:
    """Check every rubric file under paths, and the guidance each rubric names."""
    loaded, problems = [], []
    rubrics: dict[str, Rubric] = {}
    # Exercises last: each is checked against the rubric it names, loaded by then.
    for f in sorted(rubric_files(paths), key=_is_exercise):
        if not f.exists():
            problems.append(Problem(str(f), None, None, None, "does not exist"))
            continue
        doc, found = check_file(f, rubrics)
        problems += found
        if doc is not None:
            loaded.append((f, doc))
            if isinstance(doc, Rubric):
                rubrics.setdefault(doc.id, doc)
    guidance_ids = {d.id for _, d in loaded if isinstance(d, Guidance)}
    known = guidance_ids | {d.id for d in load_dir_guidance(paths)}
    for f, doc in loaded:
        if isinstance(doc, Rubric):
            for k, gid in enumerate(doc.guidance):
                if gid not in known:
                    raw, _ = _parse(f)
                    problems.append(
                        Problem(
                            str(f),
                            yamlsafe.line_of(raw, ("guidance", k)),
                            None,
                            "guidance",
                            "names guidance that is not among the files checked",
                            expected="the id of a guidance file: "
                            + (", ".join(sorted(known)) or "none"),
                            found=repr(gid),
                        )
                    )
    dup = Counter(d.id for _, d in loaded)
    for f, doc in loaded:
        if dup[doc.id] > 1:
            problems.append(
                Problem(
                    str(f),
                    None,
                    f"'{doc.id}'",
                    "id",
                    "another file has the same id",
                    hint="each rubric and guidance file needs its own id.",
                )
            )
    return loaded, problems


def load_dir_guidance(paths: list[str | Path]) -> list[Guidance]:
    """Guidance files that sit beside the checked files (so one rubric checks alone)."""
    out = []
    folders = {Path(p) if Path(p).is_dir() else Path(p).parent for p in paths}
    for folder in folders:
        for f in rubric_files([folder]):
            raw, probs = _parse(f)
            if not probs and raw.get("kind") == "guidance":
                doc, _ = check_file(f)
                if doc is not None:
                    out.append(doc)
    return out


def _is_exercise(path: Path) -> bool:
    try:
        return bool(re.search(r"^kind:\s*[\"']?exercise\b", path.read_text("utf-8"), re.M))
    except (OSError, UnicodeDecodeError):
        return False


def summary(doc: Rubric | Guidance) -> str:
    """One line describing a loaded rubric, guidance or exercise file."""
    if getattr(doc, "kind", None) == "exercise":
        from .calibration import summary as exercise_summary

        return exercise_summary(doc)
    if isinstance(doc, Guidance):
        return (
            f"{doc.id} v{doc.version} (guidance): {len(doc.documents)} documents, "
            f"{len(doc.scales)} scales"
        )
    items = sum(len(s.items) for s in doc.sections)
    return (
        f"{doc.id} v{doc.version}: {len(doc.sections)} sections, {items} items, "
        f"{len(doc.graded)} graded criteria"
    )
