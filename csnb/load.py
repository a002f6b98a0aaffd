"""Read a dataset folder into a :class:`~csnb.dataset.Dataset`, checking the data contract.

A dataset is a folder (DESIGN.md, "Data contract"). Each contract table is a file named after
it (``agents.csv``, ``sessions.parquet``, ``complaints.xlsx``) or a subfolder whose files are
concatenated (``sessions/2025-06.csv``, ...). CSV (UTF-8, UTF-8 with BOM, GB18030/GBK), Parquet
and XLSX (first sheet) are read.

How a load works
----------------
1. Discover: list the table files; other files are ignored with an ``unknown_file`` warning
   (``csnb.toml``, ``README.md``, ``truth.json`` and dot-files are expected and not listed).
2. Stage: every file is read by DuckDB as text (``read_csv(all_varchar=true)``,
   ``read_parquet`` with every column cast to VARCHAR; XLSX through openpyxl, registered into
   DuckDB). A CSV that is not UTF-8 is transcoded in chunks to a UTF-8 temp file first, so raw
   tables are never held in pandas. Headers are mapped to contract names (English names,
   :data:`~csnb.schema.HEADER_ALIASES` and ``[aliases.TABLE]`` of ``csnb.toml``).
3. Parse: one SQL mechanism for all tables and formats turns each cell into its contract type
   (``TRY_CAST``, regular expressions: percent strings, "1,234.00", "￥", "2分30秒",
   "00:02:30", Excel serial dates, 是/否, value aliases, zone offsets converted to shop time).
4. Check: every contract check runs as SQL; findings become :class:`~csnb.errors.Problem`
   records naming file, column, count and up to five ``(row, value)`` examples. Row numbers
   are 1-based data rows of their file (the row after the header is row 1; blank CSV lines
   are not data rows).
5. Build: accepted rows go into one DuckDB table per contract table with exactly the contract
   columns; the row accounting (read = accepted + rejected) is asserted per file.

Error checks (severity "error"; the row is rejected)
---------------------------------------------------
``missing_column`` (a required column is absent: every row of that file is rejected),
``missing_value``, ``non_numeric``, ``bad_date``, ``bad_timestamp``, ``bad_duration``,
``bad_rate``, ``bad_bool``, ``bad_month``, ``not_allowed``, ``out_of_range``, ``duplicate_id``
(every row sharing a repeated key, within and across the files of a table),
``exit_before_hire``, ``exit_reason_mismatch``, ``unreadable`` (a file that cannot be read at
all), ``no_tables`` (the folder holds no contract table). With ``strict=True`` any error
raises one :class:`~csnb.errors.DataContractError` listing all of them, after every table has
been checked.

Soft policies (severity "warning"; each is one Problem with count and examples)
-------------------------------------------------------------------------------
- ``summary_row``: a row with any cell equal to a summary marker (汇总值, 平均值, ...) is a
  platform total, not data: rejected.
- ``empty_row``: a row whose cells are all empty or missing markers: rejected.
- ``future_timestamp``: a timestamp after the load time in shop time cannot be real data (a
  clock or zone error): the row is rejected.
- ``unknown_reference``: a value of a referencing column (``Column.references``, e.g. a
  session's agent_id) that is not among the accepted keys of the referenced table, when that
  table is present: the row is kept (agents may be missing from an incomplete roster).
- ``not_final``: a cell of ``agent_daily`` marked "延迟统计" (statistics not final yet) in a
  non-key column becomes NULL and the row is kept, even in a required column; the distinct
  dates of such rows are stored in the table ``_not_final_days(date DATE)`` of the dataset's
  connection (always created) so metrics can mark those days provisional. In a key column,
  and in every other table, the marker is an ordinary missing value.
- ``outside_employment``: a session or agent_daily row dated before its agent's hire_date or
  after the exit_date: kept (the roster is more often wrong than the platform's log).
- ``extra_columns``: columns that are not in the contract (or a second column mapping to the
  same contract column) are ignored.
- ``unknown_file``: a file or folder that is not a contract table is ignored.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import math
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from .cache import cache_enabled, cache_path, read_cached, write_cached
from .dataset import DUCKDB_TYPES, QUALITY_COLUMNS, Dataset, _quote
from .errors import MAX_EXAMPLES, DataContractError, Problem, SettingsError
from .schema import (
    BOOL_FALSE,
    BOOL_TRUE,
    HEADER_ALIASES,
    MISSING_MARKERS,
    NOT_FINAL_MARKERS,
    SUFFIXES,
    SUMMARY_MARKERS,
    TABLES,
    VALUE_ALIASES,
    Column,
    Table,
)
from .settings import SETTINGS_FILE, Settings, load_settings

__all__ = ["ValidationReport", "load_dataset", "quality_table", "validate_dataset"]

#: Files a dataset folder may hold besides its tables (not reported as unknown).
EXPECTED_FILES = (SETTINGS_FILE, "README.md", "truth.json")

#: Tables whose rows are an agent's work on a day, and the column dating it.
_EMPLOYMENT_DATES = {"sessions": "start_ts", "agent_daily": "date"}

#: Checks whose rows are rejected (errors plus the rejecting soft policies).
REJECTING_WARNINGS = ("summary_row", "empty_row", "future_timestamp")

PROBLEM_COLUMNS = ["table", "path", "column", "check", "severity", "count", "examples", "message"]

# Characters trimmed around every cell: exports pad with full-width and no-break spaces.
_TRIM = " \t\r\n\u3000\u00a0\ufeff"
_CHUNK = 1 << 20
_TRIM_CODES = ", ".join(str(ord(ch)) for ch in _TRIM)
_PARSE_CHECK = {
    "int": "non_numeric", "float": "non_numeric", "money": "non_numeric", "rate": "bad_rate",
    "duration": "bad_duration", "bool": "bad_bool", "date": "bad_date",
    "timestamp": "bad_timestamp", "month": "bad_month",
}
_PARSE_TEXT = {
    "non_numeric": ("non-numeric value", "non-numeric values", ""),
    "bad_rate": ("value that is not a rate", "values that are not rates",
                 " (expected a fraction such as 0.52 or a percentage such as 52%)"),
    "bad_duration": ("value that is not a duration", "values that are not durations",
                     " (expected seconds, '2分30秒' or '00:02:30')"),
    "bad_bool": ("value that is not yes/no", "values that are not yes/no",
                 " (expected true/false, 1/0, yes/no or 是/否)"),
    "bad_date": ("value that is not a date", "values that are not dates",
                 " (expected YYYY-MM-DD or an Excel serial date)"),
    "bad_timestamp": ("value that is not a timestamp", "values that are not timestamps",
                      " (expected YYYY-MM-DD HH:MM:SS, optionally with a zone offset)"),
    "bad_month": ("value that is not a month", "values that are not months",
                  " (expected YYYY-MM)"),
}


# --------------------------------------------------------------------------- public API


@dataclass(frozen=True)
class ValidationReport:
    """Outcome of :func:`validate_dataset`: row accounting and every finding.

    Attributes
    ----------
    path : str
        The dataset folder that was checked.
    quality : pandas.DataFrame
        One row per table and file: table, path, read, accepted, rejected.
    problems : tuple of Problem
        Every finding, errors and warnings.
    """

    path: str
    quality: pd.DataFrame
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether no error-severity problem was found."""
        return not any(p.severity == "error" for p in self.problems)

    def problems_table(self) -> pd.DataFrame:
        """Return the problems as a tidy table.

        Returns
        -------
        pandas.DataFrame
            Columns: table, path, column, check, severity, count, examples (text
            ``"17: 'n/a'; 42: '12,5'"``), message (the full sentence, as in the error).
        """
        return _problems_frame(self.problems)

    def to_dict(self) -> dict:
        """Return the report as JSON-able values."""
        return {
            "path": self.path,
            "ok": self.ok,
            "quality": self.quality.to_dict(orient="records"),
            "problems": self.problems_table().to_dict(orient="records"),
        }

    def __str__(self) -> str:
        return _render_report(self)

    def _repr_html_(self) -> str:
        status = "passed" if self.ok else "FAILED"
        return (
            f"<p>Data validation of <code>{self.path}</code>: <b>{status}</b></p>"
            + self.quality.to_html(index=False)
            + self.problems_table().to_html(index=False)
        )


