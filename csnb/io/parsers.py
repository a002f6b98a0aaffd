"""Cell parsers: SQL macros that turn export text into contract types.

Platform exports write numbers, rates, durations, dates and booleans many ways ("52.17%",
"1,234.00", "￥12", "2分30秒", "00:02:30", Excel serial dates, 是/否, zone offsets). One SQL
macro per column kind parses them all inside DuckDB, so raw tables never pass through pandas.
"""

from __future__ import annotations

import duckdb

from .._sql import lit, lits
from .schema import BOOL_FALSE, BOOL_TRUE, VALUE_ALIASES, Column

#: Characters trimmed around every cell: exports pad with full-width and no-break spaces.
TRIM = " \t\r\n\u3000\u00a0\ufeff"
TRIM_CODES = ", ".join(str(ord(ch)) for ch in TRIM)

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


def create_macros(con: duckdb.DuckDBPyConnection, timezone: str) -> None:
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
        pattern = lit(rf"(\d+(?:\.\d+)?)\s*(?:{_UNITS[unit]})")
        parts.append(f"CASE WHEN contains(s, '{unit}') THEN "
                     f"TRY_CAST(regexp_extract(s, {pattern}, 1) AS DOUBLE) * {factor} ELSE 0 END")
    cn_seconds = " + ".join(parts)
    macros = {
        # Most cells need no trimming: test the first and last character before trimming.
        "_csnb_trim(s)": f"CASE WHEN ascii(s) IN ({TRIM_CODES}) OR ascii(right(s, 1)) IN "
                         f"({TRIM_CODES}) THEN trim(s, {lit(TRIM)}) ELSE s END",
        # isfinite: TRY_CAST reads 'inf' and 'nan', which are no amounts.
        # Thousands separators, also the full-width "，" of Chinese input methods.
        "_csnb_num(s)": f"CASE WHEN isfinite({double}) THEN {double} "
                        f"WHEN (contains(s, ',') OR contains(s, '，')) AND regexp_matches("
                        f"replace(s, '，', ','), {lit(_THOUSANDS)}) "
                        f"THEN TRY_CAST(replace(replace(s, ',', ''), '，', '') AS DOUBLE) END",
        "_csnb_float(s)": "_csnb_num(s)",
        # TRY_CAST('12.5' AS BIGINT) rounds to 13: accept only values equal as a double.
        "_csnb_int(s)": "CASE WHEN TRY_CAST(s AS BIGINT) = TRY_CAST(s AS DOUBLE) "
                        "THEN TRY_CAST(s AS BIGINT) "
                        "WHEN (contains(s, ',') OR contains(s, '，')) "
                        "AND _csnb_num(s) = round(_csnb_num(s)) "
                        "THEN TRY_CAST(_csnb_num(s) AS BIGINT) END",
        "_csnb_money(s)": f"CASE WHEN isfinite({double}) THEN {double} "
                          f"ELSE _csnb_num(trim(regexp_replace(s, '^[￥¥]|元$|^RMB', '', 'g'))) "
                          f"END",
        "_csnb_rate(s)": "CASE WHEN ends_with(s, '%') "
                         "THEN _csnb_num(trim(rtrim(s, '%'))) / 100 ELSE _csnb_num(s) END",
        "_csnb_ms(s)": f"CASE WHEN regexp_matches(s, {lit(_MINSEC)}) THEN '00:' || s ELSE s END",
        "_csnb_duration(s)": (
            f"CASE WHEN isfinite({double}) THEN {double} "
            f"WHEN regexp_matches(s, {lit(_CLOCK)}) "
            f"THEN epoch(TRY_CAST(_csnb_ms(s) AS INTERVAL)) "
            f"WHEN regexp_matches(s, {lit(_CN_DURATION)}) "
            f"THEN {cn_seconds} END"
        ),
        "_csnb_bool(s)": f"CASE WHEN s IN ({lits(BOOL_TRUE + ('1.0',))}) THEN true "
                         f"WHEN s IN ({lits(BOOL_FALSE + ('0.0',))}) THEN false END",
        "_csnb_ymd(s)": "replace(replace(replace(replace(s, '/', '-'), '年', '-'), '月', '-'), "
                        "'日', '')",
        "_csnb_serial(s)": f"CASE WHEN {double} {serial} THEN {double} END",
        # Dates and timestamps start with a digit: DuckDB also casts 'epoch', 'infinity' and
        # 'inf' (1970-01-01, 9999-12-31), which are no days an export means.
        "_csnb_date(s)": (
            f"CASE WHEN ascii(s) BETWEEN 48 AND 57 THEN "
            f"COALESCE(TRY_CAST(s AS DATE), CASE WHEN {double} IS NOT NULL THEN "
            f"COALESCE(DATE '1899-12-30' + CAST(floor(_csnb_serial(s)) AS INTEGER), "
            f"CASE WHEN regexp_matches(s, '^\\d{{8}}$') "
            f"THEN CAST(TRY_STRPTIME(s, '%Y%m%d') AS DATE) "
            f"END) ELSE TRY_CAST(_csnb_ymd(s) AS DATE) END) END"
        ),
        # The common "YYYY-MM-DD HH:MM:SS" (19 bytes, ':' 3rd from last) cannot carry a zone:
        # plain TRY_CAST. Anything else: serial number, zone offset, or other separators.
        "_csnb_timestamp(s)": (
            f"CASE WHEN ascii(s) BETWEEN 48 AND 57 THEN "
            f"COALESCE(CASE WHEN strlen(s) = 19 AND substr(s, 17, 1) = ':' "
            f"THEN TRY_CAST(s AS TIMESTAMP) END, "
            f"CASE WHEN {double} IS NOT NULL THEN TIMESTAMP '1899-12-30' "
            f"+ to_seconds(CAST(round(_csnb_serial(s) * 86400) AS BIGINT)) "
            f"WHEN regexp_matches(s, {lit(_ZONE)}) "
            f"THEN TRY_CAST(_csnb_ymd(regexp_replace(regexp_replace(regexp_replace(s, "
            # DuckDB takes "+08:00", "+0800", "Z" and " UTC" right after the time only.
            f"'\\s*(UTC|GMT)$', ' UTC'), '\\s+([+-]\\d{{2}}(:?\\d{{2}})?)$', '\\1'), "
            f"'z$', 'Z')) AS TIMESTAMPTZ) AT TIME ZONE {lit(timezone)} "
            f"ELSE TRY_CAST(_csnb_ymd(s) AS TIMESTAMP) END) END"
        ),
        "_csnb_month(s)": (
            f"CASE WHEN regexp_matches(s, {lit(_MONTH)}) THEN CASE "
            f"WHEN CAST(regexp_extract(s, {lit(_MONTH)}, 2) AS INTEGER) BETWEEN 1 AND 12 "
            f"THEN regexp_extract(s, {lit(_MONTH)}, 1) || '-' "
            f"|| lpad(regexp_extract(s, {lit(_MONTH)}, 2), 2, '0') END "
            f"ELSE strftime(_csnb_date(s), '%Y-%m') END"
        ),
    }
    for signature, body in macros.items():
        con.execute(f"CREATE OR REPLACE TEMP MACRO {signature} AS {body}")


