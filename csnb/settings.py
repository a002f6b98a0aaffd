"""Dataset settings: defaults, overridden by an optional ``csnb.toml`` in the data folder.

Example ``csnb.toml``::

    timezone = "Asia/Shanghai"
    business_hours = ["08:00", "23:00"]
    fast_response_s = 180          # 300 for PDD's older 5-minute rule
    attribution_window_days = 1
    lag_days = 3
    min_inquiries = 30             # ranking: minimum inquiries in the month
    bottom_share = 0.1
    fine_schedule = [50, 100]      # yuan for the 1st, 2nd at-fault complaint of a month
    dismissal_at = 3               # the 3rd at-fault complaint of a month means dismissal

    target_tolerance = 0.05        # amber within 5% of a target, red beyond
    qa_quota = 30                  # chats the daily brief asks the supervisor to read

    # DuckDB resources (csnb.io.resources); not metric-book parameters, written only when set
    duckdb_memory_fraction = 0.15  # share of the machine's memory, divided among the
                                   # notebooks running at once and the runner
    duckdb_memory_limit = "3GB"    # a fixed limit per connection instead ("" = the fraction)
    duckdb_threads = 2             # 0 = the cores divided by the notebooks running at once

    load_fit_months = 12           # staffing: months of hourly load the load-response
                                   # curve is fitted on (ending with the report month)
    overstaffed_load_share = 0.75  # a block is overstaffed below this share of the
                                   # sustainable load with a whole agent to spare
    forecast_days = 60             # surge plan: days forecast after the report month
    logit_sample_sessions = 500000 # conversion model: above this many presale sessions in
                                   # the fitted months, fit on a seeded sample of inquiries
    load_fit_sample_sessions = 500000  # load-response curve: above this many counted
                                   # sessions in its months, fit on a seeded sample of
                                   # agent-days
    shift_hours = ["08:00", "23:00"]  # staffing: the hours the team is rostered; the
                                   # weekday x hour picture and the load-response curve's
                                   # clock hours are these (within business hours)

    [targets]                      # optional; met means at least (or at most, for figures
    conversion_rate = 0.40         # where lower is better, such as complaints)
    fast_response_rate = 0.85
    complaints_per_1k_orders = 8

    [promotions]                   # promotion windows named in reports, "MM-DD" inclusive
    "618" = ["06-01", "06-18"]
    "双11" = ["11-01", "11-11"]
    "双12" = ["12-12", "12-12"]

    [ranking_weights]
    conversion_rate = 1.0
    fast_response_rate = 1.0
    credited_sales = 1.0
    complaint_rate = 1.0           # enters with a minus sign

    [aliases.sessions]             # extra header aliases, per table
    "接待客服" = "agent_id"

    [values.exit_reason]           # your own spellings of category values, per column
    "个人原因" = "voluntary"
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import asdict, dataclass, field, fields
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import SettingsError
from .i18n import METRICS

SETTINGS_FILE = "csnb.toml"

#: The fast-response rate the sustainable load is set against when ``[targets]`` has none
#: (Taobao's common 3分钟响应率 target).
DEFAULT_FAST_RESPONSE_TARGET = 0.85

#: A memory size as DuckDB reads it ("2GB", "512 MiB", "1.5GiB").
MEMORY_PATTERN = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.I)

#: Settings of the resources DuckDB may use, not of any figure: they are left out of the load
#: cache's key, and ``to_toml`` writes them only when they differ from the default.
RESOURCE_SETTINGS = ("duckdb_memory_fraction", "duckdb_memory_limit", "duckdb_threads")

#: Complaint categories that are not the agent's service, so never fined.
NON_SERVICE_CATEGORIES = ("logistics", "product_quality")


def _default_weights() -> dict[str, float]:
    return {
        "conversion_rate": 1.0,
        "fast_response_rate": 1.0,
        "credited_sales": 1.0,
        "complaint_rate": 1.0,
    }


def _default_promotions() -> dict[str, tuple[str, str]]:
    # The platforms' big sales: 618 (JD's anniversary, June 1-18), 双11 (Nov 1-11, with its
    # pre-sale period) and 双12 (Dec 12).
    return {"618": ("06-01", "06-18"), "双11": ("11-01", "11-11"), "双12": ("12-12", "12-12")}


@dataclass(frozen=True)
class Settings:
    """Settings of one dataset (metric book parameters and loading options)."""

    timezone: str = "Asia/Shanghai"
    business_hours: tuple[str, str] = ("08:00", "23:00")
    fast_response_s: float = 180.0
    response_cap_s: float = 600.0
    attribution_window_days: int = 1
    lag_days: int = 3
    min_inquiries: int = 30
    bottom_share: float = 0.1
    ranking_weights: dict[str, float] = field(default_factory=_default_weights)
    fine_schedule: tuple[float, ...] = (50.0, 100.0)
    dismissal_at: int = 3
    non_service_categories: tuple[str, ...] = NON_SERVICE_CATEGORIES
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    targets: dict[str, float] = field(default_factory=dict)
    target_tolerance: float = 0.05
    promotions: dict[str, tuple[str, str]] = field(default_factory=_default_promotions)
    load_fit_months: int = 12
    overstaffed_load_share: float = 0.75
    forecast_days: int = 60
    #: Staffing (人效): the hours the team is rostered, "HH:MM" start (inclusive) and end
    #: (exclusive). The weekday x hour picture shows and labels these clock hours and the
    #: load-response curve is fitted on their sessions; hours outside them are covered by
    #: whoever is on call, whose load says nothing about the roster.
    shift_hours: tuple[str, str] = ("08:00", "23:00")
    #: Chats the daily brief samples for reading (about an hour at two minutes a chat).
    qa_quota: int = 30
    #: Presale sessions of the fitted months above which the conversion logit fits on a
    #: seeded sample of inquiries, stratified by agent (analyses.conversion); intervals
    #: widen by at most sqrt(population / sample).
    logit_sample_sessions: int = 500_000
    #: Counted sessions of the load-response curve's months (rostered hours) above which the
    #: curve fits on a seeded sample of agent-days, stratified by day (analyses.operations);
    #: the interval widens by at most sqrt(population / sample).
    load_fit_sample_sessions: int = 500_000

    # -- DuckDB resources (csnb.io.resources: memory limit, spilling, threads) --------------
    #: Share of the machine's memory csnb's DuckDB connections may use in all, divided among
    #: the notebooks running at once and the runner.
    duckdb_memory_fraction: float = 0.15
    #: A fixed ``memory_limit`` per connection ("2GB"); empty: from the fraction.
    duckdb_memory_limit: str = ""
    #: Threads per connection; 0: the cores divided by the notebooks running at once.
    duckdb_threads: int = 0

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Settings:
        """Build Settings from plain values (TOML or JSON: lists where tuples are meant).

        Raises
        ------
        SettingsError
            A name is unknown or a value is out of range.
        """
        known = {f.name for f in fields(cls)}
        unknown = set(raw) - known
        if unknown:
            raise SettingsError(f"unknown settings {sorted(unknown)}; allowed: {sorted(known)}")
        args = dict(raw)
        for name in ("business_hours", "shift_hours", "fine_schedule",
                     "non_service_categories"):
            if name in args:
                args[name] = tuple(args[name])
        if "promotions" in args:
            args["promotions"] = {str(k): tuple(v) for k, v in args["promotions"].items()}
        if "ranking_weights" in args:
            args["ranking_weights"] = {**_default_weights(), **args["ranking_weights"]}
        try:
            return cls(**args)
        except TypeError as exc:
            raise SettingsError(str(exc)) from exc

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SettingsError(f"timezone {self.timezone!r} is not a known IANA zone") from exc
        start, end = (_parse_hhmm("business_hours", v) for v in self.business_hours)
        if not start < end:
            raise SettingsError(
                f"business_hours must start before they end; got {self.business_hours}"
            )
        start, end = (_parse_hhmm("shift_hours", v) for v in self.shift_hours)
        if not start < end:
            raise SettingsError(f"shift_hours must start before they end; got {self.shift_hours}")
        for name in ("fast_response_s", "response_cap_s"):
            if not getattr(self, name) > 0:
                raise SettingsError(f"{name} must be positive; got {getattr(self, name)!r}")
        for name in ("attribution_window_days", "lag_days", "min_inquiries", "qa_quota"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 0:
                raise SettingsError(f"{name} must be a non-negative integer; got {value!r}")
        for name in ("logit_sample_sessions", "load_fit_sample_sessions"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise SettingsError(f"{name} must be a positive integer; got {value!r}")
        if not 0 < self.bottom_share < 1:
            raise SettingsError(f"bottom_share must be in (0, 1); got {self.bottom_share!r}")
        unknown = set(self.ranking_weights) - set(_default_weights())
        if unknown:
            raise SettingsError(
                f"ranking_weights has unknown metrics {sorted(unknown)}; "
                f"allowed: {sorted(_default_weights())}"
            )
        for name, target in self.targets.items():
            if name not in METRICS or METRICS[name].get("good") not in ("up", "down"):
                allowed = sorted(m for m, v in METRICS.items() if v.get("good") in ("up", "down"))
                raise SettingsError(f"targets.{name}: not a figure with a direction of good; "
                                    f"allowed: {', '.join(allowed)}")
            if not isinstance(target, int | float) or isinstance(target, bool):
                raise SettingsError(f"targets.{name} must be a number; got {target!r}")
        if not 0 <= self.target_tolerance < 1:
            raise SettingsError(
                f"target_tolerance must be in [0, 1); got {self.target_tolerance!r}")
        for name in ("load_fit_months", "forecast_days"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise SettingsError(f"{name} must be a positive integer; got {value!r}")
        if not 0 < self.overstaffed_load_share < 1:
            raise SettingsError(f"overstaffed_load_share must be in (0, 1); "
                                f"got {self.overstaffed_load_share!r}")
        if not 0 < self.duckdb_memory_fraction <= 1:
            raise SettingsError(f"duckdb_memory_fraction must be in (0, 1]; "
                                f"got {self.duckdb_memory_fraction!r}")
        if self.duckdb_memory_limit and not MEMORY_PATTERN.match(str(self.duckdb_memory_limit)):
            raise SettingsError(f"duckdb_memory_limit must be a memory size such as '2GB' or "
                                f"'512MiB'; got {self.duckdb_memory_limit!r}")
        threads = self.duckdb_threads
        if not isinstance(threads, int) or isinstance(threads, bool) or threads < 0:
            raise SettingsError(f"duckdb_threads must be a non-negative integer; got {threads!r}")
        for name, window in self.promotions.items():
            if len(window) != 2:
                raise SettingsError(f"promotions.{name} must be [start, end] as \"MM-DD\"; "
                                    f"got {window!r}")
            first, last = (_parse_mmdd(f"promotions.{name}", v) for v in window)
            if first > last:
                raise SettingsError(f"promotions.{name} must start before it ends within a "
                                    f"year; got {window!r}")
        from .io.schema import TABLES  # here: io imports settings

        for table, entries in self.aliases.items():
            if table not in TABLES:
                raise SettingsError(f"aliases.{table}: unknown table; allowed: {sorted(TABLES)}")
            names = [c.name for c in TABLES[table].columns]
            for header, column in entries.items():
                if column not in names:
                    raise SettingsError(f"aliases.{table}: {header!r} maps to {column!r}, not a "
                                        f"column of {table}; allowed: {', '.join(names)}")
        # Category columns by name; a name such as "category" is one column in several tables.
        categories: dict[str, set[str]] = {}
        for spec in TABLES.values():
            for c in spec.columns:
                if c.kind == "category":
                    categories.setdefault(c.name, set()).update(c.allowed)
        for column, entries in self.values.items():
            if column not in categories:
                raise SettingsError(f"values.{column}: not a category column; allowed: "
                                    f"{', '.join(sorted(categories))}")
            for spelling, value in entries.items():
                if value not in categories[column]:
                    raise SettingsError(
                        f"values.{column}: {spelling!r} maps to {value!r}, not an allowed "
                        f"value; allowed: {', '.join(sorted(categories[column]))}")

    @property
    def business_start(self) -> time:
        """Start of business hours (inclusive)."""
        return _parse_hhmm("business_hours", self.business_hours[0])

    @property
    def business_end(self) -> time:
        """End of business hours (exclusive)."""
        return _parse_hhmm("business_hours", self.business_hours[1])

    @property
    def shift_clock_hours(self) -> tuple[int, int]:
        """Clock hours of the shift: the first, and one past the last.

        An hour the shift only starts or ends within is included.
        """
        start = _parse_hhmm("shift_hours", self.shift_hours[0])
        end = _parse_hhmm("shift_hours", self.shift_hours[1])
        return start.hour, end.hour + (end.minute > 0 or end.second > 0)

    @property
    def fast_response_target(self) -> float:
        """The fast-response rate target: ``targets.fast_response_rate`` or 0.85."""
        return float(self.targets.get("fast_response_rate", DEFAULT_FAST_RESPONSE_TARGET))

    def fine_for(self, nth: int) -> float:
        """Fine in yuan for the ``nth`` (1-based) at-fault complaint of an agent in a month."""
        if nth >= self.dismissal_at:
            return 0.0
        schedule = self.fine_schedule
        return float(schedule[min(nth, len(schedule)) - 1]) if schedule else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as plain JSON-able values."""
        return asdict(self)

    def result_key(self) -> dict[str, Any]:
        """The settings a result can depend on: all but the DuckDB resources (memory, threads)."""
        return {k: v for k, v in self.to_dict().items() if k not in RESOURCE_SETTINGS}

    def __hash__(self) -> int:
        # The dict fields make the generated hash fail; the canonical JSON is the identity.
        return hash(json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False))

    def to_toml(self, comment: str = "") -> str:
        """Return the settings as the text of a ``csnb.toml`` that :func:`load_settings` reads.

        Every metric-book setting is written (an empty table as its header), so the file
        states all the parameters a dataset was computed with; the DuckDB resource settings
        (:data:`RESOURCE_SETTINGS`) only when they differ from the default.
        """
        lines = [f"# {line}".rstrip() for line in comment.splitlines()]
        tables = []
        defaults = Settings()
        for name, value in self.to_dict().items():
            if name in RESOURCE_SETTINGS and value == getattr(defaults, name):
                continue  # machine resources, not a parameter the figures were computed with
            if isinstance(value, dict):
                tables.append((name, value))
            else:
                lines.append(f"{name} = {_toml_value(value)}")
        for name, table in tables:
            if table and all(isinstance(v, dict) for v in table.values()):
                for sub, entries in table.items():
                    lines += ["", f"[{name}.{sub}]"]
                    lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in entries.items()]
            else:
                lines += ["", f"[{name}]"]
                lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items()]
        return "\n".join(lines) + "\n"


