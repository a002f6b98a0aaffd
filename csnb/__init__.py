"""csnb: notebook analysis kit for e-commerce customer-service teams."""

from .dataset import Dataset, dataset_from_frames
from .errors import (
    CsnbError,
    DataContractError,
    NotebookError,
    ParameterError,
    Problem,
    SettingsError,
)
from .settings import Settings, load_settings

__version__ = "0.1.0"

__all__ = [
    "CsnbError",
    "DataContractError",
    "Dataset",
    "NotebookError",
    "ParameterError",
    "Problem",
    "Settings",
    "SettingsError",
    "dataset_from_frames",
    "load_settings",
]
