"""The naive two-way fixed-effects difference in differences.

``y ~ D + unit FE + time FE`` by OLS, with standard errors clustered by unit. Under staggered
adoption with effects that change over time or differ between groups, its coefficient is a
weighted average of 2x2 comparisons some of which use already-treated units as controls
(Goodman-Bacon 2021), with weights that can be negative: it can be biased even in sign. It is
shown beside the Callaway & Sant'Anna estimate (:mod:`.cs`) because it is what most analysts
would run; when the two disagree, the TWFE figure is the one to distrust.

Standard errors are CRV1 with R fixest's default small-sample correction,
``ssc(adj = TRUE, fixef.K = "nested", cluster.adj = TRUE)``:
``V = G / (G - 1) * (n - 1) / (n - K) * (X'X)^-1 (sum_c X_c'u_c u_c'X_c) (X'X)^-1`` with ``G``
clusters, ``n`` observations and ``K`` the coefficients plus one plus ``levels - 1`` of each
fixed effect *not* nested in the clusters (the unit fixed effects are nested in unit clusters,
so they do not count). statsmodels' OLS on dummy variables counts every dummy in ``K`` and
gives a larger SE on mpdta (0.014832 against fixest's 0.013265).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ...errors import ParameterError
from .base import DidResult, few_cluster_warnings

__all__ = ["TwfeModel", "fit_twfe"]


@dataclass(frozen=True)
class TwfeModel:
    """The fitted TWFE regression(s).

    Attributes
    ----------
    names : list of str
        Regressors of the static model (``["D"]``).
    coef, vcov : numpy.ndarray
        Coefficients and their clustered covariance (with the small-sample factor).
    ssc : float
        The small-sample factor ``G/(G-1) * (n-1)/(n-K)`` applied.
    n_obs, k : int
        Observations and the ``K`` of the correction.
    event_names : list of str
        Regressors of the event-study model (``"e=-3"``...), empty without one.
    event_coef, event_vcov : numpy.ndarray or None
        Its coefficients and covariance.
    """

    names: list[str]
    coef: np.ndarray
    vcov: np.ndarray = field(repr=False)
    ssc: float
    n_obs: int
    k: int
    event_names: list[str] = field(default_factory=list)
    event_coef: np.ndarray | None = None
    event_vcov: np.ndarray | None = field(default=None, repr=False)


def fit_twfe(
    panel: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    treated: str,
    *,
    group: str | None = None,
    event_study: bool = False,
    cluster: str | None = None,
    alpha: float = 0.05,
) -> DidResult:
    """Fit ``outcome ~ treated + unit FE + time FE`` with unit-clustered standard errors.

    Parameters
    ----------
    panel : pandas.DataFrame
        Long panel, one row per unit and period; rows with a missing outcome are left out.
    outcome, unit, time : str
        Columns of the outcome, the unit id and the period.
    treated : str
        Column of the treatment indicator (bool or 0/1): treated in that period.
    group : str, optional
        Column of the first-treated period (0, NaN or infinity for never treated); needed
        for the event study.
    event_study : bool, default False
        Also fit ``outcome ~ sum_{e != -1} 1{t - g = e} + unit FE + time FE`` (every lead
        and lag, event time in periods, reference the period before adoption; never-treated
        units have no dummies).
    cluster : str, optional
        Cluster column (constant within unit); default the unit.
    alpha : float
        Intervals have level ``1 - alpha``, with critical values of the t distribution with
        ``G - 1`` degrees of freedom (fixest's default ``t.df = "min"`` for one-way
        clustering), which widens them when there are few clusters.

    Returns
    -------
    DidResult
        ``estimator="twfe"``; a ``simple`` row (the coefficient of ``treated``) and, with
        ``event_study``, ``event_study`` rows including the reference at zero; ``model`` a
        :class:`TwfeModel`.

    Raises
    ------
    ParameterError
        A column is missing, the treatment does not vary after the fixed effects, or
        ``event_study`` without ``group``.

    Examples
    --------
    >>> fit_twfe(mpdta, "lemp", "countyreal", "year", "post").overall()  # doctest: +SKIP
    {'estimate': -0.03655, 'se': 0.013265, ...}
    """
    needed = [outcome, unit, time, treated] + [c for c in (group, cluster) if c]
    missing = [c for c in needed if c not in panel.columns]
    if missing:
        raise ParameterError(f"fit_twfe: the panel has no column {', '.join(map(repr, missing))}")
    if event_study and group is None:
        raise ParameterError("fit_twfe: event_study=True needs the first-treated column "
                             "(group=...)")
    df = panel[list(dict.fromkeys(needed))].copy()
    notes = []
    dropped = int(df[outcome].isna().sum())
    if dropped:
        notes.append(f"{dropped} unit-periods with a missing {outcome} are left out")
        df = df[df[outcome].notna()]
    unit_codes, unit_ids = pd.factorize(df[unit])
    periods = np.sort(df[time].unique())
    time_codes = np.searchsorted(periods, df[time].to_numpy())
    clusters = df[cluster].to_numpy() if cluster else df[unit].to_numpy()
    cluster_codes, cluster_ids = pd.factorize(clusters)
    y = df[outcome].to_numpy(dtype=float)
    d = df[treated].astype(float).to_numpy()

    coef, vcov, ssc, k = _ols_fe(y, d[:, None], unit_codes, time_codes, cluster_codes)
    est = [float(coef[0])]
    se = [float(np.sqrt(vcov[0, 0]))]
    rows = [{"aggregation": "simple", "event_time": np.nan, "band": "pointwise"}]
    event_names: list[str] = []
    event_coef = event_vcov = None
    if event_study:
        assert group is not None
        g = pd.to_numeric(df[group], errors="coerce").astype(float).to_numpy()
        # Units treated from the first period on have no pre-period: their lags would sum to
        # their unit effect (collinear), so the event study leaves them out.
        keep = ~(np.isfinite(g) & (g > 0) & (g <= periods[0]))
        if not keep.all():
            notes.append(f"{len(np.unique(unit_codes[~keep]))} units treated from the first "
                         f"period on are left out of the event study")
        x, event_times = _event_dummies(df[group][keep], periods, time_codes[keep])
        ecoef, evcov, _, _ = _ols_fe(y[keep], x, pd.factorize(unit_codes[keep])[0],
                                     pd.factorize(time_codes[keep])[0],
                                     pd.factorize(cluster_codes[keep])[0])
        event_names = [f"e={e}" for e in event_times]
        event_coef, event_vcov = ecoef, evcov
        for e, b, v in zip(event_times, ecoef, np.diag(evcov), strict=True):
            rows.append({"aggregation": "event_study", "event_time": float(e),
                         "band": "pointwise"})
            est.append(float(b))
            se.append(float(np.sqrt(v)))
        rows.append({"aggregation": "event_study", "event_time": -1.0, "band": "reference"})
        est.append(0.0)
        se.append(np.nan)
    table = pd.DataFrame(rows)
    table["estimate"] = est
    table["se"] = se
    crit = float(stats.t.ppf(1 - alpha / 2, len(cluster_ids) - 1))
    table["ci_low"] = np.asarray(est) - crit * np.asarray(se)
    table["ci_high"] = np.asarray(est) + crit * np.asarray(se)
    table["estimator"] = "twfe"
    table["outcome"] = outcome
    table["group"] = np.nan
    table["time"] = np.nan
    table["post"] = [np.nan if np.isnan(e) else bool(e >= 0) for e in table["event_time"]]
    table["n_treated"] = np.nan
    table["n_control"] = np.nan
    table = table.sort_values(["aggregation", "event_time"], key=_order, ignore_index=True)
    ever = pd.Series(d > 0).groupby(unit_codes).any().to_numpy()
    unit_cluster = pd.Series(cluster_codes).groupby(unit_codes).first().to_numpy()
    n_tc = len(np.unique(unit_cluster[ever]))
    n_cc = len(np.unique(unit_cluster[~ever]))
    warns, values = few_cluster_warnings(n_tc, n_cc)
    model = TwfeModel(names=[treated], coef=coef, vcov=vcov, ssc=ssc, n_obs=len(y), k=k,
                      event_names=event_names, event_coef=event_coef, event_vcov=event_vcov)
    return DidResult(
        estimator="twfe", outcome=outcome, table=table, alpha=alpha, n_units=len(unit_ids),
        n_treated_units=int(ever.sum()), n_control_units=int((~ever).sum()),
        n_clusters=len(cluster_ids), n_treated_clusters=n_tc, n_control_clusters=n_cc,
        options={"cluster": cluster or unit, "event_study": event_study,
                 "ssc": ssc, "ssc_rule": "fixest default: adj, fixef.K='nested', cluster.adj",
                 "df": len(cluster_ids) - 1},
        warnings=warns, warning_values=values, notes=tuple(notes), model=model,
    )


def _order(col: pd.Series) -> pd.Series:
    """Sort key: the simple row first, then event times in order."""
    if col.name == "aggregation":
        return (col != "simple").astype(int)
    return col


def _event_dummies(first, periods, time_codes):
    """Lead and lag dummies 1{t - g = e}, e != -1, in periods; never-treated rows all zero.

    Event times count periods; a unit first treated before the panel's first period (no
    position among the periods) gets its event time from the period spacing, which must
    then be regular.
    """
    g = pd.to_numeric(first, errors="coerce").astype(float).to_numpy()
    never = ~np.isfinite(g) | (g == 0) | (g > periods[-1])
    steps = np.diff(periods.astype(float))
    regular = len(steps) == 0 or bool(np.allclose(steps, steps[0]))
    g_pos = np.zeros(len(g))
    inside = ~never & np.isin(g, periods)
    g_pos[inside] = np.searchsorted(periods, g[inside])
    outside = ~never & ~inside
    if outside.any():
        if not regular:
            raise ParameterError("fit_twfe: first-treated periods must be periods of the "
                                 "panel when the periods are irregularly spaced")
        step = steps[0] if len(steps) else 1.0
        g_pos[outside] = (g[outside] - periods[0]) / step
    e = np.where(never, np.iinfo(np.int64).min, time_codes - np.round(g_pos).astype(np.int64))
    event_times = sorted(set(e[~never].tolist()) - {-1})
    if not event_times:
        raise ParameterError("fit_twfe: no treated unit for the event study")
    x = np.column_stack([(e == k).astype(float) for k in event_times])
    return x, event_times


def _demean(v, unit_codes, time_codes, tol=1e-13, max_iter=10_000):
    """Residuals of ``v`` on unit and time dummies by alternating projections.

    One sweep is exact on a balanced panel; on an unbalanced one the sweeps converge to the
    projection (the method of fixest's and pyfixest's demeaning).
    """
    v = np.array(v, dtype=float, copy=True)
    n_u, n_t = unit_codes.max() + 1, time_codes.max() + 1
    cnt_u = np.bincount(unit_codes, minlength=n_u)
    cnt_t = np.bincount(time_codes, minlength=n_t)
    for _ in range(max_iter):
        before = v.copy()
        for codes, cnt, size in ((unit_codes, cnt_u, n_u), (time_codes, cnt_t, n_t)):
            for j in range(v.shape[1]):
                v[:, j] -= (np.bincount(codes, v[:, j], minlength=size) / cnt)[codes]
        if np.max(np.abs(v - before)) < tol * max(1.0, float(np.max(np.abs(v)))):
            break
    return v


def _nested(fe_codes, cluster_codes) -> bool:
    """Whether every level of a fixed effect lies within a single cluster."""
    return bool((pd.Series(cluster_codes).groupby(fe_codes).nunique() <= 1).all())


def _ols_fe(y, x, unit_codes, time_codes, cluster_codes):
    """OLS of ``y`` on ``x`` absorbing unit and time effects; CRV1 with fixest's correction."""
    both = _demean(np.column_stack([y, x]), unit_codes, time_codes)
    yd, xd = both[:, 0], both[:, 1:]
    xtx = xd.T @ xd
    if np.linalg.matrix_rank(xtx) < xd.shape[1]:
        raise ParameterError("fit_twfe: the treatment indicators are collinear with the unit "
                             "and time effects (does the treatment vary within units and "
                             "periods? is there a never-treated or not-yet-treated unit?)")
    bread = np.linalg.inv(xtx)
    coef = bread @ xd.T @ yd
    resid = yd - xd @ coef
    scores = np.zeros((cluster_codes.max() + 1, xd.shape[1]))
    np.add.at(scores, cluster_codes, xd * resid[:, None])
    vcov = bread @ (scores.T @ scores) @ bread
    n, g = len(y), scores.shape[0]
    # fixest: K = coefficients + 1 + (levels - 1) of each fixed effect not nested in clusters.
    k = xd.shape[1] + 1
    for codes in (unit_codes, time_codes):
        if not _nested(codes, cluster_codes):
            k += int(codes.max()) + 1 - 1
    ssc = g / (g - 1) * (n - 1) / (n - k)
    return coef, vcov * ssc, ssc, k
