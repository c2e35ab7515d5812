"""Every shipped rubric, end to end in the browser: create, fill, save, resume, submit, moderate."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from auditbook.demo.synthetic import sample_answers
from auditbook.rubrics.answers import visible
from auditbook.rubrics.library import load_library

from .test_audit_page import audit_files, choose_audit, open_app

pytestmark = pytest.mark.browser
LIBRARY = load_library()


def go_to_section(page, section) -> None:
    # Playwright sends the pattern as a /…/ literal: slashes must be escaped.
    title = re.escape(section.title.strip()).replace("/", r"\/")
    name = re.compile("^" + title + r"(\s+([0-9]+\/[0-9]+|N\/A))?$")
    page.locator(".ab-nav").get_by_role("button", name=name).click()
    expect(page.locator(".ab-section-head")).to_contain_text(section.title.strip())


def choose(scope, label: str, display: str) -> None:
    if display == "radio":
        scope.get_by_role("radio", name=label, exact=True).check()
    else:
        scope.locator("select").first.select_option(label=label)


def fill(page, rubric, item, value) -> None:
    """Answer one question through the page, as a person would."""
    q = page.locator(f".ab-q-{item.id}")
    kind = item.type
    if kind in ("short_text", "long_text", "month", "number"):
        box = q.locator("input, textarea").first
        box.fill(str(value))
        box.press("Tab")
    elif kind == "date":
        q.locator("input[type=date]").fill(value)
    elif kind == "single_choice":
        choose(q, next(o.label for o in item.options if o.key == value), item.display)
    elif kind == "multiple_choice":
        for o in item.options:
            if o.key in value:
                q.get_by_role("checkbox", name=o.label).check()
    elif kind in ("grade", "yes_no_partial"):
        level = rubric.scale(item.scale).level(value["level"])
        choose(q, level.label, item.display)
        texts = value.get("evidence") or (
            {"explanation": value["explanation"]} if "explanation" in value else {}
        )
        areas = q.locator("textarea")
        for n, text in enumerate(texts.values()):
            areas.nth(n).fill(text)
            areas.nth(n).press("Tab")
    elif kind == "actions":
        cols = item.columns
        for n, row in enumerate(value, 1):
            for key, label in (("action", cols.action), ("owner", cols.owner), ("due", cols.due)):
                box = q.get_by_label(f"{label.rstrip(':')} (row {n})", exact=True)
                box.fill(row[key])
                box.press("Tab")
    else:
        raise AssertionError(f"no way to fill {kind}")


def fill_role(page, rubric, role: str, seed: int, earlier: dict | None = None) -> dict:
    """Fill every question of a role that should show, section by section; returns what was given.

    Whether a conditional question shows is worked out from the rubric, and the page must agree.
    """
    answers = sample_answers(rubric, seed=seed, role=role)
    given: dict = {}
    for section in rubric.sections:
        items = [i for i in section.items if i.role == role and i.id in answers]
        if not items:
            continue
        go_to_section(page, section)
        for item in items:
            q = page.locator(f".ab-q-{item.id}")
            if not visible(rubric, item, {**(earlier or {}), **given}):
                expect(q).to_be_hidden()
                continue
            expect(q).to_be_visible()
            fill(page, rubric, item, answers[item.id])
            given[item.id] = answers[item.id]
    return given


def saved(page) -> None:
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile(r"^Saved \d"))).to_be_visible()


@pytest.mark.parametrize("rubric_id", list(LIBRARY.rubrics))
def test_audit_lifecycle_in_the_browser(page, voila_server, moderator_server, rubric_id):
    rubric = LIBRARY.rubrics[rubric_id]
    before = set(audit_files(voila_server))
    open_app(page, voila_server)
    page.locator(".ab-new-audit").get_by_label("Template").select_option(label=rubric.title)
    page.get_by_role("button", name="New audit").click()
    given = fill_role(page, rubric, "auditor", seed=21)
    saved(page)
    new = [p for p in audit_files(voila_server) if p not in before]
    assert len(new) == 1
    record = json.loads(new[0].read_text(encoding="utf-8"))
    assert record["answers"] == given

    page.reload()
    open_app(page, voila_server)
    choose_audit(page, record["id"]).get_by_role("button", name="Resume").click()
    page.get_by_role("button", name="Submit").click()
    page.get_by_role("button", name="Yes, submit").click()
    expect(page.get_by_text(re.compile(r"^Submitted \d"))).to_be_visible()
    record = json.loads(new[0].read_text(encoding="utf-8"))
    assert record["status"] == "submitted" and record["answers"] == given

    # Moderation is a second reviewer's: the same app, signed in as someone else.
    open_app(page, moderator_server)
    choose_audit(page, record["id"], status="Submitted").get_by_role(
        "button", name="Moderate"
    ).click()
    moderated = fill_role(page, rubric, "moderator", seed=22, earlier=given)
    page.get_by_role("button", name="Complete moderation").click()
    page.get_by_role("button", name="Yes, complete moderation").click()
    expect(page.get_by_text(re.compile(r"^Moderated \d"))).to_be_visible()
    record = json.loads(new[0].read_text(encoding="utf-8"))
    assert record["status"] == "moderated"
    assert record["answers"] == given, "moderation never alters the auditor's answers"
    assert record["moderation"] == moderated
    assert [e["event"] for e in record["history"]][-1] == "moderated"
