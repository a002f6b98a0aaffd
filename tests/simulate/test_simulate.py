"""Tests of the simulator: determinism, the data contract, and the planted effects.

The planted-effect tests use crude pandas summaries (not csnb's analyses), so they check the
simulator itself: an analysis that recovers the truth from these data is then meaningful.
"""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csnb.io import load_dataset
from csnb.io.schema import (
    ACTIONS,
    COMPLAINT_CATEGORIES,
    COMPLAINT_SOURCES,
    EXIT_REASONS,
    POLICIES,
    ROLES,
    SESSION_KINDS,
    SHIFTS,
    TABLES,
)
from csnb.settings import load_settings
from csnb.simulate import DEFAULT_PARAMS, SAMPLE_MONTH, SAMPLE_SEED, simulate

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "samples"

# A quick world: few sessions per agent-day, for tests about agents and exits.
LIGHT = {"teams": [dict(t, presale_per_day=1.0, aftersale_per_day=0.5)
                   for t in DEFAULT_PARAMS["teams"]]}


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _read(folder: Path) -> dict[str, pd.DataFrame]:
    return {
        "agents": pd.read_csv(folder / "agents.csv", dtype=str, keep_default_na=False),
        "policies": pd.read_csv(folder / "policies.csv", dtype=str, keep_default_na=False),
        "complaints": pd.read_csv(folder / "complaints.csv", dtype=str, keep_default_na=False),
        "sessions": pd.read_parquet(folder / "sessions"),
        "orders": pd.read_parquet(folder / "orders"),
    }


@pytest.fixture(scope="module")
def sample() -> dict[str, pd.DataFrame]:
    return _read(SAMPLE)


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))


# -- determinism -------------------------------------------------------------------------------


def test_sample_regenerates_byte_identical(tmp_path):
    truth = simulate(tmp_path / "s", seed=SAMPLE_SEED)
    assert _hashes(tmp_path / "s") == _hashes(SAMPLE)
    assert truth == json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))


def test_same_seed_identical_different_seed_differs(tmp_path):
    a = simulate(tmp_path / "a", seed=7, agents=8, months=3)
    b = simulate(tmp_path / "b", seed=7, agents=8, months=3)
    simulate(tmp_path / "c", seed=8, agents=8, months=3)
    assert a == b
    assert _hashes(tmp_path / "a") == _hashes(tmp_path / "b")
    ha, hc = _hashes(tmp_path / "a"), _hashes(tmp_path / "c")
    assert ha.keys() == hc.keys()
    for name in ("agents.csv", "complaints.csv", "sessions/2024-01.parquet",
                 "orders/2024-01.parquet"):
        assert ha[name] != hc[name], name


def test_arguments_are_checked(tmp_path):
    with pytest.raises(ValueError, match="agents"):
        simulate(tmp_path, seed=1, agents=3)
    with pytest.raises(ValueError, match="months"):
        simulate(tmp_path, seed=1, months=0)
    with pytest.raises(ValueError, match="YYYY-MM"):
        simulate(tmp_path, seed=1, start="2024-1-5")


def test_start_and_months_are_honoured(tmp_path):
    truth = simulate(tmp_path, seed=3, agents=8, months=2, start="2025-11")
    assert (truth["start_month"], truth["end_month"]) == ("2025-11", "2025-12")
    files = sorted(p.name for p in (tmp_path / "sessions").glob("*.parquet"))
    assert files == ["2025-11.parquet", "2025-12.parquet"]
    s = pd.read_parquet(tmp_path / "sessions")
    assert s["start_ts"].min() >= pd.Timestamp("2025-11-01")
    assert s["start_ts"].max() < pd.Timestamp("2026-01-01")


