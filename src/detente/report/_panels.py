"""Result panels of the run kinds that have no ``outcome`` table: tornado / Sobol, levers, the
deal's viability across guarantee packages and its zone of agreement, and the guarantee panel.

Each builder is a pure function from a run's result JSON (the CLI's ``--json`` shape, as stored)
and the scenario's issues table to a plotly figure; :func:`panel_figures` picks the builders of a
run kind. The run page and the HTML report both call :func:`panel_figures` and
:func:`panel_html`, so they show the same figures and tables.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from jinja2 import Environment, select_autoescape
from markupsafe import Markup
from plotly.subplots import make_subplots

from ..deal import variant_spread

__all__ = [
    "PANEL_KINDS",
    "guarantee_figure",
    "levers_figure",
    "panel_figures",
    "panel_html",
    "sobol_figure",
    "tornado_figure",
    "viability_figure",
    "zone_figure",
]

# The run kinds drawn here (the others are drawn from their outcome table).
PANEL_KINDS = ("sensitivity", "levers", "deal", "guarantees")
# Inputs shown per issue in a tornado / Sobol chart: the rest are in the result JSON.
TOP_INPUTS = 10
_LOW, _HIGH, _OWN, _OTHER = "#4c78a8", "#f58518", "#e45756", "#9ca3af"


def _names(issues: pd.DataFrame) -> dict[str, str]:
    """Issue id → the heading of its panel (name and unit)."""
    if issues.empty:
        return {}
    return {
        str(r["issue"]): f"{r['name']} ({r['unit']})" if r["unit"] else str(r["name"])
        for r in issues.to_dict("records")
    }


def _stack(titles: list[str], bars_each: list[int], title: str, px_per_bar: int = 22) -> go.Figure:
    """One panel per issue, each as tall as its number of bars (in pixels, so that the gap
    between panels stays the same however many issues there are)."""
    n = max(len(titles), 1)
    heights = [px_per_bar * max(k, 1) for k in bars_each] or [px_per_bar]
    gap = 80  # pixels between panels: room for the next panel's title and this one's axis
    height = sum(heights) + gap * (n - 1) + 140
    fig = make_subplots(
        rows=n,
        cols=1,
        subplot_titles=titles or [""],
        row_heights=heights,
        vertical_spacing=gap / height if n > 1 else 0.0,
    )
    fig.update_layout(
        title=title,
        height=height,
        margin={"l": 230, "r": 30, "t": 80, "b": 60},
        template="plotly_white",
        barmode="overlay",
        legend={"orientation": "h", "y": -0.02, "yanchor": "top"},
    )
    return fig


def tornado_figure(result: dict[str, Any], issues: pd.DataFrame) -> go.Figure:
    """Per issue: each input's forecast at its low and high end as bars from the base forecast
    (largest swing on top; the :data:`TOP_INPUTS` largest).

    >>> import pandas as pd
    >>> issues = pd.DataFrame([{"issue": "lag", "name": "Delay", "unit": "years", "min": 0,
    ...                         "max": 12, "anchors": []}])
    >>> result = {"method": "tornado", "issues": {"lag": {"base": 7.0, "inputs": [
    ...     {"input": "UK position on lag", "at_low": 5.0, "at_high": 8.0, "swing": 3.0}]}}}
    >>> fig = tornado_figure(result, issues)
    >>> fig.data[0].base, fig.data[0].x, fig.data[1].x
    ((7.0,), (-2.0,), (1.0,))
    """
    names = _names(issues)
    per_issue = result.get("issues", {})
    shown = {i: list(v["inputs"])[:TOP_INPUTS] for i, v in per_issue.items()}
    fig = _stack(
        [names.get(i, i) for i in per_issue],
        [len(v) for v in shown.values()],
        "Tornado: forecast with each input at its low / high end (largest swing on top)",
    )
    for k, (issue, entry) in enumerate(per_issue.items(), start=1):
        base = float(entry["base"])
        rows = shown[issue]
        labels = [str(r["input"]) for r in rows]
        for end, colour, name in (("at_low", _LOW, "input at low"), ("at_high", _HIGH, "at high")):
            fig.add_trace(
                go.Bar(
                    y=labels,
                    x=[float(r[end]) - base for r in rows],
                    base=[base] * len(rows),
                    orientation="h",
                    marker_color=colour,
                    opacity=0.85,
                    name=name,
                    showlegend=k == 1,
                    customdata=[float(r[end]) for r in rows],
                    hovertemplate="%{y}: forecast %{customdata:.4g}<extra>" + name + "</extra>",
                ),
                row=k,
                col=1,
            )
        fig.add_vline(x=base, line_dash="dash", row=k, col=1)
        fig.update_yaxes(autorange="reversed", automargin=True, row=k, col=1)
    return fig


def sobol_figure(result: dict[str, Any], issues: pd.DataFrame) -> go.Figure:
    """Per issue: each input's first-order and total Sobol index with its 95% bootstrap
    half-width (largest total on top)."""
    names = _names(issues)
    per_issue = result.get("issues", {})
    shown = {i: list(v["inputs"])[:TOP_INPUTS] for i, v in per_issue.items()}
    titles = [
        names.get(i, i) + ("" if v.get("varies", True) else " — the forecast does not vary")
        for i, v in per_issue.items()
    ]
    fig = _stack(
        titles,
        [len(v) for v in shown.values()],
        f"Sobol indices ({result.get('samples', '?')} samples): share of forecast variance",
        px_per_bar=30,
    )
    fig.update_layout(barmode="group")
    for k, issue in enumerate(per_issue, start=1):
        rows = shown[issue]
        labels = [str(r["input"]) for r in rows]
        for column, colour, name in (("first", _LOW, "first-order"), ("total", _HIGH, "total")):
            fig.add_trace(
                go.Bar(
                    y=labels,
                    x=[float(r[column]) for r in rows],
                    error_x={"type": "data", "array": [float(r[f"{column}_conf"]) for r in rows]},
                    orientation="h",
                    marker_color=colour,
                    name=name,
                    showlegend=k == 1,
                    hovertemplate="%{y}: %{x:.3f}<extra>" + name + "</extra>",
                ),
                row=k,
                col=1,
            )
        fig.update_yaxes(autorange="reversed", automargin=True, row=k, col=1)
        fig.update_xaxes(range=[0, 1.05], row=k, col=1)
    return fig


def _change(lever: dict[str, Any]) -> str:
    return f"{lever['input']}: {lever['from']:.4g} → {lever['to']:.4g}"


def levers_figure(result: dict[str, Any], issues: pd.DataFrame) -> go.Figure:
    """The levers ranked by effect on the forecast (own moves in red, the others in grey).

    >>> import pandas as pd
    >>> result = {"actor": "uk", "issue": "lag", "toward": "low", "base": 7.0, "levers": [
    ...     {"input": "UK salience on lag", "from": 60, "to": 90, "effect": -1.5, "own": True},
    ...     {"input": "France position", "from": 10, "to": 4, "effect": -0.5, "own": False}]}
    >>> fig = levers_figure(result, pd.DataFrame())
    >>> fig.data[0].x, fig.data[0].marker.color
    ((-1.5, -0.5), ('#e45756', '#9ca3af'))
    """
    levers = list(result.get("levers", []))
    issue = str(result.get("issue", ""))
    name = _names(issues).get(issue, issue)
    fig = go.Figure(
        go.Bar(
            y=[_change(lv) for lv in levers],
            x=[float(lv["effect"]) for lv in levers],
            orientation="h",
            marker_color=[_OWN if lv["own"] else _OTHER for lv in levers],
            hovertemplate="%{y}: effect %{x:.4g}<extra></extra>",
        )
    )
    fig.update_layout(
        title=f"Levers for {result.get('actor')} to move {issue} {result.get('toward')}er "
        f"(base {float(result.get('base', 0.0)):.4g}; red: its own moves)<br>"
        f"<sup>{name}</sup>",
        height=max(280, 30 * len(levers) + 140),
        margin={"l": 300, "r": 30, "t": 70, "b": 50},
        template="plotly_white",
        xaxis_title=f"effect: how far the forecast moves {result.get('toward')}er "
        "(issue scale; positive helps)",
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.add_vline(x=0, line_color="#57606a")
    return fig


# The deal's two steps (spec §4) and their product, as drawn per guarantee package.
_VIABILITY_MEASURES = (
    ("p_accept", "P(accept): every veto player signs", _LOW),
    ("p_kept", "P(kept): deterrence holds once signed", _HIGH),
    ("p_viable", "P(viable): signed and kept", "#54a24b"),
)


def viability_figure(result: dict[str, Any]) -> go.Figure | None:
    """Per guarantee package, P(accept) against P(kept) and their product P(viable): bars on
    the baseline assumptions, whiskers from the lowest to the highest value across the
    structural variants (priors, utility form, attribution, correlation, horizon) — the spread
    the inputs cannot settle, not Monte Carlo error. None for a one-draw run, which gives no
    probability.

    >>> row = {"package": "p", "name": "P", "p_accept": 0.2, "p_kept": 0.5, "p_viable": 0.1,
    ...        "p_kept_over": "accepted draws", "variants": [
    ...        {"p_accept": 0.1, "p_kept": 0.9, "p_viable": 0.05}]}
    >>> fig = viability_figure({"draws": 100, "headline_package": "p", "viability": [row]})
    >>> fig.data[1].y, fig.data[1].error_y.array, fig.data[1].error_y.arrayminus
    ((0.5,), (0.4,), (0.0,))
    >>> viability_figure({"draws": 1, "viability": [row]}) is None
    True
    """
    rows = list(result.get("viability") or [])
    if int(result.get("draws", 1)) <= 1 or not rows:
        return None
    headline = result.get("headline_package")
    labels = [f"<b>{r['package']}</b>" if r["package"] == headline else r["package"] for r in rows]
    fig = go.Figure()
    for key, name, colour in _VIABILITY_MEASURES:
        values = [float(r[key]) for r in rows]
        spread = [variant_spread(r, key) for r in rows]
        fig.add_trace(
            go.Bar(
                x=labels,
                y=values,
                name=name,
                marker_color=colour,
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [hi - v for (_lo, hi), v in zip(spread, values, strict=True)],
                    "arrayminus": [v - lo for (lo, _hi), v in zip(spread, values, strict=True)],
                    "color": "#57606a",
                },
                customdata=[
                    [lo, hi, r.get("p_kept_over", "")]
                    for (lo, hi), r in zip(spread, rows, strict=True)
                ],
                hovertemplate=f"{name}<br>%{{x}}: %{{y:.3f}} (across assumptions "
                "%{customdata[0]:.3f}–%{customdata[1]:.3f})<br>P(kept) over "
                "%{customdata[2]}<extra></extra>",
            )
        )
    fig.update_layout(
        title=f"Is there a deal, and would it hold? {result.get('draws')} draws per package "
        "(headline in bold)<br><sup>bars: baseline assumptions; whiskers: lowest–highest across "
        "the structural variants</sup>",
        barmode="group",
        yaxis={"range": [0, 1.05], "title": "probability"},
        height=420,
        margin={"l": 70, "r": 30, "t": 90, "b": 60},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.18},
    )
    return fig


def zone_figure(result: dict[str, Any], issues: pd.DataFrame) -> go.Figure:
    """Per issue: the zone of agreement (thick bar), the range around the Nash package that
    every veto player accepts (thin bar, its ends labelled with the veto player who binds) and
    the Nash package (diamond); the headline package's P(accept) in the title."""
    names = _names(issues)
    rows = list(result.get("issues", []))
    scale = issues.set_index("issue") if not issues.empty else pd.DataFrame()
    nash = result.get("nash") or {}
    fig = make_subplots(
        rows=max(len(rows), 1),
        cols=1,
        subplot_titles=[names.get(r["issue"], r["issue"]) for r in rows] or [""],
        vertical_spacing=0.12,
    )
    p = float(result.get("p_deal", 0.0))
    signed = (
        f"headline package {'signed' if p >= 1.0 else 'not signed'}"
        if int(result.get("draws", 1)) <= 1
        else f"headline package P(accept) = {p:.0%}"
    )
    fig.update_layout(
        title=f"Zone of agreement against the no-deal walk-aways, most likely inputs ({signed})"
        "<br><sup>red lines, conditions and breach risk are in the viability table</sup>",
        height=max(260, 150 * len(rows) + 100),
        margin={"l": 120, "r": 30, "t": 70, "b": 40},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.08},
    )
    for k, row in enumerate(rows, start=1):
        first = k == 1
        bars = (
            ("zone", row["low"], row["high"], 22, "#bfdbfe"),
            ("acceptable around the Nash package", row["around_low"], row["around_high"], 8, _LOW),
        )
        for name, lo, hi, width, colour in bars:
            fig.add_trace(
                go.Scatter(
                    x=[lo, hi],
                    y=["zone", "zone"],
                    mode="lines",
                    line={"width": width, "color": colour},
                    name=name,
                    showlegend=first,
                    hovertemplate=f"{name}: {lo:.4g}–{hi:.4g}<extra></extra>",
                ),
                row=k,
                col=1,
            )
        value = nash.get(row["issue"], row["center"])
        # Named only where a veto player binds (at a scale end nobody stops the move).
        ends = [row.get("binds_low"), row.get("binds_high")]
        fig.add_trace(
            go.Scatter(
                x=[row["around_low"], row["around_high"]],
                y=["zone", "zone"],
                mode="markers+text",
                text=[f"◀ {ends[0]}" if ends[0] else "", f"{ends[1]} ▶" if ends[1] else ""],
                textposition=["bottom right", "bottom left"],
                marker={"size": 9, "symbol": "line-ns-open", "color": _LOW},
                name="veto player who binds",
                showlegend=False,
                hoverinfo="text",
            ),
            row=k,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=[value],
                y=["zone"],
                mode="markers",
                marker={"size": 14, "symbol": "diamond", "color": _HIGH},
                name="Nash package",
                showlegend=first,
                hovertemplate="Nash package: %{x:.4g}<extra></extra>",
            ),
            row=k,
            col=1,
        )
        fig.update_yaxes(showticklabels=False, row=k, col=1)
        if row["issue"] in scale.index:
            fig.update_xaxes(
                range=[scale.loc[row["issue"], "min"], scale.loc[row["issue"], "max"]],
                row=k,
                col=1,
            )
    return fig


