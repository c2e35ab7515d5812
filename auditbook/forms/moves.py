"""The moves of an audit's status, as the form makes them: submit (or complete moderation)
after a confirmation that lists the guidance warnings still open, reopen for a reason the
history keeps, and record an escalation. A part of AuditForm (auditbook.forms.form)."""

from __future__ import annotations

from html import escape

from ..audits.governance import may
from ..audits.store import STATUS_WORDS, stamp
from ..web.dates import when
from .messages import confirm_html, submitted_with


class StatusMoves:
    """Submit, reopen and escalation for AuditForm (which provides the widgets, `record`,
    `save`, `missing`, `errors`, `warnings` and `_say`), and the rule every change asks."""

    def may(self, action: str) -> str | None:
        """None if this user may do `action` ("edit", "submit", "reopen") to the audit in this
        view now, else why not (auditbook.audits.governance.may, on the audit as last read
        from its file, not on what the page's buttons allowed)."""
        if self._new:
            return None if action == "edit" or self.role == "auditor" else "Not saved yet."
        return may(action, self.record, self.role, self.user)

    def _may_change(self, item) -> str | None:
        section = next(s for s in self.rubric.sections if any(i.id == item.id for i in s.items))
        if item.role != self.role:
            return "that answer belongs to the " + item.role + "."
        if section.id in self.na:
            return "that section is marked not applicable."
        return self.may("edit")

    def ask_submit(self) -> None:
        """The Submit button: what is missing, or a confirmation listing the open warnings."""
        refused = self.may("submit")
        if refused:
            self._say(f"Not submitted: {refused}", error=True)
            return
        if self._refuse_incomplete():
            return
        self._confirm.ask(
            confirm_html(
                "Complete the moderation?" if self.role == "moderator" else "Submit this audit?",
                "Once "
                + ("moderation is complete" if self.role == "moderator" else "it is submitted")
                + ", it cannot be changed unless it is reopened, with a reason.",
                self.warnings(),
            ),
            "Yes, complete moderation" if self.role == "moderator" else "Yes, submit",
            self.submit,
        )

    def _refuse_incomplete(self) -> bool:
        gaps, errors = self.missing(), self.errors()
        if not gaps and not errors:
            return False
        self._show_missing(gaps)
        n = len({g.item_id for g in gaps} | set(errors))
        verb = "Moderation not completed" if self.role == "moderator" else "Not submitted"
        self._say(
            f"{verb}: {n} question{'s' if n != 1 else ''} still need{'s' if n == 1 else ''} "
            "an answer (listed below).",
            error=True,
        )
        return True

    def submit(self) -> bool:
        """Submit (auditor) or complete moderation (moderator) if nothing required is missing."""
        self._confirm.hide()
        refused = self.may("submit")
        if refused:
            self._say(f"Not submitted: {refused}", error=True)
            return False
        if self._refuse_incomplete():
            return False
        new_status = "submitted" if self.role == "auditor" else "moderated"
        if not self._write(new_status, status=new_status):
            return False
        self._show_missing([])
        self._refresh()
        said = f"{STATUS_WORDS[new_status]} {when(self.record['saved']['at'])}"
        self._say(said + (submitted_with(self._shown_warnings) if self._shown_warnings else "."))
        what = "Moderation complete" if new_status == "moderated" else "Audit submitted"
        self._done.value = (
            f'<div class="ab-panel-confirmation" role="status"><h2>{what}</h2>'
            f"<p>Audit reference<br><strong>{escape(self.audit_id)}</strong></p></div>"
        )
        return True

    def ask_reopen(self) -> None:
        """The Reopen button: asks why, and for a confirmation, before reopening."""
        refused = self.may("reopen")
        if refused:
            self._say(refused, error=True)
            return
        self._confirm.ask(
            confirm_html(
                "Reopen this audit?",
                "It goes back to "
                + ("the auditor as a draft" if self.role == "auditor" else "moderation")
                + ". Say why: the reason is kept in the audit's history.",
            ),
            "Reopen audit",
            lambda: self.reopen(self._confirm.reason.value),
            reason=True,
        )

    def reopen(self, reason: str | None = None) -> bool:
        """Make a submitted (or moderated) audit editable again, for a reason that the history
        keeps. A moderated audit is reopened only in the moderator's view (by someone who may
        moderate it), and goes back to moderation, not to the auditor."""
        refused = self.may("reopen")
        if refused:
            self._say(refused, error=True)
            return False
        if not (reason or "").strip():
            self._confirm.missing_reason()
            self._say("Not reopened: say why you are reopening the audit.", error=True)
            return False
        back = "draft" if self.role == "auditor" else "submitted"
        if not self._write("reopened", reason=reason.strip(), status=back):
            return False
        self._confirm.hide()
        self._done.value = ""
        self._say(f"Reopened {when(self.record['saved']['at'])}: {reason.strip()}")
        self._refresh()
        return True

    def confirm_escalation(self) -> bool:
        """Record that the people named by the escalation rule have been told."""
        reasons = self.escalations()
        if not reasons:
            return False
        self.record = {
            **self.record,
            "escalation": {"reasons": reasons, "confirmed_by": self.user, "confirmed_at": stamp()},
        }
        # a record that people were told, kept whatever the audit's status (answers cannot
        # change through it: a read-only box's change is put back as it arrives)
        return self._write("escalation confirmed")
