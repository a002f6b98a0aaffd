"""The result base every analysis returns (STYLE.md 4, DESIGN.md "Layers").

A result is a frozen dataclass that holds what an analysis computed:

- ``tidy()`` returns a DataFrame with the documented columns (the class's ``columns``);
- ``to_json()`` the key figures as JSON-able values, for the report's JSON file;
- ``_repr_html_()`` an escaped table, so a result displays itself in a notebook;
- ``plot(ax=None)`` draws from ``tidy()`` (matplotlib is imported only there);
- ``model`` holds the raw fitted object (statsmodels, lifelines, ...) for anyone who needs
  more than the tidy table; notebooks never receive a bare model.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..i18n import METRICS, check_lang, column_label, format_value, value_label

__all__ = ["TOTAL", "UNATTRIBUTED", "UNKNOWN", "Result", "TableResult", "html_table", "json_clean",
           "json_value"]

#: Row keys of a breakdown that are not groups of the data: shown with their labels.
TOTAL, UNATTRIBUTED, UNKNOWN = "(total)", "(unattributed)", "(unknown)"
SPECIAL_ROWS = (TOTAL, UNATTRIBUTED, UNKNOWN)

#: Columns whose values are contract categories, shown with their labels.
CATEGORY_COLUMNS = ("category", "source", "policy", "action", "exit_reason", "shift", "role",
                    "table", "severity")


def json_value(value: Any, metric: str | None = None) -> Any:
    """A JSON-able scalar: NaN and missing become None, numpy scalars Python, counts int."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if (metric is not None and metric in METRICS and METRICS[metric]["unit"] == "count"
            and isinstance(value, float) and value.is_integer()):
        return int(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def json_clean(obj: Any) -> Any:
    """A nested structure made JSON-able: dicts, lists and tuples cleaned value by value.

    Keys become strings; numpy scalars Python values; NaN, infinities, ``pd.NA`` and
    ``pd.NaT`` None; dates and timestamps ``"YYYY-MM-DD"``. For a whole report's key figures
    (``report.save(path, **section.results())``), where :func:`json_value` cleans one value.
    """
    if isinstance(obj, dict):
        return {str(k): json_clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_clean(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    # NaT is a datetime too: it must become None before dates are written as text
    if obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, pd.Timestamp | date):
        return str(obj)[:10]
    return obj


#: A displayed figure: an optional arrow or dot, sign, currency, digits, and a unit.
_FIGURE = re.compile(r"^[▲▼■●\s]*[+\-−]?[¥$€]?\s*[\d,]+(\.\d+)?\s*(%|pp|s|h|d|x|×)?$")


def _text_columns(df: pd.DataFrame) -> list[int]:
    """Positions of the columns that hold words rather than figures (the first is left anyway).

    A column of numbers or booleans holds figures; a column of strings holds words unless at
    least half of its non-empty values look like a displayed figure (``"12.8%"``, ``"¥1,435"``,
    ``"▲ +1.9%"``, ``"106.5 s"``).
    """
    out = []
    for i in range(1, len(df.columns)):
        values = df.iloc[:, i]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        shown = [str(v).strip() for v in values if isinstance(v, str) and v.strip()]
        if shown and sum(bool(_FIGURE.match(v)) for v in shown) < len(shown) / 2:
            out.append(i)
    return out


def _mark_cells(row: str, positions: list[int]) -> str:
    """Add the ``csnb-text`` class to the cells at ``positions`` of one ``<tr ...`` chunk."""
    for tag in ("<td", "<th"):
        parts = row.split(tag)
        if len(parts) > 1:
            for p in positions:
                if p + 1 < len(parts):
                    parts[p + 1] = ' class="csnb-text"' + parts[p + 1]
            return tag.join(parts)
    return row


def html_table(df: pd.DataFrame, *, total: int | None = None) -> str:
    """Render a DataFrame as an HTML table in which every cell and header is escaped.

    The table is sortable in a report (a click on a header; the report page carries the
    small script) and stays a plain table without scripts. Row ``total`` is drawn bold and
    stays last when sorting.
    """
    html = df.to_html(index=False, escape=True, border=0, classes="csnb-table csnb-sortable",
                      na_rep="", float_format=lambda x: f"{x:,.4g}")
    text = _text_columns(df)
    if text:
        # Words read from the left, figures line up on the right (the page's default).
        html = "<tr".join(_mark_cells(row, text) for row in html.split("<tr"))
    if total is not None:
        head, sep, body = html.partition("<tbody>")
        rows = body.split("<tr>")  # rows[0] precedes the first data row
        if sep and 0 <= total < len(rows) - 1:
            rows[total + 1] = ' class="csnb-total">' + rows[total + 1]
            body = "<tr>".join(rows).replace('<tr> class="csnb-total">',
                                             '<tr class="csnb-total">')
            html = head + sep + body
    return html


@dataclass(frozen=True, kw_only=True)
class Result:
    """Base of every analysis result.

    Attributes
    ----------
    model : object, optional
        The raw fitted model (statsmodels results, a lifelines fitter, ...), when there is one.
    """

    #: The documented columns of :meth:`tidy`, in order.
    columns: ClassVar[tuple[str, ...]] = ()

    model: Any = field(default=None, repr=False, compare=False)

    def tidy(self) -> pd.DataFrame:
        """Return the result as a tidy DataFrame with the columns in ``columns``."""
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        """Return the key figures as JSON-able values (by default the tidy rows)."""
        return {"rows": records(self.tidy())}

    def display_table(self) -> pd.DataFrame:
        """The table shown by :meth:`_repr_html_` (by default :meth:`tidy`)."""
        return self.tidy()

    def _repr_html_(self) -> str:
        return html_table(self.display_table(), total=self._total_row())

    def _total_row(self) -> int | None:
        """Position of a total row in :meth:`display_table` (drawn bold), None without."""
        return None

    def plot(self, ax=None):
        """Draw the result from :meth:`tidy` on ``ax`` (a new figure when None)."""
        raise NotImplementedError(f"{type(self).__name__} has nothing to plot")


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a DataFrame as JSON-able dicts (metric-book counts as int, NaN as None)."""
    return [
        {str(k): json_value(v, str(k)) for k, v in row.items()}
        for row in df.to_dict(orient="records")
    ]


@dataclass(frozen=True)
class TableResult(Result):
    """A table a report shows: raw values for the analyst, formatted for reading.

    ``tidy()`` returns the table as computed (metric-book column names, numbers as numbers),
    so it can be sorted, filtered and plotted; ``display_table()`` formats each metric by its
    unit and labels columns and category values in ``lang``.

    Attributes
    ----------
    table : pandas.DataFrame
        The values.
    lang : {"en", "zh"}
        Language of labels in :meth:`display_table`.
    """

    table: pd.DataFrame = field(repr=False)
    lang: str = "en"

    def __post_init__(self) -> None:
        check_lang(self.lang)

    def _total_row(self) -> int | None:
        first = self.table.iloc[:, 0] if len(self.table.columns) else pd.Series(dtype=object)
        hits = [i for i, v in enumerate(first) if v == TOTAL]
        return hits[0] if hits else None

    def tidy(self) -> pd.DataFrame:
        """Return a copy of the table."""
        return self.table.copy()

    def display_table(self) -> pd.DataFrame:
        """The table with labelled columns and values formatted in the report language."""
        lang = self.lang
        shown = {}
        for col in self.table.columns:
            values = self.table[col]
            if col in METRICS:
                text = [format_value(col, v, lang) for v in values]
            elif col in CATEGORY_COLUMNS:
                text = [value_label(v, lang) for v in values]
            else:
                text = [value_label(v, lang) if isinstance(v, str) and v in SPECIAL_ROWS
                        else _plain(v) for v in values]
            shown[column_label(str(col), lang)] = text
        return pd.DataFrame(shown, index=range(len(self.table)))

    def plot(self, ax=None, *, x: str | None = None, y: str | None = None):
        """Bar chart of column ``y`` by column ``x`` (default: the first two columns)."""
        from ..plots import plot_bars

        x = x or str(self.table.columns[0])
        y = y or str(self.table.columns[1])
        return plot_bars(self.table, x, y, lang=self.lang, ax=ax)


def _plain(value: Any) -> str:
    """Text of a value that is not a metric: numbers with thousands separators."""
    if isinstance(value, str) and value in SPECIAL_ROWS:
        return value  # labelled by the caller
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        return f"{float(value):,.0f}" if float(value).is_integer() else f"{float(value):,.4g}"
    return str(value)
