"""Statistics of the conversion analysis, free of datasets: each piece testable on its own.

- :func:`lmdi_parts`: log-mean Divisia (LMDI-I) decomposition of a product's change;
- :func:`two_proportion_z`: the pooled two-proportion z test, vectorised;
- :func:`fit_beta_binomial`: the beta-binomial prior of rates by marginal maximum likelihood
  or the method of moments;
- :func:`logit_margins`: average marginal effects of a logit model with delta-method
  standard errors from the model's (cluster) covariance;
- :func:`logit_mean_prediction`: mean predicted probability of a design and its standard
  error (the what-if).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

__all__ = [
    "BetaBinomialPrior",
    "fit_beta_binomial",
    "lmdi_parts",
    "log_mean",
    "logit_margins",
    "logit_mean_prediction",
    "two_proportion_z",
]

#: Largest prior concentration (alpha + beta): "no spread between agents detectable".
MAX_CONCENTRATION = 1e7


def log_mean(a: float, b: float) -> float:
    """Logarithmic mean L(a, b) = (a - b) / (ln a - ln b), with L(a, a) = a."""
    if a == b:
        return float(a)
    return (a - b) / (math.log(a) - math.log(b))


def lmdi_parts(before: Sequence[float], after: Sequence[float]) -> tuple[np.ndarray, str]:
    """Split the change of a product of factors into one additive part per factor (LMDI-I).

    With V = x_1 x_2 ... x_k, part_j = L(V1, V0) ln(x_j1 / x_j0), where L is the
    logarithmic mean; the parts add up to V1 - V0 exactly (Ang 2005, "The LMDI approach to
    decomposition analysis: a practical guide", Energy Policy 33).

    Zeros: when a factor is zero in one period the logarithm is undefined. The limit of
    LMDI with the zero replaced by a small number that goes to zero (Ang & Liu 2007,
    Energy Policy 35, "Handling zero values in index decomposition analysis") gives the
    whole change to the first factor that is zero (the factors after it are undefined, as
    conversion rate is when there are no inquiries) and nothing to the others.

    Parameters
    ----------
    before, after : sequence of float
        The factors in the two periods (non-negative, same length).

    Returns
    -------
    parts : numpy.ndarray
        One part per factor (NaN when a factor is missing or negative).
    method : str
        ``"lmdi"``; ``"zero"`` (a period's product is zero: the change goes to the first
        zero factor); ``"no_change"`` (both products zero); ``"missing"``.
    """
    x0 = np.asarray(before, dtype=float)
    x1 = np.asarray(after, dtype=float)
    k = len(x0)
    zero0, zero1 = _first_zero(x0), _first_zero(x1)
    # Factors after a zero are undefined (0/0), so only those before it must be valid.
    valid0 = x0[: zero0 + 1] if zero0 is not None else x0
    valid1 = x1[: zero1 + 1] if zero1 is not None else x1
    if (np.isnan(valid0).any() or np.isnan(valid1).any() or (valid0 < 0).any()
            or (valid1 < 0).any()):
        return np.full(k, np.nan), "missing"
    if zero0 is not None and zero1 is not None:
        return np.zeros(k), "no_change"
    parts = np.zeros(k)
    if zero0 is not None or zero1 is not None:
        v0 = 0.0 if zero0 is not None else float(np.prod(x0))
        v1 = 0.0 if zero1 is not None else float(np.prod(x1))
        parts[zero0 if zero0 is not None else zero1] = v1 - v0
        return parts, "zero"
    v0, v1 = float(np.prod(x0)), float(np.prod(x1))
    weight = log_mean(v1, v0)
    parts = weight * np.log(x1 / x0)
    # The parts add up exactly in exact arithmetic; put the floating-point remainder on the
    # largest part so the identity holds to the last digit a report prints.
    parts[int(np.argmax(np.abs(parts)))] += (v1 - v0) - parts.sum()
    return parts, "lmdi"


def _first_zero(x: np.ndarray) -> int | None:
    hits = np.flatnonzero(x == 0)
    return int(hits[0]) if len(hits) else None


def two_proportion_z(x1, n1, x2, n2) -> tuple[np.ndarray, np.ndarray]:
    """Pooled two-proportion z test of x1/n1 against x2/n2 (vectorised).

    z = (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2)) with the pooled p = (x1 + x2) / (n1 + n2);
    the two-sided p-value from the normal. NaN when a count is zero; z = 0 and p-value 1
    when the pooled rate is 0 or 1 (no variation to test).

    Returns
    -------
    z, p_value : numpy.ndarray
    """
    x1, n1, x2, n2 = (np.asarray(v, dtype=float) for v in (x1, n1, x2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (x1 + x2) / (n1 + n2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = np.where(se > 0, (x1 / n1 - x2 / n2) / se, 0.0)
    bad = ~((n1 > 0) & (n2 > 0))
    z = np.where(bad, np.nan, z)
    p = np.where(bad, np.nan, 2 * stats.norm.sf(np.abs(z)))
    return z, p


@dataclass(frozen=True)
class BetaBinomialPrior:
    """A fitted beta prior of rates: Beta(alpha, beta).

    Attributes
    ----------
    alpha, beta : float
    method : str
        ``"ml"`` or ``"moments"``.
    loglik : float
        Beta-binomial log likelihood of the data at the estimate.
    converged : bool
    """

    alpha: float
    beta: float
    method: str
    loglik: float
    converged: bool

    @property
    def mean(self) -> float:
        """Prior mean alpha / (alpha + beta)."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def concentration(self) -> float:
        """Alpha + beta: how many inquiries' worth of weight the prior carries."""
        return self.alpha + self.beta


