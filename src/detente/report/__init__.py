"""Reports: figures from result tables, a self-contained HTML file, and its PDF print.

A report takes tables (a forecast's ``to_frame()``, its ``rounds_frame()``, the scenario's issues,
positions and sources) and runs nothing.

>>> from detente import forecast, load_scenario
>>> s = load_scenario("emission-standards-1994")
>>> data = report_from_forecast(forecast(s, "compromise"), s)
>>> data.run["model"], data.run["seed"]
('compromise', 0)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..models import Forecast
from ..scenario import Scenario
from ._brief import brief_html
from ._figures import outcome_figure, positions_figure, report_figures, trajectory_figure
from ._html import plotly_js, render_html
from ._panels import (
    PANEL_KINDS,
    guarantee_figure,
    levers_figure,
    panel_figures,
    panel_html,
    sobol_figure,
    tornado_figure,
    viability_figure,
    zone_figure,
)
from ._pdf import ReportError, find_chromium, html_to_pdf
from ._spreadsheet import safe_cell, safe_csv
from ._tables import ReportInput, outcome_table, scenario_tables
from ._timeline import timeline_figure

__all__ = [
    "PANEL_KINDS",
    "ReportError",
    "ReportInput",
    "brief_html",
    "find_chromium",
    "guarantee_figure",
    "html_to_pdf",
    "levers_figure",
    "outcome_figure",
    "outcome_table",
    "panel_figures",
    "panel_html",
    "plotly_js",
    "positions_figure",
    "render_html",
    "report_figures",
    "report_from_forecast",
    "safe_cell",
    "safe_csv",
    "scenario_tables",
    "sobol_figure",
    "timeline_figure",
    "tornado_figure",
    "trajectory_figure",
    "viability_figure",
    "write_report",
    "zone_figure",
]


def report_from_forecast(
    forecast: Forecast, scenario: Scenario, *, seed: int = 0, extra: dict[str, Any] | None = None
) -> ReportInput:
    """The report tables of a forecast just computed (the CLI's ``detente report NAME``)."""
    from .. import __version__

    issues, positions, sources = scenario_tables(scenario)
    run = {
        "kind": "forecast",
        "scenario": scenario.id,
        "model": forecast.model,
        "params": forecast.to_json()["params"],
        "seed": seed,
        "draws": forecast.draws,
        "package_version": __version__,
        **(extra or {}),
    }
    return ReportInput(
        title=f"{scenario.title}",
        run=run,
        outcome=forecast.to_frame(),
        rounds=forecast.rounds_frame(),
        issues=issues,
        positions=positions,
        sources=sources,
    )


def write_report(
    data: ReportInput, *, html: Path | None = None, pdf: Path | None = None
) -> list[Path]:
    """Write the HTML and/or PDF report; the paths written."""
    document = render_html(data)
    written = []
    if html is not None:
        Path(html).write_text(document, encoding="utf-8")
        written.append(Path(html))
    if pdf is not None:
        written.append(html_to_pdf(document, Path(pdf)))
    return written
