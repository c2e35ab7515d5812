"""The figures QA reports use, as pure functions over the frames of auditbook.analytics.

Frames in, a new frame out: no display, no files. `by` is a column name, a list of them, or
None for one overall row. Percentages are 0–100 to one decimal place; a percentage of nothing
is missing (NaN), never 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from . import agreement as K

GOOD = ("outstanding", "exceeds_good", "good")
INADEQUATE = ("inadequate", "inadequate_critical")
SMALL_N = 5  # below this many, a figure is flagged as a small sample
DONE = ("submitted", "moderated")


def _by(by) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def pct(part, whole) -> pd.Series | float:
    """100 × part / whole to one decimal place; NaN where whole is 0."""
    part, whole = np.asarray(part, dtype=float), np.asarray(whole, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(whole > 0, np.round(100 * part / np.where(whole > 0, whole, 1), 1), np.nan)
    return out if out.ndim else float(out)


def _graded(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows with a grade in `column`, leaving out sections marked not applicable."""
    keep = frame[column].notna()
    if "not_applicable" in frame:
        keep &= ~frame["not_applicable"]
    return frame[keep]


def _groups(frame: pd.DataFrame, keys: list[str], fn, columns=None) -> pd.DataFrame:
    """fn(sub-frame) -> dict for each group (one group, all rows, when there are no keys).
    `columns`: the only columns fn reads (each group's sub-frame then copies no others)."""
    if columns is not None:
        frame = frame[list(dict.fromkeys([*keys, *columns]))]
    if not keys:
        return pd.DataFrame([fn(frame)])
    rows = []
    for values, sub in frame.groupby(keys, observed=True, sort=True):
        values = values if isinstance(values, tuple) else (values,)
        rows.append({**dict(zip(keys, values, strict=True)), **fn(sub)})
    if not rows:
        return pd.DataFrame(columns=[*keys, *fn(frame.iloc[:0]).keys()])
    return pd.DataFrame(rows)


def grade_distribution(frame: pd.DataFrame, by=None, column: str = "grade") -> pd.DataFrame:
    """Counts and percentages of each level (every level of the scale, zeros included)."""
    keys = _by(by)
    data = _graded(frame, column)
    levels = list(frame[column].cat.categories)
    if keys:
        counts = data.groupby([*keys, column], observed=True).size().unstack(column)
        counts = counts.reindex(columns=levels, fill_value=0).fillna(0).astype("int64")
        counts.columns = pd.CategoricalIndex(levels, categories=levels, ordered=True, name=column)
        out = counts.stack().rename("n").reset_index()
    else:
        n = data[column].value_counts().reindex(levels, fill_value=0).astype("int64")
        out = pd.DataFrame({column: n.index, "n": n.to_numpy()})
    out[column] = pd.Categorical(out[column], categories=levels, ordered=True)
    total = out.groupby(keys, sort=False)["n"].transform("sum") if keys else out["n"].sum()
    out["pct"] = pct(out["n"], total)
    return out.sort_values([*keys, column], kind="stable").reset_index(drop=True)


def grade_rates(
    frame: pd.DataFrame,
    by=None,
    column: str = "overall_grade",
    good: Iterable[str] = GOOD,
    inadequate: Iterable[str] = INADEQUATE,
    small_n: int = SMALL_N,
    target_good: float | None = None,
    target_inadequate: float | None = None,
) -> pd.DataFrame:
    """% good or better and % inadequate with n, a small-sample flag and optional targets
    (% good or better at least target_good; % inadequate at most target_inadequate)."""
    good, inadequate = set(good), set(inadequate)

    def rates(sub: pd.DataFrame) -> dict:
        levels = sub[column].astype(object)
        n, g, i = len(sub), int(levels.isin(good).sum()), int(levels.isin(inadequate).sum())
        return {
            "n": n,
            "good_or_better": g,
            "pct_good_or_better": pct(g, n),
            "inadequate": i,
            "pct_inadequate": pct(i, n),
        }

    out = _groups(_graded(frame, column), _by(by), rates, [column])
    return _flags(out, small_n, target_good, target_inadequate)


def _flags(out, small_n, target_good, target_inadequate) -> pd.DataFrame:
    out = out.astype({"n": "int64", "good_or_better": "int64", "inadequate": "int64"})
    out["small_sample"] = out["n"] < small_n
    if target_good is not None:
        out["meets_good_target"] = out["pct_good_or_better"] >= target_good
    if target_inadequate is not None:
        out["meets_inadequate_target"] = out["pct_inadequate"] <= target_inadequate
    return out


