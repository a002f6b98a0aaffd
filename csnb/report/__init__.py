"""Reports: what notebooks call, and the runner that renders them to HTML.

- :mod:`.month_report`: :class:`MonthReport`, the object every report notebook opens
- :mod:`.turnover`, :mod:`.conversion`, :mod:`.complaints`, :mod:`.incentives`: each
  analysis report's sections over a MonthReport
- :mod:`.attention`: the overview's agents to talk about (:class:`AttentionSection`)
- :mod:`.daily`: :class:`DailyBrief`, the supervisor's daily brief; :mod:`.qa`: the chat
  reviews section (:class:`QASection`)
- :mod:`.sentences`: sentences generated from the numbers
- :mod:`.display`: text blocks (headings, notes, the header)
- :mod:`.params`: the parameters a notebook template declares
- :mod:`.runner`: papermill -> executed notebook -> HTML + JSON, in parallel
- :mod:`.export`: HTML export without code, and the check that it loads nothing external
- :mod:`.index`: ``OUT/index.json`` and ``OUT/index.html``
- :mod:`.kernel`: the Jupyter kernel of the running interpreter
- ``templates/``: nbconvert and index templates; ``notebooks/``: the report templates
"""

from .attention import AttentionSection
from .complaints import ComplaintsReport
from .conversion import ConversionReport
from .daily import DailyBrief
from .display import Block
from .export import find_external_refs
from .incentives import IncentivesReport
from .index import write_index
from .month_report import MonthReport
from .params import check_parameters
from .qa import QASection
from .runner import default_notebooks_dir, render_daily, render_month
from .runs import NOTEBOOKS, NotebookRun, RenderSummary
from .turnover import TurnoverReport

__all__ = [
    "NOTEBOOKS",
    "AttentionSection",
    "Block",
    "ComplaintsReport",
    "ConversionReport",
    "DailyBrief",
    "IncentivesReport",
    "MonthReport",
    "NotebookRun",
    "QASection",
    "RenderSummary",
    "TurnoverReport",
    "check_parameters",
    "default_notebooks_dir",
    "find_external_refs",
    "render_daily",
    "render_month",
    "write_index",
]
