"""One table of a return (a CSV file or a sheet) read into rows of named fields.

:func:`read_table` finds the header below any title block, maps the columns
(:mod:`workbench.io.columns`), guesses a date or text column that has no known name,
and reads every row: each field's text, and the text of columns that are no field
of their own (kept under their names). What is only unusual is a warning.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import Problem, Reason, Severity, Where, _shorten
from workbench.io.columns import (
    FIELDS,
    TEXT_FIELDS,
    dates_only,
    find_header,
    guess_column,
    map_columns,
    naming_cells,
    varied,
)

__all__ = ["Chronology", "Limits", "Row", "RowMaker", "read_table", "table_layout"]

W = Severity.WARNING
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]")  # zero-width
_SUSPECT = re.compile("|".join(p.pattern for p in (_CONTROL, _BIDI, _INVISIBLE)))
_FREE_TEXT = ("summary", "details", "action", "outcome")
_RECEIPT = re.compile(r"(?:read|opened|delivered|received|reply|replied)\b", re.IGNORECASE)
_ORGANISATION = re.compile(r"\b(?:organi[sz]ation|agency|service)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    """Size limits that protect a review laptop from a runaway file."""

    max_bytes: int = 200_000_000  # the file as stored (an XLSX: compressed)
    max_field_chars: int = 32_000
    max_uncompressed_bytes: int = 500_000_000  # an XLSX's parts, from its zip directory
    max_cells: int = 1_000_000  # cells of an XLSX (each sheet's dimension, then counted)
    max_shared_strings_bytes: int = 100_000_000  # an XLSX's shared strings, uncompressed


@dataclass(frozen=True)
class Row:
    """One record: its start line (row number for XLSX), its fields' text, and the text
    of columns that are no field of their own, as ``(column name, text)``."""

    line: int
    values: Mapping[str, str]
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Chronology:
    """One agency return as read: where from, which column is which, its rows.

    ``title_block`` holds the lines above the header row (a return's title, its
    agency, the child's label); ``header_line`` is the header's line or row; ``lines``
    counts the physical lines below the header that hold text (a CSV record may span
    several), so that rows read can be told beside lines read; ``long_form``: widened from
    one line per field (:mod:`workbench.io.long_form`), a row a record.
    """

    path: Path
    name: str
    sheet: str | None
    columns: Mapping[str, str]  # field -> header as written
    letters: Mapping[str, str]  # field -> spreadsheet column letter ("" for CSV)
    rows: tuple[Row, ...]
    agency: str | None = None  # from the command line or the sheet name
    title_block: tuple[str, ...] = ()
    header_line: int = 1
    several_sheets: bool = field(default=False, compare=False)
    long_form: bool = field(default=False, compare=False)
    lines: int = field(default=0, compare=False)  # data lines (rows of a sheet) read
    stream: Iterable[Row] | None = field(default=None, compare=False, repr=False)

    def where(self, line: int, field: str | None = None) -> Where:
        """Keyword arguments locating ``field`` of the row at ``line`` in a Problem."""
        column = self.columns.get(field, field) if field else None
        if self.sheet is None:
            return {"file": self.name, "line": line, "column": column}
        letter = self.letters.get(field, "") if field else ""
        return {"file": self.name, "line": line, "column": column, "sheet": self.sheet,
                "cell": f"{letter}{line}" if letter else None}


def _letter(i: int) -> str:
    """The spreadsheet letter of the 0-based column ``i`` (0 -> A, 26 -> AA)."""
    letters = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _clean_text(value: str, where: Where, limits: Limits,
                problems: list[Problem]) -> str:
    """The cell's text with control and bidirectional-override characters taken out."""
    if len(value) > limits.max_field_chars:
        problems.append(Problem(reason=Reason.FIELD_TOO_LARGE, value=_shorten(value), severity=W,
                                message=f"field of {len(value):,} characters (over "
                                f"{limits.max_field_chars:,}): kept whole; check for a quote "
                                "left open, which joins many records into one field", **where))
    if not _SUSPECT.search(value):
        return value
    for pattern, reason, what in ((_CONTROL, Reason.CONTROL_CHARACTER, "control character"),
                                  (_BIDI, Reason.BIDI_CHARACTER, "bidirectional-override "
                                   "character (can disguise text)"),
                                  (_INVISIBLE, Reason.CONTROL_CHARACTER, "invisible (zero-width) "
                                   "character (can hide a name from the privacy scan)")):
        m = pattern.search(value)
        if m:
            problems.append(Problem(reason=reason, value=f"U+{ord(m.group()):04X}", severity=W,
                                    message=f"{what} U+{ord(m.group()):04X} at character "
                                    f"{m.start() + 1}: removed", **where))
    return _INVISIBLE.sub("", _BIDI.sub("", _CONTROL.sub(" ", value)))


def read_table(path: Path, name: str, sheet: str | None, records: list[tuple[int, list[str]]],
           mapping: Mapping[str, str], limits: Limits, problems: list[Problem],
           agency: str | None, letters_of: list[str] | None = None) -> Chronology | None:
    """Header detection, field mapping and per-cell checks shared by CSV and XLSX."""
    found = table_layout(path, name, sheet, records, mapping, limits, problems, agency,
                         letters_of)
    if found is None:
        return None
    chron, rows = found
    body = [rows.row(line, cells, problems) for line, cells in records
            if line > chron.header_line and any(c.strip() for c in cells)]
    return dataclasses.replace(chron, rows=tuple(body), lines=len(body))


class RowMaker:
    """Builds each :class:`Row` of a table once its layout is known (so that a long
    table can be read as a stream, one row at a time)."""

    def __init__(self, chron: Chronology, index: Mapping[str, int],
                 labelled: Mapping[int, str], width: int, limits: Limits):
        self.chron, self.index, self.labelled = chron, dict(index), dict(labelled)
        self.width, self.limits = width, limits
        self.last_field = next((f for f, i in index.items() if i == width - 1), None)

    def row(self, line: int, cells: Sequence[str], problems: list[Problem]) -> Row:
        chron, width, limits, index = self.chron, self.width, self.limits, self.index
        cells = list(cells)
        overflow = ""
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            overflow = ",".join(cells[width - 1:]) if self.last_field in _FREE_TEXT else ""
            kept = ("joined to the last column, as if a comma had no quotes"
                    if overflow else "kept in the details as 'Extra fields'")
            problems.append(Problem(reason=Reason.RAGGED_ROW, severity=W,
                                    value=f"{len(cells)} fields",
                                    message=f"{len(cells)} fields where the header has {width}; "
                                    f"the extra text is {kept}", **chron.where(line)))
        elif len(cells) < width and chron.sheet is None:
            problems.append(Problem(reason=Reason.RAGGED_ROW, severity=W,
                                    value=f"{len(cells)} fields",
                                    message=f"{len(cells)} fields where the header has {width}; "
                                    "the missing trailing fields are read as empty",
                                    **chron.where(line)))
        values: dict[str, str] = {}
        for fld, i in index.items():
            value = (overflow if overflow and i == width - 1 else
                     cells[i] if i < len(cells) else "").strip()
            if value:
                values[fld] = _clean_text(value, chron.where(line, fld), limits, problems)
        extra = [(label, _clean_text(cells[i].strip(), {**chron.where(line), "column": label},
                                     limits, problems))
                 for i, label in self.labelled.items() if i < len(cells) and cells[i].strip()]
        if len(cells) > width and not overflow and any(c.strip() for c in cells[width:]):
            extra.append(("Extra fields", ", ".join(c.strip() for c in cells[width:] if c.strip())))
        return Row(line, values, tuple(extra))


def table_layout(path: Path, name: str, sheet: str | None,  # noqa: C901 (to split)
                 records: Sequence[tuple[int, Sequence[str]]], mapping: Mapping[str, str],
                 limits: Limits, problems: list[Problem], agency: str | None,
                 letters_of: list[str] | None = None) -> tuple[Chronology, RowMaker] | None:
    """The table's header, columns and title block (a Chronology with no rows yet), and
    the maker of its rows; from ``records``, the table's first records (or all)."""
    base: Where = {"file": name, "sheet": sheet}
    start = find_header(records, mapping)
    if start is None:
        problems.append(Problem(reason=Reason.EMPTY_FILE, message="no rows at all", **base))
        return None
    header_line, headers = records[start]
    headers = [h.strip() for h in headers]
    letters = letters_of or [""] * len(headers)
    where: Where = {**base, "line": header_line}
    if sheet is not None:
        where["cell"] = f"A{header_line}"

    def at(i: int) -> Where:  # the i-th header's place (its cell in a sheet)
        place: Where = {**where, "column": i + 1}
        if sheet is not None:
            place["cell"] = f"{_letter(i)}{header_line}"
        return place

    layout = map_columns(headers, mapping, letters=letters)
    for fld, header, why in layout.unknown_mapping:
        if why == "field":
            message = f"--map {fld}={header}: no field {fld!r} (fields: {', '.join(FIELDS)})"
            problems.append(Problem(reason=Reason.UNKNOWN_FIELD, value=fld, message=message,
                                    **where))
        else:
            problems.append(Problem(reason=Reason.UNKNOWN_MAPPED_COLUMN, value=header,
                                    message=f"--map {fld}={header}: no column {header!r} "
                                    f"(columns: {', '.join(h for h in headers if h)})", **where))
    body = [(line, cells) for line, cells in records[start + 1:] if any(c.strip() for c in cells)]
    index = dict(layout.index)
    labelled = dict(layout.labelled)
    free = [i for i, why, _ in layout.notes if why in ("unknown", "unnamed")]
    notes = list(layout.notes)
    for fld in ("shared_with", "agency"):
        # "Passed to DSL?" (Y/N) and "Referred externally (who/when)": the names are read;
        # a message's "From" (a person) and "From organisation": the organisation is read
        old = index.get(fld, -1)
        if same := [i for i, why, first in notes if why == "duplicate" and fld not in mapping
                    and old >= 0 and first == headers[old] and (
                        naming_cells(body, i) > naming_cells(body, old) if fld == "shared_with"
                        else _ORGANISATION.search(headers[i]) and not
                        _ORGANISATION.search(headers[old]))]:
            index[fld] = new = same[0]
            labelled = {**{j: h for j, h in labelled.items() if j != new}, old: headers[old]}
            notes = [(old, "duplicate", headers[new]) if i == new else (i, why, first)
                     for i, why, first in notes]
    if "at" in index and "at" not in mapping and guess_column(body, [index["at"]], "at") is None and (
            (i := guess_column(body, [j for j in free if j in labelled], "at")) is not None):
        # "Age" read as the date by its name holds ages ("14"); "Created" holds the dates
        old = index.pop("at")
        labelled[old] = headers[old]
        index["at"] = i
        labelled.pop(i)
        problems.append(Problem(reason=Reason.COLUMN_GUESSED, value=headers[i], severity=W,
                                message=f"column {headers[old]!r} is named like a date but holds "
                                f"few; column {headers[i]!r} holds dates and is read as the "
                                f"date ({headers[old]!r} is kept in the details); choose "
                                "another with --map at=COLUMN", **at(i)))
    for want, fields in (("at", ("at",)), ("summary", TEXT_FIELDS)):
        if any(f in index or f in mapping for f in fields):
            continue
        # a column of no field, or a second of the same name ("Sent" beside "To": dates),
        # a receipt's time ("Read") last; the text, also a message's "Subject"
        candidates = sorted([j for j in free if j in labelled] + [
            i for i, why, _ in notes if why == "duplicate" and i in labelled and want == "at"],
            key=lambda j: _RECEIPT.match(headers[j]) is not None) if want == "at" else [
            j for j in labelled if j in free or headers[j].lower().startswith("subject")
            and not dates_only(body, j)]
        # a "From" column that holds dates ("From: 15/01/2025", a status history) is the
        # date, not who told the record
        source = index.get("agency") if want == "at" and "agency" not in mapping and \
            headers[index.get("agency", 0)].strip().lower() in ("from", "since") else None
        # ... and a message export's "Sent" column (recipients by its name) that holds dates
        sent = index.get("shared_with") if want == "at" and "shared_with" not in mapping \
            else None
        if (i := guess_column(body, [*candidates, *(c for c in (source, sent) if c is not None)],
                        want)) is not None:
            index[want] = i
            if i == source:
                del index["agency"]
            elif i == sent:
                del index["shared_with"]
            else:
                labelled.pop(i)
            what = "dates" if want == "at" else "the longest text"
            shown = headers[i] or f"column {letters[i] or i + 1}"
            problems.append(Problem(reason=Reason.COLUMN_GUESSED, value=headers[i], severity=W,
                                    message=f"column {shown!r} is read as the {'date' if want == 'at' else 'event text'} "
                                    f"(it holds {what}); choose another with --map {want}=COLUMN",
                                    **at(i)))
    if not any(f in index or f in mapping for f in TEXT_FIELDS):
        # no event text named as such: a column read by its name as a reference, a type,
        # a recorder, a grading, an action or an outcome that holds the longest prose
        # ("Entry" in a health record, "Risk Rationale" in a police export) is the text
        named: dict[int, str] = {index[f]: f for f in ("ref", "kind", "author", "risk",
                                                      "action", "outcome")
                                 if f in index and f not in mapping}
        # ... or a second column read by the same name ("Entry no", then "Entry")
        named.update({i: "" for i, why, first in notes if why == "duplicate"
                      and i in labelled and any(headers[j] == first for j in named)})
        i = guess_column(body, list(named), "summary")
        if i is None:
            # no prose at all but a short outcome or type ("Completed" in a return interview
            # log whose only prose is the child's words, kept under its own label)
            i = next((index[f] for f in ("outcome", "kind", "action") if f in index
                      and f not in mapping and varied(body, index[f])), None)
            if i is not None:
                named[i] = next(f for f, j in index.items() if j == i)
        if i is not None:
            if named[i]:
                del index[named[i]]
            else:
                labelled.pop(i)
            index["summary"] = i
            problems.append(Problem(reason=Reason.COLUMN_GUESSED, value=headers[i], severity=W,
                                    message=f"column {headers[i]!r} holds the longest text and "
                                    f"no column is named as the event text: it is read as the "
                                    f"event text{f', not as {named[i]!r}' if named[i] else ''}; "
                                    "choose another with --map summary=COLUMN", **at(i)))
    for i, why, first in notes:
        if i not in labelled:
            continue
        if why == "unnamed":
            if any(i < len(c) and c[i].strip() for _, c in body):
                problems.append(Problem(reason=Reason.UNKNOWN_FIELD, severity=W, value="",
                                        message=f"a column with no name holds text: it is kept "
                                        f"in the details as {labelled[i]!r}", **at(i)))
        elif why == "unknown":
            problems.append(Problem(reason=Reason.UNKNOWN_FIELD, severity=W, value=headers[i],
                                    message=f"column {headers[i]!r} is no field of its own: its "
                                    f"text is kept in the details under its name (or map it with "
                                    f"--map FIELD={headers[i]}; fields: {', '.join(FIELDS)})",
                                    **at(i)))
        elif why == "mapped-away":
            problems.append(Problem(reason=Reason.UNKNOWN_FIELD, severity=W, value=headers[i],
                                    message=f"column {headers[i]!r} is not read as its field: "
                                    f"--map chose {first!r}; its text is kept in the details",
                                    **at(i)))
        else:
            problems.append(Problem(reason=Reason.DUPLICATE_COLUMN, severity=W, value=headers[i],
                                    message=f"columns {first!r} and {headers[i]!r} mean the same "
                                    f"field: the first is read as it, the other's text is kept "
                                    "in the details (choose with --map FIELD=COLUMN)", **at(i)))
    if "at" not in index:
        problems.append(Problem(reason=Reason.MISSING_COLUMN, value="at",
                                message="no date column (e.g. 'Date', 'Start date', 'Date or "
                                "period of event'); map one with --map at=COLUMN", **where))
    if not any(f in index for f in TEXT_FIELDS):
        problems.append(Problem(reason=Reason.MISSING_COLUMN, value="summary",
                                message="no event text column (e.g. 'Event', 'Significant "
                                "event', 'Details'); map one with --map summary=COLUMN", **where))
    title = tuple(" ".join(c.strip() for c in cells if c.strip())
                  for _, cells in records[:start] if any(c.strip() for c in cells))
    if title:
        first_line = next(line for line, cells in records if any(c.strip() for c in cells))
        problems.append(Problem(reason=Reason.TITLE_BLOCK, severity=W, value=_shorten(title[0]),
                                message=f"{len(title)} line(s) above the header (from line "
                                f"{first_line}) are read as the return's title block, not as "
                                f"events: {_shorten(' | '.join(title), 120)}; line "
                                f"{header_line} ({', '.join(repr(h) for h in headers[:3] if h)}"
                                ") is read as the header: if it is not the header row, remove "
                                "the lines above the real one", **where))
    columns = {f: headers[i] for f, i in index.items()}
    chron = Chronology(path, name, sheet, columns,
                       {f: letters[i] if i < len(letters) else "" for f, i in index.items()},
                       (), agency, title, header_line)
    return chron, RowMaker(chron, index, labelled, len(headers), limits)
