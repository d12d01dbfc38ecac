"""Many variants of one scenario as one batch, so a model runs once over all of them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from ..scenario import InputRef, Scenario, ScenarioArrays
from ._runner import arrays_for

__all__ = ["pinned_batch", "stack"]

Float = NDArray[np.float64]


def stack(parts: Sequence[ScenarioArrays]) -> ScenarioArrays:
    """Concatenate arrays of one scenario along the draw axis (in the order given).

    Each part keeps its draw numbers, so variants of the same draws share their model's random
    numbers too (common random numbers).
    """
    first = parts[0]
    return ScenarioArrays(
        actor_ids=first.actor_ids,
        issue_ids=first.issue_ids,
        positions=np.concatenate([p.positions for p in parts]),
        salience=np.concatenate([p.salience for p in parts]),
        capability=np.concatenate([p.capability for p in parts]),
        mask=first.mask,
        status_quo=np.concatenate([p.status_quo for p in parts]),
        walk_away=np.concatenate([p.walk_away for p in parts]),
        veto=first.veto,
        scale_min=first.scale_min,
        scale_max=first.scale_max,
        scenario_id=first.scenario_id,
        draw_index=np.concatenate([p.draw_index for p in parts]),
        seed=first.seed,
    )


def pinned_batch(
    scenario: Scenario,
    variants: Sequence[Mapping[InputRef, float]],
    uniforms: Float | None = None,
) -> ScenarioArrays:
    """One batch holding every variant in turn: ``[V * c, N, D]`` with ``c`` uniform rows each.

    Each variant pins its inputs (file units) and draws the rest from the same ``uniforms``
    (None: the modes), so variants differ only by what they pin (common random numbers).

    >>> from detente import load_scenario
    >>> s = load_scenario("emission-standards-1994")
    >>> pinned_batch(s, [{}, {}]).positions.shape
    (2, 10, 1)
    """
    return stack([arrays_for(scenario, uniforms, variant) for variant in variants])
