"""The Pareto frontier among veto players, with 2-D and 3-D projections for plots."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError
from ..scenario import ScenarioArrays
from ._lp import Form, solve_blocks
from ._utility import utility, veto_index, walk_away_utility, weights

__all__ = ["Frontier", "pareto_frontier"]

Float = NDArray[np.float64]


@dataclass(frozen=True)
class Frontier:
    """Pareto-efficient packages for the veto players on one draw.

    ``utilities`` is ``float[K, V]`` (veto players' utilities), ``packages`` ``float[K, D]`` on
    0–100, ``acceptable`` ``bool[K]`` (every veto player at or above its walk-away).
    """

    veto_players: tuple[str, ...]
    utilities: Float
    packages: Float
    acceptable: NDArray[np.bool_]
    walk_away: Float

    def projection(self, *actors: str) -> Float:
        """The frontier's points seen by 2 or 3 veto players, keeping only those still efficient.

        Returns ``float[K', len(actors)]`` sorted by the first actor's utility, ready to plot.
        """
        if len(actors) not in (2, 3):
            raise ModelError(f"a projection needs 2 or 3 veto players; got {len(actors)}")
        unknown = [a for a in actors if a not in self.veto_players]
        if unknown:
            raise ModelError(
                f"'{unknown[0]}' is not a veto player; the veto players are: "
                f"{', '.join(self.veto_players)}"
            )
        cols = [self.veto_players.index(a) for a in actors]
        points = self.utilities[:, cols]
        keep = _efficient(points)
        out: Float = points[keep][np.argsort(points[keep][:, 0])]
        return out

    def projections(self) -> dict[str, Float]:
        """Every 2-D (and, with 3+ veto players, 3-D) projection, keyed ``"a|b"``/``"a|b|c"``."""
        out: dict[str, Float] = {}
        for size in (2, 3):
            for combo in itertools.combinations(self.veto_players, size):
                out["|".join(combo)] = self.projection(*combo)
        return out


def _efficient(points: Float) -> NDArray[np.bool_]:
    """``bool[K]``: points no other point weakly dominates (with one strict gain); unique ones."""
    ge = np.all(points[None, :, :] >= points[:, None, :] - 1e-9, axis=-1)  # [k, l]: l >= k
    gt = np.any(points[None, :, :] > points[:, None, :] + 1e-9, axis=-1)
    dominated = np.any(ge & gt, axis=1)
    _, first = np.unique(points.round(9), axis=0, return_index=True)
    unique = np.zeros(points.shape[0], dtype=bool)
    unique[first] = True
    out: NDArray[np.bool_] = ~dominated & unique
    return out


def pareto_frontier(
    arrays: ScenarioArrays,
    *,
    walk_away: Float | None = None,
    draw: int = 0,
    steps: int = 10,
    form: Form = "linear",
) -> Frontier:
    """Pareto frontier among the veto players on one draw, traced along a grid of directions.

    For each direction ``lambda`` on the simplex (``steps`` divisions per axis), maximise ``z``
    subject to ``u_i(x) >= -1 + lambda_i z``: each solution is an efficient package (a frontier
    point seen from the worst corner). Dominated and repeated points are dropped.

    >>> a = ScenarioArrays.build([[20.0], [60.0]], veto=[True, True], status_quo=[90.0])
    >>> f = pareto_frontier(a, steps=4)
    >>> f.packages[:, 0].round(3).tolist()
    [60.0, 40.0, 20.0]
    """
    veto = veto_index(arrays)
    if not 0 <= draw < arrays.draws:
        raise ModelError(f"draw must lie between 0 and {arrays.draws - 1}; got {draw}")
    v = veto.size
    if steps < 1:
        raise ModelError(f"steps must be at least 1; got {steps}")
    grid = (
        np.array(
            [c for c in itertools.product(range(steps + 1), repeat=v) if sum(c) == steps],
            dtype=np.float64,
        )
        / steps
    )
    k = grid.shape[0]
    pos = np.repeat(arrays.positions[draw : draw + 1, veto], k, axis=0)
    w = np.repeat(weights(arrays)[draw : draw + 1, veto], k, axis=0)
    sol = solve_blocks(pos, w, np.full((k, v), -1.0), form=form, direction=grid)
    u = utility(arrays.take(slice(draw, draw + 1)), sol.x, form=form)[0][:, veto]
    keep = _efficient(u)
    order = np.lexsort(u[keep].T[::-1])
    wa = walk_away_utility(arrays, form=form) if walk_away is None else walk_away
    floor = wa[draw, veto]
    points = u[keep][order]
    return Frontier(
        veto_players=tuple(arrays.actor_ids[i] for i in veto),
        utilities=points,
        packages=sol.x[keep][order],
        acceptable=(points >= floor[None, :] - 1e-9).all(-1),
        walk_away=floor,
    )
