"""Complaints day by day: the u-chart, the seasonal decomposition and the count model.

Part of the complaints analysis (:mod:`csnb.analyses.complaints` re-exports every name):
daily complaints (by the day of ``created_ts``) over the day's paid orders
(:func:`csnb.metrics.kpi_table` with ``freq="day"``).

Promotion windows (``promotions``) map a name to a first and last day written ``MM-DD``; the
default is the dataset's ``settings.promotions`` (``[promotions]`` of its ``csnb.toml``), so
the windows a report names and the windows the charts and the model use are the same.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import ParameterError, check_one_of
from ..io.dataset import Dataset
from ..metrics import data_span, kpi_table
from ..months import check_month, month_bounds, month_span, months_ending, shift_month
from ..settings import Settings
from .base import Result, json_value, records
from .counts import CountFamily, CountModelResult, fit_count_model

__all__ = [
    "THREE_SIGMA_TAIL",
    "U_CHART_METHODS",
    "SeasonalResult",
    "UChartResult",
    "complaint_model_frame",
    "fit_complaint_model",
    "fit_seasonal",
    "fit_u_chart",
    "poisson_limits",
    "promotion_of",
]

UChartMethod = Literal["exact", "normal", "laney"]
#: Allowed ``method`` of :func:`fit_u_chart`.
U_CHART_METHODS: tuple[str, ...] = ("exact", "normal", "laney")
#: One-sided tail probability of a 3-sigma limit, Phi(-3): the exact Poisson limits of the
#: u-chart and of the agents' funnel plot cut at this probability.
THREE_SIGMA_TAIL = 0.00135
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# ---------------------------------------------------------------------------------------------
# Shared inputs
# ---------------------------------------------------------------------------------------------


def _complaints(ds: Dataset) -> pd.DataFrame:
    if not ds.has("complaints"):
        raise KeyError("the complaints analysis needs the complaints table, which this dataset "
                       f"lacks (present: {', '.join(ds.tables)})")
    c = ds.frame("complaints")
    created = pd.to_datetime(c["created_ts"])
    c["day"] = created.dt.normalize()
    c["month"] = created.dt.strftime("%Y-%m")
    return c


def _daily(ds: Dataset, last: date | None = None) -> pd.DataFrame:
    """Complaints and paid orders of every calendar day of the data (to ``last``)."""
    first, end = data_span(ds)
    if first is None or end is None:
        raise ParameterError("the dataset holds no dated records")
    if last is not None:
        end = min(end, last)
    k = kpi_table(ds, freq="day")
    k = k.assign(day=pd.to_datetime(k["period"])).set_index("day")
    days = pd.date_range(first, end, freq="D", name="day")
    out = k.reindex(days)[["paid_orders", "complaints"]].fillna(0.0)
    return out.reset_index()


def promotion_of(days: pd.Series | pd.DatetimeIndex,
                 promotions: dict[str, tuple[str, str]] | None = None) -> pd.Series:
    """Name of the promotion window each day falls in (None on ordinary days).

    Parameters
    ----------
    days : Series or DatetimeIndex of dates
    promotions : dict, optional
        Name -> (first, last) day ``"MM-DD"``, within one calendar year; default the
        settings' defaults (``Settings().promotions``: 618, 双11, 双12).

    Returns
    -------
    Series of object
    """
    promotions = Settings().promotions if promotions is None else promotions
    d = pd.Series(pd.to_datetime(days))
    md = d.dt.strftime("%m-%d")
    out = pd.Series([None] * len(d), index=d.index, dtype=object)
    for name, (lo, hi) in promotions.items():
        if not lo <= hi:
            raise ParameterError(f"promotion window {name!r} must not cross the year end: "
                                 f"first {lo!r} is after last {hi!r}")
        out[(md >= lo) & (md <= hi) & out.isna()] = name
    return out


def poisson_limits(expected: np.ndarray | pd.Series, tail: float = THREE_SIGMA_TAIL
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson control limits, as counts, for the expected counts ``expected``.

    The upper limit is the Poisson ``1 - tail`` quantile (the smallest count ``U`` with
    ``P(X <= U) >= 1 - tail``), so a count above it has probability at most ``tail`` when
    nothing but chance is at work; the lower limit is the ``tail`` quantile ``L``, and a count
    below it has probability below ``tail``. The normal approximation ``mu + 3 sqrt(mu)``
    cuts far inside the Poisson tail when ``mu`` is small (at ``mu = 0.6``, three complaints
    are above it and happen on 2.3% of days), which is why these exact quantiles are used.

    Parameters
    ----------
    expected : array of float
        Expected counts (NaN stays NaN).
    tail : float, default :data:`THREE_SIGMA_TAIL`

    Returns
    -------
    (lower, upper) : arrays of float
    """
    from scipy import stats

    mu = np.asarray(expected, dtype=float)
    ok = np.isfinite(mu)
    lower, upper = np.full(mu.shape, np.nan), np.full(mu.shape, np.nan)
    lower[ok] = stats.poisson.ppf(tail, mu[ok])
    upper[ok] = stats.poisson.ppf(1 - tail, mu[ok])
    return lower, upper


