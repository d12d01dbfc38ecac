"""The run form: the run choices a scenario offers, each with typed inputs and the CLI's
defaults, and a posted form turned into a run request.

A choice is what the analyst asks (a point forecast, a Monte Carlo forecast, a simulation...);
several choices may share a run kind. Choices that cannot run on a scenario are not offered: a
deal check needs veto players, guarantees need packages, and the backtest runs on its own data
set, not on a scenario. The one-page brief runs on every scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..._inputs import DEAL_DRAWS
from ...errors import ModelError
from ...scenario import Scenario

__all__ = ["CHOICES", "Choice", "offered", "run_request"]


@dataclass(frozen=True)
class Choice:
    """One run choice: its name, words, run kind, inputs (``draws``, ``model``, ``models``,
    ``actor``, ``issue``, ``toward``, ``method``, ``samples``, ``package``, ``top``) and the
    defaults the CLI uses for them."""

    name: str
    label: str
    kind: str
    inputs: tuple[str, ...]
    defaults: dict[str, Any] = field(default_factory=dict)


CHOICES = (
    Choice("point", "Point forecast (most likely inputs)", "forecast", ("model",), {"draws": 1}),
    Choice(
        "montecarlo",
        "Monte Carlo forecast (inputs drawn from their ranges)",
        "forecast",
        ("model", "draws"),
        {"draws": 1000},
    ),
    Choice(
        "simulate",
        "Simulation: the distribution of outcomes",
        "simulate",
        ("model", "draws"),
        {"draws": 10_000},
    ),
    Choice("compare", "Compare models", "compare", ("models", "draws"), {"draws": 1}),
    Choice(
        "sensitivity",
        "Sensitivity: which inputs matter",
        "sensitivity",
        ("model", "method", "samples"),
        {"method": "tornado", "samples": 512},
    ),
    Choice(
        "levers",
        "Levers: what moves an outcome",
        "levers",
        ("model", "actor", "issue", "toward", "draws"),
        {"draws": 1000, "toward": "low"},
    ),
    Choice("deal", "Deal check", "deal", ("package", "draws", "top"), {"draws": 1, "top": 10}),
    Choice(
        "guarantees",
        "Guarantees: will the deal be kept",
        "guarantees",
        ("package", "draws"),
        {"draws": 100_000, "seed": 20260106},
    ),
    # Every scenario has one: without guarantee packages the page leaves the deal out.
    Choice("brief", "One-page brief", "brief", ("draws",), {"draws": DEAL_DRAWS}),
)
_BY_NAME = {c.name: c for c in CHOICES}


def offered(scenario: Scenario) -> list[Choice]:
    """The choices that can run on ``scenario``."""
    out = []
    for choice in CHOICES:
        if choice.kind == "deal" and not any(a.veto for a in scenario.actors):
            continue
        if choice.kind == "guarantees" and not scenario.guarantees:
            continue
        out.append(choice)
    return out


def _whole(form: Mapping[str, str], name: str, default: int) -> int:
    text = form.get(name, "").strip().replace(",", "").replace("_", "")
    if not text:
        return default
    if not text.isdigit() or len(text) > 12:
        raise ModelError(f"{name} must be a whole number; got '{text[:40]}'")
    return int(text)


def run_request(
    scenario: Scenario, form: Mapping[str, str], models: list[str]
) -> tuple[str, str, dict[str, Any], int]:
    """The kind, model, parameters and seed a posted run form asks for.

    Raises :class:`ModelError` for a choice this scenario does not offer or a field that is not
    a number; the run's own checks bound the values afterwards.
    """
    choice = _BY_NAME.get(form.get("choice", "point"))
    if choice is None or choice not in offered(scenario):
        names = ", ".join(c.name for c in offered(scenario))
        raise ModelError(f"this scenario offers the runs {names}; got '{form.get('choice')}'")
    seed = _whole(form, "seed", int(choice.defaults.get("seed", 0)))
    params: dict[str, Any] = {}
    if choice.name == "point":
        params["draws"] = 1
    for name in ("draws", "samples", "top"):
        if name in choice.inputs:
            params[name] = _whole(form, f"{choice.name}.{name}", choice.defaults[name])
    for name in ("actor", "issue", "toward", "method"):
        if name in choice.inputs:
            params[name] = form.get(f"{choice.name}.{name}", choice.defaults.get(name, ""))
    if "package" in choice.inputs and form.get(f"{choice.name}.package"):
        params["package"] = form[f"{choice.name}.package"]
    if choice.kind == "sensitivity" and params["method"] == "tornado":
        params.pop("samples")  # a tornado takes each input at its ends: no sample size
    model = form.get(f"{choice.name}.model", "compromise")
    if choice.kind == "brief":
        model = ""  # the brief weighs every model; its run page says "model all"
    if "models" in choice.inputs:
        picked = [m for m in models if form.get(f"compare.model.{m}") == "on"]
        model = ",".join(picked)  # none ticked: every model, as the CLI does
    return choice.kind, model, params, seed
