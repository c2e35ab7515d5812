"""The Voilà pages, on top of everything: the auditor app (`auditor`), the QA dashboard,
the trainers' guidance page, the calibration pages (`calibration`, `trainee`).
"""
