"""The dashboard's charts written straight as SVG text: the charts of auditbook.analytics.charts
(the same data, titles, colours, marks and descriptions) in a millisecond or two each, where
matplotlib takes a few hundred. The dashboard draws its charts again on every filter change,
so it uses these; notebooks and the calibration page keep matplotlib's.

Each function takes the same summary frame as its namesake in `charts` and returns an <svg>
element as text: role="img", a <title> and aria-label with the chart's one-sentence
description, every piece of text escaped, no ids (several charts share a page), sized by its
viewBox to the width of its container. Text is laid out with an estimate of its width in the
page's font (Arial), so it never needs a font file.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from html import escape

import numpy as np
import pandas as pd

FALLBACK = "#9e9e9e"  # a level the scale gives no colour
GOOD_LINE = "#1a9850"
INADEQUATE_LINE = "#d73027"
TARGET_LINE = "#424242"
TEXT = "#0b0c0c"
GRID = "#dddddd"
WIDTH = 720  # the viewBox's width; the chart scales to its container
FONT = 15  # text size in viewBox units
SMALL = 13
# Blues (ColorBrewer, as matplotlib's "Blues"), lightest first, for the agreement grid.
BLUES = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5",
         "#08519c", "#08306b")  # fmt: skip


# ------------------------------------------------------------------------------ pieces


def _e(text) -> str:
    return escape(str(text), quote=True)


def _width(text: str, size: float = FONT, bold: bool = False) -> float:
    """Roughly how wide `text` is in Arial at `size` (an average glyph's width)."""
    return len(str(text)) * size * (0.6 if bold else 0.56)


def _wrap(text, width: int = 28) -> list[str]:
    return textwrap.wrap(str(text), width) or [str(text)]


def _label(key, labels: Mapping | None) -> str:
    return str((labels or {}).get(key, str(key).replace("_", " ").capitalize()))


def _pct(value: float) -> str:
    return "no data" if pd.isna(value) else f"{value:.0f}%"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on the background colour ("#rrggbb")."""
    r, g, b = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


def _text(x, y, text, size=FONT, anchor="start", weight="", fill=TEXT, extra="") -> str:
    bold = ' font-weight="bold"' if weight else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}"{bold}{extra}>{_e(text)}</text>'
    )


def _lines(x, y, lines: list[str], size=FONT, anchor="end", step=None) -> str:
    """Lines of text, the first at y, each under the last."""
    step = step or size * 1.2
    spans = "".join(
        f'<tspan x="{_n(x)}" dy="{_n(0 if i == 0 else step)}">{_e(t)}</tspan>'
        for i, t in enumerate(lines)
    )
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{TEXT}">{spans}</text>'
    )


def _vertical(x: float, middle: float, text: str) -> str:
    """An axis's name written upwards, centred on `middle`."""
    extra = f' transform="translate({_n(x)} {_n(middle)}) rotate(-90)"'
    return _text(0, 0, text, FONT, "middle", extra=extra)


def _svg(width: float, height: float, description: str, body: str) -> str:
    text = _e(description)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'role="img" aria-label="{text}" '
        'style="width: 100%; max-width: 48em; height: auto">'
        f"<title>{text}</title>{body}</svg>"
    )


def _legend(x0: float, y: float, entries: list[tuple[str, str]], right: float) -> tuple:
    """Swatches and their labels in rows from (x0, y) to `right`: (svg, the last row's y)."""
    out, x = [], x0
    for colour, label in entries:
        w = 18 + _width(label, SMALL) + 18
        if x > x0 and x + w > right:
            x, y = x0, y + 20
        out.append(f'<rect x="{_n(x)}" y="{_n(y - 10)}" width="12" height="12" fill="{colour}"/>')
        out.append(_text(x + 18, y, label, SMALL))
        x += w
    return "".join(out), y


# ------------------------------------------------------------------------------ charts


