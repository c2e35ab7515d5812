"""Descriptors as data: every criterion's levels, what each level adds, and the search."""

from __future__ import annotations

import re
from html import escape, unescape

import pytest

from auditbook import load_rubric
from auditbook.rubrics.library import load_library
from auditbook.rubrics.model import Grade, Guidance
from auditbook.training.descriptors import (
    ADDED,
    DROPPED,
    SAME,
    added_words,
    compared_with,
    criteria,
    descriptor_table,
    diff_html,
    search,
    sections,
    snippet_html,
    word_diff,
)
from auditbook.training.rubric_html import levels_html


@pytest.fixture(scope="module")
def matrix():
    return {c.key: c for c in criteria(load_rubric("rubrics/descriptor-matrix.yaml"))}


def pair(matrix, key, higher, lower):
    texts = matrix[key].texts
    return texts[lower], texts[higher]


# ------------------------------------------------------------------ known pairs (seed 004)

KNOWN = [
    # S 47 – child seen alone
    (
        "s47_child_seen_alone",
        "good",
        "requires_improvement",
        ["and", ",", "Direct work is in relation to the presenting risk."],
    ),
    (
        "s47_child_seen_alone",
        "outstanding",
        "good",
        [
            "and evidence of skilled practice in how child/young person's views were sought",
            "with the child",
        ],
    ),
    (
        "s47_child_seen_alone",
        "requires_improvement",
        "inadequate",
        ["but wishes and feelings are recorded"],
    ),
    # Strategy Discussion – rationale/ decision
    (
        "strategy_rationale",
        "outstanding",
        "good",
        [
            ", decision making focussed and robust. Includes reference to statutory framework "
            "and threshold criteria."
        ],
    ),
    ("strategy_rationale", "good", "requires_improvement", ["Rationale for", "and well"]),
    # S 47 – consideration of family members and relevant others
    (
        "s47_family_and_others",
        "good",
        "requires_improvement",
        ["consulted and", ". Relevant information gathered."],
    ),
]


@pytest.mark.parametrize(("key", "higher", "lower", "added"), KNOWN)
def test_known_pairs_add_exactly_these_words(matrix, key, higher, lower, added):
    assert added_words(*pair(matrix, key, higher, lower)) == added


def test_what_good_drops_from_requires_improvement(matrix):
    diff = word_diff(*pair(matrix, "s47_child_seen_alone", "good", "requires_improvement"))
    assert [t.strip() for op, t in diff if op == DROPPED] == ["but", "are"]


def test_diff_html_marks_the_added_words_and_nothing_else(matrix):
    lower, higher = pair(matrix, "s47_child_seen_alone", "requires_improvement", "inadequate")
    assert diff_html(lower, higher) == (
        'Child seen alone <ins class="ab-added">but wishes and feelings are recorded</ins>.'
    )
    assert diff_html(lower, higher, dropped=True) == (
        'Child <del class="ab-dropped">not</del> seen alone <del class="ab-dropped">and/or '
        'views not evident</del><ins class="ab-added">but wishes and feelings are recorded</ins>.'
    )
    announced = diff_html(lower, higher, announce=True)
    assert '<ins class="ab-added"><span class="ab-sr">[added: </span>but wishes' in announced


def test_identical_texts_have_no_marks():
    text = "Child seen alone and wishes, and feelings recorded."
    assert word_diff(text, text) == [(SAME, text)]
    assert diff_html(text, text) == escape(text)
    # Case and spacing alone are no change.
    assert added_words("child seen  alone.", "Child seen alone.") == []


def test_empty_and_missing_descriptors():
    assert word_diff(None, None) == [] and word_diff("", "") == []
    assert diff_html(None, None) == ""
    assert word_diff(None, "Plan <reviewed> & agreed.") == [(ADDED, "Plan <reviewed> & agreed.")]
    assert diff_html("", "Plan <reviewed> & agreed.") == (
        '<ins class="ab-added">Plan &lt;reviewed&gt; &amp; agreed.</ins>'
    )
    assert word_diff("Plan agreed.", None) == [(DROPPED, "Plan agreed.")]
    assert diff_html("Plan agreed.", None) == ""


def test_text_is_escaped_inside_and_outside_the_marks():
    html = diff_html("The <b>plan</b>.", "The <b>plan</b> & <script>x</script>.")
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html


# ----------------------------------------------------- every shipped rubric, data-driven