def _beta_binomial_loglik(x: np.ndarray, n: np.ndarray, a: float, b: float) -> float:
    return float(np.sum(stats.betabinom.logpmf(x, n, a, b)))


def _moments(x: np.ndarray, n: np.ndarray) -> tuple[float, float]:
    """Method-of-moments mean and concentration of a beta-binomial sample.

    With r_i = x_i / n_i, E(r_i - mu)^2 = mu (1 - mu) (1/n_i + rho (1 - 1/n_i)) where
    rho = 1 / (concentration + 1); solved for rho with mu the pooled rate.
    """
    mu = x.sum() / n.sum()
    if mu <= 0 or mu >= 1 or len(x) < 2:
        return float(mu), MAX_CONCENTRATION
    r = x / n
    ss = np.sum((r - mu) ** 2) * len(x) / (len(x) - 1)  # mu is estimated: one df less
    denom = np.sum(1 - 1 / n)
    rho = (ss / (mu * (1 - mu)) - np.sum(1 / n)) / denom if denom > 0 else 0.0
    rho = min(max(rho, 1 / (MAX_CONCENTRATION + 1)), 1 - 1e-9)
    return float(mu), float(min(1 / rho - 1, MAX_CONCENTRATION))


def fit_beta_binomial(x: Sequence[float], n: Sequence[float], method: str = "ml"
                      ) -> BetaBinomialPrior:
    """Fit the beta prior of rates whose counts are x successes of n trials.

    Parameters
    ----------
    x, n : sequence of float
        Successes and trials per unit (n > 0).
    method : {"ml", "moments"}
        ``"ml"``: maximise the beta-binomial marginal likelihood over (logit mean,
        log concentration), started at the method-of-moments estimate; ``"moments"``: the
        method-of-moments estimate. A concentration that runs off to infinity (no spread
        beyond binomial noise) stops at :data:`MAX_CONCENTRATION`: every rate is pooled.

    Returns
    -------
    BetaBinomialPrior
    """
    return _fit_beta_binomial(np.asarray(x, dtype=float), np.asarray(n, dtype=float), method)


