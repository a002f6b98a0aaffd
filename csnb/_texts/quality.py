"""Texts of the data-quality table: its loader columns and the loader's check codes."""

TEXT: dict[str, dict[str, str]] = {
    "col.encoding": {"en": "Encoding", "zh": "文件编码"},
    "col.summary": {"en": "Summary rows dropped", "zh": "剔除汇总行"},
    "col.set_missing": {"en": "Set to missing (rows kept)", "zh": "置为缺失（保留行）"},
    # One per check code of csnb.io (reasons in the quality table).
    "check.missing_column": {"en": "missing column", "zh": "缺少列"},
    "check.missing_value": {"en": "empty required value", "zh": "必填值为空"},
    "check.non_numeric": {"en": "not a number", "zh": "非数字"},
    "check.bad_date": {"en": "not a date", "zh": "日期无法识别"},
    "check.bad_timestamp": {"en": "not a timestamp", "zh": "时间无法识别"},
    "check.bad_duration": {"en": "not a duration", "zh": "时长无法识别"},
    "check.bad_rate": {"en": "not a rate", "zh": "比率无法识别"},
    "check.bad_bool": {"en": "not yes/no", "zh": "是/否无法识别"},
    "check.bad_month": {"en": "not a month", "zh": "月份无法识别"},
    "check.not_allowed": {"en": "value not allowed", "zh": "取值不在允许范围"},
    "check.out_of_range": {"en": "out of range", "zh": "超出范围"},
    "check.duplicate_id": {"en": "duplicate key", "zh": "主键重复"},
    "check.exit_before_hire": {"en": "exit before hire", "zh": "离职早于入职"},
    "check.exit_reason_mismatch": {"en": "exit date and reason disagree",
                                   "zh": "离职日期与原因不一致"},
    "check.unreadable": {"en": "file unreadable", "zh": "文件无法读取"},
    "check.summary_row": {"en": "summary row", "zh": "汇总行"},
    "check.empty_row": {"en": "empty row", "zh": "空行"},
    "check.future_timestamp": {"en": "time in the future", "zh": "时间晚于当前"},
    "check.unknown_value": {"en": "unknown value", "zh": "未知取值"},
    "check.not_final": {"en": "not final (延迟统计)", "zh": "数据未出（延迟统计）"},
}
