"""Real returns as agencies send them: title blocks, their own column names, no agency
column, agencies named their own way, meetings as agencies, notes in dates, citations.

Every row is kept; what was assumed is a located warning; ``--strict`` refuses it;
``workbench import --json`` prints the summary. All names are invented.
"""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from workbench.cli import main
from workbench.errors import CaseValidationError, Reason, Severity
from workbench.io.casefile import load_case, write_case
from workbench.io.columns import LABELLED, field_for
from workbench.io.importer import import_chronologies, import_report, read_events

W, E = Severity.WARNING, Severity.ERROR


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def flagged(paths, pattern):
    """The first evidence row of each flag of ``pattern`` found in these chronologies."""
    from workbench import analyse, find_flags

    flags = find_flags(analyse(import_chronologies(paths)))
    return [f.events[0].source for f in flags if f.pattern == pattern]


def workbook(folder, name, sheets):
    """An XLSX file: ``{sheet title: [rows]}``."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    path = folder / name
    book.save(path)
    return path


POLICE_ROWS = [
    ["Anyshire Constabulary \u2013 chronology for Child A"],
    ["Period: 01/01/2025 to 31/03/2025"],
    [],
    ["Date/Time", "Incident/contact type", "Narrative", "Officer/worker",
     "Information shared with"],
    ["05/02/2025 22:10", "Missing person report", "Mother reports Child A missing", "PC 1",
     "Social Care (front door)"],
    ["early hours of 06/02/2025", "Found", "Found at the station by BTP officers", "PC 2",
     "Southby Academy"],
    ["no date recorded", "Intelligence", "Child A seen with older males", "DC 3", "No"],
]
SCHOOL = ('Date seen,Presentation,What the child said,Action,Referred to\n'
          '06/02/2025,Arrived late and tired,"""I just went to a mate\'s house""",Logged by DSL,\n'
          'w/c 10/02/2025,Absent three days,,Phoned mother,Mother\n')
DEBRIEFS = [["Date of interview", "Time", "Notes", "Shared"],
            ["07/02/2025", "approx 4pm", "Return interview held at school", "Yes - CSC"],
            ["June 2024 (day not known)", "", "Earlier debrief, record lost", "No"]]
PANEL = """Date,Agency,Event
12/02/2025,Multi agency panel,Child A discussed. Attendees: Police, CSC and Southby Academy
14/02/2025,Strategy meeting,Strategy meeting chaired by Children's Social Care
20/02/2025,Exploitation panel,Child A discussed
"""


@pytest.fixture
def review(tmp_path):
    """A review's set of returns: XLSX and CSV, each with its own columns, none with an
    agency column, one with a title block."""
    folder = tmp_path / "returns"
    folder.mkdir()
    workbook(folder, "anyshire-constabulary.xlsx", {"Log": POLICE_ROWS})
    write(folder, "southby-academy.csv", SCHOOL)
    workbook(folder, "breakaway-debriefs.xlsx", {"Sheet1": DEBRIEFS})
    return folder


def test_a_reviews_returns_merge_in_one_command(review):
    report = import_report([review])
    case = report.case
    assert case is not None and report.summary.ok
    assert len(case.events) == 3 + 2 + 2  # every row is an event
    sources = set(case.events["source"])
    assert {"anyshire-constabulary.xlsx!Log:5", "anyshire-constabulary.xlsx!Log:7",
            "southby-academy.csv:3", "breakaway-debriefs.xlsx!Sheet1:3"} <= sources
    by_file = {f.file: f for f in report.summary.files}
    police = by_file["anyshire-constabulary.xlsx"]
    assert (police.agency, police.agency_source, police.header_line) == (
        "Anyshire Constabulary", "title block", 4)
    assert police.title_block == ("Anyshire Constabulary \u2013 chronology for Child A",
                                  "Period: 01/01/2025 to 31/03/2025")
    assert police.columns == {"at": "Date/Time", "kind": "Incident/contact type",
                              "details": "Narrative", "author": "Officer/worker",
                              "shared_with": "Information shared with"}
    assert (by_file["southby-academy.csv"].agency,
            by_file["southby-academy.csv"].agency_source) == ("Southby Academy", "file name")
    assert by_file["breakaway-debriefs.xlsx"].agency == "Breakaway Debriefs"
    reasons = {p.reason for p in report.problems}
    assert {Reason.TITLE_BLOCK, Reason.AGENCY_ASSUMED, Reason.UNKNOWN_AGENCY} <= reasons
    assert all(p.severity is W for p in report.problems)


def test_columns_and_values_are_read_as_written(review):
    ev = import_chronologies([review]).events.set_index("source")
    missing = ev.loc["anyshire-constabulary.xlsx!Log:5"]
    assert (missing["kind"], missing["author"], missing["agency"], missing["sector"]) == (
        "missing_report", "PC 1", "Anyshire Constabulary", "police")
    assert missing["start"] == pd.Timestamp("2025-02-05 22:10", tz="UTC")
    assert missing["recipients"] == "Children's Social Care"
    found = ev.loc["anyshire-constabulary.xlsx!Log:6"]
    assert (found["precision"], found["date_note"]) == ("day", "early hours")
    assert found["recipients"] == "Southby Academy"
    undated = ev.loc["anyshire-constabulary.xlsx!Log:7"]
    assert (undated["precision"], undated["recipients"]) == ("undated", "")
    assert "Information shared with: No" in undated["details"]
    school = ev.loc["southby-academy.csv:2"]
    assert school["summary"] == "Arrived late and tired"
    assert school["details"] == "What the child said: \"I just went to a mate's house\""
    week = ev.loc["southby-academy.csv:3"]
    assert (week["precision"], week["start"], week["end"]) == (
        "range", pd.Timestamp("2025-02-10", tz="UTC"), pd.Timestamp("2025-02-17", tz="UTC"))
    assert week["recipients"] == "Family"
    debrief = ev.loc["breakaway-debriefs.xlsx!Sheet1:2"]
    assert (debrief["approximate"], debrief["recipients"]) == (True, "Children's Social Care")
    assert debrief["start"] == pd.Timestamp("2025-02-07 15:00", tz="UTC")
    earlier = ev.loc["breakaway-debriefs.xlsx!Sheet1:3"]
    assert (earlier["precision"], earlier["date_note"]) == ("month", "day not known")


def test_every_row_keeps_its_place_in_its_return(review):
    ev = import_chronologies([review]).events
    police = ev[ev["source_file"] == "anyshire-constabulary.xlsx"]
    assert police["source_line"].tolist() == [5, 6, 7]  # the undated row stays after row 6


def test_the_summary_lists_new_agencies_once_with_their_sector_and_alias_lines(review):
    summary = import_report([review]).summary
    new = {a.name: a for a in summary.new_agencies}
    assert set(new) == {"Anyshire Constabulary", "Southby Academy", "Breakaway Debriefs"}
    police = new["Anyshire Constabulary"]
    assert (police.sector, police.rows, police.merge_with) == ("police", 3, "Police")
    assert police.basis == "sector from the word 'constabulary'"
    assert police.alias_lines == "  - name: Police\n    aliases: [Anyshire Constabulary]"
    school = new["Southby Academy"]
    assert (school.sector, school.rows, school.merge_with) == ("education", 2, "School")
    assert new["Breakaway Debriefs"].sector == "third-sector"
    assert new["Breakaway Debriefs"].merge_with is None
    assert new["Breakaway Debriefs"].alias_lines == (
        "  - name: Breakaway Debriefs\n    sector: third-sector\n    aliases: [Breakaway Debriefs]")


