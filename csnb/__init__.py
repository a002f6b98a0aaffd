"""csnb: notebook analysis kit for e-commerce customer-service (客服) teams.

The public API, in data-flow order (DESIGN.md, "Layers"):

- :mod:`csnb.io`: load a dataset folder, check the data contract (:func:`load_dataset`)
- :mod:`csnb.metrics`: the metric book: KPIs, headcount, fines, ranking, panels
- :mod:`csnb.analyses`: analyses returning results (``tidy()``, ``to_json()``, ``plot()``)
- :mod:`csnb.plots`: drawers that take tidy tables
- :mod:`csnb.report`: :class:`MonthReport` for notebooks and the runner (:func:`render_month`)
- :mod:`csnb.simulate`: a dataset with planted, documented effects
"""

__version__ = "0.1.0"

from .analyses import AREAS, HeadlineResult, Result, TableResult, headline, trend_table
from .errors import (
    CsnbError,
    DataContractError,
    NotebookError,
    ParameterError,
    Problem,
    RowAccountingError,
    SettingsError,
)
from .io import (
    Dataset,
    ValidationReport,
    dataset_from_frames,
    load_dataset,
    quality_table,
    validate_dataset,
)
from .metrics import (
    METRIC_BOOK_VERSION,
    agent_month_panel,
    complaint_rate_table,
    data_months,
    data_span,
    fines_table,
    headcount_table,
    is_provisional,
    kpi_table,
    metric_sql,
    month_figures,
    monthly_figures,
    ranking_table,
    team_month_panel,
    team_panel,
    tenure_table,
)
from .months import check_month, month_span, months_ending, shift_month
from .plots import plot_bars, plot_by_group, plot_trend, plot_trends, set_theme
from .report import (
    NOTEBOOKS,
    MonthReport,
    NotebookRun,
    RenderSummary,
    find_external_refs,
    render_month,
)
from .settings import Settings, load_settings
from .simulate import simulate

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
    "Result",
    "RowAccountingError",
    "Settings",
    "SettingsError",
    "TableResult",
    "ValidationReport",
    "agent_month_panel",
    "check_month",
    "complaint_rate_table",
    "data_months",
    "data_span",
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
    "month_span",
    "monthly_figures",
    "months_ending",
    "plot_bars",
    "plot_by_group",
    "plot_trend",
    "plot_trends",
    "quality_table",
    "ranking_table",
    "render_month",
    "set_theme",
    "shift_month",
    "simulate",
    "team_month_panel",
    "team_panel",
    "tenure_table",
    "trend_table",
    "validate_dataset",
]
