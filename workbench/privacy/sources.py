"""Reading files into texts to scan, each text with the place it came from.

Why one module: one short reader per file format (CSV, XLSX, SQLite, YAML, text), all
sharing :class:`Place` and :class:`Unit`; ``privacy/`` stays whole.

A *unit* is one piece of text (a CSV field, a spreadsheet cell, a comment, a
document property, a whole text file) and its :class:`Place`. Readers never
interpret a value; they only say where it is. Structure that says more than the
text does (a column headed "DOB", an author in a workbook's properties) is
recorded on the unit as ``column_kind`` or found by :mod:`workbench.privacy.scan`.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import html
import json
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = ["Place", "Unit", "csv_fields", "csv_units", "header_kind", "is_sqlite", "iter_files", "walk",
           "sqlite_cells", "sqlite_units", "text_units", "xlsx_units"]

#: suffixes read as delimited tables, as workbooks, and as plain text
TABLE_SUFFIXES = (".csv", ".tsv")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
MARKUP_SUFFIXES = (".xml", ".xes", ".graphml", ".gexf", ".html", ".htm", ".svg", ".xhtml")
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db", ".ocel-sqlite")
JSON_SUFFIXES = (".json", ".ipynb", ".geojson", ".jsonl", ".ocel-json", ".jsonocel")
_SKIP_DIRS = {".git", "__pycache__", ".venv", "node_modules", ".hg", ".svn"}

_DOB_HEADER = re.compile(r"(?i)^\W*(?:d\.?\s?o\.?\s?b\.?|date[\s_-]*of[\s_-]*birth|birth[\s_-]*"
                         r"date|birthday|born|dob)\W*$")
_AGE_HEADER = re.compile(r"(?i)^\W*(?:age|age at \w+|age \(years\)|aged)\W*$")
_DATE_HEADER = re.compile(r"(?i)^\W*(?:when|date|start date|end date|date or period of event|"
                          r"date of event|event date|period|date to|to date|until|at)\W*$")


@dataclass(frozen=True)
class Place:
    """Where a text lies: ``file:line:column``, ``file!Sheet!B7`` or ``file!(part):name``."""

    file: str
    line: int | None = None
    column: int | None = None
    sheet: str | None = None
    cell: str | None = None
    part: str | None = None  # "(properties)", "(comment)", "(sheet names)", "(xml)"
    name: str | None = None  # property name, XML member, …
    field: str | None = None  # the column header, for messages only

    @property
    def location(self) -> str:
        if self.sheet is not None and self.cell is not None:
            where = f"{self.file}!{self.sheet}!{self.cell}"
            return f"{where}:comment" if self.part == "(comment)" else where
        if self.part is not None:
            return f"{self.file}!{self.part}" + (f":{self.name}" if self.name else "")
        if self.line is not None:
            return f"{self.file}:{self.line}" + (f":{self.column}" if self.column else "")
        return self.file


@dataclass(frozen=True)
class Unit:
    """One text to scan and how to turn an offset in it into a :class:`Place`.

    ``lines`` (line-start offsets of the file) and ``raw_start`` locate text in a
    text file; ``quoted`` says the text is a CSV field in quotes (``""`` in the file
    for each ``"``); ``exact=False`` marks decoded text (an escaped JSON string, an
    XML text with entities) whose findings are placed at the segment's start.
    ``column_kind`` is "dob", "age" or "date" when the column header says so.
    """

    text: str
    place: Place
    lines: tuple[int, ...] | None = None
    raw_start: int = 0
    quoted: bool = False
    exact: bool = True
    column_kind: str | None = None
    raw_end: int | None = None  # end of a decoded segment in the file

    def place_of(self, offset: int) -> Place:
        if self.lines is None:
            return self.place
        raw = self.raw_start
        if self.exact:
            raw += offset
            if self.quoted:
                raw += 1 + self.text.count('"', 0, offset)
        line = bisect.bisect_right(self.lines, raw)
        return replace(self.place, line=line, column=raw - self.lines[line - 1] + 1)


def header_kind(header: str) -> str | None:
    """``"dob"``, ``"age"`` or ``"date"`` for a column header that says so, else None."""
    if _DOB_HEADER.match(header):
        return "dob"
    if _AGE_HEADER.match(header):
        return "age"
    if _DATE_HEADER.match(header):
        return "date"
    return None


def walk(path: Path) -> Iterator[tuple[Path, str | None]]:
    """Every file under ``path`` (sorted; VCS and cache folders skipped), as
    ``(file, None)``, and every entry *not* followed, as ``(entry, why)``.

    A symbolic link is followed only when it stays inside ``path`` (a link out of the
    input tree could bring a file from elsewhere into a scan or an "anonymised"
    copy); a folder already visited (a link back to a parent, a loop) is not read
    again. ``path`` itself is followed wherever it leads: the user named it.
    """
    if not path.is_dir():
        yield path, None
        return
    root = path.resolve()
    seen: set[tuple[int, int]] = set()

    def visit(folder: Path) -> Iterator[tuple[Path, str | None]]:
        info = folder.stat()
        if (info.st_dev, info.st_ino) in seen:
            yield folder, "a folder already read (a link loop): not read again"
            return
        seen.add((info.st_dev, info.st_ino))
        for child in sorted(folder.iterdir()):
            if child.is_symlink():
                target = child.resolve()
                if target != root and root not in target.parents:
                    yield child, "a symbolic link leading outside the input: not followed"
                    continue
            if child.is_dir():
                if child.name not in _SKIP_DIRS:
                    yield from visit(child)
            elif child.is_file():
                yield child, None

    yield from visit(path)


def iter_files(path: Path) -> Iterator[Path]:
    """``path`` itself, or every file under it that :func:`walk` follows."""
    for found, why in walk(path):
        if why is None:
            yield found


def line_starts(text: str) -> tuple[int, ...]:
    return (0, *(m.end() for m in re.finditer(r"\r\n|\n|\r", text)))


def sniff_delimiter(text: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    try:
        return csv.Sniffer().sniff(text[:4096], ",;\t").delimiter
    except csv.Error:
        return ","


def csv_fields(text: str, delimiter: str) -> list[list[tuple[int, bool, str]]]:
    """RFC 4180 records as lists of ``(raw offset, quoted, value)``, one per field."""
    records: list[list[tuple[int, bool, str]]] = []
    record: list[tuple[int, bool, str]] = []
    stop = re.compile(f"[{re.escape(delimiter)}\r\n]")
    i, n = 0, len(text)
    while i < n:
        if text[i] == '"':
            j = i + 1
            while True:
                k = text.find('"', j)
                if k == -1:
                    k = n
                    break
                if text[k + 1:k + 2] == '"':
                    j = k + 2
                    continue
                break
            record.append((i, True, text[i + 1:k].replace('""', '"')))
            i = k + 1
            m = stop.search(text, i)
            end = m.start() if m else n
            if end > i:  # text after the closing quote: read like the csv module does
                record.append((i, False, text[i:end]))
            i = end
        else:
            m = stop.search(text, i)
            end = m.start() if m else n
            record.append((i, False, text[i:end]))
            i = end
        if i >= n:
            break
        if text[i] == delimiter:
            i += 1
            if i >= n:
                record.append((i, False, ""))
            continue
        i += 2 if text.startswith("\r\n", i) else 1  # end of record
        records.append(record)
        record = []
    if record:
        records.append(record)
    return records


def csv_units(text: str, display: str, suffix: str) -> list[Unit]:
    """One unit per non-empty field; the first record's fields name the columns."""
    lines = line_starts(text)
    records = csv_fields(text, sniff_delimiter(text, suffix))
    headers: list[str] = []
    units = []
    for r, record in enumerate(records):
        if r == 0:
            headers = [v.strip() for _, _, v in record]
        index = 0
        for raw, quoted, value in record:
            column = headers[index] if index < len(headers) and r > 0 else None
            index += 1
            if not value.strip():
                continue
            kind = header_kind(column) if column else None
            units.append(Unit(value, Place(display, field=column), lines, raw, quoted,
                              column_kind=kind))
    return units


