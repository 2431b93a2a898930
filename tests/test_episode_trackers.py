"""A social care workbook's own sheets: a missing-episodes tracker with its return
interview columns, a meetings sheet with its attendees column, a status history."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from workbench import analyse, find_flags
from workbench.io.importer import import_chronologies
from workbench.kinds import split_attendees

TITLE = ["Northby Children's Services - Child A"]
EPISODES = [
    ["Police ref", "Reported missing", "Police risk", "Found", "RI offered", "Return interview",
     "Shared"],
    ["MP-1", "02/02/2025 19:30", "High", "Found 03/02/2025 1410hrs in Eastvale by officers.",
     "04/02/2025", "Declined on 04/02 (\"I'm not talking\"). Re-offered 06/02 with his coach "
     "present - completed 06/02. Said he owes a lad money and is scared of him.",
     "Shared with police MASH and SW same day (06/02) by phone"],
    ["MP-2", "12/02/2025 21:15", "High", "Found 13/02/2025 0620hrs at the station.",
     "13/02/2025", "Completed 13/02 afternoon by the youth worker.", "Shared with police 13/02"],
]
MEETINGS = [
    ["Date", "Meeting", "Attended", "Apologies / reports", "Decisions & actions"],
    ["07/02/2025 14:00", "Strategy meeting",
     "CSC (TM 1, SW 2), Police (DS 3), Northby Academy (DSL)", "None", "S47 started."],
    ["15/05/2025 10:00", "CIN review", "CSC, Northby Academy, Mother", "None",
     "No further reports; the Eastvale address closed. Continue CIN."],
]


def tracker(folder, episodes=EPISODES):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in {"Contacts": [TITLE, ["Received", "From", "Type", "Details"],
                                     ["14/01/2025 11:05", "Police", "Referral",
                                      "Child A seen getting into cars"]],
                        "Missing Episodes": episodes, "Meetings": MEETINGS}.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    path = folder / "northby_csc.xlsx"
    book.save(path)
    return path


@pytest.fixture
def events(tmp_path):
    return import_chronologies([tracker(tmp_path)]).events.set_index("id")


def test_each_interview_step_written_in_an_episode_row_is_an_event_on_its_day(events):
    first = "northby-csc-missing-episodes-mp-1"
    steps = events.loc[events["refers_to"].eq(first) & events["kind"].str.startswith("return")]
    local = steps["start"].dt.tz_convert("Europe/London").dt.strftime("%d/%m/%Y")
    assert list(zip(steps["kind"], local, strict=True)) == [
        ("return_interview_offered", "04/02/2025"),   # the 'RI offered' column
        ("return_interview_declined", "04/02/2025"),
        ("return_interview_offered", "06/02/2025"),   # re-offered
        ("return_interview_completed", "06/02/2025")]
    held = steps.iloc[-1]
    # the step held keeps the column's whole text: the child's words go with the interview
    assert "scared of him" in held["summary"] and held["summary"].startswith("Return interview:")
    assert (steps["source"] == events.loc[first, "source"]).all()
    order = events.sort_values("seq").index.tolist()
    assert order.index(first) < order.index(steps.index[0])  # after the episode's own row
    # a day and month alone takes the year of the episode
    second = events.loc[events["refers_to"].eq("northby-csc-missing-episodes-mp-2")
                        & events["kind"].eq("return_interview_completed")]
    assert second["start"].dt.tz_convert("Europe/London").dt.strftime("%d/%m/%Y").tolist() == [
        "13/02/2025"]


def test_interviews_in_a_tracker_answer_the_return_interview_pattern(tmp_path):
    path = tracker(tmp_path)
    assert not [f for f in find_flags(analyse(import_chronologies([path])))
                if f.pattern == "return-interview-missing"]
    bare = [row[:4] + row[6:] for row in EPISODES]  # the same tracker without its RI columns
    other = tmp_path / "other"
    other.mkdir()
    assert [f for f in find_flags(analyse(import_chronologies([tracker(other, bare)])))
            if f.pattern == "return-interview-missing"]


def test_a_shared_cell_written_as_a_sentence_names_its_agencies(events):
    row = events.loc["northby-csc-missing-episodes-mp-2"]
    assert row["recipients"] == "Police"
    assert "Shared: Shared with police 13/02" in row["details"]
    assert not events["agency"].str.contains("Shared with").any()


def test_a_meetings_sheet_reads_its_meeting_column_and_its_attendees(events):
    meetings = events.loc[events["source"].str.contains("Meetings")]
    assert meetings["kind"].tolist() == ["strategy_meeting", "multi_agency_meeting"]
    first = meetings.iloc[0]["attendees"].split("; ")
    assert "Police" in first and not any("TM 1" in a or "SW 2)" in a for a in first)
    # a police 'address closed' is not the case closed
    assert not events["kind"].eq("case_closed").any()


def test_attendees_written_with_their_posts_in_brackets():
    assert split_attendees("Attended: CSC (TM Hale, SW Lund), Police MASH (DS Carr), School") \
        == ["CSC", "Police MASH", "School"]


def test_an_interview_log_row_is_not_split_again(tmp_path):
    # a return interview log's own rows are the interviews: no step is derived from them
    path = tmp_path / "harbour_ri_log.csv"
    path.write_text("Date,Event,RI outcome\n"
                    "14/02/2025,Return interview completed,Completed 14/02 at school\n",
                    encoding="utf-8")
    ev = import_chronologies([path]).events
    assert len(ev) == 1 and isinstance(ev["start"].iloc[0], pd.Timestamp)
