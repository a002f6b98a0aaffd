"""The complaints report's computed parts and shared helpers.

Part of :mod:`csnb.report.complaints`: :class:`ComplaintParts` runs each analysis of
:mod:`csnb.analyses.complaints` once for the report's month (a part the data cannot answer is
None, with the reason in ``unavailable``) and holds the text helpers the sentences and the
sections share. :class:`~csnb.report._complaint_sentences.ComplaintSentences` builds on it,
and :class:`~csnb.report.complaints.ComplaintsReport` on that.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property, partial
from typing import Any

import pandas as pd

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
from ..errors import ParameterError, check_one_of
from ..i18n import t
from ..metrics import complaint_rate_table, data_months
from ..months import shift_month
from ._complaint_tables import _missing
from ._parts import Parts
from .display import Block, escape
from .month_report import MonthReport

__all__ = ["MODEL_MONTHS", "RESOLUTION_MONTHS", "ComplaintParts"]

#: Months of daily data the count model uses (fewer when the data are shorter).
MODEL_MONTHS = 24
#: Months of the resolution-time trend.
RESOLUTION_MONTHS = 12


class ComplaintParts(Parts):
    """The complaints analyses of one month, each computed once, and the text helpers.

    Parameters
    ----------
    report : MonthReport
        The report opened by the notebook (its dataset, month and language).
    """

    def __init__(self, report: MonthReport) -> None:
        self.report = report
        self.ds = report.ds
        self.month = report.month
        self.lang = report.lang
        #: Why a part could not be computed, by part (report-language text).
        self.unavailable: dict[str, str] = {}

    #: Every part reads the complaints table (see :class:`~csnb.report._parts.Parts`).
    needs_table = "complaints"

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
        return Block.paragraph(text)

    def _reason(self, exc: Exception) -> str:
        """A failed fit, a missing baseline or a short history in the report's words."""
        if isinstance(exc, ModelFitError):
            return self.text("reason.model")
        message = str(exc)
        if isinstance(exc, ParameterError):
            key = ("reason.no_baseline" if "baseline" in message else
                   "reason.too_short" if "14 days" in message else None)
            return self.text(key) if key else message
        return message

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
