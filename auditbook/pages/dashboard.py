"""The QA dashboard: saved audits filtered by template, team, dates and status, as headline
figures, charts, tables and downloads. The figures come from auditbook.analytics.summaries;
this module only arranges them on a page and keeps them in step with the filters.

Grade figures count completed audits (submitted or moderated), as `summaries.headline` does.
When the filtered audits come from more than one template their grades are put on the shared
scale (`analytics.on_shared_scale`). Moderation agreement is always measured on each
template's own levels: folding Inadequate Critical into Inadequate would count a moderator's
change between the two as agreement.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from html import escape

import ipywidgets as w
import pandas as pd
from IPython.display import display

from ..analytics import charts as C
from ..analytics import summaries as S
from ..analytics.frames import Frames, load_audits, on_shared_scale
from ..audits.store import AuditStore
from ..documents import workbook as T
from ..forms.questions import style_for
from ..rubrics.library import load_library
from ..web.parts import SMALL, XLSX, download_link, figure_card, number_text, table_html
from ..web.style import CSS
from .common import page_header, wait_for_visitor

ALL = ""  # the "All templates" / "All teams" / "All statuses" choice
STATUS_CHOICES = {
    "All statuses": None,
    "Submitted or moderated": list(S.DONE),
    "Draft": "draft",
    "Submitted": "submitted",
    "Moderated": "moderated",
}
DEFAULT_TARGETS = {"good_or_better": 80.0, "inadequate": 5.0}  # % of completed audits


# ------------------------------------------------------------------------------ the page


class Dashboard:
    """Filters over a set of frames, and everything on the page kept in step with them."""

    def __init__(
        self,
        frames: Frames,
        titles: Mapping[str, str] | None = None,
        expected_per_month: int | Mapping[str, int] | None = None,
        targets: Mapping[str, float] | None = None,
        source: str = "",
    ):
        self.frames = frames
        self.titles = dict(titles or {})
        self.expected = expected_per_month
        self.targets = dict(DEFAULT_TARGETS if targets is None else targets)
        self.source = source
        a = frames.audits
        rubrics = sorted(set(a["rubric_id"].dropna()), key=lambda r: self.titles.get(r, r))
        teams = sorted(set(a["team"].dropna()))
        wide = w.Layout(width="auto")
        self.rubric = w.Dropdown(
            description="Template",
            options=[("All templates", ALL)] + [(self.titles.get(r, r), r) for r in rubrics],
            style=style_for(w.Dropdown),
            layout=wide,
        )
        self.team = w.Dropdown(
            description="Team",
            options=[("All teams", ALL)] + [(t, t) for t in teams],
            style=style_for(w.Dropdown),
            layout=wide,
        )
        self.start = w.DatePicker(description="From", style=style_for(w.DatePicker), layout=wide)
        self.end = w.DatePicker(description="To", style=style_for(w.DatePicker), layout=wide)
        self.status = w.Dropdown(
            description="Status",
            options=list(STATUS_CHOICES),
            style=style_for(w.Dropdown),
            layout=wide,
        )
        self.filters = w.HBox(
            [self.rubric, self.team, self.start, self.end, self.status],
            layout=w.Layout(flex_flow="row wrap", width="100%"),
        )
        self.filters.add_class("ab-filters")
        self.message = w.HTML()
        self.headline = w.HTML()
        self.downloads = w.HTML()
        self.excel_button = w.Button(
            description="Prepare Excel workbook",
            icon="file-excel-o",
            layout=w.Layout(width="auto"),
            tooltip="QA team only: a workbook of the audits shown, with names and case ids",
        )
        self.excel_button.on_click(lambda _: self.prepare_excel())
        self.excel = w.HTML()
        self.pseudo_button = w.Button(
            description="Prepare pseudonymised workbook",
            icon="user-secret",
            button_style="primary",  # the default for anything leaving the QA team
            layout=w.Layout(width="auto"),
            tooltip="For use outside the QA team: no names, free text or case ids; small "
            "counts suppressed",
        )
        self.pseudo_button.on_click(lambda _: self.prepare_pseudonymised())
        self.pseudo = w.HTML()
        self.grades = w.HTML()
        self.moderation = w.HTML()
        self.actions = w.HTML()
        self.problems = w.HTML(self._problems_html())
        self.body = w.VBox(
            [
                w.HTML("<h2>Download the audits shown</h2>"),
                self.downloads,
                w.HBox([self.pseudo_button, self.pseudo], layout=w.Layout(align_items="center")),
                w.HBox([self.excel_button, self.excel], layout=w.Layout(align_items="center")),
                self.grades,
                self.moderation,
                self.actions,
            ]
        )
        self.figures: dict = {}
        self.current: Frames = frames
        self.shown: Frames = frames
        for control in (self.rubric, self.team, self.start, self.end, self.status):
            control.observe(self.refresh, names="value")
        if a.empty:
            self.message.value = (
                '<p class="ab-muted" role="status" data-state="no-audits">No audits have been '
                f"saved yet{' in ' + escape(source) if source else ''}. When auditors save "
                "audits they will be counted here.</p>"
            )
            self.widget = w.VBox([w.HTML(CSS), self.message, self.problems])
        else:
            self.widget = w.VBox(
                [
                    w.HTML(CSS + "<h2>Choose the audits</h2>"),
                    self.filters,
                    self.message,
                    w.HTML("<h2>Headline figures</h2>"),
                    self.headline,
                    self.body,
                    self.problems,
                ]
            )
            self.refresh()
        self.widget.add_class("ab-dashboard")

    # -------------------------------------------------------------------- filtering

    def selection(self) -> dict:
        """The filters as `Frames.filter` arguments."""
        return {
            "rubric": self.rubric.value or None,
            "team": self.team.value or None,
            "start": self.start.value,
            "end": self.end.value,
            "status": STATUS_CHOICES[self.status.value],
        }

    def refresh(self, _=None) -> None:
        """Recompute everything on the page for the filters as they are now.

        The download links change first, so no link to the previous selection outlives it,
        and the status line last: when it says what is shown, everything shows it.
        """
        raw = self.frames.filter(**self.selection())
        shared = on_shared_scale(raw) if raw.audits["rubric_id"].nunique() > 1 else raw
        self.current, self.shown = raw, shared
        self.excel.value = ""
        self.pseudo.value = ""
        self.excel_button.disabled = raw.audits.empty
        self.pseudo_button.disabled = raw.audits.empty
        self.downloads.value = "" if raw.audits.empty else self._downloads_html(raw)
        self.figures = self._figures(raw, shared)
        self.headline.value = self._headline_html(self.figures)
        total, n = len(self.frames.audits), len(raw.audits)
        if raw.audits.empty:
            start, end = self.start.value, self.end.value
            why = " (the From date is after the To date)" if start and end and start > end else ""
            self.body.layout.display = "none"
            self.message.value = (
                f'<p class="ab-muted" role="status" data-state="empty">No audits match these '
                f"filters{why}. Choose another team, template, status or dates.</p>"
            )
            return
        self.grades.value = self._grades_html(shared)
        self.moderation.value = self._moderation_html(raw)
        self.actions.value = self._actions_html(raw)
        self.body.layout.display = ""
        folded = shared.scale != raw.scale
        self.message.value = (
            f'<p role="status" data-state="shown">Showing {n} of {total} audits'
            + (
                " from several templates: grades are shown on the levels their scales share "
                "(Inadequate Critical counts as Inadequate)"
                if folded
                else ""
            )
            + ".</p>"
        )

    def _figures(self, raw: Frames, shared: Frames) -> dict:
        figures = S.headline(shared)
        figures.update({k: v for k, v in S.headline(raw).items() if k.startswith("moderat")})
        agreement = S.moderation_agreement(
            raw.audits, auditor="overall_grade", moderator="moderated_overall_grade"
        )
        figures["moderation_kappa"] = float(agreement["kappa"].iloc[0])
        figures["moderation_ac1"] = float(agreement["ac1"].iloc[0])
        return figures

    # -------------------------------------------------------------------- sections

    def _headline_html(self, f: dict) -> str:
        small = f" {SMALL}" if f["small_sample"] and f["graded"] else ""
        good_t, bad_t = self.targets.get("good_or_better"), self.targets.get("inadequate")
        cards = [
            figure_card(
                "audits", str(f["audits"]), "audits", f"{f['completed']} completed", f["audits"]
            ),
            figure_card(
                "pct_good_or_better",
                number_text(f["pct_good_or_better"], suffix="%"),
                "good or better",
                f"of {f['graded']} graded{small}"
                + (f" · target {good_t:g}%" if good_t is not None else ""),
                f["pct_good_or_better"],
                n=f["graded"],
                small_sample=str(f["small_sample"]).lower(),
            ),
            figure_card(
                "pct_inadequate",
                number_text(f["pct_inadequate"], suffix="%"),
                "inadequate",
                f"of {f['graded']} graded{small}"
                + (f" · target at most {bad_t:g}%" if bad_t is not None else ""),
                f["pct_inadequate"],
                n=f["graded"],
            ),
            figure_card(
                "moderation_exact_pct",
                number_text(f["moderation_exact_pct"], suffix="%"),
                "moderator agreed (overall grade)",
                f"κ {number_text(f['moderation_kappa'], 2)}"
                f" · AC1 {number_text(f['moderation_ac1'], 2)}"
                f" · n={f['moderated']}",
                f["moderation_exact_pct"],
                n=f["moderated"],
                kappa=number_text(f["moderation_kappa"], 3),
                ac1=number_text(f["moderation_ac1"], 3),
            ),
            figure_card(
                "overdue_actions",
                str(f["overdue_actions"]),
                "overdue actions",
                f"of {f['open_actions']} open",
                f["overdue_actions"],
            ),
            figure_card(
                "escalated",
                str(f["escalated"]),
                "escalated",
                "child not safe or Inadequate",
                f["escalated"],
            ),  # fmt: skip
        ]
        group = '<div class="ab-figures" role="group" aria-label="Headline figures">'
        return f"{group}{''.join(cards)}</div>"

    def _label(self, key) -> str:
        return self.frames.labels.get(key, str(key))

    def _grades_html(self, f: Frames) -> str:
        done = f.audits[f.audits["status"].astype(object).isin(S.DONE)]
        answers = f.answers[f.answers["status"].astype(object).isin(S.DONE)]
        kw = {"colours": f.colours, "labels": f.labels, "column": "overall_grade"}
        parts = ["<h2>Overall grades</h2>"]
        if done["overall_grade"].notna().any():
            by_team = S.grade_distribution(done, by="team", column="overall_grade")
            by_month = S.grade_distribution(done, by="month", column="overall_grade")
            trend = S.monthly_trend(done, good=f.good, inadequate=f.inadequate)
            parts += [
                _chart(C.grade_bars(by_team, "team", title="Overall grades by team", **kw)),
                self._rates_table(done, f),
                _chart(
                    C.trend_line(
                        trend,
                        target_good=self.targets.get("good_or_better"),
                        target_inadequate=self.targets.get("inadequate"),
                    )
                ),
                _chart(
                    C.grade_bars(
                        by_month, "month", title="Overall grades by month", axis_label="Month", **kw
                    )
                ),
            ]
        else:
            parts.append('<p class="ab-muted">No completed audits with an overall grade.</p>')
        parts.append("<h2>Grades by section</h2>")
        parts.append(self._sections_table(answers, f))
        return "".join(parts)

    def _rates_table(self, done: pd.DataFrame, f: Frames) -> str:
        rates = S.grade_rates(
            done,
            by="team",
            good=f.good,
            inadequate=f.inadequate,
            target_good=self.targets.get("good_or_better"),
            target_inadequate=self.targets.get("inadequate"),
        )
        rates["small_sample"] = rates["small_sample"].map({True: "yes", False: ""})
        table = rates[["team", "n", "pct_good_or_better", "pct_inadequate", "small_sample"]]
        table.columns = ["Team", "Graded", "% good or better", "% inadequate", "Small sample"]
        return table_html(table, "Overall grades by team", table_id="ab-rates-by-team")

    def _keys(self, frame: pd.DataFrame) -> list[str]:
        return ["rubric_id", "section"] if frame["rubric_id"].nunique() > 1 else ["section"]

    def _sections_table(self, answers: pd.DataFrame, f: Frames) -> str:
        keys = self._keys(answers)
        dist = S.grade_distribution(answers, by=keys, column="grade")
        if dist.empty:
            return '<p class="ab-muted">No graded sections in these audits.</p>'
        table = dist.pivot_table(index=keys, columns="grade", values="n", observed=False)
        order = list(dict.fromkeys(map(tuple, answers[keys].itertuples(index=False))))
        table = table.reindex([o if len(keys) > 1 else o[0] for o in order]).dropna(how="all")
        total = table.sum(axis=1)
        pcts = table.div(total, axis=0).mul(100).round(1)
        pcts.columns = [f"% {self._label(k)}" for k in table.columns]
        out = pcts.assign(Graded=total.astype("int64")).reset_index()
        out = out[[*keys, "Graded", *pcts.columns]]
        return table_html(
            self._named(out), "Share of each grade, by section", table_id="ab-grades-by-section"
        )

    def _named(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        if "rubric_id" in frame:
            frame["rubric_id"] = frame["rubric_id"].map(lambda r: self.titles.get(r, r))
        return frame.rename(
            columns={
                "rubric_id": "Template",
                "section": "Section",
                "team": "Team",
                "owner": "Owner",
                "month": "Month",
            }  # fmt: skip
        )

    def _moderation_html(self, raw: Frames) -> str:
        answers = raw.answers
        parts = ["<h2>Moderation</h2>"]
        matrix = S.agreement_matrix(answers)
        if matrix.to_numpy().sum():
            used = [k for k in matrix.index if matrix.loc[k].sum() or matrix[k].sum()]
            parts.append(
                _chart(
                    C.agreement_heatmap(
                        matrix.loc[used, used],
                        labels=raw.labels,
                        title="Grades of areas: auditor's against moderator's",
                    )
                )
            )
        keys = self._keys(answers)
        agree = S.moderation_agreement(answers, by=keys)
        changes = S.grade_changes(answers, by=keys)
        if agree.empty:
            parts.append('<p class="ab-muted">No moderated grades in these audits.</p>')
            return "".join(parts)
        table = agree.merge(changes.drop(columns="n"), on=keys, how="left")
        table = self._named(table).rename(
            columns={
                "n": "Moderated",
                "exact_pct": "% agreed",
                "within_one_pct": "% within one",
                "kappa": "Kappa",
                "ac1": "AC1",
                "raised": "Raised",
                "same": "Same",
                "lowered": "Lowered",
            }  # fmt: skip
        )
        three = {"Kappa": lambda v: number_text(v, 3), "AC1": lambda v: number_text(v, 3)}
        parts.append(
            table_html(
                table,
                "Moderation by section: agreement and the moderators' changes",
                formats=three,
                table_id="ab-moderation-by-section",
            )
        )
        return "".join(parts)

    def _actions_html(self, raw: Frames) -> str:
        parts = ["<h2>Actions</h2>"]
        actions = S.action_summary(raw.actions, by=["team", "owner"])
        actions = actions.rename(
            columns={
                "actions": "Actions",
                "open": "Open",
                "overdue": "Overdue",
                "completed": "Completed",
                "completed_on_time": "On time",
                "pct_on_time": "% on time",
            }  # fmt: skip
        )
        parts.append(
            table_html(
                self._named(actions),
                "Actions open and overdue, by team and owner",
                empty="No actions in these audits.",
                table_id="ab-actions",
            )
        )
        parts.append("<h2>Escalations</h2>")
        esc = S.escalation_summary(raw.audits, by="team").rename(
            columns={
                "audits": "Audits",
                "escalated": "Escalated",
                "pct_escalated": "% escalated",
                "not_safe": "Child not safe",
                "followed_up": "Confirmed told",
                "pct_followed_up": "% confirmed",
            }  # fmt: skip
        )
        parts.append(table_html(self._named(esc), "Escalations by team", table_id="ab-escalations"))
        parts.append("<h2>Completed audits by month</h2>")
        if self.expected is None:
            done = S.completion(raw.audits, 0)[["month", "completed"]]
            caption = "Audits completed (submitted or moderated) each month"
        else:
            done = S.completion(raw.audits, self.expected)
            caption = "Audits completed each month against the number expected"
        done = done.rename(
            columns={
                "completed": "Completed",
                "expected": "Expected",
                "pct_of_expected": "% of expected",
                "shortfall": "Shortfall",
            }  # fmt: skip
        )
        parts.append(table_html(self._named(done), caption, table_id="ab-completion"))
        return "".join(parts)

    def _problems_html(self) -> str:
        p = self.frames.problems
        if p.empty:
            return ""
        table = pd.DataFrame(
            {"File": p["path"].map(lambda s: s.rsplit("/", 1)[-1]), "Why": p["reason"]}
        )
        return "<h2>Files that could not be read</h2>" + table_html(
            table,
            f"{len(table)} audit files were left out; ask your administrator to look at them",
            table_id="ab-problems",
        )

    # -------------------------------------------------------------------- downloads

    def _stem(self, pseudonymised: bool = False) -> str:
        """The downloads' file name; a pseudonymised file's never names the team (a team's
        name is free text), only that one was chosen."""
        sel = self.selection()
        team = ("one-team" if sel["team"] else None) if pseudonymised else sel["team"]
        bits = [sel["rubric"], team, sel["start"], sel["end"]]
        if self.status.value != "All statuses":
            bits.append(self.status.value)
        slug = "-".join(re.sub(r"[^a-z0-9]+", "-", str(b).lower()).strip("-") for b in bits if b)
        return "audits" + (f"-{slug}" if slug else "")

    def _downloads_html(self, raw: Frames) -> str:
        stem = self._stem()
        links = [
            download_link(T.csv_bytes(raw.audits), f"{stem}.csv", "text/csv", "Audits (CSV)"),
            download_link(
                T.csv_bytes(raw.answers), f"{stem}-answers.csv", "text/csv", "Graded answers (CSV)"
            ),
            download_link(
                T.csv_bytes(raw.actions), f"{stem}-actions.csv", "text/csv", "Actions (CSV)"
            ),
        ]
        return (
            f'<div class="ab-downloads">{"".join(links)}</div><p class="ab-muted">The files '
            "hold the audits shown, with each template's own grades. They contain personal "
            "data about children: QA team only, kept on the council's systems. For anyone "
            "else, prepare the pseudonymised workbook.</p>"
        )

    def workbook(self) -> bytes:
        """The audits shown as the analysis workbook (`tables.analysis_sheets`: the frames and
        the standard summaries, each template's own grades), after a sheet of the filters."""
        about = pd.DataFrame(
            {
                "filter": ["made", "template", "team", "from", "to", "status", "audits"],
                "value": [
                    datetime.now().strftime("%Y-%m-%d %H:%M"),
                    self.titles.get(self.rubric.value, self.rubric.value or "All templates"),
                    self.team.value or "All teams",
                    str(self.start.value or ""),
                    str(self.end.value or ""),
                    self.status.value,
                    str(len(self.current.audits)),
                ],
            }
        )
        return T.workbook_bytes({"about": about, **T.analysis_sheets(self.current)})

    def prepare_excel(self) -> None:
        """Build the workbook of the audits shown and offer it as a link."""
        self.excel_button.disabled = True
        self.excel.value = '<span class="ab-muted" role="status">Preparing the workbook…</span>'
        data = self.workbook()
        problem = self._log("xlsx")
        self.excel.value = problem or download_link(
            data, f"{self._stem()}.xlsx", XLSX, "Excel workbook (QA team only)"
        )
        self.excel_button.disabled = False

    def _log(self, fmt: str) -> str:
        """Log the export of the audits shown (auditbook.audits.protection); "" when logged, else
        the error to show instead of the link: an export that is not logged is not offered."""
        from ..audits.protection import log_export

        sel = {**self.selection(), "status": self.status.value}
        store = AuditStore(self.source or None)
        try:
            log_export(fmt, len(self.current.audits), "download", store, selection=sel)
        except OSError as exc:
            why = escape(str(exc))
            return (
                '<span class="ab-error" role="alert">Not offered: the export log could not '
                f"be written ({why}).</span>"
            )
        return ""

    def prepare_pseudonymised(self, key: bytes | None = None) -> None:
        """Build the pseudonymised workbook of the audits shown (auditbook.documents.pseudonymise,
        with the key kept outside the project) and offer it as a link."""
        from ..documents.pseudonymise import PseudonymKeyError, load_key, pseudonymised_sheets

        self.pseudo_button.disabled = True
        try:
            sheets = pseudonymised_sheets(self.current, key or load_key())
        except (PseudonymKeyError, OSError) as exc:
            self.pseudo.value = f'<span class="ab-error" role="alert">{escape(str(exc))}</span>'
        else:
            name = f"{self._stem(pseudonymised=True)}-pseudonymised.xlsx"
            text = "Pseudonymised workbook"
            data = T.workbook_bytes(sheets)
            self.pseudo.value = self._log("pseudonymised") or download_link(data, name, XLSX, text)
        finally:
            self.pseudo_button.disabled = False


def _chart(fig) -> str:
    return f'<div class="ab-chart">{C.figure_svg(fig)}</div>'


def dashboard(
    audits=None,
    folder=None,
    expected_per_month: int | Mapping[str, int] | None = None,
    targets: Mapping[str, float] | None = None,
    as_of: str | date | None = None,
    header: bool = True,
) -> w.VBox:
    """The page the dashboard notebook displays: the audits of `audits` (a folder; default
    $AUDITBOOK_AUDITS or exports/audits) with the rubrics of `folder`. `targets` maps
    "good_or_better" and "inadequate" to percentages (default DEFAULT_TARGETS). `header`: show
    the page's header and heading above it (not in an analysis notebook)."""
    library = load_library(folder)  # the slow part runs before anyone visits
    wait_for_visitor()
    store = AuditStore(audits)
    # No progress bar: Voilà shows the page once the notebook has run, when a bar would
    # already be gone (its widget closed), leaving "model not found" in its place.
    frames = load_audits(store, library=library, as_of=as_of, progress=False)
    titles = {rid: r.title for rid, r in library.rubrics.items()}
    page = Dashboard(frames, titles, expected_per_month, targets, source=str(store.root))
    if header:
        display(page_header("dashboard.ipynb"))
    return page.widget
