"""Storage of audits as JSON files, one per audit: plain records in, JSON out.

The store knows nothing of widgets or forms. Answers are opaque JSON values; the store guards
the envelope (format, revision, who saved when, append-only history) and never loses a file:
every write is atomic, keeps the previous version in ``<id>.prev.json``, and is refused if
another session saved the audit since it was opened. The file format is described in
``docs/audit-format.md``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import os
import re
import secrets
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..rubrics.paths import project_dir
from ..web.dates import when
from .facts import rubric_hash
from .index import AuditIndex, file_stat, is_audit_file
from .private import private_dir

FORMAT = "auditbook-audit"
FORMAT_VERSION = 1
STATUSES = ("draft", "submitted", "moderated")
STATUS_WORDS = {"draft": "Draft", "submitted": "Submitted", "moderated": "Moderated"}
SUMMARY_KEYS = (
    "rubric_id", "rubric_version", "status", "case_id", "auditor", "saved_at", "saved_by", "error"
)  # fmt: skip
ID_RULE = "1 to 100 letters, digits, '-' or '_', starting with a letter or digit"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_HASH = re.compile(r"sha256:[0-9a-f]{64}")
_STAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_SURROGATE = re.compile("[\ud800-\udfff]")

# The final, committing rename. Tests replace it to simulate a crash just before it happens.
_replace = os.replace

Now = str | datetime | None  # a UTC time "2026-11-23T12:00:00Z", an aware datetime, or now


ENV_AUDITS = "AUDITBOOK_AUDITS"


class AuditStoreError(Exception):
    """A problem saving or loading an audit, said in plain words for an auditor."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []

    def __str__(self) -> str:  # KeyError would otherwise show the message in quotes
        return str(self.args[0]) if self.args else ""


class InvalidAuditId(AuditStoreError, ValueError):
    """The audit id could be unsafe as a file name."""


class AuditNotFound(AuditStoreError, KeyError):
    """No audit file with this id."""


class CorruptAuditFile(AuditStoreError):
    """An audit file that cannot be read as an audit; the file is left untouched."""

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = Path(path), reason
        super().__init__(
            f"The audit file {path} cannot be opened: {reason}. The file has been left as it "
            "is; ask your administrator to look at it (a previous version may be kept beside "
            "it as .prev.json)."
        )

    def __reduce__(self):  # so the error can cross a process boundary
        return type(self), (self.path, self.reason)


class StaleAuditError(AuditStoreError):
    """Someone else saved the audit since this copy was opened; nothing was written."""

    def __init__(self, saved_by: str, saved_at: str, status: str | None = None):
        self.saved_by, self.saved_at, self.status = saved_by, saved_at, status
        now = f" (it is now {STATUS_WORDS.get(status, status).lower()})" if status else ""
        super().__init__(
            f"This audit was saved by {saved_by} at {when(saved_at)} since you opened it{now}; "
            "your changes were not saved. Reopen it to see their version."
        )

    def __reduce__(self):
        return type(self), (self.saved_by, self.saved_at, self.status)


def check_id(audit_id: object) -> str:
    """Return the id if it is safe as a file name, else raise InvalidAuditId."""
    if not isinstance(audit_id, str) or not _ID.fullmatch(audit_id):
        raise InvalidAuditId(
            f"{audit_id!r} is not a valid audit id: use {ID_RULE} (no dots, spaces or slashes)."
        )
    return audit_id


def stamp(now: Now = None) -> str:
    """A UTC timestamp "YYYY-MM-DDThh:mm:ssZ": now, or the given one checked."""
    if now is None:
        now = datetime.now(timezone.utc)
    if isinstance(now, datetime):
        if now.tzinfo is None:
            raise ValueError("give a timezone-aware datetime, e.g. datetime.now(timezone.utc)")
        return now.astimezone(timezone.utc).strftime(_STAMP_FORMAT)
    if not _is_stamp(now):
        raise ValueError(f"expected a UTC time like 2026-11-23T12:00:00Z, found {now!r}")
    return now


def new_record(rubric, audit_id: str, user: str, now: Now = None) -> dict:
    """A new, empty draft audit of `rubric` (revision 1), not yet written anywhere."""
    check_id(audit_id)
    _check_user(user)
    at = stamp(now)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "id": audit_id,
        "rubric": {
            "id": rubric.id,
            "version": rubric.version,
            "hash": rubric_hash(rubric),
            "title": rubric.title,
        },
        "status": "draft",
        "revision": 1,
        "created": {"at": at, "by": user},
        "saved": {"at": at, "by": user},
        "answers": {},
        "not_applicable": [],
        "moderation": {},
        "escalation": None,
        "case": {"case_id": None, "team": None, "auditor": None},
        "history": [{"at": at, "by": user, "event": "created", "changes": []}],
    }


