"""Hostile input gets a clear ScenarioError, fast: never a traceback, a hang or a memory blow-up.

Each file of the hostile-input probe (issue 12) is a fixture here with the message it must get;
the hypothesis tests then push 20,300 generated files (random bytes and text in every format,
structured mutations of a valid YAML, cell swaps in a valid CSV and workbook, and text edits of
valid CSV, decide, KTAB CSV and workbook sheet XML) through
:func:`detente.load_scenario` and accept only a scenario or a :class:`ScenarioError`. Each input's
wall-clock time is bounded inside the test: a hang guard, not a benchmark.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import html
import io
import json
import re
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import hostile_xlsx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from detente import Scenario, ScenarioError, load_scenario
from detente.cli import app
from detente.errors import MAX_PER_KIND
from detente.scenario import write_decide, write_ktab_csv, write_long_csv
from detente.scenario._limits import MAX_ACTORS, MAX_ISSUES, MAX_STANCES
from detente.scenario._yaml_loader import MAX_ALIAS_NODES

HOSTILE = Path(__file__).parents[1] / "assets" / "hostile"
SMALL_YAML = (HOSTILE / "small.yaml").read_text(encoding="utf-8")
GUARD_SECONDS = 5.0


@contextmanager
def within(seconds: float = GUARD_SECONDS) -> Iterator[None]:
    """Fail when the block takes longer than ``seconds`` (a hang guard)."""
    start = time.perf_counter()
    yield
    took = time.perf_counter() - start
    assert took < seconds, f"took {took:.1f} s (guard {seconds} s)"


def refused(path: Path) -> ScenarioError:
    """The ScenarioError that loading ``path`` raises, within the guard."""
    with within(), pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


# (fixture file, a fragment its message must hold)
FILES = [
    ("billion_laughs.yaml", "aliases expand this file to 490,329,064 values"),
    ("recursive_alias.yaml", "(line 3)\n    this is not valid YAML: an alias refers to the node"),
    ("duplicate_key.yaml", "duplicate key 'capability' on line 11; it is first given on line 9"),
    ("bad_tag.yaml", "(line 9)\n    this is not valid YAML: cannot read 'abc' as int"),
    ("bad_date.yaml", "cannot read '2026-13-45' as timestamp (month must be in 1..12)"),
    ("huge_int.yaml", "an integer of 5,001 digits is too long to be a number"),
    ("stray_cr.csv", "row 2  (line 2)\n    row has 3 cells but the header has 4 columns"),
    ("nul_byte.csv", "this is a binary file, not a text scenario"),
    ("latin1.csv", "the file is not UTF-8 text (byte 36 cannot be decoded); save it as UTF-8"),
    ("utf16.csv", "the file is UTF-16 text; save it as UTF-8"),
    ("unknown_column.csv", "unknown column 'weight'"),
    ("ktab_entities.xml", "this XML declares entities or external references"),
    ("ktab_external.xml", "system_id='file:///etc/passwd'"),
    ("ktab_malformed.xml", "(line 4)\n    this is not valid XML: no element found"),
    ("ktab_huge_counts.csv", "line 1 declares more than a billion actors or issues"),
    ("decide_surplus.decide", "got 8: 'extra', 'more' left over"),
]


@pytest.mark.parametrize(("name", "fragment"), FILES)
def test_hostile_file_gets_a_scenario_error(name: str, fragment: str) -> None:
    err = refused(HOSTILE / name)
    assert fragment in str(err)
    assert str(err).startswith(f"1 problem in {HOSTILE / name}")


XLSX = [
    (hostile_xlsx.far_cells, "a cell in column 16,384 of row 4; sheets are read up to column 64"),
    (hostile_xlsx.malformed_xml, "sheet 'positions' cannot be read after row 2 (unclosed token"),
    (hostile_xlsx.bad_reference, "sheet 'positions' cannot be read after row 2 (invalid literal"),
    (hostile_xlsx.entity_bomb, "not a readable XLSX workbook (EntitiesForbidden(name='a'"),
]


@pytest.mark.parametrize(("make", "fragment"), XLSX, ids=lambda x: getattr(x, "__name__", ""))
def test_hostile_workbook_gets_a_scenario_error(
    make: Callable[[], bytes], fragment: str, tmp_path: Path
) -> None:
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(make())
    assert fragment in str(refused(path))


def test_workbook_declaring_the_whole_grid_reads_its_real_cells(tmp_path: Path) -> None:
    path = tmp_path / "giant.xlsx"
    path.write_bytes(hostile_xlsx.giant_dimension())  # 6 KB declaring A1:XFD1048576
    with within():
        scenario = load_scenario(path)
    assert scenario.actor_ids == ["a", "b"]


def test_rows_beyond_the_declared_dimension_are_read(tmp_path: Path) -> None:
    path = tmp_path / "short-dimension.xlsx"
    path.write_bytes(hostile_xlsx.rows_beyond_dimension())  # declares A1:H2, holds row 3
    assert load_scenario(path).actor_ids == ["a", "b"]


def test_zip_that_unpacks_past_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    padding = " " * (101 * 1024 * 1024)  # compresses to about 100 KB
    path.write_bytes(
        hostile_xlsx.edited(hostile_xlsx.valid_workbook(), "xl/styles.xml", lambda x: x + padding)
    )
    err = refused(path)
    assert "the workbook unpacks to 106 MB; workbooks are limited to 105 MB unpacked" in str(err)


def test_deep_nesting_is_a_scenario_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(SMALL_YAML.replace("capability: 10", "capability: " + "[" * 900 + "]" * 900))
    assert (
        "actors[a].capability  (line 9)\n    expected a mapping of fields; got [[[[...]]]]"
        in str(refused(path))
    )
    path.write_text("a: " + "[" * 2000 + "]" * 2000)  # past libyaml's 1,000 levels
    assert "this is not valid YAML: exceeded maximum nesting depth" in str(refused(path))


def test_old_mac_line_ends_read_as_line_ends() -> None:
    assert load_scenario(HOSTILE / "mac_line_ends.csv").actor_ids == ["a1", "a2"]


def test_a_few_aliases_are_still_fine() -> None:
    text = SMALL_YAML.replace("capability: 10", "capability: &cap 10").replace(
        "capability: 20", "capability: *cap"
    )
    scenario = _load_text(text, "yaml")
    assert scenario.actor("b").capability is not None
    assert scenario.actor("b").capability.mode == 10


@pytest.mark.parametrize(
    ("suffix", "header", "row"),
    [
        ("csv", "actor,capability,position,salience\n", "a1,5,{x},50\n"),
        ("decide", "#A;a1;A\n#P;i;I\n", "#D;a1;i;{x};0.5;1\n"),
        ("csv", "Demo,d, 1, 1,\nActor,Description,Power,Pos,Sal,\n", "A,{x},10,20,50,\n"),
        # In the header: the delimiter is told from the header, which must not fail first.
        ("csv", "", "actor;{x};issue\n"),
        ("csv", "", '"{x}'),
    ],
    ids=["flat-csv", "decide", "ktab-csv", "header", "unclosed-header"],
)
def test_a_cell_past_the_csv_field_limit_is_a_scenario_error(
    suffix: str, header: str, row: str, tmp_path: Path
) -> None:
    path = tmp_path / f"long.{suffix}"
    path.write_text(header + row.format(x="9" * 140_000), encoding="utf-8")
    err = refused(path)
    assert "cannot be read as CSV (field larger than field limit (131072)" in str(err)


def test_twenty_thousand_actors_load_in_linear_time(tmp_path: Path) -> None:
    path = tmp_path / "flat.csv"
    rows = "".join(f"a{i},{i % 7 + 1},{i % 100},50\n" for i in range(20_000))
    path.write_text("actor,capability,position,salience\n" + rows, encoding="utf-8")
    with within(15.0):  # 9 s before (list.index per row); about 2 s now
        assert len(load_scenario(path).actors) == 20_000


def test_two_thousand_unknown_issue_keys_are_counted_not_all_listed(tmp_path: Path) -> None:
    issues = "".join(f"  - {{id: issue{i}, name: I{i}}}\n" for i in range(900))
    stances = "".join(f"      unknown{i}: {{position: 1, salience: 1}}\n" for i in range(2000))
    path = tmp_path / "unknown.yaml"
    path.write_text(
        f"id: x\ntitle: X\nissues:\n{issues}actors:\n  - id: a\n    name: A\n    capability: 1\n"
        f"    issues:\n      issue0: {{position: 1, salience: 1}}\n{stances}",
        encoding="utf-8",
    )
    err = refused(path)  # 70 s before: a did-you-mean over every issue for each key
    codes = [p.code for p in err.problems]
    assert codes.count("unknown_issue") == 50
    assert "1,950 more problems of kind 'unknown_issue' are not listed" in str(err)


def test_more_issues_than_the_limit_is_refused_by_count(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    issues = "".join(f"  - {{id: i{k}, name: I}}\n" for k in range(1001))
    path.write_text(f"id: x\ntitle: X\nissues:\n{issues}actors: []\n", encoding="utf-8")
    assert "the scenario has 1,001 issues; a scenario may have at most 1,000" in str(refused(path))


def test_the_limits_section_of_the_docs_shows_what_the_loader_says() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    limits = docs.split("## Limits", 1)[1].split("\n## ", 1)[0]
    example = limits.split("```\n", 2)[1].split("```", 1)[0].splitlines()
    err = refused(HOSTILE / "duplicate_key.yaml")
    assert example[0] == "ScenarioError: 1 problem in duplicate_key.yaml"
    assert example[1:] == str(err).splitlines()[1:]
    for limit in (MAX_ACTORS, MAX_ISSUES, MAX_STANCES, MAX_ALIAS_NODES, MAX_PER_KIND):
        assert f"{limit:,}" in limits


@pytest.mark.parametrize("name", [name for name, _ in FILES])
def test_validate_exits_2_with_one_clear_message(name: str) -> None:
    result = CliRunner().invoke(app, ["validate", str(HOSTILE / name)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("ScenarioError: 1 problem in")
    assert "Traceback" not in result.output


# --- generated inputs -------------------------------------------------------------------------

# Generated files go to a RAM disk where the machine has one: on a busy shared disk, 20,000 file
# writes cost more than the loading they test.
_RAM = Path("/dev/shm")
_FOLDER = Path(tempfile.mkdtemp(prefix="detente-hostile-", dir=_RAM if _RAM.is_dir() else None))
# How many generated inputs each property test pushed through the loader (checked at the end).
RUNS: Counter[str] = Counter()
GENERATED_AT_LEAST = 20_000


@pytest.fixture(scope="module", autouse=True)
def _enough_generated_inputs() -> Iterator[None]:
    """After the module: when every property test ran, together they loaded 20,000 inputs."""
    yield
    if set(RUNS) == {"bytes", "text", "structured", "edits", "workbook", "cells", "sheet cells"}:
        assert sum(RUNS.values()) >= GENERATED_AT_LEAST, RUNS


def _load_bytes(data: bytes, suffix: str, *, generator: str = "fixed") -> Scenario | None:
    """Load ``data`` from a file; None when it is refused with a well-formed ScenarioError."""
    path = _FOLDER / f"input.{suffix}"
    path.write_bytes(data)
    RUNS[generator] += 1
    start = time.perf_counter()
    try:
        return load_scenario(path)
    except ScenarioError as err:
        assert err.problems
        json.dumps(err.records())  # the records the API returns are plain data
        assert str(err).startswith(("1 problem", f"{len(err.problems)} problems"))
        return None
    finally:
        assert time.perf_counter() - start < GUARD_SECONDS


def _load_text(text: str, suffix: str) -> Scenario:
    scenario = _load_bytes(text.encode("utf-8"), suffix)
    assert scenario is not None
    return scenario


FUZZ = settings(
    deadline=dt.timedelta(seconds=GUARD_SECONDS),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SUFFIXES = ["yaml", "csv", "xml", "decide", "txt", "xlsx"]


@settings(FUZZ, max_examples=6_000)
@given(data=st.binary(max_size=300), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_in_every_format(data: bytes, suffix: str) -> None:
    _load_bytes(data, suffix, generator="bytes")


@settings(FUZZ, max_examples=3_500)
@given(text=st.text(max_size=200), suffix=st.sampled_from(SUFFIXES[:5]))
def test_random_text_in_every_text_format(text: str, suffix: str) -> None:
    _load_bytes(text.encode("utf-8"), suffix, generator="text")


# Values a hostile or careless file puts where a number, a text or a mapping belongs.
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**1000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates(),
    st.sampled_from(["", "nan", "-inf", "1e999", "0x1F", "2026-13-45", "~", "!!int abc"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
BASE = yaml.safe_load(SMALL_YAML)
_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*path, key))
    elif isinstance(node, list):
        for k, value in enumerate(node):
            out += _paths(value, (*path, k))
    return out


PATHS = _paths(BASE)[1:]


def _mutated(path: tuple[Any, ...], action: str, value: Any) -> Any:
    """The valid scenario with the node at ``path`` replaced, deleted, nested or keyed anew."""
    data = copy.deepcopy(BASE)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif action == "nest":  # the node wrapped in 40 lists (900 levels: test_deep_nesting...)
        for _ in range(40):
            parent[last] = [parent[last]]
    elif isinstance(parent, dict):  # a new key beside the node
        parent[str(value)[:20]] = value
    return data


@settings(FUZZ, max_examples=3_000)
@given(
    path=st.sampled_from(PATHS),
    action=st.sampled_from(["replace", "delete", "nest", "add"]),
    value=VALUES,
)
def test_structured_mutations_of_a_valid_yaml(
    path: tuple[Any, ...], action: str, value: Any
) -> None:
    data = _mutated(path, action, value)
    text = yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False)
    _load_bytes(text.encode("utf-8"), "yaml", generator="structured")


VALID_TEXTS = {
    "yaml": SMALL_YAML,
    "csv": write_long_csv(load_scenario(HOSTILE / "small.yaml")),
    "decide": write_decide(load_scenario(HOSTILE / "small.yaml")),
    "txt": write_ktab_csv(load_scenario(HOSTILE / "small.yaml")),
}
INSERTS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "\r",
            "\x00",
            '"',
            ",",
            ";",
            "\n",
            "&a ",
            "*a",
            "!!int ",
            "9" * 400,
            "\u2028",
            "#D;",
            "- [",
        ]
    ),
)


@settings(FUZZ, max_examples=6_000)
@given(
    kind=st.sampled_from(sorted(VALID_TEXTS)),
    at=st.floats(min_value=0, max_value=1),
    cut=st.integers(min_value=0, max_value=6),
    insert=INSERTS,
)
def test_text_edits_of_valid_files(kind: str, at: float, cut: int, insert: str) -> None:
    text = VALID_TEXTS[kind]
    k = int(at * len(text))
    edited = text[:k] + insert + text[k + cut :]
    suffix = "csv" if kind == "txt" else kind  # the KTAB CSV is told by its first line
    _load_bytes(edited.encode("utf-8"), suffix, generator="edits")


XLSX_BASE = hostile_xlsx.valid_workbook()


@settings(FUZZ, max_examples=300)
@given(
    at=st.floats(min_value=0, max_value=1),
    cut=st.integers(min_value=0, max_value=8),
    insert=st.one_of(
        st.text(max_size=10),
        st.sampled_from(['<c r="XFD9"><v>1</v></c>', '<row r="2">', "&amp;", "<v>x</v>", '"']),
    ),
)
def test_edits_of_a_valid_workbooks_sheet(at: float, cut: int, insert: str) -> None:
    def edit(xml: str) -> str:
        k = int(at * len(xml))
        return xml[:k] + insert + xml[k + cut :]

    data = hostile_xlsx.edited(XLSX_BASE, hostile_xlsx.POSITIONS, edit)
    _load_bytes(data, "xlsx", generator="workbook")


LONG_ROWS = [row.split(",") for row in VALID_TEXTS["csv"].splitlines()]
CELLS = st.one_of(SCALARS, st.text(max_size=30).map(lambda t: "=" + t))


@settings(FUZZ, max_examples=1_000)
@given(row=st.integers(0, len(LONG_ROWS) - 1), col=st.integers(0, 20), value=CELLS)
def test_cell_swaps_in_a_valid_long_csv(row: int, col: int, value: Any) -> None:
    rows = [list(r) for r in LONG_ROWS]
    cells = rows[row]
    cells[min(col, len(cells)) : col + 1] = [str(value)]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    _load_bytes(out.getvalue().encode("utf-8"), "csv", generator="cells")


SHEET_XML = zipfile.ZipFile(io.BytesIO(XLSX_BASE)).read(hostile_xlsx.POSITIONS).decode("utf-8")
SHEET_CELLS = re.findall(r'<c r="[A-Z]+[0-9]+".*?</c>', SHEET_XML)
TYPED_CELLS = st.one_of(
    st.tuples(st.just("n"), st.one_of(st.floats(), st.integers()).map(str)),
    st.tuples(st.just("b"), st.sampled_from(["0", "1", "2", "true", ""])),
    st.tuples(st.just("d"), st.sampled_from(["2026-01-01", "2026-13-45", "x"])),
    st.tuples(st.just("s"), st.sampled_from(["0", "1", "99", "-1", "x"])),  # shared string index
    st.tuples(st.just("inlineStr"), st.text(max_size=20).map(html.escape)),
    st.tuples(st.just("e"), st.just("#DIV/0!")),
)


@settings(FUZZ, max_examples=500)
@given(cell=st.sampled_from(SHEET_CELLS), typed=TYPED_CELLS)
def test_cell_swaps_in_a_valid_workbook(cell: str, typed: tuple[str, str]) -> None:
    kind, value = typed
    ref = cell.split('"')[1]
    body = f"<is><t>{value}</t></is>" if kind == "inlineStr" else f"<v>{value}</v>"
    new = f'<c r="{ref}" t="{kind}">{body}</c>'
    data = hostile_xlsx.edited(XLSX_BASE, hostile_xlsx.POSITIONS, lambda x: x.replace(cell, new))
    _load_bytes(data, "xlsx", generator="sheet cells")
