"""Tests of the turnover engine: references, planted effects, invariants, edge cases.

References (tests/data/reference/):
- rossi.csv, survival_rossi_reference.json: Rossi et al. (1980) recidivism as shipped by
  lifelines; R ``coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio)``
  with Efron ties as printed by Fox & Weisberg, ``survfit`` S(52), ``survdiff`` on fin.
- lung.csv (lifelines' copy of R ``survival::lung``, status recoded 0/1): R
  ``survfit(Surv(time, status) ~ 1)`` median 310 (0.95 LCL 285, UCL 363) and by sex
  270 (212, 310), 426 (348, 550), default ``conf.type = "log"``.
- regression.csv (lifelines' regression dataset): R (survival < 3.0)
  ``cox.zph(coxph(Surv(T, E) ~ var1 + var2 + var3), transform = "rank")`` as quoted in
  lifelines' tests: chisq 1.4938293, 0.8792998, 2.2686088 (p 0.1320184), and with
  ``transform = "log"`` 2.227627, 0.714427, 1.466321.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csnb.analyses._survival import schoenfeld_residuals
from csnb.analyses.turnover import (
    agent_tenure_table,
    at_risk_agents,
    cohort_retention_table,
    exit_risk_table,
    fit_cox,
    fit_exit_hazard,
    fit_retention,
)
from csnb.errors import SettingsError
from csnb.io import load_dataset
from csnb.metrics import agent_month_panel
from csnb.simulate import DEFAULT_PARAMS, simulate

REF = Path(__file__).resolve().parents[1] / "data" / "reference"
ROSSI_COVARIATES = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]
# Few sessions per agent-day: these tests are about agents and exits.
LIGHT = {"teams": [dict(t, presale_per_day=1.0, aftersale_per_day=0.5)
                   for t in DEFAULT_PARAMS["teams"]]}
NIGHT_TRUTH = DEFAULT_PARAMS["exit"]["night_mult"]
NEW_HIRE_TRUTH = DEFAULT_PARAMS["exit"]["new_hire_mult"]


@pytest.fixture(scope="module")
def rossi():
    return pd.read_csv(REF / "rossi.csv")


@pytest.fixture(scope="module")
def rossi_ref():
    return json.loads((REF / "survival_rossi_reference.json").read_text())


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    """A simulated team: 120 agents over 24 months (2024-01 .. 2025-12)."""
    folder = tmp_path_factory.mktemp("turnover")
    truth = simulate(folder, seed=11, agents=120, months=24, params=LIGHT)
    ds = load_dataset(folder)
    return ds, truth, agent_month_panel(ds)


MONTH = "2025-12"


@pytest.fixture(scope="module")
def hazard(sim):
    """The default (logit) hazard model of the simulated team at MONTH."""
    return fit_exit_hazard(sim[2], MONTH)


# -- references ---------------------------------------------------------------------------


def test_cox_reproduces_r_coxph_efron_on_rossi(rossi, rossi_ref):
    """R: coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio, rossi)."""
    result = fit_cox(rossi, ROSSI_COVARIATES, duration="week", event="arrest")
    table = result.tidy().set_index("term")
    assert list(table.index) == ROSSI_COVARIATES
    published = rossi_ref["published_fox_weisberg_R_coxph_efron"]
    exact = rossi_ref["lifelines_efron"]
    for term in ROSSI_COVARIATES:
        assert table.at[term, "coef"] == pytest.approx(published[term]["coef"], abs=1e-4)
        assert table.at[term, "se"] == pytest.approx(published[term]["se"], abs=1e-4)
        assert table.at[term, "coef"] == pytest.approx(exact[term]["coef"], rel=1e-6)
        assert table.at[term, "se"] == pytest.approx(exact[term]["se"], rel=1e-6)
        assert table.at[term, "p_value"] == pytest.approx(exact[term]["p"], rel=1e-5)
    assert table.at["fin", "estimate"] == pytest.approx(np.exp(-0.37942), abs=1e-4)
    assert result.agents == 432 and result.exits == 114
    assert result.model.model.ties == "efron"


def test_schoenfeld_residuals_with_efron_ties_sum_to_the_score(rossi):
    """At the Efron MLE the score is 0, and it is the sum of the Schoenfeld residuals when the
    risk-set mean of tied exits is averaged over Efron's steps (R's residuals): Rossi has
    many tied weeks, so this fails if ties are handled any other way."""
    result = fit_cox(rossi, ROSSI_COVARIATES, duration="week", event="arrest")
    X = rossi[ROSSI_COVARIATES].to_numpy(dtype=float)
    _, resid = schoenfeld_residuals(rossi["week"].to_numpy(dtype=float),
                                    rossi["arrest"].to_numpy(), X, result.model.params)
    assert resid.shape == (114, 7)
    np.testing.assert_allclose(resid.sum(axis=0), 0, atol=1e-6)
    # Breslow's mean (no averaging) would leave a visible score.
    _, naive = schoenfeld_residuals(rossi["week"].to_numpy(dtype=float),
                                    rossi["arrest"].to_numpy(), X, result.model.params * 0.9)
    assert np.abs(naive.sum(axis=0)).max() > 1e-2


@pytest.mark.parametrize(("transform", "expected", "p3"), [
    ("rank", [1.4938293, 0.8792998, 2.2686088], 0.1320184),
    ("log", [2.227627, 0.714427, 1.466321], 0.225927),
])
def test_ph_test_reproduces_r_cox_zph(transform, expected, p3):
    """R (survival < 3.0): cox.zph(coxph(Surv(T, E) ~ var1 + var2 + var3), transform=...)."""
    data = pd.read_csv(REF / "regression.csv")
    result = fit_cox(data, ["var1", "var2", "var3"], duration="T", event="E",
                     transform=transform)
    ph = result.ph_test.set_index("term")
    np.testing.assert_allclose(ph.loc[["var1", "var2", "var3"], "chisq"], expected, rtol=1e-5)
    assert ph.at["var3", "p_value"] == pytest.approx(p3, rel=1e-4)
    assert ph.at["GLOBAL", "df"] == 3
    assert result.tidy().set_index("term").at["var3", "ph_chisq"] == pytest.approx(expected[2],
                                                                                   rel=1e-5)


@pytest.mark.parametrize(("events", "expected"), [([1, 1, 1, 1, 1], 0.00971),
                                                  ([1, 1, 1, 0, 1], 1.013802)])
def test_ph_test_km_transform_reproduces_r(events, expected):
    """R: cox.zph(coxph(Surv(T, E) ~ var1, df), transform="km") on lifelines' 5-row frame."""
    df = pd.DataFrame({"var1": [0.209325, 0.693919, 0.443804, 0.065636, 0.386294],
                       "T": [5.269797, 6.601666, 7.335846, 11.684092, 12.678458],
                       "E": events})
    # Fewer exits than a report would model: call the test directly through the model.
    from statsmodels.duration.hazard_regression import PHReg

    from csnb.analyses._survival import cox_zph

    fit = PHReg(df["T"].to_numpy(), df[["var1"]].to_numpy(), status=df["E"].to_numpy(),
                ties="efron").fit()
    table, _, _ = cox_zph(df["T"].to_numpy(), df["E"].to_numpy(), df[["var1"]].to_numpy(),
                          fit.params, fit.cov_params(), "km")
    assert table.loc[0, "chisq"] == pytest.approx(expected, rel=1e-3)