def monthly_trend(
    audits: pd.DataFrame,
    column: str = "overall_grade",
    months: Iterable[str] | None = None,
    **kwargs,
) -> pd.DataFrame:
    """grade_rates by month, every month from the first to the last (or those given)."""
    out = grade_rates(audits, by="month", column=column, **kwargs)
    if months is None:
        seen = audits["month"].dropna()
        if seen.empty:
            return out
        months = pd.period_range(seen.min(), seen.max(), freq="M").strftime("%Y-%m")
    months = list(months)
    out = out.set_index("month").reindex(months).rename_axis("month").reset_index()
    out[["n", "good_or_better", "inadequate"]] = (
        out[["n", "good_or_better", "inadequate"]].fillna(0).astype("int64")
    )
    out["small_sample"] = out["n"] < kwargs.get("small_n", SMALL_N)
    return out


def _pairs(frame: pd.DataFrame, auditor: str, moderator: str) -> pd.DataFrame:
    return frame[frame[auditor].notna() & frame[moderator].notna()]


def moderation_agreement(
    frame: pd.DataFrame, by=None, auditor: str = "grade", moderator: str = "moderator_grade"
) -> pd.DataFrame:
    """How far moderators agree with auditors: exact and within-one-level %, quadratic-weighted
    Cohen's kappa and Gwet's AC1, over pairs where both graded."""
    levels = list(frame[auditor].cat.categories)
    pairs = _on_levels(_pairs(frame, auditor, moderator), levels, auditor, moderator)

    def agree(sub: pd.DataFrame) -> dict:
        # Positions on the scale, counted into one table; as the K functions over level keys.
        a, b = sub[auditor].cat.codes.to_numpy(), sub[moderator].cat.codes.to_numpy()
        p = K.table_of_codes(a, b, len(levels))
        return {
            "n": len(a),
            "exact_pct": _as_pct(K.exact_of(p)),
            "within_one_pct": _as_pct(K.within_one_of(p)),
            "kappa": round(K.kappa_of(p), 3),
            "ac1": round(K.ac1_of(p), 3),
        }

    out = _groups(pairs, _by(by), agree, [auditor, moderator])
    return out.astype({"n": "int64"})


def _on_levels(frame: pd.DataFrame, levels: list, *columns: str) -> pd.DataFrame:
    """The frame with each of `columns` a categorical on `levels` (a level outside them is
    missing), so that their codes are positions on the one scale."""
    wrong = [c for c in columns if list(frame[c].cat.categories) != levels]
    if not wrong:
        return frame
    frame = frame.copy()
    for c in wrong:
        frame[c] = pd.Categorical(frame[c].astype(object), categories=levels, ordered=True)
    return frame


def _as_pct(share: float) -> float:
    return float(np.round(100 * share, 1))


def grade_changes(
    frame: pd.DataFrame, by=None, auditor: str = "grade", moderator: str = "moderator_grade"
) -> pd.DataFrame:
    """What moderators did to auditors' grades: raised (to a better level), same, lowered."""

    def changes(sub: pd.DataFrame) -> dict:
        a, b = sub[auditor].cat.codes, sub[moderator].cat.codes  # 0 is the best level
        return {
            "n": len(sub),
            "raised": int((b < a).sum()),
            "same": int((b == a).sum()),
            "lowered": int((b > a).sum()),
        }

    out = _groups(_pairs(frame, auditor, moderator), _by(by), changes, [auditor, moderator])
    return out.astype({k: "int64" for k in ("n", "raised", "same", "lowered")})


def agreement_matrix(
    frame: pd.DataFrame, auditor: str = "grade", moderator: str = "moderator_grade"
) -> pd.DataFrame:
    """Auditor's level (rows) by moderator's level (columns), every level of the scale."""
    levels = list(frame[auditor].cat.categories)
    pairs = _pairs(frame, auditor, moderator)
    table = pd.crosstab(pairs[auditor].astype(object), pairs[moderator].astype(object))
    table = table.reindex(index=levels, columns=levels, fill_value=0).astype("int64")
    table.index.name, table.columns.name = "auditor", "moderator"
    return table


def action_summary(actions: pd.DataFrame, by=("team", "owner")) -> pd.DataFrame:
    """Actions open, overdue and completed (and completed by their due date) per group."""

    def count(sub: pd.DataFrame) -> dict:
        done = int((sub["status"] == "completed").sum())
        on_time = int(sub["on_time"].fillna(False).astype(bool).sum())
        return {
            "actions": len(sub),
            "open": int((sub["status"] == "open").sum()),
            "overdue": int(sub["overdue"].sum()),
            "completed": done,
            "completed_on_time": on_time,
            "pct_on_time": pct(on_time, done),
        }

    out = _groups(actions, _by(by), count, ["status", "on_time", "overdue"])
    ints = ("actions", "open", "overdue", "completed", "completed_on_time")
    return out.astype(dict.fromkeys(ints, "int64"))


