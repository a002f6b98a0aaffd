"""The daily flags, the chats to read and the weighted pass rate (csnb.analyses.qa)."""

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from csnb.analyses.qa import (
    STRATA,
    complaint_links,
    daily_agents,
    mask_customer,
    qa_pass_rates,
    ratio_estimate,
    sample_chats,
)
from csnb.analyses.qa.sample import _allocate
from csnb.errors import ParameterError
from csnb.io import load_dataset
from csnb.io.dataset import dataset_from_frames
from csnb.simulate import simulate

SMALL = {"qa": {"review_days": 5}}


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("qa-shop")
    truth = simulate(folder, seed=7, agents=12, months=2, params=SMALL)
    return folder, truth


@pytest.fixture(scope="module")
def ds(shop):
    return load_dataset(shop[0])


def _days(truth):
    first, last = (date.fromisoformat(d) for d in truth["qa"]["days"])
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def test_same_date_and_data_give_the_same_sample(shop, ds):
    day = _days(shop[1])[0]
    a = sample_chats(ds, day).tidy()
    again = sample_chats(load_dataset(shop[0], cache=False), day.isoformat()).tidy()
    pd.testing.assert_frame_equal(a, again)
    other = sample_chats(ds, day + timedelta(days=1)).tidy()
    assert set(a["session_id"]).isdisjoint(other["session_id"])


def test_every_complaint_linked_session_of_the_day_is_read(shop, ds):
    links = complaint_links(ds).dropna(subset=["session_id"])
    sessions = ds.frame("sessions")
    checked = 0
    for day in _days(shop[1]):
        of_day = sessions[pd.to_datetime(sessions["start_ts"]).dt.date == day]
        linked = set(of_day["session_id"]) & set(links["session_id"])
        sample = sample_chats(ds, day)
        assert linked <= set(sample.table["session_id"]), day
        assert (sample.table.loc[sample.table["session_id"].isin(linked), "weight"] == 1).all()
        checked += len(linked)
    assert checked > 0  # the simulated days do have complaint-linked chats


def test_weights_are_inverse_inclusion_probabilities(shop, ds):
    day = _days(shop[1])[-1]
    sample = sample_chats(ds, day, quota=25)
    design = sample.strata.set_index("stratum")
    n_day = int(design["population"].sum())
    assert len(ds.query(
        f"SELECT * FROM sessions WHERE CAST(start_ts AS DATE) = DATE '{day}'")) == n_day
    for h, g in sample.table.groupby("stratum"):
        # the sampled chats of a stratum stand for all of its sessions
        assert g["weight"].sum() == pytest.approx(design.loc[h, "population"])
        assert (g["weight"] * g["inclusion_probability"]).round(9).eq(1).all()
    assert len(sample.table) == min(n_day, max(25, int(design.loc["complaint", "population"])))


def test_customer_ids_are_masked(shop, ds):
    sample = sample_chats(ds, _days(shop[1])[0]).tidy()
    full = set(ds.frame("sessions")["customer_id"])
    assert not full & set(sample["customer"])
    assert sample["customer"].str.fullmatch(r"\*\*\*.{4}").all()
    assert mask_customer("tb10001234") == "***1234"
    assert mask_customer("ab") == "***b"
    assert mask_customer(None) == ""


def test_allocation_takes_complaints_whole_and_fills_the_quota():
    take = _allocate({"complaint": 3, "flagged": 2, "slow": 50, "lost_intent": 0,
                      "random": 400}, 30)
    assert take["complaint"] == 3 and take["flagged"] == 2 and take["lost_intent"] == 0
    assert sum(take.values()) == 30
    # the quota is not a cap on complaints
    assert _allocate({h: 40 for h in STRATA}, 30)["complaint"] == 40


def test_a_malformed_day_is_named():
    with pytest.raises(ParameterError, match="2025-02-30"):
        sample_chats(None, "2025-02-30")  # type: ignore[arg-type]


def _frames(days=31, drop_day=True):
    """One team of four agents; agent A answers 19 of 20 chats fast every day, and on the
    last day (with ``drop_day``) none of 20."""
    start = datetime(2025, 3, 1, 10)
    agents = pd.DataFrame({"agent_id": list("ABCD"), "name": ["甲", "乙", "丙", "丁"],
                           "team": "t", "hire_date": pd.Timestamp("2024-01-01")})
    rows = []
    for d in range(days):
        for a in "ABCD":
            for i in range(20):
                slow = i == 0 or (drop_day and a == "A" and d == days - 1)
                rows.append({"session_id": f"{a}{d:02d}{i:02d}", "agent_id": a,
                             "customer_id": f"cust{d:02d}{i:02d}{a}",
                             "start_ts": start + timedelta(days=d, minutes=10 * i),
                             "kind": "aftersale", "first_response_s": 400.0 if slow else 20.0})
    return {"agents": agents, "sessions": pd.DataFrame(rows)}


def test_a_planted_drop_is_flagged_and_an_ordinary_day_is_not():
    day = date(2025, 3, 31)
    flagged = daily_agents(dataset_from_frames(_frames()), day)
    assert flagged.flagged == ["A"]
    assert "3-minute response 0% (0/20)" in flagged.table.iloc[0]["reason"]
    calm = daily_agents(dataset_from_frames(_frames(drop_day=False)), day)
    assert calm.flagged == []
    # the sample then over-samples A's chats: 40% of the quota, here 40/80 since there is no
    # presale session (the lost-intent share goes to the other strata in proportion)
    sample = sample_chats(dataset_from_frames(_frames()), day, quota=10)
    assert (sample.table["stratum"] == "flagged").sum() == 5
    assert sample.strata.set_index("stratum").loc["lost_intent", "population"] == 0
    assert set(sample.table.loc[sample.table["stratum"] == "flagged", "agent_id"]) == {"A"}


