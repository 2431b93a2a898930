"""The agency return template: a workbook a review sends to each agency and imports back.

:func:`write_return_template` writes an XLSX workbook with an ``Instructions`` sheet and one
sheet per agency (named after the agency, so that the importer knows whose rows they are).
Each agency sheet has one header row of :data:`TEMPLATE_COLUMNS`, names the importer
recognises without a mapping (:data:`workbench.io.columns.FIELDS`); drop-down lists offer
the event kinds, the agencies (for "Shared with") and the risk gradings; the date and time
columns show a hint of the formats read when a cell is selected. The filled workbook is
imported with ``workbench import returns.xlsx -o CASE``.

>>> import tempfile, openpyxl
>>> path = write_return_template(tempfile.mkdtemp() + "/returns.xlsx", ["Police", "School"])
>>> book = openpyxl.load_workbook(path)
>>> book.sheetnames
['Instructions', 'Police', 'School']
>>> [c.value for c in book["Police"][1]][:4]
['Date', 'Time', 'End date', 'Event type']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from workbench.agencies import load_aliases
from workbench.io.atomic import atomic_path
from workbench.kinds import GRADES, KINDS, kind_labels

__all__ = ["INSTRUCTIONS_SHEET", "TEMPLATE_COLUMNS", "kind_choices", "template_agencies",
           "write_return_template"]

INSTRUCTIONS_SHEET = "Instructions"
#: the header of every agency sheet: (column name, width, what to write)
TEMPLATE_COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("Date", 13, "The date of the event, day first: 05/02/2025. When the day is not known, "
                 "the month (02/2025) or the year (2025); a period: 01/2025 - 03/2025."),
    ("Time", 8, "The time on the 24-hour clock, 22:15. Leave empty when not recorded."),
    ("End date", 13, "For an event that lasted: the date it ended (same formats as Date)."),
    ("Event type", 26, "Choose from the list (see the Instructions sheet). Leave empty if "
                       "none fits: the type is then read from the summary."),
    ("Summary", 40, "One line: what happened."),
    ("Details", 60, "What was recorded, in the record's own words. No names: use the "
                    "review's labels (Child A, Adult 1)."),
    ("Action taken", 30, "What your agency did, or why nothing was done."),
    ("Outcome", 24, "What came of it, where known."),
    ("Shared with", 28, "The agencies told about it (choose one, or type several "
                        "separated by ';'). Leave empty if not shared."),
    ("Risk grading", 13, "For missing episodes: the police risk grading."),
    ("Recorded by", 18, "The role of the person who recorded it (PC 1, Social Worker 2)."),
    ("Source ref", 14, "Where it is in your records (document, page or paragraph)."),
)
_ROWS = 1000                     # rows that carry the drop-downs and hints
_BAD_TITLE = re.compile(r"[\\/?*\[\]:]")


def kind_choices() -> list[tuple[str, str]]:
    """(what the drop-down offers, what it means) for each event kind. The offered text is
    the kind's id in words ("Missing report"), which the importer reads as that kind."""
    labels = kind_labels()
    return [(k.replace("_", " ").capitalize(), labels.get(k, "")) for k in KINDS]


def template_agencies(agencies: Iterable[str] | None = None) -> list[str]:
    """The agencies to give a sheet: those named, else the bundled agency list."""
    names = list(agencies) if agencies else list(load_aliases().names)
    return list(dict.fromkeys(n.strip() for n in names if n and n.strip()))


def _sheet_title(name: str, taken: set[str]) -> str:
    """A worksheet title for an agency: at most 31 characters, none that Excel forbids."""
    base = _BAD_TITLE.sub("-", name).strip("'") or "Agency"
    title, n = base[:31], 1
    while title.lower() in taken:
        n += 1
        title = f"{base[:31 - len(str(n)) - 1]} {n}"
    taken.add(title.lower())
    return title