def grade_bars(
    distribution: pd.DataFrame,
    by: str,
    column: str = "grade",
    colours: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    axis_label: str | None = None,
) -> str:
    """Stacked 100% horizontal bars of a `summaries.grade_distribution(frame, by=by, ...)`, as
    `charts.grade_bars` draws them: one bar per value of `by` (with its n), segments in scale
    order and colour (each with its share written in when it has room), a legend of levels."""
    levels = list(distribution[column].cat.categories)
    groups = list(pd.unique(distribution[by]))  # in the order given
    counts = np.zeros((len(groups), len(levels)))
    at_group = {g: i for i, g in enumerate(groups)}
    at_level = {k: j for j, k in enumerate(levels)}
    for g, k, n in distribution[[by, column, "n"]].itertuples(index=False):
        counts[at_group[g], at_level[k]] += n
    totals = counts.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(totals[:, None] > 0, counts / np.where(totals > 0, totals, 1)[:, None], 0)
    shares *= 100
    title = title or f"Grades by {by}"
    colours = colours or {}

    names = [
        [*_wrap(g)[:-1], f"{_wrap(g)[-1]} (n={int(t)})"]
        for g, t in zip(groups, totals, strict=True)
    ]
    left = 24 + min(max((_width(line) for n in names for line in n), default=0) + 12, 280)
    right = WIDTH - 16
    top, body = 46, []
    y = top
    rows = []
    for i, (group, name) in enumerate(zip(groups, names, strict=True)):
        h = max(26, 17 * len(name) + 6)
        rows.append((y, h))
        body.append(_lines(left - 8, y + h / 2 + 5 - 8.5 * (len(name) - 1), name))
        x = left
        for j, level in enumerate(levels):
            share = shares[i, j]
            if not share:
                continue
            w = share / 100 * (right - left)
            fill = colours.get(level, FALLBACK)
            tip = f"{group}: {_label(level, labels)} {share:.0f}% ({int(counts[i, j])})"
            body.append(
                f'<rect x="{_n(x)}" y="{_n(y + 3)}" width="{_n(w)}" height="{_n(h - 6)}" '
                f'fill="{fill}" stroke="#ffffff" stroke-width="1"><title>{_e(tip)}</title></rect>'
            )
            if w >= 34:
                body.append(
                    _text(
                        x + w / 2,
                        y + h / 2 + 4,
                        f"{share:.0f}%",
                        SMALL,
                        "middle",
                        fill=text_colour(fill),
                    )
                )
            x += w
        y += h
    bottom = y
    grid = []
    for v in range(0, 101, 20):
        x = left + v / 100 * (right - left)
        grid.append(
            f'<line x1="{_n(x)}" y1="{top}" x2="{_n(x)}" y2="{_n(bottom + 4)}" stroke="{GRID}"/>'
        )
        grid.append(_text(x, bottom + 20, str(v), SMALL, "middle"))
    axis = _text((left + right) / 2, bottom + 40, "Share of grades (%)", FONT, "middle")
    name = axis_label or by.replace("_", " ").capitalize()
    ylabel = _vertical(14, (top + bottom) / 2, name)
    entries = [(colours.get(k, FALLBACK), _label(k, labels)) for k in levels]
    legend, last = _legend(left, bottom + 66, entries, right)
    height = last + 14

    parts = []
    for i, group in enumerate(groups):
        if totals[i]:
            lv = ", ".join(
                f"{_label(k, labels)} {shares[i, j]:.0f}%"
                for j, k in enumerate(levels)
                if shares[i, j]
            )
            parts.append(f"{group} ({int(totals[i])} grades): {lv}")
        else:
            parts.append(f"{group}: no grades")
    description = f"{title}. Stacked bars of the share of each grade. " + "; ".join(parts) + "."
    head = _text(0, 20, title, 16, weight="bold")
    return _svg(
        WIDTH, height, description, head + "".join(grid) + "".join(body) + axis + ylabel + legend
    )


