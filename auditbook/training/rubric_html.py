"""Rubrics and guidance as HTML for reading: the trainer's view of a template.

Everything that came from a file is escaped; nothing here does I/O.
"""

from __future__ import annotations

from html import escape

from ..rubrics.model import (
    Actions,
    Condition,
    Document,
    Grade,
    Guidance,
    GuidanceText,
    MultipleChoice,
    Rubric,
    Scale,
    Section,
    SingleChoice,
    YesNoPartial,
)
from ..web.style import CSS
from .descriptors import Criterion, compared_with, diff_html


def _t(text: str | None) -> str:
    return escape(text or "")


def _para(text: str | None) -> str:
    return f'<div class="ab-para">{_t(text)}</div>' if text else ""


def _list(items: list[str], ordered: bool = False) -> str:
    if not items:
        return ""
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{_t(i)}</li>" for i in items) + f"</{tag}>"


def condition_text(rubric: Rubric, cond: Condition) -> str:
    """A condition in words: "'Audited previously?' is YES"."""
    target = rubric.item(cond.item)
    name = f"“{target.label}”" if target else cond.item

    def label(value) -> str:
        if isinstance(target, (SingleChoice, MultipleChoice)):
            return next((o.label for o in target.options if o.key == value), str(value))
        if isinstance(target, (Grade, YesNoPartial)) and rubric.scale(target.scale):
            level = rubric.scale(target.scale).level(str(value))
            return level.label if level else str(value)
        return str(value)

    test = cond.test
    if test == "answered":
        return f"{name} is {'answered' if cond.answered else 'not answered'}"
    if test == "escalates":
        return f"{name} is at a level that triggers escalation"
    words = " or ".join(label(v) for v in cond.values)
    return f"{name} is {'not ' if test == 'not_one_of' else ''}{words}"


def scale_header(scale: Scale) -> str:
    cells = "".join(
        f'<th style="border-top: 4px solid {lv.colour or "#999"}">{_t(lv.label)}</th>'
        for lv in scale.levels
    )
    return cells


def scale_html(scale: Scale) -> str:
    """A scale's levels side by side with their generic descriptors."""
    cells = "".join(f"<td>{_para(lv.descriptor)}</td>" for lv in scale.levels)
    flags = []
    good = [lv.label for lv in scale.levels if lv.good_or_better]
    esc = [lv.label for lv in scale.levels if lv.escalates]
    if good:
        flags.append("Good or better: " + ", ".join(good))
    if esc:
        flags.append("Triggers escalation: " + ", ".join(esc))
    has_desc = any(lv.descriptor for lv in scale.levels)
    table = (
        f'<table class="ab-matrix"><tr>{scale_header(scale)}</tr>'
        + (f"<tr>{cells}</tr>" if has_desc else "")
        + "</table>"
    )
    return (
        f'<div class="ab-scale" data-scale="{_t(scale.id)}"><h4>{_t(scale.name)}</h4>'
        + _para(scale.description)
        + table
        + (f'<p class="ab-muted">{_t("; ".join(flags))}</p>' if flags else "")
        + (f'<div class="ab-notes">{_para(scale.notes)}</div>' if scale.notes else "")
        + "</div>"
    )


def matrix_html(rubric: Rubric, items: list[Grade]) -> str:
    """Criteria as rows, levels as columns: each cell the criterion's descriptor."""
    scale = rubric.scale(items[0].scale)
    rows = []
    for item in items:
        cells = "".join(
            f"<td>{_para((item.descriptors or {}).get(lv.key))}</td>" for lv in scale.levels
        )
        rows.append(
            f'<tr data-item="{_t(item.id)}"><th class="ab-crit">{_t(item.label)}</th>{cells}</tr>'
        )
    return (
        f'<table class="ab-matrix"><tr><th class="ab-crit">Criteria</th>{scale_header(scale)}</tr>'
        + "".join(rows)
        + "</table>"
    )