def load_dataset(
    path: str | Path,
    *,
    settings: Settings | None = None,
    strict: bool = True,
    cache: bool | None = None,
) -> Dataset:
    """Read a dataset folder into a :class:`~csnb.dataset.Dataset`.

    Parameters
    ----------
    path : path
        The dataset folder.
    settings : Settings, optional
        Settings to use; by default ``csnb.toml`` in the folder over the defaults.
    strict : bool, default True
        Raise when any contract error is found. With ``False`` the rows with errors are
        rejected and the Dataset is returned; the errors are in ``problems``.
    cache : bool, optional
        Reuse the result of an earlier load of the same, unchanged files (see
        :mod:`csnb.cache`); default on unless the environment sets ``CSNB_CACHE=0``.

    Returns
    -------
    Dataset
        ``con`` holds each present table under its name (contract columns, order and types)
        and ``_not_final_days(date DATE)``; ``quality`` is the per-file row accounting
        (table, path, read, accepted, rejected); ``files`` lists path, bytes, sha256;
        ``problems`` holds every finding (see the module docstring for the policies).

    Raises
    ------
    DataContractError
        ``strict`` and at least one error problem; lists every error after all tables were
        checked, each naming file, column, count and example rows.
    SettingsError
        ``csnb.toml`` is invalid.

    Examples
    --------
    >>> ds = load_dataset("data/samples/shop")          # doctest: +SKIP
    >>> ds.con.sql("SELECT count(*) FROM sessions")     # doctest: +SKIP
    """
    folder = Path(path)
    cached = None
    if cache_enabled(cache) and folder.is_dir():
        key = cache_path(folder, settings, dt.datetime.now(_zone(settings, folder)).date())
        cached = read_cached(key)
    ds = cached or _Loader(folder, settings).run()
    # A load that rejected future timestamps is not cached: later in the day they may be past.
    if (cached is None and cache_enabled(cache) and folder.is_dir()
            and not any(p.check == "future_timestamp" for p in ds.problems)):
        try:
            write_cached(key, ds)
        except (OSError, duckdb.Error):
            pass  # a read-only or full cache folder only costs speed
    if strict and any(p.severity == "error" for p in ds.problems):
        ds.con.close()
        raise DataContractError(ds.problems, ds.quality)
    return ds


def _zone(settings: Settings | None, folder: Path) -> ZoneInfo:
    """The shop time zone of a load (the cache key holds the shop's calendar day)."""
    return ZoneInfo((settings or load_settings(folder)).timezone)


def validate_dataset(path: str | Path) -> ValidationReport:
    """Check a dataset folder against the data contract without raising on bad data.

    Parameters
    ----------
    path : path
        The dataset folder.

    Returns
    -------
    ValidationReport
        ``ok`` is False when any error problem was found; ``str(report)`` is the plain-text
        data-quality report that ``csnb validate`` prints.
    """
    folder = Path(path)
    try:
        ds = _Loader(folder, None).run()
    except SettingsError as exc:
        problem = Problem("", SETTINGS_FILE, None, "bad_settings", f"is not valid: {exc}")
        return ValidationReport(str(folder), pd.DataFrame(columns=QUALITY_COLUMNS), (problem,))
    ds.con.close()
    return ValidationReport(str(folder), ds.quality, ds.problems)


def quality_table(ds: Dataset) -> pd.DataFrame:
    """Return the row accounting of a Dataset per table, for report notebooks.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        Columns: table, read, accepted, rejected, reasons (rejection reasons with counts,
        e.g. ``"summary_row 2; future_timestamp 1"``; empty when nothing was rejected).
    """
    q = ds.quality
    if q.empty:
        return pd.DataFrame(columns=["table", "read", "accepted", "rejected", "reasons"])
    out = q.groupby("table", sort=False)[["read", "accepted", "rejected"]].sum().reset_index()
    reasons = []
    for table in out["table"]:
        counts: dict[str, int] = {}
        for p in ds.problems:
            if p.table == table and (p.severity == "error" or p.check in REJECTING_WARNINGS):
                counts[p.check] = counts.get(p.check, 0) + p.count
        reasons.append("; ".join(f"{k} {v}" for k, v in counts.items()))
    out["reasons"] = reasons
    order = {name: i for i, name in enumerate(TABLES)}
    out = out.sort_values("table", key=lambda s: s.map(order)).reset_index(drop=True)
    return out[["table", "read", "accepted", "rejected", "reasons"]]


# --------------------------------------------------------------------------- loader


@dataclass
class _Check:
    """One finding to count and sample: a SQL condition over the staged columns."""

    column: str | None
    check: str
    severity: str
    cond: str  # SQL over the staging table
    value: str  # SQL expression shown as the example value
    message: Callable[[int], str]


