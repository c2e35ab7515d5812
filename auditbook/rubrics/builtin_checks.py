"""The built-in guidance checks, from the auditing guidance's top tips (seed 003) and the
templates' own rules: each registered in `auditbook.rubrics.checks.checks` by the same call an
extension would use. What each looks for, and its options, are in docs/checks.md.
"""

from __future__ import annotations

import functools
import re
import statistics
from collections import Counter
from datetime import date
from difflib import SequenceMatcher
from typing import Any

from . import answers as A
from .check_registry import (
    Option,
    Warning,
    answered,
    box_name,
    checks,
    day_text,
    item_name,
    level_label,
    short,
    written,
)
from .model import Actions, Grade, Rubric, Section, YesNoPartial

_NOT_WORD = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    """Lower-case words: punctuation, spacing and case do not make two texts differ."""
    return tuple(_NOT_WORD.sub(" ", text.lower()).split())


@functools.lru_cache(maxsize=4096)
def _normal(text: str) -> str:
    """The text's words joined by spaces: the key texts are compared and remembered by (one
    string object per text, whose hash Python keeps, so a remembered pair is found fast)."""
    return " ".join(_words(text))


@functools.lru_cache(maxsize=4096)
def _bag(normal: str) -> frozenset[tuple[str, int]]:
    """The words as a multiset: (word, 1), (word, 2) … for each repeat, so that the size of a
    set intersection (done in C) is the number of words two texts share."""
    seen: Counter = Counter()
    out = []
    for word in normal.split():
        seen[word] += 1
        out.append((word, seen[word]))
    return frozenset(out)


@functools.lru_cache(maxsize=16384)
def _similarity(a: str, b: str, floor: float) -> float:
    """How alike two normalised texts are: difflib's ratio over their words, 0–1. Any value
    below `floor` may come back as 0: cheap upper bounds (their lengths, then the words they
    share) rule most pairs out before difflib compares the order of the words."""
    if a == b:
        return 1.0
    bag_a, bag_b = _bag(a), _bag(b)
    total = len(bag_a) + len(bag_b)
    if 2 * min(len(bag_a), len(bag_b)) < floor * total:
        return 0.0
    if 2 * len(bag_a & bag_b) < floor * total:
        return 0.0
    return SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


@checks.register(
    "duplicate_evidence",
    options=(
        Option("threshold", 0.85, "fraction", "How alike two texts must be to warn (0–1)."),
        Option("min_chars", 40, "count", "Shorter texts are left to short_evidence."),
    ),
)
def duplicate_evidence(rubric, answers, na, options, today) -> list[Warning]:
    """The same or nearly the same evidence written in two sections."""
    threshold, min_chars = options["threshold"], options["min_chars"]
    seen: list[tuple[Section, Any, str, str]] = []
    out = []
    for section, item, box, text in written(rubric, answers, na):
        if len(text) < min_chars:
            continue
        words = _normal(text)
        if not words:
            continue
        best, match = 0.0, None
        for other in seen:
            if other[0].id == section.id:
                continue
            sim = _similarity(other[3], words, threshold)
            if sim >= threshold and sim > best:
                best, match = sim, other
        seen.append((section, item, box, words))
        if match is None:
            continue
        here, there = item_name(rubric, section, item), item_name(rubric, match[0], match[1])
        out.append(
            Warning(
                "duplicate_evidence",
                item.id,
                section.id,
                f"{box_name(item, box)} for {here} repeats "
                f"{box_name(match[1], match[2]).lower()} for {there} "
                f"({int(best * 100)}% the same).",
                f"Write what you found for {here} itself: each area needs its own evidence.",
                box,
            )
        )
    return out


@checks.register("missing_evidence")
def missing_evidence(rubric, answers, na, options, today) -> list[Warning]:
    """A grade given with every evidence box empty."""
    out = []
    for section, item, value in answered(rubric, answers, na):
        level = A.level_of(value)
        written = any(str(t or "").strip() for t in (value.get("evidence") or {}).values())
        if not level or not item.evidence or written or item.moderates:
            continue  # a moderator's grade: the form asks for a rationale when it differs
        label = level_label(rubric, item, level)
        out.append(
            Warning(
                "missing_evidence",
                item.id,
                section.id,
                f"{item_name(rubric, section, item)} is graded {label} but has no evidence.",
                f"Write what you saw on the file that supports {label}: which record, when, "
                "and what it meant for the child.",
                item.evidence[0].id,
            )
        )
    return out


def _extreme(rubric: Rubric, item, key: str) -> bool:
    scale = rubric.scale(item.scale)
    level = scale.level(key)
    return key in (scale.keys[0], scale.keys[-1]) or bool(level and level.escalates)


