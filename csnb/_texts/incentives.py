"""Texts of the incentives report (keys start with ``incentives.``), in English and Chinese.

The DiD engine's warning and note codes (``did.few_clusters``, ...) are shown under
``incentives.did.*`` (:mod:`csnb.report.incentives` maps them).
"""

TEXT: dict[str, dict[str, str]] = {
    # sections
    "incentives.section.adoption": {"en": "Adoption timeline", "zh": "末位淘汰考核实行时间线"},
    "incentives.section.ranking": {"en": "This month's ranking in policy teams",
                                   "zh": "本月实行末位淘汰考核组别的排名"},
    "incentives.section.did": {"en": "Did the policy work? Staggered difference in differences",
                               "zh": "考核是否有效:交错双重差分"},
    "incentives.section.event_study": {"en": "Effect by months since adoption",
                                       "zh": "按实行后月数的效果(事件研究)"},
    "incentives.section.by_group": {"en": "Effect by adoption group",
                                    "zh": "按实行批次的效果"},
    "incentives.section.pretrend": {"en": "Before adoption: pre-trend test",
                                    "zh": "实行前趋势检验"},
    "incentives.section.cutoff": {"en": "The bottom-ranked rebound and regression to the mean",
                                  "zh": "末位客服的“反弹”与均值回归"},
    "incentives.section.decomposition": {"en": "Team change: same agents or different agents",
                                         "zh": "组别变化:人变好了,还是换了人"},
    # notes under the headings
    "incentives.note.adoption": {
        "en": "Each team's policy period from the policies table. Teams that adopt after the "
              "data begin give a before and an after; teams that never adopt are the comparison.",
        "zh": "各组实行末位淘汰考核的时段(来自考核制度表)。数据开始之后才实行的组别有实行前后可比;"
              "从未实行的组别作为对照。",
    },
    "incentives.note.ranking": {
        "en": "Only agents of teams whose policy is active this month are listed: agents of "
              "other teams are not ranked out. Score = weighted sum of the z-scores shown (within "
              "the team). The conversion interval is the agent's shrunk (empirical-Bayes) "
              "conversion rate with its {level} interval: when it contains the team's rate, the "
              "agent's conversion cannot be told apart from the team's at this volume.",
        "zh": "只列出本月考核生效组别的客服:其他组别的客服不参与末位淘汰。得分 = 表中各项组内标准分"
              "(z 分数)的加权和。转化率区间为客服经收缩估计(经验贝叶斯)的询单转化率及其 {level} "
              "区间:区间包含本组转化率时,在该询单量下无法区分该客服与本组平均水平。",
    },
    "incentives.note.did_notyet": {
        "en": "Callaway & Sant'Anna group-time effects (each adoption group against teams that "
              "have not adopted yet, never-adopting teams included; base period varying), "
              "aggregated over the months after adoption. {inference} The naive two-way "
              "fixed-effects regression is shown beside it; it can be biased when adoption is "
              "staggered. Intervals are 95%. Effects on rates are in percentage points. The "
              "estimator is csnb's own, checked against the published mpdta figures of R's "
              "did package.",
        "zh": "Callaway & Sant'Anna 分组-时期效应(每个实行批次与尚未实行的组别比较,"
              "含从未实行的组别;基期逐期变动),按实行后各月汇总。{inference}"
              "旁边是朴素双向固定效应回归,在分批实行时可能有偏。区间均为 95%。比率类指标的效果以"
              "百分点表示。估计量由 csnb 自行实现,并已用 R did 包公开的 mpdta 结果核对。",
    },
    "incentives.note.by_group": {
        "en": "The effect for each adoption group (the teams that adopted the policy in the "
              "same month), averaged over its months under the policy. A group of one team "
              "rests on that team alone.",
        "zh": "每个实行批次(同一月份开始实行的组别)在其实行各月的平均效果。只有一个组别的批次,"
              "结论只依赖这一个组。",
    },
    "incentives.note.did": {
        "en": "Callaway & Sant'Anna group-time effects (each adoption group against teams that "
              "never adopt, base period varying), "
              "aggregated over the months after adoption. {inference} The naive two-way "
              "fixed-effects regression is shown beside it; it can be biased when adoption is "
              "staggered. Intervals are 95%. Effects on rates are in percentage points. The "
              "estimator is csnb's own, checked against the published mpdta figures of R's "
              "did package.",
        "zh": "Callaway & Sant'Anna 分组-时期效应(每个实行批次与从未实行的组别比较,基期逐期变动),"
              "按实行后各月汇总。{inference}旁边是朴素双向固定效应回归,在分批实行时"
              "可能有偏。区间均为 95%。比率类指标的效果以百分点表示。估计量由 csnb 自行实现,"
              "并已用 R did 包公开的 mpdta 结果核对。",
    },
    "incentives.note.cutoff": {
        "en": "Each month, the agents in the bottom share of their team's ranking are compared "
              "with the same number just above them: their score change the next month. In "
              "teams without the policy the same ranking is computed but nobody is ranked out, "
              "so their rebound is pure regression to the mean (a bad month tends to be followed "
              "by a more usual one). The policy's own part is the difference of the two jumps, "
              "with standard errors clustered by agent. Agents not ranked the next month "
              "(dismissed, left, not eligible) drop out.",
        "zh": "每月把组内排名处于末位比例的客服,与紧挨其上的同等人数客服比较下月得分的变化。未实行"
              "考核的组别同样计算排名,但无人被淘汰,因此其“反弹”纯属均值回归(差的一个月之后往往是"
              "更正常的一个月)。考核本身带来的部分 = 两类组别跳升之差,标准误按客服聚类。下月未参与"
              "排名的客服(被淘汰、离职或不满足条件)不计入。",
    },
    "incentives.note.decomposition": {
        "en": "Conversion of each team that adopted the policy, over up to {window} months "
              "before adoption and {window} months from it. The within-agent part is the change "
              "of the same agents (inquiry-weighted regression with agent fixed effects); the "
              "rest comes from who left and who joined. Teams without the policy over the same "
              "months show the background change.",
        "zh": "每个实行考核组别的询单转化率,比较实行前最多 {window} 个月与实行后"
              "最多 {window} 个月。"
              "个人变化部分为同一批客服自身的变化(按询单量加权、含客服固定效应的回归);其余部分来自"
              "人员的离开与加入。未实行考核组别在同期的变化作为背景参照。",
    },
    "incentives.note.inference_t": {
        "en": "Standard errors come from the influence functions, clustered by team. The "
              "evidence rests on only {teams} teams, and with so few clusters normal intervals "
              "are too narrow (each adoption group's own spread is estimated from one or two "
              "teams), so the variance is multiplied by {teams}/{df} and the intervals use t "
              "critical values with {df} degrees of freedom (as fixest and Stata do for "
              "clustered regressions); the pre-trend test is the matching F test.",
        "zh": "标准误由影响函数按组聚类得到。证据只来自 {teams} 个组别,聚类这么少时正态区间偏窄"
              "(每个实行批次自身的波动只能由一两个组别估计),因此方差乘以 {teams}/{df},区间采用"
              "自由度为 {df} 的 t 分布临界值(与 fixest、Stata 对聚类回归的做法相同);实行前趋势"
              "检验相应采用 F 检验。",
    },
    "incentives.note.inference_normal": {
        "en": "Standard errors come from the influence functions, clustered by team, with "
              "normal critical values ({teams} teams).",
        "zh": "标准误由影响函数按组聚类得到,区间采用正态临界值({teams} 个组别)。",
    },
    "incentives.none": {
        "en": "No team runs the bottom-ranked-out policy in this dataset: there is no ranking "
              "to show and no effect to estimate.",
        "zh": "本数据集中没有组别实行末位淘汰考核:没有排名可展示,也无法估计考核效果。",
    },
    "incentives.no_policy_team_now": {
        "en": "No team is under the policy this month: nobody is ranked bottom.",
        "zh": "本月没有组别实行末位淘汰考核:无人排名末位。",
    },
    "incentives.no_cutoff": {
        "en": "Not available: the data hold no month followed by another with a ranking in "
              "both policy teams and teams without the policy.",
        "zh": "无法计算:数据中没有同时包含实行与未实行考核组别排名、且有下一个月可比的月份。",
    },
    "incentives.no_decomposition": {
        "en": "Not available: no team adopted the policy within the data with conversion "
              "figures before and after.",
        "zh": "无法计算:没有组别在数据期间内开始实行考核且前后均有转化数据。",
    },
    # DiD warnings and notes (engine codes did.* shown as incentives.did.*)
    "incentives.did.few_clusters": {
        "en": "The inference rests on {n_treated} teams that adopted the policy and {n_control} "
              "that did not: fewer than 5 on a side is very little. The intervals carry the "
              "few-cluster correction above, and a multiplier-bootstrap interval (Webb weights "
              "by team) is shown beside them; where the two differ, or an interval barely "
              "excludes zero, treat the verdict as an indication.",
        "zh": "推断仅基于 {n_treated} 个实行考核的组别和 {n_control} 个未实行的组别:任一侧少于 5 个"
              "组别都非常少。区间已按上文做了少聚类修正,旁边另列按组的乘数自助法(Webb 权重)区间;"
              "两者不一致或区间刚好不含零时,结论仅作参考。",
    },
    "incentives.did.single_unit_groups": {
        "en": "{n_groups} adoption date(s) have a single team: that team's own month-to-month "
              "spread cannot be estimated, so even the corrected intervals may be too narrow.",
        "zh": "有 {n_groups} 个实行批次只有一个组别:无法估计该组自身的逐月波动,即使经过修正,"
              "区间也可能偏窄。",
    },
    "incentives.did.pretrend_singular": {
        "en": "There are more pre-adoption estimates than independent teams; each outcome's "
              "pre-trend test uses only the directions the data can inform (its degrees of "
              "freedom in the pre-trend table).",
        "zh": "实行前的估计值多于独立组别数;各指标的趋势检验只使用数据能识别的维度"
              "(即趋势检验表中的自由度)。",
    },
    "incentives.did.no_pre_periods": {
        "en": "No month before adoption can be compared: there is no pre-trend test.",
        "zh": "没有可比较的实行前月份:无法进行实行前趋势检验。",
    },
    "incentives.did.policy_ended": {
        "en": "A team's policy ended within the data; its months after the end still count as "
              "treated (the effect of having adopted the policy).",
        "zh": "有组别在数据期间内停止了考核;停止后的月份仍计为已实行"
              "(衡量的是“实行过该考核”的效果)。",
    },
    "incentives.did.always_treated": {
        "en": "Teams already under the policy in the data's first month have no before period "
              "and are left out of the estimate.",
        "zh": "数据首月已实行考核的组别没有实行前数据,不纳入估计。",
    },
    "incentives.did.unavailable": {
        "en": "The policy's effect cannot be estimated: {reason}",
        "zh": "无法估计考核效果:{reason}",
    },
    "incentives.did.no_treated": {
        "en": "no team adopts the policy after the data begin, so no team has a before and an "
              "after.",
        "zh": "没有组别在数据开始之后才实行考核,因此没有组别同时有实行前后的数据。",
    },
    "incentives.did.no_control": {
        "en": "every team adopts the policy, so there is no team to compare with.",
        "zh": "所有组别都实行了考核,没有可对照的组别。",
    },
    "incentives.did.other": {
        "en": "the data do not allow it ({detail}).",
        "zh": "数据不支持({detail})。",
    },
    "incentives.did.skipped": {
        "en": "Not estimated for lack of data: {outcomes}.",
        "zh": "因数据不足未估计:{outcomes}。",
    },
    # outcomes (the metric book's names; turnover split by type has no label in METRICS yet)
    "incentives.outcome.conversion_rate": {"en": "Inquiry conversion rate", "zh": "询单转化率"},
    "incentives.outcome.fast_response_rate": {"en": "Fast response rate", "zh": "快速响应率"},
    "incentives.outcome.complaints_per_1k_orders": {"en": "Complaints per 1,000 paid orders",
                                                    "zh": "千单投诉率"},
    "incentives.outcome.turnover_rate_voluntary": {"en": "Voluntary turnover rate",
                                                   "zh": "主动离职率"},
    "incentives.outcome.turnover_rate_involuntary": {"en": "Involuntary turnover rate",
                                                     "zh": "被动离职率"},
    # generated sentences
    "incentives.sentence.teams": {
        "en": "The evidence on the policy rests on {n_treated} team(s) that adopted it within the "
              "data and {n_control} that never did.",
        "zh": "关于考核效果的证据来自 {n_treated} 个在数据期间内开始实行的组别和 {n_control} 个从未"
              "实行的组别。",
    },
    "incentives.sentence.inference_t": {
        "en": "With only {teams} teams, the intervals below are widened for few clusters (t "
              "critical values with {df} degrees of freedom): normal intervals would claim "
              "more certainty than {teams} teams give.",
        "zh": "由于只有 {teams} 个组别,以下区间做了少聚类修正(采用自由度为 {df} 的 t 分布临界值):"
              "正态区间会夸大 {teams} 个组别所能提供的确定性。",
    },
    "incentives.sentence.few_clusters": {
        "en": "That is very little: with fewer than 5 teams on a side, one team's unusual month "
              "can make or hide an effect, so the figures below are indications, not proof.",
        "zh": "这非常少:任一侧少于 5 个组别时,一个组别某个月的异常就足以制造或掩盖效果,因此以下"
              "数字仅供参考,不能作为定论。",
    },
    "incentives.sentence.effect": {
        "en": "{outcome}: the policy changed it by {effect} (95% CI {low} to {high}{boot}){verdict}"
              "; the naive two-way fixed-effects estimate is {twfe}{disagree}.",
        "zh": "{outcome}:考核带来的变化为 {effect}(95% 区间 {low} 至 {high}{boot}){verdict};"
              "朴素双向固定效应估计为 {twfe}{disagree}。",
    },
    "incentives.sentence.boot": {"en": "; bootstrap {low} to {high}",
                                 "zh": ";自助法区间 {low} 至 {high}"},
    "incentives.sentence.beyond": {"en": ", beyond chance", "zh": ",超出随机波动"},
    "incentives.sentence.within": {
        "en": ", within chance: it cannot be told apart from no effect",
        "zh": ",在随机波动范围内:无法与“没有效果”区分",
    },
    "incentives.sentence.disagree": {
        "en": ", outside that interval: the two disagree, and the naive figure is the one to "
              "distrust under staggered adoption",
        "zh": ",落在上述区间之外:两者不一致,分批实行时朴素估计更不可信",
    },
    "incentives.sentence.pretrend_ok": {
        "en": "Before adoption, policy teams moved like the others on {outcomes} (pre-trend "
              "test p ≥ 0.05){weak}.",
        "zh": "实行前,考核组别在{outcomes}上与其他组别走势一致(趋势检验 p ≥ 0.05){weak}。",
    },
    "incentives.sentence.pretrend_weak": {
        "en": ", though with this few teams the test can miss a difference",
        "zh": ",但组别这么少时该检验可能发现不了差异",
    },
    "incentives.sentence.pretrend_bad": {
        "en": "On {outcomes} they did not (p < 0.05): the estimate there may reflect a "
              "difference that predates the policy.",
        "zh": "在{outcomes}上走势不一致(p < 0.05):这些指标的估计可能反映的是考核之前就存在的差异。",
    },
    "incentives.sentence.pretrend_none": {
        "en": "No pre-trend test was possible on {outcomes}: no month before adoption can be "
              "compared.",
        "zh": "{outcomes}无法做实行前趋势检验:没有可比较的实行前月份。",
    },
    "incentives.sentence.bottom": {
        "en": "This month {n} agent(s) are ranked bottom in the {teams} team(s) under the "
              "policy: {names}.",
        "zh": "本月实行考核的 {teams} 个组别中有 {n} 名客服排名末位:{names}。",
    },
    "incentives.sentence.bottom_again": {
        "en": "{k} of them were ranked bottom last month too: {names}.",
        "zh": "其中 {k} 人上月也排名末位:{names}。",
    },
    "incentives.sentence.bottom_noise": {
        "en": "For {k} of them the conversion rate's {level} interval includes their team's: on "
              "conversion they cannot be told apart from the team, so their bottom rank may be "
              "noise or comes from the other components: {names}.",
        "zh": "其中 {k} 人的询单转化率 {level} 区间包含本组水平:在转化率上无法与本组区分,其末位排名"
              "可能只是随机波动,或来自其他考核项:{names}。",
    },
    "incentives.sentence.rebound": {
        "en": "Agents ranked bottom raised their score by {rebound} points the next month on "
              "average, and those just above the cutoff by {above}; in teams without the "
              "policy, agents at the same ranks rose by {c_below} and {c_above} with nobody "
              "ranked out: that rebound is regression to the mean.",
        "zh": "排名末位的客服下月得分平均上升 {rebound} 分,紧挨其上的客服上升 {above} 分;在未实行"
              "考核的组别,同样名次的客服在无人被淘汰的情况下分别上升 {c_below} 和 {c_above} 分:"
              "这种反弹就是均值回归。",
    },
    "incentives.sentence.rtm_why": {
        "en": "Why: in teams without the policy an agent keeps only about {persistence} of "
              "this month's distance from the team average into the next month (a month's "
              "score is partly lasting skill, partly that month's luck, and the bottom of a "
              "ranking gathers bad luck), so bottom-ranked agents at {score} points would "
              "rise by about {expected} points with no policy at all.",
        "zh": "原因:在未实行考核的组别,客服本月与组内平均的差距到下月只保留约 {persistence}"
              "(月度得分一部分是稳定的能力,一部分是当月的运气,而排名末位聚集了运气差的人),"
              "因此本月得分 {score} 分的末位客服即使没有任何考核,下月也会上升约 {expected} 分。",
    },
    "incentives.sentence.cutoff": {
        "en": "The part of the bottom-ranked rebound that the policy adds beyond regression to "
              "the mean is {est} points (95% CI {low} to {high}){verdict}.",
        "zh": "扣除均值回归后,考核本身带来的末位反弹为 {est} 分"
              "(95% 区间 {low} 至 {high}){verdict}。",
    },
    "incentives.sentence.rtm_share": {
        "en": "Regression to the mean alone accounts for about {share} of the bottom-ranked "
              "rebound.",
        "zh": "末位客服的反弹中约 {share} 可由均值回归单独解释。",
    },
    "incentives.sentence.left": {
        "en": "{share} of bottom-ranked agents were not ranked the next month (dismissed, left "
              "or not eligible), against {share_above} of those just above: the rebound is "
              "measured on those who stayed.",
        "zh": "{share} 的末位客服下月未参与排名(被淘汰、离职或不满足条件),紧挨其上的客服为 "
              "{share_above}:反弹只在留下的客服中测得。",
    },
    "incentives.sentence.decomposition": {
        "en": "In {team}, conversion moved {total} from the {before} month(s) before adoption "
              "to the {after} from it: {within} from the same agents changing and {composition} "
              "from who left and joined ({leavers} left, {joiners} joined); teams without the "
              "policy moved {control} over the same months.",
        "zh": "{team}的询单转化率从实行前 {before} 个月到实行后 {after} 个月变化 {total}:其中"
              "同一批客服自身变化 {within},人员进出(离开 {leavers} 人、加入 {joiners} 人)带来 "
              "{composition};同期未实行考核的组别变化 {control}。",
    },
    # values
    "incentives.unit.pp": {"en": " pp", "zh": "个百分点"},
    "incentives.role.treated": {"en": "adopted within the data", "zh": "数据期间内开始实行"},
    "incentives.role.always_treated": {"en": "under the policy from the start",
                                       "zh": "数据开始时已实行"},
    "incentives.role.not_yet": {"en": "adopts later", "zh": "之后才实行"},
    "incentives.role.never": {"en": "never (comparison)", "zh": "从未实行(对照组)"},
    "incentives.arm.policy": {"en": "Policy teams", "zh": "实行考核的组别"},
    "incentives.arm.control": {"en": "Teams without the policy", "zh": "未实行考核的组别"},
    "incentives.side.below": {"en": "Bottom (just below the cutoff)", "zh": "末位(线下)"},
    "incentives.side.above": {"en": "Just above the cutoff", "zh": "紧挨线上"},
    "incentives.estimator.cs": {"en": "Callaway & Sant'Anna", "zh": "Callaway & Sant'Anna"
                                                                  "(交错双重差分)"},
    "incentives.estimator.twfe": {"en": "Naive two-way fixed effects", "zh": "朴素双向固定效应"},
    "incentives.plot.event_x": {"en": "Months since adoption", "zh": "实行后月数"},
    "incentives.plot.effect": {"en": "Effect", "zh": "效果"},
    "incentives.plot.score_change": {"en": "Score change next month", "zh": "下月得分变化"},
    "incentives.plot.never": {"en": "never", "zh": "未实行"},
    "incentives.plot.timeline": {"en": "Policy periods", "zh": "考核实行时段"},
    "incentives.pretrend.ok": {"en": "holds", "zh": "成立"},
    "incentives.pretrend.rejected": {"en": "violated", "zh": "不成立"},
    "incentives.pretrend.none": {"en": "no test", "zh": "无法检验"},
    # table columns
    "incentives.col.outcome": {"en": "Outcome", "zh": "指标"},
    "incentives.col.cs": {"en": "Effect (CS)", "zh": "效果(CS)"},
    "incentives.col.cs_ci": {"en": "95% CI (clustered)", "zh": "95% 区间(聚类)"},
    "incentives.col.boot_ci": {"en": "95% CI (bootstrap)", "zh": "95% 区间(自助法)"},
    "incentives.col.twfe": {"en": "Naive TWFE", "zh": "朴素双向固定效应"},
    "incentives.col.twfe_ci": {"en": "TWFE 95% CI", "zh": "双向固定效应 95% 区间"},
    "incentives.col.teams": {"en": "Teams (treated / control)", "zh": "组别数(实行/对照)"},
    "incentives.col.statistic": {"en": "Wald statistic", "zh": "Wald 统计量"},
    "incentives.col.df": {"en": "Degrees of freedom", "zh": "自由度"},
    "incentives.col.p_value": {"en": "p-value", "zh": "p 值"},
    "incentives.col.n_estimates": {"en": "Pre-adoption estimates", "zh": "实行前估计数"},
    "incentives.col.verdict": {"en": "Parallel trends", "zh": "平行趋势"},
    "incentives.col.group": {"en": "Adopted in", "zh": "实行月份"},
    "incentives.col.group_teams": {"en": "Teams", "zh": "组别"},
    "incentives.col.start_month": {"en": "Start month", "zh": "开始月份"},
    "incentives.col.end_month": {"en": "End month", "zh": "结束月份"},
    "incentives.col.active": {"en": "Active this month", "zh": "本月生效"},
    "incentives.col.months_under_policy": {"en": "Months under the policy", "zh": "已实行月数"},
    "incentives.col.role": {"en": "In the DiD", "zh": "双重差分中的角色"},
    "incentives.col.agent_id": {"en": "Agent ID", "zh": "工号"},
    "incentives.col.name": {"en": "Name", "zh": "姓名"},
    "incentives.col.z_conversion_rate": {"en": "z conversion", "zh": "转化率标准分"},
    "incentives.col.z_fast_response_rate": {"en": "z fast response", "zh": "快速响应率标准分"},
    "incentives.col.z_credited_sales": {"en": "z sales", "zh": "销售额标准分"},
    "incentives.col.z_agent_complaint_rate": {"en": "z complaints (−)", "zh": "投诉率标准分(−)"},
    "incentives.col.score": {"en": "Score", "zh": "得分"},
    "incentives.col.rank": {"en": "Rank", "zh": "名次"},
    "incentives.col.n_ranked": {"en": "Ranked in team", "zh": "组内排名人数"},
    "incentives.col.bottom": {"en": "Bottom", "zh": "末位"},
    "incentives.col.bottom_last_month": {"en": "Bottom last month", "zh": "上月末位"},
    "incentives.col.conv_interval": {"en": "Shrunk conversion ({level} interval)",
                                     "zh": "收缩转化率({level} 区间)"},
    "incentives.col.team_conversion": {"en": "Team conversion", "zh": "本组转化率"},
    "incentives.col.within_noise": {"en": "Within noise", "zh": "在随机波动内"},
    "incentives.col.arm": {"en": "Teams", "zh": "组别类型"},
    "incentives.col.side": {"en": "Agents", "zh": "客服"},
    "incentives.col.agent_months": {"en": "Agent-months", "zh": "人月数"},
    "incentives.col.with_next_month": {"en": "Ranked next month", "zh": "下月仍参与排名"},
    "incentives.col.left_share": {"en": "Not ranked next month", "zh": "下月未参与排名占比"},
    "incentives.col.mean_score": {"en": "Mean score", "zh": "平均得分"},
    "incentives.col.mean_change": {"en": "Score change next month", "zh": "下月得分变化"},
    "incentives.col.change_ci": {"en": "95% CI", "zh": "95% 区间"},
    "incentives.col.before": {"en": "Before", "zh": "实行前"},
    "incentives.col.after": {"en": "After", "zh": "实行后"},
    "incentives.col.total": {"en": "Change", "zh": "变化"},
    "incentives.col.within_agent": {"en": "Same agents", "zh": "同一批客服自身变化"},
    "incentives.col.composition": {"en": "Who left and joined", "zh": "人员进出"},
    "incentives.col.control_change": {"en": "Teams without the policy", "zh": "未实行组别同期变化"},
    "incentives.col.stayers": {"en": "Stayed", "zh": "留任"},
    "incentives.col.leavers": {"en": "Left", "zh": "离开"},
    "incentives.col.joiners": {"en": "Joined", "zh": "加入"},
}
