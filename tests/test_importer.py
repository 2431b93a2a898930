"""Import: layouts, synonyms, mapping, merging, ordering, ids and the case file."""

import pandas as pd
import pytest

from workbench.errors import CaseValidationError, Reason
from workbench.io.casefile import load_case, write_case
from workbench.io.importer import import_chronologies

COMMON = """Date,Time,Agency,Event,Details,Action taken,Outcome,Shared with
05/02/2025,22:10,Police,Reported missing by mother - risk graded medium,Last seen at Park X,Circulated,,
06/02/2025,09:00,Police force,Found at Address 2,,Safe and well check,,CSC; Return Interview Service
"""
TAYSIDE = """Date or period of event,Significant event,Source,Impact (positive or negative),Action taken
March 2024,Fixed-term exclusion 3 days,School,Negative,Parents informed
?22 May 2024,Referral to Children's Social Care,School,,Awaiting response
undated (primary years),Previous concerns about attendance,School,,
"""
CHRONOLATOR = """Event ref,Start date,Start time,End date,End time,Source of information,Event,Responds to
1,07/02/2025,10:00,,,Return Interview Service,Return interview completed by RI Worker 1,
2,07/02/2025,,09/02/2025,,Return Interview Service,Counselling sessions arranged,1
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_common_layout_reads_every_field(tmp_path):
    case = import_chronologies([write(tmp_path, "police.csv", COMMON)])
    ev = case.events
    assert ev["id"].tolist() == ["police-2", "police-3"]
    first, found = ev.iloc[0], ev.iloc[1]
    assert (first["kind"], first["risk_grade"], first["details"], first["action"]) == (
        "missing_report", "medium", "Last seen at Park X", "Circulated")
    assert first["start"] == pd.Timestamp("2025-02-05 22:10", tz="UTC")  # GMT in February
    assert (found["agency"], found["agency_as_written"]) == ("Police", "Police force")
    assert found["recipients"] == "Children's Social Care; Return Interview Service"
    assert found["source"] == "police.csv:3"
    assert [a.name for a in case.agencies] == ["Police", "Children's Social Care",
                                               "Return Interview Service"]


def test_tayside_layout_keeps_precision_and_undated_order(tmp_path):
    case = import_chronologies([write(tmp_path, "school.csv", TAYSIDE)])
    ev = case.events.set_index("id")
    assert ev.loc["school-2", "precision"] == "month"
    assert ev.loc["school-3", "approximate"]
    assert ev.loc["school-3", "recipients"] == "Children's Social Care"  # read from the text
    assert ev.loc["school-2", "outcome"] == "Negative"
    # the undated row stays after the row that preceded it in its return
    assert case.events["id"].tolist() == ["school-2", "school-3", "school-4"]
    assert pd.isna(ev.loc["school-4", "start"]) and ev.loc["school-4", "precision"] == "undated"


def test_chronolator_layout_with_end_dates_and_references(tmp_path):
    case = import_chronologies([write(tmp_path, "ris.csv", CHRONOLATOR)])
    ev = case.events.set_index("id")
    assert ev.loc["ris-2", "refers_to"] == "ris-1"
    assert ev.loc["ris-2", "precision"] == "range"
    assert ev.loc["ris-2", "end"] == pd.Timestamp("2025-02-10", tz="UTC")
    assert ev.loc["ris-1", "kind"] == "return_interview_completed"


def test_several_returns_merge_in_time_order_keeping_their_sources(tmp_path):
    paths = [write(tmp_path, "police.csv", COMMON), write(tmp_path, "ris.csv", CHRONOLATOR)]
    case = import_chronologies(paths)
    assert case.events["source"].tolist() == ["police.csv:2", "police.csv:3", "ris.csv:2",
                                              "ris.csv:3"]
    assert case.events["seq"].tolist() == [1, 2, 3, 4]
    assert case.sources == ("police.csv", "ris.csv")


def test_explicit_mapping_and_agency_for_a_single_agency_return(tmp_path):
    path = write(tmp_path, "health.csv",
                 "When it happened,What,Who\n03/03/2025,Seen by School Nurse 1,Nurse 1\n")
    guessed = import_chronologies([path])  # read, saying what was assumed
    assert [p.reason for p in guessed.problems] == [Reason.COLUMN_GUESSED]
    row = guessed.events.iloc[0]  # "Who" is the agency: a nurse is a person of Health
    assert (row["summary"], row["agency_as_written"], row["agency"]) == (
        "Seen by School Nurse 1", "Nurse 1", "Health")
    case = import_chronologies([path], mapping={"at": "When it happened", "summary": "What",
                                                "author": "Who"}, agency="School Nursing")
    assert case.problems == ()
    row = case.events.iloc[0]
    assert (row["agency"], row["sector"], row["author"]) == ("School Nursing", "health",
                                                             "Nurse 1")


def test_agency_per_file(tmp_path):
    a = write(tmp_path, "a.csv", "Date,Event\n01/03/2025,Home visit\n")
    b = write(tmp_path, "b.csv", "Date,Event\n02/03/2025,Counselling session\n")
    case = import_chronologies([a, b], agency={"a.csv": "Family", "b.csv": "Counselling"})
    assert case.events["agency"].tolist() == ["Family", "Counselling Service"]


def test_meeting_attendees_and_kind_column(tmp_path):
    path = write(tmp_path, "csc.csv",
                 "Date,Agency,Type,Event\n"
                 "04/03/2025,CSC,,\"Strategy meeting. Attendees: Police, School nurse and SW 1 (CSC)\"\n"
                 "05/03/2025,CSC,Referral,Passed concerns on\n")
    ev = import_chronologies([path]).events
    assert ev.loc[0, "attendees"] == "Police; School Nursing; Children's Social Care"
    assert (ev.loc[1, "kind"], ev.loc[1, "kind_basis"], ev.loc[1, "kind_confidence"]) == (
        "referral", "column", 1.0)


def test_folder_with_meta_imports_whole(tmp_path):
    folder = tmp_path / "case-x"
    folder.mkdir()
    write(folder, "police.csv", COMMON)
    write(folder, "ris.csv", CHRONOLATOR)
    write(folder, "notes.csv", "Date,Event\n10/02/2025,Counselling session 1\n")
    (folder / "meta.yaml").write_text(
        "id: case-x\ntitle: Child X\nchild: {label: Child X, born: 2011-04}\n"
        "agencies_by_file: {notes.csv: Counselling Service}\n"
        "anonymisation: {by: Author, on: 2026-11-25, method: fictional}\n")
    case = import_chronologies([folder])
    assert (case.id, case.title, case.child["born"]) == ("case-x", "Child X", "2011-04")
    assert "Counselling Service" in case.events["agency"].tolist()
    assert case.anonymisation["method"] == "fictional"


def test_round_trip_through_the_case_file(tmp_path):
    case = import_chronologies([write(tmp_path, "police.csv", COMMON),
                                write(tmp_path, "school.csv", TAYSIDE),
                                write(tmp_path, "ris.csv", CHRONOLATOR)])
    loaded = load_case(write_case(case, tmp_path / "case"))
    pd.testing.assert_frame_equal(loaded.events, case.events)
    assert loaded.agencies == case.agencies and loaded.sources == case.sources


def test_override_wins_and_survives_reimport(tmp_path):
    path = write(tmp_path, "police.csv", COMMON)
    case = import_chronologies([path]).with_overrides({"police-3": {"kind": "referral"}})
    assert case.event("police-3")["kind_basis"] == "override"
    folder = write_case(case, tmp_path / "case")
    assert load_case(folder).event("police-3")["kind"] == "referral"
    # the events file keeps what the return said; the decision lives in case.yaml
    assert "found" in (folder / "events.csv").read_text()
    with pytest.raises(FileExistsError):
        write_case(import_chronologies([path]), folder)
    write_case(import_chronologies([path]), folder, replace=True)
    assert load_case(folder).event("police-3")["kind"] == "referral"


def test_nothing_is_written_when_input_is_bad(tmp_path):
    bad = write(tmp_path, "police.csv", "Date,Agency,Event\n31/02/2025,Police,Found\n")
    with pytest.raises(CaseValidationError) as exc:
        import_chronologies([bad], strict=True)
    assert [p.reason for p in exc.value.errors] == [Reason.IMPOSSIBLE_DATE]
    assert not (tmp_path / "case").exists()
    kept = import_chronologies([bad]).events  # without --strict the row is kept, undated
    assert (kept.loc[0, "when"], kept.loc[0, "precision"]) == ("31/02/2025", "undated")
    with pytest.raises(CaseValidationError) as exc:
        import_chronologies([write(tmp_path, "notes.csv", "Agency,Event\nPolice,Found\n")])
    assert [p.reason for p in exc.value.errors] == [Reason.MISSING_COLUMN]


def test_a_table_whose_event_text_has_an_unheard_of_name_is_still_read(tmp_path):
    """'Entry' reads as a reference by its name; holding prose, it is the event text."""
    path = tmp_path / "school-nursing.csv"
    path.write_text("Anyshire Health - School Nursing,,,\nDate,Service,Entry,Action / referral\n"
                    "19/03/2025,School nursing,Attended the strategy meeting; no health concerns,"
                    "Offered sessions\n20/03/2025,School nursing,Child A seen in school for a "
                    "wellbeing check,None\n", encoding="utf-8")
    case = import_chronologies([path])
    assert case.events["summary"].tolist()[0].startswith("Attended the strategy meeting")
    assert len(case.events) == 2
    assert "column-guessed" in {str(p.reason) for p in case.problems}
