"""Parameters of the expected-utility model: the 25 fields of ``specs/eum.md`` §7.

Twelve fields have alternatives and are parameters. The other thirteen have a single value in
both convention sets (the spec marks them "fixed"); they are :data:`CONSTANTS`, recorded with
every run in ``Forecast.extras["constants"]``, as the SMP records its fixed constants.

Every convention field defaults to ``None``, meaning "take it from the named convention set"
(``conventions = "replication"`` or ``"paper"``); giving a value overrides that one field.
:meth:`EumParams.resolve` returns the concrete values the engine uses.

>>> p = EumParams(conventions="paper", capitulation="disabled")
>>> c = p.resolve()
>>> (c.p_denominator, c.compromise_choice, c.capitulation)
('dyad', 'least_move', 'disabled')
>>> EumParams().resolve().p_denominator
'global'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from ...errors import ModelError
from .._contract import DynamicParams, check_maximums, param

__all__ = [
    "CONSTANTS",
    "CONVENTION_SETS",
    "FIXED_CONVENTIONS",
    "Conventions",
    "Engine",
    "EumParams",
]

ConventionSet = Literal["replication", "paper"]
RangeSource = Literal["initial_positions", "current_positions"]
PDenominator = Literal["global", "dyad"]
PDistance = Literal["voter_powered", "linear"]
ChallengeSalience = Literal["target", "printed"]
OtherEuRisk = Literal["evaluator", "other"]
Capitulation = Literal["figure6", "disabled"]
CompromiseChoice = Literal["min_weighted_position", "least_move"]
TieBreak = Literal["input_order", "enforceability_then_input_order"]
MedianTie = Literal["lower", "midpoint", "upper"]
Statistic = Literal["median", "mean"]
Engine = Literal["kernel", "numpy"]

#: The spec §7 fields with one value in both sets, with their meaning: how the engine always
#: works, not options (kept by name so that every run records them and the tables list them).
FIXED_CONVENTIONS: dict[str, tuple[str | int | bool, str]] = {
    "better_worse_rule": ("unified", "T switch between U^b and U^w (§3.3; only when Q < 1)"),
    "median_for_uw": ("weighted_median", "mu in U^b/U^w: the weighted median at round start"),
    "risk_passes": (2, "two passes per round: r = 1, then the new exponents"),
    "risk_reset_each_round": (True, "exponents restart at 1 every round"),
    "risk_update": ("simultaneous", "all exponents assigned at once from pass-1 values"),
    "security_zero_range": ("r_one", "all security levels equal: every r = 1 (guard)"),
    "offer_class_order": (
        "confrontation>compromise>capitulation",
        "class priority when choosing an offer",
    ),
    "confrontation_choice": ("least_move", "among lost confrontations, the nearest partner"),
    "capitulation_choice": ("least_move", "among capitulations, the nearest partner"),
    "position_update": ("simultaneous", "all moves applied at once from round-start positions"),
    "mean_weights": ("capability_salience", "weights of the reported mean: capability × salience"),
    "median_weights": ("capability_salience", "weights of the median: capability × salience"),
    "salience_input_scale": (
        "unit",
        "the engine always sees salience in [0, 1] (files on 0–100 are divided by 100 on load)",
    ),
}
#: Their values, recorded with every run in ``Forecast.extras["constants"]``.
CONSTANTS: dict[str, str | int | bool] = {k: v for k, (v, _) in FIXED_CONVENTIONS.items()}


@dataclass(frozen=True)
class Conventions:
    """The concrete convention values one run uses (every optional field of §7 resolved)."""

    range_source: RangeSource
    p_denominator: PDenominator
    p_distance: PDistance
    p_zero_denominator: float
    challenge_salience: ChallengeSalience
    other_eu_risk: OtherEuRisk
    status_quo_prob: float
    capitulation: Capitulation
    compromise_choice: CompromiseChoice
    offer_tie_break: TieBreak
    median_tie: MedianTie
    forecast_statistic: Statistic


_SHARED: dict[str, Any] = {
    "range_source": "initial_positions",
    "challenge_salience": "target",
    "status_quo_prob": 1.0,
    "capitulation": "figure6",
    "median_tie": "lower",
    "forecast_statistic": "median",
}

#: The two named convention sets of spec §7.
CONVENTION_SETS: dict[str, Conventions] = {
    "replication": Conventions(
        **_SHARED,
        p_denominator="global",
        p_distance="voter_powered",
        p_zero_denominator=0.0,
        other_eu_risk="evaluator",
        compromise_choice="min_weighted_position",
        offer_tie_break="input_order",
    ),
    "paper": Conventions(
        **_SHARED,
        p_denominator="dyad",
        p_distance="linear",
        p_zero_denominator=0.5,
        other_eu_risk="other",
        compromise_choice="least_move",
        offer_tie_break="enforceability_then_input_order",
    ),
}

_FROM_SET = "None = from `conventions`"


@dataclass(frozen=True)
class EumParams(DynamicParams):
    """Parameters of the expected-utility (challenge) model (``specs/eum.md`` §7).

    ``until_stable`` is a tolerance on the engine's 0–100 scale of each issue (percentage points
    of the issue's scale), so one tolerance means the same on every issue.
    """

    engine: Engine = param(
        "kernel",
        "how a round is computed: 'kernel' (compiled with numba, parallel over draws; the "
        "default) or 'numpy' (the vectorized reference the kernel is tested against); they "
        "agree to 1e-9 on the spec's test vectors",
    )

    conventions: ConventionSet = param(
        "replication",
        "convention set: 'replication' reproduces Scholz et al. (2011) Table 2 (the public "
        "replication's conventions); 'paper' is the literal reading of the ICAART text",
    )
    range_source: RangeSource | None = param(
        None,
        "position range L: 'initial_positions' (fixed for the run; both sets) or "
        f"'current_positions' (each round); {_FROM_SET}",
    )
    p_denominator: PDenominator | None = param(
        None,
        "probability of success: 'global' denominator over all voters and ordered pairs "
        f"(replication) or per-dyad 'dyad' (eq. 31, paper); {_FROM_SET}",
    )
    p_distance: PDistance | None = param(
        None,
        "voters' distances in P: 'voter_powered' ((d/L)^r_k; replication) or 'linear' (paper); "
        + _FROM_SET,
    )
    p_zero_denominator: float | None = param(
        None, f"P when its denominator is 0: 0.0 (replication) or 0.5 (paper); {_FROM_SET}"
    )
    challenge_salience: ChallengeSalience | None = param(
        None,
        "salience in a challenge: 'target' (the target's, both sets) or 'printed' (s_j in both "
        f"equations, eq. 25b as printed, likely a typo); {_FROM_SET}",
    )
    other_eu_risk: OtherEuRisk | None = param(
        None,
        "risk exponent for the other side's EU in i's view: 'evaluator' (r_i; replication) or "
        f"'other' (r_j; paper); {_FROM_SET}",
    )
    status_quo_prob: float | None = param(
        None,
        "Q, probability that the status quo holds if nobody challenges (1.0 in both sets; BDM "
        f"and Lalman 1986 use 0.5); {_FROM_SET}",
    )
    capitulation: Capitulation | None = param(
        None,
        "'figure6' lets an actor capitulate (a < 0 < b, b < |a|); 'disabled' reproduces one "
        f"replication's unreachable branch (§9.8); {_FROM_SET}",
    )
    compromise_choice: CompromiseChoice | None = param(
        None,
        "among compromises: 'min_weighted_position' (smallest (|a|x_i+|b|x_j)/(|a|+|b|); "
        f"replication) or 'least_move' (paper); {_FROM_SET}",
    )
    offer_tie_break: TieBreak | None = param(
        None,
        "equal keys: 'input_order' (lowest actor index; replication) or "
        f"'enforceability_then_input_order' (larger b, then index; paper); {_FROM_SET}",
    )
    median_tie: MedianTie | None = param(
        None,
        "weighted median when the cumulative weight is exactly half: 'lower', 'midpoint' or "
        f"'upper'; {_FROM_SET}",
    )
    forecast_statistic: Statistic | None = param(
        None,
        "the point forecast: the 'median' after the last round (BDM's dominant outcome) or the "
        f"'mean'; {_FROM_SET}",
    )

    def __post_init__(self) -> None:
        check_maximums("eum", self)
        if self.conventions not in CONVENTION_SETS:
            raise ModelError(
                f"model 'eum': parameter 'conventions' expects 'replication' or 'paper'; "
                f"got {self.conventions!r}"
            )
        if self.rounds < 1:
            raise ModelError(f"model 'eum': 'rounds' must be at least 1; got {self.rounds}")
        if self.until_stable is not None and not self.until_stable >= 0:
            raise ModelError(
                f"model 'eum': 'until_stable' must be a tolerance >= 0; got {self.until_stable}"
            )
        q = self.status_quo_prob
        if q is not None and not 0.0 <= q <= 1.0:
            raise ModelError(f"model 'eum': 'status_quo_prob' (Q) must lie in [0, 1]; got {q}")
        pz = self.p_zero_denominator
        if pz is not None and not 0.0 <= pz <= 1.0:
            raise ModelError(
                f"model 'eum': 'p_zero_denominator' must be a probability in [0, 1]; got {pz}"
            )

    def resolve(self) -> Conventions:
        """The convention set named by ``conventions`` with every given field overriding it."""
        base = CONVENTION_SETS[self.conventions]
        overrides = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(Conventions)
            if getattr(self, f.name) is not None
        }
        return dataclasses.replace(base, **overrides)
