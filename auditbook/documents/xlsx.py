"""Frames to an .xlsx workbook, written column by column.

The analytics workbook of a few thousand audits holds millions of cells (one row per graded
answer). Writing them through openpyxl's cell objects, as pandas' `to_excel` does, takes
tens of seconds; here each column is turned into its cells' XML at once (a categorical's
levels once each), and the sheets are joined and zipped. The package holds the least Excel,
LibreOffice and openpyxl need: the workbook, one sheet each with its header row frozen and
columns sized to their text, and three styles (dates, date-times, the bold header). Text is
always written as text (an inline string), so nothing typed is ever taken for a formula.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

MAX_SHEET_NAME = 31  # Excel's limit
EPOCH = np.datetime64("1899-12-30", "ns")  # Excel's day 0 (with its 1900 leap-year quirk)
DAY_NS = 86_400 * 10**9
_EMPTY = "<c/>"
_NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
DATE, DATETIME, HEADER = 1, 2, 3  # the styles above


def _text_cell(text: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", text)  # characters XML cannot hold (from Word)
    return f'<c t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def _value_cell(value) -> str:
    """One cell of a column of mixed values (the slow path, for object columns)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return _EMPTY
    if isinstance(value, (bool, np.bool_)):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, np.integer)):
        return f"<c><v>{int(value)}</v></c>"
    if isinstance(value, (float, np.floating)):
        return _EMPTY if not np.isfinite(value) else f"<c><v>{float(value)!r}</v></c>"
    if isinstance(value, pd.Timestamp):
        return _dates(pd.Series([value]))[0]
    return _text_cell(str(value))


def _dates(column: pd.Series) -> np.ndarray:
    values = column.dt.tz_convert("UTC").dt.tz_localize(None) if column.dt.tz else column
    ns = values.to_numpy(dtype="datetime64[ns]")
    missing = np.isnat(ns)
    serial = (ns - EPOCH).astype("int64") / DAY_NS
    whole = (serial == np.floor(serial)) | missing
    style = DATE if whole.all() else DATETIME
    out = np.array([f'<c s="{style}"><v>{v!r}</v></c>' for v in serial.tolist()], dtype=object)
    out[missing] = _EMPTY
    return out


def _cells(column: pd.Series) -> np.ndarray:
    """The XML of every cell of a column, in order."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        levels = np.array([_value_cell(v) for v in dtype.categories] + [_EMPTY], dtype=object)
        return levels[column.cat.codes.to_numpy()]  # code -1 (missing): the last, empty
    if isinstance(dtype, pd.DatetimeTZDtype) or dtype.kind == "M":
        return _dates(column)
    if not isinstance(dtype, np.dtype):  # nullable booleans and numbers, pandas' text
        pass
    elif dtype.kind == "b":
        return np.where(column.to_numpy(), '<c t="b"><v>1</v></c>', '<c t="b"><v>0</v></c>')
    elif dtype.kind in "iu":
        return np.array([f"<c><v>{v}</v></c>" for v in column.tolist()], dtype=object)
    elif dtype.kind == "f":
        return np.array([_value_cell(v) for v in column.tolist()], dtype=object)
    codes, uniques = pd.factorize(column, use_na_sentinel=True)  # text: each value once
    levels = np.array([_value_cell(v) for v in uniques] + [_EMPTY], dtype=object)
    return levels[codes]


def _width(column: pd.Series, name: str) -> float:
    sample = [len(str(v)) for v in column.head(200).tolist() if not _missing(v)]
    return min(max(max(sample + [len(str(name))]) + 2, 8), 60)


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def sheet_xml(frame: pd.DataFrame) -> str:
    """One worksheet: the header row (bold, frozen), then a row per frame row."""
    header = "".join(
        f'<c t="inlineStr" s="{HEADER}"><is><t>{escape(ILLEGAL_CHARACTERS_RE.sub("", str(c)))}'
        "</t></is></c>"
        for c in frame.columns
    )
    columns = [_cells(frame[c]) if len(frame) else [] for c in frame.columns]
    rows = map("".join, zip(*columns, strict=True))
    body = "".join(f'<row r="{n}">{cells}</row>' for n, cells in enumerate(rows, 2))
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{_width(frame[c], c)}" customWidth="1"/>'
        for i, c in enumerate(frame.columns, 1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}>'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        + (f"<cols>{widths}</cols>" if widths else "")
        + f'<sheetData><row r="1">{header}</row>{body}</sheetData></worksheet>'
    )


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """The workbook: one sheet per frame, in the order given (names cut to Excel's 31)."""
    names = [name[:MAX_SHEET_NAME] for name in sheets]
    n = len(names)
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        + "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS}><sheets>'
        + "".join(
            f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(names, 1)
        )
        + "</sheets></workbook>"
    )
    sheet_rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{sheet_rel}" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        + f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        z.writestr("xl/styles.xml", _STYLES)
        for i, frame in enumerate(sheets.values(), 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", sheet_xml(frame))
    return buffer.getvalue()