def test_kaplan_meier_and_logrank_reproduce_rossi(rossi, rossi_ref):
    """R: survfit(Surv(week, arrest) ~ 1, rossi); survdiff(Surv(week, arrest) ~ fin, rossi)."""
    km = rossi_ref["km_overall"]
    overall = fit_retention(rossi, duration="week", event="arrest", times=(10, 52))
    summary = overall.summary.set_index("statistic")
    assert summary.at["retention_52d", "estimate"] == pytest.approx(0.7361, abs=5e-5)
    assert summary.at["retention_52d", "estimate"] == pytest.approx(km["S_at"]["52"], rel=1e-12)
    assert summary.at["retention_10d", "estimate"] == pytest.approx(km["S_at"]["10"], rel=1e-12)
    curve = overall.tidy()
    last = curve[curve["time"] <= 52].iloc[-1]
    assert last["se"] == pytest.approx(0.0212, abs=5e-5)
    assert last["se"] == pytest.approx(km["S52_greenwood_se_statsmodels"], rel=1e-10)
    # log-scale band, as R conf.type="log"
    assert last["ci_low"] == pytest.approx(0.7361111 * np.exp(-1.959964 * last["se"] / 0.7361111),
                                           rel=1e-6)
    # S(52) = 0.74: the median is not reached, and says so (None in JSON, not a number)
    doc = overall.to_json()
    assert doc["median_tenure_days"] == {"estimate": None, "ci_low": None, "ci_high": None}
    json.dumps(doc, allow_nan=False)

    by_fin = fit_retention(rossi, "fin", duration="week", event="arrest", times=(52,))
    assert by_fin.logrank["chi2"] == pytest.approx(3.83757, abs=1e-5)
    assert by_fin.logrank["chi2"] == pytest.approx(rossi_ref["logrank_fin"]["chi2"], rel=1e-10)
    assert by_fin.logrank["p_value"] == pytest.approx(rossi_ref["logrank_fin"]["p"], rel=1e-8)
    assert by_fin.logrank["df"] == 1
    s52 = by_fin.summary[by_fin.summary["statistic"] == "retention_52d"].set_index("group")
    assert s52.at[0, "estimate"] == pytest.approx(rossi_ref["km_by_fin"]["0"]["S52"], rel=1e-12)
    assert s52.at[1, "estimate"] == pytest.approx(rossi_ref["km_by_fin"]["1"]["S52"], rel=1e-12)


