"""Demo data: a folder of realistic, reproducible, wholly synthetic audits for every rubric.

The audits are written through :class:`auditbook.audits.store.AuditStore`, so the files are exactly
what the app writes. Nobody real appears: teams, staff and cases are codes ("Team A", "AU-01",
"SW-12", "C-00042") and every sentence comes from the lists in demo_words. Grades follow a simple
model so that the analytics have patterns to find: each team has a quality offset, each section
a difficulty offset, practice improves a little over the months, moderators mostly agree and
more often grade down than up, and weaker audits are likelier to find a child not safe.
"""

from __future__ import annotations

import functools
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from ..audits.store import AuditStore
from ..rubrics import answers as A
from ..rubrics.library import Library, load_library
from ..rubrics.model import (
    Actions,
    DateItem,
    Grade,
    GuidanceText,
    LongText,
    MonthItem,
    Rubric,
    Section,
    ShortText,
    SingleChoice,
    YesNoPartial,
)
from . import words as W
from .synthetic import sample_value

# ------------------------------------------------------------------ the model's knobs

BASE_QUALITY = 1.35  # level index (0 = best): between Good and Requires Improvement
DRAFT_SHARE, MODERATED_SHARE, DISAGREE_SHARE, DOWN_SHARE = 0.10, 0.30, 0.27, 0.65
CONFIRM_SHARE = 0.85  # escalations the auditor records as done
# Section id words → how much harder (+) or easier (-) good practice is there, in grade steps.
DIFFICULTY = (
    ("oversight", 0.45), ("supervision", 0.45), ("recording", 0.3), ("chronolog", 0.3),
    ("diversity", 0.3), ("identity", 0.2), ("permanen", 0.25), ("plan", 0.2), ("agency", 0.15),
    ("review", 0.1), ("voice", -0.15), ("centred", -0.1), ("safe", -0.35), ("assessment", -0.1),
    ("s47", -0.2),
)  # fmt: skip
# Section id words → the kinds of case the section is about (others are mostly marked N/A).
APPLIES = (
    ("s47", {"CP"}), ("cp_", {"CP"}), ("cin", {"CIN"}), ("lac", {"CIC", "Care leaver"}),
    ("permanen", {"CIC"}), ("placement", {"CIC"}), ("living", {"CIC", "Care leaver"}),
    ("independence", {"Care leaver"}), ("review", {"CP", "CIC", "Care leaver"}),
)  # fmt: skip


@dataclass
class _Case:
    """One synthetic audit's facts, drawn before any answer."""

    rubric: Rubric
    team: str
    auditor: str
    worker: str
    manager: str
    case_id: str
    case_type: str
    day: date  # the audit date
    quality: float  # level index of typical practice for this child (0 = best)
    status: str
    moderator: str
    moderation_day: date | None


def generate(
    out: str | Path,
    n: int = 500,
    rubrics: list[str] | None = None,
    seed: int = 0,
    months: int = 18,
    end: str = "2026-10",
    library: Library | None = None,
) -> list[str]:
    """Write n synthetic audits ("demo-0001" …) into the folder `out`; returns their ids.

    rubrics: ids to use (default every rubric of the library); months: how many months the
    audit dates span, ending with the month `end` ("YYYY-MM"). The same arguments always
    write byte-identical files.
    """
    return [audit_id for audit_id, _, _ in write_demo(out, n, rubrics, seed, months, end, library)]


def write_demo(
    out: str | Path,
    n: int = 500,
    rubrics: list[str] | None = None,
    seed: int = 0,
    months: int = 18,
    end: str = "2026-10",
    library: Library | None = None,
) -> list[tuple[str, str, str]]:
    """As generate(), returning (id, rubric id, status) of each audit written."""
    library = library or load_library()
    chosen = _rubrics(library, rubrics)
    first, last = _period(end, months)
    if n < 1:
        raise ValueError(f"n is the number of audits to write, at least 1; got {n}")
    store = AuditStore(out)
    if any(store.root.glob("*.json")):
        raise ValueError(f"{store.root} already holds audits; choose an empty folder")
    rng = random.Random(seed)
    width = max(4, len(str(n)))
    written = []
    for k in range(1, n + 1):
        case = _draw_case(rng, rng.choice(chosen), first, last)
        audit_id = f"demo-{k:0{width}d}"
        status = _write_audit(store, audit_id, case, rng, seed, last)
        written.append((audit_id, case.rubric.id, status))
    return written


