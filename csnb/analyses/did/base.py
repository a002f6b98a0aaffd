"""The result type every difference-in-differences estimator returns.

As in pyfixest's ``did`` package, one result type serves every estimator: the Callaway &
Sant'Anna group-time estimator (:mod:`.cs`) and the naive two-way fixed-effects regression
(:mod:`.twfe`) both return a :class:`DidResult`, whose tidy table has the same columns, so
the two sit beside each other in a table and on one event-study plot
(:func:`csnb.plots.did.plot_event_study`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from scipy import stats

from ..base import Result, html_table, json_value, records

__all__ = [
    "AGGREGATIONS",
    "DID_COLUMNS",
    "FEW_CLUSTERS",
    "WARN_FEW_CLUSTERS",
    "WARN_NO_PRE_PERIODS",
    "WARN_PRETREND_SINGULAR",
    "WARN_SINGLE_UNIT_GROUPS",
    "DidResult",
    "WaldTestResult",
    "normal_ci",
]

#: Columns of :meth:`DidResult.tidy`, in order.
DID_COLUMNS: tuple[str, ...] = (
    "estimator", "outcome", "aggregation", "group", "time", "event_time", "estimate", "se",
    "ci_low", "ci_high", "band", "post", "n_treated", "n_control",
)

#: Row kinds of the tidy table (the ``aggregation`` column).
#: ``attgt``: one group-time ATT(g, t); ``simple``: the overall ATT (for TWFE, the
#: coefficient of the treatment dummy); ``event_study``: the effect by event time;
#: ``event_study_overall``: the mean of the post-treatment event-time effects; ``group``: the
#: effect by adoption group; ``group_overall``: the group effects weighted by group size.
AGGREGATIONS = ("attgt", "simple", "event_study", "event_study_overall", "group",
                "group_overall")

Aggregation = Literal["attgt", "simple", "event_study", "event_study_overall", "group",
                      "group_overall"]

#: Fewer treated or control clusters than this: inference rests on few clusters (issue 10).
FEW_CLUSTERS = 5

#: Warning text keys (for the report's text table). Values for formatting are in
#: :attr:`DidResult.warning_values`.
#: ``did.few_clusters``: fewer than :data:`FEW_CLUSTERS` treated or control clusters
#: ({n_treated} treated, {n_control} control); the analytic standard errors are unreliable
#: and the bootstrap result should be shown beside them.
WARN_FEW_CLUSTERS = "did.few_clusters"
#: ``did.no_pre_periods``: no pre-treatment ATT(g, t) could be estimated: no pre-trend test.
WARN_NO_PRE_PERIODS = "did.no_pre_periods"
#: ``did.pretrend_singular``: the covariance of the pre-treatment estimates is singular
#: (more pre-periods than clusters); the Wald test uses its rank {rank} as degrees of freedom.
WARN_PRETREND_SINGULAR = "did.pretrend_singular"
#: ``did.single_unit_groups``: {n_groups} adoption groups consist of a single cluster; the
#: spread of that group's own change cannot be estimated, so its analytic standard errors
#: reflect only the control units' spread and are too small.
WARN_SINGLE_UNIT_GROUPS = "did.single_unit_groups"


def normal_ci(estimate, se, alpha: float, df: int | None = None):
    """Pointwise confidence limits ``estimate -/+ c se``.

    ``c`` is the normal quantile ``z(1 - alpha/2)``, or with ``df`` the t quantile on ``df``
    degrees of freedom (few clusters: ``df = G - 1``).
    """
    z = stats.norm.ppf(1 - alpha / 2) if df is None else stats.t.ppf(1 - alpha / 2, df)
    est = np.asarray(estimate, dtype=float)
    s = np.asarray(se, dtype=float)
    return est - z * s, est + z * s


@dataclass(frozen=True, kw_only=True)
class WaldTestResult(Result):
    """A joint Wald test, here that every pre-treatment ATT(g, t) is zero.

    Attributes
    ----------
    statistic : float
        ``b' V^+ b`` for the tested estimates ``b`` with covariance ``V`` (NaN when no test).
    df : int
        Degrees of freedom: the rank of ``V`` (the number of estimates when ``V`` is regular).
    p_value : float
        Upper tail of the chi-squared distribution with ``df`` degrees of freedom, or with
        ``df_denom`` (few clusters) of the F distribution with ``(df, df_denom)`` degrees of
        freedom at ``statistic / df``.
    n_estimates : int
        Number of estimates tested.
    alpha : float
        Level at which :attr:`rejected` is judged.
    df_denom : int or None
        Denominator degrees of freedom of the F test (``G - 1``), None for the chi-squared.
    """

    columns: ClassVar[tuple[str, ...]] = ("test", "statistic", "df", "df_denom", "p_value",
                                          "n_estimates", "rejected")

    statistic: float
    df: int
    p_value: float
    n_estimates: int
    alpha: float = 0.05
    test: str = "pretrend"
    df_denom: int | None = None

    @property
    def rejected(self) -> bool:
        """Whether the hypothesis is rejected at level :attr:`alpha` (False without a test)."""
        return bool(np.isfinite(self.p_value) and self.p_value < self.alpha)

    def tidy(self) -> pd.DataFrame:
        """One row: test, statistic, df, df_denom, p_value, n_estimates, rejected."""
        return pd.DataFrame([{
            "test": self.test, "statistic": self.statistic, "df": self.df,
            "df_denom": self.df_denom,
            "p_value": self.p_value, "n_estimates": self.n_estimates,
            "rejected": self.rejected,
        }], columns=list(self.columns))

    def to_json(self) -> dict[str, Any]:
        """The row of :meth:`tidy` as a JSON-able dict."""
        return records(self.tidy())[0]


@dataclass(frozen=True, kw_only=True)
class DidResult(Result):
    """Difference-in-differences estimates of one estimator on one outcome.

    Attributes
    ----------
    estimator : {"cs", "twfe"}
        ``"cs"``: Callaway & Sant'Anna (2021); ``"twfe"``: two-way fixed-effects OLS.
    outcome : str
        The outcome column.
    table : pandas.DataFrame
        The estimates, with the columns of :data:`DID_COLUMNS` (see :meth:`tidy`).
    alpha : float
        One minus the confidence level of the intervals.
    n_units, n_treated_units, n_control_units : int
        Units in the estimation; units ever treated; units that serve as controls (never
        treated, or for not-yet-treated controls also units treated later than some cell).
    n_clusters, n_treated_clusters, n_control_clusters : int
        Clusters (units unless a cluster column is given) in all, with a treated unit, with
        a control unit: the number of independent pieces of evidence.
    pretrend : WaldTestResult or None
        Joint Wald test that every pre-treatment ATT(g, t) is zero (CS only).
    options : dict
        The estimator's options (control, base_period, bootstrap, cluster...).
    warnings : tuple of str
        Warning text keys (:data:`WARN_FEW_CLUSTERS`, ...); values in ``warning_values``.
    warning_values : dict
        Values to format the warning texts with (``n_treated``, ``n_control``, ``rank``).
    notes : tuple of str
        What the estimator did to the data (units dropped, cells not estimable), in English.
    model : object
        Raw material: for CS the influence functions, for TWFE the coefficients and
        their covariance (see the estimator's module).
    """

    columns: ClassVar[tuple[str, ...]] = DID_COLUMNS

    estimator: str
    outcome: str
    table: pd.DataFrame = field(repr=False)
    alpha: float = 0.05
    n_units: int = 0
    n_treated_units: int = 0
    n_control_units: int = 0
    n_clusters: int = 0
    n_treated_clusters: int = 0
    n_control_clusters: int = 0
    pretrend: WaldTestResult | None = None
    options: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    warning_values: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def tidy(self) -> pd.DataFrame:
        """Every estimate as one row.

        Returns
        -------
        pandas.DataFrame
            Columns estimator, outcome, aggregation (one of :data:`AGGREGATIONS`), group
            (adoption period; NaN where it does not apply), time (period), event_time
            (periods since adoption: time - group, in periods), estimate, se, ci_low,
            ci_high, band ("pointwise", or "uniform" for simultaneous bootstrap bands, or
            "reference" for a period normalised to zero), post (event_time >= 0), n_treated
            and n_control (units in the comparison of an ATT(g, t); NaN elsewhere).
        """
        return self.table.loc[:, list(DID_COLUMNS)].copy()

    def rows(self, aggregation: Aggregation) -> pd.DataFrame:
        """The rows of one aggregation (see :data:`AGGREGATIONS`), index reset."""
        t = self.tidy()
        return t[t["aggregation"] == aggregation].reset_index(drop=True)

    def attgt_table(self) -> pd.DataFrame:
        """The group-time ATT(g, t) rows."""
        return self.rows("attgt")

    def event_study_table(self) -> pd.DataFrame:
        """The event-study rows (effect by event time), sorted by event time."""
        return self.rows("event_study").sort_values("event_time", ignore_index=True)

    def group_table(self) -> pd.DataFrame:
        """The effect by adoption group."""
        return self.rows("group")

    def overall(self, aggregation: Aggregation = "simple") -> dict[str, float | None]:
        """One overall figure as ``{estimate, se, ci_low, ci_high}`` (None when missing)."""
        rows = self.rows(aggregation)
        keys = ("estimate", "se", "ci_low", "ci_high")
        if len(rows) != 1:
            return dict.fromkeys(keys)
        return {k: json_value(rows.loc[0, k]) for k in keys}

    @property
    def estimate(self) -> float:
        """The overall ATT (``simple`` row): CS's simple aggregate, TWFE's coefficient."""
        value = self.overall("simple")["estimate"]
        return math.nan if value is None else float(value)

    @property
    def inference(self) -> dict[str, Any]:
        """How the intervals were made: ``{method, df, clusters, ssc, bootstrap, weights}``.

        ``method`` is ``"normal"`` (normal critical values, R ``did``'s default) or
        ``"cluster_t"`` (covariance times ``ssc = G / (G - 1)``, t critical values on
        ``df = G - 1`` degrees of freedom); ``bootstrap`` the number of multiplier draws
        (None without) and ``weights`` their distribution.
        """
        df = self.options.get("df")
        return {"method": "normal" if df is None else "cluster_t", "df": df,
                "clusters": self.n_clusters, "ssc": self.options.get("ssc", 1.0),
                "bootstrap": self.options.get("bootstrap"),
                "weights": self.options.get("weights")}

    @property
    def se(self) -> float:
        """Standard error of :attr:`estimate`."""
        value = self.overall("simple")["se"]
        return math.nan if value is None else float(value)

    def to_json(self) -> dict[str, Any]:
        """Key figures: the overall ATT, event study, groups, pre-trend p and cluster counts.

        Returns
        -------
        dict
            ``estimator``, ``outcome``, ``att_simple`` ({estimate, se, ci_low, ci_high}),
            ``event_study`` (list of {event_time, estimate, se, ci_low, ci_high}),
            ``event_study_overall``, ``by_group`` (list of {group, estimate, se, ci_low,
            ci_high}), ``group_overall``, ``pretrend_p``, ``n_units``, ``n_treated_units``,
            ``n_control_units``, ``n_clusters``, ``n_treated_clusters``,
            ``n_control_clusters``, ``inference`` (:attr:`inference`), ``warnings``.
        """
        keep = ["estimate", "se", "ci_low", "ci_high"]
        return {
            "estimator": self.estimator,
            "outcome": self.outcome,
            "att_simple": self.overall("simple"),
            "event_study": records(self.event_study_table()[["event_time", *keep]]),
            "event_study_overall": self.overall("event_study_overall"),
            "by_group": records(self.group_table()[["group", *keep]]),
            "group_overall": self.overall("group_overall"),
            "pretrend_p": json_value(self.pretrend.p_value) if self.pretrend else None,
            "n_units": self.n_units,
            "n_treated_units": self.n_treated_units,
            "n_control_units": self.n_control_units,
            "n_clusters": self.n_clusters,
            "n_treated_clusters": self.n_treated_clusters,
            "n_control_clusters": self.n_control_clusters,
            "inference": self.inference,
            "warnings": list(self.warnings),
        }

    def display_table(self) -> pd.DataFrame:
        """The aggregated rows (no ATT(g, t) cells), for a notebook."""
        t = self.tidy()
        return t[t["aggregation"] != "attgt"].drop(columns=["n_treated", "n_control"])

    def _repr_html_(self) -> str:
        head = (f"<p>{escape(self.estimator)} on {escape(self.outcome)}: "
                f"{self.n_treated_clusters} treated "
                f"and {self.n_control_clusters} control clusters")
        if self.pretrend is not None and np.isfinite(self.pretrend.p_value):
            head += f"; pre-trend p = {self.pretrend.p_value:.3g}"
        return head + "</p>" + html_table(self.display_table())

    def plot(self, ax=None):
        """Event-study plot of this result (:func:`csnb.plots.did.plot_event_study`)."""
        from ...plots.did import plot_event_study

        return plot_event_study(self.tidy(), ax=ax)


def few_cluster_warnings(n_treated: int, n_control: int) -> tuple[tuple[str, ...], dict]:
    """The few-clusters warning key and its values when either count is below the limit."""
    if min(n_treated, n_control) < FEW_CLUSTERS:
        return (WARN_FEW_CLUSTERS,), {"n_treated": n_treated, "n_control": n_control}
    return (), {}
