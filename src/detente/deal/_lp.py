"""Many small linear programs over packages, solved as one sparse block-diagonal LP.

Every deal question of the zone (is it empty, how far does it reach on an issue, which acceptable
package is closest to a forecast, the Pareto frontier) is an LP in the package
``x[D]`` and per-veto-player losses ``t[V, D]`` once the loss of an actor is written as the
maximum of linear pieces: exact for the linear (absolute-distance) utility, a tangent outer
approximation for the quadratic one. One LP per draw (and per objective) would mean a Python loop
over draws; instead the blocks are stacked into one sparse problem and handed to HiGHS once. The
blocks do not interact, so the solution of each equals the solution of its LP alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import linprog

from ..errors import ModelError

__all__ = ["Form", "LpSolution", "loss_pieces", "solve_blocks"]

Float = NDArray[np.float64]
Form = Literal["linear", "quadratic"]

# Tangent points of the quadratic loss d² on d in [-1, 1]; the gap between d² and the envelope
# of tangents spaced h apart is at most (h/2)², here 0.000625 * the weight.
_QUADRATIC_TANGENTS = np.linspace(-1.0, 1.0, 41)
# Blocks per solver call (see solve_blocks).
_CHUNK = 64


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
) -> LpSolution:
    """Solve K independent LPs (see :func:`_solve_chunk`), ``_CHUNK`` blocks per HiGHS call.

    HiGHS does not exploit the block structure, so its time grows faster than linearly with the
    number of blocks; fixed-size chunks keep the total time linear in the number of draws.
    """
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
