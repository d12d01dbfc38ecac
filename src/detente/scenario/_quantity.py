"""A number that may be uncertain, with its sources: the building block of every scenario section.

Kept apart from :mod:`._schema` so that each section's module (guarantees, the deal's no-deal
path, red lines, proposals) can use it and :class:`Scenario` can import every section directly.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, model_serializer, model_validator

__all__ = ["STRICT", "Quantity"]

STRICT = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Quantity(BaseModel):
    """A number that may be uncertain, with where it comes from.

    Written as a bare number (``95``), as ``{value: 95, source: S16, note: ...}``, or as a
    triangular range ``{low: 25, mode: 30, high: 50, source: S16}``. ``source`` is one source id
    or a list of them. A point value has ``low == mode == high``.
    """

    model_config = STRICT

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
