"""The actions table question: what, who is responsible, by when, and when completed."""

from __future__ import annotations

import datetime as dt
from html import escape

import ipywidgets as w

from .questions import Question, questions, shared, style_for


@questions.register("actions")
class ActionsQuestion(Question):
    description = "A table of actions: what, who is responsible, by when, and when completed."
    places_notes = True

    COMPLETED = "Completed on"

    def build(self):
        cols = self.item.columns
        # The headings and every row are grids with the same columns (ab-action-row in the
        # stylesheet); in a narrow window the headings hide and each cell shows its own label.
        self._cell_layout = w.Layout()
        head = w.HTML(
            f'<div class="ab-label">{escape(self.item.label)}</div>'
            f'<div class="ab-action-head" aria-hidden="true"><span>{escape(cols.action)}</span>'
            f"<span>{escape(cols.owner)}</span><span>{escape(cols.due)}</span>"
            f"<span>{self.COMPLETED}</span><span></span></div>"
        )
        head.add_class("ab-actions-head")
        self.rows_box = w.VBox()
        self.rows_box.add_class("ab-action-rows")
        # (action, owner, due, remove) per row; the completed date pickers run alongside
        self.rows: list[tuple[w.Widget, ...]] = []
        self.completed: list[w.DatePicker] = []
        self.add = w.Button(
            description="Add action", icon="plus", tooltip=f"Add a row to: {self.item.label}"
        )
        self.add.add_class("ab-add-action")
        self.add.on_click(lambda _: self._add_row(focus=True))
        for _ in range(self.item.rows_shown):
            self._add_row()
        return w.VBox(
            [head, self.notes, self.rows_box, self.add, self.alert], layout=shared("full")
        )

    def _add_row(self, row: dict | None = None, focus: bool = False) -> None:
        row = row or {}
        n = len(self.rows) + 1
        cols = self.item.columns

        def cell(label: str, value: str) -> w.Text:
            box = w.Text(
                value=value or "",
                description=f"{label.rstrip(':')} (row {n})",
                continuous_update=False,
                style=style_for(w.Text),
                layout=self._cell_layout,
            )
            box.add_class("ab-sr-label")
            self._watch(box)
            return box

        def date_cell(label: str, value: str | None) -> w.DatePicker:
            picker = w.DatePicker(
                description=f"{label.rstrip(':')} (row {n})",
                style=style_for(w.DatePicker),
                layout=self._cell_layout,
            )
            picker.add_class("ab-sr-label")
            picker.value = dt.date.fromisoformat(value) if value else None
            self._watch(picker)
            return picker

        action, owner = cell(cols.action, row.get("action")), cell(cols.owner, row.get("owner"))
        if self.item.due_kind == "date":
            due = date_cell(cols.due, row.get("due"))
        else:
            due = cell(cols.due, row.get("due"))
        completed = date_cell(self.COMPLETED, row.get("completed"))
        remove = w.Button(
            description="Remove", tooltip=f"Remove action row {n}", layout=self._cell_layout
        )
        cells = (action, owner, due, remove)
        remove.on_click(lambda _: self._remove_row(cells))
        self.rows.append(cells)
        self.completed.append(completed)
        row_box = w.HBox([action, owner, due, completed, remove], layout=self._cell_layout)
        row_box.add_class("ab-action-row")
        self.rows_box.children = [*self.rows_box.children, row_box]
        if focus:
            action.focus()
        self._changed()

    def _remove_row(self, cells) -> None:
        values = [r for c, r in zip(self.rows, self._row_values(), strict=True) if c is not cells]
        self._set_rows(values)
        self._changed()

    def _row_values(self) -> list[dict]:
        out = []
        for (action, owner, due, _), completed in zip(self.rows, self.completed, strict=True):
            due_value = due.value.isoformat() if isinstance(due.value, dt.date) else due.value
            row = {"action": action.value, "owner": owner.value, "due": due_value or ""}
            if completed.value:  # only when set, so rows saved without it round-trip unchanged
                row["completed"] = completed.value.isoformat()
            out.append(row)
        return out

    def _set_rows(self, rows: list[dict]) -> None:
        quiet, self._quiet = self._quiet, True
        try:
            self.rows, self.completed, self.rows_box.children = [], [], []
            for row in rows:
                self._add_row(row)
        finally:
            self._quiet = quiet

    def inputs(self):
        cells = [
            c
            for row, done in zip(self.rows, self.completed, strict=True)
            for c in (*row[:3], done, row[3])
        ]
        return cells + [self.add]

    @property
    def value(self):
        rows = [r for r in self._row_values() if any(v.strip() for v in r.values())]
        return rows or None

    @value.setter
    def value(self, value):
        rows = list(value or [])
        shown = max(len(rows), self.item.rows_shown if not rows else 0)
        self._set_rows(rows + [{}] * (shown - len(rows)))
        self._changed()
