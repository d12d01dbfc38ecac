"""The Nash package of the deal: the capability-weighted Nash bargaining package over the set
every veto player accepts (deal spec §2), with the project's one Nash solver.

Each veto player's gain is what signing is worth to it minus its no-deal utility; for a defender
that is the breach-weighted value ``q U(x) + (1 − q) U(breach | x)``, whose breach term is the
utility of a second ideal point, the position minus the no-deal drift (the clipping of the breach
path to the scale is left to the exact check of :func:`detente.deal._accept.accept`). Red lines
are the box; the pinned issues are constants; a condition is a choice between branches (leave
its "if" region, or meet its "then"), each solved and the best kept. All branches and draws go
to :func:`detente.models._nash_barrier.solve_pairs` in one stacked solve.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..models._nash_barrier import Pairs, solve_pairs
from ._lp import loss_pieces
from ._question import DealQuestion, PackageTerms, Rule

__all__ = ["NashPackage", "nash_package"]

Float = NDArray[np.float64]
# Strict side of a condition's "if" bound, on the internal scale.
_EPS = 1e-6
# At most this many branch combinations of conditions (the rest are not explored).
_MAX_BRANCHES = 32
# One branch's bounds: issue -> (low, high).
Bounds = dict[int, tuple[float, float]]


@dataclass(frozen=True)
class NashPackage:
    """Per draw: the Nash package ``x[B, D]`` (internal scale) where the solver found a package
    every veto player gains from, else the package closest to it (equal shortfall); ``found``
    ``bool[B]`` says which."""

    x: Float
    found: NDArray[np.bool_]


def nash_package(
    question: DealQuestion,
    terms: PackageTerms,
    *,
    relax: NDArray[np.bool_] | None = None,
    relax_red_lines: NDArray[np.bool_] | None = None,
    draws: NDArray[np.intp] | None = None,
) -> NashPackage:
    """The Nash package under ``terms`` on every draw (or only on ``draws``).

    ``relax`` (``bool[V]``) drops veto players from the question entirely (their gains, red lines
    and conditions): whether the others would then agree tells who blocks.
    ``relax_red_lines`` drops only their red lines.
    """
    v = question.veto.size
    relax = np.zeros(v, dtype=bool) if relax is None else relax
    red_off = relax | (np.zeros(v, dtype=bool) if relax_red_lines is None else relax_red_lines)
    rows = np.arange(question.draws) if draws is None else np.asarray(draws)
    b, d = rows.size, question.arrays.n_issues
    pinned = np.zeros(d, dtype=bool)
    pinned[list(terms.pinned)] = True
    free = np.flatnonzero(~pinned)
    lower, upper = _red_line_box(question, rows, red_off)
    branches = _branches([r for r in question.rules if not relax[r.actor]], terms, pinned)
    if not branches or free.size == 0:
        x = question.pin(np.clip(np.nan_to_num(question.arrays.status_quo[rows]), 0, 100), terms)
        return NashPackage(x, np.zeros(b, dtype=bool))
    k = len(branches)
    lo = np.repeat(lower[None], k, axis=0)
    hi = np.repeat(upper[None], k, axis=0)
    for n, bounds in enumerate(branches):
        for j, (a, c) in bounds.items():
            lo[n, :, j] = np.maximum(lo[n, :, j], a)
            hi[n, :, j] = np.minimum(hi[n, :, j], c)
    lo, hi = lo.reshape(k * b, d)[:, free], hi.reshape(k * b, d)[:, free]
    open_box = (hi - lo > 1e-9).all(-1)
    # An empty box still needs a valid one for the solver; its draws are discarded.
    lo, hi = np.where(open_box[:, None], lo, 0.0), np.where(open_box[:, None], hi, 100.0)
    pairs, u0 = _pairs(question, terms, rows, free, relax, k)
    c = np.tile(np.where(relax[None], 0.0, question.exponents[rows]), (k, 1))
    start = (lo + hi) / 2.0
    solution = solve_pairs(pairs, c, u0, start, lo, hi)
    found = ~solution.degenerate & open_box
    point = np.where(found[:, None], solution.point, solution.maximin)
    # The best branch per draw: the largest Nash product among those found, else the largest
    # smallest gain.
    gains = pairs.utility(point, v) - u0
    active = c > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(
            found,
            np.where(active, c * np.log(np.maximum(gains, 1e-300)), 0.0).sum(-1),
            -np.inf,
        )
    closeness = np.where(open_box, np.where(active, gains, np.inf).min(-1), -np.inf)
    score, closeness = score.reshape(k, b), closeness.reshape(k, b)
    any_found = found.reshape(k, b).any(0)
    pick = np.where(any_found, score.argmax(0), closeness.argmax(0))
    chosen = point.reshape(k, b, free.size)[pick, np.arange(b)]
    x = np.zeros((b, d))
    x[:, free] = chosen
    return NashPackage(question.pin(x, terms), any_found)


def _red_line_box(
    question: DealQuestion, rows: NDArray[np.intp], off: NDArray[np.bool_]
) -> tuple[Float, Float]:
    """``float[B, D]`` bounds from the veto players' red lines (those not switched off)."""
    deal = question.arrays.deal
    b, d = rows.size, question.arrays.n_issues
    if deal is None:
        return np.zeros((b, d)), np.full((b, d), 100.0)
    on = ~off[None, :, None]
    low = np.where(on, deal.red_min[rows][:, question.veto], -np.inf).max(axis=1)
    high = np.where(on, deal.red_max[rows][:, question.veto], np.inf).min(axis=1)
    return np.clip(low, 0.0, 100.0), np.clip(high, 0.0, 100.0)


