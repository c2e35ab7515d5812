"""What a document of a saved audit says, as a list of blocks (headings, paragraphs,
label/answer rows, tables) that the Word and HTML writers of auditbook.documents.audit_export
both draw.

The layout follows the template: the header facts, each section in order with its grades,
evidence and the moderator's view beside them, the overall grade, the safety judgement and
any escalation, then the moderation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..audits.store import STATUS_WORDS, rubric_hash
from ..rubrics import answers as A
from ..rubrics.model import (
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
    elif A.escalations(rubric, audit.both):  # the moderator's grades fire rules too
        due = "; ".join(A.escalations(rubric, audit.both))
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
