"""The data contract: tables, columns, types, allowed values and header aliases.

This module is the single definition of what a user brings (DESIGN.md, "Data contract").
The loader, the simulator, the validator and the docs all read it.

Column kinds
------------
``id``        non-empty text key (agent_id, order_id...), stored as VARCHAR
``text``      free text
``category``  one of ``allowed`` (after applying :data:`VALUE_ALIASES`)
``int``       integer; "1,234" accepted
``float``     number; "1,234.00" accepted
``money``     number; "￥1,234.00" / "¥" / "元" accepted
``rate``      share in [0, 1]; "52.17%" accepted beside 0.5217
``duration``  seconds; "32秒", "2分30秒", "1小时2分3秒", "00:02:30" accepted
``bool``      true/false, 1/0, yes/no, y/n, 是/否
``date``      calendar date (also Excel serial numbers)
``timestamp`` local shop time; a value with a zone is converted to the shop zone
``month``     "YYYY-MM"

Missing markers ("", "-", "--", "—", "null", "NaN", "延迟统计" meaning not final yet) are NULL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from ..errors import check_one_of

ColumnKind = Literal[
    "id", "text", "category", "int", "float", "money", "rate", "duration",
    "bool", "date", "timestamp", "month",
]
#: The column kinds (the values of :data:`ColumnKind`); each has a cell parser.
KINDS: tuple[str, ...] = get_args(ColumnKind)

#: Cell values that mean "missing". "延迟统计" (statistics delayed) means not final yet.
MISSING_MARKERS = ("", "-", "--", "—", "——", "/", "null", "NULL", "None", "none", "NONE", "nan",
                   "NaN", "N/A", "n/a", "无", "延迟统计")
#: Markers that mean "not final yet" (the day becomes provisional), a subset of the above.
NOT_FINAL_MARKERS = ("延迟统计",)
#: Summary rows that platform exports append or prepend; such rows are rejected as summaries.
SUMMARY_MARKERS = ("汇总", "汇总值", "合计", "总计", "平均值", "均值", "全店平均值", "全店汇总值",
                   "店铺汇总值", "店铺平均值", "同行同层优秀", "同行同层均值", "同行同层平均",
                   "total", "Total", "TOTAL", "average", "Average")


@dataclass(frozen=True)
class Column:
    """One column of a contract table."""

    name: str
    kind: ColumnKind
    required: bool = False
    allowed: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    references: str | None = None  # "agents.agent_id": soft reference check
    # An optional column no figure depends on: a value that does not parse, is not allowed
    # or is out of range becomes missing, with an ``unknown_value`` warning, instead of
    # rejecting the row. One mechanism for every kind of column.
    lenient: bool = False
    # A day of work that cannot lie after the load day (the shop's calendar day).
    no_future: bool = False

    def __post_init__(self) -> None:
        check_one_of(f"kind of column {self.name!r}", self.kind, KINDS)


@dataclass(frozen=True)
class Table:
    """One contract table."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # unique key (single id column or composite)

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required columns."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


ROLES = ("presale", "aftersale", "mixed")
SHIFTS = ("day", "night", "rotating")
EXIT_REASONS = ("voluntary", "dismissed", "bottom_ranked_out", "contract_end", "other")
INVOLUNTARY_REASONS = ("dismissed", "bottom_ranked_out")
SESSION_KINDS = ("presale", "aftersale")
#: 服务评价, best first; 1-5 scores are aliases (5 = very satisfied).
RATINGS = ("very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied")
COMPLAINT_CATEGORIES = (
    "attitude", "slow_response", "wrong_info", "unfulfilled_promise", "order_error",
    "logistics", "product_quality", "refund_dispute", "other",
)
COMPLAINT_SOURCES = ("platform_dispute", "bad_review", "hotline", "internal_qa")
POLICIES = ("bottom_ranked_out",)
ACTIONS = ("warning", "fine", "dismissal")

