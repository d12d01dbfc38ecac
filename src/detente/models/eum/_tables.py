"""Markdown tables of an `eum` run (draw 0): positions per round, and who moved and why.

Used for the worked example in ``docs/models/eum.md`` (a test regenerates it from the model).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ...errors import ModelError, NotFoundError
from .._contract import Forecast
from ._params import CONVENTION_SETS, FIXED_CONVENTIONS, EumParams

__all__ = ["conventions_table", "moves_table", "rounds_table"]


def rounds_table(forecast: Forecast, issue: str | None = None) -> str:
    """Per round: the positions of the actors who ever moved, the mean and the median (draw 0).

    >>> from detente import forecast
    >>> print(rounds_table(forecast("emission-standards-1994", "eum", rounds=1)))
    | round | Belgium | Luxembourg | Ireland | mean | median |
    |---:|---:|---:|---:|---:|---:|
    | 0 | 7.000000 | 4.000000 | 7.000000 | 7.389956 | 7.000000 |
    | 1 | 8.415932 | 7.000000 | 4.000000 | 7.461314 | 8.415932 |
    """
    if forecast.rounds is None or forecast.rounds.positions is None:
        raise ModelError("rounds_table needs a dynamic forecast run with keep='full'")
    if issue and issue not in forecast.issue_ids:
        raise NotFoundError.among("issue", issue, forecast.issue_ids, owner="the forecast")
    j = forecast.issue_ids.index(issue) if issue else 0
    positions = forecast.rounds.positions[0, :, :, j]
    moved = np.flatnonzero(np.nanmax(positions, axis=0) > np.nanmin(positions, axis=0))
    names = [forecast.actor_ids[i] for i in moved]
    lines = [
        "| round | " + " | ".join([*names, "mean", "median"]) + " |",
        "|" + "---:|" * (len(names) + 3),
    ]
    for r in range(positions.shape[0]):
        cells = [
            *positions[r, moved],
            forecast.rounds.mean[0, r, j],
            forecast.rounds.median[0, r, j],
        ]
        lines.append(f"| {r} | " + " | ".join(f"{v:.6f}" for v in cells) + " |")
    return "\n".join(lines)


def moves_table(forecast: Forecast, issue: str | None = None) -> str:
    """Every move of draw 0: round, mover, offer, partner, the mover's view (a, b), new position."""
    if not forecast.events:
        raise ModelError("moves_table needs a forecast with an events table")
    ev = forecast.events
    chosen = (ev["draw"] == 0) & (ev["offer"] != "stalemate")
    if issue:
        chosen &= ev["issue"] == issue
    lines = [
        "| round | mover | offer | partner | a | b | new position |",
        "|---:|---|---|---|---:|---:|---:|",
    ]
    for k in np.flatnonzero(chosen):
        who = f"| {ev['round'][k]} | {ev['actor'][k]} | {ev['offer'][k]} | {ev['counterpart'][k]} |"
        numbers = (ev["eu_actor"][k], ev["eu_counterpart"][k], ev["position_to"][k])
        lines.append(who + "".join(f" {v:.6f} |" for v in numbers))
    return "\n".join(lines)


def conventions_table() -> str:
    """The 25 convention fields with their values in both sets and their documentation: the 12
    parameters, then the 13 constants."""
    rep, pap = CONVENTION_SETS["replication"], CONVENTION_SETS["paper"]
    docs = {f.name: str(f.metadata["doc"]) for f in dataclasses.fields(EumParams)}
    lines = [
        "| field | `replication` | `paper` | alternatives / meaning |",
        "|---|---|---|---|",
    ]
    for f in dataclasses.fields(rep):
        doc = docs[f.name].split("; None = from")[0]
        values = f"`{getattr(rep, f.name)!r}` | `{getattr(pap, f.name)!r}`"
        lines.append(f"| `{f.name}` | {values} | {doc} |")
    for name, (value, meaning) in FIXED_CONVENTIONS.items():
        lines.append(f"| `{name}` | `{value!r}` | `{value!r}` | {meaning}; fixed (a constant) |")
    return "\n".join(lines)
