"""Staggered difference in differences: published mpdta numbers, planted effects, invariants."""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from coverage_rule import assert_coverage

from csnb.analyses.did import (
    AGGREGATIONS,
    DID_COLUMNS,
    WARN_FEW_CLUSTERS,
    DidResult,
    fit_cs_did,
    fit_policy_effects,
    fit_twfe,
    planted_truth,
    policy_panel,
    simulate_staggered,
)
from csnb.errors import ParameterError, SettingsError

REFERENCE = Path(__file__).parents[1] / "data" / "reference"


@pytest.fixture(scope="module")
def mpdta():
    """Callaway & Sant'Anna's county teen-employment panel (R ``did::mpdta``)."""
    data = pd.read_csv(REFERENCE / "mpdta.csv")
    data["post"] = (data["first.treat"] > 0) & (data["year"] >= data["first.treat"])
    return data


@pytest.fixture(scope="module")
def published():
    return json.loads((REFERENCE / "did_mpdta_reference.json").read_text())


@pytest.fixture(scope="module")
def cs(mpdta):
    return fit_cs_did(mpdta, "lemp", "countyreal", "year", "first.treat")


def _rel(a, b):
    return abs(a - b) / abs(b)


# --- reference: the published mpdta numbers ------------------------------------------------

def test_attgt_reproduces_every_published_cell(cs):
    """R: ``att_gt(yname="lemp", gname="first.treat", idname="countyreal", tname="year",
    xformla=~1, data=mpdta)`` (never-treated controls, varying base period)."""
    ref = pd.read_csv(REFERENCE / "did_mpdta_attgt.csv")
    got = cs.attgt_table().merge(ref, on=["group", "time"], validate="1:1")
    assert len(got) == len(ref) == 12
    for row in got.itertuples():
        assert _rel(row.estimate, row.att) < 1e-6, (row.group, row.time)
        assert _rel(row.estimate, row.csdid_att) < 1e-6
        assert abs(row.estimate - row.published_att_4dp) <= 5e-5 + 1e-12
        # The analytic influence-function SE is deterministic: tight.
        assert _rel(row.se, row.se_analytic) < 1e-6
        assert row.n_treated == row.n_g and row.n_control == row.n_c


def test_aggregations_reproduce_published(cs, published):
    """R: ``aggte(att, type="simple" | "dynamic" | "group")``; analytic SEs include the term
    for the estimated group weights (without it the simple SE would be 0.01175)."""
    ref = published["from_scratch_numpy"]
    simple = cs.overall("simple")
    assert simple["estimate"] == pytest.approx(-0.039951, abs=1e-6)
    assert simple["se"] == pytest.approx(0.012034, abs=1e-6)
    assert _rel(simple["estimate"], ref["simple"]["att"]) < 1e-6
    assert _rel(simple["se"], ref["simple"]["se"]) < 1e-6
    dyn = cs.overall("event_study_overall")
    assert dyn["estimate"] == pytest.approx(-0.077240, abs=1e-6)
    assert _rel(dyn["se"], ref["dynamic"]["overall"]["se"]) < 1e-6
    grp = cs.overall("group_overall")
    assert grp["estimate"] == pytest.approx(-0.031018, abs=1e-6)
    assert _rel(grp["se"], ref["group"]["overall"]["se"]) < 1e-6
    events = cs.event_study_table().set_index("event_time")
    for e in ref["dynamic"]["by_e"]:
        assert _rel(events.loc[e["e"], "estimate"], e["att"]) < 1e-6
        assert _rel(events.loc[e["e"], "se"], e["se"]) < 1e-6
        assert abs(events.loc[e["e"], "estimate"]
                   - published["published_R_did"]["dynamic_by_e_4dp"][str(e["e"])]) <= 5e-5
    groups = cs.group_table().set_index("group")
    for g in ref["group"]["by_g"]:
        assert _rel(groups.loc[g["g"], "estimate"], g["att"]) < 1e-6
        assert _rel(groups.loc[g["g"], "se"], g["se"]) < 1e-6


def test_pretrend_wald_test_matches_r(cs, published):
    """R: ``summary(att_gt(...))`` prints the pre-test p-value 0.16812."""
    assert cs.pretrend is not None
    assert cs.pretrend.n_estimates == 5 and cs.pretrend.df == 5
    assert cs.pretrend.p_value == pytest.approx(
        published["published_R_did"]["pretest_wald_pvalue"], abs=5e-6)
    assert not cs.pretrend.rejected


