"""The validation report: row accounting and findings of a load, as tables and text."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from ..errors import Problem, plural
from ..i18n import TEXT, check_lang
from .dataset import Dataset
from .schema import TABLES

__all__ = ["ValidationReport", "quality_table"]

#: Checks whose rows are rejected (errors plus the rejecting soft policies).
REJECTING_WARNINGS = ("summary_row", "empty_row", "future_timestamp", "future_date")
#: Checks whose cells become missing while the row is kept.
SET_MISSING = ("unknown_value", "not_final")

PROBLEM_COLUMNS = ["table", "path", "column", "check", "severity", "count", "examples", "message"]
FILE_COLUMNS = ["table", "path", "encoding", "headers", "ignored"]

#: What follows when an optional table is absent (``csnb validate`` says it). Every table is
#: optional on its own; figures need sessions or agent_daily.
ABSENT: dict[str, str] = {
    "agents": "agent names and teams come from the other tables (the ids in the exports); "
              "turnover, tenure and employment-date checks need it",
    "sessions": "response times, conversion and sales come from agent_daily; the sections "
                "built on single sessions (response-time spread, ratings of sessions) are "
                "left out",
    "orders": "sales come from agent_daily or sessions; refunds and order-based complaint "
              "rates are left out",
    "complaints": "no complaint rates and no fines",
    "policies": "no bottom-ranked-out policy in force: the ranking marks would-be bottom "
                "agents only",
    "rankings": "the monthly ranking is derived from the metric book (ranking_weights in "
                "csnb.toml)",
    "agent_daily": "daily agent figures are computed from sessions and orders",
    "qa_reviews": "no chat reviews: the QA pass rate is left out (the daily brief still "
                  "samples the chats to read)",
}


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
    files : pandas.DataFrame
        How each file was read: table, path, encoding (the decision), headers (list of
        ``(source header, contract column)``), ignored (source headers not used).
    """

    path: str
    quality: pd.DataFrame
    problems: tuple[Problem, ...] = ()
    files: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FILE_COLUMNS))

    @property
    def absent(self) -> dict[str, str]:
        """Contract tables without a file, each with what follows from its absence."""
        present = set(self.quality["table"]) if not self.quality.empty else set()
        return {t: ABSENT[t] for t in TABLES if t not in present}

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
            "files": self.files.to_dict(orient="records"),
            "absent": self.absent,
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
            + self.files.to_html(index=False, escape=True)
            + "".join(f"<p>{html.escape(t)}: {html.escape(why)}</p>"
                      for t, why in self.absent.items())
        )




def quality_table(ds: Dataset, lang: str = "en") -> pd.DataFrame:
    """Return the row accounting of a Dataset per table, for report notebooks.

    Parameters
    ----------
    ds : Dataset
    lang : {"en", "zh"}, default "en"
        Language of the reasons (check names from the i18n text tables).

    Returns
    -------
    pandas.DataFrame
        Columns: table, encoding (how its files were decoded, e.g. ``"GB18030 (detected)"``),
        read, accepted, summary (rejected rows that were platform summary rows), rejected,
        reasons (rejection reasons with counts, e.g. ``"summary_row 2; future_timestamp 1"``;
        empty when nothing was rejected), set_missing (cells set to missing in rows that
        were kept, e.g. ``"unknown_value 611"``).
    """
    q = ds.quality
    if q.empty:
        return pd.DataFrame(columns=["table", "encoding", "read", "accepted", "summary",
                                     "rejected", "reasons", "set_missing"])
    out = (q.groupby("table", sort=False)[["read", "accepted", "summary", "rejected"]].sum()
           .reset_index())
    out["encoding"] = [", ".join(dict.fromkeys(e for e in q.loc[q["table"] == t, "encoding"]
                                               if e))
                       for t in out["table"]]
    check_lang(lang)

    def named(counts: dict[str, int]) -> str:
        # English keeps the check codes (they are what csnb validate prints).
        return "; ".join(
            f"{TEXT[f'check.{k}'][lang] if lang != 'en' and f'check.{k}' in TEXT else k} {v}"
            for k, v in counts.items())

    out["reasons"] = [named(_reasons(ds.problems, t)) for t in out["table"]]
    out["set_missing"] = [named(_reasons(ds.problems, t, SET_MISSING)) for t in out["table"]]
    order = {name: i for i, name in enumerate(TABLES)}
    out = out.sort_values("table", key=lambda s: s.map(order)).reset_index(drop=True)
    return out[["table", "encoding", "read", "accepted", "summary", "rejected", "reasons",
                "set_missing"]]


def _reasons(problems: Sequence[Problem], table: str,
             checks: Sequence[str] | None = None) -> dict[str, int]:
    """Counts per check of a table's findings: by default those that reject rows."""
    counts: dict[str, int] = {}
    for p in problems:
        wanted = (p.check in checks if checks is not None
                  else p.severity == "error" or p.check in REJECTING_WARNINGS)
        if p.table == table and wanted:
            counts[p.check] = counts.get(p.check, 0) + p.count
    return counts


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
    enc = max([len(str(e)) for e in q["encoding"]] + [len("encoding")]) if not q.empty else 8
    files = report.files.set_index("path") if not report.files.empty else report.files
    shown: set[int] = set()
    for table in [t for t in TABLES if t in set(q["table"])]:
        part = q[q["table"] == table]
        lines.append(f"{table}")
        lines.append(f"  {'file':<{width}}  {'encoding':<{enc}}  {'read':>10}  {'accepted':>10}  "
                     f"{'summary':>8}  {'rejected':>10}")
        for row in part.itertuples():
            lines.append(f"  {row.path:<{width}}  {row.encoding:<{enc}}  {row.read:>10,}  "
                         f"{row.accepted:>10,}  {row.summary:>8,}  {row.rejected:>10,}")
        if len(part) > 1:
            lines.append(f"  {'total':<{width}}  {'':<{enc}}  {part['read'].sum():>10,}  "
                         f"{part['accepted'].sum():>10,}  {part['summary'].sum():>8,}  "
                         f"{part['rejected'].sum():>10,}")
        for path in part["path"]:
            if path not in files.index:
                continue
            headers = files.loc[path, "headers"] or []
            mapped = ", ".join(
                f"{'(file name)' if src == '__file_date' else src} -> {col}"
                if src != col else col for src, col in headers)
            ignored = files.loc[path, "ignored"] or []
            lines.append(f"  headers of {path}: {mapped or '(none matched)'}"
                         + (f"; ignored: {', '.join(ignored)}" if ignored else ""))
        reasons = _reasons(report.problems, table)
        if reasons:
            lines.append("  rejected by reason: "
                         + "; ".join(f"{k} {v}" for k, v in reasons.items()))
        for i, p in enumerate(report.problems):
            if p.table == table:
                shown.add(i)
                lines.append(f"  {p.severity:<7} {p.check:<20} {p}")
        lines.append("")
    if report.absent:
        lines.append("absent tables (optional) and what follows")
        lines += [f"  {t}: {why}" for t, why in report.absent.items()]
        lines.append("")
    rest = [(i, p) for i, p in enumerate(report.problems) if i not in shown]
    if rest:
        lines.append("other findings")
        lines += [f"  {p.severity:<7} {p.check:<20} {p}" for _, p in rest]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


