"""Viability per guarantee package (deal spec §4) and the named proposals (§5).

For a guarantee package ``g`` the deal on the table is, per draw, the Nash package under ``g``
(or, where no package suits every veto player, the one that comes closest). ``P(accept)`` is the
share of draws on which every veto player signs it, ``P(kept | accepted)`` the mean of ``q_d``
over those draws and ``P(viable)`` the mean of ``1[accepted] q_d``. Where nobody's package is
signed, who blocks is found by dropping each veto player in turn: it blocks when the others
would then agree (asked on at most :data:`BLOCKER_DRAWS` such draws, each standing for its share).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._accept import REASONS, accept
from ._nash import nash_package
from ._question import DealQuestion, PackageTerms

__all__ = [
    "ProposalResult",
    "Viability",
    "kept_over",
    "mean_kept",
    "proposal_result",
    "viability",
]

# Draws with no deal on which who blocks is asked (each such question is a solve per veto player).
BLOCKER_DRAWS = 100

Float = NDArray[np.float64]


def mean_kept(kept: Float, accepted: NDArray[np.bool_]) -> float:
    """P(kept | accepted); on no accepted draw, P(kept) if it were signed (q does not depend on
    the acceptance inputs, so the two estimate the same number)."""
    return float(kept[accepted].mean() if accepted.any() else kept.mean())


def kept_over(accepted: NDArray[np.bool_]) -> str:
    """Which draws :func:`mean_kept` averaged over, in words (a reader must know)."""
    return "accepted draws" if accepted.any() else "all draws, none accepted (P(kept) if signed)"


def variant_spread(row: Mapping[str, Any], key: str) -> tuple[float, float]:
    """The lowest and highest ``key`` ('p_accept', 'p_kept' or 'p_viable') of a viability row
    as ``check_deal(...).to_json()`` has it, across its baseline and structural variants.

    >>> variant_spread({"p_kept": 0.9, "variants": [{"p_kept": 0.2}, {"p_kept": 1.0}]}, "p_kept")
    (0.2, 1.0)
    """
    values = [float(row[key])] + [float(v[key]) for v in row.get("variants", ())]
    return min(values), max(values)


@dataclass(frozen=True)
class Viability:
    """One guarantee package's row of the headline table, with its per-draw arrays.

    ``nash`` is the Nash package per draw (where none suits everyone, the closest one);
    ``table`` is the deal on the table that the structural variants and "what it would take"
    judge: the Nash package, or where no package suits everyone, the Nash package without the red
    lines when that exists (so that moving a red line can open the deal), else the closest one.
    ``blockers`` maps a veto player to the share of draws on which it alone blocks (without it
    the others would agree); ``reasons`` says why it blocks (red line, condition, utility,
    breach risk) and ``issues`` on which issue it binds most often. ``red_lines`` maps each red
    line to the share of draws on which the red lines alone close the zone and the package on
    the table crosses that line (a draw can count for several lines).
    """

    package: str
    name: str
    accepted: NDArray[np.bool_]
    kept: Float
    nash: Float
    table: Float
    found: NDArray[np.bool_]
    blockers: dict[str, float]
    reasons: dict[str, str]
    issues: dict[str, str | None]
    red_lines: dict[str, float] = field(default_factory=dict)

    @property
    def p_accept(self) -> float:
        return float(self.accepted.mean())

    @property
    def p_kept(self) -> float:
        return mean_kept(self.kept, self.accepted)

    @property
    def p_viable(self) -> float:
        return float((self.accepted * self.kept).mean())


def viability(question: DealQuestion, terms: PackageTerms) -> Viability:
    """The viability of the Nash package under ``terms`` on every draw."""
    b, v = question.draws, question.veto.size
    issues = question.arrays.issue_ids
    n = nash_package(question, terms)
    acc = accept(question, n.x[:, None], terms)
    accepted = acc.all_accept[:, 0]
    blocks = np.zeros((b, v), dtype=bool)
    reason = np.zeros((b, v), dtype=np.int64)
    binding = np.full((b, v), -1, dtype=np.int64)
    # Found but refused (the exact breach path, clipped to the scale, can differ from the
    # solver's): those who refuse block.
    refused = n.found & ~accepted
    blocks[refused] = ~acc.accepts[refused, 0]
    reason[refused] = acc.reason[refused, 0]
    binding[refused] = acc.binding[refused, 0]
    # Where no package suits everyone, who blocks is asked on the first BLOCKER_DRAWS such
    # draws (the draws are independent: a random sample), each standing for its share.
    closed = np.flatnonzero(~n.found & ~accepted)
    weight = np.ones(b)
    weight[closed] = 0.0
    closed, scale = (
        closed[:BLOCKER_DRAWS],
        max(closed.size, 1) / max(closed[:BLOCKER_DRAWS].size, 1),
    )
    weight[closed] = scale
    red_lines: dict[str, float] = {}
    table = n.x.copy()
    if closed.size:
        for i in range(v):
            alone = np.zeros(v, dtype=bool)
            alone[i] = True
            others = nash_package(question, terms, relax=alone, draws=closed)
            # What the blocker thinks of the package the others would agree on.
            verdict = accept(_rows(question, closed), others.x[:, None], _terms_rows(terms, closed))
            blocks[closed, i] = others.found
            reason[closed, i] = np.where(others.found, verdict.reason[:, 0, i], 0)
            binding[closed, i] = np.where(others.found, verdict.binding[:, 0, i], -1)
        free = nash_package(question, terms, relax_red_lines=np.ones(v, dtype=bool), draws=closed)
        table[closed] = np.where(free.found[:, None], free.x, n.x[closed])
        verdict = accept(_rows(question, closed), free.x[:, None], _terms_rows(terms, closed))
        # Every red line the package on the table crosses counts, not only the one that binds:
        # a veto player can be two red lines away from a deal.
        crossed = verdict.crossed[free.found, 0].sum(axis=0)  # [V, D] draws crossing each line
        for i, j in zip(*np.nonzero(crossed), strict=True):
            line = f"{question.veto_players[i]}'s red line on {issues[j]}"
            red_lines[line] = float(crossed[i, j]) * scale
    shares, why, where = {}, {}, {}
    for i, actor in enumerate(question.veto_players):
        if blocks[:, i].any():
            shares[actor] = float((weight * blocks[:, i]).sum() / b)
            why[actor] = REASONS[Counter(reason[blocks[:, i], i].tolist()).most_common(1)[0][0]]
            top = Counter(binding[blocks[:, i], i].tolist()).most_common(1)[0][0]
            where[actor] = issues[top] if top >= 0 else None
    return Viability(
        package=terms.id,
        name=terms.name,
        accepted=accepted,
        kept=terms.kept,
        nash=n.x,
        table=table,
        found=n.found,
        blockers=dict(sorted(shares.items(), key=lambda kv: -kv[1])),
        reasons=why,
        issues=where,
        red_lines={k: c / b for k, c in sorted(red_lines.items(), key=lambda kv: -kv[1])},
    )


def _rows(question: DealQuestion, rows: NDArray[np.intp]) -> DealQuestion:
    """The question restricted to some draws (for acceptance checks on a subset)."""
    from dataclasses import replace

    return replace(
        question,
        arrays=question.arrays.take(rows),
        weights=question.weights[rows],
        positions=question.positions[rows],
        exponents=question.exponents[rows],
        no_deal=question.no_deal[rows],
        drift=question.drift[rows],
        war_cost=question.war_cost[rows],
        packages={},
    )


def _terms_rows(terms: PackageTerms, rows: NDArray[np.intp]) -> PackageTerms:
    from dataclasses import replace

    return replace(terms, kept=terms.kept[rows])


@dataclass(frozen=True)
class ProposalResult:
    """A named text under its guarantee package (spec §5): per veto player P(accept), the mean
    shortfall where it refuses (utility), and the issue that binds most often."""

    id: str
    title: str
    package: str
    accepted: NDArray[np.bool_]
    kept: Float
    by_actor: dict[str, dict[str, Any]]

    @property
    def p_accept(self) -> float:
        return float(self.accepted.mean())

    @property
    def p_kept(self) -> float:
        return mean_kept(self.kept, self.accepted)


def proposal_result(question: DealQuestion, index: int) -> ProposalResult:
    """Who signs the ``index``-th named proposal, how short the others fall, and why."""
    deal = question.arrays.deal
    assert deal is not None
    proposal = question.scenario.proposals[index]
    terms = question.packages[proposal.package]
    x = deal.proposals[:, index][:, None]
    acc = accept(question, x, terms)
    by_actor: dict[str, dict[str, Any]] = {}
    for i, actor in enumerate(question.veto_players):
        yes = acc.accepts[:, 0, i]
        short = np.maximum(acc.shortfall[:, 0, i], 0.0)
        binding = acc.binding[~yes, 0, i]
        top = Counter(binding.tolist()).most_common(1)[0][0] if binding.size else -1
        why = Counter(acc.reason[~yes, 0, i].tolist()).most_common(1)[0][0] if binding.size else 0
        by_actor[actor] = {
            "p_accept": float(yes.mean()),
            "shortfall": float(short[~yes].mean()) if (~yes).any() else 0.0,
            "binding_issue": question.arrays.issue_ids[top] if top >= 0 else None,
            "reason": REASONS[why] if (~yes).any() else None,
        }
    return ProposalResult(
        id=proposal.id,
        title=proposal.title,
        package=proposal.package,
        accepted=acc.all_accept[:, 0],
        kept=terms.kept,
        by_actor=by_actor,
    )
