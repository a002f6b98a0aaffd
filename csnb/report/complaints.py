"""The complaints report: what :file:`notebooks/complaints.ipynb` shows, section by section.

:class:`ComplaintsReport` wraps a :class:`~csnb.report.MonthReport` of area ``complaints``
and answers the Monday meeting's questions (issue 9): is the complaint rate up beyond
chance, in which categories, on which days, is it a promotion week, is the trend real,
whose fault, and what the fines are. Every number comes from
:mod:`csnb.analyses.complaints`; every text from ``complaints.*`` of :data:`csnb.i18n.TEXT`.

Each section method returns a text :class:`~csnb.report.display.Block`, a table result or a
matplotlib Figure (closed, so a notebook shows it once); a section the data cannot answer
returns a Block that says why, never raises.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..analyses.base import CATEGORY_COLUMNS, SPECIAL_ROWS, TOTAL, UNATTRIBUTED, TableResult
from ..analyses.compare import ALPHA
from ..analyses.complaints import (
    BreakdownResult,
    LedgerResult,
    ResolutionResult,
    SeasonalResult,
    UChartResult,
    complaint_breakdown_table,
    fault_ledger_table,
    fit_complaint_model,
    fit_seasonal,
    fit_u_chart,
    resolution_table,
)
from ..analyses.counts import CountModelResult, ModelFitError, RateComparisonResult, compare_rates
from ..errors import CsnbError, ParameterError, check_one_of
from ..i18n import METRICS, TEXT, column_label, format_value, t, value_label
from ..metrics import complaint_rate_table, data_months
from ..months import months_ending, shift_month
from .display import Block, escape
from .month_report import MonthReport
from .sentences import promotions_in

__all__ = ["MODEL_MONTHS", "ComplaintTable", "ComplaintsReport"]

#: Months of daily data the count model uses (fewer when the data are shorter).
MODEL_MONTHS = 24
#: Months of the rate trends.
TREND_MONTHS = 24
#: Months of the resolution-time trend.
RESOLUTION_MONTHS = 12
#: Categories named as having moved the rate most.
DRIVERS = 3

# Texts chosen by a value (full keys, so a search for a key finds its use).
_WHEN = {"last_month": "complaints.s.last_month", "last_year": "complaints.s.last_year"}
_TREND_VERDICT = {"up": "complaints.s.trend_up", "down": "complaints.s.trend_down",
                  None: "complaints.s.trend_none"}
_FAMILY = {"nb2": "complaints.family.nb2", "poisson": "complaints.family.poisson",
           "quasipoisson": "complaints.family.quasipoisson"}
_WEEKDAY = {d: f"complaints.weekday.{d}" for d in ("Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}

# Columns of the report's tables that are not metric-book figures, by how they are shown.
_PER_1K = {"per_1k_orders", "per_1k_orders_last_month", "per_1k_orders_last_year",
           "change_per_1k", "rate", "ucl", "agent_complaint_rate", "team_complaint_rate",
           "ucl_rate"}
_RATIO = {"irr", "ci_low", "ci_high"}
_ONE_DECIMAL = {"expected", "median_hours", "p90_hours"}
_BOOL = {"dismissal", "repeat_offender"}
# Labels and flags: a missing value is shown blank (a total row has no name or team).
_BLANK = {"name", "team", "promotion", "leading_categories", "flag", *_BOOL}
_COUNTS = {"complaints_last_month", "complaints_last_year", "at_fault", "at_fault_3m",
           "sessions", "resolved", "open", "severity_1", "severity_2", "severity_3"}


def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _clean(obj: Any) -> Any:
    """JSON-able values: NaN and infinities as None, numpy scalars as Python, recursively."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, pd.Timestamp | date):
        return str(obj)[:10]
    if obj is pd.NA or obj is pd.NaT:
        return None
    return obj


