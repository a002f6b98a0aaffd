"""Writing a simulation: the dataset files, csnb.toml, README.md and truth.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..io.schema import TABLES
from ..settings import Settings
from .engine import Simulation, split
from .params import FAST_RESPONSE_S, ROW_GROUP, SECONDS_PER_DAY, SIM_VERSION, ZSTD_LEVEL


def write_files(sim: Simulation, out: Path) -> dict:
    """Write the simulated tables and csnb.toml to ``out``; return rows written per file."""
    out.mkdir(parents=True, exist_ok=True)
    end_s = (sim.end_day + 1) * SECONDS_PER_DAY  # first second after the data
    counts: dict[str, Any] = {}
    st = sim.staff
    aid = [f"KF{i + 1:04d}" for i in range(len(st))]

    def day_str(d):
        return None if d is None else str(np.datetime64(int(d), "D"))

    # hires beyond the end never happened; exits beyond the end are not known yet
    exits = [e if e is not None and e <= sim.end_day else None for e in st.cols["exit"]]
    agents = pd.DataFrame({
        "agent_id": aid,
        "name": st.cols["name"],
        "team": [sim.team_names[t] for t in st.cols["team"]],
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
        "team": [sim.team_names[t] for t in sorted(sim.adopt, key=lambda t: sim.adopt[t])],
        "policy": "bottom_ranked_out",
        "start_month": [sim.label(sim.adopt[t])
                        for t in sorted(sim.adopt, key=lambda t: sim.adopt[t])],
        "end_month": None,
        "bottom_share": sim.p["policy"]["bottom_share"],
        "action": sim.p["policy"]["action"],
    })
    _write_csv(policies, out / "policies.csv", "policies")
    counts["policies"] = len(policies)

    # orders: sort by creation, drop those created after the end, hide later payments
    od = {k: np.concatenate([o[k] for o in sim.O]) for k in sim.O[0]}
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

    S = {k: np.concatenate([s[k] for s in sim.S]) for k in sim.S[0]}
    order = np.lexsort((S["agent"], S["cust"], S["ts"]))
    session_order = order
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
        "rating": pa.array(_ratings(sim, S["fr"]), pa.string()),
    }
    counts["sessions"] = _write_monthly(out / "sessions", pa.table(cols), s_month,
                                        "sessions")
    # the session id of each global session index (the engine's order before sorting)
    session_id_of = np.empty(len(s_ids), dtype=object)
    session_id_of[session_order] = s_ids

    C = {k: np.concatenate([c[k] for c in sim.C]) for k in sim.C[0]}
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
        "session_id": [session_id_of[i] if i >= 0 else None for i in C["session"]],
    })
    _write_csv(complaints, out / "complaints.csv", "complaints")
    counts["complaints"] = len(complaints)

    settings = Settings(min_inquiries=sim.p["policy"]["min_inquiries"],
                        bottom_share=sim.p["policy"]["bottom_share"],
                        dismissal_at=sim.p["exit"]["at_fault_dismissal"],
                        targets=dict(sim.p["targets"]))
    (out / "csnb.toml").write_text(
        settings.to_toml("Settings of the simulated sample (csnb.simulate): the metric book's "
                         "defaults,\nand targets as a shop would set them."), encoding="utf-8")
    sim.written_agents = agents
    return counts

def write_agent_daily_only(out: Path) -> dict:
    """Reduce the dataset written to ``out`` to what most shops have: daily agent exports.

    The agent-days of the full data (:func:`csnb.metrics.agent_daily.agent_daily_table`, the
    metric book's agent-day figures, names from the agents table as 客服昵称 in an export)
    are written as ``agent_daily/YYYY-MM.csv``, one file per month as a shop downloads them;
    then the session-level tables (sessions, orders, agents, complaints, policies) are
    removed. csnb.toml, README.md and truth.json stay.

    Returns
    -------
    dict
        ``{"total": rows, "files": {file name: rows}}``.
    """
    import shutil

    from ..io import load_dataset
    from ..metrics.agent_daily import agent_daily_table

    ds = load_dataset(out, cache=False)
    table = agent_daily_table(ds)
    ds.con.close()
    # As an export shows them: money in yuan with fen, durations and rates to 4 digits.
    table["sales"] = table["sales"].round(2)
    for col in ("avg_first_response_s", "avg_response_s", "fast_response_rate"):
        table[col] = table[col].round(4)
    folder = out / "agent_daily"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    months = pd.to_datetime(table["date"]).dt.strftime("%Y-%m")
    rows = {}
    for month, part in table.groupby(months, sort=True):
        name = f"{month}.csv"
        part.to_csv(folder / name, index=False, encoding="utf-8", lineterminator="\n")
        rows[name] = len(part)
    for name in SESSION_LEVEL_FILES:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    return {"total": int(sum(rows.values())), "files": rows}


#: What :func:`write_agent_daily_only` removes: every table but agent_daily.
SESSION_LEVEL_FILES = ("agents.csv", "policies.csv", "complaints.csv", "sessions", "orders")


def write_readme(out: Path, truth: dict) -> None:
    """Write the dataset's README.md from its truth."""
    c = truth["counts"]
    adoption = ", ".join(f"{t} from {m}" for t, m in truth["policy"]["adoption"].items())
    teams = ", ".join(f"{t['team']} ({t['role']}, {'/'.join(t['shifts'])})"
                      for t in truth["teams"])
    args = truth["arguments"]
    text = _README.format(
        seed=truth["seed"], start=truth["start_month"], end=truth["end_month"],
        agents=c["agents"], initial=args["agents"], sessions=c["sessions"]["total"],
        orders=c["orders"]["total"], complaints=c["complaints"], teams=teams,
        adoption=adoption or "none",
        never=", ".join(truth["policy"]["never_treated"]) or "none", months=args["months"],
        start_arg=args["start"],
        effects="; ".join(f"{k} = {v['value']} ({v['unit']})"
                          for k, v in truth["policy"]["effects"].items()),
        knee=truth["load_response"]["knee_sessions_per_agent_hour"],
        target=truth["load_response"]["target_fast_rate"],
        sustainable=("none" if truth["load_response"]["sustainable_load"] is None
                     else f"{truth['load_response']['sustainable_load']:.2f}"),
    )
    if "agent_daily" in c:
        text += _README_AGENT_DAILY.format(rows=c["agent_daily"]["total"])
    (out / "README.md").write_text(text, encoding="utf-8")


def load_response_truth(sim: Simulation) -> dict:
    """The planted load-response knee and the sustainable load it implies.

    The fast-response curve is structural: the share of counted sessions (business hours)
    that would be answered within ``fast_response_s`` if their clock hour ran at load L
    (sessions per agent-hour), m(L) = mean of (1 - p_never) x Phi((log(fast + 0.5) - mu -
    slope x max(0, L - knee)) / sd) (first responses are rounded to whole seconds). Which
    sessions it averages over matters, because agents differ in speed and the busy hours
    are worked by some agents more than others: ``sustainable_load`` averages over the
    sessions of the hours that ran above the knee (the hours whose staffing is in question,
    and the ones that show where the curve bends); ``sustainable_load_all_sessions`` over
    every counted session. Each solves m(L) = the fast-response target; None when m is
    below the target at every load (or there is no knee).
    """
    from scipy.optimize import brentq
    from scipy.stats import norm

    p = sim.p
    ld = p["load"]
    knee, slope = ld["knee_sessions_per_agent_hour"], ld["slope_log_per_load"]
    target = p["targets"]["fast_response_rate"]
    sd = p["response"]["first_response_log_sd"]
    logs = sim.load_log or [(np.empty(0),) * 4]
    mu, never, load = (np.concatenate([x[i] for x in logs]) for i in range(3))
    z0 = np.log(FAST_RESPONSE_S + 0.5)

    def solve(sel: np.ndarray) -> tuple[float | None, float | None]:
        if not sel.any():
            return None, None
        m, q = mu[sel], never[sel]

        def fast_rate(x: float) -> float:
            shift = slope * max(0.0, x - knee)
            return float(np.mean((1 - q) * norm.cdf((z0 - m - shift) / sd)))

        base = fast_rate(knee)
        if slope <= 0 or base <= target:
            return base, None
        return base, float(brentq(lambda x: fast_rate(x) - target, knee, knee + 40 / slope,
                                  xtol=1e-6))

    busy_base, busy = solve(load > knee)
    all_base, every = solve(np.ones(len(mu), dtype=bool))
    return {
        "knee_sessions_per_agent_hour": knee,
        "slope_log_per_load": slope,
        "form": ("log first response += slope x max(0, load - knee); load = sessions that "
                 "started in the clock hour / agents with a session in it"),
        "fast_response_s": FAST_RESPONSE_S,
        "target_fast_rate": target,
        "sustainable_load": busy,
        "fast_rate_below_knee": busy_base,
        "busy_hour_sessions": int((load > knee).sum()),
        "sustainable_load_all_sessions": every,
        "fast_rate_below_knee_all_sessions": all_base,
        "sustainable_load_note": ("load at which the structural fast-response rate falls to "
                                  "the target, for the sessions of the hours above the knee; "
                                  "promotion days' own slowdown "
                                  "(promotions.first_response_slowdown) is part of mu, so "
                                  "with it on the observed curve is a little lower"),
    }


def hourly_truth_table(sim: Simulation) -> pd.DataFrame:
    """Each clock hour with counted sessions: its load and expected fast sessions.

    Columns day, hour, load (sessions per agent-hour, as csnb measures it),
    counted_sessions, expected_fast (the sum over its counted sessions of the probability
    of an answer within ``fast_response_s``, knee included): the noise-free data the
    load-response curve is fitted to.
    """
    from scipy.stats import norm

    p = sim.p
    ld = p["load"]
    sd = p["response"]["first_response_log_sd"]
    logs = sim.load_log or [(np.empty(0),) * 3 + (np.empty(0, np.int64),)]
    mu, never, load, hour = (np.concatenate([x[i] for x in logs]) for i in range(4))
    shift = ld["slope_log_per_load"] * np.maximum(0.0, load - ld["knee_sessions_per_agent_hour"])
    fast = (1 - never) * norm.cdf((np.log(FAST_RESPONSE_S + 0.5) - mu - shift) / sd)
    frame = pd.DataFrame({"hour_id": hour, "load": load, "fast": fast})
    g = frame.groupby("hour_id")
    out = pd.DataFrame({"load": g["load"].first(), "counted_sessions": g.size(),
                        "expected_fast": g["fast"].sum()}).reset_index()
    ts = out["hour_id"].to_numpy(np.int64) * 3600
    out.insert(0, "day", (ts // SECONDS_PER_DAY).astype("datetime64[D]").astype(str))
    out.insert(1, "hour", (ts % SECONDS_PER_DAY) // 3600)
    return out.drop(columns="hour_id")


def truth_dict(sim: Simulation, *, seed, agents, months, start, counts) -> dict:
    """Every planted quantity of a run, for truth.json."""
    p = sim.p
    pol = p["policy"]
    a = sim.written_agents
    exits = a[a["exit_date"].notna()]
    truth = {
        "sim_version": SIM_VERSION,
        "seed": seed,
        "arguments": {"agents": agents, "months": months, "start": start},
        "start_month": sim.label(0),
        "end_month": sim.label(months - 1),
        "first_day": str(np.datetime64(sim.first_day, "D")),
        "last_day": str(np.datetime64(sim.end_day, "D")),
        "teams": [
            {"team": t["team"], "role": t["role"], "shifts": t["shifts"],
             "initial_headcount": n,
             "presale_sessions_per_working_day": t["presale_per_day"],
             "aftersale_sessions_per_working_day": t["aftersale_per_day"],
             "outsourced_p": t["outsourced_p"], "base_salary_mean": t["base_salary"],
             "policy_start_month": (sim.label(sim.adopt[i]) if i in sim.adopt
                                    else None)}
            for i, (t, n) in enumerate(zip(
                p["teams"], split(agents, [t["share"] for t in p["teams"]]), strict=True))
        ],
        "policy": {
            "policy": "bottom_ranked_out",
            "adoption": {sim.team_names[t]: sim.label(m)
                         for t, m in sorted(sim.adopt.items(), key=lambda x: x[1])},
            "never_treated": [n for i, n in enumerate(sim.team_names)
                              if i not in sim.adopt],
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
            "conversion_gain": {
                "definition": ("per policy team-month: presale visits and expected_gain, "
                               "the sum over those visits of P(convert | policy) - "
                               "P(convert | same visit without the policy's logit shift "
                               "and first-response speed-up); expected_gain / visits is the "
                               "planted effect on the team-month's visit conversion rate, "
                               "holding the team's agents fixed (effects through dismissals "
                               "and extra exits are not in it)"),
                "team_months": sim.policy_gain,
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
                     "dismissed + contract_end + other, prorated by the days employed in "
                     "the month (agents hired within the month, replacements included, are "
                     "at risk from their hire day); exit day uniform over those days; "
                     "replaced by a hire into the same team after a uniform lag"),
            **p["exit"],
        },
        "response_model": dict(p["response"]),
        "load_response": load_response_truth(sim),
        "rating_model": dict(p["ratings"]),
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
            "bottom_ranked_agent_months": len(sim.rank_log),
            "bottom_ranked": sim.rank_log,
            "dismissals": [
                {"decided_month": d["month"], "agent_id": f"KF{d['agent'] + 1:04d}",
                 "reason": d["reason"]}
                for d in sim.dismiss_log
                if (sim.staff.cols["reason"][d["agent"]] == d["reason"])
            ],
        },
        "counts": counts,
    }
    return truth


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
- `policies.csv`: bottom-ranked-out (末位淘汰) adoption: {adoption}; never adopted:
  {never}.
- `csnb.toml`: the settings used (the metric book's defaults).
- `truth.json`: every planted quantity: baselines, the conversion model, the agent
  random-effect sds, the policy's effects with their units, the simulator's own rankings and
  dismissals, and the rows written per file.

Teams: {teams}. Promotions: 618 (June 1-18), 双11 (Nov 1-11), 双12 (Dec 12).

Exits follow monthly hazards (truth.json, exit_model), prorated by the days employed: an
agent hired within a month, a replacement too, can leave in that month.

Planted policy effects, from the adoption month on, in the adopting teams: {effects}.
`truth.json` (policy.conversion_gain) also holds, per policy team-month, the expected
conversions the policy added to its presale visits (the planted conversion effect on the
probability scale, holding the team's agents fixed).

Planted load-response knee (人效): above {knee} sessions per agent-hour (sessions that started
in a clock hour / agents with a session in it) first responses slow down sharply; the
3-minute response rate of the busy hours' sessions falls to the {target} target at
{sustainable} sessions per agent-hour (`truth.json`, `load_response`).

There is no `rankings` table: csnb derives rankings from the metric book. The simulator ranks
agents only internally (an approximation of that rule), to dismiss those bottom-ranked two
months running in teams with the policy.
"""


_README_AGENT_DAILY = """
## Written with `--agent-daily-only`

Only the daily per-agent exports remain: `agent_daily/YYYY-MM.csv`, {rows} agent-days
aggregated from the simulated sessions and orders by the metric book's agent-day definitions
(inquiries and paid buyers by session day, credited sales by payment day, response figures
of the day's counted sessions; agent names as the export's 客服昵称). The files listed above
were removed after the aggregation; truth.json still describes the world they came from.
"""


def _ratings(sim: Simulation, first_response: np.ndarray) -> list[str | None]:
    """A rating for about ``rated_p`` of the sessions; slow answers are rated worse.

    Drawn from a stream of its own (seeded by the simulation's seed), after the world, so
    ratings change no other value of the dataset.
    """
    r = sim.p["ratings"]
    rng = np.random.default_rng([sim.seed, 20251202])
    n = len(first_response)
    rated = rng.random(n) < r["rated_p"]
    slow = (first_response < 0) | (first_response > FAST_RESPONSE_S)
    cum = np.where(slow[:, None], np.cumsum(r["slow_p"]), np.cumsum(r["fast_p"]))
    level = (rng.random(n)[:, None] > cum).sum(axis=1).clip(0, len(r["levels"]) - 1)
    labels = np.array(r["levels"], dtype=object)[level]
    return [str(v) if ok else None for v, ok in zip(labels, rated, strict=True)]


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
        pq.write_table(part, folder / fname, compression="zstd", compression_level=ZSTD_LEVEL,
                       row_group_size=ROW_GROUP, write_statistics=True,
                       use_dictionary=dictionary, column_encoding=encoding)
        rows[fname] = int(hi - lo)
    return {"total": int(sum(rows.values())), "files": rows}
