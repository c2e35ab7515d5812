"""Audit documents: every shipped rubric's completed audit as Word and as printable HTML."""

from __future__ import annotations

import base64
import json
import stat
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest

from auditbook.audits.store import AuditStore
from auditbook.cli import main
from auditbook.demo.synthetic import sample_answers
from auditbook.documents.audit_export import audit_html, export_audit, long_date, write_docx
from auditbook.pages.auditor import AuditApp
from auditbook.rubrics import answers as A
from auditbook.rubrics.library import load_library
from auditbook.rubrics.model import Actions, Grade, Rubric, YesNoPartial

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = load_library(ROOT / "rubrics")
RUBRIC_IDS = sorted(LIBRARY.rubrics)  # every shipped rubric, so a new one is tested too
XSS = "<script>alert(1)</script>"
REASON = "Child not deemed safe: inform the Team Manager"


@pytest.fixture
def store(tmp_path):
    return AuditStore(tmp_path / "audits")


def na_section(rubric: Rubric):
    """A section the auditor may mark N/A that holds none of the rules' items."""
    rules = rubric.rules
    keep = {rules.overall_grade, *rules.safety, *(e.when.item for e in rules.escalation)}
    return next(
        s for s in rubric.sections if s.allow_not_applicable and not keep & {i.id for i in s.items}
    )


def completed_audit(store: AuditStore, rubric: Rubric, seed: int = 5) -> dict:
    """A moderated audit: every answer, an N/A section, an escalation, moderator grades that
    agree with some of the auditor's grades and differ from others, a completed action."""
    answers = sample_answers(rubric, seed)
    first_text = next(  # in a section that stays applicable
        i
        for s, i in rubric.items()
        if i.role == "auditor"
        and s != na_section(rubric)
        and (getattr(i, "evidence", None) or getattr(i, "explanation", None))
    )
    value = answers[first_text.id]
    if isinstance(first_text, Grade) and first_text.evidence:
        value["evidence"][first_text.evidence[0].id] = f"Seen {XSS} & noted\nSecond line."
    elif "explanation" in value:
        value["explanation"] = f"Seen {XSS} & noted\nSecond line."
    mods = [i for _, i in rubric.items() if isinstance(i, Grade) and i.moderates]
    levels, agreed = {}, set()
    for n, mod in enumerate(mods):
        theirs = A.level_of(answers.get(mod.moderates))
        keys = rubric.scale(mod.scale).keys
        levels[mod.id] = theirs if n % 2 == 0 else next(k for k in keys if k != theirs)
        if n % 2 == 0:
            agreed.add(mod.id)
    moderation = sample_answers(rubric, seed + 1, role="moderator", levels=levels)
    for _, item in rubric.items():
        given = moderation if item.role == "moderator" else answers
        if isinstance(item, Actions) and item.id in given:
            row = dict(given[item.id][0], action=f"Update the plan {XSS}")
            given[item.id] = [row, dict(row, action="Visit the child", completed="2026-07-01")]
    assert not A.answers_errors(rubric, {**answers, **moderation})
    record = store.create(rubric, "SW-01")
    record.update(
        answers=answers,
        moderation=moderation,
        not_applicable=[na_section(rubric).id],
        status="moderated",
        escalation={
            "reasons": [REASON],
            "confirmed_at": "2026-11-23T10:42:00Z",
            "confirmed_by": "AU-01",
        },
    )
    saved = store.save(record, "MOD-01", event="moderated")
    return {**saved, "agreed": agreed}  # (the test's own note of which grades agree)


def label(text: str) -> str:
    return text.strip().rstrip(":").strip()


def moderators_of(rubric: Rubric, item) -> list[Grade]:
    return [
        i
        for _, i in rubric.items()
        if item.role == "auditor" and isinstance(i, Grade) and i.moderates == item.id
    ]


def level_label(rubric: Rubric, item, answers: dict) -> str:
    return rubric.scale(item.scale).level(answers[item.id]["level"]).label


def section_title(section) -> str:
    return f"{section.number}. {section.title}" if section.number else section.title


