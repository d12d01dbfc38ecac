"""``detente backtest fair``: the fair test of the published candidates against compromise."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from ..backtest._fair import fair_markdown, fair_test
from ._app import console, handle_errors, print_json
from ._backtest import DataOpt, ResamplesOpt, _write_doc, backtest_app


@backtest_app.command("fair")
@handle_errors
def fair_command(
    data: DataOpt = None,
    seed: Annotated[int, typer.Option(help="Seed of the fold assignment and bootstrap.")] = 0,
    resamples: ResamplesOpt = 10_000,
    doc: Annotated[
        Path | None,
        typer.Option("--doc", help="Rewrite the 'fair' section of this Markdown file."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Institution weights by procedure with a presidency bonus, snapping near-binary issues,
    and equal-weight averages of compromise with smp and exchange — out of sample."""
    result = fair_test(data, seed=seed, resamples=resamples)
    command = "detente backtest fair" + (f" --seed {seed}" if seed else "")
    if doc is not None:
        _write_doc(doc, "fair", fair_markdown(result, command))
    if as_json:
        print_json(result.to_json())
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title="Fair test against compromise")
    table.add_column("candidate", overflow="fold")
    for column in ("n", "CV MAE", "Δ MAE", "95% CI", "MDE", "verdict"):
        table.add_column(column, justify="right")
    for r in result.rows:
        b = r.vs_compromise
        table.add_row(
            escape(r.name),
            str(r.n),
            f"{r.mae:.2f}",
            f"{b.delta:+.2f}",
            f"[{b.low:+.2f}, {b.high:+.2f}]",
            f"±{r.mde:.2f}",
            r.verdict,
        )
    console.print(table)
    console.print(
        f"[dim]Compromise MAE {result.compromise_mae:.2f}; MDE = the smallest difference this "
        "data would detect 80% of the time (5% two-sided).[/]"
    )
