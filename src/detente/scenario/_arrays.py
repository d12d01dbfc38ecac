"""A scenario as batch-first arrays: the only thing models see.

Shapes: ``B`` draws, ``N`` actors, ``D`` issues. Positions are on an internal 0–100 scale per
issue (the issue's own scale mapped linearly), saliences in [0, 1].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError
from ._deal_arrays import DealArrays

if TYPE_CHECKING:
    from ._schema import Quantity, Scenario

__all__ = ["InputRef", "ScenarioArrays", "to_arrays", "triangular_ppf", "uncertain_inputs"]

Float = NDArray[np.float64]
Field = Literal[
    "position",
    "salience",
    "capability",
    "status_quo",
    "walk_away",
    "no_deal",
    "horizon",
    "discount",
    "yearly_cost",
    "red_line_min",
    "red_line_max",
    "proposal",
]


@dataclass(frozen=True)
class ScenarioArrays:
    """Batch-first arrays of one scenario.

    Attributes:
        positions: ``float[B, N, D]`` on 0–100; NaN where the actor has no position.
        salience: ``float[B, N, D]`` in [0, 1]; 0 where the actor has no position.
        capability: ``float[B, N, D]`` (>= 0); 0 where the actor has no position.
        mask: ``bool[N, D]``, True where the actor has a position on the issue.
        status_quo: ``float[B, D]`` on 0–100; NaN where the issue has none.
        walk_away: ``float[B, N, D]`` on 0–100; NaN where none is given.
        veto: ``bool[N]``, True for veto players.
        scale_min, scale_max: ``float[D]``, each issue's own scale (for mapping results back).
        deal: the deal sections' inputs (:class:`DealArrays`); None for arrays built by hand.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    positions: Float
    salience: Float
    capability: Float
    mask: NDArray[np.bool_]
    status_quo: Float
    walk_away: Float
    veto: NDArray[np.bool_]
    scale_min: Float
    scale_max: Float
    scenario_id: str = field(default="")
    deal: DealArrays | None = None

    @property
    def draws(self) -> int:
        return int(self.positions.shape[0])

    @property
    def n_actors(self) -> int:
        return int(self.positions.shape[1])

    @property
    def n_issues(self) -> int:
        return int(self.positions.shape[2])

    def _ends(self, ndim: int, axis: int) -> tuple[Float, Float]:
        """Scale ends shaped to broadcast along ``axis`` of an ``ndim``-dimensional array."""
        shape = [1] * ndim
        shape[axis] = self.n_issues
        return self.scale_min.reshape(shape), self.scale_max.reshape(shape)

    def to_issue_scale(self, values: Float, *, axis: int = -1) -> Float:
        """Map internal 0–100 values to each issue's own scale; ``axis`` is the issue axis."""
        values = np.asarray(values, dtype=np.float64)
        lo, hi = self._ends(values.ndim, axis)
        return lo + values * (hi - lo) / 100.0

    def to_internal_scale(self, values: Float, *, axis: int = -1) -> Float:
        """Map values on each issue's own scale to 0–100; ``axis`` is the issue axis."""
        values = np.asarray(values, dtype=np.float64)
        lo, hi = self._ends(values.ndim, axis)
        return 100.0 * (values - lo) / (hi - lo)

    def take(self, draws: slice | NDArray[np.intp]) -> ScenarioArrays:
        """The same scenario restricted to some draws (for chunked runs)."""
        return ScenarioArrays(
            actor_ids=self.actor_ids,
            issue_ids=self.issue_ids,
            positions=self.positions[draws],
            salience=self.salience[draws],
            capability=self.capability[draws],
            mask=self.mask,
            status_quo=self.status_quo[draws],
            walk_away=self.walk_away[draws],
            veto=self.veto,
            scale_min=self.scale_min,
            scale_max=self.scale_max,
            scenario_id=self.scenario_id,
            deal=None if self.deal is None else self.deal.take(draws),
        )

    @classmethod
    def build(
        cls,
        positions: NDArray[np.floating] | list[list[float]],
        salience: NDArray[np.floating] | list[list[float]] | None = None,
        capability: NDArray[np.floating] | list[list[float]] | None = None,
        *,
        status_quo: NDArray[np.floating] | list[float] | None = None,
        mask: NDArray[np.bool_] | None = None,
        veto: NDArray[np.bool_] | list[bool] | None = None,
        walk_away: NDArray[np.floating] | None = None,
        actor_ids: tuple[str, ...] | list[str] | None = None,
        issue_ids: tuple[str, ...] | list[str] | None = None,
        scale_min: NDArray[np.floating] | list[float] | None = None,
        scale_max: NDArray[np.floating] | list[float] | None = None,
    ) -> ScenarioArrays:
        """Arrays from plain numbers, for tests and programmatic use.

        ``positions`` is ``[N]`` (one issue), ``[N, D]`` or ``[B, N, D]`` on 0–100 (or on
        ``scale_min``–``scale_max`` when given); the other arrays broadcast to its shape. Salience
        is in [0, 1] and defaults to 1; capability defaults to 1.

        >>> a = ScenarioArrays.build([40, 60, 100], capability=[1, 1, 2])
        >>> a.positions.shape
        (1, 3, 1)
        """
        pos = np.asarray(positions, dtype=np.float64)
        if pos.ndim == 1:
            pos = pos[:, None]
        if pos.ndim == 2:
            pos = pos[None]
        if pos.ndim != 3:
            raise ModelError(f"positions must be [N], [N, D] or [B, N, D]; got shape {pos.shape}")
        b, n, d = pos.shape

        def full(a: object, default: float) -> Float:
            if a is None:
                return np.full((b, n, d), default)
            arr = np.asarray(a, dtype=np.float64)
            if arr.ndim == 1:
                arr = arr[:, None]
            return np.broadcast_to(arr, (b, n, d)).astype(np.float64)

        lo = np.zeros(d) if scale_min is None else np.asarray(scale_min, dtype=np.float64)
        hi = np.full(d, 100.0) if scale_max is None else np.asarray(scale_max, dtype=np.float64)
        m = np.ones((n, d), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
        internal = 100.0 * (pos - lo) / (hi - lo)
        sq = np.full((b, d), np.nan)
        if status_quo is not None:
            sq_in = np.broadcast_to(np.asarray(status_quo, dtype=np.float64), (b, d))
            sq = 100.0 * (sq_in - lo) / (hi - lo)
        wa = np.full((b, n, d), np.nan)
        if walk_away is not None:
            wa = 100.0 * (full(walk_away, np.nan) - lo) / (hi - lo)
        sal = full(salience, 1.0)
        cap = full(capability, 1.0)
        return cls(
            actor_ids=tuple(actor_ids) if actor_ids else tuple(f"a{i}" for i in range(n)),
            issue_ids=tuple(issue_ids) if issue_ids else tuple(f"i{k}" for k in range(d)),
            positions=np.where(m, internal, np.nan),
            salience=np.where(m, sal, 0.0),
            capability=np.where(m, cap, 0.0),
            mask=m,
            status_quo=sq,
            walk_away=wa,
            veto=np.zeros(n, bool) if veto is None else np.asarray(veto, dtype=bool),
            scale_min=lo,
            scale_max=hi,
        )


@dataclass(frozen=True)
class InputRef:
    """One number of a scenario that a Monte Carlo run may vary.

    ``actor`` is None for an issue's status quo, its no-deal value, the horizon, the discount and
    a proposal's value; ``issue`` is None for an actor-wide capability, a yearly cost of war, the
    horizon and the discount. ``item`` names the proposal of a ``proposal`` value.
    """

    field: Field
    actor: str | None
    issue: str | None
    low: float
    mode: float
    high: float
    item: str | None = None

    @property
    def label(self) -> str:
        who = self.actor or self.item or _ISSUE_WIDE.get(self.field, "status quo")
        where = f"[{self.issue}]" if self.issue else ""
        return f"{who}.{self.field}{where}"


# The owner named in the label of an input that belongs to no actor.
_ISSUE_WIDE = {"no_deal": "no deal", "horizon": "no deal", "discount": "no deal"}


def triangular_ppf(u: Float, low: Float, mode: Float, high: Float) -> Float:
    """Inverse CDF of the triangular distribution, elementwise; point values pass through."""
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    cut = (mode - low) / safe
    left = low + np.sqrt(u * width * (mode - low))
    right = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.where(width > 0, np.where(u < cut, left, right), mode)


def _inputs(scenario: Scenario) -> list[tuple[InputRef, Quantity, bool]]:
    """Every number of the scenario that enters the arrays, in a fixed order.

    The flag says whether the value is on the issue scale (to be mapped to 0–100).
    """
    out: list[tuple[InputRef, Quantity, bool]] = []

    def add(fld: Field, actor: str | None, issue: str | None, q: Quantity, scaled: bool) -> None:
        out.append((InputRef(fld, actor, issue, q.low, q.mode, q.high), q, scaled))

    for issue in scenario.issues:
        if issue.status_quo is not None:
            add("status_quo", None, issue.id, issue.status_quo, True)
    for actor in scenario.actors:
        if actor.capability is not None:
            add("capability", actor.id, None, actor.capability, False)
        for issue_id, stance in actor.issues.items():
            add("position", actor.id, issue_id, stance.position, True)
            add("salience", actor.id, issue_id, stance.salience, False)
            if stance.capability is not None:
                add("capability", actor.id, issue_id, stance.capability, False)
            if stance.walk_away is not None:
                add("walk_away", actor.id, issue_id, stance.walk_away, True)
    # The deal sections come last, so that adding them leaves the order of the others alone.
    if scenario.no_deal is not None:
        nd = scenario.no_deal
        add("horizon", None, None, nd.horizon_years, False)
        add("discount", None, None, nd.discount, False)
        for issue_id, q in nd.issues.items():
            add("no_deal", None, issue_id, q, True)
        for actor_id, q in nd.yearly_cost.items():
            add("yearly_cost", actor_id, None, q, False)
    for actor_id, lines in scenario.red_lines.items():
        for issue_id, line in lines.items():
            if line.min is not None:
                add("red_line_min", actor_id, issue_id, line.min, True)
            if line.max is not None:
                add("red_line_max", actor_id, issue_id, line.max, True)
    for proposal in scenario.proposals:
        for issue_id, q in proposal.issues.items():
            ref = InputRef("proposal", None, issue_id, q.low, q.mode, q.high, proposal.id)
            out.append((ref, q, True))
    return out


def uncertain_inputs(scenario: Scenario) -> list[InputRef]:
    """The scenario's uncertain numbers (low < high), in the order sampling uses."""
    return [ref for ref, q, _ in _inputs(scenario) if q.is_uncertain]


def to_arrays(
    scenario: Scenario,
    *,
    draws: int = 1,
    seed: int | None = 0,
    uniforms: Float | None = None,
    overrides: dict[InputRef, float] | None = None,
) -> ScenarioArrays:
    """Batch-first arrays of a scenario.

    With ``draws=1`` every uncertain number takes its mode. With ``draws > 1`` each uncertain
    number is drawn from its triangular distribution: uniforms ``u[B, K]`` (K = number of
    :func:`uncertain_inputs`) come from ``numpy.random.default_rng(seed)`` unless given (a copula
    may supply correlated ones), and are mapped through the inverse CDF, so the same seed always
    gives the same arrays. ``overrides`` pins chosen inputs (by :class:`InputRef`) to a value on
    every draw, as sensitivity analysis needs.

    >>> from detente import load_scenario
    >>> a = load_scenario("emission-standards-1994").to_arrays()
    >>> a.positions.shape, round(float(a.salience[0, 0, 0]), 2)
    ((1, 10, 1), 0.8)
    """
    if draws < 1:
        raise ModelError(f"draws must be at least 1; got {draws}")
    entries = _inputs(scenario)
    actors = {a: i for i, a in enumerate(scenario.actor_ids)}
    issues = {k: j for j, k in enumerate(scenario.issue_ids)}
    b, n, d = draws, len(actors), len(issues)
    lo = np.array([i.scale.min for i in scenario.issues], dtype=np.float64)
    hi = np.array([i.scale.max for i in scenario.issues], dtype=np.float64)

    k = len(entries)
    low = np.array([q.low for _, q, _ in entries], dtype=np.float64)
    mode = np.array([q.mode for _, q, _ in entries], dtype=np.float64)
    high = np.array([q.high for _, q, _ in entries], dtype=np.float64)
    values = np.broadcast_to(mode, (b, k)).copy()
    uncertain = np.flatnonzero(high > low)
    # A point run uses the modes; given uniforms are always used (a one-draw chunk of a Monte
    # Carlo run is a draw, not a point run).
    if (draws > 1 or uniforms is not None) and uncertain.size:
        if uniforms is None:
            uniforms = np.random.default_rng(seed).random((b, uncertain.size))
        elif uniforms.shape != (b, uncertain.size):
            raise ModelError(
                f"uniforms must have shape (draws, uncertain inputs) = ({b}, {uncertain.size}); "
                f"got {uniforms.shape}"
            )
        values[:, uncertain] = triangular_ppf(
            uniforms, low[uncertain], mode[uncertain], high[uncertain]
        )
    if overrides:
        index = {ref: col for col, (ref, _, _) in enumerate(entries)}
        for ref, value in overrides.items():
            values[:, index[ref]] = value

    positions = np.full((b, n, d), np.nan)
    salience = np.zeros((b, n, d))
    capability = np.zeros((b, n, d))
    actor_capability = np.zeros((b, n))
    has_issue_capability = np.zeros((n, d), dtype=bool)
    walk_away = np.full((b, n, d), np.nan)
    status_quo = np.full((b, d), np.nan)
    mask = np.zeros((n, d), dtype=bool)

    def internal(col: int, j: int) -> Float:
        scaled: Float = 100.0 * (values[:, col] - lo[j]) / (hi[j] - lo[j])
        return scaled

    for col, (ref, _, _) in enumerate(entries):
        i = actors.get(ref.actor) if ref.actor is not None else None
        j = issues.get(ref.issue) if ref.issue is not None else None
        if ref.field == "status_quo" and j is not None:
            status_quo[:, j] = internal(col, j)
        elif ref.field == "capability" and i is not None and j is None:
            actor_capability[:, i] = values[:, col]
        elif i is None or j is None:
            continue
        elif ref.field == "position":
            positions[:, i, j] = internal(col, j)
            mask[i, j] = True
        elif ref.field == "salience":
            salience[:, i, j] = values[:, col] / 100.0
        elif ref.field == "capability":
            capability[:, i, j] = values[:, col]
            has_issue_capability[i, j] = True
        elif ref.field == "walk_away":
            walk_away[:, i, j] = internal(col, j)
    capability = np.where(has_issue_capability, capability, actor_capability[:, :, None])
    capability = np.where(mask, capability, 0.0)
    deal = _deal_arrays(scenario, entries, values, status_quo, actors, issues, internal)
    return ScenarioArrays(
        actor_ids=tuple(actors),
        issue_ids=tuple(issues),
        positions=positions,
        salience=salience,
        capability=capability,
        mask=mask,
        status_quo=status_quo,
        walk_away=walk_away,
        veto=np.array([a.veto for a in scenario.actors], dtype=bool),
        scale_min=lo,
        scale_max=hi,
        scenario_id=scenario.id,
        deal=deal,
    )


def _deal_arrays(
    scenario: Scenario,
    entries: list[tuple[InputRef, Quantity, bool]],
    values: Float,
    status_quo: Float,
    actors: dict[str, int],
    issues: dict[str, int],
    internal: Callable[[int, int], Float],
) -> DealArrays:
    """The deal sections' columns of ``values`` placed into :class:`DealArrays`."""
    b, n, d = values.shape[0], len(actors), len(issues)
    proposal_ids = tuple(p.id for p in scenario.proposals)
    proposal_at = {pid: k for k, pid in enumerate(proposal_ids)}
    no_deal = status_quo.copy()
    horizon, discount = np.zeros(b), np.ones(b)
    yearly_cost = np.zeros((b, n))
    red_min, red_max = np.full((b, n, d), -np.inf), np.full((b, n, d), np.inf)
    proposals = np.broadcast_to(status_quo[:, None, :], (b, len(proposal_ids), d)).copy()
    for col, (ref, _, _) in enumerate(entries):
        i = actors.get(ref.actor) if ref.actor is not None else None
        j = issues.get(ref.issue) if ref.issue is not None else None
        if ref.field == "horizon":
            horizon = values[:, col]
        elif ref.field == "discount":
            discount = values[:, col]
        elif ref.field == "yearly_cost" and i is not None:
            yearly_cost[:, i] = values[:, col]
        elif j is None:
            continue
        elif ref.field == "no_deal":
            no_deal[:, j] = internal(col, j)
        elif ref.field == "red_line_min" and i is not None:
            red_min[:, i, j] = internal(col, j)
        elif ref.field == "red_line_max" and i is not None:
            red_max[:, i, j] = internal(col, j)
        elif ref.field == "proposal" and ref.item is not None:
            proposals[:, proposal_at[ref.item], j] = internal(col, j)
    return DealArrays(
        stated=scenario.no_deal is not None,
        no_deal=no_deal,
        horizon=horizon,
        discount=discount,
        yearly_cost=yearly_cost,
        red_min=red_min,
        red_max=red_max,
        proposal_ids=proposal_ids,
        proposals=proposals,
    )
