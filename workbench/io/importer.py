"""Import: agency chronologies in, one validated composite :class:`Case` out.

Why one module: the import is one pass (read each return, give ids, merge, summarise)
that reads top to bottom here; rows, merging and the summary already live apart.

Reading (:mod:`workbench.io.chronology`) gives rows of text; :mod:`workbench.io.rows`
reads each row's dates, agency, kind, recipients, attendees and risk grading; this
module gives every row an id, merges the returns into one composite chronology in
time order (each event keeping its source file and line) and says what it read in
an :class:`~workbench.io.summary.ImportSummary`.

Import is tolerant: every row of a table is kept. What had to be assumed is a
warning (a reason code, the place, what was assumed); errors are kept for what
cannot be read (not a table, an unreadable file, no date or event column). With
``strict=True`` every warning is an error too. :func:`import_report` never raises;
:func:`import_chronologies` raises one :class:`CaseValidationError` listing every
problem when any is an error, and nothing is returned (nothing is half-written).

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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.agencies import Agency, AliasTable, agencies_from_meta, alias_lines, load_aliases
from workbench.case import EVENT_COLUMNS, Case, case_from_events
from workbench.errors import CaseValidationError, Problem, Reason, Severity
from workbench.io.chronology import Chronology, Limits, Row, read_chronology
from workbench.io.dated_interviews import derive_dated_interviews, derive_told_interviews
from workbench.io.dates import DateError, When, parse_when
from workbench.io.derived import (
    derive_dated_shares,
    derive_informant_shares,
)
from workbench.io.facts import find_facts
from workbench.io.file_agency import (
    agency_of_authors,
    agency_of_columns,
    agency_of_file_name,
    agency_of_title,
    author_or_team,
)
from workbench.io.listed_episodes import derive_listed_founds, split_listed_reports
from workbench.io.merge import StreamLinks, close_open, link, order, stems_of, use_own_names
from workbench.io.rows import AgencyRegistry, FileAgency, Record, RowReader, slug
from workbench.io.summary import FileSummary, ImportSummary, NewAgency, count_reasons
from workbench.io.told_episodes import derive_reported_episodes

__all__ = ["ImportReport", "import_chronologies", "import_report", "read_events"]

CHRONOLOGY_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
W, E = Severity.WARNING, Severity.ERROR


def _file_agency(chron: Chronology, aliases: AliasTable, problems: list[Problem],
                 tables: Sequence[Chronology] = ()) -> FileAgency:
    """The agency of the return's rows that name none, and its source (a sheet that
    names none is its workbook's: the agency another sheet's title names)."""
    if chron.agency:
        return FileAgency(aliases.resolve(chron.agency), "option")
    candidates = []
    if chron.sheet:
        r = aliases.resolve(chron.sheet)
        if not r.meeting and (r.known or aliases.infer_sector(chron.sheet)[1]):
            candidates.append((r, "sheet name", f"sheet {chron.sheet!r}"))
    titled = [(t, found) for t in (chron, *(t for t in tables if t.path == chron.path
                                             and t is not chron))
              if (found := agency_of_title(t.title_block, aliases)) is not None]
    if titled:
        t, (name, number) = titled[0]
        where = "" if t is chron else f" of sheet {t.sheet!r}"
        # a title that names the agency beats a sheet name that only hints at a sector
        # ("Southby Academy" above a sheet called "DSL log")
        # (or a sheet called "Carer diary", the family's word, above "... Kestrel Lane
        # Fostering")
        at = 0 if candidates and (not candidates[0][0].known
                                  or candidates[0][0].sector == "family") else len(candidates)
        candidates.insert(at, (aliases.resolve(name), "title block",
                               f"title block{where}: {t.title_block[number - 1]!r}"))
    name = agency_of_file_name(chron.path.stem, aliases)
    named = aliases.resolve(name)
    headers = [*chron.columns.values(), *(label for row in chron.rows[:20] for label, _ in row.extra)]
    if not named.known and not aliases.infer_sector(name)[1] and (
            usual := agency_of_columns(list(dict.fromkeys(headers)), aliases)):
        # "AC_occurrences_ChildD_export.csv" with columns "Occurrence Type", "OIC"
        candidates.append((aliases.resolve(usual), "column names",
                           f"column names of {chron.path.name!r}"))
    elif not named.known and not aliases.infer_sector(name)[1] and (
            usual := agency_of_authors([author_or_team(row.values.get("author", ""), row.extra,
                                                       aliases) for row in chron.rows],
                                       aliases)):
        # "LCS_casenotes_export_ChildM.csv" written by "SW1", "Front Door", "TM1"
        candidates.append((aliases.resolve(usual), "authors",
                           f"posts of those who wrote {chron.path.name!r}"))
    candidates.append((named, "file name", f"file name {chron.path.name!r}"))
    r, source, shown = candidates[0]
    if "agency" not in chron.columns and not (source == "sheet name" and r.known):
        problems.append(Problem(reason=Reason.AGENCY_ASSUMED, severity=W, value=r.written,
                                message=f"no agency column and none given: every row is read "
                                f"as {r.name!r} (from the {shown}); give --agency "
                                f"{chron.name}=NAME to choose another",
                                **chron.where(chron.header_line)))
    return FileAgency(r, source)


def _citations(chron: Chronology, mapping: Mapping[str, str], problems: list[Problem], *,
               rows: Iterable[Row] | None = None) -> bool:
    """Whether the return's reference column cites sources (its values repeat); ``rows``
    when they are not ``chron.rows`` (a stream)."""
    if "ref" not in chron.columns or "source_ref" in chron.columns or "ref" in mapping:
        return False
    seen: dict[str, int] = {}
    for row in chron.rows if rows is None else rows:
        ref = row.values.get("ref")
        if not ref:
            continue
        if slug(ref) in seen:
            problems.append(Problem(reason=Reason.REF_IS_CITATION, severity=W, value=ref,
                                    message=f"the reference {ref!r} is written on line "
                                    f"{seen[slug(ref)]} and again here: column "
                                    f"{chron.columns['ref']!r} is read as a citation of "
                                    "sources (source_ref), and event ids are made from file "
                                    "and line (--map ref=COLUMN reads it as ids)",
                                    **chron.where(row.line, "ref")))
            return True
        seen[slug(ref)] = row.line
    return False


def _mappings(mapping: Mapping[str, object] | None, paths: Sequence[Path],
              problems: list[Problem]) -> dict[str, dict[str, str]]:
    """Each file's mapping: the common ``field: column`` pairs, then its own
    (``{"police.csv": {"at": "Date seen"}}`` or ``{"police.csv:at": "Date seen"}``)."""
    common: dict[str, str] = {}
    own: dict[str, dict[str, str]] = {}
    for key, value in (mapping or {}).items():
        if isinstance(value, Mapping):
            own.setdefault(key, {}).update({str(k): str(v) for k, v in value.items()})
        elif ":" in key:
            file, fld = key.rsplit(":", 1)
            own.setdefault(Path(file).name, {})[fld] = str(value)
        else:
            common[key] = str(value)
    names = {p.name for p in paths}
    for file in own:
        if file not in names:
            problems.append(Problem(file=file, reason=Reason.FILE_NOT_FOUND, value=file,
                                    message=f"--map {file}:…: no such file among the returns "
                                    f"({', '.join(sorted(names))})"))
    return {p.name: {**common, **own.get(p.name, {})} for p in paths}


def _in_file_order(problems: list[Problem], paths: Sequence[Path]) -> list[Problem]:
    """Problems by file (in the order given), then sheet, then line; file-wide first."""
    rank = {p.name: i for i, p in enumerate(paths)}
    return sorted(problems, key=lambda p: (rank.get(p.file, -1), p.sheet or "", p.line or 0))


def _born(born: str | None, problems: list[Problem]) -> When | None:
    """The child's date of birth as read (None, with a problem, when it cannot be)."""
    if not born:
        return None
    try:
        return parse_when(str(born))
    except DateError as exc:
        problems.append(Problem(file="child.born", reason=exc.reason, message=exc.message,
                                value=str(born)))
        return None


