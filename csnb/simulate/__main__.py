"""Command line: ``python -m csnb.simulate --out DIR --seed N``."""

from __future__ import annotations

import argparse

from . import simulate
from .params import SAMPLE_AGENTS, SAMPLE_SEED


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m csnb.simulate --out DIR --seed N``."""
    ap = argparse.ArgumentParser(prog="python -m csnb.simulate", description=__doc__.split(
        "\n")[0])
    ap.add_argument("--out", required=True, help="folder to write")
    ap.add_argument("--seed", type=int, default=SAMPLE_SEED)
    ap.add_argument("--agents", type=int, default=SAMPLE_AGENTS)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--start", default="2024-01", help="first month, YYYY-MM")
    ap.add_argument("--agent-daily-only", action="store_true",
                    help="write only daily per-agent exports (agent_daily), as most shops have")
    ap.add_argument("--volume", type=float, default=1.0,
                    help="multiplier of sessions per working agent-day (benchmarks)")
    ap.add_argument("--session-months", type=int, default=None,
                    help="only the last N months have sessions, orders and complaints")
    args = ap.parse_args(argv)
    truth = simulate(args.out, args.seed, agents=args.agents, months=args.months,
                     start=args.start, agent_daily_only=args.agent_daily_only,
                     volume=args.volume, session_months=args.session_months)
    c = truth["counts"]
    print(f"wrote {args.out}: {c['agents']} agents, {c['sessions']['total']} sessions, "
          f"{c['orders']['total']} orders, {c['complaints']} complaints "
          f"({truth['start_month']}..{truth['end_month']})")


if __name__ == "__main__":
    main()
