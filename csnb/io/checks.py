"""The data contract's checks as SQL over a staged table (see :mod:`csnb.io.loader`).

A :class:`Staged` table holds each file's rows parsed to the contract types beside their raw
text and a status per cell; a :class:`Check` counts and samples the rows that fail one rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .._sql import ident, lit, lits
from ..errors import plural
from .dataset import DUCKDB_TYPES
from .parsers import number_text, parse_sql
from .schema import MISSING_MARKERS, NOT_FINAL_MARKERS, SUMMARY_MARKERS, Column, Table

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






@dataclass
class Check:
    """One finding to count and sample: a SQL condition over the staged columns."""

    column: str | None
    check: str
    severity: str
    cond: str  # SQL over the staging table
    value: str  # SQL expression shown as the example value
    message: Callable[[int], str]


@dataclass
class Staged:
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
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # [values] of csnb.toml
    files: list[str] = field(default_factory=list)
    bad_files: list[int] = field(default_factory=list)  # missing a required column
    read_files: list[int] = field(default_factory=list)  # files read (possibly 0 rows)

    @property
    def stage(self) -> str:
        """Quoted name of the staging table."""
        return ident(f"_p_{self.table.name}")

    @property
    def raw_kept(self) -> list[str]:
        """Columns whose raw text is kept beside the parsed value (for examples)."""
        return [c.name for c in self.table.columns if c.kind not in ("id", "text")]

    @property
    def rules(self) -> list[tuple[str, str, str, str, Callable[[int], str]]]:
        """The table's row rules over several columns."""
        return _ROW_RULES.get(self.table.name, [])

    @property
    def not_bad(self) -> str:
        """SQL: the row is not in a file that lacks a required column."""
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
        cells = [f"COALESCE(s_{c.name} IN ('not_final', 'unknown_value'), true)"
                 for c in self.table.columns]
        rules = [f"NOT _rule_{check}" for _, check, *_ in self.rules]
        return (f"(NOT _flag OR ({self.eligible} AND NOT _dup AND "
                f"{' AND '.join(cells + rules)}))")

    def accepted_columns(self) -> str:
        """SQL selecting the contract columns of accepted rows (lenient unknowns as NULL)."""
        return ", ".join(
            f"CASE WHEN s_{c.name} = 'unknown_value' THEN NULL ELSE {ident(c.name)} END "
            f"AS {ident(c.name)}" if c.lenient else ident(c.name)
            for c in self.table.columns
        )

    def schema(self) -> str:
        """Column definitions of the staging table."""
        cols = ["_file INTEGER", "_row BIGINT", "_summary VARCHAR", "_empty BOOLEAN",
                "_dup BOOLEAN DEFAULT false", "_flag BOOLEAN"]
        for c in self.table.columns:
            cols.append(f"{ident(c.name)} {DUCKDB_TYPES[c.kind]}")
            if c.name in self.raw_kept:
                cols.append(f"r_{c.name} VARCHAR")
            cols.append(f"s_{c.name} VARCHAR")
        cols += [f"_rule_{check} BOOLEAN" for _, check, *_ in self.rules]
        return ", ".join(cols)

    def insert_sql(self, index: int, source: str, names: Sequence[str],
                   mapping: dict[str, str], types: dict[str, str] | None = None) -> str:
        """Return SQL inserting one file's rows, parsed and with statuses, into the stage.

        Five levels so each cell is trimmed, cleaned and parsed once: trim -> missing
        markers -> parse -> statuses -> row flag. A column whose source already has the
        contract type (``types``: file column -> DuckDB type, from Parquet) skips the text
        levels: it is checked in its type (NaN is missing, an infinity fails to parse).
        """
        table = self.table
        pos = {n: i for i, n in enumerate(names)}
        src = {c: pos[mapping[c]] for c in mapping}  # contract column -> file column index
        typed = {c.name: (types or {})[mapping[c.name]] for c in table.columns
                 if c.name in src and typed_source(c.kind, (types or {}).get(mapping[c.name]))}
        typed_at = {src[c]: dtype for c, dtype in typed.items()}
        raw = [c for c in self.raw_kept if c in src and c not in typed]
        # "延迟统计" is how platform daily exports mark a figure that is not final yet: only
        # agent_daily holds such figures. Elsewhere the marker is an ordinary missing value
        # (so a required cell holding it is a missing_value error).
        nf = [c.name for c in table.columns
              if table.name == "agent_daily"
              and c.name in raw and c.name not in table.key]
        l1 = ["__row"] + [
            f"{ident(n)} AS t{i}" if i in typed_at
            else f"_csnb_trim(CAST({ident(n)} AS VARCHAR)) AS t{i}" for i, n in enumerate(names)
        ] + [f"CAST({ident(mapping[c])} AS VARCHAR) AS r_{c}" for c in raw]
        # One lookup per cell for both marker lists; the second only for the rare hits.
        markers = lits(MISSING_MARKERS + SUMMARY_MARKERS)

        def missing(i: int) -> str:
            if i not in typed_at:
                return (f"CASE WHEN t{i} IN ({markers}) AND t{i} IN ({lits(MISSING_MARKERS)}) "
                        f"THEN NULL ELSE t{i} END")
            # A NaN in a float column is how pandas writes a missing number.
            if typed_at[i] in _FLOATS:
                return f"CASE WHEN NOT isnan(t{i}) THEN t{i} END"
            return f"t{i}"

        l2 = ["__row"] + [f"r_{c}" for c in raw] + [
            f"{missing(i)} AS m{i}" for i in range(len(names))
        ] + [f"false AS k{i}" if i in typed_at else f"t{i} IN ({markers}) AS k{i}"
             for i in range(len(names))] + [
            f"t{src[c]} IN ({lits(NOT_FINAL_MARKERS)}) AS nf_{c}" for c in nf
        ]
        # Summary and empty rows are judged on every cell of the file, mapped or not:
        # platform totals often sit in a column the contract does not use.
        # A column the loader adds (the date of a file name) is no cell of the file.
        cells = [i for i, n in enumerate(names) if n != "__file_date"]
        texts = [i for i in cells if i not in typed_at]  # a typed cell holds no marker
        summary = ("COALESCE(" + ", ".join(
            f"CASE WHEN k{i} AND m{i} IN ({lits(SUMMARY_MARKERS)}) THEN m{i} END"
            for i in texts) + ", NULL)") if texts else "CAST(NULL AS VARCHAR)"
        empty = " AND ".join(f"m{i} IS NULL" for i in cells) or "true"
        l3 = ["__row", f"{summary} AS _summary", f"{empty} AS _empty"]
        for c in table.columns:
            m = f"m{src[c.name]}" if c.name in src else "CAST(NULL AS VARCHAR)"
            l3.append(f"{m} AS m_{c.name}")
            if c.name in typed:
                # An infinity is no figure: it fails like an unparsable cell.
                finite = typed[c.name] in _FLOATS
                parsed = f"CASE WHEN isfinite({m}) THEN {m} END" if finite else m
            else:
                parsed = parse_sql(c, m, self.values.get(c.name))
            l3.append(f"CAST({parsed} AS {DUCKDB_TYPES[c.kind]}) AS {ident(c.name)}")
            if c.name in self.raw_kept:
                l3.append(f"r_{c.name}" if c.name in raw else f"NULL AS r_{c.name}")
            l3.append(f"nf_{c.name}" if c.name in nf else f"false AS nf_{c.name}")
        l4 = [f"{index} AS _file", "__row AS _row", "_summary", "_empty"]
        for c in table.columns:
            l4.append(ident(c.name))
            if c.name in self.raw_kept:
                l4.append(f"r_{c.name}")
            l4.append(f"{_status_sql(c, self.now)} AS s_{c.name}")
        # A rule speaks about its column: a file without that (optional) column is not held
        # to it. An agents file without exit_reason is a roster that does not record why
        # agents left (reports then show no voluntary/involuntary split), not a file of
        # exits that each lack a reason.
        l4 += [f"COALESCE({cond}, false) AS _rule_{check}" if column in src
               else f"false AS _rule_{check}" for column, check, cond, *_ in self.rules]
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

    def checks(self) -> list[Check]:
        """Every per-row check of the table, in the order problems are reported."""
        table, out = self.table, []
        eligible = self.eligible
        for c in table.columns:
            # Typed (Parquet) columns keep no raw text: their value is the example.
            raw = (f"COALESCE(r_{c.name}, CAST({ident(c.name)} AS VARCHAR))"
                   if c.name in self.raw_kept else ident(c.name))
            for code, severity, message in _codes(c):
                out.append(Check(c.name, code, severity,
                                  f"{eligible} AND s_{c.name} = {lit(code)}",
                                  f"COALESCE({raw}, '')", message))
        for column, check, _, value, message in self.rules:
            out.append(Check(column, check, "error", f"{eligible} AND _rule_{check}", value,
                              message))
        if table.key:
            value = " || ', ' || ".join(
                f"COALESCE(CAST({ident(k)} AS VARCHAR), '')" for k in table.key)
            out.append(Check(
                ", ".join(table.key), "duplicate_id", "error", f"{eligible} AND _dup", value,
                _duplicate_message(table.key),
            ))
        out.append(Check(None, "summary_row", "warning",
                          f"{self.not_bad} AND _summary IS NOT NULL", "_summary",
                          lambda n: f"has {plural(n, 'summary row')} (platform totals), rejected"))
        out.append(Check(None, "empty_row", "warning",
                          f"{self.not_bad} AND _summary IS NULL AND _empty", "''",
                          lambda n: f"has {plural(n, 'empty row')}, rejected"))
        return out


