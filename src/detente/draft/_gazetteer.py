"""Who is who: names of states, organisations, leaders and officials → the actor they stand for.

Built from pycountry (every state's name, official and common name) plus the curated list
shipped in ``draft/data/gazetteer.yaml``, plus an optional user file in the same format.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import ArticleError

__all__ = ["Gazetteer", "GazetteerEntry", "load_gazetteer"]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    kind: Literal["state", "organisation"] = "state"
    country: str | None = None
    names: list[str] = []


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actors: list[_Entry]


@dataclass(frozen=True)
class GazetteerEntry:
    """An actor and every name it is known by in the news."""

    id: str
    name: str
    kind: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Gazetteer:
    """Actors by id; :meth:`names` maps each surface name to its actor id."""

    entries: dict[str, GazetteerEntry]

    def names(self) -> dict[str, str]:
        """Surface name → actor id; "the Kremlin" is also found as "The Kremlin"."""
        out = {n: e.id for e in self.entries.values() for n in e.names}
        out |= {"T" + n[1:]: k for n, k in out.items() if n.startswith("the ")}
        return out


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def _read(text: str, where: str) -> list[_Entry]:
    try:
        return _File.model_validate(yaml.safe_load(text)).actors
    except yaml.YAMLError as exc:
        raise ArticleError(f"{where}: not valid YAML: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ArticleError(
            f"{where}: {loc}: {first['msg']}; expected `actors:` with {{id, name, kind, names}}"
        ) from None


def _country_names(code: str) -> tuple[str, list[str]]:
    import pycountry

    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        raise ArticleError(f"gazetteer: '{code}' is not an ISO 3166 alpha-2 country code")
    names = [country.name]
    names += [getattr(country, k) for k in ("common_name", "official_name") if hasattr(country, k)]
    return getattr(country, "common_name", country.name), names


def load_gazetteer(extra: str | Path | None = None) -> Gazetteer:
    """Every state from pycountry, the curated list, then ``extra`` (a user file) on top.

    >>> g = load_gazetteer()
    >>> g.names()["Zelensky"], g.names()["the Kremlin"], g.names()["Brazil"]
    ('ukraine', 'russia', 'brazil')
    """
    import pycountry

    entries: dict[str, GazetteerEntry] = {}
    curated = _read(
        (resources.files("detente.draft") / "data" / "gazetteer.yaml").read_text("utf-8"),
        "gazetteer.yaml (shipped)",
    )
    users = [] if extra is None else _read(_read_file(extra), str(extra))
    claimed = {e.country.upper() for e in curated + users if e.country}
    for country in pycountry.countries:
        if country.alpha_2 in claimed:
            continue
        name, names = _country_names(country.alpha_2)
        entries[_slug(name)] = GazetteerEntry(
            _slug(name), name, "state", tuple(dict.fromkeys(names))
        )
    for entry in curated + users:
        names = list(entry.names)
        if entry.country:
            names = _country_names(entry.country)[1] + names
        old = entries.get(entry.id)
        merged = (*(old.names if old else ()), entry.name, *names)
        entries[entry.id] = GazetteerEntry(
            entry.id, entry.name, entry.kind, tuple(dict.fromkeys(merged))
        )
    return Gazetteer(entries)


def _read_file(path: str | Path) -> str:
    p = Path(path)
    if not p.is_file():
        raise ArticleError(f"{path}: no such gazetteer file")
    return p.read_text(encoding="utf-8")
