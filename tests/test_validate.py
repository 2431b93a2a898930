"""Bad input is refused whole: every problem at once, located, with a reason.

Each fixture in ``tests/fixtures/bad/`` holds one fault (``several_problems.*`` hold
many); the tables below give the exact ``(reason, severity, location)`` of every
problem that :func:`workbench.io.validate.validate` must report for it, no more and no
fewer. The same tables drive the import tests (same problems, nothing written) and
the check that every :class:`~workbench.errors.Reason` is exercised somewhere.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from workbench.cli import main
from workbench.errors import CaseValidationError, Problem, Reason, Severity
from workbench.io.casefile import load_case
from workbench.io.chronology import Limits
from workbench.io.importer import import_chronologies, read_events
from workbench.io.validate import validate

FIXTURES = Path(__file__).parent / "fixtures"
BAD = FIXTURES / "bad"
E, W = Severity.ERROR, Severity.WARNING
R = Reason


def found(problems: list[Problem] | tuple[Problem, ...]) -> list[tuple[Reason, Severity, str]]:
    """Problems as sorted ``(reason, severity, location)``, locations relative to BAD."""
    return sorted((p.reason, p.severity, p.location.removeprefix(f"{BAD}/")) for p in problems)


def case(paths: str | tuple[str, ...], *expected: tuple[Reason, Severity, str],
         id: str | None = None, **options: object):  # noqa: A002 (pytest's word)
    """One table row: fixture path(s) under BAD, validate() options, expected problems."""
    paths = (paths,) if isinstance(paths, str) else paths
    return pytest.param(paths, options, sorted(expected), id=id or "+".join(paths))


#: chronology files and folders of them (read by validate and by import). Only what
#: cannot be read is an error; what is only unusual is a warning and the row is kept.
CHRONOLOGY_CASES = [
    # encodings: not UTF-8 is read as Windows-1252 (how Excel saves CSV), with a warning
    case("not_utf8.csv", (R.NOT_UTF8, W, "not_utf8.csv:2:26")),
    case("not_utf8.csv", id="not_utf8.csv --encoding cp1252", encoding="cp1252"),
    case("not_utf8.csv", (R.NOT_UTF8, E, "not_utf8.csv:2:26"), id="not_utf8.csv --encoding utf-8",
         encoding="utf-8"),
    case("bom.csv"),
    # quotes: RFC 4180, a bad quote is read on its own line, never merged with the next rows
    case("../hostile/stray-quote.csv", (R.MALFORMED_QUOTE, W, "stray-quote.csv:4:19"),
         (R.MALFORMED_QUOTE, W, "stray-quote.csv:5:54")),
    case("../hostile/unclosed-quote.csv", (R.MALFORMED_QUOTE, W, "unclosed-quote.csv:2:46")),
    case("future_date.csv", (R.FUTURE_DATE, W, "future_date.csv:2:Date")),
    # columns
    case("missing_date_column.csv", (R.MISSING_COLUMN, E, "missing_date_column.csv:1")),
    case("missing_text_column.csv", (R.MISSING_COLUMN, E, "missing_text_column.csv:1")),
    case("duplicate_column.csv", (R.DUPLICATE_COLUMN, W, "duplicate_column.csv:1:4")),
    case("synonym_columns.csv", (R.DUPLICATE_COLUMN, W, "synonym_columns.csv:1:4")),
    case("synonym_columns.csv", (R.UNKNOWN_FIELD, W, "synonym_columns.csv:1:4"),
         id="synonym_columns.csv --map summary=Event", mapping={"summary": "Event"}),
    case("unmapped_date_column.csv"),  # 'Occurred' is a date column's name
    case("unmapped_date_column.csv", (R.UNKNOWN_MAPPED_COLUMN, E, "unmapped_date_column.csv:1"),
         id="unmapped_date_column.csv --map at=Occured", mapping={"at": "Occured"}),
    case("unmapped_date_column.csv", (R.UNKNOWN_FIELD, E, "unmapped_date_column.csv:1"),
         id="unmapped_date_column.csv --map when=Occurred", mapping={"when": "Occurred"}),
    case("unmapped_date_column.csv", id="unmapped_date_column.csv --map at=Occurred",
         mapping={"at": "Occurred"}),
    case("guessed_column.csv", (R.COLUMN_GUESSED, W, "guessed_column.csv:1:1")),
    case("title_block.csv", (R.TITLE_BLOCK, W, "title_block.csv:4"),
         (R.AGENCY_ASSUMED, W, "title_block.csv:4")),
    # no agency column: the agency is read from the file name, and it is a new agency
    case("no_agency_column.csv", (R.AGENCY_ASSUMED, W, "no_agency_column.csv:1"),
         (R.UNKNOWN_AGENCY, W, "no_agency_column.csv:2")),
    case("no_agency_column.csv", id="no_agency_column.csv --agency Police", agency="Police"),
    # an empty agency cell is read as the return's agency (here, from its file name)
    case("empty_agency_cell", (R.MISSING_VALUE, W, "police.csv:3:Agency")),
    # records
    # records 2-4 and 6-7 span lines: problems are at the record's first line
    case("multiline_quoted.csv", (R.IMPOSSIBLE_DATE, W, "multiline_quoted.csv:5:Date"),
         (R.UNKNOWN_AGENCY, W, "multiline_quoted.csv:6:Agency")),
    case("ragged_rows.csv", (R.RAGGED_ROW, W, "ragged_rows.csv:2"),
         (R.RAGGED_ROW, W, "ragged_rows.csv:3")),
    case("control_characters.csv", (R.CONTROL_CHARACTER, W, "control_characters.csv:2:Event"),
         (R.BIDI_CHARACTER, W, "control_characters.csv:3:Details")),
    # sizes and files
    case("bom.csv", (R.FILE_TOO_LARGE, E, "bom.csv"), id="bom.csv max_bytes=10",
         limits=Limits(max_bytes=10)),
    case("bom.csv", (R.FIELD_TOO_LARGE, W, "bom.csv:2:Event"), id="bom.csv max_field_chars=20",
         limits=Limits(max_field_chars=20)),
    case("empty.csv", (R.EMPTY_FILE, E, "empty.csv")),
    case("blank.csv", (R.EMPTY_FILE, E, "blank.csv")),
    case("header_only.csv", (R.EMPTY_FILE, E, "header_only.csv")),
    case(("header_only.csv", "bom.csv"), (R.EMPTY_FILE, W, "header_only.csv")),
    case("chronology.xls", (R.UNSUPPORTED_FORMAT, E, "chronology.xls")),
    case("chronology.docx", (R.UNSUPPORTED_FORMAT, E, "chronology.docx")),
    case("no_such_file.csv", (R.FILE_NOT_FOUND, E, "no_such_file.csv")),
    case("not_a_workbook.xlsx", (R.UNREADABLE_FILE, E, "not_a_workbook.xlsx")),
    # identities and references (ids are <file stem>-<ref>)
    case("duplicate_ref.csv", (R.REF_IS_CITATION, W, "duplicate_ref.csv:4:Event ref")),
    case("duplicate_ref.csv", (R.DUPLICATE_EVENT_ID, W, "duplicate_ref.csv:4:Event ref"),
         id="duplicate_ref.csv --map ref='Event ref'", mapping={"ref": "Event ref"}),
    case("ref_collision", (R.DUPLICATE_EVENT_ID, W, "police.csv:2:Event ref")),  # police-2-1 twice
    case("same_refs"),  # refs 1 and 2 in both files: police-1, school-1, … do not collide
    case("unknown_reference.csv",
         (R.UNKNOWN_EVENT_REFERENCE, W, "unknown_reference.csv:4:Responds to")),
    # values
    case("unknown_agency.csv", (R.UNKNOWN_AGENCY, W, "unknown_agency.csv:2:Agency")),
    case("unknown_recipient.csv", (R.UNKNOWN_AGENCY, W, "unknown_recipient.csv:2:Shared with")),
    case("meeting_row.csv", (R.MEETING_CONVENOR_ASSUMED, W, "meeting_row.csv:3:Agency")),
    case("unknown_kind.csv", (R.UNKNOWN_KIND, W, "unknown_kind.csv:2:Type")),
    case("unknown_risk.csv", (R.UNKNOWN_GRADING, W, "unknown_risk.csv:2:Risk")),
    # dates and times: a date that cannot be read leaves its row undated, in its place
    case("impossible_date.csv", (R.IMPOSSIBLE_DATE, W, "impossible_date.csv:2:Date")),
    case("unparseable_date.csv", (R.UNPARSEABLE_DATE, W, "unparseable_date.csv:3:Date")),
    case("unparseable_time.csv", (R.UNPARSEABLE_TIME, W, "unparseable_time.csv:2:Time")),
    case("clock_change.csv", (R.NONEXISTENT_TIME, W, "clock_change.csv:2:Time"),
         (R.AMBIGUOUS_TIME, W, "clock_change.csv:3:Time")),
    case("mixed_timezones.csv", (R.MIXED_TIMEZONES, W, "mixed_timezones.csv:2:Date")),
    case("excel_serial.csv", (R.EXCEL_SERIAL_DATE, W, "excel_serial.csv:2:Date")),
    case("end_before_start.csv", (R.END_BEFORE_START, W, "end_before_start.csv:2:End date")),
    case("relative_no_anchor.csv",
         (R.UNRESOLVED_RELATIVE_DATE, W, "relative_no_anchor.csv:2:Date")),
    case("age_no_birth.csv", (R.UNRESOLVED_RELATIVE_DATE, W, "age_no_birth.csv:2:Date")),
    case("age_with_birth"),  # the same row, with child.born in the folder's meta.yaml
    case("date_note.csv", (R.DATE_NOTE, W, "date_note.csv:2:Date")),
    case("date_from_another_column.csv",    # two columns of no field, kept in the details
         (R.UNKNOWN_FIELD, W, "date_from_another_column.csv:1:1"),
         (R.UNKNOWN_FIELD, W, "date_from_another_column.csv:1:2"),
         (R.DATE_FROM_ANOTHER_COLUMN, W, "date_from_another_column.csv:3:Interview date")),
    case("split_year.csv", (R.SPLIT_YEAR, W, "split_year.csv:2:Date")),
    case("year_assumed.csv", (R.YEAR_ASSUMED, W, "year_assumed.csv:3:Date")),
    case("open_ended.csv", (R.OPEN_ENDED_DATE, W, "open_ended.csv:2:Date"),
         (R.OPEN_ENDED_DATE, W, "open_ended.csv:4:Date")),
    case("bad_meta", (R.INVALID_YAML, E, "bad_meta/meta.yaml:3:1"),
         (R.UNKNOWN_AGENCY, W, "police.csv:2:Agency")),
    # spreadsheets
    case("merged_cells.xlsx", (R.MERGED_CELLS, W, "merged_cells.xlsx!Chronology!B3:B4")),
    case("formula_cell.xlsx", (R.FORMULA_CELL, W, "formula_cell.xlsx!Chronology!C3")),
    case("hidden_sheet.xlsx", (R.HIDDEN_CONTENT, W, "hidden_sheet.xlsx!Notes")),
    case("hidden_row.xlsx", (R.HIDDEN_CONTENT, W, "hidden_row.xlsx!Chronology!A3")),
    case("hidden_column.xlsx", (R.HIDDEN_CONTENT, W, "hidden_column.xlsx!Chronology!D1")),
    case("duplicate_column.xlsx",
         (R.DUPLICATE_COLUMN, W, "duplicate_column.xlsx!Chronology!D1")),
    case("several_sheets.xlsx", (R.SEVERAL_SHEETS, W, "several_sheets.xlsx")),
    case("several_sheets.xlsx", id="several_sheets.xlsx --sheet Sheet2", sheet="Sheet2"),
    case("several_sheets.xlsx", (R.UNKNOWN_SHEET, E, "several_sheets.xlsx"),
         id="several_sheets.xlsx --sheet Sheet9", sheet="Sheet9"),
    case("sheet_per_agency.xlsx"),
    case("cell_values.xlsx", (R.UNKNOWN_AGENCY, W, "cell_values.xlsx!Chronology!B3"),
         (R.IMPOSSIBLE_DATE, W, "cell_values.xlsx!Chronology!A4"),
         (R.EXCEL_SERIAL_DATE, W, "cell_values.xlsx!Chronology!A5")),
    # many faults in one file, each on its own line: all reported in one run, every row kept
    case("several_problems.csv",
         (R.IMPOSSIBLE_DATE, W, "several_problems.csv:3:Date"),
         (R.UNPARSEABLE_TIME, W, "several_problems.csv:4:Time"),
         (R.UNKNOWN_AGENCY, W, "several_problems.csv:5:Agency"),
         (R.UNKNOWN_KIND, W, "several_problems.csv:6:Type"),
         (R.UNKNOWN_EVENT_REFERENCE, W, "several_problems.csv:7:Responds to"),
         (R.REF_IS_CITATION, W, "several_problems.csv:8:Event ref"),
         (R.AMBIGUOUS_TIME, W, "several_problems.csv:9:Time")),
    case("several_problems.csv",
         (R.IMPOSSIBLE_DATE, E, "several_problems.csv:3:Date"),
         (R.UNPARSEABLE_TIME, E, "several_problems.csv:4:Time"),
         (R.UNKNOWN_AGENCY, E, "several_problems.csv:5:Agency"),
         (R.UNKNOWN_KIND, E, "several_problems.csv:6:Type"),
         (R.UNKNOWN_EVENT_REFERENCE, E, "several_problems.csv:7:Responds to"),
         (R.REF_IS_CITATION, E, "several_problems.csv:8:Event ref"),
         (R.AMBIGUOUS_TIME, E, "several_problems.csv:9:Time"),
         id="several_problems.csv --strict", strict=True),
]

#: the events each readable fixture keeps: every data row, none lost
KEPT = {"../hostile/stray-quote.csv": 8, "../hostile/unclosed-quote.csv": 7,
        "future_date.csv": 2, "not_utf8.csv": 1, "duplicate_column.csv": 1, "synonym_columns.csv": 1,
        "synonym_columns.csv --map summary=Event": 1, "empty_agency_cell": 2,
        "guessed_column.csv": 2, "title_block.csv": 2, "no_agency_column.csv": 1,
        "multiline_quoted.csv": 3, "ragged_rows.csv": 3, "control_characters.csv": 2,
        "bom.csv max_field_chars=20": 1, "header_only.csv+bom.csv": 1, "duplicate_ref.csv": 3,
        "duplicate_ref.csv --map ref='Event ref'": 3, "ref_collision": 3,
        "unknown_reference.csv": 3, "unknown_agency.csv": 1, "unknown_recipient.csv": 1,
        "meeting_row.csv": 2, "unknown_kind.csv": 1, "unknown_risk.csv": 1,
        "impossible_date.csv": 2, "unparseable_date.csv": 2, "unparseable_time.csv": 1,
        "clock_change.csv": 2, "mixed_timezones.csv": 2, "excel_serial.csv": 1,
        "end_before_start.csv": 1, "relative_no_anchor.csv": 2,
        "age_no_birth.csv": 1, "date_note.csv": 1, "date_from_another_column.csv": 2,
        "split_year.csv": 1, "year_assumed.csv": 2, "open_ended.csv": 3,
        "merged_cells.xlsx": 3, "formula_cell.xlsx": 3, "hidden_sheet.xlsx": 3,
        "hidden_row.xlsx": 3, "hidden_column.xlsx": 3, "duplicate_column.xlsx": 3,
        "several_sheets.xlsx": 4, "cell_values.xlsx": 4, "several_problems.csv": 8}

#: case folders and YAML files (validate only; load_case for folders)
CASE_FILE_CASES = [
    case("cases/good"),
    case("cases/unsafe_yaml", (R.UNSAFE_YAML, E, "unsafe_yaml/case.yaml:3:8")),
    case("unsafe_meta.yaml", (R.UNSAFE_YAML, E, "unsafe_meta.yaml:3:8")),
    case("cases/invalid_yaml", (R.INVALID_YAML, E, "invalid_yaml/case.yaml:4:8")),
    case("cases/wrong_format", (R.INVALID_CASE_FILE, E, "wrong_format/case.yaml:1:format")),
    case("cases/override_unknown_event",
         (R.UNKNOWN_EVENT_REFERENCE, E, "override_unknown_event/case.yaml:10:police-9")),
    case("cases/override_unknown_kind",
         (R.UNKNOWN_KIND, E, "override_unknown_kind/case.yaml:7:police-2")),
    case("cases/events_missing_column",
         (R.MISSING_COLUMN, E, "events_missing_column/events.csv:1")),
    case("cases/events_duplicate_id",
         (R.DUPLICATE_EVENT_ID, E, "events_duplicate_id/events.csv:3:id")),
    case("cases/events_ragged", (R.RAGGED_ROW, E, "events_ragged/events.csv:2"),
         (R.RAGGED_ROW, E, "events_ragged/events.csv:3")),
    case("cases/events_not_numbers",
         (R.INVALID_CASE_FILE, E, "events_not_numbers/events.csv:2:seq"),
         (R.INVALID_CASE_FILE, E, "events_not_numbers/events.csv:3:kind_confidence")),
    case("cases/several_problems",
         (R.INVALID_CASE_FILE, E, "several_problems/case.yaml:1:format"),
         (R.INVALID_CASE_FILE, E, "several_problems/case.yaml:2:id"),
         (R.UNKNOWN_FIELD, W, "several_problems/case.yaml:4:reviewer"),
         (R.UNKNOWN_EVENT_REFERENCE, E, "several_problems/case.yaml:8:police-9"),
         (R.UNKNOWN_KIND, E, "several_problems/case.yaml:10:police-2"),
         (R.UNKNOWN_FIELD, E, "several_problems/case.yaml:10:police-2"),
         (R.UNPARSEABLE_DATE, E, "several_problems/events.csv:3:start"),
         (R.UNPARSEABLE_DATE, E, "several_problems/events.csv:4:start"),
         (R.DUPLICATE_EVENT_ID, E, "several_problems/events.csv:4:id")),
]

#: Reasons no fixture exercises, each with why; a new Reason must join a table or this.
EXCLUDED: dict[Reason, str] = {
    R.PII_FOUND: "privacy scan findings: tests/test_privacy.py",
    R.UNSAFE_KEY_LOCATION: "key files: tests/test_privacy.py",
    R.INVALID_KEY_FILE: "key files: tests/test_privacy.py",
    R.WEAK_KEY: "HMAC secret: tests/test_privacy.py",
    R.OUTPUT_INSIDE_INPUT: "pseudonymise output: tests/test_privacy.py",
    R.LONG_FORM: "a table widened from one line per field: tests/test_long_form.py",
    R.BANNER_DATE: "a log dated by its banner rows: tests/test_banner_dates.py",
    R.DAYS_LISTED: "an import's derivation (a report for each day a date lists), as a found "
                   "dated from a row's words is: tests/test_summary_rows.py",
}


def _paths(names: tuple[str, ...]) -> list[Path]:
    return [BAD / name for name in names]


# --- validate: exactly the expected problems -----------------------------------------

@pytest.mark.parametrize(("names", "options", "expected"), CHRONOLOGY_CASES + CASE_FILE_CASES)
def test_validate_reports_exactly_the_expected_problems(names, options, expected):
    assert found(validate(_paths(names), **options)) == expected


@pytest.mark.parametrize(("names", "options", "expected"), CHRONOLOGY_CASES + CASE_FILE_CASES)
def test_every_problem_is_located_and_explained(names, options, expected):
    for p in validate(_paths(names), **options):
        assert p.file and p.message and not p.message.endswith(" ")
        assert isinstance(p.reason, Reason) and isinstance(p.severity, Severity)
        if p.sheet is None and p.line is not None and p.column is not None:
            assert p.location == f"{p.file}:{p.line}:{p.column}"
        if p.cell is not None:
            assert p.location == f"{p.file}!{p.sheet}!{p.cell}"


def test_one_file_with_many_faults_reports_them_all_in_one_run():
    problems = validate([BAD / "several_problems.csv"])
    assert all(p.severity is W for p in problems)
    assert len({p.reason for p in problems}) == 7
    assert sorted(p.line for p in problems) == [3, 4, 5, 6, 7, 8, 9]
    assert {p.line: p.value for p in problems} == {3: "31/02/2025", 4: "25:99", 5: "Polce",
                                                   6: "telepathy", 7: "99", 8: "1", 9: "01:30"}
    events = import_chronologies([BAD / "several_problems.csv"]).events
    assert sorted(events["source_line"]) == [2, 3, 4, 5, 6, 7, 8, 9]  # every row kept


def test_a_bad_case_folder_reports_what_was_written():
    problems = validate([BAD / "cases" / "events_not_numbers"])
    assert [(p.column, p.value) for p in problems] == [("seq", "one"),
                                                       ("kind_confidence", "high")]


def test_two_case_folders_checked_together_are_told_apart():
    names = ("cases/wrong_format", "cases/several_problems")
    files = {p.file for p in validate(_paths(names))}
    assert files == {"wrong_format/case.yaml", "several_problems/case.yaml",
                     "several_problems/events.csv"}


def test_several_paths_are_checked_in_one_run():
    names = ("impossible_date.csv", "unknown_agency.csv", "formula_cell.xlsx",
             "cases/wrong_format", "chronology.docx")
    each = sorted(t for name in names for t in found(validate([BAD / name])))
    assert found(validate(_paths(names))) == each


@pytest.mark.parametrize(("names", "options", "reason", "says"), [
    (("not_utf8.csv",), {}, R.NOT_UTF8, "the file is read as Windows-1252"),
    (("not_utf8.csv",), {"encoding": "utf-8"}, R.NOT_UTF8, "read it with --encoding cp1252"),
    (("missing_date_column.csv",), {}, R.MISSING_COLUMN, "--map at=COLUMN"),
    (("missing_text_column.csv",), {}, R.MISSING_COLUMN, "--map summary=COLUMN"),
    (("duplicate_column.csv",), {}, R.DUPLICATE_COLUMN, "the other's text is kept in the details"),
    (("synonym_columns.csv",), {}, R.DUPLICATE_COLUMN, "(choose with --map FIELD=COLUMN)"),
    (("unmapped_date_column.csv",), {"mapping": {"at": "Occured"}}, R.UNKNOWN_MAPPED_COLUMN,
     "(columns: Occurred, Agency, Event)"),
    (("unmapped_date_column.csv",), {"mapping": {"when": "Occurred"}}, R.UNKNOWN_FIELD,
     "no field 'when' (fields: ref, "),
    (("no_agency_column.csv",), {}, R.AGENCY_ASSUMED,
     "every row is read as 'No Agency Column' (from the file name 'no_agency_column.csv'); "
     "give --agency no_agency_column.csv=NAME"),
    (("title_block.csv",), {}, R.AGENCY_ASSUMED,
     "(from the title block: 'Police chronology for Child A')"),
    (("title_block.csv",), {}, R.TITLE_BLOCK, "2 line(s) above the header (from line 1)"),
    (("guessed_column.csv",), {}, R.COLUMN_GUESSED,
     "column 'Occasion' is read as the date (it holds dates)"),
    (("ragged_rows.csv",), {}, R.RAGGED_ROW, "where the header has 3"),
    (("control_characters.csv",), {}, R.CONTROL_CHARACTER, "U+0007 at character 25"),
    (("control_characters.csv",), {}, R.BIDI_CHARACTER, "U+202E at character 10"),
    (("bom.csv",), {"limits": Limits(max_bytes=10)}, R.FILE_TOO_LARGE, "limit of 10"),
    (("bom.csv",), {"limits": Limits(max_field_chars=20)}, R.FIELD_TOO_LARGE, "(over 20): kept whole"),
    (("chronology.xls",), {}, R.UNSUPPORTED_FORMAT, "(.csv, .xlsx)"),
    (("duplicate_ref.csv",), {"mapping": {"ref": "Event ref"}}, R.DUPLICATE_EVENT_ID,
     "already used at duplicate_ref.csv:2: this event's id is 'duplicate-ref-4'"),
    (("duplicate_ref.csv",), {}, R.REF_IS_CITATION,
     "is read as a citation of sources (source_ref), and event ids are made from file and line"),
    (("unknown_reference.csv",), {}, R.UNKNOWN_EVENT_REFERENCE, "'9', which is not in"),
    (("unknown_agency.csv",), {}, R.UNKNOWN_AGENCY,
     "'Polce' (did you mean Police?) is not a known agency: kept as an agency of its own"),
    (("meeting_row.csv",), {}, R.MEETING_CONVENOR_ASSUMED,
     "'Multi agency panel' is a meeting, not an agency: it is recorded as a meeting held by "
     "Children's Social Care (the usual convenor"),
    (("unknown_kind.csv",), {}, R.UNKNOWN_KIND, "(kinds: "),
    (("unknown_risk.csv",), {}, R.UNKNOWN_GRADING, "low, medium, high"),
    (("impossible_date.csv",), {}, R.IMPOSSIBLE_DATE, "February 2025 has 28 days"),
    (("unparseable_date.csv",), {}, R.UNPARSEABLE_DATE, "try e.g. 05/02/2025"),
    (("unparseable_time.csv",), {}, R.UNPARSEABLE_TIME, "hours run 00-23, minutes 00-59"),
    (("clock_change.csv",), {}, R.NONEXISTENT_TIME, "clocks went forward from 01:00 to 02:00"),
    (("clock_change.csv",), {}, R.AMBIGUOUS_TIME, "either 00:30 or 01:30 UTC"),
    (("mixed_timezones.csv",), {}, R.MIXED_TIMEZONES, "read as Europe/London local time"),
    (("excel_serial.csv",), {}, R.EXCEL_SERIAL_DATE, "as 05/02/2025"),
    (("end_before_start.csv",), {}, R.END_BEFORE_START, "'05/02/2025' is before '10/02/2025'"),
    (("age_no_birth.csv",), {}, R.UNRESOLVED_RELATIVE_DATE,
     "(child.born); the row is kept undated, in its place"),
    (("date_note.csv",), {}, R.DATE_NOTE, "the rest is kept as the date note: 'early hours'"),
    (("date_from_another_column.csv",), {}, R.DATE_FROM_ANOTHER_COLUMN,
     "the row is dated '06/03/2025', the latest day a cell of the row begins with (column "
     "'Offer made')"),
    (("split_year.csv",), {}, R.SPLIT_YEAR, "it is read as April 2014 to August 2015"),
    (("year_assumed.csv",), {}, R.YEAR_ASSUMED,
     "'Mon 3rd Feb 1530' has no year: read as 03/02/2025, the nearest to the row before it "
     "(01/02/2025), on the weekday written"),
    (("open_ended.csv",), {}, R.OPEN_ENDED_DATE,
     "'after June 2016' gives no end: read as from 01/07/2016 to 05/02/2025 (the end set at "
     "the last date of the composite chronology)"),
    (("several_sheets.xlsx",), {}, R.SEVERAL_SHEETS, "--sheet NAME"),
    (("several_sheets.xlsx",), {"sheet": "Sheet9"}, R.UNKNOWN_SHEET, "(sheets: Sheet1, Sheet2)"),
    (("merged_cells.xlsx",), {}, R.MERGED_CELLS,
     "merged cells B3:B4: the value 'Police' is read into every cell they span"),
    (("formula_cell.xlsx",), {}, R.FORMULA_CELL, "paste the value"),
    (("hidden_row.xlsx",), {}, R.HIDDEN_CONTENT, "hidden row 3 holds text: it is read"),
    (("cases/unsafe_yaml",), {}, R.UNSAFE_YAML, "only plain YAML is read"),
    (("cases/wrong_format",), {}, R.INVALID_CASE_FILE, "format must be 'workbench-case/1'"),
    (("cases/override_unknown_kind",), {}, R.UNKNOWN_KIND, "(allowed: "),
    (("cases/events_missing_column",), {}, R.MISSING_COLUMN, "missing columns: kind"),
])
def test_message_says_what_was_found_and_what_is_allowed(names, options, reason, says):
    messages = [p.message for p in validate(_paths(names), **options) if p.reason is reason]
    assert any(says in m for m in messages), messages


def test_every_reason_is_exercised_by_a_fixture_or_excluded_with_a_reason():
    covered = {r for param in CHRONOLOGY_CASES + CASE_FILE_CASES for r, _, _ in param.values[2]}
    assert set(Reason) - covered - set(EXCLUDED) == set()
    assert covered & set(EXCLUDED) == set(), "a covered reason is still listed as excluded"
    assert all(why.strip() for why in EXCLUDED.values())


# --- import: the same problems, raised at once; nothing returned ---------------------

@pytest.mark.parametrize(("names", "options", "expected"), CHRONOLOGY_CASES)
def test_import_refuses_bad_input_with_the_same_problems(names, options, expected):
    if any(severity is E for _, severity, _ in expected):
        with pytest.raises(CaseValidationError) as raised:
            import_chronologies(_paths(names), **options)
        assert found(raised.value.problems) == expected
        assert raised.value.errors and all(p.severity is E for p in raised.value.errors)
    else:  # clean, or warnings only: imported, warnings kept on the case, every row kept
        case_ = import_chronologies(_paths(names), **options)
        assert found(case_.problems) == expected
        assert len(case_.events) == KEPT.get(_id(names, options), len(case_.events)) > 0


def _id(names: tuple[str, ...], options: dict[str, object]) -> str:
    return next(p.id for p in CHRONOLOGY_CASES if p.values[0] == names and p.values[1] == options)


def test_every_fixture_with_warnings_says_how_many_rows_it_keeps():
    warned = {p.id for p in CHRONOLOGY_CASES
              if p.values[2] and all(sev is W for _, sev, _ in p.values[2])}
    assert warned - set(KEPT) == set()


@pytest.mark.parametrize(("names", "options", "expected"),
                         [p for p in CASE_FILE_CASES[1:] if (BAD / p.values[0][0]).is_dir()])
def test_load_case_refuses_a_bad_case_folder_with_every_problem(names, options, expected):
    with pytest.raises(CaseValidationError) as raised:
        load_case(BAD / names[0])
    assert found(raised.value.problems) == expected


# --- what the clean variants read ------------------------------------------------------

def test_bom_is_accepted_and_the_first_header_recognised():
    events, problems = read_events([BAD / "bom.csv"])
    assert problems == []
    assert events[["when", "agency", "source"]].values.tolist() == [
        ["05/02/2025", "Police", "bom.csv:2"]]


def test_cp1252_file_reads_with_its_encoding():
    events, problems = read_events([BAD / "not_utf8.csv"], encoding="cp1252")
    assert problems == []
    assert events["summary"].tolist() == ["Child A\u2019s mother reported her missing"]


def test_a_problem_after_a_multiline_field_is_at_its_record_start_line():
    events, _ = read_events([BAD / "multiline_quoted.csv"])
    assert sorted(events["source_line"]) == [2, 5, 6]  # lines 2-4 and 6-7 are one record each
    assert sorted(events["details"].str.count("\n")) == [0, 1, 2]


def test_sheet_option_reads_the_chosen_sheet_only():
    events, problems = read_events([BAD / "several_sheets.xlsx"], sheet="Sheet2")
    assert problems == []
    assert events[["agency", "source"]].values.tolist() == [["School",
                                                             "several_sheets.xlsx!Sheet2:2"]]


def test_sheets_named_after_agencies_are_read_whole():
    events, problems = read_events([BAD / "sheet_per_agency.xlsx"])
    assert problems == []
    assert events[["agency", "source"]].values.tolist() == [
        ["Police", "sheet_per_agency.xlsx!Police:2"], ["Police", "sheet_per_agency.xlsx!Police:3"],
        ["School", "sheet_per_agency.xlsx!School:2"]]


def test_refs_repeated_in_two_returns_get_distinct_ids_and_resolve():
    events, problems = read_events(sorted((BAD / "same_refs").iterdir()))
    assert problems == []
    assert events[["id", "refers_to"]].fillna("").values.tolist() == [
        ["police-1", ""], ["police-2", ""], ["school-1", "police-2"], ["school-2", "school-1"]]


def test_unsafe_yaml_is_refused_and_never_run(tmp_path, capfd):
    folder = tmp_path / "case-x"
    shutil.copytree(BAD / "cases" / "good", folder)
    ran = tmp_path / "ran"
    (folder / "case.yaml").write_text("format: workbench-case/1\nid: case-x\n"
                                      f'title: !!python/object/apply:os.system ["touch {ran}"]\n')
    assert found(validate([folder])) == [(R.UNSAFE_YAML, E, "case-x/case.yaml:3:8")]
    validate([BAD / "cases" / "unsafe_yaml"])  # its tag would run `echo hi`
    assert not ran.exists()
    assert "hi" not in capfd.readouterr().out


# --- the XLSX fixtures are what the script writes ------------------------------------

def _script():
    spec = importlib.util.spec_from_file_location("make_bad_xlsx", FIXTURES / "make_bad_xlsx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _contents(path: Path) -> list[object]:
    book = openpyxl.load_workbook(path)  # formulas as written, not values
    return [(ws.title, ws.sheet_state, sorted(map(str, ws.merged_cells.ranges)),
             sorted(n for n, d in ws.row_dimensions.items() if d.hidden),
             sorted(k for k, d in ws.column_dimensions.items() if d.hidden),
             [[c.value for c in row] for row in ws.iter_rows()]) for ws in book.worksheets]


def test_xlsx_fixtures_are_reproduced_by_their_script(tmp_path):
    written = _script().write_all(tmp_path)
    kept = sorted(p.name for p in BAD.glob("*.xlsx") if p.name != "not_a_workbook.xlsx")
    assert sorted(p.name for p in written) == kept
    for path in written:
        assert _contents(path) == _contents(BAD / path.name), path.name


# --- the command line ------------------------------------------------------------------

@pytest.mark.parametrize(("strict", "status", "last"), [
    (False, 0, "0 error(s), 7 warning(s) in 1 path(s)"),
    (True, 1, "7 error(s), 0 warning(s) in 1 path(s)"),
])
def test_cli_validate_prints_every_problem_and_exits_1_only_on_errors(strict, status, last, capsys):
    path = BAD / "several_problems.csv"
    assert main(["validate", str(path), *(["--strict"] if strict else [])]) == status
    lines = capsys.readouterr().out.splitlines()
    problems = validate([path], strict=strict)
    assert lines[:-2] == [str(p) for p in problems]
    assert lines[-2] == "several_problems.csv: 8 data line(s) read as 8 row(s); 8 event(s) kept"
    for line, p in zip(lines, problems, strict=False):
        assert line.startswith(f"{p.location}")
        assert line.endswith(f": {p.severity} [{p.reason}] {p.message}")
    assert lines[-1] == last


def test_cli_validate_line_is_location_severity_reason_message(capsys):
    main(["validate", str(BAD / "impossible_date.csv")])
    assert capsys.readouterr().out.splitlines()[0] == (
        "impossible_date.csv:2:Date: warning [impossible-date] '31/02/2025' is not a date: "
        "February 2025 has 28 days (read day first, as dd/mm/yyyy); the row is kept undated, "
        "in its place")


@pytest.mark.parametrize(("args", "status"), [
    (["excel_serial.csv"], 0),  # warnings only
    (["--strict", "excel_serial.csv"], 1),
    (["bom.csv"], 0),
    (["--strict", "bom.csv"], 0),
    (["--encoding", "cp1252", "not_utf8.csv"], 0),
    (["not_utf8.csv"], 0),
    (["--encoding", "utf-8", "not_utf8.csv"], 1),
    (["--sheet", "Sheet2", "several_sheets.xlsx"], 0),
    (["several_sheets.xlsx"], 0),
    (["--sheet", "Sheet9", "several_sheets.xlsx"], 1),
    (["missing_date_column.csv"], 1),
    (["--map", "summary=Event", "synonym_columns.csv"], 0),
    (["--agency", "Police", "no_agency_column.csv"], 0),
    (["cases/good"], 0),
    (["cases/unsafe_yaml"], 1),
])
def test_cli_validate_exits_1_exactly_when_there_is_an_error(args, status, capsys):
    args = [str(BAD / a) if (BAD / a).exists() else a for a in args]
    assert main(["validate", *args]) == status
    summary = capsys.readouterr().out.splitlines()[-1]
    assert summary.startswith("0 error(s)") is (status == 0)


def test_cli_validate_json(capsys):
    paths = [BAD / "several_problems.csv", BAD / "cell_values.xlsx"]
    status = main(["validate", "--json", *map(str, paths)])
    data = json.loads(capsys.readouterr().out)
    assert status == 0
    assert [(d["reason"], d["severity"], d["location"]) for d in data] == [
        (str(p.reason), str(p.severity), p.location) for p in validate(paths)]
    assert set(data[0]) == {"location", "file", "line", "column", "sheet", "cell", "reason",
                            "severity", "value", "message"}
    first = data[0]  # problems come in file and line order
    assert (first["file"], first["line"], first["column"], first["value"]) == (
        "several_problems.csv", 3, "Date", "31/02/2025")
    polce = next(d for d in data if d["reason"] == "unknown-agency" and
                 d["file"] == "cell_values.xlsx")
    assert (polce["sheet"], polce["cell"], polce["line"], polce["location"]) == (
        "Chronology", "B3", 3, "cell_values.xlsx!Chronology!B3")


@pytest.mark.parametrize("args", [["empty.csv"], ["missing_date_column.csv"], ["chronology.docx"],
                                  ["not_a_workbook.xlsx"], ["bad_meta"],
                                  ["--encoding", "utf-8", "not_utf8.csv"],
                                  ["--strict", "several_problems.csv"],
                                  ["--strict", "merged_cells.xlsx"], ["--strict", "ref_collision"]])
def test_cli_import_of_bad_input_exits_1_and_writes_nothing(args, tmp_path, capsys):
    out = tmp_path / "case"
    args = [str(BAD / a) if (BAD / a).exists() else a for a in args]
    status = main(["import", *args, "-o", str(out)])
    err = capsys.readouterr().err
    assert status == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no staging folder left behind either
    assert err.rstrip().endswith("nothing written.")


def test_cli_import_prints_every_problem(capsys, tmp_path):
    main(["import", str(BAD / "several_problems.csv"), "-o", str(tmp_path / "case")])
    err = capsys.readouterr().err
    for p in validate([BAD / "several_problems.csv"]):
        assert str(p) in err


def test_workbench_import_process_prints_every_problem_and_writes_nothing(tmp_path):
    out = tmp_path / "case"
    run = subprocess.run([sys.executable, "-m", "workbench.cli", "import", "--strict",
                          str(BAD / "several_problems.csv"), "-o", str(out)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr.splitlines() == [
        *(str(p) for p in validate([BAD / "several_problems.csv"], strict=True)),
        "read 8 row(s) from 1 table(s); kept 0 event(s)", "7 error(s); nothing written."]
    assert not out.exists()


def test_workbench_import_of_a_real_return_writes_it_and_says_what_was_assumed(tmp_path):
    out = tmp_path / "case"
    run = subprocess.run([sys.executable, "-m", "workbench.cli", "import",
                          str(BAD / "several_problems.csv"), "-o", str(out)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0
    assert run.stderr.splitlines() == [str(p) for p in validate([BAD / "several_problems.csv"])]
    assert "read 8 row(s) from 1 table(s); kept 8 event(s)" in run.stdout
    assert len(load_case(out).events) == 8


def _tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"",
                                         p.stat().st_mtime_ns) for p in folder.rglob("*")}


@pytest.mark.parametrize("existing", ["a case", "an empty folder"])
def test_cli_import_into_an_existing_folder_without_replace_refuses(existing, tmp_path, capsys):
    out = tmp_path / "case"
    out.mkdir()
    if existing == "a case":
        shutil.copytree(BAD / "cases" / "good", out, dirs_exist_ok=True)
    before = _tree(tmp_path)
    status = main(["import", str(BAD / "same_refs"), "-o", str(out)])
    assert status == 2
    assert "--replace" in capsys.readouterr().err
    assert _tree(tmp_path) == before


def _status(argv: list[str]) -> object:
    """``main``'s exit status, also when it exits through SystemExit (argparse misuse)."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def test_cli_import_with_an_unsafe_meta_file_exits_1_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "case"
    status = _status(["import", str(BAD / "same_refs"), "-o", str(out),
                      "--meta", str(BAD / "unsafe_meta.yaml")])
    assert status == 1
    assert "[unsafe-yaml]" in capsys.readouterr().err
    assert not out.exists()


def test_cli_import_onto_an_existing_file_refuses(tmp_path, capsys):
    out = tmp_path / "case"
    out.write_text("not a case folder\n")
    assert _status(["import", str(BAD / "same_refs"), "-o", str(out)]) == 2
    assert out.read_text() == "not a case folder\n"


def test_cli_malformed_map_option_is_misuse(tmp_path, capsys):
    assert _status(["validate", str(BAD / "bom.csv"), "--map", "summary"]) == 2


def test_cli_import_of_good_input_writes_the_case(tmp_path, capsys):
    out = tmp_path / "case"
    assert main(["import", str(BAD / "same_refs"), "-o", str(out)]) == 0
    assert "4 events from 2 file(s)" in capsys.readouterr().out
    assert sorted(load_case(out).events["id"]) == ["police-1", "police-2", "school-1",
                                                   "school-2"]
