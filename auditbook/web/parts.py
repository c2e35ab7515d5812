"""Pieces of HTML the pages share: escaped tables, headline figure cards, and download links
that carry their file inside the page. Every piece of text is escaped here."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from html import escape
from numbers import Number

import numpy as np
import pandas as pd


def number_text(value, digits: int = 1, suffix: str = "") -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "—"
    if isinstance(value, (bool, int)) or float(value).is_integer() and digits == 0:
        return f"{int(value)}{suffix}"
    return f"{float(value):.{digits}f}{suffix}"


def table_html(
    frame: pd.DataFrame,
    caption: str,
    formats: Mapping[str, Callable] | None = None,
    empty: str = "Nothing to show for these audits.",
    table_id: str | None = None,
) -> str:
    """A frame as an HTML table with a caption; every cell escaped, numbers right-aligned."""
    if frame.empty:
        return f'<p class="ab-muted" data-empty="{escape(table_id or "")}">{escape(empty)}</p>'
    formats = formats or {}
    head = "".join(f'<th scope="col">{escape(str(c))}</th>' for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, values, strict=True):
            numeric = isinstance(value, Number) and not isinstance(value, (bool, np.bool_))
            text = formats[column](value) if column in formats else value
            if numeric and column not in formats:
                text = number_text(value, 0 if isinstance(value, (int, np.integer)) else 1)
            shown = "—" if text is None or (isinstance(text, float) and pd.isna(text)) else text
            cls = ' class="ab-num"' if numeric else ""
            cells.append(f"<td{cls}>{escape(str(shown))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    ident = f' id="{escape(table_id)}"' if table_id else ""
    return (
        f'<table class="ab-table"{ident}><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def figure_card(key: str, value: str, label: str, note: str = "", raw=None, **data) -> str:
    """One headline figure, readable by people and by tests (data-figure, data-value)."""
    raw = "" if raw is None or (isinstance(raw, float) and pd.isna(raw)) else raw
    extra = "".join(f' data-{k.replace("_", "-")}="{escape(str(v))}"' for k, v in data.items())
    return (
        f'<div class="ab-figure" data-figure="{key}" data-value="{escape(str(raw))}"{extra}>'
        f'<div class="ab-figure-value">{escape(value)}</div>'
        f'<div class="ab-figure-label">{escape(label)}</div>'
        f'<div class="ab-figure-note">{note}</div></div>'
    )


SMALL = '<span class="ab-small" title="fewer than 5 audits: read with care">small sample</span>'


def download_link(data: bytes, filename: str, mime: str, text: str) -> str:
    """A link that saves `data` as `filename`: the file travels inside the page (a data URI),
    so no server address ever serves audit data."""
    b64 = base64.b64encode(data).decode("ascii")
    return (
        f'<a download="{escape(filename)}" href="data:{mime};base64,{b64}" '
        f'data-download="{escape(filename)}">{escape(text)}</a>'
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
