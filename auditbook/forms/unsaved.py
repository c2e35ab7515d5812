"""When a save does not go through: what the form says at its top, what its status line says,
and, when someone else saved the audit first (another tab, another person), their saved
version shown read-only beside what is still typed in this form's boxes. A part of AuditForm
(auditbook.forms.form); nothing here writes."""

from __future__ import annotations

import errno
from collections.abc import Callable
from html import escape

import ipywidgets as w

from ..audits.store import STATUS_WORDS, AuditStoreError, StaleAuditError
from ..rubrics.model import Actions, Grade, GuidanceText, MultipleChoice, SingleChoice
from ..web.dates import when

OPEN_SAVED, HIDE_SAVED = "Open the saved version", "Hide the saved version"
NOW = {"draft": "it is now a draft", "submitted": "it is now submitted"}
NOW["moderated"] = "it is now moderated"
# Why a file could not be written, in words (the rest say what the system said).
DISK_WORDS = {
    errno.ENOSPC: "there is no space left on the disk where audits are kept",
    errno.EDQUOT: "the space allowed for audits on this server is used up",
    errno.EROFS: "the folder where audits are kept cannot be written to (it is read-only)",
    errno.EACCES: "this app is not allowed to write to the folder where audits are kept",
    errno.EPERM: "this app is not allowed to write to the folder where audits are kept",
}


def failure_text(exc: Exception) -> str:
    """Why a save failed, in a sentence (a stale save: who saved, when, and what state)."""
    if isinstance(exc, StaleAuditError):
        now = NOW.get(exc.status, f"it is now {exc.status}") if exc.status else ""
        return (
            f"This audit was saved by {exc.saved_by} at {when(exc.saved_at)} since you opened it"
            f"{', and ' + now if now else ''}: your changes were not saved."
        )
    if isinstance(exc, OSError):
        said = DISK_WORDS.get(exc.errno) or (
            f"the audit file could not be written ({exc.strerror or exc})"
        )
        return f"The audit could not be saved: {said}. Tell whoever looks after this service."
    return str(exc)


def answer_text(rubric, item, value) -> str:
    """An answer as a person would read it: labels for levels and options, each evidence
    box under its label, an action per line."""
    if value in (None, "", []):
        return ""
    if isinstance(value, dict) and "level" in value:
        scale = rubric.scale(item.scale)
        level = scale.level(value.get("level")) if scale else None
        parts = [level.label if level else str(value.get("level") or "(no grade)")]
        labels = {e.id: e.label for e in getattr(item, "evidence", [])}
        texts = value.get("evidence") if isinstance(item, Grade) else None
        for key, text in (texts or {"": value.get("explanation")}).items():
            if text:
                parts.append(f"{labels.get(key, '').strip()} {text}".strip())
        return "\n".join(parts)
    if isinstance(item, (SingleChoice, MultipleChoice)):
        labels = {o.key: o.label for o in item.options}
        keys = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(k, str(k)) for k in keys)
    if isinstance(item, Actions) and isinstance(value, list):
        return "\n".join(
            " · ".join(str(v) for v in row.values() if v) for row in value if isinstance(row, dict)
        )
    return str(value)


