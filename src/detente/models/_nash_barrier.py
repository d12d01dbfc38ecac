"""A batched interior-point (log-barrier Newton) solver for the Nash bargaining package.

The package problem of ``baselines.md`` §4.3 in its smooth form: variables ``v = (z, t)`` with
``t[m] >= loss(z[d(m)] - x[m])`` for every (player, issue) pair ``m`` (``|·|`` by default, or
tangents of a parabola for the quadratic utility), ``lower <= z <= upper``, and

    maximize  Σ_i c_i log g_i(v),   g_i = need_i − Σ_m S[i, m] t[m]

(``need_i`` = the player's loss at the disagreement point). Every term is the logarithm of an
affine function, so the Newton system is ``Σ_r w_r a_r a_rᵀ / s_r²`` for rows ``r`` with slack
``s_r = h_r − a_r·v``; all draws are solved at once with a batched linear solve. Phase I
maximizes the smallest gain to find a point where every player gains (or to show there is none:
the degenerate case); phase II then follows the central path with a shrinking barrier weight on
the constraint rows. The result is accurate to about 1e-7 on the 0–100 scale (the test vectors
are pinned to 1e-6) where the objective curves at its maximum; where the maximum sits on a kink
with a flat side (a player's ideal exactly at the smooth optimum), the last barrier weight (1e-10)
leaves the point about 3e-4 inside the flat side, a loss of about 1e-10 in the objective.
The deal module builds its own pairs (breach paths, red lines as the box) and calls
:func:`solve_pairs`, so the project has one Nash solver.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError

__all__ = ["Pairs", "PairsSolution", "solve_package", "solve_pairs"]

Float = NDArray[np.float64]
Bool = NDArray[np.bool_]

# Barrier weights of the central path, 1 → 1e-10: the tight rows then keep slacks near 1e-10,
# well above the rounding of positions on 0–100.
_MU = 10.0 ** -np.arange(0, 11)
_NEWTON_STEPS = 60
_GAIN_TOL = 1e-9
_EPSILON = 1e-13  # pull towards the fallback point: one maximizer among equals (§4.1)


@dataclass(frozen=True)
class Pairs:
    """Who cares about what: pair ``m`` is player ``player[m]`` on issue ``issue[m]``, with ideal
    point ``position[:, m]`` and weight ``weight[:, m]`` (``float[B, M]``). A player may have
    several pairs on one issue (a defender weighing the deal and its breach path, deal spec §2.4).

    The loss of pair ``m`` at ``z`` is ``max_k slopes[k] (z - position) + intercepts[k]``: the
    defaults are ``|z - position|``; tangents of a parabola give the quadratic utility.
    """

    player: NDArray[np.int64]
    issue: NDArray[np.int64]
    position: Float
    weight: Float
    slopes: Float = field(default_factory=lambda: np.array([1.0, -1.0]))
    intercepts: Float = field(default_factory=lambda: np.zeros(2))

    @classmethod
    def dense(cls, x: Float, s: Float, weighted: NDArray[np.bool_] | None = None) -> Pairs:
        """Pairs of positions ``x`` and weights ``s`` (``[B, P, D]``) where some draw has
        ``s > 0`` (and the player is ``weighted``)."""
        cares = (s > 0).any(axis=0)
        if weighted is not None:
            cares &= weighted[:, None]
        pairs = np.argwhere(cares)
        return cls(
            player=pairs[:, 0].astype(np.int64),
            issue=pairs[:, 1].astype(np.int64),
            position=np.nan_to_num(x[:, pairs[:, 0], pairs[:, 1]]),
            weight=s[:, pairs[:, 0], pairs[:, 1]],
        )

    def loss(self, z: Float) -> Float:
        """``float[B, M]``: each pair's loss at packages ``z[B, D]``."""
        d = z[:, self.issue] - self.position
        out: Float = (self.slopes * d[..., None] + self.intercepts).max(axis=-1)
        return out

    def utility(self, z: Float, n_players: int) -> Float:
        """``float[B, P]``: ``u_i(z) = -Σ_m weight[m] loss_m(z)`` over the player's pairs."""
        out = np.zeros((z.shape[0], n_players))
        np.add.at(out.T, self.player, (self.weight * self.loss(z)).T)
        result: Float = -out
        return result


