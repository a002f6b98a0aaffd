"""The complaints report's tables: labelled and formatted in the report language.

Part of :mod:`csnb.report.complaints` (which re-exports :class:`ComplaintTable`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..analyses.base import CATEGORY_COLUMNS, SPECIAL_ROWS, UNATTRIBUTED, TableResult
from ..i18n import METRICS, TEXT, column_label, format_value, t, value_label

__all__ = ["ComplaintTable"]

# Columns of the report's tables that are not metric-book figures, by how they are shown.
_PER_1K = {"per_1k_orders", "per_1k_orders_last_month", "per_1k_orders_last_year",
           "change_per_1k", "rate", "ucl", "agent_complaint_rate", "team_complaint_rate",
           "ucl_rate"}
_RATIO = {"irr", "ci_low", "ci_high"}
_ONE_DECIMAL = {"expected", "median_hours", "p90_hours"}
_BOOL = {"dismissal", "repeat_offender"}
# Labels and flags: a missing value is shown blank (a total row has no name or team).
_BLANK = {"name", "team", "promotion", "leading_categories", "flag", *_BOOL}
_COUNTS = {"complaints_last_month", "complaints_last_year", "at_fault", "at_fault_3m",
           "sessions", "resolved", "open", "severity_1", "severity_2", "severity_3"}


def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False



@dataclass(frozen=True)
class ComplaintTable(TableResult):
    """A table of the complaints report, labelled and formatted in the report language.

    ``tidy()`` is the table as computed; ``display_table()`` labels the columns (metric book,
    then ``complaints.col.*``, then ``col.*``), formats rates per 1,000 with two decimals,
    ratios with three, fines in yuan, and names the rows that are not groups (total,
    unattributed).

    Attributes
    ----------
    by : str
        The breakdown key (category, source, team, agent) naming the unattributed row.
    """

    by: str = ""

    def display_table(self) -> pd.DataFrame:
        """The table with labelled columns and formatted values."""
        shown: dict[str, list[str]] = {}
        for col in self.table.columns:
            name = str(col)
            shown[self._label(name)] = [self._cell(name, v) for v in self.table[col]]
        return pd.DataFrame(shown, index=range(len(self.table)))

    def _label(self, col: str) -> str:
        return column_label(col, self.lang, prefix="complaints")

    def _cell(self, col: str, v: Any) -> str:
        lang = self.lang
        if isinstance(v, str) and v in SPECIAL_ROWS:
            if v == UNATTRIBUTED and f"complaints.row.unattributed.{self.by}" in TEXT:
                return t(f"complaints.row.unattributed.{self.by}", lang)
            return value_label(v, lang)
        if _missing(v):
            return "" if col in _BLANK else t("missing.value", lang)
        if col in METRICS:
            return format_value(col, v, lang)
        if col in _PER_1K:
            return f"{float(v):+,.2f}" if col == "change_per_1k" else f"{float(v):,.2f}"
        if col in _RATIO:
            return f"{float(v):,.3f}"
        if col == "p_value":
            return "< 0.001" if float(v) < 0.001 else f"{float(v):.3f}"
        if col in _ONE_DECIMAL:
            return f"{float(v):,.1f}"
        if col == "fine_yuan":
            return t("complaints.yuan", lang, value=float(v))
        if col in _BOOL:
            return t("yes" if bool(v) else "no", lang)
        if col in _COUNTS:
            return f"{float(v):,.0f}"
        if col == "date":
            return str(v)[:10]
        if col == "flag":
            return t(f"complaints.col.{v}", lang)
        if col == "leading_categories":
            return t("sentence.list_sep", lang).join(
                value_label(c, lang) for c in str(v).split(", ") if c)
        if col in CATEGORY_COLUMNS or col == self.by:
            return value_label(v, lang)
        return str(v)