def differences_html(rubric, saved: dict, typed: dict) -> str:
    """The answers of the saved version that differ from what is typed here, side by side."""
    on_disk = {**saved.get("answers", {}), **saved.get("moderation", {})}
    on_disk |= saved.get("unaccepted", {})
    rows = []
    for _, item in rubric.items():
        if isinstance(item, GuidanceText):
            continue
        theirs = answer_text(rubric, item, on_disk.get(item.id))
        mine = answer_text(rubric, item, typed.get(item.id))
        if theirs != mine:
            cells = (item.label.strip(), theirs or "(no answer)", mine or "(no answer)")
            rows.append(
                "<tr>" + "".join(f'<td class="ab-para">{escape(c)}</td>' for c in cells) + "</tr>"
            )
    who = f"Saved by {saved['saved']['by']} at {when(saved['saved']['at'])}"
    state = STATUS_WORDS.get(saved.get("status"), str(saved.get("status")))
    head = (
        f'<h3 class="ab-saved-title">The saved version</h3><p>{escape(who)}; '
        f"status: {escape(state)}. It is shown here to read only: nothing in it has been "
        "copied into the boxes.</p>"
    )
    if not rows:
        return head + "<p>Its answers are the same as those in the boxes here.</p>"
    n = len(rows)
    return head + (
        f'<table class="ab-table ab-saved-version"><caption>{n} answer{"s" if n != 1 else ""} '
        "differ from the boxes here</caption><thead><tr><th scope='col'>Question</th>"
        "<th scope='col'>Saved version</th><th scope='col'>In the boxes here (not saved)"
        f"</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


class UnsavedNotice:
    """GOV.UK's error summary at the top of the form while the last save has not gone
    through: why, that the typed text is still in the boxes, and, after someone else saved
    first, a button that shows their saved version below it. Hidden while saves succeed.

    load: reads the audit as it is now on disk; typed: this form's answers as they stand.
    """

    def __init__(self, rubric, load: Callable[[], dict], typed: Callable[[], dict]):
        self.rubric, self._load, self._typed = rubric, load, typed
        self._stale: StaleAuditError | None = None
        self.failed = False
        self.text = w.HTML()
        self.open_btn = w.Button(description=OPEN_SAVED, icon="eye", layout=w.Layout(width="auto"))
        self.open_btn.on_click(lambda _: self.open_saved())
        self.saved = w.HTML()
        box = w.VBox([self.text, self.open_btn])
        box.add_class("ab-unsaved")
        self.widget = w.VBox([box, self.saved])
        self.hide()

    def show(self, exc: Exception) -> None:
        self.failed = True
        self._stale = exc if isinstance(exc, StaleAuditError) else self._stale
        then = (
            "Open the saved version to see it beside them, and copy anything you need before "
            "you leave this audit. To carry on from the saved version, reload the page (what "
            "you typed here will then be lost)."
            if isinstance(exc, StaleAuditError)
            else "Save again once the problem is put right, or copy anything you need before "
            "you leave this audit."
        )
        self.text.value = (
            '<div role="alert"><h2 class="ab-error-summary-title">Your changes are not saved'
            f"</h2><p>{escape(failure_text(exc))}</p><p>What you typed is still in the "
            f"boxes below. {then}</p></div>"
        )
        self.open_btn.layout.display = "" if isinstance(exc, StaleAuditError) else "none"
        self.widget.layout.display = ""

    def hide(self) -> None:
        self.failed, self._stale = False, None
        self.saved.value, self.open_btn.description = "", OPEN_SAVED
        self.widget.layout.display = "none"

    def status(self, status: str) -> str | None:
        """The status line's first words while the last save has failed, else None."""
        if not self.failed:
            return None
        exc = self._stale
        if exc is None:
            return f"{STATUS_WORDS.get(status, status)} · your latest changes are not saved"
        said = STATUS_WORDS.get(exc.status, str(exc.status)) + (
            ", saved" if exc.status == "draft" else ""
        )
        return f"{said} by {exc.saved_by} at {when(exc.saved_at)} · your changes are not saved"

    def open_saved(self) -> None:
        """Show the saved version, read-only, beside what is typed here (or hide it again)."""
        if self.open_btn.description == HIDE_SAVED:
            self.saved.value, self.open_btn.description = "", OPEN_SAVED
            return
        try:
            record = self._load()
        except (AuditStoreError, OSError) as exc:
            self.saved.value = f"<p>The saved version could not be opened: {escape(str(exc))}</p>"
            return
        self.saved.value = (
            '<div class="ab-saved" role="region" aria-label="The saved version">'
            + differences_html(self.rubric, record, self._typed())
            + "</div>"
        )
        self.open_btn.description = HIDE_SAVED
