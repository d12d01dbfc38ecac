"""Détente: forecasts, deal checks and guarantee assessments for multi-party negotiations.

>>> import detente
>>> detente.forecast("emission-standards-1994", model="compromise").outcomes
{'lag': 7.389955686853766}
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

# The backtest's function shares its name with its subpackage: bound here, after the subpackage
# is imported, so that `detente.backtest` stays the function whatever is imported later.
from .backtest import Leaderboard, backtest
from .errors import DetenteError, ModelError, NotFoundError, ReportError, ScenarioError
from .models import Forecast
from .scenario import Scenario, ScenarioArrays, builtin_names, load_scenario

if _typing.TYPE_CHECKING:
    from ._brief import Brief, brief
    from ._compare import Comparison, compare
    from ._forecast import forecast
    from ._intervals import Intervals, intervals
    from ._timeline import Timeline, timeline
    from .deal import DealReport, check_deal
    from .guarantees import GuaranteeAssessment, assess_guarantees
    from .uncertainty import (
        Levers,
        Simulation,
        SobolIndices,
        Tornado,
        levers,
        run_draws,
        sensitivity,
        simulate,
    )

__version__ = "0.1.0"

__all__ = [
    "Brief",
    "Comparison",
    "DealReport",
    "DetenteError",
    "Forecast",
    "GuaranteeAssessment",
    "Intervals",
    "Leaderboard",
    "Levers",
    "ModelError",
    "NotFoundError",
    "ReportError",
    "Scenario",
    "ScenarioArrays",
    "ScenarioError",
    "Simulation",
    "SobolIndices",
    "Timeline",
    "Tornado",
    "__version__",
    "assess_guarantees",
    "backtest",
    "brief",
    "builtin_names",
    "check_deal",
    "compare",
    "forecast",
    "intervals",
    "levers",
    "load_scenario",
    "run_draws",
    "sensitivity",
    "simulate",
    "timeline",
]

# The rest loads on first use: a command or a notebook imports what it uses, not the deal, the
# brief and the Monte Carlo machinery with their dependencies (`import detente` took 0.9 s).
_LAZY = {
    **dict.fromkeys(("Brief", "brief"), "._brief"),
    **dict.fromkeys(("Comparison", "compare"), "._compare"),
    "forecast": "._forecast",
    **dict.fromkeys(("Intervals", "intervals"), "._intervals"),
    **dict.fromkeys(("Timeline", "timeline"), "._timeline"),
    **dict.fromkeys(("DealReport", "check_deal"), ".deal"),
    **dict.fromkeys(("GuaranteeAssessment", "assess_guarantees"), ".guarantees"),
    **dict.fromkeys(
        ("Levers", "Simulation", "SobolIndices", "Tornado", "levers", "run_draws",
         "sensitivity", "simulate"),
        ".uncertainty",
    ),
}  # fmt: skip
_MODULES = frozenset({"api", "cli", "deal", "draft", "estimative", "guarantees", "models",
                          "report", "scenario", "store", "uncertainty"})  # fmt: skip


def __getattr__(name: str) -> _typing.Any:
    if name in _LAZY:
        value = getattr(_importlib.import_module(_LAZY[name], __name__), name)
    elif name in _MODULES:
        value = _importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'detente' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
