"""Commands that check deals and guarantees: ``deal`` and ``guarantees``.

The text builders (:func:`deal_text`, :func:`guarantees_text`, :func:`show_case`) take results or
a scenario and return readable words, so ``make demo`` can print the same as the commands.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
import typer

from ..deal import DealReport, check_deal
from ..errors import ModelError
from ..guarantees import CAVEATS, GuaranteeAssessment, Variant, assess_guarantees
from ..scenario import Scenario, load_scenario
from ._app import app, console, handle_errors, print_json

__all__ = ["deal_text", "guarantees_text", "show_case"]

ScenarioArg = Annotated[
    str, typer.Argument(help="A scenario file (YAML, CSV, XLSX) or a built-in name.")
]


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def deal_text(report: DealReport, *, trades: int = 3) -> str:
    """The deal check in words: is there a zone, who blocks or binds, which trades help."""
    z = report.zone
    head = f"Deal check — {report.scenario_id}"
    if report.package is not None:
        head += f" with guarantee package '{report.package}'"
    lines = [head + f" ({report.draws} draw{'s' if report.draws != 1 else ''})"]
    lines.append("  veto players: " + ", ".join(z.veto_players))
    walk = ", ".join(
        f"{a} {float(z.walk_away[:, i].mean()):+.3f}" for i, a in enumerate(z.veto_players)
    )
    lines.append(f"  walk-away utilities (0 = own ideal, -1 = worst): {walk}")
    if report.guarantee is not None:
        g = report.guarantee
        lines.append(
            f"  {g.package.challenger}'s walk-away = renewed conflict under '{g.package.id}': "
            f"P(deterrence holds) {g.p_deterrence:.2f}, expected gain of renewed attack "
            f"{g.expected_attack_gain:+.3f}"
        )
    if report.zone_exists:
        lines.append(
            f"  a zone of possible agreement exists: P(a deal exists) = {report.p_deal:.2f}, "
            f"every veto player gains at least {float(np.median(z.surplus)):.3f} at best"
        )
    else:
        lines.append(f"  NO zone of possible agreement: P(a deal exists) = {report.p_deal:.2f}")
        lines.append("  " + report.reason())
    if report.zone_exists:
        lines.append(
            "  per issue: value in the Nash package; how far the issue alone can move from it "
            "before a veto player walks away (who); the zone's full extent:"
        )
    else:
        lines.append(
            "  per issue: value in the package closest to agreement (equal shortfall); which "
            "veto player stops it moving lower / higher:"
        )
    for row in report.binding():
        low_by = row["binds_low"] or "scale end"
        high_by = row["binds_high"] or "scale end"
        if report.zone_exists:
            lines.append(
                f"    {row['issue']}: {_fmt(row['center'])}; {_fmt(row['around_low'])} "
                f"({low_by}) to {_fmt(row['around_high'])} ({high_by}); extent "
                f"{_fmt(row['low'])}–{_fmt(row['high'])}"
            )
        else:
            lines.append(
                f"    {row['issue']}: {_fmt(row['center'])}; lower blocked by {low_by}, higher "
                f"by {high_by}"
            )
    nash = report.to_json()["nash"]
    if nash is not None:
        lines.append(
            "  Nash bargaining package: " + ", ".join(f"{k} {_fmt(v)}" for k, v in nash.items())
        )
    if report.trades:
        lines.append("  trades every veto player prefers to the status quo (best joint gain):")
        for k, trade in enumerate(report.trades[:trades], start=1):
            opens = (
                "clears every walk-away"
                if trade.p_acceptable >= 0.5
                else "does not clear every walk-away"
            )
            lines.append(
                f"    {k}. {trade.describe()} — joint gain {trade.joint_gain:.3f}, {opens} "
                f"(P = {trade.p_acceptable:.2f})"
            )
    else:
        lines.append(
            "  no cross-issue trade makes every veto player better off than the status quo"
        )
    return "\n".join(lines)


def _structural(a: GuaranteeAssessment) -> str:
    """Which structural choices the headline range spans, in words."""
    choices = ["reliability priors"]
    if len({v.attribution for v in a.variants}) > 1:
        choices.append("attribution")
    if len({v.sigma_c for v in a.variants}) > 1:
        choices.append("independent vs correlated guarantors")
    return ", ".join(choices[:-1]) + (" and " if len(choices) > 1 else "") + choices[-1]


def _variant(v: Variant) -> str:
    correlation = "independent" if v.sigma_c == 0 else f"correlated (sigma_c {v.sigma_c:g})"
    return f"{v.prior} prior, attribution {v.attribution:g}, {correlation}: {v.p_deterrence:.3f}"


def guarantees_text(assessments: list[GuaranteeAssessment], *, caveats: bool = True) -> str:
    """How likely deterrence holds under each package, with pivotal guarantors and caveats.

    The headline is the range across the structural variants in estimative words (deal spec §7);
    the Monte Carlo error, far smaller than that range, is a detail line. One draw prints no
    probability.
    """
    lines = []
    for a in assessments:
        r = a.result
        pkg = a.package
        lines.append(f"Guarantee package '{pkg.id}' ({pkg.name}):")
        if r.draws == 1:
            verdict = "deterred" if bool(r.deterred[0]) else "not deterred"
            lines.append(
                f"  one draw gives no probability: on it, {pkg.challenger} is {verdict} "
                "(use --draws 1000 or more)"
            )
        else:
            lines.append(
                f"  deterrence of {pkg.challenger} holds: {a.words} across {_structural(a)}"
            )
            lo, hi = a.range
            if hi > lo:
                low = next(v for v in a.variants if v.p_deterrence == lo)
                high = next(v for v in a.variants if v.p_deterrence == hi)
                lines.append(f"  lowest with {_variant(low)}; highest with {_variant(high)}")
            lines.append(
                f"  on the package's own inputs P(deterrence of {pkg.challenger} holds) = "
                f"{r.p_deterrence:.3f} (Monte Carlo error ± {r.standard_error:.3f}, "
                f"{r.draws:,} draws)"
            )
        if not pkg.guarantors:
            lines.append("  no guarantor: nothing answers a renewed attack (capability fails)")
            continue
        q = r.q_eff
        t = r.t_hard
        if q["mean"] is not None and t["mean"] is not None:
            lines.append(
                f"  q_eff (cost-weighted probability the defender side fights) mean "
                f"{q['mean']:.3f}; threshold t_H mean {t['mean']:.3f}; P(capable) {r.p_capable:.2f}"
            )
        if r.draws > 1:
            lines.append("  by prior: " + ", ".join(f"{k} {v:.3f}" for k, v in a.by_prior.items()))
        pivots = sorted(zip(r.guarantors, r.pivotal_effect, strict=True), key=lambda x: -x[1])
        lines.append(
            "  pivotal effect (P lost without the guarantor): "
            + ", ".join(f"{g} {e:.3f}" for g, e in pivots)
        )
    if caveats:
        lines.append("Caveats (deterrence spec §7.4):")
        lines += [f"  - {c}" for c in CAVEATS]
    return "\n".join(lines)


def show_case(
    scenario: Scenario | str, *, draws: int = 1, seed: int = 0, guarantee_draws: int = 100_000
) -> str:
    """The demo's view of a case: deterrence under each package, then the deal without a package
    and under each one."""
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    parts = []
    if sc.guarantees:
        assessments = [assess_guarantees(sc, p.id, draws=guarantee_draws) for p in sc.guarantees]
        parts.append(guarantees_text(assessments))
    parts.append(deal_text(check_deal(sc, draws=draws, seed=seed)))
    for p in sc.guarantees:
        report = check_deal(
            sc, package=p.id, draws=draws, seed=seed, guarantee_draws=min(guarantee_draws, 20_000)
        )
        parts.append(deal_text(report, trades=1))
    return "\n\n".join(parts)


@app.command()
@handle_errors
def deal(
    scenario: ScenarioArg,
    package: Annotated[
        str | None,
        typer.Option(
            "--package",
            help="Guarantee package id: the challenger's walk-away becomes renewed conflict "
            "under it.",
        ),
    ] = None,
    draws: Annotated[
        int, typer.Option(help="Monte Carlo draws of the uncertain inputs (1 = modes).")
    ] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the draws.")] = 0,
    utility: Annotated[
        str, typer.Option(help="Utility form: 'linear' (default) or 'quadratic'.")
    ] = "linear",
    top: Annotated[int, typer.Option(help="How many trades to report.")] = 10,
    walk_away: Annotated[
        list[str] | None,
        typer.Option(
            "--walk-away",
            help="Explicit walk-away utility ACTOR=VALUE (0 = own ideal, -1 = worst; repeatable).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Is there a deal? Zone of agreement among veto players, who blocks, trades that help."""
    if utility not in ("linear", "quadratic"):
        raise ModelError(f"unknown utility form '{utility}'; expected 'linear' or 'quadratic'")
    explicit: dict[str, float] = {}
    for pair in walk_away or []:
        actor, _, value = pair.partition("=")
        try:
            explicit[actor.strip()] = float(value)
        except ValueError:
            raise ModelError(f"--walk-away expects ACTOR=NUMBER; got '{pair}'") from None
    report = check_deal(
        scenario,
        package=package,
        draws=draws,
        seed=seed,
        form="linear" if utility == "linear" else "quadratic",
        top=top,
        walk_away=explicit,
    )
    if as_json:
        print_json(report.to_json())
        return
    console.print(deal_text(report, trades=top), markup=False)


@app.command()
@handle_errors
def guarantees(
    scenario: ScenarioArg,
    package: Annotated[
        str | None, typer.Option("--package", help="Package id (default: every package).")
    ] = None,
    draws: Annotated[int, typer.Option(help="Monte Carlo draws.")] = 100_000,
    seed: Annotated[int, typer.Option(help="Seed of the draws.")] = 20260106,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Will the guarantees hold? P(deterrence) per package, with pivotal guarantors."""
    sc = load_scenario(scenario)
    ids = [package] if package is not None else [p.id for p in sc.guarantees]
    if not ids:
        # assess_guarantees explains that the scenario has no packages.
        ids = [None]  # type: ignore[list-item]
    results = [assess_guarantees(sc, p, draws=draws, seed=seed) for p in ids]
    if as_json:
        if package is not None:
            print_json(results[0].to_json())
        else:
            print_json(
                {
                    "scenario": sc.id,
                    "p_deterrence": {a.package.id: a.p_deterrence for a in results},
                    "packages": [a.to_json() for a in results],
                }
            )
        return
    console.print(guarantees_text(results), markup=False)
