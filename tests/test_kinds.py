from pathlib import Path

import pytest

from workbench.kinds import KINDS, classify, kind_labels, read_grade, split_attendees


@pytest.mark.parametrize(("text", "kind"), [
    ("Reported missing by mother at 22:00", "missing_report"),
    ("Mother reported C missing at 1630hrs. C found at 2350hrs the same day", "missing_report"),
    ("Child D missing from Hilltop Lodge (last seen 16:00). Found 23/06/2024", "missing_report"),
    ("Emergency move to Hilltop Lodge, 70 miles away", "placement_move"),
    ("Mother declined the RI on C's behalf", "return_interview_declined"),
    ("Missing person report - risk graded medium", "missing_report"),
    ("Found by officers at Address 2", "found"),
    ("Returned home by taxi", "found"),
    ("Recorded as absent from placement", "absence_report"),
    ("Return interview offered by letter", "return_interview_offered"),
    ("Return interview completed by RI Worker 1", "return_interview_completed"),
    ("Debrief held at school", "return_interview_completed"),
    ("RI by RIW 5. H said she misses her friends", "return_interview_completed"),
    ("RI worker (RIW 5) saw H after school", "return_interview_completed"),
    ("Return interview by Harbour arranged for Monday", "return_interview_offered"),
    ("Child declined return interview", "return_interview_declined"),
    ("Referral to Children's Social Care", "referral"),
    ("Notification to Host Authority of placement", "notification"),
    ("Information shared with Police about Adult Male 1", "information_shared"),
    ("Strategy meeting. Attendees: Police, CSC, School", "strategy_meeting"),
    ("Hub meeting: daily risk assessment shared", "multi_agency_meeting"),
    ("Risk assessment: risk graded low", "risk_assessment"),
    ("Child A disclosed that Adult Male 1 gave her a phone", "disclosure"),
    ("Counselling session 3 with Counsellor 1", "counselling_session"),
    ("Fixed-term exclusion 5 days", "exclusion"),
    ("Reduced timetable agreed", "exclusion"),
    ("Placement move to Residential Home (out of area)", "placement_move"),
    ("Case closed - no further action", "case_closed"),
    ("Case allocated to SW 1", "case_opened"),
    ("Safety plan agreed with Child A and carers", "safety_plan"),
    ("Single assessment started", "assessment"),
    ("Home visit by SW 1", "contact"),
    ("Referral in", "contact"),    # what the agency received, not a referral it made
    ("Referral in respect of Child A to CSC", "referral"),
])
def test_classify_reads_the_kind_from_practitioner_text(text, kind):
    assert classify(text).kind == kind


@pytest.mark.parametrize(("text", "kind"), [
    ("No recorded action on T's account: no strategy discussion, no contact with police",
     "contact"),
    ("Not referred to Kelmouth Council, Wexholme or police.", "contact"),
    ("Graded Low. No RHI referral.", "contact"),
    ("No strategy meeting was held; referral to CSC made the same day.", "referral"),
    ("No further action. Case closed.", "case_closed"),  # a phrase that starts with no
    ("Stopped at the station. Nothing illegal found.", "contact"),
])
def test_a_denied_phrase_names_no_event_of_its_kind(text, kind):
    assert classify(text).kind == kind


@pytest.mark.parametrize(("text", "kind"), [
    ("DS emailed CSC's duty manager formally requesting a strategy meeting", "contact"),
    ("Strategy discussion requested by the DSL", "contact"),
    ("Referral to CSC asking for an urgent strategy discussion", "referral"),
    ("Strategy meeting held; request for s47 agreed", "strategy_meeting"),
    ("Request to Anyshire CSC for strategy meeting (email).", "contact"),
    ("TM asked SW3 to consider strategy meeting.", "contact"),
    ("Strategy discussion to be considered if further episode.", "contact"),
])
def test_a_meeting_asked_for_is_not_a_meeting_held(text, kind):
    assert classify(text).kind == kind


def test_classification_explains_itself_and_grades_confidence():
    one = classify("Found by officers")
    assert (one.confidence, one.basis) == (0.9, 'rule:found:"found"')
    several = classify("Reported missing; found next morning")
    assert several.kind == "missing_report" and several.confidence == 0.75
    from_details = classify("Entry 12", "Child reported missing by carer")
    assert from_details.kind == "missing_report" and from_details.confidence == 0.6
    assert classify("Entry 12") == classify("Entry 12", "")
    assert classify("Entry 12").kind == "contact" and classify("Entry 12").confidence == 0.3


def test_vocabulary_is_documented_with_labels():
    labels = kind_labels()
    assert set(labels) == set(KINDS) and all(labels.values())
    doc = Path("docs/case-format.md").read_text()
    assert all(f"`{kind}`" in doc for kind in KINDS)


@pytest.mark.parametrize(("text", "grade"), [
    ("Risk graded low", "low"), ("risk HIGH", "high"), ("Medium risk missing", "medium"),
    ("graded as absent", "absent"), ("No apparent risk", "absent"),
    ("Risk: high - CSE concerns", "high"), ("High school visit", None), ("", None),
])
def test_read_grade(text, grade):
    assert read_grade(text) == grade


def test_split_attendees():
    assert split_attendees("Strategy meeting. Attendees: Police; CSC & School nurse.") == [
        "Police", "CSC", "School nurse"]
    assert split_attendees("Meeting held") == []
