"""The `auditbook` command line."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

DEFAULT_RUBRICS = Path("rubrics")

# Printed text may hold what someone typed into an answer: control characters (a terminal's
# escape sequences among them), text-direction overrides and undecodable bytes are shown as
# escapes (\x1b, \u202e, \xff) rather than acted on by the terminal.
_UNSAFE = re.compile(
    r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escaped(c: str) -> str:
    n = ord(c)
    if 0xDC80 <= n <= 0xDCFF:  # a byte of a file name that is not UTF-8
        return f"\\x{n - 0xDC00:02x}"
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def shown(text: object) -> str:
    """`text` safe to print on a terminal (see _UNSAFE)."""
    return _UNSAFE.sub(lambda m: _escaped(m[0]), str(text))


def _say(text: object, err: bool = False) -> None:
    print(shown(text), file=sys.stderr if err else sys.stdout)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line after the usage, anything typed shown escaped
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {shown(message)}\n")


class BadArgument(Exception):
    """A value found wrong only once the command runs (it depends on another argument or on the
    rubric library): refused like argparse's own checks, exit 2 with one line naming it."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


def _q(text: object) -> str:
    """A value as typed, quoted and cut short for a one-line message (escaped by _Parser)."""
    text = str(text)
    return f"'{text if len(text) <= 60 else text[:50] + '…'}'"


# Argument types: a bad value is refused by argparse with one line naming the argument and
# what it expects, exit code 2, before any command runs.
def _audit_id(text: str) -> str:
    from .audits.store import ID_RULE, InvalidAuditId, check_id

    try:
        return check_id(text)
    except InvalidAuditId:
        raise argparse.ArgumentTypeError(f"{_q(text)} is not an audit id ({ID_RULE})") from None


def _audit_ref(text: str) -> str:
    """An audit id, or the path of an audit file as load_audit reads it (`dir/<id>[.json]`)."""
    from .audits.store import ID_RULE, InvalidAuditId, check_id

    if not (text.endswith(".json") or "/" in text or os.sep in text):
        try:
            return check_id(text)
        except InvalidAuditId:
            raise argparse.ArgumentTypeError(
                f"{_q(text)} is neither an audit id ({ID_RULE}) nor an audit file's path"
            ) from None
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{_q(text)} is a folder: give an audit id or audit file")
    audit_id = path.name.removesuffix(".json")
    try:
        check_id(audit_id)
    except InvalidAuditId:
        raise argparse.ArgumentTypeError(
            f"{_q(text)} is not an audit file: those are named <audit id>.json ({ID_RULE})"
        ) from None
    file = path.parent / f"{audit_id}.json"
    if not file.is_file():
        what = "is a folder" if file.is_dir() else "does not exist"
        raise argparse.ArgumentTypeError(f"{_q(file)} {what}: give an audit id or audit file")
    return text


def _reference(text: str) -> str:
    from .audits.protection import REFERENCE_RULE, ProtectionError, check_reference

    try:
        return check_reference(text)
    except ProtectionError:
        raise argparse.ArgumentTypeError(
            f"{_q(text)} is not a reference: {REFERENCE_RULE} (not a name or a sentence)"
        ) from None


def _period(text: str) -> str:
    from .audits.protection import ProtectionError, parse_period

    try:
        parse_period(text)
    except ProtectionError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return text


def _month(text: str) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not m or not 1 <= int(m[2]) <= 12 or not 1900 <= int(m[1]) <= 2999:
        raise argparse.ArgumentTypeError(
            f"{_q(text)} is not a month: write YYYY-MM, from 1900-01 to 2999-12, e.g. 2026-10"
        )
    return text


def _whole(lo: int, hi: int, what: str) -> Callable[[str], int]:
    def whole(text: str) -> int:
        n = int(text) if re.fullmatch(r"\s*[+-]?\d{1,12}\s*", text) else None
        if n is None or not lo <= n <= hi:
            raise argparse.ArgumentTypeError(
                f"{_q(text)} is not a number of {what}: a whole number from {lo} to {hi:,}"
            )
        return n

    return whole


def _existing(text: str) -> str:
    if not text or not os.path.exists(text):
        raise argparse.ArgumentTypeError(
            f"{_q(text)} does not exist: give rubric files or folders of them"
        )
    return text


