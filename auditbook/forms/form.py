"""The audit form: a rubric made into widgets, one section at a time, saved through a store."""

from __future__ import annotations

import asyncio
import atexit
import json
import weakref
from datetime import date
from html import escape

import ipywidgets as w

from ..audits.governance import may_moderate, may_reopen
from ..audits.store import (
    STATUS_WORDS,
    AuditStore,
    AuditStoreError,
    StaleAuditError,
    new_record,
    rubric_hash,
    stamp,
)
from ..audits.users import current_user
from ..rubrics import answers as A
from ..rubrics.checks import Warning as GuidanceWarning
from ..rubrics.checks import item_name, run_checks, short
from ..rubrics.model import Rubric
from ..web.dates import when
from ..web.style import FORM_CSS
from .messages import confirm_html, error_summary_html, submitted_with, warnings_html
from .questions import Question, questions, shared, style_for

# Forms that have scheduled an autosave (their _timer says whether one is still waiting). A
# page's kernel ends as the page closes (auditbook.serving.voila_pages), maybe within the autosave's
# few seconds of a change: the kernel's exit saves the waiting ones first, so a change the
# page had sent is never lost with it.
_WAITING: weakref.WeakSet[AuditForm] = weakref.WeakSet()


@atexit.register
def _save_waiting_forms() -> None:
    for form in list(_WAITING):
        if form._timer is not None:
            form._cancel_timer()
            try:
                form._autosave()
            except Exception as exc:  # the other forms still get their turn
                print(f"auditbook: autosave of {form.audit_id} at exit failed: {exc}")


