"""Tests of csnb.io.load: traps, contract checks, soft policies, formats and row accounting."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from csnb.errors import DataContractError
from csnb.io import ValidationReport, load_dataset, quality_table, validate_dataset
from csnb.io.schema import TABLES

DATA = Path(__file__).parents[1] / "data" / "load"

AGENTS = """agent_id,name,team,hire_date
A01,Zhang,T1,2024-01-05
A02,Li,T1,2024-02-01
A03,Wang,T2,2024-03-01
"""


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def problems(ds_or_report, check=None, severity=None):
    return [p for p in ds_or_report.problems
            if (check is None or p.check == check) and (severity is None or p.severity == severity)]


def one(ds_or_report, check):
    found = problems(ds_or_report, check)
    assert len(found) == 1, [str(p) for p in ds_or_report.problems]
    return found[0]


def assert_accounting(ds_or_report):
    q = ds_or_report.quality
    assert (q["read"] == q["accepted"] + q["rejected"]).all()


# ------------------------------------------------------------------ traps


def test_agent_daily_traps(tmp_path):
    write(tmp_path, "agent_daily.csv", "\n".join([
        "日期,客服昵称,询单人数,询单->最终付款人数,客服销售额,平均首次响应时长(秒),人工平响(秒),"
        "3分钟人工响应率",
        '2025-06-01,A01,"1,234",500,"￥12,345.60",32秒,2分30秒,52.17%',
        "2025-06-02,A01,100,40,¥88,1小时2分3秒,00:02:30,0.5",
        "45811,A02,10,4,--,-,45,1",
        "2025-06-04,A02,延迟统计,3,100.5,15,延迟统计,延迟统计",
        "汇总,,1354,547,12534.1,,,",
    ]) + "\n")
    ds = load_dataset(tmp_path)
    df = ds.frame("agent_daily")
    assert list(df.columns) == ["date", "agent_id", "name", "inquiries", "paid_buyers", "sales",
                                "avg_first_response_s", "avg_response_s", "fast_response_rate",
                                "consultations", "satisfaction_rate"]
    assert len(df) == 4
    r = df.set_index(df["date"].astype(str))
    assert r.loc["2025-06-01", "inquiries"] == 1234
    assert r.loc["2025-06-01", "sales"] == pytest.approx(12345.6)
    assert r.loc["2025-06-01", "avg_first_response_s"] == 32
    assert r.loc["2025-06-01", "avg_response_s"] == 150
    assert r.loc["2025-06-01", "fast_response_rate"] == pytest.approx(0.5217)
    assert r.loc["2025-06-02", "sales"] == 88
    assert r.loc["2025-06-02", "avg_first_response_s"] == 3723
    assert r.loc["2025-06-02", "avg_response_s"] == 150
    # Excel serial 45811 is 2025-06-03; "--" and "-" are missing.
    assert pd.isna(r.loc["2025-06-03", "sales"])
    assert pd.isna(r.loc["2025-06-03", "avg_first_response_s"])
    assert r.loc["2025-06-03", "fast_response_rate"] == 1
    # Not final: NULL, row kept (even in the required inquiries column), day provisional.
    assert pd.isna(r.loc["2025-06-04", "inquiries"])
    assert pd.isna(r.loc["2025-06-04", "avg_response_s"])
    days = ds.con.execute("SELECT date FROM _not_final_days").fetchall()
    assert days == [(dt.date(2025, 6, 4),)]
    nf = problems(ds, "not_final")
    assert {p.column for p in nf} == {"inquiries", "avg_response_s", "fast_response_rate"}
    assert all(p.severity == "warning" and p.count == 1 and p.examples == ((4, "延迟统计"),)
               for p in nf)
    summary = one(ds, "summary_row")
    assert summary.severity == "warning" and summary.examples == ((5, "汇总"),)
    types = dict(ds.con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                "WHERE table_name = 'agent_daily'").fetchall())
    assert types["date"] == "DATE" and types["inquiries"] == "BIGINT"
    assert types["fast_response_rate"] == "DOUBLE"
    assert ds.quality.to_dict("records") == [
        {"table": "agent_daily", "path": "agent_daily.csv", "encoding": "UTF-8", "read": 5,
         "accepted": 4, "summary": 1, "rejected": 1}]


def test_agents_aliases_bools_categories_and_optional_columns(tmp_path):
    shutil.copy(DATA / "agents_utf8.csv", tmp_path / "agents.csv")
    ds = load_dataset(tmp_path)
    df = ds.frame("agents")
    assert df["role"].tolist() == ["presale", "aftersale", "mixed"]
    assert df["shift"].tolist() == ["day", "night", "rotating"]
    assert df["outsourced"].tolist() == [False, True, False]
    assert df["base_salary"].tolist() == [4500.0, 4000.0, 5000.0]
    assert df["exit_reason"].tolist()[1] == "voluntary"
    assert str(df["hire_date"].iloc[1])[:10] == "2023-03-15"
    assert str(df["hire_date"].iloc[2])[:10] == "2023-03-15"  # Excel serial 45000
    assert ds.problems == ()


def test_missing_optional_columns_are_typed_nulls(tmp_path):
    write(tmp_path, "agents.csv", AGENTS)
    ds = load_dataset(tmp_path)
    rows = ds.con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = 'agents' AND table_catalog = current_database() "
        "ORDER BY ordinal_position").fetchall()
    assert [r[0] for r in rows] == ["agent_id", "name", "team", "role", "shift", "hire_date",
                                    "exit_date", "exit_reason", "outsourced", "base_salary"]
    assert dict(rows)["outsourced"] == "BOOLEAN" and dict(rows)["exit_date"] == "DATE"
    assert ds.con.execute("SELECT count(outsourced) FROM agents").fetchone()[0] == 0


def test_a_roster_without_exit_reasons_loads_and_a_column_with_gaps_does_not(tmp_path):
    """No exit_reason column: exits load without a reason. The column present: required."""
    head = "agent_id,team,hire_date,exit_date"
    write(tmp_path / "a", "agents.csv", f"{head}\nA1,T1,2024-01-05,2024-06-01\n"
          "A2,T1,2024-01-05,\n")
    ds = load_dataset(tmp_path / "a")
    assert ds.problems == ()
    assert ds.frame("agents")["exit_reason"].isna().all()
    assert ds.frame("agents")["exit_date"].notna().sum() == 1
    # a folder of roster files: only the file that has the column is held to it
    write(tmp_path / "b", "agents/old.csv", f"{head}\nA1,T1,2024-01-05,2024-06-01\n")
    write(tmp_path / "b", "agents/new.csv", f"{head},exit_reason\n"
          "A2,T1,2024-01-05,2024-07-01,\nA3,T1,2024-01-05,2024-08-01,voluntary\n")
    with pytest.raises(DataContractError) as info:
        load_dataset(tmp_path / "b")
    bad = [p for p in info.value.problems if p.severity == "error"]
    assert [(p.path, p.check, p.examples) for p in bad] == [
        ("agents/new.csv", "exit_reason_mismatch", ((1, "exit_date 2024-07-01, exit_reason "),))]


def test_timestamps_with_offset_are_converted_to_shop_time(tmp_path):
    write(tmp_path, "complaints.csv", "\n".join([
        "complaint_id,created_ts,category,source,resolved_ts",
        "K1,2025-06-01T00:30:00+00:00,服务态度,差评,2025-06-01 09:00:00",
        "K2,2025-06-01 08:30:00,logistics,hotline,2025-06-01T02:00:00Z",
        "K3,45809.5,Attitude,internal_qa,",
    ]) + "\n")
    ds = load_dataset(tmp_path)
    df = ds.frame("complaints")
    assert df["created_ts"].tolist() == [pd.Timestamp("2025-06-01 08:30:00"),
                                         pd.Timestamp("2025-06-01 08:30:00"),
                                         pd.Timestamp("2025-06-01 12:00:00")]
    assert df["resolved_ts"].iloc[1] == pd.Timestamp("2025-06-01 10:00:00")
    assert df["category"].tolist() == ["attitude", "logistics", "attitude"]
    assert df["source"].iloc[0] == "bad_review"


def test_timezone_setting_is_used(tmp_path):
    write(tmp_path, "csnb.toml", 'timezone = "UTC"\n')
    write(tmp_path, "orders.csv",
          "order_id,customer_id,created_ts,amount\nO1,C1,2025-06-01 08:00:00+08:00,10\n")
    ds = load_dataset(tmp_path)
    assert ds.frame("orders")["created_ts"].iloc[0] == pd.Timestamp("2025-06-01 00:00:00")


# ------------------------------------------------------------------ error checks


def test_every_error_check_names_file_column_count_rows_values(tmp_path):
    write(tmp_path, "agents.csv", "\n".join([
        "agent_id,team,hire_date,exit_date,exit_reason,outsourced,base_salary,role",
        "A01,T1,2024-01-05,,,yes,100,presale",
        "A02,,2024-01-05,,,no,100,presale",           # missing team
        "A03,T1,2024-13-45,,,no,100,presale",          # bad date
        "A04,T1,2024-01-05,,,maybe,100,presale",       # bad bool
        "A05,T1,2024-01-05,,,no,n/a?,presale",         # non numeric
        "A06,T1,2024-01-05,,,no,-1,presale",           # out of range
        "A07,T1,2024-01-05,,,no,100,boss",             # not allowed
        "A08,T1,2024-05-01,2024-04-01,voluntary,no,100,presale",  # exit before hire
        "A09,T1,2024-01-05,2024-06-01,,no,100,presale",  # reason missing
        "A01,T1,2024-01-05,,,no,100,presale",          # duplicate of row 1
    ]) + "\n")
    write(tmp_path, "sessions.csv", "\n".join([
        "session_id,agent_id,customer_id,start_ts,kind,first_response_s",
        "S1,A01,C1,2025-06-01 09:00:00,presale,soon",
        "S2,A01,C1,yesterday,presale,10",
    ]) + "\n")
    write(tmp_path, "policies.csv", "\n".join([
        "team,policy,start_month,bottom_share",
        "T1,末位淘汰,2025-13,0.1",
        "T2,bottom_ranked_out,2025-03,ten percent",
        "T3,bottom_ranked_out,2025-03,120%",
    ]) + "\n")
    write(tmp_path, "rankings.csv", "\n".join([
        "month,agent_id,bottom,rank",
        "2025-06,A01,是,1",
        "2025-06,A01,否,2",
        "2025-06,A02,否,0",
    ]) + "\n")
    with pytest.raises(DataContractError) as info:
        load_dataset(tmp_path)
    err = info.value
    text = str(err)
    expected = {
        ("agents", "team", "missing_value"): ((2, ""),),
        ("agents", "hire_date", "bad_date"): ((3, "2024-13-45"),),
        ("agents", "outsourced", "bad_bool"): ((4, "maybe"),),
        ("agents", "base_salary", "non_numeric"): ((5, "n/a?"),),
        ("agents", "base_salary", "out_of_range"): ((6, "-1"),),
        ("agents", "role", "not_allowed"): ((7, "boss"),),
        ("agents", "exit_date", "exit_before_hire"): ((8, "hire_date 2024-05-01, exit_date "
                                                          "2024-04-01"),),
        ("agents", "exit_reason", "exit_reason_mismatch"): ((9, "exit_date 2024-06-01, "
                                                              "exit_reason "),),
        ("agents", "agent_id", "duplicate_id"): ((1, "A01"), (10, "A01")),
        ("sessions", "first_response_s", "bad_duration"): ((1, "soon"),),
        ("sessions", "start_ts", "bad_timestamp"): ((2, "yesterday"),),
        ("policies", "start_month", "bad_month"): ((1, "2025-13"),),
        ("policies", "bottom_share", "bad_rate"): ((2, "ten percent"),),
        ("policies", "bottom_share", "out_of_range"): ((3, "120%"),),
        ("rankings", "month, agent_id", "duplicate_id"): ((1, "2025-06, A01"),
                                                          (2, "2025-06, A01")),
        ("rankings", "rank", "out_of_range"): ((3, "0"),),
    }
    errors = [p for p in err.problems if p.severity == "error"]
    got = {(p.table, p.column, p.check): p.examples for p in errors}
    assert got == expected
    for p in errors:
        assert p.count == len(p.examples)
        line = str(p)
        assert line.startswith(f"{p.table}.csv: column '{p.column}' has {p.count} ")
        word = "row" if len(p.examples) == 1 else "rows"
        assert f"({word} {', '.join(str(r) for r, _ in p.examples)}: " in line
        assert line in text
    assert "(allowed: presale, aftersale, mixed; map your own spellings under [values.role] " \
           "in csnb.toml)" in text
    assert "agents.csv: column 'base_salary' has 1 non-numeric value (row 5: 'n/a?')" in text
    assert err.path == "agents.csv"


def test_non_numeric_message_matches_style_example(tmp_path):
    write(tmp_path, "orders.csv", "\n".join(
        ["order_id,customer_id,created_ts,amount"]
        + [f"O{i},C1,2025-06-01 10:00:00,{v}" for i, v in
           enumerate(["1", "n/a?", '"12,5"', "x", "2", "y", "z", "w"], 1)]
    ) + "\n")
    ds = load_dataset(tmp_path, strict=False)
    p = one(ds, "non_numeric")
    assert p.count == 6
    assert str(p) == ("orders.csv: column 'amount' has 6 non-numeric values "
                      "(rows 2, 3, 4, 6, 7: 'n/a?', '12,5', 'x', 'y', 'z')")
    assert ds.quality["rejected"].sum() == 6
    assert ds.frame("orders")["amount"].tolist() == [1.0, 2.0]


def test_missing_required_column_rejects_the_file(tmp_path):
    write(tmp_path, "orders.csv", "order_id,customer_id,created_ts\nO1,C1,2025-06-01 10:00:00\n")
    ds = load_dataset(tmp_path, strict=False)
    p = one(ds, "missing_column")
    assert p.column == "amount" and p.count == 1 and p.severity == "error"
    assert "columns found: order_id, customer_id, created_ts" in str(p)
    assert ds.quality.iloc[0][["read", "accepted", "rejected"]].tolist() == [1, 0, 1]
    assert ds.con.execute("SELECT count(*) FROM orders").fetchone()[0] == 0


def test_no_tables_and_unreadable_files(tmp_path):
    report = validate_dataset(tmp_path)
    assert not report.ok and one(report, "no_tables").severity == "error"
    with pytest.raises(DataContractError, match="holds no contract table"):
        load_dataset(tmp_path)
    write(tmp_path, "README.md", "notes")
    (tmp_path / "orders.parquet").write_bytes(b"PAR1 this is not parquet")
    (tmp_path / "complaints.xlsx").write_bytes(b"not a zip")
    write(tmp_path, "agents.csv", "")
    (tmp_path / "sessions.csv").write_bytes(b"session_id\n\xff\xff\xff\n")
    report = validate_dataset(tmp_path)
    bad = problems(report, "unreadable")
    assert {p.path for p in bad} == {"orders.parquet", "complaints.xlsx", "agents.csv",
                                     "sessions.csv"}
    gb = [p for p in bad if p.path == "sessions.csv"][0]
    assert "neither UTF-8 (with or without BOM), UTF-16 with BOM nor GB18030" in str(gb)
    assert all(p.severity == "error" and "could not be read" in str(p) for p in bad)
    assert not problems(report, "unknown_file")  # README.md is expected
    assert_accounting(report)


def test_validate_named_errors_beside_a_gbk_file(tmp_path):
    """The acceptance case: three named errors; a GBK CSV beside them loads correctly."""
    shutil.copy(DATA / "agents_gbk.csv", tmp_path / "agents.csv")
    write(tmp_path, "orders.csv", "\n".join([
        "order_id,customer_id,created_ts,amount",
        "O1,C1,2025-06-01 10:00:00,10.5",
        "O2,C2,2025-06-01 11:00:00,twelve",
    ]) + "\n")
    write(tmp_path, "sessions.csv", "\n".join([
        "session_id,agent_id,customer_id,start_ts,kind",
        "S1,A01,C1,2025-06-01 09:00:00,presale",
        "S1,A02,C2,2025-06-01 09:30:00,presale",
        "S2,A03,C3,2025-06-01 09:40:00,aftersale",
    ]) + "\n")
    write(tmp_path, "complaints.csv", "complaint_id,created_ts,source\nK1,2025-06-01,hotline\n")
    report = validate_dataset(tmp_path)
    assert isinstance(report, ValidationReport) and not report.ok
    errors = problems(report, severity="error")
    assert sorted((p.path, p.column, p.check) for p in errors) == [
        ("complaints.csv", "category", "missing_column"),
        ("orders.csv", "amount", "non_numeric"),
        ("sessions.csv", "session_id", "duplicate_id"),
    ]
    assert "orders.csv: column 'amount' has 1 non-numeric value (row 2: 'twelve')" in str(report)
    assert "sessions.csv: column 'session_id' has 2 rows" in str(report)
    q = report.quality.set_index("path")
    assert q.loc["agents.csv"].tolist() == ["agents", "GB18030 (detected)", 3, 3, 0, 0]
    assert q.loc["sessions.csv", "rejected"] == 2
    assert_accounting(report)
    table = report.problems_table()
    assert list(table.columns) == ["table", "path", "column", "check", "severity", "count",
                                   "examples", "message"]
    assert "2: 'twelve'" in table.loc[table["check"] == "non_numeric", "examples"].iloc[0]
    # The GBK agents load to the same values as the UTF-8 original.
    ds = load_dataset(tmp_path, strict=False)
    utf8 = tmp_path / "utf8"
    utf8.mkdir()
    shutil.copy(DATA / "agents_utf8.csv", utf8 / "agents.csv")
    pd.testing.assert_frame_equal(ds.frame("agents"), load_dataset(utf8).frame("agents"))


# ------------------------------------------------------------------ encodings and formats


def test_gbk_and_bom_load_identically_to_utf8(tmp_path):
    ref = load_dataset(_folder(tmp_path / "utf8", DATA / "agents_utf8.csv")).frame("agents")
    gbk = load_dataset(_folder(tmp_path / "gbk", DATA / "agents_gbk.csv")).frame("agents")
    bom = tmp_path / "bom"
    write(bom, "agents.csv", (DATA / "agents_utf8.csv").read_text("utf-8"), "utf-8-sig")
    assert (bom / "agents.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    pd.testing.assert_frame_equal(gbk, ref)
    pd.testing.assert_frame_equal(load_dataset(bom).frame("agents"), ref)
    assert ref["name"].tolist() == ["张三", "李四", "王五"]


def _folder(folder: Path, agents: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(agents, folder / "agents.csv")
    return folder


def test_monthly_files_are_concatenated_with_per_file_accounting(tmp_path):
    head = "session_id,agent_id,customer_id,start_ts,kind\n"
    write(tmp_path, "sessions/2025-05.csv", head
          + "S1,A01,C1,2025-05-01 09:00:00,presale\nS2,A01,C2,2025-05-02 09:00:00,售后\n")
    write(tmp_path, "sessions/2025-06.csv", head
          + "S3,A01,C1,2025-06-01 09:00:00,presale\nS2,A02,C2,2025-06-02 09:00:00,presale\n"
          + "总计,,,,\n", "gb18030")
    write(tmp_path, "sessions/notes.txt", "x")
    ds = load_dataset(tmp_path, strict=False)
    assert ds.quality.drop(columns=["encoding", "summary"]).to_dict("records") == [
        {"table": "sessions", "path": "sessions/2025-05.csv", "read": 2, "accepted": 1,
         "rejected": 1},
        {"table": "sessions", "path": "sessions/2025-06.csv", "read": 3, "accepted": 1,
         "rejected": 2},
    ]
    dups = problems(ds, "duplicate_id")
    assert [(p.path, p.examples) for p in dups] == [
        ("sessions/2025-05.csv", ((2, "S2"),)), ("sessions/2025-06.csv", ((2, "S2"),))]
    assert one(ds, "summary_row").path == "sessions/2025-06.csv"
    assert one(ds, "unknown_file").path == "sessions/notes.txt"
    assert ds.frame("sessions")["session_id"].tolist() == ["S1", "S3"]
    assert set(ds.files["path"]) == {"sessions/2025-05.csv", "sessions/2025-06.csv"}
    assert ds.files["sha256"].str.len().eq(64).all()
    assert (ds.files["bytes"] > 0).all()


def test_parquet_with_typed_and_zoned_columns(tmp_path):
    frame = pd.DataFrame({
        "order_id": ["O1", "O2", "O3"],
        "customer_id": [1, 2, 3],  # numeric ids become text
        "created_ts": pd.to_datetime(["2025-06-01 00:00", "2025-06-01 12:00",
                                      "2025-06-02 00:00"]).tz_localize("UTC"),
        "paid_ts": pd.to_datetime(["2025-06-01 09:00", None, "2025-06-02 09:00"]),
        "amount": [10.0, -5.0, 20.5],
        " agent_id ": ["A01", None, "A09"],
    })
    frame.to_parquet(tmp_path / "orders.parquet")
    write(tmp_path, "agents.csv", AGENTS)
    ds = load_dataset(tmp_path, strict=False)
    df = ds.frame("orders")
    assert df["order_id"].tolist() == ["O1", "O3"]
    assert df["customer_id"].tolist() == ["1", "3"]
    assert df["created_ts"].tolist() == [pd.Timestamp("2025-06-01 08:00"),
                                         pd.Timestamp("2025-06-02 08:00")]
    assert df["paid_ts"].iloc[0] == pd.Timestamp("2025-06-01 09:00")
    assert one(ds, "out_of_range").examples == ((2, "-5.0"),)
    ref = one(ds, "unknown_reference")
    assert (ref.column, ref.severity, ref.examples) == ("agent_id", "warning", ((3, "A09"),))
    assert df["agent_id"].tolist() == ["A01", "A09"]  # kept


def test_xlsx_with_preamble_summary_and_serial_dates(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["客服绩效报表 2025-06"])
    sheet.append([])
    sheet.append(["日期", "客服昵称", "询单人数", "询单最终付款人数", "客服销售额",
                  "3分钟人工响应率", "备注"])
    sheet.append([dt.datetime(2025, 6, 1), "A01", 120, 48, 3456.5, 0.52, None])
    sheet.append([45811, "A02", 80, 20, "1,000.00", "61.5%", "x"])
    sheet.append(["汇总", None, 200, 68, 4456.5, 0.55, None])
    book.save(tmp_path / "agent_daily.xlsx")
    ds = load_dataset(tmp_path)
    df = ds.frame("agent_daily")
    assert [str(d)[:10] for d in df["date"]] == ["2025-06-01", "2025-06-03"]
    assert df["inquiries"].tolist() == [120, 80]
    assert df["sales"].tolist() == [3456.5, 1000.0]
    assert df["fast_response_rate"].tolist() == pytest.approx([0.52, 0.615])
    assert one(ds, "summary_row").examples == ((3, "汇总"),)
    assert "备注" in str(one(ds, "extra_columns"))
    assert one(ds, "preamble_rows").count == 2  # the title and the blank row: reported
    assert ds.quality.iloc[0][["read", "accepted", "rejected"]].tolist() == [3, 2, 1]


# ------------------------------------------------------------------ soft policies and settings


def test_soft_policies(tmp_path):
    write(tmp_path, "agents.csv", AGENTS)
    future = (dt.datetime.now() + dt.timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S")
    write(tmp_path, "sessions.csv", "\n".join([
        "序号,session_id,agent_id,customer_id,start_ts,kind",
        "1,S1,A01,C1,2025-06-01 09:00:00,presale",
        f"2,S2,A01,C1,{future},presale",
        "3,S3,A77,C1,2025-06-01 10:00:00,aftersale",
        ",,,,,",
        "4, S4 ,\tA02,C1,2025-06-01 11:00:00,presale",
    ]) + "\n")
    write(tmp_path, "extra.csv", "x\n1\n")
    ds = load_dataset(tmp_path)  # only warnings: strict load succeeds
    assert all(p.severity == "warning" for p in ds.problems)
    assert one(ds, "future_timestamp").examples == ((2, future),)
    assert one(ds, "empty_row").examples == ((4, ""),)
    assert one(ds, "unknown_reference").examples == ((3, "A77"),)
    assert "序号" in str(one(ds, "extra_columns"))
    assert one(ds, "unknown_file").path == "extra.csv"
    df = ds.frame("sessions")
    assert df["session_id"].tolist() == ["S1", "S3", "S4"]  # S3 kept, whitespace trimmed
    assert df["agent_id"].tolist() == ["A01", "A77", "A02"]
    qt = quality_table(ds)
    row = qt.set_index("table").loc["sessions"]
    assert (row["read"], row["accepted"], row["rejected"]) == (5, 3, 2)
    assert row["reasons"] == "future_timestamp 1; empty_row 1"
    assert qt.set_index("table").loc["agents", "reasons"] == ""


def test_settings_aliases_are_applied(tmp_path):
    write(tmp_path, "csnb.toml", '[aliases.sessions]\n"接待客服" = "agent_id"\n')
    write(tmp_path, "sessions.csv", "会话ID,接待客服,买家ID,会话开始时间,接待类型\n"
                                    "S1,A01,C1,2025-06-01 09:00:00,询单\n")
    ds = load_dataset(tmp_path)
    assert ds.frame("sessions")[["agent_id", "kind"]].values.tolist() == [["A01", "presale"]]
    assert "csnb.toml" in set(ds.files["path"])
    assert not problems(ds, "extra_columns")


def test_two_headers_mapping_to_one_column(tmp_path):
    write(tmp_path, "sessions.csv", "会话ID,客服昵称,agent_id,买家ID,开始时间,接待类型\n"
                                    "S1,nick,A01,C1,2025-06-01 09:00:00,售前\n")
    ds = load_dataset(tmp_path)
    assert ds.frame("sessions")["agent_id"].tolist() == ["A01"]  # English name wins
    assert "客服昵称 (also maps to agent_id)" in str(one(ds, "extra_columns"))


# ------------------------------------------------------------------ accounting and ordering


def test_row_numbers_follow_the_file_on_a_larger_csv(tmp_path):
    """Parallel CSV reading must not scramble the 1-based data row numbers."""
    n = 120_000
    con = duckdb.connect()
    path = tmp_path / "orders.csv"
    con.execute(
        f"COPY (SELECT 'O' || i AS order_id, 'C1' AS customer_id, "
        f"'2025-06-01 10:00:00' AS created_ts, CASE WHEN i IN (777, 99999) THEN 'bad' "
        f"ELSE CAST(i AS VARCHAR) END AS amount FROM range(1, {n + 1}) t(i)) "
        f"TO '{path}' (HEADER)"
    )
    ds = load_dataset(tmp_path, strict=False)
    assert one(ds, "non_numeric").examples == ((777, "bad"), (99999, "bad"))
    first = ds.con.execute("SELECT order_id FROM orders LIMIT 3").fetchall()
    assert first == [("O1",), ("O2",), ("O3",)]
    assert ds.quality.iloc[0][["read", "accepted", "rejected"]].tolist() == [n, n - 2, 2]


def test_validation_report_text_and_dict(tmp_path):
    write(tmp_path, "agents.csv", AGENTS + "A04,T1,,\n")
    report = validate_dataset(tmp_path)
    text = str(report)
    assert "FAILED" in text and "agents" in text
    assert "agents.csv: column 'team' has 1 empty value in a required column" in text
    assert "missing_value" in text
    d = report.to_dict()
    assert d["ok"] is False and d["quality"][0]["read"] == 4
    ok = validate_dataset(_folder(tmp_path / "ok", DATA / "agents_utf8.csv"))
    assert ok.ok and "OK" in str(ok)


@pytest.mark.parametrize("cache", [False, True])
def test_loader_leaves_no_helpers_in_the_connection(tmp_path, monkeypatch, cache):
    # In memory, or built in a store (the cache entry), which holds the load's record too.
    monkeypatch.setenv("CSNB_CACHE_DIR", str(tmp_path / "cache"))
    write(tmp_path, "agents.csv", AGENTS)
    ds = load_dataset(tmp_path, cache=cache)
    assert (ds.store is not None) == cache
    tables = {r[0] for r in ds.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == {"agents", "_not_final_days"} | ({"_csnb_meta"} if cache else set())
    macros = ds.con.execute("SELECT count(*) FROM duckdb_functions() "
                            "WHERE function_name LIKE '%csnb%'").fetchone()[0]
    assert macros == 0
    assert ds.tables == ("agents",)


def test_csv_rows_wider_than_the_header_are_named(tmp_path):
    # An unquoted "1,234.00" splits one value into two fields: the file cannot be parsed, and
    # the finding names the rows and the fix instead of a confusing missing-column list.
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,created_ts,amount\n"
        "O1,c1,2025-05-01 10:05:00,1,234.00\n"
        "O2,c2,2025-05-01 11:05:00,12.50\n"
        "O3,c3,2025-05-01 12:05:00,2,000.00\n",
        encoding="utf-8",
    )
    report = validate_dataset(tmp_path)
    assert not report.ok
    [problem] = [p for p in report.problems if p.severity == "error"]
    assert problem.check == "unreadable" and problem.path == "orders.csv"
    assert "2 data rows" in problem.message
    assert "row 1 has 5" in problem.message and "row 3 has 5" in problem.message
    assert "header's 4" in problem.message and "quote values" in problem.message


def test_not_final_marker_outside_agent_daily_is_a_missing_value(tmp_path):
    # "延迟统计" marks not-final figures of the platform's daily export; in a session's
    # required start time it is simply missing, and the row is rejected with an error.
    (tmp_path / "sessions.csv").write_text(
        "session_id,agent_id,customer_id,start_ts,kind\n"
        "S1,A1,c1,2025-06-01 10:00:00,presale\n"
        "S2,A1,c2,延迟统计,presale\n",
        encoding="utf-8",
    )
    report = validate_dataset(tmp_path)
    [problem] = [p for p in report.problems if p.severity == "error"]
    assert (problem.check, problem.column, problem.examples) == (
        "missing_value", "start_ts", ((2, "延迟统计"),))
    assert not any(p.check == "not_final" for p in report.problems)


def test_float_ids_from_parquet_match_integer_ids(tmp_path):
    # pandas writes an integer id column with gaps as float: 1001.0 must still be agent 1001.
    (tmp_path / "agents.csv").write_text(
        "agent_id,team,hire_date\n1001,T,2024-01-01\n", encoding="utf-8")
    pd.DataFrame({
        "order_id": ["O1", "O2"], "customer_id": ["c1", "c2"],
        "created_ts": pd.to_datetime(["2025-06-01 10:00", "2025-06-01 11:00"]),
        "amount": [10.0, 20.0], "agent_id": [1001, None],
    }).to_parquet(tmp_path / "orders.parquet")
    ds = load_dataset(tmp_path)
    assert ds.frame("orders")["agent_id"].tolist()[0] == "1001"
    assert not any(p.check == "unknown_reference" for p in ds.problems)


@pytest.mark.parametrize("stamp", [
    "2025-06-02 10:00:00 +08:00", "2025-06-02 10:00:00 +0800", "2025-06-02T02:00:00z",
    "2025-06-02 02:00:00 GMT", "2025-06-02T02:00:00Z",
])
def test_zone_offsets_in_their_common_spellings(tmp_path, stamp):
    (tmp_path / "sessions.csv").write_text(
        f"session_id,agent_id,customer_id,start_ts,kind\nS1,A1,c1,{stamp},presale\n",
        encoding="utf-8")
    ds = load_dataset(tmp_path)
    assert str(ds.frame("sessions")["start_ts"][0]) == "2025-06-02 10:00:00"


def test_english_headers_in_other_spellings(tmp_path):
    (tmp_path / "agents.csv").write_text(
        "Agent ID,Team,Hire Date,Exit-Date,EXIT_REASON\nA1,T,2024-01-01,2024-03-31,voluntary\n",
        encoding="utf-8")
    ds = load_dataset(tmp_path)
    row = ds.frame("agents").iloc[0]
    assert (row["agent_id"], str(row["exit_date"].date()), row["exit_reason"]) == (
        "A1", "2024-03-31", "voluntary")


def test_parquet_timedelta_durations_are_seconds(tmp_path):
    pd.DataFrame({
        "session_id": ["S1", "S2"], "agent_id": ["A1", "A1"], "customer_id": ["c1", "c2"],
        "start_ts": pd.to_datetime(["2025-06-01 10:00", "2025-06-01 11:00"]),
        "kind": ["presale", "presale"],
        "first_response_s": pd.to_timedelta([32, 150.5], unit="s"),
    }).to_parquet(tmp_path / "sessions.parquet")
    ds = load_dataset(tmp_path)
    assert ds.frame("sessions")["first_response_s"].tolist() == [32.0, 150.5]


def test_work_outside_the_agents_employment_is_kept_and_warned(tmp_path):
    (tmp_path / "agents.csv").write_text(
        "agent_id,team,hire_date,exit_date,exit_reason\n"
        "A1,T,2025-06-10,2025-06-20,voluntary\n"
        "A2,T,2025-01-01,,\n",
        encoding="utf-8")
    (tmp_path / "sessions.csv").write_text(
        "session_id,agent_id,customer_id,start_ts,kind\n"
        "S1,A1,c1,2025-06-09 23:00:00,presale\n"   # the day before hire
        "S2,A1,c2,2025-06-10 08:00:00,presale\n"   # hire day: fine
        "S3,A1,c3,2025-06-20 22:00:00,presale\n"   # last day employed: fine
        "S4,A1,c4,2025-06-21 09:00:00,presale\n"   # after exit
        "S5,A2,c5,2025-06-21 09:00:00,presale\n",  # employed
        encoding="utf-8")
    ds = load_dataset(tmp_path)
    [problem] = [p for p in ds.problems if p.check == "outside_employment"]
    assert problem.severity == "warning" and problem.count == 2
    assert problem.examples == ((1, "A1 on 2025-06-09"), (4, "A1 on 2025-06-21"))
    assert len(ds.frame("sessions")) == 5  # kept


def test_a_rejected_agent_row_neither_dates_nor_repeats_sessions(tmp_path):
    # A3 is listed twice (both rows rejected): its session is not checked against either,
    # and it is not counted twice.
    (tmp_path / "agents.csv").write_text(
        "agent_id,team,hire_date,exit_date,exit_reason\n"
        "A1,T,2025-06-10,,\n"
        "A3,T,2025-07-01,,\n"
        "A3,T,2025-01-01,,\n",
        encoding="utf-8")
    (tmp_path / "sessions.csv").write_text(
        "session_id,agent_id,customer_id,start_ts,kind\n"
        "S1,A1,c1,2025-06-09 23:00:00,presale\n"
        "S2,A3,c2,2025-06-10 08:00:00,presale\n"
        "S3,,c3,2025-06-10 09:00:00,presale\n",
        encoding="utf-8")
    ds = load_dataset(tmp_path, strict=False)
    [problem] = [p for p in ds.problems if p.check == "outside_employment"]
    assert problem.count == 1 and problem.examples == ((1, "A1 on 2025-06-09"),)
    assert {p.check for p in ds.problems} >= {"duplicate_id", "unknown_reference"}
    assert len(ds.frame("sessions")) == 2  # S3 lacks its agent (an error); S2 kept once


def test_an_action_no_figure_needs_is_tolerated(tmp_path):
    """Rankings listing every agent, with 'none' (or 无, -, empty) for no action, load; an
    unknown action is a warning and becomes missing; the rows are kept."""
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "agents.csv").write_text(
        "agent_id,team,hire_date\nA1,T1,2025-01-01\nA2,T1,2025-01-01\nA3,T1,2025-01-01\n"
        "A4,T1,2025-01-01\nA5,T1,2025-01-01\n", encoding="utf-8")
    (folder / "rankings.csv").write_text(
        "month,agent_id,score,rank,bottom,action\n"
        "2025-06,A1,1,1,false,none\n2025-06,A2,0.5,2,true,警告\n2025-06,A3,0.4,3,false,无\n"
        "2025-06,A4,0.3,4,false,-\n2025-06,A5,0.1,5,false,promote\n", encoding="utf-8")
    ds = load_dataset(folder)
    actions = ds.frame("rankings").set_index("agent_id")["action"]
    assert actions["A2"] == "warning"
    assert actions.drop("A2").isna().all()
    assert ds.quality.set_index("table").loc["rankings", "rejected"] == 0
    found = [p for p in ds.problems if p.table == "rankings"]
    assert [(p.check, p.severity, p.count) for p in found] == [("unknown_value", "warning", 1)]
    assert "'promote'" in str(found[0])


def test_ratings_load_from_chinese_words_and_scores(tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "agents.csv").write_text("agent_id,team,hire_date\nA1,T1,2025-01-01\n",
                                       encoding="utf-8")
    rows = ["非常满意", "满意", "一般", "不满意", "非常不满意", "5", "1", "", "无"]
    lines = [f"S{i},A1,C{i},2025-06-01 10:00:00,presale,{r}" for i, r in enumerate(rows)]
    (folder / "sessions.csv").write_text(
        "session_id,agent_id,customer_id,start_ts,kind,服务评价\n" + "\n".join(lines) + "\n",
        encoding="utf-8")
    ds = load_dataset(folder)
    got = ds.frame("sessions").sort_values("session_id")["rating"]
    assert got.iloc[:7].tolist() == ["very_satisfied", "satisfied", "neutral", "dissatisfied",
                                     "very_dissatisfied", "very_satisfied", "very_dissatisfied"]
    assert got.iloc[7:].isna().all()  # empty and 无: not rated


def test_user_value_mappings_and_the_setting_named_in_the_error(tmp_path):
    """[values.<column>] maps a shop's own spellings; an unknown value in a required category
    is an error that names that setting; a mapping to a value the contract does not allow
    is a settings error."""
    from csnb.errors import SettingsError
    from csnb.settings import Settings

    folder = tmp_path / "shop"
    write(folder, "agents.csv", "agent_id,team,hire_date,exit_date,exit_reason\n"
                                "A1,T1,2025-01-01,2025-05-01,个人原因\n"
                                "A2,T1,2025-01-01,2025-05-01,家里有事\n")
    report = validate_dataset(folder)
    bad = one(report, "not_allowed")
    assert bad.column == "exit_reason" and bad.examples == ((1, "个人原因"), (2, "家里有事"))
    assert "[values.exit_reason] in csnb.toml" in str(bad)
    write(folder, "csnb.toml", '[values.exit_reason]\n"个人原因" = "voluntary"\n'
                               '"家里有事" = "voluntary"\n')
    ds = load_dataset(folder, cache=False)
    assert ds.frame("agents")["exit_reason"].tolist() == ["voluntary", "voluntary"]
    with pytest.raises(SettingsError, match="not an allowed value; allowed: "):
        Settings(values={"exit_reason": {"个人原因": "quit"}})
    with pytest.raises(SettingsError, match="values.team: not a category column"):
        Settings(values={"team": {"一组": "T1"}})
    with pytest.raises(SettingsError, match="'接待客服' maps to 'agent'"):
        Settings(aliases={"sessions": {"接待客服": "agent"}})


def test_lenient_is_one_mechanism_for_every_kind(tmp_path):
    """An optional column no figure uses (message counts) takes a bad number as missing with
    a warning; the same value in a column a figure uses is an error."""
    folder = tmp_path / "shop"
    write(folder, "sessions.csv", "session_id,agent_id,customer_id,start_ts,kind,"
                                  "customer_msgs,agent_msgs,first_response_s\n"
                                  "S1,A1,C1,2025-06-01 09:00:00,presale,很多,-3,12\n"
                                  "S2,A1,C1,2025-06-01 09:00:00,presale,4,5,12\n")
    ds = load_dataset(folder, cache=False)
    df = ds.frame("sessions").set_index("session_id")
    assert pd.isna(df.loc["S1", "customer_msgs"]) and pd.isna(df.loc["S1", "agent_msgs"])
    assert df.loc["S2", "customer_msgs"] == 4
    found = {(p.column, p.check, p.severity, p.count) for p in ds.problems}
    assert found == {("customer_msgs", "unknown_value", "warning", 1),
                     ("agent_msgs", "unknown_value", "warning", 1)}
    assert "that are not a valid int or out of range >= 0" in str(problems(ds, "unknown_value")[0])
    write(folder, "sessions.csv", "session_id,agent_id,customer_id,start_ts,kind,"
                                  "first_response_s\nS1,A1,C1,2025-06-01 09:00:00,presale,很快\n")
    report = validate_dataset(folder)
    assert one(report, "bad_duration").severity == "error"


def test_parquet_typed_columns_match_the_text_path(tmp_path):
    """Typed Parquet columns skip the text round trip and give what CSV text gives; NaN is
    missing, an infinity is a non-numeric value, a negative duration is out of range."""
    import numpy as np

    frame = pd.DataFrame({
        "date": pd.to_datetime(["2025-06-01", "2025-06-02", "2025-06-03", "2025-06-04"]),
        "agent_id": ["A1", "A1", "A2", "A2"],
        "inquiries": np.array([10, 20, 30, 40], dtype="int32"),
        "paid_buyers": [1, 2, 3, 4],
        "sales": [10.5, np.nan, 30.0, np.inf],
        "avg_first_response_s": [5.0, 6.0, -1.0, 8.0],
        "fast_response_rate": [0.5, None, 1.0, 0.25],
    })
    (tmp_path / "pq").mkdir()
    frame.to_parquet(tmp_path / "pq" / "agent_daily.parquet")
    (tmp_path / "csv").mkdir()
    frame.to_csv(tmp_path / "csv" / "agent_daily.csv", index=False)
    got = {}
    for form in ("pq", "csv"):
        ds = load_dataset(tmp_path / form, strict=False, cache=False)
        got[form] = (ds.frame("agent_daily"),
                     sorted((p.column, p.check, p.count, p.examples) for p in ds.problems))
    pd.testing.assert_frame_equal(got["pq"][0], got["csv"][0])
    assert got["pq"][0]["sales"].tolist()[:1] == [10.5]
    assert pd.isna(got["pq"][0]["sales"].iloc[1])  # NaN: missing, row kept
    checks = [(c, k, n) for c, k, n, _ in got["pq"][1]]
    assert checks == [("avg_first_response_s", "out_of_range", 1),
                      ("sales", "non_numeric", 1)]
    assert dict((c, x) for c, _, _, x in got["pq"][1]) == {
        "avg_first_response_s": ((3, "-1.0"),), "sales": ((4, ""),)}


def test_validate_shows_each_files_encoding_headers_and_absent_tables(tmp_path):
    """csnb validate: per file the encoding decision, source header -> contract column,
    rows read / accepted / summary / rejected, rejection reasons; absent tables and what
    follows from each."""
    from csnb.cli import main

    folder = tmp_path / "shop"
    write(folder, "agent_daily/a.csv", "日期,旺旺昵称,询单人数,询单->最终付款人数,备注\n"
                                       "2025-09-21,小明,10,2,x\n2025-09-22,小明,abc,2,\n"
                                       "汇总值,,10,2,\n", "gb18030")
    report = validate_dataset(folder)
    text = str(report)
    assert "agent_daily/a.csv  GB18030 (detected)" in text
    assert ("headers of agent_daily/a.csv: 日期 -> date, 旺旺昵称 -> agent_id, 询单人数 -> "
            "inquiries, 询单->最终付款人数 -> paid_buyers; ignored: 备注") in text
    q = report.quality.iloc[0]
    assert (q["read"], q["accepted"], q["summary"], q["rejected"]) == (3, 1, 1, 2)
    assert "rejected by reason: non_numeric 1; summary_row 1" in text
    assert "(row 2: 'abc')" in text
    # Every contract table but the one brought is absent, each with what follows.
    assert set(report.absent) == set(TABLES) - {"agent_daily"}
    assert "rankings: the monthly ranking is derived" in text
    assert "qa_reviews: no chat reviews" in text
    assert report.to_dict()["files"][0]["encoding"] == "GB18030 (detected)"
    assert main(["validate", "--data", str(folder)]) == 1


def test_quality_table_counts_values_set_to_missing(tmp_path):
    """The rankings file with action 'none' for everyone renders; the quality table counts
    the unknown actions set to missing beside the rows rejected."""
    folder = tmp_path / "shop"
    write(folder, "agents.csv", "agent_id,team,hire_date\nA1,T1,2025-01-01\nA2,T1,2025-01-01\n")
    write(folder, "rankings.csv", "month,agent_id,score,rank,bottom,action\n"
                                  "2025-06,A1,1,1,false,none\n2025-06,A2,0.5,2,true,coach\n")
    ds = load_dataset(folder, cache=False)
    qt = quality_table(ds).set_index("table")
    assert qt.loc["rankings", "set_missing"] == "unknown_value 1"
    assert qt.loc["rankings", "rejected"] == 0 and qt.loc["rankings", "reasons"] == ""
    assert qt.loc["agents", "encoding"] == "UTF-8"


def test_quality_reasons_in_chinese(tmp_path):
    folder = tmp_path / "shop"
    write(folder, "agent_daily.csv", "日期,客服昵称,询单人数,询单->最终付款人数\n"
                                     "2025-09-21,A,10,2\n2025-09-22,A,x,2\n汇总,,10,2\n")
    ds = load_dataset(folder, strict=False, cache=False)
    assert quality_table(ds, "zh").loc[0, "reasons"] == "非数字 1; 汇总行 1"
    assert quality_table(ds).loc[0, "reasons"] == "non_numeric 1; summary_row 1"


def test_a_day_after_today_is_rejected_as_future(tmp_path):
    folder = tmp_path / "shop"
    later = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    write(folder, "agent_daily.csv", "日期,客服昵称,询单人数,询单->最终付款人数\n"
                                     f"2025-09-21,A,10,2\n{later},A,5,1\n")
    ds = load_dataset(folder, cache=False)  # a warning: the strict load succeeds
    assert len(ds.frame("agent_daily")) == 1
    p = one(ds, "future_date")
    assert (p.severity, p.column, p.examples) == ("warning", "date", ((2, later),))
    assert quality_table(ds).loc[0, "reasons"] == "future_date 1"
