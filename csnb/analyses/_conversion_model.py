"""What drives conversion: the logistic model of issue 8 (re-exported by :mod:`.conversion`).

One row per inquiry (the metric book's (customer, agent, day) with its conversion flag) and
the first response of the inquiry's first presale session that day. Without sessions, but
with ``agent_daily``, a binomial model of agent-days on the day's average first response and
fast-response rate stands in; ``kind`` says which was fitted.

Standard errors are clustered by agent (an agent's inquiries share the agent's skill, so
they are not independent): the leave-one-agent-out jackknife (CV3), with t intervals whose
degrees of freedom are (agents - 1) for first response and, for a 0/1 term, one less than
the smaller of the numbers of agents with and without it (a tenure band of three new hires
has two). The usual sandwich (CV1, statsmodels' ``cov_type="cluster"``, kept in ``model``)
covered a planted new-hire effect far less often than 95%: with two agents in the band its
standard error was a third of the truth. Average marginal effects and the what-if use the
same covariance through the delta method.

A month with more presale sessions than ``settings.logit_sample_sessions`` is fitted on a
seeded sample of its inquiries, drawn in the engine (never by pulling every inquiry into
pandas): within each agent, the inquiries ordered by the MD5 digest of
(customer, agent, day, "csnb-" + month) and the first ceil(fraction x agent's inquiries)
kept, fraction = threshold / presale sessions. Sampling is stratified by agent at one rate,
so every agent (cluster) stays in the fit with its share of inquiries: the agent-clustered
covariance of the sample is valid for the sample's estimates, and the unweighted fit
estimates the same coefficients. The same data and month always give the same sample.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import MAX_EXAMPLES, DataContractError, Problem
from ..io.dataset import Dataset
from ..metrics import kpi_table
from ..metrics.inquiries import inquiry_facts_table, typed_inquiry_facts
from ..metrics.sql import dataset_sql
from ..months import check_month, month_bounds, months_ending
from ..settings import Settings
from ._conversion_stats import (
    cluster_jackknife_cov,
    logit_margins,
    logit_mean_prediction,
    term_degrees_of_freedom,
)
from .base import Result, json_value, records

__all__ = ["AGENT_DAY_COLUMNS", "ConversionModelResult", "fit_agent_day_model",
           "fit_conversion_model", "promotion_days", "sample_seed"]

TENURE_BANDS = ("0-29", "30-89", "90-364", "365+")  # days since hire
HOUR_BANDS = ((0, 8, "00-07"), (8, 12, "08-11"), (12, 18, "12-17"), (18, 23, "18-22"),
              (23, 24, "23"))
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: Bins of first response for the shape of its effect (seconds; never answered apart).
RESPONSE_BINS = ((0, 30, "0-29s"), (30, 60, "30-59s"), (60, 120, "1-2min"),
                 (120, 180, "2-3min"), (180, 300, "3-5min"), (300, math.inf, "5-10min"))
WHAT_IF_S = 30.0

# (variable, kind, reference level or None for the most common).
_Spec = tuple[tuple[str, str, str | None], ...]
_SPEC: _Spec = (
    ("first_response_min", "continuous", None),
    ("never_answered", "binary", None),
    ("tenure_band", "categorical", "90-364"),
    ("shift", "categorical", "day"),
    ("hour", "categorical", "12-17"),
    ("weekday", "categorical", "Mon"),
    ("category", "categorical", None),
    ("promotion_day", "binary", None),
    ("month", "categorical", None),
)
_DAILY_SPEC: _Spec = (
    ("first_response_min", "continuous", None),
    ("fast_response_rate", "continuous", None),
    ("tenure_band", "categorical", "90-364"),
    ("shift", "categorical", "day"),
    ("weekday", "categorical", "Mon"),
    ("promotion_day", "binary", None),
    ("month", "categorical", None),
)


def promotion_days(months: Sequence[str], windows: Mapping[str, tuple[str, str]]
                   ) -> dict[date, str]:
    """Promotion days of ``months``: day -> window name.

    Parameters
    ----------
    months : sequence of str
        ``"YYYY-MM"`` months.
    windows : mapping
        Window name -> (first day, last day) as ``"MM-DD"``, inclusive: the dataset's
        ``settings.promotions`` (618, 双11, 双12 by default).
    """
    parsed = [(name, tuple(int(p) for p in a.split("-")), tuple(int(p) for p in b.split("-")))
              for name, (a, b) in windows.items()]
    out: dict[date, str] = {}
    for m in months:
        first, last = month_bounds(m)
        for name, (m0, d0), (m1, d1) in parsed:
            for day in pd.date_range(first, last).date:
                if (m0, d0) <= (day.month, day.day) <= (m1, d1):
                    out[day] = name
    return out


@dataclass(frozen=True)
class ConversionModelResult(Result):
    """A fitted logistic model of conversion.

    Attributes
    ----------
    month : str
    months : tuple of str
        Months pooled (month dummies when more than one).
    kind : {"inquiry", "agent_day"}
        Inquiry-level logit, or the agent-day binomial model of ``agent_daily`` data.
    n_obs, n_agents : int
        Rows (inquiries or agent-days) and clusters.
    coefficients : DataFrame
        One row per term (see ``columns``): term, variable, level (None for continuous or
        binary terms), estimate (log odds), std_error (agent-clustered jackknife), p_value,
        odds_ratio,
        ci_low, ci_high (odds-ratio 95% CI), ame, ame_ci_low, ame_ci_high (average marginal
        effect on the conversion probability: per minute for first response, level against
        reference for categories, with 95% CI); p-values and intervals use t with the
        term's degrees of freedom (module doc: agents - 1, or fewer for a 0/1 term few
        agents hold); n (rows at the level; all rows for
        continuous terms). A categorical variable's reference level has no row.
    shape : DataFrame
        First response in bins: bin, n, converted, conversion_rate (observed), odds_ratio,
        ci_low, ci_high, ame, ame_ci_low, ame_ci_high (against the fastest bin; NaN for it).
    what_if : dict
        Predicted conversion if every first response were at most 30 s (never-answered
        inquiries answered in 30 s): estimate, ci_low, ci_high, baseline (predicted at the
        data as they are), uplift, uplift_ci_low, uplift_ci_high.
    references : dict
        Reference level of each categorical variable.
    notes : tuple of str
        What was pooled or dropped, and why.
    shape_model : object
        The statsmodels results of the binned model.
    sample : dict
        How the inquiry-level model's rows were chosen (see :func:`fit_conversion_model`):
        sampled (bool), method ("all inquiries" or "agent-stratified"), seed,
        threshold_sessions, population_sessions (presale sessions of the fitted months),
        population_inquiries, sample_inquiries (= ``n_obs``), fraction (threshold /
        population_sessions, the rate within each agent) and ci_scale, sqrt(population
        / sample inquiries): how much wider the intervals are than on all inquiries when an
        agent's inquiries are independent given the terms, and at most (less where
        agent-to-agent differences dominate the uncertainty, which sampling within agents
        does not shrink); 1.0 when not sampled. Empty for the agent-day model.
    """

    columns = ("term", "variable", "level", "estimate", "std_error", "p_value", "odds_ratio",
               "ci_low", "ci_high", "ame", "ame_ci_low", "ame_ci_high", "n")

    month: str
    months: tuple[str, ...]
    kind: str
    n_obs: int
    n_agents: int
    coefficients: pd.DataFrame = field(repr=False)
    shape: pd.DataFrame = field(repr=False)
    what_if: dict = field(repr=False)
    references: dict = field(repr=False)
    notes: tuple[str, ...] = ()
    shape_model: Any = field(default=None, repr=False, compare=False)
    sample: dict = field(default_factory=dict, repr=False)

    def tidy(self) -> pd.DataFrame:
        """Return the coefficient table."""
        return self.coefficients.copy()

    def odds_ratio_table(self) -> pd.DataFrame:
        """Odds ratios: term, estimate (odds ratio), ci_low, ci_high, p_value."""
        return self.coefficients[["term", "odds_ratio", "ci_low", "ci_high", "p_value"]] \
            .rename(columns={"odds_ratio": "estimate"})

    def marginal_effects_table(self) -> pd.DataFrame:
        """Average marginal effects: term, estimate, ci_low, ci_high, p_value."""
        return self.coefficients[["term", "ame", "ame_ci_low", "ame_ci_high", "p_value"]] \
            .rename(columns={"ame": "estimate", "ame_ci_low": "ci_low",
                             "ame_ci_high": "ci_high"})

    def to_json(self) -> dict[str, Any]:
        """``logit``, ``marginal_effects`` and ``what_if_30s`` (issue 8's keys) and more."""
        odds = self.odds_ratio_table().rename(columns={"estimate": "odds_ratio"})
        return {
            "kind": self.kind, "months": list(self.months), "n_obs": self.n_obs,
            "n_agents": self.n_agents, "logit": records(odds),
            "marginal_effects": records(self.marginal_effects_table()),
            "what_if_30s": {k: json_value(v) for k, v in self.what_if.items()},
            "shape": records(self.shape), "references": self.references,
            "notes": list(self.notes),
            "sample": {k: json_value(v) for k, v in self.sample.items()},
        }

    def response_contrast(self, fast_s: float = 30.0, slow_s: float = 90.0
                          ) -> dict[str, float]:
        """What answering in ``fast_s`` instead of ``slow_s`` seconds is worth, in words' terms.

        Mean predicted conversion over the fitted rows with every first response set to
        ``fast_s`` and, separately, to ``slow_s`` (answered in both, every other variable as
        it is); the difference with its 95% CI (delta method, the agent-clustered
        covariance, t with agents - 1 degrees of freedom).

        Returns
        -------
        dict
            fast_s, slow_s, fast (predicted conversion at fast_s), slow, difference (fast -
            slow, a share: 0.03 is 3 points), ci_low, ci_high. NaN when nothing was fitted
            or the model has no first-response term.
        """
        out = {"fast_s": float(fast_s), "slow_s": float(slow_s)}
        keys = ("fast", "slow", "difference", "ci_low", "ci_high")
        res = self.model
        names = list(getattr(getattr(res, "model", None), "exog_names", None) or [])
        if res is None or "first_response_min" not in names:
            return {**out, **dict.fromkeys(keys, math.nan)}
        params, cov = np.asarray(res.params), _cov(res)
        weights = getattr(res.model, "n_trials", None) if self.kind == "agent_day" else None
        preds = []
        for seconds in (fast_s, slow_s):
            X = np.array(res.model.exog, dtype=float, copy=True)
            X[:, names.index("first_response_min")] = seconds / 60.0
            if "never_answered" in names:
                X[:, names.index("never_answered")] = 0.0
            preds.append(logit_mean_prediction(params, cov, X, weights))
        (p1, _, g1), (p0, _, g0) = preds
        d = g1 - g0
        se = math.sqrt(max(float(d @ cov @ d), 0.0))
        zq = _quantile(res)
        return {**out, "fast": p1, "slow": p0, "difference": p1 - p0,
                "ci_low": p1 - p0 - zq * se, "ci_high": p1 - p0 + zq * se}

    def plot(self, ax=None, *, which: str = "marginal_effects"):
        """Coefficient plot of the marginal effects (or ``which="odds_ratios"``)."""
        from ..plots.coefficients import plot_coefficients

        if which == "odds_ratios":
            return plot_coefficients(self.odds_ratio_table(), ax=ax, ref=1.0, log=True)
        return plot_coefficients(self.marginal_effects_table(), ax=ax, log=False, ref=0.0)


def fit_conversion_model(ds: Dataset, month: str, *, months: int = 1,
                         promotions: Mapping[str, tuple[str, str]] | None = None,
                         min_level_n: int = 30
                         ) -> ConversionModelResult:
    """Fit the logistic model of conversion with agent-clustered standard errors.

    The inquiry-level model: logit P(converted) = first response in minutes (capped at the
    metric book's cap, 10 min) + never answered + tenure band (days since hire; reference
    90-364) + shift (reference day) + hour band of the first session (reference 12-17) +
    weekday (reference Monday) + category (reference the most common) + promotion day
    (+ month when several months are pooled). A second fit replaces the first-response
    terms by bins to show the shape of the effect. Without sessions, agent-days of
    ``agent_daily`` are modelled (binomial GLM, converted of inquiries) on the average first
    response and the fast-response rate.

    Parameters
    ----------
    ds : Dataset
    month : str
        Report month ``"YYYY-MM"``.
    months : int, default 1
        Months pooled, ending with ``month``.
    promotions : mapping, optional
        Promotion windows, name -> (first, last) as ``"MM-DD"``; default the dataset's
        ``settings.promotions`` (the windows the report names).
    min_level_n : int, default 30
        A categorical level with fewer rows, or with no variation in conversion (which
        would make its coefficient infinite), is pooled into "other" (into the reference
        when "other" is itself too small); a binary term is dropped the same way. Every
        pooling is listed in ``notes``.

    Returns
    -------
    ConversionModelResult
        ``tidy()`` columns in :attr:`ConversionModelResult.columns`. With fewer than two
        agents, or no variation in conversion, nothing is fitted: empty tables, ``model``
        None and a note saying why.
    """
    check_month(month)
    span = months_ending(month, months)
    windows = ds.settings.promotions if promotions is None else promotions
    if not ds.has("sessions"):
        return fit_agent_day_model(_daily_panel(ds, span), month=month, months=months,
                                   promotions=windows,
                                   response_cap_s=float(ds.settings.response_cap_s),
                                   min_level_n=min_level_n)
    promo = promotion_days(span, windows)
    plan = _sample_plan(ds, month, span)
    frame = _inquiry_frame(ds, span, promo, plan)
    notes = []
    if plan["sampled"]:
        notes.append(f"fitted on a seeded sample of {len(frame):,} of "
                     f"{plan['population_inquiries']:,} inquiries (stratified by agent; "
                     f"{plan['population_sessions']:,} presale sessions exceed the threshold "
                     f"{plan['threshold_sessions']:,})")
    result = _fit_frame(frame, "inquiry", _SPEC, month, span, notes, min_level_n)
    plan["sample_inquiries"] = len(frame)
    plan["ci_scale"] = (math.sqrt(plan["population_inquiries"] / len(frame))
                              if plan["sampled"] and len(frame) else 1.0)
    return replace(result, sample=plan)


#: Columns an agent-day panel must have (:func:`fit_agent_day_model`).
AGENT_DAY_COLUMNS = ("date", "agent_id", "inquiries", "converted_inquiries",
                     "avg_first_response_s", "fast_response_rate")


def fit_agent_day_model(panel: pd.DataFrame, *, month: str | None = None, months: int = 1,
                        promotions: Mapping[str, tuple[str, str]] | None = None,
                        response_cap_s: float = 600.0, min_level_n: int = 30
                        ) -> ConversionModelResult:
    """Fit the agent-day binomial model of conversion (data with ``agent_daily`` only).

    Without sessions the inquiry-level model cannot be fitted; the agent-days of the daily
    exports can: converted inquiries of inquiries (a binomial GLM, logit link) on the day's
    average first response in minutes (capped at ``response_cap_s``) and its fast-response
    rate, with tenure band, shift, weekday and promotion day when known (+ month when
    several are pooled). Standard errors are the agent-clustered jackknife and intervals
    use t with each term's degrees of freedom, as in the inquiry-level model. An agent-day's average
    first response is not one inquiry's: its coefficient is the association of a day's
    average with the day's conversion, not the effect of answering one customer faster.

    Parameters
    ----------
    panel : DataFrame
        One row per agent and day with :data:`AGENT_DAY_COLUMNS`: date, agent_id, inquiries,
        converted_inquiries (``paid_buyers``, the export's name, is accepted), avg_first_
        response_s, fast_response_rate (a share, 0-1). Optional: hire_date (tenure band on
        the day) and shift. Rows without inquiries, or without the response figures (no
        counted session that day), are left out and counted in ``notes``.
    month : str, optional
        Report month ``"YYYY-MM"``; default the last month of the panel.
    months : int, default 1
        Months pooled, ending with ``month``.
    promotions : mapping, optional
        Promotion windows, name -> (first, last) as ``"MM-DD"``; default the settings'
        defaults (618, 双11, 双12).
    response_cap_s : float, default 600
        The metric book's cap of first response.
    min_level_n : int, default 30
        As in :func:`fit_conversion_model` (inquiries at a level).

    Returns
    -------
    ConversionModelResult
        ``kind`` ``"agent_day"``; the what-if sets every day's average first response to at
        most 30 s and its fast-response rate to 1.

    Raises
    ------
    DataContractError
        A needed column is missing, or values are out of range (negative counts, more
        converted than inquiries, a rate outside 0-1, a negative response time): the
        message names the column, how many rows and up to five of them with their values.
    ParameterError
        ``month`` is not ``YYYY-MM``.
    """
    frame = _check_panel(panel)
    if month is None:
        month = (str(frame["date"].max())[:7] if len(frame) and frame["date"].notna().any()
                 else None)
        if month is None:
            raise DataContractError([Problem(
                "agent_day_panel", "(DataFrame)", "date", "missing_values",
                "has no dates: the report month cannot be found", len(frame))])
    check_month(month)
    span = months_ending(month, months)
    windows = Settings().promotions if promotions is None else promotions
    notes = ["agent_daily only: agent-day binomial model on average first response "
             "and fast-response rate"]
    first, last = month_bounds(span[0])[0], month_bounds(span[-1])[1]
    day = pd.to_datetime(frame["date"])
    within = frame[(day.dt.date >= first) & (day.dt.date <= last)].copy()
    usable = ((within["inquiries"] > 0) & within["avg_first_response_s"].notna()
              & within["fast_response_rate"].notna())
    if (within["inquiries"] > 0).sum() > usable.sum():
        notes.append(f"{int((within['inquiries'] > 0).sum() - usable.sum())} agent-days with "
                     "inquiries but no response figures left out")
    k = within[usable].reset_index(drop=True)
    k["day"] = pd.to_datetime(k["date"])
    k["y"] = k["converted_inquiries"].astype(float)
    k["n"] = k["inquiries"].astype(float)
    k["response_s"] = k["avg_first_response_s"].astype(float).clip(upper=response_cap_s)
    k["first_response_min"] = k["response_s"] / 60.0
    k["fast_response_rate"] = k["fast_response_rate"].astype(float)
    k["never_answered"] = 0.0
    frame = _attributes(k, promotion_days(span, windows))
    return _fit_frame(frame, "agent_day", _DAILY_SPEC, month, span, notes, min_level_n)


def _check_panel(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel's needed columns, checked; ``paid_buyers`` renamed converted_inquiries."""
    frame = panel.copy()
    if "converted_inquiries" not in frame and "paid_buyers" in frame:
        frame = frame.rename(columns={"paid_buyers": "converted_inquiries"})
    missing = [c for c in AGENT_DAY_COLUMNS if c not in frame]
    if missing:
        raise DataContractError([Problem(
            "agent_day_panel", "(DataFrame)", c, "missing_column",
            f"is missing; an agent-day panel needs {', '.join(AGENT_DAY_COLUMNS)}")
            for c in missing])
    problems = []
    for col in AGENT_DAY_COLUMNS[2:]:
        values = pd.to_numeric(frame[col], errors="coerce")
        bad = values.isna() & frame[col].notna()
        if bad.any():
            problems.append(_problem(frame, col, bad, "non_numeric", "is not numeric"))
        frame[col] = values
    checks = (("inquiries", frame["inquiries"] < 0, "is negative"),
              ("converted_inquiries", frame["converted_inquiries"] < 0, "is negative"),
              ("converted_inquiries", frame["converted_inquiries"] > frame["inquiries"],
               "exceeds inquiries"),
              ("avg_first_response_s", frame["avg_first_response_s"] < 0, "is negative"),
              ("fast_response_rate", ~frame["fast_response_rate"].between(0, 1)
               & frame["fast_response_rate"].notna(), "is outside 0-1 (a share)"))
    for col, mask, what in checks:
        if mask.any():
            problems.append(_problem(frame, col, mask, "out_of_range", what))
    if problems:
        raise DataContractError(problems)
    return frame


def _problem(frame: pd.DataFrame, col: str, mask: pd.Series, check: str, what: str
             ) -> Problem:
    rows = np.flatnonzero(mask.to_numpy())
    examples = tuple((int(r) + 1, str(frame[col].iloc[r])) for r in rows[:MAX_EXAMPLES])
    return Problem("agent_day_panel", "(DataFrame)", col, check,
                   f"{what} in {len(rows)} agent-day row(s)", len(rows), examples)


def _fit_frame(frame: pd.DataFrame, kind: str, spec, month: str, span: list[str],
               notes: list[str], min_level_n: int) -> ConversionModelResult:
    """Fit the model of ``kind`` to a prepared frame (y converted of n, the spec's columns)."""
    weights = frame["n"].to_numpy(float) if kind == "agent_day" and len(frame) else None
    y, n = frame["y"].to_numpy(float), frame["n"].to_numpy(float)
    if frame["agent_id"].nunique() < 2 or y.sum() == 0 or y.sum() == n.sum():
        notes.append("not fitted: needs two agents and both converted and unconverted "
                     "inquiries")
        return _empty(month, span, kind, len(frame), frame["agent_id"].nunique(), notes)
    X, terms, refs = _design(frame, spec, min_level_n, notes)
    res = _fit(X, frame, weights)
    coefs = _coefficients(res, X, terms, weights)
    what_if = _what_if(res, X, kind, weights)
    shape, shape_res = _shape(frame, X, terms, weights, kind)
    return ConversionModelResult(
        month=month, months=tuple(span), kind=kind, n_obs=len(frame),
        n_agents=int(frame["agent_id"].nunique()), coefficients=coefs, shape=shape,
        what_if=what_if, references=refs, notes=tuple(notes), model=res,
        shape_model=shape_res)


# -- frames ------------------------------------------------------------------------------------


def _with_agents(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with the agent's hire_date and shift from the agents table (when present)."""
    if not ds.has("agents"):
        return frame
    agents = ds.frame("agents")[["agent_id", "shift", "hire_date"]]
    return frame.merge(agents, on="agent_id", how="left")


def _attributes(frame: pd.DataFrame, promo: dict[date, str]) -> pd.DataFrame:
    """Tenure band, weekday, promotion day and month of each row.

    Needs ``day``; tenure band and shift when ``hire_date`` and ``shift`` are known.
    """
    if "hire_date" in frame:
        tenure = (frame["day"] - pd.to_datetime(frame["hire_date"])).dt.days
        band = pd.cut(tenure, [-0.5, 29.5, 89.5, 364.5, np.inf], labels=list(TENURE_BANDS))
        frame["tenure_band"] = band.astype(object).where(band.notna(), None)
    else:
        frame["tenure_band"] = None
    if "shift" not in frame:
        frame["shift"] = None
    frame["weekday"] = [WEEKDAYS[d] for d in frame["day"].dt.day_of_week]
    frame["promotion_day"] = frame["day"].dt.date.isin(promo.keys()).astype(float)
    frame["month"] = frame["day"].dt.strftime("%Y-%m")
    return frame


#: Columns of the metric book's ``inquiry_facts`` statement the sample keeps.
_FACT_COLUMNS = ("customer_id", "agent_id", "day", "converted", "start_ts", "first_response_s",
                 "capped_response_s", "never_answered", "counted", "category")

# The sample, drawn in the engine around the metric book's own inquiry_facts statement: per
# agent, inquiries ordered by an MD5 digest of their key and the month's seed, the first
# ceil(fraction x n) kept. MD5 of a string is the same on DuckDB and Spark, so the sample
# does not depend on the engine, its threads or its version.
_SAMPLE_SQL = """
SELECT {columns}
FROM (
    SELECT f.*,
           ROW_NUMBER() OVER (
               PARTITION BY f.agent_id
               ORDER BY MD5(CONCAT(CAST(f.customer_id AS VARCHAR), '|',
                                   CAST(f.agent_id AS VARCHAR), '|',
                                   CAST(f.day AS VARCHAR), '|', '{seed}')),
                        f.customer_id, f.day
           ) AS sample_rank,
           COUNT(*) OVER (PARTITION BY f.agent_id) AS agent_inquiries
    FROM ({facts}) AS f
) AS ranked
WHERE sample_rank <= CEIL(agent_inquiries * {fraction!r})
ORDER BY day, agent_id, customer_id
"""


def sample_seed(month: str) -> str:
    """The seed of a month's inquiry sample: ``"csnb-" + month`` (same data, same sample)."""
    return f"csnb-{month}"


def _sample_plan(ds: Dataset, month: str, span: list[str]) -> dict[str, Any]:
    """Whether the months' inquiries are sampled, and at which fraction.

    Counts come from the metric book's shop-month KPIs (presale sessions and inquiries), so
    deciding costs one small aggregate, not a pull of the sessions.
    """
    threshold = int(ds.settings.logit_sample_sessions)
    k = kpi_table(ds, (), "month")
    k = k[k["period"].astype(str).isin(span)]
    sessions = int(k["presale_sessions"].fillna(0).sum())
    inquiries = int(k["inquiries"].fillna(0).sum())
    sampled = sessions > threshold
    return {"sampled": sampled, "method": "agent-stratified" if sampled else "all inquiries",
            "seed": sample_seed(month) if sampled else None,
            "threshold_sessions": threshold, "population_sessions": sessions,
            "population_inquiries": inquiries,
            "fraction": threshold / sessions if sampled else 1.0}


def _sampled_facts(ds: Dataset, months: list[str], plan: dict[str, Any]) -> pd.DataFrame:
    """Return the sample of the metric book's inquiry facts.

    The columns are those :func:`~csnb.metrics.inquiries.inquiry_facts_table` returns (both
    type the rows with :func:`~csnb.metrics.inquiries.typed_inquiry_facts`); only the sample
    leaves the engine.
    """
    first, last = month_bounds(months[0])[0], month_bounds(months[-1])[1]
    facts = dataset_sql(ds, "inquiry_facts", start=first, end=last)
    out = ds.query(_SAMPLE_SQL.format(columns=", ".join(_FACT_COLUMNS), seed=plan["seed"],
                                      facts=facts, fraction=float(plan["fraction"])))
    return typed_inquiry_facts(out)


def _inquiry_frame(ds: Dataset, months: list[str], promo: dict[date, str],
                   plan: dict[str, Any] | None = None) -> pd.DataFrame:
    f = (_sampled_facts(ds, months, plan) if plan is not None and plan["sampled"]
         else inquiry_facts_table(ds, months))
    f["y"] = f["converted"].astype(float)
    f["n"] = 1.0
    f["response_s"] = f["capped_response_s"].astype(float)
    f["first_response_min"] = f["response_s"] / 60.0
    f["never_answered"] = f["never_answered"].astype(float)
    f["hour"] = _band(f["hour"], HOUR_BANDS, "hour")
    return _attributes(_with_agents(ds, f), promo)


def _band(values, bands, name: str) -> np.ndarray:
    """The label of the band (lo <= value < hi) of each value."""
    v = np.asarray(values, dtype=float)
    out = np.full(len(v), None, dtype=object)
    for lo, hi, lab in bands:
        out[(v >= lo) & (v < hi)] = lab
    if len(v) and (missing := np.flatnonzero(out == None)).size:  # noqa: E711 - elementwise
        raise ValueError(f"{name} {v[missing[0]]!r} is in none of the bands {bands}")
    return out


def _daily_panel(ds: Dataset, months: list[str]) -> pd.DataFrame:
    """The metric book's agent-days of ``months``, with the agents' hire_date and shift.

    Built on agent_daily, or on sessions: the panel :func:`fit_agent_day_model` takes.
    """
    k = kpi_table(ds, ("agent_id",), "day")
    first, last = month_bounds(months[0])[0], month_bounds(months[-1])[1]
    k = k[(k["period"] >= first) & (k["period"] <= last)]
    panel = k.rename(columns={"period": "date"})[list(AGENT_DAY_COLUMNS)]
    return _with_agents(ds, panel.reset_index(drop=True))


# -- design ------------------------------------------------------------------------------------


def _design(frame: pd.DataFrame, spec, min_level_n: int, notes: list[str]
            ) -> tuple[pd.DataFrame, list[dict], dict[str, str]]:
    """The design matrix (const first) and one entry per term."""
    cols: dict[str, np.ndarray] = {"const": np.ones(len(frame))}
    terms: list[dict] = []
    refs: dict[str, str] = {}
    y, n = frame["y"].to_numpy(float), frame["n"].to_numpy(float)

    agents = frame["agent_id"].to_numpy()

    def degenerate(mask: np.ndarray) -> bool:
        # A level all of whose rows are one agent's is that agent's effect, not the
        # level's, and leaves the agent-clustered jackknife undefined: pooled too.
        return (n[mask].sum() < min_level_n or y[mask].sum() in (0.0, n[mask].sum())
                or len(pd.unique(agents[mask])) < 2)

    for var, kind, ref in spec:
        if var not in frame or frame[var].isna().all():
            continue
        if kind == "continuous":
            cols[var] = frame[var].to_numpy(float)
            terms.append({"term": var, "variable": var, "level": None, "kind": kind})
        elif kind == "binary":
            x = frame[var].to_numpy(float)
            if degenerate(x == 1) or degenerate(x == 0):
                if (x == 1).any():
                    notes.append(f"{var}: left out (too few rows or agents, or no variation in "
                                 "conversion, on one side)")
                continue
            cols[var] = x
            terms.append({"term": var, "variable": var, "level": None, "kind": kind})
        else:
            values = frame[var].astype(object).where(frame[var].notna(), "(missing)") \
                .astype(str).to_numpy()
            values, ref_level = _pool_levels(var, values, y, n, ref, degenerate, notes)
            levels = [lv for lv in pd.unique(values) if lv != ref_level]
            if not levels:
                continue
            refs[var] = ref_level
            for lv in _ordered(var, levels):
                term = f"{var}[{lv}]"
                cols[term] = (values == lv).astype(float)
                terms.append({"term": term, "variable": var, "level": lv, "kind": kind})
    return pd.DataFrame(cols, index=frame.index), terms, refs


def _ordered(var: str, levels: list[str]) -> list[str]:
    order = {"tenure_band": TENURE_BANDS, "weekday": WEEKDAYS,
             "hour": tuple(b[2] for b in HOUR_BANDS),
             "response_bin": (*(b[2] for b in RESPONSE_BINS), "never")}.get(var)
    if order is None:
        return sorted(levels, key=lambda v: (v == "other", v))
    return sorted(levels, key=lambda v: order.index(v) if v in order else len(order))


def _pool_levels(var, values, y, n, ref, degenerate, notes):
    """Pool sparse or degenerate levels into "other", or into the reference level."""
    counts = pd.Series(n).groupby(values).sum()
    if ref is None or ref not in counts.index:
        ref = str(counts.idxmax())
    pooled = [lv for lv in counts.index if lv != ref and degenerate(values == lv)]
    if pooled:
        values = np.where(np.isin(values, pooled), "other", values)
        if degenerate(values == "other"):
            values = np.where(values == "other", ref, values)
            notes.append(f"{var}: {', '.join(map(str, pooled))} pooled into the reference "
                         f"{ref} (too few rows or agents, or no variation in conversion)")
        else:
            notes.append(f"{var}: {', '.join(map(str, pooled))} pooled into 'other' (too "
                         "few rows or agents, or no variation in conversion)")
    return values, ref


# -- fitting -----------------------------------------------------------------------------------


def _fit(X: pd.DataFrame, frame: pd.DataFrame, weights):
    import statsmodels.api as sm

    groups = pd.factorize(frame["agent_id"])[0]
    cov = {"groups": groups}
    y, n = frame["y"].to_numpy(float), frame["n"].to_numpy(float)
    if weights is None:
        res = sm.Logit(y, X).fit(disp=0, maxiter=200, cov_type="cluster", cov_kwds=cov,
                                 use_t=True)
    else:
        res = sm.GLM(np.column_stack([y, n - y]), X, family=sm.families.Binomial()).fit(
            cov_type="cluster", cov_kwds=cov, use_t=True)
    # The covariance and degrees of freedom every interval of the report uses (module doc);
    # statsmodels' own cluster covariance stays on the result for comparison.
    jack = cluster_jackknife_cov(X.to_numpy(float), y, n, np.asarray(res.params), groups)
    res.csnb_cov = jack if np.isfinite(jack).all() else np.asarray(res.cov_params())
    res.csnb_df = term_degrees_of_freedom(X.to_numpy(float), groups)
    return res


def _cov(res) -> np.ndarray:
    """The jackknife (CV3) covariance of a fit by :func:`_fit` (CV1 when CV3 is undefined)."""
    return np.asarray(res.csnb_cov if hasattr(res, "csnb_cov") else res.cov_params())


def _quantile(res) -> float:
    """97.5% quantile of t with (agents - 1) degrees of freedom.

    With a few dozen agents the cluster-robust covariance is estimated from a few dozen
    scores; t(G - 1) instead of the normal keeps the intervals near their nominal coverage
    (Cameron & Miller 2015, "A practitioner's guide to cluster-robust inference").
    """
    groups = res.cov_kwds["groups"]
    return float(stats.t.ppf(0.975, len(np.unique(groups)) - 1))


def _margin_groups(X: pd.DataFrame, terms: list[dict]) -> list[tuple[str, list[int]]]:
    names = list(X.columns)
    out = []
    for t in terms:
        j = names.index(t["term"])
        if t["kind"] == "continuous":
            out.append(("continuous", [j]))
        elif t["kind"] == "binary":
            out.append(("discrete", [j]))
        else:
            siblings = [names.index(s["term"]) for s in terms
                        if s["variable"] == t["variable"] and s["term"] != t["term"]]
            out.append(("discrete", [j, *siblings]))
    return out


def _coefficients(res, X: pd.DataFrame, terms: list[dict], weights) -> pd.DataFrame:
    params, cov = np.asarray(res.params), _cov(res)
    df = getattr(res, "csnb_df", None)
    if df is None:
        df = np.full(len(params), len(np.unique(res.cov_kwds["groups"])) - 1.0)
    margins = logit_margins(params, cov, X.to_numpy(float), _margin_groups(X, terms),
                            weights)
    w = np.ones(len(X)) if weights is None else weights
    rows = []
    for t, m in zip(terms, margins, strict=True):
        j = m["column"]
        x = X.iloc[:, j].to_numpy()
        se = float(np.sqrt(cov[j, j]))
        zq = float(stats.t.ppf(0.975, df[j]))
        rows.append({
            "term": t["term"], "variable": t["variable"], "level": t["level"],
            "estimate": params[j], "std_error": se,
            "p_value": float(2 * stats.t.sf(abs(params[j]) / se, df[j])) if se > 0
            else math.nan, "odds_ratio": math.exp(params[j]),
            "ci_low": math.exp(params[j] - zq * se), "ci_high": math.exp(params[j] + zq * se),
            "ame": m["estimate"], "ame_ci_low": m["estimate"] - zq * m["std_error"],
            "ame_ci_high": m["estimate"] + zq * m["std_error"],
            "n": float(w.sum()) if t["kind"] == "continuous" else float(w[x == 1].sum()),
        })
    return pd.DataFrame(rows, columns=list(ConversionModelResult.columns))


def _what_if(res, X: pd.DataFrame, kind: str, weights) -> dict[str, float]:
    """Mean predicted conversion with every first response at most 30 s, against as-is."""
    params, cov = np.asarray(res.params), _cov(res)
    base = X.to_numpy(float)
    alt = X.copy()
    if "first_response_min" in alt:
        alt["first_response_min"] = alt["first_response_min"].clip(upper=WHAT_IF_S / 60)
    if "never_answered" in alt:
        alt["never_answered"] = 0.0
    if kind == "agent_day" and "fast_response_rate" in alt:
        alt["fast_response_rate"] = 1.0  # every answer within 30 s is fast
    est, se, g1 = logit_mean_prediction(params, cov, alt.to_numpy(float), weights)
    b, _, g0 = logit_mean_prediction(params, cov, base, weights)
    d = g1 - g0
    se_up = math.sqrt(max(float(d @ cov @ d), 0.0))
    zq = _quantile(res)
    return {"estimate": est, "ci_low": est - zq * se, "ci_high": est + zq * se,
            "baseline": b, "uplift": est - b, "uplift_ci_low": est - b - zq * se_up,
            "uplift_ci_high": est - b + zq * se_up}


def _shape(frame: pd.DataFrame, X: pd.DataFrame, terms: list[dict], weights, kind: str):
    """Refit with first response in bins (never answered its own bin)."""
    cols = ["bin", "n", "converted", "conversion_rate", "odds_ratio", "ci_low", "ci_high",
            "ame", "ame_ci_low", "ame_ci_high"]
    s = frame["response_s"].to_numpy(float)
    bins = _band(s, RESPONSE_BINS, "response_s")
    if kind == "inquiry":
        bins = np.where(frame["never_answered"].to_numpy() == 1, "never", bins)
    keep = [c for c in X.columns if c not in ("first_response_min", "never_answered",
                                                "fast_response_rate")]
    work = frame.assign(response_bin=bins)
    notes: list[str] = []
    Xb, tb, _ = _design(work, (("response_bin", "categorical", "0-29s"),), 1, notes)
    Xs = pd.concat([X[keep], Xb.drop(columns="const")], axis=1)
    tb_all = [t for t in terms if t["term"] in keep] + tb
    if not tb:
        return pd.DataFrame(columns=cols), None
    try:
        res = _fit(Xs, frame, weights)
    except Exception:  # noqa: BLE001 - a shape that cannot be fitted is left out, not fatal
        return pd.DataFrame(columns=cols), None
    coefs = _coefficients(res, Xs, tb_all, weights).set_index("term")
    obs = work.groupby("response_bin").agg(n=("n", "sum"), converted=("y", "sum"))
    rows = []
    for lab in _ordered("response_bin", list(obs.index)):
        row = {"bin": lab, "n": obs.at[lab, "n"], "converted": obs.at[lab, "converted"]}
        row["conversion_rate"] = row["converted"] / row["n"]
        term = f"response_bin[{lab}]"
        for c in cols[4:]:
            row[c] = coefs.at[term, c] if term in coefs.index else np.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=cols), res


def _empty(month, span, kind, n_obs, n_agents, notes) -> ConversionModelResult:
    nan = math.nan
    return ConversionModelResult(
        month=month, months=tuple(span), kind=kind, n_obs=int(n_obs), n_agents=int(n_agents),
        coefficients=pd.DataFrame(columns=list(ConversionModelResult.columns)),
        shape=pd.DataFrame(columns=["bin", "n", "converted", "conversion_rate", "odds_ratio",
                                    "ci_low", "ci_high", "ame", "ame_ci_low",
                                    "ame_ci_high"]),
        what_if={k: nan for k in ("estimate", "ci_low", "ci_high", "baseline", "uplift",
                                  "uplift_ci_low", "uplift_ci_high")},
        references={}, notes=tuple(notes))
