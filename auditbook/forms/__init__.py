"""The rubric as a form: one widget class per item type (`questions`) and the audit form
that saves through the store (`form`).
"""
