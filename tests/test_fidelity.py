"""Readings made for chronologies as agencies write them (issue #10's fidelity target).

Each test is one general reading, on fictional rows: how attendees are written, which
records are an agency's own, which notifications only inform.
"""

from __future__ import annotations

import pandas as pd

from tests.casebuilder import events
from workbench.analysis.rules import flag_table
from workbench.analysis.rules.multiagency import attended

CSC = "Children's Social Care"


def of(table: pd.DataFrame, pattern: str) -> pd.DataFrame:
    return table.loc[table["pattern"] == pattern]


# --- meeting-missing-agency: attendees as written ---------------------------------------

def test_an_attendee_written_by_its_usual_name_or_a_person_of_it_is_the_agency():
    assert attended("Police CSE desk; Children's Social Care", "Anyshire Constabulary", "police")
    assert attended("Southby Academy DSL", "Southby Academy", "education")
    assert attended("Harbour Project RHI worker", "Harbour Project", "third-sector")
    assert attended("Head of Year", "Southby Academy", "education")


def test_another_known_agency_that_holds_the_name_is_not_the_agency():
    assert not attended("Children's Social Care; School Nursing", "School", "education")
    assert not attended("Police; Children's Social Care", "Southby Academy", "education")


def test_a_force_at_the_meeting_as_police_is_not_absent():
    table = flag_table(events(
        ("20/02/2025 10:00", "Anyshire Constabulary", "contact"),
        ("01/03/2025 10:00", CSC, "strategy_meeting", {"attendees": ["Police (DS 12)", CSC]})))
    assert of(table, "meeting-missing-agency").empty


def test_an_agency_that_recorded_the_meeting_itself_was_there():
    table = flag_table(events(
        ("20/02/2025 10:00", "Southby Academy", "exclusion"),
        ("01/03/2025 10:00", CSC, "strategy_meeting", {"attendees": ["Police", CSC]}),
        ("01/03/2025 11:00", "Southby Academy", "strategy_meeting")))
    assert of(table, "meeting-missing-agency").empty


def test_a_school_left_out_of_the_meeting_is_still_absent():
    table = flag_table(events(
        ("20/02/2025 10:00", "Southby Academy", "exclusion"),
        ("01/03/2025 10:00", CSC, "strategy_meeting",
         {"attendees": ["Police", CSC, "School Nursing"]})))
    got = of(table, "meeting-missing-agency")
    assert len(got) == 1 and "without Southby Academy" in got["explanation"].iloc[0]


# --- columns: a police export's "Reported" is its date, not the subject's "Age" ------

def test_a_column_named_by_a_synonym_beats_an_earlier_one_read_from_its_words():
    from workbench.io.columns import map_columns
    layout = map_columns(["Occurrence Ref", "Subject", "Age", "Reported", "Risk Grade"], {})
    assert layout.index["at"] == 3
    assert (2, "duplicate", "Reported") in layout.notes


def test_a_lone_age_column_is_still_the_date():
    from workbench.io.columns import map_columns
    layout = map_columns(["Age", "Event"], {})
    assert layout.index["at"] == 0
