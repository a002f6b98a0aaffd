"""Staggered difference in differences: one result type, one module per estimator.

Laid out as pyfixest's ``did`` package, so the Callaway & Sant'Anna estimate and the naive
two-way fixed-effects one share a result type and an event-study plot
(:func:`csnb.plots.did.plot_event_study`):

- :mod:`.base`: :class:`DidResult` (tidy estimates of any estimator) and
  :class:`WaldTestResult` (the pre-trend test)
- :mod:`.cs`: :func:`fit_cs_did`, Callaway & Sant'Anna (2021) without covariates
- :mod:`.twfe`: :func:`fit_twfe`, the naive two-way fixed-effects regression
- :mod:`.adoption`: :func:`fit_policy_effects` on csnb's team-month panel
- :mod:`.dgp`: :func:`simulate_staggered`, a panel with a planted effect (tests, demos)
"""

from .adoption import POLICY_OUTCOMES, PolicyEffectsResult, fit_policy_effects, policy_panel
from .base import (
    AGGREGATIONS,
    DID_COLUMNS,
    FEW_CLUSTERS,
    WARN_FEW_CLUSTERS,
    WARN_NO_PRE_PERIODS,
    WARN_PRETREND_SINGULAR,
    WARN_SINGLE_UNIT_GROUPS,
    DidResult,
    WaldTestResult,
)
from .cs import CsModel, fit_cs_did
from .dgp import planted_truth, simulate_staggered
from .twfe import TwfeModel, fit_twfe

__all__ = [
    "AGGREGATIONS",
    "DID_COLUMNS",
    "FEW_CLUSTERS",
    "POLICY_OUTCOMES",
    "WARN_FEW_CLUSTERS",
    "WARN_NO_PRE_PERIODS",
    "WARN_PRETREND_SINGULAR",
    "WARN_SINGLE_UNIT_GROUPS",
    "CsModel",
    "DidResult",
    "PolicyEffectsResult",
    "TwfeModel",
    "WaldTestResult",
    "fit_cs_did",
    "fit_policy_effects",
    "fit_twfe",
    "planted_truth",
    "policy_panel",
    "simulate_staggered",
]
