"""The complaints report: what :file:`notebooks/complaints.ipynb` shows, section by section.

:class:`ComplaintsReport` wraps a :class:`~csnb.report.MonthReport` of area ``complaints``
and answers the Monday meeting's questions (issue 9): is the complaint rate up beyond
chance, in which categories, on which days, is it a promotion week, is the trend real,
whose fault, and what the fines are. Every number comes from
:mod:`csnb.analyses.complaints`; every text from ``complaints.*`` of :data:`csnb.i18n.TEXT`.

Each section method returns a text :class:`~csnb.report.display.Block`, a table result or a
matplotlib Figure (closed, so a notebook shows it once); a section the data cannot answer
returns a Block that says why, never raises.

The parts are computed in :mod:`csnb.report._complaint_parts`, the sentences written in
:mod:`csnb.report._complaint_sentences`, the tables formatted in
:mod:`csnb.report._complaint_tables`; this module lays out the sections.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..analyses.base import TOTAL, UNATTRIBUTED, json_clean
from ..errors import check_one_of
from ..i18n import format_value, t, value_label
from ..months import months_ending
from ._complaint_parts import MODEL_MONTHS
from ._complaint_sentences import ComplaintSentences
from ._complaint_tables import ComplaintTable
from .display import Block
from .needs import needs_data

__all__ = ["MODEL_MONTHS", "ComplaintTable", "ComplaintsReport"]

#: Months of the rate trends.
TREND_MONTHS = 24
_WEEKDAY = {d: f"complaints.weekday.{d}" for d in ("Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


@needs_data
class ComplaintsReport(ComplaintSentences):
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
        line (left out when no complaint of the three months lacks the key) and the total
        (the month's headline) close the table.
        """
        b = self.breakdown_result(by)
        if b is None:
            return self._why(f"by_{by}")
        tab = b.tidy()
        # The unattributed line says something only when some complaint lacks the key in one
        # of the three months; a line of zeros would read as a finding.
        counts = tab[["complaints", "complaints_last_month", "complaints_last_year"]]
        empty = (tab["kind"] == "unattributed") & counts.fillna(0).eq(0).all(axis=1)
        tab = tab[~empty].reset_index(drop=True)
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
        sep = " " if self.lang == "en" else ""
        return self._paragraph(text + sep + self.text("note.model_months"))

    def model_terms(self) -> pd.DataFrame:
        """The model's rate ratios, with terms in the report language.

        The intercept and the month levels are left out (the trend row sums the months up;
        ``model_result.tidy()`` has them all). Columns term (label), irr, ci_low, ci_high,
        p_value, group, code (the model's term).
        """
        r = self.model_result
        if r is None:
            return pd.DataFrame(columns=["term", "irr", "ci_low", "ci_high", "p_value",
                                         "group", "code"])
        tab = r.tidy()
        tab = tab[~tab["group"].isin(["intercept", "month"])]
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
            # the month levels stay in the model; the report's terms are the rest
            out["negbin"] = [x for x in js.pop("terms") if not x["term"].startswith("month[")]
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
        return json_clean(out)
