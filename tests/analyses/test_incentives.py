"""Tests of the incentives engine: cutoff (regression to the mean), ranking, decomposition."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from coverage_rule import assert_coverage

from csnb.analyses.incentives import (
    adoption_table,
    cutoff_pairs,
    decompose_team_change,
    fit_cutoff,
    policy_ranking,
    score_persistence,
    simulate_ranking_panel,
)
from csnb.io import load_dataset
from csnb.simulate import DEFAULT_PARAMS, simulate

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
    # Ability sd 1 and noise sd 1: half of a month's distance from the mean lasts
    # (var ability / (var ability + var noise)), and that persistence predicts the rebound.
    assert res.persistence == pytest.approx(0.5, abs=0.08)
    assert res.expected_rebound == pytest.approx(res.control_rebound, rel=0.25)


def test_persistence_follows_the_share_of_lasting_skill():
    for ability_sd, expected in ((2.0, 0.8), (0.5, 0.2)):  # 4 / (4 + 1), 0.25 / (0.25 + 1)
        ranking = simulate_ranking_panel(teams=10, policy_teams=0, agents=12, months=18,
                                         ability_sd=ability_sd, seed=5)
        assert score_persistence(ranking) == pytest.approx(expected, abs=0.08)
    assert np.isnan(score_persistence(ranking.head(2)))


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
    # against the policies file read on its own
    pol = pd.read_csv(SAMPLES / "policies.csv", dtype=str)
    assert set(a.index[a["role"] == "treated"]) == set(pol["team"])
    assert set(a.index[a["role"] == "never"]) == set(a.index) - set(pol["team"])


def test_decomposition_adds_up(ds):
    t = decompose_team_change(ds, MONTH).tidy()
    adopted = pd.read_csv(SAMPLES / "policies.csv", dtype=str)["start_month"]
    assert len(t) == (adopted <= MONTH).sum()  # every team that adopted within the data
    assert np.allclose(t["within_agent"] + t["composition"], t["total"])
    assert np.allclose(t["after"] - t["before"], t["total"])
    assert (t["stayers"] > 0).all()


# --- planted truth: csnb simulate's staggered policy -------------------------------------

#: Worlds for the planted-truth checks. The policy acts on conversion and response speed
#: only (no extra exits, nobody dismissed), so the planted effect holding each team's agents
#: fixed (truth.json, policy.conversion_gain) is the whole effect on team conversion, and the
#: ranking has no consequence: any rebound of bottom-ranked agents is regression to the mean.
#: Attribution is clean (no second agent, payment the same day, no silent orders), so the
#: metric book's conversion rate is the simulator's visit conversion. Fewer sessions than
#: the sample, so that 20 worlds take a few minutes.
PLANTED_WORLD = {
    "teams": [dict(t, presale_per_day=t["presale_per_day"] / 2,
                   aftersale_per_day=t["aftersale_per_day"] / 4)
              for t in DEFAULT_PARAMS["teams"]],
    "policy": {"voluntary_exit_mult": 1.0, "consecutive_bottom_to_dismiss": 10**6,
               "min_inquiries": 20},
    "conversion": {"second_agent_p": 0.0, "same_day_p": 1.0, "next_day_p": 0.0,
                   "silent_ratio": 0.0},
    # no chat reviews: sampled after the world from their own stream, unread here
    "qa": {"review_days": 0},
}
PLANTED_AGENTS = 40  # five per team
PLANTED_MONTHS = 12


def planted_conversion_att(truth: dict, panel: pd.DataFrame) -> float:
    """The simple ATT of the planted conversion effect over the panel's treated team-months.

    The simple aggregate weighs each ATT(g, t) after adoption by its group's teams, so it is
    the plain mean over treated team-months of each team-month's planted effect
    (expected extra conversions / visits, from truth.json).
    """
    gain = pd.DataFrame(truth["policy"]["conversion_gain"]["team_months"])
    gain["att"] = gain["expected_gain"] / gain["visits"]
    treated = panel.loc[panel["treated"], ["team", "month"]]
    cells = treated.merge(gain, on=["team", "month"], how="left")
    assert cells["att"].notna().all()
    return float(cells["att"].mean())


def planted_world(folder: Path, seed: int):
    truth = simulate(folder, seed=seed, agents=PLANTED_AGENTS, months=PLANTED_MONTHS,
                     params=PLANTED_WORLD)
    return truth, load_dataset(folder, cache=False)


@pytest.mark.slow
def test_planted_policy_effect_is_covered_and_rebound_is_regression_to_the_mean(tmp_path):
    """csnb simulate's staggered policy over 20 worlds: CS coverage and bias, TWFE, the cutoff.

    Each world: 8 teams of 5 agents, 12 months, five teams adopting on three dates
    (2024-05, 2024-07, 2024-09), three never. Checks (issue 10, "must show"), each with the
    one coverage rule (``tests/coverage_rule.py``: exact one-sided binomial test against 95%,
    floor 16 of 20) plus a bias check, since the rule alone has little power at 20 seeds:

    - the 95% interval of the Callaway & Sant'Anna simple ATT on conversion, with the
      few-cluster inference the report uses (``fit_policy_effects``: covariance times
      G / (G - 1), t critical values on G - 1 = 7 df), covers the planted ATT
      (:func:`planted_conversion_att`), and the mean error is within 3 Monte-Carlo standard
      errors of zero; the TWFE bias over the same worlds is printed;
    - the ranking has no consequence, so the cutoff estimate (policy jump minus control
      jump) covers zero by the same rule and its mean is within 3 Monte-Carlo standard
      errors of zero, while the raw rebound of bottom-ranked agents is positive in every
      world and clearly so pooled over them.

    The planted ATT is the same estimand as the team-month conversion ATT here: the planted
    effect holds each team's agents fixed, and in these worlds the policy changes nobody's
    exit (no bottom-ranked dismissal, no extra voluntary exits; the worlds' involuntary exits
    are complaint dismissals, about as rare under the policy as without), so there is no
    composition channel for the panel's rate to pick up.

    Run: ``.venv/bin/python -m pytest -p no:cacheprovider tests/analyses/test_incentives.py
    -m slow -s`` (prints the measured figures). About 40 s a world on a free core (the
    simulator and load dominate; 150-200 s a world at load 20), so 20 worlds, not more.

    Measured 2026-12 on seeds 0-19 (worlds simulated as here, panels saved and refitted with
    the same calls; the uncorrected figures equal the fresh-clone run of this test before the
    fix): planted ATT +2.71 pp; CS bias -0.11 pp (Monte-Carlo se 0.50 pp); sd of the errors
    2.25 pp against an rms influence-function SE of 1.85 pp (SE ratio 0.82: with 8 teams in
    adoption groups of 1, 2 and 2 and 3 controls the variance is biased down); the normal
    interval covers 17 of 20, the few-cluster t interval 18 of 20 (Webb bootstrap with t:
    18; leave-one-team-out jackknife SE ratio 1.05, with t: 18). TWFE bias -0.16 pp (sd
    1.34 pp). Cutoff CI covers 0 in 19 of 20, mean estimate +0.015 (MC se 0.20); raw rebound
    of bottom-ranked agents +1.67 points on average (min +0.69). Over seeds 0-40: few-cluster
    t covers 37 of 41 (normal 36, Webb bootstrap with t 38, jackknife with t 38; floor 35),
    bias +0.04 pp (MC se 0.33), SE ratio 0.87 (0.93 with G / (G - 1)); TWFE bias -0.08 pp;
    cutoff covers 0 in 36 of 41 with mean -0.32 (MC se 0.15): at 2 Monte-Carlo SEs a hint
    that policy and comparison teams regress to the mean by different amounts (different
    teams, volumes and score noise), which the cutoff design assumes away. Misses of the CS
    interval such as seeds 6 and 7 are worlds whose SE is half the typical one:
    the variance rests on about 4 degrees of freedom (8 teams less 3 group means and the
    control mean), more spread than t on 7 allows. Exits: 3 involuntary exits over 1,780
    treated team-month heads and 13 over 4,652 untreated (15 worlds); the panel's inquiries
    equal the simulator's visits to 0.1%.
    """
    import time

    from csnb.analyses.did import fit_policy_effects, policy_panel
    from csnb.metrics import ranking_table

    seeds = range(20)
    rows = []
    started = time.perf_counter()
    for seed in seeds:
        truth, ds = planted_world(tmp_path / str(seed), seed)
        month = "2024-11"  # the last final month (2024-12 is within the data lag)
        panel = policy_panel(ds, month=month)
        assert panel["month"].max() == month
        planted = planted_conversion_att(truth, panel)
        eff = fit_policy_effects(ds, ("conversion_rate",), month=month, bootstrap=None)
        cs = eff.cs["conversion_rate"].overall("simple")
        twfe = eff.twfe["conversion_rate"].overall("simple")
        cut = fit_cutoff(ranking_table(ds), until=month)
        below = cut.tidy().set_index(["arm", "side"]).loc[("policy", "below")]
        rows.append({"seed": seed, "planted": planted, "cs": cs["estimate"],
                     "cs_low": cs["ci_low"], "cs_high": cs["ci_high"],
                     "twfe": twfe["estimate"], "cut": cut.estimate, "cut_low": cut.ci_low,
                     "cut_high": cut.ci_high, "rebound": cut.rebound,
                     "rebound_low": below["ci_low"], "control_rebound": cut.control_rebound,
                     "rtm_share": cut.rtm_share})
    r = pd.DataFrame(rows)
    covered = int(((r["cs_low"] <= r["planted"]) & (r["planted"] <= r["cs_high"])).sum())
    cut_zero = int(((r["cut_low"] <= 0) & (0 <= r["cut_high"])).sum())
    print(f"\n{len(r)} worlds in {time.perf_counter() - started:.0f} s")
    print(f"planted simple ATT on conversion: mean {100 * r['planted'].mean():+.2f} pp "
          f"(range {100 * r['planted'].min():+.2f} to {100 * r['planted'].max():+.2f})")
    print(f"CS 95% CI covers it in {covered} of {len(r)}; CS bias "
          f"{100 * (r['cs'] - r['planted']).mean():+.2f} pp (sd of estimates "
          f"{100 * r['cs'].std():.2f} pp, mean CI width "
          f"{100 * (r['cs_high'] - r['cs_low']).mean():.2f} pp)")
    print(f"TWFE bias {100 * (r['twfe'] - r['planted']).mean():+.2f} pp "
          f"(sd {100 * r['twfe'].std():.2f} pp)")
    print(f"cutoff CI covers 0 in {cut_zero} of {len(r)}; mean cutoff estimate "
          f"{r['cut'].mean():+.3f}; raw rebound of bottom-ranked agents mean "
          f"{r['rebound'].mean():+.3f} (min {r['rebound'].min():+.3f}, its CI above 0 in "
          f"{int((r['rebound_low'] > 0).sum())} of {len(r)}); in teams without the policy "
          f"{r['control_rebound'].mean():+.3f}")
    err = r["cs"] - r["planted"]
    assert abs(err.mean()) < 3 * err.std() / np.sqrt(len(r)), "CS simple ATT is biased"
    assert_coverage(covered, len(r), "CS simple ATT on conversion (few-cluster t)")
    assert abs(r["cut"].mean()) < 3 * r["cut"].std() / np.sqrt(len(r)), "cutoff is biased"
    assert_coverage(cut_zero, len(r), "cutoff estimate with no policy effect")
    assert (r["rebound"] > 0).all()
    # pooled over the worlds, the raw rebound is many standard errors above zero
    assert r["rebound"].mean() > 4 * r["rebound"].std() / np.sqrt(len(r))
