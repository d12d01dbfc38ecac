"""The scenario data model: sources, issues and their scales, actors and their stances.

Structure (types, required and unknown fields) is checked by pydantic; meaning (ids that refer
to each other, ranges, scales) by :mod:`detente.scenario._checks`, which reports every problem
at once. Build scenarios with :func:`detente.scenario.parse_scenario` or the file readers, not by
calling these classes directly, so that both checks run.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_serializer, model_validator

from ..errors import NotFoundError

if TYPE_CHECKING:
    from ._arrays import ScenarioArrays
    from ._guarantees import GuaranteePackage

__all__ = [
    "Actor",
    "ActorIssue",
    "Anchor",
    "Issue",
    "Quantity",
    "Scale",
    "Scenario",
    "Source",
]

_STRICT = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Quantity(BaseModel):
    """A number that may be uncertain, with where it comes from.

    Written as a bare number (``95``), as ``{value: 95, source: S16, note: ...}``, or as a
    triangular range ``{low: 25, mode: 30, high: 50, source: S16}``. ``source`` is one source id
    or a list of them. A point value has ``low == mode == high``.
    """

    model_config = _STRICT

    low: float
    mode: float
    high: float
    source: tuple[str, ...] = ()
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _accept_short_forms(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise ValueError("expected a number or {low, mode, high}; got a true/false value")
        if isinstance(data, int | float):
            return {"low": data, "mode": data, "high": data}
        if isinstance(data, str):
            try:
                number = float(data)
            except ValueError:
                raise ValueError(f"expected a number; got '{data}'") from None
            return {"low": number, "mode": number, "high": number}
        if isinstance(data, dict):
            data = dict(data)
            if isinstance(data.get("source"), str):
                data["source"] = (data["source"],)
            if "value" in data:
                if any(k in data for k in ("low", "mode", "high")):
                    raise ValueError("give either 'value' or 'low'/'mode'/'high', not both")
                value = data.pop("value")
                data.update(low=value, mode=value, high=value)
            elif "mode" in data:
                data.setdefault("low", data["mode"])
                data.setdefault("high", data["mode"])
        return data

    @property
    def is_uncertain(self) -> bool:
        return self.low != self.high

    @property
    def finite(self) -> bool:
        return all(math.isfinite(v) for v in (self.low, self.mode, self.high))

    @model_serializer(mode="plain")
    def _compact(self) -> Any:
        extra: dict[str, Any] = {}
        if self.source:
            extra["source"] = self.source[0] if len(self.source) == 1 else list(self.source)
        if self.note:
            extra["note"] = self.note
        if self.is_uncertain or self.mode != self.low:
            return {"low": self.low, "mode": self.mode, "high": self.high, **extra}
        if extra:
            return {"value": self.mode, **extra}
        return self.mode

    @classmethod
    def point(cls, value: float, source: str | None = None) -> Quantity:
        return cls(low=value, mode=value, high=value, source=(source,) if source else ())


class Source(BaseModel):
    """A document that numbers in the scenario cite by its ``id``."""

    model_config = _STRICT

    id: str = Field(min_length=1)
    title: str
    publisher: str | None = None
    url: str | None = None
    date: str | None = None
    quote: str | None = None


class Anchor(BaseModel):
    """A worded point of an issue scale, e.g. ``{value: 30, label: "freeze on the line"}``."""

    model_config = _STRICT

    value: float
    label: str


class Scale(BaseModel):
    """An issue's own scale: its ends, unit and worded anchors.

    Positions in files use this scale; the engine maps it linearly to 0–100 and back.
    """

    model_config = _STRICT

    min: float = 0.0
    max: float = 100.0
    unit: str | None = None
    anchors: tuple[Anchor, ...] = ()

    def to_internal(self, value: float) -> float:
        return 100.0 * (value - self.min) / (self.max - self.min)

    def from_internal(self, value: float) -> float:
        return self.min + value * (self.max - self.min) / 100.0

    def words(self, value: float) -> str | None:
        """The label of the anchor nearest to ``value`` (on this scale), if any."""
        if not self.anchors:
            return None
        nearest = min(self.anchors, key=lambda a: abs(a.value - value))
        return nearest.label


class Issue(BaseModel):
    """One issue under negotiation, with its scale and optional status quo (reference point)."""

    model_config = _STRICT

    id: str = Field(min_length=1)
    name: str
    description: str = ""
    scale: Scale = Scale()
    status_quo: Quantity | None = None


class ActorIssue(BaseModel):
    """An actor's stance on one issue: position (issue scale), salience (0–100), and options."""

    model_config = _STRICT

    position: Quantity
    salience: Quantity
    capability: Quantity | None = None
    walk_away: Quantity | None = None


class Actor(BaseModel):
    """A party to the negotiation.

    ``capability`` is one value for every issue; a per-issue ``capability`` in ``issues`` overrides
    it. ``veto`` marks a veto player (any of them can block a deal). ``issues`` maps issue ids to
    the actor's stance; an issue left out means the actor takes no part in it.
    """

    model_config = _STRICT

    id: str = Field(min_length=1)
    name: str
    description: str = ""
    capability: Quantity | None = None
    veto: bool = False
    issues: dict[str, ActorIssue]


class Scenario(BaseModel):
    """A negotiation: who takes part, over what, where each stands, and where numbers come from.

    ``model_parameters`` maps a model name to default parameter values for this scenario (explicit
    arguments to :func:`detente.forecast` take precedence). ``status: draft`` marks a scenario
    drafted from the news (``detente draft``): it loads and validates, but nothing is computed
    from it until a person has reviewed it and set ``status: reviewed`` (the default).
    """

    model_config = _STRICT

    id: str = Field(min_length=1)
    title: str
    as_of: dt.date | None = None
    status: Literal["draft", "reviewed"] = "reviewed"
    description: str = ""
    sources: tuple[Source, ...] = ()
    issues: tuple[Issue, ...]
    actors: tuple[Actor, ...]
    model_parameters: dict[str, dict[str, Any]] = {}
    guarantees: tuple[GuaranteePackage, ...] = ()

    @property
    def issue_ids(self) -> list[str]:
        return [issue.id for issue in self.issues]

    @property
    def actor_ids(self) -> list[str]:
        return [actor.id for actor in self.actors]

    def issue(self, issue_id: str) -> Issue:
        for issue in self.issues:
            if issue.id == issue_id:
                return issue
        raise NotFoundError.among("issue", issue_id, self.issue_ids, owner=f"scenario '{self.id}'")

    def actor(self, actor_id: str) -> Actor:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise NotFoundError.among("actor", actor_id, self.actor_ids, owner=f"scenario '{self.id}'")

    def to_arrays(self, draws: int = 1, seed: int | None = 0) -> ScenarioArrays:
        """The scenario as batch-first arrays (see :func:`detente.scenario.to_arrays`)."""
        from ._arrays import to_arrays

        return to_arrays(self, draws=draws, seed=seed)

    def to_yaml(self) -> str:
        """The scenario in the YAML format (compact: defaults left out)."""
        from ._yaml import dump_yaml

        return dump_yaml(self)
