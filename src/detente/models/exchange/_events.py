"""The exchange model's events table, named when it is first read.

A run over many draws realizes millions of exchanges (ukraine-2026, 1,000 draws run to the
100-round cap: 3.85 million), and naming them (actor and issue ids, issue scale, order within a
round) took a quarter of the run; a summary of many draws (``compare``, ``forecast --draws``)
reads none of them and drops the table. :class:`EventTable` keeps the rounds' rows as the
round logged them and builds the named columns on the first read of a column.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._state import LOGGED

__all__ = ["EVENT_COLUMNS", "EventTable", "RoundEvents"]

Float = NDArray[np.float64]

# The events table's columns, in order (documented in docs/models/exchange.md).
EVENT_COLUMNS = ("draw", "round", "order", *LOGGED)

# One round's realized exchanges as the round logged them: the round number and the columns
# ``draw`` (run-relative), ``step`` and :data:`LOGGED` (ids as indices, positions 0–100).
RoundEvents = tuple[int, Mapping[str, NDArray[Any]]]


class EventTable(Mapping[str, NDArray[Any]]):
    """The column table of realized exchanges (:data:`EVENT_COLUMNS`), ordered by draw, round
    and realization, built from the rounds' logs on the first read of a column.

    Its columns are known without building it, so ``len``, iteration and truth tests are free.
    Once built, the table replaces the logs (one attribute, swapped whole: two threads reading
    at once may both build it, from the same logs, but never read half of it).
    """

    def __init__(
        self,
        rounds: list[RoundEvents],
        actor_ids: tuple[str, ...],
        issue_ids: tuple[str, ...],
        scale_min: Float,
        scale_max: Float,
    ) -> None:
        self._source: list[RoundEvents] | dict[str, NDArray[Any]] = rounds
        self._ids = (actor_ids, issue_ids)
        self._scale = (scale_min, scale_max)

    def __getitem__(self, key: str) -> NDArray[Any]:
        source = self._source
        if not isinstance(source, dict):
            source = event_table(source, *self._ids, *self._scale)
            self._source = source
        return source[key]

    def __iter__(self) -> Iterator[str]:
        return iter(EVENT_COLUMNS)

    def __len__(self) -> int:
        return len(EVENT_COLUMNS)

    def __repr__(self) -> str:
        built = "built" if isinstance(self._source, dict) else "not built yet"
        return f"EventTable({', '.join(EVENT_COLUMNS)}; {built})"


def event_table(
    rounds: list[RoundEvents],
    actor_ids: tuple[str, ...],
    issue_ids: tuple[str, ...],
    scale_min: Float,
    scale_max: Float,
) -> dict[str, NDArray[Any]]:
    """One column table of realized exchanges, ordered by draw, round and realization."""
    logs = [{**log, "round": np.full(log["draw"].size, r)} for r, log in rounds] or [{}]
    cols = {k: np.concatenate([log.get(k, np.zeros(0)) for log in logs]) for k in logs[0]}
    if not cols or cols["draw"].size == 0:
        return {k: np.zeros(0) for k in EVENT_COLUMNS}
    order = np.lexsort((cols["step"], cols["round"], cols["draw"]))
    draw = cols["draw"][order].astype(np.int64)
    rnd = cols["round"][order].astype(np.int64)
    # Realization number within each (draw, round), from 1.
    key = draw * (int(rnd.max()) + 1) + rnd
    first = np.r_[True, key[1:] != key[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(key.size), 0))
    actors = np.array(actor_ids, dtype=object)
    issues = np.array(issue_ids, dtype=object)
    sup_i = cols["issue_supplied_i"][order].astype(np.int64)
    sup_j = cols["issue_supplied_j"][order].astype(np.int64)

    def scale(values: NDArray[np.generic], issue: NDArray[np.int64]) -> Float:
        lo, hi = scale_min[issue], scale_max[issue]
        return lo + np.asarray(values, dtype=np.float64)[order] * (hi - lo) / 100.0

    return {
        "draw": draw,
        "round": rnd,
        "order": np.arange(key.size) - start + 1,
        "actor_i": actors[cols["actor_i"][order].astype(np.int64)],
        "actor_j": actors[cols["actor_j"][order].astype(np.int64)],
        "issue_supplied_i": issues[sup_i],
        "issue_supplied_j": issues[sup_j],
        "from_i": scale(cols["from_i"], sup_i),
        "to_i": scale(cols["to_i"], sup_i),
        "from_j": scale(cols["from_j"], sup_j),
        "to_j": scale(cols["to_j"], sup_j),
        "gain": cols["gain"][order].astype(np.float64),
        "gain_i": cols["gain_i"][order].astype(np.float64),
        "gain_j": cols["gain_j"][order].astype(np.float64),
        "overshoot_cut": cols["overshoot_cut"][order].astype(bool),
        "tied": cols["tied"][order].astype(bool),
        "rex_infeasible": cols["rex_infeasible"][order].astype(bool),
    }
