"""Quality assurance (质检): the daily flags, the chats to read, and the reviews weighted back.

A supervisor's morning (issue 12): whose figures were poor yesterday beyond chance, and which
chats to read (抽查聊天记录). Then, monthly, what the reviewers found, estimated for the whole
team without the bias of having read the bad chats on purpose.

- :func:`complaint_links`: each complaint's session, from the complaint's own ``session_id``
  or else the agent's last session with the complained order's customer before it.
- :func:`daily_agents`: each agent's day against the agent's own 30-day baseline and the
  team's, flagged only when the day is below beyond chance: exact one-sided binomial tests
  for conversion and the 3-minute response rate, a one-sided Poisson test for complaints,
  Benjamini-Hochberg over all of the day's tests (false discovery rate 5%). Conversion is
  not tested on days within the data lag (it is provisional there).
- :func:`sample_chats`: a stratified sample of the day's sessions within the quota,
  reproducible (seeded by the date; the same data give the same sample): every
  complaint-linked session (certainty), the flagged agents' sessions (over-sampled), slow
  first responses, lost high-intent inquiries, and a random stratum. Each row carries its
  sampling weight, the inverse of its inclusion probability.
- :func:`qa_pass_rates`: the pass rate of ``qa_reviews`` for the team, each team and each
  agent, weighted by the sampling weights (a Hajek ratio of Horvitz-Thompson totals, with
  a stratified linearisation variance), beside the unweighted rate; the most frequent
  issue tags.

Customer ids never leave this module in full: :func:`mask_customer` keeps the last four
characters.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..i18n import check_lang, t, value_label
from ..io.dataset import Dataset
from ..metrics import (
    complaint_links,
    data_span,
    kpi_table,
    metric_sql,
    reviewed_sessions,
    sessions_of_day,
)
from .base import Result, TableResult, html_table, records

__all__ = [
    "ALLOCATION",
    "BASELINE_DAYS",
    "HIGH_INTENT_MSGS",
    "STRATA",
    "ChatSampleResult",
    "DailyAgentsResult",
    "QAResult",
    "check_day",
    "complaint_links",
    "daily_agents",
    "mask_customer",
    "qa_pass_rates",
    "ratio_estimate",
    "sample_chats",
]

#: Days before the brief's day that make an agent's (and the team's) baseline.
BASELINE_DAYS = 30
#: False discovery rate of the day's flags (Benjamini-Hochberg over all tests of the day).
FLAG_FDR = 0.05
#: Fewest baseline inquiries / counted sessions for a baseline to be tested against.
MIN_BASELINE_N = 20
#: Customer messages that make a presale session high-intent (about the 90th percentile of
#: the simulated shop's presale sessions).
HIGH_INTENT_MSGS = 8
#: The strata of the chats to read, in priority order (a session is in the first that fits).
STRATA = ("complaint", "flagged", "slow", "lost_intent", "random")
#: Shares of the quota left after the complaint stratum (taken whole). Flagged agents' chats
#: are over-sampled; the random stratum keeps a fair baseline to compare the targeted with.
ALLOCATION = {"flagged": 0.4, "slow": 0.2, "lost_intent": 0.2, "random": 0.2}
#: Two-sided normal quantile of the 95% intervals.
Z95 = 1.959963984540054

_TAG_SPLIT = re.compile(r"[,;，；、|/]+")


def check_day(day: str | date) -> date:
    """Return ``day`` as a date; a malformed day is a :class:`~csnb.errors.ParameterError`."""
    if isinstance(day, datetime):
        return day.date()
    if isinstance(day, date):
        return day
    text = str(day).strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ParameterError(f"date must be a real day YYYY-MM-DD; got {day!r}") from None


def mask_customer(customer_id: Any) -> str:
    """A customer id shown without the customer: ``***`` and its last four characters.

    Ids of four characters or fewer keep only their last character, so no id is ever
    shown in full.
    """
    if customer_id is None or (isinstance(customer_id, float) and math.isnan(customer_id)):
        return ""
    text = str(customer_id)
    keep = 4 if len(text) > 4 else (1 if len(text) > 1 else 0)
    return "***" + text[len(text) - keep:]


# --------------------------------------------------------------------------------------------
# Complaints linked to sessions
# --------------------------------------------------------------------------------------------

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
                if _bad(k) or _bad(n) or n <= 0 or _bad(bn) or bn < MIN_BASELINE_N:
                    continue
                p0 = float(bk) / float(bn)
                p = stats.binomtest(int(k), int(n), p0, alternative="less").pvalue
                tests.append({"agent_id": row.agent_id, "metric": metric, "against": against,
                              "observed": int(k), "n": int(n), "observed_rate": k / n,
                              "baseline_rate": p0, "expected": p0 * n, "test": "binomial",
                              "p_value": float(p)})
            sessions, complaints = row.sessions, row.complaints
            bs, bc = base["sessions"], base["complaints"]
            if not (_bad(sessions) or _bad(complaints) or _bad(bs) or _bad(bc)) and bs > 0 \
                    and sessions > 0:
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

    rows = []
    for row in today.itertuples(index=False):
        mine = tests_df[(tests_df["agent_id"] == row.agent_id) & tests_df["below"]]
        reasons = [_reason(r, lang) for r in mine.to_dict(orient="records")]
        base = own.loc[row.agent_id] if row.agent_id in own.index else None
        exp = tests_df[(tests_df["agent_id"] == row.agent_id)
                       & (tests_df["metric"] == "complaints") & (tests_df["against"] == "own")]
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
            "expected_complaints": float(exp["expected"].iloc[0]) if len(exp) else np.nan,
            "flagged": bool(reasons), "reason": t("sentence.list_sep", lang).join(reasons),
            "_p": float(tests_df.loc[tests_df["agent_id"] == row.agent_id, "q_value"].min())
            if (tests_df["agent_id"] == row.agent_id).any() else 1.0,
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
    kpis = kpis.merge(_agent_teams(ds), on="agent_id", how="left")
    kpis["team"] = kpis["team"].fillna("(unknown)")
    return kpis


def _agent_teams(ds: Dataset) -> pd.DataFrame:
    if not ds.has("agents"):
        return pd.DataFrame(columns=["agent_id", "name", "team"])
    return ds.frame("agents")[["agent_id", "name", "team"]]


def _bad(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _ratio(base: pd.Series | None, num: str, den: str) -> float:
    if base is None or _bad(base[den]) or not base[den]:
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


# --------------------------------------------------------------------------------------------
# The chats to read
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChatSampleResult(Result):
    """The day's chats to read: a stratified sample with sampling weights.

    Attributes
    ----------
    day : datetime.date
    table : pandas.DataFrame
        One row per sampled chat (columns :attr:`columns`), by stratum then start time.
        ``customer`` is the masked customer id; the full id is never kept.
    strata : pandas.DataFrame
        The design: stratum, population (sessions of the day in the stratum), sampled,
        inclusion_probability, weight.
    quota : int
        Chats asked for (the complaint stratum is taken whole even beyond it).
    seed : int
        The random seed (the date as YYYYMMDD).
    lang : {"en", "zh"}
    """

    columns: ClassVar[tuple[str, ...]] = (
        "session_id", "agent_id", "name", "start_ts", "customer", "stratum", "reason",
        "inclusion_probability", "weight",
    )

    day: date
    table: pd.DataFrame = field(repr=False)
    strata: pd.DataFrame = field(repr=False)
    quota: int = 30
    seed: int = 0
    lang: str = "en"

    def tidy(self) -> pd.DataFrame:
        """The sampled chats (see :attr:`columns`)."""
        return self.table[list(self.columns)].copy()

    def to_json(self) -> dict[str, Any]:
        """``qa_sample``: session_id, agent_id, stratum and weight of each chat."""
        return {"qa_sample": [
            {"session_id": r["session_id"], "agent_id": r["agent_id"], "stratum": r["stratum"],
             "weight": float(r["weight"])} for r in self.table.to_dict(orient="records")],
            "qa_strata": records(self.strata)}

    def display_table(self) -> pd.DataFrame:
        """The chats with labelled strata and report-language headers."""
        table = self.tidy()
        table["stratum"] = [t(f"daily.stratum.{s}", self.lang) for s in table["stratum"]]
        table["start_ts"] = pd.to_datetime(table["start_ts"]).dt.strftime("%H:%M")
        return TableResult(table=table, lang=self.lang).display_table()

    def _repr_html_(self) -> str:
        return html_table(self.display_table())


def _day_inquiries(ds: Dataset, day: date) -> pd.DataFrame:
    # Every inquiry once per dataset (the monthly QA section samples every reviewed day).
    sql = metric_sql("inquiries", settings=ds.settings, tables=ds.tables)
    every = ds.memo(("qa_inquiries", sql), lambda: ds.query(
        f"SELECT customer_id, agent_id, CAST(day AS DATE) AS day, converted FROM ({sql}) AS i"
    ).assign(day=lambda f: pd.to_datetime(f["day"]).dt.date))
    return every.loc[every["day"] == day, ["customer_id", "agent_id", "converted"]]


def sample_chats(ds: Dataset, day: str | date, *, quota: int | None = None,
                 flagged: DailyAgentsResult | None = None,
                 lang: str = "en") -> ChatSampleResult:
    """Draw the day's chats to read: a reproducible stratified sample within the quota.

    Every session of the day is in exactly one stratum, the first that fits, in the order of
    :data:`STRATA`:

    1. ``complaint``: a complaint links to it (:func:`complaint_links`); all are read
       (inclusion probability 1), even beyond the quota;
    2. ``flagged``: a session of an agent :func:`daily_agents` flagged;
    3. ``slow``: first response above the fast-response threshold, or never answered;
    4. ``lost_intent``: presale, at least :data:`HIGH_INTENT_MSGS` customer messages, and
       the inquiry did not convert (provisional within the data lag);
    5. ``random``: every other session.

    The quota left after the complaints is shared by :data:`ALLOCATION` (what a stratum
    cannot use goes to the others in proportion), and each stratum is a simple random sample
    without replacement drawn with ``numpy.random.default_rng(YYYYMMDD)`` from its sessions
    in session-id order, so the same day and data give the same sample. The weight of a chat
    is the inverse of its inclusion probability: population / sampled of its stratum.

    Parameters
    ----------
    ds : Dataset
        Needs sessions.
    day : str or datetime.date
        ``YYYY-MM-DD``.
    quota : int, optional
        Chats to read; default ``qa_quota`` of the dataset's settings (30).
    flagged : DailyAgentsResult, optional
        The day's flags (computed when omitted).
    lang : {"en", "zh"}
        Language of the reasons.

    Returns
    -------
    ChatSampleResult

    Raises
    ------
    ParameterError
        ``day`` is not a real day or ``quota`` is negative.
    """
    day = check_day(day)
    quota = ds.settings.qa_quota if quota is None else quota
    if not isinstance(quota, int) or isinstance(quota, bool) or quota < 0:
        raise ParameterError(f"quota must be a non-negative integer; got {quota!r}")
    flagged = flagged if flagged is not None else daily_agents(ds, day, lang=lang)
    seed = int(day.strftime("%Y%m%d"))
    sessions = sessions_of_day(ds, day) if ds.has("sessions") else pd.DataFrame(
        columns=["session_id", "agent_id", "customer_id", "start_ts", "kind",
                 "first_response_s", "customer_msgs"])
    links = complaint_links(ds).dropna(subset=["session_id"])
    linked = links.groupby("session_id").first()
    inquiries = _day_inquiries(ds, day) if len(sessions) else pd.DataFrame(
        columns=["customer_id", "agent_id", "converted"])
    converted = {(r.customer_id, r.agent_id) for r in inquiries.itertuples() if r.converted}
    flag_reason = dict(zip(flagged.table["agent_id"], flagged.table["reason"], strict=True))
    flagged_ids = set(flagged.flagged)
    fast = ds.settings.fast_response_s
    names = dict(zip(*_agent_teams(ds)[["agent_id", "name"]].to_numpy().T, strict=True)) \
        if ds.has("agents") else {}

    strata, reasons = [], []
    for s in sessions.itertuples(index=False):
        fr = s.first_response_s
        never = _bad(fr) or pd.isna(fr)
        if s.session_id in linked.index:
            c = linked.loc[s.session_id]
            strata.append("complaint")
            reasons.append(t("daily.why.complaint", lang, id=c["complaint_id"],
                             category=value_label(c["category"], lang)))
        elif s.agent_id in flagged_ids:
            strata.append("flagged")
            reasons.append(t("daily.why.flagged", lang, reason=flag_reason.get(s.agent_id, "")))
        elif never or fr > fast:
            strata.append("slow")
            reasons.append(t("daily.why.never", lang) if never
                           else t("daily.why.slow", lang, seconds=int(fr)))
        elif (s.kind == "presale" and not _bad(s.customer_msgs)
              and s.customer_msgs >= HIGH_INTENT_MSGS
              and (s.customer_id, s.agent_id) not in converted):
            strata.append("lost_intent")
            key = "daily.why.lost_provisional" if flagged.provisional else "daily.why.lost"
            reasons.append(t(key, lang, msgs=int(s.customer_msgs)))
        else:
            strata.append("random")
            reasons.append(t("daily.why.random", lang))
    sessions = sessions.assign(stratum=strata, reason=reasons)

    population = {h: int((sessions["stratum"] == h).sum()) for h in STRATA}
    take = _allocate(population, quota)
    rng = np.random.default_rng(seed)
    picked = []
    for h in STRATA:
        members = sessions.index[sessions["stratum"] == h].to_numpy()
        n = take[h]
        if n >= len(members):
            chosen = members
        else:
            chosen = np.sort(rng.choice(members, size=n, replace=False))
        picked.append(sessions.loc[chosen])
    sample = pd.concat(picked) if picked else sessions.iloc[:0]
    design = pd.DataFrame({
        "stratum": list(STRATA),
        "population": [population[h] for h in STRATA],
        "sampled": [min(take[h], population[h]) for h in STRATA],
    })
    design["inclusion_probability"] = np.where(
        design["population"] > 0, design["sampled"] / design["population"].clip(lower=1), np.nan)
    design["weight"] = np.where(design["sampled"] > 0,
                                design["population"] / design["sampled"].clip(lower=1), np.nan)
    probs = dict(zip(design["stratum"], design["inclusion_probability"], strict=True))
    weights = dict(zip(design["stratum"], design["weight"], strict=True))
    table = pd.DataFrame({
        "session_id": sample["session_id"].astype(str),
        "agent_id": sample["agent_id"].astype(str),
        "name": [names.get(a, "") or "" for a in sample["agent_id"]],
        "start_ts": pd.to_datetime(sample["start_ts"]),
        "customer": [mask_customer(c) for c in sample["customer_id"]],
        "stratum": sample["stratum"],
        "reason": sample["reason"],
        "inclusion_probability": [probs[h] for h in sample["stratum"]],
        "weight": [weights[h] for h in sample["stratum"]],
    }).reset_index(drop=True)
    order = {h: i for i, h in enumerate(STRATA)}
    table = table.sort_values(["stratum", "start_ts", "session_id"],
                              key=lambda c: c.map(order) if c.name == "stratum" else c)
    return ChatSampleResult(day=day, table=table.reset_index(drop=True), strata=design,
                            quota=quota, seed=seed, lang=lang)


def _allocate(population: dict[str, int], quota: int) -> dict[str, int]:
    """Chats per stratum: every complaint, then the rest of the quota by :data:`ALLOCATION`.

    Largest-remainder rounding; what a stratum cannot use (it has fewer sessions) goes to the
    strata with sessions left, in proportion to their shares, until the quota or the
    sessions run out.
    """
    take = {h: 0 for h in STRATA}
    take["complaint"] = population["complaint"]
    left = max(quota - take["complaint"], 0)
    open_ = {h for h in ALLOCATION if population[h] > 0}
    while left > 0 and open_:
        total = sum(ALLOCATION[h] for h in open_)
        raw = {h: left * ALLOCATION[h] / total for h in open_}
        share = {h: int(math.floor(v)) for h, v in raw.items()}
        rest = left - sum(share.values())
        for h in sorted(open_, key=lambda h: (-(raw[h] - share[h]), STRATA.index(h)))[:rest]:
            share[h] += 1
        for h in sorted(open_, key=STRATA.index):
            room = population[h] - take[h]
            give = min(share[h], room)
            take[h] += give
            left -= give
        open_ = {h for h in open_ if take[h] < population[h]}
    return take


# --------------------------------------------------------------------------------------------
# The reviews, weighted back to the population
# --------------------------------------------------------------------------------------------


def ratio_estimate(y: np.ndarray, w: np.ndarray, strata: np.ndarray, fpc: np.ndarray,
                   domain: np.ndarray | None = None) -> tuple[float, float]:
    """Weighted share of ``y`` (a Hajek ratio of Horvitz-Thompson totals) and its SE.

    The variance is the stratified linearisation (Taylor) variance of a ratio: with
    ``z_i = w_i (y_i - R) d_i / sum(w d)``, ``V = sum_h (1 - f_h) n_h / (n_h - 1)
    sum_i (z_i - mean_h z)^2``. With one stratum, equal weights and no domain this is the
    textbook ``(1 - f) p (1 - p) / (n - 1)`` (Cochran, *Sampling Techniques*, 3.4 and 5A).
    A stratum with a single unit cannot estimate its own variance: such units are pooled
    into one collapsed stratum (conservative).

    Parameters
    ----------
    y : array of 0/1
    w : array of float
        Sampling weights (inverse inclusion probabilities).
    strata : array
        Stratum label of each unit.
    fpc : array of float
        Sampling fraction ``f_h`` of each unit's stratum (1 for a stratum taken whole).
    domain : array of bool, optional
        The units of the domain (an agent, a team); default all.

    Returns
    -------
    (float, float)
        The estimate and its standard error; (nan, nan) without units in the domain.
    """
    y = np.asarray(y, float)
    w = np.asarray(w, float)
    d = np.ones(len(y), bool) if domain is None else np.asarray(domain, bool)
    total = float((w * d).sum())
    if total <= 0:
        return float("nan"), float("nan")
    r = float((w * y * d).sum()) / total
    z = w * (y - r) * d / total
    labels = pd.Series(np.asarray(strata).astype(str))
    sizes = labels.map(labels.value_counts())
    labels = labels.where(sizes > 1, "__collapsed__")
    frame = pd.DataFrame({"h": labels, "z": z, "f": np.asarray(fpc, float)})
    var = 0.0
    for _, g in frame.groupby("h"):
        n = len(g)
        if n < 2:
            var += float((g["z"] ** 2).sum())  # a lone unit: its own square, conservatively
            continue
        f = float(g["f"].mean())
        var += (1 - f) * n / (n - 1) * float(((g["z"] - g["z"].mean()) ** 2).sum())
    return r, math.sqrt(max(var, 0.0))


def _interval(r: float, se: float, n_eff: float) -> tuple[float, float]:
    """95% interval on the logit scale (stays within 0-1); Wilson at 0% or 100%."""
    if math.isnan(r):
        return float("nan"), float("nan")
    if 0 < r < 1 and se > 0:
        lo = math.log(r / (1 - r)) - Z95 * se / (r * (1 - r))
        hi = math.log(r / (1 - r)) + Z95 * se / (r * (1 - r))
        return 1 / (1 + math.exp(-lo)), 1 / (1 + math.exp(-hi))
    n = max(n_eff, 1.0)
    centre = (r + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(r * (1 - r) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return max(centre - half, 0.0), min(centre + half, 1.0)


@dataclass(frozen=True)
class QAResult(Result):
    """The reviews' pass rate for the team, each team and each agent, weighted and not.

    Attributes
    ----------
    team : pandas.DataFrame
        One row per group (``(total)`` first, then each team): group, reviews, passed,
        unweighted_rate, pass_rate (weighted), ci_low, ci_high.
    by_agent : pandas.DataFrame
        agent_id, name, team, reviews, passed, unweighted_rate, pass_rate, ci_low, ci_high.
    tags : pandas.DataFrame
        tag, reviews (reviews naming it), failed (failed reviews naming it), share_of_failed.
    reviews : pandas.DataFrame
        Every review in the period with its design: session_id, day, agent_id, stratum,
        weight, passed, in_sample.
    outside : int
        Reviews of sessions that no daily sample drew (left out of the weighted figures).
    lang : {"en", "zh"}
    """

    columns: ClassVar[tuple[str, ...]] = (
        "group", "reviews", "passed", "unweighted_rate", "pass_rate", "ci_low", "ci_high")

    team: pd.DataFrame = field(repr=False)
    by_agent: pd.DataFrame = field(repr=False)
    tags: pd.DataFrame = field(repr=False)
    reviews: pd.DataFrame = field(repr=False)
    outside: int = 0
    lang: str = "en"

    def tidy(self) -> pd.DataFrame:
        """The team and teams table (see :attr:`columns`)."""
        return self.team[list(self.columns)].copy()

    @property
    def pass_rate(self) -> dict[str, float]:
        """The whole team's weighted pass rate: estimate, ci_low, ci_high."""
        row = self.team.iloc[0] if len(self.team) else None
        if row is None:
            return {"estimate": float("nan"), "ci_low": float("nan"), "ci_high": float("nan")}
        return {"estimate": float(row["pass_rate"]), "ci_low": float(row["ci_low"]),
                "ci_high": float(row["ci_high"])}

    def to_json(self) -> dict[str, Any]:
        """The key figures: ``pass_rate`` {estimate, ci_low, ci_high} and the tables.

        Also ``unweighted_rate``, ``by_team``, ``by_agent``, ``tags``, ``reviews`` and
        ``outside_sample``.
        """
        pr = {k: _num(v) for k, v in self.pass_rate.items()}
        unweighted = _num(self.team["unweighted_rate"].iloc[0]) if len(self.team) else None
        return {"pass_rate": pr, "unweighted_rate": unweighted,
                "by_team": records(self.team), "by_agent": records(self.by_agent),
                "tags": records(self.tags), "reviews": int(len(self.reviews)),
                "outside_sample": int(self.outside)}

    def display_table(self) -> pd.DataFrame:
        """The team table with labels."""
        return TableResult(table=self.tidy(), lang=self.lang).display_table()

    def _repr_html_(self) -> str:
        return html_table(self.display_table(), total=0 if len(self.team) else None)


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def qa_pass_rates(ds: Dataset, first: str | date, last: str | date, *,
                  lang: str = "en") -> QAResult:
    """Return the reviews' pass rate of sessions started from ``first`` to ``last``.

    Each reviewed session's day is re-sampled with :func:`sample_chats` (reproducible: the
    same data give the same sample), which gives the session's stratum and the stratum's
    population that day. The reviews in a day's stratum stand for all its sessions: weight
    = population / reviews of the stratum (reviews that were sampled but not done are then
    missing at random within the stratum). The team's rate is the weighted share
    (:func:`ratio_estimate`), so reading the bad chats on purpose does not make the team
    look worse; each team and agent is a domain of the same estimate. Reviews of sessions
    no sample drew are counted in ``outside`` and left out.

    Parameters
    ----------
    ds : Dataset
        Needs sessions and qa_reviews (an empty result without qa_reviews).
    first, last : str or datetime.date
        First and last day (inclusive) of the sessions.
    lang : {"en", "zh"}

    Returns
    -------
    QAResult
    """
    first, last = check_day(first), check_day(last)
    check_lang(lang)
    team_cols = list(QAResult.columns)
    agent_cols = ["agent_id", "name", "team", "reviews", "passed", "unweighted_rate",
                  "pass_rate", "ci_low", "ci_high"]
    tag_cols = ["tag", "reviews", "failed", "share_of_failed"]
    review_cols = ["session_id", "day", "agent_id", "team", "stratum", "weight", "fpc",
                   "passed", "issue_tags", "in_sample"]
    empty = QAResult(team=pd.DataFrame(columns=team_cols),
                     by_agent=pd.DataFrame(columns=agent_cols),
                     tags=pd.DataFrame(columns=tag_cols),
                     reviews=pd.DataFrame(columns=review_cols), lang=lang)
    if not (ds.has("qa_reviews") and ds.has("sessions")):
        return empty
    reviews = reviewed_sessions(ds, first, last)
    if reviews.empty:
        return empty
    reviews["day"] = pd.to_datetime(reviews["day"]).dt.date
    designs = []
    for day in sorted(reviews["day"].unique()):
        sample = sample_chats(ds, day, lang=lang)
        population = dict(zip(sample.strata["stratum"], sample.strata["population"],
                              strict=True))
        rows = sample.table[["session_id", "stratum"]].assign(day=day)
        rows["population"] = rows["stratum"].map(population)
        designs.append(rows)
    design = pd.concat(designs, ignore_index=True)
    reviews = reviews.merge(design, on=["session_id", "day"], how="left")
    reviews["in_sample"] = reviews["stratum"].notna()
    inside = reviews[reviews["in_sample"]].copy()
    counts = inside.groupby(["day", "stratum"])["session_id"].transform("count")
    inside["weight"] = inside["population"] / counts
    inside["fpc"] = counts / inside["population"]
    teams = _agent_teams(ds)
    inside = inside.merge(teams, on="agent_id", how="left")
    inside["team"] = inside["team"].fillna("(unknown)")
    inside["passed"] = inside["passed"].astype(bool)
    strata = (inside["day"].astype(str) + "/" + inside["stratum"]).to_numpy()
    y, w, f = (inside["passed"].to_numpy(float), inside["weight"].to_numpy(float),
               inside["fpc"].to_numpy(float))

    def row(mask: np.ndarray) -> dict[str, Any]:
        r, se = ratio_estimate(y, w, strata, f, mask)
        ww = w[mask]
        n_eff = float(ww.sum() ** 2 / (ww**2).sum()) if len(ww) else 0.0
        low, high = _interval(r, se, n_eff)
        n = int(mask.sum())
        passed = int(y[mask].sum())
        return {"reviews": n, "passed": passed,
                "unweighted_rate": passed / n if n else float("nan"),
                "pass_rate": r, "ci_low": low, "ci_high": high}

    every = np.ones(len(inside), bool)
    team_rows = [{"group": "(total)", **row(every)}]
    for name in sorted(inside["team"].unique()):
        team_rows.append({"group": name, **row((inside["team"] == name).to_numpy())})
    agent_rows = []
    for agent, g in inside.groupby("agent_id", sort=True):
        agent_rows.append({"agent_id": agent, "name": g["name"].iloc[0] or "",
                           "team": g["team"].iloc[0],
                           **row((inside["agent_id"] == agent).to_numpy())})
    by_agent = pd.DataFrame(agent_rows, columns=agent_cols).sort_values(
        ["pass_rate", "agent_id"]).reset_index(drop=True)

    tag_rows: dict[str, list[int]] = {}
    for tags, passed in zip(reviews["issue_tags"], reviews["passed"], strict=True):
        if not isinstance(tags, str):
            continue
        for tag in {x.strip() for x in _TAG_SPLIT.split(tags) if x.strip()}:
            entry = tag_rows.setdefault(tag, [0, 0])
            entry[0] += 1
            entry[1] += 0 if bool(passed) else 1
    n_failed = int((~reviews["passed"].astype(bool)).sum())
    tags = pd.DataFrame([{"tag": k, "reviews": v[0], "failed": v[1],
                          "share_of_failed": v[1] / n_failed if n_failed else float("nan")}
                         for k, v in tag_rows.items()], columns=tag_cols)
    tags = tags.sort_values(["reviews", "tag"], ascending=[False, True]).reset_index(drop=True)
    inside = inside.assign(in_sample=True)
    return QAResult(team=pd.DataFrame(team_rows, columns=team_cols), by_agent=by_agent,
                    tags=tags, reviews=inside[review_cols].reset_index(drop=True),
                    outside=int((~reviews["in_sample"]).sum()), lang=lang)
