"""For trainers: grade descriptors compared level by level (`descriptors`), a rubric as
HTML for reading (`rubric_html`) and calibration exercises scored (`calibration`).
"""
