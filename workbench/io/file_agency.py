"""The agency of a return that has no agency column: from its title block or file name.

A return sent by one agency often says whose it is only above its header
(``Anyshire Constabulary - chronology for Child A``, ``Agency: Southby Academy``)
or in its file name (``anyshire-constabulary-return.xlsx``). These functions read
the agency out of those words; the importer says which source it used.

Examples
--------
>>> from workbench.agencies import load_aliases
>>> table = load_aliases()
>>> agency_of_title(["Anyshire Constabulary - chronology for Child A"], table)
('Anyshire Constabulary', 1)
>>> agency_of_title(["Single agency chronology", "Agency: Southby Academy"], table)
('Southby Academy', 2)
>>> agency_of_file_name("anyshire-constabulary-return_v2", table)
'Anyshire Constabulary'
>>> agency_of_file_name("ris", table)
'Return Interview Service'
>>> agency_of_columns(["URN", "Occurrence Type", "Created", "Risk Grading", "OIC"], table)
'Police'
>>> agency_of_authors(["SW1 (CIN Team)", "Business Support (Front Door)", "TM1", "SW1"], table)
"Children's Social Care"
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from workbench.agencies import AliasTable

__all__ = ["agency_of_authors", "agency_of_columns", "agency_of_file_name", "agency_of_title",
           "author_or_team"]

_LABEL = re.compile(r"^\s*(?:agency|agency name|organisation|organization|service|source|"
                    r"submitted by|provided by|return from|agency completing(?: this)?(?: return)?)"
                    r"\s*[:\-\u2013]\s*(?P<name>.+?)\s*$", re.IGNORECASE)
_PIECES = re.compile(r"\s*(?:[|:;,\u2013\u2014]|\s-\s|\bfor\b|\bre\b|\bchronology\b|"
                     r"\breturn\b(?!\s+(?:home\s+)?(?:interview|conversation|project|service|team)))\s*", re.IGNORECASE)
#: words that say what a file or title is, not whose it is
_GENERIC = frozenset(["chronology", "chronologies", "chron", "return", "returns", "single", "multi", "agency", "agencies", "combined", "composite", "merged", "integrated", "final", "draft", "version", "copy", "updated", "redacted", "anonymised", "anonymized", "review", "case", "learning", "cspr", "lcspr", "scr", "sur", "cpr", "rapid", "practice", "safeguarding", "significant", "event", "events", "timeline", "log", "extract", "export", "data", "report", "for", "of", "the", "and", "re", "to", "from", "dates", "period", "child", "children", "young", "person", "yp", "cyp", "a", "b", "c", "d", "e", "f", "g", "h", "j", "k", "x", "y", "z", "v1", "v2", "v3", "v4", "v5", "new", "old", "latest", "full", "summary", "contact", "contacts", "casenotes", "notes", "note", "records", "record", "logs", "diary", "journal", "minutes", "incident", "incidents", "file", "files", "mfh", "missing", "episodes",
    # the kind of document or system a file is ("sw_calendar_export", "ppn_tracker")
    "calendar", "tracker", "outcomes", "messages", "audit", "trail", "grid", "register",
    "workbook", "spreadsheet", "checklist", "database"])
_CHILD = re.compile(r"\bchild\s+[a-z0-9]\b", re.IGNORECASE)


def _tidy(words: Sequence[str]) -> str:
    kept = [w for w in words if w.lower() not in _GENERIC
            and not re.fullmatch(r"v?\d+|child[a-z0-9]{1,2}", w.lower())]  # "ChildB", "child1"
    return " ".join(kept)


def _name_in(piece: str, table: AliasTable) -> str | None:
    """A piece of text that names an agency: a known alias, or words with a sector."""
    piece = _CHILD.sub(" ", piece).strip(" .-")
    if not piece or piece.count("(") != piece.count(")"):
        return None  # part of a bracketed legend ("Session attendance (codes: / present")
    resolved = table.resolve(piece)
    if resolved.known and not resolved.meeting:
        return piece
    bare = _tidy(piece.split())
    if not bare:
        return None
    resolved = table.resolve(bare)
    if resolved.meeting:
        return None
    if resolved.known or table.infer_sector(bare)[1]:
        return bare
    return None


def agency_of_title(lines: Sequence[str], table: AliasTable) -> tuple[str, int] | None:
    """The agency a title block names, as written, and its line (1-based) in the block."""
    for number, line in enumerate(lines, 1):
        if m := _LABEL.match(line):
            return m["name"].strip(), number
    for number, line in enumerate(lines, 1):
        # a piece that is a known agency beats one that only has a sector's word:
        # "ASHCOMBE BOROUGH COUNCIL - CHILDREN'S SERVICES" is children's services
        named = [name for piece in _PIECES.split(line) if piece and (name := _name_in(piece, table))]
        # an agency's piece beats the family's: "Foster carers' daily diary - H - Kestrel
        # Lane Fostering" is the fostering agency's record
        agency = [name for name in named if table.resolve(name).sector != "family"]
        known = [name for name in agency if table.resolve(name).known]
        if named:
            return (known or agency or named)[0], number
        if found := table.find_in_text(line):
            return found[0], number
    return None


#: words in column names that only one sector's exports use: (sector, pattern)
_SECTOR_COLUMNS = (
    ("police", re.compile(r"\b(?:occurrence|oic|urn|ppn|misper|missing person|crime|log no|"
                          r"risk grading|safe (?:and|&) well|located|supervisor review)\b", re.I)),
    ("education", re.compile(r"\b(?:dsl|pupil|year group|form tutor|head of year|hoy|"
                             r"pastoral)\b", re.I)),
    ("health", re.compile(r"\b(?:nhs|clinic|patient|gp|seen by|clinician|presenting complaint|"
                          r"triage)\b", re.I)),
)


def agency_of_columns(headers: Sequence[str], table: AliasTable) -> str | None:
    """The usual agency of the one sector whose own words two or more of a table's
    column names use (``Occurrence Type``, ``OIC``: an export of the police), or None."""
    hits = {sector: sum(1 for h in headers if rx.search(h)) for sector, rx in _SECTOR_COLUMNS}
    sure = [sector for sector, n in hits.items() if n >= 2]
    if len(sure) != 1:
        return None
    return table.sector_agencies.get(sure[0])


def agency_of_authors(authors: Sequence[str], table: AliasTable) -> str | None:
    """The usual agency of the sector whose posts most of a return's authors hold
    (``SW1``, ``Business Support (Front Door)``: a social care export), or None.

    Counted over the authors that name a sector at all; the sector must hold at least
    three rows, two thirds of those, and half of all the authored rows.
    """
    named = [a for a in authors if a.strip()]
    sectors = [r.sector for a in named if (r := table.resolve(a)).sector != "other"
               and not r.meeting]
    if len(sectors) < 3:
        return None
    sector, count = max(((s, sectors.count(s)) for s in set(sectors)), key=lambda x: x[1])
    if count * 3 < len(sectors) * 2 or count * 2 < len(named) or sector == "family":
        return None
    return table.sector_agencies.get(sector)


_TEAM_LABEL = re.compile(r"\b(?:team|unit|service|department|dept)\b", re.IGNORECASE)


def author_or_team(author: str, extra: Sequence[tuple[str, str]], table: AliasTable) -> str:
    """Who wrote a row, for :func:`agency_of_authors`: the author when the post names a
    sector, else the row's team (a "Team" column: ``LW`` of ``CP Team``), else the author.

    >>> from workbench.agencies import load_aliases
    >>> author_or_team("LW", [("Team", "CP Team")], load_aliases())
    'CP Team'
    """
    if not author.strip() or table.resolve(author).sector == "other":
        for label, value in extra:
            if _TEAM_LABEL.search(label) and value.strip():
                return value
    return author


def agency_of_file_name(stem: str, table: AliasTable) -> str:
    """The agency a file name says (``anyshire-constabulary-return`` is Anyshire
    Constabulary, ``ris`` Return Interview Service); else the file name's own words."""
    words = [w for w in re.split(r"[\s_.\-]+", stem) if w]
    bare = _tidy(words)
    for name in (" ".join(words), bare):  # "missing_persons_unit", "police_mfh_returns"
        if name and (resolved := table.resolve(name)).known and not resolved.meeting:
            return resolved.name
    if bare and not table.infer_sector(bare)[1] and \
            len(found := table.find_in_text(bare.upper())) == 1:
        return found[0]  # "WC_MISPER_Export": the one agency whose alias it holds
    if not bare or not table.infer_sector(bare)[1]:
        bare = " ".join(words) or stem
    if bare == bare.lower():  # 'anyshire csc' -> 'Anyshire CSC'
        bare = " ".join(w.upper() if len(w) <= 3 and table.find_in_text(w.upper())
                        else w.capitalize() for w in bare.split())
    return bare
