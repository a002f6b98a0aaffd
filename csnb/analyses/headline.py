"""Headline figures of a month: this month, last month, same month last year, 24-month trend.

The figures are the metric book's (:func:`csnb.metrics.monthly_figures`); this module only
picks each report area's figures and lines them up against the comparison months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import check_one_of
from ..i18n import check_lang, format_change, format_value, metric_label, t
from ..io.dataset import Dataset
from ..metrics import data_span, incentive_figures, monthly_figures
from ..months import check_month, months_ending, shift_month
from .base import Result, json_value

#: Metric-book figures each report shows and writes under ``figures`` in its JSON.
AREAS: dict[str, tuple[str, ...]] = {
    "turnover": (
        "opening_headcount", "hires", "exits", "exits_voluntary", "exits_involuntary",
        "closing_headcount", "turnover_rate", "turnover_rate_trailing_12m",
    ),
    "conversion": (
        "inquiries", "converted_inquiries", "conversion_rate", "credited_sales", "silent_sales",
        "order_value", "avg_first_response_s", "fast_response_rate",
    ),
    "complaints": ("complaints", "paid_orders", "complaints_per_1k_orders"),
    "incentives": (
        "teams_with_policy", "ranked_agents", "bottom_agents", "exits_bottom_ranked_out",
        "exits_involuntary", "conversion_rate", "fast_response_rate", "complaints_per_1k_orders",
    ),
}
AREAS["overview"] = tuple(
    dict.fromkeys(AREAS["turnover"] + AREAS["conversion"] + AREAS["complaints"])
)

#: Figures drawn in each report's trend chart.
TREND_METRICS: dict[str, tuple[str, ...]] = {
    "overview": ("closing_headcount", "turnover_rate", "conversion_rate", "credited_sales",
                 "fast_response_rate", "complaints_per_1k_orders"),
    "turnover": ("closing_headcount", "hires", "exits", "turnover_rate"),
    "conversion": ("inquiries", "conversion_rate", "credited_sales", "order_value",
                   "avg_first_response_s", "fast_response_rate"),
    "complaints": ("complaints", "paid_orders", "complaints_per_1k_orders"),
    "incentives": ("bottom_agents", "exits_bottom_ranked_out", "conversion_rate",
                   "complaints_per_1k_orders"),
}

#: Months of every trend chart and trend table (the report month and the 23 before).
TREND_MONTHS = 24


def figures_table(ds: Dataset, months: list[str], area: str) -> pd.DataFrame:
    """Figures of ``area`` for each of ``months``: one row per month, one column per figure."""
    check_one_of("area", area, tuple(AREAS))
    table = monthly_figures(ds, months=months)
    if area == "incentives":
        table = table.merge(incentive_figures(ds, months), on="month", how="left")
    return table[["month", *AREAS[area]]]


def trend_table(figures: pd.DataFrame, metrics: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """Reshape a figures table into a tidy trend table.

    Returns
    -------
    DataFrame
        Columns month, metric, value (float; NaN where missing).
    """
    long = figures.melt(id_vars="month", value_vars=list(metrics), var_name="metric",
                        value_name="value")
    long["value"] = pd.to_numeric(long["value"], errors="coerce").astype(float)
    return long.sort_values(["metric", "month"], ignore_index=True)


@dataclass(frozen=True)
class HeadlineResult(Result):
    """Headline figures of one report area for one month.

    Attributes
    ----------
    area : str
    month : str
    lang : str
    table : DataFrame
        Columns metric, value, last_month, last_year (one row per figure of the area).
    trend : DataFrame
        Tidy 24-month trend: month, metric, value.
    """

    columns = ("metric", "value", "last_month", "last_year")

    area: str
    month: str
    lang: str
    table: pd.DataFrame = field(repr=False)
    trend: pd.DataFrame = field(repr=False)

    @property
    def figures(self) -> dict[str, Any]:
        """This month's figures by metric-book name (None where not computable)."""
        return {r.metric: json_value(r.value, r.metric) for r in self.table.itertuples()}

    def tidy(self) -> pd.DataFrame:
        """Return the headline table (metric, value, last_month, last_year)."""
        return self.table.copy()

    def to_json(self) -> dict[str, Any]:
        """Key figures for the report's JSON file."""
        return {
            "figures": self.figures,
            "last_month": {r.metric: json_value(r.last_month, r.metric)
                           for r in self.table.itertuples()},
            "last_year": {r.metric: json_value(r.last_year, r.metric)
                          for r in self.table.itertuples()},
        }

    def display_table(self) -> pd.DataFrame:
        """The headline table formatted for reading, with labels in the report language."""
        lang = self.lang
        rows = []
        for r in self.table.itertuples():
            value, last_month, last_year = (json_value(v) for v in
                                            (r.value, r.last_month, r.last_year))
            rows.append({
                t("col.metric", lang): metric_label(r.metric, lang),
                t("col.value", lang): format_value(r.metric, value, lang),
                t("col.last_month", lang): format_value(r.metric, last_month, lang),
                t("col.change", lang): format_change(r.metric, value, last_month),
                t("col.last_year", lang): format_value(r.metric, last_year, lang),
                t("col.change_yoy", lang): format_change(r.metric, value, last_year),
            })
        return pd.DataFrame(rows)

    def plot(self, ax=None, *, metrics: list[str] | None = None, ncols: int = 2):
        """Draw the trend of the area's trend figures.

        With ``ax``, the first of ``metrics`` is drawn on it and the Axes returned; without,
        every metric gets its own panel (small multiples) and the Figure is returned.
        """
        from ..plots import plot_trend, plot_trends

        shown = set(self.trend["metric"])
        metrics = [m for m in (metrics or TREND_METRICS[self.area]) if m in shown]
        if ax is not None:
            return plot_trend(self.trend, metrics[0], lang=self.lang, month=self.month, ax=ax)
        return plot_trends(self.trend, metrics, lang=self.lang, month=self.month, ncols=ncols)


def headline(ds: Dataset, month: str, area: str, *, lang: str = "en") -> HeadlineResult:
    """Compute an area's headline figures for ``month`` against last month and last year.

    Parameters
    ----------
    ds : Dataset
    month : str
        Report month, ``"YYYY-MM"``.
    area : {"overview", "turnover", "conversion", "complaints", "incentives"}
    lang : {"en", "zh"}

    Returns
    -------
    HeadlineResult
    """
    check_one_of("area", area, tuple(AREAS))
    check_lang(lang)
    check_month(month)
    months = months_ending(month, TREND_MONTHS)
    figures = figures_table(ds, months, area)
    by_month = figures.set_index("month")
    last_month, last_year = shift_month(month, -1), shift_month(month, -12)
    rows = [
        {
            "metric": metric,
            "value": by_month.at[month, metric],
            "last_month": by_month.at[last_month, metric],
            "last_year": by_month.at[last_year, metric],
        }
        for metric in AREAS[area]
    ]
    table = pd.DataFrame(rows, columns=["metric", "value", "last_month", "last_year"])
    trend_metrics = tuple(dict.fromkeys(TREND_METRICS[area]))
    trend = trend_table(figures, trend_metrics)
    # A month with no data at all (before the dataset starts) is left out of the trend.
    first = data_span(ds)[0]
    if first is not None:
        trend = trend[trend["month"] >= f"{first:%Y-%m}"].reset_index(drop=True)
    return HeadlineResult(area=area, month=month, lang=lang, table=table, trend=trend)