def _rows(
    pairs: Pairs, c: Float, u0: Float, lower: Float, upper: Float
) -> tuple[Float, Float, Bool, int, int]:
    """Constraint rows ``A [B, R, n]``, ``h [B, R]``; mask of player rows; sizes ``D``, ``M``.

    Variables ``(z[D], t[M])``; rows: the players' gains, each pair's loss pieces
    ``slope (z - x) + intercept <= t``, a cap on each ``t`` (keeps ``t`` bounded where a pair has
    no weight) and the box ``lower <= z <= upper``.
    """
    b, p = c.shape
    d = lower.shape[1]
    m = pairs.player.size
    n = d + m
    k = np.arange(m)
    # Player rows: g_i = need_i − Σ_m S t_m; a player without weight gets a row that never binds.
    player_on = c > 0
    a_player = np.zeros((b, p, n))
    a_player[:, pairs.player, d + k] = pairs.weight
    a_player = np.where(player_on[:, :, None], a_player, 0.0)
    h_player = np.where(player_on, -u0, 1.0)
    # Loss pieces: slope z − t <= slope x − intercept, for every pair and piece.
    n_piece = pairs.slopes.size
    a_loss = np.zeros((b, m, n_piece, n))
    a_loss[:, k, :, pairs.issue] = pairs.slopes
    a_loss[:, k, :, d + k] = -1.0
    h_loss = pairs.slopes * pairs.position[..., None] - pairs.intercepts
    # The largest loss any z in the box can give, plus one: a cap that never binds at z.
    reach = np.maximum(
        np.abs(lower[:, pairs.issue] - pairs.position),
        np.abs(upper[:, pairs.issue] - pairs.position),
    )
    span = np.abs(pairs.slopes).max() * reach + np.abs(pairs.intercepts).max() + 1.0
    a_top = np.zeros((b, m, n))
    a_top[:, k, d + k] = 1.0
    eye = np.broadcast_to(np.eye(d, n), (b, d, n))
    a = np.concatenate([a_player, a_loss.reshape(b, m * n_piece, n), a_top, -eye, eye], axis=1)
    h = np.concatenate([h_player, h_loss.reshape(b, m * n_piece), span, -lower, upper], axis=1)
    return a, h, player_on, d, m


def _rows_times(a: Float, v: Float) -> Float:
    """``a[b] @ v[b]`` for every draw. einsum sums in the same order whatever the batch size
    (a batched ``@`` may pick another kernel for another batch shape and differ in the last
    bits), so a draw's answer does not depend on the batch it is in."""
    out: Float = np.einsum("brn,bn->br", a, v)
    return out


def _objective(
    a: Float, h: Float, w: Float, lin: Float, quad: Float, centre: Float, v: Float
) -> Float:
    """``lin·v − Σ w log(h − a v) + Σ quad (v − centre)²`` per draw (``inf`` outside)."""
    slack = h - _rows_times(a, v)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(slack > 0, np.log(np.where(slack > 0, slack, 1.0)), -np.inf)
    total: Float = (
        (lin * v).sum(axis=1) - (w * logs).sum(axis=1) + (quad * (v - centre) ** 2).sum(axis=1)
    )
    return total