@checks.register(
    "short_evidence",
    options=(
        Option("min_chars", 60, "count", "Fewest characters of evidence in a box."),
        Option(
            "extreme_min_chars",
            100,
            "count",
            "Fewest characters for the best and worst levels (and any level that escalates).",
        ),
    ),
)
def short_evidence(rubric, answers, na, options, today) -> list[Warning]:
    """Evidence too short to support the grade given."""
    out = []
    for section, item, value in answered(rubric, answers, na):
        level = A.level_of(value)
        if not level or item.moderates:
            continue
        extreme = _extreme(rubric, item, level)
        limit = max(options["min_chars"], options["extreme_min_chars"] if extreme else 0)
        evidence = value.get("evidence") or {}
        for box in item.evidence:
            text = str(evidence.get(box.id) or "").strip()
            if not text or len(text) >= limit:
                continue
            label = level_label(rubric, item, level)
            out.append(
                Warning(
                    "short_evidence",
                    item.id,
                    section.id,
                    f"{box_name(item, box.id)} for {item_name(rubric, section, item)} is "
                    f"{len(text)} characters; a grade of {label} needs at least {limit} "
                    "to support it.",
                    "Add the specific evidence: which record or meeting, when, and what it "
                    "shows about the child's experience.",
                    box.id,
                )
            )
    return out


@checks.register(
    "overall_out_of_line",
    options=(
        Option("max_levels", 1, "count", "Levels the overall grade may be from the middle."),
        Option("min_areas", 3, "count", "Area grades needed before the check applies."),
    ),
)
def overall_out_of_line(rubric, answers, na, options, today) -> list[Warning]:
    """An overall grade out of line with the middle (median) of the area grades."""
    rules = rubric.rules
    overall_ids = [i for i in (rules.overall_grade, rules.moderated_overall_grade) if i]
    overall = next(
        (rubric.item(i) for i in overall_ids if A.level_of(answers.get(i))),
        None,
    )
    if overall is None or not isinstance(overall, Grade):
        return []
    section = next(s for s, it in rubric.items() if it.id == overall.id)
    if section.id in na:
        return []
    scale = rubric.scale(overall.scale)
    areas = [
        A.level_of(value)
        for _, item, value in answered(rubric, answers, na)
        if item.id not in overall_ids
        and item.role == overall.role
        and item.scale == overall.scale
        and A.level_of(value) in scale.keys
    ]
    if len(areas) < max(options["min_areas"], 1):
        return []
    keys = list(scale.keys)
    key = A.level_of(answers[overall.id])
    if key not in keys:
        return []
    middle = statistics.median(keys.index(k) for k in areas)
    apart = keys.index(key) - middle
    if abs(apart) <= options["max_levels"]:
        return []
    counts = Counter(areas)
    spread = ", ".join(f"{counts[lv.key]} {lv.label}" for lv in scale.levels if counts[lv.key])
    low = scale.levels[int(middle)].label
    typical = (
        low if middle == int(middle) else f"between {low} and {scale.levels[int(middle) + 1].label}"
    )
    steps = abs(apart)
    steps_text = f"{steps:g} level{'s' if steps != 1 else ''}"
    return [
        Warning(
            "overall_out_of_line",
            overall.id,
            section.id,
            f"The overall grade, {scale.level(key).label}, is {steps_text} "
            f"{'better' if apart < 0 else 'worse'} than the middle of the area grades, "
            f"{typical} (area grades: {spread}).",
            "Look back over your findings for each area. If the overall grade is still your "
            "judgement, say in its rationale why it differs from the areas.",
        )
    ]


@checks.register(
    "action_incomplete",
    options=(
        Option("past_due", True, "flag", "Warn when an open action's date has already passed."),
    ),
)
def action_incomplete(rubric, answers, na, options, today) -> list[Warning]:
    """An action with no owner or no date, or (a calendar date) one already past."""
    out = []
    for section, item, value in answered(rubric, answers, na, (Actions,)):
        cols = item.columns
        rows = [r for r in value if isinstance(r, dict) and A.row_filled(r)]
        for n, row in enumerate(rows, 1):
            gaps, fixes = [], []
            if not str(row.get("owner") or "").strip():
                gaps.append("no one responsible")
                fixes.append(f"say who is responsible ('{cols.owner.rstrip(': ')}'), by role")
            due = str(row.get("due") or "").strip()
            if not due:
                gaps.append("no date" if item.due_kind == "date" else "no timeframe")
                fixes.append(f"give '{cols.due.rstrip(': ')}'")
            elif item.due_kind == "date" and options["past_due"] and not row.get("completed"):
                try:
                    when = date.fromisoformat(due)
                except ValueError:
                    when = None
                if when is not None and when < today:
                    gaps.append(f"a date, {day_text(when)}, that has already passed")
                    fixes.append("give a date still to come, or record when it was completed")
            if not gaps:
                continue
            what = str(row.get("action") or "").strip()
            about = f" ('{short(what, 40)}')" if what else ""
            out.append(
                Warning(
                    "action_incomplete",
                    item.id,
                    section.id,
                    f"Action {n}{about} in {item_name(rubric, section, item)} has "
                    + " and ".join(gaps)
                    + ".",
                    _sentence("; ".join(fixes))
                    + ("" if "passed" in gaps[-1] else " Every action needs an owner and a date."),
                    str(n),
                )
            )
    return out


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