C = Column

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "agents",
            (
                C("agent_id", "id", required=True),
                C("name", "text"),
                C("team", "text", required=True),
                C("role", "category", allowed=ROLES),
                C("shift", "category", allowed=SHIFTS),
                C("hire_date", "date", required=True),
                C("exit_date", "date"),
                C("exit_reason", "category", allowed=EXIT_REASONS),
                C("outsourced", "bool"),
                C("base_salary", "money", min=0),
            ),
            key=("agent_id",),
        ),
        Table(
            "sessions",
            (
                C("session_id", "id", required=True),
                C("agent_id", "id", required=True, references="agents.agent_id"),
                C("customer_id", "id", required=True),
                C("start_ts", "timestamp", required=True),
                C("kind", "category", required=True, allowed=SESSION_KINDS),
                C("first_response_s", "duration", min=0),
                C("avg_response_s", "duration", min=0),
                C("customer_msgs", "int", min=0, lenient=True),
                C("agent_msgs", "int", min=0, lenient=True),
                C("category", "text"),
                C("rating", "category", allowed=RATINGS),
            ),
            key=("session_id",),
        ),
        Table(
            "orders",
            (
                C("order_id", "id", required=True),
                C("customer_id", "id", required=True),
                C("created_ts", "timestamp", required=True),
                C("paid_ts", "timestamp"),
                C("amount", "money", required=True, min=0),
                C("agent_id", "id", references="agents.agent_id"),
                C("refund_amount", "money", min=0),
            ),
            key=("order_id",),
        ),
        Table(
            "complaints",
            (
                C("complaint_id", "id", required=True),
                C("created_ts", "timestamp", required=True),
                C("category", "category", required=True, allowed=COMPLAINT_CATEGORIES),
                C("source", "category", required=True, allowed=COMPLAINT_SOURCES),
                C("agent_id", "id", references="agents.agent_id"),
                C("order_id", "id", references="orders.order_id"),
                C("at_fault", "bool"),
                C("severity", "int", min=1, max=3),
                C("resolved_ts", "timestamp"),
                # The chat the complaint is about; without it a complaint links to the agent's
                # last session with the order's customer before the complaint (csnb.analyses.qa).
                C("session_id", "id", references="sessions.session_id"),
            ),
            key=("complaint_id",),
        ),
        Table(
            "policies",
            (
                C("team", "text", required=True),
                C("policy", "category", required=True, allowed=POLICIES),
                C("start_month", "month", required=True),
                C("end_month", "month"),
                C("bottom_share", "rate", min=0, max=1),
                C("action", "category", allowed=ACTIONS, lenient=True),
            ),
            key=("team", "policy", "start_month"),
        ),
        Table(
            "rankings",
            (
                C("month", "month", required=True),
                C("agent_id", "id", required=True, references="agents.agent_id"),
                C("score", "float"),
                C("rank", "int", min=1),
                C("bottom", "bool", required=True),
                C("action", "category", allowed=ACTIONS, lenient=True),
            ),
            key=("month", "agent_id"),
        ),
        Table(
            # Chat reviews (质检): the verdicts of reviewers on sessions, mostly the chats the
            # daily brief sampled (csnb.analyses.qa weights them back to the population).
            "qa_reviews",
            (
                C("session_id", "id", required=True, references="sessions.session_id"),
                C("reviewer", "text"),
                C("score", "float", min=0, max=100),
                C("pass", "bool", required=True),
                C("issue_tags", "text"),
                C("reviewed_at", "timestamp"),
            ),
            key=("session_id",),
        ),
        Table(
            "agent_daily",
            (
                C("date", "date", required=True, no_future=True),
                C("agent_id", "id", required=True, references="agents.agent_id"),
                # The export's nickname (客服昵称 beside an id column): the agent's name in
                # reports when there is no agents table.
                C("name", "text"),
                C("inquiries", "int", required=True, min=0),
                C("paid_buyers", "int", required=True, min=0),
                C("sales", "money", min=0),
                C("avg_first_response_s", "duration", min=0),
                C("avg_response_s", "duration", min=0),
                C("fast_response_rate", "rate", min=0, max=1),
                C("consultations", "int", min=0),
                C("satisfaction_rate", "rate", min=0, max=1),
            ),
            key=("date", "agent_id"),
        ),
    )
}