def item_html(rubric: Rubric, item) -> str:
    tags = [item.type.replace("_", " ")]
    if item.role != "auditor":
        tags.append(item.role)
    if isinstance(item, GuidanceText):
        return f'<div class="ab-item ab-guidance">{_para(item.text)}</div>'
    if item.required:
        tags.append("required")
    parts = [
        f'<div class="ab-item" data-item="{_t(item.id)}"><strong>{_t(item.label)}</strong>'
        + "".join(f'<span class="ab-tag">{_t(t)}</span>' for t in tags)
    ]
    if item.help:
        parts.append(f'<div class="ab-muted">{_para(item.help)}</div>')
    if item.show_when:
        parts.append(
            f'<div class="ab-muted">Shown when {_t(condition_text(rubric, item.show_when))}.</div>'
        )
    if item.required_when:
        parts.append(
            '<div class="ab-muted">Required when '
            f"{_t(condition_text(rubric, item.required_when))}.</div>"
        )
    if isinstance(item, (SingleChoice, MultipleChoice)):
        parts.append(
            '<div class="ab-muted">Options: '
            + _t(" · ".join(o.label for o in item.options))
            + "</div>"
        )
    if isinstance(item, (Grade, YesNoPartial)):
        scale = rubric.scale(item.scale)
        parts.append(f'<div class="ab-muted">Scale: {_t(scale.name)}</div>')
        boxes = [e.label for e in item.evidence] if isinstance(item, Grade) else [item.explanation]
        boxes = [b for b in boxes if b]
        if boxes:
            parts.append('<div class="ab-muted">With: ' + _t(" · ".join(boxes)) + "</div>")
        if isinstance(item, Grade) and item.moderates:
            target = rubric.item(item.moderates)
            parts.append(
                '<div class="ab-muted">Moderates: '
                f"{_t(target.label if target else item.moderates)}</div>"
            )
    if isinstance(item, Actions):
        c = item.columns
        parts.append(
            f'<table class="ab-matrix"><tr><th>{_t(c.action)}</th><th>{_t(c.owner)}</th>'
            f"<th>{_t(c.due)}</th></tr></table>"
        )
    parts.append("</div>")
    return "".join(parts)


def section_html(rubric: Rubric, section: Section) -> str:
    number = f"{_t(section.number)}. " if section.number else ""
    head = (
        f'<section class="ab-section" data-section="{_t(section.id)}">'
        f"<h3>{number}{_t(section.title)}</h3>"
    )
    parts = [head, _para(section.intro)]
    if section.allow_not_applicable:
        parts.append('<p class="ab-muted">The auditor may mark this section not applicable.</p>')
    if section.prompts:
        parts.append(
            f"<p><em>{_t(section.prompts_heading or 'Consider:')}</em></p>{_list(section.prompts)}"
        )
    matrix_items = [i for i in section.items if isinstance(i, Grade) and i.descriptors]
    for item in section.items:
        parts.append(item_html(rubric, item))
    # One matrix per scale used in the section, criteria as rows.
    by_scale: dict[str, list[Grade]] = {}
    for item in matrix_items:
        by_scale.setdefault(item.scale, []).append(item)
    for items in by_scale.values():
        parts.append("<h4>Descriptors</h4>" + matrix_html(rubric, items))
    parts.append("</section>")
    return "".join(parts)


def rules_html(rubric: Rubric) -> str:
    rules = rubric.rules
    rows = []
    if rules.overall_grade:
        rows.append(f"<li>Overall grade: {_t(rubric.item(rules.overall_grade).label)}</li>")
    if rules.moderated_overall_grade:
        rows.append(
            "<li>Moderated overall grade: "
            f"{_t(rubric.item(rules.moderated_overall_grade).label)}</li>"
        )
    for sid in rules.safety:
        rows.append(f"<li>Safety judgement: {_t(rubric.item(sid).label)}</li>")
    for esc in rules.escalation:
        rows.append(
            f"<li><strong>Escalate</strong> when {_t(condition_text(rubric, esc.when))}: "
            f"{_t(esc.tell)}</li>"
        )
    return f"<h3>Rules</h3><ul>{''.join(rows)}</ul>" if rows else ""


def document_html(doc: Document, owner: Rubric | Guidance) -> str:
    parts = [f'<div class="ab-document" data-document="{_t(doc.id)}"><h3>{_t(doc.title)}</h3>']
    parts.append(_para(doc.body))
    parts.append(_list(doc.items, doc.ordered))
    if doc.scale and owner.scale(doc.scale):
        parts.append(scale_html(owner.scale(doc.scale)))
    parts.append("</div>")
    return "".join(parts)


def rubric_html(rubric: Rubric, guidance: list[Guidance] = ()) -> str:
    """The whole rubric for reading: sections, prompts, items, descriptor matrices, rules."""
    meta = " · ".join(
        _t(x) for x in (rubric.organisation, f"version {rubric.version}", rubric.source) if x
    )
    parts = [CSS, f'<div class="ab-doc" data-rubric="{_t(rubric.id)}"><h2>{_t(rubric.title)}</h2>']
    parts.append(f'<p class="ab-meta">{meta}</p>')
    parts.append(_para(rubric.description))
    if rubric.notes:
        parts.append(
            f'<div class="ab-notes"><strong>Notes for auditor</strong>{_para(rubric.notes)}</div>'
        )
    parts += [section_html(rubric, s) for s in rubric.sections]
    parts.append(rules_html(rubric))
    parts.append("<h3>Grade scales</h3>" + "".join(scale_html(s) for s in rubric.scales))
    parts += [document_html(d, rubric) for d in rubric.documents]
    for g in guidance:
        parts.append(guidance_html(g, with_css=False))
    parts.append("</div>")
    return "".join(parts)


