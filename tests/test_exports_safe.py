"""Exports always logged and private, and a clean command line (issue 15): each test here
failed on the code before it. Figures in docs/reliability.md#exports-under-faults."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys

import pytest

from auditbook.audits.protection import (
    EXPORT_LOG,
    ProtectionError,
    apply_retention,
    log_export,
    parse_period,
    read_log,
)
from auditbook.audits.store import AuditStore
from auditbook.cli import main, shown
from auditbook.pages.auditor import AuditApp

from .test_protection import NOW, make

LINE_START = b'{"at"'  # how every line of the export log begins (keys sorted)


@pytest.fixture
def aud(tmp_path, library):
    """old1 (2018, saved twice so it has a backup) and new (2026) in exports/audits."""
    store = AuditStore(tmp_path / "exports" / "audits")
    plr = library.rubrics["practice-learning-review"]
    make(store, plr, "old1", "2018-01-10T09:00:00Z")
    store.save(store.load("old1"), "AU-01", now="2018-01-11T09:00:00Z")
    make(store, plr, "new", "2026-10-01T09:00:00Z")
    return store


def log_of(store) -> os.PathLike:
    return store.root.parent / EXPORT_LOG


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def files_in(folder) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# ----------------------------------------------------------------- the log line, whole


def short_writes(monkeypatch, how: str) -> None:
    """os.write misbehaving as on a full disk, for the export log's lines only."""
    real = os.write

    def write(fd, data):
        if not bytes(data[:5]) == LINE_START and how != "every-5":
            return real(fd, data)
        if how == "half-then-full":  # writes half, then the disk is full
            monkeypatch.setattr(os, "write", _enospc(real))
            return real(fd, bytes(data[: len(data) // 2]))
        if how == "full":
            raise OSError(errno.ENOSPC, "No space left on device")
        if how == "zero":
            return 0
        return real(fd, bytes(data[:5]))  # every-5: short but making progress

    monkeypatch.setattr(os, "write", write)


def _enospc(real):
    def write(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    return write


@pytest.mark.parametrize("how", ["half-then-full", "full", "zero"])
def test_a_log_line_that_cannot_be_written_whole_is_not_written_at_all(aud, monkeypatch, how):
    log_export("docx", ["new"], "a.docx", aud, user="QA-01")
    before = log_of(aud).read_bytes()
    with monkeypatch.context() as m:
        short_writes(m, how)
        with pytest.raises(OSError):
            log_export("docx", ["old1"], "b.docx", aud, user="QA-01")
    assert log_of(aud).read_bytes() == before  # cut back: no half line to glue the next to
    log_export("html", ["new"], "c.html", aud, user="QA-01")
    assert [e["where"] for e in read_log(log_of(aud))] == ["a.docx", "c.html"]


def test_short_writes_are_retried_until_the_line_is_whole(aud, monkeypatch):
    with monkeypatch.context() as m:
        short_writes(m, "every-5")
        log_export("docx", ["new"], "a.docx", aud, user="QA-01")
    assert [e["where"] for e in read_log(log_of(aud))] == ["a.docx"]


# ------------------------------------------------------- an unlogged export is removed

FAULTS = ["half-then-full", "full", "zero", "log is a folder", "log is a link"]
PATHS = ["cli docx", "cli html", "cli xlsx", "cli pseudonymised", "app docx", "app html"]


def break_the_log(store, monkeypatch, fault: str, tmp_path) -> None:
    if fault == "log is a folder":
        log_of(store).mkdir()
    elif fault == "log is a link":
        (tmp_path / "elsewhere.jsonl").write_text("", encoding="utf-8")
        log_of(store).symlink_to(tmp_path / "elsewhere.jsonl")
    else:
        short_writes(monkeypatch, fault)


def export(path: str, store, out, capsys) -> tuple[int, str]:
    """Run one export; (exit code or 0/1 for the app, what the person is told)."""
    where, fmt = path.split()
    if where == "app":
        app = AuditApp(store=store, user="QA-01")
        app.export_dir = out
        ok = app.export("new", fmt) is not None
        return (0 if ok else 1), app.message.value + app.download.value
    audits = [] if fmt in ("xlsx", "pseudonymised") else ["new"]
    code = main(
        ["export", *audits, "--format", fmt, "--audits", str(store.root), "--out", str(out)]
    )
    captured = capsys.readouterr()
    return code, captured.err


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("fault", FAULTS)
def test_an_export_that_cannot_be_logged_is_refused_and_removed(
    aud, tmp_path, monkeypatch, capsys, fault, path
):
    monkeypatch.setenv("AUDITBOOK_PSEUDONYM_KEY", str(tmp_path / "key" / "k.key"))
    out = tmp_path / "out"
    with monkeypatch.context() as m:
        break_the_log(aud, m, fault, tmp_path)
        code, told = export(path, aud, out, capsys)
    assert code == 1 and "Not exported" in told and "Traceback" not in told
    assert files_in(out) == []  # nothing left on disk unlogged
    if fault == "log is a link":
        assert (tmp_path / "elsewhere.jsonl").read_text(encoding="utf-8") == ""
    elif fault != "log is a folder":
        assert read_log(log_of(aud)) == []


def test_a_folder_name_that_is_not_utf8_is_logged_escaped(aud, tmp_path, capsys):
    out = tmp_path / os.fsdecode(b"caf\xe9")
    assert main(["export", "new", "--audits", str(aud.root), "--out", str(out)]) == 0
    [entry] = read_log(log_of(aud))
    assert entry["where"].endswith("caf\\xe9/new.docx") and files_in(out) == ["new.docx"]
    assert "caf\\xe9" in capsys.readouterr().out


# ------------------------------------------------------------------------- private files


@pytest.mark.parametrize("fmt", ["docx", "html", "xlsx", "pseudonymised"])
def test_exports_are_0600_in_folders_made_0700_whatever_the_umask(aud, tmp_path, monkeypatch, fmt):
    monkeypatch.setenv("AUDITBOOK_PSEUDONYM_KEY", str(tmp_path / "key" / "k.key"))
    out = tmp_path / "exports" / "made" / "here"
    audits = [] if fmt in ("xlsx", "pseudonymised") else ["new"]
    old = os.umask(0o022)
    try:
        assert (
            main(["export", *audits, "--format", fmt, "--audits", str(aud.root), "--out", str(out)])
            == 0
        )
    finally:
        os.umask(old)
    [name] = files_in(out)
    assert mode(out / name) == 0o600
    assert mode(out) == mode(out.parent) == 0o700  # every folder the export made
    assert mode(log_of(aud)) == 0o600


def test_the_exports_folder_made_with_the_audits_is_private(tmp_path, library):
    old = os.umask(0o022)
    try:
        make(
            AuditStore(tmp_path / "exports" / "audits"),
            library.rubrics["practice-learning-review"],
            "a1",
            NOW,
        )
    finally:
        os.umask(old)
    assert mode(tmp_path / "exports") == mode(tmp_path / "exports" / "audits") == 0o700


# ----------------------------------------------------------------------- links, retention


def test_retention_refuses_a_linked_audit_and_moves_nothing(aud, tmp_path, library):
    elsewhere = AuditStore(tmp_path / "elsewhere")
    make(elsewhere, library.rubrics["practice-learning-review"], "linked", "2018-03-01T09:00:00Z")
    (aud.root / "linked.json").symlink_to(elsewhere.path("linked"))
    archive = tmp_path / "archive"
    r = apply_retention(aud, "6y", archive=archive, now=NOW)
    assert r.archived == ["old1"]
    [(audit_id, why)] = r.refused
    assert audit_id == "linked" and "link" in why
    assert (aud.root / "linked.json").is_symlink() and elsewhere.load("linked")
    assert not os.path.lexists(archive / "linked.json")


def test_retention_never_writes_through_a_link_in_the_archive(aud, tmp_path):
    archive, outside = tmp_path / "archive", tmp_path / "outside.json"
    archive.mkdir()
    outside.write_text("not yours", encoding="utf-8")
    (archive / "old1.json").symlink_to(outside)
    r = apply_retention(aud, "6y", archive=archive, now=NOW)
    assert r.refused[0][0] == "old1" and outside.read_text(encoding="utf-8") == "not yours"
    assert aud.load("old1")


def test_an_unrelated_backup_of_the_same_name_in_the_archive_is_kept_beside(aud, tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "old1.prev.json").write_text("earlier archive", encoding="utf-8")
    r = apply_retention(aud, "6y", archive=archive, now=NOW)
    assert r.archived == ["old1"] and r.refused == []
    assert (archive / "old1.prev.json").read_text(encoding="utf-8") == "earlier archive"
    assert json.loads((archive / "old1.1.prev.json").read_text(encoding="utf-8"))["id"] == "old1"
    assert AuditStore(archive).load("old1") and AuditStore(archive).files() == [
        archive / "old1.json"
    ]


def test_retention_log_that_is_a_link_is_not_followed(aud, tmp_path):
    (tmp_path / "elsewhere.jsonl").write_text("", encoding="utf-8")
    (aud.root / "retention-log.jsonl").symlink_to(tmp_path / "elsewhere.jsonl")
    with pytest.raises(OSError):
        apply_retention(aud, "6y", delete=True, now=NOW)
    assert (tmp_path / "elsewhere.jsonl").read_text(encoding="utf-8") == ""


def test_periods_longer_than_the_calendar_are_refused(aud):
    with pytest.raises(ProtectionError, match="at most 1000y"):
        parse_period("2100y")
    from datetime import timedelta

    with pytest.raises(ProtectionError):
        apply_retention(aud, timedelta(days=999_999), delete=True, now=NOW)


# ------------------------------------------------------------------------- command line

# Placeholders, filled in by `place`: {tmp} the test's folder, {file} a file, {audits} a folder
# holding audit a1, {empty} an empty folder, {missing} nothing, {odd} a missing name that is not
# UTF-8. hold and retention are given --audits {tmp} unless they name one.
BAD_ARGUMENTS = [
    (["hold", "../demo-0001", "--reason", "X1"], "argument AUDIT_ID"),
    (["hold", "--release", "../../x"], "argument AUDIT_ID"),
    (["hold", "a1", "--reason", "Jane Smith's mum said so"], "argument --reason"),
    (["hold", "a1", "--reason", "X1\x1b[2J"], "argument --reason"),
    (["hold", "a1"], "one of the arguments --reason --release --list is required"),
    (["hold", "--reason", "X1"], "argument AUDIT_ID"),
    (["hold", "a1", "--list"], "argument AUDIT_ID"),
    (["hold", "a1", "--reason", "X1", "--release"], "argument --release"),
    (["hold", "a1", "--reason", "X1", "--audits", "{missing}"], "argument --audits"),
    (["hold", "--list", "--audits", "{file}"], "argument --audits"),
    (["retention", "--older-than", "2100y", "--delete"], "argument --older-than"),
    (["retention", "--older-than", "9999y", "--archive", "{tmp}/x"], "argument --older-than"),
    (["retention", "--older-than", "9" * 5000 + "y", "--delete"], "argument --older-than"),
    (["retention", "--older-than", "soon", "--delete"], "argument --older-than"),
    (["retention", "--older-than", "6y", "--archive", "{file}"], "argument --archive"),
    (["retention", "--older-than", "6y", "--archive", "{file}/x"], "argument --archive"),
    (
        ["retention", "--older-than", "6y", "--archive", "{audits}/.", "--audits", "{audits}"],
        "argument --archive",
    ),
    (["retention", "--older-than", "6y", "--delete", "--audits", "{missing}"], "argument --audits"),
    (["demo-data", "--out", "{file}"], "argument --out"),
    (["demo-data", "--out", "{file}/x"], "argument --out"),
    (["demo-data", "--out", "{audits}"], "argument --out"),
    (["demo-data", "--end", "2026-13", "--out", "{tmp}/x"], "argument --end"),
    (["demo-data", "--end", "2026-1", "--out", "{tmp}/x"], "argument --end"),
    (["demo-data", "--end", "0001-01", "--out", "{tmp}/x"], "argument --end"),
    (["demo-data", "--end", "9999-12", "--out", "{tmp}/x"], "argument --end"),
    (["demo-data", "--end", "{odd}\x1b[2J", "--out", "{tmp}/x"], "argument --end"),
    (["demo-data", "--n", "0", "--out", "{tmp}/x"], "argument --n"),
    (["demo-data", "--n", "99999999999999999999", "--out", "{tmp}/x"], "argument --n"),
    (["demo-data", "--n", "1e3", "--out", "{tmp}/x"], "argument --n"),
    (["demo-data", "--months", "-2", "--out", "{tmp}/x"], "argument --months"),
    (["demo-data", "--months", "999999999", "--out", "{tmp}/x"], "argument --months"),
    (["demo-data", "--seed", "one", "--out", "{tmp}/x"], "argument --seed"),
    (["demo-data", "--rubric", "../x", "--out", "{tmp}/x"], "argument --rubric"),
    (["validate", "{missing}"], "argument paths"),
    (["validate", "{odd}"], "argument paths"),
    (["validate", "{empty}"], "argument paths"),
    (["schema", "--out", "/no/such/folder/schema.json"], "argument --out"),
    (["schema", "--out", "{tmp}"], "argument --out"),
    (["schema", "--out", "{file}/schema.json"], "argument --out"),
    (["export", "--format", "pdf"], "argument --format"),
    (["export", "a1", "--audits", "{file}"], "argument --audits"),
    (["export", "a1", "--audits", "{missing}"], "argument --audits"),
    (["export", "--format", "xlsx", "--audits", "{missing}", "--out", "{tmp}/x"], "--audits"),
    (["export", "a1", "--audits", "{audits}", "--out", "{file}"], "argument --out"),
    (["export", "a1", "--audits", "{audits}", "--out", "{file}/x"], "argument --out"),
    (["export", "../a1", "--audits", "{audits}", "--out", "{tmp}/x"], "AUDIT_ID_OR_FILE"),
    (["export", "{audits}/../../a1", "--audits", "{audits}"], "AUDIT_ID_OR_FILE"),
    (["export", "{missing}.json", "--audits", "{audits}"], "AUDIT_ID_OR_FILE"),
    (["export", "{empty}", "--audits", "{audits}"], "AUDIT_ID_OR_FILE"),
    (["export", "a b", "--audits", "{audits}"], "AUDIT_ID_OR_FILE"),
    (["export", "--format", "docx", "--audits", "{audits}"], "AUDIT_ID_OR_FILE"),
    (["check", "../a1", "--audits", "{audits}"], "AUDIT_FILE_OR_ID"),
    (["check", "{empty}"], "AUDIT_FILE_OR_ID"),
    (["check", "{file}"], "AUDIT_FILE_OR_ID"),
    (["check", "a1", "--audits", "{missing}"], "argument --audits"),
    (["retention"], "the following arguments are required: --older-than"),
    (["nothing-such"], "argument command"),
]


def place(argv: list[str], tmp_path, library) -> list[str]:
    """argv with its placeholders filled in (and the files they name made)."""
    (tmp_path / "a-file.txt").write_text("not an audit\n", encoding="utf-8")
    (tmp_path / "empty").mkdir(exist_ok=True)
    make(AuditStore(tmp_path / "audits"), library.rubrics["practice-learning-review"], "a1", NOW)
    names = {
        "{tmp}": tmp_path,
        "{file}": tmp_path / "a-file.txt",
        "{audits}": tmp_path / "audits",
        "{empty}": tmp_path / "empty",
        "{missing}": tmp_path / "missing",
        "{odd}": tmp_path / os.fsdecode(b"caf\xe9"),
    }
    for key, path in names.items():
        argv = [a.replace(key, str(path)) for a in argv]
    if argv[0] in ("hold", "retention") and "--audits" not in argv:
        argv += ["--audits", str(tmp_path)]
    return argv


def tree(folder) -> dict[str, bytes | None]:
    return {str(p): None if p.is_dir() else p.read_bytes() for p in sorted(folder.rglob("*"))}


@pytest.mark.parametrize(("argv", "named"), BAD_ARGUMENTS)
def test_bad_arguments_are_one_line_naming_the_argument_exit_2(
    argv, named, tmp_path, library, capsys
):
    argv = place(argv, tmp_path, library)
    before = tree(tmp_path)
    assert main(argv) == 2
    out, err = capsys.readouterr()
    [line] = [x for x in err.splitlines() if not x.startswith(("usage:", " "))]
    assert named in line and "Traceback" not in err and out == ""
    assert len(line) < 400 and "\x1b" not in line and "\udce9" not in line
    assert tree(tmp_path) == before  # nothing made, moved or written


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def command(*argv: str, **kw) -> subprocess.CompletedProcess:
    """`python -m auditbook ARGV` in a process of its own, this checkout's package imported."""
    env = {**os.environ, "PYTHONPATH": ROOT}
    return subprocess.run(
        [sys.executable, "-m", "auditbook", *argv], capture_output=True, env=env, timeout=120, **kw
    )


def test_the_installed_command_shows_no_traceback(tmp_path, library):
    for argv, named in [
        (["hold", "--release", "../../x", "--audits", str(tmp_path)], "argument AUDIT_ID"),
        (["demo-data", "--out", __file__], "argument --out"),
        (["demo-data", "--n", "99999999999999999999", "--out", str(tmp_path)], "argument --n"),
    ]:
        run = command(*argv, text=True)
        assert run.returncode == 2 and "Traceback" not in run.stderr
        assert named in run.stderr


def test_write_demo_refuses_month_13(tmp_path):
    from auditbook.demo.audits import write_demo

    with pytest.raises(ValueError, match="YYYY-MM"):
        write_demo(tmp_path / "d", 1, end="2026-13")


def test_check_escapes_control_characters_it_prints(tmp_path, capsys):
    from .test_checks import _missing, _put, clean_answers, rubric

    odd = tmp_path / "a\x1b]0;owned\x07\x1b[2Jb"  # a folder name that would drive the terminal
    r = rubric("practice-learning-review")
    flawed = clean_answers(r)
    _missing(flawed)
    _put(AuditStore(odd), r, flawed, "flawed-1")
    assert main(["check", str(odd / "flawed-1.json")]) == 1
    out = capsys.readouterr().out
    assert "has no evidence" in out and "\x1b" not in out and "\x07" not in out
    assert "a\\x1b]0;owned\\x07\\x1b[2Jb" in out


def test_printed_text_is_escaped_in_a_pipe_too(tmp_path):
    """Escaped whoever reads it: a file or pipe is often shown on a terminal later (`cat`)."""
    from .test_checks import _missing, _put, clean_answers, rubric

    odd = tmp_path / "a\x1b]0;owned\x07\x1b[2Jb"
    r = rubric("practice-learning-review")
    flawed = clean_answers(r)
    _missing(flawed)
    _put(AuditStore(odd), r, flawed, "flawed-1")
    run = command("check", str(odd / "flawed-1.json"))  # stdout a pipe, not a terminal
    assert run.returncode == 1 and b"has no evidence" in run.stdout
    assert b"\x1b" not in run.stdout and b"\x07" not in run.stdout
    assert b"a\\x1b]0;owned\\x07\\x1b[2Jb" in run.stdout


def test_the_schema_is_printed_as_json_unescaped(capsys):
    """The one machine-readable output: JSON escapes control characters itself."""
    from auditbook.rubrics.schema import schema_json

    assert main(["schema"]) == 0
    assert capsys.readouterr().out == schema_json()


def test_demo_data_into_a_folder_name_that_is_not_utf8(tmp_path, capsys):
    out = tmp_path / os.fsdecode(b"caf\xe9")
    assert main(["demo-data", "--n", "2", "--out", str(out)]) == 0
    assert len(AuditStore(out).files()) == 2
    assert "caf\\xe9" in capsys.readouterr().out


def test_printed_text_is_shown_not_acted_on():
    assert shown("ok \x1b[31mred\u202e\udce9\n") == "ok \\x1b[31mred\\u202e\\xe9\\x0a"
    assert shown("tab\tstays; accents stay: é") == "tab\tstays; accents stay: é"
