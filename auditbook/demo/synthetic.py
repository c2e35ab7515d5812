"""Synthetic answers for any rubric: valid, reproducible, and free of personal data."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ..rubrics.model import (
    Actions,
    DateItem,
    Grade,
    GuidanceText,
    LongText,
    MonthItem,
    MultipleChoice,
    NumberItem,
    Rubric,
    ShortText,
    SingleChoice,
    YesNoPartial,
)

WORDS = (
    "plan review visit assessment chronology supervision risk voice school health "
    "family network safety goals progress drift delay strengths evidence outcome"
).split()


def _sentence(rng: random.Random, n: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def sample_value(rubric: Rubric, item, rng: random.Random, level: str | None = None):
    """A plausible valid answer to one item (role codes, not names)."""
    if isinstance(item, GuidanceText):
        return None
    if isinstance(item, ShortText):
        return f"{item.id.upper()[:6]}-{rng.randint(1, 99):02d}"
    if isinstance(item, LongText):
        return _sentence(rng)
    if isinstance(item, DateItem):
        return (date(2026, 1, 1) + timedelta(days=rng.randint(0, 300))).isoformat()
    if isinstance(item, MonthItem):
        return f"2026-{rng.randint(1, 12):02d}"
    if isinstance(item, NumberItem):
        lo, hi = int(item.minimum or 0), int(item.maximum or 100)
        return rng.randint(lo, hi)
    if isinstance(item, SingleChoice):
        return rng.choice(item.options).key
    if isinstance(item, MultipleChoice):
        return [o.key for o in item.options if rng.random() < 0.5] or [item.options[0].key]
    if isinstance(item, (Grade, YesNoPartial)):
        keys = rubric.scale(item.scale).keys
        chosen = level if level in keys else rng.choice(keys)
        if isinstance(item, Grade):
            value = {"level": chosen}
            if item.evidence:
                value["evidence"] = {e.id: _sentence(rng) for e in item.evidence}
            return value
        return (
            {"level": chosen, "explanation": _sentence(rng)}
            if item.explanation
            else {"level": chosen}
        )
    if isinstance(item, Actions):
        due = (date(2026, 6, 1) + timedelta(days=rng.randint(0, 200))).isoformat()
        return [
            {
                "action": _sentence(rng, 6),
                "owner": rng.choice(["SW", "TM", "SM", "IRO"]),
                "due": due if item.due_kind == "date" else "Within 4 weeks",
            }
            for _ in range(max(1, item.min_rows))
        ]
    raise TypeError(f"no sample for item type {item.type}")


def sample_answers(
    rubric: Rubric, seed: int = 0, role: str = "auditor", levels: dict | None = None
) -> dict:
    """A complete set of valid answers for every item of a role (levels pins chosen grades)."""
    rng = random.Random(seed)
    out = {}
    for _, item in rubric.items():
        if item.role != role:
            continue
        value = sample_value(rubric, item, rng, (levels or {}).get(item.id))
        if value is not None:
            out[item.id] = value
    return out
