"""Calibration exercises: a rubric, a synthetic case vignette, and reference grades with the
rationale for each; trainees' grades set against the reference and against each other.

An exercise is data (`kind: exercise` under rubrics/exercises/, see docs/calibration.md),
validated once at load like a rubric. Trainees' answers are ordinary audit records kept in
a calibration folder of their own (`calibration_store`), never among real audits. The
figures are pure functions over a tidy frame (`submissions_frame`) that reuse
auditbook.analytics.summaries; auditbook.pages.calibration arranges them for the trainer.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..analytics import agreement as K
from ..analytics import summaries as S
from ..analytics.frames import merged_scale
from ..audits.store import AuditStore, check_id
from ..rubrics import answers as A
from ..rubrics.exercise import Exercise
from ..rubrics.model import Grade, Rubric
from ..rubrics.paths import project_dir

ENV_CALIBRATION = "AUDITBOOK_CALIBRATION"
TRAINEE_CODE = re.compile(r"[A-Z]{1,3}-\d{1,3}")
CODE_RULE = (
    "a trainee code such as T-01: one to three capital letters, a hyphen, one to three digits"
)


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


# ---------------------------------------------------------------------------- storage


def calibration_root(root: str | Path | None = None) -> Path:
    """Where trainees' answers are kept: `root`, else $AUDITBOOK_CALIBRATION (a relative
    folder is taken from the project folder), else exports/calibration/."""
    if root is None and os.environ.get(ENV_CALIBRATION):
        root = Path(os.environ[ENV_CALIBRATION]).expanduser()
    if root is None:
        return project_dir() / "exports" / "calibration"
    root = Path(root)
    return root if root.is_absolute() else project_dir() / root


def calibration_store(exercise_id: str, root: str | Path | None = None, audits=None):
    """The AuditStore of one exercise's answers: <root>/<exercise id>/. Refused when it would
    be the real audits folder (`audits`, default the app's) or inside it."""
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


def scale_keys(exercise: Exercise, rubric: Rubric, grades_only: bool = False) -> list[str]:
    """The level keys of the criteria's scales, best first: the grading scales first (merged,
    each scale's order kept), then those of yes/no criteria."""
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
    levels = scale_keys(exercise, rubric)
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
    return _on_scale(done[done["kind"] == "grade"], scale_keys(exercise, rubric, grades_only=True))


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
        if pd.isna(row["grade"]):
            return "not given"
        if row["grade"] == row["reference"]:
            return "same"
        if row["kind"] != "grade":
            return "different"
        return "one level apart" if abs(row["distance"]) == 1 else "further apart"

    frame["match"] = frame.apply(match, axis=1) if len(frame) else []
    frame["rationale"] = [exercise.reference[i].rationale for i in frame["item_id"]]
    return frame
