"""The scenario data model: sources, issues and their scales, actors and their stances.

Structure (types, required and unknown fields) is checked by pydantic; meaning (ids that refer
to each other, ranges, scales) by :mod:`detente.scenario._checks`, which reports every problem
at once. Build scenarios with :func:`detente.scenario.parse_scenario` or the file readers, not by
calling these classes directly, so that both checks run.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from ..errors import NotFoundError
from ._deal_schema import Condition, NoDeal, Proposal, RedLine
from ._guarantees import GuaranteePackage
from ._quantity import STRICT as _STRICT
from ._quantity import Quantity

if TYPE_CHECKING:
    from ._arrays import ScenarioArrays

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
    arguments to :func:`detente.forecast` take precedence). ``guarantees``, ``no_deal``,
    ``red_lines``, ``conditions`` and ``proposals`` are the optional sections of the deal question
    (``docs/deal.md``, ``docs/guarantees.md``). ``status: draft`` marks a scenario drafted from
    the news (``detente draft``): it loads and validates, but nothing is computed from it until a
    person has reviewed it and set ``status: reviewed`` (the default).
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
    no_deal: NoDeal | None = None
    red_lines: dict[str, dict[str, RedLine]] = {}
    conditions: tuple[Condition, ...] = ()
    proposals: tuple[Proposal, ...] = ()

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
