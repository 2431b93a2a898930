"""Reading agency chronologies (CSV or XLSX) into rows of named fields.

This is the I/O boundary of import: it finds the header, recognises column names
from common synonyms (or an explicit mapping), and returns every row's text with
the place it came from. Nothing is interpreted here (dates, kinds and agencies are
read in :mod:`workbench.io.importer`); every problem met is collected, never raised.

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
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from workbench.agencies import name_key
from workbench.errors import Problem, Reason, Severity, _shorten

__all__ = ["FIELDS", "Chronology", "Limits", "Row", "field_for", "read_chronology"]

#: Canonical fields and the header names (matched after :func:`name_key`) that mean them.
FIELDS: dict[str, tuple[str, ...]] = {
    "ref": ("event ref", "event ref sequence", "ref", "reference", "event id", "id", "entry",
            "entry no", "entry number", "no", "number", "event number", "event no"),
    "sequence": ("sequence", "seq", "order", "sequence no"),
    "at": ("date", "start date", "date or period of event", "date of event", "event date",
           "when", "date time", "datetime", "date and time", "period", "date period"),
    "time": ("time", "start time", "time of event"),
    "end_at": ("end date", "date to", "to date", "until"),
    "end_time": ("end time", "time to"),
    "agency": ("agency", "source", "source of information", "organisation", "organization",
               "service", "recording agency", "agency recording", "from agency", "from"),
    "kind": ("kind", "type", "event type", "category", "event category", "contact type"),
    "summary": ("event", "significant event", "summary", "event summary", "title",
                "what happened", "incident", "event description"),
    "details": ("details", "detail", "description", "notes", "narrative", "further details",
                "comments", "information"),
    "action": ("action taken", "action", "actions", "response", "action taken or why none"),
    "outcome": ("outcome", "result", "impact", "impact positive or negative", "outcome impact"),
    "shared_with": ("shared with", "to agency", "recipient", "recipients", "referred to",
                    "sent to", "shared to", "notified", "to"),
    "refers_to": ("responds to", "in response to", "reply to", "response to", "refers to",
                  "related event", "answers"),
    "risk": ("risk", "risk grading", "risk grade", "risk level", "grading", "risk rating"),
    "author": ("recorded by", "author", "worker", "practitioner", "officer", "staff member"),
}
_SYNONYMS = {syn: field for field, syns in FIELDS.items() for syn in syns}
_TEXT_FIELDS = ("summary", "details")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def field_for(header: str) -> str | None:
    """The canonical field a column header means, or None."""
    return _SYNONYMS.get(name_key(header))


@dataclass(frozen=True)
class Limits:
    """Size limits that protect a review laptop from a runaway file."""

    max_bytes: int = 200_000_000
    max_field_chars: int = 32_000


@dataclass(frozen=True)
class Row:
    """One record: its start line (row number for XLSX) and its fields' text."""

    line: int
    values: Mapping[str, str]


@dataclass(frozen=True)
class Chronology:
    """One agency return as read: where from, which column is which, its rows."""

    path: Path
    name: str
    sheet: str | None
    columns: Mapping[str, str]  # field -> header as written
    letters: Mapping[str, str]  # field -> spreadsheet column letter ("" for CSV)
    rows: tuple[Row, ...]
    agency: str | None = None  # from the command line or the sheet name

    def where(self, line: int, field: str | None = None) -> dict[str, object]:
        """Keyword arguments locating ``field`` of the row at ``line`` in a Problem."""
        column = self.columns.get(field, field) if field else None
        if self.sheet is None:
            return {"file": self.name, "line": line, "column": column}
        letter = self.letters.get(field, "") if field else ""
        return {"file": self.name, "line": line, "column": column, "sheet": self.sheet,
                "cell": f"{letter}{line}" if letter else None}