def validate_record(record: dict, parsed: bool = False) -> list[str]:
    """Problems with the record's envelope (the same checks on save and on load); [] if ok.

    parsed: the record was just read by _loads, so its answers are plain JSON already and
    need not be walked again (the parse itself refuses NaN and Infinity)."""
    out = [] if _fits(record, _SPEC) else _check("", record, _SPEC)
    for key in () if parsed else ("answers", "moderation", "unaccepted"):
        if isinstance(record, dict) and isinstance(record.get(key), dict):
            out += _json_problems(key, record[key])
    return out


class AuditStore:
    """A folder of audit files, `<id>.json`, with their `.prev.json` backups and `.lock` files."""

    def __init__(self, root: str | Path | None = None):
        """root: the audits folder; default $AUDITBOOK_AUDITS, else exports/audits/.

        A relative $AUDITBOOK_AUDITS is taken from the project folder (the one holding
        rubrics/), so the app's kernels, which run in notebooks/, find the same folder as a
        command typed at the project's top."""
        if root is None and os.environ.get(ENV_AUDITS):
            root = Path(os.environ[ENV_AUDITS]).expanduser()
            if not root.is_absolute():
                root = project_dir() / root
        self.root = Path(root) if root is not None else project_dir() / "exports" / "audits"
        self.index = AuditIndex(self.root, self.read)
        self._rubrics: dict[str, Any] = {}  # by id: the templates audits were saved with here

    def path(self, audit_id: str) -> Path:
        """The file of this audit (whether or not it exists); raises InvalidAuditId."""
        return self.root / f"{check_id(audit_id)}.json"

    def new_id(self, prefix: str = "audit") -> str:
        """A fresh id such as "audit-20261123-1a2b3c" that no file in the folder uses yet."""
        while True:
            audit_id = f"{prefix}-{stamp()[:10].replace('-', '')}-{secrets.token_hex(3)}"
            if not self.path(audit_id).exists():
                return audit_id

    def create(self, rubric, user: str, audit_id: str | None = None, now: Now = None) -> dict:
        """Write a new draft audit of `rubric` and return it; refuses an id already used."""
        record = new_record(rubric, self.new_id() if audit_id is None else audit_id, user, now)
        self._rubrics[rubric.id] = rubric
        path = self.path(record["id"])
        with self._locked(record["id"]):
            if path.exists():
                raise AuditStoreError(
                    f"An audit called {record['id']} already exists in {self.root}; "
                    "choose another id or open that audit."
                )
            return self._write(record, previous=None)

    def load(self, audit_id: str) -> dict:
        """The saved audit; raises AuditNotFound or CorruptAuditFile."""
        return self._read(audit_id)[0]

    def save(
        self,
        record: dict,
        user: str,
        event: str = "saved",
        changes: list[str] | None = None,
        now: Now = None,
        reason: str | None = None,
        rubric=None,
    ) -> dict:
        """Write the record as the next revision and return the saved copy (a new dict).

        reason: why, recorded with the history entry (a reopened audit's reason).
        rubric: the template the record was filled in with, for the facts the audit index
        keeps (without it, they are read on the next look at the folder).

        Refused, with nothing written, if the record is invalid, if the audit was saved by
        someone else since `record` was loaded (StaleAuditError), if the file on disk is
        corrupt, or if the history was changed rather than appended to.
        """
        try:
            problems = validate_record(record)
        except RecursionError:  # answers nested hundreds deep, e.g. read from a crafted file
            problems = ["answers: lists or objects are nested too deeply"]
        if problems:
            raise AuditStoreError(
                "This audit was not saved because the record has problems: " + "; ".join(problems),
                problems=problems,
            )
        _check_user(user)
        changes = list(changes or [])
        if not _TEXT(event) or not all(map(_TEXT, changes)):
            raise ValueError("event must be non-empty text and changes a list of text")
        if reason is not None and not _TEXT(reason):
            raise ValueError("a reason must be non-empty text")
        record = json.loads(_dumps(record))  # a copy, normalised to plain JSON (tuples → lists)
        if rubric is not None:
            self._rubrics[rubric.id] = rubric
        audit_id, at = record["id"], stamp(now)
        if not self.path(audit_id).exists():
            raise self._not_found(audit_id)
        with self._locked(audit_id):
            disk, disk_bytes = self._read(audit_id)
            if record["revision"] != disk["revision"]:
                raise StaleAuditError(disk["saved"]["by"], disk["saved"]["at"], disk["status"])
            old = disk["history"]
            if record["history"][: len(old)] != old or record["created"] != disk["created"]:
                raise AuditStoreError(
                    "This audit was not saved: its history may only be appended to, and "
                    "who created it and when may not change."
                )
            record["revision"] = disk["revision"] + 1
            record["saved"] = {"at": at, "by": user}
            entry = {"at": at, "by": user, "event": event, "changes": changes}
            if reason is not None:
                entry["reason"] = reason.strip()
            record["history"].append(entry)
            return self._write(record, previous=disk_bytes)

    def files(self) -> list[Path]:
        """The audit files of the folder (not backups, locks or saves in progress), by name."""
        if not self.root.is_dir():
            return []
        with os.scandir(self.root) as entries:  # scandir: a large folder lists fast
            names = sorted(e.name for e in entries if is_audit_file(e.name))
        return [self.root / name for name in names]

    def read(self, path: str | Path) -> dict:
        """The audit in one of the folder's files; raises CorruptAuditFile or AuditNotFound
        (InvalidAuditId if the file name cannot be an audit id)."""
        path = Path(path)
        audit_id = check_id(path.stem)
        return self._read(audit_id, path if path.parent == self.root else None)[0]

    def list(self) -> list[dict]:
        """One summary per audit file, newest saved first; unreadable files come last with
        `error` saying why (the listing itself never fails on a bad file). From the audit
        index, brought up to date first; from the files themselves if it cannot be used."""
        try:
            self.index.refresh()
            keys = ("id", *SUMMARY_KEYS)
            rows = [{k: row[k] for k in keys} for row in self.index.summaries()]
        except (sqlite3.Error, OSError):
            return self.list_files()
        rows.sort(key=lambda row: row["error"] is not None)  # stable: newest first, bad last
        return rows

    def list_files(self) -> list[dict]:
        """store.list() read from every file, without the index."""
        rows = []
        for path in self.files():
            row = {"id": path.stem, **dict.fromkeys(SUMMARY_KEYS)}
            try:
                rec = self._read(path.stem)[0]
            except CorruptAuditFile as e:
                row["error"] = e.reason
            except (AuditStoreError, OSError) as e:
                row["error"] = str(e)
            else:
                row.update(
                    rubric_id=rec["rubric"]["id"],
                    rubric_version=rec["rubric"]["version"],
                    status=rec["status"],
                    case_id=rec["case"]["case_id"],
                    auditor=rec["case"]["auditor"],
                    saved_at=rec["saved"]["at"],
                    saved_by=rec["saved"]["by"],
                )
            rows.append(row)
        rows.sort(key=lambda row: row["id"])
        rows.sort(key=lambda row: row["saved_at"] or "", reverse=True)
        return rows

    # ---------------------------------------------------------------------- internals

    def _not_found(self, audit_id: str) -> AuditNotFound:
        return AuditNotFound(
            f"There is no saved audit called {audit_id} in {self.root}; it may have been "
            "moved or deleted."
        )

    def _read(self, audit_id: str, path: Path | None = None) -> tuple[dict, bytes]:
        """The record and its bytes; `path`, when given, is this audit's file, already known
        to be in the folder (from files()), so it need not be built again."""
        path = self.path(audit_id) if path is None else path
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise self._not_found(audit_id) from None
        try:
            record = _loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise CorruptAuditFile(path, "it is not UTF-8 text") from None
        except ValueError as e:
            raise CorruptAuditFile(path, f"it is not valid JSON ({e})") from None
        except RecursionError:  # json recurses once per level: "[[[[…" thousands deep
            raise CorruptAuditFile(path, "it nests lists or objects too deeply") from None
        if not isinstance(record, dict):
            what = "a list" if isinstance(record, list) else "a single value"
            raise CorruptAuditFile(path, f"it holds {what}, not an audit record")
        if record.get("format") != FORMAT:
            raise CorruptAuditFile(path, f"it is not an auditbook audit (format is not {FORMAT})")
        version = record.get("format_version")
        if type(version) is int and version > FORMAT_VERSION:
            raise CorruptAuditFile(
                path,
                f"it was written by a newer auditbook (format version {version}; this one "
                f"reads up to {FORMAT_VERSION}); update auditbook to open it",
            )
        problems = validate_record(record, parsed=True)
        if problems:
            raise CorruptAuditFile(path, "; ".join(problems))
        if record["id"] != audit_id:
            raise CorruptAuditFile(
                path, f"the file name says {audit_id} but it holds {record['id']}"
            )
        return record, raw

    @contextlib.contextmanager
    def _locked(self, audit_id: str) -> Iterator[None]:
        # One writer per audit across processes, so two cannot both pass the revision check.
        private_dir(self.root)  # private, with any parents it makes: children's data
        fd = os.open(self.root / f"{check_id(audit_id)}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _write(self, record: dict, previous: bytes | None) -> dict:
        """Write atomically; keep `previous` (the bytes just checked) as .prev.json first, so
        whenever <id>.json is revision n+1, .prev.json is revision n."""
        text = _dumps(record)
        target = self.path(record["id"])
        temps: list[str] = []
        try:
            new = self._temp(record["id"], text.encode("utf-8"), temps)
            if previous is not None:
                prev = self._temp(record["id"], previous, temps)
                os.replace(prev, target.with_suffix(".prev.json"))
            _replace(new, target)
            temps.clear()
            _fsync_dir(self.root)
        finally:
            for name in temps:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(name)
        saved = json.loads(text)
        self._index(saved, target)
        return saved

    def _index(self, record: dict, target: Path) -> None:
        """The audit's row in the index, as part of its save. The file is the record: if the
        index cannot be written now, the save stands and the next read of the folder finds
        the file newer than its row and reads it again."""
        rubric = self._rubrics.get(record["rubric"]["id"])
        try:
            self.index.put(record, file_stat(os.stat(target)), rubric)
        except (sqlite3.Error, OSError):
            pass

    def _temp(self, audit_id: str, data: bytes, temps: list[str]) -> str:
        fd, name = tempfile.mkstemp(dir=self.root, prefix=f".{audit_id}.", suffix=".tmp")
        temps.append(name)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        return name


# ---------------------------------------------------------------------------- helpers


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 overflows to infinity without passing parse_constant
        raise ValueError(f"{text[:20]} is not a number JSON allows")
    return value


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


def _loads(text: str):
    """json.loads that refuses NaN and Infinity, which Python's parser otherwise accepts."""
    return _DECODER.decode(text)


def _dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n"


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _is_stamp(value: object) -> bool:
    # The pattern fixes the form; fromisoformat (fast, unlike strptime) checks it is a real time.
    if not isinstance(value, str) or not _STAMP.fullmatch(value):
        return False
    try:
        return bool(datetime.fromisoformat(value[:-1]))
    except ValueError:
        return False


def _is(expected: str, test: Callable[[Any], bool]) -> Callable[[Any], bool]:
    test.expected = expected  # said in the problem when the test fails
    return test


_TEXT = _is("non-empty text", lambda v: isinstance(v, str) and bool(v.strip()))
_TEXTS = _is(
    "a list of non-empty text",
    # map() over C functions: history entries list every item changed, so this runs a lot.
    lambda v: isinstance(v, list) and set(map(type, v)) <= {str} and all(map(str.strip, v)),
)
_STAMP_OK = _is("a UTC time like 2026-11-23T12:00:00Z", _is_stamp)
_AT_BY = {"at": _STAMP_OK, "by": _TEXT}


class _Maybe:
    """A key an object may leave out (added after format version 1 was first written, so
    older files, which lack it, still load unchanged)."""

    def __init__(self, spec: Any):
        self.spec = spec


# The envelope: a dict is an object with exactly these keys (a _Maybe key may be left out),
# [spec] a non-empty list, (None, spec) null or spec, and a function a test on the value.
_SPEC = {
    "format": _is(repr(FORMAT), lambda v: v == FORMAT),
    "format_version": _is(str(FORMAT_VERSION), lambda v: type(v) is int and v == FORMAT_VERSION),
    "id": _is(ID_RULE, lambda v: isinstance(v, str) and bool(_ID.fullmatch(v))),
    "rubric": {
        "id": _TEXT,
        "version": _TEXT,
        "title": _TEXT,
        "hash": _is("'sha256:' and 64 hex digits", lambda v: bool(_HASH.fullmatch(str(v)))),
    },
    "status": _is("one of " + ", ".join(STATUSES), lambda v: v in STATUSES),
    "revision": _is("a whole number from 1 up", lambda v: type(v) is int and v >= 1),
    "created": _AT_BY,
    "saved": _AT_BY,
    "answers": _is("an object of item id to answer", lambda v: isinstance(v, dict)),
    "moderation": _is("an object of item id to answer", lambda v: isinstance(v, dict)),
    "not_applicable": _is("a list of section ids", lambda v: v == [] or _TEXTS(v)),
    "escalation": (None, {"reasons": _TEXTS, "confirmed_at": _STAMP_OK, "confirmed_by": _TEXT}),
    "case": dict.fromkeys(
        ("case_id", "team", "auditor"),
        _is("text or null", lambda v: v is None or isinstance(v, str)),
    ),
    # Answers the form could not accept (a month typed as "Nov 2026"), kept as typed so that
    # nothing the auditor wrote is lost; they count as not answered until corrected.
    "unaccepted": _Maybe(_is("an object of item id to answer", lambda v: isinstance(v, dict))),
    "history": [
        {
            "at": _STAMP_OK,
            "by": _TEXT,
            "event": _TEXT,
            "changes": _TEXTS,
            "reason": _Maybe(_TEXT),  # why an audit was reopened, as its reopener gave it
        }
    ],
}


def _check_user(user: object) -> None:
    if not _TEXT(user):
        raise ValueError(f"the user saving an audit must be named, found {user!r}")


def _fits(value: object, spec: Any) -> bool:
    """Whether _check would find no problem, without building its messages (the fast path
    taken for every audit read; _check runs only to say what is wrong). Plain loops and
    leaf tests called in place: this runs some forty times per audit read."""
    if isinstance(spec, dict):
        if not isinstance(value, dict) or not value.keys() <= spec.keys():
            return False
        for key, sub in spec.items():
            if isinstance(sub, _Maybe):
                if key not in value:
                    continue
                sub = sub.spec
            elif key not in value:
                return False
            if callable(sub):
                if not sub(value[key]):
                    return False
            elif not _fits(value[key], sub):
                return False
        return True
    if isinstance(spec, list):
        if not isinstance(value, list) or not value:
            return False
        sub = spec[0]
        for v in value:
            if not (sub(v) if callable(sub) else _fits(v, sub)):
                return False
        return True
    if isinstance(spec, tuple):
        return value is None or _fits(value, spec[1])
    return spec(value)


def _check(where: str, value: object, spec: Any) -> list[str]:
    """Problems with `value` against a part of _SPEC; `where` names it, e.g. "history[2].at"."""
    if isinstance(spec, tuple):
        return [] if value is None else _check(where, value, spec[1])
    if isinstance(spec, list):
        if not isinstance(value, list) or not value:
            return [f"{where}: expected a list of at least one entry, found {_short(value)}"]
        return [p for i, v in enumerate(value) for p in _check(f"{where}[{i}]", v, spec[0])]
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            return [f"{where or 'record'}: expected an object, found {_short(value)}"]
        dot = f"{where}." if where else ""
        out = [f"{dot}{k}: unknown key" for k in sorted(value.keys() - spec.keys(), key=str)]
        for key, sub in spec.items():
            if isinstance(sub, _Maybe):
                out += _check(dot + key, value[key], sub.spec) if key in value else []
            else:
                out += (
                    _check(dot + key, value[key], sub) if key in value else [f"{dot}{key}: missing"]
                )
        return out
    return [] if spec(value) else [f"{where}: expected {spec.expected}, found {_short(value)}"]


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _json_problems(where: str, value: object) -> list[str]:
    """Where `value` is not plain JSON (text, numbers, true/false, null, lists, objects)."""
    if isinstance(value, str):
        # A lone surrogate (possible in text from a browser) cannot be written as UTF-8.
        if value.isascii() or not _SURROGATE.search(value):
            return []
        return [f"{where}: the text holds a character that cannot be saved; retype it"]
    if value is None or isinstance(value, (bool, int)):
        return []
    if isinstance(value, float):
        return [] if math.isfinite(value) else [f"{where}: {value} is not a number JSON allows"]
    if isinstance(value, (list, tuple)):
        return [p for i, v in enumerate(value) for p in _json_problems(f"{where}[{i}]", v)]
    if isinstance(value, dict):
        out = [f"{where}: key {k!r} is not text" for k in value if not isinstance(k, str)]
        return out + [p for k, v in value.items() for p in _json_problems(f"{where}[{k!r}]", v)]
    return [f"{where}: a {type(value).__name__} is not a JSON value; store it as text"]
