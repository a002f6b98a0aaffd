"""The data contract's checks as SQL over a staged table (see :mod:`csnb.io.load`).

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
            f"_csnb_trim(CAST({ident(n)} AS VARCHAR)) AS t{i}" for i, n in enumerate(names)
        ] + [f"CAST({ident(mapping[c])} AS VARCHAR) AS r_{c}" for c in raw]
        # One lookup per cell for both marker lists; the second only for the rare hits.
        markers = lits(MISSING_MARKERS + SUMMARY_MARKERS)
        l2 = ["__row"] + [f"r_{c}" for c in raw] + [
            f"CASE WHEN t{i} IN ({markers}) AND t{i} IN ({lits(MISSING_MARKERS)}) "
            f"THEN NULL ELSE t{i} END AS m{i}"
            for i in range(len(names))
        ] + [f"t{i} IN ({markers}) AS k{i}" for i in range(len(names))] + [
            f"t{src[c]} IN ({lits(NOT_FINAL_MARKERS)}) AS nf_{c}" for c in nf
        ]
        # Summary and empty rows are judged on every cell of the file, mapped or not:
        # platform totals often sit in a column the contract does not use.
        summary = ("COALESCE(" + ", ".join(
            f"CASE WHEN k{i} AND m{i} IN ({lits(SUMMARY_MARKERS)}) THEN m{i} END"
            for i in range(len(names))) + ", NULL)") if names else "NULL"
        empty = " AND ".join(f"m{i} IS NULL" for i in range(len(names))) or "true"
        l3 = ["__row", f"{summary} AS _summary", f"{empty} AS _empty"]
        for c in table.columns:
            m = f"m{src[c.name]}" if c.name in src else "CAST(NULL AS VARCHAR)"
            l3.append(f"{m} AS m_{c.name}")
            l3.append(f"CAST({parse_sql(c, m)} AS {DUCKDB_TYPES[c.kind]}) AS {ident(c.name)}")
            if c.name in self.raw_kept:
                l3.append(f"r_{c.name}" if c.name in src else f"NULL AS r_{c.name}")
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
            raw = f"r_{c.name}" if c.name in self.raw_kept else ident(c.name)
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


def _status_sql(c: Column, now: dt.datetime) -> str:
    """Return SQL giving the code of the first failing check of a cell (NULL when fine).

    Refers to ``m_<col>`` (cleaned text, NULL when missing), the typed value and
    ``nf_<col>`` (the cell holds a not-final marker).
    """
    col, m = ident(c.name), f"m_{c.name}"
    missing = f"CASE WHEN nf_{c.name} THEN 'not_final'"
    missing += " WHEN true THEN 'missing_value' END" if c.required else " END"
    whens = [f"WHEN {m} IS NULL THEN {missing}"]
    if c.kind in _PARSE_CHECK:
        whens.append(f"WHEN {col} IS NULL THEN {lit(_PARSE_CHECK[c.kind])}")
    if c.kind == "category":
        code = "unknown_value" if c.lenient else "not_allowed"
        whens.append(f"WHEN {col} NOT IN ({lits(c.allowed)}) THEN '{code}'")
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
                    lambda n: f"has {plural(n, 'empty value')} in a required column"))
    if c.kind in _PARSE_CHECK:
        code = _PARSE_CHECK[c.kind]
        one, many, hint = _PARSE_TEXT[code]
        out.append((code, "error", lambda n: f"has {n} {one if n == 1 else many}{hint}"))
    if c.kind == "category" and c.lenient:
        out.append(("unknown_value", "warning",
                    lambda n: f"has {plural(n, 'value')} not among {', '.join(c.allowed)}: "
                              f"set to missing, rows kept (no figure uses this column)"))
    elif c.kind == "category":
        out.append(("not_allowed", "error",
                    lambda n: f"has {plural(n, 'value')} not allowed "
                              f"(allowed: {', '.join(c.allowed)})"))
    if c.min is not None or c.max is not None:
        text = " and ".join(
            t for t in (f">= {number_text(c.min)}" if c.min is not None else "",
                        f"<= {number_text(c.max)}" if c.max is not None else "") if t)
        out.append(("out_of_range", "error",
                    lambda n: f"has {plural(n, 'value')} out of range (allowed: {text})"))
    if c.kind == "timestamp":
        out.append(("future_timestamp", "warning",
                    lambda n: f"has {plural(n, 'timestamp')} after the load time (shop time), "
                              f"rows rejected"))
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
