"""Is there a deal? Veto players, walk-away utilities, the zone of possible agreement, package
deals, the Pareto frontier and the Nash bargaining package — all over Monte Carlo draws.

>>> from detente.deal import zone_of_agreement
>>> from detente.scenario import ScenarioArrays
>>> a = ScenarioArrays.build([[20.0], [60.0]], veto=[True, True], status_quo=[90.0])
>>> bool(zone_of_agreement(a).exists[0])
True
"""

from __future__ import annotations

from ._check import DealReport, check_deal
from ._frontier import Frontier, pareto_frontier
from ._lp import Form
from ._points import closest_acceptable, nash_bargaining, nash_exponents
from ._trades import Move, Trade, package_deals
from ._utility import utility, veto_index, walk_away_utility, weights
from ._viability import variant_spread
from ._zone import Zone, zone_of_agreement

__all__ = [
    "DealReport",
    "Form",
    "Frontier",
    "Move",
    "Trade",
    "Zone",
    "check_deal",
    "closest_acceptable",
    "nash_bargaining",
    "nash_exponents",
    "package_deals",
    "pareto_frontier",
    "utility",
    "variant_spread",
    "veto_index",
    "walk_away_utility",
    "weights",
    "zone_of_agreement",
]
