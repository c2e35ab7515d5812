"""Who may do what to an audit, from the audit itself: the separation of duties the audit
process needs (a moderator is a second reviewer, never the auditor) and who may reopen it.

Answers are messages in plain words for the person refused, or None when allowed. Roles
(who is a moderator at all) come from the roles file of the programme; these rules hold
whatever the roles say.
"""

from __future__ import annotations

# History events that only the auditor's view writes.
_AUDITOR_EVENTS = ("created", "submitted")


def audited_by(record: dict) -> set[str]:
    """Who audited it: whoever created it, and whoever submitted it."""
    people = {(record.get("created") or {}).get("by")}
    for entry in record.get("history") or []:
        if entry.get("event") in _AUDITOR_EVENTS:
            people.add(entry.get("by"))
    return {p for p in people if p}


def may_moderate(record: dict, user: str) -> str | None:
    """None if `user` may moderate this audit, else why not."""
    if user in audited_by(record):
        return (
            "You audited this case, so you cannot moderate it: moderation is a second "
            "reviewer's view. Ask another moderator to moderate it."
        )
    if record.get("status") == "draft":
        return "This audit has not been submitted yet, so it cannot be moderated."
    return None


def may_reopen(record: dict, role: str) -> str | None:
    """None if this view may reopen the audit, else why not."""
    status = record.get("status")
    if status == "draft" or (role == "moderator" and status == "submitted"):
        return "This audit is already open for changes."
    if status == "moderated" and role != "moderator":
        return (
            "This audit has been moderated, so only a moderator can reopen it (from "
            "Moderate on the list of audits)."
        )
    return None


ACTIONS = ("edit", "submit", "reopen")


def may(action: str, record: dict, role: str, user: str) -> str | None:
    """The one answer to "may this user, in this view, do this to this audit now?": None if
    so, else why not, in plain words. Asked by every save, submit and reopen of the form, from
    the audit as last read from its file, never from what a page's buttons or boxes allowed.

    action: "edit" (change and save answers), "submit" (submit, or complete moderation) or
    "reopen". role: the view, "auditor" or "moderator".
    """
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
    if role == "moderator":
        refused = may_moderate(record, user)
        if refused:
            return refused
    if action == "reopen":
        return may_reopen(record, role)
    status = record.get("status")
    open_to = "draft" if role == "auditor" else "submitted"
    if status == open_to:
        return None
    said = {"draft": "a draft", "submitted": "submitted", "moderated": "moderated"}.get(
        status, str(status)
    )
    return f"This audit is {said}, so it cannot be changed here" + (
        ": reopen it first, giving a reason." if not may_reopen(record, role) else "."
    )
