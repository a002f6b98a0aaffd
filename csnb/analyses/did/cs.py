"""Callaway & Sant'Anna (2021) staggered difference-in-differences, without covariates.

For each adoption group ``g`` (units first treated in period ``g``) and period ``t``, ATT(g, t)
is a 2x2 difference in differences: the mean change of group ``g`` from a base period to ``t``
minus the mean change of the control units (never treated, or not yet treated by then).
Without covariates the regression, inverse-probability and doubly-robust estimators of the
paper coincide with this difference of means, so none of them needs a model.

Inference uses each estimate's influence function (the per-unit term whose mean is the
estimation error): standard errors are the square root of the clustered sum of squared
influence functions, aggregations carry the extra term for their estimated group-share weights
(omitting it understates the simple ATT's SE on mpdta: 0.01175 instead of 0.01203), and the
optional multiplier bootstrap perturbs the same influence functions cluster by cluster.

With few clusters (a team-month panel has 8 teams, not 500 counties) the influence-function
variance is biased down: each adoption group's own spread is estimated from its one or two
teams with ``n`` rather than ``n - 1`` in the denominator (zero for a group of one), and normal
critical values ignore that the variance itself rests on ``G`` cluster sums.
``small_sample=True`` applies the correction fixest and Stata apply to clustered regressions
(the covariance times ``G / (G - 1)``, critical values of the t distribution with ``G - 1``
degrees of freedom, the pre-trend test as an F test with ``G - 1`` denominator degrees of
freedom). On csnb's planted 8-team worlds it raises the simple ATT interval's coverage from
17 to 18 of 20 seeds (20 to 21 of 23), which the coverage rule accepts; the SE is still below
the spread of the estimates (ratio 0.86 after the factor), so it narrows the gap rather than
closing it (figures in ``tests/analyses/test_incentives.py``). The default stays R's ``did``
(normal, no factor), so the published mpdta figures are reproduced exactly.

The numbers agree with R's ``did::att_gt`` / ``did::aggte`` (see ``tests/analyses/test_did.py``,
which checks the published mpdta figures). The code is written from the paper's formulas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from ...errors import ParameterError, check_one_of
from .base import (
    WARN_NO_PRE_PERIODS,
    WARN_PRETREND_SINGULAR,
    WARN_SINGLE_UNIT_GROUPS,
    DidResult,
    WaldTestResult,
    few_cluster_warnings,
    normal_ci,
)

__all__ = ["CsModel", "fit_cs_did"]

Control = Literal["never", "notyet"]
BasePeriod = Literal["varying", "universal"]
Weights = Literal["mammen", "rademacher", "webb"]

#: Standard deviation estimated from an interquartile range: IQR / 1.349 for a normal.
_IQR_NORMAL = float(stats.norm.ppf(0.75) - stats.norm.ppf(0.25))


@dataclass(frozen=True)
class CsModel:
    """What the CS estimates rest on, for anyone who needs more than the tidy table.

    Attributes
    ----------
    units : numpy.ndarray
        Unit labels, in the row order of ``influence``.
    clusters : numpy.ndarray
        Cluster label of each unit.
    labels : list of tuple
        ``(aggregation, group, time, event_time)`` of each column of ``influence``.
    estimates : numpy.ndarray
        The estimate of each column.
    influence : numpy.ndarray
        Units x estimates influence functions: ``estimate - truth ~ influence.mean(axis=0)``.
    vcov : numpy.ndarray
        Clustered covariance of the estimates.
    draws : numpy.ndarray or None
        Bootstrap draws of ``estimate - truth`` (draws x estimates), when bootstrapped.
    """

    units: np.ndarray
    clusters: np.ndarray
    labels: list[tuple]
    estimates: np.ndarray
    influence: np.ndarray = field(repr=False)
    vcov: np.ndarray = field(repr=False)
    draws: np.ndarray | None = field(default=None, repr=False)


def fit_cs_did(
    panel: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    group: str,
    *,
    control: Control = "never",
    base_period: BasePeriod = "varying",
    alpha: float = 0.05,
    bootstrap: int | None = None,
    weights: Weights = "mammen",
    cluster: str | None = None,
    balance_e: int | None = None,
    seed: int | None = 0,
    small_sample: bool = False,
) -> DidResult:
    """Estimate group-time ATTs and their aggregations (Callaway & Sant'Anna 2021).

    Parameters
    ----------
    panel : pandas.DataFrame
        Long panel: one row per unit and period. A missing outcome leaves that unit out of
        the comparisons that need that period (on a balanced panel every unit is in every
        comparison of its group, as in R's ``did``).
    outcome, unit, time : str
        Columns of the outcome, the unit id and the period (integers, e.g. years or month
        indices; event times count periods, positions in the sorted list of periods).
    group : str
        Column of the period in which the unit is first treated: constant within a unit;
        0, NaN or infinity for a unit never treated. Units first treated after the last
        period count as never treated; units treated in the first period have no
        pre-treatment period and are left out (both as R's ``did`` does).
    control : {"never", "notyet"}
        Comparison units: never treated, or never treated plus those not yet treated by
        the later of ``t`` and the base period.
    base_period : {"varying", "universal"}
        ``"varying"``: pre-treatment ATT(g, t) compare ``t`` with ``t - 1`` (post-treatment
        ones always with ``g - 1``); ``"universal"``: every ATT(g, t) against ``g - 1``,
        whose own row is a reference fixed at zero.
    alpha : float
        Intervals have level ``1 - alpha``.
    bootstrap : int, optional
        Number of multiplier-bootstrap draws. Then standard errors are bootstrap ones
        (interquartile range / 1.349, as R's ``did``), and the ATT(g, t), event-study and
        group rows get uniform (sup-t) bands: all of a family's intervals cover the truth
        together with probability ``1 - alpha``.
    weights : {"mammen", "rademacher", "webb"}
        Multiplier distribution of the bootstrap: Mammen's two-point (R ``did``'s), Rademacher
        (+-1), or Webb's six-point distribution (+-sqrt(1/2), +-1, +-sqrt(3/2)), which with
        fewer than about 12 clusters gives more distinct draws than Rademacher's ``2^G``.
    cluster : str, optional
        Column with a cluster id constant within unit; default each unit is its cluster.
    balance_e : int, optional
        Event study only over groups observed at least ``balance_e`` periods after
        adoption, and event times up to ``balance_e`` (a fixed composition of groups).
    seed : int, optional
        Seed of the bootstrap.
    small_sample : bool, default False
        Few-cluster inference (see the module docstring): covariance (and bootstrap draws)
        times ``G / (G - 1)``, intervals with t critical values on ``G - 1`` degrees of
        freedom, the pre-trend test as ``F(rank, G - 1)``. False reproduces R's ``did``.

    Returns
    -------
    DidResult
        ``estimator="cs"``; rows ``attgt``, ``simple``, ``event_study``,
        ``event_study_overall`` (mean of the event times >= 0), ``group`` and
        ``group_overall``; ``pretrend`` the Wald test that all pre-treatment ATT(g, t) are
        zero; ``model`` a :class:`CsModel`.

    Raises
    ------
    ParameterError
        A column is missing, the group varies within a unit, a unit has two rows for one
        period, or no unit is treated within the panel (or no unit can serve as control).
    SettingsError
        ``control``, ``base_period`` or ``weights`` has a value not listed above.

    Examples
    --------
    >>> res = fit_cs_did(mpdta, "lemp", "countyreal", "year", "first.treat")  # doctest: +SKIP
    >>> res.overall("simple")  # doctest: +SKIP
    {'estimate': -0.03995, 'se': 0.01203, 'ci_low': -0.0635, 'ci_high': -0.0164}
    """
    check_one_of("control", control, ("never", "notyet"))
    check_one_of("base_period", base_period, ("varying", "universal"))
    check_one_of("weights", weights, ("mammen", "rademacher", "webb"))
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha must be between 0 and 1; got {alpha!r}")
    if bootstrap is not None and (int(bootstrap) != bootstrap or bootstrap < 2):
        raise ParameterError(f"bootstrap must be None or a number of draws >= 2; "
                             f"got {bootstrap!r}")
    data = _prepare(panel, outcome, unit, time, group, cluster)
    y, g_pos, periods, units, clusters, notes = data
    n, n_periods = y.shape

    # Step 1: the group-time ATTs and their influence functions.
    cells = _cells(y, g_pos, n_periods, control, base_period)
    if not any(c.estimable for c in cells):
        raise ParameterError(
            f"fit_cs_did: no ATT(g, t) of {outcome!r} can be estimated: no "
            f"{'never-treated' if control == 'never' else 'never- or not-yet-treated'} "
            f"comparison units have outcomes in the needed periods "
            f"(use control='notyet' when every unit is eventually treated)")
    skipped = [c for c in cells if not c.estimable and not c.reference]
    if skipped:
        notes.append(f"{len(skipped)} ATT(g, t) could not be estimated (no treated or "
                     f"control unit with the outcome in both periods) and are left out")

    # Step 2: aggregations, each an influence function built from the cells'.
    group_share = np.array([np.mean(g_pos == gp) for gp in range(n_periods)])
    columns = [_Column("attgt", c.g, c.t, c.t - c.g, c.att, c.influence,
                       np.nan if c.reference else c.n_g, np.nan if c.reference else c.n_c,
                       c.reference) for c in cells if c.estimable or c.reference]
    columns += _aggregate(cells, g_pos, group_share, n_periods, balance_e)

    # Step 3: covariance from cluster sums of influence functions; optional bootstrap.
    inf = np.column_stack([c.influence for c in columns])
    est = np.array([c.estimate for c in columns])
    cluster_codes, cluster_ids = pd.factorize(clusters)
    sums = np.zeros((len(cluster_ids), inf.shape[1]))
    np.add.at(sums, cluster_codes, inf)
    n_clust = len(cluster_ids)
    # Few-cluster correction (fixest's cluster.adj and t.df = "min"); none reproduces R's did.
    ssc = n_clust / (n_clust - 1) if small_sample and n_clust > 1 else 1.0
    df_t = n_clust - 1 if small_sample and n_clust > 1 else None
    vcov = ssc * (sums.T @ sums) / n**2
    se = np.sqrt(np.clip(np.diag(vcov), 0, None))
    families = np.array([c.aggregation for c in columns])
    reference = np.array([c.reference for c in columns])
    se[reference] = np.nan
    low, high = normal_ci(est, se, alpha, df=df_t)
    band = np.where(reference, "reference", "pointwise").astype(object)
    draws = None
    if bootstrap is not None:
        draws = np.sqrt(ssc) * _multiplier_draws(sums, n, int(bootstrap), weights, seed)
        q75, q25 = np.percentile(draws, [75, 25], axis=0)
        se_boot = (q75 - q25) / _IQR_NORMAL
        se = np.where(reference, np.nan, se_boot)
        low, high = normal_ci(est, se, alpha, df=df_t)
        for family in ("attgt", "event_study", "group"):
            crit = _uniform_critical(draws, se, (families == family) & ~reference, alpha)
            if crit is not None:
                mask = (families == family) & ~reference
                low[mask] = est[mask] - crit * se[mask]
                high[mask] = est[mask] + crit * se[mask]
                band[mask] = "uniform"

    # Step 4: pre-trend test on the pre-treatment ATT(g, t).
    pre = (families == "attgt") & ~reference & np.array([c.event_time < 0 for c in columns])
    pretrend, pre_warnings, pre_values = _wald(est[pre], vcov[np.ix_(pre, pre)], alpha,
                                               df_denom=df_t)

    table = pd.DataFrame({
        "estimator": "cs",
        "outcome": outcome,
        "aggregation": families,
        "group": [_label(periods, c.g) for c in columns],
        "time": [_label(periods, c.t) for c in columns],
        "event_time": [c.event_time for c in columns],
        "estimate": est,
        "se": se,
        "ci_low": low,
        "ci_high": high,
        "band": band,
        "post": [np.nan if c.event_time is None or np.isnan(c.event_time)
                 else bool(c.event_time >= 0) for c in columns],
        "n_treated": [c.n_treated for c in columns],
        "n_control": [c.n_control for c in columns],
    })
    table["event_time"] = table["event_time"].astype(float)
    treated_units = g_pos >= 0
    control_units = np.zeros(n, dtype=bool)
    for c in cells:
        if c.estimable:
            control_units |= c.control_mask
    n_tc = len(np.unique(clusters[treated_units]))
    n_cc = len(np.unique(clusters[control_units]))
    warns, values = few_cluster_warnings(n_tc, n_cc)
    single = [g for g in np.unique(g_pos[g_pos > 0])
              if len(np.unique(clusters[g_pos == g])) == 1]
    if single:
        warns += (WARN_SINGLE_UNIT_GROUPS,)
        values["n_groups"] = len(single)
    model = CsModel(units=units, clusters=clusters,
                    labels=[(c.aggregation, _label(periods, c.g), _label(periods, c.t),
                             c.event_time) for c in columns],
                    estimates=est, influence=inf, vcov=vcov, draws=draws)
    return DidResult(
        estimator="cs", outcome=outcome, table=table, alpha=alpha, n_units=n,
        n_treated_units=int(treated_units.sum()), n_control_units=int(control_units.sum()),
        n_clusters=len(cluster_ids), n_treated_clusters=n_tc, n_control_clusters=n_cc,
        pretrend=pretrend,
        options={"control": control, "base_period": base_period, "bootstrap": bootstrap,
                 "weights": weights if bootstrap else None, "cluster": cluster or unit,
                 "balance_e": balance_e, "seed": seed, "small_sample": small_sample,
                 "ssc": ssc, "df": df_t},
        warnings=warns + pre_warnings, warning_values={**values, **pre_values},
        notes=tuple(notes), model=model,
    )


# --- data -----------------------------------------------------------------------------------

def _prepare(panel, outcome, unit, time, group, cluster):
    """Wide outcome matrix, group positions (-1 never treated), periods, units, clusters."""
    needed = [outcome, unit, time, group] + ([cluster] if cluster else [])
    missing = [c for c in needed if c not in panel.columns]
    if missing:
        raise ParameterError(f"fit_cs_did: the panel has no column {', '.join(map(repr, missing))}"
                             f" (columns: {', '.join(map(str, panel.columns))})")
    df = panel[list(dict.fromkeys(needed))].copy()
    dup = df.duplicated([unit, time])
    if dup.any():
        rows = df.loc[dup, [unit, time]].head(5).to_records(index=False).tolist()
        raise ParameterError(f"fit_cs_did: {int(dup.sum())} (unit, period) pairs occur more "
                             f"than once, e.g. {rows}; aggregate to one row per unit and period")
    periods = np.sort(df[time].dropna().unique())
    if len(periods) < 2:
        raise ParameterError(f"fit_cs_did: the panel needs at least two periods of {time!r}")
    gvals = pd.to_numeric(df[group], errors="coerce").astype(float)
    varying = gvals.fillna(0).groupby(df[unit]).nunique()
    if (varying > 1).any():
        bad = list(varying[varying > 1].index[:5])
        raise ParameterError(f"fit_cs_did: column {group!r} must be constant within a unit; "
                             f"it varies for {int((varying > 1).sum())} units, e.g. {bad}")
    y = df.pivot(index=unit, columns=time, values=outcome).reindex(columns=periods)
    units = y.index.to_numpy()
    per_unit = gvals.groupby(df[unit]).first().reindex(units).to_numpy()
    notes: list[str] = []
    never = ~np.isfinite(per_unit) | (per_unit == 0) | (per_unit > periods[-1])
    late = np.isfinite(per_unit) & (per_unit > periods[-1])
    if late.any():
        notes.append(f"{int(late.sum())} units first treated after the last period count as "
                     f"never treated")
    g_pos = np.full(len(units), -1)
    pos = np.searchsorted(periods, per_unit[~never])
    inside = pos < len(periods)
    exact = np.zeros(len(pos), dtype=bool)
    exact[inside] = periods[pos[inside]] == per_unit[~never][inside]
    # Treated at or before the first period: no pre-treatment period, whatever the date.
    exact |= per_unit[~never] <= periods[0]
    if not exact.all():
        bad = per_unit[~never][~exact][:5].tolist()
        raise ParameterError(f"fit_cs_did: first-treated periods in {group!r} must be periods "
                             f"of {time!r} (or 0 for never treated); got {bad}")
    g_pos[~never] = pos
    always = g_pos == 0
    if always.any():
        notes.append(f"{int(always.sum())} units treated by the first period have no "
                     f"pre-treatment period and are left out")
    keep = ~always
    if not (g_pos[keep] > 0).any():
        raise ParameterError(
            f"fit_cs_did: no unit is treated within the panel: column {group!r} gives no "
            f"first-treated period after the first period {periods[0]!r}; a difference in "
            f"differences needs treated units and comparison units")
    if cluster:
        clus = df.groupby(unit)[cluster].agg(["first", "nunique"]).reindex(units)
        if (clus["nunique"] > 1).any():
            raise ParameterError(f"fit_cs_did: cluster column {cluster!r} must be constant "
                                 f"within a unit")
        clusters = clus["first"].to_numpy()
    else:
        clusters = units
    return (y.to_numpy(dtype=float)[keep], g_pos[keep], periods, units[keep],
            np.asarray(clusters)[keep], notes)


def _label(periods, pos):
    """Period label of a position (NaN for None)."""
    return np.nan if pos is None else periods[pos]


# --- group-time ATTs ------------------------------------------------------------------------

@dataclass
class _Cell:
    g: int
    t: int
    base: int
    att: float
    influence: np.ndarray
    n_g: int
    n_c: int
    control_mask: np.ndarray
    estimable: bool
    reference: bool = False


def _cells(y, g_pos, n_periods, control, base_period) -> list[_Cell]:
    """Every ATT(g, t) as a 2x2 difference of mean changes, with its influence function."""
    n = len(y)
    cells = []
    for g in np.unique(g_pos[g_pos > 0]):
        first_t = 1 if base_period == "varying" else 0
        for t in range(first_t, n_periods):
            base = g - 1 if (t >= g or base_period == "universal") else t - 1
            if t == base:  # universal base: the reference period itself, zero by definition
                cells.append(_Cell(g, t, base, 0.0, np.zeros(n), 0, 0, np.zeros(n, bool),
                                   False, reference=True))
                continue
            ok = ~np.isnan(y[:, t]) & ~np.isnan(y[:, base])
            treat = ok & (g_pos == g)
            if control == "never":
                ctrl = ok & (g_pos < 0)
            else:
                ctrl = ok & ((g_pos < 0) | ((g_pos > max(t, base)) & (g_pos != g)))
            n_g, n_c = int(treat.sum()), int(ctrl.sum())
            if n_g == 0 or n_c == 0:
                cells.append(_Cell(g, t, base, np.nan, np.zeros(n), n_g, n_c, ctrl, False))
                continue
            dy = np.where(ok, y[:, t] - y[:, base], 0.0)
            mean_g, mean_c = dy[treat].mean(), dy[ctrl].mean()
            # Influence function of a difference of two means, scaled so that the estimate's
            # error is its mean over all n units.
            inf = np.zeros(n)
            inf[treat] = n / n_g * (dy[treat] - mean_g)
            inf[ctrl] = -n / n_c * (dy[ctrl] - mean_c)
            cells.append(_Cell(g, t, base, mean_g - mean_c, inf, n_g, n_c, ctrl, True))
    return cells


# --- aggregations ---------------------------------------------------------------------------

@dataclass
class _Column:
    aggregation: str
    g: int | None
    t: int | None
    event_time: float
    estimate: float
    influence: np.ndarray
    n_treated: float = np.nan
    n_control: float = np.nan
    reference: bool = False


def _weighted(cells, weights, g_pos, group_share, estimated_weights: bool):
    """Weighted mean of cells' ATTs and its influence function.

    ``weights`` are proportional to group shares; when ``estimated_weights``, the influence
    function gains the term for estimating those shares from the data (the cells' weights
    are P(G = g) / sum of P(G = g) over the cells, each share a sample mean of 1{G = g}).
    """
    att = np.array([c.att for c in cells])
    w = np.asarray(weights, dtype=float)
    total = w.sum()
    estimate = float(w @ att / total)
    inf = np.column_stack([c.influence for c in cells]) @ (w / total)
    if estimated_weights:
        shares = np.array([group_share[c.g] for c in cells])
        member = np.column_stack([(g_pos == c.g).astype(float) for c in cells]) - shares
        # d(w_k / sum w) = (dw_k - w_k * sum dw / sum w) / sum w, with dw_k = 1{G = g_k} - p_k.
        wif = member / total - np.outer(member.sum(axis=1), shares) / total**2
        inf = inf + wif @ att
    return estimate, inf


def _aggregate(cells, g_pos, group_share, n_periods, balance_e) -> list[_Column]:
    """Simple, event-study and group aggregations of the estimable ATT(g, t)."""
    ok = [c for c in cells if c.estimable]
    out: list[_Column] = []
    post = [c for c in ok if c.t >= c.g]
    if post:
        est, inf = _weighted(post, [group_share[c.g] for c in post], g_pos, group_share, True)
        out.append(_Column("simple", None, None, np.nan, est, inf))
    # Event study: cells by event time e = t - g, weighted by group shares.
    dyn = ok
    if balance_e is not None:
        dyn = [c for c in ok if (n_periods - 1 - c.g) >= balance_e and c.t - c.g <= balance_e]
    event_cols = []
    # A universal base period's reference (e = -1) is zero by definition: shown, not estimated.
    reference_e = {c.t - c.g for c in cells if c.reference}
    for e in sorted({c.t - c.g for c in dyn} | reference_e):
        keep = [c for c in dyn if c.t - c.g == e]
        if not keep:
            event_cols.append(_Column("event_study", None, None, float(e), 0.0,
                                      np.zeros(len(g_pos)), reference=True))
            continue
        est, inf = _weighted(keep, [group_share[c.g] for c in keep], g_pos, group_share, True)
        event_cols.append(_Column("event_study", None, None, float(e), est, inf))
    out += event_cols
    post_events = [c for c in event_cols if c.event_time >= 0]
    if post_events:
        out.append(_Column("event_study_overall", None, None, np.nan,
                           float(np.mean([c.estimate for c in post_events])),
                           np.mean([c.influence for c in post_events], axis=0)))
    # Groups: each group's mean over its post-treatment periods, then weighted by shares.
    group_cols, group_cells = [], []
    for g in sorted({c.g for c in post}):
        keep = [c for c in post if c.g == g]
        est, inf = _weighted(keep, np.ones(len(keep)), g_pos, group_share, False)
        group_cols.append(_Column("group", g, None, np.nan, est, inf))
        group_cells.append(_Cell(g, -1, -1, est, inf, 0, 0, np.zeros(0, bool), True))
    out += group_cols
    if group_cells:
        est, inf = _weighted(group_cells, [group_share[c.g] for c in group_cells], g_pos,
                             group_share, True)
        out.append(_Column("group_overall", None, None, np.nan, est, inf))
    return out


# --- inference ------------------------------------------------------------------------------

def _multiplier_draws(sums, n, draws, weights, seed):
    """Bootstrap draws of ``estimate - truth``: cluster sums of influence times multipliers."""
    rng = np.random.default_rng(seed)
    n_clusters = sums.shape[0]
    if weights == "mammen":
        root5 = np.sqrt(5.0)
        low, high = (1 - root5) / 2, (1 + root5) / 2
        v = np.where(rng.random((draws, n_clusters)) < (root5 + 1) / (2 * root5), low, high)
    elif weights == "webb":
        # Webb (2023): six points, mean 0, variance 1, so 6^G distinct draws with few clusters.
        points = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
        v = points[rng.integers(0, 6, size=(draws, n_clusters))]
    else:
        v = rng.choice([-1.0, 1.0], size=(draws, n_clusters))
    return v @ sums / n


def _uniform_critical(draws, se, mask, alpha):
    """Critical value of a sup-t band over the columns in ``mask`` (None when empty)."""
    # Columns whose bootstrap SE is zero (a cell of a single unit pair) cannot be studentised.
    usable = mask & np.isfinite(se) & (se > np.sqrt(np.finfo(float).eps) * 10)
    if not usable.any():
        return None
    t_max = np.max(np.abs(draws[:, usable]) / se[usable], axis=1)
    return float(np.quantile(t_max, 1 - alpha))


def _wald(estimates, vcov, alpha, df_denom: int | None = None):
    """Wald test that all ``estimates`` are zero, with a pseudo-inverse when singular.

    With ``df_denom`` (few clusters) the statistic divided by its rank is referred to the
    F distribution with ``(rank, df_denom)`` degrees of freedom, as Stata's ``test`` does
    after a clustered regression, instead of to the chi-squared.
    """
    k = len(estimates)
    if k == 0:
        return (WaldTestResult(statistic=np.nan, df=0, p_value=np.nan, n_estimates=0,
                               alpha=alpha), (WARN_NO_PRE_PERIODS,), {})
    scale = max(float(np.max(np.abs(np.diag(vcov)))), np.finfo(float).tiny)
    rank = int(np.linalg.matrix_rank(vcov / scale, tol=1e-10))
    warns: tuple[str, ...] = ()
    values: dict = {}
    if rank < k:
        # More pre-treatment estimates than independent clusters: test the directions the
        # data can inform (the rank), rather than no test at all.
        warns, values = (WARN_PRETREND_SINGULAR,), {"rank": rank}
    if rank == 0:
        return (WaldTestResult(statistic=np.nan, df=0, p_value=np.nan, n_estimates=k,
                               alpha=alpha), warns, values)
    stat = float(estimates @ np.linalg.pinv(vcov, rcond=1e-10, hermitian=True) @ estimates)
    p = float(stats.chi2.sf(stat, rank) if df_denom is None
              else stats.f.sf(stat / rank, rank, df_denom))
    return (WaldTestResult(statistic=stat, df=rank, p_value=p, n_estimates=k, alpha=alpha,
                           df_denom=df_denom),
            warns, values)
