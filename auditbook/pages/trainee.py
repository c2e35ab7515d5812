"""The trainee's side of a calibration exercise: the normal audit form on the exercise's
rubric with the case above it, answers kept in the exercise's calibration folder under the
trainee's code, and the reference grades with their rationale shown once the trainee submits.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

import ipywidgets as w

from ..audits.store import AuditStoreError
from ..forms.form import AuditForm
from ..forms.questions import shared, style_for
from ..rubrics.exercise import Exercise
from ..rubrics.library import Library
from ..rubrics.model import Rubric
from ..training.calibration import calibration_store, check_code, trainee_result, vignette_html
from ..web.parts import table_html
from ..web.style import CSS

MATCH_WORDS = {
    "same": "Same",
    "one level apart": "One level apart",
    "further apart": "Further apart",
    "different": "Different",
    "not given": "Not given",
}


def _label(rubric: Rubric, item_id: str, key) -> str:
    if key is None or key != key:  # missing (None or NaN)
        return "—"
    level = rubric.scale(rubric.item(item_id).scale).level(key)
    return level.label if level else str(key)


def reveal_html(exercise: Exercise, rubric: Rubric, record: dict) -> str:
    """After submitting: the trainee's answer, the reference and its rationale for every
    criterion, how often they matched, and the exercise's learning points (all escaped)."""
    result = trainee_result(exercise, rubric, record)
    graded = result[result["kind"] == "grade"]
    others = result[result["kind"] != "grade"]
    same = int((graded["match"] == "same").sum())
    near = same + int((graded["match"] == "one level apart").sum())
    n = len(graded)
    pct = (lambda k: f"{round(100 * k / n)}%") if n else (lambda k: "—")
    said = (
        f"On the {n} graded criteria you gave the reference grade for {same} ({pct(same)}) "
        f"and were within one level of it on {near} ({pct(near)})."
    )
    if len(others):
        agreed = int((others["match"] == "same").sum())
        some = f"{len(others)} yes/no questions" if len(others) > 1 else "yes/no question"
        said += f" On the {some} your answer matched {agreed}."
    ids = result["item_id"].tolist()
    table = result.assign(
        criterion=[
            c if s == c else f"{s} — {c}"
            for s, c in zip(result["section"], result["criterion"], strict=True)
        ],
        yours=[_label(rubric, i, g) for i, g in zip(ids, result["grade"], strict=True)],
        ref=[_label(rubric, i, r) for i, r in zip(ids, result["reference"], strict=True)],
        match=result["match"].map(MATCH_WORDS),
    )[["criterion", "yours", "ref", "match", "rationale"]]
    table.columns = ["Criterion", "Your answer", "Reference", "Match", "Why (reference rationale)"]
    points = "".join(f"<li>{escape(p)}</li>" for p in exercise.learning_points)
    return (
        '<div class="ab-reveal-box" role="region" aria-label="The reference grades">'
        "<h3>The reference grades</h3>"
        f'<p class="ab-reveal-summary" role="status" data-exact="{same}" data-near="{near}" '
        f'data-graded="{n}">{escape(said)}</p>'
        + table_html(table, "Your answers beside the reference", table_id="ab-reveal-table")
        + (f"<h4>Learning points</h4><ul>{points}</ul>" if points else "")
        + "</div>"
    )


