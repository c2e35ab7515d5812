"""Data-protection controls: legal holds, retention (archive or delete old audits) and the
log of exports. Described in ``docs/data-protection.md``.

Nothing here adds to the audit record, whose format is strict and versioned: holds live in
``.holds.json`` in the audits folder, the retention log in ``retention-log.jsonl`` beside the
audits, and the export log in ``exports-log.jsonl`` in the exports folder (the audits folder's
parent). The two logs hold no personal data: no case ids, names, teams or free text.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .private import private_dir, write_whole
from .store import AuditStore, AuditStoreError, CorruptAuditFile, Now, check_id, stamp
from .users import current_user

HOLDS_FILE = ".holds.json"
RETENTION_LOG = "retention-log.jsonl"
EXPORT_LOG = "exports-log.jsonl"
# A reference such as a case-management or legal ticket number, not a sentence: a short code
# leaves no room for a child's name in the holds file.
REFERENCE_RULE = "1 to 60 letters, digits, spaces or . _ / -, starting with a letter or digit"
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/-]{0,59}")
_PERIOD = re.compile(r"(\d+)([ymd])")
MAX_PERIOD_DAYS = 1000 * 366


class ProtectionError(ValueError):
    """A hold, retention or export-log request that cannot be carried out, said plainly."""


def _user(user: str | None) -> str:
    return user or current_user()


# ------------------------------------------------------------------------- legal holds


def holds(store: AuditStore) -> dict[str, dict]:
    """The legal holds of the audits folder: audit id → {reference, by, at}."""
    path = store.root / HOLDS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as e:  # never treat a damaged holds file as "no holds"
        raise ProtectionError(f"The legal holds file {path} cannot be read ({e}).") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ProtectionError(f"The legal holds file {path} is not a set of holds.")
    return data


@contextlib.contextmanager
def _holds_locked(store: AuditStore) -> Iterator[None]:
    store.root.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(store.root / ".holds.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _write_holds(store: AuditStore, data: dict) -> None:
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(dir=store.root, prefix=".holds.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, store.root / HOLDS_FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_reference(reference: object) -> str:
    """The reference if it is a ticket or case-management reference, else ProtectionError."""
    if not isinstance(reference, str) or not _REFERENCE.fullmatch(reference):
        raise ProtectionError(
            f"The hold reference must be a ticket or case-management reference: {REFERENCE_RULE}"
            " (not a name or a sentence)."
        )
    return reference


def set_hold(
    store: AuditStore, audit_id: str, reference: str, user: str | None = None, now: Now = None
) -> dict:
    """Put an audit on legal hold (it is then never archived or deleted) and return the hold."""
    check_id(audit_id)
    check_reference(reference)
    if not store.path(audit_id).exists():
        raise ProtectionError(f"There is no saved audit called {audit_id} in {store.root}.")
    with _holds_locked(store):
        data = holds(store)
        data[audit_id] = {"reference": reference, "by": _user(user), "at": stamp(now)}
        _write_holds(store, data)
    return data[audit_id]


def release_hold(store: AuditStore, audit_id: str) -> dict:
    """Lift an audit's legal hold and return the hold that was lifted."""
    with _holds_locked(store):
        data = holds(store)
        if check_id(audit_id) not in data:
            raise ProtectionError(f"Audit {audit_id} is not on legal hold.")
        gone = data.pop(audit_id)
        _write_holds(store, data)
    return gone


# ----------------------------------------------------------------------------- retention


def parse_period(text: str) -> timedelta:
    """ "6y", "18m" or "400d" as a time span (a year is 365 days, a month 30, erring long)."""
    m = _PERIOD.fullmatch(str(text).strip().lower())
    said = repr(text if len(str(text)) <= 40 else f"{str(text)[:30]}…")
    digits = m[1].lstrip("0") if m else ""
    if not digits:
        raise ProtectionError(
            f"{said} is not a retention period: write a number and y, m or d, e.g. 6y, 18m."
        )
    n, unit = int(digits) if len(digits) <= 7 else MAX_PERIOD_DAYS + 1, m[2]
    days = n * {"y": 366, "m": 31, "d": 1}[unit]
    if days > MAX_PERIOD_DAYS:  # the calendar has no dates that far back to compare with
        raise ProtectionError(f"{said} is longer than a retention period can be: at most 1000y.")
    return timedelta(days=days)


@dataclass
class RetentionResult:
    """What retention did (or, in a dry run, would do)."""

    archived: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # file name, why
    refused: list[tuple[str, str]] = field(default_factory=list)  # audit id, why it stayed
    kept: int = 0


def log_ref(audit_id: str) -> str:
    """How the logs name an audit: a one-way digest of its id, never the id with its case."""
    return "sha256:" + hashlib.sha256(audit_id.encode("utf-8")).hexdigest()[:16]


