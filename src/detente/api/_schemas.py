"""Request and response shapes of the REST API (one shape per use; lists in a data/count
envelope)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "MAX_SEED",
    "Conflict",
    "Created",
    "Health",
    "Problem",
    "ProblemReport",
    "RunCreate",
    "RunList",
    "RunPublic",
    "RunQueued",
    "ScenarioDiff",
    "ScenarioList",
    "ScenarioPublic",
    "ScenarioSummary",
    "VersionList",
    "VersionPublic",
]

# The largest seed a run takes: seeds are 32-bit whole numbers.
MAX_SEED = 2**32 - 1

RunStatus = Literal["queued", "running", "done", "failed", "cancelled"]


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Problem(BaseModel):
    """One problem in a scenario, as the CLI prints it."""

    code: str
    location: str
    message: str
    given: Any = None
    expected: str | None = None
    file: str | None = None
    line: int | None = None
    column: str | None = None


class ProblemReport(BaseModel):
    """A 422 for an invalid scenario: the rendered message and every problem as a record."""

    detail: str
    problems: list[Problem]


class Created(BaseModel):
    id: int
    version: int


class VersionPublic(BaseModel):
    version: int
    format: str
    author: str
    note: str
    created_at: dt.datetime
    content_hash: str


class VersionList(BaseModel):
    data: list[VersionPublic]
    count: int


class ScenarioSummary(BaseModel):
    id: int
    slug: str
    title: str
    latest_version: int
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime


class ScenarioList(BaseModel):
    data: list[ScenarioSummary]
    count: int


class ScenarioPublic(BaseModel):
    """A stored scenario at one version: its text as saved and the checked scenario."""

    id: int
    slug: str
    title: str
    version: int
    latest_version: int
    format: str
    author: str
    note: str
    created_at: dt.datetime
    content: str
    scenario: dict[str, Any]


class Change(BaseModel):
    location: str
    before: Any = None
    after: Any = None


class ScenarioDiff(BaseModel):
    """What changed between two versions: field by field, and as a unified text diff."""

    id: int
    before: int
    after: int
    changes: list[Change]
    unified: str


class Conflict(BaseModel):
    """A 409 for a save based on a version that is no longer the latest: nothing was saved;
    ``changes`` is what others saved since (``base_version`` → ``latest_version``)."""

    detail: str
    base_version: int
    latest_version: int
    changes: ScenarioDiff


class RunCreate(BaseModel):
    """A run to start."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(
        description="forecast, compare, simulate, sensitivity, levers, deal, guarantees, "
        "backtest or brief (GET /api/kinds lists them)",
        max_length=40,
    )
    scenario: str | int = Field(description="A stored scenario's id or a built-in name.")
    version: int | None = Field(
        None, ge=1, le=2**31 - 1, description="Stored version (default: latest)."
    )
    model: str = Field(
        "compromise",
        max_length=500,
        description="Model name (compare: comma-separated names, empty for all).",
    )
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="Model parameters, plus 'draws' (Monte Carlo draws; 1 = modes).",
    )
    seed: int = Field(0, ge=0, le=MAX_SEED, description="Seed of the draws.")

    @field_validator("params")
    @classmethod
    def _finite(cls, params: dict[str, Any]) -> dict[str, Any]:
        """JSON parsers accept NaN and Infinity; no parameter may be one (and PostgreSQL's JSON
        could not store it)."""
        for name, value in params.items():
            if not _all_finite(value):
                raise ValueError(
                    f"params.{name} must hold finite numbers only; got {value!r}"[:300]
                )
        return params


def _all_finite(value: Any) -> bool:
    """Whether every number in a JSON value, at any depth, is finite."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_all_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_all_finite(v) for v in value)
    return True


class RunQueued(BaseModel):
    id: int
    status: RunStatus


class RunPublic(BaseModel):
    """A run: what was asked, how it goes, and its result once done (the CLI's --json)."""

    id: int
    kind: str
    scenario: str
    scenario_version: int | None
    model: str
    params: dict[str, Any]
    seed: int
    input_hash: str
    package_version: str
    status: RunStatus
    progress: float
    error: str | None
    created_by: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    seconds_left: float | None = None
    warning: str | None = None
    result: dict[str, Any] | None = None


class RunList(BaseModel):
    data: list[RunPublic]
    count: int