def test_median_tenure_ci_reproduces_r_survfit_log_transform():
    """R: survfit(Surv(time, status) ~ 1, lung) and ~ sex: median (0.95LCL, 0.95UCL)."""
    lung = pd.read_csv(REF / "lung.csv")
    overall = fit_retention(lung, duration="time", event="status").summary
    med = overall[overall["statistic"] == "median_tenure_days"].iloc[0]
    assert (med["estimate"], med["ci_low"], med["ci_high"]) == (310, 285, 363)
    by_sex = fit_retention(lung, "sex", duration="time", event="status")
    med = by_sex.summary[by_sex.summary["statistic"] == "median_tenure_days"].set_index("group")
    assert tuple(med.loc[1, ["estimate", "ci_low", "ci_high"]]) == (270, 212, 310)
    assert tuple(med.loc[2, ["estimate", "ci_low", "ci_high"]]) == (426, 348, 550)
    assert by_sex.logrank["chi2"] == pytest.approx(10.3, abs=0.05)  # R prints 10.3


def _cox_frame(rng, n, effect_late):
    """Exponential tenures, x doubles the hazard before day 100 and has ``effect_late`` after."""
    x = rng.random(n) < 0.5
    early = rng.exponential(np.where(x, 100.0, 200.0))
    late = 100 + rng.exponential(np.where(x, 200.0 / effect_late, 200.0))
    time = np.where(early < 100, early, late)
    return pd.DataFrame({"t": np.minimum(np.ceil(time), 500), "e": time < 500, "x": x})


def test_ph_check_flags_a_planted_change_of_effect_and_not_a_constant_one(rng):
    """Hazard ratio 2 before day 100 and 0.25 after: the PH test must say so; with a constant
    ratio of 2 it rejects at about its 5% level (20 data sets: at most 4 rejections, where
    1 is expected and 5 or more has probability 0.016)."""
    changing = fit_cox(_cox_frame(rng, 600, 0.25), ["x"], duration="t", event="e")
    assert changing.tidy()["ph_violated"].iloc[0]
    assert changing.ph_test.set_index("term").at["x", "rho"] < 0  # the effect falls
    rejected, covered = 0, 0
    for _ in range(20):
        constant = fit_cox(_cox_frame(rng, 300, 2.0), ["x"], duration="t", event="e").tidy()
        rejected += bool(constant["ph_violated"].iloc[0])
        covered += bool(constant["ci_low"].iloc[0] < 2.0 < constant["ci_high"].iloc[0])
    assert rejected <= 4
    assert covered >= 16


# -- planted effects ------------------------------------------------------------------------


