"""The audit store: round trips, stale saves, corrupt files, atomic writes and locking."""

from __future__ import annotations

import datetime
import json
import multiprocessing
import os
import re
import stat
from pathlib import Path

import pytest

from auditbook import load_rubric
from auditbook.audits import store as store_module
from auditbook.audits.store import (
    AuditNotFound,
    AuditStore,
    AuditStoreError,
    CorruptAuditFile,
    InvalidAuditId,
    StaleAuditError,
    new_record,
    rubric_hash,
    validate_record,
)

T0, T1, T2, T3 = (f"2026-11-23T12:0{m}:00Z" for m in range(4))


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("docs/examples/example-audit.yaml")


@pytest.fixture
def store(tmp_path):
    return AuditStore(tmp_path / "audits")


def leftovers(store: AuditStore) -> list[str]:
    """Temp files left in the folder (there should never be any)."""
    return sorted(p.name for p in store.root.iterdir() if p.name.endswith(".tmp"))


# ------------------------------------------------------------------- round trips


def test_create_then_load_is_equal(store, rubric):
    created = store.create(rubric, "SW-01", audit_id="a1", now=T0)
    assert created == store.load("a1")
    assert created["revision"] == 1 and created["status"] == "draft"
    assert created["rubric"] == {
        "id": "example-audit",
        "version": "1.0",
        "hash": rubric_hash(rubric),
        "title": "Example Case File Audit",
    }
    assert created["history"] == [{"at": T0, "by": "SW-01", "event": "created", "changes": []}]
    assert validate_record(created) == []


def test_rubric_hash_is_stable(rubric):
    again = load_rubric("docs/examples/example-audit.yaml")
    assert rubric_hash(rubric) == rubric_hash(again)
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", rubric_hash(rubric))


def test_save_bumps_revision_and_appends_history(store, rubric):
    record = store.create(rubric, "SW-01", audit_id="a1", now=T0)
    record["answers"]["assessment_grade"] = "good"
    saved = store.save(record, "SW-02", changes=["assessment_grade"], now=T1)
    assert saved["revision"] == 2
    assert saved["saved"] == {"at": T1, "by": "SW-02"}
    assert saved["created"] == {"at": T0, "by": "SW-01"}
    assert saved["history"][-1] == {
        "at": T1,
        "by": "SW-02",
        "event": "saved",
        "changes": ["assessment_grade"],
    }
    assert len(saved["history"]) == 2
    assert record["revision"] == 1 and len(record["history"]) == 1, "caller's dict not mutated"
    assert store.load("a1") == saved
    saved["status"] = "submitted"
    again = store.save(saved, "SW-02", event="submitted", now=T2)
    assert again["revision"] == 3
    assert [h["event"] for h in again["history"]] == ["created", "saved", "submitted"]


