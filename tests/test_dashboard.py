"""The dashboard headlessly: filters drive the figures, tables and downloads (synthetic audits)."""

from __future__ import annotations

import base64
import io
import math
import re
from datetime import date, datetime

import ipywidgets as w
import openpyxl
import pandas as pd
import pytest

from auditbook.analytics import load_audits
from auditbook.analytics import summaries as S
from auditbook.audits.store import AuditStore
from auditbook.demo import generate
from auditbook.documents.pseudonymise import load_key, team_pseudonym
from auditbook.pages.dashboard import Dashboard, dashboard
from auditbook.rubrics.library import load_library

AS_OF = "2026-11-01"  # "today" for overdue actions, so the figures never drift


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def folder(tmp_path_factory, library):
    out = tmp_path_factory.mktemp("audits")
    generate(out, n=120, seed=3, months=12, end="2026-10", library=library)
    return out


@pytest.fixture(scope="module")
def frames(folder, library):
    return load_audits(folder, library=library, as_of=AS_OF, progress=False)


@pytest.fixture
def page(frames, library, folder) -> Dashboard:
    # source: the audits folder, so the export log goes beside it, not into the project.
    titles = {k: r.title for k, r in library.rubrics.items()}
    return Dashboard(frames, titles, source=str(folder))


def cards(page: Dashboard) -> dict[str, str]:
    """The headline figures as the page shows them: data-figure → data-value."""
    html = "".join(card.value for card in page.cards.values())
    return dict(re.findall(r'data-figure="(\w+)" data-value="([^"]*)"', html))


def shown(value) -> str:
    return "" if isinstance(value, float) and math.isnan(value) else str(value)


def assert_headline_is(page: Dashboard, expected: dict) -> None:
    figures = cards(page)
    for key in ("audits", "pct_good_or_better", "pct_inadequate", "moderation_exact_pct",
                "overdue_actions", "escalated"):  # fmt: skip
        assert figures[key] == shown(expected[key]), key
    same = {k: page.figures[k] for k in expected}
    assert pd.Series(same).equals(pd.Series(expected))


