"""Report text in English and Chinese.

Every heading, label and sentence a report shows comes from :data:`TEXT` or :data:`METRICS`,
so ``lang`` switches all of it. Missing translations fail loudly (tested).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Literal, get_args

from .errors import check_one_of

Lang = Literal["en", "zh"]
#: The report languages (the values of :data:`Lang`).
LANGS: tuple[str, ...] = get_args(Lang)

#: Metric-book figures: label per language, the unit used to format them and the direction
#: of good ("up": higher is better, "down": lower is better, None: neither), which colours
#: changes and says whether a target is a floor or a ceiling.
#: unit: count, rate (share, shown as %), money (yuan), seconds, per1k (per 1,000 orders).
METRICS: dict[str, dict[str, str | None]] = {
    "opening_headcount": {"en": "Opening headcount", "zh": "期初人数",
                          "unit": "count", "good": None},
    "hires": {"en": "Hires", "zh": "入职", "unit": "count", "good": None},
    "exits": {"en": "Exits", "zh": "离职", "unit": "count", "good": "down"},
    "exits_voluntary": {"en": "Voluntary exits", "zh": "主动离职", "unit": "count", "good": "down"},
    "exits_involuntary": {"en": "Involuntary exits", "zh": "被动离职",
                          "unit": "count", "good": "down"},
    "closing_headcount": {"en": "Closing headcount", "zh": "期末人数",
                          "unit": "count", "good": None},
    "turnover_rate": {"en": "Monthly turnover rate", "zh": "月离职率",
                      "unit": "rate", "good": "down"},
    "turnover_rate_trailing_12m": {"en": "Turnover rate, trailing 12 months",
                                   "zh": "近12个月离职率", "unit": "rate", "good": "down"},
    "inquiries": {"en": "Inquiries", "zh": "询单人数", "unit": "count", "good": "up"},
    "converted_inquiries": {"en": "Converted inquiries", "zh": "询单付款人数",
                            "unit": "count", "good": "up"},
    "conversion_rate": {"en": "Inquiry conversion rate", "zh": "询单转化率",
                        "unit": "rate", "good": "up"},
    "credited_sales": {"en": "Credited sales", "zh": "客服销售额", "unit": "money", "good": "up"},
    "silent_sales": {"en": "Silent sales", "zh": "静默销售额", "unit": "money", "good": None},
    "order_value": {"en": "Order value per paying customer", "zh": "客单价",
                    "unit": "money", "good": "up"},
    "avg_first_response_s": {"en": "Average first response", "zh": "平均首次响应时长",
                             "unit": "seconds", "good": "down"},
    # Platforms name the rate by its threshold: 3分钟响应率 at 180 s (the label follows the
    # dataset's fast_response_s, see use_settings).
    "fast_response_rate": {"en": "{fast} response rate", "zh": "{fast}响应率", "unit": "rate",
                           "good": "up"},
    "complaints": {"en": "Complaints", "zh": "投诉量", "unit": "count", "good": "down"},
    "paid_orders": {"en": "Paid orders", "zh": "付款订单数", "unit": "count", "good": "up"},
    "complaints_per_1k_orders": {"en": "Complaints per 1,000 paid orders",
                                 "zh": "千单投诉率", "unit": "per1k", "good": "down"},
    "teams_with_policy": {"en": "Teams under bottom-ranked-out", "zh": "实行末位淘汰的组数",
                          "unit": "count", "good": None},
    "ranked_agents": {"en": "Agents ranked", "zh": "参与排名人数", "unit": "count", "good": None},
    "bottom_agents": {"en": "Agents ranked bottom", "zh": "末位人数",
                      "unit": "count", "good": None},
    "policy_active": {"en": "Policy active", "zh": "制度生效", "unit": "bool", "good": None},
    "at_fault_complaints": {"en": "At-fault complaints", "zh": "客服责任投诉",
                            "unit": "count", "good": "down"},
    "agent_complaint_rate": {"en": "Complaints per 1,000 sessions", "zh": "千次接待投诉率",
                             "unit": "per1k", "good": "down"},
    "turnover_rate_voluntary": {"en": "Voluntary turnover rate", "zh": "主动离职率",
                                "unit": "rate", "good": "down"},
    "turnover_rate_involuntary": {"en": "Involuntary turnover rate", "zh": "被动离职率",
                                  "unit": "rate", "good": "down"},
    "median_first_response_s": {"en": "Median first response", "zh": "首响中位数",
                                "unit": "seconds", "good": "down"},
    "p90_first_response_s": {"en": "First response, 90th percentile", "zh": "首响P90",
                             "unit": "seconds", "good": "down"},
    "avg_response_s": {"en": "Average response", "zh": "平响", "unit": "seconds",
                       "good": "down"},
    "satisfaction_rate": {"en": "Satisfaction rate", "zh": "满意率", "unit": "rate",
                          "good": "up"},
    "rated_sessions": {"en": "Rated sessions", "zh": "评价会话数", "unit": "count",
                       "good": None},
    "fines_yuan": {"en": "Fines", "zh": "罚款金额", "unit": "money", "good": "down"},
    "counted_sessions": {"en": "Sessions in business hours", "zh": "服务时间内接待会话数",
                         "unit": "count", "good": None},
    "share": {"en": "Share", "zh": "占比", "unit": "rate", "good": None},
    "bottom_share": {"en": "Bottom share", "zh": "末位比例", "unit": "rate", "good": None},
    "exits_bottom_ranked_out": {"en": "Exits by bottom-ranked-out", "zh": "末位淘汰离职",
                                "unit": "count", "good": None},
}

#: Figures that add up over groups (teams, agents, categories): counts and sums of money.
#: A ratio (a rate, an order value, an average) does not, so a breakdown's total row shows
#: the shop's own figure for it instead of a sum.
ADDITIVE: frozenset[str] = frozenset(
    {m for m, v in METRICS.items() if v["unit"] == "count"}
    | {"credited_sales", "silent_sales"}
)

#: Display labels of the contract's category values (the data keep the English codes).
VALUE_LABELS: dict[str, dict[str, str]] = {
    "attitude": {"en": "Attitude", "zh": "服务态度"},
    "slow_response": {"en": "Slow response", "zh": "响应慢"},
    "wrong_info": {"en": "Wrong information", "zh": "信息错误"},
    "unfulfilled_promise": {"en": "Unfulfilled promise", "zh": "承诺未兑现"},
    "order_error": {"en": "Order error", "zh": "订单错误"},
    "logistics": {"en": "Logistics", "zh": "物流"},
    "product_quality": {"en": "Product quality", "zh": "商品质量"},
    "refund_dispute": {"en": "Refund dispute", "zh": "退款纠纷"},
    "other": {"en": "Other", "zh": "其他"},
    "platform_dispute": {"en": "Platform dispute", "zh": "平台纠纷"},
    "bad_review": {"en": "Bad review", "zh": "差评"},
    "hotline": {"en": "Hotline", "zh": "热线"},
    "internal_qa": {"en": "Internal QA", "zh": "内部质检"},
    "bottom_ranked_out": {"en": "Bottom-ranked-out", "zh": "末位淘汰"},
    "warning": {"en": "Warning", "zh": "警告"},
    "fine": {"en": "Fine", "zh": "罚款"},
    "dismissal": {"en": "Dismissal", "zh": "辞退"},
    "voluntary": {"en": "Voluntary", "zh": "主动离职"},
    "dismissed": {"en": "Dismissed", "zh": "辞退"},
    "contract_end": {"en": "Contract end", "zh": "合同到期"},
    "day": {"en": "Day shift", "zh": "白班"},
    "night": {"en": "Night shift", "zh": "夜班"},
    "rotating": {"en": "Rotating shift", "zh": "轮班"},
    "presale": {"en": "Presale", "zh": "售前"},
    "aftersale": {"en": "Aftersale", "zh": "售后"},
    "mixed": {"en": "Mixed", "zh": "售前售后"},
    # rows of a breakdown that are not a group of the data
    "(total)": {"en": "Total", "zh": "合计"},
    "(unattributed)": {"en": "No agent or team", "zh": "未归属客服"},
    "(unknown)": {"en": "Agents not in the roster", "zh": "名单外客服"},
    # contract tables (the data-quality table)
    "agents": {"en": "agents", "zh": "客服名单"},
    "sessions": {"en": "sessions", "zh": "会话记录"},
    "orders": {"en": "orders", "zh": "订单"},
    "complaints": {"en": "complaints", "zh": "投诉记录"},
    "policies": {"en": "policies", "zh": "考核制度"},
    "rankings": {"en": "rankings", "zh": "排名"},
    "agent_daily": {"en": "agent_daily", "zh": "客服日报"},
    "qa_reviews": {"en": "qa_reviews", "zh": "质检记录"},
    "error": {"en": "Error", "zh": "错误"},
    # "warning" is also a policy action (警告), which reads well for a finding too
}

TEXT: dict[str, dict[str, str]] = {
    # report titles
    "title.overview": {"en": "Monthly overview", "zh": "月度总览"},
    "title.turnover": {"en": "Agent turnover", "zh": "客服流失"},
    "title.conversion": {"en": "Inquiry conversion and sales", "zh": "询单转化与销售"},
    "title.complaints": {"en": "Complaints", "zh": "投诉"},
    "title.incentives": {"en": "Bottom-ranked-out policy", "zh": "末位淘汰考核"},
    "title.operations": {"en": "Operations: staffing and surge plan", "zh": "运营:人效与爆量预案"},
    "title.daily": {"en": "Supervisor's daily brief", "zh": "主管日报"},
    # short names (index page, report banner)
    "nav.overview": {"en": "Overview", "zh": "总览"},
    "nav.turnover": {"en": "Turnover", "zh": "客服流失"},
    "nav.conversion": {"en": "Conversion", "zh": "询单转化"},
    "nav.complaints": {"en": "Complaints", "zh": "投诉"},
    "nav.incentives": {"en": "Bottom-ranked-out", "zh": "末位淘汰考核"},
    "nav.operations": {"en": "Operations", "zh": "运营人效"},
    "nav.daily": {"en": "Daily brief", "zh": "日报"},
    "nav.rendered": {"en": "rendered", "zh": "生成于"},
    # text alternative of every figure in a report (csnb.report.export)
    "figure.alt": {"en": "Chart of this section; its figures are in the sentences and tables "
                         "beside it",
                   "zh": "本节图表，具体数字见旁边的文字和表格"},
    "lang.en": {"en": "English", "zh": "English"},
    "lang.zh": {"en": "中文", "zh": "中文"},
    # index page
    "index.title": {"en": "Customer-service reports", "zh": "客服月报"},
    "index.n_months": {"en": "{n} month(s) rendered", "zh": "共 {n} 个月"},
    "index.last_update": {"en": "last update", "zh": "最近更新"},
    "index.empty": {"en": "No report has been rendered yet.", "zh": "尚未生成任何报告。"},
    "index.headline": {"en": "Headline figures", "zh": "核心指标"},
    "index.report": {"en": "Report", "zh": "报告"},
    "index.status": {"en": "Status", "zh": "状态"},
    "index.run_time": {"en": "Run time", "zh": "耗时"},
    "index.files": {"en": "Files", "zh": "文件"},
    "index.figures_json": {"en": "figures (JSON)", "zh": "指标数据(JSON)"},
    "index.executed": {"en": "executed notebook", "zh": "运行后的笔记本"},
    "index.failed_nb": {"en": "failed notebook", "zh": "失败的笔记本"},
    "index.status_ok": {"en": "ok", "zh": "成功"},
    "index.status_failed": {"en": "failed", "zh": "失败"},
    "index.ok": {"en": "ok", "zh": "成功"},
    "index.failed": {"en": "failed", "zh": "失败"},
    "index.rendered": {"en": "rendered", "zh": "生成于"},
    "index.provisional": {"en": "provisional", "zh": "暂定"},
    "index.provisional_tip": {
        "en": "The data of this month are not final yet (data lag); figures may still change.",
        "zh": "本月数据尚未最终确定(数据延迟),指标仍可能变化。",
    },
    "index.footer": {
        "en": "The JSON holds a report's key figures in machine-readable form; the executed "
              "notebook is kept for audit.",
        "zh": "JSON 文件为报告核心指标的机器可读版本;运行后的笔记本留作审计。",
    },
    "nav.index": {"en": "all reports", "zh": "全部报告"},
    # header
    "header.provisional": {
        "en": "Provisional: the data end on {last_date}, before the month's end plus {lag} days "
              "of data lag; these figures may still change: {metrics}.",
        "zh": "暂定数据:数据截至 {last_date},未满月末后 {lag} 天的数据延迟期,"
              "以下指标仍可能变化:{metrics}。",
    },
    "header.final": {"en": "Final: the data cover the month and its {lag}-day lag.",
                     "zh": "最终数据:已覆盖本月及其 {lag} 天数据延迟期。"},
    "header.parameters": {"en": "Parameters", "zh": "参数"},
    "header.data": {"en": "Data", "zh": "数据"},
    "header.fingerprint": {"en": "Data fingerprint", "zh": "数据指纹"},
    "header.data_range": {"en": "Data range", "zh": "数据范围"},
    "header.metric_book": {"en": "Metric book version", "zh": "指标口径版本"},
    "header.versions": {"en": "Versions", "zh": "软件版本"},
    # headline table
    "col.metric": {"en": "Metric", "zh": "指标"},
    "col.value": {"en": "This month", "zh": "本月"},
    "col.last_month": {"en": "Last month", "zh": "上月"},
    "col.change": {"en": "Change", "zh": "环比"},
    "col.last_year": {"en": "Same month last year", "zh": "去年同月"},
    "col.target": {"en": "Target", "zh": "目标"},
    "status.green": {"en": "met", "zh": "达标"},
    "status.amber": {"en": "close", "zh": "接近"},
    "status.red": {"en": "missed", "zh": "未达标"},
    "col.change_yoy": {"en": "Change vs last year", "zh": "同比"},
    "col.team": {"en": "Team", "zh": "组别"},
    "col.month": {"en": "Month", "zh": "月份"},
    "col.category": {"en": "Category", "zh": "类别"},
    "col.source": {"en": "Source", "zh": "来源"},
    "col.table": {"en": "Table", "zh": "数据表"},
    "col.read": {"en": "Rows read", "zh": "读取行数"},
    "col.accepted": {"en": "Accepted", "zh": "接收"},
    "col.rejected": {"en": "Rejected", "zh": "拒收"},
    "col.reasons": {"en": "Rejected by reason", "zh": "拒收原因"},
    "col.check": {"en": "Check", "zh": "检查项"},
    "col.severity": {"en": "Severity", "zh": "级别"},
    "col.count": {"en": "Rows", "zh": "行数"},
    "col.message": {"en": "Finding", "zh": "说明"},
    "col.policy": {"en": "Policy", "zh": "制度"},
    "col.start_month": {"en": "Start month", "zh": "开始月份"},
    "col.end_month": {"en": "End month", "zh": "结束月份"},
    "col.action": {"en": "Action", "zh": "处理方式"},
    # sections
    "section.summary": {"en": "What happened", "zh": "本月要点"},
    "section.headline": {"en": "This month at a glance", "zh": "本月概览"},
    "section.trend": {"en": "24-month trend", "zh": "近24个月趋势"},
    "section.quality": {"en": "Data quality", "zh": "数据质量"},
    "section.by_team": {"en": "By team", "zh": "分组情况"},
    "section.by_category": {"en": "By category", "zh": "按投诉类别"},
    "section.by_source": {"en": "By source", "zh": "按投诉来源"},
    "quality.intro": {
        "en": "Every row read is either accepted or rejected with a reason; findings below follow "
              "csnb's documented policies.",
        "zh": "读取的每一行要么被接收,要么带原因被拒收;以下问题按 csnb 的既定规则处理。",
    },
    "quality.no_problems": {"en": "No findings.", "zh": "未发现问题。"},
    "attachment.written": {"en": "Written beside this report ({rows:,} rows): {files}",
                           "zh": "已随报告导出({rows:,}行):{files}"},
    "missing.table": {"en": "Not available: the dataset has no {table} table.",
                      "zh": "无法计算:数据集中没有 {table} 表。"},
    "missing.value": {"en": "n/a", "zh": "无"},
    # what a report, a section or a figure needs when the data folder lacks a table
    "needs.report": {
        "en": "This report needs {needs}. The data folder holds only {present}, so there is "
              "nothing to show here; add the missing table to the folder (docs/data-contract.md "
              "lists its columns) and render the report again.",
        "zh": "本报告需要{needs}。数据文件夹中只有{present},因此本报告无内容可显示;"
              "请把缺少的数据表放入文件夹(列名见 docs/data-contract.md)后重新生成。",
    },
    "needs.section": {
        "en": "This section needs {needs}; the data folder holds only {present}.",
        "zh": "本节需要{needs};数据文件夹中只有{present}。",
    },
    "needs.other_report": {
        "en": "The {report} report needs {needs}: it has nothing to show from these data.",
        "zh": "{report}报告需要{needs}:这些数据无法生成该报告的内容。",
    },
    "needs.or": {"en": " or ", "zh": "或"},
    "needs.and": {"en": " and ", "zh": "以及"},
    "needs.part_sep": {"en": "; ", "zh": "；"},
    "needs.nothing": {"en": "no table", "zh": "无任何数据表"},
    "needs.table_name": {"en": "the {table} table", "zh": "「{table}」"},
    "needs.table.agents": {
        "en": "the agents table (each agent's team, hire date and exit date)",
        "zh": "客服名单 agents(每位客服的组别、入职日期和离职日期)",
    },
    "needs.table.sessions": {
        "en": "session-level chat data (the sessions table: each chat's start time and "
              "first response)",
        "zh": "会话级聊天数据(sessions 表:每次会话的开始时间和首次响应时长)",
    },
    "needs.table.orders": {
        "en": "the orders table (each order's payment time, amount and agent tag)",
        "zh": "订单表 orders(每笔订单的付款时间、金额和备注工号)",
    },
    "needs.table.complaints": {
        "en": "the complaints table (each complaint's date, category, source and agent)",
        "zh": "投诉记录 complaints(每条投诉的日期、类别、来源和责任客服)",
    },
    "needs.table.policies": {
        "en": "the policies table (which team ran the bottom-ranked-out policy from which "
              "month)",
        "zh": "考核制度表 policies(哪个组从哪个月起实行末位淘汰)",
    },
    "needs.table.rankings": {"en": "the rankings table (the monthly ranking of each agent)",
                             "zh": "排名表 rankings(每位客服的月度排名)"},
    "needs.table.agent_daily": {"en": "the daily agent exports (agent_daily)",
                                "zh": "客服日报 agent_daily"},
    "headline.unavailable": {
        "en": "Not shown, as the data cannot give them: {parts}.",
        "zh": "未显示(现有数据无法计算):{parts}。",
    },
    "headline.unavailable_part": {"en": "{figures} (need {needs})",
                                  "zh": "{figures}(需要{needs})"},
    "unit.pp": {"en": " pp", "zh": "个百分点"},
    # generated sentences (csnb.report.sentences)
    "sentence.end": {"en": ".", "zh": "。"},
    "sentence.list_sep": {"en": ", ", "zh": "、"},
    "sentence.promotion": {"en": "This month holds {names}.", "zh": "本月包含{names}。"},
    "sentence.promotion_window": {"en": "{name} ({start} to {end})",
                                  "zh": "{name}大促({start}至{end})"},
    "sentence.rose": {"en": "{metric} rose {change} to {value}{chance}",
                      "zh": "{metric}较上月上升{change},达到{value}{chance}"},
    "sentence.fell": {"en": "{metric} fell {change} to {value}{chance}",
                      "zh": "{metric}较上月下降{change},为{value}{chance}"},
    "sentence.count_change": {"en": "{metric}: {value} against {previous} last month ({change}"
                                    "{chance})",
                              "zh": "{metric}为{value},上月为{previous}({change}{chance})"},
    "sentence.held": {"en": "{metric} held at {value} ({change} from last month)",
                      "zh": "{metric}为{value},较上月{change},基本持平"},
    "sentence.beyond_chance": {"en": ", beyond chance", "zh": ",超出随机波动"},
    "sentence.within_chance": {"en": ", within chance at this volume",
                               "zh": ",在随机波动范围内"},
    "sentence.yoy": {"en": "; against the same month last year ({previous}) it is "
                                              "{change}",
                     "zh": ";与去年同月({previous})相比{change}"},
    "sentence.no_previous": {
        "en": "Last month is outside the data: no change is given for {metrics}.",
        "zh": "上月不在数据范围内:{metrics}没有环比。",
    },
    "sentence.target_amber": {"en": "{metric} at {value} is just short of its target "
                                    "({target}).",
                              "zh": "{metric}为{value},略低于目标({target})。"},
    "sentence.target_red": {"en": "{metric} at {value} misses its target ({target}).",
                            "zh": "{metric}为{value},未达到目标({target})。"},
    "sentence.provisional": {
        "en": "The data end on {last}: {metrics} may still change until {final}.",
        "zh": "数据截至{last}:{metrics}在{final}之前仍可能变化。",
    },
    "compare.method": {
        "en": "Changes are coloured by whether they go the good way. A change is called "
              "notable, and printed in bold, only when chance alone would give it less than "
              "{alpha}% of the time at that volume: a two-sample test of proportions for rates "
              "such as conversion, an exact Poisson test for counts and for counts per exposure "
              "(exits per average headcount, complaints per paid order). Sales and response "
              "times are not tested. Changes of counts below {small} are shown as differences, "
              "not percentages.",
        "zh": "变化按好坏着色(绿色为向好,红色为变差)。仅当在该业务量下随机波动出现该变化的概率"
              "低于 {alpha}% 时才称为“显著”并加粗:比率(如询单转化率)用两样本比例检验,计数及"
              "按暴露量的计数(每平均人数的离职、每付款订单的投诉)用精确泊松检验。销售额和响应时长"
              "不做检验。计数小于 {small} 时显示差值而非百分比。",
    },
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
}


#: The fast-response threshold labels show (the dataset's, once a report opened it).
_FAST_RESPONSE_S: ContextVar[float] = ContextVar("csnb_fast_response_s", default=180.0)


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported report language, else raise SettingsError."""
    check_one_of("lang", lang, LANGS)
    return lang


