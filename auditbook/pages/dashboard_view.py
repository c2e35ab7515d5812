"""What the dashboard shows for one choice of filters, made in one go: the line saying which
audits are shown, the headline cards, and the charts and tables, as HTML text.

`build_view` is called once per choice of filters (the page keeps the views it has made),
and draws each chart once; the page swaps the whole view in at once. No widgets here: the
page (auditbook.pages.dashboard) puts the text into them.

Grade figures count completed audits (submitted or moderated), as `summaries.headline` does.
When the audits come from more than one template their grades are put on the shared scale
(`analytics.on_shared_scale`). Moderation agreement is always measured on each template's own
levels: folding Inadequate Critical into Inadequate would count a moderator's change between
the two as agreement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape

import pandas as pd

from ..analytics import summaries as S
from ..analytics import svgcharts as C
from ..analytics.frames import Frames
from ..web.parts import SMALL, figure_card, number_text, table_html

# The headline cards, in two rows: how good the work is, then what needs following up.
QUALITY = ("audits", "pct_good_or_better", "pct_inadequate", "moderation_exact_pct")
FOLLOW_UP = ("overdue_actions", "escalated", "escalations_unconfirmed")
CARDS = QUALITY + FOLLOW_UP


@dataclass
class View:
    """Everything on the page that depends on the filters, for one choice of them."""

    key: tuple  # the choice of filters (Dashboard.key)
    figures: dict  # summaries.headline's figures, and the moderation kappa and AC1
    cards: dict[str, str]  # CARDS -> a card's HTML
    message: str  # the line saying which audits are shown
    sections: str  # the charts and tables ("" when no audits match)
    lists: dict = field(default_factory=dict)  # figure -> its rows, made when first opened

    @property
    def empty(self) -> bool:
        return not self.figures["audits"]


@dataclass(frozen=True)
class Settings:
    """What the page was opened with, the same for every choice of filters."""

    titles: Mapping[str, str]
    targets: Mapping[str, float]
    expected: int | Mapping[str, int] | None
    total: int  # audits before any filter


def selection_mark(key: tuple) -> str:
    """The data-selection attribute every part of a view carries (tests compare them)."""
    return escape("|".join("" if v is None else str(v) for v in key))


def build_view(key: tuple, raw: Frames, shared: Frames, s: Settings, why_empty: str = "") -> View:
    """The view of `raw` (the filtered frames) and `shared` (the same on a shared scale)."""
    figures = _figures(raw, shared)
    mark = selection_mark(key)
    cards = _cards(figures, s.targets)
    cards = {k: f'<div data-selection="{mark}">{html}</div>' for k, html in cards.items()}
    n = figures["audits"]
    if not n:
        message = (
            f'<p class="ab-muted" role="status" data-state="empty" data-selection="{mark}">No '
            f"audits match these filters{why_empty}. Choose another team, template, status or "
            "dates.</p>"
        )
        return View(key, figures, cards, message, "")
    folded = shared.scale != raw.scale
    message = (
        f'<p role="status" data-state="shown" data-selection="{mark}">Showing {n} of '
        f"{s.total} audits"
        + (
            " from several templates: grades are shown on the levels their scales share "
            "(Inadequate Critical counts as Inadequate)"
            if folded
            else ""
        )
        + ".</p>"
    )
    sections = (
        f'<div class="ab-sections" data-selection="{mark}">'
        + grades_html(shared, s)
        + moderation_html(raw, s)
        + actions_html(raw, s)
        + "</div>"
    )
    return View(key, figures, cards, message, sections)


def _figures(raw: Frames, shared: Frames) -> dict:
    """summaries.headline of the shared scale, but moderation on each template's own levels
    (as summaries.headline of `raw` gives it), with its kappa and AC1."""
    figures = S.headline(shared)
    agreement = S.moderation_agreement(
        raw.audits, auditor="overall_grade", moderator="moderated_overall_grade"
    ).iloc[0]
    figures["moderated"] = int(agreement["n"])
    figures["moderation_exact_pct"] = float(agreement["exact_pct"])
    figures["moderation_kappa"] = float(agreement["kappa"])
    figures["moderation_ac1"] = float(agreement["ac1"])
    return figures


# ------------------------------------------------------------------------------ the cards


def _cards(f: dict, targets: Mapping[str, float]) -> dict[str, str]:
    small = f" {SMALL}" if f["small_sample"] and f["graded"] else ""
    good_t, bad_t = targets.get("good_or_better"), targets.get("inadequate")
    escalated = f["escalated"]
    return {
        "audits": figure_card(
            "audits", str(f["audits"]), "audits", f"{f['completed']} completed", f["audits"]
        ),
        "pct_good_or_better": figure_card(
            "pct_good_or_better",
            number_text(f["pct_good_or_better"], suffix="%"),
            "good or better",
            f"of {f['graded']} graded{small}"
            + (f" · target {good_t:g}%" if good_t is not None else ""),
            f["pct_good_or_better"],
            n=f["graded"],
            small_sample=str(f["small_sample"]).lower(),
        ),
        "pct_inadequate": figure_card(
            "pct_inadequate",
            number_text(f["pct_inadequate"], suffix="%"),
            "inadequate",
            f"{f['inadequate']} of {f['graded']} graded{small}"
            + (f" · target at most {bad_t:g}%" if bad_t is not None else ""),
            f["pct_inadequate"],
            n=f["graded"],
            count=f["inadequate"],
        ),
        "moderation_exact_pct": figure_card(
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
        "overdue_actions": figure_card(
            "overdue_actions",
            str(f["overdue_actions"]),
            "overdue actions",
            f"of {f['open_actions']} open",
            f["overdue_actions"],
        ),
        "escalated": figure_card(
            "escalated", str(escalated), "escalated", "child not safe or Inadequate", escalated
        ),
        "escalations_unconfirmed": figure_card(
            "escalations_unconfirmed",
            str(f["escalations_unconfirmed"]),
            "escalations never confirmed",
            f"of {escalated} escalated: no record that the people named were told",
            f["escalations_unconfirmed"],
        ),
    }


# ------------------------------------------------------------------------------ sections


def _label(f: Frames, key) -> str:
    return f.labels.get(key, str(key))


def _chart(svg: str) -> str:
    return f'<div class="ab-chart">{svg}</div>'


def grades_html(f: Frames, s: Settings) -> str:
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
            _rates_table(done, f, s),
            _chart(
                C.trend_line(
                    trend,
                    target_good=s.targets.get("good_or_better"),
                    target_inadequate=s.targets.get("inadequate"),
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
    parts.append(_sections_table(answers, f, s))
    return "".join(parts)


def _rates_table(done: pd.DataFrame, f: Frames, s: Settings) -> str:
    rates = S.grade_rates(
        done,
        by="team",
        good=f.good,
        inadequate=f.inadequate,
        target_good=s.targets.get("good_or_better"),
        target_inadequate=s.targets.get("inadequate"),
    )
    rates["small_sample"] = rates["small_sample"].map({True: "yes", False: ""})
    table = rates[["team", "n", "pct_good_or_better", "pct_inadequate", "small_sample"]]
    table.columns = ["Team", "Graded", "% good or better", "% inadequate", "Small sample"]
    return table_html(table, "Overall grades by team", table_id="ab-rates-by-team")


def _keys(frame: pd.DataFrame) -> list[str]:
    return ["rubric_id", "section"] if frame["rubric_id"].nunique() > 1 else ["section"]


def _sections_table(answers: pd.DataFrame, f: Frames, s: Settings) -> str:
    keys = _keys(answers)
    dist = S.grade_distribution(answers, by=keys, column="grade")
    if dist.empty:
        return '<p class="ab-muted">No graded sections in these audits.</p>'
    table = dist.pivot_table(index=keys, columns="grade", values="n", observed=False)
    order = list(answers[keys].drop_duplicates().itertuples(index=False, name=None))
    table = table.reindex([o if len(keys) > 1 else o[0] for o in order]).dropna(how="all")
    total = table.sum(axis=1)
    pcts = table.div(total, axis=0).mul(100).round(1)
    pcts.columns = [f"% {_label(f, k)}" for k in table.columns]
    out = pcts.assign(Graded=total.astype("int64")).reset_index()
    out = out[[*keys, "Graded", *pcts.columns]]
    return table_html(
        named(out, s.titles), "Share of each grade, by section", table_id="ab-grades-by-section"
    )


def named(frame: pd.DataFrame, titles: Mapping[str, str]) -> pd.DataFrame:
    """A summary's columns in words, and templates by their titles."""
    frame = frame.copy()
    if "rubric_id" in frame:
        frame["rubric_id"] = frame["rubric_id"].map(lambda r: titles.get(r, r))
    return frame.rename(
        columns={
            "rubric_id": "Template",
            "section": "Section",
            "team": "Team",
            "owner": "Owner",
            "month": "Month",
        }  # fmt: skip
    )


