"""Reading XLSX workbooks cell by cell, in openpyxl's read-only mode.

Each sheet is parsed once as a stream (memory stays flat for big workbooks); the
same pass finds merged cells, hidden rows and hidden columns, so that a value is
never silently lost: a merged value is read into every row it spans (once per row,
in its first column), hidden rows
and columns are read like the rest, and a formula is read as its last calculated
value (a second pass, only when the sheet has formulas). Each of these is a
warning naming the cell.

openpyxl's read-only worksheets do not expose merged cells or row and column
dimensions, so the sheet XML is parsed with openpyxl's own streaming
``WorkSheetParser`` (the parser read-only mode uses).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import Problem, Reason, Severity, _shorten

if TYPE_CHECKING:
    from openpyxl.worksheet._reader import WorkSheetParser

__all__ = ["Sheet", "cell_text", "check_limits", "read_workbook"]

W = Severity.WARNING


@dataclass(frozen=True)
class Sheet:
    """One worksheet's cells as text, by row number, and whether it is hidden."""

    title: str
    hidden: bool
    records: tuple[tuple[int, tuple[str, ...]], ...]

    @property
    def holds_text(self) -> bool:
        return any(c.strip() for _, cells in self.records for c in cells)


def cell_text(value: object) -> str:
    """A cell's value as the text a person sees (dates as ISO, 5.0 as 5)."""
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


class _TooLarge(Exception):
    """A workbook over a limit; ``args[0]`` is the problem."""