@dataclass
class _Staged:
    """A table staged into ``_p_<table>``: its files, its checks and its acceptance rule.

    The staging table holds, per data row: ``_file`` (index into ``files``), ``_row``,
    ``_summary`` (the summary marker found, if any), ``_empty``, ``_dup``, per contract column
    its typed value, its raw text ``r_<col>`` (columns that can fail parsing) and its status
    ``s_<col>`` (NULL or the check code of the first failing check), the table's row rules
    ``_rule_<check>``, and ``_flag`` (the row has any finding; most rows have none, so the
    checks only scan flagged rows).
    """

    table: Table
    now: dt.datetime
    files: list[str] = field(default_factory=list)
    bad_files: list[int] = field(default_factory=list)  # missing a required column
    read_files: list[int] = field(default_factory=list)  # files read (possibly 0 rows)

    @property
    def stage(self) -> str:
        return _quote(f"_p_{self.table.name}")

    @property
    def raw_kept(self) -> list[str]:
        return [c.name for c in self.table.columns if c.kind not in ("id", "text")]

    @property
    def rules(self) -> list[tuple[str, str, str, str, Callable[[int], str]]]:
        return _ROW_RULES.get(self.table.name, [])

    @property
    def not_bad(self) -> str:
        if not self.bad_files:
            return "true"
        return f"_file NOT IN ({', '.join(map(str, self.bad_files))})"

    @property
    def eligible(self) -> str:
        """SQL: the row is data (not in a file missing a required column, not summary/empty)."""
        return f"{self.not_bad} AND _summary IS NULL AND NOT _empty"

    @property
    def ok(self) -> str:
        """SQL: the row is accepted (never NULL)."""
        cells = [f"COALESCE(s_{c.name} = 'not_final', true)" for c in self.table.columns]
        rules = [f"NOT _rule_{check}" for _, check, *_ in self.rules]
        return (f"(NOT _flag OR ({self.eligible} AND NOT _dup AND "
                f"{' AND '.join(cells + rules)}))")

    def schema(self) -> str:
        cols = ["_file INTEGER", "_row BIGINT", "_summary VARCHAR", "_empty BOOLEAN",
                "_dup BOOLEAN DEFAULT false", "_flag BOOLEAN"]
        for c in self.table.columns:
            cols.append(f"{_quote(c.name)} {DUCKDB_TYPES[c.kind]}")
            if c.name in self.raw_kept:
                cols.append(f"r_{c.name} VARCHAR")
            cols.append(f"s_{c.name} VARCHAR")
        cols += [f"_rule_{check} BOOLEAN" for _, check, *_ in self.rules]
        return ", ".join(cols)

    def insert_sql(self, index: int, source: str, names: Sequence[str],
                   mapping: dict[str, str]) -> str:
        """Return SQL inserting one file's rows, parsed and with statuses, into the stage.

        Five levels so each cell is trimmed, cleaned and parsed once: trim -> missing
        markers -> parse -> statuses -> row flag.
        """
        table = self.table
        pos = {n: i for i, n in enumerate(names)}
        src = {c: pos[mapping[c]] for c in mapping}  # contract column -> file column index
        raw = [c for c in self.raw_kept if c in src]
        # "延迟统计" is how platform daily exports mark a figure that is not final yet: only
        # agent_daily holds such figures. Elsewhere the marker is an ordinary missing value
        # (so a required cell holding it is a missing_value error).
        nf = [c.name for c in table.columns
              if table.name == "agent_daily"
              and c.name in src and c.name in self.raw_kept and c.name not in table.key]
        l1 = ["__row"] + [
            f"_csnb_trim(CAST({_quote(n)} AS VARCHAR)) AS t{i}" for i, n in enumerate(names)
        ] + [f"CAST({_quote(mapping[c])} AS VARCHAR) AS r_{c}" for c in raw]
        # One lookup per cell for both marker lists; the second only for the rare hits.
        markers = _lits(MISSING_MARKERS + SUMMARY_MARKERS)
        l2 = ["__row"] + [f"r_{c}" for c in raw] + [
            f"CASE WHEN t{i} IN ({markers}) AND t{i} IN ({_lits(MISSING_MARKERS)}) "
            f"THEN NULL ELSE t{i} END AS m{i}"
            for i in range(len(names))
        ] + [f"t{i} IN ({markers}) AS k{i}" for i in range(len(names))] + [
            f"t{src[c]} IN ({_lits(NOT_FINAL_MARKERS)}) AS nf_{c}" for c in nf
        ]
        # Summary and empty rows are judged on every cell of the file, mapped or not:
        # platform totals often sit in a column the contract does not use.
        summary = ("COALESCE(" + ", ".join(
            f"CASE WHEN k{i} AND m{i} IN ({_lits(SUMMARY_MARKERS)}) THEN m{i} END"
            for i in range(len(names))) + ", NULL)") if names else "NULL"
        empty = " AND ".join(f"m{i} IS NULL" for i in range(len(names))) or "true"
        l3 = ["__row", f"{summary} AS _summary", f"{empty} AS _empty"]
        for c in table.columns:
            m = f"m{src[c.name]}" if c.name in src else "CAST(NULL AS VARCHAR)"
            l3.append(f"{m} AS m_{c.name}")
            l3.append(f"CAST({_parse_sql(c, m)} AS {DUCKDB_TYPES[c.kind]}) AS {_quote(c.name)}")
            if c.name in self.raw_kept:
                l3.append(f"r_{c.name}" if c.name in src else f"NULL AS r_{c.name}")
            l3.append(f"nf_{c.name}" if c.name in nf else f"false AS nf_{c.name}")
        l4 = [f"{index} AS _file", "__row AS _row", "_summary", "_empty"]
        for c in table.columns:
            l4.append(_quote(c.name))
            if c.name in self.raw_kept:
                l4.append(f"r_{c.name}")
            l4.append(f"{_status_sql(c, self.now)} AS s_{c.name}")
        l4 += [f"COALESCE({cond}, false) AS _rule_{check}" for _, check, cond, *_ in self.rules]
        flag = " OR ".join(
            [f"s_{c.name} IS NOT NULL" for c in table.columns]
            + [f"_rule_{check}" for _, check, *_ in self.rules]
            + ["_summary IS NOT NULL", "_empty"]
        )
        if index in self.bad_files:
            flag = "true"
        return (
            f"INSERT INTO {self.stage} BY NAME SELECT *, {flag} AS _flag FROM ("
            f"SELECT {', '.join(l4)} FROM (SELECT {', '.join(l3)} FROM ("
            f"SELECT {', '.join(l2)} FROM (SELECT {', '.join(l1)} FROM {source}))))"
        )

    def checks(self) -> list[_Check]:
        """Every per-row check of the table, in the order problems are reported."""
        table, out = self.table, []
        eligible = self.eligible
        for c in table.columns:
            raw = f"r_{c.name}" if c.name in self.raw_kept else _quote(c.name)
            for code, severity, message in _codes(c):
                out.append(_Check(c.name, code, severity,
                                  f"{eligible} AND s_{c.name} = {_lit(code)}",
                                  f"COALESCE({raw}, '')", message))
        for column, check, _, value, message in self.rules:
            out.append(_Check(column, check, "error", f"{eligible} AND _rule_{check}", value,
                              message))
        if table.key:
            value = " || ', ' || ".join(
                f"COALESCE(CAST({_quote(k)} AS VARCHAR), '')" for k in table.key)
            out.append(_Check(
                ", ".join(table.key), "duplicate_id", "error", f"{eligible} AND _dup", value,
                lambda n, k=table.key: f"has {_n(n, 'row')} with a duplicate key "
                                       f"({', '.join(k)}); every such row is rejected",
            ))
        out.append(_Check(None, "summary_row", "warning",
                          f"{self.not_bad} AND _summary IS NOT NULL", "_summary",
                          lambda n: f"has {_n(n, 'summary row')} (platform totals), rejected"))
        out.append(_Check(None, "empty_row", "warning",
                          f"{self.not_bad} AND _summary IS NULL AND _empty", "''",
                          lambda n: f"has {_n(n, 'empty row')}, rejected"))
        return out