def test_hazard_recovers_planted_night_and_new_hire_effects(sim):
    """Voluntary monthly hazard x2.0 for night shift and for tenure < 90 days (truth.json)."""
    _, truth, panel = sim
    assert truth["exit_model"]["night_mult"] == NIGHT_TRUTH == 2.0
    result = fit_exit_hazard(panel, MONTH, link="cloglog",
                             reference={"tenure_band": "365+", "shift": "day"})
    vol = result.tidy().query("cause == 'voluntary'").set_index("term")
    night = vol.loc["shift=night"]
    assert night["ci_low"] < NIGHT_TRUTH < night["ci_high"]
    # informative, not covered by a huge interval (the slow test measures coverage)
    assert night["ci_high"] / night["ci_low"] < 4
    early = vol.loc["tenure_band=0-29"]
    assert early["ci_low"] < NEW_HIRE_TRUTH < early["ci_high"]
    fits = result.fits.set_index("cause")
    assert fits.at["voluntary", "exits"] >= 30
    # the logit model's odds ratio is near the hazard ratio at these monthly hazards
    logit = fit_exit_hazard(panel, MONTH, reference={"shift": "day"})
    or_night = logit.tidy().query("cause == 'voluntary' and term == 'shift=night'").iloc[0]
    assert or_night["estimate"] == pytest.approx(night["estimate"], rel=0.1)


def test_hazard_standard_errors_are_clustered_by_agent(hazard):
    result = hazard
    model = result.model["voluntary"]
    assert model.cov_type == "cluster"
    rows = result.fits.set_index("cause").at["voluntary", "rows"]
    assert model.nobs == rows
    assert result.fits.set_index("cause").at["voluntary", "agents"] < rows


def test_involuntary_model_sees_bottom_ranking(hazard):
    """Two bottom rankings in a row mean dismissal: last month's flag predicts it strongly."""
    result = hazard
    invol = result.tidy().query("cause == 'involuntary'").set_index("term")
    if "last_bottom" in invol.index:
        assert invol.at["last_bottom", "estimate"] > 3
    else:  # no dismissal after a bottom month in this seed
        assert "last_bottom" in result.fits.set_index("cause").at["involuntary", "dropped"]


# -- invariants -----------------------------------------------------------------------------


def test_retention_curves_are_valid(sim):
    ds, _, _ = sim
    tenure = agent_tenure_table(ds, MONTH)
    for by in (None, "shift", "team", "role", "outsourced"):
        result = fit_retention(tenure, by)
        curves = result.tidy()
        assert list(curves.columns) == list(result.columns)
        for group, rows in curves.groupby("group"):
            s = rows["survival"].to_numpy()
            assert ((0 <= s) & (s <= 1)).all()
            assert (np.diff(s) <= 1e-12).all(), (by, group)
            # bands contain the estimate (on the log scale there is none once S = 0, as in R)
            pos = s > 0
            assert (rows["ci_low"][pos] <= s[pos] + 1e-12).all()
            assert (s[pos] <= rows["ci_high"][pos] + 1e-12).all()
            assert rows["ci_low"][~pos].isna().all()
            # at risk at each exit time = agents whose tenure reached it
            members = tenure if by is None else tenure[tenure[by] == group]
            for r in rows.iloc[1:].itertuples():
                assert r.at_risk == (members["tenure_days"] >= r.time).sum()
                assert r.exits == ((members["tenure_days"] == r.time) & members["exited"]).sum()
        stats_ = result.summary.dropna(subset=["estimate", "ci_low", "ci_high"])
        assert (stats_["ci_low"] <= stats_["estimate"]).all()
        assert (stats_["estimate"] <= stats_["ci_high"]).all()
        json.dumps(result.to_json(), allow_nan=False, ensure_ascii=False)


def test_small_groups_are_flagged():
    rng = np.random.default_rng(1)
    groups = {"nine": (9, 9), "few_exits": (30, 4), "enough": (10, 5)}
    rows = []
    for g, (n, exits) in groups.items():
        for i in range(n):
            rows.append({"g": g, "tenure_days": int(rng.integers(10, 400)), "exited": i < exits})
    result = fit_retention(pd.DataFrame(rows), "g")
    flags = result.summary.drop_duplicates("group").set_index("group")["too_small"]
    assert flags.to_dict() == {"enough": False, "few_exits": True, "nine": True}
    curves = result.tidy().drop_duplicates("group").set_index("group")["too_small"]
    assert curves.to_dict() == flags.to_dict()


