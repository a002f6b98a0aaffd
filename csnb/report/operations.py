"""The operations report: what :file:`notebooks/operations.ipynb` shows, section by section.

:class:`OperationsReport` wraps a :class:`~csnb.report.MonthReport` of area ``operations``
and answers a department head's questions (issue 12): is the team saturated, which
weekday-hours are under- or overstaffed and by how many agents, and which of the coming
days (a surge, 爆量) need extra agents or overtime. Every number comes from
:mod:`csnb.analyses.operations`; every text from ``operations.*`` of :data:`csnb.i18n.TEXT`.

Each section method returns a text :class:`~csnb.report.display.Block`, a table result or a
matplotlib Figure (closed, so a notebook shows it once); a section the data cannot answer
returns a Block that says why, never raises.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..analyses.base import TableResult, json_clean
from ..analyses.operations import (
    ForecastResult,
    LoadResponseResult,
    StaffingResult,
    fit_load_response,
    forecast_staffing,
    staffing_table,
)
from ..i18n import METRICS, column_label, format_value, t
from ..plots.operations import WEEKDAY_KEYS
from ._parts import Parts
from .display import Block, escape
from .month_report import MonthReport
from .needs import needs_data

__all__ = ["OperationsReport", "OperationsTable"]

#: Blocks named in a sentence (the rest are in the table).
NAMED_BLOCKS = 5
#: Overstaffed blocks listed in the table (those with the most agents to spare).
SHOWN_OVERSTAFFED = 15
#: Gap days named in a sentence.
NAMED_DAYS = 5

_STATUS = {"understaffed": "operations.status.understaffed",
           "balanced": "operations.status.balanced",
           "overstaffed": "operations.status.overstaffed"}
_LOADS = {"sessions_per_agent_hour", "agents_online", "lift"}
_HOURS = {"agent_hours", "agent_hours_needed", "agent_hours_needed_hi",
          "agent_hours_available", "gap_hours", "lo", "hi", "sessions", "inquiries"}
_COUNTS = {"days", "agents_needed", "extra_agents", "spare"}


def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class OperationsTable(TableResult):
    """A table of the operations report, labelled and formatted in the report language."""

    def display_table(self) -> pd.DataFrame:
        """The table with labelled columns and formatted values."""
        shown: dict[str, list[str]] = {}
        for col in self.table.columns:
            name = str(col)
            label = column_label(name, self.lang, prefix="operations")
            shown[label] = [self._cell(name, v) for v in self.table[col]]
        return pd.DataFrame(shown, index=range(len(self.table)))

    def _cell(self, col: str, v: Any) -> str:
        lang = self.lang
        if _missing(v):
            return ""
        if col == "weekday":
            return t(WEEKDAY_KEYS[int(v)], lang)
        if col == "hour":
            return f"{int(v):02d}:00"
        if col == "status":
            return t(_STATUS[str(v)], lang)
        if col == "lift":
            return f"×{float(v):.2f}"
        if col in _LOADS:
            return f"{float(v):,.2f}"
        if col in _COUNTS:
            return f"{float(v):+,.1f}" if col == "spare" else f"{float(v):,.0f}"
        if col in _HOURS:
            return f"{float(v):,.0f}"
        if col in METRICS:
            return format_value(col, v, lang)
        return str(v)[:10] if col == "date" else str(v)


@needs_data
class OperationsReport(Parts):
    """The sections of the operations report for one month (issue 12, items 5 and 6).

    Parameters
    ----------
    report : MonthReport
        The report opened by the notebook (its dataset, month and language).

    Examples
    --------
    >>> report = MonthReport.open("operations", "2025-11", "data/samples")  # doctest: +SKIP
    >>> ops = OperationsReport(report)                                       # doctest: +SKIP
    >>> ops.summary()                                                        # doctest: +SKIP
    """

    def __init__(self, report: MonthReport) -> None:
        self.report = report
        self.ds = report.ds
        self.month = report.month
        self.lang = report.lang
        #: Why a part could not be computed, by part (report-language text).
        self.unavailable: dict[str, str] = {}

    #: Every part reads the sessions table (see :class:`~csnb.report._parts.Parts`).
    needs_table = "sessions"

    # -- helpers -------------------------------------------------------------------------------

    def text(self, key: str, **values: Any) -> str:
        """An ``operations.*`` text (``key`` without the prefix) in the report language."""
        return t(f"operations.{key}", self.lang, **values)

    def section(self, key: str, **values: Any) -> Block:
        """A section heading (``operations.section.KEY``)."""
        text = t(f"operations.section.{key}", self.lang, **values)
        return Block(f"<h2>{escape(text)}</h2>", text)

    def _paragraph(self, text: str) -> Block:
        return Block.paragraph(text)

    def _figure(self, draw: Callable[[], Any]):
        """Draw, close (so a notebook shows the figure once, as the cell's value), return it."""
        import matplotlib.pyplot as plt

        drawn = draw()
        fig = drawn if hasattr(drawn, "savefig") else drawn.figure
        plt.close(fig)
        return fig

    def _day(self, d: Any) -> str:
        d = pd.Timestamp(d)
        return f"{d:%a} {d:%b} {d.day}" if self.lang == "en" else f"{d.month}月{d.day}日"

    def _block(self, weekday: int, hour: int) -> str:
        return self.text("s.block", weekday=t(WEEKDAY_KEYS[int(weekday)], self.lang),
                         hour=f"{int(hour):02d}")

    def _rate(self, value: float) -> str:
        return format_value("fast_response_rate", value, self.lang)

    def _shift(self) -> str:
        start, end = self.ds.settings.shift_hours
        return f"{start}-{end}"

    def _fast(self) -> str:
        s = self.ds.settings.fast_response_s
        if self.lang == "en":
            return f"{s / 60:g} minutes" if s % 60 == 0 else f"{s:g} s"
        return f"{s / 60:g}分钟" if s % 60 == 0 else f"{s:g}秒"

    @property
    def _sep(self) -> str:
        return t("sentence.list_sep", self.lang)

    # -- computed parts (each once) ------------------------------------------------------------

    @cached_property
    def load_result(self) -> LoadResponseResult | None:
        """The load-response curve and the sustainable load (months to this one)."""
        return self._attempt("load_curve", lambda: fit_load_response(self.ds, self.month))

    @property
    def sustainable_load(self) -> float | None:
        """The sustainable load (sessions per agent-hour), None when not reached or failed."""
        r = self.load_result
        return None if r is None else r.estimate

    @cached_property
    def staffing_result(self) -> StaffingResult | None:
        """This month's weekday x hour blocks against the sustainable load."""
        return self._attempt("staffing", lambda: staffing_table(self.ds, self.month,
                                                                self.sustainable_load))

    @cached_property
    def forecast_result(self) -> ForecastResult | None:
        """The next ``forecast_days`` days and the agent-hours they need."""
        return self._attempt("forecast", lambda: forecast_staffing(self.ds, self.month,
                                                                   self.sustainable_load))

    # -- sentences -----------------------------------------------------------------------------

    @cached_property
    def sentences(self) -> list[str]:
        """The operations report's own sentences, generated from the numbers."""
        if not self.ds.has("sessions"):
            return [self.text("unavailable", reason=self.text("reason.no_sessions"))]
        return [*self._load_sentences(), *self._staffing_sentences(),
                *self._forecast_sentences()]

    def _load_sentences(self) -> list[str]:
        r = self.load_result
        if r is None:
            return [self.text("unavailable", reason=self.unavailable.get("load_curve", ""))]
        target = self._rate(r.target)
        if r.crossing == "above_target":
            return [self.text("s.never_saturated", target=target,
                              max=f"{r.fit.load_max:.2f}" if r.fit else "?")]
        if r.crossing == "below_target":
            return [self.text("s.always_below", target=target,
                              min=f"{r.fit.load_min:.2f}" if r.fit else "?")]
        low = f"{r.ci_low:.2f}" if r.ci_low is not None else "?"
        high = f"{r.ci_high:.2f}" if r.ci_high is not None else self.text("s.open_high")
        return [self.text("s.sustainable", target=target, fast=self._fast(),
                          value=f"{r.estimate:.2f}", low=low, high=high,
                          knee=f"{r.knee:.2f}")]

    def _staffing_sentences(self) -> list[str]:
        st = self.staffing_result
        if st is None or st.sustainable_load is None:
            return []
        tab = st.tidy()
        under = tab[tab["status"] == "understaffed"]
        over = tab[tab["status"] == "overstaffed"]
        out = []
        if under.empty:
            out.append(self.text("s.not_saturated", month=self.month))
        else:
            share = under["sessions"].sum() / tab["sessions"].sum()
            out.append(self.text("s.saturated", month=self.month, n=len(under), total=len(tab),
                                 share=self._rate(share)))
            top = under.sort_values("sessions_per_agent_hour", ascending=False).head(NAMED_BLOCKS)
            items = self._sep.join(
                self.text("s.understaffed_item", block=self._block(r.weekday, r.hour),
                          load=f"{r.sessions_per_agent_hour:.2f}",
                          online=f"{r.agents_online:.1f}", needed=int(r.agents_needed))
                for r in top.itertuples())
            out.append(self.text("s.understaffed", items=items))
        if not over.empty:
            spare = over["agents_online"] - over["agents_needed"]
            top = over.assign(spare=spare).sort_values("spare", ascending=False)
            items = self._sep.join(
                self.text("s.overstaffed_item", block=self._block(r.weekday, r.hour),
                          spare=f"{r.spare:.1f}")
                for r in top.head(NAMED_BLOCKS).itertuples())
            out.append(self.text("s.overstaffed", n=len(over), items=items))
        return out

    def _forecast_sentences(self) -> list[str]:
        f = self.forecast_result
        if f is None:
            return []
        tab = f.tidy()
        ordinary = tab[tab["promotion"].isna()]
        typical = ordinary if not ordinary.empty else tab
        out = [self.text("s.forecast", days=len(tab), first=self._day(tab["date"].iloc[0]),
                         last=self._day(tab["date"].iloc[-1]),
                         mean=f"{tab['inquiries'].mean():,.0f}",
                         lo=f"{typical['lo'].median():,.0f}",
                         hi=f"{typical['hi'].median():,.0f}")]
        promo = tab[tab["promotion"].notna()]
        lifted = promo[promo["lift_from"].notna()]
        if not lifted.empty:
            items = self._sep.join(
                self.text("s.promo_item", name=r.promotion, day=self._day(r.date),
                          lift=f"{r.lift:.2f}") for r in lifted.itertuples())
            out.append(self.text("s.promo_lift", items=items))
        plain = promo[promo["lift_from"].isna()]
        if not plain.empty:
            out.append(self.text("s.promo_no_history", items=self._sep.join(
                self._day(d) for d in plain["date"])))
        if f.sustainable_load is None:
            return out
        gaps = f.gap_days
        if gaps.empty:
            text = self.text("s.no_gap", days=len(tab))
            risky = tab[tab["agent_hours_needed_hi"] > tab["agent_hours_available"]]
            if risky.empty:
                text += self.text("s.no_gap_hi")
            out.append(text)
        else:
            worst = gaps.sort_values("gap_hours", ascending=False)
            named = [self.text("s.gap_item", day=self._day(r.date),
                               needed=f"{r.agent_hours_needed:,.0f}",
                               available=f"{r.agent_hours_available:,.0f}",
                               extra=int(r.extra_agents), gap=f"{r.gap_hours:,.0f}")
                     for r in worst.head(NAMED_DAYS).itertuples()]
            if len(gaps) > NAMED_DAYS:
                named.append(self.text("s.gap_more", n=len(gaps) - NAMED_DAYS))
            out.append(self.text("s.gap", n=len(gaps), days=len(tab),
                                 items=self._sep.join(named)))
            risky = tab[(tab["gap_hours"] <= 0)
                        & (tab["agent_hours_needed_hi"] > tab["agent_hours_available"])]
        if not risky.empty:
            named = [self._day(d) for d in risky["date"].head(NAMED_DAYS)]
            if len(risky) > NAMED_DAYS:
                named.append(self.text("s.gap_more", n=len(risky) - NAMED_DAYS))
            out.append(self.text("s.gap_hi", n=len(risky), days_list=self._sep.join(named)))
        return out

    def summary(self) -> Block:
        """The opening: the headline's sentences, this report's, how changes are judged."""
        return self.report.summary(self.sentences)

    # -- load curve ------------------------------------------------------------------------------

    def load_note(self) -> Block:
        """How the curve and the sustainable load are computed, or why they are missing."""
        r = self.load_result
        if r is None:
            return self._why("load_curve")
        text = self.text(
            "note.load_curve", first=r.first_day, last=r.last_day, hours=f"{r.hours:,}",
            sessions=f"{r.sessions:,}", busy=f"{r.busy_sessions:,}", fast=self._fast(),
            shift=self._shift(),
            knee=f"{r.knee:.2f}", target=self._rate(r.target),
            slowdown=f"{np.exp(r.slope_above):.2f}", reps=f"{len(r.draws):,}")
        if r.sample.get("sampled"):
            population = r.sample["population_sessions"]
            text += (" " if self.lang == "en" else "") + self.text(
                "note.load_sample", population=f"{population:,}",
                threshold=f"{r.sample['threshold_sessions']:,}", n=f"{r.sessions:,}",
                share=self._rate(r.sessions / population), scale=f"{r.sample['ci_scale']:.1f}")
        return self._paragraph(text)

    def plot_load_curve(self):
        """The fast-response rate and median first response against load, with the fit."""
        r = self.load_result
        if r is None:
            return self._why("load_curve")
        return self._figure(lambda: r.plot(lang=self.lang))

    # -- staffing --------------------------------------------------------------------------------

    def staffing_note(self) -> Block:
        """What the heatmap shows."""
        st = self.staffing_result
        if st is None:
            return self._why("staffing")
        if st.sustainable_load is None:
            return self._paragraph(self.text("note.no_load"))
        days = st.tidy()["days"]
        span = (f"{days.min()}" if days.min() == days.max() else f"{days.min()}–{days.max()}")
        text = self.text("note.staffing", month=self.month, weekday_days=span,
                         shift=self._shift(),
                         load=f"{st.sustainable_load:.2f}",
                         share=f"{100 * self.ds.settings.overstaffed_load_share:.0f}%")
        if st.promotion_days:
            first, last = st.promotion_days[0], st.promotion_days[-1]
            text += self.text("note.promotion_days", n=len(st.promotion_days),
                              first=self._day(first), last=self._day(last))
        return self._paragraph(text)

    def plot_staffing(self):
        """Heatmap of load by weekday x hour with the labelled blocks outlined."""
        st = self.staffing_result
        if st is None:
            return self._why("staffing")
        return self._figure(lambda: st.plot(lang=self.lang))

    def blocks(self) -> OperationsTable | Block:
        """The under- and overstaffed blocks: load, agents online and needed, the spare.

        Columns weekday, hour, sessions_per_agent_hour, fast_response_rate,
        median_first_response_s, agents_online, agents_needed, spare (online - needed),
        status; every understaffed block (busiest first), then the
        :data:`SHOWN_OVERSTAFFED` overstaffed ones with the most to spare.
        """
        st = self.staffing_result
        if st is None:
            return self._why("staffing")
        if st.sustainable_load is None:
            return self._paragraph(self.text("note.no_load"))
        tab = st.tidy()
        tab = tab.assign(spare=tab["agents_online"] - tab["agents_needed"].astype(float))
        under = tab[tab["status"] == "understaffed"].sort_values("sessions_per_agent_hour",
                                                                ascending=False)
        over = tab[tab["status"] == "overstaffed"].sort_values("spare", ascending=False)
        # every understaffed block; the overstaffed ones with the most to spare (all in JSON)
        rows = pd.concat([under, over.head(SHOWN_OVERSTAFFED)])
        if rows.empty:
            return self._paragraph(self.text("none.blocks"))
        cols = ["weekday", "hour", "sessions_per_agent_hour", "fast_response_rate",
                "median_first_response_s", "agents_online", "agents_needed", "spare", "status"]
        return OperationsTable(table=rows[cols].reset_index(drop=True), lang=self.lang)

    # -- forecast --------------------------------------------------------------------------------

    def forecast_section(self) -> Block:
        """The surge-plan heading with the horizon."""
        return self.section("forecast", days=self.ds.settings.forecast_days)

    def forecast_note(self) -> Block:
        """How the forecast and the agent-hours are computed, or why they are missing."""
        f = self.forecast_result
        if f is None:
            return self._why("forecast")
        load = f"{f.sustainable_load:.2f}" if f.sustainable_load is not None else "?"
        return self._paragraph(self.text(
            "note.forecast", history=f"{f.history_days:,}",
            last=str(f.tidy()["date"].iloc[0] - pd.Timedelta(days=1))[:10], load=load,
            headcount=f.headcount, per_day=f"{f.hours_per_agent_day:.1f}"))

    def plot_forecast(self):
        """Agent-hours needed (with the interval) against available, by day."""
        f = self.forecast_result
        if f is None:
            return self._why("forecast")
        return self._figure(lambda: f.plot(lang=self.lang))

    def gap_days(self) -> OperationsTable | Block:
        """The days short of agent-hours: forecast, needed, available, overtime, extra agents.

        Columns date, promotion, lift, inquiries, lo, hi, agent_hours_needed,
        agent_hours_needed_hi, agent_hours_available, gap_hours, extra_agents.
        """
        f = self.forecast_result
        if f is None:
            return self._why("forecast")
        if f.sustainable_load is None:
            return self._paragraph(self.text("note.no_load"))
        gaps = f.gap_days
        if gaps.empty:
            return self._paragraph(self.text("none.gap_days"))
        cols = ["date", "promotion", "lift", "inquiries", "lo", "hi", "agent_hours_needed",
                "agent_hours_needed_hi", "agent_hours_available", "gap_hours", "extra_agents"]
        return OperationsTable(table=gaps[cols], lang=self.lang)

    # -- output --------------------------------------------------------------------------------

    def results(self) -> dict[str, Any]:
        """Keys to add to the report's JSON (``report.save(path, **ops.results())``).

        sentences (the month's and the operations report's); sustainable_load
        (``{estimate, ci_low, ci_high, target_fast_rate, crossing, knee, ...}``); staffing
        (``[{weekday, hour, sessions_per_agent_hour, fast_response_rate, agents_online,
        agents_needed, status}]``); forecast (``[{date, inquiries, lo, hi,
        agent_hours_needed, agent_hours_available, ...}]``) and forecast_method; unavailable
        (part -> reason). See docs/results-json.md.
        """
        out: dict[str, Any] = {"sentences": [*self.report.sentences, *self.sentences]}
        r = self.load_result
        out["sustainable_load"] = r.to_json() if r is not None else None
        st = self.staffing_result
        out["staffing"] = st.to_json()["staffing"] if st is not None else []
        f = self.forecast_result
        if f is not None:
            out.update(f.to_json())
        else:
            out.update(forecast=[], forecast_method=None)
        out["unavailable"] = dict(self.unavailable)
        return json_clean(out)
