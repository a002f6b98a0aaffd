"""The day's agents and their flags (the daily brief; see :mod:`csnb.analyses.qa`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...i18n import check_lang, t
from ...io.dataset import Dataset
from ...metrics import data_span, kpi_table
from ..base import Result, TableResult, html_table
from .common import agent_teams, check_day, missing

#: Days before the brief's day that make an agent's (and the team's) baseline.
BASELINE_DAYS = 30
#: False discovery rate of the day's flags (Benjamini-Hochberg over all tests of the day).
FLAG_FDR = 0.05
#: Fewest baseline inquiries / counted sessions for a baseline to be tested against.
MIN_BASELINE_N = 20

# --------------------------------------------------------------------------------------------
# The day's agents and their flags
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DailyAgentsResult(Result):
    """Each agent's day against its baselines, with the flags of what is below beyond chance.

    Attributes
    ----------
    day : datetime.date
    table : pandas.DataFrame
        One row per agent with a session on the day (columns :attr:`columns`).
    tests : pandas.DataFrame
        Every test of the day: agent_id, metric (``conversion``, ``fast_response``,
        ``complaints``), against (``own`` or ``team``), observed, n (inquiries, counted
        sessions or sessions), observed_rate, baseline_rate, expected, test
        (``binomial`` or ``poisson``), p_value, q_value (Benjamini-Hochberg), below
        (significant at :data:`FLAG_FDR`).
    provisional : bool
        The day is within the data lag: conversion is provisional and not tested.
    lang : {"en", "zh"}
    """

    columns: ClassVar[tuple[str, ...]] = (
        "agent_id", "name", "team", "inquiries", "converted_inquiries", "conversion_rate",
        "conversion_baseline", "counted_sessions", "fast_response_rate", "fast_baseline",
        "avg_first_response_s", "sessions", "complaints", "expected_complaints", "flagged",
        "reason",
    )

    day: date
    table: pd.DataFrame = field(repr=False)
    tests: pd.DataFrame = field(repr=False)
    provisional: bool = False
    lang: str = "en"

    def tidy(self) -> pd.DataFrame:
        """The agents' table (see :attr:`columns`), flagged agents first."""
        return self.table[list(self.columns)].copy()

    @property
    def flagged(self) -> list[str]:
        """Agent ids flagged on the day."""
        return self.table.loc[self.table["flagged"], "agent_id"].tolist()

    def to_json(self) -> dict[str, Any]:
        """``agents``: agent_id, name, flagged and reason of each agent of the day."""
        return {"agents": [
            {"agent_id": r["agent_id"], "name": r["name"], "flagged": bool(r["flagged"]),
             "reason": r["reason"] or None}
            for r in self.table.to_dict(orient="records")]}

    def display_table(self) -> pd.DataFrame:
        """The table with report-language labels and formats."""
        return TableResult(table=self.tidy(), lang=self.lang).display_table()

    def _repr_html_(self) -> str:
        return html_table(self.display_table())


