"""Texts of the operations report (keys start with ``operations.``), in English and Chinese.

Chinese as customer-service managers say it: 人效 (output per agent), 饱和 (saturated),
人手不足 / 人手富余 (under- / overstaffed), 爆量 (surge), 排班 (scheduling), 加班 (overtime).
"""

TEXT: dict[str, dict[str, str]] = {
    # -- sections ------------------------------------------------------------------------------
    "operations.section.load_curve": {
        "en": "Load and response: how busy can the team be?",
        "zh": "负荷与响应:团队能承受多大接待量?"},
    "operations.section.staffing": {
        "en": "Staffing by weekday and hour (人效)",
        "zh": "按星期与时段的人效"},
    "operations.section.blocks": {
        "en": "Blocks to reschedule",
        "zh": "需要调整排班的时段"},
    "operations.section.forecast": {
        "en": "Surge plan (爆量): the next {days} days",
        "zh": "爆量预案:未来 {days} 天"},
    "operations.section.gap_days": {
        "en": "Days that need extra agents or overtime",
        "zh": "需要加人或加班的日子"},
    # -- notes ---------------------------------------------------------------------------------
    "operations.note.load_sample": {
        "en": "These months have {population} counted sessions in the rostered hours, more "
              "than the {threshold} set in csnb.toml (load_fit_sample_sessions), so the curve "
              "is fitted on a sample of whole agent-days: {n} sessions ({share}), drawn at the "
              "same rate within every day and seeded by the month, so the same data give the "
              "same report. The loads are those of all sessions. The interval is up to "
              "√({population} / {n}) = {scale}× wider than on all sessions.",
        "zh": "这几个月排班时段内共有 {population} 个计入会话,超过 csnb.toml 中设定的 "
              "{threshold}(load_fit_sample_sessions),因此曲线在整天的客服样本上拟合:"
              "{n} 个会话({share}),每天按相同比例抽取客服-日,随机种子取自月份,同样的数据"
              "得到同样的报告。负荷仍按全部会话计算。置信区间最多比用全部会话宽 "
              "√({population} / {n}) = {scale} 倍。",
    },
    "operations.note.load_curve": {
        "en": "Each rostered clock hour ({shift}) from {first} to {last} ({hours} hours, "
              "{sessions} sessions in business hours) has a load: the sessions that started "
              "in it per agent online "
              "(agents with a session in that hour). How load slows answers is learned "
              "within each agent's own day: the log first response is fitted against the "
              "hour's load with a bend (knee) at {knee} sessions per agent-hour and one level "
              "per agent and day, so slow agents or slow promotion days are not taken for "
              "load; above the knee each extra session per agent-hour multiplies first "
              "responses by {slowdown}. The line is the share of the {busy} sessions of hours "
              "above "
              "the knee that would be answered within {fast} were their hours at that load; "
              "the sustainable load is where it falls to the target {target}, with a 95% "
              "interval from {reps} resamples of whole days. Points are bins of equal numbers "
              "of hours as observed, with 95% intervals; the dotted line is the median first "
              "response (right axis).",
        "zh": "{first} 至 {last} 排班时段({shift})内的每个整点小时"
              "(共 {hours} 个小时、服务时间内 {sessions} 个会话)"
              "都有一个负荷:该小时开始的会话数 / 在线客服数(该小时有接待的客服)。负荷如何拖慢"
              "回复,是在每位客服自己的一天之内估计的:首次响应时长取对数,对该小时负荷做带拐点"
              "(拐点 {knee} 个会话/人·小时)的回归,并为每位客服每天设一个水平,因此慢的客服或"
              "大促日本身的慢不会被算作负荷;拐点以上,人均每小时每多一个会话,首次响应时长变为 "
              "{slowdown} 倍。曲线为拐点以上各小时的 {busy} 个会话在该负荷下{fast}内回复的占比;"
              "可持续负荷是它降到目标 {target} 时的负荷,95% 区间来自按整天重抽样 {reps} 次。"
              "圆点为按小时数等分的分组的实际值及其 95% 区间;虚线为首响中位数(右轴)。"},
    "operations.note.staffing": {
        "en": "Each cell is a weekday and rostered hour ({shift}, shift_hours in csnb.toml) "
              "of {month}: sessions per agent-hour over the {weekday_days} such days. "
              "Red outline: understaffed (load above the "
              "sustainable load {load}); blue outline: overstaffed (load below {share} of it "
              "with at least one whole agent to spare). Agents online counts agents with a "
              "session in the hour (the data hold no log-in times, so an agent idle for a "
              "whole hour is not counted).",
        "zh": "每格为 {month} 的一个星期几与排班时段({shift},csnb.toml 中的 shift_hours):"
              "该时段(共 {weekday_days} 天)的人均每小时"
              "会话数。红框:人手不足(负荷高于可持续负荷 {load});蓝框:人手富余(负荷低于其 "
              "{share} 且至少多出一整名客服)。在线客服按该小时有接待的客服计(数据中没有登录"
              "时间,整小时空闲的客服不计入)。"},
    "operations.note.promotion_days": {
        "en": " The {n} promotion days ({first} to {last}) are left out: a schedule is set for "
              "ordinary days, and the surge plan below covers promotions.",
        "zh": "已剔除 {n} 个大促日({first} 至 {last}):常规排班按平日设定,大促见下方爆量预案。"},
    "operations.note.forecast": {
        "en": "Daily inquiries and sessions forecast with an ETS model (damped trend, weekly "
              "season) on {history} days to {last}, promotion days left out of the fit; "
              "promotion days are scaled by the same day's lift last year (its own "
              "uncertainty is not in the interval). Agent-hours needed = sessions / "
              "sustainable load ({load}); available = the agent-hours the team worked on that "
              "weekday on ordinary days of the last 8 weeks, at the month-end headcount "
              "({headcount} agents; {per_day} agent-hours per working agent-day).",
        "zh": "用 ETS 模型(阻尼趋势、周季节性)基于截至 {last} 的 {history} 天数据预测每日"
              "询单人数与会话数,大促日不参与拟合;大促日按去年同日的放大倍数调整(倍数本身的"
              "不确定性未计入区间)。所需人时 = 会话数 / 可持续负荷({load});可用人时 = 近 8 周"
              "非大促日该星期几团队实际在线人时,按月末在职人数({headcount} 人)折算;每名"
              "上班客服每天约 {per_day} 人时。"},
    "operations.note.no_load": {
        "en": "Without a sustainable load the blocks are not labelled and the needed "
              "agent-hours are not computed.",
        "zh": "没有可持续负荷,无法标注时段状态,也无法计算所需人时。"},
    # -- sentences -----------------------------------------------------------------------------
    "operations.s.sustainable": {
        "en": "The team keeps {target} of sessions answered within {fast} up to {value} "
              "sessions per agent-hour (95% CI {low} to {high}); above {knee} the response "
              "rate falls faster.",
        "zh": "在人均每小时 {value} 个会话以内(95% 置信区间 {low} 至 {high}),团队能保持 "
              "{target} 的会话在{fast}内回复;超过 {knee} 后响应率下降加快。"},
    "operations.s.open_high": {
        "en": "no busier hour in the data bounds it",
        "zh": "数据中没有更忙的小时可界定上限"},
    "operations.s.never_saturated": {
        "en": "The fast-response rate stayed above {target} at every load observed (up to "
              "{max} sessions per agent-hour): the team was not saturated in any hour, and "
              "its sustainable load lies beyond the busiest hour.",
        "zh": "在观察到的所有负荷下(最高人均每小时 {max} 个会话),快速响应率都高于 {target}:"
              "团队没有任何时段饱和,可持续负荷高于最忙的小时。"},
    "operations.s.always_below": {
        "en": "The fast-response rate is below {target} even at the lightest load observed "
              "({min} sessions per agent-hour): slow answers are not a matter of staffing; "
              "look at agents and process.",
        "zh": "即使在最低负荷(人均每小时 {min} 个会话)下,快速响应率也低于 {target}:"
              "响应慢不是人手问题,应查看客服个人与流程。"},
    "operations.s.saturated": {
        "en": "On ordinary days of {month} the team was saturated in {n} of {total} "
              "weekday-hour blocks (load above the sustainable load; {share} of those days' "
              "sessions fell in them).",
        "zh": "{month} 平日共 {total} 个星期-时段中,有 {n} 个饱和(负荷高于可持续负荷),"
              "平日 {share} 的会话落在这些时段。"},
    "operations.s.not_saturated": {
        "en": "On ordinary days of {month} no weekday-hour block ran above the sustainable "
              "load: the team was not saturated.",
        "zh": "{month} 平日没有任何星期-时段的负荷高于可持续负荷:团队未饱和。"},
    "operations.s.understaffed": {
        "en": "Understaffed, busiest first: {items}.",
        "zh": "人手不足的时段(按负荷从高到低):{items}。"},
    "operations.s.understaffed_item": {
        "en": "{block} ({load} per agent-hour, {online} agents online, {needed} needed)",
        "zh": "{block}(人均每小时 {load},在线 {online} 人,需 {needed} 人)"},
    "operations.s.overstaffed": {
        "en": "Overstaffed blocks: {n}; the most agents to spare: {items}.",
        "zh": "{n} 个时段人手富余,富余最多的是:{items}。"},
    "operations.s.overstaffed_item": {
        "en": "{block} ({spare} to spare)",
        "zh": "{block}(富余 {spare} 人)"},
    "operations.s.block": {"en": "{weekday} {hour}:00", "zh": "{weekday}{hour}点"},
    "operations.s.forecast": {
        "en": "Over the next {days} days ({first} to {last}) inquiries are forecast at "
              "{mean} a day on average (a typical ordinary day's 95% prediction interval "
              "{lo} to {hi}).",
        "zh": "未来 {days} 天({first} 至 {last})预计日均询单 {mean} 人(普通日 95% 预测区间 "
              "{lo} 至 {hi})。"},
    "operations.s.promo_lift": {
        "en": "Promotion days are scaled by last year's lift: {items}.",
        "zh": "大促日按去年同日放大倍数调整:{items}。"},
    "operations.s.promo_item": {
        "en": "{name} {day} ×{lift}",
        "zh": "{name}({day})放大 {lift} 倍"},
    "operations.s.promo_no_history": {
        "en": "{items} fall in promotion windows, but the data hold no same day last year, "
              "so they are forecast as ordinary days: plan for more.",
        "zh": "{items} 处于大促期,但数据中没有去年同日,只能按普通日预测:请预留更多人手。"},
    "operations.s.gap": {
        "en": "Days that need more agent-hours than the team works now ({n} of the next "
              "{days}): {items}.",
        "zh": "未来 {days} 天中有 {n} 天所需人时超过团队当前在线人时:{items}。"},
    "operations.s.gap_item": {
        "en": "{day} ({needed} agent-hours needed, {available} available: {extra} extra "
              "agents or {gap} overtime hours)",
        "zh": "{day}(需 {needed} 人时,可用 {available} 人时:需加 {extra} 人或加班 {gap} "
              "小时)"},
    "operations.s.gap_more": {"en": "and {n} more days", "zh": "另有 {n} 天"},
    "operations.s.gap_hi": {
        "en": "At the upper end of the prediction interval these days could be short too "
              "({n}): {days_list}.",
        "zh": "若按预测区间上限,另有 {n} 天可能人手不足:{days_list}。"},
    "operations.s.no_gap": {
        "en": "No day of the next {days} needs more agent-hours than the team works now.",
        "zh": "未来 {days} 天没有哪天所需人时超过团队当前在线人时。"},
    "operations.s.no_gap_hi": {
        "en": " Even at the upper end of the prediction interval there is no gap.",
        "zh": "即使按预测区间上限也没有缺口。"},
    "operations.none.blocks": {"en": "No block is under- or overstaffed this month.",
                               "zh": "本月没有人手不足或富余的时段。"},
    "operations.none.gap_days": {"en": "No day of the forecast needs extra agents.",
                                 "zh": "预测期内没有需要加人的日子。"},
    "operations.unavailable": {"en": "Not available: {reason}", "zh": "无法计算:{reason}"},
    "operations.reason.no_sessions": {"en": "the dataset has no sessions table.",
                                      "zh": "数据中没有会话表(sessions)。"},
    # -- labels --------------------------------------------------------------------------------
    "operations.status.understaffed": {"en": "understaffed", "zh": "人手不足"},
    "operations.status.balanced": {"en": "balanced", "zh": "平衡"},
    "operations.status.overstaffed": {"en": "overstaffed", "zh": "人手富余"},
    "operations.weekday.mon": {"en": "Mon", "zh": "周一"},
    "operations.weekday.tue": {"en": "Tue", "zh": "周二"},
    "operations.weekday.wed": {"en": "Wed", "zh": "周三"},
    "operations.weekday.thu": {"en": "Thu", "zh": "周四"},
    "operations.weekday.fri": {"en": "Fri", "zh": "周五"},
    "operations.weekday.sat": {"en": "Sat", "zh": "周六"},
    "operations.weekday.sun": {"en": "Sun", "zh": "周日"},
    "operations.col.weekday": {"en": "Weekday", "zh": "星期"},
    "operations.col.hour": {"en": "Hour", "zh": "时段"},
    "operations.col.days": {"en": "Days", "zh": "天数"},
    "operations.col.sessions": {"en": "Sessions", "zh": "会话数"},
    "operations.col.agent_hours": {"en": "Agent-hours", "zh": "在线人时"},
    "operations.col.sessions_per_agent_hour": {"en": "Sessions per agent-hour",
                                               "zh": "人均每小时会话数"},
    "operations.col.agents_online": {"en": "Agents online", "zh": "在线客服数"},
    "operations.col.agents_needed": {"en": "Agents needed", "zh": "所需客服数"},
    "operations.col.spare": {"en": "Agents to spare (negative: short)",
                             "zh": "富余人数(负数为缺口)"},
    "operations.col.status": {"en": "Status", "zh": "状态"},
    "operations.col.date": {"en": "Date", "zh": "日期"},
    "operations.col.promotion": {"en": "Promotion", "zh": "大促"},
    "operations.col.lift": {"en": "Lift vs last year", "zh": "去年同日放大倍数"},
    "operations.col.lo": {"en": "Inquiries, low (95%)", "zh": "询单下限(95%)"},
    "operations.col.hi": {"en": "Inquiries, high (95%)", "zh": "询单上限(95%)"},
    "operations.col.agent_hours_needed": {"en": "Agent-hours needed", "zh": "所需人时"},
    "operations.col.agent_hours_needed_hi": {"en": "Needed, high (95%)",
                                             "zh": "所需人时上限(95%)"},
    "operations.col.agent_hours_available": {"en": "Agent-hours available", "zh": "可用人时"},
    "operations.col.gap_hours": {"en": "Overtime hours", "zh": "需加班小时"},
    "operations.col.extra_agents": {"en": "Extra agents", "zh": "需增加客服"},
    # -- plots ---------------------------------------------------------------------------------
    "operations.plot.observed": {"en": "Observed (bins of hours)", "zh": "实际(按小时分组)"},
    "operations.plot.fitted": {"en": "Fitted curve", "zh": "拟合曲线"},
    "operations.plot.target": {"en": "Target {target}", "zh": "目标 {target}"},
    "operations.plot.interval": {"en": "95% interval", "zh": "95% 区间"},
    "operations.plot.sustainable": {"en": "Sustainable load {value}",
                                    "zh": "可持续负荷 {value}"},
    "operations.plot.load": {"en": "Sessions per agent-hour", "zh": "人均每小时会话数"},
    "operations.plot.fast_rate": {"en": "Answered within the threshold (%)",
                                  "zh": "及时回复占比(%)"},
    "operations.plot.median_fr": {"en": "Median first response", "zh": "首响中位数"},
    "operations.plot.median_fr_axis": {"en": "Median first response (s)",
                                       "zh": "首响中位数(秒)"},
    "operations.plot.hour": {"en": "Hour of day", "zh": "时段"},
    "operations.plot.promotion": {"en": "Promotion", "zh": "大促"},
    "operations.plot.pi": {"en": "95% prediction interval", "zh": "95% 预测区间"},
    "operations.plot.needed": {"en": "Agent-hours needed", "zh": "所需人时"},
    "operations.plot.available": {"en": "Agent-hours available", "zh": "可用人时"},
    "operations.plot.gap": {"en": "Short", "zh": "人手缺口"},
    "operations.plot.agent_hours": {"en": "Agent-hours per day", "zh": "每日人时"},
}
