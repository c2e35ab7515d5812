"""A saved audit as a document to share or print: a Word file, or a standalone HTML page.

Both are drawn from one list of blocks (auditbook.documents.blocks), so the Word file and the page
always say the same thing.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from ..audits.private import write_private
from ..audits.store import AuditStore, check_id
from ..rubrics.library import Library, load_library
from ..rubrics.model import Rubric
from .blocks import CONFIDENTIAL, Heading, Para, Rows, Table, audit_blocks
from .blocks import long_date as long_date  # part of this module's API too

if TYPE_CHECKING:  # python-docx is imported when a Word file is made, not with the app
    from docx.document import Document as DocxDocument


# ----------------------------------------------------------------------------- Word

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: str) -> str:
    """Text Word can hold: control characters (which XML forbids) are dropped."""
    return _XML_ILLEGAL.sub("", str(text))


def _ink(colour: str) -> str:
    """Black or white, whichever reads better on this background (WCAG contrast)."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lum = sum(
        k * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        for k, c in zip((0.2126, 0.7152, 0.0722), (r, g, b), strict=True)
    )
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


def _shade(cell, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour.lstrip("#").upper())
    cell._tc.get_or_add_tcPr().append(shd)
    for par in cell.paragraphs:
        for run in par.runs:
            run.font.color.rgb = RGBColor.from_string(_ink(colour).lstrip("#").upper())


def _write(cell, text: str, bold: bool = False) -> None:
    run = cell.paragraphs[0].add_run(_x(text))  # a run even for empty text, to style
    run.bold = bold


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def audit_docx(record: dict, rubric: Rubric) -> DocxDocument:
    """The audit as a Word document (python-docx), laid out like the template."""
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Mm, Pt, RGBColor

    doc = docx.Document()
    page = doc.sections[0]
    page.page_width, page.page_height = Mm(210), Mm(297)  # A4
    page.left_margin = page.right_margin = page.top_margin = page.bottom_margin = Mm(20)
    label_width, value_width = Mm(60), Mm(110)
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(10.5)
    props = doc.core_properties
    props.title, props.author, props.comments = _x(rubric.title), "auditbook", ""
    props.last_modified_by, props.keywords = "auditbook", ""
    doc.sections[0].footer.paragraphs[0].text = _x(f"{record.get('id')} · {CONFIDENTIAL}")
    for block in audit_blocks(record, rubric):
        if isinstance(block, Heading):
            doc.add_heading(_x(block.text), block.level)
        elif isinstance(block, Para):
            par = doc.add_paragraph()
            run = par.add_run(_x(block.text))
            run.bold = block.kind in ("label", "alert")
            run.italic = block.kind == "note"
            if block.kind == "alert":
                run.font.color.rgb = RGBColor(0xB7, 0x1C, 0x1C)
            if block.kind == "meta":
                run.font.size = Pt(9)
                run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        elif isinstance(block, Rows):
            table = doc.add_table(rows=0, cols=2)
            table.style, table.alignment = "Table Grid", WD_TABLE_ALIGNMENT.LEFT
            table.autofit = False
            for row in block.rows:
                label, value = table.add_row().cells
                label.width, value.width = label_width, value_width
                _write(label, row.label, bold=True)
                _write(value, row.value)
                if row.colour:
                    _shade(value, row.colour)
            doc.add_paragraph()
        elif isinstance(block, Table):
            table = doc.add_table(rows=1, cols=len(block.headers))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
                _write(cell, text, bold=True)
                _shade(cell, "#EEEEEE")
            _repeat_header(table.rows[0])
            for cells in block.rows:
                for cell, text in zip(table.add_row().cells, cells, strict=True):
                    _write(cell, text)
            doc.add_paragraph()
    return doc


def docx_bytes(record: dict, rubric: Rubric) -> bytes:
    out = io.BytesIO()
    audit_docx(record, rubric).save(out)
    return out.getvalue()


def write_docx(record: dict, rubric: Rubric, path: str | Path) -> Path:
    """Write the audit as a Word file (readable by its owner only) and return its path."""
    return write_private(Path(path), docx_bytes(record, rubric))


# ----------------------------------------------------------------------------- HTML

