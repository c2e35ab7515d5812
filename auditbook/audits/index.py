"""The audit index: one SQLite database beside the audit files, so that lists, searches and
the analytics need not read every file again.

The JSON files stay the record. The index holds, per audit, what lists and filters need (a
row of the `audits` table), the facts and graded answers the analytics frames are built from,
and the actions (a row each in `actions`). The store updates it in the same save, under the
audit's lock; every read first compares each file's inode, size and modification time with
the row's and reads again any file changed behind the index's back (copied in, restored from
a backup, edited by hand), so the index is never trusted over a file, and deleting it loses
nothing: the next read builds it again.

SQLite, from Python's standard library: one file, no server, safe for many processes at once
(WAL mode lets readers carry on while one process writes), and a query language for lists.

The graded answers are kept per audit, as arrays in the order of the template's graded items
(in `facts`, with the audit's row of the analytics), not as one row per answer: the frames
are built from exactly these arrays, and reading a quarter of a million rows back out of
SQLite would cost more than reading the files.
"""

from __future__ import annotations

import contextlib
import gc
import json
import multiprocessing
import os
import re
import sqlite3
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from ..rubrics.library import Library
from .facts import AUDIT_FACTS, Plan, add_audit, plan, plan_key
from .index_db import INDEX_NAME, UPSERT_COLUMNS, IndexDatabase  # noqa: F401 (INDEX_NAME: the API)

LIST_COLUMNS = (
    "id", "rubric_id", "rubric_version", "status", "case_id", "auditor", "team", "audit_date",
    "month", "created_at", "created_by", "saved_at", "saved_by", "overall_grade", "escalated",
    "escalation_confirmed", "revision", "error",
)  # fmt: skip
SORTS = {
    "saved": "saved_at",
    "case": "case_id",
    "template": "rubric_id",
    "status": "status",
    "auditor": "auditor",
    "team": "team",
    "month": "audit_date",
}
_TEAM, _DAY_AT = AUDIT_FACTS.index("team"), AUDIT_FACTS.index("audit_date")
_DAY = re.compile(r"\d{4}-\d\d-\d\d")
Stat = tuple[int, int, int]  # inode, modification time in ns, size: a file as it was indexed
# Reads one audit file for the index: (record, its stat) or raises with the reason.
Reader = Callable[[Path], dict]


class IndexError_(Exception):
    """The index cannot be used (the caller falls back to reading the files)."""


def is_audit_file(name: str) -> bool:
    """Whether a file name in an audits folder is an audit's (not a backup, lock, save in
    progress or the index)."""
    return name.endswith(".json") and not name.startswith(".") and not name.endswith(".prev.json")


def file_stat(st: os.stat_result) -> Stat:
    return (st.st_ino, st.st_mtime_ns, st.st_size)


@dataclass
class Changes:
    """What a refresh found: audits read again, rows dropped, files that cannot be read."""

    read: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Finding:
    """One way the index and the folder disagree (what `auditbook index check` reports)."""

    audit_id: str
    problem: str


