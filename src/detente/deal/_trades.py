"""Package deals: cross-issue trades that every veto player prefers to the status quo, inside
every veto player's red lines.

Candidate packages move a few issues (at most ``max_moves``) away from the status quo, each to
one of a few focal values: a veto player's position or the veto players' capability-weighted
compromise. Every combination is scored at once; a *trade* moves at least two issues, has at
least two veto players each giving something (a concession on an issue moves it away from the
giver's position), and leaves every veto player strictly better off than the status quo. Trades
are ranked by joint gain (the sum of the veto players' utility gains), one per set of moved
issues, and say issue by issue who gives and who gains.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError
from ..scenario import ScenarioArrays
from ._lp import Form
from ._utility import utility, veto_index, walk_away_utility, weights

__all__ = ["Move", "Trade", "package_deals"]

Float = NDArray[np.float64]
# The smallest utility gain that counts as "prefers" (rules out ties and round-off).
MIN_GAIN = 1e-9


@dataclass(frozen=True)
class Move:
    """One issue of a trade: from the status quo to a new value (issue scale), who gives/gains."""

    issue: str
    from_value: float
    to_value: float
    gives: tuple[str, ...]
    gains: tuple[str, ...]


@dataclass(frozen=True)
class Trade:
    """A cross-issue package every veto player prefers to the status quo.

    ``gains`` maps each veto player to its utility gain over the status quo on the ranking draw;
    ``p_preferred`` is the share of draws on which every veto player still prefers it to the
    status quo, ``p_acceptable`` the share on which it also beats every walk-away.
    """

    package: tuple[float, ...]
    moves: tuple[Move, ...]
    gains: dict[str, float]
    joint_gain: float
    p_preferred: float
    p_acceptable: float

    def describe(self) -> str:
        """One readable line: who gives what for what."""
        parts = []
        for move in self.moves:
            change = f"{move.issue} {move.from_value:g} → {move.to_value:g}"
            who = " and ".join(move.gives)
            parts.append(
                f"{change} ({who} give{'s' if len(move.gives) == 1 else ''})"
                if who
                else f"{change} (no veto player loses)"
            )
        return "; ".join(parts)


def _candidates(arrays: ScenarioArrays, veto: NDArray[np.int64], base: Float) -> Float:
    """``float[K, D]``: every combination of per-issue focal values (on the modal draw 0)."""
    pos = arrays.positions[0, veto]  # [V, D]
    cap = arrays.capability[0, veto] * arrays.mask[veto]
    with np.errstate(invalid="ignore", divide="ignore"):
        compromise = np.nansum(cap * pos, 0) / cap.sum(0)
    options = []
    for j in range(arrays.n_issues):
        values = [base[j], *pos[:, j].tolist(), compromise[j]]
        finite = sorted({round(float(x), 9) for x in values if np.isfinite(x)})
        # The status quo first, so the combination of all-status-quo is row 0.
        options.append([round(float(base[j]), 9)] + [x for x in finite if x != round(base[j], 9)])
    return np.array(list(itertools.product(*options)), dtype=np.float64)


def package_deals(
    arrays: ScenarioArrays,
    *,
    walk_away: Float | None = None,
    top: int = 10,
    max_moves: int = 3,
    form: Form = "linear",
    ranking: ScenarioArrays | None = None,
) -> list[Trade]:
    """The best cross-issue trades among veto players, ranked by joint gain.

    Candidates are built and ranked on draw 0 of ``ranking`` (default ``arrays``; pass the modal
    arrays ``scenario.to_arrays(draws=1)`` to rank on the most likely values); ``p_preferred``
    and ``p_acceptable`` are over all draws of ``arrays``. Needs a status quo on every issue.

    >>> a = ScenarioArrays.build([[0.0, 100.0], [100.0, 0.0]], salience=[[0.8, 0.2], [0.2, 0.8]],
    ...     veto=[True, True], status_quo=[50.0, 50.0], issue_ids=["x", "y"])
    >>> t = package_deals(a, top=1)[0]
    >>> t.package, t.describe()
    ((0.0, 0.0), 'x 50 → 0 (a1 gives); y 50 → 0 (a0 gives)')
    """
    veto = veto_index(arrays)
    if top < 1:
        raise ModelError(f"top must be at least 1; got {top}")
    if max_moves < 2:
        raise ModelError(
            f"max_moves must be at least 2 (a trade moves two issues); got {max_moves}"
        )
    rank = arrays if ranking is None else ranking
    sq = rank.status_quo[0]
    missing = np.isnan(sq) | np.isnan(arrays.status_quo).any(0)
    if missing.any():
        raise ModelError(
            f"issue '{arrays.issue_ids[int(np.flatnonzero(missing)[0])]}' has no status quo: "
            "package deals are trades away from the status quo, so every issue needs one"
        )
    cand = _candidates(rank, veto, sq)
    moved = ~np.isclose(cand, sq[None, :])
    n_moved = moved.sum(-1)
    cand, moved = cand[n_moved <= max_moves], moved[n_moved <= max_moves]
    u_rank = utility(rank, cand, form=form)[0][:, veto]  # [K, V]
    gain_rank = u_rank - utility(rank, sq, form=form)[0, 0, veto]
    # Veto player i gives on issue j when the move takes the issue further from its position.
    pos_rank = np.nan_to_num(rank.positions[0, veto])  # [V, D]
    w_rank = weights(rank)[0, veto]
    further = np.abs(cand[:, None, :] - pos_rank) > np.abs(sq - pos_rank)[None] + 1e-9
    gives = (further & (w_rank > 0)[None] & moved[:, None, :]).any(-1)  # [K, V]
    trade = (moved.sum(-1) >= 2) & (gives.sum(-1) >= 2) & (gain_rank > MIN_GAIN).all(-1)
    if rank.deal is not None:
        # A trade past a veto player's red line is refused whatever its utility (deal spec §2.2).
        low = rank.deal.red_min[0, veto].max(0)
        high = rank.deal.red_max[0, veto].min(0)
        trade &= ((cand >= low - 1e-9) & (cand <= high + 1e-9)).all(-1)
    idx = np.flatnonzero(trade)
    if idx.size == 0:
        return []
    joint = gain_rank[idx].sum(-1)
    # Rank by joint gain; among equal gains prefer the trade that moves fewer issues. Keep only
    # the best trade per set of moved issues, so the list shows different trades rather than
    # one trade with slightly different numbers.
    ranked = idx[np.lexsort((moved[idx].sum(-1), -joint))]
    _, first = np.unique(moved[ranked], axis=0, return_index=True)
    order = ranked[np.sort(first)][:top]
    wa = walk_away_utility(arrays, form=form) if walk_away is None else walk_away
    u_all = utility(arrays, cand[order], form=form)[:, :, veto]  # [B, top, V]
    u_sq = utility(arrays, arrays.status_quo[:, None, :], form=form)[:, :, veto]  # [B, 1, V]
    preferred: NDArray[np.bool_] = np.asarray((u_all - u_sq > MIN_GAIN).all(-1))  # [B, top]
    acceptable = preferred & np.asarray((u_all >= wa[:, None, veto] - 1e-12).all(-1))
    w = weights(rank)[0, veto]  # [V, D]
    pos = np.nan_to_num(rank.positions[0, veto])
    names = tuple(arrays.actor_ids[i] for i in veto)
    on_scale = arrays.to_issue_scale(cand[order])
    sq_scale = arrays.to_issue_scale(sq)
    trades = []
    for r, k in enumerate(order):
        moves = []
        for j in np.flatnonzero(moved[k]):
            before = np.abs(sq[j] - pos[:, j]) * w[:, j]
            after = np.abs(cand[k, j] - pos[:, j]) * w[:, j]
            moves.append(
                Move(
                    issue=arrays.issue_ids[j],
                    from_value=float(np.round(sq_scale[j], 6)),
                    to_value=float(np.round(on_scale[r, j], 6)),
                    gives=tuple(n for n, b, a in zip(names, before, after, strict=True) if a > b),
                    gains=tuple(n for n, b, a in zip(names, before, after, strict=True) if a < b),
                )
            )
        trades.append(
            Trade(
                package=tuple(float(x) for x in np.round(on_scale[r], 6)),
                moves=tuple(moves),
                gains={n: float(g) for n, g in zip(names, gain_rank[k], strict=True)},
                joint_gain=float(gain_rank[k].sum()),
                p_preferred=float(preferred[:, r].mean()),
                p_acceptable=float(acceptable[:, r].mean()),
            )
        )
    return trades