def test_alias_lines_from_the_summary_merge_the_agency(review, tmp_path):
    summary = import_report([review]).summary
    police = next(a for a in summary.new_agencies if a.sector == "police")
    aliases = write(tmp_path, "aliases.yaml", "agencies:\n" + police.alias_lines + "\n")
    assert main(["import", str(review), "-o", str(tmp_path / "case"), "--aliases",
                 str(aliases)]) == 0
    ev = load_case(tmp_path / "case").events
    police_rows = ev[ev["source_file"] == "anyshire-constabulary.xlsx"]
    assert set(police_rows["agency"]) == {"Police"}
    assert set(police_rows["agency_as_written"]) == {"Anyshire Constabulary"}


def test_import_json_prints_the_summary(review, tmp_path, capsys):
    out = tmp_path / "case"
    assert main(["import", str(review), "-o", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["ok"], data["rows"], data["events"], data["written"]) == (True, 7, 7, str(out))
    assert [(f["file"], f["rows"], f["agency_source"]) for f in data["files"]] == [
        ("anyshire-constabulary.xlsx", 3, "title block"),
        ("breakaway-debriefs.xlsx", 2, "file name"), ("southby-academy.csv", 2, "file name")]
    assert data["warnings"]["unknown-agency"] == 4  # once per name and return
    assert data["errors"] == {}
    assert {a["name"]: (a["sector"], a["rows"]) for a in data["new_agencies"]} == {
        "Anyshire Constabulary": ("police", 3), "Southby Academy": ("education", 2),
        "Breakaway Debriefs": ("third-sector", 2)}
    assert data["undated"] == 1 and data["made_undated"] == []
    assert {p["reason"] for p in data["problems"]} >= {"title-block", "agency-assumed"}
    assert len(load_case(out).events) == 7


def test_import_json_with_strict_says_what_stopped_it(review, tmp_path, capsys):
    out = tmp_path / "case"
    assert main(["import", str(review), "-o", str(out), "--json", "--strict"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["ok"], data["events"], data["written"], data["warnings"]) == (False, 0, None, {})
    assert data["errors"]["unknown-agency"] == 4 and data["rows"] == 7
    assert not out.exists()


def test_strict_turns_every_warning_into_an_error(review):
    with pytest.raises(CaseValidationError) as raised:
        import_chronologies([review], strict=True)
    assert raised.value.problems and all(p.severity is E for p in raised.value.problems)
    report = import_report([review], strict=True)
    assert report.case is None and not report.summary.ok


def test_agency_per_file_from_the_command_line(review, tmp_path):
    out = tmp_path / "case"
    assert main(["import", str(review), "-o", str(out),
                 "--agency", "southby-academy.csv=School",
                 "--agency", "breakaway-debriefs.xlsx=Return Interview Service"]) == 0
    ev = load_case(out).events
    assert set(ev.loc[ev["source_file"] == "southby-academy.csv", "agency"]) == {"School"}
    assert set(ev.loc[ev["source_file"] == "breakaway-debriefs.xlsx", "sector"]) == {
        "third-sector"}
    summary = import_report([review], agency={"southby-academy.csv": "School"}).summary
    school = next(f for f in summary.files if f.file == "southby-academy.csv")
    assert (school.agency, school.agency_source) == ("School", "option")


def test_map_per_file(tmp_path):
    a = write(tmp_path, "a.csv", "Occurred on,What,Agency\n05/02/2025,Seen at home,Police\n")
    b = write(tmp_path, "b.csv", "Logged,Occurred on,Event,Agency\n"
                                 "01/01/2025,06/02/2025,Found,Police\n")
    # 'Occurred on' means the date in a.csv; b.csv's date is in another column
    ev, problems = read_events([a, b], mapping={"b.csv": {"at": "Logged"}})
    assert ev.set_index("source").loc["b.csv:2", "start"] == pd.Timestamp("2025-01-01", tz="UTC")
    assert ev.set_index("source").loc["a.csv:2", "start"] == pd.Timestamp("2025-02-05", tz="UTC")
    ev2, _ = read_events([a, b], mapping={"b.csv:at": "Logged"})
    pd.testing.assert_frame_equal(ev, ev2)
    _, problems = read_events([a], mapping={"c.csv:at": "Logged"})
    assert [p.reason for p in problems if p.severity is E] == [Reason.FILE_NOT_FOUND]


def test_map_per_file_on_the_command_line(tmp_path, capsys):
    b = write(tmp_path, "b.csv", "Logged,Occurred on,Event,Agency\n"
                                 "01/01/2025,06/02/2025,Found,Police\n")
    out = tmp_path / "case"
    assert main(["import", str(b), "-o", str(out), "--map", "b.csv:at=Logged"]) == 0
    assert load_case(out).events.loc[0, "when"] == "01/01/2025"


@pytest.mark.parametrize(("header", "field"), [
    ("Date", "at"), ("Date/Time", "at"), ("Date and time", "at"), ("Date seen", "at"),
    ("Date of interview", "at"), ("Date or period of event", "at"), ("Start date", "at"),
    ("Date (dd/mm/yyyy)", "at"), ("Date of contact with child", "at"), ("Age", "at"),
    ("Time", "time"), ("Time seen", "time"), ("Start time", "time"), ("End date", "end_at"),
    ("End time", "end_time"), ("Agency", "agency"), ("Source of information", "agency"),
    ("Source", "agency"), ("Organisation", "agency"), ("Incident/contact type", "kind"),
    ("Type of contact", "kind"), ("Category", "kind"), ("Event", "summary"),
    ("Significant event", "summary"), ("Presentation", "summary"), ("Incident", "summary"),
    ("Narrative", "details"), ("Details", "details"), ("Case notes", "details"),
    ("What the child said", LABELLED), ("Child's voice", LABELLED),
    ("Views of the young person", LABELLED), ("Action taken", "action"), ("Action", "action"),
    ("Impact (positive or negative)", "outcome"), ("Impact", "outcome"),
    ("Outcome", "outcome"), ("Referred to", "shared_with"), ("Shared", "shared_with"),
    ("Information shared with", "shared_with"), ("Shared with whom?", "shared_with"),
    ("Officer/worker", "author"), ("Officer", "author"), ("Worker", "author"),
    ("Recorded by", "author"), ("Risk grading", "risk"), ("Event ref", "ref"),
    ("Event ref/sequence", "ref"), ("Source ref", "source_ref"), ("Paragraph", "source_ref"),
    ("Responds to", "refers_to"), ("Date of birth", None), ("Colour", None),
    ("Subject(s)", LABELLED), ("People involved", LABELLED), ("Who", "agency"),
    ("Classification", "kind"),
    # a foster carers' daily recording sheet; a message export
    ("Recording", "summary"), ("Contact made (who / when)", "shared_with"),
    ("To organisation", "shared_with"),
    # a case-note system's headers in one word of capitalised parts
    ("EventDate", "at"), ("NoteText", "summary"), ("NoteType", "kind"), ("CaseNoteID", "ref"),
])
def test_column_vocabulary(header, field):
    assert field_for(header) == field


def test_tayside_and_chronolator_layouts(tmp_path):
    tayside = write(tmp_path, "tayside.csv",
                    "Date or period of event,Significant event,Source,Impact,Action taken\n"
                    "2014/15,Attendance below 80%,Southby Academy,Negative,EWO referral\n")
    chronolator = write(tmp_path, "merged.csv",
                        "Event ref,Start date,Start time,End date,End time,"
                        "Source of information,Event\n"
                        "1,?22/05/2016,,,,Anyshire Constabulary,Missing episode\n"
                        "2,22/05/2016,1530hrs,23/05/2016,3.30pm,Anyshire Constabulary,Found\n")
    case = import_chronologies([tayside, chronolator])
    ev = case.events.set_index("id")
    assert ev.loc["tayside-2", "outcome"] == "Negative"
    assert (ev.loc["tayside-2", "precision"], ev.loc["tayside-2", "agency"]) == (
        "range", "Southby Academy")
    assert ev.loc["merged-1", "approximate"]
    assert ev.loc["merged-2", "start"] == pd.Timestamp("2016-05-22 14:30", tz="UTC")
    assert ev.loc["merged-2", "end"] == pd.Timestamp("2016-05-23 14:31", tz="UTC")
    assert Reason.SPLIT_YEAR in {p.reason for p in case.problems}


def test_a_header_below_a_title_block_in_a_csv(tmp_path):
    path = write(tmp_path, "return.csv",
                 "Single agency chronology,,\nAgency: Southby Academy,,\nChild: Child A,,\n"
                 ",,\nDate,Event,Action\n03/03/2025,Fixed-term exclusion 3 days,Parents told\n")
    report = import_report([path])
    f = report.summary.files[0]
    assert (f.header_line, f.agency, f.agency_source) == (5, "Southby Academy", "title block")
    assert report.case.events["source"].tolist() == ["return.csv:6"]
    assert report.case.events.loc[0, "kind"] == "exclusion"


def test_several_sheets_each_named_after_its_agency(tmp_path):
    path = workbook(tmp_path, "returns.xlsx", {
        "Anyshire Constabulary": [["Date", "Event"], ["05/02/2025", "Reported missing"]],
        "Southby Academy": [["Date", "Event"], ["06/02/2025", "Absent from lessons"]],
        "Lists": [["Kinds"], ["missing"]]})
    report = import_report([path])
    assert [(f.sheet, f.agency, f.agency_source) for f in report.summary.files] == [
        ("Anyshire Constabulary", "Anyshire Constabulary", "sheet name"),
        ("Southby Academy", "Southby Academy", "sheet name")]
    assert report.case.events["id"].tolist() == [
        "returns-anyshire-constabulary-2", "returns-southby-academy-2"]
    assert {p.reason for p in report.problems} >= {Reason.SEVERAL_SHEETS}


# --- agencies as written, meetings -------------------------------------------------

def test_agency_names_as_written(tmp_path):
    path = write(tmp_path, "composite.csv", "Date,Agency,Event\n"
                 "01/02/2025,Anyshire Constabulary,Reported missing\n"
                 "02/02/2025,School (primary),Absent\n"
                 "03/02/2025,Social Care (front door),Contact received\n"
                 "04/02/2025,Health (school nurse),Seen by nurse\n"
                 "05/02/2025,Family (grandmother),Phoned school\n"
                 "06/02/2025,Breakaway Project debrief worker,Return interview completed\n"
                 "07/02/2025,Anyshire Youth Court,Hearing\n"
                 "08/02/2025,Northby General Hospital,Seen in the emergency department\n")
    ev = import_chronologies([path]).events
    got = ev[["agency", "agency_detail", "sector"]].values.tolist()
    assert got == [["Anyshire Constabulary", "", "police"], ["School", "primary", "education"],
                   ["Children's Social Care", "front door", "social-care"],
                   ["Health", "school nurse", "health"], ["Family", "grandmother", "family"],
                   ["Breakaway Project debrief worker", "", "third-sector"],
                   ["Anyshire Youth Court", "", "other"],
                   ["Northby General Hospital", "", "health"]]


def test_meeting_rows_are_meetings_held_by_their_attendees(tmp_path):
    case = import_chronologies([write(tmp_path, "panel.csv", PANEL)])
    ev = case.events
    assert ev["kind"].tolist() == ["multi_agency_meeting", "strategy_meeting",
                                   "multi_agency_meeting"]
    assert ev["agency_as_written"].tolist() == ["Multi agency panel", "Strategy meeting",
                                                "Exploitation panel"]
    # recorded under the first attendee, the chair, or the usual convenor: never a lane
    assert ev["agency"].tolist() == ["Police", "Children's Social Care",
                                     "Children's Social Care"]
    assert ev["attendees"].tolist() == [
        "Police; Children's Social Care; Southby Academy", "Children's Social Care", ""]
    assert "Multi agency panel" not in {a.name for a in case.agencies}
    warned = [p for p in case.problems if p.reason is Reason.MEETING_CONVENOR_ASSUMED]
    assert [p.line for p in warned] == [2, 4]  # the chair is written on line 3
    assert "(the first attendee written)" in warned[0].message


def test_role_labels_and_family_members_in_attendees(tmp_path):
    path = write(tmp_path, "csc.csv", "Date,Agency,Event\n"
                 "04/03/2025,CSC,\"Strategy meeting. Attendees: PC 1, SW 2 (CSC), Mother of "
                 "Child A, Child A, Teacher 1\"\n")
    ev = import_chronologies([path]).events
    assert ev.loc[0, "attendees"] == "Police; Children's Social Care; Family; School"


# --- references that are citations --------------------------------------------------

CITED = """Ref,Date,Agency,Event
R3 para 12,05/02/2025,Police,Reported missing by mother
R3 para 12,06/02/2025,Police,Found at Address 1
R4 para 2,07/02/2025,School,Absent from lessons
"""


def test_a_repeated_reference_is_a_citation(tmp_path):
    case = import_chronologies([write(tmp_path, "review.csv", CITED)])
    ev = case.events
    assert ev["id"].tolist() == ["review-2", "review-3", "review-4"]
    assert ev["source_ref"].tolist() == ["R3 para 12", "R3 para 12", "R4 para 2"]
    [warning] = [p for p in case.problems if p.reason is Reason.REF_IS_CITATION]
    assert (warning.line, warning.column, warning.value) == (3, "Ref", "R3 para 12")


def test_a_unique_reference_is_still_an_id_and_map_ref_chooses(tmp_path):
    unique = CITED.replace("R3 para 12,06", "R3 para 13,06")
    ev = import_chronologies([write(tmp_path, "review.csv", unique)]).events
    assert ev["id"].tolist() == ["review-r3-para-12", "review-r3-para-13", "review-r4-para-2"]
    assert ev["source_ref"].tolist() == ["", "", ""]
    forced = import_chronologies([write(tmp_path, "cited.csv", CITED)],
                                 mapping={"ref": "Ref"})
    assert forced.events["id"].tolist() == ["cited-r3-para-12", "cited-3", "cited-r4-para-2"]
    assert Reason.DUPLICATE_EVENT_ID in {p.reason for p in forced.problems}


def test_a_source_ref_column_beside_an_id_column(tmp_path):
    path = write(tmp_path, "review.csv", "Event ref,Source ref,Date,Agency,Event\n"
                 "1,R3 para 12,05/02/2025,Police,Reported missing\n"
                 "2,R3 para 12,06/02/2025,Police,Found\n")
    ev = import_chronologies([path]).events
    assert ev[["id", "source_ref"]].values.tolist() == [["review-1", "R3 para 12"],
                                                        ["review-2", "R3 para 12"]]


# --- dates in the composite, and what the summary says of them --------------------

def test_open_ended_dates_are_closed_at_the_chronology_and_undated_rows_counted(tmp_path):
    path = write(tmp_path, "csc.csv", "Date,Agency,Event\n"
                 "before 2012,CSC,Earlier concerns about neglect\n"
                 "05/02/2024,Police,Reported missing\n"
                 "after June 2024,CSC,Case allocated\n"
                 "31/02/2025,Police,Found\n"
                 "10/03/2025,School,Absent\n")
    report = import_report([path])
    ev = report.case.events.set_index("source")
    assert ev.loc["csc.csv:4", "end"] == pd.Timestamp("2025-03-11", tz="UTC")  # the last date
    assert ev.loc["csc.csv:2", "start"] == pd.Timestamp("1994-01-01", tz="UTC")
    assert ev.loc["csc.csv:5", "precision"] == "undated"
    assert report.summary.made_undated == ("csc.csv:5",)
    assert (report.summary.undated, report.summary.open_ended) == (1, 2)


def test_the_new_columns_round_trip_and_old_case_files_still_load(tmp_path, review):
    case = import_chronologies([review])
    folder = write_case(case, tmp_path / "case")
    pd.testing.assert_frame_equal(load_case(folder).events, case.events)
    events = (folder / "events.csv").read_text().splitlines()
    header = events[0].split(",")
    keep = [i for i, c in enumerate(header) if c not in ("agency_detail", "date_note",
                                                         "source_ref")]
    old = pd.read_csv(folder / "events.csv", dtype=str, keep_default_na=False).iloc[:, keep]
    old.to_csv(folder / "events.csv", index=False)
    loaded = load_case(folder).events
    assert loaded["date_note"].eq("").all() and len(loaded) == len(case.events)


def test_an_encoding_that_is_not_utf8_is_read_as_windows_1252(tmp_path):
    path = tmp_path / "police.csv"
    path.write_bytes("Date,Agency,Event\n05/02/2025,Police,Child A\u2019s mother called\n"
                     .encode("cp1252"))
    case = import_chronologies([path])
    assert case.events.loc[0, "summary"] == "Child A\u2019s mother called"
    assert [p.reason for p in case.problems] == [Reason.NOT_UTF8]


def test_recipients_split_at_and_only_between_names(tmp_path):
    path = write(tmp_path, "police.csv", "Date,Agency,Event,Shared with\n"
                 "05/02/2025,Police,Referral made,"
                 "\"CSC and Northby Children and Families Team; A and E\"\n"
                 "06/02/2025,Police,Found,Yes - school nurse\n")
    ev = import_chronologies([path]).events
    assert ev["recipients"].tolist() == [
        "Children's Social Care; Northby Children and Families Team; Emergency Department",
        "School Nursing"]


def test_recipients_keep_only_the_names_not_how_or_when_it_went(tmp_path):
    path = write(tmp_path, "yjs.csv", "Date,Agency,Event,Referred to\n"
                 "05/09/2024,YJS,Child said older lads give him money,"
                 "\"Social Care (front door) by phone and email 05/09; "
                 "Police exploitation desk (intel form) 05/09\"\n"
                 "03/10/2024,YJS,Session,SW1 updated by email\n"
                 "18/01/2025,YJS,Session,\"SW2 and police MP coordinator, 18 Jan 2025 (email)\"\n"
                 "07/01/2025,YJS,Session,SW (Westmarch CSC) and WC MP coordinator by secure "
                 "email 07/01 5.45pm\n"
                 "08/01/2025,YJS,Session,SW1 and DS 440 1530hrs\n")
    ev = import_chronologies([path]).events
    # a desk or post named after its agency's generic name is that agency; a date or a
    # time is no name
    assert ev.sort_values("source_line")["recipients"].tolist() == [
        "Children's Social Care; Police", "Children's Social Care",
        "Children's Social Care; Police", "Children's Social Care; Police",
        "Children's Social Care; Police"]
    assert "18 Jan 2025 (email)" in ev.set_index("source").loc["yjs.csv:4", "details"]


@pytest.mark.parametrize(("text", "recipients"), [
    ("Found at 1045. Notification to Social Care front door.", "Children's Social Care"),
    ("RHI completed. RHI sent to SW1 and police missing team same day.",
     "Children's Social Care; Police"),
    ("Allocated to SW1. Single assessment started. School informed 10/09.", "School"),
    ("Disclosure shared with CSC and the school nurse for a response.",
     "Children's Social Care; School Nursing"),
    ("Concerns not shared with the school.", ""),
    ("Mother said he was with friends. Safe and well check done.", ""),
    ("Home manager emails Anyshire Social Work asking for her safety plan.",
     "Children's Social Care"),
])
def test_sharing_written_in_the_text_names_the_recipients(tmp_path, text, recipients):
    path = write(tmp_path, "yjs.csv", f"Date,Agency,Event\n05/02/2025,YJS,\"{text}\"\n")
    assert import_chronologies([path]).events["recipients"].tolist() == [recipients]


def test_a_police_missing_person_export_is_read_as_episodes(tmp_path):
    path = write(tmp_path, "MISPER_export_CHILD_B_20250701.csv",
                 "Occurrence Ref,Reported Date/Time,Subject,Classification,Risk Level,"
                 "Found/Outcome,Referred to CSC (Y/N),Notes\n"
                 "MP/25/1,04/01/2025 2210,CHILD B,Missing,Medium,"
                 "Found 05/01/25 0135hrs at a friend's address.,Y,PPN submitted.\n"
                 "MP/25/2,21/06/2025 2315,CHILD B,Absent,Absent,Returned home 22/06/25 0010hrs.,N,\n")
    ev = import_chronologies([path]).events
    assert ev[["agency", "kind", "recipients"]].values.tolist() == [
        ["Police", "missing_report", "Children's Social Care"], ["Police", "found", ""],
        ["Police", "absence_report", ""], ["Police", "found", ""]]
    assert ev["start"].dt.tz_convert("Europe/London").dt.strftime("%d/%m %H:%M").tolist() == [
        "04/01 22:10", "05/01 01:35", "21/06 23:15", "22/06 00:10"]
    rows = ev.loc[ev["kind"] != "found"]  # who the report is about is kept in its text
    assert (rows["summary"] + rows["details"]).str.contains("Subject: CHILD B").all()


def test_a_who_column_is_the_agency_and_a_generic_recipient_is_the_cases_own_name(tmp_path):
    csc = write(tmp_path, "csc.csv", "Anyshire Children's Social Care - agency return\n"
                "Date,Event\n06/01/2025,Contact (PPN) from police\n")
    log = write(tmp_path, "composite.csv", "Date,Who,What happened,Shared with\n"
                "05/01/2025,PC 1234,Stop and search: cash and two phones,Social Care (front door)\n")
    ev = import_chronologies([csc, log]).events
    assert ev[["agency_as_written", "agency", "recipients"]].values.tolist() == [
        ["PC 1234", "Police", "Anyshire Children's Social Care"],
        ["Anyshire Children's Social Care", "Anyshire Children's Social Care", ""]]
    # a row recorded under the generic name keeps it: two agencies, not one
    log.write_text(log.read_text() + "06/01/2025,SW,Home visit,\n")
    ev = import_chronologies([csc, log]).events
    assert ev[["agency_as_written", "agency", "recipients"]].values.tolist()[::2] == [
        ["PC 1234", "Police", "Children's Social Care"], ["SW", "Children's Social Care", ""]]


def test_a_return_interview_row_says_how_it_went_in_its_details(tmp_path):
    path = write(tmp_path, "harbour.csv", "Date,Agency,Event,Details,Outcome\n"
                 "02/12/2024,Harbour Project,Return interview,\"RI completed at home. C said "
                 "'J makes me hold stuff for him'.\",Not sent to police or CSC.\n"
                 "05/12/2024,Harbour Project,Return home interview,Mother declined the RI on "
                 "C's behalf.,\n"
                 "07/12/2024,Harbour Project,Return interview,Booked for 9/12,\n")
    ev = import_chronologies([path]).events
    assert ev["kind"].tolist() == ["return_interview_completed", "return_interview_declined",
                                   "return_interview_offered"]
    assert ev["recipients"].tolist() == ["", "", ""]


# --- returns as agencies write them (issue 10, second pass) ---------------------------

def test_a_titled_returns_source_column_says_where_information_came_from(tmp_path):
    path = write(tmp_path, "school.csv", "Northby High School\nSafeguarding record, Child A\n"
                 "Date,Source,What happened,What we did\n"
                 "03/03/2025,Phone call from CSC,Child A missing at the weekend,Room booked\n"
                 "10/03/2025,Pastoral lead,Child A tired in form time,Emailed SW6\n")
    case = import_chronologies([path])
    ev = case.events.set_index("source")
    own = ev.loc[~ev["id"].str.endswith("-from")]
    assert own["agency"].tolist() == ["Northby High School"] * 2
    assert own["details"].str.startswith("Source: ").tolist() == [True, True]
    assert "Source: Phone call from CSC" in ev.loc["school.csv:4", "details"].iloc[0]
    assert Reason.MISSING_VALUE not in [p.reason for p in case.problems]
    # the call is social care telling the school; the pastoral lead is the school's own post
    told = ev.loc[ev["id"].str.endswith("-from")]
    assert told[["agency", "kind", "recipients"]].values.tolist() == [
        ["Children's Social Care", "information_shared", "Northby High School"]]


def test_a_cell_naming_several_agencies_is_the_first_with_the_others_present(tmp_path):
    path = write(tmp_path, "review.csv", "Date,Agency,Event\n"
                 "22/06/2024,Kirkdale Police / Hilltop Lodge,Child A missing from the home\n")
    ev = import_chronologies([path]).events
    assert (ev.loc[0, "agency"], ev.loc[0, "attendees"]) == ("Kirkdale Police", "Hilltop Lodge")
    assert ev.loc[0, "agency_as_written"] == "Kirkdale Police / Hilltop Lodge"


def test_a_return_home_interview_row_is_held_when_it_says_so_or_holds_the_childs_words(tmp_path):
    path = write(tmp_path, "charity.csv", "Date,Activity,Summary,Interview held,Shared with / when\n"
                 "04/03/2025,RHI,Argued at home and stayed with a friend,\"04/03/2025 11:00, school\","
                 "SW6 and police 04/03/2025\n"
                 "17/03/2025,RHI,\"Child A said: \"\"A man gives us vodka. I'm scared of him.\"\"\",,"
                 "SW6 by phone 15:30\n"
                 "20/03/2025,RHI,Arranged for next week,,\n")
    case = import_chronologies([path])
    ev = case.events
    assert ev["kind"].tolist() == ["return_interview_completed", "return_interview_completed",
                                   "return_interview_offered"]
    assert ev["recipients"].tolist() == ["Children's Social Care; Police",
                                         "Children's Social Care", ""]


def test_a_list_of_who_was_told_keeps_the_agencies_and_the_words(tmp_path):
    path = write(tmp_path, "kp.csv", "Date,Agency,Event,Shared with\n"
                 "14/01/2025,Kestrel Project,Return interview held,"
                 "Allocated SW not yet - sent to CSC MASH; police\n"
                 "24/02/2025,Kestrel Project,Declined,SW informed of decline\n"
                 "03/03/2025,Kestrel Project,Session,written summary emailed 17:40\n")
    ev = import_chronologies([path]).events
    assert ev["recipients"].tolist() == ["Children's Social Care; Police",
                                         "Children's Social Care", ""]
    assert "Shared with: written summary emailed 17:40" in ev.loc[2, "details"]


def test_what_the_lead_told_an_agency_is_not_information_it_kept(tmp_path):
    path = write(tmp_path, "all.csv", "Date,Agency,Event\n"
                 "01/04/2025,CSC,Case allocated to SW6 for assessment\n"
                 "24/04/2025,Police,SW6 reported sexualised messages from an adult on her phone (CSE concern)\n"
                 "25/04/2025,Police,Adult Male 1 messages found on her phone (CSE concern)\n"
                 "20/05/2025,CSC,Home visit\n")
    assert flagged([path], "information-not-shared") == ["all.csv:4"]


def test_a_familys_quoted_words_are_not_the_records_label(tmp_path):
    path = write(tmp_path, "csc.csv", "Date,Agency,Event\n"
                 "06/03/2025,CSC,\"Mother said Child A has \"\"an older boyfriend\"\". SW explained "
                 "this is an adult exploiting her.\"\n"
                 "07/03/2025,CSC,Child A has an older boyfriend who collects her from school\n")
    assert flagged([path], "victim-blaming-language") == ["csc.csv:3"]


def test_a_separator_in_brackets_is_part_of_the_name_and_all_is_nobody_in_particular(tmp_path):
    path = write(tmp_path, "csc.csv", "Date,Agency,Event,Shared with\n"
                 "05/02/2025,CSC,Strategy discussion,\"Police (DS, CSE desk); school nurse\"\n"
                 "06/02/2025,CSC,Safety plan agreed,All\n")
    ev = import_chronologies([path]).events
    assert ev["recipients"].tolist() == ["Police; School Nursing", ""]
    assert "Shared with: All" in ev.loc[1, "details"]


def test_a_referral_received_is_not_one_made_and_a_role_is_the_cases_agency(tmp_path):
    school = write(tmp_path, "school.csv", "Date,Agency,Event\n"
                   "07/10/2024,Southby Academy,Form tutor worried: Child A tired in lessons\n"
                   "09/10/2024,Southby Academy,Form tutor spoke to Child A\n")
    health = write(tmp_path, "health.csv", "Date,Service,Presentation,Information shared with\n"
                   "08/10/2024,School Nursing,Referred by form tutor for tiredness,"
                   "Form tutor; GP letter\n")
    case = import_chronologies([school, health])
    row = case.events.loc[case.events["source"].eq("health.csv:2")].iloc[0]
    assert row["kind"] == "contact"
    assert row["recipients"] == "Southby Academy; GP"


def test_a_notification_to_the_family_needs_no_answer(tmp_path):
    from workbench import analyse

    path = write(tmp_path, "csc.csv", "Date,Agency,Event,Shared with\n"
                 "14/10/2024,CSC,Notification of the strategy outcome,Mother\n"
                 "14/10/2024,CSC,Notification of the strategy outcome,Police\n"
                 "30/11/2024,CSC,Case note\n")
    h = analyse(import_chronologies([path])).handoffs
    assert dict(zip(h["recipient"], h["needs_answer"], strict=True)) == {
        "Family": False, "Police": True}


def test_all_agencies_present_means_every_agency_of_the_case(tmp_path):
    path = write(tmp_path, "all.csv", "Date,Agency,Event\n"
                 "08/04/2025,Police,Warning notice served on Adult Male 1\n"
                 "09/04/2025,Southby Academy,Child A back on a full timetable\n"
                 "10/04/2025,Harbour Project,Weekly session with Child A\n"
                 "15/04/2025,Multi agency panel,\"Child A discussed. All agencies present, "
                 "including Southby Academy and the Harbour Project.\"\n")
    ev = import_chronologies([path]).events
    panel = ev.loc[ev["source"].eq("all.csv:5")].iloc[0]
    assert panel["kind"] == "multi_agency_meeting"
    assert {panel["agency"], *panel["attendees"].split("; ")} == {
        "Police", "Southby Academy", "Harbour Project"}


def test_a_referral_to_csc_is_answered_by_whichever_csc_team_records_first(tmp_path):
    from workbench import analyse

    path = write(tmp_path, "all.csv", "Date,Agency,Event,Shared with\n"
                 "25/09/2024,Anyshire CSC - Front Door,Police notification logged,\n"
                 "15/11/2024,School Nursing,Disclosure: referral to CSC for advice,CSC\n"
                 "18/11/2024,Anyshire CSC - Locality Team,SW1 acknowledged the school nurse referral,\n"
                 "30/12/2024,School Nursing,Drop-in,\n")
    h = analyse(import_chronologies([path])).handoffs
    row = h.loc[h["recipient"].eq("Children's Social Care")].iloc[0]
    assert (row["answer_basis"], row["status"]) == ("inferred", "answered")


def test_a_mothers_words_in_single_quotes_are_hers_even_with_an_apostrophe(tmp_path):
    path = write(tmp_path, "eh.csv", "Date,Agency,Event\n"
                 "19/03/2025,Early Help,\"Mother said C 'makes her own choices now and I can't "
                 "stop her'.\"\n")
    assert flagged([path], "victim-blaming-language") == []


def test_an_attendee_written_by_a_short_name_is_the_case_agency_it_names(tmp_path):
    # "Harbour worker": a person of the agency named by its short name
    path = write(tmp_path, "all.csv", "Date,Agency,Event\n"
                 "20/01/2025,The Harbour Project,Return interview held\n"
                 "22/01/2025,Northtown Academy,Child A seen with older males at the gate\n"
                 "30/01/2025,MACE panel,\"Child A discussed. Present: Police, CSC (SW1), Harbour "
                 "worker, Northtown Academy, Zephyr.\"\n")
    ev = import_chronologies([path]).events
    panel = ev.loc[ev["source"].eq("all.csv:4")].iloc[0]
    attendees = {panel["agency"], *panel["attendees"].split("; ")}
    assert {"The Harbour Project", "Northtown Academy", "Police"} <= attendees
    assert not any(a.startswith("\x1f") or a == "Zephyr" for a in attendees)


def test_the_recorder_naming_itself_is_no_informant(tmp_path):
    path = write(tmp_path, "all.csv", "Date,Agency,Event\n"
                 "01/04/2025,CSC,Case allocated to SW6 for assessment\n"
                 "24/04/2025,YJS,\"Disclosure: Child told the YJS worker they owe money to a "
                 "person called 'T' (exploitation concern)\"\n"
                 "20/05/2025,CSC,Home visit\n")
    assert flagged([path], "information-not-shared") == ["all.csv:3"]


def test_a_team_in_an_agencys_return_is_that_agency_and_a_closed_file_closes_once(tmp_path):
    csc = write(tmp_path, "social_care.csv", "Date,Team,Contact type,Narrative\n"
                "01/10/2024,Social Care (front door),Case opened,Allocated for assessment\n"
                "15/11/2024,Assessment Team,Case closure,Case closed: step down to school\n"
                "25/11/2024,Social Care (front door),Police notification,"
                "Missing 22-23/11. Case closed 15/11. Recorded on closed file.\n"
                "02/12/2024,Social Care (front door),Police notification,"
                "Missing 30/11-01/12. Case closed. Recorded.\n")
    police = write(tmp_path, "police.csv", "Date,Agency,Event\n"
                   "22/11/2024 20:00,Police,Reported missing by mother\n"
                   "23/11/2024 09:00,Police,Found at a friend's\n"
                   "30/11/2024 21:00,Police,Reported missing by mother\n"
                   "01/12/2024 10:00,Police,Found in a stairwell\n")
    case = import_chronologies([csc, police])
    teams = case.events.loc[case.events["source"].str.startswith("social_care")]
    assert set(teams["agency"]) == {"Children's Social Care"}
    assert flagged([csc, police], "closed-while-active") == ["social_care.csv:3"]


def test_a_sheet_whose_dates_have_no_date_name_is_read_by_its_latest_date_column(tmp_path):
    """A return-interview log in one sheet of a workbook: no 'Date' header, three date
    columns, its kind only in its title; none of its rows is lost."""
    book = openpyxl.Workbook()
    police = book.active
    police.title = "Police"
    police.append(["Date", "Entry Type", "Circumstances"])
    police.append(["27/09/2024 22:15", "Missing report", "Child C missing from home"])
    log = book.create_sheet("Harbour Project")
    log.append(["The Harbour Project - return conversations log, Child C"])
    log.append(["Episode", "Referral received", "Conversation held", "What Child C told us",
                "Shared with (date)"])
    log.append(["27-28 Sept 2024", "30 September 2024", "30 September 2024, 4pm",
                "Went to the bus station to get away from the shouting.",
                "SW2 and police MP coordinator, 30 Sept 2024 (email)"])
    path = tmp_path / "returns.xlsx"
    book.save(path)
    case = import_chronologies([path])
    row = case.events.loc[case.events["source"].str.contains("Harbour")].iloc[0]
    assert (row["agency"], row["kind"]) == ("Harbour Project", "return_interview_completed")
    assert row["start"] == pd.Timestamp("2024-09-30 15:00", tz="UTC")
    assert row["recipients"] == "Children's Social Care; Police"
    assert "Episode: 27-28 Sept 2024" in row["details"]
    guessed = [p for p in case.problems if p.reason is Reason.COLUMN_GUESSED
               and p.sheet == "Harbour Project"]
    assert [p.value for p in guessed] == ["Conversation held", "What Child C told us"]


def test_an_export_named_by_its_columns_dated_by_its_dates_and_a_log_that_says_who_it_told(
        tmp_path):
    """A police export whose file name names no agency and whose 'Age' column is no date,
    and a school log with a Y/N column before the one naming who was told."""
    police = write(tmp_path, "AC_occurrences_ChildD_export.csv",
                   "URN,Occurrence Type,Created,Age,Circumstances,Risk Grading,OIC\n"
                   "MP-1,MISSING PERSON,2025-01-17 23:05,14,Reported by Mother.,MEDIUM,PC 3012\n")
    school = write(tmp_path, "school_log.csv",
                   "Date,Concern / incident,Passed to DSL?,Referred externally (who/when)\n"
                   "06/01/2025,D looked tired,Y - 06/01,DSL emailed SW1 (CIN) 06/01\n"
                   "11/02/2025,Suspended 3 days,Y,LA exclusions team via SIMS. SW not informed\n"
                   "13/02/2025,Second phone found,Y,No - will raise at CIN review\n"
                   "14/02/2025,Vape found,N,n/a\n")
    case = import_chronologies([police, school])
    ev = case.events.set_index("source")
    row = ev.loc["AC_occurrences_ChildD_export.csv:2"]
    assert (row["agency"], row["start"]) == ("Police", pd.Timestamp("2025-01-17 23:05", tz="UTC"))
    assert "Age: 14" in row["details"]
    told = [ev.loc[f"school_log.csv:{n}", "recipients"] for n in (2, 3, 4, 5)]
    assert told == ["Children's Social Care", "Education", "", ""]
    assert "No - will raise at CIN review" in ev.loc["school_log.csv:4", "details"]
    assert "SW not informed" in ev.loc["school_log.csv:3", "details"]


def test_a_case_held_by_social_care_that_sent_no_return_still_has_a_lead(tmp_path):
    """'Known to CSC (CIN)' in the others' rows: a concern the school keeps from social
    care is not shared with the lead, though social care wrote no row of its own."""
    school = write(tmp_path, "school_log.csv",
                   "Date,Concern / incident,Referred externally\n"
                   "06/01/2025,Attendance 91%. Known to CSC (child in need plan; SW1).,\n"
                   "23/01/2025,Pupil X says D is picked up by an older man who gives her money "
                   "and takes her to his flat (possible CSE).,\n"
                   "10/03/2025,All concerns passed to SW1,Children's Social Care\n")
    assert flagged([school], "information-not-shared") == ["school_log.csv:3"]


def test_a_header_naming_few_fields_beats_a_first_row_of_long_values(tmp_path):
    """An export whose header names its date but no event text ('Circumstances' is),
    and whose first row holds sentences: the header is the header, no row is lost."""
    path = write(tmp_path, "FMC_MISPER_export.csv",
                 "Occurrence No,Reported,Risk Rationale,Found/Outcome,OIC\n"
                 "MP/25/1,2025-02-07 22:30,\"First episode, age 14, out of character. Medium - "
                 "enquiries.\",\"Found 08/02/25 0140hrs at a friend's home, by patrol.\",PC 4471\n"
                 "MP/25/2,2025-03-01 23:15,\"Second episode in 3 weeks.\",Returned home 02/03/25 "
                 "1030hrs of own accord.,PCSO 8812\n")
    case = import_chronologies([path])
    reports = case.events.loc[case.events["kind"].eq("missing_report")]
    assert reports["source"].tolist() == ["FMC_MISPER_export.csv:2", "FMC_MISPER_export.csv:3"]
    assert reports["agency"].unique().tolist() == ["Police"]


@pytest.mark.parametrize(("title", "flags"), [
    ("ASHCOMBE BOROUGH COUNCIL - CHILDREN'S SERVICES", []),   # the lead's own return
    ("Combined multi-agency chronology", ["chronology.xlsx!Chronology:4"]),
])
def test_what_the_leads_own_return_records_was_not_kept_from_it(tmp_path, title, flags):
    """A row by the school nurse in social care's own chronology is something social
    care knew; the same row in a composite chronology may have been kept from it."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Chronology"
    sheet.append([title])
    sheet.append(["Date", "Agency", "Event"])
    sheet.append(["06/01/2025", "Social Care (assessment team)",
                  "Child D open on a child in need plan, allocated SW5."])
    sheet.append(["13/01/2025", "Health (school nurse)",
                  "D told the school nurse an older man gives her cash and lifts (possible CSE)."])
    sheet.append(["05/03/2025", "Social Care (assessment team)", "Home visit by SW5."])
    tracker = book.create_sheet("Missing episodes")
    tracker.append(["Episode tracker (kept by the Missing and Return team)"])
    tracker.append(["No.", "Date missing", "Where found"])
    tracker.append(["1", "04/01/2025", "Car, Dunmarsh"])
    path = tmp_path / "chronology.xlsx"
    book.save(path)
    assert flagged([path], "information-not-shared") == flags
    if flags == []:  # a sheet that names no agency is its workbook's
        events = import_chronologies([path]).events
        tracker_rows = events.loc[events["source_sheet"].eq("Missing episodes")]
        assert tracker_rows["agency"].unique().tolist() == ["Children's Social Care"]
        assert set(events["return_agency"]) == {"Children's Social Care"}


def test_a_notification_received_asks_nothing_of_anyone(tmp_path):
    """'Notification received by email from the MP coordinator' in the return-interview
    service's log is the service receiving one: no answer is owed by the school it then
    arranged a visit with."""
    log = write(tmp_path, "ri_log.csv",
                "Date,Type,Worker,What happened,Shared with\n"
                "06/01/2025,Notification,Worker 2,Notification received by email from the "
                "police MP coordinator at 9.10am. Arranged with the DSL to see K at school.,"
                "School\n"
                "20/01/2025,Note,Worker 2,File reviewed.,\n")
    assert flagged([log], "unanswered-referral") == []


def test_a_concern_written_on_every_report_is_one_flag_not_one_a_report(tmp_path):
    """A police export whose every report carries the same standing marker ("CSE risk")
    while social care leads: one information-not-shared flag, on the first report."""
    csc = write(tmp_path, "csc.csv", "Date,Agency,Event\n"
                "02/01/2025,Children's Social Care,Child protection plan; allocated SW3.\n"
                "30/04/2025,Children's Social Care,Home visit by SW3.\n")
    reports = "".join(f"{d}/0{m}/2025 22:00,Missing from home. Warning markers: CSE risk.\n"
                      for m, d in ((1, "04"), (2, "09"), (3, "08")))
    police = write(tmp_path, "police.csv", "Date,Circumstances\n" + reports)
    rows = flagged([csc, police], "information-not-shared")
    assert rows == ["police.csv:2"]


@pytest.mark.parametrize(("shared_on", "flags"), [
    ("14/02/2025", []),  # shared the day of the debrief
    ("24/02/2025", ["rhi.csv:2"]),  # six working days later: the share is dated as written
])
def test_a_share_dated_later_than_its_row_is_made_on_the_day_written(tmp_path, shared_on, flags):
    path = write(tmp_path, "rhi.csv", "Date,Agency,Event,Shared with,Date shared\n"
                 f"14/02/2025,Return Interview Service,\"Return interview held. Child said 'I'm "
                 f"scared of Dee, he said he knows where my dad lives'.\",SW2 and police,{shared_on}\n")
    ev = import_chronologies([path]).events
    shares = ev.loc[ev["kind"].eq("information_shared")]
    assert len(shares) == (shared_on != "14/02/2025")
    assert flagged([path], "return-interview-not-shared") == flags


def test_a_row_that_writes_its_recipients_answer_is_answered(tmp_path):
    path = write(tmp_path, "ed.csv", "Date,Time,Who,What happened,Outcome,Shared with\n"
                 "29/12/2024,1100,Health (Riverside ED),Treated for a cut. Safeguarding referral "
                 "to EDT 1130hrs.,EDT responded 1215hrs,EDT\n"
                 "29/12/2024,1100,Health (Riverside ED),Treated for a cut. Safeguarding referral "
                 "to EDT 1130hrs.,EDT has not responded,EDT\n"
                 "20/01/2025,0900,Health (Riverside ED),Clinic review,,\n")
    # the second row says no answer came: it stays a referral with none
    assert flagged([path], "unanswered-referral") == ["ed.csv:3"]


def test_a_shared_with_cell_keeps_agencies_not_sentences_or_words(tmp_path):
    rhi = write(tmp_path, "Brackwater_RHI_log.csv", "Date,Event\n"
                "13/01/2025,Return interview held\n")
    police = write(tmp_path, "police.csv", "Date,Agency,Event,Shared with\n"
                   "10/01/2025,Northmere Police,Reported missing,\"Courtesy request to Eastvale "
                   "Police to check the address. PPN to Northmere CSC\"\n"
                   "14/01/2025,Northmere Police,Safe and well check,Report submitted\n"
                   "15/01/2025,Northmere Police,Intelligence shared,Brackwater worker; TM\n")
    ev = import_chronologies([rhi, police]).events.set_index("source")
    assert ev.loc["police.csv:2", "recipients"] == "Children's Social Care"
    assert ev.loc["police.csv:3", "recipients"] == ""
    assert ev.loc["police.csv:4", "recipients"] == "Brackwater RHI"
    # what was not read as an agency stays in the details, as written
    assert "Shared with: Report submitted" in ev.loc["police.csv:3", "details"]
    assert "Shared with: Brackwater worker; TM" in ev.loc["police.csv:4", "details"]


def test_a_title_naming_the_agency_beats_a_sheet_named_for_a_post(tmp_path):
    path = workbook(tmp_path, "school_return.xlsx", {"DSL log": [
        ["Southby Academy"], ["Safeguarding chronology for the review"], [],
        ["Date", "Staff", "Concern / information", "Action taken"],
        ["14/10/2024", "DSL", "MARF to MASH: CSE concerns, adult male collecting A in car.",
         "MARF sent by secure email to MASH."]]})
    report = import_report([path])
    (summary,) = report.summary.files
    assert (summary.agency, summary.agency_source) == ("Southby Academy", "title block")
    row = report.case.events.iloc[0]
    assert (row["kind"], row["recipients"]) == ("referral", "Children's Social Care")


def test_a_carers_diary_with_banners_merged_days_and_a_notes_sheet_is_read_whole(tmp_path):
    """A fostering agency's diary: a merged title, month banners across the table, a day
    merged over its entries and written without a year, and a sheet of notes with no date
    column. Every row is kept; days take the year of the row before; notes are dated by
    the day they begin with; the agency is the fostering agency, not the carers."""
    book = openpyxl.Workbook()
    diary = book.active
    diary.title = "Carer diary"
    for row in (["Foster carers' daily diary - H - Kestrel Lane Fostering"],
                ["Date", "Time", "What happened", "Who I told"],
                ["FEBRUARY 2025"],
                ["Mon 3rd Feb", "1530", "H arrived with SW 10.", "-"],
                [None, "2100", "Settled.", "-"],
                ["MARCH 2025"],
                ["Sun 2nd March", "1800", "Reported missing to police as protocol.", "Police"]):
        diary.append(row)
    for cells in ("A1:D1", "A3:D3", "A4:A5", "A6:D6"):
        diary.merge_cells(cells)
    notes = book.create_sheet("Notes")
    for row in (["Note", "Author", "Text"],
                ["N1", "SSW 1", "17/02: Discussed the episode of 14/02 with the carers."],
                ["N2", "SSW 1", "Carers have the missing protocol."]):
        notes.append(row)
    path = tmp_path / "Carer_diary_H.xlsx"
    book.save(path)
    report = import_report([path])
    ev = report.case.events.set_index("source")
    (agency,) = set(ev["agency"])
    assert agency == "Kestrel Lane Fostering"
    name = "Carer_diary_H.xlsx"
    assert ev.loc[f"{name}!Carer diary:4", "start"] == pd.Timestamp("2025-02-03 15:30", tz="UTC")
    assert ev.loc[f"{name}!Carer diary:5", "start"] == pd.Timestamp("2025-02-03 21:00", tz="UTC")
    assert ev.loc[f"{name}!Carer diary:7", "start"] == pd.Timestamp("2025-03-02 18:00", tz="UTC")
    assert ev.loc[f"{name}!Carer diary:3", "summary"].count("FEBRUARY 2025") <= 1
    assert ev.loc[f"{name}!Notes:2", "start"] == pd.Timestamp("2025-02-17", tz="UTC")
    assert pd.isna(ev.loc[f"{name}!Notes:3", "start"])  # kept, undated, in its place
    reasons = {p.reason for p in report.problems}
    assert {Reason.YEAR_ASSUMED, Reason.DATE_FROM_ANOTHER_COLUMN} <= reasons


def test_an_interview_log_whose_only_prose_is_the_childs_words_is_read(tmp_path):
    path = write(tmp_path, "lighthouse_rhi_log.csv",
                 "THE LIGHTHOUSE TRUST - RETURN HOME INTERVIEW LOG - Child A\n"
                 "Date,Outcome,Worker,What the young person said\n"
                 "10/03/2025,Completed,Tara,Went to Westby with friends from school.\n")
    report = import_report([path])
    row = report.case.events.iloc[0]
    assert row["summary"] == "Completed"
    assert "Went to Westby with friends from school." in row["details"]
    assert Reason.COLUMN_GUESSED in [p.reason for p in report.problems]


def test_a_from_column_that_holds_dates_is_the_date_not_the_informant(tmp_path):
    path = workbook(tmp_path, "csc_southby.xlsx", {"Case Status": [
        ["From", "Status", "Allocated worker", "Comment"],
        ["15/01/2025", "Open - CIN (exploitation)", "SW A. Lund", "Allocated at strategy"],
        ["28/08/2025", "Closed", "SW A. Lund", "Closed after 5 months without episodes"]]})
    ev = import_chronologies([path]).events
    assert ev["start"].tolist() == [pd.Timestamp("2025-01-15", tz="Europe/London"),
                                    pd.Timestamp("2025-08-28", tz="Europe/London")]
