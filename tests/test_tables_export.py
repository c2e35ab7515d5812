"""The analysis workbook and the pseudonymised export, reopened and checked."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from auditbook.analytics import load_audits
from auditbook.documents.pseudonymise import (
    PseudonymKeyError,
    key_id,
    load_key,
    pseudonym,
    pseudonymised_sheets,
    suppress,
    team_pseudonym,
)
from auditbook.documents.workbook import analysis_sheets, csv_bytes, workbook_bytes

from .conftest import put

KEY = b"k" * 64


@pytest.fixture
def frames(folder, library):
    return load_audits(folder, library, as_of="2026-05-01")


def read_book(data: bytes) -> dict[str, pd.DataFrame]:
    return pd.read_excel(io.BytesIO(data), sheet_name=None)


def test_analysis_workbook_reopens_with_every_sheet(frames):
    data = workbook_bytes(analysis_sheets(frames))
    book = read_book(data)
    assert list(book)[:3] == ["audits", "answers", "actions"]
    assert {"grades by team", "moderation by section", "actions by owner"} <= set(book)
    assert list(book["audits"]["audit_id"]) == ["a1", "a2", "a3", "a4"]
    assert list(book["audits"]["overall_grade"]) == [
        "good", "inadequate", "outstanding", "inadequate_critical"
    ]  # fmt: skip
    assert len(book["answers"]) == len(frames.answers)
    assert list(book["actions"]["owner"]) == ["SW", "TM", "TM"]
    assert book["grades by team"].set_index("team").loc["Team A", "pct_good_or_better"] == 50.0
    assert len(book["unreadable files"]) == 2
    ws = openpyxl.load_workbook(io.BytesIO(data))["audits"]
    assert ws.freeze_panes == "A2"


def test_csv_has_utc_times_and_level_keys(frames):
    text = csv_bytes(frames.audits).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text))
    assert list(back["audit_id"]) == ["a1", "a2", "a3", "a4"]
    assert back.loc[0, "saved_at"] == "2026-03-01 10:00:00"
    assert back.loc[3, "moderated_overall_grade"] == "inadequate"


def test_pseudonyms_are_keyed_and_stable():
    assert pseudonym("C-001", KEY) == pseudonym(" c-001 ", KEY)
    assert pseudonym("C-001", KEY) != pseudonym("C-001", b"x" * 64)
    assert pseudonym("C-001", KEY).startswith("P-") and "001" not in pseudonym("C-001", KEY)
    assert pseudonym(None, KEY) is None
    assert key_id(KEY) != key_id(b"x" * 64) and KEY.decode() not in key_id(KEY)


def test_key_is_kept_apart_and_private(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITBOOK_PSEUDONYM_KEY", str(tmp_path / "keys" / "k.key"))
    key = load_key()
    path = tmp_path / "keys" / "k.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_key() == key  # the same key next time
    with pytest.raises(PseudonymKeyError, match="No pseudonym key"):
        load_key(tmp_path / "missing.key", create=False)
    (tmp_path / "short.key").write_text("abc")
    with pytest.raises(PseudonymKeyError, match="too short"):
        load_key(tmp_path / "short.key")


def _load_key_after(barrier, path, results):
    barrier.wait()
    results.put(load_key(path))


def test_servers_making_the_key_at_once_all_get_the_same_one(tmp_path):
    """Under JupyterHub every user's server may make the shared key on first use."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    for round_ in range(5):
        path = tmp_path / f"round{round_}" / "pseudonym.key"
        barrier, results = ctx.Barrier(8), ctx.Queue()
        procs = [
            ctx.Process(target=_load_key_after, args=(barrier, path, results)) for _ in range(8)
        ]
        for proc in procs:
            proc.start()
        keys = {results.get(timeout=30) for _ in procs}
        for proc in procs:
            proc.join(timeout=30)
            assert proc.exitcode == 0
        assert keys == {path.read_text().strip().encode()}
        assert [f.name for f in path.parent.iterdir()] == ["pseudonym.key"]  # no leftovers
        assert path.stat().st_mode & 0o777 == 0o600


def test_suppress_blanks_small_counts_but_keeps_zero():
    frame = pd.DataFrame({"team": ["A", "B", "C"], "n": [0, 3, 7], "pct": [None, 50.0, 71.4]})
    got = suppress(frame)
    assert list(got["suppressed"]) == [False, True, False]
    assert got.loc[1, ["n", "pct"]].isna().all()
    assert got.loc[2, "n"] == 7 and got.loc[0, "n"] == 0


