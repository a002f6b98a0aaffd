"""Survival helpers of the turnover analysis: Kaplan-Meier steps, design matrices, PH test.

Private: :mod:`csnb.analyses.turnover` is the public face. statsmodels does the fitting
(``SurvfuncRight``, ``PHReg``, ``GLM``); this module holds what statsmodels lacks:

- :func:`cox_zph`, the proportional-hazards test from scaled Schoenfeld residuals
  (Grambsch & Therneau 1994), as R survival's ``cox.zph`` before version 3.0 and lifelines'
  ``proportional_hazard_test``. statsmodels has Schoenfeld residuals but no test, and its
  residuals do not average the Efron means over tied exits the way R's do;
- :func:`design_matrix`, which turns agent attributes into model columns named
  ``column=level`` against a reference level and drops what cannot be estimated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..io.schema import INVOLUNTARY_REASONS
from .base import json_value

#: Numeric covariates shown per a larger unit (a hazard ratio per yuan would print as 1.000).
UNITS: dict[str, float] = {"base_salary": 1000.0}

#: Time transforms of :func:`cox_zph` (R ``cox.zph(transform=...)``).
ZPH_TRANSFORMS = ("km", "identity", "rank", "log")
#: Exit types modelled separately (cause-specific hazards).
CAUSES = ("voluntary", "involuntary")
#: A model needs at least this many exits to be fitted at all.
MIN_MODEL_EXITS = 5

Z95 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class Term:
    """One model column: ``variable`` (a data column) and, for a category, its ``level``."""

    name: str
    variable: str
    level: str | None
    reference: str | None
    unit: float = 1.0


@dataclass(frozen=True)
class Design:
    """Model columns built from a frame (see :func:`design_matrix`)."""

    X: pd.DataFrame
    terms: list[Term]
    #: Covariates or levels left out, with the reason (``term -> reason``).
    dropped: dict[str, str]
    #: Reference level of each categorical variable.
    reference: dict[str, str]
    #: Rows of the input frame that were used (index labels).
    rows: pd.Index


def is_categorical(series: pd.Series) -> bool:
    """A column modelled by levels (strings, categories) rather than as a number."""
    return not (pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series))


def design_matrix(frame: pd.DataFrame, covariates: Sequence[str], *,
                  reference: Mapping[str, str] | None = None,
                  event: pd.Series | None = None, binary_outcome: bool = False) -> Design:
    """Build model columns from ``covariates`` of ``frame``.

    Categorical columns become one 0/1 column per level except the reference (the given
    one, else the most frequent level), named ``column=level``; booleans become 0/1 and
    numbers stay numbers, both named after the column (numbers in :data:`UNITS` are scaled).
    Rows with a missing covariate are left out. Columns absent from ``frame``, constant, or
    linearly dependent on earlier ones are dropped and listed in ``dropped``. With ``event``,
    a 0/1 column whose rows have no event (with ``binary_outcome``, also only events: a
    logistic model's separation) is dropped with those rows: the maximum-likelihood estimate
    is then at infinity, and the other coefficients' limit is the fit without those rows.
    """
    reference = dict(reference or {})
    dropped: dict[str, str] = {}
    present = []
    for col in covariates:
        if col not in frame or frame[col].isna().all():
            dropped[col] = "not in the data"
        else:
            present.append(col)
    keep = frame[present].notna().all(axis=1) if present else pd.Series(True, frame.index)
    data = frame.loc[keep]
    columns: dict[str, np.ndarray] = {}
    terms: list[Term] = []
    refs: dict[str, str] = {}
    for col in present:
        values = data[col]
        if is_categorical(values):
            text = values.astype(str)
            counts = text.value_counts()
            ref = reference.get(col)
            if ref is None or ref not in counts.index:
                # Most frequent level; ties broken by name so the choice is reproducible.
                ref = sorted(counts.index, key=lambda v: (-counts[v], v))[0]
            refs[col] = ref
            for level in sorted(counts.index):
                if level != ref:
                    name = f"{col}={level}"
                    columns[name] = (text == level).to_numpy(dtype=float)
                    terms.append(Term(name, col, level, ref))
        else:
            unit = UNITS.get(col, 1.0)
            columns[col] = values.to_numpy(dtype=float) / unit
            terms.append(Term(col, col, None, None, unit))
    X = pd.DataFrame(columns, index=data.index)
    rows = data.index
    if event is not None and len(terms):
        ev = event.loc[rows].to_numpy(dtype=float)
        for term in list(terms):
            x = X[term.name].to_numpy()
            if set(np.unique(x)) <= {0.0, 1.0} and (x == 1).any():
                hits = ev[x == 1]
                if hits.sum() == 0 or (binary_outcome and hits.sum() == len(hits)):
                    what = "no exits" if hits.sum() == 0 else "only exits"
                    dropped[term.name] = f"{what} in this group: not estimable"
                    keep_rows = x == 0
                    X, ev = X.loc[keep_rows], ev[keep_rows]
                    terms.remove(term)
                    X = X.drop(columns=term.name)
        rows = X.index
    # Constant or collinear columns (role is a function of team, say) cannot be estimated.
    kept: list[Term] = []
    basis = np.ones((len(X), 1))
    for term in terms:
        x = X[term.name].to_numpy()
        candidate = np.column_stack([basis, x])
        if len(x) == 0 or np.ptp(x) == 0:
            dropped[term.name] = "the same for every agent"
        elif np.linalg.matrix_rank(candidate) <= basis.shape[1]:
            dropped[term.name] = "determined by the other covariates"
        else:
            basis = candidate
            kept.append(term)
    X = X[[t.name for t in kept]]
    return Design(X=X, terms=kept, dropped=dropped, reference=refs, rows=rows)


def exit_type(reason: pd.Series) -> pd.Series:
    """Voluntary / involuntary (dismissed + bottom_ranked_out) / other; None when no exit."""
    out = pd.Series(np.where(reason == "voluntary", "voluntary",
                             np.where(reason.isin(INVOLUNTARY_REASONS), "involuntary",
                                      "other")), index=reason.index, dtype=object)
    return out.where(reason.notna(), None)



def coefficient_table(params, bse, pvalues, design: Design) -> pd.DataFrame:
    """Tidy coefficients of the fitted terms of ``design``.

    Columns term, variable, level, reference, unit, coef, se, estimate (exp(coef): a hazard
    or odds ratio), ci_low, ci_high (95% Wald), p_value.
    """
    rows = []
    for term in design.terms:
        coef, se = float(params[term.name]), float(bse[term.name])
        rows.append({"term": term.name, "variable": term.variable, "level": term.level,
                     "reference": term.reference, "unit": term.unit, "coef": coef, "se": se,
                     "estimate": np.exp(coef), "ci_low": np.exp(coef - Z95 * se),
                     "ci_high": np.exp(coef + Z95 * se), "p_value": float(pvalues[term.name])})
    cols = ["term", "variable", "level", "reference", "unit", "coef", "se", "estimate",
            "ci_low", "ci_high", "p_value"]
    return pd.DataFrame(rows, columns=cols)


def ratio_records(table: pd.DataFrame, key: str) -> list[dict[str, Any]]:
    return [{"term": r.term, key: json_value(r.estimate), "ci_low": json_value(r.ci_low),
             "ci_high": json_value(r.ci_high), "p_value": json_value(r.p_value)}
            for r in table.itertuples()]



# -- Kaplan-Meier --------------------------------------------------------------------------


def log_band(surv: np.ndarray, se: np.ndarray, alpha: float = 0.05
             ) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise band of S on the log scale, as R ``survfit(conf.type="log")``.

    ``se`` is the Greenwood standard error of S, so se(log S) = se / S; the upper limit is
    capped at 1 as R does.
    """
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        width = z * np.where(surv > 0, se / surv, np.nan)
        low = surv * np.exp(-width)
        high = np.minimum(surv * np.exp(width), 1.0)
    return low, high


def step_value(times: np.ndarray, values: np.ndarray, at: float, start: float) -> float:
    """Value of a right-continuous step function at ``at`` (``start`` before the first)."""
    i = np.searchsorted(times, at, side="right") - 1
    return float(values[i]) if i >= 0 else start


# -- proportional-hazards test -------------------------------------------------------------


def schoenfeld_residuals(time: np.ndarray, event: np.ndarray, X: np.ndarray,
                         beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Schoenfeld residuals of a Cox fit with Efron ties, one row per event.

    For ``d`` exits tied at a time, the risk-set mean is averaged over Efron's ``d`` steps
    (R ``residuals(fit, "schoenfeld")``, C routine coxscho). Returns (event times, residuals).
    """
    order = np.lexsort((-event, time))
    time, event, X = time[order], event[order].astype(bool), X[order]
    w = np.exp(X @ beta)
    out_t, out_r = [], []
    for t in np.unique(time[event]):
        risk = time >= t
        dead = (time == t) & event
        d = int(dead.sum())
        s0, s1 = w[risk].sum(), w[risk] @ X[risk]
        s0d, s1d = w[dead].sum(), w[dead] @ X[dead]
        mean = sum((s1 - k / d * s1d) / (s0 - k / d * s0d) for k in range(d)) / d
        out_t.extend([t] * d)
        out_r.append(X[dead] - mean)
    p = X.shape[1]
    resid = np.vstack(out_r) if out_r else np.empty((0, p))
    return np.asarray(out_t, dtype=float), resid


def _time_transform(times: np.ndarray, time: np.ndarray, event: np.ndarray,
                    transform: str) -> np.ndarray:
    if transform == "identity":
        return times
    if transform == "log":
        return np.log(times)
    if transform == "rank":
        return stats.rankdata(times)
    # km: 1 - S(t-), the left-continuous Kaplan-Meier of all the data (R cox.zph).
    uniq = np.unique(time[event > 0])
    at_risk = np.array([(time >= u).sum() for u in uniq])
    deaths = np.array([((time == u) & (event > 0)).sum() for u in uniq])
    surv = np.cumprod(1 - deaths / at_risk)
    before = np.concatenate([[1.0], surv[:-1]])
    return 1 - before[np.searchsorted(uniq, times)]


def cox_zph(time: np.ndarray, event: np.ndarray, X: np.ndarray, beta: np.ndarray,
            cov: np.ndarray, transform: str = "km") -> tuple[pd.DataFrame, np.ndarray,
                                                              np.ndarray]:
    """Grambsch-Therneau test of proportional hazards from scaled Schoenfeld residuals.

    The scaled residuals ``r* = d r V + beta`` (``d`` exits, ``V`` the model variance) have
    mean beta(t); the test for each covariate is the slope of r* against g(t), as R
    ``cox.zph`` in survival < 3.0 and lifelines ``proportional_hazard_test``:
    ``chisq_k = (sum (g - mean g) (r V d)_k)^2 / (V_kk d sum (g - mean g)^2)`` on 1 df, and a
    global test on p df. R survival >= 3.0 computes an exact score test instead, which
    differs slightly.

    Returns
    -------
    (table, g, scaled)
        table: one row per covariate, then ``GLOBAL``: term, rho (correlation of g(t) and
        the scaled residual), chisq, df, p_value. g: transformed event times. scaled: the
        scaled Schoenfeld residuals (events x covariates).
    """
    times, resid = schoenfeld_residuals(time, event, X, beta)
    nd, p = resid.shape
    g = _time_transform(times, time, event, transform)
    xx = g - g.mean()
    r2 = resid @ cov * nd
    sxx = float(xx @ xx)
    rows = []
    for k in range(p):
        test = float(xx @ r2[:, k])
        chisq = test ** 2 / (cov[k, k] * nd * sxx) if sxx > 0 else np.nan
        rho = np.corrcoef(xx, r2[:, k])[0, 1] if sxx > 0 and np.ptp(r2[:, k]) > 0 else np.nan
        rows.append((k, rho, chisq, 1))
    test_vec = xx @ resid
    chisq_g = float(test_vec @ cov @ test_vec) * nd / sxx if sxx > 0 else np.nan
    table = pd.DataFrame(rows, columns=["k", "rho", "chisq", "df"])
    table = pd.concat([table, pd.DataFrame([{"k": -1, "rho": np.nan, "chisq": chisq_g,
                                              "df": p}])], ignore_index=True)
    table["p_value"] = stats.chi2.sf(table["chisq"], table["df"])
    return table, g, r2 + beta
