"""A saved audit as a document to share or print: a Word file, or a standalone HTML page.

Both are drawn from one list of blocks (headings, paragraphs, label/answer rows, tables), so
the Word file and the page always say the same thing. The layout follows the template: the
header facts, each section in order with its grades, evidence and the moderator's view beside
them, the overall grade, the safety judgement and any escalation, then the moderation.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from . import answers as A
from .library import Library, load_library
from .rubric import (
    Actions,
    DateItem,
    Grade,
    GuidanceText,
    MonthItem,
    MultipleChoice,
    NumberItem,
    Rubric,
    Section,
    SingleChoice,
    YesNoPartial,
)
from .store import AuditStore, check_id, rubric_hash

if TYPE_CHECKING:  # python-docx is imported when a Word file is made, not with the app
    from docx.document import Document as DocxDocument

STATUS_WORDS = {"draft": "Draft", "submitted": "Submitted", "moderated": "Moderated"}
NOT_ANSWERED = "—"
CONFIDENTIAL = "Confidential: this document holds personal information about a child."

# ------------------------------------------------------------------------------ blocks


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 0 the title, 1 a section, 2 a part of one


@dataclass(frozen=True)
class Para:
    text: str
    kind: str = ""  # "" | "label" (an item's question) | "note" | "alert" | "meta"


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    colour: str | None = None  # '#rrggbb' of the chosen level, to shade the answer


@dataclass(frozen=True)
class Rows:
    """A two-column table: label | answer."""

    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Para | Rows | Table


def _label(text: str) -> str:
    """A question as a row label: the template's words without a trailing colon."""
    return text.strip().rstrip(":").strip()


def long_date(value: str | None) -> str:
    """'2026-11-23' as '23 November 2026' (text that is not a date is returned as it is)."""
    try:
        d = date.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    return f"{d.day} {d:%B %Y}"


def long_time(value: str | None) -> str:
    """'2026-11-23T10:42:00Z' as '23 November 2026, 10:42 UTC'."""
    try:
        t = datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return str(value or "")
    return f"{t.day} {t:%B %Y}, {t:%H:%M} UTC"


def _month(value: str) -> str:
    try:
        return datetime.strptime(value, "%Y-%m").strftime("%B %Y")
    except ValueError:
        return value


class _Audit:
    """One record read under its rubric: the answers of either role, labels and colours."""

    def __init__(self, record: dict, rubric: Rubric):
        self.record, self.rubric = record, rubric
        self.answers = record.get("answers") or {}
        self.moderation = record.get("moderation") or {}
        self.both = {**self.answers, **self.moderation}
        self.na = set(record.get("not_applicable") or [])
        self.moderators: dict[str, list[Grade]] = {}  # auditor grade id → moderator grades
        for _, item in rubric.items():
            if isinstance(item, Grade) and item.role == "moderator" and item.moderates:
                self.moderators.setdefault(item.moderates, []).append(item)

    def value(self, item):
        return (self.moderation if item.role == "moderator" else self.answers).get(item.id)

    def shown(self, item) -> bool:
        """Guidance never; an item hidden by its condition only if it holds an answer anyway."""
        if isinstance(item, GuidanceText):
            return False
        return A.visible(self.rubric, item, self.both) or A.is_answered(item, self.value(item))

    def level(self, item, value):
        scale = self.rubric.scale(item.scale)
        key = A.level_of(value)
        return scale.level(key) if scale and key else None

    def level_row(self, label: str, item, value) -> Row:
        lv = self.level(item, value)
        if lv is None:
            return Row(label, A.level_of(value) or "Not graded")
        return Row(label, lv.label, lv.colour)

    def fact(self, item, value) -> str:
        """A plain answer in words: option labels, long dates, whole numbers."""
        if not A.is_answered(item, value):
            return NOT_ANSWERED
        if isinstance(item, DateItem):
            return long_date(value)
        if isinstance(item, MonthItem):
            return _month(str(value))
        if isinstance(item, (SingleChoice, MultipleChoice)):
            names = {o.key: o.label for o in item.options}
            chosen = value if isinstance(value, list) else [value]
            return ", ".join(names.get(v, str(v)) for v in chosen)
        if isinstance(item, NumberItem) and isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)


# ------------------------------------------------------------------- what is written


def _section_title(section: Section) -> str:
    number = (section.number or "").strip()
    if not number:
        return section.title
    return f"{number} {section.title}" if number.endswith(".") else f"{number}. {section.title}"


