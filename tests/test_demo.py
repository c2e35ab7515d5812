"""Demo data: reproducible, valid as the app writes it, realistic, and free of personal data."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from auditbook import demo
from auditbook.audits.store import AuditStore, validate_record
from auditbook.cli import main
from auditbook.demo import words as demo_words
from auditbook.rubrics import answers as A
from auditbook.rubrics.library import load_library

N = 200
END = date(2026, 10, 31)  # the last day of the default period (18 months to 2026-10)
START = date(2025, 5, 1)
CODE = re.compile(  # every person, team and case in demo data is one of these codes
    r"Team [A-F]|AU-0[1-8]|MOD-0[1-3]|SW-(0[1-9]|[1-3]\d|40)|TM-0[1-6]|SM-0[12]|SD-01"
    r"|QARO-0[12]|C-\d{5}|Child C-\d{5}"
)
GOOD = ("outstanding", "good")


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def run(tmp_path_factory, library):
    """One 200-audit run shared by the tests that only read it."""
    out = tmp_path_factory.mktemp("demo") / "audits"
    ids = demo.generate(out, n=N, seed=0, library=library)
    store = AuditStore(out)
    records = [store.load(i) for i in ids]
    return out, ids, records


def files(folder: Path) -> dict[str, bytes]:
    """The audit files and their backups (not the audit index, which records inodes)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if not p.name.startswith(".index.sqlite")
    }


def test_same_seed_same_bytes_other_seed_differs(tmp_path, library):
    a = demo.generate(tmp_path / "a", n=25, seed=7, library=library)
    b = demo.generate(tmp_path / "b", n=25, seed=7, library=library)
    c = demo.generate(tmp_path / "c", n=25, seed=8, library=library)
    assert a == b == c == [f"demo-{k:04d}" for k in range(1, 26)]
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a") != files(tmp_path / "c")


def test_every_file_loads_and_validates(run):
    out, ids, records = run
    store = AuditStore(out)
    assert [p.stem for p in sorted(out.glob("demo-*.json")) if ".prev" not in p.name] == ids
    assert not [row for row in store.list() if row["error"]]
    for record in records:
        assert validate_record(record) == []


def test_answers_valid_and_submitted_ones_complete(run, library):
    drafts_missing = []
    for record in run[2]:
        rubric = library.rubrics[record["rubric"]["id"]]
        answers, moderation, na = record["answers"], record["moderation"], record["not_applicable"]
        assert A.answers_errors(rubric, answers, "auditor") == {}
        assert A.answers_errors(rubric, moderation, "moderator") == {}
        assert set(answers) | set(moderation) <= {i.id for _, i in rubric.items()}
        if record["status"] != "draft":
            assert A.missing(rubric, answers, na, "auditor") == [], record["id"]
        else:
            drafts_missing.append(bool(A.missing(rubric, answers, na, "auditor")))
        if record["status"] == "moderated":
            assert A.missing(rubric, {**answers, **moderation}, na, "moderator") == []
        else:
            assert moderation == {}
        for section in rubric.sections:
            if section.id in na:
                assert section.allow_not_applicable
                assert not {i.id for i in section.items} & (set(answers) | set(moderation))
    assert drafts_missing and sum(drafts_missing) >= 0.8 * len(drafts_missing), "drafts: partly"


def test_header_facts_are_codes_and_match_the_case(run, library):
    for record in run[2]:
        rubric = library.rubrics[record["rubric"]["id"]]
        answers, fields = {**record["answers"], **record["moderation"]}, rubric.rules.fields
        for key in ("case_id", "team", "auditor"):
            assert record["case"][key] == answers[getattr(fields, key)]
        assert re.fullmatch(r"Team [A-F]", answers[fields.team])
        assert re.fullmatch(r"AU-0[1-8]", answers[fields.auditor])
        assert re.fullmatch(r"C-\d{5}", answers[fields.case_id])
        if fields.worker and fields.worker in answers:
            assert re.fullmatch(r"SW-\d\d", answers[fields.worker])
        if record["status"] == "moderated" and fields.moderator:
            assert re.fullmatch(r"MOD-0[1-3]", answers[fields.moderator])
            assert record["history"][-1]["by"] == answers[fields.moderator] or (
                record["history"][-1]["event"] == "actions updated"
            )
        audit_date = answers[fields.audit_date]
        assert START.isoformat() <= audit_date <= END.isoformat()
        assert record["created"]["at"][:10] == audit_date


def test_no_text_but_codes_and_word_lists(run, library):
    def words_known(text: str) -> bool:
        return {w.strip(".,:;").lower() for w in text.split()} <= demo_words.VOCABULARY

    for record in run[2]:
        rubric = library.rubrics[record["rubric"]["id"]]
        for item_id, value in {**record["answers"], **record["moderation"]}.items():
            item = rubric.item(item_id)
            if item.type == "short_text":
                assert all(CODE.fullmatch(v) for v in value.split(", ")) or words_known(value)
            elif item.type in ("long_text", "grade", "yes_no_partial"):
                texts = [value] if isinstance(value, str) else [*demo.iter_texts(value)]
                levels = rubric.scale(item.scale).keys if item.type != "long_text" else ()
                assert all(t in levels or words_known(t) for t in texts), (item_id, texts)
            elif item.type == "actions":
                for row in value:
                    assert words_known(row["action"]) and row["owner"] in demo_words.OWNERS
                    assert re.fullmatch(r"\d{4}-\d\d-\d\d|Within \d+ weeks", row["due"])
            elif item.type in ("single_choice", "multiple_choice"):
                keys = {o.key for o in item.options}
                assert set(value if isinstance(value, list) else [value]) <= keys
            elif item.type in ("date", "month"):
                assert re.fullmatch(r"\d{4}-\d\d(-\d\d)?", value)
        people = [h["by"] for h in record["history"]]
        if record["escalation"]:
            people.append(record["escalation"]["confirmed_by"])
        assert all(CODE.fullmatch(p) for p in people)


