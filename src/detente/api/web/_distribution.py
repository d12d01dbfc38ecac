"""A simulation's distribution per issue for the run page: median, mean, the 80% and 95%
intervals, and the histogram as a small inline SVG (one per issue: small multiples that stay
readable at 30 issues, and need no chart script)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

__all__ = ["distribution_rows"]

_W, _H = 160, 36


def _svg(histogram: dict[str, Any], band: list[float] | None) -> Markup:
    """Bars of the histogram, with the 95% interval shaded behind them."""
    edges, counts = histogram.get("edges") or [], histogram.get("counts") or []
    if len(edges) != len(counts) + 1 or not counts or edges[-1] == edges[0]:
        return Markup("")
    lo, span, top = edges[0], edges[-1] - edges[0], max(counts) or 1
    width = _W / len(counts)
    parts = []
    if band:
        x0, x1 = ((v - lo) / span * _W for v in band)
        parts.append(f'<rect x="{x0:.1f}" y="0" width="{max(x1 - x0, 1):.1f}" height="{_H}" '
                     'fill="#ddf4ff"/>')  # fmt: skip
    for k, count in enumerate(counts):
        h = count / top * (_H - 2)
        parts.append(
            f'<rect x="{k * width:.1f}" y="{_H - h:.1f}" width="{max(width - 1, 0.5):.1f}" '
            f'height="{h:.1f}" fill="#0969da"/>'
        )
    return Markup(
        f'<svg class="hist" viewBox="0 0 {_W} {_H}" width="{_W}" height="{_H}" role="img" '
        f'aria-label="histogram of the outcome">{"".join(parts)}</svg>'
    )


def distribution_rows(result: dict[str, Any], names: dict[str, str]) -> list[dict[str, Any]]:
    """Per issue of a simulate result: its name, median, mean, intervals and histogram SVG
    (empty for results of other kinds)."""
    rows = []
    for issue, summary in (result.get("issues") or {}).items():
        if not isinstance(summary, dict) or "interval_95" not in summary:
            continue
        rows.append(
            {
                "name": names.get(issue, issue),
                "median": summary.get("median"),
                "mean": summary.get("mean"),
                "i80": summary.get("interval_80") or [None, None],
                "i95": summary.get("interval_95") or [None, None],
                "svg": _svg(summary.get("histogram") or {}, summary.get("interval_95")),
            }
        )
    return rows