def _grade_blocks(audit: _Audit, item: Grade) -> list[Block]:
    value = audit.value(item) or {}
    evidence = value.get("evidence") or {} if isinstance(value, dict) else {}
    moderating = item.role == "moderator" and item.moderates
    rows = [audit.level_row("Moderator's grade" if moderating else "Grade", item, value)]
    target = audit.rubric.item(item.moderates) if moderating else None
    if target is not None:
        rows.append(_agreement_row(audit, target, item))
    rows += [Row(_label(e.label), evidence.get(e.id) or NOT_ANSWERED) for e in item.evidence]
    if item.role == "auditor" and audit.moderation:  # nothing to say before moderation
        for mod in audit.moderators.get(item.id, []):
            rows += _moderator_rows(audit, item, mod)
    return [*_question(audit, item), Rows(tuple(rows))]


def _question(audit: _Audit, item) -> list[Block]:
    """The question above its answer, unless it only repeats its section's title."""
    title = next((s.title for s in audit.rubric.sections if item in s.items), "")
    same = _label(item.label).casefold() == _label(title).casefold()
    return [] if same else [Para(item.label, "label")]


def _agreement_row(audit: _Audit, auditor_item: Grade, mod: Grade) -> Row:
    theirs = audit.level(auditor_item, audit.value(auditor_item))
    mine = audit.level(mod, audit.value(mod))
    if mine is None:
        return Row("Moderation", "Not yet moderated")
    if theirs is not None and theirs.key == mine.key:
        return Row("Moderation", f"Moderator agrees: {mine.label}", mine.colour)
    was = f" (the auditor's grade: {theirs.label})" if theirs else ""
    return Row("Moderation", f"Moderator's grade: {mine.label}{was}", mine.colour)


def _moderator_rows(audit: _Audit, item: Grade, mod: Grade) -> list[Row]:
    """The moderator's view of an auditor's grade, shown beside it."""
    value = audit.value(mod)
    if not A.is_answered(mod, value):
        return [Row(_label(mod.label), "Not yet moderated")]
    rows = [_agreement_row(audit, item, mod)]
    evidence = value.get("evidence") or {}
    for e in mod.evidence:
        if str(evidence.get(e.id) or "").strip():
            name = _label(e.label)
            name = (
                name if "moderat" in name.lower() else f"Moderator's {name[:1].lower()}{name[1:]}"
            )
            rows.append(Row(name, evidence[e.id]))
    return rows


def _actions_blocks(audit: _Audit, item: Actions) -> list[Block]:
    rows = [r for r in audit.value(item) or [] if isinstance(r, dict) and A.row_filled(r)]
    cols = item.columns
    headers = [cols.action, cols.owner, cols.due]
    completed = getattr(cols, "completed", None)
    if completed or any(r.get("completed") for r in rows):
        headers.append(completed or "Completed on")
    out = _question(audit, item)
    if not rows:
        return [*out, Para("No actions recorded.", "note")]
    table = []
    for r in rows:
        due = r.get("due") or ""
        cells = [r.get("action") or "", r.get("owner") or ""]
        cells.append(long_date(due) if item.due_kind == "date" and due else due)
        if len(headers) == 4:
            cells.append(long_date(r["completed"]) if r.get("completed") else "")
        table.append(tuple(cells))
    return [*out, Table(tuple(_label(h) for h in headers), tuple(table))]


def _items_blocks(audit: _Audit, items) -> list[Block]:
    """A run of items: plain answers gathered into label | answer tables between the rest."""
    out: list[Block] = []
    facts: list[Row] = []

    def flush() -> None:
        if facts:
            out.append(Rows(tuple(facts)))
            facts.clear()

    for item in items:
        if not audit.shown(item):
            continue
        if item.role == "moderator" and isinstance(item, Grade) and item.moderates:
            target = audit.rubric.item(item.moderates)
            if target is not None and target.role == "auditor" and _beside(audit, item):
                continue  # shown beside the auditor's grade it moderates
        value = audit.value(item)
        if isinstance(item, Grade):
            flush()
            out += _grade_blocks(audit, item)
        elif isinstance(item, Actions):
            flush()
            out += _actions_blocks(audit, item)
        elif isinstance(item, YesNoPartial):
            facts.append(audit.level_row(_label(item.label), item, value))
            text = (value or {}).get("explanation") if isinstance(value, dict) else None
            if item.explanation and (text or "").strip():
                facts.append(Row(_label(item.explanation), text))
        else:
            facts.append(Row(_label(item.label), audit.fact(item, value)))
    flush()
    return out


