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

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from workbench.errors import Problem, Reason, Severity
from workbench.io.columns import FIELDS, TEXT_FIELDS, field_for, find_header, map_columns
from workbench.io.table import Chronology, Limits, Row, read_table
from workbench.io.xlsx import Sheet, read_workbook

__all__ = ["FIELDS", "Chronology", "Limits", "Row", "field_for", "read_chronology"]

W = Severity.WARNING
_LIMITS = Limits()  # the defaults


def _decode(name: str, data: bytes, encoding: str | None,
            problems: list[Problem]) -> str | None:
    """The file's text: UTF-8 (a byte-order mark accepted) or, when it is not and no
    encoding was given, Windows-1252 (how Excel saves CSV), with a warning."""
    try:
        wanted = encoding or "utf-8"
        return data.decode("utf-8-sig" if wanted.lower().replace("_", "-") in
                           ("utf-8", "utf8") else wanted)
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        byte = f"byte 0x{data[exc.start]:02X}"
        if encoding is None:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = None
            if text is not None:
                problems.append(Problem(file=name, line=line, column=column, severity=W,
                                        reason=Reason.NOT_UTF8, value=byte,
                                        message=f"{byte} is not UTF-8: the file is read as "
                                        "Windows-1252, as Excel saves CSV (give --encoding if it "
                                        "is another)"))
                return text
        problems.append(Problem(file=name, line=line, column=column, reason=Reason.NOT_UTF8,
                                value=byte, message=f"{byte} is not {wanted}; the "
                                "file was probably saved as Windows-1252: save it as UTF-8, or "
                                "read it with --encoding cp1252"))
        return None
    except LookupError:
        problems.append(Problem(file=name, reason=Reason.NOT_UTF8, value=encoding,
                                message=f"unknown encoding {encoding!r}"))
        return None


def _read_csv(path: Path, name: str, *, mapping: Mapping[str, str], encoding: str | None,
              limits: Limits, agency: str | None, problems: list[Problem]) -> list[Chronology]:
    text = _decode(name, path.read_bytes(), encoding, problems)
    if text is None:
        return []
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    old = csv.field_size_limit()
    # no csv limit below the file's own: an over-long field is FIELD_TOO_LARGE, not unreadable
    csv.field_size_limit(max(limits.max_bytes, 131072))
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    line = 1
    try:
        for cells in reader:
            records.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(file=name, line=line, reason=Reason.UNREADABLE_FILE,
                                message=f"CSV cannot be read past this record: {exc}"))
        return []
    finally:
        csv.field_size_limit(old)
    chron = read_table(path, name, None, records, mapping, limits, problems, agency)
    return [chron] if chron else []


def _is_chronology(sheet: Sheet, mapping: Mapping[str, str]) -> bool:
    start = find_header(sheet.records, mapping)
    if start is None:
        return False
    header = sheet.records[start][1]
    columns = map_columns(header, mapping).index
    body = any(any(c.strip() for c in cells) for _, cells in sheet.records[start + 1:])
    # a table with a date column and at least one other column is a chronology: its
    # event text may sit under a name no return has used before (read_table guesses it)
    return "at" in columns and body and (any(f in columns for f in TEXT_FIELDS)
                                         or sum(1 for c in header if c.strip()) >= 2)


def _read_xlsx(path: Path, name: str, *, mapping: Mapping[str, str], sheet: str | None,
               limits: Limits, agency: str | None, known_agency: object,
               problems: list[Problem]) -> list[Chronology]:
    from openpyxl.utils import get_column_letter

    sheets = read_workbook(path, name, problems)
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
        tables = [s for s in with_data if _is_chronology(s, mapping)]
        for s in with_data:
            if s in tables and s.hidden:
                problems.append(Problem(file=name, sheet=s.title, reason=Reason.HIDDEN_CONTENT,
                                        severity=W, message=f"hidden sheet {s.title!r} holds a "
                                        "chronology: it is read like the others"))
            elif s not in tables and (s.hidden or tables):
                what = "hidden sheet" if s.hidden else "sheet"
                problems.append(Problem(file=name, sheet=s.title, reason=Reason.HIDDEN_CONTENT
                                        if s.hidden else Reason.SEVERAL_SHEETS, severity=W,
                                        message=f"{what} {s.title!r} holds text but no "
                                        "chronology (no date and event columns): it is not read"))
        chosen = tables or [s for s in with_data if not s.hidden][:1]
        if len(chosen) > 1 and not all(known_agency(s.title) for s in chosen):  # type: ignore[operator]
            problems.append(Problem(file=name, reason=Reason.SEVERAL_SHEETS, severity=W,
                                    value=", ".join(s.title for s in chosen),
                                    message=f"{len(chosen)} sheets hold a chronology ("
                                    f"{', '.join(repr(s.title) for s in chosen)}): each is read "
                                    "(choose one with --sheet NAME)"))
    out = []
    several = len(chosen) > 1
    for s in chosen:
        width = max((len(c) for _, c in s.records), default=0)
        letters = [get_column_letter(i + 1) for i in range(width)]
        records = [(n, list(c) + [""] * (width - len(c))) for n, c in s.records]
        chron = read_table(path, name, s.title, records, mapping, limits, problems, agency, letters)
        if chron:
            out.append(Chronology(chron.path, chron.name, chron.sheet, chron.columns,
                                  chron.letters, chron.rows, chron.agency, chron.title_block,
                                  chron.header_line, several))
    return out


def read_chronology(path: str | Path, *, mapping: Mapping[str, str] | None = None,
                    encoding: str | None = None, sheet: str | None = None,
                    agency: str | None = None, limits: Limits = _LIMITS,
                    known_agency: object = lambda name: False,
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
                           agency=agency, problems=problems)
    elif suffix in (".xlsx", ".xlsm"):
        tables = _read_xlsx(path, name, mapping=mapping, sheet=sheet, limits=limits,
                            agency=agency, known_agency=known_agency, problems=problems)
    else:
        problems.append(Problem(file=name, reason=Reason.UNSUPPORTED_FORMAT, value=suffix,
                                message=f"{suffix or 'no extension'} is not a chronology "
                                "format (use .csv or .xlsx; save .xls as .xlsx)"))
        tables = []
    return tables, problems
