"""Tests of the conversion analysis: references, invariants and planted effects.

References: the clustered logit against statsmodels' own Logit/GLM and a hand-computed
sandwich; marginal effects against ``Logit.get_margeff``; LMDI against a worked example;
the beta-binomial prior against a direct scipy maximum-likelihood fit; the two-proportion
test against ``statsmodels.stats.proportion.proportions_ztest``. Planted effects come from
``csnb.simulate`` run with the simulator's world kept (its agents' true conversion effects).
"""

import dataclasses
import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from coverage_rule import assert_coverage
from scipy import optimize, special, stats

from csnb.analyses._conversion_frames import promotion_days
from csnb.analyses._conversion_stats import (
    MAX_CONCENTRATION,
    BetaBinomialPosterior,
    fit_beta_binomial,
    fit_beta_binomial_hierarchical,
    lmdi_parts,
    logit_margins,
    two_proportion_z,
)
from csnb.analyses.conversion import (
    compare_proportions,
    decompose_sales_change,
    fit_agent_day_model,
    fit_conversion_model,
    response_grid,
    scorecard_table,
    shrink_agent_rates,
)
from csnb.errors import DataContractError, SettingsError
from csnb.io import load_dataset
from csnb.io.dataset import dataset_from_frames
from csnb.metrics import kpi_table, month_figures, ranking_table
from csnb.metrics.inquiries import inquiry_facts_table
from csnb.settings import Settings
from csnb.simulate import DEFAULT_PARAMS
from csnb.simulate.engine import Simulation, merge_params
from csnb.simulate.output import write_files

MONTH = "2024-03"

#: Attribution that makes the metric book's conversion the simulator's planted conversion:
#: one agent per visit, every order tagged and paid the same day, no policy.
CLEAN = {"policy": {"adopters": {}},
         "conversion": {"second_agent_p": 0.0, "same_day_p": 1.0, "next_day_p": 0.0,
                        "agent_tag_p": 1.0}}


#: The four teams of the simulator's first version, on which the slow coverage tests below
#: were measured: teams of about ten agents. The default has eight teams of five to eight
#: since (issue 10); with them the team prior of the shrinkage rests on fewer agents, and
#: measured (seeds 1-10, 40 agents) its 90% intervals covered 278 of 406 true rates (0.685),
#: and first response's 95% CI covered the planted effect in 17 of 20 seeds.
FOUR_TEAMS = {"teams": [
    {"team": "售前一组", "role": "presale", "shifts": {"day": 1.0}, "share": 0.3,
     "presale_per_day": 14.0, "aftersale_per_day": 1.0, "outsourced_p": 0.1,
     "base_salary": 4200},
    {"team": "售前二组", "role": "presale", "shifts": {"day": 0.4, "rotating": 0.3, "night": 0.3},
     "share": 0.3, "presale_per_day": 13.0, "aftersale_per_day": 1.5, "outsourced_p": 0.3,
     "base_salary": 4000},
    {"team": "售后组", "role": "aftersale", "shifts": {"day": 0.8, "rotating": 0.2},
     "share": 0.2, "presale_per_day": 2.0, "aftersale_per_day": 12.0, "outsourced_p": 0.1,
     "base_salary": 3800},
    {"team": "夜班组", "role": "mixed", "shifts": {"night": 1.0}, "share": 0.2,
     "presale_per_day": 8.0, "aftersale_per_day": 4.0, "outsourced_p": 0.7,
     "base_salary": 4300},
]}


def simulate_world(out, seed: int, *, agents: int, months: int, params: dict):
    """Simulate like :func:`csnb.simulate.simulate` and return the world (true effects)."""
    p = merge_params(DEFAULT_PARAMS, params)
    sim = Simulation(p, np.random.default_rng(seed), agents=agents, months=months,
                     start="2024-01")
    sim.run()
    write_files(sim, out)
    return sim


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    """24 agents, three months, the default world."""
    out = tmp_path_factory.mktemp("conv")
    simulate_world(out, 3, agents=24, months=3, params={})
    return load_dataset(out, cache=False)


@pytest.fixture(scope="module")
def model(ds):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_conversion_model(ds, MONTH)


def _json_ok(obj) -> dict:
    return json.loads(json.dumps(obj, allow_nan=False))


# -- scorecard ------------------------------------------------------------------------------------


HEADLINE_KEYS = ("inquiries", "converted_inquiries", "conversion_rate", "credited_sales",
                 "order_value", "avg_first_response_s", "fast_response_rate")


@pytest.mark.parametrize("level", ["agent", "team", "shop"])
def test_scorecard_total_row_is_the_headline(ds, level):
    card = scorecard_table(ds, MONTH, level)
    table = card.tidy()
    assert list(table.columns) == list(card.columns)
    total = table[table["total"]]
    assert len(total) == 1
    head = month_figures(ds, MONTH)
    for key in HEADLINE_KEYS:
        assert total[key].iloc[0] == pytest.approx(head[key], rel=1e-12), key
    assert card.provisional == head["provisional"]
    rows = table[~table["total"]]
    if level != "shop":
        # Inquiries and conversions are counted once per agent: the rows add up to the total.
        for key in ("inquiries", "converted_inquiries", "credited_sales"):
            assert rows[key].sum() == pytest.approx(total[key].iloc[0], rel=1e-12), key
    _json_ok(card.to_json())


def test_scorecard_agent_rows_match_kpis_and_ranking(ds):
    table = scorecard_table(ds, MONTH).tidy()
    rows = table[~table["total"]].set_index("agent_id")
    kpis = kpi_table(ds, ("agent_id",), "month")
    kpis = kpis[kpis["period"] == MONTH].set_index("agent_id")
    assert set(rows.index) == set(kpis.index)
    for col in ("conversion_rate", "p90_first_response_s", "order_value"):
        pd.testing.assert_series_equal(rows[col].sort_index(), kpis[col].sort_index(),
                                       check_names=False)
    ranks = ranking_table(ds)
    now = ranks[ranks["month"] == MONTH].set_index("agent_id")["rank"]
    before = ranks[ranks["month"] == "2024-02"].set_index("agent_id")["rank"]
    assert (rows["rank"].dropna() == now.reindex(rows["rank"].dropna().index)).all()
    change = before.reindex(rows.index) - now.reindex(rows.index)
    pd.testing.assert_series_equal(rows["rank_change"], change, check_names=False)
    assert rows["name"].notna().all()


def test_scorecard_average_response_against_pandas(ds):
    """平响 = mean avg_response_s over counted sessions (08:00-23:00) that have it."""
    s = ds.frame("sessions")
    s = s[s["start_ts"].dt.strftime("%Y-%m") == MONTH]
    hour = s["start_ts"].dt.hour
    counted = s[(hour >= 8) & (hour < 23) & s["avg_response_s"].notna()]
    table = scorecard_table(ds, MONTH).tidy()
    total = table[table["total"]].iloc[0]
    assert total["avg_response_s"] == pytest.approx(counted["avg_response_s"].mean(), 1e-12)
    per_agent = counted.groupby("agent_id")["avg_response_s"].mean()
    rows = table[~table["total"]].set_index("agent_id")["avg_response_s"]
    pd.testing.assert_series_equal(rows.sort_index(), per_agent.reindex(rows.index)
                                   .sort_index(), check_names=False)


