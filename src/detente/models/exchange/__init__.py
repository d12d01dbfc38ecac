"""Stokman's exchange model of voting positions (``specs/exchange.md``), as the ``decide``
program computes it, without its defects.

Modules: ``_candidates`` (who could trade what, vectorized over actor and issue pairs),
``_gain`` (one exchange: equal-gain moves, validity, overshoot cut), ``_rex`` (randomized
exchange ratios), ``_round`` (sequential realization of one round), ``_model`` (rounds and the
forecast), ``_params`` (settings).
"""

from __future__ import annotations

from ._model import EXCHANGE, exchange
from ._params import ExchangeParams

__all__ = ["EXCHANGE", "ExchangeParams", "exchange"]
