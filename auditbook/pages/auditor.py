"""The auditor app: a landing view listing templates and saved audits, then the form."""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

import ipywidgets as w
from IPython.display import Javascript, display

from ..audits.private import remove_quietly
from ..audits.protection import log_export
from ..audits.store import AuditStore, AuditStoreError
from ..audits.users import current_user
from ..documents.audit_export import DOCUMENT_FORMATS, documents_dir, export_audit
from ..forms.form import AuditForm
from ..forms.questions import shared, style_for
from ..rubrics.library import load_library
from ..web.parts import download_link
from ..web.scripts import CONNECTION_WATCH, DESCRIBED_BY, ROW_BUTTON_NAMES
from ..web.style import FORM_CSS
from .audit_list import AuditList
from .common import page_header, wait_for_visitor
from .links import (
    ADDRESS_SCRIPT,
    LinkError,
    audit_query,
    marker_html,
    parse_audit_query,
    problem_html,
)
from .trainee import CalibrationLauncher

LEAD = "Start a new audit from a template, or resume or moderate a saved one."
LINK_PROBLEM = "The audit in this link could not be opened"


class AuditApp:
    """Landing view (new / resume / moderate) and the open form, in one widget."""

    def __init__(
        self,
        folder=None,
        store: AuditStore | None = None,
        user: str | None = None,
        export_dir: str | Path | None = None,
    ):
        """export_dir: where Export writes documents (default: `documents/` beside the audits)."""
        self.library = load_library(folder)
        self.store = store or AuditStore()
        self.user = user or current_user()
        self.export_dir = Path(export_dir) if export_dir else documents_dir(self.store)
        self.form: AuditForm | None = None
        self.rubric_picker = w.Dropdown(
            description="Template",
            style=style_for(w.Dropdown),
            options=[(r.title, r.id) for r in self.library.rubrics.values()],
            layout=w.Layout(width="min(100%, 40em)"),
        )
        self.new_btn = w.Button(description="New audit", icon="plus", button_style="primary")
        self.new_btn.on_click(lambda _: self.new(self.rubric_picker.value))
        self.export_format = w.Dropdown(
            description="Export as",
            style=style_for(w.Dropdown),
            options=[(f.label, f.name) for f in DOCUMENT_FORMATS.values()],
            value="docx",
            layout=w.Layout(width="auto"),
        )
        self.export_format.add_class("ab-list-format")
        self.message = w.HTML()
        self.download = w.HTML()
        note = w.VBox([self.message, self.download])
        note.add_class("ab-list-note")
        # The saved audits: search, filters and pages of rows, each opening its audit.
        self.list = AuditList(self.store, self.library, self._act, note, (self.export_format,))
        # Practice on an invented case; answers go to a calibration folder, never to audits.
        self.calibration = CalibrationLauncher(self.library, self._show, audits=self.store.root)
        new_row = w.HBox([self.rubric_picker, self.new_btn], layout=shared("row"))
        new_row.add_class("ab-new-audit")
        self.landing = w.VBox(
            [
                w.HTML(f'<p class="ab-header-lead">{LEAD}</p><h2>Start a new audit</h2>'),
                new_row,
                self.calibration.widget,
                w.HTML("<h2>Saved audits</h2>"),
                self.list.widget,
            ]
        )
        self.back_btn = w.Button(
            description="Back to the list of audits",
            icon="arrow-left",
            layout=w.Layout(width="auto"),
        )
        self.back_btn.on_click(lambda _: self.show_landing())
        # Offered only once leaving has failed to save (another tab saved first, a full
        # disk): the way out that drops what was typed here, said so on the button.
        self.discard_btn = w.Button(
            description="Leave without saving what I typed",
            icon="times",
            layout=w.Layout(width="auto", display="none"),
        )
        self.discard_btn.add_class("ab-link-button")
        self.discard_btn.on_click(lambda _: self.show_landing(discard=True))
        self.form_box = w.VBox()
        self.widget = w.VBox([w.HTML(FORM_CSS), self.landing, self.form_box])
        self.widget.add_class("ab-app")
        # The open audit in the page's address (auditbook.pages.links), and what was wrong
        # with a link that could not be followed, above everything else.
        self.address = w.HTML(marker_html(""))
        self.link_problem = w.HTML()
        self.widget.children = (self.link_problem, *self.widget.children, self.address)
        self.show_landing()

    def refresh(self) -> None:
        """Read the saved audits again: the filters' choices and the page of the list."""
        self.list.refresh()

    def _act(self, audit_id: str, role: str) -> None:
        """A row's button: resume (auditor), moderate (moderator) or export its audit."""
        if role == "export":
            self.export(audit_id, self.export_format.value)
        else:
            self.message.value = ""
            self.download.value = ""
            self.open(audit_id, role)

    def show_landing(self, discard: bool = False) -> bool:
        """Back to the list, saving the open audit first; if that save fails the audit stays
        open with the reason shown, so nothing typed is dropped, and a second button offers
        to leave without saving (discard=True). True if the list is shown."""
        form = self.form
        if form is not None and not discard and form.editable:
            if form._values != form._saved_values and not form.save(event="autosaved"):
                self.discard_btn.layout.display = ""
                return False
        self.discard_btn.layout.display = "none"
        self.form = None
        self.form_box.children = []
        self.landing.layout.display = ""
        self.refresh()
        self._set_address(None)
        return True

    def _show(self, form: AuditForm) -> AuditForm:
        self.form = form
        self.landing.layout.display = "none"
        self.discard_btn.layout.display = "none"
        self.form_box.children = [w.HBox([self.back_btn, self.discard_btn]), form.widget]
        self._set_address(form)
        return form

    def _set_address(self, form: AuditForm | None) -> None:
        """Put the open audit, or the list, in the page's address (a calibration exercise's
        form is not an audit of this store: the address stays the list's)."""
        ours = form is not None and form.store is self.store
        self.address.value = marker_html(audit_query(form.audit_id, form.role) if ours else "")
        if form is not None:
            self.link_problem.value = ""

    def open_from_query(self, query: str | None) -> AuditForm | None:
        """Open the audit a page's address names (audit=<id>, &as=moderator), with the same
        checks as the Resume and Moderate buttons. The address comes from whoever made the
        link: an id that is not an audit id, or an audit that cannot be opened, leaves the
        list shown with the reason at the top."""
        try:
            wanted = parse_audit_query(query)
        except LinkError as exc:
            self.link_problem.value = problem_html(LINK_PROBLEM, f"<p>{escape(str(exc))}</p>")
            return None
        if wanted is None:
            return None
        audit_id, role = wanted
        if not self.store.path(audit_id).exists():
            self.link_problem.value = problem_html(
                LINK_PROBLEM,
                f"<p>There is no saved audit called {escape(audit_id)}. It may have been "
                "moved or deleted, or, if it was new, closed before anything was typed into "
                "it. Choose an audit from the list below.</p>",
            )
            return None
        self.message.value = ""
        form = self.open(audit_id, role)
        if form is None:  # open() said why, under the list: say it at the top instead
            self.link_problem.value = problem_html(LINK_PROBLEM, self.message.value)
            self.message.value = ""
        return form

    def new(self, rubric_id: str) -> AuditForm:
        """Start a new audit of a template."""
        return self._show(AuditForm(self.library.rubrics[rubric_id], self.store, user=self.user))

    def open(self, audit_id: str, role: str = "auditor") -> AuditForm | None:
        """Open a saved audit to resume it (auditor) or moderate it (moderator)."""
        try:
            record = self.store.load(audit_id)
        except AuditStoreError as exc:
            self.message.value = f'<div class="ab-error" role="alert">{escape(str(exc))}</div>'
            return None
        rubric = self.library.rubrics.get(record["rubric"]["id"])
        if rubric is None:
            self.message.value = (
                '<div class="ab-error" role="alert">This audit uses a template '
                f"that is not installed: {escape(record['rubric']['id'])}</div>"
            )
            return None
        try:
            form = AuditForm(rubric, self.store, audit_id, role=role, user=self.user)
        except PermissionError as exc:  # e.g. the auditor asking to moderate their own audit
            self.message.value = f'<div class="ab-error" role="alert">{escape(str(exc))}</div>'
            return None
        return self._show(form)

    def export(self, audit_id: str, fmt: str = "docx") -> Path | None:
        """Write a saved audit as a document and offer it for download in the page.

        The link carries the file itself (a data: URI), so no server URL ever serves it.
        """
        self.download.value = ""
        try:
            path = export_audit(audit_id, self.library, fmt, self.export_dir, self.store)
        except (AuditStoreError, LookupError, OSError) as exc:
            self.message.value = f'<div class="ab-error" role="alert">{escape(str(exc))}</div>'
            return None
        try:
            data = path.read_bytes()
            log_export(fmt, [audit_id], path, self.store, user=self.user)  # before it is offered
        except OSError as exc:  # unlogged: not offered, and not left on the server either
            remove_quietly([path])
            self.message.value = (
                '<div class="ab-error" role="alert">Not exported: the export log could not be '
                f"written ({escape(str(exc))}).</div>"
            )
            return None
        self.message.value = ""
        link = download_link(data, path.name, DOCUMENT_FORMATS[fmt].mime, f"Download {path.name}")
        # the link alone: where the server keeps its copy is no business of the page
        self.download.value = f'<p class="ab-download">{link}</p>'
        return path


