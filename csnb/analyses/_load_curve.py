"""The load-response curve: how load slows answers, and the sustainable load.

Private helpers of :mod:`csnb.analyses.operations`.

An earlier version fitted a binomial hinge to the clock hours' observed fast-response rate
against load. That curve mixes two things: how load slows each answer, and which sessions
busy hours hold (promotion days are slower for their own reasons; some agents work the busy
hours more). Its crossing estimated the working-model value, 1.0-1.8% above the load at which
load itself brings the rate to the target: on the simulator's planted knee its +-0.5%
interval covered that planted value in 1 of 20 seeds. The shift model below estimates the
structural quantity directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def hinge(x: np.ndarray | float, knee: float) -> np.ndarray:
    """max(0, x - knee)."""
    return np.maximum(0.0, np.asarray(x, dtype=float) - knee)


# ---------------------------------------------------------------------------------------------
# The response-time shift model: what the sustainable load means structurally
# ---------------------------------------------------------------------------------------------
#
#     log first response of session i = alpha_(agent, day) + b x_h + c max(0, x_h - k) + e_i
#
# with an effect per agent and day (absorbing agents' speed, the day's promotions and
# policy), so b, c and k are learned from how the same agent's answers slow from hour to
# hour of one day as its hour's load x_h changes. The fast-response rate of the busy hours'
# sessions (hours above the knee) at load L is then their own first responses moved to load
# L, m(L) = share of the sessions with log first response - s(x_i) + s(L) <= log(fast),
# s(x) = b x + c max(0, x - k), never-answered sessions counting as slow; the sustainable
# load solves m(L) = target. Its interval is a percentile bootstrap over whole days.

#: Bootstrap resamples of days for the interval of the shift model.
SHIFT_REPS = 399
#: Knee candidates of the shift model: quantiles of the counted sessions' loads.
SHIFT_KNEE_QUANTILES = np.linspace(0.02, 0.99, 98)


@dataclass(frozen=True)
class ShiftFit:
    """The response-time shift model and the sustainable load it gives.

    ``estimate`` and the bounds are None when the rate does not reach the target within the
    observed loads (``crossing``: "above_target" or "below_target"), a bound None when the
    interval runs past them; ``draws`` are the
    bootstrap estimates (+inf: the resample's rate stays above the target at every observed
    load; -inf: below it even at the lowest).
    """

    b: float
    c: float
    knee: float
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    crossing: str
    load_min: float
    load_max: float
    sessions: int
    busy_sessions: int
    draws: np.ndarray
    deloaded: np.ndarray  # busy sessions' log first response minus s(x_i); +inf unanswered
    log_fast: float

    def shift(self, load: np.ndarray | float) -> np.ndarray:
        """s(load): how much load adds to the log first response."""
        x = np.asarray(load, dtype=float)
        return self.b * x + self.c * hinge(x, self.knee)

    def rate(self, load: np.ndarray | float) -> np.ndarray:
        """m(load): the busy hours' fast-response rate were their hours at ``load``."""
        cut = self.log_fast - np.atleast_1d(self.shift(load))
        out = np.searchsorted(self.deloaded, cut, side="right") / len(self.deloaded)
        return out if np.ndim(load) else out[0]


def _group_demean(values: np.ndarray, group: np.ndarray, size: np.ndarray) -> np.ndarray:
    """``values`` minus their group means (columns of a 2-D array separately)."""
    if values.ndim == 1:
        return values - (np.bincount(group, weights=values) / size)[group]
    return np.column_stack([_group_demean(values[:, j], group, size)
                            for j in range(values.shape[1])])


def _shift_sums(x: np.ndarray, y: np.ndarray, group: np.ndarray, day: np.ndarray,
                n_days: int, knees: np.ndarray) -> dict[str, np.ndarray]:
    """Per-day cross-products of the within (agent x day) regression, for every knee.

    A resample of days reweights these sums, so the bootstrap never revisits sessions.
    """
    size = np.bincount(group).astype(float)
    xd, yd = _group_demean(x, group, size), _group_demean(y, group, size)

    def by_day(v: np.ndarray) -> np.ndarray:
        return np.bincount(day, weights=v, minlength=n_days)

    sums = {"xx": by_day(xd * xd), "xy": by_day(xd * yd), "yy": by_day(yd * yd),
            "xh": np.empty((n_days, len(knees))), "hh": np.empty((n_days, len(knees))),
            "hy": np.empty((n_days, len(knees)))}
    for j, k in enumerate(knees):
        hd = _group_demean(hinge(x, k), group, size)
        sums["xh"][:, j], sums["hh"][:, j] = by_day(xd * hd), by_day(hd * hd)
        sums["hy"][:, j] = by_day(hd * yd)
    return sums


def _shift_coefficients(sums: dict[str, np.ndarray], w: np.ndarray, knees: np.ndarray
                        ) -> tuple[float, float, float]:
    """(b, c, knee) of the least-squares knee for day weights ``w``."""
    xx, xy, yy = w @ sums["xx"], w @ sums["xy"], w @ sums["yy"]
    xh, hh, hy = w @ sums["xh"], w @ sums["hh"], w @ sums["hy"]
    det = xx * hh - xh ** 2
    ok = det > 1e-12 * np.maximum(xx * hh, 1e-300)
    det = np.where(ok, det, 1.0)
    b = (hh * xy - xh * hy) / det
    c = (xx * hy - xh * xy) / det
    rss = np.where(ok, yy - b * xy - c * hy, np.inf)
    j = int(np.argmin(rss))
    return float(b[j]), float(c[j]), float(knees[j])


