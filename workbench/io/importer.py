"""Import: agency chronologies in, one validated composite :class:`Case` out.

Reading (:mod:`workbench.io.chronology`) gives rows of text; this module reads each
row's dates, agency, kind, recipients, attendees and risk grading, gives it an id,
and merges the returns into one composite chronology in time order, each event
keeping its source file and line. Every problem is collected; when any is an
error, :func:`import_chronologies` raises one :class:`CaseValidationError` and
nothing is returned (so nothing can be half-written).

Examples
--------
>>> from workbench.io.importer import import_chronologies
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "police.csv").write_text(
...     "Date,Time,Agency,Event,Shared with\\n"
...     "05/02/2025,22:10,Police,Reported missing by mother - risk graded medium,\\n"
...     "06/02/2025,09:00,Police,Found at Address 2,Children's Social Care\\n")
>>> case = import_chronologies([folder / "police.csv"])
>>> case.events[["id", "kind", "risk_grade", "recipients", "source"]].values.tolist()
[['police-2', 'missing_report', 'medium', '', 'police.csv:2'], ['police-3', 'found', '', "Children's Social Care", 'police.csv:3']]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.agencies import AliasTable, agencies_from_meta, load_aliases
from workbench.case import EVENT_COLUMNS, Case, case_from_events
from workbench.errors import CaseValidationError, Problem, Reason, Severity
from workbench.io.chronology import Chronology, Limits, read_chronology
from workbench.io.dates import DateError, When, parse_when, span
from workbench.io.derived import derive_found_events
from workbench.io.facts import find_facts
from workbench.kinds import GRADES, HANDOFF_KINDS, KINDS, MEETING_KINDS, classify, read_grade, split_attendees

__all__ = ["import_chronologies", "read_events"]

CHRONOLOGY_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")

_SLUG = re.compile(r"[^a-z0-9]+")
_RECIPIENT_SPLIT = re.compile(r"\s*(?:[;,/+&\n]|\band\b)\s*", re.IGNORECASE)
_PAREN = re.compile(r"\(([^)]*)\)")
_AFTER_TO = re.compile(r"\b(?:to|with|into)\b(.*?)(?:\b(?:from|by)\b|$)", re.IGNORECASE)
_KIND_WORDS = {k.replace("_", " "): k for k in KINDS}


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-") or "x"


def _agency_names(text: str, aliases: AliasTable) -> tuple[list[str], list[str]]:
    """Normalised agencies listed in a cell, and the items that are not agencies."""
    known, unknown = [], []
    for item in _RECIPIENT_SPLIT.split(text):
        item = item.strip()
        if not item:
            continue
        name = aliases.normalise(_PAREN.sub("", item)) or next(
            (n for p in _PAREN.findall(item) if (n := aliases.normalise(p))), None)
        if name:
            known.append(name)
        else:
            unknown.append(item)
    return list(dict.fromkeys(known)), unknown


def _read_kind(value: str) -> str | None:
    key = _slug(value).replace("-", "_")
    if key in KINDS:
        return key
    return _KIND_WORDS.get(value.lower().strip())


def _resolve_agency(row_agency: str | None, chron: Chronology, aliases: AliasTable,
                    problems: list[Problem], line: int) -> tuple[str, str]:
    written = row_agency or chron.agency
    if not written:
        message = ("no agency: the agency cell is empty" if "agency" in chron.columns else
                   "no agency: the file has no agency column and none was given "
                   "(--agency NAME, or --agency FILE=NAME)")
        problems.append(Problem(reason=Reason.MISSING_VALUE, message=message,
                                **chron.where(line, "agency")))
        return "", ""
    name = aliases.normalise(written)
    if name is None:
        close = aliases.suggest(written)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        problems.append(Problem(reason=Reason.UNKNOWN_AGENCY, value=written,
                                message=f"{written!r} is not a known agency; {hint}known: "
                                f"{', '.join(aliases.names)} (add an alias with --aliases FILE)",
                                **chron.where(line, "agency" if row_agency else None)))
        return "", written
    return name, written


class _FileReader:
    """Turns one chronology's rows into event records (one pass, in file order)."""

    def __init__(self, chron: Chronology, stem: str, *, aliases: AliasTable, dayfirst: bool,
                 born: When | None, problems: list[Problem]):
        self.chron, self.stem, self.aliases = chron, stem, aliases
        self.dayfirst, self.born, self.problems = dayfirst, born, problems
        self.anchor: When | None = None
        self.zoned_lines: dict[bool, int] = {}

    def _when(self, line: int, values: Mapping[str, str]) -> When | None:
        chron = self.chron
        try:
            first = parse_when(values.get("at", ""), values.get("time"), dayfirst=self.dayfirst,
                               anchor=self.anchor, born=self.born)
            when = first
            if values.get("end_at") or values.get("end_time"):
                last = parse_when(values.get("end_at") or values.get("at", ""),
                                  values.get("end_time"), dayfirst=self.dayfirst,
                                  anchor=self.anchor, born=self.born)
                when = span(first, last)
        except DateError as exc:
            field = "at"
            if exc.reason in (Reason.UNPARSEABLE_TIME, Reason.NONEXISTENT_TIME) and "time" in values:
                field = "time"
            elif exc.reason is Reason.END_BEFORE_START:
                field = "end_at" if "end_at" in values else "end_time"
            self.problems.append(Problem(reason=exc.reason, message=exc.message,
                                         value=values.get(field, ""),
                                         **chron.where(line, field)))
            return None
        for reason, message in when.warnings:
            field = "time" if reason is Reason.AMBIGUOUS_TIME and "time" in values else "at"
            self.problems.append(Problem(reason=reason, message=message,
                                         severity=Severity.WARNING, value=values.get(field),
                                         **chron.where(line, field)))
        if when.start is not None:
            self.zoned_lines.setdefault(when.zoned, line)
            if not when.relative:
                self.anchor = when
        return when

    def record(self, line: int, values: Mapping[str, str]) -> dict[str, object]:
        chron, aliases = self.chron, self.aliases
        when = self._when(line, values)
        agency, written = _resolve_agency(values.get("agency"), chron, aliases, self.problems,
                                          line)
        summary = values.get("summary") or values.get("details", "")
        details = values.get("details", "") if values.get("summary") else ""
        if "kind" in values:
            kind = _read_kind(values["kind"])
            if kind is None:
                self.problems.append(Problem(reason=Reason.UNKNOWN_KIND, value=values["kind"],
                                             message=f"{values['kind']!r} is not an event kind "
                                             f"(kinds: {', '.join(KINDS)})",
                                             **chron.where(line, "kind")))
                kind = "contact"
            confidence, basis = 1.0, "column"
        else:
            c = classify(summary, details)
            kind, confidence, basis = c.kind, c.confidence, c.basis
        grade = None
        if values.get("risk"):
            grade = read_grade("risk " + values["risk"])
            if grade is None:
                self.problems.append(Problem(reason=Reason.UNKNOWN_GRADING, value=values["risk"],
                                             message=f"{values['risk']!r} is not a risk grading "
                                             f"(gradings: no apparent risk/{', '.join(GRADES)})",
                                             **chron.where(line, "risk")))
        else:
            grade = read_grade(summary) or read_grade(details)
        recipients: list[str] = []
        if values.get("shared_with"):
            recipients, unknown = _agency_names(values["shared_with"], aliases)
            for item in unknown:
                close = aliases.suggest(item)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                self.problems.append(Problem(reason=Reason.UNKNOWN_AGENCY, value=item,
                                             message=f"{item!r} is not a known agency{hint} "
                                             "(add an alias with --aliases FILE)",
                                             **chron.where(line, "shared_with")))
        elif kind in HANDOFF_KINDS:
            m = _AFTER_TO.search(summary)
            recipients = aliases.find_in_text(m.group(1)) if m else []
        recipients = [r for r in recipients if r != agency]
        attendees: list[str] = []
        if kind in MEETING_KINDS:
            attendees, _ = _agency_names("; ".join(split_attendees(f"{summary}\n{details}")),
                                         aliases)
        ref = values.get("ref")
        return {
            "id": f"{self.stem}-{_slug(ref) if ref else line}",
            "ref": ref,
            "sequence": values.get("sequence"),
            "agency": agency, "agency_as_written": written, "sector": aliases.sector(agency),
            "kind": kind, "kind_confidence": confidence, "kind_basis": basis,
            "when": " ".join(v for v in (values.get("at"), values.get("time")) if v)
                    + (f" to {values.get('end_at', '')} {values.get('end_time', '')}".rstrip()
                       if values.get("end_at") or values.get("end_time") else ""),
            "start": when.start if when else None, "end": when.end if when else None,
            "precision": str(when.precision) if when else "undated",
            "approximate": bool(when and when.approximate),
            "summary": summary, "details": details,
            "action": values.get("action", ""), "outcome": values.get("outcome", ""),
            "recipients": "; ".join(recipients), "attendees": "; ".join(attendees),
            "risk_grade": grade, "refers_to_written": values.get("refers_to"),
            "author": values.get("author", ""),
            "source_file": chron.name, "source_line": line, "source_sheet": chron.sheet or "",
            "source": f"{chron.name}:{line}" if chron.sheet is None
                      else f"{chron.name}!{chron.sheet}:{line}",
        }