def _newton(
    a: Float, h: Float, w: Float, lin: Float, quad: Float, centre: Float, v: Float, done: Bool
) -> Float:
    """Minimize ``lin·v − Σ w log(h − a v) + Σ quad (v − centre)²`` from a strictly feasible ``v``.

    ``a`` ``[B, R, n]``, ``h``/``w`` ``[B, R]``, ``lin``/``quad``/``centre``/``v`` ``[B, n]``.
    Draws flagged ``done`` are left unchanged. Each step works on the draws still active only
    (most converge in a few steps), which changes no draw's arithmetic.
    """
    v = v.copy()
    active = ~done
    eye = np.eye(v.shape[1])[None]
    for _ in range(_NEWTON_STEPS):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        a_, h_, w_, lin_, quad_, centre_, v_ = (
            a[idx],
            h[idx],
            w[idx],
            lin[idx],
            quad[idx],
            centre[idx],
            v[idx],
        )

        slack = h_ - _rows_times(a_, v_)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            grad = lin_ + np.einsum("br,brn->bn", w_ / slack, a_) + 2.0 * quad_ * (v_ - centre_)
            # A stacked matmul runs the same BLAS product on every draw's own matrices, so a
            # draw's Hessian does not depend on the batch (a 3-operand einsum was 10x slower).
            hess = np.matmul(a_.transpose(0, 2, 1), a_ * (w_ / slack**2)[:, :, None])
        # A slack rounded to zero (a draw already at the boundary) stops that draw where it is.
        finite = np.isfinite(grad).all(axis=1) & np.isfinite(hess).all(axis=(1, 2))
        going = np.asarray(finite, dtype=bool)
        grad = np.where(going[:, None], grad, 0.0)
        hess = np.where(going[:, None, None], hess, eye)
        hess += 2.0 * quad_[:, :, None] * eye
        # A tiny ridge keeps the system solvable when slacks vanish (degenerate draws).
        scale = np.abs(np.diagonal(hess, axis1=1, axis2=2)).max(axis=1)
        hess += (1e-14 * scale)[:, None, None] * eye
        step = -np.linalg.solve(hess, grad[..., None])[..., 0]
        decrement = -(grad * step).sum(axis=1)
        going &= decrement > 1e-14
        rate = _rows_times(a_, step)
        with np.errstate(divide="ignore", invalid="ignore"):
            room = np.where(rate > 0, slack / rate, np.inf).min(axis=1)
        alpha = np.minimum(1.0, 0.99 * room)
        args = (a_, h_, w_, lin_, quad_, centre_)
        base = _objective(*args, v_)
        # Near the minimum the decrease is below rounding of the value: take the Newton step.
        near = (decrement < 1e-8) | ~going
        for _ in range(40):
            trial = v_ + alpha[:, None] * step
            ok = near | (_objective(*args, trial) <= base - 0.25 * alpha * decrement)
            if ok.all():
                break
            alpha = np.where(ok, alpha, alpha / 2.0)
        v[idx] = np.where(going[:, None], v_ + alpha[:, None] * step, v_)
        active[idx] = going
    return v


Engine = Literal["kernel", "numpy"]


def solve_package(
    x: Float,
    s: Float,
    c: Float,
    u0: Float,
    fallback: Float,
    lower: Float,
    upper: Float,
    engine: Engine = "kernel",
) -> tuple[Float, Bool]:
    """Nash bargaining point over several issues for every draw: ``(point [B, D], degenerate)``.

    Shapes as :func:`detente.models._nash_solver.nash_point`; the box is widened by one unit, so
    that it never binds at the optimum (``baselines.md`` §4.1).
    """
    pairs = Pairs.dense(x, s, weighted=np.asarray((c > 0).any(axis=0), dtype=bool))
    solution = solve_pairs(pairs, c, u0, fallback, lower - 1.0, upper + 1.0, engine=engine)
    return solution.point, solution.degenerate


@dataclass(frozen=True)
class PairsSolution:
    """The Nash point ``float[B, D]`` (``fallback`` where degenerate), ``degenerate`` ``bool[B]``,
    and ``maximin`` ``float[B, D]``: the phase-I point, which maximises the smallest gain (where
    no point gives everyone a gain, the package that comes closest: equal shortfall)."""

    point: Float
    degenerate: Bool
    maximin: Float