def test_pseudonymised_export_holds_no_name_free_text_or_raw_id(tmp_path, library):
    # Ten audits of one team so that some summaries pass the n=5 threshold.
    wb = library.rubrics["west-berkshire-learning-audit"]
    from auditbook.audits.store import AuditStore

    store = AuditStore(tmp_path)
    names = ["Jordan Example", "Casey Sample"]
    for i in range(10):
        put(
            store,
            wb,
            f"w{i}",
            {
                "audit_date": f"2026-03-{i + 1:02d}",
                "auditor_name": "Alex Auditor",
                "social_worker_name": "Sam Worker",
                "team_name": "Team A" if i < 8 else "Team B",
                "child_name": names[i % 2],
                "child_id": f"CASE-{1000 + i}",
                "child_dob": "2015-01-20",
                "child_overview": "Secret overview text about the family",
                "auditors_grade": {"level": "good", "evidence": {}},
                "recommendations": [
                    {"action": "Private action wording", "owner": "SW", "due": "2026-05-01"}
                ],
            },
        )
    frames = load_audits(tmp_path, library, as_of="2026-06-01")
    sheets = pseudonymised_sheets(frames, KEY)
    book = read_book(workbook_bytes(sheets))
    text = "\n".join(df.to_csv(index=False) for df in book.values())
    for secret in (
        *names, "Alex Auditor", "Sam Worker", "Secret overview", "Private action wording",
        "CASE-10", "2015-01-20", "2026-03-01", "w1,", "w0,",
    ):  # fmt: skip
        assert secret not in text, secret
    audits = book["audits"]
    assert audits["pseudonym"].str.fullmatch(r"P-[0-9a-f]{12}").all()
    assert audits["pseudonym"].nunique() == 10
    assert set(audits["age_band"]) == {"10-15"} and set(audits["month"]) == {"2026-03"}
    # Teams are typed as free text: each is a keyed pseudonym, the same on every sheet.
    team_a, team_b = team_pseudonym("Team A", KEY), team_pseudonym("Team B", KEY)
    assert "Team A" not in text and set(audits["team"]) == {team_a, team_b}
    teams = book["grades by team"].set_index("team")
    assert teams.loc[team_a, "n"] == 8 and not teams.loc[team_a, "suppressed"]
    assert pd.isna(teams.loc[team_b, "n"]) and teams.loc[team_b, "suppressed"]
    assert key_id(KEY) in book["about"].to_csv()
    assert KEY.decode() not in text


def test_export_command_writes_both_workbooks(folder, tmp_path, monkeypatch, capsys):
    from auditbook.cli import main

    monkeypatch.setenv("AUDITBOOK_PSEUDONYM_KEY", str(tmp_path / "key" / "k.key"))
    out = tmp_path / "out"
    assert main(["export", "--format", "xlsx", "--audits", str(folder), "--out", str(out)]) == 0
    (path,) = out.glob("audits-*.xlsx")
    assert str(path) in capsys.readouterr().out
    book = read_book(path.read_bytes())
    assert list(book["audits"]["audit_id"]) == ["a1", "a2", "a3", "a4"]
    # Chosen audits only.
    assert main(["export", "--format", "xlsx", "a2", "a4", "--audits", str(folder),
                 "--out", str(out / "two")]) == 0  # fmt: skip
    (path,) = (out / "two").glob("*.xlsx")
    assert list(read_book(path.read_bytes())["audits"]["audit_id"]) == ["a2", "a4"]
    args = ["export", "--format", "pseudonymised", "--audits", str(folder), "--out", str(out)]
    assert main(args) == 0
    (path,) = out.glob("pseudonymised-*.xlsx")
    text = "\n".join(df.to_csv() for df in read_book(path.read_bytes()).values())
    assert "C-001" not in text and "AU-01" not in text and "a1," not in text
    assert (tmp_path / "key" / "k.key").exists() and not list(out.glob("*.key"))
    # Documents need audits named.
    assert main(["export", "--format", "docx", "--audits", str(folder)]) == 2


def test_text_is_never_a_formula_and_control_characters_do_not_break_the_file():
    frame = pd.DataFrame(
        {
            "text": ["=1+1", "@SUM(A1)", "-2+3", "plain", "pasted\x0bfrom Word"],
            "n": [1, -2, 3, 4, 5],
        }
    )
    ws = openpyxl.load_workbook(io.BytesIO(workbook_bytes({"t": frame})))["t"]
    cells = [ws.cell(row=r, column=1) for r in range(2, 7)]
    assert [c.data_type for c in cells] == ["s"] * 5
    assert [c.value for c in cells] == ["=1+1", "@SUM(A1)", "-2+3", "plain", "pastedfrom Word"]
    assert ws.cell(row=3, column=2).value == -2
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)), encoding="utf-8-sig")
    assert list(back["text"])[:4] == ["'=1+1", "'@SUM(A1)", "'-2+3", "plain"]
    assert list(back["n"]) == [1, -2, 3, 4, 5]


def test_every_kind_of_column_reopens_as_it_was_written():
    import datetime
    import xml.etree.ElementTree as ET
    import zipfile

    frame = pd.DataFrame(
        {
            "text": ["a & b <c>", None, 'say "hi"'],
            "level": pd.Categorical(["good", None, "inadequate"], ["good", "inadequate"]),
            "day": pd.to_datetime(["2026-01-02", None, "2026-12-31"]),
            "at": pd.to_datetime(["2026-01-02 10:30", "2026-03-01 00:00", None], utc=True),
            "flag": [True, False, True],
            "maybe": pd.array([True, None, False], dtype="boolean"),
            "n": [1, 2, 3],
            "x": [1.5, float("nan"), -2.25],
        }
    )
    data = workbook_bytes({"a sheet & more": frame, "empty": frame.iloc[:0]})
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                ET.fromstring(z.read(name))  # every part well-formed XML
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["a sheet & more", "empty"]
    ws = book["a sheet & more"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == list(frame.columns)
    assert rows[1] == [
        "a & b <c>", "good", datetime.datetime(2026, 1, 2), datetime.datetime(2026, 1, 2, 10, 30),
        True, True, 1, 1.5,
    ]  # fmt: skip
    assert rows[2] == [None, None, None, datetime.datetime(2026, 3, 1), False, None, 2, None]
    assert rows[3][0] == 'say "hi"' and rows[3][2] == datetime.datetime(2026, 12, 31)
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    assert [[c.value for c in row] for row in book["empty"].iter_rows()] == [list(frame.columns)]
