"""A folder of audits as tidy pandas frames (`frames`), the figures QA reports use
(`summaries`, `agreement`) and charts of them (`charts`): pure functions, no widgets.
"""

from .frames import Frames, age_band, load_audits, merged_scale, on_shared_scale

__all__ = ["Frames", "age_band", "load_audits", "merged_scale", "on_shared_scale"]