def _objects(values: pd.Series) -> pd.Series:
    """Values as an object Series with None (not NaN) where missing: labels, not numbers."""
    return pd.Series([None if pd.isna(v) else v for v in values], index=values.index,
                     dtype=object)



# ---------------------------------------------------------------------------------------------
# u-chart
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UChartResult(Result):
    """Daily complaints per paid order of a month against limits from a baseline period.

    Attributes
    ----------
    month : str
    table : DataFrame
        See :meth:`tidy`.
    centre : float
        Baseline complaints per paid order (sum of complaints / sum of paid orders).
    baseline_first, baseline_last : str
        First and last baseline month.
    baseline_days : int
        Days used for the centre line (promotion days excluded unless asked otherwise).
    sigma : float
        Limits at ``sigma`` standard deviations, or (``"exact"``) at the matching one-sided
        normal tail probability, ``Phi(-sigma)`` (0.00135 at 3).
    method : {"exact", "normal", "laney"}
    spread : float
        Laney's sigma_z, the factor on the normal limits (1 for the other methods).
    """

    columns = ("date", "complaints", "paid_orders", "rate", "centre", "lcl", "ucl",
               "expected", "flag", "promotion", "leading_categories")

    month: str
    table: pd.DataFrame = field(repr=False)
    centre: float
    baseline_first: str
    baseline_last: str
    baseline_days: int
    sigma: float = 3.0
    method: str = "exact"
    spread: float = 1.0

    def tidy(self) -> pd.DataFrame:
        """One row per day of the month.

        Columns: date; complaints; paid_orders; rate (complaints / paid_orders); centre;
        lcl, ucl (the limits on the rate, NaN on a day without paid orders: with
        ``"exact"`` the Poisson ``tail`` and ``1 - tail`` quantiles of the expected count
        over paid_orders, see :func:`poisson_limits`; with ``"normal"`` and ``"laney"``
        ``centre -/+ sigma spread sqrt(centre / paid_orders)``, lcl at least 0); expected
        (centre x paid_orders); flag (``"above"`` when rate > ucl, ``"below"`` when rate <
        lcl, else None); promotion (window name or None); leading_categories (the day's
        most frequent categories, most first, comma-separated; flagged days only).
        """
        return self.table.copy()

    @property
    def flagged(self) -> pd.DataFrame:
        """The days above or below the limits."""
        return self.table[self.table["flag"].notna()].reset_index(drop=True)

    def to_json(self) -> dict[str, Any]:
        """Centre line, baseline and the flagged days with their figures."""
        days = [
            {"date": str(r["date"])[:10], "complaints": r["complaints"],
             "expected": r["expected"], "ucl": r["ucl"], "lcl": r["lcl"],
             "direction": r["flag"], "promotion": r["promotion"],
             "leading_categories": [x for x in (r["leading_categories"] or "").split(", ") if x]}
            for r in records(self.flagged)
        ]
        return {"centre": json_value(self.centre), "centre_per_1k": json_value(
            self.centre * 1000), "baseline": [self.baseline_first, self.baseline_last],
            "baseline_days": self.baseline_days, "sigma": self.sigma, "method": self.method,
            "spread": json_value(self.spread), "flagged_days": days}

    def plot(self, ax=None):
        """The u-chart: daily rate, centre line, limits, flagged and promotion days."""
        from ..plots.complaints import plot_u_chart

        return plot_u_chart(self.table, ax=ax)


