"""The open audit in the page's address: audit.ipynb?audit=<id> (&as=moderator for the
moderator's view), so that reloading the page, or opening the link afresh, reopens it.

The kernel cannot change the browser's address itself. The app keeps a hidden marker in the
page (`marker_html`: <span class="ab-url" data-query="...">), and the page script
ADDRESS_SCRIPT, run once as the page loads, watches for it and puts its query into the
address with history.replaceState (no reload, no new history entry). Voilà hands the
kernel the address's query string as $QUERY_STRING; `parse_audit_query` reads it. The query
comes from whoever made the link, so it is checked before anything is opened.
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs, urlencode

from ..audits.store import InvalidAuditId, check_id

ROLES = ("auditor", "moderator")


class LinkError(ValueError):
    """A link to an audit that cannot be followed, said in the auditor's words."""


def _shown(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def audit_query(audit_id: str | None, role: str = "auditor") -> str:
    """The query string naming an open audit ("" for the list of audits)."""
    if audit_id is None:
        return ""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    query = {"audit": check_id(audit_id)}
    if role == "moderator":
        query["as"] = "moderator"
    return urlencode(query)


def parse_audit_query(query: str | None) -> tuple[str, str] | None:
    """The (audit id, role) a page's query string asks to open, or None if it names no
    audit. Raises LinkError for an id that is not an audit id, more than one audit, or a view
    other than the auditor's or the moderator's. Other parameters are ignored."""
    params = parse_qs(query or "", keep_blank_values=True)
    ids = params.get("audit", [])
    if not ids:
        return None
    if len(ids) > 1:
        raise LinkError("The link names more than one audit. Open one audit at a time.")
    try:
        audit_id = check_id(ids[0])
    except InvalidAuditId:
        raise LinkError(
            f"The link does not name a saved audit: “{_shown(ids[0])}” is not an audit id. "
            "Check that the whole link was copied, or choose the audit from the list."
        ) from None
    roles = params.get("as", ["auditor"])
    if len(roles) > 1 or roles[0] not in ROLES:
        raise LinkError(
            f"The link asks to open audit {audit_id} as “{_shown(roles[-1])}”. A link opens "
            "an audit for the auditor, or for the moderator (as=moderator)."
        )
    return audit_id, roles[0]


def marker_html(query: str) -> str:
    """The hidden marker ADDRESS_SCRIPT reads: the query the page's address should have."""
    return f'<span class="ab-url" data-query="{escape(query)}" hidden></span>'


def problem_html(title: str, body_html: str) -> str:
    """A GOV.UK-style error summary for a link that could not be followed; `body_html` is
    escaped already."""
    return (
        '<div class="ab-header-problem" role="alert">'
        f'<h2 class="ab-header-problem-title">{escape(title)}</h2>'
        f'<div class="ab-header-problem-body">{body_html}</div></div>'
    )


# Runs once per page. The marker is inside a widget the kernel updates, so it is replaced as
# a whole; the observer reads the last one each time the page changes and acts only when its
# query differs from the address's. replaceState changes neither the page nor the history,
# so Back still leaves the app as it did.
ADDRESS_SCRIPT = """
(() => {
  if (window.auditbookAddress) return;
  window.auditbookAddress = true;
  const follow = () => {
    const marks = document.querySelectorAll(".ab-url[data-query]");
    if (!marks.length) return;
    const query = marks[marks.length - 1].getAttribute("data-query");
    const url = new URL(window.location.href);
    const search = query ? "?" + query : "";
    if (url.search === search) return;
    url.search = search;
    history.replaceState(history.state, "", url.href);
  };
  new MutationObserver(follow).observe(document.body, { childList: true, subtree: true });
  follow();
})();
"""
