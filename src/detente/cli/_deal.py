"""Commands that check deals and guarantees: ``deal`` and ``guarantees``.

The text builders (:func:`deal_text`, :func:`guarantees_text`, :func:`show_case`) take results or
a scenario and return readable words, so ``make demo`` can print the same as the commands.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import ModelError
from ..estimative import range_words, words
from ..scenario import Scenario, load_scenario
from ._app import app, console, handle_errors, print_json

if TYPE_CHECKING:
    from ..deal import DealReport
    from ..guarantees import GuaranteeAssessment, Variant

__all__ = ["deal_text", "guarantees_text", "show_case", "viability_chart"]

ScenarioArg = Annotated[
    str, typer.Argument(help="A scenario file (YAML, CSV, XLSX) or a built-in name.")
]


# How each veto player's walk-away was defined (deal spec §1), in words.
_DEFINITIONS = {
    "explicit": "the walk-away utility given",
    "walk_away": "its walk-away positions",
    "no_deal_path": "the no-deal path",
    "status_quo": "the status quo",
}


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _blocks(
    blockers: dict[str, float], reasons: dict[str, str], issues: dict[str, str | None], point: bool
) -> str:
    parts = []
    for actor, share in blockers.items():
        where = f" on {issues[actor]}" if issues.get(actor) else ""
        often = "" if point else f" {share:.0%}"
        parts.append(f"{actor}{often} ({reasons[actor]}{where})")
    return ", ".join(parts)


def _viability_lines(report: DealReport) -> list[str]:
    point = report.draws == 1
    lines = []
    if point:
        lines.append(
            "  per guarantee package, on the most likely inputs (one draw: no probabilities; "
            "--draws 200 gives them with their range across the assumptions):"
        )
    else:
        lines.append(
            "  per guarantee package: P(accept) · P(kept | accepted) · P(viable), its structural "
            "range and words:"
        )
    for row in report.viability:
        mark = " (headline)" if row.package == report.headline else ""
        blocks = _blocks(row.blockers, row.reasons, row.issues, point)
        if point:
            verb = "blocks" if len(row.blockers) == 1 else "block"
            signed = (
                "every veto player accepts"
                if row.p_accept == 1.0
                else f"{blocks} {verb}"
                if blocks
                else "no package suits every veto player"
            )
            kept = "deterrence holds" if row.kept[0] >= 0.5 else "deterrence fails"
            lines.append(f"    {row.package}{mark}: {signed}; if signed, {kept}")
            continue
        lo, hi = report.range(row.package)
        lines.append(
            f"    {row.package}{mark}: {row.p_accept:.2f} · {row.p_kept:.2f} · {row.p_viable:.2f} "
            f"— {range_words(lo, hi)}"
        )
        if blocks:
            lines.append(f"      who blocks (share of draws): {blocks}")
        if not row.accepted.any():
            lines.append("      P(kept) is over all draws: no draw accepts (P(kept) if signed)")
        for line, share in row.red_lines.items():
            lines.append(f"      {line} closes the zone on {share:.0%} of draws")
    return lines


def viability_chart(report: DealReport, *, width: int = 8) -> str:
    """Per guarantee package, P(accept) beside P(kept) as text bars on the baseline
    assumptions, each followed by its range across the structural variants, so the two steps
    read side by side: a stronger guarantee should lengthen the second bar and may shorten the
    first. Narrow enough for an 80-column terminal with ukraine-2026's package names. Empty
    for a one-draw run, which gives no probability."""
    if report.draws == 1:
        return ""
    name_width = max(len(r.package) for r in report.viability) + 2
    cell_width = width + 17  # the value, its star and range, a space
    lines = [f"  {'package':<{name_width}}{'P(accept)':<{cell_width}}P(kept)"]
    for row in report.viability:
        cells = []
        for measure, value in (("p_accept", row.p_accept), ("p_kept", row.p_kept)):
            lo, hi = report.spread(row.package, measure)
            star = "*" if measure == "p_kept" and not row.accepted.any() else ""
            cell = f"{'█' * round(value * width):<{width}} {value:.2f}{star} {lo:.2f}–{hi:.2f}"
            cells.append(f"{cell:<{cell_width}}")
        lines.append(f"  {row.package:<{name_width}}" + "".join(cells).rstrip())
    note = (
        f"  bars: baseline assumptions, {report.draws} draws; then lowest–highest across the\n"
        "  structural variants"
    )
    if not all(r.accepted.any() for r in report.viability):
        note += "\n  * no draw signs this package: P(kept) is over all draws (if signed)"
    return "\n".join([*lines, note])


def _why(verdict: dict[str, Any]) -> str:
    """Why a veto player refuses a text: a red line or condition on an issue, or how far its
    utility falls short (and the issue whose move would cure it most cheaply)."""
    if verdict["reason"] in ("red line", "condition"):
        return f"{verdict['reason']} on {verdict['binding_issue']}"
    return (
        f"{verdict['reason']}: short {verdict['shortfall']:.3f}, binding {verdict['binding_issue']}"
    )


def _proposal_lines(report: DealReport) -> list[str]:
    if not report.proposals:
        return []
    point = report.draws == 1
    lines = ["  named proposals (under their own guarantee package):"]
    for p in report.proposals:
        verdicts = []
        for actor, r in p.by_actor.items():
            if r["p_accept"] >= 1.0 and point:
                verdicts.append(f"{actor} accepts")
            elif point:
                verdicts.append(f"{actor} blocks ({_why(r)})")
            else:
                extra = f" ({_why(r)})" if r["p_accept"] < 1.0 else ""
                verdicts.append(f"{actor} {r['p_accept']:.2f}{extra}")
        head = (
            f"    {p.id} [{p.package}]: "
            if point
            else f"    {p.id} [{p.package}]: P(accept) {p.p_accept:.2f} ({words(p.p_accept)}), "
            f"P(kept) {p.p_kept:.2f}; "
        )
        lines.append(head + "; ".join(verdicts))
    return lines


def deal_text(report: DealReport, *, trades: int = 3) -> str:
    """The deal check in words: per guarantee package whether the veto players sign and whether
    it holds, who blocks, the named proposals, what it would take, and the zone's geometry."""
    z = report.zone
    point = report.draws == 1
    n = f"{report.draws} draw{'s' if report.draws != 1 else ''}"
    lines = [f"Deal check — {report.scenario_id} ({n}, {report.form} utility)"]
    lines.append("  veto players: " + ", ".join(z.veto_players))
    lines.append(
        "  walking away means: "
        + ", ".join(f"{a}: {_DEFINITIONS[d]}" for a, d in report.definitions.items())
    )
    lines += _viability_lines(report)
    chart = viability_chart(report)
    if chart:
        lines += ["  the two steps side by side:", textwrap.indent(chart, "  ")]
    lines += _proposal_lines(report)
    if report.levers:
        lines.append("  what it would take (one lever at a time):")
        lines += [f"    - {lever.text}" for lever in report.levers[:8]]
    if report.zone_exists:
        lines.append(
            "  on the most likely inputs, every veto player accepts the Nash package of "
            f"'{report.headline}'" + ("" if point else f" (P(accept) = {report.p_deal:.2f})")
        )
    else:
        lines.append(
            "  NO deal on the headline package"
            + ("" if point else f": P(accept) = {report.p_deal:.2f}")
        )
        lines.append("  " + report.reason())
    # Without walk-aways met the centre is the package that comes closest, not a Nash point.
    centre = "nash" if report.zone.exists.mean() >= 0.5 else "closest"
    lines.append(
        "  the zone on the most likely inputs (no-deal walk-aways; red lines, conditions and "
        "breach risk are in the table above): per issue, "
        + (
            "the veto players' Nash package"
            if centre == "nash"
            else "the package that comes closest (no package meets every walk-away)"
        )
        + ", how far the issue alone can move from it and who stops it, and the zone's extent "
        "with the other issues free:"
    )
    for row in report.binding():
        low_by = row["binds_low"] or "scale end"
        high_by = row["binds_high"] or "scale end"
        lines.append(
            f"    {row['issue']}: {centre} {_fmt(row['center'])}; alone {_fmt(row['around_low'])} "
            f"({low_by}) to {_fmt(row['around_high'])} ({high_by}); extent "
            f"{_fmt(row['low'])}–{_fmt(row['high'])}"
        )
    if report.trades:
        lines.append(
            "  trades every veto player prefers to the status quo, inside every red line "
            "(best joint gain):"
        )
        for k, trade in enumerate(report.trades[:trades], start=1):
            lines.append(f"    {k}. {trade.describe()} — joint gain {trade.joint_gain:.3f}")
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
    from ..guarantees import CAVEATS

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
    """The demo's view of a case: deterrence under each package, then the deal question across
    the packages."""
    from ..deal import check_deal
    from ..guarantees import assess_guarantees

    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    parts = []
    if sc.guarantees:
        assessments = [assess_guarantees(sc, p.id, draws=guarantee_draws) for p in sc.guarantees]
        parts.append(guarantees_text(assessments))
    parts.append(deal_text(check_deal(sc, draws=draws, seed=seed)))
    return "\n\n".join(parts)


@app.command()
@handle_errors
def deal(
    scenario: ScenarioArg,
    package: Annotated[
        str | None,
        typer.Option(
            "--package",
            help="Headline guarantee package id (what it would take works on it; default: the "
            "most viable). Every package gets a row.",
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
    """Would the veto players sign, would it hold? Per guarantee package, proposals, what it
    would take."""
    # Imported here: only the deal commands need the deal (and SciPy's optimizers).
    from ..deal import check_deal

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
    from ..guarantees import assess_guarantees

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
