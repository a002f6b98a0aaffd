"""Count models with an exposure offset and the exact test of two Poisson rates.

Complaints are counts over an exposure (paid orders, sessions), so the statistics of the
complaints report are count statistics:

- :func:`fit_count_model`: a GLM of counts with ``log(exposure)`` as offset. The default
  family is the negative binomial NB2 (variance ``mu + alpha mu^2``) with ``alpha`` estimated
  by profile likelihood, as R's ``MASS::glm.nb`` does. When the likelihood is highest at the
  Poisson limit (``alpha -> 0``, the boundary of the parameter space) there is no NB2 fit to
  report: the model falls back to Poisson, with the quasi-Poisson scale (Pearson chi2 / df)
  when the data are overdispersed, and says so in ``family`` and ``note``.
- :func:`compare_rates`: the rate ratio of two counts with their exposures, with the exact
  conditional test and interval (R's ``poisson.test`` of two samples).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ..errors import CsnbError, ParameterError, check_one_of
from .base import Result, json_value, records

__all__ = [
    "COUNT_FAMILIES",
    "CountModelResult",
    "ModelFitError",
    "RateComparisonResult",
    "compare_rates",
    "fit_count_model",
]

CountFamily = Literal["nb2", "poisson", "quasipoisson"]
#: Allowed values of ``family`` in :func:`fit_count_model`.
COUNT_FAMILIES: tuple[str, ...] = ("nb2", "poisson", "quasipoisson")

# Profile search range of the NB2 dispersion alpha. Below ALPHA_BOUNDARY the NB2 likelihood
# differs from the Poisson one by less than rounding (ships: 2e-6 at alpha = 1e-8), so an
# estimate there is the boundary, not a finite dispersion.
ALPHA_MIN = 1e-8
ALPHA_MAX = 1e3
ALPHA_BOUNDARY = 1e-6

COEF_COLUMNS = ("term", "estimate", "ci_low", "ci_high", "p_value", "coef", "std_error")


class ModelFitError(CsnbError, RuntimeError):
    """A model did not converge to finite estimates; nothing is reported as fitted."""


@dataclass(frozen=True)
class CountModelResult(Result):
    """A fitted count model: incidence-rate ratios with confidence intervals.

    Attributes
    ----------
    table : DataFrame
        The coefficients; see :meth:`tidy`.
    family : {"nb2", "poisson", "quasipoisson"}
        The family whose estimates are reported (after any fallback).
    requested : {"nb2", "poisson", "quasipoisson"}
        The family asked for.
    dispersion : float or None
        NB2 ``alpha`` (variance ``mu + alpha mu^2``) when ``family == "nb2"``, else None.
    dispersion_at_boundary : bool
        The NB2 profile likelihood was highest at ``alpha -> 0`` (the fallback was taken).
    dispersion_p_value : float or None
        Likelihood-ratio test of ``alpha = 0`` (half chi2(1), as the null is on the boundary),
        when NB2 was requested and ``alpha`` estimated.
    pearson_scale : float
        Pearson chi2 / residual df of the Poisson fit (the quasi-Poisson scale).
    deviance, df_resid, llf, aic : float
        Of the reported fit (``llf`` and ``aic`` of the Poisson likelihood for quasi-Poisson).
    n_obs : int
    conf_level : float
    note : str
        Plain words on what was fitted and why (empty when NB2 fitted as asked).
    model : GLMResults
        The statsmodels results of the reported fit.
    """

    columns = COEF_COLUMNS

    table: pd.DataFrame = field(repr=False)
    family: str
    requested: str
    dispersion: float | None
    dispersion_at_boundary: bool
    dispersion_p_value: float | None
    pearson_scale: float
    deviance: float
    df_resid: float
    llf: float
    aic: float
    n_obs: int
    conf_level: float = 0.95
    note: str = ""

    def tidy(self) -> pd.DataFrame:
        """Return one row per model term.

        Columns: term; estimate (the incidence-rate ratio ``exp(coef)``); ci_low, ci_high
        (its confidence interval at ``conf_level``, Wald on the log scale); p_value (Wald z,
        two-sided); coef (log scale); std_error (of coef; times ``sqrt(pearson_scale)`` for
        quasi-Poisson). Extra columns a caller added (such as ``group``) follow.
        """
        return self.table.copy()

    def to_json(self) -> dict[str, Any]:
        """Key figures: terms with IRR and CI, the family, dispersion and fit statistics."""
        terms = [
            {"term": r["term"], "irr": r["estimate"], "ci_low": r["ci_low"],
             "ci_high": r["ci_high"], "p_value": r["p_value"]}
            for r in records(self.table)
        ]
        return {
            "terms": terms,
            "model_family": self.family,
            "requested_family": self.requested,
            "dispersion": json_value(self.dispersion),
            "dispersion_at_boundary": self.dispersion_at_boundary,
            "dispersion_p_value": json_value(self.dispersion_p_value),
            "pearson_scale": json_value(self.pearson_scale),
            "deviance": json_value(self.deviance),
            "df_resid": json_value(self.df_resid),
            "n_obs": self.n_obs,
            "note": self.note,
        }

    def plot(self, ax=None, *, terms: list[str] | None = None):
        """Draw the rate ratios with their intervals (log scale), intercept left out."""
        from ..plots.coefficients import plot_coefficients

        table = self.table[self.table["term"] != "Intercept"]
        if terms is not None:
            table = table[table["term"].isin(terms)]
        return plot_coefficients(table, ax=ax)


def fit_count_model(
    data: pd.DataFrame,
    formula: str,
    *,
    exposure: str | None = None,
    family: CountFamily = "nb2",
    alpha: float | None = None,
    conf_level: float = 0.95,
) -> CountModelResult:
    """Fit a GLM of counts with a log-exposure offset (NB2 by default).

    Parameters
    ----------
    data : DataFrame
    formula : str
        A patsy formula, ``"incidents ~ C(type) + C(year) + C(period)"``.
    exposure : str, optional
        Column holding the exposure (service months, paid orders); ``log(exposure)`` enters
        as an offset with coefficient 1, so the coefficients are log rate ratios. Values must
        be positive.
    family : {"nb2", "poisson", "quasipoisson"}, default "nb2"
        ``"nb2"`` estimates ``alpha`` by profile likelihood (or uses ``alpha`` when given)
        and falls back to Poisson / quasi-Poisson when the estimate sits at ``alpha -> 0``.
    alpha : float, optional
        A fixed NB2 dispersion (R's ``negative.binomial(theta)`` with ``theta = 1/alpha``).
    conf_level : float, default 0.95

    Returns
    -------
    CountModelResult

    Raises
    ------
    SettingsError
        ``family`` is not an allowed value.
    ParameterError
        Exposure not positive, or ``alpha`` given with a family other than NB2.
    ModelFitError
        The fit did not give finite estimates.

    Examples
    --------
    R: ``glm(incidents ~ type + year + period, offset = log(service), family = poisson)``

    >>> fit_count_model(ships, "incidents ~ C(type) + C(year) + C(period)",
    ...                 exposure="service", family="poisson")  # doctest: +SKIP
    """
    import patsy
    import statsmodels.api as sm

    check_one_of("family", family, COUNT_FAMILIES)
    if alpha is not None and (family != "nb2" or not alpha > 0):
        raise ParameterError(f"alpha (a fixed NB2 dispersion) must be positive and needs "
                             f"family='nb2'; got alpha={alpha!r}, family={family!r}")
    y, X = patsy.dmatrices(formula, data, return_type="dataframe", NA_action="raise")
    offset = None
    if exposure is not None:
        expo = pd.to_numeric(data.loc[X.index, exposure], errors="coerce").to_numpy(float)
        bad = ~(expo > 0)
        if bad.any():
            rows = list(X.index[bad][:5])
            raise ParameterError(f"exposure column {exposure!r} must be positive; "
                                 f"{int(bad.sum())} rows are not (rows {rows})")
        offset = np.log(expo)
    yv = y.iloc[:, 0]

    def glm(fam):
        return sm.GLM(yv, X, family=fam, offset=offset)

    poisson = _checked(glm(sm.families.Poisson()).fit(), "Poisson")
    pearson_scale = float(poisson.pearson_chi2 / poisson.df_resid) if poisson.df_resid > 0 \
        else math.nan
    dispersion: float | None = None
    boundary = False
    lr_p: float | None = None
    note = ""
    reported = family
    if family == "poisson":
        fit = poisson
    elif family == "quasipoisson":
        fit = _checked(glm(sm.families.Poisson()).fit(scale="X2"), "quasi-Poisson")
    elif alpha is not None:
        dispersion = float(alpha)
        fit = _checked(glm(sm.families.NegativeBinomial(alpha=alpha)).fit(), "NB2")
    else:
        dispersion = _estimate_alpha(yv.to_numpy(float), X, offset, poisson,
                                     lambda a: glm(sm.families.NegativeBinomial(alpha=a)))
        if dispersion < ALPHA_BOUNDARY:
            boundary = True
            dispersion = None
            lr_p = 1.0
            over = pearson_scale > 1
            reported = "quasipoisson" if over else "poisson"
            fit = (_checked(glm(sm.families.Poisson()).fit(scale="X2"), "quasi-Poisson")
                   if over else poisson)
            note = ("The negative-binomial dispersion estimate sits at its boundary "
                    "(alpha -> 0: the likelihood is highest at the Poisson limit), so there is "
                    "no NB2 fit; Poisson estimates are reported"
                    + (f", with standard errors scaled by the quasi-Poisson scale "
                       f"{pearson_scale:.3f} (Pearson chi2 / df)." if over else "."))
        else:
            fit = _checked(glm(sm.families.NegativeBinomial(alpha=dispersion)).fit(), "NB2")
            lr = max(0.0, 2 * (fit.llf - poisson.llf))
            lr_p = float(0.5 * stats.chi2.sf(lr, 1))
    table = coefficient_table(fit.params, fit.bse, conf_level)
    llf_fit = poisson if reported == "quasipoisson" else fit
    return CountModelResult(
        table=table, family=reported, requested=family, dispersion=dispersion,
        dispersion_at_boundary=boundary, dispersion_p_value=lr_p,
        pearson_scale=pearson_scale, deviance=float(fit.deviance),
        df_resid=float(fit.df_resid), llf=float(llf_fit.llf), aic=float(llf_fit.aic),
        n_obs=int(fit.nobs), conf_level=conf_level, note=note, model=fit,
    )


def coefficient_table(params: pd.Series, bse: pd.Series, conf_level: float = 0.95
                      ) -> pd.DataFrame:
    """Rate-ratio table from log-scale coefficients and standard errors (Wald intervals).

    Returns
    -------
    DataFrame
        Columns term, estimate (exp(coef)), ci_low, ci_high, p_value, coef, std_error.
    """
    z = stats.norm.ppf(0.5 + conf_level / 2)
    coef = params.to_numpy(float)
    se = bse.to_numpy(float)
    # A level with no events (a month without complaints) has a huge standard error: its
    # upper limit is infinite, which is the honest answer, so the overflow is not warned.
    with np.errstate(over="ignore"):
        return _rate_ratios(params, coef, se, z)


def _rate_ratios(params: pd.Series, coef: np.ndarray, se: np.ndarray, z: float
                 ) -> pd.DataFrame:
    return pd.DataFrame({
        "term": [str(t) for t in params.index],
        "estimate": np.exp(coef),
        "ci_low": np.exp(coef - z * se),
        "ci_high": np.exp(coef + z * se),
        "p_value": 2 * stats.norm.sf(np.abs(coef / se)),
        "coef": coef,
        "std_error": se,
    })


def _checked(fit, what: str):
    """Return ``fit`` when its estimates are finite; never pass NaN on as a converged fit."""
    values = np.concatenate([np.asarray(fit.params, float), np.asarray(fit.bse, float)])
    if not np.all(np.isfinite(values)) or not getattr(fit, "converged", True):
        raise ModelFitError(
            f"The {what} model did not converge to finite estimates (a category or period "
            "with no events, or collinear terms); drop or merge the sparse terms and refit."
        )
    return fit


def _estimate_alpha(y: np.ndarray, X: pd.DataFrame, offset, poisson, model_at) -> float:
    """NB2 maximum-likelihood ``alpha``, or 0.0 when the maximum is at the boundary.

    The profile log-likelihood's slope at ``alpha = 0`` is ``sum((y - mu)^2 - y) / 2`` at the
    Poisson fit (Cameron & Trivedi's score); when it is not positive the likelihood is highest
    at the Poisson limit and there is nothing to estimate (Newton steps on ``alpha`` then
    wander off and return NaN, as statsmodels' discrete NegativeBinomial does on the ships
    data). Otherwise the discrete NB2 model is fitted from the Poisson estimates; if that
    fails, a profile search over ``alpha`` with GLM fits takes over.
    """
    import statsmodels.api as sm

    mu = np.asarray(poisson.mu, float)
    score = float(np.sum((y - mu) ** 2 - y))
    if score <= 0:
        return 0.0
    start_alpha = max(score / float(np.sum(mu**2)), 1e-3)  # the moment estimate
    try:
        nb = sm.NegativeBinomial(y, np.asarray(X, float), offset=offset, loglike_method="nb2")
        fit = nb.fit(start_params=np.append(np.asarray(poisson.params), start_alpha),
                     method="newton", maxiter=100, disp=0)
        alpha = float(fit.params[-1])
        if fit.mle_retvals.get("converged") and math.isfinite(alpha) and alpha > 0 \
                and math.isfinite(float(fit.llf)):
            return alpha
    except (np.linalg.LinAlgError, ValueError, OverflowError):
        pass
    return _profile_alpha(model_at)


def _profile_alpha(model_at) -> float:
    """NB2 ``alpha`` maximising the profile log-likelihood over [ALPHA_MIN, ALPHA_MAX].

    A coarse grid on the log scale finds the region (the profile can be flat near the
    boundary), then a bounded Brent search refines the maximum between the neighbouring grid
    points.
    """
    def negll(log_a: float) -> float:
        fit = model_at(math.exp(log_a)).fit()
        llf = float(fit.llf)
        return -llf if math.isfinite(llf) else math.inf

    grid = np.linspace(math.log(ALPHA_MIN), math.log(ALPHA_MAX), 12)
    values = np.array([negll(g) for g in grid])
    if not np.isfinite(values).any():
        raise ModelFitError("The NB2 likelihood is not finite for any dispersion; check the "
                            "counts and the exposure.")
    i = int(np.nanargmin(values))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    best = optimize.minimize_scalar(negll, bounds=(lo, hi), method="bounded",
                                    options={"xatol": 1e-3})
    log_a = float(best.x) if best.fun <= values[i] else float(grid[i])
    return math.exp(log_a)


# ---------------------------------------------------------------------------------------------
# Two Poisson rates
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateComparisonResult(Result):
    """Rate of A against rate of B: ratio, exact interval and p-value.

    Attributes
    ----------
    count_a, count_b : int
    exposure_a, exposure_b : float
    rate_ratio : float
        ``(count_a / exposure_a) / (count_b / exposure_b)``; NaN when undefined.
    ci_low, ci_high : float
        Exact conditional (Clopper-Pearson) interval of the ratio.
    p_value : float
        Exact conditional test of equal rates (two-sided binomial test of ``count_a`` out of
        ``count_a + count_b`` with ``p = exposure_a / (exposure_a + exposure_b)``).
    conf_level : float
    per : float
        Unit of the rates (1,000: per 1,000 exposure units).
    """

    columns = ("count_a", "exposure_a", "rate_a", "count_b", "exposure_b", "rate_b",
               "rate_ratio", "ci_low", "ci_high", "p_value")

    count_a: int
    exposure_a: float
    count_b: int
    exposure_b: float
    rate_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    conf_level: float = 0.95
    per: float = 1000.0
    alpha: float = 0.05

    @property
    def rate_a(self) -> float:
        """Rate of A per ``per`` units of exposure."""
        return self.count_a / self.exposure_a * self.per

    @property
    def rate_b(self) -> float:
        """Rate of B per ``per`` units of exposure."""
        return self.count_b / self.exposure_b * self.per

    @property
    def beyond_chance(self) -> bool:
        """Whether the difference is significant at level ``alpha`` (default 0.05)."""
        return bool(self.p_value < self.alpha)

    def tidy(self) -> pd.DataFrame:
        """One row of the comparison.

        Columns: count_a, exposure_a, rate_a, count_b, exposure_b, rate_b, rate_ratio,
        ci_low, ci_high, p_value (rates per ``per`` units of exposure).
        """
        return pd.DataFrame([{c: getattr(self, c) for c in self.columns}],
                            columns=list(self.columns))

    def to_json(self) -> dict[str, Any]:
        """Key figures, plus ``beyond_chance`` and the method."""
        out = {c: json_value(getattr(self, c)) for c in self.columns}
        out.update(beyond_chance=self.beyond_chance, method="exact conditional (binomial)",
                   conf_level=self.conf_level)
        return out

    def plot(self, ax=None):
        """Draw the rate ratio with its interval on a log axis."""
        from ..plots.coefficients import plot_coefficients

        table = pd.DataFrame({"term": ["A / B"], "estimate": [self.rate_ratio],
                              "ci_low": [self.ci_low], "ci_high": [self.ci_high]})
        return plot_coefficients(table, ax=ax)


def compare_rates(count_a: int, exposure_a: float, count_b: int, exposure_b: float, *,
                  conf_level: float = 0.95, per: float = 1000.0) -> RateComparisonResult:
    """Compare two Poisson rates: rate ratio, exact interval and exact conditional p-value.

    Given the total ``n = count_a + count_b``, ``count_a`` is binomial with
    ``p = r exposure_a / (r exposure_a + exposure_b)`` where ``r`` is the rate ratio; the test
    and the Clopper-Pearson interval of ``p``, mapped to ``r``, are exact (R:
    ``poisson.test(c(count_a, count_b), c(exposure_a, exposure_b))``).

    Parameters
    ----------
    count_a, count_b : int
        Event counts (complaints this month, last month).
    exposure_a, exposure_b : float
        Their exposures (paid orders), positive.
    conf_level : float, default 0.95
    per : float, default 1000
        Unit of the rates reported (per 1,000 orders).

    Returns
    -------
    RateComparisonResult

    Raises
    ------
    ParameterError
        A negative or non-integer count, or an exposure that is not positive.
    """
    for name, c in (("count_a", count_a), ("count_b", count_b)):
        if not (float(c) >= 0 and float(c).is_integer()):
            raise ParameterError(f"{name} must be a non-negative whole count; got {c!r}")
    for name, e in (("exposure_a", exposure_a), ("exposure_b", exposure_b)):
        if not float(e) > 0:
            raise ParameterError(f"{name} must be positive; got {e!r}")
    a, b = int(count_a), int(count_b)
    ea, eb = float(exposure_a), float(exposure_b)
    n = a + b
    ratio = (a / ea) / (b / eb) if b > 0 else (math.nan if a == 0 else math.inf)
    if n == 0:
        lo, hi, p = 0.0, math.inf, 1.0
    else:
        test = stats.binomtest(a, n, ea / (ea + eb))
        ci = test.proportion_ci(confidence_level=conf_level, method="exact")
        lo = ci.low / (1 - ci.low) * eb / ea if ci.low < 1 else math.inf
        hi = ci.high / (1 - ci.high) * eb / ea if ci.high < 1 else math.inf
        p = float(test.pvalue)
    return RateComparisonResult(count_a=a, exposure_a=ea, count_b=b, exposure_b=eb,
                                rate_ratio=float(ratio), ci_low=float(lo), ci_high=float(hi),
                                p_value=min(1.0, p), conf_level=conf_level, per=per)