def visible_text(cell_html: str) -> str:
    """What a sighted reader sees in a cell: no screen-reader words, no tags."""
    cell_html = re.sub(r'<span class="ab-(sr|vs)">.*?</span>', "", cell_html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", cell_html))


def test_every_descriptor_diffs_renders_and_rebuilds(rubric_path):
    doc = load_rubric(rubric_path)
    for c in criteria(doc):
        below = compared_with(c)
        for level, lower_key in below.items():
            higher, lower = c.texts[level], c.texts.get(lower_key)
            diff = word_diff(lower, higher)
            # The higher text is rebuilt exactly, the lower one but for case and spacing.
            assert "".join(t for op, t in diff if op != DROPPED) == higher
            squeeze = lambda s: re.sub(r"\s+", "", s or "").casefold()  # noqa: E731
            assert squeeze("".join(t for op, t in diff if op != ADDED)) == squeeze(lower)
        for highlight in (True, False):
            page = levels_html(c, highlight=highlight)
            cells = re.findall(r'<td data-level="([^"]+)">(.*?)</td>', page, re.S)
            assert [k for k, _ in cells] == [lv.key for lv in c.scale.levels]
            for key, cell in cells:
                if c.texts.get(key):
                    assert visible_text(cell) == c.texts[key], (c.key, key)


def test_the_table_holds_every_descriptor_of_the_file(rubric_path):
    doc = load_rubric(rubric_path)
    rows = list(descriptor_table(doc))
    texts = {r.text for r in rows}
    expected = {lv.descriptor for s in doc.scales for lv in s.levels if lv.descriptor}
    if not isinstance(doc, Guidance):
        for _, item in doc.items():
            if isinstance(item, Grade):
                expected |= {t for t in (item.descriptors or {}).values() if t}
    assert texts == expected
    assert {sid for sid, _ in sections(doc)} == {r.section_id for r in rows}


def test_criteria_take_their_own_descriptors_or_the_scales():
    plr = load_rubric("rubrics/practice-learning-review.yaml")
    by_key = {c.key: c for c in criteria(plr)}
    scale = plr.scale("ofsted4")
    assert by_key["assessment_grade"].from_scale
    assert by_key["assessment_grade"].texts == {lv.key: lv.descriptor for lv in scale.levels}
    assert "assessment_moderator_grade" not in by_key  # it grades the same criterion
    assert by_key["scale:ofsted4"].section_title == "Grade scales"
    guide = load_rubric("rubrics/practice-learning-guidance.yaml")
    assert sections(guide) == [
        ("scoring_lac", "Guide for Scoring - LAC and Care Leavers"),
        ("scoring_cp_cin", "Guide for Scoring - CP and CIN"),
    ]
    assert criteria(load_rubric("rubrics/swindon-practice-evaluation.yaml")) == []


def test_compared_with_skips_levels_without_a_descriptor(matrix):
    c = matrix["s47_child_seen_alone"]  # no Inadequate Critical descriptor
    assert compared_with(c) == {
        "outstanding": "good",
        "good": "requires_improvement",
        "requires_improvement": "inadequate",
        "inadequate": None,
    }
    assert compared_with(matrix["strategy_rationale"])["inadequate"] == "inadequate_critical"


# ---------------------------------------------------------------------------------- search


@pytest.fixture(scope="module")
def library():
    return load_library()


def test_seen_alone_finds_the_criterion_first_and_every_other_mention(library):
    hits = search(library, "seen alone")
    first = hits[:4]
    assert {(h.key, h.level) for h in first} == {
        ("s47_child_seen_alone", lv)
        for lv in ("outstanding", "good", "requires_improvement", "inadequate")
    }
    assert all(h.section_title == "SECTION 47 INVESTIGATION" for h in first)
    everywhere = [
        r
        for doc in (*library.rubrics.values(), *library.guidance.values())
        for r in descriptor_table(doc)
        if re.search(r"seen\s+alone", r.text, re.IGNORECASE)
    ]
    assert {(r.key, r.level) for r in everywhere} <= {(h.key, h.level) for h in hits}
    assert "voice_of_child" in {h.key for h in hits}
    assert all("<mark>seen alone</mark>" in h.snippet.casefold() for h in hits)
    assert search(library, "  SEEN   Alone ") == hits


def test_every_word_must_appear_and_phrases_rank_first(library):
    hits = search(library, "alone seen")
    assert hits and all(
        re.search(r"\balone", h.text, re.I) and re.search(r"\bseen", h.text, re.I) for h in hits
    )
    phrase = search(library, "child seen")
    together = [bool(re.search(r"child\s+seen", h.text, re.I)) for h in phrase]
    assert together == sorted(together, reverse=True)  # the phrase as typed comes first
    assert search(library, "seen alone zebra") == []
    assert search(library, "   ") == [] and search(library, '""') == []


def test_quoted_phrases_must_appear_as_phrases(library):
    hits = search(library, '"direct work" visits')
    assert hits and all(re.search(r"direct\s+work", h.text, re.I) for h in hits)


def test_search_finds_guidance_tips_and_scoring_guides(library):
    tips = [h for h in search(library, "desk") if h.kind == "guidance"]
    assert {h.section_id for h in tips} == {"process", "top_tips"}  # "deskside" too
    guide = search(library, "sense of security and connection")
    assert [(h.source_id, h.key, h.level) for h in guide] == [
        ("practice-learning-guidance", "scale:scoring-lac", "exceeds_good")
    ]
    # A scale's descriptor shared by every grade on it is found once, as the scale's.
    plr = search(library, '"no genogram on the child"')
    assert [h.key for h in plr if h.source_id == "practice-learning-review"] == ["scale:ofsted4"]


def test_snippets_are_escaped_and_cut_around_the_match():
    assert snippet_html("a <b>seen alone</b>", "seen alone") == (
        "a &lt;b&gt;<mark>seen alone</mark>&lt;/b&gt;"
    )
    long = "word " * 200 + "the child was seen alone today " + "more " * 200
    snip = snippet_html(long, "seen alone", width=120)
    assert snip.startswith("…") and snip.endswith("…")
    assert "<mark>seen alone</mark>" in snip and len(unescape(snip)) < 160