def _status_sql(c: Column, now: dt.datetime) -> str:
    """Return SQL giving the code of the first failing check of a cell (NULL when fine).

    Refers to ``m_<col>`` (cleaned text, NULL when missing), the typed value and
    ``nf_<col>`` (the cell holds a not-final marker).
    """
    col, m = _quote(c.name), f"m_{c.name}"
    missing = f"CASE WHEN nf_{c.name} THEN 'not_final'"
    missing += " WHEN true THEN 'missing_value' END" if c.required else " END"
    whens = [f"WHEN {m} IS NULL THEN {missing}"]
    if c.kind in _PARSE_CHECK:
        whens.append(f"WHEN {col} IS NULL THEN {_lit(_PARSE_CHECK[c.kind])}")
    if c.kind == "category":
        whens.append(f"WHEN {col} NOT IN ({_lits(c.allowed)}) THEN 'not_allowed'")
    bounds = []
    if c.min is not None:
        bounds.append(f"{col} < {c.min!r}")
    if c.max is not None:
        bounds.append(f"{col} > {c.max!r}")
    if bounds:
        whens.append(f"WHEN {' OR '.join(bounds)} THEN 'out_of_range'")
    if c.kind == "timestamp":
        whens.append(f"WHEN {col} > TIMESTAMP '{now.isoformat(sep=' ')}' "
                     f"THEN 'future_timestamp'")
    return f"CASE {' '.join(whens)} END"


def _codes(c: Column) -> list[tuple[str, str, Callable[[int], str]]]:
    """Return the (check code, severity, message) a cell of ``c`` can get, in report order."""
    out: list[tuple[str, str, Callable[[int], str]]] = []
    if c.required:
        out.append(("missing_value", "error",
                    lambda n: f"has {_n(n, 'empty value')} in a required column"))
    if c.kind in _PARSE_CHECK:
        code = _PARSE_CHECK[c.kind]
        one, many, hint = _PARSE_TEXT[code]
        out.append((code, "error", lambda n: f"has {n} {one if n == 1 else many}{hint}"))
    if c.kind == "category":
        out.append(("not_allowed", "error",
                    lambda n: f"has {_n(n, 'value')} not allowed "
                              f"(allowed: {', '.join(c.allowed)})"))
    if c.min is not None or c.max is not None:
        text = " and ".join(
            t for t in (f">= {_fmt(c.min)}" if c.min is not None else "",
                        f"<= {_fmt(c.max)}" if c.max is not None else "") if t)
        out.append(("out_of_range", "error",
                    lambda n: f"has {_n(n, 'value')} out of range (allowed: {text})"))
    if c.kind == "timestamp":
        out.append(("future_timestamp", "warning",
                    lambda n: f"has {_n(n, 'timestamp')} after the load time (shop time), "
                              f"rows rejected"))
    if c.kind not in ("id", "text"):
        out.append(("not_final", "warning",
                    lambda n: f"has {_n(n, 'cell')} marked not final ('延迟统计'): set to "
                              f"missing and the days marked provisional, rows kept"))
    return out


#: Row rules over several columns, per table: (column, check, condition on the parsed row,
#: example value over the staged columns, message).
_ROW_RULES: dict[str, list[tuple[str, str, str, str, Callable[[int], str]]]] = {
    "agents": [
        ("exit_date", "exit_before_hire", "exit_date < hire_date",
         "'hire_date ' || CAST(hire_date AS VARCHAR) || ', exit_date ' "
         "|| CAST(exit_date AS VARCHAR)",
         lambda n: f"has {_n(n, 'row')} with exit_date before hire_date"),
        ("exit_reason", "exit_reason_mismatch", "(m_exit_reason IS NULL) <> (m_exit_date IS NULL)",
         "'exit_date ' || COALESCE(r_exit_date, '') || ', exit_reason ' "
         "|| COALESCE(r_exit_reason, '')",
         lambda n: f"has {_n(n, 'row')} where exit_reason and exit_date disagree "
                   f"(an exit needs both a date and a reason)"),
    ],
}