HTML_CSS = """
body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.4;
       color: #111; margin: 2em auto; max-width: 50em; padding: 0 1em; }
h1 { font-size: 1.6em; margin: 0 0 .2em; }
h2 { font-size: 1.2em; margin: 1.4em 0 .4em; border-bottom: 2px solid #0d47a1; }
p { margin: .4em 0; white-space: pre-wrap; }
.label { font-weight: bold; margin-top: 1em; }
.note { font-style: italic; color: #444; }
.alert { font-weight: bold; color: #b71c1c; border-left: 4px solid #b71c1c; padding-left: .5em; }
.meta { font-size: .85em; color: #555; }
table { border-collapse: collapse; width: 100%; margin: .3em 0 .8em; }
th, td { border: 1px solid #999; padding: .3em .5em; text-align: left; vertical-align: top;
         white-space: pre-wrap; overflow-wrap: anywhere; }
table.rows th { width: 32%; background: #f5f5f5; }
table.actions thead th { background: #eeeeee; }
@media print {
  @page { size: A4; margin: 16mm; }
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  h1, h2, .label { break-after: avoid; page-break-after: avoid; }
  tr, .alert { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  td, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

# Nothing may load or run: styles inline, no scripts, no fetches, no forms.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def _h(text) -> str:
    return escape(str(text), quote=True)


def _cell_style(colour: str | None) -> str:
    if not colour or not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        return ""
    return f' style="background:{colour};color:{_ink(colour)}"'


def audit_html(record: dict, rubric: Rubric) -> str:
    """The audit as a standalone printable HTML page: no scripts, no external resources."""
    parts = []
    for block in audit_blocks(record, rubric):
        if isinstance(block, Heading):
            tag = "h1" if block.level == 0 else f"h{min(block.level + 1, 6)}"
            parts.append(f"<{tag}>{_h(block.text)}</{tag}>")
        elif isinstance(block, Para):
            cls = f' class="{_h(block.kind)}"' if block.kind else ""
            role = ' role="alert"' if block.kind == "alert" else ""
            parts.append(f"<p{cls}{role}>{_h(block.text)}</p>")
        elif isinstance(block, Rows):
            rows = "".join(
                f'<tr><th scope="row">{_h(r.label)}</th><td{_cell_style(r.colour)}>'
                f"{_h(r.value)}</td></tr>"
                for r in block.rows
            )
            parts.append(f'<table class="rows"><tbody>{rows}</tbody></table>')
        elif isinstance(block, Table):
            head = "".join(f'<th scope="col">{_h(h)}</th>' for h in block.headers)
            body = "".join(
                "<tr>" + "".join(f"<td>{_h(c)}</td>" for c in row) + "</tr>" for row in block.rows
            )
            parts.append(
                f'<table class="actions"><thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>"
            )
    title = f"{rubric.title} · {record.get('id')}"
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_h(title)}</title>\n<style>{HTML_CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(parts)
        + "\n</main>\n</body>\n</html>\n"
    )


def write_html(record: dict, rubric: Rubric, path: str | Path) -> Path:
    """Write the audit as an HTML page (readable by its owner only) and return its path."""
    return write_private(Path(path), audit_html(record, rubric).encode("utf-8"))


# --------------------------------------------------------------------------- export


@dataclass(frozen=True)
class DocumentFormat:
    """One way of writing a single audit as a file."""

    name: str
    label: str  # shown in the app's format picker
    suffix: str
    mime: str
    render: Callable[[dict, Rubric], bytes]


DOCUMENT_FORMATS: dict[str, DocumentFormat] = {
    f.name: f
    for f in (
        DocumentFormat(
            "docx",
            "Word",
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            docx_bytes,
        ),
        DocumentFormat(
            "html",
            "HTML",
            ".html",
            "text/html",
            lambda record, rubric: audit_html(record, rubric).encode("utf-8"),
        ),
    )
}


def documents_dir(store: AuditStore | None = None) -> Path:
    """Where documents are written by default: `documents/` beside the audits folder, i.e.
    `exports/documents/` of the project unless $AUDITBOOK_AUDITS moves the audits elsewhere."""
    return (store or AuditStore()).root.parent / "documents"


def load_audit(audit: str | Path, store: AuditStore | None = None) -> dict:
    """An audit by id (from the store) or by the path of its file; raises AuditStoreError."""
    text = str(audit)
    if text.endswith(".json") or os.sep in text or "/" in text:
        path = Path(text)
        return AuditStore(path.parent).load(path.name.removesuffix(".json"))
    return (store or AuditStore()).load(text)


def rubric_for(record: dict, rubrics: Rubric | Library | None = None) -> Rubric:
    """The rubric an audit was made with, from a rubric or a library (the installed one by
    default); raises LookupError when that template is not installed."""
    wanted = record["rubric"]["id"]
    if isinstance(rubrics, Rubric):
        if rubrics.id != wanted:
            raise LookupError(f"Audit {record['id']} is a {wanted} audit, not {rubrics.id}.")
        return rubrics
    library = rubrics if rubrics is not None else load_library()
    if wanted not in library.rubrics:
        raise LookupError(f"Audit {record['id']} uses a template that is not installed: {wanted}.")
    return library.rubrics[wanted]


def export_audit(
    record_or_id: dict | str | Path,
    rubrics: Rubric | Library | None = None,
    fmt: str = "docx",
    out_dir: str | Path | None = None,
    store: AuditStore | None = None,
) -> Path:
    """Write one audit as `<audit id>.docx` or `.html` and return the file's path.

    record_or_id: a record, an audit id (read from `store`) or an audit file's path.
    rubrics: its rubric, or a library to find it in (default: the installed rubrics).
    out_dir: default `documents_dir(store)`, created readable by its owner only.
    """
    if fmt not in DOCUMENT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(DOCUMENT_FORMATS)}")
    kind = DOCUMENT_FORMATS[fmt]
    record = record_or_id if isinstance(record_or_id, dict) else load_audit(record_or_id, store)
    rubric = rubric_for(record, rubrics)
    folder = Path(out_dir) if out_dir is not None else documents_dir(store)
    path = folder / f"{check_id(record['id'])}{kind.suffix}"  # an id cannot leave the folder
    return write_private(path, kind.render(record, rubric))
