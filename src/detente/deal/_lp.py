"""Many small linear programs over packages, one per block, solved by a compiled simplex.

Every deal question of the zone (is it empty, how far does it reach on an issue, which acceptable
package is closest to a forecast, the Pareto frontier) is an LP in the package
``x[D]`` and per-veto-player losses ``t[V, D]`` once the loss of an actor is written as the
maximum of linear pieces: exact for the linear (absolute-distance) utility, a tangent outer
approximation for the quadratic one. A block is one such LP (one draw, one objective).

Two engines solve the blocks. ``engine="kernel"`` (the default, :mod:`._lp_kernel`) writes each
loss by segments between its kinks, so that an LP has one row per veto player, and solves every
block with a compiled dense simplex, in parallel over blocks; the extent LPs of a draw
(:func:`zone_extent`) share one feasible set and each starts from the previous one's optimum.
``engine="highs"`` is the reference the kernel is tested against: the blocks in the formulation
above, stacked into one sparse block-diagonal problem per ``_CHUNK`` blocks and handed to HiGHS
(the blocks do not interact, so the solution of each equals the solution of its LP alone).
Both give the same optimal values (to about 1e-9 on the 0–100 scale); where the optimal package
is not unique (the closest package, the maximin package of an empty zone) they may return
different optimal packages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import linprog

from ..errors import ModelError
from ..models._numba import kernel_array

__all__ = ["Engine", "Form", "LpSolution", "loss_pieces", "solve_blocks", "zone_extent"]

Float = NDArray[np.float64]
Form = Literal["linear", "quadratic"]
Engine = Literal["kernel", "highs"]

# Tangent points of the quadratic loss d² on d in [-1, 1]; the gap between d² and the envelope
# of tangents spaced h apart is at most (h/2)², here 0.000625 * the weight.
_QUADRATIC_TANGENTS = np.linspace(-1.0, 1.0, 41)
# Blocks per HiGHS call (see solve_blocks).
_CHUNK = 64
# The compiled simplex's step budget per column and row of a block's LP (it needs a few).
_STEPS_PER_COLUMN = 50


def loss_pieces(form: Form) -> tuple[Float, Float]:
    """Slopes and intercepts of the linear pieces whose maximum is the loss of ``d = (x-p)/100``."""
    if form == "linear":
        return np.array([1.0, -1.0]), np.zeros(2)
    if form == "quadratic":
        a = _QUADRATIC_TANGENTS
        return 2.0 * a, -(a**2)
    raise ModelError(f"unknown utility form '{form}'; expected 'linear' or 'quadratic'")


@dataclass(frozen=True)
class LpSolution:
    """Per block: the package ``x[K, D]`` (0–100), the objective variable ``z[K]`` (or NaN)."""

    x: Float
    z: Float


def solve_blocks(
    positions: Float,
    weights: Float,
    floor: Float,
    *,
    form: Form = "linear",
    direction: Float | None = None,
    cost_x: Float | None = None,
    target: Float | None = None,
    engine: Engine = "kernel",
) -> LpSolution:
    """Solve K independent LPs, one per block (the LP is described at :func:`_solve_chunk`).

    ``engine="highs"`` solves ``_CHUNK`` blocks per HiGHS call: HiGHS does not exploit the block
    structure, so its time grows faster than linearly with the number of blocks; fixed-size
    chunks keep the total time linear in the number of draws.
    """
    _check_blocks(positions, weights, floor, direction=direction, cost_x=cost_x, target=target)
    if engine == "kernel":
        objectives = np.zeros(positions.shape[::2]) if cost_x is None else cost_x
        x, z = _solve_kernel(
            positions, weights, floor, form, direction, objectives[:, None, :], target
        )
        return LpSolution(x=x[:, 0], z=z[:, 0])
    _check_engine(engine)
    k_blocks = positions.shape[0]
    parts = []
    for start in range(0, k_blocks, _CHUNK):
        sl = slice(start, start + _CHUNK)

        def cut(a: Float | None, sl: slice = sl) -> Float | None:
            return None if a is None else a[sl]

        parts.append(
            _solve_chunk(
                positions[sl],
                weights[sl],
                floor[sl],
                form=form,
                direction=cut(direction),
                cost_x=cut(cost_x),
                target=cut(target),
            )
        )
    if not parts:
        return LpSolution(np.zeros((0, positions.shape[2])), np.zeros(0))
    return LpSolution(
        x=np.concatenate([p.x for p in parts]), z=np.concatenate([p.z for p in parts])
    )


def zone_extent(
    positions: Float,
    weights: Float,
    floor: Float,
    *,
    form: Form = "linear",
    engine: Engine = "kernel",
) -> tuple[Float, Float]:
    """``(low, high)``, each ``float[K, D]``: the least and the greatest ``x_j`` over the
    packages meeting every floor, issue by issue (2 D LPs per block over one feasible set)."""
    _check_blocks(positions, weights, floor)
    k_blocks, _, d = positions.shape
    cost = np.concatenate([np.eye(d), -np.eye(d)])  # [2D, D]: minimise x_j, then maximise it
    if engine == "kernel":
        objectives = np.broadcast_to(cost, (k_blocks, 2 * d, d))
        x, _ = _solve_kernel(positions, weights, floor, form, None, objectives, None)
    else:
        reps = 2 * d
        x = solve_blocks(
            np.repeat(positions, reps, axis=0),
            np.repeat(weights, reps, axis=0),
            np.repeat(floor, reps, axis=0),
            form=form,
            cost_x=np.tile(cost, (k_blocks, 1)),
            engine=engine,
        ).x.reshape(k_blocks, reps, d)
    ext = x.reshape(k_blocks, 2, d, d)
    return ext[:, 0, np.arange(d), np.arange(d)], ext[:, 1, np.arange(d), np.arange(d)]


def _check_engine(engine: str) -> None:
    if engine not in ("kernel", "highs"):
        raise ModelError(f"unknown LP engine '{engine}'; expected 'kernel' or 'highs'")


def _check_blocks(
    positions: Float,
    weights: Float,
    floor: Float,
    *,
    direction: Float | None = None,
    cost_x: Float | None = None,
    target: Float | None = None,
) -> None:
    """Refuse, naming the array and the first bad block, what neither engine can solve."""
    if positions.ndim != 3 or weights.shape != positions.shape:
        raise ModelError(
            f"positions and weights must both be [K, V, D]; got {positions.shape} and "
            f"{weights.shape}"
        )
    k, v, d = positions.shape
    shapes = {"floor": (floor, (k, v)), "direction": (direction, (k, v))}
    shapes |= {"cost_x": (cost_x, (k, d)), "target": (target, (k, d))}
    for name, (array, shape) in shapes.items():
        if array is not None and array.shape != shape:
            raise ModelError(f"{name} must be {list(shape)}; got shape {array.shape}")
    missing = (weights > 0) & ~np.isfinite(positions)
    checks = {
        "weights": (~np.isfinite(weights) | (weights < 0)).any(axis=(1, 2)),
        "positions (where the weight is positive)": missing.any(axis=(1, 2)),
        "floor (walk-away utility)": (~np.isfinite(floor)).any(axis=1),
    }
    for name, array in (("direction", direction), ("cost_x", cost_x), ("target", target)):
        if array is not None:
            checks[name] = (~np.isfinite(array)).any(axis=1)
    for name, bad in checks.items():
        if bad.any():
            block = int(np.flatnonzero(bad)[0])
            raise ModelError(
                f"the deal optimisation got a missing, infinite or negative value in {name} "
                f"on block {block} (draw {block} when one LP per draw)"
            )


def _solve_kernel(
    positions: Float,
    weights: Float,
    floor: Float,
    form: Form,
    direction: Float | None,
    objectives: Float,
    target: Float | None,
    steps_per_column: int = _STEPS_PER_COLUMN,
) -> tuple[Float, Float]:
    """``x[K, R, D]`` and ``z[K, R]`` from :func:`._lp_kernel.solve_blocks_kernel`; a block
    the simplex gives up on (step budget spent, or a basis it cannot invert) is solved by HiGHS,
    so a rare hard LP costs time, not an answer."""
    from ._lp_kernel import INFEASIBLE, OPTIMAL, STALLED, UNBOUNDED, solve_blocks_kernel

    slopes, intercepts = loss_pieces(form)
    order = np.argsort(slopes)
    slopes, intercepts = slopes[order], intercepts[order]
    # Consecutive pieces (by slope) cross at the loss's kinks: every piece of both forms
    # touches the envelope, so these are all of them.
    kinks = (intercepts[:-1] - intercepts[1:]) / (slopes[1:] - slopes[:-1])
    k_blocks, v, d = positions.shape
    x, z, status = solve_blocks_kernel(
        kernel_array(np.where(weights > 0, positions, 0.0)),
        kernel_array(weights),
        kernel_array(floor),
        slopes,
        intercepts,
        kinks,
        np.zeros((k_blocks, v)) if direction is None else kernel_array(direction),
        direction is not None,
        kernel_array(objectives),
        np.zeros((k_blocks, d)) if target is None else kernel_array(target),
        target is not None,
        steps_per_column,
    )
    for b in np.flatnonzero(status == STALLED):
        reps = objectives.shape[1]
        block = slice(b, b + 1)
        again = _solve_chunk(
            np.repeat(positions[block], reps, axis=0),
            np.repeat(weights[block], reps, axis=0),
            np.repeat(floor[block], reps, axis=0),
            form=form,
            direction=None if direction is None else np.repeat(direction[block], reps, axis=0),
            cost_x=np.ascontiguousarray(objectives[b], dtype=np.float64),
            target=None if target is None else np.repeat(target[block], reps, axis=0),
        )
        x[b], status[b] = again.x, OPTIMAL
        if direction is not None:
            z[b] = again.z
    bad = np.flatnonzero(status)
    if bad.size:
        k = int(bad[0])
        why = {
            INFEASIBLE: "the problem is infeasible (no package meets every floor)",
            UNBOUNDED: "the problem is unbounded",
        }.get(int(status[k]), "the simplex did not converge")
        raise ModelError(f"the deal optimisation failed: {why} (block {k})")
    return x, z


def _solve_chunk(
    positions: Float,
    weights: Float,
    floor: Float,
    *,
    form: Form = "linear",
    direction: Float | None = None,
    cost_x: Float | None = None,
    target: Float | None = None,
) -> LpSolution:
    """Solve K independent LPs, one per block, with HiGHS in a single call.

    Every block has the package ``x[D]`` in [0, 100] and losses ``t[V, D]`` with
    ``t_ij >= loss((x_j - p_ij) / 100)``; veto player ``i``'s utility is ``-sum_j w_ij t_ij``.

    Args:
        positions: ``float[K, V, D]`` veto players' positions (0–100; NaN only where weight is 0).
        weights: ``float[K, V, D]`` per-actor normalised saliences.
        floor: ``float[K, V]`` each veto player's utility floor (walk-away).
        direction: ``float[K, V]``; when given, adds ``z`` and the constraints
            ``u_i >= floor_i + direction_i * z`` and maximises ``z`` (maximin / frontier).
            Without it the constraints are ``u_i >= floor_i``.
        cost_x: ``float[K, D]`` linear cost on ``x`` to minimise (extent of the zone).
        target: ``float[K, D]``; minimise the L1 distance from ``x`` to it (closest package).
    """
    k_blocks, v, d = positions.shape
    slopes, intercepts = loss_pieces(form)
    n_pieces = slopes.size
    pos = np.where(weights > 0, np.nan_to_num(positions), 0.0)
    use_z = direction is not None
    use_e = target is not None
    # Variable layout inside a block.
    ix_x = np.arange(d)
    ix_t = d + np.arange(v * d).reshape(v, d)
    n_var = d + v * d
    ix_z = n_var
    n_var += int(use_z)
    ix_e = n_var + np.arange(d)
    n_var += d * int(use_e)

    rows: list[NDArray[np.int64]] = []
    cols: list[NDArray[np.int64]] = []
    vals: list[Float] = []
    rhs: list[Float] = []
    n_row = 0

    def family(r: NDArray[np.int64], c: NDArray[np.int64], value: Float, b: Float, n: int) -> None:
        """Rows ``r`` (local, shape [m]) x cols ``c`` with per-block ``value[K, m]``; rhs [K, n]."""
        nonlocal n_row
        rows.append((r[None, :] + n_row).repeat(k_blocks, 0).astype(np.int64))
        cols.append(np.broadcast_to(c[None, :], (k_blocks, c.size)).astype(np.int64))
        vals.append(np.broadcast_to(value, (k_blocks, c.size)).astype(np.float64))
        rhs.append(np.broadcast_to(b, (k_blocks, n)).astype(np.float64))
        n_row += n

    # Loss pieces: (s/100) x_j - t_ij <= s p_ij / 100 - b, for every i, j, piece.
    n_loss = v * d * n_pieces
    r_loss = np.arange(n_loss)
    piece = np.tile(np.arange(n_pieces), v * d)
    j_of = np.repeat(np.tile(np.arange(d), v), n_pieces)
    i_of = np.repeat(np.arange(v), d * n_pieces)
    family(
        np.concatenate([r_loss, r_loss]),
        np.concatenate([ix_x[j_of], ix_t[i_of, j_of]]),
        np.concatenate([np.broadcast_to(slopes[piece] / 100.0, (n_loss,)), -np.ones(n_loss)]),
        slopes[piece] * pos[:, i_of, j_of] / 100.0 - intercepts[piece],
        n_loss,
    )
    # Utility floors: sum_j w_ij t_ij (+ dir_i z) <= -floor_i.
    r_u = np.repeat(np.arange(v), d)
    value_u = weights.reshape(k_blocks, v * d)
    col_u = ix_t.reshape(-1)
    if use_z:
        assert direction is not None
        r_u = np.concatenate([r_u, np.arange(v)])
        col_u = np.concatenate([col_u, np.full(v, ix_z)])
        value_u = np.concatenate([value_u, direction], axis=1)
    family(r_u, col_u, value_u, -floor, v)
    if use_e:
        assert target is not None
        # e_j >= x_j - f_j and e_j >= f_j - x_j.
        r_e = np.concatenate([np.arange(d), np.arange(d), d + np.arange(d), d + np.arange(d)])
        c_e = np.concatenate([ix_x, ix_e, ix_x, ix_e])
        v_e = np.concatenate([np.ones(d), -np.ones(d), -np.ones(d), -np.ones(d)])
        family(r_e, c_e, v_e, np.concatenate([target, -target], axis=1), 2 * d)
    # Objective.
    c = np.zeros((k_blocks, n_var))
    if use_z:
        c[:, ix_z] = -1.0
    if cost_x is not None:
        c[:, ix_x] = cost_x
    if use_e:
        c[:, ix_e] = 1.0
    lower = np.zeros(n_var)
    upper = np.full(n_var, np.inf)
    upper[ix_x] = 100.0
    if use_z:
        lower[ix_z] = -np.inf
    lower[ix_t.reshape(-1)] = -np.inf  # quadratic tangents may be negative near d = 0

    offset_r = (np.arange(k_blocks) * n_row)[:, None]
    offset_c = (np.arange(k_blocks) * n_var)[:, None]
    all_r = np.concatenate(rows, axis=1) + offset_r
    all_c = np.concatenate(cols, axis=1) + offset_c
    all_v = np.concatenate(vals, axis=1)
    matrix = sp.csr_matrix(
        (all_v.reshape(-1), (all_r.reshape(-1), all_c.reshape(-1))),
        shape=(k_blocks * n_row, k_blocks * n_var),
    )
    b_ub = np.concatenate(rhs, axis=1).reshape(-1)
    bounds = np.stack([np.tile(lower, k_blocks), np.tile(upper, k_blocks)], axis=1)
    result = linprog(c.reshape(-1), A_ub=matrix, b_ub=b_ub, bounds=bounds, method="highs")
    if result.status != 0 or result.x is None:
        raise ModelError(f"the deal optimisation failed: {result.message}")
    sol = np.asarray(result.x, dtype=np.float64).reshape(k_blocks, n_var)
    z = sol[:, ix_z] if use_z else np.full(k_blocks, np.nan)
    return LpSolution(x=sol[:, ix_x], z=z)
