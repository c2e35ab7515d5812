"""The auditor's list of saved audits (auditbook.pages.audit_list), without a browser: search
as you type, each filter, the sorts, pages of 25, what it says when nothing matches, rows that
open their audit, and the same list from the files when the audit index cannot be used."""

from __future__ import annotations

import shutil
import sqlite3

import ipywidgets as w
import pytest

from auditbook.audits.store import AuditStore
from auditbook.demo import generate
from auditbook.pages.audit_list import FILTERS, PAGE_SIZE, SORT_CHOICES, month_words
from auditbook.pages.auditor import AuditApp

N = 60  # demo audits: three pages of the list


@pytest.fixture(scope="module")
def demo(tmp_path_factory, library):
    """A folder of demo audits, written once for the module (tests use copies)."""
    folder = tmp_path_factory.mktemp("demo")
    generate(folder, n=N, seed=11, months=6, library=library)
    return folder


@pytest.fixture
def store(demo, tmp_path):
    shutil.copytree(demo, tmp_path / "audits")
    return AuditStore(tmp_path / "audits")


@pytest.fixture
def app(store):
    return AuditApp(store=store, user="QA-01")


@pytest.fixture
def rows(store, library):
    """Every audit as the index lists it, newest saved first."""
    store.index.refresh(library)
    return store.index.search(limit=None)[0]


def shown(app) -> list[str]:
    return [r["id"] for r in app.list.visible()]


def tree(widget: w.Widget) -> list[w.Widget]:
    """The widget and every widget inside it."""
    out = [widget]
    for child in getattr(widget, "children", ()):
        out += tree(child)
    return out


def count(app) -> str:
    return app.list.count.value


def test_the_first_page_is_the_newest_25_and_there_is_no_dropdown_of_every_audit(app, rows):
    assert shown(app) == [r["id"] for r in rows[:PAGE_SIZE]]
    assert f"Showing 1–25 of {N} audits" in count(app)
    assert "Saved audit" not in {getattr(x, "description", "") for x in app.widget.children}
    biggest = max(len(x.options) for x in tree(app.widget) if isinstance(x, w.Dropdown))
    assert biggest < N  # no dropdown lists the audits themselves


def test_search_by_part_of_a_case_id_or_an_audit_id(app, rows):
    case = rows[30]["case_id"]
    app.list.search.value = case[2:]
    assert rows[30]["id"] in shown(app)
    expected = [r["id"] for r in rows if case[2:].casefold() in r["case_id"].casefold()]
    assert shown(app) == expected[:PAGE_SIZE]
    assert f"Showing {len(expected)} audit" in count(app) and f"of {N} in all" in count(app)
    app.list.search.value = rows[7]["id"].upper()  # an audit id, in any case
    assert shown(app) == [rows[7]["id"]]
    assert "Showing 1 audit (of" in count(app)
    app.list.search.value = f"  {case}  "  # spaces around a pasted id
    assert rows[30]["id"] in shown(app)


@pytest.mark.parametrize("attr, column", [(f[0], f[1]) for f in FILTERS])
def test_each_filter_keeps_only_its_audits(app, rows, attr, column):
    dropdown = getattr(app.list, attr)
    label, value = dropdown.options[1]  # "All …" first, then the values
    assert dropdown.options[0][1] == "" and dropdown.options[0][0].startswith("All ")
    assert len(dropdown.options) == 1 + len({r[column] for r in rows if r[column]})
    dropdown.value = value
    expected = [r["id"] for r in rows if r[column] == value]
    assert 0 < len(expected) < N
    assert shown(app) == expected[:PAGE_SIZE]
    if attr == "month":
        assert label == month_words(value)
        assert value == max(r["month"] for r in rows)  # the newest month first
    if attr == "template":
        assert label == app.library.rubrics[value].title
    # filters add up, and the search narrows them further
    app.list.search.value = "no such case"
    assert shown(app) == [] and "No audits match" in count(app)


@pytest.mark.parametrize("label", list(SORT_CHOICES))
def test_each_sort(app, rows, label):
    key, newest = SORT_CHOICES[label]
    app.list.sort.value = label
    column = {"saved": "saved_at", "case": "case_id", "template": "rubric_id"}.get(key, key)
    column = {"month": "audit_date"}.get(column, column)
    values = [r[column] for r in rows]
    listed = {r["id"]: r[column] for r in rows}
    got = [listed[i] for i in shown(app)]
    assert got == sorted(values, reverse=newest)[:PAGE_SIZE]


def test_pages_of_25_with_previous_and_next(app, rows):
    ids = [r["id"] for r in rows]
    lst = app.list
    assert lst.previous_btn.disabled and not lst.next_btn.disabled
    assert "Page 1 of 3" in lst.page_info.value and lst.pager.layout.display == ""
    lst.next_btn.click()
    assert shown(app) == ids[25:50] and "Showing 26–50 of 60 audits" in count(app)
    assert not lst.previous_btn.disabled and not lst.next_btn.disabled
    lst.next_btn.click()
    assert shown(app) == ids[50:] and "Showing 51–60 of 60 audits" in count(app)
    assert lst.next_btn.disabled and "Page 3 of 3" in lst.page_info.value
    hidden = [r for r in lst.rows if r.audit_id is None]
    assert len(hidden) == 15 and all(r.box.layout.display == "none" for r in hidden)
    lst.previous_btn.click()
    assert shown(app) == ids[25:50]
    lst.search.value = rows[0]["case_id"]  # a new search starts at its first page
    assert lst.page == 0 and lst.pager.layout.display == "none"


