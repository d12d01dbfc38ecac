"""``check_deal``: the scenario-level door — would the veto players sign, would it hold, who
blocks, what would it take (deal spec §1–§7).

The headline is the viability table: per guarantee package, P(accept), P(kept | accepted) and
P(viable) with their structural range and estimative words (:mod:`._viability`,
:mod:`._confidence`), the named proposals, and what it would take (:mod:`._takes`). The zone's
geometry (extent per issue, who binds, trades, the Pareto frontier, the packages closest to each
model's forecast) is described on the most likely inputs, with the no-deal utilities of §1 as
walk-aways; guarantees no longer enter anybody's walk-away (spec §3).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .. import models
from ..errors import DetenteError, ModelError, did_you_mean
from ..estimative import range_words, words
from ..scenario import Scenario, ScenarioArrays, load_scenario, require_reviewed
from ._confidence import Variant, structural_variants
from ._frontier import Frontier, pareto_frontier
from ._lp import Form
from ._points import closest_acceptable, nash_bargaining
from ._question import build_question
from ._takes import Lever, what_it_takes
from ._trades import Trade, package_deals
from ._utility import walk_away_utility
from ._viability import ProposalResult, Viability, kept_over, proposal_result, viability
from ._zone import Zone, zone_of_agreement

__all__ = ["DealReport", "check_deal"]

Float = NDArray[np.float64]


@dataclass(frozen=True)
class DealReport:
    """Everything :func:`check_deal` found (values on issue scales).

    The headline, over the run's draws: ``viability`` (one row per guarantee package, the Nash
    package under it as the deal on the table), ``variants`` (per package, the structural
    variants of spec §7), ``proposals`` and ``levers`` (what it would take, for the ``headline``
    package: the one asked for, else the most viable; where no single lever moves that one, the
    next package in order of P(kept) that has one). ``definitions`` says per veto player which
    walk-away was used. The zone's geometry — ``zone`` and the arrays after it, ``closest`` (per
    model), ``frontier`` and ``trades`` — is computed on the most likely inputs (one draw).
    ``skipped_models`` names models that could not run on this scenario, with the reason.
    """

    scenario_id: str
    issue_ids: tuple[str, ...]
    draws: int
    seed: int | None
    form: Form
    package: str | None
    headline: str
    definitions: dict[str, str]
    viability: list[Viability]
    variants: dict[str, list[Variant]]
    proposals: list[ProposalResult]
    levers: list[Lever]
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
    scale_min: Float
    scale_max: Float
    skipped_models: dict[str, str] = field(default_factory=dict)

    def row(self, package: str) -> Viability:
        """The viability row of one guarantee package."""
        return next(r for r in self.viability if r.package == package)

    def range(self, package: str) -> tuple[float, float]:
        """The structural range of P(viable) for ``package`` (baseline and every variant)."""
        return self.spread(package, "p_viable")

    def spread(self, package: str, measure: str) -> tuple[float, float]:
        """The lowest and highest value of ``measure`` ('p_accept', 'p_kept' or 'p_viable')
        for ``package`` across the baseline and every structural variant."""
        values = [getattr(v, measure) for v in self.variants[package]]
        return min(values), max(values)

    def viability_frame(self) -> pd.DataFrame:
        """The viability table, a row per guarantee package (what the run page and the CSV
        download show): the three probabilities, the structural range of P(viable) with its
        words, and who blocks on what share of draws."""
        rows = []
        for r in self.viability:
            lo, hi = self.range(r.package)
            rows.append(
                {
                    "package": r.package,
                    "p_accept": r.p_accept,
                    "p_kept": r.p_kept,
                    "p_kept_over": kept_over(r.accepted),
                    "p_viable": r.p_viable,
                    "range_low": lo,
                    "range_high": hi,
                    "words": range_words(lo, hi),
                    "blockers": "; ".join(f"{a} {s:.2f}" for a, s in r.blockers.items()),
                }
            )
        return pd.DataFrame(rows)

    @property
    def p_deal(self) -> float:
        """P(accept) of the headline package: the share of draws on which every veto player
        signs the deal on the table."""
        return self.row(self.headline).p_accept

    @property
    def zone_exists(self) -> bool:
        """Whether the zone is non-empty on most draws (on the only draw for a point run)."""
        return self.p_deal >= 0.5

    def reason(self) -> str:
        """Why the headline deal is not signed on most draws (empty when it is)."""
        if self.zone_exists:
            return ""
        row = self.row(self.headline)
        point = self.draws == 1  # one draw: no probability, not even as a share of draws
        parts = []
        if row.red_lines:
            lines = ", ".join(
                k if point else f"{k} ({v:.0%} of draws)" for k, v in row.red_lines.items()
            )
            parts.append(f"red lines close the zone: {lines}")
        for b in self.blockers():
            where = f" on {b['issue']}" if b["issue"] else ""
            often = "" if point else f" in {b['p_blocks']:.0%} of draws"
            parts.append(
                f"{b['actor']} blocks{often} ({b['reason']}{where}: without its veto the others "
                "would agree)"
            )
        if not parts:
            return (
                "no package satisfies every veto player, and no single veto player's veto alone "
                "closes the zone: at least two would have to accept less than walking away"
            )
        return "no package satisfies every veto player: " + "; ".join(parts)

    def blockers(self) -> list[dict[str, Any]]:
        """Under the headline package: veto players whose veto alone blocks, how often, why."""
        row = self.row(self.headline)
        return [
            {
                "actor": actor,
                "p_blocks": share,
                "reason": row.reasons[actor],
                "issue": row.issues[actor],
            }
            for actor, share in row.blockers.items()
        ]

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

    def _row_json(self, row: Viability, to_scale: Any) -> dict[str, Any]:
        lo, hi = self.range(row.package)
        nash = to_scale(row.nash[row.accepted]) if row.accepted.any() else None
        return {
            "package": row.package,
            "name": row.name,
            "p_accept": row.p_accept,
            "p_kept": row.p_kept,
            "p_kept_over": kept_over(row.accepted),
            "p_viable": row.p_viable,
            "range": [lo, hi],
            "words": range_words(lo, hi),
            "blockers": row.blockers,
            "block_reasons": {
                a: {"reason": row.reasons[a], "issue": row.issues[a]} for a in row.blockers
            },
            "red_lines": row.red_lines,
            "variants": [
                {
                    "variant": v.label,
                    "p_accept": v.p_accept,
                    "p_kept": v.p_kept,
                    "p_viable": v.p_viable,
                }
                for v in self.variants[row.package]
            ],
            "nash": None
            if nash is None
            else dict(zip(self.issue_ids, np.median(nash, axis=0).tolist(), strict=True)),
        }

    def to_json(self) -> dict[str, Any]:
        def by_issue(values: Float) -> dict[str, float] | None:
            ok = ~np.isnan(values).any(-1)
            if not ok.any():
                return None
            med = np.median(values[ok], axis=0)
            return {k: float(v) for k, v in zip(self.issue_ids, med, strict=True)}

        z = self.zone
        frontier = self.frontier

        def issue_scale(values: Float) -> Float:
            out: Float = self.scale_min + values * (self.scale_max - self.scale_min) / 100.0
            return out

        return {
            "scenario": self.scenario_id,
            "draws": self.draws,
            "seed": self.seed,
            "utility": self.form,
            "guarantee_package": self.package,
            "headline_package": self.headline,
            "walk_away_definition": self.definitions,
            "viability": [self._row_json(r, issue_scale) for r in self.viability],
            "proposals": [
                {
                    "id": p.id,
                    "title": p.title,
                    "package": p.package,
                    "p_accept": p.p_accept,
                    "p_kept": p.p_kept,
                    "p_kept_over": kept_over(p.accepted),
                    "words": words(p.p_accept),
                    "by_actor": p.by_actor,
                }
                for p in self.proposals
            ],
            "what_it_takes": [lever.to_json() for lever in self.levers],
            "p_deterrence": float(self.row(self.headline).kept.mean()),
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
    walk_away: Mapping[str, float] | None = None,
    progress: Callable[[float], None] | None = None,
) -> DealReport:
    """Would the veto players sign, would it hold, who blocks and what would it take.

    ``draws > 1`` samples the scenario's uncertain inputs (seeded). Every guarantee package of
    the scenario (and "none") gets a viability row; ``package`` picks the headline package (the
    one "what it would take" works on; default: the most viable). ``walk_away`` gives explicit
    walk-away utilities by actor id; they override the no-deal path. "No deal" and boundary cases
    are results with reasons, never exceptions. ``progress`` is called with the share of the
    steps done (each package's row, what it would take, the proposals, the structural variants,
    the zone's geometry) as each ends; a service's callback may raise there to stop the check.
    """
    sc = require_reviewed(scenario if isinstance(scenario, Scenario) else load_scenario(scenario))
    if draws < 1:
        raise ModelError(f"draws must be at least 1; got {draws}")
    explicit = {a: float(v) for a, v in (walk_away or {}).items()}
    arrays = sc.to_arrays(draws=draws, seed=seed)
    question = build_question(sc, arrays, form=form, seed=seed, explicit=explicit)
    if package is not None and package not in question.packages:
        ids = list(question.packages)
        raise ModelError(
            f"unknown guarantee package '{package}'{did_you_mean(package, ids)}; the packages "
            f"of '{sc.id}' are: {', '.join(ids)}"
        )
    steps = len(question.packages) + 4
    done = [0]

    def step() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0] / steps)

    rows = []
    for terms in question.packages.values():
        rows.append(viability(question, terms))
        step()
    headline = package or max(rows, key=lambda r: (r.p_viable, r.p_accept, r.p_kept)).package
    # What it would take: for the headline package, or where no single lever moves it, for the
    # next packages in order of P(kept) (each lever names its package).
    order = sorted(rows, key=lambda r: (r.package != headline, -r.p_kept))
    levers: list[Lever] = []
    for row in order if package is None else order[:1]:
        levers = what_it_takes(question, row, rows)
        if levers:
            break
    step()
    proposals = [proposal_result(question, k) for k in range(len(sc.proposals))]
    step()
    variants = structural_variants(question, rows)
    step()

    # The zone's geometry on the most likely inputs, with the same walk-away definitions.
    modes = sc.to_arrays(draws=1)
    modal = build_question(sc, modes, form=form, seed=seed, explicit=explicit, packages={})
    wa = walk_away_utility(modes, form=form, values=explicit)
    wa[:, modal.veto] = modal.no_deal
    zone = zone_of_agreement(modes, walk_away=wa, form=form)
    names, targets, skipped = _forecast_targets(modes)
    closest_internal = closest_acceptable(
        modes, targets, walk_away=wa, exists=zone.exists, form=form
    )
    nash = nash_bargaining(modes, walk_away=wa, exists=zone.exists, form=form)
    frontier = pareto_frontier(modes, walk_away=wa, form=form)
    trades = package_deals(modes, walk_away=wa, top=top, form=form, ranking=modes)
    step()
    return DealReport(
        scenario_id=sc.id,
        issue_ids=arrays.issue_ids,
        draws=draws,
        seed=seed,
        form=form,
        package=package,
        headline=headline,
        definitions=dict(zip(question.veto_players, question.definitions, strict=True)),
        viability=rows,
        variants=variants,
        proposals=proposals,
        levers=levers,
        zone=zone,
        low=modes.to_issue_scale(zone.low),
        high=modes.to_issue_scale(zone.high),
        center=modes.to_issue_scale(zone.center),
        around_low=modes.to_issue_scale(zone.around_low),
        around_high=modes.to_issue_scale(zone.around_high),
        closest={n: modes.to_issue_scale(closest_internal[:, k]) for k, n in enumerate(names)},
        nash=modes.to_issue_scale(nash),
        frontier=frontier,
        frontier_packages=modes.to_issue_scale(frontier.packages),
        trades=trades,
        scale_min=arrays.scale_min,
        scale_max=arrays.scale_max,
        skipped_models=skipped,
    )
