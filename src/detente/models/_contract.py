"""What every model is: a pure function ``(arrays, params) -> Forecast``, plus its registry entry.

A model takes :class:`~detente.scenario.ScenarioArrays` (internal 0–100 scale, leading draw
axis) and a frozen parameter dataclass, and returns a :class:`Forecast` whose values are back on
each issue's own scale. Static models fill ``outcome`` only; dynamic models also fill the
per-round record and, optionally, an events table.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError, did_you_mean
from ..scenario._arrays import ScenarioArrays

__all__ = [
    "HISTOGRAM_BINS",
    "MAX_ROUNDS",
    "QUANTILES",
    "DynamicParams",
    "Forecast",
    "ModelSpec",
    "OnRound",
    "Rounds",
    "jsonable",
    "make_forecast",
    "param",
]

Float = NDArray[np.float64]
Keep = Literal["summary", "full"]

# A hook a dynamic model calls with the round number before each round, outside its math: a
# progress display can count rounds, and a cancelled run stops by raising from it.
OnRound = Callable[[int], None]

# The quantiles of each issue's outcome a summary of many draws reports, and its histogram bins.
QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
HISTOGRAM_BINS = 20

# The most rounds (or turns) any model runs: the work of a run grows with them, and the published
# models settle within tens of rounds, so a larger number is a mistake or an attack.
MAX_ROUNDS = 1000
# Events of one draw a summary's JSON lists at most (the first ones; ``events_total`` says how
# many there are); ``all_draws`` lists them all.
MAX_EVENTS_JSON = 1000


def param(default: Any, doc: str, **kwargs: Any) -> Any:
    """A documented parameter field: ``rounds: int = param(10, "number of rounds")``.

    ``maximum=`` bounds a number (checked by :func:`check_maximums`, shown in the doc).
    """
    if "maximum" in kwargs:
        doc = f"{doc} (at most {kwargs['maximum']:,})"
    return field(default=default, metadata={"doc": doc, **kwargs})


def check_maximums(model: str, params: Any) -> None:
    """Refuse any field above its declared ``maximum`` (call from ``__post_init__``).

    >>> check_maximums("exchange", DynamicParams(rounds=2_000))
    Traceback (most recent call last):
    ...
    detente.errors.ModelError: model 'exchange': 'rounds' must be at most 1,000; got 2,000
    """
    for f in dataclasses.fields(params):
        limit = f.metadata.get("maximum")
        value = getattr(params, f.name)
        if limit is not None and isinstance(value, int | float) and value > limit:
            raise ModelError(
                f"model '{model}': '{f.name}' must be at most {limit:,}; got {value:,}"
            )


@dataclass(frozen=True)
class DynamicParams:
    """Parameters shared by every model that runs in rounds."""

    rounds: int = param(
        10, "number of rounds to run (a fixed number, as published)", maximum=MAX_ROUNDS
    )
    until_stable: float | None = param(
        None,
        "stop early once no position moves more than this (issue scale 0–100) in a round; "
        "`rounds` is then the maximum",
    )
    keep: Keep = param(
        "full",
        "'full' keeps every actor's position in every round ([B, R+1, N, D]); 'summary' keeps "
        "only per-round means and medians, for large Monte Carlo runs",
    )


@dataclass(frozen=True)
class Rounds:
    """Per-round record of a dynamic model (values on each issue's own scale).

    ``mean`` and ``median`` are ``float[B, R+1, D]`` (round 0 = the starting positions);
    ``outcome`` (same shape) is the model's own outcome statistic per round, whose last round is
    :attr:`Forecast.outcome` (eum's median or mean, exchange's voting outcome, smp's
    probability-weighted mean of the distinct positions), so that whether a run settled is
    judged on the number it reports; ``positions`` is ``float[B, R+1, N, D]`` when kept;
    ``stable_round`` is ``int[B]``, the first round after which nothing moved (R if it kept
    moving); ``stop_rule`` says which rule ended the run.
    """

    mean: Float
    median: Float
    outcome: Float
    positions: Float | None
    stable_round: NDArray[np.int64]
    stop_rule: str

    @property
    def n_rounds(self) -> int:
        return int(self.mean.shape[1]) - 1


@dataclass(frozen=True)
class Forecast:
    """A model's answer for a batch of draws, on each issue's own scale.

    ``outcome`` is ``float[B, D]``. ``events`` is a column table (name → 1-D array, all the same
    length) of what happened in the run (who moved, toward whom, why), with ``draw`` and
    ``round`` columns. ``extras`` holds model-specific arrays (documented by each model).
    """

    model: str
    params: Any
    scenario_id: str
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    outcome: Float
    rounds: Rounds | None = None
    events: Mapping[str, NDArray[Any]] | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)

    @property
    def draws(self) -> int:
        return int(self.outcome.shape[0])

    @property
    def outcomes(self) -> dict[str, float]:
        """Issue id → forecast (the median across draws when there are several)."""
        values = np.median(self.outcome, axis=0)
        return {k: float(v) for k, v in zip(self.issue_ids, values, strict=True)}

    def params_dict(self) -> dict[str, Any]:
        if dataclasses.is_dataclass(self.params) and not isinstance(self.params, type):
            return dataclasses.asdict(self.params)
        return {}

    def to_frame(self) -> Any:
        """Tidy table: one row per draw and issue, with the outcome."""
        import pandas as pd

        b, d = self.outcome.shape
        return pd.DataFrame(
            {
                "draw": np.repeat(np.arange(b), d),
                "issue": np.tile(np.array(self.issue_ids, dtype=object), b),
                "outcome": self.outcome.reshape(-1),
            }
        )

    def rounds_frame(self) -> Any:
        """Tidy per-round table (draw, round, issue, mean, median); empty for static models."""
        import pandas as pd

        if self.rounds is None:
            return pd.DataFrame(columns=["draw", "round", "issue", "mean", "median"])
        b, r1, d = self.rounds.mean.shape
        return pd.DataFrame(
            {
                "draw": np.repeat(np.arange(b), r1 * d),
                "round": np.tile(np.repeat(np.arange(r1), d), b),
                "issue": np.tile(np.array(self.issue_ids, dtype=object), b * r1),
                "mean": self.rounds.mean.reshape(-1),
                "median": self.rounds.median.reshape(-1),
            }
        )

    def events_frame(self) -> Any:
        """The events table as a DataFrame (empty when the model records none)."""
        import pandas as pd

        return pd.DataFrame(dict(self.events) if self.events else {})

    def summary(self) -> str:
        """A few readable lines: the model and each issue's forecast."""
        lines = [f"{self.model} forecast for {self.scenario_id or 'scenario'} ({self.draws} draw"]
        lines[0] += "s)" if self.draws != 1 else ")"
        for issue, value in self.outcomes.items():
            lines.append(f"  {issue}: {value:.6g}")
        if self.rounds is not None:
            lines.append(f"  rounds: {self.rounds.n_rounds} ({self.rounds.stop_rule})")
        return "\n".join(lines)

    def to_json(self, *, modes: Forecast | None = None, all_draws: bool = False) -> dict[str, Any]:
        """The CLI's ``--json`` shape, of bounded size whatever the number of draws.

        Per-round values are medians across draws; over several draws each issue also gets its
        quantiles (:data:`QUANTILES`) and a histogram of :data:`HISTOGRAM_BINS` bins. Events
        (who moved, toward whom, why) are those of one draw: ``modes``, the single draw at the
        inputs' modes run beside a batch, or this forecast itself when it is one draw — at most
        :data:`MAX_EVENTS_JSON` of them, with ``events_total`` when there are more. Only
        ``all_draws`` adds every draw's events and outcomes, which grow with the draws (a
        1,000-draw eum run of a 10-actor case has about 170 MB of events).
        """
        out: dict[str, Any] = {
            "scenario": self.scenario_id,
            "model": self.model,
            "params": jsonable(self.params_dict()),
            "draws": self.draws,
            "outcomes": self.outcomes,
            "rounds": self._rounds_json(),
        }
        if self.draws > 1:
            out["quantiles"] = self._quantiles_json()
            out["histogram"] = self._histogram_json()
        # Each actor's position after the last round: medians over draws when the batch kept
        # positions, else the positions of the draw at the modes.
        kept = [f.rounds.positions for f in (self, modes) if f is not None and f.rounds is not None]
        positions = next((p for p in kept if p is not None), None)
        if positions is not None:
            out["final_positions"] = self._final_positions_json(positions)
        events = self if all_draws or (modes is None and self.draws == 1) else modes
        if events is not None and events.events is not None:
            frame = events.events_frame()
            if not all_draws and len(frame) > MAX_EVENTS_JSON:
                # A dynamic model run to stability can log thousands of events in one draw
                # (eum on ukraine-2026, 100 rounds: 6,096, 1.4 MB); the summary keeps the first
                # ones and says how many there are (the service stores them all as a table).
                out["events_total"] = len(frame)
                frame = frame.head(MAX_EVENTS_JSON)
            out["events"] = jsonable(frame.to_dict(orient="records"))
        if all_draws and self.draws > 1:
            out["outcome_draws"] = {
                issue: self.outcome[:, j].tolist() for j, issue in enumerate(self.issue_ids)
            }
        return out

    def _rounds_json(self) -> list[dict[str, Any]]:
        if self.rounds is None:
            return []
        mean = np.median(self.rounds.mean, axis=0)
        median = np.median(self.rounds.median, axis=0)
        return [
            {"round": r, "issue": issue, "mean": float(mean[r, j]), "median": float(median[r, j])}
            for r in range(mean.shape[0])
            for j, issue in enumerate(self.issue_ids)
        ]

    def _quantiles_json(self) -> dict[str, dict[str, float]]:
        values = np.nanquantile(self.outcome, QUANTILES, axis=0)
        return {
            issue: {f"{q:g}": float(values[i, j]) for i, q in enumerate(QUANTILES)}
            for j, issue in enumerate(self.issue_ids)
        }

    def _histogram_json(self) -> dict[str, dict[str, list[Any]]]:
        out = {}
        for j, issue in enumerate(self.issue_ids):
            column = self.outcome[:, j]
            counts, edges = np.histogram(column[np.isfinite(column)], bins=HISTOGRAM_BINS)
            out[issue] = {"edges": edges.tolist(), "counts": counts.tolist()}
        return out

    def _final_positions_json(self, positions: Float) -> dict[str, dict[str, float]]:
        last = np.median(positions[:, -1], axis=0)
        # Actors without a position on an issue (NaN) are left out of that issue.
        return {
            a: {
                k: float(last[i, j])
                for j, k in enumerate(self.issue_ids)
                if last[i, j] == last[i, j]
            }
            for i, a in enumerate(self.actor_ids)
        }


def jsonable(value: Any) -> Any:
    """Parameters and results as plain JSON types (numpy scalars and arrays to Python)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def make_forecast(
    arrays: ScenarioArrays,
    model: str,
    params: Any,
    outcome: Float,
    *,
    rounds_mean: Float | None = None,
    rounds_median: Float | None = None,
    rounds_outcome: Float | None = None,
    rounds_positions: Float | None = None,
    stable_round: NDArray[np.int64] | None = None,
    stop_rule: str = "",
    events: Mapping[str, NDArray[Any]] | None = None,
    extras: Mapping[str, Any] | None = None,
) -> Forecast:
    """Build a :class:`Forecast` from internal-scale (0–100) arrays, mapping them back.

    ``outcome`` is ``[B, D]``; ``rounds_mean``/``rounds_median``/``rounds_outcome``
    ``[B, R+1, D]`` (``rounds_outcome`` defaults to the median, for a model that reports it);
    ``rounds_positions`` ``[B, R+1, N, D]``. Events and extras are passed through unchanged (map
    their positions with :meth:`ScenarioArrays.to_issue_scale` first).
    """
    rounds = None
    if rounds_mean is not None and rounds_median is not None:
        b, r1, _ = rounds_mean.shape
        rounds = Rounds(
            mean=arrays.to_issue_scale(rounds_mean),
            median=arrays.to_issue_scale(rounds_median),
            outcome=arrays.to_issue_scale(
                rounds_median if rounds_outcome is None else rounds_outcome
            ),
            positions=None if rounds_positions is None else arrays.to_issue_scale(rounds_positions),
            stable_round=(
                np.full(b, r1 - 1, dtype=np.int64) if stable_round is None else stable_round
            ),
            stop_rule=stop_rule or "fixed rounds",
        )
    return Forecast(
        model=model,
        params=params,
        scenario_id=arrays.scenario_id,
        actor_ids=arrays.actor_ids,
        issue_ids=arrays.issue_ids,
        outcome=arrays.to_issue_scale(outcome),
        rounds=rounds,
        events=events,
        extras=dict(extras or {}),
    )


@dataclass(frozen=True)
class ModelSpec:
    """A registered model: its name, function, parameter class and a one-line summary.

    ``run(arrays, params)`` is the model; a ``dynamic`` model's ``run`` also takes the keyword
    ``on_round`` (an :data:`OnRound` hook). ``couples_issues`` says the model solves the issues
    jointly (an issue's forecast depends on the other issues), so it must see them together.
    """

    name: str
    run: Callable[..., Forecast]
    params_type: type[Any]
    summary: str
    dynamic: bool = False
    couples_issues: bool = False

    def parameters(self) -> list[tuple[str, Any, str]]:
        """(name, default, doc) for every parameter, in declaration order."""
        return [
            (f.name, f.default, str(f.metadata.get("doc", "")))
            for f in dataclasses.fields(self.params_type)
        ]

    def make_params(self, **values: Any) -> Any:
        """A parameter object with ``values`` over the defaults; unknown names are refused."""
        known = {f.name: f for f in dataclasses.fields(self.params_type)}
        hints = typing.get_type_hints(self.params_type)
        for name, value in values.items():
            if name not in known:
                raise ModelError(
                    f"model '{self.name}' has no parameter '{name}'; its parameters are: "
                    f"{', '.join(known) or '(none)'}{did_you_mean(name, known)}"
                )
            _check_type(self.name, name, value, hints[name])
        try:
            return self.params_type(**values)
        except (TypeError, ValueError) as exc:
            if isinstance(exc, ModelError):
                raise
            raise ModelError(f"model '{self.name}': {exc}") from None

    def __call__(
        self, arrays: ScenarioArrays, params: Any = None, *, on_round: OnRound | None = None
    ) -> Forecast:
        """Run the model (default parameters when None); ``on_round`` reaches dynamic models."""
        chosen = self.make_params() if params is None else params
        if self.dynamic and on_round is not None:
            return self.run(arrays, chosen, on_round=on_round)
        return self.run(arrays, chosen)


def _check_type(model: str, name: str, value: Any, annotation: Any) -> None:
    if not _matches(value, annotation):
        raise ModelError(
            f"model '{model}': parameter '{name}' expects {_describe(annotation)}; got {value!r}"
        )


def _matches(value: Any, annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if annotation is Any:
        return True
    if origin is Literal:
        return value in typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, a) for a in typing.get_args(annotation))
    if annotation is type(None):
        return value is None
    if annotation is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(annotation, type):
        return isinstance(value, annotation)
    return True


def _describe(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in typing.get_args(annotation))
    if annotation is type(None):
        return "None"
    return getattr(annotation, "__name__", str(annotation))