def _mixed_zones(reader: RowReader, chron: Chronology, problems: list[Problem]) -> None:
    if len(reader.zoned_lines) == 2:
        problems.append(Problem(reason=Reason.MIXED_TIMEZONES, severity=W,
                                message="some times carry a UTC offset (first at line "
                                f"{reader.zoned_lines[True]}) and some do not (first at "
                                f"line {reader.zoned_lines[False]}); times without one are "
                                "read as Europe/London local time",
                                **chron.where(reader.zoned_lines[True], "at")))


def _empty(tables: Sequence[Chronology], rows: Sequence[int], problems: list[Problem]) -> int:
    """Say which returns have a header but no rows (an error when none has any); the
    number of rows in all."""
    total = sum(rows)
    for chron, n in zip(tables, rows, strict=True):
        if not n and total:
            problems.append(Problem(file=chron.name, sheet=chron.sheet, severity=W,
                                    reason=Reason.EMPTY_FILE, message="the return has a header "
                                    "but no events"))
    if not total and tables and not any(p.severity is E for p in problems):
        problems.append(Problem(file=tables[0].name, reason=Reason.EMPTY_FILE,
                                message="the chronology has a header but no events"))
    return total


@dataclass(frozen=True)
class _Reading:
    events: pd.DataFrame | None
    problems: list[Problem]
    tables: tuple[Chronology, ...]
    file_agencies: tuple[FileAgency, ...]
    registry: AgencyRegistry
    records: tuple[Record, ...]