def summary(written: list[tuple[str, str, str]]) -> str:
    """'by rubric …; by status …' for the command line."""
    by_rubric = Counter(r for _, r, _ in written)
    by_status = Counter(s for _, _, s in written)
    return (
        ", ".join(f"{r} {c}" for r, c in sorted(by_rubric.items()))
        + "; "
        + ", ".join(f"{s} {by_status[s]}" for s in ("draft", "submitted", "moderated"))
    )


# ------------------------------------------------------------------ drawing an audit


def _rubrics(library: Library, ids: list[str] | None) -> list[Rubric]:
    if not ids:
        return list(library.rubrics.values())
    unknown = [i for i in ids if i not in library.rubrics]
    if unknown:
        raise ValueError(
            f"no rubric {', '.join(map(repr, unknown))} in {library.folder}; "
            f"the rubrics are: {', '.join(library.rubrics)}"
        )
    return [library.rubrics[i] for i in dict.fromkeys(ids)]


def _period(end: str, months: int) -> tuple[date, date]:
    """The first and last day of `months` months ending with the month `end`."""
    try:
        year, month = (int(p) for p in end.split("-"))
        if not 1 <= month <= 12:
            raise ValueError
        after = date(year + month // 12, month % 12 + 1, 1)
    except ValueError:
        raise ValueError(f"end is a month as YYYY-MM, e.g. 2026-10; got {end!r}") from None
    if months < 1:
        raise ValueError(f"months must be at least 1; got {months}")
    index = year * 12 + month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1), after - timedelta(days=1)


def _draw_case(rng: random.Random, rubric: Rubric, first: date, last: date) -> _Case:
    team = rng.choices(W.TEAMS, W.TEAM_WEIGHT)[0]
    t = W.TEAMS.index(team)
    status = "draft" if rng.random() < DRAFT_SHARE else "submitted"
    span = (last - first).days
    if status == "draft":  # drafts are the audits still in hand: recent ones
        day = last - timedelta(days=rng.randint(0, min(span, 45)))
    else:
        day = first + timedelta(days=rng.randint(0, span))
    progress = (day - first).days / max(span, 1)
    quality = (
        BASE_QUALITY + W.TEAM_OFFSET[team] + 0.3 * (0.5 - progress) + rng.gauss(0, 0.5)
    )  # practice improves a little over the period
    moderation_day = None
    if status == "submitted" and rng.random() < MODERATED_SHARE and day < last:
        moderation_day = min(last, day + timedelta(days=rng.randint(2, 21)))
        status = "moderated"
    return _Case(
        rubric=rubric,
        team=team,
        auditor=rng.choice(W.AUDITORS),
        worker=rng.choice(W.WORKERS[t :: len(W.TEAMS)]),
        manager=W.TEAM_MANAGERS[t],
        case_id=f"C-{rng.randint(1, 99999):05d}",
        case_type=rng.choices(W.CASE_TYPES, W.CASE_WEIGHT)[0],
        day=day,
        quality=quality,
        status=status,
        moderator=rng.choice(W.MODERATORS),
        moderation_day=moderation_day,
    )


def _index(x: float, n: int) -> int:
    return min(n - 1, max(0, round(x)))


def _protected(rubric: Rubric) -> set[str]:
    """Items whose sections are never marked N/A: safety, overall grades, escalation tests."""
    rules = rubric.rules
    return {
        *rules.safety,
        *(r.when.item for r in rules.escalation),
        *(i for i in (rules.overall_grade, rules.moderated_overall_grade) if i),
    }


