"""Votes, coalitions, victory probabilities and probabilistic Condorcet elections (PCE).

``specs/smp.md`` §3.3–3.7. Every function works on arrays with any leading (batch) axes; option
axes come last. A boolean ``valid[..., M]`` marks the real options of padded option lists (queues
of different lengths): invalid options take no part and get probability 0.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ...errors import ModelError
from ._params import (
    BINARY_VICTORY_MINIMUM,
    BINARY_VICTORY_THRESHOLD,
    BINARY_VOTE_SCALE,
    MARKOV_INCENTIVE_FLOOR,
    MARKOV_INCENTIVE_TOL,
    MARKOV_MAX_ITER,
    MARKOV_UNIFORM_TOL,
    PCE_COALITION_FLOOR,
    PCEModel,
    VictoryProbModel,
    VotingRule,
)

__all__ = ["coalitions", "pce", "scalar_pce", "victory_matrix", "vote"]

Float = NDArray[np.float64]
Bool = NDArray[np.bool_]


def vote(weight: Float | float, delta: Float, rule: VotingRule) -> Float:
    """One actor's vote ``vote(w; a, b)`` given ``delta = a − b`` (§3.3); > 0 supports ``a``.

    >>> float(vote(2.0, np.array(0.25), "Prop")), float(vote(2.0, np.array(0.25), "ASymProsp"))
    (0.5, 0.3333333333333333)
    """
    if rule == "Prop":
        strength = delta
    elif rule == "Binary":
        strength = np.clip(delta / BINARY_VOTE_SCALE, -1.0, 1.0)
    elif rule == "PropBin":
        strength = 0.8 * delta + 0.2 * np.clip(delta / BINARY_VOTE_SCALE, -1.0, 1.0)
    elif rule == "PropCbc":
        strength = 0.5 * delta + 0.5 * delta**3
    elif rule == "Cubic":
        strength = delta**3
    else:  # ASymProsp: gains (moves toward a) discounted by 2/3
        return np.where(delta > 0, (2.0 / 3.0) * (weight * delta), weight * delta)
    out: Float = weight * strength
    return out


def coalitions(
    weight: Float, utility: Float, rule: VotingRule, *, work: Float | None = None
) -> Float:
    """Coalition strengths ``C[..., m, m']`` over an ordered option list (§3.4).

    ``weight`` is ``float[..., K]`` (voters), ``utility`` ``float[..., K, M]`` (voter × option).
    ``C[m, m'] = 1e-8 + Σ_a max(vote(w_a; u_a(m), u_a(m')), 0)``; under ``ASymProsp`` the votes
    are cast with the higher-indexed option first, as KTAB does, which discounts the supporters of
    the later option (§7.7). Cost ``O(K M²)`` per batch element, memory ``K M²`` (in ``work``,
    a scratch array of shape ``[..., K, M, M]``, when given).
    """
    diff = np.subtract(utility[..., :, :, None], utility[..., :, None, :], out=work)
    if rule == "ASymProsp":
        m = utility.shape[-1]
        later = np.tril(np.ones((m, m), dtype=bool), -1)  # row index > column index
        gain = np.maximum(diff, 0.0)
        support = np.where(later, vote(1.0, gain, "ASymProsp"), gain)
    elif rule == "Prop":
        support = np.maximum(diff, 0.0, out=diff)
    else:
        # All other rules are odd and increasing, so max(f(Δ), 0) = f(max(Δ, 0)).
        support = vote(1.0, np.maximum(diff, 0.0), rule)
    support *= weight[..., :, None, None]
    # Summing over a leading axis adds voter after voter in index order, as KTAB does; a
    # pairwise or BLAS sum would differ in the last bits, which decides exact ties (Binary).
    out: Float = PCE_COALITION_FLOOR + support.sum(axis=-3)
    return out


def victory_matrix(strength: Float, model: VictoryProbModel) -> Float:
    """``V[..., m, m'] = P(m beats m')`` from coalition strengths (§3.5); diagonal 1/2."""
    c1 = strength
    c2 = np.swapaxes(strength, -1, -2)
    if model == "Binary":
        tau = BINARY_VICTORY_THRESHOLD
        r = c1 / (c1 + c2)
        t1 = np.where(
            c1 >= tau * c2,
            1.0,
            np.where(c2 >= tau * c1, BINARY_VICTORY_MINIMUM, (r * (tau + 1.0) - 1.0) / (tau - 1.0)),
        )
        t2 = np.where(
            c1 >= tau * c2, BINARY_VICTORY_MINIMUM, np.where(c2 >= tau * c1, 1.0, 1.0 - t1)
        )
    else:
        power = {"Linear": 1, "Square": 2, "Quartic": 4, "Octic": 8}[model]
        t1, t2 = (c1, c2) if power == 1 else (c1**power, c2**power)
    v: Float = t1 / (t1 + t2)
    m = v.shape[-1]
    v[..., np.arange(m), np.arange(m)] = 0.5
    return v


def pce(
    strength: Float | None,
    victory: Float,
    valid: Bool | None,
    model: PCEModel,
    *,
    what: str = "PCE",
    padded: bool = False,
) -> Float:
    """Probability of each option from its coalition and victory matrices (§3.6).

    ``strength``, ``victory`` are ``float[..., M, M]`` (``strength`` is needed by
    ``MarkovIncentive`` only); ``valid`` ``bool[..., M]`` or None (all valid). Returns
    ``float[..., M]`` summing to 1 over the valid options. ``padded`` says that the victory
    entries of invalid options are already 1 (the queue code gathers them so).
    """
    m = victory.shape[-1]
    if model == "Conditional":
        return _conditional(victory, valid, padded)
    if valid is None:
        valid = np.ones(victory.shape[:-1], dtype=bool)
    pair = valid[..., :, None] & valid[..., None, :]
    count = valid.sum(axis=-1, keepdims=True)
    p = np.where(valid, 1.0 / count, 0.0)
    v = np.where(pair, victory, 0.0)
    if model == "MarkovUniform":
        tol = MARKOV_UNIFORM_TOL

        def step(p: Float) -> Float:
            # q_m = (1/M) Σ_m' V[m, m'] (p_m + p_m')
            q: Float = (v.sum(axis=-1) * p + np.einsum("...ij,...j->...i", v, p)) / count
            return q
    else:
        tol = MARKOV_INCENTIVE_TOL
        if strength is None:
            raise ValueError("the MarkovIncentive PCE needs the coalition strengths")
        n = np.where(pair, strength * victory, 0.0)
        n[..., np.arange(m), np.arange(m)] += np.where(valid, MARKOV_INCENTIVE_FLOOR, 0.0)
        column = n.sum(axis=-2, keepdims=True)
        chi = n / np.where(column > 0, column, 1.0)  # chi[m, m']: m challenges incumbent m'

        def step(p: Float) -> Float:
            # q_m = Σ_m' V[m, m'] (p_m χ[m', m] + p_m' χ[m, m'])
            own = (v * np.swapaxes(chi, -1, -2)).sum(axis=-1) * p
            other = np.einsum("...ij,...ij,...j->...i", v, chi, p)
            q: Float = own + other
            return q

    active = np.ones(p.shape[:-1], dtype=bool)
    for _ in range(MARKOV_MAX_ITER):
        q = step(p)
        change = np.abs(q - p).max(axis=-1)
        p = np.where(active[..., None], (p + q) / 2.0, p)
        active &= change > tol
        if not active.any():
            return p
    raise ModelError(
        f"model 'smp': the {model} PCE of the {what} did not converge in {MARKOV_MAX_ITER} "
        "iterations; try pce_model='Conditional'"
    )


# Up to this many options the Conditional PCE multiplies victory probabilities directly, as KTAB
# does (each is at least ~1e-11, so 25 factors cannot underflow); beyond it, sums of logarithms.
_PRODUCT_MAX_OPTIONS = 25


def _conditional(victory: Float, valid: Bool | None, padded: bool) -> Float:
    """``p_m ∝ Π_m' V[m, m']`` over the valid options (§3.6, ``Conditional``)."""
    m = victory.shape[-1]
    if valid is not None and not padded:
        pair = valid[..., :, None] & valid[..., None, :]
        victory = np.where(pair, victory, 1.0)
    if m <= _PRODUCT_MAX_OPTIONS:
        p: Float = np.prod(victory, axis=-1)
    else:
        score = np.log(victory).sum(axis=-1)
        score -= score.max(axis=-1, keepdims=True)
        p = np.exp(score, out=score)
    if valid is not None:
        p *= valid
    p /= p.sum(axis=-1, keepdims=True)
    return p


def scalar_pce(
    weight: Float,
    utility: Float,
    valid: Bool | None,
    *,
    rule: VotingRule,
    victory_model: VictoryProbModel,
    pce_model: PCEModel,
    what: str = "PCE",
    work: Float | None = None,
) -> Float:
    """``PCE(w, u)`` (§3.7): votes → coalitions → victory matrix → option probabilities.

    ``weight`` ``float[..., K]``, ``utility`` ``float[..., K, M]``, ``valid`` ``bool[..., M]``;
    ``work`` an optional scratch array ``[..., K, M, M]``.

    >>> u = np.array([[1.0, 0.2], [0.9, 0.8], [0.0, 1.0]])
    >>> scalar_pce(np.array([1.0, 1.0, 1.0]), u, None, rule="Prop",
    ...            victory_model="Linear", pce_model="Conditional").round(6)
    array([0.473684, 0.526316])
    """
    strength = coalitions(weight, utility, rule, work=work)
    victory = victory_matrix(strength, victory_model)
    return pce(strength, victory, valid, pce_model, what=what)
