"""Analyses: panels -> models -> a frozen result (``tidy()``, ``to_json()``, ``plot()``).

One module per analysis; every result derives from :class:`~csnb.analyses.base.Result`.

- :mod:`.base`: the result base and :class:`TableResult` for plain tables
- :mod:`.headline`: a report area's headline figures against last month and last year
- :mod:`.compare`: comparisons that know noise, and targets
- :mod:`.turnover`: retention (Kaplan-Meier), Cox, discrete-time exit hazard, agents at risk
- :mod:`.conversion`: scorecard, sales decomposition, conversion model, shrunk agent rates
- :mod:`.complaints`, :mod:`.complaint_trends`, :mod:`.counts`: breakdowns, u-chart, STL,
  count models, the at-fault ledger, resolution
- :mod:`.did`: staggered difference-in-differences and TWFE; :mod:`.incentives`: the
  bottom-ranked-out policy's ranking, rank cutoff and decomposition
"""

from .base import Result, TableResult
from .complaints import (
    complaint_breakdown_table,
    fault_ledger_table,
    fit_complaint_model,
    fit_seasonal,
    fit_u_chart,
    resolution_table,
)
from .conversion import (
    decompose_sales_change,
    fit_agent_day_model,
    fit_conversion_model,
    scorecard_table,
    shrink_agent_rates,
)
from .counts import compare_rates, fit_count_model
from .did import fit_cs_did, fit_policy_effects, fit_twfe
from .headline import AREAS, TREND_METRICS, TREND_MONTHS, HeadlineResult, headline, trend_table
from .qa import (
    ChatSampleResult,
    DailyAgentsResult,
    QAResult,
    complaint_links,
    daily_agents,
    qa_pass_rates,
    sample_chats,
)
from .turnover import (
    at_risk_agents,
    cohort_retention_table,
    fit_cox,
    fit_exit_hazard,
    fit_retention,
)

__all__ = [
    "AREAS",
    "ChatSampleResult",
    "DailyAgentsResult",
    "QAResult",
    "complaint_links",
    "daily_agents",
    "qa_pass_rates",
    "sample_chats",
    "at_risk_agents",
    "cohort_retention_table",
    "compare_rates",
    "complaint_breakdown_table",
    "decompose_sales_change",
    "fault_ledger_table",
    "fit_complaint_model",
    "fit_agent_day_model",
    "fit_conversion_model",
    "fit_count_model",
    "fit_cox",
    "fit_cs_did",
    "fit_exit_hazard",
    "fit_policy_effects",
    "fit_retention",
    "fit_seasonal",
    "fit_twfe",
    "fit_u_chart",
    "resolution_table",
    "scorecard_table",
    "shrink_agent_rates",
    "TREND_METRICS",
    "TREND_MONTHS",
    "HeadlineResult",
    "Result",
    "TableResult",
    "headline",
    "trend_table",
]
