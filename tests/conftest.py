from __future__ import annotations

import os
from pathlib import Path

import pytest

from auditbook.audits.store import AuditStore
from auditbook.rubrics.library import load_library

ROOT = Path(__file__).resolve().parent.parent
RUBRICS = ROOT / "rubrics"
BROKEN = Path(__file__).resolve().parent / "broken_rubrics"


def rubric_files() -> list[Path]:
    return sorted(p for p in RUBRICS.glob("*.y*ml"))


@pytest.fixture(autouse=True)
def _run_from_root(monkeypatch):
    # Messages name files relative to where the command runs, as a user would run it.
    monkeypatch.chdir(ROOT)
    yield


def pytest_generate_tests(metafunc):
    # Data-driven: every shipped rubric and every broken fixture becomes its own test case.
    if "rubric_path" in metafunc.fixturenames:
        files = rubric_files()
        metafunc.parametrize("rubric_path", files, ids=[f.stem for f in files])
    if "broken_path" in metafunc.fixturenames:
        files = sorted(BROKEN.glob("*.yaml"))
        metafunc.parametrize("broken_path", files, ids=[f.stem for f in files])


os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


# ----------------------------------------------- hand-made audits for analytics and exports


def grade(level, text="Seen in the plan and the visits."):
    return {"level": level, "evidence": {"evidence": text}}


def put(store, rubric, audit_id, answers, moderation=None, status="submitted", **extra):
    record = store.create(rubric, "AU-01", audit_id=audit_id, now="2026-03-01T09:00:00Z")
    record.update(answers=answers, moderation=moderation or {}, status=status, **extra)
    return store.save(record, "AU-01", now="2026-03-01T10:00:00Z")


@pytest.fixture(scope="session")
def library():
    return load_library()


@pytest.fixture
def folder(tmp_path, library):
    """Four audits on two templates, a corrupt file and an audit of an unknown template."""
    plr = library.rubrics["practice-learning-review"]
    dm = library.rubrics["descriptor-matrix"]
    store = AuditStore(tmp_path)
    put(
        store,
        plr,
        "a1",
        {
            "id_number": "C-001",
            "team": "Team A",
            "reviewer_name": "AU-01",
            "worker_name": "SW-01",
            "review_date": "2026-03-05",
            "assessment_grade": grade("good"),
            "planning_grade": grade("requires_improvement", "Plan drifts."),
            "child_safe": {"level": "yes", "explanation": "Safety plan in place."},
            "overall_grade": grade("good"),
            "actions": [
                {
                    "action": "Update plan",
                    "owner": "SW",
                    "due": "2026-04-01",
                    "completed": "2026-03-30",
                },  # noqa: E501
                {"action": "Supervision", "owner": "TM", "due": "2026-04-15"},
            ],
        },
        moderation={
            "moderator_name": "MOD-01",
            "assessment_moderator_grade": grade("good"),
            "planning_moderator_grade": grade("inadequate"),
            "moderated_overall_grade": grade("good"),
        },
        status="moderated",
    )
    put(
        store,
        plr,
        "a2",
        {
            "team": "Team A",
            "review_date": "2026-03-20",
            "assessment_grade": grade("inadequate"),
            "child_safe": {"level": "no", "explanation": "No safety plan."},
            "overall_grade": grade("inadequate"),
            "actions": [{"action": "Strategy meeting", "owner": "TM", "due": "2026-06-01"}],
        },
        not_applicable=["cp_independent_reviewing"],
        escalation={
            "reasons": ["If not deemed safe immediately inform SW / TM / SM"],
            "confirmed_at": "2026-03-20T11:00:00Z",
            "confirmed_by": "AU-01",
        },
    )
    put(
        store,
        plr,
        "a3",
        {
            "team": "Team B",
            "review_date": "2026-04-10",
            "assessment_grade": grade("outstanding"),
            "overall_grade": grade("outstanding"),
        },
        status="draft",
    )
    put(
        store,
        dm,
        "a4",
        {
            "team": "Team B",
            "audit_date": "2026-04-12",
            "recording_up_to_date": grade("good"),
            "overall_grade": grade("inadequate_critical"),
        },
        moderation={"moderated_overall_grade": grade("inadequate")},
        status="moderated",
    )
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    retired = plr.model_copy(update={"id": "retired-template"})
    put(store, retired, "old", {"team": "Team C"})
    return tmp_path


def notebook(path: Path, *cells: str) -> None:
    """A notebook of code cells at `path`, for servers to render in tests."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in cells])
    kernel = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["kernelspec"] = kernel
    nbformat.write(nb, path)