def escalation_summary(audits: pd.DataFrame, by=None) -> pd.DataFrame:
    """Audits escalated (child not safe or an escalating grade), and how many of those have
    the escalation confirmed as followed up."""

    def count(sub: pd.DataFrame) -> dict:
        escalated = int(sub["escalated"].sum())
        confirmed = int((sub["escalated"] & sub["escalation_confirmed"]).sum())
        return {
            "audits": len(sub),
            "escalated": escalated,
            "pct_escalated": pct(escalated, len(sub)),
            "not_safe": int((sub["child_safe"] == "no").sum()),
            "followed_up": confirmed,
            "pct_followed_up": pct(confirmed, escalated),
        }

    out = _groups(audits, _by(by), count, ["escalated", "escalation_confirmed", "child_safe"])
    ints = ("audits", "escalated", "not_safe", "followed_up")
    return out.astype(dict.fromkeys(ints, "int64"))


def completion(
    audits: pd.DataFrame,
    expected: int | Mapping[str, int],
    months: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Audits completed (submitted or moderated) each month against the number expected."""
    done = audits[audits["status"].astype(object).isin(DONE)]
    counts = done.groupby("month").size()
    if months is None:
        seen = audits["month"].dropna()
        months = (
            pd.period_range(seen.min(), seen.max(), freq="M").strftime("%Y-%m")
            if not seen.empty
            else []
        )
    months = list(months)
    got = counts.reindex(months, fill_value=0).astype("int64").to_numpy()
    want = np.array(
        [expected.get(m, 0) if isinstance(expected, Mapping) else expected for m in months],
        dtype="int64",
    )
    return pd.DataFrame(
        {
            "month": months,
            "completed": got,
            "expected": want,
            "pct_of_expected": pct(got, want),
            "shortfall": np.maximum(want - got, 0).astype("int64"),
        }
    )


HEADLINE_LISTS = ("overdue_actions", "escalated", "escalations_unconfirmed", "inadequate")


def behind(frames, figure: str) -> pd.DataFrame:
    """The rows a headline figure counts, so that it can be opened: for "overdue_actions" the
    overdue rows of `frames.actions`; for "escalated", "escalations_unconfirmed" (escalated,
    with no confirmation that the people the template names were told) and "inadequate"
    (completed, with an overall grade in `frames.inadequate`) the rows of `frames.audits`.
    len() of each is the figure `headline` gives."""
    if figure not in HEADLINE_LISTS:
        raise ValueError(f"figure must be one of {HEADLINE_LISTS}, not {figure!r}")
    rows = frames.actions if figure == "overdue_actions" else frames.audits
    return rows[_mask(frames, figure)]


def _mask(frames, figure: str) -> pd.Series:
    a = frames.audits
    if figure == "overdue_actions":
        return frames.actions["overdue"].astype(bool)
    if figure == "escalated":
        return a["escalated"].astype(bool)
    if figure == "escalations_unconfirmed":
        return a["escalated"].astype(bool) & ~a["escalation_confirmed"].astype(bool)
    done = a["status"].astype(object).isin(DONE)
    return (
        done
        & a["overall_grade"].notna()
        & a["overall_grade"].astype(object).isin(frames.inadequate)
    )


def headline(frames, small_n: int = SMALL_N) -> dict:
    """The dashboard's headline figures for a set of frames (auditbook.analytics.Frames);
    `behind` gives the rows behind each count of HEADLINE_LISTS."""
    done = frames.audits[frames.audits["status"].astype(object).isin(DONE)]
    rates = grade_rates(done, good=frames.good, inadequate=frames.inadequate, small_n=small_n)
    overall = moderation_agreement(
        frames.audits, auditor="overall_grade", moderator="moderated_overall_grade"
    )
    return {
        "audits": len(frames.audits),
        "completed": len(done),
        "graded": int(rates["n"].iloc[0]),
        "pct_good_or_better": float(rates["pct_good_or_better"].iloc[0]),
        "pct_inadequate": float(rates["pct_inadequate"].iloc[0]),
        "inadequate": int(_mask(frames, "inadequate").sum()),
        "small_sample": bool(rates["small_sample"].iloc[0]),
        "moderated": int(overall["n"].iloc[0]),
        "moderation_exact_pct": float(overall["exact_pct"].iloc[0]),
        "overdue_actions": int(_mask(frames, "overdue_actions").sum()),
        "open_actions": int((frames.actions["status"] == "open").sum()),
        "escalated": int(_mask(frames, "escalated").sum()),
        "escalations_unconfirmed": int(_mask(frames, "escalations_unconfirmed").sum()),
    }
