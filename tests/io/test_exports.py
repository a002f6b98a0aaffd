"""Platform-style exports load back to exactly the agent_daily frame they were written from."""

from __future__ import annotations

import pandas as pd
import pytest
from platform_exports import (
    QIANNIU,
    STYLES,
    known_frame,
    same_data_four_ways,
    truth_of,
    write_style,
)

from csnb.io import load_dataset, validate_dataset
from csnb.io.readers import map_headers
from csnb.io.schema import HEADER_ALIASES, PLATFORM_HEADERS, TABLES


def loaded(folder) -> pd.DataFrame:
    ds = load_dataset(folder, cache=False)  # strict: any contract error fails the test
    try:
        frame = ds.frame("agent_daily").sort_values(["date", "agent_id"]).reset_index(drop=True)
        ds.not_final_days  # noqa: B018 - kept by the Dataset for after the connection closes
        return frame, ds
    finally:
        ds.con.close()


def truth(style) -> pd.DataFrame:
    return (truth_of(style, known_frame()).sort_values(["date", "agent_id"])
            .reset_index(drop=True))


def assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    # Counts and dates exact; rates parsed from "52.17%" are 52.17 / 100, equal to the
    # written 0.5217 within one unit in the last place.
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_exact=False, rtol=1e-12,
                                  atol=0)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_platform_style_round_trips_exactly(tmp_path, style):
    want = truth(STYLES[style])
    paths = write_style(STYLES[style], known_frame(), tmp_path)
    got, ds = loaded(tmp_path)
    assert_same(got, want)
    # Summary rows were dropped and counted; nothing else was rejected.
    q = ds.quality
    n_summary = len(STYLES[style].summary) * len(paths)
    assert q["summary"].sum() == n_summary
    assert q["rejected"].sum() == n_summary
    assert q["accepted"].sum() == len(want)
    checks = {p.check for p in ds.problems}
    assert checks <= {"summary_row", "extra_columns", "date_from_file_name",
                      "preamble_rows"}, checks


def test_style_specific_findings(tmp_path):
    write_style(STYLES["pinduoduo"], known_frame(), tmp_path / "pdd")
    _, ds = loaded(tmp_path / "pdd")
    dated = [p for p in ds.problems if p.check == "date_from_file_name"]
    assert len(dated) == 4 and "every row is dated 2025-09-20" in str(dated[0])
    write_style(STYLES["kuaishou"], known_frame(), tmp_path / "ks")
    _, ds = loaded(tmp_path / "ks")
    assert ds.quality["encoding"].tolist() == ["UTF-16 (BOM)"]
    labels = [v for p in ds.problems if p.check == "summary_row" for _, v in p.examples]
    assert sorted(labels) == sorted(["同行同层均值", "同行同层优秀", "店铺平均值"])


def test_the_same_data_in_four_encodings_loads_identically(tmp_path):
    folders = same_data_four_ways(known_frame(), tmp_path)
    frames = {}
    for name, folder in folders.items():
        frames[name], ds = loaded(folder)
        frames[name + " encoding"] = ds.quality["encoding"].iloc[0]
    assert frames["gb18030 encoding"] == "GB18030 (detected)"
    assert frames["utf-8-sig encoding"] == "UTF-8 (BOM)"
    assert frames["utf-16 encoding"] == "UTF-16 (BOM)"
    assert frames["xlsx encoding"] == "XLSX"
    for name in ("utf-8-sig", "utf-16", "xlsx"):
        pd.testing.assert_frame_equal(frames[name], frames["gb18030"])
    assert_same(frames["gb18030"], truth(QIANNIU))


def test_one_header_means_one_column_across_styles():
    seen: dict[str, str] = {}
    for style, headers in PLATFORM_HEADERS.items():
        for header, column in headers.items():
            assert seen.setdefault(header, column) == column, (style, header)
            assert HEADER_ALIASES["agent_daily"][header] == column
    # Every style's headers map to the columns the round trip needs (a nickname alone is
    # the agent_id).
    for style in STYLES.values():
        mapping, extras = map_headers(list(style.headers.values()), TABLES["agent_daily"], {})
        assert mapping == {c: h for c, h in style.headers.items()} and not extras, style.name
        assert all(h in PLATFORM_HEADERS[style.name] for h in style.headers.values())


@pytest.mark.parametrize("nickname", ["客服昵称", "旺旺昵称"])
def test_a_nickname_is_the_name_beside_an_account_and_the_id_alone(nickname):
    daily = TABLES["agent_daily"]
    for account in ("客服账号", "客服pin", "客服旺旺", "agent_id"):
        mapping, _ = map_headers(["日期", nickname, account], daily, {})
        assert (mapping["agent_id"], mapping["name"]) == (account, nickname)
    mapping, extras = map_headers(["日期", nickname, "询单人数"], daily, {})
    assert mapping["agent_id"] == nickname and "name" not in mapping and not extras
    # Two nicknames and no account: the first is the id, the other the name.
    other = "旺旺昵称" if nickname == "客服昵称" else "客服昵称"
    mapping, _ = map_headers([nickname, other], daily, {})
    assert (mapping["agent_id"], mapping["name"]) == (nickname, other)
    # csnb.toml's own alias wins over the rule.
    mapping, _ = map_headers([nickname, "客服账号"], daily, {nickname: "agent_id"})
    assert mapping["agent_id"] == nickname and "name" not in mapping


