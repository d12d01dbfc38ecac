"""Correlated sampling of uncertain inputs with a Gaussian copula; marginals stay triangular.

Method: draw ``z ~ N(0, C)`` for every draw, where ``C`` is 1 on the diagonal and ``rho`` between
two inputs of the same :class:`Correlated` group (0 otherwise), and take ``u = Φ(z)``. Each
``u[:, k]`` is still uniform on [0, 1], so each input keeps its own triangular distribution after
the inverse CDF; only the dependence between inputs changes. ``rho`` is the correlation of the
latent normals; the rank (Spearman) correlation of the inputs is ``(6/π)·asin(rho/2)``, slightly
smaller (0.58 for rho = 0.6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError
from ..scenario import InputRef

__all__ = ["Correlated", "correlation_matrix", "sample_uniforms"]

FIELDS = ("position", "salience", "capability", "status_quo", "walk_away")

Float = NDArray[np.float64]


@dataclass(frozen=True)
class Correlated:
    """A group of uncertain inputs drawn with one pairwise correlation ``rho``.

    The group is every uncertain input of ``field`` whose actor is in ``actors`` and whose issue
    is in ``issues`` (an empty tuple means all). One actor's saliences across issues:
    ``Correlated("salience", 0.6, actors=("russia",))``; a bloc's positions on one issue:
    ``Correlated("position", 0.8, actors=("france", "uk", "germany"), issues=("TERR",))``.
    """

    field: str
    rho: float
    actors: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Correlated:
        """A group from its command-line form ``FIELD[:ACTORS[:ISSUES]]=RHO``.

        Lists are comma-separated; an empty list means all.

        >>> Correlated.parse("position:france,germany:TERR=0.8")
        Correlated(field='position', rho=0.8, actors=('france', 'germany'), issues=('TERR',))
        >>> Correlated.parse("salience:russia=0.6").describe()
        'salience of russia on all issues (rho=0.6)'
        """
        form = "FIELD[:ACTORS[:ISSUES]]=RHO, e.g. 'position:france,germany:TERR=0.8'"
        spec, sep, rho_text = text.partition("=")
        parts = spec.split(":")
        try:
            rho = float(rho_text)
        except ValueError:
            rho = float("nan")
        if not sep or not 1 <= len(parts) <= 3 or rho != rho:
            raise ModelError(f"a correlated group is written {form}; got '{text}'")
        if parts[0] not in FIELDS:
            raise ModelError(
                f"correlated group '{text}': field must be one of {', '.join(FIELDS)}; "
                f"got '{parts[0]}'"
            )

        def names(k: int) -> tuple[str, ...]:
            listed = parts[k].split(",") if k < len(parts) else []
            return tuple(n.strip() for n in listed if n.strip())

        return cls(parts[0], rho, actors=names(1), issues=names(2))

    def members(self, inputs: Sequence[InputRef]) -> list[int]:
        """Indices of the inputs in this group."""
        return [
            k
            for k, ref in enumerate(inputs)
            if ref.field == self.field
            and (not self.actors or ref.actor in self.actors)
            and (not self.issues or ref.issue in self.issues)
        ]

    def describe(self) -> str:
        who = ",".join(self.actors) or "all actors"
        where = ",".join(self.issues) or "all issues"
        return f"{self.field} of {who} on {where} (rho={self.rho:g})"


def correlation_matrix(inputs: Sequence[InputRef], groups: Sequence[Correlated]) -> Float:
    """The latent correlation matrix ``float[K, K]`` of the uncertain inputs.

    Groups may not share an input, and each needs at least two members and
    ``-1/(m-1) < rho < 1`` (the range in which m equally correlated variables exist).

    >>> from detente.scenario import InputRef
    >>> refs = [InputRef("salience", "ru", i, 50, 60, 70) for i in ("a", "b")]
    >>> correlation_matrix(refs, [Correlated("salience", 0.5, actors=("ru",))]).tolist()
    [[1.0, 0.5], [0.5, 1.0]]
    """
    k = len(inputs)
    matrix = np.eye(k)
    owner: dict[int, Correlated] = {}
    for group in groups:
        members = group.members(inputs)
        if len(members) < 2:
            raise ModelError(
                f"correlated group {group.describe()} matches {len(members)} uncertain input"
                f"{'s' if len(members) != 1 else ''}; it needs at least two (inputs with "
                "low = high are not uncertain)"
            )
        lower = -1.0 / (len(members) - 1)
        if not lower < group.rho < 1.0:
            raise ModelError(
                f"correlated group {group.describe()}: rho must lie between {lower:g} and 1 "
                f"(exclusive) for {len(members)} inputs; got {group.rho:g}"
            )
        for m in members:
            if m in owner:
                raise ModelError(
                    f"input {inputs[m].label} is in two correlated groups "
                    f"({owner[m].describe()} and {group.describe()}); give each input one group"
                )
            owner[m] = group
        idx = np.array(members)
        block = np.full((idx.size, idx.size), group.rho)
        np.fill_diagonal(block, 1.0)
        matrix[np.ix_(idx, idx)] = block
    return matrix


def sample_uniforms(
    inputs: Sequence[InputRef],
    draws: int,
    seed: int,
    groups: Sequence[Correlated] = (),
) -> Float:
    """Uniforms ``float[draws, K]`` for the uncertain inputs, from the run seed.

    Without groups these are exactly the uniforms :func:`detente.scenario.to_arrays` draws itself
    (``default_rng(seed).random((draws, K))``), so a simulation matches ``forecast(draws=...)``.

    >>> from detente.scenario import InputRef
    >>> refs = [InputRef("position", a, "x", 0, 50, 100) for a in ("p", "q")]
    >>> u = sample_uniforms(refs, 20_000, 1, [Correlated("position", 0.9)])
    >>> u.shape, round(float(np.corrcoef(u.T)[0, 1]), 1)
    ((20000, 2), 0.9)
    """
    rng = np.random.default_rng(seed)
    if not groups:
        return rng.random((draws, len(inputs)))
    from scipy.special import ndtr  # the normal CDF; imported here to keep `import detente` light

    chol = np.linalg.cholesky(correlation_matrix(inputs, groups))
    z = rng.standard_normal((draws, len(inputs))) @ chol.T
    uniforms: Float = ndtr(z)
    return uniforms
