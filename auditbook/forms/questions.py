"""Question types: one widget class per rubric item type, all with the same contract.

Every question has `widget` (what the form shows), `value` (get and set, in the plain values of
:mod:`auditbook.rubrics.answers`), `reset()`, `observe(handler)`, `disabled` and `focus()`.
Types are registered by name in `questions`, the same call an extension would use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from typing import ClassVar

import ipywidgets as w

from ..rubrics.model import Rubric


class UnknownQuestionType(KeyError):
    def __str__(self) -> str:
        return self.args[0]


class QuestionRegistry:
    """Type name → question class; duplicate or unknown names are errors listing the valid ones."""

    def __init__(self) -> None:
        self._types: dict[str, type[Question]] = {}

    def register(self, name: str, cls: type[Question] | None = None, replace: bool = False):
        """Register cls under name; usable as a decorator."""

        def add(cls: type[Question]) -> type[Question]:
            if name in self._types and not replace:
                raise ValueError(
                    f"question type {name!r} is already registered "
                    f"(known: {', '.join(self._types)}); pass replace=True"
                )
            self._types[name] = cls
            return cls

        return add(cls) if cls is not None else add

    def get(self, name: str) -> type[Question]:
        if name not in self._types:
            raise UnknownQuestionType(
                f"unknown question type {name!r}; known types are: {', '.join(sorted(self._types))}"
            )
        return self._types[name]

    def build(self, item, rubric: Rubric) -> Question:
        return self.get(item.type)(item, rubric)

    def __contains__(self, name: str) -> bool:
        return name in self._types

    def __iter__(self):
        return iter(self._types)


questions = QuestionRegistry()

# Shared layout and style objects: one model each instead of one per widget.
_SHARED: dict[str, w.Widget] = {}


def shared(kind: str) -> w.Widget:
    if kind not in _SHARED:
        _SHARED[kind] = {
            "full": lambda: w.Layout(width="100%"),
            "half": lambda: w.Layout(flex="1 1 22em", min_width="16em"),
            "row": lambda: w.Layout(width="100%", flex_flow="row wrap", align_items="flex-start"),
            "text_area": lambda: w.Layout(width="100%", height="7em"),
        }[kind]()
    return _SHARED[kind]


def style_for(widget_cls: type[w.Widget]) -> w.Widget:
    """One shared style object per widget class (each class has its own style model)."""
    key = f"style:{widget_cls.__name__}"
    if key not in _SHARED:
        _SHARED[key] = widget_cls.class_traits()["style"].klass(description_width="initial")
    return _SHARED[key]


def _stacked(widget: w.Widget) -> w.Widget:
    """Label above the input, full width: for the long questions templates ask."""
    widget.add_class("ab-stack")
    return widget


class Question:
    """Base of every question type."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""

    def __init__(self, item, rubric: Rubric):
        self.item, self.rubric = item, rubric
        self._handlers: list[Callable] = []
        self._quiet = False
        self.widget = self.build()
        self.widget.add_class("ab-q")
        self.widget.add_class(f"ab-q-{item.id}")

    # -- to override
    def build(self) -> w.Widget:
        raise NotImplementedError

    def inputs(self) -> list[w.Widget]:
        """The widgets a person types or clicks into (for disabling and focus)."""
        return [self.widget]

    @property
    def value(self):
        raise NotImplementedError

    @value.setter
    def value(self, value) -> None:
        raise NotImplementedError

    # -- the same for all
    def reset(self) -> None:
        self.value = None

    def observe(self, handler: Callable[[Question], None]) -> None:
        """Call handler(question) whenever the answer changes."""
        self._handlers.append(handler)

    def _changed(self, _change=None) -> None:
        if not self._quiet:
            for handler in list(self._handlers):
                handler(self)

    def _watch(self, widget: w.Widget) -> None:
        widget.observe(self._changed, names="value")

    def set_quietly(self, value) -> None:
        """Set the value without telling observers (used when loading an audit)."""
        self._quiet = True
        try:
            self.value = value
        finally:
            self._quiet = False

    @property
    def disabled(self) -> bool:
        return all(getattr(i, "disabled", False) for i in self.inputs())

    @disabled.setter
    def disabled(self, flag: bool) -> None:
        for i in self.inputs():
            if hasattr(i, "disabled"):
                i.disabled = flag

    def focus(self) -> None:
        first = self.inputs()[0] if self.inputs() else None
        if first is not None and hasattr(first, "focus"):
            first.focus()


def _text(widget_cls, label: str, placeholder: str = "", **kw) -> w.Widget:
    return _stacked(
        widget_cls(
            description=label,
            placeholder=placeholder,
            style=style_for(widget_cls),
            layout=kw.pop("layout", shared("full")),
            continuous_update=False,
            **kw,
        )
    )


