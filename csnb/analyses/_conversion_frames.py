"""The frames the conversion models fit on (the data side of :mod:`._conversion_model`).

Inquiries of the report months with their first session's response facts (all of them,
or a seeded sample drawn in the engine), or the metric book's agent-days without
sessions, each with the agent's tenure band and shift, the weekday, the promotion day and
the month.

A month with more presale sessions than ``settings.logit_sample_sessions`` is fitted on a
seeded sample of its inquiries, drawn in the engine (never by pulling every inquiry into
pandas): within each agent, the inquiries ordered by the MD5 digest of
(customer, agent, day, "csnb-" + month) and the first ceil(fraction x agent's inquiries)
kept, fraction = threshold / presale sessions. Sampling is stratified by agent at one rate,
so every agent (cluster) stays in the fit with its share of inquiries: the agent-clustered
covariance of the sample is valid for the sample's estimates, and the unweighted fit
estimates the same coefficients. The same data and month always give the same sample.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from ..io.dataset import Dataset
from ..metrics import kpi_table
from ..metrics.inquiries import _date_lit, inquiry_facts_table, typed_inquiry_facts
from ..metrics.sql import dataset_sql
from ..months import month_bounds

__all__ = ["AGENT_DAY_COLUMNS", "HOUR_BANDS", "TENURE_BANDS", "WEEKDAYS", "promotion_days",
           "sample_seed"]

TENURE_BANDS = ("0-29", "30-89", "90-364", "365+")  # days since hire
HOUR_BANDS = ((0, 8, "00-07"), (8, 12, "08-11"), (12, 18, "12-17"), (18, 23, "18-22"),
              (23, 24, "23"))
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

#: Columns an agent-day panel must have (:func:`fit_agent_day_model`).
AGENT_DAY_COLUMNS = ("date", "agent_id", "inquiries", "converted_inquiries",
                     "avg_first_response_s", "fast_response_rate")


def promotion_days(months: Sequence[str], windows: Mapping[str, tuple[str, str]]
                   ) -> dict[date, str]:
    """Promotion days of ``months``: day -> window name.

    Parameters
    ----------
    months : sequence of str
        ``"YYYY-MM"`` months.
    windows : mapping
        Window name -> (first day, last day) as ``"MM-DD"``, inclusive: the dataset's
        ``settings.promotions`` (618, 双11, 双12 by default).
    """
    parsed = [(name, tuple(int(p) for p in a.split("-")), tuple(int(p) for p in b.split("-")))
              for name, (a, b) in windows.items()]
    out: dict[date, str] = {}
    for m in months:
        first, last = month_bounds(m)
        for name, (m0, d0), (m1, d1) in parsed:
            for day in pd.date_range(first, last).date:
                if (m0, d0) <= (day.month, day.day) <= (m1, d1):
                    out[day] = name
    return out



def _with_agents(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with the agent's hire_date and shift from the agents table (when present)."""
    if not ds.has("agents"):
        return frame
    agents = ds.frame("agents")[["agent_id", "shift", "hire_date"]]
    return frame.merge(agents, on="agent_id", how="left")


def _attributes(frame: pd.DataFrame, promo: dict[date, str]) -> pd.DataFrame:
    """Tenure band, weekday, promotion day and month of each row.

    Needs ``day``; tenure band and shift when ``hire_date`` and ``shift`` are known.
    """
    if "hire_date" in frame:
        tenure = (frame["day"] - pd.to_datetime(frame["hire_date"])).dt.days
        band = pd.cut(tenure, [-0.5, 29.5, 89.5, 364.5, np.inf], labels=list(TENURE_BANDS))
        frame["tenure_band"] = band.astype(object).where(band.notna(), None)
    else:
        frame["tenure_band"] = None
    if "shift" not in frame:
        frame["shift"] = None
    frame["weekday"] = [WEEKDAYS[d] for d in frame["day"].dt.day_of_week]
    frame["promotion_day"] = frame["day"].dt.date.isin(promo.keys()).astype(float)
    frame["month"] = frame["day"].dt.strftime("%Y-%m")
    return frame


