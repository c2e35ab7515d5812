"""The templates as data, at the bottom of auditbook: the rubric model, what counts as an
answer to each item, the guidance checks a rubric configures, calibration exercises written
against a rubric, and loading and validating the rubric folder. Knows nothing of audits on
disk, widgets or pages.
"""