# Text boxes send their value when the cursor leaves them (continuous_update=False: not a
# message per keystroke). The page's kernel ends as the page closes, and Voilà's own handler
# for that runs before any script of ours could (it is registered first) and closes the
# connection, so text still in its box then would be lost. This page script also sends a
# box's value after a short pause in typing (the change event the box fires as the cursor
# leaves it): the kernel then has it, autosaves it, and saves it as the kernel exits.
SEND_AFTER_PAUSE_MS = 400
UNSENT_TEXT_GUARD = """
(() => {
  if (window.auditbookSendTextAfterPause) return;
  window.auditbookSendTextAfterPause = true;
  const boxes = ".ab-app textarea, .ab-app input[type=text]";
  const timers = new WeakMap();
  document.addEventListener("input", (e) => {
    const box = e.target;
    if (!box.matches || !box.matches(boxes)) return;
    clearTimeout(timers.get(box));
    timers.set(box, setTimeout(() => {
      if (box.isConnected) box.dispatchEvent(new Event("change", { bubbles: true }));
    }, PAUSE));
  }, true);
})();
""".replace("PAUSE", str(SEND_AFTER_PAUSE_MS))


def unsent_text_guard():
    """The page scripts: a text box's value sent after a short pause in typing, and hints
    and errors tied to their inputs (auditbook.web.scripts.DESCRIBED_BY), and the list's
    buttons named with their audit's case (ROW_BUTTON_NAMES)."""
    return Javascript(UNSENT_TEXT_GUARD + DESCRIBED_BY + CONNECTION_WATCH + ROW_BUTTON_NAMES)


def audit_app(folder=None, audits=None) -> w.Widget:
    """The widget the audit notebook displays (and the page script of unsent_text_guard)."""
    app = AuditApp(folder, AuditStore(audits) if audits else None)  # the slow part, preheated
    wait_for_visitor()  # a preheated kernel learns its visitor's address here
    app.refresh()
    app.open_from_query(os.environ.get("QUERY_STRING", ""))
    display(page_header("audit.ipynb", user=app.user))
    display(unsent_text_guard())
    display(Javascript(ADDRESS_SCRIPT))
    return app.widget