_INTS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER")
_FLOATS = ("FLOAT", "DOUBLE")
_TIMESTAMPS = ("TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS")
_SAME_TYPE = {"date": ("DATE",), "timestamp": _TIMESTAMPS, "bool": ("BOOLEAN",)}


def typed_source(kind: str, dtype: str | None) -> bool:
    """Whether a source column of DuckDB type ``dtype`` holds values of ``kind`` already.

    Such a column is checked in its type, without the text round trip. Zoned timestamps,
    text and other types take the text path, which converts them.
    """
    if dtype is None:
        return False
    if kind == "int":
        return dtype in _INTS
    if kind in ("float", "money", "rate", "duration"):
        return dtype in _INTS + _FLOATS or dtype.startswith("DECIMAL")
    return dtype in _SAME_TYPE.get(kind, ())


def _status_sql(c: Column, now: dt.datetime) -> str:
    """Return SQL giving the code of the first failing check of a cell (NULL when fine).

    Refers to ``m_<col>`` (cleaned text, NULL when missing), the typed value and
    ``nf_<col>`` (the cell holds a not-final marker).
    """
    col, m = ident(c.name), f"m_{c.name}"
    missing = f"CASE WHEN nf_{c.name} THEN 'not_final'"
    missing += " WHEN true THEN 'missing_value' END" if c.required else " END"
    whens = [f"WHEN {m} IS NULL THEN {missing}"]
    fails: list[tuple[str, str]] = []  # (condition, check code), in order
    if c.kind in _PARSE_CHECK:
        fails.append((f"{col} IS NULL", _PARSE_CHECK[c.kind]))
    if c.kind == "category":
        fails.append((f"{col} NOT IN ({lits(c.allowed)})", "not_allowed"))
    bounds = []
    if c.min is not None:
        bounds.append(f"{col} < {c.min!r}")
    if c.max is not None:
        bounds.append(f"{col} > {c.max!r}")
    if bounds:
        fails.append((" OR ".join(bounds), "out_of_range"))
    # A lenient column (no figure uses it) turns every failure into one warning code.
    whens += [f"WHEN {cond} THEN {lit('unknown_value' if c.lenient else code)}"
              for cond, code in fails]
    if c.kind == "timestamp":
        whens.append(f"WHEN {col} > TIMESTAMP '{now.isoformat(sep=' ')}' "
                     f"THEN 'future_timestamp'")
    if c.no_future:
        whens.append(f"WHEN {col} > DATE '{now.date().isoformat()}' THEN 'future_date'")
    return f"CASE {' '.join(whens)} END"


