"""Data-protection controls: legal holds, retention with its log, the export log, and the
pseudonymised workbook as the default for anything leaving the QA team."""

from __future__ import annotations

import json
import stat

import pytest

from auditbook.analytics import load_audits
from auditbook.audits.protection import (
    EXPORT_LOG,
    HOLDS_FILE,
    RETENTION_LOG,
    ProtectionError,
    apply_retention,
    holds,
    log_ref,
    parse_period,
    read_log,
    release_hold,
    set_hold,
)
from auditbook.audits.store import AuditStore
from auditbook.cli import main
from auditbook.pages.auditor import AuditApp
from auditbook.pages.dashboard import Dashboard

from .conftest import grade, put

NOW = "2026-11-23T12:00:00Z"
CASE, NAME, EVIDENCE, TEAM = "C-98765", "Zebedee Quartermaine", "Bright-purple-kite evidence", "T9"


def make(store, rubric, audit_id, at):
    """An audit holding a case id, a name and evidence text, created and saved at `at`."""
    record = store.create(rubric, "AU-01", audit_id=audit_id, now=at)
    record["case"] = {"case_id": CASE, "team": TEAM, "auditor": NAME}
    record["answers"] = {
        "id_number": CASE,
        "worker_name": NAME,
        "overall_grade": grade("good", EVIDENCE),
    }
    return store.save(record, NAME, now=at)


@pytest.fixture
def aud(tmp_path, library):
    """old1, old2 (2018), new (2026) and an unreadable file in exports/audits of tmp_path."""
    store = AuditStore(tmp_path / "exports" / "audits")
    plr = library.rubrics["practice-learning-review"]
    make(store, plr, "old1", "2018-01-10T09:00:00Z")
    make(store, plr, "old2", "2018-02-10T09:00:00Z")
    make(store, plr, "new", "2026-10-01T09:00:00Z")
    (store.root / "broken.json").write_text("{nope", encoding="utf-8")
    return store


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def no_personal_data(path) -> None:
    text = path.read_text(encoding="utf-8")
    for planted in (CASE, NAME, EVIDENCE, "Zebedee", "kite"):
        assert planted not in text, planted


# --------------------------------------------------------------------------- retention


def test_periods():
    assert parse_period("6y").days >= 6 * 365 and parse_period("18m").days >= 540
    assert parse_period("400d").days == 400
    for bad in ("6", "y", "0d", "six years", "-1y"):
        with pytest.raises(ProtectionError):
            parse_period(bad)


def test_dry_run_lists_and_changes_nothing(aud):
    before = sorted(p.name for p in aud.root.iterdir())
    r = apply_retention(aud, "6y", delete=True, dry_run=True, now=NOW)
    assert r.deleted == ["old1", "old2"] and r.kept == 1
    assert r.unreadable and r.unreadable[0][0] == "broken.json"
    assert sorted(p.name for p in aud.root.iterdir()) == before


def test_archive_moves_old_audits_privately_and_logs_without_personal_data(aud, tmp_path):
    archive = tmp_path / "archive"
    r = apply_retention(aud, "6y", archive=archive, now=NOW)
    assert r.archived == ["old1", "old2"] and r.kept == 1
    assert sorted(p.name for p in archive.iterdir()) == [
        "old1.json", "old1.prev.json", "old2.json", "old2.prev.json"
    ]  # fmt: skip
    assert mode(archive) == 0o700
    assert AuditStore(archive).load("old1")["id"] == "old1"  # still a readable audit
    left = sorted(p.name for p in aud.root.iterdir() if not p.name.startswith("."))
    assert left == ["broken.json", "new.json", "new.lock", "new.prev.json", RETENTION_LOG]
    assert (aud.root / "broken.json").read_text(encoding="utf-8") == "{nope"  # untouched
    log = read_log(aud.root / RETENTION_LOG)
    assert [e["action"] for e in log] == ["archived", "archived"]
    assert log[0]["audit"] == log_ref("old1") and log[0]["saved_month"] == "2018-01"
    assert "old1" not in json.dumps(log)
    no_personal_data(aud.root / RETENTION_LOG)
    assert mode(aud.root / RETENTION_LOG) == 0o600


