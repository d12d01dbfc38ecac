"""Backtests on real outcomes: the DEU loader, scores, the paired bootstrap, leaderboards, the
cross-validated search for a better model and the calibration of predictive intervals.

>>> from detente.backtest import backtest
>>> board = backtest(models="compromise,median", resamples=200)
>>> [(e.name, round(e.scores.mae, 2), e.scores.n) for e in board.entries]
[('compromise', 25.46, 248), ('median', 30.87, 248)]
"""

from __future__ import annotations

from ._bootstrap import PairedBootstrap, Unit, paired_bootstrap
from ._calibrate import ENSEMBLE, calibrate, ensemble_weights, weighted_ensemble
from ._conformal import LEVELS, Calibration, conformal_cv, predictive_interval, residual_atoms
from ._deu import DeuData, DeuRules, load_deu, shipped_deu_path
from ._leaderboard import Entry, Leaderboard, backtest
from ._report import leaderboard_markdown, replace_section, search_markdown
from ._run import ModelChoice, parse_models, run_model
from ._scores import Scores, breakdown, score
from ._search import DEFAULT_CANDIDATES, Candidate, CandidateResult, SearchResult, search

__all__ = [
    "DEFAULT_CANDIDATES",
    "ENSEMBLE",
    "LEVELS",
    "Calibration",
    "Candidate",
    "CandidateResult",
    "DeuData",
    "DeuRules",
    "Entry",
    "Leaderboard",
    "ModelChoice",
    "PairedBootstrap",
    "Scores",
    "SearchResult",
    "Unit",
    "backtest",
    "breakdown",
    "calibrate",
    "conformal_cv",
    "ensemble_weights",
    "leaderboard_markdown",
    "load_deu",
    "paired_bootstrap",
    "parse_models",
    "predictive_interval",
    "replace_section",
    "residual_atoms",
    "run_model",
    "score",
    "search",
    "search_markdown",
    "shipped_deu_path",
    "weighted_ensemble",
]
