"""Which judgements matter: a one-at-a-time tornado and variance-based (Sobol) indices.

Tornado: every uncertain input in turn at its low and at its high end, all others at their
modes; the swing is the distance between the two forecasts. Sobol: first-order and total indices
(the share of the forecast's variance due to an input alone, and with all its interactions),
estimated by SALib from a scrambled Sobol sample of the unit hypercube. The sample is mapped
through the scenario's own triangular inverse CDFs, so the indices refer to the same
distributions :func:`~detente.uncertainty.simulate` samples.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from .. import models
from .._inputs import as_scenario
from ..errors import ModelError
from ..scenario import InputRef, Scenario, uncertain_inputs
from ._batch import pinned_batch
from ._runner import run_outcomes
from ._simulate import run_params

__all__ = ["SobolIndices", "Tornado", "sensitivity", "sobol", "tornado"]

Float = NDArray[np.float64]


def _inputs_or_fail(scenario: Scenario) -> list[InputRef]:
    inputs = uncertain_inputs(scenario)
    if not inputs:
        raise ModelError(
            f"scenario '{scenario.id}' has no uncertain inputs (every number has low = high); "
            "give ranges {low, mode, high} to the judgements you doubt to see which matter"
        )
    return inputs


def _input_row(ref: InputRef) -> dict[str, Any]:
    return {
        "input": ref.label,
        "field": ref.field,
        "actor": ref.actor,
        "input_issue": ref.issue,
        "low": ref.low,
        "mode": ref.mode,
        "high": ref.high,
    }


def _records(frame: Any) -> list[dict[str, Any]]:
    """Rows as dicts with missing cells as None: pandas' string columns turn an actor-level
    input's issue (None) into NaN, which is not JSON."""
    records: list[dict[str, Any]] = (
        frame.astype(object).where(frame.notna(), None).to_dict("records")
    )
    return records


@dataclass(frozen=True)
class Tornado:
    """Forecasts with each uncertain input at its low and high end, others at their modes.

    ``at_low`` and ``at_high`` are ``float[K, D]`` (input × issue, issue scale); ``base`` is
    ``float[D]``, the forecast at the modes.
    """

    scenario_id: str
    model: str
    params: Any
    issue_ids: tuple[str, ...]
    inputs: tuple[InputRef, ...]
    base: Float
    at_low: Float
    at_high: Float

    @property
    def swing(self) -> Float:
        """``|at_high - at_low|``, ``float[K, D]``."""
        swing: Float = np.abs(self.at_high - self.at_low)
        return swing

    def ranking(self, issue: str) -> list[int]:
        """Input indices by swing on ``issue``, largest first (ties keep input order)."""
        j = self.issue_ids.index(issue)
        order = np.argsort(-self.swing[:, j], kind="stable")
        return [int(k) for k in order]

    def to_frame(self) -> Any:
        """One row per issue and input, largest swing first within each issue."""
        import pandas as pd

        rows = []
        for j, issue in enumerate(self.issue_ids):
            for k in self.ranking(issue):
                row = {"issue": issue, **_input_row(self.inputs[k])}
                row |= {
                    "base": float(self.base[j]),
                    "at_low": float(self.at_low[k, j]),
                    "at_high": float(self.at_high[k, j]),
                    "swing": float(self.swing[k, j]),
                }
                rows.append(row)
        return pd.DataFrame(rows)

    def to_json(self) -> dict[str, Any]:
        from ..models import jsonable

        frame = self.to_frame()
        return {
            "scenario": self.scenario_id,
            "model": self.model,
            "method": "tornado",
            "params": jsonable(_params_dict(self.params)),
            "issues": {
                issue: {
                    "base": float(self.base[j]),
                    "inputs": jsonable(
                        _records(frame[frame["issue"] == issue].drop(columns="issue"))
                    ),
                }
                for j, issue in enumerate(self.issue_ids)
            },
        }


def _params_dict(params: Any) -> dict[str, Any]:
    import dataclasses

    if dataclasses.is_dataclass(params) and not isinstance(params, type):
        return dataclasses.asdict(params)
    return {}


def tornado(scenario: Scenario | str | Path, model: str = "compromise", **params: Any) -> Tornado:
    """One-at-a-time sensitivity: each uncertain input at its low and high, others at mode.

    All ``2K + 1`` variants run as one batch of the model. A scenario stated only in points has
    nothing to vary:

    >>> tornado("emission-standards-1994")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    detente.errors.ModelError: scenario 'emission-standards-1994' has no uncertain inputs ...
    """
    scenario = as_scenario(scenario)
    spec = models.get(model)
    chosen = run_params(scenario, model, **params)
    inputs = _inputs_or_fail(scenario)
    variants: list[dict[InputRef, float]] = [{}]
    variants += [{ref: ref.low} for ref in inputs]
    variants += [{ref: ref.high} for ref in inputs]
    outcome = spec.run(pinned_batch(scenario, variants), chosen).outcome
    k = len(inputs)
    return Tornado(
        scenario_id=scenario.id,
        model=model,
        params=chosen,
        issue_ids=tuple(scenario.issue_ids),
        inputs=tuple(inputs),
        base=outcome[0],
        at_low=outcome[1 : k + 1],
        at_high=outcome[k + 1 :],
    )


