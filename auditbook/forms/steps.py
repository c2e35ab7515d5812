"""Parts of the form that ask before acting or point at questions: the confirmation step
(Submit, Reopen with its reason) and lists of buttons that go to a question."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from .messages import error_summary_html
from .questions import shared, style_for

REASON_ERROR = (
    '<p class="ab-error-message" id="ab-error-reopen-reason" data-for="reopen-reason">'
    '<span class="ab-visually-hidden">Error: </span>Enter why you are reopening the audit</p>'
)


class Confirmation:
    """GOV.UK's "are you sure" step, in the page: what will happen, optionally a reason
    (required), and two buttons. Hidden until `ask`."""

    def __init__(self) -> None:
        self.text = w.HTML()
        self.reason = w.Textarea(
            description="Why are you reopening it?",
            style=style_for(w.Textarea),
            layout=shared("text_area"),
        )
        self.reason.add_class("ab-stack")
        self.reason.add_class("ab-in-reopen-reason")
        self.reason_error = w.HTML()
        self.yes = w.Button(button_style="success")
        self.no = w.Button(description="Cancel")
        self.no.on_click(lambda _: self.hide())
        self.yes.on_click(lambda _: self._confirmed())
        self._action: Callable[[], object] | None = None
        self.widget = w.VBox(
            [
                self.text,
                self.reason_error,
                self.reason,
                w.HBox([self.yes, self.no], layout=shared("row")),
            ],
            layout=w.Layout(display="none"),
        )
        self.widget.add_class("ab-confirm")

    def ask(self, html: str, yes: str, action: Callable[[], object], reason: bool = False):
        self.text.value = html
        self.yes.description = yes
        self.yes.button_style = "danger" if reason else "success"
        self.reason.value = ""
        self.reason.layout.display = "" if reason else "none"
        self.reason_error.value = ""
        self._action = action
        self.widget.layout.display = ""

    def hide(self) -> None:
        self._action = None
        self.widget.layout.display = "none"

    def missing_reason(self) -> None:
        self.reason_error.value = REASON_ERROR

    def _confirmed(self) -> None:
        if self._action is not None:
            self._action()


def go_to_buttons(entries: list[tuple[str, str]], go_to: Callable[[str], None], limit: int = 40):
    """A button per (item id, text) that opens the item's question."""
    buttons = []
    for item_id, text in entries[:limit]:
        b = w.Button(description=text[:200], tooltip="Go to this question")
        b.layout = shared("auto")
        b.on_click(lambda _, i=item_id: go_to(i))
        buttons.append(b)
    return buttons


def missing_list(gaps, go_to: Callable[[str], None]) -> list:
    """What is missing: a heading counting the questions, and a button per question."""
    if not gaps:
        return []
    by_item: dict[str, list[str]] = {}
    for gap in gaps:
        by_item.setdefault(gap.item_id, []).append(gap.message)
    n = len(by_item)
    head = w.HTML(
        f"<strong>What is missing: {n} question{'s' if n != 1 else ''} "
        f"still need{'s' if n == 1 else ''} an answer</strong>"
    )
    entries = [(i, "; ".join(m)) for i, m in by_item.items()]
    more = [w.HTML(f"… and {n - 40} more")] if n > 40 else []
    return [head, *go_to_buttons(entries, go_to), *more]


def error_summary(box: w.Box, rubric, errors: dict[str, str], go_to) -> None:
    """Fill GOV.UK's error summary: a link (button) per answer the form cannot accept."""
    if not errors:
        box.children = []
        box.remove_class("ab-error-summary")
        return
    box.add_class("ab-error-summary")
    entries = [
        (i, f"{rubric.item(i).label.strip().rstrip(':')}: {message}")
        for i, message in errors.items()
    ]
    box.children = [w.HTML(error_summary_html(len(errors))), *go_to_buttons(entries, go_to)]
