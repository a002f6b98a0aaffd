"""The segmented (hinge) binomial model of the fast-response rate against load.

Private helpers of :mod:`csnb.analyses.operations`. The model of clock hour i with n_i
counted sessions, y_i of them fast, at load x_i (sessions per agent-hour) is

    logit P(fast) = a + b x + c max(0, x - k)

with the knee k profiled over a grid. The sustainable load L is where the fitted rate falls
to the target t. Its interval is a profile-likelihood interval: for a candidate L the
constraint "rate at L = t" fixes a = logit(t) - b L - c max(0, L - k), so the constrained
model is a binomial GLM with offset logit(t) and regressors x - L and
max(0, x - k) - max(0, L - k), again profiled over k; L is inside the interval while its
deviance exceeds the best fit's by at most the chi-square(1) quantile times the Pearson
dispersion (clock hours share agents and days, so they vary more than binomially).

The many small fits use a Newton (IRLS) solver on clock hours merged by load; the chosen
fit is refitted with statsmodels (tests check that both give the same deviance).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, logit, ndtr, ndtri, xlogy
from scipy.stats import chi2

#: Loads are merged to this resolution (sessions per agent-hour) for the profile fits.
LOAD_RESOLUTION = 0.02
#: Knee candidates: quantiles of the clock hours' loads.
KNEE_QUANTILES = np.linspace(0.05, 0.98, 32)
#: Candidate sustainable loads drawn in the profile (the interval's ends are solved for).
PROFILE_POINTS = 41


def binomial_deviance(y: np.ndarray, n: np.ndarray, p: np.ndarray) -> float:
    """Deviance of a binomial fit (y successes of n at probabilities p)."""
    p = np.clip(p, 1e-12, 1 - 1e-12)
    mu = n * p
    return float(2 * np.sum(xlogy(y, y / np.where(mu > 0, mu, 1))
                            + xlogy(n - y, (n - y) / np.where(n - mu > 0, n - mu, 1))))


LINK = "logit"


def _inverse(eta: np.ndarray) -> np.ndarray:
    return expit(eta) if LINK == "logit" else ndtr(eta)


def _link(p):
    return logit(p) if LINK == "logit" else ndtri(p)


def fit_binomial(X: np.ndarray, y: np.ndarray, n: np.ndarray, offset: np.ndarray | float = 0.0,
                 iterations: int = 50) -> tuple[np.ndarray, float]:
    """Maximum-likelihood binomial fit of grouped data by Fisher scoring.

    Returns
    -------
    (beta, deviance)
    """
    beta = np.zeros(X.shape[1])
    prop = np.clip((y + 0.5) / (n + 1), 1e-6, 1 - 1e-6)
    # start from the weighted least-squares fit of the empirical link values
    w0 = n * prop * (1 - prop)
    z0 = _link(prop) - offset
    beta = np.linalg.lstsq(X * np.sqrt(w0)[:, None], z0 * np.sqrt(w0), rcond=None)[0]
    dev_old = np.inf
    for _ in range(iterations):
        eta = X @ beta + offset
        p = np.clip(_inverse(eta), 1e-12, 1 - 1e-12)
        d = p * (1 - p) if LINK == "logit" else np.exp(-0.5 * eta ** 2) / np.sqrt(2 * np.pi)
        w = n * d ** 2 / (p * (1 - p))
        grad = X.T @ ((y - n * p) * d / (p * (1 - p)))
        hess = X.T @ (X * w[:, None])
        try:
            step = np.linalg.solve(hess + 1e-10 * np.eye(len(beta)), grad)
        except np.linalg.LinAlgError:
            break
        # halve the step while the deviance grows (keeps Newton stable near separation)
        for _ in range(30):
            new = beta + step
            dev = binomial_deviance(y, n, _inverse(X @ new + offset))
            if dev <= dev_old + 1e-9:
                break
            step /= 2
        beta = new
        if abs(dev_old - dev) < 1e-10 * (1 + abs(dev)):
            dev_old = dev
            break
        dev_old = dev
    return beta, float(binomial_deviance(y, n, _inverse(X @ beta + offset)))


def hinge(x: np.ndarray | float, knee: float) -> np.ndarray:
    """max(0, x - knee)."""
    return np.maximum(0.0, np.asarray(x, dtype=float) - knee)


@dataclass(frozen=True)
class CurveFit:
    """The profiled hinge fit and the sustainable load with its interval.

    ``estimate`` and the interval bounds are None when the fitted curve does not cross the
    target within the observed loads; ``crossing`` says why ("reached", "above_target": the
    rate stays above the target at every observed load, "below_target": it is below even at
    the lowest).
    """

    beta: np.ndarray  # a, b, c
    knee: float
    deviance: float
    dispersion: float
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    crossing: str
    load_min: float
    load_max: float
    profile: pd.DataFrame  # load, deviance (constrained), inside (bool)

    def rate(self, load: np.ndarray | float) -> np.ndarray:
        """The fitted fast-response rate at ``load``."""
        a, b, c = self.beta
        x = np.asarray(load, dtype=float)
        return _inverse(a + b * x + c * hinge(x, self.knee))


def merge_by_load(x: np.ndarray, y: np.ndarray, n: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Clock hours merged by load rounded to :data:`LOAD_RESOLUTION` (sums of y and n)."""
    key = np.round(x / LOAD_RESOLUTION).astype(np.int64)
    keys, inv = np.unique(key, return_inverse=True)
    return (keys * LOAD_RESOLUTION, np.bincount(inv, weights=y), np.bincount(inv, weights=n))


