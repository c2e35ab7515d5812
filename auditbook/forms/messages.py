"""What the form says about an audit in HTML: the guidance checks panel and the submission
message (every piece of the auditor's text escaped)."""

from __future__ import annotations

from html import escape

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
        '<div class="ab-error-summary" role="alert" tabindex="-1">'
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
