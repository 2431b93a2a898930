"""The privacy scan: where identifiers lie in chronologies, case folders and exports.

:func:`scan_paths` reads every file under the paths given (CSV, XLSX, YAML, JSON,
XES, XML, GraphML, HTML, Markdown, plain text) and returns a :class:`Finding` for
each identifier: its place (``file:line:column``, ``file!Sheet!B7``,
``file!(properties):author``) and its entity type, **never its value** — not in a
finding, a message, a log line or an exception.

Examples
--------
>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "police.csv").write_text(
...     "Date,Event\\n"
...     "05/02/2025,Child A reported missing by mother - risk graded medium\\n"
...     "06/02/2025,Found in Town A; mother's mobile 07911 123456\\n")
>>> [str(f).replace(str(folder), "…") for f in scan_paths([folder])]
["…/police.csv:3:45: PHONE_NUMBER (phone) in column 'Event'"]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import Problem, Reason
from workbench.privacy import sources
from workbench.privacy.keys import read_key_table
from workbench.privacy.recognisers import DATE, ENTITIES, Detector, Span, build_detector, resolve
from workbench.privacy.sources import Place, Unit

__all__ = ["HARMLESS_AUTHORS", "Finding", "scan_paths"]

#: Document authors that name nobody (tools, defaults, the workbench itself).
HARMLESS_AUTHORS = frozenset({"", "openpyxl", "workbench", "microsoft office user", "author",
                              "user", "unknown", "windows user", "administrator",
                              "case study author"})
#: A role label in place of a name: "PC 1", "SW 2", "Reviewer 1", "Case worker 3".
_ROLE_LABEL = re.compile(r"^(?:[A-Z]{1,5}|[A-Z][a-z]+(?: [a-z]+)*) \d{1,3}$")
_DATE = re.compile(rf"(?i)(?<![\w/]){DATE}")
_AGE_VALUE = re.compile(r"^\s*(\d{1,3})\s*$")


@dataclass(frozen=True)
class Finding:
    """An identifier found: where, and of what type. The value is never held."""

    entity: str
    place: Place

    @property
    def file(self) -> str:
        return self.place.file

    @property
    def location(self) -> str:
        """``file:line:column``, ``file!Sheet!B7`` or ``file!(properties):author``."""
        return self.place.location

    @property
    def label(self) -> str:
        """The entity in words ("NHS number", "date of birth", …)."""
        return ENTITIES.get(self.entity, self.entity.lower())

    def __str__(self) -> str:
        where = f" in column '{self.place.field}'" if self.place.field else ""
        if self.entity == "UNSCANNED":
            return f"{self.location}: UNSCANNED (not a format the scan reads: check it by hand)"
        if self.entity == "NOT_FOLLOWED":
            return f"{self.place.file}: NOT_FOLLOWED ({self.place.name})"
        return f"{self.location}: {self.entity} ({self.label}){where}"

    def as_dict(self) -> dict[str, object]:
        """Plain values for JSON: the place and the entity, never the value."""
        p = self.place
        return {"location": self.location, "entity": self.entity, "label": self.label,
                "file": p.file, "line": p.line, "column": p.column, "sheet": p.sheet,
                "cell": p.cell, "part": p.part, "name": p.name, "field": p.field}

    def as_problem(self) -> Problem:
        """The finding as a :class:`~workbench.errors.Problem` (reason ``pii-found``)."""
        p = self.place
        message = (f"{self.label} ({self.entity}) found: pseudonymise the case "
                   "(workbench pseudonymise) or remove it")
        if p.sheet is not None and p.cell is not None and p.part is None:
            return Problem(file=p.file, reason=Reason.PII_FOUND, message=message,
                           line=p.line, sheet=p.sheet, cell=p.cell)
        if p.line is not None:
            return Problem(file=p.file, reason=Reason.PII_FOUND, message=message, line=p.line,
                           column=p.column)
        return Problem(file=self.location, reason=Reason.PII_FOUND, message=message)


def _structural(unit: Unit, spans: list[Span], allowed: frozenset[str]) -> list[Span]:
    """Findings the structure adds: a date in a DOB column, a number in an Age column,
    an author in a workbook's properties; an "age 11" in a date column is a date."""
    kind = unit.column_kind
    if kind == "date":
        spans = [s for s in spans if s.entity != "AGE"]
    elif kind == "dob":
        spans = spans + [Span("DATE_OF_BIRTH", m.start(), m.end(), 1.0)
                         for m in _DATE.finditer(unit.text)]
    elif kind == "age" and (m := _AGE_VALUE.match(unit.text)):
        spans = spans + [Span("AGE", m.start(1), m.end(1), 1.0)]
    place = unit.place
    is_author = ((place.part == "(properties)" and place.name in sources.AUTHOR_PROPERTIES)
                 or (place.part == "(comment)" and place.name == "author"))
    if is_author and not spans:
        value = " ".join(unit.text.split())
        if value.casefold() not in allowed and not _ROLE_LABEL.match(value):
            spans = [Span("DOCUMENT_AUTHOR", 0, len(unit.text), 1.0)]
    return resolve(spans)


def _read(path: Path, display: str) -> tuple[list[Unit], list[Unit]]:
    """The file's units, and units to report only where they add something new."""
    suffix = path.suffix.lower()
    if suffix in sources.WORKBOOK_SUFFIXES:
        return sources.xlsx_units(path, display)
    if suffix in sources.SQLITE_SUFFIXES or sources.is_sqlite(path):
        return sources.sqlite_units(path, display), []
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        raise ValueError("binary file")
    text = data.decode("utf-8-sig")
    if suffix in sources.TABLE_SUFFIXES:
        return sources.csv_units(text, display, suffix), []
    units = sources.text_units(text, display, suffix)
    return units[:1], units[1:]


