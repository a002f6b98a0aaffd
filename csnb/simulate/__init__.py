"""Simulate a customer-service dataset with planted, documented effects.

:func:`simulate` writes a dataset folder in the data contract (``csnb.io.schema``) and returns
the *truth*: every quantity the simulator planted (baseline rates, the conversion model, the
agent random-effect sds, the bottom-ranked-out policy's adoption months and effects), also
written to ``truth.json``. Analyses are tested by recovering these quantities.

The world, month by month
-------------------------
- Eight teams with Chinese names (售前一组 ... 直播组); agents with a role, a shift, an
  outsourced flag and a base salary. Exits follow monthly hazards (higher on the night
  shift and in the first 90 days, prorated by the days employed, so a hire can leave in
  its first month); every exit is replaced by a hire into the same team after a lag of
  days to weeks.
- Each working agent-day draws presale (询单) and aftersale sessions; the volume peaks on 618
  (June 1-18), 双11 (Nov 1-11) and 双12 (Dec 12), aftersale a little after them.
- A presale visit converts with a logistic model in first response time, tenure band, promotion
  day, the policy, and a normal agent effect on the logit scale. Converted customers pay an
  order the same day or the next (a few later, outside the attribution window); some orders
  carry the agent tag (备注工号); some orders are never paid; silent orders have no session.
- Load-response knee (人效): when a clock hour's sessions per agent online exceed a planted
  knee, every session of that hour answers slower (log first response rises linearly with
  the excess), so the 3-minute response rate falls to the target at a known load.
- Service complaints arise per session (more after a slow answer, with an agent effect);
  logistics and product complaints per paid order.
- Bottom-ranked-out (末位淘汰): five teams adopt it on three dates, three never do, so a
  staggered difference in differences has several teams per arm. The simulator ranks
  agents internally each month (an approximation of the metric book's rule: it knows which
  inquiries converted) and dismisses an agent bottom-ranked two months running. No
  ``rankings`` table is written: csnb derives rankings.

- Service complaints carry the session they are about (``session_id``); chat reviews
  (``qa_reviews.csv``) hold verdicts on the chats csnb's daily brief samples on the last 30
  days of the last month but one, failing more often in the targeted strata; the pass rate
  of all those days' sessions is in ``truth["qa"]``.

Output files: ``agents.csv``, ``policies.csv``, ``complaints.csv`` (UTF-8), ``sessions/`` and
``orders/`` (one zstd Parquet file per month, deterministic bytes), ``csnb.toml``,
``truth.json`` and ``README.md``. The same seed and arguments give byte-identical files.

Examples
--------
>>> truth = simulate("/tmp/shop", seed=1, agents=12, months=3)  # doctest: +SKIP
>>> truth["policy"]["adoption"]  # doctest: +SKIP
{'售前一组': '2024-02', '售前三组': '2024-03', '直播组': '2024-03', '售前四组': '2024-03',
 '夜班组': '2024-03'}
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .engine import Simulation, merge_params
from .output import (
    hourly_truth_table,
    truth_dict,
    write_agent_daily_only,
    write_files,
    write_readme,
)
from .params import DEFAULT_PARAMS, SAMPLE_AGENTS, SAMPLE_MONTH, SAMPLE_SEED

__all__ = ["DEFAULT_PARAMS", "SAMPLE_AGENTS", "SAMPLE_MONTH", "SAMPLE_SEED", "simulate"]


def simulate(
    out: str | Path,
    seed: int,
    *,
    agents: int = SAMPLE_AGENTS,
    months: int = 24,
    start: str = "2024-01",
    params: dict | None = None,
    agent_daily_only: bool = False,
    volume: float = 1.0,
    session_months: int | None = None,
) -> dict:
    """Simulate a dataset in the data contract and write it to ``out``.

    Parameters
    ----------
    out : path
        Folder to write (created; files of the same names are overwritten).
    seed : int
        Seed of ``numpy.random.default_rng``; the same arguments give byte-identical files.
    agents : int, default :data:`SAMPLE_AGENTS` (56)
        Initial headcount, split over the teams by their shares (at least one per team);
        hires replace exits.
    months : int, default 24
        Number of full calendar months to simulate.
    start : str, default "2024-01"
        First month, ``YYYY-MM``.
    params : dict, optional
        Overrides of :data:`DEFAULT_PARAMS` (nested dicts are merged), e.g. smaller session
        volumes for fast tests.
    agent_daily_only : bool, default False
        Write only daily per-agent exports (``agent_daily/YYYY-MM.csv``, with the agents'
        names), aggregated from the simulated sessions and orders by the metric book's
        agent-day definitions, as most shops have; no sessions, orders, agents,
        complaints or policies (see :func:`~csnb.simulate.output.write_agent_daily_only`).
    volume : float, default 1.0
        Multiplier of every team's sessions per working agent-day (and of the load knee in
        sessions per agent-hour, so response times stay as planted): platform-sized months
        for benchmarks (``benchmarks/bench_scale.py``) without thousands more agents.
    session_months : int, optional
        Only the last ``session_months`` months have sessions, orders and complaints (and the
        simulator's internal ranking); the months before have staff only (hires and hazard
        exits), so a year of agents costs no year of sessions. None: every month.

    Returns
    -------
    dict
        The truth, also written to ``out/truth.json``: ``seed``, ``arguments``, ``start_month``,
        ``end_month``, ``teams``, ``policy`` (adoption month per team and each planted effect
        with its unit), ``agent_effects`` (random-effect sds), ``baseline``,
        ``conversion_model``, ``exit_model``, ``load_response`` (the knee and the sustainable
        load it implies), ``promotions``, ``realized`` (rankings and
        dismissals the simulator made) and ``counts`` (rows written per table and file).

    Raises
    ------
    ValueError
        ``agents`` fewer than the teams, ``months`` < 1 or ``start`` not ``YYYY-MM``.
    """
    p = merge_params(DEFAULT_PARAMS, params or {})
    if agents < len(p["teams"]):
        raise ValueError(f"agents must be at least {len(p['teams'])} (one per team); "
                         f"got {agents}")
    if months < 1:
        raise ValueError(f"months must be at least 1; got {months}")
    try:
        np.datetime64(start, "M")
        if len(start) != 7:
            raise ValueError
    except ValueError as exc:
        raise ValueError(f"start must be a month YYYY-MM; got {start!r}") from exc
    rng = np.random.default_rng(seed)
    if volume <= 0:
        raise ValueError(f"volume must be positive; got {volume}")
    if session_months is not None and session_months < 1:
        raise ValueError(f"session_months must be at least 1; got {session_months}")
    sim = Simulation(p, rng, agents=agents, months=months, start=start, seed=seed,
                     volume=volume, session_months=session_months)
    sim.run()
    out = Path(out)
    counts = write_files(sim, out)
    from .qa import write_reviews

    # Reviews are of sampled chats: drawn from the sessions, so before an agent_daily-only
    # folder drops them (such a shop has no chats to review).
    qa = {} if agent_daily_only else write_reviews(sim, out)
    if agent_daily_only:
        counts["agent_daily"] = write_agent_daily_only(out)
    truth = truth_dict(sim, seed=seed, agents=agents, months=months, start=start, counts=counts)
    # scale arguments only when used, so a default run's truth.json is as before
    if volume != 1.0:
        truth["arguments"]["volume"] = volume
    if session_months is not None:
        truth["arguments"]["session_months"] = session_months
    if p["load"].get("write_hourly_truth"):
        hourly_truth_table(sim).to_csv(out / "load_truth.csv", index=False)
    if qa:
        truth["qa"] = qa
    write_readme(out, truth)
    (out / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8"
    )
    return truth
