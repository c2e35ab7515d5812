"""auditbook: case-file audits in children's social care, from rubric to form to analysis."""

from .rubric import Guidance, Rubric, Scale
from .validate import RubricError, check_paths, load_rubric

__all__ = ["Guidance", "Rubric", "RubricError", "Scale", "check_paths", "load_rubric"]
__version__ = "0.1.0"