def _beside(audit: _Audit, mod: Grade) -> bool:
    """A moderator's grade in an auditor's section is shown with the grade it moderates."""
    section = next(s for s in audit.rubric.sections if mod in s.items)
    return section.role == "auditor"


def _section_blocks(audit: _Audit, section: Section) -> list[Block]:
    out: list[Block] = [Heading(_section_title(section), 1)]
    if section.id in audit.na:
        return [*out, Para("Not applicable", "note")]
    if section.role == "moderator" and not audit.moderation:
        return [*out, Para("Not yet moderated.", "note")]
    body = _items_blocks(audit, section.items)
    return out + (body or [Para("Nothing recorded.", "note")])


def _summary_blocks(audit: _Audit) -> list[Block]:
    rubric, rules = audit.rubric, audit.rubric.rules
    rows: list[Row] = []
    # Named for what they are: templates word these questions in many ways ("Grade:").
    named = [("Overall grade", rules.overall_grade)]
    if audit.moderation:
        named.append(("Moderator's overall grade", rules.moderated_overall_grade))
    named += [("Safety judgement", item_id) for item_id in rules.safety]
    for name, item_id in named:
        item = rubric.item(item_id) if item_id else None
        if item is None:
            continue
        value = audit.value(item)
        if isinstance(item, (Grade, YesNoPartial)):
            rows.append(audit.level_row(name, item, value))
        else:
            rows.append(Row(name, audit.fact(item, value)))
    out: list[Block] = [Heading("Summary", 1)]
    if rows:
        out.append(Rows(tuple(rows)))
    esc = audit.record.get("escalation")
    if esc:
        reasons = "; ".join(esc.get("reasons") or []) or "no reason given"
        by, at = esc.get("confirmed_by") or "?", long_time(esc.get("confirmed_at"))
        out.append(Para(f"Escalated: {reasons}; confirmed by {by} at {at}", "alert"))
    elif A.escalations(rubric, audit.answers):
        due = "; ".join(A.escalations(rubric, audit.answers))
        out.append(Para(f"Escalation required but not yet recorded: {due}", "alert"))
    else:
        out.append(Para("Not escalated.", "note"))
    return out


def _footer(audit: _Audit) -> str:
    rec, rubric = audit.record, audit.rubric
    saved = rec.get("saved") or {}
    ref = rec.get("rubric") or {}
    parts = [
        f"Audit {rec.get('id')}",
        STATUS_WORDS.get(rec.get("status"), str(rec.get("status"))),
        f"revision {rec.get('revision')}",
        f"last saved {long_time(saved.get('at'))} by {saved.get('by')}",
        f"template {ref.get('id', rubric.id)} version {ref.get('version', rubric.version)}",
    ]
    if ref.get("hash") and ref["hash"] != rubric_hash(rubric):
        parts.append("the template has changed since this audit was made")
    return " · ".join(parts)


def audit_blocks(record: dict, rubric: Rubric) -> list[Block]:
    """The whole document as blocks, in reading order (what both writers render)."""
    audit = _Audit(record, rubric)
    out: list[Block] = [Heading(rubric.title, 0)]
    meta = " · ".join(x for x in (rubric.organisation, f"Version {rubric.version}") if x)
    out += [Para(meta, "meta"), Para(CONFIDENTIAL, "meta")]
    auditor = [s for s in rubric.sections if s.role == "auditor"]
    moderator = [s for s in rubric.sections if s.role != "auditor"]
    if auditor:
        head, *auditor = auditor
        out.append(Heading("Audit details", 1))
        if head.id in audit.na:
            out.append(Para("Not applicable", "note"))
        else:
            plain = [i for i in head.items if not isinstance(i, (Grade, Actions))]
            out += _items_blocks(audit, plain)
            out += _items_blocks(audit, [i for i in head.items if i not in plain])
    for section in auditor:
        out += _section_blocks(audit, section)
    out += _summary_blocks(audit)
    for section in moderator:
        out += _section_blocks(audit, section)
    out.append(Para(_footer(audit), "meta"))
    return out


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
    return _write_private(Path(path), docx_bytes(record, rubric))


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
    return _write_private(Path(path), audit_html(record, rubric).encode("utf-8"))


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
    return _write_private(path, kind.render(record, rubric))


def _write_private(path: Path, data: bytes) -> Path:
    """Write atomically, the file readable by its owner only (the folder made 0700)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