# The sample, drawn in the engine from the metric book's inquiries of the span: per agent,
# inquiries ordered by an MD5 digest of their key and the month's seed, the first
# ceil(fraction x n) kept. MD5 of a string is the same on DuckDB and Spark, so the sample does
# not depend on the engine, its threads or its version. Only the sampled inquiries then get
# their first session's facts (inquiry_sql's keys): ranking all of them with their facts
# attached, as before, built every inquiry's facts first (5M sessions: 6.7 s, now 3.6 s).
_SAMPLE_KEYS_SQL = """
SELECT customer_id, agent_id, day, converted
FROM (
    SELECT i.customer_id, i.agent_id, i.day, i.converted,
           ROW_NUMBER() OVER (
               PARTITION BY i.agent_id
               ORDER BY MD5(CONCAT(CAST(i.customer_id AS VARCHAR), '|',
                                   CAST(i.agent_id AS VARCHAR), '|',
                                   CAST(i.day AS VARCHAR), '|', '{seed}')),
                        i.customer_id, i.day
           ) AS sample_rank,
           COUNT(*) OVER (PARTITION BY i.agent_id) AS agent_inquiries
    FROM _inquiries AS i
    WHERE i.day >= {start_day} AND i.day <= {end_day}
) AS ranked
WHERE sample_rank <= CEIL(agent_inquiries * {fraction!r})
"""


def sample_seed(month: str) -> str:
    """The seed of a month's inquiry sample: ``"csnb-" + month`` (same data, same sample)."""
    return f"csnb-{month}"


def _sample_plan(ds: Dataset, month: str, span: list[str]) -> dict[str, Any]:
    """Whether the months' inquiries are sampled, and at which fraction.

    Counts come from the metric book's shop-month KPIs (presale sessions and inquiries), so
    deciding costs one small aggregate, not a pull of the sessions.
    """
    threshold = int(ds.settings.logit_sample_sessions)
    k = kpi_table(ds, (), "month")
    k = k[k["period"].astype(str).isin(span)]
    sessions = int(k["presale_sessions"].fillna(0).sum())
    inquiries = int(k["inquiries"].fillna(0).sum())
    sampled = sessions > threshold
    return {"sampled": sampled, "method": "agent-stratified" if sampled else "all inquiries",
            "seed": sample_seed(month) if sampled else None,
            "threshold_sessions": threshold, "population_sessions": sessions,
            "population_inquiries": inquiries,
            "fraction": threshold / sessions if sampled else 1.0}


def _sampled_facts(ds: Dataset, months: list[str], plan: dict[str, Any]) -> pd.DataFrame:
    """Return the sample of the metric book's inquiry facts.

    The columns are those :func:`~csnb.metrics.inquiries.inquiry_facts_table` returns (both
    type the rows with :func:`~csnb.metrics.inquiries.typed_inquiry_facts`), in its order;
    only the sample leaves the engine.
    """
    first, last = month_bounds(months[0])[0], month_bounds(months[-1])[1]
    keys = _SAMPLE_KEYS_SQL.format(seed=plan["seed"], start_day=_date_lit(first),
                                   end_day=_date_lit(last), fraction=float(plan["fraction"]))
    out = ds.query(dataset_sql(ds, "inquiry_facts", start=first, end=last, keys=keys))
    return typed_inquiry_facts(out)


def _inquiry_frame(ds: Dataset, months: list[str], promo: dict[date, str],
                   plan: dict[str, Any] | None = None) -> pd.DataFrame:
    f = (_sampled_facts(ds, months, plan) if plan is not None and plan["sampled"]
         else inquiry_facts_table(ds, months))
    f["y"] = f["converted"].astype(float)
    f["n"] = 1.0
    f["response_s"] = f["capped_response_s"].astype(float)
    f["first_response_min"] = f["response_s"] / 60.0
    f["never_answered"] = f["never_answered"].astype(float)
    f["hour"] = _band(f["hour"], HOUR_BANDS, "hour")
    return _attributes(_with_agents(ds, f), promo)


def _band(values, bands, name: str) -> np.ndarray:
    """The label of the band (lo <= value < hi) of each value."""
    v = np.asarray(values, dtype=float)
    out = np.full(len(v), None, dtype=object)
    for lo, hi, lab in bands:
        out[(v >= lo) & (v < hi)] = lab
    if len(v) and (missing := np.flatnonzero(out == None)).size:  # noqa: E711 - elementwise
        raise ValueError(f"{name} {v[missing[0]]!r} is in none of the bands {bands}")
    return out


def _daily_panel(ds: Dataset, months: list[str]) -> pd.DataFrame:
    """The metric book's agent-days of ``months``, with the agents' hire_date and shift.

    Built on agent_daily, or on sessions: the panel :func:`fit_agent_day_model` takes.
    """
    k = kpi_table(ds, ("agent_id",), "day")
    first, last = month_bounds(months[0])[0], month_bounds(months[-1])[1]
    k = k[(k["period"] >= first) & (k["period"] <= last)]
    panel = k.rename(columns={"period": "date"})[list(AGENT_DAY_COLUMNS)]
    return _with_agents(ds, panel.reset_index(drop=True))