def _header_map(headers: list[str], mapping: Mapping[str, str], where: dict[str, object],
                problems: list[Problem]) -> dict[str, int]:
    """Field -> column index; records missing, duplicated and unknown columns."""
    keyed = [name_key(h) for h in headers]
    out: dict[str, int] = {}

    def at(i: int) -> dict[str, object]:  # the i-th header's place (its cell in a sheet)
        cell = {"cell": f"{_letter(i)}{where['line']}"} if where.get("sheet") else {}
        return {**where, "column": i + 1, **cell}

    for field, header in mapping.items():
        if field not in FIELDS:
            problems.append(Problem(reason=Reason.UNKNOWN_FIELD, value=field,
                                    message=f"--map {field}={header}: no field {field!r} "
                                    f"(fields: {', '.join(FIELDS)})", **where))
        elif name_key(header) not in keyed:
            problems.append(Problem(reason=Reason.UNKNOWN_MAPPED_COLUMN, value=header,
                                    message=f"--map {field}={header}: no column {header!r} "
                                    f"(columns: {', '.join(h for h in headers if h)})", **where))
        else:
            out[field] = keyed.index(name_key(header))
    mapped = set(out.values())
    seen: dict[str, int] = {}
    for i, (header, key) in enumerate(zip(headers, keyed, strict=True)):
        if not key or i in mapped:
            continue
        if key in seen:
            problems.append(Problem(reason=Reason.DUPLICATE_COLUMN, value=header,
                                    message=f"column {header!r} appears twice (columns "
                                    f"{seen[key] + 1} and {i + 1}); rename or remove one",
                                    **at(i)))
            continue
        seen[key] = i
        field = _SYNONYMS.get(key)
        if field is None:
            problems.append(Problem(reason=Reason.UNKNOWN_FIELD, severity=Severity.WARNING,
                                    value=header, message=f"column {header!r} is not read; map "
                                    f"it with --map FIELD={header} (fields: {', '.join(FIELDS)})",
                                    **at(i)))
        elif field in mapping and field in out:  # --map chose another column for it
            problems.append(Problem(reason=Reason.UNKNOWN_FIELD, severity=Severity.WARNING,
                                    value=header, message=f"column {header!r} is not read: "
                                    f"--map {field}={mapping[field]} chose {headers[out[field]]!r}",
                                    **at(i)))
        elif field in out:
            first = headers[out[field]]
            problems.append(Problem(reason=Reason.DUPLICATE_COLUMN, value=header,
                                    message=f"columns {first!r} and {header!r} both mean "
                                    f"{field!r}; choose one with --map {field}=COLUMN",
                                    **at(i)))
        else:
            out[field] = i
    if "at" not in out:
        problems.append(Problem(reason=Reason.MISSING_COLUMN, value=None,
                                message="no date column (e.g. 'Date', 'Start date', 'Date or "
                                "period of event'); map one with --map at=COLUMN", **where))
    if not any(f in out for f in _TEXT_FIELDS):
        problems.append(Problem(reason=Reason.MISSING_COLUMN, value=None,
                                message="no event text column (e.g. 'Event', 'Significant "
                                "event', 'Details'); map one with --map summary=COLUMN", **where))
    return out


def _letter(i: int) -> str:
    """The spreadsheet letter of the 0-based column ``i`` (0 -> A, 26 -> AA)."""
    letters = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _check_text(value: str, where: dict[str, object], limits: Limits,
                problems: list[Problem]) -> None:
    if len(value) > limits.max_field_chars:
        problems.append(Problem(reason=Reason.FIELD_TOO_LARGE, value=_shorten(value),
                                message=f"field of {len(value):,} characters (limit "
                                f"{limits.max_field_chars:,})", **where))
    if not _SUSPECT.search(value):
        return
    for pattern, reason, what in ((_CONTROL, Reason.CONTROL_CHARACTER, "control character"),
                                  (_BIDI, Reason.BIDI_CHARACTER, "bidirectional-override "
                                   "character (can disguise text)")):
        m = pattern.search(value)
        if m:
            problems.append(Problem(reason=reason, value=f"U+{ord(m.group()):04X}",
                                    message=f"{what} U+{ord(m.group()):04X} at character "
                                    f"{m.start() + 1}; remove it", **where))


