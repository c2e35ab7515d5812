"""Retention never archives or deletes an audit without its line in the retention log (issue
15): the line is written whole first, then the audit moved; a move that fails takes its line
back. Each test here failed when the line was written after the move."""

from __future__ import annotations

import errno
import os

import pytest

from auditbook.audits import protection
from auditbook.audits.protection import (
    RETENTION_LOG,
    RetentionLogFailed,
    apply_retention,
    log_ref,
    read_log,
    set_hold,
)
from auditbook.audits.store import AuditStore
from auditbook.cli import main

from .test_protection import NOW, make

LINE_START = b'{"action"'  # how every line of the retention log begins (keys sorted)


@pytest.fixture
def aud(tmp_path, library):
    """old1 (2018, with a backup), old2 (2018) and new (2026) in exports/audits."""
    store = AuditStore(tmp_path / "exports" / "audits")
    plr = library.rubrics["practice-learning-review"]
    make(store, plr, "old1", "2018-01-10T09:00:00Z")
    store.save(store.load("old1"), "AU-01", now="2018-01-11T09:00:00Z")
    make(store, plr, "old2", "2018-02-10T09:00:00Z")
    make(store, plr, "new", "2026-10-01T09:00:00Z")
    return store


def log_of(store):
    return store.root / RETENTION_LOG


def names(folder) -> list[str]:
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".json"))


def audits_in_place(store) -> list[str]:
    return sorted(p.stem for p in store.files())


def log_writes(monkeypatch, how: str) -> None:
    """os.write misbehaving as on a full disk, for the retention log's lines only."""
    real = os.write

    def write(fd, data):
        if bytes(data[: len(LINE_START)]) != LINE_START:
            return real(fd, data)
        if how == "full":
            raise OSError(errno.ENOSPC, "No space left on device")
        if how == "zero":
            return 0
        monkeypatch.setattr(os, "write", full)  # half-then-full
        return real(fd, bytes(data[: len(data) // 2]))

    def full(fd, data):  # the rest of the line, and anything after it
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", write)


def break_the_log(store, monkeypatch, fault: str) -> None:
    if fault == "log is a folder":
        log_of(store).mkdir(parents=True)
    else:
        log_writes(monkeypatch, fault)


@pytest.mark.parametrize("how", ["archive", "delete"])
@pytest.mark.parametrize("fault", ["log is a folder", "full", "zero", "half-then-full"])
def test_an_audit_whose_line_cannot_be_written_stays_where_it_is(
    aud, tmp_path, monkeypatch, fault, how
):
    archive = tmp_path / "archive"
    before = {p.name: p.read_bytes() for p in aud.root.glob("*.json")}
    with monkeypatch.context() as m:
        break_the_log(aud, m, fault)
        with pytest.raises(RetentionLogFailed) as stopped:
            if how == "archive":
                apply_retention(aud, "6y", archive=archive, now=NOW)
            else:
                apply_retention(aud, "6y", delete=True, now=NOW)
    assert {p.name: p.read_bytes() for p in aud.root.glob("*.json")} == before
    assert names(archive) == []
    assert stopped.value.result.archived == stopped.value.result.deleted == []
    if fault != "log is a folder":
        assert log_of(aud).read_bytes() == b""  # no half line left behind


def test_the_line_is_on_disk_before_the_audit_moves(aud, tmp_path, monkeypatch):
    seen = []
    real = protection.shutil.move

    def move(src, dst):
        seen.append((os.path.basename(src), [e["audit"] for e in read_log(log_of(aud))]))
        return real(src, dst)

    monkeypatch.setattr(protection.shutil, "move", move)
    r = apply_retention(aud, "6y", archive=tmp_path / "archive", now=NOW)
    assert r.archived == ["old1", "old2"]
    assert seen == [
        ("old1.prev.json", [log_ref("old1")]),
        ("old1.json", [log_ref("old1")]),
        ("old2.prev.json", [log_ref("old1"), log_ref("old2")]),
        ("old2.json", [log_ref("old1"), log_ref("old2")]),
    ]


def test_a_move_that_fails_is_put_back_and_its_line_taken_back(aud, tmp_path, monkeypatch):
    real = protection.shutil.move

    def move(src, dst):
        if os.path.basename(src) == "old1.json":  # after old1's backup has gone across
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(protection.shutil, "move", move)
    archive, revision = tmp_path / "archive", aud.load("old1")["revision"]
    r = apply_retention(aud, "6y", archive=archive, now=NOW)
    assert r.archived == ["old2"]
    [(audit_id, why)] = r.refused
    assert audit_id == "old1" and "No space left on device" in why
    assert aud.load("old1")["revision"] == revision and (aud.root / "old1.prev.json").exists()
    assert names(archive) == ["old2.json", "old2.prev.json"]
    assert [e["audit"] for e in read_log(log_of(aud))] == [log_ref("old2")]


def test_a_move_that_cannot_be_put_back_keeps_its_line_and_says_so(aud, tmp_path, monkeypatch):
    real = protection.shutil.move

    def move(src, dst):  # old1's audit file will not go, nor its backup come back
        if os.path.basename(src) == "old1.json" or str(dst) == str(aud.root / "old1.prev.json"):
            raise OSError(errno.EIO, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr(protection.shutil, "move", move)
    r = apply_retention(aud, "6y", archive=tmp_path / "archive", now=NOW)
    [(audit_id, why)] = r.refused
    assert audit_id == "old1" and "could not be put back" in why and "keeps its line" in why
    assert log_ref("old1") in [e["audit"] for e in read_log(log_of(aud))]


def test_a_deletion_that_fails_takes_its_line_back(aud, monkeypatch):
    real = os.unlink

    def unlink(path, *a, **k):
        if os.path.basename(path) == "old1.json":
            raise OSError(errno.EACCES, "Permission denied")
        return real(path, *a, **k)

    monkeypatch.setattr(os, "unlink", unlink)
    r = apply_retention(aud, "6y", delete=True, now=NOW)
    assert r.deleted == ["old2"] and r.refused[0][0] == "old1"
    assert aud.load("old1")
    assert [e["action"] for e in read_log(log_of(aud))] == ["deleted"]


def test_a_held_audit_whose_line_cannot_be_written_stops_the_run(aud, tmp_path):
    set_hold(aud, "old1", "LEGAL-1", user="QA-01", now=NOW)
    log_of(aud).mkdir()
    with pytest.raises(RetentionLogFailed) as stopped:
        apply_retention(aud, "6y", archive=tmp_path / "archive", now=NOW)
    assert stopped.value.result.held == ["old1"] and stopped.value.result.archived == []
    assert audits_in_place(aud) == ["new", "old1", "old2"]


def test_the_command_says_what_was_done_and_why_it_stopped(aud, tmp_path, monkeypatch, capsys):
    real = os.write
    lines = []

    def write(fd, data):  # the second line of the log finds the disk full
        if bytes(data[: len(LINE_START)]) == LINE_START:
            lines.append(data)
            if len(lines) == 2:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(os, "write", write)
    archive = tmp_path / "archive"
    code = main(
        ["retention", "--older-than", "6y", "--archive", str(archive), "--audits", str(aud.root)]
    )
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    assert "old1: archived" in out
    assert "No space left on device" in err and "old2" in err and "stopped" in err
    assert names(archive) == ["old1.json", "old1.prev.json"]
    assert audits_in_place(aud) == ["new", "old2"]
    assert [e["audit"] for e in read_log(log_of(aud))] == [log_ref("old1")]
