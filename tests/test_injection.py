"""No script injection: hostile text typed into every text-bearing answer of every shipped
rubric is shown as text, never as markup, on every page that shows it.

Each payload fills every short and long text, grade evidence box, yes/no explanation and
action cell (header facts such as the case id, team and auditor included) of an auditor's and a
moderator's answers; the audit is saved and submitted through the form, and every surface that
writes HTML is parsed: the landing list, the form's HTML widgets, the dashboard, the HTML export
(through the app's Export link), and the guidance page's search.
"""

from __future__ import annotations

import base64
from html.parser import HTMLParser
from urllib.parse import unquote

import ipywidgets as w
import pytest

from auditbook.analytics import load_audits
from auditbook.audits.store import AuditStore
from auditbook.demo.synthetic import sample_answers
from auditbook.documents.audit_export import audit_html
from auditbook.forms.form import AuditForm
from auditbook.pages.auditor import AuditApp
from auditbook.pages.dashboard import Dashboard
from auditbook.pages.guidance import GuidancePage
from auditbook.rubrics.library import load_library

LIBRARY = load_library()
PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "&lt;b&gt;",  # shown as typed: escaped once, not twice, and never unescaped
]
SURFACES = ["landing list", "form", "dashboard", "HTML export", "guidance search"]
COUNTS: dict[str, int] = {}


class Page(HTMLParser):
    """What a browser would make of some HTML: its elements and attributes, and its text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def injected(html: str) -> list[str]:
    """Elements or attributes in `html` that the payloads could have made."""
    found = []
    for tag, attrs in Page(html).tags:
        if tag in ("script", "iframe", "object", "embed"):
            found.append(f"<{tag}>")
        if tag == "img" and attrs.get("src") == "x":
            found.append("<img src=x>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}>")
            if name in ("href", "src", "action") and (value or "").lower().startswith(
                "javascript:"
            ):
                found.append(f"<{tag} {name}=javascript:>")
    return found


def text_of(html: str) -> str:
    return "".join(Page(html).text)


def html_widgets(widget: w.Widget):
    """Every HTML widget under `widget`."""
    if isinstance(widget, (w.HTML, w.HTMLMath)):
        yield widget
    for child in getattr(widget, "children", ()):
        yield from html_widgets(child)


def hostile(rubric, role: str, payload: str) -> dict:
    """A role's valid sample answers with the payload in every text it can hold."""
    answers = sample_answers(rubric, seed=3, role=role)
    for _, item in rubric.items():
        if item.role != role or (item.show_when is not None and item.id not in answers):
            continue
        if item.type in ("short_text", "long_text"):
            answers[item.id] = payload
        elif item.type == "grade" and item.id in answers:
            answers[item.id]["evidence"] = {box.id: payload for box in item.evidence}
            if not item.evidence:
                answers[item.id].pop("evidence", None)
        elif item.type == "yes_no_partial" and item.id in answers and item.explanation:
            answers[item.id]["explanation"] = payload
        elif item.type == "actions":
            rows = answers.get(item.id) or [{"due": "2026-12-01"}]
            answers[item.id] = [
                {
                    **row,
                    "action": payload,
                    "owner": payload,
                    "due": row.get("due") if item.due_kind == "date" else payload,
                }
                for row in rows
            ]
    return answers


def check(surface: str, html: str, payload: str, shown: bool = True) -> None:
    assert injected(html) == [], f"{surface}: the payload {payload!r} became markup"
    if shown:
        assert payload in text_of(html), f"{surface}: {payload!r} is not shown as typed"
    COUNTS[surface] = COUNTS.get(surface, 0) + 1


def fill_and_moderate(store: AuditStore, rubric, payload: str) -> tuple[dict, list[AuditForm]]:
    """An audit of `rubric` with the payload in every text, submitted and moderated through
    the form; returns the saved record and the two forms."""
    auditor = hostile(rubric, "auditor", payload)
    form = AuditForm(rubric, store, user=payload, autosave_delay=None)
    for _, item in rubric.items():
        if item.role == "auditor":
            form.question(item.id)
    form.data = auditor
    assert form.save() and form.submit(), form._message.value
    for item_id, value in auditor.items():  # the boxes hold the text exactly as typed
        assert form.questions[item_id].value == value
    moderator = hostile(rubric, "moderator", payload)
    # a second reviewer (the auditor may not moderate their own audit), as hostile
    mod = AuditForm(rubric, store, form.audit_id, role="moderator", user=payload + " 2")
    for _, item in rubric.items():
        mod.question(item.id)
    mod.data = moderator
    assert mod.save(), mod._message.value
    record = store.load(form.audit_id)
    assert record["answers"] == auditor and record["moderation"] == moderator
    return record, [form, mod]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_is_shown_as_text_everywhere(tmp_path, monkeypatch, payload):
    """One audit of every shipped rubric per payload, in one folder (one dashboard over all)."""
    monkeypatch.setattr(
        "auditbook.pages.auditor.load_library", lambda folder=None: LIBRARY
    )  # 1.7 s each
    store = AuditStore(tmp_path / "audits")
    records = {}
    for rubric in LIBRARY.rubrics.values():
        record, forms = fill_and_moderate(store, rubric, payload)
        records[rubric.id] = record
        for f in forms:
            panels = [f.widget, *f._panels.values()]
            for html in {h.value for p in panels for h in html_widgets(p)}:
                check("form", html, payload, shown=False)
            for widget in {*f.widget.children, *f._panels.values()}:  # text, never markup
                for x in [widget, *getattr(widget, "children", ())]:
                    assert not getattr(x, "description_allow_html", False)

    app = AuditApp(store=store, user="QA", export_dir=tmp_path / "documents")
    check("landing list", app.list.html(), payload)
    app.list.search.value = payload[:20]  # the search box takes it as text, found or not
    check("landing list", app.list.html(), payload, shown=False)
    app.list.clear()

    frames = load_audits(store, library=LIBRARY, progress=False)
    titles = {r.id: r.title for r in LIBRARY.rubrics.values()}
    page = Dashboard(frames, titles, source=str(store.root))
    shown = "".join(h.value for h in html_widgets(page.widget))  # every template together
    check("dashboard", shown, payload)

    app.refresh()
    for rubric_id, record in records.items():
        assert app.export(record["id"], "html")
        href = next(a["href"] for t, a in Page(app.download.value).tags if t == "a")
        exported = base64.b64decode(unquote(href.split(",", 1)[1])).decode("utf-8")
        assert exported == audit_html(record, LIBRARY.rubrics[rubric_id])
        check("HTML export", exported, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_search_is_shown_as_text(payload):
    guidance = GuidancePage(LIBRARY)
    guidance.query.value = payload
    check("guidance search", guidance.summary.value, payload)
    for h in html_widgets(guidance.results):
        check("guidance search", h.value, payload, shown=False)


def test_the_checker_sees_markup():
    for payload in PAYLOADS[:3]:
        assert injected(f"<p>{payload}</p>")
    assert injected('<a href="javascript:alert(1)">x</a>')
    assert injected("<p>&lt;script&gt;</p>") == []


def test_zz_counts():
    """Printed for docs/reliability.md: payloads tried, surfaces, pages parsed."""
    print(
        f"\ninjection: {len(PAYLOADS)} payloads x {len(LIBRARY.rubrics)} rubrics x "
        f"{len(SURFACES)} surfaces; HTML pieces parsed per surface: {COUNTS}; markup made: 0"
    )