def _p(value: Any) -> float:
    return float("nan") if value is None else float(value)


def guarantee_figure(result: dict[str, Any]) -> go.Figure:
    """P(deterrence holds) under the package's priors (± 1.96 standard errors) and under the
    pessimistic / optimistic published priors; the effective honouring probability q_eff
    against the threshold; each guarantor's pivotal effect.

    >>> result = {"p_deterrence": 0.6, "standard_error": 0.01, "by_prior": {"pessimistic":
    ...     0.2, "optimistic": 0.7}, "q_eff": {"q05": 0.3, "q50": 0.5, "q95": 0.7},
    ...     "thresholds": {"t_hard": {"q05": 0.4, "q50": 0.45, "q95": 0.5}},
    ...     "guarantors": [{"guarantor": "uk", "pivotal_effect": 0.1}]}
    >>> fig = guarantee_figure(result)
    >>> fig.data[0].x, fig.data[3].x
    ((0.6, 0.2, 0.7), (0.1,))
    """
    fig = make_subplots(
        rows=3,
        cols=1,
        subplot_titles=[
            "P(deterrence holds) by prior (bar: ± 1.96 standard errors)",
            "Effective honouring probability q_eff vs the threshold (5%–95% of draws)",
            "Pivotal effect of each guarantor: P(deterrence) minus P without it",
        ],
        vertical_spacing=0.14,
        row_heights=[3, 2, max(len(result.get("guarantors", [])), 1)],
    )
    # "default" repeats the package's own priors, drawn first with its error bar.
    by_prior = {k: v for k, v in result.get("by_prior", {}).items() if k != "default"}
    labels = ["package priors", *by_prior]
    se = float(result.get("standard_error") or 0.0)
    fig.add_trace(
        go.Scatter(
            x=[float(result["p_deterrence"]), *(_p(v) for v in by_prior.values())],
            y=labels,
            mode="markers",
            marker={"size": 13, "color": [_LOW] + [_OTHER] * len(by_prior)},
            error_x={"type": "data", "array": [1.96 * se] + [0.0] * len(by_prior)},
            hovertemplate="%{y}: %{x:.3f}<extra></extra>",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    fig.update_xaxes(range=[-0.02, 1.02], row=1, col=1)  # room for dots at 0 and 1
    q = result.get("q_eff") or {}
    t = (result.get("thresholds") or {}).get("t_hard") or {}
    for name, summary, colour in (("q_eff", q, _LOW), ("threshold", t, _HIGH)):
        mid = _p(summary.get("q50"))
        fig.add_trace(
            go.Scatter(
                x=[mid],
                y=[name],
                mode="markers",
                marker={"size": 12, "color": colour},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [_p(summary.get("q95")) - mid],
                    "arrayminus": [mid - _p(summary.get("q05"))],
                },
                hovertemplate="%{y}: median %{x:.3f}<extra></extra>",
                showlegend=False,
            ),
            row=2,
            col=1,
        )
    guarantors = list(result.get("guarantors", []))
    fig.add_trace(
        go.Bar(
            y=[str(g["guarantor"]) for g in guarantors],
            x=[float(g["pivotal_effect"]) for g in guarantors],
            orientation="h",
            marker_color=_LOW,
            hovertemplate="%{y}: %{x:.3f}<extra></extra>",
            showlegend=False,
        ),
        row=3,
        col=1,
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(
        title=f"Guarantee package {result.get('package', {}).get('name', '')}: deterrence "
        f"holds {result.get('words') or _p(result['p_deterrence'])}<br><sup>across the "
        "structural assumptions; the package's own inputs give "
        f"{float(result['p_deterrence']):.3f} (Monte Carlo error ± {se:.3f})</sup>",
        height=520 + 28 * len(guarantors),
        margin={"l": 140, "r": 30, "t": 90, "b": 40},
        template="plotly_white",
    )
    return fig


def panel_figures(kind: str, result: dict[str, Any], issues: pd.DataFrame) -> list[go.Figure]:
    """The figures of a run of ``kind`` (none for kinds drawn from an outcome table)."""
    if not result:
        return []
    if kind == "sensitivity":
        builder = sobol_figure if result.get("method") == "sobol" else tornado_figure
        return [builder(result, issues)]
    if kind == "levers":
        return [levers_figure(result, issues)]
    if kind == "deal":
        viability = viability_figure(result)
        return [*([viability] if viability else []), zone_figure(result, issues)]
    if kind == "guarantees":
        return [guarantee_figure(result)]
    return []


def panel_html(kind: str, result: dict[str, Any], issues: pd.DataFrame) -> Markup:
    """The tables that go with a run's panel (levers, trades, guarantors, caveats) as escaped
    HTML; empty for kinds with no such tables.

    >>> panel_html("forecast", {}, pd.DataFrame())
    Markup('')
    """
    if kind not in PANEL_KINDS or not result:
        return Markup("")
    source = (resources.files("detente.report") / "templates" / "panels.html.j2").read_text("utf-8")
    env = Environment(autoescape=select_autoescape(default=True))
    text = env.from_string(source).render(kind=kind, r=result, names=_names(issues))
    return Markup(text.strip())
