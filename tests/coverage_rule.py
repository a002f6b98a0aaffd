"""One rule for planted-truth coverage tests: is the coverage credibly below its nominal level?

A test that plants an effect in S simulated worlds and counts the worlds whose 95% interval
covers it sees a binomial count even when the interval is exact: with S = 20 an exact 95%
interval covers 17 or fewer times with probability 0.075. A fixed bar such as "at least 18 of
20" therefore fails one run in thirteen on a correct method, and lowering it to whatever was
measured last makes the test unable to fail. This module gives every such test the same rule,
an exact one-sided binomial test (scipy's ``binomtest``): the test fails when a count this low
or lower has probability below ``alpha`` under the nominal coverage.

With the default ``alpha = 0.01`` the floors are 16 of 20, 34 of 40, 43 of 50 and 89 of 100 for
a 95% interval; the power to catch an interval whose true coverage is 80% is 0.63 at S = 20
and 0.99 at S = 100, so a test that must catch less than gross under-coverage needs more seeds.
"""

from __future__ import annotations

from scipy import stats

__all__ = ["assert_coverage", "coverage_floor"]


def coverage_floor(seeds: int, nominal: float = 0.95, alpha: float = 0.01) -> int:
    """Smallest count of covering intervals out of ``seeds`` that the test accepts.

    The count ``k`` is accepted when ``P(X <= k) >= alpha`` for ``X ~ Binomial(seeds,
    nominal)``, i.e. when a one-sided exact binomial test does not reject "coverage is at
    least nominal" at level ``alpha``.
    """
    if seeds < 1 or not 0 < nominal < 1 or not 0 < alpha < 1:
        raise ValueError(f"need seeds >= 1 and 0 < nominal, alpha < 1; got {seeds}, "
                         f"{nominal}, {alpha}")
    k = int(stats.binom.ppf(alpha, seeds, nominal))
    # ppf gives the smallest k with cdf(k) >= alpha; step down while a lower count also passes.
    while k > 0 and stats.binom.cdf(k - 1, seeds, nominal) >= alpha:
        k -= 1
    return k


def assert_coverage(covered: int, seeds: int, what: str, nominal: float = 0.95,
                    alpha: float = 0.01) -> None:
    """Fail, naming ``what`` and the figures, when ``covered`` of ``seeds`` is below the floor.

    The message carries the count, the floor, and the exact one-sided p-value, so a failure
    reads as the measurement it is.
    """
    floor = coverage_floor(seeds, nominal, alpha)
    p = stats.binomtest(covered, seeds, nominal, alternative="less").pvalue
    assert covered >= floor, (
        f"{what}: the {nominal:.0%} interval covered the planted value in {covered} of "
        f"{seeds} worlds, below the floor {floor} (one-sided exact binomial p = {p:.4f} < "
        f"{alpha}): the interval under-covers"
    )