def _agents(rows):
    return pd.DataFrame(rows, columns=["agent_id", "hire_date", "exit_date"]).assign(
        hire_date=lambda d: pd.to_datetime(d["hire_date"]),
        exit_date=lambda d: pd.to_datetime(d["exit_date"]))


def test_cohort_table_by_hand():
    agents = _agents([
        ("A", "2025-01-05", None),
        ("B", "2025-01-20", "2025-01-31"),   # leaves on the hire month's last day
        ("C", "2025-01-02", "2025-02-10"),
        ("D", "2025-02-01", "2025-03-31"),
        ("E", "2024-12-31", "2025-01-01"),   # older cohort, outside the window
    ])
    table = cohort_retention_table(agents, "2025-03", cohorts=3)
    jan = table[table["hire_month"] == "2025-01"].set_index("months_since_hire")
    assert jan["cohort_size"].unique().tolist() == [3]
    assert jan["at_risk"].tolist() == [3, 2, 1]
    assert jan["exits"].tolist() == [1, 1, 0]
    assert jan["employed"].tolist() == [2, 1, 1]
    np.testing.assert_allclose(jan["share"], [2 / 3, 1 / 3, 1 / 3])
    feb = table[table["hire_month"] == "2025-02"]
    assert feb["employed"].tolist() == [1, 0]  # an exit on 03-31 is an exit of March
    assert set(table["hire_month"]) == {"2025-01", "2025-02"}  # March hired nobody


def test_cohort_table_invariants(sim):
    ds, _, _ = sim
    agents = ds.frame("agents")
    table = cohort_retention_table(agents, MONTH, cohorts=24)
    assert len(table) > 0
    assert table["share"].between(0, 1).all()
    hire = pd.to_datetime(agents["hire_date"])
    exit_ = pd.to_datetime(agents["exit_date"])
    for cohort, rows in table.groupby("hire_month"):
        rows = rows.sort_values("months_since_hire")
        assert (np.diff(rows["share"]) <= 0).all()
        assert (rows["employed"] == rows["at_risk"] - rows["exits"]).all()
        mine = hire.dt.strftime("%Y-%m") == cohort
        for r in rows.itertuples():
            start = pd.Period(cohort, "M") + r.months_since_hire
            first = start.start_time
            # at risk: hired in the cohort and not gone before the month's first day
            assert r.at_risk == (mine & (exit_.isna() | (exit_ >= first))).sum()
    assert table["hire_month"].max() <= MONTH


def test_exit_risk_table_by_hand():
    panel = pd.DataFrame([
        # agent A hired before the data, bottom in Jan, quits in March
        ("2025-01", "A", "2024-06-01", "2025-03-10", "voluntary", False, 1, True),
        ("2025-02", "A", "2024-06-01", "2025-03-10", "voluntary", False, 0, False),
        ("2025-03", "A", "2024-06-01", "2025-03-10", "voluntary", True, 0, False),
        # agent B hired on Feb 15, dismissed on Mar 5
        ("2025-02", "B", "2025-02-15", "2025-03-05", "dismissed", False, 2, False),
        ("2025-03", "B", "2025-02-15", "2025-03-05", "dismissed", True, 0, False),
    ], columns=["month", "agent_id", "hire_date", "exit_date", "exit_reason", "exited",
                "fines", "bottom"])
    panel = panel.assign(name="n", team="t", shift="day", role="presale", outsourced=False,
                         policy_active=True)
    risk = exit_risk_table(panel).set_index(["agent_id", "month"])
    a = risk.loc["A"]
    assert a["tenure_band"].tolist() == ["90-364", "90-364", "90-364"]
    assert pd.isna(a.loc["2025-01", "last_bottom"])  # December is outside the data
    assert a.loc["2025-02", "last_bottom"] and a.loc["2025-02", "last_fines"] == 1
    assert a["exit_voluntary"].tolist() == [0, 0, 1]
    assert a.loc["2025-03", "exposure"] == 1.0
    b = risk.loc["B"]
    assert b.loc["2025-02", "exposure"] == pytest.approx(14 / 28)
    assert b.loc["2025-02", "tenure_start_days"] == 0
    assert not b.loc["2025-02", "last_bottom"] and b.loc["2025-02", "last_fines"] == 0
    assert b.loc["2025-03", "last_fines"] == 2
    assert b.loc["2025-03", "exit_involuntary"] == 1 and b.loc["2025-03", "exit_voluntary"] == 0
    assert b.loc["2025-03", "exposure_to_exit"] == pytest.approx(5 / 31)
    assert b.loc["2025-02", "last_conversion_band"] == "none"  # a hire month has no last
    assert pd.isna(a.loc["2025-01", "last_conversion_band"])  # ... but December is unknown
    assert len(exit_risk_table(panel, "2025-02")) == 3
    # agent_month_panel comes in month order: the last-month columns must not depend on it
    # (they once did, which dropped most hire months from the hazard models)
    for order in (["month", "agent_id"], ["month", "hire_date"]):
        shuffled = exit_risk_table(panel.sort_values(order).reset_index(drop=True))
        pd.testing.assert_frame_equal(shuffled.set_index(["agent_id", "month"]).loc[risk.index],
                                      risk)


