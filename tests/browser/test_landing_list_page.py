"""The auditor's list of saved audits in a real browser, over the 120 demo audits: a case id
typed into the search box finds its audit as it is typed, its row opens it, and Back comes
back to the list as it was; pages, a filter, and the rows' buttons named with their case."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import wait_for_widgets
from .test_accessibility import serious_violations
from .test_audit_page import SEARCH

pytestmark = pytest.mark.browser


def demo_audits(folder) -> list[dict]:
    files = sorted(p for p in folder.glob("demo-*.json") if not p.name.endswith(".prev.json"))
    return [json.loads(p.read_text(encoding="utf-8")) for p in files]


def a_case_alone(records: list[dict]) -> tuple[str, str]:
    """(audit id, case id) of a submitted demo audit whose case id is in no other id."""
    ids = [(r["id"], r["case"]["case_id"] or "") for r in records]
    for record in records:
        case = record["case"]["case_id"]
        if record["status"] != "submitted" or not case:
            continue
        others = [x for audit_id, c in ids if audit_id != record["id"] for x in (audit_id, c)]
        if not any(case.casefold() in x.casefold() for x in others):
            return record["id"], case
    raise AssertionError("no demo audit with a case id of its own")


def test_a_case_id_typed_finds_its_audit_which_opens_and_comes_back(page, dashboard_server):
    records = demo_audits(dashboard_server.audits_dir)
    audit_id, case = a_case_alone(records)
    drafts = sum(r["status"] == "draft" for r in records)
    page.goto(dashboard_server.render_url("audit.ipynb"))
    wait_for_widgets(page, ".ab-list-row")
    count = page.locator(".ab-list-count")
    rows = page.locator(".ab-list-row:visible")
    expect(count).to_have_text("Showing 1–25 of 120 audits")
    expect(rows).to_have_count(25)
    assert serious_violations(page) == []

    # Typed a key at a time, as a person types: the list answers as it goes.
    page.get_by_label(SEARCH).press_sequentially(case, delay=60)
    expect(count).to_have_text("Showing 1 audit (of 120 in all)")
    expect(rows).to_have_count(1)
    row = rows.filter(has_text=case)
    expect(row).to_contain_text(audit_id)
    # the row's buttons say whose audit they open (the page script names them)
    row.get_by_role("button", name=f"Resume case {case}", exact=True).click()
    expect(page.locator(".ab-form")).to_be_visible()
    page.wait_for_url(re.compile(rf"\?audit={re.escape(audit_id)}$"))

    page.get_by_role("button", name="Back to the list of audits").click()
    expect(page.get_by_label(SEARCH)).to_have_value(case)  # the list as it was left
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(audit_id)
    page.get_by_role("button", name="Clear the search and filters").click()
    expect(count).to_have_text("Showing 1–25 of 120 audits")

    # Pages of 25, and a filter.
    previous = page.get_by_role("button", name="Previous")
    expect(previous).to_be_disabled()
    page.get_by_role("button", name="Next").click()
    expect(count).to_have_text("Showing 26–50 of 120 audits")
    expect(previous).to_be_enabled()
    page.get_by_label("Status", exact=True).select_option(label="Draft")
    assert 1 < drafts <= 25
    expect(count).to_have_text(f"Showing {drafts} audits (of 120 in all)")
    expect(rows).to_have_count(drafts)
    expect(rows.filter(has_not_text="Draft")).to_have_count(0)
    page.get_by_label(SEARCH).fill("no such case")
    expect(count).to_contain_text("No audits match")
    expect(rows).to_have_count(0)
    assert serious_violations(page) == []
