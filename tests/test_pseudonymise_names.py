"""Pseudonymised means no names: made-up names typed into every free-text box of every
template never reach a cell of the pseudonymised workbook."""

from __future__ import annotations

import io
import itertools

import openpyxl
import pytest

from auditbook.analytics import load_audits
from auditbook.audits.store import AuditStore
from auditbook.demo import generate
from auditbook.demo import words as W
from auditbook.documents.pseudonymise import (
    NOT_GIVEN,
    OTHER,
    OWNER_VALUES,
    owner_role,
    pseudonymised_sheets,
)
from auditbook.documents.workbook import workbook_bytes
from auditbook.rubrics.library import load_library
from auditbook.rubrics.model import Actions, Grade, LongText, ShortText, YesNoPartial

KEY = b"k" * 64
FIRST = ("Zebedee", "Ottoline", "Percival", "Wilhelmina", "Barnaby", "Clementine", "Hortensia")
SURNAMES = ("Quillfeather", "Brackenbury", "Thistlewood", "Marchbanks", "Fennimore", "Applegarth")
NAMES = [f"{f} {s}" for f, s in zip(FIRST, itertools.cycle(SURNAMES))]
# Owners as people write them: a name, a name and then a role, a role and then a name.
OWNERS = (
    "{name} (SW to {other})",
    "{name}",
    "SW {name}",
    "Social Worker - {name}",
    "tm: {name}",
    "IRO/{name}",
    "{name}, TM",
)


def _plant(rubric, record: dict, rng: itertools.count) -> None:
    """Put a made-up name into every free-text box the record's answers can hold."""

    def name() -> str:
        return NAMES[next(rng) % len(NAMES)]

    for key in ("case_id", "team", "auditor"):
        record["case"][key] = name()
    for _, item in rubric.items():
        values = record["moderation"] if item.role == "moderator" else record["answers"]
        if item.role == "moderator" and record["status"] != "moderated":
            continue
        if isinstance(item, (ShortText, LongText)):
            values[item.id] = name()
        elif isinstance(item, Grade) and isinstance(values.get(item.id), dict):
            values[item.id]["evidence"] = {e.id: name() for e in item.evidence}
        elif isinstance(item, YesNoPartial) and isinstance(values.get(item.id), dict):
            values[item.id]["explanation"] = name()
        elif isinstance(item, Actions):
            rows = values.get(item.id) or [{"due": "2026-12-01"}]
            for n, row in enumerate(rows):
                row["action"] = f"Ask {name()} to update the plan"
                row["owner"] = OWNERS[n % len(OWNERS)].format(name=name(), other=name())
                if item.due_kind == "text":
                    row["due"] = f"When {name()} is back"
            values[item.id] = rows


def _cells(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [
        str(value)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]


@pytest.mark.parametrize("rubric_id", sorted(load_library().rubrics))
def test_no_planted_name_reaches_the_pseudonymised_workbook(rubric_id, tmp_path, library):
    rubric = library.rubrics[rubric_id]
    ids = generate(tmp_path, n=6, rubrics=[rubric_id], seed=3, library=library)
    store = AuditStore(tmp_path)
    counter = itertools.count()
    for audit_id in ids:
        record = store.load(audit_id)
        _plant(rubric, record, counter)
        store.save(record, "AU-01", "saved", sorted(record["answers"]))

    frames = load_audits(tmp_path, library, as_of="2026-11-01")
    assert len(frames.audits) == 6 and frames.problems.empty
    # The planted names did reach the frames (so the test plants where the app reads).
    assert frames.actions["owner"].str.contains("Zebedee|Ottoline|Percival|Barnaby").any() or (
        frames.actions.empty
    )
    data = workbook_bytes(pseudonymised_sheets(frames, KEY))
    text = "\n".join(_cells(data)).lower()
    for part in (*NAMES, *FIRST, *SURNAMES):
        assert part.lower() not in text, f"{part!r} is in the pseudonymised workbook"
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    header = next(book["actions"].iter_rows(max_row=1, values_only=True))
    column = header.index("owner")
    rows = book["actions"].iter_rows(min_row=2, values_only=True)
    owners = [row[column] for row in rows if any(v is not None for v in row)]
    assert set(owners) <= set(OWNER_VALUES), set(owners) - set(OWNER_VALUES)


def test_owner_is_reduced_to_a_role_from_a_fixed_list():
    cases = {
        "Jane Smith (SW to Amelia Jones)": OTHER,  # a name first: the role is not trusted
        "SW": "SW",
        "sw to Amelia Jones": "SW",
        "SW-Amelia Jones": "SW",
        "Social Worker (Amelia Jones)": "SW",
        "Team Manager": "TM",
        "Assistant Team Manager": "ATM",
        "HoS": "HOS",
        "IRO/CP chair": "IRO",
        "Swindon team": OTHER,  # starts with letters of a role, not with the role
        "Amelia Jones": OTHER,
        "   ": NOT_GIVEN,
        "": NOT_GIVEN,
        None: NOT_GIVEN,
    }
    assert {text: owner_role(text) for text in cases} == cases
    assert set(W.OWNERS) <= set(OWNER_VALUES)  # the demo's roles are kept as they are
