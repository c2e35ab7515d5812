"""Calibration exercises: they load and hold together, a round of trainees gives the expected
agreement tables, answers stay out of the audits folder, and the reference is shown only
after the trainee submits."""

from __future__ import annotations

import json
from html import escape, unescape

import ipywidgets as w
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from auditbook import load_rubric
from auditbook.analytics import agreement as K
from auditbook.analytics import charts, load_audits
from auditbook.audits.store import AuditStore
from auditbook.pages.auditor import AuditApp
from auditbook.pages.calibration import TrainerPage, trainer_page
from auditbook.pages.trainee import CalibrationForm, reveal_html
from auditbook.rubrics.exercise import Exercise, Reference
from auditbook.rubrics.library import load_library
from auditbook.rubrics.model import Grade
from auditbook.training.calibration import (
    ALL_TRAINEES,
    calibration_store,
    calibration_table,
    check_code,
    pairwise_table,
    submissions_frame,
    trainee_table,
)

from .conftest import RUBRICS

EXERCISES = sorted((RUBRICS / "exercises").glob("*.y*ml"))
LIBRARY = load_library()


# ------------------------------------------------------------------- exercises as data


@pytest.mark.parametrize("path", EXERCISES, ids=[p.stem for p in EXERCISES])
def test_exercise_loads_and_fits_its_rubric(path):
    ex = load_rubric(path.relative_to(RUBRICS.parent))
    assert isinstance(ex, Exercise)
    assert LIBRARY.exercises[ex.id] == ex
    rubric = LIBRARY.rubrics[ex.rubric]
    na = set(ex.not_applicable(rubric))
    # Every required criterion the trainee grades has a reference grade and a rationale.
    for section, item in rubric.items():
        if section.id in ex.sections and isinstance(item, Grade) and item.required:
            if item.role == "auditor":
                assert item.id in ex.reference, item.id
    for key in [rubric.rules.overall_grade, *rubric.rules.safety]:
        assert key in ex.reference, key
    for key, ref in ex.reference.items():
        assert ref.level in rubric.scale(rubric.item(key).scale).keys
        assert len(ref.rationale.split()) >= 12, f"{key}: say why, citing the case"
    assert not na & set(ex.sections)
    # Synthetic: no real names, people are roles and codes.
    assert "Child " in ex.vignette


def test_the_two_shipped_exercises():
    cp = LIBRARY.exercises["child-protection-a-and-b"]
    lac = LIBRARY.exercises["looked-after-child-c"]
    assert cp.rubric == "descriptor-matrix" and lac.rubric == "practice-learning-review"
    dm = LIBRARY.rubrics["descriptor-matrix"]
    assert set(cp.not_applicable(dm)) == {"cin_planning", "lac_care_planning"}
    assert {"s47_investigation", "cp_planning", "review"} <= set(cp.sections)
    # The references use the scale's range, not one level everywhere.
    assert {r.level for r in cp.reference.values()} >= {
        "outstanding", "good", "requires_improvement", "inadequate", "yes",
    }  # fmt: skip
    assert {r.level for r in lac.reference.values()} >= {"outstanding", "good", "not_applicable"}


def test_exercises_do_not_disturb_rubric_lists():
    # Exercises are their own kind: never offered as templates or counted as rubrics.
    assert set(LIBRARY.rubrics).isdisjoint(LIBRARY.exercises)
    assert all(ex.kind == "exercise" for ex in LIBRARY.exercises.values())


@pytest.mark.parametrize("code", ["T-01", "t-7", " AB-123 "])
def test_trainee_codes(code):
    assert check_code(code) == code.strip().upper()


@pytest.mark.parametrize("code", ["", "Jane Smith", "T01", "TRAIN-01", "T-1234", "T-01; rm"])
def test_names_are_not_trainee_codes(code):
    with pytest.raises(ValueError, match="trainee code"):
        check_code(code)


# ------------------------------------------------------------ a round of three trainees

