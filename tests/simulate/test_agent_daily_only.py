"""The simulator's agent_daily-only output against the session-level data of the same world.

The same seed writes the same world twice: once in full (sessions, orders, agents, ...) and
once reduced to daily per-agent exports. The exports' sums must be the metric book's figures
of the full data, computed independently by the pandas oracle (``tests/oracle_pandas.py``),
and each agent-day's response figures the pandas mean of that day's counted sessions.
"""

import pandas as pd
import pytest
from oracle_pandas import load_tables, read_settings, sales_figures

from csnb.io import load_dataset
from csnb.io.schema import TABLES
from csnb.simulate import simulate

SEED, AGENTS, MONTHS, START = 11, 8, 2, "2025-10"


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    full = tmp_path_factory.mktemp("full")
    daily = tmp_path_factory.mktemp("daily")
    simulate(full, SEED, agents=AGENTS, months=MONTHS, start=START)
    truth = simulate(daily, SEED, agents=AGENTS, months=MONTHS, start=START,
                     agent_daily_only=True)
    return full, daily, truth


def _exports(folder) -> pd.DataFrame:
    frames = [pd.read_csv(p, dtype={"agent_id": str, "name": str})
              for p in sorted((folder / "agent_daily").glob("*.csv"))]
    out = pd.concat(frames, ignore_index=True)
    out["date"] = pd.to_datetime(out["date"])
    return out


def test_only_agent_daily_is_written(worlds):
    _, daily, truth = worlds
    names = sorted(p.name for p in daily.iterdir())
    assert names == ["README.md", "agent_daily", "csnb.toml", "truth.json"]
    files = sorted(p.name for p in (daily / "agent_daily").iterdir())
    assert files == ["2025-10.csv", "2025-11.csv"]
    assert truth["counts"]["agent_daily"]["total"] == len(_exports(daily))
    header = (daily / "agent_daily" / "2025-10.csv").read_text(encoding="utf-8").split("\n")[0]
    assert header.split(",") == [c.name for c in TABLES["agent_daily"].columns]
    ds = load_dataset(daily, cache=False)
    assert ds.tables == ("agent_daily",)
    assert not [p for p in ds.problems if p.severity == "error"]


@pytest.mark.parametrize("month", ["2025-10", "2025-11"])
def test_sums_equal_the_session_level_figures(worlds, month):
    """Sums of the exports = the oracle's inquiries, converted inquiries, credited sales."""
    full, daily, _ = worlds
    tables = load_tables(full)
    settings = read_settings(full)
    expected = sales_figures(tables["sessions"], tables["orders"], month,
                             settings.attribution_window_days)
    ex = _exports(daily)
    ex = ex[ex["date"].dt.strftime("%Y-%m") == month]
    assert expected["inquiries"] > 100
    assert int(ex["inquiries"].sum()) == expected["inquiries"]
    assert int(ex["paid_buyers"].sum()) == expected["converted_inquiries"]
    # Each agent-day's sales are written to the fen.
    assert ex["sales"].sum() == pytest.approx(expected["credited_sales"], abs=0.005 * len(ex))


def test_daily_response_is_the_mean_of_counted_sessions(worlds):
    full, daily, _ = worlds
    tables = load_tables(full)
    settings = read_settings(full)
    s = tables["sessions"]
    clock = s["start_ts"] - s["start_ts"].dt.normalize()
    s = s[(clock >= pd.Timedelta(f"{settings.business_start}:00"))
          & (clock < pd.Timedelta(f"{settings.business_end}:00"))].copy()
    raw = s["first_response_s"]
    s["capped"] = raw.fillna(settings.response_cap_s).clip(upper=settings.response_cap_s)
    s["fast"] = (raw.notna() & (raw <= settings.fast_response_s)).astype(float)
    s["date"] = s["start_ts"].dt.normalize()
    expected = s.groupby(["date", "agent_id"]).agg(
        avg_first_response_s=("capped", "mean"), fast_response_rate=("fast", "mean"))
    got = _exports(daily).set_index(["date", "agent_id"])
    both = got.merge(expected, left_index=True, right_index=True, suffixes=("", "_pandas"))
    assert len(both) == len(expected)  # every agent-day with counted sessions is exported
    for col in ("avg_first_response_s", "fast_response_rate"):
        assert (both[col] - both[f"{col}_pandas"]).abs().max() < 1e-4
    # Agent-days without a counted session say nothing about response: missing, not zero.
    rest = got.drop(index=both.index)
    assert rest["avg_first_response_s"].isna().all()


def test_names_come_from_the_roster(worlds):
    full, daily, _ = worlds
    roster = pd.read_csv(full / "agents.csv", dtype=str).set_index("agent_id")["name"]
    ex = _exports(daily)
    assert (ex["name"] == ex["agent_id"].map(roster)).all()
