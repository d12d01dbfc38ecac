"""``check_deal``: the scenario-level door — is there a deal, who blocks, which trades open one.

Couples the guarantee module (item 6 of the issue): with ``package=ID`` the challenger's
walk-away utility becomes the expected value of renewed conflict under that guarantee package,
``u(walk-away positions) + payoff_scale * E[EU_Ch(attack) - c_SQ]``: a package that makes renewed
attack worse lowers the challenger's walk-away and widens the zone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import models
from ..errors import DetenteError, ModelError
from ..guarantees import GuaranteeAssessment, assess_guarantees
from ..scenario import Scenario, ScenarioArrays, load_scenario, require_reviewed
from ._frontier import Frontier, pareto_frontier
from ._lp import Form
from ._points import closest_acceptable, nash_bargaining
from ._trades import Trade, package_deals
from ._utility import walk_away_utility
from ._zone import Zone, zone_of_agreement

__all__ = ["DealReport", "check_deal"]

Float = NDArray[np.float64]


@dataclass(frozen=True)
class DealReport:
    """Everything :func:`check_deal` found, per draw and summarised (values on issue scales).

    ``closest`` maps a model name to ``float[B, D]`` (NaN on draws with no zone); ``nash`` is
    ``float[B, D]``; ``frontier`` and ``trades`` are computed on the modal scenario (every
    uncertain number at its mode; ``frontier_packages`` is on issue scales).
    ``skipped_models`` names models that could not run on this scenario, with the reason.
    """

    scenario_id: str
    issue_ids: tuple[str, ...]
    draws: int
    seed: int | None
    form: Form
    package: str | None
    zone: Zone
    low: Float
    high: Float
    center: Float
    around_low: Float
    around_high: Float
    closest: dict[str, Float]
    nash: Float
    frontier: Frontier
    frontier_packages: Float
    trades: list[Trade]
    guarantee: GuaranteeAssessment | None = None
    skipped_models: dict[str, str] = field(default_factory=dict)

    @property
    def p_deal(self) -> float:
        """P(a deal exists): the share of draws where some package suits every veto player."""
        return self.zone.p_exists

    @property
    def zone_exists(self) -> bool:
        """Whether the zone is non-empty on most draws (on the only draw for a point run)."""
        return self.p_deal >= 0.5

    def reason(self) -> str:
        """Why no agreement is possible (empty when a zone exists on most draws)."""
        if self.zone_exists:
            return ""
        blockers = self.blockers()
        if not blockers:
            return (
                "no package satisfies every veto player, and no single veto player's veto alone "
                "closes the zone: at least two would have to accept less than walking away"
            )
        parts = [
            f"{b['actor']} blocks in {b['p_blocks']:.0%} of draws (without its veto the others "
            f"would agree, but the best package they accept leaves {b['actor']} "
            f"{-b['shortfall']:.3f} below its walk-away utility)"
            for b in blockers
        ]
        return "no package satisfies every veto player: " + "; ".join(parts)

    def blockers(self) -> list[dict[str, Any]]:
        """Veto players whose veto alone closes the zone, with how often and by how much."""
        out = []
        z = self.zone
        for i, actor in enumerate(z.veto_players):
            share = float(z.blockers[:, i].mean())
            if share > 0:
                short = z.shortfall[:, i]
                out.append(
                    {
                        "actor": actor,
                        "p_blocks": share,
                        "shortfall": float(np.nanmedian(short)),
                    }
                )
        return sorted(out, key=lambda b: -b["p_blocks"])

    def binding(self) -> list[dict[str, Any]]:
        """Per issue: the zone's extent, the range around the centre package and who binds.

        Values are medians over draws on the issue's scale; ``binds_low``/``binds_high`` name the
        veto player (most often, with its share of draws) who stops the issue moving further from
        the centre package, None where the scale's end comes first.
        """
        z = self.zone
        out = []
        for j, issue in enumerate(self.issue_ids):
            row: dict[str, Any] = {
                "issue": issue,
                "low": float(np.median(self.low[:, j])),
                "high": float(np.median(self.high[:, j])),
                "center": float(np.median(self.center[:, j])),
                "around_low": float(np.median(self.around_low[:, j])),
                "around_high": float(np.median(self.around_high[:, j])),
            }
            for end, who in (("low", z.binds_low[:, j]), ("high", z.binds_high[:, j])):
                counts = Counter(int(k) for k in who)
                top, n = counts.most_common(1)[0]
                row[f"binds_{end}"] = z.veto_players[top] if top >= 0 else None
                row[f"p_binds_{end}"] = n / who.size
            out.append(row)
        return out

    def to_json(self) -> dict[str, Any]:
        def by_issue(values: Float) -> dict[str, float] | None:
            ok = ~np.isnan(values).any(-1)
            if not ok.any():
                return None
            med = np.median(values[ok], axis=0)
            return {k: float(v) for k, v in zip(self.issue_ids, med, strict=True)}

        z = self.zone
        frontier = self.frontier
        return {
            "scenario": self.scenario_id,
            "draws": self.draws,
            "seed": self.seed,
            "utility": self.form,
            "guarantee_package": self.package,
            "p_deterrence": self.guarantee.p_deterrence if self.guarantee else None,
            "veto_players": list(z.veto_players),
            "walk_away": {a: float(z.walk_away[:, i].mean()) for i, a in enumerate(z.veto_players)},
            "p_deal": self.p_deal,
            "zone_exists": self.zone_exists,
            "reason": self.reason(),
            "surplus": float(np.median(z.surplus)),
            "blockers": self.blockers(),
            "issues": self.binding(),
            "closest_to_forecast": {m: by_issue(v) for m, v in self.closest.items()},
            "skipped_models": self.skipped_models,
            "nash": by_issue(self.nash),
            "trades": [
                {
                    "rank": k + 1,
                    "package": dict(zip(self.issue_ids, t.package, strict=True)),
                    "moves": [
                        {
                            "issue": m.issue,
                            "from": m.from_value,
                            "to": m.to_value,
                            "gives": list(m.gives),
                            "gains": list(m.gains),
                        }
                        for m in t.moves
                    ],
                    "gains": t.gains,
                    "joint_gain": t.joint_gain,
                    "p_preferred": t.p_preferred,
                    "p_acceptable": t.p_acceptable,
                    "description": t.describe(),
                }
                for k, t in enumerate(self.trades)
            ],
            "frontier": {
                "points": [
                    {
                        "utilities": dict(zip(frontier.veto_players, u.tolist(), strict=True)),
                        "package": dict(zip(self.issue_ids, p.tolist(), strict=True)),
                        "acceptable": bool(ok),
                    }
                    for u, p, ok in zip(
                        frontier.utilities,
                        self.frontier_packages,
                        frontier.acceptable,
                        strict=True,
                    )
                ],
                "projections": {k: v.tolist() for k, v in frontier.projections().items()},
            },
        }


def _forecast_targets(arrays: ScenarioArrays) -> tuple[list[str], Float, dict[str, str]]:
    """Every registered model's forecast on the arrays, ``float[B, M, D]`` on 0–100."""
    names, outcomes, skipped = [], [], {}
    for name in models.names():
        try:
            forecast = models.get(name)(arrays)
        except DetenteError as exc:
            skipped[name] = str(exc)
            continue
        names.append(name)
        outcomes.append(arrays.to_internal_scale(forecast.outcome))
    if not outcomes:
        return names, np.zeros((arrays.draws, 0, arrays.n_issues)), skipped
    return names, np.stack(outcomes, axis=1), skipped


