"""Headline figures of a month: this month, last month, same month last year, 24-month trend.

The figures are the metric book's (:func:`csnb.prep.monthly_figures`); this module only picks
each report area's figures, lines them up against the comparison months and renders them.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .dataset import Dataset
from .errors import ParameterError, check_one_of
from .i18n import METRICS, check_lang, format_change, format_value, metric_label, t

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

TREND_MONTHS = 24

MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def check_month(month: object) -> str:
    """Return ``month`` when it is a real ``YYYY-MM`` month, else raise ParameterError.

    ``"2025-13"``, ``"2025-6"`` and ``"June"`` are rejected.
    """
    if not isinstance(month, str) or not MONTH_PATTERN.match(month):
        raise ParameterError(
            f"month must be a real month written YYYY-MM (for example '2025-11'); got {month!r}"
        )
    return month


def shift_month(month: str, n: int) -> str:
    """Return the month ``n`` months after ``month`` (negative ``n`` goes back)."""
    return str(pd.Period(month, freq="M") + n)


def month_range(end: str, n: int) -> list[str]:
    """Return the ``n`` months ending with ``end``, oldest first."""
    return [shift_month(end, -k) for k in range(n - 1, -1, -1)]


def team_panel(ds: Dataset) -> pd.DataFrame:
    """Team-month panel with metric-book names and the month's ranking counts per team.

    Returns
    -------
    DataFrame
        The columns of :func:`csnb.prep.team_month_panel`, the headcount columns also under
        their metric-book names (opening_headcount, closing_headcount), plus ranked_agents and
        bottom_agents (agents eligible for, and ranked bottom in, the month's ranking; NaN
        when nothing can be ranked).
    """
    return ds.memo("headline.team_panel", lambda: _team_panel(ds)).copy()


def _team_panel(ds: Dataset) -> pd.DataFrame:
    from .prep import ranking_table, team_month_panel

    panel = team_month_panel(ds)
    panel["opening_headcount"] = panel["opening"]
    panel["closing_headcount"] = panel["closing"]
    if ds.has("agents") and (ds.has("sessions") or ds.has("agent_daily") or ds.has("rankings")):
        counts = ranking_table(ds).groupby(["month", "team"], as_index=False).agg(
            ranked_agents=("eligible", "sum"), bottom_agents=("bottom", "sum")
        )
        panel = panel.merge(counts, on=["month", "team"], how="left")
        panel[["ranked_agents", "bottom_agents"]] = (
            panel[["ranked_agents", "bottom_agents"]].fillna(0)
        )
    else:
        panel["ranked_agents"] = math.nan
        panel["bottom_agents"] = math.nan
    return panel.sort_values(["month", "team"], ignore_index=True)


def incentive_figures(ds: Dataset, months: list[str]) -> pd.DataFrame:
    """Monthly counts of the bottom-ranked-out policy (team counts summed over the teams).

    Returns
    -------
    DataFrame
        Columns month, teams_with_policy, ranked_agents, bottom_agents,
        exits_bottom_ranked_out (NaN where the needed table is absent).
    """
    out = pd.DataFrame({"month": months})
    if not ds.has("agents"):
        for column in ("teams_with_policy", "ranked_agents", "bottom_agents",
                       "exits_bottom_ranked_out"):
            out[column] = math.nan
        return out
    agents = ds.frame("agents")
    exit_month = pd.to_datetime(agents["exit_date"]).dt.strftime("%Y-%m")
    bro = exit_month[agents["exit_reason"] == "bottom_ranked_out"].value_counts()
    out["exits_bottom_ranked_out"] = out["month"].map(bro).fillna(0)
    panel = team_panel(ds)
    by_month = panel.groupby("month")
    out["teams_with_policy"] = out["month"].map(by_month["policy_active"].sum()).fillna(0)
    for column in ("ranked_agents", "bottom_agents"):
        out[column] = out["month"].map(by_month[column].sum(min_count=1))
        if panel[column].notna().any():
            out[column] = out[column].fillna(0)
    return out


def figures_table(ds: Dataset, months: list[str], area: str) -> pd.DataFrame:
    """Figures of ``area`` for each of ``months``: one row per month, one column per figure."""
    from .prep import monthly_figures

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


def _clean(value: Any, metric: str | None = None) -> Any:
    """JSON-able scalar: NaN and missing become None, numpy scalars Python, counts int."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if metric is not None and METRICS[metric]["unit"] == "count" and float(value).is_integer():
        return int(value)
    return value


@dataclass(frozen=True)
class HeadlineResult:
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

    area: str
    month: str
    lang: str
    table: pd.DataFrame = field(repr=False)
    trend: pd.DataFrame = field(repr=False)

    @property
    def figures(self) -> dict[str, Any]:
        """This month's figures by metric-book name (None where not computable)."""
        return {row.metric: _clean(row.value, row.metric) for row in self.table.itertuples()}

    def tidy(self) -> pd.DataFrame:
        """Return the headline table (metric, value, last_month, last_year)."""
        return self.table.copy()

    def to_json(self) -> dict[str, Any]:
        """Key figures for the report's JSON file."""
        return {
            "figures": self.figures,
            "last_month": {r.metric: _clean(r.last_month, r.metric)
                           for r in self.table.itertuples()},
            "last_year": {r.metric: _clean(r.last_year, r.metric)
                          for r in self.table.itertuples()},
        }

    def display_table(self) -> pd.DataFrame:
        """The headline table formatted for reading, with labels in the report language."""
        lang = self.lang
        rows = []
        for r in self.table.itertuples():
            rows.append({
                t("col.metric", lang): metric_label(r.metric, lang),
                t("col.value", lang): format_value(r.metric, _clean(r.value), lang),
                t("col.last_month", lang): format_value(r.metric, _clean(r.last_month), lang),
                t("col.change", lang): format_change(r.metric, _clean(r.value),
                                                     _clean(r.last_month)),
                t("col.last_year", lang): format_value(r.metric, _clean(r.last_year), lang),
                t("col.change_yoy", lang): format_change(r.metric, _clean(r.value),
                                                         _clean(r.last_year)),
            })
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        return self.display_table().to_html(index=False, escape=True, border=0,
                                            classes="csnb-table")

    def plot(self, ncols: int = 2):
        """Draw the 24-month trend of the area's trend figures (small multiples)."""
        from .plots import plot_trends

        metrics = [m for m in TREND_METRICS[self.area] if m in set(self.trend["metric"])]
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
    months = month_range(month, TREND_MONTHS)
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
    first = ds.first_date
    if first is not None:
        trend = trend[trend["month"] >= f"{first:%Y-%m}"].reset_index(drop=True)
    return HeadlineResult(area=area, month=month, lang=lang, table=table, trend=trend)


def escape(value: Any) -> str:
    """HTML-escape a value from the data for inclusion in report HTML."""
    return html.escape(str(value), quote=True)


__all__ = ["AREAS", "HeadlineResult", "check_month", "headline", "trend_table"]
