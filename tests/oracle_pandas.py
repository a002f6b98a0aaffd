"""An independent plain-pandas oracle of the shop-level metric book (version 1).

This is the reference the tests hold the product against. It is written from the wording of
DESIGN.md's "Metric book (version 1)" and shares nothing with ``csnb.metrics`` (which computes the
same figures in DuckDB SQL): it reads the dataset's files itself with pandas, and it computes
each figure in a different way on purpose (``merge_asof`` for attribution, explicit groupbys
and set logic for conversion, a day-by-day reading of the headcount rules).

It covers what ``csnb report`` writes to ``OUT/YYYY-MM/overview.json`` under ``figures``:
:data:`FIGURE_KEYS`, for one month, shop level.

Interpretation notes (shared with the SQL author)
-------------------------------------------------
- Trailing-12-month turnover is NaN when month M-11 is before the month of the earliest
  hire_date (less than a year of history) or before the first month with any dated record
  (a roster rarely lists who left before its data begin).
- credited_sales is gross: the sum of ``amount``, not net of ``refund_amount``.
- Response figures count presale and aftersale sessions starting in business hours
  ``[08:00, 23:00)``; inquiries count presale sessions at any hour.
- paid_orders = all orders paid in the month; complaints = complaints created in the month.
- When two presale sessions of a customer start at the same instant, attribution takes the one
  with the larger session_id (a tie the metric book does not settle).

Reference call::

    from oracle_pandas import month_figures
    month_figures("path/to/dataset", "2025-06")
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

FIGURE_KEYS = (
    "opening_headcount",
    "hires",
    "exits",
    "exits_voluntary",
    "exits_involuntary",
    "closing_headcount",
    "turnover_rate",
    "turnover_rate_trailing_12m",
    "inquiries",
    "converted_inquiries",
    "conversion_rate",
    "credited_sales",
    "silent_sales",
    "order_value",
    "avg_first_response_s",
    "fast_response_rate",
    "complaints",
    "paid_orders",
    "complaints_per_1k_orders",
)

#: Figures that are counts or money sums (compared tightly); the others are rates and means.
COUNT_KEYS = (
    "opening_headcount", "hires", "exits", "exits_voluntary", "exits_involuntary",
    "closing_headcount", "inquiries", "converted_inquiries", "credited_sales", "silent_sales",
    "complaints", "paid_orders",
)

INVOLUNTARY = {"dismissed", "bottom_ranked_out"}

# Cells that mean "missing" in the files the simulator and platform exports write.
_MISSING = ["", "-", "--", "—", "null", "NULL", "None", "nan", "NaN", "N/A", "n/a"]

# The columns each table needs here; optional ones are added as empty when absent.
_COLUMNS = {
    "agents": ["agent_id", "hire_date", "exit_date", "exit_reason"],
    "sessions": ["session_id", "agent_id", "customer_id", "start_ts", "kind",
                 "first_response_s"],
    "orders": ["order_id", "customer_id", "created_ts", "paid_ts", "amount", "agent_id"],
    "complaints": ["complaint_id", "created_ts"],
}


@dataclass(frozen=True)
class OracleSettings:
    """The few settings the shop figures depend on (defaults as DESIGN.md states them)."""

    business_start: str = "08:00"
    business_end: str = "23:00"
    response_cap_s: float = 600.0
    fast_response_s: float = 180.0
    attribution_window_days: int = 1
    lag_days: int = 3


# --------------------------------------------------------------------------------------------
# Reading the folder


def read_settings(folder: str | Path) -> OracleSettings:
    """Read the settings the figures need from ``csnb.toml`` (defaults when absent)."""
    path = Path(folder) / "csnb.toml"
    if not path.exists():
        return OracleSettings()
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    kwargs = {}
    if "business_hours" in raw:
        kwargs["business_start"], kwargs["business_end"] = raw["business_hours"]
    for name in ("response_cap_s", "fast_response_s"):
        if name in raw:
            kwargs[name] = float(raw[name])
    for name in ("attribution_window_days", "lag_days"):
        if name in raw:
            kwargs[name] = int(raw[name])
    return OracleSettings(**kwargs)


def _read_one(path: Path) -> pd.DataFrame:
    # Everything is read as text first so that ids such as "007" survive; the typed columns
    # are parsed below, column by column.
    suffix = path.suffix.lower()
    if suffix == ".csv":
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
            except UnicodeDecodeError:
                continue
        raise ValueError(f"{path}: cannot decode as UTF-8 or GB18030")
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix == ".xlsx":
        return pd.read_excel(path, dtype=str, keep_default_na=False)
    raise ValueError(f"{path}: unsupported file type")


def read_table(folder: str | Path, name: str) -> pd.DataFrame | None:
    """Read table ``name`` from a dataset folder: ``name.csv|parquet|xlsx`` or ``name/*``.

    Returns ``None`` when the table is absent.
    """
    folder = Path(folder)
    files: list[Path] = []
    for suffix in (".csv", ".parquet", ".xlsx"):
        if (folder / f"{name}{suffix}").is_file():
            files.append(folder / f"{name}{suffix}")
    if (folder / name).is_dir():
        files.extend(
            sorted(
                p for p in (folder / name).iterdir()
                if p.is_file() and p.suffix.lower() in (".csv", ".parquet", ".xlsx")
            )
        )
    if not files:
        return None
    frame = pd.concat([_read_one(p) for p in files], ignore_index=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _text(values: pd.Series) -> pd.Series:
    """Ids and labels as stripped text, with the missing markers as NA."""
    out = values.astype("string").str.strip()
    return out.mask(out.isin(_MISSING))


def _number(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    text = _text(values).str.replace(",", "", regex=False)
    return pd.to_numeric(text, errors="raise").astype("float64")


def _timestamp(values: pd.Series) -> pd.Series:
    """Naive shop-time timestamps (values with a zone would need the shop zone: not expected)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values
    else:
        out = pd.to_datetime(_text(values), format="mixed")
    if getattr(out.dt, "tz", None) is not None:
        raise ValueError("zoned timestamps are not supported by the oracle")
    return out.astype("datetime64[ns]")


def _date(values: pd.Series) -> pd.Series:
    return _timestamp(values).dt.normalize()


def load_tables(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Read and type the four tables the shop figures need (empty frames for absent ones)."""
    tables = {}
    for name, columns in _COLUMNS.items():
        raw = read_table(folder, name)
        if raw is None:
            raw = pd.DataFrame({c: pd.Series([], dtype="string") for c in columns})
        for c in columns:
            if c not in raw.columns:
                raw[c] = pd.Series([pd.NA] * len(raw), dtype="string", index=raw.index)
        tables[name] = raw[columns].copy()

    agents = tables["agents"]
    agents["agent_id"] = _text(agents["agent_id"])
    agents["hire_date"] = _date(agents["hire_date"])
    agents["exit_date"] = _date(agents["exit_date"])
    agents["exit_reason"] = _text(agents["exit_reason"])

    sessions = tables["sessions"]
    for c in ("session_id", "agent_id", "customer_id", "kind"):
        sessions[c] = _text(sessions[c])
    sessions["start_ts"] = _timestamp(sessions["start_ts"])
    sessions["first_response_s"] = _number(sessions["first_response_s"])

    orders = tables["orders"]
    for c in ("order_id", "customer_id", "agent_id"):
        orders[c] = _text(orders[c])
    orders["created_ts"] = _timestamp(orders["created_ts"])
    orders["paid_ts"] = _timestamp(orders["paid_ts"])
    orders["amount"] = _number(orders["amount"])

    complaints = tables["complaints"]
    complaints["complaint_id"] = _text(complaints["complaint_id"])
    complaints["created_ts"] = _timestamp(complaints["created_ts"])
    return tables


# --------------------------------------------------------------------------------------------
# Calendar helpers


def _month_bounds(month: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last calendar day of ``YYYY-MM``."""
    period = pd.Period(month, freq="M")
    return period.start_time.normalize(), period.end_time.normalize()


def _in_month(days: pd.Series, month: str) -> pd.Series:
    first, last = _month_bounds(month)
    return (days >= first) & (days <= last)


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator else math.nan


# --------------------------------------------------------------------------------------------
# Headcount and turnover


def headcount_figures(agents: pd.DataFrame, month: str) -> dict[str, float]:
    """Opening/closing headcount, hires, exits (by reason) and the month's turnover rate."""
    first, last = _month_bounds(month)
    hire, exit_ = agents["hire_date"], agents["exit_date"]
    still_there = exit_.isna()

    opening = (hire < first) & (still_there | ~(exit_ < first))
    closing = (hire <= last) & (still_there | (exit_ > last))
    hired = hire.between(first, last)
    exited = exit_.between(first, last) & exit_.notna()
    reasons = agents.loc[exited, "exit_reason"]

    out = {
        "opening_headcount": int(opening.sum()),
        "hires": int(hired.sum()),
        "exits": int(exited.sum()),
        "exits_voluntary": int((reasons == "voluntary").sum()),
        "exits_involuntary": int(reasons.isin(INVOLUNTARY).sum()),
        "closing_headcount": int(closing.sum()),
    }
    average = (out["opening_headcount"] + out["closing_headcount"]) / 2
    out["turnover_rate"] = _ratio(out["exits"], average)
    return out


def trailing_turnover(agents: pd.DataFrame, month: str, data_start=None) -> float:
    """Exits in the 12 months ending ``month`` / mean of those months' average headcounts."""
    end = pd.Period(month, freq="M")
    months = [end - k for k in range(11, -1, -1)]
    earliest_hire = agents["hire_date"].min()
    if pd.isna(earliest_hire) or months[0] < earliest_hire.to_period("M"):
        return math.nan
    if data_start is not None and months[0] < data_start:
        return math.nan
    exits, averages = 0, []
    for period in months:
        figures = headcount_figures(agents, str(period))
        exits += figures["exits"]
        averages.append((figures["opening_headcount"] + figures["closing_headcount"]) / 2)
    return _ratio(exits, float(np.mean(averages)))


# --------------------------------------------------------------------------------------------
# Attribution, inquiries, conversion, sales


def attribute_orders(
    sessions: pd.DataFrame, orders: pd.DataFrame, window_days: int
) -> pd.DataFrame:
    """Paid orders with the agent each is credited to (``credited_agent``, NA = nobody).

    The tag on the order wins; otherwise the agent of the customer's last presale session that
    started strictly before paid_ts, on the paid day or up to ``window_days`` days before.
    """
    paid = orders[orders["paid_ts"].notna()].copy()
    paid["paid_day"] = paid["paid_ts"].dt.normalize()
    tagged = paid[paid["agent_id"].notna()].copy()
    tagged["credited_agent"] = tagged["agent_id"]

    untagged = paid[paid["agent_id"].isna()].sort_values("paid_ts", kind="stable")
    presale = sessions[sessions["kind"] == "presale"]
    presale = presale[presale["start_ts"].notna()]
    # session_id as the secondary key makes the tie rule explicit (see the module notes).
    presale = presale.sort_values(["start_ts", "session_id"], kind="stable")
    presale = presale[["customer_id", "start_ts", "agent_id"]].rename(
        columns={"agent_id": "session_agent"}
    )
    if presale.empty:
        # (merge_asof fails on an empty Arrow-backed key column; nothing can match anyway)
        presale = pd.DataFrame({
            "customer_id": pd.Series(["\0none"], dtype="string"),
            "start_ts": pd.Series([pd.Timestamp.min], dtype="datetime64[ns]"),
            "session_agent": pd.Series([pd.NA], dtype="string"),
        })
    matched = pd.merge_asof(
        untagged,
        presale,
        left_on="paid_ts",
        right_on="start_ts",
        by="customer_id",
        direction="backward",
        allow_exact_matches=False,  # "started before paid_ts"
    )
    # merge_asof found the customer's last presale session before payment; it counts only if
    # it started on the paid day or within the window before it. (Any earlier session of the
    # customer is earlier still, so nothing else could qualify.)
    earliest_day = matched["paid_day"] - pd.Timedelta(days=window_days)
    in_window = matched["start_ts"].notna() & (matched["start_ts"].dt.normalize() >= earliest_day)
    matched["credited_agent"] = matched["session_agent"].where(in_window)
    matched = matched.drop(columns=["start_ts", "session_agent"])

    out = pd.concat([tagged, matched], ignore_index=True)
    out["credited_agent"] = out["credited_agent"].astype("string")
    return out.sort_values("order_id", kind="stable").reset_index(drop=True)


def inquiry_table(sessions: pd.DataFrame) -> pd.DataFrame:
    """One row per inquiry: (customer_id, agent_id, day) with a presale session."""
    presale = sessions[(sessions["kind"] == "presale") & sessions["start_ts"].notna()].copy()
    presale["day"] = presale["start_ts"].dt.normalize()
    counts = presale.groupby(["customer_id", "agent_id", "day"], as_index=False).size()
    return counts[["customer_id", "agent_id", "day"]]


def converted_flags(
    inquiries: pd.DataFrame, credited: pd.DataFrame, window_days: int
) -> pd.Series:
    """Whether each inquiry converts: an order credited to its agent, paid by its customer on
    the inquiry's day or up to ``window_days`` days after it."""
    payments = credited[credited["credited_agent"].notna()][
        ["customer_id", "credited_agent", "paid_day"]
    ].rename(columns={"credited_agent": "agent_id"})
    keyed = inquiries.reset_index(names="inquiry")
    pairs = keyed.merge(payments, on=["customer_id", "agent_id"], how="inner")
    lag = (pairs["paid_day"] - pairs["day"]).dt.days
    hits = pairs.loc[(lag >= 0) & (lag <= window_days), "inquiry"].unique()
    return pd.Series(keyed["inquiry"].isin(hits).to_numpy(), index=inquiries.index, dtype=bool)


def sales_figures(
    sessions: pd.DataFrame, orders: pd.DataFrame, month: str, window_days: int
) -> dict[str, float]:
    """Inquiries, conversions, credited and silent sales, order value, paid orders."""
    credited = attribute_orders(sessions, orders, window_days)

    inquiries = inquiry_table(sessions)
    inquiries = inquiries[_in_month(inquiries["day"], month)].reset_index(drop=True)
    converted = converted_flags(inquiries, credited, window_days)

    paid_now = credited[_in_month(credited["paid_day"], month)]
    to_agent = paid_now[paid_now["credited_agent"].notna()]
    to_nobody = paid_now[paid_now["credited_agent"].isna()]
    credited_sales = float(to_agent["amount"].sum())
    buyers = to_agent["customer_id"].nunique()
    return {
        "inquiries": int(len(inquiries)),
        "converted_inquiries": int(converted.sum()),
        "conversion_rate": _ratio(converted.sum(), len(inquiries)),
        "credited_sales": credited_sales,
        "silent_sales": float(to_nobody["amount"].sum()),
        "order_value": _ratio(credited_sales, buyers),
        "paid_orders": int(len(paid_now)),
    }


# --------------------------------------------------------------------------------------------
# Response and complaints


def response_figures(
    sessions: pd.DataFrame, month: str, settings: OracleSettings
) -> dict[str, float]:
    """Average capped first response and fast-response share of business-hours sessions."""
    s = sessions[sessions["kind"].isin(["presale", "aftersale"]) & sessions["start_ts"].notna()]
    s = s[_in_month(s["start_ts"].dt.normalize(), month)]
    # Time of day as a duration since midnight: [opens, closes) by the clock.
    clock = s["start_ts"] - s["start_ts"].dt.normalize()
    opens = pd.Timedelta(f"{settings.business_start}:00")
    closes = pd.Timedelta(f"{settings.business_end}:00")
    s = s[(clock >= opens) & (clock < closes)]

    raw = s["first_response_s"]
    capped = raw.fillna(settings.response_cap_s).clip(upper=settings.response_cap_s)
    fast = raw.notna() & (raw <= settings.fast_response_s)
    return {
        "avg_first_response_s": float(capped.mean()) if len(s) else math.nan,
        "fast_response_rate": _ratio(fast.sum(), len(s)),
    }


def complaint_figures(complaints: pd.DataFrame, month: str) -> dict[str, float]:
    """Complaints created in the month."""
    days = complaints["created_ts"].dt.normalize()
    return {"complaints": int(_in_month(days, month).sum())}


# --------------------------------------------------------------------------------------------
# Entry points


def _data_start(tables: dict[str, pd.DataFrame]):
    """Month of the first dated record of the raw tables (None without any)."""
    stamps = []
    for table, column in (("sessions", "start_ts"), ("orders", "created_ts"),
                          ("orders", "paid_ts"), ("complaints", "created_ts")):
        frame = tables.get(table)
        if frame is not None and column in frame and frame[column].notna().any():
            stamps.append(frame[column].min())
    return min(stamps).to_period("M") if stamps else None


def figures_from_tables(
    tables: dict[str, pd.DataFrame], month: str, settings: OracleSettings
) -> dict[str, float]:
    """All of :data:`FIGURE_KEYS` for ``month`` from typed tables (see :func:`load_tables`)."""
    out: dict[str, float] = {}
    out.update(headcount_figures(tables["agents"], month))
    out["turnover_rate_trailing_12m"] = trailing_turnover(tables["agents"], month,
                                                          _data_start(tables))
    out.update(
        sales_figures(
            tables["sessions"], tables["orders"], month, settings.attribution_window_days
        )
    )
    out.update(response_figures(tables["sessions"], month, settings))
    out.update(complaint_figures(tables["complaints"], month))
    out["complaints_per_1k_orders"] = (
        _ratio(out["complaints"], out["paid_orders"]) * 1000
    )
    assert set(out) == set(FIGURE_KEYS), set(out) ^ set(FIGURE_KEYS)
    return {k: out[k] for k in FIGURE_KEYS}


def month_figures(folder: str | Path, month: str) -> dict[str, float]:
    """The shop-level headline figures of ``month`` for the dataset in ``folder``.

    Returns
    -------
    dict
        :data:`FIGURE_KEYS` to values: ints for headcounts and counts, floats for money, rates
        and means; NaN where a ratio has a zero denominator or history is too short.
    """
    return figures_from_tables(load_tables(folder), month, read_settings(folder))


def last_data_day(folder: str | Path, tables: dict[str, pd.DataFrame]) -> pd.Timestamp | None:
    """Last calendar day with any dated record (sessions, orders, complaints, agent_daily)."""
    days = [
        tables["sessions"]["start_ts"].max(),
        tables["orders"]["created_ts"].max(),
        tables["orders"]["paid_ts"].max(),
        tables["complaints"]["created_ts"].max(),
    ]
    daily = read_table(folder, "agent_daily")
    if daily is not None and "date" in daily.columns:
        days.append(_date(daily["date"]).max())
    days = [d for d in days if pd.notna(d)]
    return max(days).normalize() if days else None


def is_provisional(
    folder: str | Path, month: str, tables: dict[str, pd.DataFrame] | None = None
) -> bool:
    """Whether ``month`` is provisional: the data's last day is before month end + lag_days."""
    last = last_data_day(folder, load_tables(folder) if tables is None else tables)
    _, month_end = _month_bounds(month)
    return last is None or last < month_end + pd.Timedelta(days=read_settings(folder).lag_days)
