"""The exchange model over rounds: the registry entry ``exchange`` (``exchange.md``)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ...errors import ModelError
from ...scenario._arrays import ScenarioArrays
from .._contract import Forecast, ModelSpec, OnRound, make_forecast
from .._weighted import weighted_mean, weighted_median
from ._events import EventTable, RoundEvents
from ._params import ExchangeParams
from ._round import RoundKey, run_round

__all__ = ["EXCHANGE", "exchange"]

Float = NDArray[np.float64]


def _check(arrays: ScenarioArrays) -> None:
    """The inputs the model needs (§2): two actors and a positive weight on every issue."""
    actors = arrays.mask.sum(axis=0)
    for j in np.flatnonzero(actors < 2):
        raise ModelError(
            f"model 'exchange': issue '{arrays.issue_ids[j]}' has {int(actors[j])} actor(s) with "
            "a position; exchanges need at least two"
        )
    over = np.argwhere((arrays.salience > 1.0).any(axis=0))
    if over.size:
        i, j = over[0]
        raise ModelError(
            f"model 'exchange': salience of '{arrays.actor_ids[i]}' on '{arrays.issue_ids[j]}' "
            f"is {float(arrays.salience[:, i, j].max()):g}; saliences must lie in [0, 1] (the "
            "position reset uses 1 − salience)"
        )
    weight = (arrays.capability * arrays.salience).sum(axis=1)
    bad = np.flatnonzero((weight <= 0).any(axis=0))
    if bad.size:
        raise ModelError(
            f"model 'exchange': issue '{arrays.issue_ids[bad[0]]}' has no actor with positive "
            "capability × salience; its outcome is undefined"
        )


def _scatter(
    last: NDArray[np.int64], rows: NDArray[np.int64], values: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Per-draw counts ``int[B]``: the running ``rows``' values; stopped draws repeat ``last``."""
    out = last.copy()
    out[rows] = values
    return out


def _summaries(positions: Float, weight: Float) -> tuple[Float, Float]:
    """Weighted mean and median per issue, ``[B, D]``, of positions ``[B, N, D]``."""
    x = np.swapaxes(positions, 1, 2)
    w = np.swapaxes(weight, 1, 2)
    return weighted_mean(x, w), weighted_median(x, w)


