"""A staggered-adoption panel with a planted effect, for tests and demonstrations.

The effect varies by event time and by adoption group, the case in which the naive two-way
fixed-effects estimate is biased and the Callaway & Sant'Anna estimate is not. Group sizes are
fixed (not drawn), so the planted aggregates are the same for every seed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

__all__ = ["default_effect", "planted_truth", "simulate_staggered"]


def default_effect(group: int, event_time: int) -> float:
    """The default planted ATT: zero before adoption, growing with time since adoption.

    ``0.1 * (1 + e)`` at event time ``e >= 0``, one and a half times as large in the
    earliest group (3): dynamic and heterogeneous, so TWFE's already-treated comparisons
    subtract part of the effect.
    """
    if event_time < 0:
        return 0.0
    return 0.1 * (1 + event_time) * (1.5 if group == 3 else 1.0)


def simulate_staggered(
    seed: int,
    *,
    n_units: int = 200,
    n_periods: int = 8,
    groups: Mapping[int, float] | None = None,
    effect: Callable[[int, int], float] = default_effect,
    unit_sd: float = 1.0,
    time_trend: float = 0.05,
    noise_sd: float = 0.3,
) -> pd.DataFrame:
    """Simulate ``y = unit effect + time effect + planted effect + noise`` under staggered adoption.

    Parameters
    ----------
    seed : int
        Seed of ``numpy.random.default_rng``.
    n_units : int
        Number of units.
    n_periods : int
        Periods ``1 .. n_periods``.
    groups : mapping of int to float, optional
        First-treated period -> share of units (the rest are never treated, group 0); default
        ``{3: 0.2, 5: 0.2, 7: 0.2}``.
    effect : callable
        ``effect(group, event_time)``: the planted ATT of a group ``event_time`` periods after
        adoption (:func:`default_effect`).
    unit_sd, time_trend, noise_sd : float
        Sd of the unit effects (which also differ in mean between groups, so a comparison
        of levels is confounded), the linear time trend per period plus a random period
        shock, and the sd of the idiosyncratic noise.

    Returns
    -------
    pandas.DataFrame
        Columns unit, time, group (0 never treated), treated (time >= group > 0), y and
        effect (the planted effect of that unit-period).
    """
    rng = np.random.default_rng(seed)
    groups = dict(groups) if groups is not None else {3: 0.2, 5: 0.2, 7: 0.2}
    sizes = {g: int(round(share * n_units)) for g, share in groups.items()}
    first = np.zeros(n_units, dtype=int)
    start = 0
    for first_period, size in sizes.items():
        first[start:start + size] = first_period
        start += size
    times = np.arange(1, n_periods + 1)
    # Groups differ in level (selection on levels), which differencing removes.
    unit_fe = rng.normal(0, unit_sd, n_units) + 0.2 * (first > 0) + 0.02 * first
    time_fe = time_trend * times + rng.normal(0, 0.1, n_periods)
    unit = np.repeat(np.arange(n_units), n_periods)
    period = np.tile(times, n_units)
    g = np.repeat(first, n_periods)
    planted = np.array([effect(int(gi), int(ti - gi)) if gi > 0 else 0.0
                        for gi, ti in zip(g.tolist(), period.tolist(), strict=True)])
    y = unit_fe[unit] + time_fe[period - 1] + planted + rng.normal(0, noise_sd, len(period))
    return pd.DataFrame({"unit": unit, "time": period, "group": g,
                         "treated": (g > 0) & (period >= g), "y": y, "effect": planted})


def planted_truth(panel: pd.DataFrame) -> dict[str, pd.DataFrame | float]:
    """The planted ATT(g, t) and their aggregates, with the weights of :func:`fit_cs_did`.

    Parameters
    ----------
    panel : pandas.DataFrame
        Output of :func:`simulate_staggered`.

    Returns
    -------
    dict
        ``attgt`` (DataFrame group, time, event_time, estimate), ``event_study``
        (event_time, estimate), ``group`` (group, estimate), and the floats ``simple``,
        ``event_study_overall`` and ``group_overall``.
    """
    treated = panel[panel["group"] > 0]
    attgt = (treated.assign(event_time=treated["time"] - treated["group"])
             .groupby(["group", "time", "event_time"], as_index=False)["effect"].mean()
             .rename(columns={"effect": "estimate"}))
    attgt = attgt[attgt["time"] > panel["time"].min()]
    size = panel.groupby("unit")["group"].first().value_counts()
    attgt["weight"] = attgt["group"].map(size).astype(float)
    post = attgt[attgt["event_time"] >= 0]
    simple = float(np.average(post["estimate"], weights=post["weight"]))
    event = (attgt.groupby("event_time")
             .apply(lambda d: np.average(d["estimate"], weights=d["weight"]),
                    include_groups=False)
             .rename("estimate").reset_index())
    group = post.groupby("group", as_index=False)["estimate"].mean()
    group_overall = float(np.average(group["estimate"], weights=group["group"].map(size)))
    return {
        "attgt": attgt.drop(columns="weight").reset_index(drop=True),
        "event_study": event,
        "group": group,
        "simple": simple,
        "event_study_overall": float(event.loc[event["event_time"] >= 0, "estimate"].mean()),
        "group_overall": group_overall,
    }
