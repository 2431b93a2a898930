"""A placing authority's case notes tell the episodes other agencies handled: "Missing
notification" rows, returns written as "Returned 23-Feb 1200", a home's report the police
"logged as 'absent'", a hospital's "discharged to home staff", plans to notify."""

from __future__ import annotations

import csv

import pytest

from workbench.analysis.analyse import analyse
from workbench.analysis.episodes import episodes
from workbench.analysis.rules import find_flags
from workbench.io.dates import parse_when
from workbench.io.derived import found_when
from workbench.io.importer import import_chronologies
from workbench.kinds import classify

NOTES = [
    ["Date", "Time", "Note type", "Worker", "Note"],
    ["04-Dec-2024", "1015", "Statutory visit", "SW6", "Visit at placement. Seen alone."],
    ["14-Dec-2024", "2300", "Missing notification", "EDT",
     "Carer reported E missing 2130hrs to Anyshire Police. Police graded HIGH. "
     "E returned by police 15-Dec 0400 from Seaport."],
    ["30-Dec-2024", "2350", "Missing notification", "EDT",
     "Home reported E missing 2200 to Westmoor Police. Graded LOW. Returned 02-Jan 1200."],
    ["11-Feb-2025", "1100", "Management oversight", "TM",
     "Placement approved. Actions: (1) SW6 to notify Westmoor Council and Westmoor Police of "
     "the placement within 5 working days."],
    ["18-Feb-2025", "0900", "Phone call in", "SW6",
     "ED nurse: E brought in by ambulance 0210 intoxicated; discharged to home staff 0700."],
]


@pytest.mark.parametrize(("text", "kind"), [
    ("Missing notification", "missing_report"),
    ("Missing from home notice", "missing_report"),
    ("Placement notification sent to host LA", "notification"),
    ("Police graded LOW risk and logged as 'absent'", "absence_report"),
    ("discharged to home staff 0700", "contact"),
    ("discharged from ED at 0300", "contact"),
    ("Discharged from CAMHS", "case_closed"),
    ("SW6 to notify Westmoor Council and Westmoor Police", "contact"),
    ("Plan: SW to refer to CAMHS", "contact"),
    ("Referral to be made to CAMHS", "contact"),
    ("Action: school will make a referral to MASH", "contact"),
    ("Referred to MASH", "referral"),
    ("Police notified CSC", "notification"),
])
def test_the_kind_of_a_case_note(text, kind):
    assert classify(text).kind == kind


@pytest.mark.parametrize(("words", "said", "start"), [
    ("E returned by police 15-Dec 0400 from Seaport", "15-Dec 0400", "2024-12-15 04:00"),
    ("Returned 02-Jan 1200.", "02-Jan 1200", "2025-01-02 12:00"),   # the next such day
    ("found 16-Dec-24 0900", "16-Dec-24 0900", "2024-12-16 09:00"),
    ("Returned 2nd Jan", "2nd Jan", "2025-01-02 00:00"),
])
def test_a_return_dated_by_day_and_month_name_without_a_year(words, said, start):
    when, written = found_when(words, parse_when("14/12/2024", "23:00"))
    assert written == said
    assert when.start.strftime("%Y-%m-%d %H:%M") == start


def test_case_notes_give_episodes_with_their_returns_and_no_plan_awaits_an_answer(tmp_path):
    path = tmp_path / "cic_case_notes.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(NOTES)
    case = import_chronologies([path])
    ep = episodes(case)
    assert ep["start"].dt.strftime("%d/%m %H:%M").tolist() == ["14/12 23:00", "30/12 23:50"]
    assert ep["found_at"].dt.strftime("%d/%m %H:%M").tolist() == ["15/12 04:00", "02/01 12:00"]
    kinds = case.events.set_index("source_line")["kind"]
    assert kinds[5] == "contact"       # a plan to notify is not a notification made
    assert "case_closed" not in kinds.tolist()   # nor is a hospital discharge a closure
    flags = find_flags(analyse(case))
    assert not [f for f in flags if f.pattern in ("unanswered-referral", "closed-while-active")]
