"""From :class:`ScenarioArrays` to the SMP's inputs, with the checks of ``specs/smp.md`` §2.2–2.4.

The SMP works on [0, 1] positions, fractional saliences whose per-actor sum is the actor's total
salience (at most 1), and one capability per actor.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ...errors import ModelError
from ...scenario._arrays import ScenarioArrays
from ._params import SmpParams, accommodation_matrix
from ._turn import Actors

__all__ = ["MAX_ACTORS", "MIN_ACTORS", "smp_inputs"]

Float = NDArray[np.float64]

MIN_ACTORS, MAX_ACTORS = 3, 250  # KTAB's limits (kmodel.h)
_SALIENCE_TOL = 1e-9


def smp_inputs(arrays: ScenarioArrays, params: SmpParams) -> tuple[Float, Actors]:
    """Positions ``float[B, N, D]`` on [0, 1] and the actors' fixed inputs, checked.

    >>> from detente import load_scenario
    >>> x, actors = smp_inputs(load_scenario("ktab-dummy-3dim").to_arrays(), SmpParams())
    >>> x.shape, round(float(actors.total_salience[0, 0]), 4)
    ((1, 7, 3), 0.8359)
    """
    n = arrays.n_actors
    ids = arrays.actor_ids
    if not MIN_ACTORS <= n <= MAX_ACTORS:
        raise ModelError(
            f"model 'smp' needs between {MIN_ACTORS} and {MAX_ACTORS} actors (KTAB's limits); "
            f"got {n}"
        )
    missing = np.argwhere(~arrays.mask)
    if missing.size:
        i, k = missing[0]
        raise ModelError(
            f"model 'smp': actor '{ids[i]}' has no position on issue '{arrays.issue_ids[k]}'; "
            "the spatial model needs every actor's position and salience on every issue"
        )
    values = (arrays.positions, arrays.salience, arrays.capability)
    if not all(np.isfinite(v).all() for v in values):
        raise ModelError("model 'smp': positions, saliences and capabilities must be finite")
    salience = arrays.salience
    capability = arrays.capability
    if (salience < 0).any() or (salience > 1).any():
        _, i, k = np.argwhere((salience < 0) | (salience > 1))[0]
        raise ModelError(
            f"model 'smp': actor '{ids[i]}' has salience {100 * salience[0, i, k]:g} on issue "
            f"'{arrays.issue_ids[k]}'; saliences must lie between 0 and 100"
        )
    total = salience.sum(axis=-1)
    zero = np.argwhere(total <= 0)
    if zero.size:
        i = zero[0, 1]
        raise ModelError(
            f"model 'smp': actor '{ids[i]}' has zero salience on every issue; the spatial "
            "model needs a positive total salience (its distances are salience-weighted)"
        )
    spread = capability.max(axis=-1) - capability.min(axis=-1)
    if params.salience_total == "ktab_combine":
        # §2.4: total = P(caring about at least one issue), split in proportion; capability =
        # the salience-weighted mean of the per-issue capabilities.
        combined = 1.0 - np.prod(1.0 - salience, axis=-1)
        capability_one = (salience * capability).sum(axis=-1) / total
        salience = combined[..., None] * salience / total[..., None]
        total = salience.sum(axis=-1)
    else:
        over = np.argwhere(total > 1.0 + _SALIENCE_TOL)
        if over.size:
            i = over[0, 1]
            raise ModelError(
                f"model 'smp': the saliences of actor '{ids[i]}' sum to "
                f"{100 * total[over[0, 0], i]:g}; the spatial model needs at most 100 across "
                "issues (KTAB's rule). Rescale them, or pass salience_total='ktab_combine' to "
                "combine independent per-issue saliences (specs/smp.md §2.4)"
            )
        varies = np.argwhere(spread > 1e-12 * capability.max(axis=-1))
        if varies.size:
            i = varies[0, 1]
            raise ModelError(
                f"model 'smp': actor '{ids[i]}' has different capabilities on different "
                "issues; the spatial model uses one capability per actor. Give one value, or "
                "pass salience_total='ktab_combine' (salience-weighted mean, specs/smp.md §2.4)"
            )
        capability_one = capability[..., 0]
    weak = np.argwhere(capability_one <= 0)
    if weak.size:
        i = weak[0, 1]
        raise ModelError(
            f"model 'smp': actor '{ids[i]}' has capability {capability_one[weak[0, 0], i]:g}; "
            "capabilities must be positive (KTAB's vote weights, §2.2)"
        )
    a = None
    if params.accommodation is not None:
        a = accommodation_matrix(params.accommodation, n)
        if np.array_equal(a, np.eye(n)):
            a = None  # the identity is the default; skip the matrix product
    actors = Actors(
        salience=np.ascontiguousarray(salience),
        total_salience=total,
        capability=np.ascontiguousarray(capability_one),
        accommodation=a,
    )
    return arrays.positions / 100.0, actors