def test_scorecard_satisfaction_from_the_sessions_ratings(ds):
    """满意率 = rated sessions rated very satisfied or satisfied / rated sessions."""
    sessions = ds.frame("sessions")
    month = sessions[sessions["start_ts"].dt.strftime("%Y-%m") == MONTH]
    rated = month["rating"].notna()
    assert rated.any(), "the simulated sessions carry ratings"
    ok = month["rating"].isin(["very_satisfied", "satisfied"])
    table = scorecard_table(ds, MONTH, "team").tidy()
    total = table[table["total"]].iloc[0]
    assert total["rated_sessions"] == rated.sum()
    assert total["satisfaction_rate"] == pytest.approx(ok.sum() / rated.sum())
    agents = scorecard_table(ds, MONTH).tidy()
    per_agent = (ok[rated].groupby(month.loc[rated, "agent_id"]).mean())
    rows = agents[~agents["total"]].set_index("agent_id")["satisfaction_rate"].dropna()
    pd.testing.assert_series_equal(rows.sort_index(), per_agent.reindex(rows.index)
                                   .sort_index(), check_names=False)


def test_scorecard_rejects_bad_level(ds):
    with pytest.raises(SettingsError, match="level"):
        scorecard_table(ds, MONTH, "department")


# -- decomposition --------------------------------------------------------------------------------


def test_lmdi_textbook_example():
    """Inquiries 1000 -> 1200, conversion 0.30 -> 0.25, value 100 -> 120.

    Sales 30,000 -> 36,000. ln(1.2) = -ln(0.25 / 0.30), so each part is L x ln(1.2) with
    L = 6000 / ln(1.2): exactly +6000, -6000 and +6000.
    """
    parts, method = lmdi_parts([1000, 0.30, 100], [1200, 0.25, 120])
    assert method == "lmdi"
    np.testing.assert_allclose(parts, [6000, -6000, 6000], atol=1e-8)


def test_lmdi_against_hand_formula_and_identity(rng):
    for _ in range(50):
        x0, x1 = rng.uniform(0.1, 500, 3), rng.uniform(0.1, 500, 3)
        v0, v1 = x0.prod(), x1.prod()
        weight = (v1 - v0) / (math.log(v1) - math.log(v0))
        parts, _ = lmdi_parts(x0, x1)
        np.testing.assert_allclose(parts, weight * np.log(x1 / x0), rtol=1e-9)
        assert parts.sum() == pytest.approx(v1 - v0, rel=1e-14, abs=1e-9)


def test_lmdi_zeros_are_handled_as_the_limit():
    # No conversions last month: conversion takes the whole change (Ang & Liu 2007 limit).
    parts, method = lmdi_parts([100, 0.0, math.nan], [120, 0.3, 100.0])
    assert method == "zero"
    np.testing.assert_allclose(parts, [0, 3600, 0])
    # LMDI with a small stand-in for the zero approaches it (slowly: as 1 / ln(1 / eps)).
    errors = [np.abs(lmdi_parts([100, eps, 150.0], [120, 0.3, 100.0])[0] - [0, 3600, 0]).max()
              for eps in (1e-12, 1e-100, 1e-300)]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 0.005 * 3600
    # No inquiries this month: the inquiries factor takes it; zero both months: nothing.
    parts, method = lmdi_parts([100, 0.3, 100.0], [0, math.nan, math.nan])
    np.testing.assert_allclose(parts, [-3000, 0, 0])
    assert lmdi_parts([0, math.nan, math.nan], [0, math.nan, math.nan])[1] == "no_change"
    assert lmdi_parts([math.nan, 0.2, 1.0], [1, 0.2, 1.0])[1] == "missing"


def test_decomposition_parts_sum_to_the_change_for_every_team(ds):
    result = decompose_sales_change(ds, MONTH, by="team")
    table = result.tidy()
    parts = table[["inquiries_effect", "conversion_effect", "value_effect"]].sum(axis=1)
    np.testing.assert_allclose(parts, table["total_change"], rtol=0, atol=1e-6)
    shop = table[table["group"] == "shop"].iloc[0]
    teams = table[table["group"] != "shop"]
    assert teams["total_change"].sum() == pytest.approx(shop["total_change"], abs=1e-6)
    head, before = month_figures(ds, MONTH), month_figures(ds, "2024-02")
    assert shop["total_change"] == pytest.approx(head["credited_sales"]
                                                 - before["credited_sales"], abs=1e-6)
    assert shop["sales"] == pytest.approx(shop["inquiries"] * shop["conversion_rate"]
                                          * shop["value"])
    js = _json_ok(result.to_json())
    assert set(js["decomposition"]) >= {"inquiries", "conversion", "value", "total"}


def test_decomposition_of_the_first_month_is_missing(ds):
    table = decompose_sales_change(ds, "2024-01").tidy()
    assert table["method"].tolist() == ["missing"]
    assert table["inquiries_effect"].isna().all()
    _json_ok(decompose_sales_change(ds, "2024-01").to_json())


# -- logistic model -------------------------------------------------------------------------------


def test_clustered_logit_equals_statsmodels_and_hand_sandwich(model):
    """The fit's CV1 SEs (``model.model.bse``) equal Logit(...).fit(cov_type="cluster"), GLM
    Binomial and the sandwich formula; the estimates are statsmodels'. (The report's SEs are
    the jackknife, checked against refits below.)"""
    res = model.model
    X, y = res.model.exog, res.model.endog
    groups = res.cov_kwds["groups"]
    direct = sm.Logit(y, X).fit(disp=0, cov_type="cluster", cov_kwds={"groups": groups})
    glm = sm.GLM(y, X, family=sm.families.Binomial()).fit(cov_type="cluster",
                                                          cov_kwds={"groups": groups})
    coefs = model.coefficients.set_index("term")
    names = list(res.model.exog_names)
    for term in coefs.index:
        j = names.index(term)
        assert coefs.at[term, "estimate"] == pytest.approx(direct.params[j], abs=1e-6)
        assert np.asarray(res.bse)[j] == pytest.approx(direct.bse[j], abs=1e-6)
    np.testing.assert_allclose(direct.bse, glm.bse, rtol=1e-6)
    p = special.expit(X @ direct.params)
    bread = np.linalg.inv((X * (p * (1 - p))[:, None]).T @ X)
    score = X * (y - p)[:, None]
    meat = sum(np.outer(s, s) for s in pd.DataFrame(score).groupby(groups).sum().to_numpy())
    g, (n, k) = len(np.unique(groups)), X.shape
    hand = bread @ meat @ bread * g / (g - 1) * (n - 1) / (n - k)
    np.testing.assert_allclose(np.sqrt(np.diag(hand)), direct.bse, rtol=1e-6)
    assert model.n_agents == g


