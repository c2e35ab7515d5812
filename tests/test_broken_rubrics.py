"""Each broken rubric produces exactly the error text stored beside it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from auditbook import RubricError, load_rubric
from auditbook.rubrics.library import check_file


def test_error_text(broken_path):
    expected = broken_path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    rel = broken_path.relative_to(broken_path.parent.parent.parent)
    _, problems = check_file(rel)
    assert [str(p) for p in problems] == expected
    with pytest.raises(RubricError) as err:
        load_rubric(rel)
    assert str(err.value).splitlines() == expected


def test_every_error_names_file_line_and_key(broken_path):
    rel = broken_path.relative_to(broken_path.parent.parent.parent)
    _, problems = check_file(rel)
    assert problems
    for p in problems:
        assert p.file == str(rel)
        assert p.line, p
        assert p.key or "YAML" in p.message, p
        assert p.hint, p


def test_cli_reports_every_file_at_once_and_exits_1():
    result = subprocess.run(
        [sys.executable, "-m", "auditbook", "validate", "tests/broken_rubrics"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    files_reported = {line.split(":")[0] for line in result.stdout.splitlines()}
    assert len(files_reported) == len(
        list(__import__("pathlib").Path("tests/broken_rubrics").glob("*.yaml"))
    )
    assert "problem(s) in" in result.stderr


def test_cli_validates_shipped_rubrics():
    result = subprocess.run(
        [sys.executable, "-m", "auditbook", "validate"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    from .conftest import RUBRICS, rubric_files

    exercises = list((RUBRICS / "exercises").glob("*.y*ml"))  # calibration exercises
    assert len(lines) == len(rubric_files()) + len(exercises)
    for line in lines:
        assert ("sections" in line and "graded criteria" in line) or "(guidance)" in line


def test_missing_file_is_reported(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "auditbook", "validate", str(tmp_path / "nope.yaml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2  # a mistake in the command, named on one line
    assert "argument paths" in result.stderr and "does not exist" in result.stderr