def test_file_is_utf8_with_sorted_keys_and_unescaped_text(store, rubric):
    record = store.create(rubric, "SW-01", audit_id="a1", now=T0)
    record["answers"]["findings"] = "Mother’s café visit went well"
    store.save(record, "SW-01", now=T1)
    raw = store.path("a1").read_bytes()
    text = raw.decode("utf-8")
    assert "Mother’s café visit went well" in text
    assert "\\u" not in text
    assert text.endswith("}\n")
    loaded = json.loads(text)
    assert text == json.dumps(loaded, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert store.load("a1")["answers"]["findings"] == "Mother’s café visit went well"


def test_a_record_with_another_rubric_hash_still_loads(store, rubric):
    store.create(rubric, "SW-01", audit_id="a1", now=T0)
    path = store.path("a1")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["rubric"]["hash"] = "sha256:" + "0" * 64
    data["rubric"]["version"] = "0.9"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert store.load("a1")["rubric"]["version"] == "0.9"


# -------------------------------------------------------------- refusing to save


def test_stale_save_is_refused_and_names_who_saved(store, rubric):
    store.create(rubric, "SW-01", audit_id="a1", now=T0)
    mine, theirs = store.load("a1"), store.load("a1")
    theirs["answers"]["case_id"] = "C-0001"
    store.save(theirs, "TM-02", now=T1)
    after_first = store.path("a1").read_bytes()
    mine["answers"]["case_id"] = "C-9999"
    with pytest.raises(StaleAuditError) as err:
        store.save(mine, "SW-01", now=T2)
    assert err.value.saved_by == "TM-02" and err.value.saved_at == T1
    assert "saved by TM-02 at 23 Nov 2026, 12:01" in str(err.value)
    assert "your changes were not saved" in str(err.value)
    assert store.path("a1").read_bytes() == after_first
    assert store.load("a1")["answers"]["case_id"] == "C-0001"


@pytest.mark.parametrize("tamper", ["edit", "drop", "reorder", "created"])
def test_history_may_only_be_appended_to(store, rubric, tamper):
    record = store.create(rubric, "SW-01", audit_id="a1", now=T0)
    record = store.save(record, "SW-01", now=T1)
    before = store.path("a1").read_bytes()
    if tamper == "edit":
        record["history"][0]["by"] = "SW-99"
    elif tamper == "drop":
        del record["history"][1]
    elif tamper == "reorder":
        record["history"].reverse()
    else:
        record["created"]["by"] = "SW-99"
    with pytest.raises(AuditStoreError, match="history may only be appended to"):
        store.save(record, "SW-01", now=T2)
    assert store.path("a1").read_bytes() == before


def test_extra_history_entries_from_the_caller_are_kept(store, rubric):
    record = store.create(rubric, "SW-01", audit_id="a1", now=T0)
    entry = {"at": T1, "by": "SW-01", "event": "escalation confirmed", "changes": []}
    record["history"].append(entry)
    saved = store.save(record, "SW-01", now=T2)
    assert saved["history"][1] == entry and saved["history"][2]["event"] == "saved"


def test_invalid_record_is_not_saved(store, rubric):
    record = store.create(rubric, "SW-01", audit_id="a1", now=T0)
    before = store.path("a1").read_bytes()
    record["status"] = "done"
    record["answers"]["audit_date"] = datetime.date(2026, 11, 23)
    with pytest.raises(AuditStoreError) as err:
        store.save(record, "SW-01")
    assert "status: expected one of draft, submitted, moderated, found 'done'" in err.value.problems
    assert any("answers['audit_date']" in p for p in err.value.problems)
    assert store.path("a1").read_bytes() == before


def test_saving_an_audit_that_is_not_on_disk_is_refused(store, rubric):
    with pytest.raises(AuditNotFound):
        store.save(new_record(rubric, "ghost", "SW-01"), "SW-01")


def test_create_refuses_an_existing_id(store, rubric):
    store.create(rubric, "SW-01", audit_id="a1", now=T0)
    before = store.path("a1").read_bytes()
    with pytest.raises(AuditStoreError, match="already exists"):
        store.create(rubric, "SW-02", audit_id="a1", now=T1)
    assert store.path("a1").read_bytes() == before


# --------------------------------------------------------------------------- ids


@pytest.mark.parametrize("bad", ["../x", "a/b", "..", "", "a.b", "a\n", " a", "-a", "é", "x" * 101])
def test_invalid_ids_are_refused(store, rubric, bad):
    for attempt in (
        lambda: store.path(bad),
        lambda: store.load(bad),
        lambda: store.create(rubric, "SW-01", audit_id=bad),
        lambda: new_record(rubric, bad, "SW-01"),
    ):
        with pytest.raises(InvalidAuditId, match="letters, digits, '-' or '_'"):
            attempt()
    assert isinstance(InvalidAuditId("x"), ValueError)
    assert not store.root.exists()


def test_new_ids_are_well_formed_and_unused(store, rubric):
    ids = {store.new_id() for _ in range(20)}
    assert len(ids) == 20
    assert all(re.fullmatch(r"audit-\d{8}-[0-9a-f]{6}", i) for i in ids)
    assert re.fullmatch(r"pl-\d{8}-[0-9a-f]{6}", store.new_id("pl"))
    created = store.create(rubric, "SW-01")
    assert store.load(created["id"]) == created


def test_not_found_is_a_key_error_with_a_plain_message(store):
    with pytest.raises(KeyError) as err:
        store.load("nobody")
    assert isinstance(err.value, AuditNotFound)
    assert str(err.value).startswith("There is no saved audit called nobody")


# ------------------------------------------------------------------ corrupt files

CORRUPT = {
    "bad_json": b'{"format": "auditbook-audit", ',
    "json_list": b"[1, 2, 3]\n",
    "missing_keys": b'{"format": "auditbook-audit", "format_version": 1, "id": "c1"}\n',
    "not_utf8": b'{"format": "\xff"}',
    "newer_format": b'{"format": "auditbook-audit", "format_version": 2}\n',
    "wrong_format": b'{"format": "something-else"}\n',
}


@pytest.mark.parametrize("kind", CORRUPT)
def test_corrupt_file_is_reported_and_left_untouched(store, rubric, kind):
    store.create(rubric, "SW-01", audit_id="good", now=T0)
    path = store.path("c1")
    path.write_bytes(CORRUPT[kind])
    with pytest.raises(CorruptAuditFile) as err:
        store.load("c1")
    assert err.value.path == path and err.value.reason
    assert str(path) in str(err.value)
    if kind == "newer_format":
        assert "newer" in err.value.reason
    if kind == "missing_keys":
        assert "status: missing" in err.value.reason

    rows = {row["id"]: row for row in store.list()}
    assert rows["c1"]["error"] == err.value.reason
    assert rows["good"]["error"] is None

    with pytest.raises(CorruptAuditFile):
        store.save(new_record(rubric, "c1", "SW-01"), "SW-01")
    assert path.read_bytes() == CORRUPT[kind]
    assert not store.root.joinpath("c1.prev.json").exists()
    assert leftovers(store) == []


def test_a_file_holding_another_audit_is_corrupt(store, rubric):
    store.create(rubric, "SW-01", audit_id="a1", now=T0)
    store.path("a2").write_bytes(store.path("a1").read_bytes())
    with pytest.raises(CorruptAuditFile, match="file name says a2 but it holds a1"):
        store.load("a2")


# ----------------------------------------------------------- atomic write, backup


def test_a_crash_before_the_final_rename_leaves_the_old_file(store, rubric, monkeypatch):
    record = store.create(rubric, "SW-01", audit_id="a1", now=T0)
    record = store.save(record, "SW-01", now=T1)
    before = store.path("a1").read_bytes()

    def crash(src, dst):
        raise OSError("simulated power cut")

    monkeypatch.setattr(store_module, "_replace", crash)
    record["answers"]["case_id"] = "C-0001"
    with pytest.raises(OSError, match="simulated power cut"):
        store.save(record, "SW-01", now=T2)
    assert store.path("a1").read_bytes() == before
    assert leftovers(store) == []

    monkeypatch.setattr(store_module, "_replace", os.replace)  # the lock was released
    assert store.save(record, "SW-01", now=T3)["revision"] == 3


def test_previous_version_is_kept(store, rubric):
    record = store.create(rubric, "SW-01", audit_id="a1", now=T0)
    prev = store.root / "a1.prev.json"
    assert not prev.exists()
    created = store.path("a1").read_bytes()
    record = store.save(record, "SW-01", now=T1)
    assert prev.read_bytes() == created
    first = store.path("a1").read_bytes()
    store.save(record, "SW-01", now=T2)
    assert prev.read_bytes() == first
    assert json.loads(prev.read_text(encoding="utf-8"))["revision"] == 2


def test_folder_is_made_private_on_first_save_not_on_init(tmp_path, monkeypatch, rubric):
    (tmp_path / "rubrics").mkdir()
    monkeypatch.chdir(tmp_path)
    default = AuditStore()
    assert default.root == tmp_path / "exports" / "audits"
    assert not default.root.exists()
    assert default.list() == []
    default.create(rubric, "SW-01", audit_id="a1")
    assert stat.S_IMODE(default.root.stat().st_mode) == 0o700
    assert stat.S_IMODE(default.path("a1").stat().st_mode) == 0o600


# ------------------------------------------------------------------- two processes


def _save_in_child(root, record, user, barrier, results):
    import time

    def slow_replace(src, dst):  # widen the window in which a second writer could slip in
        time.sleep(0.5)
        os.replace(src, dst)

    store_module._replace = slow_replace
    barrier.wait()
    try:
        AuditStore(root).save(record, user)
        results.put((user, "saved"))
    except StaleAuditError as e:
        results.put((user, f"stale: {e.saved_by}"))


def test_two_processes_saving_the_same_revision_one_wins(store, rubric):
    record = store.create(rubric, "SW-01", audit_id="a1", now=T0)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [
        ctx.Process(target=_save_in_child, args=(store.root, record, user, barrier, results))
        for user in ("SW-01", "SW-02")
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    outcome = dict(results.get(timeout=5) for _ in procs)
    winner = next(u for u, o in outcome.items() if o == "saved")
    loser = next(u for u in outcome if u != winner)
    assert outcome[loser] == f"stale: {winner}"
    saved = store.load("a1")
    assert saved["revision"] == 2 and saved["saved"]["by"] == winner
    assert leftovers(store) == []


# ------------------------------------------------------------------------ listing


def test_list_is_newest_first_and_ignores_backups_and_temp_files(store, rubric):
    assert store.list() == []
    for audit_id, at in (("a1", T0), ("a2", T2), ("a3", T1)):
        store.create(rubric, "SW-01", audit_id=audit_id, now=at)
    record = store.load("a1")
    record["case"] = {"case_id": "C-0001", "team": "Team A", "auditor": "AU-01"}
    store.save(record, "AU-01", now=T3)
    (store.root / ".a1.x.tmp").write_text("partial")
    rows = store.list()
    assert [r["id"] for r in rows] == ["a1", "a2", "a3"]
    assert rows[0] == {
        "id": "a1",
        "rubric_id": "example-audit",
        "rubric_version": "1.0",
        "status": "draft",
        "case_id": "C-0001",
        "auditor": "AU-01",
        "saved_at": T3,
        "saved_by": "AU-01",
        "error": None,
    }


# ------------------------------------------------------------------- validation


def test_validate_record_catches_envelope_problems(rubric):
    good = new_record(rubric, "a1", "SW-01", now=T0)
    assert validate_record(good) == []

    def problems(**changes):
        return validate_record({**good, **changes})

    assert problems(status="finished") == [
        "status: expected one of draft, submitted, moderated, found 'finished'"
    ]
    for bad in ("2", 2.0, True, 0, None):
        assert problems(revision=bad) == [
            f"revision: expected a whole number from 1 up, found {bad!r}"
        ]
    assert problems(extra=1) == ["extra: unknown key"]
    assert problems(history=[]) == ["history: expected a list of at least one entry, found []"]
    assert problems(saved={"at": "yesterday", "by": "SW-01"}) == [
        "saved.at: expected a UTC time like 2026-11-23T12:00:00Z, found 'yesterday'"
    ]
    assert problems(answers={"x": float("nan")}) == [
        "answers['x']: nan is not a number JSON allows"
    ]
    assert problems(escalation={"reasons": ["child not safe"]}) == [
        "escalation.confirmed_at: missing",
        "escalation.confirmed_by: missing",
    ]
    assert validate_record([]) == ["record: expected an object, found []"]


# ------------------------------------------------------------------------- docs

DOC = "docs/audit-format.md"


def test_the_documented_example_is_a_valid_audit_file():
    text = Path(DOC).read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", text, re.S).group(1)
    record = json.loads(example)
    assert validate_record(record) == []
    assert example == json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_every_key_is_documented():
    text = Path(DOC).read_text(encoding="utf-8")
    keys, stack = set(), [store_module._SPEC]
    while stack:
        spec = stack.pop()
        if isinstance(spec, dict):
            keys |= spec.keys()
            stack += spec.values()
        elif isinstance(spec, (list, tuple)):
            stack += [s for s in spec if s is not None]
    missing = sorted(k for k in keys if f"`{k}`" not in text)
    assert not missing, f"keys not documented in {DOC}: {missing}"
    for status in store_module.STATUSES:
        assert f"| `{status}` |" in text


def test_default_folder_can_be_set_by_environment(tmp_path, monkeypatch):
    from auditbook.audits.store import ENV_AUDITS, AuditStore

    monkeypatch.setenv(ENV_AUDITS, str(tmp_path / "elsewhere"))
    assert AuditStore().root == tmp_path / "elsewhere"


def test_relative_audits_folder_is_taken_from_the_project(monkeypatch, tmp_path):
    # The app's kernels run in notebooks/: a relative folder must not move with them.
    root = Path(__file__).resolve().parent.parent
    monkeypatch.setenv("AUDITBOOK_AUDITS", "exports/demo-audits")
    monkeypatch.chdir(root / "notebooks")
    assert AuditStore().root == root / "exports" / "demo-audits"
    monkeypatch.setenv("AUDITBOOK_AUDITS", str(tmp_path))
    assert AuditStore().root == tmp_path
