"""``detente backtest calibrate``: refit the shipped calibration of intervals and ensemble."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .._intervals import calibration_path
from ..backtest import ENSEMBLE, calibrate
from ..backtest._calibrate import calibration_markdown
from ._app import console, err_console, handle_errors
from ._backtest import DataOpt, _write_doc, backtest_app


@backtest_app.command("calibrate")
@handle_errors
def calibrate_command(
    data: DataOpt = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Where to write (default: the package's calibration.json)."
        ),
    ] = None,
    doc_path: Annotated[
        Path | None,
        typer.Option("--doc", help="Rewrite the 'calibration' section of this Markdown file."),
    ] = None,
) -> None:
    """Fit each model's error distribution and the ensemble weights on the DEU data.

    Forecasts read the file written here for their calibrated intervals; rerun after a model
    changes (its provenance records the data, date, package version and model parameters).
    """
    doc = calibrate(data)
    target = output or calibration_path()
    target.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    err_console.print(f"wrote {target}")
    if doc_path is not None:
        _write_doc(doc_path, "calibration", calibration_markdown(doc))
    for name, record in [*doc["models"].items(), (ENSEMBLE, doc[ENSEMBLE])]:
        cal = record["out_of_sample"]
        cover = (
            "–" if cal is None else ", ".join(f"{lv}: {v:.2f}" for lv, v in cal["coverage"].items())
        )
        console.print(f"{name}: MAE {record['mae']:.2f} (n {record['n']}); coverage {cover}")
