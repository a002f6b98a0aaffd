"""The coverage rule of planted-truth tests against direct binomial sums."""

import math

import pytest
from coverage_rule import assert_coverage, coverage_floor


def _cdf(k: int, n: int, p: float) -> float:
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))


@pytest.mark.parametrize("seeds", [10, 20, 40, 100])
@pytest.mark.parametrize("nominal", [0.90, 0.95])
def test_floor_is_the_lowest_count_a_one_sided_binomial_test_accepts(seeds, nominal):
    k = coverage_floor(seeds, nominal, alpha=0.01)
    assert _cdf(k, seeds, nominal) >= 0.01
    assert k == 0 or _cdf(k - 1, seeds, nominal) < 0.01


def test_a_count_below_the_floor_fails_with_the_figures():
    assert_coverage(16, 20, "x")
    with pytest.raises(AssertionError, match="15 of 20 worlds, below the floor 16"):
        assert_coverage(15, 20, "x")