def test_jackknife_covariance_against_leave_one_agent_out_refits(rng):
    """CV3 from one Newton step per agent against statsmodels refits without each agent
    (12 agents, a 0/1 term three of them hold): SEs within 3%. The term's t interval has
    min(3, 9) - 1 = 2 degrees of freedom, first response 11."""
    from csnb.analyses._conversion_stats import cluster_jackknife_cov, term_degrees_of_freedom

    groups = np.repeat(np.arange(12), 80)
    held = np.isin(groups, [0, 1, 2]).astype(float)
    X = np.column_stack([np.ones(len(groups)), rng.exponential(1.0, len(groups)), held])
    u = rng.normal(0, 0.3, 12)[groups]
    y = rng.random(len(groups)) < special.expit(-0.3 - 0.2 * X[:, 1] + 0.5 * held + u)
    fit = sm.Logit(y.astype(float), X).fit(disp=0)
    cov = cluster_jackknife_cov(X, y, np.ones(len(y)), np.asarray(fit.params), groups)
    refits = np.array([sm.Logit(y[groups != g].astype(float), X[groups != g]).fit(
        disp=0).params for g in range(12)])
    centred = refits - refits.mean(axis=0)
    exact = 11 / 12 * centred.T @ centred
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), np.sqrt(np.diag(exact)), rtol=0.03)
    assert list(term_degrees_of_freedom(X, groups)) == [11.0, 11.0, 2.0]


def test_marginal_effects_match_get_margeff(model):
    """AMEs and their delta-method SEs equal statsmodels' get_margeff on the same (jackknife)
    covariance."""
    import copy

    res = model.model
    names = list(res.model.exog_names)
    same_cov = copy.copy(res._results)
    same_cov.cov_params_default = res.csnb_cov
    ref = same_cov.get_margeff(dummy=True)
    coefs = model.coefficients.set_index("term")
    for term in ("first_response_min", "never_answered"):
        if term not in coefs.index:
            continue
        j = names.index(term) - 1  # get_margeff leaves out the constant
        assert coefs.at[term, "ame"] == pytest.approx(ref.margeff[j], abs=1e-8)
        q = stats.t.ppf(0.975, res.csnb_df[j + 1])  # intervals use the term's t
        se = (coefs.at[term, "ame_ci_high"] - coefs.at[term, "ame_ci_low"]) / (2 * q)
        assert se == pytest.approx(ref.margeff_se[j], rel=1e-4)


def test_marginal_effect_of_a_level_is_against_the_reference(rng):
    n = 400
    level = rng.integers(0, 3, n)
    X = np.column_stack([np.ones(n), level == 1, level == 2]).astype(float)
    params = np.array([-0.5, 0.8, -0.4])
    cov = np.eye(3) * 0.01
    out = logit_margins(params, cov, X, [("discrete", [1, 2]), ("discrete", [2, 1])])
    assert out[0]["estimate"] == pytest.approx(special.expit(0.3) - special.expit(-0.5))
    assert out[1]["estimate"] == pytest.approx(special.expit(-0.9) - special.expit(-0.5))


def test_what_if_and_baseline(model):
    res = model.model
    names = list(res.model.exog_names)
    X = pd.DataFrame(res.model.exog, columns=names)
    # A logit with a constant predicts the observed rate on average (score equations).
    assert model.what_if["baseline"] == pytest.approx(res.model.endog.mean(), abs=1e-6)
    X["first_response_min"] = X["first_response_min"].clip(upper=0.5)
    if "never_answered" in X:
        X["never_answered"] = 0.0
    assert model.what_if["estimate"] == pytest.approx(res.predict(X.to_numpy()).mean())
    w = model.what_if
    assert w["ci_low"] < w["estimate"] < w["ci_high"]
    assert w["uplift"] > 0  # faster answers convert more in the simulated world
    js = _json_ok(model.to_json())
    assert "first_response_min" in {r["term"] for r in js["logit"]}
    assert set(js["what_if_30s"]) >= {"estimate", "ci_low", "ci_high"}
    assert {"term", "estimate", "ci_low", "ci_high", "p_value"} <= set(js["marginal_effects"][0])


def test_response_contrast_is_two_predictions_and_their_difference(model):
    """30 s against 90 s: the mean predictions with every first response set to each."""
    res = model.model
    names = list(res.model.exog_names)
    c = model.response_contrast(30.0, 90.0)
    preds = []
    for seconds in (30.0, 90.0):
        X = pd.DataFrame(res.model.exog, columns=names)
        X["first_response_min"] = seconds / 60
        X["never_answered"] = 0.0
        preds.append(res.predict(X.to_numpy()).mean())
    assert c["fast"] == pytest.approx(preds[0]) and c["slow"] == pytest.approx(preds[1])
    assert c["difference"] == pytest.approx(preds[0] - preds[1])
    assert c["ci_low"] < c["difference"] < c["ci_high"] and c["difference"] > 0
    # Near the average marginal effect per minute times one minute (the curve is smooth).
    per_minute = model.tidy().set_index("term").at["first_response_min", "ame"]
    assert c["difference"] == pytest.approx(-per_minute, rel=0.25)
    assert math.isnan(dataclasses.replace(model, model=None).response_contrast()["difference"])