def fit_u_chart(
    ds: Dataset,
    month: str,
    baseline: int | tuple[str, str] = 12,
    *,
    promotions: dict[str, tuple[str, str]] | None = None,
    exclude_promotions: bool = True,
    sigma: float = 3.0,
    method: UChartMethod = "exact",
    top: int = 3,
) -> UChartResult:
    """Fit a u-chart of daily complaints per paid order.

    The centre line is the baseline's complaints per paid order; a day with ``n`` paid orders
    expects ``centre x n`` complaints, and its limits are the exact Poisson quantiles of that
    count at the one-sided 3-sigma tail probability (0.00135) over ``n``: days with few
    orders get wide limits, and an in-control day is flagged with probability at most
    0.00135 a side however few complaints a day the shop has. The textbook limits ``centre
    +/- 3 sqrt(centre / n)`` (``method="normal"``) assume a normal count; at under one
    complaint a day their upper limit sits below three complaints and flags 1-2% of
    ordinary days.

    Parameters
    ----------
    ds : Dataset
    month : str
        Month to chart, ``"YYYY-MM"``.
    baseline : int or (str, str), default 12
        The months before ``month`` to take the centre line from (as many as the data has),
        or a (first, last) month range, which must end before ``month``.
    promotions : dict, optional
        Promotion windows (default ``ds.settings.promotions``).
    exclude_promotions : bool, default True
        Leave promotion days out of the baseline, so the centre line is an ordinary day's
        rate and a promotion surge shows as flagged days marked with their window.
    sigma : float, default 3
        Width of the limits in standard deviations; ``"exact"`` uses the tail probability
        ``Phi(-sigma)``.
    method : {"exact", "normal", "laney"}, default "exact"
        ``"exact"``: exact Poisson limits (:func:`poisson_limits`). ``"normal"``: the
        textbook u-chart, ``centre +/- sigma sqrt(centre / n)``, fine when a day expects
        many complaints. ``"laney"``: Laney's u' chart, the normal limits times the
        baseline's spread of z-scores (mean moving range / 1.128), for counts more variable
        than Poisson; the factor is ``spread``.
    top : int, default 3
        Categories named for a flagged day.

    Returns
    -------
    UChartResult

    Raises
    ------
    ParameterError
        The baseline includes ``month`` or holds no day with paid orders.
    """
    check_month(month)
    check_one_of("method", method, U_CHART_METHODS)
    if isinstance(baseline, int):
        if baseline < 1:
            raise ParameterError(f"baseline must be at least 1 month; got {baseline}")
        base_months = months_ending(shift_month(month, -1), baseline)
    else:
        first, last = (check_month(m, "baseline") for m in baseline)
        if last >= month:
            raise ParameterError(f"baseline must end before the charted month {month}; "
                                 f"got {first} to {last}")
        base_months = month_span(first, last)
    lo, hi = month_bounds(month)
    daily = _daily(ds, hi)
    daily["month"] = daily["day"].dt.strftime("%Y-%m")
    promotions = ds.settings.promotions if promotions is None else promotions
    daily["promotion"] = promotion_of(daily["day"], promotions).to_numpy()
    base = daily[daily["month"].isin(base_months) & (daily["paid_orders"] > 0)]
    if exclude_promotions:
        base = base[base["promotion"].isna()]
    if base.empty or base["complaints"].sum() == 0:
        raise ParameterError(
            f"no baseline for the u-chart of {month}: the months {base_months[0]} to "
            f"{base_months[-1]} hold no ordinary day with paid orders and complaints; give a "
            "baseline range inside the data")
    centre = float(base["complaints"].sum() / base["paid_orders"].sum())
    spread = 1.0
    if method == "laney":
        # Laney's u' chart: the z-scores' day-to-day spread (mean moving range / 1.128) widens
        # the Poisson limits by the overdispersion a large, varied team shows day to day.
        z = (base["complaints"] / base["paid_orders"] - centre) / np.sqrt(
            centre / base["paid_orders"])
        if len(z) > 1:
            spread = float(np.abs(np.diff(z.to_numpy())).mean() / 1.128)
    t = daily[(daily["day"] >= pd.Timestamp(lo))].reset_index(drop=True)
    n = t["paid_orders"].where(t["paid_orders"] > 0)
    if method == "exact":
        from scipy import stats

        low, high = poisson_limits(centre * n, float(stats.norm.sf(sigma)))
        lcl, ucl = pd.Series(low) / n, pd.Series(high) / n
    else:
        half = sigma * spread * np.sqrt(centre / n)
        lcl, ucl = (centre - half).clip(lower=0.0), centre + half
    table = pd.DataFrame({
        "date": t["day"], "complaints": t["complaints"], "paid_orders": t["paid_orders"],
        "rate": t["complaints"] / n, "centre": centre, "lcl": lcl, "ucl": ucl,
        "expected": centre * t["paid_orders"],
    })
    flag = np.where(table["rate"] > table["ucl"], "above",
                    np.where(table["rate"] < table["lcl"], "below", ""))
    table["flag"] = _objects(pd.Series(flag).replace("", np.nan))
    table["promotion"] = _objects(t["promotion"])
    c = _complaints(ds)
    c = c[c["day"].isin(table.loc[table["flag"].notna(), "date"])]
    leading = (c.groupby("day")["category"]
               .agg(lambda s: ", ".join(s.value_counts().sort_index()
                                        .sort_values(ascending=False, kind="stable")
                                        .index[:top])))
    table["leading_categories"] = _objects(table["date"].map(leading).where(table["flag"].notna()))
    return UChartResult(month=month, table=table, centre=centre,
                        baseline_first=base_months[0], baseline_last=base_months[-1],
                        baseline_days=int(len(base)), sigma=sigma, method=method,
                        spread=spread)