def _read(paths: Iterable[str | Path], *, mapping: Mapping[str, object] | None,
          agency: str | Mapping[str, str] | None, encoding: str | None, sheet: str | None,
          dayfirst: bool, aliases: AliasTable, born: str | None, limits: Limits) -> _Reading:
    problems: list[Problem] = []
    born_when = _born(born, problems)
    files = [Path(p) for p in paths]
    maps = _mappings(mapping, files, problems)
    tables: list[Chronology] = []
    for path in files:
        own = agency.get(path.name) if isinstance(agency, Mapping) else agency
        found, met = read_chronology(path, mapping=maps[path.name], encoding=encoding,
                                     sheet=sheet, agency=own, limits=limits,
                                     known_agency=lambda n: aliases.normalise(n) is not None)
        tables.extend(found)
        problems.extend(met)
    registry = AgencyRegistry(aliases)
    records: list[Record] = []
    file_index: list[int] = []
    stems = stems_of(tables)
    agencies = []
    anchor: When | None = None
    for i, (chron, stem) in enumerate(zip(tables, stems, strict=True)):
        fa = _file_agency(chron, aliases, problems, tables)
        agencies.append(fa)
        reader = RowReader(chron, stem, aliases=aliases, dayfirst=dayfirst, born=born_when,
                           problems=problems, registry=registry, file_agency=fa,
                           citations=_citations(chron, maps[chron.path.name], problems))
        if "at" not in chron.columns and i and tables[i - 1].path == chron.path:
            reader.anchor = anchor  # notes with no dates take the year of the sheet before
        for row in chron.rows:
            records.append(reader.record(row))
            file_index.append(i)
        anchor = reader.anchor
        _mixed_zones(reader, chron, problems)
    problems.extend(registry.problems())
    _empty(tables, [len(chron.rows) for chron in tables], problems)
    if not records:
        return _Reading(None, _in_file_order(problems, files), tuple(tables), tuple(agencies),
                        registry, ())
    use_own_names(records, aliases)
    link(records, file_index, stems, tables, problems)
    close_open(records, file_index, tables, problems)
    problems = _in_file_order(problems, files)
    frame = order(records, file_index)
    return _Reading(frame[list(EVENT_COLUMNS)], problems, tuple(tables), tuple(agencies),
                    registry, tuple(records))


def check_events(paths: Iterable[str | Path], *, mapping: Mapping[str, object] | None,
                 agency: str | Mapping[str, str] | None, encoding: str | None,
                 sheet: str | None, dayfirst: bool, aliases: AliasTable, born: str | None,
                 limits: Limits) -> tuple[list[Problem], list[tuple[Chronology, int, int]]]:
    """The problems :func:`read_events` finds, with each CSV read as a stream and each
    event forgotten once checked (memory stays flat however long the file; see
    :class:`~workbench.io.merge.StreamLinks`); and per table read, its data lines and
    rows. Returns the problems in file order and ``(table, lines, rows)``."""
    problems: list[Problem] = []
    born_when = _born(born, problems)
    files = [Path(p) for p in paths]
    maps = _mappings(mapping, files, problems)

    later: dict[int, tuple[list[Problem], int]] = {}  # a stream's problems, met as it is read

    def read(path: Path, into: list[Problem]) -> list[Chronology]:
        own = agency.get(path.name) if isinstance(agency, Mapping) else agency
        found, met = read_chronology(path, mapping=maps[path.name], encoding=encoding,
                                     sheet=sheet, agency=own, limits=limits, stream=True,
                                     known_agency=lambda n: aliases.normalise(n) is not None)
        into.extend(met)
        later.update((id(chron.stream), (met, len(met))) for chron in found)
        return found

    tables = [chron for path in files for chron in read(path, problems)]
    registry = AgencyRegistry(aliases)
    stems = stems_of(tables)
    links = StreamLinks(stems, tables, problems)
    counts: list[tuple[Chronology, int, int]] = []
    for i, (chron, stem) in enumerate(zip(tables, stems, strict=True)):
        fa = _file_agency(chron, aliases, problems, tables)
        own_map = maps[chron.path.name]
        cites = False
        if chron.stream is not None and "ref" in chron.columns:  # a first pass for citations
            again = [t for t in read(chron.path, []) if t.sheet == chron.sheet]
            cites = bool(again) and _citations(again[0], own_map, problems,
                                               rows=again[0].stream)
            for t in again:
                t.stream.close()  # type: ignore[union-attr]
        elif chron.stream is None:
            cites = _citations(chron, own_map, problems)
        reader = RowReader(chron, stem, aliases=aliases, dayfirst=dayfirst, born=born_when,
                           problems=problems, registry=registry, file_agency=fa,
                           citations=cites)
        rows = chron.stream if chron.stream is not None else chron.rows
        n = 0
        for row in rows:
            links.add(reader.record(row), i)
            n += 1
        lines = getattr(rows, "lines", chron.lines)
        counts.append((chron, lines, n))
        met, k = later.get(id(chron.stream), ([], 0))
        problems.extend(met[k:])
        _mixed_zones(reader, chron, problems)
    problems.extend(registry.problems())
    if not _empty(tables, [n for _, _, n in counts], problems):
        return _in_file_order(problems, files), counts
    links.finish()
    return _in_file_order(problems, files), counts


