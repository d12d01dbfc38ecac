"""The YAML scenario format (primary): safe loading with line numbers, and compact dumping."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from ..errors import ScenarioError
from ._parse import Locator, Path, parse_scenario

if TYPE_CHECKING:
    from ._schema import Scenario

__all__ = ["dump_yaml", "read_yaml"]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _lines(node: yaml.Node, path: Path, out: dict[Path, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*path, key.value)
            out[sub] = key.start_mark.line + 1
            _lines(value, sub, out)
    elif isinstance(node, yaml.SequenceNode):
        for k, item in enumerate(node.value):
            sub = (*path, k)
            out[sub] = item.start_mark.line + 1
            _lines(item, sub, out)


def read_yaml(text: str, *, file: str | None = None) -> Scenario:
    """Parse and check a YAML scenario; problems name the file and line."""
    # One pass with libyaml's safe loader where available: the node tree gives the lines and is
    # then constructed into plain data (safe types only).
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        raw = loader.construct_document(root) if root is not None else None
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
    finally:
        loader.dispose()
    lines: dict[Path, int] = {}
    if root is not None:
        _lines(root, (), lines)
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