def _parse(book: object, ws: object, *, data_only: bool,
           each: Callable[[int, list[dict[str, Any]]], None]) -> WorkSheetParser:
    """Stream the sheet's rows to ``each(number, cells)``; return the parser (its merged
    cells and row and column dimensions are known once every row is read)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    with ws._get_source() as src:  # type: ignore[attr-defined]
        parser = WorkSheetParser(src, ws._shared_strings, data_only=data_only,  # type: ignore[attr-defined]
                                 epoch=book.epoch, date_formats=book._date_formats,  # type: ignore[attr-defined]
                                 timedelta_formats=book._timedelta_formats)  # type: ignore[attr-defined]
        for number, cells in parser.parse():
            each(number, cells)
    return parser


def _sheet(book: object, ws: object, name: str, problems: list[Problem],  # noqa: C901 (to split)
           max_cells: int) -> Sheet:
    # openpyxl (some 13 MB) only when a workbook is read: a dashboard kernel that opens
    # a case of CSV chronologies never loads it
    from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

    title = ws.title  # type: ignore[attr-defined]
    grid: dict[int, dict[int, str]] = {}
    formulas: list[tuple[int, int, str]] = []
    count = 0

    def keep(number: int, cells: list[dict[str, Any]]) -> None:
        nonlocal count
        line = grid.setdefault(number, {})
        for cell in cells:
            if cell["value"] is None:
                continue
            count += 1
            if count > max_cells:
                raise _TooLarge(Problem(file=name, sheet=title, line=number,
                                        reason=Reason.FILE_TOO_LARGE, value=f"{count:,} cells",
                                        message=f"more than {max_cells:,} cells hold a value "
                                        f"(reading stopped at row {number}): over the limit; "
                                        "split the workbook"))
            if cell["data_type"] == "f":
                formulas.append((number, cell["column"], str(cell["value"])))
            line[cell["column"]] = cell_text(cell["value"])

    parser = _parse(book, ws, data_only=False, each=keep)
    if formulas:  # the values a spreadsheet program saved with the formulas
        wanted = {(n, c) for n, c, _ in formulas}
        saved: dict[tuple[int, int], object] = {}

        def cache(number: int, cells: list[dict[str, Any]]) -> None:
            for c in cells:
                if (number, c["column"]) in wanted:
                    saved[number, c["column"]] = c["value"]

        _parse(book, ws, data_only=True, each=cache)
        for number, column, formula in formulas:
            coordinate = f"{get_column_letter(column)}{number}"
            value = saved.get((number, column))
            if value is None:
                message = (f"formula cell with no saved value (the file was not last saved "
                           f"by a spreadsheet program): its formula {_shorten(formula)} is read "
                           "as text; paste the value in place of the formula")
            else:
                grid[number][column] = cell_text(value)
                message = (f"formula cell: its last calculated value {_shorten(value)} is read "
                           f"(formula {_shorten(formula)})")
            problems.append(Problem(file=name, sheet=title, line=number, cell=coordinate,
                                    reason=Reason.FORMULA_CELL, severity=W,
                                    value=_shorten(formula), message=message))
    merged = [str(m.ref) for m in parser.merged_cells.mergeCell] if parser.merged_cells else []
    for ref in merged:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        value = grid.get(min_row, {}).get(min_col, "")
        # down the rows a merge spans (a date over that day's entries) the value is read
        # into each row; across columns (a title, a month banner) only once, in the first
        across = max_col > min_col
        problems.append(Problem(file=name, sheet=title, cell=ref, line=min_row,
                                reason=Reason.MERGED_CELLS, severity=W, value=ref,
                                message=f"merged cells {ref}: the value {_shorten(value)} is "
                                + ("read into the first column of every row they span"
                                   if across else "read into every cell they span")))
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                grid.setdefault(r, {})[c] = value if c == min_col or not across else ""
    width = max((max(line) for line in grid.values() if line), default=0)
    records = tuple((n, tuple(grid[n].get(c, "") for c in range(1, width + 1)))
                    for n in sorted(grid))
    hidden_rows = sorted(int(r) for r, d in parser.row_dimensions.items()
                         if str(d.get("hidden", "")).lower() in ("1", "true"))
    for number in hidden_rows:
        if any(c.strip() for c in grid.get(number, {}).values()):
            problems.append(Problem(file=name, sheet=title, line=number, cell=f"A{number}",
                                    reason=Reason.HIDDEN_CONTENT, severity=W,
                                    message=f"hidden row {number} holds text: it is read like "
                                    "any other row"))
    for letter, d in parser.column_dimensions.items():
        if str(d.get("hidden", "")).lower() not in ("1", "true"):
            continue
        first = int(d.get("min") or column_index_from_string(letter))
        last = int(d.get("max") or first)
        for c in range(first, last + 1):
            if any(line.get(c, "").strip() for line in grid.values()):
                col = get_column_letter(c)
                problems.append(Problem(file=name, sheet=title, cell=f"{col}1", line=1,
                                        reason=Reason.HIDDEN_CONTENT, severity=W,
                                        message=f"hidden column {col} holds text: it is read "
                                        "like any other column"))
    return Sheet(title, ws.sheet_state != "visible", records)  # type: ignore[attr-defined]


_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')


def _column(letters: str) -> int:
    """The 1-based index of a column's letters (any length: a hostile file may say ZZZZ)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _tags(xml: str, tag: str) -> list[dict[str, str]]:
    """The attributes of every ``<tag ...>`` in ``xml`` (namespace prefixes dropped)."""
    found = re.findall(rf"<(?:\w+:)?{tag}\s([^>]*)>", xml)
    return [{k.split(":")[-1] if k != "r:id" else "rid": v for k, v in _ATTR.findall(a)}
            for a in found]


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name -> sheet title, from the workbook and its relationships."""
    try:
        book = z.read("xl/workbook.xml")[:1_000_000].decode("utf-8", "replace")
        rels = z.read("xl/_rels/workbook.xml.rels")[:1_000_000].decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {r.get("Id", ""): r.get("Target", "") for r in _tags(rels, "Relationship")}
    out = {}
    for sheet in _tags(book, "sheet"):
        target = targets.get(sheet.get("rid", sheet.get("id", "")), "").lstrip("/")
        out[target if target.startswith("xl/") else f"xl/{target}"] = sheet.get("name", "")
    return out


def check_limits(path: Path, name: str, problems: list[Problem], *, max_uncompressed: int,
                 max_cells: int, max_shared_strings: int) -> bool:
    """Whether the workbook is within the limits, judged before anything is loaded: the
    uncompressed sizes in the zip's central directory, the shared strings' size, and
    each sheet's declared dimension; a problem (FILE_TOO_LARGE, located) when not."""
    def over(message: str, value: str, **where: object) -> bool:
        problems.append(Problem(file=name, reason=Reason.FILE_TOO_LARGE, value=value,
                                message=message, **where))  # type: ignore[arg-type]
        return False

    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        problems.append(Problem(file=name, reason=Reason.UNREADABLE_FILE,
                                message=f"not a readable XLSX workbook: {exc}"))
        return False
    with z:
        infos = z.infolist()
        total = sum(i.file_size for i in infos)
        if total > max_uncompressed:
            biggest = max(infos, key=lambda i: i.file_size)
            return over(f"{total:,} bytes uncompressed (over the limit of "
                        f"{max_uncompressed:,}; the largest part is {biggest.filename}, "
                        f"{biggest.file_size:,} bytes): split the workbook", f"{total:,} bytes")
        strings = sum(i.file_size for i in infos if i.filename.lower().endswith(
            "sharedstrings.xml"))
        if strings > max_shared_strings:
            return over(f"the shared strings take {strings:,} bytes uncompressed (over the "
                        f"limit of {max_shared_strings:,}): split the workbook",
                        f"{strings:,} bytes")
        titles = _sheet_parts(z)
        for info in infos:
            if not (info.filename.startswith("xl/worksheets/") and
                    info.filename.endswith(".xml")):
                continue
            title = titles.get(info.filename, info.filename)
            with z.open(info) as fh:
                head = fh.read(8192)
            m = _DIMENSION.search(head)
            if m and m.group(4):
                a, r1, b, r2 = (g.decode() if g else "" for g in m.groups())
                cells = (_column(b) - _column(a or "A") + 1) * (int(r2) - int(r1 or 1) + 1)
                if cells > max_cells:
                    ref = m.group(0).split(b'"')[1].decode()
                    return over(f"the sheet declares {ref}, {cells:,} cells (over the limit "
                                f"of {max_cells:,}): split the workbook", f"{cells:,} cells",
                                sheet=title, cell=ref)
            values = _count_values(z, info, max_cells)
            if values > max_cells:  # no dimension, or a false one: the values counted
                return over(f"more than {max_cells:,} cells hold a value (over the limit): "
                            "split the workbook", f"{values:,} cells", sheet=title)
    return True


