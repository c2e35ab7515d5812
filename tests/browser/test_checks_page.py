"""Guidance checks in the real page: the warning appears as the auditor types, and saving works."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .test_audit_page import PLR, audit_files, open_app, section, type_into

pytestmark = pytest.mark.browser
EVIDENCE = "Findings and Evidence to support grade including strengths"
TEXT = (
    "The assessment was updated in March after the home visit; risks from the mother's new "
    "partner are analysed and the child's wishes are recorded in their own words."
)


def test_repeated_evidence_is_flagged_as_the_auditor_types(page, voila_server):
    before = set(audit_files(voila_server))
    open_app(page, voila_server)
    page.locator(".ab-new-audit").get_by_label("Template").select_option(label=PLR)
    page.get_by_role("button", name="New audit").click()
    panel = page.locator(".ab-warnings [role=status]")
    expect(panel).to_be_attached()
    expect(panel).to_have_text("")

    section(page, "Assessment")
    page.get_by_label("Assessment", exact=True).select_option(label="Good")
    type_into(page, EVIDENCE, TEXT)
    expect(panel).to_have_text("")  # one section's evidence repeats nothing

    section(page, "Planning")
    page.get_by_label("Planning", exact=True).select_option(label="Good")
    type_into(page, EVIDENCE, TEXT.upper())  # the same words, only louder
    expect(panel).to_contain_text("Guidance checks: 1 thing to look at again")
    expect(panel).to_contain_text(
        "The evidence for 'Planning' repeats the evidence for 'Assessment' (100% the same)."
    )
    expect(panel).to_contain_text("Fix: Write what you found for 'Planning' itself")

    # Go to takes the auditor to the question; the warning does not stop a save.
    section(page, "Assessment")
    page.locator(".ab-goto").get_by_role("button", name="Go to Planning").click()
    expect(page.locator(".ab-section-head")).to_contain_text("Planning")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile(r"^Saved \d"))).to_be_visible()
    new = [p for p in audit_files(voila_server) if p not in before]
    assert len(new) == 1
    answers = json.loads(new[0].read_text(encoding="utf-8"))["answers"]
    assert answers["planning_grade"]["evidence"]["findings"] == TEXT.upper()

    # Rewriting the evidence for planning itself clears the warning.
    type_into(page, EVIDENCE, "The plan is reviewed at each core group and its actions are SMART.")
    expect(panel).to_have_text("")