class _Log:
    """A JSON-lines log opened for appending and locked, so that the last line stays this
    writer's until it is closed: `append` writes a line whole or not at all, `cut_back` takes
    the lines appended since opening away again.

    A short write (a full disk) is retried; if a line still cannot be written whole, the file is
    cut back to where it was and OSError raised, so no half line is left for the next one to be
    glued onto. A link in the log's place is refused, never followed out of the folder.
    """

    def __init__(self, path: Path):
        private_dir(path.parent)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK
        try:
            self.fd = os.open(path, flags, 0o600)
        except OSError as e:
            if e.errno == errno.ELOOP:
                raise OSError(
                    e.errno, "it is a link to somewhere else; refused", str(path)
                ) from None
            raise
        try:
            if not stat.S_ISREG(os.fstat(self.fd).st_mode):
                raise OSError(errno.EINVAL, "it is not a plain file", str(path))
            fcntl.flock(self.fd, fcntl.LOCK_EX)  # no other writer until closed
            self.before = os.fstat(self.fd).st_size
        except BaseException:
            os.close(self.fd)
            raise

    def append(self, entry: dict) -> None:
        # backslashreplace: a file name that is not UTF-8 is logged escaped, not refused half-way
        text = json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n"
        try:
            write_whole(self.fd, text.encode("utf-8", "backslashreplace"))
            os.fsync(self.fd)
        except BaseException:
            with contextlib.suppress(OSError):
                self.cut_back()
            raise

    def cut_back(self) -> None:
        os.ftruncate(self.fd, self.before)
        os.fsync(self.fd)

    def close(self) -> None:
        os.close(self.fd)  # the lock goes with it


def _append(path: Path, entry: dict) -> None:
    """Append one JSON line, whole or not at all, to a log readable by its owner only."""
    log = _Log(path)
    try:
        log.append(entry)
    finally:
        log.close()


class RetentionLogFailed(OSError):
    """The retention log could not be written, so audit `audit_id` was left as it is and the
    run stopped; `result` holds what the run had done before (all of it logged)."""

    result: RetentionResult
    audit_id: str


def _logged(
    path: Path,
    entry: dict,
    act: Callable[[], None],
    result: RetentionResult,
    audit_id: str,
) -> str | None:
    """Write `entry` to the log at `path` whole, then `act()` while the log stays locked.

    The line comes first, so an audit never leaves the folder unlogged. If `act` fails having
    put back what it changed, its line is cut back, so the log never names an action that was
    not done, and the reason is returned (None when done). Raises RetentionLogFailed, nothing
    done, when the line cannot be written. Only a crash between the line and the act (the
    process killed, the machine stopping) leaves a line for an audit still in its folder: the
    next run finds the audit there and logs it again.
    """
    try:
        log = _Log(path)
        try:
            log.append(entry)
        except BaseException:
            log.close()
            raise
    except OSError as e:
        stopped = RetentionLogFailed(e.errno, e.strerror or str(e), str(path))
        stopped.result, stopped.audit_id = result, audit_id
        raise stopped from None
    try:
        act()
    except _PartlyDone as e:  # part of it could not be put back: the line stays, and says so
        return f"{e.strerror}; the retention log keeps its line for it"
    except OSError as e:
        why = e.strerror or str(e)
        try:
            log.cut_back()
        except OSError:
            why += f"; the retention log {path} still says {entry['action']}: correct it by hand"
        return why
    except BaseException:
        with contextlib.suppress(OSError):
            log.cut_back()
        raise
    finally:
        log.close()
    return None


def _nothing() -> None:
    pass


class _PartlyDone(OSError):
    """A move that failed half-way and could not be put back."""


def _move_all(moves: list[tuple[Path, Path]]) -> None:
    """Move each (from, to) in turn; if one fails, put back those already moved and raise."""
    done: list[tuple[Path, Path]] = []
    try:
        for src, dst in moves:
            try:
                shutil.move(src, dst)
            except BaseException:
                if os.path.lexists(src) and os.path.lexists(dst):  # a copy cut short
                    with contextlib.suppress(OSError):
                        os.unlink(dst)
                raise
            done.append((src, dst))
    except BaseException as e:
        why = getattr(e, "strerror", None) or str(e)
        for src, dst in reversed(done):
            try:
                shutil.move(dst, src)
            except OSError as again:
                msg = f"{why}, and {dst} could not be put back ({again.strerror or again})"
                raise _PartlyDone(again.errno, msg) from e
        raise


def _delete_all(paths: list[Path]) -> None:
    """Delete the backup, then the audit: a failure leaves the audit itself in place."""
    for p in paths:
        p.unlink(missing_ok=True)


def _companions(store: AuditStore, audit_id: str) -> list[Path]:
    return [store.root / f"{audit_id}{s}" for s in (".json", ".prev.json")]


def _free_name(folder: Path, name: str) -> Path:
    """`<id>.prev.json` in `folder`, or `<id>.1.prev.json`, `.2.prev.json`… when taken (still
    a backup's name, so never listed as an audit)."""
    stem, n = name.removesuffix(".prev.json"), 0
    path = folder / name
    while os.path.lexists(path):
        n += 1
        path = folder / f"{stem}.{n}.prev.json"
    return path


