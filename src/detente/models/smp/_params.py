"""The SMP's parameters: KTAB's nine options with KTAB's defaults, Détente's extras, constants.

Option names follow KTAB (``specs/smp.md`` §6.1); values are KTAB's own spellings so that a KTAB
user recognises them. The fixed constants of §6.2 are module constants, recorded with every run in
``Forecast.extras["constants"]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ...errors import ModelError
from .._contract import MAX_ROUNDS, Keep, check_maximums, param

__all__ = [
    "CONSTANTS",
    "BargnModel",
    "BigRAdjust",
    "BigRRange",
    "InterVecBrgn",
    "PCEModel",
    "SmpParams",
    "StateTransitions",
    "ThirdPartyCommit",
    "VictoryProbModel",
    "VotingRule",
]

VictoryProbModel = Literal["Linear", "Square", "Quartic", "Octic", "Binary"]
PCEModel = Literal["Conditional", "MarkovIncentive", "MarkovUniform"]
StateTransitions = Literal["Deterministic", "Stochastic"]
VotingRule = Literal["Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"]
BigRAdjust = Literal["None", "OneThird", "Half", "TwoThirds", "Full"]
BigRRange = Literal["Min", "Mid", "Max"]
ThirdPartyCommit = Literal["NoCommit", "SemiCommit", "FullCommit"]
InterVecBrgn = Literal["S1P1", "S2P2", "S2PMax"]
BargnModel = Literal["InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"]
SalienceTotal = Literal["error", "ktab_combine"]
Engine = Literal["kernel", "numpy"]

# Fixed constants (specs/smp.md §6.2). Not options: KTAB hard-codes them.
PCE_COALITION_FLOOR = 1e-8  # §3.4
CHALLENGE_COALITION_FLOOR = 1e-10  # §4.4
BINARY_VOTE_SCALE = 1e-8  # §3.3
BINARY_VICTORY_THRESHOLD = 1.10  # §3.5
BINARY_VICTORY_MINIMUM = 1e-6  # §3.5
MARKOV_UNIFORM_TOL = 1e-6  # §3.6
MARKOV_INCENTIVE_TOL = 1e-8  # §3.6
MARKOV_INCENTIVE_FLOOR = 1e-10  # §3.6
MARKOV_MAX_ITER = 1000  # §3.6 (KTAB has no cap, §7.8)
MIN_GAIN = 1e-5  # §4.5
INTERPOLATION_FLOOR = 1e-6  # §4.6
ROUNDING = 1e4  # §4.6: 4 decimals on [0, 1]
POSITION_TOL = 1e-3  # §4.12
MIN_TURNS, MAX_TURNS, MIN_DELTA_RATIO, MIN_SIG_DELTA = 2, 100, 0.02, 1e-4  # §5
DEGENERATE_R = 1e-12  # §4.2 (Détente's guard, §7.4)

CONSTANTS: dict[str, float] = {
    "pce_coalition_floor": PCE_COALITION_FLOOR,
    "challenge_coalition_floor": CHALLENGE_COALITION_FLOOR,
    "binary_vote_scale": BINARY_VOTE_SCALE,
    "binary_victory_threshold": BINARY_VICTORY_THRESHOLD,
    "binary_victory_minimum": BINARY_VICTORY_MINIMUM,
    "markov_uniform_tol": MARKOV_UNIFORM_TOL,
    "markov_incentive_tol": MARKOV_INCENTIVE_TOL,
    "markov_incentive_floor": MARKOV_INCENTIVE_FLOOR,
    "markov_max_iter": MARKOV_MAX_ITER,
    "min_gain": MIN_GAIN,
    "interpolation_floor": INTERPOLATION_FLOOR,
    "rounding": ROUNDING,
    "position_tol": POSITION_TOL,
    "min_turns": MIN_TURNS,
    "max_turns": MAX_TURNS,
    "min_delta_ratio": MIN_DELTA_RATIO,
    "min_sig_delta": MIN_SIG_DELTA,
    "degenerate_r": DEGENERATE_R,
}


@dataclass(frozen=True)
class SmpParams:
    """Options of KTAB's spatial model of politics (``specs/smp.md`` §6), KTAB's defaults.

    >>> SmpParams().voting_rule, SmpParams(voting_rule="Cubic").voting_rule
    ('Prop', 'Cubic')
    """

    victory_prob_model: VictoryProbModel = param(
        "Linear",
        "KTAB VictoryProbModel (§3.5): how coalition strengths become a win probability in the "
        "PCEs — 'Linear' c1/(c1+c2), 'Square', 'Quartic', 'Octic' (powers of c), 'Binary' "
        "(threshold 1.1)",
    )
    pce_model: PCEModel = param(
        "Conditional",
        "KTAB PCEModel (§3.6): 'Conditional' (option beats every alternative), "
        "'MarkovUniform' or 'MarkovIncentive' (Markov chains over challenges)",
    )
    state_transitions: StateTransitions = param(
        "Deterministic",
        "KTAB StateTransitions (§4.9): 'Deterministic' takes each queue's most probable option; "
        "'Stochastic' draws one from the run's seeded generator (reproducible, unlike KTAB's)",
    )
    voting_rule: VotingRule = param(
        "Prop",
        "KTAB VotingRule (§3.3), used in every vote: 'Prop' (proportional to the utility "
        "difference), 'Binary', 'PropBin', 'PropCbc', 'Cubic', 'ASymProsp' (supporters of "
        "change discounted by 2/3; favours options listed earlier, i.e. the status quo and lower "
        "actor indices, §7.7)",
    )
    big_r_adjust: BigRAdjust = param(
        "OneThird",
        "KTAB BigRAdjust (§4.3): how actor h estimates actor i's risk attitude — 'None' (R_h), "
        "'OneThird' ((2R_h+R_i)/3), 'Half', 'TwoThirds', 'Full' (R_i; works here, fails in KTAB)",
    )
    big_r_range: BigRRange = param(
        "Mid",
        "KTAB BigRRange (§4.2): range of risk attitudes, least to most probable position — "
        "'Min' 0…1, 'Mid' −1/2…1, 'Max' −1…1",
    )
    third_party_commit: ThirdPartyCommit = param(
        "SemiCommit",
        "KTAB ThirdPartyCommit (§4.4): 'SemiCommit' (losing third parties adopt the winner's "
        "position); 'NoCommit' and 'FullCommit' are the same model in KTAB: third parties "
        "abstain (§7.11)",
    )
    inter_vec_brgn: InterVecBrgn = param(
        "S2P2",
        "KTAB InterVecBrgn (§4.6): bargain weights s²p² ('S2P2', closest to the Nash bargain), "
        "s·p ('S1P1'), or 'S2PMax' (only the less likely winner moves, unrounded)",
    )
    bargain_model: BargnModel = param(
        "InitOnlyInterp",
        "KTAB BargnModel (§4.7): 'InitOnlyInterp' (one bargain, initiator's view), "
        "'InitRcvrInterp' (also the receiver's view), 'PWCompInterp' (power-weighted blend); "
        "the last two with KTAB's defects §7.1–7.2 corrected",
    )
    accommodation: Sequence[Sequence[float]] | None = param(
        None,
        "N×N ideal-adjustment matrix A (§4.11; KTAB XML IdealAdjustment): ideal_i ← Σ_j A_ij "
        "position_j + (1 − min(1, Σ_j A_ij)) ideal_i; None = identity (ideal = position)",
    )
    salience_total: SalienceTotal = param(
        "error",
        "when an actor's saliences sum to more than 100 or capabilities differ across issues "
        "(§2.4): 'error' refuses; 'ktab_combine' uses total 1 − Π(1 − s), split in proportion, "
        "and the salience-weighted mean capability",
    )
    seed: int = param(0, "seed of the generator used only by state_transitions='Stochastic'")
    rounds: int = param(
        MAX_TURNS,
        "maximum number of turns (KTAB: 100); KTAB's stop rule (§5) usually ends first",
        maximum=MAX_ROUNDS,
    )
    until_stable: float | None = param(
        None,
        "also stop once no coordinate moves more than this (0–100 scale) in a turn; "
        "None = KTAB's rule only",
    )
    keep: Keep = param(
        "full",
        "'full' keeps every actor's position in every turn; 'summary' keeps per-turn means and "
        "medians only (and draw 0's events), for large Monte Carlo runs",
    )
    engine: Engine = param(
        "kernel",
        "'kernel' runs each state and turn compiled (numba), draws in parallel; 'numpy' runs "
        "the reference implementation the kernel is tested against (same results to 1e-9)",
    )

    def __post_init__(self) -> None:
        check_maximums("smp", self)
        if self.rounds < 1:
            raise ModelError(f"model 'smp': rounds must be at least 1; got {self.rounds}")
        if self.until_stable is not None and self.until_stable < 0:
            raise ModelError(
                f"model 'smp': until_stable must be at least 0; got {self.until_stable}"
            )
        if self.accommodation is not None:
            matrix = accommodation_matrix(self.accommodation, None)
            object.__setattr__(self, "accommodation", tuple(tuple(map(float, r)) for r in matrix))


def accommodation_matrix(rows: Sequence[Sequence[float]], n: int | None) -> NDArray[np.float64]:
    """The accommodation matrix as ``float[N, N]``, checked as KTAB's ``newIdeals`` requires.

    >>> accommodation_matrix([[1, 0, 0], [0, 0.5, 0.2], [0, 0, 1]], 3)[1]
    array([0. , 0.5, 0.2])
    """
    try:
        matrix = np.asarray(rows, dtype=np.float64)
    except (TypeError, ValueError):
        raise ModelError(
            "model 'smp': accommodation must be a square matrix of numbers (a list of rows)"
        ) from None
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ModelError(
            f"model 'smp': accommodation must be a square N×N matrix; got shape {matrix.shape}"
        )
    if n is not None and matrix.shape[0] != n:
        raise ModelError(
            f"model 'smp': accommodation must be {n}×{n} (one row and column per actor); "
            f"got {matrix.shape[0]}×{matrix.shape[1]}"
        )
    if not np.isfinite(matrix).all() or (matrix < 0).any() or (matrix > 1).any():
        i, j = np.argwhere(~((matrix >= 0) & (matrix <= 1)))[0]
        raise ModelError(
            f"model 'smp': accommodation[{i}][{j}] must lie in [0, 1]; got {matrix[i, j]}"
        )
    sums = matrix.sum(axis=1)
    if (sums > 1 + 1e-10).any():
        i = int(np.argmax(sums > 1 + 1e-10))
        raise ModelError(
            f"model 'smp': row {i} of accommodation sums to {sums[i]:.6g}; each row must sum "
            "to at most 1"
        )
    return matrix