def _fit_beta_binomial(x: np.ndarray, n: np.ndarray, method: str) -> BetaBinomialPrior:
    mu0, kappa0 = _moments(x, n)
    if mu0 <= 0 or mu0 >= 1:
        # All or nothing converted: the prior is a point mass near the pooled rate.
        mu0 = min(max(mu0, 1e-6), 1 - 1e-6)
        a, b = mu0 * MAX_CONCENTRATION, (1 - mu0) * MAX_CONCENTRATION
        return BetaBinomialPrior(a, b, method, _beta_binomial_loglik(x, n, a, b), True)
    if method == "moments":
        a, b = mu0 * kappa0, (1 - mu0) * kappa0
        return BetaBinomialPrior(a, b, method, _beta_binomial_loglik(x, n, a, b), True)

    def negll(theta: np.ndarray) -> float:
        mu = special.expit(theta[0])
        kappa = math.exp(theta[1])
        return -_beta_binomial_loglik(x, n, mu * kappa, (1 - mu) * kappa)

    start = np.array([special.logit(mu0), math.log(min(kappa0, 1e5))])
    fit = optimize.minimize(negll, start, method="L-BFGS-B",
                            bounds=[(-20, 20), (math.log(1e-3), math.log(MAX_CONCENTRATION))])
    mu, kappa = special.expit(fit.x[0]), math.exp(fit.x[1])
    a, b = mu * kappa, (1 - mu) * kappa
    return BetaBinomialPrior(float(a), float(b), "ml", -float(fit.fun), bool(fit.success))


def _expit(eta: np.ndarray) -> np.ndarray:
    return special.expit(eta)


def logit_margins(params: np.ndarray, cov: np.ndarray, exog: np.ndarray,
                  groups: Sequence[tuple[str, Sequence[int]]],
                  weights: np.ndarray | None = None) -> list[dict]:
    """Average marginal effects of a logit model with delta-method standard errors.

    Parameters
    ----------
    params, cov : numpy.ndarray
        Coefficients and their covariance (e.g. the cluster-robust one).
    exog : numpy.ndarray
        The design (n x k) the averages run over.
    groups : sequence of (kind, columns)
        One entry per effect: ``("continuous", [j])`` gives the derivative of the probability
        in column j; ``("discrete", [j, others...])`` the change of the probability when
        column j is switched from 0 to 1 with the ``others`` (the other dummies of the same
        categorical variable) set to 0: a level against the reference level.
    weights : numpy.ndarray, optional
        Frequency weights of the rows (e.g. inquiries of an agent-day).

    Returns
    -------
    list of dict
        Per entry: column (j), estimate, std_error.
    """
    w = np.ones(len(exog)) if weights is None else np.asarray(weights, dtype=float)
    w = w / w.sum()
    p = _expit(exog @ params)
    out = []
    for kind, cols in groups:
        j = cols[0]
        if kind == "continuous":
            dens = p * (1 - p)
            est = float(w @ dens) * params[j]
            grad = (w * dens * (1 - 2 * p) * params[j]) @ exog
            grad[j] += float(w @ dens)
        else:
            x1, x0 = exog.copy(), exog.copy()
            x1[:, list(cols)] = 0.0
            x0[:, list(cols)] = 0.0
            x1[:, j] = 1.0
            p1, p0 = _expit(x1 @ params), _expit(x0 @ params)
            est = float(w @ (p1 - p0))
            grad = (w * p1 * (1 - p1)) @ x1 - (w * p0 * (1 - p0)) @ x0
        out.append({"column": j, "estimate": est,
                    "std_error": float(math.sqrt(max(grad @ cov @ grad, 0.0)))})
    return out


def logit_mean_prediction(params: np.ndarray, cov: np.ndarray, exog: np.ndarray,
                          weights: np.ndarray | None = None) -> tuple[float, float, np.ndarray]:
    """Mean predicted probability over a design, its delta-method SE and gradient.

    Returns
    -------
    estimate, std_error : float
    gradient : numpy.ndarray
        d estimate / d params (to combine two predictions into a difference).
    """
    w = np.ones(len(exog)) if weights is None else np.asarray(weights, dtype=float)
    w = w / w.sum()
    p = _expit(exog @ params)
    grad = (w * p * (1 - p)) @ exog
    return float(w @ p), float(math.sqrt(max(grad @ cov @ grad, 0.0))), grad
