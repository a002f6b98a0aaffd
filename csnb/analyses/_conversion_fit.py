"""Design matrices and logit fits of the conversion models (:mod:`._conversion_model`).

Levels pooled, the fit, its agent-clustered covariance, coefficients, marginal effects, the
what-if and the shape of the first-response effect.

Standard errors are clustered by agent (an agent's inquiries share the agent's skill, so
they are not independent): the leave-one-agent-out jackknife (CV3), with t intervals whose
degrees of freedom are (agents - 1) for first response and, for a 0/1 term, one less than
the smaller of the numbers of agents with and without it (a tenure band of three new hires
has two). The usual sandwich (CV1, statsmodels' ``cov_type="cluster"``, kept in ``model``)
covered a planted new-hire effect far less often than 95%: with two agents in the band its
standard error was a third of the truth. Average marginal effects and the what-if use the
same covariance through the delta method.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from ._conversion_frames import HOUR_BANDS, TENURE_BANDS, WEEKDAYS, _band
from ._conversion_stats import (
    cluster_jackknife_cov,
    logit_margins,
    logit_mean_prediction,
    term_degrees_of_freedom,
)

#: Bins of first response for the shape of its effect (seconds; never answered apart).
RESPONSE_BINS = ((0, 30, "0-29s"), (30, 60, "30-59s"), (60, 120, "1-2min"),
                 (120, 180, "2-3min"), (180, 300, "3-5min"), (300, math.inf, "5-10min"))
WHAT_IF_S = 30.0
#: Columns of the coefficient table (``ConversionModelResult.tidy()``).
COEFFICIENT_COLUMNS = ("term", "variable", "level", "estimate", "std_error", "p_value",
                       "odds_ratio", "ci_low", "ci_high", "ame", "ame_ci_low", "ame_ci_high",
                       "n")


# -- design ------------------------------------------------------------------------------------


def _design(frame: pd.DataFrame, spec, min_level_n: int, notes: list[str]
            ) -> tuple[pd.DataFrame, list[dict], dict[str, str]]:
    """The design matrix (const first) and one entry per term."""
    cols: dict[str, np.ndarray] = {"const": np.ones(len(frame))}
    terms: list[dict] = []
    refs: dict[str, str] = {}
    y, n = frame["y"].to_numpy(float), frame["n"].to_numpy(float)

    agents = frame["agent_id"].to_numpy()

    def degenerate(mask: np.ndarray) -> bool:
        # A level all of whose rows are one agent's is that agent's effect, not the
        # level's, and leaves the agent-clustered jackknife undefined: pooled too.
        return (n[mask].sum() < min_level_n or y[mask].sum() in (0.0, n[mask].sum())
                or len(pd.unique(agents[mask])) < 2)

    for var, kind, ref in spec:
        if var not in frame or frame[var].isna().all():
            continue
        if kind == "continuous":
            cols[var] = frame[var].to_numpy(float)
            terms.append({"term": var, "variable": var, "level": None, "kind": kind})
        elif kind == "binary":
            x = frame[var].to_numpy(float)
            if degenerate(x == 1) or degenerate(x == 0):
                if (x == 1).any():
                    notes.append(f"{var}: left out (too few rows or agents, or no variation in "
                                 "conversion, on one side)")
                continue
            cols[var] = x
            terms.append({"term": var, "variable": var, "level": None, "kind": kind})
        else:
            values = frame[var].astype(object).where(frame[var].notna(), "(missing)") \
                .astype(str).to_numpy()
            values, ref_level = _pool_levels(var, values, y, n, ref, degenerate, notes)
            levels = [lv for lv in pd.unique(values) if lv != ref_level]
            if not levels:
                continue
            refs[var] = ref_level
            for lv in _ordered(var, levels):
                term = f"{var}[{lv}]"
                cols[term] = (values == lv).astype(float)
                terms.append({"term": term, "variable": var, "level": lv, "kind": kind})
    return pd.DataFrame(cols, index=frame.index), terms, refs


def _ordered(var: str, levels: list[str]) -> list[str]:
    order = {"tenure_band": TENURE_BANDS, "weekday": WEEKDAYS,
             "hour": tuple(b[2] for b in HOUR_BANDS),
             "response_bin": (*(b[2] for b in RESPONSE_BINS), "never")}.get(var)
    if order is None:
        return sorted(levels, key=lambda v: (v == "other", v))
    return sorted(levels, key=lambda v: order.index(v) if v in order else len(order))


def _pool_levels(var, values, y, n, ref, degenerate, notes):
    """Pool sparse or degenerate levels into "other", or into the reference level."""
    counts = pd.Series(n).groupby(values).sum()
    if ref is None or ref not in counts.index:
        ref = str(counts.idxmax())
    pooled = [lv for lv in counts.index if lv != ref and degenerate(values == lv)]
    if pooled:
        values = np.where(np.isin(values, pooled), "other", values)
        if degenerate(values == "other"):
            values = np.where(values == "other", ref, values)
            notes.append(f"{var}: {', '.join(map(str, pooled))} pooled into the reference "
                         f"{ref} (too few rows or agents, or no variation in conversion)")
        else:
            notes.append(f"{var}: {', '.join(map(str, pooled))} pooled into 'other' (too "
                         "few rows or agents, or no variation in conversion)")
    return values, ref


# -- fitting -----------------------------------------------------------------------------------


def _fit(X: pd.DataFrame, frame: pd.DataFrame, weights):
    import statsmodels.api as sm

    groups = pd.factorize(frame["agent_id"])[0]
    cov = {"groups": groups}
    y, n = frame["y"].to_numpy(float), frame["n"].to_numpy(float)
    if weights is None:
        res = sm.Logit(y, X).fit(disp=0, maxiter=200, cov_type="cluster", cov_kwds=cov,
                                 use_t=True)
    else:
        res = sm.GLM(np.column_stack([y, n - y]), X, family=sm.families.Binomial()).fit(
            cov_type="cluster", cov_kwds=cov, use_t=True)
    # The covariance and degrees of freedom every interval of the report uses (module doc);
    # statsmodels' own cluster covariance stays on the result for comparison.
    jack = cluster_jackknife_cov(X.to_numpy(float), y, n, np.asarray(res.params), groups)
    res.csnb_cov = jack if np.isfinite(jack).all() else np.asarray(res.cov_params())
    res.csnb_df = term_degrees_of_freedom(X.to_numpy(float), groups)
    return res


def _cov(res) -> np.ndarray:
    """The jackknife (CV3) covariance of a fit by :func:`_fit` (CV1 when CV3 is undefined)."""
    return np.asarray(res.csnb_cov if hasattr(res, "csnb_cov") else res.cov_params())


def _quantile(res) -> float:
    """97.5% quantile of t with (agents - 1) degrees of freedom.

    With a few dozen agents the cluster-robust covariance is estimated from a few dozen
    scores; t(G - 1) instead of the normal keeps the intervals near their nominal coverage
    (Cameron & Miller 2015, "A practitioner's guide to cluster-robust inference").
    """
    groups = res.cov_kwds["groups"]
    return float(stats.t.ppf(0.975, len(np.unique(groups)) - 1))


def _margin_groups(X: pd.DataFrame, terms: list[dict]) -> list[tuple[str, list[int]]]:
    names = list(X.columns)
    out = []
    for t in terms:
        j = names.index(t["term"])
        if t["kind"] == "continuous":
            out.append(("continuous", [j]))
        elif t["kind"] == "binary":
            out.append(("discrete", [j]))
        else:
            siblings = [names.index(s["term"]) for s in terms
                        if s["variable"] == t["variable"] and s["term"] != t["term"]]
            out.append(("discrete", [j, *siblings]))
    return out


def _coefficients(res, X: pd.DataFrame, terms: list[dict], weights) -> pd.DataFrame:
    params, cov = np.asarray(res.params), _cov(res)
    df = getattr(res, "csnb_df", None)
    if df is None:
        df = np.full(len(params), len(np.unique(res.cov_kwds["groups"])) - 1.0)
    margins = logit_margins(params, cov, X.to_numpy(float), _margin_groups(X, terms),
                            weights)
    w = np.ones(len(X)) if weights is None else weights
    rows = []
    for t, m in zip(terms, margins, strict=True):
        j = m["column"]
        x = X.iloc[:, j].to_numpy()
        se = float(np.sqrt(cov[j, j]))
        zq = float(stats.t.ppf(0.975, df[j]))
        rows.append({
            "term": t["term"], "variable": t["variable"], "level": t["level"],
            "estimate": params[j], "std_error": se,
            "p_value": float(2 * stats.t.sf(abs(params[j]) / se, df[j])) if se > 0
            else math.nan, "odds_ratio": math.exp(params[j]),
            "ci_low": math.exp(params[j] - zq * se), "ci_high": math.exp(params[j] + zq * se),
            "ame": m["estimate"], "ame_ci_low": m["estimate"] - zq * m["std_error"],
            "ame_ci_high": m["estimate"] + zq * m["std_error"],
            "n": float(w.sum()) if t["kind"] == "continuous" else float(w[x == 1].sum()),
        })
    return pd.DataFrame(rows, columns=list(COEFFICIENT_COLUMNS))


def _what_if(res, X: pd.DataFrame, kind: str, weights) -> dict[str, float]:
    """Mean predicted conversion with every first response at most 30 s, against as-is."""
    params, cov = np.asarray(res.params), _cov(res)
    base = X.to_numpy(float)
    alt = X.copy()
    if "first_response_min" in alt:
        alt["first_response_min"] = alt["first_response_min"].clip(upper=WHAT_IF_S / 60)
    if "never_answered" in alt:
        alt["never_answered"] = 0.0
    if kind == "agent_day" and "fast_response_rate" in alt:
        alt["fast_response_rate"] = 1.0  # every answer within 30 s is fast
    est, se, g1 = logit_mean_prediction(params, cov, alt.to_numpy(float), weights)
    b, _, g0 = logit_mean_prediction(params, cov, base, weights)
    d = g1 - g0
    se_up = math.sqrt(max(float(d @ cov @ d), 0.0))
    zq = _quantile(res)
    return {"estimate": est, "ci_low": est - zq * se, "ci_high": est + zq * se,
            "baseline": b, "uplift": est - b, "uplift_ci_low": est - b - zq * se_up,
            "uplift_ci_high": est - b + zq * se_up}


def _shape(frame: pd.DataFrame, X: pd.DataFrame, terms: list[dict], weights, kind: str):
    """Refit with first response in bins (never answered its own bin)."""
    cols = ["bin", "n", "converted", "conversion_rate", "odds_ratio", "ci_low", "ci_high",
            "ame", "ame_ci_low", "ame_ci_high"]
    s = frame["response_s"].to_numpy(float)
    bins = _band(s, RESPONSE_BINS, "response_s")
    if kind == "inquiry":
        bins = np.where(frame["never_answered"].to_numpy() == 1, "never", bins)
    keep = [c for c in X.columns if c not in ("first_response_min", "never_answered",
                                                "fast_response_rate")]
    work = frame.assign(response_bin=bins)
    notes: list[str] = []
    Xb, tb, _ = _design(work, (("response_bin", "categorical", "0-29s"),), 1, notes)
    Xs = pd.concat([X[keep], Xb.drop(columns="const")], axis=1)
    tb_all = [t for t in terms if t["term"] in keep] + tb
    if not tb:
        return pd.DataFrame(columns=cols), None
    try:
        res = _fit(Xs, frame, weights)
    except Exception:  # noqa: BLE001 - a shape that cannot be fitted is left out, not fatal
        return pd.DataFrame(columns=cols), None
    coefs = _coefficients(res, Xs, tb_all, weights).set_index("term")
    obs = work.groupby("response_bin").agg(n=("n", "sum"), converted=("y", "sum"))
    rows = []
    for lab in _ordered("response_bin", list(obs.index)):
        row = {"bin": lab, "n": obs.at[lab, "n"], "converted": obs.at[lab, "converted"]}
        row["conversion_rate"] = row["converted"] / row["n"]
        term = f"response_bin[{lab}]"
        for c in cols[4:]:
            row[c] = coefs.at[term, c] if term in coefs.index else np.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=cols), res

