from __future__ import annotations

import os
from pathlib import Path

import pytest

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
