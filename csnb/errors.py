"""Error classes of csnb.

One small hierarchy: every error csnb raises on purpose is a :class:`CsnbError`. Data contract
violations carry the :class:`Problem` records that name the file, the column, how many rows and
up to five of them with their values, so the CLI can print them without a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_EXAMPLES = 5


@dataclass(frozen=True)
class Problem:
    """One finding of a data check.

    Attributes
    ----------
    table : str
        Contract table name (``"orders"``).
    path : str
        File (or folder) the rows came from, relative to the dataset folder when possible.
    column : str or None
        Column concerned, ``None`` for whole-row or whole-file findings.
    check : str
        Short reason code (``"non_numeric"``, ``"duplicate_id"``, ``"missing_column"``...).
    message : str
        What is wrong and, for soft problems, what csnb did about it.
    count : int
        Number of rows concerned.
    examples : tuple of (int, str)
        Up to five ``(row_number, value)`` pairs; row numbers are 1-based data rows of the file.
    severity : {"error", "warning"}
        ``"error"`` violates the contract; ``"warning"`` follows a documented soft policy.
    """

    table: str
    path: str
    column: str | None
    check: str
    message: str
    count: int = 0
    examples: tuple[tuple[int, str], ...] = field(default_factory=tuple)
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}: column '{self.column}'" if self.column else f"{self.path}"
        text = f"{where} {self.message}"
        if self.examples:
            shown = self.examples[:MAX_EXAMPLES]
            rows = ", ".join(str(r) for r, _ in shown)
            values = ", ".join(repr(v) for _, v in shown)
            text += f" ({'row' if len(shown) == 1 else 'rows'} {rows}: {values})"
        return text


def plural(n: int, noun: str) -> str:
    """``"1 row"``, ``"3 rows"``: a count with its noun, for messages."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


class CsnbError(Exception):
    """Base class of every error csnb raises on purpose."""


class DataContractError(CsnbError, ValueError):
    """Input data violate the data contract.

    Parameters
    ----------
    problems : sequence of Problem
        The error-severity findings (warnings may be included; only errors are listed first).
    quality : pandas.DataFrame, optional
        The row accounting table of the load that failed, for ``csnb validate``.
    """

    def __init__(self, problems: Sequence[Problem], quality=None):
        self.problems = list(problems)
        self.quality = quality
        errors = [p for p in self.problems if p.severity == "error"]
        first = errors[0] if errors else (self.problems[0] if self.problems else None)
        self.path = first.path if first else None
        self.column = first.column if first else None
        self.rows = [r for r, _ in first.examples] if first else []
        lines = [f"data contract violated ({len(errors)} problem{'s' * (len(errors) != 1)}):"]
        lines += [f"  - {p}" for p in errors]
        super().__init__("\n".join(lines))


class RowAccountingError(CsnbError, RuntimeError):
    """A load lost rows: read != accepted + rejected. Always a bug in csnb, never bad data."""


class SettingsError(CsnbError, ValueError):
    """A ``csnb.toml`` setting or a function option has a value csnb does not accept."""


class ParameterError(CsnbError, ValueError):
    """A report parameter is unknown or malformed."""


class NotebookError(CsnbError, RuntimeError):
    """A report notebook failed while executing.

    Attributes
    ----------
    notebook : str
        Notebook name (``"turnover"``).
    cell_index : int or None
        Index of the failing cell in the notebook (0-based), when known.
    """

    def __init__(self, message: str, *, notebook: str, cell_index: int | None = None):
        self.notebook = notebook
        self.cell_index = cell_index
        super().__init__(message)


def check_one_of(name: str, value, allowed: Sequence) -> None:
    """Raise :class:`SettingsError` unless ``value`` is one of ``allowed``.

    The message names the parameter, the allowed values and the value given.
    """
    if value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise SettingsError(f"{name} must be one of {options}; got {value!r}")
