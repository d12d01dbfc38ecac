"""Markdown for ``docs/backtest.md``: generated sections between markers, the rest hand-written.

The CLI regenerates only the text between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``, so
the method and caveats written by people stay as they are.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from ._leaderboard import Entry, Leaderboard
from ._search import CandidateResult, SearchResult

__all__ = ["leaderboard_markdown", "replace_section", "search_markdown"]


def _num(x: float, digits: int = 2) -> str:
    return "–" if math.isnan(x) else f"{x:.{digits}f}"


def _signed(x: float) -> str:
    return "–" if math.isnan(x) else f"{x:+.2f}"


def _interval(e: Entry) -> str:
    b = e.vs_baseline
    if math.isnan(b.low):
        return "–"
    return f"[{b.low:+.2f}, {b.high:+.2f}]"


def leaderboard_markdown(board: Leaderboard, command: str) -> str:
    """The leaderboard and per-wave tables as Markdown, headed by the command that made them."""
    waves = list(dict.fromkeys(board.data.waves))
    lines = [
        f"Regenerate with `{command}` "
        f"({board.n_issues} issues with an outcome, {board.n_proposals} proposals, "
        f"`{Path(board.data.source).name}`; paired bootstrap by {board.unit}, "
        f"{board.resamples:,} resamples, seed {board.seed}).",
        "",
        "| model | n | MAE | RMSE | median AE | within 10 | MAE − compromise | 95% CI |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for e in board.entries:
        s = e.scores
        lines.append(
            f"| `{e.name}` | {s.n} | {_num(s.mae)} | {_num(s.rmse)} | {_num(s.median_ae)} | "
            f"{_num(100 * s.within_10, 0)}% | {_signed(e.vs_baseline.delta)} | {_interval(e)} |"
        )
    lines += ["", "MAE by wave, procedure and Council voting rule (n in brackets):", ""]
    groups = [
        *(("wave", w) for w in waves),
        *(("proc", p) for p in dict.fromkeys(board.data.procedures)),
        *(("vote", v) for v in dict.fromkeys(board.data.voting_rules)),
    ]
    lines.append("| model | " + " | ".join(g for _, g in groups) + " |")
    lines.append("|---|" + "---:|" * len(groups))
    for e in board.entries:
        cells = []
        for kind, g in groups:
            table = {"wave": e.by_wave, "proc": e.by_procedure, "vote": e.by_voting_rule}[kind]
            s = table[g]
            cells.append(f"{_num(s.mae)} ({s.n})")
        lines.append(f"| `{e.name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _search_row(r: CandidateResult) -> str:
    b = r.vs_compromise
    top = next(iter(r.fold_choices.items()), ("–", 0))
    return (
        f"| {r.name} | {r.n_points} | {r.n} | **{_num(r.cv_mae)}** | {_signed(b.delta)} | "
        f"[{b.low:+.2f}, {b.high:+.2f}] | {'yes' if r.meets_target else 'no'} | "
        f"{_num(r.in_sample_mae)} | {top[0]} ({top[1]}/{sum(r.fold_choices.values())}) |"
    )


def search_markdown(result: SearchResult, command: str) -> str:
    """The cross-validated search table, headed by the command that made it."""
    verdict = (
        "**Target met**"
        if result.overall.meets_target
        else "**Target not met**: no searched model beats compromise by 1 MAE point out of sample"
    )
    lines = [
        f"Regenerate with `{command}` ({result.n_issues} issues, {result.n_proposals} "
        f"proposals, {result.folds}-fold cross-validation grouped by proposal, fold seed "
        f"{result.seed}; paired bootstrap by {result.unit}, {result.resamples:,} resamples). "
        f"Compromise MAE on these issues: {result.compromise_mae:.2f}.",
        "",
        f"{verdict} (the search as a whole: CV MAE {result.overall.cv_mae:.2f}, "
        f"{result.overall.vs_compromise.delta:+.2f} against compromise, 95% CI "
        f"[{result.overall.vs_compromise.low:+.2f}, {result.overall.vs_compromise.high:+.2f}]).",
        "",
        "| candidate | grid points | n | CV MAE | − compromise | 95% CI | target met | "
        "in-sample best MAE (optimistic) | most chosen grid point (folds) |",
        "|---|---:|---:|---:|---:|---|---|---:|---|",
        _search_row(result.overall),
        *(_search_row(r) for r in result.candidates),
    ]
    return "\n".join(lines)


def replace_section(document: str, name: str, body: str) -> str:
    """``document`` with the text between the ``name`` markers replaced by ``body``.

    Markers missing → the section is appended at the end with a heading.

    >>> replace_section("a\\n<!-- x:start -->\\nold\\n<!-- x:end -->\\nb", "x", "new")
    'a\\n<!-- x:start -->\\nnew\\n<!-- x:end -->\\nb'
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(document):
        return pattern.sub(lambda _: block, document, count=1)
    return document.rstrip() + f"\n\n## {name.capitalize()}\n\n{block}\n"
