"""The YAML scenario format (primary): safe loading with line numbers, and compact dumping."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from ..errors import ScenarioError
from ._parse import Locator, Path, parse_scenario
from ._yaml_loader import load

if TYPE_CHECKING:
    from ._schema import Scenario

__all__ = ["dump_yaml", "read_yaml"]

_Dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _lines(root: yaml.Node) -> dict[Path, int]:
    """The line of every key and list item, by path (iterative: nesting may be 1,000 deep)."""
    out: dict[Path, int] = {}
    stack: list[tuple[yaml.Node, Path]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = (*path, key.value)
                out[sub] = key.start_mark.line + 1
                stack.append((value, sub))
        elif isinstance(node, yaml.SequenceNode):
            for k, item in enumerate(node.value):
                sub = (*path, k)
                out[sub] = item.start_mark.line + 1
                stack.append((item, sub))
    return out


def read_yaml(text: str, *, file: str | None = None) -> Scenario:
    """Parse and check a YAML scenario; problems name the file and line.

    Duplicate keys, recursive aliases, alias bombs and scalars that do not read as their type
    are refused as invalid YAML (see :mod:`._yaml_loader`).
    """
    try:
        root, raw = load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError.single(
            "invalid_yaml",
            f"this is not valid YAML: {exc.problem or exc}",
            file=file,
            line=line,
            location="(file)",
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError.single(
            "invalid_yaml", f"this is not valid YAML: {exc}", file=file, location="(file)"
        ) from None
    lines = _lines(root) if root is not None else {}
    return parse_scenario(raw, locator=Locator(file=file, lines=lines))


def _plain(value: Any) -> Any:
    """Tuples to lists and dates to text, so the YAML uses plain types only."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def dump_yaml(scenario: Scenario) -> str:
    """The scenario as YAML, defaults left out, field order as in the schema."""
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    return yaml.dump(_plain(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
