"""The saved audits on the auditor's landing page: a search box that answers as you type,
filters, a sort, pages of 25 and rows whose buttons open the audit.

The list is read from the audit index (auditbook.audits.index): a change of search, filter,
sort or page is one query for at most 25 rows, and the 25 rows' widgets are made once and
given new values, so that a keystroke costs the same at 20,000 audits as at 20. If the index
cannot be used, the list is read from the files once per refresh and searched in memory.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from html import escape

import ipywidgets as w

from ..audits.index import SORTS
from ..audits.store import STATUS_WORDS, AuditStore
from ..forms.questions import style_for
from ..rubrics.library import Library
from ..web.dates import ago

PAGE_SIZE = 25
ALL = ""  # the "All …" choice of a filter
# (attribute, index column, label, the "All" choice)
FILTERS = (
    ("template", "rubric_id", "Template", "All templates"),
    ("team", "team", "Team", "All teams"),
    ("status", "status", "Status", "All statuses"),
    ("auditor", "auditor", "Auditor", "All auditors"),
    ("month", "month", "Audit month", "All months"),
)
FILTER_NAMES = tuple(f[0] for f in FILTERS)
SEARCH_ARGS = {"template": "rubric", "team": "team", "status": "status", "auditor": "auditor"}
# label -> (index sort key, newest or Z first). Not by template: the index sorts templates by
# their ids, which are not in the order of their titles; the Template filter serves instead.
SORT_CHOICES = {
    "Last saved, newest first": ("saved", True),
    "Last saved, oldest first": ("saved", False),
    "Case id, A to Z": ("case", False),
    "Status, A to Z": ("status", False),
    "Auditor, A to Z": ("auditor", False),
    "Team, A to Z": ("team", False),
    "Audit date, newest first": ("month", True),
}
COLUMNS = ("Case id", "Template", "Auditor", "Team", "Status", "Last saved")
ACTIONS = (("resume", "Resume", "auditor"), ("moderate", "Moderate", "moderator"))

Action = Callable[[str, str], object]  # (audit id, what to do: auditor, moderator or export)


def month_words(month: str) -> str:
    """ "2026-03" as "March 2026" (as given if it is not a month)."""
    try:
        return date.fromisoformat(f"{month}-01").strftime("%B %Y")
    except (TypeError, ValueError):
        return str(month)


def _cell(label: str, content: str, cls: str = "") -> str:
    """One cell of a row: its column's name first, for screen readers and narrow windows
    (where the row becomes a card of labelled lines); `content` is escaped already."""
    return (
        f'<div class="ab-list-cell {cls}"><span class="ab-list-label">{label}</span>'
        f'<span class="ab-list-value">{content}</span></div>'
    )


def row_html(row: dict, titles: dict[str, str]) -> str:
    """One audit's cells (every piece of saved text escaped)."""
    if row.get("error"):
        return (
            '<div class="ab-list-cols ab-list-unreadable">'
            + _cell("Audit", f"<strong>{escape(row['id'])}</strong>", "ab-list-case")
            + _cell("Problem", f"Cannot be opened: {escape(str(row['error']))}", "ab-list-wide")
            + "</div>"
        )
    case = escape(row.get("case_id") or "No case id yet")
    whose = f"case {row['case_id']}" if row.get("case_id") else f"audit {row['id']}"
    rubric_id = row.get("rubric_id") or ""
    status = row.get("status") or ""
    words = escape(STATUS_WORDS.get(status, status or "?"))
    tags = f'<strong class="ab-tag ab-tag-{escape(status)}">{words}</strong>'
    if row.get("escalated"):
        tags += ' <strong class="ab-tag ab-tag-escalated">Escalated</strong>'
    saved = f"{ago(row.get('saved_at'))} by {row.get('saved_by') or 'unknown'}"
    cells = (
        _cell(
            COLUMNS[0],
            f'<strong>{case}</strong><span class="ab-list-id">{escape(row["id"])}</span>',
            "ab-list-case",
        ),
        _cell(COLUMNS[1], escape(titles.get(rubric_id, rubric_id or "—"))),
        _cell(COLUMNS[2], escape(row.get("auditor") or "—")),
        _cell(COLUMNS[3], escape(row.get("team") or "—")),
        _cell(COLUMNS[4], tags),
        _cell(COLUMNS[5], escape(saved)),
    )
    return f'<div class="ab-list-cols" data-whose="{escape(whose)}">{"".join(cells)}</div>'


HEAD_HTML = (
    '<div class="ab-list-cols ab-list-head" aria-hidden="true">'
    + "".join(f'<div class="ab-list-cell">{c}</div>' for c in COLUMNS)
    + "</div>"
)