def test_at_risk_agents_are_employed_and_ranked(sim, hazard):
    ds, _, _ = sim
    result = at_risk_agents(hazard, n=15)
    table = result.tidy()
    assert list(table.columns) == list(result.columns)
    assert len(table) == 15
    assert (np.diff(table["probability"]) <= 0).all()
    assert table["probability"].between(0, 1).all()
    agents = ds.frame("agents").set_index("agent_id")
    end = pd.Timestamp("2025-12-31")
    for r in table.itertuples():
        exit_ = agents.at[r.agent_id, "exit_date"]
        assert pd.isna(exit_) or exit_ > end
        assert r.name == agents.at[r.agent_id, "name"]
    # the top agent's probability is the model's prediction for its covariates
    top = table.iloc[0]
    assert top["drivers"], "the riskiest agent has at least one driver"
    # drivers are only terms beyond chance that raise the hazard; looser terms are not named
    coefs = hazard.tidy().query("cause == 'voluntary'").set_index("term")
    named = {d for r in table.itertuples() for d in r.drivers}
    assert named and all(coefs.at[d, "p_value"] < 0.05 and coefs.at[d, "coef"] > 0
                         for d in named)
    loose = at_risk_agents(hazard, n=15, alpha=1.0).tidy()
    assert {d for ds_ in loose["drivers"] for d in ds_} > named
    assert loose["probability"].tolist() == table["probability"].tolist()
    doc = result.to_json()
    assert doc["at_risk"][0]["agent_id"] == top["agent_id"]
    json.dumps(doc, allow_nan=False, ensure_ascii=False)


def test_cox_on_simulated_agents(sim):
    ds, _, _ = sim
    tenure = agent_tenure_table(ds, MONTH)
    result = fit_cox(tenure)
    table = result.tidy()
    assert list(table.columns) == list(result.columns)
    # role is a function of team in the simulator: dropped, and said why
    assert any(k.startswith("role=") for k in result.dropped)
    assert result.reference["shift"] == "day"
    assert (table["ci_low"] <= table["estimate"]).all()
    assert (table["estimate"] <= table["ci_high"]).all()
    assert "GLOBAL" in set(result.ph_test["term"])
    doc = result.to_json()
    assert {"term", "hazard_ratio", "ci_low", "ci_high", "p_value"} == set(doc["cox"][0])
    json.dumps(doc, allow_nan=False, ensure_ascii=False)
    vol = fit_cox(tenure, ("shift", "outsourced"), cause="voluntary")
    assert vol.exits == int((tenure["exit_type"] == "voluntary").sum())


# -- edge cases ------------------------------------------------------------------------------