class _Loader:
    """One load of one folder; collects problems, never raises on bad data."""

    def __init__(self, folder: Path, settings: Settings | None):
        self.folder = folder
        self.settings = settings
        self.problems: list[Problem] = []
        self.quality: list[dict] = []
        self.files: list[dict] = []

    # -- steps

    def run(self) -> Dataset:
        settings = self.settings if self.settings is not None else load_settings(
            self.folder if self.folder.is_dir() else None
        )
        self.settings = settings
        con = duckdb.connect()
        # Shop time everywhere: TIMESTAMPTZ text from parquet carries the shop offset.
        con.execute(f"SET TimeZone = {_lit(settings.timezone)}")
        con.execute("SET enable_progress_bar = false")
        self.con = con
        self.now = dt.datetime.now(ZoneInfo(settings.timezone)).replace(tzinfo=None, microsecond=0)

        found = self._discover()
        staged: dict[str, _Staged] = {}
        _create_macros(con, settings.timezone)
        with tempfile.TemporaryDirectory(prefix="csnb-load-") as tmp:
            self.tmp = Path(tmp)
            for name, paths in found.items():
                st = self._stage(TABLES[name], paths)
                if st.read_files:
                    staged[name] = st
                    self._check(st)
                else:
                    con.execute(f"DROP TABLE {st.stage}")
        self._check_references(staged)
        self._not_final_days(staged)
        tables = self._build(staged)
        _drop_macros(con)

        quality = pd.DataFrame(self.quality, columns=QUALITY_COLUMNS)
        for col in ("read", "accepted", "rejected"):
            quality[col] = quality[col].astype("int64")
        assert (quality["read"] == quality["accepted"] + quality["rejected"]).all()
        return Dataset(
            path=self.folder,
            settings=settings,
            con=con,
            tables=tables,
            quality=quality,
            problems=tuple(self.problems),
            files=pd.DataFrame(self.files, columns=["path", "bytes", "sha256"]),
        )

    def _discover(self) -> dict[str, list[Path]]:
        found: dict[str, list[Path]] = {}
        if not self.folder.is_dir():
            what = "does not exist" if not self.folder.exists() else "is not a folder"
            self._problem("", str(self.folder), None, "no_tables",
                          f"{what}; a dataset is a folder of table files")
            return found
        for entry in sorted(self.folder.iterdir()):
            if entry.name.startswith("."):
                continue
            if entry.is_dir() and entry.name in TABLES:
                for sub in sorted(entry.iterdir()):
                    if sub.name.startswith("."):
                        continue
                    if sub.is_file() and sub.suffix.lower() in SUFFIXES:
                        found.setdefault(entry.name, []).append(sub)
                    else:
                        self._unknown(sub)
            elif entry.is_file() and entry.stem in TABLES and entry.suffix.lower() in SUFFIXES:
                found.setdefault(entry.stem, []).append(entry)
            elif entry.is_file() and entry.name in EXPECTED_FILES:
                if entry.name == SETTINGS_FILE:
                    self._register_file(entry)
            else:
                self._unknown(entry)
        if not found:
            self._problem(
                "", ".", None, "no_tables",
                f"holds no contract table (expected files or folders named "
                f"{', '.join(TABLES)} with suffix {', '.join(SUFFIXES)})",
            )
        # Stage in contract order so references resolve against staged tables.
        return {name: sorted(found[name]) for name in TABLES if name in found}

    def _stage(self, table: Table, paths: Sequence[Path]) -> _Staged:
        st = _Staged(table, self.now)
        self.con.execute(f"CREATE TEMP TABLE {st.stage} ({st.schema()})")
        for path in paths:
            rel = self._register_file(path)
            index = len(st.files)
            st.files.append(rel)
            try:
                self._stage_file(st, index, path, rel)
            except Exception as exc:  # noqa: BLE001 - any reader failure is a finding
                self._problem(table.name, rel, None, "unreadable",
                              f"could not be read: {_short_error(exc)}")
                self.quality.append({"table": table.name, "path": rel, "read": 0,
                                     "accepted": 0, "rejected": 0})
                continue
            st.read_files.append(index)
        return st

    def _stage_file(self, st: _Staged, index: int, path: Path, rel: str) -> None:
        """Read one file, parse and flag its rows into the staging table."""
        table = st.table
        sources, names, cleanup = self._open(path, table)
        try:
            mapping, extras = _map_headers(names, table, self.settings.aliases.get(table.name, {}))
            missing = [c for c in table.required if c not in mapping]
            if missing:
                st.bad_files.append(index)
            for i, source in enumerate(sources):
                try:
                    # One statement: a failed try leaves nothing behind.
                    self.con.execute(st.insert_sql(index, source, names, mapping))
                    break
                except duckdb.Error:
                    if i == len(sources) - 1:
                        raise
        except Exception:
            if index in st.bad_files:
                st.bad_files.remove(index)
            raise
        finally:
            cleanup()
        if extras:
            self._problem(
                table.name, rel, None, "extra_columns",
                f"has {_n(len(extras), 'column')} that the contract does not use, "
                f"ignored: {', '.join(extras)}",
                count=len(extras), severity="warning",
            )
        if missing:
            rows = self.con.execute(
                f"SELECT count(*) FROM {st.stage} WHERE _file = ?", [index]
            ).fetchone()[0]
            for col in missing:
                self._problem(
                    table.name, rel, col, "missing_column",
                    f"is missing (required), so all {_n(rows, 'row')} of the file are "
                    f"rejected; columns found: {', '.join(names) if names else '(none)'}",
                    count=rows,
                )

    def _open(self, path: Path, table: Table) -> tuple[list[str], list[str], Callable[[], None]]:
        """Return SQL sources to try, with a ``__row`` column; the data columns; a cleanup."""
        suffix = path.suffix.lower()
        if suffix == ".csv":
            if path.stat().st_size == 0:
                raise ValueError("the file is empty (no header row)")
            text_path = self._utf8_csv(path)
            opts = ("all_varchar=true, header=true, skip=0, comment='', quote='\"', "
                    "escape='\"', null_padding=true, parallel={}")
            # Explicit skip/comment: the sniffer would otherwise drop lines it takes for a
            # preamble or comments, silently. The parallel reader refuses quoted newlines
            # with null_padding, hence the serial reader as a second try.
            srcs = [f"read_csv({_lit(str(text_path))}, {opts.format(p)})"
                    for p in ("true", "false")]
            try:
                names = [r[0] for r in
                         self.con.execute(f"DESCRIBE SELECT * FROM {srcs[1]}").fetchall()]
            except duckdb.Error:
                _check_csv_widths(text_path)  # names the lines when field counts differ
                raise
            if len(names) == 1 and "," in names[0]:
                # The sniffer gave up on commas: some lines have more fields than the header.
                _check_csv_widths(text_path)
            sources = [f"(SELECT row_number() OVER () AS __row, * FROM {s})" for s in srcs]
            return sources, names, lambda: None
        if suffix == ".parquet":
            src = f"read_parquet({_lit(str(path))}, file_row_number=true)"
            names = [r[0] for r in self.con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()
                     if r[0] != "file_row_number"]
            # DuckDB reads an Arrow duration (a pandas timedelta column) as a bare integer
            # count of its unit: turn it into seconds, which is what duration columns hold.
            seconds = [f"{_quote(name)} / {factor} AS {_quote(name)}"
                       for name, factor in _parquet_durations(path).items() if name in names]
            replace = f" REPLACE ({', '.join(seconds)})" if seconds else ""
            source = f"(SELECT file_row_number + 1 AS __row, *{replace} FROM {src})"
            return [source], names, lambda: None
        if suffix == ".xlsx":
            frame = _read_xlsx(path, table, self.settings.aliases.get(table.name, {}))
            view = f"_xlsx_{table.name}"
            self.con.register(view, frame)
            names = [c for c in frame.columns if c != "__row"]
            return [_quote(view)], names, lambda: self.con.unregister(view)
        raise ValueError(f"unsupported file type {suffix!r}")

    def _utf8_csv(self, path: Path) -> Path:
        """Return a UTF-8 version of a CSV: the file itself, or a transcoded temp copy."""
        if _decodes(path, "utf-8-sig"):
            return path  # DuckDB skips a UTF-8 BOM itself
        out = self.tmp / f"{len(list(self.tmp.iterdir()))}.csv"
        decoder = codecs.getincrementaldecoder("gb18030")()
        # One pass: transcode chunk by chunk; a byte sequence GB18030 rejects stops it.
        try:
            with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
                while chunk := src.read(_CHUNK):
                    dst.write(decoder.decode(chunk))
                dst.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError as exc:
            raise ValueError("the file is neither UTF-8 nor GB18030/GBK text") from exc
        return out

    def _check(self, st: _Staged) -> None:
        """Run every contract check of a staged table and record its row accounting."""
        table = st.table
        self._mark_duplicates(st)
        rows = self.con.execute(
            f"SELECT _file, count(*), count(*) FILTER (WHERE {st.ok}), "
            f"count(*) FILTER (WHERE NOT {st.ok}) FROM {st.stage} GROUP BY _file"
        ).fetchall()
        counts = {r[0]: r[1:] for r in rows}
        for index in st.read_files:
            read, accepted, rejected = counts.get(index, (0, 0, 0))
            assert read == accepted + rejected, (table.name, index, read, accepted, rejected)
            self.quality.append({"table": table.name, "path": st.files[index], "read": read,
                                 "accepted": accepted, "rejected": rejected})
        checks = st.checks()
        self._record(st, checks, self._aggregate(st.stage, checks, where="_flag"))

    def _mark_duplicates(self, st: _Staged) -> None:
        """Flag every eligible row whose key is shared with another eligible row."""
        key = [_quote(k) for k in st.table.key]
        if not key:
            return
        not_null = " AND ".join(f"{k} IS NOT NULL" for k in key)
        same = " AND ".join(f"{st.stage}.{k} = d.{k}" for k in key)
        self.con.execute(
            f"UPDATE {st.stage} SET _dup = true, _flag = true FROM (SELECT {', '.join(key)} "
            f"FROM {st.stage} WHERE {st.eligible} AND {not_null} GROUP BY ALL "
            f"HAVING count(*) > 1) AS d WHERE {same} AND {st.eligible}"
        )

    def _check_references(self, staged: dict[str, _Staged]) -> None:
        for st in staged.values():
            for c in st.table.columns:
                if not c.references:
                    continue
                ref_table, ref_col = c.references.split(".")
                if ref_table not in staged:
                    continue
                ref = staged[ref_table]
                col = _quote(c.name)
                check = _Check(
                    c.name, "unknown_reference", "warning",
                    f"{st.ok} AND {col} IS NOT NULL AND {col} NOT IN (SELECT {_quote(ref_col)} "
                    f"FROM {ref.stage} WHERE {ref.ok} AND {_quote(ref_col)} IS NOT NULL)",
                    col,
                    lambda n, r=c.references: f"has {_n(n, 'value')} not found in {r}, "
                                              f"rows kept",
                )
                self._record(st, [check], self._aggregate(st.stage, [check]))
        self._check_employment(staged)

    def _check_employment(self, staged: dict[str, _Staged]) -> None:
        """Warn about work dated outside the agent's employment (hire_date to exit_date)."""
        agents = staged.get("agents")
        if agents is None:
            return
        for name, column in _EMPLOYMENT_DATES.items():
            st = staged.get(name)
            if st is None:
                continue
            day = f"CAST({st.stage}.{_quote(column)} AS DATE)"
            check = _Check(
                "agent_id", "outside_employment", "warning",
                # Unqualified names inside the subquery bind to the agents' stage.
                f"{st.ok} AND EXISTS (SELECT 1 FROM {agents.stage} AS a WHERE {agents.ok} "
                f"AND a.agent_id = {st.stage}.agent_id "
                f"AND (a.hire_date > {day} OR a.exit_date < {day}))",
                f"agent_id || ' on ' || CAST({day} AS VARCHAR)",
                lambda n: f"has {_n(n, 'row')} dated before the agent's hire_date or after "
                          f"the exit_date, rows kept (check the agents table)",
            )
            self._record(st, [check], self._aggregate(st.stage, [check]))

    def _not_final_days(self, staged: dict[str, _Staged]) -> None:
        st = staged.get("agent_daily")
        if st is None:
            self.con.execute("CREATE TABLE _not_final_days (date DATE)")
            return
        marked = " OR ".join(f"s_{c} = 'not_final'" for c in st.raw_kept)
        self.con.execute(
            f"CREATE TABLE _not_final_days AS SELECT DISTINCT date FROM {st.stage} "
            f"WHERE _flag AND {st.eligible} AND date IS NOT NULL AND ({marked}) ORDER BY date"
        )

    def _build(self, staged: dict[str, _Staged]) -> tuple[str, ...]:
        for name, st in staged.items():
            cols = ", ".join(_quote(c.name) for c in st.table.columns)
            self.con.execute(
                f"CREATE TABLE {_quote(name)} AS SELECT {cols} FROM {st.stage} WHERE {st.ok}"
            )
            self.con.execute(f"DROP TABLE {st.stage}")
            n = self.con.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0]
            accepted = sum(q["accepted"] for q in self.quality if q["table"] == name)
            assert n == accepted, (name, n, accepted)
        return tuple(staged)

    # -- helpers

    def _aggregate(self, stage: str, checks: Sequence[_Check],
                   where: str = "true") -> dict[int, dict]:
        """Count and sample every check per file in one scan of the staging table."""
        parts = []
        for i, c in enumerate(checks):
            parts.append(f"count(*) FILTER (WHERE {c.cond}) AS n{i}")
            parts.append(
                f"min_by({{'row': _row, 'value': CAST({c.value} AS VARCHAR)}}, _row, "
                f"{MAX_EXAMPLES}) FILTER (WHERE {c.cond}) AS x{i}"
            )
        rows = self.con.execute(
            f"SELECT _file, {', '.join(parts)} FROM {stage} WHERE {where} GROUP BY _file"
        ).fetchall()
        names = ["_file"] + [p.rsplit(" AS ", 1)[1] for p in parts]
        return {row[0]: dict(zip(names, row, strict=True)) for row in rows}

    def _record(self, st: _Staged, checks: Sequence[_Check], results: dict[int, dict]) -> None:
        for i, c in enumerate(checks):
            for index in sorted(results):
                n = results[index][f"n{i}"]
                if not n:
                    continue
                examples = tuple(
                    (int(e["row"]), "" if e["value"] is None else str(e["value"]))
                    for e in (results[index][f"x{i}"] or [])
                )
                self._problem(st.table.name, st.files[index], c.column, c.check,
                              c.message(n), count=int(n), examples=examples,
                              severity=c.severity)

    def _register_file(self, path: Path) -> str:
        rel = path.relative_to(self.folder).as_posix()
        h = hashlib.sha256()
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                h.update(chunk)
        self.files.append({"path": rel, "bytes": path.stat().st_size, "sha256": h.hexdigest()})
        return rel

    def _unknown(self, path: Path) -> None:
        what = "folder" if path.is_dir() else "file"
        self._problem(
            "", path.relative_to(self.folder).as_posix(), None, "unknown_file",
            f"is not a contract table {what}, ignored (tables are files or folders named "
            f"{', '.join(TABLES)} with suffix {', '.join(SUFFIXES)})",
            severity="warning",
        )

    def _problem(self, table: str, path: str, column: str | None, check: str, message: str,
                 *, count: int = 0, examples: tuple = (), severity: str = "error") -> None:
        self.problems.append(Problem(table, path, column, check, message, count,
                                     tuple(examples), severity))


