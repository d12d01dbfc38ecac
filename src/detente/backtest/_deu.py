"""Read a DEU-layout CSV into one batch of issues: arrays for every model, outcomes, metadata.

The DEU data (EU legislative decisions, ``specs/baselines.md`` §6.5) code, per issue, the
positions and saliences (0–100) of the Commission, the Parliament and the member states, the
reference point ``rp`` (the status quo) and the outcome ``out``. This module turns any file with
that column layout into a single :class:`~detente.scenario.ScenarioArrays` with one issue per
row (``D`` = issues, ``N`` = actors, ``mask [N, D]`` = who has a position where), so each model
runs on the whole file in one batched call. Every rule is a field of :class:`DeuRules`.

>>> data = load_deu()
>>> data.arrays.positions.shape, data.n_scored_issues
((1, 30, 257), 248)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..errors import Problem, ScenarioError
from ..models import param
from ..scenario import ScenarioArrays
from ._csv import council_weights, read_csv
from ._presidency import presidency

__all__ = [
    "COUNCIL_WEIGHTS_BY_WAVE",
    "MEMBER_STATES",
    "DeuData",
    "DeuRules",
    "load_deu",
    "shipped_deu_path",
]

Float = NDArray[np.float64]

# DEU country codes (column suffixes) → the country's name in the Council-weights file.
MEMBER_STATES: tuple[tuple[str, str], ...] = (
    ("at", "Austria"),
    ("be", "Belgium"),
    ("bu", "Bulgaria"),
    ("cr", "Croatia"),
    ("cy", "Cyprus"),
    ("cz", "Czech Republic"),
    ("dk", "Denmark"),
    ("ee", "Estonia"),
    ("fi", "Finland"),
    ("fr", "France"),
    ("de", "Germany"),
    ("el", "Greece"),
    ("hu", "Hungary"),
    ("ie", "Ireland"),
    ("it", "Italy"),
    ("lv", "Latvia"),
    ("lt", "Lithuania"),
    ("lu", "Luxembourg"),
    ("mt", "Malta"),
    ("nl", "Netherlands"),
    ("pl", "Poland"),
    ("pt", "Portugal"),
    ("ro", "Romania"),
    ("si", "Slovenia"),
    ("sk", "Slovakia"),
    ("es", "Spain"),
    ("se", "Sweden"),
    ("uk", "United Kingdom"),
)

# The treaty regime in force per wave (baselines.md §6.5): EU-15 votes, Nice votes, population
# as a proxy for the post-2014 double majority.
COUNCIL_WEIGHTS_BY_WAVE: tuple[tuple[str, str], ...] = (
    ("DEU I", "eu15"),
    ("DEU II-new", "eu25_av"),
    ("DEU III-new", "eu25_ap"),
)


@dataclass(frozen=True)
class DeuRules:
    """Every convention the loader applies; the defaults are ``specs/baselines.md`` §6.5."""

    institutions: tuple[str, ...] = param(
        ("com", "ep"), "institution codes (columns p<code>, s<code>): Commission, Parliament"
    )
    member_states: tuple[tuple[str, str], ...] = param(
        MEMBER_STATES, "(code, name in the Council-weights file) for every member state"
    )
    capability_by_wave: tuple[tuple[str, str], ...] = param(
        COUNCIL_WEIGHTS_BY_WAVE,
        "(wave, Council-weights column): the treaty regime in force when the wave's proposals "
        "were decided; a row whose wave is not listed is reported and skipped",
    )
    institution_capability: float = param(
        1.0,
        "an institution's capability as a multiple of the largest member-state value in the "
        "wave's column (1 = the reference convention)",
    )
    parliament_by_procedure: tuple[tuple[str, float], ...] = param(
        (),
        "(procedure, factor) pairs scaling the Parliament's capability by legislative procedure, "
        "e.g. (('CNS', 0.0),) to give it no say under consultation; unlisted procedures keep 1",
    )
    presidency_bonus: float = param(
        1.0,
        "multiplies the capability of the member state holding the Council presidency when the "
        "act was adopted (from date_column; 1 = no bonus)",
    )
    date_column: str = param(
        "finact_repaired", "date of the final act (dd-mm-yy); read only for a presidency bonus"
    )
    scale: tuple[float, float] = param(
        (0.0, 100.0),
        "the issue scale of positions, rp and out (saliences are always 0–100); values outside "
        "it are sentinels (e.g. 999) and count as absent",
    )
    issue_column: str = param("isnr", "issue id column (unique per row)")
    proposal_column: str = param("prnr", "proposal id column (the bootstrap's cluster)")
    wave_column: str = param("wave", "survey wave column; chooses the capability column")
    procedure_column: str = param("proc", "legislative procedure column (COD, CNS)")
    voting_rule_column: str = param("counvte", "Council voting rule column (QMV, Unan)")
    status_quo_column: str = param("rp", "reference point (status quo) column")
    outcome_column: str = param("out", "decision outcome column")

    @property
    def actor_codes(self) -> tuple[str, ...]:
        return (*self.institutions, *(code for code, _ in self.member_states))


@dataclass(frozen=True)
class DeuData:
    """A DEU-layout file as one batch of issues.

    ``arrays`` holds ``[1, N, D]`` positions (internal 0–100), saliences in [0, 1] and Council
    capabilities, ``mask [N, D]`` and the status quo ``[1, D]``; ``outcome`` is ``float[D]``
    (NaN where not coded). The per-issue labels (``proposals``, ``waves``, ``procedures``,
    ``voting_rules``) are tuples of length D. ``problems`` lists every malformed cell found
    (row, column, value); ``skipped_rows`` rows were left out because of them.
    """

    arrays: ScenarioArrays
    outcome: Float
    proposals: tuple[str, ...]
    waves: tuple[str, ...]
    procedures: tuple[str, ...]
    voting_rules: tuple[str, ...]
    source: str
    rows: int
    skipped_rows: int
    absent_sentinels: int
    problems: tuple[Problem, ...] = ()
    rules: DeuRules = field(default_factory=DeuRules)

    @property
    def issues(self) -> tuple[str, ...]:
        return self.arrays.issue_ids

    @property
    def n_issues(self) -> int:
        return self.arrays.n_issues

    @property
    def n_scored_issues(self) -> int:
        """Issues with a coded outcome (the most any model can be scored on)."""
        return int(np.isfinite(self.outcome).sum())

    def take(
        self, issues: NDArray[np.intp] | Sequence[int], *, present_only: bool = False
    ) -> DeuData:
        """The same data restricted to some issues (by index), e.g. one proposal or one fold.

        With ``present_only``, actors with no position on any of those issues are left out, so
        a single issue carries only the actors coded on it (for models that need every actor
        on every issue).
        """
        idx = np.asarray(issues, dtype=np.intp)
        a = self.arrays
        keep = np.flatnonzero(
            a.mask[:, idx].any(axis=1) if present_only else np.ones(len(a.mask), bool)
        )
        arrays = replace(
            a,
            actor_ids=tuple(a.actor_ids[i] for i in keep),
            issue_ids=tuple(a.issue_ids[j] for j in idx),
            positions=a.positions[:, keep][:, :, idx],
            salience=a.salience[:, keep][:, :, idx],
            capability=a.capability[:, keep][:, :, idx],
            mask=a.mask[keep][:, idx],
            status_quo=a.status_quo[:, idx],
            walk_away=a.walk_away[:, keep][:, :, idx],
            veto=a.veto[keep],
            scale_min=a.scale_min[idx],
            scale_max=a.scale_max[idx],
        )

        def pick(labels: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(labels[j] for j in idx)

        return replace(
            self,
            arrays=arrays,
            outcome=self.outcome[idx],
            proposals=pick(self.proposals),
            waves=pick(self.waves),
            procedures=pick(self.procedures),
            voting_rules=pick(self.voting_rules),
        )


def shipped_deu_path(name: str = "deu_dev.csv") -> Path:
    """Path of a DEU file shipped with the package (``deu_dev.csv``, ``eu_council_weights.csv``)."""
    return Path(str(resources.files("detente") / "data" / "deu" / name))


def load_deu(
    path: str | Path | None = None,
    *,
    weights: str | Path | None = None,
    rules: DeuRules | None = None,
) -> DeuData:
    """Load a DEU-layout CSV (default: the shipped development set) as one batch of issues.

    Missing cells and out-of-range sentinels are absent values; an actor enters an issue when it
    has a position (a missing salience then counts as 0). Capability is the member state's
    Council weight in the column of its wave's treaty regime (0 when it has none), and each
    institution gets the largest member-state value times ``rules.institution_capability``.
    Malformed rows (a non-number in a numeric column, a missing id, a duplicate issue, an unknown
    wave) are skipped and each problem is reported in ``problems`` with its row and column.
    A missing file or missing columns raise :class:`ScenarioError`.

    >>> data = load_deu()
    >>> data.issues[0], data.proposals[0], data.waves[0], data.skipped_rows
    ('d00032i1', 'd00032', 'DEU I', 0)
    """
    rules = rules or DeuRules()
    source = Path(path) if path is not None else shipped_deu_path()
    weights_path = (
        Path(weights) if weights is not None else shipped_deu_path("eu_council_weights.csv")
    )
    header, rows = read_csv(source)
    codes = rules.actor_codes
    ids = [
        rules.issue_column,
        rules.proposal_column,
        rules.wave_column,
        rules.procedure_column,
        rules.voting_rule_column,
    ]
    if rules.presidency_bonus != 1.0:
        ids.append(rules.date_column)
    numeric = [
        *(f"p{c}" for c in codes),
        *(f"s{c}" for c in codes),
        rules.status_quo_column,
        rules.outcome_column,
    ]
    missing = [c for c in (*ids, *numeric) if c not in header]
    if missing:
        raise ScenarioError.single(
            "missing_column",
            f"not a DEU-layout file: missing column(s) {', '.join(missing)}",
            file=str(source),
            expected="the DEU columns (see docs/backtest.md)",
        )
    council = council_weights(weights_path, rules)
    wave_column = dict(rules.capability_by_wave)
    col = {name: k for k, name in enumerate(header)}
    lo, hi = rules.scale
    numeric_index = [col[name] for name in numeric]

    problems: list[Problem] = []
    kept: list[tuple[list[str], list[float]]] = []
    seen: set[str] = set()
    skipped = 0

    def problem(code: str, line: int, column: str, given: str, msg: str, expected: str) -> None:
        problems.append(
            Problem(code, f"row {line}", msg, given, expected, str(source), line, column)
        )

    for line, cells in rows:
        before = len(problems)
        if len(cells) != len(header):
            problem(
                "wrong_field_count",
                line,
                "(row)",
                str(len(cells)),
                f"row has {len(cells)} fields; the header has {len(header)}",
                f"{len(header)} comma-separated fields",
            )
            skipped += 1
            continue
        labels = [cells[col[c]].strip() for c in ids]
        for name, text in zip(ids[:3], labels[:3], strict=True):
            if not text:
                problem("missing_id", line, name, text, f"empty {name}", "a non-empty label")
        if labels[0] and labels[0] in seen:
            problem(
                "duplicate_issue",
                line,
                rules.issue_column,
                labels[0],
                f"issue '{labels[0]}' appears again",
                "each issue once",
            )
        if labels[2] and labels[2] not in wave_column:
            problem(
                "unknown_wave",
                line,
                rules.wave_column,
                labels[2],
                f"wave '{labels[2]}' has no Council-weights rule, so capability is undefined",
                f"one of {', '.join(wave_column)}",
            )
        texts = [cells[k].strip() for k in numeric_index]
        try:
            values = [float(t) if t else math.nan for t in texts]
        except ValueError:
            values = []
            for name, text in zip(numeric, texts, strict=True):
                try:
                    float(text or "nan")
                except ValueError:
                    problem(
                        "not_a_number",
                        line,
                        name,
                        text,
                        f"{name} is not a number: '{text}'",
                        f"a number {lo:g}–{hi:g}, a sentinel or empty",
                    )
        if len(problems) > before:
            skipped += 1
            continue
        seen.add(labels[0])
        kept.append((labels, values))

    if not kept:
        raise ScenarioError(
            problems or [Problem("no_rows", "", "the file has no data rows", file=str(source))],
            source=str(source),
        )
    return _assemble(kept, codes, council, wave_column, rules, source, len(rows), skipped, problems)


def _assemble(
    kept: list[tuple[list[str], list[float]]],
    codes: tuple[str, ...],
    council: dict[str, dict[str, float]],
    wave_column: dict[str, str],
    rules: DeuRules,
    source: Path,
    n_rows: int,
    skipped: int,
    problems: list[Problem],
) -> DeuData:
    """Arrays from the kept rows: positions/saliences ``[N, D]``, capability by wave."""
    n = len(codes)
    lo, hi = rules.scale
    table = np.array([v for _, v in kept], dtype=np.float64)  # [D, 2N + 2]
    # Sentinels: values outside the valid range (the issue scale; 0–100 for saliences).
    low = np.full(table.shape[1], lo)
    high = np.full(table.shape[1], hi)
    low[n : 2 * n], high[n : 2 * n] = 0.0, 100.0
    present = ~np.isnan(table)
    sentinel = present & ~((table >= low) & (table <= high))
    table[sentinel] = np.nan
    positions = table[:, :n].T
    salience = table[:, n : 2 * n].T
    mask = np.isfinite(positions)
    labels = [lab for lab, _ in kept]
    waves = tuple(lab[2] for lab in labels)
    procedures = tuple(lab[3] for lab in labels)

    # Capability [N, D]: the member state's weight in its wave's column; institutions get the
    # largest member-state value there (the Council weights have no rows for them).
    member_codes = [c for c, _ in rules.member_states]
    by_column = {col: np.array([council[col].get(c, 0.0) for c in member_codes]) for col in council}
    per_wave = np.stack([by_column[wave_column[w]] for w in waves], axis=1)  # [M, D]
    institution = per_wave.max(axis=0) * rules.institution_capability
    factors = dict(rules.parliament_by_procedure)
    capability = np.vstack([np.tile(institution, (len(rules.institutions), 1)), per_wave])
    if "ep" in rules.institutions:
        ep = rules.institutions.index("ep")
        capability[ep] *= np.array([factors.get(p, 1.0) for p in procedures])
    if rules.presidency_bonus != 1.0:
        row = {c: len(rules.institutions) + k for k, c in enumerate(member_codes)}
        for j, lab in enumerate(labels):
            holder = presidency(lab[5])
            if holder in row:
                capability[row[holder], j] *= rules.presidency_bonus

    d = len(kept)

    def internal(values: Float) -> Float:
        scaled: Float = 100.0 * (values - lo) / (hi - lo)
        return scaled

    arrays = ScenarioArrays(
        actor_ids=codes,
        issue_ids=tuple(lab[0] for lab in labels),
        positions=np.where(mask, internal(positions), np.nan)[None],
        salience=np.where(mask, np.nan_to_num(salience) / 100.0, 0.0)[None],
        capability=np.where(mask, capability, 0.0)[None],
        mask=mask,
        status_quo=internal(table[:, 2 * n])[None],
        walk_away=np.full((1, n, d), np.nan),
        veto=np.zeros(n, dtype=bool),
        scale_min=np.full(d, lo),
        scale_max=np.full(d, hi),
        scenario_id=source.stem,
    )
    return DeuData(
        arrays=arrays,
        outcome=table[:, 2 * n + 1].copy(),
        proposals=tuple(lab[1] for lab in labels),
        waves=waves,
        procedures=procedures,
        voting_rules=tuple(lab[4] for lab in labels),
        source=str(source),
        rows=n_rows,
        skipped_rows=skipped,
        absent_sentinels=int(sentinel.sum()),
        problems=tuple(problems),
        rules=rules,
    )
