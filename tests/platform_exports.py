"""Platform-style daily agent exports written from a known ``agent_daily`` frame.

Each style imitates what a shop downloads from one platform's customer-service tool: its
headers (with the drift between versions), its cell formats (percent strings, "￥1,234.00",
"1，234", "7小时41分52秒", "00:01:05", Excel serial dates, 2025/09/21), its summary rows
(汇总值, 平均值, 店铺汇总值, 同行同层优秀...) wherever they stand, its file format and
encoding (GB18030 CSV, UTF-8 with BOM, UTF-16 "Unicode text", XLSX with a title above the
header and merged cells, one XLSX per day dated only by its file name). Loading what a style
writes must give back exactly the frame it was written from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

COLUMNS = ["date", "agent_id", "name", "inquiries", "paid_buyers", "sales", "avg_first_response_s",
           "avg_response_s", "fast_response_rate", "consultations", "satisfaction_rate"]

AGENTS = ["小明", "小红", "阿强", "Lily"]
#: The nickname an export shows beside the account (客服昵称), by agent_id.
NICKNAMES = {"小明": "明明", "小红": "红红", "阿强": "强哥", "Lily": "莉莉"}


def known_frame(seed: int = 11, days: int = 4) -> pd.DataFrame:
    """A clean agent_daily frame in contract types (the truth every style is written from).

    Counts, whole seconds, money in fen and rates in basis points: every value survives the
    export formats exactly (a percent with two decimals is a rate with four). A style without
    a nickname header beside the account loads ``name`` as missing (:func:`truth_of`).
    """
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(days):
        for agent in AGENTS:
            inquiries = int(rng.integers(0, 2500))
            rows.append({
                "date": dt.date(2025, 9, 20) + dt.timedelta(days=d),
                "agent_id": agent,
                "name": NICKNAMES[agent],
                "inquiries": inquiries,
                "paid_buyers": int(rng.integers(0, inquiries + 1)),
                "sales": int(rng.integers(0, 50_000_000)) / 100,
                "avg_first_response_s": float(rng.integers(0, 40_000)),
                "avg_response_s": float(rng.integers(0, 4_000)),
                "fast_response_rate": int(rng.integers(0, 10_001)) / 10_000,
                "consultations": inquiries + int(rng.integers(0, 3000)),
                "satisfaction_rate": int(rng.integers(0, 10_001)) / 10_000,
            })
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


# ------------------------------------------------------------------ cell formats


def thousands(n: float) -> str:
    """1234 -> "1,234"."""
    return f"{int(n):,}"


def fullwidth_thousands(n: float) -> str:
    """1234 -> "1，234" (the full-width comma of a Chinese input method)."""
    return f"{int(n):,}".replace(",", "，")


def yuan_sign(x: float) -> str:
    """1234.5 -> "￥1,234.50"."""
    return f"￥{x:,.2f}"


def yuan_suffix(x: float) -> str:
    """1234.5 -> "1,234.50元"."""
    return f"{x:,.2f}元"


def percent(r: float) -> str:
    """0.5217 -> "52.17%"."""
    return f"{r * 100:.2f}%"


def fraction(r: float) -> str:
    """0.5217 -> "0.5217"."""
    return f"{r:.4f}"


def cn_duration(s: float) -> str:
    """27712 -> "7小时41分52秒", 150 -> "2分30秒", 11 -> "11秒"."""
    h, rest = divmod(int(s), 3600)
    m, sec = divmod(rest, 60)
    out = (f"{h}小时" if h else "") + (f"{m}分" if h or m else "") + f"{sec}秒"
    return out


def clock(s: float) -> str:
    """65 -> "00:01:05"."""
    h, rest = divmod(int(s), 3600)
    m, sec = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{sec:02d}"


def seconds(s: float) -> str:
    """65 -> "65"."""
    return str(int(s))


def slash_date(d: pd.Timestamp) -> str:
    """2025-09-21 -> "2025/09/21"."""
    return d.strftime("%Y/%m/%d")


def iso_date(d: pd.Timestamp) -> str:
    """2025-09-21 -> "2025-09-21"."""
    return d.strftime("%Y-%m-%d")


def excel_serial(d: pd.Timestamp) -> str:
    """2025-09-21 -> "45921" (days since 1899-12-30)."""
    return str((d - pd.Timestamp("1899-12-30")).days)


# ------------------------------------------------------------------ styles

Cell = Callable[..., object]


class Style:
    """One platform's export: header per contract column, a cell formatter per column.

    ``summary`` rows are (position, label, column index of the label); position 0 puts a row
    above the data, -1 below it. ``extra`` headers the platform adds and csnb does not read
    (rates it derives) get a value on every row.
    """

    def __init__(self, name: str, headers: dict[str, str], cells: dict[str, Cell], *,
                 summary: tuple[tuple[int, str, int], ...] = (), extra: tuple[str, ...] = (),
                 date_in_name: bool = False):
        self.name = name
        self.headers = headers
        self.cells = cells
        self.summary = summary
        self.extra = extra
        self.date_in_name = date_in_name

    @property
    def columns(self) -> list[str]:
        """Contract columns in file order (without date when the file name dates the rows)."""
        return [c for c in self.headers if not (self.date_in_name and c == "date")]

    def table(self, frame: pd.DataFrame) -> list[list[object]]:
        """The header row, then data and summary rows, as cell values."""
        header = [self.headers[c] for c in self.columns] + list(self.extra)
        body = []
        for row in frame.itertuples(index=False):
            values = row._asdict()
            cells = [self.cells[c](values[c]) for c in self.columns]
            body.append(cells + ["12.34%"] * len(self.extra))
        for position, label, col in self.summary:
            total = [""] * len(header)
            total[col] = label
            for j, c in enumerate(self.columns):
                if c in ("inquiries", "paid_buyers", "consultations") and j != col:
                    total[j] = str(int(frame[c].sum()))
            body.insert(0 if position == 0 else len(body), total)
        return [header, *body]


QIANNIU = Style(
    "qianniu",
    {"date": "日期", "agent_id": "旺旺昵称", "consultations": "聊天人数(原咨询人数)",
     "inquiries": "询单人数", "paid_buyers": "询单->最终付款人数", "sales": "客服询单支付额",
     "avg_first_response_s": "全天首响时长", "avg_response_s": "全天平响时长",
     "fast_response_rate": "全天3分钟回复率", "satisfaction_rate": "满意率"},
    {"date": slash_date, "agent_id": str, "consultations": thousands, "inquiries": thousands,
     "paid_buyers": str, "sales": yuan_sign, "avg_first_response_s": cn_duration,
     "avg_response_s": cn_duration, "fast_response_rate": percent, "satisfaction_rate": percent},
    summary=((0, "汇总值", 1), (-1, "平均值", 0)),
    extra=("询单->最终付款转化率",),
)

DOUYIN = Style(
    "douyin",
    {"date": "日期", "agent_id": "客服账号", "name": "客服昵称", "consultations": "咨询人数",
     "inquiries": "询单人数", "paid_buyers": "询单支付人数", "sales": "询单支付金额",
     "avg_first_response_s": "平均首响时长", "avg_response_s": "人工平均响应时长",
     "fast_response_rate": "3分钟人工回复率", "satisfaction_rate": "服务满意率"},
    {"date": lambda d: d.to_pydatetime(), "agent_id": str, "name": str, "consultations": int,
     "inquiries": int, "paid_buyers": int, "sales": float, "avg_first_response_s": clock,
     "avg_response_s": clock, "fast_response_rate": float, "satisfaction_rate": percent},
    summary=((-1, "店铺汇总值", 0),),
    extra=("询单转化率",),
)

JD = Style(
    "jd",
    {"date": "日期", "agent_id": "客服pin", "consultations": "咨询量", "inquiries": "询单量",
     "paid_buyers": "付款人数", "sales": "付款金额", "avg_first_response_s": "首次响应时间",
     "avg_response_s": "平均响应时间", "fast_response_rate": "3分钟应答率",
     "satisfaction_rate": "满意度"},
    {"date": iso_date, "agent_id": str, "consultations": thousands, "inquiries": str,
     "paid_buyers": str, "sales": yuan_suffix, "avg_first_response_s": cn_duration,
     "avg_response_s": seconds, "fast_response_rate": fraction, "satisfaction_rate": percent},
    summary=((-1, "全店平均值", 1),),
)

KUAISHOU = Style(
    "kuaishou",
    {"date": "日期", "agent_id": "客服名称", "consultations": "咨询人数", "inquiries": "询单人数",
     "paid_buyers": "支付人数", "sales": "支付金额", "avg_first_response_s": "首响时长",
     "avg_response_s": "平均响应时长", "fast_response_rate": "3分钟回复率",
     "satisfaction_rate": "满意率"},
    {"date": excel_serial, "agent_id": str, "consultations": fullwidth_thousands,
     "inquiries": fullwidth_thousands, "paid_buyers": str, "sales": lambda x: f"{x:.2f}",
     "avg_first_response_s": seconds, "avg_response_s": lambda s: f"{int(s)}秒",
     "fast_response_rate": percent, "satisfaction_rate": fraction},
    summary=((0, "店铺平均值", 1), (-1, "同行同层优秀", 1), (-1, "同行同层均值", 1)),
)

PINDUODUO = Style(
    "pinduoduo",
    {"date": "日期", "agent_id": "客服账号", "name": "客服昵称", "consultations": "咨询人数",
     "inquiries": "询单人数", "paid_buyers": "最终成团人数", "sales": "客服销售额",
     "avg_first_response_s": "首次人工响应时长", "avg_response_s": "平均人工响应时长",
     "fast_response_rate": "3分钟人工回复率", "satisfaction_rate": "满意率"},
    {"agent_id": str, "name": str, "consultations": str, "inquiries": str, "paid_buyers": str,
     "sales": yuan_sign, "avg_first_response_s": cn_duration, "avg_response_s": cn_duration,
     "fast_response_rate": percent, "satisfaction_rate": percent},
    summary=((-1, "汇总", 0),),
    date_in_name=True,
)

STYLES = {s.name: s for s in (QIANNIU, DOUYIN, JD, KUAISHOU, PINDUODUO)}


def truth_of(style: Style, frame: pd.DataFrame) -> pd.DataFrame:
    """What loading ``style``'s export of ``frame`` gives: ``name`` is missing without a
    nickname header beside the account (a nickname alone is the agent_id)."""
    out = frame.copy()
    if "name" not in style.headers:
        out["name"] = None
    return out


# ------------------------------------------------------------------ writers


def write_csv(rows: list[list[object]], path: Path, encoding: str, sep: str = ",") -> Path:
    """Write rows as delimited text, quoting every cell (values hold commas)."""
    def quote(v: object) -> str:
        return '"' + str(v).replace('"', '""') + '"'

    text = "".join(sep.join(quote(v) for v in row) + "\r\n" for row in rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(rows: list[list[object]], path: Path, title: str | None = None) -> Path:
    """Write rows to the first sheet; a title merged across the columns above the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    width = len(rows[0])
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet.append(["导出时间: 2025-10-01 09:00"])
        sheet.append([])
    for row in rows:
        sheet.append([None if v == "" else v for v in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_style(style: Style, frame: pd.DataFrame, folder: Path) -> list[Path]:
    """Write ``frame`` into ``folder/agent_daily/`` as ``style`` exports; return the files."""
    out = folder / "agent_daily"
    if style.name == "qianniu":
        return [write_csv(style.table(frame), out / "赤兔绩效.csv", "gb18030")]
    if style.name == "douyin":
        return [write_xlsx(style.table(frame), out / "飞鸽客服数据.xlsx",
                           title="飞鸽客服数据 2025-09-20至2025-09-23")]
    if style.name == "jd":
        return [write_csv(style.table(frame), out / "咚咚客服.csv", "utf-8-sig")]
    if style.name == "kuaishou":
        # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated.
        return [write_csv(style.table(frame), out / "快手客服.csv", "utf-16", sep="\t")]
    paths = []
    for day, part in frame.groupby("date"):
        name = f"自定义报表_客服数据_{day:%Y-%m-%d}至{day:%Y-%m-%d}.xlsx"
        paths.append(write_xlsx(style.table(part), out / name, title="客服数据"))
    return paths


def same_data_four_ways(frame: pd.DataFrame, root: Path) -> dict[str, Path]:
    """One export (the Qianniu style) as GB18030 CSV, UTF-8-SIG CSV, UTF-16 text and XLSX.

    Returns the data folder of each encoding.
    """
    rows = QIANNIU.table(frame)
    folders = {}
    for name, write in {
        "gb18030": lambda p: write_csv(rows, p.with_suffix(".csv"), "gb18030"),
        "utf-8-sig": lambda p: write_csv(rows, p.with_suffix(".csv"), "utf-8-sig"),
        "utf-16": lambda p: write_csv(rows, p.with_suffix(".csv"), "utf-16", sep="\t"),
        "xlsx": lambda p: write_xlsx(rows, p.with_suffix(".xlsx"), title="赤兔绩效"),
    }.items():
        folder = root / name
        write(folder / "agent_daily")
        folders[name] = folder
    return folders
