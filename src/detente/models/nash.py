"""The Nash bargaining model ``nash``: the status quo as disagreement point (``baselines.md`` §4).

Players (default: every actor with capability > 0 and a positive salience on some issue) bargain
over all issues jointly (a package: linear losses let them trade one issue against another) or
issue by issue. The forecast is the capability-weighted Nash bargaining point; where no point
gives every player a gain over the status quo the forecast is the status quo itself and
``extras["degenerate"]`` says so per draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError
from ..scenario._arrays import ScenarioArrays
from ._contract import Forecast, ModelSpec, make_forecast, param
from ._nash_barrier import Engine
from ._nash_solver import nash_point

__all__ = ["NASH", "NashParams", "nash"]

Float = NDArray[np.float64]


@dataclass(frozen=True)
class NashParams:
    package: Literal["joint", "per_issue"] = param(
        "joint",
        "'joint' bargains over all issues at once (trades across issues possible); "
        "'per_issue' solves each issue on its own",
    )
    players: Literal["all", "veto"] = param(
        "all",
        "who must agree: 'all' actors with capability > 0 and a positive salience, or only "
        "the 'veto' players",
    )
    engine: Engine = param(
        "kernel",
        "how several issues are solved: 'kernel' (compiled with numba on the sparse constraint "
        "rows, parallel over draws; the default) or 'numpy' (the dense batched reference the "
        "kernel is tested against); they agree to the solver's accuracy (about 1e-7)",
    )


def _players(arrays: ScenarioArrays, params: NashParams) -> NDArray[np.bool_]:
    """``bool[B, N]``: actors that bargain (a stake on some issue, capability > 0)."""
    stake = ((arrays.salience > 0) & (arrays.capability > 0)).any(axis=2)
    if params.players == "veto":
        if not arrays.veto.any():
            raise ModelError(
                "model 'nash': players='veto' but the scenario marks no actor as a veto player"
            )
        stake = stake & arrays.veto[None, :]
    players: NDArray[np.bool_] = np.asarray(stake, dtype=bool)
    return players


def nash(arrays: ScenarioArrays, params: NashParams) -> Forecast:
    """Capability-weighted Nash bargaining point with the status quo as disagreement point.

    Utilities are salience-weighted linear losses; an actor's bargaining weight is its mean
    capability over the issues it takes part in. ``extras``: ``degenerate`` ``bool[B]`` (for
    ``per_issue``: ``bool[B, D]``), ``gains`` ``float[B, N]`` (NaN for non-players).

    >>> from detente.scenario import ScenarioArrays
    >>> a = ScenarioArrays.build([40, 60, 100], status_quo=[0])
    >>> round(nash(a, NashParams()).outcomes["i0"], 6)
    53.333333
    """
    missing = np.flatnonzero(np.isnan(arrays.status_quo).any(axis=0))
    if missing.size:
        issues = ", ".join(f"'{arrays.issue_ids[j]}'" for j in missing)
        which = f"issue {issues} has" if missing.size == 1 else f"issues {issues} have"
        raise ModelError(
            f"model 'nash': {which} no status quo; the Nash bargaining solution needs a "
            "disagreement point: give each issue a 'status_quo' value"
        )
    players = _players(arrays, params)
    salience = np.where(players[:, :, None], arrays.salience, 0.0)
    with np.errstate(invalid="ignore"):
        present = arrays.capability > 0
        cap = np.where(
            present.any(axis=2),
            arrays.capability.sum(axis=2) / np.maximum(present.sum(axis=2), 1),
            0.0,
        )
    q = arrays.status_quo
    x = arrays.positions
    if params.package == "joint":
        outcome, degenerate, gains = _solve(x, salience, cap, q, params.engine)
    else:
        parts = [
            _solve(x[..., j : j + 1], salience[..., j : j + 1], cap, q[:, j : j + 1], params.engine)
            for j in range(arrays.n_issues)
        ]
        outcome = np.concatenate([o for o, _, _ in parts], axis=1)
        degenerate = np.stack([g for _, g, _ in parts], axis=1)
        gains = np.sum([np.nan_to_num(g) for _, _, g in parts], axis=0)
    gains = np.where(players, gains, np.nan)
    return make_forecast(
        arrays, "nash", params, outcome, extras={"degenerate": degenerate, "gains": gains}
    )


def _solve(
    x: Float, s: Float, cap: Float, q: Float, engine: Engine
) -> tuple[Float, NDArray[np.bool_], Float]:
    """Solve for the players with a stake on these issues; others get gain 0."""
    stake = (s > 0).any(axis=2) & (cap > 0)
    # Non-players get zero salience and zero weight: their gain is identically 0, and a zero
    # weight keeps them out of Σ c log g (they would otherwise force the degenerate case).
    s = np.where(stake[:, :, None], s, 0.0)
    c = np.where(stake, cap, 0.0)
    u0 = -(s * np.abs(q[:, None, :] - np.nan_to_num(x))).sum(axis=-1)
    xs = np.where(s > 0, x, np.nan)
    with np.errstate(invalid="ignore"):
        lower = np.fmin(q, np.nanmin(np.where(s > 0, x, np.inf), axis=1))
        upper = np.fmax(q, np.nanmax(np.where(s > 0, x, -np.inf), axis=1))
    none = np.asarray(~stake.any(axis=1), dtype=bool)
    result = nash_point(xs, s, c, u0, q, lower, upper, engine=engine)
    point = np.where(none[:, None], q, result.point)
    return point, result.degenerate | none, result.gains


NASH = ModelSpec(
    "nash",
    nash,
    NashParams,
    "Nash bargaining point (capability-weighted) with the status quo as disagreement point",
    couples_issues=True,
)
