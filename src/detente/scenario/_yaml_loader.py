"""A bounded, strict YAML loader: safe types only, no alias bombs, no duplicate keys.

PyYAML's safe loader is safe about *types* but not about *size* or *meaning*: aliases share one
node, so nine nested aliases in 568 bytes stand for a billion values once anything walks the tree
(our line-number pass did); an alias may refer to the node that holds it; a second
``capability:`` silently wins over the first; and a bad tagged or implicit scalar (``!!int abc``,
``2026-13-45``, an integer of 5,000 digits) raises a bare ``ValueError`` with no line. This
loader turns each of these into a :class:`yaml.MarkedYAMLError` with the line, which
:func:`detente.scenario.read_yaml` reports as a :class:`~detente.errors.ScenarioError`.

>>> load("a: &x [1, 2]\\nb: *x\\n")[1]
{'a': [1, 2], 'b': [1, 2]}
>>> load("a: 1\\na: 2\\n")
Traceback (most recent call last):
...
yaml.constructor.ConstructorError: duplicate key 'a' on line 2; it is first given on line 1
  in "<unicode string>", line 2, column 1
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from ..errors import shown

__all__ = ["MAX_ALIAS_NODES", "load"]

# Real scenarios repeat a range or a source list through an alias now and then; a file whose
# aliases add more values than this is an alias bomb, not a scenario.
MAX_ALIAS_NODES = 10_000

# libyaml's parser where PyYAML was built with it (fast), else the pure-Python one.
if TYPE_CHECKING:
    _Base = yaml.SafeLoader
else:
    _Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _error(message: str, node: yaml.Node) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(None, None, message, node.start_mark)


class _Loader(_Base):
    """The safe loader, with scalar failures located and duplicate keys refused."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except Exception as exc:  # any constructor failure is a scalar that is not its type
            tag = str(node.tag).rsplit(":", 1)[-1]
            value = str(node.value) if isinstance(node, yaml.ScalarNode) else ""
            if tag == "int" and len(value) > 4300:
                reason = f"an integer of {len(value):,} digits is too long to be a number"
            else:
                reason = f"cannot read {shown(value)} as {tag}" + (f" ({exc})" if value else "")
            raise _error(reason, node) from None


def _check_keys(node: yaml.MappingNode) -> None:
    """Refuse a mapping that gives one key twice, naming both lines."""
    seen: dict[tuple[str, str], int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        line = key.start_mark.line + 1
        name = (str(key.tag), str(key.value))
        if name in seen:
            raise _error(
                f"duplicate key {shown(str(key.value))} on line {line}; it is first given on "
                f"line {seen[name]}",
                key,
            )
        seen[name] = line


def _walk(root: yaml.Node) -> None:
    """Check every mapping's keys and bound alias expansion, in one linear pass.

    Aliases make the node tree a graph: a node reached twice is an alias. Its expanded size is
    computed once (memo by identity), so the pass is linear in the file even when the expansion
    is exponential; a node reached again while it is being walked is a recursive alias.
    """
    size: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in _children(node))
            continue
        if key in size:
            continue
        open_.add(key)
        if isinstance(node, yaml.MappingNode):
            _check_keys(node)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in open_:
                raise _error(
                    "an alias refers to the node that contains it (a recursive alias)", child
                )
            if id(child) not in size:
                stack.append((child, False))
    expanded = size[id(root)]
    if expanded - len(size) > MAX_ALIAS_NODES:
        raise _error(
            f"aliases expand this file to {expanded:,} values; a scenario may repeat at most "
            f"{MAX_ALIAS_NODES:,} values through aliases (write the values out instead)",
            root,
        )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def load(text: str) -> tuple[yaml.Node | None, Any]:
    """The checked node tree of a one-document YAML text and its plain data (safe types only).

    Raises :class:`yaml.YAMLError` for invalid YAML, duplicate keys, recursive aliases, aliases
    that expand past :data:`MAX_ALIAS_NODES` and scalars that do not read as their type; the
    error's mark gives the line.
    """
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        _walk(root)
        return root, loader.construct_document(root)
    finally:
        loader.dispose()
