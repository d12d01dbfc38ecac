"""Détente: forecasts, deal checks and guarantee assessments for multi-party negotiations.

>>> import detente
>>> detente.forecast("emission-standards-1994", model="compromise").outcomes
{'lag': 7.389955686853766}
"""

from __future__ import annotations

from ._brief import Brief, brief
from ._compare import Comparison, compare
from ._forecast import forecast
from ._intervals import Intervals, intervals
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
