"""The bottom-ranked-out policy's effects on the team-month panel (issue 10, item 3 and 4).

:func:`policy_panel` turns csnb's team-month panel into the input of the generic estimators
(unit = team, time = month index, group = first month under the policy); :func:`fit_policy_effects`
runs Callaway & Sant'Anna and the naive TWFE on each outcome and says how many teams the
inference rests on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ...errors import ParameterError
from ...io.dataset import Dataset
from ...metrics import UNKNOWN_TEAM, team_panel
from ...months import check_month
from ..base import Result, html_table
from .base import DID_COLUMNS, DidResult, few_cluster_warnings
from .cs import BasePeriod, Control, Weights, fit_cs_did
from .twfe import fit_twfe

__all__ = ["POLICY_OUTCOMES", "PolicyEffectsResult", "fit_policy_effects", "policy_panel"]

#: The outcomes of the incentives report, named as in the metric book.
POLICY_OUTCOMES: tuple[str, ...] = (
    "conversion_rate", "fast_response_rate", "complaints_per_1k_orders",
    "turnover_rate_voluntary", "turnover_rate_involuntary",
)

#: Bootstrap draws used by ``bootstrap="auto"`` when there are few clusters.
AUTO_BOOTSTRAP = 999

#: Multiplier distribution of that bootstrap: Webb's six points, since with 8 teams
#: Rademacher weights have only 2^8 = 256 distinct draws.
AUTO_WEIGHTS: Weights = "webb"

#: Note key: a team's policy ended; its adoption is treated as lasting (intention to treat).
NOTE_POLICY_ENDED = "did.policy_ended"
#: Note key: teams already under the policy in the first month have no before period.
NOTE_ALWAYS_TREATED = "did.always_treated"


def _month_index(month: str) -> int:
    year, mon = check_month(month).split("-")
    return int(year) * 12 + int(mon) - 1


def policy_panel(ds: Dataset, *, month: str | None = None,
                 exclude_provisional: bool = True) -> pd.DataFrame:
    """The team-month panel as a staggered-adoption panel.

    Parameters
    ----------
    ds : Dataset
    month : str, optional
        Last month to include (``YYYY-MM``, the report month); default all months.
    exclude_provisional : bool, default True
        Leave out months whose conversion is not final yet (within the data lag): their
        rates are understated in every team, but not necessarily equally.

    Returns
    -------
    pandas.DataFrame
        One row per team and month (the unknown team left out): team, month, period
        (month index, consecutive integers), policy_active, first_month (first month
        with the policy active, None for never), first_period (its period, 0 for
        never), treated (period >= first_period > 0: adoption is taken as lasting), and
        the outcome columns of the team panel; complaints_per_1k_orders is computed as
        complaints / paid_orders x 1,000 where the panel lacks it.
    """
    panel = team_panel(ds)
    panel = panel[panel["team"] != UNKNOWN_TEAM].copy()
    if month is not None:
        panel = panel[panel["month"] <= check_month(month)]
    if exclude_provisional and "provisional" in panel:
        panel = panel[~panel["provisional"].astype(bool)]
    panel["period"] = panel["month"].map(_month_index).astype(int)
    rate = panel["complaints"] / panel["paid_orders"].where(panel["paid_orders"] > 0) * 1000
    panel["complaints_per_1k_orders"] = panel["complaints_per_1k_orders"].fillna(rate)
    active = panel[panel["policy_active"].astype(bool)]
    first = active.groupby("team")["month"].min()
    panel["first_month"] = panel["team"].map(first)
    panel["first_period"] = panel["first_month"].map(
        lambda m: _month_index(m) if isinstance(m, str) else 0).astype(int)
    panel["treated"] = (panel["first_period"] > 0) & (panel["period"] >= panel["first_period"])
    panel["first_month"] = panel["first_month"].astype(object).where(
        panel["first_month"].notna(), None)
    return panel.sort_values(["team", "period"], ignore_index=True)


@dataclass(frozen=True, kw_only=True)
class PolicyEffectsResult(Result):
    """Callaway & Sant'Anna and naive TWFE estimates of the policy on each outcome.

    Attributes
    ----------
    outcomes : tuple of str
        The outcomes estimated.
    cs, twfe : dict of str to DidResult
        Per outcome: the CS estimate (analytic SEs) and the TWFE estimate (with its event
        study).
    cs_bootstrap : dict of str to DidResult
        Per outcome: CS with multiplier-bootstrap SEs and uniform bands (empty when not run).
    adoption : pandas.DataFrame
        Per team: team, first_month (None for never), first_period, role ("treated",
        "control", or "always_treated" when adopted before the data begin).
    n_treated_teams, n_control_teams, n_clusters : int
        Teams adopting within the data, teams never adopting, teams (the clusters).
    warnings : tuple of str
        Text keys: ``did.few_clusters`` (values ``n_treated``, ``n_control`` in
        ``warning_values``) and the estimators' own.
    notes : tuple of str
        Note keys: ``did.policy_ended``, ``did.always_treated``.
    skipped : dict of str to str
        Outcomes that could not be estimated, with the reason.
    """

    columns: ClassVar[tuple[str, ...]] = (*DID_COLUMNS, "inference")

    outcomes: tuple[str, ...]
    cs: dict[str, DidResult] = field(default_factory=dict, repr=False)
    twfe: dict[str, DidResult] = field(default_factory=dict, repr=False)
    cs_bootstrap: dict[str, DidResult] = field(default_factory=dict, repr=False)
    adoption: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    months: tuple[str, ...] = ()
    n_treated_teams: int = 0
    n_control_teams: int = 0
    n_clusters: int = 0
    warnings: tuple[str, ...] = ()
    warning_values: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    skipped: dict[str, str] = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """All estimates: the columns of :meth:`DidResult.tidy` plus ``inference``.

        Returns
        -------
        pandas.DataFrame
            :data:`~csnb.analyses.did.base.DID_COLUMNS` (group and time are month indices,
            event_time in months) and inference ("analytic" or "bootstrap").
        """
        parts = []
        for kind, results in (("analytic", self.cs), ("analytic", self.twfe),
                              ("bootstrap", self.cs_bootstrap)):
            for res in results.values():
                parts.append(res.tidy().assign(inference=kind))
        if not parts:
            return pd.DataFrame(columns=list(self.columns))
        return pd.concat(parts, ignore_index=True)[list(self.columns)]

    def event_study_table(self, outcome: str) -> pd.DataFrame:
        """CS and TWFE event-study rows of one outcome (for :func:`plot_event_study`)."""
        t = self.tidy()
        return t[(t["outcome"] == outcome) & (t["aggregation"] == "event_study")
                 & (t["inference"] == "analytic")].reset_index(drop=True)

    def _month(self, period) -> str | None:
        if period is None or pd.isna(period):
            return None
        n = int(period)
        return f"{n // 12:04d}-{n % 12 + 1:02d}"

    def to_json(self) -> dict[str, Any]:
        """The ``did`` figures of ``incentives.json`` (issue 10) and the team counts.

        Returns
        -------
        dict
            ``did``: per outcome ``{att_simple, event_study, by_group (group as YYYY-MM),
            twfe, pretrend_p, att_simple_bootstrap, n_treated_teams, n_control_teams,
            inference}`` (each estimate ``{estimate, se, ci_low, ci_high}``; ``inference``
            :attr:`DidResult.inference` of the CS estimate); ``n_treated_teams``,
            ``n_control_teams``, ``n_clusters``, ``warnings``, ``skipped``.
        """
        did: dict[str, Any] = {}
        for outcome, cs in self.cs.items():
            js = cs.to_json()
            for row in js["by_group"]:
                row["group"] = self._month(row["group"])
            twfe = self.twfe.get(outcome)
            boot = self.cs_bootstrap.get(outcome)
            did[outcome] = {
                "att_simple": js["att_simple"],
                "event_study": js["event_study"],
                "by_group": js["by_group"],
                "twfe": twfe.overall("simple") if twfe else None,
                "pretrend_p": js["pretrend_p"],
                "att_simple_bootstrap": boot.overall("simple") if boot else None,
                "n_treated_teams": cs.n_treated_clusters,
                "n_control_teams": cs.n_control_clusters,
                "inference": cs.inference,
            }
        return {
            "did": did,
            "n_treated_teams": self.n_treated_teams,
            "n_control_teams": self.n_control_teams,
            "n_clusters": self.n_clusters,
            "warnings": list(self.warnings),
            "skipped": dict(self.skipped),
        }

    def display_table(self) -> pd.DataFrame:
        """One row per outcome: CS simple ATT with CI, TWFE, pre-trend p."""
        rows = []
        for outcome, cs in self.cs.items():
            o = cs.overall("simple")
            tw = self.twfe[outcome].overall("simple") if outcome in self.twfe else {}
            rows.append({"outcome": outcome, "cs_estimate": o["estimate"],
                         "cs_ci_low": o["ci_low"], "cs_ci_high": o["ci_high"],
                         "twfe_estimate": tw.get("estimate"),
                         "pretrend_p": cs.pretrend.p_value if cs.pretrend else None})
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        return (f"<p>{self.n_treated_teams} treated and {self.n_control_teams} control "
                f"teams</p>" + html_table(self.display_table()))

    def plot(self, ax=None, *, outcome: str | None = None):
        """Event study of one outcome (default the first), CS and TWFE overlaid."""
        from ...plots.did import plot_event_study

        return plot_event_study(self.event_study_table(outcome or self.outcomes[0]), ax=ax)


def fit_policy_effects(
    ds: Dataset,
    outcomes: tuple[str, ...] | list[str] = POLICY_OUTCOMES,
    *,
    month: str | None = None,
    control: Control = "never",
    base_period: BasePeriod = "varying",
    alpha: float = 0.05,
    bootstrap: int | None | Literal["auto"] = "auto",
    seed: int = 0,
    exclude_provisional: bool = True,
    small_sample: bool = True,
) -> PolicyEffectsResult:
    """Staggered DiD of the bottom-ranked-out policy on team-month outcomes.

    Parameters
    ----------
    ds : Dataset
    outcomes : sequence of str
        Columns of :func:`policy_panel` (default :data:`POLICY_OUTCOMES`).
    month : str, optional
        Last month to use (the report month).
    control, base_period, alpha
        As :func:`~csnb.analyses.did.cs.fit_cs_did`.
    bootstrap : int, None or "auto"
        Multiplier-bootstrap draws for a second CS estimate beside the analytic one;
        ``"auto"``: 999 draws when there are fewer than 5 treated or control teams (the
        issue's rule for few clusters), none otherwise.
    seed : int
        Seed of the bootstrap.
    exclude_provisional : bool
        As :func:`policy_panel`.
    small_sample : bool, default True
        Few-cluster inference for CS (:func:`~csnb.analyses.did.cs.fit_cs_did`): covariance
        times ``G / (G - 1)`` and t critical values on ``G - 1`` degrees of freedom, as the
        TWFE estimate has. A team-month panel always has few clusters (teams), and with
        8 teams the uncorrected normal interval covers csnb simulate's planted effect in
        17 of 20 worlds (18 with the correction); the correction vanishes as the number of
        teams grows.

    Returns
    -------
    PolicyEffectsResult

    Raises
    ------
    ParameterError
        An outcome is not a panel column, or no team adopts the policy within the data (or
        none never adopts it, with never-treated controls).
    """
    panel = policy_panel(ds, month=month, exclude_provisional=exclude_provisional)
    unknown = [o for o in outcomes if o not in panel.columns]
    if unknown:
        raise ParameterError(f"fit_policy_effects: unknown outcome {', '.join(map(repr, unknown))}"
                             f"; choose among {', '.join(POLICY_OUTCOMES)}")
    teams = panel.groupby("team").agg(first_month=("first_month", "first"),
                                      first_period=("first_period", "first"))
    start = panel["period"].min() if len(panel) else 0
    teams["role"] = np.where(teams["first_period"] == 0, "control",
                             np.where(teams["first_period"] <= start, "always_treated",
                                      "treated"))
    adoption = teams.reset_index()
    n_treated = int((adoption["role"] == "treated").sum())
    n_control = int((adoption["role"] == "control").sum())
    if n_treated == 0:
        raise ParameterError(
            "fit_policy_effects: no team adopts the bottom-ranked-out policy within the data "
            f"({len(adoption)} teams; policies table: start_month after the first data month "
            "is needed for a before and after)")
    if n_control == 0 and control == "never":
        raise ParameterError(
            "fit_policy_effects: every team adopts the policy, so there is no never-treated "
            "team to compare with; use control='notyet'")
    notes = []
    ended = panel[(panel["first_period"] > 0) & panel["treated"]
                  & ~panel["policy_active"].astype(bool)]
    if len(ended):
        notes.append(NOTE_POLICY_ENDED)
    if (adoption["role"] == "always_treated").any():
        notes.append(NOTE_ALWAYS_TREATED)
    warns, values = few_cluster_warnings(n_treated, n_control)
    draws = (AUTO_BOOTSTRAP if warns else None) if bootstrap == "auto" else bootstrap
    cs, twfe, boot, skipped = {}, {}, {}, {}
    for outcome in outcomes:
        try:
            cs[outcome] = fit_cs_did(panel, outcome, "team", "period", "first_period",
                                     control=control, base_period=base_period, alpha=alpha,
                                     small_sample=small_sample)
            twfe[outcome] = fit_twfe(panel, outcome, "team", "period", "treated",
                                     group="first_period", event_study=True, alpha=alpha)
            if draws:
                boot[outcome] = fit_cs_did(panel, outcome, "team", "period", "first_period",
                                           control=control, base_period=base_period,
                                           alpha=alpha, bootstrap=int(draws), seed=seed,
                                           weights=AUTO_WEIGHTS, small_sample=small_sample)
        except ParameterError as exc:
            # One outcome without data (e.g. no complaints table) must not hide the others.
            skipped[outcome] = str(exc)
            for d in (cs, twfe, boot):
                d.pop(outcome, None)
    if not cs:
        raise ParameterError("fit_policy_effects: no outcome could be estimated: "
                             + "; ".join(skipped.values()))
    extra = tuple(dict.fromkeys(w for r in cs.values() for w in r.warnings if w not in warns))
    return PolicyEffectsResult(
        outcomes=tuple(cs), cs=cs, twfe=twfe, cs_bootstrap=boot, adoption=adoption,
        months=tuple(sorted(panel["month"].unique())), n_treated_teams=n_treated,
        n_control_teams=n_control, n_clusters=len(adoption), warnings=warns + extra,
        warning_values=values, notes=tuple(notes), skipped=skipped,
    )

