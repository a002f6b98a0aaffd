"""Discrete-time hazard of exit on the agent-month panel, and who is at risk next month.

Part of the turnover analysis; import from :mod:`csnb.analyses.turnover`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import check_one_of
from ..months import check_month, month_bounds, shift_month
from ._survival import (
    CAUSES,
    MIN_MODEL_EXITS,
    coefficient_table,
    design_matrix,
    exit_type,
    ratio_records,
)
from .base import Result, json_value

#: Discrete-time hazard covariates (columns of :func:`exit_risk_table`).
HAZARD_COVARIATES = ("tenure_band", "last_bottom", "last_fines", "last_conversion_band",
                     "shift", "outsourced", "policy_active")
#: Tenure bands (days at the month's start): lower bounds and labels.
TENURE_BANDS = ((0, "0-29"), (30, "30-89"), (90, "90-364"), (365, "365+"))
Link = Literal["logit", "cloglog"]


def tenure_band(days: pd.Series) -> pd.Series:
    """Band label of a tenure in days (0-29, 30-89, 90-364, 365+)."""
    bounds = [b for b, _ in TENURE_BANDS]
    labels = [label for _, label in TENURE_BANDS]
    idx = np.searchsorted(bounds, days.to_numpy(dtype=float), side="right") - 1
    return pd.Series(np.asarray(labels, dtype=object)[np.clip(idx, 0, None)],
                     index=days.index, dtype=object)


def conversion_band(pct: pd.Series) -> pd.Series:
    """Quarter of a conversion percentile: bottom (< 0.25), middle, top (> 0.75), none (NaN)."""
    values = pd.to_numeric(pct, errors="coerce")
    out = np.where(values.isna(), "none",
                   np.where(values < 0.25, "bottom", np.where(values > 0.75, "top", "middle")))
    return pd.Series(out, index=pct.index, dtype=object)


def exit_risk_table(panel: pd.DataFrame, month: str | None = None) -> pd.DataFrame:
    """Agent-months at risk of exit, with the covariates of the discrete-time hazard.

    Parameters
    ----------
    panel : DataFrame
        :func:`csnb.metrics.agent_month_panel` (or a hand-built frame with its columns
        month, agent_id, name, team, shift, outsourced, hire_date, exit_date, exit_reason,
        exited, fines, bottom, policy_active).
    month : str, optional
        Last month to keep (the report month).

    Returns
    -------
    DataFrame
        One row per agent-month of agents in the agents table: month, agent_id, name, team,
        shift, role, outsourced, hire_date, tenure_start_days (days employed before the
        month's first day, 0 for a hire within it), tenure_band (of tenure_start_days),
        exposure (share of the month from max(hire, first day) to its last day),
        exposure_to_exit (the same up to the exit date when the agent left this month),
        bottom, fines (this month), last_bottom, last_fines (last month's, False/0 in a hire
        month, missing when last month is outside the panel), conversion_pct (the agent's
        conversion rate as a percentile, 0-1, among its team's agents with inquiries that
        month; missing without inquiries), conversion_band (its quarter: "bottom" below
        0.25, "middle", "top" above 0.75, "none" without inquiries, so that agents who take
        no presale inquiries stay in the model), last_conversion_pct and
        last_conversion_band (last month's; missing when last month is outside the panel,
        "none" in a hire month),
        policy_active, exit_any,
        exit_voluntary, exit_involuntary, exit_other (exited this month: at all, by type;
        an exit without a reason has no type).
    """
    df = panel[panel["hire_date"].notna()].copy()
    if month is not None:
        df = df[df["month"] <= check_month(month)]
    # Sort once, first: the last-month columns below mix index-aligned Series with
    # positional arrays (np.where), which agree only while every column shares one row order.
    df = df.sort_values(["agent_id", "month"], kind="stable").reset_index(drop=True)
    bounds = {m: month_bounds(m) for m in df["month"].unique()}
    start = pd.to_datetime(df["month"].map(lambda m: bounds[m][0]))
    end = pd.to_datetime(df["month"].map(lambda m: bounds[m][1]))
    hire = pd.to_datetime(df["hire_date"])
    df["tenure_start_days"] = (start - hire).dt.days.clip(lower=0).astype(int)
    df["tenure_band"] = tenure_band(df["tenure_start_days"])
    days = (end - start).dt.days + 1
    # Grouped time: an agent at risk at the month's start (or hire) is exposed to the month's
    # end, whatever day an exit of the type modelled happens; an exit of another type ends
    # the exposure on its day (see fit_exit_hazard).
    first = hire.where(hire > start, start)
    df["exposure"] = ((end - first).dt.days + 1) / days
    exit_ = pd.to_datetime(df["exit_date"])
    stop = exit_.where(df["exited"].astype(bool) & (exit_ <= end), end)
    df["exposure_to_exit"] = ((stop - first).dt.days + 1).clip(lower=1) / days
    df["fines"] = pd.to_numeric(df["fines"], errors="coerce").fillna(0)
    df["bottom"] = df["bottom"].fillna(False).astype(bool)
    if "conversion_rate" in df and "inquiries" in df:
        rated = df["conversion_rate"].where(pd.to_numeric(df["inquiries"], errors="coerce") > 0)
        df["conversion_pct"] = rated.astype(float).groupby([df["month"], df["team"]]) \
            .rank(pct=True)
    else:
        df["conversion_pct"] = np.nan
    prev = df.groupby("agent_id", sort=False)[["month", "bottom", "fines",
                                                "conversion_pct"]].shift(1)
    expected = df["month"].map(lambda m: shift_month(m, -1))
    known = prev["month"] == expected
    hired_now = (hire >= start).to_numpy()
    # Nullable: last month unknown (before the data) is missing, not "not bottom".
    df["last_bottom"] = pd.array(np.where(known, prev["bottom"].fillna(False).astype(float),
                                          np.where(hired_now, 0.0, np.nan)), dtype="Float64"
                                 ).astype("boolean")
    df["last_fines"] = np.where(known, prev["fines"], np.where(hired_now, 0.0, np.nan))
    df["last_conversion_pct"] = prev["conversion_pct"].where(known).astype(float)
    df["conversion_band"] = conversion_band(df["conversion_pct"])
    last_band = conversion_band(df["last_conversion_pct"])
    # A hire month has no last month ("none"); a month before the data is unknown (missing).
    unknown = pd.Series(np.where(hired_now, "none", pd.NA), index=df.index, dtype=object)
    df["last_conversion_band"] = last_band.where(known, unknown)
    kind = exit_type(df["exit_reason"].where(df["exited"].astype(bool)))
    df["exit_any"] = df["exited"].astype(bool).astype(int)
    for cause in (*CAUSES, "other"):
        df[f"exit_{cause}"] = (kind == cause).astype(int)
    df["policy_active"] = df["policy_active"].fillna(False).astype(bool)
    cols = ["month", "agent_id", "name", "team", "shift", "role", "outsourced", "hire_date",
            "tenure_start_days", "tenure_band", "exposure", "exposure_to_exit", "bottom",
            "fines", "last_bottom", "last_fines", "conversion_pct", "conversion_band",
            "last_conversion_pct", "last_conversion_band",
            "policy_active", "exit_any",
            "exit_voluntary", "exit_involuntary", "exit_other"]
    for col in cols:
        if col not in df:
            df[col] = None
    return df[cols].sort_values(["month", "agent_id"]).reset_index(drop=True)


@dataclass(frozen=True)
class HazardResult(Result):
    """Discrete-time hazard of exit, one logistic (or cloglog) model per exit type.

    Attributes
    ----------
    table : DataFrame
        See :meth:`tidy`.
    fits : DataFrame
        One row per cause: cause, rows (agent-months), agents, exits, fitted (enough exits
        to fit), dropped (terms left out, with the reason).
    reference : dict
        Reference level of each categorical covariate.
    risk : DataFrame
        The :func:`exit_risk_table` the models were fitted on (up to ``month``).
    month : str or None
        The report month.
    link : str
        ``"logit"`` (estimates are odds ratios) or ``"cloglog"`` (hazard ratios).
    covariates : tuple of str
    model : dict
        statsmodels GLM results per cause (None when not fitted).
    """

    columns = ("cause", "term", "variable", "level", "reference", "unit", "coef", "se",
               "estimate", "ci_low", "ci_high", "p_value")

    table: pd.DataFrame = field(repr=False)
    fits: pd.DataFrame = field(repr=False)
    reference: dict[str, str] = field(default_factory=dict)
    risk: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    month: str | None = None
    link: str = "logit"
    covariates: tuple[str, ...] = HAZARD_COVARIATES

    def tidy(self) -> pd.DataFrame:
        """One row per cause and term.

        Columns cause, term, variable, level, reference, unit, coef,
        se (agent-clustered), estimate (odds ratio with the logit link, hazard ratio with
        cloglog), ci_low, ci_high (95%), p_value.
        """
        return self.table.copy()

    def to_json(self) -> dict[str, Any]:
        """Key figures of the hazard models.

        ``hazard``: ``{voluntary: [...], involuntary: [...]}`` lists of {term,
        odds_ratio (hazard_ratio with cloglog), ci_low, ci_high, p_value};
        ``hazard_reference``, ``hazard_fits``, ``hazard_link``.
        """
        key = "odds_ratio" if self.link == "logit" else "hazard_ratio"
        return {
            "hazard": {c: ratio_records(self.table[self.table["cause"] == c], key)
                       for c in (*CAUSES, "any") if c in set(self.fits.get("cause", []))},
            "hazard_reference": dict(self.reference),
            "hazard_fits": [{"cause": r.cause, "rows": int(r.rows), "agents": int(r.agents),
                             "exits": int(r.exits), "fitted": bool(r.fitted),
                             "dropped": dict(r.dropped)} for r in self.fits.itertuples()],
            "hazard_link": self.link,
        }

    def plot(self, ax=None, *, cause: str = "voluntary", **kwargs):
        """Coefficient plot of one cause's ratios (see :func:`plot_coefficients`)."""
        from ..plots.coefficients import plot_coefficients

        label = "Odds ratio" if self.link == "logit" else "Hazard ratio"
        kwargs.setdefault("xlabel", label)
        return plot_coefficients(self.table[self.table["cause"] == cause], ax=ax, **kwargs)


def fit_exit_hazard(panel: pd.DataFrame, month: str | None = None, *,
                    covariates: Sequence[str] = HAZARD_COVARIATES,
                    reference: Mapping[str, str] | None = None,
                    link: Link = "logit") -> HazardResult:
    """Fit the discrete-time hazard of exit, separately for voluntary and involuntary exits.

    Each agent-month at risk is a row (:func:`exit_risk_table`); the outcome is an exit of
    the type that month, and an exit of another type ends the agent's exposure on its day
    without counting (cause-specific hazards, so dismissals do not masquerade as quits).
    When no exit has a reason, one model of any exit (cause ``"any"``) is fitted instead.
    The GLM has an offset log(exposure) for partial months: exact for the cloglog link (a
    grouped proportional-hazards model, whose exp(coef) are hazard ratios), and a close
    approximation for the logit link while monthly exit probabilities are small.

    Parameters
    ----------
    panel : DataFrame
        :func:`csnb.metrics.agent_month_panel`.
    month : str, optional
        Report month: rows after it are not used.
    covariates : sequence of str
        Columns of :func:`exit_risk_table`; defaults tenure_band, last_bottom, last_fines,
        shift, outsourced, policy_active. Rows with a covariate missing (last month outside
        the data) are left out.
    reference : mapping, optional
        Reference level per categorical column (default: the most frequent level).
    link : {"logit", "cloglog"}

    Returns
    -------
    HazardResult
        Standard errors clustered by agent (statsmodels ``cov_type="cluster"`` with its
        default small-sample correction G/(G-1) x (N-1)/(N-K)).
    """
    import statsmodels.api as sm

    check_one_of("link", link, ("logit", "cloglog"))
    risk = exit_risk_table(panel, month)
    family_link = sm.families.links.Logit() if link == "logit" else sm.families.links.CLogLog()
    tables: list[pd.DataFrame] = []
    fits: list[dict[str, Any]] = []
    models: dict[str, Any] = {}
    refs: dict[str, str] = {}
    typed = bool(risk[[f"exit_{c}" for c in (*CAUSES, "other")]].to_numpy().any())
    causes = CAUSES if typed or not risk["exit_any"].any() else ("any",)
    for cause in causes:
        y = risk[f"exit_{cause}"]
        design = design_matrix(risk, covariates, reference=reference, event=y,
                               binary_outcome=True)
        refs.update(design.reference)
        rows = risk.loc[design.rows]
        exits = int(y.loc[design.rows].sum())
        fitted = exits >= MIN_MODEL_EXITS and bool(design.terms)
        fits.append({"cause": cause, "rows": len(rows), "agents": rows["agent_id"].nunique(),
                     "exits": exits, "fitted": fitted, "dropped": design.dropped})
        models[cause] = None
        if not fitted:
            continue
        X = sm.add_constant(design.X, has_constant="add")
        groups = pd.factorize(rows["agent_id"])[0]
        glm = sm.GLM(y.loc[design.rows].to_numpy(dtype=float), X,
                     family=sm.families.Binomial(link=family_link),
                     offset=np.log(_exposure(rows, cause)))
        res = glm.fit(cov_type="cluster", cov_kwds={"groups": groups})
        models[cause] = res
        part = coefficient_table(res.params, res.bse, res.pvalues, design)
        part.insert(0, "cause", cause)
        tables.append(part)
    table = (pd.concat(tables, ignore_index=True) if tables
             else pd.DataFrame(columns=list(HazardResult.columns)))
    return HazardResult(table=table[list(HazardResult.columns)], fits=pd.DataFrame(fits),
                        reference=refs, risk=risk, month=month, link=link,
                        covariates=tuple(covariates), model=models)


def _exposure(rows: pd.DataFrame, cause: str) -> np.ndarray:
    """Exposure of each row for ``cause``: to month end, or to the day of a competing exit."""
    competing = (rows["exit_any"] == 1) & (rows[f"exit_{cause}"] == 0)
    return np.where(competing, rows["exposure_to_exit"], rows["exposure"]).astype(float)


# -- at risk next month ------------------------------------------------------------------------


@dataclass(frozen=True)
class AtRiskResult(Result):
    """Agents most likely to leave voluntarily next month.

    Attributes
    ----------
    table : DataFrame
        See :meth:`tidy`.
    month : str or None
        The report month (the prediction is for the month after it).
    """

    columns = ("agent_id", "name", "team", "shift", "tenure_days", "probability", "drivers")

    table: pd.DataFrame = field(repr=False)
    month: str | None = None

    def tidy(self) -> pd.DataFrame:
        """The agents, highest probability first.

        Columns agent_id, name, team, shift, tenure_days (at the next month's start),
        probability (of a voluntary exit next month), drivers (terms whose effect is beyond
        chance and that raise the agent's hazard above the reference agent's, largest
        first: a list of ``column=level`` or ``column``; empty when none does), highest
        probability first.
        """
        return self.table.copy()

    def to_json(self) -> dict[str, Any]:
        """``at_risk``: list of {agent_id, probability, drivers}."""
        return {"at_risk": [{"agent_id": r.agent_id, "probability": json_value(r.probability),
                             "drivers": list(r.drivers)} for r in self.table.itertuples()]}

    def plot(self, ax=None, **kwargs):
        """Horizontal bars of the probabilities, by agent name."""
        from ..plots import plot_bars

        shown = self.table.assign(agent=self.table["name"].fillna(self.table["agent_id"]))
        return plot_bars(shown, "agent", "probability", ax=ax, **kwargs)


def at_risk_agents(hazard: HazardResult, n: int = 10, *,
                   cause: Literal["voluntary", "involuntary", "any"] = "voluntary",
                   alpha: float = 0.05) -> AtRiskResult:
    """Rank the agents employed at the report month's end by next month's exit probability.

    Next month's covariates: tenure band at its first day, this month's bottom flag and
    fines as "last month", shift and outsourced as they are, and this month's policy status
    (a policy in force is assumed to stay). The probability is for a whole month employed.

    Parameters
    ----------
    hazard : HazardResult
        From :func:`fit_exit_hazard`.
    n : int, default 10
        Agents to return (all when fewer are employed).
    cause : {"voluntary", "involuntary", "any"}
        Exit type; the voluntary default falls back to "any" when exits had no reasons.
    alpha : float, default 0.05
        A term is named among an agent's drivers only when its p-value is below ``alpha``:
        every fitted term enters the probability, but a supervisor should not be told that
        an attribute whose effect chance alone explains is why an agent may leave.

    Returns
    -------
    AtRiskResult
        Empty when the model could not be fitted.
    """
    check_one_of("cause", cause, (*CAUSES, "any"))
    if cause == "voluntary" and "voluntary" not in (hazard.model or {}):
        cause = "any"
    cols = list(AtRiskResult.columns)
    model = (hazard.model or {}).get(cause)
    risk = hazard.risk
    if model is None or risk.empty:
        return AtRiskResult(table=pd.DataFrame(columns=cols), month=hazard.month)
    month = hazard.month or str(risk["month"].max())
    now = risk[(risk["month"] == month) & (risk["exit_any"] == 0)].copy()
    next_start = pd.Timestamp(month_bounds(shift_month(month, 1))[0])
    now["tenure_start_days"] = (next_start - pd.to_datetime(now["hire_date"])).dt.days
    now["tenure_band"] = tenure_band(now["tenure_start_days"])
    now["last_bottom"] = now["bottom"].astype(bool)
    now["last_fines"] = now["fines"]
    now["last_conversion_band"] = now["conversion_band"]
    coefs = hazard.table[hazard.table["cause"] == cause].set_index("term")
    X = _predict_matrix(now, coefs)
    contrib = X * coefs["coef"].to_numpy()
    eta = contrib.sum(axis=1) + float(model.params["const"])
    if hazard.link == "logit":
        prob = 1 / (1 + np.exp(-eta))
    else:
        prob = 1 - np.exp(-np.exp(eta))
    clear = (coefs["p_value"] < alpha).to_numpy()
    drivers = [list(row[(row > 0).to_numpy() & clear].sort_values(ascending=False).index)
               for _, row in contrib.iterrows()]
    out = pd.DataFrame({"agent_id": now["agent_id"].to_numpy(), "name": now["name"].to_numpy(),
                        "team": now["team"].to_numpy(), "shift": now["shift"].to_numpy(),
                        "tenure_days": now["tenure_start_days"].to_numpy(),
                        "probability": prob.to_numpy(), "drivers": drivers})
    out = out.sort_values(["probability", "agent_id"], ascending=[False, True], kind="stable")
    return AtRiskResult(table=out.head(n).reset_index(drop=True)[cols], month=month)


def _predict_matrix(frame: pd.DataFrame, coefs: pd.DataFrame) -> pd.DataFrame:
    """Model columns of ``frame`` for the fitted terms (missing values count as reference)."""
    columns = {}
    for term, row in coefs.iterrows():
        values = frame[row["variable"]]
        if row["level"] is not None and not pd.isna(row["level"]):
            columns[term] = (values.astype(str) == row["level"]).astype(float)
        else:
            columns[term] = pd.to_numeric(values, errors="coerce").fillna(0).astype(float) \
                / float(row["unit"])
    return pd.DataFrame(columns, index=frame.index)
