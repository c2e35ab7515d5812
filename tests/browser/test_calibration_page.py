"""A calibration exercise in a real Voilà server and headless Chromium: a trainee picks the
exercise in the auditor app, types their code, grades the case, submits and reads the
reference; then the trainer's page shows them beside the other trainees."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from auditbook.rubrics.library import load_library
from auditbook.training.calibration import calibration_store

from .conftest import serve_notebooks, wait_for_widgets
from .test_accessibility import serious_violations

pytestmark = pytest.mark.browser
LAC = "looked-after-child-c"
EXPLAIN = "Findings and Evidence to support grade including strengths"


@pytest.fixture(scope="module")
def calibration_server(tmp_path_factory):
    """Voilà with its own audits and calibration folders; two trainees have already
    submitted the exercise."""
    audits = tmp_path_factory.mktemp("audits")
    calibration = tmp_path_factory.mktemp("calibration")
    library = load_library()
    exercise = library.exercises[LAC]
    rubric = library.rubrics[exercise.rubric]
    store = calibration_store(LAC, calibration, audits=audits)
    for code, changed in (("T-01", {"planning_grade": "good"}), ("T-02", {})):
        levels = {k: r.level for k, r in exercise.reference.items()} | changed
        answers = {
            k: {"level": v, "evidence": {"findings": "On file."}}
            if rubric.item(k).type == "grade"
            else {"level": v, "explanation": "On file."}
            for k, v in levels.items()
        }
        answers["overall_grade"]["evidence"] = {"rationale": "On file."}
        made = store.create(rubric, code, code)
        store.save({**made, "answers": answers, "status": "submitted"}, code)
    env = {"AUDITBOOK_CALIBRATION": str(calibration)}
    with serve_notebooks(tmp_path_factory, audits, "voila-calibration", env=env) as server:
        server.calibration_dir = calibration / LAC
        server.exercise = exercise
        yield server


def section(page, title):
    page.locator(".ab-nav").get_by_role("button", name=re.compile("^" + re.escape(title))).click()
    expect(page.locator(".ab-section-head")).to_contain_text(title)


def write(box, text):
    box.fill(text)
    box.press("Tab")  # text boxes send their value when the cursor leaves them


def answer(page, item_id, level, text):
    """A yes/no question (radio buttons) or a grade (a list) and its text box."""
    q = page.locator(f".ab-q-{item_id}")
    if q.locator("select").count():
        q.locator("select").select_option(label=level)
    else:
        q.get_by_role("radio", name=level, exact=True).check()
    write(q.locator("textarea").first, text)


def test_trainee_grades_submits_sees_reference_and_trainer_sees_them(page, calibration_server):
    server, ex = calibration_server, calibration_server.exercise
    page.goto(server.render_url("audit.ipynb"))
    wait_for_widgets(page, ".ab-app")
    page.get_by_label("Exercise", exact=True).select_option(label=ex.title)
    page.get_by_label("Trainee code", exact=True).fill("t-07")
    page.get_by_role("button", name="Start exercise").click()

    expect(page.locator(".ab-calibration-head")).to_contain_text("Trainee T-07")
    expect(page.locator(".ab-vignette")).to_contain_text("Child C is 13 and in Year 8")
    expect(page.locator(".ab-reveal-box")).to_have_count(0)

    section(page, "Criteria being assessed")
    answer(page, "manager_quality_assured_assessment", "Yes", "TM-05 signed off with a note.")
    answer(page, "mash_threshold_agreed", "Not applicable", "No referral: looked after.")
    answer(page, "case_summary_up_to_date", "No", "Last updated August 2025.")
    answer(page, "chronology_up_to_date", "Yes", "Updated 2 February 2026.")
    for title, item_id, level in (
        ("Assessment", "assessment_grade", "Good"),
        ("Planning", "planning_grade", "Requires Improvement"),
        ("Intervention", "intervention_grade", "Good"),
        ("Child’s Voice", "childs_voice_grade", "Good"),  # the reference says Outstanding
        ("Management Oversight", "management_oversight_grade", "Requires Improvement"),
        ("Child Protection", "cp_independent_reviewing_grade", "Inadequate"),
    ):
        section(page, title)
        answer(page, item_id, level, f"{title}: as the case summary shows.")
    section(page, "Child’s Safety")
    answer(page, "child_safe", "Yes", "No missing episodes since September.")
    section(page, "Overall Grade")
    answer(page, "overall_grade", "Requires Improvement", "Permanence has drifted.")
    section(page, "Areas for Development")
    write(page.get_by_label("Action (row 1)", exact=True), "Book the matching panel")
    write(page.get_by_label("Who is responsible? (row 1)", exact=True), "TM-05")
    page.get_by_label("Date To be completed by (row 1)", exact=True).fill("2026-04-30")

    page.get_by_role("button", name="Submit").click()
    page.get_by_role("button", name="Yes, submit").click()
    reveal = page.locator(".ab-reveal-box")
    expect(reveal).to_be_visible()
    # Seven graded criteria: five the same as the reference, all seven within one level.
    expect(reveal.get_by_role("status")).to_contain_text(
        "gave the reference grade for 5 (71%) and were within one level of it on 7 (100%)"
    )
    voice = reveal.locator("tr", has_text="Child’s Voice & Lived Experience")
    expect(voice).to_contain_text("Outstanding")
    expect(voice).to_contain_text("One level apart")
    expect(voice).to_contain_text("his request changed his contact day")
    expect(reveal).to_contain_text("Learning points")
    assert serious_violations(page) == []

    saved = json.loads((server.calibration_dir / "T-07.json").read_text(encoding="utf-8"))
    assert saved["status"] == "submitted"
    assert saved["answers"]["childs_voice_grade"]["level"] == "good"
    assert saved["answers"]["reviewer_name"] == "T-07"
    # (the audit index the landing page made there lists none)
    in_audits = [p.name for p in server.audits_dir.iterdir() if not p.name.startswith(".index.")]
    assert in_audits == [], "nothing in the real audits folder"

    page.goto(server.render_url("calibration.ipynb"))
    wait_for_widgets(page, ".ab-calibration-page")
    page.get_by_label("Exercise", exact=True).select_option(label=ex.title)
    expect(page.locator("[data-submitted]")).to_have_attribute("data-submitted", "3")
    trainees = page.locator("#ab-calibration-trainees")
    for code in ("T-01", "T-02", "T-07", "All trainees"):
        expect(trainees).to_contain_text(code)
    expect(trainees.locator("tr", has_text="T-07")).to_contain_text("71.4")
    expect(page.locator("#ab-calibration-pairs")).to_contain_text("T-07")
    expect(page.get_by_role("img", name=re.compile("^Trainees' grades against"))).to_be_visible()
    assert serious_violations(page) == []
    body = page.inner_text("body")
    assert "Traceback" not in body
