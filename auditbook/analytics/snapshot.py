"""The frames last built from the audit index, kept in it as plain arrays, so a folder that
has not changed since opens without building them again.

Each column is kept as a NumPy array (text as codes into a list of its values) and read back
with `allow_pickle=False`: nothing in the snapshot is ever run as code. A snapshot belongs to
one state of the index (its generation, which every change to a row moves on) and one set of
templates; any other state builds the frames again. The only figure that depends on the day,
an action's `overdue`, is worked out again on every load.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd

NAME = "frames"
FRAMES = ("audits", "answers", "actions", "problems")
VERSION = 1  # of this layout


def dump(frames) -> bytes:
    """The frames (an analytics Frames) as bytes."""
    arrays: dict[str, np.ndarray] = {}
    header = {
        "version": VERSION,
        "scale": list(frames.scale),
        "labels": frames.labels,
        "colours": frames.colours,
        "good": sorted(frames.good),
        "inadequate": sorted(frames.inadequate),
        "rubric_levels": {k: list(v) for k, v in frames.rubric_levels.items()},
        "frames": {},
    }
    for name in FRAMES:
        columns = []
        for i, (column, series) in enumerate(getattr(frames, name).items()):
            key = f"{name}.{i}"
            columns.append([column, *_put(series, key, arrays)])
        header["frames"][name] = columns
    buffer = io.BytesIO()
    np.savez(buffer, header=np.frombuffer(json.dumps(header).encode("utf-8"), np.uint8), **arrays)
    return buffer.getvalue()


def load(data: bytes, today: pd.Timestamp) -> dict:
    """The keyword arguments of a Frames, from dump's bytes; raises ValueError if they are
    not a snapshot of this layout."""
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    header = json.loads(arrays.pop("header").tobytes().decode("utf-8"))
    if header.get("version") != VERSION:
        raise ValueError("a snapshot of another layout")
    out = {}
    for name in FRAMES:
        data_ = {}
        for i, (column, kind, info) in enumerate(header["frames"][name]):
            data_[column] = _get(kind, info, arrays, f"{name}.{i}")
        out[name] = pd.DataFrame(data_, columns=[c[0] for c in header["frames"][name]])
    t = out["actions"]
    t["overdue"] = (t["status"] != "completed") & (t["due"] < today)
    out.update(
        scale=tuple(header["scale"]),
        labels=header["labels"],
        colours=header["colours"],
        good=frozenset(header["good"]),
        inadequate=frozenset(header["inadequate"]),
        rubric_levels={k: tuple(v) for k, v in header["rubric_levels"].items()},
    )
    return out


def _put(series: pd.Series, key: str, arrays: dict) -> tuple[str, object]:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        arrays[key] = series.cat.codes.to_numpy()
        categories = dtype.categories
        return "category", [list(categories), str(categories.dtype), bool(dtype.ordered)]
    if isinstance(dtype, pd.DatetimeTZDtype):
        arrays[key] = series.dt.tz_localize(None).to_numpy().view("int64")
        return "datetime_tz", [str(series.dt.tz_localize(None).dtype), str(dtype.tz)]
    if isinstance(dtype, pd.BooleanDtype):
        arrays[key] = series.fillna(False).to_numpy(dtype=bool)
        arrays[key + ".mask"] = series.isna().to_numpy()
        return "boolean", None
    if dtype.kind in "biuf":
        arrays[key] = series.to_numpy()
        return "number", None
    if dtype.kind == "M":
        arrays[key] = series.to_numpy().view("int64")
        return "datetime", str(dtype)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    arrays[key] = codes
    return "text", [[str(u) for u in uniques], str(dtype)]


def _get(kind: str, info, arrays: dict, key: str):
    values = arrays[key]
    if kind == "category":
        categories, dtype, ordered = info
        index = pd.Index(categories, dtype=dtype)
        return pd.Categorical.from_codes(values, categories=index, ordered=ordered)
    if kind == "datetime_tz":
        unit, tz = info
        return pd.Series(values.view(unit)).dt.tz_localize(tz)
    if kind == "boolean":
        return pd.arrays.BooleanArray(values, arrays[key + ".mask"])
    if kind == "number":
        return values
    if kind == "datetime":
        return pd.Series(values.view(info))
    uniques, dtype = info
    text = np.asarray(uniques + [None], dtype=object)[values]  # code -1: the missing value
    return pd.Series(text, dtype=dtype)