def text_units(text: str, display: str, suffix: str) -> list[Unit]:
    """The whole text, and decoded copies of its escaped parts (JSON, XML entities)."""
    lines = line_starts(text)
    units = []
    if suffix in (".html", ".htm", ".xhtml"):
        text = _blank_library_scripts(text)
    units.append(Unit(text, Place(display), lines))
    if suffix in JSON_SUFFIXES:
        for m in re.finditer(r'"(?:[^"\\\n]|\\.)*\\(?:[^"\\\n]|\\.)*"', text):
            try:
                decoded = json.loads(m.group())
            except ValueError:
                continue
            units.append(Unit(decoded, Place(display), lines, m.start(), exact=False,
                              raw_end=m.end()))
    if suffix in MARKUP_SUFFIXES:
        for m in re.finditer(r"(?<=>)[^<]*&[^<]*(?=<)|(?<==\")[^\"<]*&[^\"<]*(?=\")", text):
            units.append(Unit(html.unescape(m.group()), Place(display), lines, m.start(),
                              exact=False, raw_end=m.end()))
    return units


_LIBRARY = re.compile(r"(?is)(<script\b[^>]*>)(.*?)(</script>)")


def _blank_library_scripts(text: str) -> str:
    """Blank out bundled JavaScript libraries (plotly.js, MathJax…) in an HTML file.

    Such a bundle is megabytes of third-party code, not case data; its licence
    comments hold e-mail addresses and handles. The same length of spaces keeps
    every position of the rest of the file where it was.
    """
    def blank(m: re.Match[str]) -> str:
        body = m.group(2)
        head = body[:2000].lower()
        if len(body) > 100_000 and any(k in head for k in ("plotly.js", "@license",
                                                           "mathjax", "require.js")):
            body = re.sub(r"[^\r\n]", " ", body)
        return m.group(1) + body + m.group(3)

    return _LIBRARY.sub(blank, text)


