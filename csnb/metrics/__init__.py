"""The metric book (DESIGN.md, "Metric book (version 1)"): raw tables to KPIs and panels.

Every metric has one definition here. The raw-table step runs as SQL (:mod:`.sql`) through
the dataset's one query function; the small tables (agents, policies) are handled in pandas.

- :mod:`.sql`: the SQL of every raw-table query (:func:`metric_sql`, Spark via sqlglot)
- :mod:`.kpis`: KPIs per period and group, the data's span and lag
- :mod:`.load`: load per clock hour (sessions per agent-hour) for staffing
- :mod:`.headcount`: headcount flow, turnover rates, tenure
- :mod:`.complaints`: complaint rates and the fine ledger
- :mod:`.ranking`: agents, policies and the monthly ranking (末位淘汰)
- :mod:`.panels`: agent-month and team-month panels
- :mod:`.figures`: a month's headline figures at shop level
- :mod:`.links`: complaints linked to their chats, a day's chats (daily brief, reviews)
- :mod:`.agent_daily`: session-level data as the daily per-agent export (agent_daily)
"""

from .agent_daily import AGENT_DAILY_COLUMNS, agent_daily_table
from .complaints import complaint_rate_table, fines_table
from .figures import (
    FIGURE_KEYS,
    FIGURE_NEEDS,
    incentive_figures,
    lacking,
    month_figures,
    monthly_figures,
)
from .headcount import HEADCOUNT_COLUMNS, headcount_table, tenure_table
from .kpis import data_months, data_span, is_provisional, kpi_table
from .links import complaint_links, reviewed_sessions, sessions_of_day
from .load import HOURLY_LOAD_COLUMNS, hourly_load_table
from .panels import agent_month_panel, team_month_panel, team_panel
from .ranking import agent_names, ranking_table
from .sql import KPI_COLUMNS, METRIC_BOOK_VERSION, METRIC_SQL_NAMES, UNKNOWN_TEAM, metric_sql

__all__ = [
    "AGENT_DAILY_COLUMNS",
    "FIGURE_KEYS",
    "FIGURE_NEEDS",
    "HEADCOUNT_COLUMNS",
    "HOURLY_LOAD_COLUMNS",
    "KPI_COLUMNS",
    "METRIC_BOOK_VERSION",
    "METRIC_SQL_NAMES",
    "UNKNOWN_TEAM",
    "agent_daily_table",
    "agent_month_panel",
    "agent_names",
    "complaint_links",
    "complaint_rate_table",
    "data_months",
    "data_span",
    "fines_table",
    "headcount_table",
    "hourly_load_table",
    "incentive_figures",
    "is_provisional",
    "kpi_table",
    "lacking",
    "metric_sql",
    "month_figures",
    "monthly_figures",
    "ranking_table",
    "reviewed_sessions",
    "sessions_of_day",
    "team_month_panel",
    "team_panel",
    "tenure_table",
]
