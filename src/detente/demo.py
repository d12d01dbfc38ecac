"""``make demo``: the flagship case, ukraine-2026, through every registered model.

Run with ``python -m detente.demo``. Prints one table of issues × models and, per issue, the
worded anchor of the scale nearest to the models' forecasts; then a 10,000-draw simulation with
its tornado; then how likely each guarantee package deters a renewed attack, and per package
whether every veto player would sign rather than keep fighting and whether the deal would hold
(P(accept) beside P(kept), with their ranges across the structural assumptions).
"""

from __future__ import annotations

import numpy as np
from rich.console import Console
from rich.table import Table

from . import models
from ._compare import compare
from .scenario import load_scenario

__all__ = ["main"]

SCENARIO = "ukraine-2026"
# Enough draws for the deal's probabilities to read to two decimals in a few seconds.
DEAL_DRAWS = 200


def forecasts_table(console: Console) -> None:
    """Issues × models, then each issue's middle forecast in the words of its scale."""
    scenario = load_scenario(SCENARIO)
    # The status quo is shown as its own column: it is the no-deal baseline, not a forecast.
    result = compare(scenario, [n for n in models.names() if n != "status_quo"])
    console.rule(f"[bold]{scenario.title}[/] — where will the talks land?")
    console.print(
        f"{len(scenario.actors)} actors, {len(scenario.issues)} issues, information as of "
        f"{scenario.as_of}. On every issue 0 = closest to Kyiv's stated aims and "
        "100 = Moscow's maximal demand."
    )
    table = Table(
        title="Forecast per issue and model (0–100)",
        caption="SQ = status quo: where each issue stands with no deal, not a forecast",
    )
    # One line per issue at any width: the numbers keep their columns and the issue's name is
    # cut (its full name is in the scenario) rather than wrapped over ten lines.
    names = list(result.forecasts)
    widths = [max(len(name), 5) for name in names]
    # What is left of the console once every number column has its width (3 = padding and
    # border per column, the status-quo column and the outer border).
    room = console.width - sum(w + 3 for w in widths) - (3 + 3) - 4
    named = room >= 16  # else the ids alone (the names are in the scenario and below)
    id_width = max(len(issue.id) for issue in scenario.issues)
    table.add_column(
        "issue", width=min(34, room) if named else id_width, no_wrap=True, overflow="ellipsis"
    )
    for name, width in zip(names, widths, strict=True):
        table.add_column(name, justify="right", no_wrap=True, min_width=width)
    table.add_column("SQ", justify="right", no_wrap=True, min_width=3)
    for issue in scenario.issues:
        cells = [f"{issue.id} — {issue.name.split(' (')[0]}" if named else issue.id]
        cells += [f"{result.forecasts[n].outcomes[issue.id]:.1f}" for n in names]
        cells.append(f"{issue.status_quo.mode:.0f}" if issue.status_quo else "—")
        table.add_row(*cells)
    console.print(table)
    for name, reason in result.skipped.items():
        console.print(f"[dim]{name}: not run — {reason}[/]")

    ens = result.ensemble
    if ens is None:
        return
    weights = ", ".join(f"{result.label(k)} {w:.0%}" for k, w in ens.weights.items())
    words = Table(
        title="In words: the skill-weighted ensemble, its calibrated 80% range and the nearest "
        f"anchor (weights from the DEU backtest: {weights})"
    )
    words.add_column("issue")
    words.add_column("status quo", justify="right")
    words.add_column("ensemble", justify="right")
    words.add_column("80% calibrated", justify="right")
    words.add_column("models", justify="right")
    words.add_column("nearest anchor")
    for issue in scenario.issues:
        values = np.array([fc.outcomes[issue.id] for fc in result.forecasts.values()])
        centre = ens.outcomes[issue.id]
        low, high = ens.intervals.interval(issue.id)
        words.add_row(
            issue.id,
            f"{issue.status_quo.mode:.0f}" if issue.status_quo else "—",
            f"{centre:.0f}",
            f"{low:.0f}–{high:.0f}",
            f"{values.min():.0f}–{values.max():.0f}",
            issue.scale.words(centre) or "",
        )
    console.print(words)


def uncertainty(console: Console) -> None:
    """A 10,000-draw simulation of the compromise forecast over every range, and its tornado."""
    from .uncertainty import print_summary

    console.rule("[bold]How sure is that? 10,000 draws of the judgement ranges[/]")
    print_summary(SCENARIO, "compromise", draws=10_000, seed=0, console=console)


def deal_and_guarantees(console: Console) -> None:
    """Per guarantee package: would the veto players sign rather than keep fighting, and would
    the deal hold (the two steps side by side, over DEAL_DRAWS draws)?"""
    from .cli._deal import show_case

    console.rule("[bold]Is there a deal? Will the guarantees hold?[/]")
    console.print(show_case(SCENARIO, draws=DEAL_DRAWS), markup=False)


def main() -> None:
    console = Console(highlight=False)
    forecasts_table(console)
    uncertainty(console)
    deal_and_guarantees(console)


if __name__ == "__main__":
    main()