def _audits_folder(text: str) -> str:
    if not text or not os.path.isdir(text):
        what = "is a file, not a folder" if os.path.exists(text) else "does not exist"
        raise argparse.ArgumentTypeError(
            f"{_q(text)} {what}: give the folder the audits are saved in"
        )
    return text


def _folder(text: str) -> Path:
    """A folder that is there or can be made: its nearest part that exists is a folder."""
    path = Path(text)
    there = next(p for p in (path, *path.parents) if os.path.lexists(p))
    if not text or not there.is_dir():
        what = "is empty" if not text else "is a file, not a folder"
        raise argparse.ArgumentTypeError(f"{_q(there)} {what}: give a folder (made if missing)")
    if not os.access(there, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"{_q(there)} cannot be written in: give another folder")
    return path


def _empty_folder(text: str) -> Path:
    path = _folder(text)
    if path.is_dir() and any(path.glob("*.json")):
        raise argparse.ArgumentTypeError(
            f"{_q(text)} already holds audits: give an empty folder or a new one"
        )
    return path


def _new_file(text: str) -> Path:
    path = Path(text)
    if not text or path.is_dir():
        raise argparse.ArgumentTypeError(f"{_q(text)} is a folder: give a file name")
    if not path.parent.is_dir():
        what = "is a file" if path.parent.exists() else "does not exist"
        raise argparse.ArgumentTypeError(
            f"{_q(path.parent)} {what}: give a file in a folder that exists"
        )
    return path


def _made(folder: Path) -> None:
    """Make the --out folder (0700, with its parents) or refuse the argument, saying why."""
    from .audits.private import private_dir

    try:
        private_dir(folder)
    except OSError as e:
        raise BadArgument("--out", f"cannot make the folder {_q(folder)} ({e.strerror})") from None


