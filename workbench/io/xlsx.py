"""Reading XLSX workbooks cell by cell, in openpyxl's read-only mode.

Each sheet is parsed once as a stream (memory stays flat for big workbooks); the
same pass finds merged cells, hidden rows and hidden columns, so that a value is
never silently lost: a merged value is read into every cell it spans, hidden rows
and columns are read like the rest, and a formula is read as its last calculated
value (a second pass, only when the sheet has formulas). Each of these is a
warning naming the cell.

openpyxl's read-only worksheets do not expose merged cells or row and column
dimensions, so the sheet XML is parsed with openpyxl's own streaming
``WorkSheetParser`` (the parser read-only mode uses).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

from workbench.errors import Problem, Reason, Severity, _shorten

__all__ = ["Sheet", "cell_text", "read_workbook"]

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


def _parse(book: object, ws: object, *, data_only: bool) -> tuple[list, object]:
    from openpyxl.worksheet._reader import WorkSheetParser

    with ws._get_source() as src:  # type: ignore[attr-defined]
        parser = WorkSheetParser(src, ws._shared_strings, data_only=data_only,  # type: ignore[attr-defined]
                                 epoch=book.epoch, date_formats=book._date_formats,  # type: ignore[attr-defined]
                                 timedelta_formats=book._timedelta_formats)  # type: ignore[attr-defined]
        rows = list(parser.parse())
    return rows, parser


def _sheet(book: object, ws: object, name: str, problems: list[Problem]) -> Sheet:
    title = ws.title  # type: ignore[attr-defined]
    rows, parser = _parse(book, ws, data_only=False)
    grid: dict[int, dict[int, str]] = {}
    formulas: list[tuple[int, int, str]] = []
    for number, cells in rows:
        line = grid.setdefault(number, {})
        for cell in cells:
            if cell["value"] is None:
                continue
            if cell["data_type"] == "f":
                formulas.append((number, cell["column"], str(cell["value"])))
            line[cell["column"]] = cell_text(cell["value"])
    if formulas:  # the values a spreadsheet program saved with the formulas
        cached, _ = _parse(book, ws, data_only=True)
        saved = {(n, c["column"]): c["value"] for n, cells in cached for c in cells}
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
        problems.append(Problem(file=name, sheet=title, cell=ref, line=min_row,
                                reason=Reason.MERGED_CELLS, severity=W, value=ref,
                                message=f"merged cells {ref}: the value {_shorten(value)} is "
                                "read into every cell they span"))
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                grid.setdefault(r, {})[c] = value
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


def read_workbook(path: Path, name: str, problems: list[Problem]) -> list[Sheet] | None:
    """Every worksheet of an XLSX file as text; None (with a problem) if it cannot be read."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # zip or XML damage: openpyxl raises many kinds
        problems.append(Problem(file=name, reason=Reason.UNREADABLE_FILE,
                                message=f"not a readable XLSX workbook: {exc}"))
        return None
    try:
        return [_sheet(book, ws, name, problems) for ws in book.worksheets]
    except Exception as exc:  # a damaged sheet part
        problems.append(Problem(file=name, reason=Reason.UNREADABLE_FILE,
                                message=f"not a readable XLSX workbook: {exc}"))
        return None
    finally:
        book.close()