def _not_applicable(rng: random.Random, case: _Case) -> list[str]:
    keep = _protected(case.rubric)
    out = []
    for section in case.rubric.sections:
        if not section.allow_not_applicable or any(i.id in keep for i in section.items):
            continue
        about = next((kinds for word, kinds in APPLIES if word in section.id), None)
        chance = 0.08 if about is None else (0.03 if case.case_type in about else 0.9)
        if rng.random() < chance:
            out.append(section.id)
    return out


def _difficulty(seed: int, rubric: Rubric, section: Section) -> float:
    return _section_offset(seed, rubric.id, section.id)


@functools.lru_cache(maxsize=1024)
def _section_offset(seed: int, rubric_id: str, section_id: str) -> float:
    base = next((d for word, d in DIFFICULTY if word in section_id), 0.0)
    # The same small twist for a section in every audit of a run (str seeds are stable).
    return base + random.Random(f"{seed}/{rubric_id}/{section_id}").uniform(-0.15, 0.15)


# ------------------------------------------------------------------ text


def _evidence(rng: random.Random, index: int, box: str = "evidence") -> str:
    """Evidence worded for a grade level index (0 best): good, mixed or poor practice."""
    bucket = (0, rng.choice((0, 0, 1)), rng.choice((1, 1, 2)), 2)[min(index, 3)]
    if "impact" in box:
        return rng.choice(W.IMPACT[bucket])
    predicate = rng.choice((W.GOOD, W.MIXED, W.POOR)[bucket])
    text = f"{rng.choice(W.SUBJECTS)} {predicate}."
    return text + " " + rng.choice(W.IMPACT[bucket]) if rng.random() < 0.5 else text


def _long_text(rng: random.Random, item_id: str, index: int) -> str:
    for words, texts in (
        (("not_sent",), W.NOT_SENT),
        (("why_not",), W.WHY_NOT),
        (("improve",), W.IMPROVE),
        (("comment",), W.COMMENTS),
        (("moderation",), W.MODERATION),
        (("discussion", "spoken"), W.DISCUSSION),
        (("summary", "picture", "overview", "composition"), W.SUMMARY),
    ):
        if any(w in item_id for w in words):
            return " ".join(rng.sample(texts, min(2, len(texts))))
    return _evidence(rng, index)


def _short_text(case: _Case, item_id: str, field: str | None, rng: random.Random) -> str:
    fields = {
        "case_id": case.case_id,
        "team": case.team,
        "auditor": case.auditor,
        "worker": case.worker,
        "moderator": case.moderator,
    }
    if field in fields:
        return fields[field]
    for words, value in (
        (("child_name",), f"Child {case.case_id}"),
        (("service_director",), W.SERVICE_DIRECTOR),
        (("service_manager",), W.SERVICE_MANAGERS[W.TEAMS.index(case.team) % 2]),
        (("manager",), case.manager),
        (("qaro",), W.QAROS[W.TEAMS.index(case.team) % 2]),
        (("practitioners",), f"{case.worker}, {case.manager}"),
        (("legal_status",), W.LEGAL_STATUS[case.case_type]),
        (("case_status",), case.case_type),
        (("gender",), rng.choices(W.GENDERS, (47, 47, 6))[0]),
        (("moderator_role",), W.MODERATOR_ROLE),
    ):
        if any(w in item_id for w in words):
            return value
    return f"{item_id.upper()[:6]}-{rng.randint(1, 99):02d}"


def _date(case: _Case, item_id: str, field: str | None, rng: random.Random) -> str:
    if field == "audit_date" or "shared" in item_id:
        return case.day.isoformat()
    if field == "moderation_date":
        return (case.moderation_day or case.day).isoformat()
    if "dob" in item_id:
        return (case.day - timedelta(days=rng.randint(200, 17 * 365))).isoformat()
    if "previous" in item_id:
        return (case.day - timedelta(days=rng.randint(120, 700))).isoformat()
    return (case.day - timedelta(days=rng.randint(7, 300))).isoformat()


# ------------------------------------------------------------------ answers


@dataclass
class _Row:
    """An action row and, if it is done by the end of the period, when it was completed."""

    item_id: str
    row: dict
    completed: date | None


