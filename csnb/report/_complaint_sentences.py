"""The complaints report's sentences, generated from the numbers (issue 9).

Part of :mod:`csnb.report.complaints`: the rate against last month and last year (exact
Poisson tests), the categories that drove it, the flagged days, the promotion windows, the
trend, the fines and the resolution times, each in the report language.
"""

from __future__ import annotations

import math
from functools import cached_property

import pandas as pd

from ..analyses.counts import compare_rates
from ..i18n import t, value_label
from ..months import shift_month
from ._complaint_parts import ComplaintParts
from ._complaint_tables import _missing
from .sentences import promotions_in

__all__ = ["ComplaintSentences"]

#: Categories named as having moved the rate most.
DRIVERS = 3

# Texts chosen by a value (full keys, so a search for a key finds its use).
_WHEN = {"last_month": "complaints.s.last_month", "last_year": "complaints.s.last_year"}
_TREND_VERDICT = {"up": "complaints.s.trend_up", "down": "complaints.s.trend_down",
                  None: "complaints.s.trend_none"}
_FAMILY = {"nb2": "complaints.family.nb2", "poisson": "complaints.family.poisson",
           "quasipoisson": "complaints.family.quasipoisson"}


class ComplaintSentences(ComplaintParts):
    """The sentences of the complaints report (:attr:`sentences`) over its computed parts."""

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
