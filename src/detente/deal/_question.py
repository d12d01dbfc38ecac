"""The deal question of one scenario on every draw: who must sign, what walking away is worth,
and what each guarantee package pins, breaks and keeps (deal spec §1–§3).

:class:`DealQuestion` gathers, once per run, everything acceptance (:mod:`._accept`) and the
Nash package (:mod:`._nash`) read: the veto players' weights and exponents, their no-deal
utilities (``U_i(no deal) = Σ_k w_ik u_ik(z_k^H) − c_i D``), the no-deal drift that a breach
applies from the deal's terms, the conditions on the internal scale, and per guarantee package
its pinned issues and ``q_d``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError, did_you_mean
from ..scenario import Bound, ChallengerPayoffs, GuaranteePackage, Scenario, ScenarioArrays
from ._keep import KeepChoices, kept_probability
from ._lp import Form
from ._points import nash_exponents
from ._utility import utility, veto_index, walk_away_utility, weights

__all__ = ["NO_PACKAGE", "DealQuestion", "PackageTerms", "Rule"]

Float = NDArray[np.float64]
# The id of "no guarantee package" in conditions, proposals and reports.
NO_PACKAGE = "none"


@dataclass(frozen=True)
class Rule:
    """A condition on the internal scale: veto player ``actor`` (index into the veto players)
    rejects a package where ``if`` holds and ``then`` does not. A side is an issue index with
    bounds, or a set of guarantee package ids (``issue`` is -1 then)."""

    actor: int
    if_issue: int
    if_low: float
    if_high: float
    if_packages: frozenset[str] | None
    then_issue: int
    then_low: float
    then_high: float
    then_packages: frozenset[str] | None


@dataclass(frozen=True)
class PackageTerms:
    """A guarantee package as the deal sees it: the issues it pins (internal scale), and
    ``kept`` = ``q_d`` per draw (1 where the scenario models no keep step)."""

    id: str
    name: str
    pinned: dict[int, float]
    kept: Float
    challenger: int | None


@dataclass(frozen=True)
class DealQuestion:
    """Everything acceptance and the Nash package need, per draw (``V`` veto players).

    ``no_deal`` is ``float[B, V]``; ``definitions`` says per veto player which walk-away was
    used: ``"explicit"`` (given by the caller), ``"walk_away"`` (the scenario's walk-away
    positions), ``"no_deal_path"`` (spec §1) or ``"status_quo"`` (no ``no_deal`` section).
    ``drift`` ``float[B, D]`` is the no-deal path minus the status quo; ``war_cost`` ``float[B, V]``
    is ``c_i D``. ``keep`` is the keep-step choices its packages' ``q_d`` were computed with.
    """

    scenario: Scenario
    arrays: ScenarioArrays
    form: Form
    veto: NDArray[np.int64]
    veto_players: tuple[str, ...]
    weights: Float
    positions: Float
    exponents: Float
    no_deal: Float
    definitions: tuple[str, ...]
    drift: Float
    war_cost: Float
    rules: tuple[Rule, ...]
    seed: int | None = 0
    explicit: dict[str, float] = field(default_factory=dict)
    packages: dict[str, PackageTerms] = field(default_factory=dict)
    keep: KeepChoices = field(default_factory=KeepChoices)

    @property
    def draws(self) -> int:
        return self.arrays.draws

    def utility(self, x: Float) -> Float:
        """``float[B, P, V]``: veto players' utility of packages ``x[B, P, D]``."""
        out: Float = utility(self.arrays, x, form=self.form)[:, :, self.veto]
        return out

    def breach_utility(self, x: Float) -> Float:
        """``float[B, P, V]``: utility if a deal ``x`` breaks: the war resumes from its terms,
        ``clip(x + drift)``, and costs a horizon of war (spec §2.4)."""
        path = np.clip(x + self.drift[:, None, :], 0.0, 100.0)
        out: Float = self.utility(path) - self.war_cost[:, None, :]
        return out

    def defender(self, terms: PackageTerms) -> NDArray[np.bool_]:
        """``bool[V]``: the veto players who bear the breach risk of ``terms`` (all but the
        challenger; nobody where the scenario models no keep step)."""
        out = np.ones(self.veto.size, dtype=bool)
        if terms.challenger is None:
            return np.zeros(self.veto.size, dtype=bool)
        out[terms.challenger] = False
        return out

    def pin(self, x: Float, terms: PackageTerms) -> Float:
        """Packages ``x[..., D]`` with the issues the guarantee package pins set to its values."""
        out = np.array(x, dtype=np.float64, copy=True)
        for j, value in terms.pinned.items():
            out[..., j] = value
        return out


