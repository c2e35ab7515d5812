"""The dashboard follows its filters at once: each choice of filters is worked out once and
swapped in whole, each chart drawn once, a busy state while it is made, and every headline
count opens the list of exactly the audits behind it (synthetic audits)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pandas as pd
import pytest

from auditbook.analytics import load_audits, on_shared_scale, svgcharts
from auditbook.analytics import summaries as S
from auditbook.audits.protection import export_log_path, read_log
from auditbook.audits.store import AuditStore
from auditbook.demo import generate
from auditbook.pages import dashboard as D
from auditbook.pages import headline_lists as H
from auditbook.pages.dashboard import UPDATING, Dashboard
from auditbook.pages.dashboard_view import selection_mark
from auditbook.rubrics.library import load_library
from auditbook.web.scripts import BUSY

AS_OF = "2026-11-01"
CHARTS = ("grade_bars", "trend_line", "agreement_heatmap")


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
    titles = {k: r.title for k, r in library.rubrics.items()}
    return Dashboard(frames, titles, source=str(folder))


def expected_figures(frames, **sel) -> dict:
    """The headline figures worked out afresh from the frames, as the dashboard should show
    them: grades on the shared scale, moderation on each template's own levels."""
    raw = frames.filter(**sel)
    shared = on_shared_scale(raw) if raw.audits["rubric_id"].nunique() > 1 else raw
    out = S.headline(shared)
    out.update({k: v for k, v in S.headline(raw).items() if k.startswith("moderat")})
    return out


def marks(page: Dashboard) -> set[str]:
    """The choice of filters each part of the page on show was made for."""
    parts = [page.message, *page.cards.values(), page.sections]
    if page.lists.widget.layout.display != "none":
        parts.append(page.lists.table)
    return {m for p in parts for m in re.findall(r'data-selection="([^"]*)"', p.value)}


def card_values(page: Dashboard) -> dict[str, str]:
    html = "".join(card.value for card in page.cards.values())
    return dict(re.findall(r'data-figure="(\w+)" data-value="([^"]*)"', html))


CHOICES = [
    ("team", "Team A"),
    ("rubric", "practice-learning-review"),
    ("status", "Submitted or moderated"),
    ("start", date(2026, 3, 1)),
    ("team", ""),
    ("end", date(2026, 8, 31)),
    ("rubric", ""),
]


def test_every_figure_agrees_with_the_frames_for_each_choice(page, frames):
    for control, value in CHOICES:
        getattr(page, control).value = value
        sel = page.selection()
        expected = expected_figures(frames, **sel)
        for key in expected:
            assert page.figures[key] == expected[key] or (
                pd.isna(page.figures[key]) and pd.isna(expected[key])
            ), (control, value, key)
        shown = card_values(page)
        for key in ("audits", "overdue_actions", "escalated", "escalations_unconfirmed"):
            assert shown[key] == str(expected[key]), key
        n = len(frames.filter(**sel).audits)
        assert f"Showing {n} of {len(frames.audits)} audits" in page.message.value
        assert marks(page) == {selection_mark(page.key())}


