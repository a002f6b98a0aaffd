"""SQL text helpers: the one escaper of literals and identifiers csnb writes into SQL."""

from __future__ import annotations

from collections.abc import Iterable


def lit(text: object) -> str:
    """Return ``text`` as a SQL string literal (single quotes doubled)."""
    return "'" + str(text).replace("'", "''") + "'"


def lits(values: Iterable[object]) -> str:
    """Return a comma-separated list of string literals; ``''`` for no values.

    ``x IN ('')`` then matches nothing real, so an empty list never breaks a query.
    """
    out = ", ".join(lit(v) for v in values)
    return out or "''"


def ident(name: str) -> str:
    """Return ``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