def _toml_key(key: str) -> str:
    # A bare key is ASCII letters, digits, "_" and "-"; anything else is quoted.
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    # A TOML basic string is a JSON string for the characters settings hold.
    return json.dumps(str(value), ensure_ascii=False)


def _parse_mmdd(name: str, value: str) -> tuple[int, int]:
    try:
        month, day = (int(p) for p in str(value).split("-"))
        date(2024, month, day)  # a leap year: "02-29" is a real day
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{name}: {value!r} is not a day of the year MM-DD") from exc
    return month, day


def _parse_hhmm(name: str, value: str) -> time:
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{name}: {value!r} is not a time of day HH:MM") from exc


def load_settings(folder: str | Path | None = None) -> Settings:
    """Read ``csnb.toml`` from a dataset folder, with defaults for what it leaves out.

    Parameters
    ----------
    folder : path, optional
        Dataset folder. Without one, or without a ``csnb.toml`` in it, the defaults apply.

    Returns
    -------
    Settings

    Raises
    ------
    SettingsError
        The file is not valid TOML, names an unknown setting, or a value is out of range.
    """
    if folder is None:
        return Settings()
    path = Path(folder) / SETTINGS_FILE
    if not path.exists():
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from exc
    try:
        return Settings.from_dict(raw)
    except SettingsError as exc:
        raise SettingsError(f"{path}: {exc}") from exc
