"""The trainer's view of a calibration exercise: who has submitted, how far each trainee and
each criterion agree with the reference and trainees with each other, a chart of the spread
of grades, and the reference rationale. The figures come from auditbook.training.calibration; this
module only arranges them on a page (all text escaped)."""

from __future__ import annotations

from html import escape
from pathlib import Path

import ipywidgets as w
import pandas as pd
from IPython.display import display

from ..analytics import charts
from ..audits.store import AuditStoreError
from ..forms.questions import style_for
from ..rubrics.library import Library, load_library
from ..rubrics.model import Grade
from ..training import calibration as C
from ..web.dates import when
from ..web.parts import figure_card, number_text, table_html
from ..web.style import CSS
from .common import page_header, wait_for_visitor

STATUS_TEXT = {"draft": "Still working", "submitted": "Submitted", "moderated": "Submitted"}
PCT = {"Exact %": number_text, "Within one %": number_text}
DISCUSS = 6  # criteria listed under "Discuss first": those with least agreement


class TrainerPage:
    """An exercise picker and everything about the chosen exercise's round of trainees."""

    def __init__(
        self,
        library: Library,
        exercise: str | None = None,
        root: str | Path | None = None,
        audits: str | Path | None = None,
    ):
        self.library, self.root, self.audits = library, root, audits
        options = [(ex.title, ex.id) for ex in library.exercises.values()]
        first = exercise if exercise in library.exercises else next(iter(library.exercises), None)
        self.picker = w.Dropdown(
            description="Exercise",
            options=options,
            value=first,
            style=style_for(w.Dropdown),
            layout=w.Layout(width="min(100%, 44em)"),
        )
        self.refresh_btn = w.Button(
            description="Refresh", icon="refresh", tooltip="Read the trainees' answers again"
        )
        self.refresh_btn.on_click(lambda _: self.refresh())
        self.picker.observe(lambda _: self.refresh(), names="value")
        self.status = w.HTML()
        self.body = w.HTML()
        self.frame = pd.DataFrame(columns=C.FRAME_COLUMNS)
        self.widget = w.VBox(
            [
                w.HTML(CSS),
                w.HBox([self.picker, self.refresh_btn], layout=w.Layout(flex_flow="row wrap")),
                self.status,
                self.body,
            ]
        )
        self.widget.add_class("ab-dashboard")
        self.widget.add_class("ab-calibration-page")
        self.refresh()

    def refresh(self) -> None:
        """Read the chosen exercise's answers and redraw every table and chart."""
        exercise = self.library.exercises.get(self.picker.value or "")
        if exercise is None:
            self.status.value = (
                '<p class="ab-muted" role="status" data-state="no-exercises">There are no '
                "calibration exercises in the rubric folder (rubrics/exercises/).</p>"
            )
            self.body.value = ""
            return
        rubric = self.library.rubrics[exercise.rubric]
        try:
            store = C.calibration_store(exercise.id, self.root, self.audits)
            records = C.load_submissions(store)
        except (ValueError, AuditStoreError, OSError) as exc:
            self.status.value = f'<p class="ab-error" role="alert">{escape(str(exc))}</p>'
            self.body.value = ""
            return
        self.frame = C.submissions_frame(exercise, rubric, records)
        done = [r["id"] for r in records if r["status"] != "draft"]
        working = [r["id"] for r in records if r["status"] == "draft"]
        said = f"{len(done)} trainee{'s' if len(done) != 1 else ''} submitted"
        if working:
            said += f"; still working: {', '.join(working)}"
        self.status.value = (
            f'<p role="status" data-state="shown" data-submitted="{len(done)}">{escape(said)}.</p>'
        )
        parts = [self._trainees_html(records)]
        if done:
            parts += self._agreement_html(exercise, rubric)
        else:
            parts.append(
                '<p class="ab-muted" data-state="none-submitted">No trainee has submitted yet. '
                "Trainees open the auditor app, choose this exercise under “Calibration "
                "exercise”, type their code and press Start exercise.</p>"
            )
        parts.append(self._reference_html(exercise, rubric))
        self.body.value = "".join(parts)

    # ------------------------------------------------------------------------ sections

    def _trainees_html(self, records: list[dict]) -> str:
        table = pd.DataFrame(
            {
                "Trainee": [r["id"] for r in records],
                "Status": [STATUS_TEXT.get(r["status"], r["status"]) for r in records],
                "Last saved": [when(r["saved"]["at"]) for r in records],
            }
        )
        return "<h2>Trainees</h2>" + table_html(
            table, "Trainees on this exercise", empty="Nobody has started yet.",
            table_id="ab-trainees",
        )  # fmt: skip

    def _agreement_html(self, exercise, rubric) -> list[str]:
        frame = self.frame
        criteria = C.calibration_table(exercise, rubric, frame)
        trainees = C.trainee_table(exercise, rubric, frame)
        pairs = C.pairwise_table(exercise, rubric, frame)
        labels = _labels(rubric)
        both = trainees[trainees["trainee"] == C.ALL_TRAINEES].iloc[0]
        cards = [
            figure_card("submitted", str(len(trainees) - 1), "trainees submitted", "",
                        len(trainees) - 1),
            figure_card("exact_pct", number_text(both["exact_pct"], suffix="%"),
                        "gave the reference grade", f"of {both['n']} grades",
                        both["exact_pct"]),
            figure_card("within_one_pct", number_text(both["within_one_pct"], suffix="%"),
                        "within one level", f"of {both['n']} grades", both["within_one_pct"]),
            figure_card("kappa", number_text(both["kappa"], 2), "weighted kappa",
                        f"AC1 {number_text(both['ac1'], 2)}", both["kappa"],
                        ac1=number_text(both["ac1"], 3)),
        ]  # fmt: skip
        parts = [
            "<h2>Agreement with the reference</h2>",
            '<div class="ab-figures" role="group" aria-label="Agreement figures">'
            + "".join(cards)
            + "</div>",
        ]
        names = {it.id: _named(s, it) for s, it in exercise.criteria(rubric)}
        graded = criteria[[isinstance(rubric.item(i), Grade) for i in criteria["item_id"]]]
        levels = C.scale_keys(exercise, rubric, grades_only=True)
        if len(graded):
            rows = [names[i] for i in graded["item_id"]]
            counts = graded[levels].set_axis(rows)
            fig = charts.spread_grid(
                counts, graded["reference"].tolist(), colours=_colours(rubric), labels=labels
            )
            parts.append(f'<div class="ab-chart">{charts.figure_svg(fig)}</div>')
        low = criteria[criteria["exact_pct"] < 50].sort_values("exact_pct", kind="stable")
        low = low.head(DISCUSS)
        if len(low):
            items = "".join(
                f"<li>{escape(names[r.item_id])}: reference "
                f"{escape(labels.get(r.reference, r.reference))}, given by "
                f"{number_text(r.exact_pct)}% of trainees</li>"
                for r in low.itertuples()
            )
            parts.append(
                "<h3>Discuss first</h3><p class='ab-muted'>The criteria on which fewest "
                f'trainees gave the reference grade.</p><ul class="ab-discuss">{items}</ul>'
            )
        parts.append(self._criteria_table(criteria, labels))
        parts.append("<h2>Each trainee against the reference</h2>")
        shown = trainees.rename(
            columns={"trainee": "Trainee", "n": "Grades", "exact_pct": "Exact %",
                     "within_one_pct": "Within one %", "higher": "Higher than reference",
                     "lower": "Lower than reference", "kappa": "Kappa", "ac1": "AC1"}
        )  # fmt: skip
        three = {"Kappa": lambda v: number_text(v, 3), "AC1": lambda v: number_text(v, 3)}
        parts.append(
            table_html(
                shown,
                "Grades of the graded criteria against the reference (higher: a better grade "
                "than the reference gives)",
                formats={**PCT, **three},
                table_id="ab-calibration-trainees",
            )
        )
        parts.append("<h2>Trainees against each other</h2>")
        matrix = pairs.reset_index().rename(columns={"trainee": "Trainee"})
        parts.append(
            table_html(
                matrix,
                "% of graded criteria on which two trainees gave the same grade",
                formats={c: number_text for c in pairs.columns},
                table_id="ab-calibration-pairs",
            )
        )
        return parts

    def _criteria_table(self, criteria: pd.DataFrame, labels: dict) -> str:
        levels = [c for c in criteria.columns if c in labels]

        def spread(row) -> str:
            return " · ".join(f"{labels[k]} {row[k]}" for k in levels if row[k]) or "—"

        table = pd.DataFrame(
            {
                "Section": criteria["section"],
                "Criterion": criteria["criterion"],
                "Reference": [labels.get(k, k) for k in criteria["reference"]],
                "Graded": criteria["n"],
                "Spread of grades": criteria.apply(spread, axis=1),
                "Exact %": criteria["exact_pct"],
                "Within one %": criteria["within_one_pct"],
            }
        )
        return table_html(
            table,
            "Criterion by criterion: how many chose each level, and agreement with the reference",
            formats=PCT,
            table_id="ab-calibration-criteria",
        )

    def _reference_html(self, exercise, rubric) -> str:
        labels = _labels(rubric)
        rows = [
            (section.title, item.label, labels.get(ref.level, ref.level), ref.rationale)
            for section, item in exercise.criteria(rubric)
            for ref in [exercise.reference[item.id]]
        ]
        table = pd.DataFrame(rows, columns=["Section", "Criterion", "Reference", "Rationale"])
        points = "".join(f"<li>{escape(p)}</li>" for p in exercise.learning_points)
        return (
            "<details><summary>The reference grades, their rationale and the learning "
            "points</summary>"
            + table_html(table, f"Reference for {exercise.title}", table_id="ab-reference")
            + (f"<ul>{points}</ul>" if points else "")
            + "</details>"
        )


def _named(section, item) -> str:
    """A criterion's name on its own: the template's section number tells apart terse labels
    ("3. Frequency"); else the section's title, unless the label repeats it."""
    if section.number:
        return f"{section.number}. {item.label}"
    return item.label if item.label == section.title else f"{section.title} — {item.label}"


def _labels(rubric) -> dict[str, str]:
    return {lv.key: lv.label for s in rubric.scales for lv in s.levels}


def _colours(rubric) -> dict[str, str]:
    return {lv.key: lv.colour for s in rubric.scales for lv in s.levels if lv.colour}


# ---------------------------------------------------------------------------- the page


def trainer_page(exercise: str | None = None, folder=None, calibration=None):
    """The page the calibration notebook displays: pick an exercise and see its trainees
    against the reference and each other. `exercise`: the id shown first; `folder`: the
    rubric folder; `calibration`: the calibration folder (default $AUDITBOOK_CALIBRATION or
    exports/calibration)."""
    library = load_library(folder)  # the slow part runs before anyone visits
    wait_for_visitor()
    page = TrainerPage(library, exercise, calibration)
    display(page_header("calibration.ipynb"))
    return page.widget
