"""How big a scenario may be, and the one check that says so before anything costly runs.

The largest real negotiations have hundreds of actors (the DEU data: 27 states and the EU bodies;
KTAB's examples: up to a few hundred) and tens of issues. The limits sit far above that, so no
real file meets them, and low enough that a hostile or mistaken file is refused in well under a
second instead of tying up a worker: every reader is linear in its input, and these bound it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ScenarioError

__all__ = [
    "MAX_ACTORS",
    "MAX_FILE_BYTES",
    "MAX_ISSUES",
    "MAX_STANCES",
    "MAX_UNZIPPED_BYTES",
    "check_size",
]

MAX_FILE_BYTES = 10 * 1024 * 1024
# An XLSX file is a zip: its parts may unpack to far more than the file's size (a zip bomb).
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_ACTORS = 50_000
MAX_ISSUES = 1_000
MAX_STANCES = 200_000  # actor–issue pairs: rows of a long table


def check_size(raw: Mapping[str, Any], file: str | None) -> None:
    """Refuse raw scenario data with more actors, issues or stances than the limits allow.

    >>> check_size({"issues": [{}] * 1001}, "big.yaml")
    Traceback (most recent call last):
    ...
    detente.errors.ScenarioError: 1 problem in big.yaml
      issues
        the scenario has 1,001 issues; a scenario may have at most 1,000  [too_large]
    """
    issues, actors = raw.get("issues"), raw.get("actors")
    counts = [
        ("issues", "issues", len(issues) if isinstance(issues, list) else 0, MAX_ISSUES),
        ("actors", "actors", len(actors) if isinstance(actors, list) else 0, MAX_ACTORS),
        ("actors", "positions (actor–issue pairs)", _stances(actors), MAX_STANCES),
    ]
    for location, what, count, limit in counts:
        if count > limit:
            raise ScenarioError.single(
                "too_large",
                f"the scenario has {count:,} {what}; a scenario may have at most {limit:,}",
                location=location,
                file=file,
                given=count,
                expected=f"at most {limit:,}",
            )


def _stances(actors: Any) -> int:
    if not isinstance(actors, list):
        return 0
    return sum(
        len(a["issues"])
        for a in actors
        if isinstance(a, Mapping) and isinstance(a.get("issues"), Mapping)
    )
