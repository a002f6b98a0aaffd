"""Texts of the overview's "agents to talk about" section (csnb.report.attention)."""

TEXT: dict[str, dict[str, str]] = {
    "section.attention": {"en": "Agents to talk about", "zh": "需要沟通的客服"},
    "attention.intro": {
        "en": "What the month's reports say about individual agents, one line per agent, "
              "agents with the most findings first. Each finding is the verdict of the report "
              "named beside it, by the same rule; read it there before acting.",
        "zh": "本月各报告对单个客服的结论，每人一行，结论最多者在前。每条结论出自旁边所列报告，"
              "规则与该报告相同；采取行动前请先到该报告查看。"},
    "attention.sentence.some": {
        "en": "{n} agents appear in the reports' findings this month; most findings: {names}.",
        "zh": "本月有 {n} 名客服出现在各报告的结论中；结论最多的是：{names}。"},
    "attention.sentence.one_each": {
        "en": "{n} agents appear in the reports' findings this month, each once: {names}.",
        "zh": "本月有 {n} 名客服出现在各报告的结论中，各一条：{names}。"},
    "attention.sentence.none": {
        "en": "No agent appears in the reports' findings this month.",
        "zh": "本月没有客服出现在各报告的结论中。"},
    "attention.sentence.skipped": {
        "en": "Not checked, the data lack their tables: {what}.",
        "zh": "数据缺少所需表格，未检查：{what}。"},
    "attention.finding_sep": {"en": "; ", "zh": "；"},
    "attention.agent": {"en": "{name} ({team}, {n})", "zh": "{name}（{team}，{n} 条）"},
    "attention.col.agent": {"en": "Agent", "zh": "客服"},
    "attention.col.findings": {"en": "What the reports say", "zh": "报告结论"},
    "attention.col.reports": {"en": "See", "zh": "详见"},
    "attention.signal.dismissal_step": {
        "en": "reached the fine schedule's dismissal step ({count} at-fault complaints)",
        "zh": "达到罚则的辞退档（有责投诉 {count} 起）"},
    "attention.signal.bottom_again": {
        "en": "bottom-ranked under the policy two months running{conversion}",
        "zh": "连续两个月在末位淘汰制度下排名末位{conversion}"},
    "attention.signal.bottom_ranked": {
        "en": "bottom-ranked under the policy{conversion}",
        "zh": "在末位淘汰制度下排名末位{conversion}"},
    "attention.signal.conversion_behind": {
        "en": "conversion {low}–{high} on {count} inquiries, {p} likely in the team's bottom "
              "{share}",
        "zh": "询单转化率 {low}–{high}（{count} 个询单），处于组内末位 {share} 的概率 {p}"},
    "attention.signal.repeat_offender": {
        "en": "at fault in {count} of the last 3 months",
        "zh": "近 3 个月中有 {count} 个月有责投诉"},
    "attention.signal.complaints_above_team": {
        "en": "{value} complaints per 1,000 sessions, above the team's limit of {high}",
        "zh": "千次接待投诉 {value}，高于本组上限 {high}"},
    "attention.conversion_in_bottom": {
        "en": " (conversion {low}–{high}, {p} likely in the team's bottom {share})",
        "zh": "（询单转化率 {low}–{high}，处于组内末位 {share} 的概率 {p}）"},
    "attention.conversion_not_bottom": {
        "en": " (conversion {low}–{high}: only {p} likely in the team's bottom {share}, so "
              "the rank comes from other parts of the score or from chance)",
        "zh": "（询单转化率 {low}–{high}：处于组内末位 {share} 的概率仅 {p}，排名来自评分的其他部分"
              "或偶然）"},
    "attention.skipped.conversion_behind": {"en": "conversion behind the team (sessions or "
                                            "daily agent exports)",
                                            "zh": "转化率落后（需接待记录或客服日报）"},
    "attention.skipped.bottom_again": {"en": "bottom-ranked two months running (roster and "
                                       "inquiries)", "zh": "连续两月末位（需花名册和询单）"},
    "attention.skipped.bottom_ranked": {"en": "bottom-ranked (roster and inquiries)",
                                        "zh": "排名末位（需花名册和询单）"},
    "attention.skipped.dismissal_step": {"en": "fine schedule steps (complaints and roster)",
                                         "zh": "罚则档位（需投诉和花名册）"},
    "attention.skipped.repeat_offender": {"en": "repeat complaints (complaints and roster)",
                                          "zh": "重复投诉（需投诉和花名册）"},
    "attention.skipped.complaints_above_team": {"en": "complaint rate above the team "
                                                "(complaints and roster)",
                                                "zh": "投诉率高于本组（需投诉和花名册）"},
}
