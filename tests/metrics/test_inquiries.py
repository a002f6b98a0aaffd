"""Tests of the inquiry-level queries: they agree with the metric book and transpile."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
import sqlglot

from csnb.errors import SettingsError
from csnb.io import load_dataset
from csnb.metrics import kpi_table
from csnb.metrics.inquiries import (
    INQUIRY_SQL_NAMES,
    inquiry_facts_table,
    inquiry_sql,
    response_grid_table,
    session_quality_table,
    typed_inquiry_facts,
)
from csnb.simulate import simulate

MONTH = "2024-02"


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    out = tmp_path_factory.mktemp("inq")
    simulate(out, seed=2, agents=12, months=2)
    return load_dataset(out, cache=False)


def test_inquiry_facts_agree_with_the_metric_book(ds):
    facts = inquiry_facts_table(ds, [MONTH])
    kpis = kpi_table(ds, ("agent_id",), "month")
    kpis = kpis[kpis["period"] == MONTH].set_index("agent_id")
    per_agent = facts.groupby("agent_id").agg(n=("converted", "size"),
                                              c=("converted", "sum"))
    pd.testing.assert_series_equal(per_agent["n"].astype(float), kpis["inquiries"]
                                   .reindex(per_agent.index), check_names=False)
    pd.testing.assert_series_equal(per_agent["c"].astype(float), kpis["converted_inquiries"]
                                   .reindex(per_agent.index), check_names=False)
    assert not facts.duplicated(["customer_id", "agent_id", "day"]).any()


def test_inquiries_by_hour_count_the_facts(ds):
    facts = inquiry_facts_table(ds, [MONTH])
    expected = facts.assign(day=facts["start_ts"].dt.normalize()).groupby(
        ["day", "hour"]).size().rename("inquiries").reset_index()
    first, last = date(2024, 2, 1), date(2024, 2, 29)
    got = ds.query(inquiry_sql("inquiries_by_hour", start=first, end=last,
                               settings=ds.settings, tables=ds.tables))
    got["day"] = pd.to_datetime(got["day"])
    got["hour"] = got["hour"].astype(int)
    assert got["inquiries"].sum() == len(facts) > 0
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_the_facts_of_listed_inquiries_are_those_inquiries_facts(ds):
    """keys: a sample of the inquiries gets exactly their rows of the full facts."""
    facts = inquiry_facts_table(ds, [MONTH])
    cols = ["customer_id", "agent_id", "day", "converted"]
    listed = facts.iloc[::3][cols].assign(day=lambda f: f["day"].dt.date)
    ds.con.register("_listed", listed)
    try:
        got = ds.query(inquiry_sql("inquiry_facts", start=date(2024, 2, 1),
                                   end=date(2024, 2, 29), settings=ds.settings,
                                   tables=ds.tables,
                                   keys="SELECT * FROM _listed"))
    finally:
        ds.con.unregister("_listed")
    expected = facts.iloc[::3].reset_index(drop=True)
    assert 0 < len(got) == len(expected) < len(facts)
    got = typed_inquiry_facts(got)[list(expected.columns)]
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    with pytest.raises(SettingsError, match="takes no keys"):
        inquiry_sql("response_grid", start=date(2024, 2, 1), end=date(2024, 2, 29),
                    keys="SELECT * FROM _listed")


def test_inquiry_facts_take_the_first_session_of_the_day(ds):
    facts = inquiry_facts_table(ds, [MONTH]).set_index(["customer_id", "agent_id", "day"])
    s = ds.frame("sessions")
    s = s[(s["kind"] == "presale") & (s["start_ts"].dt.strftime("%Y-%m") == MONTH)].copy()
    s["day"] = s["start_ts"].dt.normalize()
    first = s.sort_values(["start_ts", "session_id"]).groupby(
        ["customer_id", "agent_id", "day"]).first()
    ref = first[["start_ts", "first_response_s"]].add_suffix("_ref")
    joined = facts.join(ref)
    assert (joined["start_ts"] == joined["start_ts_ref"]).all()
    capped = joined["first_response_s_ref"].fillna(600).clip(upper=600)
    np.testing.assert_allclose(joined["capped_response_s"], capped)
    assert (joined["never_answered"] == joined["first_response_s_ref"].isna()).all()
    assert facts["hour"].between(0, 23).all() and facts["weekday"].between(0, 6).all()


def test_response_grid_adds_up_to_the_kpis(ds):
    grid = response_grid_table(ds, [MONTH])
    shop = kpi_table(ds, (), "month").set_index("period").loc[MONTH]
    assert grid["sessions"].sum() == shop["sessions"]
    assert grid["counted_sessions"].sum() == shop["counted_sessions"]
    avg = grid["capped_response_sum"].sum() / grid["counted_sessions"].sum()
    assert avg == pytest.approx(shop["avg_first_response_s"])
    fast = grid["fast_sessions"].sum() / grid["counted_sessions"].sum()
    assert fast == pytest.approx(shop["fast_response_rate"])


def test_session_quality_sums(ds):
    q = session_quality_table(ds, [MONTH])
    s = ds.frame("sessions")
    s = s[s["start_ts"].dt.strftime("%Y-%m") == MONTH]
    h = s["start_ts"].dt.hour
    counted = s[(h >= 8) & (h < 23) & s["avg_response_s"].notna()]
    assert q["avg_response_n"].sum() == len(counted)
    assert q["avg_response_sum"].sum() == pytest.approx(counted["avg_response_s"].sum())
    assert q["rated_sessions"].sum() == s["rating"].notna().sum()
    satisfied = s["rating"].isin(["very_satisfied", "satisfied"]).sum()
    assert q["satisfied_sessions"].sum() == satisfied


@pytest.mark.parametrize("name", INQUIRY_SQL_NAMES)
@pytest.mark.parametrize("ratings", [False, True])
def test_sql_transpiles_to_spark(name, ratings):
    sql = inquiry_sql(name, "spark", start=date(2024, 2, 1), end=date(2024, 2, 29),
                      ratings=ratings)
    assert sqlglot.parse_one(sql, read="spark") is not None
    daily = inquiry_sql("session_quality", "spark", start=date(2024, 2, 1),
                        end=date(2024, 2, 29), tables=["agents", "agent_daily"],
                        ratings=ratings)
    assert "agent_daily" in daily


def test_unknown_query_name():
    with pytest.raises(SettingsError, match="name"):
        inquiry_sql("sessions", start=date(2024, 2, 1), end=date(2024, 2, 29))
