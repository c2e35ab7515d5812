"""The analytics frames as files: an Excel workbook (one sheet each) and CSV, in memory or on
disk. Only formatting for the file format happens here; the figures come from summaries."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analytics import summaries as S
from ..audits.private import write_private
from .xlsx import xlsx_bytes


def file_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy Excel and CSV readers take as they are: level keys as text, times in UTC without
    a zone (Excel cannot hold one), nullable booleans as True/False/empty."""
    out = frame.copy()
    for name, column in out.items():
        if isinstance(column.dtype, pd.CategoricalDtype):
            out[name] = column.astype(object).where(column.notna(), None)
        elif isinstance(column.dtype, pd.DatetimeTZDtype):
            out[name] = column.dt.tz_convert("UTC").dt.tz_localize(None)
        elif isinstance(column.dtype, pd.BooleanDtype):
            out[name] = column.astype(object).where(column.notna(), None)
    return out


# A cell starting with one of these is run as a formula by spreadsheet programs (CSV
# injection): such text gets a leading apostrophe, which they show as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text_cells(frame: pd.DataFrame, fix) -> pd.DataFrame:
    out = frame.copy()
    for name, column in out.items():
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            out[name] = column.map(lambda v: fix(v) if isinstance(v, str) else v)
    return out


def _defuse(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV (with a byte-order mark, so Excel reads accents right); text that
    a spreadsheet would run as a formula is written as text."""
    safe = _text_cells(file_ready(frame), _defuse)
    return safe.to_csv(index=False).encode("utf-8-sig")


def workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one sheet per frame, header row frozen, in the order given;
    level keys as text, times in UTC, text always as text (never run as a formula)."""
    return xlsx_bytes(sheets)


def write_workbook(sheets: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """Write the workbook to `path`, readable by its owner only (its folder created 0700)."""
    return write_private(path, workbook_bytes(sheets))


def analysis_sheets(frames, small_n: int = S.SMALL_N) -> dict[str, pd.DataFrame]:
    """The frames and the standard summaries, named as sheets of the QA workbook."""
    good, bad = frames.good, frames.inadequate
    answers, audits = frames.answers, frames.audits
    return {
        "audits": audits,
        "answers": answers,
        "actions": frames.actions,
        "grades by team": S.grade_rates(
            audits, by="team", good=good, inadequate=bad, small_n=small_n
        ),
        "grades by month": S.monthly_trend(audits, good=good, inadequate=bad, small_n=small_n),
        "grades by section": S.grade_distribution(answers, by="section"),
        "moderation by section": S.moderation_agreement(answers, by="section"),
        "moderation overall": S.moderation_agreement(
            audits, auditor="overall_grade", moderator="moderated_overall_grade"
        ),
        "actions by owner": S.action_summary(frames.actions, by=("team", "owner")),
        "escalations": S.escalation_summary(audits, by="team"),
        "unreadable files": frames.problems,
    }
