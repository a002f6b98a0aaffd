"""Simulated chat reviews (质检) of the chats csnb's daily brief asks supervisors to read.

After the world is written, every session of the reviewed days gets a planted pass
probability (lower after a complaint, a slow first response, a lost high-intent inquiry, and
for agents with a slow-answering random effect), and a pass or fail is drawn for each of
them from a random stream of its own. Reviewers then read exactly the chats
:func:`csnb.analyses.qa.sample_chats` draws each day, so ``qa_reviews.csv`` holds the
verdicts of the sampled chats, and ``truth.json`` the pass rate of *all* sessions of those
days: what the weighted estimate must recover and the unweighted rate misses (the targeted
strata fail more often).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .engine import Simulation
from .params import FAST_RESPONSE_S

#: Issue tags reviewers write, by what went wrong (Chinese, as a QA sheet has them).
TAGS = {"complaint": ("态度问题", "未解决问题"), "slow": ("回复慢", "未及时跟进"),
        "lost": ("未主动推荐", "未催付"), "other": ("话术不规范", "信息错误")}
REVIEWERS = ("质检-王", "质检-李", "质检-陈")


def review_days(sim: Simulation) -> list[date]:
    """The days reviewed: the last ``qa.review_days`` days of the last full month but one.

    The last month is left out so its brief's conversion is final; one month of data means
    that month.
    """
    n = int(sim.p["qa"]["review_days"])
    if n <= 0:
        return []
    last = date.fromisoformat(str(np.datetime64(int(sim.end_day), "D")))
    month_start = last.replace(day=1)
    end = month_start - timedelta(days=1) if sim.months > 1 else last
    return [end - timedelta(days=i) for i in range(n)][::-1]


def _review_time(i: int) -> str:
    """Clock time of a day's ``i``-th review: ten an hour from 10:00, within 10:00-23:00.

    A large shop's day has more sampled chats than fit ten an hour (hour 24 is no time):
    from the 130th on they are spread 30 s apart from 10:00, wrapping within those hours.
    """
    sec = 36_000 + (i // 10) * 3600 + (i % 10) * 300
    if sec >= 23 * 3600:
        sec = 36_000 + (i * 30) % (13 * 3600)
    return f"{sec // 3600:02d}:{sec % 3600 // 60:02d}:{sec % 60:02d}"


def write_reviews(sim: Simulation, out: Path) -> dict[str, Any]:
    """Write ``qa_reviews.csv`` for the sampled chats of :func:`review_days`; return the truth.

    Returns
    -------
    dict
        ``days`` (first, last), ``population_pass_rate`` (all sessions of those days),
        ``sessions``, ``reviews`` and the pass model (logit terms).
    """
    from ..analyses.qa import HIGH_INTENT_MSGS, complaint_links, sample_chats
    from ..io import load_dataset
    from ..metrics.sql import dataset_sql
    from .output import _write_csv

    q = sim.p["qa"]
    days = review_days(sim)
    if not days:
        return {}
    ds = load_dataset(out, cache=False)
    lo, hi = days[0], days[-1] + timedelta(days=1)
    sessions = ds.frame("sessions")
    start = sessions["start_ts"]
    sessions = (sessions.loc[(start >= pd.Timestamp(lo)) & (start < pd.Timestamp(hi)),
                             ["session_id", "agent_id", "customer_id", "start_ts", "kind",
                              "first_response_s", "customer_msgs"]]
                .sort_values("session_id").reset_index(drop=True))
    inquiries = ds.query(f"SELECT customer_id, agent_id, day, converted FROM "
                         f"({dataset_sql(ds, 'inquiries')})")
    converted = {(r.customer_id, r.agent_id, pd.Timestamp(r.day).date())
                 for r in inquiries.itertuples() if r.converted}
    linked = set(complaint_links(ds)["session_id"].dropna())
    fr = sessions["first_response_s"]
    slow = (fr.isna() | (fr > FAST_RESPONSE_S)).to_numpy()
    complaint = sessions["session_id"].isin(linked).to_numpy()
    day = pd.to_datetime(sessions["start_ts"]).dt.date
    lost = np.array([k == "presale" and m >= HIGH_INTENT_MSGS and (c, a, d) not in converted
                     for k, m, c, a, d in zip(sessions["kind"], sessions["customer_msgs"],
                                              sessions["customer_id"], sessions["agent_id"],
                                              day, strict=True)])
    # the agent's slow-answering effect (sd units): slower agents also chat worse
    u = np.asarray(sim.staff.array("u_speed", float))
    sd = float(sim.p["response"]["agent_log_sd"]) or 1.0
    agent_idx = sessions["agent_id"].str[2:].astype(int).to_numpy() - 1
    logit = (q["base_logit"] + q["complaint_logit"] * complaint + q["slow_logit"] * slow
             + q["lost_logit"] * lost + q["agent_logit_per_sd"] * u[agent_idx] / sd)
    p_pass = 1 / (1 + np.exp(-logit))
    rng = np.random.default_rng([sim.seed, 20261202])
    passed = rng.random(len(sessions)) < p_pass
    score_draw = rng.random(len(sessions))
    verdict = pd.DataFrame({"session_id": sessions["session_id"], "passed": passed,
                            "score": np.where(passed, 80 + 20 * score_draw, 40 + 39 * score_draw),
                            "complaint": complaint, "slow": slow, "lost": lost})
    verdict = verdict.set_index("session_id")

    rows = []
    for d in days:
        sample = sample_chats(ds, d)
        for i, sid in enumerate(sample.table["session_id"]):
            v = verdict.loc[sid]
            tags: list[str] = []
            if not v["passed"]:
                kind = ("complaint" if v["complaint"] else "slow" if v["slow"]
                        else "lost" if v["lost"] else "other")
                tags.append(TAGS[kind][i % 2])
            rows.append({"session_id": sid, "reviewer": REVIEWERS[i % len(REVIEWERS)],
                         "score": round(float(v["score"]), 1),
                         "pass": "true" if v["passed"] else "false",
                         "issue_tags": "、".join(tags) or None,
                         "reviewed_at": f"{d + timedelta(days=1)} {_review_time(i)}"})
    ds.con.close()
    reviews = pd.DataFrame(rows, columns=["session_id", "reviewer", "score", "pass",
                                          "issue_tags", "reviewed_at"])
    _write_csv(reviews, out / "qa_reviews.csv", "qa_reviews")
    return {
        "days": [str(days[0]), str(days[-1])],
        "sessions": int(len(sessions)),
        "reviews": int(len(reviews)),
        "population_pass_rate": float(passed.mean()) if len(passed) else None,
        "reviewed_pass_rate": float((reviews["pass"] == "true").mean()) if len(reviews)
        else None,
        "model": {k: q[k] for k in ("base_logit", "complaint_logit", "slow_logit",
                                    "lost_logit", "agent_logit_per_sd")},
    }