def test_universal_base_period(mpdta, published):
    """R: ``att_gt(..., base_period="universal")``: every cell against g - 1."""
    res = fit_cs_did(mpdta, "lemp", "countyreal", "year", "first.treat",
                     base_period="universal")
    cells = res.attgt_table().set_index(["group", "time"])
    for ref in published["from_scratch_universal_base"]:
        row = cells.loc[(ref["group"], ref["time"])]
        assert _rel(row["estimate"], ref["att"]) < 1e-6
        assert _rel(row["se"], ref["se_analytic"]) < 1e-6
    for key, value in published["published_R_did"]["universal_base_attgt_4dp"].items():
        g, t = (int(x) for x in key.split("-"))
        assert abs(cells.loc[(g, t), "estimate"] - value) <= 5e-5
    reference = res.tidy()[res.tidy()["band"] == "reference"]
    assert set(reference["event_time"]) == {-1.0}
    assert (reference["estimate"] == 0).all() and reference["se"].isna().all()
    # The aggregates of post-treatment cells do not depend on the base period of pre cells.
    assert res.overall("simple")["estimate"] == pytest.approx(-0.039951, abs=1e-6)


def test_balanced_event_study(mpdta, published):
    """R: ``aggte(att, type="dynamic", balance_e=1)``."""
    ref = published["published_R_did"]["dynamic_balance_e1"]
    res = fit_cs_did(mpdta, "lemp", "countyreal", "year", "first.treat", balance_e=1)
    events = res.event_study_table().set_index("event_time")["estimate"]
    assert events.loc[0] == pytest.approx(ref["e0"], abs=5e-5)
    assert events.loc[1] == pytest.approx(ref["e1"], abs=5e-5)
    assert res.overall("event_study_overall")["estimate"] == pytest.approx(
        ref["overall_att"], abs=5e-5)


@pytest.mark.parametrize("weights", ["mammen", "rademacher", "webb"])
def test_bootstrap_se_close_to_analytic(mpdta, cs, published, weights):
    """Multiplier-bootstrap SEs (IQR-based, as R's ``mboot``) within 10% of the analytic ones;
    R's published bootstrap SEs vary run to run, so they are checked loosely too."""
    boot = fit_cs_did(mpdta, "lemp", "countyreal", "year", "first.treat", bootstrap=999,
                      weights=weights, seed=7)
    a, b = cs.tidy(), boot.tidy()
    assert (a["estimate"] == b["estimate"]).all()
    assert (np.abs(b["se"] / a["se"] - 1) < 0.10).all()
    ref = published["from_scratch_numpy"]["mboot_iqr_se_B9999_seed1"]
    assert _rel(boot.overall("simple")["se"], ref["simple"]) < 0.10
    assert _rel(boot.overall("event_study_overall")["se"], ref["dynamic_overall"]) < 0.10
    assert _rel(boot.overall("group_overall")["se"], ref["group_overall"]) < 0.10
    r_se = published["published_R_did"]["attgt_se_vignette_dr_bootstrap_one_run"]
    cells = boot.attgt_table()
    for row in cells.itertuples():
        assert _rel(row.se, r_se[f"{int(row.group)}-{int(row.time)}"]) < 0.20
    # Uniform bands are wider than pointwise intervals of the same SE.
    events = boot.event_study_table()
    assert (events["band"] == "uniform").all()
    z = 1.959963984540054
    assert ((events["ci_high"] - events["estimate"]) > z * events["se"]).all()


def test_small_sample_inference_scales_the_clustered_covariance(mpdta, cs):
    """``small_sample=True``: same estimates, SEs times sqrt(G / (G - 1)), t(G - 1) critical
    values, the pre-trend test as F(rank, G - 1); the default stays R's ``did`` figure."""
    from scipy import stats

    ss = fit_cs_did(mpdta, "lemp", "countyreal", "year", "first.treat", small_sample=True)
    g = cs.n_clusters
    assert g == 500
    a, b = cs.tidy(), ss.tidy()
    assert (a["estimate"] == b["estimate"]).all()
    ok = a["se"].notna()
    assert np.allclose(b.loc[ok, "se"] / a.loc[ok, "se"], np.sqrt(g / (g - 1)), rtol=1e-12)
    crit = stats.t.ppf(0.975, g - 1)
    assert np.allclose(b.loc[ok, "ci_high"] - b.loc[ok, "estimate"], crit * b.loc[ok, "se"])
    assert np.allclose(b.loc[ok, "estimate"] - b.loc[ok, "ci_low"], crit * b.loc[ok, "se"])
    assert cs.overall("simple")["se"] == pytest.approx(0.012034, abs=5e-7)  # R's, unchanged
    assert cs.inference["method"] == "normal" and cs.inference["df"] is None
    assert ss.inference["method"] == "cluster_t" and ss.inference["df"] == g - 1
    w = ss.pretrend
    assert w is not None and w.df_denom == g - 1 and cs.pretrend.df_denom is None
    assert w.p_value == pytest.approx(stats.f.sf(w.statistic / w.df, w.df, g - 1), rel=1e-12)
    assert ss.to_json()["inference"]["df"] == g - 1


