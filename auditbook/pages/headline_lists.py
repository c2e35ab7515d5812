"""The audits behind a headline figure: each of the dashboard's counts (overdue actions,
escalations, escalations never confirmed, Inadequate audits) opens the list of what it
counts, for the filters chosen, and each row opens its audit in the audit page.

The rows are `summaries.behind` (the same rows the figure counts), fifty to a page, oldest
first. A row's link is `audit.ipynb?audit=<id>`: the audit page is served by the same Voilà
app, beside this one, and opens the audit its address names (auditbook.pages.links).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape
from typing import NamedTuple

import ipywidgets as w
import pandas as pd

from ..analytics import summaries as S
from ..analytics.frames import Frames
from ..web.header import SAME_TAB
from .links import audit_query


class Kind(NamedTuple):
    button: str  # the button under the figure's card
    title: str  # the list's heading
    order: str  # how the rows are ordered, in words
    card: str  # the card (dashboard_view.CARDS) the button sits under


LISTS = {
    "overdue_actions": Kind(
        "List the overdue actions", "Overdue actions", "oldest due date first", "overdue_actions"
    ),
    "escalated": Kind(
        "List the escalated audits", "Escalated audits", "oldest audit first", "escalated"
    ),
    "escalations_unconfirmed": Kind(
        "List the escalations never confirmed",
        "Escalations never confirmed: no record that the people named were told",
        "oldest audit first",
        "escalations_unconfirmed",
    ),
    "inadequate": Kind(
        "List the Inadequate audits",
        "Completed audits graded Inadequate overall",
        "oldest audit first",
        "pct_inadequate",
    ),
}
PAGE_SIZE = 50
STATUS = {"draft": "Draft", "submitted": "Submitted", "moderated": "Moderated"}


def list_rows(figure: str, raw: Frames, shared: Frames) -> pd.DataFrame:
    """The rows behind `figure` (a key of LISTS), one per audit, or per overdue action, with
    the audit's case id, template, team, auditor, month and status; oldest first.

    Inadequate is judged on `shared` (the grades on the scale the figure uses: Inadequate
    Critical counts as Inadequate); the rows show each audit's own grade from `raw`."""
    audits = raw.audits
    if figure == "overdue_actions":
        facts = audits.set_index("audit_id")[
            ["case_id", "rubric_id", "auditor", "status", "audit_date"]
        ]
        rows = S.behind(raw, figure)[["audit_id", "team", "month", "action", "owner", "due"]]
        rows = rows.join(facts, on="audit_id")
        order = ["due", "audit_date", "case_id", "audit_id"]
    else:
        ids = S.behind(shared if figure == "inadequate" else raw, figure)["audit_id"]
        rows = audits[audits["audit_id"].isin(ids)]
        order = ["audit_date", "case_id", "audit_id"]
    return rows.sort_values(order, kind="stable", na_position="last").reset_index(drop=True)


def _cell(value, short: bool) -> str:
    cls = ' class="ab-nowrap"' if short else ""
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return f"<td{cls}>—</td>"
    return f"<td{cls}>{escape(str(value))}</td>"


def _date(value) -> str | None:
    """ "4 Dec 2025", the day and month kept together when the column is narrow."""
    return None if pd.isna(value) else pd.Timestamp(value).strftime("%d\u00a0%b %Y").lstrip("0")


def _grade(labels: Mapping[str, str], value) -> str | None:
    return None if pd.isna(value) else labels.get(value, str(value))


