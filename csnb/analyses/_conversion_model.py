"""What drives conversion: the logistic model of issue 8 (re-exported by :mod:`.conversion`).

One row per inquiry (the metric book's (customer, agent, day) with its conversion flag) and
the first response of the inquiry's first presale session that day. Without sessions, but
with ``agent_daily``, a binomial model of agent-days on the day's average first response and
fast-response rate stands in; ``kind`` says which was fitted.

The frames are built in :mod:`._conversion_frames` (the inquiry sample drawn in the engine
above ``settings.logit_sample_sessions`` presale sessions is described there), the design
and the fits with their agent-clustered (CV3) covariance in :mod:`._conversion_fit`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MAX_EXAMPLES, DataContractError, Problem
from ..io.dataset import Dataset
from ..months import check_month, month_bounds, months_ending
from ..settings import Settings
from ._conversion_fit import (
    COEFFICIENT_COLUMNS,
    _coefficients,
    _cov,
    _design,
    _fit,
    _quantile,
    _shape,
    _what_if,
)
from ._conversion_frames import (
    AGENT_DAY_COLUMNS,
    _attributes,
    _daily_panel,
    _inquiry_frame,
    _sample_plan,
    promotion_days,
    sample_seed,
)
from ._conversion_stats import logit_mean_prediction
from .base import Result, json_value, records

__all__ = ["AGENT_DAY_COLUMNS", "ConversionModelResult", "fit_agent_day_model",
           "fit_conversion_model", "promotion_days", "sample_seed"]

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

    columns = COEFFICIENT_COLUMNS

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
