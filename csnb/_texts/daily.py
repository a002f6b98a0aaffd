"""Texts of the daily brief (``daily.``) and of the chat reviews section (``qa.``).

Chinese as customer-service supervisors say it: 日报, 抽查聊天记录 (reading chats), 质检
(review), 合格率 (pass rate), 首响 (first response), 询单 (inquiry), 转化率.
"""

TEXT: dict[str, dict[str, str]] = {
    # -- the brief's sections --------------------------------------------------------------
    "daily.section.summary": {"en": "What stands out", "zh": "昨日要点"},
    "daily.section.agents": {"en": "Yesterday by agent", "zh": "昨日客服数据"},
    "daily.section.chats": {"en": "The chats to read", "zh": "今日抽查聊天记录"},
    "daily.section.design": {"en": "How the chats were chosen", "zh": "抽样方法"},
    "daily.note.agents": {
        "en": "Flagged agents (⚑) first. Baselines are the agent's own previous {days} days; "
              "a flag needs the day to be below the agent's own or the team's baseline beyond "
              "chance at the day's volume.",
        "zh": "被标记的客服(⚑)排在前面。基线为该客服此前 {days} 天的数据;只有当日数据在当日"
              "接待量下显著低于本人或本组基线(超出偶然波动)时才会标记。",
    },
    "daily.note.chats": {
        "en": "Read these chats today (about two minutes each). Customer ids are masked. The "
              "weight of a chat is how many of the day's chats it stands for; reviews entered "
              "in qa_reviews are weighted back with it.",
        "zh": "请今天阅读以下聊天记录(每条约两分钟)。买家ID已脱敏。权重表示该记录代表当日多少条"
              "会话;录入质检记录(qa_reviews)后按权重还原全体合格率。",
    },
    "daily.note.design": {
        "en": "Every complaint-linked chat is read; the rest of the quota goes {flagged} to "
              "flagged agents, {slow} to slow first responses, {lost} to lost high-intent "
              "inquiries ({msgs}+ customer messages, not converted) and {random} to a random "
              "baseline. The draw is seeded by the date ({seed}): the same data give the same "
              "chats.",
        "zh": "关联投诉的会话全部抽查;其余名额按 {flagged} 给被标记客服、{slow} 给首响慢的会话、"
              "{lost} 给流失的高意向询单(买家消息 {msgs} 条及以上且未转化)、{random} 给随机对照组。"
              "抽样以日期为随机种子({seed}):数据相同则抽到的会话相同。",
    },
    "daily.provisional": {
        "en": "Provisional: the data end on {last_date}, within the {lag}-day lag, so this "
              "day's conversion may still change and is not used for flags.",
        "zh": "数据未定稿:数据截至 {last_date},仍在 {lag} 天滞后期内,当日转化率可能变化,"
              "不用于标记。",
    },
    "daily.final": {"en": "Final: the data cover this day and its {lag}-day lag.",
                    "zh": "数据已定稿:数据覆盖当日及其后 {lag} 天滞后期。"},
    "daily.method": {
        "en": "How flags are judged: each agent's day is tested against the agent's own previous "
              "{days} days and the team's (exact one-sided binomial test for conversion and "
              "the 3-minute response rate, one-sided Poisson test for complaints); the day's "
              "p-values are adjusted together (Benjamini-Hochberg, {fdr} false discoveries).",
        "zh": "标记规则:每位客服的当日数据分别与本人和本组此前 {days} 天基线比较(转化率与3分钟"
              "响应率用精确单侧二项检验,投诉用单侧泊松检验);当日全部检验的 p 值统一做"
              " Benjamini-Hochberg 校正(错误发现率 {fdr})。",
    },
    # -- why an agent is flagged, why a chat is sampled ------------------------------------
    "daily.against.own": {"en": "own 30-day", "zh": "本人近30天"},
    "daily.against.team": {"en": "team 30-day", "zh": "本组近30天"},
    "daily.reason.conversion": {
        "en": "conversion {rate} ({k}/{n}) below {against} {baseline} (q={p})",
        "zh": "转化率 {rate}({k}/{n})低于{against} {baseline}(q={p})",
    },
    "daily.reason.fast_response": {
        "en": "3-minute response {rate} ({k}/{n}) below {against} {baseline} (q={p})",
        "zh": "3分钟响应率 {rate}({k}/{n})低于{against} {baseline}(q={p})",
    },
    "daily.reason.complaints": {
        "en": "{observed} complaints where {against} rate expects {expected} (q={p})",
        "zh": "投诉 {observed} 起,按{against}水平预期 {expected} 起(q={p})",
    },
    "daily.why.complaint": {"en": "complaint {id} ({category})", "zh": "关联投诉 {id}({category})"},
    "daily.why.flagged": {"en": "agent flagged: {reason}", "zh": "客服被标记:{reason}"},
    "daily.why.slow": {"en": "first response {seconds} s", "zh": "首响 {seconds} 秒"},
    "daily.why.never": {"en": "never answered", "zh": "未回复"},
    "daily.why.lost": {"en": "presale, {msgs} customer messages, not converted",
                       "zh": "售前询单,买家消息 {msgs} 条,未转化"},
    "daily.why.lost_provisional": {
        "en": "presale, {msgs} customer messages, not converted yet (provisional)",
        "zh": "售前询单,买家消息 {msgs} 条,暂未转化(未定稿)"},
    "daily.why.random": {"en": "random baseline", "zh": "随机对照"},
    "daily.stratum.complaint": {"en": "Complaint-linked", "zh": "关联投诉"},
    "daily.stratum.flagged": {"en": "Flagged agent", "zh": "被标记客服"},
    "daily.stratum.slow": {"en": "Slow first response", "zh": "首响慢"},
    "daily.stratum.lost_intent": {"en": "Lost high-intent inquiry", "zh": "流失高意向询单"},
    "daily.stratum.random": {"en": "Random", "zh": "随机"},
    # -- generated sentences ---------------------------------------------------------------
    "daily.s.no_data": {"en": "The data hold no session on {date}.",
                        "zh": "数据中没有 {date} 的会话。"},
    "daily.s.day": {
        "en": "On {date}, {agents} agents handled {sessions} sessions and {inquiries} "
              "inquiries: conversion {conversion}, 3-minute response rate {fast}, "
              "{complaints} complaints.",
        "zh": "{date} 共 {agents} 位客服接待 {sessions} 个会话、{inquiries} 个询单:转化率 "
              "{conversion},3分钟响应率 {fast},投诉 {complaints} 起。",
    },
    "daily.s.provisional_value": {"en": "{value} (provisional)", "zh": "{value}(未定稿)"},
    "daily.s.flagged": {
        "en": "{n} agent(s) were below their own or their team's {days}-day baseline beyond "
              "chance ({fdr} false discoveries): {agents}. Read their chats first.",
        "zh": "{n} 位客服当日显著低于本人或本组近{days}天基线(错误发现率 {fdr}):{agents}。"
              "请优先阅读其聊天记录。",
    },
    "daily.s.none_flagged": {
        "en": "No agent's day was below their own or their team's {days}-day baseline beyond "
              "chance ({fdr} false discoveries): the low figures of the day are within what "
              "chance gives at these volumes.",
        "zh": "没有客服当日显著低于本人或本组近{days}天基线(错误发现率 {fdr}):当日偏低的数据"
              "在该接待量下属于正常波动。",
    },
    "daily.s.lowest_conversion": {
        "en": "Lowest against their own baseline: {who}, conversion {rate} ({k}/{n}) against "
              "{baseline}; within chance (q={p}).",
        "zh": "相对本人基线最低:{who},转化率 {rate}({k}/{n}),基线 {baseline};"
              "属正常波动(q={p})。",
    },
    "daily.s.lowest_fast": {
        "en": "Lowest against their own baseline: {who}, 3-minute response {rate} ({k}/{n}) "
              "against {baseline}; within chance (q={p}).",
        "zh": "相对本人基线最低:{who},3分钟响应率 {rate}({k}/{n}),基线 {baseline};"
              "属正常波动(q={p})。",
    },
    "daily.s.lowest_complaints": {
        "en": "Most complaints against their own baseline: {who}, {k} where {expected} were "
              "expected; within chance (q={p}).",
        "zh": "相对本人基线投诉最多:{who},{k} 起(预期 {expected} 起);属正常波动(q={p})。",
    },
    "daily.s.complaints": {
        "en": "{n} of the day's chats are linked to a complaint: all of them are in the chats "
              "to read.",
        "zh": "当日有 {n} 个会话关联投诉,已全部列入抽查。",
    },
    "daily.s.sample": {
        "en": "{n} chats to read (quota {quota}): {parts}.",
        "zh": "今日抽查 {n} 条聊天记录(名额 {quota}):{parts}。",
    },
    "daily.s.stratum_count": {"en": "{n} {stratum}", "zh": "{stratum} {n} 条"},
    # -- column wording of the brief's tables ----------------------------------------------
    "daily.col.agent_id": {"en": "Agent ID", "zh": "客服工号"},
    "daily.col.name": {"en": "Agent", "zh": "客服"},
    "daily.col.conversion_baseline": {"en": "Conversion, own 30 days",
                                      "zh": "本人近30天转化率"},
    "daily.col.fast_baseline": {"en": "3-min response, own 30 days",
                                "zh": "本人近30天3分钟响应率"},
    "daily.col.sessions": {"en": "Sessions", "zh": "会话数"},
    "daily.col.expected_complaints": {"en": "Complaints expected", "zh": "预期投诉"},
    "daily.col.flagged": {"en": "Flag", "zh": "标记"},
    "daily.col.reason": {"en": "Reason", "zh": "原因"},
    "daily.col.session_id": {"en": "Session ID", "zh": "会话ID"},
    "daily.col.start_ts": {"en": "Start", "zh": "开始时间"},
    "daily.col.customer": {"en": "Customer (masked)", "zh": "买家(脱敏)"},
    "daily.col.stratum": {"en": "Stratum", "zh": "抽样层"},
    "daily.col.inclusion_probability": {"en": "Inclusion probability", "zh": "入样概率"},
    "daily.col.weight": {"en": "Weight", "zh": "权重"},
    "daily.col.population": {"en": "Chats of the day", "zh": "当日会话数"},
    "daily.col.sampled": {"en": "To read", "zh": "抽查数"},
    # -- the reviews section ---------------------------------------------------------------
    "qa.section": {"en": "Chat reviews (QA)", "zh": "聊天质检"},
    "qa.note": {
        "en": "The team's pass rate weights each review by the chats it stands for (a "
              "Horvitz-Thompson estimate over the daily samples' strata), so reading the bad "
              "chats on purpose does not make the team look worse; the unweighted rate is "
              "shown beside it. Intervals are 95%.",
        "zh": "全组合格率按每条质检所代表的会话数加权(基于每日抽样分层的 Horvitz-Thompson 估计),"
              "因此有意多抽问题会话不会拉低全组合格率;旁边列出未加权合格率。区间为95%置信区间。",
    },
    "qa.s.no_table": {"en": "No chat reviews (qa_reviews) in the data.",
                      "zh": "数据中没有质检记录(qa_reviews)。"},
    "qa.s.no_reviews": {"en": "No reviews of chats from {first} to {last}.",
                        "zh": "{first} 至 {last} 没有质检记录。"},
    "qa.s.team": {
        "en": "{n} chats from {first} to {last} were reviewed: the team's pass rate is {rate} "
              "(95% CI {low} to {high}) weighted to all chats; {unweighted} of the reviewed "
              "chats passed, lower because the bad chats were read on purpose.",
        "zh": "{first} 至 {last} 共质检 {n} 条聊天记录:按权重还原,全组合格率 {rate}"
              "(95%置信区间 {low} 至 {high});被抽查记录的合格率为 {unweighted},"
              "因有意多抽问题会话而偏低。",
    },
    "qa.s.below": {"en": "Below the team beyond chance (interval under the team's rate, and "
                         "an exact test of the agent's reviews against it; one or two failed "
                         "chats are not enough): {agents}.",
                   "zh": "显著低于全组水平(置信区间上限低于全组合格率,且按精确检验该客服的"
                         "抽检结果低于全组;一两条不合格不足以判定):{agents}。"},
    "qa.s.none_below": {"en": "No agent's pass rate is below the team's beyond chance.",
                        "zh": "没有客服的合格率显著低于全组水平。"},
    "qa.s.top_tag": {"en": "Most frequent issue: {tag} ({n} reviews, {failed} failed).",
                     "zh": "最常见问题:{tag}({n} 条,其中不合格 {failed} 条)。"},
    "qa.s.outside": {"en": "{n} reviews are of chats no daily sample drew; they are left out "
                           "of the weighted figures.",
                     "zh": "{n} 条质检记录不在每日抽样中,未计入加权合格率。"},
    "qa.col.group": {"en": "Team", "zh": "组别"},
    "qa.col.name": {"en": "Agent", "zh": "客服"},
    "qa.col.agent_id": {"en": "Agent ID", "zh": "客服工号"},
    "qa.col.reviews": {"en": "Reviews", "zh": "质检数"},
    "qa.col.passed": {"en": "Passed", "zh": "合格数"},
    "qa.col.unweighted_rate": {"en": "Pass rate, unweighted", "zh": "未加权合格率"},
    "qa.col.pass_rate": {"en": "Pass rate, weighted", "zh": "加权合格率"},
    "qa.col.ci_low": {"en": "95% CI low", "zh": "95%置信下限"},
    "qa.col.ci_high": {"en": "95% CI high", "zh": "95%置信上限"},
    "qa.col.tag": {"en": "Issue tag", "zh": "问题标签"},
    "qa.col.failed": {"en": "Failed", "zh": "不合格"},
    "qa.col.share_of_failed": {"en": "Share of failed reviews", "zh": "占不合格比例"},
}