def trend_line(
    trend: pd.DataFrame,
    target_good: float | None = None,
    target_inadequate: float | None = None,
    title: str = "Overall grades by month",
) -> str:
    """% good or better and % inadequate by month from `summaries.monthly_trend`, as
    `charts.trend_line` draws them: months with a small sample have hollow markers, and the
    targets show as dashed lines, named in the key."""
    months = [str(m) for m in trend["month"]]
    small = trend["small_sample"].to_numpy(dtype=bool) if len(trend) else np.zeros(0, bool)
    left, right, top, bottom = 64, WIDTH - 16, 76, 296
    n = len(months)

    # The key in a row under the title (the targets named there, not on their lines, where
    # the months' points would cover them).
    entries = [
        (_marker("circle", 0, 0, GOOD_LINE, False), "% good or better"),
        (_marker("square", 0, 0, INADEQUATE_LINE, False), "% inadequate"),
    ]
    if small.any():
        entries.append((_marker("circle", 0, 0, TARGET_LINE, True), "fewer than 5"))
    for value, words, colour in (
        (target_good, "target {:g}% good or better", GOOD_LINE),
        (target_inadequate, "target at most {:g}% inadequate", INADEQUATE_LINE),
    ):
        if value is not None:
            dash = (
                f'<line x1="-8" y1="0" x2="8" y2="0" stroke="{colour}" stroke-width="1.5" '
                'stroke-dasharray="5 3"/>'
            )
            entries.append((dash, words.format(value)))
    key, x, y = [], 8, 44
    for mark, words in entries:
        width = 20 + _width(words, SMALL) + 16
        if x > 8 and x + width > WIDTH:
            x, y = 8, y + 20
        key.append(f'<g transform="translate({_n(x)} {y})">{mark}</g>')
        key.append(_text(x + 12, y + 4, words, SMALL))
        x += width
    top, bottom = top + y - 44, bottom + y - 44  # a second row of the key pushes it down

    def x_of(i: int) -> float:
        return (left + right) / 2 if n < 2 else left + 12 + i * (right - left - 24) / (n - 1)

    def y_of(v: float) -> float:
        return bottom - v / 104 * (bottom - top)

    body = []
    for v in range(0, 101, 20):
        y = y_of(v)
        body.append(f'<line x1="{left}" y1="{_n(y)}" x2="{right}" y2="{_n(y)}" stroke="{GRID}"/>')
        body.append(_text(left - 8, y + 4, str(v), SMALL, "end"))
    for value, colour in ((target_good, GOOD_LINE), (target_inadequate, INADEQUATE_LINE)):
        if value is not None:
            y = y_of(value)
            body.append(
                f'<line x1="{left}" y1="{_n(y)}" x2="{right}" y2="{_n(y)}" stroke="{colour}" '
                'stroke-width="1.5" stroke-dasharray="6 4"/>'
            )
    series = (
        ("pct_good_or_better", "good or better", GOOD_LINE, "circle"),
        ("pct_inadequate", "inadequate", INADEQUATE_LINE, "square"),
    )
    for column, name, colour, marker in series:
        values = trend[column].to_numpy(dtype=float)
        path, pen = [], "M"
        for i, v in enumerate(values):
            if math.isnan(v):
                pen = "M"
                continue
            path.append(f"{pen}{_n(x_of(i))} {_n(y_of(v))}")
            pen = "L"
        if path:
            body.append(
                f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
            )
        for i, v in enumerate(values):
            if math.isnan(v):
                continue
            tip = f"{months[i]}: {v:.0f}% {name} (n={int(trend['n'].iloc[i])})"
            body.append(_marker(marker, x_of(i), y_of(v), colour, bool(small[i]), tip))
    step = max(1, math.ceil(n / 12))
    for i in range(0, n, step):
        x = x_of(i)
        body.append(
            f'<line x1="{_n(x)}" y1="{bottom}" x2="{_n(x)}" y2="{bottom + 5}" stroke="{TEXT}"/>'
        )
        body.append(
            _text(
                x,
                bottom + 18,
                months[i],
                SMALL,
                "end",
                extra=f' transform="rotate(-45 {_n(x)} {bottom + 18})"',
            )
        )
    body.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{TEXT}"/>')
    body.append(_text((left + right) / 2, bottom + 82, "Month of audit", FONT, "middle"))
    body.append(_vertical(16, (top + bottom) / 2, "Share of audits (%)"))
    points = [
        f"{m}: {_pct(g)} good or better, {_pct(i)} inadequate (n={n})"
        for m, g, i, n in trend[["month", "pct_good_or_better", "pct_inadequate", "n"]].itertuples(
            index=False
        )
    ]
    description = f"{title}. Line chart. " + "; ".join(points) + "."
    head = _text(0, 20, title, 16, weight="bold")
    return _svg(WIDTH, bottom + 96, description, head + "".join(key) + "".join(body))