def read_events(paths: Iterable[str | Path], *, mapping: Mapping[str, object] | None = None,
                agency: str | Mapping[str, str] | None = None, encoding: str | None = None,
                sheet: str | None = None, dayfirst: bool = True,
                aliases: AliasTable | None = None, born: str | None = None,
                limits: Limits = Limits()) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read chronologies into one event table; never raises on bad input.

    ``agency`` is the agency of files with no agency column: one name for all, or a
    mapping from file name to agency. ``mapping`` maps fields to columns for every
    file (``{"at": "Date seen"}``) or for one (``{"police.csv": {"at": "Date seen"}}``).
    Returns the table (None when nothing could be read) and every problem met,
    errors and warnings.
    """
    reading = _read(paths, mapping=mapping, agency=agency, encoding=encoding, sheet=sheet,
                    dayfirst=dayfirst, aliases=aliases or load_aliases(), born=born,
                    limits=limits)
    return reading.events, reading.problems


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
    merged: dict[str, Any] = {}  # the metadata as written (YAML)
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


@dataclass(frozen=True)
class ImportReport:
    """The outcome of an import: the case (None when there were errors), every problem,
    and the summary of what was read and assumed."""

    case: Case | None
    problems: tuple[Problem, ...]
    summary: ImportSummary


def _summary(reading: _Reading, problems: Sequence[Problem], ok: bool) -> ImportSummary:
    records = reading.records
    files = []
    for chron, fa in zip(reading.tables, reading.file_agencies, strict=True):
        column = "agency" in chron.columns
        files.append(FileSummary(chron.name, chron.sheet, len(chron.rows),
                                 len(chron.rows) if ok else 0,
                                 None if column else fa.resolved.name,
                                 "column" if column else fa.source, dict(chron.columns),
                                 chron.title_block, chron.header_line, chron.lines))
    new = []
    registry = reading.registry
    for entry in registry.new.values():
        into = registry.aliases.closest(entry.name, entry.sector)
        written = tuple(entry.written)
        lines = (alias_lines(written, into) if into else
                 alias_lines(written, entry.name, entry.sector))
        new.append(NewAgency(entry.name, entry.sector, entry.basis, entry.rows, written,
                             tuple(dict.fromkeys(f for f, _ in entry.first)), into, lines))
    return ImportSummary(
        files=tuple(files), events=len(records) if ok else 0,
        warnings=count_reasons(problems, W), errors=count_reasons(problems, E),
        new_agencies=tuple(new), meetings=sum(bool(r["_meeting"]) for r in records),
        undated=sum(r["start"] is None or pd.isna(r["start"]) for r in records),
        made_undated=tuple(str(r["source"]) for r in records if r["_undated"]),
        open_ended=sum(bool(r["_open"]) for r in records))


def import_report(paths: Iterable[str | Path], *, mapping: Mapping[str, object] | None = None,
                  agency: str | Mapping[str, str] | None = None, encoding: str | None = None,
                  sheet: str | None = None, dayfirst: bool = True,
                  aliases: AliasTable | None = None, meta: Mapping[str, object] | None = None,
                  limits: Limits = Limits(), strict: bool = False) -> ImportReport:
    """Import chronologies and say what was read; never raises on bad input.

    Takes the options of :func:`import_chronologies`. ``strict`` turns every warning
    into an error. The report's ``case`` is None when any problem is an error.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "anyshire-constabulary.csv").write_text(
    ...     "Date,Event\\nJune 2024 (day not known),Reported missing by mother\\n")
    >>> report = import_report([folder / "anyshire-constabulary.csv"])
    >>> report.summary.files[0].agency, report.summary.files[0].agency_source
    ('Anyshire Constabulary', 'file name')
    >>> [(a.name, a.sector, a.rows) for a in report.summary.new_agencies]
    [('Anyshire Constabulary', 'police', 1)]
    >>> report.case.events["date_note"].tolist()
    ['day not known']
    """
    inputs = collect_inputs(paths, agency=agency, meta=meta)
    table = (aliases or load_aliases()).with_agencies(agencies_from_meta(inputs.meta))
    reading = _read(inputs.files, mapping=mapping, agency=inputs.agency, encoding=encoding,
                    sheet=sheet, dayfirst=dayfirst, aliases=table, born=inputs.born,
                    limits=limits)
    problems = [*inputs.problems, *reading.problems]
    if strict:
        problems = [replace(p, severity=E) if p.severity is W else p for p in problems]
    problems.sort(key=lambda p: p.severity is not E)
    ok = reading.events is not None and not any(p.severity is E for p in problems)
    summary = _summary(reading, problems, ok)
    if not ok:
        return ImportReport(None, tuple(problems), summary)
    files = inputs.files
    case_id = str(inputs.meta.get("id") or slug(files[0].parent.name if len(files) > 1
                                                else files[0].stem))
    found = [Agency(e.name, e.sector) for e in reading.registry.new.values()]
    # the facts inside the rows; a found written in a report becomes its own event
    told = _told_by(reading.records, table)
    interviews = {str(r["id"]): r["_interview"] for r in reading.records if r.get("_interview")}
    events, listed = split_listed_reports(reading.events)
    events = derive_reported_episodes(derive_dated_shares(derive_dated_interviews(
        derive_told_interviews(derive_informant_shares(events, told), interviews))))
    events, facts, derived = derive_listed_founds(events, find_facts(events))
    problems = [*problems, *listed, *derived]
    case = case_from_events(events, id=case_id, meta=inputs.meta,
                            sources=tuple(dict.fromkeys(events["source_file"])),
                            aliases=table.with_agencies(found), problems=tuple(problems),
                            facts=facts)
    return ImportReport(case, tuple(problems), summary)


def _told_by(records: Sequence[Record], aliases: AliasTable) -> dict[str, tuple[str, str]]:
    """Event id to the agency (and sector) its log's source column says told it; a name
    the case does not record under ("Anyshire Constabulary" in the social care log) is
    the case's one recording agency of its sector ("Police", from the police export)."""
    recording: dict[str, set[str]] = {}
    for r in records:
        recording.setdefault(str(r["sector"]), set()).add(str(r["agency"]))
    out = {}
    for r in records:
        if not (told := r.get("_told_by")):
            continue
        name, sector = told
        same = recording.get(sector, set())
        if name not in same and not aliases.resolve(name).known and len(same) == 1:
            name = next(iter(same))
        if name != r["agency"]:  # a post of the agency itself ("Pastoral lead") told nobody
            out[str(r["id"])] = (name, sector)
    return out


def import_chronologies(paths: Iterable[str | Path], *, mapping: Mapping[str, object] | None = None,
                        agency: str | Mapping[str, str] | None = None, encoding: str | None = None,
                        sheet: str | None = None, dayfirst: bool = True,
                        aliases: AliasTable | None = None, meta: Mapping[str, object] | None = None,
                        limits: Limits = Limits(), strict: bool = False) -> Case:
    """Import chronology files (or folders of them) into one validated composite case.

    A folder is read whole; its ``meta.yaml`` supplies the case metadata (id, title,
    child, protocol, anonymisation) and ``agencies_by_file`` (file name → agency for
    returns with no agency column). ``mapping`` maps fields to columns, for every
    file or per file (see :func:`read_events`). Raises :class:`CaseValidationError`
    listing every problem when any is an error (with ``strict``, any warning);
    warnings are kept on ``case.problems``.
    """
    report = import_report(paths, mapping=mapping, agency=agency, encoding=encoding, sheet=sheet,
                           dayfirst=dayfirst, aliases=aliases, meta=meta, limits=limits,
                           strict=strict)
    if report.case is None:
        raise CaseValidationError(report.problems)
    return report.case
