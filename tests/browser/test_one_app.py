"""One app: every page has the header with who is signed in and links to the others, the
server's root opens the first page, and the open audit stays in the address, so reloading
or sharing the link reopens it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from auditbook import load_rubric
from auditbook.audits.store import AuditStore
from auditbook.audits.users import current_user
from auditbook.demo.synthetic import sample_answers

from .conftest import wait_for_widgets
from .test_audit_page import choose_audit, open_app

pytestmark = pytest.mark.browser

# Each page's link in the header, and what the page shows once its widgets are up.
PAGES = [
    ("Dashboard", "dashboard.ipynb", ".ab-dashboard"),
    ("Guidance", "guidance.ipynb", ".ab-levels"),
    ("Calibration", "calibration.ipynb", ".ab-calibration-page"),
    ("Audits", "audit.ipynb", ".ab-app"),
]


def exactly(url: str) -> re.Pattern:
    """The address `url` and nothing else (a string would be read as a glob, "?" and all)."""
    return re.compile("^" + re.escape(url) + "$")


def header(page):
    return page.locator("header.ab-header")


def submitted_audit(server, case_id: str) -> dict:
    rubric = load_rubric("rubrics/practice-learning-review.yaml")
    store = AuditStore(server.audits_dir)
    record = store.create(rubric, "SW-01")
    answers = sample_answers(rubric, seed=4, levels={"overall_grade": "good"})
    answers["id_number"] = case_id
    return store.save(
        {**record, "answers": answers, "status": "submitted"}, "SW-01", event="submitted"
    )


def test_the_header_goes_from_page_to_page_and_names_who_is_signed_in(page, voila_server):
    open_app(page, voila_server)
    # The server was started with this process's environment: the same person.
    expect(header(page).locator(".ab-header-user")).to_have_text(f"Signed in as {current_user()}")
    expect(header(page).get_by_role("link", name="Audits", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Case file audits")
    for label, notebook, shows in PAGES:
        header(page).get_by_role("link", name=label, exact=True).click()
        page.wait_for_url(re.compile(rf"/voila/render/{re.escape(notebook)}$"))
        wait_for_widgets(page, shows)
        expect(header(page).get_by_role("link", name=label, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        expect(header(page).locator("[aria-current=page]")).to_have_count(1)
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        expect(header(page)).to_contain_text(current_user())


def test_the_root_url_opens_the_first_page(page, voila_server):
    page.goto(voila_server.url + "/")
    page.wait_for_url(exactly(voila_server.render_url("audit.ipynb")))
    wait_for_widgets(page, ".ab-app")
    page.goto(voila_server.url + "/voila/tree")  # never the folder's listing
    page.wait_for_url(exactly(voila_server.render_url("audit.ipynb")))
    wait_for_widgets(page, ".ab-app")


def test_the_open_audit_is_in_the_address_and_survives_a_reload(page, browser, voila_server):
    record = submitted_audit(voila_server, "C-LINK-1")
    audit_id = record["id"]
    open_app(page, voila_server)
    choose_audit(page, audit_id).get_by_role("button", name="Moderate").click()
    expect(page.locator(".ab-form .ab-meta")).to_contain_text(f"audit {audit_id}")
    link = f"{voila_server.render_url('audit.ipynb')}?audit={audit_id}&as=moderator"
    page.wait_for_url(exactly(link))

    page.reload()
    wait_for_widgets(page, ".ab-form")
    expect(page.locator(".ab-form .ab-meta")).to_contain_text(f"audit {audit_id}")
    expect(page.get_by_label("ID Number", exact=True)).to_have_value("C-LINK-1")
    expect(page.get_by_label("ID Number", exact=True)).to_be_disabled()  # moderator's view
    assert page.url == link

    # The link, opened afresh by someone else's browser, opens the same audit in that view.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        fresh = context.new_page()
        fresh.goto(link)
        wait_for_widgets(fresh, ".ab-form")
        expect(fresh.locator(".ab-form .ab-meta")).to_contain_text(f"audit {audit_id}")
        expect(fresh.get_by_label("ID Number", exact=True)).to_be_disabled()
    finally:
        context.close()

    # Back on the list, the address is the list's; resuming puts the auditor's view in it.
    page.get_by_role("button", name="Back to the list of audits").click()
    page.wait_for_url(exactly(voila_server.render_url("audit.ipynb")))
    choose_audit(page, audit_id).get_by_role("button", name="Resume").click()
    page.wait_for_url(exactly(f"{voila_server.render_url('audit.ipynb')}?audit={audit_id}"))


def test_a_link_that_cannot_be_followed_says_why_on_the_list(page, voila_server):
    page.goto(voila_server.render_url("audit.ipynb") + "?audit=../../etc/passwd")
    wait_for_widgets(page, ".ab-app")
    problem = page.locator(".ab-header-problem")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text("The audit in this link could not be opened")
    expect(problem).to_contain_text("is not an audit id")
    expect(page.get_by_role("button", name="New audit")).to_be_visible()
    page.wait_for_url(exactly(voila_server.render_url("audit.ipynb")))  # the bad link is dropped