def daily_agents(ds: Dataset, day: str | date, *, lang: str = "en") -> DailyAgentsResult:
    """Return each agent's figures of ``day`` with the flags of what is below beyond chance.

    An agent is flagged only when the day is below its own baseline (the previous
    :data:`BASELINE_DAYS` days) or its team's baseline (the team's same days) beyond what
    chance gives at the day's volume:

    - conversion: exact one-sided binomial test of the day's converted inquiries against the
      baseline rate (``scipy.stats.binomtest``, alternative ``"less"``); not tested on days
      within the data lag, where conversion is provisional;
    - 3-minute response rate: the same test on fast sessions among counted sessions;
    - complaints: one-sided Poisson test of the day's complaints against the baseline
      complaints per session times the day's sessions (``scipy.stats.poisson.sf``).

    Baselines with fewer than :data:`MIN_BASELINE_N` inquiries or counted sessions are not
    tested against. The p-values of all tests of the day are adjusted together
    (Benjamini-Hochberg, ``statsmodels.stats.multitest.multipletests``) so that about
    :data:`FLAG_FDR` of the flags at most are chance.

    Parameters
    ----------
    ds : Dataset
        Needs sessions; agents (names, teams), orders and complaints where present.
    day : str or datetime.date
        ``YYYY-MM-DD``.
    lang : {"en", "zh"}
        Language of the reasons.

    Returns
    -------
    DailyAgentsResult

    Raises
    ------
    ParameterError
        ``day`` is not a real day.
    """
    from scipy import stats
    from statsmodels.stats.multitest import multipletests

    day = check_day(day)
    check_lang(lang)
    kpis = ds.memo("qa_agent_day_kpis", lambda: _agent_day_kpis(ds))
    today = kpis[kpis["period"] == day].copy()
    start = day - timedelta(days=BASELINE_DAYS)
    window = kpis[(kpis["period"] >= start) & (kpis["period"] < day)]
    last = data_span(ds)[1]
    provisional = last is None or last < day + timedelta(days=ds.settings.lag_days)

    sums = ["inquiries", "converted_inquiries", "counted_sessions", "fast_sessions",
            "sessions", "complaints"]
    own = window.groupby("agent_id")[sums].sum(min_count=1)
    team = window.groupby("team")[sums].sum(min_count=1)

    tests: list[dict[str, Any]] = []
    for row in today.itertuples(index=False):
        bases = {"own": own.loc[row.agent_id] if row.agent_id in own.index else None,
                 "team": team.loc[row.team] if row.team in team.index else None}
        for against, base in bases.items():
            if base is None:
                continue
            specs = [("fast_response", row.fast_sessions, row.counted_sessions,
                      base["fast_sessions"], base["counted_sessions"])]
            if not provisional:
                specs.insert(0, ("conversion", row.converted_inquiries, row.inquiries,
                                 base["converted_inquiries"], base["inquiries"]))
            for metric, k, n, bk, bn in specs:
                if missing(k) or missing(n) or n <= 0 or missing(bn) or bn < MIN_BASELINE_N:
                    continue
                p0 = float(bk) / float(bn)
                p = stats.binomtest(int(k), int(n), p0, alternative="less").pvalue
                tests.append({"agent_id": row.agent_id, "metric": metric, "against": against,
                              "observed": int(k), "n": int(n), "observed_rate": k / n,
                              "baseline_rate": p0, "expected": p0 * n, "test": "binomial",
                              "p_value": float(p)})
            sessions, complaints = row.sessions, row.complaints
            bs, bc = base["sessions"], base["complaints"]
            if not (missing(sessions) or missing(complaints) or missing(bs) or missing(bc)) \
                    and bs > 0 and sessions > 0:
                mu = float(bc) / float(bs) * float(sessions)
                # P(X >= k) under Poisson(mu); a rate of zero makes any complaint unusual,
                # so the baseline gets half a complaint (a continuity floor).
                mu = max(mu, 0.5 / float(bs) * float(sessions))
                p = float(stats.poisson.sf(int(complaints) - 1, mu)) if complaints > 0 else 1.0
                tests.append({"agent_id": row.agent_id, "metric": "complaints",
                              "against": against, "observed": int(complaints),
                              "n": int(sessions), "observed_rate": complaints / sessions,
                              "baseline_rate": float(bc) / float(bs), "expected": mu,
                              "test": "poisson", "p_value": p})
    tests_df = pd.DataFrame(tests, columns=[
        "agent_id", "metric", "against", "observed", "n", "observed_rate", "baseline_rate",
        "expected", "test", "p_value"])
    if len(tests_df):
        reject, q, _, _ = multipletests(tests_df["p_value"], alpha=FLAG_FDR, method="fdr_bh")
        tests_df["q_value"] = q
        tests_df["below"] = reject
    else:
        tests_df["q_value"] = pd.Series(dtype=float)
        tests_df["below"] = pd.Series(dtype=bool)

    # each agent's tests, in the table's order (a pandas filter per agent cost 20 ms a day)
    by_agent: dict[Any, list[dict[str, Any]]] = {}
    for test in tests_df.to_dict(orient="records"):
        by_agent.setdefault(test["agent_id"], []).append(test)
    rows = []
    for row in today.itertuples(index=False):
        mine = by_agent.get(row.agent_id, [])
        reasons = [_reason(r, lang) for r in mine if r["below"]]
        base = own.loc[row.agent_id] if row.agent_id in own.index else None
        exp = [r["expected"] for r in mine
               if r["metric"] == "complaints" and r["against"] == "own"]
        rows.append({
            "agent_id": row.agent_id, "name": row.name if isinstance(row.name, str) else "",
            "team": row.team, "inquiries": row.inquiries,
            "converted_inquiries": row.converted_inquiries,
            "conversion_rate": row.conversion_rate,
            "conversion_baseline": _ratio(base, "converted_inquiries", "inquiries"),
            "counted_sessions": row.counted_sessions,
            "fast_response_rate": row.fast_response_rate,
            "fast_baseline": _ratio(base, "fast_sessions", "counted_sessions"),
            "avg_first_response_s": row.avg_first_response_s, "sessions": row.sessions,
            "complaints": row.complaints,
            "expected_complaints": float(exp[0]) if exp else np.nan,
            "flagged": bool(reasons), "reason": t("sentence.list_sep", lang).join(reasons),
            "_p": float(min(r["q_value"] for r in mine)) if mine else 1.0,
        })
    table = pd.DataFrame(rows, columns=[*DailyAgentsResult.columns, "_p"])
    table = table.sort_values(["flagged", "_p", "agent_id"], ascending=[False, True, True])
    table = table.drop(columns="_p").reset_index(drop=True)
    table["flagged"] = table["flagged"].astype(bool)
    return DailyAgentsResult(day=day, table=table, tests=tests_df, provisional=provisional,
                             lang=lang)


def _agent_day_kpis(ds: Dataset) -> pd.DataFrame:
    """Agent-day KPIs with fast sessions, name and team (once per dataset: never changed)."""
    kpis = kpi_table(ds, by=("agent_id",), freq="day")
    kpis["fast_sessions"] = (kpis["fast_response_rate"] * kpis["counted_sessions"]).round()
    kpis = kpis.merge(agent_teams(ds), on="agent_id", how="left")
    kpis["team"] = kpis["team"].fillna("(unknown)")
    return kpis


def _ratio(base: pd.Series | None, num: str, den: str) -> float:
    if base is None or missing(base[den]) or not base[den]:
        return float("nan")
    return float(base[num]) / float(base[den])


def _reason(test: dict[str, Any], lang: str) -> str:
    """One flag in words: which figure, the day's value, the baseline and the test."""
    against = t(f"daily.against.{test['against']}", lang)
    if test["metric"] == "complaints":
        return t("daily.reason.complaints", lang, observed=test["observed"],
                 expected=f"{test['expected']:.2f}", against=against,
                 p=_p_text(test["q_value"]))
    key = ("daily.reason.conversion" if test["metric"] == "conversion"
           else "daily.reason.fast_response")
    return t(key, lang, rate=f"{test['observed_rate']:.0%}", k=test["observed"], n=test["n"],
             baseline=f"{test['baseline_rate']:.0%}", against=against,
             p=_p_text(test["q_value"]))


def _p_text(q: float) -> str:
    return "<0.001" if q < 0.001 else f"{q:.3f}"


