"""The one-page brief: the bottom line first, then the judgements that carry it.

``brief(scenario)`` runs what the page needs — every model with the skill-weighted ensemble and
its calibrated intervals (:func:`detente.compare`) and the deal check's viability row per
guarantee package (:func:`detente.check_deal`: would the veto players sign, would it be kept) —
and keeps only what an analyst reads: sentences with estimative words, ranges, and the sources.
:mod:`detente.report` renders it (HTML, PDF).

>>> b = brief("emission-standards-1994")
>>> b.bottom_line.startswith("The skill-weighted forecast puts the talks at lag")
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from statistics import median
from typing import Any

from ._compare import Comparison, compare
from ._explain import contributions
from ._inputs import DEAL_DRAWS, as_scenario
from ._intervals import calibration, p_above_middle
from .backtest import ENSEMBLE
from .deal import check_deal, variant_spread
from .estimative import words
from .scenario import Scenario

__all__ = ["Brief", "IssueLine", "PackageLine", "brief"]

# Sources and "what it takes" lines listed on the page: it must stay one A4 sheet.
SOURCES = 2
TAKES = 3
# The comparison's share of a brief's progress when a deal check follows: on ukraine-2026 it
# takes about 4 s of the 13 s at the default draws (the deal check grows with its draws).
COMPARE_SHARE = 0.3

Progress = Callable[[float], None]


@dataclass(frozen=True)
class IssueLine:
    """Where the talks land on one issue: the ensemble, its calibrated 80% range, the models'
    spread, the scale's words for the ensemble and why the models disagree."""

    issue: str
    name: str
    ensemble: float
    p_above_middle: float
    low: float
    high: float
    models_low: float
    models_high: float
    scale_min: float
    scale_max: float
    anchor: str
    why: str


@dataclass(frozen=True)
class PackageLine:
    """One guarantee package, as the deal check's viability row has it: would every veto player
    sign (``p_accept``), would the deal be kept (``p_kept``, over the draws ``p_kept_over``
    names), both (``p_viable``), the range of P(viable) across the structural variants with its
    estimative words, who blocks (share of draws by veto player), and the range of P(kept)
    across the structural variants (the guarantors' priors move it most)."""

    package: str
    name: str
    p_accept: float
    p_kept: float
    p_kept_over: str
    p_viable: float
    viable_range: tuple[float, float]
    words: str
    blockers: dict[str, float]
    kept_range: tuple[float, float]


@dataclass(frozen=True)
class Brief:
    """Everything the one-page brief shows, as text and numbers (no figures)."""

    scenario: str
    title: str
    as_of: str
    bottom_line: str
    judgements: tuple[str, ...]
    issues: tuple[IssueLine, ...]
    packages: tuple[PackageLine, ...]
    levers: tuple[str, ...]
    sources: tuple[str, ...]
    method: str
    # Why there is no deal section, when there is none (no packages, or no veto players).
    no_deal: str = ""

    def to_json(self) -> dict[str, Any]:
        """The fields as JSON values; an undefined number (P(above mid-scale) when no model
        with a calibration ran) is null, as JSON has no NaN."""
        data = asdict(self)
        for line in data["issues"]:
            if math.isnan(line["p_above_middle"]):
                line["p_above_middle"] = None
        return data


def _issue_lines(s: Scenario, c: Comparison) -> tuple[tuple[IssueLine, ...], list[str]]:
    ens = c.ensemble
    above = p_above_middle(ENSEMBLE, ens.outcome, s, ens.issue_ids) if ens is not None else None
    lines = []
    for j, issue in enumerate(s.issues):
        values = [fc.outcomes[issue.id] for n, fc in c.forecasts.items() if n != "status_quo"]
        centre = ens.outcomes[issue.id] if ens is not None else median(values)
        low, high = (
            ens.intervals.interval(issue.id) if ens is not None else (min(values), max(values))
        )
        lines.append(
            IssueLine(
                issue.id,
                issue.name.split(" (")[0],
                centre,
                float("nan") if above is None else float(above[j]),
                low,
                high,
                min(values),
                max(values),
                issue.scale.min,
                issue.scale.max,
                issue.scale.words(centre) or "",
                c.why.get(issue.id, ""),
            )
        )
    weights = ens.weights if ens is not None else {}
    return tuple(lines), [f"{c.label(k)} {w:.0%}" for k, w in weights.items()]


