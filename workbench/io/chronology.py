"""Reading agency chronologies (CSV or XLSX) into rows of named fields.

This is the I/O boundary of import: it finds the header (below any title block),
recognises column names from the vocabulary real returns use (or an explicit
mapping), and returns every row's text with the place it came from. Nothing is
interpreted here (dates, kinds and agencies are read in
:mod:`workbench.io.importer`); every problem met is collected, never raised.

Reading is tolerant: every row of a table is kept. What is only unusual is a
warning saying what was assumed (a title block, a merged or hidden cell, a row
with too many fields, a file that is not UTF-8); errors are kept for what cannot be
read (not a table, an unreadable file, no date or event column at all).

Layouts recognised out of the box include the common return
(``Date, Time, Agency, Event, Details, Action taken, Outcome, Shared with``), the
Tayside chronology of significant events (``Date or period of event, Significant
event, Source, Impact (positive or negative), Action taken``) and the Chronolator
layout (``Event ref, Start date, Start time, End date, End time, Source of
information``).

Examples
--------
>>> field_for("Date or period of event"), field_for("Source of information")
('at', 'agency')
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import itertools
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from workbench.errors import Problem, Reason, Severity
from workbench.io.columns import FIELDS, field_for, find_header, map_columns
from workbench.io.csvtext import (
    Record,
    choose_delimiter,
    lenient_line,
    malformed,
    open_text,
    records,
)
from workbench.io.reshape import reshaped_csv, reshaped_sheet
from workbench.io.sheets import has_text, is_chronology, is_form, longest_column
from workbench.io.table import (
    Chronology,
    Limits,
    Row,
    RowMaker,
    read_table,
    table_layout,
)
from workbench.io.xlsx import check_limits, read_workbook

__all__ = ["FIELDS", "Chronology", "Limits", "Row", "field_for", "read_chronology"]

W = Severity.WARNING
_LIMITS = Limits()  # the defaults


def _suspect(record: Record, date_at: int | None, width: int, delimiter: str) -> int:
    """How many lines inside ``record``'s quoted text are shaped like records of their own
    (the header's width or more, a date where the date column is)."""
    from workbench.io.dates import DateError, parse_when

    if date_at is None or width < 3:
        return 0
    count = 0
    for raw in record.raw[1:]:
        cells, _ = lenient_line(raw.rstrip("\r\n"), delimiter)
        if len(cells) >= width and date_at < len(cells):
            with contextlib.suppress(DateError):
                count += parse_when(cells[date_at].strip()).dated
    return count


_HEAD = 400  # records read before the rows: the header, the title block, column guesses


class CsvRows:
    """The rows of a CSV table, read from the file as they are asked for (once); then
    ``lines`` holds the data lines read (a record may span several). ``first`` are the
    records already read (and split), ``rest`` the records still to read."""

    def __init__(self, first: list[Record], rest: Iterator[Record], maker: RowMaker,
                 split: Callable[[Record], list[Record]], problems: list[Problem],
                 done: Callable[[], None]):
        self._first, self._rest, self._maker, self._split = first, rest, maker, split
        self._problems, self._done = problems, done
        self.lines = 0

    def __iter__(self) -> Iterator[Row]:
        header = self._maker.chron.header_line
        try:
            split = (r for record in self._rest for r in self._split(record))
            for r in itertools.chain(self._first, split):
                if r.line > header and any(c.strip() for c in r.cells):
                    self.lines += r.last - r.line + 1
                    yield self._maker.row(r.line, r.cells, self._problems)
        finally:
            self.close()

    def close(self) -> None:
        """Close the file (when the rows are not all read)."""
        self._first = []
        self._done()


def _csv_table(path: Path, name: str, *, mapping: Mapping[str, str], encoding: str | None,
               limits: Limits, agency: str | None,
               problems: list[Problem]) -> tuple[Chronology, CsvRows] | None:
    """The table's layout from its first records, and its rows as a stream."""
    stream = open_text(path, name, encoding, problems)
    if stream is None:
        return None

    def mapped(found: list[tuple[int, list[str]]]) -> int:
        start = find_header(found, mapping)
        return 0 if start is None else len(map_columns(found[start][1], mapping).index)

    old = csv.field_size_limit()

    def done() -> None:
        if not stream.closed:
            stream.close()
            csv.field_size_limit(old)

    # no csv limit below the file's own: an over-long field is FIELD_TOO_LARGE, not unreadable
    csv.field_size_limit(max(limits.max_bytes, 131072))
    try:
        head = list(itertools.islice(stream, 100))
        delimiter = choose_delimiter(head, mapped)
        rest = records(itertools.chain(head, stream), delimiter, name, problems)
        first = list(itertools.islice(rest, _HEAD))
        first, rest, widened = reshaped_csv(first, rest, mapping, {"file": name}, problems)
    except UnicodeDecodeError as exc:
        done()
        problems.append(Problem(file=name, reason=Reason.NOT_UTF8, message=f"the text cannot "
                                f"be decoded as {stream.encoding}: {exc.reason}"))
        return None
    start = find_header([(r.line, r.cells) for r in first[:200]], mapping)
    header = first[start] if start is not None else None
    at = map_columns(header.cells, mapping).index.get("at") if header else None

    def split(record: Record) -> list[Record]:
        """A record whose quoted text holds whole records, read line by line (warned)."""
        if not (header and record.raw and record.line > header.line and
                (n := _suspect(record, at, len(header.cells), delimiter))):
            return [record]
        cells, column = lenient_line(record.raw[0].rstrip("\r\n"), delimiter)
        problems.append(malformed(
            name, record.line, column, f"a quote opens a field"
            f"{'' if column is None else f' at column {column}'} and closes only at "
            f"line {record.last}: the quoted text of lines {record.line} to "
            f"{record.last} holds {n} line(s) shaped like records of their own, so "
            "each line is read on its own, its quote marks kept as text; check the "
            "record"))
        return [Record(record.line, cells, record.line),
                *(Record(record.line + k, lenient_line(raw.rstrip("\r\n"), delimiter)[0],
                         record.line + k) for k, raw in enumerate(record.raw[1:], 1))]

    shown = [r for record in first for r in split(record)]
    found = table_layout(path, name, None, [(r.line, r.cells) for r in shown], mapping,
                         limits, problems, agency)
    if found is None:
        done()
        return None
    chron, maker = found
    maker.chron = chron = dataclasses.replace(chron, long_form=widened)
    return chron, CsvRows(shown, rest, maker, split, problems, done)


def _read_csv(path: Path, name: str, *, mapping: Mapping[str, str], encoding: str | None,
              limits: Limits, agency: str | None, problems: list[Problem],
              stream: bool = False) -> list[Chronology]:
    found = _csv_table(path, name, mapping=mapping, encoding=encoding, limits=limits,
                       agency=agency, problems=problems)
    if found is None:
        return []
    chron, rows = found
    if stream:
        return [dataclasses.replace(chron, stream=rows)]
    try:
        kept = tuple(rows)
    except UnicodeDecodeError as exc:
        problems.append(Problem(file=name, reason=Reason.NOT_UTF8, message=f"the text cannot "
                                f"be decoded: {exc.reason}"))
        return []
    return [dataclasses.replace(chron, rows=kept, lines=rows.lines)]


def _read_xlsx(path: Path, name: str, *, mapping: Mapping[str, str], sheet: str | None,
               limits: Limits, agency: str | None, known_agency: object,
               problems: list[Problem]) -> list[Chronology]:
    from openpyxl.utils import get_column_letter

    if not check_limits(path, name, problems, max_uncompressed=limits.max_uncompressed_bytes,
                        max_cells=limits.max_cells,
                        max_shared_strings=limits.max_shared_strings_bytes):
        return []
    sheets = read_workbook(path, name, problems, max_cells=limits.max_cells)
    if sheets is None:
        return []
    if sheet is not None:
        chosen = [s for s in sheets if s.title == sheet]
        if not chosen:
            problems.append(Problem(file=name, reason=Reason.UNKNOWN_SHEET, value=sheet,
                                    message=f"no sheet {sheet!r} (sheets: "
                                    f"{', '.join(s.title for s in sheets)})"))
            return []
    else:
        with_data = [s for s in sheets if s.holds_text]
        tables = [s for s in with_data if is_chronology(s, mapping)]
        for s in with_data:
            if s in tables and s.hidden:
                problems.append(Problem(file=name, sheet=s.title, reason=Reason.HIDDEN_CONTENT,
                                        severity=W, message=f"hidden sheet {s.title!r} holds a "
                                        "chronology: it is read like the others"))
            elif s not in tables and tables and not s.hidden and (has_text(s, mapping)
                                                                   or is_form(s)):
                tables.append(s)  # notes with no date beside the diary: kept, see below
            elif s not in tables and (s.hidden or tables):
                what = "hidden sheet" if s.hidden else "sheet"
                problems.append(Problem(file=name, sheet=s.title, reason=Reason.HIDDEN_CONTENT
                                        if s.hidden else Reason.SEVERAL_SHEETS, severity=W,
                                        message=f"{what} {s.title!r} holds text but no "
                                        "chronology (no date and event columns): it is not read"))
        chosen = tables or [s for s in with_data if not s.hidden][:1]
    out = []
    several = len(chosen) > 1
    refused: list[tuple[str, list[tuple[int, list[str]]], list[str], list[Problem]]] = []
    for s in chosen:
        width = max((len(c) for _, c in s.records), default=0)
        letters = [get_column_letter(i + 1) for i in range(width)]
        records = [(n, list(c) + [""] * (width - len(c))) for n, c in s.records]
        found: list[Problem] = []
        records, read_letters = reshaped_sheet(records, letters, mapping,
                                               {"file": name, "sheet": s.title}, found)
        chron = read_table(path, name, s.title, records, mapping, limits, found, agency,
                           read_letters)
        if several and {p.reason for p in found if p.severity is Severity.ERROR} \
                == {Reason.MISSING_COLUMN}:
            refused.append((s.title, records, letters, found))  # once the others are read
            continue
        problems.extend(found)
        if chron:
            out.append(dataclasses.replace(chron, several_sheets=several,
                                           long_form=read_letters is None))
    if len(out) > 1 and not all(known_agency(c.sheet) for c in out):  # type: ignore[operator]
        read = [c.sheet or "" for c in out]
        problems.append(Problem(file=name, reason=Reason.SEVERAL_SHEETS, severity=W,
                                value=", ".join(read), message=f"{len(read)} sheets hold a "
                                f"chronology ({', '.join(map(repr, read))}): each is read "
                                "(choose one with --sheet NAME)"))
    for title, records, letters, found in refused:
        chron = _read_put_aside(path, name, title, records, letters, found, bool(out),
                                mapping=mapping, limits=limits, agency=agency, problems=problems)
        if chron:
            out.append(chron)
    return out


def _read_put_aside(path: Path, name: str, title: str, records: list[tuple[int, list[str]]],
                    letters: list[str], found: list[Problem], beside: bool, *,
                    mapping: Mapping[str, str], limits: Limits, agency: str | None,
                    problems: list[Problem]) -> Chronology | None:
    """A sheet refused only for a missing date or text column, read when it lies
    ``beside`` sheets that are chronologies; else its problems are kept and None."""
    missing = {p.value for p in found if p.reason is Reason.MISSING_COLUMN}
    text = longest_column(records, mapping) if beside and "summary" in missing else None
    if not beside or (text is None and "summary" in missing):
        problems.extend(found)
        return None
    if text:
        # a register beside the minutes ("Attendance": meeting, name, role, present): its
        # rows are kept, each read with its longest column as the text
        problems.append(Problem(file=name, sheet=title, reason=Reason.COLUMN_GUESSED,
                                severity=W, value=text, message=f"sheet {title!r} holds a "
                                "table but no event text column, beside sheets that are "
                                f"chronologies: its column {text!r} is read as the event "
                                f"text (choose another with --sheet {title!r} "
                                "--map summary=COLUMN)"))
    if "at" in missing:
        # a supervising social worker's notes beside the carers' diary: no date column
        problems.append(Problem(file=name, sheet=title, reason=Reason.MISSING_COLUMN,
                                severity=W, value="at", message=f"sheet {title!r} has no "
                                "date column, beside sheets that are chronologies: its rows "
                                "are kept in their place, each dated by the day its text "
                                f"begins with, else undated (choose a column with --sheet "
                                f"{title!r} --map at=COLUMN)"))
    read: list[Problem] = []
    chron = read_table(path, name, title, records, {**mapping, "summary": text}
                       if text else mapping, limits, read, agency, letters)
    problems.extend(p for p in read if p.reason is not Reason.MISSING_COLUMN)
    if not chron:
        return None
    return Chronology(chron.path, chron.name, chron.sheet, chron.columns, chron.letters,
                      chron.rows, chron.agency, chron.title_block, chron.header_line, True)


def read_chronology(path: str | Path, *, mapping: Mapping[str, str] | None = None,
                    encoding: str | None = None, sheet: str | None = None,
                    agency: str | None = None, limits: Limits = _LIMITS,
                    known_agency: object = lambda name: False, stream: bool = False,
                    ) -> tuple[list[Chronology], list[Problem]]:
    """Read one chronology file; return its tables (one per sheet read) and problems.

    Parameters
    ----------
    path : CSV (any of ``,``, ``;`` or tab separated) or XLSX file.
    mapping : field -> header, overriding the vocabulary (``{"at": "Date seen"}``).
    encoding : text encoding of a CSV file; by default UTF-8 (a byte-order mark is
        accepted), falling back to Windows-1252 with a warning.
    sheet : the XLSX sheet to read (by default every sheet that holds a chronology).
    agency : the agency of every row, for a return with no agency column.
    known_agency : predicate telling whether a sheet name is an agency, so that a
        workbook with one sheet per agency is read whole without a warning.
    stream : a CSV table's rows are read as they are asked for, from its ``stream``
        (its ``rows`` stay empty): memory stays flat for a long file.
    """
    path = Path(path)
    name = path.name
    problems: list[Problem] = []
    if not path.is_file():
        problems.append(Problem(file=str(path), reason=Reason.FILE_NOT_FOUND,
                                message="no such file"))
        return [], problems
    size = path.stat().st_size
    if size > limits.max_bytes:
        problems.append(Problem(file=name, reason=Reason.FILE_TOO_LARGE, value=f"{size:,} bytes",
                                message=f"{size:,} bytes is over the limit of "
                                f"{limits.max_bytes:,}; split the file or raise the limit"))
        return [], problems
    if size == 0:
        problems.append(Problem(file=name, reason=Reason.EMPTY_FILE, message="the file is empty"))
        return [], problems
    suffix = path.suffix.lower()
    mapping = dict(mapping or {})
    if suffix in (".csv", ".tsv", ".txt"):
        tables = _read_csv(path, name, mapping=mapping, encoding=encoding, limits=limits,
                           agency=agency, problems=problems, stream=stream)
    elif suffix in (".xlsx", ".xlsm"):
        tables = _read_xlsx(path, name, mapping=mapping, sheet=sheet, limits=limits,
                            agency=agency, known_agency=known_agency, problems=problems)
    else:
        problems.append(Problem(file=name, reason=Reason.UNSUPPORTED_FORMAT, value=suffix,
                                message=f"{suffix or 'no extension'} is not a chronology "
                                "format (use .csv or .xlsx; save .xls as .xlsx)"))
        tables = []
    return tables, problems
