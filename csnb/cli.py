"""Command line: ``csnb report``, ``csnb daily``, ``csnb validate``, ``csnb simulate``.

Exit codes: 0 success; 1 a report failed, the data are not valid, or csnb raised one of its
errors (printed as one message, no traceback); 2 wrong usage (argparse).

The heavy modules (pandas, papermill, nbconvert) are imported inside the commands so that
``csnb --help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

PROG = "csnb"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``csnb`` command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit code: 0 success, 1 failure (message on stderr), 2 usage error.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2

    from .errors import CsnbError

    try:
        return int(args.func(args))
    except CsnbError as exc:
        _error(args.command, str(exc))
        return 1
    except OSError as exc:
        # Missing or unreadable input paths, full disks, permissions: one line, no traceback.
        detail = exc.strerror or str(exc)
        where = f": {exc.filename}" if exc.filename else ""
        _error(args.command, f"{detail}{where}")
        return 1
    except ModuleNotFoundError as exc:
        # A broken installation (a csnb module missing) is named, not a traceback.
        if not (exc.name or "").startswith("csnb."):
            raise
        _error(args.command, f"this installation of csnb lacks the module {exc.name!r}")
        return 1
    except KeyboardInterrupt:
        _error(args.command, "interrupted")
        return 130


def _add_render_options(parser: argparse.ArgumentParser, period: str) -> None:
    """The options every rendering command shares (``report`` and ``daily``)."""
    parser.add_argument("--data", required=True, type=Path, help="data folder")
    parser.add_argument("--out", required=True, type=Path, help="reports folder")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="report language")
    parser.add_argument(
        "--notebooks",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder of the notebook templates (default: the notebooks shipped with csnb)",
    )
    parser.add_argument("--no-progress", action="store_true", help="do not show the progress bar")
    parser.add_argument(
        "--allow-outside-data",
        action="store_true",
        help=f"render a {period} outside the data's span (every figure shows as not available)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``csnb`` (one subcommand per task)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Notebook analysis kit for e-commerce customer-service (客服) teams.",
    )
    parser.set_defaults(command=None)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    report = sub.add_parser(
        "report",
        help="render a month's reports (HTML, key figures JSON, executed notebooks)",
        description="Render the report notebooks of one month into OUT/YYYY-MM/ and refresh "
        "OUT/index.html.",
    )
    report.add_argument("--month", required=True, help="report month, YYYY-MM")
    _add_render_options(report, "month")
    report.add_argument(
        "--only",
        type=_comma_list,
        default=None,
        metavar="NAME,...",
        help="render only these notebooks (overview, turnover, conversion, complaints, incentives)",
    )
    report.add_argument(
        "--workers", type=_positive_int, default=2, help="notebooks run at once (default 2)"
    )
    report.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default=None,
        help="where the metric book's raw-table step runs (default duckdb, or $CSNB_ENGINE); "
        "spark needs pip install 'csnb[spark]' and Java 17",
    )
    report.set_defaults(command="report", func=_cmd_report)

    daily = sub.add_parser(
        "daily",
        help="render the supervisor's daily brief of a day (flags and the chats to read)",
        description="Render the daily brief of one day into OUT/YYYY-MM/daily-YYYY-MM-DD.html "
        "with the chats to read beside it (CSV and XLSX), and refresh OUT/index.html.",
    )
    daily.add_argument("--date", required=True, help="day of the brief, YYYY-MM-DD")
    _add_render_options(daily, "day")
    daily.set_defaults(command="daily", func=_cmd_daily)

    validate = sub.add_parser(
        "validate",
        help="check a data folder against the data contract",
        description="Load every table of a data folder, print the data-quality table and "
        "exit 1 when the data violate the contract.",
    )
    validate.add_argument("--data", required=True, type=Path, help="data folder")
    validate.set_defaults(command="validate", func=_cmd_validate)

    simulate = sub.add_parser(
        "simulate",
        help="write a simulated data folder with known effects",
        description="Write a simulated shop's data folder (for trying csnb and for tests).",
    )
    simulate.add_argument("--out", required=True, type=Path, help="folder to write")
    simulate.add_argument("--seed", required=True, type=int, help="random seed")
    simulate.add_argument("--agents", type=_positive_int, default=None, help="number of agents")
    simulate.add_argument("--months", type=_positive_int, default=None, help="number of months")
    simulate.add_argument("--start", default=None, help="first month, YYYY-MM")
    simulate.add_argument(
        "--agent-daily-only", action="store_true",
        help="write only daily per-agent exports (agent_daily), as most shops have: no "
             "sessions, orders, agents, complaints or policies")
    simulate.add_argument("--volume", type=_positive_float, default=None,
                          help="multiplier of sessions per working agent-day (benchmarks)")
    simulate.add_argument("--session-months", type=_positive_int, default=None,
                          help="only the last N months have sessions, orders and complaints")
    simulate.set_defaults(command="simulate", func=_cmd_simulate)
    return parser


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------


def _cmd_report(args: argparse.Namespace) -> int:
    from .io.engines import ENGINE_VARIABLE, check_engine
    from .report import render_month

    if args.engine is not None:
        # The notebooks' kernels inherit the environment: each runs the metric book there.
        os.environ[ENGINE_VARIABLE] = args.engine
    check_engine()
    summary = render_month(
        args.month,
        args.data,
        args.out,
        lang=args.lang,
        only=args.only,
        workers=args.workers,
        notebooks_dir=args.notebooks,
        progress=not args.no_progress,
        allow_outside_data=args.allow_outside_data,
    )
    width = max(len(run.name) for run in summary.runs)
    for run in summary.runs:
        seconds = f"{run.seconds:6.1f} s"
        if run.ok:
            flag = "  (provisional)" if run.provisional else ""
            print(f"ok      {run.name:<{width}}  {seconds}  {run.html}{flag}")
        else:
            print(f"FAILED  {run.name:<{width}}  {seconds}  {run.error}")
    print(f"index: {summary.index_html}")
    if summary.ok:
        return 0
    for run in summary.failed:
        print(run.error, file=sys.stderr)
        if run.ipynb is not None:
            print(f"  executed notebook kept for audit: {run.ipynb}", file=sys.stderr)
    n = len(summary.failed)
    _error("report", f"{n} of {len(summary.runs)} notebook{'s' * (len(summary.runs) != 1)} failed")
    return 1


def _cmd_daily(args: argparse.Namespace) -> int:
    from .report import render_daily

    summary = render_daily(args.date, args.data, args.out, lang=args.lang,
                           notebooks_dir=args.notebooks, progress=not args.no_progress,
                           allow_outside_data=args.allow_outside_data)
    run = summary.runs[0]
    if run.ok and run.html is not None:
        flag = "  (provisional)" if run.provisional else ""
        print(f"ok      {run.name}  {run.seconds:6.1f} s  {run.html}{flag}")
        for chats in sorted(run.html.parent.glob(f"{run.html.stem}.chats.*")):
            print(f"chats to read: {chats}")
        print(f"index: {summary.index_html}")
        return 0
    print(f"FAILED  {run.name}  {run.seconds:6.1f} s  {run.error}")
    if run.ipynb is not None:
        print(f"  executed notebook kept for audit: {run.ipynb}", file=sys.stderr)
    _error("daily", run.error or "the brief failed")
    return 1


def _cmd_validate(args: argparse.Namespace) -> int:
    if not args.data.is_dir():
        from .errors import ParameterError

        what = "is not a folder" if args.data.exists() else "does not exist"
        raise ParameterError(f"data folder {str(args.data)!r} {what}")
    from .io import validate_dataset

    report = validate_dataset(args.data)
    print(report)
    return 0 if report.ok else 1


def _cmd_simulate(args: argparse.Namespace) -> int:
    from .simulate import simulate

    options = {
        key: value
        for key, value in (("agents", args.agents), ("months", args.months), ("start", args.start),
                           ("volume", args.volume), ("session_months", args.session_months))
        if value is not None
    }
    if "start" in options:
        from .months import check_month

        check_month(options["start"])
    if args.agent_daily_only:
        options["agent_daily_only"] = True
    truth = simulate(args.out, args.seed, **options)
    print(f"simulated data written to {args.out} (seed {args.seed})")
    files = sorted(p for p in Path(args.out).rglob("*") if p.is_file())
    if files:
        shown = ", ".join(p.relative_to(args.out).as_posix() for p in files[:12])
        more = f" and {len(files) - 12} more" if len(files) > 12 else ""
        print(f"  files: {shown}{more}")
    for key, value in _scalar_items(truth)[:12]:
        print(f"  {key}: {value}")
    return 0


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _scalar_items(truth) -> list[tuple[str, object]]:
    """Return the simple top-level entries of the simulator's truth dict, for a summary."""
    if not isinstance(truth, dict):
        return []
    items: list[tuple[str, object]] = []
    for key, value in truth.items():
        if isinstance(value, bool | int | float | str) or value is None:
            items.append((str(key), value))
        elif isinstance(value, list | tuple | dict) and len(value) <= 6:
            values = value.values() if isinstance(value, dict) else value
            if all(isinstance(v, bool | int | float | str) for v in values):
                items.append((str(key), value))
    return items


def _comma_list(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected comma-separated notebook names")
    return names


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _error(command: str, message: str) -> None:
    print(f"{PROG} {command}: error: {message}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