def t(key: str, lang: str, **values) -> str:
    """Return the text ``key`` in ``lang``, formatted with ``values``.

    Raises
    ------
    KeyError
        ``key`` is not a known text.
    """
    check_lang(lang)
    return TEXT[key][lang].format(**values)


def value_label(value, lang: str) -> str:
    """Display label of a contract category value (the value itself when it has none)."""
    check_lang(lang)
    if value is None or value != value:
        return ""
    return VALUE_LABELS.get(str(value), {}).get(lang, str(value))


def use_settings(fast_response_s: float) -> None:
    """Make labels follow a dataset's settings (the fast-response threshold) in this context.

    :class:`csnb.MonthReport` calls it when it opens a dataset; without it labels follow the
    metric book's defaults.
    """
    _FAST_RESPONSE_S.set(float(fast_response_s))


def _threshold(lang: str) -> str:
    seconds = _FAST_RESPONSE_S.get()
    if seconds % 60 == 0:
        minutes = int(seconds // 60)
        return f"{minutes}-minute" if lang == "en" else f"{minutes}分钟"
    return f"{seconds:g}-second" if lang == "en" else f"{seconds:g}秒"


def metric_label(metric: str, lang: str) -> str:
    """Return the display label of a metric-book figure."""
    check_lang(lang)
    return str(METRICS[metric][lang]).format(fast=_threshold(lang))


def column_label(column: str, lang: str, prefix: str | None = None) -> str:
    """Display label of a table column.

    A report's own wording first (``{prefix}.col.{column}``, e.g. ``turnover.col.tenure_days``),
    then a metric's label, then a ``col.*`` text, else the name itself.
    """
    check_lang(lang)
    if prefix and f"{prefix}.col.{column}" in TEXT:
        return TEXT[f"{prefix}.col.{column}"][lang]
    if column in METRICS:
        return metric_label(column, lang)
    if f"col.{column}" in TEXT:
        return TEXT[f"col.{column}"][lang]
    return column


def format_value(metric: str, value, lang: str = "en") -> str:
    """Format a figure for display according to its unit (``n/a`` for missing)."""
    if value is None or value != value:  # None or NaN
        return TEXT["missing.value"][lang]
    unit = METRICS[metric]["unit"]
    if unit == "bool":
        return TEXT["yes" if value else "no"][lang]
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "rate":
        return f"{100 * value:.1f}%"
    if unit == "money":
        return f"¥{value:,.0f}"
    if unit == "seconds":
        return f"{value:,.1f} s" if lang == "en" else f"{value:,.1f} 秒"
    return f"{value:,.2f}"


#: The metric book's definition of each figure (DESIGN.md, "Metric book (version 1)"), for
#: the glossary (docs/glossary.md).
DEFINITIONS: dict[str, str] = {
    "opening_headcount": "Agents hired before the month's first day and not exited before it.",
    "hires": "Agents whose hire_date falls in the month.",
    "exits": "Agents whose exit_date (last day employed) falls in the month.",
    "exits_voluntary": "Exits with exit_reason voluntary.",
    "exits_involuntary": "Exits with exit_reason dismissed or bottom_ranked_out.",
    "closing_headcount": "Agents hired on or before the month's last day and not exited by "
                         "it; closing = opening + hires - exits.",
    "turnover_rate": "Exits / ((opening + closing) / 2).",
    "turnover_rate_trailing_12m": "Exits in the 12 months ending the month / mean of their 12 "
                                  "average headcounts; n/a until 12 months of data exist.",
    "inquiries": "询单人数: (customer, agent, day) with at least one presale session.",
    "converted_inquiries": "Inquiries whose customer paid an order credited to that agent on "
                           "the inquiry's day or within the attribution window after it.",
    "conversion_rate": "询单转化率: converted inquiries / inquiries.",
    "credited_sales": "客服销售额: amount of paid orders credited to an agent (the order's "
                      "agent tag, else the customer's last presale session before payment), "
                      "by payment day.",
    "silent_sales": "静默销售额: amount of paid orders credited to nobody.",
    "order_value": "客单价: credited sales / distinct paying customers credited.",
    "avg_first_response_s": "首响: mean first response of sessions starting in business hours "
                            "(08:00-23:00), capped at 600 s; never answered counts 600 s.",
    "fast_response_rate": "Share of those sessions answered within fast_response_s (180 s: "
                          "3分钟响应率; 300 s is PDD's older rule); never answered is not fast.",
    "complaints": "Complaints created in the month.",
    "paid_orders": "Orders paid in the month (shop level); credited orders for a team or agent.",
    "complaints_per_1k_orders": "千单投诉率: complaints / paid orders x 1,000.",
    "teams_with_policy": "Teams with an active bottom-ranked-out (末位淘汰) policy that month.",
    "ranked_agents": "Agents ranked under an active policy: active the whole month with at "
                     "least min_inquiries inquiries.",
    "bottom_agents": "Ranked agents in the lowest ceil(bottom_share x n) of their team's score "
                     "under an active policy.",
    "policy_active": "The team has a policies row with start_month <= month <= end_month.",
    "at_fault_complaints": "Complaints marked at_fault (the agent's responsibility).",
    "agent_complaint_rate": "Complaints attributed to the agent / its sessions x 1,000.",
    "turnover_rate_voluntary": "Voluntary exits / ((opening + closing) / 2).",
    "turnover_rate_involuntary": "Involuntary exits (dismissed, bottom_ranked_out) / "
                                 "((opening + closing) / 2).",
    "median_first_response_s": "Median of the capped first response of sessions in business "
                               "hours.",
    "p90_first_response_s": "90th percentile of the capped first response of sessions in "
                            "business hours.",
    "avg_response_s": "平响 (人工平响): mean of avg_response_s, the average over all of an "
                      "agent's replies, over counted sessions that have it.",
    "satisfaction_rate": "满意率: rated sessions rated very satisfied or satisfied (4-5) / "
                         "rated sessions.",
    "rated_sessions": "Sessions with a rating.",
    "fines_yuan": "Fines of at-fault service complaints: 50 yuan the first of a calendar "
                  "month, 100 the second, the third means dismissal (csnb.toml).",
    "counted_sessions": "Sessions starting within business hours: the base of the response "
                        "figures.",
    "share": "The row's part of the table's total.",
    "bottom_share": "Share of a team's ranked agents that are bottom-ranked (default 0.1).",
    "exits_bottom_ranked_out": "Exits with exit_reason bottom_ranked_out.",
}


def glossary_markdown() -> str:
    """The glossary page (docs/glossary.md): each figure's labels and its definition."""
    lines = [
        "# Glossary: the figures in both languages",
        "",
        "Generated from `csnb/i18n.py` by `csnb.i18n.glossary_markdown()`; a test keeps it",
        "in step with the code. Labels are those the reports show; definitions are the metric",
        "book's (DESIGN.md). The fast-response label follows the dataset's `fast_response_s`.",
        "",
        "| figure | English | 中文 | unit | better when | definition |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for metric, entry in METRICS.items():
        good = {"up": "higher", "down": "lower"}.get(str(entry.get("good")), "")
        lines.append(f"| `{metric}` | {metric_label(metric, 'en')} | {metric_label(metric, 'zh')}"
                     f" | {entry['unit']} | {good} | {DEFINITIONS[metric]} |")
    return "\n".join(lines) + "\n"


def _merge_report_texts() -> None:
    """Add each analysis report's texts (csnb/_texts/) to TEXT; a key defined twice is a bug."""
    from ._texts import (
        attention,
        complaints,
        conversion,
        daily,
        incentives,
        operations,
        quality,
        turnover,
    )

    for module in (turnover, conversion, complaints, incentives, operations, daily, quality,
                   attention):
        twice = sorted(set(module.TEXT) & set(TEXT))
        if twice:
            raise RuntimeError(f"{module.__name__} redefines text keys {twice}")
        TEXT.update(module.TEXT)


_merge_report_texts()
