"""What each report and section needs from the data folder, and what it shows without it.

Most shops have only daily per-agent exports (``agent_daily``); others lack a roster or a
complaints export. A report or a section whose tables are absent does not fail and does not
show zeros: it says, in the report language, which table it needs and what that table holds.

- :data:`NEEDS` maps a report name or a section key (the text key of its heading) to groups
  of contract tables, at least one table of each group needed (as
  :data:`csnb.metrics.FIGURE_NEEDS` does for the headline figures).
- :class:`~csnb.report.MonthReport` reads it: a report that lacks its tables shows its
  header, one plain statement of what it lacks, and the data-quality section; a section that
  lacks its tables shows its heading and what it needs.
- :func:`needs_data` (a class decorator) makes every public method of an analysis report's
  sections return an empty block when the report lacks its tables, so a notebook renders
  top to bottom without a condition in it; :func:`section_needs` does the same for the
  methods of one section.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from .display import Block

__all__ = ["ALWAYS_SHOWN", "NEEDS", "needs_data", "section_needs"]

#: Tables each report, and each section that needs more than its report, cannot do without.
NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "overview": (),
    "conversion": (("sessions", "agent_daily"),),
    "turnover": (("agents",),),
    "complaints": (("complaints",),),
    # Without policies (but with a roster) the incentives report has its own statement: no
    # team runs the policy, and it still shows what the ranking would be.
    "incentives": (("agents",),),
    # Load per agent-hour needs each session's hour: daily exports cannot give it.
    "operations": (("sessions",),),
    # The weekday x hour grid places each session at its hour: daily exports have no hours.
    "conversion.section.grid": (("sessions",),),
}

#: Sections every report shows whatever the data: what happened, and the data quality.
ALWAYS_SHOWN = ("section.summary", "section.quality")

#: Methods of an analysis report that still run when the report lacks its tables: the
#: summary (which states what is lacking) and the JSON of the report.
_UNGATED = ("summary", "results", "all_sentences", "text")

T = TypeVar("T")


def _empty() -> Block:
    return Block("", "")


def section_needs(key: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a section method: it returns an empty block when section ``key`` lacks data.

    The method's object must have ``report`` (a :class:`~csnb.report.MonthReport`); the
    section's heading (``report.section(key)`` or the report's own) says what is needed.
    """
    def wrap(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def gated(self, *args: Any, **kwargs: Any) -> Any:
            if self.report.lacks(key):
                return _empty()
            return method(self, *args, **kwargs)

        return gated

    return wrap


def needs_data(cls: type[T]) -> type[T]:
    """Class decorator of an analysis report: sections render nothing when it lacks data.

    Every public method defined by the class (except ``summary``, ``results``,
    ``all_sentences`` and ``text``) returns an empty block when the report's
    :class:`~csnb.report.MonthReport` lacks the tables of :data:`NEEDS` for its name; the
    summary then states what is lacking (:meth:`MonthReport.summary`) and ``results()``
    adds nothing to the report's JSON. Methods added later are covered too: the rule is the
    class's, not each method's.
    """
    # Inherited methods too (a report split into parts by concern keeps its sections in base
    # classes): each is gated on this class, the bases stay as they are.
    for name, member in inspect.getmembers(cls, inspect.isfunction):
        if name.startswith("_") or name in _UNGATED:
            continue
        setattr(cls, name, _gate(member))
    original_results = vars(cls).get("results")
    if original_results is not None:
        @functools.wraps(original_results)
        def results(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
            if self.report.lacking:
                return {}
            return original_results(self, *args, **kwargs)

        cls.results = results  # type: ignore[attr-defined]
    original_summary = vars(cls).get("summary")
    if original_summary is not None:
        @functools.wraps(original_summary)
        def summary(self, *args: Any, **kwargs: Any) -> Block:
            if self.report.lacking:
                return self.report.summary()
            return original_summary(self, *args, **kwargs)

        cls.summary = summary  # type: ignore[attr-defined]
    return cls


def _gate(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def gated(self, *args: Any, **kwargs: Any) -> Any:
        if self.report.lacking:
            return _empty()
        return method(self, *args, **kwargs)

    return gated
