"""The trainer's guidance page in a real browser: pick a template, read its descriptors."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import wait_for_widgets

pytestmark = pytest.mark.browser

MATRIX = "Case File Audit Descriptor Matrix (descriptor-matrix)"
REVIEW = "Practice Learning Review Form (practice-learning-review)"
DESCRIPTOR = "Rationale for decision to progress to strategy discussion well evidenced"


def title(page, text: str):
    """The template's own title (its guidance files repeat it in smaller headings)."""
    return page.get_by_role("heading", level=2, name=text, exact=True)


def test_trainer_switches_template_and_reads_descriptors(voila_server, page):
    page.goto(voila_server.render_url("guidance.ipynb"))
    wait_for_widgets(page, ".widget-dropdown select")
    template = page.get_by_label("Template")

    # The first template in the library opens by default, descriptors included.
    expect(title(page, "Case File Audit Descriptor Matrix")).to_be_visible()
    expect(page.get_by_text(DESCRIPTOR)).to_be_visible()

    template.select_option(label=REVIEW)
    expect(title(page, "Practice Learning Review Form")).to_be_visible()
    expect(page.get_by_text(DESCRIPTOR)).to_have_count(0)

    template.select_option(label=MATRIX)
    expect(page.get_by_text(DESCRIPTOR)).to_be_visible()

    # No Python error reached the page, neither as a traceback nor as Voilà's short notice.
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert "There was an error when executing cell" not in body
    expect(page.locator('[data-mime-type="application/vnd.jupyter.stderr"]')).to_have_count(0)
