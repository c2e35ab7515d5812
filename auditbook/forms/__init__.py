"""The rubric as a form: one widget class per item type (`questions`) and the audit form
that saves through the store (`form`).
"""

from . import actions as _actions  # noqa: F401, E402 - registers the "actions" question type