def _stems(tables: Sequence[Chronology]) -> list[str]:
    stems: list[str] = []
    for chron in tables:
        stem = _slug(chron.path.stem) + (f"-{_slug(chron.sheet)}" if chron.agency and
                                          chron.sheet and chron.agency == chron.sheet else "")
        base, n = stem, 2
        while stem in stems:
            stem, n = f"{base}-{n}", n + 1
        stems.append(stem)
    return stems


def _link(records: list[dict[str, object]], file_index: list[int], stems: list[str],
          tables: Sequence[Chronology], problems: list[Problem]) -> None:
    """Check ids are unique and resolve each ``refers_to`` to an event id."""
    seen: dict[str, dict[str, object]] = {}
    for rec, f in zip(records, file_index, strict=True):
        first = seen.get(str(rec["id"]))
        if first is None:
            seen[str(rec["id"])] = rec
            continue
        what = f"event reference {rec['ref']!r}" if rec["ref"] else f"row id {rec['id']!r}"
        problems.append(Problem(reason=Reason.DUPLICATE_EVENT_ID, value=str(rec["ref"] or rec["id"]),
                                message=f"{what} gives the id {rec['id']!r}, already used at "
                                f"{first['source']}; give each event its own reference",
                                **tables[f].where(int(rec["source_line"]), "ref")))
    for rec, f in zip(records, file_index, strict=True):
        written = rec.pop("refers_to_written")
        rec["refers_to"] = None
        if not written:
            continue
        own = f"{stems[f]}-{_slug(str(written))}"
        target = next((c for c in (own, str(written), _slug(str(written))) if c in seen), None)
        if target is None:
            problems.append(Problem(reason=Reason.UNKNOWN_EVENT_REFERENCE, value=str(written),
                                    message=f"refers to event {written!r}, which is not in the "
                                    "chronology (use a reference from the same return, or a "
                                    f"full id such as {stems[f]}-14)",
                                    **tables[f].where(int(rec["source_line"]), "refers_to")))
        else:
            rec["refers_to"] = target


