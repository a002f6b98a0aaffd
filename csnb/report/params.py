"""Notebook parameters: what a template declares in its tagged ``parameters`` cell."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..errors import ParameterError

__all__ = ["PARAMETER_NAMES", "check_parameters"]

#: Parameters the runner passes to every notebook.
PARAMETER_NAMES = ("month", "data_dir", "lang", "results_path")


def check_parameters(path: str | os.PathLike, given: Iterable[str]) -> dict[str, Any]:
    """Check that the notebook at ``path`` declares every parameter in ``given``.

    papermill injects unknown parameters anyway and only logs a warning; a typo would then
    silently render a report with the default value. Here it is an error.

    Parameters
    ----------
    path : path-like
        Notebook template.
    given : iterable of str
        Parameter names the runner will pass.

    Returns
    -------
    dict
        ``papermill.inspect_notebook`` output: name -> {name, inferred_type_name, default, help}.

    Raises
    ------
    ParameterError
        The notebook has no cell tagged ``parameters`` or does not declare a given name.
    """
    import papermill

    path = Path(path)
    try:
        declared = papermill.inspect_notebook(str(path))
    except Exception as exc:  # papermill raises several types for unreadable notebooks
        raise ParameterError(f"{path.name}: cannot read its parameters: {exc}") from exc
    if not declared:
        raise ParameterError(
            f"{path.name}: no cell tagged 'parameters' declares any parameter; the runner "
            f"passes {', '.join(repr(p) for p in given)}"
        )
    unknown = [p for p in given if p not in declared]
    unparsed = _unparsed_parameter_lines(path, unknown)
    if unparsed:
        name, number, line = unparsed[0]
        hint = (
            "a parameter line may contain only one '=' (take it out of the comment)"
            if line.count("=") > 1
            else "write it as `name: type = value  # help` on one line"
        )
        raise ParameterError(
            f"{path.name}: papermill cannot parse the declaration of parameter {name!r} "
            f"(line {number} of the 'parameters' cell: {line.strip()!r}); {hint}"
        )
    if unknown:
        raise ParameterError(
            f"{path.name} does not declare parameter{'s' * (len(unknown) != 1)} "
            f"{', '.join(repr(p) for p in unknown)} in its 'parameters' cell "
            f"(it declares {', '.join(repr(p) for p in declared)})"
        )
    return declared


def _unparsed_parameter_lines(path: Path, names: Sequence[str]) -> list[tuple[str, int, str]]:
    """Lines of the parameters cell that assign one of ``names`` but papermill skipped."""
    if not names:
        return []
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:
        return []
    found = []
    for cell in nb.cells:
        if "parameters" not in cell.get("metadata", {}).get("tags", []):
            continue
        for number, line in enumerate(str(cell.source).splitlines(), start=1):
            for name in names:
                if re.match(rf"^\s*{re.escape(name)}\s*(:[^=]*)?=", line):
                    found.append((name, number, line))
        break
    return found