@questions.register("short_text")
class ShortTextQuestion(Question):
    description = "One line of text."

    def build(self):
        widget = _text(w.Text, self.item.label)
        self._watch(widget)
        return widget

    @property
    def value(self):
        return self.widget.value or None

    @value.setter
    def value(self, value):
        self.widget.value = value or ""


@questions.register("long_text")
class LongTextQuestion(ShortTextQuestion):
    description = "A comment box of several lines."

    def build(self):
        widget = _text(w.Textarea, self.item.label, layout=shared("text_area"))
        self._watch(widget)
        return widget


@questions.register("date")
class DateQuestion(Question):
    description = "A date, stored as YYYY-MM-DD."

    def build(self):
        widget = _stacked(w.DatePicker(description=self.item.label, style=style_for(w.DatePicker)))
        self._watch(widget)
        return widget

    @property
    def value(self):
        return self.widget.value.isoformat() if self.widget.value else None

    @value.setter
    def value(self, value):
        self.widget.value = dt.date.fromisoformat(value) if value else None


@questions.register("month")
class MonthQuestion(ShortTextQuestion):
    description = "A month, stored as YYYY-MM."

    def build(self):
        widget = _text(
            w.Text, self.item.label, placeholder="YYYY-MM", layout=w.Layout(width="14em")
        )
        self._watch(widget)
        return widget

    @property
    def value(self):
        return self.widget.value.strip() or None

    @value.setter
    def value(self, value):
        self.widget.value = value or ""


@questions.register("number")
class NumberQuestion(ShortTextQuestion):
    description = "A number; text that is not a number is kept and reported."

    def build(self):
        widget = _text(w.Text, self.item.label, layout=w.Layout(width="14em"))
        self._watch(widget)
        return widget

    @property
    def value(self):
        text = self.widget.value.strip()
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return text  # answers.value_error explains it
        return int(number) if number.is_integer() else number

    @value.setter
    def value(self, value):
        self.widget.value = "" if value is None else str(value)


def _choice(display: str, label: str, options: list[tuple[str, str | None]]) -> w.Widget:
    if display == "radio":
        real = [o for o in options if o[1] is not None]
        return _stacked(
            w.RadioButtons(
                description=label, options=real, index=None, style=style_for(w.RadioButtons)
            )
        )
    return _stacked(
        w.Dropdown(description=label, options=options, value=None, style=style_for(w.Dropdown))
    )


def _choose(picker: w.Widget, value) -> None:
    """Set a dropdown or radio picker; radio buttons clear by index, not by value."""
    if isinstance(picker, w.RadioButtons) and value is None:
        picker.index = None
    else:
        picker.value = value


@questions.register("single_choice")
class SingleChoiceQuestion(Question):
    description = "Pick one option (dropdown or radio buttons)."

    def build(self):
        options = [("Choose an item", None)] + [(o.label, o.key) for o in self.item.options]
        widget = _choice(self.item.display, self.item.label, options)
        self._watch(widget)
        return widget

    @property
    def value(self):
        return self.widget.value

    @value.setter
    def value(self, value):
        keys = [o.key for o in self.item.options]
        if value is not None and value not in keys:
            raise ValueError(f"{self.item.id}: {value!r} is not one of {', '.join(keys)}")
        _choose(self.widget, value)


@questions.register("multiple_choice")
class MultipleChoiceQuestion(Question):
    description = "Pick any number of options (check boxes)."

    def build(self):
        self.boxes = [
            w.Checkbox(description=o.label, value=False, indent=False, style=style_for(w.Checkbox))
            for o in self.item.options
        ]
        for box in self.boxes:
            self._watch(box)
        legend = w.HTML(f'<span class="ab-label">{escape(self.item.label)}</span>')
        return w.VBox([legend, *self.boxes])

    def inputs(self):
        return self.boxes

    @property
    def value(self):
        chosen = [o.key for o, b in zip(self.item.options, self.boxes, strict=True) if b.value]
        return chosen or None

    @value.setter
    def value(self, value):
        value = value or []
        for o, box in zip(self.item.options, self.boxes, strict=True):
            box.value = o.key in value


def descriptor_html(rubric: Rubric, item, key: str | None) -> str:
    """The descriptor of one level for this criterion (its own, else the scale's)."""
    scale = rubric.scale(item.scale)
    level = scale.level(key) if key else None
    if level is None:
        return '<div class="ab-desc ab-muted">Choose a grade to see what it means here.</div>'
    own = (getattr(item, "descriptors", None) or {}).get(level.key)
    text = own or level.descriptor or ""
    colour = level.colour or "#999"
    return (
        f'<div class="ab-desc" style="border-left-color:{colour}" aria-live="polite">'
        f"<strong>{escape(level.label)}</strong>"
        f'<div class="ab-para">{escape(text)}</div></div>'
    )


