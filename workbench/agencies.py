"""Agency names: one canonical name each, its sector, and the names returns use.

The alias table is data (``workbench/data/agencies.yaml``); a case or a user adds
local aliases without touching code.

Examples
--------
>>> table = load_aliases()
>>> table.normalise("CSC"), table.normalise("  the Police force ")
("Children's Social Care", 'Police')
>>> table.sector("School Nursing")
'health'
>>> table.normalise("Polce") is None
True
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import yaml

__all__ = ["SECTORS", "Agency", "AliasTable", "agencies_from_meta", "load_aliases", "name_key"]

SECTORS = ("police", "social-care", "education", "health", "third-sector", "family", "other")

_PUNCT = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_WORDS = re.compile(r"\b[A-Z][A-Z&]{1,3}\b")  # short aliases count in free text only as capitals


def name_key(name: str) -> str:
    """The form names are matched in: lower case, ``&`` as ``and``, no punctuation.

    >>> name_key("  Children's  Social-Care ")
    'childrens social care'
    """
    text = name.lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    text = _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()
    return text[4:] if text.startswith("the ") else text


@dataclass(frozen=True)
class Agency:
    """An agency of the case: its canonical name, sector and known aliases."""

    name: str
    sector: str = "other"
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class AliasTable:
    """Canonical agencies and the aliases that map to them (immutable)."""

    agencies: tuple[Agency, ...]
    _index: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        for agency in self.agencies:
            for alias in (agency.name, *agency.aliases):
                index.setdefault(name_key(alias), agency.name)
        object.__setattr__(self, "_index", index)

    def normalise(self, name: str) -> str | None:
        """The canonical name for ``name``, or None when it is not known."""
        return self._index.get(name_key(name))

    def sector(self, name: str) -> str:
        """The sector of a canonical agency name (``other`` when not known)."""
        for agency in self.agencies:
            if agency.name == name:
                return agency.sector
        return "other"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.agencies)

    def suggest(self, name: str) -> list[str]:
        """Known names close to a mistyped one, best first."""
        close = difflib.get_close_matches(name_key(name), list(self._index), n=3, cutoff=0.75)
        return list(dict.fromkeys(self._index[c] for c in close))

    def with_agencies(self, extra: Iterable[Agency]) -> AliasTable:
        """A new table with ``extra`` agencies (or extra aliases of known ones) added."""
        merged = {a.name: a for a in self.agencies}
        for agency in extra:
            old = merged.get(agency.name)
            if old is None:
                merged[agency.name] = agency
            else:
                sector = agency.sector if agency.sector != "other" else old.sector
                merged[agency.name] = Agency(old.name, sector, (*old.aliases, *agency.aliases))
        return AliasTable(tuple(merged.values()))

    @cached_property
    def _finder(self) -> re.Pattern[str]:
        keys = sorted(self._index, key=len, reverse=True)
        return re.compile(r"\b(" + "|".join(re.escape(k) for k in keys) + r")\b")

    def find_in_text(self, text: str) -> list[str]:
        """Canonical agencies named in free text, in order of first mention.

        Aliases of three letters or fewer ("ED", "CSC") count only when written in
        capitals, so that ordinary words ("ed", "la") are not read as agencies.

        >>> load_aliases().find_in_text("Referral to CSC and the school nurse")
        ["Children's Social Care", 'School Nursing']
        """
        key = name_key(text)
        found = (self._index[m.group(1)] for m in self._finder.finditer(key)
                 if len(m.group(1)) > 3 or m.group(1).upper() in _WORDS.findall(text))
        return list(dict.fromkeys(found))


def _agencies_from_yaml(data: object, origin: str) -> tuple[Agency, ...]:
    if not isinstance(data, Mapping) or not isinstance(data.get("agencies"), list):
        raise ValueError(f"{origin}: expected a mapping with a list under 'agencies'")
    out = []
    for item in data["agencies"]:
        if not isinstance(item, Mapping) or "name" not in item:
            raise ValueError(f"{origin}: every agency needs a 'name'")
        sector = str(item.get("sector", "other"))
        if sector not in SECTORS:
            raise ValueError(f"{origin}: sector {sector!r} of {item['name']!r} is not one of {SECTORS}")
        aliases = tuple(str(a) for a in item.get("aliases") or ())
        out.append(Agency(str(item["name"]), sector, aliases))
    return tuple(out)


def agencies_from_meta(meta: Mapping[str, object]) -> tuple[Agency, ...]:
    """The ``agencies:`` list of a case's metadata (names, sectors, local aliases)."""
    items = meta.get("agencies")
    if not items:
        return ()
    return _agencies_from_yaml({"agencies": items}, "case metadata")


def load_aliases(path: str | Path | None = None) -> AliasTable:
    """The bundled alias table, extended with a local YAML file of the same shape."""
    bundled = resources.files("workbench").joinpath("data/agencies.yaml").read_text("utf-8")
    table = AliasTable(_agencies_from_yaml(yaml.safe_load(bundled), "agencies.yaml"))
    if path is not None:
        local = Path(path)
        table = table.with_agencies(
            _agencies_from_yaml(yaml.safe_load(local.read_text("utf-8")), str(local))
        )
    return table
