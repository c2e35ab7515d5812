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
