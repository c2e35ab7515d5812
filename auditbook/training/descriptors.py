"""Grade descriptors as data for trainers: every criterion's levels, what changes from one
level to the next, and a search across every descriptor and piece of guidance.

Pure functions over rubrics and guidance; HTML comes out escaped; no widgets and no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape

from ..rubrics.model import Grade, Guidance, Rubric, Scale

SCALES_SECTION = "grade-scales"  # the section id under which a rubric's own scales are listed


@dataclass(frozen=True)
class Criterion:
    """One thing graded against a scale, with a descriptor for some or all of its levels."""

    source: Rubric | Guidance
    section_id: str
    section_title: str
    key: str  # the item id, or "scale:<id>" for a scale's own level descriptors
    label: str
    scale: Scale
    texts: dict[str, str]  # level key to descriptor, in the scale's order (best first)
    from_scale: bool = False  # the texts are the scale's, shared with every item on it

    @property
    def levels(self) -> list[tuple[str, str, str | None]]:
        """(level key, level label, descriptor or None) for every level, best first."""
        return [(lv.key, lv.label, self.texts.get(lv.key)) for lv in self.scale.levels]


@dataclass(frozen=True)
class Row:
    """One descriptor: (rubric, section, item, level, text) with their labels."""

    source_id: str
    source_title: str
    section_id: str
    section_title: str
    key: str
    label: str
    level: str
    level_label: str
    text: str


def _scale_texts(scale: Scale) -> dict[str, str]:
    return {lv.key: lv.descriptor for lv in scale.levels if lv.descriptor}


def _scale_criterion(source, scale: Scale, section_id: str, section_title: str) -> Criterion:
    return Criterion(
        source, section_id, section_title, f"scale:{scale.id}", scale.name, scale,
        _scale_texts(scale), from_scale=True,
    )  # fmt: skip


def criteria(source: Rubric | Guidance) -> list[Criterion]:
    """Every criterion with at least one descriptor, in the template's order.

    A grade's own descriptors win; a grade without them takes its scale's level descriptors.
    A moderator's grade of another grade is left out (it grades the same criterion). Scales
    with level descriptors come last, as criteria of their own, so that a search finds a
    shared descriptor once; a guidance file's scales sit under the document that shows them.
    """
    found: list[Criterion] = []
    if isinstance(source, Rubric):
        for section, item in source.items():
            if not isinstance(item, Grade) or item.moderates:
                continue
            scale = source.scale(item.scale)
            if scale is None:
                continue
            own = {k: v for k, v in (item.descriptors or {}).items() if v}
            texts = own or _scale_texts(scale)
            if texts:
                ordered = {lv.key: texts[lv.key] for lv in scale.levels if lv.key in texts}
                found.append(
                    Criterion(
                        source,
                        section.id,
                        section.title,
                        item.id,
                        item.label,
                        scale,
                        ordered,
                        from_scale=not own,
                    )  # fmt: skip
                )
    shown_in = {d.scale: d for d in source.documents if d.scale}
    for scale in source.scales:
        if not _scale_texts(scale):
            continue
        doc = shown_in.get(scale.id)
        if doc is not None:
            found.append(_scale_criterion(source, scale, doc.id, doc.title))
        else:
            found.append(_scale_criterion(source, scale, SCALES_SECTION, "Grade scales"))
    return found


def descriptor_table(source: Rubric | Guidance) -> Iterator[Row]:
    """Every descriptor of a rubric or guidance file, one row per criterion and level."""
    for c in criteria(source):
        for level, label, text in c.levels:
            if text:
                yield Row(
                    source.id, source.title, c.section_id, c.section_title, c.key, c.label,
                    level, label, text,
                )  # fmt: skip


def sections(source: Rubric | Guidance) -> list[tuple[str, str]]:
    """(section id, title) of every section holding a criterion with descriptors, in order."""
    seen: dict[str, str] = {}
    for c in criteria(source):
        seen.setdefault(c.section_id, c.section_title)
    return list(seen.items())


# ----------------------------------------------------------------------------- word diff

# Words (with inner apostrophes and hyphens), single punctuation marks, and runs of spaces:
# joined back together they are the text, exactly.
_TOKEN = re.compile(r"\w+(?:['’\-]\w+)*|[^\w\s]|\s+")

ADDED, DROPPED, SAME = "added", "dropped", "same"


def _tokens(text: str) -> list[str]:
    """Each word or mark with the spaces after it (leading spaces stand alone)."""
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        if tok.isspace() and out:
            out[-1] += tok
        else:
            out.append(tok)
    return out


def _key(token: str) -> str:
    # Compared without case and spacing: a capital at the start of a sentence is no change.
    return token.strip().casefold()


def word_diff(lower: str | None, higher: str | None) -> list[tuple[str, str]]:
    """What the higher level's descriptor adds to the lower one's, word by word.

    Returns (op, text) pairs, op one of "same", "added" (in the higher text only) and
    "dropped" (in the lower text only). The "same" and "added" texts joined give `higher`
    exactly; "same" texts are the higher level's words (matched ignoring case and spaces).
    """
    a, b = _tokens(lower or ""), _tokens(higher or "")
    matcher = SequenceMatcher(None, [_key(t) for t in a], [_key(t) for t in b], autojunk=False)
    runs = [(tag == "equal", a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
    out: list[tuple[str, str]] = []

    def put(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))

    for equal, old, new in _absorb_small_words(runs):
        if equal:
            put(SAME, "".join(new))
            continue
        put(DROPPED, "".join(old))
        put(ADDED, "".join(new))
    return out


# A lone "and" or "of" kept between two changes splits one change into two marks that read
# badly ("[but wishes] and [feelings are recorded]"): such a word joins the change around it.
_SMALL = frozenset("a an and are as at be but by for in is it of on or the to was with".split())


def _absorb_small_words(runs: list[tuple[bool, list[str], list[str]]]):
    runs = list(runs)
    i = 1
    while i < len(runs) - 1:
        equal, old, new = runs[i]
        small = equal and len(new) <= 2 and all(
            _key(t) in _SMALL or not re.search(r"\w", t) for t in new
        )  # fmt: skip
        if small and not runs[i - 1][0] and not runs[i + 1][0]:
            (_, lo, ln), (_, ro, rn) = runs[i - 1], runs[i + 1]
            runs[i - 1 : i + 2] = [(False, lo + old + ro, ln + new + rn)]
        else:
            i += 1
    return runs


def added_words(lower: str | None, higher: str | None) -> list[str]:
    """The runs of words the higher descriptor adds, stripped: for tests and summaries."""
    return [t.strip() for op, t in word_diff(lower, higher) if op == ADDED and t.strip()]


SR_ADDED = '<span class="ab-sr">[added: </span>'
SR_END = '<span class="ab-sr">]</span>'
SR_DROPPED = '<span class="ab-sr">[dropped: </span>'


def diff_html(
    lower: str | None, higher: str | None, dropped: bool = False, announce: bool = False
) -> str:
    """The higher descriptor, escaped, with the words it adds in <ins class="ab-added">.

    dropped: also show the lower descriptor's words it leaves out, in <del class="ab-dropped">.
    announce: say "[added: …]" inside each mark for screen readers (visually hidden text).
    """
    parts: list[str] = []
    for op, text in word_diff(lower, higher):
        if op == SAME:
            parts.append(escape(text))
            continue
        if op == DROPPED and not dropped:
            continue
        # Marks cover the words; the spaces after them stay outside, unmarked.
        core = text.rstrip()
        tail = text[len(core) :]
        if not core:
            parts.append(escape(tail) if op == ADDED else "")
            continue
        tag, cls, sr = (
            ("ins", "ab-added", SR_ADDED) if op == ADDED else ("del", "ab-dropped", SR_DROPPED)
        )
        say, end = (sr, SR_END) if announce else ("", "")
        parts.append(f'<{tag} class="{cls}">{say}{escape(core)}{end}</{tag}>{escape(tail)}')
    return "".join(parts)


def compared_with(criterion: Criterion) -> dict[str, str | None]:
    """For each level with a descriptor: the key of the next level down that has one."""
    keys = [k for k, _, text in criterion.levels if text]
    return {k: (keys[i + 1] if i + 1 < len(keys) else None) for i, k in enumerate(keys)}


# -------------------------------------------------------------------------------- search


@dataclass(frozen=True)
class Hit:
    """One search result: a descriptor, or an entry of a guidance document."""

    source_id: str
    source_title: str
    section_id: str  # for guidance entries: the document id
    section_title: str
    key: str  # the criterion key; "" for a guidance entry
    label: str
    level: str  # "" for a guidance entry
    level_label: str
    text: str
    snippet: str  # escaped HTML, the matches in <mark>
    score: int
    kind: str = "descriptor"  # or "guidance"


def _terms(query: str) -> tuple[str, list[str]]:
    """The query as one phrase, and what must each appear: every "quoted phrase" and every
    other word."""
    phrase = " ".join(query.replace('"', " ").split())
    quoted = [" ".join(q.split()) for q in re.findall(r'"([^"]*)"', query)]
    rest = re.sub(r'"[^"]*"', " ", query).replace('"', " ").split()
    return phrase, [q for q in quoted if q] + rest


def _word_re(words: str) -> re.Pattern:
    # Matched at the start of a word, case ignored: "assess" finds "Assessment"; the words
    # of a phrase may be apart by any spaces or a line break.
    pattern = r"\s+".join(re.escape(w) for w in words.split())
    return re.compile(r"(?<!\w)" + pattern, re.IGNORECASE)


def snippet_html(text: str, query: str, width: int = 240) -> str:
    """An escaped excerpt of `text` around the first match, every match in <mark>."""
    phrase, words = _terms(query)
    patterns = [_word_re(phrase)] + [_word_re(w) for w in words] if words else []
    spans: list[tuple[int, int]] = []
    for pat in patterns:
        for m in pat.finditer(text):
            if not any(s < m.end() and m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
    spans.sort()
    start, end = 0, len(text)
    if len(text) > width:
        first = spans[0][0] if spans else 0
        start = max(0, first - width // 3)
        if start:
            start = text.rfind(" ", 0, start) + 1
        end = min(len(text), start + width)
        if end < len(text):
            cut = text.rfind(" ", start, end)
            end = cut if cut > start else end
    out, pos = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(escape(text[pos:s]) + f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")


def _score(text: str, label: str, phrase: str, words: list[str]) -> int:
    """0 if some word is missing from the text; higher for the phrase as typed, for the
    phrase in the criterion's name too, and for more matches."""
    if not words or not all(_word_re(w).search(text) for w in words):
        return 0
    score = 1
    if _word_re(phrase).search(text):
        score += 100
    if _word_re(phrase).search(label):
        score += 50
    return score + min(20, sum(len(_word_re(w).findall(text)) for w in words))


