"""Which agents the QA sentences name as below the team (csnb.report.qa.agents_below)."""

from __future__ import annotations

import pandas as pd
from scipy.stats import binomtest

from csnb.report.qa import agents_below


def test_one_failed_chat_is_not_enough_to_name_an_agent():
    # interval upper ends as a Wilson interval gives them: 0 of 1 -> 0.79, under 0.85
    agents = pd.DataFrame({
        "agent_id": ["A", "B", "C", "D"], "reviews": [1, 3, 4, 20], "passed": [0, 0, 1, 18],
        "ci_high": [0.79, 0.56, 0.70, 0.97]})
    named = agents_below(agents, 0.85)
    assert list(named["agent_id"]) == ["B", "C"]
    # the reference: scipy's exact one-sided binomial test at the team's rate
    assert binomtest(0, 1, 0.85, alternative="less").pvalue > 0.05
    assert binomtest(1, 4, 0.85, alternative="less").pvalue < 0.05
    # no team rate: nobody is named
    assert agents_below(agents, float("nan")).empty
