"""KTAB's scenario formats: the scenario CSV (read and write) and the XML (read).

KTAB scenario CSV (``specs/smp.md`` §2.5): line 1 ``name,description,N,D,``; line 2 a header
whose position-column titles name the issues; then one line per actor
``name,description,capability,position_1,salience_1,…,position_D,salience_D,``. Positions and
saliences are on 0–100, an actor's saliences sum to at most 100. Cells are trimmed, double quotes
stripped, and ``$$`` inside a text cell stands for a comma (KTAB's CSV library).

KTAB XML (``smpSchema.xsd``): ``Scenario`` with ``name``, ``desc``, ``prngSeed``, optional
``ModelParameters``, ``Dimensions/dName``, ``Actors/Actor`` (``name``, ``description``,
``capability``, ``Position/dCoord``, ``Salience/dSal``) and optional
``IdealAdjustment/iaPair``. Model parameters and the accommodation matrix become the scenario's
``model_parameters["smp"]``.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from xml.etree import ElementTree

from ..errors import Problem, ScenarioError
from ._parse import Locator, Path, parse_scenario
from ._schema import Scenario

__all__ = ["is_ktab_csv", "read_ktab_csv", "read_ktab_xml", "write_ktab_csv"]

_SALIENCE_TOL = 1e-9
_MAX_NAME, _MAX_DESC, _MAX_SCENARIO_TEXT = 25, 256, 512

# XML option element → (SmpParams field, accepted spellings → value). The schema's spellings
# 'Proportional' and 'No' are accepted beside the code's 'Prop' and 'None' (§7.13).
_OPTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "VictoryProbModel": (
        "victory_prob_model",
        {v: v for v in ("Linear", "Square", "Quartic", "Octic", "Binary")},
    ),
    "PCEModel": (
        "pce_model",
        {v: v for v in ("Conditional", "MarkovIncentive", "MarkovUniform")},
    ),
    "StateTransitions": ("state_transitions", {v: v for v in ("Deterministic", "Stochastic")}),
    "VotingRule": (
        "voting_rule",
        {
            **{v: v for v in ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp")},
            "Proportional": "Prop",
        },
    ),
    "BigRAdjust": (
        "big_r_adjust",
        {**{v: v for v in ("None", "OneThird", "Half", "TwoThirds", "Full")}, "No": "None"},
    ),
    "BigRRange": ("big_r_range", {v: v for v in ("Min", "Mid", "Max")}),
    "ThirdPartyCommit": (
        "third_party_commit",
        {v: v for v in ("NoCommit", "SemiCommit", "FullCommit")},
    ),
    "InterVecBrgn": ("inter_vec_brgn", {v: v for v in ("S1P1", "S2P2", "S2PMax")}),
    "BargnModel": (
        "bargain_model",
        {v: v for v in ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp")},
    ),
}


def _text(cell: str) -> str:
    return cell.strip().replace('"', "").replace("$$", ",").strip()


def _rows(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text), skipinitialspace=True))
    out = []
    for row in rows:
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
    rows = _rows(text.split("\n", 1)[0])
    if not rows or len(rows[0]) != 4:
        return False
    return all(re.fullmatch(r"\d+", c.strip()) for c in rows[0][2:4])


def _slug(title: str, k: int, taken: set[str]) -> str:
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
    rows = _rows(text)
    problems: list[Problem] = []

    def problem(code: str, message: str, line: int, column: str | None = None, **kw: Any) -> None:
        problems.append(
            Problem(code, f"line {line}", message, file=file, line=line, column=column, **kw)
        )

    if not is_ktab_csv(text) or len(rows) < 2:
        raise ScenarioError.single(
            "bad_ktab_header",
            "line 1 of a KTAB scenario CSV must be 'name,description,actors,issues,' and line 2 "
            "the column header",
            file=file,
            line=1,
        )
    name, description = _text(rows[0][0]), _text(rows[0][1])
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
        issues.append({"id": _slug(title, k, taken), "name": title})
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
                    f"expected a number in column '{header[col]}'; got {row[col].strip()!r}",
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
        if salience_sum > 100 * (1 + _SALIENCE_TOL):
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


def read_ktab_xml(text: str, *, file: str | None = None, scenario_id: str = "scenario") -> Scenario:
    """Parse a KTAB XML scenario, with its model options and accommodation matrix."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise ScenarioError.single(
            "invalid_xml", f"this is not valid XML: {exc}", file=file, line=exc.position[0]
        ) from None
    if root.tag != "Scenario":
        raise ScenarioError.single(
            "not_a_scenario",
            f"the root element is <{root.tag}>; a KTAB scenario starts with <Scenario>",
            file=file,
        )
    problems: list[Problem] = []

    def fail(code: str, location: str, message: str, given: Any = None) -> None:
        problems.append(Problem(code, location, message, given=given, file=file))

    def number(node: ElementTree.Element | None, where: str) -> float:
        text_ = (node.text or "").strip() if node is not None else ""
        try:
            return float(text_)
        except ValueError:
            fail("not_a_number", where, f"expected a number; got {text_!r}", text_)
            return float("nan")

    dims = [(e.text or "").strip() for e in root.findall("./Dimensions/dName")]
    if not dims:
        fail("missing", "Dimensions", "the scenario names no dimension (Dimensions/dName)")
    taken: set[str] = set()
    issues = [
        {"id": _slug(t, k, taken), "name": t or f"Dimension {k + 1}"} for k, t in enumerate(dims)
    ]
    actors = []
    for a_index, node in enumerate(root.findall("./Actors/Actor")):
        actor_id = (node.findtext("name") or "").strip()
        where = f"Actors/Actor[{a_index + 1}]"
        coords = node.findall("./Position/dCoord")
        sals = node.findall("./Salience/dSal")
        if len(coords) != len(dims) or len(sals) != len(dims):
            fail(
                "bad_actor",
                where,
                f"actor '{actor_id}' has {len(coords)} coordinates and {len(sals)} saliences; "
                f"the scenario has {len(dims)} dimensions",
            )
            continue
        positions = [number(c, f"{where}/Position") for c in coords]
        saliences = [number(s, f"{where}/Salience") for s in sals]
        if sum(saliences) > 100 * (1 + _SALIENCE_TOL):
            fail(
                "salience_total",
                where,
                f"the saliences of actor '{actor_id}' sum to {sum(saliences):g}; a KTAB "
                "scenario allows at most 100 across dimensions",
                sum(saliences),
            )
        actors.append(
            {
                "id": actor_id,
                "name": actor_id,
                "description": (node.findtext("description") or "").strip(),
                "capability": number(node.find("capability"), f"{where}/capability"),
                "issues": {
                    issue["id"]: {"position": p, "salience": s}
                    for issue, p, s in zip(issues, positions, saliences, strict=True)
                },
            }
        )
    options: dict[str, Any] = {}
    for element in root.findall("./ModelParameters/*"):
        value = (element.text or "").strip()
        if element.tag not in _OPTIONS:
            fail(
                "unknown_option",
                f"ModelParameters/{element.tag}",
                f"unknown model parameter <{element.tag}>; KTAB's are: {', '.join(_OPTIONS)}",
            )
            continue
        field, spellings = _OPTIONS[element.tag]
        if value not in spellings:
            fail(
                "bad_option",
                f"ModelParameters/{element.tag}",
                f"{element.tag} must be one of {', '.join(spellings)}; got {value!r}",
                value,
            )
            continue
        options[field] = spellings[value]
    matrix = _accommodation(root, [str(a["id"]) for a in actors], fail)
    if matrix is not None:
        options["accommodation"] = matrix
    seed = (root.findtext("prngSeed") or "").strip()
    if seed:
        try:
            options["seed"] = int(seed, 0)
        except ValueError:
            fail("not_a_number", "prngSeed", f"prngSeed must be an integer; got {seed!r}", seed)
    if problems:
        raise ScenarioError(problems, source=file)
    raw = {
        "id": scenario_id,
        "title": (root.findtext("name") or scenario_id).strip(),
        "description": (root.findtext("desc") or "").strip(),
        "issues": issues,
        "actors": actors,
        "model_parameters": {"smp": options} if options else {},
    }
    return parse_scenario(raw, locator=Locator(file=file))


def _accommodation(
    root: ElementTree.Element, ids: list[str], fail: Any
) -> list[list[float]] | None:
    """``IdealAdjustment`` pairs over the identity; None when absent (identity)."""
    pairs = root.findall("./IdealAdjustment/iaPair")
    if not pairs:
        return None
    index = {a: i for i, a in enumerate(ids)}
    matrix = [[1.0 if i == j else 0.0 for j in range(len(ids))] for i in range(len(ids))]
    for k, pair in enumerate(pairs):
        row = (pair.findtext("adjustingIdeal") or "").strip()
        col = (pair.findtext("referencePos") or "").strip()
        where = f"IdealAdjustment/iaPair[{k + 1}]"
        if row not in index or col not in index:
            fail("unknown_actor", where, f"unknown actor '{row if row not in index else col}'")
            continue
        try:
            matrix[index[row]][index[col]] = float((pair.findtext("adjust") or "").strip())
        except ValueError:
            fail("not_a_number", where, "adjust must be a number")
    return matrix
