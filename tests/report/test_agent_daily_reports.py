"""End to end: all five reports from daily per-agent exports alone (issue 11, scope item 5).

A simulated shop reduced to its daily exports (``simulate(..., agent_daily_only=True)``) is
written as a shop downloads it: two months as XLSX and the third as a GB18030 CSV, with
Chinese headers, percent strings, a summary row (汇总) and a not-final cell (延迟统计). Every
report renders; the figures equal the exports' sums computed here in pandas (summary row
dropped, the not-final cell missing); turnover, complaints and incentives say what they lack.
"""

import html
import json

import numpy as np
import pandas as pd
import pytest

from csnb.i18n import t
from csnb.report import NOTEBOOKS, render_month
from csnb.simulate import simulate

pytestmark = pytest.mark.slow

MONTH = "2025-11"
HEADERS = {"date": "日期", "agent_id": "客服工号", "name": "name", "inquiries": "询单人数",
           "paid_buyers": "询单->最终付款人数", "sales": "客服销售额",
           "avg_first_response_s": "平均首次响应时长(秒)", "avg_response_s": "人工平响(秒)",
           "fast_response_rate": "3分钟人工响应率"}
NOT_FINAL_ROW = 3  # the row of November whose 询单->最终付款人数 is not final yet


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """The exports folder and the frame of what it holds (not-final cell as NaN)."""
    sim = tmp_path_factory.mktemp("sim")
    simulate(sim, 3, agents=8, months=3, start="2025-09", agent_daily_only=True)
    folder = tmp_path_factory.mktemp("exports")
    (folder / "agent_daily").mkdir()
    frames = []
    for month in ("2025-09", "2025-10", "2025-11"):
        df = pd.read_csv(sim / "agent_daily" / f"{month}.csv", dtype={"agent_id": str})
        frames.append(df)
        shown = df.rename(columns=HEADERS)
        if month != MONTH:
            shown.to_excel(folder / "agent_daily" / f"{month}.xlsx", index=False)
            continue
        shown = shown.astype(object)
        shown[HEADERS["fast_response_rate"]] = [
            "" if pd.isna(v) else f"{100 * v:.2f}%" for v in df["fast_response_rate"]]
        shown.loc[NOT_FINAL_ROW, HEADERS["paid_buyers"]] = "延迟统计"
        total = {c: "" for c in shown.columns}
        total.update({HEADERS["date"]: "汇总", HEADERS["inquiries"]: df["inquiries"].sum(),
                      HEADERS["sales"]: df["sales"].sum()})
        shown = pd.concat([shown, pd.DataFrame([total])], ignore_index=True)
        shown.to_csv(folder / "agent_daily" / f"{month}.csv", index=False, encoding="gb18030")
    data = pd.concat(frames, ignore_index=True)
    data["fast_response_rate"] = data["fast_response_rate"].round(4)
    nov = data.index[data["date"].str.startswith(MONTH)][NOT_FINAL_ROW]
    data.loc[nov, "paid_buyers"] = np.nan
    return folder, data


@pytest.fixture(scope="module")
def rendered(exports, tmp_path_factory):
    folder, _ = exports
    out = tmp_path_factory.mktemp("reports")
    summary = render_month(MONTH, folder, out, progress=False)
    zh = render_month(MONTH, folder, out, lang="zh", only=["overview", "turnover"],
                      progress=False)
    return summary, zh, out


def _json(out, name, lang="en"):
    suffix = "" if lang == "en" else ".zh"
    return json.loads((out / MONTH / f"{name}{suffix}.json").read_text(encoding="utf-8"))


def _html(out, name, lang="en"):
    """The page with its character references resolved (the text a reader sees)."""
    suffix = "" if lang == "en" else ".zh"
    return html.unescape((out / MONTH / f"{name}{suffix}.html").read_text(encoding="utf-8"))


def _weighted(month: pd.DataFrame, col: str) -> float:
    has = month[col].notna()
    return float((month.loc[has, col] * month.loc[has, "inquiries"]).sum()
                 / month.loc[has, "inquiries"].sum())


def test_all_five_reports_render(rendered):
    summary, zh, _ = rendered
    assert summary.ok, [r.error for r in summary.runs if r.status != "ok"]
    assert zh.ok, [r.error for r in zh.runs if r.status != "ok"]
    assert [r.name for r in summary.runs] == list(NOTEBOOKS)


def test_figures_are_the_exports_sums(rendered, exports):
    _, _, out = rendered
    _, data = exports
    month = data[data["date"].str.startswith(MONTH)]
    expected = {
        "inquiries": month["inquiries"].sum(),
        "converted_inquiries": month["paid_buyers"].sum(),  # the not-final cell left out
        "conversion_rate": month["paid_buyers"].sum() / month["inquiries"].sum(),
        "credited_sales": month["sales"].sum(),
        "avg_first_response_s": _weighted(month, "avg_first_response_s"),
        "fast_response_rate": _weighted(month, "fast_response_rate"),
    }
    assert expected["inquiries"] > 1000
    for name in ("overview", "conversion", "incentives"):
        figures = _json(out, name)["figures"]
        for key, value in expected.items():
            if key in figures:
                assert figures[key] == pytest.approx(value, rel=1e-9), (name, key)
    overview = _json(out, "overview")
    assert overview["provisional"] is True  # the 延迟统计 day
    shown = {k for k, v in overview["figures"].items() if v is not None}
    assert shown == set(expected)
    assert set(overview["unavailable_figures"]) == set(overview["figures"]) - shown
    # The agents' scorecard adds up to the exports, agent by agent, with the export's names.
    card = [r for r in _json(out, "conversion")["scorecard"]["rows"] if not r["total"]]
    by_agent = month.groupby("agent_id").agg(inquiries=("inquiries", "sum"),
                                             name=("name", "last"))
    assert {r["agent_id"]: r["inquiries"] for r in card} == by_agent["inquiries"].to_dict()
    assert {r["agent_id"]: r["name"] for r in card} == by_agent["name"].to_dict()


def test_reports_say_what_they_lack(rendered):
    _, _, out = rendered
    needs = {"turnover": [["agents"]], "complaints": [["complaints"]],
             "incentives": [["agents"]], "overview": [], "conversion": []}
    for name, lacking in needs.items():
        data = _json(out, name)
        assert data["lacking_tables"] == lacking, name
        page = _html(out, name)
        assert "Traceback" not in page and "Not available" not in page, name
        if lacking:
            assert data["sentences"] == [t("needs.report", "en", needs=data["sentences"][0]
                                           .split("This report needs ")[1].split(". The")[0],
                                           present="agent_daily")]
            assert t("needs.table.agents", "en") in page or name == "complaints"
            assert "csnb-provisional" not in page
    overview = _html(out, "overview")
    assert "Not shown, as the data cannot give them" in overview
    for area in ("turnover", "complaints", "incentives"):
        assert t(f"title.{area}", "en") in " ".join(_json(out, "overview")["sentences"])
    conversion = _html(out, "conversion")
    assert t("needs.table.sessions", "en") in conversion  # the weekday x hour grid


def test_chinese_reports_say_it_in_chinese(rendered):
    _, _, out = rendered
    turnover = _html(out, "turnover", "zh")
    assert "本报告需要客服名单" in turnover
    overview = _json(out, "overview", "zh")
    assert any("客服流失报告需要" in s for s in overview["sentences"])
    assert "未显示(现有数据无法计算)" in _html(out, "overview", "zh")