def solve_pairs(
    pairs: Pairs,
    c: Float,
    u0: Float,
    fallback: Float,
    lower: Float,
    upper: Float,
    *,
    engine: Engine = "kernel",
) -> PairsSolution:
    """Maximise ``Σ_i c_i log(u_i(z) − u0_i)`` over ``lower <= z <= upper`` for every draw.

    ``c``/``u0`` ``float[B, P]``, ``fallback``/``lower``/``upper`` ``float[B, D]`` with
    ``lower < upper``. Degenerate where no ``z`` in the box gives every weighted player a gain
    above 1e-9 (the point is then ``fallback``).
    This is the project's one Nash bargaining solver: the ``nash`` model and the deal's Nash
    package (:func:`detente.deal.nash_bargaining`) both call it. ``engine="kernel"`` (the
    default) runs the same steps compiled per draw on the sparse rows
    (:mod:`._nash_kernel`); ``"numpy"`` is the dense batched reference it is tested against.
    """
    if engine == "kernel":
        return _solve_pairs_kernel(pairs, c, u0, fallback, lower, upper)
    a, h, player_on, d, m = _rows(pairs, c, u0, lower, upper)
    b, r, n = a.shape
    p = player_on.shape[1]
    # Phase I: maximize τ (the smallest gain) from z = fallback pulled strictly inside the box,
    # t = loss(z) + 1.
    width = upper - lower
    z0 = np.clip(fallback, lower + 1e-3 * width, upper - 1e-3 * width)
    t0 = pairs.loss(z0) + 1.0
    v0 = np.concatenate([z0, t0], axis=1)
    gains0 = (h - _rows_times(a, v0))[:, :p]
    tau0 = np.where(player_on, gains0, np.inf).min(axis=1) - 1.0
    # τ enters the player rows: g_i − τ > 0; τ is the last variable.
    a1 = np.concatenate([a, np.zeros((b, r, 1))], axis=2)
    a1[:, :p, -1] = np.where(player_on, 1.0, 0.0)
    lin1 = np.zeros((b, n + 1))
    lin1[:, -1] = -1.0
    v1 = np.concatenate([v0, tau0[:, None]], axis=1)
    # τ is bounded above by the largest possible gain; a row keeps phase I finite.
    top = np.zeros((b, 1, n + 1))
    top[:, 0, -1] = 1.0
    a1 = np.concatenate([a1, top], axis=1)
    h1 = np.concatenate([h, (np.abs(u0).max(axis=1) + 1.0)[:, None]], axis=1)
    zero_quad = np.zeros((b, n + 1))
    # A draw stops at the first barrier weight that makes it feasible, whatever the other draws
    # do, so a draw's answer does not depend on the batch it is in.
    feasible = np.zeros(b, dtype=bool)
    for mu in _MU:
        w1 = np.full((b, r + 1), mu)
        v1 = _newton(a1, h1, w1, lin1, zero_quad, v1, v1, feasible)
        feasible = v1[:, -1] > _GAIN_TOL
        if feasible.all():
            break
    tau = v1[:, -1]
    maximin = v1[:, :d].copy()
    degenerate = ~(tau > _GAIN_TOL)
    if not np.isfinite(v1).all():
        raise ModelError("model 'nash': the feasibility search failed (non-finite values)")
    # Phase II from the phase-I point (strictly feasible where not degenerate).
    v = v1[:, :-1]
    quad = np.zeros((b, n))
    quad[:, :d] = _EPSILON
    centre = np.concatenate([fallback, np.zeros((b, m))], axis=1)
    objective = np.where(player_on, c, 0.0)
    for mu in _MU:
        w = np.concatenate([objective, np.full((b, r - p), mu)], axis=1)
        v = _newton(a, h, w, np.zeros((b, n)), quad, centre, v, degenerate)
    gains = (h - _rows_times(a, v))[:, :p]
    lost = ((gains <= 0) & player_on).any(axis=1) & ~degenerate
    if not np.isfinite(v).all() or lost.any():
        raise ModelError(
            f"model 'nash': the bargaining optimiser failed on {int(lost.sum())} draw(s) "
            "(a player's gain did not stay positive)"
        )
    point = np.where(degenerate[:, None], fallback, v[:, :d])
    return PairsSolution(point, degenerate, maximin)


def _solve_pairs_kernel(
    pairs: Pairs, c: Float, u0: Float, fallback: Float, lower: Float, upper: Float
) -> PairsSolution:
    """:func:`solve_pairs` by the compiled kernel, with the reference's checks and errors."""
    from ._nash_kernel import solve_pairs_kernel  # numba loads only when the kernel is used

    maximin, tau, z, finite, lost = solve_pairs_kernel(
        pairs.player,
        pairs.issue,
        np.broadcast_to(pairs.position, pairs.weight.shape),
        pairs.weight,
        pairs.slopes,
        pairs.intercepts,
        c,
        u0,
        fallback,
        lower,
        upper,
        mus=np.asarray(_MU, dtype=np.float64),
        steps=_NEWTON_STEPS,
        gain_tol=_GAIN_TOL,
        epsilon=_EPSILON,
    )
    if not finite.all():
        raise ModelError("model 'nash': the feasibility search failed (non-finite values)")
    if lost.any():
        raise ModelError(
            f"model 'nash': the bargaining optimiser failed on {int(lost.sum())} draw(s) "
            "(a player's gain did not stay positive)"
        )
    degenerate = ~(tau > _GAIN_TOL)
    point = np.where(degenerate[:, None], fallback, z)
    return PairsSolution(point, degenerate, maximin)