@pytest.mark.slow
def test_few_cluster_intervals_cover_a_planted_effect_with_eight_units():
    """Eight units as eight teams: 1, 2 and 2 adopt on three dates, 3 never (csnb's samples).

    With iid noise the influence-function SE is unbiased here (rms SE / sd of the errors
    1.02 over 300 seeds), yet normal intervals cover only 266 of 300 (88.7%): a variance
    estimated from 8 cluster sums varies so much that z = 1.96 is too small. With
    ``small_sample`` (G / (G - 1), t on 7 df) 281 of 300 (93.7%). Measured 2026-12 on
    seeds 0-299 (304 s at load 20); the test runs 100 seeds.
    """
    rows = []
    for seed in range(100):
        panel = simulate_staggered(seed, n_units=8, groups={3: 1 / 8, 5: 2 / 8, 7: 2 / 8})
        truth = planted_truth(panel)["simple"]
        res = fit_cs_did(panel, "y", "unit", "time", "group", small_sample=True)
        assert res.n_treated_clusters == 5 and res.n_control_clusters == 3
        o = res.overall("simple")
        rows.append((truth, o["estimate"], o["ci_low"], o["ci_high"]))
    r = np.array(rows)
    err = r[:, 1] - r[:, 0]
    # unbiased: the mean error within 3 Monte-Carlo standard errors of zero
    assert abs(err.mean()) < 3 * err.std(ddof=1) / np.sqrt(len(err))
    covered = int(((r[:, 2] <= r[:, 0]) & (r[:, 0] <= r[:, 3])).sum())
    assert_coverage(covered, len(r), "CS simple ATT, 8 clusters, small_sample")


def test_twfe_matches_fixest(mpdta, published):
    """R: ``feols(lemp ~ post | countyreal + year, mpdta, cluster = ~countyreal)`` (fixest's
    default small-sample correction), as pyfixest 0.60 gives it."""
    res = fit_twfe(mpdta, "lemp", "countyreal", "year", "post", group="first.treat",
                   event_study=True)
    assert res.estimate == pytest.approx(-0.0365489, abs=1e-7)
    assert _rel(res.estimate, published["twfe"]["pyfixest"]["coef"]) < 1e-6
    assert res.se == pytest.approx(0.013265, abs=1e-6)
    assert _rel(res.se, published["twfe"]["pyfixest"]["se"]) < 1e-6
    assert res.model.k == 6  # the coefficient + 1 + (5 - 1) year effects; counties nested
    events = res.event_study_table().set_index("event_time")
    for name, ref in published["twfe_event_study_pyfixest"].items():
        e = float(name.split("::")[1])
        assert _rel(events.loc[e, "estimate"], ref["coef"]) < 1e-6
        assert _rel(events.loc[e, "se"], ref["se"]) < 1e-6
    assert events.loc[-1.0, "band"] == "reference" and events.loc[-1.0, "estimate"] == 0


def test_twfe_coefficient_equals_dummy_ols_on_unbalanced_panel(mpdta):
    """Alternating projections reach the dummy-variable OLS on an unbalanced panel."""
    import statsmodels.formula.api as smf

    sub = mpdta.sample(frac=0.85, random_state=3)
    res = fit_twfe(sub, "lemp", "countyreal", "year", "post")
    ols = smf.ols("lemp ~ D + C(countyreal) + C(year)",
                  data=sub.assign(D=sub["post"].astype(float))).fit()
    assert res.estimate == pytest.approx(ols.params["D"], abs=1e-9)


# --- planted effects ----------------------------------------------------------------------