def write_return_template(path: str | Path, agencies: Sequence[str] | None = None) -> Path:
    """Write the return template to ``path`` (atomically); return the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    names = template_agencies(agencies)
    kinds = kind_choices()
    book = Workbook()
    info = book.active
    info.title = INSTRUCTIONS_SHEET
    lines = [
        ("Agency return for a multi-agency learning review", True),
        ("", False),
        ("1. Use the sheet named after your agency (one sheet per agency; leave the others "
         "empty).", False),
        ("2. One row per event, in any order. Keep the header row as it is; do not add title "
         "rows above it.", False),
        ("3. Dates day first: 05/02/2025, or 02/2025 or 2025 when the day is not known. Times "
         "on the 24-hour clock (22:15), in the Time column.", False),
        ("4. Event type, Shared with and Risk grading offer a list: select the cell and "
         "choose. The lists are below.", False),
        ("5. No names, addresses, dates of birth or reference numbers of the child or family: "
         "use the review's labels (Child A, Mother, Adult 1).", False),
        ("6. Send the workbook back as it is (XLSX). The review reads it with: "
         "workbench import returns.xlsx -o CASE", False),
        ("", False),
    ]
    for text, bold in lines:
        info.append([text])
        if bold:
            info.cell(info.max_row, 1).font = Font(bold=True, size=14)
    # the column guide, one cell a line: a row of two cells (a column name and its hint)
    # would look to the importer like the header of a chronology
    columns_at = info.max_row + 1
    info.append(["The columns"])
    for name, _, hint in TEMPLATE_COLUMNS:
        info.append([f"{name}: {hint}"])
    info.append([])
    lists_at = info.max_row + 1
    info.append(["Event type", "What it means", "", "Agencies", "", "Risk grading"])
    for row in (columns_at, lists_at):
        for cell in info[row]:
            cell.font = Font(bold=True)
    for i in range(max(len(kinds), len(names), len(GRADES))):
        r = lists_at + 1 + i
        if i < len(kinds):
            info.cell(r, 1, kinds[i][0])
            info.cell(r, 2, kinds[i][1])
        if i < len(names):
            info.cell(r, 4, names[i])
        if i < len(GRADES):
            info.cell(r, 6, GRADES[i].capitalize())
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 90
    info.column_dimensions["D"].width = 30
    info.column_dimensions["F"].width = 14

    def span(col: int, count: int) -> str:
        letter = get_column_letter(col)
        return (f"'{INSTRUCTIONS_SHEET}'!${letter}${lists_at + 1}:"
                f"${letter}${lists_at + count}")

    letters = {name: get_column_letter(i + 1) for i, (name, _, _) in enumerate(TEMPLATE_COLUMNS)}
    hints = {name: hint for name, _, hint in TEMPLATE_COLUMNS}
    taken = {INSTRUCTIONS_SHEET.lower()}
    for agency in names:
        ws = book.create_sheet(_sheet_title(agency, taken))
        ws.append([name for name, _, _ in TEMPLATE_COLUMNS])
        for i, (_name, width, _) in enumerate(TEMPLATE_COLUMNS):
            ws.cell(1, i + 1).font = Font(bold=True)
            ws.column_dimensions[get_column_letter(i + 1)].width = width
        ws.freeze_panes = "A2"

        def validate(column: str, dv: DataValidation, ws=ws) -> None:
            dv.promptTitle = column[:32]
            dv.prompt = hints[column][:255]
            dv.showInputMessage = True
            ws.add_data_validation(dv)
            dv.add(f"{letters[column]}2:{letters[column]}{_ROWS + 1}")

        validate("Event type", DataValidation(
            type="list", formula1=span(1, len(kinds)), allow_blank=True, showErrorMessage=True,
            errorStyle="warning", errorTitle="Not an event type",
            error="Not one of the event types: keep it anyway, or choose from the list."))
        validate("Shared with", DataValidation(
            type="list", formula1=span(4, len(names)), allow_blank=True, showErrorMessage=True,
            errorStyle="information", errorTitle="Several agencies?",
            error="Several agencies are written separated by ';' (Police; School)."))
        validate("Risk grading", DataValidation(
            type="list", formula1=span(6, len(GRADES)), allow_blank=True,
            showErrorMessage=True, errorStyle="warning", errorTitle="Not a risk grading",
            error="The gradings are Absent, Low, Medium and High."))
        for column in ("Date", "Time", "End date", "Details", "Recorded by"):
            validate(column, DataValidation(allow_blank=True))
    with atomic_path(path) as temp:
        book.save(temp)
    return Path(path)
