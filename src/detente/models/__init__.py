"""Forecasting models: pure functions ``(arrays, params) -> Forecast`` and a registry by name.

>>> from detente import models
>>> "compromise" in models.names()
True
>>> models.get("median").make_params(tie="midpoint").tie
'midpoint'
"""

from __future__ import annotations

from ..errors import ModelError, did_you_mean
from ._contract import (
    MAX_ROUNDS,
    DynamicParams,
    Forecast,
    ModelSpec,
    OnRound,
    Rounds,
    jsonable,
    make_forecast,
    param,
)
from ._weighted import weighted_mean, weighted_median
from .baselines import COMPROMISE, MEAN, MEDIAN, STATUS_QUO
from .eum import EUM
from .exchange import EXCHANGE
from .nash import NASH
from .smp import SMP

__all__ = [
    "MAX_ROUNDS",
    "DynamicParams",
    "Forecast",
    "ModelSpec",
    "OnRound",
    "Rounds",
    "get",
    "jsonable",
    "make_forecast",
    "names",
    "param",
    "weighted_mean",
    "weighted_median",
]

# One line per model; the order is the order of `detente models` and of comparison tables.
_REGISTRY: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        COMPROMISE,
        MEAN,
        MEDIAN,
        STATUS_QUO,
        NASH,
        EXCHANGE,
        EUM,
        SMP,
    )
}


def names() -> list[str]:
    """The registered model names, in registry order."""
    return list(_REGISTRY)


def get(name: str) -> ModelSpec:
    """The registered model called ``name``; an unknown name lists the valid ones."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ModelError(
            f"unknown model '{name}'; the models are: {', '.join(_REGISTRY)}"
            f"{did_you_mean(name, _REGISTRY)}"
        ) from None
