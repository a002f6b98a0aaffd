"""Analyses: panels -> models -> a frozen result (``tidy()``, ``to_json()``, ``plot()``).

One module per analysis; every result derives from :class:`~csnb.analyses.base.Result`.

- :mod:`.base`: the result base and :class:`TableResult` for plain tables
- :mod:`.headline`: a report area's headline figures against last month and last year
"""

from .base import Result, TableResult
from .headline import AREAS, TREND_METRICS, TREND_MONTHS, HeadlineResult, headline, trend_table

__all__ = [
    "AREAS",
    "TREND_METRICS",
    "TREND_MONTHS",
    "HeadlineResult",
    "Result",
    "TableResult",
    "headline",
    "trend_table",
]
