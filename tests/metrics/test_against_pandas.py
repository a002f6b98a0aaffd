"""The product's month figures against an independent plain-pandas oracle.

Part 1 checks the oracle itself (``tests/oracle_pandas.py``) on tiny hand-built datasets whose
figures were worked out by hand in the comments. Part 2 holds the product to the oracle on a
simulated dataset: ``csnb report --only overview`` for one month (its ``overview.json``) and
``csnb.metrics.month_figures`` for two more.

Reference call::

    oracle_pandas.month_figures(folder, "YYYY-MM")
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hand_built import AGENTS, COMPLAINTS, ORDERS, SESSIONS, mismatches, same, write_csv, write_june  # noqa: F401
from oracle_pandas import (
    attribute_orders,
    figures_from_tables,
    is_provisional,
    load_tables,
    month_figures,
    read_settings,
)

REPO = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------------------------
# Part 1: the oracle on hand-built data


@pytest.fixture
def june(tmp_path: Path) -> Path:
    return write_june(tmp_path)


def test_oracle_headcount_by_hand(june: Path):
    got = month_figures(june, "2025-06")
    # opening: A1, A2, A6, A8 (A5 left on May 31, A3/A4 hired in June)        = 4
    # hires: A3, A4                                                            = 2
    # exits: A2 (June 30), A3, A6 (June 1), A8                                 = 4
    #   voluntary: A2 = 1; involuntary: A3 dismissed + A6 bottom_ranked_out    = 2
    # closing: A1, A4 (A2's last day is June 30, so not after it)              = 2
    # identity: 4 + 2 - 4 = 2; turnover = 4 / ((4 + 2) / 2) = 4/3
    assert got["opening_headcount"] == 4
    assert got["hires"] == 2
    assert got["exits"] == 4
    assert got["exits_voluntary"] == 1
    assert got["exits_involuntary"] == 2
    assert got["closing_headcount"] == 2
    assert got["turnover_rate"] == pytest.approx(4 / 3)
    # M-11 = 2024-07 is before the earliest hire month 2024-12: no trailing rate yet
    assert math.isnan(got["turnover_rate_trailing_12m"])


def test_oracle_attribution_by_hand(june: Path):
    tables = load_tables(june)
    credited = attribute_orders(tables["sessions"], tables["orders"], window_days=1)
    by_order = dict(zip(credited["order_id"], credited["credited_agent"], strict=True))
    assert by_order["O1"] == "A4"  # tag beats last presale agent A1
    assert by_order["O2"] == "A1"  # session the day before payment
    assert pd.isna(by_order["O3"])  # session two days before payment
    assert by_order["O4"] == "A4"  # tag, whatever the sessions
    assert by_order["O5"] == "A4"  # last of two agents the same day
    assert pd.isna(by_order["O6"])  # the session came after payment
    assert by_order["O7"] == "A1"
    assert by_order["O8"] == "A1"
    assert by_order["O9"] == "A1"
    assert "O10" not in by_order  # unpaid orders are never credited
    assert pd.isna(by_order["O11"])  # aftersale sessions do not attribute


def test_oracle_sales_and_conversion_by_hand(june: Path):
    got = month_figures(june, "2025-06")
    # June inquiries (customer, agent, day), converted or not:
    #   (C1,A1,10) no: O1 is tagged A4      (C2,A1,11) yes: O2 on the 12th
    #   (C3,A1,13) no: O3 silent            (C4,A4,13) no: O4 paid on the 15th
    #   (C5,A1,16) no: two sessions, one inquiry, O5 went to A4
    #   (C5,A4,16) yes                      (C6,A1,17) no: O6 silent
    #   (C7,A1,30) yes: O7 on July 1        (C10,A1,19) no: 23:30 still an inquiry
    #   C8's inquiry is May's.
    assert got["inquiries"] == 9
    assert got["converted_inquiries"] == 3
    assert got["conversion_rate"] == pytest.approx(3 / 9)
    # Paid in June: O1 O2 O3 O4 O5 O6 O8 O9 O11 (O7 is July's, O10 unpaid)      = 9
    # credited: O1 100 + O2 200 + O4 50 + O5 400 + O8 80 + O9 100             = 930
    # paying customers credited: C1, C2, C4, C5, C8                            = 5
    # silent: O3 300 + O6 60 + O11 90                                          = 450
    assert got["paid_orders"] == 9
    assert got["credited_sales"] == pytest.approx(930)
    assert got["order_value"] == pytest.approx(930 / 5)
    assert got["silent_sales"] == pytest.approx(450)


def test_oracle_response_and_complaints_by_hand(june: Path):
    got = month_figures(june, "2025-06")
    # Counted (June, [08:00, 23:00), both kinds): S1 30, S2 200, S3 600 (never answered),
    # S4 180, S5 600 (900 capped), S6 60, S7 100, S8 181, S9 20, S10 120, S13 400, S14 600.
    # Left out: S0 (May), S11 (23:30), S12 (07:59).
    # mean = 3091 / 12; fast (<= 180 s): S1 S4 S6 S7 S9 S10 = 6 of 12
    assert got["avg_first_response_s"] == pytest.approx(3091 / 12)
    assert got["fast_response_rate"] == pytest.approx(0.5)
    # Complaints created in June: K1, K2 (23:59 on the 30th) = 2; per 1k of 9 paid orders
    assert got["complaints"] == 2
    assert got["complaints_per_1k_orders"] == pytest.approx(2 / 9 * 1000)
    # Last dated record July 1 < June 30 + 3 days: provisional
    assert is_provisional(june, "2025-06")
    assert not is_provisional(june, "2025-05")


def test_oracle_window_and_hours_follow_csnb_toml(june: Path):
    (june / "csnb.toml").write_text(
        'attribution_window_days = 2\nbusiness_hours = ["08:00", "23:59"]\n'
        "fast_response_s = 300\n",
        encoding="utf-8",
    )
    got = month_figures(june, "2025-06")
    # window 2: O3 is now credited to A1 (session two days before) and converts (C3,A1,13);
    # O4 (tagged A4, paid two days after C4's inquiry with A4) now converts (C4,A4,13).
    assert got["converted_inquiries"] == 5
    assert got["credited_sales"] == pytest.approx(930 + 300)
    assert got["silent_sales"] == pytest.approx(150)
    assert got["order_value"] == pytest.approx(1230 / 6)  # C3 joins the paying customers
    # hours to 23:59: S11 (23:30, 5 s) joins; fast <= 300 s adds S2 (200) and S8 (181)
    assert got["avg_first_response_s"] == pytest.approx((3091 + 5) / 13)
    assert got["fast_response_rate"] == pytest.approx(9 / 13)


def test_oracle_trailing_turnover_by_hand(tmp_path: Path):
    folder = tmp_path / "trail"
    write_csv(folder, "agents", AGENTS, [
        ("B1", "x", "t", "2024-01-15", None, None),
        ("B2", "y", "t", "2024-01-01", "2024-06-10", "voluntary"),
        ("B3", "z", "t", "2024-03-01", None, None),
    ])
    # Average headcount (opening + closing) / 2 by month of 2024:
    #   Jan (0+2)/2 = 1, Feb 2, Mar (2+3)/2 = 2.5, Apr 3, May 3, Jun (3+2)/2 = 2.5,
    #   Jul..Dec 2 each. Sum 26, mean 26/12; one exit (B2 in June).
    got = month_figures(folder, "2024-12")
    assert got["turnover_rate_trailing_12m"] == pytest.approx(1 / (26 / 12))
    assert got["exits"] == 0 and got["turnover_rate"] == 0
    # November: M-11 = 2023-12 is before the first hire month
    assert math.isnan(month_figures(folder, "2024-11")["turnover_rate_trailing_12m"])
    # Tables without rows give zero counts and no rates
    june = month_figures(folder, "2024-06")
    assert june["inquiries"] == 0 and math.isnan(june["conversion_rate"])
    assert math.isnan(june["complaints_per_1k_orders"])
    assert june["turnover_rate"] == pytest.approx(1 / 2.5)


def test_oracle_reads_subfolders_and_parquet(june: Path, tmp_path: Path):
    """The same data split into monthly files and Parquet gives the same figures."""
    split = tmp_path / "split"
    split.mkdir()
    for name in ("agents", "complaints"):
        (split / f"{name}.csv").write_bytes((june / f"{name}.csv").read_bytes())
    sessions = pd.read_csv(june / "sessions.csv", dtype=str, keep_default_na=False)
    (split / "sessions").mkdir()
    month = sessions["start_ts"].str[:7]
    for m, part in sessions.groupby(month):
        part.to_csv(split / "sessions" / f"{m}.csv", index=False)
    orders = pd.read_csv(june / "orders.csv", dtype=str, keep_default_na=False)
    orders.to_parquet(split / "orders.parquet")
    a, b = month_figures(june, "2025-06"), month_figures(split, "2025-06")
    assert mismatches(a, b) == []


# --------------------------------------------------------------------------------------------
# Part 2: the product against the oracle on a simulated dataset

SEED = 11


@pytest.fixture(scope="module")
def simulated(tmp_path_factory) -> tuple[Path, dict, list[str]]:
    """One simulated dataset for the module, the oracle's tables of it, and its months."""
    from csnb.simulate import simulate  # fails loudly while the simulator is missing

    folder = tmp_path_factory.mktemp("sim") / "data"
    simulate(folder, seed=SEED)
    tables = load_tables(folder)
    first = tables["sessions"]["start_ts"].min().to_period("M")
    last = tables["sessions"]["start_ts"].max().to_period("M")
    months = [str(p) for p in pd.period_range(first, last, freq="M")]
    assert len(months) >= 14, f"expected two years of data, got {months}"
    return folder, tables, months


