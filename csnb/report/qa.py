"""The chat reviews (质检) section, for the monthly operations report and the daily brief.

:class:`QASection` wraps a :class:`~csnb.report.MonthReport` and shows what the reviewers
found in the sessions of a span of days (default: the report's month): the team's pass rate
weighted back to all sessions (:func:`csnb.analyses.qa.qa_pass_rates`) beside the unweighted
rate, each team and agent with intervals, and the most frequent issue tags. It adds its key
figures to the report's JSON under ``qa`` when reviews exist. One notebook cell shows it::

    from csnb.report.qa import QASection
    display(*QASection(report).blocks())
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from ..analyses.base import TableResult
from ..analyses.qa import QAResult, check_day, qa_pass_rates
from ..i18n import column_label, format_value, t
from ..months import month_bounds
from .display import Block, escape
from .month_report import MonthReport

__all__ = ["QASection"]

#: Issue tags listed.
TOP_TAGS = 10


class QASection:
    """Reviews of the sessions from ``first`` to ``last``, shown in ``report``'s language.

    Parameters
    ----------
    report : MonthReport
        The report the section is part of (its dataset, language and JSON).
    first, last : str or datetime.date, optional
        The sessions' days; default the report's month.
    """

    def __init__(self, report: MonthReport, first: str | date | None = None,
                 last: str | date | None = None) -> None:
        lo, hi = month_bounds(report.month)
        self.report = report
        self.lang = report.lang
        self.first = check_day(first) if first is not None else lo
        self.last = check_day(last) if last is not None else hi
        self.result: QAResult = qa_pass_rates(report.ds, self.first, self.last,
                                              lang=report.lang)
        if len(self.result.reviews):
            report.add_results("qa", self.result.to_json())

    def sentences(self) -> list[str]:
        """What the reviews say, generated from the figures."""
        lang, res = self.lang, self.result
        if not self.report.ds.has("qa_reviews"):
            return [t("qa.s.no_table", lang)]
        if res.team.empty:
            return [t("qa.s.no_reviews", lang, first=self.first, last=self.last)]
        total = res.team.iloc[0]
        pr = res.pass_rate
        out = [t("qa.s.team", lang, n=int(total["reviews"]), first=self.first, last=self.last,
                 rate=_pct(pr["estimate"], lang), low=_pct(pr["ci_low"], lang),
                 high=_pct(pr["ci_high"], lang),
                 unweighted=_pct(total["unweighted_rate"], lang))]
        agents = res.by_agent
        below = agents_below(agents, pr["estimate"])
        if len(below):
            who = t("sentence.list_sep", lang).join(
                f"{r['name'] or r['agent_id']} ({_pct(r['pass_rate'], lang)}, "
                f"{int(r['passed'])}/{int(r['reviews'])})" for r in below.to_dict("records"))
            out.append(t("qa.s.below", lang, agents=who))
        else:
            out.append(t("qa.s.none_below", lang))
        if len(res.tags):
            top = res.tags.iloc[0]
            out.append(t("qa.s.top_tag", lang, tag=top["tag"], n=int(top["reviews"]),
                         failed=int(top["failed"])))
        if res.outside:
            out.append(t("qa.s.outside", lang, n=res.outside))
        return out

    def blocks(self) -> list[Any]:
        """Everything the section shows, in order: heading, sentences, the tables.

        Nothing when the report it is part of lacks its tables (the report says so once).
        """
        if self.report.lacking:
            return []
        lang = self.lang
        heading = t("qa.section", lang)
        items = "".join(f"<li>{escape(s)}</li>" for s in self.sentences())
        out: list[Any] = [Block(f"<h2>{escape(heading)}</h2>", heading),
                          Block(f'<ul class="csnb-sentences">{items}</ul>',
                                "\n".join(self.sentences()))]
        if self.result.team.empty:
            return out
        note = t("qa.note", lang)
        out += [Block(f"<p>{escape(note)}</p>", note), self.team_table(), self.agent_table()]
        if len(self.result.tags):
            out.append(self.tag_table())
        return out

    def team_table(self) -> TableResult:
        """The whole team (weighted, with CI) and each team."""
        return _QATable(table=self.result.tidy(), lang=self.lang)

    def agent_table(self) -> TableResult:
        """Each agent's reviews, lowest weighted pass rate first."""
        return _QATable(table=self.result.by_agent, lang=self.lang)

    def tag_table(self) -> TableResult:
        """The most frequent issue tags."""
        return _QATable(table=self.result.tags.head(TOP_TAGS), lang=self.lang)


def _pct(v: Any, lang: str) -> str:
    return format_value("conversion_rate", v, lang)


class _QATable(TableResult):
    """A QA table: shares as percentages, the section's own column wording."""

    def display_table(self) -> pd.DataFrame:
        shown = super().display_table()
        shown.columns = [column_label(str(c), self.lang, prefix="qa") for c in self.table.columns]
        for col, label in zip(self.table.columns, shown.columns, strict=True):
            if col in _SHARES:
                shown[label] = [_pct(v, self.lang) for v in self.table[col]]
        return shown


_SHARES = {"unweighted_rate", "pass_rate", "ci_low", "ci_high", "share_of_failed"}


def agents_below(by_agent: pd.DataFrame, team_rate: float, alpha: float = 0.05
                 ) -> pd.DataFrame:
    """The agents a supervisor is told are below the team beyond chance.

    Two conditions: the agent's weighted interval lies under the team's rate, and an exact
    one-sided binomial test of the agent's reviews (passed of reviews) against the team's
    rate gives p < ``alpha``. The second keeps an agent with one or two failed chats out of
    the sentence: a single failed review has p = 1 - team rate (about 0.15), yet a normal or
    Wilson interval on one review already lies under the team's rate.
    """
    from scipy.stats import binomtest

    if by_agent.empty or team_rate is None or pd.isna(team_rate):
        return by_agent.iloc[0:0]
    rate = min(max(float(team_rate), 0.0), 1.0)

    def exact(row) -> float:
        n = int(row["reviews"])
        return binomtest(int(row["passed"]), n, rate, alternative="less").pvalue if n else 1.0

    under = by_agent["ci_high"] < team_rate
    p = by_agent.apply(exact, axis=1) if len(by_agent) else pd.Series(dtype=float)
    return by_agent[under & (p < alpha)]