@dataclass
class _Draw:
    """The drawing of one audit's answers: its case, the random stream, the actions so far."""

    case: _Case
    rng: random.Random
    seed: int
    last: date  # the last day of the period
    rows: list[_Row]

    def fill(self, role: str, given: dict, na: list[str], levels: dict, step: int = 0) -> dict:
        """One role's answers in form order, honouring conditions. levels pins grade indexes;
        step is how the moderator moved grades (+1 down, -1 up, 0 agreed)."""
        rubric, fields, out = self.case.rubric, _fields(self.case.rubric), {}
        for section in rubric.sections:
            if section.id in na:
                continue
            hard = _difficulty(self.seed, rubric, section)
            for item in section.items:
                if item.role != role or isinstance(item, GuidanceText):
                    continue
                now = {**given, **out}
                if not A.visible(rubric, item, now):
                    continue
                skip = 0.7 if isinstance(item, Actions) else 0.4
                if not A.is_required(rubric, item, now) and self.rng.random() < skip:
                    continue  # optional: often left blank
                value = self.value(item, fields.get(item.id), now, levels, hard, step)
                if value not in (None, "", []):
                    out[item.id] = value
        return out

    def value(self, item, field: str | None, now: dict, levels: dict, hard: float, step: int):
        case, rng, rubric = self.case, self.rng, self.case.rubric
        if isinstance(item, YesNoPartial):
            keys = rubric.scale(item.scale).keys
            level = _yes_no(rubric, item, keys, case.quality + hard + rng.gauss(0, 0.5), now, rng)
            if not item.explanation:
                return {"level": level}
            index = {"partially": 1, "no": 3}.get(level, 0)
            return {"level": level, "explanation": _evidence(rng, index)}
        if isinstance(item, Grade):
            keys = rubric.scale(item.scale).keys
            index = levels.get(item.id)
            if index is None:
                index = _index(case.quality + hard + rng.gauss(0, 0.45), len(keys))
            evidence = {e.id: _evidence(rng, index, e.id) for e in item.evidence}
            return {"level": keys[index], **({"evidence": evidence} if evidence else {})}
        if isinstance(item, ShortText):
            return _short_text(case, item.id, field, rng)
        if isinstance(item, LongText):
            if "disagree" in item.id:
                return W.DISAGREE[step or 1]
            return _long_text(rng, item.id, _index(case.quality, 4))
        if isinstance(item, DateItem):
            return _date(case, item.id, field, rng)
        if isinstance(item, MonthItem):
            back = case.day.year * 12 + case.day.month - 1 - rng.randint(1, 24)
            return f"{back // 12}-{back % 12 + 1:02d}"
        if isinstance(item, Actions):
            return self.actions(item)
        if isinstance(item, SingleChoice) and item.id == rubric.rules.moderation_agreement:
            keys = [o.key for o in item.options]
            return _pick(keys, ("no", "disagree") if step else ("yes", "agree", "agreed"))
        return sample_value(rubric, item, rng)

    def actions(self, item: Actions) -> list[dict]:
        case, rng, out = self.case, self.rng, []
        for _ in range(rng.randint(1, 4)):
            weeks = rng.randint(2, 12)
            due = case.day + timedelta(weeks=weeks)
            row = {
                "action": rng.choice(W.ACTIONS),
                "owner": rng.choices(W.OWNERS, W.OWNER_WEIGHT)[0],
                "due": due.isoformat() if item.due_kind == "date" else f"Within {weeks} weeks",
            }
            out.append(row)
            self.rows.append(_Row(item.id, row, self.completion(due)))
        return out

    def completion(self, due: date) -> date | None:
        """When an action was completed, or None if it is still open at the end of the period
        (overdue if it was due before then); weaker teams close fewer, and some late."""
        case, rng, last = self.case, self.rng, self.last
        start = case.day + timedelta(days=2)
        if case.status == "draft" or start > last:
            return None
        keen = min(0.95, max(0.5, 0.82 - 0.15 * W.TEAM_OFFSET[case.team]))
        chance = keen if due <= last else keen * 0.7 * (last - start).days / (due - start).days
        if rng.random() >= chance:
            return None
        if due < last and rng.random() < 0.25:
            done = due + timedelta(days=rng.randint(1, 35))  # late
        else:
            done = start + timedelta(days=rng.randint(0, (due - start).days))
        return min(done, last)


