"""Checking a calibration exercise against the rubric it names: its sections, the items and
levels of its reference grades, that every criterion the trainee grades has one, and its facts.
Problems are reported as for rubrics (auditbook.rubrics.problems.Problem: file, line, key, hint).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import answers as A
from . import yamlsafe
from .exercise import Exercise
from .model import Grade, Rubric, YesNoPartial
from .paths import RUBRIC_SUFFIXES, rubrics_dir
from .problems import Problem, from_validation
from .validate import check_rubric_file


def check_exercise(
    path: str | Path, raw: dict, rubrics: dict[str, Rubric] | None = None
) -> tuple[Exercise | None, list[Problem]]:
    """Validate an exercise file's data against the model and against its rubric (looked up
    in `rubrics`, else beside the file and in the rubric folder)."""
    file = str(path)
    try:
        exercise = Exercise.model_validate(raw)
    except ValidationError as exc:
        found = from_validation(exc, file, raw, Exercise)
        return None, sorted(found, key=lambda p: p.line or 0)
    rubric = (rubrics or {}).get(exercise.rubric)
    known = set(rubrics or {})
    if rubric is None:
        rubric, seen = find_rubric(Path(path), exercise.rubric)
        known |= seen
    if rubric is None:
        close = difflib.get_close_matches(exercise.rubric, sorted(known), n=1)
        return None, [
            Problem(
                file,
                yamlsafe.line_of(raw, ("rubric",)),
                f"exercise '{exercise.id}'",
                "rubric",
                "names a rubric that is not among the rubric files",
                expected="the id of a rubric: " + (", ".join(sorted(known)) or "none found"),
                found=repr(exercise.rubric),
                hint=f"did you mean '{close[0]}'?"
                if close
                else "put the rubric in rubrics/ or check its id.",
            )
        ]
    problems = _ExerciseChecker(file, raw, exercise, rubric).run()
    return (None if problems else exercise), sorted(problems, key=lambda p: p.line or 0)


_ID_LINE = re.compile(r"^id:\s*[\"']?([A-Za-z0-9_-]+)", re.M)
_OTHER_KIND = re.compile(r"^kind:\s*[\"']?(exercise|guidance)", re.M)


def find_rubric(path: Path, rubric_id: str) -> tuple[Rubric | None, set[str]]:
    """The rubric with this id beside the exercise file, one folder up, or in the rubric
    folder (files directly in each, not below); when there is none, the ids of the rubrics
    there that load, to suggest one."""
    candidates: list[tuple[str, Path]] = []
    folders = dict.fromkeys(p.resolve() for p in (path.parent, path.parent.parent, rubrics_dir()))
    for folder in folders:
        if not folder.is_dir():
            continue
        for f in sorted(folder.iterdir()):
            if f.suffix not in RUBRIC_SUFFIXES or not f.is_file() or f.resolve() == path.resolve():
                continue
            try:
                text = f.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            match = _ID_LINE.search(text)
            if match and not _OTHER_KIND.search(text):
                candidates.append((match.group(1), f))
    for found_id, f in candidates:
        if found_id == rubric_id:
            doc, _ = check_rubric_file(f)
            if isinstance(doc, Rubric):
                return doc, set()
    loading = {i for i, f in candidates if isinstance(check_rubric_file(f)[0], Rubric)}
    return None, loading


class _ExerciseChecker:
    """Cross-references of an exercise with its rubric: sections, items, levels, facts."""

    def __init__(self, file: str, raw: Any, exercise: Exercise, rubric: Rubric):
        self.file, self.raw, self.ex, self.rubric = file, raw, exercise, rubric
        self.problems: list[Problem] = []

    def add(self, path: tuple, item: str | None, key: str, message: str, **kw) -> None:
        line = yamlsafe.line_of(self.raw, path)
        self.problems.append(Problem(self.file, line, item, key, message, **kw))

    def run(self) -> list[Problem]:
        self.sections()
        self.reference()
        self.complete()
        self.facts()
        return self.problems

    def sections(self) -> None:
        ids = [s.id for s in self.rubric.sections]
        seen: set[str] = set()
        for i, sid in enumerate(self.ex.sections):
            if sid not in ids:
                close = difflib.get_close_matches(sid, ids, n=1)
                self.add(
                    ("sections", i),
                    None,
                    "sections",
                    f"names a section rubric '{self.rubric.id}' does not have",
                    expected="one of " + ", ".join(ids),
                    found=repr(sid),
                    hint=f"did you mean '{close[0]}'?" if close else "use the section ids.",
                )
            elif sid in seen:
                self.add(
                    ("sections", i),
                    None,
                    "sections",
                    "names a section twice",
                    found=repr(sid),
                    hint="list each section once.",
                )
            seen.add(sid)
        for s in self.rubric.sections:
            graded = any(isinstance(it, Grade) and it.role == "auditor" for it in s.items)
            if graded and s.id not in self.ex.sections and not s.allow_not_applicable:
                self.add(
                    ("sections",),
                    f"section '{s.id}'",
                    "sections",
                    "has graded criteria and cannot be marked not applicable, but is not listed",
                    hint=f"add '{s.id}' to sections and give reference grades for its criteria.",
                )

    def _section_of(self, item_id: str):
        return next((s for s, it in self.rubric.items() if it.id == item_id), None)

    def reference(self) -> None:
        na = set(self.ex.not_applicable(self.rubric))
        gradeable = [
            it.id
            for _, it in self.rubric.items()
            if isinstance(it, (Grade, YesNoPartial)) and it.role == "auditor"
        ]
        for key, ref in self.ex.reference.items():
            path, name = ("reference", key), f"reference '{key}'"
            item = self.rubric.item(key)
            if item is None or key not in gradeable:
                close = difflib.get_close_matches(key, gradeable, n=1)
                what = "an item the rubric does not have" if item is None else "no graded item"
                self.add(
                    path,
                    name,
                    "reference",
                    f"names {what}",
                    expected="the id of a grade or yes_no_partial item the auditor answers",
                    found=repr(key) if item is None else f"{item.type} item '{key}'",
                    hint=f"did you mean '{close[0]}'?" if close else "check the item ids.",
                )
                continue
            section = self._section_of(key)
            if section.id in na:
                self.add(
                    path,
                    name,
                    "reference",
                    f"grades an item of section '{section.id}', which is marked not applicable",
                    hint=f"add '{section.id}' to sections, or remove this reference grade.",
                )
            scale = self.rubric.scale(item.scale)
            if ref.level not in scale.keys:
                close = difflib.get_close_matches(ref.level, list(scale.keys), n=1)
                self.add(
                    path + ("level",),
                    name,
                    "level",
                    f"is not a level of scale '{scale.id}'",
                    expected="one of " + ", ".join(scale.keys),
                    found=repr(ref.level),
                    hint=f"did you mean '{close[0]}'?"
                    if close
                    else "use the level keys of the scale, not labels.",
                )

    def complete(self) -> None:
        """Every required criterion the trainee grades has a reference grade."""
        rules = self.rubric.rules
        wanted = [
            it.id
            for s, it in self.rubric.items()
            if s.id in self.ex.sections
            and isinstance(it, Grade)
            and it.role == "auditor"
            and it.required
        ]
        na = set(self.ex.not_applicable(self.rubric))
        for key in [rules.overall_grade, *rules.safety]:
            section = self._section_of(key) if key else None
            if section is not None and section.id not in na and key not in wanted:
                wanted.append(key)
        for key in wanted:
            if key not in self.ex.reference:
                self.add(
                    ("reference",),
                    f"criterion '{key}'",
                    "reference",
                    "gives no reference grade for a criterion the trainee grades",
                    expected="a reference grade for every required criterion of the sections "
                    "listed, the overall grade and the safety judgement",
                    hint=f"add '{key}: {{level: ..., rationale: ...}}' under reference.",
                )

    def facts(self) -> None:
        na = set(self.ex.not_applicable(self.rubric))
        for key, value in self.ex.facts.items():
            path, name = ("facts", key), f"fact '{key}'"
            item = self.rubric.item(key)
            if item is None:
                ids = [it.id for _, it in self.rubric.items()]
                close = difflib.get_close_matches(key, ids, n=1)
                self.add(
                    path,
                    name,
                    "facts",
                    "names an item the rubric does not have",
                    found=repr(key),
                    hint=f"did you mean '{close[0]}'?" if close else "check the item ids.",
                )
                continue
            if key in self.ex.reference or item.role != "auditor":
                why = (
                    "is graded in the reference" if item.role == "auditor" else "is the moderator's"
                )
                self.add(
                    path,
                    name,
                    "facts",
                    f"answers an item that {why}",
                    hint="a fact fills in what the case gives, not what is judged.",
                )
                continue
            if self._section_of(key).id in na:
                self.add(
                    path,
                    name,
                    "facts",
                    "answers an item in a section marked not applicable",
                    hint="remove it, or add its section to sections.",
                )
            error = A.value_error(self.rubric, item, value)
            if error:
                hint = "give the answer as the audit file stores it (docs/audit-format.md)."
                if isinstance(value, bool):
                    hint = 'YAML reads unquoted yes/no as true/false; write "yes" in quotes.'
                self.add(
                    path,
                    name,
                    "facts",
                    f"is not an answer item '{key}' takes: {error}",
                    found=shorten(value),
                    hint=hint,
                )


def shorten(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"