def _rows_to_chronology(path: Path, name: str, sheet: str | None, records: list[tuple[int, list[str]]],
                        mapping: Mapping[str, str], limits: Limits, problems: list[Problem],
                        agency: str | None, letters_of: list[str] | None = None) -> Chronology | None:
    """Header detection, field mapping and per-cell checks shared by CSV and XLSX."""
    start = next((i for i, (_, cells) in enumerate(records) if any(c.strip() for c in cells)),
                 None)
    base: dict[str, object] = {"file": name, "sheet": sheet}
    if start is None:
        problems.append(Problem(reason=Reason.EMPTY_FILE, message="no rows at all", **base))
        return None
    header_line, headers = records[start]
    headers = [h.strip() for h in headers]
    where: dict[str, object] = {**base, "line": header_line}
    if sheet is not None:
        where["cell"] = f"A{header_line}"
    index = _header_map(headers, mapping, where, problems)
    letters = letters_of or [""] * len(headers)
    chron_letters = {f: letters[i] if i < len(letters) else "" for f, i in index.items()}
    chron = Chronology(path, name, sheet, {f: headers[i] for f, i in index.items()},
                       chron_letters, (), agency)
    rows: list[Row] = []
    width = len(headers)
    for line, cells in records[start + 1:]:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            problems.append(Problem(reason=Reason.RAGGED_ROW, value=f"{len(cells)} fields",
                                    message=f"{len(cells)} fields where the header has "
                                    f"{width}; a value is probably missing quotes or has an "
                                    "extra comma", **chron.where(line)))
            continue
        if len(cells) < width and sheet is None:
            problems.append(Problem(reason=Reason.RAGGED_ROW, severity=Severity.WARNING,
                                    value=f"{len(cells)} fields",
                                    message=f"{len(cells)} fields where the header has {width}; "
                                    "the missing trailing fields are read as empty",
                                    **chron.where(line)))
        values: dict[str, str] = {}
        for field, i in index.items():
            value = cells[i].strip() if i < len(cells) else ""
            if value:
                _check_text(value, chron.where(line, field), limits, problems)
                values[field] = value
        rows.append(Row(line, values))
    return Chronology(path, name, sheet, chron.columns, chron.letters, tuple(rows), agency)


