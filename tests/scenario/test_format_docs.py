"""The deal-section example of docs/scenario-format.md is valid schema, as written."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from detente.scenario import Condition, NoDeal, Proposal, RedLine

DOC = Path(__file__).parent.parent.parent / "docs" / "scenario-format.md"


def test_the_deal_sections_example_validates_section_by_section() -> None:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(no_deal:.*?)```", text, flags=re.S)
    assert block is not None
    raw = yaml.safe_load(block.group(1))
    assert set(raw) == {"no_deal", "red_lines", "conditions", "proposals"}
    nd = NoDeal.model_validate(raw["no_deal"])
    assert nd.issues["TERR"].mode == 55 and nd.yearly_cost["russia"].high == 12
    lines = {
        a: {i: RedLine.model_validate(v) for i, v in d.items()} for a, d in raw["red_lines"].items()
    }
    assert lines["russia"]["TERR"].min is not None and lines["ukraine"]["TERR"].max is not None
    assert Condition.model_validate(raw["conditions"][0]).then.max == 20
    assert Proposal.model_validate(raw["proposals"][0]).issues["ZNPP"].low == 45
