"""Détente: forecasts, deal checks and guarantee assessments for multi-party negotiations.

>>> import detente
>>> detente.forecast("emission-standards-1994", model="compromise").outcomes
{'lag': 7.389955686853766}
"""

from __future__ import annotations

from ._compare import Comparison, compare
from ._forecast import forecast
from ._timeline import Timeline, timeline
from .backtest import Leaderboard, backtest
from .deal import DealReport, check_deal
from .errors import DetenteError, ModelError, NotFoundError, ReportError, ScenarioError
from .guarantees import GuaranteeAssessment, assess_guarantees
from .models import Forecast
from .scenario import Scenario, ScenarioArrays, builtin_names, load_scenario
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
    "Comparison",
    "DealReport",
    "DetenteError",
    "Forecast",
    "GuaranteeAssessment",
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
    "builtin_names",
    "check_deal",
    "compare",
    "forecast",
    "levers",
    "load_scenario",
    "run_draws",
    "sensitivity",
    "simulate",
    "timeline",
]
