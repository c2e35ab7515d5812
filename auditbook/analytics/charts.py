"""Charts of the summaries, in the grading scale's colours: pure functions returning a Figure.

Figures are drawn without pyplot (no GUI backend, no global list of open figures) on an Agg
canvas; `figure_svg` turns one into inline SVG for an ipywidgets.HTML, and in a notebook a
chart shows itself as SVG. Every chart has a title,
axis labels and a one-sentence description (the figure's label) that `figure_svg` puts in the
SVG's <title> and aria-label for screen readers.
"""

from __future__ import annotations

import io
import itertools
import re
import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

FALLBACK = "#9e9e9e"  # a level the scale gives no colour
GOOD_LINE = "#1a9850"
INADEQUATE_LINE = "#d73027"
TARGET_LINE = "#424242"
WIDTH = 7.5  # inches; the SVG scales to its container
_ids = itertools.count(1)


class Chart(Figure):
    """A Figure that shows itself as SVG in Jupyter, though no pyplot backend is active."""

    def _repr_svg_(self) -> str:
        return figure_svg(self)


def _figure(height: float) -> tuple[Figure, object]:
    fig = Chart(figsize=(WIDTH, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _wrap(text, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _label(key, labels: Mapping | None) -> str:
    return str((labels or {}).get(key, str(key).replace("_", " ").capitalize()))


def _pct(value: float) -> str:
    return "no data" if pd.isna(value) else f"{value:.0f}%"


def grade_bars(
    distribution: pd.DataFrame,
    by: str,
    column: str = "grade",
    colours: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    axis_label: str | None = None,
) -> Figure:
    """Stacked 100% horizontal bars of a `summaries.grade_distribution(frame, by=by, ...)`:
    one bar per value of `by`, segments in scale order and colour, a legend of level labels."""
    levels = list(distribution[column].cat.categories)
    counts = distribution.pivot_table(
        index=by, columns=column, values="n", aggfunc="sum", observed=False
    ).reindex(columns=levels, fill_value=0)
    counts = counts.reindex(pd.unique(distribution[by]))  # groups in the order given
    totals = counts.sum(axis=1)
    shares = counts.div(totals.where(totals > 0), axis=0).fillna(0) * 100
    title = title or f"Grades by {by}"
    fig, ax = _figure(1.6 + 0.42 * max(len(shares), 1))
    y = np.arange(len(shares))
    left = np.zeros(len(shares))
    for level in levels:
        ax.barh(
            y,
            shares[level].to_numpy(),
            left=left,
            color=(colours or {}).get(level, FALLBACK),
            edgecolor="white",
            linewidth=0.6,
            label=_label(level, labels),
        )
        left += shares[level].to_numpy()
    ax.set_yticks(y, [f"{_wrap(g)} (n={int(t)})" for g, t in totals.items()])
    ax.invert_yaxis()  # first group at the top
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of grades (%)")
    ax.set_ylabel(axis_label or by.replace("_", " ").capitalize())
    ax.set_title(title, loc="left", fontweight="bold")
    fig.legend(loc="outside lower center", ncols=min(len(levels), 5), frameon=False,
               fontsize="small")  # fmt: skip
    ax.spines[["top", "right"]].set_visible(False)
    parts = []
    for group, row in shares.iterrows():
        if totals[group]:
            lv = ", ".join(f"{_label(k, labels)} {row[k]:.0f}%" for k in levels if row[k])
            parts.append(f"{group} ({int(totals[group])} grades): {lv}")
        else:
            parts.append(f"{group}: no grades")
    fig.set_label(f"{title}. Stacked bars of the share of each grade. " + "; ".join(parts) + ".")
    return fig


def trend_line(
    trend: pd.DataFrame,
    target_good: float | None = None,
    target_inadequate: float | None = None,
    title: str = "Overall grades by month",
) -> Figure:
    """% good or better and % inadequate by month from `summaries.monthly_trend`; months with
    a small sample have hollow markers, and optional targets show as dashed lines."""
    fig, ax = _figure(3.6)
    x = np.arange(len(trend))
    small = trend["small_sample"].to_numpy(dtype=bool) if len(trend) else np.zeros(0, bool)
    series = (
        ("pct_good_or_better", "Good or better", GOOD_LINE, "o"),
        ("pct_inadequate", "Inadequate", INADEQUATE_LINE, "s"),
    )
    for col, name, colour, marker in series:
        y = trend[col].to_numpy(dtype=float)
        ax.plot(x, y, color=colour, linewidth=2, label=f"% {name.lower()}")
        ax.plot(x[~small], y[~small], marker, color=colour, markersize=6, linestyle="none")
        ax.plot(
            x[small], y[small], marker, color=colour, markerfacecolor="white",
            markersize=6, linestyle="none",
        )  # fmt: skip
    for value, name, colour in (
        (target_good, "good or better", GOOD_LINE),
        (target_inadequate, "inadequate", INADEQUATE_LINE),
    ):
        if value is not None:
            ax.axhline(value, color=colour, linestyle="--", linewidth=1, alpha=0.8)
            ax.annotate(
                f"target {name} {value:g}%", (1, value), xycoords=("axes fraction", "data"),
                ha="right", va="bottom", fontsize="small", color=TARGET_LINE,
            )  # fmt: skip
    if small.any():
        ax.plot([], [], "o", color=TARGET_LINE, markerfacecolor="white", label="fewer than 5")
    step = max(1, int(np.ceil(len(x) / 12)))
    ax.set_xticks(x[::step], list(trend["month"])[::step], rotation=45, ha="right")
    ax.set_ylim(0, 104)
    ax.set_yticks(range(0, 101, 20))
    ax.set_xlabel("Month of audit")
    ax.set_ylabel("Share of audits (%)")
    ax.set_title(title, loc="left", fontweight="bold")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1), frameon=False, fontsize="small")
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    months = [
        f"{m}: {_pct(g)} good or better, {_pct(i)} inadequate (n={n})"
        for m, g, i, n in trend[["month", "pct_good_or_better", "pct_inadequate", "n"]].itertuples(
            index=False
        )
    ]
    fig.set_label(f"{title}. Line chart. " + "; ".join(months) + ".")
    return fig


def agreement_heatmap(
    matrix: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    title: str = "Auditor's grade against moderator's grade",
) -> Figure:
    """The `summaries.agreement_matrix` as a grid of counts: auditor's level in rows, the
    moderator's in columns, the cells where they agree outlined."""
    counts = matrix.to_numpy(dtype=float)
    k = len(matrix)
    fig, ax = _figure(1.6 + 0.55 * max(k, 1))
    image = ax.imshow(
        counts, cmap="Blues", vmin=0, vmax=max(counts.max(initial=0), 1), aspect="auto"
    )
    for (i, j), v in np.ndenumerate(counts):
        colour = text_colour(to_hex(image.cmap(image.norm(v))))
        ax.text(j, i, f"{int(v)}", ha="center", va="center", color=colour)
    for i in range(k):
        ax.add_patch(Rectangle((i - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black", lw=2))
    ax.set_xticks(range(k), [_wrap(_label(c, labels), 14) for c in matrix.columns])
    ax.set_yticks(range(k), [_label(r, labels) for r in matrix.index])
    ax.set_xlabel("Moderator's grade")
    ax.set_ylabel("Auditor's grade")
    ax.xaxis.set_label_position("top")
    ax.xaxis.tick_top()
    ax.set_title(title, loc="left", fontweight="bold")
    agree = int(np.trace(counts)) if k else 0
    fig.set_label(
        f"{title}. A grid of counts; {int(counts.sum())} grades moderated, {agree} left the same."
    )
    return fig


def spread_grid(
    counts: pd.DataFrame,
    reference: list,
    colours: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    title: str = "Trainees' grades against the reference",
) -> Figure:
    """Calibration: criteria (rows of `counts`) by levels (its columns, best first), each cell
    the number of trainees who chose that level, shaded in the level's colour (stronger for
    more); the reference level of each row (`reference`, one key per row) is outlined."""
    levels, rows = list(counts.columns), list(counts.index)
    fig, ax = _figure(1.5 + 0.42 * max(len(rows), 1))
    top = max(int(counts.to_numpy().max(initial=0)), 1)
    for i in range(len(rows)):
        for j, level in enumerate(levels):
            n = int(counts.iloc[i, j])
            strength = 0.2 + 0.8 * n / top if n else 0.0
            rgb = np.array(to_rgb((colours or {}).get(level, FALLBACK)))
            shade = to_hex(1 - strength * (1 - rgb))  # the colour laid over white
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=shade, edgecolor="#ddd"))
            ax.text(j, i, str(n) if n else "·", ha="center", va="center",
                    color=text_colour(shade))  # fmt: skip
        if reference[i] in levels:
            j = levels.index(reference[i])
            ax.add_patch(Rectangle((j - 0.45, i - 0.45), 0.9, 0.9, fill=False, lw=2.2))
    ax.set_xlim(-0.5, len(levels) - 0.5)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xticks(range(len(levels)), [_wrap(_label(k, labels), 12) for k in levels])
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(rows)), [_wrap(r, 44) for r in rows], fontsize="small")
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    ax.set_title("Outlined: the reference grade", loc="left", fontsize="small")
    parts = [
        f"{row}: reference {_label(reference[i], labels)}; "
        + (", ".join(f"{_label(k, labels)} {int(counts.iloc[i, j])}"
                     for j, k in enumerate(levels) if counts.iloc[i, j]) or "no grades")
        for i, row in enumerate(rows)
    ]  # fmt: skip
    fig.set_label(
        f"{title}. A grid of how many trainees chose each level for each criterion, the "
        "reference level outlined. " + "; ".join(parts) + "."
    )
    return fig


