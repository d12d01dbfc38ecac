"""Drafts and review: what still needs a person's eye, and the one refusal of unreviewed drafts.

A scenario drafted from the news (``status: draft``) holds inferences: placements read off an
anchor's words, ranges that only say "not placed yet". Its numbers are marked ``[I]`` in their
notes. Nothing is computed from a draft: every door that runs a model, checks a deal or assesses
guarantees calls :func:`require_reviewed` first.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import ScenarioError
from ._schema import Quantity, Scenario

__all__ = ["ReviewItem", "require_reviewed", "review_items"]

INFERENCE = "[I]"


@dataclass(frozen=True)
class ReviewItem:
    """One number marked as an inference [I]: where it sits and its note."""

    location: str
    note: str


def _quantities(s: Scenario) -> Iterator[tuple[str, Quantity]]:
    for issue in s.issues:
        if issue.status_quo is not None:
            yield f"issues[{issue.id}].status_quo", issue.status_quo
    for actor in s.actors:
        if actor.capability is not None:
            yield f"actors[{actor.id}].capability", actor.capability
        for issue_id, stance in actor.issues.items():
            for name in ("position", "salience", "capability", "walk_away"):
                value = getattr(stance, name)
                if value is not None:
                    yield f"actors[{actor.id}].issues[{issue_id}].{name}", value


def review_items(scenario: Scenario) -> list[ReviewItem]:
    """The numbers whose note marks them as an inference [I], in file order.

    >>> from detente.scenario import load_scenario
    >>> items = review_items(load_scenario("ukraine-2026"))
    >>> items[0].location
    'actors[france].issues[CRIM].position'
    """
    return [
        ReviewItem(where, q.note or "")
        for where, q in _quantities(scenario)
        if q.note and q.note.lstrip().startswith(INFERENCE)
    ]


def require_reviewed(scenario: Scenario) -> Scenario:
    """``scenario`` itself when it is reviewed; a :class:`ScenarioError` for a draft.

    >>> from detente.scenario import load_scenario
    >>> require_reviewed(load_scenario("emission-standards-1994")).id
    'emission-standards-1994'
    """
    if scenario.status == "draft":
        raise ScenarioError.single(
            "draft",
            f"scenario '{scenario.id}' is a draft: review the items marked [I] "
            f"({len(review_items(scenario))} listed by `detente validate`), then set "
            "status: reviewed",
            location="status",
            given="draft",
            expected="reviewed",
        )
    return scenario