def test_delete_skips_held_audits(aud):
    set_hold(aud, "old2", "LEGAL-2026/041", user="QA-01", now=NOW)
    r = apply_retention(aud, "6y", delete=True, now=NOW)
    assert r.deleted == ["old1"] and r.held == ["old2"]
    assert not aud.path("old1").exists() and not (aud.root / "old1.prev.json").exists()
    assert aud.load("old2")["id"] == "old2" and aud.load("new")
    log = read_log(aud.root / RETENTION_LOG)
    assert [e["action"] for e in log] == ["deleted", "skipped-held"]
    no_personal_data(aud.root / RETENTION_LOG)
    no_personal_data(aud.root / HOLDS_FILE)


def test_archive_never_overwrites_a_file_already_archived(aud, tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "old1.json").write_text("earlier archive", encoding="utf-8")
    r = apply_retention(aud, "6y", archive=archive, now=NOW)
    assert r.archived == ["old2"] and r.refused[0][0] == "old1"
    assert aud.load("old1") and (archive / "old1.json").read_text() == "earlier archive"


def test_retention_refuses_unclear_requests(aud, tmp_path):
    with pytest.raises(ProtectionError):
        apply_retention(aud, "6y", now=NOW)  # neither archive nor delete
    with pytest.raises(ProtectionError):
        apply_retention(aud, "6y", archive=tmp_path / "a", delete=True, now=NOW)
    with pytest.raises(ProtectionError):
        apply_retention(aud, "6y", archive=aud.root, now=NOW)


def test_a_damaged_holds_file_stops_retention(aud):
    (aud.root / HOLDS_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ProtectionError):
        apply_retention(aud, "6y", delete=True, now=NOW)
    assert aud.path("old1").exists()


def test_retention_command(aud, tmp_path, capsys):
    args = ["retention", "--older-than", "6y", "--audits", str(aud.root)]
    assert main([*args, "--delete", "--dry-run"]) == 1  # 1: an unreadable file was reported
    out = capsys.readouterr()
    assert "old1: would be deleted" in out.out and "dry run" in out.out
    assert "broken.json: cannot be read" in out.err and aud.path("old1").exists()
    (aud.root / "broken.json").unlink()
    assert main([*args, "--archive", str(tmp_path / "arch")]) == 0
    assert "2 audit(s) archived" in capsys.readouterr().out
    assert (tmp_path / "arch" / "old2.json").exists() and not aud.path("old2").exists()
    assert main(["retention", "--older-than", "soon", "--delete", "--audits", str(aud.root)]) == 2


# -------------------------------------------------------------------------- legal holds


def test_holds_set_list_release(aud, capsys):
    hold = set_hold(aud, "old1", "TICKET-1234", user="QA-01", now=NOW)
    assert hold == {"reference": "TICKET-1234", "by": "QA-01", "at": NOW}
    assert holds(aud) == {"old1": hold}
    with pytest.raises(ProtectionError):
        set_hold(aud, "old1", "Zebedee Quartermaine's sister said so, please keep")
    with pytest.raises(ProtectionError):
        set_hold(aud, "missing", "TICKET-1")
    assert release_hold(aud, "old1") == hold and holds(aud) == {}
    with pytest.raises(ProtectionError):
        release_hold(aud, "old1")

    base = ["hold", "--audits", str(aud.root)]
    assert main([*base, "old2", "--reason", "LEGAL-7"]) == 0
    assert main([*base, "--list"]) == 0
    assert "old2\tLEGAL-7" in capsys.readouterr().out
    assert main([*base, "old2"]) == 2  # neither --reason nor --release
    assert main([*base, "nope", "--reason", "LEGAL-7"]) == 1
    assert main([*base, "--release", "old2"]) == 0 and holds(aud) == {}


