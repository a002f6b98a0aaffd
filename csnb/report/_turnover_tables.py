"""How the turnover report shows its values: model terms in words, estimates with intervals.

:class:`TurnoverTable` is the table type of every section of
:class:`~csnb.report.turnover.TurnoverReport`: raw values in ``tidy()``, formatted in the
report language by ``display_table()``. :func:`term_label` says a model term (``column=level``
or ``column``) in the report language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..analyses.base import CATEGORY_COLUMNS, TOTAL, TableResult, _plain
from ..i18n import TEXT, column_label, format_value, t, value_label

__all__ = ["TurnoverTable", "term_label"]


def _text(key: str, lang: str, **values: Any) -> str:
    return t(f"turnover.{key}", lang, **values)


def term_label(term: str, lang: str) -> str:
    """A model term (``column=level`` or ``column``) said in the report language.

    >>> term_label("shift=night", "en")
    'Shift: Night shift'
    """
    variable, _, level = str(term).partition("=")
    key = f"turnover.term.{variable}"
    name = t(key, lang) if key in TEXT else variable
    if not level:
        return name
    if variable == "tenure_band":
        return _text("term.tenure_level", lang, band=level)
    if variable == "last_conversion_band":
        return t(f"turnover.term.conversion_{level}", lang)
    return f"{name}: {value_label(level, lang)}"


def _ci(low: Any, high: Any, fmt, lang: str = "en") -> str:
    """An interval's text; a limit the data do not reach is said so in words.

    The upper limit of a median tenure is missing when the upper band never falls below
    one half: the data say the median is at least the lower limit, not some number.
    """
    lo_missing = low is None or pd.isna(low)
    hi_missing = high is None or pd.isna(high)
    if lo_missing and hi_missing:
        return ""
    open_ = _text("ci_not_reached", lang)
    return f" ({open_ if lo_missing else fmt(low)}–{open_ if hi_missing else fmt(high)})"


def _days(v: Any) -> str:
    return f"{float(v):,.0f}"


def _pct(v: Any) -> str:
    return f"{100 * float(v):.1f}%"


def _ratio(v: Any) -> str:
    return f"{float(v):.2f}"


def _p(v: Any) -> str:
    if v is None or pd.isna(v):
        return ""
    return "<0.001" if float(v) < 0.001 else f"{float(v):.3f}"


@dataclass(frozen=True)
class TurnoverTable(TableResult):
    """A table of the turnover report: raw values in ``tidy()``, formatted for reading.

    Attributes
    ----------
    formats : dict
        How a column that is not a metric-book figure is shown, by column: "count", "days",
        "rate", "ratio", "p", "term" (a model term), "terms" (a list of terms; an empty one
        reads "none beyond chance"), "label" (a category value), "reason" (an exit reason;
        "not recorded" when missing), "bool", or a ``(estimate, ci_low, ci_high, kind)``
        tuple for an estimate with its interval (kind "days", "rate" or "ratio"; the limit
        columns are then not shown on their own; a limit the data do not reach reads "not
        reached"). A missing count, day or rate reads "n/a".
    small : str, optional
        Column flagging rows too small to say anything: their estimates are replaced by a
        label.
    """

    formats: dict[str, Any] = field(default_factory=dict)
    small: str | None = None

    def display_table(self) -> pd.DataFrame:
        """The table with labelled columns and values formatted in the report language."""
        lang = self.lang
        hidden = {c for f in self.formats.values() if isinstance(f, tuple) for c in f[1:3]}
        if self.small:
            hidden.add(self.small)
        small = (self.table[self.small].astype(bool).to_numpy() if self.small
                 else np.zeros(len(self.table), dtype=bool))
        too_small = _text("too_small", lang)
        # A figure the data cannot give reads "n/a", as in every other table of the reports.
        na = t("missing.value", lang)
        shown: dict[str, list[str]] = {}
        for col in self.table.columns:
            if col in hidden:
                continue
            fmt = self.formats.get(col)
            values = list(self.table[col])
            if isinstance(fmt, tuple):
                _, lo_col, hi_col, kind = fmt
                f = {"days": _days, "rate": _pct, "ratio": _ratio}[kind]
                text = [na if v is None or pd.isna(v) else f(v) + _ci(lo, hi, f, lang)
                        for v, lo, hi in zip(values, self.table[lo_col], self.table[hi_col],
                                             strict=True)]
                text = [too_small if s else v for v, s in zip(text, small, strict=True)]
            elif fmt == "count":
                text = [na if v is None or pd.isna(v) else f"{int(v):,}" for v in values]
            elif fmt == "days":
                text = [na if pd.isna(v) else _days(v) for v in values]
            elif fmt == "rate":
                text = [na if pd.isna(v) else _pct(v) for v in values]
            elif fmt == "ratio":
                text = [na if pd.isna(v) else _ratio(v) for v in values]
            elif fmt == "p":
                text = [_p(v) for v in values]
            elif fmt == "term":
                text = [term_label(v, lang) for v in values]
            elif fmt == "terms":
                text = [t("sentence.list_sep", lang).join(term_label(x, lang) for x in v)
                        if isinstance(v, list | tuple) and len(v) else _text("no_drivers", lang)
                        for v in values]
            elif fmt == "reason":
                text = [_text("reason_not_recorded", lang) if v is None or pd.isna(v)
                        else value_label(v, lang) for v in values]
            elif fmt == "bool":
                text = [t("yes" if bool(v) else "no", lang) for v in values]
            elif fmt == "label" or col in CATEGORY_COLUMNS:
                text = [value_label(v, lang) for v in values]
            elif col in _metric_columns():
                text = [format_value(col, v, lang) for v in values]
            else:
                text = [value_label(v, lang) if v == TOTAL else _plain(v) for v in values]
            shown[_column(col, lang)] = text
        return pd.DataFrame(shown, index=range(len(self.table)))


def _metric_columns() -> set[str]:
    from ..i18n import METRICS

    return set(METRICS)


def _column(col: str, lang: str) -> str:
    return column_label(col, lang, prefix="turnover")
