"""The one-page brief: the bottom line first, then the judgements that carry it.

``brief(scenario)`` runs what the page needs — every model with the skill-weighted ensemble and
its calibrated intervals (:func:`detente.compare`), the deal check with each guarantee package
(:func:`detente.check_deal`) and the deterrence assessment of each package
(:func:`detente.assess_guarantees`) — and keeps only what an analyst reads: sentences with
estimative words, ranges, and the sources. :mod:`detente.report` renders it (HTML, PDF).

>>> b = brief("emission-standards-1994")
>>> b.bottom_line.startswith("The skill-weighted forecast puts the talks at lag")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from statistics import median
from typing import Any

from ._compare import Comparison, compare
from ._explain import contributions
from ._inputs import as_scenario
from ._intervals import calibration, p_above_middle
from .backtest import ENSEMBLE
from .deal import check_deal
from .estimative import words
from .guarantees import assess_guarantees
from .scenario import Scenario

__all__ = ["Brief", "IssueLine", "PackageLine", "brief"]

# Sources and "what it takes" lines listed on the page: it must stay one A4 sheet.
SOURCES = 2
TAKES = 3


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
    """One guarantee package: is there a deal under it, and does deterrence hold."""

    package: str
    name: str
    p_deal: float | None
    p_deterrence: float
    deterrence_range: tuple[float, float]
    blockers: tuple[str, ...]
    p_viable: float | None = None


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

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


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
    """Package lines from the deal check's ``viability`` rows, when it has them: P(accept) by
    every veto player, P(kept) through the deterrence model, P(viable) = both, and the range of
    P(viable) across the structural variants.

    >>> row = {"package": "p", "name": "P", "p_accept": 0.9, "p_kept": 0.5, "p_viable": 0.45,
    ...        "range": [0.3, 0.6], "blockers": ["a"]}
    >>> viability_lines({"viability": [row]})[0].p_viable
    0.45
    """
    return tuple(
        PackageLine(
            str(r["package"]),
            str(r["name"]),
            float(r["p_accept"]),
            float(r["p_kept"]),
            (float(r["range"][0]), float(r["range"][1])),
            tuple(str(b) for b in r.get("blockers", ())),
            float(r["p_viable"]),
        )
        for r in deal.get("viability", ())
    )


def _packages(s: Scenario, seed: int, guarantee_draws: int) -> tuple[PackageLine, ...]:
    """Package lines from one deal check and one deterrence assessment per package (for a
    deal check without ``viability`` rows)."""
    out = []
    for p in s.guarantees:
        g = assess_guarantees(s, p.id, seed=seed).to_json()
        deal = check_deal(s, package=p.id, seed=seed, guarantee_draws=guarantee_draws, top=1)
        d = deal.to_json()
        out.append(
            PackageLine(
                p.id,
                p.name,
                d.get("p_deal"),
                float(g["p_deterrence"]),
                (float(g["range"][0]), float(g["range"][1])),
                tuple(b["actor"] for b in d.get("blockers", [])),
            )
        )
    return tuple(out)


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


def _bottom_line(issues: tuple[IssueLine, ...], packages: tuple[PackageLine, ...]) -> str:
    width = median((line.high - line.low) / abs(line.scale_max - line.scale_min) for line in issues)
    centre = ", ".join(f"{line.issue} {_fmt(line.ensemble, line)}" for line in issues)
    parts = [
        f"The skill-weighted forecast puts the talks at {centre} (each on its issue's scale), "
        f"but models miss real outcomes widely: the typical 80% range spans {width:.0%} of the "
        "scale."
    ]
    if packages:
        dealing = [p.name for p in packages if p.p_deal is not None and p.p_deal >= 0.5]
        blocked = [p.name for p in packages if p.p_deal is not None and p.p_deal < 0.5]
        if dealing:
            parts.append(f"A deal every veto player accepts exists under {'; '.join(dealing)}")
            parts[-1] += f", not under {'; '.join(blocked)}." if blocked else "."
        else:
            parts.append("No guarantee package yields a deal every veto player accepts.")
        best = max(packages, key=lambda p: p.p_deterrence)
        rest = max((p.p_deterrence for p in packages if p is not best), default=0.0)
        parts.append(
            f"Deterrence of a renewed attack holding is {words(best.p_deterrence)} "
            f"({best.p_deterrence:.2f}) only under {best.name}; under the others it is at most "
            f"{words(rest)} ({rest:.2f})."
        )
    return " ".join(parts)


def _package_judgement(p: PackageLine) -> str:
    deal = "not assessed" if p.p_deal is None else f"{words(p.p_deal)} ({p.p_deal:.2f})"
    viable = (
        "" if p.p_viable is None else f"; signed and kept — {words(p.p_viable)} ({p.p_viable:.2f})"
    )
    return (
        f"{p.name}: a deal — {deal}; deterrence holding — {words(p.p_deterrence)} "
        f"({p.p_deterrence:.2f}){viable}."
    )


def brief(scenario: Scenario | str | Path, *, seed: int = 0, guarantee_draws: int = 2000) -> Brief:
    """The one-page brief of a scenario (see the module docstring)."""
    s = as_scenario(scenario)
    comparison = compare(s)
    issues, weights = _issue_lines(s, comparison)
    # The deal question is asked of guarantee packages; a case without them has none.
    deal = check_deal(s, seed=seed, top=1).to_json() if s.guarantees else {}
    packages = viability_lines(deal) or _packages(s, seed, guarantee_draws)
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
        *(_package_judgement(p) for p in packages),
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
        _bottom_line(issues, packages),
        tuple(judgements),
        issues,
        packages,
        takes + _levers(s, comparison),
        sources,
        method,
    )