class CalibrationForm(AuditForm):
    """AuditForm on an exercise: the case above the form, the facts filled in, the sections
    that do not apply marked not applicable, saved under the trainee's code, and the
    reference revealed after submitting. `widget` is the whole page; `form_widget` the form.
    """

    def __init__(
        self,
        exercise: Exercise,
        rubric: Rubric,
        store,
        trainee: str,
        autosave_delay: float | None = 3.0,
    ):
        self.exercise, self.trainee = exercise, check_code(trainee)
        new = not store.path(self.trainee).exists()
        super().__init__(
            rubric, store, self.trainee, user=self.trainee, autosave_delay=autosave_delay
        )
        if new:
            self._prefill()
        self.form_widget = self.widget
        self.reveal = w.HTML()
        self.reveal.add_class("ab-reveal")
        head = (
            f'<div class="ab-calibration-head"><h2>Calibration exercise: '
            f"{escape(exercise.title)}</h2>"
            f'<p class="ab-notes">Trainee {escape(self.trainee)}. This is practice on an '
            "invented case: your answers are kept apart from real audits, and nobody is told "
            "if the form says to escalate. After you submit, the reference grade and its "
            "rationale are shown for each criterion, below the case.</p></div>"
        )
        case = (
            '<details open class="ab-case"><summary>The case</summary>'
            f'<div class="ab-vignette" tabindex="0" role="region" aria-label="The case">'
            f"{vignette_html(exercise.vignette)}</div></details>"
        )
        self.widget = w.VBox(
            [w.HTML(CSS + head + case), self.reveal, self.form_widget],
            layout=shared("full"),
        )
        self.widget.add_class("ab-calibration")
        if self.status != "draft":
            self.show_reference()

    def _prefill(self) -> None:
        facts = dict(self.exercise.facts)
        auditor = self.rubric.rules.fields.auditor
        if auditor and auditor not in facts:
            facts[auditor] = self.trainee
        self.data = facts
        for section_id in self.exercise.not_applicable(self.rubric):
            self.set_not_applicable(section_id)
        self.save(event="calibration started")

    def submit(self) -> bool:
        """Submit as AuditForm does; once submitted, show the reference."""
        done = super().submit()
        if done:
            self.show_reference()
        return done

    def may(self, action: str) -> str | None:
        """As AuditForm's, and never reopened: once submitted, the reference is shown, so the
        answers stay as they were submitted (the Reopen button is not offered either)."""
        if action == "reopen" and not self._new and self.status != "draft":
            return (
                "A calibration answer stays as it was submitted, because the reference has "
                "been shown. Start again with a new trainee code to have another go."
            )
        return super().may(action)

    def show_reference(self) -> None:
        self.reveal.value = reveal_html(self.exercise, self.rubric, self.record)


class CalibrationLauncher:
    """The landing app's "Calibration exercise" row: pick an exercise, type a trainee code,
    start (or carry on with) the exercise. `open_form` shows the form in the app."""

    def __init__(
        self,
        library: Library,
        open_form: Callable[[AuditForm], object],
        audits: str | Path | None = None,
        root: str | Path | None = None,
        autosave_delay: float | None = 3.0,
    ):
        """audits: the real audits folder, which calibration answers must never enter;
        root: the calibration folder (default $AUDITBOOK_CALIBRATION or exports/calibration)."""
        self.library, self.open_form = library, open_form
        self.audits, self.root, self.autosave_delay = audits, root, autosave_delay
        self.exercise_picker = w.Dropdown(
            description="Exercise",
            options=[(ex.title, ex.id) for ex in library.exercises.values()],
            style=style_for(w.Dropdown),
            layout=w.Layout(width="min(100%, 40em)"),
        )
        self.code = w.Text(
            description="Trainee code",
            placeholder="T-01",
            style=style_for(w.Text),
            layout=w.Layout(width="16em"),
        )
        self.start_btn = w.Button(
            description="Start exercise",
            icon="graduation-cap",
            tooltip="Open the exercise (or carry on with it) under this trainee code",
        )
        self.start_btn.on_click(lambda _: self.start(self.exercise_picker.value, self.code.value))
        self.message = w.HTML()
        self.widget = w.VBox(
            [
                w.HTML(
                    "<h3>Calibration exercise</h3><p class='ab-muted'>For training: grade an "
                    "invented case and compare your grades with the reference. Use the code "
                    "your trainer gave you, not your name. Answers are kept apart from real "
                    "audits.</p>"
                ),
                w.HBox([self.exercise_picker, self.code, self.start_btn], layout=shared("row")),
                self.message,
            ]
        )
        self.widget.layout.display = "" if library.exercises else "none"

    def start(self, exercise_id: str, code: str) -> CalibrationForm | None:
        """Open the exercise for this trainee code: a new answer, their draft, or their
        submitted answer with the reference."""
        self.message.value = ""
        exercise = self.library.exercises.get(exercise_id or "")
        try:
            if exercise is None:
                raise ValueError("Choose an exercise.")
            trainee = check_code(code)
            store = calibration_store(exercise.id, self.root, self.audits)
            form = CalibrationForm(
                exercise,
                self.library.rubrics[exercise.rubric],
                store,
                trainee,
                autosave_delay=self.autosave_delay,
            )
        except (ValueError, AuditStoreError, OSError) as exc:
            self.message.value = f'<div class="ab-error" role="alert">{escape(str(exc))}</div>'
            return None
        self.code.value = trainee
        self.open_form(form)
        return form
