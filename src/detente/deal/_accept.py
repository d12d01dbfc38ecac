"""Accept (deal spec §2): would each veto player sign a package rather than keep fighting?

A veto player accepts package ``x`` under guarantee package ``g`` when (1) its utility of ``x``
with the issues ``g`` pins is at least its no-deal utility, (2) ``x`` respects its red lines,
(3) no condition of its is violated, and (4) for every veto player but the challenger, the deal
is worth signing despite the breach risk:
``q U_i(x) + (1 − q) U_i(breach | x) >= U_i(no deal)``. The first failing test is the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._question import DealQuestion, PackageTerms

__all__ = ["REASONS", "Acceptance", "accept"]

Float = NDArray[np.float64]
# Reason codes of a rejection, in the order they are tested; index 0 means "accepts".
REASONS = ("accepts", "red line", "condition", "utility", "breach risk")
# Utility below the walk-away by less than this is a tie (solver round-off): accepted.
TOL = 1e-7


@dataclass(frozen=True)
class Acceptance:
    """Per draw, package and veto player (``[B, P, V]``): whether it accepts, the reason code
    (index into :data:`REASONS`), its shortfall in utility (> 0 when short: no-deal utility minus
    what signing is worth to it), and the issue that binds (index; -1 where none: the first
    issue whose red line is crossed). ``crossed`` (``[B, P, V, D]``) marks every red line the
    package crosses, not only the one that binds."""

    accepts: NDArray[np.bool_]
    reason: NDArray[np.int64]
    shortfall: Float
    binding: NDArray[np.int64]
    crossed: NDArray[np.bool_]

    @property
    def all_accept(self) -> NDArray[np.bool_]:
        """``bool[B, P]``: every veto player signs."""
        out: NDArray[np.bool_] = np.asarray(self.accepts.all(axis=-1), dtype=bool)
        return out


def signing_value(question: DealQuestion, x: Float, terms: PackageTerms) -> Float:
    """``float[B, P, V]``: what signing ``x`` is worth to each veto player (the breach-weighted
    utility for defenders, the plain utility for the challenger), pins applied."""
    x = question.pin(x, terms)
    u = question.utility(x)
    defender = question.defender(terms)
    if not defender.any():
        return u
    q = terms.kept[:, None, None]
    weighted = q * u + (1.0 - q) * question.breach_utility(x)
    out: Float = np.where(defender[None, None, :], weighted, u)
    return out


def accept(question: DealQuestion, x: Float, terms: PackageTerms) -> Acceptance:
    """Who signs packages ``x[B, P, D]`` (internal scale) under ``terms``, and why not.

    >>> from detente.scenario import read_yaml
    >>> from detente.deal._question import build_question
    >>> s = read_yaml(open("tests/data/deal/two-issue.yaml").read())
    >>> qn = build_question(s, s.to_arrays())
    >>> acc = accept(qn, np.array([[[65.0, 20.0]]]), qn.packages["weak"])
    >>> acc.accepts.shape
    (1, 1, 2)
    """
    x = question.pin(np.asarray(x, dtype=np.float64), terms)
    b, p, d = x.shape
    v = question.veto.size
    u = question.utility(x)
    value = signing_value(question, x, terms)
    floor = question.no_deal[:, None, :]
    deal = question.arrays.deal
    # Red lines of each veto player: [B, P, V, D] tests.
    if deal is not None:
        lo = deal.red_min[:, question.veto][:, None]
        hi = deal.red_max[:, question.veto][:, None]
        crossed = (x[:, :, None, :] < lo - TOL) | (x[:, :, None, :] > hi + TOL)
    else:
        crossed = np.zeros((b, p, v, d), dtype=bool)
    red = crossed.any(-1)
    broken = np.zeros((b, p, v), dtype=bool)
    broken_issue = np.full((b, p, v), -1, dtype=np.int64)
    for rule in question.rules:
        fires = _holds(x, rule.if_issue, rule.if_low, rule.if_high, rule.if_packages, terms.id)
        kept = _holds(
            x, rule.then_issue, rule.then_low, rule.then_high, rule.then_packages, terms.id
        )
        bad = fires & ~kept
        broken[:, :, rule.actor] |= bad
        issue = rule.then_issue if rule.then_issue >= 0 else rule.if_issue
        broken_issue[:, :, rule.actor] = np.where(bad, issue, broken_issue[:, :, rule.actor])
    short_u = u < floor - TOL
    short_breach = value < floor - TOL
    reason = np.select([red, broken, short_u, short_breach], [1, 2, 3, 4], default=0).astype(
        np.int64
    )
    shortfall = floor - value
    binding = np.where(
        red,
        crossed.argmax(-1),
        np.where(broken, broken_issue, _cheapest_issue(question, x, shortfall)),
    )
    binding = np.where(reason == 0, -1, binding)
    return Acceptance(reason == 0, reason, shortfall, binding.astype(np.int64), crossed)


def _holds(
    x: Float,
    issue: int,
    low: float,
    high: float,
    packages: frozenset[str] | None,
    package: str,
) -> NDArray[np.bool_]:
    """``bool[B, P]``: one side of a condition holds for packages ``x`` under ``package``."""
    if packages is not None:
        return np.full(x.shape[:2], package in packages)
    out: NDArray[np.bool_] = (x[..., issue] >= low - TOL) & (x[..., issue] <= high + TOL)
    return out


def _cheapest_issue(question: DealQuestion, x: Float, shortfall: Float) -> NDArray[np.int64]:
    """``int[B, P, V]``: the issue whose move alone toward the veto player's position would cure
    its shortfall over the shortest distance (spec §5); the one that could recover the most
    where none alone suffices."""
    w = question.weights[:, None]  # [B, 1, V, D]
    gap = np.abs(x[:, :, None, :] - question.positions[:, None]) / 100.0
    if question.form == "linear":
        recover = w * gap
        with np.errstate(divide="ignore", invalid="ignore"):
            distance = np.where(w > 0, shortfall[..., None] / w, np.inf)
    else:
        recover = w * gap**2
        with np.errstate(divide="ignore", invalid="ignore"):
            inner = np.where(w > 0, gap**2 - shortfall[..., None] / w, -np.inf)
        distance = np.where(inner >= 0, gap - np.sqrt(np.maximum(inner, 0.0)), np.inf)
    cures = recover >= shortfall[..., None]
    distance = np.where(cures, distance, np.inf)
    some = cures.any(-1)
    out = np.where(some, distance.argmin(-1), recover.argmax(-1))
    result: NDArray[np.int64] = out.astype(np.int64)
    return result