def moderation_html(raw: Frames, s: Settings) -> str:
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
    keys = _keys(answers)
    agree = S.moderation_agreement(answers, by=keys)
    changes = S.grade_changes(answers, by=keys)
    if agree.empty:
        parts.append('<p class="ab-muted">No moderated grades in these audits.</p>')
        return "".join(parts)
    table = agree.merge(changes.drop(columns="n"), on=keys, how="left")
    table = named(table, s.titles).rename(
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


def actions_html(raw: Frames, s: Settings) -> str:
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
            named(actions, s.titles),
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
    parts.append(table_html(named(esc, s.titles), "Escalations by team", table_id="ab-escalations"))
    parts.append("<h2>Completed audits by month</h2>")
    if s.expected is None:
        done = S.completion(raw.audits, 0)[["month", "completed"]]
        caption = "Audits completed (submitted or moderated) each month"
    else:
        done = S.completion(raw.audits, s.expected)
        caption = "Audits completed each month against the number expected"
    done = done.rename(
        columns={
            "completed": "Completed",
            "expected": "Expected",
            "pct_of_expected": "% of expected",
            "shortfall": "Shortfall",
        }  # fmt: skip
    )
    parts.append(table_html(named(done, s.titles), caption, table_id="ab-completion"))
    return "".join(parts)