def test_statuses_moderation_escalation_and_actions_are_all_there(run, library):
    records = run[2]
    status = Counter(r["status"] for r in records)
    assert 0.04 * N <= status["draft"] <= 0.2 * N
    assert 0.15 * N <= status["moderated"] <= 0.45 * N
    moderated = changed = down = up = 0
    escalated = confirmed = overdue = completed = late = 0
    for record in records:
        rubric = library.rubrics[record["rubric"]["id"]]
        answers, moderation = record["answers"], record["moderation"]
        if record["status"] == "moderated":
            keys = rubric.scale(rubric.item(rubric.rules.overall_grade).scale).keys
            mine = keys.index(A.level_of(answers[rubric.rules.overall_grade]))
            theirs = keys.index(A.level_of(moderation[rubric.rules.moderated_overall_grade]))
            moderated += 1
            changed += mine != theirs
            down, up = down + (theirs > mine), up + (theirs < mine)
            agree = rubric.rules.moderation_agreement
            if agree:
                same = all(
                    A.level_of(moderation[i.id]) == A.level_of(answers[i.moderates])
                    for _, i in rubric.items()
                    if getattr(i, "moderates", None) and i.id in moderation
                )
                assert moderation[agree] == ("yes" if same else "no")
        reasons = A.escalations(rubric, answers)
        escalated += bool(reasons)
        if record["escalation"]:
            confirmed += 1
            assert record["escalation"]["reasons"] == reasons
            assert record["escalation"]["confirmed_by"] == record["case"]["auditor"]
        audit_day = record["created"]["at"][:10]
        for _, item in rubric.items():
            for row in (answers | moderation).get(item.id) or [] if item.type == "actions" else []:
                if row.get("completed"):
                    completed += 1
                    assert audit_day <= row["completed"] <= END.isoformat()
                    late += item.due_kind == "date" and row["completed"] > row["due"]
                elif item.due_kind == "date" and row["due"] < END.isoformat():
                    overdue += 1
    assert 0.1 <= changed / moderated <= 0.45, "moderators mostly agree"
    assert down > up, "and more often grade down than up"
    assert escalated and 0.6 * escalated <= confirmed <= escalated
    assert overdue and completed and late


def test_teams_differ(run, library):
    good, total = Counter(), Counter()
    for record in run[2]:
        rubric = library.rubrics[record["rubric"]["id"]]
        level = A.level_of(record["answers"].get(rubric.rules.overall_grade))
        if level and record["status"] != "draft":
            total[record["case"]["team"]] += 1
            good[record["case"]["team"]] += level in GOOD
    rate = {t: good[t] / total[t] for t in total}
    assert rate["Team A"] - rate["Team F"] >= 0.3, rate


def test_history_times_run_forward(run):
    for record in run[2]:
        stamps = [h["at"] for h in record["history"]]
        assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
        assert record["saved"]["at"] == stamps[-1] <= f"{END.isoformat()}T23:59:59Z"
        events = [h["event"] for h in record["history"]]
        assert events[0] == "created"
        assert events[1] == ("saved" if record["status"] == "draft" else "submitted")
        assert ("moderated" in events) == (record["status"] == "moderated")
        if record["escalation"]:
            assert stamps[0] <= record["escalation"]["confirmed_at"] <= stamps[1]


def test_rubric_choice_period_and_refusals(tmp_path, library):
    ids = demo.generate(
        tmp_path / "one", n=6, rubrics=["swindon-practice-evaluation"], months=2, end="2025-01"
    )
    store = AuditStore(tmp_path / "one")
    for audit_id in ids:
        record = store.load(audit_id)
        assert record["rubric"]["id"] == "swindon-practice-evaluation"
        assert "2024-12-01" <= record["answers"]["audit_date"] <= "2025-01-31"
    with pytest.raises(ValueError, match="already holds audits"):
        demo.generate(tmp_path / "one", n=1)
    with pytest.raises(ValueError, match="descriptor-matrix"):
        demo.generate(tmp_path / "two", n=1, rubrics=["no-such-rubric"])
    with pytest.raises(ValueError, match="YYYY-MM"):
        demo.generate(tmp_path / "two", n=1, end="October")


def test_cli(tmp_path, capsys):
    out = tmp_path / "cli"
    code = main(["demo-data", "--n", "8", "--out", str(out), "--rubric", "descriptor-matrix"])
    line = capsys.readouterr().out.strip()
    assert code == 0 and "\n" not in line
    assert line.startswith(f"8 synthetic audits written to {out}: descriptor-matrix 8; draft ")
    assert len(list(out.glob("demo-*[0-9].json"))) == 8
    assert main(["demo-data", "--n", "8", "--out", str(out)]) == 2  # --out: not empty
    assert "already holds audits" in capsys.readouterr().err


def test_cli_subprocess_writes_what_generate_writes(tmp_path, library):
    exe = Path(sys.executable).parent / "auditbook"
    out = tmp_path / "sub"
    done = subprocess.run(
        [str(exe), "demo-data", "--n", "5", "--out", str(out), "--seed", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"5 synthetic audits written to {out}")
    assert sorted(p.name for p in out.glob("demo-000[1-5].json")) == [
        f"demo-000{k}.json" for k in range(1, 6)
    ]
    # Another process (another hash seed), the same files: nothing depends on set order.
    demo.generate(tmp_path / "here", n=5, seed=2, library=library)
    assert files(out) == files(tmp_path / "here")