def guidance_html(guidance: Guidance, with_css: bool = True) -> str:
    """A guidance file: its documents, with scoring guides shown as scales."""
    parts = [CSS if with_css else "", f'<div class="ab-doc" data-guidance="{_t(guidance.id)}">']
    parts.append(f"<h2>{_t(guidance.title)}</h2>")
    if guidance.organisation:
        parts.append(f'<p class="ab-meta">{_t(guidance.organisation)}</p>')
    parts.append(_para(guidance.description))
    parts += [document_html(d, guidance) for d in guidance.documents]
    parts.append("</div>")
    return "".join(parts)


# ------------------------------------------------------------ the trainer's descriptor explorer


def _luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def band_style(colour: str | None) -> str:
    """A level's colour as a background, with black or white text, whichever reads better."""
    colour = colour or "#e0e0e0"
    lum = _luminance(colour)
    ink = "#000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#fff"
    return f"background: {colour}; color: {ink}"


LEGEND = (
    '<p class="ab-legend"><ins class="ab-added">Highlighted and underlined</ins>: '
    "the words a level adds to the next level down (named under each level). Words of the "
    "lower level that it leaves out are not marked: compare the two columns to see them.</p>"
)


def levels_html(criterion: Criterion, highlight: bool = True) -> str:
    """A criterion's levels side by side, best first, each headed in its colour; with
    `highlight`, each level marks the words it adds to the next level down that has one."""
    c = criterion
    below = compared_with(c)
    labels = {lv.key: lv.label for lv in c.scale.levels}
    head, cells = [], []
    for lv in c.scale.levels:
        text = c.texts.get(lv.key)
        head.append(
            f'<th scope="col" data-level="{_t(lv.key)}" style="{band_style(lv.colour)}">'
            f"{_t(lv.label)}</th>"
        )
        if not text:
            body = '<span class="ab-muted">No descriptor at this level.</span>'
        elif highlight and below.get(lv.key):
            lower = c.texts[below[lv.key]]
            body = (
                f'<span class="ab-vs">Marked: what it adds to {_t(labels[below[lv.key]])}</span>'
                f'<div class="ab-para">{diff_html(lower, text, announce=True)}</div>'
            )
        else:
            body = _para(text)
        cells.append(f'<td data-level="{_t(lv.key)}">{body}</td>')
    shared = (
        f'<p class="ab-muted">The scale’s own descriptors: every criterion graded on '
        f"“{_t(c.scale.name)}” shares them.</p>"
        if c.from_scale
        else ""
    )
    return (
        f'<div class="ab-criterion" data-source="{_t(c.source.id)}" '
        f'data-section="{_t(c.section_id)}" data-criterion="{_t(c.key)}">'
        f"<h3>{_t(c.label)}</h3>"
        f'<p class="ab-meta">{_t(c.source.title)} · {_t(c.section_title)}</p>'
        + shared
        + (LEGEND if highlight else "")
        + f'<table class="ab-levels"><caption class="ab-sr">Descriptors of “{_t(c.label)}”, '
        f"best level first</caption><thead><tr>{''.join(head)}</tr></thead>"
        f"<tbody><tr>{''.join(cells)}</tr></tbody></table></div>"
    )


def scale_levels_html(scale: Scale) -> str:
    """A scale's levels one under another, each named in its colour: for a narrow panel."""
    return "".join(
        f'<div class="ab-level-block" data-level="{_t(lv.key)}">'
        f'<span class="ab-level-name" style="{band_style(lv.colour)}">{_t(lv.label)}</span>'
        f"{_para(lv.descriptor)}</div>"
        for lv in scale.levels
    )


def guidance_panel_html(guidance: list[Guidance], open_doc: str | None = None) -> str:
    """Guidance documents as closed panels a reader opens one by one (`open_doc` opened)."""
    parts = []
    for g in guidance:
        parts.append(f'<div class="ab-guidance-file" data-guidance="{_t(g.id)}">')
        parts.append(f"<h3>{_t(g.title)}</h3>")
        for doc in g.documents:
            scale = g.scale(doc.scale) if doc.scale else None
            body = (
                _para(doc.body)
                + _list(doc.items, doc.ordered)
                + (_para(scale.notes) + scale_levels_html(scale) if scale else "")
            )
            opened = " open" if doc.id == open_doc else ""
            parts.append(
                f'<details data-document="{_t(doc.id)}"{opened}><summary>{_t(doc.title)}'
                f"</summary>{body}</details>"
            )
        parts.append("</div>")
    return "".join(parts)