def viability_lines(deal: Mapping[str, Any]) -> tuple[PackageLine, ...]:
    """Package lines from the deal check's ``viability`` rows (``check_deal(...).to_json()``).

    >>> row = {"package": "p", "name": "P", "p_accept": 0.9, "p_kept": 0.5, "p_viable": 0.45,
    ...        "p_kept_over": "accepted draws", "range": [0.3, 0.6],
    ...        "words": "unlikely to likely (0.30–0.60)", "blockers": {"a": 0.1}}
    >>> viability_lines({"viability": [row]})[0].p_viable
    0.45
    """
    return tuple(
        PackageLine(
            str(r["package"]),
            str(r["name"]),
            float(r["p_accept"]),
            float(r["p_kept"]),
            str(r["p_kept_over"]),
            float(r["p_viable"]),
            (float(r["range"][0]), float(r["range"][1])),
            str(r["words"]),
            {str(a): float(share) for a, share in r["blockers"].items()},
            variant_spread(r, "p_kept"),
        )
        for r in deal.get("viability", ())
    )


def _levers(s: Scenario, c: Comparison, top: int = 3) -> tuple[str, ...]:
    """The stances that pull the weighted average hardest (exact pulls, compromise)."""
    if "compromise" not in c.forecasts:
        return ()
    pulls = contributions(c.forecasts["compromise"], s)
    ranked = sorted(
        ((abs(v), issue, actor, v) for issue, row in pulls.items() for actor, v in row.items()),
        reverse=True,
    )[:top]
    names = {a.id: a.name for a in s.actors}
    pulled = ", ".join(f"{names.get(a, a)} on {i} ({v:+.0f})" for _, i, a, v in ranked)
    return (
        f"The stances that pull the weighted average hardest from mid-scale: {pulled} points; "
        "a shift in these moves the forecast most.",
    )


def _fmt(value: float, line: IssueLine) -> str:
    """A value with the decimals its scale warrants: whole points on a wide scale (0–100),
    one decimal on a narrow one (0–12 years)."""
    return f"{value:.0f}" if abs(line.scale_max - line.scale_min) >= 20 else f"{value:.1f}"


def _bottom_line(
    issues: tuple[IssueLine, ...], packages: tuple[PackageLine, ...], names: Mapping[str, str]
) -> str:
    width = median((line.high - line.low) / abs(line.scale_max - line.scale_min) for line in issues)
    centre = ", ".join(f"{line.issue} {_fmt(line.ensemble, line)}" for line in issues)
    parts = [
        f"The skill-weighted forecast puts the talks at {centre} (each on its issue's scale), "
        f"but models miss real outcomes widely: the typical 80% range spans {width:.0%} of the "
        "scale."
    ]
    if packages:
        parts += _deal_line(packages, names)
    return " ".join(parts)


def _deal_line(packages: tuple[PackageLine, ...], names: Mapping[str, str]) -> list[str]:
    """Would they sign, and would it be kept: the two steps of the deal check, by package
    (``names``: actor id → name)."""
    signed = [p.name for p in packages if p.p_accept >= 0.5]
    if signed:
        sign = f"Every veto player would sign under {'; '.join(signed)}."
    else:
        top = max(packages, key=lambda p: p.p_accept)
        shares: dict[str, float] = {}
        for p in packages:
            for actor, share in p.blockers.items():
                shares[actor] = max(shares.get(actor, 0.0), share)
        ranked = sorted(shares, key=lambda a: -shares[a])
        who = " and ".join(names.get(a, a) for a in ranked) or "no single veto player"
        sign = (
            f"No guarantee package is likely to be signed: the chance that every veto player "
            f"accepts is at best {top.p_accept:.2f} ({words(top.p_accept)}); {who} block."
        )
    kept = max(packages, key=lambda p: p.p_kept)
    rest = [p.p_kept for p in packages if p is not kept]
    lo, hi = kept.kept_range
    keep = (
        f"Keeping a signed deal: {words(kept.p_kept)} ({kept.p_kept:.2f}; {lo:.2f}–{hi:.2f} "
        f"across the structural assumptions) under {kept.name}"
    )
    keep += f"; at most {max(rest):.2f} ({words(max(rest))}) under the others." if rest else "."
    return [sign, keep]


