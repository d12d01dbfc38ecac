"""Bueno de Mesquita's expected-utility ("challenge") model as reconstructed by Scholz, Calbert
& Smith (2011): ``specs/eum.md``, documented in ``docs/models/eum.md``.

>>> from detente import forecast
>>> round(forecast("emission-standards-1994", "eum").outcomes["lag"], 6)
7.0
"""

from __future__ import annotations

from .._contract import ModelSpec
from ._model import eum
from ._params import CONSTANTS, CONVENTION_SETS, Conventions, EumParams
from ._tables import conventions_table, moves_table, rounds_table

__all__ = [
    "CONSTANTS",
    "CONVENTION_SETS",
    "EUM",
    "Conventions",
    "EumParams",
    "conventions_table",
    "eum",
    "moves_table",
    "rounds_table",
]

EUM = ModelSpec(
    "eum",
    eum,
    EumParams,
    "expected-utility (challenge) model of Bueno de Mesquita, as reconstructed by Scholz et al.",
    dynamic=True,
)
