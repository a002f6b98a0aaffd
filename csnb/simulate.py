"""Simulate a customer-service dataset with planted, documented effects.

:func:`simulate` writes a dataset folder in the data contract (``csnb.schema``) and returns
the *truth*: every quantity the simulator planted (baseline rates, the conversion model, the
agent random-effect sds, the bottom-ranked-out policy's adoption months and effects), also
written to ``truth.json``. Analyses are tested by recovering these quantities.

The world, month by month
-------------------------
- Four teams with Chinese names; agents with a role, a shift, an outsourced flag and a base
  salary. Exits follow monthly hazards (higher on the night shift and in the first 90 days);
  every exit is replaced by a hire into the same team after a lag of days to weeks.
- Each working agent-day draws presale (询单) and aftersale sessions; the volume peaks on 618
  (June 1-18), 双11 (Nov 1-11) and 双12 (Dec 12), aftersale a little after them.
- A presale visit converts with a logistic model in first response time, tenure band, promotion
  day, the policy, and a normal agent effect on the logit scale. Converted customers pay an
  order the same day or the next (a few later, outside the attribution window); some orders
  carry the agent tag (备注工号); some orders are never paid; silent orders have no session.
- Service complaints arise per session (more after a slow answer, with an agent effect);
  logistics and product complaints per paid order.
- Bottom-ranked-out (末位淘汰): two teams adopt it in different months. The simulator ranks
  agents internally each month (an approximation of the metric book's rule: it knows which
  inquiries converted) and dismisses an agent bottom-ranked two months running. No
  ``rankings`` table is written: csnb derives rankings.

Output files: ``agents.csv``, ``policies.csv``, ``complaints.csv`` (UTF-8), ``sessions/`` and
``orders/`` (one zstd Parquet file per month, deterministic bytes), ``csnb.toml``,
``truth.json`` and ``README.md``. The same seed and arguments give byte-identical files.

Examples
--------
>>> truth = simulate("/tmp/shop", seed=1, agents=12, months=3)  # doctest: +SKIP
>>> truth["policy"]["adoption"]  # doctest: +SKIP
{'售前一组': '2024-02', '夜班组': '2024-03'}
"""

from __future__ import annotations

import argparse
import copy
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .schema import TABLES

__all__ = ["SAMPLE_MONTH", "SAMPLE_SEED", "DEFAULT_PARAMS", "simulate"]

#: Seed of the committed sample in ``data/samples``.
SAMPLE_SEED = 20251111
#: The sample's report month: a 双11 month with the same month of last year in the data.
SAMPLE_MONTH = "2025-11"

#: Version of the simulator's model; written to truth.json.
SIM_VERSION = 1

_ROW_GROUP = 65_536
_ZSTD_LEVEL = 9
_SECONDS_PER_DAY = 86_400

#: Every tunable quantity of the simulator, with its unit in the key name or comment.
#: ``simulate(..., params={...})`` overrides entries (nested dicts are merged).
DEFAULT_PARAMS: dict[str, Any] = {
    "teams": [
        # share: of the initial headcount; *_per_day: mean sessions per working agent-day.
        {"team": "售前一组", "role": "presale", "shifts": {"day": 1.0}, "share": 0.3,
         "presale_per_day": 14.0, "aftersale_per_day": 1.0, "outsourced_p": 0.1,
         "base_salary": 4200},
        {"team": "售前二组", "role": "presale",
         "shifts": {"day": 0.4, "rotating": 0.3, "night": 0.3}, "share": 0.3,
         "presale_per_day": 13.0, "aftersale_per_day": 1.5, "outsourced_p": 0.3,
         "base_salary": 4000},
        {"team": "售后组", "role": "aftersale", "shifts": {"day": 0.8, "rotating": 0.2},
         "share": 0.2, "presale_per_day": 2.0, "aftersale_per_day": 12.0, "outsourced_p": 0.1,
         "base_salary": 3800},
        {"team": "夜班组", "role": "mixed", "shifts": {"night": 1.0}, "share": 0.2,
         "presale_per_day": 8.0, "aftersale_per_day": 4.0, "outsourced_p": 0.7,
         "base_salary": 4300},
    ],
    # Bottom-ranked-out policy: adopting teams and the adoption month as a fraction of the
    # simulated span (0.375 and 0.625 of 24 months = months 10 and 16: 2024-10 and 2025-04).
    "policy": {
        "adopters": {"售前一组": 0.375, "夜班组": 0.625},
        "bottom_share": 0.1,
        "action": "dismissal",
        "consecutive_bottom_to_dismiss": 2,
        "min_inquiries": 30,
        "conversion_logit_shift": 0.10,   # added to the conversion logit of a visit
        "first_response_mult": 0.85,      # multiplies first response time
        "complaint_mult": 1.30,           # multiplies the service-complaint rate per session
        "voluntary_exit_mult": 1.50,      # multiplies the monthly voluntary exit hazard
    },
    "work_day_p": 0.83,                   # chance an active agent works a given day
    "trend_per_year": 0.10,               # session volume growth, relative, per year
    "weekend_mult": 1.10,
    "promotions": {
        # multipliers of presale volume on days of the promotions
        "618_period": 1.5, "618_day": 3.0,            # June 1-17, June 18
        "double11_period": 1.8, "double11_day": 4.0,  # Nov 1-10, Nov 11
        "double12_day": 2.5,                          # Dec 12
        "aftersale_after_mult": 1.5,  # aftersale volume June 19-30 and Nov 12-30
        "conversion_logit": 0.25,     # conversion logit shift on promotion days
        "complaint_mult": 1.4,        # complaint rates on promotion days
        "first_response_slowdown": 0.25,  # fr x (1 + this x (volume mult - 1))
    },
    "exit": {
        "voluntary_monthly": 0.022,    # hazard per month, day shift, tenure >= 90 days
        "night_mult": 2.0,
        "rotating_mult": 1.4,
        "new_hire_mult": 2.0,          # tenure < 90 days at the month's start
        "outsourced_mult": 1.3,
        "dismissed_monthly": 0.003,
        "contract_end_monthly": 0.004,
        "other_monthly": 0.003,
        "replacement_lag_days": [3, 35],  # uniform, days after the exit date
        "initial_tenure_mean_days": 420,
        "at_fault_dismissal": 3,       # at-fault complaints in a month that mean dismissal
        "at_fault_dismissal_p": 0.5,   # managers dismiss on the rule only this often
    },
    "response": {
        "first_response_median_s": 30.0,
        "first_response_log_sd": 1.1,       # session-level sd of log first response
        "agent_log_sd": 0.30,               # agent random effect on log first response
        "out_of_hours_mult": 1.8,
        "new_agent_mult": 1.4,              # tenure < 30 days
        "never_answered_p": 0.015,
        "never_answered_promo_mult": 2.0,
        "never_answered_out_of_hours_mult": 3.0,
    },
    "conversion": {
        "baseline_p": 0.40,              # at 0 s first response, tenure 90-364 d, no promo
        "first_response_per_min": -0.15,  # logit per minute of (capped) first response
        "response_cap_s": 600.0,
        "never_answered_logit": -1.0,    # on top of the 600 s cap
        "tenure_logit": {"0-29": -0.5, "30-89": -0.25, "90-364": 0.0, "365+": 0.1},
        "agent_sd": 0.35,                # agent random effect, logit scale
        "second_agent_p": 0.07,          # visit also talks to a second agent
        "same_day_p": 0.72,              # converted: pays the same day...
        "next_day_p": 0.21,              # ...the next day; the rest 2-6 days later
        "extra_order_p": 0.08,
        "agent_tag_p": 0.35,             # order tagged with the agent id (备注工号)
        "unpaid_order_p": 0.07,          # non-converted visit leaves an unpaid order
        "silent_ratio": 0.9,             # silent orders per converted visit, same day
        "silent_unpaid_p": 0.05,
        "amount_median": 120.0,          # yuan
        "amount_log_sd": 0.8,
        "promo_amount_mult": 1.15,
        "refund_p": 0.07,
        "refund_promo_mult": 1.5,
        "refund_full_p": 0.6,
    },
    "complaints": {
        "service_per_1000_sessions": 2.0,
        "aftersale_mult": 1.5,
        "slow_mult": 2.0,                 # first response > 180 s or never answered
        "agent_log_sd": 0.4,              # agent random effect on log service rate
        "at_fault_p": 0.35,
        "service_agent_link_p": 0.9,      # not-at-fault service complaints naming the agent
        "non_service_per_1000_paid_orders": 3.5,
        "unresolved_p": 0.03,
        "resolve_median_h": 20.0,
    },
    "customer_pool_per_agent": 12_000,
}