def _placement_keys(start: pd.Series, end: pd.Series, files: np.ndarray) -> np.ndarray:
    """Sort keys that keep each return's own order where the dates allow it.

    A row is placed as close to the previous row of its return as its interval
    allows: a day-precision row written after a timed row of the same day stays
    after it; an undated row takes its predecessor's place.
    """
    lo = start.astype("int64").where(start.notna()).to_numpy(dtype="float64")
    hi = end.astype("int64").where(end.notna()).to_numpy(dtype="float64") - 1
    keys = np.empty(len(lo))
    previous: dict[int, float] = {}
    for i, f in enumerate(files):
        prev = previous.get(f, -np.inf)
        keys[i] = prev if np.isnan(lo[i]) else min(max(prev, lo[i]), hi[i])
        previous[f] = keys[i]
    return keys


def _order(records: list[dict[str, object]], file_index: list[int]) -> pd.DataFrame:
    """Composite order: by time; rows stay in their return's order where dates allow."""
    frame = pd.DataFrame.from_records(records)
    frame["start"] = pd.to_datetime(frame["start"], utc=True)
    frame["end"] = pd.to_datetime(frame["end"], utc=True)
    frame["_file"] = file_index
    frame["_key"] = _placement_keys(frame["start"], frame["end"], np.asarray(file_index))
    frame["_seqcol"] = pd.to_numeric(frame["sequence"], errors="coerce").fillna(0)
    frame = frame.sort_values(["_key", "_seqcol", "_file", "source_line"], kind="stable")
    frame["seq"] = np.arange(1, len(frame) + 1)
    return frame.drop(columns=["_file", "_key", "_seqcol", "ref", "sequence"]).reset_index(
        drop=True)


