"""Figures: drawers that take tidy tables and an optional ``ax``, one theme with a CJK font."""

from .theme import FONT_NAME, font_path, set_theme, theme
from .trends import plot_bars, plot_by_group, plot_trend, plot_trends

__all__ = [
    "FONT_NAME",
    "font_path",
    "plot_bars",
    "plot_by_group",
    "plot_trend",
    "plot_trends",
    "set_theme",
    "theme",
]
