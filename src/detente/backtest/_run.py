"""Run models on a batch of DEU issues and collect one forecast per issue and entry.

A model runs once on all issues (one batched call). When it refuses some issues with a
:class:`ModelError` (e.g. ``status_quo`` where no reference point is coded), each issue is tried
alone to find the ones it can forecast, and the model then runs once more on those; the others
are left unscored and their reasons kept. Models that couple the issues they are given (package
bargaining, exchange) run once per proposal instead, so no trade crosses proposals.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import models
from ..errors import ModelError
from ..models import Forecast, ModelSpec
from ._deu import DeuData
from ._reference import reference

__all__ = ["ModelChoice", "RunResult", "parse_models", "run_model"]

Float = NDArray[np.float64]


@dataclass(frozen=True)
class ModelChoice:
    """One model to backtest: a registered name (or a spec) and parameter values.

    ``label`` names the leaderboard entry (``name`` or ``name[k=v,...]``); ``rounds`` picks a
    dynamic model's final-round statistic(s).
    """

    name: str
    params: Mapping[str, Any]
    spec: ModelSpec | None = None
    rounds: tuple[str, ...] = ("median", "mean")

    @property
    def label(self) -> str:
        if not self.params:
            return self.name
        inner = ",".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.name}[{inner}]"

    def resolve(self) -> ModelSpec:
        """The spec: given, else a registered model, else a naive reference forecaster."""
        if self.spec is not None:
            return self.spec
        if self.name not in models.names() and (ref := reference(self.name)) is not None:
            return ref
        return models.get(self.name)


@dataclass(frozen=True)
class RunResult:
    """Forecasts ``float[D]`` per entry (NaN where unscored) and why issues were refused."""

    label: str
    forecasts: dict[str, Float]
    refused: dict[str, str]


_ITEM = re.compile(r"\s*([A-Za-z_][\w]*)(?::(median|mean))?(?:\[(.*?)\])?\s*$")


def _value(text: str) -> Any:
    """A parameter value: JSON when it parses (numbers, true/false, lists), else text."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def parse_models(text: str) -> list[ModelChoice]:
    """Parse ``--models``: ``a,b:median,c[k=v;k2=v2]`` (commas inside brackets allowed).

    >>> [c.label for c in parse_models("compromise, mean[weights=equal], eum:median")]
    ['compromise', 'mean[weights=equal]', 'eum']
    """
    items: list[str] = []
    depth, start = 0, 0
    for k, ch in enumerate(text):
        depth += ch == "["
        depth -= ch == "]"
        if ch == "," and depth == 0:
            items.append(text[start:k])
            start = k + 1
    items.append(text[start:])
    out: list[ModelChoice] = []
    for item in filter(str.strip, items):
        match = _ITEM.match(item)
        if match is None:
            raise ModelError(
                f"cannot read model '{item.strip()}' in --models; expected NAME, NAME:median, "
                "NAME:mean or NAME[param=value,...]"
            )
        name, stat, inner = match.groups()
        params: dict[str, Any] = {}
        for pair in filter(str.strip, re.split(r"[;,]", inner or "")):
            if "=" not in pair:
                raise ModelError(f"model parameter must be NAME=VALUE; got '{pair}' in '{item}'")
            key, value = pair.split("=", 1)
            params[key.strip()] = _value(value.strip())
        rounds = (stat,) if stat else ("median", "mean")
        out.append(ModelChoice(name, params, rounds=rounds))
    return out


def _entries(choice: ModelChoice, spec: ModelSpec, f: Forecast) -> dict[str, Float]:
    """Forecast per entry: static models give one, dynamic ones their final-round statistics."""
    if not spec.dynamic or f.rounds is None:
        return {choice.label: f.outcome[0]}
    finals = {"median": f.rounds.median[0, -1], "mean": f.rounds.mean[0, -1]}
    return {f"{choice.label}:{stat}": finals[stat] for stat in choice.rounds}


def _run_batch(
    choice: ModelChoice, spec: ModelSpec, params: Any, data: DeuData
) -> tuple[dict[str, Float], dict[str, str]]:
    """Run on all of ``data``; on a ModelError isolate the issues the model refuses."""
    try:
        return _entries(choice, spec, spec.run(data.arrays, params)), {}
    except ModelError as whole:
        if data.n_issues == 1:
            return {}, {data.issues[0]: str(whole)}
    refused: dict[str, str] = {}
    alone: dict[int, dict[str, Float]] = {}
    for j in range(data.n_issues):
        try:
            alone[j] = _entries(choice, spec, spec.run(data.take([j]).arrays, params))
        except ModelError as exc:
            try:
                # Without the actors not coded on this issue (some models need every actor
                # on every issue).
                one = data.take([j], present_only=True)
                alone[j] = _entries(choice, spec, spec.run(one.arrays, params))
            except ModelError:
                refused[data.issues[j]] = str(exc)
    good = list(alone)
    if not good:
        return {}, refused
    try:
        # One more batched call on the issues each accepted alone: joint models need them
        # together (for the others it gives the same numbers).
        sub = _entries(choice, spec, spec.run(data.take(good).arrays, params))
    except ModelError:
        # The issues cannot run together (e.g. a model that needs every actor on every issue):
        # each issue's own forecast stands.
        sub = {label: np.concatenate([alone[j][label] for j in good]) for label in alone[good[0]]}
    full = {}
    for label, values in sub.items():
        out = np.full(data.n_issues, np.nan)
        out[good] = values
        full[label] = out
    return full, refused


def run_model(data: DeuData, choice: ModelChoice) -> RunResult:
    """Forecast every issue of ``data`` with one model choice (see the module docstring).

    An unknown model or parameter raises :class:`ModelError` (a typo should not look like a
    model that forecasts nothing); a model that refuses every issue gives an all-NaN entry.

    >>> from detente.backtest import load_deu
    >>> r = run_model(load_deu(), ModelChoice("status_quo", {}))
    >>> int(np.isfinite(r.forecasts["status_quo"]).sum()), len(r.refused)
    (180, 77)
    """
    spec = choice.resolve()
    params = spec.make_params(**choice.params)
    if not spec.couples_issues:
        forecasts, refused = _run_batch(choice, spec, params, data)
    else:
        forecasts, refused = {}, {}
        groups = np.asarray(data.proposals, dtype=object)
        for proposal in dict.fromkeys(data.proposals):
            idx = np.flatnonzero(groups == proposal)
            part, why = _run_batch(choice, spec, params, data.take(idx))
            refused.update(why)
            for label, values in part.items():
                forecasts.setdefault(label, np.full(data.n_issues, np.nan))[idx] = values
    # Non-finite forecasts are unscored (baselines.md §6.2), never scored as errors.
    forecasts = {k: np.where(np.isfinite(v), v, np.nan) for k, v in forecasts.items()}
    if not forecasts:
        labels = [f"{choice.label}:{s}" for s in choice.rounds] if spec.dynamic else [choice.label]
        forecasts = {label: np.full(data.n_issues, np.nan) for label in labels}
    return RunResult(choice.label, forecasts, refused)