def test_nobody_left_gives_empty_models_not_errors():
    tenure = pd.DataFrame({"tenure_days": [10, 50, 200, 400], "exited": False,
                           "shift": ["day", "night", "day", "night"],
                           "exit_type": None})
    km = fit_retention(tenure, "shift")
    assert (km.tidy()["survival"] == 1).all()
    assert km.summary.set_index(["group", "statistic"]).loc[("day", "median_tenure_days"),
                                                            "estimate"] != \
        km.summary.set_index(["group", "statistic"]).loc[("day", "median_tenure_days"),
                                                         "estimate"]  # NaN
    json.dumps(km.to_json(), allow_nan=False)
    cox = fit_cox(tenure, ("shift",))
    assert cox.model is None and cox.tidy().empty and cox.exits == 0
    json.dumps(cox.to_json(), allow_nan=False)
    empty = fit_retention(tenure.iloc[:0], "shift")
    assert empty.tidy().empty and empty.to_json()["groups"] == []


def test_no_exit_reasons_fit_one_model_of_any_exit(sim):
    _, _, panel = sim
    result = fit_exit_hazard(panel.assign(exit_reason=None), MONTH)
    assert result.fits["cause"].tolist() == ["any"]
    assert set(result.tidy()["cause"]) == {"any"}
    assert list(result.to_json()["hazard"]) == ["any"]
    assert len(at_risk_agents(result).tidy()) == 10


def test_month_before_the_data_gives_unfitted_results(sim):
    _, _, panel = sim
    result = fit_exit_hazard(panel, "2023-01")
    assert not result.fits["fitted"].any()
    assert result.tidy().empty
    assert at_risk_agents(result).tidy().empty
    json.dumps(result.to_json(), allow_nan=False)


def test_options_are_checked(rossi):
    with pytest.raises(SettingsError, match="transform"):
        fit_cox(rossi, ["fin"], duration="week", event="arrest", transform="loglog")
    with pytest.raises(SettingsError, match="cause"):
        fit_cox(rossi, ["fin"], duration="week", event="arrest", cause="quit")
    with pytest.raises(SettingsError, match="exit_type"):
        fit_cox(rossi, ["fin"], duration="week", event="arrest", cause="voluntary")
    with pytest.raises(SettingsError, match="link"):
        fit_exit_hazard(pd.DataFrame(), link="probit")


# -- coverage over many seeds (slow) -----------------------------------------------------------

COVERAGE_SEEDS = range(20)  # seeds 0-19, as the issue asks: never chosen after seeing results
# Sessions hardly matter to exits: a tenth of LIGHT's keeps each world's load short, and no
# chat reviews are sampled (they come after the world and do not touch exits).
SPARSE = {"teams": [dict(t, presale_per_day=0.1, aftersale_per_day=0.05)
                    for t in DEFAULT_PARAMS["teams"]], "qa": {"review_days": 0}}