#: Header aliases used by platform exports and Chinese spreadsheets, per table.
#: Keys are compared after stripping spaces; English names map to themselves implicitly.
HEADER_ALIASES: dict[str, dict[str, str]] = {
    "agents": {
        "客服ID": "agent_id", "客服id": "agent_id", "工号": "agent_id", "客服工号": "agent_id",
        "客服账号": "agent_id", "姓名": "name", "客服姓名": "name", "客服昵称": "name",
        "组别": "team", "小组": "team", "团队": "team", "岗位": "role", "班次": "shift",
        "入职日期": "hire_date", "离职日期": "exit_date", "离职原因": "exit_reason",
        "是否外包": "outsourced", "外包": "outsourced", "底薪": "base_salary",
        "基本工资": "base_salary",
    },
    "sessions": {
        "会话ID": "session_id", "会话id": "session_id", "会话编号": "session_id",
        "客服ID": "agent_id", "客服工号": "agent_id", "客服账号": "agent_id",
        "客服昵称": "agent_id",
        "买家ID": "customer_id", "买家昵称": "customer_id", "顾客ID": "customer_id",
        "客户ID": "customer_id", "会话开始时间": "start_ts", "开始时间": "start_ts",
        "接待类型": "kind", "会话类型": "kind", "首次响应时长(秒)": "first_response_s",
        "首次响应时长": "first_response_s", "首响时长": "first_response_s",
        "平均响应时长(秒)": "avg_response_s", "平均响应时长": "avg_response_s",
        "买家消息数": "customer_msgs", "客服消息数": "agent_msgs", "咨询类目": "category",
        "问题分类": "category", "服务评价": "rating", "评价": "rating", "评价结果": "rating",
        "满意度评价": "rating",
    },
    "orders": {
        "订单编号": "order_id", "订单号": "order_id", "订单ID": "order_id",
        "买家ID": "customer_id", "买家昵称": "customer_id", "买家会员名": "customer_id",
        "下单时间": "created_ts", "订单创建时间": "created_ts", "创建时间": "created_ts",
        "付款时间": "paid_ts", "支付时间": "paid_ts", "订单金额": "amount",
        "实付金额": "amount", "买家实付金额": "amount", "备注工号": "agent_id",
        "客服工号": "agent_id", "退款金额": "refund_amount",
    },
    "complaints": {
        "投诉编号": "complaint_id", "投诉ID": "complaint_id", "投诉时间": "created_ts",
        "创建时间": "created_ts", "投诉类型": "category", "投诉分类": "category",
        "来源": "source", "投诉来源": "source", "客服工号": "agent_id", "客服ID": "agent_id",
        "订单编号": "order_id", "订单号": "order_id", "是否责任": "at_fault",
        "客服责任": "at_fault", "严重程度": "severity", "处理完成时间": "resolved_ts",
        "解决时间": "resolved_ts", "会话ID": "session_id", "会话id": "session_id",
        "会话编号": "session_id", "关联会话": "session_id",
    },
    "qa_reviews": {
        "会话ID": "session_id", "会话id": "session_id", "会话编号": "session_id",
        "质检员": "reviewer", "质检人": "reviewer", "质检得分": "score", "得分": "score",
        "质检分数": "score", "是否合格": "pass", "合格": "pass", "质检结果": "pass",
        "问题标签": "issue_tags", "问题类型": "issue_tags", "质检时间": "reviewed_at",
    },
    "policies": {
        "组别": "team", "小组": "team", "团队": "team", "制度": "policy", "政策": "policy",
        "开始月份": "start_month", "结束月份": "end_month", "末位比例": "bottom_share",
        "处理方式": "action",
    },
    "rankings": {
        "月份": "month", "客服工号": "agent_id", "客服ID": "agent_id", "得分": "score",
        "排名": "rank", "是否末位": "bottom", "处理方式": "action",
    },
    "agent_daily": {},  # filled from PLATFORM_HEADERS below
}

