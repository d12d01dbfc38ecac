"""One forecast from the forecasts of consecutive chunks of a run's draws.

Chunks of a dynamic model may run different numbers of rounds (each stops when its own draws
have stopped). A batch pads a draw that stopped early by repeating its last state, so the merge
pads each chunk's per-round arrays the same way: the merged forecast is the one the whole batch
would give.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..models import Forecast, Rounds

__all__ = ["merge_forecasts"]


def _pad(a: NDArray[Any], length: int) -> NDArray[Any]:
    """``a[B, R, ...]`` to ``length`` rounds, repeating its last round."""
    extra = length - a.shape[1]
    return np.concatenate([a, np.repeat(a[:, -1:], extra, axis=1)], axis=1) if extra else a


def _stack(parts: Sequence[NDArray[Any]]) -> NDArray[Any]:
    """Per-draw arrays of the chunks along the draw axis, round axes padded to the longest."""
    if all(p.shape[1:] == parts[0].shape[1:] for p in parts):
        return np.concatenate(parts)
    longest = max(p.shape[1] for p in parts)
    return np.concatenate([_pad(p, longest) for p in parts])


def _rounds(parts: Sequence[Rounds]) -> Rounds:
    longest = max(parts, key=lambda r: r.n_rounds)
    positions = [r.positions for r in parts]
    return Rounds(
        mean=_stack([r.mean for r in parts]),
        median=_stack([r.median for r in parts]),
        outcome=_stack([r.outcome for r in parts]),
        positions=None if any(p is None for p in positions) else _stack(positions),  # type: ignore[arg-type]
        stable_round=np.concatenate([r.stable_round for r in parts]),
        stop_rule=longest.stop_rule,
    )


def _events(parts: Sequence[Forecast], starts: Sequence[int]) -> dict[str, NDArray[Any]] | None:
    """The chunks' event tables, their chunk-relative ``draw`` numbers made run-relative."""
    tables = [p.events for p in parts]
    if any(t is None for t in tables):
        return None
    columns = list(tables[0] or {})
    return {
        c: np.concatenate(
            [
                np.asarray(t[c]) + start if c == "draw" else np.asarray(t[c])
                for t, start in zip(tables, starts, strict=True)
                if t is not None
            ]
        )
        for c in columns
    }


def _extras(parts: Sequence[Forecast]) -> dict[str, Any]:
    """Per-draw arrays (leading axis = the chunk's draws) are joined; anything else is a
    run-wide value (conventions, constants) that every chunk shares: the first chunk's."""
    out: dict[str, Any] = {}
    for key, first in parts[0].extras.items():
        values = [p.extras[key] for p in parts]
        per_draw = all(
            isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == p.draws
            for v, p in zip(values, parts, strict=True)
        )
        out[key] = _stack(values) if per_draw else first
    return out


def merge_forecasts(parts: Sequence[Forecast], starts: Sequence[int]) -> Forecast:
    """The forecast of the whole run from its chunks (in draw order, chunk ``k`` starting at
    draw ``starts[k]``).

    >>> from detente import load_scenario, models
    >>> a = load_scenario("emission-standards-1994").to_arrays(draws=4)
    >>> spec = models.get("eum")
    >>> whole = spec(a)
    >>> merged = merge_forecasts([spec(a.take(slice(0, 3))), spec(a.take(slice(3, 4)))], [0, 3])
    >>> bool((merged.outcome == whole.outcome).all())
    True
    """
    if len(parts) == 1:
        return parts[0]
    rounds = [p.rounds for p in parts]
    return dataclasses.replace(
        parts[0],
        outcome=np.concatenate([p.outcome for p in parts]),
        rounds=None if any(r is None for r in rounds) else _rounds(rounds),  # type: ignore[arg-type]
        events=_events(parts, starts),
        extras=_extras(parts),
    )