def _pick(keys, wanted) -> str:
    """The first of `wanted` that the scale or options have, else the nearest end."""
    return next((k for k in keys if k in wanted), keys[0] if "yes" in wanted else keys[-1])


def _yes_no(rubric: Rubric, item, keys, x: float, now: dict, rng: random.Random) -> str:
    if "escalat" in item.id:  # "has the case been escalated?" follows the escalation rules
        return _pick(keys, ("yes",) if A.escalations(rubric, now) else ("not_applicable", "no"))
    if item.id in rubric.rules.safety:
        x += 0.4  # safety is judged apart from practice quality: "no" only when it is poor
        band = 0 if x < 2.45 else (1 if x < 2.85 else 2)
    else:
        if "not_applicable" in keys and rng.random() < 0.06:
            return "not_applicable"
        band = 0 if x < 1.7 else (1 if x < 2.4 else 2)
    if band == 1 and "partially" not in keys:
        band = 0 if rng.random() < 0.5 else 2
    return _pick(keys, (("yes",), ("partially",), ("no",))[band])


def _fields(rubric: Rubric) -> dict[str, str]:
    """Item id → the header fact it holds (case_id, team, auditor …)."""
    return {v: k for k, v in rubric.rules.fields.model_dump().items() if v}


def _auditor_levels(rng: random.Random, case: _Case, seed: int, na: list[str]) -> dict:
    """Grade indexes of the auditor's grades; the overall grade near the typical area grade."""
    rubric, overall, levels = case.rubric, case.rubric.rules.overall_grade, {}
    for section in rubric.sections:
        hard = _difficulty(seed, rubric, section)
        for item in section.items:
            if isinstance(item, Grade) and item.role == "auditor" and item.id != overall:
                n = len(rubric.scale(item.scale).keys)
                levels[item.id] = _index(case.quality + hard + rng.gauss(0, 0.45), n)
    if overall:
        n = len(rubric.scale(rubric.item(overall).scale).keys)
        applicable = {i.id for s in rubric.sections if s.id not in na for i in s.items}
        areas = sorted(v for k, v in levels.items() if k in applicable)
        typical = areas[len(areas) // 2] if areas else case.quality
        levels[overall] = _index(typical + rng.gauss(0, 0.35), n)
    return levels


def _moderator_levels(
    rng: random.Random, rubric: Rubric, answers: dict, na: list[str]
) -> tuple[dict, int]:
    """The moderator's grade indexes and how they moved (+1 down, -1 up, 0 agreed): the
    auditor's grades, or, in a share of audits, a level off for the overall grade and some
    others, more often down than up."""
    out = {}
    for section, item in rubric.items():
        if section.id in na:
            continue
        if isinstance(item, Grade) and item.moderates and item.role == "moderator":
            keys = rubric.scale(item.scale).keys
            theirs = A.level_of(answers.get(item.moderates))
            if theirs in keys:
                out[item.id] = keys.index(theirs)
    if not out or rng.random() >= DISAGREE_SHARE:
        return out, 0
    step = 1 if rng.random() < DOWN_SHARE else -1
    overall = rubric.rules.moderated_overall_grade
    changed = [k for k in out if k == overall or rng.random() < 0.3] or [rng.choice(list(out))]
    moves = []
    for key in changed:
        n = len(rubric.scale(rubric.item(key).scale).keys)
        moves.append(step if 0 <= out[key] + step < n else -step)
        out[key] += moves[-1]
    return out, moves[0]  # the overall grade's move when it changed


# ------------------------------------------------------------------ writing


def _at(day: date, minutes: float) -> datetime:
    """A time on `day`, `minutes` after 09:00 UTC, to the second."""
    return datetime.combine(day, time(9), timezone.utc) + timedelta(seconds=round(minutes * 60))


def _stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _check(rubric: Rubric, values: dict, role: str, na: list[str], complete: bool) -> None:
    errors = A.answers_errors(rubric, values, role)
    gaps = A.missing(rubric, values, na, role) if complete else []
    if errors or gaps:  # a bug in this module, never the user's doing
        raise RuntimeError(f"demo {rubric.id} {role}: {errors} {[g.message for g in gaps]}")


def _case_facts(rubric: Rubric, answers: dict) -> dict:
    """As the form records them: the header answers named by rules.fields."""
    fields = rubric.rules.fields
    out = {}
    for key in ("case_id", "team", "auditor"):
        value = answers.get(getattr(fields, key) or "")
        out[key] = value if isinstance(value, str) else None
    return out


def _write_audit(
    store: AuditStore, audit_id: str, case: _Case, rng: random.Random, seed: int, last: date
) -> str:
    """Draw one audit's answers and write it as the app would: created, then saved (a draft)
    or submitted, then moderated, then the actions completed since; returns its status."""
    rubric, who = case.rubric, case.auditor
    draw = _Draw(case, rng, seed, last, rows=[])
    na = sorted(_not_applicable(rng, case))
    answers = draw.fill("auditor", {}, na, _auditor_levels(rng, case, seed, na))
    if case.status == "draft":  # partly filled: the header and the first part of the form
        cut = rng.randint(len(answers) // 5, len(answers) * 4 // 5)
        keep = set(_fields(rubric)) | set(list(answers)[:cut])
        answers = {k: v for k, v in answers.items() if k in keep}
    _check(rubric, answers, "auditor", na, complete=case.status != "draft")
    moderation = {}
    if case.status == "moderated":
        levels, step = _moderator_levels(rng, rubric, answers, na)
        moderation = draw.fill("moderator", answers, na, levels, step)
        _check(rubric, {**answers, **moderation}, "moderator", na, complete=True)

    created = _at(case.day, rng.uniform(0, 420))
    record = store.create(rubric, who, audit_id=audit_id, now=_stamp(created))
    record.update(answers=answers, not_applicable=na, case=_case_facts(rubric, answers))
    saved = created + timedelta(minutes=rng.uniform(25, 180))
    reasons = A.escalations(rubric, answers)
    escalation = None
    if reasons and rng.random() < CONFIRM_SHARE:  # confirmed shortly before the save
        at = saved - timedelta(minutes=rng.uniform(1, 20))
        escalation = {"reasons": reasons, "confirmed_at": _stamp(at), "confirmed_by": who}
    # One save for the auditor's work, as when an audit is filled in and submitted at once:
    # the store's writes are what take the time, so the history is kept short.
    submit = case.status != "draft"
    record.update(status="submitted" if submit else "draft", escalation=escalation)
    changes = [*answers, *(["escalation"] if escalation else []), *(["status"] if submit else [])]
    event = "submitted" if submit else "saved"
    record = store.save(record, who, event, sorted(changes), now=_stamp(saved))
    if not submit:
        return "draft"
    at = saved
    if case.status == "moderated":
        at = max(
            _at(case.moderation_day, rng.uniform(0, 480)),
            at + timedelta(minutes=rng.uniform(30, 180)),
        )
        record.update(status="moderated", moderation=moderation)
        changes = sorted([*moderation, "status"])
        record = store.save(record, case.moderator, "moderated", changes, now=_stamp(at))
    done = [r for r in draw.rows if r.completed and r.item_id in {**answers, **moderation}]
    if done:  # the actions closed since, recorded in one later save
        for r in done:
            r.row["completed"] = r.completed.isoformat()  # the rows inside answers/moderation
        _check(rubric, {**answers, **moderation}, "auditor", na, complete=True)
        closed = _at(max(r.completed for r in done), rng.uniform(0, 480))
        at = max(closed, at + timedelta(minutes=rng.uniform(5, 60)))
        record.update(answers=answers, moderation=moderation)
        changes = sorted({r.item_id for r in done})
        store.save(record, who, "actions updated", changes, now=_stamp(at))
    return case.status


def iter_texts(value) -> Iterator[str]:
    """Every piece of text inside an answer (for checking what demo data contains)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from iter_texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from iter_texts(v)
