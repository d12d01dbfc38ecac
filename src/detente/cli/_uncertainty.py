"""Commands about uncertainty: ``simulate``, ``sensitivity`` and ``levers``."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Literal

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .. import levers as find_levers
from .. import load_scenario
from .. import sensitivity as run_sensitivity
from .. import simulate as run_simulation
from ..scenario import uncertain_inputs
from ..uncertainty import (
    Correlated,
    SobolIndices,
    histogram_figure,
    levers_table,
    save_figure,
    simulation_tables,
    sobol_figure,
    sobol_tables,
    tornado_figure,
    tornado_tables,
)
from ._app import app, console, err_console, handle_errors, print_json
from ._forecast import ScenarioArg, _params

ModelOpt = Annotated[str, typer.Option("--model", "-m", help="Model name (see `detente models`).")]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="Model parameter NAME=VALUE (repeatable)."),
]
WorkersOpt = Annotated[
    int | None, typer.Option(help="Run chunks on N local worker processes.", min=1)
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(help="Run chunks on the Dask cluster at this address (tcp://HOST:PORT)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
FigureOpt = Annotated[
    str | None, typer.Option("--figure", help="Also save a figure here (.png, .svg or .pdf).")
]


# A run shorter than this shows no progress bar at all.
_SHOW_AFTER = 1.0


@contextmanager
def _progress(
    total: int | None, label: str, quiet: bool = False
) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on stderr that appears once a run has lasted a second.

    ``total`` draws (None: a bar that only shows the run is alive). Yields the callback that
    advances the bar, or None when ``quiet``.
    """
    if quiet:
        yield None
        return
    columns = [TextColumn(label), BarColumn(), TimeElapsedColumn()]
    if total is not None:
        columns.insert(2, MofNCompleteColumn())
    # Drawn on stderr, so stdout stays clean for --json; transient, so it leaves no trace.
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(label, total=total, visible=False)
        timer = threading.Timer(_SHOW_AFTER, lambda: bar.update(task, visible=True))
        timer.daemon = True
        timer.start()
        try:
            yield lambda done: bar.advance(task, done)
        finally:
            timer.cancel()


@app.command()
@handle_errors
def simulate(
    scenario: ScenarioArg,
    model: ModelOpt = "compromise",
    draws: Annotated[int, typer.Option(help="Monte Carlo draws.", min=1)] = 10_000,
    seed: Annotated[int, typer.Option(help="Seed of the run (same seed, same result).")] = 0,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    chunk_size: Annotated[
        int | None, typer.Option(help="Draws per chunk (default: sized to bound memory).", min=1)
    ] = None,
    correlate: Annotated[
        list[str] | None,
        typer.Option(
            help="Draw a group of inputs correlated (Gaussian copula): "
            "FIELD[:ACTORS[:ISSUES]]=RHO, e.g. 'position:france,germany:TERR=0.8' (repeatable)."
        ),
    ] = None,
    param: ParamOpt = None,
    figure: FigureOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Monte Carlo: the distribution of each issue's forecast over the uncertain inputs."""
    groups = [Correlated.parse(text) for text in correlate or []]
    with _progress(draws, f"simulating {draws:,} draws", quiet=draws == 1) as progress:
        result = run_simulation(
            scenario,
            model,
            draws=draws,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
            chunk_size=chunk_size,
            correlated=groups,
            progress=progress,
            **_params(param),
        )
    if figure:
        save_figure(histogram_figure(result), figure)
    if as_json:
        print_json(result.to_json())
        return
    for table in simulation_tables(result):
        console.print(table)
    if figure:
        console.print(f"figure saved to {figure}")


@app.command()
@handle_errors
def sensitivity(
    scenario: ScenarioArg,
    model: ModelOpt = "compromise",
    method: Annotated[
        Literal["tornado", "sobol"],
        typer.Option(help="tornado: each input at its low and high; sobol: variance shares."),
    ] = "tornado",
    samples: Annotated[
        int, typer.Option(help="Sobol base sample size N (a power of two); N·(K+2) runs.")
    ] = 512,
    seed: Annotated[int, typer.Option(help="Seed of the Sobol sample.")] = 0,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    param: ParamOpt = None,
    figure: FigureOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Which uncertain inputs move each issue's forecast most."""
    total, label = None, "tornado"  # one batch of 2K + 1 runs: nothing to count
    if method == "sobol":
        total = samples * (len(uncertain_inputs(load_scenario(scenario))) + 2)
        label = f"Sobol: {total:,} runs"
    with _progress(total, label) as progress:
        result = run_sensitivity(
            scenario,
            model,
            method=method,
            samples=samples,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
            **_params(param),
        )
    is_sobol = isinstance(result, SobolIndices)
    if figure:
        fig = sobol_figure(result) if isinstance(result, SobolIndices) else tornado_figure(result)
        save_figure(fig, figure)
    if as_json:
        print_json(result.to_json())
        return
    tables = sobol_tables(result) if isinstance(result, SobolIndices) else tornado_tables(result)
    for table in tables:
        console.print(table)
    if figure:
        console.print(f"{'Sobol' if is_sobol else 'tornado'} figure saved to {figure}")


@app.command()
@handle_errors
def levers(
    scenario: ScenarioArg,
    actor: Annotated[str, typer.Option(help="The actor whose aim the levers serve.")],
    issue: Annotated[str, typer.Option(help="The issue to move.")],
    toward: Annotated[
        Literal["low", "high"], typer.Option(help="Which end of the issue scale to move toward.")
    ],
    model: ModelOpt = "compromise",
    draws: Annotated[
        int, typer.Option(help="Monte Carlo draws for each lever's probability (0: none).", min=0)
    ] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the draws.")] = 0,
    param: ParamOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Rank the single feasible changes that move an issue's forecast one way."""
    with _progress(None, f"levers on {issue}"):
        result = find_levers(
            scenario, actor, issue, toward, model=model, draws=draws, seed=seed, **_params(param)
        )
    if as_json:
        print_json(result.to_json())
        return
    console.print(levers_table(result))
    if not result.levers:
        console.print("no feasible single change moves this forecast that way")
    elif result.prob_base is not None:
        side = "at or below" if toward == "low" else "at or above"
        console.print(
            f"after: the forecast after the change. P(toward): share of {result.draws:,} draws "
            f"{side} today's forecast {result.base:.4g} after the change (now "
            f"{result.prob_base:.0%}). Own cost: how far the actor moves its own stated stance."
        )
