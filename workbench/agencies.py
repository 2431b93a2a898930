"""Agency names: one canonical name each, its sector, and the names returns use.

The alias table is data (``workbench/data/agencies.yaml``); a case or a user adds
local aliases without touching code. A name that is in no alias is still an
agency: :meth:`AliasTable.resolve` keeps it as written, infers its sector from its
words (``Anyshire Constabulary`` is police), keeps a bracketed qualifier as its
detail (``School (primary)`` is School, detail ``primary``), and tells a meeting
(``Multi agency panel``) from an agency.

Examples
--------
>>> table = load_aliases()
>>> table.normalise("CSC"), table.normalise("  the Police force ")
("Children's Social Care", 'Police')
>>> table.sector("School Nursing"), table.normalise("Polce") is None
('health', True)
>>> r = table.resolve("Anyshire Constabulary")
>>> r.name, r.sector, r.known, r.basis
('Anyshire Constabulary', 'police', False, "sector from the word 'constabulary'")
>>> r = table.resolve("Social Care (front door)")
>>> r.name, r.detail, r.known
("Children's Social Care", 'front door', True)
>>> table.resolve("Multi agency panel").meeting
True
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from workbench.safeyaml import load_bundled_yaml

__all__ = ["SECTORS", "Agency", "AliasTable", "Resolved", "agencies_from_meta", "alias_lines",
           "load_aliases", "name_key", "yaml_scalar"]

SECTORS = ("police", "social-care", "education", "health", "third-sector", "family", "other")

_PUNCT = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_WORDS = re.compile(r"\b[A-Z][A-Z&]{1,3}\b")  # short aliases count in free text only as capitals
_POSSESSIVE = re.compile(r"\b([A-Z][A-Z&]{1,3})['\u2019]s\b")
_ROLE_CODE = re.compile(r"\b(?:sw|ssw|social worker) ?\d{1,4}\b")  # "SW1": a social worker
_BRACKET = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]\s*")
_ROLE = re.compile(r"^[a-z]{1,12}(?: [a-z]{1,12})? ?\d{1,4}$")  # "PC 1234", "SW 2", "RI worker 3"
#: a post or team of an agency named by its generic name ("police MP coordinator")
_POST = re.compile(r"(?: [a-z]{1,12}){0,3} (?:co ?ordinator|officer|worker|lead|manager|team|"
                   r"unit|desk|liaison|supervisor|inspector|sergeant|analyst|practitioner|"
                   r"front door|duty|hub|inbox|intake|screening|locality|mfh|mpu|misper)s?$")
#: a name that is a person's post, not an agency ("Duty Senior SW", "CSC Front Door mailbox")
_PERSON_POST = re.compile(r"\b(?:sw|social worker|worker|officer|manager|nurse|teacher|dsl|lead|"
                          r"co ?ordinator|senco|tutor|practitioner|head of year|mailbox|inbox)$")


def _of_generic(key: str, generic: str) -> bool:
    """Whether ``key`` is a post or team of the agency ``generic`` names: the generic
    name, then a few words ending in a post ("police mp coordinator")."""
    return key.startswith(generic + " ") and bool(_POST.fullmatch(key[len(generic):]))


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
class Resolved:
    """How a name as written was read.

    ``name`` is the canonical agency (or, for a name in no alias, the name as written
    without its bracketed qualifier); ``detail`` is that qualifier; ``known`` says the
    name matched an alias; ``meeting`` that it names a meeting, not an agency;
    ``basis`` says in words why (``alias``, ``sector from the word 'constabulary'``).
    """

    written: str
    name: str
    sector: str
    detail: str = ""
    known: bool = False
    meeting: bool = False
    basis: str = ""


@dataclass(frozen=True)
class AliasTable:
    """Canonical agencies and the aliases that map to them (immutable).

    ``sector_words`` are the rules that give a new name its sector (first match wins),
    ``sector_agencies`` the agency a role label of a sector belongs to (``PC 1`` →
    Police), ``meeting_words`` the words that make a name a meeting.
    """

    agencies: tuple[Agency, ...]
    sector_words: tuple[tuple[str, tuple[str, ...]], ...] = ()
    sector_agencies: Mapping[str, str] = field(default_factory=dict)
    meeting_words: tuple[str, ...] = ()
    _index: Mapping[str, str] = field(init=False, repr=False, compare=False)
    _resolved: dict[str, Resolved] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        for agency in self.agencies:
            for alias in (agency.name, *agency.aliases):
                index.setdefault(name_key(alias), agency.name)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_resolved", {})  # a memo of resolve(): the table is frozen

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
        return replace(self, agencies=tuple(merged.values()))

    @cached_property
    def _finder(self) -> re.Pattern[str]:
        keys = sorted(self._index, key=len, reverse=True)
        return re.compile(r"\b(" + "|".join(re.escape(k) for k in keys) + r")\b")

    @cached_property
    def _sector_finders(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        return tuple((sector, re.compile(r"\b(" + "|".join(
            re.escape(name_key(w)) for w in sorted(words, key=len, reverse=True)) + r")s?\b"))
            for sector, words in self.sector_words if words)

    @cached_property
    def _meeting_finder(self) -> re.Pattern[str] | None:
        if not self.meeting_words:
            return None
        words = sorted((name_key(w) for w in self.meeting_words), key=len, reverse=True)
        return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b")

    def find_in_text(self, text: str) -> list[str]:
        """Canonical agencies named in free text, in order of first mention.

        Aliases of three letters or fewer ("ED", "CSC") count only when written in
        capitals, so that ordinary words ("ed", "la") are not read as agencies.

        >>> load_aliases().find_in_text("Referral to CSC and the school nurse")
        ["Children's Social Care", 'School Nursing']
        >>> load_aliases().find_in_text("emailed CSC's duty manager")
        ["Children's Social Care"]
        """
        text = _POSSESSIVE.sub(r"\1", text)  # "CSC's duty manager"
        key = _ROLE_CODE.sub("social worker", name_key(text))
        found = (self._index[m.group(1)] for m in self._finder.finditer(key)
                 if len(m.group(1)) > 3 or m.group(1).upper() in _WORDS.findall(text))
        return list(dict.fromkeys(found))

    def infer_sector(self, name: str) -> tuple[str, str]:
        """The sector a name's words say, and the word that said it (``other``, ``""``).

        >>> load_aliases().infer_sector("Southby Academy")
        ('education', 'academy')
        """
        key = name_key(name)
        for sector, finder in self._sector_finders:
            if m := finder.search(key):
                return sector, m.group(1)
        return "other", ""

    def is_meeting(self, name: str) -> bool:
        """Whether a name is a meeting (``Strategy meeting``, ``Exploitation panel``)."""
        finder = self._meeting_finder
        return bool(finder and finder.search(name_key(name)))

    def resolve(self, written: str) -> Resolved:
        """Read an agency as written: known, a meeting, or a new agency of its own.

        The whole name is matched first, then the name without its bracketed
        qualifier (kept as ``detail``), then the qualifier itself (``SW 1 (CSC)``).
        """
        found = self._resolved.get(written)
        if found is None:
            found = self._resolved[written] = self._resolve(written)
        return found

    def _resolve(self, written: str) -> Resolved:
        text = " ".join(written.split())
        detail = "; ".join(d.strip() for d in _BRACKET.findall(text) if d.strip())
        base = " ".join(_BRACKET.sub(" ", text).split())
        if name := self.normalise(text):
            return Resolved(text, name, self.sector(name), "", True, basis="alias")
        if base and (name := self.normalise(base)):
            return Resolved(text, name, self.sector(name), detail, True, basis="alias")
        if self.is_meeting(base or text):
            return Resolved(text, base or text, "other", detail, False, True, basis="meeting")
        for part in _BRACKET.findall(text):
            if name := self.normalise(part):
                return Resolved(text, name, self.sector(name), base, True,
                                basis="alias in brackets")
        if found := self._org_in_brackets(text, base):
            return found
        if _ROLE.match(name_key(base or text)) and (
                name := self.normalise(re.sub(r"\s*\d+$", "", base or text))):
            return Resolved(text, name, self.sector(name), base or text, True,  # "Foster Carer 3"
                            basis="a person of a known agency")
        sector, word = self.infer_sector(base or text)
        role = self.sector_agencies.get(sector)
        if sector == "family" and role in self.names:  # "Mother of Child A" is the family
            return Resolved(text, role, sector, base or text, True,
                            basis=f"a family member ('{word}')")
        if role in self.names and (_ROLE.match(name_key(base or text))  # "PC 1" is Police
                                   or _of_generic(name_key(base or text), name_key(role))):
            return Resolved(text, role, sector, base or text, True,
                            basis=f"a role of {role} ('{word}')")
        if team := self._team_of(name_key(base or text)):  # "CSC front door", "Police CE team"
            return Resolved(text, team, self.sector(team), base or text, True,
                            basis=f"a team of {team}")
        basis = f"sector from the word '{word}'" if word else "no word that says its sector"
        return Resolved(text, base or text, sector, detail, False, basis=basis)

    def _org_in_brackets(self, text: str, base: str) -> Resolved | None:
        """The agency a person or post names last in brackets ("PC 2210 (MFH coordinator,
        Anyshire Constabulary)"), kept with the person and post as its detail."""
        sector, key = self.infer_sector(base)[0], name_key(base)
        for part in _BRACKET.findall(text):
            *posts, org = (p.strip() for p in part.split(","))
            if not org or not (posts and sector == "other" or _PERSON_POST.search(key)
                               or _ROLE.match(key)):
                continue
            inner = self.resolve(org)
            if not inner.meeting and inner.sector != "other" and sector in ("other", inner.sector):
                detail = f"{base} ({', '.join(posts)})" if posts else base
                return Resolved(text, inner.name, inner.sector, detail, inner.known,
                                basis="the agency named in brackets after a person or post")
        return None

    def _team_of(self, key: str) -> str | None:
        """The known agency a name begins with when the rest names one of its teams or
        posts (``csc front door``, ``csc duty``, ``police ce team``), or a known post a
        short name ends with (``wc mp coordinator``), else None. The rest must say no
        other sector: ``hospital social worker`` is no team of a hospital."""
        words = key.split()
        for cut in range(len(words) - 1, 0, -1):
            agency = self._index.get(" ".join(words[:cut]))
            rest = " ".join(words[cut:])
            if agency is None or self.infer_sector(rest)[0] not in ("other", self.sector(agency)) \
                    or self.infer_sector(key)[0] not in ("other", self.sector(agency)):
                continue
            if self._index.get(rest) == agency or _POST.fullmatch(" " + rest):
                return agency
        for cut in (1, 2)[:max(len(words) - 2, 0)]:  # "wc mp coordinator": a post of a force
            agency = self._index.get(" ".join(words[cut:]))
            if agency is not None and _POST.fullmatch(" " + " ".join(words[cut:])) and \
                    not self.infer_sector(" ".join(words[:cut]))[1] and \
                    all(len(w) <= 4 for w in words[:cut]):  # a short code, not a name
                return agency
        return None

    def closest(self, name: str, sector: str) -> str | None:
        """The known agency a new name most likely means: a close spelling, else the
        sector's usual agency (None when there is neither)."""
        close = self.suggest(name)
        if close:
            return close[0]
        usual = self.sector_agencies.get(sector)
        return usual if usual in self.names else None


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML flow scalar: plain when that reads back the same, else quoted."""
    try:
        if yaml.safe_load(f"[{text}]") == [text]:
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)


def alias_lines(written: str | Iterable[str], into: str, sector: str | None = None) -> str:
    """The lines to paste under ``agencies:`` of an alias file to read ``written`` as ``into``.

    >>> print(alias_lines("Anyshire Constabulary", "Police"))
      - name: Police
        aliases: [Anyshire Constabulary]
    >>> print(alias_lines(["Southby Academy", "Southby"], "Southby Academy", "education"))
      - name: Southby Academy
        sector: education
        aliases: [Southby Academy, Southby]
    """
    names = [written] if isinstance(written, str) else list(written)
    lines = [f"  - name: {yaml_scalar(into)}"]
    if sector:
        lines.append(f"    sector: {sector}")
    lines.append(f"    aliases: [{', '.join(yaml_scalar(n) for n in names)}]")
    return "\n".join(lines)


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


def _rules_from_yaml(data: Mapping[str, Any], origin: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    rules = []
    for item in data.get("sector_words") or ():
        if not isinstance(item, Mapping) or str(item.get("sector")) not in SECTORS:
            raise ValueError(f"{origin}: each sector_words entry needs a sector of {SECTORS}")
        rules.append((str(item["sector"]), tuple(str(w) for w in item.get("words") or ())))
    return tuple(rules)


def agencies_from_meta(meta: Mapping[str, object]) -> tuple[Agency, ...]:
    """The ``agencies:`` list of a case's metadata (names, sectors, local aliases)."""
    items = meta.get("agencies")
    if not items:
        return ()
    return _agencies_from_yaml({"agencies": items}, "case metadata")


@cache
def _bundled() -> AliasTable:
    """The bundled table (read once: it is data that does not change while running)."""
    bundled: Any = load_bundled_yaml("agencies.yaml")
    return AliasTable(_agencies_from_yaml(bundled, "agencies.yaml"),
                      _rules_from_yaml(bundled, "agencies.yaml"),
                      MappingProxyType(dict(bundled.get("sector_agencies") or {})),
                      tuple(bundled.get("meeting_words") or ()))


def load_aliases(path: str | Path | None = None) -> AliasTable:
    """The bundled alias table, extended with a local YAML file of the same shape.

    A local file's ``sector_words`` and ``meeting_words`` are tried before the
    bundled ones.
    """
    table = _bundled()
    if path is not None:
        local = Path(path)
        data = yaml.safe_load(local.read_text("utf-8")) or {"agencies": []}
        if isinstance(data, Mapping) and data.get("agencies") is None:
            data = {**data, "agencies": []}
        table = table.with_agencies(_agencies_from_yaml(data, str(local)))
        table = replace(table, sector_words=_rules_from_yaml(data, str(local)) + table.sector_words,
                        meeting_words=tuple(data.get("meeting_words") or ()) + table.meeting_words)
    return table
