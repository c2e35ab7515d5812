"""A folder of audits as tidy pandas frames: audits, graded answers and actions.

Records in, frames out. Unreadable files are listed with the reason and never stop the load.
The columns are described in docs/analytics.md.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import multiprocessing
import os
import sqlite3
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ..audits.facts import Plan as _Plan
from ..audits.facts import add_audit as _add_audit
from ..audits.facts import (
    age_band,  # noqa: F401 (part of the analytics API)
    plan_key,
)
from ..audits.facts import plan as _plan
from ..audits.index import IndexError_
from ..audits.store import AuditStore, AuditStoreError
from ..rubrics.library import Library, load_library
from ..rubrics.model import Grade, Rubric, Scale
from . import snapshot

STATUSES = ("draft", "submitted", "moderated")
PROGRESS_FROM = 200  # files; a progress bar shows on folders larger than this

AUDIT_COLUMNS = [
    "audit_id", "rubric_id", "rubric_version", "team", "auditor", "worker", "case_id",
    "moderator", "age_band", "audit_date", "month", "created_at", "saved_at", "status",
    "overall_grade", "moderated_overall_grade", "child_safe", "escalated", "escalation_confirmed",
]  # fmt: skip
ANSWER_COLUMNS = [
    "audit_id", "rubric_id", "team", "month", "status", "section_id", "section", "item_id",
    "criterion", "kind", "grade", "moderator_grade", "answer", "not_applicable",
    "evidence_chars",
]  # fmt: skip
ACTION_COLUMNS = [
    "audit_id", "rubric_id", "team", "month", "item_id", "row", "action", "owner", "due",
    "due_text", "completed", "status", "overdue", "on_time",
]  # fmt: skip
GRADE_COLUMNS = {
    "audits": ("overall_grade", "moderated_overall_grade"),
    "answers": ("grade", "moderator_grade"),
}


@dataclass(frozen=True)
class Frames:
    """The tidy frames of a set of audits, and the grading scale they use."""

    audits: pd.DataFrame
    answers: pd.DataFrame
    actions: pd.DataFrame
    problems: pd.DataFrame
    scale: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    colours: dict[str, str] = field(default_factory=dict)
    good: frozenset[str] = frozenset()
    inadequate: frozenset[str] = frozenset()
    rubric_levels: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def filter(
        self,
        rubric: str | Iterable[str] | None = None,
        team: str | Iterable[str] | None = None,
        start: str | date | None = None,
        end: str | date | None = None,
        status: str | Iterable[str] | None = None,
        ids: Iterable[str] | None = None,
    ) -> Frames:
        """The frames cut to the audits that match every filter given (dates inclusive)."""
        a = self.audits
        keep = pd.Series(True, index=a.index)
        wanted_by = (("rubric_id", rubric), ("team", team), ("status", status), ("audit_id", ids))
        for column, wanted in wanted_by:
            if wanted is not None:
                values = [wanted] if isinstance(wanted, str) else list(wanted)
                keep &= a[column].isin(values)
        if start is not None:
            keep &= a["audit_date"] >= pd.Timestamp(start)
        if end is not None:
            keep &= a["audit_date"] <= pd.Timestamp(end)
        ids = a.loc[keep, "audit_id"]
        return dataclasses.replace(
            self,
            audits=a[keep].reset_index(drop=True),
            answers=_rows_of(self.answers, ids),
            actions=_rows_of(self.actions, ids),
        )


def _rows_of(frame: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    return frame[frame["audit_id"].isin(ids)].reset_index(drop=True)


# ------------------------------------------------------------------------------ scales


def merged_scale(scales: Iterable[Scale]) -> list:
    """Every level of the scales, best first: each scale's levels keep their order, and a
    level only some scales have goes after the level it follows in its own scale."""
    order: list = []
    for scale in sorted(scales, key=lambda s: -len(s.levels)):
        previous = None
        for level in scale.levels:
            if level.key not in [lv.key for lv in order]:
                at = 0 if previous is None else [lv.key for lv in order].index(previous) + 1
                order.insert(at, level)
            previous = level.key
    return order


def _grade_scales(rubric: Rubric) -> list[Scale]:
    ids = {it.scale for _, it in rubric.items() if isinstance(it, Grade)}
    return [s for s in rubric.scales if s.id in ids]


def on_shared_scale(frames: Frames) -> Frames:
    """Grades of audits from different templates on the levels their scales share: a level
    only some scales have counts as the nearest shared level above it in severity (so
    Inadequate Critical counts as Inadequate); at the top of a scale, the one below it."""
    used = set(frames.audits["rubric_id"])
    keys = [set(v) for rid, v in frames.rubric_levels.items() if rid in used]
    shared = [k for k in frames.scale if all(k in group for group in keys)]
    if not shared or len(shared) == len(frames.scale):
        return frames
    fold = {}
    for i, key in enumerate(frames.scale):
        if key in shared:
            fold[key] = key
            continue
        before = [k for k in frames.scale[:i] if k in shared]
        after = [k for k in frames.scale[i + 1 :] if k in shared]
        fold[key] = before[-1] if before else after[0]

    def recode(frame: pd.DataFrame, columns) -> pd.DataFrame:
        frame = frame.copy()
        for c in columns:
            frame[c] = pd.Categorical(
                frame[c].astype(object).map(fold), categories=shared, ordered=True
            )
        return frame

    return dataclasses.replace(
        frames,
        audits=recode(frames.audits, GRADE_COLUMNS["audits"]),
        answers=recode(frames.answers, GRADE_COLUMNS["answers"]),
        scale=tuple(shared),
        good=frozenset(k for k in frames.good if k in shared),
        inadequate=frozenset(k for k in frames.inadequate if k in shared)
        | frozenset(fold[k] for k in frames.inadequate),
    )


# ------------------------------------------------------------------------------ loading


def load_audits(
    source: str | Path | AuditStore,
    library: Library | None = None,
    as_of: str | date | None = None,
    progress: bool | None = None,
    workers: int | None = None,
    use_index: bool = True,
) -> Frames:
    """Every audit of a folder (or store) as tidy frames; see docs/analytics.md.

    From the folder's audit index (auditbook.audits.index), brought up to date with the
    files first, so only files new or changed since are read; from the files alone when the
    index cannot be used or `use_index` is False.

    workers: processes reading files at once when reading the files alone (default: one per
    core from PARALLEL_FROM files, else 1)."""
    store = source if isinstance(source, AuditStore) else AuditStore(source)
    library = library or load_library()
    today = pd.Timestamp(as_of or date.today()).normalize()
    # Reading makes millions of small objects and no cycles: the cycle collector would only
    # walk them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        frames = _from_index(store, library, progress, today) if use_index else None
        if frames is None:
            frames = _frames(*_from_files(store, library, progress, workers), today)
        return frames
    finally:
        if collecting:
            gc.enable()


def _from_index(store: AuditStore, library: Library, progress, today) -> Frames | None:
    """The frames from the index brought up to date (the snapshot of them kept in it when
    nothing has changed since it was taken), or None if the index cannot be used."""
    bars = []

    def counted(n: int) -> None:
        if progress or (progress is None and n > PROGRESS_FROM):
            from tqdm.auto import tqdm

            bars.append(tqdm(total=n, desc="Reading audits", unit="file", leave=False))

    try:
        store.index.refresh(library, lambda n: bars and bars[0].update(n), counted)
        plans = ",".join(f"{rid}={plan_key(r)}" for rid, r in sorted(library.rubrics.items()))
        key = f"{store.index.generation()} " + hashlib.sha256(plans.encode()).hexdigest()
        kept = store.index.kept(snapshot.NAME, key)
        if kept is not None:
            with contextlib.suppress(ValueError, KeyError, OSError):
                return Frames(**snapshot.load(kept, today))
        frames = _frames(*store.index.facts(library), today)
        store.index.keep(snapshot.NAME, key, snapshot.dump(frames))
        return frames
    except (sqlite3.Error, OSError, IndexError_):
        return None
    finally:
        for bar in bars:
            bar.close()


def _from_files(store: AuditStore, library: Library, progress, workers) -> tuple:
    files = store.files()
    if progress is None:
        progress = len(files) > PROGRESS_FROM
    if workers is None:
        workers = min(os.cpu_count() or 1, MAX_WORKERS) if len(files) >= PARALLEL_FROM else 1
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(files), desc="Reading audits", unit="file", leave=False)
    try:
        parts = _read_parallel(store, library, files, workers, bar) if workers > 1 else None
        if parts is None:
            parts = [_read_files(store, library, files, bar)]
        return _merge(parts)
    finally:
        if bar is not None:
            bar.close()


PARALLEL_FROM = 2000  # files; below this, starting processes costs more than it saves
MAX_WORKERS = 4
CHUNKS_PER_WORKER = 2
_JOB: tuple | None = None  # (store, library), inherited by forked reader processes


def _read_files(store: AuditStore, library: Library, files: list[Path], bar=None) -> tuple:
    """Read some files: (plans by rubric id, audit rows, action rows, problems)."""
    plans: dict[str, _Plan] = {}
    audits, actions, problems = [], [], []
    for n, path in enumerate(files, 1):
        if bar is not None and n % 100 == 0:
            bar.update(100)
        try:
            record = store.read(path)
        except (AuditStoreError, OSError) as exc:
            problems.append((str(path), getattr(exc, "reason", None) or str(exc)))
            continue
        rubric_id = record["rubric"]["id"]
        if rubric_id not in plans:
            rubric = library.rubrics.get(rubric_id)
            if rubric is None:
                problems.append((str(path), f"its template {rubric_id!r} is not in the library"))
                continue
            plans[rubric_id] = _plan(rubric)
        _add_audit(plans[rubric_id], record, audits, actions)
    if bar is not None:
        bar.update(len(files) % 100)
    return plans, audits, actions, problems


def _read_chunk(files: list[Path]) -> tuple:
    gc.disable()  # as in the parent: see load_audits
    store, library = _JOB
    plans, *rest = _read_files(store, library, files)
    # Send back the per-answer values, not the rubric: the parent has it already.
    return {rid: dataclasses.replace(p, rubric=None) for rid, p in plans.items()}, *rest


def _read_parallel(store, library, files: list[Path], workers: int, bar) -> list | None:
    """Read the files in workers - 1 forked processes and this one; None if processes cannot
    be had here."""
    global _JOB
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this system
        return None
    # This process reads the first share itself while the others read the rest.
    share = -(-len(files) // workers)
    own, rest = files[:share], files[share:]
    size = max(1, -(-len(rest) // ((workers - 1) * CHUNKS_PER_WORKER)))
    chunks = [rest[i : i + size] for i in range(0, len(rest), size)]
    _JOB = (store, library)
    try:
        with ProcessPoolExecutor(workers - 1, mp_context=context) as pool:
            futures = [pool.submit(_read_chunk, chunk) for chunk in chunks]
            parts = [_read_files(store, library, own, bar)]
            for future, chunk in zip(futures, chunks, strict=True):
                parts.append(future.result())
                if bar is not None:
                    bar.update(len(chunk))
    except (OSError, BrokenProcessPool):
        return None
    finally:
        _JOB = None
    for plans, *_ in parts[1:]:
        for rid, plan in plans.items():
            plans[rid] = dataclasses.replace(plan, rubric=library.rubrics[rid])
    return parts


def _merge(parts: list[tuple]) -> tuple:
    """One (plans, audits, actions, problems) from the parts, audits in file order."""
    if len(parts) == 1:
        return parts[0]
    plans: dict[str, _Plan] = {}
    audits, actions, problems = [], [], []
    for part_plans, part_audits, part_actions, part_problems in parts:
        offset = len(audits)
        audits += part_audits
        actions += part_actions
        problems += part_problems
        for rid, part in part_plans.items():
            plan = plans.setdefault(rid, _plan(part.rubric))
            plan.audit_rows += [offset + i for i in part.audit_rows]
            plan.levels += part.levels
            plan.moderator_levels += part.moderator_levels
            plan.not_applicable += part.not_applicable
            plan.chars += part.chars
    return plans, audits, actions, problems


ITEM_FACTS = ("section_id", "section", "item_id", "criterion", "kind")


def _answers_frame(plans: dict[str, _Plan], a: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per audit × graded item, in the order of the audits frame and then the form.

    Built from integer positions: which audit (a row of `a`) and which item (a row of the
    catalogue of every rubric's graded items) each answer is. Repeated text (team, section,
    criterion …) is categorical, so a large folder takes little memory."""
    plans_used = [p for p in plans.values() if p.rows and p.audit_rows]
    catalog = [
        (sid, title, it.id, it.label, it.type) for p in plans_used for sid, title, it, _ in p.rows
    ]  # noqa: E501
    at_parts, item_parts, offset = [], [], 0
    for p in plans_used:
        m = len(p.rows)
        at_parts.append(np.repeat(np.asarray(p.audit_rows, dtype="int64"), m))
        item_parts.append(np.tile(np.arange(offset, offset + m), len(p.audit_rows)))
        offset += m
    at = np.concatenate(at_parts) if at_parts else np.empty(0, dtype="int64")
    item = np.concatenate(item_parts) if item_parts else np.empty(0, dtype="int64")
    order = np.argsort(at, kind="stable")
    at, item = at[order], item[order]

    def per_answer(name: str, dtype) -> np.ndarray:
        values = [np.asarray(getattr(p, name), dtype=dtype) for p in plans_used]
        return np.concatenate(values)[order] if values else np.empty(0, dtype=dtype)

    g = {c: _categorical_take(a[c], at) for c in ("audit_id", "rubric_id", "team", "month")}
    g["status"] = pd.Categorical.from_codes(
        a["status"].cat.codes.to_numpy()[at], dtype=a["status"].dtype
    )
    for j, c in enumerate(ITEM_FACTS):
        g[c] = _categorical_take(pd.Series([row[j] for row in catalog], dtype=object), item)
    levels = per_answer("levels", object)
    kinds = np.asarray([row[4] for row in catalog], dtype=object)[item]
    g["grade"] = pd.Categorical(np.where(kinds == "grade", levels, None), keys, ordered=True)
    g["moderator_grade"] = pd.Categorical(per_answer("moderator_levels", object), keys, True)
    g["answer"] = pd.Categorical(levels)  # a handful of level keys, repeated
    g["not_applicable"] = per_answer("not_applicable", bool)
    g["evidence_chars"] = per_answer("chars", "int64")
    return pd.DataFrame(g, columns=ANSWER_COLUMNS)


