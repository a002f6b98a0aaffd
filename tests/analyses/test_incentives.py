"""Tests of the incentives engine: cutoff (regression to the mean), ranking, decomposition."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csnb.analyses.incentives import (
    adoption_table,
    cutoff_pairs,
    decompose_team_change,
    fit_cutoff,
    policy_ranking,
    simulate_ranking_panel,
)
from csnb.io import load_dataset

SAMPLES = Path(__file__).parents[2] / "data" / "samples"
MONTH = "2025-11"


@pytest.fixture(scope="module")
def ds():
    return load_dataset(SAMPLES)


def test_pure_regression_to_the_mean_is_recovered_in_teams_without_the_policy():
    # No policy effect: scores are fixed ability plus monthly noise, ranked per team-month.
    res = fit_cutoff(simulate_ranking_panel(teams=10, policy_teams=5, agents=12, months=18,
                                            effect=0.0, seed=3))
    control = res.tidy().set_index(["arm", "side"])
    # Teams without the policy rebound although nobody is ranked out: regression to the mean.
    assert res.control_rebound > 0.3
    assert control.loc[("control", "below"), "ci_low"] > 0
    assert res.control_jump > 0
    # Policy teams show the same raw rebound, which a naive before/after would credit.
    assert res.rebound > 0.3
    assert res.ci_low <= 0 <= res.ci_high
    assert res.rtm_share > 0.5


def test_planted_rebound_beyond_the_mean_is_found():
    res = fit_cutoff(simulate_ranking_panel(teams=10, policy_teams=5, agents=12, months=18,
                                            effect=2.0, seed=3))
    assert res.estimate > 0
    assert res.ci_low > 0


def test_cutoff_pairs_in_a_team_of_three():
    rows = pd.DataFrame({
        "month": ["2025-01"] * 3 + ["2025-02"] * 3,
        "team": "T", "agent_id": ["a", "b", "c"] * 2,
        "score": [1.0, 0.0, -1.0, 0.5, 0.2, -0.7], "rank": [1.0, 2.0, 3.0, 1.0, 2.0, 3.0],
        "would_be_bottom": [False, False, True] * 2, "policy_active": True,
    })
    pairs = cutoff_pairs(rows)
    assert list(pairs["agent_id"]) == ["b", "c"]  # one just above, one below; not the top
    assert list(pairs["side"]) == ["above", "below"]
    assert pairs["n_ranked"].tolist() == [3, 3]
    assert np.allclose(pairs["change"], [0.2, 0.3])
    res = fit_cutoff(rows)
    assert not res.estimable  # no team without the policy to compare with
    assert np.isnan(res.estimate)


def test_ranking_lists_only_policy_teams_with_names(ds):
    res = policy_ranking(ds, MONTH)
    t = res.tidy()
    adoption = adoption_table(ds, MONTH)
    active = set(adoption.loc[adoption["active"], "team"])
    assert set(t["team"]) == active
    assert t["bottom"].sum() >= 1
    bottom = res.bottom
    assert bottom["name"].notna().all() and (bottom["name"].str.len() > 0).all()
    # the interval contains the shrunk rate; within_noise says whether it holds the team's
    assert ((t["conv_ci_low"] <= t["shrunk_rate"]) & (t["shrunk_rate"] <= t["conv_ci_high"])).all()
    expected = (t["conv_ci_low"] <= t["team_conversion"]) & (t["team_conversion"]
                                                            <= t["conv_ci_high"])
    assert (t["within_noise"] == expected).all()
    # bottom = the lowest ceil(share x n) of each team
    for _, grp in t.groupby("team"):
        n = len(grp)
        assert grp["bottom"].sum() == int(np.ceil(round(0.1 * n, 9)))
        assert grp.loc[grp["bottom"], "rank"].min() > n - grp["bottom"].sum()


def test_adoption_roles(ds):
    a = adoption_table(ds, MONTH).set_index("team")
    assert a.loc["售前一组", "role"] == "treated" and a.loc["售前一组", "active"]
    assert a.loc["售后一组", "role"] == "never"
    assert a.loc["夜班组", "months_under_policy"] == 8  # 2025-04 to 2025-11


def test_decomposition_adds_up(ds):
    t = decompose_team_change(ds, MONTH).tidy()
    adopted = pd.read_csv(SAMPLES / "policies.csv", dtype=str)["start_month"]
    assert len(t) == (adopted <= MONTH).sum()  # every team that adopted within the data
    assert np.allclose(t["within_agent"] + t["composition"], t["total"])
    assert np.allclose(t["after"] - t["before"], t["total"])
    assert (t["stayers"] > 0).all()
    # against the policies file read on its own
    pol = pd.read_csv(SAMPLES / "policies.csv", dtype=str)
    assert set(a.index[a["role"] == "treated"]) == set(pol["team"])
    assert set(a.index[a["role"] == "never"]) == set(a.index) - set(pol["team"])