def build_question(
    scenario: Scenario,
    arrays: ScenarioArrays,
    *,
    form: Form = "linear",
    seed: int | None = 0,
    explicit: Mapping[str, float] | None = None,
    keep: KeepChoices = KeepChoices(),
    packages: Mapping[str, PackageTerms] | None = None,
) -> DealQuestion:
    """The deal question of ``scenario`` on ``arrays`` (drawn from it with ``seed``).

    ``explicit`` gives walk-away utilities by actor id (they override everything else).
    ``packages`` reuses the guarantee packages' terms of another question on the same draws
    (``q_d`` does not depend on the scenario's arrays), instead of running the keep step again.
    """
    veto = veto_index(arrays)
    ids = tuple(arrays.actor_ids[i] for i in veto)
    explicit = dict(explicit or {})
    for actor in explicit:
        if actor not in arrays.actor_ids:
            raise ModelError(
                f"walk-away value for unknown actor '{actor}'"
                f"{did_you_mean(actor, arrays.actor_ids)}; the actors are: "
                f"{', '.join(arrays.actor_ids)}"
            )
    deal = arrays.deal
    b, d = arrays.draws, arrays.n_issues
    w_all = weights(arrays)
    sq = np.nan_to_num(arrays.status_quo)
    if deal is not None and deal.stated:
        path = np.where(np.isnan(deal.no_deal), sq, deal.no_deal)
        drift = np.where(np.isnan(arrays.status_quo), 0.0, path - sq)
        # c_i = yearly cost / 100 * the actor's largest weight (spec §1), times D.
        war_cost = deal.yearly_cost / 100.0 * w_all.max(axis=-1) * deal.years[:, None]
    else:
        path = arrays.status_quo
        drift = np.zeros((b, d))
        war_cost = np.zeros((b, arrays.n_actors))
    has_positions: NDArray[np.bool_] = np.asarray(
        ~np.isnan(arrays.walk_away).all(axis=(0, 2)), dtype=bool
    )
    legacy = walk_away_utility(arrays, form=form, values=explicit)
    stated = deal is not None and deal.stated
    if stated:
        unknown = [arrays.issue_ids[j] for j in np.flatnonzero(np.isnan(path).any(axis=0))]
        if unknown:
            raise ModelError(
                f"the no-deal path of scenario '{scenario.id}' is unknown on issue "
                f"'{unknown[0]}': give the issue a 'status_quo' or a value under 'no_deal.issues'"
            )
        nd = utility(arrays, path[:, None, :], form=form)[:, 0, :] - war_cost
        use_path = np.array(
            [a not in explicit and not has_positions[i] for i, a in enumerate(arrays.actor_ids)]
        )
        no_deal_all = np.where(use_path[None, :], nd, legacy)
    else:
        no_deal_all = legacy
    definitions = tuple(
        "explicit"
        if arrays.actor_ids[i] in explicit
        else "walk_away"
        if has_positions[i]
        else ("no_deal_path" if stated else "status_quo")
        for i in veto
    )
    question = DealQuestion(
        scenario=scenario,
        arrays=arrays,
        form=form,
        veto=veto,
        veto_players=ids,
        weights=w_all[:, veto],
        positions=np.nan_to_num(arrays.positions[:, veto]),
        exponents=nash_exponents(arrays),
        no_deal=no_deal_all[:, veto],
        definitions=definitions,
        drift=drift,
        war_cost=war_cost[:, veto],
        rules=_rules(scenario, arrays, ids),
        seed=seed,
        explicit=explicit,
        keep=keep,
    )
    if packages is not None:
        question.packages.update(packages)
        return question
    for package in _packages(scenario):
        question.packages[package.id] = _terms(question, package, seed, keep)
    if not question.packages:
        # No guarantee package at all: nothing pins an issue and no keep step is modelled.
        question.packages[NO_PACKAGE] = PackageTerms(
            NO_PACKAGE, "No guarantee package", {}, np.ones(arrays.draws), None
        )
    return question


def _packages(scenario: Scenario) -> list[GuaranteePackage]:
    """The scenario's guarantee packages, with "none" first: the listed one if the scenario
    has it, else no guarantor against the first package's challenger."""
    listed = list(scenario.guarantees)
    if not listed or any(p.id == NO_PACKAGE for p in listed):
        return sorted(listed, key=lambda p: p.id != NO_PACKAGE)
    first = listed[0]
    none = GuaranteePackage(
        id=NO_PACKAGE,
        name="No guarantee package",
        challenger=first.challenger,
        defender=first.defender,
        payoffs=ChallengerPayoffs(
            status_quo=first.payoffs.status_quo, unanswered_attack=first.payoffs.unanswered_attack
        ),
    )
    return [none, *listed]


def _terms(
    question: DealQuestion, package: GuaranteePackage, seed: int | None, keep: KeepChoices
) -> PackageTerms:
    arrays = question.arrays
    scenario = question.scenario
    pinned = {
        arrays.issue_ids.index(k): scenario.issue(k).scale.to_internal(value)
        for k, value in package.issue_value.items()
    }
    challenger = (
        question.veto_players.index(package.challenger)
        if package.challenger in question.veto_players
        else None
    )
    return PackageTerms(
        id=package.id,
        name=package.name,
        pinned=pinned,
        kept=kept_probability(package, arrays.draws, seed, choices=keep),
        challenger=challenger,
    )


def _rules(scenario: Scenario, arrays: ScenarioArrays, veto: tuple[str, ...]) -> tuple[Rule, ...]:
    """The veto players' conditions on the internal scale (others' conditions bind nobody)."""
    out = []

    def side(bound: Bound) -> tuple[int, float, float, frozenset[str] | None]:
        if bound.package is not None:
            return -1, -np.inf, np.inf, frozenset(bound.package)
        j = arrays.issue_ids.index(bound.issue or "")
        scale = scenario.issues[j].scale
        low = -np.inf if bound.min is None else scale.to_internal(bound.min)
        high = np.inf if bound.max is None else scale.to_internal(bound.max)
        return j, low, high, None

    for c in scenario.conditions:
        if c.actor not in veto:
            continue
        out.append(Rule(veto.index(c.actor), *side(c.if_), *side(c.then)))
    return tuple(out)
