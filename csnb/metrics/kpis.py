"""KPIs per period for the shop, each team or each agent, and the data's span and lag.

:func:`kpi_table` runs the metric book's ``"kpis"`` query (:mod:`csnb.metrics.sql`) through
the dataset's one query function and finishes the result in pandas: types, and the
provisional flag of each period (DESIGN.md, "Data lag").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from ..errors import check_one_of
from ..io.dataset import Dataset
from ..months import month_bounds, month_of, month_span
from .sql import KPI_COLUMNS, KPI_FREQS, KPI_GROUPINGS, _check_by, dataset_sql

__all__ = ["data_months", "data_span", "is_provisional", "kpi_table"]


# ---------------------------------------------------------------------------------------------
# The data's span and lag
# ---------------------------------------------------------------------------------------------


def data_span(ds: Dataset) -> tuple[date | None, date | None]:
    """Return the first and last calendar day (shop time) with any dated raw record.

    Sessions, orders (created and paid), complaints and agent_daily are dated; ``(None,
    None)`` when the dataset holds none of them.
    """
    row = ds.query(dataset_sql(ds, "data_span")).iloc[0]
    first, last = row["first_day"], row["last_day"]
    return (None if pd.isna(first) else pd.Timestamp(first).date(),
            None if pd.isna(last) else pd.Timestamp(last).date())


def data_months(ds: Dataset) -> list[str]:
    """Every month from the first to the last month with dated records.

    Without dated records, a roster alone answers from its first hire to the current month
    in shop time (a roster is current when exported), or its last hire or exit when that is
    later; empty when there is nothing dated at all.
    """
    first, last = data_span(ds)
    if first is None and ds.has("agents"):
        agents = ds.frame("agents")
        days = pd.concat([agents["hire_date"], agents["exit_date"]]).dropna()
        if len(days):
            today = datetime.now(ZoneInfo(ds.settings.timezone)).date()
            first = pd.Timestamp(days.min()).date()
            last = max(pd.Timestamp(days.max()).date(), today)
    if first is None or last is None:
        return []
    return month_span(month_of(first), month_of(last))


def is_provisional(ds: Dataset, month: str) -> bool:
    """Return whether a month's figures are provisional (data lag, DESIGN.md metric book).

    A month is provisional when the data's last day is before month end + ``lag_days``
    (a day's conversion is final only ``lag_days`` after it), or when a day of the month holds
    a value marked not final (延迟统计).

    Parameters
    ----------
    ds : Dataset
    month : str
        ``"YYYY-MM"``.

    Returns
    -------
    bool

    Raises
    ------
    ParameterError
        ``month`` is not a real ``YYYY-MM`` month.
    """
    first, last = month_bounds(month)
    return _provisional_span(ds, first, last)


def _provisional_span(ds: Dataset, first: date, last: date) -> bool:
    last_date = data_span(ds)[1]
    if last_date is None or last_date < last + timedelta(days=ds.settings.lag_days):
        return True
    return any(first <= d <= last for d in ds.not_final_days)


# ---------------------------------------------------------------------------------------------
# kpi_table
# ---------------------------------------------------------------------------------------------


def kpi_table(ds: Dataset, by: Sequence[str] = (), freq: str = "month") -> pd.DataFrame:
    """Return the metric book's KPIs per period for the shop, each team or each agent.

    Parameters
    ----------
    ds : Dataset
    by : (), ("team",) or ("agent_id",)
        Grouping: the whole shop, each team (team of the record's agent in ``agents``;
        an agent missing from it is in team ``"(unknown)"``) or each agent.
    freq : {"month", "day"}
        Period: a ``"YYYY-MM"`` string or a shop-time calendar day (``datetime.date``).

    Returns
    -------
    pandas.DataFrame
        One row per period (and group) with any record, sorted. Columns:

        - ``period``, then the ``by`` columns
        - ``sessions``, ``presale_sessions``: sessions started in the period
        - ``inquiries``: (customer, agent, day) with a presale session, by session day
        - ``converted_inquiries``, ``conversion_rate`` (converted / inquiries)
        - ``credited_orders``, ``credited_sales`` (amount), ``credited_sales_net`` (amount
          minus refund_amount), ``paying_customers`` (distinct credited customers): paid
          orders credited to an agent, by payment day
        - ``order_value``: credited_sales / paying_customers
        - ``silent_sales``: amount of paid orders credited to nobody (shop level only, NaN
          otherwise)
        - ``paid_orders``: shop level every order paid in the period; team and agent level
          the credited orders
        - ``counted_sessions``: sessions starting within business hours
        - ``avg_first_response_s``, ``median_first_response_s``, ``p90_first_response_s``:
          of the capped first response of counted sessions (never answered = cap)
        - ``fast_response_rate``: share of counted sessions answered within
          ``fast_response_s``
        - ``complaints``, ``at_fault_complaints``: created in the period (team and agent
          level: through complaints.agent_id; complaints without an agent are shop-only)
        - ``complaints_per_1k_orders``: complaints / paid_orders x 1000 (shop level only)
        - ``agent_complaint_rate``: complaints / sessions x 1000 (team and agent level only)
        - ``provisional``: the period is not final yet (data lag or a not-final day)

        Counts are 0 when the source table is present but holds nothing for the group;
        columns whose source table is absent are NaN. Without ``sessions`` but with
        ``agent_daily``, inquiries, converted inquiries and credited sales are sums of
        agent_daily, response figures are inquiry-weighted means, and the session, order-count,
        net-sales, paying-customer, order-value, silent-sales and quantile columns are NaN.

    Raises
    ------
    SettingsError
        ``by`` or ``freq`` is not an allowed value.
    """
    by = _check_by(by, KPI_GROUPINGS)
    check_one_of("freq", freq, KPI_FREQS)
    raw = ds.query(dataset_sql(ds, "kpis", by=by, freq=freq))
    return _finish_kpis(ds, raw, by, freq)


def _finish_kpis(ds: Dataset, out: pd.DataFrame, by: tuple[str, ...], freq: str) -> pd.DataFrame:
    last_date = data_span(ds)[1]
    not_final = ds.not_final_days
    if freq == "day":
        out["period"] = pd.to_datetime(out["period"]).dt.date
        lag = timedelta(days=ds.settings.lag_days)
        out["provisional"] = [
            last_date is None or last_date < d + lag or d in not_final for d in out["period"]
        ]
    else:
        out["period"] = out["period"].astype(str)
        flags = {m: _provisional_span(ds, *month_bounds(m)) for m in out["period"].unique()}
        out["provisional"] = out["period"].map(flags).astype(bool)
    for col in KPI_COLUMNS[:-1]:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    return out[["period", *by, *KPI_COLUMNS]].reset_index(drop=True)


def zero_fill_columns(ds: Dataset, shop: bool = False) -> list[str]:
    """Count columns that are 0 (not missing) for a group without records in a period."""
    cols = []
    if ds.has("sessions"):
        cols += ["sessions", "presale_sessions", "counted_sessions", "inquiries",
                 "converted_inquiries"]
    elif ds.has("agent_daily"):
        cols += ["inquiries", "converted_inquiries", "credited_sales"]
    if ds.has("orders") and (ds.has("sessions") or not ds.has("agent_daily")):
        cols += ["credited_orders", "credited_sales", "credited_sales_net", "paying_customers",
                 "paid_orders", *(["silent_sales"] if shop else [])]
    elif ds.has("orders") and shop:
        cols += ["paid_orders"]
    if ds.has("complaints"):
        cols += ["complaints", "at_fault_complaints"]
    return cols


