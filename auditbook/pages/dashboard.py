"""The QA dashboard: saved audits filtered by template, team, dates and status, as headline
figures (each opening the list of audits behind it), charts, tables and downloads. The figures
come from auditbook.analytics.summaries; what one choice of filters shows is made by
auditbook.pages.dashboard_view and the lists by auditbook.pages.headline_lists. This module
keeps them in step with the filters.

A filter change works out only what is new: the view of each choice of filters is kept
(CACHE_SIZE of them), so going back to one costs nothing; the frames on the shared scale are
made once per set of templates, not again for every change; each chart is drawn once. While a
view is made the page says "Updating the figures…" and dims the figures (aria-busy, by the
page script auditbook.web.scripts.BUSY), and the new view is swapped in all at once: every
piece is made first, then put on the page, and the line saying which audits are shown comes
last, so no figure of one choice is ever shown as current beside another's.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Mapping
from datetime import date, datetime
from html import escape

import ipywidgets as w
import pandas as pd
from IPython.display import Javascript, display

from ..analytics import summaries as S
from ..analytics.frames import Frames, load_audits, on_shared_scale
from ..audits.store import AuditStore
from ..documents import workbook as T
from ..forms.questions import style_for
from ..rubrics.library import load_library
from ..web.parts import XLSX, download_link, table_html
from ..web.scripts import BUSY
from ..web.style import CSS
from .common import page_header, wait_for_visitor
from .dashboard_view import CARDS, FOLLOW_UP, QUALITY, Settings, View, build_view, selection_mark
from .headline_lists import LISTS, HeadlineLists, list_rows

ALL = ""  # the "All templates" / "All teams" / "All statuses" choice
STATUS_CHOICES = {
    "All statuses": None,
    "Submitted or moderated": list(S.DONE),
    "Draft": "draft",
    "Submitted": "submitted",
    "Moderated": "moderated",
}
DEFAULT_TARGETS = {"good_or_better": 80.0, "inadequate": 5.0}  # % of completed audits
CACHE_SIZE = 16  # views kept: each is HTML text, tens of kB
UPDATING = '<p class="ab-updating" role="status" data-state="updating">Updating the figures…</p>'
FILES_NOTE = (
    '<p class="ab-muted">The files hold the audits shown, with each template\'s own grades. '
    "The Excel workbook and the CSV files contain personal data about children: QA team only, "
    "kept on the council's systems. For anyone else, prepare the pseudonymised workbook.</p>"
)


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
        self.settings = Settings(self.titles, self.targets, expected_per_month, len(a))
        self.views: OrderedDict[tuple, View] = OrderedDict()
        self._bases: dict[frozenset, Frames] = {}  # on the shared scale, by set of templates
        self._worked: tuple | None = None  # (key, raw, shared): the last frames filtered
        self.view: View | None = None
        self.figures: dict = {}
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
        self.filters.add_class("ab-dash-filters")  # benchmarks/scale.py finds them so
        self.message = w.HTML()
        self.lists = HeadlineLists(
            self._list_rows, self.titles, frames.labels, lambda: selection_mark(self.view.key)
        )
        self.cards = {key: w.HTML() for key in CARDS}
        self.headline = w.VBox(
            [self._card_row(QUALITY), self._card_row(FOLLOW_UP), self.lists.widget]
        )
        self.headline.add_class("ab-headline")
        self.downloads = w.HTML(FILES_NOTE)
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
        self.csv_button = w.Button(
            description="Prepare CSV files",
            icon="file-text-o",
            layout=w.Layout(width="auto"),
            tooltip="QA team only: the audits, graded answers and actions shown, as CSV files",
        )
        self.csv_button.on_click(lambda _: self.prepare_csv())
        self.csv = w.HTML()
        self.sections = w.HTML()
        row = w.Layout(align_items="center", flex_flow="row wrap")
        self.body = w.VBox(
            [
                w.HTML("<h2>Download the audits shown</h2>"),
                self.downloads,
                w.HBox([self.pseudo_button, self.pseudo], layout=row),
                w.HBox([self.excel_button, self.excel], layout=row),
                w.HBox([self.csv_button, self.csv], layout=row),
                self.sections,
            ]
        )
        self.problems = w.HTML(self._problems_html())
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

    def _card_row(self, keys: tuple[str, ...]) -> w.Box:
        under = {kind.card: figure for figure, kind in LISTS.items()}
        boxes = []
        for key in keys:
            parts = [self.cards[key]]
            if key in under:
                parts.append(self.lists.buttons[under[key]])
            box = w.VBox(parts)
            box.add_class("ab-card")
            box.add_class(f"ab-card-{key}")
            boxes.append(box)
        row = w.Box(boxes)
        row.add_class("ab-figures")
        return row

    # -------------------------------------------------------------------- filtering

    def key(self) -> tuple:
        """The choice of filters, as the key its view is kept under."""
        return (self.rubric.value, self.team.value, self.start.value, self.end.value,
                self.status.value)  # fmt: skip

    def selection(self, key: tuple | None = None) -> dict:
        """The filters (or those of `key`) as `Frames.filter` arguments."""
        rubric, team, start, end, status = key or self.key()
        return {
            "rubric": rubric or None,
            "team": team or None,
            "start": start,
            "end": end,
            "status": STATUS_CHOICES[status],
        }

    def frames_for(self, key: tuple) -> tuple[Frames, Frames]:
        """The audits a choice of filters picks: as they are, and on the shared scale when
        they come from several templates. The unfiltered frames are never made again: the
        shared scale of each set of templates is worked out once, then filtered."""
        if self._worked is not None and self._worked[0] == key:
            return self._worked[1], self._worked[2]
        sel = self.selection(key)
        everything = all(v is None for v in sel.values())
        raw = self.frames if everything else self.frames.filter(**sel)
        used = frozenset(raw.audits["rubric_id"].dropna())
        shared = raw
        if len(used) > 1:
            base = self._bases.get(used)
            if base is None:
                whole = used == frozenset(self.frames.audits["rubric_id"].dropna())
                base = on_shared_scale(self.frames if whole else self.frames.filter(rubric=used))
                self._bases[used] = base
            shared = base if everything else base.filter(**sel)
        self._worked = (key, raw, shared)
        return raw, shared

    @property
    def current(self) -> Frames:
        """The audits shown, as they are (each template's own grades)."""
        return self.frames_for(self.view.key)[0]

    @property
    def shown(self) -> Frames:
        """The audits shown, on the shared scale when they come from several templates."""
        return self.frames_for(self.view.key)[1]

    def _view(self, key: tuple) -> View:
        view = self.views.get(key)
        if view is not None:
            self.views.move_to_end(key)
            return view
        raw, shared = self.frames_for(key)
        start, end = key[2], key[3]
        why = " (the From date is after the To date)" if start and end and start > end else ""
        view = build_view(key, raw, shared, self.settings, why)
        self.views[key] = view
        while len(self.views) > CACHE_SIZE:
            self.views.popitem(last=False)
        return view

    def _list_rows(self, figure: str) -> pd.DataFrame:
        view = self.view
        if figure not in view.lists:
            view.lists[figure] = list_rows(figure, *self.frames_for(view.key))
        return view.lists[figure]

    def refresh(self, _=None) -> None:
        """Show the view of the filters as they are now: made (or found), then swapped in."""
        self.busy(True)
        try:
            view = self._view(self.key())
            self.view = view
            listed = self.lists.prepare()
            self._swap(view, listed)
        finally:
            self.busy(False)

    def busy(self, on: bool) -> None:
        """Say the figures are being updated (and dim them), or stop saying so."""
        if on:
            self.message.value = UPDATING
            self.widget.add_class("ab-busy")
        else:
            self.widget.remove_class("ab-busy")

    def _swap(self, view: View, listed: dict) -> None:
        """Put a view on the page: the downloads of the last view go first, so no link to it
        outlives it, and the line saying what is shown last."""
        for out in (self.excel, self.pseudo, self.csv):
            out.value = ""
        for button in (self.excel_button, self.pseudo_button, self.csv_button):
            button.disabled = view.empty
        for key, card in self.cards.items():
            card.value = view.cards[key]
        self.lists.apply(listed)
        self.sections.value = view.sections
        self.body.layout.display = "none" if view.empty else ""
        self.figures = view.figures
        self.message.value = view.message

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

    def prepare_csv(self) -> None:
        """The audits, graded answers and actions shown as CSV files, offered as links (made
        on request: at thousands of audits they are megabytes, too much to make and send on
        every filter change)."""
        self.csv_button.disabled = True
        raw, stem = self.current, self._stem()
        links = [
            download_link(T.csv_bytes(raw.audits), f"{stem}.csv", "text/csv", "Audits (CSV)"),
            download_link(
                T.csv_bytes(raw.answers), f"{stem}-answers.csv", "text/csv", "Graded answers (CSV)"
            ),
            download_link(
                T.csv_bytes(raw.actions), f"{stem}-actions.csv", "text/csv", "Actions (CSV)"
            ),
        ]
        problem = self._log("csv")
        self.csv.value = problem or f'<div class="ab-downloads">{"".join(links)}</div>'
        self.csv_button.disabled = False

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
    display(Javascript(BUSY))
    return page.widget
