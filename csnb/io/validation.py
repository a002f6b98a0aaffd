"""The validation report: row accounting and findings of a load, as tables and text."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..errors import Problem, plural
from .dataset import Dataset
from .schema import TABLES

__all__ = ["ValidationReport", "quality_table"]

#: Checks whose rows are rejected (errors plus the rejecting soft policies).
REJECTING_WARNINGS = ("summary_row", "empty_row", "future_timestamp")

PROBLEM_COLUMNS = ["table", "path", "column", "check", "severity", "count", "examples", "message"]


@dataclass(frozen=True)
class ValidationReport:
    """Outcome of :func:`validate_dataset`: row accounting and every finding.

    Attributes
    ----------
    path : str
        The dataset folder that was checked.
    quality : pandas.DataFrame
        One row per table and file: table, path, read, accepted, rejected.
    problems : tuple of Problem
        Every finding, errors and warnings.
    """

    path: str
    quality: pd.DataFrame
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether no error-severity problem was found."""
        return not any(p.severity == "error" for p in self.problems)

    def problems_table(self) -> pd.DataFrame:
        """Return the problems as a tidy table.

        Returns
        -------
        pandas.DataFrame
            Columns: table, path, column, check, severity, count, examples (text
            ``"17: 'n/a'; 42: '12,5'"``), message (the full sentence, as in the error).
        """
        return problems_frame(self.problems)

    def to_dict(self) -> dict:
        """Return the report as JSON-able values."""
        return {
            "path": self.path,
            "ok": self.ok,
            "quality": self.quality.to_dict(orient="records"),
            "problems": self.problems_table().to_dict(orient="records"),
        }

    def __str__(self) -> str:
        return render_report(self)

    def _repr_html_(self) -> str:
        status = "passed" if self.ok else "FAILED"
        return (
            f"<p>Data validation of <code>{html.escape(str(self.path))}</code>: "
            f"<b>{status}</b></p>"
            + self.quality.to_html(index=False, escape=True)
            + self.problems_table().to_html(index=False, escape=True)
        )




def quality_table(ds: Dataset) -> pd.DataFrame:
    """Return the row accounting of a Dataset per table, for report notebooks.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        Columns: table, read, accepted, rejected, reasons (rejection reasons with counts,
        e.g. ``"summary_row 2; future_timestamp 1"``; empty when nothing was rejected).
    """
    q = ds.quality
    if q.empty:
        return pd.DataFrame(columns=["table", "read", "accepted", "rejected", "reasons"])
    out = q.groupby("table", sort=False)[["read", "accepted", "rejected"]].sum().reset_index()
    reasons = []
    for table in out["table"]:
        counts: dict[str, int] = {}
        for p in ds.problems:
            if p.table == table and (p.severity == "error" or p.check in REJECTING_WARNINGS):
                counts[p.check] = counts.get(p.check, 0) + p.count
        reasons.append("; ".join(f"{k} {v}" for k, v in counts.items()))
    out["reasons"] = reasons
    order = {name: i for i, name in enumerate(TABLES)}
    out = out.sort_values("table", key=lambda s: s.map(order)).reset_index(drop=True)
    return out[["table", "read", "accepted", "rejected", "reasons"]]




# --------------------------------------------------------------------------- rendering


def problems_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    rows = [
        {
            "table": p.table,
            "path": p.path,
            "column": p.column,
            "check": p.check,
            "severity": p.severity,
            "count": p.count,
            "examples": "; ".join(f"{r}: {v!r}" for r, v in p.examples),
            "message": str(p),
        }
        for p in problems
    ]
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS)


def render_report(report: ValidationReport) -> str:
    errors = sum(p.severity == "error" for p in report.problems)
    warnings = sum(p.severity == "warning" for p in report.problems)
    lines = [
        f"Data quality of {report.path}: "
        + ("OK" if report.ok else "FAILED")
        + f" ({plural(errors, 'error')}, {plural(warnings, 'warning')})",
        "",
    ]
    q = report.quality
    width = max([len(p) for p in q["path"]] + [len("file")]) if not q.empty else 4
    shown: set[int] = set()
    for table in [t for t in TABLES if t in set(q["table"])]:
        part = q[q["table"] == table]
        lines.append(f"{table}")
        lines.append(f"  {'file':<{width}}  {'read':>10}  {'accepted':>10}  {'rejected':>10}")
        for row in part.itertuples():
            lines.append(f"  {row.path:<{width}}  {row.read:>10,}  {row.accepted:>10,}  "
                         f"{row.rejected:>10,}")
        if len(part) > 1:
            lines.append(f"  {'total':<{width}}  {part['read'].sum():>10,}  "
                         f"{part['accepted'].sum():>10,}  {part['rejected'].sum():>10,}")
        for i, p in enumerate(report.problems):
            if p.table == table:
                shown.add(i)
                lines.append(f"  {p.severity:<7} {p.check:<20} {p}")
        lines.append("")
    rest = [(i, p) for i, p in enumerate(report.problems) if i not in shown]
    if rest:
        lines.append("other findings")
        lines += [f"  {p.severity:<7} {p.check:<20} {p}" for _, p in rest]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


