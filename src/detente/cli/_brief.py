"""``detente brief``: the one-page brief of a scenario (HTML and/or PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .._inputs import DEAL_DRAWS
from ._app import app, console, err_console, handle_errors, print_json


@app.command()
@handle_errors
def brief(
    scenario: Annotated[
        str, typer.Argument(help="A scenario file (YAML, CSV, XLSX) or a built-in name.")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the brief as HTML here.")
    ] = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Print the brief to PDF here (needs Chromium).")
    ] = None,
    draws: Annotated[
        int, typer.Option(min=1, help="Monte Carlo draws of the deal check.")
    ] = DEAL_DRAWS,
    seed: Annotated[int, typer.Option(help="Seed of the deal check's draws.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the brief as JSON.")] = False,
) -> None:
    """One page: the bottom line, key judgements in estimative words with calibrated ranges,
    where the talks land, whether a deal exists and holds, what would change the call."""
    # Imported here: the brief needs the deal and the report, which other commands do not.
    from .._brief import brief as make_brief
    from ..report import brief_html, html_to_pdf

    result = make_brief(scenario, seed=seed, draws=draws)
    if as_json:
        print_json(result.to_json())
        return
    page = brief_html(result.to_json())
    if output is not None:
        output.write_text(page, encoding="utf-8")
        err_console.print(f"wrote {output}")
    if pdf is not None:
        err_console.print(f"wrote {html_to_pdf(page, pdf)}")
    if output is None and pdf is None:
        console.print(f"[bold]Bottom line.[/] {result.bottom_line}")
        for line in result.judgements:
            console.print(f"  • {line}")
        console.print("[dim]--output brief.html / --pdf brief.pdf for the page.[/]")