@pytest.mark.slow
def test_hazard_intervals_cover_planted_effects_across_seeds(tmp_path):
    """95% CIs of the planted voluntary-exit effects cover the truth, and the estimates are
    centred on it.

    Run: .venv/bin/python -m pytest -p no:cacheprovider -m slow -s tests/analyses/test_turnover.py
    -k cover (about 2 minutes on one free core; 20 worlds)

    Each seed simulates 100 agents over 24 months and fits the cloglog discrete-time hazard
    (exp(coef) is then the planted hazard ratio of the monthly voluntary hazard): night
    shift x2.0 (``exit.night_mult``) and tenure under 90 days at the month's start x2.0
    (``exit.new_hire_mult``; both early bands against 365+). Coverage follows the one rule
    of tests/coverage_rule.py (floor 16 of 20 for a 95% interval at alpha 0.01; the issue's
    own bar is 18 of 20, which an exact interval misses 7.5% of the time). Because 20 worlds
    catch only gross under-coverage, the log estimates must also be centred on the truth:
    mean minus log(truth) within 3 Monte-Carlo standard errors (SD / sqrt(20)).

    Why early tenure under-covered before (16 and 17 of 20 on seeds 1000-1019): the risk
    table built last month's fines, bottom flag and conversion band from arrays in two row
    orders, so most hire months (104 of 117 in seed 0) had them missing and left the model,
    while a few first months of the data wrongly stayed. Those rows are not chosen by the
    outcome, so the effect was noise and lost exits, not bias; fixed, the hire month is in
    every fit. Measured after the fix, 2026-12-02, seeds 0-59 (60 worlds, /tmp script of
    branch turn7b), log hazard ratio, bias = mean estimate - log 2, SE ratio = mean SE / SD:
    - night: 54 of 60 covered (18 of seeds 0-19), bias +0.042 (MC SE 0.036), SE ratio 0.95;
    - tenure 0-29: 55 of 60 (18 of seeds 0-19), bias -0.082 (0.056), SE ratio 0.95;
    - tenure 30-89: 55 of 60 (19 of seeds 0-19), bias -0.037 (0.046), SE ratio 0.93.
    No bias beyond 1.5 Monte-Carlo SEs; SEs about 5% small, within the noise of an SD
    from 60 worlds (about 9%). 54-55 of 60 has probability 0.08-0.18 under an exact 95%
    interval (floor 53 of 60): binomial noise, not a miscalibrated method. Outcomes drawn
    from the planted model on 51 of those designs (5 draws each, 255 fits) give bias -0.014
    (0.017), +0.017 (0.027), +0.047 (0.021), SE ratios 0.99, 0.94, 0.99 and coverage 0.96,
    0.93, 0.96: the estimator itself has no small-sample bias to speak of at ~15-30 exits
    per band.
    Observed against expected voluntary exits under the planted hazards, pooled over the
    60 worlds, is 1.02 (day), 1.05 (night), 1.01 (tenure 0-29), 1.07 (30-89), each within
    2 Poisson SEs of 1: the simulator draws what the model says, so the planted values are
    the model's parameters.
    """
    from coverage_rule import assert_coverage

    terms = {"night": ("shift=night", NIGHT_TRUTH), "tenure 0-29": ("tenure_band=0-29",
                                                                   NEW_HIRE_TRUTH),
             "tenure 30-89": ("tenure_band=30-89", NEW_HIRE_TRUTH)}
    hits = dict.fromkeys([*terms, "night (logit OR)", "night (Cox)"], 0)
    logs: dict[str, list[float]] = {k: [] for k in terms}
    versions = set()
    for seed in COVERAGE_SEEDS:
        folder = tmp_path / str(seed)
        truth = simulate(folder, seed=seed, agents=100, months=24, params=SPARSE)
        versions.add(truth["sim_version"])
        ds = load_dataset(folder, cache=False)
        panel = agent_month_panel(ds)
        ref = {"tenure_band": "365+", "shift": "day"}
        vol = fit_exit_hazard(panel, link="cloglog", reference=ref).tidy() \
            .query("cause == 'voluntary'").set_index("term")
        logit = fit_exit_hazard(panel, reference=ref).tidy() \
            .query("cause == 'voluntary'").set_index("term")
        cox = fit_cox(agent_tenure_table(ds, "2025-12"), ("shift", "outsourced"),
                      cause="voluntary", reference={"shift": "day"}).tidy().set_index("term")
        for name, (term, planted) in terms.items():
            hits[name] += bool(vol.at[term, "ci_low"] < planted < vol.at[term, "ci_high"])
            logs[name].append(float(vol.at[term, "coef"]))
        for name, table in (("night (logit OR)", logit), ("night (Cox)", cox)):
            hits[name] += bool(table.at["shift=night", "ci_low"] < NIGHT_TRUTH
                               < table.at["shift=night", "ci_high"])
    n = len(COVERAGE_SEEDS)
    bias = {k: np.mean(v) - np.log(terms[k][1]) for k, v in logs.items()}
    mc_se = {k: np.std(v, ddof=1) / np.sqrt(n) for k, v in logs.items()}
    print(f"\n95% CIs covering the planted value over seeds {COVERAGE_SEEDS[0]}-"
          f"{COVERAGE_SEEDS[-1]} (sim_version {sorted(versions)}): "
          + ", ".join(f"{k} {v} of {n}" for k, v in hits.items())
          + "; log-HR bias (MC SE): "
          + ", ".join(f"{k} {bias[k]:+.3f} ({mc_se[k]:.3f})" for k in terms))
    for name, covered in hits.items():
        assert_coverage(covered, n, name)
    for name in terms:
        assert abs(bias[name]) < 3 * mc_se[name], (name, bias[name], mc_se[name])
