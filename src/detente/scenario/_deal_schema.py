"""The scenario sections of the deal question: the no-deal path, red lines, linked offers, texts.

Deal spec §1 (``no_deal``), §2 (``red_lines``, ``conditions``) and §5 (``proposals``). Values on
an issue are written on that issue's own scale and mapped to 0–100 on load, like positions; a
yearly cost of war is in points of the actor's most salient issue (0–100), not on a scale.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ._quantity import STRICT, Quantity

__all__ = ["Bound", "Condition", "NoDeal", "Proposal", "RedLine"]


def _sources_as_tuple(data: Any, key: str) -> Any:
    """``source: S1`` and ``sources: S1`` are short for a one-element list."""
    if isinstance(data, dict) and isinstance(data.get(key), str):
        return {**data, key: (data[key],)}
    return data


class NoDeal(BaseModel):
    """Where the issues are expected to be after ``horizon_years`` more years of conflict, and
    what a year of it costs each veto player (spec §1). Issues not listed stay at their status
    quo; actors not listed pay nothing."""

    model_config = STRICT

    horizon_years: Quantity
    discount: Quantity = Quantity.point(1.0)
    issues: dict[str, Quantity] = {}
    yearly_cost: dict[str, Quantity] = {}
    source: tuple[str, ...] = ()
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _short_source(cls, data: Any) -> Any:
        return _sources_as_tuple(data, "source")


class RedLine(BaseModel):
    """An actor's red line on one issue: it rejects any package below ``min`` or above ``max``."""

    model_config = STRICT

    min: Quantity | None = None
    max: Quantity | None = None
    source: tuple[str, ...] = ()
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _short_source(cls, data: Any) -> Any:
        return _sources_as_tuple(data, "source")


class Bound(BaseModel):
    """One side of a condition: an issue within ``[min, max]`` (either may be left open), or the
    guarantee package being one of ``package`` (ids; ``none`` for no package)."""

    model_config = STRICT

    issue: str | None = None
    min: float | None = None
    max: float | None = None
    package: tuple[str, ...] | None = None


class Condition(BaseModel):
    """A linked offer (spec §2.3): ``actor`` accepts ``if`` only when ``then`` holds.

    Written with the YAML keys ``if`` and ``then``; the Python attribute is ``if_``.
    """

    model_config = ConfigDict(**STRICT, populate_by_name=True, serialize_by_alias=True)

    actor: str = Field(min_length=1)
    if_: Bound = Field(alias="if")
    then: Bound
    source: tuple[str, ...] = ()
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _short_source(cls, data: Any) -> Any:
        return _sources_as_tuple(data, "source")


class Proposal(BaseModel):
    """A named text on the table (spec §5): a value per issue (ranges where the text is vague),
    the guarantee package it comes with (``none`` for none), its date and sources. Issues the
    text does not settle are left out and stay at their status quo."""

    model_config = STRICT

    id: str = Field(min_length=1)
    title: str
    date: dt.date | None = None
    package: str = "none"
    issues: dict[str, Quantity]
    sources: tuple[str, ...] = ()
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _short_source(cls, data: Any) -> Any:
        return _sources_as_tuple(data, "sources")
