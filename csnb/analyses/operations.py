"""Operations: staffing (人效), the load-response curve, and the surge plan (爆量).

DESIGN.md "operations" and issue 12 (items 5 and 6).

Load is sessions per agent-hour: the sessions that started in a clock hour divided by the
agents with a session in it (:func:`csnb.metrics.hourly_load_table`; the data hold no log-in
times, so an agent idle for a whole hour is not counted as online). The **sustainable
load** is where the fitted 3-minute response rate (the metric book's fast-response rate)
falls to the target (``targets.fast_response_rate``, default 0.85), structurally: the
busy hours' own sessions, their answers slowed or sped as load moves to L, with load's
effect on the log first response learned within each agent's day (a hinge with a knee) and
a bootstrap interval over days (:mod:`._load_curve`, "the response-time shift model").

Each weekday x hour block of the report month is then labelled against it, and the next
``forecast_days`` days of inquiries and sessions are forecast (:mod:`._forecast`) to show the
agent-hours each day needs at the sustainable load against the hours the team works now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..io.dataset import Dataset
from ..metrics import hourly_load_table, kpi_table
from ..metrics.load import session_load_table
from ..months import check_month, month_bounds, shift_month
from ._forecast import forecast_series
from ._load_curve import ShiftFit, fit_shift, hinge
from .base import Result, json_value, records
from .complaint_trends import promotion_of

__all__ = [
    "STAFFING_STATUS",
    "ForecastResult",
    "LoadResponseResult",
    "StaffingResult",
    "fit_load_response",
    "forecast_staffing",
    "staffing_table",
]

Status = Literal["understaffed", "balanced", "overstaffed"]
#: Labels of a weekday x hour block.
STAFFING_STATUS: tuple[str, ...] = ("understaffed", "balanced", "overstaffed")
#: Load bins of the observed curve drawn beside the fit.
CURVE_BINS = 16
#: Days of recent history that set the hours the team works now (ordinary days only).
RECENT_DAYS = 56


# ---------------------------------------------------------------------------------------------
# Load-response curve and the sustainable load
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResponseResult(Result):
    """The load-response curve and the sustainable load.

    Attributes
    ----------
    month : str
        The report month (the fit ends with it).
    first_day, last_day : datetime.date
        The days whose clock hours were fitted.
    target : float
        The fast-response rate target.
    estimate, ci_low, ci_high : float or None
        The sustainable load (sessions per agent-hour) and its 95% bootstrap interval
        (percentile, whole days resampled); None when the fitted rate does not reach the
        target within the observed loads (see ``crossing``), a bound None when the interval
        runs past them.
    crossing : {"reached", "above_target", "below_target"}
        "above_target": the rate stays above the target at every observed load (the team
        was never saturated); "below_target": below it even at the lowest load.
    knee : float
        The fitted knee: the load above which answers slow faster.
    slope_below, slope_above : float
        Change of the log first response per session per agent-hour of load below and above
        the knee (exp(slope) - 1 is the relative slowdown per unit of load).
    hours : int
        Clock hours (with counted sessions) fitted.
    sessions, busy_sessions : int
        Counted sessions fitted, and those of the hours above the knee (the rate m(L) is
        theirs).
    bins : DataFrame
        See :meth:`tidy`.
    curve : DataFrame
        load, fast_response_rate (the busy hours' sessions moved to that load) on a fine
        grid of the observed loads.
    draws : ndarray
        The bootstrap estimates (+inf / -inf: the resample never / always below target).
    sample : dict
        How the sessions were sampled: ``sampled``, ``threshold_sessions``
        (``settings.load_fit_sample_sessions``), ``population_sessions`` (counted sessions
        of the rostered hours), ``fraction``, ``seed`` and ``ci_scale`` (at most how much
        wider the interval is than on all sessions: sqrt(population / fitted)).
    """

    columns = ("load_low", "load_high", "load", "hours", "counted_sessions",
               "fast_response_rate", "fitted_fast_response_rate", "median_first_response_s")

    month: str
    first_day: Any
    last_day: Any
    target: float
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    crossing: str
    knee: float
    slope_below: float
    slope_above: float
    hours: int
    sessions: int
    busy_sessions: int
    bins: pd.DataFrame = field(repr=False)
    curve: pd.DataFrame = field(repr=False)
    draws: np.ndarray = field(repr=False, compare=False)
    fit: ShiftFit | None = field(default=None, repr=False, compare=False)
    sample: dict[str, Any] = field(default_factory=lambda: {"sampled": False})

    def tidy(self) -> pd.DataFrame:
        """The observed curve by load bin (equal numbers of clock hours), with the fit.

        Columns: load_low, load_high (the bin's loads); load (its sessions per agent-hour:
        sessions / agent-hours); hours (clock hours); counted_sessions; fast_response_rate
        (observed); fitted_fast_response_rate (the model at ``load``: the busy hours' sessions
        moved to it, so below the knee it can sit above the observed bins);
        median_first_response_s (median of the clock hours' medians).
        """
        return self.bins.copy()

    def to_json(self) -> dict[str, Any]:
        """``{estimate, ci_low, ci_high, target_fast_rate, crossing, knee, ...}``."""
        return {"estimate": json_value(self.estimate), "ci_low": json_value(self.ci_low),
                "ci_high": json_value(self.ci_high), "target_fast_rate": self.target,
                "crossing": self.crossing, "knee": json_value(self.knee),
                "slope_below": json_value(self.slope_below),
                "slope_above": json_value(self.slope_above), "clock_hours": self.hours,
                "sessions": self.sessions, "busy_sessions": self.busy_sessions,
                "first_day": str(self.first_day), "last_day": str(self.last_day),
                "sample": {k: json_value(v) for k, v in self.sample.items()}}

    def plot(self, ax=None, *, lang: str = "en"):
        """The fast-response rate against load: observed bins, fit, target, sustainable load."""
        from ..plots.operations import plot_load_response

        return plot_load_response(self.bins, self.curve, target=self.target,
                                  estimate=self.estimate, ci_low=self.ci_low,
                                  ci_high=self.ci_high, lang=lang, ax=ax)


def fit_load_response(ds: Dataset, month: str, *, months: int | None = None,
                      target: float | None = None) -> LoadResponseResult:
    """Fit the fast-response rate against load on the clock hours of the months to ``month``.

    The clock hours are the rostered ones (``settings.shift_hours``) within business hours
    (the metric book counts only sessions in business hours).

    Parameters
    ----------
    ds : Dataset
        Needs ``sessions``.
    month : str
        ``"YYYY-MM"``: the last month fitted.
    months : int, optional
        Months fitted, ending with ``month`` (default ``settings.load_fit_months``); busy
        hours are rare in one month, and promotions give the curve its upper end.
    target : float, optional
        Fast-response rate target (default ``settings.fast_response_target``).

    Returns
    -------
    LoadResponseResult

    Raises
    ------
    ParameterError
        Too few clock hours with counted sessions, or a target outside (0, 1).
    """
    check_month(month)
    s = ds.settings
    months = s.load_fit_months if months is None else int(months)
    target = s.fast_response_target if target is None else float(target)
    if not 0 < target < 1:
        raise ParameterError(f"target must be a rate in (0, 1); got {target!r}")
    first = month_bounds(shift_month(month, -(months - 1)))[0]
    last = month_bounds(month)[1]
    # the rostered clock hours (settings.shift_hours): on-call hours outside them have a
    # load that says nothing about the roster
    start, end = s.shift_clock_hours
    hours = hourly_load_table(ds, first, last)
    hours = hours[(hours["counted_sessions"] > 0) & (hours["hour"] >= start)
                  & (hours["hour"] < end)].reset_index(drop=True)
    sample = _sample_plan(int(hours["counted_sessions"].sum()), s.load_fit_sample_sessions,
                          month)
    sessions = session_load_table(ds, first, last, fraction=sample["fraction"],
                                  seed=sample["seed"] or "")
    sessions = sessions[(sessions["hour"] >= start) & (sessions["hour"] < end)]
    try:
        fit = fit_shift(sessions["sessions_per_agent_hour"].to_numpy(float),
                        sessions["first_response_s"].to_numpy(float),
                        sessions["agent_id"].to_numpy(), sessions["day"].to_numpy(),
                        s.fast_response_s, target)
    except ValueError as exc:
        raise ParameterError(f"load-response curve {first} to {last}: {exc}") from exc
    bins = _curve_bins(hours, fit)
    grid = np.linspace(fit.load_min, fit.load_max, 200)
    curve = pd.DataFrame({"load": grid, "fast_response_rate": fit.rate(grid)})
    return LoadResponseResult(
        month=month, first_day=first, last_day=last, target=target, estimate=fit.estimate,
        ci_low=fit.ci_low, ci_high=fit.ci_high, crossing=fit.crossing, knee=fit.knee,
        slope_below=fit.b, slope_above=fit.b + fit.c, hours=len(hours),
        sessions=fit.sessions, busy_sessions=fit.busy_sessions, bins=bins, curve=curve,
        draws=fit.draws, fit=fit, model=_statsmodels_fit(sessions, fit),
        sample={**sample, "ci_scale": (np.sqrt(sample["population_sessions"] / fit.sessions)
                                       if sample["sampled"] else 1.0)})


def _sample_plan(population: int, threshold: int, month: str) -> dict[str, Any]:
    """Whether the curve's sessions are sampled (more than ``threshold``), at which fraction.

    Whole agent-days are sampled at one rate within every day, so the agent-day levels keep
    all their sessions and resampling days still resamples the sample; the seed is the
    month's, so the same data give the same report.
    """
    sampled = population > threshold
    return {"sampled": sampled, "threshold_sessions": threshold,
            "population_sessions": population,
            "fraction": threshold / population if sampled else 1.0,
            "seed": f"csnb-load-{month}" if sampled else None}


def _statsmodels_fit(sessions: pd.DataFrame, fit: ShiftFit):
    """The chosen knee's regression refitted by statsmodels, for ``.model``.

    OLS of the log first response on load and its hinge after removing each agent-day's
    mean (the fixed effects), with standard errors clustered by day.
    """
    import statsmodels.api as sm

    answered = sessions[sessions["first_response_s"].notna()]
    x = answered["sessions_per_agent_hour"].to_numpy(float)
    frame = pd.DataFrame({
        "group": answered["agent_id"].astype(str) + "|" + answered["day"].astype(str),
        "y": np.log(np.maximum(answered["first_response_s"].to_numpy(float), 0.5)),
        "load": x, "above_knee": hinge(x, fit.knee)})
    within = frame[["y", "load", "above_knee"]] - frame.groupby("group")[
        ["y", "load", "above_knee"]].transform("mean")
    days = pd.factorize(answered["day"])[0]
    return sm.OLS(within["y"].to_numpy(), within[["load", "above_knee"]]).fit(
        cov_type="cluster", cov_kwds={"groups": days})


def _curve_bins(hours: pd.DataFrame, fit: ShiftFit) -> pd.DataFrame:
    """Clock hours in bins of equal size by load, pooled."""
    x = hours["sessions_per_agent_hour"]
    # equal numbers of hours, finer in the busy tail where the curve bends
    qs = np.r_[np.linspace(0, 0.8, CURVE_BINS // 2 + 1), 0.85, 0.9, 0.93, 0.95, 0.97, 0.98,
               0.99, 0.995, 1.0]
    edges = np.unique(np.quantile(x, qs))
    which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
    g = hours.assign(bin=which).groupby("bin")
    out = pd.DataFrame({
        "load_low": g["sessions_per_agent_hour"].min(),
        "load_high": g["sessions_per_agent_hour"].max(),
        "load": g["sessions"].sum() / g["agents_online"].sum(),
        "hours": g.size(),
        "counted_sessions": g["counted_sessions"].sum(),
        "fast_response_rate": g["fast_sessions"].sum() / g["counted_sessions"].sum(),
        "median_first_response_s": g["median_first_response_s"].median(),
    }).reset_index(drop=True)
    out.insert(6, "fitted_fast_response_rate", fit.rate(out["load"].to_numpy()))
    return out


# ---------------------------------------------------------------------------------------------
# Staffing by weekday x hour
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffingResult(Result):
    """The report month's weekday x hour blocks against the sustainable load.

    Attributes
    ----------
    month : str
    sustainable_load : float or None
        The load the blocks are judged against (None: blocks are not labelled).
    table : DataFrame
        See :meth:`tidy`.
    promotion_days : tuple of datetime.date
        Days of promotion windows left out of the blocks.
    """

    columns = ("weekday", "hour", "days", "sessions", "agent_hours", "sessions_per_agent_hour",
               "fast_response_rate", "median_first_response_s", "agents_online",
               "agents_needed", "status")

    month: str
    sustainable_load: float | None
    table: pd.DataFrame = field(repr=False)
    promotion_days: tuple = ()

    def tidy(self) -> pd.DataFrame:
        """One row per weekday (0 = Monday) and rostered hour (``settings.shift_hours``).

        Columns: weekday; hour; days (ordinary days of that weekday in the month with
        sessions in the hour); sessions; agent_hours (agents online summed over those days);
        sessions_per_agent_hour (sessions / agent_hours); fast_response_rate (counted
        sessions); median_first_response_s (median of the days' medians); agents_online
        (agent_hours / days: agents online on an average such hour); agents_needed (the
        average hour's sessions / the sustainable load, rounded up); status
        (understaffed: load above the sustainable load; overstaffed: load below
        ``overstaffed_load_share`` of it and at least one whole agent more than needed;
        balanced otherwise; None without a sustainable load).
        """
        return self.table.copy()

    def to_json(self) -> dict[str, Any]:
        """``{"staffing": [{weekday, hour, sessions_per_agent_hour, ...}]}``."""
        cols = ["weekday", "hour", "sessions_per_agent_hour", "fast_response_rate",
                "agents_online", "agents_needed", "status"]
        return {"staffing": records(self.table[cols])}

    def plot(self, ax=None, *, lang: str = "en"):
        """Heatmap of load by weekday x hour, blocks marked by status."""
        from ..plots.operations import plot_staffing

        return plot_staffing(self.table, self.sustainable_load, lang=lang, ax=ax)


def staffing_table(ds: Dataset, month: str, sustainable_load: float | None, *,
                   exclude_promotions: bool = True) -> StaffingResult:
    """Label each weekday x rostered hour of ``month`` against the sustainable load.

    The hours are those of ``settings.shift_hours`` (clock hours the shift touches).

    Parameters
    ----------
    ds : Dataset
        Needs ``sessions``.
    month : str
    sustainable_load : float or None
        Sessions per agent-hour (:attr:`LoadResponseResult.estimate`); None leaves the
        blocks unlabelled (agents_needed and status missing).
    exclude_promotions : bool, default True
        Leave the days of promotion windows (``settings.promotions``) out, unless the whole
        month is one; :attr:`StaffingResult.promotion_days` lists the days left out.

    Returns
    -------
    StaffingResult
    """
    check_month(month)
    s = ds.settings
    first, last = month_bounds(month)
    hours = hourly_load_table(ds, first, last)
    start, end = s.shift_clock_hours  # the rostered hours (settings.shift_hours)
    hours = hours[(hours["hour"] >= start) & (hours["hour"] < end)]
    promo = promotion_of(pd.Series(pd.to_datetime(hours["day"])), s.promotions).to_numpy()
    left_out = sorted({d for d, p in zip(hours["day"], promo, strict=True) if p is not None})
    if exclude_promotions and len(left_out) < hours["day"].nunique():
        # A weekly schedule is set for ordinary days: one 双11 Tuesday would make every
        # Tuesday look understaffed. The surge plan covers promotion days.
        hours = hours[pd.isna(promo) | (promo == None)]  # noqa: E711
    else:
        left_out = []
    g = hours.groupby(["weekday", "hour"])
    table = pd.DataFrame({
        "days": g.size(),
        "sessions": g["sessions"].sum(),
        "agent_hours": g["agents_online"].sum(),
        "counted": g["counted_sessions"].sum(),
        "fast": g["fast_sessions"].sum(),
        "median_first_response_s": g["median_first_response_s"].median(),
    }).reset_index()
    table["sessions_per_agent_hour"] = table["sessions"] / table["agent_hours"]
    table["fast_response_rate"] = table["fast"] / table["counted"].where(table["counted"] > 0)
    table["agents_online"] = table["agent_hours"] / table["days"]
    if sustainable_load is not None and sustainable_load > 0:
        per_hour = table["sessions"] / table["days"]
        table["agents_needed"] = np.ceil(per_hour / sustainable_load).astype(int)
        over = ((table["sessions_per_agent_hour"] < s.overstaffed_load_share * sustainable_load)
                & (table["agents_online"] - table["agents_needed"] >= 1))
        table["status"] = np.where(table["sessions_per_agent_hour"] > sustainable_load,
                                   "understaffed", np.where(over, "overstaffed", "balanced"))
    else:
        table["agents_needed"] = pd.NA
        table["status"] = None
    cols = list(StaffingResult.columns)
    return StaffingResult(month=month, sustainable_load=sustainable_load,
                          table=table[cols].reset_index(drop=True),
                          promotion_days=tuple(left_out))


# ---------------------------------------------------------------------------------------------
# Surge plan: forecast, agent-hours needed and available
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastResult(Result):
    """Daily inquiries and sessions forecast past the report month, with the staffing gap.

    Attributes
    ----------
    month : str
    sustainable_load : float or None
    headcount : int
        Agents employed at the month's last day (agents with a session in the last
        :data:`RECENT_DAYS` days when the agents table is absent).
    hours_per_agent_day : float
        Agent-hours a working agent put in per day on ordinary recent days.
    history_days : int
    table : DataFrame
        See :meth:`tidy`.
    models : dict
        The fitted ETS models (``inquiries``, ``sessions``).
    """

    columns = ("date", "weekday", "promotion", "lift", "lift_from", "inquiries", "lo", "hi",
               "sessions", "sessions_lo", "sessions_hi", "agent_hours_needed",
               "agent_hours_needed_hi", "agent_hours_available", "gap_hours", "extra_agents")

    month: str
    sustainable_load: float | None
    headcount: int
    hours_per_agent_day: float
    history_days: int
    table: pd.DataFrame = field(repr=False)

    def tidy(self) -> pd.DataFrame:
        """One row per forecast day.

        Columns: date; weekday (0 = Monday); promotion (window name or None); lift (last
        year's lift of that promotion day, 1 otherwise) and lift_from (the day last year);
        inquiries, lo, hi (median forecast and 95% prediction interval); sessions,
        sessions_lo, sessions_hi (all sessions, the same way); agent_hours_needed (sessions /
        sustainable load) and agent_hours_needed_hi (from sessions_hi);
        agent_hours_available (the agent-hours the team works on that weekday now, scaled
        to the month-end headcount); gap_hours (needed - available, 0 when none);
        extra_agents (gap_hours / hours_per_agent_day, rounded up).
        """
        return self.table.copy()

    @property
    def gap_days(self) -> pd.DataFrame:
        """The days whose needed agent-hours exceed the available ones."""
        return self.table[self.table["gap_hours"] > 0].reset_index(drop=True)

    def to_json(self) -> dict[str, Any]:
        """``{"forecast": [{date, inquiries, lo, hi, agent_hours_needed, ...}], ...}``."""
        cols = ["date", "inquiries", "lo", "hi", "sessions", "agent_hours_needed",
                "agent_hours_needed_hi", "agent_hours_available", "gap_hours",
                "extra_agents", "promotion", "lift"]
        rows = records(self.table[cols].assign(date=self.table["date"].astype(str)))
        return {"forecast": rows,
                "forecast_method": {"headcount": self.headcount,
                                    "hours_per_agent_day": json_value(self.hours_per_agent_day),
                                    "history_days": self.history_days,
                                    "sustainable_load": json_value(self.sustainable_load)}}

    def plot(self, ax=None, *, lang: str = "en"):
        """Forecast inquiries with the interval, and agent-hours needed against available."""
        from ..plots.operations import plot_forecast

        return plot_forecast(self.table, lang=lang, ax=ax)


def forecast_staffing(ds: Dataset, month: str, sustainable_load: float | None, *,
                      days: int | None = None) -> ForecastResult:
    """Forecast the ``days`` after ``month`` and the agent-hours they need.

    Parameters
    ----------
    ds : Dataset
        Needs ``sessions`` (``agents`` for the headcount).
    month : str
        The history ends with this month's last day (later data are not used).
    sustainable_load : float or None
        Sessions per agent-hour; None leaves the needed hours missing.
    days : int, optional
        Horizon (default ``settings.forecast_days``).

    Returns
    -------
    ForecastResult

    Raises
    ------
    ParameterError
        Fewer than 56 days of history up to the month's end.
    """
    check_month(month)
    s = ds.settings
    days = s.forecast_days if days is None else int(days)
    last = month_bounds(month)[1]
    first = last - timedelta(days=730)  # two years at most: enough for last year's lift
    k = kpi_table(ds, freq="day")
    k = k[(k["period"] >= first) & (k["period"] <= last)]
    if k.empty:
        raise ParameterError(f"no daily figures up to {last} to forecast from")
    k = k.set_index(pd.to_datetime(k["period"]))
    inq = forecast_series(k["inquiries"].fillna(0), days, s.promotions)
    ses = forecast_series(k["sessions"].fillna(0), days, s.promotions)
    headcount, per_day, available = _capacity(ds, last)
    t = inq.table.rename(columns={"mean": "inquiries"})
    t["sessions"] = ses.table["mean"].to_numpy()
    t["sessions_lo"] = ses.table["lo"].to_numpy()
    t["sessions_hi"] = ses.table["hi"].to_numpy()
    t["weekday"] = pd.to_datetime(t["date"]).dt.day_of_week
    t["agent_hours_available"] = t["weekday"].map(available).astype(float)
    if sustainable_load is not None and sustainable_load > 0:
        t["agent_hours_needed"] = t["sessions"] / sustainable_load
        t["agent_hours_needed_hi"] = t["sessions_hi"] / sustainable_load
        t["gap_hours"] = (t["agent_hours_needed"] - t["agent_hours_available"]).clip(lower=0)
        t["extra_agents"] = np.ceil(t["gap_hours"] / per_day).astype(int)
    else:
        for col in ("agent_hours_needed", "agent_hours_needed_hi", "gap_hours",
                    "extra_agents"):
            t[col] = np.nan
    return ForecastResult(month=month, sustainable_load=sustainable_load, headcount=headcount,
                          hours_per_agent_day=per_day, history_days=inq.history_days,
                          table=t[list(ForecastResult.columns)].reset_index(drop=True),
                          model={"inquiries": inq.model, "sessions": ses.model})


def _capacity(ds: Dataset, last) -> tuple[int, float, dict[int, float]]:
    """Headcount at ``last``, agent-hours per working agent-day, agent-hours by weekday.

    From the ordinary (non-promotion) days of the :data:`RECENT_DAYS` days to ``last``: a
    promotion day's busy hours show more agents online (every agent has a session), which
    is not the hours the team works on an ordinary day.
    """
    s = ds.settings
    first = last - timedelta(days=RECENT_DAYS - 1)
    hours = hourly_load_table(ds, first, last)
    if hours.empty:
        raise ParameterError(f"no sessions from {first} to {last} to measure the team's hours")
    promo = promotion_of(pd.Series(pd.to_datetime(hours["day"])), s.promotions)
    ordinary = hours[promo.isna().to_numpy()]
    if ordinary.empty:
        ordinary = hours
    by_day = ordinary.groupby("day").agg(agent_hours=("agents_online", "sum"),
                                         agents_day=("agents_day", "first"))
    per_day = float(by_day["agent_hours"].sum() / by_day["agents_day"].sum())
    wd = pd.to_datetime(pd.Series(by_day.index)).dt.day_of_week.to_numpy()
    by_weekday = by_day.assign(weekday=wd).groupby("weekday")["agent_hours"].mean()
    if ds.has("agents"):
        a = ds.frame("agents")
        hire = pd.to_datetime(a["hire_date"])
        exit_ = pd.to_datetime(a["exit_date"])

        def active(d) -> int:
            d = pd.Timestamp(d)
            return int(((hire <= d) & (exit_.isna() | (exit_ >= d))).sum())

        headcount = active(last)
        mean_active = float(np.mean([active(d) for d in by_day.index]))
        scale = headcount / mean_active if mean_active > 0 else 1.0
    else:
        headcount = int(by_day["agents_day"].max())
        scale = 1.0
    available = {int(w): float(v) * scale for w, v in by_weekday.items()}
    for w in range(7):  # a weekday without ordinary days: the mean of the others
        available.setdefault(w, float(np.mean(list(available.values()))))
    return headcount, per_day, available

