"""The trainer's guidance page in a real browser: compare a criterion's levels, search every
descriptor, read the guidance alongside, and read a whole template."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import wait_for_widgets
from .test_accessibility import serious_violations

pytestmark = pytest.mark.browser

MATRIX = "Case File Audit Descriptor Matrix (descriptor-matrix)"
REVIEW = "Practice Learning Review Form (practice-learning-review)"
DESCRIPTOR = "Rationale for decision to progress to strategy discussion well evidenced"
LEVELS = ["Outstanding", "Good", "Requires Improvement", "Inadequate", "Inadequate Critical"]


def title(page, text: str):
    """The template's own title (its guidance files repeat it in smaller headings)."""
    return page.get_by_role("heading", level=2, name=text, exact=True)


def open_guidance(page, voila_server):
    page.goto(voila_server.render_url("guidance.ipynb"))
    wait_for_widgets(page, ".ab-levels")


def chosen(page, label: str):
    """The option a labelled dropdown shows."""
    return page.get_by_label(label).locator("option:checked")


def no_errors(page) -> None:
    """No Python error reached the page, neither as a traceback nor as Voilà's short notice."""
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert "There was an error when executing cell" not in body
    expect(page.locator('[data-mime-type="application/vnd.jupyter.stderr"]')).to_have_count(0)


def test_trainer_switches_template_and_reads_descriptors(voila_server, page):
    open_guidance(page, voila_server)
    template = page.get_by_label("Template")
    page.get_by_role("tab", name="Whole template").click()
    whole = page.locator(".ab-doc")

    # The first template in the library opens by default, descriptors included.
    expect(title(page, "Case File Audit Descriptor Matrix")).to_be_visible()
    expect(whole.get_by_text(DESCRIPTOR)).to_be_visible()

    template.select_option(label=REVIEW)
    expect(title(page, "Practice Learning Review Form")).to_be_visible()
    expect(whole.get_by_text(DESCRIPTOR)).to_have_count(0)

    template.select_option(label=MATRIX)
    expect(whole.get_by_text(DESCRIPTOR)).to_be_visible()
    no_errors(page)


def test_trainer_compares_levels_searches_and_reads_tips(voila_server, page):
    open_guidance(page, voila_server)
    expect(chosen(page, "Template")).to_have_text(MATRIX)
    page.get_by_label("Section").select_option(label="SECTION 47 INVESTIGATION")
    page.get_by_label("Criterion").select_option(label="S 47 – child seen alone")
    criterion = page.locator(".ab-criterion")
    expect(criterion.get_by_role("heading", level=3)).to_have_text("S 47 – child seen alone")

    # Every level side by side, best first, each with the words it adds marked.
    expect(criterion.locator("th")).to_have_text(LEVELS)
    good = criterion.locator('td[data-level="good"]')
    expect(good).to_contain_text("Marked: what it adds to Requires Improvement")
    added = good.locator("ins.ab-added")
    expect(added).to_have_count(3)
    expect(added.last).to_contain_text("Direct work is in relation to the presenting risk.")
    expect(added.last).to_be_visible()
    # Not by colour alone: the marks are underlined, and a legend says what they mean.
    assert "underline" in added.last.evaluate("el => getComputedStyle(el).textDecorationLine")
    expect(criterion.locator(".ab-legend")).to_contain_text("the words a level adds")
    page.get_by_label("Highlight what changes").uncheck()
    expect(criterion.locator("ins")).to_have_count(0)
    page.get_by_label("Highlight what changes").check()
    expect(added).to_have_count(3)

    # Search from another template; Show opens the criterion the result belongs to.
    page.get_by_label("Template").select_option(label=REVIEW)
    expect(criterion).to_contain_text("Practice Learning Review Form")
    search = page.get_by_role("textbox", name="Search")
    search.fill("seen alone")
    search.press("Enter")
    expect(page.get_by_role("status").filter(has_text="results for")).to_have_text(
        "12 results for “seen alone”."
    )
    hits = page.locator(".ab-hit-row")
    expect(hits.first.locator("mark").first).to_have_text("seen alone")
    voice = hits.filter(has_text="Voice of the Child — Good")
    voice.get_by_role("button", name="Show").click()
    expect(chosen(page, "Template")).to_have_text(MATRIX)
    expect(chosen(page, "Section")).to_have_text("CHILD CENTRED PRACTICE")
    expect(chosen(page, "Criterion")).to_have_text("Voice of the Child")
    expect(criterion.get_by_role("heading", level=3)).to_have_text("Voice of the Child")
    hits.first.get_by_role("button", name="Show").click()
    expect(chosen(page, "Criterion")).to_have_text("S 47 – child seen alone")

    # The organisation's guidance is alongside: open the top tips.
    tip = page.get_by_text("Don't repeat the same evidence for different sections")
    expect(tip).to_be_hidden()
    page.get_by_text("Top Tips for practice Learning Sessions", exact=True).click()
    expect(tip).to_be_visible()

    no_errors(page)
    assert serious_violations(page) == []
