"""The deal sections of a scenario as batch-first arrays (deal spec §1, §2, §5).

Built by :func:`detente.scenario.to_arrays` from the same draws as every other input, so an input
that moves both a position and the no-deal path is counted once. Shapes: ``B`` draws, ``N``
actors, ``D`` issues, ``P`` proposals; issue values on the internal 0–100 scale.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

__all__ = ["DealArrays"]

Float = NDArray[np.float64]


@dataclass(frozen=True)
class DealArrays:
    """Sampled inputs of the deal question.

    Attributes:
        stated: True when the scenario has a ``no_deal`` section (else the no-deal path is the
            status quo, with no horizon and no cost: the old "walk-away = status quo").
        no_deal: ``float[B, D]``, each issue's value at the horizon (the status quo where the
            scenario gives none).
        horizon, discount: ``float[B]``, years of continued conflict and the yearly discount.
        yearly_cost: ``float[B, N]``, a year of war in points of the actor's most salient issue.
        red_min, red_max: ``float[B, N, D]``, red lines (``-inf`` / ``inf`` where none).
        proposal_ids: the named texts, in scenario order.
        proposals: ``float[B, P, D]``, their values (the status quo where a text says nothing).
    """

    stated: bool
    no_deal: Float
    horizon: Float
    discount: Float
    yearly_cost: Float
    red_min: Float
    red_max: Float
    proposal_ids: tuple[str, ...]
    proposals: Float

    def take(self, draws: slice | NDArray[np.intp]) -> DealArrays:
        """The same inputs restricted to some draws."""
        return replace(
            self,
            no_deal=self.no_deal[draws],
            horizon=self.horizon[draws],
            discount=self.discount[draws],
            yearly_cost=self.yearly_cost[draws],
            red_min=self.red_min[draws],
            red_max=self.red_max[draws],
            proposals=self.proposals[draws],
        )

    @property
    def years(self) -> Float:
        """``D = Σ_{t<H} discount^t`` per draw: the discounted years of war (spec §1); the closed
        form also serves a horizon that is not a whole number of years."""
        h, r = self.horizon, self.discount
        with np.errstate(divide="ignore", invalid="ignore"):
            geometric = (1.0 - r**h) / (1.0 - r)
        out: Float = np.where(np.isclose(r, 1.0), h, geometric)
        return out
