"""The tables a report is built from, and how a scenario and a result become those tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._intervals import issue_interval
from ..scenario import Scenario

__all__ = ["ReportInput", "outcome_table", "scenario_tables"]


@dataclass(frozen=True)
class ReportInput:
    """Everything a report shows, as plain tables and records (nothing here runs a model).

    ``outcome``: one row per draw and issue (``draw, issue, outcome`` and ``model`` for
    comparisons). ``rounds``: ``draw, round, issue, mean, median`` (empty for static models).
    ``issues``: ``issue, name, unit, min, max, anchors``. ``positions``: ``actor, issue,
    position, low, high, salience, veto``. ``sources``: ``id, title, publisher, url, date``.
    ``run``: what was run (kind, model, parameters, seed, package version, input hash, ...).
    ``result``: the run's result JSON (the CLI's ``--json``), drawn by the panels of the kinds
    with no outcome table (sensitivity, levers, deal, guarantees).
    """

    title: str
    run: dict[str, Any]
    outcome: pd.DataFrame
    issues: pd.DataFrame
    positions: pd.DataFrame
    sources: pd.DataFrame
    rounds: pd.DataFrame = field(default_factory=pd.DataFrame)
    result: dict[str, Any] = field(default_factory=dict)


def scenario_tables(scenario: Scenario) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A scenario's issues, actor positions and sources as tables (for reports and pages).

    >>> from detente import load_scenario
    >>> issues, positions, sources = scenario_tables(load_scenario("emission-standards-1994"))
    >>> list(issues.issue), len(positions), list(sources.id)
    (['lag'], 10, ['BDM1994', 'SCS2011'])
    """
    issues = pd.DataFrame(
        [
            {
                "issue": i.id,
                "name": i.name,
                "unit": i.scale.unit or "",
                "min": i.scale.min,
                "max": i.scale.max,
                "anchors": [(a.value, a.label) for a in i.scale.anchors],
            }
            for i in scenario.issues
        ]
    )
    positions = pd.DataFrame(
        [
            {
                "actor": a.id,
                "issue": issue_id,
                "position": st.position.mode,
                "low": st.position.low,
                "high": st.position.high,
                "salience": st.salience.mode,
                "veto": a.veto,
            }
            for a in scenario.actors
            for issue_id, st in a.issues.items()
        ],
        columns=["actor", "issue", "position", "low", "high", "salience", "veto"],
    )
    sources = pd.DataFrame(
        [s.model_dump() for s in scenario.sources],
        columns=["id", "title", "publisher", "url", "date", "quote"],
    )
    return issues, positions, sources


def _words(value: float, anchors: list[tuple[float, str]]) -> str:
    if not anchors:
        return ""
    return min(anchors, key=lambda a: abs(a[0] - value))[1]


def outcome_table(
    outcome: pd.DataFrame, issues: pd.DataFrame, model: str | None = None
) -> pd.DataFrame:
    """Per issue (and model): the forecast (median over draws), the 80% interval over the draws
    (inputs only: ``p10``, ``p90``), the calibrated 80% interval (``cal_low``, ``cal_high``: the
    model's DEU error added, NaN for an uncalibrated model) and the scale's words.

    ``model`` names the model when ``outcome`` has no ``model`` column.

    >>> import pandas as pd
    >>> issues = pd.DataFrame([{"issue": "lag", "name": "Delay", "unit": "years", "min": 0,
    ...                         "max": 12, "anchors": [(4, "soon"), (10, "late")]}])
    >>> out = pd.DataFrame({"draw": [0, 1, 2], "issue": "lag", "outcome": [6.0, 8.0, 9.0]})
    >>> outcome_table(out, issues)[["issue", "forecast", "words"]].to_dict("records")
    [{'issue': 'lag', 'forecast': 8.0, 'words': 'late'}]
    """
    if outcome.empty:
        return pd.DataFrame(
            columns=[
                "issue",
                "forecast",
                "p10",
                "p90",
                "cal_low",
                "cal_high",
                "draws",
                "name",
                "unit",
                "words",
            ]
        )
    keys = ["model", "issue"] if "model" in outcome.columns else ["issue"]
    grouped = outcome.groupby(keys, sort=False)["outcome"]
    table = pd.DataFrame(
        {
            "forecast": grouped.median(),
            "p10": grouped.quantile(0.1),
            "p90": grouped.quantile(0.9),
            "draws": grouped.size(),
        }
    ).reset_index()
    info = issues.set_index("issue")
    table["name"] = [info.loc[i, "name"] if i in info.index else i for i in table.issue]
    table["unit"] = [info.loc[i, "unit"] if i in info.index else "" for i in table.issue]
    table["words"] = [
        _words(float(v), list(info.loc[i, "anchors"]) if i in info.index else [])
        for v, i in zip(table.forecast, table.issue, strict=True)
    ]
    ends = {str(r["issue"]): (float(r["min"]), float(r["max"])) for r in issues.to_dict("records")}
    bounds = [
        _calibrated(outcome, ends, i, m if m is not None else model)
        for i, m in zip(
            table.issue,
            table["model"] if "model" in table.columns else [None] * len(table),
            strict=True,
        )
    ]
    table["cal_low"] = [b[0] for b in bounds]
    table["cal_high"] = [b[1] for b in bounds]
    for column in ("forecast", "p10", "p90", "cal_low", "cal_high"):
        table[column] = table[column].astype(np.float64)
    return table


def _calibrated(
    outcome: pd.DataFrame, ends: dict[str, tuple[float, float]], issue: str, model: str | None
) -> tuple[float, float]:
    """The calibrated 80% interval of one issue's draws (NaN when not calibrated)."""
    if model is None or issue not in ends:
        return (np.nan, np.nan)
    rows = outcome[outcome.issue == issue]
    if "model" in outcome.columns:
        rows = rows[rows.model == model]
    low, high = ends[issue]
    # Shipped calibration (a data file, not a model run): see detente._intervals.
    found = issue_interval(str(model), rows.outcome.to_numpy(), low, high)
    return found if found is not None else (np.nan, np.nan)
