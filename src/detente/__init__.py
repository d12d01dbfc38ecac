"""Détente: forecasts, deal checks and guarantee assessments for multi-party negotiations.

>>> import detente
>>> detente.forecast("emission-standards-1994", model="compromise").outcomes
{'lag': 7.389955686853766}
"""

from __future__ import annotations

from ._forecast import forecast
from .errors import DetenteError, ModelError, ScenarioError
from .models import Forecast
from .scenario import Scenario, ScenarioArrays, builtin_names, load_scenario
from .uncertainty import Levers, Simulation, SobolIndices, Tornado, levers, sensitivity, simulate

__version__ = "0.1.0"

__all__ = [
    "DetenteError",
    "Forecast",
    "Levers",
    "ModelError",
    "Scenario",
    "ScenarioArrays",
    "ScenarioError",
    "Simulation",
    "SobolIndices",
    "Tornado",
    "__version__",
    "builtin_names",
    "forecast",
    "levers",
    "load_scenario",
    "sensitivity",
    "simulate",
]