def test_a_filter_change_draws_each_chart_once_and_a_choice_seen_before_none(
    page, frames, monkeypatch
):
    drawn = Counter()
    for name in CHARTS:
        real = getattr(svgcharts, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            drawn[(_name, kwargs.get("title"))] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(svgcharts, name, counted)
    scales = Counter()
    real_scale = D.on_shared_scale
    monkeypatch.setattr(D, "on_shared_scale", lambda f: scales.update(["x"]) or real_scale(f))

    page.team.value = "Team B"
    assert drawn == {
        ("grade_bars", "Overall grades by team"): 1,
        ("grade_bars", "Overall grades by month"): 1,
        ("trend_line", None): 1,
        ("agreement_heatmap", "Grades of areas: auditor's against moderator's"): 1,
    }
    # Team B's audits come from every template: the shared scale made when the page opened
    # serves, filtered; the unfiltered frames are not worked out again.
    assert scales == {}
    assert page.sections.value.count("<svg") == 4

    drawn.clear()
    page.team.value = ""  # the page opened on this choice
    page.team.value = "Team B"
    assert drawn == {} and scales == {}
    assert 'data-figure="audits" data-value="18"' in page.cards["audits"].value


def test_no_mixed_figures_and_busy_until_every_figure_agrees(page, frames, monkeypatch):
    seen = []
    page.lists.open("overdue_actions")  # an open list follows the filters too

    def look(change=None):
        busy = "ab-busy" in page.widget._dom_classes
        seen.append(busy)
        said = re.findall(r'data-selection="([^"]*)"', page.message.value)
        # Whenever the line says which audits are shown, every figure shows those.
        if said:
            assert marks(page) == set(said), marks(page)
        # Not busy: every part on show belongs to one choice of filters.
        if not busy:
            assert len(marks(page)) == 1, marks(page)

    def look_at_figure(change):
        # A figure only changes while the page says it is updating them.
        assert "ab-busy" in page.widget._dom_classes and page.message.value == UPDATING
        look()

    page.message.observe(look, names="value")
    page.widget.observe(look, names="_dom_classes")
    for part in (*page.cards.values(), page.sections, page.lists.table):
        part.observe(look_at_figure, names="value")

    building = []
    real_build = D.build_view

    def build(*args, **kwargs):
        building.append(("ab-busy" in page.widget._dom_classes, page.message.value))
        return real_build(*args, **kwargs)

    monkeypatch.setattr(D, "build_view", build)
    for control, value in CHOICES:
        seen.clear()
        getattr(page, control).value = value
        assert True in seen and seen[-1] is False, (control, value)  # on, then off
        assert "ab-busy" not in page.widget._dom_classes
        assert 'data-state="shown"' in page.message.value
        assert marks(page) == {selection_mark(page.key())}
    assert building and all(b == (True, UPDATING) for b in building)
    # The page script puts the busy state in aria-busy for screen readers.
    assert "aria-busy" in BUSY and "ab-busy" in BUSY


def list_ids(page: Dashboard, figure: str) -> tuple[list[str], int]:
    """Every audit id the open list shows, over all its pages, and the count it states."""
    page.lists.buttons[figure].click()
    html = page.lists.table.value
    count = int(re.search(r'data-count="(\d+)"', html).group(1))
    ids = []
    while True:
        html = page.lists.table.value
        rows = re.findall(r'<a href="audit\.ipynb\?audit=([^"]+)" target="_self"', html)
        ids += rows
        assert all(f'data-audit="{i}"' in html for i in rows)
        if page.lists.next.disabled:
            break
        page.lists.next.click()
    return ids, count


def expected_rows(frames, figure: str, **sel) -> list[str]:
    raw = frames.filter(**sel)
    a = raw.audits
    if figure == "overdue_actions":
        return list(raw.actions.loc[raw.actions["overdue"], "audit_id"])
    if figure == "escalated":
        return list(a.loc[a["escalated"], "audit_id"])
    if figure == "escalations_unconfirmed":
        return list(a.loc[a["escalated"] & ~a["escalation_confirmed"], "audit_id"])
    shared = on_shared_scale(raw)
    grade = shared.audits["overall_grade"].astype(object)
    done = shared.audits["status"].isin(["submitted", "moderated"])
    return list(shared.audits.loc[done & grade.isin(shared.inadequate), "audit_id"])


@pytest.mark.parametrize("choice", [{}, {"team": "Team C"}, {"status": "Moderated"}])
def test_each_headline_list_holds_exactly_the_audits_behind_its_figure(
    page, frames, monkeypatch, choice
):
    monkeypatch.setattr(H, "PAGE_SIZE", 5)  # several pages even at 120 audits
    for control, value in choice.items():
        getattr(page, control).value = value
    sel = page.selection()
    for figure in H.LISTS:
        ids, count = list_ids(page, figure)
        expected = expected_rows(frames, figure, **sel)
        assert count == page.figures[figure] == len(expected), figure
        assert Counter(ids) == Counter(expected), figure
        assert page.lists.widget.layout.display == ""
        assert "ab-current" in page.lists.buttons[figure]._dom_classes


def test_an_open_list_follows_the_filters_and_closes(page, frames):
    page.lists.buttons["escalated"].click()
    first = page.lists.table.value
    assert f'data-count="{page.figures["escalated"]}"' in first
    page.team.value = "Team A"
    html = page.lists.table.value
    want = expected_rows(frames, "escalated", team="Team A")
    assert f'data-count="{len(want)}"' in html and html != first
    assert set(re.findall(r"audit=([\w-]+)", html)) == set(want)
    assert f'data-selection="{selection_mark(page.key())}"' in html
    page.lists.close_button.click()
    assert page.lists.widget.layout.display == "none"
    assert all("ab-current" not in b._dom_classes for b in page.lists.buttons.values())


def test_list_rows_say_what_each_audit_is(page, frames, library):
    page.lists.buttons["overdue_actions"].click()
    html = page.lists.table.value
    head = re.findall(r'<th scope="col">([^<]+)</th>', html)
    assert head == ["Case", "Template", "Team", "Auditor", "Month", "Status", "Action", "Owner",
                    "Due"]  # fmt: skip
    rows = H.list_rows("overdue_actions", frames, on_shared_scale(frames))
    first = rows.iloc[0]
    audit = frames.audits.set_index("audit_id").loc[first["audit_id"]]
    assert first["due"] == rows["due"].min()  # the longest overdue first
    cells = re.search(r"<tbody><tr>(.*?)</tr>", html).group(1)
    assert f">{audit['case_id']}</a>" in cells
    assert library.rubrics[audit["rubric_id"]].title in cells
    assert f">{audit['auditor']}</td>" in cells
    page.lists.buttons["inadequate"].click()
    assert "Overall grade" in page.lists.table.value
    assert "Inadequate" in page.lists.table.value.split("<tbody>")[1]


def test_lists_show_hostile_text_as_text(tmp_path, library):
    generate(tmp_path, n=30, seed=2, end="2026-10", library=library)
    store = AuditStore(tmp_path)
    payload = '<img src=x onerror="alert(1)">'
    for audit_id in load_audits(tmp_path, library=library, progress=False).audits["audit_id"]:
        full = store.load(audit_id)
        rubric = library.rubrics[full["rubric"]["id"]]
        full["answers"][rubric.rules.fields.team] = payload
        store.save(full, "AU-01")
    frames = load_audits(tmp_path, library=library, as_of=AS_OF, progress=False)
    page = Dashboard(frames)
    for figure in H.LISTS:
        page.lists.open(figure)
        html = page.lists.table.value
        assert "<img" not in html
        if page.figures[figure]:
            assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_csv_files_are_made_on_request_and_logged(page, frames, folder):
    page.team.value = "Team D"
    assert page.csv.value == ""
    page.csv_button.click()
    assert "Audits (CSV)" in page.csv.value and "Actions (CSV)" in page.csv.value
    entry = read_log(export_log_path(AuditStore(folder)))[-1]
    assert entry["format"] == "csv" and entry["audits"] == len(frames.filter(team="Team D").audits)
    assert entry["selection"]["team"] == "Team D"