def test_unmatched_headers_are_named_with_the_closest_known(tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "agent_daily.csv").write_text(
        "日期,客服昵称,询单数,最终付款人数\n2025-09-21,A,10,2\n", encoding="utf-8")
    report = validate_dataset(folder)
    missing = [p for p in report.problems if p.check == "missing_column"]
    assert {p.column for p in missing} == {"inquiries", "paid_buyers"}
    text = str(missing[0])
    hint = text.split("headers not matched: ")[1]
    assert hint.startswith("询单数 (closest known: ") and "询单人数" in hint.split(";")[0]
    assert "最终付款人数 (closest known: " in text
    assert "[aliases.agent_daily] in csnb.toml" in text


def test_a_range_in_the_file_name_dates_nothing(tmp_path):
    out = tmp_path / "shop" / "agent_daily"
    out.mkdir(parents=True)
    (out / "报表_2025-09-01至2025-09-30.csv").write_text(
        "客服昵称,询单人数,询单->最终付款人数\nA,10,2\n", encoding="utf-8")
    report = validate_dataset(tmp_path / "shop")
    checks = {(p.check, p.column) for p in report.problems}
    assert ("missing_column", "date") in checks and ("no_date_in_name", "date") in checks
    note = [p for p in report.problems if p.check == "no_date_in_name"][0]
    assert "spans 2025-09-01 to 2025-09-30" in str(note)


def test_merged_date_cells_fill_their_rows(tmp_path):
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["日期", "客服昵称", "询单人数", "询单->最终付款人数"])
    sheet.append([dt.datetime(2025, 9, 21), "A", 10, 2])
    sheet.append([None, "B", 20, 5])
    sheet.append([dt.datetime(2025, 9, 22), "A", 30, 6])
    sheet.merge_cells("A2:A3")
    out = tmp_path / "shop"
    out.mkdir()
    book.save(out / "agent_daily.xlsx")
    got, _ = loaded(out)
    assert got["date"].dt.strftime("%m-%d").tolist() == ["09-21", "09-21", "09-22"]
    assert got["inquiries"].tolist() == [10, 20, 30]


def test_three_months_of_exports_sum_to_the_truth_apart_from_summary_and_delayed(tmp_path):
    """XLSX for two months and a GB18030 CSV for a third: the loaded table sums to the
    exports' rows apart from summary rows and cells marked 延迟统计 (missing, day
    provisional)."""
    from platform_exports import DOUYIN, QIANNIU, write_csv, write_xlsx

    months = []
    for shift, month in enumerate(("2025-07", "2025-08", "2025-09")):
        frame = known_frame(seed=shift, days=5)
        frame["date"] = pd.to_datetime(month + "-01") + (frame["date"] - frame["date"].min())
        months.append(frame)
    out = tmp_path / "shop" / "agent_daily"
    write_xlsx(DOUYIN.table(months[0]), out / "2025-07.xlsx", title="飞鸽 2025-07")
    write_xlsx(DOUYIN.table(months[1]), out / "2025-08.xlsx", title="飞鸽 2025-08")
    rows = QIANNIU.table(months[2])
    col = rows[0].index("询单人数")
    late = [i for i, r in enumerate(rows) if r[0] == "2025/09/05"]
    for i in late:
        rows[i][col] = "延迟统计"
    write_csv(rows, out / "2025-09.csv", "gb18030")
    got, ds = loaded(tmp_path / "shop")
    truth_ = pd.concat(months, ignore_index=True)
    assert len(got) == len(truth_)
    delayed = truth_["date"] == "2025-09-05"
    assert got["inquiries"].sum() == truth_.loc[~delayed, "inquiries"].sum()
    assert got["inquiries"].isna().sum() == len(late) == delayed.sum()
    for c in ("paid_buyers", "consultations"):
        assert got[c].sum() == truth_[c].sum()
    assert got["sales"].sum() == pytest.approx(truth_["sales"].sum(), rel=1e-12)
    assert ds.not_final_days == frozenset({pd.Timestamp("2025-09-05").date()})
    assert ds.quality.set_index("path")["encoding"].to_dict() == {
        "agent_daily/2025-07.xlsx": "XLSX", "agent_daily/2025-08.xlsx": "XLSX",
        "agent_daily/2025-09.csv": "GB18030 (detected)"}
