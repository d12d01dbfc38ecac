"""Figures of uncertainty results (matplotlib). Builders return figures; ``save_figure`` writes.

Figures use matplotlib's object API on a fresh ``Figure`` (no pyplot state), so building one
never opens a window or touches a global figure list.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ModelError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ._result import Simulation
    from ._sensitivity import SobolIndices, Tornado

__all__ = ["histogram_figure", "save_figure", "sobol_figure", "tornado_figure"]

# Bars shown per issue panel: the inputs that matter most.
TOP = 10


def _figure(panels: int) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(7.5, 2.2 + 2.6 * panels), layout="constrained")


def tornado_figure(result: Tornado, *, top: int = TOP) -> Figure:
    """One panel per issue: the ``top`` inputs by swing, bars from the low-end to the high-end
    forecast around the base forecast."""
    fig = _figure(len(result.issue_ids))
    axes = fig.subplots(len(result.issue_ids), 1, squeeze=False)[:, 0]
    for j, (ax, issue) in enumerate(zip(axes, result.issue_ids, strict=True)):
        order = result.ranking(issue)[:top][::-1]
        labels = [result.inputs[k].label for k in order]
        lo, hi = result.at_low[order, j], result.at_high[order, j]
        y = np.arange(len(order))
        ax.barh(y, lo - result.base[j], left=result.base[j], color="#4c72b0", label="input at low")
        ax.barh(y, hi - result.base[j], left=result.base[j], color="#dd8452", label="input at high")
        ax.axvline(result.base[j], color="black", linewidth=0.8)
        ax.set_yticks(y, labels, fontsize=8)
        ax.set_title(f"{issue}: forecast with each input at its low / high end", fontsize=10)
    axes[0].legend(fontsize=8, loc="lower right")
    return fig


def sobol_figure(result: SobolIndices, *, top: int = TOP) -> Figure:
    """One panel per issue: first-order and total indices of the ``top`` inputs."""
    fig = _figure(len(result.issue_ids))
    axes = fig.subplots(len(result.issue_ids), 1, squeeze=False)[:, 0]
    for j, (ax, issue) in enumerate(zip(axes, result.issue_ids, strict=True)):
        order = result.ranking(issue)[:top][::-1]
        y = np.arange(len(order))
        ax.barh(y + 0.2, result.total[order, j], height=0.4, label="total", color="#dd8452")
        ax.barh(y - 0.2, result.first[order, j], height=0.4, label="first order", color="#4c72b0")
        ax.set_yticks(y, [result.inputs[k].label for k in order], fontsize=8)
        ax.set_xlim(0, 1)
        ax.set_title(f"{issue}: Sobol indices (share of variance)", fontsize=10)
    axes[0].legend(fontsize=8, loc="lower right")
    return fig


def histogram_figure(result: Simulation) -> Figure:
    """One panel per issue: the histogram of the forecast with its 80% interval shaded."""
    fig = _figure(len(result.issue_ids))
    axes = fig.subplots(len(result.issue_ids), 1, squeeze=False)[:, 0]
    for ax, issue in zip(axes, result.issue_ids, strict=True):
        edges, counts = result.histogram(issue)
        ax.stairs(counts / result.draws, edges, fill=True, color="#4c72b0")
        lo, hi = result.interval(issue, 0.8)
        ax.axvspan(lo, hi, color="#dd8452", alpha=0.25, label="80% interval")
        ax.axvline(result.median(issue), color="black", linewidth=0.8, label="median")
        ax.set_title(f"{issue}: share of {result.draws:,} draws", fontsize=10)
    axes[0].legend(fontsize=8)
    return fig


def save_figure(figure: Figure, path: str | Path) -> Path:
    """Write ``figure`` to ``path``; the suffix picks the format (.png, .svg, .pdf)."""
    path = Path(path)
    if path.suffix.lower() not in {".png", ".svg", ".pdf"}:
        raise ModelError(f"figure file must end in .png, .svg or .pdf; got '{path.name}'")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    return path
