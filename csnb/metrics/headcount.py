"""Headcount flow, turnover rates and tenure (DESIGN.md, "Headcount and turnover").

The agents table is small (one row per agent), so this runs in pandas and numpy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import check_one_of
from ..io.schema import INVOLUNTARY_REASONS
from ..months import check_month, month_bounds, month_of, month_span, shift_month

__all__ = ["HEADCOUNT_COLUMNS", "headcount_table", "tenure_table"]

#: Columns of :func:`headcount_table` after ``month`` (and ``team``).
HEADCOUNT_COLUMNS = (
    "opening", "hires", "exits", "exits_voluntary", "exits_involuntary", "exits_other",
    "closing", "avg_headcount", "turnover_rate", "turnover_rate_voluntary",
    "turnover_rate_involuntary", "turnover_rate_other", "turnover_rate_trailing_12m",
)


def _as_day(series: pd.Series) -> np.ndarray:
    return pd.to_datetime(series).to_numpy(dtype="datetime64[D]")


def headcount_table(agents: pd.DataFrame, months: Sequence[str], by: str | None = None, *,
                    since: str | None = None, until: str | None = None) -> pd.DataFrame:
    """Return headcount flow and turnover rates per month (and team).

    Parameters
    ----------
    agents : pandas.DataFrame
        The agents table (agent_id, team, hire_date, exit_date, exit_reason).
    months : sequence of str
        ``"YYYY-MM"`` months to report.
    by : {None, "team"}
        ``"team"`` for one row per team and month (every team of ``agents``, every month).
    since : str, optional
        First month the data can answer (the first month of the dataset's records). A
        roster rarely lists the agents who left before its data begin, so figures of earlier
        months are unknown: NaN, as is the trailing rate of a window starting before it.
    until : str, optional
        Last month the data can answer: the roster says nothing yet of later months' hires
        and exits, so their figures are NaN (not a month without exits).

    Returns
    -------
    pandas.DataFrame
        Columns ``month``, [``team``], ``opening`` (hired before the first day and not exited
        before it), ``hires``, ``exits`` (hire_date / exit_date within the month; an exit on
        the month's last day is an exit of that month), ``exits_voluntary``,
        ``exits_involuntary`` (dismissed + bottom_ranked_out), ``exits_other`` (the three
        splits NaN in a month with an exit that has no exit_reason), ``closing``
        (hired on or before the last day, exit_date empty or after it), ``avg_headcount``
        ((opening + closing) / 2), ``turnover_rate`` (exits / avg_headcount) and its
        ``_voluntary``, ``_involuntary``, ``_other`` splits, ``turnover_rate_trailing_12m``
        (exits in the 12 months ending the month / mean of their 12 average headcounts; NaN
        when the 12 months start before the month of the group's earliest hire or before
        ``since``). Rates are NaN
        when the average headcount is 0. closing = opening + hires - exits.

    Raises
    ------
    SettingsError
        ``by`` is not None or "team".
    """
    check_one_of("by", by, (None, "team"))
    months = [check_month(m, "months") for m in months]
    if since is not None:
        check_month(since, "since")
    if until is not None:
        check_month(until, "until")
    cols = ["month", *(["team"] if by else []), *HEADCOUNT_COLUMNS]
    if not months:
        return pd.DataFrame(columns=cols)
    if by is None:
        parts = [_headcount_group(agents, months)]
    else:
        parts = []
        for team, grp in agents.groupby("team", sort=True):
            part = _headcount_group(grp, months)
            part.insert(1, "team", team)
            parts.append(part)
        if not parts:
            return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    if since is not None:
        before = out["month"] < since
        out.loc[before, list(HEADCOUNT_COLUMNS)] = np.nan
        window_start = out["month"].map(lambda m: shift_month(m, -11))
        out.loc[window_start < since, "turnover_rate_trailing_12m"] = np.nan
    if until is not None:
        out.loc[out["month"] > until, list(HEADCOUNT_COLUMNS)] = np.nan
    return out.sort_values(["month", *(["team"] if by else [])], kind="stable")[cols] \
        .reset_index(drop=True)


def _headcount_group(agents: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    hire = _as_day(agents["hire_date"])
    exit_ = _as_day(agents["exit_date"])
    reason = agents["exit_reason"].astype(object).to_numpy() if "exit_reason" in agents \
        else np.full(len(agents), None, dtype=object)
    earliest = month_of(pd.Timestamp(hire.min()).date()) if len(hire) else None
    # Compute over the 11 months before the first requested month too: the trailing rate
    # needs them.
    span = month_span(shift_month(min(months), -11), max(months))
    starts = np.array([month_bounds(m)[0] for m in span], dtype="datetime64[D]")
    ends = np.array([month_bounds(m)[1] for m in span], dtype="datetime64[D]")
    h, e = hire[:, None], exit_[:, None]
    no_exit = np.isnat(e)
    opening = ((h < starts) & (no_exit | (e >= starts))).sum(axis=0)
    closing = ((h <= ends) & (no_exit | (e > ends))).sum(axis=0)
    hires = ((h >= starts) & (h <= ends)).sum(axis=0)
    exit_in = (~no_exit) & (e >= starts) & (e <= ends)
    vol = (reason == "voluntary")[:, None]
    invol = np.isin(reason, INVOLUNTARY_REASONS)[:, None]
    unknown = pd.isna(reason)[:, None]
    exits = exit_in.sum(axis=0)
    ev = (exit_in & vol).sum(axis=0).astype(float)
    ei = (exit_in & invol).sum(axis=0).astype(float)
    eo = exits - ev - ei
    # An exit without a reason (a roster without the exit_reason column) has no type: the
    # month's split is unknown (NaN), not "0 voluntary, all other".
    untyped = (exit_in & unknown).any(axis=0)
    for split in (ev, ei, eo):
        split[untyped] = np.nan
    df = pd.DataFrame({
        "month": span, "opening": opening, "hires": hires, "exits": exits,
        "exits_voluntary": ev, "exits_involuntary": ei, "exits_other": eo,
        "closing": closing,
    })
    df["avg_headcount"] = (df["opening"] + df["closing"]) / 2
    avg = df["avg_headcount"].where(df["avg_headcount"] > 0)
    df["turnover_rate"] = df["exits"] / avg
    for kind in ("voluntary", "involuntary", "other"):
        df[f"turnover_rate_{kind}"] = df[f"exits_{kind}"] / avg
    exits12 = df["exits"].rolling(12).sum()
    avg12 = df["avg_headcount"].rolling(12).mean()
    trailing = exits12 / avg12.where(avg12 > 0)
    # Fewer than 12 months of history: the window starts before the earliest hire's month.
    window_start = pd.Series([shift_month(m, -11) for m in span])
    enough = window_start >= earliest if earliest else pd.Series(False, index=df.index)
    df["turnover_rate_trailing_12m"] = trailing.where(enough.to_numpy())
    df = df[df["month"].isin(months)]
    return df.reset_index(drop=True)


def tenure_table(agents: pd.DataFrame, month: str) -> pd.DataFrame:
    """Return each agent's tenure as of a month's last day (survival input).

    Parameters
    ----------
    agents : pandas.DataFrame
        The agents table.
    month : str
        ``"YYYY-MM"``; agents hired after its last day are left out.

    Returns
    -------
    pandas.DataFrame
        Columns agent_id, name, team, shift, role, hire_date, tenure_days (exit_date - hire_date + 1
        for agents who exited on or before the month's last day; otherwise right-censored:
        month end - hire_date + 1), exited (bool: the exit event was observed), exit_reason
        (missing when not exited).
    """
    _, last = month_bounds(month)
    df = agents.copy()
    for col in ("name", "shift", "role", "exit_reason"):
        if col not in df:
            df[col] = None
    hire = pd.to_datetime(df["hire_date"])
    exit_ = pd.to_datetime(df["exit_date"])
    end = pd.Timestamp(last)
    keep = hire <= end
    df, hire, exit_ = df[keep], hire[keep], exit_[keep]
    exited = exit_.notna() & (exit_ <= end)
    stop = exit_.where(exited, end)
    out = pd.DataFrame({
        "agent_id": df["agent_id"].to_numpy(),
        "name": df["name"].to_numpy(),
        "team": df["team"].to_numpy(),
        "shift": df["shift"].to_numpy(),
        "role": df["role"].to_numpy(),
        "hire_date": hire.dt.date.to_numpy(),
        "tenure_days": ((stop - hire).dt.days + 1).astype(int).to_numpy(),
        "exited": exited.to_numpy(dtype=bool),
        "exit_reason": np.where(exited.to_numpy(dtype=bool),
                                df["exit_reason"].astype(object).to_numpy(), None),
    })
    return out.sort_values("agent_id", kind="stable").reset_index(drop=True)


