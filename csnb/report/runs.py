"""What a render produced: one :class:`NotebookRun` per report, a :class:`RenderSummary`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ParameterError

__all__ = [
    "ATTACHMENT_FORMATS",
    "NOTEBOOKS",
    "NotebookRun",
    "RenderSummary",
    "attachment_file",
    "lang_suffix",
    "report_files",
]

#: The monthly report notebooks, in the order they are listed.
NOTEBOOKS = ("overview", "turnover", "conversion", "complaints", "incentives", "operations")


def lang_suffix(lang: str) -> str:
    """The file-name suffix of a language: English reports have none, others ``.zh``."""
    return "" if lang == "en" else f".{lang}"


#: Formats a report can write a table in beside itself (:meth:`MonthReport.attach`).
ATTACHMENT_FORMATS = ("csv", "xlsx")

_ATTACHMENT_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


def attachment_file(name: str, lang: str, key: str, fmt: str) -> str:
    """The file name of a table written beside a report: ``complaints.ledger.csv``.

    ``key`` is lower-case letters, digits and underscores (no dots), so the English
    report's files (``complaints.ledger.csv``) never match the Chinese ones
    (``complaints.zh.ledger.csv``).
    """
    if not _ATTACHMENT_KEY.match(key) or key in {"html", "json", "ipynb", "failed", "zh", "en"}:
        raise ParameterError(
            f"an attachment key must be lower-case letters, digits and underscores, starting "
            f"with a letter, and not a report file kind or language; got {key!r}"
        )
    if fmt not in ATTACHMENT_FORMATS:
        allowed = ", ".join(repr(f) for f in ATTACHMENT_FORMATS)
        raise ParameterError(f"an attachment format must be one of {allowed}; got {fmt!r}")
    return f"{name}{lang_suffix(lang)}.{key}.{fmt}"


def attachment_pattern(name: str, lang: str) -> re.Pattern[str]:
    """Matches the names of every table written beside one report (for clearing stale ones)."""
    stem = re.escape(f"{name}{lang_suffix(lang)}")
    formats = "|".join(ATTACHMENT_FORMATS)
    return re.compile(rf"^{stem}\.[a-z][a-z0-9_]*\.({formats})$")


def report_files(month_dir: Path, name: str, lang: str) -> dict[str, Path]:
    """Where one report of one month and language lives (html, json, ipynb, failed).

    ``2025-11/turnover.html`` in English and ``2025-11/turnover.zh.html`` in Chinese: the
    reports of the two languages sit side by side and never overwrite each other.
    """
    stem = f"{name}{lang_suffix(lang)}"
    return {
        "html": month_dir / f"{stem}.html",
        "json": month_dir / f"{stem}.json",
        "ipynb": month_dir / f"{stem}.ipynb",
        "failed": month_dir / f"{stem}.failed.ipynb",
    }


@dataclass(frozen=True)
class NotebookRun:
    """Outcome of rendering one notebook for one month.

    Attributes
    ----------
    name : str
        Notebook name (``"turnover"``).
    lang : {"en", "zh"}
        Language of the report.
    status : {"ok", "failed"}
        ``"ok"`` when the html, json and ipynb were written.
    seconds : float
        Wall time of execution and export.
    html, json : pathlib.Path or None
        The report and its key figures; ``None`` for a failed run.
    ipynb : pathlib.Path or None
        The executed notebook (``NAME.ipynb``, or ``NAME.failed.ipynb`` for a failed run;
        ``None`` when the kernel never produced one).
    error : str or None
        For a failed run, a one-line message naming the notebook and, when known, the cell.
    cell_index : int or None
        Index (0-based) of the failing cell in the notebook template, when known.
    provisional : bool or None
        The ``provisional`` flag of the key figures JSON (``None`` for a failed run).
    """

    name: str
    status: str
    seconds: float
    lang: str = "en"
    html: Path | None = None
    json: Path | None = None
    ipynb: Path | None = None
    error: str | None = None
    cell_index: int | None = None
    provisional: bool | None = None

    @property
    def ok(self) -> bool:
        """Whether this notebook rendered."""
        return self.status == "ok"


@dataclass(frozen=True)
class RenderSummary:
    """Outcome of :func:`render_month`.

    Attributes
    ----------
    month : str
        The report month, ``YYYY-MM``.
    runs : tuple of NotebookRun
        One per notebook rendered, in :data:`NOTEBOOKS` order.
    out_dir : pathlib.Path
        The reports folder (``OUT``).
    index_html : pathlib.Path
        ``OUT/index.html``.
    """

    month: str
    runs: tuple[NotebookRun, ...]
    out_dir: Path
    index_html: Path

    @property
    def ok(self) -> bool:
        """Whether every notebook rendered."""
        return all(run.ok for run in self.runs)

    @property
    def failed(self) -> tuple[NotebookRun, ...]:
        """The failed runs."""
        return tuple(run for run in self.runs if not run.ok)