def _crossing(beta: np.ndarray, knee: float, target: float, lo: float, hi: float
              ) -> tuple[float | None, str]:
    """Smallest load in [lo, hi] where the fitted rate falls to the target."""
    a, b, c = beta
    z = _link(target)
    grid = np.linspace(lo, hi, 2001)
    eta = a + b * grid + c * hinge(grid, knee)
    if eta[0] <= z:
        return None, "below_target"
    below = np.flatnonzero(eta <= z)
    if len(below) == 0:
        return None, "above_target"
    j = below[0]
    # exact on the linear piece holding the crossing
    x0, x1, e0, e1 = grid[j - 1], grid[j], eta[j - 1], eta[j]
    return float(x0 + (e0 - z) / (e0 - e1) * (x1 - x0)), "reached"


def _best_knee(deviance_at, knees: np.ndarray) -> tuple[float, float]:
    """Minimise ``deviance_at(k)`` over the knee: the grid, then between its neighbours."""
    from scipy.optimize import minimize_scalar

    devs = np.array([deviance_at(k) for k in knees])
    j = int(np.argmin(devs))
    lo, hi = knees[max(0, j - 1)], knees[min(len(knees) - 1, j + 1)]
    best_k, best_d = float(knees[j]), float(devs[j])
    if hi > lo:
        res = minimize_scalar(deviance_at, bounds=(lo, hi), method="bounded",
                              options={"xatol": 1e-3})
        if res.fun < best_d:
            best_k, best_d = float(res.x), float(res.fun)
    return best_k, best_d


