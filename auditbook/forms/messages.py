"""What the form says about an audit in HTML: the guidance checks panel and the submission
message (every piece of the auditor's text escaped)."""

from __future__ import annotations

from html import escape

from ..audits.store import rubric_hash
from ..rubrics import answers as A
from ..rubrics.checks import Warning as GuidanceWarning


def warnings_html(found: list[tuple[str, GuidanceWarning]]) -> str:
    """The guidance checks panel: each warning with where it is and its fix (all escaped)."""
    if not found:
        return '<div class="ab-warnings-list" role="status" aria-live="polite"></div>'
    rows = "".join(
        f"<li><strong>{escape(where)}</strong>: {escape(x.message)} "
        f"<em>Fix:</em> {escape(x.fix)}</li>"
        for where, x in found[:40]
    )
    more = f"<p>… and {len(found) - 40} more.</p>" if len(found) > 40 else ""
    n = len(found)
    return (
        '<div class="ab-warnings-list" role="status" aria-live="polite">'
        f"<strong>Guidance checks: {n} thing{'s' if n != 1 else ''} to look at again</strong> "
        '<span class="ab-muted">(these do not stop you saving or submitting)</span>'
        f"<ul>{rows}</ul>{more}</div>"
    )


def submitted_with(found: list[GuidanceWarning]) -> str:
    """The end of the submission message when guidance warnings remain."""
    n = len(found)
    listed = " ".join(x.message for x in found[:3])
    more = f" … and {n - 3} more." if n > 3 else ""
    return f", with {n} guidance warning{'s' if n != 1 else ''} (listed above): {listed}{more}"


def error_summary_html(n: int) -> str:
    """The heading of GOV.UK's error summary (its links are buttons the form adds below)."""
    said = "an answer that" if n == 1 else f"{n} answers that"
    return (
        '<div class="ab-error-summary-head" role="alert">'
        '<h2 class="ab-error-summary-title">There is a problem</h2>'
        f"<p>This audit has {said} the form cannot accept. "
        f"{'It is' if n == 1 else 'They are'} kept as typed and saved with the rest; "
        "correct them at the question:</p></div>"
    )


def confirm_html(question: str, body: str, found: list[GuidanceWarning] = ()) -> str:
    """A confirmation step: the question, what it means, and any guidance warnings still open."""
    out = f'<h3 class="ab-confirm-title">{escape(question)}</h3><p>{escape(body)}</p>'
    if found:
        n = len(found)
        rows = "".join(f"<li>{escape(x.message)}</li>" for x in found[:10])
        more = f"<li>… and {n - 10} more.</li>" if n > 10 else ""
        out += (
            f"<p><strong>{n} guidance warning{'s are' if n != 1 else ' is'} still open</strong>"
            f" (listed under Guidance checks):</p><ul>{rows}{more}</ul>"
        )
    return out


def agreement_html(rubric, item, values: dict) -> str:
    """Beside a moderator's grade: the auditor's grade, and whether they agree."""
    scale = rubric.scale(item.scale)
    theirs = A.level_of(values.get(item.moderates))
    mine = A.level_of(values.get(item.id))
    label = scale.level(theirs).label if theirs and scale.level(theirs) else "not given"
    text = f"Auditor's grade: <strong>{escape(label)}</strong>"
    if mine and theirs:
        text += (
            " · you agree"
            if mine == theirs
            else " · <strong>you differ</strong>: give your rationale below"
        )
    return f'<div class="ab-agreement" role="status">{text}</div>'


def orphans_html(rubric, record: dict) -> str:
    """Answers kept in the file to questions the template no longer has (read-only)."""
    known = {i.id for _, i in rubric.items()}
    stored = {**record.get("answers", {}), **record.get("moderation", {})}
    orphans = {k: v for k, v in stored.items() if k not in known}
    if not orphans:
        return ""
    rows = "".join(
        f"<li><code>{escape(k)}</code>: {escape(str(v))}</li>" for k, v in sorted(orphans.items())
    )
    return (
        "<h3>Answers to questions no longer in this template</h3><p class='ab-muted'>"
        "Kept in the audit file, shown here read-only.</p><ul>" + rows + "</ul>"
    )


def version_html(rubric, record: dict) -> str:
    """A note when the audit was saved under another version of the template."""
    saved = record.get("rubric", {})
    if saved.get("hash") in (None, rubric_hash(rubric)):
        return ""
    return (
        f'<div class="ab-notes">This audit was saved under version '
        f"{escape(str(saved.get('version')))} of the template; it now opens under version "
        f"{escape(rubric.version)}.</div>"
    )
