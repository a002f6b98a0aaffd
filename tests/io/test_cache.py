import os
import time

import pandas as pd
import pytest

from csnb.io import load_dataset
from csnb.io.cache import cache_dir
from csnb.settings import Settings


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CSNB_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data"
    data.mkdir()
    (data / "agents.csv").write_text(
        "agent_id,team,hire_date,exit_date,exit_reason\n"
        "A1,售前一组,2024-01-01,,\n"
        "A2,夜班组,2024-02-01,2024-05-31,voluntary\n"
        "合计,,,,\n",  # a summary row: rejected with a warning
        encoding="utf-8",
    )
    (data / "sessions.csv").write_text(
        "session_id,agent_id,customer_id,start_ts,kind,first_response_s\n"
        "S1,A1,c1,2024-03-01 10:00:00,presale,2分30秒\n"
        "S2,A9,c2,2024-03-01 11:00:00,aftersale,\n",  # unknown agent: kept, warned
        encoding="utf-8",
    )
    return data


def _entries():
    return sorted(cache_dir().glob("*.duckdb"))


def _same(a, b):
    assert a.tables == b.tables
    assert a.fingerprint == b.fingerprint
    assert a.problems == b.problems
    pd.testing.assert_frame_equal(a.quality, b.quality, check_dtype=False)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.frame(name), b.frame(name))


def test_second_load_comes_from_the_cache_and_equals_the_first(folder):
    first = load_dataset(folder)
    assert len(_entries()) == 1
    second = load_dataset(folder)
    _same(first, second)
    assert {p.check for p in second.problems} >= {"summary_row", "unknown_reference"}
    # the cached connection stays writable for the analyses' own temporary tables
    second.con.execute("CREATE TEMP TABLE scratch AS SELECT 1 AS x")


def test_a_changed_file_or_setting_is_a_miss_and_replaces_the_entry(folder):
    load_dataset(folder)
    (old,) = _entries()
    time.sleep(0.01)
    with (folder / "sessions.csv").open("a", encoding="utf-8") as f:
        f.write("S3,A1,c3,2024-03-02 09:00:00,presale,30\n")
    ds = load_dataset(folder)
    assert ds.con.execute("SELECT count(*) FROM sessions").fetchall()[0][0] == 3
    (new,) = _entries()  # one entry per folder
    assert new != old
    tz = load_dataset(folder, settings=Settings(timezone="Asia/Tokyo"))
    assert tz.settings.timezone == "Asia/Tokyo"
    assert load_dataset(folder).settings.timezone == "Asia/Shanghai"


def test_a_broken_entry_is_a_miss(folder):
    load_dataset(folder)
    (entry,) = _entries()
    entry.write_bytes(b"not a database")
    ds = load_dataset(folder)
    assert ds.con.execute("SELECT count(*) FROM agents").fetchall()[0][0] == 2


def test_cache_can_be_switched_off(folder, monkeypatch):
    monkeypatch.setenv("CSNB_CACHE", "0")
    load_dataset(folder)
    assert _entries() == []
    load_dataset(folder, cache=True)
    assert len(_entries()) == 1


def test_contract_errors_are_raised_from_a_cached_load_too(folder):
    (folder / "orders.csv").write_text(
        "order_id,customer_id,created_ts,amount\nO1,c1,2024-03-01 10:00:00,abc\n",
        encoding="utf-8",
    )
    from csnb.errors import DataContractError

    for _ in range(2):
        with pytest.raises(DataContractError, match=r"orders.csv: column 'amount'"):
            load_dataset(folder)
    assert os.environ["CSNB_CACHE_DIR"].endswith("cache")


def test_a_load_that_rejected_future_timestamps_is_not_cached(folder):
    with (folder / "sessions.csv").open("a", encoding="utf-8") as f:
        f.write("S9,A1,c9,2999-01-01 10:00:00,presale,30\n")
    ds = load_dataset(folder)
    assert any(p.check == "future_timestamp" for p in ds.problems)
    assert _entries() == []
