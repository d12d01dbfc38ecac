"""The bookkeeping of one exchange round, and its named steps (``exchange.md`` §4.3–4.6).

:class:`RoundState` holds every draw's candidates as ``[B, C]`` arrays and the votes realized so
far; :func:`~._round.run_round` drives it: evaluate every candidate, then step by step select,
realize, propagate to the affected candidates and evaluate them again.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._candidates import Candidates
from ._common import Reference
from ._gain import History, Result, evaluate, take
from ._keys import RoundKey
from ._params import ExchangeParams

__all__ = ["LOGGED", "RoundState"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]
Bool = NDArray[np.bool_]

# What the round logs of each realized exchange, named as in the events table (the model adds
# draw, round and order; docs/models/exchange.md lists them).
LOGGED = (
    "actor_i",
    "actor_j",
    "issue_supplied_i",
    "issue_supplied_j",
    "from_i",
    "to_i",
    "from_j",
    "to_j",
    "gain",
    "gain_i",
    "gain_j",
    "overshoot_cut",
    "tied",
    "rex_infeasible",
)


def _per_draw(b: int, draws: Int, values: NDArray[Any]) -> NDArray[Any]:
    """``values`` of the realizing ``draws`` as a ``[B, 1]`` column (0 for other draws)."""
    out = np.zeros(b, dtype=values.dtype)
    out[draws] = values
    return out[:, None]


# Per-candidate ``[B, C]`` arrays of the round state (see :meth:`RoundState.compact`).
_PER_CANDIDATE = (
    "start_i",
    "start_j",
    "move_i",
    "move_j",
    "vote_i",
    "vote_j",
    "gain",
    "gain_i",
    "gain_j",
    "cut",
    "infeasible",
    "valid",
    "origin",
)


class RoundState:
    """The mutable bookkeeping of one round (local to :func:`~._round.run_round`).

    ``x0`` ``float[B, N, D]`` are the round-start positions (0 where absent), ``votes`` the
    voting positions realized so far, ``weight`` capability × salience.
    """

    def __init__(
        self,
        c: Candidates,
        x0: Float,
        weight: Float,
        params: ExchangeParams,
        key: RoundKey,
    ) -> None:
        self.x0 = x0
        self.votes = x0.copy()
        self.weight = weight
        self.params = params
        self.key = key
        b, cc = c.shape
        n, d = x0.shape[1], x0.shape[2]
        self.c = c
        self.start_i = c.start_i.copy()
        self.start_j = c.start_j.copy()
        zeros_f = np.zeros((b, cc))
        zeros_i = np.zeros((b, cc), dtype=np.int64)
        # decide history: signed sum and counts of the entries before the newest.
        self.hist: dict[str, list[NDArray[Any]]] = {
            side: [zeros_f.copy(), zeros_i.copy(), zeros_i.copy(), zeros_i.copy()]
            for side in ("i", "j")
        }
        # decide overshoot reference: per candidate, recorded voting positions on p and q.
        self.recorded = np.full((b, cc, 2, n), np.nan) if params.bookkeeping == "decide" else None
        self.realized_sign = np.zeros((b, n, d), dtype=np.int64)
        self.move_i = zeros_f.copy()
        self.move_j = zeros_f.copy()
        self.vote_i = zeros_f.copy()
        self.vote_j = zeros_f.copy()
        self.gain = zeros_f.copy()
        self.gain_i = zeros_f.copy()
        self.gain_j = zeros_f.copy()
        self.cut = np.zeros((b, cc), dtype=bool)
        self.infeasible = np.zeros((b, cc), dtype=bool)
        self.valid = np.zeros((b, cc), dtype=bool)
        # Each column's generation index, kept through compaction: it keys the REX uniforms.
        self.origin = np.broadcast_to(np.arange(cc, dtype=np.int64), (b, cc)).copy()

    def compact(self, alive: Bool) -> Bool:
        """Drop dead candidates from every ``[B, C]`` array, keeping generation order.

        Selection only ever looks at live candidates, so removing the others changes no result;
        it keeps the per-step work proportional to the candidates still in play.
        """
        width = int(alive.sum(axis=1).max())
        order = np.argsort(~alive, axis=1, kind="stable")[:, :width]

        def cut(a: NDArray[Any]) -> NDArray[Any]:
            index = order.reshape(order.shape + (1,) * (a.ndim - 2))
            return np.take_along_axis(a, index, axis=1)

        self.c = Candidates(**{k: cut(getattr(self.c, k)) for k in self.c.__dataclass_fields__})
        for name in _PER_CANDIDATE:
            setattr(self, name, cut(getattr(self, name)))
        for side in self.hist:
            self.hist[side] = [cut(h) for h in self.hist[side]]
        if self.recorded is not None:
            self.recorded = cut(self.recorded)
        return cut(alive)

    def store(self, draw: Int, index: Int, r: Result) -> None:
        for name in ("move_i", "move_j", "vote_i", "vote_j", "gain", "gain_i", "gain_j"):
            getattr(self, name)[draw, index] = getattr(r, name)
        self.cut[draw, index] = r.cut
        self.infeasible[draw, index] = r.infeasible
        self.valid[draw, index] = r.valid

    def references(self, draw: Int, index: Int, sub: Candidates) -> tuple[Reference, Reference]:
        """Overshoot references of sides I (issue q) and J (issue p) for gathered candidates."""
        refs = []
        for slot, issue, actor in ((1, sub.q, sub.actor_i), (0, sub.p, sub.actor_j)):
            if self.recorded is None:
                # clean: every voting position realized so far this round.
                ref = self.votes[draw, :, issue]
            else:
                # decide: round-start positions overridden by this candidate's recorded votes.
                rec = self.recorded[draw, index, slot]
                ref = np.where(np.isnan(rec), self.x0[draw, :, issue], rec)
            refs.append(Reference(ref, self.weight[draw, :, issue], actor))
        return refs[0], refs[1]

    def history(self, draw: Int, index: Int, side: str, sub: Candidates) -> History:
        """Side ``side``'s move history for gathered candidates (decide bookkeeping)."""
        total, count, pos, neg = self.hist[side]
        actor, issue = (sub.actor_i, sub.q) if side == "i" else (sub.actor_j, sub.p)
        return History(
            total[draw, index],
            count[draw, index],
            pos[draw, index],
            neg[draw, index],
            self.realized_sign[draw, actor, issue],
        )

    def evaluate(self, draw: Int, index: Int, step: int) -> None:
        """(Re)compute the candidates at (``draw``, ``index``) at selection step ``step``.

        REX uniforms are those of step 0 under ``rex_redraw="once"`` (a candidate keeps its
        draw), of this step under ``"on_recompute"``.
        """
        params = self.params
        sub = take(self.c, draw, index)
        ref_i, ref_j = self.references(draw, index, sub)
        u = None
        if params.rex_p > 0:
            redraw = params.rex_redraw == "on_recompute"
            u = self.key.rex(draw, step if redraw else 0, self.origin[draw, index])
        r = evaluate(
            sub,
            self.start_i[draw, index],
            self.start_j[draw, index],
            ref_i,
            ref_j,
            self.history(draw, index, "i", sub),
            self.history(draw, index, "j", sub),
            params,
            u,
        )
        self.store(draw, index, r)

    def realize(self, rd: Int, rk: Int, tied: Bool) -> dict[str, NDArray[Any]]:
        """Draws ``rd`` make their candidates ``rk``: record the votes, return the log rows.

        A later realization on the same actor–issue overrides an earlier one (votes are
        cumulative within the round); ``tied`` ``bool[k]`` says whether each choice was tied.
        """
        c = self.c
        r_ai, r_aj = c.actor_i[rd, rk], c.actor_j[rd, rk]
        r_p, r_q = c.p[rd, rk], c.q[rd, rk]
        r_yi, r_yj = self.vote_i[rd, rk], self.vote_j[rd, rk]
        row = {
            "actor_i": r_ai,
            "actor_j": r_aj,
            "issue_supplied_i": r_q,
            "issue_supplied_j": r_p,
            "from_i": self.start_i[rd, rk],
            "to_i": r_yi,
            "from_j": self.start_j[rd, rk],
            "to_j": r_yj,
            "gain": self.gain[rd, rk],
            "gain_i": self.gain_i[rd, rk],
            "gain_j": self.gain_j[rd, rk],
            "overshoot_cut": self.cut[rd, rk],
            "tied": tied,
            "rex_infeasible": self.infeasible[rd, rk],
        }
        self.votes[rd, r_ai, r_q] = r_yi
        self.votes[rd, r_aj, r_p] = r_yj
        self.realized_sign[rd, r_ai, r_q] = np.sign(self.move_i[rd, rk]).astype(np.int64)
        self.realized_sign[rd, r_aj, r_p] = np.sign(self.move_j[rd, rk]).astype(np.int64)
        return {name: np.asarray(row[name]) for name in LOGGED}

    def propagate(self, rd: Int, rk: Int, live: Bool, x0: Float) -> Bool:
        """Update the live candidates after draws ``rd`` realized candidates ``rk`` (§4.6 step 3).

        Supply hits move a side's supply position to the realized vote; under ``decide``
        bookkeeping demand hits record the partner's vote for later overshoot checks and the
        move histories are rolled forward. Returns the candidates to recompute ``bool[B, C]``.
        """
        # Broadcast each draw's realized exchange over that draw's candidates.
        c, b = self.c, self.c.shape[0]
        ai_, aj_, p_, q_ = (_per_draw(b, rd, v[rd, rk]) for v in (c.actor_i, c.actor_j, c.p, c.q))
        yi_, yj_ = _per_draw(b, rd, self.vote_i[rd, rk]), _per_draw(b, rd, self.vote_j[rd, rk])
        # Supply hits: a side of E with R's actor and supply issue continues from R's vote.
        hit_i_by_i = live & (c.actor_i == ai_) & (c.q == q_)
        hit_i_by_j = live & (c.actor_i == aj_) & (c.q == p_)
        hit_j_by_i = live & (c.actor_j == ai_) & (c.p == q_)
        hit_j_by_j = live & (c.actor_j == aj_) & (c.p == p_)
        hit_i = hit_i_by_i | hit_i_by_j
        hit_j = hit_j_by_i | hit_j_by_j
        self.start_i = np.where(hit_i_by_i, yi_, np.where(hit_i_by_j, yj_, self.start_i))
        self.start_j = np.where(hit_j_by_i, yi_, np.where(hit_j_by_j, yj_, self.start_j))
        if self.recorded is not None:
            # Demand hits: E has a side with the actor and demand issue of a side Z of R; record
            # Z's partner's vote for E's overshoot checks (closer to its start wins).
            demand = np.zeros_like(live)
            for z_actor, z_demand, partner, partner_vote in (
                (ai_, p_, aj_, yj_),
                (aj_, q_, ai_, yi_),
            ):
                hit = live & (
                    ((c.actor_i == z_actor) & (c.p == z_demand))
                    | ((c.actor_j == z_actor) & (c.q == z_demand))
                )
                demand |= hit
                hd, hk = np.nonzero(hit)
                if not hd.size:
                    continue
                issue = z_demand[hd, 0]
                slot = np.where(c.p[hd, hk] == issue, 0, 1)
                who = partner[hd, 0]
                new = partner_vote[hd, 0]
                old = self.recorded[hd, hk, slot, who]
                start = x0[hd, who, issue]
                better = np.isnan(old) | (np.abs(new - start) < np.abs(old - start))
                self.recorded[hd, hk, slot, who] = np.where(better, new, old)
            recompute: Bool = hit_i | hit_j | demand
        else:
            recompute = live & ((c.p == p_) | (c.p == q_) | (c.q == p_) | (c.q == q_))
        # decide history: a supply-hit side keeps its entries, the other side's newest goes;
        # the recomputation then appends the new move as the newest entry.
        for side, hit, move in (("i", hit_i, self.move_i), ("j", hit_j, self.move_j)):
            keep = recompute & hit
            h = self.hist[side]
            h[0] = np.where(keep, h[0] + move, h[0])
            h[1] = h[1] + keep
            h[2] = h[2] + (keep & (move > 0))
            h[3] = h[3] + (keep & (move < 0))
        return recompute