#: Headers of the daily agent reports each platform's tools export, by style, with the drift
#: seen between versions (a renamed header keeps working). Every style's headers are
#: aliases of ``agent_daily``; one header means one column across all styles (a test checks).
#: Rates the platforms derive (询单转化率) are not read: csnb derives them from the counts.
PLATFORM_HEADERS: dict[str, dict[str, str]] = {
    # Taobao/Tmall: Qianniu (千牛) and 赤兔 performance reports.
    "qianniu": {
        "日期": "date", "客服昵称": "name", "旺旺昵称": "name", "客服旺旺": "agent_id",
        "旺旺": "agent_id", "咨询人数": "consultations", "聊天人数(原咨询人数)": "consultations",
        "聊天人数": "consultations", "接待人数": "consultations", "询单人数": "inquiries",
        "询单->最终付款人数": "paid_buyers", "询单最终付款人数": "paid_buyers",
        "客服销售额": "sales", "客服询单支付额": "sales",
        "平均首次响应时长(秒)": "avg_first_response_s", "首次响应时长": "avg_first_response_s",
        "首次响应时长(秒)": "avg_first_response_s", "全天首响时长": "avg_first_response_s",
        "平均响应时长(秒)": "avg_response_s", "平均响应时长(新标)": "avg_response_s",
        "全天平响时长": "avg_response_s", "人工平响(秒)": "avg_response_s",
        "人工平响": "avg_response_s", "3分钟人工响应率": "fast_response_rate",
        "全天3分钟回复率": "fast_response_rate", "满意率": "satisfaction_rate",
        "客服满意率": "satisfaction_rate",
    },
    # Douyin 飞鸽 (抖店) customer-service data.
    "douyin": {
        "日期": "date", "客服账号": "agent_id", "客服昵称": "name", "咨询人数": "consultations",
        "询单人数": "inquiries", "支付人数": "paid_buyers", "询单支付人数": "paid_buyers",
        "询单支付金额": "sales", "客服销售额": "sales", "平均响应时长": "avg_response_s",
        "人工平均响应时长": "avg_response_s", "平均首响时长": "avg_first_response_s",
        "首次响应时长": "avg_first_response_s", "3分钟回复率": "fast_response_rate",
        "3分钟人工回复率": "fast_response_rate", "满意率": "satisfaction_rate",
        "服务满意率": "satisfaction_rate",
    },
    # JD 咚咚 workload and sales reports.
    "jd": {
        "日期": "date", "客服账号": "agent_id", "客服pin": "agent_id", "咨询量": "consultations",
        "询单量": "inquiries", "售前询单人数": "inquiries", "付款人数": "paid_buyers",
        "询单付款人数": "paid_buyers", "付款金额": "sales", "询单付款金额": "sales",
        "首次响应时间": "avg_first_response_s", "平均响应时间": "avg_response_s",
        "3分钟应答率": "fast_response_rate", "满意度": "satisfaction_rate",
    },
    # Kuaishou 快手小店 customer-service data.
    "kuaishou": {
        "日期": "date", "客服名称": "agent_id", "客服账号": "agent_id", "咨询人数": "consultations",
        "询单人数": "inquiries", "支付人数": "paid_buyers", "支付金额": "sales",
        "客服销售额": "sales", "平均响应时长": "avg_response_s", "首响时长": "avg_first_response_s",
        "首次响应时长": "avg_first_response_s", "3分钟回复率": "fast_response_rate",
        "满意率": "satisfaction_rate",
    },
    # Pinduoduo 拼多多 客服数据 (the older 5-minute rule: set fast_response_s = 300).
    "pinduoduo": {
        "日期": "date", "客服账号": "agent_id", "客服昵称": "name", "咨询人数": "consultations",
        "询单人数": "inquiries", "最终成团人数": "paid_buyers", "成团人数": "paid_buyers",
        "客服销售额": "sales", "平均人工响应时长": "avg_response_s",
        "首次人工响应时长": "avg_first_response_s", "3分钟人工回复率": "fast_response_rate",
        "5分钟人工回复率": "fast_response_rate", "5分钟人工响应率": "fast_response_rate",
        "满意率": "satisfaction_rate",
    },
}
# Headers an older csnb accepted that no style above names.
_OTHER_DAILY_HEADERS = {"客服工号": "agent_id", "客服ID": "agent_id",
                        "响应率": "fast_response_rate"}