# ---------------------------------------------------------------------------------------------
# Seasonal decomposition
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeasonalResult(Result):
    """STL (or MSTL) decomposition of daily complaints per 1,000 paid orders.

    Attributes
    ----------
    table : DataFrame
        See :meth:`tidy`.
    method : {"STL", "MSTL"}
    periods : tuple of int
        7 (weekly), and 365 (yearly) with MSTL.
    strength : dict
        Seasonal strength per period, ``max(0, 1 - var(resid) / var(seasonal + resid))``.
    interpolated : int
        Days without paid orders whose rate was interpolated.
    trend_days : int or None
        Length of the trend smoother in days (None: STL's default).
    model : DecomposeResult
        The statsmodels decomposition.
    """

    columns = ("date", "observed", "trend", "seasonal_weekly", "seasonal_yearly", "resid",
               "interpolated")

    table: pd.DataFrame = field(repr=False)
    method: str
    periods: tuple[int, ...]
    strength: dict[str, float]
    interpolated: int
    trend_days: int | None = None

    def tidy(self) -> pd.DataFrame:
        """One row per day.

        Columns: date, observed (complaints per 1,000 paid orders), trend, seasonal_weekly,
        seasonal_yearly (NaN with STL), resid, interpolated (bool). observed = trend +
        seasonal_weekly + seasonal_yearly (0 when NaN) + resid.
        """
        return self.table.copy()

    def to_json(self) -> dict[str, Any]:
        """Method, periods, seasonal strengths and the trend's last value and month change."""
        trend = self.table["trend"]
        before = trend.iloc[-31] if len(trend) > 30 else np.nan
        return {"method": self.method, "periods": list(self.periods),
                "strength": {k: json_value(v) for k, v in self.strength.items()},
                "trend_last": json_value(trend.iloc[-1]),
                "trend_change_30d": json_value(trend.iloc[-1] - before),
                "trend_days": self.trend_days, "interpolated_days": self.interpolated}

    def plot(self, ax=None):
        """Panels of observed, trend, seasonal components and residual."""
        from ..plots.complaints import plot_seasonal

        return plot_seasonal(self.table, ax=ax)


