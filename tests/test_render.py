"""The trainer's HTML view of a rubric."""

from __future__ import annotations

from auditbook import load_rubric
from auditbook.library import load_library
from auditbook.pages import guidance_page
from auditbook.render import rubric_html
from auditbook.rubric import Grade


def test_every_descriptor_and_prompt_is_shown(rubric_path):
    from html import escape

    from auditbook import Guidance
    from auditbook.render import guidance_html

    doc = load_rubric(rubric_path)
    page = guidance_html(doc) if isinstance(doc, Guidance) else rubric_html(doc)
    texts = []
    for scale in doc.scales:
        texts += [lv.label for lv in scale.levels] + [lv.descriptor for lv in scale.levels]
    if not isinstance(doc, Guidance):
        for section in doc.sections:
            texts += [section.title, *section.prompts]
            for item in section.items:
                texts.append(getattr(item, "text", None) or item.label)
                if isinstance(item, Grade):
                    texts += list((item.descriptors or {}).values())
    for text in filter(None, texts):
        assert escape(text) in page, text[:80]


def test_text_from_the_file_is_escaped(tmp_path):
    src = open("docs/examples/example-audit.yaml", encoding="utf-8").read()
    bad = src.replace("title: Assessment", "title: <script>alert(1)</script>")
    path = tmp_path / "x.yaml"
    path.write_text(bad, encoding="utf-8")
    page = rubric_html(load_rubric(path))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_descriptor_matrix_puts_levels_side_by_side():
    rubric = load_rubric("docs/examples/example-audit.yaml")
    page = rubric_html(rubric)
    row = page.split('<tr data-item="assessment_grade">')[1].split("</tr>")[0]
    assert row.count("<td>") == 4  # one cell per level
    assert "Assessment is timely and analytical." in row


def test_guidance_page_switches_rubric():
    library = load_library()
    page = guidance_page()
    picker, body = page.children
    for key in list(library.rubrics) + list(library.guidance):
        picker.value = key
        assert f'"{key}"' in body.value
