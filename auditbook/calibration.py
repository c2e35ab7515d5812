"""Calibration exercises: a rubric, a synthetic case vignette, and reference grades with the
rationale for each; trainees' grades set against the reference and against each other.

An exercise is data (`kind: exercise` under rubrics/exercises/, see docs/calibration.md),
validated once at load like a rubric. Trainees' answers are ordinary audit records kept in
a calibration folder of their own (`calibration_store`), never among real audits. The
figures are pure functions over a tidy frame (`submissions_frame`) that reuse
auditbook.summaries; `trainer_page` arranges them for the trainer.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError

from . import agreement as K
from . import answers as A
from . import summaries as S
from . import yamlsafe
from .rubric import Grade, Id, Model, Rubric, Text, YesNoPartial
from .validate import Problem, _from_validation

ENV_CALIBRATION = "AUDITBOOK_CALIBRATION"
TRAINEE_CODE = re.compile(r"[A-Z]{1,3}-\d{1,3}")
CODE_RULE = (
    "a trainee code such as T-01: one to three capital letters, a hyphen, one to three digits"
)


# ------------------------------------------------------------------------------ the model


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


def vignette_html(text: str) -> str:
    """The vignette as HTML: blank lines part paragraphs, '# ' starts a heading, '- ' a list
    item. Everything escaped."""
    from html import escape

    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.strip().splitlines()
        if lines[0].startswith("# "):
            out.append(f"<h4>{escape(lines[0][2:].strip())}</h4>")
            lines = lines[1:]
        if lines and all(ln.lstrip().startswith("- ") for ln in lines):
            items = "".join(f"<li>{escape(ln.lstrip()[2:])}</li>" for ln in lines)
            out.append(f"<ul>{items}</ul>")
        elif lines:
            out.append(f"<p>{escape(' '.join(ln.strip() for ln in lines))}</p>")
    return "".join(out)


# --------------------------------------------------------------------------- checking


def check_exercise(
    path: str | Path, raw: dict, rubrics: dict[str, Rubric] | None = None
) -> tuple[Exercise | None, list[Problem]]:
    """Validate an exercise file's data against the model and against its rubric (looked up
    in `rubrics`, else beside the file and in the rubric folder)."""
    file = str(path)
    try:
        exercise = Exercise.model_validate(raw)
    except ValidationError as exc:
        found = _from_validation(exc, file, raw, Exercise)
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
    from .library import rubrics_dir
    from .validate import RUBRIC_SUFFIXES, check_file

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
            doc, _ = check_file(f)
            if isinstance(doc, Rubric):
                return doc, set()
    loading = {i for i, f in candidates if isinstance(check_file(f)[0], Rubric)}
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
                    found=_short(value),
                    hint=hint,
                )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def summary(exercise: Exercise) -> str:
    """One line describing a loaded exercise, for `auditbook validate`."""
    return (
        f"{exercise.id} v{exercise.version} (exercise on {exercise.rubric}): "
        f"{len(exercise.sections)} sections, {len(exercise.reference)} graded criteria with "
        "reference grades"
    )


# ---------------------------------------------------------------------------- storage


def calibration_root(root: str | Path | None = None) -> Path:
    """Where trainees' answers are kept: `root`, else $AUDITBOOK_CALIBRATION (a relative
    folder is taken from the project folder), else exports/calibration/."""
    from .library import project_dir

    if root is None and os.environ.get(ENV_CALIBRATION):
        root = Path(os.environ[ENV_CALIBRATION]).expanduser()
    if root is None:
        return project_dir() / "exports" / "calibration"
    root = Path(root)
    return root if root.is_absolute() else project_dir() / root


def calibration_store(exercise_id: str, root: str | Path | None = None, audits=None):
    """The AuditStore of one exercise's answers: <root>/<exercise id>/. Refused when it would
    be the real audits folder (`audits`, default the app's) or inside it."""
    from .store import AuditStore, check_id

    folder = (calibration_root(root) / check_id(exercise_id)).resolve()
    real = Path(audits if audits is not None else AuditStore().root).resolve()
    if folder == real or real in folder.parents:
        raise ValueError(
            f"Calibration answers would go into the audits folder {real}; set "
            f"{ENV_CALIBRATION} to a folder of their own."
        )
    return AuditStore(folder)


def check_code(code: object) -> str:
    """A trainee code, upper-cased, e.g. 't-01' -> 'T-01'; ValueError for anything else."""
    text = str(code or "").strip().upper()
    if not TRAINEE_CODE.fullmatch(text):
        raise ValueError(f"Use {CODE_RULE} — not a name.")
    return text


def load_submissions(store) -> list[dict]:
    """Every readable record of an exercise's folder (drafts too), by trainee code."""
    out = []
    for row in store.list():
        if not row.get("error"):
            out.append(store.load(row["id"]))
    return sorted(out, key=lambda r: r["id"])


# -------------------------------------------------------------------------- the frames

FRAME_COLUMNS = [
    "trainee",
    "status",
    "section",
    "item_id",
    "criterion",
    "kind",
    "scale",
    "grade",
    "reference",
    "distance",
]


def submissions_frame(exercise: Exercise, rubric: Rubric, records: list[dict]) -> pd.DataFrame:
    """One row per trainee × reference criterion: the trainee's level (missing when not given
    or the section was marked not applicable), the reference level, and `distance`, how many
    levels the trainee's grade lies below (+) or above (-) the reference (grades only)."""
    criteria = exercise.criteria(rubric)
    rows = []
    for record in sorted(records, key=lambda r: r["id"]):
        answers, na = record.get("answers", {}), set(record.get("not_applicable", []))
        for section, item in criteria:
            keys = rubric.scale(item.scale).keys
            level = None if section.id in na else A.level_of(answers.get(item.id))
            level = level if level in keys else None
            ref = exercise.reference[item.id].level
            graded = isinstance(item, Grade)
            distance = keys.index(level) - keys.index(ref) if level and graded else None
            rows.append(
                [
                    record["id"],
                    record["status"],
                    section.title,
                    item.id,
                    item.label,
                    item.type,
                    item.scale,
                    level,
                    ref,
                    distance,
                ]
            )
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    frame["distance"] = frame["distance"].astype("Int64")
    return frame


def _done(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["status"].isin(S.DONE)]


def _on_scale(frame: pd.DataFrame, keys) -> pd.DataFrame:
    """grade and reference as ordered categoricals on these level keys (for summaries)."""
    keys = list(keys)
    return frame.assign(
        grade=pd.Categorical(frame["grade"], categories=keys, ordered=True),
        reference=pd.Categorical(frame["reference"], categories=keys, ordered=True),
    )


def _levels(exercise: Exercise, rubric: Rubric, grades_only: bool = False) -> list[str]:
    """The level keys of the criteria's scales, best first: the grading scales first (merged,
    each scale's order kept), then those of yes/no criteria."""
    from .analytics import merged_scale

    criteria = exercise.criteria(rubric)
    keys: list[str] = []
    for kind in ("grade",) if grades_only else ("grade", "yes_no_partial"):
        ids = dict.fromkeys(it.scale for _, it in criteria if it.type == kind)
        for level in merged_scale([rubric.scale(i) for i in ids]):
            if level.key not in keys:
                keys.append(level.key)
    return keys


def calibration_table(exercise: Exercise, rubric: Rubric, submissions: pd.DataFrame):
    """Per criterion, over submitted answers: the reference level, how many trainees graded
    it, how many chose each level (one column per level key), and exact and within-one
    agreement with the reference (%; within one only for grades on an ordered scale)."""
    done = _done(submissions)
    levels = _levels(exercise, rubric)
    out = []
    for _, item in exercise.criteria(rubric):
        sub = done[done["item_id"] == item.id]
        keys = rubric.scale(item.scale).keys
        scaled = _on_scale(sub, keys)
        agree = S.moderation_agreement(scaled, auditor="reference", moderator="grade").iloc[0]
        counts = sub["grade"].value_counts()
        out.append(
            {
                "section": sub["section"].iloc[0] if len(sub) else None,
                "item_id": item.id,
                "criterion": item.label,
                "reference": exercise.reference[item.id].level,
                "n": int(agree["n"]),
                **{k: int(counts.get(k, 0)) for k in levels},
                "exact_pct": float(agree["exact_pct"]),
                "within_one_pct": float(agree["within_one_pct"])
                if isinstance(item, Grade)
                else np.nan,
            }
        )
    frame = pd.DataFrame(out)
    return frame.astype({"n": "int64", **dict.fromkeys(levels, "int64")})


def _graded(exercise: Exercise, rubric: Rubric, submissions: pd.DataFrame) -> pd.DataFrame:
    """Submitted answers to grade criteria, on the merged grading scale."""
    done = _done(submissions)
    return _on_scale(done[done["kind"] == "grade"], _levels(exercise, rubric, grades_only=True))


TRAINEE_COLUMNS = ["trainee", "n", "exact_pct", "within_one_pct", "higher", "lower", "kappa", "ac1"]
ALL_TRAINEES = "All trainees"


def trainee_table(exercise: Exercise, rubric: Rubric, submissions: pd.DataFrame) -> pd.DataFrame:
    """Per trainee who submitted, over the grade criteria: how many they graded, exact and
    within-one agreement with the reference (%), how many grades were higher (better) or
    lower than the reference, and quadratic-weighted kappa and Gwet's AC1 against it; then
    the same for all trainees together."""
    graded = _graded(exercise, rubric, submissions)
    kw = {"auditor": "reference", "moderator": "grade"}
    each = S.moderation_agreement(graded, by="trainee", **kw)
    moves = S.grade_changes(graded, by="trainee", **kw)
    both = S.moderation_agreement(graded, **kw).assign(trainee=ALL_TRAINEES)
    both_moves = S.grade_changes(graded, **kw).assign(trainee=ALL_TRAINEES)
    each = each.merge(moves.drop(columns="n"), on="trainee", how="left")
    both = both.merge(both_moves.drop(columns="n"), on="trainee", how="left")
    out = pd.concat([each, both], ignore_index=True)
    out = out.rename(columns={"raised": "higher", "lowered": "lower"})[TRAINEE_COLUMNS]
    if each.empty:  # nobody submitted: no "all trainees" row of nothing
        out = out.iloc[:0]
    return out.astype({"n": "int64", "higher": "int64", "lower": "int64"}).reset_index(drop=True)


def pairwise_table(exercise: Exercise, rubric: Rubric, submissions: pd.DataFrame) -> pd.DataFrame:
    """Trainee × trainee: % of the grade criteria both graded on which they chose the same
    level (the diagonal is left empty)."""
    graded = _graded(exercise, rubric, submissions)
    wide = graded.pivot(index="item_id", columns="trainee", values="grade")
    names = list(wide.columns)
    levels = list(graded["grade"].cat.categories)
    table = pd.DataFrame(np.nan, index=names, columns=names)
    for a in names:
        for b in names:
            if a != b:
                x, y = wide[a].astype(object).tolist(), wide[b].astype(object).tolist()
                share = K.exact_share(x, y, levels)
                table.loc[a, b] = np.nan if np.isnan(share) else float(np.round(100 * share, 1))
    table.index.name = table.columns.name = "trainee"
    return table


def trainee_result(exercise: Exercise, rubric: Rubric, record: dict) -> pd.DataFrame:
    """One trainee's answers beside the reference, criterion by criterion, with `match`:
    "same", "one level apart", "further apart", "different" (a yes/no answer) or "not given"."""
    frame = submissions_frame(exercise, rubric, [{**record, "status": "submitted"}])

    def match(row) -> str:
        if row["grade"] is None:
            return "not given"
        if row["grade"] == row["reference"]:
            return "same"
        if row["kind"] != "grade":
            return "different"
        return "one level apart" if abs(row["distance"]) == 1 else "further apart"

    frame["match"] = frame.apply(match, axis=1) if len(frame) else []
    frame["rationale"] = [exercise.reference[i].rationale for i in frame["item_id"]]
    return frame
