"""KTAB's scenario CSV: read and write (the XML reader is in :mod:`._ktab_xml`).

KTAB scenario CSV (``specs/smp.md`` §2.5): line 1 ``name,description,N,D,``; line 2 a header
whose position-column titles name the issues; then one line per actor
``name,description,capability,position_1,salience_1,…,position_D,salience_D,``. Positions and
saliences are on 0–100, an actor's saliences sum to at most 100. Cells are trimmed, double quotes
stripped, and ``$$`` inside a text cell stands for a comma (KTAB's CSV library).
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import Problem, ScenarioError, shown
from ._csv_rows import csv_rows
from ._parse import Locator, Path, parse_scenario
from ._schema import Scenario

__all__ = ["SALIENCE_TOL", "is_ktab_csv", "read_ktab_csv", "slug", "write_ktab_csv"]

SALIENCE_TOL = 1e-9
_MAX_NAME, _MAX_DESC, _MAX_SCENARIO_TEXT = 25, 256, 512


def _text(cell: str) -> str:
    return cell.strip().replace('"', "").replace("$$", ",").strip()


def _rows(text: str, file: str | None = None) -> list[list[str]]:
    out = []
    for _, row in csv_rows(text, file=file, skipinitialspace=True):
        cells = list(row)
        while cells and cells[-1].strip() == "":
            cells.pop()  # KTAB lines end with a comma (and sometimes a space)
        out.append(cells)
    return out


def is_ktab_csv(text: str) -> bool:
    """Whether a CSV's line 1 is a KTAB scenario line ``name,description,N,D,``.

    >>> is_ktab_csv("Demo,a test, 3, 1,\\nActor,Description,Power,P1,S1,\\n")
    True
    >>> is_ktab_csv("actor,capability,position,salience\\n")
    False
    """
    try:
        rows = _rows(text.split("\n", 1)[0])
    except ScenarioError:  # not even one readable CSV line: read_csv will say why, with the file
        return False
    if not rows or len(rows[0]) != 4:
        return False
    return all(re.fullmatch(r"\d+", c.strip()) for c in rows[0][2:4])


def slug(title: str, k: int, taken: set[str]) -> str:
    """An issue id from a dimension title: "Policy Position" → "Policy"."""
    short = re.sub(r"\s*position\s*$", "", title, flags=re.IGNORECASE) or title
    base = re.sub(r"[^0-9A-Za-z]+", "_", short).strip("_") or f"dim{k + 1}"
    slug, extra = base, 2
    while slug in taken:
        slug, extra = f"{base}_{extra}", extra + 1
    taken.add(slug)
    return slug


def read_ktab_csv(text: str, *, file: str | None = None, scenario_id: str = "scenario") -> Scenario:
    """Parse a KTAB scenario CSV; problems name the line and column.

    >>> s = read_ktab_csv("Demo,a test, 3, 1,\\nActor,Description,Power,Pos,Sal,\\n"
    ...     "A,first,10,20,50,\\nB,second,20,80,60,\\nC,third,30,50,40,\\n")
    >>> s.title, s.issue_ids, s.actor("B").issues["Pos"].position.mode
    ('Demo', ['Pos'], 80.0)
    """
    rows = _rows(text, file)
    problems: list[Problem] = []

    def problem(code: str, message: str, line: int, column: str | None = None, **kw: Any) -> None:
        # The location names what the line holds; the line number is printed beside it.
        where = "scenario line" if line == 1 else f"actors[{_text(rows[line - 1][0])}]"
        problems.append(Problem(code, where, message, file=file, line=line, column=column, **kw))

    if not is_ktab_csv(text) or len(rows) < 2:
        raise ScenarioError.single(
            "bad_ktab_header",
            "line 1 of a KTAB scenario CSV must be 'name,description,actors,issues,' and line 2 "
            "the column header",
            file=file,
            line=1,
        )
    name, description = _text(rows[0][0]), _text(rows[0][1])
    if any(len(c.strip()) > 9 for c in rows[0][2:4]):
        raise ScenarioError.single(
            "too_large",
            "line 1 declares more than a billion actors or issues; check the counts",
            file=file,
            line=1,
        )
    n, d = int(rows[0][2]), int(rows[0][3])
    if len(name) > _MAX_SCENARIO_TEXT or len(description) > _MAX_SCENARIO_TEXT:
        problem("too_long", "the scenario name and description are limited to 512 characters", 1)
    header = [_text(c) for c in rows[1]]
    if d < 1 or len(header) != 3 + 2 * d:
        raise ScenarioError.single(
            "bad_row",
            f"line 1 declares {d} issues, so the header needs {3 + 2 * d} columns (actor, "
            f"description, capability, then position and salience per issue); it has "
            f"{len(header)}",
            file=file,
            line=2,
            given=len(header),
        )
    taken: set[str] = set()
    issues = []
    for k in range(d):
        title = header[3 + 2 * k] or f"Dimension {k + 1}"
        issues.append({"id": slug(title, k, taken), "name": title})
    body = [(number, row) for number, row in enumerate(rows[2:], start=3) if row]
    if len(body) != n:
        problem(
            "actor_count",
            f"line 1 declares {n} actors but the file has {len(body)} actor lines",
            1,
            given=len(body),
            expected=f"{n} actor lines",
        )
    lines: dict[Path, int] = {}
    columns: dict[Path, str] = {}
    actors = []
    for a_index, (number, row) in enumerate(body):
        if len(row) != 3 + 2 * d:
            problem(
                "bad_row",
                f"an actor line needs {3 + 2 * d} cells (name, description, capability, then "
                f"position and salience for each of {d} issues); got {len(row)}",
                number,
                given=len(row),
            )
            continue
        actor_id, desc = _text(row[0]), _text(row[1])
        if not 1 <= len(actor_id) <= _MAX_NAME:
            problem("bad_name", f"actor names have 1–25 characters; got {actor_id!r}", number)
        if len(desc) > _MAX_DESC:
            problem("too_long", "actor descriptions are limited to 256 characters", number)
        values = []
        for col in range(2, 3 + 2 * d):
            try:
                values.append(float(row[col]))
            except ValueError:
                problem(
                    "not_a_number",
                    f"expected a number in column '{header[col]}'; got {shown(row[col].strip())}",
                    number,
                    given=row[col].strip(),
                    expected="a number",
                    column=header[col],
                )
        if len(values) != 1 + 2 * d:
            continue
        if values[0] <= 0:
            problem(
                "bad_capability",
                f"actor '{actor_id}' has capability {values[0]:g}; KTAB needs a positive number",
                number,
                given=values[0],
                expected="a positive number",
                column=header[2],
            )
        salience_sum = sum(values[2::2])
        if salience_sum > 100 * (1 + SALIENCE_TOL):
            problem(
                "salience_total",
                f"the saliences of actor '{actor_id}' sum to {salience_sum:g}; a KTAB scenario "
                "allows at most 100 across issues",
                number,
                given=salience_sum,
                expected="at most 100",
            )
        stances = {
            issue["id"]: {"position": values[1 + 2 * k], "salience": values[2 + 2 * k]}
            for k, issue in enumerate(issues)
        }
        actors.append(
            {
                "id": actor_id,
                "name": actor_id,
                "description": desc,
                "capability": values[0],
                "issues": stances,
            }
        )
        lines[("actors", a_index)] = number
        for k, issue in enumerate(issues):
            lines[("actors", a_index, "issues", issue["id"], "position")] = number
            columns[("actors", a_index, "issues", issue["id"], "position")] = header[3 + 2 * k]
            lines[("actors", a_index, "issues", issue["id"], "salience")] = number
            columns[("actors", a_index, "issues", issue["id"], "salience")] = header[4 + 2 * k]
        lines[("actors", a_index, "capability")] = number
        columns[("actors", a_index, "capability")] = header[2]
    if problems:
        raise ScenarioError(problems, source=file)
    raw = {
        "id": scenario_id,
        "title": name or scenario_id,
        "description": description,
        "issues": issues,
        "actors": actors,
    }
    return parse_scenario(raw, locator=Locator(file=file, lines=lines, columns=columns))


def write_ktab_csv(scenario: Scenario) -> str:
    """The scenario as a KTAB scenario CSV that KTAB's ``smpc --csv`` and Détente both read.

    Positions are written on 0–100 (each issue's scale mapped linearly), saliences as they are,
    uncertain numbers at their mode; the title and description are cut at KTAB's 512
    characters. Every actor needs a position on every issue and one capability.

    >>> from detente.scenario import load_scenario
    >>> print(write_ktab_csv(load_scenario("ktab-dummy-3dim")).splitlines()[2])
    SActor-00,Random Spatial Actor,102.543,75.79,49.53,6.37,5.91,70.45,28.15,
    """
    problems: list[Problem] = []
    lines = [
        ",".join(
            [
                _cell(scenario.title)[:_MAX_SCENARIO_TEXT],
                _cell(scenario.description)[:_MAX_SCENARIO_TEXT],
                str(len(scenario.actors)),
                str(len(scenario.issues)),
            ]
        )
        + ",",
        ",".join(
            ["Actor", "Description", "Capability"]
            + [c for issue in scenario.issues for c in (issue.id, f"{issue.id} Salience")]
        )
        + ",",
    ]
    for actor in scenario.actors:
        given = [st.capability or actor.capability for st in actor.issues.values()]
        caps = {q.mode for q in given if q is not None}
        if len(caps) != 1:
            problems.append(
                Problem(
                    "ktab_capability",
                    f"actors[{actor.id}]",
                    "a KTAB scenario has one capability per actor; this actor has "
                    f"{len(caps) or 'no'} distinct values",
                )
            )
            continue
        cells = [_cell(actor.id), _cell(actor.description or actor.name), _num(caps.pop())]
        for issue in scenario.issues:
            stance = actor.issues.get(issue.id)
            if stance is None:
                problems.append(
                    Problem(
                        "ktab_missing",
                        f"actors[{actor.id}].issues[{issue.id}]",
                        "a KTAB scenario needs every actor's position on every issue",
                    )
                )
                continue
            cells += [
                _num(issue.scale.to_internal(stance.position.mode)),
                _num(stance.salience.mode),
            ]
        lines.append(",".join(cells) + ",")
    if problems:
        raise ScenarioError(problems, source=scenario.id)
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace(",", "$$").replace('"', "").replace("\n", " ").strip()


def _num(value: float) -> str:
    return f"{value:.10g}"