def fit_seasonal(ds: Dataset, month: str | None = None, *, robust: bool = True,
                 trend_days: int | None = 91) -> SeasonalResult:
    """Decompose daily complaints per 1,000 paid orders into trend, seasonality and residual.

    STL with a weekly period; MSTL with weekly and yearly periods (7, 365) when the series
    spans two years (730 days) or more. Robust fitting by default, so promotion surges
    land in the residual instead of bending the trend.

    Parameters
    ----------
    ds : Dataset
    month : str, optional
        Last month of the series (default: the data's last day).
    robust : bool, default True
    trend_days : int or None, default 91
        Length of the STL trend smoother in days (odd; an even value is made odd). A quarter
        keeps the trend to the level a manager compares month to month; STL's own default
        for a weekly period (about 11 days) follows every surge. None: STL's default. MSTL
        keeps its own (its yearly STL needs a window longer than a year).

    Returns
    -------
    SeasonalResult

    Raises
    ------
    ParameterError
        Fewer than 14 days with paid orders.
    """
    from statsmodels.tsa.seasonal import MSTL, STL

    last = month_bounds(check_month(month))[1] if month is not None else None
    d = _daily(ds, last)
    rate = d["complaints"] / d["paid_orders"].where(d["paid_orders"] > 0) * 1000
    if rate.notna().sum() < 14:
        raise ParameterError("the seasonal decomposition needs at least 14 days with paid "
                             f"orders; the data has {int(rate.notna().sum())}")
    missing = rate.isna()
    # Days without orders have no rate; interpolating them keeps the calendar regular, which
    # STL needs, and they are counted and marked.
    periods: tuple[int, ...]
    y = pd.Series(rate.interpolate(limit_direction="both").to_numpy(), index=d["day"])
    trend: dict[str, int] = {}
    if trend_days is not None:
        window = min(int(trend_days) | 1, (len(y) - 1) | 1)
        if window > 7:  # STL needs a trend window longer than the period
            trend = {"trend": window}
    if len(y) >= 730:
        # Each STL of MSTL needs a trend window longer than its period: the yearly one's
        # default (longer than a year) stands.
        trend = {}
        model = MSTL(y, periods=(7, 365), stl_kwargs={"robust": robust}).fit()
        seasonal = model.seasonal
        weekly, yearly = seasonal.iloc[:, 0].to_numpy(), seasonal.iloc[:, 1].to_numpy()
        method, periods = "MSTL", (7, 365)
    else:
        model = STL(y, period=7, robust=robust, **trend).fit()
        weekly, yearly = np.asarray(model.seasonal), np.full(len(y), np.nan)
        method, periods = "STL", (7,)
    resid = np.asarray(model.resid)
    table = pd.DataFrame({"date": d["day"], "observed": y.to_numpy(),
                          "trend": np.asarray(model.trend), "seasonal_weekly": weekly,
                          "seasonal_yearly": yearly, "resid": resid,
                          "interpolated": missing.to_numpy()})
    strength = {"weekly": _strength(weekly, resid)}
    if method == "MSTL":
        strength["yearly"] = _strength(yearly, resid)
    return SeasonalResult(table=table, method=method, periods=periods, strength=strength,
                          interpolated=int(missing.sum()), trend_days=trend.get("trend"),
                          model=model)


def _strength(seasonal: np.ndarray, resid: np.ndarray) -> float:
    """Seasonal strength (Wang, Smith & Hyndman 2006): 1 - var(R) / var(S + R), at least 0."""
    total = float(np.var(seasonal + resid))
    return max(0.0, 1 - float(np.var(resid)) / total) if total > 0 else 0.0


# ---------------------------------------------------------------------------------------------
# Count model of daily complaints
# ---------------------------------------------------------------------------------------------


