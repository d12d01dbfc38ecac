"""``detente ktab-export``: write a scenario in KTAB's scenario CSV format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .._inputs import as_scenario
from ..scenario import write_ktab_csv
from ._app import app, console, handle_errors


@app.command("ktab-export")
@handle_errors
def ktab_export(
    scenario: Annotated[
        str, typer.Argument(help="A scenario file (YAML, CSV, XLSX, KTAB) or a built-in name.")
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of printing."),
    ] = None,
) -> None:
    """Export a scenario as a KTAB scenario CSV (``smpc --csv FILE`` runs it in KTAB)."""
    text = write_ktab_csv(as_scenario(scenario))
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    console.print(f"wrote {output} (KTAB scenario CSV)")
