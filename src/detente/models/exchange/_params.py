"""Parameters of the exchange model (``specs/exchange.md`` §8), with the two bookkeeping sets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ...errors import ModelError
from .._contract import DynamicParams, check_maximums, param

__all__ = ["ExchangeParams"]

Bookkeeping = Literal["decide", "clean"]
Engine = Literal["kernel", "numpy"]


@dataclass(frozen=True)
class ExchangeParams(DynamicParams):
    """Settings of Stokman's equal-gain exchange model.

    ``bookkeeping`` picks the set of conventions of ``exchange.md`` §8 (``history``,
    ``overshoot_reference``, ``recompute_trigger``): ``decide`` (default) reproduces the
    ``decide`` program; ``clean`` replaces its three undocumented details with their intent.
    """

    fixed_weight: float = param(
        0.1, "φ: share of the vote move every actor adopts as its new position (§4.7)"
    )
    salience_weight: float = param(
        0.4, "σ: extra share adopted in proportion to 1 − salience; x' = x + (φ + σ(1−s))(y − x)"
    )
    bookkeeping: Bookkeeping = param(
        "decide",
        "'decide' reproduces the decide program's move history, overshoot reference and "
        "recompute trigger; 'clean' uses their evident intent (§4.4–§4.6)",
    )
    tie_break: Literal["generation_order", "seeded_random"] = param(
        "generation_order",
        "among candidates within `tie_tolerance` of the best gain: the first generated "
        "(issue pair, then A×D before B×C, then actor order) or a seeded random pick",
    )
    tie_tolerance: float = param(1e-12, "gains this close (absolute) to the best count as tied")
    gain_min: float = param(1e-10, "an exchange gaining less than this is not made")
    move_min: float = param(1e-10, "a vote move of this size or less is no move (0–100 units)")
    move_max: float = param(100.0, "largest vote move on one issue (0–100 units)")
    rex_p: float = param(
        0.0,
        "REX: how far the gains split may move from equal towards one side's maximum "
        "(0 = plain equal gain, 1 = up to the whole frontier; §6)",
    )
    rex_redraw: Literal["once", "on_recompute"] = param(
        "once",
        "REX: draw u, v, z once per candidate at generation ('once') or at every "
        "recomputation ('on_recompute', the decide behaviour)",
    )
    rex_side_threshold: float = param(0.5, "REX: u below this randomizes the demanding side I")
    rex_win_threshold: float = param(0.5, "REX: v below this makes the randomized side win")
    seed: int = param(0, "seed of the generator for REX draws and random tie-breaking")
    engine: Engine = param(
        "kernel",
        "'kernel' runs each round's selection steps compiled (numba), draws in parallel; "
        "'numpy' runs the reference implementation the kernel is tested against (same results "
        "to 1e-9)",
    )

    def __post_init__(self) -> None:
        check_maximums("exchange", self)
        if self.rounds < 0:
            raise ModelError(f"model 'exchange': rounds must be 0 or more; got {self.rounds}")
        if not 0.0 <= self.rex_p <= 1.0:
            raise ModelError(f"model 'exchange': rex_p must lie in [0, 1]; got {self.rex_p}")
        for name in ("fixed_weight", "salience_weight"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ModelError(f"model 'exchange': {name} must lie in [0, 1]; got {value}")
        if self.fixed_weight + self.salience_weight > 1.0:
            raise ModelError(
                "model 'exchange': fixed_weight + salience_weight must not exceed 1 (a new "
                f"position past the vote); got {self.fixed_weight + self.salience_weight}"
            )