def docx_sections(path: Path) -> list[tuple[str, list[str]]]:
    """The document's top-level headings, each with the texts (paragraphs, cells) under it."""
    doc = docx.Document(str(path))
    out: list[tuple[str, list[str]]] = [("", [])]
    for el in doc.element.body.iterchildren():
        if el.tag.endswith("}p"):
            par = docx.text.paragraph.Paragraph(el, doc)
            if par.style.name == "Heading 1":
                out.append((par.text, []))
            elif par.text:
                out[-1][1].append(par.text)
        elif el.tag.endswith("}tbl"):
            table = docx.table.Table(el, doc)
            rows = [[c.text for c in row.cells] for row in table.rows]
            out[-1][1].extend(c for row in rows for c in row)
            out[-1][1].append(rows)  # the whole table too, for row-by-row checks
    return out


@pytest.mark.parametrize("rubric_id", RUBRIC_IDS)
def test_docx_has_every_section_grade_evidence_and_action(rubric_id, store, tmp_path):
    rubric = LIBRARY.rubrics[rubric_id]
    record = completed_audit(store, rubric)
    path = write_docx(record, rubric, tmp_path / "out" / "audit.docx")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    sections = docx_sections(path)
    title_texts = sections[0][1]
    assert docx.Document(str(path)).paragraphs[0].text == rubric.title
    if rubric.organisation:
        assert any(rubric.organisation in t for t in title_texts if isinstance(t, str))

    auditor = [s for s in rubric.sections if s.role == "auditor"]
    moderator = [s for s in rubric.sections if s.role != "auditor"]
    expected = ["Audit details", *map(section_title, auditor[1:]), "Summary"]
    expected += map(section_title, moderator)
    assert [h for h, _ in sections[1:]] == expected
    body = dict(sections[1:])
    na = na_section(rubric)
    answers, moderation = record["answers"], record["moderation"]

    header = body["Audit details"]
    for item in auditor[0].items:
        value = answers.get(item.id) or moderation.get(item.id)
        if item.type in ("short_text", "long_text"):
            assert value in header, item.id
        if item.type == "date":
            assert long_date(value) in header, item.id
        if item.type == "single_choice":
            assert {o.key: o.label for o in item.options}[value] in header

    for section in rubric.sections[1:]:
        texts = body[section_title(section)]
        flat = [t for t in texts if isinstance(t, str)]
        if section is na:
            assert "Not applicable" in flat
            assert not any(isinstance(t, list) for t in texts)
            continue
        for item in section.items:
            source = moderation if item.role == "moderator" else answers
            value = source.get(item.id)
            if isinstance(item, (Grade, YesNoPartial)):
                level = rubric.scale(item.scale).level(value["level"])
                assert any(level.label in t for t in flat), (section.id, item.id)
                for text in (value.get("evidence") or {}).values():
                    assert text in flat, (section.id, item.id)
                if value.get("explanation"):
                    assert value["explanation"] in flat
            for mod in moderators_of(rubric, item):
                mine = rubric.scale(mod.scale).level(moderation[mod.id]["level"]).label
                if mod.id in record["agreed"]:
                    assert f"Moderator agrees: {mine}" in flat, (section.id, mod.id)
                else:
                    assert any(t.startswith(f"Moderator's grade: {mine}") for t in flat), mod.id
            if isinstance(item, Actions):
                tables = [
                    t
                    for t in texts
                    if isinstance(t, list) and t[0][0] == label(item.columns.action)
                ]
                assert len(tables) == 1, item.id
                head, *rows = tables[0]
                cols = item.columns
                assert head == [
                    label(cols.action),
                    label(cols.owner),
                    label(cols.due),
                    "Completed on",
                ]
                assert rows == [
                    [
                        r["action"],
                        r["owner"],
                        long_date(r["due"]) if item.due_kind == "date" else r["due"],
                        long_date(r["completed"]) if "completed" in r else "",
                    ]
                    for r in value
                ]

    summary = [t for t in body["Summary"] if isinstance(t, str)]
    (rows,) = [t for t in body["Summary"] if isinstance(t, list)]
    rules = rubric.rules
    overall, moderated = (
        rubric.item(rules.overall_grade),
        rubric.item(rules.moderated_overall_grade),
    )
    assert ["Overall grade", level_label(rubric, overall, answers)] in rows
    assert ["Moderator's overall grade", level_label(rubric, moderated, moderation)] in rows
    for item_id in rules.safety:
        item = rubric.item(item_id)
        assert ["Safety judgement", level_label(rubric, item, answers)] in rows, item_id
    assert f"Escalated: {REASON}; confirmed by AU-01 at 23 November 2026, 10:42 UTC" in summary
    footer = sections[-1][1][-1]
    for part in (record["id"], "Moderated", f"revision {record['revision']}", rubric.id):
        assert part in footer


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]

    def handle_data(self, data):
        self.text.append(data)