_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)>")


def _count_values(z: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> int:
    """How many cell values (``<v>``, ``<is>``) a sheet part holds, read as a byte
    stream without parsing (stops once past ``limit``)."""
    count, tail = 0, b""
    with z.open(info) as fh:
        while block := fh.read(1 << 20):
            chunk = tail + block
            count += len(_VALUE.findall(chunk))
            tail = chunk[-8:]
            count -= len(_VALUE.findall(tail))  # counted again at the next chunk's start
            if count > limit:
                break
    return count + len(_VALUE.findall(tail))


def read_workbook(path: Path, name: str, problems: list[Problem], *,
                  max_cells: int = 1_000_000) -> list[Sheet] | None:
    """Every worksheet of an XLSX file as text; None (with a problem) if it cannot be
    read, or if more than ``max_cells`` cells hold a value (reading stops there)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # zip or XML damage: openpyxl raises many kinds
        problems.append(Problem(file=name, reason=Reason.UNREADABLE_FILE,
                                message=f"not a readable XLSX workbook: {exc}"))
        return None
    try:
        sheets = []
        for ws in book.worksheets:
            sheets.append(_sheet(book, ws, name, problems, max_cells))
            max_cells -= sum(len(c) for _, c in sheets[-1].records)
        return sheets
    except _TooLarge as exc:
        problems.append(exc.args[0])
        return None
    except Exception as exc:  # a damaged sheet part
        problems.append(Problem(file=name, reason=Reason.UNREADABLE_FILE,
                                message=f"not a readable XLSX workbook: {exc}"))
        return None
    finally:
        book.close()
