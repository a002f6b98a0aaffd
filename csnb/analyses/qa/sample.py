"""The chats to read: the day's stratified sample (see :mod:`csnb.analyses.qa`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...errors import ParameterError
from ...i18n import t, value_label
from ...io.dataset import Dataset
from ...metrics import complaint_links, sessions_of_day
from ...metrics.sql import dataset_sql
from ..base import Result, TableResult, html_table, records
from .common import agent_teams, check_day, mask_customer, missing
from .flags import DailyAgentsResult, daily_agents

#: Customer messages that make a presale session high-intent (about the 90th percentile of
#: the simulated shop's presale sessions).
HIGH_INTENT_MSGS = 8
#: The strata of the chats to read, in priority order (a session is in the first that fits).
STRATA = ("complaint", "flagged", "slow", "lost_intent", "random")
#: Shares of the quota left after the complaint stratum (taken whole). Flagged agents' chats
#: are over-sampled; the random stratum keeps a fair baseline to compare the targeted with.
ALLOCATION = {"flagged": 0.4, "slow": 0.2, "lost_intent": 0.2, "random": 0.2}

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
    sql = dataset_sql(ds, "inquiries")
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
    names = dict(zip(*agent_teams(ds)[["agent_id", "name"]].to_numpy().T, strict=True)) \
        if ds.has("agents") else {}

    strata, reasons = [], []
    for s in sessions.itertuples(index=False):
        fr = s.first_response_s
        never = missing(fr) or pd.isna(fr)
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
        elif (s.kind == "presale" and not missing(s.customer_msgs)
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