def link(html: str, name: str) -> tuple[str, bytes]:
    """The file name and decoded content of the download link whose name contains `name`."""
    for filename, b64 in re.findall(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', html):
        if name in filename:
            return filename, base64.b64decode(b64)
    raise AssertionError(f"no download link for {name} in {html[:300]}")


def test_team_filter_changes_the_headline_figures(page, frames):
    assert_headline_is(page, S.headline(frames))
    seen = set()
    for team in ("Team A", "Team F"):
        page.team.value = team
        expected = S.headline(frames.filter(team=team))
        assert_headline_is(page, expected)
        assert f"Showing {expected['audits']} of {len(frames.audits)} audits" in page.message.value
        seen.add(cards(page)["pct_good_or_better"])
    assert len(seen) == 2, "the two teams' figures should differ in the demo data"
    page.team.value = ""
    assert_headline_is(page, S.headline(frames))


def test_every_filter_together(page, frames):
    rubric = frames.audits["rubric_id"].iloc[0]
    page.rubric.value = rubric
    page.status.value = "Submitted or moderated"
    page.start.value, page.end.value = date(2026, 3, 1), date(2026, 8, 31)
    expected = frames.filter(
        rubric=rubric, status=["submitted", "moderated"], start="2026-03-01", end="2026-08-31"
    )
    assert 0 < len(expected.audits) < len(frames.audits)
    assert_headline_is(page, S.headline(expected))
    assert "several templates" not in page.message.value
    page.rubric.value = ""  # all templates: grades on the levels their scales share
    assert "several templates" in page.message.value


def test_csv_links_hold_the_filtered_rows(page, frames):
    page.team.value = "Team B"
    expected = frames.filter(team="Team B")
    assert page.csv.value == ""  # made on request: megabytes at thousands of audits
    page.csv_button.click()
    name, data = link(page.csv.value, ".csv")
    assert name == "audits-team-b.csv"
    audits = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(audits["audit_id"]) == list(expected.audits["audit_id"])
    assert set(audits["team"]) == {"Team B"}
    assert list(audits.columns) == list(frames.audits.columns)
    answers = pd.read_csv(io.BytesIO(link(page.csv.value, "answers")[1]))
    assert len(answers) == len(expected.answers)
    actions = pd.read_csv(io.BytesIO(link(page.csv.value, "actions")[1]))
    assert len(actions) == len(expected.actions)
    # Links are files inside the page, never a server address.
    assert 'href="http' not in page.csv.value and 'href="/' not in page.csv.value
    # A changed filter takes the old links away: they would no longer match the page.
    page.team.value = "Team C"
    assert page.csv.value == ""


def test_excel_workbook_of_the_filtered_audits(page, frames):
    page.team.value = "Team C"
    assert page.excel.value == ""  # built on request: it takes seconds on a large folder
    page.excel_button.click()
    name, data = link(page.excel.value, ".xlsx")
    assert name == "audits-team-c.xlsx"
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
    expected = frames.filter(team="Team C")
    assert list(sheets)[:4] == ["about", "audits", "answers", "actions"]
    assert {"grades by team", "moderation by section", "actions by owner"} <= set(sheets)
    assert len(sheets["audits"]) == len(expected.audits)
    assert len(sheets["answers"]) == len(expected.answers)
    assert len(sheets["actions"]) == len(expected.actions)
    assert set(sheets["audits"]["team"]) == {"Team C"}
    about = dict(zip(sheets["about"]["filter"], sheets["about"]["value"], strict=True))
    assert about["team"] == "Team C" and int(about["audits"]) == len(expected.audits)
    # Times are plain UTC date-times (Excel cannot hold a time zone).
    rows = openpyxl.load_workbook(io.BytesIO(data), read_only=True)["audits"].iter_rows(
        max_row=2, values_only=True
    )
    head, first = rows
    created = first[head.index("created_at")]
    assert isinstance(created, datetime) and created.tzinfo is None
    # A changed filter takes the old workbook away: it would no longer match the page.
    page.team.value = "Team D"
    assert page.excel.value == ""


def test_a_filter_nothing_matches(page, frames):
    page.start.value, page.end.value = date(2026, 9, 1), date(2026, 1, 1)
    assert 'data-state="empty"' in page.message.value
    assert "From date is after the To date" in page.message.value
    assert page.body.layout.display == "none"
    assert page.csv.value == "" and page.excel_button.disabled and page.csv_button.disabled
    assert cards(page)["audits"] == "0" and cards(page)["pct_good_or_better"] == ""
    page.end.value = None
    assert 'data-state="shown"' in page.message.value and page.body.layout.display == ""
    assert not page.excel_button.disabled


def test_tables_and_charts_follow_the_filters(page):
    html = page.sections.value
    assert "<svg" in html and "<title>" in html
    assert 'id="ab-grades-by-section"' in html
    assert 'id="ab-moderation-by-section"' in html
    assert 'id="ab-actions"' in html and 'id="ab-escalations"' in html
    page.team.value = "Team E"
    escalations = page.sections.value.split('id="ab-escalations"')[1].split("</table>")[0]
    assert "Team E" in escalations and "Team A" not in escalations


def test_no_audits_yet(tmp_path):
    page = dashboard(audits=tmp_path / "nothing-here", as_of=AS_OF)
    assert isinstance(page, w.VBox)
    html = "".join(c.value for c in page.children if isinstance(c, w.HTML))
    assert 'data-state="no-audits"' in html and "No audits have been saved yet" in html


def test_user_text_cannot_inject_markup(tmp_path, library):
    generate(tmp_path, n=8, seed=1, library=library)
    store = AuditStore(tmp_path)
    record = store.load("demo-0001")
    rubric = library.rubrics[record["rubric"]["id"]]
    team_item = rubric.rules.fields.team
    record["answers"][team_item] = "<script>alert(1)</script>"
    store.save(record, "AU-01")
    (tmp_path / "bad<img src=x onerror=alert(2)>.json").write_text("{nope", encoding="utf-8")
    frames = load_audits(tmp_path, library=library, as_of=AS_OF, progress=False)
    page = Dashboard(frames)
    html = "".join(x.value for x in (*page.cards.values(), page.sections, page.problems))
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "onerror" in html  # shown as text


def test_pseudonymised_workbook_of_the_filtered_audits(page, frames, tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITBOOK_PSEUDONYM_KEY", str(tmp_path / "key" / "k.key"))
    page.team.value = "Team B"
    page.pseudo_button.click()
    name, data = link(page.pseudo.value, ".xlsx")
    assert name == "audits-one-team-pseudonymised.xlsx"  # the team's name is not in it
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
    expected = frames.filter(team="Team B").audits
    team_b = team_pseudonym("Team B", load_key(tmp_path / "key" / "k.key", create=False))
    assert len(sheets["audits"]) == len(expected) and set(sheets["audits"]["team"]) == {team_b}
    text = "\n".join(df.to_csv() for df in sheets.values())
    assert not any(case in text for case in expected["case_id"].dropna())
    assert not any(audit_id in text for audit_id in expected["audit_id"])
    assert "auditor" not in sheets["audits"].columns
    page.team.value = "Team C"
    assert page.pseudo.value == ""


def test_no_progress_bar_on_the_page_even_for_a_large_folder(tmp_path, library, capsys):
    # A progress bar's widget is closed once the audits are read; Voilà, showing the page only
    # after the notebook has run, would show "model not found" in its place.
    generate(tmp_path, n=210, seed=2, library=library)
    page = dashboard(audits=tmp_path)
    assert isinstance(page, w.VBox)
    assert "Reading audits" not in capsys.readouterr().err
