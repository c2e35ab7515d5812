"""Question types: one widget class per rubric item type, all with the same contract.

Every question has `widget` (what the form shows), `value` (get and set, in the plain values of
:mod:`auditbook.rubrics.answers`), `reset()`, `observe(handler)`, `disabled` and `focus()`.
Types are registered by name in `questions`, the same call an extension would use.
"""

from __future__ import annotations

import datetime as dt
import re
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
            "auto": lambda: w.Layout(width="auto"),
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

    # True for question types whose build() places `notes` and `alert` itself (beside the
    # widget whose label they belong under); others get them below their one labelled input.
    places_notes: ClassVar[bool] = False

    def __init__(self, item, rubric: Rubric):
        self.item, self.rubric = item, rubric
        self._handlers: list[Callable] = []
        self._quiet = False
        self._error: str | None = None
        # Hint text and the error message, shown under the question's label (GOV.UK's
        # order: label, hint, error, input) and tied to its inputs with aria-describedby by
        # the page script auditbook.web.scripts.DESCRIBED_BY.
        self.notes = w.HTML(notes_html(item.id, getattr(item, "help", None)))
        self.notes.add_class("ab-q-notes")
        # Said at the question whose answer fired an escalation rule.
        self.alert = w.HTML()
        self.alert.add_class("ab-q-alert")
        inner = self.field = self.build()
        if self.places_notes:
            self.widget = inner
        else:
            labelled(inner, item.id)
            self.widget = w.VBox([inner, self.notes, self.alert], layout=shared("full"))
        self.widget.add_class("ab-q")
        self.widget.add_class(f"ab-q-{item.id}")

    # -- to override
    def build(self) -> w.Widget:
        raise NotImplementedError

    def inputs(self) -> list[w.Widget]:
        """The widgets a person types or clicks into (for disabling and focus)."""
        return [self.field]

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
        """Set the value without telling observers (used when loading an audit, and to put a
        read-only answer back); read-only stays read-only, in any boxes the value rebuilt."""
        self._quiet, read_only = True, self.inputs() and self.disabled
        try:
            self.value = value
        finally:
            self._quiet = False
        if read_only:
            self.disabled = True

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

    # -- messages at the question
    @property
    def error(self) -> str | None:
        """The error message shown at the question (None: no error)."""
        return self._error

    @error.setter
    def error(self, message: str | None) -> None:
        if message == self._error:
            return
        self._error = message
        said = message[:1].upper() + message[1:] if message else None
        self.notes.value = notes_html(self.item.id, getattr(self.item, "help", None), said)
        if message:
            self.widget.add_class("ab-field-error")
        else:
            self.widget.remove_class("ab-field-error")

    def say_escalation(self, tells: list[str]) -> None:
        """Show (or clear, with []) the escalation this answer fired, at the question."""
        value = escalation_html(self.item.id, tells)
        if self.alert.value != value:
            self.alert.value = value


def notes_html(key: str, hint: str | None, error: str | None = None) -> str:
    """Hint text and error message of one input (ids the page script ties to the input)."""
    out = ""
    if hint:
        out += (
            f'<div class="ab-hint ab-para" id="ab-hint-{escape(key)}" data-for="{escape(key)}">'
            f"{escape(hint)}</div>"
        )
    if error:
        out += (
            f'<p class="ab-error-message" id="ab-error-{escape(key)}" data-for="{escape(key)}">'
            f'<span class="ab-visually-hidden">Error: </span>{escape(error)}</p>'
        )
    return out


def escalation_html(key: str, tells: list[str]) -> str:
    if not tells:
        return ""
    said = "".join(f"<p>{escape(t)}</p>" for t in tells)
    return (
        f'<div class="ab-esc-at-question" role="alert" id="ab-esc-{escape(key)}" '
        f'data-for="{escape(key)}"><div><strong>'
        '<span class="ab-visually-hidden">Warning: </span>Escalate now.</strong>'
        f"{said}</div></div>"
    )


def labelled(widget: w.Widget, key: str) -> w.Widget:
    """Mark a stacked input (label above it) as the one its hint and error belong to: the
    page script ties them to its input, and CSS sets them between its label and input."""
    widget.add_class("ab-contents")
    widget.add_class(f"ab-in-{key}")
    return widget


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
        return self.field.value or None

    @value.setter
    def value(self, value):
        self.field.value = value or ""


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
        return self.field.value.isoformat() if self.field.value else None

    @value.setter
    def value(self, value):
        self.field.value = dt.date.fromisoformat(value) if value else None


@questions.register("month")
class MonthQuestion(ShortTextQuestion):
    description = "A month, stored as YYYY-MM."

    def build(self):
        widget = _text(w.Text, self.item.label, placeholder="YYYY-MM")
        widget.add_class("ab-narrow")
        self._watch(widget)
        return widget

    @property
    def value(self):
        text = self.field.value.strip()
        return month_of(text) or text or None

    @value.setter
    def value(self, value):
        self.field.value = value or ""


