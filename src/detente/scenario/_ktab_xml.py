"""KTAB's XML scenario format (read), ``specs/smp.md`` §2.5.

``Scenario`` with ``name``, ``desc``, ``prngSeed``, optional ``ModelParameters``,
``Dimensions/dName``, ``Actors/Actor`` (``name``, ``description``, ``capability``,
``Position/dCoord``, ``Salience/dSal``) and optional ``IdealAdjustment/iaPair``. Model parameters
and the accommodation matrix become the scenario's ``model_parameters["smp"]``.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ..errors import Problem, ScenarioError
from ._ktab import SALIENCE_TOL, slug
from ._parse import Locator, parse_scenario
from ._schema import Scenario

__all__ = ["MAX_ACCOMMODATION_ACTORS", "read_ktab_xml"]

# The accommodation matrix is actors × actors: bounded so that a file cannot ask for billions.
MAX_ACCOMMODATION_ACTORS = 2_000

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


def read_ktab_xml(text: str, *, file: str | None = None, scenario_id: str = "scenario") -> Scenario:
    """Parse a KTAB XML scenario, with its model options and accommodation matrix."""
    # defusedxml, the standard guard for XML from strangers: a scenario has no use for a DTD, so
    # entity declarations (billion laughs) and external references are refused outright.
    try:
        root = fromstring(text)
    except ElementTree.ParseError as exc:
        raise ScenarioError.single(
            "invalid_xml", f"this is not valid XML: {exc}", file=file, line=exc.position[0]
        ) from None
    except DefusedXmlException as exc:
        raise ScenarioError.single(
            "invalid_xml",
            f"this XML declares entities or external references, which a KTAB scenario never "
            f"needs ({exc})",
            file=file,
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
        {"id": slug(t, k, taken), "name": t or f"Dimension {k + 1}"} for k, t in enumerate(dims)
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
        if sum(saliences) > 100 * (1 + SALIENCE_TOL):
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
    if len(ids) > MAX_ACCOMMODATION_ACTORS:
        fail(
            "too_large",
            "IdealAdjustment",
            f"an accommodation matrix (IdealAdjustment) is limited to "
            f"{MAX_ACCOMMODATION_ACTORS:,} actors; this scenario has {len(ids):,}",
        )
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