def test_complaint_links_session_id_first_then_the_last_session_with_the_customer():
    frames = _frames(days=2, drop_day=False)
    orders = pd.DataFrame({"order_id": ["o1", "o2"], "customer_id": ["cust0001A", "cust0101B"],
                           "created_ts": pd.Timestamp("2025-03-01 09:00"), "amount": 10.0})
    # cust0001A talked to A at 10:10 on March 1 only; the complaint comes after
    complaints = pd.DataFrame({
        "complaint_id": ["c1", "c2", "c3"],
        "created_ts": pd.to_datetime(["2025-03-01 12:00", "2025-03-03 08:00",
                                      "2025-03-01 08:00"]),
        "category": "attitude", "source": "hotline", "agent_id": ["A", "B", "A"],
        "order_id": ["o1", "o2", "o1"], "session_id": [None, "C0005", None]})
    ds = dataset_from_frames({**frames, "orders": orders, "complaints": complaints})
    links = complaint_links(ds).set_index("complaint_id")
    assert links.loc["c1", "session_id"] == "A0001"
    assert links.loc["c1", "linked_by"] == "customer"
    assert links.loc["c2", "session_id"] == "C0005"  # its own session_id wins
    assert links.loc["c2", "linked_by"] == "session_id"
    assert pd.isna(links.loc["c3", "session_id"])  # no session before the complaint


def test_ratio_estimate_matches_the_stratified_textbook_formula(rng):
    """Reference: Cochran, Sampling Techniques (1977), 5.7-5.8: with strata of known size N_h
    and simple random samples n_h, p_st = sum N_h p_h / N and
    V = sum (N_h / N)^2 (1 - f_h) p_h (1 - p_h) / (n_h - 1)."""
    sizes, taken = [400, 120, 60], [10, 15, 20]
    y, w, h, f = [], [], [], []
    for k, (N, n) in enumerate(zip(sizes, taken, strict=True)):
        draws = (rng.random(n) < [0.9, 0.6, 0.4][k]).astype(float)
        y += list(draws)
        w += [N / n] * n
        h += [k] * n
        f += [n / N] * n
    est, se = ratio_estimate(np.array(y), np.array(w), np.array(h), np.array(f))
    N = sum(sizes)
    p_h = [np.mean(np.array(y)[np.array(h) == k]) for k in range(3)]
    ref = sum(Nh * p for Nh, p in zip(sizes, p_h, strict=True)) / N
    var = sum((Nh / N) ** 2 * (1 - n / Nh) * p * (1 - p) / (n - 1)
              for Nh, n, p in zip(sizes, taken, p_h, strict=True))
    assert est == pytest.approx(ref, rel=1e-12)
    assert se == pytest.approx(np.sqrt(var), rel=1e-9)


def test_weighted_pass_rate_recovers_the_planted_population_rate(shop, ds):
    truth = shop[1]["qa"]
    first, last = truth["days"]
    res = qa_pass_rates(ds, first, last)
    total = res.team.iloc[0]
    print(f"\ntrue {truth['population_pass_rate']:.3f}  weighted {total['pass_rate']:.3f} "
          f"[{total['ci_low']:.3f}, {total['ci_high']:.3f}]  "
          f"unweighted {total['unweighted_rate']:.3f}")
    assert total["ci_low"] <= total["pass_rate"] <= total["ci_high"]
    assert total["reviews"] == truth["reviews"] and res.outside == 0
    assert total["unweighted_rate"] < truth["population_pass_rate"]  # targeted chats fail more
    assert res.to_json()["pass_rate"]["estimate"] == pytest.approx(total["pass_rate"])
    # the simulated reviewers tag every failed chat once
    assert res.tags["failed"].sum() == total["reviews"] - total["passed"]


@pytest.mark.slow
def test_weighted_ci_covers_the_population_rate_over_20_seeds(tmp_path):
    covered, rows = 0, []
    for seed in range(20):
        folder = tmp_path / f"s{seed}"
        truth = simulate(folder, seed=1000 + seed, agents=10, months=2,
                         params={"qa": {"review_days": 8}})["qa"]
        res = qa_pass_rates(load_dataset(folder, cache=False), *truth["days"])
        total = res.team.iloc[0]
        true = truth["population_pass_rate"]
        hit = total["ci_low"] <= true <= total["ci_high"]
        covered += hit
        rows.append((seed, true, total["pass_rate"], total["ci_low"], total["ci_high"],
                     total["unweighted_rate"]))
        print(f"seed {seed:2d}: true {true:.3f}  weighted {total['pass_rate']:.3f} "
              f"[{total['ci_low']:.3f}, {total['ci_high']:.3f}] {'covers' if hit else 'MISSES'}"
              f"  unweighted {total['unweighted_rate']:.3f}")
    table = pd.DataFrame(rows, columns=["seed", "true", "weighted", "lo", "hi", "unweighted"])
    bias_w = (table["weighted"] - table["true"]).mean()
    bias_u = (table["unweighted"] - table["true"]).mean()
    print(f"coverage {covered}/20; mean bias weighted {bias_w:+.3f}, unweighted {bias_u:+.3f}")
    assert covered >= 18
    # the unweighted rate is biased: below the truth in (nearly) every seed, by more than the
    # weighted estimate's typical error
    assert (table["unweighted"] < table["true"]).sum() >= 19
    assert bias_u < -3 * abs(bias_w) and bias_u < -0.03
