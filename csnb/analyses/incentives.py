"""What the bottom-ranked-out policy (末位淘汰) does: the parts beyond the DiD (issue 10).

The staggered difference in differences on team-month outcomes lives in :mod:`.did`; this
module adds what a manager needs beside it:

- :func:`adoption_table`: the adoption timeline per team, and each team's role in the DiD;
- :func:`policy_ranking`: this month's ranking in teams under the policy, with names, score
  components, the bottom flag, whether the agent was bottom last month too, and the agent's
  shrunk conversion interval (:func:`csnb.analyses.conversion.shrink_agent_rates`), so a
  manager sees who is at the bottom possibly only by noise;
- :func:`fit_cutoff` / :func:`cutoff_rebound`: agents just below against just above the
  bottom cutoff, their score change next month, in policy teams minus the same comparison in
  teams without the policy: the part of the bottom-ranked rebound that is not regression to
  the mean; :func:`simulate_ranking_panel` makes a ranking with a known answer;
- :func:`decompose_team_change`: a treated team's change split into the same agents
  changing (agent fixed effects) and who left and joined (composition).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ParameterError
from ..io.dataset import Dataset
from ..metrics import UNKNOWN_TEAM, data_months, kpi_table, ranking_table
from ..metrics.ranking import active_policy, agents_frame, policies_frame
from ..months import check_month, month_span, shift_month
from .base import Result, json_value, records

__all__ = [
    "CutoffResult",
    "DecompositionResult",
    "PolicyRankingResult",
    "adoption_table",
    "cutoff_pairs",
    "cutoff_rebound",
    "decompose_team_change",
    "fit_cutoff",
    "policy_ranking",
    "score_persistence",
    "simulate_ranking_panel",
]

#: The score components of the metric book's ranking (columns of :func:`ranking_table`).
SCORE_COMPONENTS = ("z_conversion_rate", "z_fast_response_rate", "z_credited_sales",
                    "z_agent_complaint_rate")


# --- adoption -------------------------------------------------------------------------------

def adoption_table(ds: Dataset, month: str) -> pd.DataFrame:
    """The adoption timeline: every team with its policy (or none) up to ``month``.

    Parameters
    ----------
    ds : Dataset
    month : str
        The report month.

    Returns
    -------
    pandas.DataFrame
        One row per team (policy teams by start month first, then teams without): team,
        start_month, end_month (None when open), bottom_share, action, active (the policy
        is active in ``month``), months_under_policy (months from start_month to the earlier
        of end_month and ``month``; 0 before the start), role ("treated": adopted after the
        data's first month, so the DiD sees a before and after; "always_treated": adopted by
        the first month, no before; "not_yet": adopts after ``month``; "never").
    """
    check_month(month)
    months = data_months(ds)
    first = months[0] if months else month
    pol = policies_frame(ds)
    teams = set(agents_frame(ds)["team"].dropna().astype(str)) | set(pol["team"].astype(str))
    teams.discard(UNKNOWN_TEAM)
    rows = []
    for team in sorted(teams):
        mine = pol[pol["team"] == team].sort_values("start_month")
        if mine.empty:
            rows.append({"team": team, "start_month": None, "end_month": None,
                         "bottom_share": None, "action": None, "active": False,
                         "months_under_policy": 0, "role": "never"})
            continue
        for p in mine.itertuples():
            start = str(p.start_month)
            end = None if pd.isna(p.end_month) else str(p.end_month)
            last = min(end, month) if end else month
            n = len(month_span(start, last)) if start <= last else 0
            role = ("not_yet" if start > month else
                    "always_treated" if start <= first else "treated")
            rows.append({
                "team": team, "start_month": start, "end_month": end,
                "bottom_share": json_value(getattr(p, "bottom_share", None)),
                "action": json_value(getattr(p, "action", None)),
                "active": active_policy(pol, team, month) is not None, "months_under_policy": n,
                "role": role,
            })
    cols = ["team", "start_month", "end_month", "bottom_share", "action", "active",
            "months_under_policy", "role"]
    out = pd.DataFrame(rows, columns=cols)
    out["_never"] = out["start_month"].isna()
    out = out.sort_values(["_never", "start_month", "team"], na_position="last")
    return out.drop(columns="_never").reset_index(drop=True)


# --- this month's ranking -------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class PolicyRankingResult(Result):
    """This month's ranking in the teams under the policy.

    Attributes
    ----------
    month : str
    level : float
        Credibility of the shrunk conversion intervals.
    table : pandas.DataFrame
        See :attr:`columns`.
    """

    columns: ClassVar[tuple[str, ...]] = (
        "team", "agent_id", "name", "inquiries", "conversion_rate", "fast_response_rate",
        "credited_sales", "agent_complaint_rate", *SCORE_COMPONENTS, "score", "rank",
        "n_ranked", "bottom", "bottom_last_month", "shrunk_rate", "conv_ci_low",
        "conv_ci_high", "team_conversion", "p_bottom_conversion", "within_noise",
    )

    month: str
    level: float
    table: pd.DataFrame = field(repr=False)

    def tidy(self) -> pd.DataFrame:
        """One row per ranked agent of a policy team, by team and rank.

        Returns
        -------
        pandas.DataFrame
            team, agent_id, name, the ranking KPIs (inquiries, conversion_rate,
            fast_response_rate, credited_sales, agent_complaint_rate), the score components
            (z-scores within the team; NaN when the ranking is given, not derived), score,
            rank (1 = best), n_ranked, bottom, bottom_last_month, shrunk_rate (empirical-Bayes
            conversion), conv_ci_low, conv_ci_high (its interval at :attr:`level`),
            team_conversion (the team's prior mean), p_bottom_conversion (probability that
            the agent's true conversion is in the team's bottom share), within_noise (the
            interval contains the team's conversion: the agent's conversion cannot be told
            apart from the team's).
        """
        return self.table.copy()

    @property
    def bottom(self) -> pd.DataFrame:
        """The bottom-ranked rows."""
        return self.table[self.table["bottom"].astype(bool)].reset_index(drop=True)

    def to_json(self) -> dict[str, Any]:
        """``bottom`` (issue 10's keys and the noise figures) and ``ranking`` (every row)."""
        keep = ["agent_id", "name", "team", "score", "rank", "bottom_last_month",
                "shrunk_rate", "conv_ci_low", "conv_ci_high", "within_noise"]
        return {"bottom": records(self.bottom[keep]), "ranking": records(self.table)}


def policy_ranking(ds: Dataset, month: str, *, level: float = 0.90) -> PolicyRankingResult:
    """Rank of each agent in the teams whose policy is active in ``month``.

    Parameters
    ----------
    ds : Dataset
    month : str
    level : float, default 0.90
        Credibility of the shrunk conversion intervals (as the conversion report).

    Returns
    -------
    PolicyRankingResult
        Empty table when no team is under the policy in ``month``. Agents of teams without
        the policy are never listed: they were not ranked out (their would-be ranking is the
        comparison of :func:`cutoff_rebound`).
    """
    from .conversion import shrink_agent_rates

    check_month(month)
    cols = list(PolicyRankingResult.columns)
    rank = ranking_table(ds)
    now = rank[(rank["month"] == month) & rank["policy_active"] & rank["rank"].notna()]
    if now.empty:
        return PolicyRankingResult(month=month, level=level,
                                   table=pd.DataFrame(columns=cols))
    prev = rank[(rank["month"] == shift_month(month, -1)) & rank["bottom"]]
    out = now.copy()
    out["bottom_last_month"] = out["agent_id"].isin(set(prev["agent_id"]))
    share = None
    if ds.has("sessions") or ds.has("agent_daily"):
        shrunk = shrink_agent_rates(ds, month, level=level).tidy()
        share = shrunk[["agent_id", "shrunk_rate", "ci_low", "ci_high", "prior_mean",
                        "p_bottom"]].rename(columns={
                            "ci_low": "conv_ci_low", "ci_high": "conv_ci_high",
                            "prior_mean": "team_conversion",
                            "p_bottom": "p_bottom_conversion"})
        out = out.merge(share, on="agent_id", how="left")
    for col in ("shrunk_rate", "conv_ci_low", "conv_ci_high", "team_conversion",
                "p_bottom_conversion"):
        if col not in out:
            out[col] = np.nan
    out["within_noise"] = ((out["conv_ci_low"] <= out["team_conversion"])
                           & (out["team_conversion"] <= out["conv_ci_high"]))
    out = out.sort_values(["team", "rank"], ignore_index=True)
    return PolicyRankingResult(month=month, level=level, table=out[cols])


# --- the rank cutoff: regression to the mean -------------------------------------------------

#: Columns of :func:`cutoff_pairs`.
CUTOFF_COLUMNS = ("month", "team", "agent_id", "arm", "side", "rank", "n_ranked", "score",
                  "score_next", "change")


def cutoff_pairs(ranking: pd.DataFrame, *, until: str | None = None) -> pd.DataFrame:
    """Agents just below and just above each team-month's bottom cutoff, and their next month.

    Parameters
    ----------
    ranking : pandas.DataFrame
        A ranking as :func:`csnb.metrics.ranking_table` returns it (needs month, team,
        agent_id, score, rank, n_ranked, would_be_bottom, policy_active).
    until : str, optional
        Last month whose score may serve as "next month" (the report month).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CUTOFF_COLUMNS`. For each team-month with ``k`` would-be-bottom
        agents out of ``n`` ranked (k >= 1, n > k): side "below" for those ``k`` and
        "above" for the ``k`` ranked just above them (fewer when the team is small); arm
        "policy" when the team's policy was active that month (they were ranked bottom),
        else "control" (the same percentile, nobody ranked out); score_next the agent's
        score the following month (NaN when not ranked then: left, moved or not eligible),
        change = score_next - score.
    """
    r = ranking[ranking["rank"].notna() & ranking["score"].notna()]
    if "n_ranked" not in r:
        r = r.assign(n_ranked=r.groupby(["month", "team"])["agent_id"].transform("size"))
    if until is not None:
        r = r[r["month"] <= check_month(until)]
    nxt = r[["month", "agent_id", "score"]].copy()
    nxt["month"] = nxt["month"].map(lambda m: shift_month(m, -1))
    nxt = nxt.rename(columns={"score": "score_next"}).drop_duplicates(["month", "agent_id"])
    last = r["month"].max() if len(r) else None
    parts = []
    for (_, _), grp in r.groupby(["month", "team"], sort=True):
        if grp["month"].iloc[0] == last:
            continue  # no next month to look at
        n = len(grp)
        k = int(grp["would_be_bottom"].sum())
        if k < 1 or n <= k:
            continue
        ranks = grp["rank"].astype(float)
        cut = ranks[grp["would_be_bottom"]].min()  # best rank among the bottom
        below = grp[grp["would_be_bottom"]]
        above = grp[(ranks < cut) & (ranks >= cut - k)]
        arm = "policy" if bool(grp["policy_active"].iloc[0]) else "control"
        parts.append(below.assign(side="below", arm=arm))
        parts.append(above.assign(side="above", arm=arm))
    if not parts:
        return pd.DataFrame(columns=list(CUTOFF_COLUMNS))
    out = pd.concat(parts, ignore_index=True).merge(nxt, on=["month", "agent_id"], how="left")
    out["change"] = out["score_next"] - out["score"]
    return out[list(CUTOFF_COLUMNS)].sort_values(["month", "team", "rank"], ignore_index=True)


@dataclass(frozen=True, kw_only=True)
class CutoffResult(Result):
    """Next-month score change just below against just above the bottom cutoff.

    Attributes
    ----------
    estimate, se, ci_low, ci_high : float
        policy_jump - control_jump: the part of the bottom-ranked rebound that the policy
        adds beyond regression to the mean (score points: a weighted sum of z-scores),
        with its standard error clustered by agent and a normal interval (NaN when an arm
        is empty).
    policy_jump, control_jump : float
        Mean change below minus mean change above the cutoff, in policy teams and in teams
        without the policy.
    rebound : float
        Mean next-month change of bottom-ranked agents in policy teams (the raw "improvement"
        a manager sees).
    control_rebound : float
        The same for would-be-bottom agents in teams without the policy: what regression to
        the mean gives with no policy at all.
    rtm_share : float
        control_rebound / rebound when both are positive (capped at 1), else NaN: the part
        of the raw rebound that regression to the mean explains.
    persistence : float
        Slope of next month's score on this month's among every ranked agent of a team
        without the policy that month (NaN with fewer than 3 such agent-months): how much
        of an agent's distance from the team average carries over to the next month. With
        persistence ``b``, regression to the mean alone moves an agent at score ``s`` by
        ``(b - 1) x s`` the next month.
    expected_rebound : float
        ``(persistence - 1) x`` the mean score of bottom-ranked agents in policy teams: the
        rebound regression to the mean alone predicts for them.
    table : pandas.DataFrame
        One row per arm and side (see :meth:`tidy`).
    pairs : pandas.DataFrame
        The agent-month rows (:func:`cutoff_pairs`).
    alpha : float
    """

    columns: ClassVar[tuple[str, ...]] = ("arm", "side", "agent_months", "with_next_month",
                                          "left_share", "mean_score", "mean_change",
                                          "se", "ci_low", "ci_high")

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    policy_jump: float
    control_jump: float
    rebound: float
    control_rebound: float
    rtm_share: float
    table: pd.DataFrame = field(repr=False)
    pairs: pd.DataFrame = field(repr=False)
    alpha: float = 0.05
    persistence: float = math.nan
    expected_rebound: float = math.nan

    def tidy(self) -> pd.DataFrame:
        """One row per arm (policy, control) and side (below, above the cutoff).

        Returns
        -------
        pandas.DataFrame
            arm, side, agent_months, with_next_month (ranked again the next month),
            left_share (1 - with_next_month / agent_months: left, moved or not ranked),
            mean_score (this month), mean_change (next month's score minus this month's),
            se (clustered by agent), ci_low, ci_high.
        """
        return self.table.copy()

    @property
    def estimable(self) -> bool:
        """Whether both arms have agents on both sides with a next month."""
        return bool(np.isfinite(self.estimate))

    def to_json(self) -> dict[str, Any]:
        """``cutoff`` of issue 10 plus the raw rebounds and the arms."""
        keys = ("estimate", "se", "ci_low", "ci_high", "policy_jump", "control_jump",
                "rebound", "control_rebound", "rtm_share", "persistence", "expected_rebound")
        return {**{k: json_value(getattr(self, k)) for k in keys},
                "policy_teams_jump": json_value(self.policy_jump),
                "control_teams_jump": json_value(self.control_jump),
                "arms": records(self.table)}

    def plot(self, ax=None):
        """Mean next-month change by side and arm (:func:`csnb.plots.did.plot_cutoff`)."""
        from ..plots.did import plot_cutoff

        return plot_cutoff(self.tidy(), ax=ax)


def fit_cutoff(ranking: pd.DataFrame, *, until: str | None = None,
               alpha: float = 0.05) -> CutoffResult:
    """Compare the next-month change just below and just above the cutoff, by arm.

    The estimate is the interaction of OLS ``change ~ below * policy`` on the agent-months
    of :func:`cutoff_pairs` that have a next month, with standard errors clustered by agent
    (an agent appears in several months; the noise that makes a bottom rank rebound is the
    agent's own month-to-month noise). Agents not ranked the next month (dismissed, left,
    not eligible) drop out; their share is shown per cell, since a policy that dismisses
    bottom agents leaves the better-rebounding ones.

    Parameters
    ----------
    ranking : pandas.DataFrame
        As :func:`cutoff_pairs`.
    until : str, optional
        Last month used as a next month.
    alpha : float
        Intervals have level ``1 - alpha``.

    Returns
    -------
    CutoffResult
    """
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha must be between 0 and 1; got {alpha!r}")
    pairs = cutoff_pairs(ranking, until=until)
    z = float(stats.norm.ppf(1 - alpha / 2))
    rows = []
    used = pairs[pairs["change"].notna()]
    for arm in ("policy", "control"):
        for side in ("below", "above"):
            cell = pairs[(pairs["arm"] == arm) & (pairs["side"] == side)]
            ch = cell["change"].dropna().astype(float)
            mean = float(ch.mean()) if len(ch) else math.nan
            se = _cluster_se_mean(ch, cell.loc[ch.index, "agent_id"]) if len(ch) > 1 else math.nan
            rows.append({"arm": arm, "side": side, "agent_months": len(cell),
                         "with_next_month": len(ch),
                         "left_share": 1 - len(ch) / len(cell) if len(cell) else math.nan,
                         "mean_score": float(cell["score"].mean()) if len(cell) else math.nan,
                         "mean_change": mean, "se": se, "ci_low": mean - z * se,
                         "ci_high": mean + z * se})
    table = pd.DataFrame(rows, columns=list(CutoffResult.columns))
    cell = table.set_index(["arm", "side"])["mean_change"]
    policy_jump = cell[("policy", "below")] - cell[("policy", "above")]
    control_jump = cell[("control", "below")] - cell[("control", "above")]
    estimate = se = math.nan
    model = None
    if all(table["with_next_month"] > 0):
        import statsmodels.api as sm

        x = pd.DataFrame({"below": (used["side"] == "below").astype(float),
                          "policy": (used["arm"] == "policy").astype(float)})
        x["below_x_policy"] = x["below"] * x["policy"]
        x = sm.add_constant(x)
        groups = pd.factorize(used["agent_id"])[0]
        model = sm.OLS(used["change"].astype(float).to_numpy(), x.to_numpy()).fit(
            cov_type="cluster", cov_kwds={"groups": groups})
        estimate = float(model.params[3])
        se = float(model.bse[3])
    rebound = float(cell[("policy", "below")])
    control_rebound = float(cell[("control", "below")])
    share = (min(control_rebound / rebound, 1.0) if rebound > 0 and control_rebound > 0
             else math.nan)
    persistence = score_persistence(ranking, until=until)
    below_score = float(table.set_index(["arm", "side"]).loc[("policy", "below"), "mean_score"])
    return CutoffResult(
        estimate=estimate, se=se, ci_low=estimate - z * se, ci_high=estimate + z * se,
        policy_jump=float(policy_jump), control_jump=float(control_jump), rebound=rebound,
        control_rebound=control_rebound, rtm_share=share, table=table, pairs=pairs,
        alpha=alpha, model=model, persistence=persistence,
        expected_rebound=(persistence - 1) * below_score,
    )


def score_persistence(ranking: pd.DataFrame, *, until: str | None = None) -> float:
    """Slope of an agent's next-month score on this month's, in teams without the policy.

    Parameters
    ----------
    ranking : pandas.DataFrame
        As :func:`cutoff_pairs` (month, team, agent_id, score, rank, policy_active).
    until : str, optional
        Last month used as a next month.

    Returns
    -------
    float
        The OLS slope over every agent-month ranked in a team whose policy was not active
        that month and ranked again the next month (NaN with fewer than 3). Scores are
        centred within each team-month, so the slope is the share of an agent's distance
        from the team average that lasts: 1 means a month's rank is all lasting skill, 0
        that it is all chance.
    """
    r = ranking[ranking["rank"].notna() & ranking["score"].notna()]
    if until is not None:
        r = r[r["month"] <= check_month(until)]
    nxt = r[["month", "agent_id", "score"]].copy()
    nxt["month"] = nxt["month"].map(lambda m: shift_month(m, -1))
    nxt = nxt.rename(columns={"score": "score_next"}).drop_duplicates(["month", "agent_id"])
    ctrl = r[~r["policy_active"].astype(bool)].merge(nxt, on=["month", "agent_id"])
    if len(ctrl) < 3 or float(ctrl["score"].var()) <= 0:
        return math.nan
    x = ctrl["score"].to_numpy(dtype=float)
    y = ctrl["score_next"].to_numpy(dtype=float)
    return float(np.polyfit(x, y, 1)[0])


def _cluster_se_mean(values: pd.Series, clusters: pd.Series) -> float:
    """Standard error of a mean with observations clustered (CR1 small-sample factor)."""
    n = len(values)
    resid = values.to_numpy(dtype=float) - values.mean()
    sums = pd.Series(resid).groupby(pd.factorize(clusters)[0]).sum().to_numpy()
    g = len(sums)
    if g < 2:
        return math.nan
    return float(math.sqrt(g / (g - 1) * float(np.sum(sums**2))) / n)


def cutoff_rebound(ds: Dataset, month: str, *, alpha: float = 0.05) -> CutoffResult:
    """:func:`fit_cutoff` on the dataset's ranking, up to the report month."""
    check_month(month)
    return fit_cutoff(ranking_table(ds), until=month, alpha=alpha)


def simulate_ranking_panel(*, teams: int = 8, policy_teams: int = 4, agents: int = 12,
                           months: int = 12, effect: float = 0.0, ability_sd: float = 1.0,
                           noise_sd: float = 1.0, bottom_share: float = 0.1,
                           seed: int = 0) -> pd.DataFrame:
    """A ranking with a known answer: fixed ability plus monthly noise, ranked per team-month.

    Each agent's monthly score is ``ability + noise``, z-scored within the team-month
    (as the metric book's score is a sum of z-scores). In the first ``policy_teams`` teams
    an agent ranked bottom gains ``effect`` (before z-scoring) the next month. With
    ``effect = 0`` every rebound of bottom agents is regression to the mean.

    Returns
    -------
    pandas.DataFrame
        Columns of :func:`cutoff_pairs`'s input: month, team, agent_id, score, rank,
        n_ranked, would_be_bottom, policy_active, bottom.
    """
    rng = np.random.default_rng(seed)
    month_list = month_span("2024-01", shift_month("2024-01", months - 1))
    k = max(1, int(math.ceil(round(bottom_share * agents, 9))))
    rows = []
    for t in range(teams):
        ability = rng.normal(0, ability_sd, agents)
        boost = np.zeros(agents)
        policy = t < policy_teams
        for m in month_list:
            raw = ability + boost + rng.normal(0, noise_sd, agents)
            score = (raw - raw.mean()) / raw.std()
            order = np.argsort(-score, kind="stable")
            rank = np.empty(agents)
            rank[order] = np.arange(1, agents + 1)
            bottom = rank > agents - k
            for i in range(agents):
                rows.append({"month": m, "team": f"T{t}", "agent_id": f"T{t}A{i}",
                             "score": score[i], "rank": rank[i], "n_ranked": agents,
                             "would_be_bottom": bool(bottom[i]), "policy_active": policy,
                             "bottom": bool(bottom[i] and policy)})
            boost = np.where(bottom & policy, effect, 0.0)
    return pd.DataFrame(rows)


# --- composition against within-agent change -------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class DecompositionResult(Result):
    """A treated team's change around adoption: same agents changing vs who left and joined.

    Attributes
    ----------
    outcome : str
    window : int
        Months before and after adoption compared.
    table : pandas.DataFrame
        One row per treated team (see :meth:`tidy`).
    """

    columns: ClassVar[tuple[str, ...]] = (
        "team", "start_month", "before", "after", "total", "within_agent", "composition",
        "control_change", "stayers", "leavers", "joiners", "months_before", "months_after")

    outcome: str
    window: int
    table: pd.DataFrame = field(repr=False)

    def tidy(self) -> pd.DataFrame:
        """One row per team that adopted the policy within the data.

        Returns
        -------
        pandas.DataFrame
            team, start_month, before and after (the team's pooled rate over the months
            before adoption and from adoption on, up to ``window`` each), total
            (after - before), within_agent (the change of the same agents: the coefficient
            of "after" in an inquiry-weighted regression with agent fixed effects),
            composition (total - within_agent: who left and who joined), control_change
            (the pooled change of never-treated teams over the same months), stayers,
            leavers, joiners (agents with inquiries in both periods, only before, only
            after), months_before, months_after.
        """
        return self.table.copy()

    def pooled(self) -> dict[str, float | None]:
        """Inquiry-weighted mean of the teams' total, within_agent and composition."""
        t = self.table
        if t.empty:
            return {"composition": None, "within_agent": None, "total": None}
        w = t["weight"].to_numpy(dtype=float) if "weight" in t else np.ones(len(t))
        return {k: json_value(float(np.average(t[k].astype(float), weights=w)))
                for k in ("composition", "within_agent", "total")}

    def to_json(self) -> dict[str, Any]:
        """``decomposition`` of issue 10 (pooled over teams) with the teams' rows."""
        return {**self.pooled(), "outcome": self.outcome, "window": self.window,
                "teams": records(self.table[list(self.columns)])}


def decompose_team_change(ds: Dataset, month: str, *, window: int = 6) -> DecompositionResult:
    """Split each treated team's conversion change around adoption (agent fixed effects).

    Parameters
    ----------
    ds : Dataset
    month : str
        The report month (the last month used).
    window : int, default 6
        Months before adoption and from adoption on that are compared.

    Returns
    -------
    DecompositionResult
        Conversion rate (询单转化率); agents belong to their team in the roster. Teams that
        adopted in the data's first month or after ``month`` are left out.
    """
    check_month(month)
    if window < 1:
        raise ParameterError(f"window must be at least 1; got {window!r}")
    cols = [*DecompositionResult.columns, "weight"]
    adoption = adoption_table(ds, month)
    treated = adoption[adoption["role"] == "treated"]
    if treated.empty or not (ds.has("sessions") or ds.has("agent_daily")):
        return DecompositionResult(outcome="conversion_rate", window=window,
                                   table=pd.DataFrame(columns=cols))
    kpis = kpi_table(ds, ("agent_id",), "month").rename(columns={"period": "month"})
    kpis = kpis[(kpis["inquiries"] > 0) & (kpis["month"] <= month)]
    teams = agents_frame(ds)[["agent_id", "team"]]
    kpis = kpis.merge(teams, on="agent_id", how="left")
    never = set(adoption.loc[adoption["role"] == "never", "team"])
    rows = []
    for row in treated.drop_duplicates("team").itertuples():
        start = str(row.start_month)
        before = month_span(shift_month(start, -window), shift_month(start, -1))
        after = [m for m in month_span(start, shift_month(start, window - 1)) if m <= month]
        mine = kpis[(kpis["team"] == row.team)]
        pre, post = mine[mine["month"].isin(before)], mine[mine["month"].isin(after)]
        if pre.empty or post.empty:
            continue
        rate_pre = pre["converted_inquiries"].sum() / pre["inquiries"].sum()
        rate_post = post["converted_inquiries"].sum() / post["inquiries"].sum()
        both = pd.concat([pre.assign(after=0.0), post.assign(after=1.0)])
        within = _within_agent(both)
        ids_pre, ids_post = set(pre["agent_id"]), set(post["agent_id"])
        ctrl = kpis[kpis["team"].isin(never)]
        c0, c1 = ctrl[ctrl["month"].isin(before)], ctrl[ctrl["month"].isin(after)]
        control_change = (c1["converted_inquiries"].sum() / c1["inquiries"].sum()
                          - c0["converted_inquiries"].sum() / c0["inquiries"].sum()
                          if len(c0) and len(c1) else math.nan)
        total = float(rate_post - rate_pre)
        rows.append({
            "team": row.team, "start_month": start, "before": float(rate_pre),
            "after": float(rate_post), "total": total, "within_agent": within,
            "composition": total - within if np.isfinite(within) else math.nan,
            "control_change": float(control_change), "stayers": len(ids_pre & ids_post),
            "leavers": len(ids_pre - ids_post), "joiners": len(ids_post - ids_pre),
            "months_before": int(pre["month"].nunique()),
            "months_after": int(post["month"].nunique()),
            "weight": float(post["inquiries"].sum()),
        })
    table = pd.DataFrame(rows, columns=cols)
    table = table[table["within_agent"].notna()].reset_index(drop=True) if len(table) else table
    return DecompositionResult(outcome="conversion_rate", window=window, table=table)


def _within_agent(rows: pd.DataFrame) -> float:
    """Coefficient of ``after`` in ``rate ~ after + agent FE``, weighted by inquiries."""
    w = rows["inquiries"].to_numpy(dtype=float)
    y = (rows["converted_inquiries"] / rows["inquiries"]).to_numpy(dtype=float)
    d = rows["after"].to_numpy(dtype=float)
    ids = pd.factorize(rows["agent_id"])[0]

    def demean(v: np.ndarray) -> np.ndarray:
        num = np.bincount(ids, weights=w * v)
        den = np.bincount(ids, weights=w)
        return v - (num / den)[ids]

    dd, yy = demean(d), demean(y)
    denom = float(np.sum(w * dd * dd))
    if denom <= 1e-12:
        return math.nan  # no agent observed both before and after
    return float(np.sum(w * dd * yy) / denom)
