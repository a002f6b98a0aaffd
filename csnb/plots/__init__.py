"""Figures: drawers that take tidy tables and an optional ``ax``, one theme with a CJK font."""

from .coefficients import plot_coefficients
from .complaints import plot_funnel, plot_pareto, plot_resolution, plot_seasonal, plot_u_chart
from .conversion import plot_ranked_bars, plot_response_grid, plot_shrinkage, plot_waterfall
from .did import plot_adoption_timeline, plot_cutoff, plot_event_study
from .operations import plot_forecast, plot_load_response, plot_staffing
from .theme import FONT_NAME, font_path, set_theme, theme
from .trends import plot_bars, plot_by_group, plot_trend, plot_trends
from .turnover import plot_cohort_heatmap, plot_hazard_ratios, plot_headcount_flow, plot_retention

__all__ = [
    "FONT_NAME",
    "font_path",
    "plot_adoption_timeline",
    "plot_bars",
    "plot_by_group",
    "plot_coefficients",
    "plot_cohort_heatmap",
    "plot_cutoff",
    "plot_event_study",
    "plot_forecast",
    "plot_funnel",
    "plot_hazard_ratios",
    "plot_headcount_flow",
    "plot_load_response",
    "plot_pareto",
    "plot_ranked_bars",
    "plot_resolution",
    "plot_response_grid",
    "plot_retention",
    "plot_seasonal",
    "plot_shrinkage",
    "plot_staffing",
    "plot_trend",
    "plot_trends",
    "plot_u_chart",
    "plot_waterfall",
    "set_theme",
    "theme",
]