@dataclass(frozen=True)
class ComplaintTable(TableResult):
    """A table of the complaints report, labelled and formatted in the report language.

    ``tidy()`` is the table as computed; ``display_table()`` labels the columns (metric book,
    then ``complaints.col.*``, then ``col.*``), formats rates per 1,000 with two decimals,
    ratios with three, fines in yuan, and names the rows that are not groups (total,
    unattributed).

    Attributes
    ----------
    by : str
        The breakdown key (category, source, team, agent) naming the unattributed row.
    """

    by: str = ""

    def display_table(self) -> pd.DataFrame:
        """The table with labelled columns and formatted values."""
        shown: dict[str, list[str]] = {}
        for col in self.table.columns:
            name = str(col)
            shown[self._label(name)] = [self._cell(name, v) for v in self.table[col]]
        return pd.DataFrame(shown, index=range(len(self.table)))

    def _label(self, col: str) -> str:
        return column_label(col, self.lang, prefix="complaints")

    def _cell(self, col: str, v: Any) -> str:
        lang = self.lang
        if isinstance(v, str) and v in SPECIAL_ROWS:
            if v == UNATTRIBUTED and f"complaints.row.unattributed.{self.by}" in TEXT:
                return t(f"complaints.row.unattributed.{self.by}", lang)
            return value_label(v, lang)
        if _missing(v):
            return "" if col in _BLANK else t("missing.value", lang)
        if col in METRICS:
            return format_value(col, v, lang)
        if col in _PER_1K:
            return f"{float(v):+,.2f}" if col == "change_per_1k" else f"{float(v):,.2f}"
        if col in _RATIO:
            return f"{float(v):,.3f}"
        if col == "p_value":
            return "< 0.001" if float(v) < 0.001 else f"{float(v):.3f}"
        if col in _ONE_DECIMAL:
            return f"{float(v):,.1f}"
        if col == "fine_yuan":
            return t("complaints.yuan", lang, value=float(v))
        if col in _BOOL:
            return t("yes" if bool(v) else "no", lang)
        if col in _COUNTS:
            return f"{float(v):,.0f}"
        if col == "date":
            return str(v)[:10]
        if col == "flag":
            return t(f"complaints.col.{v}", lang)
        if col == "leading_categories":
            return t("sentence.list_sep", lang).join(
                value_label(c, lang) for c in str(v).split(", ") if c)
        if col in CATEGORY_COLUMNS or col == self.by:
            return value_label(v, lang)
        return str(v)