def complaint_model_frame(ds: Dataset, month: str | None = None, *, months: int | None = None,
                          by_category: bool = True,
                          promotions: dict[str, tuple[str, str]] | None = None
                          ) -> pd.DataFrame:
    """The daily rows :func:`fit_complaint_model` fits.

    Returns
    -------
    DataFrame
        One row per day with paid orders (and category, when ``by_category``; categories
        without any complaint left out): day, category, complaints, paid_orders, month
        (``"YYYY-MM"``), weekday (0 = Monday), promotion (window name or None).
    """
    last = month_bounds(check_month(month))[1] if month is not None else None
    d = _daily(ds, last)
    if months is not None:
        start = pd.Timestamp(month_bounds(shift_month(d["day"].iloc[-1].strftime("%Y-%m"),
                                                      -(months - 1)))[0])
        d = d[d["day"] >= start]
    d = d[d["paid_orders"] > 0].reset_index(drop=True)
    if by_category:
        c = _complaints(ds)
        c = c[c["day"].isin(d["day"])]
        counts = c.groupby(["day", "category"]).size().rename("complaints")
        cats = sorted(counts.index.get_level_values("category").unique())
        grid = pd.MultiIndex.from_product([d["day"], cats], names=["day", "category"])
        rows = counts.reindex(grid, fill_value=0).reset_index()
        d = rows.merge(d.drop(columns="complaints"), on="day")
    else:
        d = d.assign(category="all")
    d["month"] = d["day"].dt.strftime("%Y-%m")
    d["weekday"] = d["day"].dt.day_of_week
    promotions = ds.settings.promotions if promotions is None else promotions
    d["promotion"] = promotion_of(d["day"], promotions).to_numpy()
    return d


def fit_complaint_model(
    ds: Dataset,
    month: str | None = None,
    *,
    months: int | None = None,
    by_category: bool = True,
    promotions: dict[str, tuple[str, str]] | None = None,
    pooled_promotions: bool = False,
    family: CountFamily = "nb2",
) -> CountModelResult:
    """Fit a count model of daily complaints (by category) with a log(paid orders) offset.

    ``complaints ~ category + month + weekday + promotion window(s)``, NB2 by default with
    the fallback of :func:`~csnb.analyses.counts.fit_count_model` (Poisson / quasi-Poisson
    when the dispersion sits at its boundary). Each month has its own level, so promotion
    and weekday effects are compared with days of the same month; the trend is the
    rate ratio per month of a quasi-Poisson line through the monthly counts against what the
    model expects without month levels, its standard error from the months' scatter around
    the line (t with months - 2 degrees of freedom).

    Why not a linear trend term in the daily model: staff turnover moves a month's rate off
    any line, and daily NB2 errors do not see that month-to-month variation. On simulated
    shops the trend term's standard error was a half to a third of the month-level one, so
    chance drifts read as real trends, and the promotion intervals covered the planted
    effect 36 times in 40 (month levels: 38 in 40, standard error equal to the estimates'
    spread).

    Parameters
    ----------
    ds : Dataset
    month : str, optional
        Last month used (default: all the data).
    months : int, optional
        Only the last ``months`` months up to ``month`` (default: all).
    by_category : bool, default True
        One row per day and category (a rate per category, common effects); else daily totals.
    promotions : dict, optional
        Promotion windows (default ``ds.settings.promotions``); windows without days in the
        data are left out.
    pooled_promotions : bool, default False
        One ``promotion`` term for all windows instead of one per window.
    family : {"nb2", "poisson", "quasipoisson"}, default "nb2"

    Returns
    -------
    CountModelResult
        Its table adds a ``group`` column: ``"intercept"``, ``"month"`` (``month[YYYY-MM]``
        against the first month), ``"promotion"`` (terms ``promotion[NAME]`` or
        ``promotion``), ``"weekday"`` (``weekday[Tue]`` ... against Monday), ``"category"``
        (``category[NAME]`` against the most frequent category) and, with three months or
        more, ``"trend"`` (term ``trend_per_month``: the rate ratio per month of the line
        through the months, see :func:`_monthly_trend`; its p-value a t test).
    """
    d = complaint_model_frame(ds, month, months=months, by_category=by_category,
                              promotions=promotions)
    terms = ["C(weekday, Treatment(reference=0))"]
    names = {"Intercept": ("Intercept", "intercept")}
    months_in = sorted(d["month"].unique())
    if len(months_in) > 1:
        terms.insert(0, "C(month)")
        for m in months_in[1:]:
            names[f"C(month)[T.{m}]"] = (f"month[{m}]", "month")
    if pooled_promotions:
        d["promo"] = d["promotion"].notna().astype(float)
        if d["promo"].any():
            terms.append("promo")
            names["promo"] = ("promotion", "promotion")
    else:
        for i, name in enumerate(sorted(d["promotion"].dropna().unique())):
            d[f"promo_{i}"] = (d["promotion"] == name).astype(float)
            terms.append(f"promo_{i}")
            names[f"promo_{i}"] = (f"promotion[{name}]", "promotion")
    for wd in range(1, 7):
        names[f"C(weekday, Treatment(reference=0))[T.{wd}]"] = (f"weekday[{WEEKDAYS[wd]}]",
                                                                "weekday")
    if by_category and d["category"].nunique() > 1:
        ref = d.groupby("category")["complaints"].sum().sort_values(
            ascending=False, kind="stable").index[0]
        d["cat"] = d["category"]
        terms.insert(0, f"C(cat, Treatment(reference={ref!r}))")
        for cat in d["category"].unique():
            names[f"C(cat, Treatment(reference={ref!r}))[T.{cat}]"] = (f"category[{cat}]",
                                                                       "category")
    fit = fit_count_model(d, "complaints ~ " + " + ".join(terms), exposure="paid_orders",
                          family=family)
    table = fit.table
    table["group"] = [names.get(t, (t, "other"))[1] for t in table["term"]]
    table["term"] = [names.get(t, (t, "other"))[0] for t in table["term"]]
    if len(months_in) >= 3:
        trend = _monthly_trend(fit, d, months_in)
        table = pd.concat([table, pd.DataFrame([trend])], ignore_index=True)
    return replace(fit, table=table)


