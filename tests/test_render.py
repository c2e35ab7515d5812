"""The trainer's HTML view of a rubric."""

from __future__ import annotations

import re

import ipywidgets as widgets

from auditbook import load_rubric
from auditbook.pages.guidance import GuidancePage, guidance_page
from auditbook.rubrics.library import load_library
from auditbook.rubrics.model import Grade
from auditbook.training.rubric_html import rubric_html


def test_every_descriptor_and_prompt_is_shown(rubric_path):
    from html import escape

    from auditbook import Guidance
    from auditbook.training.rubric_html import guidance_html

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
    page = GuidancePage(library)
    for key in list(library.rubrics) + list(library.guidance):
        page.template.value = key
        assert f'"{key}"' in page.whole.value  # the whole template, as before
        assert page.tabs.titles == ("Compare descriptors", "Whole template")
    assert isinstance(guidance_page("descriptor-matrix"), widgets.VBox)


def test_guidance_page_compares_a_criterion_level_by_level():
    page = GuidancePage(load_library(), "descriptor-matrix")
    assert page.section.value == "s47_investigation"
    assert page.criterion.value == "strategy_rationale"  # the first criterion opens
    page.section.value = "child_centred_practice"
    assert page.criterion.value == "child_golden_thread"
    page.section.value = "s47_investigation"
    page.criterion.value = "s47_child_seen_alone"
    html = page.levels.value
    assert "<h3>S 47 – child seen alone</h3>" in html
    heads = re.findall(r'<th scope="col" data-level="([a-z_]+)"', html)
    assert heads == [
        "outstanding",
        "good",
        "requires_improvement",
        "inadequate",
        "inadequate_critical",
    ]
    good = html.split('<td data-level="good">')[1].split("</td>")[0]
    assert "Marked: what it adds to Requires Improvement" in good
    assert re.findall(r'<ins class="ab-added">(?:<span class="ab-sr">.*?</span>)?(.*?)<', good) == [
        "and",
        ",",
        "Direct work is in relation to the presenting risk.",
    ]
    page.highlight.value = False
    assert "<ins" not in page.levels.value and "Marked:" not in page.levels.value
    assert "Child seen alone and wishes, and feelings recorded." in page.levels.value


def test_guidance_page_search_shows_a_result():
    page = GuidancePage(load_library(), "practice-learning-review")
    page.tabs.selected_index = page.WHOLE
    page.query.value = "seen alone"
    assert "12 results for “seen alone”" in page.summary.value
    rows = page.results.children
    assert len(rows) == 12
    hit = rows[5].children[0].value
    assert "Voice of the Child" in hit and "<mark>seen alone</mark>" in hit.casefold()
    rows[5].children[1].click()  # Show
    assert page.template.value == "descriptor-matrix"
    assert (page.section.value, page.criterion.value) == (
        "child_centred_practice",
        "voice_of_child",
    )
    assert page.tabs.selected_index == page.COMPARE
    assert "<h3>Voice of the Child</h3>" in page.levels.value
    # Text typed into the search comes back escaped.
    page.query.value = "<script>"
    assert "&lt;script&gt;" in page.summary.value and "<script>" not in page.summary.value
    assert page.results.children == ()


def test_guidance_page_opens_guidance_from_a_search():
    page = GuidancePage(load_library(), "descriptor-matrix")
    # The organisation's guidance is alongside every template, each part closed at first.
    assert 'data-document="top_tips">' in page.side_guidance.value
    assert "<details data-document" in page.side_guidance.value
    page.query.value = "only one score per area"
    (row,) = page.results.children
    row.children[1].click()
    assert '<details data-document="top_tips" open>' in page.side_guidance.value
    assert page.template.value == "descriptor-matrix"


def test_guidance_page_without_descriptors_says_so():
    page = GuidancePage(load_library(), "swindon-practice-evaluation")
    assert page.section.options == () and page.section.disabled
    assert "has no grade descriptors" in page.levels.value
    page.template.value = "practice-learning-review"
    assert page.criterion.value == "assessment_grade"
    assert "every criterion graded on" in page.levels.value  # the scale's own descriptors