_MONTHS = {
    m.lower(): n
    for n in range(1, 13)
    for m in (dt.date(2000, n, 1).strftime("%b"), dt.date(2000, n, 1).strftime("%B"))
}
_MONTHS["sept"] = 9


def month_of(text: str) -> str | None:
    """ "2026-11" for "2026-11", "Nov 2026", "November 2026", "11/2026" or "11-2026"; else None
    (the text is then kept as typed and reported at the field)."""
    parts = [p for p in re.split(r"[\s/.,-]+", text.strip().lower()) if p]
    if len(parts) != 2:
        return None
    a, b = parts
    if a.isdigit() and len(a) == 4:
        a, b = b, a  # year first
    if not (b.isdigit() and len(b) == 4):
        return None
    month = int(a) if a.isdigit() else _MONTHS.get(a)
    if not month or not 1 <= month <= 12:
        return None
    return f"{b}-{month:02d}"


@questions.register("number")
class NumberQuestion(ShortTextQuestion):
    description = "A number; text that is not a number is kept and reported."

    def build(self):
        widget = _text(w.Text, self.item.label)
        widget.add_class("ab-narrow")
        self._watch(widget)
        return widget

    @property
    def value(self):
        text = self.field.value.strip()
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return text  # answers.value_error explains it
        return int(number) if number.is_integer() else number

    @value.setter
    def value(self, value):
        self.field.value = "" if value is None else str(value)


def _choice(display: str, label: str, options: list[tuple[str, str | None]]) -> w.Widget:
    if display == "radio":
        real = [o for o in options if o[1] is not None]
        return _stacked(
            w.RadioButtons(
                description=label, options=real, index=None, style=style_for(w.RadioButtons)
            )
        )
    # index 0, the prompt ("Choose a grade"): value=None would show an empty box instead
    return _stacked(
        w.Dropdown(description=label, options=options, index=0, style=style_for(w.Dropdown))
    )


def _choose(picker: w.Widget, value) -> None:
    """Set a dropdown or radio picker; radio buttons clear by index, not by value, and a
    dropdown cleared shows its prompt."""
    if value is None:
        picker.index = None if isinstance(picker, w.RadioButtons) else 0
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
        return self.field.value

    @value.setter
    def value(self, value):
        keys = [o.key for o in self.item.options]
        if value is not None and value not in keys:
            raise ValueError(f"{self.item.id}: {value!r} is not one of {', '.join(keys)}")
        _choose(self.field, value)


@questions.register("multiple_choice")
class MultipleChoiceQuestion(Question):
    description = "Pick any number of options (check boxes)."
    places_notes = True

    def build(self):
        self.boxes = [
            w.Checkbox(description=o.label, value=False, indent=False, style=style_for(w.Checkbox))
            for o in self.item.options
        ]
        for box in self.boxes:
            self._watch(box)
        legend = w.HTML(f'<span class="ab-label">{escape(self.item.label)}</span>')
        for box in self.boxes:
            box.add_class(f"ab-in-{self.item.id}")
        return w.VBox([legend, self.notes, *self.boxes, self.alert])

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
    places_notes = True

    def build(self):
        scale = self.rubric.scale(self.item.scale)
        options = [("Choose a grade", None)] + [(lv.label, lv.key) for lv in scale.levels]
        self.picker = labelled(_choice(self.item.display, self.item.label, options), self.item.id)
        self.picker.add_class("ab-grade-picker")
        self.descriptor = w.HTML(
            descriptor_html(self.rubric, self.item, None), layout=shared("half")
        )
        self.descriptor.add_class("ab-descriptor")
        self.picker.observe(self._show_descriptor, names="value")
        self._watch(self.picker)
        self.texts = {}
        boxes = []
        for box in self.item.evidence:
            key = f"{self.item.id}-{box.id}"
            area = labelled(_text(w.Textarea, box.label, layout=shared("text_area")), key)
            self._watch(area)
            self.texts[box.id] = area
            hint = [w.HTML(notes_html(key, box.help))] if box.help else []
            for h in hint:  # between the box's label and the box, as the question's own
                h.add_class("ab-q-notes")
            # always in a box of its own: its label's place (order) must not mix with the
            # grade's label and select, which share the column
            boxes.append(w.VBox([area, *hint], layout=shared("full")))
        left = w.VBox([self.picker, self.notes, *boxes], layout=shared("half"))
        parts = [w.HBox([left, self.descriptor], layout=shared("row"))]
        compare = compare_html(self.rubric, self.item)
        if compare:
            parts.append(w.HTML(compare))
        return w.VBox([*parts, self.alert], layout=shared("full"))

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
        self.picker = labelled(_choice(self.item.display, self.item.label, options), self.item.id)
        self._watch(self.picker)
        self.texts = {}
        if self.item.explanation:
            self.texts["explanation"] = _text(
                w.Textarea, self.item.explanation, layout=shared("text_area")
            )
            self._watch(self.texts["explanation"])
        return w.VBox(
            [self.picker, self.notes, *self.texts.values(), self.alert], layout=shared("full")
        )

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


@questions.register("guidance")
class GuidanceQuestion(Question):
    description = "Read-only guidance text in the form."
    places_notes = True

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
