"""The turnover report (issue 7): who is leaving, how fast, when in their tenure, and why.

:class:`TurnoverReport` wraps a :class:`~csnb.report.month_report.MonthReport` of the
turnover area and returns the report's sections in order, each as a text block, a table
(:class:`~csnb.analyses.TableResult`, raw values in ``tidy()``, formatted in the report
language) or a figure. Every figure comes from :mod:`csnb.metrics` or
:mod:`csnb.analyses.turnover`; every text from ``csnb/_texts/turnover.py``. The notebook
only displays them in order and ends with ``report.save(results_path, **turnover.results())``.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..analyses.base import TOTAL, TableResult, json_value
from ..analyses.compare import Change
from ..analyses.turnover import (
    GROUP_COLUMNS,
    MIN_AGENTS,
    AtRiskResult,
    CoxResult,
    HazardResult,
    RetentionResult,
    agent_tenure_table,
    at_risk_agents,
    cohort_retention_table,
    exit_chance,
    fit_cox,
    fit_exit_hazard,
    fit_retention,
)
from ..i18n import format_value, t
from ..io.schema import EXIT_REASONS
from ..metrics import agent_month_panel, data_months, headcount_table
from ..months import month_bounds, months_ending, shift_month
from ._turnover_tables import TurnoverTable, _column, _days, _p, _pct, term_label
from .display import Block, escape
from .month_report import MonthReport
from .needs import needs_data

__all__ = ["FLOW_MONTHS", "TurnoverReport", "TurnoverTable", "term_label"]

#: Months of the headcount flow: the report month and the 24 before it.
FLOW_MONTHS = 25
#: Months of the exit-reason breakdown.
REASON_MONTHS = 12
#: Agents listed as most at risk next month.
AT_RISK_N = 10
#: Tenure (days) a leaver counts as an early leaver in the sentences.
EARLY_DAYS = 90
#: Months since the hire month at which the cohorts' pooled retention is said.
POOLED_MONTHS = 3
#: Statistics of the retention table (the engine's names for RETENTION_DAYS).
RETENTION_STATS = ("median_tenure_days", "retention_30d", "retention_90d", "retention_180d")
#: Texts said instead when the hazard model is of any exit (exits carry no reason).
WITHOUT_REASONS = {
    "turnover.section.hazard": "turnover.section.hazard_any",
    "turnover.explain.hazard": "turnover.explain.hazard_any",
    "turnover.section.at_risk": "turnover.section.at_risk_any",
    "turnover.explain.at_risk": "turnover.explain.at_risk_any",
    "turnover.sentence.at_risk": "turnover.sentence.at_risk_any",
}
#: Columns of the headcount flow table (metric-book names).
FLOW_COLUMNS = ("month", "opening_headcount", "hires", "exits_voluntary", "exits_involuntary",
                "exits_other", "exits", "closing_headcount", "turnover_rate",
                "turnover_rate_voluntary", "turnover_rate_involuntary",
                "turnover_rate_trailing_12m")


@needs_data
class TurnoverReport:
    """The sections of the turnover report for one month, in the report's language.

    Parameters
    ----------
    report : MonthReport
        The report opened by the notebook (``MonthReport.open("turnover", ...)``).

    Examples
    --------
    >>> report = MonthReport.open("turnover", "2025-11", "data/samples")  # doctest: +SKIP
    >>> turnover = TurnoverReport(report)  # doctest: +SKIP
    >>> turnover.summary()  # doctest: +SKIP
    """

    def __init__(self, report: MonthReport):
        self.report = report
        self.month = report.month
        self.lang = report.lang
        self.ds = report.ds

    # -- facts -------------------------------------------------------------------------------

    def text(self, key: str, **values: Any) -> str:
        """A text of this report (``turnover.<key>``) in the report language.

        When the hazard model is of any exit (no exit reasons), the texts that speak of
        quits are replaced by their ``_any`` variants (:data:`WITHOUT_REASONS`).
        """
        return t(self._key(f"turnover.{key}"), self.lang, **values)

    def _key(self, key: str) -> str:
        return WITHOUT_REASONS.get(key, key) if self.any_exit_model else key

    @cached_property
    def any_exit_model(self) -> bool:
        """Whether the hazard model (and the at-risk ranking) is of any exit, not of quits."""
        fits = self.hazard.fits
        return bool(len(fits)) and list(fits["cause"]) == ["any"]

    def note(self, key: str, **values: Any) -> Block:
        """A paragraph (``turnover.<key>``), values escaped."""
        plain = self.text(key, **values)
        safe = {k: escape(v) for k, v in values.items()}
        return Block(f'<p class="csnb-note">{self.text(key, **safe)}</p>', plain)

    def section(self, key: str) -> Block:
        """A section heading (``turnover.section.<key>``)."""
        text = t(self._key(f"turnover.section.{key}"), self.lang)
        return Block(f"<h2>{escape(text)}</h2>", text)

    @cached_property
    def months(self) -> list[str]:
        """The months the data can answer."""
        return data_months(self.ds)

    @cached_property
    def in_data(self) -> bool:
        """Whether the report month is within the data and the dataset has agents."""
        return self.ds.has("agents") and self.month in self.months

    @cached_property
    def agents(self) -> pd.DataFrame:
        """The agents table (empty without one)."""
        if not self.ds.has("agents"):
            return pd.DataFrame(columns=["agent_id", "name", "team", "hire_date", "exit_date",
                                         "exit_reason"])
        return self.ds.frame("agents")

    @cached_property
    def has_reasons(self) -> bool:
        """Whether exits carry an exit reason (else no split by type is possible)."""
        a = self.agents
        if "exit_reason" not in a:
            return False
        exited = a["exit_date"].notna()
        # Nobody ever left: there is nothing to split, and nothing is missing.
        return not exited.any() or bool(a.loc[exited, "exit_reason"].notna().any())

    @cached_property
    def flow_table(self) -> pd.DataFrame:
        """Shop headcount flow of the month and the 24 before (:func:`headcount_table`)."""
        since, until = (self.months[0], self.months[-1]) if self.months else (None, None)
        flow = headcount_table(self.agents, months_ending(self.month, FLOW_MONTHS),
                               since=since, until=until)
        return flow.rename(columns={"opening": "opening_headcount",
                                    "closing": "closing_headcount"})

    @cached_property
    def tenure(self) -> pd.DataFrame:
        """:func:`agent_tenure_table` at the report month."""
        return agent_tenure_table(self.ds, self.month)

    @cached_property
    def retention(self) -> dict[str, RetentionResult]:
        """Kaplan-Meier retention overall (key "all") and by each grouping in the data."""
        out = {"all": fit_retention(self.tenure)}
        for by in GROUP_COLUMNS:
            if by in self.tenure and self.tenure[by].notna().any():
                out[by] = fit_retention(self.tenure, by)
        return out

    @cached_property
    def cox(self) -> CoxResult:
        """:func:`fit_cox` of any exit on shift, team, role, outsourced, base salary."""
        return fit_cox(self.tenure)

    @cached_property
    def hazard(self) -> HazardResult:
        """:func:`fit_exit_hazard` (voluntary and involuntary) up to the report month."""
        return fit_exit_hazard(agent_month_panel(self.ds), self.month,
                               reference={"tenure_band": "365+"})

    @cached_property
    def at_risk(self) -> AtRiskResult:
        """:func:`at_risk_agents`: the agents most likely to quit next month."""
        return at_risk_agents(self.hazard, AT_RISK_N)

    @cached_property
    def chance(self) -> dict[str, Any]:
        """:func:`exit_chance` of the month against the 12 months before it."""
        return exit_chance(self.flow_table, self.month)

    @cached_property
    def leavers_table(self) -> pd.DataFrame:
        """The month's leavers, shortest tenure first.

        Columns agent_id, name, team, shift, role, hire_date, exit_date, tenure_days,
        exit_reason, exit_type.
        """
        cols = ["agent_id", "name", "team", "shift", "role", "hire_date", "exit_date",
                "tenure_days", "exit_reason", "exit_type"]
        if not self.in_data:
            return pd.DataFrame(columns=cols)
        first, last = (pd.Timestamp(d) for d in month_bounds(self.month))
        exit_ = pd.to_datetime(self.agents["exit_date"])
        gone = self.agents.loc[(exit_ >= first) & (exit_ <= last), ["agent_id", "exit_date"]]
        table = self.tenure.merge(gone, on="agent_id", how="inner")
        table["exit_date"] = pd.to_datetime(table["exit_date"]).dt.date
        return table[cols].sort_values(["tenure_days", "agent_id"]).reset_index(drop=True)

    @cached_property
    def reasons_table(self) -> pd.DataFrame:
        """Exits of the last 12 months by exit reason: exit_reason, exits, share."""
        months = months_ending(self.month, REASON_MONTHS)
        first = pd.Timestamp(month_bounds(months[0])[0])
        last = pd.Timestamp(month_bounds(months[-1])[1])
        exit_ = pd.to_datetime(self.agents["exit_date"])
        gone = self.agents[(exit_ >= first) & (exit_ <= last)]
        reason = gone["exit_reason"] if "exit_reason" in gone else pd.Series(dtype=object)
        counts = reason.value_counts()
        rows = [{"exit_reason": r, "exits": int(counts.get(r, 0))} for r in EXIT_REASONS
                if counts.get(r, 0)]
        table = pd.DataFrame(rows, columns=["exit_reason", "exits"])
        table = table.sort_values("exits", ascending=False, kind="stable")
        total = int(len(gone))
        table["share"] = table["exits"] / total if total else np.nan
        table.loc[len(table)] = {"exit_reason": TOTAL, "exits": total,
                                 "share": 1.0 if total else np.nan}
        return table.reset_index(drop=True)

    # -- sentences ---------------------------------------------------------------------------

    @cached_property
    def sentences(self) -> list[str]:
        """This report's own sentences (after :attr:`MonthReport.sentences`)."""
        lang = self.lang
        if not self.in_data:
            first, last = (self.months[0], self.months[-1]) if self.months else ("?", "?")
            return [self.text("sentence.outside", month=self.month, first=first, last=last)]
        out = []
        yoy = self._yoy_sentence()
        if yoy:
            out.append(yoy)
        out.append(self._leaver_sentence())
        chance = self._chance_sentence()
        if chance:
            out.append(chance)
        if not self.has_reasons:
            out.append(self.text("sentence.no_reasons"))
        out.extend(self._driver_sentences())
        risk = self.at_risk.tidy()
        if len(risk):
            top = risk.head(3)
            names = t("sentence.list_sep", lang).join(
                self.text("sentence.at_risk_agent", name=r.name or r.agent_id, team=r.team,
                          probability=_pct(r.probability)) for r in top.itertuples())
            out.append(self.text("sentence.at_risk", names=names))
        return out

    def _yoy_sentence(self) -> str | None:
        head = self.report.headline
        ly = shift_month(self.month, -12)
        shown = set(head.table["metric"])
        if not {"exits", "hires"} <= shown:
            return None
        exits, hires = head.change("exits", "last_year"), head.change("hires", "last_year")
        if not exits.available or not hires.available:
            return self.text("sentence.no_last_year", month=ly)

        def chance(c: Change) -> str:
            if c.notable is None:
                return ""
            return t("sentence.beyond_chance" if c.notable else "sentence.within_chance",
                     self.lang)

        return self.text("sentence.yoy", month=ly,
                         exits=format_value("exits", exits.value, self.lang),
                         exits_before=format_value("exits", exits.previous, self.lang),
                         exits_chance=chance(exits),
                         hires=format_value("hires", hires.value, self.lang),
                         hires_before=format_value("hires", hires.previous, self.lang),
                         hires_chance=chance(hires))

    def _leaver_sentence(self) -> str:
        leavers = self.leavers_table
        if leavers.empty:
            return self.text("sentence.no_leavers")
        days = leavers["tenure_days"].astype(float)
        early = int((days <= EARLY_DAYS).sum())
        kinds = leavers["exit_type"].value_counts()
        split = t("sentence.list_sep", self.lang).join(
            t(f"turnover.sentence.kind_{k}", self.lang, n=int(kinds[k]))
            for k in ("voluntary", "involuntary", "other") if kinds.get(k, 0))
        return self.text("sentence.leavers", n=len(leavers), median=_days(days.median()),
                         shortest=_days(days.min()), longest=_days(days.max()), early=early,
                         early_days=EARLY_DAYS,
                         split=split or self.text("sentence.kind_unknown"))

    def _chance_sentence(self) -> str | None:
        c = self.chance
        if c["expected"] is None or (c["expected"] == 0 and c["exits"] == 0):
            return None  # outside the data, or nobody left in the whole year
        key = ("turnover.sentence.chance_within" if not c["beyond"] else
               f"turnover.sentence.chance_{c['direction']}")
        return t(key, self.lang, exits=c["exits"], avg=f"{c['avg_headcount']:,.1f}",
                         rate=_pct(c["baseline_rate"]), months=c["baseline_months"],
                         expected=f"{c['expected']:.1f}", low=c["low"], high=c["high"])

    def _driver_sentences(self) -> list[str]:
        """Terms of the hazard models whose effect is beyond chance, said as words."""
        out = []
        table = self.hazard.tidy()
        sep = t("sentence.list_sep", self.lang)
        for cause in ("voluntary", "involuntary", "any"):
            rows = table[(table["cause"] == cause) & (table["p_value"] < 0.05)] \
                .sort_values("estimate", ascending=False)
            up, down = rows[rows["estimate"] > 1], rows[rows["estimate"] < 1]
            if len(up):
                items = sep.join(f"{term_label(r.term, self.lang)} (×{r.estimate:.1f})"
                                 for r in up.itertuples())
                out.append(t(f"turnover.sentence.drivers_up_{cause}", self.lang, items=items))
            if len(down):
                items = sep.join(f"{term_label(r.term, self.lang)} (×{r.estimate:.2f})"
                                 for r in down.itertuples())
                out.append(t(f"turnover.sentence.drivers_down_{cause}", self.lang,
                             items=items))
        return out

    def summary(self) -> Block:
        """The opening: the headline's sentences, this report's, how changes are judged."""
        return self.report.summary(self.sentences)

    @property
    def all_sentences(self) -> list[str]:
        """:attr:`MonthReport.sentences`, then :attr:`sentences`."""
        return [*self.report.sentences, *self.sentences]

    def _by(self, by: str) -> str:
        return t(f"turnover.by.{by}", self.lang)

    def _cause(self, cause: str) -> str:
        return t(f"turnover.cause.{cause}", self.lang)

    def _employer(self, outsourced: Any) -> str:
        key = ("turnover.outsourced.true" if str(outsourced).lower() == "true"
               else "turnover.outsourced.false")
        return t(key, self.lang)

    def outside(self) -> Block | None:
        """A note that the month is outside the data (None when it is inside)."""
        if self.in_data:
            return None
        first, last = (self.months[0], self.months[-1]) if self.months else ("?", "?")
        return self.note("sentence.outside", month=self.month, first=first, last=last)

    # -- headcount flow ----------------------------------------------------------------------

    def flow(self) -> TurnoverTable:
        """Headcount flow of the month and the 24 before, newest first.

        Columns :data:`FLOW_COLUMNS`; months the data cannot answer are empty.
        """
        table = self.flow_table[list(FLOW_COLUMNS)].iloc[::-1].reset_index(drop=True)
        return TurnoverTable(table=table, lang=self.lang,
                             formats={"exits_other": "count",
                                      "turnover_rate_voluntary": "rate",
                                      "turnover_rate_involuntary": "rate"})

    def plot_flow(self):
        """Hires and exits by type per month, and the monthly and 12-month rates."""
        from ..plots.turnover import plot_headcount_flow

        labels = {c: _column(c, self.lang) for c in (*FLOW_COLUMNS, "exits_untyped")}
        return _figure(plot_headcount_flow(self.flow_table, labels=labels))

    def teams(self) -> TableResult | Block:
        """This month's flow and rates by team, with the shop total row."""
        return self.report.team_table(["opening_headcount", "hires", "exits",
                                       "exits_voluntary", "exits_involuntary",
                                       "closing_headcount", "turnover_rate",
                                       "turnover_rate_trailing_12m"])

    def plot_team_rates(self):
        """Each team's monthly turnover rate over 24 months (a Figure)."""
        return _figure(self.report.plot_team_trend("turnover_rate"))

    # -- leavers -----------------------------------------------------------------------------

    def leavers(self) -> TurnoverTable | Block:
        """The month's leavers by name (a note when nobody left or outside the data)."""
        if not self.in_data:
            return self.outside() or self.note("no_leavers")
        if self.leavers_table.empty:
            return self.note("no_leavers")
        table = self.leavers_table.drop(columns=["exit_type", "role"])
        return TurnoverTable(table=table, lang=self.lang,
                             formats={"tenure_days": "days", "exit_reason": "reason"})

    def exit_reasons(self) -> TurnoverTable | Block:
        """Exits of the last 12 months by reason, with shares (a note without reasons)."""
        if not self.has_reasons:
            return self.note("no_reasons")
        return TurnoverTable(table=self.reasons_table, lang=self.lang,
                             formats={"exits": "count", "share": "rate"})

    # -- Kaplan-Meier ------------------------------------------------------------------------

    def retention_table(self) -> TurnoverTable:
        """Median tenure and 30/90/180-day retention with 95% CIs, per grouping and group.

        Columns by, group, agents, exits, too_small, median_tenure_days (and _ci_low,
        _ci_high), retention_30d ... (each with _ci_low, _ci_high), logrank_p (of the
        grouping).
        """
        rows = []
        for by, res in self.retention.items():
            for group, part in res.summary.groupby("group", sort=False):
                row: dict[str, Any] = {"by": by, "group": group,
                                       "agents": int(part["agents"].iloc[0]),
                                       "exits": int(part["exits"].iloc[0]),
                                       "too_small": bool(part["too_small"].iloc[0])}
                for r in part.itertuples():
                    row[r.statistic] = r.estimate
                    row[f"{r.statistic}_ci_low"] = r.ci_low
                    row[f"{r.statistic}_ci_high"] = r.ci_high
                row["logrank_p"] = res.logrank.get("p_value")
                rows.append(row)
        stats = list(RETENTION_STATS)
        cols = ["by", "group", "agents", "exits", "too_small",
                *[c for s in stats for c in (s, f"{s}_ci_low", f"{s}_ci_high")], "logrank_p"]
        table = pd.DataFrame(rows, columns=cols)
        formats: dict[str, Any] = {"group": "label", "logrank_p": "p"}
        for s in stats:
            kind = "days" if s == "median_tenure_days" else "rate"
            formats[s] = (s, f"{s}_ci_low", f"{s}_ci_high", kind)
        table["by"] = [self._by(b) for b in table["by"]]
        table["group"] = [self.text("all") if g == "all" else g for g in table["group"]]
        table["group"] = [self._employer(g) if b == self._by("outsourced") else g
                          for b, g in zip(table["by"], table["group"], strict=True)]
        return TurnoverTable(table=table, lang=self.lang, formats=formats, small="too_small")

    def plot_retention(self):
        """Kaplan-Meier curves with 95% bands: overall, then one panel per grouping."""
        import matplotlib.pyplot as plt

        from ..plots.theme import theme
        from ..plots.turnover import plot_retention

        items = list(self.retention.items())
        ncols = 2
        nrows = math.ceil(len(items) / ncols)
        with theme():
            fig, axes = plt.subplots(nrows, ncols, figsize=(11, 3.6 * nrows), squeeze=False)
        for ax, (by, res) in zip(axes.flat, items, strict=False):
            curves = res.tidy()
            if by == "outsourced":
                curves["group"] = [self._employer(g) for g in curves["group"]]
            if by == "all":
                curves["group"] = self.text("all")
            plot_retention(curves, ax=ax, lang=self.lang, title=self._by(by),
                           xlabel=self.text("axis.days"), ylabel=self.text("axis.employed"),
                           small_note=self.text("too_small"))
        for ax in list(axes.flat)[len(items):]:
            ax.set_visible(False)
        with theme():
            fig.tight_layout()
        return _figure(fig)

    # -- cohorts -----------------------------------------------------------------------------

    def cohorts(self) -> pd.DataFrame:
        """:func:`cohort_retention_table` of the 12 hire months ending the report month."""
        return cohort_retention_table(self.agents, self.month)

    def plot_cohorts(self):
        """The hire-cohort retention heatmap (hire month x months since hire)."""
        from ..plots.turnover import plot_cohort_heatmap

        table = self.cohorts()
        if table.empty:
            return self.note("no_cohorts")
        ax = plot_cohort_heatmap(table, xlabel=self.text("axis.months_since_hire"),
                                 ylabel=self.text("axis.hire_month"))
        return _figure(ax)

    def cohort_notes(self) -> Block | None:
        """What the heatmap's small rows can say, and the hires' pooled 3-month retention.

        A hire month of fewer than :data:`MIN_AGENTS` agents moves by more than ten points
        with one exit, so the note counts those months and gives the share of all hires
        still employed at the end of their third month after the hire month (pooled over
        the hire months observed that long). None when nobody was hired.
        """
        table = self.cohorts()
        if table.empty:
            return None
        sizes = table.drop_duplicates("hire_month")["cohort_size"]
        parts = []
        small = int((sizes < MIN_AGENTS).sum())
        if small:
            parts.append(self.text("cohorts_small", small=small, cohorts=len(sizes),
                                   min=MIN_AGENTS))
        k3 = table[table["months_since_hire"] == POOLED_MONTHS]
        if len(k3):
            hired, employed = int(k3["cohort_size"].sum()), int(k3["employed"].sum())
            parts.append(self.text("cohorts_pooled", months=len(k3), hired=hired,
                                   employed=employed, share=_pct(employed / hired),
                                   k=POOLED_MONTHS))
        if not parts:
            return None
        text = " ".join(parts)
        return Block(f'<p class="csnb-note">{escape(text)}</p>', text)

    # -- Cox ---------------------------------------------------------------------------------

    def cox_table(self) -> TurnoverTable | Block:
        """Hazard ratios of the Cox model with 95% CIs, p-values and the PH test per term."""
        table = self.cox.tidy()
        if table.empty:
            return self.note("model_not_fitted", exits=self.cox.exits)
        table = table[["term", "estimate", "ci_low", "ci_high", "p_value", "ph_p_value",
                       "ph_violated"]].rename(columns={"estimate": "hazard_ratio"})
        return TurnoverTable(table=table, lang=self.lang,
                             formats={"term": "term",
                                      "hazard_ratio": ("hazard_ratio", "ci_low", "ci_high",
                                                       "ratio"),
                                      "p_value": "p", "ph_p_value": "p",
                                      "ph_violated": "bool"})

    def plot_cox(self):
        """Forest plot of the Cox hazard ratios (labelled terms); None when not fitted."""
        from ..plots.turnover import plot_hazard_ratios

        table = self.cox.tidy()
        if table.empty:
            return None
        table["term"] = [term_label(x, self.lang) for x in table["term"]]
        ax = plot_hazard_ratios(table, xlabel=self.text("axis.hazard_ratio"))
        return _figure(ax)

    def cox_notes(self) -> Block:
        """The reference levels, what was left out, and the PH check said in words."""
        parts = [self._reference_text(self.cox.reference),
                 self.text("cox_counts", agents=self.cox.agents, exits=self.cox.exits)]
        if self.cox.dropped:
            parts.append(self._dropped_text(self.cox.dropped))
        ph = self.cox.ph_test
        if not ph.empty:
            bad = ph[(ph["term"] != "GLOBAL") & ph["violated"].astype(bool)]
            glob = ph[ph["term"] == "GLOBAL"]
            gp = float(glob["p_value"].iloc[0]) if len(glob) else float("nan")
            if bad.empty:
                parts.append(self.text("ph_ok", p=_p(gp)))
            else:
                terms = t("sentence.list_sep", self.lang).join(
                    f"{term_label(r.term, self.lang)} (p {_p(r.p_value)})"
                    for r in bad.itertuples())
                parts.append(self.text("ph_violated", terms=terms, p=_p(gp)))
        text = " ".join(parts)
        return Block(f'<p class="csnb-note">{escape(text)}</p>', text)

    # -- discrete-time hazard ----------------------------------------------------------------

    def hazard_table(self) -> TurnoverTable | Block:
        """Odds ratios of the discrete-time hazard by exit type, 95% CIs (agent-clustered)."""
        table = self.hazard.tidy()
        if table.empty:
            return self.note("model_not_fitted",
                             exits=int(self.hazard.fits["exits"].sum())
                             if len(self.hazard.fits) else 0)
        table = table[["cause", "term", "estimate", "ci_low", "ci_high", "p_value"]] \
            .rename(columns={"estimate": "odds_ratio"})
        table["cause"] = [self._cause(c) for c in table["cause"]]
        return TurnoverTable(table=table, lang=self.lang,
                             formats={"term": "term",
                                      "odds_ratio": ("odds_ratio", "ci_low", "ci_high",
                                                     "ratio"),
                                      "p_value": "p"})

    def plot_hazard(self):
        """One forest plot per exit type fitted, side by side; None when nothing was fitted."""
        import matplotlib.pyplot as plt

        from ..plots.coefficients import plot_coefficients
        from ..plots.theme import theme
        from ..plots.turnover import plain_ratio_axis

        table = self.hazard.tidy()
        causes = [c for c in dict.fromkeys(table["cause"])]
        if not causes:
            return None
        with theme():
            fig, axes = plt.subplots(1, len(causes), figsize=(6 * len(causes), 4.5),
                                     squeeze=False)
        for ax, cause in zip(axes.flat, causes, strict=True):
            rows = table[table["cause"] == cause].copy()
            rows["term"] = [term_label(x, self.lang) for x in rows["term"]]
            plot_coefficients(rows, ax=ax, xlabel=self.text("axis.odds_ratio"),
                              title=self._cause(cause))
            plain_ratio_axis(ax)
        with theme():
            fig.tight_layout()
        return _figure(fig)

    def hazard_notes(self) -> Block:
        """Reference levels, the rows and exits each model used, and what was left out."""
        parts = [self._reference_text(self.hazard.reference)]
        for r in self.hazard.fits.itertuples():
            key = "hazard_fit" if r.fitted else "hazard_not_fitted"
            parts.append(self.text(key, cause=self._cause(r.cause), rows=r.rows,
                                   agents=r.agents, exits=r.exits))
            if r.dropped:
                parts.append(self._dropped_text(r.dropped))
        text = " ".join(parts)
        return Block(f'<p class="csnb-note">{escape(text)}</p>', text)

    def _reference_text(self, reference: dict[str, str]) -> str:
        if not reference:
            return ""
        items = t("sentence.list_sep", self.lang).join(
            term_label(f"{k}={v}", self.lang) for k, v in reference.items())
        return self.text("reference", items=items)

    def _dropped_text(self, dropped: dict[str, str]) -> str:
        items = t("sentence.list_sep", self.lang).join(
            f"{term_label(k, self.lang)} ({t(f'turnover.dropped.{_reason_key(v)}', self.lang)})"
            for k, v in dropped.items())
        return self.text("dropped", items=items)

    # -- at risk -----------------------------------------------------------------------------

    def at_risk_table(self) -> TurnoverTable | Block:
        """The agents most likely to quit next month, with their main drivers."""
        table = self.at_risk.tidy()
        if table.empty:
            return self.note("at_risk_none")
        # Without exit reasons the probability is of any exit, and its column says so.
        prob = "probability_any" if self.any_exit_model else "probability"
        return TurnoverTable(table=table.rename(columns={"probability": prob}), lang=self.lang,
                             formats={"tenure_days": "days", prob: "rate", "drivers": "terms"})

    # -- output ------------------------------------------------------------------------------

    def results(self) -> dict[str, Any]:
        """Keys to add to the report's JSON (see docs/results-json.md and issue 7).

        sentences (all of the report's, headline first), in_data, exit_chance, flow (the
        25 months), leavers, exit_reasons, km (overall: median_tenure_days, retention_30d,
        retention_90d, retention_180d as {estimate, ci_low, ci_high}; agents, exits),
        retention (each grouping's groups and log-rank test), cohorts, cox, cox_reference,
        cox_ph, cox_dropped, hazard, hazard_reference, hazard_fits, hazard_link, at_risk.
        """
        leavers = [{"agent_id": r.agent_id, "team": r.team,
                    "tenure_days": int(r.tenure_days), "exit_reason": r.exit_reason,
                    "exit_date": str(r.exit_date)} for r in self.leavers_table.itertuples()]
        km = self.retention["all"].to_json()
        out: dict[str, Any] = {
            "sentences": self.all_sentences,
            "in_data": self.in_data,
            "exit_chance": self.chance,
            "flow": _records(self.flow_table[list(FLOW_COLUMNS)]),
            "leavers": leavers,
            "exit_reasons": _records(self.reasons_table) if self.has_reasons else [],
            "km": {k: v for k, v in km.items() if k not in ("by", "logrank", "groups")},
            "retention": {by: res.to_json() for by, res in self.retention.items()
                          if by != "all"},
            "cohorts": _records(self.cohorts()),
            **self.cox.to_json(),
            **self.hazard.to_json(),
            **self.at_risk.to_json(),
        }
        return _clean(out)


def _figure(drawn: Any) -> Any:
    """The Figure of what a plot function drew, released from pyplot.

    The notebook shows the returned Figure as the cell's result; a Figure still open in
    pyplot would be shown a second time by the inline backend.
    """
    import matplotlib.pyplot as plt

    fig = getattr(drawn, "figure", drawn)
    plt.close(fig)
    return fig


def _reason_key(reason: str) -> str:
    if "no exits" in reason:
        return "no_exits"
    if "only exits" in reason:
        return "only_exits"
    if "same for every" in reason:
        return "constant"
    if "determined" in reason:
        return "collinear"
    return "absent"


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): json_value(v) for k, v in row.items()}
            for row in df.to_dict(orient="records")]


def _clean(value: Any) -> Any:
    """JSON-able values: NaN and infinities become None, numpy scalars Python."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_clean(v) for v in value.tolist()]
    if isinstance(value, str | bool) or value is None:
        return value
    return json_value(value)