def fit_curve(x: np.ndarray, y: np.ndarray, n: np.ndarray, target: float,
              level: float = 0.95) -> CurveFit:
    """Fit the hinge model to clock hours (load x, fast y of counted n) and profile it.

    Raises
    ------
    ValueError
        Fewer than 20 clock hours with counted sessions, or loads that do not vary.
    """
    keep = n > 0
    x, y, n = x[keep].astype(float), y[keep].astype(float), n[keep].astype(float)
    if len(x) < 20 or np.ptp(x) <= 0:
        raise ValueError("too few clock hours with counted sessions to fit the curve")
    xm, ym, nm = merge_by_load(x, y, n)
    knees = np.unique(np.quantile(x, KNEE_QUANTILES))
    ones = np.ones_like(xm)

    def free(k: float) -> float:
        return fit_binomial(np.column_stack([ones, xm, hinge(xm, k)]), ym, nm)[1]

    knee, dev_hat = _best_knee(free, knees)
    beta = fit_binomial(np.column_stack([ones, xm, hinge(xm, knee)]), ym, nm)[0]
    # Pearson dispersion on the clock hours themselves (merging would hide overdispersion)
    p = _inverse(beta[0] + beta[1] * x + beta[2] * hinge(x, knee))
    pearson = float(np.sum((y - n * p) ** 2 / np.maximum(n * p * (1 - p), 1e-12)))
    dispersion = max(1.0, pearson / max(1, len(x) - 4))
    lo, hi = float(x.min()), float(x.max())
    estimate, crossing = _crossing(beta, knee, target, lo, hi)
    z = _link(target)

    def constrained(L: float) -> float:
        def at(k: float) -> float:
            X = np.column_stack([xm - L, hinge(xm, k) - hinge(L, k)])
            return fit_binomial(X, ym, nm, offset=z)[1]
        return _best_knee(at, knees)[1]

    crit = chi2.ppf(level, 1) * dispersion
    devs: dict[float, float] = {}

    def excess(L: float) -> float:
        if L not in devs:
            devs[L] = constrained(L)
        return devs[L] - dev_hat

    ci_low = ci_high = None
    if crossing == "reached":
        assert estimate is not None
        ci_low = _edge(excess, estimate, lo, crit)
        ci_high = _edge(excess, estimate, hi, crit)
    for L in np.linspace(lo, hi, PROFILE_POINTS):  # the profile drawn in the report
        excess(float(L))
    cands = np.array(sorted(devs))
    values = np.array([devs[L] for L in cands]) - dev_hat
    ok = values <= crit
    profile = pd.DataFrame({"load": cands, "deviance": values, "inside": ok})
    return CurveFit(beta=beta, knee=knee, deviance=dev_hat, dispersion=dispersion,
                    estimate=estimate, ci_low=ci_low, ci_high=ci_high, crossing=crossing,
                    load_min=lo, load_max=hi, profile=profile)


def _edge(excess, estimate: float, bound: float, crit: float) -> float | None:
    """Where the profile's excess deviance reaches ``crit`` between estimate and ``bound``.

    Steps out from the estimate with growing steps until the excess passes ``crit``, then
    finds the crossing by Brent's method; None when it never does before ``bound`` (the
    interval is open on that side: the data hold no load beyond it).
    """
    from scipy.optimize import brentq

    inner = estimate
    step = 0.01 * (1 if bound > estimate else -1)
    while True:
        outer = inner + step
        if (outer - bound) * np.sign(step) >= 0:
            if excess(bound) < crit:
                return None
            outer = bound
        if excess(outer) >= crit:
            return float(brentq(lambda L: excess(L) - crit, inner, outer, xtol=1e-4))
        if outer == bound:
            return None
        inner, step = outer, step * 1.6


def bootstrap_estimates(x: np.ndarray, y: np.ndarray, n: np.ndarray, day: np.ndarray,
                        target: float, reps: int = 200, seed: int = 0) -> np.ndarray:
    """Sustainable-load estimates of ``reps`` resamples of whole days (NaN: not reached).

    Clock hours of one day share its agents and its conditions, so days, not hours, are
    the independent units a resample draws.
    """
    keep = n > 0
    x, y, n, day = x[keep], y[keep], n[keep], day[keep]
    days, inv = np.unique(day, return_inverse=True)
    rows = [np.flatnonzero(inv == i) for i in range(len(days))]
    knees = np.unique(np.quantile(x, KNEE_QUANTILES))
    rng = np.random.default_rng(seed)
    out = np.full(reps, np.nan)
    for r in range(reps):
        pick = np.concatenate([rows[i] for i in rng.integers(0, len(days), len(days))])
        xm, ym, nm = merge_by_load(x[pick], y[pick], n[pick])
        ones = np.ones_like(xm)

        def free(k: float, xm=xm, ym=ym, nm=nm, ones=ones) -> float:
            return fit_binomial(np.column_stack([ones, xm, hinge(xm, k)]), ym, nm)[1]

        k, _ = _best_knee(free, knees)
        beta = fit_binomial(np.column_stack([ones, xm, hinge(xm, k)]), ym, nm)[0]
        est, crossing = _crossing(beta, k, target, float(x[pick].min()), float(x[pick].max()))
        if est is not None:
            out[r] = est
    return out