def _decode(path: Path, name: str, data: bytes, encoding: str,
            problems: list[Problem]) -> str | None:
    try:
        return data.decode("utf-8-sig" if encoding.lower().replace("_", "-") in
                           ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        problems.append(Problem(file=name, line=line, column=column, reason=Reason.NOT_UTF8,
                                value=f"byte 0x{data[exc.start]:02X}",
                                message=f"byte 0x{data[exc.start]:02X} is not {encoding}; the "
                                "file was probably saved as Windows-1252: save it as UTF-8, or "
                                "read it with --encoding cp1252"))
        return None
    except LookupError:
        problems.append(Problem(file=name, reason=Reason.NOT_UTF8, value=encoding,
                                message=f"unknown encoding {encoding!r}"))
        return None


def _read_csv(path: Path, name: str, *, mapping: Mapping[str, str], encoding: str,
              limits: Limits, agency: str | None, problems: list[Problem]) -> list[Chronology]:
    text = _decode(path, name, path.read_bytes(), encoding, problems)
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
    chron = _rows_to_chronology(path, name, None, records, mapping, limits, problems, agency)
    return [chron] if chron else []


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path, name: str, *, mapping: Mapping[str, str], sheet: str | None,
               limits: Limits, agency: str | None, known_agency: object,
               problems: list[Problem]) -> list[Chronology]:
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        book = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # zip or XML damage: openpyxl raises many kinds
        problems.append(Problem(file=name, reason=Reason.UNREADABLE_FILE,
                                message=f"not a readable XLSX workbook: {exc}"))
        return []
    def holds_text(ws: object) -> bool:
        return any(c is not None and str(c).strip() for row in ws.iter_rows(values_only=True)
                   for c in row)

    visible, hidden = [], []
    for ws in book.worksheets:
        (visible if ws.sheet_state == "visible" else hidden).append(ws)
    for ws in hidden:
        if holds_text(ws):
            problems.append(Problem(file=name, sheet=ws.title, reason=Reason.HIDDEN_CONTENT,
                                    message=f"hidden sheet {ws.title!r} holds text; unhide it "
                                    "and keep it as its own file, or delete it"))
    with_data = [ws for ws in visible if holds_text(ws)]
    if sheet is not None:
        chosen = [ws for ws in book.worksheets if ws.title == sheet]
        if not chosen:
            problems.append(Problem(file=name, reason=Reason.UNKNOWN_SHEET, value=sheet,
                                    message=f"no sheet {sheet!r} (sheets: "
                                    f"{', '.join(ws.title for ws in book.worksheets)})"))
            return []
    elif len(with_data) > 1 and not (agency is None and all(known_agency(ws.title)
                                                              for ws in with_data)):
        problems.append(Problem(file=name, reason=Reason.SEVERAL_SHEETS,
                                value=", ".join(ws.title for ws in with_data),
                                message=f"{len(with_data)} sheets hold data ("
                                f"{', '.join(repr(ws.title) for ws in with_data)}); choose one "
                                "with --sheet NAME, or name each sheet after its agency"))
        return []
    else:
        chosen = with_data
    per_sheet = len(chosen) > 1
    out = []
    for ws in chosen:
        for rng in ws.merged_cells.ranges:
            problems.append(Problem(file=name, sheet=ws.title, cell=str(rng), line=rng.min_row,
                                    reason=Reason.MERGED_CELLS, value=str(rng),
                                    message=f"merged cells {rng}: unmerge them and write the "
                                    "value in every row it applies to"))
        records: list[tuple[int, list[str]]] = []
        for row in ws.iter_rows():
            cells = []
            for cell in row:
                if cell.data_type == "f":
                    problems.append(Problem(file=name, sheet=ws.title, line=cell.row,
                                            cell=cell.coordinate, reason=Reason.FORMULA_CELL,
                                            value=_shorten(cell.value),
                                            message="formula cell: the workbench reads values "
                                            "only; paste the value in place of the formula"))
                    cells.append("")
                else:
                    cells.append(_cell_text(cell.value))
            number = row[0].row if row else len(records) + 1
            dims = ws.row_dimensions.get(number)
            if dims is not None and dims.hidden and any(c.strip() for c in cells):
                problems.append(Problem(file=name, sheet=ws.title, line=number,
                                        cell=f"A{number}", reason=Reason.HIDDEN_CONTENT,
                                        message=f"hidden row {number} holds text; unhide it and "
                                        "keep it, or delete it"))
                continue
            records.append((number, cells))
        for letter, dims in ws.column_dimensions.items():
            if dims.hidden and any(str(c.value or "").strip() for c in ws[letter]):
                problems.append(Problem(file=name, sheet=ws.title, cell=f"{letter}1",
                                        reason=Reason.HIDDEN_CONTENT,
                                        message=f"hidden column {letter} holds text; unhide "
                                        "it and keep it, or delete it"))
        width = max((len(c) for _, c in records), default=0)
        letters = [get_column_letter(i + 1) for i in range(width)]
        chron = _rows_to_chronology(path, name, ws.title, records, mapping, limits, problems,
                                    ws.title if per_sheet and agency is None else agency,
                                    letters)
        if chron:
            out.append(chron)
    return out


def read_chronology(path: str | Path, *, mapping: Mapping[str, str] | None = None,
                    encoding: str = "utf-8", sheet: str | None = None,
                    agency: str | None = None, limits: Limits = Limits(),
                    known_agency: object = lambda name: False,
                    ) -> tuple[list[Chronology], list[Problem]]:
    """Read one chronology file; return its tables (one per sheet read) and problems.

    Parameters
    ----------
    path : CSV (any of ``,``, ``;`` or tab separated) or XLSX file.
    mapping : field -> header, overriding the synonyms (``{"at": "Date"}``).
    encoding : text encoding of a CSV file; a UTF-8 byte-order mark is accepted.
    sheet : the XLSX sheet to read when several hold data.
    agency : the agency of every row, for a return with no agency column.
    known_agency : predicate telling whether a sheet name is an agency, so that a
        workbook with one sheet per agency is read whole.
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