def read_events(paths: Iterable[str | Path], *, mapping: Mapping[str, str] | None = None,
                agency: str | Mapping[str, str] | None = None, encoding: str = "utf-8",
                sheet: str | None = None, dayfirst: bool = True,
                aliases: AliasTable | None = None, born: str | None = None,
                limits: Limits = Limits()) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read chronologies into one event table; never raises on bad input.

    ``agency`` is the agency of files with no agency column: one name for all, or a
    mapping from file name to agency. Returns the table (None when nothing could be
    read) and every problem met, errors and warnings.
    """
    aliases = aliases or load_aliases()
    problems: list[Problem] = []
    born_when = None
    if born:
        try:
            born_when = parse_when(str(born))
        except DateError as exc:
            problems.append(Problem(file="child.born", reason=exc.reason, message=exc.message,
                                    value=str(born)))
    tables: list[Chronology] = []
    for path in paths:
        path = Path(path)
        own = agency.get(path.name) if isinstance(agency, Mapping) else agency
        found, met = read_chronology(path, mapping=mapping, encoding=encoding, sheet=sheet,
                                     agency=own, limits=limits,
                                     known_agency=lambda n: aliases.normalise(n) is not None)
        tables.extend(found)
        problems.extend(met)
    records: list[dict[str, object]] = []
    file_index: list[int] = []
    stems = _stems(tables)
    for i, (chron, stem) in enumerate(zip(tables, stems, strict=True)):
        reader = _FileReader(chron, stem, aliases=aliases, dayfirst=dayfirst, born=born_when,
                             problems=problems)
        for row in chron.rows:
            records.append(reader.record(row.line, row.values))
            file_index.append(i)
        if len(reader.zoned_lines) == 2:
            problems.append(Problem(reason=Reason.MIXED_TIMEZONES, severity=Severity.WARNING,
                                    message="some times carry a UTC offset (first at line "
                                    f"{reader.zoned_lines[True]}) and some do not (first at "
                                    f"line {reader.zoned_lines[False]}); times without one are "
                                    "read as Europe/London local time",
                                    **chron.where(reader.zoned_lines[True], "at")))
    if not records:
        if tables and not any(p.severity is Severity.ERROR for p in problems):
            problems.append(Problem(file=tables[0].name, reason=Reason.EMPTY_FILE,
                                    message="the chronology has a header but no events"))
        return None, problems
    _link(records, file_index, stems, tables, problems)
    return _order(records, file_index)[list(EVENT_COLUMNS)], problems


@dataclass(frozen=True)
class Inputs:
    """What an import reads: the chronology files, metadata and per-file agencies."""

    files: tuple[Path, ...]
    meta: Mapping[str, object]
    agency: str | Mapping[str, str] | None
    born: str | None
    problems: tuple[Problem, ...] = ()


def collect_inputs(paths: Iterable[str | Path], *, agency: str | Mapping[str, str] | None = None,
                   meta: Mapping[str, object] | None = None) -> Inputs:
    """Expand folders into their chronology files; a folder's ``meta.yaml`` gives the
    case metadata and ``agencies_by_file``. Never raises: a bad ``meta.yaml`` becomes
    problems and the folder's files are still read."""
    from workbench.io.casefile import read_yaml

    files: list[Path] = []
    merged: dict[str, object] = {}
    problems: list[Problem] = []
    for path in map(Path, paths):
        if not path.is_dir():
            files.append(path)
            continue
        files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in CHRONOLOGY_SUFFIXES))
        if (path / "meta.yaml").is_file():
            merged.update(read_yaml(path / "meta.yaml", problems,
                                    name=f"{path.absolute().name}/meta.yaml"))
    merged.update(meta or {})
    by_file = dict(merged.pop("agencies_by_file", None) or {})
    if isinstance(agency, Mapping):
        by_file.update(agency)
    elif agency is not None:
        by_file = {**{f.name: agency for f in files}, **by_file}
    child = merged.get("child") if isinstance(merged.get("child"), Mapping) else {}
    born = str(child["born"]) if child and child.get("born") else None
    return Inputs(tuple(files), merged, by_file or None, born, tuple(problems))


def import_chronologies(paths: Iterable[str | Path], *, mapping: Mapping[str, str] | None = None,
                        agency: str | Mapping[str, str] | None = None, encoding: str = "utf-8",
                        sheet: str | None = None, dayfirst: bool = True,
                        aliases: AliasTable | None = None, meta: Mapping[str, object] | None = None,
                        limits: Limits = Limits()) -> Case:
    """Import chronology files (or folders of them) into one validated composite case.

    A folder is read whole; its ``meta.yaml`` supplies the case metadata (id, title,
    child, protocol, anonymisation) and ``agencies_by_file`` (file name → agency for
    returns with no agency column). Raises :class:`CaseValidationError` listing every
    problem when any is an error; warnings are kept on ``case.problems``.
    """
    inputs = collect_inputs(paths, agency=agency, meta=meta)
    aliases = (aliases or load_aliases()).with_agencies(agencies_from_meta(inputs.meta))
    events, problems = read_events(inputs.files, mapping=mapping, agency=inputs.agency,
                                   encoding=encoding, sheet=sheet, dayfirst=dayfirst,
                                   aliases=aliases, born=inputs.born, limits=limits)
    problems = [*inputs.problems, *problems]
    if events is None or any(p.severity is Severity.ERROR for p in problems):
        raise CaseValidationError(sorted(problems, key=lambda p: p.severity != Severity.ERROR))
    files = inputs.files
    case_id = str(inputs.meta.get("id") or _slug(files[0].parent.name if len(files) > 1
                                                 else files[0].stem))
    # the facts inside the rows; a found written in a report becomes its own event
    events, facts, derived = derive_found_events(events, find_facts(events))
    return case_from_events(events, id=case_id, meta=inputs.meta,
                            sources=tuple(dict.fromkeys(events["source_file"])),
                            aliases=aliases, problems=(*problems, *derived), facts=facts)