class AuditIndex(IndexDatabase):
    """The index of one audits folder (the database is `<folder>/.index.sqlite`)."""

    def __init__(self, root: Path, reader: Reader):
        """reader: reads and checks one audit file (the store's own reading), raising an
        exception whose str() says why a file cannot be read."""
        super().__init__(root)
        self._reader = reader

    # ------------------------------------------------------------------ connection

    # ------------------------------------------------------------------ rows

    def put(self, record: dict, stat: Stat, rubric=None) -> None:
        """The row of an audit just written (its file's stat `stat`); the facts too if the
        template it was read with is given."""
        row, actions = _row(record, stat, _plan_of(rubric) if rubric is not None else None)
        self._write([row], actions)

    def _on_disk(self) -> dict[str, Stat]:
        if not self.root.is_dir():
            return {}
        found = {}
        with os.scandir(self.root) as entries:
            for e in entries:
                if is_audit_file(e.name):
                    with contextlib.suppress(FileNotFoundError):  # removed as we looked
                        found[e.name[:-5]] = file_stat(e.stat(follow_symlinks=False))
        return found

    def _known(self, db: sqlite3.Connection) -> dict[str, tuple]:
        rows = db.execute("SELECT id, ino, mtime_ns, size, rubric_id, plan, error FROM audits")
        return {r[0]: r[1:] for r in rows}

    def stale(self, library: Library | None = None) -> list[str]:
        """The audits a refresh would read again."""
        return self._compare(library)[0]

    def _compare(self, library: Library | None) -> tuple[list[str], list[str]]:
        """(ids to read again, ids whose files are gone)."""
        on_disk = self._on_disk()
        with self._connect() as db:
            known = self._known(db)
        keys = {rid: plan_key(r) for rid, r in library.rubrics.items()} if library else {}
        again = []
        for audit_id, stat in on_disk.items():
            row = known.get(audit_id)
            if row is None or tuple(row[:3]) != stat:
                again.append(audit_id)
            elif library and row[5] is None and row[3] in keys and row[4] != keys[row[3]]:
                again.append(audit_id)
        return sorted(again), sorted(known.keys() - on_disk.keys())

    def refresh(
        self,
        library: Library | None = None,
        progress: Callable[[int], object] | None = None,
        counted: Callable[[int], object] | None = None,
    ) -> Changes:
        """Bring the index up to date with the folder: read again every file added, changed
        or replaced since it was indexed, drop the rows of files gone. With a library, also
        every audit whose facts were read with another version of its template (or none).
        progress: called with how many more files have been read, every so often; counted:
        called first with how many files are to be read."""
        again, gone = self._compare(library)
        if counted is not None:
            counted(len(again))
        changes = Changes(read=again, dropped=gone)
        if again or gone:
            collecting = gc.isenabled()
            gc.disable()  # millions of small objects and no cycles: see analytics.load_audits
            try:
                self._index_files(again, library, changes, progress)
            finally:
                if collecting:
                    gc.enable()
        return changes

    def rebuild(self, library: Library | None = None) -> Changes:
        """Build the index again from the files alone."""
        self.delete()
        return self.refresh(library)

    def _index_files(
        self, ids: list[str], library: Library | None, changes: Changes, progress=None
    ) -> None:
        parts = None
        if len(ids) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
            parts = self._read_parallel(ids, library, progress)
        if parts is None:
            parts = [self._read_some(ids, library, progress)]
        rows, actions = [], []
        for part_rows, part_actions, unreadable, dropped in parts:
            rows += part_rows
            actions += part_actions
            changes.unreadable += unreadable
            changes.dropped += dropped
        self._write(rows, actions, drop=changes.dropped)

    def _read_some(self, ids: list[str], library: Library | None, progress=None) -> tuple:
        """(index rows, action rows, unreadable ids, ids whose files are gone)."""
        plans: dict[str, Plan] = {}
        rows, actions, unreadable, dropped = [], [], [], []
        for n, audit_id in enumerate(ids, 1):
            if progress is not None and n % 100 == 0:
                progress(100)
            path = self.root / f"{audit_id}.json"
            stat = (0, 0, 0)
            try:
                stat = file_stat(os.stat(path, follow_symlinks=False))  # before reading
                record = self._reader(path)
            except FileNotFoundError:
                dropped.append(audit_id)
                continue
            except Exception as exc:  # noqa: BLE001 (the reader's reason, whatever it is)
                unreadable.append(audit_id)
                rows.append(_error_row(audit_id, stat, getattr(exc, "reason", None) or str(exc)))
                continue
            rubric_id = record["rubric"]["id"]
            rubric = library.rubrics.get(rubric_id) if library else None
            if rubric is not None and rubric_id not in plans:
                plans[rubric_id] = plan(rubric)
            row, acts = _row(record, stat, plans.get(rubric_id))
            rows.append(row)
            actions += acts
        if progress is not None:
            progress(len(ids) % 100)
        return rows, actions, unreadable, dropped

    def _read_parallel(self, ids: list[str], library, progress) -> list | None:
        """_read_some over the ids in forked processes, one per core (up to MAX_WORKERS), this
        one reading a share too; None where processes cannot be had."""
        global _JOB
        try:
            context = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this system
            return None
        workers = min(os.cpu_count() or 1, MAX_WORKERS)
        share = -(-len(ids) // workers)
        own, rest = ids[:share], ids[share:]
        chunks = [rest[i : i + share] for i in range(0, len(rest), share)]
        _JOB = (self, library)
        try:
            with ProcessPoolExecutor(len(chunks), mp_context=context) as pool:
                futures = [pool.submit(_read_chunk, chunk) for chunk in chunks]
                parts = [self._read_some(own, library, progress)]
                for future, chunk in zip(futures, chunks, strict=True):
                    parts.append(future.result())
                    if progress is not None:
                        progress(len(chunk))
        except (OSError, BrokenProcessPool):
            return None
        finally:
            _JOB = None
        return parts

    # ------------------------------------------------------------------ reading

    def check(self, library: Library | None = None) -> list[Finding]:
        """Every audit file whose row is missing or stale, and every row whose file is gone,
        without changing either. (Facts read with an older version of a template are not
        a disagreement: the analytics read those files again as they need them.)"""
        on_disk = self._on_disk()
        if not self.path.exists():
            return [Finding("", "there is no index yet: it is built on the next read")]
        with self._connect() as db:
            known = self._known(db)
        out = []
        for audit_id in sorted(on_disk.keys() | known.keys()):
            row, stat = known.get(audit_id), on_disk.get(audit_id)
            if row is None:
                out.append(Finding(audit_id, "its file is not in the index"))
            elif stat is None:
                out.append(Finding(audit_id, "the index lists it but its file is gone"))
            elif tuple(row[:3]) != stat:
                out.append(Finding(audit_id, "its file has changed since it was indexed"))
        return out

    def summaries(self) -> list[dict]:
        """Every audit as a list row, newest saved first (as AuditStore.list)."""
        with self._connect() as db:
            cursor = db.execute(
                f"SELECT {', '.join(LIST_COLUMNS)} FROM audits ORDER BY saved_at DESC, id"
            )
            return [dict(zip(LIST_COLUMNS, r, strict=True)) for r in cursor]

    def search(
        self,
        text: str = "",
        *,
        team: str | None = None,
        rubric: str | None = None,
        status: str | None = None,
        auditor: str | None = None,
        month: str | None = None,
        ids: Iterable[str] | None = None,
        sort: str = "saved",
        descending: bool = True,
        offset: int = 0,
        limit: int | None = 25,
    ) -> tuple[list[dict], int]:
        """The audits matching every filter given, a page of them and how many in all.

        text: part of the case id or the audit id (any case). Unreadable files match only
        an empty search with no filters, and always come last."""
        where, args = [], []
        if text.strip():
            like = (
                "%"
                + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%"
            )
            where.append("(case_id LIKE ? ESCAPE '\\' OR id LIKE ? ESCAPE '\\')")
            args += [like, like]
        for column, wanted in (
            ("team", team), ("rubric_id", rubric), ("status", status), ("auditor", auditor),
            ("month", month),
        ):  # fmt: skip
            if wanted:
                where.append(f"{column} = ?")
                args.append(wanted)
        if ids is not None:
            wanted_ids = list(ids)
            where.append(f"id IN ({', '.join('?' * len(wanted_ids))})" if wanted_ids else "0")
            args += wanted_ids
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        column = SORTS.get(sort, "saved_at")
        order = "DESC" if descending else "ASC"
        order_by = f"error IS NOT NULL, {column} IS NULL, {column} {order}, saved_at DESC, id"
        page = "" if limit is None else f"LIMIT {int(limit)} OFFSET {max(0, int(offset))}"
        with self._connect() as db:
            total = db.execute(f"SELECT count(*) FROM audits {clause}", args).fetchone()[0]
            cursor = db.execute(
                f"SELECT {', '.join(LIST_COLUMNS)} FROM audits {clause} ORDER BY {order_by} {page}",
                args,
            )
            rows = [dict(zip(LIST_COLUMNS, r, strict=True)) for r in cursor]
        return rows, total

    def choices(self) -> dict[str, list[str]]:
        """The values each filter can take, sorted: team, rubric_id, status, auditor, month."""
        out = {}
        with self._connect() as db:
            for column in ("team", "rubric_id", "status", "auditor", "month"):
                out[column] = [
                    r[0]
                    for r in db.execute(
                        f"SELECT DISTINCT {column} FROM audits WHERE {column} IS NOT NULL "
                        f"ORDER BY {column}"
                    )
                ]
        return out

    def facts(self, library: Library) -> tuple:
        """(plans, audit rows, action rows, problems), as the analytics read them from the
        files, in file-name order; the index must be refreshed with this library first."""
        plans: dict[str, Plan] = {}
        problems = []
        keys = {rid: plan_key(r) for rid, r in library.rubrics.items()}
        with self._connect() as db:
            rows = db.execute("SELECT id, rubric_id, plan, facts, error FROM audits").fetchall()
            found = db.execute("SELECT * FROM actions ORDER BY audit_id, seq").fetchall()
        rows.sort(key=lambda r: r[0] + ".json")  # as the files are listed
        kept = []
        for audit_id, rubric_id, key, facts, error in rows:
            if error is not None:
                problems.append((str(self.root / f"{audit_id}.json"), error))
            elif rubric_id not in keys:
                why = f"its template {rubric_id!r} is not in the library"
                problems.append((str(self.root / f"{audit_id}.json"), why))
            elif key != keys[rubric_id]:
                raise IndexError_(f"{audit_id} was indexed with another template")
            else:
                kept.append((rubric_id, facts))
        # one parse for them all: far faster than one json.loads per audit
        parsed = json.loads("[" + ",".join(facts for _, facts in kept) + "]")
        audits = []
        for (rubric_id, _), (row, levels, moderator_levels, not_applicable, chars) in zip(
            kept, parsed, strict=True
        ):
            p = plans.get(rubric_id)
            if p is None:
                p = plans[rubric_id] = plan(library.rubrics[rubric_id])
            p.audit_rows.append(len(audits))
            audits.append(tuple(row))
            p.levels += levels
            p.moderator_levels += moderator_levels
            p.not_applicable += not_applicable
            p.chars += chars
        by_audit: dict[str, list] = {}
        for a in found:
            by_audit.setdefault(a[0], []).append(a)
        actions = [
            (row[0], row[1], row[_TEAM], row[_DAY_AT], *a[2:])  # as facts.ACTION_FACTS
            for row in audits
            for a in by_audit.get(row[0], ())
        ]
        return plans, audits, actions, problems


PARALLEL_FROM = 2000  # files; below this, starting processes costs more than it saves
MAX_WORKERS = 4
_JOB: tuple | None = None  # (index, library), inherited by forked reader processes


_PLANS: dict[int, tuple] = {}


def _plan_of(rubric) -> Plan:
    """The plan of a template, worked out once per template object (a save's facts)."""
    known = _PLANS.get(id(rubric))
    if known is None or known[0] is not rubric:
        known = _PLANS[id(rubric)] = (rubric, plan(rubric))
    return known[1]


def _read_chunk(ids: list[str]) -> tuple:
    index, library = _JOB
    return index._read_some(ids, library)


def _error_row(audit_id: str, stat: Stat, reason: str) -> tuple:
    row = dict.fromkeys(UPSERT_COLUMNS)
    row.update(id=audit_id, ino=stat[0], mtime_ns=stat[1], size=stat[2], error=reason)
    return tuple(row.values())


def _row(record: dict, stat: Stat, plan_: Plan | None) -> tuple[tuple, list[tuple]]:
    """The index row of a record and its action rows (facts only with a plan)."""
    case = record["case"]
    row = dict.fromkeys(UPSERT_COLUMNS)
    row.update(
        id=record["id"],
        ino=stat[0],
        mtime_ns=stat[1],
        size=stat[2],
        rubric_id=record["rubric"]["id"],
        rubric_version=record["rubric"]["version"],
        status=record["status"],
        revision=record["revision"],
        case_id=case.get("case_id"),
        auditor=case.get("auditor"),
        team=case.get("team"),
        created_at=record["created"]["at"],
        created_by=record["created"]["by"],
        saved_at=record["saved"]["at"],
        saved_by=record["saved"]["by"],
        escalated=int(bool(record["escalation"])),
        escalation_confirmed=int(bool(record["escalation"])),
    )
    actions: list[tuple] = []
    if plan_ is not None:
        audits, acts = [], []
        add_audit(plan_, record, audits, acts)
        facts = dict(zip(AUDIT_FACTS, audits[0], strict=True))
        row.update(
            plan=plan_key(plan_.rubric),
            facts=json.dumps(
                [
                    audits[0],
                    plan_.levels,
                    plan_.moderator_levels,
                    plan_.not_applicable,
                    plan_.chars,
                ],
                ensure_ascii=False,
                separators=(",", ":"),
            ),
            # as the analytics have them: the answers' facts first, then the case's
            case_id=facts["case_id"],
            auditor=facts["auditor"],
            team=facts["team"],
            audit_date=facts["audit_date"],
            month=facts["audit_date"][:7] if _DAY.fullmatch(facts["audit_date"]) else None,
            overall_grade=facts["moderated_overall_grade"] or facts["overall_grade"],
            escalated=int(bool(facts["escalated"])),
        )
        plan_.audit_rows.clear()
        plan_.levels.clear()
        plan_.moderator_levels.clear()
        plan_.not_applicable.clear()
        plan_.chars.clear()
        actions = [(a[0], seq, a[4], a[5], *a[6:]) for seq, a in enumerate(acts)]
    return tuple(row.values()), actions


def command(index: AuditIndex, action: str, library: Library) -> tuple[int, list[tuple]]:
    """`auditbook index rebuild|check`: (exit code, lines to print as (text, to stderr))."""
    try:
        if action == "rebuild":
            changes = index.rebuild(library)
            out = [(f"{a}: cannot be read, listed as unreadable", True) for a in changes.unreadable]
            out.append(
                (
                    f"Indexed {len(changes.read)} audit file(s) in {index.root}; "
                    f"{len(changes.unreadable)} cannot be read.",
                    False,
                )
            )
            return (1 if changes.unreadable else 0), out
        findings = index.check(library)
    except (sqlite3.Error, OSError) as e:
        return 1, [(f"The audit index in {index.root} cannot be used: {e}", True)]
    out = [(f"{f.audit_id}: {f.problem}" if f.audit_id else f.problem, False) for f in findings]
    if findings:
        out.append(
            (f"{len(findings)} difference(s); `auditbook index rebuild` builds it again.", False)
        )
        return 1, out
    files = len(index._on_disk())
    return 0, [(f"The index agrees with the {files} audit file(s) in {index.root}.", False)]
