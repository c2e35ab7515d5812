"""Finding and loading the rubric folder: every rubric, guidance and exercise file, validated
(`auditbook validate`), and each one's summary line."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import yamlsafe
from .exercise import Exercise
from .exercise import summary as exercise_summary
from .exercise_check import check_exercise
from .model import Guidance, Rubric
from .paths import RUBRIC_SUFFIXES, rubrics_dir
from .problems import Problem, RubricError
from .validate import check_document, parse


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


def check_file(
    path: str | Path, rubrics: dict[str, Rubric] | None = None
) -> tuple[Rubric | Guidance | None, list[Problem]]:
    """Load one rubric, guidance or exercise file and return it with every problem found;
    an exercise is checked against its rubric, from `rubrics` or found beside the file."""
    path = Path(path)
    raw, problems = parse(path)
    if problems:
        return None, problems
    if raw.get("kind") == "exercise":
        return check_exercise(path, raw, rubrics)
    return check_document(path, raw)


def load_rubric(path: str | Path) -> Rubric | Guidance:
    """Load and validate one rubric (or guidance) file; raises RubricError on any problem."""
    doc, problems = check_file(path)
    if problems:
        raise RubricError(problems)
    return doc


def rubric_files(paths: list[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.suffix in RUBRIC_SUFFIXES and f.is_file())
        else:
            out.append(p)
    return out


def check_paths(
    paths: list[str | Path],
) -> tuple[list[tuple[Path, Rubric | Guidance]], list[Problem]]:
    """Check every rubric file under paths, and the guidance each rubric names."""
    loaded, problems = [], []
    rubrics: dict[str, Rubric] = {}
    # Exercises last: each is checked against the rubric it names, loaded by then.
    for f in sorted(rubric_files(paths), key=_is_exercise):
        if not f.exists():
            problems.append(Problem(str(f), None, None, None, "does not exist"))
            continue
        doc, found = check_file(f, rubrics)
        problems += found
        if doc is not None:
            loaded.append((f, doc))
            if isinstance(doc, Rubric):
                rubrics.setdefault(doc.id, doc)
    guidance_ids = {d.id for _, d in loaded if isinstance(d, Guidance)}
    known = guidance_ids | {d.id for d in load_dir_guidance(paths)}
    for f, doc in loaded:
        if isinstance(doc, Rubric):
            for k, gid in enumerate(doc.guidance):
                if gid not in known:
                    raw, _ = parse(f)
                    problems.append(
                        Problem(
                            str(f),
                            yamlsafe.line_of(raw, ("guidance", k)),
                            None,
                            "guidance",
                            "names guidance that is not among the files checked",
                            expected="the id of a guidance file: "
                            + (", ".join(sorted(known)) or "none"),
                            found=repr(gid),
                        )
                    )
    dup = Counter(d.id for _, d in loaded)
    for f, doc in loaded:
        if dup[doc.id] > 1:
            problems.append(
                Problem(
                    str(f),
                    None,
                    f"'{doc.id}'",
                    "id",
                    "another file has the same id",
                    hint="each rubric and guidance file needs its own id.",
                )
            )
    return loaded, problems


def load_dir_guidance(paths: list[str | Path]) -> list[Guidance]:
    """Guidance files that sit beside the checked files (so one rubric checks alone)."""
    out = []
    folders = {Path(p) if Path(p).is_dir() else Path(p).parent for p in paths}
    for folder in folders:
        for f in rubric_files([folder]):
            raw, probs = parse(f)
            if not probs and raw.get("kind") == "guidance":
                doc, _ = check_file(f)
                if doc is not None:
                    out.append(doc)
    return out


def _is_exercise(path: Path) -> bool:
    try:
        return bool(re.search(r"^kind:\s*[\"']?exercise\b", path.read_text("utf-8"), re.M))
    except (OSError, UnicodeDecodeError):
        return False


def summary(doc: Rubric | Guidance) -> str:
    """One line describing a loaded rubric, guidance or exercise file."""
    if getattr(doc, "kind", None) == "exercise":
        return exercise_summary(doc)
    if isinstance(doc, Guidance):
        return (
            f"{doc.id} v{doc.version} (guidance): {len(doc.documents)} documents, "
            f"{len(doc.scales)} scales"
        )
    items = sum(len(s.items) for s in doc.sections)
    return (
        f"{doc.id} v{doc.version}: {len(doc.sections)} sections, {items} items, "
        f"{len(doc.graded)} graded criteria"
    )
