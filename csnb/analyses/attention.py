"""Agents to talk about: what the month's reports say about each agent, in one table.

The overview answers "how did the team do"; a supervisor preparing the Monday meeting also
needs "whom do I talk to, and why". Each analysis already names agents where a manager acts
on them; this module collects those verdicts, one row per agent and signal, from the same
functions the analysis reports call (no second definition of any rule):

- ``conversion_behind``: the agent is probably (posterior probability at least
  :data:`LIKELY_BOTTOM`, the conversion report's own threshold) in the team's bottom share
  on the shrunk conversion rate (:func:`csnb.analyses.conversion.shrink_agent_rates`);
- ``bottom_ranked`` / ``bottom_again``: ranked bottom this month in a team running the
  bottom-ranked-out policy (:func:`csnb.metrics.ranking.ranking_table`), and also last month;
  the detail carries the shrunk conversion interval, so "bottom by noise" is visible;
- ``dismissal_step``, ``repeat_offender``, ``complaints_above_team``: from the fault ledger
  (:func:`csnb.analyses.complaints.fault_ledger_table`): the fine schedule's dismissal step,
  at fault in two or more of the last three months, and a complaint rate above the team's
  beyond chance (funnel limits).

A signal whose tables are absent is skipped and listed in ``skipped``, never shown as a zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..io.dataset import Dataset
from ..months import check_month, shift_month
from .base import Result

__all__ = ["LIKELY_BOTTOM", "SIGNALS", "AttentionResult", "agents_to_discuss"]

#: Posterior probability of being in the team's bottom share from which an agent counts as
#: behind on conversion (the conversion report's leaderboard sentence uses the same rule).
LIKELY_BOTTOM = 0.5

#: Signal -> the report that explains it, in the order a row lists its signals.
SIGNALS: dict[str, str] = {
    "dismissal_step": "complaints",
    "bottom_again": "incentives",
    "bottom_ranked": "incentives",
    "conversion_behind": "conversion",
    "repeat_offender": "complaints",
    "complaints_above_team": "complaints",
}

_COLUMNS = ["agent_id", "name", "team", "signal", "report", "value", "low", "high", "count"]


@dataclass(frozen=True, kw_only=True)
class AttentionResult(Result):
    """One row per agent and signal.

    Attributes
    ----------
    month : str
    table : pandas.DataFrame
        agent_id, name, team, signal (a key of :data:`SIGNALS`), report, and the signal's
        figures: ``value`` (a rate or probability), ``low``/``high`` (its interval) and
        ``count`` (inquiries, at-fault complaints or months), NaN where they do not apply.
    skipped : tuple of str
        Signals the data cannot give (their tables are absent).
    bottom_share : float
        The bottom share of ``conversion_behind`` (the shrinkage's; NaN without inquiries).
    """

    columns = tuple(_COLUMNS)

    month: str
    table: pd.DataFrame = field(repr=False)
    skipped: tuple[str, ...] = ()
    bottom_share: float = float("nan")

    def tidy(self) -> pd.DataFrame:
        """One row per agent and signal (a copy)."""
        return self.table.copy()

    def agents(self) -> pd.DataFrame:
        """One row per agent: signals in :data:`SIGNALS` order, most signals first."""
        if self.table.empty:
            return pd.DataFrame(columns=["agent_id", "name", "team", "signals", "n_signals"])
        order = {s: i for i, s in enumerate(SIGNALS)}
        t = self.table.assign(_o=self.table["signal"].map(order)).sort_values(["agent_id", "_o"])
        out = (t.groupby(["agent_id", "name", "team"], dropna=False, sort=False)["signal"]
               .agg(list).rename("signals").reset_index())
        out["n_signals"] = out["signals"].str.len()
        out["_first"] = out["signals"].map(lambda s: order[s[0]])
        return (out.sort_values(["n_signals", "_first", "team", "agent_id"],
                                ascending=[False, True, True, True])
                .drop(columns="_first").reset_index(drop=True))


def _rows(frame: pd.DataFrame, signal: str, **cols: str) -> pd.DataFrame:
    out = pd.DataFrame({
        "agent_id": frame["agent_id"].astype(str),
        "name": frame["name"],
        "team": frame["team"],
        "signal": signal,
        "report": SIGNALS[signal],
    })
    for col in ("value", "low", "high", "count"):
        out[col] = frame[cols[col]].astype(float).to_numpy() if col in cols else np.nan
    return out


def agents_to_discuss(ds: Dataset, month: str) -> AttentionResult:
    """Collect the month's agent-level verdicts of the analyses (see the module docstring).

    Parameters
    ----------
    ds : Dataset
    month : str
        ``YYYY-MM``.

    Returns
    -------
    AttentionResult
    """
    from ..metrics.ranking import ranking_table
    from .complaints import fault_ledger_table
    from .conversion import shrink_agent_rates

    check_month(month)
    parts: list[pd.DataFrame] = []
    skipped: list[str] = []

    has_inquiries = ds.has("sessions") or ds.has("agent_daily")
    shrunk = pd.DataFrame()
    bottom_share = float("nan")
    if has_inquiries:
        shrinkage = shrink_agent_rates(ds, month)
        shrunk, bottom_share = shrinkage.tidy(), float(shrinkage.bottom_share)
        behind = shrunk[shrunk["p_bottom"] >= LIKELY_BOTTOM]
        parts.append(_rows(behind, "conversion_behind", value="p_bottom", low="ci_low",
                           high="ci_high", count="inquiries"))
    else:
        skipped.append("conversion_behind")

    if has_inquiries and ds.has("agents"):
        ranking = ranking_table(ds)
        now = ranking[(ranking["month"] == month) & ranking["bottom"].fillna(False).astype(bool)]
        before = ranking[(ranking["month"] == shift_month(month, -1))
                         & ranking["bottom"].fillna(False).astype(bool)]
        now = now.merge(shrunk[["agent_id", "shrunk_rate", "ci_low", "ci_high", "p_bottom"]],
                        on="agent_id", how="left")
        again = now["agent_id"].isin(before["agent_id"])
        parts.append(_rows(now[again], "bottom_again", value="p_bottom", low="ci_low",
                           high="ci_high", count="inquiries"))
        parts.append(_rows(now[~again], "bottom_ranked", value="p_bottom", low="ci_low",
                           high="ci_high", count="inquiries"))
    else:
        skipped += ["bottom_again", "bottom_ranked"]

    if ds.has("complaints") and ds.has("agents"):
        ledger = fault_ledger_table(ds, month).tidy()
        flags = {"dismissal_step": "dismissal", "repeat_offender": "repeat_offender",
                 "complaints_above_team": "above_team"}
        counts = {"dismissal_step": "at_fault", "repeat_offender": "months_with_fault_3m",
                  "complaints_above_team": "complaints"}
        for signal, col in flags.items():
            hit = ledger[ledger[col].fillna(False).astype(bool)]
            extra = ({"value": "agent_complaint_rate", "high": "ucl_rate"}
                     if signal == "complaints_above_team" else {})
            parts.append(_rows(hit, signal, count=counts[signal], **extra))
    else:
        skipped += ["dismissal_step", "repeat_offender", "complaints_above_team"]

    parts = [p for p in parts if len(p)]
    table = (pd.concat(parts, ignore_index=True) if parts
             else pd.DataFrame(columns=_COLUMNS))
    return AttentionResult(month=month, table=table[_COLUMNS], skipped=tuple(skipped),
                           bottom_share=bottom_share)