def test_planted_effects_are_covered_and_twfe_is_biased():
    panel = simulate_staggered(seed=11)
    truth = planted_truth(panel)
    res = fit_cs_did(panel, "y", "unit", "time", "group", bootstrap=999, seed=1)
    for name in ("simple", "event_study_overall", "group_overall"):
        row = res.overall(name)
        assert row["ci_low"] <= truth[name] <= row["ci_high"], name
    # Uniform bands cover every event time together.
    events = res.event_study_table().merge(truth["event_study"], on="event_time",
                                           suffixes=("", "_true"))
    assert ((events["ci_low"] <= events["estimate_true"])
            & (events["estimate_true"] <= events["ci_high"])).all()
    assert res.pretrend is not None and not res.pretrend.rejected
    twfe = fit_twfe(panel, "y", "unit", "time", "treated")
    # Dynamic effects: TWFE's already-treated comparisons pull its estimate far below.
    assert twfe.overall()["ci_high"] < truth["simple"]


def test_not_yet_treated_controls_cover_truth():
    panel = simulate_staggered(seed=5)
    truth = planted_truth(panel)
    res = fit_cs_did(panel, "y", "unit", "time", "group", control="notyet")
    row = res.overall("simple")
    assert row["ci_low"] <= truth["simple"] <= row["ci_high"]
    # More comparison units than never-treated ones alone.
    assert res.n_control_units > (panel.groupby("unit")["group"].first() == 0).sum()


@pytest.mark.slow
def test_coverage_over_many_seeds():
    """Coverage of the 95% intervals over 1,000 seeds (about 0.95 expected) and TWFE's bias.

    Run: ``.venv/bin/python -m pytest -p no:cacheprovider tests/analyses/test_did.py -m slow
    -s`` (prints the measured coverage and biases; about 40 s). The group sizes of the DGP
    are fixed, while the SEs of the aggregates also count the sampling of group shares (as
    R's ``did``), so the aggregates may cover slightly more often than 0.95.
    """
    truth = planted_truth(simulate_staggered(seed=0))
    seeds = range(1000)
    hit = {"simple": [], "event_study_overall": [], "group_overall": [], "events": []}
    cs_est, twfe_est = [], []
    for seed in seeds:
        panel = simulate_staggered(seed=seed)
        res = fit_cs_did(panel, "y", "unit", "time", "group")
        for name in ("simple", "event_study_overall", "group_overall"):
            row = res.overall(name)
            hit[name].append(row["ci_low"] <= truth[name] <= row["ci_high"])
        ev = res.event_study_table().merge(truth["event_study"], on="event_time",
                                           suffixes=("", "_true"))
        hit["events"] += list((ev["ci_low"] <= ev["estimate_true"])
                              & (ev["estimate_true"] <= ev["ci_high"]))
        cs_est.append(res.estimate)
        twfe_est.append(fit_twfe(panel, "y", "unit", "time", "treated").estimate)
    coverage = {k: float(np.mean(v)) for k, v in hit.items()}
    cs_bias = float(np.mean(cs_est)) - truth["simple"]
    twfe_bias = float(np.mean(twfe_est)) - truth["simple"]
    print(f"\ncoverage of 95% intervals over {len(seeds)} seeds: {coverage}")
    print(f"truth {truth['simple']:.4f}; CS bias {cs_bias:+.4f} (sd {np.std(cs_est):.4f}); "
          f"TWFE bias {twfe_bias:+.4f}")
    for value in coverage.values():
        assert 0.93 <= value <= 0.98
    assert abs(cs_bias) < 0.01
    assert twfe_bias < -0.1


# --- csnb's simulated shop ---------------------------------------------------------------

@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    from csnb.io import load_dataset
    from csnb.simulate import simulate

    folder = tmp_path_factory.mktemp("shop")
    truth = simulate(folder, seed=3, agents=24, months=12)
    return load_dataset(folder), truth


