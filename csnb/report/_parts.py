"""Report parts that may be unavailable: run each once, keep the reason it could not be.

Shared by the complaints and operations reports. A part is an analysis the report runs for
its month; when the data cannot answer it the part is None and ``unavailable[part]`` holds
the reason in the report language, which the section shows in place of the figure.

Which failures are shown: every :class:`~csnb.errors.CsnbError` (the data break a contract,
a parameter does not fit the data, a model cannot be fitted), ``ValueError`` and numpy's
``LinAlgError`` (the numerics cannot run on these data: too few rows, a singular design).
Anything else (``KeyError``, ``TypeError``, ...) is a defect in csnb, not a property of the
data, and propagates rather than being printed as a "reason".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from ..errors import CsnbError
from .display import Block

__all__ = ["SHOWN_FAILURES", "Parts"]

#: Failures a part reports as unavailable (see the module docstring).
SHOWN_FAILURES: tuple[type[Exception], ...] = (CsnbError, ValueError, np.linalg.LinAlgError)


class Parts:
    """Mixin: ``_attempt`` a part, ``_why`` it is missing.

    A subclass sets ``needs_table`` (the table every part reads; without it each part is
    unavailable with the text ``reason.no_<table>``), provides ``ds``, ``text(key, **values)``
    and ``unavailable``, and may override :meth:`_reason` to word a failure in its own texts.
    """

    needs_table: ClassVar[str]
    unavailable: dict[str, str]
    ds: Any

    def text(self, key: str, **values: Any) -> str:  # pragma: no cover - subclasses define
        raise NotImplementedError

    def _reason(self, exc: Exception) -> str:
        """The reason shown for a failure (by default its message)."""
        return str(exc)

    def _why(self, part: str) -> Block:
        """The paragraph shown in place of an unavailable part."""
        return Block.paragraph(self.text("unavailable", reason=self.unavailable.get(part, "")))

    def _attempt(self, part: str, fit: Callable[[], Any]) -> Any:
        """Run ``fit``; on a shown failure note the reason and return None."""
        if not self.ds.has(self.needs_table):
            self.unavailable[part] = self.text(f"reason.no_{self.needs_table}")
            return None
        try:
            return fit()
        except SHOWN_FAILURES as exc:
            self.unavailable[part] = self._reason(exc)
        return None
