"""Kappa and AC1 against worked examples published elsewhere, and their edge cases."""

from __future__ import annotations

import math

import pytest

from auditbook.analytics.agreement import exact_share, gwet_ac1, weighted_kappa, within_one_share


def from_table(table: list[list[int]], categories: list) -> tuple[list, list]:
    """Rater A's and rater B's ratings from a contingency table (rows A, columns B)."""
    a, b = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [categories[i]] * count
            b += [categories[j]] * count
    return a, b


def test_cohen_kappa_textbook_example():
    # The worked example of Wikipedia's "Cohen's kappa" article: 50 proposals, both say yes
    # 20, A yes / B no 5, A no / B yes 10, both no 15; p_o = 0.7, p_e = 0.5, kappa = 0.4.
    a, b = from_table([[20, 5], [10, 15]], ["yes", "no"])
    assert weighted_kappa(a, b, ["yes", "no"], weights=None) == pytest.approx(0.4)
    # With two levels every weighting is the same as none.
    assert weighted_kappa(a, b, ["yes", "no"]) == pytest.approx(0.4)
    assert exact_share(a, b, ["yes", "no"]) == pytest.approx(0.7)


def test_quadratic_weighted_kappa_published_examples():
    # Maple's EssayTools QuadraticWeightedKappa documentation, examples 1 and 2 (scores 1-10).
    levels = list(range(1, 11))
    first = [9, 7, 8, 7, 6, 8, 3, 5, 10]
    assert weighted_kappa(first, [8, 8, 6, 6, 7, 6, 1, 4, 8], levels) == pytest.approx(
        0.758620689655172
    )
    assert weighted_kappa(first, [3, 5, 6, 6, 7, 6, 1, 4, 8], levels) == pytest.approx(
        0.438095238095238
    )


def test_gwet_ac1_resolves_the_kappa_paradox():
    # Gwet (2008), Br J Math Stat Psychol 61: 29-48: 125 subjects, 118 both positive, 5 and 2
    # disagreements, none both negative. Agreement is 94.4% yet kappa is slightly negative;
    # AC1 = (0.944 - 0.0544) / (1 - 0.0544) = 0.9408.
    a, b = from_table([[118, 5], [2, 0]], ["+", "-"])
    assert exact_share(a, b, ["+", "-"]) == pytest.approx(0.944)
    assert weighted_kappa(a, b, ["+", "-"], weights=None) == pytest.approx(-0.0234, abs=5e-5)
    assert gwet_ac1(a, b, ["+", "-"]) == pytest.approx(0.9408, abs=5e-5)


def test_hand_worked_four_level_example():
    # Ofsted-style scale, 10 pairs worked by hand:
    # rows auditor, columns moderator (O, G, RI, I)
    table = [[1, 1, 0, 0], [0, 3, 1, 0], [0, 1, 2, 0], [0, 0, 0, 1]]
    levels = ["O", "G", "RI", "I"]
    a, b = from_table(table, levels)
    # p_o = 7/10; every disagreement is one level apart
    assert exact_share(a, b, levels) == pytest.approx(0.7)
    assert within_one_share(a, b, levels) == pytest.approx(1.0)
    # margins A (.2 .4 .3 .1), B (.1 .5 .3 .1); pi = (.15 .45 .3 .1)
    # AC1: p_e = (.15*.85 + .45*.55 + .3*.7 + .1*.9) / 3 = .675/3 = .225
    assert gwet_ac1(a, b, levels) == pytest.approx((0.7 - 0.225) / (1 - 0.225))
    # quadratic weights w = 1 - (d/3)^2: observed = .7 + .3 * (8/9); expected from margins
    pa, pb = [0.2, 0.4, 0.3, 0.1], [0.1, 0.5, 0.3, 0.1]
    expected = sum(pa[i] * pb[j] * (1 - ((i - j) / 3) ** 2) for i in range(4) for j in range(4))
    observed = 0.7 + 0.3 * 8 / 9
    assert weighted_kappa(a, b, levels) == pytest.approx((observed - expected) / (1 - expected))


def test_perfect_agreement_and_empty_input():
    levels = ["O", "G", "RI", "I"]
    same = ["O", "G", "G", "RI", "I"]
    assert weighted_kappa(same, same, levels) == pytest.approx(1.0)
    assert gwet_ac1(same, same, levels) == pytest.approx(1.0)
    assert math.isnan(weighted_kappa([], [], levels))
    assert math.isnan(gwet_ac1([], [], levels))
    # Everyone on one level: kappa undefined (no chance variation), AC1 still 1.
    assert math.isnan(weighted_kappa(["G"] * 4, ["G"] * 4, levels))
    assert gwet_ac1(["G"] * 4, ["G"] * 4, levels) == pytest.approx(1.0)


def test_unrated_pairs_are_left_out_and_bad_input_is_refused():
    levels = ["O", "G"]
    assert exact_share(["O", None, "G"], ["O", "G", "X"], levels) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="pairs"):
        weighted_kappa(["O"], ["O", "G"], levels)
    with pytest.raises(ValueError, match="weights"):
        weighted_kappa(["O"], ["O"], levels, weights="cubic")


def test_the_table_counted_from_positions_is_the_table_counted_from_keys():
    # summaries counts each group's table from the grades' positions on the scale (numpy)
    # rather than from their keys (a loop): the same table, so the same figures.
    import numpy as np

    from auditbook.analytics import agreement as K

    levels = ["outstanding", "good", "requires_improvement", "inadequate"]
    rng = np.random.default_rng(7)
    a = rng.integers(-1, 4, 500)  # -1: not graded
    b = rng.integers(-1, 4, 500)
    keys = lambda codes: [levels[c] if c >= 0 else None for c in codes]  # noqa: E731
    by_keys = K._table(keys(a), keys(b), levels)
    by_codes = K.table_of_codes(a, b, len(levels))
    assert np.array_equal(by_keys, by_codes)
    assert K.kappa_of(by_codes) == weighted_kappa(keys(a), keys(b), levels)
    assert K.ac1_of(by_codes) == gwet_ac1(keys(a), keys(b), levels)
    assert K.exact_of(by_codes) == exact_share(keys(a), keys(b), levels)
    assert K.within_one_of(by_codes) == within_one_share(keys(a), keys(b), levels)
    assert math.isnan(K.kappa_of(K.table_of_codes([], [], 4)))
