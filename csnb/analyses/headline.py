"""Headline figures of a month: this month, last month, same month last year, 24-month trend.

The figures are the metric book's (:func:`csnb.metrics.monthly_figures`); this module only
picks each report area's figures and lines them up against the comparison months.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import check_one_of
from ..i18n import METRICS, check_lang, format_value, metric_label, t, value_label
from ..io.dataset import Dataset
from ..metrics import FIGURE_NEEDS, data_months, incentive_figures, lacking, monthly_figures
from ..months import check_month, months_ending, shift_month
from .base import Result, json_value
from .compare import Change, compare, target_status

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
    "operations": (
        "inquiries", "counted_sessions", "closing_headcount", "avg_first_response_s",
        "fast_response_rate",
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
    "operations": ("counted_sessions", "closing_headcount", "fast_response_rate",
                   "avg_first_response_s"),
}

#: Months of every trend chart and trend table (the report month and the 23 before).
TREND_MONTHS = 24


#: Columns of :meth:`HeadlineResult.tidy`.
HEADLINE_COLUMNS = (
    "metric", "value", "last_month", "last_year", "change_last_month", "change_last_year",
    "notable_last_month", "notable_last_year", "good_last_month", "good_last_year", "target",
    "status",
)


def figures_table(ds: Dataset, months: list[str], area: str) -> pd.DataFrame:
    """Every figure of ``months`` that ``area`` can show or test: one row per month.

    The area's figures, and the counts their comparisons need (events and trials).
    """
    check_one_of("area", area, tuple(AREAS))
    table = monthly_figures(ds, months=months)
    table = table.merge(incentive_figures(ds, months), on="month", how="left")
    table["avg_headcount"] = (table["opening_headcount"] + table["closing_headcount"]) / 2
    table["fast_sessions"] = (table["fast_response_rate"] * table["counted_sessions"]).round()
    return table


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
        :data:`HEADLINE_COLUMNS`: per figure of the area, its value, last month's and last
        year's, the changes (this month minus the comparison month), whether each is beyond
        chance (None when not tested), whether it goes the good way (None for figures
        without one), the target and its status ("green", "amber", "red"; None without).
    trend : DataFrame
        Tidy 24-month trend: month, metric, value.
    changes : dict
        The :class:`~csnb.analyses.compare.Change` of each figure, keyed
        ``(metric, "last_month" | "last_year")``.
    targets : dict
        Target of each figure that has one.
    unavailable : dict
        Figures the data cannot give (a table they read is absent), each with the groups
        of tables it lacks (:func:`csnb.metrics.lacking`): kept as missing in ``table``
        and the JSON, left out of the display and the trend, and named under the table.
    quiet : bool
        Display nothing (a report that lacks its tables says so once, in its summary).
    """

    columns = HEADLINE_COLUMNS

    area: str
    month: str
    lang: str
    table: pd.DataFrame = field(repr=False)
    trend: pd.DataFrame = field(repr=False)
    changes: dict[tuple[str, str], Change] = field(default_factory=dict, repr=False)
    targets: dict[str, float] = field(default_factory=dict, repr=False)
    unavailable: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict,
                                                                repr=False)
    quiet: bool = False

    @property
    def shown(self) -> list[str]:
        """The figures the data can give (the rows displayed and the trend drawn)."""
        return [m for m in self.table["metric"] if m not in self.unavailable]

    @property
    def figures(self) -> dict[str, Any]:
        """This month's figures by metric-book name (None where not computable)."""
        return {r.metric: json_value(r.value, r.metric) for r in self.table.itertuples()}

    def change(self, metric: str, against: str = "last_month") -> Change:
        """The change of ``metric`` against ``"last_month"`` or ``"last_year"``."""
        return self.changes[(metric, against)]

    def tidy(self) -> pd.DataFrame:
        """Return the headline table (:data:`HEADLINE_COLUMNS`)."""
        return self.table.copy()

    def to_json(self) -> dict[str, Any]:
        """Key figures for the report's JSON file."""
        return {
            "figures": self.figures,
            "last_month": {r.metric: json_value(r.last_month, r.metric)
                           for r in self.table.itertuples()},
            "last_year": {r.metric: json_value(r.last_year, r.metric)
                          for r in self.table.itertuples()},
            "changes": {
                metric: {against: {k: json_value(v) for k, v in c.to_json().items()}
                         for (m, against), c in self.changes.items() if m == metric}
                for metric in self.table["metric"]
            },
            "targets": {
                r.metric: {"target": json_value(r.target), "status": r.status}
                for r in self.table.itertuples() if isinstance(r.status, str)
            },
        }

    def display_table(self) -> pd.DataFrame:
        """The headline table formatted for reading, with labels in the report language."""
        lang = self.lang
        rows = []
        for r in self.table.itertuples():
            if r.metric in self.unavailable:
                continue
            value, last_month, last_year = (json_value(v) for v in
                                            (r.value, r.last_month, r.last_year))
            rows.append({
                t("col.metric", lang): metric_label(r.metric, lang),
                t("col.value", lang): format_value(r.metric, value, lang),
                t("col.target", lang): _target_text(r.metric, json_value(r.target),
                                                    json_value(r.status), lang),
                t("col.last_month", lang): format_value(r.metric, last_month, lang),
                t("col.change", lang): self.change(r.metric, "last_month").text(lang),
                t("col.last_year", lang): format_value(r.metric, last_year, lang),
                t("col.change_yoy", lang): self.change(r.metric, "last_year").text(lang),
            })
        return pd.DataFrame(rows)

    def styled(self):
        """The display table as a pandas Styler, coloured for reading.

        Changes are green or red by whether they go the good way and bold when beyond
        chance; the target's status is a coloured dot.
        """
        shown = self.display_table()
        css = pd.DataFrame("", index=shown.index, columns=shown.columns)
        change_cols = {"last_month": shown.columns[4], "last_year": shown.columns[6]}
        statuses = self.table.set_index("metric")["status"]
        for i, metric in enumerate(self.shown):
            for against, col in change_cols.items():
                c = self.change(metric, against)
                colour = {True: _GOOD, False: _BAD}.get(c.good, "") if c.good is not None \
                    else ""
                css.iloc[i, shown.columns.get_loc(col)] = (
                    (f"color: {colour};" if colour else "")
                    + ("font-weight: bold;" if c.notable else "")
                )
            status = statuses[metric]
            if isinstance(status, str):
                css.iloc[i, 2] = f"color: {_STATUS[status]};"
        return (shown.style.hide(axis="index").format(escape="html")
                .apply(lambda _: css, axis=None).set_table_attributes('class="csnb-table"'))

    def unavailable_note(self) -> str:
        """One sentence naming the figures left out and the tables they need ("" if none)."""
        if not self.unavailable:
            return ""
        lang = self.lang
        by_need: dict[tuple[tuple[str, ...], ...], list[str]] = {}
        for metric, groups in self.unavailable.items():
            by_need.setdefault(tuple(groups), []).append(metric_label(metric, lang))
        sep = t("sentence.list_sep", lang)
        # Short table names: the figures are many, the tables few.
        parts = [t("headline.unavailable_part", lang, figures=sep.join(names),
                   needs=needs_text(groups, lang, short=True))
                 for groups, names in by_need.items()]
        return t("headline.unavailable", lang, parts=t("needs.part_sep", lang).join(parts))

    def _repr_html_(self) -> str:
        if self.quiet:
            return ""
        note = self.unavailable_note()
        note_html = f'<p class="csnb-unavailable">{html.escape(note)}</p>' if note else ""
        if not self.shown:
            return note_html
        return self.styled().to_html() + note_html

    def plot(self, ax=None, *, metrics: list[str] | None = None, ncols: int = 2):
        """Draw the trend of the area's trend figures, with their targets.

        With ``ax``, the first of ``metrics`` is drawn on it and the Axes returned; without,
        every metric gets its own panel (small multiples) and the Figure is returned.
        """
        from ..plots import plot_trend, plot_trends

        shown = set(self.trend["metric"]) - set(self.unavailable)
        metrics = [m for m in (metrics or TREND_METRICS[self.area]) if m in shown]
        if self.quiet or not metrics:
            return None  # nothing the data can draw (the table says what is missing)
        if ax is not None:
            return plot_trend(self.trend, metrics[0], lang=self.lang, month=self.month, ax=ax,
                              target=self.targets.get(metrics[0]))
        return plot_trends(self.trend, metrics, lang=self.lang, month=self.month, ncols=ncols,
                           targets=self.targets)