def compare_html(rubric: Rubric, item) -> str:
    """All levels side by side, folded away until opened (no round trip to the kernel)."""
    scale = rubric.scale(item.scale)
    own = getattr(item, "descriptors", None) or {}
    if not any(own.get(lv.key) or lv.descriptor for lv in scale.levels):
        return ""
    head = "".join(
        f'<th style="border-top:4px solid {lv.colour or "#999"}">{escape(lv.label)}</th>'
        for lv in scale.levels
    )
    cells = "".join(
        f'<td class="ab-para">{escape(own.get(lv.key) or lv.descriptor or "")}</td>'
        for lv in scale.levels
    )
    return (
        f'<details class="ab-compare"><summary>Compare all levels</summary>'
        f'<table class="ab-matrix"><tr>{head}</tr><tr>{cells}</tr></table></details>'
    )


@questions.register("grade")
class GradeQuestion(Question):
    description = "A grade on a scale; the chosen level's descriptor shows beside it."

    def build(self):
        scale = self.rubric.scale(self.item.scale)
        options = [("Choose a grade", None)] + [(lv.label, lv.key) for lv in scale.levels]
        self.picker = _choice(self.item.display, self.item.label, options)
        self.picker.add_class("ab-grade-picker")
        self.descriptor = w.HTML(
            descriptor_html(self.rubric, self.item, None), layout=shared("half")
        )
        self.descriptor.add_class("ab-descriptor")
        self.picker.observe(self._show_descriptor, names="value")
        self._watch(self.picker)
        self.texts = {}
        for box in self.item.evidence:
            area = _text(w.Textarea, box.label, layout=shared("text_area"))
            self._watch(area)
            self.texts[box.id] = area
        left = w.VBox([self.picker, *self.texts.values()], layout=shared("half"))
        parts = [w.HBox([left, self.descriptor], layout=shared("row"))]
        compare = compare_html(self.rubric, self.item)
        if compare:
            parts.append(w.HTML(compare))
        return w.VBox(parts, layout=shared("full"))

    def inputs(self):
        return [self.picker, *self.texts.values()]

    def _show_descriptor(self, change) -> None:
        self.descriptor.value = descriptor_html(self.rubric, self.item, change["new"])

    @property
    def value(self):
        level = self.picker.value
        evidence = {k: t.value for k, t in self.texts.items() if t.value}
        if level is None and not evidence:
            return None
        out = {"level": level}
        if evidence:
            out["evidence"] = evidence
        return out

    @value.setter
    def value(self, value):
        value = value or {}
        level = value.get("level")
        if level is not None and level not in self.rubric.scale(self.item.scale).keys:
            raise ValueError(f"{self.item.id}: {level!r} is not a level of {self.item.scale}")
        _choose(self.picker, level)
        evidence = value.get("evidence") or {}
        for key, area in self.texts.items():
            area.value = evidence.get(key) or ""


@questions.register("yes_no_partial")
class YesNoPartialQuestion(GradeQuestion):
    description = "Yes / No / Partially (any yes-no scale) with an explanation."

    def build(self):
        scale = self.rubric.scale(self.item.scale)
        options = [("Choose an item", None)] + [(lv.label, lv.key) for lv in scale.levels]
        self.picker = _choice(self.item.display, self.item.label, options)
        self._watch(self.picker)
        self.texts = {}
        if self.item.explanation:
            self.texts["explanation"] = _text(
                w.Textarea, self.item.explanation, layout=shared("text_area")
            )
            self._watch(self.texts["explanation"])
        return w.VBox([self.picker, *self.texts.values()], layout=shared("full"))

    @property
    def value(self):
        level = self.picker.value
        text = self.texts["explanation"].value if self.texts else ""
        if level is None and not text:
            return None
        return {"level": level, "explanation": text} if text else {"level": level}

    @value.setter
    def value(self, value):
        value = value or {}
        level = value.get("level")
        if level is not None and level not in self.rubric.scale(self.item.scale).keys:
            raise ValueError(f"{self.item.id}: {level!r} is not a level of {self.item.scale}")
        _choose(self.picker, level)
        if self.texts:
            self.texts["explanation"].value = value.get("explanation") or ""


@questions.register("actions")
class ActionsQuestion(Question):
    description = "A table of actions: what, who is responsible, by when, and when completed."

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
        return w.VBox([head, self.rows_box, self.add], layout=shared("full"))

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


@questions.register("guidance")
class GuidanceQuestion(Question):
    description = "Read-only guidance text in the form."

    def build(self):
        return w.HTML(f'<div class="ab-guidance ab-para">{escape(self.item.text)}</div>')

    def inputs(self):
        return []

    @property
    def value(self):
        return None

    @value.setter
    def value(self, value):
        if value not in (None, ""):
            raise ValueError(f"{self.item.id}: guidance text takes no answer")
