"""A save that does not go through never costs what was typed (issue 15): leaving an audit
("Back to the list") when its save fails, because the disk is full or another tab saved
first, keeps the form open with the reason at its top and the text in its boxes; the status
line says what the audit is on disk; the saved version can be opened beside the typed text."""

from __future__ import annotations

import errno
import json
import os

import pytest

from auditbook import load_rubric
from auditbook.audits.store import AuditStore
from auditbook.demo.synthetic import sample_answers
from auditbook.forms.form import AuditForm
from auditbook.pages.auditor import AuditApp

PLR = load_rubric("rubrics/practice-learning-review.yaml")
TYPED = "Typed after the last save, never to be lost"


@pytest.fixture
def app(tmp_path):
    app = AuditApp(store=AuditStore(tmp_path / "audits"), user="SW-01")
    app.rubric_picker.value = PLR.id
    app.new_btn.click()
    app.form.question("id_number").value = "C-LEAVE"
    assert app.form.save()
    return app


def disk_full(monkeypatch, written: list[int]):
    """The store's write fails as a full disk does: part of the new file written, then
    ENOSPC (the store removes the part-written file)."""

    def temp(self, audit_id, data, temps):
        fd = os.open(self.root / f".{audit_id}.full.tmp", os.O_WRONLY | os.O_CREAT, 0o600)
        temps.append(str(self.root / f".{audit_id}.full.tmp"))
        os.write(fd, data[: len(data) // 2])
        os.close(fd)
        written.append(len(data))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(AuditStore, "_temp", temp)


def figures(**values) -> None:
    print(json.dumps({"figures": values}))


def test_a_full_disk_on_leaving_keeps_the_audit_open_with_the_text(app, monkeypatch):
    form, store = app.form, app.store
    path = store.path(form.audit_id)
    before = path.read_bytes()
    written: list[int] = []
    disk_full(monkeypatch, written)
    form.question("pen_picture").value = TYPED
    assert app.show_landing() is False  # what "Back to the list" runs
    app.back_btn.click()  # and the button itself, as the page sends it
    assert written, "the save on leaving reached the store's write"
    assert app.form is form and app.landing.layout.display == "none"
    assert list(app.form_box.children)[1] is form.widget
    assert app.discard_btn.layout.display == "", "a way out, said to drop what was typed"
    # The reason, at the top of the form (above the buttons), in words.
    children = list(form.widget.children)
    bar = next(c for c in children if form._save_btn in getattr(c, "children", ()))
    assert children.index(form._unsaved.widget) < children.index(bar)
    assert form._unsaved.widget.layout.display == ""
    said = form._unsaved.text.value
    assert "Your changes are not saved" in said
    assert "no space left on the disk where audits are kept" in said
    assert "still in the boxes" in said and "Errno" not in said
    assert "your latest changes are not saved" in form._status.value
    assert "Saved " not in form._message.value  # no earlier "Saved at …" left standing
    # The typed text is still in its box; the file is the version before, whole.
    assert form.question("pen_picture").field.value == TYPED
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    # Space again: the next Back saves the text and leaves.
    monkeypatch.undo()
    app.back_btn.click()
    assert app.form is None and app.landing.layout.display == ""
    assert store.load(form.audit_id)["answers"]["pen_picture"] == TYPED
    assert app.discard_btn.layout.display == "none"
    assert form._unsaved.widget.layout.display == "none"
    figures(failed_saves_on_leave=len(written), text_lost=0)


def test_another_tab_submitting_first_is_said_and_the_saved_version_opens_beside(app):
    form, store = app.form, app.store
    other = AuditForm(PLR, store, form.audit_id, user="TM-02", autosave_delay=None)
    theirs = sample_answers(PLR, seed=5)
    theirs["id_number"] = "C-LEAVE"
    other.data = theirs
    assert other.submit()
    path = store.path(form.audit_id)
    before = path.read_bytes()
    form.question("pen_picture").value = TYPED
    app.back_btn.click()
    assert app.form is form
    assert path.read_bytes() == before
    said = form._unsaved.text.value
    assert "saved by TM-02 at" in said and "since you opened it, and it is now submitted" in said
    # The status line says what the audit is now, not "Draft".
    status = form._status.value
    assert status.startswith("Submitted by TM-02 at ") and "your changes are not saved" in status
    assert not status.startswith("Draft")
    # The saved version opens, read-only, beside the typed text (still in its box).
    assert form._unsaved.open_btn.layout.display == ""
    assert form._unsaved.open_btn.description == "Open the saved version"
    form._unsaved.open_btn.click()
    shown = form._unsaved.saved.value
    assert "The saved version" in shown and "status: Submitted" in shown
    row = next(r for r in shown.split("<tr>") if "Pen Picture" in r)
    assert TYPED in row and theirs["pen_picture"] in row
    assert form.question("pen_picture").field.value == TYPED
    assert path.read_bytes() == before
    lost = int(form.question("pen_picture").field.value != TYPED)
    # Later autosaves are refused the same way; nothing is written over their version.
    form.question("pen_picture").value = TYPED + " (more)"
    assert not form.save()
    assert path.read_bytes() == before
    figures(stale_saves_on_leave=1, text_lost=lost)
    # The way out: leave, dropping what was typed here, their version untouched.
    assert app.discard_btn.layout.display == ""
    assert app.discard_btn.description == "Leave without saving what I typed"
    app.discard_btn.click()
    assert app.form is None and app.landing.layout.display == ""
    assert path.read_bytes() == before


def test_a_save_that_goes_through_clears_the_notice(app, monkeypatch):
    form = app.form
    disk_full(monkeypatch, [])
    form.question("pen_picture").value = TYPED
    assert not form.save()
    assert form._unsaved.widget.layout.display == ""
    monkeypatch.undo()
    assert form.save()
    assert form._unsaved.widget.layout.display == "none"
    assert form._status.value.startswith("Draft · ")
    assert "Saved " in form._message.value


def test_a_refused_submit_leaves_the_form_as_it_was(app, monkeypatch):
    form = app.form
    form.data = sample_answers(PLR, seed=5)
    assert form.save()
    disk_full(monkeypatch, [])
    assert not form.submit()
    assert form.status == "draft" and form.editable
    assert not form._save_btn.disabled and not form._submit_btn.disabled
    assert form._status.value.startswith("Draft · your latest changes are not saved")