def apply_retention(
    store: AuditStore,
    older_than: str | timedelta,
    archive: str | Path | None = None,
    delete: bool = False,
    dry_run: bool = False,
    now: Now = None,
) -> RetentionResult:
    """Archive (to `archive`) or delete the audits last saved longer ago than `older_than`.

    Audits on legal hold are skipped; unreadable files are reported and left as they are. Each
    action is a line of `retention-log.jsonl` in the audits folder (not in a dry run), written
    whole before the audit is moved or deleted and taken back if that fails (see _logged). If
    the log cannot be written the run stops, that audit left as it is: RetentionLogFailed.
    """
    if (archive is None) == (not delete):
        raise ProtectionError("Choose one: archive the old audits to a folder, or delete them.")
    span = older_than if isinstance(older_than, timedelta) else parse_period(older_than)
    at = stamp(now)
    try:
        cutoff = stamp(datetime.fromisoformat(at[:-1]).replace(tzinfo=timezone.utc) - span)
    except OverflowError:
        raise ProtectionError(f"{older_than} is longer than a retention period can be.") from None
    target = Path(archive) if archive is not None else None
    if target is not None and target.resolve() == store.root.resolve():
        raise ProtectionError("The archive folder must not be the audits folder itself.")
    on_hold = holds(store)
    result = RetentionResult()
    log = store.root / RETENTION_LOG
    for path in store.files():
        if any(p.is_symlink() for p in (path, path.with_name(path.stem + ".prev.json"))):
            why = "it is a link to another file, not an audit file; move or remove it by hand"
            result.refused.append((path.stem, why))
            continue
        try:
            record = store.read(path)
        except (AuditStoreError, OSError) as e:
            reason = e.reason if isinstance(e, CorruptAuditFile) else str(e)
            result.unreadable.append((path.name, reason))
            continue
        audit_id = record["id"]
        if record["saved"]["at"] >= cutoff:
            result.kept += 1
            continue
        entry = {
            "at": at,
            "audit": log_ref(audit_id),
            "rubric": record["rubric"]["id"],
            "status": record["status"],
            "saved_month": record["saved"]["at"][:7],
            "older_than": str(older_than),
        }
        if audit_id in on_hold:
            result.held.append(audit_id)
            if not dry_run:
                _logged(log, {**entry, "action": "skipped-held"}, _nothing, result, audit_id)
            continue
        if dry_run:
            (result.deleted if delete else result.archived).append(audit_id)
            continue
        with store._locked(audit_id):  # no save can land half-way through the move
            if audit_id in holds(store):  # put on hold since the run began
                result.held.append(audit_id)
                continue
            audit_file, backup = _companions(store, audit_id)
            if target is not None:
                if os.path.lexists(target / audit_file.name):
                    why = f"{audit_file.name} is already in the archive"
                    result.refused.append((audit_id, why))
                    continue
                private_dir(target)
                moves = [(audit_file, target / audit_file.name)]
                if os.path.lexists(backup):  # an older backup of that name: keep both
                    moves.insert(0, (backup, _free_name(target, backup.name)))
                action, done = "archived", result.archived
                act = functools.partial(_move_all, moves)
            else:
                action, done = "deleted", result.deleted
                act = functools.partial(_delete_all, [backup, audit_file])
            why = _logged(log, {**entry, "action": action}, act, result, audit_id)  # line first
            if why is not None:
                result.refused.append((audit_id, f"could not be {action} ({why})"))
                continue
            done.append(audit_id)
            (store.root / f"{audit_id}.lock").unlink(missing_ok=True)
    return result


# ---------------------------------------------------------------------------- export log


def export_log_path(store: AuditStore | None = None) -> Path:
    """`exports-log.jsonl` in the exports folder: the audits folder's parent."""
    return (store or AuditStore()).root.parent / EXPORT_LOG


def log_export(
    fmt: str,
    audits: Iterable[str] | int | str,
    where: str | Path,
    store: AuditStore | None = None,
    selection: dict | None = None,
    user: str | None = None,
    now: Now = None,
) -> dict:
    """Record one export: when, who, what (audit ids, a count, or "all"), format and where.

    `selection` holds the dashboard's filters (template, team, dates, status), never a case.
    Raises OSError if the log cannot be written: callers then do not offer the export.
    """
    if isinstance(audits, (int, str)):
        what = audits
    else:
        what = [check_id(a) for a in audits]
    entry = {"at": stamp(now), "by": _user(user), "format": fmt, "audits": what}
    # a folder name that is not UTF-8 is logged with its odd bytes escaped (\xff)
    entry["where"] = os.fsencode(str(where)).decode("utf-8", "backslashreplace")
    if selection:
        entry["selection"] = {k: None if v is None else str(v) for k, v in selection.items()}
    _append(export_log_path(store), entry)
    return entry


def read_log(path: str | Path) -> list[dict]:
    """The entries of a JSON-lines log (the export log or the retention log)."""
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
