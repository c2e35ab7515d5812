"""Alternative layouts kept for the form-speed benchmark (benchmarks/form_speed.py)."""

from __future__ import annotations

import ipywidgets as w

from ..audits.store import AuditStore
from ..rubrics.library import load_rubric
from ..rubrics.model import Rubric
from .form import AuditForm


def accordion_form(rubric_path: str, audits: str) -> w.Widget:
    """The same form with every section built at once inside an accordion."""
    rubric: Rubric = load_rubric(rubric_path)
    form = AuditForm(rubric, AuditStore(audits), autosave_delay=None)
    panels = [form._panel(s) for s in rubric.sections]
    acc = w.Accordion(children=panels, titles=tuple(s.title for s in rubric.sections))
    acc.selected_index = 0
    done = w.HTML("")
    done.add_class("ab-accordion-ready")
    done.value = "<span>ready</span>"
    return w.VBox([acc, done])
