"""The agency return template: written by `workbench template`, filled, imported back."""

import datetime as dt
import json

import openpyxl
import pytest

from workbench.agencies import load_aliases
from workbench.cli import main
from workbench.io.columns import field_for
from workbench.kinds import KINDS
from workbench.outputs.template import INSTRUCTIONS_SHEET, TEMPLATE_COLUMNS, kind_choices

#: reasons that say a column was not read as written (none may appear)
COLUMN_REASONS = {"missing-column", "duplicate-column", "unknown-mapped-column",
                  "column-guessed"}


def _list_values(book, ws, column_name):
    """The values a column's drop-down offers, read through its formula."""
    header = [c.value for c in ws[1]]
    letter = openpyxl.utils.get_column_letter(header.index(column_name) + 1)
    dv = next(d for d in ws.data_validations.dataValidation
              if str(d.sqref).startswith(f"{letter}2:"))
    sheet, cells = dv.formula1.split("!")
    assert sheet.strip("'") == INSTRUCTIONS_SHEET
    return [c.value for (c,) in book[INSTRUCTIONS_SHEET][cells.replace("$", "")]], dv


def test_template_has_a_sheet_per_bundled_agency_recognised_columns_and_drop_downs(tmp_path):
    out = tmp_path / "returns.xlsx"
    assert main(["template", "-o", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    agencies = list(load_aliases().names)
    assert book.sheetnames == [INSTRUCTIONS_SHEET, *agencies]
    police = book["Police"]
    header = [c.value for c in police[1]]
    assert header == [name for name, _, _ in TEMPLATE_COLUMNS]
    # every column is one the importer recognises by its name alone, each a different field
    fields = [field_for(h) for h in header]
    assert None not in fields and len(set(fields)) == len(fields)
    kinds, dv = _list_values(book, police, "Event type")
    assert kinds == [k for k, _ in kind_choices()] and len(kinds) == len(KINDS)
    assert dv.type == "list" and max(r.max_row for r in dv.sqref.ranges) >= 1000
    offered, _ = _list_values(book, police, "Shared with")
    assert offered == agencies
    grades, _ = _list_values(book, police, "Risk grading")
    assert grades == ["Absent", "Low", "Medium", "High"]
    prompts = {str(d.sqref).split(":")[0][0]: d.prompt for d in police.data_validations.dataValidation}
    assert "05/02/2025" in prompts["A"] and "02/2025" in prompts["A"]   # the date hint
    assert "24-hour" in prompts["B"]
    words = " ".join(str(c.value) for row in book[INSTRUCTIONS_SHEET].iter_rows() for c in row
                     if c.value)
    assert "workbench import" in words and "day first" in words


def test_agency_options_choose_the_sheets(tmp_path):
    out = tmp_path / "t.xlsx"
    assert main(["template", "-o", str(out), "--agency", "Police",
                 "--agency", "Riverside Academy: Year 9 [pastoral]"]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [INSTRUCTIONS_SHEET, "Police", "Riverside Academy- Year 9 -past"]
    offered, _ = _list_values(book, book["Police"], "Shared with")
    assert offered == ["Police", "Riverside Academy: Year 9 [pastoral]"]


def test_a_template_that_is_not_a_workbook_is_refused(tmp_path, capsys):
    assert main(["template", "-o", str(tmp_path / "t.csv")]) == 2
    assert "name it .xlsx" in capsys.readouterr().err


@pytest.mark.slow
def test_filled_template_imports_back_without_mapping_or_column_warnings(tmp_path, capsys):
    template = tmp_path / "template.xlsx"
    assert main(["template", "-o", str(template)]) == 0
    book = openpyxl.load_workbook(template)
    police, school = book["Police"], book["School"]
    # fictional rows, typed as an agency would: text dates, a real date cell, drop-down words
    police.append(["05/02/2025", "22:00", None, "Missing report", "Child A reported missing",
                   "Reported by carer at 21:40", "Graded, patrols tasked", None, None,
                   "Medium", "PC 1", "Log 1"])
    police.append([dt.datetime(2025, 2, 6, 9, 0), None, None, "Found",
                   "Child A found in town centre", None, "Returned to carer", "Safe",
                   "Children's Social Care; School", None, "PC 2", "Log 2"])
    school.append(["02/2025", None, None, "Contact", "Attendance falling", None, None, None,
                   None, None, "DSL", "Pastoral file p.3"])
    school.append(["10/02/2025", "10:00", None, "Referral", "Referral about exploitation risk",
                   None, None, None, "Children's Social Care", None, "DSL", None])
    filled = tmp_path / "returns.xlsx"
    book.save(filled)
    capsys.readouterr()
    case = tmp_path / "case"
    assert main(["import", str(filled), "-o", str(case), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    problems = report["problems"]
    assert [p for p in problems if p["reason"] in COLUMN_REASONS] == []
    assert [p for p in problems if p["severity"] == "error"] == []
    # the only warnings: the instructions and the sheets left empty are not read
    unread = {p["sheet"] for p in problems}
    assert {p["reason"] for p in problems} <= {"several-sheets"}
    assert unread == {INSTRUCTIONS_SHEET, *(n for n in load_aliases().names
                                            if n not in ("Police", "School"))}
    from workbench.io.casefile import load_case

    events = load_case(case).events.sort_values("start")
    rows = events[["agency", "kind", "risk_grade", "author", "recipients", "precision"]]
    assert rows.values.tolist() == [
        ["School", "contact", "", "DSL", "", "month"],
        ["Police", "missing_report", "medium", "PC 1", "", "minute"],
        ["Police", "found", "", "PC 2", "Children's Social Care; School", "minute"],
        ["School", "referral", "", "DSL", "Children's Social Care", "minute"],
    ]
    assert (events["kind_basis"] == "column").all()
