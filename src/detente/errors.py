"""Typed errors. Every error names where the problem is and what was expected.

Exception tree::

    DetenteError (ValueError)
    ├── ScenarioError   a scenario file or object is invalid; holds every problem found
    ├── ModelError      a model, a parameter or a model input is invalid
    └── ArticleError    a news article, gazetteer, lexicon or extraction engine failed

All subclass :class:`ValueError`, so generic handlers still work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ArticleError", "DetenteError", "ModelError", "Problem", "ScenarioError"]


class DetenteError(ValueError):
    """Base class of every error Détente raises on purpose."""


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
        given = self.given
        if given is not None and not isinstance(given, str | int | float | bool):
            given = repr(given)
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
        super().__init__(self.render())

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


class ModelError(DetenteError):
    """A model name, a parameter or a model input is invalid."""


class ArticleError(DetenteError):
    """A news article cannot be read, a gazetteer or lexicon file is malformed, or an
    extraction engine (the optional language-model endpoint) failed or answered nonsense."""


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """A ``did you mean 'x'?`` hint for a misspelt name, or an empty string."""
    import difflib

    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
