"""Display pieces of a report: text blocks that render as HTML in notebooks and reports.

Tables and figures are results (:class:`csnb.analyses.TableResult`, ...); what remains is
text: headings, notes, the header. A :class:`Block` holds its HTML, built with every value
from the data escaped, and a plain-text form for a console.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

__all__ = ["Block", "escape"]


def escape(value: Any) -> str:
    """HTML-escape a value from the data for inclusion in report HTML."""
    return html.escape(str(value), quote=True)


@dataclass(frozen=True)
class Block:
    """A piece of report text.

    Attributes
    ----------
    html : str
        The HTML shown in notebooks and the rendered report (values already escaped).
    text : str
        The same content as plain text.
    """

    html: str
    text: str = ""

    @classmethod
    def paragraph(cls, text: str) -> Block:
        """A paragraph of plain text (escaped)."""
        return cls(f"<p>{escape(text)}</p>", text)

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text
