"""Files in a data folder -> read, coerce, validate -> a :class:`Dataset`.

- :mod:`.schema`: the data contract (tables, columns, kinds, aliases)
- :mod:`.readers`: header matching, XLSX sheets, encodings, Parquet types
- :mod:`.parsers`: the cell parsers (SQL macros per column kind)
- :mod:`.checks`: the contract checks as SQL over staged rows
- :mod:`.load`: the loader that runs them (:func:`load_dataset`, :func:`validate_dataset`)
- :mod:`.validation`: the validation report and row accounting
- :mod:`.dataset`: the typed tables in DuckDB and the one query function
- :mod:`.cache`: the load cache
"""

from .dataset import Dataset, dataset_from_frames
from .load import load_dataset, validate_dataset
from .validation import ValidationReport, quality_table

__all__ = [
    "Dataset",
    "ValidationReport",
    "dataset_from_frames",
    "load_dataset",
    "quality_table",
    "validate_dataset",
]
