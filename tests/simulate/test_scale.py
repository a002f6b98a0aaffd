"""The simulator's scale parameters (benchmarks/bench_scale.py): volume and session months.

Their defaults draw exactly what the simulator drew before (the sample regenerates
byte-identical: tests/simulate/test_simulate.py); here, what they change when set.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csnb.simulate import DEFAULT_PARAMS, simulate

ROOT = Path(__file__).resolve().parents[2]
# A quiet world (no chat reviews: they load the folder) to keep the test fast.
QUIET = {"qa": {"review_days": 0}}


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """The same seed at volume 1 and 3, sessions only in the last of four months."""
    base = tmp_path_factory.mktemp("scale")
    out = {}
    for volume in (1.0, 3.0):
        folder = base / f"v{volume:g}"
        truth = simulate(folder, seed=11, agents=16, months=4, start="2025-01",
                         params=QUIET, volume=volume, session_months=1)
        out[volume] = (folder, truth)
    return out


def test_sessions_orders_and_complaints_only_in_the_last_months(pair):
    folder, truth = pair[3.0]
    assert sorted(p.name for p in (folder / "sessions").glob("*.parquet")) == ["2025-04.parquet"]
    s = pd.read_parquet(folder / "sessions")
    assert s["start_ts"].min() >= pd.Timestamp("2025-04-01")
    o = pd.read_parquet(folder / "orders")
    assert o["created_ts"].min() >= pd.Timestamp("2025-04-01")
    c = pd.read_csv(folder / "complaints.csv", parse_dates=["created_ts"])
    assert c.empty or c["created_ts"].min() >= pd.Timestamp("2025-04-01")
    # agents: the whole span, hires and exits in the months without sessions too
    a = pd.read_csv(folder / "agents.csv")
    assert (pd.to_datetime(a["hire_date"]) >= pd.Timestamp("2025-01-01")).any()
    assert truth["arguments"] == {"agents": 16, "months": 4, "start": "2025-01",
                                  "volume": 3.0, "session_months": 1}


def test_volume_multiplies_sessions_per_agent_day(pair):
    # The same seed: the same staff and working days (the draws before the session counts
    # do not depend on the volume), so sessions scale by the volume up to Poisson noise.
    n1 = pair[1.0][1]["counts"]["sessions"]["total"]
    n3 = pair[3.0][1]["counts"]["sessions"]["total"]
    assert n1 > 2_000
    # Poisson: sd of the ratio about 3 / sqrt(n1); 5 sd either side
    assert abs(n3 / n1 - 3.0) < 5 * 3.0 * np.sqrt(1 / n1 + 1 / n3)


def test_load_knee_moves_with_volume(pair):
    knee = DEFAULT_PARAMS["load"]["knee_sessions_per_agent_hour"]
    assert pair[1.0][1]["load_response"]["knee_sessions_per_agent_hour"] == knee
    assert pair[3.0][1]["load_response"]["knee_sessions_per_agent_hour"] == pytest.approx(
        3 * knee)
    # and so response times stay as planted: the fast share barely moves with the volume
    fast = {}
    for v, (folder, _) in pair.items():
        fr = pd.read_parquet(folder / "sessions")["first_response_s"]
        fast[v] = (fr <= 180).mean()
    assert abs(fast[3.0] - fast[1.0]) < 0.05


def test_scale_arguments_are_checked(tmp_path):
    with pytest.raises(ValueError, match="volume"):
        simulate(tmp_path, seed=1, volume=0)
    with pytest.raises(ValueError, match="session_months"):
        simulate(tmp_path, seed=1, session_months=0)


def test_command_line_scale_options(tmp_path):
    out = tmp_path / "cli"
    run = subprocess.run(
        [sys.executable, "-m", "csnb.simulate", "--out", str(out), "--seed", "5",
         "--agents", "8", "--months", "2", "--volume", "1.5", "--session-months", "1"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert run.returncode == 0, run.stderr
    args = json.loads((out / "truth.json").read_text(encoding="utf-8"))["arguments"]
    assert args["volume"] == 1.5 and args["session_months"] == 1