def spans_of(units: Sequence[Unit], detector: Detector,
             allowed: frozenset[str] = HARMLESS_AUTHORS) -> list[list[Span]]:
    """Every unit's identifiers (structure included), as spans of its text."""
    found = detector.find_many([u.text for u in units])
    return [_structural(u, s, allowed) for u, s in zip(units, found, strict=True)]


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def scan_units(units: Sequence[Unit], extra: Sequence[Unit], detector: Detector,
               allowed: frozenset[str] = HARMLESS_AUTHORS) -> list[Finding]:
    """Findings in ``units``, then those in ``extra`` that are new: a decoded copy of
    escaped text (JSON, XML entities) adds what the raw text hid; a workbook's
    leftover XML adds values not already found in its cells and properties."""
    findings = []
    seen: set[tuple[str, str]] = set()
    raw_hits: dict[str, list[int]] = {}
    for unit, spans in zip(units, spans_of(units, detector, allowed), strict=True):
        for s in spans:
            seen.add((s.entity, _normal(unit.text[s.start:s.end])))
            raw_hits.setdefault(s.entity, []).append(unit.raw_start + s.start)
            findings.append(Finding(s.entity, unit.place_of(s.start)))
    for unit, spans in zip(extra, spans_of(extra, detector, allowed), strict=True):
        for s in spans:
            if unit.raw_end is not None:  # the same place, already found in the raw text
                if any(unit.raw_start <= at < unit.raw_end for at in raw_hits.get(s.entity, ())):
                    continue
            else:
                key = (s.entity, _normal(unit.text[s.start:s.end]))
                if key in seen:
                    continue
                seen.add(key)
            findings.append(Finding(s.entity, unit.place_of(s.start)))
    return findings


def scan_file(path: Path, display: str, detector: Detector,
              allowed: frozenset[str] = HARMLESS_AUTHORS) -> list[Finding]:
    """Findings in one file; a file that cannot be read is itself a finding."""
    try:
        units, extra = _read(path, display)
    except Exception as exc:  # noqa: BLE001 - any unreadable file fails closed
        return [Finding("UNSCANNED", Place(display, part=None, name=type(exc).__name__))]
    return scan_units(units, extra, detector, allowed)


def scan_paths(paths: Iterable[str | Path], *, deny_list: Iterable[str] = (),
               key_file: str | Path | None = None, detector: Detector | None = None,
               allowed_authors: Iterable[str] = ()) -> list[Finding]:
    """Find identifiers in chronologies, case folders and exports; never report values.

    Every file under ``paths`` is read: CSV fields; XLSX cells of every sheet
    (hidden sheets, rows and columns included), cell comments and their authors,
    sheet names, document properties (author, lastModifiedBy, title, subject,
    keywords, description, …) and leftover XML text (pivot caches, charts, headers
    and footers); every text value of a SQLite file (OCEL 2.0 exports); YAML,
    JSON, XES, XML, GraphML, GEXF, HTML, Markdown and plain text.
    A file the scan cannot read (a PDF, an image, a damaged workbook) is reported
    as ``UNSCANNED``, so that nothing passes unread; a symbolic link leading out of
    the paths, or back into a folder already read (a loop), is not followed and is
    reported as ``NOT_FOLLOWED``. Zero-width and other invisible characters (which
    can hide a name from the deny list) are reported as ``INVISIBLE_CHARACTER``.

    Without a language model, **names in free text are found only through the
    deny list** (``deny_list`` and the real names of ``key_file``): the scan
    cannot prove a case anonymous, and a person must still read it.

    Parameters
    ----------
    paths : files and folders (a folder is read whole, recursively).
    deny_list : real names (or other real strings) to look for.
    key_file : the key table that :func:`~workbench.privacy.pseudonymise` uses
        (YAML or CSV of ``real -> label``); its real values join the deny list and
        its labels count as harmless authors. It must lie outside ``paths`` and
        outside any git repository.
    detector : a :func:`~workbench.privacy.build_detector` result to reuse (its
        deny list is then the one used; ``deny_list`` must be empty).
    allowed_authors : document authors that name nobody, beyond
        :data:`HARMLESS_AUTHORS` and role labels such as "PC 1".

    Returns
    -------
    Every finding, in file order; empty when nothing was found. The command line
    exits with status 1 when the list is not empty.
    """
    roots = [Path(p) for p in paths]
    names = [str(n) for n in deny_list]
    labels: list[str] = []
    if key_file is not None:
        table = read_key_table(key_file, outside=roots)
        names += table.names
        labels += [v for v in table.labels.values() if v]
    if detector is not None and names:
        raise ValueError("pass the deny list to build_detector when passing a detector")
    detector = detector or build_detector(deny_list=names)
    allowed = HARMLESS_AUTHORS | {_normal(a) for a in (*allowed_authors, *labels)}
    findings: list[Finding] = []
    for root in roots:
        if not root.exists():
            findings.append(Finding("UNSCANNED", Place(str(root), name="FileNotFoundError")))
            continue
        for path, why in sources.walk(root):
            if why is not None:  # a link out of the input, or a loop: reported, not read
                findings.append(Finding("NOT_FOLLOWED", Place(str(path), name=why)))
                continue
            findings.extend(scan_file(path, str(path), detector, allowed))
    return findings
