"""What would it take (deal spec §6): the smallest change of one input that opens a closed deal,
or closes an open one, found by bisection over the input's value, one lever at a time.

The levers: a veto player's yearly cost of war, the horizon, an issue's no-deal value, a veto
player's red line, its salience on the issue where it binds, and a switch of guarantee package.
Each value is judged by P(accept) of the deal on the table with the input pinned on every draw:
the Nash package solved again under the changed input (where none suits everyone, the run's own
table); the deal "opens" when P(accept) reaches one half. Levers are sorted
by the size of the change relative to the input's own range.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..scenario import InputRef, scenario_inputs, to_arrays
from ._accept import accept
from ._nash import nash_package
from ._question import DealQuestion, build_question
from ._viability import Viability

__all__ = ["Lever", "what_it_takes"]

Float = NDArray[np.float64]

# Draws the search judges each value on (the first ones of the run: the same draws).
SEARCH_DRAWS = 100
_BISECTIONS = 10
_OPEN = 0.5


@dataclass(frozen=True)
class Lever:
    """One change to the deal under ``package`` and what it does: ``from_value`` → ``to_value``
    (on the input's own scale, or package ids for a switch), whether ``to_value`` lies within
    the input's range, the change relative to that range, and the sentence an analyst reads."""

    package: str
    lever: str
    from_value: float | str
    to_value: float | str
    within_range: bool
    relative: float
    text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "lever": self.lever,
            "from": self.from_value,
            "to": self.to_value,
            "within_range": self.within_range,
            "text": self.text,
        }


def _describe(question: DealQuestion, ref: InputRef) -> tuple[str, str, tuple[float, float]]:
    """The lever's name, its unit and the domain searched (on the input's own scale)."""
    sc = question.scenario
    if ref.field == "yearly_cost":
        return f"{ref.actor}'s yearly cost of war", "points", (0.0, 100.0)
    if ref.field == "horizon":
        return "the no-deal horizon", "years", (0.0, max(10.0, 2.0 * ref.high))
    issue = sc.issue(ref.issue or "")
    unit = issue.scale.unit or "points"
    scale = (issue.scale.min, issue.scale.max)
    if ref.field == "no_deal":
        return f"the no-deal value of {ref.issue}", unit, scale
    if ref.field in ("red_line_min", "red_line_max"):
        return f"{ref.actor}'s red line on {ref.issue}", unit, scale
    return f"{ref.actor}'s salience on {ref.issue}", "salience points", (0.0, 100.0)


def _levers(question: DealQuestion, row: Viability) -> list[InputRef]:
    veto = set(question.veto_players)
    binding = {a: i for a, i in row.issues.items() if i is not None}
    out = []
    for ref in scenario_inputs(question.scenario):
        by_veto = ref.field in ("yearly_cost", "red_line_min", "red_line_max")
        if ref.field in ("horizon", "no_deal") or (by_veto and ref.actor in veto):
            out.append(ref)
        elif ref.field == "salience" and ref.actor in veto:
            # Only where the veto player binds (or its most salient issue when it does not).
            top = binding.get(ref.actor or "") or _most_salient(question, ref.actor or "")
            if ref.issue == top:
                out.append(ref)
    return out


def _most_salient(question: DealQuestion, actor: str) -> str:
    i = question.veto_players.index(actor)
    return question.arrays.issue_ids[int(question.weights[0, i].argmax())]


def what_it_takes(question: DealQuestion, row: Viability, others: list[Viability]) -> list[Lever]:
    """The levers that open (or, for an open deal, close) ``row``'s deal, smallest change first.

    The state a lever flips is the one with the input pinned at its most likely value; a switch
    of guarantee package flips the run's own state.
    """
    n = min(question.draws, SEARCH_DRAWS)
    opening = row.p_accept < _OPEN
    terms = replace(question.packages[row.package], kept=row.kept[:n])
    fallback = row.table[:n, None]

    def p_accept(ref: InputRef, value: float) -> float:
        arrays = to_arrays(question.scenario, draws=n, seed=question.seed, overrides={ref: value})
        asked = build_question(
            question.scenario,
            arrays,
            form=question.form,
            seed=question.seed,
            explicit=question.explicit,
            packages={terms.id: terms},
        )
        # The deal on the table under the changed input: the Nash package solved again (a
        # lower red line lets the package stop just inside it, not where the others would put
        # it without that line); where no package suits everyone, the run's own table.
        solved = nash_package(asked, terms)
        on_table = np.where(solved.found[:, None, None], solved.x[:, None], fallback)
        return float(accept(asked, on_table, terms).all_accept.mean())

    out: list[Lever] = []
    for ref in _levers(question, row):
        name, unit, (lo, hi) = _describe(question, ref)
        start = ref.mode
        # With the input pinned at its most likely value the deal may be open or closed (an
        # input's range can be what opens it): search for the change that flips that state.
        was_open = p_accept(ref, start) >= _OPEN

        def flips(value: float, ref: InputRef = ref, was_open: bool = was_open) -> bool:
            return (p_accept(ref, value) >= _OPEN) != was_open

        ends = sorted((lo, hi), key=lambda e: abs(e - start))
        end = next((e for e in ends if e != start and flips(e)), None)
        if end is None:
            continue
        near, far = start, end
        for _ in range(_BISECTIONS):
            mid = (near + far) / 2.0
            if flips(mid):
                far = mid
            else:
                near = mid
        width = ref.high - ref.low
        relative = abs(far - start) / width if width > 0 else np.inf
        within = ref.low <= far <= ref.high
        out.append(
            Lever(
                row.package,
                name,
                round(start, 4),
                round(far, 4),
                within,
                relative,
                f"Under '{row.package}': "
                + _sentence(not was_open, name, start, far, unit, ref, within),
            )
        )
    for other in others:
        if other.package != row.package and (other.p_accept >= _OPEN) == opening:
            verb = "opens" if opening else "closes"
            out.append(
                Lever(
                    row.package,
                    "the guarantee package",
                    row.package,
                    other.package,
                    True,
                    1.0,
                    f"The deal {verb} if the guarantee package switches from '{row.package}' to "
                    f"'{other.package}' (P(accept) {other.p_accept:.2f} instead of "
                    f"{row.p_accept:.2f}).",
                )
            )
    return sorted(out, key=lambda lever: lever.relative)


def _sentence(
    opening: bool,
    name: str,
    start: float,
    to: float,
    unit: str,
    ref: InputRef,
    within: bool,
) -> str:
    verb = "rises" if to > start else "falls"
    head = "A deal opens" if opening else "The deal closes"
    if ref.high > ref.low:
        where = (
            f"within its range {ref.low:g}–{ref.high:g}"
            if within
            else f"outside its range {ref.low:g}–{ref.high:g}: not plausible on current information"
        )
    else:
        where = "a stated point value, no range given"
    return f"{head} if {name} {verb} from {start:.3g} to {to:.3g} {unit} ({where})."