# --------------------------------------------------------------------------- SQL pieces

_THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"
_ZONE = r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(:?\d{2})?)$"
_CLOCK = r"^\d+:\d{1,2}(:\d{1,2})?(\.\d+)?$"
_MINSEC = r"^\d+:\d{1,2}(\.\d+)?$"
_CN_DURATION = r"^(\d+(\.\d+)?\s*(小时|时|分钟|分|秒钟|秒)\s*)+$"
_UNITS = {"时": "小时|时", "分": "分钟|分", "秒": "秒钟|秒"}
_MONTH = r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$"
# Excel stores dates as days since 1899-12-30; 20000-80000 covers 1954-2119.
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000


def _create_macros(con: duckdb.DuckDBPyConnection, timezone: str) -> None:
    """Define the cell parsers as temporary SQL macros, one per column kind.

    Each parser tries the cheap common case first (a plain TRY_CAST) and reaches for regular
    expressions only for the cells that fail it: on millions of cells that is most of the cost.
    Macros inline their argument, so ``s`` is always a plain column reference here.
    """
    serial = f"BETWEEN {_SERIAL_MIN} AND {_SERIAL_MAX}"
    double = "TRY_CAST(s AS DOUBLE)"
    # "1小时2分3秒": each unit's number, guarded by a cheap contains() so the regular
    # expressions only run on cells that hold that unit.
    parts = []
    for unit, factor in (("时", 3600), ("分", 60), ("秒", 1)):
        pattern = _lit(rf"(\d+(?:\.\d+)?)\s*(?:{_UNITS[unit]})")
        parts.append(f"CASE WHEN contains(s, '{unit}') THEN "
                     f"TRY_CAST(regexp_extract(s, {pattern}, 1) AS DOUBLE) * {factor} ELSE 0 END")
    cn_seconds = " + ".join(parts)
    macros = {
        # Most cells need no trimming: test the first and last character before trimming.
        "_csnb_trim(s)": f"CASE WHEN ascii(s) IN ({_TRIM_CODES}) OR ascii(right(s, 1)) IN "
                         f"({_TRIM_CODES}) THEN trim(s, {_lit(_TRIM)}) ELSE s END",
        # isfinite: TRY_CAST reads 'inf' and 'nan', which are no amounts.
        "_csnb_num(s)": f"CASE WHEN isfinite({double}) THEN {double} "
                        f"WHEN contains(s, ',') AND regexp_matches(s, {_lit(_THOUSANDS)}) "
                        f"THEN TRY_CAST(replace(s, ',', '') AS DOUBLE) END",
        "_csnb_float(s)": "_csnb_num(s)",
        # TRY_CAST('12.5' AS BIGINT) rounds to 13: accept only values equal as a double.
        "_csnb_int(s)": "CASE WHEN TRY_CAST(s AS BIGINT) = TRY_CAST(s AS DOUBLE) "
                        "THEN TRY_CAST(s AS BIGINT) "
                        "WHEN contains(s, ',') AND _csnb_num(s) = round(_csnb_num(s)) "
                        "THEN CAST(_csnb_num(s) AS BIGINT) END",
        "_csnb_money(s)": f"CASE WHEN isfinite({double}) THEN {double} "
                          f"ELSE _csnb_num(trim(regexp_replace(s, '^[￥¥]|元$|^RMB', '', 'g'))) "
                          f"END",
        "_csnb_rate(s)": "CASE WHEN ends_with(s, '%') "
                         "THEN _csnb_num(trim(rtrim(s, '%'))) / 100 ELSE _csnb_num(s) END",
        "_csnb_ms(s)": f"CASE WHEN regexp_matches(s, {_lit(_MINSEC)}) THEN '00:' || s ELSE s END",
        "_csnb_duration(s)": (
            f"CASE WHEN isfinite({double}) THEN {double} "
            f"WHEN regexp_matches(s, {_lit(_CLOCK)}) "
            f"THEN epoch(TRY_CAST(_csnb_ms(s) AS INTERVAL)) "
            f"WHEN regexp_matches(s, {_lit(_CN_DURATION)}) "
            f"THEN {cn_seconds} END"
        ),
        "_csnb_bool(s)": f"CASE WHEN s IN ({_lits(BOOL_TRUE + ('1.0',))}) THEN true "
                         f"WHEN s IN ({_lits(BOOL_FALSE + ('0.0',))}) THEN false END",
        "_csnb_ymd(s)": "replace(replace(replace(replace(s, '/', '-'), '年', '-'), '月', '-'), "
                        "'日', '')",
        "_csnb_serial(s)": f"CASE WHEN {double} {serial} THEN {double} END",
        "_csnb_date(s)": (
            f"COALESCE(TRY_CAST(s AS DATE), CASE WHEN {double} IS NOT NULL THEN "
            f"COALESCE(DATE '1899-12-30' + CAST(floor(_csnb_serial(s)) AS INTEGER), "
            f"CASE WHEN regexp_matches(s, '^\\d{{8}}$') "
            f"THEN CAST(TRY_STRPTIME(s, '%Y%m%d') AS DATE) "
            f"END) ELSE TRY_CAST(_csnb_ymd(s) AS DATE) END)"
        ),
        # The common "YYYY-MM-DD HH:MM:SS" (19 bytes, ':' 3rd from last) cannot carry a zone:
        # plain TRY_CAST. Anything else: serial number, zone offset, or other separators.
        "_csnb_timestamp(s)": (
            f"COALESCE(CASE WHEN strlen(s) = 19 AND substr(s, 17, 1) = ':' "
            f"THEN TRY_CAST(s AS TIMESTAMP) END, "
            f"CASE WHEN {double} IS NOT NULL THEN TIMESTAMP '1899-12-30' "
            f"+ to_seconds(CAST(round(_csnb_serial(s) * 86400) AS BIGINT)) "
            f"WHEN regexp_matches(s, {_lit(_ZONE)}) "
            f"THEN TRY_CAST(_csnb_ymd(regexp_replace(regexp_replace(regexp_replace(s, "
            # DuckDB takes "+08:00", "+0800", "Z" and " UTC" right after the time only.
            f"'\\s*(UTC|GMT)$', ' UTC'), '\\s+([+-]\\d{{2}}(:?\\d{{2}})?)$', '\\1'), "
            f"'z$', 'Z')) AS TIMESTAMPTZ) AT TIME ZONE {_lit(timezone)} "
            f"ELSE TRY_CAST(_csnb_ymd(s) AS TIMESTAMP) END)"
        ),
        "_csnb_month(s)": (
            f"CASE WHEN regexp_matches(s, {_lit(_MONTH)}) THEN CASE "
            f"WHEN CAST(regexp_extract(s, {_lit(_MONTH)}, 2) AS INTEGER) BETWEEN 1 AND 12 "
            f"THEN regexp_extract(s, {_lit(_MONTH)}, 1) || '-' "
            f"|| lpad(regexp_extract(s, {_lit(_MONTH)}, 2), 2, '0') END "
            f"ELSE strftime(_csnb_date(s), '%Y-%m') END"
        ),
    }
    for signature, body in macros.items():
        con.execute(f"CREATE OR REPLACE TEMP MACRO {signature} AS {body}")