@dataclass(frozen=True)
class SobolIndices:
    """First-order and total Sobol indices, ``float[K, D]`` each, with 95% bootstrap half-widths.

    ``varies[D]`` is False for an issue whose forecast is the same on every sample; its indices
    are then 0 (no variance to share out).
    """

    scenario_id: str
    model: str
    params: Any
    samples: int
    seed: int
    issue_ids: tuple[str, ...]
    inputs: tuple[InputRef, ...]
    first: Float
    first_conf: Float
    total: Float
    total_conf: Float
    varies: NDArray[np.bool_]

    def ranking(self, issue: str) -> list[int]:
        """Input indices by total index on ``issue``, largest first."""
        j = self.issue_ids.index(issue)
        return [int(k) for k in np.argsort(-self.total[:, j], kind="stable")]

    def to_frame(self) -> Any:
        import pandas as pd

        rows = []
        for j, issue in enumerate(self.issue_ids):
            for k in self.ranking(issue):
                rows.append(
                    {
                        "issue": issue,
                        **_input_row(self.inputs[k]),
                        "first": float(self.first[k, j]),
                        "first_conf": float(self.first_conf[k, j]),
                        "total": float(self.total[k, j]),
                        "total_conf": float(self.total_conf[k, j]),
                    }
                )
        return pd.DataFrame(rows)

    def to_json(self) -> dict[str, Any]:
        from ..models import jsonable

        frame = self.to_frame()
        return {
            "scenario": self.scenario_id,
            "model": self.model,
            "method": "sobol",
            "params": jsonable(_params_dict(self.params)),
            "samples": self.samples,
            "seed": self.seed,
            "issues": {
                issue: {
                    "varies": bool(self.varies[j]),
                    "inputs": jsonable(
                        _records(frame[frame["issue"] == issue].drop(columns="issue"))
                    ),
                }
                for j, issue in enumerate(self.issue_ids)
            },
        }


def sobol(
    scenario: Scenario | str | Path,
    model: str = "compromise",
    *,
    samples: int = 512,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    **params: Any,
) -> SobolIndices:
    """Variance-based sensitivity: first-order and total Sobol indices of every uncertain input.

    ``samples`` (a power of two) is SALib's base sample size N; the model runs ``N * (K + 2)``
    draws (Saltelli's scheme without second-order terms), in chunks on the chosen backend;
    ``progress`` is called with each finished chunk's number of draws.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    if samples < 2 or samples & (samples - 1):
        raise ModelError(f"samples must be a power of two (Sobol sequences need it); got {samples}")
    scenario = as_scenario(scenario)
    chosen = run_params(scenario, model, **params)
    inputs = _inputs_or_fail(scenario)
    k = len(inputs)
    problem = {"num_vars": k, "names": [r.label for r in inputs], "bounds": [[0.0, 1.0]] * k}
    uniforms = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    result = run_outcomes(
        scenario,
        model,
        chosen,
        uniforms,
        seed=seed,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
    )
    d = len(scenario.issue_ids)
    first, first_conf, total, total_conf = (np.zeros((k, d)) for _ in range(4))
    varies = np.zeros(d, dtype=bool)
    for j in range(d):
        y = result.outcome[:, j]
        if np.ptp(y) == 0:
            continue
        varies[j] = True
        indices = sobol_analyze.analyze(
            problem, y, calc_second_order=False, print_to_console=False, seed=seed
        )
        first[:, j], first_conf[:, j] = indices["S1"], indices["S1_conf"]
        total[:, j], total_conf[:, j] = indices["ST"], indices["ST_conf"]
    return SobolIndices(
        scenario_id=scenario.id,
        model=model,
        params=chosen,
        samples=samples,
        seed=seed,
        issue_ids=tuple(scenario.issue_ids),
        inputs=tuple(inputs),
        first=first,
        first_conf=first_conf,
        total=total,
        total_conf=total_conf,
        varies=varies,
    )


def sensitivity(
    scenario: Scenario | str | Path,
    model: str = "compromise",
    *,
    method: Literal["tornado", "sobol"] = "tornado",
    samples: int = 512,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    **params: Any,
) -> Tornado | SobolIndices:
    """Sensitivity of each issue's forecast to each uncertain input: a tornado or Sobol indices.

    One door over :func:`tornado` and :func:`sobol` (``samples``, ``seed`` and the backend apply
    to Sobol only; a tornado is one small deterministic batch).
    """
    if method == "tornado":
        return tornado(scenario, model, **params)
    if method == "sobol":
        return sobol(
            scenario,
            model,
            samples=samples,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
            **params,
        )
    raise ModelError(f"sensitivity method must be 'tornado' or 'sobol'; got '{method}'")