def test_policy_effects_on_simulated_shop(shop):
    """End to end on the team panel. With two treated teams of one each per adoption group
    the inference is weak: test what is honest, the design counts, the warnings, and the
    sign of the fast-response effect (first response x 0.85 raises the share answered
    within 180 s)."""
    ds, truth = shop
    adopters = truth["policy"]["adoption"]
    never = truth["policy"]["never_treated"]
    res = fit_policy_effects(ds)
    assert res.n_treated_teams == len(adopters)
    assert res.n_control_teams == len(never)
    assert res.n_clusters == len(adopters) + len(never)
    assert WARN_FEW_CLUSTERS in res.warnings
    assert res.warning_values == {"n_treated": len(adopters), "n_control": len(never)}
    # Few clusters: the bootstrap is run beside the analytic inference.
    assert set(res.cs_bootstrap) == set(res.cs)
    assert set(res.outcomes) == {"conversion_rate", "fast_response_rate",
                                 "complaints_per_1k_orders", "turnover_rate_voluntary",
                                 "turnover_rate_involuntary"}
    fast = res.cs["fast_response_rate"]
    assert fast.estimate > 0
    assert fast.n_treated_clusters == len(adopters)
    by_group = res.to_json()["did"]["fast_response_rate"]["by_group"]
    assert {row["group"] for row in by_group} == set(adopters.values())
    payload = json.loads(json.dumps(res.to_json()))
    assert set(payload["did"]["conversion_rate"]) >= {"att_simple", "event_study", "by_group",
                                                      "twfe", "pretrend_p"}
    assert set(res.tidy().columns) == {*DID_COLUMNS, "inference"}
    assert "<table" in res._repr_html_()


def test_policy_panel_first_months(shop):
    ds, truth = shop
    panel = policy_panel(ds)
    first = panel.groupby("team")["first_month"].first().dropna().to_dict()
    assert first == truth["policy"]["adoption"]
    assert panel["period"].diff().where(panel["team"] == panel["team"].shift()).dropna() \
        .eq(1).all()
    assert panel["complaints_per_1k_orders"].notna().any()
    assert (panel["treated"] == (panel["period"] >= panel["first_period"])
            & (panel["first_period"] > 0)).all()


# --- invariants -------------------------------------------------------------------------

def test_aggregations_are_the_stated_weighted_averages(cs):
    cells = cs.attgt_table()
    post = cells[cells["event_time"] >= 0]
    simple = np.average(post["estimate"], weights=post["n_treated"])
    assert cs.overall("simple")["estimate"] == pytest.approx(simple, abs=1e-12)
    events = cs.event_study_table().set_index("event_time")
    for e, part in cells.groupby("event_time"):
        assert events.loc[e, "estimate"] == pytest.approx(
            np.average(part["estimate"], weights=part["n_treated"]), abs=1e-12)
    assert cs.overall("event_study_overall")["estimate"] == pytest.approx(
        events.loc[events.index >= 0, "estimate"].mean(), abs=1e-12)
    groups = cs.group_table().set_index("group")
    size = post.groupby("group")["n_treated"].first()
    for g, part in post.groupby("group"):
        assert groups.loc[g, "estimate"] == pytest.approx(part["estimate"].mean(), abs=1e-12)
    assert cs.overall("group_overall")["estimate"] == pytest.approx(
        np.average(groups["estimate"], weights=size.loc[groups.index]), abs=1e-12)


def test_intervals_contain_estimates_and_columns(cs, mpdta):
    boot = fit_cs_did(mpdta, "lemp", "countyreal", "year", "first.treat", bootstrap=199)
    for res in (cs, boot):
        t = res.tidy()
        assert list(t.columns) == list(DID_COLUMNS)
        assert set(t["aggregation"]) == set(AGGREGATIONS)
        est = t[t["band"] != "reference"]
        assert ((est["ci_low"] <= est["estimate"]) & (est["estimate"] <= est["ci_high"])).all()
        assert (est["se"] > 0).all()


def test_result_is_frozen_and_serialises(cs):
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(cs, "outcome", "x")  # noqa: B010 - the point is that it fails
    payload = json.loads(json.dumps(cs.to_json()))
    assert payload["att_simple"]["estimate"] == pytest.approx(-0.039951, abs=1e-6)
    assert len(payload["event_study"]) == 7 and len(payload["by_group"]) == 3
    assert payload["n_clusters"] == 500 and payload["n_treated_clusters"] == 191
    assert payload["warnings"] == []
    assert "<table" in cs._repr_html_()
    assert isinstance(cs, DidResult)


