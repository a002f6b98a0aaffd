"""Conversion drivers (DESIGN.md "Analyses: conversion", issue 8): the computations.

- :func:`scorecard_table`: the Qianniu/赤兔 monthly scorecard for agents, teams or the shop;
- :func:`decompose_sales_change`: why credited sales moved from last month, split exactly
  into inquiries x conversion rate x sales per converted inquiry (LMDI);
- :func:`fit_conversion_model`: what drives conversion, an inquiry-level logistic model with
  agent-clustered standard errors, odds ratios, average marginal effects and a what-if
  (:func:`fit_agent_day_model`, the agent-day binomial model, when only ``agent_daily``
  exists);
- :func:`shrink_agent_rates`: the fair leaderboard, beta-binomial shrunk conversion rates
  (a hierarchical model whose prior is fitted to the team) with 90% intervals, and each
  agent's probability of truly being in the bottom share;
- :func:`response_grid`: inquiries and first response by weekday x hour (排班);
- :func:`compare_proportions`: whether a change of a rate is beyond chance.

Each returns a frozen :class:`~csnb.analyses.base.Result`. The model lives in
:mod:`._conversion_model` (its frames in :mod:`._conversion_frames`, its fits in
:mod:`._conversion_fit`); the statistics free of datasets in :mod:`._conversion_stats`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import check_one_of
from ..io.dataset import Dataset
from ..metrics import (
    UNKNOWN_TEAM,
    agent_names,
    data_span,
    is_provisional,
    kpi_table,
    ranking_table,
)
from ..metrics.inquiries import (
    session_quality_table,
)
from ..months import check_month, month_bounds, shift_month
from ._conversion_model import ConversionModelResult, fit_agent_day_model, fit_conversion_model
from ._conversion_stats import (
    BetaBinomialPosterior,
    fit_beta_binomial,
    fit_beta_binomial_hierarchical,
    lmdi_parts,
    two_proportion_z,
)
from ._response_grid import ResponseGridResult, response_grid
from .base import Result, json_value, records

__all__ = [
    "ConversionModelResult",
    "DecompositionResult",
    "ProportionComparisonResult",
    "ResponseGridResult",
    "ScorecardResult",
    "ShrinkageResult",
    "compare_proportions",
    "decompose_sales_change",
    "fit_agent_day_model",
    "fit_conversion_model",
    "response_grid",
    "scorecard_table",
    "shrink_agent_rates",
]

LEVELS = ("agent", "team", "shop")

# ---------------------------------------------------------------------------------------------
# Scorecard
# ---------------------------------------------------------------------------------------------

_KPI_COLS = ("inquiries", "converted_inquiries", "conversion_rate", "credited_sales",
             "order_value", "avg_first_response_s", "median_first_response_s",
             "p90_first_response_s", "fast_response_rate")


@dataclass(frozen=True)
class ScorecardResult(Result):
    """The monthly scorecard of agents, teams or the shop, with a total row.

    Attributes
    ----------
    month, level : str
    provisional : bool
        The month is within the data lag.
    fast_response_s : float
        Threshold of the fast-response rate (3分钟响应率 at 180 s).
    table : DataFrame
        See :data:`columns`: level, team, agent_id, name (None where not applicable),
        inquiries 询单人数, converted_inquiries 最终付款人数, conversion_rate, credited_sales
        客服销售额, order_value 客单价, avg/median/p90_first_response_s 首响, avg_response_s
        平响 (mean avg_response_s over counted sessions that have it), fast_response_rate,
        rated_sessions, satisfaction_rate (NaN without ratings), rank (in team, 1 = best,
        the metric book's ranking), rank_last_month, rank_change (positive = moved up),
        inquiries_last_month, conversion_rate_last_month, credited_sales_last_month,
        conversion_change_p_value (pooled two-proportion z test of this month's rate
        against last month's), provisional, total (the total row, equal to the shop's
        headline figures).
    """

    columns = ("level", "team", "agent_id", "name", *_KPI_COLS, "avg_response_s",
               "fast_response_rate_threshold_s", "rated_sessions", "satisfaction_rate", "rank",
               "rank_last_month", "rank_change", "inquiries_last_month",
               "conversion_rate_last_month", "credited_sales_last_month",
               "conversion_change_p_value", "provisional", "total")

    month: str
    level: str
    provisional: bool
    fast_response_s: float
    table: pd.DataFrame = field(repr=False)

    def tidy(self) -> pd.DataFrame:
        """Return the scorecard (one row per agent or team, then the total row)."""
        return self.table.copy()

    def to_json(self) -> dict[str, Any]:
        """Month, level, provisional flag, threshold and the rows."""
        return {"month": self.month, "level": self.level, "provisional": self.provisional,
                "fast_response_s": self.fast_response_s, "rows": records(self.table)}

    def plot(self, ax=None, *, metric: str = "conversion_rate"):
        """Horizontal bars of ``metric`` per row, sorted (the total row left out)."""
        from ..plots.conversion import plot_ranked_bars

        rows = self.table[~self.table["total"]]
        label = "name" if self.level == "agent" else "team"
        return plot_ranked_bars(rows, label, metric, ax=ax)


def scorecard_table(ds: Dataset, month: str, level: str = "agent") -> ScorecardResult:
    """Return the monthly scorecard (the Qianniu/赤兔 view) for agents, teams or the shop.

    Parameters
    ----------
    ds : Dataset
    month : str
        ``"YYYY-MM"``.
    level : {"agent", "team", "shop"}
        One row per agent (with name and team) or per team, then the total row; ``"shop"``
        is the total row alone.

    Returns
    -------
    ScorecardResult
        ``tidy()`` columns in :attr:`ScorecardResult.columns`. Every figure follows the
        metric book (:func:`csnb.metrics.kpi_table`); the total row is the shop's.

    Raises
    ------
    SettingsError
        ``level`` is not an allowed value.
    ParameterError
        ``month`` is not ``YYYY-MM``.
    """
    check_month(month)
    check_one_of("level", level, LEVELS)
    last = shift_month(month, -1)
    by = {"agent": ("agent_id",), "team": ("team",), "shop": ()}[level]
    keys = list(by)
    quality = _quality(ds, [last, month], level)
    total = _scorecard_rows(ds, (), [], month, last, _quality(ds, [last, month], "shop"))
    total["level"] = "shop"
    total["total"] = True
    if level == "shop":
        table = total
    else:
        rows = _scorecard_rows(ds, by, keys, month, last, quality)
        rows["level"] = level
        rows["total"] = False
        table = pd.concat([rows, total], ignore_index=True)
    for col in ("team", "agent_id", "name"):
        if col not in table:
            table[col] = None
    table["fast_response_rate_threshold_s"] = float(ds.settings.fast_response_s)
    table["provisional"] = is_provisional(ds, month)
    table = table[list(ScorecardResult.columns)].reset_index(drop=True)
    return ScorecardResult(month=month, level=level, provisional=is_provisional(ds, month),
                           fast_response_s=float(ds.settings.fast_response_s), table=table)


def _agent_teams(ds: Dataset) -> pd.DataFrame:
    # Names from the agents table, else from the daily exports (team unknown there).
    return agent_names(ds)


def _quality(ds: Dataset, months: list[str], level: str) -> pd.DataFrame:
    """平响 and satisfaction sums per period and level key."""
    q = session_quality_table(ds, months)
    if level == "team":
        q = q.merge(_agent_teams(ds)[["agent_id", "team"]], on="agent_id", how="left")
        q["team"] = q["team"].fillna(UNKNOWN_TEAM)
    keys = {"agent": ["agent_id"], "team": ["team"], "shop": []}[level]
    sums = ["avg_response_sum", "avg_response_n", "rated_sessions", "satisfied_sessions"]
    out = q.groupby(["period", *keys], as_index=False)[sums].sum(min_count=1)
    out["avg_response_s"] = out["avg_response_sum"] / out["avg_response_n"].where(
        out["avg_response_n"] > 0)
    out["satisfaction_rate"] = out["satisfied_sessions"] / out["rated_sessions"].where(
        out["rated_sessions"] > 0)
    return out[["period", *keys, "avg_response_s", "rated_sessions", "satisfaction_rate"]]


def _scorecard_rows(ds: Dataset, by: tuple[str, ...], keys: list[str], month: str, last: str,
                    quality: pd.DataFrame) -> pd.DataFrame:
    kpis = kpi_table(ds, by, "month")
    kpis = kpis.merge(quality, on=["period", *keys], how="left")
    now = kpis[kpis["period"] == month].drop(columns="period")
    before = kpis[kpis["period"] == last].drop(columns="period")
    before = before[[*keys, "inquiries", "converted_inquiries", "conversion_rate",
                     "credited_sales"]]
    before.columns = [*keys, "inquiries_last_month", "converted_last_month",
                      "conversion_rate_last_month", "credited_sales_last_month"]
    if not keys:  # the shop: one row even in a month without records
        now = now if len(now) else pd.DataFrame([{c: np.nan for c in kpis.columns}])
        before = before if len(before) else pd.DataFrame([{c: np.nan for c in before.columns}])
        out = pd.concat([now.reset_index(drop=True), before.reset_index(drop=True)], axis=1)
    else:
        out = now.merge(before, on=keys, how="left")
    _, out["conversion_change_p_value"] = two_proportion_z(
        out["converted_inquiries"], out["inquiries"], out["converted_last_month"],
        out["inquiries_last_month"])
    out["rank"] = out["rank_last_month"] = np.nan
    if keys == ["agent_id"]:
        out = out.merge(_agent_teams(ds), on="agent_id", how="left")
        out["team"] = out["team"].fillna(UNKNOWN_TEAM)
        ranks = ranking_table(ds)[["month", "agent_id", "rank"]]
        this = ranks[ranks["month"] == month].set_index("agent_id")["rank"]
        prev = ranks[ranks["month"] == last].set_index("agent_id")["rank"]
        out["rank"] = out["agent_id"].map(this).astype(float)
        out["rank_last_month"] = out["agent_id"].map(prev).astype(float)
        out = out.sort_values(["team", "rank", "agent_id"], na_position="last")
    out["rank_change"] = out["rank_last_month"] - out["rank"]
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Sales decomposition
# ---------------------------------------------------------------------------------------------

FACTORS = ("inquiries", "conversion", "value")


@dataclass(frozen=True)
class DecompositionResult(Result):
    """LMDI decomposition of the change in credited sales from last month.

    credited sales = inquiries x conversion rate x sales per converted inquiry; the three
    effects add up exactly to the change (per row).

    Attributes
    ----------
    month : str
    by : str or None
    table : DataFrame
        One row per group (``"shop"``, or each team then the shop). Columns group,
        sales_last_month, sales, inquiries_last_month, inquiries, conversion_rate_last_month,
        conversion_rate, value_last_month, value (credited sales per converted inquiry),
        inquiries_effect, conversion_effect, value_effect, total_change, method ("lmdi";
        "zero": a month's sales are zero, the change goes to the factor that is zero;
        "no_change": zero both months; "missing": a month is outside the data).
    """

    columns = ("group", "sales_last_month", "sales", "inquiries_last_month", "inquiries",
               "conversion_rate_last_month", "conversion_rate", "value_last_month", "value",
               "inquiries_effect", "conversion_effect", "value_effect", "total_change",
               "method")

    month: str
    by: str | None
    table: pd.DataFrame = field(repr=False)

    def tidy(self) -> pd.DataFrame:
        """Return the decomposition table."""
        return self.table.copy()

    def shop(self) -> dict[str, Any]:
        """The shop's effects: inquiries, conversion, value, total (issue 8's JSON keys)."""
        row = self.table[self.table["group"] == "shop"].iloc[0]
        return {"inquiries": json_value(row["inquiries_effect"]),
                "conversion": json_value(row["conversion_effect"]),
                "value": json_value(row["value_effect"]),
                "total": json_value(row["total_change"]),
                "method": row["method"]}

    def to_json(self) -> dict[str, Any]:
        """``decomposition`` (the shop) and ``by_group`` rows."""
        return {"month": self.month, "decomposition": self.shop(),
                "by_group": records(self.table)}

    def plot(self, ax=None, *, group: str | None = None):
        """Waterfall of one group (default the shop); all groups as panels when ``by``."""
        from ..plots.conversion import plot_waterfall

        if group is None and ax is None and self.by is not None:
            return plot_waterfall(self.table)
        return plot_waterfall(self.table, group=group or "shop", ax=ax)


def decompose_sales_change(ds: Dataset, month: str, by: str | None = None
                           ) -> DecompositionResult:
    """Decompose the change in credited sales from last month (LMDI, additive).

    Parameters
    ----------
    ds : Dataset
    month : str
        ``"YYYY-MM"``; compared with the month before.
    by : {None, "team"}
        The shop only, or each team and then the shop. Teams do not add up to the shop's
        effects (each group's factors are its own), but their total changes do.

    Returns
    -------
    DecompositionResult
        ``tidy()`` columns in :attr:`DecompositionResult.columns`.

    Raises
    ------
    SettingsError
        ``by`` is not an allowed value.
    """
    check_month(month)
    check_one_of("by", by, (None, "team"))
    last = shift_month(month, -1)
    first_day = data_span(ds)[0]
    # A month before the data starts is unknown, not zero.
    known_last = first_day is not None and month_bounds(last)[1] >= first_day
    frames: list[tuple[pd.DataFrame, bool]] = [(kpi_table(ds, (), "month"), False)]
    if by == "team":
        frames.insert(0, (kpi_table(ds, ("team",), "month"), True))
    cols = ["inquiries", "converted_inquiries", "credited_sales"]
    rows = []
    for kpis, by_team in frames:
        now = kpis[kpis["period"] == month]
        before = kpis[kpis["period"] == last]
        groups = (sorted(set(now["team"]) | set(before["team"])) if by_team else ["shop"])
        for g in groups:
            v1 = _sums(now, cols, g if by_team else None)
            v0 = (_sums(before, cols, g if by_team else None) if known_last
                  else np.full(3, np.nan))
            rows.append(_decompose_row(g, v0, v1))
    table = pd.DataFrame(rows, columns=list(DecompositionResult.columns))
    return DecompositionResult(month=month, by=by, table=table)


def _sums(kpis: pd.DataFrame, cols: list[str], team: str | None) -> np.ndarray:
    """Column sums of a group (zero when it has no records that month)."""
    rows = kpis if team is None else kpis[kpis["team"] == team]
    return rows[cols].sum(min_count=1).fillna(0.0).to_numpy(float)


def _factors(inquiries: float, converted: float, sales: float) -> list[float]:
    conv = converted / inquiries if inquiries > 0 else math.nan
    value = sales / converted if converted > 0 else math.nan
    return [inquiries, conv, value]


def _decompose_row(group: str, v0: np.ndarray, v1: np.ndarray) -> dict[str, Any]:
    f0, f1 = _factors(*v0), _factors(*v1)
    parts, method = lmdi_parts(f0, f1)
    return {
        "group": group, "sales_last_month": v0[2], "sales": v1[2],
        "inquiries_last_month": v0[0], "inquiries": v1[0],
        "conversion_rate_last_month": f0[1], "conversion_rate": f1[1],
        "value_last_month": f0[2], "value": f1[2],
        "inquiries_effect": parts[0], "conversion_effect": parts[1], "value_effect": parts[2],
        "total_change": v1[2] - v0[2], "method": method,
    }


# ---------------------------------------------------------------------------------------------
# Fair leaderboard: empirical-Bayes shrinkage
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShrinkageResult(Result):
    """Beta-binomial shrunk conversion rates of agents (prior fitted to the team).

    Attributes
    ----------
    month : str
    bottom_share, level : float
        Bottom share of the probability, and credibility of the intervals.
    table : DataFrame
        One row per agent with inquiries in the month: agent_id, name, team, group (the
        prior's group: the team, or ``"shop"`` when the team is too small or ``by="shop"``),
        inquiries, converted_inquiries, conversion_rate (raw), prior_mean,
        prior_concentration, shrunk_rate (posterior mean), ci_low, ci_high (equal-tailed
        posterior interval), p_bottom (posterior probability of being among the lowest
        ceil(bottom_share x n) of the group), raw_rank, shrunk_rank (1 = best, within the
        group), raw_bottom, shrunk_bottom, disagree (raw_bottom != shrunk_bottom).
    priors : DataFrame
        One row per group: group, agents, inquiries, alpha, beta, prior_mean,
        prior_concentration (for the hierarchical prior: posterior mean of the prior mean,
        posterior median of the concentration, and alpha, beta from them), method,
        converged, bottom_count.
    """

    columns = ("agent_id", "name", "team", "group", "inquiries", "converted_inquiries",
               "conversion_rate", "prior_mean", "prior_concentration", "shrunk_rate",
               "ci_low", "ci_high", "p_bottom", "raw_rank", "shrunk_rank", "raw_bottom",
               "shrunk_bottom", "disagree")

    month: str
    bottom_share: float
    level: float
    table: pd.DataFrame = field(repr=False)
    priors: pd.DataFrame = field(repr=False)

    def tidy(self) -> pd.DataFrame:
        """Return the agents' raw and shrunk rates."""
        return self.table.copy()

    def to_json(self) -> dict[str, Any]:
        """``agents`` (issue 8's keys plus ranks) and the priors."""
        keep = ["agent_id", "name", "team", "inquiries", "conversion_rate", "shrunk_rate",
                "ci_low", "ci_high", "p_bottom", "raw_rank", "shrunk_rank", "disagree"]
        return {"month": self.month, "bottom_share": self.bottom_share,
                "interval_level": self.level, "agents": records(self.table[keep]),
                "priors": records(self.priors)}

    def plot(self, ax=None):
        """Raw and shrunk rates with intervals, sorted, per group (see plot_shrinkage)."""
        from ..plots.conversion import plot_shrinkage

        return plot_shrinkage(self.table, ax=ax)


def shrink_agent_rates(ds: Dataset, month: str, *, bottom_share: float | None = None,
                       by: str = "team", level: float = 0.90, prior: str = "hierarchical",
                       min_agents: int = 5, draws: int = 4000, seed: int = 0
                       ) -> ShrinkageResult:
    """Shrink each agent's conversion rate toward its team's (beta-binomial, Bayes).

    Each group's agents' counts (converted inquiries of inquiries) are taken as
    beta-binomial: an agent's true rate ~ Beta(alpha, beta), the group's prior. By default
    (``prior="hierarchical"``) the prior's two parameters get a hyperprior and their
    posterior is computed on a grid (Gelman et al., BDA3 section 5.3); an agent's posterior
    is the mixture over it of Beta(alpha + converted, beta + inquiries - converted). An agent
    with few inquiries moves far toward the group's rate, one with many hardly at all.

    Why not a plug-in prior: a team has about ten agents, too few to pin down how much
    agents differ. Fitted by maximum likelihood and taken as known (parametric empirical
    Bayes), that spread is often estimated near zero and the intervals are too narrow:
    on simulated teams with planted agent effects, 90% plug-in intervals covered 76% of the
    true rates (tests/analyses/test_conversion.py); the hierarchical intervals, which carry
    the prior's own uncertainty (Morris 1983, JASA 78; Laird & Louis 1987, JASA 82), come
    near the nominal 90%. ``prior="ml"`` or ``"moments"`` gives the plug-in version.

    Parameters
    ----------
    ds : Dataset
    month : str
        ``"YYYY-MM"``.
    bottom_share : float, optional
        Share of the group counted as bottom; default ``settings.bottom_share``.
    by : {"team", "shop"}
        Shrink toward the team (a team with fewer than ``min_agents`` agents uses the shop's
        prior) or toward the shop.
    level : float, default 0.90
        Credibility of the equal-tailed intervals (the report shows 90%).
    prior : {"hierarchical", "ml", "moments"}
    min_agents : int, default 5
    draws : int, default 4000
        Monte Carlo draws from the joint posterior for ``p_bottom``.
    seed : int, default 0
        Seed of the draws (the result is reproducible).

    Returns
    -------
    ShrinkageResult
        ``tidy()`` columns in :attr:`ShrinkageResult.columns`; ``priors`` gives each group's
        prior mean (posterior mean) and concentration (posterior median for the
        hierarchical prior) and ``model`` the fitted prior (posterior) per group.
    """
    check_month(month)
    check_one_of("by", by, ("team", "shop"))
    check_one_of("prior", prior, ("hierarchical", "ml", "moments"))
    share = float(ds.settings.bottom_share if bottom_share is None else bottom_share)
    # Three reports ask for it, and each agent's interval is a mixture's quantile solved
    # numerically (seconds at scale): computed once per run (csnb.io.panels.shared_object).
    args = (month, share, by, float(level), prior, int(min_agents), int(draws), int(seed))
    return ds.shared(("shrink_agent_rates", *args),
                     lambda: _shrink_agent_rates(ds, *args))


def _shrink_agent_rates(ds: Dataset, month: str, share: float, by: str, level: float,
                        prior: str, min_agents: int, draws: int, seed: int
                        ) -> ShrinkageResult:
    kpis = kpi_table(ds, ("agent_id",), "month")
    kpis = kpis[(kpis["period"] == month) & (kpis["inquiries"] > 0)]
    agents = kpis[["agent_id", "inquiries", "converted_inquiries", "conversion_rate"]].merge(
        _agent_teams(ds), on="agent_id", how="left")
    agents["team"] = agents["team"].fillna(UNKNOWN_TEAM)
    sizes = agents["team"].value_counts()
    agents["group"] = ("shop" if by == "shop" else
                       agents["team"].map(lambda t: t if sizes[t] >= min_agents else "shop"))
    rng = np.random.default_rng(seed)
    fits: dict[str, BetaBinomialPosterior] = {}
    parts, priors = [], []
    for g, grp in agents.groupby("group", sort=True):
        # A small team borrows the prior fitted to every agent of the shop.
        basis = agents if g == "shop" else grp
        x, n = basis["converted_inquiries"], basis["inquiries"]
        fit = (fit_beta_binomial_hierarchical(x, n) if prior == "hierarchical"
               else BetaBinomialPosterior.point(fit_beta_binomial(x, n, prior)))
        fits[str(g)] = fit
        part, k = _posterior(grp.copy(), fit, share, level, draws, rng)
        parts.append(part)
        mean, kappa = fit.mean, fit.concentration
        priors.append({"group": g, "agents": len(grp), "inquiries": grp["inquiries"].sum(),
                       "alpha": mean * kappa, "beta": (1 - mean) * kappa, "prior_mean": mean,
                       "prior_concentration": kappa, "method": fit.method,
                       "converged": fit.converged, "bottom_count": k})
    cols = list(ShrinkageResult.columns)
    table = (pd.concat(parts, ignore_index=True)[cols] if parts
             else pd.DataFrame(columns=cols))
    table = table.sort_values(["group", "shrunk_rank", "agent_id"], ignore_index=True)
    return ShrinkageResult(month=month, bottom_share=share, level=level, table=table,
                           priors=pd.DataFrame(priors), model=fits)


def _rank_desc(values: pd.Series, ids: pd.Series) -> np.ndarray:
    """1 = highest value; ties broken by agent_id so ranks are deterministic."""
    order = pd.DataFrame({"v": values.to_numpy(), "id": ids.to_numpy()}).sort_values(
        ["v", "id"], ascending=[False, True]).index.to_numpy()
    ranks = np.empty(len(order), dtype=int)
    ranks[order] = np.arange(1, len(order) + 1)
    return ranks


def _posterior(grp: pd.DataFrame, fit: BetaBinomialPosterior, share: float, level: float,
               draws: int, rng: np.random.Generator) -> tuple[pd.DataFrame, int]:
    x = grp["converted_inquiries"].to_numpy(float)
    n = grp["inquiries"].to_numpy(float)
    grp["prior_mean"] = fit.mean
    grp["prior_concentration"] = fit.concentration
    grp["shrunk_rate"] = fit.rate_means(x, n)
    tail = (1 - level) / 2
    grp["ci_low"] = fit.rate_quantiles(x, n, tail)
    grp["ci_high"] = fit.rate_quantiles(x, n, 1 - tail)
    m = len(grp)
    k = int(math.ceil(round(share * m, 9))) if m else 0
    # P(agent among the k lowest true rates of its group): rank each joint posterior draw.
    sample = fit.draw_rates(x, n, draws, rng)
    low = np.argsort(sample, axis=0, kind="stable")[:k]
    hits = np.zeros(m)
    np.add.at(hits, low.ravel(), 1.0)
    grp["p_bottom"] = hits / draws
    grp["raw_rank"] = _rank_desc(grp["conversion_rate"], grp["agent_id"])
    grp["shrunk_rank"] = _rank_desc(grp["shrunk_rate"], grp["agent_id"])
    grp["raw_bottom"] = grp["raw_rank"] > m - k
    grp["shrunk_bottom"] = grp["shrunk_rank"] > m - k
    grp["disagree"] = grp["raw_bottom"] != grp["shrunk_bottom"]
    return grp, k


# ---------------------------------------------------------------------------------------------
# Two proportions
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProportionComparisonResult(Result):
    """Comparison of two proportions x1/n1 and x2/n2 ("is this change beyond chance?").

    Attributes
    ----------
    x1, n1, x2, n2 : float
    p1, p2, difference : float
        The rates and p1 - p2.
    ci_low, ci_high : float
        Newcombe's hybrid-score interval of the difference at ``1 - alpha``.
    z, p_value : float
        Pooled two-proportion z test.
    alpha : float
    beyond_chance : bool
        p_value < alpha.
    """

    columns = ("p1", "p2", "difference", "ci_low", "ci_high", "z", "p_value", "beyond_chance")

    x1: float
    n1: float
    x2: float
    n2: float
    p1: float
    p2: float
    difference: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float
    alpha: float
    beyond_chance: bool

    def tidy(self) -> pd.DataFrame:
        """One row with the columns in ``columns``."""
        return pd.DataFrame([{c: getattr(self, c) for c in self.columns}])

    def to_json(self) -> dict[str, Any]:
        """The counts, rates, interval and test as JSON values."""
        keys = ("x1", "n1", "x2", "n2", *self.columns, "alpha")
        return {k: json_value(getattr(self, k)) for k in keys}

    def plot(self, ax=None):
        """The difference with its interval (a one-row coefficient plot)."""
        from ..plots.coefficients import plot_coefficients

        table = pd.DataFrame([{"term": "p1 - p2", "estimate": self.difference,
                               "ci_low": self.ci_low, "ci_high": self.ci_high}])
        return plot_coefficients(table, ax=ax, log=False, ref=0.0)


def compare_proportions(x1: float, n1: float, x2: float, n2: float, *, alpha: float = 0.05
                        ) -> ProportionComparisonResult:
    """Compare x1 of n1 with x2 of n2: is the difference of the two rates beyond chance.

    Parameters
    ----------
    x1, n1 : float
        Successes and trials of the first group (e.g. this month's converted inquiries and
        inquiries).
    x2, n2 : float
        Of the second group (e.g. last month's).
    alpha : float, default 0.05

    Returns
    -------
    ProportionComparisonResult
        NaN rates, test and interval (and ``beyond_chance`` False) when a trial count is 0.

    Examples
    --------
    >>> compare_proportions(45, 100, 30, 100).beyond_chance
    True
    """
    from statsmodels.stats.proportion import confint_proportions_2indep

    z, p = (float(v) for v in two_proportion_z(x1, n1, x2, n2))
    if n1 > 0 and n2 > 0:
        low, high = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb",
                                               compare="diff", alpha=alpha)
        p1, p2 = x1 / n1, x2 / n2
    else:
        low = high = p1 = p2 = math.nan
        p1 = x1 / n1 if n1 > 0 else math.nan
        p2 = x2 / n2 if n2 > 0 else math.nan
    return ProportionComparisonResult(
        x1=float(x1), n1=float(n1), x2=float(x2), n2=float(n2), p1=p1, p2=p2,
        difference=p1 - p2, ci_low=float(low), ci_high=float(high), z=z, p_value=p,
        alpha=alpha, beyond_chance=bool(p < alpha) if not math.isnan(p) else False)
