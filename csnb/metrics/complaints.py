"""Complaint rates per 1,000 paid orders and the fine ledger (DESIGN.md, "Complaints")."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..io.dataset import Dataset
from .kpis import data_months, kpi_table
from .sql import COMPLAINT_GROUPINGS, _check_by, dataset_sql

__all__ = ["complaint_rate_table", "fines_table"]


def complaint_rate_table(ds: Dataset, by: Sequence[str] = ("category",)) -> pd.DataFrame:
    """Return the shop complaint rate per 1,000 paid orders by month (and category or source).

    Parameters
    ----------
    ds : Dataset
        Needs ``complaints``; without ``orders`` the paid orders and rate are NaN.
    by : ("category",), ("source",) or ()
        Split of the complaints; ``()`` gives one row per month with key ``"all"``.

    Returns
    -------
    pandas.DataFrame
        Columns month, key (the category or source; every key seen in the data appears in
        every month, with 0 complaints when none), complaints, paid_orders (every order paid
        in the month: the denominator is the same for every key), complaints_per_1k_orders,
        and, when ``by`` is given, the key again under its own name (category or source).

    Raises
    ------
    SettingsError
        ``by`` is not an allowed value.
    KeyError
        The dataset has no complaints table.
    """
    by = _check_by(by, COMPLAINT_GROUPINGS)
    if not ds.has("complaints"):
        raise KeyError("complaint_rate_table needs the complaints table, which this dataset "
                       f"lacks (present: {', '.join(ds.tables)})")
    counts = ds.query(dataset_sql(ds, "complaint_counts", by=by))
    months = data_months(ds)
    keys = sorted(counts["key"].dropna().unique()) if by else ["all"]
    grid = pd.MultiIndex.from_product([months, keys], names=["month", "key"]).to_frame(
        index=False)
    out = grid.merge(counts, on=["month", "key"], how="left")
    out["complaints"] = out["complaints"].fillna(0).astype(int)
    if ds.has("orders"):
        # The shop's paid orders: the same definition as every other complaint rate.
        paid = kpi_table(ds)[["period", "paid_orders"]].rename(columns={"period": "month"})
        out = out.merge(paid, on="month", how="left")
        out["paid_orders"] = out["paid_orders"].fillna(0).astype(float)
    else:
        out["paid_orders"] = np.nan
    out["complaints_per_1k_orders"] = (
        out["complaints"] / out["paid_orders"].where(out["paid_orders"] > 0) * 1000
    )
    if by:
        out[by[0]] = out["key"]  # also under its own name, for readers of one split
    return out.sort_values(["month", "key"]).reset_index(drop=True)


def fines_table(ds: Dataset) -> pd.DataFrame:
    """Return the fine ledger: each at-fault service complaint with its fine.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        One row per complaint that is at_fault, has an agent and a category not in
        ``settings.non_service_categories``. Columns complaint_id, agent_id, name, month,
        created_ts, category, nth (1-based order of the agent's such complaints in that
        calendar month by created_ts, ties by complaint_id; it restarts each month), fine (yuan,
        ``settings.fine_for(nth)``), dismissal (``nth == settings.dismissal_at``). Empty
        when the dataset has no complaints.
    """
    cols = ["complaint_id", "agent_id", "name", "month", "created_ts", "category", "nth",
            "fine", "dismissal"]
    if not ds.has("complaints"):
        return pd.DataFrame(columns=cols)
    out = ds.query(dataset_sql(ds, "fines"))
    names = ds.frame("agents")[["agent_id", "name"]] if ds.has("agents") else None
    out = out.merge(names, on="agent_id", how="left") if names is not None else \
        out.assign(name=None)
    s = ds.settings
    out["nth"] = out["nth"].astype(int)
    out["fine"] = [float(s.fine_for(int(n))) for n in out["nth"]]
    out["dismissal"] = out["nth"] == s.dismissal_at
    return out[cols]