for _style in (*PLATFORM_HEADERS.values(), _OTHER_DAILY_HEADERS):
    HEADER_ALIASES["agent_daily"].update(_style)

#: Headers that stand in for another column when no other header of the file names it, per
#: table: header -> the column it then names (instead of its alias in :data:`HEADER_ALIASES`).
#: An export's nickname (客服昵称, 旺旺昵称) is the agent's ``name`` beside an account column
#: (客服账号, 客服pin, 客服旺旺...), and the ``agent_id`` where it is the only agent column
#: (Qianniu's wangwang nickname is the account). Your own ``[aliases.TABLE]`` in csnb.toml
#: override this.
STAND_IN_HEADERS: dict[str, dict[str, str]] = {
    "agent_daily": {"客服昵称": "agent_id", "旺旺昵称": "agent_id"},
}

#: Value aliases for category columns (Chinese export values to contract values), per column.
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "role": {"售前": "presale", "售后": "aftersale", "混合": "mixed", "售前售后": "mixed"},
    "kind": {"售前": "presale", "询单": "presale", "售后": "aftersale"},
    "shift": {"白班": "day", "早班": "day", "夜班": "night", "晚班": "night", "轮班": "rotating"},
    "exit_reason": {
        "主动离职": "voluntary", "辞职": "voluntary", "辞退": "dismissed", "开除": "dismissed",
        "末位淘汰": "bottom_ranked_out", "合同到期": "contract_end", "其他": "other",
    },
    "category": {
        "服务态度": "attitude", "态度": "attitude", "响应慢": "slow_response",
        "回复慢": "slow_response", "信息错误": "wrong_info", "承诺未兑现": "unfulfilled_promise",
        "订单错误": "order_error", "物流": "logistics", "物流问题": "logistics",
        "质量问题": "product_quality", "商品质量": "product_quality", "退款纠纷": "refund_dispute",
        "其他": "other",
    },
    "source": {"平台纠纷": "platform_dispute", "差评": "bad_review", "热线": "hotline",
               "内部质检": "internal_qa"},
    "policy": {"末位淘汰": "bottom_ranked_out", "末位淘汰制": "bottom_ranked_out"},
    "action": {"警告": "warning", "罚款": "fine", "辞退": "dismissal", "开除": "dismissal"},
    "rating": {
        "非常满意": "very_satisfied", "满意": "satisfied", "一般": "neutral",
        "不满意": "dissatisfied", "非常不满意": "very_dissatisfied",
        "very satisfied": "very_satisfied", "very dissatisfied": "very_dissatisfied",
        **{f"{score}{tail}": value for score, value in zip((5, 4, 3, 2, 1), RATINGS, strict=True)
           for tail in ("", ".0")},
    },
}

BOOL_TRUE = ("true", "True", "TRUE", "1", "yes", "Yes", "YES", "y", "Y", "是", "t", "T")
BOOL_FALSE = ("false", "False", "FALSE", "0", "no", "No", "NO", "n", "N", "否", "f", "F")

#: Table file formats the loader reads, by suffix.
SUFFIXES = (".csv", ".parquet", ".xlsx")


