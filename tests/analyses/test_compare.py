"""Comparisons that know noise, and targets (csnb.analyses.compare)."""

import numpy as np
import pytest
from scipy import stats

from csnb.analyses.compare import ALPHA, compare, target_status
from csnb.settings import Settings


def test_poisson_test_is_the_exact_conditional_binomial():
    """Reference: given x1 + x0 events, x1 ~ Binomial(x1 + x0, n1 / (n1 + n0)) under H0.

    scipy.stats.binomtest(x1, x1 + x0, n1 / (n1 + n0)) is the textbook exact test.
    """
    c = compare("complaints_per_1k_orders", 30 / 9.0, 18 / 10.0,
                {"complaints": 30, "paid_orders": 9000}, {"complaints": 18, "paid_orders": 10000})
    expected = stats.binomtest(30, 48, 9000 / 19000).pvalue
    assert c.method == "poisson"
    assert c.p_value == pytest.approx(expected, rel=1e-6)


def test_proportion_test_matches_the_score_test_by_hand():
    """Reference: the score (Miettinen-Nurminen-free, pooled) z-test of two proportions.

    z = (p1 - p0) / sqrt(p (1 - p) (1/n1 + 1/n0)) with the pooled p; two-sided normal p-value.
    """
    x1, n1, x0, n0 = 660, 1820, 448, 1280
    c = compare("conversion_rate", x1 / n1, x0 / n0,
                {"converted_inquiries": x1, "inquiries": n1},
                {"converted_inquiries": x0, "inquiries": n0})
    p = (x1 + x0) / (n1 + n0)
    z = (x1 / n1 - x0 / n0) / np.sqrt(p * (1 - p) * (1 / n1 + 1 / n0))
    # statsmodels' score test uses the pooled variance with n/(n-1)-free moments: close to z
    assert c.p_value == pytest.approx(2 * stats.norm.sf(abs(z)), rel=2e-3)


def test_false_alarms_stay_near_alpha_and_real_changes_are_found(rng):
    """Planted: under no change, 'notable' fires about ALPHA of the time; under a real
    change of conversion from 35% to 40% at 3,000 inquiries a month it fires almost always.
    """
    n = 3000
    def fire(p1, p0, reps=400):
        hits = 0
        for _ in range(reps):
            x1, x0 = rng.binomial(n, p1), rng.binomial(n, p0)
            c = compare("conversion_rate", x1 / n, x0 / n,
                        {"converted_inquiries": x1, "inquiries": n},
                        {"converted_inquiries": x0, "inquiries": n})
            hits += bool(c.notable)
        return hits / reps
    assert fire(0.35, 0.35) < ALPHA + 0.03
    assert fire(0.40, 0.35) > 0.95


def test_small_counts_are_differences_and_directions_know_good():
    hires = compare("hires", 7, 3, {"hires": 7}, {"hires": 3})
    assert hires.small and hires.relative is None and hires.text("en") == "▲ +4"
    assert hires.good is None  # more hires is neither good nor bad
    assert hires.notable is False  # 3 to 7 is within chance
    exits = compare("exits", 40, 20, {"exits": 40, "avg_headcount": 200},
                    {"exits": 20, "avg_headcount": 200})
    assert exits.good is False and exits.text("en") == "▲ +100.0%"
    rate = compare("conversion_rate", 0.45, 0.40)
    assert rate.text("en") == "▲ +5.0 pp" and rate.text("zh") == "▲ +5.0个百分点"
    assert rate.good is True and rate.notable is None  # no counts given: not tested
    sales = compare("credited_sales", 2.0e6, 1.0e6)
    assert sales.notable is None and sales.method is None


def test_missing_months_are_not_zero():
    c = compare("exits", 3, None)
    assert not c.available and c.text("en") == "n/a" and c.text("zh") == "无"
    assert c.notable is None and c.good is None


def test_target_status_floor_ceiling_and_tolerance():
    s = Settings(targets={"conversion_rate": 0.40, "complaints_per_1k_orders": 8},
                 target_tolerance=0.05)
    assert target_status("conversion_rate", 0.41, s) == "green"
    assert target_status("conversion_rate", 0.39, s) == "amber"  # within 5% of 40%
    assert target_status("conversion_rate", 0.37, s) == "red"
    assert target_status("complaints_per_1k_orders", 7.9, s) == "green"
    assert target_status("complaints_per_1k_orders", 8.3, s) == "amber"
    assert target_status("complaints_per_1k_orders", 9.0, s) == "red"
    assert target_status("inquiries", 10, s) is None
    assert target_status("conversion_rate", None, s) is None
