"""The dashboard's charts written straight as SVG: the same data, colours, marks and
descriptions as matplotlib's (auditbook.analytics.charts), well-formed and escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from auditbook.analytics import charts
from auditbook.analytics import summaries as S
from auditbook.analytics import svgcharts as V

from .test_charts import COLOURS, LABELS, SCALE, audits  # noqa: F401 (a fixture)

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed
    title = root.find(f"{SVG}title")
    assert root.get("role") == "img" and title is not None
    assert root.get("aria-label") == title.text
    assert "id=" not in svg  # nothing to clash when several charts share a page
    return root


def segments(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]


def test_bars_say_what_matplotlib_says_in_scale_order_and_colour(audits):  # noqa: F811
    dist = S.grade_distribution(audits, by="team", column="overall_grade")
    svg = V.grade_bars(dist, "team", "overall_grade", colours=COLOURS, labels=LABELS)
    fig = charts.grade_bars(dist, "team", "overall_grade", colours=COLOURS, labels=LABELS)
    root = parsed(svg)
    assert root.find(f"{SVG}title").text == fig.get_label()
    # Team A: 1 outstanding, 1 good, 1 inadequate, a third of the bar each; Team B all good.
    bars = segments(root)
    shown = ("outstanding", "good", "inadequate", "good")
    assert [b.get("fill") for b in bars] == [COLOURS[k] for k in shown]
    widths = [float(b.get("width")) for b in bars]
    np.testing.assert_allclose(widths[:3], [widths[3] / 3] * 3, rtol=1e-3)
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "Team A (n=3)" in texts and "Team B (n=1)" in texts
    assert "Share of grades (%)" in texts and "Team" in texts
    assert [LABELS[k] for k in SCALE] == [t for t in texts if t in LABELS.values()]  # legend


def test_a_level_without_colour_is_grey(audits):  # noqa: F811
    dist = S.grade_distribution(audits, by="month", column="overall_grade")
    root = parsed(V.grade_bars(dist, "month", "overall_grade", colours={}, labels=LABELS))
    assert {b.get("fill") for b in segments(root)} == {V.FALLBACK}


def test_trend_marks_small_months_hollow_breaks_at_gaps_and_draws_the_targets(audits):  # noqa: F811
    trend = S.monthly_trend(audits)
    svg = V.trend_line(trend, target_good=80, target_inadequate=5)
    root = parsed(svg)
    assert root.find(f"{SVG}title").text == charts.trend_line(trend, 80, 5).get_label()
    # 2026-02 has no audits: the good-or-better line stops there and starts again.
    good = [p for p in root.iter(f"{SVG}path") if p.get("stroke") == V.GOOD_LINE]
    assert len(good) == 1 and good[0].get("d").count("M") == 2
    # Every month has fewer than 5 audits: each point's marker is hollow.
    points = [m for m in root.iter() if m is not root and m.find(f"{SVG}title") is not None]
    assert len(points) == 4 and all(m.get("fill") == "#ffffff" for m in points)
    dashed = [ln for ln in root.iter(f"{SVG}line") if ln.get("stroke-dasharray")]
    assert {ln.get("stroke") for ln in dashed} == {V.GOOD_LINE, V.INADEQUATE_LINE}
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "target 80% good or better" in texts and "target at most 5% inadequate" in texts
    assert "Month of audit" in texts and "2026-01" in texts


def test_heatmap_counts_and_outlines_the_diagonal(audits):  # noqa: F811
    matrix = S.agreement_matrix(audits, "overall_grade", "moderated_overall_grade")
    root = parsed(V.agreement_heatmap(matrix, labels=LABELS))
    assert root.find(f"{SVG}title").text == charts.agreement_heatmap(matrix, LABELS).get_label()
    cells = segments(root)
    assert len(cells) == 16
    counts = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.isdigit()]
    assert sorted(counts, reverse=True)[:3] == ["1", "1", "1"] and counts.count("0") == 13
    outlined = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "none"]
    assert len(outlined) == 4
    xs = sorted(float(r.get("x")) for r in outlined)
    ys = sorted(float(r.get("y")) for r in outlined)
    assert xs == sorted(xs) and np.all(np.diff(xs) > 0) and np.all(np.diff(ys) > 0)


@pytest.mark.parametrize("hostile", ['<script>"x"</script>', "Team & <b>"])
def test_text_is_escaped(hostile):
    matrix = pd.DataFrame([[1]], index=["good"], columns=["good"])
    svg = V.agreement_heatmap(matrix, labels={"good": hostile}, title=hostile)
    parsed(svg)
    assert "<script>" not in svg and "<b>" not in svg
    dist = pd.DataFrame(
        {"team": [hostile], "grade": pd.Categorical(["good"], categories=["good"]), "n": [1]}
    )
    svg = V.grade_bars(dist, "team", colours={}, labels={"good": hostile}, title=hostile)
    parsed(svg)
    assert "<script>" not in svg and "<b>" not in svg


def test_text_colour_reads_on_its_background():
    assert V.text_colour("#08306b") == "white" and V.text_colour("#f7fbff") == "black"
    for colour in (*COLOURS.values(), *V.BLUES):
        assert V.text_colour(colour) == charts.text_colour(colour)