# ---------------------------------------------------------------------------- export log


def entries(store):
    path = store.root.parent / EXPORT_LOG
    assert mode(path) == 0o600
    no_personal_data(path)
    return read_log(path)


def test_cli_exports_are_logged(aud, tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITBOOK_USER", "QA-07")
    monkeypatch.setenv("AUDITBOOK_PSEUDONYM_KEY", str(tmp_path / "key" / "k.key"))
    (aud.root / "broken.json").unlink()
    out = tmp_path / "out"
    common = ["--audits", str(aud.root), "--out", str(out)]
    assert main(["export", "new", "old1", "--format", "html", *common]) == 0
    assert main(["export", "new", *common]) == 0  # documents default to Word
    assert main(["export", *common]) == 0  # no audits named: the pseudonymised workbook
    log = entries(aud)
    assert [(e["format"], e["audits"], e["by"]) for e in log] == [
        ("html", ["new", "old1"], "QA-07"),
        ("docx", ["new"], "QA-07"),
        ("pseudonymised", "all", "QA-07"),
    ]
    assert log[0]["where"] == f"{out / 'new.html'}, {out / 'old1.html'}"
    assert log[2]["where"].endswith(".xlsx") and "pseudonymised-" in log[2]["where"]


def test_identifiable_cli_exports_say_qa_team_only(aud, tmp_path, capsys):
    (aud.root / "broken.json").unlink()
    args = ["export", "--format", "xlsx", "--audits", str(aud.root), "--out", str(tmp_path)]
    assert main(args) == 0
    assert "for the QA team only" in capsys.readouterr().err
    assert entries(aud)[-1]["format"] == "xlsx"


def test_app_export_is_logged(aud, library):
    app = AuditApp(store=aud, user="QA-01")
    path = app.export("new", "html")
    assert path is not None and "Download" in app.download.value
    [entry] = entries(aud)
    assert entry["by"] == "QA-01" and entry["audits"] == ["new"] and entry["format"] == "html"
    assert entry["where"] == str(path)


def test_app_export_not_offered_when_the_log_cannot_be_written(aud):
    (aud.root.parent / EXPORT_LOG).mkdir()  # a folder where the log should be
    app = AuditApp(store=aud, user="QA-01")
    assert app.export("new", "html") is None
    assert app.download.value == "" and "ab-error" in app.message.value


def test_dashboard_workbooks_are_logged_with_the_filters(tmp_path, library, monkeypatch):
    monkeypatch.setenv("AUDITBOOK_PSEUDONYM_KEY", str(tmp_path / "key" / "k.key"))
    monkeypatch.setenv("AUDITBOOK_USER", "QA-02")
    store = AuditStore(tmp_path / "exports" / "audits")
    plr = library.rubrics["practice-learning-review"]
    for i, team in enumerate(["Team A", "Team A", "Team B"]):
        put(store, plr, f"a{i}", {"id_number": f"C-00{i}", "team": team, "worker_name": NAME,
                                  "overall_grade": grade("good", EVIDENCE)})  # fmt: skip
    frames = load_audits(store, library=library, progress=False)
    page = Dashboard(frames, source=str(store.root))
    body = page.body.children
    assert body[2].children[0] is page.pseudo_button  # the pseudonymised workbook comes first
    assert page.pseudo_button.button_style == "primary" and page.excel_button.button_style == ""
    page.team.value = "Team A"
    page.pseudo_button.click()
    page.excel_button.click()
    assert "QA team only" in page.excel.value and "Pseudonymised" in page.pseudo.value
    log = entries(store)
    assert [(e["format"], e["audits"], e["where"], e["by"]) for e in log] == [
        ("pseudonymised", 2, "download", "QA-02"),
        ("xlsx", 2, "download", "QA-02"),
    ]
    assert log[0]["selection"]["team"] == "Team A"
