"""The forecast timeline figure: each metric across a scenario's dated versions."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

__all__ = ["timeline_figure"]


def timeline_figure(data: dict[str, Any]) -> go.Figure:
    """Two panels from a timeline's JSON (``Timeline.to_json()``): the compromise forecast per
    issue (0–100 scales as the issues' own), and the probabilities (P(deterrence), P(deal),
    P(accept)/P(viable)) on 0–1; one point per version, at its ``as_of`` date."""
    points = data["points"]
    x = [p["as_of"] or p["label"] for p in points]
    names = list(dict.fromkeys(m for p in points for m in p["metrics"]))
    fig = make_subplots(
        rows=2,
        cols=1,
        subplot_titles=("compromise forecast per issue", "probabilities"),
        vertical_spacing=0.16,
    )
    for name in names:
        row = 1 if name.startswith("compromise ") else 2
        fig.add_trace(
            go.Scatter(
                x=x,
                y=[p["metrics"].get(name) for p in points],
                mode="lines+markers",
                name=name.removeprefix("compromise "),
                text=[p["label"] for p in points],
                hovertemplate="%{text}<br>%{y:.3g}<extra>" + name + "</extra>",
            ),
            row=row,
            col=1,
        )
    fig.update_yaxes(range=[-0.02, 1.02], row=2, col=1)
    fig.update_xaxes(type="category")
    fig.update_layout(
        height=640, template="plotly_white", margin={"l": 60, "r": 30, "t": 50, "b": 40}
    )
    return fig
