"""The overview's "agents to talk about" section: the analyses' verdicts on agents, in words.

The figures come from :func:`csnb.analyses.attention.agents_to_discuss`; this module turns each
signal into a phrase in the report language, one row per agent, and the opening sentence.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..analyses.attention import SIGNALS, AttentionResult, agents_to_discuss
from ..analyses.base import TableResult
from ..i18n import t
from .display import Block

if TYPE_CHECKING:
    from .month_report import MonthReport

__all__ = ["AttentionSection"]

#: Agents named in the opening sentence.
_NAMED = 5


def _pct(value: Any) -> str:
    """A rate as a whole percentage."""
    return f"{100 * float(value):.0f}%"


def _prob(value: Any) -> str:
    """A Monte Carlo probability: one that rounds to 0% or 100% is said as <1% or >99%."""
    v = 100 * float(value)
    if v < 0.5:
        return "<1%"
    if v >= 99.5:
        return ">99%"
    return f"{v:.0f}%"


class AttentionSection:
    """What the month's reports say about each agent (a section of the overview)."""

    def __init__(self, report: MonthReport):
        self.report = report
        self.lang = report.lang

    @cached_property
    def result(self) -> AttentionResult:
        """The findings, computed once."""
        return agents_to_discuss(self.report.ds, self.report.month)

    def _name(self, row: Any) -> str:
        name = row["name"]
        return str(name) if isinstance(name, str) and name else str(row["agent_id"])

    def _phrase(self, row: pd.Series, signals: list[str]) -> str:
        """One finding of one agent (whose findings are ``signals``), in words."""
        lang, signal = self.lang, row["signal"]
        values: dict[str, Any] = {
            "count": f"{row['count']:.0f}" if pd.notna(row["count"]) else "",
            "share": _pct(self.result.bottom_share) if pd.notna(self.result.bottom_share)
            else "",
        }
        if signal in ("bottom_ranked", "bottom_again"):
            conversion = ""
            # The conversion finding, when the agent has it, already gives the interval.
            if pd.notna(row["value"]) and "conversion_behind" not in signals:
                key = ("attention.conversion_in_bottom" if row["value"] >= 0.5
                       else "attention.conversion_not_bottom")
                conversion = t(key, lang, low=_pct(row["low"]), high=_pct(row["high"]),
                               p=_prob(row["value"]), share=values["share"])
            values["conversion"] = conversion
        elif signal == "conversion_behind":
            values.update(low=_pct(row["low"]), high=_pct(row["high"]), p=_prob(row["value"]))
        elif signal == "complaints_above_team":
            values.update(value=f"{row['value']:.1f}", high=f"{row['high']:.1f}")
        return t(f"attention.signal.{signal}", lang, **values)

    @cached_property
    def agents(self) -> pd.DataFrame:
        """One row per agent: label, team, findings in words, the reports to read."""
        table, per_agent = self.result.table, self.result.agents()
        sep = t("sentence.list_sep", self.lang)
        rows = []
        for _, agent in per_agent.iterrows():
            mine = table[table["agent_id"] == agent["agent_id"]]
            mine = mine.set_index("signal").loc[agent["signals"]].reset_index()
            reports = dict.fromkeys(SIGNALS[s] for s in agent["signals"])
            rows.append({
                "agent": f"{self._name(agent)} ({agent['agent_id']})",
                "team": agent["team"],
                "findings": t("attention.finding_sep", self.lang).join(
                    self._phrase(r, agent["signals"]) for _, r in mine.iterrows()),
                "reports": sep.join(t(f"nav.{r}", self.lang) for r in reports),
                "n_signals": agent["n_signals"],
            })
        return pd.DataFrame(rows, columns=["agent", "team", "findings", "reports", "n_signals"])

    def sentences(self) -> list[str]:
        """The opening: how many agents, and those with the most findings, by name."""
        agents, lang = self.result.agents(), self.lang
        out = []
        if agents.empty:
            out.append(t("attention.sentence.none", lang))
        else:
            sep = t("sentence.list_sep", lang)
            top = agents.head(_NAMED)
            names = sep.join(t("attention.agent", lang, name=self._name(r), team=r["team"],
                               n=r["n_signals"]) for _, r in top.iterrows())
            key = ("attention.sentence.one_each" if agents["n_signals"].max() == 1
                   else "attention.sentence.some")
            if key.endswith("one_each"):
                names = sep.join(self._name(r) for _, r in top.iterrows())
            out.append(t(key, lang, n=len(agents), names=names))
        if self.result.skipped:
            what = t("sentence.list_sep", lang).join(
                t(f"attention.skipped.{s}", lang) for s in self.result.skipped)
            out.append(t("attention.sentence.skipped", lang, what=what))
        return out

    def intro(self) -> Block:
        """How to read the section (its sentences open the report's summary)."""
        return Block.paragraph(t("attention.intro", self.lang))

    def table(self) -> TableResult | Block:
        """The agents, most findings first (nothing when no agent is named)."""
        if self.agents.empty:
            return Block("", "")
        shown = self.agents.drop(columns="n_signals").rename(columns={
            "agent": t("attention.col.agent", self.lang),
            "team": t("col.team", self.lang),
            "findings": t("attention.col.findings", self.lang),
            "reports": t("attention.col.reports", self.lang),
        })
        return TableResult(table=shown, lang=self.lang)

    def results(self) -> dict[str, Any]:
        """Key figures for the overview's JSON: the agents and their signals."""
        agents = self.result.agents()
        return {
            "agents": int(len(agents)),
            "by_signal": {s: int((self.result.table["signal"] == s).sum()) for s in SIGNALS},
            "named": [{"agent_id": r["agent_id"], "name": r["name"], "team": r["team"],
                       "signals": list(r["signals"])} for _, r in agents.iterrows()],
            "skipped": list(self.result.skipped),
        }