def test_module_command_line(tmp_path):
    out = tmp_path / "cli"
    run = subprocess.run(
        [sys.executable, "-m", "csnb.simulate", "--out", str(out), "--seed", "5",
         "--agents", "8", "--months", "2"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads((out / "truth.json").read_text(encoding="utf-8"))["seed"] == 5
    assert (out / "README.md").exists()


# -- truth -------------------------------------------------------------------------------------


def test_truth_documents_every_planted_quantity(truth, sample):
    for key in ("seed", "arguments", "start_month", "end_month", "teams", "policy",
                "agent_effects", "baseline", "conversion_model", "exit_model", "promotions",
                "realized", "counts"):
        assert key in truth, key
    assert truth["seed"] == SAMPLE_SEED
    assert truth["start_month"] == "2024-01" and truth["end_month"] == "2025-12"
    assert truth["start_month"] <= SAMPLE_MONTH <= truth["end_month"]
    assert len(truth["teams"]) == len(DEFAULT_PARAMS["teams"]) >= 8
    adoption = truth["policy"]["adoption"]
    # staggered over at least three dates, with at least three teams that never adopt
    assert len(set(adoption.values())) >= 3
    never = truth["policy"]["never_treated"]
    assert len(never) >= 3 and not set(never) & set(adoption)
    assert set(never) | set(adoption) == {t["team"] for t in truth["teams"]}
    assert all(m < SAMPLE_MONTH for m in adoption.values())  # a before and after each
    for name in ("conversion_logit_shift", "first_response_mult", "complaint_mult",
                 "voluntary_exit_mult"):
        effect = truth["policy"]["effects"][name]
        assert isinstance(effect["value"], float) and effect["unit"]
    assert truth["agent_effects"]["conversion_logit_sd"]["value"] > 0
    for key in ("conversion_p", "first_response_median_s", "voluntary_exit_monthly_hazard",
                "service_complaints_per_1000_sessions"):
        assert key in truth["baseline"]
    # the counts are the rows actually written
    counts = truth["counts"]
    for table in ("agents", "complaints", "policies"):
        assert counts[table] == len(sample[table])
    for table in ("sessions", "orders"):
        assert counts[table]["total"] == len(sample[table])
    # the policies file says what the truth says
    pol = sample["policies"]
    assert dict(zip(pol["team"], pol["start_month"], strict=True)) == adoption


def test_sample_size_and_settings(truth):
    size = sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file())
    assert size < 20 * 2**20
    assert 200_000 <= truth["counts"]["sessions"]["total"] <= 800_000
    s = load_settings(SAMPLE)
    assert s.min_inquiries == 30 and s.bottom_share == 0.1 and s.fast_response_s == 180
    assert (SAMPLE / "README.md").read_text(encoding="utf-8").count(str(SAMPLE_SEED)) >= 1


# -- the data contract -------------------------------------------------------------------------


def test_columns_follow_the_contract(sample):
    for name, df in sample.items():
        assert list(df.columns) == [c.name for c in TABLES[name].columns], name


def test_category_values_are_allowed(sample):
    a, s, c, p = sample["agents"], sample["sessions"], sample["complaints"], sample["policies"]
    assert set(a["role"]) <= set(ROLES)
    assert set(a["shift"]) <= set(SHIFTS)
    assert set(a["exit_reason"]) - {""} <= set(EXIT_REASONS)
    assert set(a["outsourced"]) <= {"true", "false"}
    assert set(s["kind"]) == set(SESSION_KINDS)
    assert set(c["category"]) <= set(COMPLAINT_CATEGORIES)
    assert set(c["source"]) <= set(COMPLAINT_SOURCES)
    assert set(c["at_fault"]) <= {"true", "false"}
    assert set(c["severity"]) <= {"1", "2", "3"}
    assert set(p["policy"]) <= set(POLICIES) and set(p["action"]) <= set(ACTIONS)
    assert (p["end_month"] == "").all()


def test_agents_are_consistent(sample):
    a = sample["agents"]
    assert a["agent_id"].is_unique and a["name"].is_unique
    assert a["team"].nunique() == len(DEFAULT_PARAMS["teams"])
    # realistic Chinese team names, e.g. 售前一组
    assert a["team"].str.fullmatch(r"[\u4e00-\u9fff]+组").all()
    left = a["exit_date"] != ""
    assert ((a["exit_reason"] != "") == left).all()  # exit_reason iff exit_date
    assert (pd.to_datetime(a.loc[left, "exit_date"])
            >= pd.to_datetime(a.loc[left, "hire_date"])).all()
    assert (a["base_salary"].astype(float) > 0).all()
    assert set(a.loc[left, "exit_reason"]) >= {"voluntary", "dismissed", "bottom_ranked_out"}


def test_ids_are_unique_and_references_resolve(sample):
    a, s, o, c = sample["agents"], sample["sessions"], sample["orders"], sample["complaints"]
    for df, col in ((s, "session_id"), (o, "order_id"), (c, "complaint_id")):
        assert df[col].is_unique, col
    agents = set(a["agent_id"])
    assert set(s["agent_id"]) <= agents
    assert set(o["agent_id"].dropna()) <= agents
    assert set(c["agent_id"]) - {""} <= agents
    assert set(c["order_id"]) - {""} <= set(o["order_id"])


def test_sessions_only_while_employed(sample):
    a = sample["agents"].set_index("agent_id")
    s = sample["sessions"]
    day = s["start_ts"].dt.normalize()
    hire = pd.to_datetime(s["agent_id"].map(a["hire_date"]))
    exit_ = pd.to_datetime(s["agent_id"].map(a["exit_date"].replace("", None)))
    assert (day >= hire).all()
    assert (exit_.isna() | (day <= exit_)).all()


def test_values_are_plausible(sample, truth):
    s, o, c = sample["sessions"], sample["orders"], sample["complaints"]
    first, last = pd.Timestamp(truth["first_day"]), pd.Timestamp(truth["last_day"])
    end = last + pd.Timedelta(days=1)
    assert s["start_ts"].between(first, end, inclusive="left").all()
    assert (s["first_response_s"].dropna() >= 0).all()
    never = s["first_response_s"].isna()
    assert 0.005 < never.mean() < 0.05  # some sessions are never answered
    assert (s.loc[never, "agent_msgs"] == 0).all()
    hour = s["start_ts"].dt.hour
    outside = (hour < 8) | (hour >= 23)
    assert 0.01 < outside.mean() < 0.2  # mostly within business hours, some outside
    assert (o["amount"] > 0).all()
    paid = o["paid_ts"].notna()
    assert (o.loc[paid, "paid_ts"] >= o.loc[paid, "created_ts"]).all()
    assert (o["paid_ts"].dropna() < end).all() and (o["created_ts"] < end).all()
    assert 0.02 < (~paid).mean() < 0.2  # some unpaid orders
    assert 0.05 < o["agent_id"].notna().mean() < 0.5  # some orders carry the agent tag
    assert (o["refund_amount"] <= o["amount"]).all() and (o["refund_amount"] > 0).any()
    created = pd.to_datetime(c["created_ts"])
    resolved = pd.to_datetime(c["resolved_ts"].replace("", None))
    assert (resolved.dropna() >= created[resolved.notna()]).all()
    assert (created < end).all()
    # at-fault complaints name an agent; non-service categories are never at fault
    fault = c["at_fault"] == "true"
    assert (c.loc[fault, "agent_id"] != "").all()
    assert not fault[c["category"].isin(["logistics", "product_quality"])].any()


def test_files_are_sorted_monthly_parquet(truth):
    for table, ts in (("sessions", "start_ts"), ("orders", "created_ts")):
        files = sorted((SAMPLE / table).glob("*.parquet"))
        assert [f.stem for f in files] == list(
            pd.period_range(truth["start_month"], truth["end_month"], freq="M").astype(str))
        for f in files[:2]:
            df = pd.read_parquet(f)
            assert df[ts].is_monotonic_increasing
            assert (df[ts].dt.strftime("%Y-%m") == f.stem).all()


def test_customers_sometimes_talk_to_two_agents(sample):
    s = sample["sessions"]
    pre = s[s["kind"] == "presale"]
    per = pre.groupby([pre["customer_id"], pre["start_ts"].dt.date])["agent_id"].nunique()
    assert (per >= 2).mean() > 0.02


def test_promotions_peak(sample):
    """Promotions multiply presale volume (aftersale peaks after them, not on the day).

    The simulator draws sessions per working agent-day, so the measure is presale sessions per
    agent at work that day (agents with a session): raw daily counts also move with how many
    agents happened to work (on 2025-12-12 of the sample 35 did, against 40-49 on the days
    around it). The baseline is the ordinary days 20-40 days before the peak: for 12.12 that
    window (Nov 2-22) holds the 双11 run-up and day, which are themselves peaks.
    """
    s = sample["sessions"]
    day = s["start_ts"].dt.normalize()
    working = s.groupby(day)["agent_id"].nunique()
    presale = s[s["kind"] == "presale"].groupby(day[s["kind"] == "presale"]).size()
    rate = (presale / working).dropna()
    in_promotion = ((rate.index.month == 6) & (rate.index.day <= 18)) | (
        (rate.index.month == 11) & (rate.index.day <= 11)) | (
        (rate.index.month == 12) & (rate.index.day == 12))
    ordinary = rate[~in_promotion]
    for peak in ("2024-11-11", "2025-06-18", "2025-11-11", "2025-12-12"):
        around = ordinary[pd.Timestamp(peak) - pd.Timedelta(days=40):
                          pd.Timestamp(peak) - pd.Timedelta(days=20)]
        assert len(around) >= 10, peak
        assert rate[pd.Timestamp(peak)] > 1.8 * around.median(), peak


# -- planted effects ---------------------------------------------------------------------------


def _presale_conversion(sample) -> pd.DataFrame:
    """Presale sessions with a crude flag: the customer paid within the day or the next."""
    s = sample["sessions"]
    s = s[s["kind"] == "presale"][["customer_id", "agent_id", "start_ts", "first_response_s"]]
    o = sample["orders"].dropna(subset=["paid_ts"])[["customer_id", "paid_ts"]]
    m = s.reset_index().merge(o, on="customer_id", how="left")
    ok = (m["paid_ts"] >= m["start_ts"]) & (
        m["paid_ts"].dt.normalize() <= m["start_ts"].dt.normalize() + pd.Timedelta(days=1))
    paid = ok.groupby(m["index"]).any()
    return s.assign(converted=paid.reindex(s.index, fill_value=False).to_numpy())


def test_slow_first_response_converts_less(sample, truth):
    s = _presale_conversion(sample)
    fr = s["first_response_s"]
    fast = s.loc[fr <= 60, "converted"].mean()
    slow = s.loc[fr > 180, "converted"].mean()
    never = s.loc[fr.isna(), "converted"].mean()
    assert truth["conversion_model"]["first_response_per_min"] < 0
    assert fast - slow > 0.05
    assert slow > never


def test_new_agents_convert_less(sample, truth):
    s = _presale_conversion(sample)
    hire = pd.to_datetime(s["agent_id"].map(sample["agents"].set_index("agent_id")["hire_date"]))
    tenure = (s["start_ts"].dt.normalize() - hire).dt.days
    new = s.loc[tenure < 30, "converted"].mean()
    settled = s.loc[tenure.between(90, 364), "converted"].mean()
    assert truth["conversion_model"]["tenure_logit"]["0-29"] < 0
    assert settled - new > 0.04


def test_agent_conversion_varies_beyond_chance(sample):
    s = _presale_conversion(sample)
    by = s.groupby("agent_id")["converted"].agg(["mean", "size"])
    by = by[by["size"] >= 1000]
    p = s["converted"].mean()
    binomial_sd = np.sqrt(p * (1 - p) / by["size"]).mean()
    assert by["mean"].std() > 2 * binomial_sd  # the agent random effect is there


def _exit_rates(agents: pd.DataFrame, last_day: str) -> pd.Series:
    """Exits per agent-month of exposure, by shift."""
    hire = pd.to_datetime(agents["hire_date"])
    first = pd.to_datetime(agents["hire_date"]).clip(lower=pd.Timestamp("2024-01-01"))
    exit_ = pd.to_datetime(agents["exit_date"].replace("", None))
    stop = exit_.fillna(pd.Timestamp(last_day))
    months = ((stop - first).dt.days + 1).clip(lower=0) / 30.4
    del hire
    left = exit_.notna() & (agents["exit_reason"] == "voluntary")
    return left.groupby(agents["shift"]).sum() / months.groupby(agents["shift"]).sum()


def test_night_shift_leaves_more(tmp_path):
    # Without the policy: its extra exits fall on the day-shift teams that adopt it, which
    # this crude comparison by shift would mix in.
    params = {**LIGHT, "policy": {"adopters": {}}}
    truth = simulate(tmp_path, seed=11, agents=240, months=24, params=params)
    agents = pd.read_csv(tmp_path / "agents.csv", dtype=str, keep_default_na=False)
    rates = _exit_rates(agents, truth["last_day"])
    assert rates["night"] > 1.4 * rates["day"]
    assert rates["day"] < rates["rotating"] < rates["night"]


def test_hires_can_leave_in_their_hire_month(tmp_path):
    """Every agent hired within the data, replacements hired in the month of an exit
    included, faces the exit hazard from the hire day, prorated by the days employed.

    Observed exits within the hire month against the sum over hires of
    1 - exp(-hazard x days employed that month / days in the month), the hazard rebuilt
    from truth.json's exit model (no policy here). Before this was fixed only hires from an
    earlier month's queue were at risk, and the count fell far short of the expectation.
    """
    params = {**LIGHT, "policy": {"adopters": {}}, "exit": {"voluntary_monthly": 0.3}}
    truth = simulate(tmp_path, seed=4, agents=240, months=24, params=params)
    ex = truth["exit_model"]
    a = pd.read_csv(tmp_path / "agents.csv", dtype=str, keep_default_na=False)
    hire = pd.to_datetime(a["hire_date"])
    a = a[hire >= pd.Timestamp(truth["first_day"])]
    hire = pd.to_datetime(a["hire_date"])
    month_end = hire + pd.offsets.MonthEnd(0)
    employed = (month_end - hire).dt.days + 1
    vol = ex["voluntary_monthly"] * ex["new_hire_mult"] * a["shift"].map(
        {"day": 1.0, "rotating": ex["rotating_mult"], "night": ex["night_mult"]}) * np.where(
        a["outsourced"] == "true", ex["outsourced_mult"], 1.0)
    hazard = vol + ex["dismissed_monthly"] + ex["contract_end_monthly"] + ex["other_monthly"]
    expected = float((1 - np.exp(-hazard * employed / hire.dt.days_in_month)).sum())
    exit_ = pd.to_datetime(a["exit_date"].replace("", None))
    observed = int((exit_.notna() & (exit_ <= month_end)).sum())
    print(f"hires {len(a)}: exits in the hire month {observed}, expected {expected:.1f}")
    # measured (seed 4): 863 against 836.8 expected; the old engine gave 667 against 814.8,
    # 5.2 sd short, which this bound rejects
    assert expected > 400
    assert abs(observed - expected) < 3.5 * np.sqrt(expected)


def test_sample_night_shift_leaves_more(sample, truth):
    rates = _exit_rates(sample["agents"], truth["last_day"])
    assert rates["night"] > rates["day"]


def _policy_did(sample, truth) -> dict[str, float]:
    """Post/pre ratio of policy teams over the same ratio of the other teams."""
    a = sample["agents"].set_index("agent_id")
    adoption = truth["policy"]["adoption"]
    first = min(adoption.values())
    s = sample["sessions"]
    s = pd.DataFrame({"team": s["agent_id"].map(a["team"]),
                      "month": s["start_ts"].dt.strftime("%Y-%m"),
                      "fast": s["first_response_s"] <= 180})
    c = sample["complaints"]
    c = c[c["agent_id"] != ""]
    c = pd.DataFrame({"team": c["agent_id"].map(a["team"]), "month": c["created_ts"].str[:7]})

    def split(df):
        treated = df["team"].isin(list(adoption))
        start = df["team"].map(adoption).fillna(first)
        return treated, df["month"] >= start

    ts, ps = split(s)
    tc, pc = split(c)

    def rate(cm, sm):
        return cm.sum() / sm.sum()

    complaints = (rate(tc & pc, ts & ps) / rate(tc & ~pc, ts & ~ps)) / (
        rate(~tc & pc, ~ts & ps) / rate(~tc & ~pc, ~ts & ~ps))
    fast = (s["fast"][ts & ps].mean() - s["fast"][ts & ~ps].mean()) - (
        s["fast"][~ts & ps].mean() - s["fast"][~ts & ~ps].mean())
    return {"complaints": complaints, "fast": fast}


def _policy_complaint_rate_ratio(sample, truth) -> float:
    """The policy's complaint rate ratio from a Poisson model of team-month complaint counts
    (per session) with team and calendar-month effects: each adopting team is compared with
    the teams not under the policy in the same months."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    a = sample["agents"].set_index("agent_id")
    adoption = truth["policy"]["adoption"]
    s, c = sample["sessions"], sample["complaints"]
    c = c[c["agent_id"] != ""]
    n = s.groupby([s["agent_id"].map(a["team"]).rename("team"),
                   s["start_ts"].dt.strftime("%Y-%m").rename("month")]).size().rename("n")
    k = c.groupby([c["agent_id"].map(a["team"]).rename("team"),
                   c["created_ts"].str[:7].rename("month")]).size().rename("k")
    df = pd.concat([n, k], axis=1).fillna(0).reset_index()
    df = df[df["n"] > 0]
    df["policy"] = (df["month"] >= df["team"].map(adoption).fillna("9999")).astype(int)
    fit = smf.glm("k ~ C(team) + C(month) + policy", data=df,
                  family=sm.families.Poisson(), offset=np.log(df["n"])).fit()
    return float(np.exp(fit.params["policy"]))


def test_policy_moves_complaints_and_response_in_planted_direction(sample, truth):
    """The planted complaint multiplier (1.3, less what faster answers save) shows in the sample.

    Measured on the eight-team sample (seed 20251111): the pooled pre/post ratio of
    ``_policy_did`` gives 1.027, because it splits the three never-adopting teams at the first
    adoption (2024-10) while two of the three cohorts adopt in 2025-01 and 2025-04, and in
    this world the controls' slow-answer share rises over time (6.2% -> 8.3%, the load knee
    with the volume trend), and their nine pre months hold only 156 complaints: their
    post/pre ratio (1.13) is neither matched to the treated teams' months nor precise.
    Comparing in the same calendar months (team and month effects, not-yet-adopting teams
    included) gives 1.13 (se of the log 0.10): the bar stays 1.05.
    """
    effects = truth["policy"]["effects"]
    assert effects["complaint_mult"]["value"] > 1 and effects["first_response_mult"]["value"] < 1
    assert _policy_complaint_rate_ratio(sample, truth) > 1.05
    assert _policy_did(sample, truth)["fast"] > 0


def test_bottom_ranked_out_only_in_policy_teams_after_adoption(sample, truth):
    a = sample["agents"]
    out = a[a["exit_reason"] == "bottom_ranked_out"]
    adoption = truth["policy"]["adoption"]
    assert len(out) > 0
    assert out["team"].isin(list(adoption)).all()
    assert (out["exit_date"].str[:7] > out["team"].map(adoption)).all()
    dismissed = {d["agent_id"] for d in truth["realized"]["dismissals"]
                 if d["reason"] == "bottom_ranked_out"}
    assert dismissed == set(out["agent_id"])


def test_conversion_gain_is_listed_per_policy_team_month(sample, truth):
    """truth.json's planted conversion effect: one row per policy team and month under the
    policy, a gain per visit between zero and its largest possible value (a logit change of
    at most shift + |per minute| x the speed-up of a 600 s answer, times p(1 - p) <= 1/4)."""
    pol = truth["policy"]
    rows = pd.DataFrame(pol["conversion_gain"]["team_months"])
    months = pd.period_range(truth["start_month"], truth["end_month"], freq="M").astype(str)
    expected = {(team, m) for team, start in pol["adoption"].items() for m in months
                if m >= start}
    assert set(zip(rows["team"], rows["month"], strict=True)) == expected
    per_visit = rows["expected_gain"] / rows["visits"]
    effects, model = pol["effects"], truth["conversion_model"]
    speed = -model["first_response_per_min"] * 600 / 60 * (
        1 / effects["first_response_mult"]["value"] - 1)
    assert (per_visit > 0).all()
    assert (per_visit <= (effects["conversion_logit_shift"]["value"] + speed) / 4).all()
    # about shift x p(1 - p) at the sample's conversion of 30-40%
    assert per_visit.median() == pytest.approx(
        effects["conversion_logit_shift"]["value"] * 0.23, rel=0.35)


@pytest.mark.slow
def test_policy_complaint_effect_across_seeds(tmp_path):
    ratios = []
    for seed in range(1, 7):
        folder = tmp_path / str(seed)
        truth = simulate(folder, seed=seed, params={"qa": {"review_days": 0}})
        ratios.append(_policy_did(_read(folder), truth)["complaints"])
    planted = DEFAULT_PARAMS["policy"]["complaint_mult"]
    assert sum(r > 1 for r in ratios) >= 5
    assert abs(np.median(ratios) - planted) < 0.2


# -- the loader reads what the simulator writes ------------------------------------------------


def test_small_simulation_loads_without_problems(tmp_path):
    simulate(tmp_path, seed=2, agents=8, months=2)
    ds = load_dataset(tmp_path)
    assert [p for p in ds.problems if p.severity == "error"] == []
    q = ds.quality
    assert (q["read"] == q["accepted"]).all() and (q["rejected"] == 0).all()
    assert set(ds.tables) == {"agents", "sessions", "orders", "complaints", "policies",
                              "qa_reviews"}


@pytest.mark.slow
def test_sample_loads_without_problems(truth):
    ds = load_dataset(SAMPLE)
    assert [p for p in ds.problems if p.severity == "error"] == []
    q = ds.quality.groupby("table")[["read", "accepted", "rejected"]].sum()
    assert (q["rejected"] == 0).all()
    assert q.loc["sessions", "accepted"] == truth["counts"]["sessions"]["total"]
    assert q.loc["orders", "accepted"] == truth["counts"]["orders"]["total"]


def test_ratings_follow_the_planted_model(sample, truth):
    """About rated_p of sessions carry a rating; slow answers are rated worse, as planted."""
    s = sample["sessions"]
    model = truth["rating_model"]
    rated = s["rating"].notna()
    assert rated.mean() == pytest.approx(model["rated_p"], abs=0.01)
    assert set(s.loc[rated, "rating"]) <= set(model["levels"])
    satisfied = s["rating"].isin(["very_satisfied", "satisfied"])
    fr = s["first_response_s"]
    slow = fr.isna() | (fr > 180)
    expected = {"fast": sum(model["fast_p"][:2]), "slow": sum(model["slow_p"][:2])}
    assert satisfied[rated & ~slow].mean() == pytest.approx(expected["fast"], abs=0.01)
    assert satisfied[rated & slow].mean() == pytest.approx(expected["slow"], abs=0.03)
