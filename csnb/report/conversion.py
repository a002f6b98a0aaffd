"""The conversion report's sections (issue 8): what ``notebooks/conversion.ipynb`` shows.

:class:`ConversionReport` wraps a :class:`~csnb.report.MonthReport` of the conversion area
and returns, section by section, text blocks, tables (:class:`ConversionTable`, a
:class:`~csnb.analyses.TableResult` labelled with the report's own column texts) and
figures, all computed by :mod:`csnb.analyses.conversion`:

1. what happened: the month's sentences, then the lever that moved sales, whether
   conversion's change is beyond chance, what a faster first response is worth, promotion
   days, and who is behind or only unlucky;
2. the scorecard (Qianniu/赤兔 view) by team and by agent, with ranks and a total row;
3. the LMDI decomposition of the change in credited sales, overall and by team;
4. the logistic model of conversion (odds ratios, marginal effects, the shape of first
   response, the what-if);
5. the fair (shrunk) leaderboard;
6. inquiries and first response by weekday and hour.

Every text is in :mod:`csnb._texts.conversion`; every number comes from a tested function.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from ..analyses.base import TOTAL, TableResult, json_value, records
from ..analyses.compare import compare
from ..analyses.conversion import (
    ConversionModelResult,
    DecompositionResult,
    ResponseGridResult,
    ScorecardResult,
    ShrinkageResult,
    decompose_sales_change,
    fit_conversion_model,
    response_grid,
    scorecard_table,
    shrink_agent_rates,
)
from ..errors import check_one_of
from ..i18n import METRICS, TEXT, column_label, format_value, metric_label, t, value_label
from ..metrics import FIGURE_NEEDS, UNKNOWN_TEAM, lacking
from ..plots.conversion import WEEKDAY_TEXTS
from .display import Block, escape
from .month_report import MonthReport
from .needs import needs_data, section_needs
from .sentences import promotions_in

__all__ = ["ConversionReport", "ConversionTable"]

#: How the report's own columns (not metric-book figures) are shown.
UNITS: dict[str, str] = {
    "median_first_response_s": "seconds", "p90_first_response_s": "seconds",
    "avg_response_s": "seconds", "satisfaction_rate": "rate", "sales_last_month": "money",
    "sales": "money", "inquiries_effect": "money", "conversion_effect": "money",
    "value_effect": "money", "total_change": "money", "odds_ratio": "ratio", "ame": "points",
    "p_value": "p", "n": "count", "converted": "count", "observed_rate": "rate",
    "shrunk_rate": "rate", "p_bottom": "rate", "rank": "rank", "raw_rank": "rank",
    "shrunk_rank": "rank",
}

#: Points of conversion are percentage points: effects are stored as shares.
_POINTS = 100.0


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _format(col: str, value: Any, lang: str) -> str:
    """A cell of a conversion table, formatted by its column's unit."""
    if isinstance(value, str):
        return value_label(value, lang) if value in (TOTAL, UNKNOWN_TEAM) else value
    if col in METRICS:
        return "" if _missing(value) else format_value(col, value, lang)
    if _missing(value):
        return ""
    unit = UNITS.get(col)
    v = float(value)
    if unit == "seconds":
        return format_value("avg_first_response_s", v, lang)
    if unit in ("rate", "money", "count"):
        metric = {"rate": "conversion_rate", "money": "credited_sales",
                  "count": "inquiries"}[unit]
        if unit == "money" and col.endswith(("effect", "change")):
            return ("+" if v >= 0 else "-") + format_value(metric, abs(v), lang)
        return format_value(metric, v, lang)
    if unit == "ratio":
        return f"{v:.2f}"
    if unit == "points":
        return f"{_POINTS * v:+.1f}"
    if unit == "p":
        return "<0.001" if v < 0.001 else f"{v:.3f}"
    if unit == "rank":
        return f"{v:.0f}"
    return f"{v:,.4g}"


#: Halves of the scorecard a report shows (a whole one is wider than a laptop screen).
SCORECARD_PARTS = (None, "sales", "service")
_PART_COLUMNS = {
    "sales": ("inquiries", "converted_inquiries", "conversion_rate", "credited_sales",
              "order_value"),
    "service": ("avg_first_response_s", "median_first_response_s", "p90_first_response_s",
                "avg_response_s", "fast_response_rate"),
}


