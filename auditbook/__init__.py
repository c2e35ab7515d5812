"""auditbook: case-file audits in children's social care, from rubric to form to analysis.

The names a notebook needs: `load_rubric`, `AuditStore`, and `AuditForm` (imported when first
used, so the command line never loads the widgets). The layers are in docs/architecture.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .audits.store import AuditStore
from .rubrics.library import check_paths, load_rubric
from .rubrics.model import Guidance, Rubric, Scale
from .rubrics.problems import RubricError

if TYPE_CHECKING:
    from .forms.form import AuditForm

__all__ = [
    "AuditForm",
    "AuditStore",
    "Guidance",
    "Rubric",
    "RubricError",
    "Scale",
    "check_paths",
    "load_rubric",
]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "AuditForm":  # the widgets load only for a form
        from .forms.form import AuditForm

        return AuditForm
    raise AttributeError(f"module 'auditbook' has no attribute {name!r}")
