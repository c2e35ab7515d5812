"""The pages that notebooks display: each a function returning one widget."""

from __future__ import annotations

import ipywidgets as widgets

from .library import load_library
from .render import guidance_html, rubric_html


def guidance_page(rubric: str | None = None, folder=None) -> widgets.VBox:
    """The trainer's page: pick a rubric or guidance file and read it, descriptors side by side."""
    library = load_library(folder)
    options = [(f"{r.title} ({r.id})", r.id) for r in library.rubrics.values()]
    options += [(f"{g.title} (guidance)", g.id) for g in library.guidance.values()]
    ids = [v for _, v in options]
    picker = widgets.Dropdown(
        options=options,
        value=rubric if rubric in ids else (ids[0] if ids else None),
        description="Template",
        layout=widgets.Layout(width="min(100%, 48em)"),
    )
    body = widgets.HTML()

    def show(_=None) -> None:
        key = picker.value
        if key in library.rubrics:
            r = library.rubrics[key]
            body.value = rubric_html(r, library.guidance_for(r))
        elif key in library.guidance:
            body.value = guidance_html(library.guidance[key])
        else:
            body.value = "<p>No rubrics found in " + str(library.folder) + ".</p>"

    picker.observe(show, names="value")
    show()
    page = widgets.VBox([picker, body])
    page.add_class("ab-guidance-page")
    return page
