"""Texts of the conversion report (keys start with ``conversion.``), in English and Chinese.

The Chinese follows what customer-service managers read in Qianniu/赤兔 and say in a
meeting: 询单人数, 最终付款人数, 询单转化率, 客服销售额, 客单价, 首响, 平响, 3分钟响应率,
满意率.
"""

TEXT: dict[str, dict[str, str]] = {
    # sections and headings
    "conversion.section.scorecard": {"en": "Agent scorecard",
                                     "zh": "客服绩效看板(千牛/赤兔月报口径)"},
    "conversion.heading.teams": {"en": "By team", "zh": "分组"},
    "conversion.heading.agents": {"en": "By agent", "zh": "分客服"},
    "conversion.section.decomposition": {"en": "Why sales moved", "zh": "客服销售额变化拆解"},
    "conversion.heading.by_team": {"en": "By team", "zh": "分组拆解"},
    "conversion.section.model": {"en": "What drives conversion", "zh": "询单转化的影响因素"},
    "conversion.heading.shape": {"en": "Conversion by first response",
                                 "zh": "不同首响时长的询单转化"},
    "conversion.section.leaderboard": {"en": "Fair leaderboard: who is behind, who is only "
                                             "unlucky",
                                       "zh": "公平排名:谁确实落后,谁只是运气不好"},
    "conversion.section.grid": {"en": "Inquiries and first response by weekday and hour",
                                "zh": "分时段询单与首响(排班参考)"},
    # notes
    "conversion.note.scorecard": {
        "en": "The month of each team and agent as Qianniu/赤兔 shows it. First response "
              "(average, median, P90) counts sessions starting in business hours, capped at "
              "{cap} s, never answered as {cap} s; average response is the mean over all of an "
              "agent's replies; the {fast} is the share of those sessions answered within "
              "{threshold} s. Rank is the agent's rank in the team by the metric book's score "
              "(1 = best; agents with too few inquiries or not active the whole month are not "
              "ranked); ▲ means up from last month. Change of conversion marked * is beyond "
              "chance at the agent's volume. The total row is the shop's headline.",
        "zh": "各组、各客服本月数据,口径同千牛/赤兔。首响(平均、中位数、P90)只计服务时间内开始的"
              "会话,上限 {cap} 秒,未回复按 {cap} 秒计;平响为客服全部回复的平均响应时长;"
              "{fast}为 {threshold} 秒内首次回复的会话占比。排名为按考核口径在组内的名次"
              "(1 为最好;询单过少或未满月在岗者不参与排名),▲ 表示较上月上升。询单转化率变化"
              "带 * 的,在该客服的询单量下超出随机波动。合计行即本月核心指标。",
    },
    "conversion.note.scorecard_daily": {
        "en": "The month of each team and agent from the daily exports (agent_daily), as "
              "Qianniu/赤兔 shows it. Inquiries, paying customers and sales are the sums of the "
              "days; first response, average response and the {fast} (within {threshold} s) "
              "are the exports' daily figures averaged with each day's inquiries as weights, "
              "so no median or P90 of first response can be shown. Rank is the agent's rank "
              "in the team by the metric book's score (1 = best; agents with too few "
              "inquiries or not active the whole month are not ranked); ▲ means up from last "
              "month. Change of conversion marked * is beyond chance at the agent's volume. "
              "The total row is the shop's headline.",
        "zh": "各组、各客服本月数据,来自客服日报(agent_daily),口径同千牛/赤兔。询单人数、最终"
              "付款人数和客服销售额为各日之和;首响、平响和{fast}({threshold} 秒内)为日报的"
              "每日数值按当日询单人数加权平均,因此无法给出首响中位数和 P90。排名为按考核口径在"
              "组内的名次(1 为最好;询单过少或未满月在岗者不参与排名),▲ 表示较上月上升。询单"
              "转化率变化带 * 的,在该客服的询单量下超出随机波动。合计行即本月核心指标。",
    },
    "conversion.note.satisfaction_missing": {
        "en": "The sessions carry no ratings (服务评价), so no satisfaction rate is shown.",
        "zh": "会话数据中没有服务评价,不显示满意率。",
    },
    "conversion.note.provisional": {
        "en": "Provisional: conversion, sales and order value of the last {lag} days of the "
              "month may still change (data lag).",
        "zh": "暂定数据:月末最后 {lag} 天的询单转化率、客服销售额和客单价仍可能变化(数据延迟)。",
    },
    "conversion.note.decomposition": {
        "en": "Credited sales = inquiries × conversion rate × sales per converted inquiry. The "
              "change from last month is split among the three with the log-mean Divisia "
              "index (LMDI), whose parts add up exactly to the change. Each team's parts are "
              "its own; the teams' total changes add up to the shop's.",
        "zh": "客服销售额 = 询单人数 × 询单转化率 × 每个付款询单的销售额(客单价)。较上月的变化用"
              "对数平均迪氏指数法(LMDI)拆到三个因素上,三部分之和恰好等于总变化。各组按本组数据"
              "拆解;各组总变化之和等于全店总变化。",
    },
    "conversion.note.model": {
        "en": "A logistic model of whether each of the month's {n} inquiries ({agents} agents) "
              "converted, on first response (minutes, capped at 10), never answered, tenure, "
              "shift, hour, weekday, category and promotion day, each holding the others "
              "equal. Standard errors are clustered by agent. An odds ratio above 1 raises "
              "conversion; the marginal effect is the change of conversion in percentage "
              "points (per minute of first response; against {refs} for the others).",
        "zh": "对本月 {n} 个询单({agents} 名客服)是否成交建逻辑回归:首响(分钟,上限 10)、"
              "未回复、司龄、班次、时段、星期、咨询类目和大促日,各因素在其他因素不变时比较;"
              "标准误按客服聚类。优势比大于 1 表示提高转化;边际效应为询单转化率变化的百分点"
              "(首响为每多 1 分钟;其他为相对 {refs})。",
    },
    "conversion.note.model_daily": {
        "en": "The data have no sessions, only agent_daily: the model is an agent-day binomial "
              "model on the day's average first response and {fast}, over {n} agent-days "
              "({agents} agents), standard errors clustered by agent.",
        "zh": "数据中没有会话记录,只有客服日报:此处为客服-日二项模型,解释变量为当日平均首响和"
              "{fast},共 {n} 个客服日({agents} 名客服),标准误按客服聚类。",
    },
    "conversion.note.model_sample": {
        "en": "The month has {sessions} presale sessions, more than the {threshold} set in "
              "csnb.toml (logit_sample_sessions), so the model is fitted on a sample: {n} of "
              "the {total} inquiries ({share}), drawn at the same rate within every agent "
              "(stratified by agent, so every agent stays in the model and the agent-"
              "clustered standard errors hold) and seeded by the month, so the same data "
              "give the same report. Intervals are up to √({total} / {n}) = {scale}× wider "
              "than on all inquiries: that much where an agent's inquiries vary "
              "independently, less where differences between agents dominate.",
        "zh": "本月售前会话 {sessions} 个,超过 csnb.toml 中设定的 {threshold}"
              "(logit_sample_sessions),因此模型在样本上拟合:{total} 个询单中抽取 {n} 个"
              "({share}),每位客服按相同比例抽取(按客服分层,所有客服都在模型中,按客服聚类的"
              "标准误仍然有效),随机种子取自月份,同样的数据得到同样的报告。置信区间最多比用全部"
              "询单宽 √({total} / {n}) = {scale} 倍:同一客服的询单彼此独立时约宽这么多,客服之间"
              "差异占主导时宽得更少。",
    },
    "conversion.note.model_not_fitted": {
        "en": "No model this month: it needs at least two agents and inquiries that both "
              "converted and did not.",
        "zh": "本月无法建模:至少需要两名客服,且询单中既有成交也有未成交。",
    },
    "conversion.note.shape": {
        "en": "Observed conversion in each band of first response, and the model's effect of "
              "the band against answering within 30 s (percentage points, 95% CI).",
        "zh": "各首响区间的实际询单转化率,以及模型估计的该区间相对 30 秒内回复的转化差异"
              "(百分点,95% 置信区间)。",
    },
    "conversion.note.shape_daily": {
        "en": "Observed conversion of the agent-days in each band of the day's average first "
              "response, and the model's effect of the band against days averaging within "
              "30 s (percentage points, 95% CI): an association of days, not the effect of "
              "answering one customer faster.",
        "zh": "按当日平均首响分档的客服日实际询单转化率,以及模型估计的该档相对当日平均首响在 "
              "30 秒内的转化差异(百分点,95% 置信区间):这是“日”与“日”之间的关联,"
              "不是某个询单回复更快的效果。",
    },
    "conversion.note.leaderboard": {
        "en": "Raw conversion of an agent with few inquiries swings by chance. Each agent's "
              "rate is shrunk toward the team's (a hierarchical beta-binomial model: how far "
              "agents differ is estimated from the team, with its uncertainty): the fewer "
              "inquiries, the more. The interval holds the agent's true rate with 90% "
              "probability; p(bottom) is the probability that the agent truly is in the bottom "
              "{share} of the team. Likely behind: p(bottom) at least 50%. Looks bottom: "
              "bottom by raw rate, but likely not truly behind.",
        "zh": "询单少的客服,原始转化率受运气影响大。这里把每位客服的转化率向本组水平收缩"
              "(分层 Beta-二项模型:客服之间差异多大由本组数据估计,并计入其不确定性):"
              "询单越少,收缩越多。区间以 90% 概率包含客服的真实"
              "转化率;末位概率为该客服真实处于组内末位 {share} 的概率。确实落后:末位概率不低于 "
              "50%。看似末位:按原始转化率排在末位,但未必真的落后。",
    },
    "conversion.note.grid": {
        "en": "Inquiries per day by weekday and hour of the first presale session, and the "
              "average first response and {fast} of sessions in business hours (blank: no "
              "sessions). Where many inquiries meet a slow first response, the schedule is "
              "short.",
        "zh": "按星期和首个售前会话开始时段统计的日均询单人数,以及服务时间内会话的平均首响"
              "和{fast}(空白为无会话)。询单多且首响慢的时段,说明排班不足。",
    },
    # generated sentences
    "conversion.sentence.grid_below": {
        "en": "The {fast} was below its target ({target}) beyond chance in {k} of {n} "
              "weekday-hour slots; lowest: {slots}.",
        "zh": "{fast}在 {n} 个星期×小时时段中有 {k} 个显著低于目标({target}),最低:"
              "{slots}。",
    },
    "conversion.sentence.grid_met": {
        "en": "No weekday-hour slot had a {fast} below its target ({target}) beyond chance.",
        "zh": "没有哪个星期×小时时段的{fast}显著低于目标({target})。",
    },
    "conversion.grid_slot": {"en": "{day} {hour}:00 ({rate} of {n} sessions)",
                             "zh": "{day} {hour} 点({n} 个会话中 {rate})"},
    "conversion.sentence.decomposition": {
        "en": "Of the {total} change in credited sales from last month, inquiries account for "
              "{inquiries}, conversion for {conversion} and order value (sales per converted "
              "inquiry) for {value}: {lever} moved sales most.",
        "zh": "客服销售额较上月变化{total},其中询单人数贡献{inquiries},询单转化率贡献"
              "{conversion},客单价(每个付款询单的销售额)贡献{value}:主要由{lever}带动。",
    },
    "conversion.sentence.decomposition_missing": {
        "en": "Last month is outside the data, so the change in credited sales is not split.",
        "zh": "上月不在数据范围内,无法拆解客服销售额的变化。",
    },
    "conversion.lever.inquiries": {"en": "inquiries", "zh": "询单人数"},
    "conversion.lever.conversion": {"en": "conversion", "zh": "询单转化率"},
    "conversion.lever.value": {"en": "order value", "zh": "客单价"},
    "conversion.sentence.conversion_within_chance": {
        "en": "Conversion's part rests on a change from {previous} to {value} that is within "
              "chance at {n} inquiries: do not read it as a real shift.",
        "zh": "其中询单转化率由{previous}变为{value},在 {n} 个询单的量下属于随机波动,"
              "不宜视为真实变化。",
    },
    "conversion.sentence.conversion_beyond_chance": {
        "en": "Conversion's part rests on a change from {previous} to {value} that is beyond "
              "chance at {n} inquiries.",
        "zh": "其中询单转化率由{previous}变为{value},在 {n} 个询单的量下超出随机波动。",
    },
    "conversion.sentence.response": {
        "en": "Answering within {fast_s} s instead of {slow_s} s is worth about {points} points "
              "of conversion ({low} to {high}, 95% CI), other things equal.",
        "zh": "首响 {fast_s} 秒与 {slow_s} 秒相比,询单转化率约高 {points} 个百分点"
              "(95% 置信区间 {low} 至 {high}),其他条件相同。",
    },
    "conversion.sentence.response_unclear": {
        "en": "Whether answering within {fast_s} s instead of {slow_s} s changes conversion "
              "cannot be told at this volume ({low} to {high} points, 95% CI).",
        "zh": "首响 {fast_s} 秒与 {slow_s} 秒相比,询单转化率是否不同,在目前的量下无法判断"
              "({low} 至 {high} 个百分点,95% 置信区间)。",
    },
    "conversion.sentence.what_if": {
        "en": "If every first response were at most 30 s, conversion would be about {estimate} "
              "({low} to {high}) instead of {baseline}.",
        "zh": "如果所有询单都在 30 秒内首次回复,询单转化率预计约为{estimate}({low} 至 {high}),"
              "而实际为{baseline}。",
    },
    "conversion.sentence.response_daily": {
        "en": "Agent-days whose average first response was {fast_s} s rather than {slow_s} s "
              "converted about {points} points more ({low} to {high}, 95% CI), other things "
              "equal: an association of days, not the effect of answering one customer "
              "faster.",
        "zh": "当日平均首响为 {fast_s} 秒的客服日比 {slow_s} 秒的询单转化率约高 {points} 个"
              "百分点(95% 置信区间 {low} 至 {high}),其他条件相同;这是“日”与“日”之间的关联,"
              "不是某个询单回复更快的效果。",
    },
    "conversion.sentence.response_daily_unclear": {
        "en": "Whether agent-days averaging {fast_s} s rather than {slow_s} s of first "
              "response convert differently cannot be told at this volume ({low} to {high} "
              "points, 95% CI).",
        "zh": "当日平均首响 {fast_s} 秒与 {slow_s} 秒的客服日,询单转化率是否不同,在目前的量"
              "下无法判断({low} 至 {high} 个百分点,95% 置信区间)。",
    },
    "conversion.sentence.what_if_daily": {
        "en": "If every agent-day had averaged at most 30 s of first response with every "
              "answer fast, conversion would be about {estimate} ({low} to {high}) instead of "
              "{baseline}.",
        "zh": "如果每个客服日的平均首响都不超过 30 秒且全部及时回复,询单转化率预计约为"
              "{estimate}({low} 至 {high}),而实际为{baseline}。",
    },
    "conversion.sentence.promotion_effect": {
        "en": "On promotion days ({names}) an inquiry converted {points} points {way} than on "
              "other days ({low} to {high}).",
        "zh": "大促日({names})询单转化率比平日{way} {points} 个百分点({low} 至 {high})。",
    },
    "conversion.way.higher": {"en": "more", "zh": "高"},
    "conversion.way.lower": {"en": "less", "zh": "低"},
    "conversion.sentence.new_agents": {
        "en": "Agents in their first 30 days convert {points} points {way} than agents of "
              "90-364 days ({low} to {high}).",
        "zh": "入职 30 天内的新人询单转化率比司龄 90-364 天的客服{way} {points} 个百分点"
              "({low} 至 {high})。",
    },
    "conversion.sentence.behind": {
        "en": "Likely truly in the bottom {share} of their team: {names}.",
        "zh": "很可能确实处于组内末位 {share} 的客服:{names}。",
    },
    "conversion.sentence.nobody_behind": {
        "en": "No agent is likely (50% or more) to be truly in the bottom {share} of their "
              "team: the lowest raw rates are within what chance gives.",
        "zh": "没有客服确实处于组内末位 {share} 的概率达到 50%:"
              "最低的原始转化率仍在随机波动范围内。",
    },
    "conversion.sentence.unlucky": {
        "en": "Look bottom by raw conversion but are probably only unlucky: {names}.",
        "zh": "按原始转化率看似末位、但更可能只是运气不好:{names}。",
    },
    "conversion.agent_behind": {"en": "{name} ({team}, {p} likely)",
                                "zh": "{name}({team},概率 {p})"},
    "conversion.agent_unlucky": {"en": "{name} ({team}, looks bottom on {n} inquiries)",
                                 "zh": "{name}({team},仅 {n} 个询单)"},
    "conversion.sentence.rank_falls": {
        "en": "Largest falls in team rank: {names}.",
        "zh": "组内排名下降最多:{names}。",
    },
    "conversion.agent_rank": {"en": "{name} ({team}, {before} → {now})",
                              "zh": "{name}({team},从第 {before} 名到第 {now} 名)"},
    "conversion.sentence.model_daily": {
        "en": "Without session data, the drivers come from an agent-day model of agent_daily.",
        "zh": "没有会话数据,影响因素来自客服日报的客服-日模型。",
    },
    # table columns
    "conversion.col.team": {"en": "Team", "zh": "组别"},
    "conversion.col.name": {"en": "Agent", "zh": "客服"},
    "conversion.col.agent_id": {"en": "Agent ID", "zh": "工号"},
    "conversion.col.inquiries": {"en": "Inquiries", "zh": "询单人数"},
    "conversion.col.converted_inquiries": {"en": "Paid", "zh": "最终付款人数"},
    "conversion.col.conversion_rate": {"en": "Conversion", "zh": "询单转化率"},
    "conversion.col.credited_sales": {"en": "Sales", "zh": "客服销售额"},
    "conversion.col.order_value": {"en": "Order value", "zh": "客单价"},
    "conversion.col.conversion_change": {"en": "Conversion vs last month",
                                         "zh": "转化率环比"},
    "conversion.col.avg_first_response_s": {"en": "First resp. mean", "zh": "平均首响"},
    "conversion.col.median_first_response_s": {"en": "First resp. median",
                                               "zh": "首响中位数"},
    "conversion.col.p90_first_response_s": {"en": "First resp. P90", "zh": "首响 P90"},
    "conversion.col.avg_response_s": {"en": "Avg response", "zh": "平响"},
    "conversion.col.satisfaction_rate": {"en": "Satisfaction rate", "zh": "满意率"},
    "conversion.col.rank": {"en": "Rank in team", "zh": "组内排名"},
    "conversion.col.rank_change": {"en": "Rank change", "zh": "排名变化"},
    "conversion.col.group": {"en": "Team", "zh": "组别"},
    "conversion.col.sales_last_month": {"en": "Sales last month", "zh": "上月客服销售额"},
    "conversion.col.sales": {"en": "Sales this month", "zh": "本月客服销售额"},
    "conversion.col.inquiries_effect": {"en": "from inquiries", "zh": "询单人数贡献"},
    "conversion.col.conversion_effect": {"en": "from conversion", "zh": "转化率贡献"},
    "conversion.col.value_effect": {"en": "from order value", "zh": "客单价贡献"},
    "conversion.col.total_change": {"en": "Total change", "zh": "总变化"},
    "conversion.col.term": {"en": "Factor", "zh": "因素"},
    "conversion.col.odds_ratio": {"en": "Odds ratio", "zh": "优势比"},
    "conversion.col.odds_ratio_ci": {"en": "95% CI", "zh": "95% 置信区间"},
    "conversion.col.ame": {"en": "Effect on conversion (points)",
                           "zh": "对转化率的影响(百分点)"},
    "conversion.col.ame_ci": {"en": "95% CI (points)", "zh": "95% 置信区间(百分点)"},
    "conversion.col.p_value": {"en": "p-value", "zh": "p 值"},
    "conversion.col.n": {"en": "Inquiries", "zh": "询单人数"},
    "conversion.col.bin": {"en": "First response", "zh": "首响"},
    "conversion.col.bin_daily": {"en": "Day's avg. first response", "zh": "当日平均首响"},
    "conversion.col.converted": {"en": "Paying customers", "zh": "最终付款人数"},
    "conversion.col.observed_rate": {"en": "Observed conversion", "zh": "实际转化率"},
    "conversion.col.shrunk_rate": {"en": "Shrunk conversion", "zh": "收缩后转化率"},
    "conversion.col.interval": {"en": "90% interval", "zh": "90% 区间"},
    "conversion.col.p_bottom": {"en": "p(bottom)", "zh": "末位概率"},
    "conversion.col.raw_rank": {"en": "Raw rank", "zh": "原始排名"},
    "conversion.col.shrunk_rank": {"en": "Shrunk rank", "zh": "收缩后排名"},
    "conversion.col.verdict": {"en": "Reading", "zh": "判断"},
    "conversion.verdict.behind": {"en": "likely behind", "zh": "确实落后"},
    "conversion.verdict.unlucky": {"en": "looks bottom on {n} inquiries",
                                   "zh": "看似末位(仅 {n} 个询单)"},
    "conversion.verdict.hidden": {"en": "bottom once shrunk", "zh": "收缩后末位"},
    "conversion.unranked": {"en": "not ranked", "zh": "未排名"},
    "conversion.new": {"en": "unranked last month", "zh": "上月未排名"},
    # model terms
    "conversion.term.first_response_min": {"en": "First response, per minute",
                                           "zh": "首响(每多 1 分钟)"},
    "conversion.term.never_answered": {"en": "Never answered", "zh": "未回复"},
    "conversion.term.fast_response_rate": {"en": "Fast-response rate (0 to 1)",
                                           "zh": "响应率(0 至 1)"},
    "conversion.term.tenure_band": {"en": "Tenure", "zh": "司龄"},
    "conversion.term.shift": {"en": "Shift", "zh": "班次"},
    "conversion.term.hour": {"en": "Hour", "zh": "时段"},
    "conversion.term.weekday": {"en": "Weekday", "zh": "星期"},
    "conversion.term.category": {"en": "Category", "zh": "咨询类目"},
    "conversion.term.promotion_day": {"en": "Promotion day", "zh": "大促日"},
    "conversion.term.month": {"en": "Month", "zh": "月份"},
    "conversion.days": {"en": "{band} days", "zh": "{band}天"},
    "conversion.never": {"en": "never answered", "zh": "未回复"},
    "conversion.ref_item": {"en": "{variable} {level}", "zh": "{variable}为{level}"},
    # plots
    "conversion.plot.shop": {"en": "Shop", "zh": "全店"},
    "conversion.plot.last_month": {"en": "last month", "zh": "上月"},
    "conversion.plot.inquiries": {"en": "inquiries", "zh": "询单人数"},
    "conversion.plot.conversion": {"en": "conversion", "zh": "转化率"},
    "conversion.plot.value": {"en": "order value", "zh": "客单价"},
    "conversion.plot.this_month": {"en": "this month", "zh": "本月"},
    "conversion.plot.sales_axis": {"en": "Credited sales (yuan)", "zh": "客服销售额(元)"},
    "conversion.plot.shrunk": {"en": "shrunk (90% interval)", "zh": "收缩后(90% 区间)"},
    "conversion.plot.raw": {"en": "raw", "zh": "原始"},
    "conversion.plot.lowest_of": {
        "en": "{group}: {n} of {total} agents (the lowest shrunk rates, and any whose bottom "
              "status differs)",
        "zh": "{group}:{total} 名客服中的 {n} 名(收缩后最低者,及末位结论不一致者)"},
    "conversion.plot.hour": {"en": "Hour of day", "zh": "时段(点)"},
    "conversion.plot.inquiries_per_day": {"en": "Inquiries per day", "zh": "日均询单人数"},
    "conversion.plot.avg_first_response_s": {"en": "Average first response (s)",
                                             "zh": "平均首响(秒)"},
    "conversion.plot.ame_axis": {"en": "Change in conversion (percentage points, 95% CI)",
                                 "zh": "询单转化率变化(百分点,95% 置信区间)"},
    "conversion.plot.shape_axis": {"en": "Against answering within 30 s (points, 95% CI)",
                                   "zh": "相对 30 秒内回复(百分点,95% 置信区间)"},
    "conversion.weekday.0": {"en": "Mon", "zh": "周一"},
    "conversion.weekday.1": {"en": "Tue", "zh": "周二"},
    "conversion.weekday.2": {"en": "Wed", "zh": "周三"},
    "conversion.weekday.3": {"en": "Thu", "zh": "周四"},
    "conversion.weekday.4": {"en": "Fri", "zh": "周五"},
    "conversion.weekday.5": {"en": "Sat", "zh": "周六"},
    "conversion.weekday.6": {"en": "Sun", "zh": "周日"},
}