def check_deal(
    scenario: Scenario | str | Path,
    *,
    package: str | None = None,
    draws: int = 1,
    seed: int | None = 0,
    form: Form = "linear",
    top: int = 10,
    payoff_scale: float = 1.0,
    guarantee_draws: int = 20_000,
    walk_away: Mapping[str, float] | None = None,
) -> DealReport:
    """Is there a deal? The zone of possible agreement among veto players, and how to open it.

    ``draws > 1`` samples the scenario's uncertain inputs (seeded), so ``p_deal`` is P(a deal
    exists). ``package`` takes the challenger's walk-away from the guarantee module (see the
    module docstring); ``payoff_scale`` converts its payoff units into deal utility (1: the
    package's payoffs are already in the challenger's normalised utility); the expected value of
    renewed conflict is a Monte Carlo mean over ``guarantee_draws`` draws of the package.
    ``walk_away`` gives explicit walk-away utilities by actor id; they take precedence.
    """
    sc = require_reviewed(scenario if isinstance(scenario, Scenario) else load_scenario(scenario))
    if draws < 1:
        raise ModelError(f"draws must be at least 1; got {draws}")
    if not np.isfinite(payoff_scale) or payoff_scale <= 0:
        raise ModelError(f"payoff_scale must be > 0; got {payoff_scale}")
    arrays = sc.to_arrays(draws=draws, seed=seed)
    modes = sc.to_arrays(draws=1)
    values: dict[str, Float] = {}
    modal_values: dict[str, float] = {}
    guarantee = None
    if package is not None:
        guarantee = assess_guarantees(
            sc, package, draws=guarantee_draws, seed=seed, sensitivity=False
        )
        challenger = guarantee.package.challenger
        col = arrays.actor_ids.index(challenger)
        shift = payoff_scale * guarantee.expected_attack_gain
        values[challenger] = walk_away_utility(arrays, form=form)[:, col] + shift
        modal_values[challenger] = float(walk_away_utility(modes, form=form)[0, col] + shift)
    for actor, value in (walk_away or {}).items():
        values[actor] = np.full(arrays.draws, float(value))
        modal_values[actor] = float(value)
    wa = walk_away_utility(arrays, form=form, values=values)
    wa_modes = walk_away_utility(modes, form=form, values=modal_values)
    zone = zone_of_agreement(arrays, walk_away=wa, form=form)
    names, targets, skipped = _forecast_targets(arrays)
    closest_internal = closest_acceptable(
        arrays, targets, walk_away=wa, exists=zone.exists, form=form
    )
    nash = nash_bargaining(arrays, walk_away=wa, exists=zone.exists, form=form)
    frontier = pareto_frontier(modes, walk_away=wa_modes, form=form)
    trades = package_deals(arrays, walk_away=wa, top=top, form=form, ranking=modes)
    return DealReport(
        scenario_id=sc.id,
        issue_ids=arrays.issue_ids,
        draws=draws,
        seed=seed,
        form=form,
        package=package,
        zone=zone,
        low=arrays.to_issue_scale(zone.low),
        high=arrays.to_issue_scale(zone.high),
        center=arrays.to_issue_scale(zone.center),
        around_low=arrays.to_issue_scale(zone.around_low),
        around_high=arrays.to_issue_scale(zone.around_high),
        closest={n: arrays.to_issue_scale(closest_internal[:, k]) for k, n in enumerate(names)},
        nash=arrays.to_issue_scale(nash),
        frontier=frontier,
        frontier_packages=modes.to_issue_scale(frontier.packages),
        trades=trades,
        guarantee=guarantee,
        skipped_models=skipped,
    )
