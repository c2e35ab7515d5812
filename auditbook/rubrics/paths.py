"""Where the rubric folder is: the project folder's `rubrics/`, or $AUDITBOOK_RUBRICS."""

from __future__ import annotations

import os
from pathlib import Path

RUBRIC_SUFFIXES = (".yaml", ".yml")
ENV_RUBRICS = "AUDITBOOK_RUBRICS"


def project_dir(start: str | Path | None = None) -> Path:
    """The folder holding `rubrics/`: the start folder or the nearest parent that has one."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "rubrics").is_dir():
            return folder
    return here


def rubrics_dir(start: str | Path | None = None) -> Path:
    """$AUDITBOOK_RUBRICS if set, else `rubrics/` of the project folder."""
    if os.environ.get(ENV_RUBRICS):
        return Path(os.environ[ENV_RUBRICS])
    return project_dir(start) / "rubrics"