def _codes(c: Column) -> list[tuple[str, str, Callable[[int], str]]]:
    """Return the (check code, severity, message) a cell of ``c`` can get, in report order."""
    out: list[tuple[str, str, Callable[[int], str]]] = []
    if c.required:
        out.append(("missing_value", "error",
                    lambda n: f"has {plural(n, 'empty value')} in a required column"))
    setting = f"map your own spellings under [values.{c.name}] in csnb.toml"
    if c.lenient:
        what = (f"not among {', '.join(c.allowed)} ({setting})" if c.kind == "category"
                else f"that are not a valid {c.kind}{_range_text(c, ' or out of range ')}")
        out.append(("unknown_value", "warning",
                    lambda n: f"has {plural(n, 'value')} {what}: set to missing, rows kept "
                              f"(no figure uses this column)"))
        return out + _time_codes(c)
    if c.kind in _PARSE_CHECK:
        code = _PARSE_CHECK[c.kind]
        one, many, hint = _PARSE_TEXT[code]
        out.append((code, "error", lambda n: f"has {n} {one if n == 1 else many}{hint}"))
    if c.kind == "category":
        out.append(("not_allowed", "error",
                    lambda n: f"has {plural(n, 'value')} not allowed "
                              f"(allowed: {', '.join(c.allowed)}; {setting})"))
    if c.min is not None or c.max is not None:
        text = _range_text(c, "")
        out.append(("out_of_range", "error",
                    lambda n: f"has {plural(n, 'value')} out of range (allowed: {text})"))
    return out + _time_codes(c)