def test_promotion_days_come_from_the_settings(ds):
    days = promotion_days(["2024-03"], {"spring": ("03-08", "03-10")})
    assert sorted(d.day for d in days) == [8, 9, 10] and set(days.values()) == {"spring"}
    assert promotion_days(["2024-03"], ds.settings.promotions) == {}  # 618, 双11, 双12
    spring = dataclasses.replace(ds, settings=dataclasses.replace(
        ds.settings, promotions={"spring": ("03-01", "03-15")}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = fit_conversion_model(spring, MONTH).tidy().set_index("term")
    facts = inquiry_facts_table(ds, [MONTH])
    assert fitted.at["promotion_day", "n"] == (facts["day"].dt.day <= 15).sum()


def test_response_grid_adds_up(ds):
    grid = response_grid(ds, MONTH).tidy()
    assert len(grid) == 7 * 24
    assert grid["inquiries"].sum() == kpi_table(ds, (), "month").set_index("period").at[
        MONTH, "inquiries"]
    counted = grid["counted_sessions"] > 0
    assert grid.loc[counted, "fast_response_rate"].between(0, 1).all()
    assert grid.loc[~counted, "avg_first_response_s"].isna().all()
    assert (grid["inquiries_per_day"] * grid["days"]).sum() == pytest.approx(
        grid["inquiries"].sum())


def test_cells_below_the_fast_response_target(ds):
    """One-sided exact binomial p-values: P(X <= fast) under the target, scipy's binom.cdf."""
    grid = response_grid(ds, MONTH)
    cells = grid.below_target(0.99)
    table = grid.tidy()
    assert len(cells) == int((table["counted_sessions"] > 0).sum())
    np.testing.assert_allclose(cells["fast_sessions"] / cells["counted_sessions"],
                               cells["fast_response_rate"], rtol=1e-12)
    np.testing.assert_allclose(
        cells["p_value"], stats.binom.cdf(cells["fast_sessions"], cells["counted_sessions"],
                                          0.99), rtol=1e-9)
    assert cells["fast_response_rate"].is_monotonic_increasing
    assert (cells["below"] == (cells["p_value"] < 0.05)).all()
    assert 0 < cells["below"].sum() < len(cells)
    assert cells.loc[cells["below"], "fast_response_rate"].max() < 0.99
    assert not grid.below_target(0.0)["below"].any()  # nothing is below a zero target


def test_model_tables_are_consistent(model):
    coefs = model.tidy()
    assert list(coefs.columns) == list(model.columns)
    assert (coefs["ci_low"] <= coefs["odds_ratio"]).all()
    assert (coefs["odds_ratio"] <= coefs["ci_high"]).all()
    assert (coefs["ame_ci_low"] <= coefs["ame"]).all()
    assert (coefs["ame"] <= coefs["ame_ci_high"]).all()
    assert model.references["tenure_band"] == "90-364"
    shape = model.shape
    assert shape["bin"].iloc[0] == "0-29s"
    assert shape["n"].sum() == model.n_obs
    # The shape falls with slower answers: the slowest bin converts less than the fastest.
    assert shape.set_index("bin").at["5-10min", "odds_ratio"] < 1


def test_planted_first_response_effect_recovered_without_agent_effects(tmp_path):
    """With no agent effect and clean attribution the model is the simulator's: its 95% CI
    covers the planted -0.15 per minute.

    One world, so a miss in about one seed of twenty is expected; the seed was set on the
    simulator's four teams (FOUR_TEAMS), where it stays. Measured over seeds 1-20 (this
    configuration, 30 agents, 2024-02 fitted): four teams covered 20/20, the default eight
    teams 18/20 with a mean estimate of -0.152 (no bias; seed 11 is one of the two misses,
    CI -0.146 to -0.069, with or without the load knee).
    """
    params = merge_params(FOUR_TEAMS, merge_params(CLEAN, {"conversion": {"agent_sd": 0.0}}))
    simulate_world(tmp_path, 11, agents=30, months=2, params=params)
    ds = load_dataset(tmp_path, cache=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = fit_conversion_model(ds, "2024-02")
    row = m.coefficients.set_index("term").loc["first_response_min"]
    assert math.log(row["ci_low"]) < -0.15 < math.log(row["ci_high"])
    assert row["ame"] < 0


def test_agent_day_model_without_sessions(ds):
    k = kpi_table(ds, ("agent_id",), "day")
    daily = pd.DataFrame({"date": k["period"], "agent_id": k["agent_id"],
                          "inquiries": k["inquiries"], "paid_buyers": k["converted_inquiries"],
                          "avg_first_response_s": k["avg_first_response_s"],
                          "fast_response_rate": k["fast_response_rate"]})
    only = dataset_from_frames({"agents": ds.frame("agents"), "agent_daily": daily})
    m = fit_conversion_model(only, MONTH)
    assert m.kind == "agent_day"
    assert any("agent_daily only" in note for note in m.notes)
    assert {"first_response_min", "fast_response_rate"} <= set(m.coefficients["term"])
    assert m.n_obs == int(((k["period"].astype(str).str[:7] == MONTH) & (k["inquiries"] > 0)
                           & k["avg_first_response_s"].notna()).sum())
    _json_ok(m.to_json())
    # The dataset route is the panel route: the same panel with the roster's columns.
    panel = daily.merge(ds.frame("agents")[["agent_id", "hire_date", "shift"]], on="agent_id")
    direct = fit_agent_day_model(panel, month=MONTH, promotions=ds.settings.promotions)
    pd.testing.assert_frame_equal(direct.tidy(), m.tidy())


def _agent_day_world(rng, *, agents=40, agent_sd=0.0):
    """Agent-days of Jan-Feb 2024 with planted effects on the logit of conversion: -0.15 per
    minute of the day's average first response, +0.5 per unit of fast-response rate."""
    days = pd.date_range("2024-01-01", "2024-02-29")
    a, d = np.meshgrid(np.arange(agents), np.arange(len(days)), indexing="ij")
    a, d = a.ravel(), d.ravel()
    speed = rng.lognormal(math.log(90), 0.5, agents)  # each agent's typical seconds
    avg_s = np.clip(speed[a] * rng.lognormal(0, 0.35, len(a)), 5, 600)
    fast = special.expit(2.2 - avg_s / 60 + rng.normal(0, 0.5, len(a)))
    n = rng.poisson(20, len(a)) + 1
    u = rng.normal(0, agent_sd, agents)[a]
    p = special.expit(-0.3 - 0.15 * avg_s / 60 + 0.5 * fast + u)
    return pd.DataFrame({"date": days[d].date, "agent_id": [f"A{i:03d}" for i in a],
                         "inquiries": n, "converted_inquiries": rng.binomial(n, p),
                         "avg_first_response_s": avg_s, "fast_response_rate": fast})


def test_agent_day_model_recovers_planted_effects(rng):
    panel = _agent_day_world(rng)
    m = fit_agent_day_model(panel, month="2024-02", months=2)
    c = m.tidy().set_index("term")
    assert m.kind == "agent_day" and m.n_agents == 40 and m.n_obs == len(panel)
    for term, planted in (("first_response_min", -0.15), ("fast_response_rate", 0.5)):
        assert math.log(c.at[term, "ci_low"]) < planted < math.log(c.at[term, "ci_high"]), term
    assert c.at["first_response_min", "ame"] < 0
    assert m.what_if["uplift"] > 0  # answering within 30 s raises predicted conversion


def test_agent_day_clustered_ses_equal_inquiry_level_logit(rng):
    """Agent-day binomial GLM with agent-clustered SEs against statsmodels' Bernoulli
    ``Logit(...).fit(cov_type="cluster")`` on the same data expanded to one row per inquiry.

    The estimates are equal; the cluster scores are equal, so the SEs differ only by
    statsmodels' small-sample factor (N - 1) / (N - K), N the rows of each fit.
    """
    panel = _agent_day_world(rng, agents=12)
    panel = panel[pd.to_datetime(panel["date"]) >= "2024-02-01"]
    m = fit_agent_day_model(panel, month="2024-02", promotions={})
    res = m.model
    X, names = res.model.exog, list(res.model.exog_names)
    y, n = panel["converted_inquiries"].to_numpy(), panel["inquiries"].to_numpy()
    rows = np.repeat(np.arange(len(panel)), n)
    first = np.concatenate([[0], np.cumsum(n)[:-1]])
    ones = (np.arange(len(rows)) - first[rows]) < y[rows]
    groups = pd.factorize(panel["agent_id"])[0][rows]
    logit = sm.Logit(ones.astype(float), X[rows]).fit(
        disp=0, cov_type="cluster", cov_kwds={"groups": groups})
    np.testing.assert_allclose(res.params, logit.params, atol=1e-6)
    k = X.shape[1]
    factor = math.sqrt(((len(panel) - 1) / (len(panel) - k)) / ((len(rows) - 1)
                                                                / (len(rows) - k)))
    np.testing.assert_allclose(res.bse, logit.bse * factor, rtol=1e-6)
    assert names[:3] == ["const", "first_response_min", "fast_response_rate"]


def test_agent_day_panel_errors_name_column_and_rows(rng):
    panel = _agent_day_world(rng, agents=3).head(20)
    with pytest.raises(DataContractError, match="fast_response_rate.*missing"):
        fit_agent_day_model(panel.drop(columns="fast_response_rate"))
    bad = panel.copy()
    bad.loc[[2, 7], "converted_inquiries"] = bad.loc[[2, 7], "inquiries"] + 1
    bad.loc[4, "fast_response_rate"] = 52.0  # a percent, not a share
    with pytest.raises(DataContractError) as err:
        fit_agent_day_model(bad)
    text = str(err.value)
    assert "converted_inquiries" in text and "exceeds inquiries in 2" in text
    assert "rows 3, 8" in text
    assert "fast_response_rate" in text and "row 5: '52.0'" in text


def test_model_without_data_says_why(ds):
    m = fit_conversion_model(ds, "2023-06")
    assert m.model is None and m.coefficients.empty
    assert any("not fitted" in note for note in m.notes)
    _json_ok(m.to_json())


# -- shrinkage ------------------------------------------------------------------------------------


def test_beta_binomial_ml_matches_direct_scipy_fit(rng):
    n = rng.integers(20, 400, 60)
    x = rng.binomial(n, rng.beta(6.0, 14.0, 60))
    fit = fit_beta_binomial(x, n, "ml")

    def negll(t):
        return -stats.betabinom.logpmf(x, n, math.exp(t[0]), math.exp(t[1])).sum()

    ref = optimize.minimize(negll, [0.0, 0.0], method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
    a, b = np.exp(ref.x)
    assert fit.alpha == pytest.approx(a, rel=1e-3)
    assert fit.beta == pytest.approx(b, rel=1e-3)
    assert fit.loglik == pytest.approx(-ref.fun, abs=1e-6)
    mom = fit_beta_binomial(x, n, "moments")
    assert mom.mean == pytest.approx(x.sum() / n.sum())
    assert mom.concentration == pytest.approx(fit.concentration, rel=0.5)


def test_beta_binomial_without_spread_pools_everything(rng):
    n = np.full(40, 200)
    x = rng.binomial(n, 0.3)  # one common rate: no spread beyond binomial noise
    fit = fit_beta_binomial(x, n, "moments")
    assert fit.concentration == pytest.approx(MAX_CONCENTRATION) or fit.concentration > 1e4


def test_beta_binomial_intervals_cover_at_the_nominal_rate(rng):
    """Rates drawn from a beta prior: the EB posterior intervals cover about 90% of them."""
    covered, total = 0, 0
    for _ in range(40):
        p = rng.beta(8.0, 12.0, 50)
        n = rng.integers(10, 300, 50)
        x = rng.binomial(n, p)
        fit = fit_beta_binomial(x, n)
        a, b = fit.alpha + x, fit.beta + n - x
        lo, hi = stats.beta.ppf(0.05, a, b), stats.beta.ppf(0.95, a, b)
        covered += ((lo <= p) & (p <= hi)).sum()
        total += len(p)
    assert 0.86 <= covered / total <= 0.94


def test_shrinkage_invariants(ds):
    result = shrink_agent_rates(ds, MONTH, seed=1)
    t = result.tidy()
    assert list(t.columns) == list(result.columns)
    # Each agent's posterior mean is a mixture of rates between its raw rate and a prior
    # mean of the grid: it lies between the raw rate and the grid's range of prior means.
    for g, grp in t.groupby("group"):
        fit = result.model[g]
        mus = fit.alpha / (fit.alpha + fit.beta)
        lo = np.minimum(grp["conversion_rate"], mus.min()) - 1e-12
        hi = np.maximum(grp["conversion_rate"], mus.max()) + 1e-12
        assert ((grp["shrunk_rate"] >= lo) & (grp["shrunk_rate"] <= hi)).all()
        assert grp["shrunk_rate"].std() < grp["conversion_rate"].std()
    # With a plug-in prior the posterior mean lies between the raw rate and the prior mean.
    plug = shrink_agent_rates(ds, MONTH, prior="ml").tidy()
    lo = np.minimum(plug["conversion_rate"], plug["prior_mean"]) - 1e-12
    hi = np.maximum(plug["conversion_rate"], plug["prior_mean"]) + 1e-12
    assert ((plug["shrunk_rate"] >= lo) & (plug["shrunk_rate"] <= hi)).all()
    assert ((t["ci_low"] <= t["shrunk_rate"]) & (t["shrunk_rate"] <= t["ci_high"])).all()
    assert t["p_bottom"].between(0, 1).all()
    sums = t.groupby("group")["p_bottom"].sum()
    counts = result.priors.set_index("group")["bottom_count"]
    np.testing.assert_allclose(sums, counts.reindex(sums.index), atol=1e-9)
    for g, grp in t.groupby("group"):
        assert counts[g] == math.ceil(round(0.1 * len(grp), 9))
    # Reproducible with the seed; the draws only move p_bottom.
    again = shrink_agent_rates(ds, MONTH, seed=1).tidy()
    pd.testing.assert_frame_equal(t, again)
    assert t["name"].notna().all()
    js = _json_ok(result.to_json())
    assert {"agent_id", "name", "team", "inquiries", "conversion_rate", "shrunk_rate",
            "ci_low", "ci_high", "p_bottom"} <= set(js["agents"][0])


def test_hierarchical_posterior_against_direct_integration():
    """Grid posterior against scipy's adaptive quadrature of the same model (BDA3 5.3).

    Reference: p(logit mu, log kappa | x) ~ prod_i BetaBinomial(x_i | n_i, mu kappa,
    (1 - mu) kappa) x mu (1 - mu) kappa^(-1/2), integrated with ``scipy.integrate.dblquad``;
    unit 0's posterior mean rate E[(x_0 + alpha) / (n_0 + alpha + beta)] and its posterior
    probability of a rate below 0.3, E[I_{0.3}(alpha + x_0, beta + n_0 - x_0)].
    """
    from scipy import integrate

    x = np.array([4.0, 9, 2, 15, 7, 11, 5, 8])
    n = np.array([20.0, 25, 14, 40, 22, 30, 18, 26])
    fit = fit_beta_binomial_hierarchical(x, n)

    def post(lk, lm):
        mu, kappa = special.expit(lm), math.exp(lk)
        a, b = mu * kappa, (1 - mu) * kappa
        return math.exp(stats.betabinom.logpmf(x, n, a, b).sum() + math.log(mu * (1 - mu))
                        - 0.5 * lk + 60.0), a, b

    def integral(g):
        return integrate.dblquad(lambda lk, lm: post(lk, lm)[0] * g(*post(lk, lm)[1:]),
                                 -4.0, 2.0, math.log(1e-2), math.log(1e7),
                                 epsabs=0, epsrel=1e-7)[0]

    z = integral(lambda a, b: 1.0)
    mean0 = integral(lambda a, b: (x[0] + a) / (n[0] + a + b)) / z
    below0 = integral(lambda a, b: special.betainc(a + x[0], b + n[0] - x[0], 0.3)) / z
    assert fit.rate_means(x[:1], n[:1])[0] == pytest.approx(mean0, abs=2e-4)
    assert fit.rate_quantiles(x[:1], n[:1], below0)[0] == pytest.approx(0.3, abs=1e-3)


def test_point_posterior_quantiles_are_beta_quantiles(rng):
    """A plug-in prior is a one-point posterior: its quantiles are scipy's beta.ppf."""
    prior = fit_beta_binomial([3, 10, 25, 0], [20, 40, 60, 5])
    point = BetaBinomialPosterior.point(prior)
    x, n = np.array([0.0, 3, 17, 60]), np.array([5.0, 20, 40, 61])
    for q in (0.05, 0.5, 0.95):
        np.testing.assert_allclose(
            point.rate_quantiles(x, n, q),
            stats.beta.ppf(q, prior.alpha + x, prior.beta + n - x), atol=1e-9)
    np.testing.assert_allclose(point.rate_means(x, n),
                               (prior.alpha + x) / (prior.concentration + n))
    draws = point.draw_rates(x, n, 20000, rng)
    np.testing.assert_allclose(draws.mean(axis=1), point.rate_means(x, n), atol=0.01)


def test_hierarchical_intervals_cover_where_plug_in_ones_fall_short(rng):
    """Teams of eight agents, rates drawn from Beta(13, 22) (sd 0.08): the hierarchical 90%
    intervals cover near 90%, the plug-in (maximum-likelihood prior) ones clearly less.

    Measured over 60 teams (480 rates): hierarchical 0.902, plug-in 0.719.
    """
    hier, plug, total = 0, 0, 0
    for _ in range(60):
        p = rng.beta(13.0, 22.0, 8)
        n = rng.integers(30, 80, 8).astype(float)
        x = rng.binomial(n.astype(int), p).astype(float)
        fit = fit_beta_binomial_hierarchical(x, n)
        lo, hi = fit.rate_quantiles(x, n, 0.05), fit.rate_quantiles(x, n, 0.95)
        hier += int(((lo <= p) & (p <= hi)).sum())
        ml = BetaBinomialPosterior.point(fit_beta_binomial(x, n))
        lo, hi = ml.rate_quantiles(x, n, 0.05), ml.rate_quantiles(x, n, 0.95)
        plug += int(((lo <= p) & (p <= hi)).sum())
        total += len(p)
    print(f"\nhierarchical {hier / total:.3f}, plug-in {plug / total:.3f} of {total}")
    assert 0.85 <= hier / total <= 0.95
    assert plug < hier


def test_shrinkage_toward_the_shop_and_moments(ds):
    shop = shrink_agent_rates(ds, MONTH, by="shop", prior="moments", bottom_share=0.2).tidy()
    assert set(shop["group"]) == {"shop"}
    assert shop["p_bottom"].sum() == pytest.approx(math.ceil(0.2 * len(shop)))


def _true_rates(ds, sim, month: str) -> pd.Series:
    """Each agent's expected conversion rate over its inquiries of the month (planted model,
    clean attribution: an inquiry is a visit)."""
    cv = sim.p["conversion"]
    f = inquiry_facts_table(ds, [month])
    hire = ds.frame("agents").set_index("agent_id")["hire_date"]
    tenure = (f["day"] - pd.to_datetime(f["agent_id"].map(hire))).dt.days
    band = np.digitize(tenure, [30, 90, 365])
    tl = cv["tenure_logit"]
    band_logit = np.array([tl["0-29"], tl["30-89"], tl["90-364"], tl["365+"]])[band]
    u = np.array(sim.staff.cols["u_conv"])[f["agent_id"].str[2:].astype(int) - 1]
    eta = (special.logit(cv["baseline_p"]) + cv["first_response_per_min"]
           * f["capped_response_s"] / 60 + cv["never_answered_logit"] * f["never_answered"]
           + band_logit + u)
    return pd.Series(special.expit(eta)).groupby(f["agent_id"]).mean()


def test_shrunk_rates_beat_raw_rates_on_planted_agent_effects(tmp_path):
    light = {"teams": [dict(t, presale_per_day=2.5) for t in DEFAULT_PARAMS["teams"]]}
    sim = simulate_world(tmp_path, 5, agents=40, months=2, params=merge_params(CLEAN, light))
    ds = load_dataset(tmp_path, cache=False)
    t = shrink_agent_rates(ds, "2024-02").tidy().set_index("agent_id")
    truth = _true_rates(ds, sim, "2024-02").reindex(t.index)
    mse_raw = float(((t["conversion_rate"] - truth) ** 2).mean())
    mse_shrunk = float(((t["shrunk_rate"] - truth) ** 2).mean())
    print(f"MSE raw {mse_raw:.5f} shrunk {mse_shrunk:.5f}")
    assert mse_shrunk < mse_raw
    coverage = float(((t["ci_low"] <= truth) & (truth <= t["ci_high"])).mean())
    assert coverage >= 0.75


# -- two proportions ------------------------------------------------------------------------------


def test_compare_proportions_against_statsmodels():
    from statsmodels.stats.proportion import proportions_ztest

    for x1, n1, x2, n2 in [(45, 100, 30, 100), (120, 400, 131, 410), (3, 14, 40, 90)]:
        r = compare_proportions(x1, n1, x2, n2)
        z, p = proportions_ztest([x1, x2], [n1, n2])
        assert r.z == pytest.approx(z, rel=1e-12)
        assert r.p_value == pytest.approx(p, rel=1e-12)
        assert r.ci_low < r.difference < r.ci_high
        assert r.beyond_chance == (p < 0.05)
        _json_ok(r.to_json())
    assert compare_proportions(45, 100, 30, 100).beyond_chance
    assert not compare_proportions(31, 100, 30, 100).beyond_chance


def test_compare_proportions_edge_cases():
    r = compare_proportions(0, 0, 3, 10)
    assert math.isnan(r.p_value) and not r.beyond_chance
    assert _json_ok(r.to_json())["p_value"] is None
    z, p = two_proportion_z([0, 5], [10, 10], [0, 5], [10, 10])
    assert list(p) == [1.0, 1.0]


def test_results_are_frozen(ds):
    card = scorecard_table(ds, MONTH, "shop")
    with pytest.raises(dataclasses.FrozenInstanceError):
        card.month = "2024-01"  # type: ignore[misc]
    assert "<table" in card._repr_html_()


# -- planted truth over many seeds ----------------------------------------------------------------


PLANTED = {"first_response_min": -0.15, "tenure_band[0-29]": -0.5,
           "tenure_band[30-89]": -0.25, "tenure_band[365+]": 0.1}


def _planted_estimates(tmp_path, params: dict, seeds) -> pd.DataFrame:
    """One row per seed and planted term the model fitted: estimate, ci_low, ci_high (log
    odds), covered."""
    rows = []
    for seed in seeds:
        out = tmp_path / f"m{seed}"
        simulate_world(out, seed, agents=30, months=2, params=merge_params(FOUR_TEAMS, params))
        ds = load_dataset(out, cache=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            c = fit_conversion_model(ds, "2024-02").coefficients.set_index("term")
        for term, value in PLANTED.items():
            if term in c.index:
                lo, hi = math.log(c.at[term, "ci_low"]), math.log(c.at[term, "ci_high"])
                rows.append({"seed": seed, "term": term, "truth": value,
                             "estimate": c.at[term, "estimate"], "covered": lo <= value <= hi})
    return pd.DataFrame(rows)


def _check_planted(table: pd.DataFrame, world: str, min_fitted: int) -> None:
    """The coverage rule (tests/coverage_rule.py) and bias within 3 Monte-Carlo SEs."""
    for term, rows in table.groupby("term"):
        what = f"{world}, {term}"
        assert len(rows) >= min_fitted, f"{what}: fitted in only {len(rows)} worlds"
        assert_coverage(int(rows["covered"].sum()), len(rows), what)
        bias = rows["estimate"].mean() - rows["truth"].iloc[0]
        mcse = rows["estimate"].std(ddof=1) / math.sqrt(len(rows))
        assert abs(bias) <= 3 * mcse, f"{what}: bias {bias:+.3f} beyond 3 x MCSE {mcse:.3f}"


@pytest.mark.slow
def test_planted_effects_covered_over_seeds(tmp_path):
    """Coverage of the planted first-response and tenure effects, seeds 0-19 with the
    default agent effect (sd 0.35) and 0-9 without one, checked by the one coverage rule
    and for bias (mean estimate minus the planted value within 3 Monte-Carlo SEs).

    Clean attribution (see CLEAN), 30 agents, the second month fitted. With the agent effect
    the model is population-averaged: coefficients are the planted ones attenuated by about
    1 / sqrt(1 + 0.346 x 0.35^2) = 0.98 (Zeger, Liang & Albert 1988), well inside the CIs.
    A tenure band held by one agent is pooled (not identified apart from that agent), so
    the new-hire bands are fitted in fewer worlds.

    Why the tenure bands used to fall short (7 of 10 for 365+ without agent effects): not
    bias but standard errors. Measured on seeds 1-40 without agent effects, the estimates
    are unbiased (0-29: -0.029, MCSE 0.029; 30-89: -0.032, MCSE 0.018; 365+: +0.004, MCSE
    0.009), but the cluster sandwich (CV1) z-scores had sd 1.27 (0-29, two agents in the
    median world), 1.76 (30-89) and 1.24 (365+): too small SEs where few clusters hold a
    term. With the jackknife (CV3) and t(min(m, G - m) - 1): sd 0.74, 1.17, 1.02 and
    coverage 39/40 first response, 21/21 (0-29), 37/39 (30-89), 39/40 (365+); with agent
    effects (sd 0.35) 38/40, 22/22, 39/39, 36/40 (CV1 had 37, 15/22, 30/39, 34).
    Measured here (seeds 0-19, agent sd 0.35): first response 19/20, tenure 0-29 12/12,
    30-89 18/18, 365+ 18/20; mean estimates -0.160, -0.562, -0.270, +0.172 (365+ is the
    noisiest: sd about 0.17 over worlds). Seeds 0-9 without agent effects: 10/10, 4/4, 9/9,
    10/10. Run: ``pytest -m slow -s -k
    planted_effects_covered tests/analyses/test_conversion.py``.
    """
    exact = _planted_estimates(
        tmp_path / "exact", merge_params(CLEAN, {"conversion": {"agent_sd": 0.0}}),
        range(10))
    agents = _planted_estimates(tmp_path / "agents", CLEAN, range(20))
    for name, table in (("agent_sd 0", exact), ("agent_sd 0.35", agents)):
        summary = table.groupby("term").agg(covered=("covered", "sum"),
                                            fitted=("covered", "size"),
                                            mean=("estimate", "mean"))
        print(f"\n{name}, covered / fitted and mean estimate:\n{summary}")
    _check_planted(exact, "agent_sd 0", min_fitted=4)
    _check_planted(agents, "agent_sd 0.35", min_fitted=8)


@pytest.mark.slow
def test_agent_day_model_covers_planted_effects_over_seeds():
    """The agent-day model's 95% CIs over 20 seeds of 40 agents x 60 days, with an agent
    effect (sd 0.3 on the logit) the model does not contain: it is population-averaged, so
    its coefficients are the planted ones attenuated by about 1 / sqrt(1 + 0.346 x 0.09) =
    0.985 (Zeger, Liang & Albert 1988), well inside the CIs. Measured with the jackknife
    (CV3) SEs: first response 18/20, fast-response rate 20/20 (as with CV1)."""
    hits = {"first_response_min": 0, "fast_response_rate": 0}
    planted = {"first_response_min": -0.15, "fast_response_rate": 0.5}
    for seed in range(1, 21):
        panel = _agent_day_world(np.random.default_rng(seed), agent_sd=0.3)
        c = fit_agent_day_model(panel, month="2024-02", months=2).tidy().set_index("term")
        for term in hits:
            hits[term] += bool(math.log(c.at[term, "ci_low"]) <= planted[term]
                               <= math.log(c.at[term, "ci_high"]))
    print(f"\nagent-day model, planted effects covered in 20 seeds: {hits}")
    for term, covered in hits.items():
        assert_coverage(covered, 20, f"agent-day model, {term}")


@pytest.mark.slow
def test_shrinkage_covers_true_agent_rates_over_seeds(tmp_path):
    """Shrunk 90% intervals against agents' true rates (planted model, agent sd 0.35), and
    mean squared error of shrunk against raw rates, over 20 seeds of 40 light agents
    (about 50 inquiries each, teams of 7-13 agents).

    Measured: hierarchical intervals cover 0.880 (713/810) against the nominal 0.90; the
    plug-in maximum-likelihood prior's intervals 0.762 (617/810), because a team of about
    ten agents cannot pin down the spread between agents and a plug-in prior treats its
    estimate (often near zero) as known (Morris 1983, JASA 78). The rest of the shortfall
    is the planted world not being beta: agents' rates are logit-normal and new hires sit
    lower (coverage falls for the agents furthest from their team). The method itself is
    calibrated where its model holds: on beta-distributed rates, teams of eight, it covers
    0.902 (test_hierarchical_intervals_cover_where_plug_in_ones_fall_short). 713 of 810
    against 0.90 is an exact one-sided binomial p of about 0.04 (floor 709) even counted as
    independent intervals (they are not: teammates share a prior), so it is not credibly
    short by the
    coverage rule; the misspecification costs about two points. MSE shrunk 0.00295
    against raw 0.00437 (means of the seeds). Run: ``pytest -m slow -s -k shrinkage_covers
    tests/analyses/test_conversion.py``.
    """
    light = {"teams": [dict(t, presale_per_day=2.5) for t in FOUR_TEAMS["teams"]]}
    covered = {"hierarchical": 0, "ml": 0}
    total, mse = 0, []
    for seed in range(1, 21):
        out = tmp_path / str(seed)
        sim = simulate_world(out, seed, agents=40, months=2, params=merge_params(CLEAN, light))
        ds = load_dataset(out, cache=False)
        for prior in covered:
            t = shrink_agent_rates(ds, "2024-02", prior=prior).tidy().set_index("agent_id")
            truth = _true_rates(ds, sim, "2024-02").reindex(t.index)
            covered[prior] += int(((t["ci_low"] <= truth) & (truth <= t["ci_high"])).sum())
            if prior == "hierarchical":
                total += len(t)
                mse.append((((t["conversion_rate"] - truth) ** 2).mean(),
                            ((t["shrunk_rate"] - truth) ** 2).mean()))
    raw, shrunk = np.mean(mse, axis=0)
    hier, plug = covered["hierarchical"] / total, covered["ml"] / total
    print(f"\nshrunk 90% intervals cover true agent rates: hierarchical "
          f"{covered['hierarchical']}/{total} = {hier:.3f}, plug-in ML {covered['ml']}/{total}"
          f" = {plug:.3f}; MSE raw {raw:.5f}, shrunk {shrunk:.5f}")
    # The coverage rule counts intervals as independent; an agent's interval shares its
    # team's prior with its teammates', so the count varies more than the rule assumes and
    # the rule is, if anything, strict here.
    assert_coverage(covered["hierarchical"], total, "shrunk 90% intervals", nominal=0.90)
    assert hier <= 0.95
    assert hier > plug + 0.05
    assert shrunk < 0.8 * raw


def test_every_result_plots_from_its_tidy_table(ds, model):
    import matplotlib.pyplot as plt

    results = [scorecard_table(ds, MONTH), decompose_sales_change(ds, MONTH, by="team"),
               shrink_agent_rates(ds, MONTH), model, compare_proportions(45, 100, 30, 100)]
    for result in results:
        assert result.plot() is not None
        _, ax = plt.subplots()
        drawn = (result.plot(ax=ax, group="shop") if hasattr(result, "shop")
                 else result.plot(ax=ax))
        assert drawn is ax
    assert model.plot(which="odds_ratios").get_xscale() == "log"
    plt.close("all")


# -- sampled fit (issue 13.4) ---------------------------------------------------------------------


SAMPLE_THRESHOLD = 1500  # presale sessions; the fitted month has about 5,800


@pytest.fixture(scope="module")
def sampled_world(ds, model):
    """The module's world (24 agents, agent effect sd 0.35) with a threshold low enough that
    its month is fitted on about a third of its inquiries; the full fit is ``model``."""
    low = dataclasses.replace(ds.settings, logit_sample_sessions=SAMPLE_THRESHOLD)
    frames = {name: ds.frame(name) for name in ds.tables}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampled = fit_conversion_model(dataset_from_frames(frames, settings=low), MONTH)
    return frames, low, model, sampled


def test_sampled_fit_states_its_sample(sampled_world):
    frames, low, full, sampled = sampled_world
    s = sampled.sample
    assert not full.sample["sampled"] and full.sample["ci_scale"] == 1.0
    assert full.sample["sample_inquiries"] == full.n_obs == s["population_inquiries"]
    assert s["sampled"] and s["method"] == "agent-stratified" and s["seed"] == f"csnb-{MONTH}"
    assert s["population_sessions"] > SAMPLE_THRESHOLD == s["threshold_sessions"]
    assert s["fraction"] == pytest.approx(SAMPLE_THRESHOLD / s["population_sessions"])
    assert s["sample_inquiries"] == sampled.n_obs < full.n_obs
    # Every agent (cluster) stays, each with ceil(fraction x its inquiries).
    assert sampled.n_agents == full.n_agents
    per_agent = inquiry_facts_table(dataset_from_frames(frames), [MONTH]) \
        .groupby("agent_id").size()
    assert sampled.n_obs == int(np.ceil(per_agent * s["fraction"]).sum())
    assert s["ci_scale"] == pytest.approx(math.sqrt(full.n_obs / sampled.n_obs))
    assert any("seeded sample" in n for n in sampled.notes)
    assert _json_ok(sampled.to_json())["sample"]["sampled"] is True


def test_sampled_estimates_agree_with_the_full_fit(sampled_world):
    """Terms that vary within agents (first response, never answered, hour, weekday,
    category): the sample's estimate within 2.5 of its standard errors of the full fit's,
    and 85% of them within 2. Agent-level terms (tenure, shift) are left out here: with
    the few agents that hold a new-hire band their clustered SEs are too small (see
    test_planted_effects_covered_over_seeds). Measured (threshold 1500, 2,300 of 5,800
    inquiries): the largest |z| among these 0.94 (first response)."""
    _, _, full, sampled = sampled_world
    f = full.coefficients.set_index("term")
    s = sampled.coefficients.set_index("term")
    within = s.index[s["variable"].isin(
        ["first_response_min", "never_answered", "hour", "weekday", "category"])]
    common = f.index.intersection(within)
    assert "first_response_min" in common and len(common) >= 10
    z = (s.loc[common, "estimate"] - f.loc[common, "estimate"]) / s.loc[common, "std_error"]
    print("\n(sampled - full) / sampled se:", z.round(2).to_dict())
    assert (z.abs() < 2.5).all()
    assert (z.abs() < 2).mean() >= 0.85


def test_sampled_interval_widths_scale_as_stated(sampled_world):
    """The report states intervals up to sqrt(N / n) wider: that much for terms that vary
    within agents (an agent's inquiries independent given the terms), less for agent-level
    terms, whose uncertainty is partly between agents and is not shrunk by sampling within
    them. Measured (threshold 1500, stated 1.94): first response 1.73, median of the
    within-agent terms 1.81; agent-level terms 1.02-2.13."""
    _, _, full, sampled = sampled_world
    f = full.coefficients.set_index("term")
    s = sampled.coefficients.set_index("term")
    common = f.index.intersection(s.index)
    ratio = (np.log(s.loc[common, "ci_high"] / s.loc[common, "ci_low"])
             / np.log(f.loc[common, "ci_high"] / f.loc[common, "ci_low"]))
    within = s.loc[common, "variable"].isin(
        ["first_response_min", "never_answered", "hour", "weekday", "category"])
    stated = sampled.sample["ci_scale"]
    print(f"\nstated {stated:.2f}; width ratios:", ratio.round(2).to_dict())
    assert stated == pytest.approx(math.sqrt(full.n_obs / sampled.n_obs))
    assert ratio["first_response_min"] == pytest.approx(stated, rel=0.25)
    assert float(np.median(ratio[within])) == pytest.approx(stated, rel=0.2)
    assert (ratio[~within] <= 1.25 * stated).all()


def test_same_data_same_sample_and_no_full_pull(sampled_world, monkeypatch):
    """A fresh load gives the same sample (the seed is the month's); no query brings every
    inquiry into pandas, and the full inquiry table is never asked for."""
    import csnb.analyses._conversion_frames as cm
    from csnb.io.dataset import Dataset

    frames, low, _, sampled = sampled_world
    rows: list[int] = []
    original = Dataset.query

    def recording(self, sql):
        frame = original(self, sql)
        rows.append(len(frame))
        return frame

    def refuse(*args, **kwargs):
        raise AssertionError("the full inquiry table was pulled into pandas")

    monkeypatch.setattr(Dataset, "query", recording)
    monkeypatch.setattr(cm, "inquiry_facts_table", refuse)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = fit_conversion_model(dataset_from_frames(frames, settings=low), MONTH)
    pd.testing.assert_frame_equal(again.coefficients, sampled.coefficients)
    assert again.sample == sampled.sample
    assert max(rows) == sampled.n_obs < sampled.sample["population_inquiries"]


def test_sample_threshold_is_a_positive_integer():
    with pytest.raises(SettingsError, match="logit_sample_sessions"):
        Settings(logit_sample_sessions=0)
    assert Settings().logit_sample_sessions == 500_000


def test_the_sample_is_the_seeded_ranking_of_the_facts(sampled_world):
    """Reference in pandas: per agent, the inquiries ordered by the MD5 of
    "customer|agent|day|seed" (then customer, day), the first ceil(fraction x n) kept, each
    with its row of the full inquiry facts."""
    import hashlib

    import csnb.analyses._conversion_frames as cm
    from csnb.metrics.inquiries import inquiry_facts_table

    frames, low, _, sampled = sampled_world
    world = dataset_from_frames(frames, settings=low)
    plan = cm._sample_plan(world, MONTH, [MONTH])
    got = cm._sampled_facts(world, [MONTH], plan)
    facts = inquiry_facts_table(world, [MONTH])
    facts["digest"] = [
        hashlib.md5(f"{c}|{a}|{d.date().isoformat()}|{plan['seed']}".encode()).hexdigest()
        for c, a, d in zip(facts["customer_id"], facts["agent_id"], facts["day"], strict=True)]
    ranked = facts.sort_values(["agent_id", "digest", "customer_id", "day"])
    rank = ranked.groupby("agent_id").cumcount() + 1
    size = ranked.groupby("agent_id")["digest"].transform("size")
    expected = ranked[rank <= np.ceil(size * plan["fraction"])].drop(columns="digest")
    expected = expected.sort_values(["day", "agent_id", "customer_id"], ignore_index=True)
    assert 0 < len(got) == len(expected) == sampled.n_obs < len(facts)
    pd.testing.assert_frame_equal(got[list(expected.columns)], expected, check_dtype=False)
