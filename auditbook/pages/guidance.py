"""The pages that notebooks display: each a function returning one widget."""

from __future__ import annotations

from html import escape

import ipywidgets as widgets
from IPython.display import display

from ..rubrics.library import Library, load_library
from ..training.descriptors import Criterion, Hit, criteria, search, sections
from ..training.rubric_html import (
    guidance_html,
    guidance_panel_html,
    levels_html,
    rubric_html,
)
from ..web.style import CSS
from .common import page_header

MAX_HITS = 25  # results shown at once; a Show button each


class GuidancePage:
    """The trainer's page: choose a template, section and criterion and compare its levels'
    descriptors side by side; search every descriptor; read the guidance alongside; or read
    the whole template."""

    COMPARE, WHOLE = 0, 1  # the tabs

    def __init__(self, library: Library, rubric: str | None = None):
        self.library = library
        self.sources = {**library.rubrics, **library.guidance}
        options = [(f"{r.title} ({r.id})", r.id) for r in library.rubrics.values()]
        options += [(f"{g.title} (guidance)", g.id) for g in library.guidance.values()]
        wide = widgets.Layout(width="min(100%, 48em)")
        style = {"description_width": "6em"}
        self.template = widgets.Dropdown(
            options=options, value=None, description="Template", layout=wide, style=style
        )
        self.section = widgets.Dropdown(description="Section", layout=wide, style=style)
        self.criterion = widgets.Dropdown(description="Criterion", layout=wide, style=style)
        self.highlight = widgets.Checkbox(
            value=True, description="Highlight what changes", indent=False
        )
        self.levels = widgets.HTML()
        self.whole = widgets.HTML()
        self.query = widgets.Text(
            description="Search",
            placeholder="words or a phrase, e.g. seen alone",
            continuous_update=False,
            layout=widgets.Layout(flex="1 1 auto", width="auto"),
            style={"description_width": "initial"},
        )
        self.search_btn = widgets.Button(description="Search", icon="search")
        self.summary = widgets.HTML()
        # Scrolls on its own, so the guidance below stays near; its Show buttons take focus.
        self.results = widgets.VBox(layout=widgets.Layout(max_height="34em", overflow="auto"))
        self.results.add_class("ab-results")
        self.side_guidance = widgets.HTML()
        self.hits: list[Hit] = []
        self._quiet = False
        self._criteria: dict[str, Criterion] = {}

        compare = widgets.VBox(
            [
                widgets.HTML("<h2>Compare the levels of a criterion</h2>"),
                self.section,
                self.criterion,
                self.highlight,
                self.levels,
            ]
        )
        self.tabs = widgets.Tab(
            [compare, self.whole], titles=("Compare descriptors", "Whole template")
        )
        self.tabs.layout = widgets.Layout(flex="1 1 0", min_width="0")
        search_row = widgets.HBox([self.query, self.search_btn])
        search_row.add_class("ab-search")
        side = widgets.VBox(
            [
                widgets.HTML("<h2>Search every descriptor</h2>"),
                search_row,
                self.summary,
                self.results,
                widgets.HTML(
                    "<h2>Guidance for auditors</h2>"
                    '<p class="ab-muted">Shown beside every template: open a part to read it.'
                    "</p>"
                ),
                self.side_guidance,
            ],
            layout=widgets.Layout(flex="0 0 30%", min_width="18em", padding="0 0 0 1em"),
        )
        side.add_class("ab-side")
        body = widgets.HBox([self.tabs, side], layout=widgets.Layout(width="100%"))
        body.add_class("ab-explorer-body")
        self.widget = widgets.VBox(
            [
                widgets.HTML(CSS),
                self.template,
                body,
            ]
        )
        self.widget.add_class("ab-guidance-page")
        self.widget.add_class("ab-explorer")

        self.template.observe(lambda _: self._changed("template"), names="value")
        self.section.observe(lambda _: self._changed("section"), names="value")
        self.criterion.observe(lambda _: self._changed("criterion"), names="value")
        self.highlight.observe(lambda _: self.show_levels(), names="value")
        self.query.observe(lambda _: self.run_search(), names="value")
        self.search_btn.on_click(lambda _: self.run_search())

        ids = [v for _, v in options]
        first = rubric if rubric in ids else (ids[0] if ids else None)
        if first is None:
            self.levels.value = f"<p>No rubrics found in {escape(str(library.folder))}.</p>"
            self.whole.value = self.levels.value
        else:
            self.select(first)

    # ------------------------------------------------------------------------ choosing

    def _changed(self, what: str) -> None:
        if self._quiet:
            return
        if what == "template":
            self.select(self.template.value)
        elif what == "section":
            self.select(self.template.value, self.section.value)
        else:
            self.show_levels()

    def select(self, source_id: str, section_id: str | None = None, key: str | None = None):
        """Show a template, and in it a section and criterion (the first ones by default)."""
        source = self.sources[source_id]
        found = criteria(source)
        secs = sections(source)
        section_id = section_id if section_id in dict(secs) else (secs[0][0] if secs else None)
        in_section = [c for c in found if c.section_id == section_id]
        keys = [c.key for c in in_section]
        key = key if key in keys else (keys[0] if keys else None)
        self._quiet = True
        try:
            self.template.value = source_id
            self.section.options = [(title, sid) for sid, title in secs]
            self.section.value = section_id
            self.criterion.options = [(c.label, c.key) for c in in_section]
            self.criterion.value = key
            self.section.disabled = self.criterion.disabled = not secs
        finally:
            self._quiet = False
        self._criteria = {c.key: c for c in in_section}
        self.show_levels()
        if source_id in self.library.rubrics:
            r = self.library.rubrics[source_id]
            self.whole.value = rubric_html(r, self.library.guidance_for(r))
        else:
            self.whole.value = guidance_html(self.library.guidance[source_id])
        self.show_guidance()

    @property
    def current(self) -> Criterion | None:
        return self._criteria.get(self.criterion.value)

    def show_levels(self) -> None:
        c = self.current
        if c is not None:
            self.levels.value = levels_html(c, highlight=self.highlight.value)
            return
        source = self.sources[self.template.value]
        self.levels.value = (
            f'<p class="ab-notes" role="status">“{escape(source.title)}” has no grade '
            "descriptors: its grades are chosen without a description of each level. The "
            "“Whole template” tab shows all of it, and the scoring guides beside this page "
            "describe the levels in general.</p>"
        )

    def show_guidance(self, open_doc: str | None = None) -> None:
        """Every guidance file, those the template names first."""
        rubric = self.library.rubrics.get(self.template.value)
        named = self.library.guidance_for(rubric) if rubric else []
        rest = [g for g in self.library.guidance.values() if g not in named]
        self.side_guidance.value = guidance_panel_html(named + rest, open_doc)

    # ------------------------------------------------------------------------- search

    def run_search(self) -> None:
        query = self.query.value.strip()
        self.hits = search(self.library, query) if query else []
        shown = self.hits[:MAX_HITS]
        if not query:
            self.summary.value = ""
        elif not self.hits:
            self.summary.value = (
                f'<p role="status">No descriptor or guidance holds all of “{escape(query)}”.</p>'
            )
        else:
            more = (
                f" Showing the first {len(shown)}: add a word to narrow the search."
                if len(self.hits) > len(shown)
                else ""
            )
            n = len(self.hits)
            self.summary.value = (
                f'<p role="status">{n} result{"s" if n != 1 else ""} for “{escape(query)}”.'
                f"{more}</p>"
            )
        self.results.children = [self._hit_row(h) for h in shown]

    def _hit_row(self, hit: Hit) -> widgets.Widget:
        where = f"{escape(hit.source_title)} · {escape(hit.section_title)}"
        if hit.kind == "guidance":
            name = f"<strong>{escape(hit.label)}</strong>"
        else:
            name = f"<strong>{escape(hit.label)}</strong> — {escape(hit.level_label)}"
        text = widgets.HTML(
            f'<div class="ab-hit" data-source="{escape(hit.source_id)}" '
            f'data-criterion="{escape(hit.key)}" data-level="{escape(hit.level)}">'
            f'<div class="ab-where">{where}</div><div>{name}</div><div>{hit.snippet}</div></div>',
            layout=widgets.Layout(flex="1 1 auto", width="auto"),
        )
        button = widgets.Button(
            description="Show",
            tooltip=f"Show {hit.label}"
            + (f" ({hit.source_title})" if hit.kind == "guidance" else ""),
            layout=widgets.Layout(width="5em", flex="0 0 auto"),
        )
        button.on_click(lambda _: self.show_hit(hit))
        row = widgets.HBox(
            [text, button], layout=widgets.Layout(align_items="flex-start", flex="0 0 auto")
        )
        row.add_class("ab-hit-row")
        return row

    def show_hit(self, hit: Hit) -> None:
        """Open what a search result found: its criterion, or its guidance document."""
        if hit.kind == "guidance":
            self.show_guidance(open_doc=hit.section_id)
            return
        self.select(hit.source_id, hit.section_id, hit.key)
        self.tabs.selected_index = self.COMPARE


def guidance_page(rubric: str | None = None, folder=None) -> widgets.VBox:
    """The trainer's page: compare a criterion's descriptors level by level, search them all,
    read the guidance alongside, or read a whole template."""
    page = GuidancePage(load_library(folder), rubric)
    display(page_header("guidance.ipynb"))
    return page.widget