def list_html(
    figure: str,
    rows: pd.DataFrame,
    page: int,
    titles: Mapping[str, str],
    labels: Mapping[str, str],
    mark: str = "",
) -> str:
    """One page of the list: a heading, where the page is in the list, and a table whose
    first cell in each row links to the audit. Every piece of text is escaped."""
    kind = LISTS[figure]
    n = len(rows)
    head = f'<h3 class="ab-list-title" id="ab-list-title">{escape(kind.title)}: {n}</h3>'
    attrs = f'class="ab-list" data-list="{figure}" data-count="{n}" data-selection="{mark}"'
    if not n:
        none = f"No {kind.title[0].lower()}{kind.title[1:]} in the audits shown."
        return f'<div {attrs}>{head}<p class="ab-muted">{escape(none)}</p></div>'
    first = page * PAGE_SIZE
    shown = rows.iloc[first : first + PAGE_SIZE]
    where = (
        f"Showing {first + 1} to {first + len(shown)} of {n}, {kind.order}."
        if n > PAGE_SIZE
        else f"{n} in the audits shown, {kind.order}."
    )
    # The columns, and whether each is short enough never to wrap (the others may).
    columns = {"Case": True, "Template": False, "Team": True, "Auditor": True, "Month": True,
               "Status": True}  # fmt: skip
    if figure == "overdue_actions":
        columns.update({"Action": False, "Owner": True, "Due": False})
    elif figure == "inadequate":
        columns.update({"Overall grade": True})
    elif figure == "escalated":
        columns.update({"Child safe": True, "Confirmed told": True})
    short = list(columns.values())[1:]
    body = []
    for r in shown.itertuples(index=False):
        case = r.case_id if isinstance(r.case_id, str) and r.case_id else r.audit_id
        href = escape(f"audit.ipynb?{audit_query(r.audit_id)}")
        link = (
            f'<th scope="row" class="ab-nowrap"><a href="{href}"{SAME_TAB} '
            f'data-audit="{escape(r.audit_id)}">'
            f"{escape(case)}</a></th>"
        )
        cells = [
            titles.get(r.rubric_id, r.rubric_id),
            r.team,
            r.auditor,
            r.month,
            STATUS.get(r.status, r.status),
        ]
        if figure == "overdue_actions":
            cells += [r.action, r.owner, _date(r.due)]
        elif figure == "inadequate":
            cells += [_grade(labels, r.overall_grade)]
        elif figure == "escalated":
            safe = {"yes": "Yes", "no": "No"}.get(r.child_safe, r.child_safe)
            cells += [safe, "Yes" if r.escalation_confirmed else "No"]
        row = "".join(_cell(c, nowrap) for c, nowrap in zip(cells, short, strict=True))
        body.append(f"<tr>{link}{row}</tr>")
    th = "".join(f'<th scope="col">{c}</th>' for c in columns)
    table = (
        '<div class="ab-table-wrap"><table class="ab-table ab-list-table" '
        f'aria-labelledby="ab-list-title"><thead><tr>{th}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )
    return f'<div {attrs}>{head}<p class="ab-muted">{escape(where)}</p>{table}</div>'


class HeadlineLists:
    """The list under the headline cards, and the buttons that open it (one per list, which
    the page puts under its card). `rows(figure)` gives the rows for the filters chosen."""

    def __init__(
        self,
        rows: Callable[[str], pd.DataFrame],
        titles: Mapping[str, str],
        labels: Mapping[str, str],
        mark: Callable[[], str] = str,
    ):
        self.rows, self.titles, self.labels, self.mark = rows, titles, labels, mark
        self.figure: str | None = None
        self.page = 0
        self.buttons = {}
        for figure, kind in LISTS.items():
            button = w.Button(description=kind.button, layout=w.Layout(width="auto"))
            button.add_class("ab-list-open")
            button.on_click(lambda _, f=figure: self.open(f))
            self.buttons[figure] = button
        self.table = w.HTML()
        self.previous = w.Button(description="Previous page", layout=w.Layout(width="auto"))
        self.next = w.Button(description="Next page", layout=w.Layout(width="auto"))
        self.close_button = w.Button(description="Close the list", layout=w.Layout(width="auto"))
        self.previous.on_click(lambda _: self.turn(-1))
        self.next.on_click(lambda _: self.turn(1))
        self.close_button.on_click(lambda _: self.close())
        self.paging = w.HBox([self.previous, self.next], layout=w.Layout(flex_flow="row wrap"))
        self.paging.add_class("ab-list-paging")
        self.widget = w.VBox(
            [self.table, self.paging, self.close_button], layout=w.Layout(display="none")
        )
        self.widget.add_class("ab-list-box")

    def open(self, figure: str) -> None:
        self.figure, self.page = figure, 0
        self.apply(self.prepare())

    def close(self) -> None:
        self.figure = None
        self.apply(self.prepare())

    def turn(self, step: int) -> None:
        self.page += step
        self.apply(self.prepare())

    def prepare(self) -> dict:
        """What the list should show now, worked out without changing anything on the page
        (the page makes it beside the rest of a new view, then swaps it all in)."""
        if self.figure is None:
            return {"display": "none", "html": "", "pages": 0}
        rows = self.rows(self.figure)
        pages = max(1, -(-len(rows) // PAGE_SIZE))
        self.page = min(max(self.page, 0), pages - 1)
        html = list_html(self.figure, rows, self.page, self.titles, self.labels, self.mark())
        return {"display": "", "html": html, "pages": pages}

    def apply(self, state: dict) -> None:
        self.table.value = state["html"]
        many = state["pages"] > 1
        self.paging.layout.display = "" if many else "none"
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= state["pages"] - 1
        for figure, button in self.buttons.items():
            if figure == self.figure:
                button.add_class("ab-current")
            else:
                button.remove_class("ab-current")
        self.widget.layout.display = state["display"]
