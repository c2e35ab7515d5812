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


def weighted_kappa(
    a: Sequence, b: Sequence, categories: Sequence, weights: str | None = "quadratic"
) -> float:
    """Cohen's kappa (weights=None), or weighted by "linear" or "quadratic" distance between
    levels in the order of `categories`. NaN when there are no pairs or no chance variation."""
    p = _table(a, b, categories)
    k = len(categories)
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
    p = _table(a, b, categories)
    k = len(categories)
    if not p.sum() or k < 2:
        return float("nan")
    observed = np.trace(p)
    pi = (p.sum(axis=1) + p.sum(axis=0)) / 2
    expected = (pi * (1 - pi)).sum() / (k - 1)
    return float((observed - expected) / (1 - expected))


def exact_share(a: Sequence, b: Sequence, categories: Sequence) -> float:
    """Share of pairs on the same level."""
    p = _table(a, b, categories)
    return float(np.trace(p)) if p.sum() else float("nan")


def within_one_share(a: Sequence, b: Sequence, categories: Sequence) -> float:
    """Share of pairs no more than one level apart."""
    p = _table(a, b, categories)
    if not p.sum():
        return float("nan")
    i, j = np.indices(p.shape)
    return float(p[np.abs(i - j) <= 1].sum())