def _drop_macros(con: duckdb.DuckDBPyConnection) -> None:
    # The dataset's connection is the user's: leave no loader helpers in it.
    names = [r[0] for r in con.execute(
        "SELECT function_name FROM duckdb_functions() WHERE function_name LIKE '\\_csnb\\_%' "
        "ESCAPE '\\' AND function_type = 'macro'").fetchall()]
    for name in sorted(set(names)):
        con.execute(f"DROP MACRO IF EXISTS temp.{name}")


def _parse_sql(c: Column, m: str) -> str:
    """Return SQL turning the cleaned text ``m`` into the contract type of column ``c``."""
    if c.kind == "text":
        return m
    if c.kind == "id":
        # A numeric id column with gaps is float in pandas-written Parquet ("1001.0"); the id is
        # "1001", as in the tables that refer to it.
        return f"regexp_replace({m}, '^(-?[0-9]+)\\.0+$', '\\1')"
    if c.kind == "category":
        aliases = VALUE_ALIASES.get(c.name, {})
        mapped = (
            "CASE " + " ".join(f"WHEN {m} = {_lit(k)} THEN {_lit(v)}" for k, v in aliases.items())
            + " END"
        ) if aliases else "NULL"
        # English values are accepted in any case ("Presale").
        return (f"COALESCE({mapped}, CASE WHEN lower({m}) IN ({_lits(c.allowed)}) "
                f"THEN lower({m}) END, {m})")
    return f"_csnb_{c.kind}({m})"


