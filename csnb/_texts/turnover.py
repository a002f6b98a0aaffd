"""Texts of the turnover report (keys start with ``turnover.``), in English and Chinese."""

TEXT: dict[str, dict[str, str]] = {
    # sections
    "turnover.section.flow": {"en": "Headcount flow, 25 months", "zh": "近25个月人员进出"},
    "turnover.section.teams": {"en": "By team", "zh": "分组离职情况"},
    "turnover.section.leavers": {"en": "Who left this month", "zh": "本月离职名单"},
    "turnover.section.reasons": {"en": "Why they left: exit reasons, last 12 months",
                                 "zh": "离职原因(近12个月)"},
    "turnover.section.retention": {"en": "How long agents stay: retention curves",
                                   "zh": "在职留存曲线"},
    "turnover.section.cohorts": {"en": "Hire cohorts", "zh": "入职批次留存"},
    "turnover.section.cox": {"en": "Who is more likely to leave: agent attributes",
                             "zh": "哪些客服更容易离职:人员属性"},
    "turnover.section.hazard": {"en": "What predicts exits month by month: quits and "
                                      "dismissals apart",
                                "zh": "逐月离职风险:主动离职与被动离职分开看"},
    "turnover.section.at_risk": {"en": "At risk of quitting next month",
                                 "zh": "下月流失风险名单"},
    # said instead when exits carry no reason (one model of any exit: no quits apart)
    "turnover.section.hazard_any": {"en": "What predicts exits month by month (all exits "
                                          "together)",
                                    "zh": "逐月离职风险(全部离职合并)"},
    "turnover.section.at_risk_any": {"en": "At risk of leaving next month",
                                     "zh": "下月离职风险名单"},
    # what each section means for a manager
    "turnover.explain.flow": {
        "en": "Each month starts with the opening headcount, adds hires and loses exits "
              "(voluntary quits, involuntary = dismissed + bottom-ranked-out, other); what "
              "remains is the closing headcount. The monthly turnover rate is exits over the "
              "average of opening and closing headcount; the 12-month rate adds up a year. A "
              "customer-service team often loses most of its headcount in a year: compare a "
              "month with the dashed 12-month line, not with zero.",
        "zh": "每月从期初人数出发,加上入职、减去离职(主动离职;被动离职=辞退+末位淘汰;其他),"
              "得到期末人数。月离职率 = 离职人数 ÷ (期初+期末)/2;近12个月离职率把一年加总。"
              "客服团队一年流失大半是常态:看某个月时,请和虚线(近12个月)比,而不是和零比。",
    },
    "turnover.explain.teams": {
        "en": "This month by team, with the shop total last. The chart shows each team's "
              "monthly turnover rate (not its headcount): a team whose line sits above the "
              "others for several months has a problem a single month cannot show; a small "
              "team jumps with one exit.",
        "zh": "本月各组情况,最后一行为全店合计。下图为各组每月离职率(不是人数):某组连续几个月"
              "高于其他组才说明有问题;人少的组走一个人离职率就会大幅跳动。",
    },
    "turnover.explain.leavers": {
        "en": "Everyone whose last day fell in this month, shortest tenure first. Leavers "
              "within their first 90 days point to hiring and onboarding (带教); long-serving "
              "leavers to pay, shift or the team lead.",
        "zh": "最后工作日在本月的所有客服,按在职天数从短到长。入职90天内就走的,多与招聘和新人"
              "带教有关;老员工离职,多与薪资、班次或组长管理有关。",
    },
    "turnover.explain.reasons": {
        "en": "Exits of the last 12 months by reason. Involuntary exits (dismissed, "
              "bottom-ranked-out) are decisions of the shop; voluntary ones are the agents'.",
        "zh": "近12个月离职按原因拆分。被动离职(辞退、末位淘汰)是店铺的决定,主动离职是客服"
              "自己的选择。",
    },
    "turnover.explain.retention": {
        "en": "Share of agents still employed by days since hire (Kaplan-Meier: agents still "
              "employed count until today), with 95% bands. Median tenure is the day by which "
              "half have left (n/a when fewer than half have); 30/90/180-day retention is the "
              "share still employed then. The log-rank p-value says whether the groups' "
              "curves differ beyond chance (below 0.05). A group with fewer than 10 agents or "
              "5 exits is marked too few to say and drawn dotted without a band: do not act "
              "on it.",
        "zh": "按入职天数计的在职比例(Kaplan-Meier 方法:仍在职的客服计到今天为止),阴影为95%"
              "置信区间。中位在职天数 = 一半人离开时的天数(离开不到一半时为“无”);30/90/180天"
              "留存率 = 届时仍在职的比例。log-rank 检验 p 值小于 0.05 表示各组曲线差异超出随机"
              "波动。少于10人或离职少于5人的组标为“人数太少”,虚线且不画区间,不要据此下结论。",
    },
    "turnover.explain.cohorts": {
        "en": "Each row is a hire month (with its size), each column a month since hire; a "
              "cell is the share of that cohort still employed at the end of that month. A "
              "row that pales quickly is a hiring batch that did not stay: look at who "
              "trained it and on which shift it started.",
        "zh": "每行是一个入职月份(括号内为人数),每列是入职后第几个月;格子里是该批人在那个月"
              "月末仍在职的比例。颜色很快变浅的一行,说明这批新人没留住:看看是谁带教、排的"
              "什么班。",
    },
    "turnover.explain.cox": {
        "en": "A Cox model compares agents' daily risk of leaving, all attributes at once. A "
              "hazard ratio of 2 means twice the risk of the reference agent at any tenure; "
              "an interval that contains 1 means the data cannot tell the difference from "
              "chance. The model assumes each effect stays the same over tenure; the check "
              "below says where it does not.",
        "zh": "Cox 模型同时考虑所有属性,比较客服每天离职的风险。风险比为2表示在任何司龄下"
              "离职风险都是参照客服的2倍;置信区间包含1表示与随机波动分不开。模型假定各因素的"
              "影响不随司龄变化,下方检验会指出不成立的地方。",
    },
    "turnover.explain.hazard": {
        "en": "Month by month, what raised an agent's odds of leaving: tenure band, whether "
              "the agent was bottom-ranked or fined for at-fault complaints last month, where "
              "the agent's conversion stood in the team last month, shift, outsourcing and "
              "whether the team runs bottom-ranked-out. Quits and dismissals "
              "are modelled apart, so a ranking that leads to dismissals is not mistaken for "
              "one that makes agents quit. Standard errors are clustered by agent.",
        "zh": "逐月看哪些因素提高了离职几率:司龄段、上月是否末位、上月客服责任投诉被罚次数、"
              "上月询单转化率在组内的位置、班次、是否外包、所在组是否实行末位淘汰。主动离职和被动离职分开建模,避免把"
              "“末位被辞退”误读成“末位让人主动离职”。标准误按客服聚类。",
    },
    "turnover.explain.at_risk": {
        "en": "Agents employed at the month's end ranked by the model's probability of a "
              "voluntary exit next month, with what raises it (attributes whose effect is "
              "beyond chance, largest first). It ranks, it does not predict who will go: use "
              "it to choose whom to talk to and coach first (一对一沟通), never as a reason to "
              "act against an agent.",
        "zh": "月末在职的客服,按模型估计的下月主动离职概率排序,并列出主要原因(影响超出随机"
              "波动的因素,按大小排列)。这是排序,不是预言谁一定会走:用来决定先找谁做一对一"
              "沟通、重点辅导,不能作为处理客服的依据。",
    },
    "turnover.explain.hazard_any": {
        "en": "Month by month, what raised an agent's odds of leaving: tenure band, whether "
              "the agent was bottom-ranked or fined for at-fault complaints last month, where "
              "the agent's conversion stood in the team last month, shift, outsourcing and "
              "whether the team runs bottom-ranked-out. Exit reasons are not recorded, so "
              "quits and dismissals are modelled together: a ranking that leads to "
              "dismissals cannot be told apart from one that makes agents quit. Standard "
              "errors are clustered by agent.",
        "zh": "逐月看哪些因素提高了离职几率:司龄段、上月是否末位、上月客服责任投诉被罚次数、"
              "上月询单转化率在组内的位置、班次、是否外包、所在组是否实行末位淘汰。由于没有记录"
              "离职原因,主动离职和被动离职只能合并建模:无法区分“末位被辞退”和“末位让人主动"
              "离职”。标准误按客服聚类。",
    },
    "turnover.explain.at_risk_any": {
        "en": "Agents employed at the month's end ranked by the model's probability of "
              "leaving next month for any reason (exit reasons are not recorded, so quits "
              "cannot be told from dismissals), with what raises it (attributes whose effect "
              "is beyond chance, largest first). It ranks, it does not predict who will go: "
              "use it to choose whom to talk to and coach first (一对一沟通), never as a "
              "reason to act against an agent.",
        "zh": "月末在职的客服,按模型估计的下月离职概率排序(未记录离职原因,主动与被动离职无法"
              "区分),并列出主要原因(影响超出随机波动的因素,按大小排列)。这是排序,不是预言"
              "谁一定会走:用来决定先找谁做一对一沟通、重点辅导,不能作为处理客服的依据。",
    },
    # notes
    "turnover.no_leavers": {"en": "Nobody left this month.", "zh": "本月无人离职。"},
    "turnover.no_reasons": {
        "en": "The agents table has no exit reasons: exits cannot be split into voluntary and "
              "involuntary, and the hazard model fits any exit.",
        "zh": "客服名单中没有离职原因:无法区分主动与被动离职,风险模型只能对全部离职建模。",
    },
    "turnover.cohorts_small": {
        "en": "{small} of the {cohorts} hire months had fewer than {min} hires: one exit "
              "moves their cells by more than 10 points, so read those rows together, not "
              "one by one.",
        "zh": "{cohorts}个入职月份中有{small}个入职不足{min}人:走一个人,格子里的比例就变动"
              "10个百分点以上,请把这些行合起来看,不要逐行下结论。",
    },
    "turnover.cohorts_pooled": {
        "en": "Pooled over the {months} hire months observed that long, {employed} of "
              "{hired} hires ({share}) were still employed at the end of month {k} after "
              "their hire month.",
        "zh": "合并已观察满{k}个月的{months}个入职月份:共入职{hired}人,其中{employed}人"
              "({share})在入职后第{k}个月末仍在职。",
    },
    "turnover.no_cohorts": {"en": "No agent was hired in the last 12 months.",
                            "zh": "近12个月没有新入职客服。"},
    "turnover.model_not_fitted": {
        "en": "Too few exits to fit the model ({exits}; at least 5 are needed).",
        "zh": "离职人数太少,无法建模({exits}人,至少需要5人)。",
    },
    "turnover.at_risk_none": {"en": "The hazard model could not be fitted: no ranking.",
                              "zh": "风险模型无法拟合,暂无排序。"},
    "turnover.too_small": {"en": "too few to say", "zh": "人数太少"},
    # a limit of an interval the data do not reach (a median tenure's upper limit)
    "turnover.ci_not_reached": {"en": "not reached", "zh": "未达到"},
    "turnover.no_drivers": {"en": "none beyond chance", "zh": "无超出随机波动的因素"},
    "turnover.all": {"en": "All agents", "zh": "全部客服"},
    "turnover.by.all": {"en": "All agents", "zh": "全部客服"},
    "turnover.by.shift": {"en": "By shift", "zh": "按班次"},
    "turnover.by.team": {"en": "By team", "zh": "按组别"},
    "turnover.by.role": {"en": "By role", "zh": "按岗位"},
    "turnover.by.outsourced": {"en": "By employer", "zh": "按用工方式"},
    "turnover.outsourced.true": {"en": "Outsourced", "zh": "外包"},
    "turnover.outsourced.false": {"en": "Own staff", "zh": "自有员工"},
    "turnover.axis.days": {"en": "Days since hire", "zh": "入职天数"},
    "turnover.axis.employed": {"en": "Still employed", "zh": "在职比例"},
    "turnover.axis.months_since_hire": {"en": "Months since hire", "zh": "入职后月数"},
    "turnover.axis.hire_month": {"en": "Hire month", "zh": "入职月份"},
    "turnover.axis.hazard_ratio": {"en": "Hazard ratio (95% CI)", "zh": "风险比(95%置信区间)"},
    "turnover.axis.odds_ratio": {"en": "Odds ratio (95% CI)", "zh": "几率比(95%置信区间)"},
    "turnover.cause.voluntary": {"en": "Voluntary exits", "zh": "主动离职"},
    "turnover.cause.involuntary": {"en": "Involuntary exits", "zh": "被动离职"},
    "turnover.cause.any": {"en": "Any exit", "zh": "全部离职"},
    "turnover.cox_counts": {"en": "Fitted on {agents} agents with {exits} exits.",
                            "zh": "模型基于{agents}名客服、{exits}次离职。"},
    "turnover.ph_ok": {
        "en": "Proportional-hazards check (scaled Schoenfeld residuals against time): no term "
              "changes its effect over tenure beyond chance (global p {p}).",
        "zh": "比例风险检验(标准化 Schoenfeld 残差对时间):没有哪个因素的影响随司龄明显变化"
              "(整体 p = {p})。",
    },
    "turnover.ph_violated": {
        "en": "Proportional-hazards check (scaled Schoenfeld residuals against time): the "
              "effect of {terms} changes over tenure, so its hazard ratio is an average over "
              "tenure and may hide a stronger effect early or late (global p {p}).",
        "zh": "比例风险检验(标准化 Schoenfeld 残差对时间):{terms}的影响随司龄变化,其风险比"
              "只是各司龄的平均,可能掩盖了入职初期或后期更强的影响(整体 p = {p})。",
    },
    "turnover.hazard_fit": {"en": "{cause}: {rows} agent-months of {agents} agents, {exits} "
                                  "exits.",
                            "zh": "{cause}:{agents}名客服共{rows}个人月,{exits}次离职。"},
    "turnover.hazard_not_fitted": {"en": "{cause}: only {exits} exits, not fitted.",
                                   "zh": "{cause}:仅{exits}次离职,未建模。"},
    "turnover.reference": {"en": "Compared with: {items}.", "zh": "参照组:{items}。"},
    "turnover.dropped": {"en": "Left out: {items}.", "zh": "未纳入:{items}。"},
    "turnover.dropped.no_exits": {"en": "nobody in it left", "zh": "该组无人离职"},
    "turnover.dropped.only_exits": {"en": "everyone in it left", "zh": "该组全部离职"},
    "turnover.dropped.constant": {"en": "the same for every agent", "zh": "所有客服都相同"},
    "turnover.dropped.collinear": {"en": "determined by the other attributes",
                                   "zh": "由其他属性决定"},
    "turnover.dropped.absent": {"en": "not in the data", "zh": "数据中没有"},
    # model terms
    "turnover.term.shift": {"en": "Shift", "zh": "班次"},
    "turnover.term.team": {"en": "Team", "zh": "组别"},
    "turnover.term.role": {"en": "Role", "zh": "岗位"},
    "turnover.term.outsourced": {"en": "Outsourced", "zh": "外包"},
    "turnover.term.base_salary": {"en": "Base salary (per ¥1,000)", "zh": "底薪(每千元)"},
    "turnover.term.tenure_band": {"en": "Tenure", "zh": "司龄"},
    "turnover.term.tenure_level": {"en": "Tenure {band} days", "zh": "司龄{band}天"},
    "turnover.term.last_bottom": {"en": "Bottom-ranked last month", "zh": "上月末位"},
    "turnover.term.last_fines": {"en": "At-fault complaints fined last month",
                                 "zh": "上月客服责任投诉罚款次数"},
    "turnover.term.last_conversion_pct": {"en": "Conversion percentile last month",
                                          "zh": "上月询单转化率组内百分位"},
    "turnover.term.conversion_bottom": {"en": "Conversion in the team's bottom quarter last "
                                             "month",
                                       "zh": "上月询单转化率处于组内后25%"},
    "turnover.term.conversion_top": {"en": "Conversion in the team's top quarter last month",
                                    "zh": "上月询单转化率处于组内前25%"},
    "turnover.term.conversion_middle": {"en": "Conversion in the team's middle half last month",
                                       "zh": "上月询单转化率处于组内中间50%"},
    "turnover.term.conversion_none": {"en": "No inquiries last month",
                                     "zh": "上月无询单"},
    "turnover.term.policy_active": {"en": "Team runs bottom-ranked-out",
                                    "zh": "所在组实行末位淘汰"},
    # columns
    "turnover.col.agent_id": {"en": "Agent ID", "zh": "工号"},
    "turnover.col.name": {"en": "Name", "zh": "姓名"},
    "turnover.col.shift": {"en": "Shift", "zh": "班次"},
    "turnover.col.role": {"en": "Role", "zh": "岗位"},
    "turnover.col.hire_date": {"en": "Hire date", "zh": "入职日期"},
    "turnover.col.exit_date": {"en": "Last day", "zh": "最后工作日"},
    "turnover.col.tenure_days": {"en": "Tenure (days)", "zh": "在职天数"},
    "turnover.col.exit_reason": {"en": "Exit reason", "zh": "离职原因"},
    "turnover.col.exits_other": {"en": "Other exits", "zh": "其他离职"},
    "turnover.col.turnover_rate_voluntary": {"en": "Voluntary rate", "zh": "主动离职率"},
    "turnover.col.turnover_rate_involuntary": {"en": "Involuntary rate", "zh": "被动离职率"},
    "turnover.col.by": {"en": "Grouping", "zh": "分组方式"},
    "turnover.col.group": {"en": "Group", "zh": "组"},
    "turnover.col.agents": {"en": "Agents", "zh": "人数"},
    "turnover.col.median_tenure_days": {"en": "Median tenure, days (95% CI)",
                                        "zh": "中位在职天数(95%置信区间)"},
    "turnover.col.retention_30d": {"en": "Still employed at 30 days", "zh": "30天留存率"},
    "turnover.col.retention_90d": {"en": "Still employed at 90 days", "zh": "90天留存率"},
    "turnover.col.retention_180d": {"en": "Still employed at 180 days", "zh": "180天留存率"},
    "turnover.col.logrank_p": {"en": "Log-rank p", "zh": "log-rank 检验 p 值"},
    "turnover.col.term": {"en": "Attribute", "zh": "因素"},
    "turnover.col.hazard_ratio": {"en": "Hazard ratio (95% CI)", "zh": "风险比(95%置信区间)"},
    "turnover.col.odds_ratio": {"en": "Odds ratio (95% CI)", "zh": "几率比(95%置信区间)"},
    "turnover.col.p_value": {"en": "p", "zh": "p 值"},
    "turnover.col.ph_p_value": {"en": "PH check p", "zh": "比例风险检验 p 值"},
    "turnover.col.ph_violated": {"en": "Effect changes over tenure", "zh": "影响随司龄变化"},
    "turnover.col.cause": {"en": "Exit type", "zh": "离职类型"},
    "turnover.col.probability": {"en": "Chance of quitting next month",
                                 "zh": "下月主动离职概率"},
    "turnover.col.probability_any": {"en": "Chance of leaving next month",
                                     "zh": "下月离职概率"},
    "turnover.col.exits_untyped": {"en": "Exits, type not recorded", "zh": "离职(未记录原因)"},
    "turnover.reason_not_recorded": {"en": "not recorded", "zh": "未记录"},
    "turnover.col.drivers": {"en": "What raises it", "zh": "主要原因"},
    # generated sentences
    "turnover.sentence.outside": {
        "en": "{month} is outside the data ({first} to {last}): the report shows no turnover "
              "figures for it rather than zeros.",
        "zh": "{month}不在数据范围内({first}至{last}):本报告不显示该月离职数据(而不是显示为0)。",
    },
    "turnover.sentence.no_last_year": {
        "en": "The same month last year ({month}) is outside the data: no comparison with it.",
        "zh": "去年同月({month})不在数据范围内,无法同比。",
    },
    "turnover.sentence.yoy": {
        "en": "Against {month}: {exits} exits (then {exits_before}{exits_chance}) and {hires} "
              "hires (then {hires_before}{hires_chance}).",
        "zh": "与去年同月({month})相比:离职{exits}人(去年{exits_before}人{exits_chance}),"
              "入职{hires}人(去年{hires_before}人{hires_chance})。",
    },
    "turnover.sentence.no_leavers": {"en": "Nobody left this month.", "zh": "本月无人离职。"},
    "turnover.sentence.kind_voluntary": {"en": "{n} voluntary", "zh": "主动离职{n}人"},
    "turnover.sentence.kind_involuntary": {"en": "{n} involuntary", "zh": "被动离职{n}人"},
    "turnover.sentence.kind_other": {"en": "{n} other", "zh": "其他原因{n}人"},
    "turnover.sentence.kind_unknown": {"en": "reasons not recorded", "zh": "未记录原因"},
    "turnover.sentence.leavers": {
        "en": "The {n} leavers ({split}) had stayed a median of {median} days (from "
              "{shortest} to {longest}); {early} of them left within their first {early_days} "
              "days.",
        "zh": "本月离职的{n}人({split})中位在职{median}天(最短{shortest}天,最长{longest}天),"
              "其中{early}人入职不满{early_days}天就离开。",
    },
    "turnover.sentence.chance_within": {
        "en": "At an average headcount of {avg}, the turnover rate of the previous {months} "
              "months ({rate} a month) gives about {expected} exits; {exits} is within chance "
              "(95% of months see {low} to {high}).",
        "zh": "按本月平均人数{avg}和此前{months}个月的离职率(每月{rate}),预计离职约{expected}"
              "人;实际{exits}人在随机波动范围内(95%的月份在{low}至{high}人之间)。",
    },
    "turnover.sentence.chance_above": {
        "en": "At an average headcount of {avg}, the turnover rate of the previous {months} "
              "months ({rate} a month) gives about {expected} exits; {exits} is beyond chance, "
              "above it (95% of months see {low} to {high}).",
        "zh": "按本月平均人数{avg}和此前{months}个月的离职率(每月{rate}),预计离职约{expected}"
              "人;实际{exits}人,明显偏高,超出随机波动(95%的月份在{low}至{high}人之间)。",
    },
    "turnover.sentence.chance_below": {
        "en": "At an average headcount of {avg}, the turnover rate of the previous {months} "
              "months ({rate} a month) gives about {expected} exits; {exits} is beyond chance, "
              "below it (95% of months see {low} to {high}).",
        "zh": "按本月平均人数{avg}和此前{months}个月的离职率(每月{rate}),预计离职约{expected}"
              "人;实际{exits}人,明显偏低,超出随机波动(95%的月份在{low}至{high}人之间)。",
    },
    "turnover.sentence.no_reasons": {
        "en": "Exit reasons are not recorded: exits are not split into voluntary and "
              "involuntary.",
        "zh": "未记录离职原因:无法区分主动离职与被动离职。",
    },
    "turnover.sentence.drivers_up_voluntary": {
        "en": "Beyond chance, quits are more likely with: {items}.",
        "zh": "超出随机波动、提高主动离职几率的因素:{items}。",
    },
    "turnover.sentence.drivers_down_voluntary": {
        "en": "Beyond chance, quits are less likely with: {items}.",
        "zh": "超出随机波动、降低主动离职几率的因素:{items}。",
    },
    "turnover.sentence.drivers_up_involuntary": {
        "en": "Beyond chance, dismissals are more likely after: {items}.",
        "zh": "超出随机波动、提高被动离职几率的因素:{items}。",
    },
    "turnover.sentence.drivers_down_involuntary": {
        "en": "Beyond chance, dismissals are less likely with: {items}.",
        "zh": "超出随机波动、降低被动离职几率的因素:{items}。",
    },
    "turnover.sentence.drivers_up_any": {
        "en": "Beyond chance, exits are more likely with: {items}.",
        "zh": "超出随机波动、提高离职几率的因素:{items}。",
    },
    "turnover.sentence.drivers_down_any": {
        "en": "Beyond chance, exits are less likely with: {items}.",
        "zh": "超出随机波动、降低离职几率的因素:{items}。",
    },
    "turnover.sentence.at_risk": {
        "en": "Most at risk of quitting next month: {names}.",
        "zh": "下月最可能主动离职的客服:{names}。",
    },
    "turnover.sentence.at_risk_any": {
        "en": "Most at risk of leaving next month: {names}.",
        "zh": "下月最可能离职的客服:{names}。",
    },
    "turnover.sentence.at_risk_agent": {"en": "{name} ({team}, {probability})",
                                        "zh": "{name}({team},离职概率{probability})"},
}