def _marker(shape: str, x: float, y: float, colour: str, hollow: bool, tip: str = "") -> str:
    fill = "#ffffff" if hollow else colour
    title = f"<title>{_e(tip)}</title>" if tip else ""
    paint = f'fill="{fill}" stroke="{colour}" stroke-width="2"'
    if shape == "circle":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4.5" {paint}>{title}</circle>'
    return f'<rect x="{_n(x - 4)}" y="{_n(y - 4)}" width="8" height="8" {paint}>{title}</rect>'


def agreement_heatmap(
    matrix: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    title: str = "Auditor's grade against moderator's grade",
) -> str:
    """The `summaries.agreement_matrix` as a grid of counts, as `charts.agreement_heatmap`
    draws it: auditor's level in rows, the moderator's in columns, shaded by count, the cells
    where they agree outlined."""
    counts = matrix.to_numpy(dtype=float)
    k = len(matrix)
    rows = [_label(r, labels) for r in matrix.index]
    cols = [_wrap(_label(c, labels), 14) for c in matrix.columns]
    left = 30 + min(max((_width(r) for r in rows), default=0) + 12, 260)
    cw = min(110.0, (WIDTH - 16 - left) / max(k, 1))
    ch = 40
    head_lines = max((len(c) for c in cols), default=1)
    top = 62 + 15 * head_lines
    top_count = max(counts.max(initial=0), 1)
    body = [_text(left + cw * k / 2, 46, "Moderator's grade", FONT, "middle")]
    for j, name in enumerate(cols):
        body.append(
            _lines(
                left + cw * (j + 0.5),
                top - 8 - 15 * (len(name) - 1),
                name,
                SMALL,
                "middle",
                step=15,
            )
        )
    for i, name in enumerate(rows):
        y = top + i * ch
        body.append(_text(left - 8, y + ch / 2 + 5, name, FONT, "end"))
        for j in range(k):
            v = counts[i, j]
            fill = BLUES[min(int(round(v / top_count * (len(BLUES) - 1))), len(BLUES) - 1)]
            tip = f"Auditor {name}, moderator {_label(matrix.columns[j], labels)}: {int(v)}"
            body.append(
                f'<rect x="{_n(left + j * cw)}" y="{_n(y)}" width="{_n(cw)}" height="{ch}" '
                f'fill="{fill}" stroke="#ffffff"><title>{_e(tip)}</title></rect>'
            )
            body.append(
                _text(
                    left + (j + 0.5) * cw,
                    y + ch / 2 + 5,
                    str(int(v)),
                    FONT,
                    "middle",
                    fill=text_colour(fill),
                )
            )
        body.append(
            f'<rect x="{_n(left + i * cw + 1)}" y="{_n(y + 1)}" width="{_n(cw - 2)}" '
            f'height="{ch - 2}" fill="none" stroke="{TEXT}" stroke-width="2"/>'
        )
    bottom = top + k * ch
    body.append(_vertical(16, (top + bottom) / 2, "Auditor's grade"))
    agree = int(np.trace(counts)) if k else 0
    description = (
        f"{title}. A grid of counts; {int(counts.sum())} grades moderated, {agree} left the same."
    )
    head = _text(0, 20, title, 16, weight="bold")
    return _svg(WIDTH, bottom + 12, description, head + "".join(body))
