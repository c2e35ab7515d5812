"""Agreement between two raters on an ordered scale: exact, within one level, weighted kappa,
Gwet's AC1. Pure functions over two equal-length sequences of level keys."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _table(a: Sequence, b: Sequence, categories: Sequence) -> np.ndarray:
    """The k × k table of proportions (rows: rater a, columns: rater b); pairs with a
    missing rating or a rating outside `categories` are left out."""
    index = {c: i for i, c in enumerate(categories)}
    k = len(categories)
    counts = np.zeros((k, k))
    if len(a) != len(b):
        raise ValueError(f"the two raters rated {len(a)} and {len(b)} items; give pairs")
    for x, y in zip(a, b, strict=True):
        if x in index and y in index:
            counts[index[x], index[y]] += 1
    n = counts.sum()
    return counts / n if n else counts


def pairs(a: Sequence, b: Sequence, categories: Sequence) -> int:
    """How many pairs both raters rated on the scale."""
    cats = set(categories)
    return sum(1 for x, y in zip(a, b, strict=True) if x in cats and y in cats)


def table_of_codes(a, b, k: int) -> np.ndarray:
    """`_table` from level positions (0 to k - 1; below 0 for missing): the k × k table of
    proportions, counted by numpy rather than a loop over the pairs."""
    a, b = np.asarray(a, dtype="int64"), np.asarray(b, dtype="int64")
    keep = (a >= 0) & (b >= 0) & (a < k) & (b < k)
    counts = np.bincount(a[keep] * k + b[keep], minlength=k * k).reshape(k, k).astype(float)
    n = counts.sum()
    return counts / n if n else counts


def weighted_kappa(
    a: Sequence, b: Sequence, categories: Sequence, weights: str | None = "quadratic"
) -> float:
    """Cohen's kappa (weights=None), or weighted by "linear" or "quadratic" distance between
    levels in the order of `categories`. NaN when there are no pairs or no chance variation."""
    return kappa_of(_table(a, b, categories), weights)


def kappa_of(p: np.ndarray, weights: str | None = "quadratic") -> float:
    """weighted_kappa from a table of proportions (`_table`, `table_of_codes`)."""
    k = len(p)
    if not p.sum() or k < 2:
        return float("nan")
    i, j = np.indices((k, k))
    if weights is None:
        w = (i == j).astype(float)
    elif weights == "linear":
        w = 1 - np.abs(i - j) / (k - 1)
    elif weights == "quadratic":
        w = 1 - ((i - j) / (k - 1)) ** 2
    else:
        raise ValueError(f"weights must be None, 'linear' or 'quadratic', not {weights!r}")
    observed = (w * p).sum()
    expected = (w * np.outer(p.sum(axis=1), p.sum(axis=0))).sum()
    if np.isclose(expected, 1.0):
        return float("nan")
    return float((observed - expected) / (1 - expected))


def gwet_ac1(a: Sequence, b: Sequence, categories: Sequence) -> float:
    """Gwet's first-order agreement coefficient (AC1) for two raters (Gwet 2008)."""
    return ac1_of(_table(a, b, categories))


def ac1_of(p: np.ndarray) -> float:
    """gwet_ac1 from a table of proportions."""
    k = len(p)
    if not p.sum() or k < 2:
        return float("nan")
    observed = np.trace(p)
    pi = (p.sum(axis=1) + p.sum(axis=0)) / 2
    expected = (pi * (1 - pi)).sum() / (k - 1)
    return float((observed - expected) / (1 - expected))


def exact_share(a: Sequence, b: Sequence, categories: Sequence) -> float:
    """Share of pairs on the same level."""
    return exact_of(_table(a, b, categories))


def exact_of(p: np.ndarray) -> float:
    """exact_share from a table of proportions."""
    return float(np.trace(p)) if p.sum() else float("nan")


def within_one_share(a: Sequence, b: Sequence, categories: Sequence) -> float:
    """Share of pairs no more than one level apart."""
    return within_one_of(_table(a, b, categories))


def within_one_of(p: np.ndarray) -> float:
    """within_one_share from a table of proportions."""
    if not p.sum():
        return float("nan")
    i, j = np.indices(p.shape)
    return float(p[np.abs(i - j) <= 1].sum())
