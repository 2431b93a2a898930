"""A record exported in long form (Record Ref | Attribute | Value, one line per field) is
read as one row per record, at its first line, with every value kept: the chronology a
police system exports this way is otherwise refused for having no date column."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from tests.casebuilder import write_csv
from workbench.errors import Reason, Severity
from workbench.io.chronology import read_chronology
from workbench.io.importer import import_report

TITLE = ["Northshire Police | Missing person records for Child Q | attribute listing"]
HEADER = ["Record Ref", "Attribute", "Value"]
LINES = [
    ["MP/1", "Reported", "04/02/2025 23:10 by carer (phone)"],
    ["MP/1", "Risk assessment", "MEDIUM"],
    ["MP/1", "Located", "05/02/2025 0140hrs Eastgate bus station - patrol"],
    ["", "", "Q would not say where she had been."],  # no key: the record above goes on
    ["MP/1", "RHI referral", "Sent to the Lantern Project 05/02/2025"],
    ["MP/2", "Reported", "11/02/2025 2230 by carer"],
    ["MP/2", "Risk assessment", "LOW"],
    ["MP/2", "Located", "12/02/2025 0630 returned home"],
    ["MP/2", "Note", "Spoke to Q at the door."],
    ["MP/2", "Note", "Q said an older man called Dee gives her lifts."],
]


def _csv(tmp_path, rows, name="police_longform.csv"):
    return write_csv(tmp_path / name, rows)


def test_a_long_form_table_is_read_as_one_row_per_record_at_its_first_line(tmp_path):
    path = _csv(tmp_path, [TITLE, HEADER, *LINES])
    (table,), problems = read_chronology(path)
    assert [r.line for r in table.rows] == [3, 8]
    assert table.lines == len(LINES)
    assert table.title_block == (TITLE[0],)
    first, second = ({**r.values, **dict(r.extra)} for r in table.rows)
    assert first["ref"] == "MP/1" and first["at"] == "04/02/2025 23:10 by carer (phone)"
    assert first["Located"] == "05/02/2025 0140hrs Eastgate bus station - patrol; Q would " \
                              "not say where she had been."
    # an attribute written twice in one record keeps both values, in order
    assert second["details"] == "Spoke to Q at the door.; Q said an older man called Dee " \
                             "gives her lifts."
    (long,) = [p for p in problems if p.reason is Reason.LONG_FORM]
    assert long.severity is Severity.WARNING and (long.file, long.line) == (path.name, 2)
    assert "10 lines are read as 2 records" in long.message


def test_every_value_of_a_long_form_record_reaches_its_event(tmp_path):
    report = import_report([_csv(tmp_path, [TITLE, HEADER, *LINES])])
    ev = report.case.events
    reports = ev.loc[ev["kind"].eq("missing_report")]
    assert reports["source"].tolist() == ["police_longform.csv:3", "police_longform.csv:8"]
    assert reports["risk_grade"].tolist() == ["medium", "low"]
    text = " ".join(ev["when"] + " " + ev["summary"] + " " + ev["details"])
    for _, attribute, value in LINES:
        assert attribute == "Risk assessment" or value in text  # the grades: above
    # the found written in the Located line is the episode's end, not the next report
    found = ev.loc[ev["kind"].eq("found")]
    assert found["start"].dt.strftime("%d/%m %H:%M").tolist() == ["05/02 01:40", "12/02 06:30"]


def test_a_long_form_sheet_of_a_workbook_is_read_too(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "MFH"
    for row in [TITLE, HEADER, *LINES]:
        sheet.append(row)
    path = tmp_path / "police_longform.xlsx"
    book.save(path)
    (table,), problems = read_chronology(path)
    assert [r.line for r in table.rows] == [3, 8]
    assert table.letters == {f: "" for f in table.columns}  # the cells moved: no letters
    assert any(p.reason is Reason.LONG_FORM and p.sheet == "MFH" for p in problems)


@pytest.mark.parametrize("header", [
    ["Date", "Field", "Value"],  # a dated change log: read line by line
    ["Record Ref", "Value", "Note"],  # no attribute column
])
def test_a_table_that_only_looks_long_is_read_line_by_line(tmp_path, header):
    rows = [[f"0{d}/02/2025", "Status", f"step {d}"] for d in range(1, 7)]
    (table,), problems = read_chronology(_csv(tmp_path, [header, *rows]))
    assert len(table.rows) == 6
    assert not any(p.reason is Reason.LONG_FORM for p in problems)


def test_keys_that_never_repeat_are_no_long_form(tmp_path):
    rows = [[f"R{i}", "Summary", f"0{i}/02/2025 seen at school"] for i in range(1, 7)]
    _, problems = read_chronology(_csv(tmp_path, [HEADER, *rows]))
    assert not any(p.reason is Reason.LONG_FORM for p in problems)


def test_a_date_column_given_with_map_keeps_the_table_as_written(tmp_path):
    rows = [HEADER, *([k, a, v] for k, a, v in LINES if k)]
    (table,), problems = read_chronology(_csv(tmp_path, rows), mapping={"at": "Value"})
    assert len(table.rows) == len(rows) - 1
    assert not any(p.reason is Reason.LONG_FORM for p in problems)
