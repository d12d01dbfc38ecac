"""Typed errors. Every error names where the problem is and what was expected.

Exception tree::

    DetenteError (ValueError)
    ├── ScenarioError   a scenario file or object is invalid; holds every problem found
    ├── ModelError      a model, a parameter or a model input is invalid
    ├── NotFoundError (also LookupError)
    │                   a named thing that does not exist: a stored scenario, version, run or
    │                   result, or an issue or actor not in a scenario
    ├── ConflictError   a save based on a stored version that is no longer the latest
    ├── ReportError     a report cannot be written (e.g. no Chromium to print the PDF)
    └── ArticleError    a news article, gazetteer, lexicon or extraction engine failed

All subclass :class:`ValueError`, so generic handlers still work, and all survive pickling, so
an error raised in a process or Dask worker reaches the caller whole.

>>> import pickle
>>> err = ScenarioError.single("out_of_range", "salience must lie between 0 and 100", file="x.yaml")
>>> pickle.loads(pickle.dumps(err)).records() == err.records()
True
"""

from __future__ import annotations

import reprlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "MAX_PER_KIND",
    "MORE_PROBLEMS",
    "ArticleError",
    "ConflictError",
    "DetenteError",
    "ModelError",
    "NotFoundError",
    "Problem",
    "ReportError",
    "ScenarioError",
    "did_you_mean",
    "shown",
]

# A ScenarioError lists at most this many problems of one kind (code), then a count of the rest.
MAX_PER_KIND = 50
MORE_PROBLEMS = "more_problems"

# A hostile file can put a 100,000-item list or a 130,000-character cell where a number belongs;
# messages and records quote such input in short (reprlib elides the middle).
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60
_SHORT.maxlong = 40
_SHORT.maxlevel = 3
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = _SHORT.maxset = 6


def shown(value: Any) -> str:
    """A short ``repr`` of user input for a message: long texts, numbers and lists are elided.

    >>> shown("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxx...xxxxxxxxxxxxxxxxxxxxxxxxxxxx'"
    >>> shown(list(range(100)))
    '[0, 1, 2, 3, 4, 5, ...]'
    """
    return _SHORT.repr(value)


class DetenteError(ValueError):
    """Base class of every error Détente raises on purpose."""


def _plain(given: Any) -> bool:
    """Whether a given value goes into a record as it is (short scalars) rather than quoted."""
    if given is None or isinstance(given, bool | float):
        return True
    if isinstance(given, int):
        return given.bit_length() <= 64
    return isinstance(given, str) and len(given) <= 200


@dataclass(frozen=True)
class Problem:
    """One problem found in a scenario, as a record programs can read.

    ``location`` is a path such as ``actors[russia].issues[TERR].salience``; ``line`` is the line
    (YAML) or row (CSV, XLSX) number in ``file`` when known.
    """

    code: str
    location: str
    message: str
    given: Any = None
    expected: str | None = None
    file: str | None = None
    line: int | None = None
    column: str | None = None

    def to_dict(self) -> dict[str, Any]:
        given = self.given if _plain(self.given) else shown(self.given)
        return {
            "code": self.code,
            "location": self.location,
            "message": self.message,
            "given": given,
            "expected": self.expected,
            "file": self.file,
            "line": self.line,
            "column": self.column,
        }

    def render(self) -> str:
        where = self.location or "(scenario)"
        if self.line is not None:
            where += f"  (line {self.line})" if self.column is None else ""
            if self.column is not None:
                where += f"  (row {self.line}, column {self.column})"
        return f"  {where}\n    {self.message}  [{self.code}]"