def _range_text(c: Column, prefix: str) -> str:
    """``">= 0 and <= 1"`` for a column with bounds (after ``prefix``), else ``""``."""
    if c.min is None and c.max is None:
        return ""
    return prefix + " and ".join(
        t for t in (f">= {number_text(c.min)}" if c.min is not None else "",
                    f"<= {number_text(c.max)}" if c.max is not None else "") if t)


def _time_codes(c: Column) -> list[tuple[str, str, Callable[[int], str]]]:
    """The warnings every column of a kind can get whatever its strictness."""
    out: list[tuple[str, str, Callable[[int], str]]] = []
    if c.kind == "timestamp":
        out.append(("future_timestamp", "warning",
                    lambda n: f"has {plural(n, 'timestamp')} after the load time (shop time), "
                              f"rows rejected"))
    if c.no_future:
        out.append(("future_date", "warning",
                    lambda n: f"has {plural(n, 'date')} after the load day (shop time), rows "
                              f"rejected"))
    if c.kind not in ("id", "text"):
        out.append(("not_final", "warning",
                    lambda n: f"has {plural(n, 'cell')} marked not final ('延迟统计'): set to "
                              f"missing and the days marked provisional, rows kept"))
    return out


#: Row rules over several columns, per table: (column, check, condition on the parsed row,
#: example value over the staged columns, message).
_ROW_RULES: dict[str, list[tuple[str, str, str, str, Callable[[int], str]]]] = {
    "agents": [
        ("exit_date", "exit_before_hire", "exit_date < hire_date",
         "'hire_date ' || CAST(hire_date AS VARCHAR) || ', exit_date ' "
         "|| CAST(exit_date AS VARCHAR)",
         lambda n: f"has {plural(n, 'row')} with exit_date before hire_date"),
        ("exit_reason", "exit_reason_mismatch", "(m_exit_reason IS NULL) <> (m_exit_date IS NULL)",
         "'exit_date ' || COALESCE(r_exit_date, '') || ', exit_reason ' "
         "|| COALESCE(r_exit_reason, '')",
         lambda n: f"has {plural(n, 'row')} where exit_reason and exit_date disagree "
                   f"(an exit needs both a date and a reason; a roster that records no "
                   f"reasons can leave the exit_reason column out)"),
    ],
}


def _duplicate_message(key: tuple[str, ...]) -> Callable[[int], str]:
    def message(n: int) -> str:
        return f"has {plural(n, 'row')} with a duplicate key ({', '.join(key)}); every such " \
               f"row is rejected"

    return message