def _categorical_take(column: pd.Series, at: np.ndarray) -> pd.Categorical:
    """column[at] as a categorical (categories in order of first appearance in `column`)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return pd.Categorical.from_codes(codes[at], categories=pd.Index(uniques, dtype=object))


def _frames(plans, audits, actions, problems, today) -> Frames:
    scales = {rid: _grade_scales(p.rubric) for rid, p in plans.items()}
    levels = merged_scale(s for group in scales.values() for s in group)
    keys = [lv.key for lv in levels]

    def grades(values) -> pd.Categorical:
        return pd.Categorical(values, categories=keys, ordered=True)

    a = pd.DataFrame(audits, columns=[c for c in AUDIT_COLUMNS if c != "month"])
    written = a["audit_date"]
    a["audit_date"] = pd.to_datetime(written, format="%Y-%m-%d", errors="coerce")
    month = written.str.slice(0, 7).where(a["audit_date"].notna())  # as strftime, far faster
    a.insert(AUDIT_COLUMNS.index("month"), "month", month)
    for c in ("created_at", "saved_at"):
        # The store has checked these are "YYYY-MM-DDThh:mm:ssZ": numpy reads them directly.
        stamps = np.array([t[:-1] for t in a[c]], dtype="datetime64[s]")
        a[c] = pd.DatetimeIndex(stamps).tz_localize("UTC")
    a["status"] = pd.Categorical(a["status"], categories=STATUSES, ordered=True)
    for c in GRADE_COLUMNS["audits"]:
        a[c] = grades(a[c])
    a["escalated"] = a["escalated"].astype(bool)
    a["escalation_confirmed"] = a["escalation_confirmed"].astype(bool)

    g = _answers_frame(plans, a, keys)

    t = pd.DataFrame(actions, columns=ACTION_COLUMNS[:11])
    t["month"] = t["audit_id"].map(dict(zip(a["audit_id"], a["month"], strict=True)))
    t["row"] = t["row"].astype("int64")
    t["due"] = pd.to_datetime(t["due"], format="%Y-%m-%d", errors="coerce")
    t["completed"] = pd.to_datetime(t["completed"], format="%Y-%m-%d", errors="coerce")
    done = t["completed"].notna()
    t["status"] = done.map({True: "completed", False: "open"}).astype(object)
    t["overdue"] = ~done & (t["due"] < today)
    judged = done & t["due"].notna()
    t["on_time"] = pd.array((t["completed"] <= t["due"]).to_numpy(), dtype="boolean")
    t.loc[~judged, "on_time"] = pd.NA

    p = pd.DataFrame(problems, columns=["path", "reason"])
    return Frames(
        audits=a,
        answers=g,
        actions=t,
        problems=p,
        scale=tuple(keys),
        labels={lv.key: lv.label for lv in levels},
        colours={lv.key: lv.colour for lv in levels if lv.colour},
        good=frozenset(lv.key for lv in levels if lv.good_or_better),
        inadequate=frozenset(lv.key for lv in levels if lv.escalates),
        rubric_levels={
            rid: tuple(lv.key for s in group for lv in s.levels) for rid, group in scales.items()
        },
    )