def _shift_crossing(b: float, c: float, knee: float, deloaded: np.ndarray,
                    weights: np.ndarray | None, log_fast: float, target: float,
                    lo: float, hi: float) -> tuple[float, str]:
    """Where m(L) falls to the target (+-inf when it does not within [lo, hi])."""
    order = np.argsort(deloaded)
    r = deloaded[order]
    cum = np.cumsum(np.ones_like(r) if weights is None else weights[order])
    cum /= cum[-1]
    j = int(np.searchsorted(cum, target, side="left"))
    if j >= len(r) or not np.isfinite(r[j]):
        return -np.inf, "below_target"  # more never answered than the target allows
    # m(L) <= target once s(L) >= log_fast - (the target quantile of the deloaded times)
    if j > 0 and np.isfinite(r[j - 1]) and cum[j] > cum[j - 1]:
        q = r[j - 1] + (target - cum[j - 1]) / (cum[j] - cum[j - 1]) * (r[j] - r[j - 1])
    else:
        q = r[j]
    need = log_fast - q
    grid = np.linspace(lo, hi, 2001)
    s = b * grid + c * hinge(grid, knee)
    if s[0] >= need:
        return -np.inf, "below_target"
    above = np.flatnonzero(s >= need)
    if len(above) == 0:
        return np.inf, "above_target"
    i = above[0]
    x0, x1, s0, s1 = grid[i - 1], grid[i], s[i - 1], s[i]
    return float(x0 + (need - s0) / (s1 - s0) * (x1 - x0)), "reached"


def fit_shift(x: np.ndarray, first_response: np.ndarray, agent: np.ndarray, day: np.ndarray,
              fast_s: float, target: float, level: float = 0.95, reps: int = SHIFT_REPS,
              seed: int = 0) -> ShiftFit:
    """Fit the shift model to counted sessions and bootstrap the sustainable load.

    Parameters
    ----------
    x : array
        Each counted session's clock-hour load (sessions per agent-hour).
    first_response : array
        Seconds to the first answer (NaN: never answered).
    agent, day : array
        Labels of each session's agent and day (the fixed effects; days are resampled).
    fast_s, target : float
        The fast-response threshold (seconds) and the target rate.

    Raises
    ------
    ValueError
        Fewer than 20 clock hours' worth of load values, or loads that do not vary within
        an agent's day.
    """
    x = np.asarray(x, dtype=float)
    fr = np.asarray(first_response, dtype=float)
    if len(np.unique(x)) < 20 or np.ptp(x) <= 0:
        raise ValueError("too few clock hours with counted sessions to fit the curve")
    day_codes, day_idx = np.unique(np.asarray(day), return_inverse=True)
    n_days = len(day_codes)
    answered = ~np.isnan(fr)
    # log of the first response; a zero-second answer is read as half a second
    y = np.log(np.maximum(fr[answered], 0.5))
    xa, da = x[answered], day_idx[answered]
    agent_idx = np.unique(np.asarray(agent), return_inverse=True)[1][answered]
    # one fixed effect per agent and day
    group = np.unique(da * (agent_idx.max() + 1) + agent_idx, return_inverse=True)[1]
    knees = np.unique(np.quantile(x, SHIFT_KNEE_QUANTILES))
    sums = _shift_sums(xa, y, group, da, n_days, knees)
    log_fast = float(np.log(fast_s))
    lo, hi = float(x.min()), float(x.max())
    y_all = np.full(len(x), np.inf)
    y_all[answered] = y

    def estimate(w: np.ndarray) -> tuple[float, float, float, float, str, np.ndarray]:
        b, c, k = _shift_coefficients(sums, w, knees)
        busy = x > k
        if not busy.any():
            busy = x >= np.quantile(x, 0.99)
        r = y_all[busy] - (b * x[busy] + c * hinge(x[busy], k))
        est, crossing = _shift_crossing(b, c, k, r, w[day_idx[busy]], log_fast, target, lo, hi)
        return b, c, k, est, crossing, r

    if not np.isfinite(sums["xx"].sum()) or sums["xx"].sum() <= 0:
        raise ValueError("loads do not vary within any agent's day")
    b, c, k, est, crossing, r = estimate(np.ones(n_days))
    rng = np.random.default_rng(seed)
    draws = np.array([estimate(rng.multinomial(n_days, np.full(n_days, 1 / n_days))
                               .astype(float))[3] for _ in range(reps)])
    ci_low = ci_high = None
    if crossing == "reached":
        # percentile interval on the extended line: an infinite end stays open (None)
        ordered = np.sort(draws)
        tail = (1 - level) / 2
        low = ordered[int(np.floor(tail * (reps + 1))) - 1]
        high = ordered[int(np.ceil((1 - tail) * (reps + 1))) - 1]
        ci_low = float(low) if np.isfinite(low) else None
        ci_high = float(high) if np.isfinite(high) else None
    return ShiftFit(b=b, c=c, knee=k, estimate=est if crossing == "reached" else None,
                    ci_low=ci_low, ci_high=ci_high, crossing=crossing, load_min=lo,
                    load_max=hi, sessions=len(x), busy_sessions=len(r), draws=draws,
                    deloaded=np.sort(r), log_fast=log_fast)
