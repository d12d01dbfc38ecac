"""The scenario: data model, file formats, checks with clear errors, and batch-first arrays.

>>> from detente.scenario import load_scenario
>>> s = load_scenario("emission-standards-1994")
>>> len(s.actors), s.issue_ids
(10, ['lag'])
"""

from __future__ import annotations

from ._arrays import (
    InputRef,
    ScenarioArrays,
    scenario_inputs,
    to_arrays,
    triangular_ppf,
    uncertain_inputs,
)
from ._deal_arrays import DealArrays
from ._deal_schema import Bound, Condition, NoDeal, Proposal, RedLine
from ._decide import read_decide, write_decide
from ._guarantees import (
    DEFAULT_KAPPA,
    MEASURES,
    PRIOR_NAMES,
    PUBLISHED_RATES,
    ChallengerPayoffs,
    GuaranteePackage,
    Guarantor,
    PriorRef,
)
from ._ktab import read_ktab_csv, write_ktab_csv
from ._ktab_xml import read_ktab_xml
from ._load import (
    MAX_FILE_BYTES,
    builtin_names,
    builtin_versions,
    load_scenario,
    read_scenario_bytes,
)
from ._parse import Locator, parse_scenario
from ._review import ReviewItem, require_reviewed, review_items
from ._schema import Actor, ActorIssue, Anchor, Issue, Quantity, Scale, Scenario, Source
from ._tables import read_csv, write_flat_csv, write_long_csv
from ._xlsx import read_xlsx, write_xlsx
from ._yaml import dump_yaml, read_yaml

__all__ = [
    "DEFAULT_KAPPA",
    "MAX_FILE_BYTES",
    "MEASURES",
    "PRIOR_NAMES",
    "PUBLISHED_RATES",
    "Actor",
    "ActorIssue",
    "Anchor",
    "Bound",
    "ChallengerPayoffs",
    "Condition",
    "DealArrays",
    "GuaranteePackage",
    "Guarantor",
    "InputRef",
    "Issue",
    "Locator",
    "NoDeal",
    "PriorRef",
    "Proposal",
    "Quantity",
    "RedLine",
    "ReviewItem",
    "Scale",
    "Scenario",
    "ScenarioArrays",
    "Source",
    "builtin_names",
    "builtin_versions",
    "dump_yaml",
    "load_scenario",
    "parse_scenario",
    "read_csv",
    "read_decide",
    "read_ktab_csv",
    "read_ktab_xml",
    "read_scenario_bytes",
    "read_xlsx",
    "read_yaml",
    "require_reviewed",
    "review_items",
    "scenario_inputs",
    "to_arrays",
    "triangular_ppf",
    "uncertain_inputs",
    "write_decide",
    "write_flat_csv",
    "write_ktab_csv",
    "write_long_csv",
    "write_xlsx",
]
