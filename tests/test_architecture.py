"""The package's layers (docs/architecture.md): checked by lint-imports, which must also catch
an import that runs back up; the public names; modules kept small."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "auditbook"
LINT = Path(sys.executable).parent / "lint-imports"
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def subpackages() -> list[str]:
    return sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))


def lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layers_hold():
    run = lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


@pytest.mark.parametrize(
    "module, line",
    [
        # storage reaching up to the form, the rubric model up to storage, a cycle in pages
        ("audits/store.py", "from ..forms import form as _up"),
        ("rubrics/model.py", "from ..audits import store as _up"),
        ("pages/common.py", "from . import auditor as _circle"),
        ("analytics/frames.py", "import ipywidgets as _widgets"),
    ],
)
def test_an_import_against_the_layers_fails_the_check(tmp_path, module, line):
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copytree(PACKAGE, copy / "auditbook", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    target = copy / "auditbook" / module
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    run = lint(copy)
    assert run.returncode != 0, run.stdout
    assert "BROKEN" in run.stdout


def test_every_subpackage_is_a_layer_and_documented():
    layers = next(c for c in CONFIG["contracts"] if c.get("containers") == ["auditbook"])
    named = {part.strip() for layer in layers["layers"] for part in layer.split("|")}
    doc = (ROOT / "docs" / "architecture.md").read_text()
    for name in subpackages():
        assert name in named, f"auditbook/{name}/ is in no layer of pyproject.toml"
        assert f"`{name}/`" in doc, f"docs/architecture.md does not describe auditbook/{name}/"


def test_no_module_is_long():
    long = {
        str(p.relative_to(ROOT)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 620
    }
    assert not long, f"split these modules (lines): {long}"


def test_the_public_names_import_without_widgets_for_the_command_line():
    code = (
        "import sys\n"
        "import auditbook, auditbook.cli\n"
        "from auditbook import AuditStore, load_rubric\n"
        "assert 'ipywidgets' not in sys.modules, 'the command line loaded the widgets'\n"
        "from auditbook import AuditForm\n"
        "assert AuditForm.__module__ == 'auditbook.forms.form'\n"
        "assert 'ipywidgets' in sys.modules\n"
        "rubric = load_rubric('rubrics/practice-learning-review.yaml')\n"
        "print(type(AuditStore).__name__, rubric.id)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert "practice-learning-review" in run.stdout
