"""Uncertainty: Monte Carlo over uncertain inputs, sensitivity, levers, and where runs execute.

>>> from detente.uncertainty import simulate
>>> s = simulate("emission-standards-1994", "compromise", draws=1000, seed=1)
>>> round(s.median("lag"), 6), s.prob("lag", lo=7)
(7.389956, 1.0)

(The built-in emission case states every number as a point, so every draw agrees; give
``{low, mode, high}`` ranges to see a spread.)
"""

from __future__ import annotations

from ._backends import run_tasks
from ._copula import Correlated, correlation_matrix, sample_uniforms
from ._figures import histogram_figure, save_figure, sobol_figure, tornado_figure
from ._levers import Lever, Levers, levers
from ._merge import merge_forecasts
from ._result import Band, IssueSummary, Simulation
from ._runner import default_chunk_size, run_draws
from ._sensitivity import SobolIndices, Tornado, sensitivity, sobol, tornado
from ._simulate import simulate
from ._tables import levers_table, print_summary, simulation_tables, sobol_tables, tornado_tables

__all__ = [
    "Band",
    "Correlated",
    "IssueSummary",
    "Lever",
    "Levers",
    "Simulation",
    "SobolIndices",
    "Tornado",
    "correlation_matrix",
    "default_chunk_size",
    "histogram_figure",
    "levers",
    "levers_table",
    "merge_forecasts",
    "print_summary",
    "run_draws",
    "run_tasks",
    "sample_uniforms",
    "save_figure",
    "sensitivity",
    "simulate",
    "simulation_tables",
    "sobol",
    "sobol_figure",
    "sobol_tables",
    "tornado",
    "tornado_figure",
    "tornado_tables",
]