def nasty(rubric: Rubric) -> Rubric:
    """The rubric with markup in every title, label, heading and option a writer shows."""
    keys = {"title", "label", "organisation", "number", "name", "explanation", "tell"}
    keys |= {"action", "owner", "due"}  # the actions table's column headings

    def walk(node):
        if isinstance(node, dict):
            return {
                k: f"{v} {XSS}" if k in keys and isinstance(v, str) else walk(v)
                for k, v in node.items()
            }
        return [walk(v) for v in node] if isinstance(node, list) else node

    return Rubric.model_validate(walk(json.loads(rubric.model_dump_json())))


@pytest.mark.parametrize("rubric_id", RUBRIC_IDS)
def test_html_escapes_every_text_and_runs_nothing(rubric_id, store):
    rubric = nasty(LIBRARY.rubrics[rubric_id])
    record = completed_audit(store, LIBRARY.rubrics[rubric_id])
    page = audit_html(record, rubric)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    parsed = _Page()
    parsed.feed(page)
    assert "script" not in parsed.tags
    assert not {"link", "img", "iframe", "object", "embed", "form", "base"} & set(parsed.tags)
    assert not {"src", "href", "action"} & set(parsed.attrs)
    assert not [a for a in parsed.attrs if a.startswith("on")]
    assert "@media print" in page and "Content-Security-Policy" in page
    text = "".join(parsed.text)
    assert f"Seen {XSS} & noted" in text  # the auditor's words, shown as typed
    if any(isinstance(i, Actions) for _, i in rubric.items()):
        assert f"Update the plan {XSS}" in text
    assert f"{rubric.title}" in text and f"{rubric.sections[1].title}" in text


@pytest.mark.parametrize("rubric_id", RUBRIC_IDS)
def test_html_says_what_the_word_file_says(rubric_id, store, tmp_path):
    rubric = LIBRARY.rubrics[rubric_id]
    record = completed_audit(store, rubric)
    parsed = _Page()
    parsed.feed(audit_html(record, rubric))
    text = "\n".join(parsed.text)
    for heading, texts in docx_sections(write_docx(record, rubric, tmp_path / "a.docx")):
        for t in [heading, *(t for t in texts if isinstance(t, str))]:
            assert t in text


def test_hidden_guidance_and_control_characters(store, tmp_path):
    rubric = LIBRARY.rubrics["swindon-practice-evaluation"]
    record = completed_audit(store, rubric)
    record["answers"]["team"] = "Team\x00A\x0b"  # not allowed in Word's XML: dropped, not fatal
    path = write_docx(record, rubric, tmp_path / "a.docx")
    texts = [t for _, ts in docx_sections(path) for t in ts if isinstance(t, str)]
    assert "TeamA" in texts
    guidance = rubric.item("inadequate_escalation")
    assert not any(guidance.text[:40] in t for t in texts)


