"""Loading a scenario from a file or a built-in name, with the file-level checks."""

from __future__ import annotations

import codecs
import io
from importlib import resources
from pathlib import Path

from ..errors import ScenarioError, did_you_mean
from ._decide import is_decide_text, read_decide
from ._ktab import is_ktab_csv, read_ktab_csv
from ._ktab_xml import read_ktab_xml
from ._limits import MAX_FILE_BYTES
from ._schema import Scenario
from ._tables import read_csv
from ._xlsx import read_xlsx
from ._yaml import read_yaml

__all__ = [
    "MAX_FILE_BYTES",
    "builtin_names",
    "builtin_versions",
    "load_scenario",
    "read_scenario_bytes",
]

_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".xlsx": "xlsx", ".xml": "xml"}
_SUFFIXES |= {".decide": "decide", ".txt": "decide"}  # the decide program's input format


def builtin_names() -> list[str]:
    """The names of the scenarios shipped with the package."""
    folder = resources.files("detente") / "scenarios"
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def builtin_versions(name: str) -> list[str]:
    """A built-in's earlier dated versions (``name@YYYY-MM-DD``), oldest first, then ``name``.

    Earlier versions live in ``scenarios/versions/NAME/DATE.yaml``: the case as it was known on
    that date, for the forecast timeline.

    >>> builtin_versions("ukraine-2026")
    ['ukraine-2026@2026-01-06', 'ukraine-2026']
    """
    folder = resources.files("detente") / "scenarios" / "versions" / name
    if not folder.is_dir():
        return [name]
    dated = sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))
    return [*(f"{name}@{d}" for d in dated), name]


def _builtin_text(name: str) -> str | None:
    # "name@date" is an earlier dated version of a built-in (see builtin_versions).
    base, _, date = name.partition("@")
    parts = ("versions", base, f"{date}.yaml") if date else (f"{name}.yaml",)
    resource = resources.files("detente") / "scenarios"
    for part in parts:
        resource = resource / part
    return resource.read_text(encoding="utf-8") if resource.is_file() else None


def read_scenario_bytes(data: bytes, *, filename: str, kind: str | None = None) -> Scenario:
    """Parse scenario bytes whose format is told by ``kind`` or by ``filename``'s suffix.

    ``kind`` is ``yaml``, ``csv``, ``xlsx``, ``xml`` (KTAB) or ``decide`` (``.decide``/``.txt``);
    a CSV whose line 1 is a KTAB scenario line is read as a KTAB scenario CSV, and one whose rows
    start with ``#A``/``#P``/... tags as a decide file. This is what the file loader and the web
    service share, so uploads and files get the same checks and messages.
    """
    suffix = Path(filename).suffix.lower()
    kind = kind or _SUFFIXES.get(suffix)
    if kind is None:
        raise ScenarioError.single(
            "unknown_format",
            f"unknown file type '{suffix or '(none)'}'; expected .yaml, .yml, .csv, .xlsx, "
            ".xml (KTAB), .decide or .txt (decide format)",
            file=filename,
        )
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError.single(
            "too_large",
            f"the file is {len(data) / 1e6:.1f} MB; scenario files are limited to "
            f"{MAX_FILE_BYTES / 1e6:.0f} MB",
            file=filename,
            given=len(data),
        )
    if not data.strip():
        raise ScenarioError.single("empty", "the file is empty; expected a scenario", file=filename)
    if kind == "xlsx":
        if not data.startswith(b"PK"):
            raise ScenarioError.single(
                "not_a_scenario",
                "this is not an XLSX workbook (it is not a zip file)",
                file=filename,
            )
        return read_xlsx(io.BytesIO(data), file=filename, scenario_id=_stem(filename))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ScenarioError.single(
            "not_utf8", "the file is UTF-16 text; save it as UTF-8", file=filename
        )
    if b"\x00" in data:
        raise ScenarioError.single(
            "binary_file", "this is a binary file, not a text scenario", file=filename
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError.single(
            "not_utf8",
            f"the file is not UTF-8 text (byte {exc.start} cannot be decoded); save it as UTF-8",
            file=filename,
        ) from None
    if kind == "yaml":
        return read_yaml(text, file=filename)
    if kind == "xml":
        return read_ktab_xml(text, file=filename, scenario_id=_stem(filename))
    if kind == "decide" or is_decide_text(text):
        return read_decide(text, file=filename, scenario_id=_stem(filename))
    if is_ktab_csv(text):
        return read_ktab_csv(text, file=filename, scenario_id=_stem(filename))
    return read_csv(text, file=filename, scenario_id=_stem(filename))


def _stem(filename: str) -> str:
    return Path(filename).stem or "scenario"


def load_scenario(path_or_name: str | Path) -> Scenario:
    """A checked scenario from a file (YAML, CSV, XLSX, KTAB CSV/XML) or a built-in name.

    >>> load_scenario("emission-standards-1994").issues[0].scale.unit
    'years'
    """
    name = str(path_or_name)
    if not isinstance(path_or_name, Path) and "/" not in name and "." not in name:
        text = _builtin_text(name)
        if text is not None:
            return read_yaml(text, file=f"{name} (built-in)")
    path = Path(path_or_name)
    if not path.exists():
        names = builtin_names()
        raise ScenarioError.single(
            "not_found",
            f"no file or built-in scenario called '{name}'{did_you_mean(name, names)}; "
            f"built-in scenarios: {', '.join(names)}",
            file=name,
        )
    if path.is_dir():
        raise ScenarioError.single("not_a_file", "this is a folder, not a scenario file", file=name)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ScenarioError.single(
            "too_large",
            f"the file is {size / 1e6:.1f} MB; scenario files are limited to "
            f"{MAX_FILE_BYTES / 1e6:.0f} MB",
            file=name,
            given=size,
        )
    return read_scenario_bytes(path.read_bytes(), filename=name)
