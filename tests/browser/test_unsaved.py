"""A save refused because another tab saved first, as the auditor meets it in Chromium: the
form says at its top who saved, when, and what the audit is now; its status line says so
too; what was typed stays in the boxes; and the saved version opens beside it to read."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from auditbook import load_rubric
from auditbook.audits.store import AuditStore
from auditbook.demo.synthetic import sample_answers

from .test_accessibility import serious_violations
from .test_audit_page import choose_audit, open_app, type_into
from .test_auditor_findings import ME, PEN
from .test_looks import assert_no_overflow, shoot

pytestmark = pytest.mark.browser
RUBRIC = load_rubric("rubrics/practice-learning-review.yaml")
TYPED = "Typed in this tab: she now lives with her aunt."


def test_another_tab_submitting_first_keeps_the_text_and_shows_their_version(page, voila_server):
    store = AuditStore(voila_server.audits_dir)
    record = store.create(RUBRIC, ME)
    record = store.save({**record, "answers": {"id_number": "C-STALE"}}, ME)
    path = store.path(record["id"])
    open_app(page, voila_server)
    choose_audit(page, record["id"], status="Draft").locator("button.ab-list-resume").click()
    expect(page.get_by_label("ID Number", exact=True)).to_have_value("C-STALE")
    # Another tab (here, another person) completes and submits the audit.
    theirs = sample_answers(RUBRIC, seed=11) | {"id_number": "C-STALE"}
    store.save({**record, "answers": theirs, "status": "submitted"}, "TM-02", "submitted")
    before = path.read_bytes()
    # This tab, still on the draft it opened, types and saves.
    type_into(page, PEN, TYPED)
    page.get_by_role("button", name="Save draft").click()
    notice = page.locator(".ab-unsaved")
    expect(notice.get_by_role("alert")).to_contain_text("Your changes are not saved")
    expect(notice).to_contain_text(
        re.compile(r"saved by TM-02 at .* since you opened it, and it is now submitted")
    )
    expect(notice).to_contain_text("What you typed is still in the boxes")
    expect(page.locator(".ab-status")).to_contain_text(
        re.compile(r"^Submitted by TM-02 at .* · your changes are not saved")
    )
    expect(page.get_by_label(PEN, exact=True)).to_have_value(TYPED)
    # Their version, beside what is typed here.
    notice.get_by_role("button", name="Open the saved version").click()
    saved = page.get_by_role("region", name="The saved version")
    expect(saved).to_contain_text("Saved by TM-02 at")
    row = saved.locator("tr", has_text="Pen Picture")
    expect(row).to_contain_text(theirs["pen_picture"])
    expect(row).to_contain_text(TYPED)
    expect(page.get_by_label(PEN, exact=True)).to_have_value(TYPED)
    assert serious_violations(page) == []
    for width in (1366, 800):
        page.set_viewport_size({"width": width, "height": 768})
        shoot(page, "stale-refusal")
        assert_no_overflow(page, "the refused save with the saved version open")
    # Leaving tries the save again: refused, so the audit stays open with the text.
    page.get_by_role("button", name="Back to the list of audits").click()
    expect(notice.get_by_role("alert")).to_contain_text("since you opened it")
    expect(page.get_by_label(PEN, exact=True)).to_have_value(TYPED)
    expect(page.get_by_role("button", name="New audit")).to_be_hidden()
    assert path.read_bytes() == before
    print(json.dumps({"figures": {"stale_saves_on_leave": 1, "text_lost": 0}}))