def drop_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the cell-parser macros from ``con``."""
    # The dataset's connection is the user's: leave no loader helpers in it.
    names = [r[0] for r in con.execute(
        "SELECT function_name FROM duckdb_functions() WHERE function_name LIKE '\\_csnb\\_%' "
        "ESCAPE '\\' AND function_type = 'macro'").fetchall()]
    for name in sorted(set(names)):
        con.execute(f"DROP MACRO IF EXISTS temp.{name}")


def parse_sql(c: Column, m: str, values: dict[str, str] | None = None) -> str:
    """Return SQL turning the cleaned text ``m`` into the contract type of column ``c``.

    ``values`` are the user's own spellings of a category's values (``[values.<column>]``
    of ``csnb.toml``); they take precedence over the built-in :data:`VALUE_ALIASES`.
    """
    if c.kind == "text":
        return m
    if c.kind == "id":
        # A numeric id column with gaps is float in pandas-written Parquet ("1001.0"); the id is
        # "1001", as in the tables that refer to it.
        # The cheap contains() spares the regular expression on the ids without a dot.
        return (f"CASE WHEN contains({m}, '.') THEN regexp_replace({m}, '^(-?[0-9]+)\\.0+$', "
                f"'\\1') ELSE {m} END")
    if c.kind == "category":
        aliases = {**VALUE_ALIASES.get(c.name, {}), **(values or {})}
        mapped = (
            "CASE " + " ".join(f"WHEN {m} = {lit(k)} THEN {lit(v)}" for k, v in aliases.items())
            + " END"
        ) if aliases else "NULL"
        # English values are accepted in any case ("Presale").
        return (f"COALESCE({mapped}, CASE WHEN lower({m}) IN ({lits(c.allowed)}) "
                f"THEN lower({m}) END, {m})")
    return f"_csnb_{c.kind}({m})"




def number_text(x: float) -> str:
    """``12`` for a whole number, else the float's repr (as an export would write it)."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


