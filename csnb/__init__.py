"""csnb: notebook analysis kit for e-commerce customer-service (客服) teams.

The public API, in data-flow order: load a dataset folder, compute the metric book's panels,
build a month's headline figures and render the monthly reports.
"""

from .dataset import Dataset, dataset_from_frames
from .errors import (
    CsnbError,
    DataContractError,
    NotebookError,
    ParameterError,
    Problem,
    SettingsError,
)
from .headline import AREAS, HeadlineResult, headline, trend_table
from .load import ValidationReport, load_dataset, quality_table, validate_dataset
from .month_report import MonthReport
from .plots import plot_by_group, plot_trend, plot_trends, set_theme
from .prep import (
    METRIC_BOOK_VERSION,
    agent_month_panel,
    complaint_rate_table,
    fines_table,
    headcount_table,
    is_provisional,
    kpi_table,
    metric_sql,
    month_figures,
    monthly_figures,
    ranking_table,
    team_month_panel,
    tenure_table,
)
from .report import NOTEBOOKS, NotebookRun, RenderSummary, find_external_refs, render_month
from .settings import Settings, load_settings
from .simulate import simulate

__version__ = "0.1.0"

__all__ = [
    "AREAS",
    "METRIC_BOOK_VERSION",
    "NOTEBOOKS",
    "CsnbError",
    "DataContractError",
    "Dataset",
    "HeadlineResult",
    "MonthReport",
    "NotebookError",
    "NotebookRun",
    "ParameterError",
    "Problem",
    "RenderSummary",
    "Settings",
    "SettingsError",
    "ValidationReport",
    "agent_month_panel",
    "complaint_rate_table",
    "dataset_from_frames",
    "find_external_refs",
    "fines_table",
    "headcount_table",
    "headline",
    "is_provisional",
    "kpi_table",
    "load_dataset",
    "load_settings",
    "metric_sql",
    "month_figures",
    "monthly_figures",
    "plot_by_group",
    "plot_trend",
    "plot_trends",
    "quality_table",
    "ranking_table",
    "render_month",
    "set_theme",
    "simulate",
    "team_month_panel",
    "tenure_table",
    "trend_table",
    "validate_dataset",
]