#: Rules over several columns of a table, said in words under its table in the contract page
#: (the checks themselves are ``_ROW_RULES`` in :mod:`csnb.io.checks`).
TABLE_NOTES: dict[str, str] = {
    "agents": "exit_date must not be before hire_date. In a file that has the exit_reason "
              "column, a row has an exit_reason exactly when it has an exit_date. A roster "
              "without the exit_reason column loads: reports then count exits without the "
              "voluntary / involuntary split (n/a) and say so.",
    "agent_daily": "A nickname header (" + ", ".join(STAND_IN_HEADERS["agent_daily"]) + ") is "
                   "the name beside an account column (客服账号, 客服pin, 客服旺旺...) and the "
                   "agent_id in a file with no other agent_id header (Qianniu's wangwang "
                   "nickname is the account). Without an agents table, reports name agents by "
                   "the name column, else by agent_id.",
}


def contract_markdown() -> str:
    """Return the data contract as Markdown (the source of ``docs/data-contract.md``)."""
    lines = [
        "# Data contract",
        "",
        "Generated from `csnb/io/schema.py` by `csnb.io.schema.contract_markdown()`; a test",
        "keeps this page in step with the code. A dataset is a folder: each table is a file",
        "named after it (`agents.csv`, `sessions.parquet`, `complaints.xlsx`) or a subfolder",
        "of such files, concatenated. CSV may be UTF-8 (with or without BOM), GB18030/GBK or",
        "UTF-16 with BOM (Excel's \"Unicode text\", tab-separated); the encoding is detected",
        "(charset-normalizer) and shown per file by `csnb validate`.",
        "",
        "Your own header spellings go under `[aliases.<table>]` in `csnb.toml`, your own",
        "spellings of category values under `[values.<column>]` (for example",
        "`[values.exit_reason]` with `\"个人原因\" = \"voluntary\"`). Optional columns no figure",
        "uses (marked *lenient*) take a bad value as missing, with a warning, instead of",
        "rejecting the row.",
        "",
        "Column kinds and the spellings the loader accepts are described in the module docstring",
        "of `csnb/io/schema.py`; missing markers: "
        + ", ".join(f"`{m}`" for m in MISSING_MARKERS if m) + " and the empty cell.",
        "",
    ]
    for table in TABLES.values():
        aliases: dict[str, list[str]] = {}
        for alias, column in HEADER_ALIASES.get(table.name, {}).items():
            aliases.setdefault(column, []).append(alias)
        key = ", ".join(table.key)
        lines += [f"## {table.name}", "", f"Key: {key}." if key else "", "",
                  "| column | kind | required | allowed values / range | Chinese headers |",
                  "| --- | --- | --- | --- | --- |"]
        for c in table.columns:
            rule = ", ".join(c.allowed)
            if c.min is not None or c.max is not None:
                low = "" if c.min is None else f">= {c.min:g}"
                high = "" if c.max is None else f"<= {c.max:g}"
                rule = " and ".join(x for x in (low, high) if x)
            if c.references:
                rule = (rule + "; " if rule else "") + f"refers to {c.references}"
            if c.lenient:
                rule = (rule + "; " if rule else "") + "lenient"
            lines.append(
                f"| {c.name} | {c.kind} | {'yes' if c.required else ''} | {rule} | "
                f"{', '.join(aliases.get(c.name, []))} |"
            )
        lines.append("")
        if table.name in TABLE_NOTES:
            lines += [TABLE_NOTES[table.name], ""]
    lines += ["## Platform exports of agent_daily", "",
              "Headers of the daily agent reports each platform's tools export (all are",
              "aliases of `agent_daily`). Summary rows (" + ", ".join(
                  m for m in SUMMARY_MARKERS if not m.isascii()) + ") are dropped and",
              "counted wherever they stand; a file without a date column is dated by the one",
              "day its name states (`自定义报表_..._2026-04-20至2026-04-20.xlsx`).", "",
              "| style | " + " | ".join(c.name for c in TABLES["agent_daily"].columns) + " |",
              "| --- |" + " --- |" * len(TABLES["agent_daily"].columns)]
    for style, headers in PLATFORM_HEADERS.items():
        cells = [", ".join(h for h, col in headers.items() if col == c.name)
                 for c in TABLES["agent_daily"].columns]
        lines.append(f"| {style} | " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)
