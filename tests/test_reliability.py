"""Reliability of saving, proven by force: saves killed at random moments, two sessions on one
audit, many processes saving at once. Each test prints its figures (run with `pytest -s`) and
writes them to a small JSON file under pytest's tmp folder; docs/reliability.md quotes them."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest

from auditbook import load_rubric
from auditbook.audits.store import AuditStore, StaleAuditError
from auditbook.forms.form import AuditForm
from auditbook.web.dates import when

KILLS = 250  # at least 200 saves interrupted
AUDITS = ("k1", "k2", "k3")
BIG = 60_000  # characters per answer: a sizable audit, so a save takes a while to write
T0 = "2026-11-23T12:00:00Z"


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("docs/examples/example-audit.yaml")


def record_figures(tmp_path_factory, name: str, figures: dict) -> None:
    """Print the test's figures and keep them as JSON outside the repository."""
    out = tmp_path_factory.getbasetemp() / "reliability-figures"
    out.mkdir(exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(f"\n{name}: {json.dumps(figures)}  ({out / (name + '.json')})")


def answers_for(revision: int) -> dict:
    """The answers written as `revision`: every part carries the revision, so a file mixing
    two versions could not pass expected()."""
    return {
        "rev": revision,
        "findings": f"<{revision}>" * (BIG // 8),
        "tail": f"end of revision {revision}",
    }


def intact(record: dict) -> bool:
    """Whether the record is wholly one revision (revision 1 is the empty created audit)."""
    if record["revision"] == 1:
        return record["answers"] == {}
    return record["answers"] == answers_for(record["revision"])


def _saver(root: str, ready: int) -> None:
    """The child: save the audits in turn, forever, each save the next revision."""
    store = AuditStore(root)
    n = 0
    os.write(ready, b"r")  # started: the parent's random delay counts from here
    while True:
        audit_id = AUDITS[n % len(AUDITS)]
        n += 1
        record = store.load(audit_id)
        record["answers"] = answers_for(record["revision"] + 1)
        store.save(record, "SW-01", changes=["findings"], now=T0)


def _fork_saver(root: Path) -> int:
    """Start a saving child and return its pid once its loop has begun."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        try:
            os.close(read)
            _saver(str(root), write)
        except BaseException:
            os._exit(1)
        os._exit(0)
    os.close(write)
    os.read(read, 1)  # b"r", or b"" if the child died first (the status check then fails)
    os.close(read)
    return pid


def _save_seconds(store: AuditStore, rubric) -> float:
    """How long one save takes on this machine now, so the kills spread over a few saves
    even on a slow or busy machine."""
    store.create(rubric, "SW-01", audit_id="timing", now=T0)
    times = []
    for _ in range(5):
        record = store.load("timing")
        record["answers"] = answers_for(record["revision"] + 1)
        started = time.perf_counter()
        store.save(record, "SW-01", now=T0)
        times.append(time.perf_counter() - started)
    return sorted(times)[2]


def test_saves_killed_at_random_moments_leave_old_or_new_version(
    tmp_path, rubric, tmp_path_factory
):
    store = AuditStore(tmp_path / "audits")
    for audit_id in AUDITS:
        store.create(rubric, "SW-01", audit_id=audit_id, now=T0)
    rng = random.Random(6)
    window = min(0.1, max(0.02, 2 * _save_seconds(AuditStore(tmp_path / "timing"), rubric)))
    seen = dict.fromkeys(AUDITS, 1)  # the revision last found on disk
    mid_save = temps_removed = 0
    between_renames: set[tuple[str, int]] = set()  # (audit, revision) found so
    started = time.perf_counter()
    for _ in range(KILLS):
        pid = _fork_saver(store.root)
        time.sleep(rng.uniform(0, window))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        # The child only ever stops by our kill: an error while saving would show here.
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        temps = sorted(store.root.glob(".*.tmp"))
        mid_save += bool(temps)
        for audit_id in AUDITS:
            record = store.load(audit_id)  # never corrupt: loads, envelope checked
            assert intact(record), f"{audit_id} mixes revisions"
            assert record["revision"] >= seen[audit_id], "an older revision came back"
            seen[audit_id] = record["revision"]
            prev = store.root / f"{audit_id}.prev.json"
            if record["revision"] > 1:
                backup = json.loads(prev.read_text(encoding="utf-8"))
                assert intact(backup)
                # The backup is renamed into place just before the audit: a kill between the
                # two renames leaves both holding the old revision (nothing lost; the one
                # before it is no longer kept). Otherwise it is the revision before.
                if backup["revision"] == record["revision"]:
                    assert prev.read_bytes() == store.path(audit_id).read_bytes()
                    between_renames.add((audit_id, record["revision"]))
                else:
                    assert backup["revision"] == record["revision"] - 1
            else:
                assert not prev.exists()
        for t in temps:  # documented as safe to delete
            t.unlink()
            temps_removed += 1
    seconds = time.perf_counter() - started
    assert store.list() and all(row["error"] is None for row in store.list())
    record_figures(
        tmp_path_factory,
        "kill_during_save",
        {
            "kills": KILLS,
            "kills_with_a_save_in_progress": mid_save,
            "temp_files_left_and_removed": temps_removed,
            "kills_between_backup_and_audit_rename": len(between_renames),
            "revisions_written": sum(seen.values()) - len(AUDITS),
            "files_checked": KILLS * len(AUDITS),
            "files_intact": KILLS * len(AUDITS),
            "answer_size_chars": BIG,
            "kill_delay_ms": f"0 to {window * 1000:.0f}",
            "seconds": round(seconds, 1),
        },
    )
    assert sum(seen.values()) > len(AUDITS), "the children should get some saves done"
    assert mid_save > 0, "some kills should land in the middle of a save"


# ----------------------------------------------------------- two sessions, one audit


def test_two_forms_on_one_audit_cannot_overwrite_each_other(tmp_path, rubric):
    store = AuditStore(tmp_path / "audits")
    store.create(rubric, "SW-01", audit_id="a1", now=T0)
    first = AuditForm(rubric, store, "a1", user="SW-01", autosave_delay=None)
    second = AuditForm(rubric, store, "a1", user="TM-02", autosave_delay=None)
    first.data = {"case_id": "C-0001", "audit_date": "2026-11-20"}
    second.data = {"case_id": "C-9999", "audit_date": "2026-11-21"}
    assert first.save()
    saved = store.path("a1").read_bytes()
    assert not second.save()
    message = second._unsaved.text.value  # at the top of the form
    at = store.load("a1")["saved"]["at"]
    assert f"This audit was saved by SW-01 at {when(at)} since you opened it" in message
    assert "your changes were not saved" in message
    assert store.path("a1").read_bytes() == saved
    assert store.load("a1")["answers"] == {"case_id": "C-0001", "audit_date": "2026-11-20"}
    # Reopened, the second person sees the first's answers and can save on top of them.
    again = AuditForm(rubric, store, "a1", user="TM-02", autosave_delay=None)
    assert again.data["case_id"] == "C-0001"
    again.data = {"case_id": "C-0002"}
    assert again.save() and store.load("a1")["revision"] == 3


def _race(root, barrier, results, user) -> None:
    store = AuditStore(root)
    record = store.load("a1")
    barrier.wait()  # everyone holds the same revision before anyone saves
    record["answers"] = {"case_id": user}
    try:
        store.save(record, user)
        results.put((user, "saved", None))
    except StaleAuditError as e:
        results.put((user, "stale", str(e)))
    except BaseException as e:
        results.put((user, "error", repr(e)))


def test_processes_saving_the_same_revision_exactly_one_wins(tmp_path, rubric, tmp_path_factory):
    store = AuditStore(tmp_path / "audits")
    store.create(rubric, "SW-01", audit_id="a1", now=T0)
    ctx = multiprocessing.get_context("fork")
    rounds, racers, refused = 10, 4, 0
    for n in range(rounds):
        barrier, results = ctx.Barrier(racers), ctx.Queue()
        users = [f"SW-{n:02d}{k}" for k in range(racers)]
        procs = [ctx.Process(target=_race, args=(store.root, barrier, results, u)) for u in users]
        for p in procs:
            p.start()
        got = [results.get(timeout=30) for _ in procs]
        for p in procs:
            p.join(timeout=30)
        winners = [u for u, outcome, _ in got if outcome == "saved"]
        assert len(winners) == 1, got
        assert all(outcome in ("saved", "stale") for _, outcome, _ in got), got
        record = store.load("a1")
        assert record["answers"] == {"case_id": winners[0]}
        assert record["revision"] == n + 2
        # the winner's save updated the audit index under the same lock: no read needed
        assert store.index.check() == []
        assert store.index.search("a1")[0][0]["saved_by"] == winners[0]
        for _, outcome, message in got:
            if outcome == "stale":
                refused += 1
                assert f"saved by {winners[0]} at {when(record['saved']['at'])}" in message
    record_figures(
        tmp_path_factory,
        "same_audit_race",
        {
            "rounds": rounds,
            "processes_per_round": racers,
            "saves_won": rounds,
            "stale_saves_refused": refused,
            "overwrites": 0,
        },  # fmt: skip
    )


# ------------------------------------------------------ many writers, different audits


def _writer(root, worker: int, saves: int) -> None:
    store = AuditStore(root)
    audit_id = f"w{worker}"
    for n in range(saves):
        record = store.load(audit_id)
        record["answers"] = {"n": n, "text": f"worker {worker} save {n} " * 200}
        store.save(record, f"SW-{worker:02d}", changes=["text"])


def test_many_processes_saving_different_audits_lose_nothing(tmp_path, rubric, tmp_path_factory):
    store = AuditStore(tmp_path / "audits")
    workers, saves = 8, 25
    for k in range(workers):
        store.create(rubric, "SW-01", audit_id=f"w{k}", now=T0)
    ctx = multiprocessing.get_context("fork")
    started = time.perf_counter()
    procs = [ctx.Process(target=_writer, args=(store.root, k, saves)) for k in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    seconds = time.perf_counter() - started
    assert [p.exitcode for p in procs] == [0] * workers
    lost = 0
    for k in range(workers):
        record = store.load(f"w{k}")
        expected = {"n": saves - 1, "text": f"worker {k} save {saves - 1} " * 200}
        lost += record["revision"] != saves + 1 or record["answers"] != expected
        assert len(record["history"]) == saves + 1
    assert lost == 0
    assert not sorted(store.root.glob("*.tmp")), "no stray temp files"
    assert store.index.check() == [], "every save's index row agrees with its file"
    revisions = {row["id"]: row["revision"] for row in store.index.summaries()}
    assert revisions == {f"w{k}": saves + 1 for k in range(workers)}
    assert len(store.list()) == workers
    record_figures(
        tmp_path_factory,
        "concurrent_writers",
        {
            "processes": workers,
            "saves_each": saves,
            "saves": workers * saves,
            "audits_lost_or_wrong": lost,
            "stray_temp_files": 0,
            "seconds": round(seconds, 1),
        },  # fmt: skip
    )
