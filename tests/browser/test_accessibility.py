"""Accessibility: axe-core finds no serious or critical problem, and the keyboard alone suffices."""

from __future__ import annotations

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .conftest import wait_for_widgets
from .test_audit_page import PLR, audit_files, open_app

pytestmark = pytest.mark.browser


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    out = []
    for v in results.response["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = [n["target"] for n in v["nodes"]][:5]
            out.append(f"{v['id']} ({v['impact']}): {v['help']} at {targets}")
    return out


def test_landing_page_has_no_serious_violations(page, voila_server):
    open_app(page, voila_server)
    assert serious_violations(page) == []


def test_seed_000_form_has_no_serious_violations(page, voila_server):
    open_app(page, voila_server)
    page.locator(".ab-new-audit").get_by_label("Template").select_option(label=PLR)
    page.get_by_role("button", name="New audit").click()
    expect(page.locator(".ab-form")).to_be_visible()
    assert serious_violations(page) == []
    # A graded section and the actions table too.
    page.locator(".ab-nav").get_by_role("button", name=re.compile("^Assessment")).click()
    expect(page.locator(".ab-section-head")).to_contain_text("Assessment")
    assert serious_violations(page) == []
    page.locator(".ab-nav").get_by_role("button", name=re.compile("^Areas for Development")).click()
    expect(page.locator(".ab-section-head")).to_contain_text("Areas for Development")
    assert serious_violations(page) == []


def test_error_states_the_banner_and_the_confirmation_have_no_serious_violations(
    page, voila_server
):
    open_app(page, voila_server)
    page.locator(".ab-new-audit").get_by_label("Template").select_option(label=PLR)
    page.get_by_role("button", name="New audit").click()
    box = page.get_by_label("Month PLR allocated to Reviewer", exact=True)
    box.fill("sometime in Nov")
    box.press("Tab")
    expect(page.locator(".ab-error-summary")).to_contain_text("There is a problem")
    expect(page.locator(".ab-q-month_allocated .ab-error-message")).to_be_visible()
    assert serious_violations(page) == []
    page.locator(".ab-nav").get_by_role("button", name=re.compile("^Child’s Safety")).click()
    page.locator(".ab-q-child_safe").get_by_role("radio", name="No").check()
    expect(page.locator(".ab-banner")).to_be_visible()
    expect(page.locator(".ab-q-child_safe .ab-esc-at-question")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Submit").click()  # incomplete: what is missing
    expect(page.locator(".ab-missing")).to_contain_text("What is missing")
    assert serious_violations(page) == []


def test_every_input_has_a_label(page, voila_server):
    open_app(page, voila_server)
    page.locator(".ab-new-audit").get_by_label("Template").select_option(label=PLR)
    page.get_by_role("button", name="New audit").click()
    expect(page.locator(".ab-form")).to_be_visible()
    for title in (
        "Practice Learning Review Form",
        "Criteria being assessed",
        "Assessment",
        "Areas for Development",
    ):
        page.locator(".ab-nav").get_by_role("button", name=re.compile("^" + title)).click()
        unlabeled = page.evaluate("""() => [...document.querySelectorAll(
            '.ab-form input, .ab-form select, .ab-form textarea')].filter(el => {
              if (el.type === 'hidden') return false;
              const byFor = el.id && document.querySelector(`label[for="${el.id}"]`);
              const wrapped = el.closest('label');
              return !(byFor && byFor.textContent.trim())
                     && !(wrapped && wrapped.textContent.trim())
                     && !el.getAttribute('aria-label');
            }).map(el => el.outerHTML.slice(0, 120))""")
        assert unlabeled == [], title


def test_form_can_be_completed_with_the_keyboard(page, voila_server):
    """Reach a question with Tab, type, choose a grade with the arrow keys, save with Enter."""
    before = set(audit_files(voila_server))
    open_app(page, voila_server)
    page.locator(".ab-new-audit").get_by_label("Template").focus()
    page.keyboard.press("Tab")  # to "New audit"
    expect(page.get_by_role("button", name="New audit")).to_be_focused()
    page.locator(".ab-new-audit").get_by_label("Template").focus()
    page.locator(".ab-new-audit").get_by_label("Template").select_option(
        label=PLR
    )  # a select opens with the keyboard
    page.get_by_role("button", name="New audit").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".ab-form")).to_be_visible()

    def tab_to(locator, limit=80):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if locator.evaluate("el => el === document.activeElement"):
                return
        raise AssertionError(f"could not reach {locator} with Tab")

    tab_to(page.get_by_label("ID Number", exact=True))
    page.keyboard.type("C-KEY-1")
    tab_to(page.locator(".ab-nav").get_by_role("button", name=re.compile("^Assessment")))
    page.keyboard.press("Enter")
    expect(page.locator(".ab-section-head")).to_contain_text("Assessment")
    grade = page.get_by_label("Assessment", exact=True)
    tab_to(grade)
    descriptor = page.locator(".ab-q-assessment_grade .ab-descriptor strong")
    page.keyboard.press("o")  # a closed select jumps to the option starting with the letter
    expect(descriptor).to_have_text("Outstanding")
    page.wait_for_timeout(1200)  # reading it; also lets Chrome's type-ahead buffer clear
    page.keyboard.press("g")
    expect(descriptor).to_have_text("Good")
    tab_to(
        page.get_by_label("Findings and Evidence to support grade including strengths", exact=True)
    )
    page.keyboard.type("Seen by keyboard alone.")
    tab_to(page.get_by_role("button", name="Save draft"))
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile(r"^Saved \d"))).to_be_visible()
    new = [p for p in audit_files(voila_server) if p not in before]
    record = json.loads(new[0].read_text(encoding="utf-8"))
    assert record["answers"]["id_number"] == "C-KEY-1"
    assert record["answers"]["assessment_grade"] == {
        "level": "good",
        "evidence": {"findings": "Seen by keyboard alone."},
    }


def test_guidance_page_has_no_serious_violations(page, voila_server):
    page.goto(voila_server.render_url("guidance.ipynb"))
    wait_for_widgets(page)
    assert serious_violations(page) == []
