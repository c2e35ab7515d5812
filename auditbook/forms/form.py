"""The audit form: a rubric made into widgets, one section at a time, saved through a store."""

from __future__ import annotations

import asyncio
import atexit
import json
import weakref
from datetime import date
from html import escape

import ipywidgets as w

from ..audits.governance import may_moderate
from ..audits.store import (
    STATUS_WORDS,
    AuditStore,
    AuditStoreError,
    new_record,
)
from ..audits.users import current_user
from ..rubrics import answers as A
from ..rubrics.checks import Warning as GuidanceWarning
from ..rubrics.checks import item_name, run_checks, short
from ..rubrics.model import Rubric
from ..web.dates import when
from ..web.style import FORM_CSS
from .messages import (
    agreement_html,
    orphans_html,
    version_html,
    warnings_html,
)
from .moves import StatusMoves
from .questions import Question, questions, shared, style_for
from .steps import Confirmation, error_summary, missing_list
from .unsaved import UnsavedNotice

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


class AuditForm(StatusMoves):
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
        self._shown_errors: dict[str, str] | None = None  # what the error summary shows
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
        return self._missing_in(self._accepted())

    def _missing_in(self, accepted: dict) -> list[A.Missing]:
        return A.missing(self.rubric, accepted, self.na, self.role)

    def escalations(self) -> list[str]:
        return A.escalations(self.rubric, self._accepted())

    def warnings(self) -> list[GuidanceWarning]:
        """The guidance checks' warnings on this role's answers as they stand (never blocking)."""
        return self._warnings_in(self._accepted())

    def _warnings_in(self, accepted: dict) -> list[GuidanceWarning]:
        return run_checks(self.rubric, accepted, self.na, date.today(), self.role)

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

    def save(self, event: str = "saved") -> bool:
        """Write the audit as it stands; a draft may be incomplete. Returns True if saved.

        Every answer the form accepts is saved; one it cannot accept (a month typed as
        "sometime in November") is kept as typed in the record's `unaccepted` and reported at
        its field, so it never blocks saving the others and nothing typed is lost. Refused,
        with the reason shown, when the audit may not be changed in this view (submitted,
        moderated, or someone else's to moderate), whatever the page sent."""
        refused = self.may("edit")
        if refused:
            self._cancel_timer()
            self._say(f"Not saved: {refused}", error=True)
            return False
        return self._write(event)

    def _write(self, event: str, reason: str | None = None, status: str | None = None) -> bool:
        """Write the record as it stands, in `status` if given (the caller has asked `may`)."""
        self._cancel_timer()
        errors = self.errors()
        changes = sorted(
            k
            for k in set(self._values) | set(self._saved_values)
            if self._values.get(k) != self._saved_values.get(k)
        )
        record = {**self.record, "status": status or self.record["status"]}
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
                record, self.user, event=event, changes=changes, reason=reason, rubric=self.rubric
            )
        except (AuditStoreError, OSError) as exc:  # said at the top; the typed text stays
            self._unsaved.show(exc)
            self._message.value = ""
            self._refresh()
            return False
        self._unsaved.hide()
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

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        r = self.rubric
        view = "Moderation of audit" if self.role == "moderator" else "Audit"
        title = w.HTML(
            f'<h2>{escape(r.title)}</h2><div class="ab-meta">{view} '
            f"{escape(self.audit_id)} · template version {escape(r.version)}</div>"
        )
        notes = w.HTML(f'<div class="ab-notes ab-para">{escape(r.notes)}</div>' if r.notes else "")
        self._status = w.HTML(layout=w.Layout(flex="1 1 20em"))
        self._status.add_class("ab-status")
        self._message = w.HTML()
        self._unsaved = UnsavedNotice(
            r, lambda: self.store.load(self.audit_id), lambda: self._values
        )
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
        self._confirm = Confirmation()
        self._confirm_yes = self._confirm.yes
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
        self._orphans = w.HTML(orphans_html(self.rubric, self.record))
        self._version_note = w.HTML(version_html(self.rubric, self.record))
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
                self._unsaved.widget,
                self._error_summary,
                self._done,
                bar,
                self._confirm.widget,
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
        refused = self._may_change(q.item)
        if refused:  # a read-only box changed all the same (a crafted message): put it back
            q.set_quietly(self._values.get(q.item.id))
            self._say(f"Not changed: {refused}", error=True)
            return
        self._values[q.item.id] = q.value
        self._changed()

    def _toggle_na(self, section_id: str, flag: bool) -> None:
        refused = self.may("edit")
        if refused:
            box = self._na_boxes.get(section_id)
            if box is not None and box.value != (section_id in self.na):
                box.value = section_id in self.na  # put it back (this call then does nothing)
            self._say(f"Not changed: {refused}", error=True)
            return
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
        status = self._unsaved.status(self.status) or STATUS_WORDS[self.status]
        pct = int(100 * done / total) if total else 100
        self._status.value = (
            f"{status} · {done} of {total} required questions answered "
            f'<progress value="{done}" max="{max(total, 1)}" aria-label="Answered of required">'
            f"{pct}%</progress>"
        )
        self._save_btn.disabled = not self.editable
        self._submit_btn.disabled = not self.editable
        reopenable = not self.editable and not self.may("reopen")
        self._reopen_btn.layout.display = "" if reopenable else "none"
        reasons = list(dict.fromkeys(f.tell for f in self._fired))
        if reasons:
            items = "".join(f"<li>{escape(t)}</li>" for t in reasons)
            conf = self.record.get("escalation") or {}
            done_txt = (
                (
                    f"<p>Escalation recorded by {escape(conf['confirmed_by'])} at "
                    f"{escape(when(conf['confirmed_at']))}.</p>"
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
            self._show_missing(self._missing_in(accepted))
        # the answers' errors were worked out once, above, for everything this refresh shows
        self._show_warnings(self._warnings_in(accepted))

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
                self._agreement[item.id].value = agreement_html(self.rubric, item, self._values)
            if item.id in self._wrappers:
                shown = A.visible(self.rubric, item, self._values)
                self._wrappers[item.id].layout.display = "" if shown else "none"

    def _show_missing(self, gaps: list[A.Missing]) -> None:
        """What is missing, one line per question (the messages name the question)."""
        self._missing_box.children = missing_list(gaps, self.go_to)

    def _show_errors(self) -> None:
        """GOV.UK's error summary: each answer the form cannot accept, linked to its field."""
        if self._shown_errors == self._errors:
            return
        self._shown_errors = dict(self._errors)
        error_summary(self._error_summary, self.rubric, self._errors, self.go_to)

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