def test_cluster_column(mpdta):
    """Clustering by the unit equals the default; coarser clusters change only the SEs."""
    base = fit_cs_did(mpdta, "lemp", "countyreal", "year", "first.treat")
    same = fit_cs_did(mpdta.assign(c=mpdta["countyreal"]), "lemp", "countyreal", "year",
                      "first.treat", cluster="c")
    assert np.allclose(base.tidy()["se"], same.tidy()["se"])
    coarse = fit_cs_did(mpdta.assign(c=mpdta["countyreal"] // 1000), "lemp", "countyreal",
                        "year", "first.treat", cluster="c")
    assert np.allclose(base.tidy()["estimate"], coarse.tidy()["estimate"])
    assert coarse.n_clusters < base.n_clusters


def test_missing_outcome_leaves_only_cells_needing_it(mpdta):
    data = mpdta.copy()
    unit = data.loc[data["first.treat"] == 2004, "countyreal"].iloc[0]
    data.loc[(data["countyreal"] == unit) & (data["year"] == 2007), "lemp"] = np.nan
    res = fit_cs_did(data, "lemp", "countyreal", "year", "first.treat")
    cells = res.attgt_table().set_index(["group", "time"])
    assert cells.loc[(2004, 2007), "n_treated"] == 19
    assert cells.loc[(2004, 2006), "n_treated"] == 20


def test_no_treated_group_raises(mpdta):
    never = mpdta.assign(g=0)
    with pytest.raises(ParameterError, match="no unit is treated"):
        fit_cs_did(never, "lemp", "countyreal", "year", "g")
    # Treated only in the first period: no pre-period, so nothing to estimate either.
    always = mpdta.assign(g=np.where(mpdta["first.treat"] > 0, 2003, 0))
    with pytest.raises(ParameterError, match="no unit is treated"):
        fit_cs_did(always, "lemp", "countyreal", "year", "g")


def test_units_treated_before_the_panel_are_left_out(mpdta):
    """First treated before the first period: no pre-period; CS and the TWFE event study
    leave such units out and say so; the static TWFE keeps them (absorbed by unit effects)."""
    data = mpdta.assign(g=mpdta["first.treat"].replace(2004, 2001))
    data["d"] = (data["g"] > 0) & (data["year"] >= data["g"])
    cs = fit_cs_did(data, "lemp", "countyreal", "year", "g")
    kept = fit_cs_did(mpdta[mpdta["first.treat"] != 2004], "lemp", "countyreal", "year",
                      "first.treat")
    assert cs.n_units == 480 and any("20 units" in note for note in cs.notes)
    assert np.allclose(cs.tidy()["estimate"], kept.tidy()["estimate"])
    twfe = fit_twfe(data, "lemp", "countyreal", "year", "d", group="g", event_study=True)
    assert twfe.n_units == 500 and any("event study" in note for note in twfe.notes)
    assert set(twfe.event_study_table()["event_time"]) == {-4, -3, -2, -1, 0, 1}


def test_bad_input_errors(mpdta):
    with pytest.raises(ParameterError, match="no column 'nope'"):
        fit_cs_did(mpdta, "nope", "countyreal", "year", "first.treat")
    with pytest.raises(ParameterError, match="constant within a unit"):
        fit_cs_did(mpdta.assign(g=mpdta["year"]), "lemp", "countyreal", "year", "g")
    with pytest.raises(ParameterError, match="more than once"):
        fit_cs_did(pd.concat([mpdta, mpdta.head(1)]), "lemp", "countyreal", "year",
                   "first.treat")
    with pytest.raises(SettingsError, match="control must be one of"):
        fit_cs_did(mpdta, "lemp", "countyreal", "year", "first.treat", control="later")
    with pytest.raises(ParameterError, match="never-treated"):
        fit_cs_did(mpdta[mpdta["first.treat"] > 0], "lemp", "countyreal", "year",
                   "first.treat")
    with pytest.raises(ParameterError, match="group=..."):
        fit_twfe(mpdta, "lemp", "countyreal", "year", "post", event_study=True)


def test_few_clusters_warning():
    panel = simulate_staggered(seed=2, n_units=12, groups={4: 0.25, 6: 0.25})
    res = fit_cs_did(panel, "y", "unit", "time", "group")
    assert res.n_treated_clusters == 6 and res.n_control_clusters == 6
    assert WARN_FEW_CLUSTERS not in res.warnings
    small = panel[panel["unit"].isin([0, 3, 6, 7, 8])]
    res = fit_cs_did(small, "y", "unit", "time", "group")
    assert WARN_FEW_CLUSTERS in res.warnings
    assert res.warning_values["n_treated"] == 2 and res.warning_values["n_control"] == 3
    assert "did.single_unit_groups" in res.warnings
