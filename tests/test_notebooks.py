"""Every notebook runs, top to bottom, as Voilà or JupyterLab would run it.

Two kinds, named in the notebook's metadata (`auditbook.kind`):

- "page" (the default): a thin notebook Voilà serves. A parameters cell and two or three lines
  calling the package; it must display a widget. No markdown: the page function draws the
  header and the page's one heading, which must come first (auditbook.pages.common.page_header).
- "analysis": a worked example an analyst reads in JupyterLab. Each question is a few lines of
  API calls, so it may be longer, but still no logic of its own; it must show tables and charts.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted(Path("notebooks").glob("*.ipynb"))
CODE_LINES = {"page": 8, "analysis": 20}  # logic belongs in the package
WIDGET = "application/vnd.jupyter.widget-view+json"
CHARTS = {"image/svg+xml", "image/png"}


def kind(nb) -> str:
    return nb.metadata.get("auditbook", {}).get("kind", "page")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors
    shown = {mime for o in outputs for mime in o.get("data", {})}
    if kind(nb) == "page":
        assert WIDGET in shown, f"{path} displays no widget"
    else:
        # Every question (a code cell after the setup) answers with a table or a chart.
        answers = [c for c in nb.cells if c.cell_type == "code"][2:]
        for cell in answers:
            mimes = {m for o in cell.outputs for m in o.get("data", {})}
            assert mimes & ({"text/html", WIDGET} | CHARTS), f"no table or chart:\n{cell.source}"
        assert "text/html" in shown and shown & CHARTS, f"{path} shows no table or no chart"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_thin_and_stripped(path):
    nb = nbformat.read(path, as_version=4)
    assert kind(nb) in CODE_LINES, f"auditbook.kind is one of {sorted(CODE_LINES)}"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "strip outputs"
    assert any("parameters" in c.metadata.get("tags", []) for c in code)
    if kind(nb) == "page":
        assert all(c.cell_type != "markdown" for c in nb.cells), "the header comes first"
    lines = sum(len(c.source.splitlines()) for c in code)
    assert lines <= CODE_LINES[kind(nb)], "logic belongs in the package"
