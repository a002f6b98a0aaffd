"""What the daily brief, the chat sample and the pass rates share: days, masked ids, teams."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

import pandas as pd

from ...errors import ParameterError
from ...io.dataset import Dataset

__all__ = ["agent_teams", "as_float", "check_day", "mask_customer", "missing"]


def check_day(day: str | date) -> date:
    """Return ``day`` as a date; a malformed day is a :class:`~csnb.errors.ParameterError`."""
    if isinstance(day, datetime):
        return day.date()
    if isinstance(day, date):
        return day
    text = str(day).strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ParameterError(f"date must be a real day YYYY-MM-DD; got {day!r}") from None


def mask_customer(customer_id: Any) -> str:
    """A customer id shown without the customer: ``***`` and its last four characters.

    Ids of four characters or fewer keep only their last character, so no id is ever
    shown in full.
    """
    if customer_id is None or (isinstance(customer_id, float) and math.isnan(customer_id)):
        return ""
    text = str(customer_id)
    keep = 4 if len(text) > 4 else (1 if len(text) > 1 else 0)
    return "***" + text[len(text) - keep:]


def agent_teams(ds: Dataset) -> pd.DataFrame:
    """agent_id, name and team of each agent (no rows without the agents table)."""
    if not ds.has("agents"):
        return pd.DataFrame(columns=["agent_id", "name", "team"])
    return ds.frame("agents")[["agent_id", "name", "team"]]


def missing(v: Any) -> bool:
    """Whether a figure is missing (None or NaN)."""
    return v is None or (isinstance(v, float) and math.isnan(v))


def as_float(v: Any) -> float | None:
    """A figure as a float, None when missing or not a number (for JSON)."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f