@dataclass
class ScenarioError(DetenteError):
    """A scenario is invalid. Holds every problem found in one pass.

    Rendered as::

        ScenarioError: 2 problems in ukraine-2026.yaml
          actors[russia].issues[CRIM].salience  (line 48)
            salience must lie between 0 and 100; got 140  [out_of_range]
    """

    problems: Sequence[Problem]
    source: str | None = field(default=None)

    def __post_init__(self) -> None:
        self.problems = _capped(self.problems, self.source)
        super().__init__(self.render())

    def __reduce__(self) -> tuple[type[ScenarioError], tuple[tuple[Problem, ...], str | None]]:
        # Exceptions pickle as ``cls(*self.args)``, and ``args`` holds the rendered text, not the
        # problems: rebuild from the fields instead, so worker processes can send it back.
        return type(self), (tuple(self.problems), self.source)

    @classmethod
    def single(
        cls,
        code: str,
        message: str,
        *,
        location: str = "",
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
        given: Any = None,
        expected: str | None = None,
    ) -> ScenarioError:
        problem = Problem(code, location, message, given, expected, file, line, column)
        return cls([problem], source=file)

    def render(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''}"
        if self.source:
            head += f" in {self.source}"
        return "\n".join([head, *(p.render() for p in self.problems)])

    def __str__(self) -> str:
        return self.render()

    def records(self) -> list[dict[str, Any]]:
        return [p.to_dict() for p in self.problems]

    def with_file(self, file: str) -> ScenarioError:
        """The same problems, each tagged with ``file`` where it had none."""
        from dataclasses import replace

        return ScenarioError(
            [p if p.file else replace(p, file=file) for p in self.problems], source=file
        )


def _capped(problems: Sequence[Problem], source: str | None) -> list[Problem]:
    """The first :data:`MAX_PER_KIND` problems of each kind, then one line per kind left out.

    A file with 2,000 unknown issue keys gets 50 located problems and "1,950 more", not a
    2,000-line message (and the did-you-mean hints are computed for those 50 only).
    """
    kept: list[Problem] = []
    counts: Counter[str] = Counter()
    for p in problems:
        counts[p.code] += 1
        if p.code == MORE_PROBLEMS or counts[p.code] <= MAX_PER_KIND:
            kept.append(p)
    for code, n in counts.items():
        if code != MORE_PROBLEMS and n > MAX_PER_KIND:
            kept.append(
                Problem(
                    MORE_PROBLEMS,
                    "(scenario)",
                    f"{n - MAX_PER_KIND:,} more problems of kind '{code}' are not listed (the "
                    f"first {MAX_PER_KIND} of each kind are)",
                    n - MAX_PER_KIND,
                    file=source,
                )
            )
    return kept


class ModelError(DetenteError):
    """A model name, a parameter or a model input is invalid."""


class NotFoundError(DetenteError, LookupError):
    """A named thing that does not exist.

    A stored scenario, version, run or result (the API answers 404), or an issue or actor that a
    scenario does not have.
    """

    @classmethod
    def among(cls, kind: str, name: str, known: Sequence[str], *, owner: str) -> NotFoundError:
        """``owner has no <kind> '<name>'; did you mean ...?; its <kind>s: ...``.

        >>> str(NotFoundError.among("issue", "TER", ["TERR", "NATO"], owner="scenario 'x'"))
        "scenario 'x' has no issue 'TER'; did you mean 'TERR'?; its issues: TERR, NATO"
        """
        listed = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
        return cls(
            f"{owner} has no {kind} '{name}'{did_you_mean(name, known)}; its {kind}s: {listed}"
        )


class ConflictError(DetenteError):
    """A save based on a version that is no longer the latest: someone saved meanwhile, and
    saving anyway would silently revert their edit (the API answers 409)."""

    def __init__(self, *, scenario_id: int, base_version: int, latest_version: int) -> None:
        super().__init__(
            f"scenario {scenario_id} was saved as version {latest_version} since version "
            f"{base_version}, which this save is based on; nothing was saved. Look at what "
            f"changed, redo the edit on version {latest_version} and save again"
        )
        self.scenario_id = scenario_id
        self.base_version = base_version
        self.latest_version = latest_version

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments: pickle's default would call the class with the message alone.
        return (_conflict, (self.scenario_id, self.base_version, self.latest_version))


def _conflict(scenario_id: int, base_version: int, latest_version: int) -> ConflictError:
    return ConflictError(
        scenario_id=scenario_id, base_version=base_version, latest_version=latest_version
    )


class ReportError(DetenteError):
    """A report cannot be written (e.g. no Chromium to print the PDF)."""


class ArticleError(DetenteError):
    """A news article cannot be read, a gazetteer or lexicon file is malformed, or an
    extraction engine (the optional language-model endpoint) failed or answered nonsense."""


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """A ``did you mean 'x'?`` hint for a misspelt name, or an empty string."""
    import difflib

    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
