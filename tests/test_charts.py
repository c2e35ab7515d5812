"""Charts from small hand-made frames: scale colours in order, titles, accessible SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from auditbook.analytics import charts
from auditbook.analytics import summaries as S

SCALE = ["outstanding", "good", "requires_improvement", "inadequate"]
COLOURS = {"outstanding": "#1a9850", "good": "#91cf60", "requires_improvement": "#fdae61",
           "inadequate": "#d73027"}  # fmt: skip
LABELS = {"outstanding": "Outstanding", "good": "Good",
          "requires_improvement": "Requires Improvement", "inadequate": "Inadequate"}  # fmt: skip


def grades(values) -> pd.Categorical:
    return pd.Categorical(values, categories=SCALE, ordered=True)


@pytest.fixture
def audits() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "team": ["Team A", "Team A", "Team A", "Team B", "Team B"],
            "month": ["2026-01", "2026-01", "2026-03", "2026-03", "2026-03"],
            "overall_grade": grades(["good", "outstanding", "inadequate", "good", None]),
            "moderated_overall_grade": grades(["good", "good", "inadequate", None, None]),
        }
    )


def test_grade_bars_are_stacked_shares_in_scale_order_and_colour(audits):
    dist = S.grade_distribution(audits, by="team", column="overall_grade")
    fig = charts.grade_bars(dist, "team", "overall_grade", colours=COLOURS, labels=LABELS)
    ax = fig.axes[0]
    # One bar container per level, in scale order, each in its level's colour.
    assert [c.get_label() for c in ax.containers] == [LABELS[k] for k in SCALE]
    for container, key in zip(ax.containers, SCALE, strict=True):
        assert {to_hex(p.get_facecolor()) for p in container.patches} == {COLOURS[key]}
    # Team A (first bar): 1 outstanding, 1 good, 0 RI, 1 inadequate, as shares of 100.
    widths = [c.patches[0].get_width() for c in ax.containers]
    np.testing.assert_allclose(widths, [100 / 3, 100 / 3, 0, 100 / 3])
    # Team B: its one graded audit is Good; its bar is 100% wide.
    assert sum(c.patches[1].get_width() for c in ax.containers) == pytest.approx(100)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [LABELS[k] for k in SCALE]
    assert ax.get_title(loc="left") and ax.get_xlabel() and ax.get_ylabel()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Team A (n=3)", "Team B (n=1)"]


def test_grade_bars_level_without_colour_is_grey(audits):
    dist = S.grade_distribution(audits, by="month", column="overall_grade")
    fig = charts.grade_bars(dist, "month", "overall_grade", colours={}, labels=LABELS)
    faces = {to_hex(p.get_facecolor()) for c in fig.axes[0].containers for p in c.patches}
    assert faces == {charts.FALLBACK}


def test_trend_line_marks_small_months_hollow_and_draws_the_target(audits):
    trend = S.monthly_trend(audits)
    assert list(trend["month"]) == ["2026-01", "2026-02", "2026-03"]
    fig = charts.trend_line(trend, target_good=80)
    ax = fig.axes[0]
    lines = ax.get_lines()
    line = next(ln for ln in lines if ln.get_label() == "% good or better")
    y = line.get_ydata()
    assert y[0] == 100 and np.isnan(y[1]) and y[2] == 50
    # Every month here has fewer than 5 audits: their markers are hollow (white inside).
    hollow = [ln for ln in lines if ln.get_markerfacecolor() in ("white", "#ffffff", (1, 1, 1, 1))]
    assert sum(len(ln.get_xdata()) for ln in hollow) >= 2 * 3
    target = [ln for ln in lines if list(ln.get_ydata()) == [80, 80]]
    assert target and target[0].get_linestyle() == "--"
    assert ax.get_title(loc="left") and ax.get_xlabel() and ax.get_ylabel()


def test_agreement_heatmap_counts_and_diagonal(audits):
    matrix = S.agreement_matrix(audits, "overall_grade", "moderated_overall_grade")
    fig = charts.agreement_heatmap(matrix, labels=LABELS)
    ax = fig.axes[0]
    cells = [t.get_text() for t in ax.texts]
    assert len(cells) == 16 and sorted(cells, reverse=True)[:3] == ["1", "1", "1"]
    assert cells.count("0") == 13
    outlined = [p for p in ax.patches if not p.get_fill()]
    assert [(p.get_x(), p.get_y()) for p in outlined] == [(i - 0.5, i - 0.5) for i in range(4)]
    assert [t.get_text() for t in ax.get_yticklabels()] == [LABELS[k] for k in SCALE]
    assert ax.get_xlabel() == "Moderator's grade" and ax.get_ylabel() == "Auditor's grade"


def test_svg_is_inline_accessible_and_has_unique_ids(audits):
    dist = S.grade_distribution(audits, by="team", column="overall_grade")
    one = charts.figure_svg(charts.grade_bars(dist, "team", "overall_grade", COLOURS, LABELS))
    two = charts.figure_svg(charts.grade_bars(dist, "team", "overall_grade", COLOURS, LABELS))
    assert one.startswith("<svg") and "<?xml" not in one and "DOCTYPE" not in one
    root = ET.fromstring(one)
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text.startswith("Grades by team.")
    assert "Team A (3 grades): Outstanding 33%, Good 33%, Inadequate 33%" in title.text
    assert root.get("role") == "img" and root.get("aria-label") == title.text
    assert ">Grades by team<" in one  # text stays text: searchable, readable by tests
    ids = lambda svg: set(re.findall(r'\bid="([^"]+)"', svg))  # noqa: E731
    assert ids(one) and not ids(one) & ids(two)  # two charts on one page never share an id


def test_svg_escapes_the_description():
    matrix = pd.DataFrame([[1]], index=["good"], columns=["good"])
    svg = charts.figure_svg(charts.agreement_heatmap(matrix, title='<script>"x"</script>'))
    assert "<script>" not in svg
    ET.fromstring(svg)  # still well-formed


def test_a_chart_shows_itself_as_svg_in_a_notebook():
    matrix = pd.DataFrame([[2, 1], [0, 3]], index=SCALE[:2], columns=SCALE[:2])
    fig = charts.agreement_heatmap(matrix, labels=LABELS)
    assert fig._repr_svg_().startswith("<svg")
