"""Which sheets of a workbook hold a chronology, and how a sheet that is no chronology is
told apart: a table with dates and text (read), notes or a form beside the diary (read,
undated), a register beside the minutes (read with its most telling column as the text).
"""

from __future__ import annotations

from collections.abc import Mapping

from workbench.io.columns import TEXT_FIELDS, find_header, guess_date_column, map_columns
from workbench.io.reshape import stands_for_a_table
from workbench.io.xlsx import Sheet

__all__ = ["has_text", "is_chronology", "is_form", "longest_column"]


def is_chronology(sheet: Sheet, mapping: Mapping[str, str]) -> bool:
    """Whether a sheet is a chronology: a header, rows below it, a date column (named or
    found in the cells) and text; or one that stands for such a table
    (:mod:`workbench.io.reshape`)."""
    start = find_header(sheet.records, mapping)
    if start is None:
        return False
    header = sheet.records[start][1]
    layout = map_columns(header, mapping)
    columns = layout.index
    body = any(any(c.strip() for c in cells) for _, cells in sheet.records[start + 1:])
    # a table with a date column and at least one other column is a chronology: its
    # event text, or its date, may sit under a name no return has used before
    # ("Conversation held"): read_table guesses them from the cells
    dated = "at" in columns or guess_date_column(
        sheet.records, start, [i for i, why, _ in layout.notes if why in ("unknown", "unnamed")]
    ) is not None
    return (dated and body and (any(f in columns for f in TEXT_FIELDS)
                                or sum(1 for c in header if c.strip()) >= 2)
            ) or stands_for_a_table(sheet.records, mapping)


def is_form(sheet: Sheet) -> bool:
    """Whether a sheet is a form: two columns of labels and values, three labels or more."""
    rows = [r for r in ([c.strip() for c in cells] for _, cells in sheet.records) if any(r)]
    used = {i for r in rows for i, c in enumerate(r) if c}
    first = next((n for n, r in enumerate(rows) if sum(1 for c in r if c) == 2), None)
    return first is not None and len(used) == 2 and \
        sum(1 for r in rows[first + 1:] if r[min(used)]) >= 3


def has_text(sheet: Sheet, mapping: Mapping[str, str]) -> bool:
    """Whether a sheet is a table with an event text column and rows under its header
    (notes, with or without dates)."""
    start = find_header(sheet.records, mapping)
    return start is not None and any(
        any(c.strip() for c in cells) for _, cells in sheet.records[start + 1:]) and any(
        f in map_columns(sheet.records[start][1], mapping).index for f in TEXT_FIELDS)


def longest_column(records: list[tuple[int, list[str]]], mapping: Mapping[str, str]) -> str | None:
    """The name of a table's column, read as no field, that tells its rows apart best
    (most distinct values, then the longest: a name, not "Present" on every row)."""
    start = find_header(records, mapping)
    if start is None:
        return None
    header = records[start][1]
    taken = set(map_columns(header, mapping).index.values())
    body = [cells for _, cells in records[start + 1:]]
    score = {i: (len({c[i].strip() for c in body if i < len(c)} - {""}),
                 sum(len(c[i].strip()) for c in body if i < len(c)))
             for i, h in enumerate(header) if h.strip() and i not in taken}
    best = max(score, key=score.__getitem__, default=None)
    return header[best] if best is not None and score[best][0] else None