class ComplaintsReport:
    """The sections of the complaints report for one month (issue 9).

    Parameters
    ----------
    report : MonthReport
        The report opened by the notebook (its dataset, month and language).

    Examples
    --------
    >>> report = MonthReport.open("complaints", "2025-11", "data/samples")  # doctest: +SKIP
    >>> complaints = ComplaintsReport(report)                                # doctest: +SKIP
    >>> complaints.summary()                                                 # doctest: +SKIP
    """

    def __init__(self, report: MonthReport) -> None:
        self.report = report
        self.ds = report.ds
        self.month = report.month
        self.lang = report.lang
        #: Why a part could not be computed, by part (report-language text).
        self.unavailable: dict[str, str] = {}

    # -- shared helpers --------------------------------------------------------------------

    def text(self, key: str, **values: Any) -> str:
        """A ``complaints.*`` text (``key`` without the prefix) in the report language."""
        return t(f"complaints.{key}", self.lang, **values)

    def section(self, key: str) -> Block:
        """A section heading (``complaints.section.KEY``)."""
        text = t(f"complaints.section.{key}", self.lang)
        return Block(f"<h2>{escape(text)}</h2>", text)

    def note(self, key: str, **values: Any) -> Block:
        """A paragraph (``complaints.note.KEY``); values are escaped."""
        text = t(f"complaints.note.{key}", self.lang, **values)
        safe = {k: escape(v) if isinstance(v, str) else v for k, v in values.items()}
        return Block(f"<p>{t(f'complaints.note.{key}', self.lang, **safe)}</p>", text)

    def _paragraph(self, text: str) -> Block:
        return Block(f"<p>{escape(text)}</p>", text)

    def _why(self, part: str) -> Block:
        return self._paragraph(self.text("unavailable", reason=self.unavailable.get(part, "")))

    def _attempt(self, part: str, fit: Callable[[], Any]) -> Any:
        """Run ``fit``; on a failure the data explain, note the reason and return None."""
        if not self.ds.has("complaints"):
            self.unavailable[part] = self.text("reason.no_complaints")
            return None
        try:
            return fit()
        except ModelFitError:
            self.unavailable[part] = self.text("reason.model")
        except ParameterError as exc:
            message = str(exc)
            key = ("reason.no_baseline" if "baseline" in message else
                   "reason.too_short" if "14 days" in message else None)
            self.unavailable[part] = self.text(key) if key else message
        except (CsnbError, KeyError, ValueError, np.linalg.LinAlgError) as exc:
            self.unavailable[part] = str(exc)
        return None

    def _day(self, d: Any) -> str:
        d = pd.Timestamp(d)
        return f"{d:%b} {d.day}" if self.lang == "en" else f"{d.month}月{d.day}日"

    def _names(self, rows: pd.DataFrame) -> str:
        sep = t("sentence.list_sep", self.lang)
        return sep.join(
            self.text("s.name", name=r.name if not _missing(r.name) else r.agent_id,
                      agent_id=r.agent_id) for r in rows.itertuples())

    def _verdict(self, cmp: RateComparisonResult) -> str:
        if not cmp.beyond_chance:
            return self.text("s.within")
        return self.text("s.beyond_up" if cmp.rate_ratio > 1 else "s.beyond_down")

    def _ordinal(self, n: int) -> str:
        if self.lang != "en":
            return str(n)
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"

    @staticmethod
    def _p(p: float) -> str:
        return "< 0.001" if p < 0.001 else f"{p:.3f}"

    def _figure(self, draw: Callable[[], Any]):
        """Draw, close (so a notebook shows the figure once, as the cell's value), return it."""
        import matplotlib.pyplot as plt

        drawn = draw()
        fig = drawn if hasattr(drawn, "savefig") else drawn.figure
        plt.close(fig)
        return fig

    # -- computed parts (each once) ----------------------------------------------------------

    @cached_property
    def figures(self) -> dict[str, Any]:
        """This month's shop figures (:attr:`MonthReport.shop_figures`)."""
        return self.report.shop_figures

    def breakdown_result(self, by: str) -> BreakdownResult | None:
        """:func:`~csnb.analyses.complaints.complaint_breakdown_table` of this month."""
        check_one_of("by", by, ("category", "source", "team", "agent"))
        return self._breakdowns.get(by)

    @cached_property
    def _breakdowns(self) -> dict[str, BreakdownResult]:
        out: dict[str, BreakdownResult] = {}
        for by in ("category", "source", "team"):
            r = self._attempt(f"by_{by}", partial(complaint_breakdown_table, self.ds,
                                                  self.month, by))
            if r is not None:
                out[by] = r
        return out

    @cached_property
    def u_chart_result(self) -> UChartResult | None:
        """The month's daily u-chart (limits from the 12 months before, promotions left out)."""
        return self._attempt("u_chart", lambda: fit_u_chart(
            self.ds, self.month, promotions=self.ds.settings.promotions))

    @cached_property
    def seasonal_result(self) -> SeasonalResult | None:
        """STL (MSTL with two years) of daily complaints per 1,000 paid orders to this month."""
        return self._attempt("seasonal", lambda: fit_seasonal(self.ds, self.month))

    @cached_property
    def model_months(self) -> int:
        """Months of data the count model uses (at most :data:`MODEL_MONTHS`)."""
        known = [m for m in data_months(self.ds) if m <= self.month]
        return min(MODEL_MONTHS, len(known))

    @cached_property
    def model_result(self) -> CountModelResult | None:
        """NB2 model of daily complaints by category (fallback Poisson / quasi-Poisson)."""
        return self._attempt("model", lambda: fit_complaint_model(
            self.ds, self.month, months=self.model_months,
            promotions=self.ds.settings.promotions))

    @cached_property
    def ledger_result(self) -> LedgerResult | None:
        """The at-fault ledger with fines and the funnel against each team."""
        return self._attempt("ledger", lambda: fault_ledger_table(self.ds, self.month))

    @cached_property
    def resolution_result(self) -> ResolutionResult | None:
        """Resolution times and severity by month and category (12 months to this one)."""
        return self._attempt("resolution", lambda: resolution_table(
            self.ds, self.month, RESOLUTION_MONTHS))

    @cached_property
    def rate_tests(self) -> dict[str, RateComparisonResult]:
        """This month's rate against last month and last year: exact Poisson tests."""
        now = self._month_counts(self.month)
        out: dict[str, RateComparisonResult] = {}
        if now is None:
            return out
        for when, m in (("last_month", shift_month(self.month, -1)),
                        ("last_year", shift_month(self.month, -12))):
            before = self._month_counts(m)
            if before is not None:
                out[when] = compare_rates(now[0], now[1], before[0], before[1])
        return out

    def _month_counts(self, month: str) -> tuple[int, float] | None:
        """Complaints and paid orders of a month inside the data (None outside or no orders)."""
        if not self.ds.has("complaints") or month not in set(data_months(self.ds)):
            return None
        rates = self._rates(())
        row = rates[rates["month"] == month]
        if row.empty or not row["paid_orders"].iloc[0] > 0:
            return None
        return int(row["complaints"].iloc[0]), float(row["paid_orders"].iloc[0])

    def _rates(self, by: tuple[str, ...]) -> pd.DataFrame:
        if by not in self._rate_tables:
            self._rate_tables[by] = complaint_rate_table(self.ds, by=by)
        return self._rate_tables[by]

    @cached_property
    def _rate_tables(self) -> dict[tuple[str, ...], pd.DataFrame]:
        return {}

    # -- sentences ---------------------------------------------------------------------------

    @cached_property
    def sentences(self) -> list[str]:
        """The complaints report's own sentences, generated from the numbers."""
        if not self.ds.has("complaints"):
            return [self.text("unavailable", reason=self.text("reason.no_complaints"))]
        out: list[str] = []
        out += self._rate_sentences()
        out += self._driver_sentences()
        out += self._flagged_sentences()
        out += self._promotion_sentences()
        out += self._trend_sentences()
        out += self._ledger_sentences()
        out += self._resolution_sentences()
        return out

    def _rate_sentences(self) -> list[str]:
        now = self._month_counts(self.month)
        if now is None:
            return []
        n, orders = now
        if n == 0:
            out = [self.text("s.no_complaints")]
        else:
            out = [self.text("s.rate", rate=f"{n / orders * 1000:.2f}", n=f"{n:,}",
                             orders=f"{orders:,.0f}")]
        for when, cmp in self.rate_tests.items():
            out.append(self.text(
                "s.rate_vs", when=t(_WHEN[when], self.lang), prev=f"{cmp.rate_b:.2f}",
                ratio=f"{cmp.rate_ratio:.2f}", low=f"{cmp.ci_low:.2f}",
                high=f"{cmp.ci_high:.2f}" if math.isfinite(cmp.ci_high) else "∞",
                p=self._p(cmp.p_value), verdict=self._verdict(cmp)))
        return out

    def _driver_sentences(self) -> list[str]:
        b = self.breakdown_result("category")
        if b is None:
            return []
        tab = b.tidy()
        lines = tab[tab["kind"] == "key"]
        out = []
        if b.complaints > 0:
            top = lines.iloc[0]
            out.append(self.text("s.top_category", label=value_label(top["key"], self.lang),
                                 n=f"{top['complaints']:,.0f}", share=f"{100 * top['share']:.1f}%"))
        moved = lines[lines["change_per_1k"].notna() & (lines["change_per_1k"] != 0)]
        if moved.empty:
            return out
        total = tab.loc[tab["kind"] == "total", "change_per_1k"].iloc[0]
        # Name the categories that moved the shop's rate the way it went (the largest rises
        # when it rose, the largest falls when it fell).
        up = _missing(total) or total >= 0
        moved = moved.sort_values("change_per_1k", ascending=not up, kind="stable")
        moved = moved[moved["change_per_1k"] > 0] if up else moved[moved["change_per_1k"] < 0]
        if moved.empty:
            return out
        orders_now, orders_prev = b.paid_orders, self._month_counts(shift_month(self.month, -1))
        items = []
        for r in moved.head(DRIVERS).itertuples():
            chance = ""
            if orders_prev is not None and orders_now > 0:
                cmp = compare_rates(int(r.complaints), orders_now,
                                    int(r.complaints_last_month), orders_prev[1])
                chance = self.text("s.driver_beyond") if cmp.beyond_chance else ""
            items.append(self.text("s.driver_item", label=value_label(r.key, self.lang),
                                   change=f"{r.change_per_1k:+.2f}", chance=chance))
        out.append(self.text("s.drivers", items=t("sentence.list_sep", self.lang).join(items)))
        return out

    def _flagged_sentences(self) -> list[str]:
        u = self.u_chart_result
        if u is None:
            return []
        flagged = u.flagged
        if flagged.empty:
            return [self.text("s.no_flagged")]
        sep = t("sentence.list_sep", self.lang)
        items = []
        for r in flagged.itertuples():
            if r.flag == "below":
                items.append(self.text("s.flagged_below", day=self._day(r.date),
                                       n=f"{r.complaints:,.0f}", expected=r.expected))
                continue
            cats = [c for c in str(r.leading_categories or "").split(", ") if c]
            leading = self.text("s.leading", cats=sep.join(
                value_label(c, self.lang) for c in cats)) if cats else ""
            promo = self.text("s.in_promo", name=r.promotion) if r.promotion else ""
            items.append(self.text("s.flagged_item", day=self._day(r.date),
                                   n=f"{r.complaints:,.0f}", expected=r.expected,
                                   leading=leading, promo=promo))
        joiner = "; " if self.lang == "en" else ";"
        return [self.text("s.flagged", n=len(flagged), items=joiner.join(items))]

    def _promotion_sentences(self) -> list[str]:
        u = self.u_chart_result
        if u is None:
            return []
        days = u.tidy()
        out = []
        for name, first, last in promotions_in(self.month, self.ds.settings):
            d = pd.to_datetime(days["date"]).dt.date
            inside = (d >= first) & (d <= last)
            a, ea = days.loc[inside, "complaints"].sum(), days.loc[inside, "paid_orders"].sum()
            b, eb = days.loc[~inside, "complaints"].sum(), days.loc[~inside, "paid_orders"].sum()
            if not ea > 0:
                continue
            start, end = self._day(first), self._day(last)
            if not eb > 0:
                out.append(self.text("s.promotion_all", name=name, start=start, end=end,
                                     inside=f"{a / ea * 1000:.2f}"))
                continue
            cmp = compare_rates(int(a), float(ea), int(b), float(eb))
            out.append(self.text("s.promotion", name=name, start=start, end=end,
                                 inside=f"{cmp.rate_a:.2f}", outside=f"{cmp.rate_b:.2f}",
                                 ratio=f"{cmp.rate_ratio:.2f}", p=self._p(cmp.p_value),
                                 verdict=self._verdict(cmp)))
        return out

    @cached_property
    def trend(self) -> dict[str, Any] | None:
        """The model's monthly trend: rate ratio, interval, p-value and whether it is real."""
        r = self.model_result
        if r is None:
            return None
        tab = r.tidy().set_index("term")
        if "trend_per_month" not in tab.index:
            return None
        row = tab.loc["trend_per_month"]
        real = bool(row["p_value"] < ALPHA)
        direction = ("up" if row["estimate"] > 1 else "down") if real else None
        return {"irr": float(row["estimate"]), "ci_low": float(row["ci_low"]),
                "ci_high": float(row["ci_high"]), "p_value": float(row["p_value"]),
                "pct_per_month": 100 * (float(row["estimate"]) - 1), "real": real,
                "direction": direction, "months": self.model_months, "model_family": r.family}

    def _trend_sentences(self) -> list[str]:
        tr = self.trend
        if tr is None:
            return []
        verdict = t(_TREND_VERDICT[tr["direction"]], self.lang)
        out = [self.text("s.trend", months=tr["months"],
                         pct=f"{tr['pct_per_month']:+.1f}%",
                         irr=f"{tr['irr']:.3f}", low=f"{tr['ci_low']:.3f}",
                         high=f"{tr['ci_high']:.3f}", p=self._p(tr["p_value"]),
                         verdict=verdict)]
        r = self.model_result
        if r is not None and r.family != r.requested:
            out.append(self.text("s.model_fallback", family=t(_FAMILY[r.family], self.lang)))
        return out

    def _ledger_sentences(self) -> list[str]:
        led = self.ledger_result
        if led is None:
            return []
        pay = led.payroll()
        if pay.empty:
            out = [self.text("s.no_fault")]
        else:
            out = [self.text("s.ledger", n=int(pay["at_fault"].sum()), agents=len(pay),
                             total=self.text("yuan", value=float(pay["fine_yuan"].sum())))]
            dismissed = pay[pay["dismissal"]]
            if not dismissed.empty:
                out.append(self.text("s.dismissal", names=self._names(dismissed)))
            repeat = pay[pay["repeat_offender"]]
            if not repeat.empty:
                out.append(self.text("s.repeat", names=self._names(repeat)))
        table = led.tidy()
        above = table[table["above_team"]]
        if table["sessions"].fillna(0).sum() > 0:
            out.append(self.text("s.above_team", names=self._names(above)) if not above.empty
                       else self.text("s.none_above"))
        return out

    def _resolution_sentences(self) -> list[str]:
        r = self.resolution_result
        if r is None:
            return []
        rows = r.tidy()
        row = rows[(rows["month"] == self.month) & (rows["category"] == "all")]
        if row.empty or _missing(row["median_hours"].iloc[0]):
            return []
        x = row.iloc[0]
        return [self.text("s.resolution", median=f"{x['median_hours']:.1f}",
                          p90=f"{x['p90_hours']:.1f}", open=f"{x['open']:,.0f}")]

    def summary(self) -> Block:
        """The opening: the headline's sentences, this report's, how changes are judged."""
        return self.report.summary(self.sentences)

    def rate_trend(self, by: str = "category") -> pd.DataFrame:
        """Complaints per 1,000 paid orders by month and ``by`` over :data:`TREND_MONTHS`.

        Columns month, ``by``, complaints, paid_orders, complaints_per_1k_orders.
        """
        check_one_of("by", by, ("category", "source"))
        rates = self._rates((by,))
        months = set(months_ending(self.month, TREND_MONTHS))
        rows = rates[rates["month"].isin(months)]
        return rows[["month", by, "complaints", "paid_orders",
                     "complaints_per_1k_orders"]].reset_index(drop=True)

    def plot_rates(self, by: str = "category"):
        """Lines (or small multiples) of :meth:`rate_trend`, one per category or source."""
        from ..plots import plot_by_group

        if not self.ds.has("complaints"):
            return self._paragraph(self.text("unavailable",
                                             reason=self.text("reason.no_complaints")))
        table = self.rate_trend(by)
        table = table.assign(**{by: [value_label(v, self.lang) for v in table[by]]})
        title = f'{t("col." + by, self.lang)} · {self.text("axis.per_1k")}'
        return self._figure(lambda: plot_by_group(table, "complaints_per_1k_orders", by,
                                                  lang=self.lang, title=title))

    def breakdown(self, by: str) -> ComplaintTable | Block:
        """This month's complaints by ``by`` against last month and the same month last year.

        Columns ``by``, complaints, share, complaints_per_1k_orders (per_1k_orders), then last
        month's and last year's counts and rates and the change per 1,000; the unattributed
        line and the total (the month's headline) close the table.
        """
        b = self.breakdown_result(by)
        if b is None:
            return self._why(f"by_{by}")
        tab = b.tidy()
        key = tab["key"].where(tab["kind"] == "key",
                               tab["kind"].map({"unattributed": UNATTRIBUTED, "total": TOTAL}))
        table = pd.DataFrame({by: key})
        for col in ("complaints", "share", "per_1k_orders", "complaints_last_month",
                    "per_1k_orders_last_month", "complaints_last_year",
                    "per_1k_orders_last_year", "change_per_1k"):
            table[col] = tab[col].to_numpy()
        return ComplaintTable(table=table, lang=self.lang, by=by)

    def breakdown_note(self) -> Block:
        """The note that every complaint is on one line and the total is the headline."""
        return self.note("breakdown", n=format_value("complaints",
                                                     self.figures.get("complaints"), self.lang))

    def plot_pareto(self):
        """This month's Pareto chart of categories."""
        from ..plots.complaints import plot_pareto

        b = self.breakdown_result("category")
        if b is None:
            return self._why("by_category")
        if not b.complaints > 0:
            return self._paragraph(self.text("s.no_complaints"))
        return self._figure(lambda: plot_pareto(b.tidy(), lang=self.lang))

    # -- days --------------------------------------------------------------------------------

    def u_chart_note(self) -> Block:
        """How the u-chart is drawn (its baseline) or why it is missing."""
        u = self.u_chart_result
        if u is None:
            return self._why("u_chart")
        from scipy import stats

        tail = f"{100 * stats.norm.sf(u.sigma):.3g}%"  # the exact limits' tail, Phi(-sigma)
        return self.note("u_chart", first=u.baseline_first, last=u.baseline_last,
                         days=u.baseline_days, tail=tail)

    def plot_u_chart(self):
        """The daily u-chart with limits, flagged days and promotion days."""
        from ..plots.complaints import plot_u_chart

        u = self.u_chart_result
        if u is None:
            return self._why("u_chart")
        return self._figure(lambda: plot_u_chart(u.tidy(), lang=self.lang))

    def flagged_days(self) -> ComplaintTable | Block:
        """Days beyond the limits: complaints, expected, upper limit, leading categories."""
        u = self.u_chart_result
        if u is None:
            return self._why("u_chart")
        f = u.flagged
        if f.empty:
            return self._paragraph(self.text("none.flagged"))
        table = pd.DataFrame({
            "date": [str(d)[:10] for d in f["date"]], "flag": f["flag"],
            "complaints": f["complaints"], "paid_orders": f["paid_orders"],
            "expected": f["expected"], "rate": f["rate"] * 1000, "ucl": f["ucl"] * 1000,
            "leading_categories": f["leading_categories"], "promotion": f["promotion"]})
        return ComplaintTable(table=table, lang=self.lang)

    def seasonal_note(self) -> Block:
        """Method and seasonal strengths of the decomposition, or why it is missing."""
        s = self.seasonal_result
        if s is None:
            return self._why("seasonal")
        js = s.to_json()
        trend = s.tidy()["trend"]
        before = trend.iloc[-31] if len(trend) > 30 else trend.iloc[0]
        yearly = (self.text("note.seasonal_yearly", value=f"{s.strength['yearly']:.2f}")
                  if "yearly" in s.strength else "")
        key = "note.seasonal" if s.trend_days else "note.seasonal_mstl"
        text = self.text(key, method=s.method, days=s.trend_days,
                         weekly=f"{s.strength['weekly']:.2f}", yearly=yearly,
                         before=f"{before:.2f}", last=f"{js['trend_last']:.2f}")
        if s.method == "STL":
            text += self.text("note.mstl_needs", days=len(trend))
        return self._paragraph(text)

    def plot_seasonal(self):
        """Panels of the decomposition: observed, trend, seasonal parts, residual."""
        from ..plots.complaints import plot_seasonal

        s = self.seasonal_result
        if s is None:
            return self._why("seasonal")
        return self._figure(lambda: plot_seasonal(s.tidy(), lang=self.lang))

    # -- model ---------------------------------------------------------------------------------

    def model_note(self) -> Block:
        """What was fitted: NB2 with its dispersion, or the fallback said in words."""
        r = self.model_result
        if r is None:
            return self._why("model")
        if r.family == "nb2":
            text = self.text("note.model_nb2", months=self.model_months,
                             alpha=f"{r.dispersion:.3g}")
        elif r.family == "quasipoisson" and r.requested == "nb2":
            text = self.text("note.model_quasipoisson", months=self.model_months,
                             scale=f"{r.pearson_scale:.3f}")
        else:
            text = self.text("note.model_poisson", months=self.model_months)
        return self._paragraph(text)

    def model_terms(self) -> pd.DataFrame:
        """The model's rate ratios, intercept left out, with terms in the report language.

        Columns term (label), irr, ci_low, ci_high, p_value, group, code (the model's term).
        """
        r = self.model_result
        if r is None:
            return pd.DataFrame(columns=["term", "irr", "ci_low", "ci_high", "p_value",
                                         "group", "code"])
        tab = r.tidy()
        tab = tab[tab["term"] != "Intercept"]
        cats = {str(x)[len("category["):-1] for x in tab["term"] if str(x).startswith("category[")}
        ref = self._reference_category(cats)
        return pd.DataFrame({
            "term": [self._term_label(x, ref) for x in tab["term"]],
            "irr": tab["estimate"].to_numpy(), "ci_low": tab["ci_low"].to_numpy(),
            "ci_high": tab["ci_high"].to_numpy(), "p_value": tab["p_value"].to_numpy(),
            "group": tab["group"].to_numpy(), "code": tab["term"].to_numpy()})

    def _reference_category(self, in_model: set[str]) -> str:
        c = self.ds.frame("complaints")
        months = set(months_ending(self.month, self.model_months))
        c = c[pd.to_datetime(c["created_ts"]).dt.strftime("%Y-%m").isin(months)]
        rest = sorted(set(c["category"].dropna().astype(str)) - in_model)
        return value_label(rest[0], self.lang) if len(rest) == 1 else "?"

    def _term_label(self, term: str, ref: str) -> str:
        if term == "trend_per_month":
            return self.text("term.trend_per_month")
        if term == "promotion":
            return self.text("term.promotion", name="")
        kind, _, rest = term.partition("[")
        name = rest.rstrip("]")
        if kind == "promotion":
            return self.text("term.promotion", name=name)
        if kind == "weekday":
            return self.text("term.weekday", name=t(_WEEKDAY[name], self.lang))
        if kind == "category":
            return self.text("term.category", name=value_label(name, self.lang), ref=ref)
        return term

    def model_table(self) -> ComplaintTable | Block:
        """The rate ratios (IRR) with 95% intervals and p-values."""
        if self.model_result is None:
            return self._why("model")
        tab = self.model_terms().drop(columns=["group", "code"])
        return ComplaintTable(table=tab, lang=self.lang)

    def plot_model(self):
        """The rate ratios on a log axis (:func:`csnb.plots.coefficients.plot_coefficients`)."""
        from ..plots.coefficients import plot_coefficients

        if self.model_result is None:
            return self._why("model")
        tab = self.model_terms().rename(columns={"irr": "estimate"})

        def draw():
            from matplotlib.ticker import FuncFormatter, NullFormatter

            ax = plot_coefficients(tab, log=True, ref=1.0, xlabel=self.text("axis.irr"))
            # Rate ratios read as plain numbers (0.5, 1, 2), not powers of ten.
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xticks([v for v in (0.1, 0.2, 0.5, 1, 2, 5, 10)
                           if ax.get_xlim()[0] <= v <= ax.get_xlim()[1]])
            return ax

        return self._figure(draw)

    # -- agents --------------------------------------------------------------------------------

    def ledger_note(self) -> Block:
        """The fine schedule and the month's total fines."""
        s = self.ds.settings
        sep = t("sentence.list_sep", self.lang)
        schedule = sep.join(self.text("schedule_step", nth=self._ordinal(i + 1), fine=f)
                            for i, f in enumerate(s.fine_schedule))
        led = self.ledger_result
        total = float(led.payroll()["fine_yuan"].sum()) if led is not None else 0.0
        nth = self._ordinal(s.dismissal_at)
        return self.note("ledger", schedule=schedule, dismissal_at=nth,
                         total=self.text("yuan", value=total))

    def ledger(self) -> ComplaintTable | Block:
        """The payroll ledger: agents with at-fault complaints, their fines, and the total.

        Columns agent_id, name, team, at_fault, fine_yuan, dismissal, at_fault_3m,
        repeat_offender; a total row (at-fault complaints, fines and dismissals summed).
        """
        led = self.ledger_result
        if led is None:
            return self._why("ledger")
        pay = led.payroll()
        if pay.empty:
            return self._paragraph(self.text("none.ledger"))
        full = led.tidy().set_index("agent_id")
        pay = pay.assign(at_fault_3m=pay["agent_id"].map(full["at_fault_3m"]))
        cols = ["agent_id", "name", "team", "at_fault", "fine_yuan", "dismissal",
                "at_fault_3m", "repeat_offender"]
        total = {"agent_id": TOTAL, "name": None, "team": None,
                 "at_fault": int(pay["at_fault"].sum()), "fine_yuan": float(pay["fine_yuan"].sum()),
                 "dismissal": None, "at_fault_3m": int(pay["at_fault_3m"].sum()),
                 "repeat_offender": None}
        table = pd.concat([pay[cols], pd.DataFrame([total])], ignore_index=True)
        return ComplaintTable(table=table.astype(object), lang=self.lang)

    def attach_ledger(self) -> Block:
        """Write the payroll ledger beside the report and return the line linking it.

        The file is ``complaints.ledger.csv`` (``complaints.zh.ledger.csv`` in Chinese),
        written by ``report.save`` (:meth:`MonthReport.attach`): one row per agent with
        at-fault complaints this month, columns agent_id, name, team, at_fault, fine_yuan,
        dismissal, repeat_offender, headed in the report language. A month without fines
        writes the headers only, so payroll sees the month was reviewed.
        """
        led = self.ledger_result
        if led is None:
            return self._why("ledger")
        return self.report.attach("ledger", led.payroll(), prefix="complaints")

    def funnel_note(self) -> Block:
        """How the funnel plot's limits are drawn."""
        return self.note("funnel")

    def plot_funnel(self):
        """Agent complaint rate against sessions with each team's 3-sigma limits."""
        from ..plots.complaints import plot_funnel

        led = self.ledger_result
        if led is None:
            return self._why("ledger")
        if not led.tidy()["sessions"].fillna(0).sum() > 0:
            return self._paragraph(self.text("unavailable", reason="sessions"))
        return self._figure(lambda: plot_funnel(led.tidy(), lang=self.lang))

    def above_team(self) -> ComplaintTable | Block:
        """Agents whose complaints are above their team's upper funnel limit."""
        led = self.ledger_result
        if led is None:
            return self._why("ledger")
        rows = led.tidy()
        rows = rows[rows["above_team"]]
        if rows.empty:
            return self._paragraph(self.text("none.above_team"))
        cols = ["agent_id", "name", "team", "complaints", "sessions", "agent_complaint_rate",
                "team_complaint_rate", "ucl_rate"]
        return ComplaintTable(table=rows[cols].reset_index(drop=True), lang=self.lang)

    # -- resolution ------------------------------------------------------------------------------

    def resolution(self) -> ComplaintTable | Block:
        """This month by category: complaints, resolved, open, median and P90 hours, severity.

        The last row (all categories) is the total and equals the month's headline count.
        """
        r = self.resolution_result
        if r is None:
            return self._why("resolution")
        rows = r.tidy()
        rows = rows[rows["month"] == self.month]
        if rows.empty:
            return self._paragraph(self.text("s.no_complaints"))
        rows = pd.concat([rows[rows["category"] != "all"], rows[rows["category"] == "all"]])
        table = rows.drop(columns=["month"]).assign(
            category=[TOTAL if c == "all" else c for c in rows["category"]])
        table = table.dropna(axis=1, how="all").reset_index(drop=True)
        return ComplaintTable(table=table, lang=self.lang, by="category")

    def plot_resolution(self):
        """Median hours to resolve by month over 12 months: all categories and the largest."""
        from ..plots import plot_by_group

        r = self.resolution_result
        if r is None:
            return self._why("resolution")
        rows = r.tidy()
        if rows["median_hours"].isna().all():
            return self._paragraph(self.text("unavailable",
                                             reason=self.text("reason.no_resolved")))
        this = rows[(rows["month"] == self.month) & (rows["category"] != "all")]
        top = list(this.sort_values("complaints", ascending=False)["category"].head(4))
        rows = rows[rows["category"].isin(["all", *top])]
        labels = [self.text("row.all") if c == "all" else value_label(c, self.lang)
                  for c in rows["category"]]
        table = rows.assign(category=labels)[["month", "category", "median_hours"]]
        def draw():
            ax = plot_by_group(table, "median_hours", "category", lang=self.lang,
                               title=self.text("axis.hours"))
            ax.set_ylabel(t("complaints.plot.hours", self.lang))
            ax.set_ylim(bottom=0)
            return ax

        return self._figure(draw)

    # -- output --------------------------------------------------------------------------------

    def results(self) -> dict[str, Any]:
        """Keys to add to the report's JSON (``report.save(path, **complaints.results())``).

        sentences (the month's and the complaints report's); by_category, by_source, by_team
        (``{name: {count, per_1k_orders, share, ...}}``, the unattributed line named
        ``unattributed``); rate_tests (last_month, last_year: exact Poisson comparisons);
        u_chart and flagged_days (``{date, complaints, expected, ucl, ...}``); seasonal;
        negbin (``{term, irr, ci_low, ci_high, p_value}``), dispersion, model_family,
        model (fit details) and trend (is it real); ledger (``{agent_id, name, at_fault,
        fine_yuan, dismissal}``), total_fines_yuan, dismissals, repeat_offenders,
        above_team; resolution (this month by category); unavailable (part -> reason).
        """
        out: dict[str, Any] = {"sentences": [*self.report.sentences, *self.sentences]}
        for by in ("category", "source", "team"):
            b = self.breakdown_result(by)
            out[f"by_{by}"] = b.to_json()["lines"] if b is not None else None
        out["rate_tests"] = {k: v.to_json() for k, v in self.rate_tests.items()}
        u = self.u_chart_result
        if u is not None:
            js = u.to_json()
            for d in js["flagged_days"]:  # limits per 1,000 like every other rate
                d["ucl_per_1k"] = None if d["ucl"] is None else d["ucl"] * 1000
            out["flagged_days"] = js.pop("flagged_days")
            out["u_chart"] = js
        else:
            out["flagged_days"], out["u_chart"] = [], None
        out["seasonal"] = self.seasonal_result.to_json() if self.seasonal_result else None
        r = self.model_result
        if r is not None:
            js = r.to_json()
            out["negbin"] = js.pop("terms")
            out["dispersion"] = js["dispersion"]
            out["model_family"] = js["model_family"]
            out["model"] = {**js, "months": self.model_months}
        else:
            out.update(negbin=[], dispersion=None, model_family=None, model=None)
        out["trend"] = self.trend
        led = self.ledger_result
        if led is not None:
            out.update(led.to_json())
        else:
            out.update(ledger=[], total_fines_yuan=0.0, dismissals=0, repeat_offenders=[],
                       above_team=[])
        res = self.resolution_result
        out["resolution"] = res.to_json()["rows"] if res is not None else []
        out["unavailable"] = dict(self.unavailable)
        return _clean(out)

