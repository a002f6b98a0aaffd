"""Turnover analysis: who leaves, when in their tenure, and what predicts it (issue 7).

Headcount flow and rates are the metric book's (:func:`csnb.metrics.headcount_table`). This
module models tenure and exits:

- :func:`agent_tenure_table` / :func:`fit_retention`: Kaplan-Meier retention overall or by
  shift, team, role or outsourced, with median tenure and 30/90/180-day retention (CIs on the
  log scale, as R survival) and a log-rank test;
- :func:`cohort_retention_table`: hire-month cohorts by months since hire;
- :func:`fit_cox`: Cox proportional hazards on agent attributes (Efron ties) with a
  proportional-hazards check from scaled Schoenfeld residuals;
- :func:`exit_risk_table` / :func:`fit_exit_hazard`: discrete-time hazard of exit on the
  agent-month panel with time-varying covariates, one model per exit type (cause-specific),
  agent-clustered standard errors;
- :func:`at_risk_agents`: the agents most likely to leave next month by that model;
- :func:`exit_chance`: whether a month's exits are beyond what chance gives at its headcount.

Every function takes tidy tables (from :mod:`csnb.metrics` or built by hand), so the
statistics are testable on small frames; the ``*_table`` helpers build them from a Dataset.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import SettingsError, check_one_of
from ..io.dataset import Dataset
from ..metrics import tenure_table
from ..months import check_month, month_bounds, month_span, shift_month
from ._hazard import (
    HAZARD_COVARIATES,
    TENURE_BANDS,
    AtRiskResult,
    HazardResult,
    at_risk_agents,
    exit_risk_table,
    fit_exit_hazard,
)
from ._survival import (
    CAUSES,
    MIN_MODEL_EXITS,
    ZPH_TRANSFORMS,
    coefficient_table,
    cox_zph,
    design_matrix,
    exit_type,
    log_band,
    ratio_records,
    step_value,
)
from .base import Result, json_value, records

__all__ = [
    "HAZARD_COVARIATES",
    "TENURE_BANDS",
    "AtRiskResult",
    "CoxResult",
    "HazardResult",
    "RetentionResult",
    "agent_tenure_table",
    "at_risk_agents",
    "cohort_retention_table",
    "exit_chance",
    "exit_risk_table",
    "fit_cox",
    "fit_exit_hazard",
    "fit_retention",
]

#: Groupings of :func:`fit_retention`.
GROUP_COLUMNS = ("shift", "team", "role", "outsourced")
#: Days at which retention is reported.
RETENTION_DAYS = (30, 90, 180)
#: A group with fewer agents or exits than this is too small to say anything.
MIN_AGENTS, MIN_EXITS = 10, 5
#: Cox covariates (those present are used).
COX_COVARIATES = ("shift", "team", "role", "outsourced", "base_salary")
Cause = Literal["any", "voluntary", "involuntary"]


def agent_tenure_table(ds: Dataset, month: str) -> pd.DataFrame:
    """Each agent's tenure at a report month's last day, with the attributes models use.

    Returns
    -------
    DataFrame
        The columns of :func:`csnb.metrics.tenure_table` (agent_id, name, team, shift, role,
        hire_date, tenure_days, exited, exit_reason: agents still employed are censored at
        the month's last day), then outsourced and base_salary (empty when the dataset has
        none) and exit_type (voluntary, involuntary, other; None while employed).
    """
    check_month(month)
    agents = ds.frame("agents")
    table = tenure_table(agents, month)
    extra = [c for c in ("outsourced", "base_salary") if c in agents]
    table = table.merge(agents[["agent_id", *extra]], on="agent_id", how="left")
    for col in ("outsourced", "base_salary"):
        if col not in table:
            table[col] = None
    table["exit_type"] = exit_type(table["exit_reason"])
    return table


# -- Kaplan-Meier ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionResult(Result):
    """Kaplan-Meier retention, overall or by group.

    Attributes
    ----------
    by : str or None
        The grouping column (None: one group ``"all"``).
    curves : DataFrame
        See :meth:`tidy`.
    summary : DataFrame
        One row per group and statistic: group, agents, exits, too_small, statistic
        (``median_tenure_days``, ``retention_30d``, ...), estimate, ci_low, ci_high (95%; a
        median's limits None where the band never reaches 0.5; retentions None past the
        group's longest follow-up).
    logrank : dict
        chi2, df, p_value of the log-rank test between groups (None values with one group).
    model : dict
        statsmodels ``SurvfuncRight`` per group.
    """

    columns = ("group", "time", "at_risk", "exits", "survival", "se", "ci_low", "ci_high",
               "too_small")

    by: str | None
    curves: pd.DataFrame = field(repr=False)
    summary: pd.DataFrame = field(repr=False)
    logrank: dict[str, Any] = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """The step curves: one row per group and exit time, plus time 0 (survival 1).

        Columns group, time (days), at_risk, exits, survival, se (Greenwood), ci_low,
        ci_high (95% pointwise, log scale as R ``conf.type="log"``), too_small (fewer than
        10 agents or 5 exits: not to be read as meaningful).
        """
        return self.curves.copy()

    def display_table(self) -> pd.DataFrame:
        """The summary statistics (one row per group and statistic)."""
        return self.summary.copy()

    def to_json(self) -> dict[str, Any]:
        """Median tenure and retention of each group, the log-rank test.

        With one group (no ``by``): ``median_tenure_days``, ``retention_30d``,
        ``retention_90d``, ``retention_180d`` as ``{estimate, ci_low, ci_high}``.
        """
        out: dict[str, Any] = {"by": self.by, "logrank": {k: json_value(v)
                                                           for k, v in self.logrank.items()}}
        groups = []
        for group, rows in self.summary.groupby("group", sort=False):
            item: dict[str, Any] = {"group": json_value(group),
                                    "agents": int(rows["agents"].iloc[0]),
                                    "exits": int(rows["exits"].iloc[0]),
                                    "too_small": bool(rows["too_small"].iloc[0])}
            for r in rows.itertuples():
                item[str(r.statistic)] = {"estimate": json_value(r.estimate),
                                          "ci_low": json_value(r.ci_low),
                                          "ci_high": json_value(r.ci_high)}
            groups.append(item)
        out["groups"] = groups
        if self.by is None and groups:
            out.update({k: v for k, v in groups[0].items() if k != "group"})
        return out

    def plot(self, ax=None, *, lang: str = "en", **kwargs):
        """Draw the retention curves with their bands (see :func:`plot_retention`)."""
        from ..plots.turnover import plot_retention

        return plot_retention(self.tidy(), ax=ax, lang=lang, **kwargs)


def fit_retention(table: pd.DataFrame, by: str | None = None, *,
                  duration: str = "tenure_days", event: str = "exited",
                  times: Sequence[float] = RETENTION_DAYS) -> RetentionResult:
    """Fit Kaplan-Meier retention curves, overall or by a group column.

    Parameters
    ----------
    table : DataFrame
        One row per agent, e.g. :func:`agent_tenure_table`.
    by : str, optional
        Group column (``"shift"``, ``"team"``, ``"role"``, ``"outsourced"`` or any other).
        Agents with the group missing are left out.
    duration, event : str
        Columns of follow-up time (days) and of the exit flag (censored when false).
    times : sequence of float
        Days at which retention is reported (``retention_{t}d``).

    Returns
    -------
    RetentionResult
        Median tenure with its 95% CI by inverting the log-scale band (Brookmeyer-Crowley,
        as R ``survfit`` whose default ``conf.type`` is ``"log"``), retention at ``times``
        with its pointwise band, the log-rank test when there are two groups or more.
    """
    from statsmodels.duration.survfunc import SurvfuncRight, survdiff

    data = table[[duration, event, *([by] if by else [])]].dropna()
    groups = (sorted(data[by].unique(), key=str) if by else ["all"]) if len(data) else []
    curves: list[pd.DataFrame] = []
    summary: list[dict[str, Any]] = []
    models: dict[Any, Any] = {}
    for group in groups:
        rows = data[data[by] == group] if by else data
        time = rows[duration].to_numpy(dtype=float)
        status = rows[event].to_numpy(dtype=float)
        n, exits = len(rows), int(status.sum())
        small = n < MIN_AGENTS or exits < MIN_EXITS
        sf = SurvfuncRight(time, status)
        models[group] = sf
        surv, se = np.asarray(sf.surv_prob), np.asarray(sf.surv_prob_se)
        low, high = log_band(surv, se)
        curves.append(pd.DataFrame({
            "group": group, "time": np.concatenate([[0.0], sf.surv_times]),
            "at_risk": np.concatenate([[n], sf.n_risk]).astype(int),
            "exits": np.concatenate([[0], sf.n_events]).astype(int),
            "survival": np.concatenate([[1.0], surv]), "se": np.concatenate([[0.0], se]),
            "ci_low": np.concatenate([[1.0], low]), "ci_high": np.concatenate([[1.0], high]),
            "too_small": small,
        }))
        stat_rows = [("median_tenure_days", *_median(sf, exits))]
        for t in times:
            stat_rows.append((f"retention_{t:g}d", *_retention_at(sf, time, t)))
        summary.extend({"group": group, "agents": n, "exits": exits, "too_small": small,
                        "statistic": s, "estimate": e, "ci_low": lo, "ci_high": hi}
                       for s, e, lo, hi in stat_rows)
    logrank: dict[str, Any] = {"chi2": None, "df": None, "p_value": None}
    if by and len(groups) > 1 and data[event].astype(bool).any():
        chi2, p = survdiff(data[duration].to_numpy(dtype=float),
                           data[event].to_numpy(dtype=float), data[by].astype(str).to_numpy())
        logrank = {"chi2": float(chi2), "df": len(groups) - 1, "p_value": float(p)}
    columns = list(RetentionResult.columns)
    curve_table = (pd.concat(curves, ignore_index=True) if curves
                   else pd.DataFrame(columns=columns))
    summary_table = pd.DataFrame(summary, columns=["group", "agents", "exits", "too_small",
                                                   "statistic", "estimate", "ci_low",
                                                   "ci_high"])
    return RetentionResult(by=by, curves=curve_table[columns], summary=summary_table,
                           logrank=logrank, model=models)


def _median(sf, exits: int) -> tuple[float, float, float]:
    if exits == 0:
        return np.nan, np.nan, np.nan
    # statsmodels divides by zero where the curve reaches 0; those limits are not used.
    with np.errstate(divide="ignore", invalid="ignore"):
        est = sf.quantile(0.5)
        low, high = sf.quantile_ci(0.5, method="log")
    # statsmodels gives nan (or inf) where the curve or its band never reaches 0.5.
    est, low, high = (float(v) if np.isfinite(v) else np.nan for v in (est, low, high))
    return est, low, high


def _retention_at(sf, time: np.ndarray, at: float) -> tuple[float, float, float]:
    if len(time) == 0 or at > time.max():
        return np.nan, np.nan, np.nan  # nobody followed that long: not estimable
    surv, se = np.asarray(sf.surv_prob), np.asarray(sf.surv_prob_se)
    t = np.asarray(sf.surv_times)
    s = step_value(t, surv, at, 1.0)
    e = step_value(t, se, at, 0.0)
    low, high = log_band(np.array([s]), np.array([e]))
    return s, float(low[0]), float(high[0])


# -- hire cohorts ----------------------------------------------------------------------------


def cohort_retention_table(agents: pd.DataFrame, month: str, *, cohorts: int = 12,
                           first: str | None = None) -> pd.DataFrame:
    """Hire-month cohorts by months since hire: the share still employed, and who was at risk.

    Parameters
    ----------
    agents : DataFrame
        The agents table (agent_id, hire_date, exit_date).
    month : str
        Report month; cells after it are not observed and left out.
    cohorts : int, default 12
        Number of hire months, ending with ``month`` (ignored when ``first`` is given).
    first : str, optional
        First hire month to show (e.g. the first month of the data).

    Returns
    -------
    DataFrame
        One row per hire month and months since hire k = 0, 1, ... (calendar month hire
        month + k, up to ``month``): hire_month, months_since_hire, cohort_size (agents hired
        in the month), at_risk (still employed at the start of month k: the cohort for
        k = 0), exits (exit_date in month k), employed (still employed at its end: exit_date
        empty or after its last day, as closing headcount), share (employed / cohort_size).
        Cohorts with no hires are left out.
    """
    check_month(month)
    first = check_month(first, "first") if first else shift_month(month, -(cohorts - 1))
    hire = pd.to_datetime(agents["hire_date"])
    exit_ = pd.to_datetime(agents["exit_date"])
    hire_month = hire.dt.strftime("%Y-%m")
    rows = []
    for cohort in month_span(first, month):
        mine = hire_month == cohort
        size = int(mine.sum())
        if size == 0:
            continue
        ex = exit_[mine]
        at_risk = size
        for k, m in enumerate(month_span(cohort, month)):
            start, end = (pd.Timestamp(d) for d in month_bounds(m))
            exits = int(((ex >= start) & (ex <= end)).sum())
            employed = int((ex.isna() | (ex > end)).sum())
            rows.append({"hire_month": cohort, "months_since_hire": k, "cohort_size": size,
                         "at_risk": at_risk, "exits": exits, "employed": employed,
                         "share": employed / size})
            at_risk = employed
    cols = ["hire_month", "months_since_hire", "cohort_size", "at_risk", "exits", "employed",
            "share"]
    return pd.DataFrame(rows, columns=cols)


# -- Cox proportional hazards ------------------------------------------------------------------


@dataclass(frozen=True)
class CoxResult(Result):
    """Cox proportional hazards on agent attributes, with the proportional-hazards check.

    Attributes
    ----------
    table : DataFrame
        See :meth:`tidy`.
    ph_test : DataFrame
        term (each covariate, then ``GLOBAL``), rho, chisq, df, p_value, violated
        (p < 0.05).
    reference : dict
        Reference level of each categorical covariate.
    dropped : dict
        Covariates or levels left out, with the reason.
    agents, exits : int
        Agents and exits the model used.
    cause : str
        ``"any"`` exit, or the exit type modelled (other exits censored).
    transform : str
        Time transform of the PH test.
    model : statsmodels PHRegResults or None
        None when there were too few exits to fit.
    """

    columns = ("term", "variable", "level", "reference", "unit", "coef", "se", "estimate",
               "ci_low", "ci_high", "p_value", "ph_chisq", "ph_p_value", "ph_violated")

    table: pd.DataFrame = field(repr=False)
    ph_test: pd.DataFrame = field(repr=False)
    reference: dict[str, str] = field(default_factory=dict)
    dropped: dict[str, str] = field(default_factory=dict)
    agents: int = 0
    exits: int = 0
    cause: str = "any"
    transform: str = "km"

    def tidy(self) -> pd.DataFrame:
        """One row per term.

        Columns term (``column=level`` or ``column``), variable, level, reference, unit
        (numbers are per ``unit``), coef, se, estimate (the hazard ratio), ci_low, ci_high
        (95%), p_value (Wald), ph_chisq, ph_p_value, ph_violated (the proportional-hazards
        test of the term's covariate, p < 0.05).
        """
        return self.table.copy()

    def to_json(self) -> dict[str, Any]:
        """Key figures of the Cox model.

        ``cox`` (term, hazard_ratio, ci_low, ci_high, p_value), ``cox_reference``,
        ``cox_ph`` (term, chisq, p_value, violated; with GLOBAL), ``cox_dropped``, counts.
        """
        return {"cox": ratio_records(self.table, "hazard_ratio"),
                "cox_reference": dict(self.reference),
                "cox_ph": records(self.ph_test[["term", "chisq", "df", "p_value", "violated"]]),
                "cox_dropped": dict(self.dropped), "cox_agents": self.agents,
                "cox_exits": self.exits, "cox_cause": self.cause}

    def plot(self, ax=None, **kwargs):
        """Forest plot of the hazard ratios (see :func:`plot_hazard_ratios`)."""
        from ..plots.turnover import plot_hazard_ratios

        return plot_hazard_ratios(self.tidy(), ax=ax, **kwargs)


def fit_cox(table: pd.DataFrame, covariates: Sequence[str] = COX_COVARIATES, *,
            duration: str = "tenure_days", event: str = "exited", cause: Cause = "any",
            reference: Mapping[str, str] | None = None,
            transform: Literal["km", "identity", "rank", "log"] = "km") -> CoxResult:
    """Fit a Cox proportional-hazards model of exit on agent attributes (Efron ties).

    Parameters
    ----------
    table : DataFrame
        One row per agent, e.g. :func:`agent_tenure_table`.
    covariates : sequence of str
        Columns; absent, constant or collinear ones are dropped (see ``dropped``).
        Categories are compared with a reference level (``reference``, else the most
        frequent); booleans and numbers enter as they are (base_salary per 1,000).
    duration, event : str
        Follow-up time and exit flag columns.
    cause : {"any", "voluntary", "involuntary"}
        Exit type modelled (column ``exit_type``); other exits count as censored there
        (cause-specific hazard).
    reference : mapping, optional
        Reference level per categorical column.
    transform : {"km", "identity", "rank", "log"}
        Time transform of the proportional-hazards test (R ``cox.zph`` default ``"km"``).

    Returns
    -------
    CoxResult
        Hazard ratios with 95% Wald CIs (the model's standard errors, as R ``coxph``), and
        the Grambsch-Therneau PH test (as R ``cox.zph`` before survival 3.0; see
        :func:`csnb.analyses._survival.cox_zph`).
    """
    from statsmodels.duration.hazard_regression import PHReg

    check_one_of("cause", cause, ("any", *CAUSES))
    check_one_of("transform", transform, ZPH_TRANSFORMS)
    status = table[event].astype(bool)
    if cause != "any":
        if "exit_type" not in table:
            raise SettingsError(f"cause={cause!r} needs the column 'exit_type' (see "
                                "agent_tenure_table); use cause='any' without exit reasons")
        status = status & (table["exit_type"] == cause)
    design = design_matrix(table, covariates, reference=reference, event=status)
    time = table.loc[design.rows, duration].to_numpy(dtype=float)
    ev = status.loc[design.rows].to_numpy(dtype=float)
    n, exits = len(design.rows), int(ev.sum())
    ph_cols = ["term", "rho", "chisq", "df", "p_value", "violated"]
    if exits < MIN_MODEL_EXITS or not design.terms:
        return CoxResult(table=pd.DataFrame(columns=list(CoxResult.columns)),
                         ph_test=pd.DataFrame(columns=ph_cols), reference=design.reference,
                         dropped=design.dropped, agents=n, exits=exits, cause=cause,
                         transform=transform, model=None)
    X = design.X
    fit = PHReg(time, X.to_numpy(), status=ev, ties="efron").fit()
    names = list(X.columns)
    params = pd.Series(fit.params, index=names)
    coefs = coefficient_table(params, pd.Series(fit.bse, index=names),
                              pd.Series(fit.pvalues, index=names), design)
    ph, _, _ = cox_zph(time, ev, X.to_numpy(), np.asarray(fit.params),
                       np.asarray(fit.cov_params()), transform)
    ph["term"] = [*names, "GLOBAL"]
    ph["violated"] = ph["p_value"] < 0.05
    ph = ph[ph_cols]
    by_term = ph.set_index("term")
    coefs["ph_chisq"] = coefs["term"].map(by_term["chisq"])
    coefs["ph_p_value"] = coefs["term"].map(by_term["p_value"])
    coefs["ph_violated"] = coefs["term"].map(by_term["violated"]).astype(bool)
    return CoxResult(table=coefs, ph_test=ph, reference=design.reference,
                     dropped=design.dropped, agents=n, exits=exits, cause=cause,
                     transform=transform, model=fit)


# -- this month against chance ---------------------------------------------------------------


def exit_chance(flow: pd.DataFrame, month: str, *, baseline_months: int = 12,
                alpha: float = 0.05) -> dict[str, Any]:
    """Whether a month's exits are beyond what chance gives at its headcount.

    The baseline is the exit rate of the ``baseline_months`` months before ``month`` (exits
    over the sum of their average headcounts; months the data cannot answer are left out).
    At that rate the month's average headcount expects ``expected`` exits; the month's count
    is compared with a Poisson distribution of that mean (exact two-sided test, the
    doubled smaller tail), and ``low``-``high`` is the range chance gives in 1 - ``alpha``
    of months.

    Parameters
    ----------
    flow : DataFrame
        :func:`csnb.metrics.headcount_table` at shop level: month, exits, avg_headcount.
    month : str
        The report month.
    baseline_months : int, default 12
    alpha : float, default 0.05

    Returns
    -------
    dict
        month, exits, avg_headcount, baseline_rate (monthly exits per average head),
        baseline_months (months used), expected, low, high, p_value, beyond (bool), direction
        ("above", "below" or None within chance). Values are None when the month or every
        baseline month is outside the data.
    """
    from scipy import stats

    check_month(month)
    rows = flow.set_index("month")
    out: dict[str, Any] = dict.fromkeys(
        ("exits", "avg_headcount", "baseline_rate", "expected", "low", "high", "p_value",
         "beyond", "direction"))
    out.update(month=month, baseline_months=0)
    if month not in rows.index or pd.isna(rows.at[month, "exits"]):
        return out
    exits, avg = int(rows.at[month, "exits"]), float(rows.at[month, "avg_headcount"])
    out.update(exits=exits, avg_headcount=avg)
    before = [shift_month(month, -k) for k in range(1, baseline_months + 1)]
    base = rows.reindex(before)[["exits", "avg_headcount"]].dropna()
    base = base[base["avg_headcount"] > 0]
    if base.empty or avg <= 0:
        return out
    rate = float(base["exits"].sum() / base["avg_headcount"].sum())
    mu = rate * avg
    if mu > 0:
        tail = min(stats.poisson.cdf(exits, mu), stats.poisson.sf(exits - 1, mu))
        p = float(min(1.0, 2 * tail))
    else:
        p = 1.0 if exits == 0 else 0.0
    beyond = p < alpha
    out.update(baseline_rate=rate, baseline_months=len(base), expected=mu,
               low=int(stats.poisson.ppf(alpha / 2, mu)) if mu > 0 else 0,
               high=int(stats.poisson.ppf(1 - alpha / 2, mu)) if mu > 0 else 0,
               p_value=p, beyond=beyond,
               direction=("above" if exits > mu else "below") if beyond else None)
    return out