def search_rows(
    rows: list[dict],
    text: str = "",
    filters: dict[str, str] | None = None,
    sort: str = "saved",
    descending: bool = True,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> tuple[list[dict], int]:
    """AuditIndex.search over rows held in memory (the list read from the files): the same
    matches in the same order. filters: index column -> the value wanted."""
    text = text.strip().casefold()
    wanted = {k: v for k, v in (filters or {}).items() if v}

    def matches(row: dict) -> bool:
        if row.get("error"):
            return not text and not wanted
        if text and text not in (row.get("case_id") or "").casefold():
            if text not in row["id"].casefold():
                return False
        return all(row.get(k) == v for k, v in wanted.items())

    found = sorted((r for r in rows if matches(r)), key=lambda r: r["id"])
    found.sort(key=lambda r: r.get("saved_at") or "", reverse=True)
    column = SORTS.get(sort, "saved_at")
    have = [r for r in found if not r.get("error") and r.get(column) is not None]
    have.sort(key=lambda r: r[column], reverse=descending)
    rest = [r for r in found if not r.get("error") and r.get(column) is None]
    bad = [r for r in found if r.get("error")]
    ordered = have + rest + bad
    return ordered[max(0, offset) : max(0, offset) + limit], len(ordered)


def choices_of(rows: list[dict]) -> dict[str, list[str]]:
    """AuditIndex.choices over rows held in memory."""
    return {
        column: sorted({r[column] for r in rows if r.get(column) is not None})
        for _, column, _, _ in FILTERS
    }


class _Row:
    """The widgets of one row of the list, made once and shown with whichever audit is in
    that place now."""

    def __init__(self, on_click: Callable[[_Row, str], object], shared: dict):
        self.audit_id: str | None = None
        self.cells = w.HTML(layout=shared["cells"])
        self.cells.add_class("ab-list-cells")
        self.buttons: dict[str, w.Button] = {}
        for name, label, role in (*ACTIONS, ("export", "Export", "export")):
            button = w.Button(description=label, layout=shared["button"], style=shared["style"])
            button.add_class(f"ab-list-{name}")
            button.on_click(lambda _, role=role: self.audit_id and on_click(self, role))
            self.buttons[name] = button
        self.resume_btn = self.buttons["resume"]
        self.moderate_btn = self.buttons["moderate"]
        self.export_btn = self.buttons["export"]
        self.box = w.HBox([self.cells, *self.buttons.values()], layout=w.Layout(display="none"))
        self.box.add_class("ab-list-row")
        self.shown: tuple | None = None  # the row's values as last drawn

    def show(self, row: dict | None, titles: dict[str, str]) -> None:
        key = None if row is None else tuple(row.get(k) for k in sorted(row))
        if key == self.shown:
            return
        self.shown = key
        if row is None:
            self.audit_id = None
            self.box.layout.display = "none"
            return
        self.audit_id = row["id"]
        self.cells.value = row_html(row, titles)
        unreadable = bool(row.get("error"))
        for button in self.buttons.values():  # named with their audit in the page (web.scripts)
            button.disabled = unreadable
        self.box.layout.display = ""


class AuditList:
    """Search, filters, sort and a page of rows. A row's buttons call `act(audit_id, role)`
    (role: auditor, moderator or export) with `note` (the app's messages) moved under that
    row, so what the action says shows beside it."""

    def __init__(
        self,
        store: AuditStore,
        library: Library,
        act: Action,
        note: w.Widget | None = None,
        bar: tuple[w.Widget, ...] = (),
    ):
        """bar: more controls for the line above the rows (the app's export format)."""
        self.store, self.library, self.act = store, library, act
        self.titles = {rid: r.title for rid, r in library.rubrics.items()}
        self.page = 0
        self.total = 0  # audits matching the search and filters
        self.everything = 0  # audits in the folder
        self.from_files: list[dict] | None = None  # the files' list when the index fails
        self._quiet = False
        self._options: dict[str, list] = {}
        self.search = w.Text(
            description="Search by case id or audit id",
            continuous_update=True,
            layout=w.Layout(width="min(100%, 30em)"),
            style=style_for(w.Text),
        )
        # label, hint, box, as GOV.UK's (the .ab-contents rules of auditbook.web.style)
        for cls in ("ab-stack", "ab-contents", "ab-in-list-search"):
            self.search.add_class(cls)
        self.search.observe(self._on_change, "value")
        self.filters: dict[str, w.Dropdown] = {}
        for attr, _, label, everything in FILTERS:
            dropdown = w.Dropdown(
                description=label,
                options=[(everything, ALL)],
                layout=w.Layout(width="auto"),
                style=style_for(w.Dropdown),
            )
            dropdown.add_class("ab-stack")
            dropdown.observe(self._on_change, "value")
            self.filters[attr] = dropdown
        self.template, self.team, self.status = (self.filters[a] for a in FILTER_NAMES[:3])
        self.auditor, self.month = (self.filters[a] for a in FILTER_NAMES[3:])
        self.sort = w.Dropdown(
            description="Sort by",
            options=list(SORT_CHOICES),
            layout=w.Layout(width="auto"),
            style=style_for(w.Dropdown),
        )
        self.sort.observe(self._on_change, "value")
        self.clear_btn = w.Button(
            description="Clear the search and filters", layout=w.Layout(display="none")
        )
        self.clear_btn.add_class("ab-link-button")
        self.clear_btn.on_click(lambda _: self.clear())
        self.refresh_btn = w.Button(description="Refresh list", icon="refresh")
        self.refresh_btn.on_click(lambda _: self.refresh())
        self.count = w.HTML()
        self.count.add_class("ab-list-count")
        self.head = w.HTML(HEAD_HTML)
        self.head.add_class("ab-list-headrow")
        # Rows are made as a page first needs them (none for an empty folder), at most 25,
        # and are then given new values: never made again for a keystroke.
        self._shared = {"cells": w.Layout(), "button": w.Layout(), "style": w.ButtonStyle()}
        self.rows: list[_Row] = []
        self.previous_btn = w.Button(description="Previous", icon="arrow-left")
        self.next_btn = w.Button(description="Next", icon="arrow-right")
        self.previous_btn.on_click(lambda _: self.go(self.page - 1))
        self.next_btn.on_click(lambda _: self.go(self.page + 1))
        self.page_info = w.HTML()
        self.pager = w.HBox([self.previous_btn, self.page_info, self.next_btn])
        self.pager.add_class("ab-list-pager")
        filters = w.HBox(list(self.filters.values()))
        filters.add_class("ab-list-filters")
        hint = w.HTML(
            '<p class="ab-hint" id="ab-hint-list-search" data-for="list-search">'
            "Part of a case id is enough: the list changes as you type.</p>"
        )
        hint.add_class("ab-q-notes")
        self.controls = w.VBox([self.search, hint, filters])
        self.controls.add_class("ab-list-controls")
        self._tools = (self.sort, *bar)  # shown once there are audits to sort or export
        bar_box = w.HBox([self.count, self.clear_btn, *self._tools, self.refresh_btn])
        bar_box.add_class("ab-list-bar")
        self.note = note
        self.note_slot = w.VBox([note] if note is not None else [])
        self.note_row: _Row | None = None  # the row the note is under, if any
        self.table = w.VBox([self.head])
        self.table.add_class("ab-list")
        self.widget = w.VBox([self.controls, bar_box, self.note_slot, self.table, self.pager])
        self.widget.add_class("ab-list-page")

    # ------------------------------------------------------------------ reading

    def refresh(self) -> None:
        """Read the folder again (the index brought up to date, or the files' list), then
        the filters' choices and the page shown."""
        self.from_files = None
        try:
            self.store.index.refresh(self.library)
            choices = self.store.index.choices()
            self.everything = self.store.index.search(limit=0)[1]
        except (sqlite3.Error, OSError):
            self.from_files = self.store.list_files()
            choices = choices_of(self.from_files)
            self.everything = len(self.from_files)
        with self._held():
            for attr, column, _, everything in FILTERS:
                values = choices.get(column, [])
                if attr == "month":
                    options = [(month_words(m), m) for m in reversed(values)]
                elif attr == "status":
                    options = [(STATUS_WORDS.get(s, s), s) for s in values]
                else:
                    labels = self.titles if attr == "template" else {}
                    options = sorted(((labels.get(v, v), v) for v in values), key=_folded)
                self._set_options(attr, [(everything, ALL), *options])
        for view in self.rows:  # "2 minutes ago" and the like drawn again
            view.shown = ()
        self.show()

    def _search(self, offset: int, limit: int) -> tuple[list[dict], int]:
        sort, descending = SORT_CHOICES[self.sort.value]
        wanted = {attr: self.filters[attr].value or None for attr in self.filters}
        if self.from_files is None:
            try:
                return self.store.index.search(
                    self.search.value,
                    **{SEARCH_ARGS.get(a, a): v for a, v in wanted.items()},
                    sort=sort,
                    descending=descending,
                    offset=offset,
                    limit=limit,
                )
            except (sqlite3.Error, OSError):  # e.g. its file removed or damaged just now
                self.from_files = self.store.list_files()
        columns = {column: wanted[attr] for attr, column, _, _ in FILTERS}
        return search_rows(
            self.from_files, self.search.value, columns, sort, descending, offset, limit
        )

    # ------------------------------------------------------------------ showing

    def show(self) -> None:
        """The page of rows for the search, filters and sort as they are now."""
        rows, self.total = self._search(self.page * PAGE_SIZE, PAGE_SIZE)
        last = max(0, (self.total - 1) // PAGE_SIZE)
        if self.page > last:  # fewer audits than before: the last page there is
            self.page = last
            rows, self.total = self._search(self.page * PAGE_SIZE, PAGE_SIZE)
        if len(rows) > len(self.rows):
            self.rows += [
                _Row(self._row_clicked, self._shared) for _ in range(len(rows) - len(self.rows))
            ]
            self.table.children = (self.head, *(r.box for r in self.rows))
        held = self.note_row.audit_id if self.note_row is not None else None
        for place, view in enumerate(self.rows):
            view.show(rows[place] if place < len(rows) else None, self.titles)
        if self.note_row is not None and self.note_row.audit_id != held:
            self.place_note(None)  # its audit is no longer in that place
        narrowed = bool(self.search.value.strip()) or any(d.value for d in self.filters.values())
        self.count.value = self._count_html(len(rows), narrowed)
        self.clear_btn.layout.display = "" if narrowed else "none"
        for widget in (self.controls, *self._tools):
            widget.layout.display = "" if self.everything else "none"
        self.head.layout.display = "" if rows else "none"
        self.previous_btn.disabled = self.page == 0
        self.next_btn.disabled = self.page >= last
        self.pager.layout.display = "" if self.total > PAGE_SIZE else "none"
        self.page_info.value = f'<p class="ab-list-page-of">Page {self.page + 1} of {last + 1}</p>'

    def _count_html(self, shown: int, narrowed: bool) -> str:
        if not self.everything:
            return '<p class="ab-list-none">No saved audits yet. Start a new audit above.</p>'
        if not self.total:
            return (
                '<p class="ab-list-empty" role="status"><strong>No audits match.</strong> '
                "Clear the search or the filters to see them all.</p>"
            )
        noun = "audit" if self.total == 1 else "audits"
        of_all = f" (of {self.everything:,} in all)" if narrowed else ""
        if self.total <= PAGE_SIZE:
            text = f"Showing {self.total:,} {noun}{of_all}"
        else:
            first = self.page * PAGE_SIZE + 1
            text = f"Showing {first:,}–{first + shown - 1:,} of {self.total:,} {noun}{of_all}"
        return f'<p role="status">{text}</p>'

    def go(self, page: int) -> None:
        """Show page `page` (from 0) of the audits matching."""
        self.page = max(0, page)
        self.show()

    def clear(self) -> None:
        """Back to every audit: the search box emptied and every filter at All."""
        with self._held():
            self.search.value = ""
            for dropdown in self.filters.values():
                dropdown.value = ALL
        self.page = 0
        self.show()

    def visible(self) -> list[dict]:
        """What the rows show now: {"id", "html"} per row shown, top first."""
        return [{"id": r.audit_id, "html": r.cells.value} for r in self.rows if r.audit_id]

    def html(self) -> str:
        """Everything the list says now, as HTML (the count and the rows shown)."""
        return self.count.value + "".join(r["html"] for r in self.visible())

    def row(self, audit_id: str) -> _Row:
        """The row showing this audit (KeyError if it is not on the page shown)."""
        for view in self.rows:
            if view.audit_id == audit_id:
                return view
        raise KeyError(audit_id)

    def place_note(self, row: _Row | None) -> None:
        """Put the app's messages under this row (None: above the rows, emptied)."""
        note = self.note
        if note is None or row is self.note_row:
            return
        if self.note_row is not None:
            box = self.note_row.box
            box.children = tuple(c for c in box.children if c is not note)
        else:
            self.note_slot.children = ()
        if row is None:
            for child in getattr(note, "children", ()):
                child.value = ""
            self.note_slot.children = (note,)
        else:
            row.box.children = (*row.box.children, note)
        self.note_row = row

    # ------------------------------------------------------------------ internals

    def _row_clicked(self, row: _Row, role: str) -> None:
        self.place_note(row)
        self.act(row.audit_id, role)

    def _on_change(self, change) -> None:
        if self._quiet:
            return
        self.page = 0
        self.show()

    def _set_options(self, attr: str, options: list[tuple[str, str]]) -> None:
        if self._options.get(attr) == options:
            return
        self._options[attr] = options
        dropdown = self.filters[attr]
        current = dropdown.value
        dropdown.options = options
        dropdown.value = current if current in [v for _, v in options] else ALL

    @contextlib.contextmanager
    def _held(self) -> Iterator[None]:
        """Changes made inside `with` do not each redraw the list."""
        before, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = before


def _folded(option: tuple[str, str]) -> tuple[str, str]:
    return (option[0].casefold(), option[1])
