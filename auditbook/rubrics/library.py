"""Finding and loading the rubric folder: every rubric, guidance and exercise file, validated."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .calibration import Exercise
from .rubric import Guidance, Rubric
from .validate import RubricError, check_paths

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


@dataclass(frozen=True)
class Library:
    """The rubrics, guidance and calibration exercises of one folder, by id."""

    folder: Path
    rubrics: dict[str, Rubric] = field(default_factory=dict)
    guidance: dict[str, Guidance] = field(default_factory=dict)
    exercises: dict[str, Exercise] = field(default_factory=dict)

    def guidance_for(self, rubric: Rubric) -> list[Guidance]:
        return [self.guidance[g] for g in rubric.guidance if g in self.guidance]


def load_library(folder: str | Path | None = None) -> Library:
    """Load every file in the rubric folder; raises RubricError listing every problem."""
    folder = Path(folder) if folder else rubrics_dir()
    loaded, problems = check_paths([folder])
    if problems:
        raise RubricError(problems)
    rubrics = {d.id: d for _, d in loaded if isinstance(d, Rubric)}
    guidance = {d.id: d for _, d in loaded if isinstance(d, Guidance)}
    exercises = {d.id: d for _, d in loaded if isinstance(d, Exercise)}
    return Library(
        folder,
        dict(sorted(rubrics.items())),
        dict(sorted(guidance.items())),
        dict(sorted(exercises.items())),
    )