_GOOD, _BAD = "#1a7f37", "#cf222e"
_STATUS = {"green": _GOOD, "amber": "#bf8700", "red": _BAD}


def _target_text(metric: str, target: Any, status: str | None, lang: str) -> str:
    if target is None:
        return ""
    sign = "≥" if METRICS[metric].get("good") == "up" else "≤"
    goal = f"{sign} {format_value(metric, target, lang)}"
    if status is None:
        # No value this month (the data cannot give it): the target, without a verdict.
        return goal
    return f"● {goal} {t(f'status.{status}', lang)}"


def headline(ds: Dataset, month: str, area: str, *, lang: str = "en") -> HeadlineResult:
    """Compute an area's headline figures for ``month`` against last month and last year.

    Each change is tested against chance (:mod:`csnb.analyses.compare`) and each figure with
    a target in the dataset's settings gets its red/amber/green status.

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
    comparison = {"last_month": last_month, "last_year": last_year}

    def counts(m: str) -> dict[str, Any]:
        return {k: json_value(v) for k, v in by_month.loc[m].items()} \
            if m in by_month.index else {}

    changes: dict[tuple[str, str], Change] = {}
    rows = []
    for metric in AREAS[area]:
        value = json_value(by_month.at[month, metric])
        row: dict[str, Any] = {"metric": metric, "value": by_month.at[month, metric]}
        for against, other in comparison.items():
            before = json_value(by_month.at[other, metric])
            c = compare(metric, value, before, counts(month), counts(other))
            changes[(metric, against)] = c
            row[against] = by_month.at[other, metric]
            row[f"change_{against}"] = c.delta
            row[f"notable_{against}"] = c.notable
            row[f"good_{against}"] = c.good
        row["target"] = ds.settings.targets.get(metric)
        row["status"] = target_status(metric, value, ds.settings)
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(HEADLINE_COLUMNS))
    trend_metrics = tuple(dict.fromkeys(TREND_METRICS[area]))
    trend = trend_table(figures, trend_metrics)
    # A month the data cannot answer is left out of the trend.
    answerable = set(data_months(ds))
    trend = trend[trend["month"].isin(answerable)].reset_index(drop=True)
    targets = {m: float(v) for m, v in ds.settings.targets.items() if m in trend_metrics}
    unavailable = {m: tuple(groups) for m in AREAS[area]
                   if (groups := lacking(FIGURE_NEEDS[m], ds.tables))}
    return HeadlineResult(area=area, month=month, lang=lang, table=table, trend=trend,
                          changes=changes, targets=targets, unavailable=unavailable)


def needs_text(groups, lang: str, *, short: bool = False) -> str:
    """Tables in words: "the agents table (...) and the orders table (...)".

    ``groups`` are any-of groups of contract tables (as :data:`csnb.metrics.FIGURE_NEEDS`'
    values): the tables of a group are joined by "or", the groups by "and". ``short``
    names each table without saying what it holds ("the agents table").
    """
    either = t("needs.or", lang)
    both = t("needs.and", lang)

    def name(table: str) -> str:
        if short:
            return t("needs.table_name", lang, table=value_label(table, lang))
        return t(f"needs.table.{table}", lang)

    return both.join(either.join(name(table) for table in group) for group in groups)
