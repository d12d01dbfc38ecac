"""One round of the exchange model: candidates, sequential realization, end-of-round reset.

All draws advance together: each step every draw selects its best remaining candidate
(``exchange.md`` §4.6), realizes it if valid, and the affected candidates are recomputed as one
gathered batch. The loop is over selection steps, never over draws or candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._random import uniforms
from ._candidates import Candidates, generate
from ._common import Reference
from ._gain import History, Result, evaluate, take
from ._params import ExchangeParams

# Stream numbers of the model's random numbers (part of their key, see models/_random.py).
STREAM_REX, STREAM_TIE = 1, 2

__all__ = ["RoundResult", "run_round"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]
Bool = NDArray[np.bool_]

# Columns of the per-round record of realized exchanges (before actor/issue ids are mapped).
EVENT_COLUMNS = (
    "draw",
    "step",
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
    "cut",
    "tied",
    "infeasible",
)


@dataclass(frozen=True)
class RoundKey:
    """What keys a round's random numbers: the seeds, each row's absolute draw index and the round.

    A candidate's REX uniforms are those of (draw, round, step, generation index) and a tie
    break's those of (draw, round, step), so they never depend on the other draws of the batch.
    """

    seeds: tuple[int, int]
    draw_index: Int
    round: int

    def rex(self, draw: Int, step: int, origin: Int) -> Float:
        """``float[k, 3]`` uniforms u, v, z of the candidates ``origin`` of rows ``draw``."""
        return uniforms(
            *self.seeds, STREAM_REX, self.draw_index[draw], self.round, step, origin, shape=(3,)
        )

    def tie(self, step: int) -> Float:
        """``float[B]``: one uniform per row for the tie break of selection step ``step``."""
        return uniforms(*self.seeds, STREAM_TIE, self.draw_index, self.round, step)


@dataclass(frozen=True)
class RoundResult:
    """What one round produced for every draw.

    ``votes`` ``float[B, N, D]`` are the end-of-round voting positions, ``preferences`` the reset
    positions for the next round; ``events`` the realized exchanges (column → 1-D array, in
    realization order per draw); counts are ``int[B]``; ``initial_gains`` ``float[B, C]`` the
    candidates' gains as generated (NaN for padding), in generation order.
    """

    votes: Float
    preferences: Float
    events: dict[str, NDArray[np.generic]]
    candidates: Int
    realized: Int
    ties: Int
    initial_gains: Float


def _pick(tied: Bool, u: Float | None) -> Int:
    """Index of the chosen candidate among the tied ones: the first, or the one a uniform picks."""
    if u is not None:
        k = tied.sum(axis=1)
        nth = np.floor(u * k).astype(np.int64)
        tied = tied & (np.cumsum(tied, axis=1) == (nth + 1)[:, None])
    first: Int = np.argmax(tied, axis=1).astype(np.int64)
    return first


def _per_draw(b: int, draws: Int, values: NDArray[Any]) -> NDArray[Any]:
    """``values`` of the realizing ``draws`` as a ``[B, 1]`` column (0 for other draws)."""
    out = np.zeros(b, dtype=values.dtype)
    out[draws] = values
    return out[:, None]


# Per-candidate ``[B, C]`` arrays of the round state (see :meth:`_State.compact`).
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


class _State:
    """The mutable bookkeeping of one round (local to :func:`run_round`)."""

    def __init__(
        self,
        c: Candidates,
        positions: Float,
        params: ExchangeParams,
    ) -> None:
        b, cc = c.shape
        n, d = positions.shape[1], positions.shape[2]
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


def run_round(
    positions: Float,
    salience: Float,
    weight: Float,
    mask: NDArray[np.bool_],
    params: ExchangeParams,
    key: RoundKey,
) -> RoundResult:
    """Run one round from round-start (preference) positions ``float[B, N, D]`` (0–100).

    ``weight`` is capability × salience ``[B, N, D]`` (0 where absent). Returns the voting
    positions, the reset positions and the realized exchanges (``exchange.md`` §4).
    """
    b = positions.shape[0]
    x0 = np.where(mask[None], positions, 0.0)
    total = weight.sum(axis=1)
    c = generate(positions, salience, weight, total, mask)
    rex = params.rex_p > 0
    # 'once': a candidate keeps the uniforms of step 0; 'on_recompute': each step draws anew.
    redraw = params.rex_redraw == "on_recompute"
    st = _State(c, x0, params)
    votes = x0.copy()

    def reference(draw: Int, index: Int, sub: Candidates) -> tuple[Reference, Reference]:
        """Overshoot references of sides I (issue q) and J (issue p) for gathered candidates."""
        refs = []
        for slot, issue, actor in ((1, sub.q, sub.actor_i), (0, sub.p, sub.actor_j)):
            if st.recorded is None:
                # clean: every voting position realized so far this round.
                ref = votes[draw, :, issue]
            else:
                # decide: round-start positions overridden by this candidate's recorded votes.
                rec = st.recorded[draw, index, slot]
                ref = np.where(np.isnan(rec), x0[draw, :, issue], rec)
            refs.append(Reference(ref, weight[draw, :, issue], actor))
        return refs[0], refs[1]

    def history(draw: Int, index: Int, side: str, sub: Candidates) -> History:
        total_, count, pos, neg = st.hist[side]
        actor, issue = (sub.actor_i, sub.q) if side == "i" else (sub.actor_j, sub.p)
        return History(
            total_[draw, index],
            count[draw, index],
            pos[draw, index],
            neg[draw, index],
            st.realized_sign[draw, actor, issue],
        )

    def compute(draw: Int, index: Int, step: int) -> None:
        sub = take(st.c, draw, index)
        ref_i, ref_j = reference(draw, index, sub)
        u = key.rex(draw, step if redraw else 0, st.origin[draw, index]) if rex else None
        r = evaluate(
            sub,
            st.start_i[draw, index],
            st.start_j[draw, index],
            ref_i,
            ref_j,
            history(draw, index, "i", sub),
            history(draw, index, "j", sub),
            params,
            u,
        )
        st.store(draw, index, r)

    all_draws, all_index = np.nonzero(c.present)
    compute(all_draws, all_index, 0)
    initial_gains = np.where(c.present, st.gain, np.nan)
    candidates = c.present.sum(axis=1).astype(np.int64)
    alive = c.present.copy()
    rows = np.arange(b)
    ties = np.zeros(b, dtype=np.int64)
    realized = np.zeros(b, dtype=np.int64)
    random_ties = params.tie_break == "seeded_random"
    log: dict[str, list[NDArray[np.generic]]] = {k: [] for k in EVENT_COLUMNS}
    step = 0
    while alive.any():
        if 2 * int(alive.sum(axis=1).max()) < alive.shape[1]:
            alive = st.compact(alive)
        active = alive.any(axis=1)
        best = np.where(alive, st.gain, -np.inf).max(axis=1)
        tied = alive & (st.gain >= best[:, None] - params.tie_tolerance)
        n_tied = tied.sum(axis=1)
        ties += active & (n_tied >= 2)
        pick = _pick(tied, key.tie(step) if random_ties else None)
        alive[rows[active], pick[active]] = False
        real = active & st.valid[rows, pick]
        step += 1
        if not real.any():
            continue
        rd = rows[real]
        rk = pick[real]
        realized += real
        c = st.c
        r_ai, r_aj = c.actor_i[rd, rk], c.actor_j[rd, rk]
        r_p, r_q = c.p[rd, rk], c.q[rd, rk]
        r_yi, r_yj = st.vote_i[rd, rk], st.vote_j[rd, rk]
        for name, value in (
            ("draw", rd),
            ("step", np.full(rd.size, step)),
            ("actor_i", r_ai),
            ("actor_j", r_aj),
            ("issue_supplied_i", r_q),
            ("issue_supplied_j", r_p),
            ("from_i", st.start_i[rd, rk]),
            ("to_i", r_yi),
            ("from_j", st.start_j[rd, rk]),
            ("to_j", r_yj),
            ("gain", st.gain[rd, rk]),
            ("gain_i", st.gain_i[rd, rk]),
            ("gain_j", st.gain_j[rd, rk]),
            ("cut", st.cut[rd, rk]),
            ("tied", n_tied[rd] >= 2),
            ("infeasible", st.infeasible[rd, rk]),
        ):
            log[name].append(np.asarray(value))
        # Realized votes: cumulative, a later realization on the same actor–issue overrides.
        votes[rd, r_ai, r_q] = r_yi
        votes[rd, r_aj, r_p] = r_yj
        st.realized_sign[rd, r_ai, r_q] = np.sign(st.move_i[rd, rk]).astype(np.int64)
        st.realized_sign[rd, r_aj, r_p] = np.sign(st.move_j[rd, rk]).astype(np.int64)
        # Invalid candidates leave the list now and never return (§4.6 step 3).
        alive &= st.valid

        live = alive & real[:, None]
        recompute = st.propagate(rd, rk, live, x0)
        rd2, rk2 = np.nonzero(recompute)
        if rd2.size:
            compute(rd2, rk2, step)
            alive[rd2, rk2] = st.valid[rd2, rk2]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = params.fixed_weight + params.salience_weight * (1.0 - salience)
    preferences = np.where(mask[None], x0 + share * (votes - x0), np.nan)
    events = {
        k: (np.concatenate(v) if v else np.zeros(0, dtype=np.float64)) for k, v in log.items()
    }
    return RoundResult(
        votes=np.where(mask[None], votes, np.nan),
        preferences=preferences,
        events=events,
        candidates=candidates,
        realized=realized,
        ties=ties,
        initial_gains=initial_gains,
    )