@dataclass(frozen=True)
class ConversionTable(TableResult):
    """A table of the conversion report: raw values in ``tidy()``, labelled for display.

    Columns are labelled by ``conversion.col.<column>`` texts when they exist, else as a
    :class:`TableResult` labels them; cells are formatted by :data:`UNITS` (metric-book
    figures by their unit). ``hidden`` columns stay in ``tidy()`` but are not displayed.
    """

    hidden: tuple[str, ...] = field(default=(), repr=False)

    def display_table(self) -> pd.DataFrame:
        """The table with labelled columns and formatted values."""
        lang = self.lang
        shown = {}
        for col in self.table.columns:
            if col in self.hidden:
                continue
            label = column_label(str(col), lang, prefix="conversion")
            shown[label] = [_format(str(col), v, lang) for v in self.table[col]]
        return pd.DataFrame(shown, index=range(len(self.table)))


@needs_data
class ConversionReport:
    """The sections of the conversion report for one month, dataset and language.

    Parameters
    ----------
    report : MonthReport
        The notebook's report (``MonthReport.open("conversion", ...)``).

    Examples
    --------
    >>> report = MonthReport.open("conversion", "2025-11", "data/samples")  # doctest: +SKIP
    >>> conversion = ConversionReport(report)  # doctest: +SKIP
    >>> conversion.summary()  # doctest: +SKIP
    """

    def __init__(self, report: MonthReport) -> None:
        self.report = report
        self.ds = report.ds
        self.month = report.month
        self.lang = report.lang

    # -- results of the analyses -----------------------------------------------------------

    @cached_property
    def agent_scorecard_result(self) -> ScorecardResult:
        """:func:`scorecard_table` of the agents (total row last)."""
        return scorecard_table(self.ds, self.month, "agent")

    @cached_property
    def team_scorecard_result(self) -> ScorecardResult:
        """:func:`scorecard_table` of the teams (total row last)."""
        return scorecard_table(self.ds, self.month, "team")

    @cached_property
    def decomposition_result(self) -> DecompositionResult:
        """:func:`decompose_sales_change` by team, then the shop."""
        return decompose_sales_change(self.ds, self.month, by="team")

    @cached_property
    def model_result(self) -> ConversionModelResult:
        """:func:`fit_conversion_model` of the month (promotion days from the settings)."""
        with warnings.catch_warnings():
            # Separation warnings of sparse levels are handled by pooling (see notes).
            warnings.simplefilter("ignore")
            return fit_conversion_model(self.ds, self.month)

    @cached_property
    def contrast(self) -> dict[str, float]:
        """What answering in 30 s instead of 90 s is worth (``response_contrast``)."""
        return self.model_result.response_contrast(30.0, 90.0)

    @cached_property
    def shrinkage_result(self) -> ShrinkageResult:
        """:func:`shrink_agent_rates` toward each team (bottom share from the settings)."""
        return shrink_agent_rates(self.ds, self.month)

    @cached_property
    def grid_result(self) -> ResponseGridResult:
        """:func:`response_grid` of the month."""
        return response_grid(self.ds, self.month)

    # -- text --------------------------------------------------------------------------------

    def text(self, key: str, **values: Any) -> str:
        """A text of the report in its language."""
        return t(key, self.lang, **values)

    def section(self, key: str) -> Block:
        """A section heading (h2)."""
        return self.report.section(key)

    def heading(self, key: str) -> Block:
        """A sub-heading (h3)."""
        text = self.text(key)
        return Block(f"<h3>{escape(text)}</h3>", text)

    def _note(self, text: str) -> Block:
        return Block.paragraph(text)

    @staticmethod
    def _figure(drawn):
        """The Figure of what a plot function drew, detached from pyplot.

        A notebook displays the returned Figure itself; closing it in pyplot keeps the
        inline backend from showing it a second time (or losing it between cells).
        """
        if drawn is None:
            return Block("", "")
        import matplotlib.pyplot as plt

        fig = drawn if hasattr(drawn, "savefig") else drawn.figure
        plt.close(fig)
        return fig

    # -- 1. what happened ----------------------------------------------------------------------

    @cached_property
    def sentences(self) -> list[str]:
        """This report's sentences (after :attr:`MonthReport.sentences`), from the numbers."""
        out = [s for s in (self._decomposition_sentence(), self._conversion_chance_sentence())
               if s]
        out += self._model_sentences()
        out += self._leaderboard_sentences()
        rank = self._rank_sentence()
        if rank:
            out.append(rank)
        grid = self._grid_sentence()
        if grid:
            out.append(grid)
        return out

    def all_sentences(self) -> list[str]:
        """The month's sentences, then this report's."""
        return [*self.report.sentences, *self.sentences]

    def summary(self) -> Block:
        """The opening: the headline's sentences, this report's, how changes are judged."""
        return self.report.summary(self.sentences)

    def _money(self, value: float, signed: bool = True) -> str:
        text = format_value("credited_sales", abs(value), self.lang)
        if not signed:
            return text
        return ("+" if value >= 0 else "-") + text

    def _points(self, value: float, signed: bool = False) -> str:
        return f"{_POINTS * value:+.1f}" if signed else f"{_POINTS * abs(value):.1f}"

    def _decomposition_sentence(self) -> str | None:
        shop = self.decomposition_result.shop()
        if shop["method"] == "missing" or shop["total"] is None:
            return self.text("conversion.sentence.decomposition_missing")
        parts = {k: float(shop[k] or 0.0) for k in ("inquiries", "conversion", "value")}
        total = float(shop["total"])
        # The lever is the part that went the way of the total and is largest that way.
        sign = 1.0 if total >= 0 else -1.0
        lever = max(parts, key=lambda k: sign * parts[k])
        return self.text("conversion.sentence.decomposition", total=self._money(total),
                         inquiries=self._money(parts["inquiries"]),
                         conversion=self._money(parts["conversion"]),
                         value=self._money(parts["value"]),
                         lever=self.text(f"conversion.lever.{lever}"))

    def _conversion_chance_sentence(self) -> str | None:
        row = self.decomposition_result.table
        row = row[row["group"] == "shop"].iloc[0]
        if row["method"] != "lmdi":
            return None
        n1, n0 = float(row["inquiries"]), float(row["inquiries_last_month"])
        r1, r0 = float(row["conversion_rate"]), float(row["conversion_rate_last_month"])
        change = compare("conversion_rate", r1, r0,
                         {"converted_inquiries": round(r1 * n1), "inquiries": n1},
                         {"converted_inquiries": round(r0 * n0), "inquiries": n0})
        if change.notable is None:
            return None
        key = ("conversion.sentence.conversion_beyond_chance" if change.notable
               else "conversion.sentence.conversion_within_chance")
        return self.text(key, previous=format_value("conversion_rate", r0, self.lang),
                         value=format_value("conversion_rate", r1, self.lang),
                         n=format_value("inquiries", n1, self.lang))

    def _model_sentences(self) -> list[str]:
        m = self.model_result
        if m.model is None:
            return []
        out = []
        daily = m.kind == "agent_day"
        if daily:
            out.append(self.text("conversion.sentence.model_daily"))
        c = self.contrast
        if not _missing(c["difference"]):
            # An interval across zero is no evidence either way: say so, not "0.0 points".
            # The agent-day model's first response is a day's average, and is said so.
            clear = c["ci_low"] > 0 or c["ci_high"] < 0
            key = {(False, True): "conversion.sentence.response",
                   (False, False): "conversion.sentence.response_unclear",
                   (True, True): "conversion.sentence.response_daily",
                   (True, False): "conversion.sentence.response_daily_unclear"}[daily, clear]
            out.append(self.text(
                key, fast_s=f"{c['fast_s']:g}",
                slow_s=f"{c['slow_s']:g}", points=self._points(c["difference"]),
                low=self._points(c["ci_low"], True), high=self._points(c["ci_high"], True)))
        w = m.what_if
        if not _missing(w.get("estimate")):
            fmt = lambda v: format_value("conversion_rate", v, self.lang)  # noqa: E731
            out.append(self.text("conversion.sentence.what_if_daily" if daily
                                 else "conversion.sentence.what_if",
                                 estimate=fmt(w["estimate"]),
                                 low=fmt(w["ci_low"]), high=fmt(w["ci_high"]),
                                 baseline=fmt(w["baseline"])))
        coefs = m.coefficients.set_index("term")
        promos = promotions_in(self.month, self.ds.settings)
        if "promotion_day" in coefs.index and promos:
            r = coefs.loc["promotion_day"]
            if r["p_value"] < 0.05:
                names = t("sentence.list_sep", self.lang).join(n for n, _, _ in promos)
                out.append(self.text(
                    "conversion.sentence.promotion_effect", names=names,
                    points=self._points(r["ame"]),
                    way=self.text("conversion.way.higher" if r["ame"] > 0
                                  else "conversion.way.lower"),
                    low=self._points(r["ame_ci_low"], True),
                    high=self._points(r["ame_ci_high"], True)))
        if "tenure_band[0-29]" in coefs.index:
            r = coefs.loc["tenure_band[0-29]"]
            if r["p_value"] < 0.05 and m.references.get("tenure_band") == "90-364":
                out.append(self.text(
                    "conversion.sentence.new_agents", points=self._points(r["ame"]),
                    way=self.text("conversion.way.higher" if r["ame"] > 0
                                  else "conversion.way.lower"),
                    low=self._points(r["ame_ci_low"], True),
                    high=self._points(r["ame_ci_high"], True)))
        return out

    def _share(self) -> str:
        return f"{100 * self.shrinkage_result.bottom_share:.0f}%"

    def _name(self, row) -> str:
        name = row["name"]
        return str(name) if isinstance(name, str) and name else str(row["agent_id"])

    def _leaderboard_sentences(self) -> list[str]:
        table = self.shrinkage_result.table
        if table.empty:
            return []
        sep = t("sentence.list_sep", self.lang)
        out = []
        behind = table[table["p_bottom"] >= 0.5].sort_values("p_bottom", ascending=False)
        if len(behind):
            names = sep.join(self.text("conversion.agent_behind", name=self._name(r),
                                       team=r["team"], p=f"{100 * r['p_bottom']:.0f}%")
                             for _, r in behind.iterrows())
            out.append(self.text("conversion.sentence.behind", share=self._share(),
                                 names=names))
        else:
            out.append(self.text("conversion.sentence.nobody_behind", share=self._share()))
        unlucky = table[table["raw_bottom"] & (table["p_bottom"] < 0.5)]
        if len(unlucky):
            names = sep.join(self.text("conversion.agent_unlucky", name=self._name(r),
                                       team=r["team"], n=f"{int(r['inquiries']):,}")
                             for _, r in unlucky.sort_values("inquiries").iterrows())
            out.append(self.text("conversion.sentence.unlucky", names=names))
        return out

    def _rank_sentence(self, places: int = 3, most: int = 3) -> str | None:
        rows = self.agent_scorecard_result.table
        falls = rows[~rows["total"] & (rows["rank_change"] <= -places)]
        if falls.empty:
            return None
        falls = falls.sort_values(["rank_change", "agent_id"]).head(most)
        names = t("sentence.list_sep", self.lang).join(
            self.text("conversion.agent_rank", name=self._name(r), team=r["team"],
                      before=f"{r['rank_last_month']:.0f}", now=f"{r['rank']:.0f}")
            for _, r in falls.iterrows())
        return self.text("conversion.sentence.rank_falls", names=names)

    def _grid_sentence(self, most: int = 3) -> str | None:
        """Weekday-hour slots whose fast-response rate is below its target beyond chance."""
        target = self.ds.settings.targets.get("fast_response_rate")
        if target is None:
            return None
        cells = self.grid_result.below_target(float(target))
        if cells.empty:
            return None
        fast = metric_label("fast_response_rate", self.lang)
        shown = format_value("fast_response_rate", float(target), self.lang)
        below = cells[cells["below"]]
        if below.empty:
            return self.text("conversion.sentence.grid_met", fast=fast, target=shown)
        slots = t("sentence.list_sep", self.lang).join(
            self.text("conversion.grid_slot", day=self.text(WEEKDAY_TEXTS[int(r["weekday"])]),
                      hour=int(r["hour"]), n=f"{int(r['counted_sessions']):,}",
                      rate=format_value("fast_response_rate", r["fast_response_rate"],
                                        self.lang))
            for _, r in below.head(most).iterrows())
        return self.text("conversion.sentence.grid_below", fast=fast, target=shown,
                         k=len(below), n=len(cells), slots=slots)

    # -- 2. scorecard --------------------------------------------------------------------------

    def scorecard_note(self) -> Block:
        """How the scorecard counts, the threshold of the fast-response rate, provisional."""
        s = self.ds.settings
        # Without sessions the response figures are the daily exports' own, averaged.
        key = "conversion.note.scorecard" if self.ds.has("sessions") else \
            "conversion.note.scorecard_daily"
        text = self.text(key, cap=f"{s.response_cap_s:g}",
                         threshold=f"{s.fast_response_s:g}",
                         fast=metric_label("fast_response_rate", self.lang))
        parts = [text]
        if not self._has_ratings():
            parts.append(self.text("conversion.note.satisfaction_missing"))
        html = "".join(f"<p>{escape(p)}</p>" for p in parts)
        if self.agent_scorecard_result.provisional:
            warn = self.text("conversion.note.provisional", lag=s.lag_days)
            parts.append(warn)
            html += f'<p class="csnb-provisional">{escape(warn)}</p>'
        return Block(html, "\n".join(parts))

    def _has_ratings(self) -> bool:
        rated = self.agent_scorecard_result.table["rated_sessions"]
        return bool(pd.to_numeric(rated, errors="coerce").fillna(0).sum() > 0)

    def _scorecard_columns(self, part: str | None = None) -> list[str]:
        cols = ["inquiries", "converted_inquiries", "conversion_rate", "credited_sales",
                "order_value", "avg_first_response_s", "median_first_response_s",
                "p90_first_response_s", "avg_response_s", "fast_response_rate"]
        if part is not None:
            cols = [c for c in cols if c in _PART_COLUMNS[part]]
        if not self.ds.has("sessions"):
            # Daily exports give neither quantiles of first response nor paying customers:
            # a column of n/a says nothing (the headline names what these figures need).
            dropped = {"median_first_response_s", "p90_first_response_s"}
            dropped |= {c for c in cols if lacking(FIGURE_NEEDS.get(c, ()), self.ds.tables)}
            cols = [c for c in cols if c not in dropped]
        rated = self._has_ratings() and part in (None, "service")
        return [*cols, "satisfaction_rate"] if rated else cols

    def _conversion_change(self, row) -> str:
        change = compare("conversion_rate", row["conversion_rate"],
                         row["conversion_rate_last_month"])
        if not change.available:
            return ""
        mark = " *" if row["conversion_change_p_value"] < 0.05 else ""
        return change.text(self.lang) + mark

    def _rank_change(self, row) -> str:
        if _missing(row["rank"]):
            return self.text("conversion.unranked") if not row["total"] else ""
        if _missing(row["rank_last_month"]):
            return self.text("conversion.new")
        d = int(row["rank_change"])
        return f"▲{d}" if d > 0 else f"▼{-d}" if d < 0 else "■"

    def team_scorecard(self, part: str | None = None) -> ConversionTable:
        """The teams' scorecard, the shop's total row last (equal to the headline).

        Parameters
        ----------
        part : {None, "sales", "service"}
            Every column (None), or the half a report shows side by side with the agents'
            (see :meth:`agent_scorecard`).
        """
        check_one_of("part", part, SCORECARD_PARTS)
        rows = self.team_scorecard_result.table
        table = pd.DataFrame({"team": [TOTAL if tm_total else str(tm) for tm, tm_total in
                                       zip(rows["team"], rows["total"], strict=True)]})
        for col in self._scorecard_columns(part):
            table[col] = rows[col].to_numpy()
        if part != "service":
            table["conversion_change"] = [self._conversion_change(r)
                                          for _, r in rows.iterrows()]
        return ConversionTable(table=table, lang=self.lang)

    def agent_scorecard(self, part: str | None = None) -> ConversionTable:
        """Every agent's scorecard with name, rank in team and change of rank; total last.

        Parameters
        ----------
        part : {None, "sales", "service"}
            Every column (None: the analyst's table), or half of them so that the table
            fits a laptop screen: ``"sales"`` (inquiries, paying customers, conversion and
            its change, sales, order value, rank and its change) or ``"service"`` (first
            response mean, median and P90, average response, fast-response rate,
            satisfaction). Both halves keep team and name.
        """
        check_one_of("part", part, SCORECARD_PARTS)
        rows = self.agent_scorecard_result.table
        table = pd.DataFrame({
            "team": [TOTAL if tot else str(tm) for tm, tot in
                     zip(rows["team"], rows["total"], strict=True)],
            "name": ["" if tot else (n if isinstance(n, str) and n else str(a))
                     for n, a, tot in zip(rows["name"], rows["agent_id"], rows["total"],
                                          strict=True)],
            "agent_id": ["" if tot else str(a) for a, tot in
                         zip(rows["agent_id"], rows["total"], strict=True)],
        })
        for col in self._scorecard_columns(part):
            table[col] = rows[col].to_numpy()
        if part != "service":
            table["conversion_change"] = [self._conversion_change(r)
                                          for _, r in rows.iterrows()]
            table["rank"] = rows["rank"].to_numpy()
            table["rank_change"] = [self._rank_change(r) for _, r in rows.iterrows()]
        hidden: tuple[str, ...] = ("agent_id",)
        if not self.ds.has("agents"):
            # No roster: every agent's team is unknown (the team table has that one line)
            # and nobody is ranked (the ranking needs whole months of employment).
            hidden += tuple(c for c in ("team", "rank", "rank_change") if c in table)
        return ConversionTable(table=table, lang=self.lang, hidden=hidden)

    # -- 3. decomposition ----------------------------------------------------------------------

    def decomposition_note(self) -> Block:
        """How the change of credited sales is split."""
        return self._note(self.text("conversion.note.decomposition"))

    def decomposition(self) -> ConversionTable:
        """The parts of the change in credited sales per team, then the shop (total row)."""
        d = self.decomposition_result.table
        cols = ["sales_last_month", "sales", "inquiries_effect", "conversion_effect",
                "value_effect", "total_change"]
        table = pd.DataFrame({"group": [TOTAL if g == "shop" else str(g) for g in d["group"]]})
        for col in cols:
            table[col] = d[col].to_numpy()
        return ConversionTable(table=table, lang=self.lang)

    def plot_waterfall(self, ax=None):
        """The shop's waterfall: last month, the three parts, this month."""
        from ..plots.conversion import plot_waterfall

        return self._figure(plot_waterfall(self.decomposition_result.table, group="shop",
                                           ax=ax, lang=self.lang))

    def plot_waterfall_by_team(self):
        """One waterfall per team (small multiples)."""
        from ..plots.conversion import plot_waterfall

        d = self.decomposition_result.table
        teams = d[d["group"] != "shop"]
        if teams.empty:
            return Block("", "")
        return self._figure(plot_waterfall(teams, lang=self.lang))

    # -- 4. model ------------------------------------------------------------------------------

    def model_note(self) -> Block:
        """What was fitted, on how many inquiries and agents, and how to read it."""
        m = self.model_result
        if m.model is None:
            return self._note(self.text("conversion.note.model_not_fitted"))
        if m.kind == "agent_day":
            return self._note(self.text("conversion.note.model_daily", n=f"{m.n_obs:,}",
                                        agents=m.n_agents,
                                        fast=metric_label("fast_response_rate", self.lang)))
        sep = t("sentence.list_sep", self.lang)
        refs = sep.join(self.text("conversion.ref_item",
                                  variable=self.text(f"conversion.term.{var}"),
                                  level=self._level(var, str(level)))
                        for var, level in m.references.items() if var != "month")
        text = self.text("conversion.note.model", n=f"{m.n_obs:,}", agents=m.n_agents,
                         refs=refs)
        sample = m.sample
        if not sample.get("sampled"):
            return self._note(text)
        total = sample["population_inquiries"]
        return self._note(text + " " + self.text(
            "conversion.note.model_sample", sessions=f"{sample['population_sessions']:,}",
            threshold=f"{sample['threshold_sessions']:,}", n=f"{m.n_obs:,}",
            total=f"{total:,}", share=f"{100 * m.n_obs / total:.1f}%",
            scale=f"{sample['ci_scale']:.1f}"))

    def _level(self, variable: str, level: str) -> str:
        if variable == "tenure_band":
            return self.text("conversion.days", band=level)
        if variable == "weekday" and level in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
            index = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun").index(level)
            return self.text(WEEKDAY_TEXTS[index])
        if variable == "response_bin" and level == "never":
            return self.text("conversion.never")
        return value_label(level, self.lang)

    def term_label(self, term: str, variable: str, level: Any) -> str:
        """A model term in words: "Tenure: 0-29 days", "首响(每多 1 分钟)"."""
        key = f"conversion.term.{variable}"
        name = self.text(key) if key in TEXT else variable
        if _missing(level) or level is None:
            return name
        return f"{name}: {self._level(variable, str(level))}"

    def model_table(self) -> ConversionTable:
        """Odds ratios and marginal effects (points) of each term with 95% CIs."""
        c = self.model_result.coefficients
        labels = [self.term_label(r["term"], r["variable"], r["level"])
                  for _, r in c.iterrows()]
        table = pd.DataFrame({
            "term": labels,
            "odds_ratio": c["odds_ratio"].to_numpy(float),
            "odds_ratio_ci": [f"{lo:.2f} – {hi:.2f}" for lo, hi in
                              zip(c["ci_low"], c["ci_high"], strict=True)],
            "ame": c["ame"].to_numpy(float),
            "ame_ci": [f"{_POINTS * lo:+.1f} – {_POINTS * hi:+.1f}" for lo, hi in
                       zip(c["ame_ci_low"], c["ame_ci_high"], strict=True)],
            "p_value": c["p_value"].to_numpy(float),
            "n": c["n"].to_numpy(float),
            "model_term": c["term"].to_numpy(),
        })
        return ConversionTable(table=table, lang=self.lang, hidden=("model_term",))

    def plot_marginal_effects(self, ax=None):
        """Marginal effects (points) with 95% CIs, one row per term."""
        from ..plots.coefficients import plot_coefficients

        c = self.model_result.coefficients
        if c.empty:
            return Block("", "")
        table = pd.DataFrame({
            "term": [self.term_label(r["term"], r["variable"], r["level"])
                     for _, r in c.iterrows()],
            "estimate": _POINTS * c["ame"].to_numpy(float),
            "ci_low": _POINTS * c["ame_ci_low"].to_numpy(float),
            "ci_high": _POINTS * c["ame_ci_high"].to_numpy(float),
        })
        return self._figure(plot_coefficients(table, ax=ax, log=False, ref=0.0,
                                              xlabel=self.text("conversion.plot.ame_axis")))

    def shape_note(self) -> Block:
        """How to read the first-response bands."""
        daily = self.model_result.kind == "agent_day"
        return self._note(self.text("conversion.note.shape_daily" if daily
                                    else "conversion.note.shape"))

    def response_shape(self) -> ConversionTable:
        """Conversion by band of first response: observed, and the model's effect."""
        s = self.model_result.shape
        # The agent-day model's bands are of a day's average first response.
        bin_col = "bin_daily" if self.model_result.kind == "agent_day" else "bin"
        table = pd.DataFrame({
            bin_col: [self._level("response_bin", str(b)) for b in s["bin"]],
            "n": s["n"].to_numpy(float),
            "converted": s["converted"].to_numpy(float),
            "observed_rate": s["conversion_rate"].to_numpy(float),
            "ame": s["ame"].to_numpy(float),
            "ame_ci": ["" if _missing(lo) else f"{_POINTS * lo:+.1f} – {_POINTS * hi:+.1f}"
                       for lo, hi in zip(s["ame_ci_low"], s["ame_ci_high"], strict=True)],
        })
        return ConversionTable(table=table, lang=self.lang)

    def plot_response_shape(self, ax=None):
        """Effect of each band of first response against answering within 30 s."""
        from ..plots.coefficients import plot_coefficients

        s = self.model_result.shape.dropna(subset=["ame"])
        if s.empty:
            return Block("", "")
        table = pd.DataFrame({
            "term": [self._level("response_bin", str(b)) for b in s["bin"]],
            "estimate": _POINTS * s["ame"].to_numpy(float),
            "ci_low": _POINTS * s["ame_ci_low"].to_numpy(float),
            "ci_high": _POINTS * s["ame_ci_high"].to_numpy(float),
        })
        return self._figure(plot_coefficients(table, ax=ax, log=False, ref=0.0,
                                              xlabel=self.text("conversion.plot.shape_axis")))

    # -- 5. leaderboard ------------------------------------------------------------------------

    def leaderboard_note(self) -> Block:
        """How the shrunk leaderboard is read."""
        return self._note(self.text("conversion.note.leaderboard", share=self._share()))

    def _verdict(self, row) -> str:
        if row["p_bottom"] >= 0.5:
            return self.text("conversion.verdict.behind")
        if row["raw_bottom"]:
            return self.text("conversion.verdict.unlucky", n=f"{int(row['inquiries']):,}")
        if row["shrunk_bottom"]:
            return self.text("conversion.verdict.hidden")
        return ""

    def leaderboard(self) -> ConversionTable:
        """Agents by team, most likely behind first: raw and shrunk rates, p(bottom)."""
        s = self.shrinkage_result.table.sort_values(
            ["team", "p_bottom", "shrunk_rank"], ascending=[True, False, True])
        table = pd.DataFrame({
            "team": s["team"].astype(str).to_numpy(),
            "name": [self._name(r) for _, r in s.iterrows()],
            "agent_id": s["agent_id"].astype(str).to_numpy(),
            "inquiries": s["inquiries"].to_numpy(float),
            "conversion_rate": s["conversion_rate"].to_numpy(float),
            "shrunk_rate": s["shrunk_rate"].to_numpy(float),
            "interval": [f"{100 * lo:.1f}% – {100 * hi:.1f}%" for lo, hi in
                         zip(s["ci_low"], s["ci_high"], strict=True)],
            "p_bottom": s["p_bottom"].to_numpy(float),
            "raw_rank": s["raw_rank"].to_numpy(float),
            "shrunk_rank": s["shrunk_rank"].to_numpy(float),
            "verdict": [self._verdict(r) for _, r in s.iterrows()],
        })
        return ConversionTable(table=table, lang=self.lang, hidden=("agent_id",))

    def plot_leaderboard(self, ax=None):
        """Raw and shrunk rates with 90% intervals, one panel per team."""
        from ..plots.conversion import plot_shrinkage

        table = self.shrinkage_result.table
        if table.empty:
            return Block("", "")
        return self._figure(plot_shrinkage(table, ax=ax, lang=self.lang))

    # -- 6. weekday x hour ---------------------------------------------------------------------

    @section_needs("conversion.section.grid")
    def grid_note(self) -> Block:
        """How the weekday x hour heatmaps are read."""
        return self._note(self.text("conversion.note.grid",
                                    fast=metric_label("fast_response_rate", self.lang)))

    @section_needs("conversion.section.grid")
    def plot_response_grid(self, value: str = "inquiries_per_day", ax=None):
        """Heatmap of ``value`` by weekday and hour."""
        from ..plots.conversion import plot_response_grid

        return self._figure(plot_response_grid(self.grid_result.table, value=value, ax=ax,
                                               lang=self.lang))

    # -- output --------------------------------------------------------------------------------

    def _below_target_records(self) -> list[dict[str, Any]]:
        target = self.ds.settings.targets.get("fast_response_rate")
        if target is None:
            return []
        cells = self.grid_result.below_target(float(target))
        return records(cells[cells["below"]])

    def results(self) -> dict[str, Any]:
        """The keys this report adds to the report's JSON (docs: issue 8's keys).

        ``sentences`` (all, the month's first), ``scorecard`` (agents and total row),
        ``scorecard_teams``, ``decomposition`` (the shop's ``{inquiries, conversion, value,
        total}``), ``decomposition_by_team``, ``model`` (kind, size, notes, shape, sample: how the
        inquiries were sampled, see :class:`~csnb.analyses.ConversionModelResult`),
        ``logit``, ``marginal_effects``, ``what_if_30s``, ``response_30s_vs_90s``,
        ``agents`` (the shrunk leaderboard), ``leaderboard`` (bottom share, interval level,
        priors), ``response_grid`` and ``response_grid_below_target`` (the weekday-hour
        cells whose fast-response rate is below its target beyond chance; empty without a
        target). JSON-able, without NaN.
        """
        model = self.model_result.to_json()
        shrink = self.shrinkage_result.to_json()
        decomposition = self.decomposition_result.to_json()
        return {
            "sentences": self.all_sentences(),
            "scorecard": self.agent_scorecard_result.to_json(),
            "scorecard_teams": self.team_scorecard_result.to_json(),
            "decomposition": decomposition["decomposition"],
            "decomposition_by_team": decomposition["by_group"],
            "model": {k: model[k] for k in ("kind", "months", "n_obs", "n_agents",
                                            "references", "notes", "shape", "sample")},
            "logit": model["logit"],
            "marginal_effects": model["marginal_effects"],
            "what_if_30s": model["what_if_30s"],
            "response_30s_vs_90s": {k: json_value(v) for k, v in self.contrast.items()},
            "agents": shrink["agents"],
            "leaderboard": {k: shrink[k] for k in ("bottom_share", "interval_level",
                                                   "priors")},
            "response_grid": records(self.grid_result.table),
            "response_grid_below_target": self._below_target_records(),
        }
