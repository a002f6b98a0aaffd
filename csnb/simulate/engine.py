"""The simulated world, month by month: staff, hires and exits, sessions, orders, complaints.

See :mod:`csnb.simulate` for what is planted.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np

from .params import (
    AFTERSALE_TOPIC_P,
    AFTERSALE_TOPICS,
    BUSINESS,
    DAY_HOURS,
    FAST_RESPONSE_S,
    GIVEN,
    NIGHT_HOURS,
    NON_SERVICE_CATEGORIES,
    NON_SERVICE_P,
    NON_SERVICE_SOURCE_P,
    PRESALE_TOPIC_P,
    PRESALE_TOPICS,
    RANKING_WEIGHTS,
    SECONDS_PER_DAY,
    SERVICE_CATEGORIES,
    SERVICE_P,
    SERVICE_SOURCE_P,
    SOURCES,
    SURNAMES,
)


def merge_params(base: dict, over: dict) -> dict:
    """``base`` with ``over`` merged in (nested dicts merged; adopters replaced whole)."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and k != "adopters":
            out[k] = merge_params(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def month_start(start: str, i: int) -> np.datetime64:
    """First day of the ``i``-th month after ``start``."""
    return (np.datetime64(start, "M") + i).astype("datetime64[D]")


def logit_of(p: float) -> float:
    """log(p / (1 - p))."""
    return math.log(p / (1 - p))


def split(n: int, shares: list[float]) -> list[int]:
    """Split ``n`` by ``shares`` with largest remainders (sums to ``n``)."""
    raw = np.asarray(shares, dtype=float) / sum(shares) * n
    base = np.floor(raw).astype(int)
    order = np.argsort(-(raw - base), kind="stable")
    base[order[: n - base.sum()]] += 1
    return base.tolist()


def day_multipliers(days: np.ndarray, p: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


def names(rng: np.random.Generator, n: int, taken: set[str]) -> list[str]:
    """``n`` new Chinese names not in ``taken`` (which grows)."""
    out: list[str] = []
    while len(out) < n:
        given_len = 1 + (rng.random() < 0.6)
        name = SURNAMES[rng.integers(len(SURNAMES))] + "".join(
            GIVEN[rng.integers(len(GIVEN))] for _ in range(given_len)
        )
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out


def block_load(ts: np.ndarray, agent: np.ndarray) -> np.ndarray:
    """Each session's clock-hour load: sessions that started in its hour / agents in it."""
    hour = ts // 3600
    blocks, block_of, n = np.unique(hour, return_inverse=True, return_counts=True)
    pairs = np.unique(np.stack([block_of, agent]), axis=1)
    agents = np.bincount(pairs[0], minlength=len(blocks))
    return (n / agents)[block_of]


def tenure_band(tenure_days: np.ndarray) -> np.ndarray:
    """Tenure band index of each tenure in days."""
    return np.digitize(tenure_days, [30, 90, 365])  # 0: 0-29, 1: 30-89, 2: 90-364, 3: 365+


class Staff:
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
        """Hire one agent into a team on day ``hire``."""
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
        c["name"].append(names(rng, 1, self.names)[0])

    def array(self, key: str, dtype=None) -> np.ndarray:
        """One attribute of every agent as an array."""
        return np.asarray(self.cols[key], dtype=dtype)

    def exit_days(self) -> np.ndarray:
        """Exit day of every agent (int64 max while employed)."""
        big = np.iinfo(np.int64).max
        return np.array([big if e is None else e for e in self.cols["exit"]], dtype=np.int64)

    def set_exit(self, i: int, day: int, reason: str, end_day: int) -> int | None:
        """Record an exit and return the replacement's hire day (``None`` past the end)."""
        self.cols["exit"][i] = int(day)
        self.cols["reason"][i] = reason
        lo, hi = self.p["exit"]["replacement_lag_days"]
        hire = int(day) + 1 + int(self.rng.integers(lo, hi + 1))
        return hire if hire <= end_day else None


class Simulation:
    """One simulated world, month by month (see :mod:`csnb.simulate`)."""

    def __init__(self, p: dict, rng: np.random.Generator, *, agents: int, months: int,
                 start: str, seed: int = 0, volume: float = 1.0,
                 session_months: int | None = None):
        self.p, self.rng, self.months, self.start = p, rng, months, start
        # Scale (benchmarks): sessions per working agent-day and the load knee are multiplied
        # by ``volume`` (an agent handling more chats works more of them in parallel, so the
        # knee in sessions per agent-hour moves with it); only the last ``session_months``
        # months have sessions, orders and complaints. 1.0 and None draw exactly what they
        # drew before these parameters existed.
        self.volume = float(volume)
        if self.volume != 1.0:  # p is the caller's merged copy; truth.json shows the knee used
            p["load"]["knee_sessions_per_agent_hour"] *= self.volume
        self.first_session_month = 0 if session_months is None else max(
            0, months - int(session_months))
        self.seed = seed  # for streams drawn after the world (ratings), see output
        # The agents table as written (set by csnb.simulate.output.write_files).
        self.written_agents: Any = None
        self.first_day = int(month_start(start, 0).astype(int))
        self.end_day = int(month_start(start, months).astype(int)) - 1  # last simulated day
        self.team_names = [t["team"] for t in p["teams"]]
        self.staff = Staff(rng, p)
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
        # Per policy team-month: presale visits and the expected conversions the policy added
        # (the planted conversion effect on the probability scale, see _policy_gain).
        self.policy_gain: list[dict] = []
        self.dismiss_log: list[dict] = []
        self.hire_queue: list[tuple[int, int]] = []  # (team, hire day)
        self.fault_log: list[tuple[np.ndarray, np.ndarray]] = []  # (created s, agent)
        self.S: list[dict] = []
        # (mean log first response without the knee, never-answered p, clock-hour load,
        # clock hour) of counted sessions
        self.load_log: list[tuple[np.ndarray, ...]] = []
        self.O: list[dict] = []
        self.C: list[dict] = []
        self.n_orders = 0
        self.n_sessions = 0  # sessions of the months before, for global session indices
        self.recent_paid: tuple[np.ndarray, np.ndarray] = (np.empty(0, np.int64),
                                                           np.empty(0, np.int64))
        # Initial staff: split over teams, tenure spread (exponential, at least a week).
        for ti, n in enumerate(split(agents, [t["share"] for t in p["teams"]])):
            for _ in range(n):
                tenure = 7 + int(rng.exponential(p["exit"]["initial_tenure_mean_days"]))
                self.staff.add(ti, self.first_day - min(tenure, 2500))

    # -- month loop -------------------------------------------------------------------------

    def run(self) -> None:
        """Simulate every month."""
        for mi in range(self.months):
            d0 = int(month_start(self.start, mi).astype(int))
            d1 = int(month_start(self.start, mi + 1).astype(int)) - 1
            self._hires(d1)
            self._exits(mi, d0, d1)
            # Replacements hired within this month face the exit hazard from their hire day
            # (prorated by the days employed), as everyone else employed in the month; their
            # own replacements too, until no hire falls within the month.
            new = self._hires(d1)
            while new:
                self._hazard_exits(mi, d0, d1, np.asarray(new, dtype=np.int64))
                new = self._hires(d1)
            if mi >= self.first_session_month:
                self._month(mi, d0, d1)

    def _hires(self, d1: int) -> list[int]:
        """Hire the queued agents whose hire day is on or before ``d1``; return their index."""
        keep, hired = [], []
        for team, day in self.hire_queue:
            if day <= d1:
                hired.append(len(self.staff))
                self.staff.add(team, day)
            else:
                keep.append((team, day))
        self.hire_queue = keep
        return hired

    def _policy_on(self, team_idx: np.ndarray, mi: int) -> np.ndarray:
        on = np.zeros(len(team_idx), dtype=bool)
        for t, a in self.adopt.items():
            on |= (team_idx == t) & (mi >= a)
        return on

    def _exits(self, mi: int, d0: int, d1: int) -> None:
        st = self.staff
        # 1. dismissals decided at the last monthly review (ranking, at-fault complaints)
        for agent, day, why in self.pending.pop(mi, []):
            if st.cols["exit"][agent] is None:
                rehire = st.set_exit(agent, max(day, st.cols["hire"][agent]), why, self.end_day)
                if rehire is not None:
                    self.hire_queue.append((st.cols["team"][agent], rehire))
        # 2. hazards for everyone employed during the month and not leaving yet
        hire = st.array("hire", np.int64)
        exit_ = st.exit_days()
        self._hazard_exits(mi, d0, d1,
                           np.flatnonzero((hire <= d1) & (exit_ == np.iinfo(np.int64).max)))

    def _hazard_exits(self, mi: int, d0: int, d1: int, at_risk: np.ndarray) -> None:
        """Draw this month's exits of the agents ``at_risk`` from the monthly hazards.

        An agent hired within the month is at risk from the hire day: the monthly hazard is
        prorated by the days employed.
        """
        st, p, rng, ex = self.staff, self.p, self.rng, self.p["exit"]
        if len(at_risk) == 0:
            return
        hire = st.array("hire", np.int64)
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
        pre_mult, after_mult, promo = day_multipliers(days.astype("datetime64[D]"), p)
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
        if self.volume != 1.0:
            lam_p, lam_a = lam_p * self.volume, lam_a * self.volume
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
        hours = np.where(s_night, rng.choice(24, n_s, p=NIGHT_HOURS),
                         rng.choice(24, n_s, p=DAY_HOURS))
        s_ts = (days[s_day] * SECONDS_PER_DAY + hours * 3600
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
        ok = (sec_agent >= 0) & (sec_ts // SECONDS_PER_DAY == days[s_day[src]])
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
        hour = (s_ts % SECONDS_PER_DAY) // 3600
        in_hours = (hour >= BUSINESS[0]) & (hour < BUSINESS[1])
        policy_s = self._policy_on(team[s_agent], mi)
        u_speed = st.array("u_speed", float)
        mean_log_fr = (np.log(rs["first_response_median_s"]) + u_speed[s_agent]
                       + np.log1p(pr["first_response_slowdown"] * (pre_mult[s_day] - 1))
                       + np.where(in_hours, 0.0, np.log(rs["out_of_hours_mult"]))
                       + np.where(tenure < 30, np.log(rs["new_agent_mult"]), 0.0)
                       + np.where(policy_s, np.log(p["policy"]["first_response_mult"]), 0.0))
        # load-response knee (no random draws, so every other stream is unchanged)
        ld = p["load"]
        load = block_load(s_ts, s_agent)
        knee = ld["slope_log_per_load"] * np.maximum(
            0.0, load - ld["knee_sessions_per_agent_hour"])
        log_fr = mean_log_fr + knee + rng.normal(0, rs["first_response_log_sd"], n_all)
        fr = np.maximum(1, np.round(np.exp(log_fr))).astype(np.int64)
        p_never = (rs["never_answered_p"]
                   * np.where(promo[s_day], rs["never_answered_promo_mult"], 1.0)
                   * np.where(in_hours, 1.0, rs["never_answered_out_of_hours_mult"]))
        # the truth of the load-response curve averages over the counted sessions
        self.load_log.append((mean_log_fr[in_hours], p_never[in_hours], load[in_hours],
                              s_ts[in_hours] // 3600))
        never = rng.random(n_all) < p_never
        avg = np.round(np.exp(0.5 * np.log(np.minimum(fr, 600)) + 0.5 * np.log(25.0)
                              + rng.normal(0, 0.4, n_all))).astype(np.int64)
        c_msgs = 1 + rng.poisson(np.where(s_pre, 4.0, 6.0))
        a_msgs = np.where(never, 0, 1 + rng.poisson(np.where(s_pre, 4.0, 5.0)))
        topic = np.where(
            s_pre,
            np.array(PRESALE_TOPICS)[rng.choice(5, n_all, p=PRESALE_TOPIC_P)],
            np.array(AFTERSALE_TOPICS)[rng.choice(5, n_all, p=AFTERSALE_TOPIC_P)],
        )

        # -- conversion of presale visits (decided on the primary session) ----------------
        vis = np.flatnonzero(s_pre[:n_s])
        cap = cv["response_cap_s"]
        fr_eff = np.where(never[vis], cap, np.minimum(fr[vis], cap))
        tl = cv["tenure_logit"]
        band_logit = np.array([tl["0-29"], tl["30-89"], tl["90-364"], tl["365+"]])
        u_conv = st.array("u_conv", float)
        logit = (logit_of(cv["baseline_p"]) + cv["first_response_per_min"] * fr_eff / 60
                 + np.where(never[vis], cv["never_answered_logit"], 0.0)
                 + band_logit[tenure_band(tenure[vis])]
                 + np.where(promo[s_day[vis]], pr["conversion_logit"], 0.0)
                 + np.where(policy_s[vis], p["policy"]["conversion_logit_shift"], 0.0)
                 + u_conv[s_agent[vis]])
        conv = rng.random(len(vis)) < 1 / (1 + np.exp(-logit))
        self._policy_gain(mi, vis, logit, log_fr, never, policy_s, team[s_agent])
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
        later_ts = (later_day * SECONDS_PER_DAY + rng.choice(24, n_c, p=DAY_HOURS) * 3600
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
        sil_created = (days[sil_day] * SECONDS_PER_DAY
                       + rng.choice(24, len(sil_day), p=DAY_HOURS) * 3600
                       + rng.integers(0, 3600, len(sil_day)))
        sil_paid = sil_created + rng.integers(10, 900, len(sil_day))
        sil_paid = np.where(rng.random(len(sil_day)) < cv["silent_unpaid_p"], -1, sil_paid)
        sil_cust = rng.integers(0, self.pool, len(sil_day)).astype(np.int64)

        O_cust = np.concatenate([o_cust, cust[unp], sil_cust])
        O_created = np.concatenate([o_created, u_created, sil_created]).astype(np.int64)
        O_paid = np.concatenate([o_paid, np.full(len(unp), -1), sil_paid]).astype(np.int64)
        O_tag = np.concatenate([o_tag, np.full(len(unp) + len(sil_day), -1)])
        O_day = O_created // SECONDS_PER_DAY
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
        slow = never | (fr > FAST_RESPONSE_S)
        u_c = st.array("u_complaint", float)
        rate = (cp["service_per_1000_sessions"] / 1000 * np.exp(u_c[s_agent])
                * np.where(s_pre, 1.0, cp["aftersale_mult"])
                * np.where(slow, cp["slow_mult"], 1.0)
                * np.where(promo[s_day], pr["complaint_mult"], 1.0)
                * np.where(policy_s, p["policy"]["complaint_mult"], 1.0))
        cs = np.flatnonzero(rng.random(n_all) < rate)
        n_cs = len(cs)
        cat = np.array(SERVICE_CATEGORIES)[rng.choice(len(SERVICE_P), n_cs, p=SERVICE_P)]
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
                   "source": np.array(SOURCES)[rng.choice(4, n_cs, p=SERVICE_SOURCE_P)],
                   "agent": np.where(named, s_agent[cs], -1), "order": c_order,
                   "at_fault": at_fault, "severity": c_sev,
                   # the chat the complaint is about (global session index), when it names
                   # the agent: written as the complaint's session_id
                   "session": np.where(named, self.n_sessions + cs, -1)}
        # at-fault complaints by creation time, for the monthly fines review
        self.fault_log.append((c_created[at_fault], s_agent[cs][at_fault]))
        promo_o = O_promo[paid_idx]
        ns_rate = (cp["non_service_per_1000_paid_orders"] / 1000
                   * np.where(promo_o, pr["complaint_mult"], 1.0))
        no = paid_idx[rng.random(len(paid_idx)) < ns_rate]
        n_no = len(no)
        non_service = {
            "created": O_paid[no] + rng.integers(86400, 10 * 86400, n_no),
            "category": np.array(NON_SERVICE_CATEGORIES)[
                rng.choice(len(NON_SERVICE_P), n_no, p=NON_SERVICE_P)],
            "source": np.array(SOURCES)[rng.choice(4, n_no, p=NON_SERVICE_SOURCE_P)],
            "agent": np.full(n_no, -1), "order": O_id[no],
            "at_fault": np.zeros(n_no, bool),
            "severity": 1 + (rng.random(n_no) < 0.3) + (rng.random(n_no) < 0.05),
            "session": np.full(n_no, -1),
        }
        for c in (service, non_service):
            n = len(c["created"])
            unresolved = rng.random(n) < cp["unresolved_p"]
            res = c["created"] + np.exp(np.log(cp["resolve_median_h"] * 3600)
                                        + rng.normal(0, 1.0, n)).astype(np.int64)
            c["resolved"] = np.where(unresolved, -1, res)
            self.C.append(c)

        self.n_sessions += n_all
        self.S.append({"agent": s_agent, "cust": s_cust, "ts": s_ts, "pre": s_pre,
                       "fr": np.where(never, -1, fr), "avg": np.where(never, -1, avg),
                       "cmsg": c_msgs, "amsg": a_msgs, "topic": topic})

        # -- monthly review: fines rule and the internal ranking ---------------------------
        self._review(mi, d0, d1, days, s_agent, s_pre, s_day, in_hours, fr, never,
                     cs, at_fault, named, o_visit, o_created, o_paid, O_tag, amount,
                     last_agent, hire, exit_, team)

    def _policy_gain(self, mi: int, vis: np.ndarray, logit: np.ndarray, log_fr: np.ndarray,
                     never: np.ndarray, policy_s: np.ndarray, s_team: np.ndarray) -> None:
        """Record each policy team's expected extra conversions this month (no draws).

        The counterfactual of a visit under the policy is the same visit without the policy's
        direct effects: its logit without the shift, and its first response without the
        speed-up (the same draw divided by the multiplier). The difference of the two
        probabilities, summed over a team-month's visits and divided by them, is the planted
        effect on that team-month's visit conversion rate, holding its agents fixed (the
        policy's effect through who is dismissed or leaves is not in it).
        """
        on = policy_s[vis]
        if not on.any():
            return
        p, cv = self.p, self.p["conversion"]
        v = vis[on]
        cap = cv["response_cap_s"]
        fr1 = np.maximum(1, np.round(np.exp(log_fr[v])))
        speedup = np.log(p["policy"]["first_response_mult"])
        fr0 = np.maximum(1, np.round(np.exp(log_fr[v] - speedup)))
        eff1 = np.where(never[v], cap, np.minimum(fr1, cap))
        eff0 = np.where(never[v], cap, np.minimum(fr0, cap))
        logit0 = (logit[on] - p["policy"]["conversion_logit_shift"]
                  + cv["first_response_per_min"] * (eff0 - eff1) / 60)
        gain = 1 / (1 + np.exp(-logit[on])) - 1 / (1 + np.exp(-logit0))
        teams = s_team[v]
        for t in np.unique(teams).tolist():
            mine = teams == t
            self.policy_gain.append({"team": self.team_names[t], "month": self.label(mi),
                                     "visits": int(mine.sum()),
                                     "expected_gain": round(float(gain[mine].sum()), 6)})

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
        in_month = (created >= d0 * SECONDS_PER_DAY) & (created < (d1 + 1) * SECONDS_PER_DAY)
        n_fault = np.bincount(fault_agent[in_month], minlength=n_ag)
        for a in np.flatnonzero(n_fault >= p["exit"]["at_fault_dismissal"]).tolist():
            if rng.random() >= p["exit"]["at_fault_dismissal_p"]:
                continue  # a final warning instead
            day = d1 + 1 + int(rng.integers(1, 8))
            self.pending.setdefault(mi + 1, []).append((int(a), day, "dismissed"))
            self.dismiss_log.append({"month": self.label(mi), "agent": int(a),
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
        in_window = (o_paid // SECONDS_PER_DAY - days[s_day[o_visit]]) <= 1
        first_of_visit = np.unique(o_visit, return_index=True)[1]
        conv_n = np.bincount(credited[first_of_visit][in_window[first_of_visit]],
                             minlength=n_ag)
        sales = np.bincount(credited, weights=amount[:n_c] * (o_paid <= (d1 + 1) * 86400 - 1),
                            minlength=n_ag)
        inq = np.bincount(s_agent[s_pre], minlength=n_ag)
        bh = in_hours
        fast = np.bincount(s_agent[bh], weights=(~never[bh]) & (fr[bh] <= FAST_RESPONSE_S),
                           minlength=n_ag) / np.maximum(np.bincount(s_agent[bh],
                                                                    minlength=n_ag), 1)
        sessions = np.bincount(s_agent, minlength=n_ag)
        comp = np.bincount(s_agent[cs][named], minlength=n_ag) / np.maximum(sessions, 1) * 1000
        w = [RANKING_WEIGHTS[k] for k in ("conversion_rate", "fast_response_rate",
                                          "credited_sales", "complaint_rate")]
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
            score = sum(wk * zk for wk, zk in zip(w, z, strict=True))
            k = math.ceil(bs * len(elig))
            bottom = set(elig[np.argsort(score, kind="stable")[:k]].tolist())
            for a in elig.tolist():
                self.bottom_streak[a] = self.bottom_streak.get(a, 0) + 1 if a in bottom else 0
                if a in bottom:
                    self.rank_log.append({"month": self.label(mi),
                                          "team": self.team_names[t],
                                          "agent_id": f"KF{a + 1:04d}",
                                          "consecutive": self.bottom_streak[a]})
                if self.bottom_streak[a] >= p["policy"]["consecutive_bottom_to_dismiss"]:
                    day = d1 + 1 + int(rng.integers(2, 11))
                    self.pending.setdefault(mi + 1, []).append((a, day, "bottom_ranked_out"))
                    self.dismiss_log.append({"month": self.label(mi), "agent": a,
                                             "reason": "bottom_ranked_out"})
                    self.bottom_streak[a] = 0

    def label(self, mi: int) -> str:
        """``YYYY-MM`` of the ``mi``-th simulated month."""
        return str(np.datetime64(self.start, "M") + mi)

    # -- writing ----------------------------------------------------------------------------
