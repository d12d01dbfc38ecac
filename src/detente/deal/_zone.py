"""The zone of possible agreement among veto players: is it empty, how far it reaches, who binds.

A package is *acceptable* when every veto player weakly prefers it to walking away:
``u_i(x) >= walk_away_i``. The zone is the set of acceptable packages; with the linear utility it
is a convex polytope, with the quadratic one a convex set. Everything here is computed for every
draw at once (see :mod:`._lp`), so ``exists.mean()`` is P(a deal exists).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..scenario import ScenarioArrays
from ._lp import Engine, Form, solve_blocks, zone_extent
from ._points import nash_bargaining
from ._utility import TOL, veto_index, walk_away_utility, weights

__all__ = ["Zone", "zone_of_agreement"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]
# A floor so low that the constraint never binds: utilities lie in [-1, 0].
_NO_FLOOR = -10.0


@dataclass(frozen=True)
class Zone:
    """The zone of possible agreement on every draw (internal 0–100 scale).

    Attributes:
        veto_players: ids of the veto players (``V`` of them), in scenario order.
        exists: ``bool[B]``, True where some package is acceptable to every veto player.
        surplus: ``float[B]``, the best achievable *smallest* surplus over walk-away among veto
            players (>= 0 exactly when the zone exists; how far apart they are when negative).
        center: ``float[B, D]``, the Nash bargaining package where the zone exists, else a
            package achieving that surplus (the maximin package).
        low, high: ``float[B, D]``, the zone's extent per issue (other issues free to
            compensate); where the zone is empty, that of the packages that come closest (equal
            shortfall).
        around_low, around_high: ``float[B, D]``, how far each issue alone can move from
            ``center`` (others held there) before a veto player walks away.
        binds_low, binds_high: ``int[B, D]``, that veto player (index into ``veto_players``) at
            each end; -1 where the scale's end comes first.
        walk_away: ``float[B, V]``, the veto players' walk-away utilities.
        blockers: ``bool[B, V]``, veto players whose veto alone closes the zone (without it the
            others would agree); all False where the zone exists.
        shortfall: ``float[B, V]``, for a blocker, how much utility it lacks in the best package
            the others accept (negative); NaN otherwise.
    """

    veto_players: tuple[str, ...]
    issue_ids: tuple[str, ...]
    exists: NDArray[np.bool_]
    surplus: Float
    center: Float
    low: Float
    high: Float
    around_low: Float
    around_high: Float
    binds_low: Int
    binds_high: Int
    walk_away: Float
    blockers: NDArray[np.bool_]
    shortfall: Float

    @property
    def p_exists(self) -> float:
        """P(a deal exists): the share of draws with a non-empty zone."""
        return float(self.exists.mean())


def zone_of_agreement(
    arrays: ScenarioArrays,
    *,
    walk_away: Float | None = None,
    form: Form = "linear",
    engine: Engine = "kernel",
) -> Zone:
    """The zone of possible agreement among the veto players on every draw.

    ``walk_away`` is ``float[B, N]`` (defaults to :func:`walk_away_utility`). ``engine`` picks
    how the LPs are solved (:mod:`._lp`): ``"kernel"``, the compiled simplex (default), or
    ``"highs"``, the HiGHS reference.

    >>> from detente.scenario import ScenarioArrays
    >>> a = ScenarioArrays.build([[20.0], [60.0]], veto=[True, True], status_quo=[90.0])
    >>> z = zone_of_agreement(a)
    >>> bool(z.exists[0]), round(float(z.low[0, 0]), 3), round(float(z.high[0, 0]), 3)
    (True, 30.0, 90.0)
    """
    veto = veto_index(arrays)
    wa = walk_away_utility(arrays, form=form) if walk_away is None else walk_away
    b, v = arrays.draws, veto.size
    pos = arrays.positions[:, veto]
    w = weights(arrays)[:, veto]
    floor = wa[:, veto]

    best = solve_blocks(pos, w, floor, form=form, direction=np.ones((b, v)), engine=engine)
    surplus = best.z
    exists = surplus >= -TOL
    # Extent: min and max of each issue over {u_i >= floor_i + level}, level = min(surplus, 0).
    # A hair below the optimum, so that solver round-off cannot make the extent LPs infeasible.
    level = np.minimum(surplus, 0.0) - 1e-7
    low, high = zone_extent(pos, w, floor + level[:, None], form=form, engine=engine)

    # Centre: the Nash bargaining package where the zone exists (a fair, unique reference
    # point), else the maximin package (the veto players' equal shortfall).
    nash = nash_bargaining(arrays, walk_away=wa, exists=exists, form=form)
    center = np.where(exists[:, None], nash, best.x)
    around = _slices(pos, w, floor + level[:, None], center, form)
    blockers, shortfall = _blockers(pos, w, floor, exists, form, engine)
    return Zone(
        veto_players=tuple(arrays.actor_ids[i] for i in veto),
        issue_ids=arrays.issue_ids,
        exists=exists,
        surplus=surplus,
        center=center,
        low=low,
        high=high,
        around_low=around[0],
        around_high=around[1],
        binds_low=around[2],
        binds_high=around[3],
        walk_away=floor,
        blockers=blockers,
        shortfall=shortfall,
    )


def _slices(
    pos: Float, w: Float, floor: Float, center: Float, form: Form
) -> tuple[Float, Float, Int, Int]:
    """Moving one issue at a time from ``center``: how far it can go, and who stops it.

    Veto player ``i`` accepts ``x_j`` (other issues at the centre) iff the extra loss
    ``w_ij (loss(x_j - p_ij) - loss(c_j - p_ij))`` stays within its slack, i.e. iff
    ``|x_j - p_ij| <= R_ij`` (closed form for both utility forms).
    """
    p = np.nan_to_num(pos)  # [B, V, D]
    dist = (center[:, None, :] - p) / 100.0
    loss = np.abs(dist) if form == "linear" else dist**2
    u = -(w * loss).sum(-1)  # [B, V]
    slack = np.maximum(u - floor, 0.0)[..., None]  # [B, V, 1]
    cares = w > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        allowed = loss + slack / np.where(cares, w, 1.0)
    reach = 100.0 * (allowed if form == "linear" else np.sqrt(allowed))
    reach = np.where(cares, reach, np.inf)
    lows = p - reach  # [B, V, D]: below this, veto player i walks away
    highs = p + reach
    low = np.clip(lows.max(1), 0.0, 100.0)
    high = np.clip(highs.min(1), 0.0, 100.0)
    binds_low = np.where(lows.max(1) > 0.0, lows.argmax(1), -1).astype(np.int64)
    binds_high = np.where(highs.min(1) < 100.0, highs.argmin(1), -1).astype(np.int64)
    return low, high, binds_low, binds_high


def _blockers(
    pos: Float, w: Float, floor: Float, exists: NDArray[np.bool_], form: Form, engine: Engine
) -> tuple[NDArray[np.bool_], Float]:
    """Which single veto player's veto closes the zone, and by how much it falls short."""
    b, v, _ = pos.shape
    # Drop each veto player in turn (its floor can never bind) and ask if the rest agree.
    if v == 1:
        # A lone veto player: without it nobody can refuse, so it blocks exactly when the zone
        # is closed (asking the LP would maximise a surplus over nobody: unbounded).
        blockers = ~exists[:, None]
    else:
        drop = np.eye(v, dtype=bool)[None].repeat(b, 0).reshape(b * v, v)
        floor_rep = np.where(drop, _NO_FLOOR, np.repeat(floor, v, axis=0))
        without = solve_blocks(
            np.repeat(pos, v, axis=0),
            np.repeat(w, v, axis=0),
            floor_rep,
            form=form,
            direction=np.where(drop, 0.0, 1.0),
            engine=engine,
        ).z.reshape(b, v)
        blockers = (without >= -TOL) & ~exists[:, None]
    shortfall = np.full((b, v), np.nan)
    if blockers.any():
        bb, ii = np.nonzero(blockers)
        # Best surplus of the blocker over the packages every other veto player accepts.
        direction = np.eye(v)[ii]
        best = solve_blocks(
            pos[bb], w[bb], floor[bb], form=form, direction=direction, engine=engine
        )
        shortfall[bb, ii] = best.z
    return blockers, shortfall