def oracle(simulated, month: str) -> dict:
    folder, tables, _ = simulated
    return figures_from_tables(tables, month, read_settings(folder))


@pytest.mark.slow  # runs the overview notebook through papermill (about 35 s)
def test_report_overview_matches_oracle(simulated, tmp_path: Path):
    folder, tables, months = simulated
    month = months[len(months) // 2]  # the middle: trailing 12 months defined, data final
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "csnb", "report", "--month", month, "--data", str(folder),
         "--out", str(out), "--only", "overview"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, f"csnb report failed:\n{proc.stdout}\n{proc.stderr}"
    payload = json.loads((out / month / "overview.json").read_text(encoding="utf-8"))

    expected = oracle(simulated, month)
    assert payload["month"] == month
    assert payload["metric_book_version"] == 1
    assert payload["provisional"] is is_provisional(folder, month, tables)
    assert not math.isnan(expected["turnover_rate_trailing_12m"])
    assert mismatches(expected, payload["figures"]) == []


def test_prep_month_figures_match_oracle(simulated):
    from csnb.io import load_dataset
    from csnb.metrics import month_figures as product_month_figures

    folder, _, months = simulated
    ds = load_dataset(folder)
    # An early month (no trailing rate yet) and the last month (provisional, cut at data end).
    for month in (months[2], months[-1]):
        expected = oracle(simulated, month)
        actual = product_month_figures(ds, month)
        assert mismatches(expected, actual) == [], month


def test_prep_on_hand_built_month_matches_oracle(june: Path):
    """The product on the hand-built month: every tricky rule above, through csnb.metrics."""
    from csnb.io import load_dataset
    from csnb.metrics import month_figures as product_month_figures

    ds = load_dataset(june)
    for month in ("2025-05", "2025-06", "2025-07"):
        assert mismatches(month_figures(june, month), product_month_figures(ds, month)) == [], month


def random_month(folder: Path, seed: int, csnb_toml: str | None) -> None:
    """A small random shop around June 2025, dense enough for collisions: few customers and
    agents, timestamps on a 30-minute grid (ties, payment at a session's start), tags on some
    orders, response times at and around the thresholds, exits on month edges."""
    rng = np.random.default_rng(seed)
    reasons = ["voluntary", "dismissed", "bottom_ranked_out", "contract_end", "other"]
    agents = []
    for i in range(6):
        hire = pd.Timestamp("2025-04-01") + pd.Timedelta(days=int(rng.integers(0, 80)))
        if rng.random() < 0.5:
            exit_ = (hire + pd.Timedelta(days=int(rng.integers(0, 90)))).date()
            agents.append((f"A{i}", "n", "t", hire.date(), exit_, rng.choice(reasons)))
        else:
            agents.append((f"A{i}", "n", "t", hire.date(), None, None))
    days = pd.date_range("2025-05-29", "2025-07-02")

    def stamp() -> pd.Timestamp:
        half_hours = int(rng.integers(0, 48))
        return days[rng.integers(0, len(days))] + pd.Timedelta(minutes=30 * half_hours)

    responses = [None, 0, 60, 180, 181, 300, 599, 600, 601, 2000]
    sessions = [
        (f"S{i}", f"A{rng.integers(0, 6)}", f"C{rng.integers(0, 15)}", stamp(),
         rng.choice(["presale", "presale", "aftersale"]), responses[rng.integers(0, 10)])
        for i in range(300)
    ]
    orders = []
    for i in range(200):
        paid = stamp() if rng.random() < 0.9 else None
        created = (paid if paid is not None else stamp()) - pd.Timedelta(minutes=5)
        tag = f"A{rng.integers(0, 6)}" if rng.random() < 0.3 else None
        orders.append((f"O{i}", f"C{rng.integers(0, 15)}", created, paid,
                       round(float(rng.uniform(1, 500)), 2), tag, None))
    complaints = [(f"K{i}", stamp(), "attitude", "hotline", None) for i in range(30)]
    write_csv(folder, "agents", AGENTS, agents)
    write_csv(folder, "sessions", SESSIONS, sessions)
    write_csv(folder, "orders", ORDERS, orders)
    write_csv(folder, "complaints", COMPLAINTS, complaints)
    if csnb_toml:
        (folder / "csnb.toml").write_text(csnb_toml, encoding="utf-8")


@pytest.mark.parametrize(
    "csnb_toml",
    [
        None,
        "attribution_window_days = 0\n",
        "attribution_window_days = 2\nfast_response_s = 300\n",
        'business_hours = ["09:30", "21:00"]\nresponse_cap_s = 300\n',
    ],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_prep_on_random_months_matches_oracle(tmp_path: Path, seed: int, csnb_toml):
    from csnb.io import load_dataset
    from csnb.metrics import month_figures as product_month_figures

    random_month(tmp_path, seed, csnb_toml)
    ds = load_dataset(tmp_path)
    for month in ("2025-05", "2025-06", "2025-07"):
        expected = month_figures(tmp_path, month)
        assert mismatches(expected, product_month_figures(ds, month)) == [], month
