"""Texts of the complaints report (keys start with ``complaints.``), in English and Chinese.

Chinese as customer-service managers say it: 千单投诉率 (complaints per 1,000 paid orders),
客服责任投诉 (at-fault complaints), 罚款, 差评, 平台纠纷, 辞退.
"""

TEXT: dict[str, dict[str, str]] = {
    # -- sections ------------------------------------------------------------------------------
    "complaints.section.rates": {"en": "Complaint rates over 24 months",
                                 "zh": "近24个月千单投诉率"},
    "complaints.section.pareto": {"en": "This month's Pareto of categories",
                                  "zh": "本月投诉类别帕累托图"},
    "complaints.section.u_chart": {"en": "Daily u-chart and flagged days",
                                   "zh": "每日投诉率控制图(u 图)与异常日"},
    "complaints.section.seasonal": {"en": "Seasonal decomposition", "zh": "季节性分解"},
    "complaints.section.model": {"en": "Is the trend real? Count model of daily complaints",
                                 "zh": "趋势是否真实?每日投诉量计数模型"},
    "complaints.section.ledger": {"en": "At-fault ledger and fines (payroll)",
                                  "zh": "客服责任投诉台账与罚款(发薪用)"},
    "complaints.section.funnel": {"en": "Agents against their team (funnel plot)",
                                  "zh": "客服与所在组对比(漏斗图)"},
    "complaints.section.resolution": {"en": "Resolution time and severity",
                                      "zh": "投诉处理时长与严重程度"},
    # -- notes under sections ------------------------------------------------------------------
    "complaints.note.rates": {
        "en": "Complaints per 1,000 paid orders of the shop, by the month the complaint was "
              "created; every category and source shares the month's paid orders as its "
              "denominator, so the lines add up to the shop's rate.",
        "zh": "千单投诉率 = 当月投诉量 / 当月付款订单数 × 1000(按投诉创建日期计月);"
              "各类别、来源共用同一分母,相加即为全店千单投诉率。",
    },
    "complaints.note.breakdown": {
        "en": "Every complaint is on one line: complaints without the key are on the "
              "unattributed line, and the total equals the month's headline ({n} complaints).",
        "zh": "每起投诉都在表中:缺少该字段的投诉计入“未归属”行,合计等于本月投诉总量({n} 起)。",
    },
    "complaints.note.u_chart": {
        "en": "Each point is a day's complaints per 1,000 paid orders. The centre line is the "
            "rate of {first} to {last} ({days} ordinary days; promotion days left out); the "
            "3-sigma limits are exact Poisson limits for the day's orders (an ordinary day "
            "falls outside with probability {tail} a side, even with few complaints a day) "
            "and widen on days with few orders. Shaded days are promotion windows; red "
            "points are days beyond the limits.",
        "zh": "每个点为当日千单投诉率。中心线取 {first} 至 {last} 的投诉率({days} 个非大促日);"
              "3σ 控制限按当日订单量取精确泊松界限(正常日子单侧超出概率 {tail},每日投诉很少时"
              "也成立),订单少则更宽。阴影为大促期,红点为超出控制限的日子。",
    },
    "complaints.note.seasonal": {
        "en": "{method} of daily complaints per 1,000 paid orders (robust, so promotion "
              "surges fall into the residual; the trend smoothed over {days} days): weekly "
              "seasonal strength {weekly}{yearly}. The trend moved from {before} to {last} "
              "per 1,000 over the last 30 days.",
        "zh": "对每日千单投诉率做 {method} 分解(稳健拟合,大促冲击计入残差;趋势按 {days} 天"
              "平滑):周季节性强度 {weekly}{yearly}。近30天趋势值由 {before} 变为 {last}。",
    },
    "complaints.note.seasonal_mstl": {
        "en": "{method} of daily complaints per 1,000 paid orders (robust, so promotion "
              "surges fall into the residual): weekly seasonal strength {weekly}{yearly}. "
              "The trend moved from {before} to {last} per 1,000 over the last 30 days.",
        "zh": "对每日千单投诉率做 {method} 分解(稳健拟合,大促冲击计入残差):"
              "周季节性强度 {weekly}{yearly}。近30天趋势值由 {before} 变为 {last}。",
    },
    "complaints.note.seasonal_yearly": {"en": ", yearly {value}", "zh": ",年季节性强度 {value}"},
    "complaints.note.mstl_needs": {
        "en": " A yearly component needs two years of days (MSTL); the data hold {days}.",
        "zh": " 年度季节性需两年数据(MSTL),目前只有 {days} 天。",
    },
    "complaints.note.model_nb2": {
        "en": "Negative-binomial (NB2) model of daily complaints by category over the last "
              "{months} months, with log(paid orders) as offset: rate ratios (IRR) with 95% "
              "confidence intervals. Dispersion α = {alpha} (variance μ + αμ²).",
        "zh": "负二项(NB2)模型:近 {months} 个月每日分类别投诉量,以 log(付款订单数) 为偏移项;"
              "表中为发生率比(IRR)及 95% 置信区间。离散参数 α = {alpha}(方差 μ + αμ²)。",
    },
    "complaints.note.model_months": {
        "en": "Each month has its own level, so promotion and weekday effects are compared "
              "with days of the same month (for a promotion, that includes the after-sales "
              "days that follow it in the month); the trend is the line through the monthly "
              "levels, judged against how far months scatter around it.",
        "zh": "模型为每个月设单独水平,大促和星期效应均与同月其他日子比较(大促即与当月大促后的售后"
              "高峰日比较);趋势为各月水平的拟合直线,并以各月围绕直线的波动判断是否超出随机波动。",
    },
    "complaints.note.model_poisson": {
        "en": "Count model of daily complaints by category over the last {months} months, "
              "with log(paid orders) as offset: rate ratios (IRR) with 95% confidence "
              "intervals. The negative-binomial dispersion estimate sat at its boundary "
              "(α → 0: no variation beyond Poisson), so there is no NB2 fit and the model "
              "fell back to Poisson.",
        "zh": "计数模型:近 {months} 个月每日分类别投诉量,以 log(付款订单数) 为偏移项;"
              "表中为发生率比(IRR)及 95% 置信区间。负二项离散参数估计落在边界(α → 0,"
              "没有超出泊松的波动),无法拟合 NB2,已退回泊松模型。",
    },
    "complaints.note.model_quasipoisson": {
        "en": "Count model of daily complaints by category over the last {months} months, "
              "with log(paid orders) as offset: rate ratios (IRR) with 95% confidence "
              "intervals. The negative-binomial dispersion estimate sat at its boundary, so "
              "the model fell back to quasi-Poisson: Poisson estimates with standard errors "
              "scaled by the overdispersion {scale} (Pearson χ² / df).",
        "zh": "计数模型:近 {months} 个月每日分类别投诉量,以 log(付款订单数) 为偏移项;"
              "表中为发生率比(IRR)及 95% 置信区间。负二项离散参数估计落在边界,已退回准泊松"
              "模型:泊松估计,标准误按过离散系数 {scale}(Pearson χ² / 自由度)放大。",
    },
    "complaints.note.funnel": {
        "en": "Each point is an agent: complaints per 1,000 sessions against sessions. The "
              "dashed steps are each team's upper 3-sigma limit (exact Poisson), which is "
              "wide for agents with few sessions, so they are not flagged by noise.",
        "zh": "每个点为一名客服:千次接待投诉率对接待量。虚线为所在组的 3σ 上限(精确泊松),"
              "接待量少的客服上限更宽,不会因偶然波动被误判。",
    },
    "complaints.note.ledger": {
        "en": "At-fault service complaints this month by agent and the fine for each, from "
              "the schedule of csnb.toml ({schedule}; the {dismissal_at} in a month means "
              "dismissal). Logistics and product-quality complaints are never fined. Total "
              "fines: {total}.",
        "zh": "本月各客服的客服责任投诉及罚款,按 csnb.toml 的罚款标准({schedule};"
              "同月第{dismissal_at}起辞退)。物流、商品质量类投诉不罚款。罚款合计:{total}。",
    },
    "complaints.note.resolution": {
        "en": "Hours from a complaint's creation to its resolution (resolved complaints), "
              "and open complaints and the severity mix, by category, this month.",
        "zh": "本月各类别投诉从创建到处理完结的小时数(已结投诉),以及未结数量和严重程度分布。",
    },
    "complaints.none.flagged": {"en": "No day was beyond the limits this month.",
                                "zh": "本月没有超出控制限的日子。"},
    "complaints.none.ledger": {"en": "No at-fault complaint this month: no fines.",
                               "zh": "本月没有客服责任投诉,无罚款。"},
    "complaints.none.above_team": {
        "en": "No agent's complaint rate is above their team's beyond chance.",
        "zh": "没有客服的投诉率超出所在组的随机波动范围。"},
    "complaints.unavailable": {"en": "Not available: {reason}", "zh": "无法计算:{reason}"},
    "complaints.reason.no_complaints": {"en": "the dataset has no complaints table.",
                                        "zh": "数据集中没有投诉表。"},
    "complaints.reason.no_baseline": {
        "en": "the months before this one hold no ordinary day with paid orders and "
              "complaints to set the centre line.",
        "zh": "本月之前没有含付款订单和投诉的非大促日,无法确定中心线。"},
    "complaints.reason.too_short": {"en": "fewer than 14 days with paid orders.",
                                    "zh": "有付款订单的天数少于 14 天。"},
    "complaints.reason.model": {
        "en": "the count model did not converge to finite estimates (too few complaints).",
        "zh": "计数模型未收敛(投诉太少)。"},
    "complaints.reason.no_resolved": {"en": "the complaints have no resolved_ts.",
                                      "zh": "投诉表没有处理完结时间(resolved_ts)。"},
    # -- generated sentences --------------------------------------------------------------------
    "complaints.s.rate": {
        "en": "The complaint rate was {rate} per 1,000 paid orders ({n} complaints on {orders} "
              "paid orders).",
        "zh": "本月千单投诉率为 {rate}({n} 起投诉 / {orders} 笔付款订单)。",
    },
    "complaints.s.rate_vs": {
        "en": "Against {when} ({prev}) the rate ratio is {ratio} (95% CI {low}–{high}; exact "
              "Poisson test on counts with paid orders as exposure, p = {p}): {verdict}.",
        "zh": "与{when}({prev})相比,比值为 {ratio}(95% 置信区间 {low}–{high};以付款订单为"
              "暴露量的精确泊松检验,p = {p}):{verdict}。",
    },
    "complaints.s.last_month": {"en": "last month", "zh": "上月"},
    "complaints.s.last_year": {"en": "the same month last year", "zh": "去年同月"},
    "complaints.s.beyond_up": {"en": "higher, beyond chance", "zh": "上升,超出随机波动"},
    "complaints.s.beyond_down": {"en": "lower, beyond chance", "zh": "下降,超出随机波动"},
    "complaints.s.within": {"en": "within chance", "zh": "在随机波动范围内"},
    "complaints.s.drivers": {
        "en": "The categories that moved most against last month, per 1,000 paid orders: "
              "{items}.",
        "zh": "与上月相比变化最大的类别(每千单):{items}。",
    },
    "complaints.s.driver_item": {"en": "{label} {change}{chance}",
                                 "zh": "{label}变化 {change}{chance}"},
    "complaints.s.driver_beyond": {"en": " (beyond chance)", "zh": "(超出随机波动)"},
    "complaints.s.top_category": {
        "en": "The largest category was {label}: {n} complaints, {share} of the month's.",
        "zh": "最大的投诉类别为{label}:{n} 起,占本月 {share}。",
    },
    "complaints.s.no_complaints": {"en": "No complaint was created this month.",
                                   "zh": "本月没有新增投诉。"},
    "complaints.s.no_flagged": {
        "en": "No day's complaint rate was beyond the daily u-chart's 3-sigma limits.",
        "zh": "本月没有一天的千单投诉率超出 u 图 3σ 控制限。",
    },
    "complaints.s.flagged": {"en": "{n} day(s) beyond the daily u-chart's limits: {items}.",
                             "zh": "{n} 天超出 u 图控制限:{items}。"},
    "complaints.s.flagged_item": {
        "en": "{day} ({n} complaints against {expected:.1f} expected{leading}{promo})",
        "zh": "{day}({n} 起,预期 {expected:.1f} 起{leading}{promo})",
    },
    "complaints.s.flagged_below": {
        "en": "{day} (below the limits: {n} complaints against {expected:.1f} expected)",
        "zh": "{day}(低于控制限:{n} 起,预期 {expected:.1f} 起)",
    },
    "complaints.s.leading": {"en": "; mostly {cats}", "zh": ",主要为{cats}"},
    "complaints.s.in_promo": {"en": "; in {name}", "zh": ",处于{name}期间"},
    "complaints.s.promotion": {
        "en": "During {name} ({start} to {end}) the rate was {inside} per 1,000 paid orders "
              "against {outside} on the month's other days (ratio {ratio}, p = {p}): {verdict}.",
        "zh": "{name}期间({start}至{end})千单投诉率为 {inside},本月其他日子为 {outside}"
              "(比值 {ratio},p = {p}):{verdict}。",
    },
    "complaints.s.promotion_all": {
        "en": "During {name} ({start} to {end}) the rate was {inside} per 1,000 paid orders; "
              "the window covers the whole month, so there are no ordinary days to compare.",
        "zh": "{name}期间({start}至{end})千单投诉率为 {inside};大促覆盖全月,无平日可比。",
    },
    "complaints.s.trend": {
        "en": "Is the trend real? Over the last {months} months the line through the count "
              "model's monthly rates changes by {pct} a month (rate ratio {irr}, 95% CI "
              "{low}–{high}, p = {p}, against the months' scatter around it): {verdict}.",
        "zh": "趋势是否真实?计数模型近 {months} 个月各月水平的拟合直线显示千单投诉率每月变化 {pct}"
              "(比值 {irr},95% 置信区间 {low}–{high},p = {p},以各月围绕直线的波动为准):{verdict}。",
    },
    "complaints.s.trend_up": {"en": "a rising trend beyond chance",
                              "zh": "上升趋势超出随机波动,是真实的"},
    "complaints.s.trend_down": {"en": "a falling trend beyond chance",
                                "zh": "下降趋势超出随机波动,是真实的"},
    "complaints.s.trend_none": {
        "en": "no trend beyond chance; month-to-month moves are noise around a steady rate",
        "zh": "没有超出随机波动的趋势,月度起伏属于正常波动"},
    "complaints.s.model_fallback": {
        "en": "(The model is {family}: the negative-binomial dispersion sat at its boundary.)",
        "zh": "(负二项离散参数落在边界,模型已退回{family}。)",
    },
    "complaints.s.ledger": {
        "en": "{n} at-fault complaints by {agents} agents cost {total} in fines this month.",
        "zh": "本月客服责任投诉 {n} 起,涉及 {agents} 名客服,罚款合计 {total}。",
    },
    "complaints.s.no_fault": {"en": "No at-fault complaint this month, so no fines.",
                              "zh": "本月没有客服责任投诉,无罚款。"},
    "complaints.s.dismissal": {
        "en": "Reached the dismissal step of the schedule: {names}.",
        "zh": "达到辞退标准:{names}。",
    },
    "complaints.s.repeat": {
        "en": "Repeat offenders (at fault in two or more of the last three months): {names}.",
        "zh": "屡次被投诉(近三个月中有两个月及以上有责任投诉):{names}。",
    },
    "complaints.s.above_team": {
        "en": "Above their team's complaint rate beyond chance (funnel limits by volume): "
              "{names}.",
        "zh": "投诉率超出所在组随机波动范围(按接待量的漏斗控制限):{names}。",
    },
    "complaints.s.none_above": {
        "en": "No agent's complaint rate is above their team's beyond chance (funnel limits "
              "by volume).",
        "zh": "按接待量的漏斗控制限,没有客服的投诉率超出所在组的随机波动范围。",
    },
    "complaints.s.resolution": {
        "en": "Resolved complaints took a median {median} h (P90 {p90} h); {open} still open.",
        "zh": "已结投诉处理时长中位数 {median} 小时(P90 {p90} 小时),仍有 {open} 起未结。",
    },
    "complaints.s.name": {"en": "{name} ({agent_id})", "zh": "{name}（{agent_id}）"},
    # -- model families in words ---------------------------------------------------------------
    "complaints.family.nb2": {"en": "negative binomial (NB2)", "zh": "负二项(NB2)模型"},
    "complaints.family.poisson": {"en": "Poisson", "zh": "泊松模型"},
    "complaints.family.quasipoisson": {"en": "quasi-Poisson", "zh": "准泊松模型"},
    # -- rows and columns of the report's tables -------------------------------------------------
    "complaints.row.unattributed.category": {"en": "No category", "zh": "无类别"},
    "complaints.row.unattributed.source": {"en": "No source", "zh": "无来源"},
    "complaints.row.unattributed.team": {"en": "No agent", "zh": "未归属客服"},
    "complaints.row.unattributed.agent": {"en": "No agent", "zh": "未归属客服"},
    "complaints.row.all": {"en": "All categories", "zh": "全部类别"},
    "complaints.col.key": {"en": "Key", "zh": "项目"},
    "complaints.col.date": {"en": "Date", "zh": "日期"},
    "complaints.col.complaints_last_month": {"en": "Complaints last month", "zh": "上月投诉量"},
    "complaints.col.complaints_last_year": {"en": "Complaints same month last year",
                                            "zh": "去年同月投诉量"},
    "complaints.col.per_1k_orders": {"en": "Per 1,000 paid orders", "zh": "千单投诉率"},
    "complaints.col.per_1k_orders_last_month": {"en": "Per 1,000 last month",
                                                "zh": "上月千单投诉率"},
    "complaints.col.per_1k_orders_last_year": {"en": "Per 1,000 same month last year",
                                               "zh": "去年同月千单投诉率"},
    "complaints.col.change_per_1k": {"en": "Change per 1,000 vs last month",
                                     "zh": "千单投诉率环比变化"},
    "complaints.col.expected": {"en": "Expected", "zh": "预期投诉量"},
    "complaints.col.ucl": {"en": "Upper limit per 1,000", "zh": "控制上限(每千单)"},
    "complaints.col.rate": {"en": "Per 1,000 paid orders", "zh": "千单投诉率"},
    "complaints.col.flag": {"en": "Beyond", "zh": "超限方向"},
    "complaints.col.promotion": {"en": "Promotion", "zh": "大促"},
    "complaints.col.leading_categories": {"en": "Leading categories", "zh": "主要投诉类别"},
    "complaints.col.term": {"en": "Term", "zh": "变量"},
    "complaints.col.irr": {"en": "Rate ratio (IRR)", "zh": "发生率比(IRR)"},
    "complaints.col.ci_low": {"en": "95% CI low", "zh": "95% 置信下限"},
    "complaints.col.ci_high": {"en": "95% CI high", "zh": "95% 置信上限"},
    "complaints.col.p_value": {"en": "p-value", "zh": "p 值"},
    "complaints.col.agent_id": {"en": "Agent ID", "zh": "客服工号"},
    "complaints.col.name": {"en": "Name", "zh": "客服昵称"},
    "complaints.col.team": {"en": "Team", "zh": "组别"},
    "complaints.col.at_fault": {"en": "At-fault complaints", "zh": "客服责任投诉"},
    "complaints.col.fine_yuan": {"en": "Fine", "zh": "罚款"},
    "complaints.col.dismissal": {"en": "Dismissal", "zh": "辞退"},
    "complaints.col.at_fault_3m": {"en": "At fault, 3 months", "zh": "近三月责任投诉"},
    "complaints.col.repeat_offender": {"en": "Repeat offender", "zh": "屡次被投诉"},
    "complaints.col.sessions": {"en": "Sessions", "zh": "接待会话数"},
    "complaints.col.agent_complaint_rate": {"en": "Complaints per 1,000 sessions",
                                            "zh": "千次接待投诉率"},
    "complaints.col.team_complaint_rate": {"en": "Team per 1,000 sessions",
                                           "zh": "所在组千次接待投诉率"},
    "complaints.col.ucl_rate": {"en": "Team upper limit per 1,000", "zh": "组控制上限(每千次)"},
    "complaints.col.category": {"en": "Category", "zh": "投诉类别"},
    "complaints.col.resolved": {"en": "Resolved", "zh": "已结"},
    "complaints.col.open": {"en": "Open", "zh": "未结"},
    "complaints.col.median_hours": {"en": "Median hours", "zh": "处理时长中位数(小时)"},
    "complaints.col.p90_hours": {"en": "P90 hours", "zh": "处理时长 P90(小时)"},
    "complaints.col.severity_1": {"en": "Severity 1", "zh": "一般(1级)"},
    "complaints.col.severity_2": {"en": "Severity 2", "zh": "较重(2级)"},
    "complaints.col.severity_3": {"en": "Severity 3", "zh": "严重(3级)"},
    "complaints.col.above": {"en": "above", "zh": "偏高"},
    "complaints.col.below": {"en": "below", "zh": "偏低"},
    "complaints.term.trend_per_month": {"en": "Trend, per month", "zh": "趋势(每月)"},
    "complaints.term.promotion": {"en": "Promotion: {name}", "zh": "大促:{name}"},
    "complaints.term.weekday": {"en": "Weekday: {name} (vs Mon)", "zh": "星期:{name}(对比周一)"},
    "complaints.term.category": {"en": "Category: {name} (vs {ref})",
                                 "zh": "类别:{name}(对比{ref})"},
    "complaints.weekday.Tue": {"en": "Tue", "zh": "周二"},
    "complaints.weekday.Wed": {"en": "Wed", "zh": "周三"},
    "complaints.weekday.Thu": {"en": "Thu", "zh": "周四"},
    "complaints.weekday.Fri": {"en": "Fri", "zh": "周五"},
    "complaints.weekday.Sat": {"en": "Sat", "zh": "周六"},
    "complaints.weekday.Sun": {"en": "Sun", "zh": "周日"},
    "complaints.axis.per_1k": {"en": "Complaints per 1,000 paid orders", "zh": "千单投诉率"},
    "complaints.axis.hours": {"en": "Median hours to resolve", "zh": "处理时长中位数(小时)"},
    "complaints.axis.irr": {"en": "Rate ratio (95% CI, log scale)",
                            "zh": "发生率比(95% 置信区间,对数刻度)"},
    "complaints.yuan": {"en": "¥{value:,.0f}", "zh": "{value:,.0f} 元"},
    "complaints.schedule_step": {"en": "{nth} ¥{fine:,.0f}", "zh": "第{nth}起 {fine:,.0f} 元"},
    # -- chart labels (csnb.plots.complaints) ---------------------------------------------------
    "complaints.plot.rate": {"en": "daily rate", "zh": "当日千单投诉率"},
    "complaints.plot.centre": {"en": "centre line", "zh": "中心线"},
    "complaints.plot.limits": {"en": "3-sigma limits", "zh": "3σ 控制限"},
    "complaints.plot.flagged": {"en": "beyond the limits", "zh": "超出控制限"},
    "complaints.plot.promotion": {"en": "promotion days", "zh": "大促日"},
    "complaints.plot.per_1k": {"en": "complaints per 1,000 paid orders", "zh": "千单投诉率"},
    "complaints.plot.complaints": {"en": "complaints", "zh": "投诉量"},
    "complaints.plot.cumulative": {"en": "cumulative share", "zh": "累计占比"},
    "complaints.plot.observed": {"en": "observed", "zh": "实际值"},
    "complaints.plot.trend": {"en": "trend", "zh": "趋势"},
    "complaints.plot.seasonal_weekly": {"en": "weekly", "zh": "周季节性"},
    "complaints.plot.seasonal_yearly": {"en": "yearly", "zh": "年季节性"},
    "complaints.plot.resid": {"en": "residual", "zh": "残差"},
    "complaints.plot.agents": {"en": "agents", "zh": "客服"},
    "complaints.plot.above_team": {"en": "above the team's limit", "zh": "超出组控制上限"},
    "complaints.plot.team_rate": {"en": "team rate", "zh": "组投诉率"},
    "complaints.plot.team_limit": {"en": "team 3-sigma limit", "zh": "组 3σ 上限"},
    "complaints.plot.sessions": {"en": "sessions", "zh": "接待会话数"},
    "complaints.plot.per_1k_sessions": {"en": "complaints per 1,000 sessions",
                                        "zh": "千次接待投诉率"},
    "complaints.plot.median": {"en": "median", "zh": "中位数"},
    "complaints.plot.p90": {"en": "P90", "zh": "P90 分位"},
    "complaints.plot.hours": {"en": "hours to resolve", "zh": "处理时长(小时)"},
}
