"""``detente backtest``: score models on real outcomes (the DEU data) and search for better ones."""

from __future__ import annotations

import math
import shlex
from pathlib import Path
from typing import Annotated, cast

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from ..backtest import (
    DeuData,
    Unit,
    backtest,
    leaderboard_markdown,
    load_deu,
    replace_section,
    search,
    search_markdown,
)
from ..errors import ModelError
from ._app import app, console, err_console, handle_errors, print_json

backtest_app = typer.Typer(
    help="Backtest models on real outcomes (the DEU data) and search for better ones.",
    no_args_is_help=True,
)
app.add_typer(backtest_app, name="backtest")

DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help="A DEU-layout CSV (default: the shipped development set)."),
]
DocOpt = Annotated[
    Path | None,
    typer.Option(
        "--doc",
        help="Markdown file whose generated section is rewritten (e.g. docs/backtest.md); "
        "nothing is written without it.",
    ),
]
SeedOpt = Annotated[int, typer.Option(help="Seed of the bootstrap resamples.")]
ResamplesOpt = Annotated[int, typer.Option(help="Bootstrap resamples.")]
UnitOpt = Annotated[
    str, typer.Option(help="Bootstrap resampling unit: 'proposal' (clustered) or 'issue'.")
]
DEFAULTS: dict[str, object] = {
    "unit": "proposal",
    "resamples": 10_000,
    "seed": 0,
    "folds": 10,
    "section": "leaderboard",
}


def _command(sub: str, options: dict[str, object], defaults: dict[str, object]) -> str:
    """The shell command that regenerates a result: only options that differ from defaults."""
    words = ["detente", "backtest", sub]
    for name, value in options.items():
        if value is not None and value != defaults.get(name):
            words += [f"--{name}", str(value)]
    return shlex.join(words)


def _fmt(x: float, spec: str = ".2f") -> str:
    return "–" if math.isnan(x) else format(x, spec)


def _report_skipped(data: DeuData) -> None:
    if not data.problems:
        return
    err_console.print(
        f"[yellow]{data.skipped_rows} malformed row(s) skipped[/] in {data.source} "
        f"({len(data.problems)} problem(s)):"
    )
    for p in data.problems[:20]:
        err_console.print(escape(f"  row {p.line}, column {p.column}: {p.message}"))
    if len(data.problems) > 20:
        err_console.print(f"  … and {len(data.problems) - 20} more")


def _write_doc(doc: Path, section: str, body: str) -> None:
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Backtest\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(replace_section(text, section, body), encoding="utf-8")
    err_console.print(f"wrote {doc}")


@backtest_app.command("deu")
@handle_errors
def deu(
    data: DataOpt = None,
    models: Annotated[
        str | None,
        typer.Option(
            "--models",
            help="Comma-separated models (default: every registered model); NAME\\[param=value] "
            "sets parameters, NAME:median / NAME:mean picks a dynamic model's final round.",
        ),
    ] = None,
    unit: UnitOpt = "proposal",
    resamples: ResamplesOpt = 10_000,
    seed: SeedOpt = 0,
    doc: DocOpt = None,
    section: Annotated[
        str, typer.Option("--section", help="Name of the generated section of the doc.")
    ] = "leaderboard",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Leaderboard of models on the DEU data: MAE and the paired interval against compromise."""
    if unit not in ("proposal", "issue"):
        raise ModelError(f"--unit must be 'proposal' or 'issue'; got '{unit}'")
    deu_data = load_deu(data)
    _report_skipped(deu_data)
    board = backtest(deu_data, models, unit=cast(Unit, unit), resamples=resamples, seed=seed)
    command = _command(
        "deu",
        {
            "data": data,
            "models": models,
            "unit": unit,
            "resamples": resamples,
            "seed": seed,
            "section": section,
            "doc": doc,
        },
        DEFAULTS,
    )
    if doc is not None:
        _write_doc(doc, section, leaderboard_markdown(board, command))
    if as_json:
        print_json(board.to_json())
        return
    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        title=f"DEU backtest — {board.n_issues} issues, {board.n_proposals} proposals "
        f"({Path(deu_data.source).name})",
    )
    widest = max(len(e.name) for e in board.entries)
    table.add_column("model", overflow="fold", min_width=min(widest, 26))
    for column in ("n", "MAE", "RMSE", "≤10", "Δ MAE", "95% CI"):
        table.add_column(column, justify="right", no_wrap=True)
    for e in board.entries:
        s, b = e.scores, e.vs_baseline
        table.add_row(
            escape(e.name),
            str(s.n),
            _fmt(s.mae),
            _fmt(s.rmse),
            "–" if s.n == 0 else f"{100 * s.within_10:.0f}%",
            _fmt(b.delta, "+.2f"),
            "–" if math.isnan(b.low) else f"[{b.low:+.2f}, {b.high:+.2f}]",
        )
    console.print(table)
    for e in board.entries:
        if e.refused and e.scores.n == 0:
            reason = next(iter(e.refused.values()))
            console.print(f"[dim]{escape(e.name)}: no issue forecast — {escape(reason)}[/]")
        elif e.refused:
            console.print(f"[dim]{escape(e.name)}: {len(e.refused)} issue(s) not forecast[/]")
    console.print(
        f"[dim]Δ MAE = MAE − compromise MAE on the issues both forecast (negative = better); "
        f"95% CI: paired bootstrap by {unit}, {resamples:,} resamples, seed {seed}; "
        "≤10 = share within 10 points. Median errors and breakdowns: --json or the doc.[/]"
    )


@backtest_app.command("search")
@handle_errors
def search_command(
    data: DataOpt = None,
    folds: Annotated[int, typer.Option(help="Cross-validation folds (grouped by proposal).")] = 10,
    seed: Annotated[int, typer.Option(help="Seed of the fold assignment and bootstrap.")] = 0,
    resamples: ResamplesOpt = 10_000,
    unit: UnitOpt = "proposal",
    doc: DocOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Search for a model that beats compromise, tuned and selected only by grouped CV."""
    if unit not in ("proposal", "issue"):
        raise ModelError(f"--unit must be 'proposal' or 'issue'; got '{unit}'")
    result = search(data, folds=folds, seed=seed, resamples=resamples, unit=cast(Unit, unit))
    command = _command(
        "search",
        {
            "data": data,
            "folds": folds,
            "seed": seed,
            "resamples": resamples,
            "unit": unit,
            "doc": doc,
        },
        DEFAULTS,
    )
    if doc is not None:
        _write_doc(doc, "search", search_markdown(result, command))
    if as_json:
        print_json(result.to_json())
        return
    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        title=f"Model search — {result.folds}-fold CV by proposal, {result.n_issues} issues "
        f"(compromise MAE {result.compromise_mae:.2f})",
    )
    table.add_column("candidate", overflow="fold")
    for column in ("points", "n", "CV MAE", "Δ MAE", "95% CI", "target"):
        table.add_column(column, justify="right", no_wrap=True)
    for r in (result.overall, *result.candidates):
        b = r.vs_compromise
        table.add_row(
            escape(r.name),
            str(r.n_points),
            str(r.n),
            _fmt(r.cv_mae),
            _fmt(b.delta, "+.2f"),
            f"[{b.low:+.2f}, {b.high:+.2f}]",
            "met" if r.meets_target else "not met",
        )
    console.print(table)
    console.print(
        "[dim]Target: at least 1 MAE point below compromise with a 95% interval below 0. "
        "The first row is the whole search, nested (candidate and grid point chosen on the "
        "training folds only).[/]"
    )