def test_nothing_matching_says_so_and_the_filters_clear(app, rows):
    lst = app.list
    assert lst.clear_btn.layout.display == "none"
    lst.search.value = "zzz"
    assert shown(app) == [] and lst.head.layout.display == "none"
    assert "No audits match" in count(app) and "Clear the search or the filters" in count(app)
    assert lst.clear_btn.layout.display == ""
    lst.status.value = lst.status.options[1][1]
    lst.clear_btn.click()
    assert lst.search.value == "" and lst.status.value == ""
    assert shown(app) == [r["id"] for r in rows[:PAGE_SIZE]]


def test_an_empty_folder_says_there_are_no_audits_yet(tmp_path):
    app = AuditApp(store=AuditStore(tmp_path / "none yet"), user="QA-01")
    assert shown(app) == [] and "No saved audits yet" in count(app)
    assert app.list.controls.layout.display == "none" == app.list.sort.layout.display
    assert app.export_format.layout.display == "none" and app.list.rows == []
    assert not (tmp_path / "none yet").exists()  # looking made no folder


def test_rows_resume_moderate_and_export_their_audit(store, rows):
    app = AuditApp(store=store, user="QA-01", export_dir=store.root.parent / "documents")
    submitted = next(r for r in rows[:PAGE_SIZE] if r["status"] == "submitted")
    draft = next(r for r in rows[:PAGE_SIZE] if r["status"] == "draft")
    row = app.list.row(submitted["id"])
    assert f'data-whose="case {submitted["case_id"]}"' in row.cells.value  # the buttons' names
    row.moderate_btn.click()
    assert app.form.audit_id == submitted["id"] and app.form.role == "moderator"
    app.back_btn.click()
    app.list.row(draft["id"]).resume_btn.click()
    assert app.form.audit_id == draft["id"] and app.form.role == "auditor"
    app.back_btn.click()
    # A draft cannot be moderated: the reason shows under its row.
    row = app.list.row(draft["id"])
    row.moderate_btn.click()
    assert app.form is None and "not been submitted" in app.message.value
    assert app.list.note in row.box.children
    app.list.row(submitted["id"]).export_btn.click()
    assert f'download="{submitted["id"]}.docx"' in app.download.value
    assert app.message.value == ""
    # another search moves the note back above the list, emptied
    app.list.search.value = "zzz"
    assert app.list.note in app.list.note_slot.children and app.download.value == ""


def test_a_saved_audit_is_first_when_back_on_the_list(app):
    form = app.new("practice-learning-review")
    form.question("id_number").value = "C-NEW-1"
    assert form.save()
    app.back_btn.click()
    assert shown(app)[0] == form.audit_id and "C-NEW-1" in app.list.html()
    assert f"of {N + 1} audits" in count(app)


def test_an_unreadable_file_comes_last_with_its_reason_and_no_buttons(store):
    (store.root / "zz-broken.json").write_text("{not json", encoding="utf-8")
    app = AuditApp(store=store, user="QA-01")
    app.list.sort.value = "Case id, A to Z"
    app.list.go(2)
    last = app.list.visible()[-1]
    assert last["id"] == "zz-broken" and "Cannot be opened" in last["html"]
    assert app.list.row("zz-broken").resume_btn.disabled
    app.list.team.value = app.list.team.options[1][1]  # a filter: only readable audits
    assert "zz-broken" not in shown(app)


def test_typing_reuses_the_rows_widgets(app, rows, monkeypatch):
    made = []
    monkeypatch.setattr(w.Widget, "_widget_construction_callback", made.append)
    boxes = [r.box for r in app.list.rows]
    for n in range(1, 6):
        app.list.search.value = rows[3]["case_id"][:n]
    app.list.next_btn.click()
    app.list.search.value = ""
    assert made == [] and [r.box for r in app.list.rows] == boxes


def test_without_the_index_the_list_is_read_from_the_files(store, rows, monkeypatch):
    with_index = AuditApp(store=store, user="QA-01")

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    without = AuditApp(store=AuditStore(store.root), user="QA-01")
    monkeypatch.setattr(without.store.index, "refresh", broken)
    monkeypatch.setattr(without.store.index, "search", broken)
    without.refresh()
    assert without.list.from_files is not None
    assert shown(without) == shown(with_index)
    assert f"Showing 1–25 of {N} audits" in count(without)
    for lst in (with_index.list, without.list):
        lst.search.value = rows[5]["case_id"][3:]
        lst.template.value = rows[5]["rubric_id"]
        lst.sort.value = "Case id, A to Z"
    assert shown(without) == shown(with_index) and rows[5]["id"] in shown(without)
    without.list.clear()
    without.list.status.value = "draft"
    without.list.auditor.value = without.list.auditor.options[1][1]
    wanted = without.list.auditor.value
    expected = [r["id"] for r in rows if r["status"] == "draft" and r["auditor"] == wanted]
    assert shown(without) == expected[:PAGE_SIZE]
    without.list.row(expected[0]).resume_btn.click()
    assert without.form.audit_id == expected[0]


def test_the_index_failing_mid_search_falls_back_to_the_files(app, rows, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("the disk went away")

    monkeypatch.setattr(app.store.index, "search", broken)
    app.list.search.value = rows[2]["case_id"]
    assert rows[2]["id"] in shown(app) and app.list.from_files is not None
