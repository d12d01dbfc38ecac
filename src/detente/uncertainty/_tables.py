"""Readable rich tables of uncertainty results, shared by the CLI and ``make demo``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from ..errors import ModelError

if TYPE_CHECKING:
    from ._levers import Levers
    from ._result import Simulation
    from ._sensitivity import SobolIndices, Tornado

__all__ = [
    "levers_table",
    "print_summary",
    "simulation_tables",
    "sobol_tables",
    "tornado_tables",
]

# Inputs listed per issue in sensitivity tables.
TOP = 5


def _g(value: float) -> str:
    return f"{value:.4g}"


def simulation_tables(result: Simulation, title: str | None = None) -> list[Table]:
    """Per issue: median, mean, intervals and the most likely band; then rounds to stability."""
    table = Table(title=title or f"{result.model}: {result.draws:,} draws (seed {result.seed})")
    for column in ("issue", "median", "mean", "80% interval", "95% interval", "likeliest band"):
        table.add_column(column, justify="left" if column == "issue" else "right")
    for issue in result.issue_ids:
        s = result.summary(issue)
        band = max(s.bands, key=lambda b: b.share)
        table.add_row(
            issue,
            _g(s.median),
            _g(s.mean),
            f"{_g(s.interval_80[0])} – {_g(s.interval_80[1])}",
            f"{_g(s.interval_95[0])} – {_g(s.interval_95[1])}",
            f"{_g(band.low)}–{_g(band.high)}: {band.share:.0%}",
        )
    tables = [table]
    shares = result.rounds_to_stable()
    if shares is not None:
        caption = None
        if list(shares) == [result.n_rounds]:
            caption = "every draw ran all rounds: set until_stable to stop once positions settle"
        rounds = Table(title="rounds until no position moves", caption=caption)
        rounds.add_column("round", justify="right")
        rounds.add_column("share of draws", justify="right")
        for r, share in shares.items():
            rounds.add_row(str(r), f"{share:.1%}")
        tables.append(rounds)
    return tables


def tornado_tables(result: Tornado, top: int = TOP) -> list[Table]:
    """Per issue: the ``top`` inputs by swing, with the forecast at each end."""
    tables = []
    for j, issue in enumerate(result.issue_ids):
        table = Table(title=f"{issue}: base forecast {_g(result.base[j])} ({result.model})")
        for column in ("input", "range", "at low", "at high", "swing"):
            table.add_column(column, justify="left" if column == "input" else "right")
        for k in result.ranking(issue)[:top]:
            ref = result.inputs[k]
            table.add_row(
                ref.label,
                f"{_g(ref.low)}–{_g(ref.high)}",
                _g(result.at_low[k, j]),
                _g(result.at_high[k, j]),
                _g(result.swing[k, j]),
            )
        tables.append(table)
    return tables


def sobol_tables(result: SobolIndices, top: int = TOP) -> list[Table]:
    """Per issue: the ``top`` inputs by total index, with first-order index and 95% half-widths."""
    tables = []
    for j, issue in enumerate(result.issue_ids):
        note = "" if result.varies[j] else " — does not vary"
        table = Table(title=f"{issue}: Sobol indices ({result.model}){note}")
        for column in ("input", "first order", "total"):
            table.add_column(column, justify="left" if column == "input" else "right")
        for k in result.ranking(issue)[:top]:
            table.add_row(
                result.inputs[k].label,
                f"{result.first[k, j]:.3f} ± {result.first_conf[k, j]:.3f}",
                f"{result.total[k, j]:.3f} ± {result.total_conf[k, j]:.3f}",
            )
        tables.append(table)
    return tables


def levers_table(result: Levers) -> Table:
    """The ranked levers: who moves what where, the effect, and the actor's own cost."""
    title = (
        f"levers for {result.actor} on {result.issue}, toward {result.toward} "
        f"(base {_g(result.base)}, {result.model}, {result.method})"
    )
    table = Table(title=title)
    widest = max((len(lever.input.label) for lever in result.levers), default=5)
    table.add_column("#", justify="right")
    # The input names the lever: never cut it, let the number columns give way.
    table.add_column("input", no_wrap=True, min_width=widest)
    for column in ("move", "after", "effect", "P(toward)", "own cost"):
        table.add_column(column, justify="right")
    for rank, lever in enumerate(result.levers, 1):
        ref = lever.input
        prob = "—" if lever.prob_toward is None else f"{lever.prob_toward:.0%}"
        cost = "—" if lever.own_cost is None else _g(lever.own_cost)
        table.add_row(
            str(rank),
            ref.label,
            f"{_g(ref.mode)} → {_g(lever.to)}",
            _g(lever.forecast),
            f"{lever.effect:+.4g}",
            prob,
            cost,
        )
    return table


def print_summary(
    scenario: Any,
    model: str = "compromise",
    *,
    draws: int = 10_000,
    seed: int = 0,
    console: Console | None = None,
) -> None:
    """Print a ``draws``-draw simulation and the tornado of a scenario (for ``make demo``).

    >>> out = Console(record=True, width=100, file=open("/dev/null", "w"))
    >>> print_summary("emission-standards-1994", draws=100, console=out)
    >>> text = out.export_text()
    >>> "7.39" in text, "tornado: scenario 'emission-standards-1994' has no uncertain" in text
    (True, True)
    """
    from ._sensitivity import tornado
    from ._simulate import simulate

    out = console or Console(highlight=False, soft_wrap=True)
    result = simulate(scenario, model, draws=draws, seed=seed)
    out.rule(f"Monte Carlo: {draws:,} draws of the uncertain inputs ({model}, seed {seed})")
    for table in simulation_tables(result):
        out.print(table)
    out.rule(f"Tornado: which judgements move each forecast most ({model})")
    try:
        tables = tornado_tables(tornado(scenario, model))
    except ModelError as exc:  # no uncertain inputs: say so instead of a tornado
        out.print(f"tornado: {exc}")
        return
    for table in tables:
        out.print(table)