def _validate(args: argparse.Namespace) -> int:
    from .rubrics.library import check_paths, rubric_files, summary

    paths = args.paths or [DEFAULT_RUBRICS]
    for given in args.paths:
        if os.path.isdir(given) and not rubric_files([given]):
            raise BadArgument("paths", f"{_q(given)} holds no rubric files (.yaml or .yml)")
    loaded, problems = check_paths(paths)
    if problems:
        for p in problems:
            _say(p)
        n_files = len({p.file for p in problems})
        print(f"{len(problems)} problem(s) in {n_files} file(s)", file=sys.stderr)
        return 1
    if not loaded:
        _say(f"no rubric files found in {', '.join(map(str, paths))}", err=True)
        return 1
    for path, doc in loaded:
        print(f"{path}: {summary(doc)}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from .rubrics.schema import schema_json

    text = schema_json()
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as e:
            raise BadArgument("--out", f"cannot write {_q(args.out)} ({e.strerror})") from None
    else:
        sys.stdout.write(text)
    return 0


def _documents(fmt: str) -> Callable:
    """An exporter writing one document per audit in a document format of
    auditbook.documents.audit_export."""

    def run(records: list[dict], library, out: Path | None, store) -> list[Path]:
        from .audits.private import remove_quietly
        from .documents.audit_export import export_audit

        written: list[Path] = []
        try:
            for r in records:
                written.append(export_audit(r, library, fmt, out, store))
        except BaseException:  # all or none: no document left behind unlogged
            remove_quietly(written)
            raise
        return written

    return run


# Format name → exporter(records, library, out folder or None, store) → paths written. A
# format over many audits at once (an analytics workbook) receives them all in one call.
def _workbook(kind: str) -> Callable:
    """An exporter writing one workbook over all the audits given (or the whole folder)."""

    def run(records: list[dict], library, out: Path | None, store) -> list[Path]:
        from datetime import date

        from .analytics.frames import load_audits
        from .documents.workbook import analysis_sheets, write_workbook
        from .rubrics.paths import project_dir

        frames = load_audits(store, library)
        if records:
            frames = frames.filter(ids=[r["id"] for r in records])
        if kind == "pseudonymised":
            from .documents.pseudonymise import load_key, pseudonymised_sheets

            sheets = pseudonymised_sheets(frames, load_key())
        else:
            sheets = analysis_sheets(frames)
        name = f"{'audits' if kind == 'xlsx' else kind}-{date.today():%Y%m%d}.xlsx"
        return [write_workbook(sheets, (out or project_dir() / "exports") / name)]

    run.whole_folder = True
    return run


EXPORT_FORMATS: dict[str, Callable[..., list[Path]]] = {
    "docx": _documents("docx"),
    "html": _documents("html"),
    "xlsx": _workbook("xlsx"),
    "pseudonymised": _workbook("pseudonymised"),
}


IDENTIFIABLE = ("docx", "html", "xlsx")  # the formats that stay inside the QA team


def _export(args: argparse.Namespace) -> int:
    from .audits.store import AuditStore, AuditStoreError
    from .documents.audit_export import load_audit, rubric_for
    from .rubrics.library import load_library

    store = AuditStore(args.audits) if args.audits else AuditStore()
    library = load_library()
    if args.format is None:  # a workbook of every audit leaves the QA team pseudonymised
        args.format = "docx" if args.audits_to_export else "pseudonymised"
    exporter = EXPORT_FORMATS[args.format]
    if not args.audits_to_export and not getattr(exporter, "whole_folder", False):
        raise BadArgument("AUDIT_ID_OR_FILE", f"name the audits to export as {args.format}")
    records, failed = [], 0
    for audit in args.audits_to_export:
        try:
            record = load_audit(audit, store)
            rubric_for(record, library)
        except (AuditStoreError, LookupError, OSError) as e:
            _say(e, err=True)
            failed += 1
            continue
        records.append(record)
    try:
        run = records or (getattr(exporter, "whole_folder", False) and not failed)
        if run and args.out is not None:
            _made(args.out)
        written = exporter(records, library, args.out, store) if run else []
    except OSError as e:
        _say(f"Not exported: the documents could not be written ({e}).", err=True)
        return 1
    if written:  # logged before it is offered; an export that cannot be logged is removed
        from .audits.private import remove_quietly
        from .audits.protection import export_log_path, log_export

        what = [r["id"] for r in records] if records else "all"
        try:
            log_export(args.format, what, ", ".join(map(str, written)), store)
        except OSError as e:
            remove_quietly(written)
            log = export_log_path(store)
            why = e.strerror or e
            _say(f"Not exported: the export log {log} could not be written ({why}).", err=True)
            return 1
    if written and args.format in IDENTIFIABLE:
        print(
            f"These {args.format} files name children and staff: for the QA team only. For "
            "anyone else use --format pseudonymised.",
            file=sys.stderr,
        )
    for path in written:
        _say(path)
    return 1 if failed else 0


def _demo_data(args: argparse.Namespace) -> int:
    from .demo.audits import summary, write_demo
    from .rubrics.library import load_library
    from .rubrics.problems import RubricError

    try:
        library = load_library()
    except RubricError as e:
        _say(f"The templates could not be loaded:\n{e}", err=True)
        return 1
    unknown = [r for r in args.rubric or [] if r not in library.rubrics]
    if unknown:
        rubrics = ", ".join(library.rubrics)
        raise BadArgument("--rubric", f"no rubric {', '.join(map(_q, unknown))}: one of {rubrics}")
    _made(args.out)
    try:
        written = write_demo(
            args.out, args.n, args.rubric, args.seed, args.months, args.end, library
        )
    except (ValueError, OSError) as e:
        _say(e, err=True)
        return 1
    _say(f"{len(written)} synthetic audits written to {args.out}: {summary(written)}")
    return 0


def _check(args: argparse.Namespace) -> int:
    """Guidance checks on saved audits: 0 none found, 1 some found, 2 an audit unreadable."""
    from .audits.store import AuditStore, AuditStoreError
    from .documents.audit_export import load_audit, rubric_for
    from .rubrics.checks import check_line, run_checks
    from .rubrics.library import load_library
    from .rubrics.problems import RubricError

    store = AuditStore(args.audits) if args.audits else AuditStore()
    try:
        library = load_library()
    except RubricError as e:
        print(f"The templates could not be loaded:\n{e}", file=sys.stderr)
        return 2
    unreadable = found = flagged = 0
    for audit in args.audits_to_check:
        try:
            record = load_audit(audit, store)
            rubric = rubric_for(record, library)
        except (AuditStoreError, LookupError, OSError) as e:
            _say(e, err=True)
            unreadable += 1
            continue
        file = audit if audit.endswith(".json") or "/" in audit else store.path(audit)
        if Path(file).is_absolute() and Path(file).is_relative_to(Path.cwd()):
            file = Path(file).relative_to(Path.cwd())  # as short as the user would type it
        warnings = run_checks(rubric, record)
        if record.get("moderation"):
            warnings += run_checks(rubric, record, role="moderator")
        for warning in warnings:
            _say(check_line(file, rubric, warning))
        found += len(warnings)
        flagged += bool(warnings)
    checked = len(args.audits_to_check) - unreadable
    print(
        f"{found} guidance warning{'s' if found != 1 else ''} in {flagged} of {checked} "
        f"audit{'s' if checked != 1 else ''} checked"
        + (f"; {unreadable} could not be read" if unreadable else "")
        + "."
    )
    return 2 if unreadable else 1 if found else 0


def _hold(args: argparse.Namespace) -> int:
    """Set, lift or list legal holds: 0 done, 1 refused, 2 a mistake in the command."""
    from .audits.protection import ProtectionError, holds, release_hold, set_hold
    from .audits.store import AuditStore, AuditStoreError

    if args.list == bool(args.audit_id):
        why = "not allowed with --list" if args.list else "give the audit to hold or release"
        raise BadArgument("AUDIT_ID", why)
    store = AuditStore(args.audits) if args.audits else AuditStore()
    try:
        if args.list:
            for audit_id, h in sorted(holds(store).items()):
                _say("\t".join(map(str, (audit_id, h.get("reference"), h.get("by"), h.get("at")))))
            return 0
        if args.release:
            release_hold(store, args.audit_id)
            print(f"Legal hold lifted: {args.audit_id}")
        else:
            set_hold(store, args.audit_id, args.reason)
            print(f"On legal hold: {args.audit_id} ({args.reason})")
    except (ProtectionError, AuditStoreError, OSError) as e:
        _say(e, err=True)
        return 1
    return 0


def _retention(args: argparse.Namespace) -> int:
    """Archive or delete old audits: 0 done, 1 refused, stopped or some files unreadable."""
    from .audits.protection import ProtectionError, RetentionLogFailed, apply_retention
    from .audits.store import AuditStore

    store = AuditStore(args.audits) if args.audits else AuditStore()
    if args.archive is not None and args.archive.resolve() == store.root.resolve():
        raise BadArgument("--archive", "that is the audits folder itself: give another folder")
    stopped = None
    try:
        r = apply_retention(store, args.older_than, args.archive, args.delete, args.dry_run)
    except RetentionLogFailed as e:  # what was done before is logged, and said below
        r, stopped = e.result, e
    except (ProtectionError, OSError) as e:
        _say(e, err=True)
        return 1
    verb = "would be " if args.dry_run else ""
    done = r.deleted if args.delete else r.archived
    action = "deleted" if args.delete else f"archived to {args.archive}"
    for audit_id in done:
        _say(f"{audit_id}: {verb}{action}")
    for audit_id in r.held:
        _say(f"{audit_id}: on legal hold, kept")
    for name, why in r.unreadable:
        _say(f"{name}: cannot be read, left as it is ({why})", err=True)
    for audit_id, why in r.refused:
        _say(f"{audit_id}: left as it is ({why})", err=True)
    _say(
        f"{len(done)} audit(s) {verb}{action}; {len(r.held)} on legal hold; {r.kept} newer "
        f"kept; {len(r.unreadable)} unreadable"
        + (" (dry run: nothing changed)" if args.dry_run else "")
    )
    if stopped is not None:
        _say(
            f"Retention stopped: the retention log {stopped.filename} could not be written "
            f"({stopped.strerror}); {stopped.audit_id} and the audits after it were left as "
            "they are.",
            err=True,
        )
    return 1 if r.unreadable or r.refused or stopped else 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="auditbook", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, func: Callable, about: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=about)
        p.set_defaults(func=func, parser=p)  # the parser says what is wrong with an argument
        return p

    def audits_folder(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--audits",
            type=_audits_folder,
            help="the audits folder (default: $AUDITBOOK_AUDITS or exports/audits)",
        )

    p = command("validate", _validate, "check rubric files and report every problem")
    p.add_argument(
        "paths", nargs="*", type=_existing, help="rubric files or folders (default: rubrics/)"
    )
    p = command("schema", _schema, "print the JSON Schema of the rubric format")
    p.add_argument("--out", type=_new_file, help="write it to this file instead")
    p = command(
        "export",
        _export,
        "write saved audits as documents (Word or HTML) or workbooks (Excel, pseudonymised)",
    )
    p.add_argument(
        "audits_to_export",
        nargs="*",
        type=_audit_ref,
        metavar="AUDIT_ID_OR_FILE",
        help="audit ids or files (xlsx and pseudonymised: default every audit in the folder)",
    )
    p.add_argument(
        "--format",
        choices=sorted(EXPORT_FORMATS),
        help="default: docx for the audits named, pseudonymised when none is named",
    )
    audits_folder(p)
    p.add_argument("--out", type=_folder, help="where to write (default: exports/documents)")
    p = command(
        "demo-data",
        _demo_data,
        "write realistic synthetic audits (no real people) for trying things out",
    )
    p.add_argument(
        "--n", type=_whole(1, 100_000, "audits"), default=500, help="how many audits (default 500)"
    )
    p.add_argument(
        "--out",
        type=_empty_folder,
        required=True,
        help="an empty folder to write them to (made if missing)",
    )
    p.add_argument(
        "--rubric",
        action="extend",
        nargs="+",
        metavar="ID",
        help="only these rubrics (default: every rubric in the library)",
    )
    p.add_argument("--seed", type=int, default=0, help="the same seed writes the same files")
    p.add_argument(
        "--months",
        type=_whole(1, 1200, "months"),
        default=18,
        help="months the audit dates span (default 18)",
    )
    p.add_argument(
        "--end", default="2026-10", type=_month, help="the last month, YYYY-MM (default 2026-10)"
    )
    p = command(
        "check",
        _check,
        "run the guidance checks on saved audits (exit 0 none, 1 warnings, 2 unreadable)",
    )
    p.add_argument("audits_to_check", nargs="+", type=_audit_ref, metavar="AUDIT_FILE_OR_ID")
    audits_folder(p)
    p = command("hold", _hold, "put an audit on legal hold (never archived or deleted)")
    p.add_argument("audit_id", nargs="?", type=_audit_id, metavar="AUDIT_ID")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--reason", type=_reference, metavar="REF", help="a ticket or case-management reference"
    )
    what.add_argument("--release", action="store_true", help="lift the audit's hold")
    what.add_argument("--list", action="store_true", help="list the audits on hold")
    audits_folder(p)
    p = command(
        "retention", _retention, "archive or delete audits last saved longer ago than a period"
    )
    p.add_argument(
        "--older-than", required=True, type=_period, metavar="PERIOD", help="e.g. 6y, 18m, 400d"
    )
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--archive", type=_folder, metavar="DIR", help="move them to this folder")
    how.add_argument("--delete", action="store_true", help="delete them")
    p.add_argument("--dry-run", action="store_true", help="list what would happen; change nothing")
    audits_folder(p)
    p = command("index", _index, "rebuild or check the audit index beside the audit files")
    p.add_argument("index_action", choices=("rebuild", "check"), metavar="rebuild|check")
    audits_folder(p)
    return parser


def _index(args: argparse.Namespace) -> int:
    """`index rebuild`: 0 built, 1 some files unreadable. `index check`: 0 the index agrees
    with the files, 1 it does not (each difference listed)."""
    from .audits.index import command
    from .audits.store import AuditStore
    from .rubrics.library import load_library

    store = AuditStore(args.audits) if args.audits else AuditStore()
    code, lines = command(store.index, args.index_action, load_library())
    for text, err in lines:
        _say(text, err=err)
    return code


def main(argv: list[str] | None = None) -> int:
    """Run a command and return its exit code (2, with one line naming it, for a bad argument)."""
    try:
        args = build_parser().parse_args(argv)
        try:
            return args.func(args)
        except BadArgument as e:
            args.parser.error(f"argument {e.name}: {e}")
    except SystemExit as e:  # the parser has printed the usage and what was wrong
        return e.code if isinstance(e.code, int) else 2


if __name__ == "__main__":
    sys.exit(main())
