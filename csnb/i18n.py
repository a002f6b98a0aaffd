"""Report text in English and Chinese.

Every heading, label and sentence a report shows comes from :data:`TEXT` or :data:`METRICS`,
so ``lang`` switches all of it. Missing translations fail loudly (tested).
"""

from __future__ import annotations

from typing import Literal, get_args

from .errors import check_one_of

Lang = Literal["en", "zh"]
#: The report languages (the values of :data:`Lang`).
LANGS: tuple[str, ...] = get_args(Lang)

#: Metric-book figures: label per language and the unit used to format them.
#: unit: count, rate (share, shown as %), money (yuan), seconds, per1k (per 1,000 orders).
METRICS: dict[str, dict[str, str]] = {
    "opening_headcount": {"en": "Opening headcount", "zh": "期初人数", "unit": "count"},
    "hires": {"en": "Hires", "zh": "入职", "unit": "count"},
    "exits": {"en": "Exits", "zh": "离职", "unit": "count"},
    "exits_voluntary": {"en": "Voluntary exits", "zh": "主动离职", "unit": "count"},
    "exits_involuntary": {"en": "Involuntary exits", "zh": "被动离职", "unit": "count"},
    "closing_headcount": {"en": "Closing headcount", "zh": "期末人数", "unit": "count"},
    "turnover_rate": {"en": "Monthly turnover rate", "zh": "月离职率", "unit": "rate"},
    "turnover_rate_trailing_12m": {"en": "Turnover rate, trailing 12 months",
                                   "zh": "近12个月离职率", "unit": "rate"},
    "inquiries": {"en": "Inquiries", "zh": "询单人数", "unit": "count"},
    "converted_inquiries": {"en": "Converted inquiries", "zh": "询单付款人数", "unit": "count"},
    "conversion_rate": {"en": "Inquiry conversion rate", "zh": "询单转化率", "unit": "rate"},
    "credited_sales": {"en": "Credited sales", "zh": "客服销售额", "unit": "money"},
    "silent_sales": {"en": "Silent sales", "zh": "静默销售额", "unit": "money"},
    "order_value": {"en": "Order value per paying customer", "zh": "客单价", "unit": "money"},
    "avg_first_response_s": {"en": "Average first response", "zh": "平均首次响应时长",
                             "unit": "seconds"},
    "fast_response_rate": {"en": "Fast response rate", "zh": "快速响应率", "unit": "rate"},
    "complaints": {"en": "Complaints", "zh": "投诉量", "unit": "count"},
    "paid_orders": {"en": "Paid orders", "zh": "付款订单数", "unit": "count"},
    "complaints_per_1k_orders": {"en": "Complaints per 1,000 paid orders",
                                 "zh": "千单投诉率", "unit": "per1k"},
    "teams_with_policy": {"en": "Teams under bottom-ranked-out", "zh": "实行末位淘汰的组数",
                          "unit": "count"},
    "ranked_agents": {"en": "Agents ranked", "zh": "参与排名人数", "unit": "count"},
    "bottom_agents": {"en": "Agents ranked bottom", "zh": "末位人数", "unit": "count"},
    "policy_active": {"en": "Policy active", "zh": "制度生效", "unit": "bool"},
    "at_fault_complaints": {"en": "At-fault complaints", "zh": "客服责任投诉", "unit": "count"},
    "agent_complaint_rate": {"en": "Complaints per 1,000 sessions", "zh": "千次接待投诉率",
                             "unit": "per1k"},
    "share": {"en": "Share", "zh": "占比", "unit": "rate"},
    "bottom_share": {"en": "Bottom share", "zh": "末位比例", "unit": "rate"},
    "exits_bottom_ranked_out": {"en": "Exits by bottom-ranked-out", "zh": "末位淘汰离职",
                                "unit": "count"},
}

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
}

TEXT: dict[str, dict[str, str]] = {
    # report titles
    "title.overview": {"en": "Monthly overview", "zh": "月度总览"},
    "title.turnover": {"en": "Agent turnover", "zh": "客服流失"},
    "title.conversion": {"en": "Inquiry conversion and sales", "zh": "询单转化与销售"},
    "title.complaints": {"en": "Complaints", "zh": "投诉"},
    "title.incentives": {"en": "Bottom-ranked-out incentives", "zh": "末位淘汰激励"},
    # short names (index page, report banner)
    "nav.overview": {"en": "Overview", "zh": "总览"},
    "nav.turnover": {"en": "Turnover", "zh": "人员流失"},
    "nav.conversion": {"en": "Conversion", "zh": "询单转化"},
    "nav.complaints": {"en": "Complaints", "zh": "投诉"},
    "nav.incentives": {"en": "Incentives", "zh": "末位淘汰与激励"},
    "nav.rendered": {"en": "rendered", "zh": "生成于"},
    "nav.index": {"en": "all reports", "zh": "全部报告"},
    # header
    "header.provisional": {
        "en": "Provisional: the data end on {last_date}, before the month's end plus {lag} days "
              "of data lag; conversion figures may still change.",
        "zh": "暂定数据:数据截至 {last_date},未满月末后 {lag} 天的数据延迟期,"
              "转化等指标仍可能变化。",
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
    "section.headline": {"en": "This month at a glance", "zh": "本月概览"},
    "section.trend": {"en": "24-month trend", "zh": "近24个月趋势"},
    "section.quality": {"en": "Data quality", "zh": "数据质量"},
    "section.by_team": {"en": "By team", "zh": "分组情况"},
    "section.by_category": {"en": "By category", "zh": "按投诉类别"},
    "section.by_source": {"en": "By source", "zh": "按投诉来源"},
    "section.policies": {"en": "Policy adoption", "zh": "制度实行情况"},
    "section.reports": {"en": "Reports of this month", "zh": "本月各报告"},
    "policies.none": {"en": "No team runs the bottom-ranked-out policy in this dataset.",
                      "zh": "本数据集中没有组别实行末位淘汰。"},
    "quality.intro": {
        "en": "Every row read is either accepted or rejected with a reason; findings below follow "
              "csnb's documented policies.",
        "zh": "读取的每一行要么被接收,要么带原因被拒收;以下问题按 csnb 的既定规则处理。",
    },
    "quality.no_problems": {"en": "No findings.", "zh": "未发现问题。"},
    "missing.table": {"en": "Not available: the dataset has no {table} table.",
                      "zh": "无法计算:数据集中没有 {table} 表。"},
    "missing.value": {"en": "n/a", "zh": "无"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
}


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


def metric_label(metric: str, lang: str) -> str:
    """Return the display label of a metric-book figure."""
    check_lang(lang)
    return METRICS[metric][lang]


def column_label(column: str, lang: str) -> str:
    """Display label of a table column: a metric's label, a ``col.*`` text, else the name."""
    check_lang(lang)
    if column in METRICS:
        return METRICS[column][lang]
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


def format_change(metric: str, new, old) -> str:
    """Format the change from ``old`` to ``new`` with an arrow (points for rates)."""
    if new is None or old is None or new != new or old != old:
        return ""
    delta = new - old
    arrow = "▲" if delta > 0 else ("▼" if delta < 0 else "■")
    if METRICS[metric]["unit"] == "rate":
        return f"{arrow} {100 * delta:+.1f} pp"
    if old == 0:
        return f"{arrow} {delta:+,.0f}"
    return f"{arrow} {100 * delta / abs(old):+.1f}%"