def cell_text(value: object) -> str | None:
    """A cell value as text to scan; None for a value that cannot hold an identifier
    (a fraction such as 0.30000000000000004 is not a digit run)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else None
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d" if value.time() == dt.time(0) else "%Y-%m-%d %H:%M")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


_PROPERTIES = {"creator": "author", "lastModifiedBy": "lastModifiedBy", "title": "title",
               "subject": "subject", "keywords": "keywords", "description": "description",
               "category": "category", "contentStatus": "contentStatus",
               "identifier": "identifier", "version": "version"}
#: the properties that name a person
AUTHOR_PROPERTIES = ("author", "lastModifiedBy", "manager")


def load_workbook(path: Path):  # -> openpyxl.Workbook
    import openpyxl

    with warnings.catch_warnings():  # unsupported extensions are warned about: not ours
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path, data_only=False)


def xlsx_units(path: Path, display: str) -> tuple[list[Unit], list[Unit]]:  # noqa: C901 (to split)
    """Units of every sheet (hidden ones, hidden rows and columns included), cell
    comments, sheet names and document properties; and the units of leftover XML
    text (``(xml)`` parts: pivot caches, charts, headers…), scanned separately."""
    book = load_workbook(path)
    units: list[Unit] = []
    for index, ws in enumerate(book.worksheets, 1):
        units.append(Unit(ws.title, Place(display, part="(sheet names)", name=str(index))))
        kinds: dict[str, str | None] = {}
        headers: dict[str, str] = {}
        header_row = None
        for row in ws.iter_rows():
            for cell in row:
                text = cell_text(cell.value)
                if cell.comment is not None:
                    for what, name in ((cell.comment.text, "text"),
                                       (cell.comment.author, "author")):
                        if what and str(what).strip():
                            units.append(Unit(str(what), Place(display, sheet=ws.title,
                                                               cell=cell.coordinate,
                                                               part="(comment)", name=name)))
                if text is None:
                    continue
                letter = cell.column_letter
                if header_row is None:
                    header_row = cell.row
                if cell.row == header_row:
                    headers[letter] = text.strip()
                    kinds[letter] = header_kind(text.strip())
                    kind = None
                else:
                    kind = kinds.get(letter)
                units.append(Unit(text, Place(display, sheet=ws.title, cell=cell.coordinate,
                                              field=headers.get(letter)), column_kind=kind))
    props = book.properties
    for attr, name in _PROPERTIES.items():
        value = getattr(props, attr, None)
        if value is not None and str(value).strip():
            units.append(Unit(str(value), Place(display, part="(properties)", name=name)))
    for prop in getattr(book, "custom_doc_props", None) or ():
        value = getattr(prop, "value", None)
        if isinstance(value, str) and value.strip():
            units.append(Unit(value, Place(display, part="(properties)", name=str(prop.name))))
    with zipfile.ZipFile(path) as archive:  # Company and Manager (openpyxl drops them)
        app = (archive.read("docProps/app.xml").decode("utf-8", "replace")
               if "docProps/app.xml" in archive.namelist() else "")
    for tag in ("Manager", "Company"):
        m = re.search(rf"<(?:\w+:)?{tag}>([^<]*)<", app)
        if m and m.group(1).strip():
            units.append(Unit(html.unescape(m.group(1)),
                              Place(display, part="(properties)", name=tag.lower())))
    return units, _xml_units(path, display)


_XML_TEXT = re.compile(r">([^<]+)<|\bv=\"([^\"]*)\"")
_HEADER_FOOTER = re.compile(r"(?s)<(?:\w+:)?(?:odd|even|first)(?:Header|Footer)\b[^>]*>(.*?)<")
_NUMBER = re.compile(r"^\s*-?\d*\.\d+(?:[eE][-+]?\d+)?\s*$|^\s*-?\d+[eE][-+]?\d+\s*$")


def _xml_units(path: Path, display: str) -> list[Unit]:
    """Text of every XML part of a workbook that openpyxl does not read as cells."""
    units = []
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if not member.endswith(".xml") or member.endswith(".rels"):
                continue
            raw = archive.read(member).decode("utf-8", "replace")
            if "/worksheets/" in member:
                texts = [m.group(1) for m in _HEADER_FOOTER.finditer(raw)]
            else:
                texts = [m.group(1) or m.group(2) or "" for m in _XML_TEXT.finditer(raw)]
            texts = [html.unescape(t) for t in texts if t.strip() and not _NUMBER.match(t)]
            if texts:
                units.append(Unit("\n".join(texts), Place(display, part="(xml)", name=member)))
    return units


def is_sqlite(path: Path) -> bool:
    """Whether the file is an SQLite database (by its header)."""
    with open(path, "rb") as fh:
        return fh.read(16) == b"SQLite format 3\0"


def sqlite_cells(db) -> Iterator[tuple[str, str, int, str]]:  # db: sqlite3.Connection
    """``(table, column, rowid, text)`` for every text value of every table."""
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        columns = [r[1] for r in db.execute(f"PRAGMA table_info({quoted})")]
        try:
            rows = db.execute(f"SELECT rowid, * FROM {quoted}").fetchall()
        except Exception:  # noqa: BLE001 - a WITHOUT ROWID table: read it by position
            rows = [(i, *r) for i, r in enumerate(db.execute(f"SELECT * FROM {quoted}"), 1)]
        for row in rows:
            for column, value in zip(columns, row[1:], strict=False):
                if isinstance(value, str | int) and not isinstance(value, bool) and \
                        str(value).strip():
                    yield table, column, row[0], str(value)


def sqlite_units(path: Path, display: str) -> list[Unit]:
    """Every text (and whole-number) value of every table of a SQLite file (OCEL 2.0
    SQLite exports): ``file!(table):column@rowid``."""
    import sqlite3

    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [Unit(text, Place(display, part=f"({table})", name=f"{column}@{rowid}"))
                for table, column, rowid, text in sqlite_cells(db)]
    finally:
        db.close()
