"""Reports: what notebooks call, and the runner that renders them to HTML.

- :mod:`.month_report`: :class:`MonthReport`, the one object a report notebook uses
- :mod:`.display`: text blocks (headings, notes, the header)
- :mod:`.params`: the parameters a notebook template declares
- :mod:`.runner`: papermill -> executed notebook -> HTML + JSON, in parallel
- :mod:`.export`: HTML export without code, and the check that it loads nothing external
- :mod:`.index`: ``OUT/index.json`` and ``OUT/index.html``
- :mod:`.kernel`: the Jupyter kernel of the running interpreter
- ``templates/``: nbconvert and index templates; ``notebooks/``: the report templates
"""

from .display import Block
from .export import find_external_refs
from .index import write_index
from .month_report import MonthReport
from .params import check_parameters
from .runner import default_notebooks_dir, render_month
from .runs import NOTEBOOKS, NotebookRun, RenderSummary

__all__ = [
    "NOTEBOOKS",
    "Block",
    "MonthReport",
    "NotebookRun",
    "RenderSummary",
    "check_parameters",
    "default_notebooks_dir",
    "find_external_refs",
    "render_month",
    "write_index",
]
