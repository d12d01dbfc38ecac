"""Figure builders: plotly figures from result tables (one job each; nothing is written here).

Each issue has its own scale, so every figure has one panel per issue, on that issue's scale.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ._panels import PANEL_KINDS, panel_figures
from ._tables import ReportInput, outcome_table

__all__ = ["outcome_figure", "positions_figure", "report_figures", "trajectory_figure"]

_HEIGHT_PER_ISSUE = 170


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def _short(label: str, width: int = 18) -> str:
    """An anchor's words cut to fit under an axis tick (the full text is in the tables)."""
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


def _panels(issues: pd.DataFrame) -> go.Figure:
    rows = _records(issues)
    titles = [f"{r['name']} ({r['unit']})" if r["unit"] else str(r["name"]) for r in rows]
    fig = make_subplots(rows=len(issues), cols=1, subplot_titles=titles, vertical_spacing=0.12)
    fig.update_layout(
        height=max(260, _HEIGHT_PER_ISSUE * len(issues) + 80),
        margin={"l": 120, "r": 30, "t": 50, "b": 40},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.08},
    )
    for k, row in enumerate(rows, start=1):
        anchors = list(row["anchors"])
        fig.update_xaxes(range=[row["min"], row["max"]], row=k, col=1)
        if anchors:
            fig.update_xaxes(
                tickvals=[a[0] for a in anchors],
                ticktext=[f"{a[0]:g}: {_short(a[1])}" for a in anchors],
                row=k,
                col=1,
            )
    return fig


def outcome_figure(outcome: pd.DataFrame, issues: pd.DataFrame) -> go.Figure:
    """The forecast per issue (and model) with its 80% interval over draws.

    >>> import pandas as pd
    >>> issues = pd.DataFrame([{"issue": "lag", "name": "Delay", "unit": "years", "min": 0,
    ...                         "max": 12, "anchors": []}])
    >>> out = pd.DataFrame({"draw": [0], "issue": ["lag"], "outcome": [7.4]})
    >>> outcome_figure(out, issues).data[0].x
    (7.4,)
    """
    table = outcome_table(outcome, issues)
    fig = _panels(issues)
    order = {issue: k for k, issue in enumerate(issues.issue, start=1)}
    if "model" not in table.columns:
        table = table.assign(model="forecast")
    for row in _records(table):
        name = row["model"]
        fig.add_trace(
            go.Scatter(
                x=[row["forecast"]],
                y=[str(name)],
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [row["p90"] - row["forecast"]],
                    "arrayminus": [row["forecast"] - row["p10"]],
                },
                mode="markers",
                marker={"size": 12},
                name=str(name),
                showlegend=False,
                hovertemplate=f"{row['name']}: %{{x:.3g}} {row['unit']} (80%: "
                f"{row['p10']:.3g}–{row['p90']:.3g})<extra></extra>",
            ),
            row=order[row["issue"]],
            col=1,
        )
    fig.update_layout(title="Forecast per issue (dot: median over draws; bar: 80% interval)")
    return fig


def trajectory_figure(rounds: pd.DataFrame, issues: pd.DataFrame) -> go.Figure:
    """Per-round weighted mean and median of positions (medians over draws), per issue."""
    fig = _panels(issues)
    order = {issue: k for k, issue in enumerate(issues.issue, start=1)}
    if not rounds.empty:
        per_round = rounds.groupby(["issue", "round"], sort=False)[["mean", "median"]].median()
        for issue, k in order.items():
            if issue not in per_round.index.get_level_values(0):
                continue
            rows = per_round.loc[issue]
            for column in ("mean", "median"):
                fig.add_trace(
                    go.Scatter(
                        x=rows[column],
                        y=rows.index,
                        mode="lines+markers",
                        name=column,
                        showlegend=k == 1,
                    ),
                    row=k,
                    col=1,
                )
            fig.update_yaxes(title="round", autorange="reversed", row=k, col=1)
    fig.update_layout(title="Positions round by round")
    return fig


def positions_figure(
    positions: pd.DataFrame, issues: pd.DataFrame, outcome: pd.DataFrame | None = None
) -> go.Figure:
    """Actor position map: each actor's position (range as a bar) against its salience, with
    the forecast as a dashed line.

    >>> import pandas as pd
    >>> issues = pd.DataFrame([{"issue": "lag", "name": "Delay", "unit": "", "min": 0,
    ...                         "max": 12, "anchors": []}])
    >>> positions = pd.DataFrame({"actor": ["France", "Italy", "UK"], "issue": "lag",
    ...                           "position": [10.0, 10.0, 10.0], "low": 10.0, "high": 10.0,
    ...                           "salience": [60.0, 60.0, 90.0], "veto": False})
    >>> list(positions_figure(positions, issues).data[0].text)
    ['France, Italy', 'UK']
    """
    fig = _panels(issues)
    order = {issue: k for k, issue in enumerate(issues.issue, start=1)}
    forecasts = {}
    if outcome is not None and not outcome.empty:
        table = outcome_table(outcome, issues)
        forecasts = dict(zip(table.issue, table.forecast, strict=False))
    for issue, k in order.items():
        rows = positions[positions.issue == issue]
        # Actors at the same point share one marker, labelled with every name.
        rows = (
            rows.groupby(["position", "low", "high", "salience", "veto"], sort=False)["actor"]
            .agg(", ".join)
            .reset_index()
        )
        fig.add_trace(
            go.Scatter(
                x=rows.position,
                y=rows.salience,
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": rows.high - rows.position,
                    "arrayminus": rows.position - rows.low,
                },
                mode="markers+text",
                text=rows.actor,
                textposition="top center",
                marker={"size": 10, "symbol": ["diamond" if v else "circle" for v in rows.veto]},
                showlegend=False,
                hovertemplate="%{text}: position %{x}, salience %{y}<extra></extra>",
            ),
            row=k,
            col=1,
        )
        fig.update_yaxes(title="salience", range=[0, 125], row=k, col=1)
        if issue in forecasts:
            fig.add_vline(x=forecasts[issue], line_dash="dash", row=k, col=1)
    fig.update_layout(title="Actor positions (diamond: veto player; dashed line: forecast)")
    return fig


def report_figures(data: ReportInput) -> list[go.Figure]:
    """The figures a run's result tables support: the forecast, the rounds (models that run in
    rounds) and the actor position map (one model's run); none when there is no outcome table.
    Runs of the kinds in :data:`PANEL_KINDS` get their panel, drawn from the result JSON."""
    kind = str(data.run.get("kind", ""))
    if kind in PANEL_KINDS:
        return panel_figures(kind, data.result, data.issues)
    if data.outcome.empty:
        return []
    figures = [outcome_figure(data.outcome, data.issues)]
    if not data.rounds.empty:
        figures.append(trajectory_figure(data.rounds, data.issues))
    if not data.positions.empty and "model" not in data.outcome.columns:
        figures.append(positions_figure(data.positions, data.issues, data.outcome))
    return figures