def figure_svg(fig: Figure, description: str | None = None) -> str:
    """The figure as inline SVG text (an <svg> element with a <title> and aria-label, ids made
    unique on the page); the figure is closed afterwards."""
    description = description or fig.get_label() or "Chart"
    out = io.StringIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "auditbook"}):
        fig.savefig(out, format="svg", metadata={"Date": None})
    _close(fig)
    svg = out.getvalue()
    svg = svg[svg.index("<svg") :]  # no XML declaration or DOCTYPE inside HTML
    prefix = f"abc{next(_ids)}-"
    svg = re.sub(r'\bid="', f'id="{prefix}', svg)
    svg = re.sub(r"url\(#", f"url(#{prefix}", svg)
    svg = re.sub(r'xlink:href="#', f'xlink:href="#{prefix}', svg)
    text = _escape(description)
    svg = re.sub(
        r'<svg ([^>]*?)width="[^"]*" height="[^"]*"',
        lambda m: (
            f'<svg {m.group(1)}role="img" aria-label="{text}" '
            'style="width: 100%; max-width: 48em; height: auto"'
        ),
        svg,
        count=1,
    )
    head = svg.index(">") + 1
    return f"{svg[:head]}\n <title>{text}</title>{svg[head:]}"


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _close(fig: Figure) -> None:
    import sys

    if "matplotlib.pyplot" in sys.modules:  # a figure a notebook made with pyplot
        sys.modules["matplotlib.pyplot"].close(fig)


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on the background colour."""
    r, g, b = to_rgb(background)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"
