"""Comparisons that know noise, and targets.

A report compares each figure with last month and the same month last year. A change is
*notable* only when chance alone would rarely give it at that volume:

- a rate of events among trials (conversion: converted of inquiries; fast response: fast of
  counted sessions) is compared with a two-sample test of proportions (score test);
- a count, or a count per exposure (exits per average headcount, complaints per paid order),
  with the exact conditional test of two Poisson rates;
- money and response times are not tested: their changes are shown, never called notable.

Both tests are at the 5% level (:data:`ALPHA`); the report states the method once
(:func:`method_note`). A change of a count whose values are small (below
:data:`SMALL_COUNT`) is shown as an absolute difference, never as a percentage: 3 to 7 hires
is "+4", not "+133%".

A target (``[targets]`` of ``csnb.toml``) is a floor for a figure where higher is better
and a ceiling where lower is better (``METRICS[...]["good"]``): met is green, missed by at
most ``target_tolerance`` of the target amber, missed by more red.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..i18n import METRICS, t
from ..settings import Settings

__all__ = ["ALPHA", "SMALL_COUNT", "Change", "compare", "method_note", "target_status"]

#: Level of the tests that call a change notable.
ALPHA = 0.05
#: Counts below this are compared as absolute differences, not percentages.
SMALL_COUNT = 20

#: How a figure's change is tested: (test, events, trials or exposure). Events and trials are
#: figure names, or "avg_headcount" ((opening + closing) / 2); exposure None means 1.
NOISE: dict[str, tuple[str, str, str | None]] = {
    "conversion_rate": ("binomial", "converted_inquiries", "inquiries"),
    "fast_response_rate": ("binomial", "fast_sessions", "counted_sessions"),
    "turnover_rate": ("poisson", "exits", "avg_headcount"),
    "exits": ("poisson", "exits", "avg_headcount"),
    "exits_voluntary": ("poisson", "exits_voluntary", "avg_headcount"),
    "exits_involuntary": ("poisson", "exits_involuntary", "avg_headcount"),
    "hires": ("poisson", "hires", None),
    "inquiries": ("poisson", "inquiries", None),
    "converted_inquiries": ("poisson", "converted_inquiries", None),
    "paid_orders": ("poisson", "paid_orders", None),
    "complaints": ("poisson", "complaints", None),
    "complaints_per_1k_orders": ("poisson", "complaints", "paid_orders"),
    "exits_bottom_ranked_out": ("poisson", "exits_bottom_ranked_out", None),
}


@dataclass(frozen=True)
class Change:
    """The change of one figure from a comparison month to the report month.

    Attributes
    ----------
    metric : str
    value, previous : float or None
        The figure this month and in the comparison month (None when not available).
    delta : float or None
        value - previous.
    relative : float or None
        delta / previous (None when previous is 0 or missing, or the counts are small).
    direction : {"up", "down", "flat"} or None
    good : bool or None
        Whether the change goes the good way (None for figures without one, or no change).
    notable : bool or None
        Beyond chance at :data:`ALPHA` (None when the figure is not tested or not available).
    p_value : float or None
    method : {"binomial", "poisson"} or None
    small : bool
        A count change shown as an absolute difference.
    """

    metric: str
    value: float | None
    previous: float | None
    delta: float | None
    relative: float | None
    direction: str | None
    good: bool | None
    notable: bool | None
    p_value: float | None
    method: str | None
    small: bool

    @property
    def available(self) -> bool:
        """Whether both months have the figure."""
        return self.delta is not None

    def to_json(self) -> dict[str, Any]:
        """The change as JSON-able values."""
        return {k: getattr(self, k) for k in ("value", "previous", "delta", "relative",
                                              "direction", "good", "notable", "p_value")}

    def text(self, lang: str) -> str:
        """The change as shown in a table: arrow and amount ("▲ +3.2 个百分点", "▼ -4")."""
        if self.delta is None:
            return t("missing.value", lang)
        arrow = {"up": "▲", "down": "▼"}.get(self.direction or "", "■")
        unit = METRICS[self.metric]["unit"]
        if unit == "rate":
            return f"{arrow} {100 * self.delta:+.1f}{t('unit.pp', lang)}"
        if self.relative is None:
            return f"{arrow} {self.delta:+,.0f}" if unit == "count" else \
                f"{arrow} {self.delta:+,.1f}"
        return f"{arrow} {100 * self.relative:+.1f}%"


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def compare(metric: str, value: float | None, previous: float | None,
            counts: dict[str, float | None] | None = None,
            previous_counts: dict[str, float | None] | None = None) -> Change:
    """Compare a figure with its value in a comparison month.

    Parameters
    ----------
    metric : str
        Metric-book name (a key of ``METRICS``).
    value, previous : float or None
        The figure this month and in the comparison month.
    counts, previous_counts : dict, optional
        The events and trials or exposure the test of :data:`NOISE` needs, by name, for each
        month (e.g. ``{"converted_inquiries": 6580, "inquiries": 18204}``).

    Returns
    -------
    Change
    """
    if _missing(value) or _missing(previous):
        return Change(metric, None if _missing(value) else value,
                      None if _missing(previous) else previous, None, None, None, None,
                      None, None, None, False)
    assert value is not None and previous is not None  # for the type checker
    delta = float(value) - float(previous)
    direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
    good_way = METRICS[metric].get("good")
    good = None if good_way is None or direction == "flat" else direction == good_way
    unit = METRICS[metric]["unit"]
    small = unit == "count" and min(abs(value), abs(previous)) < SMALL_COUNT
    relative = None if small or previous == 0 else delta / abs(previous)
    p_value, method = _test(metric, counts or {}, previous_counts or {})
    notable = None if p_value is None else p_value < ALPHA
    return Change(metric, float(value), float(previous), delta, relative, direction, good,
                  notable, p_value, method, small)


def _test(metric: str, now: dict[str, float | None], before: dict[str, float | None]
          ) -> tuple[float | None, str | None]:
    if metric not in NOISE:
        return None, None
    method, events, trials = NOISE[metric]
    x1, x0 = now.get(events), before.get(events)
    n1 = now.get(trials) if trials else 1.0
    n0 = before.get(trials) if trials else 1.0
    if any(_missing(v) for v in (x1, x0, n1, n0)):
        return None, None
    assert x1 is not None and x0 is not None and n1 is not None and n0 is not None
    if n1 <= 0 or n0 <= 0 or (method == "binomial" and (x1 > n1 or x0 > n0)):
        return None, None
    if method == "binomial":
        from statsmodels.stats.proportion import test_proportions_2indep

        if x1 + x0 == 0 or x1 + x0 == n1 + n0:
            return 1.0, method  # no variation at all: nothing can be told apart
        result = test_proportions_2indep(round(x1), round(n1), round(x0), round(n0),
                                         method="score")
        return float(result.pvalue), method
    from statsmodels.stats.rates import test_poisson_2indep

    if x1 + x0 == 0:
        return 1.0, method
    with np.errstate(divide="ignore", invalid="ignore"):  # a rate of 0 makes the ratio inf
        result = test_poisson_2indep(round(x1), float(n1), round(x0), float(n0),
                                     method="exact-cond")
    return float(result.pvalue), method


def target_status(metric: str, value: float | None, settings: Settings) -> str | None:
    """Red/amber/green status of a figure against its target, None without a target."""
    target = settings.targets.get(metric)
    if target is None or _missing(value):
        return None
    assert value is not None
    floor = METRICS[metric].get("good") == "up"
    shortfall = (target - value) if floor else (value - target)
    if shortfall <= 0:
        return "green"
    if shortfall <= settings.target_tolerance * abs(target):
        return "amber"
    return "red"


def method_note(lang: str) -> str:
    """The one sentence that states how changes are judged (shown once per report)."""
    return t("compare.method", lang, alpha=f"{100 * ALPHA:.0f}", small=SMALL_COUNT)
