"""The audit index's database: its tables, a connection each process keeps, and the one
way rows are written (in one transaction, moving the index's generation on).

See auditbook.audits.index for what the index is; this is only how it is stored.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from stat import S_ISLNK

INDEX_NAME = ".index.sqlite"
SCHEMA_VERSION = 3  # PRAGMA user_version; another version is dropped and built again

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audits (
    id TEXT PRIMARY KEY,
    ino INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
    error TEXT,
    rubric_id TEXT, rubric_version TEXT, status TEXT, revision INTEGER,
    case_id TEXT, auditor TEXT, team TEXT, audit_date TEXT, month TEXT,
    created_at TEXT, created_by TEXT, saved_at TEXT, saved_by TEXT,
    overall_grade TEXT, escalated INTEGER, escalation_confirmed INTEGER,
    plan TEXT, facts TEXT
);
CREATE INDEX IF NOT EXISTS audits_saved ON audits (saved_at DESC, id);
CREATE TABLE IF NOT EXISTS meta (generation INTEGER NOT NULL);
INSERT INTO meta SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM meta);
CREATE TABLE IF NOT EXISTS kept (name TEXT PRIMARY KEY, key TEXT, data BLOB);
CREATE TABLE IF NOT EXISTS actions (
    audit_id TEXT NOT NULL, seq INTEGER NOT NULL, item_id TEXT, row INTEGER,
    action TEXT, owner TEXT, due TEXT, due_text TEXT, completed TEXT,
    PRIMARY KEY (audit_id, seq)
);
"""
# What a list row holds (AuditStore.list's summary keys, and the rest of the list's columns).
UPSERT_COLUMNS = (
    "id", "ino", "mtime_ns", "size", "error", "rubric_id", "rubric_version", "status",
    "revision", "case_id", "auditor", "team", "audit_date", "month", "created_at", "created_by",
    "saved_at", "saved_by", "overall_grade", "escalated", "escalation_confirmed", "plan",
    "facts",
)  # fmt: skip
_UPSERT = (
    f"INSERT OR REPLACE INTO audits ({', '.join(UPSERT_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(UPSERT_COLUMNS))})"
)
_ACTION_INSERT = "INSERT INTO actions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"


class IndexDatabase:
    """The SQLite file of one audits folder's index (`<folder>/.index.sqlite`)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.path = self.root / INDEX_NAME

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection to the index, kept open for the next use by this process and thread:
        closing the last connection to a WAL database writes its log back and syncs it, which
        would cost every save a few milliseconds. It is opened again when the file is no
        longer the one it opened (deleted, rebuilt by another process), and dropped on error."""
        st = _lstat(self.path)
        if st is not None and S_ISLNK(st.st_mode):
            raise OSError(f"{self.path} is a link; the index is not followed out of its folder")
        key = (str(self.path), os.getpid(), threading.get_ident())
        cached = _CONNECTIONS.pop(key, None)
        if cached is not None and (st is None or cached[1] != st.st_ino):
            cached[0].close()
            cached = None
        db, ino = cached if cached is not None else self._open()
        try:
            yield db
        except sqlite3.DatabaseError:
            db.close()
            raise
        _CONNECTIONS[key] = (db, ino)
        while len(_CONNECTIONS) > MAX_CONNECTIONS:  # the least recently used goes
            _CONNECTIONS.pop(next(iter(_CONNECTIONS)))[0].close()

    def _open(self) -> tuple[sqlite3.Connection, int]:
        if not self.path.exists():
            # private from the start, as the audits it describes (WAL files follow its mode)
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600))
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError:  # not a database (damaged): only a copy, so start again
            db.close()
            self.delete()
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600))
            db = sqlite3.connect(
                self.path, timeout=60, isolation_level=None, check_same_thread=False
            )
            version = None
        db.execute("PRAGMA synchronous = NORMAL")  # WAL: safe, without a sync per commit
        if version != SCHEMA_VERSION:
            self._create(db)
        return db, os.stat(self.path).st_ino

    def _create(self, db: sqlite3.Connection) -> None:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("BEGIN IMMEDIATE")
        try:
            if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                for table in ("audits", "actions", "meta", "kept"):
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _write(self, rows: list[tuple], actions: list[tuple], drop: Iterable[str] = ()) -> None:
        """Replace the rows of these audits (and their actions), drop others, in one go."""
        drop = list(drop)
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                ids = [(row[0],) for row in rows] + [(audit_id,) for audit_id in drop]
                db.executemany("DELETE FROM actions WHERE audit_id = ?", ids)
                db.executemany("DELETE FROM audits WHERE id = ?", [(i,) for i in drop])
                db.executemany(_UPSERT, rows)
                db.executemany(_ACTION_INSERT, actions)
                db.execute("UPDATE meta SET generation = generation + 1")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def generation(self) -> int:
        """A number every change to the index's rows moves on."""
        with self._connect() as db:
            return db.execute("SELECT generation FROM meta").fetchone()[0]

    def kept(self, name: str, key: str) -> bytes | None:
        """What was kept under `name` with this key (see keep), or None."""
        with self._connect() as db:
            row = db.execute("SELECT key, data FROM kept WHERE name = ?", (name,)).fetchone()
        return row[1] if row is not None and row[0] == key else None

    def keep(self, name: str, key: str, data: bytes) -> None:
        """Keep something worked out from the index (the analytics frames), under a key that
        says which state of the index and which templates it was worked out from."""
        with self._connect() as db:
            db.execute("INSERT OR REPLACE INTO kept VALUES (?, ?, ?)", (name, key, data))

    def delete(self) -> None:
        """Remove the index (the next read builds it again from the files)."""
        for key in [k for k in _CONNECTIONS if k[0] == str(self.path)]:
            _CONNECTIONS.pop(key)[0].close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


MAX_CONNECTIONS = 8  # index connections a process keeps open (one per folder and thread)
_CONNECTIONS: dict[tuple, tuple[sqlite3.Connection, int]] = {}


def _forget_inherited() -> None:
    """In a forked child: the parent's connections are the parent's (SQLite must not use
    them across a fork); kept referenced, never closed here, so the parent's stay sound."""
    _INHERITED.extend(_CONNECTIONS.values())
    _CONNECTIONS.clear()


_INHERITED: list = []
os.register_at_fork(after_in_child=_forget_inherited)


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