def _monthly_trend(fit: CountModelResult, d: pd.DataFrame, months: list[str]
                   ) -> dict[str, Any]:
    """The trend across the month levels: a row of the coefficient table (group "trend").

    Each month's complaints are set against what the daily model expects without the month
    levels (categories, weekdays, promotions and paid orders), and a quasi-Poisson GLM of
    these monthly counts on months since the first gives the rate ratio per month. Its
    scale (Pearson chi2 / (months - 2)) is how far months scatter around the line, sampling
    noise and month-to-month variation alike, and the interval and p-value use t with
    months - 2 degrees of freedom (R's convention for quasi families). A month without
    complaints is a count of 0, not a log level of minus infinity.
    """
    import statsmodels.api as sm
    from scipy import stats

    res = fit.model
    params = res.params.copy()
    level = [k for k in params.index if str(k).startswith("C(month)[")]
    params[level] = 0.0
    offset = res.model.offset if res.model.offset is not None else 0.0
    expected = np.exp(res.model.exog @ params.to_numpy() + offset)
    by_month = pd.DataFrame({"month": d["month"].to_numpy(), "observed": d["complaints"],
                             "expected": expected}).groupby("month")[["observed",
                                                                      "expected"]].sum()
    by_month = by_month.reindex(months)
    x = np.array([len(month_span(months[0], m)) - 1 for m in months], dtype=float)
    line = sm.GLM(by_month["observed"].to_numpy(), sm.add_constant(x),
                  family=sm.families.Poisson(),
                  offset=np.log(by_month["expected"].to_numpy())).fit(scale="X2")
    slope, se = float(line.params[1]), float(line.bse[1])
    df = len(months) - 2
    q = float(stats.t.ppf(0.5 + fit.conf_level / 2, df))
    p_value = float(2 * stats.t.sf(abs(slope / se), df)) if se > 0 else math.nan
    return {"term": "trend_per_month", "estimate": math.exp(slope),
            "ci_low": math.exp(slope - q * se), "ci_high": math.exp(slope + q * se),
            "p_value": p_value, "coef": slope, "std_error": se, "group": "trend"}