def exchange(
    arrays: ScenarioArrays, params: ExchangeParams, *, on_round: OnRound | None = None
) -> Forecast:
    """Stokman's equal-gain exchange of voting positions, round by round (``exchange.md``).

    The forecast is the last round's *voting* outcome (capability × salience weighted mean of
    the votes after the round's exchanges). ``rounds`` records the *preference* outcome: row 0
    the input, row k the weighted mean (and median) after round k's position reset. ``events``
    lists the realized exchanges, of every draw when ``keep="full"`` and of the run's draw 0
    only when ``keep="summary"``, named on first read (:class:`._events.EventTable`: a summary
    of many draws never reads them); ``extras`` holds ``voting_outcome`` ``[B, R, D]`` (issue
    scale), ``candidates``, ``realized`` and ``ties`` ``[B, R]``. With ``until_stable`` a draw
    stops after its first round that moves no position more than the tolerance; its per-round
    arrays then repeat its last round (as when runs of different lengths are merged).

    >>> from detente import load_scenario
    >>> f = exchange(load_scenario("decide-sample").to_arrays(), ExchangeParams(rounds=1))
    >>> len(f.events["gain"]), round(f.outcomes["tolheffing-binnenstad"], 6)
    (39, 67.177856)
    """
    _check(arrays)
    weight = arrays.capability * arrays.salience
    x = np.where(arrays.mask[None], arrays.positions, np.nan)
    b, _, d = x.shape
    mean0, median0 = _summaries(x, weight)
    means, medians, kept = [mean0], [median0], [x]
    voting: list[Float] = []
    counts: list[tuple[NDArray[np.int64], ...]] = []
    events: list[RoundEvents] = []
    stable = np.full(b, params.rounds, dtype=np.int64)
    stop_rule = "fixed rounds"
    votes = x
    # Draws still exchanging: under until_stable a draw stops after its first calm round and
    # keeps its state, so no draw's run depends on the other draws of its batch.
    running = np.arange(b)
    # Summary runs log the exchanges of the run's draw 0 only (1,000 ukraine-2026 draws realize
    # 3.85 million), found by its absolute index so that whichever chunk holds it logs them.
    logged = np.flatnonzero(arrays.draw_index == 0)[:1] if params.keep == "summary" else None
    for r in range(1, params.rounds + 1):
        if on_round is not None:
            on_round(r)
        key = RoundKey((arrays.seed, params.seed), arrays.draw_index[running], r)
        result = run_round(
            x[running], arrays.salience[running], weight[running], arrays.mask, params, key
        )
        step = np.nan_to_num(np.abs(result.preferences - x[running])).max(axis=(1, 2))
        x, votes = x.copy(), votes.copy()
        x[running], votes[running] = result.preferences, result.votes
        mean, median = _summaries(x, weight)
        means.append(mean)
        medians.append(median)
        if params.keep == "full":
            kept.append(x)
        # The voting outcome is the weighted mean alone (a median here was computed unread).
        voting.append(weighted_mean(np.swapaxes(votes, 1, 2), np.swapaxes(weight, 1, 2)))
        last = counts[-1] if counts else (np.zeros(b, dtype=np.int64),) * 3
        counts.append(
            tuple(
                _scatter(before, running, now)
                for before, now in zip(
                    last, (result.candidates, result.realized, result.ties), strict=True
                )
            )
        )
        log = {**result.events, "draw": running[result.events["draw"].astype(np.int64)]}
        if logged is not None:
            rows = np.isin(log["draw"], logged)
            log = {k: v[rows] for k, v in log.items()}
        events.append((r, log))
        if params.until_stable is not None:
            calm = step <= params.until_stable
            stable[running[calm]] = r
            running = running[~calm]
            if not running.size:
                stop_rule = f"until stable (tolerance {params.until_stable})"
                break
            if r == params.rounds:
                # Say so when the cap, not stability, ended the run (eum says it too).
                stop_rule = (
                    f"maximum rounds reached ({params.rounds}, tolerance {params.until_stable})"
                )
    outcome = voting[-1] if voting else mean0
    n_done = len(voting)
    stable = np.minimum(stable, n_done)
    extras = {
        "voting_outcome": arrays.to_issue_scale(np.stack(voting, axis=1))
        if voting
        else np.zeros((b, 0, d)),
        "candidates": np.stack([c[0] for c in counts], axis=1) if counts else np.zeros((b, 0)),
        "realized": np.stack([c[1] for c in counts], axis=1) if counts else np.zeros((b, 0)),
        "ties": np.stack([c[2] for c in counts], axis=1) if counts else np.zeros((b, 0)),
    }
    return make_forecast(
        arrays,
        "exchange",
        params,
        outcome,
        rounds_mean=np.stack(means, axis=1),
        rounds_median=np.stack(medians, axis=1),
        # Round 0's votes are the preferences, so its voting outcome is their weighted mean.
        rounds_outcome=np.stack([mean0, *voting], axis=1),
        rounds_positions=np.stack(kept, axis=1) if params.keep == "full" else None,
        stable_round=stable,
        stop_rule=stop_rule,
        events=EventTable(
            events, arrays.actor_ids, arrays.issue_ids, arrays.scale_min, arrays.scale_max
        ),
        extras=extras,
    )


EXCHANGE = ModelSpec(
    "exchange",
    exchange,
    ExchangeParams,
    "Stokman's equal-gain exchange of voting positions over issue pairs, in rounds",
    dynamic=True,
    couples_issues=True,
)