def _entries(library) -> Iterator[tuple[dict, str, str]]:
    """(fields of a Hit, text, label to rank by) for every descriptor and guidance entry."""
    for source in (*library.rubrics.values(), *library.guidance.values()):
        for c in criteria(source):
            if c.from_scale and not c.key.startswith("scale:"):
                continue  # a scale's shared descriptor is searched once, as the scale's
            for level, level_label, text in c.levels:
                if text:
                    fields = dict(
                        source_id=source.id, source_title=source.title,
                        section_id=c.section_id, section_title=c.section_title,
                        key=c.key, label=c.label, level=level, level_label=level_label,
                    )  # fmt: skip
                    yield fields, text, c.label
        for doc in source.documents:
            texts = ([doc.body] if doc.body else []) + list(doc.items)
            for n, text in enumerate(texts):
                fields = dict(
                    source_id=source.id, source_title=source.title, section_id=doc.id,
                    section_title=doc.title, key="", label=doc.title, level=str(n),
                    level_label="", kind="guidance",
                )  # fmt: skip
                yield fields, text, doc.title


def search(library, query: str, limit: int | None = None) -> list[Hit]:
    """Descriptors and guidance entries holding every word of `query` (case ignored), best
    first: the words as a phrase before the words apart, then in the templates' order."""
    phrase, words = _terms(query)
    if not words:
        return []
    hits = []
    for order, (fields, text, label) in enumerate(_entries(library)):
        score = _score(text, label, phrase, words)
        if score:
            hits.append((-score, order, Hit(text=text, snippet=snippet_html(text, query),
                                             score=score, **fields)))  # fmt: skip
    hits.sort(key=lambda h: h[:2])
    return [h for _, _, h in hits][:limit]