@checks.register(
    "safety_rationale",
    options=(Option("min_chars", 20, "count", "Fewer characters count as no rationale."),),
)
def safety_rationale(rubric, answers, na, options, today) -> list[Warning]:
    """A safety judgement (rules.safety) answered without a rationale."""
    out = []
    for section, item, value in answered(rubric, answers, na, (Grade, YesNoPartial)):
        if item.id not in rubric.rules.safety or not A.level_of(value):
            continue
        if isinstance(item, YesNoPartial):
            if not item.explanation:
                continue  # the template gives the judgement no box to explain it in
            text, box = str(value.get("explanation") or "").strip(), "explanation"
        else:
            if not item.evidence:
                continue
            text = " ".join(str(t or "") for t in (value.get("evidence") or {}).values()).strip()
            box = item.evidence[0].id
        if len(text) >= options["min_chars"]:
            continue
        label = level_label(rubric, item, A.level_of(value))
        given = f"only {len(text)} characters of rationale" if text else "no rationale"
        out.append(
            Warning(
                "safety_rationale",
                item.id,
                section.id,
                f"The safety judgement {item_name(rubric, section, item)} is answered "
                f"'{label}' with {given}.",
                "Say why: the risks to the child, what keeps the child safe, and what you saw "
                "on the file that shows it.",
                box,
            )
        )
    return out


_GENERIC = re.compile(
    r"\b(?:the|this|that)\s+(?:child|young\s+person|baby|infant|yp|cyp)\b"
    r"|\bchild\s*/\s*young\s+person\b|\b(?:CYP|YP)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?:^|[.!?…:;]\s+|\n\s*[-•*]?\s*)([A-Z][\w'’-]*)")
_CAPITALISED = re.compile(r"\b[A-Z][a-z][\w'’-]*")
# Capitalised words that are not a child's name: roles, services, places and common
# sentence starters. A heuristic, documented in docs/checks.md.
NOT_NAMES = frozenset(
    """
    The This That These Those There They Their Them He She His Her Hers It Its We Our Us You
    Your I In On At As For From With Without Since During After Before When While Where Why
    How What Which Who Whilst Although Though Because But And Or So If Then Now Also However
    Overall Some Most Many All Each Every Both No Not Yes Any Further Following Recent Recently
    Evidence Impact Good Outstanding Requires Improvement Inadequate Critical Mother Father Mum
    Dad Mummy Daddy Nan Nana Grandma Grandad Grandmother Grandfather Aunt Uncle Sister Brother
    Carer Carers Foster Parent Parents Social Worker Workers Team Manager Managers Service
    Director Head Practitioner Auditor Moderator Chair Officer School College Nursery Health
    Visitor Police Court Conference Core Group Plan Review Assessment Child Children Young
    Person People Family Families Network Panel Supervision Chronology Genogram Strategy
    Meeting Safety Signs Safeguarding Early Help Education Care Leaver Pathway Personal
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday English British Council Local
    Authority Ofsted Mr Mrs Ms Miss Dr
    """.split()
)


def names_in(text: str) -> set[str]:
    """Capitalised words in text that may be a name (not a role, a month, or a sentence start
    such as "The")."""
    starts = {m.start(1) for m in _SENTENCE.finditer(text)}
    out = set()
    for m in _CAPITALISED.finditer(text):
        word = m.group(0).rstrip("'’").removesuffix("'s").removesuffix("’s")
        if word in NOT_NAMES:
            continue
        if m.start() in starts and word.lower() in _COMMON_STARTERS:
            continue
        out.add(word)
    return out


_COMMON_STARTERS = frozenset(w.lower() for w in NOT_NAMES) | {
    "there", "risk", "progress", "work", "direct", "management", "visits", "plans", "records",
    "recording", "home", "contact", "attendance", "outcomes", "needs", "support",
}  # fmt: skip


def _names_child(text: str, name: str) -> bool:
    words = {w.lower() for w in _words(text)}
    return any(part.lower() in words for part in _words(name))


@checks.register(
    "child_named",
    options=(
        Option("boxes", [], "boxes", "Evidence box ids that should use the child's name."),
        Option("name_item", None, "item", "The short_text item holding the child's name."),
    ),
)
def child_named(rubric, answers, na, options, today) -> list[Warning]:
    """Text that should use the child's name but refers only to "the child" (or never names
    them, where the audit records the name)."""
    boxes = set(options["boxes"])
    if not boxes:
        return []
    name = str(answers.get(options["name_item"]) or "").strip() if options["name_item"] else ""
    if options["name_item"] and not name:
        return []  # nothing to look for until the name is given
    out = []
    for section, item, box, text in written(rubric, answers, na):
        if box not in boxes:
            continue
        if name:
            if _names_child(text, name):
                continue
            problem = "never uses the child's name"
        else:
            generic = _GENERIC.search(text)
            if not generic or names_in(text):
                continue
            problem = f"says '{generic.group(0)}' but never uses the child's name"
        out.append(
            Warning(
                "child_named",
                item.id,
                section.id,
                f"{box_name(item, box)} for {item_name(rubric, section, item)} {problem}.",
                "Use the child's name, so the impact reads as this child's experience; "
                "refer to everyone else by their role.",
                box,
            )
        )
    return out