class AuditForm:
    """One audit of one rubric, as a form.

    `widget` is what a notebook displays; `data` the answers as plain values (item id → value);
    `save()` writes a draft, `submit()` checks what is missing and submits.
    """

    def __init__(
        self,
        rubric: Rubric,
        store: AuditStore | None = None,
        audit_id: str | None = None,
        role: str = "auditor",
        user: str | None = None,
        autosave_delay: float | None = 3.0,
    ):
        if role not in ("auditor", "moderator"):
            raise ValueError(f"role must be 'auditor' or 'moderator', not {role!r}")
        self.rubric, self.role = rubric, role
        self.store = store or AuditStore()
        self.user = user or current_user()
        self.autosave_delay = autosave_delay
        self._timer = None
        self._new = audit_id is None or not self.store.path(audit_id).exists()
        if self._new:
            self.record = new_record(rubric, audit_id or self.store.new_id(), self.user)
        else:
            self.record = self.store.load(audit_id)
            if self.record["rubric"]["id"] != rubric.id:
                raise ValueError(
                    f"audit {audit_id} is a {self.record['rubric']['id']} audit, not {rubric.id}"
                )
        if role == "moderator":
            refused = may_moderate(self.record, self.user)
            if refused:
                raise PermissionError(refused)
        # Answers the form could not accept come back as typed, with their error at the field.
        self._values = {
            **self.record.get("answers", {}),
            **self.record.get("moderation", {}),
            **self.record.get("unaccepted", {}),
        }
        self._errors: dict[str, str] = {}
        self._fired: list[A.Fired] = []
        self._saved_values = dict(self._values)
        self.na = set(self.record.get("not_applicable", []))
        self.questions: dict[str, Question] = {}
        self._panels: dict[str, w.Widget] = {}
        self._wrappers: dict[str, w.Widget] = {}
        self._agreement: dict[str, w.HTML] = {}
        self._build()
        self._refresh()

    # ------------------------------------------------------------------ public API
    @property
    def audit_id(self) -> str:
        return self.record["id"]

    @property
    def status(self) -> str:
        return self.record["status"]

    @property
    def data(self) -> dict:
        """Every answer given, item id → plain JSON-able value (validated when read)."""
        out = {k: v for k, v in self._values.items() if v not in (None, "", [])}
        errors = A.answers_errors(self.rubric, out)
        if errors:
            raise ValueError(self._errors_text(errors))
        return out

    @data.setter
    def data(self, values: dict) -> None:
        errors = A.answers_errors(self.rubric, values)
        if errors:
            raise ValueError(self._errors_text(errors))
        for item_id, value in values.items():
            if item_id in self.questions:
                self.questions[item_id].set_quietly(value)
        self._values.update(values)
        self._changed()

    @property
    def not_applicable(self) -> set[str]:
        return set(self.na)

    def set_not_applicable(self, section_id: str, flag: bool = True) -> None:
        section = next(s for s in self.rubric.sections if s.id == section_id)
        if not section.allow_not_applicable:
            raise ValueError(f"section {section.title!r} cannot be marked not applicable")
        (self.na.add if flag else self.na.discard)(section_id)
        if section_id in self._na_boxes:
            self._na_boxes[section_id].value = flag
        self._changed()

    def question(self, item_id: str) -> Question:
        """The question widget of an item (building its section if needed)."""
        if item_id not in self.questions:
            section = next(s for s in self.rubric.sections if any(i.id == item_id for i in s.items))
            self._panel(section)
        return self.questions[item_id]

    def missing(self) -> list[A.Missing]:
        """What this role must still answer (an answer the form could not accept counts as
        not given)."""
        return A.missing(self.rubric, self._accepted(), self.na, self.role)

    def escalations(self) -> list[str]:
        return A.escalations(self.rubric, self._accepted())

    def warnings(self) -> list[GuidanceWarning]:
        """The guidance checks' warnings on this role's answers as they stand (never blocking)."""
        return run_checks(self.rubric, self._accepted(), self.na, date.today(), self.role)

    def errors(self) -> dict[str, str]:
        """Item id → why the form cannot accept what was typed there (kept as typed)."""
        return A.answers_errors(self.rubric, self._values)

    def _accepted(self) -> dict:
        errors = self.errors()
        return {k: v for k, v in self._values.items() if k not in errors}

    @property
    def editable(self) -> bool:
        return (self.role == "auditor" and self.status == "draft") or (
            self.role == "moderator" and self.status == "submitted"
        )

    def save(self, event: str = "saved", reason: str | None = None) -> bool:
        """Write the audit as it stands; a draft may be incomplete. Returns True if saved.

        Every answer the form accepts is saved; one it cannot accept (a month typed as
        "sometime in November") is kept as typed in the record's `unaccepted` and reported at
        its field, so it never blocks saving the others and nothing typed is lost."""
        self._cancel_timer()
        errors = self.errors()
        changes = sorted(
            k
            for k in set(self._values) | set(self._saved_values)
            if self._values.get(k) != self._saved_values.get(k)
        )
        record = dict(self.record)
        own = {i.id for _, i in self.rubric.items() if i.role == "moderator"}
        accepted = {k: v for k, v in self._values.items() if k not in errors}
        record["answers"] = {
            k: v for k, v in accepted.items() if k not in own and v not in (None, "", [])
        }
        record["moderation"] = {
            k: v for k, v in accepted.items() if k in own and v not in (None, "", [])
        }
        mine = {i.id for _, i in self.rubric.items() if i.role == self.role}
        unaccepted = {
            k: v for k, v in self.record.get("unaccepted", {}).items() if k not in mine
        } | {
            k: v
            for k, v in self._values.items()
            if k in errors and k in mine and len(json.dumps(v)) <= A.MAX_TEXT
        }  # a paste beyond any box's limit stays in its box, with its error, unsaved
        record.pop("unaccepted", None)
        if unaccepted:
            record["unaccepted"] = unaccepted
        if self.role == "auditor":
            record["moderation"] = self.record.get("moderation", {})
        else:
            record["answers"] = self.record.get("answers", {})
        record["not_applicable"] = sorted(self.na)
        record["case"] = self._case_facts()
        try:
            if self._new:
                created = self.store.create(self.rubric, self.user, self.audit_id)
                record["revision"], record["history"] = created["revision"], created["history"]
                record["created"], record["saved"] = created["created"], created["saved"]
                self._new = False
            self.record = self.store.save(
                record, self.user, event=event, changes=changes, reason=reason
            )
        except StaleAuditError as exc:
            self._say(str(exc), error=True)
            return False
        except (AuditStoreError, OSError) as exc:
            self._say(f"Not saved: {exc}", error=True)
            return False
        self._saved_values = dict(self._values)
        said = f"Saved {when(self.record['saved']['at'])} by {self.record['saved']['by']}."
        if errors:
            n = len(errors)
            said += (
                f" {n} answer{'s' if n != 1 else ''} could not be accepted and "
                f"{'are' if n != 1 else 'is'} kept as typed: see the problem listed above."
            )
        self._say(said)
        self._refresh()
        return True

    def ask_submit(self) -> None:
        """The Submit button: what is missing, or a confirmation listing the open warnings."""
        if self._refuse_incomplete():
            return
        self._show_confirm(
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
        self._hide_confirm()
        if self._refuse_incomplete():
            return False
        new_status = "submitted" if self.role == "auditor" else "moderated"
        old = self.record["status"]
        self.record = {**self.record, "status": new_status}
        if not self.save(event=new_status):
            self.record = {**self.record, "status": old}
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
        refused = may_reopen(self.record, self.role)
        if refused:
            self._say(refused, error=True)
            return
        self._reason.value = ""
        self._show_confirm(
            confirm_html(
                "Reopen this audit?",
                "It goes back to "
                + ("the auditor as a draft" if self.role == "auditor" else "moderation")
                + ". Say why: the reason is kept in the audit's history.",
            ),
            "Reopen audit",
            lambda: self.reopen(self._reason.value),
            ask_reason=True,
        )

    def reopen(self, reason: str | None = None) -> bool:
        """Make a submitted (or moderated) audit editable again, for a reason that the history
        keeps. A moderated audit is reopened only in the moderator's view (by someone who may
        moderate it), and goes back to moderation, not to the auditor."""
        refused = may_reopen(self.record, self.role)
        if refused:
            self._say(refused, error=True)
            return False
        if not (reason or "").strip():
            self._reason_error.value = (
                '<p class="ab-error-message" id="ab-error-reopen-reason" '
                'data-for="reopen-reason"><span class="ab-visually-hidden">Error: </span>'
                "Enter why you are reopening the audit</p>"
            )
            self._say("Not reopened: say why you are reopening the audit.", error=True)
            return False
        back = "draft" if self.role == "auditor" else "submitted"
        old = self.record["status"]
        self.record = {**self.record, "status": back}
        if not self.save(event="reopened", reason=reason.strip()):
            self.record = {**self.record, "status": old}
            return False
        self._hide_confirm()
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
        return self.save(event="escalation confirmed")

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        r = self.rubric
        view = "Moderation" if self.role == "moderator" else "Audit"
        title = w.HTML(
            f'<h2>{escape(r.title)}</h2><div class="ab-meta">{view} of audit '
            f"{escape(self.audit_id)} · template version {escape(r.version)}</div>"
        )
        notes = w.HTML(f'<div class="ab-notes ab-para">{escape(r.notes)}</div>' if r.notes else "")
        self._status = w.HTML(layout=w.Layout(flex="1 1 20em"))
        self._status.add_class("ab-status")
        self._message = w.HTML()
        moderating = self.role == "moderator"
        self._save_btn = w.Button(
            description="Save moderation" if moderating else "Save draft",
            icon="save",
            tooltip="Save " + ("your moderation" if moderating else "the audit") + " as it stands",
        )
        self._submit_btn = w.Button(
            description="Complete moderation" if moderating else "Submit",
            icon="check",
            button_style="success",
            tooltip="Check what is missing, then confirm",
        )
        self._reopen_btn = w.Button(
            description="Reopen", icon="unlock", tooltip="Make the audit editable again (recorded)"
        )
        self._check_btn = w.Button(description="What is missing?", icon="list")
        self._save_btn.on_click(lambda _: self.save())
        self._submit_btn.on_click(lambda _: self.ask_submit())
        self._reopen_btn.on_click(lambda _: self.ask_reopen())
        # The confirmation step of Submit and Reopen (Reopen also asks why).
        self._confirm_text = w.HTML()
        self._reason = w.Textarea(
            description="Why are you reopening it?",
            style=style_for(w.Textarea),
            layout=shared("text_area"),
        )
        self._reason.add_class("ab-stack")
        self._reason.add_class("ab-in-reopen-reason")
        self._reason_error = w.HTML()
        self._confirm_yes = w.Button(button_style="success")
        self._confirm_no = w.Button(description="Cancel")
        self._confirm_no.on_click(lambda _: self._hide_confirm())
        self._confirm_yes.on_click(lambda _: self._confirmed())
        self._on_confirm = None
        self._confirm_box = w.VBox(
            [
                self._confirm_text,
                self._reason_error,
                self._reason,
                w.HBox([self._confirm_yes, self._confirm_no], layout=shared("row")),
            ],
            layout=w.Layout(display="none"),
        )
        self._confirm_box.add_class("ab-confirm")
        self._done = w.HTML()
        self._error_summary = w.VBox()
        self._error_summary.add_class("ab-error-summary-box")
        self._check_btn.on_click(lambda _: self._show_missing(self.missing()))
        bar = w.HBox(
            [self._save_btn, self._submit_btn, self._reopen_btn, self._check_btn, self._status],
            layout=shared("row"),
        )
        self._banner = w.HTML()
        self._confirm_btn = w.Button(
            description="Escalation done: record it",
            icon="bell",
            button_style="danger",
            layout=w.Layout(width="auto"),
        )
        self._confirm_btn.on_click(lambda _: self.confirm_escalation())
        self._banner_box = w.VBox([self._banner, self._confirm_btn])
        # kept in view as the auditor scrolls, until the escalation is recorded
        self._banner_box.add_class("ab-sticky")
        self._missing_box = w.VBox()
        self._missing_box.add_class("ab-missing")
        # Guidance checks: a live region that is always on the page (so changes are read out),
        # empty while there is nothing to note; "Go to" buttons for the items it names.
        self._warnings = w.HTML(warnings_html([]))
        self._warnings.add_class("ab-warnings")
        self._goto_box = w.HBox(layout=shared("row"))
        self._goto_box.add_class("ab-goto")
        self._shown_warnings: list[GuidanceWarning] | None = None
        self._orphans = w.HTML(self._orphans_html())
        self._version_note = w.HTML(self._version_html())
        self._nav_buttons: dict[str, w.Button] = {}
        self._na_boxes: dict[str, w.Checkbox] = {}
        for s in self._sections():
            b = w.Button(description=s.title, layout=shared("full"), tooltip=s.title)
            b.on_click(lambda _, s=s: self.show_section(s.id))
            self._nav_buttons[s.id] = b
        nav = w.VBox(
            list(self._nav_buttons.values()), layout=w.Layout(flex="0 0 16em", max_width="100%")
        )
        nav.add_class("ab-nav")
        self._panel_box = w.VBox(layout=w.Layout(flex="1 1 30em", min_width="0"))
        body = w.HBox([nav, self._panel_box], layout=shared("row"))
        self.widget = w.VBox(
            [
                w.HTML(FORM_CSS),
                title,
                self._version_note,
                notes,
                self._banner_box,
                self._error_summary,
                self._done,
                bar,
                self._confirm_box,
                self._message,
                self._missing_box,
                self._warnings,
                self._goto_box,
                body,
                self._orphans,
            ]
        )
        self.widget.add_class("ab-form")
        self.show_section(self._sections()[0].id)

    def _sections(self):
        if self.role == "moderator":
            return list(self.rubric.sections)
        show_mod = self.status == "moderated"
        return [
            s for s in self.rubric.sections if any(i.role == "auditor" or show_mod for i in s.items)
        ]

    def show_section(self, section_id: str) -> None:
        section = next(s for s in self.rubric.sections if s.id == section_id)
        self._current = section_id
        self._panel_box.children = [self._panel(section)]
        for sid, b in self._nav_buttons.items():
            if sid == section_id:
                b.add_class("ab-current")
                b.tooltip = f"{b.tooltip.split(' (')[0]} (open)"
            else:
                b.remove_class("ab-current")

    def _panel(self, section) -> w.Widget:
        if section.id in self._panels:
            return self._panels[section.id]
        number = f"{escape(section.number)}. " if section.number else ""
        head = f'<h3 class="ab-section-head">{number}{escape(section.title)}</h3>'
        if section.intro:
            head += f'<div class="ab-para">{escape(section.intro)}</div>'
        if section.prompts:
            head += (
                f"<p><em>{escape(section.prompts_heading or 'Consider:')}</em></p><ul>"
                + "".join(f"<li>{escape(p)}</li>" for p in section.prompts)
                + "</ul>"
            )
        parts: list[w.Widget] = [w.HTML(head)]
        if section.allow_not_applicable:
            na = w.Checkbox(
                value=section.id in self.na,
                indent=False,
                description="Not applicable to this child",
                style=style_for(w.Checkbox),
            )
            na.observe(lambda ch, sid=section.id: self._toggle_na(sid, ch["new"]), names="value")
            self._na_boxes[section.id] = na
            parts.append(na)
        for item in section.items:
            if self.role == "auditor" and item.role == "moderator" and self.status != "moderated":
                continue
            q = questions.build(item, self.rubric)
            q.set_quietly(self._values.get(item.id))
            q.observe(self._on_answer)
            self.questions[item.id] = q
            holder = q.widget
            if getattr(item, "moderates", None) and (
                self.role == "moderator" or self.status == "moderated"
            ):
                self._agreement[item.id] = w.HTML()
                holder = w.VBox([self._agreement[item.id], q.widget], layout=shared("full"))
            if item.show_when is not None:
                holder = w.Box([q.widget], layout=w.Layout(width="100%"))
                self._wrappers[item.id] = holder
            parts.append(holder)
        self._panels[section.id] = w.VBox(parts, layout=shared("full"))
        self._apply_state(section)
        return self._panels[section.id]

    # ------------------------------------------------------------------ state
    def _on_answer(self, q: Question) -> None:
        value = q.value
        self._values[q.item.id] = value
        self._changed()

    def _toggle_na(self, section_id: str, flag: bool) -> None:
        (self.na.add if flag else self.na.discard)(section_id)
        self._changed()

    def _changed(self) -> None:
        self._refresh()
        self._schedule_autosave()

    def _refresh(self) -> None:
        self._errors = self.errors()
        accepted = {k: v for k, v in self._values.items() if k not in self._errors}
        self._fired = A.fired(self.rubric, accepted)
        for section in self.rubric.sections:
            if section.id in self._panels:
                self._apply_state(section)
        self._show_errors()
        progress = A.progress(self.rubric, accepted, self.na, self.role)
        done = sum(a for a, _ in progress.values())
        total = sum(b for _, b in progress.values())
        for sid, b in self._nav_buttons.items():
            a, t = progress[sid]
            mark = "N/A" if sid in self.na else (f"{a}/{t}" if t else "")
            title = next(s for s in self.rubric.sections if s.id == sid).title
            b.description = f"{title}  {mark}".strip()
            b.button_style = "success" if t and a == t else ""
        status = STATUS_WORDS[self.status]
        pct = int(100 * done / total) if total else 100
        self._status.value = (
            f"{status} · {done} of {total} required questions answered "
            f'<progress value="{done}" max="{max(total, 1)}" aria-label="Answered of required">'
            f"{pct}%</progress>"
        )
        self._save_btn.disabled = not self.editable
        self._submit_btn.disabled = not self.editable
        reopenable = not self.editable and not may_reopen(self.record, self.role)
        self._reopen_btn.layout.display = "" if reopenable else "none"
        reasons = list(dict.fromkeys(f.tell for f in self._fired))
        if reasons:
            items = "".join(f"<li>{escape(t)}</li>" for t in reasons)
            conf = self.record.get("escalation") or {}
            done_txt = (
                (
                    f"<p>Escalation recorded by {escape(conf['confirmed_by'])} at "
                    f"{escape(conf['confirmed_at'])}.</p>"
                )
                if conf.get("confirmed_at")
                else ""
            )
            self._banner.value = (
                f'<div class="ab-banner" role="alert"><strong>Escalate now.'
                f"</strong> Who must be told:<ul>{items}</ul>{done_txt}</div>"
            )
            if done_txt:  # recorded: the banner may scroll away with the page
                self._banner_box.remove_class("ab-sticky")
            else:
                self._banner_box.add_class("ab-sticky")
            self._banner_box.layout.display = ""
            self._confirm_btn.layout.display = "none" if done_txt else ""
        else:
            self._banner.value = ""
            self._banner_box.layout.display = "none"
        if self._missing_box.children:
            self._show_missing(self.missing())
        self._show_warnings(self.warnings())

    def _show_warnings(self, found: list[GuidanceWarning]) -> None:
        if found == self._shown_warnings:
            return  # unchanged: no messages to the browser
        self._shown_warnings = found
        self._warnings.value = warnings_html([(self._where(x), x) for x in found])
        buttons = []
        for item_id in dict.fromkeys(x.item_id for x in found[:40]):
            section, item = next((s, i) for s, i in self.rubric.items() if i.id == item_id)
            name = item_name(self.rubric, section, item).strip("'")
            b = w.Button(description=f"Go to {short(name, 40)}", tooltip=f"Go to {name}")
            b.on_click(lambda _, i=item_id: self.go_to(i))
            buttons.append(b)
        self._goto_box.children = buttons

    def _where(self, warning: GuidanceWarning) -> str:
        section = next(s for s in self.rubric.sections if s.id == warning.section_id)
        return short(section.title, 60)

    def _apply_state(self, section) -> None:
        na = section.id in self.na
        for item in section.items:
            q = self.questions.get(item.id)
            if q is None:
                continue
            editable = self.editable and item.role == self.role and not na
            q.disabled = not editable
            q.error = self._errors.get(item.id)
            q.say_escalation([f.tell for f in self._fired if f.item_id == item.id])
            if item.id in self._agreement:
                self._agreement[item.id].value = self._agreement_html(item)
            if item.id in self._wrappers:
                shown = A.visible(self.rubric, item, self._values)
                self._wrappers[item.id].layout.display = "" if shown else "none"

    def _show_missing(self, gaps: list[A.Missing]) -> None:
        """What is missing, one line per question (the messages name the question)."""
        if not gaps:
            self._missing_box.children = []
            return
        by_item: dict[str, list[str]] = {}
        for gap in gaps:
            by_item.setdefault(gap.item_id, []).append(gap.message)
        n = len(by_item)
        head = w.HTML(
            f"<strong>What is missing: {n} question{'s' if n != 1 else ''} "
            f"still need{'s' if n == 1 else ''} an answer</strong>"
        )
        buttons = []
        for item_id, messages in list(by_item.items())[:40]:
            b = w.Button(
                description="; ".join(messages)[:160],
                tooltip="Go to this question",
                layout=w.Layout(width="auto"),
            )
            b.on_click(lambda _, i=item_id: self.go_to(i))
            buttons.append(b)
        more = [w.HTML(f"… and {n - 40} more")] if n > 40 else []
        self._missing_box.children = [head, *buttons, *more]

    def _show_errors(self) -> None:
        """GOV.UK's error summary: each answer the form cannot accept, linked to its field."""
        shown = getattr(self, "_shown_errors", None)
        if shown == self._errors:
            return
        self._shown_errors = dict(self._errors)
        if not self._errors:
            self._error_summary.children = []
            return
        buttons = []
        for item_id, message in self._errors.items():
            b = w.Button(
                description=f"{self.rubric.item(item_id).label.strip().rstrip(':')}: {message}"[
                    :200
                ],
                tooltip="Go to this question",
                layout=w.Layout(width="auto"),
            )
            b.on_click(lambda _, i=item_id: self.go_to(i))
            buttons.append(b)
        self._error_summary.children = [w.HTML(error_summary_html(len(self._errors))), *buttons]

    # ------------------------------------------------------------------ confirmation
    def _show_confirm(self, html: str, yes: str, action, ask_reason: bool = False) -> None:
        self._confirm_text.value = html
        self._confirm_yes.description = yes
        self._confirm_yes.button_style = "danger" if ask_reason else "success"
        self._reason.layout.display = "" if ask_reason else "none"
        self._reason_error.value = ""
        self._on_confirm = action
        self._confirm_box.layout.display = ""

    def _hide_confirm(self) -> None:
        self._on_confirm = None
        self._confirm_box.layout.display = "none"

    def _confirmed(self) -> None:
        action = self._on_confirm
        if action is not None:
            action()

    def go_to(self, item_id: str) -> None:
        """Open the section holding an item and put the cursor in it."""
        section = next(s for s in self.rubric.sections if any(i.id == item_id for i in s.items))
        self.show_section(section.id)
        self.question(item_id).focus()

    # ------------------------------------------------------------------ autosave
    def _schedule_autosave(self) -> None:
        if not self.autosave_delay or not self.editable:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            try:
                loop = asyncio.get_event_loop()
            except RuntimeError:
                return
            if not loop.is_running():
                return
        self._cancel_timer()
        self._timer = loop.call_later(self.autosave_delay, self._autosave)
        _WAITING.add(self)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _autosave(self) -> None:
        self._timer = None
        if self.editable and self._values != self._saved_values or self._new:
            self.save(event="autosaved")

    # ------------------------------------------------------------------ helpers
    def _say(self, text: str, error: bool = False) -> None:
        cls = "ab-error" if error else "ab-ok"
        role = ' role="alert"' if error else ' role="status"'
        self._message.value = f'<div class="{cls} ab-para"{role}>{escape(text)}</div>'

    def _errors_text(self, errors: dict) -> str:
        return "; ".join(f"{self.rubric.item(k).label.strip()}: {v}" for k, v in errors.items())

    def _case_facts(self) -> dict:
        fields = self.rubric.rules.fields
        out = {}
        for key in ("case_id", "team", "auditor"):
            item_id = getattr(fields, key)
            value = self._values.get(item_id) if item_id else None
            out[key] = value if isinstance(value, str) else None
        return out

    def _agreement_html(self, item) -> str:
        """Beside a moderator's grade: the auditor's grade, and whether they agree."""
        scale = self.rubric.scale(item.scale)
        theirs = A.level_of(self._values.get(item.moderates))
        mine = A.level_of(self._values.get(item.id))
        label = scale.level(theirs).label if theirs and scale.level(theirs) else "not given"
        text = f"Auditor's grade: <strong>{escape(label)}</strong>"
        if mine and theirs:
            text += (
                " · you agree"
                if mine == theirs
                else " · <strong>you differ</strong>: give your rationale below"
            )
        return f'<div class="ab-agreement" role="status">{text}</div>'

    def _orphans_html(self) -> str:
        known = {i.id for _, i in self.rubric.items()}
        stored = {**self.record.get("answers", {}), **self.record.get("moderation", {})}
        orphans = {k: v for k, v in stored.items() if k not in known}
        if not orphans:
            return ""
        rows = "".join(
            f"<li><code>{escape(k)}</code>: {escape(str(v))}</li>"
            for k, v in sorted(orphans.items())
        )
        return (
            "<h3>Answers to questions no longer in this template</h3><p class='ab-muted'>"
            "Kept in the audit file, shown here read-only.</p><ul>" + rows + "</ul>"
        )

    def _version_html(self) -> str:
        saved = self.record.get("rubric", {})
        if saved.get("hash") in (None, rubric_hash(self.rubric)):
            return ""
        return (
            f'<div class="ab-notes">This audit was saved under version '
            f"{escape(str(saved.get('version')))} of the template; it now opens under version "
            f"{escape(self.rubric.version)}.</div>"
        )