# --------------------------------------------------------------------------- headers, files


def _norm_header(name: object) -> str:
    """Normalise a header for matching: NFKC, case-folded, no spaces, underscores or hyphens.

    "Exit Date", "exit-date" and "exit_date" are one name; full-width brackets become ASCII.
    """
    text = unicodedata.normalize("NFKC", str(name))
    return "".join(text.split()).casefold().replace("_", "").replace("-", "")


def _map_headers(
    names: Sequence[str], table: Table, extra_aliases: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """Map file headers to contract columns.

    Returns the mapping contract name -> file column and the ignored file columns. When two
    file columns map to one contract column, the English name wins, else the first one.
    """
    lookup: dict[str, str] = {}
    for alias, target in {**HEADER_ALIASES.get(table.name, {}), **extra_aliases}.items():
        lookup[_norm_header(alias)] = target
    exact = {_norm_header(c.name): c.name for c in table.columns}
    lookup.update(exact)
    mapping: dict[str, str] = {}
    extras: list[str] = []
    for name in sorted(names, key=lambda n: _norm_header(n) not in exact):
        target = lookup.get(_norm_header(name))
        if target is None or target not in {c.name for c in table.columns}:
            extras.append(name)
        elif target in mapping:
            extras.append(f"{name} (also maps to {target})")
        else:
            mapping[target] = name
    order = {n: i for i, n in enumerate(names)}
    extras.sort(key=lambda e: order.get(e.split(" (also")[0], 0))
    return mapping, extras


def _read_xlsx(path: Path, table: Table, extra_aliases: dict[str, str]) -> pd.DataFrame:
    """Read the first sheet of an XLSX as text cells, finding the header below any preamble."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    while rows and all(_xlsx_text(v) is None for v in rows[-1]):
        rows.pop()  # formatted but empty trailing rows are not data rows
    if not rows:
        raise ValueError("the first sheet is empty")
    # The header is the first row that holds every required column after aliasing; when no
    # row does, the row matching most contract columns (the missing ones are then reported).
    best, best_hits = 0, -1
    for i, row in enumerate(rows[:50]):
        names = [str(v).strip() for v in row if _xlsx_text(v) is not None]
        mapping, _ = _map_headers(names, table, extra_aliases)
        if all(c in mapping for c in table.required):
            best = i
            break
        if len(mapping) > best_hits:
            best, best_hits = i, len(mapping)
    header, data = rows[best], rows[best + 1:]
    width = max(len(r) for r in rows)
    names, seen = [], set()
    for j in range(width):
        v = header[j] if j < len(header) else None
        name = str(v).strip() if _xlsx_text(v) is not None else f"column{j + 1}"
        while name in seen or name == "__row":
            name += "_"
        seen.add(name)
        names.append(name)
    columns = {
        name: [_xlsx_text(r[j]) if j < len(r) else None for r in data]
        for j, name in enumerate(names)
    }
    # Columns without header and without any value are layout, not data.
    columns = {k: v for j, (k, v) in enumerate(columns.items())
               if not (k == f"column{j + 1}" and all(x is None for x in v))}
    frame = pd.DataFrame({"__row": range(1, len(data) + 1), **columns})
    for k in columns:
        frame[k] = frame[k].astype(object)
    return frame


def _xlsx_text(v: object) -> str | None:
    """Render an openpyxl cell value as the text a CSV export would hold."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return _fmt(v.total_seconds())
    if isinstance(v, float):
        return None if math.isnan(v) else _fmt(v)
    text = str(v)
    return text if text.strip(_TRIM) else None


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


# --------------------------------------------------------------------------- rendering


def _problems_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    rows = [
        {
            "table": p.table,
            "path": p.path,
            "column": p.column,
            "check": p.check,
            "severity": p.severity,
            "count": p.count,
            "examples": "; ".join(f"{r}: {v!r}" for r, v in p.examples),
            "message": str(p),
        }
        for p in problems
    ]
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS)


def _render_report(report: ValidationReport) -> str:
    errors = sum(p.severity == "error" for p in report.problems)
    warnings = sum(p.severity == "warning" for p in report.problems)
    lines = [
        f"Data quality of {report.path}: "
        + ("OK" if report.ok else "FAILED")
        + f" ({_n(errors, 'error')}, {_n(warnings, 'warning')})",
        "",
    ]
    q = report.quality
    width = max([len(p) for p in q["path"]] + [len("file")]) if not q.empty else 4
    shown: set[int] = set()
    for table in [t for t in TABLES if t in set(q["table"])]:
        part = q[q["table"] == table]
        lines.append(f"{table}")
        lines.append(f"  {'file':<{width}}  {'read':>10}  {'accepted':>10}  {'rejected':>10}")
        for row in part.itertuples():
            lines.append(f"  {row.path:<{width}}  {row.read:>10,}  {row.accepted:>10,}  "
                         f"{row.rejected:>10,}")
        if len(part) > 1:
            lines.append(f"  {'total':<{width}}  {part['read'].sum():>10,}  "
                         f"{part['accepted'].sum():>10,}  {part['rejected'].sum():>10,}")
        for i, p in enumerate(report.problems):
            if p.table == table:
                shown.add(i)
                lines.append(f"  {p.severity:<7} {p.check:<20} {p}")
        lines.append("")
    rest = [(i, p) for i, p in enumerate(report.problems) if i not in shown]
    if rest:
        lines.append("other findings")
        lines += [f"  {p.severity:<7} {p.check:<20} {p}" for _, p in rest]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------- small helpers


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _lits(values: Sequence[str]) -> str:
    return ", ".join(_lit(v) for v in values)


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _parquet_durations(path: Path) -> dict[str, float]:
    """Columns of Arrow duration type in a Parquet file, with their units per second."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    per_second = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}
    return {
        f.name: per_second[f.type.unit]
        for f in pq.read_schema(path)
        if pa.types.is_duration(f.type)
    }


def _check_csv_widths(path: Path) -> None:
    """Raise ValueError naming the data rows whose field count differs from the header's.

    Only called when DuckDB could not make sense of a CSV, so the slow stdlib pass runs on
    the error path alone.
    """
    import csv

    bad: list[tuple[int, int]] = []
    count = 0
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        for row_number, row in enumerate((r for r in reader if r), start=1):
            if len(row) != len(header):
                count += 1
                if len(bad) < MAX_EXAMPLES:
                    bad.append((row_number, len(row)))
    if count:
        rows = ", ".join(f"row {r} has {n}" for r, n in bad)
        raise ValueError(
            f"has {_n(count, 'data row')} whose field count differs from the header's "
            f"{len(header)} ({rows}); "
            f"quote values that contain commas, such as \"1,234.00\""
        )


def _short_error(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"