LAC = "looked-after-child-c"
OS, G, RI, IN = "outstanding", "good", "requires_improvement", "inadequate"
GRADES = [
    "assessment_grade", "planning_grade", "intervention_grade", "childs_voice_grade",
    "management_oversight_grade", "cp_independent_reviewing_grade", "overall_grade",
]  # fmt: skip
CHECKS = ["manager_quality_assured_assessment", "mash_threshold_agreed",
          "case_summary_up_to_date", "chronology_up_to_date", "child_safe"]  # fmt: skip
# The reference:   yes, not_applicable, no, yes, yes  |  G, RI, G, OS, RI, RI, RI
ROUND = {
    "T-01": (["yes", "not_applicable", "no", "yes", "yes"], [G, RI, G, G, RI, RI, G]),
    "T-02": (["yes", "not_applicable", "no", "yes", "yes"], [G, IN, RI, OS, RI, RI, RI]),
    "T-03": (["yes", "yes", "yes", "yes", "yes"], [OS, G, G, G, G, OS, G]),
}


def record(code, checks, grades, status="submitted"):
    answers = {
        k: {"level": v, "explanation": "On file."} for k, v in zip(CHECKS, checks, strict=True)
    }
    answers |= {k: {"level": v, "evidence": {"findings": "On file."}}
                for k, v in zip(GRADES, grades, strict=True)}  # fmt: skip
    return {"id": code, "status": status, "answers": answers, "not_applicable": []}


@pytest.fixture
def round_frame():
    ex, rubric = LIBRARY.exercises[LAC], LIBRARY.rubrics["practice-learning-review"]
    records = [record(code, *answers) for code, answers in ROUND.items()]
    # A trainee still working is listed but counted nowhere.
    records.append(record("T-04", ["no"] * 5, [IN] * 7, status="draft"))
    return ex, rubric, submissions_frame(ex, rubric, records)


def test_round_agreement_by_criterion(round_frame):
    ex, rubric, frame = round_frame
    nan = float("nan")
    # criterion: reference, graded, OS G RI IN yes no partially n/a, exact %, within one %
    rows = [
        ("manager_quality_assured_assessment", "yes", 3, 0, 0, 0, 0, 3, 0, 0, 0, 100.0, nan),
        ("mash_threshold_agreed", "not_applicable", 3, 0, 0, 0, 0, 1, 0, 0, 2, 66.7, nan),
        ("case_summary_up_to_date", "no", 3, 0, 0, 0, 0, 1, 2, 0, 0, 66.7, nan),
        ("chronology_up_to_date", "yes", 3, 0, 0, 0, 0, 3, 0, 0, 0, 100.0, nan),
        ("assessment_grade", G, 3, 1, 2, 0, 0, 0, 0, 0, 0, 66.7, 100.0),
        ("planning_grade", RI, 3, 0, 1, 1, 1, 0, 0, 0, 0, 33.3, 100.0),
        ("intervention_grade", G, 3, 0, 2, 1, 0, 0, 0, 0, 0, 66.7, 100.0),
        ("childs_voice_grade", OS, 3, 1, 2, 0, 0, 0, 0, 0, 0, 33.3, 100.0),
        ("management_oversight_grade", RI, 3, 0, 1, 2, 0, 0, 0, 0, 0, 66.7, 100.0),
        ("cp_independent_reviewing_grade", RI, 3, 1, 0, 2, 0, 0, 0, 0, 0, 66.7, 66.7),
        ("child_safe", "yes", 3, 0, 0, 0, 0, 3, 0, 0, 0, 100.0, nan),
        ("overall_grade", RI, 3, 0, 2, 1, 0, 0, 0, 0, 0, 33.3, 100.0),
    ]
    levels = [OS, G, RI, IN, "yes", "no", "partially", "not_applicable"]
    expected = pd.DataFrame(
        rows, columns=["item_id", "reference", "n", *levels, "exact_pct", "within_one_pct"]
    )
    got = calibration_table(ex, rubric, frame)
    pd.testing.assert_frame_equal(got.drop(columns=["section", "criterion"]), expected)
    assert got["criterion"].iloc[4] == "Assessment"
    assert got["section"].iloc[0] == "Criteria being assessed"