def _package_judgement(p: PackageLine) -> str:
    # With no accepted draw, P(kept) is over all draws: what would happen if it were signed.
    kept = "kept" if p.p_kept_over == "accepted draws" else "kept if signed"
    return (
        f"{p.name}: signed — {words(p.p_accept)} ({p.p_accept:.2f}); {kept} — "
        f"{words(p.p_kept)} ({p.p_kept:.2f}; {p.kept_range[0]:.2f}–{p.kept_range[1]:.2f} across "
        f"the structural assumptions); both — {words(p.p_viable)} ({p.p_viable:.2f})."
    )


def _no_deal(s: Scenario) -> str:
    """Why the deal question cannot be asked of ``s`` (it is asked of guarantee packages, and
    of the veto players who would sign them); empty when it can."""
    if not s.guarantees:
        return "The scenario has no guarantee packages."
    if not any(a.veto for a in s.actors):
        return (
            "The scenario names no veto players, so the deal check did not run: mark the actors "
            "who can block a deal with 'veto: true'."
        )
    return ""


def _part(progress: Progress | None, start: float, end: float) -> Progress | None:
    """``progress`` for one step of the brief: the step's own 0–1 mapped onto ``start``–``end``
    of the whole."""
    if progress is None:
        return None
    report = progress
    return lambda fraction: report(start + (end - start) * fraction)


def brief(
    scenario: Scenario | str | Path,
    *,
    seed: int = 0,
    draws: int = DEAL_DRAWS,
    progress: Progress | None = None,
) -> Brief:
    """The one-page brief of a scenario (see the module docstring); ``draws`` and ``seed`` are
    the deal check's. ``progress`` is called with the share done (0–1) as the comparison and
    then the deal check move, and once between them; a service's callback may raise there to
    stop the brief."""
    s = as_scenario(scenario)
    no_deal = _no_deal(s)
    split = 1.0 if no_deal else COMPARE_SHARE
    comparison = compare(s, progress=_part(progress, 0.0, split))
    if progress is not None:
        progress(split)
    issues, weights = _issue_lines(s, comparison)
    deal = (
        check_deal(s, draws=draws, seed=seed, top=1, progress=_part(progress, split, 1.0)).to_json()
        if not no_deal
        else {}
    )
    packages = viability_lines(deal)
    takes = tuple(str(lever["text"]) for lever in deal.get("what_it_takes", ()))[:TAKES]
    judgements = [
        # Only issues the calibrated distribution leans on: "roughly even chance" says nothing.
        *(
            f"{line.issue} ends above mid-scale: {words(line.p_above_middle)} "
            f"({line.p_above_middle:.2f}; 80% range {_fmt(line.low, line)}–"
            f"{_fmt(line.high, line)})."
            for line in issues
            if abs(line.p_above_middle - 0.5) > 0.05
        ),
        # The deal check's headline package only: the table shows every package.
        *(_package_judgement(p) for p in packages if p.package == deal["headline_package"]),
    ]
    doc = calibration()
    prov, held = doc["provenance"], doc["ensemble"]["out_of_sample"]["coverage"]["0.8"]
    method = (
        f"Ensemble weights from the DEU backtest ({', '.join(weights)}). Ranges are 80% "
        f"intervals calibrated on {prov['issues']} real EU decisions ({prov['data']}, "
        f"{prov['date']}); out of sample they held {held:.0%} of the time."
    )
    sources = tuple(
        f"{src.id}: {src.title}" + (f" ({src.publisher}, {src.date})" if src.publisher else "")
        for src in s.sources[:SOURCES]
    )
    if len(s.sources) > SOURCES:
        sources += (f"… and {len(s.sources) - SOURCES} more in the scenario file.",)
    return Brief(
        s.id,
        s.title,
        str(s.as_of or ""),
        _bottom_line(issues, packages, {a.id: a.name for a in s.actors}),
        tuple(judgements),
        issues,
        packages,
        takes + _levers(s, comparison),
        sources,
        method,
        no_deal,
    )