def test_export_audit_writes_private_files_beside_the_audits(store):
    rubric = LIBRARY.rubrics["practice-learning-review"]
    record = completed_audit(store, rubric)
    path = export_audit(record["id"], LIBRARY, "docx", store=store)
    assert path == store.root.parent / "documents" / f"{record['id']}.docx"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = export_audit(store.path(record["id"]), rubric, "html", path.parent)
    assert again.name == f"{record['id']}.html" and "<!DOCTYPE html>" in again.read_text("utf-8")
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name, again.name])
    with pytest.raises(ValueError, match="unknown format"):
        export_audit(record, rubric, "pdf", path.parent)
    with pytest.raises(LookupError, match="not descriptor-matrix"):
        export_audit(record, LIBRARY.rubrics["descriptor-matrix"], "html", path.parent)


def test_cli_exports_ids_and_files_and_reports_bad_ones(store, tmp_path, capsys):
    rubric = LIBRARY.rubrics["west-berkshire-learning-audit"]
    one, two = completed_audit(store, rubric), completed_audit(store, rubric, seed=9)
    out = tmp_path / "docs"
    args = ["export", one["id"], str(store.path(two["id"])), "--audits", str(store.root)]
    assert main([*args, "--format", "html", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out / f"{one['id']}.html"), str(out / f"{two['id']}.html")]
    assert main([*args, "--out", str(out)]) == 0  # Word by default
    assert (out / f"{two['id']}.docx").is_file()
    capsys.readouterr()

    (store.root / "broken-1.json").write_text("{not json", encoding="utf-8")
    bad = ["export", "no-such-audit", "broken-1", one["id"], "--audits", str(store.root)]
    assert main([*bad, "--format", "html", "--out", str(tmp_path / "more")]) == 1
    said = capsys.readouterr()
    assert "There is no saved audit called no-such-audit" in said.err
    assert "broken-1.json cannot be opened: it is not valid JSON" in said.err
    assert "Traceback" not in said.err
    assert said.out.split() == [str(tmp_path / "more" / f"{one['id']}.html")]


def test_app_exports_the_chosen_audit_for_download(store):
    rubric = LIBRARY.rubrics["descriptor-matrix"]
    record = completed_audit(store, rubric)
    app = AuditApp(store=store, user="QA-01")
    app.export_format.value = "docx"
    app.list.row(record["id"]).export_btn.click()
    path = store.root.parent / "documents" / f"{record['id']}.docx"
    assert path.is_file() and app.form is None  # still on the landing view
    link = app.download.value
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert f'download="{path.name}"' in link and f'href="data:{mime};base64,' in link
    data = link.split(";base64,", 1)[1].split('"', 1)[0]
    assert base64.b64decode(data) == path.read_bytes()
    assert str(path.parent) not in link and "<script" not in link  # no server path shown

    app.export_format.value = "html"
    app.list.row(record["id"]).export_btn.click()
    assert 'href="data:text/html;base64,' in app.download.value
    assert (path.parent / f"{record['id']}.html").is_file()


def test_app_export_of_a_vanished_audit_says_why(store):
    record = completed_audit(store, LIBRARY.rubrics["descriptor-matrix"])
    app = AuditApp(store=store, user="QA-01")
    store.path(record["id"]).unlink()
    app.list.row(record["id"]).export_btn.click()  # the list as it was before
    assert "There is no saved audit" in app.message.value and not app.download.value


@pytest.mark.parametrize("rubric_id", RUBRIC_IDS)
def test_a_new_empty_draft_exports_without_gaps_mistaken_for_answers(rubric_id, store, tmp_path):
    rubric = LIBRARY.rubrics[rubric_id]
    record = store.create(rubric, "SW-01")
    sections = dict(docx_sections(write_docx(record, rubric, tmp_path / "draft.docx"))[1:])
    texts = [t for ts in sections.values() for t in ts if isinstance(t, str)]
    assert "Not graded" in texts and "Moderator agrees" not in " ".join(texts)
    for section in (s for s in rubric.sections if s.role == "moderator"):
        assert sections[section_title(section)][0] == "Not yet moderated."
    assert "Not escalated." in sections["Summary"]
    assert "Draft" in texts[-1]
    parsed = _Page()
    parsed.feed(audit_html(record, rubric))
    assert "Not yet moderated." in parsed.text