def test_round_agreement_by_trainee(round_frame):
    ex, rubric, frame = round_frame
    expected = pd.DataFrame(
        [
            # trainee, grades, exact %, within one %, higher, lower
            ("T-01", 7, 71.4, 100.0, 1, 1),
            ("T-02", 7, 71.4, 100.0, 0, 2),
            ("T-03", 7, 14.3, 85.7, 5, 1),
            (ALL_TRAINEES, 21, 52.4, 95.2, 6, 4),
        ],
        columns=["trainee", "n", "exact_pct", "within_one_pct", "higher", "lower"],
    )
    # Kappa and AC1 from the agreement module over the same pairs (it has its own tests).
    reference = [G, RI, G, OS, RI, RI, RI]
    scale = [OS, G, RI, IN]
    pairs = {code: grades for code, (_, grades) in ROUND.items()}
    pairs[ALL_TRAINEES] = [g for grades in ROUND.values() for g in grades[1]]
    for code, grades in pairs.items():
        ref = reference * (len(grades) // len(reference))
        row = expected["trainee"] == code
        expected.loc[row, "kappa"] = round(K.weighted_kappa(ref, grades, scale), 3)
        expected.loc[row, "ac1"] = round(K.gwet_ac1(ref, grades, scale), 3)
    got = trainee_table(ex, rubric, frame)
    pd.testing.assert_frame_equal(got, expected)
    assert got["kappa"].notna().all()


def test_round_trainees_against_each_other(round_frame):
    ex, rubric, frame = round_frame
    names = ["T-01", "T-02", "T-03"]
    nan = float("nan")
    expected = pd.DataFrame(
        [[nan, 42.9, 42.9], [42.9, nan, 0.0], [42.9, 0.0, nan]], index=names, columns=names
    )
    expected.index.name = expected.columns.name = "trainee"
    pd.testing.assert_frame_equal(pairwise_table(ex, rubric, frame), expected)


def test_a_section_marked_not_applicable_is_not_graded(round_frame):
    ex, rubric, _ = round_frame
    rec = record("T-05", ["yes"] * 5, [G] * 7)
    rec["not_applicable"] = ["cp_independent_reviewing"]
    frame = submissions_frame(ex, rubric, [rec])
    row = frame[frame["item_id"] == "cp_independent_reviewing_grade"].iloc[0]
    assert pd.isna(row["grade"]) and pd.isna(row["distance"])
    assert trainee_table(ex, rubric, frame)["n"].tolist() == [6, 6]


def test_nobody_submitted_gives_empty_tables(round_frame):
    ex, rubric, _ = round_frame
    frame = submissions_frame(ex, rubric, [record("T-09", ["yes"] * 5, [G] * 7, "draft")])
    assert calibration_table(ex, rubric, frame)["n"].eq(0).all()
    assert trainee_table(ex, rubric, frame).empty
    assert pairwise_table(ex, rubric, frame).empty


# ------------------------------------------------------- the trainee in the auditor app


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITBOOK_CALIBRATION", str(tmp_path / "calibration"))
    return AuditApp(store=AuditStore(tmp_path / "audits"))


def start(app, exercise_id, code):
    """Pick the exercise, type the code and press Start, as the page does."""
    app.calibration.exercise_picker.value = exercise_id
    app.calibration.code.value = code
    app.calibration.start_btn.click()
    return app.form


def answer_everything(form, changes=None):
    """Through the question widgets: the reference level for every criterion (or the one in
    `changes`), a line of evidence each, and one action."""
    levels = {k: ref.level for k, ref in form.exercise.reference.items()} | (changes or {})
    for item_id, level in levels.items():
        item = form.rubric.item(item_id)
        if isinstance(item, Grade):
            value = {"level": level, "evidence": {e.id: "Seen on file." for e in item.evidence}}
        else:
            value = {"level": level, "explanation": "Seen on file."}
        form.question(item_id).value = value
    for gap in form.missing():  # what is left: the actions table
        item = form.rubric.item(gap.item_id)
        assert item.type == "actions", gap
        form.question(item.id).value = [
            {"action": "Book the matching panel", "owner": "TM", "due": "2026-04-30"}
        ]


def test_answers_go_to_the_calibration_folder_never_to_audits(app, tmp_path):
    form = start(app, LAC, "t-01")
    assert isinstance(form, CalibrationForm) and form.audit_id == "T-01"
    where = tmp_path / "calibration" / LAC
    assert form.store.root == where and (where / "T-01.json").exists()
    saved = json.loads((where / "T-01.json").read_text(encoding="utf-8"))
    # The case's facts are filled in, the trainee's code stands for the reviewer, and only
    # the trainee's code (never a login name) is in the history.
    assert saved["answers"]["id_number"] == "CAL-LAC-01"
    assert saved["answers"]["reviewer_name"] == "T-01"
    assert {h["by"] for h in saved["history"]} == {"T-01"}
    answer_everything(form)
    assert form.submit(), form._message.value
    assert json.loads((where / "T-01.json").read_text(encoding="utf-8"))["status"] == "submitted"
    # Nothing in the audits folder, the app's list of audits, or the dashboard's data.
    audits = tmp_path / "audits"
    assert not audits.exists() or not any(audits.iterdir())
    app.show_landing()
    assert app.list.visible() == [] and app.list.everything == 0
    assert load_audits(AuditStore(audits), LIBRARY, progress=False).audits.empty


def test_sections_that_do_not_apply_are_marked_not_applicable(app):
    form = start(app, "child-protection-a-and-b", "T-02")
    assert form.not_applicable == {"cin_planning", "lac_care_planning"}
    assert "CAL-CP-01" in json.dumps(form.data)
    # 44 reference criteria, each with its evidence box, is what the trainee has to give.
    assert {m.item_id for m in form.missing()} == set(form.exercise.reference)


def test_the_reference_is_shown_only_after_submitting(app):
    form = start(app, LAC, "T-03")
    ex = form.exercise
    rationale = ex.reference["childs_voice_grade"].rationale

    def page_text() -> str:
        return " ".join(
            getattr(x, "value", "") for x in _walk(form.widget) if isinstance(x, w.HTML)
        )

    assert form.reveal.value == "" and "reference rationale" not in page_text()
    assert "Child C is 13" in page_text()  # the case is above the form
    answer_everything(form, {"childs_voice_grade": "good", "planning_grade": "outstanding"})
    form.question("overall_grade").value = None  # one answer missing: not submitted
    assert not form.submit()
    assert form.reveal.value == ""
    form.question("overall_grade").value = {
        "level": "requires_improvement",
        "evidence": {"rationale": "Drift in permanence."},
    }
    form._submit_btn.click()  # the Submit button a person presses
    form._confirm_yes.click()  # and "Yes, submit"
    assert form.status == "submitted"
    shown = form.reveal.value
    assert escape(rationale) in shown
    # 7 graded criteria: 5 the same as the reference, 6 within one level; 5 yes/no matched.
    assert 'data-exact="5" data-near="6" data-graded="7"' in shown
    assert "On the 5 yes/no questions your answer matched 5." in shown
    assert ex.learning_points[0][:40] in unescape(shown)
    # Once the reference is shown the answer cannot be reopened and changed.
    assert not form.reopen() and form.status == "submitted"
    # Coming back with the same code shows the submitted answer and its reference again.
    app.show_landing()
    again = start(app, LAC, "T-03")
    assert again.status == "submitted" and escape(rationale) in again.reveal.value


def test_a_draft_is_resumed_by_code(app):
    form = start(app, LAC, "T-04")
    form.question("assessment_grade").value = {"level": "good"}
    assert form.save()
    app.show_landing()
    again = start(app, LAC, "T-04")
    assert again.data["assessment_grade"] == {"level": "good"}
    assert again.reveal.value == ""


def test_names_and_the_audits_folder_are_refused(app, tmp_path, monkeypatch):
    assert start(app, LAC, "Jane Smith") is None
    assert "trainee code" in app.calibration.message.value
    monkeypatch.setenv("AUDITBOOK_CALIBRATION", str(tmp_path / "audits"))
    assert start(app, LAC, "T-05") is None
    assert "audits folder" in app.calibration.message.value
    assert not (tmp_path / "audits").exists()


def test_reveal_escapes_the_exercise_text():
    ex = LIBRARY.exercises[LAC]
    rubric = LIBRARY.rubrics[ex.rubric]
    reference = dict(ex.reference)
    reference["assessment_grade"] = Reference(level="good", rationale="<script>x()</script>")
    bad = ex.model_copy(update={"reference": reference, "learning_points": ["<b>bold</b>"]})
    html = reveal_html(bad, rubric, record("T-01", ["yes"] * 5, [G] * 7))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


# ------------------------------------------------------------------ the trainer's view


def test_trainer_page_shows_the_round(tmp_path):
    ex, rubric = LIBRARY.exercises[LAC], LIBRARY.rubrics["practice-learning-review"]
    store = calibration_store(LAC, tmp_path / "calibration", audits=tmp_path / "audits")
    for code, answers in {**ROUND, "T-04": (["no"] * 5, [IN] * 7)}.items():
        made = store.create(rubric, code, code)
        rec = record(code, *answers, status="draft" if code == "T-04" else "submitted")
        store.save({**made, **{k: rec[k] for k in ("answers", "status")}}, code)
    page = TrainerPage(LIBRARY, LAC, tmp_path / "calibration", tmp_path / "audits")
    assert page.picker.value == LAC
    assert 'data-submitted="3"' in page.status.value
    assert "still working: T-04" in page.status.value
    body = page.body.value
    for part in ("ab-trainees", "ab-calibration-criteria", "ab-calibration-trainees",
                 "ab-calibration-pairs", "ab-reference", "<svg"):  # fmt: skip
        assert part in body, part
    assert 'data-figure="exact_pct" data-value="52.4"' in body
    assert "<title>Trainees' grades against the reference" in body  # the chart
    # Criteria with the least agreement come first in "Discuss first".
    discuss = body[body.index("Discuss first") :].split("</ul>")[0]
    assert discuss.index("Planning") < discuss.index("Overall Grade")
    assert escape(ex.reference["planning_grade"].rationale) in body
    # Another exercise with nobody yet.
    page.picker.value = "child-protection-a-and-b"
    assert 'data-submitted="0"' in page.status.value
    assert "No trainee has submitted yet" in page.body.value


def test_trainer_page_widget(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITBOOK_CALIBRATION", str(tmp_path))
    widget = trainer_page("looked-after-child-c")
    assert widget.children[1].children[0].value == "looked-after-child-c"  # the picker


def test_spread_grid_chart():
    counts = pd.DataFrame(
        {OS: [1, 0], G: [2, 1], RI: [0, 2], IN: [0, 0]}, index=["Assessment", "Planning"]
    )
    colours = {OS: "#1a9850", G: "#91cf60", RI: "#fdae61", IN: "#d73027"}
    labels = {OS: "Outstanding", G: "Good", RI: "Requires Improvement", IN: "Inadequate"}
    fig = charts.spread_grid(counts, [G, RI], colours=colours, labels=labels)
    faces = {to_hex(p.get_facecolor()) for p in fig.axes[0].patches if p.get_fill()}
    assert "#91cf60" in faces  # the most chosen cell in the level's own colour
    outlined = [p for p in fig.axes[0].patches if not p.get_fill()]
    assert [(round(p.get_x() + 0.45), round(p.get_y() + 0.45)) for p in outlined] == [
        (1, 0),
        (2, 1),
    ]
    assert "Assessment: reference Good; Outstanding 1, Good 2" in fig.get_label()
    svg = charts.figure_svg(fig)
    assert svg.startswith("<svg") and 'role="img"' in svg