def _options(rule: Rule, package: str, pinned: NDArray[np.bool_]) -> list[Bounds]:
    """The ways to satisfy one condition: leave its "if" region, or meet its "then"."""
    if rule.if_packages is not None:
        if package not in rule.if_packages:
            return [{}]
        leave: list[Bounds] = []
    else:
        leave = []
        if np.isfinite(rule.if_low):
            leave.append({rule.if_issue: (-np.inf, rule.if_low - _EPS)})
        if np.isfinite(rule.if_high):
            leave.append({rule.if_issue: (rule.if_high + _EPS, np.inf)})
    if rule.then_packages is not None:
        meet: list[Bounds] = [{}] if package in rule.then_packages else []
    else:
        meet = [{rule.then_issue: (rule.then_low, rule.then_high)}]
    return leave + meet


def _branches(rules: list[Rule], terms: PackageTerms, pinned: NDArray[np.bool_]) -> list[Bounds]:
    """Every combination of the conditions' options, as merged bounds (a pinned issue's bound is
    met or not by the pin: the option is kept or dropped)."""
    out: list[Bounds] = []
    choices = []
    for rule in rules:
        usable = []
        for option in _options(rule, terms.id, pinned):
            ok = all(
                a - 1e-9 <= terms.pinned[j] <= c + 1e-9 for j, (a, c) in option.items() if pinned[j]
            )
            if ok:
                usable.append({j: bc for j, bc in option.items() if not pinned[j]})
        choices.append(usable)
    for combo in itertools.islice(itertools.product(*choices), _MAX_BRANCHES):
        merged: Bounds = {}
        for option in combo:
            for j, (a, c) in option.items():
                old = merged.get(j, (-np.inf, np.inf))
                merged[j] = (max(old[0], a), min(old[1], c))
        out.append(merged)
    return out


def _pairs(
    question: DealQuestion,
    terms: PackageTerms,
    rows: NDArray[np.intp],
    free: NDArray[np.int64],
    relax: NDArray[np.bool_],
    k: int,
) -> tuple[Pairs, Float]:
    """The solver's pairs on the free issues, tiled ``k`` times, and each player's ``u0``: its
    no-deal utility plus what the pinned issues and the war cost take off its signing value."""
    w = question.weights[rows]  # [B, V, D]
    p = question.positions[rows]
    drift = question.drift[rows]
    q = terms.kept[rows][:, None]
    defender = question.defender(terms)[None, :] & ~relax[None, :]
    v = question.veto.size
    share = np.where(defender, q, 1.0)  # weight of the deal's own terms
    player, issue, pos, weight = [], [], [], []
    for i in range(v):
        for j in free:
            if not (w[:, i, j] > 0).any():
                continue
            player.append(i)
            issue.append(j)
            pos.append(p[:, i, j])
            weight.append(share[:, i] * w[:, i, j])
            if defender[0, i] and (drift[:, j] != 0).any():
                player.append(i)
                issue.append(j)
                pos.append(p[:, i, j] - drift[:, j])
                weight.append((1.0 - share[:, i]) * w[:, i, j])
            elif defender[0, i]:
                weight[-1] = w[
                    :, i, j
                ]  # no drift: a breach leaves this issue where the deal put it
    slopes, intercepts = loss_pieces(question.form)
    pairs = Pairs(
        player=np.array(player, dtype=np.int64),
        issue=np.searchsorted(free, np.array(issue, dtype=np.int64)),
        position=np.tile(np.column_stack(pos), (k, 1)),
        weight=np.tile(np.column_stack(weight), (k, 1)),
        slopes=slopes / 100.0,
        intercepts=intercepts,
    )
    # Constants of the signing value: pinned issues (and their breach path) and the war cost.
    x0 = question.pin(np.zeros((rows.size, 1, question.arrays.n_issues)), terms)
    mask = np.zeros(question.arrays.n_issues, dtype=bool)
    mask[list(terms.pinned)] = True
    const_deal = _loss(question, x0, p, w, mask)
    const_breach = _loss(question, np.clip(x0 + drift[:, None], 0, 100), p, w, mask)
    war = question.war_cost[rows]
    constant = np.where(
        defender, share * const_deal + (1 - share) * (const_breach + war), const_deal
    )
    u0 = question.no_deal[rows] + constant
    return pairs, np.tile(np.where(relax[None], -1.0, u0), (k, 1))


def _loss(question: DealQuestion, x: Float, p: Float, w: Float, mask: NDArray[np.bool_]) -> Float:
    """``float[B, V]``: weighted loss of packages ``x[B, 1, D]`` on the issues in ``mask``."""
    dist = (x - p) / 100.0
    loss = np.abs(dist) if question.form == "linear" else dist**2
    out: Float = (w * loss * mask).sum(-1)
    return out