_SERVICE_CATEGORIES = ("attitude", "slow_response", "wrong_info", "unfulfilled_promise",
                       "order_error", "refund_dispute", "other")
_SERVICE_P = (0.27, 0.18, 0.16, 0.15, 0.10, 0.09, 0.05)
_NON_SERVICE_CATEGORIES = ("logistics", "product_quality", "refund_dispute", "other")
_NON_SERVICE_P = (0.45, 0.35, 0.12, 0.08)
_SOURCES = ("platform_dispute", "bad_review", "hotline", "internal_qa")
_SERVICE_SOURCE_P = (0.25, 0.40, 0.10, 0.25)
_NON_SERVICE_SOURCE_P = (0.35, 0.50, 0.15, 0.0)
_PRESALE_TOPICS = ("商品咨询", "尺码推荐", "优惠活动", "发货时间", "库存查询")
_PRESALE_TOPIC_P = (0.38, 0.2, 0.2, 0.14, 0.08)
_AFTERSALE_TOPICS = ("退换货", "物流查询", "质量问题", "退款", "发票")
_AFTERSALE_TOPIC_P = (0.3, 0.3, 0.15, 0.2, 0.05)

_SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯"
                  "邓曹彭曾肖田董袁潘蒋蔡余杜叶")
_GIVEN = tuple("婷静丽敏燕艳娟霞芳娜莉雪琳晶颖慧佳欣怡萱涵悦琪瑶宁洁倩蕾薇"
               "玲晓梦雅楠伟磊强军杰涛浩宇鹏飞斌超凯勇俊")

# Hour-of-day weights (index = hour) for day-shift and night-shift sessions. Day shift works
# 08:00-23:00 with a little spill before and after; night shift 15:00-02:00, so about a fifth
# of its sessions fall outside the default business hours.
_DAY_HOURS = np.array([0, 0, 0, 0, 0, 0, 0, 0.6, 3, 6, 9, 8, 5, 6, 8, 8, 7, 5, 4, 6, 8, 8, 6,
                       0.8], dtype=float)
_NIGHT_HOURS = np.array([4, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 4, 4, 4, 6, 8, 9, 8,
                         6], dtype=float)
_DAY_HOURS /= _DAY_HOURS.sum()
_NIGHT_HOURS /= _NIGHT_HOURS.sum()
_BUSINESS = (8, 23)  # default business hours [08:00, 23:00)


# --------------------------------------------------------------------------------------------
# helpers


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and k != "adopters":
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _month_start(start: str, i: int) -> np.datetime64:
    return (np.datetime64(start, "M") + i).astype("datetime64[D]")


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _split(n: int, shares: list[float]) -> list[int]:
    """Split ``n`` by ``shares`` with largest remainders (sums to ``n``)."""
    raw = np.asarray(shares, dtype=float) / sum(shares) * n
    base = np.floor(raw).astype(int)
    order = np.argsort(-(raw - base), kind="stable")
    base[order[: n - base.sum()]] += 1
    return base.tolist()


