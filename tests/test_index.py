"""The audit index: kept by every save, never trusted over a file, and losing nothing when
deleted. The frames read through it are the frames read from the files."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import stat

import pandas as pd
import pytest

from auditbook import demo
from auditbook.analytics.frames import load_audits
from auditbook.audits import store as store_module
from auditbook.audits.index import INDEX_NAME
from auditbook.audits.store import AuditStore
from auditbook.cli import main
from auditbook.rubrics.library import load_library

T0 = "2026-11-23T12:00:00Z"


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory, library):
    """Synthetic audits of every template (written through the store, so indexed as saved)."""
    folder = tmp_path_factory.mktemp("index") / "audits"
    demo.generate(folder, n=40, seed=3, library=library)
    return folder


@pytest.fixture
def folder(tmp_path, demo_folder):
    copy = tmp_path / "audits"
    shutil.copytree(demo_folder, copy)
    (copy / INDEX_NAME).unlink()  # a copy has new inodes: start from the files
    return copy


def assert_same_frames(a, b):
    for name in ("audits", "answers", "actions", "problems"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_like=False)
    assert a.scale == b.scale


def test_frames_through_the_index_are_the_frames_of_the_files(folder, library):
    from_files = load_audits(folder, library, as_of="2026-11-01", use_index=False)
    built = load_audits(folder, library, as_of="2026-11-01")  # builds the index
    again = load_audits(folder, library, as_of="2026-11-01")  # reads only the index
    assert len(from_files.audits) == 40 and len(from_files.actions) > 0
    assert_same_frames(from_files, built)
    assert_same_frames(from_files, again)
    assert AuditStore(folder).index.stale(library) == []


def test_every_save_updates_the_index_in_the_same_save(tmp_path, library):
    rubric = next(iter(library.rubrics.values()))
    store = AuditStore(tmp_path / "audits")
    record = store.create(rubric, "SW-01", audit_id="a1", now=T0)
    record["status"] = "submitted"
    store.save(record, "SW-01", "submitted", rubric=rubric)
    assert store.index.check(library) == []  # no read needed to agree
    (row,), total = store.index.search("a1")
    assert (total, row["status"], row["revision"]) == (1, "submitted", 2)
    mode = stat.S_IMODE(os.stat(store.root / INDEX_NAME).st_mode)
    assert mode == 0o600, "the index describes children's audits: private to its owner"


def test_a_file_changed_behind_the_index_is_found_by_check_and_read_again(folder, library):
    store = AuditStore(folder)
    load_audits(store, library)
    assert store.index.check(library) == []
    victim, gone, added = sorted(p.stem for p in store.files())[:3]
    # restored from a backup, deleted, copied in from elsewhere
    shutil.copyfile(folder / f"{victim}.prev.json", folder / f"{victim}.json")
    (folder / f"{gone}.json").unlink()
    copied = (folder / f"{added}.json").read_text().replace(added, "copied-in")
    (folder / "copied-in.json").write_text(copied)
    found = {f.audit_id: f.problem for f in store.index.check(library)}
    assert found == {
        victim: "its file has changed since it was indexed",
        gone: "the index lists it but its file is gone",
        "copied-in": "its file is not in the index",
    }
    assert main(["index", "check", "--audits", str(folder)]) == 1
    previous = store.load(victim)["revision"]
    rows = {row["id"]: row for row in store.list()}  # the next read picks every change up
    assert rows[victim]["saved_at"] == store.load(victim)["saved"]["at"]
    assert gone not in rows and "copied-in" in rows
    assert store.index.search(victim)[0][0]["revision"] == previous
    assert store.index.check(library) == []
    assert_same_frames(
        load_audits(store, library, as_of="2026-11-01"),
        load_audits(store, library, as_of="2026-11-01", use_index=False),
    )


def test_deleting_or_damaging_the_index_loses_nothing(folder, library, capsys):
    store = AuditStore(folder)
    expected = load_audits(store, library, as_of="2026-11-01", use_index=False)
    assert main(["index", "rebuild", "--audits", str(folder)]) == 0
    assert "Indexed 40 audit file(s)" in capsys.readouterr().out
    store.index.delete()
    assert_same_frames(load_audits(store, library, as_of="2026-11-01"), expected)
    (folder / INDEX_NAME).write_bytes(b"this is not a database" * 100)
    assert len(store.list()) == 40
    assert_same_frames(load_audits(store, library, as_of="2026-11-01"), expected)
    assert main(["index", "check", "--audits", str(folder)]) == 0
    assert "agrees with the 40 audit file(s)" in capsys.readouterr().out


def test_an_unreadable_file_is_listed_with_its_reason_and_read_again_once_mended(folder, library):
    store = AuditStore(folder)
    name = store.files()[0]
    good = name.read_bytes()
    name.write_text("{ not json")
    rows = {row["id"]: row for row in store.list()}
    assert "not valid JSON" in rows[name.stem]["error"]
    assert list(rows)[-1] == name.stem, "unreadable files come last"
    frames = load_audits(store, library)
    assert "not valid JSON" in frames.problems.loc[0, "reason"]
    name.write_bytes(good)
    assert store.list()[-1]["error"] is None
    assert len(load_audits(store, library).audits) == 40


def test_a_linked_index_is_not_followed(tmp_path, folder, library):
    outside = tmp_path / "elsewhere.sqlite"
    outside.write_bytes(b"")
    os.symlink(outside, folder / INDEX_NAME)
    store = AuditStore(folder)
    assert len(store.list()) == 40  # from the files
    assert len(load_audits(store, library).audits) == 40
    assert outside.read_bytes() == b""


def test_search_filters_sorts_and_pages(folder, library):
    store = AuditStore(folder)
    store.index.refresh(library)
    everything, total = store.index.search(limit=None)
    assert total == 40 == len(everything)
    case = everything[7]["case_id"]
    rows, n = store.index.search(case[-3:].lower())
    assert case in [r["case_id"] for r in rows] and n == len(rows)
    team = everything[0]["team"]
    rows, n = store.index.search(team=team, limit=None)
    assert n == sum(r["team"] == team for r in everything) and {r["team"] for r in rows} == {team}
    rows, _ = store.index.search(sort="case", descending=False, limit=None)
    cases = [r["case_id"] for r in rows]
    assert cases == sorted(cases)
    first, _ = store.index.search(limit=10)
    second, _ = store.index.search(limit=10, offset=10)
    assert not {r["id"] for r in first} & {r["id"] for r in second}
    assert store.index.search("%")[1] == 0, "a search's text is text, not a pattern"
    choices = store.index.choices()
    assert team in choices["team"] and set(choices["status"]) <= {"draft", "submitted", "moderated"}


def _die_after_the_file_is_written(root, rubric):
    def replace_then_die(src, dst):
        os.replace(src, dst)
        os.kill(os.getpid(), signal.SIGKILL)  # the file is written; its index row is not

    store_module._replace = replace_then_die
    store = AuditStore(root)
    record = store.load("a1")
    record["status"] = "submitted"
    store.save(record, "SW-02", "submitted", rubric=rubric)


def test_a_kill_mid_save_leaves_file_and_index_agreeing_after_the_next_read(tmp_path, library):
    rubric = next(iter(library.rubrics.values()))
    store = AuditStore(tmp_path / "audits")
    store.create(rubric, "SW-01", audit_id="a1", now=T0)
    child = multiprocessing.get_context("fork").Process(
        target=_die_after_the_file_is_written, args=(store.root, rubric)
    )
    child.start()
    child.join(timeout=60)
    assert child.exitcode == -signal.SIGKILL
    assert store.load("a1")["status"] == "submitted"
    assert [f.audit_id for f in store.index.check(library)] == ["a1"]
    assert store.list()[0]["status"] == "submitted"  # the next read
    assert store.index.check(library) == []
