"""Tests for the failure rules (``workbench.analysis.rules``): one case that must raise each
pattern and a near-miss that must not, uncertain dates, cohorts, and properties
(row order never matters; evidence always exists; a tighter threshold never
removes a flag)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.casebuilder import cohort, events
from workbench.analysis.analyse import analyse
from workbench.analysis.rules import (
    FLAG_COLUMNS,
    PATTERNS,
    SEVERITIES,
    default_rules,
    find_flags,
    flag_table,
    silenced_table,
)
from workbench.analysis.rules.patterns import RULES
from workbench.protocols import load_protocol

CSC, RIS, HOST = "Children's Social Care", "Return Interview Service", "Host Authority"
END = ("31/03/2025 10:00", "Police", "contact")  # the chronology runs on to here
#: ... in social care's record (a case with a record that could show a return interview)
END_CSC = ("31/03/2025 10:00", CSC, "contact")
# 03/02/2025 is a Monday; 07/02/2025 a Friday


def flags(*rows, **changes) -> pd.DataFrame:
    protocol = load_protocol().with_settings(**changes) if changes else None
    return flag_table(events(*rows), protocol=protocol)


def of(table: pd.DataFrame, pattern: str) -> pd.DataFrame:
    return table.loc[table["pattern"] == pattern]


def episode(day: str, found: str | None = None, **fields) -> list[tuple]:
    """A missing report (22:00) and, unless ``found`` is "", a found at 09:00 next day."""
    d = dt.datetime.strptime(day, "%d/%m/%Y")
    found = found if found is not None else (d + dt.timedelta(days=1)).strftime("%d/%m/%Y 09:00")
    rows = [(f"{day} 22:00", "Police", "missing_report", fields)]
    return rows + ([(found, "Police", "found")] if found else [])


# --- one case per pattern that must raise it -----------------------------------------

RAISED = [
    pytest.param("unanswered-referral", [
        ("03/02/2025 10:00", "School", "referral", {"recipients": [CSC]}), END],
        ["e1"], "high", "School referred to Children's Social Care on 03/02/2025; no answer "
        "within 5 working days (none by 31/03/2025", id="referral-unanswered"),
    pytest.param("unanswered-referral", [
        ("03/02/2025 10:00", "School", "referral", {"recipients": [CSC]}),
        ("11/02/2025 10:00", CSC, "case_opened"), END],
        ["e1", "e2"], "medium", "answered only on 11/02/2025 (case opened, inferred: Children's "
        "Social Care's next event), 6 working days later", id="referral-late-6th-day"),
    pytest.param("unanswered-referral", [
        ("07/02/2025 16:00", "Police", "notification", {"recipients": [CSC]}),
        ("17/02/2025 10:00", CSC, "contact", {"refers_to": "e1"}), END],
        ["e1", "e2"], "medium", "Police notified Children's Social Care on 07/02/2025; answered "
        "only on 17/02/2025 (other contact, recorded as its answer), 6 working days",
        id="notification-late-over-weekend"),
    pytest.param("return-interview-missing", [
        *episode("05/02/2025"),  # found 06/02 09:00
        ("09/02/2025 10:00", RIS, "return_interview_offered"), END],
        ["e2", "e3"], "medium", "no return interview was offered or held within 72 hours (the "
        "first, return interview offered on 09/02/2025 10:00, came 73 hours after)",
        id="ri-at-73h"),
    pytest.param("return-interview-missing", [*episode("05/02/2025"), END_CSC],
                 ["e2"], "medium", "Police recorded the child found on 06/02/2025 09:00; no "
                 "return interview was offered or held within 72 hours (none by 31/03/2025",
                 id="ri-none"),
    pytest.param("return-interview-missing", [
        *episode("05/02/2025"),
        ("07/02/2025 10:00", RIS, "return_interview_declined"), *episode("15/02/2025"),
        ("16/02/2025 12:00", RIS, "return_interview_completed")],
        ["e3", "e2"], "medium", "The child declined a return interview on 07/02/2025 (Return "
        "Interview Service); no further offer or interview followed before the next episode, "
        "reported on 15/02/2025", id="ri-declined-no-reattempt"),
    pytest.param("return-interview-not-shared", [
        ("07/02/2025 10:00", RIS, "return_interview_completed"),
        ("07/02/2025 10:30", RIS, "disclosure", {"summary": "Named Adult Male 1"}),
        ("17/02/2025 10:00", RIS, "information_shared", {"recipients": ["Police"]}), END],
        ["e2", "e1"], "high", "Return Interview Service recorded a disclosure by the child on "
        "07/02/2025 at the return interview of 07/02/2025; it was not shared with Police or "
        "Children's Social Care within 5 working days", id="ri-disclosure-shared-6th-day"),
    pytest.param("risk-disagreement", [
        ("01/02/2025 10:00", "School", "contact", {"summary": "Concern: county lines"}),
        ("05/02/2025 22:00", "Police", "missing_report", {"risk_grade": "low"})],
        ["e2", "e1"], "high", "Police graded the risk as low on 05/02/2025 although School had "
        'recorded a concern ("county lines") on 01/02/2025, within the 365-day look-back',
        id="grade-low-after-concern"),
    pytest.param("risk-disagreement", [
        ("01/03/2024 10:00", CSC, "assessment", {"risk_grade": "high"}),
        ("05/02/2025 22:00", "Police", "risk_assessment", {"risk_grade": "absent"})],
        ["e2", "e1"], "high", "graded the risk as absent (no apparent risk) on 05/02/2025 "
        "although Children's Social Care had recorded a concern (a high risk grading)",
        id="grade-absent-after-high"),
    pytest.param("risk-disagreement", [
        ("05/02/2025 22:00", "Police", "missing_report",
         {"risk_grade": "low", "details": "Warning Markers: CP PLAN; CSE RISK"})],
        ["e1"], "high", "Police graded the risk as low on 05/02/2025 although its own record "
        'of the report shows a concern ("cse") held with another agency (\u201cWarning Markers'
        '\u201d)', id="grade-low-under-its-own-markers"),
    pytest.param("repeat-episodes-no-strategy", [
        *episode("01/02/2025"), *episode("10/02/2025"), *episode("20/02/2025"),
        ("28/02/2025 10:00", CSC, "strategy_meeting", {"attendees": ["Police", CSC]}), END],
        ["e5", "e1", "e3"], "high", "The episode reported on 20/02/2025 was the 3rd within 30 "
        "days (the first reported on 01/02/2025); no strategy meeting was held between "
        "01/02/2025 and 27/02/2025", id="three-in-30-meeting-on-8th-day"),
    pytest.param("information-not-shared", [
        ("01/02/2025 10:00", CSC, "case_opened"),
        ("05/02/2025 10:00", "School", "exclusion"), END],
        ["e2"], "medium", "School recorded an exclusion on 05/02/2025; it was not shared with "
        "the lead agency (Children's Social Care) within 5 working days", id="exclusion-kept"),
    pytest.param("information-not-shared", [
        ("01/02/2025 10:00", CSC, "case_opened"),
        ("05/02/2025 10:00", "Health", "contact", {"details": "Seen with older males"}),
        ("06/02/2025 10:00", "Health", "referral", {"recipients": ["Police"]}), END],
        ["e2"], "medium", 'Health recorded a concern ("older males") on 05/02/2025; it was not '
        "shared with the lead agency", id="concern-shared-with-another-agency"),
    pytest.param("information-not-shared", [
        ("01/02/2025 10:00", CSC, "case_opened"),
        ("05/02/2025 10:00", "Residential Home", "contact",
         {"details": "Staff find money in her room. Not reported to SW1 or to police."}), END],
        ["e2"], "medium", "Residential Home recorded information it says it did not pass on "
        '("Not reported to SW1 or to police") on 05/02/2025; it was not shared with the lead '
        "agency (Children's Social Care) within 5 working days", id="says-it-did-not-pass-it-on"),
    pytest.param("closed-while-active", [
        *episode("01/01/2025"), ("01/02/2025 10:00", CSC, "case_closed"),
        *episode("10/03/2025")],
        ["e3", "e4"], "high", "Children's Social Care closed its case on 01/02/2025; 1 missing "
        "episode followed within 90 days (the first reported on 10/03/2025) and Children's "
        "Social Care did not reopen it", id="closed-then-episode"),
    pytest.param("child-voice-not-acted-on", [
        ("03/02/2025 10:00", "School", "disclosure", {"summary": "Afraid of Adult Male 1"}),
        ("04/02/2025 10:00", "School", "contact"),
        ("11/02/2025 10:00", "School", "referral", {"recipients": [CSC]}), END],
        ["e1", "e3"], "high", "The child's disclosure to School on 03/02/2025 was followed by no "
        "protective action by any agency within 5 working days (the first, referral by School, "
        "came on 11/02/2025)", id="disclosure-acted-on-6th-day"),
    pytest.param("victim-blaming-language", [
        ("20/01/2025 10:00", CSC, "contact", {"details": "CIN review. SW1 recorded that C "
         "'continues to put herself at risk' and 'needs to take responsibility for her own "
         "safety'."})],
        ["e1"], "medium", "Children's Social Care's record of 20/01/2025 describes the child "
        "with \"put herself at risk\"", id="a-practitioner-quoted-is-the-practitioner"),
    pytest.param("victim-blaming-language", [
        ("03/02/2025 10:00", "Police", "contact",
         {"details": "She is Streetwise and makes her own choices"})],
        ["e1"], "medium", "Police's record of 03/02/2025 describes the child with \"Streetwise\"",
        id="streetwise"),
    pytest.param("victim-blaming-language", [
        ("undated", CSC, "contact", {"summary": "Has an older boyfriend"})],
        ["e1"], "medium", "Children's Social Care's record (undated) describes the child with "
        '"older boyfriend"', id="undated-older-boyfriend"),
    pytest.param("education-exclusion-escalation", [
        *episode("15/02/2025"), ("01/03/2025 10:00", "School", "exclusion"),
        *episode("10/03/2025"), *episode("20/03/2025")],
        ["e3", "e4", "e6"], "medium", "School recorded an exclusion on 01/03/2025; 2 episodes "
        "followed in the next 60 days against 1 in the 60 days before", id="exclusion-2-after"),
    pytest.param("placement-not-notified", [
        ("03/02/2025 10:00", CSC, "placement_move", {"summary": "Moved to a home out of area"}),
        ("04/02/2025 10:00", CSC, "notification", {"recipients": ["Police"]}), END],
        ["e1"], "medium", "Children's Social Care recorded an out-of-area placement move on "
        "03/02/2025; Host Authority was not notified within 5 working days", id="host-not-told"),
    pytest.param("meeting-missing-agency", [
        ("20/02/2025 10:00", "School", "exclusion"),
        ("01/03/2025 10:00", CSC, "strategy_meeting", {"attendees": ["Police", CSC]})],
        ["e2", "e1"], "medium", "The strategy meeting on 01/03/2025 recorded its attendees "
        "(Police, Children's Social Care) without School, which had recorded an event "
        "(exclusion or reduced timetable) on 20/02/2025", id="school-not-at-meeting"),
    pytest.param("ownership-gap", [
        *episode("01/02/2025"), ("02/02/2025 10:00", CSC, "case_opened"),
        ("10/02/2025 10:00", CSC, "case_closed"), *episode("15/02/2025")],
        ["e5", "e4"], "high", "Episode 2 (reported on 15/02/2025) began while no agency held the "
        "case open (the last closure: Children's Social Care on 10/02/2025)",
        id="repeat-after-closure"),
]


@pytest.mark.parametrize(("pattern", "rows", "ids", "severity", "phrase"), RAISED)
def test_each_pattern_is_raised_with_its_evidence(pattern, rows, ids, severity, phrase):
    found = of(flags(*rows), pattern)
    assert len(found) == 1, found["explanation"].tolist()
    flag = found.iloc[0]
    assert list(flag["event_ids"]) == ids
    assert flag["severity"] == severity
    assert flag["certainty"] == "certain"
    assert phrase in flag["explanation"]
    assert flag["rule"] == f"wb.{pattern}"
    assert flag["sources"] == tuple(f"test.csv:{int(i[1:]) + 1}" for i in ids)


def test_every_pattern_has_a_raising_case():
    assert {p.values[0] for p in RAISED} == set(PATTERNS)


# --- near-misses that must not raise it ----------------------------------------------

SILENT = [
    pytest.param("unanswered-referral", [
        ("03/02/2025 10:00", "School", "referral", {"recipients": [CSC]}),
        ("10/02/2025 16:00", CSC, "case_opened"), END], id="answered-on-5th-working-day"),
    pytest.param("unanswered-referral", [
        ("07/02/2025 16:00", "School", "referral", {"recipients": [CSC]}),
        ("14/02/2025 10:00", CSC, "contact", {"refers_to": "e1"}), END],
        id="answered-friday-to-friday"),
    pytest.param("unanswered-referral", [
        ("03/02/2025 10:00", "School", "referral", {"recipients": [CSC]}),
        ("07/02/2025 10:00", "Police", "contact")], id="chronology-ends-before-deadline"),
    pytest.param("unanswered-referral", [
        ("03/02/2025 10:00", "School", "referral", {"recipients": ["School"]}), END],
        id="self-hand-off"),
    pytest.param("unanswered-referral", [
        ("03/02/2025 10:00", "School", "information_shared", {"recipients": [CSC]}), END],
        id="a-share-is-not-a-referral"),
    pytest.param("return-interview-missing", [
        *episode("05/02/2025"), ("09/02/2025 08:00", RIS, "return_interview_offered"), END],
        id="ri-at-71h"),
    pytest.param("return-interview-missing", [
        *episode("05/02/2025"), ("06/02/2025 12:00", RIS, "return_interview_declined"),
        ("08/02/2025 10:00", RIS, "return_interview_offered"), END],
        id="declined-then-offered-again"),
    pytest.param("return-interview-missing", [
        *episode("05/02/2025"), ("07/02/2025 10:00", "Police", "contact")],
        id="chronology-ends-within-72h"),
    pytest.param("return-interview-not-shared", [
        ("07/02/2025 10:00", RIS, "return_interview_completed"),
        ("07/02/2025 10:30", RIS, "disclosure"),
        ("13/02/2025 10:00", RIS, "information_shared", {"recipients": [CSC]}), END],
        id="shared-on-4th-working-day"),
    pytest.param("return-interview-not-shared", [
        ("07/02/2025 10:00", RIS, "return_interview_completed"),
        ("09/02/2025 10:30", RIS, "disclosure"), END], id="disclosure-two-days-later"),
    pytest.param("return-interview-not-shared", [
        ("07/02/2025 09:00", CSC, "return_interview_offered"),
        ("07/02/2025 10:00", RIS, "return_interview_completed", {"recipients": [CSC, "Police"]}),
        ("07/02/2025 15:00", CSC, "disclosure"), END],
        id="another-agencys-record-the-same-day"),
    pytest.param("risk-disagreement", [
        ("01/02/2025 10:00", "School", "contact", {"summary": "Concern: county lines"}),
        ("05/02/2025 22:00", "Police", "missing_report", {"risk_grade": "medium"})],
        id="graded-medium"),
    pytest.param("risk-disagreement", [
        ("01/01/2024 10:00", "School", "contact", {"summary": "CSE concern"}),
        ("05/02/2025 22:00", "Police", "missing_report", {"risk_grade": "low"})],
        id="concern-older-than-look-back"),
    pytest.param("risk-disagreement", [
        ("01/02/2025 10:00", "Police", "contact", {"summary": "Concern: county lines"}),
        ("05/02/2025 22:00", "Police", "missing_report", {"risk_grade": "low"})],
        id="concern-held-by-police-itself"),
    pytest.param("risk-disagreement", [
        ("05/02/2025 22:00", "Police", "missing_report", {"risk_grade": "low"}),
        ("06/02/2025 10:00", "School", "contact", {"summary": "Concern: county lines"})],
        id="concern-after-grading"),
    pytest.param("risk-disagreement", [
        ("01/02/2025 10:00", CSC, "contact", {"summary": "CSE plan in place"}),
        ("05/02/2025 22:00", "Police", "missing_report",
         {"risk_grade": "low", "details": "Location known. Sgt review: grading appropriate "
          "and agreed with CSC."})], id="grading-agreed-with-the-agency"),
    pytest.param("risk-disagreement", [
        ("05/02/2025 22:00", "Police", "missing_report",
         {"risk_grade": "low", "details": "Warning Markers: none. No CSE concerns."})],
        id="own-record-denies-the-concern"),
    pytest.param("repeat-episodes-no-strategy", [
        *episode("01/02/2025"), *episode("10/02/2025"), *episode("04/03/2025"), END],
        id="three-in-31-days"),
    pytest.param("repeat-episodes-no-strategy", [
        *episode("01/02/2025"), *episode("10/02/2025"), *episode("20/02/2025"),
        ("27/02/2025 10:00", CSC, "strategy_meeting"), END], id="meeting-on-7th-day"),
    pytest.param("information-not-shared", [
        ("01/02/2025 10:00", CSC, "case_opened"), ("05/02/2025 10:00", "School", "exclusion"),
        ("07/02/2025 10:00", "School", "notification", {"recipients": [CSC]}), END],
        id="recipient-is-the-lead"),
    pytest.param("information-not-shared", [
        ("05/02/2025 10:00", "School", "exclusion"), END], id="no-lead-agency"),
    pytest.param("information-not-shared", [
        ("01/01/2025 10:00", CSC, "case_opened"), ("20/01/2025 10:00", CSC, "case_closed"),
        ("05/02/2025 10:00", "School", "exclusion"), END], id="lead-closed-before"),
    pytest.param("information-not-shared", [
        ("01/02/2025 10:00", CSC, "case_opened"),
        ("05/02/2025 10:00", CSC, "disclosure"), END], id="recorded-by-the-lead"),
    pytest.param("information-not-shared", [
        ("01/02/2025 10:00", CSC, "case_opened"),
        ("05/02/2025 10:00", "Family", "contact", {"summary": "Worried about county lines"}),
        END], id="family-is-not-an-agency"),
    pytest.param("closed-while-active", [
        ("01/02/2025 10:00", CSC, "case_closed"), ("05/03/2025 10:00", CSC, "case_opened"),
        *episode("10/03/2025")], id="reopened-before-episode"),
    pytest.param("closed-while-active", [
        ("01/02/2025 10:00", CSC, "case_closed"), *episode("05/05/2025")],
        id="episode-after-look-ahead"),
    pytest.param("child-voice-not-acted-on", [
        ("03/02/2025 10:00", "School", "disclosure"),
        ("10/02/2025 10:00", CSC, "safety_plan"), END], id="safety-plan-on-5th-day"),
    pytest.param("victim-blaming-language", [
        ("03/02/2025 10:00", "Police", "contact", {"details": "Street safety talk; boyfriend"})],
        id="no-listed-phrase"),
    pytest.param("education-exclusion-escalation", [
        *episode("10/02/2025"), *episode("15/02/2025"),
        ("01/03/2025 10:00", "School", "exclusion"),
        *episode("10/03/2025"), *episode("20/03/2025")], id="as-many-before-as-after"),
    pytest.param("education-exclusion-escalation", [
        ("01/03/2025 10:00", "School", "exclusion"), *episode("10/03/2025")],
        id="one-after-is-below-minimum"),
    pytest.param("placement-not-notified", [
        ("03/02/2025 10:00", CSC, "placement_move", {"summary": "Moved out of area"}),
        ("07/02/2025 10:00", CSC, "notification", {"recipients": ["Police", HOST]}), END],
        id="both-notified"),
    pytest.param("placement-not-notified", [
        ("20/01/2025 10:00", CSC, "notification", {"recipients": ["Police", HOST]}),
        ("03/02/2025 10:00", CSC, "placement_move", {"summary": "Moved out of area"}), END],
        id="notified-ahead-of-the-move"),
    pytest.param("placement-not-notified", [
        ("03/02/2025 10:00", CSC, "placement_move", {"summary": "Moved to foster carers"}),
        END], id="not-out-of-area"),
    pytest.param("meeting-missing-agency", [
        ("20/02/2025 10:00", "School", "exclusion"),
        ("01/03/2025 10:00", CSC, "strategy_meeting", {"attendees": ["Police", CSC, "School"]})],
        id="attendee-present"),
    pytest.param("meeting-missing-agency", [
        ("20/01/2025 10:00", "School", "exclusion"),
        ("01/03/2025 10:00", CSC, "strategy_meeting", {"attendees": ["Police", CSC]})],
        id="event-before-look-back"),
    pytest.param("meeting-missing-agency", [
        ("20/02/2025 10:00", "Family", "contact"),
        ("01/03/2025 10:00", CSC, "strategy_meeting", {"attendees": ["Police", CSC]})],
        id="family-not-expected"),
    pytest.param("meeting-missing-agency", [
        ("20/02/2025 10:00", "School", "exclusion"),
        ("01/03/2025 10:00", CSC, "strategy_meeting")], id="attendees-not-recorded"),
    pytest.param("ownership-gap", [
        *episode("01/02/2025"), ("02/02/2025 10:00", CSC, "case_opened"),
        *episode("15/02/2025")], id="case-open"),
    pytest.param("ownership-gap", [*episode("01/02/2025"), END], id="first-episode"),
]


@pytest.mark.parametrize(("pattern", "rows"), SILENT)
def test_near_misses_raise_nothing(pattern, rows):
    assert of(flags(*rows), pattern).empty


def test_every_pattern_has_a_near_miss():
    assert {p.values[0] for p in SILENT} == set(PATTERNS)


# --- thresholds come from the protocol profile -----------------------------------------

@pytest.mark.parametrize(("pattern", "rows", "changes"), [
    ("return-interview-missing",
     [*episode("05/02/2025"), ("09/02/2025 08:00", RIS, "return_interview_offered"), END],
     {"return_interview_hours": 48}),
    ("unanswered-referral", [("03/02/2025 10:00", "School", "referral", {"recipients": [CSC]}),
                             ("10/02/2025 16:00", CSC, "case_opened"), END],
     {"referral_answer_working_days": 1}),
    ("repeat-episodes-no-strategy",
     [*episode("01/02/2025"), *episode("10/02/2025"), *episode("04/03/2025"), END],
     {"repeat_window_days": 31}),
    ("repeat-episodes-no-strategy", [*episode("01/02/2025"), *episode("10/02/2025"), END],
     {"repeat_count": 2}),
])
def test_a_near_miss_is_raised_under_a_tighter_profile(pattern, rows, changes):
    assert of(flags(*rows), pattern).empty
    assert len(of(flags(*rows, **changes), pattern)) == 1


# --- dates known only to the day, month or year ---------------------------------------

def test_a_day_precision_date_that_may_fall_either_side_is_uncertain():
    table = flags(("05/02/2025 22:00", "Police", "missing_report"),
                  ("06/02/2025", "Police", "found"),
                  ("09/02/2025 10:00", RIS, "return_interview_offered"), END)
    flag = of(table, "return-interview-missing").iloc[0]
    assert flag["certainty"] == "uncertain"
    assert "the found date (06/02/2025, known only to the day)" in flag["explanation"]


def test_a_day_precision_date_that_fails_either_way_is_certain():
    table = flags(("05/02/2025 22:00", "Police", "missing_report"),
                  ("06/02/2025", "Police", "found"), END_CSC)
    assert of(table, "return-interview-missing")["certainty"].tolist() == ["certain"]


def test_a_month_precision_date_wider_than_the_window_is_silenced_with_a_reason():
    rows = [("25/01/2025 22:00", "Police", "missing_report"), ("02/2025", "Police", "found"),
            ("10/02/2025 10:00", RIS, "return_interview_offered"), END]
    assert of(flags(*rows), "return-interview-missing").empty
    quiet = silenced_table(events(*rows))
    assert quiet["pattern"].tolist() == ["return-interview-missing"]
    assert "the found date (02/2025, known only to the month)" in quiet["reason"].iloc[0]
    assert "wider than the 72 hours window" in quiet["reason"].iloc[0]


def test_a_month_precision_date_still_raises_what_fails_for_every_reading():
    rows = [("02/2025", "School", "referral", {"recipients": [CSC]}), END]
    assert of(flags(*rows), "unanswered-referral")["certainty"].tolist() == ["certain"]


# --- the registry, empty inputs and cohorts -------------------------------------------

def test_rules_follow_the_patterns_and_read_only_known_settings():
    assert default_rules() == RULES
    assert [r.pattern for r in RULES] == list(PATTERNS)
    known = load_protocol().settings
    for r in RULES:
        assert r.id == f"wb.{r.pattern}"
        assert r.severity in SEVERITIES and r.title
        assert set(r.settings) <= set(known), r.id


@pytest.mark.parametrize("table", [events(), events(("undated", "School", "contact"))],
                         ids=["no-events", "undated-only"])
def test_empty_inputs_give_an_empty_flag_table(table):
    assert flag_table(table).columns.tolist() == list(FLAG_COLUMNS)
    assert flag_table(table).empty
    assert silenced_table(table).empty
    for r in RULES:
        assert r(analyse(table)).empty, r.id


def test_a_cohort_gives_each_case_the_flags_it_has_alone():
    cases = [events(*p.values[1]) for p in RAISED]
    together = flag_table(cohort(cases))
    for i, table in enumerate(cases, 1):
        alone = flag_table(table)
        mine = together.loc[together["case_id"] == f"case-{i}"]
        assert sorted(mine["event_ids"]) == sorted(alone["event_ids"])
        assert sorted(mine["explanation"]) == sorted(alone["explanation"])


def test_find_flags_gives_frozen_flags_with_evidence():
    found = find_flags(analyse(events(("03/02/2025 10:00", "Police", "contact",
                                       {"summary": "lifestyle choice"}))))
    assert [f.pattern for f in found] == ["victim-blaming-language"]
    assert found[0].events[0].source == "test.csv:2"
    assert found[0].to_dict()["at"] == "2025-02-03T10:00:00+00:00"


# --- properties (marked slow: about a minute together; `make test` runs them) ----------

AGENCIES = ["Police", CSC, "School", RIS, "Health", "Family", HOST]
KINDS = ["missing_report", "found", "return_interview_offered", "return_interview_completed",
         "return_interview_declined", "referral", "notification", "information_shared",
         "strategy_meeting", "multi_agency_meeting", "risk_assessment", "disclosure",
         "placement_move", "exclusion", "case_opened", "case_closed", "safety_plan", "contact"]
TEXTS = ["", "", "county lines concern", "streetwise", "moved out of area", "Adult Male 1"]
BASE = dt.datetime(2025, 1, 6)


@st.composite
def random_case(draw) -> pd.DataFrame:
    rows = []
    for n in range(draw(st.integers(0, 24))):
        when = BASE + dt.timedelta(minutes=draw(st.integers(0, 60 * 24 * 120)))
        if when.date() == dt.date(2025, 3, 30) and when.hour == 1:  # never was in London
            when += dt.timedelta(hours=1)
        day_only = draw(st.booleans()) and draw(st.booleans())
        fields = {"summary": draw(st.sampled_from(TEXTS)),
                  "risk_grade": draw(st.sampled_from(["", "", "absent", "low", "high"])),
                  "recipients": draw(st.lists(st.sampled_from(AGENCIES), max_size=2,
                                              unique=True)),
                  "attendees": draw(st.lists(st.sampled_from(AGENCIES), max_size=3,
                                             unique=True))}
        if n and draw(st.booleans()):
            fields["refers_to"] = f"e{draw(st.integers(1, n))}"
        rows.append((when.strftime("%d/%m/%Y" if day_only else "%d/%m/%Y %H:%M"),
                     draw(st.sampled_from(AGENCIES)), draw(st.sampled_from(KINDS)), fields))
    return events(*rows)


def _keys(table: pd.DataFrame) -> list[tuple[str, tuple[str, ...]]]:
    return sorted(zip(table["pattern"], table["event_ids"].map(tuple), strict=True))


@pytest.mark.slow
@settings(deadline=None, max_examples=50)
@given(random_case(), st.randoms(use_true_random=False))
def test_shuffling_rows_never_changes_the_flags(table, rnd):
    order = list(range(len(table)))
    rnd.shuffle(order)
    shuffled = table.iloc[order].reset_index(drop=True)
    assert _keys(flag_table(shuffled)) == _keys(flag_table(table))


@pytest.mark.slow
@settings(deadline=None, max_examples=50)
@given(random_case())
def test_every_piece_of_evidence_exists_in_the_case(table):
    ids = set(table["id"])
    for event_ids in flag_table(table)["event_ids"]:
        assert event_ids and set(event_ids) <= ids


@pytest.mark.slow
@settings(deadline=None, max_examples=50)
@given(random_case(), st.sampled_from([
    {"return_interview_hours": 24}, {"return_interview_hours": 48},
    {"referral_answer_working_days": 1}, {"referral_answer_working_days": 3},
    {"share_working_days": 1}, {"share_working_days": 2}, {"repeat_count": 2},
    {"repeat_window_days": 45}, {"repeat_window_days": 90},
]))
def test_a_tighter_threshold_never_removes_a_flag(table, changes):
    loose = flag_table(table)
    tight = flag_table(table, protocol=load_protocol().with_settings(**changes))
    anchors = set(zip(tight["pattern"], tight["event_ids"].map(lambda ids: ids[0]),
                      strict=True))
    for pattern, ids in zip(loose["pattern"], loose["event_ids"], strict=True):
        assert (pattern, ids[0]) in anchors, (pattern, ids, changes)


# --- facts inside rows and roles, not names --------------------------------------------

SSP = "Safe Steps Project"          # a debrief charity, not called "Return Interview Service"
FORCE = "Anyshire Constabulary"     # a force by its own name
POLICE_FORCE = {"sector": "police"}
END_FORCE = ("31/03/2025 10:00", FORCE, "contact", POLICE_FORCE)  # the force records too


def test_a_disclosure_inside_a_return_interview_row_is_a_disclosure():
    rows = [("07/02/2025 10:00", SSP, "return_interview_completed",
             {"sector": "third-sector", "details": "Child A said Adult Male 1 gave her "
              "cannabis and told her not to tell anyone"}), END]
    table = flags(*rows)
    ri = of(table, "return-interview-not-shared")
    assert ri["event_ids"].tolist() == [("e1",)]
    assert ri["explanation"].iloc[0].startswith(
        "Safe Steps Project recorded a disclosure by the child on 07/02/2025 in its record of "
        "the return interview of 07/02/2025; it was not shared with Police or Children's Social "
        "Care")
    assert of(table, "child-voice-not-acted-on")["event_ids"].tolist() == [("e1",)]


def test_a_disclosure_passed_on_in_its_own_record_is_acted_on():
    told = ("07/02/2025 10:00", "School", "disclosure", {"summary": "Afraid of Adult Male 1"})
    assert len(of(flags(told, END), "child-voice-not-acted-on")) == 1
    shared = ("07/02/2025 10:00", "School", "disclosure",
              {"summary": "Afraid of Adult Male 1", "recipients": [CSC, "Police"]})
    assert of(flags(shared, END), "child-voice-not-acted-on").empty
    to_family = ("07/02/2025 10:00", "School", "disclosure",
                 {"summary": "Afraid of Adult Male 1", "recipients": ["Family"]})
    assert len(of(flags(to_family, END), "child-voice-not-acted-on")) == 1


def test_another_agencys_notice_does_not_act_on_a_disclosure_it_never_heard():
    told = ("07/02/2025 10:00", SSP, "return_interview_completed",
            {"sector": "third-sector", "details": "Child A said she is frightened of Adult "
             "Male 1 and owes him money"})
    notice = ("10/02/2025 09:00", "Police", "notification",
              {"summary": "Notice of missing episode", "recipients": [CSC]})
    found = of(flags(told, notice, END), "child-voice-not-acted-on")
    assert found["event_ids"].tolist() == [("e1",)]
    passed_on = ("10/02/2025 09:00", SSP, "information_shared",
                 {"summary": "RHI shared", "recipients": [CSC]})
    assert of(flags(told, passed_on, END), "child-voice-not-acted-on").empty
    meeting = ("10/02/2025 09:00", CSC, "strategy_meeting", {"summary": "Strategy meeting"})
    assert of(flags(told, meeting, END), "child-voice-not-acted-on").empty


def test_a_decision_to_close_is_a_closure_and_a_second_one_closes_nothing_new():
    rows = [*episode("01/01/2025"),
            ("14/02/2025 10:00", CSC, "assessment",
             {"summary": "Assessment completed", "outcome": "Case closed NFA"}),
            ("20/02/2025 10:00", CSC, "contact",
             {"summary": "PPN re missing", "outcome": "Information only - NFA"}),
            *episode("19/02/2025"), *episode("22/02/2025")]
    found = of(flags(*rows), "closed-while-active")
    assert found["explanation"].str.startswith(
        "Children's Social Care closed its case on 14/02/2025; 2 missing episodes").tolist() == [True]


def test_a_debrief_charity_with_any_name_is_the_return_interview_provider():
    held = ("07/02/2025 10:00", SSP, "return_interview_completed", {"sector": "third-sector"})
    told = ("07/02/2025 10:30", SSP, "disclosure", {"sector": "third-sector",
                                                     "summary": "Named Adult Male 1"})
    late = flags(held, told, ("17/02/2025 10:00", SSP, "information_shared",
                              {"recipients": [FORCE]}), END_FORCE)
    assert of(late, "return-interview-not-shared")["event_ids"].tolist() == [("e2", "e1")]
    assert "not shared with Anyshire Constabulary or Children's Social Care" in of(
        late, "return-interview-not-shared")["explanation"].iloc[0]
    shared = flags(held, told, ("07/02/2025 12:00", SSP, "information_shared",
                                {"recipients": [FORCE]}), END_FORCE)
    assert of(shared, "return-interview-not-shared").empty


def test_the_childs_quoted_words_are_not_victim_blaming_but_a_practitioners_are():
    quoted = flags(("03/02/2025 10:00", "Police", "found",
                    {"details": 'Child A said "I\'m streetwise, it\'s my choice, I make my own '
                     'choices"'}))
    assert of(quoted, "victim-blaming-language").empty
    hers = flags(("03/02/2025 10:00", "Police", "found",
                  {"details": "Spoke to Child A. Officers feel she chooses to go to City B"}))
    assert of(hers, "victim-blaming-language")["explanation"].str.contains(
        '"she chooses to"').tolist() == [True]


@pytest.mark.parametrize(("status", "raised"), [
    pytest.param({"summary": "Child B is looked after; allocated social worker SW 2"}, False,
                 id="looked-after-with-a-worker"),
    pytest.param({"summary": "Statutory visit by SW 2", "agency": CSC}, False,
                 id="recent-work-by-social-care"),
    pytest.param({"summary": "Welfare visit"}, True, id="nothing-says-the-case-is-open"),
])
def test_a_looked_after_child_or_recent_social_care_work_is_an_open_case(status, raised):
    agency = status.pop("agency", "Police")
    # social care's records are in the chronology (without them ownership is not judged)
    rows = [("01/03/2024 10:00", CSC, "contact", {"summary": "Assessment done; case closed"}),
            *episode("01/02/2025"), ("03/02/2025 10:00", agency, "contact", status),
            *episode("15/02/2025")]
    assert (not of(flags(*rows), "ownership-gap").empty) is raised


def test_social_care_work_long_ago_no_longer_holds_the_case():
    rows = [("01/10/2024 10:00", CSC, "contact", {"summary": "Home visit"}),
            *episode("01/02/2025"), *episode("15/02/2025")]
    assert len(of(flags(*rows), "ownership-gap")) == 1
    assert of(flags(*rows, lead_recent_days=200), "ownership-gap").empty


def test_a_closure_ends_the_hold_of_recent_work():
    rows = [*episode("01/02/2025"), ("03/02/2025 10:00", CSC, "contact"),
            ("05/02/2025 10:00", CSC, "contact", {"summary": "Assessment: NFA, case closed"}),
            *episode("15/02/2025")]
    assert of(flags(*rows), "ownership-gap")["event_ids"].tolist() == [("e5", "e4")]


def test_a_courtesy_notification_needs_no_answer_but_a_request_does():
    note = ("03/02/2025 10:00", "School", "notification",
            {"recipients": [CSC], "summary": "Notification logged; shared with CSC for "
             "information"})
    ask = ("03/02/2025 10:00", "School", "notification",
           {"recipients": [CSC], "summary": "Notification to CSC requesting a strategy "
            "discussion"})
    share_asking = ("03/02/2025 10:00", "School", "information_shared",
                    {"recipients": [CSC], "summary": "Concerns shared; please advise"})
    assert of(flags(note, END), "unanswered-referral").empty
    assert of(flags(ask, END), "unanswered-referral")["severity"].tolist() == ["high"]
    assert of(flags(share_asking, END), "unanswered-referral")["explanation"].str.startswith(
        "School asked Children's Social Care").tolist() == [True]


def test_a_share_its_recipient_records_is_a_share():
    rows = [("01/02/2025 10:00", CSC, "case_opened"),
            ("05/02/2025 22:00", "Police", "missing_report", {"details": "CSE concern"}),
            ("06/02/2025 09:00", CSC, "contact", {"summary": "Police notification received"}),
            END]
    assert of(flags(*rows), "information-not-shared").empty
    denied = ("06/02/2025 09:00", CSC, "contact", {"summary": "No police notification received"})
    assert len(of(flags(*rows[:2], denied, END), "information-not-shared")) == 1


@pytest.mark.parametrize(("details", "flagged"), [
    ("Warning Markers: CP PLAN; CSE RISK", False),  # the lead's plan, marked by the police
    ("Open s47 enquiry (CSE concerns) with Westby CSC", False),
    ("Graded high on information from MASH re county lines", False),
    ("Found with older males at a flat; CSE concern", True),  # news: nothing of the lead's
])
def test_a_concern_the_record_holds_as_the_leads_own_is_no_news_to_the_lead(details, flagged):
    rows = [("01/02/2025 10:00", CSC, "case_opened"),
            ("05/02/2025 22:00", "Police", "missing_report", {"details": details}), END]
    assert len(of(flags(*rows), "information-not-shared")) == flagged


def test_a_disclosure_is_news_to_the_lead_whatever_else_the_record_names():
    told = ("05/02/2025 22:00", "Police", "disclosure",
            {"summary": "Child said Adult Male 1 hurt her",
             "details": "Warning Markers: CP PLAN; CSE RISK"})
    rows = [("01/02/2025 10:00", CSC, "case_opened"), told, END]
    assert len(of(flags(*rows), "information-not-shared")) == 1


def test_the_senders_chases_are_the_requests_evidence_not_requests_of_their_own():
    rows = [("07/10/2024 10:20", "School", "referral", {"recipients": [CSC]}),
            ("14/10/2024 08:05", "School", "referral", {"recipients": [CSC], "details":
             "DSL emailed the front door asking for the outcome of the MARF of 07/10/2024."}),
            ("21/10/2024 13:40", "School", "referral", {"recipients": [CSC], "summary":
             "Referral chased by phone"}), END]
    found = of(flags(*rows), "unanswered-referral")
    assert found["event_ids"].tolist() == [("e1", "e2", "e3")]
    assert found["explanation"].str.endswith("The sender chased it 2 times.").all()


def test_a_request_is_answered_by_the_recipient_attending_a_meeting():
    ask = ("03/02/2025 10:00", "School", "referral", {"recipients": [CSC]})
    met = ("05/02/2025 10:00", "Police", "strategy_meeting", {"attendees": ["Police", CSC]})
    assert of(flags(ask, met, END), "unanswered-referral").empty
    absent = ("05/02/2025 10:00", "Police", "strategy_meeting", {"attendees": ["Police"]})
    assert len(of(flags(ask, absent, END), "unanswered-referral")) == 1


def test_information_is_shared_with_the_lead_at_a_meeting_both_attend():
    rows = [("01/02/2025 10:00", CSC, "case_opened"),
            ("05/02/2025 10:00", "School", "exclusion"),
            ("06/02/2025 09:00", "Missing Children Hub", "multi_agency_meeting",
             {"attendees": ["School", CSC]}), END]
    assert of(flags(*rows), "information-not-shared").empty


def test_a_grading_repeated_on_every_row_is_one_concern_and_a_meeting_shares_what_it_raises():
    rows = [("01/02/2025 10:00", CSC, "case_opened"),
            ("05/02/2025 22:00", "Police", "missing_report", {"risk_grade": "high"}),
            ("06/02/2025 10:00", "Police", "notification",
             {"recipients": [CSC], "risk_grade": "high"}),
            ("20/02/2025 10:00", "Police", "safety_plan", {"risk_grade": "high"}),
            ("27/02/2025 10:00", "Police", "strategy_meeting",
             {"risk_grade": "high", "summary": "Concern: county lines"}), END]
    assert of(flags(*rows), "information-not-shared").empty
    # raised again after a lower grading, the new high is a concern of its own
    lower = ("12/02/2025 10:00", "Police", "missing_report", {"risk_grade": "medium"})
    found = of(flags(*rows, lower), "information-not-shared")
    assert found["explanation"].str.contains("on 20/02/2025").tolist() == [True]


def test_a_force_by_its_own_name_grades_risk():
    rows = [("01/02/2025 10:00", "School", "contact", {"summary": "Concern: county lines"}),
            ("05/02/2025 22:00", FORCE, "missing_report", {"risk_grade": "low", **POLICE_FORCE})]
    found = of(flags(*rows), "risk-disagreement")
    assert found["explanation"].str.startswith("Anyshire Constabulary graded the risk as low"
                                               ).tolist() == [True]


def test_a_placement_notified_to_a_force_by_its_own_name_counts_for_the_police_role():
    rows = [("03/02/2025 10:00", CSC, "placement_move", {"summary": "Moved out of area"}),
            ("04/02/2025 10:00", CSC, "notification",
             {"recipients": [FORCE, HOST], "summary": "Placement notification"})]
    assert of(flags(*rows, END_FORCE), "placement-not-notified").empty
    # a force known by nothing of its own is of no known sector: the police role is unfilled
    assert of(flags(*rows, END), "placement-not-notified")["explanation"].str.contains(
        "Police was not notified").tolist() == [True]


@pytest.mark.parametrize(("sent", "answered", "nation", "severity"), [
    pytest.param("24/12/2025 10:00", "02/01/2026 10:00", "england-and-wales", None,
                 id="christmas-and-new-year-skipped"),
    pytest.param("24/12/2025 10:00", "02/01/2026 10:00", "none", "medium",
                 id="weekends-only-it-is-late"),
    pytest.param("17/04/2025 10:00", "28/04/2025 10:00", "england-and-wales", None,
                 id="good-friday-and-easter-monday-skipped"),
    pytest.param("17/04/2025 10:00", "28/04/2025 10:00", "scotland", "medium",
                 id="no-easter-monday-in-scotland"),
])
def test_working_days_skip_the_bank_holidays_of_the_profiles_nation(sent, answered, nation,
                                                                     severity):
    rows = [(sent, "School", "referral", {"recipients": [CSC]}),
            (answered, CSC, "contact", {"refers_to": "e1"}), ("31/03/2026 10:00", "Police",
                                                              "contact")]
    found = of(flags(*rows, bank_holidays=nation), "unanswered-referral")
    assert found["severity"].tolist() == ([] if severity is None else [severity])


@pytest.mark.parametrize(("text", "concern"), [
    ("Police graded Medium (out of area, no exploitation info held at that time)", ""),
    ("No evidence of CSE at this time", ""),
    ("Not attending school, CSE concerns raised by the DSL", "CSE"),
    ("No exploitation concerns then. Later: CSE risk raised", "CSE"),
])
def test_a_concern_the_record_denies_is_no_concern(text, concern):
    an = analyse(events(("17/02/2025", "Kestrel Lane Fostering", "contact", {"summary": text})))
    assert an.concerns.iloc[0] == concern


def test_no_further_action_on_a_first_contact_closes_no_case():
    rows = [("05/11/2024 10:00", CSC, "notification",
             {"summary": "RI summary: party, alcohol", "outcome": "No further action"}),
            *episode("19/11/2024"), *episode("01/12/2024")]
    assert of(flags(*rows), "closed-while-active").empty


@pytest.mark.parametrize(("text", "flagged"), [
    ("Present: SW 1, Police. GP report tabled (Dr 2 unable to attend).", False),
    ("Present: SW 1, Police. Harbour Project sent written update (worker off sick).", False),
    ("Present: SW 1, Police. GP sent apologies; report says no new concerns.", True),
    ("Present: SW 1, Police.", True),
])
def test_an_agency_whose_written_report_reached_the_meeting_was_not_missing(text, flagged):
    rows = [("20/09/2024 10:00", "GP", "contact", {"summary": "Seen: low mood"}),
            ("20/09/2024 11:00", "Harbour Project", "contact", {"summary": "Debrief"}),
            ("26/09/2024 14:00", CSC, "strategy_meeting",
             {"summary": text, "attendees": [CSC, "Police"]})]
    missing = of(flags(*rows), "meeting-missing-agency")["explanation"]
    named = "GP" if "GP" in text or "Harbour" not in text else "Harbour Project"
    assert missing.str.contains(f"without {named},").any() == flagged


def test_a_case_with_no_record_that_could_hold_return_interviews_is_not_judged_on_them():
    police_only = [*episode("03/02/2025"), ("10/02/2025 10:00", "School", "contact")]
    assert of(flags(*police_only), "return-interview-missing").empty
    with_csc = [*police_only, ("11/02/2025 10:00", CSC, "contact", {"summary": "Visit"})]
    assert not of(flags(*with_csc), "return-interview-missing").empty