def _day_multipliers(days: np.ndarray, p: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Presale volume, aftersale volume and promotion flag for each day."""
    pr = p["promotions"]
    m = (days.astype("datetime64[M]").astype(int) % 12) + 1
    d = (days - days.astype("datetime64[M]").astype("datetime64[D]")).astype(int) + 1
    presale = np.ones(len(days))
    promo = np.zeros(len(days), dtype=bool)
    for mask, mult in (
        ((m == 6) & (d <= 17), pr["618_period"]),
        ((m == 6) & (d == 18), pr["618_day"]),
        ((m == 11) & (d <= 10), pr["double11_period"]),
        ((m == 11) & (d == 11), pr["double11_day"]),
        ((m == 12) & (d == 12), pr["double12_day"]),
    ):
        presale[mask] = mult
        promo |= mask
    weekday = (days.astype(int) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    weekend = np.where(weekday >= 5, p["weekend_mult"], 1.0)
    after = 1.0 + 0.5 * (presale - 1.0)
    after_peak = ((m == 6) & (d >= 19)) | ((m == 11) & (d >= 12))
    after = np.where(after_peak, pr["aftersale_after_mult"], after)
    return presale * weekend, after * weekend, promo


def _names(rng: np.random.Generator, n: int, taken: set[str]) -> list[str]:
    out = []
    while len(out) < n:
        given_len = 1 + (rng.random() < 0.6)
        name = _SURNAMES[rng.integers(len(_SURNAMES))] + "".join(
            _GIVEN[rng.integers(len(_GIVEN))] for _ in range(given_len)
        )
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out


def _tenure_band(tenure_days: np.ndarray) -> np.ndarray:
    return np.digitize(tenure_days, [30, 90, 365])  # 0: 0-29, 1: 30-89, 2: 90-364, 3: 365+


class _Staff:
    """Agent register, grown as hires replace exits."""

    def __init__(self, rng: np.random.Generator, p: dict):
        self.rng = rng
        self.p = p
        self.cols: dict[str, list] = {k: [] for k in (
            "team", "role", "shift", "hire", "exit", "reason", "outsourced", "salary",
            "u_conv", "u_speed", "u_complaint", "name")}
        self.names: set[str] = set()

    def __len__(self) -> int:
        return len(self.cols["team"])

    def add(self, team_idx: int, hire: int) -> None:
        rng, p = self.rng, self.p
        t = p["teams"][team_idx]
        shifts = list(t["shifts"])
        shift = shifts[rng.choice(len(shifts), p=np.array(list(t["shifts"].values())) /
                                  sum(t["shifts"].values()))]
        c = self.cols
        c["team"].append(team_idx)
        c["role"].append(t["role"])
        c["shift"].append(shift)
        c["hire"].append(int(hire))
        c["exit"].append(None)
        c["reason"].append(None)
        c["outsourced"].append(bool(rng.random() < t["outsourced_p"]))
        c["salary"].append(int(round(t["base_salary"] + rng.normal(0, 300), -2)))
        c["u_conv"].append(rng.normal(0, p["conversion"]["agent_sd"]))
        c["u_speed"].append(rng.normal(0, p["response"]["agent_log_sd"]))
        sd = p["complaints"]["agent_log_sd"]
        c["u_complaint"].append(rng.normal(-sd * sd / 2, sd))  # mean-one multiplier
        c["name"].append(_names(rng, 1, self.names)[0])

    def array(self, key: str, dtype=None) -> np.ndarray:
        return np.asarray(self.cols[key], dtype=dtype)

    def exit_days(self) -> np.ndarray:
        big = np.iinfo(np.int64).max
        return np.array([big if e is None else e for e in self.cols["exit"]], dtype=np.int64)

    def set_exit(self, i: int, day: int, reason: str, end_day: int) -> int | None:
        """Record an exit and return the replacement's hire day (``None`` past the end)."""
        self.cols["exit"][i] = int(day)
        self.cols["reason"][i] = reason
        lo, hi = self.p["exit"]["replacement_lag_days"]
        hire = int(day) + 1 + int(self.rng.integers(lo, hi + 1))
        return hire if hire <= end_day else None


# --------------------------------------------------------------------------------------------
# the simulation


def simulate(
    out: str | Path,
    seed: int,
    *,
    agents: int = 40,
    months: int = 24,
    start: str = "2024-01",
    params: dict | None = None,
) -> dict:
    """Simulate a dataset in the data contract and write it to ``out``.

    Parameters
    ----------
    out : path
        Folder to write (created; files of the same names are overwritten).
    seed : int
        Seed of ``numpy.random.default_rng``; the same arguments give byte-identical files.
    agents : int, default 40
        Initial headcount, split over the four teams; hires replace exits.
    months : int, default 24
        Number of full calendar months to simulate.
    start : str, default "2024-01"
        First month, ``YYYY-MM``.
    params : dict, optional
        Overrides of :data:`DEFAULT_PARAMS` (nested dicts are merged), e.g. smaller session
        volumes for fast tests.

    Returns
    -------
    dict
        The truth, also written to ``out/truth.json``: ``seed``, ``arguments``, ``start_month``,
        ``end_month``, ``teams``, ``policy`` (adoption month per team and each planted effect
        with its unit), ``agent_effects`` (random-effect sds), ``baseline``,
        ``conversion_model``, ``exit_model``, ``promotions``, ``realized`` (rankings and
        dismissals the simulator made) and ``counts`` (rows written per table and file).

    Raises
    ------
    ValueError
        ``agents`` < 4, ``months`` < 1 or ``start`` not ``YYYY-MM``.
    """
    if agents < 4:
        raise ValueError(f"agents must be at least 4 (one per team); got {agents}")
    if months < 1:
        raise ValueError(f"months must be at least 1; got {months}")
    try:
        np.datetime64(start, "M")
        if len(start) != 7:
            raise ValueError
    except ValueError as exc:
        raise ValueError(f"start must be a month YYYY-MM; got {start!r}") from exc
    p = _merge(DEFAULT_PARAMS, params or {})
    rng = np.random.default_rng(seed)
    sim = _Simulation(p, rng, agents=agents, months=months, start=start)
    sim.run()
    out = Path(out)
    counts = sim.write(out)
    truth = sim.truth(seed=seed, agents=agents, months=months, start=start, counts=counts)
    sim.write_readme(out, truth)
    (out / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8"
    )
    return truth


class _Simulation:
    def __init__(self, p: dict, rng: np.random.Generator, *, agents: int, months: int,
                 start: str):
        self.p, self.rng, self.months, self.start = p, rng, months, start
        self.first_day = int(_month_start(start, 0).astype(int))
        self.end_day = int(_month_start(start, months).astype(int)) - 1  # last simulated day
        self.team_names = [t["team"] for t in p["teams"]]
        self.staff = _Staff(rng, p)
        adopters = p["policy"]["adopters"]
        unknown = set(adopters) - set(self.team_names)
        if unknown:
            raise ValueError(f"policy adopters {sorted(unknown)} are not teams")
        # adoption month index per team; at least 1 so every adopter has a pre-period
        self.adopt = {
            self.team_names.index(t): min(months - 1, max(1, round(f * months)))
            for t, f in adopters.items()
        } if months > 1 else {}
        self.pool = max(1000, int(p["customer_pool_per_agent"] * agents))
        self.pending: dict[int, list[tuple[int, int, str]]] = {}  # month -> (agent, day, why)
        self.bottom_streak: dict[int, int] = {}
        self.rank_log: list[dict] = []
        self.dismiss_log: list[dict] = []
        self.hire_queue: list[tuple[int, int]] = []  # (team, hire day)
        self.fault_log: list[tuple[np.ndarray, np.ndarray]] = []  # (created s, agent)
        self.S: list[dict] = []
        self.O: list[dict] = []
        self.C: list[dict] = []
        self.n_orders = 0
        self.recent_paid: tuple[np.ndarray, np.ndarray] = (np.empty(0, np.int64),
                                                           np.empty(0, np.int64))
        # Initial staff: split over teams, tenure spread (exponential, at least a week).
        for ti, n in enumerate(_split(agents, [t["share"] for t in p["teams"]])):
            for _ in range(n):
                tenure = 7 + int(rng.exponential(p["exit"]["initial_tenure_mean_days"]))
                self.staff.add(ti, self.first_day - min(tenure, 2500))

    # -- month loop -------------------------------------------------------------------------

    def run(self) -> None:
        for mi in range(self.months):
            d0 = int(_month_start(self.start, mi).astype(int))
            d1 = int(_month_start(self.start, mi + 1).astype(int)) - 1
            self._hires(d1)
            self._exits(mi, d0, d1)
            self._hires(d1)  # replacements hired within this month
            self._month(mi, d0, d1)

    def _hires(self, d1: int) -> None:
        keep = []
        for team, day in self.hire_queue:
            if day <= d1:
                self.staff.add(team, day)
            else:
                keep.append((team, day))
        self.hire_queue = keep

    def _policy_on(self, team_idx: np.ndarray, mi: int) -> np.ndarray:
        on = np.zeros(len(team_idx), dtype=bool)
        for t, a in self.adopt.items():
            on |= (team_idx == t) & (mi >= a)
        return on

    def _exits(self, mi: int, d0: int, d1: int) -> None:
        st, p, rng, ex = self.staff, self.p, self.rng, self.p["exit"]
        # 1. dismissals decided at the last monthly review (ranking, at-fault complaints)
        for agent, day, why in self.pending.pop(mi, []):
            if st.cols["exit"][agent] is None:
                hire = st.set_exit(agent, max(day, st.cols["hire"][agent]), why, self.end_day)
                if hire is not None:
                    self.hire_queue.append((st.cols["team"][agent], hire))
        # 2. hazards for everyone employed during the month and not leaving yet
        hire = st.array("hire", np.int64)
        exit_ = st.exit_days()
        at_risk = np.flatnonzero((hire <= d1) & (exit_ == np.iinfo(np.int64).max))
        if len(at_risk) == 0:
            return
        shift = st.array("shift")[at_risk]
        tenure0 = d0 - hire[at_risk]
        vol = np.full(len(at_risk), ex["voluntary_monthly"])
        vol *= np.where(shift == "night", ex["night_mult"],
                        np.where(shift == "rotating", ex["rotating_mult"], 1.0))
        vol *= np.where(tenure0 < 90, ex["new_hire_mult"], 1.0)
        vol *= np.where(st.array("outsourced", bool)[at_risk], ex["outsourced_mult"], 1.0)
        team = st.array("team", np.int64)[at_risk]
        vol *= np.where(self._policy_on(team, mi), p["policy"]["voluntary_exit_mult"], 1.0)
        hz = np.column_stack([vol, np.full(len(at_risk), ex["dismissed_monthly"]),
                              np.full(len(at_risk), ex["contract_end_monthly"]),
                              np.full(len(at_risk), ex["other_monthly"])])
        first = np.maximum(hire[at_risk], d0)
        frac = (d1 - first + 1) / (d1 - d0 + 1)  # employed part of the month
        total = hz.sum(axis=1)
        p_exit = 1 - np.exp(-total * frac)
        leave = rng.random(len(at_risk)) < p_exit
        u_reason = rng.random(len(at_risk))
        u_day = rng.random(len(at_risk))
        reasons = ("voluntary", "dismissed", "contract_end", "other")
        cum = np.cumsum(hz, axis=1) / total[:, None]
        for k in np.flatnonzero(leave):
            reason = reasons[int(np.searchsorted(cum[k], u_reason[k], side="right"))]
            day = first[k] + int(u_day[k] * (d1 - first[k] + 1))
            new = st.set_exit(int(at_risk[k]), day, reason, self.end_day)
            if new is not None:
                self.hire_queue.append((int(team[k]), new))

    def _month(self, mi: int, d0: int, d1: int) -> None:
        p, rng, st = self.p, self.rng, self.staff
        pr, cv, rs, cp = p["promotions"], p["conversion"], p["response"], p["complaints"]
        days = np.arange(d0, d1 + 1)
        nd = len(days)
        pre_mult, after_mult, promo = _day_multipliers(days.astype("datetime64[D]"), p)
        trend = 1 + p["trend_per_year"] * (days - self.first_day) / 365.25
        n_ag = len(st)
        hire = st.array("hire", np.int64)
        exit_ = st.exit_days()
        team = st.array("team", np.int64)
        shift = st.array("shift")
        active = (hire[:, None] <= days[None, :]) & (exit_[:, None] >= days[None, :])
        works = active & (rng.random((n_ag, nd)) < p["work_day_p"])
        # rotating agents work a night shift on about half of their days
        night_day = works & ((shift == "night")[:, None] | (
            (shift == "rotating")[:, None] & (rng.random((n_ag, nd)) < 0.5)))
        lam_p = np.array([p["teams"][t]["presale_per_day"] for t in team])
        lam_a = np.array([p["teams"][t]["aftersale_per_day"] for t in team])
        n_pre = rng.poisson(lam_p[:, None] * (pre_mult * trend)[None, :] * works)
        n_aft = rng.poisson(lam_a[:, None] * (after_mult * trend)[None, :] * works)

        # -- sessions: one row per session; primary presale sessions are "visits" ----------
        ai, di = np.nonzero(works)
        counts_p = n_pre[ai, di]
        counts_a = n_aft[ai, di]
        s_agent = np.concatenate([np.repeat(ai, counts_p), np.repeat(ai, counts_a)])
        s_day = np.concatenate([np.repeat(di, counts_p), np.repeat(di, counts_a)])
        s_pre = np.concatenate([np.ones(counts_p.sum(), bool), np.zeros(counts_a.sum(), bool)])
        n_s = len(s_agent)
        s_night = night_day[s_agent, s_day]
        hours = np.where(s_night, rng.choice(24, n_s, p=_NIGHT_HOURS),
                         rng.choice(24, n_s, p=_DAY_HOURS))
        s_ts = (days[s_day] * _SECONDS_PER_DAY + hours * 3600
                + rng.integers(0, 3600, n_s)).astype(np.int64)
        # a visit sometimes also talks to a second agent working that day, a little later
        second = s_pre & (rng.random(n_s) < cv["second_agent_p"])
        src = np.flatnonzero(second)
        sec_agent = np.full(len(src), -1)
        for d in np.unique(s_day[src]):
            here = src[s_day[src] == d]
            pool = np.flatnonzero(works[:, d])
            if len(pool) < 2:
                continue
            pick = pool[rng.integers(0, len(pool), len(here))]
            same = pick == s_agent[here]
            pick[same] = pool[(np.searchsorted(pool, pick[same]) + 1) % len(pool)]
            sec_agent[np.isin(src, here)] = pick
        sec_ts = s_ts[src] + rng.integers(180, 5400, len(src))
        ok = (sec_agent >= 0) & (sec_ts // _SECONDS_PER_DAY == days[s_day[src]])
        src, sec_agent, sec_ts = src[ok], sec_agent[ok], sec_ts[ok]
        visit_of = np.concatenate([np.arange(n_s), src])  # session -> its visit (primary)
        s_agent = np.concatenate([s_agent, sec_agent])
        s_day = np.concatenate([s_day, s_day[src]])
        s_pre = np.concatenate([s_pre, np.ones(len(src), bool)])
        s_ts = np.concatenate([s_ts, sec_ts])
        n_all = len(s_agent)

        # customers: presale visits from the pool; aftersale mostly from recent buyers
        cust = rng.integers(0, self.pool, n_s).astype(np.int64)
        link_order = np.full(n_s, -1, np.int64)
        aft = np.flatnonzero(~s_pre[:n_s])
        rc, ro = self.recent_paid
        if len(rc):
            buyer = rng.random(len(aft)) < 0.6
            j = rng.integers(0, len(rc), len(aft))
            cust[aft[buyer]] = rc[j[buyer]]
            link_order[aft[buyer]] = ro[j[buyer]]
        s_cust = cust[visit_of]

        # first response: lognormal; agent, tenure, hours, promotion load and policy drive it
        tenure = days[s_day] - hire[s_agent]
        hour = (s_ts % _SECONDS_PER_DAY) // 3600
        in_hours = (hour >= _BUSINESS[0]) & (hour < _BUSINESS[1])
        policy_s = self._policy_on(team[s_agent], mi)
        u_speed = st.array("u_speed", float)
        log_fr = (np.log(rs["first_response_median_s"]) + u_speed[s_agent]
                  + np.log1p(pr["first_response_slowdown"] * (pre_mult[s_day] - 1))
                  + np.where(in_hours, 0.0, np.log(rs["out_of_hours_mult"]))
                  + np.where(tenure < 30, np.log(rs["new_agent_mult"]), 0.0)
                  + np.where(policy_s, np.log(p["policy"]["first_response_mult"]), 0.0)
                  + rng.normal(0, rs["first_response_log_sd"], n_all))
        fr = np.maximum(1, np.round(np.exp(log_fr))).astype(np.int64)
        p_never = (rs["never_answered_p"]
                   * np.where(promo[s_day], rs["never_answered_promo_mult"], 1.0)
                   * np.where(in_hours, 1.0, rs["never_answered_out_of_hours_mult"]))
        never = rng.random(n_all) < p_never
        avg = np.round(np.exp(0.5 * np.log(np.minimum(fr, 600)) + 0.5 * np.log(25.0)
                              + rng.normal(0, 0.4, n_all))).astype(np.int64)
        c_msgs = 1 + rng.poisson(np.where(s_pre, 4.0, 6.0))
        a_msgs = np.where(never, 0, 1 + rng.poisson(np.where(s_pre, 4.0, 5.0)))
        topic = np.where(
            s_pre,
            np.array(_PRESALE_TOPICS)[rng.choice(5, n_all, p=_PRESALE_TOPIC_P)],
            np.array(_AFTERSALE_TOPICS)[rng.choice(5, n_all, p=_AFTERSALE_TOPIC_P)],
        )

        # -- conversion of presale visits (decided on the primary session) ----------------
        vis = np.flatnonzero(s_pre[:n_s])
        cap = cv["response_cap_s"]
        fr_eff = np.where(never[vis], cap, np.minimum(fr[vis], cap))
        tl = cv["tenure_logit"]
        band_logit = np.array([tl["0-29"], tl["30-89"], tl["90-364"], tl["365+"]])
        u_conv = st.array("u_conv", float)
        logit = (_logit(cv["baseline_p"]) + cv["first_response_per_min"] * fr_eff / 60
                 + np.where(never[vis], cv["never_answered_logit"], 0.0)
                 + band_logit[_tenure_band(tenure[vis])]
                 + np.where(promo[s_day[vis]], pr["conversion_logit"], 0.0)
                 + np.where(policy_s[vis], p["policy"]["conversion_logit_shift"], 0.0)
                 + u_conv[s_agent[vis]])
        conv = rng.random(len(vis)) < 1 / (1 + np.exp(-logit))
        # the visit's last session (a second agent's session comes later)
        last_ts = s_ts[:n_s].copy()
        last_agent = s_agent[:n_s].copy()
        last_ts[src] = sec_ts
        last_agent[src] = sec_agent
        cvis = vis[conv]
        n_c = len(cvis)
        u = rng.random(n_c)
        when = np.where(u < cv["same_day_p"], 0,
                        np.where(u < cv["same_day_p"] + cv["next_day_p"], 1, 2))
        v_day0 = days[s_day[cvis]]
        later_day = v_day0 + np.where(when == 1, 1, rng.integers(2, 7, n_c))
        later_ts = (later_day * _SECONDS_PER_DAY + rng.choice(24, n_c, p=_DAY_HOURS) * 3600
                    + rng.integers(0, 3600, n_c))
        created = np.where(when == 0,
                           last_ts[cvis] + 60 + rng.exponential(1500, n_c).astype(np.int64),
                           later_ts)
        created = np.maximum(created, last_ts[cvis] + 60)
        extra = rng.random(n_c) < cv["extra_order_p"]
        o_visit = np.concatenate([cvis, cvis[extra]])
        o_created = np.concatenate([created, created[extra] + rng.integers(60, 1800,
                                                                            extra.sum())])
        o_paid = o_created + rng.integers(10, 900, len(o_visit))
        o_cust = cust[o_visit]
        tagged = rng.random(len(o_visit)) < cv["agent_tag_p"]
        o_tag = np.where(tagged, s_agent[o_visit], -1)
        # unpaid orders from visits that did not convert
        nvis = vis[~conv]
        unp = nvis[rng.random(len(nvis)) < cv["unpaid_order_p"]]
        u_created = last_ts[unp] + rng.integers(60, 7200, len(unp))
        # silent orders: no session; volume follows the day's converted visits
        conv_per_day = np.bincount(s_day[cvis], minlength=nd)
        n_sil = rng.poisson(cv["silent_ratio"] * np.maximum(conv_per_day, 1))
        sil_day = np.repeat(np.arange(nd), n_sil)
        sil_created = (days[sil_day] * _SECONDS_PER_DAY
                       + rng.choice(24, len(sil_day), p=_DAY_HOURS) * 3600
                       + rng.integers(0, 3600, len(sil_day)))
        sil_paid = sil_created + rng.integers(10, 900, len(sil_day))
        sil_paid = np.where(rng.random(len(sil_day)) < cv["silent_unpaid_p"], -1, sil_paid)
        sil_cust = rng.integers(0, self.pool, len(sil_day)).astype(np.int64)

        O_cust = np.concatenate([o_cust, cust[unp], sil_cust])
        O_created = np.concatenate([o_created, u_created, sil_created]).astype(np.int64)
        O_paid = np.concatenate([o_paid, np.full(len(unp), -1), sil_paid]).astype(np.int64)
        O_tag = np.concatenate([o_tag, np.full(len(unp) + len(sil_day), -1)])
        O_day = O_created // _SECONDS_PER_DAY
        O_promo = np.isin(O_day, days[promo])
        n_o = len(O_cust)
        amount = np.exp(np.log(cv["amount_median"]) + rng.normal(0, cv["amount_log_sd"], n_o))
        amount = np.round(amount * np.where(O_promo, cv["promo_amount_mult"], 1.0), 1)
        amount = np.maximum(amount, 1.0)
        paid = O_paid >= 0
        refund_p = cv["refund_p"] * np.where(O_promo, cv["refund_promo_mult"], 1.0)
        refunded = paid & (rng.random(n_o) < refund_p)
        partial = np.round(amount * rng.uniform(0.1, 0.6, n_o), 1)
        refund = np.where(refunded, np.where(rng.random(n_o) < cv["refund_full_p"], amount,
                                             partial), 0.0)
        O_id = self.n_orders + np.arange(n_o)
        self.n_orders += n_o
        order_of_visit = np.full(n_s, -1, np.int64)
        order_of_visit[o_visit[: n_c]] = O_id[:n_c]
        self.O.append({"idx": O_id, "cust": O_cust, "created": O_created, "paid": O_paid,
                       "amount": amount, "agent": O_tag, "refund": refund})
        paid_idx = np.flatnonzero(paid)
        self.recent_paid = (O_cust[paid_idx], O_id[paid_idx])

        # -- complaints ---------------------------------------------------------------------
        slow = never | (fr > 180)
        u_c = st.array("u_complaint", float)
        rate = (cp["service_per_1000_sessions"] / 1000 * np.exp(u_c[s_agent])
                * np.where(s_pre, 1.0, cp["aftersale_mult"])
                * np.where(slow, cp["slow_mult"], 1.0)
                * np.where(promo[s_day], pr["complaint_mult"], 1.0)
                * np.where(policy_s, p["policy"]["complaint_mult"], 1.0))
        cs = np.flatnonzero(rng.random(n_all) < rate)
        n_cs = len(cs)
        cat = np.array(_SERVICE_CATEGORIES)[rng.choice(len(_SERVICE_P), n_cs, p=_SERVICE_P)]
        cat = np.where(slow[cs] & (rng.random(n_cs) < 0.5), "slow_response", cat)
        cat = np.where(~s_pre[cs] & (cat == "order_error") & (rng.random(n_cs) < 0.5),
                       "refund_dispute", cat)
        at_fault = rng.random(n_cs) < cp["at_fault_p"]
        named = at_fault | (rng.random(n_cs) < cp["service_agent_link_p"])
        c_created = s_ts[cs] + np.minimum(rng.exponential(6 * 3600, n_cs), 3 * 86400
                                          ).astype(np.int64) + 600
        v = visit_of[cs]
        c_order = np.where(order_of_visit[v] >= 0, order_of_visit[v], link_order[v])
        c_sev = 1 + (rng.random(n_cs) < np.where(at_fault, 0.5, 0.35)) + (
            rng.random(n_cs) < np.where(at_fault, 0.15, 0.08))
        service = {"created": c_created, "category": cat,
                   "source": np.array(_SOURCES)[rng.choice(4, n_cs, p=_SERVICE_SOURCE_P)],
                   "agent": np.where(named, s_agent[cs], -1), "order": c_order,
                   "at_fault": at_fault, "severity": c_sev}
        # at-fault complaints by creation time, for the monthly fines review
        self.fault_log.append((c_created[at_fault], s_agent[cs][at_fault]))
        promo_o = O_promo[paid_idx]
        ns_rate = (cp["non_service_per_1000_paid_orders"] / 1000
                   * np.where(promo_o, pr["complaint_mult"], 1.0))
        no = paid_idx[rng.random(len(paid_idx)) < ns_rate]
        n_no = len(no)
        non_service = {
            "created": O_paid[no] + rng.integers(86400, 10 * 86400, n_no),
            "category": np.array(_NON_SERVICE_CATEGORIES)[
                rng.choice(len(_NON_SERVICE_P), n_no, p=_NON_SERVICE_P)],
            "source": np.array(_SOURCES)[rng.choice(4, n_no, p=_NON_SERVICE_SOURCE_P)],
            "agent": np.full(n_no, -1), "order": O_id[no],
            "at_fault": np.zeros(n_no, bool),
            "severity": 1 + (rng.random(n_no) < 0.3) + (rng.random(n_no) < 0.05),
        }
        for c in (service, non_service):
            n = len(c["created"])
            unresolved = rng.random(n) < cp["unresolved_p"]
            res = c["created"] + np.exp(np.log(cp["resolve_median_h"] * 3600)
                                        + rng.normal(0, 1.0, n)).astype(np.int64)
            c["resolved"] = np.where(unresolved, -1, res)
            self.C.append(c)

        self.S.append({"agent": s_agent, "cust": s_cust, "ts": s_ts, "pre": s_pre,
                       "fr": np.where(never, -1, fr), "avg": np.where(never, -1, avg),
                       "cmsg": c_msgs, "amsg": a_msgs, "topic": topic})

        # -- monthly review: fines rule and the internal ranking ---------------------------
        self._review(mi, d0, d1, days, s_agent, s_pre, s_day, in_hours, fr, never,
                     cs, at_fault, named, o_visit, o_created, o_paid, O_tag, amount,
                     last_agent, hire, exit_, team)

    def _review(self, mi, d0, d1, days, s_agent, s_pre, s_day, in_hours, fr, never, cs,
                at_fault, named, o_visit, o_created, o_paid, O_tag, amount, last_agent,
                hire, exit_, team) -> None:
        p, rng = self.p, self.rng
        n_ag = len(self.staff)
        if mi + 1 >= self.months:
            return  # decisions after the last month are never observed
        # The 3rd at-fault complaint of a month means dismissal (seed rule): decided at review,
        # counting complaints created in the month (some come from last month's sessions).
        created = np.concatenate([f[0] for f in self.fault_log[-2:]])
        fault_agent = np.concatenate([f[1] for f in self.fault_log[-2:]])
        in_month = (created >= d0 * _SECONDS_PER_DAY) & (created < (d1 + 1) * _SECONDS_PER_DAY)
        n_fault = np.bincount(fault_agent[in_month], minlength=n_ag)
        for a in np.flatnonzero(n_fault >= p["exit"]["at_fault_dismissal"]):
            if rng.random() >= p["exit"]["at_fault_dismissal_p"]:
                continue  # a final warning instead
            day = d1 + 1 + int(rng.integers(1, 8))
            self.pending.setdefault(mi + 1, []).append((int(a), day, "dismissed"))
            self.dismiss_log.append({"month": self._label(mi), "agent": int(a),
                                     "reason": "dismissed", "at_fault_complaints":
                                     int(n_fault[a])})
        teams_on = [t for t, a in self.adopt.items() if mi >= a]
        if not teams_on:
            return
        # Internal ranking (approximates the metric book): inquiries = presale sessions;
        # conversion = converted visits credited (tag, else the visit's last agent) and paid
        # within a day; fast response in business hours; credited sales; complaints/sessions.
        n_c = len(o_created)
        credited = np.where(O_tag[:n_c] >= 0, O_tag[:n_c], last_agent[o_visit])
        in_window = (o_paid // _SECONDS_PER_DAY - days[s_day[o_visit]]) <= 1
        first_of_visit = np.unique(o_visit, return_index=True)[1]
        conv_n = np.bincount(credited[first_of_visit][in_window[first_of_visit]],
                             minlength=n_ag)
        sales = np.bincount(credited, weights=amount[:n_c] * (o_paid <= (d1 + 1) * 86400 - 1),
                            minlength=n_ag)
        inq = np.bincount(s_agent[s_pre], minlength=n_ag)
        bh = in_hours
        fast = np.bincount(s_agent[bh], weights=(~never[bh]) & (fr[bh] <= 180),
                           minlength=n_ag) / np.maximum(np.bincount(s_agent[bh],
                                                                    minlength=n_ag), 1)
        sessions = np.bincount(s_agent, minlength=n_ag)
        comp = np.bincount(s_agent[cs][named], minlength=n_ag) / np.maximum(sessions, 1) * 1000
        w = {"conversion_rate": 1.0, "fast_response_rate": 1.0, "credited_sales": 1.0,
             "complaint_rate": 1.0}
        bs = p["policy"]["bottom_share"]
        for t in teams_on:
            elig = np.flatnonzero((team == t) & (hire <= d0) & (exit_ > d1)
                                  & (inq >= p["policy"]["min_inquiries"]))
            # an agent not ranked this month (new, leaving, too few inquiries) starts over
            for a in set(np.flatnonzero(team == t).tolist()) - set(elig.tolist()):
                self.bottom_streak.pop(a, None)
            if len(elig) < 2:
                continue
            metrics = [conv_n[elig] / inq[elig], fast[elig], sales[elig], -comp[elig]]
            z = [(m - m.mean()) / m.std() if m.std() > 0 else np.zeros(len(m)) for m in metrics]
            score = sum(wk * zk for wk, zk in zip(w.values(), z, strict=True))
            k = math.ceil(bs * len(elig))
            bottom = set(elig[np.argsort(score, kind="stable")[:k]].tolist())
            for a in elig.tolist():
                self.bottom_streak[a] = self.bottom_streak.get(a, 0) + 1 if a in bottom else 0
                if a in bottom:
                    self.rank_log.append({"month": self._label(mi),
                                          "team": self.team_names[t],
                                          "agent_id": f"KF{a + 1:04d}",
                                          "consecutive": self.bottom_streak[a]})
                if self.bottom_streak[a] >= p["policy"]["consecutive_bottom_to_dismiss"]:
                    day = d1 + 1 + int(rng.integers(2, 11))
                    self.pending.setdefault(mi + 1, []).append((a, day, "bottom_ranked_out"))
                    self.dismiss_log.append({"month": self._label(mi), "agent": a,
                                             "reason": "bottom_ranked_out"})
                    self.bottom_streak[a] = 0

    def _label(self, mi: int) -> str:
        return str(np.datetime64(self.start, "M") + mi)

    # -- writing ----------------------------------------------------------------------------

    def write(self, out: Path) -> dict:
        out.mkdir(parents=True, exist_ok=True)
        end_s = (self.end_day + 1) * _SECONDS_PER_DAY  # first second after the data
        counts: dict[str, Any] = {}
        st = self.staff
        aid = [f"KF{i + 1:04d}" for i in range(len(st))]

        def day_str(d):
            return None if d is None else str(np.datetime64(int(d), "D"))

        # hires beyond the end never happened; exits beyond the end are not known yet
        exits = [e if e is not None and e <= self.end_day else None for e in st.cols["exit"]]
        agents = pd.DataFrame({
            "agent_id": aid,
            "name": st.cols["name"],
            "team": [self.team_names[t] for t in st.cols["team"]],
            "role": st.cols["role"],
            "shift": st.cols["shift"],
            "hire_date": [day_str(d) for d in st.cols["hire"]],
            "exit_date": [day_str(e) for e in exits],
            "exit_reason": [r if e is not None else None
                            for r, e in zip(st.cols["reason"], exits, strict=True)],
            "outsourced": ["true" if o else "false" for o in st.cols["outsourced"]],
            "base_salary": st.cols["salary"],
        })
        _write_csv(agents, out / "agents.csv", "agents")
        counts["agents"] = len(agents)

        policies = pd.DataFrame({
            "team": [self.team_names[t] for t in sorted(self.adopt, key=self.adopt.get)],
            "policy": "bottom_ranked_out",
            "start_month": [self._label(self.adopt[t])
                            for t in sorted(self.adopt, key=self.adopt.get)],
            "end_month": None,
            "bottom_share": self.p["policy"]["bottom_share"],
            "action": self.p["policy"]["action"],
        })
        _write_csv(policies, out / "policies.csv", "policies")
        counts["policies"] = len(policies)

        # orders: sort by creation, drop those created after the end, hide later payments
        od = {k: np.concatenate([o[k] for o in self.O]) for k in self.O[0]}
        keep = od["created"] < end_s
        od = {k: v[keep] for k, v in od.items()}
        order = np.lexsort((od["idx"], od["created"]))
        od = {k: v[order] for k, v in od.items()}
        od["paid"] = np.where(od["paid"] >= end_s, -1, od["paid"])
        od["refund"] = np.where(od["paid"] < 0, 0.0, od["refund"])
        o_month = od["created"].astype("datetime64[s]").astype("datetime64[M]")
        seq = _seq_within(o_month)
        o_ids = np.char.add(np.char.add("O", np.char.replace(
            o_month.astype(str), "-", "")), np.char.zfill(seq.astype(str), 6))
        id_of = dict(zip(od["idx"].tolist(), o_ids.tolist(), strict=True))
        cols = {
            "order_id": pa.array(o_ids.tolist(), pa.string()),
            "customer_id": pa.array(_cust_ids(od["cust"]), pa.string()),
            "created_ts": _ts(od["created"]),
            "paid_ts": _ts(od["paid"]),
            "amount": pa.array(od["amount"], pa.float64()),
            "agent_id": pa.array([aid[a] if a >= 0 else None for a in od["agent"]], pa.string()),
            "refund_amount": pa.array(od["refund"], pa.float64()),
        }
        counts["orders"] = _write_monthly(out / "orders", pa.table(cols), o_month, "orders")

        S = {k: np.concatenate([s[k] for s in self.S]) for k in self.S[0]}
        order = np.lexsort((S["agent"], S["cust"], S["ts"]))
        S = {k: v[order] for k, v in S.items()}
        s_month = S["ts"].astype("datetime64[s]").astype("datetime64[M]")
        seq = _seq_within(s_month)
        s_ids = np.char.add(np.char.add("S", np.char.replace(
            s_month.astype(str), "-", "")), np.char.zfill(seq.astype(str), 7))
        cols = {
            "session_id": pa.array(s_ids.tolist(), pa.string()),
            "agent_id": pa.array(np.array(aid)[S["agent"]].tolist(), pa.string()),
            "customer_id": pa.array(_cust_ids(S["cust"]), pa.string()),
            "start_ts": _ts(S["ts"]),
            "kind": pa.array(np.where(S["pre"], "presale", "aftersale").tolist(), pa.string()),
            "first_response_s": pa.array(S["fr"], pa.int32(), mask=S["fr"] < 0),
            "avg_response_s": pa.array(S["avg"], pa.int32(), mask=S["avg"] < 0),
            "customer_msgs": pa.array(S["cmsg"], pa.int32()),
            "agent_msgs": pa.array(S["amsg"], pa.int32()),
            "category": pa.array(S["topic"].tolist(), pa.string()),
        }
        counts["sessions"] = _write_monthly(out / "sessions", pa.table(cols), s_month,
                                            "sessions")

        C = {k: np.concatenate([c[k] for c in self.C]) for k in self.C[0]}
        keep = C["created"] < end_s
        C = {k: v[keep] for k, v in C.items()}
        order = np.lexsort((C["agent"], C["category"], C["created"]))
        C = {k: v[order] for k, v in C.items()}
        c_order = [id_of.get(int(o)) if o >= 0 else None for o in C["order"]]
        resolved = np.where(C["resolved"] >= end_s, -1, C["resolved"])
        complaints = pd.DataFrame({
            "complaint_id": [f"TS{i + 1:06d}" for i in range(len(C["created"]))],
            "created_ts": _ts_str(C["created"]),
            "category": C["category"],
            "source": C["source"],
            "agent_id": [aid[a] if a >= 0 else None for a in C["agent"]],
            "order_id": c_order,
            "at_fault": np.where(C["at_fault"], "true", "false"),
            "severity": C["severity"].astype(int),
            "resolved_ts": _ts_str(resolved),
        })
        _write_csv(complaints, out / "complaints.csv", "complaints")
        counts["complaints"] = len(complaints)

        (out / "csnb.toml").write_text(_TOML.format(
            min_inquiries=self.p["policy"]["min_inquiries"],
            bottom_share=self.p["policy"]["bottom_share"],
            dismissal_at=self.p["exit"]["at_fault_dismissal"]), encoding="utf-8")
        self._counts = counts
        self._agents = agents
        return counts

    def write_readme(self, out: Path, truth: dict) -> None:
        c = truth["counts"]
        adoption = ", ".join(f"{t} from {m}" for t, m in truth["policy"]["adoption"].items())
        teams = ", ".join(f"{t['team']} ({t['role']}, {'/'.join(t['shifts'])})"
                          for t in truth["teams"])
        args = truth["arguments"]
        text = _README.format(
            seed=truth["seed"], start=truth["start_month"], end=truth["end_month"],
            agents=c["agents"], initial=args["agents"], sessions=c["sessions"]["total"],
            orders=c["orders"]["total"], complaints=c["complaints"], teams=teams,
            adoption=adoption or "none", months=args["months"], start_arg=args["start"],
            effects="; ".join(f"{k} = {v['value']} ({v['unit']})"
                              for k, v in truth["policy"]["effects"].items()),
        )
        (out / "README.md").write_text(text, encoding="utf-8")

    # -- truth ------------------------------------------------------------------------------

    def truth(self, *, seed, agents, months, start, counts) -> dict:
        p = self.p
        pol = p["policy"]
        a = self._agents
        exits = a[a["exit_date"].notna()]
        truth = {
            "sim_version": SIM_VERSION,
            "seed": seed,
            "arguments": {"agents": agents, "months": months, "start": start},
            "start_month": self._label(0),
            "end_month": self._label(months - 1),
            "first_day": str(np.datetime64(self.first_day, "D")),
            "last_day": str(np.datetime64(self.end_day, "D")),
            "teams": [
                {"team": t["team"], "role": t["role"], "shifts": t["shifts"],
                 "initial_headcount": n,
                 "presale_sessions_per_working_day": t["presale_per_day"],
                 "aftersale_sessions_per_working_day": t["aftersale_per_day"],
                 "outsourced_p": t["outsourced_p"], "base_salary_mean": t["base_salary"],
                 "policy_start_month": (self._label(self.adopt[i]) if i in self.adopt
                                        else None)}
                for i, (t, n) in enumerate(zip(
                    p["teams"], _split(agents, [t["share"] for t in p["teams"]]), strict=True))
            ],
            "policy": {
                "policy": "bottom_ranked_out",
                "adoption": {self.team_names[t]: self._label(m)
                             for t, m in sorted(self.adopt.items(), key=lambda x: x[1])},
                "never_treated": [n for i, n in enumerate(self.team_names)
                                  if i not in self.adopt],
                "bottom_share": pol["bottom_share"],
                "action": pol["action"],
                "dismissal_rule": (f"bottom-ranked {pol['consecutive_bottom_to_dismiss']} "
                                   "consecutive months -> exit early next month, reason "
                                   "bottom_ranked_out"),
                "ranking": ("simulator-internal approximation of the metric book: agents "
                            "active the whole month with >= min_inquiries presale sessions, "
                            "per team; equal-weight z-scores of conversion (+), fast "
                            "response rate (+), credited sales (+), complaints per 1000 "
                            "sessions (-); bottom = lowest ceil(bottom_share x n)"),
                "min_inquiries": pol["min_inquiries"],
                "effects": {
                    "conversion_logit_shift": {
                        "value": pol["conversion_logit_shift"],
                        "unit": "additive, logit of a presale visit's conversion probability",
                    },
                    "first_response_mult": {
                        "value": pol["first_response_mult"],
                        "unit": "multiplicative, first response time (s) of every session",
                    },
                    "complaint_mult": {
                        "value": pol["complaint_mult"],
                        "unit": "multiplicative, service complaints per session "
                                "(non-service complaints unaffected)",
                    },
                    "voluntary_exit_mult": {
                        "value": pol["voluntary_exit_mult"],
                        "unit": "multiplicative, monthly voluntary exit hazard",
                    },
                },
            },
            "agent_effects": {
                "conversion_logit_sd": {"value": p["conversion"]["agent_sd"],
                                        "unit": "sd of a normal agent effect, logit scale"},
                "first_response_log_sd": {"value": p["response"]["agent_log_sd"],
                                          "unit": "sd of a normal agent effect on log "
                                                  "first response time"},
                "complaint_log_sd": {"value": p["complaints"]["agent_log_sd"],
                                     "unit": "sd of a normal agent effect on log service "
                                             "complaint rate (mean-one multiplier)"},
            },
            "baseline": {
                "conversion_p": p["conversion"]["baseline_p"],
                "conversion_p_note": ("presale visit, 0 s first response, tenure 90-364 "
                                      "days, no promotion, no policy, average agent"),
                "first_response_median_s": p["response"]["first_response_median_s"],
                "first_response_log_sd": p["response"]["first_response_log_sd"],
                "never_answered_p": p["response"]["never_answered_p"],
                "service_complaints_per_1000_sessions":
                    p["complaints"]["service_per_1000_sessions"],
                "non_service_complaints_per_1000_paid_orders":
                    p["complaints"]["non_service_per_1000_paid_orders"],
                "complaint_at_fault_p": p["complaints"]["at_fault_p"],
                "voluntary_exit_monthly_hazard": p["exit"]["voluntary_monthly"],
                "dismissed_monthly_hazard": p["exit"]["dismissed_monthly"],
                "contract_end_monthly_hazard": p["exit"]["contract_end_monthly"],
                "other_exit_monthly_hazard": p["exit"]["other_monthly"],
                "order_amount_median_yuan": p["conversion"]["amount_median"],
                "agent_tag_p": p["conversion"]["agent_tag_p"],
                "silent_orders_per_converted_visit": p["conversion"]["silent_ratio"],
                "refund_p": p["conversion"]["refund_p"],
                "work_day_p": p["work_day_p"],
                "trend_per_year": p["trend_per_year"],
            },
            "conversion_model": {
                "form": ("logit P(convert) = logit(baseline_p) + first_response_per_min x "
                         "min(first_response_s, 600)/60 + never_answered_logit x never "
                         "(never answered counts as 600 s) + tenure_logit[band] + "
                         "promotion_logit x promo_day + policy shift + agent effect"),
                **{k: p["conversion"][k] for k in (
                    "first_response_per_min", "never_answered_logit", "tenure_logit",
                    "second_agent_p", "same_day_p", "next_day_p", "extra_order_p",
                    "unpaid_order_p")},
                "promotion_logit": p["promotions"]["conversion_logit"],
            },
            "exit_model": {
                "form": ("monthly hazard = voluntary x shift mult x new-hire mult (tenure < "
                         "90 days at month start) x outsourced mult x policy mult + "
                         "dismissed + contract_end + other; exit day uniform in the month; "
                         "replaced by a hire into the same team after a uniform lag"),
                **p["exit"],
            },
            "response_model": dict(p["response"]),
            "complaint_model": dict(p["complaints"]),
            "promotions": {
                "periods": {"618": "June 1-18 (peak June 18)",
                            "double11": "Nov 1-11 (peak Nov 11)",
                            "double12": "Dec 12"},
                **p["promotions"],
            },
            "realized": {
                "agents_total": int(len(a)),
                "exits_by_reason": {str(k): int(v) for k, v in
                                    exits["exit_reason"].value_counts().sort_index().items()},
                "bottom_ranked_agent_months": len(self.rank_log),
                "bottom_ranked": self.rank_log,
                "dismissals": [
                    {"decided_month": d["month"], "agent_id": f"KF{d['agent'] + 1:04d}",
                     "reason": d["reason"]}
                    for d in self.dismiss_log
                    if (self.staff.cols["reason"][d["agent"]] == d["reason"])
                ],
            },
            "counts": counts,
        }
        return truth


# --------------------------------------------------------------------------------------------
# file writing


_TOML = """\
# Settings of the simulated sample (csnb.simulate); the metric book's defaults.
timezone = "Asia/Shanghai"
business_hours = ["08:00", "23:00"]
fast_response_s = 180.0
response_cap_s = 600.0
attribution_window_days = 1
lag_days = 3
min_inquiries = {min_inquiries}
bottom_share = {bottom_share}
fine_schedule = [50.0, 100.0]
dismissal_at = {dismissal_at}

[ranking_weights]
conversion_rate = 1.0
fast_response_rate = 1.0
credited_sales = 1.0
complaint_rate = 1.0
"""


_README = """\
# Simulated customer-service dataset

Written by `csnb.simulate` (seed {seed}): a fictional shop's customer-service team, months
{start} to {end}, in csnb's data contract. Nothing here is real data. Regenerate it
(byte-identical files) with

    python -m csnb.simulate --out DIR --seed {seed} \\
        --agents {initial} --months {months} --start {start_arg}

Files:

- `agents.csv`: {agents} agents ({initial} at the start; hires replace exits).
- `sessions/YYYY-MM.parquet`: {sessions} chat sessions (presale 询单 and aftersale).
- `orders/YYYY-MM.parquet`: {orders} orders by creation month (agent-tagged, attributable,
  silent and unpaid orders).
- `complaints.csv`: {complaints} complaints.
- `policies.csv`: bottom-ranked-out (末位淘汰) adoption: {adoption}.
- `csnb.toml`: the settings used (the metric book's defaults).
- `truth.json`: every planted quantity: baselines, the conversion model, the agent
  random-effect sds, the policy's effects with their units, the simulator's own rankings and
  dismissals, and the rows written per file.

Teams: {teams}. Promotions: 618 (June 1-18), 双11 (Nov 1-11), 双12 (Dec 12).

Planted policy effects, from the adoption month on, in the adopting teams: {effects}.

There is no `rankings` table: csnb derives rankings from the metric book. The simulator ranks
agents only internally (an approximation of that rule), to dismiss those bottom-ranked two
months running in teams with the policy.
"""


def _seq_within(month: np.ndarray) -> np.ndarray:
    """1-based running number within each month of a month-sorted array."""
    idx = np.arange(len(month))
    if len(month) == 0:
        return idx
    new = np.r_[True, month[1:] != month[:-1]]
    first = np.maximum.accumulate(np.where(new, idx, 0))
    return idx - first + 1


def _cust_ids(c: np.ndarray) -> list[str]:
    return np.char.add("tb", np.char.zfill((c + 10_000_000).astype(str), 8)).tolist()


def _ts(sec: np.ndarray) -> pa.Array:
    sec = np.asarray(sec, dtype=np.int64)
    # milliseconds: what Parquet stores natively for second-resolution data (smaller files)
    return pa.array(sec * 1_000, pa.timestamp("ms"), mask=sec < 0)


def _ts_str(sec: np.ndarray) -> list[str | None]:
    sec = np.asarray(sec, dtype=np.int64)
    text = np.datetime_as_string(sec.astype("datetime64[s]"), unit="s")
    return [None if s < 0 else t.replace("T", " ") for s, t in zip(sec, text, strict=True)]


def _write_csv(df: pd.DataFrame, path: Path, table: str) -> None:
    assert list(df.columns) == [c.name for c in TABLES[table].columns], table
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _write_monthly(folder: Path, table: pa.Table, month: np.ndarray, name: str) -> dict:
    """Write one Parquet file per month; return rows per file name."""
    assert table.column_names == [c.name for c in TABLES[name].columns], name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.parquet"):
        old.unlink()
    # Sorted ids share prefixes and sorted timestamps have small deltas: delta encodings
    # halve the files; random customer ids compress better plain than as a dictionary.
    encoding = {c: "DELTA_BYTE_ARRAY" for c in (f"{name[:-1]}_id",)}
    encoding.update({c: "DELTA_BINARY_PACKED" for c in table.column_names
                     if c.endswith("_ts")})
    dictionary = [c for c in table.column_names if c not in encoding and c != "customer_id"]
    rows = {}
    labels = month.astype(str)
    bounds = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1], True])
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        part = table.slice(int(lo), int(hi - lo))
        fname = f"{labels[lo]}.parquet"
        pq.write_table(part, folder / fname, compression="zstd", compression_level=_ZSTD_LEVEL,
                       row_group_size=_ROW_GROUP, write_statistics=True,
                       use_dictionary=dictionary, column_encoding=encoding)
        rows[fname] = int(hi - lo)
    return {"total": int(sum(rows.values())), "files": rows}


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m csnb.simulate --out DIR --seed N``."""
    ap = argparse.ArgumentParser(prog="python -m csnb.simulate", description=__doc__.split(
        "\n")[0])
    ap.add_argument("--out", required=True, help="folder to write")
    ap.add_argument("--seed", type=int, default=SAMPLE_SEED)
    ap.add_argument("--agents", type=int, default=40)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--start", default="2024-01", help="first month, YYYY-MM")
    args = ap.parse_args(argv)
    truth = simulate(args.out, args.seed, agents=args.agents, months=args.months,
                     start=args.start)
    c = truth["counts"]
    print(f"wrote {args.out}: {c['agents']} agents, {c['sessions']['total']} sessions, "
          f"{c['orders']['total']} orders, {c['complaints']} complaints "
          f"({truth['start_month']}..{truth['end_month']})")


if __name__ == "__main__":
    main()
