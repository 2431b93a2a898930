"""Facts inside rows (``workbench.io.facts``): each with the words that gave it; a found
written in a report's Outcome becomes its own event (``workbench.io.derived``), dated as
written; facts kept in the case folder and overridden by reviewers."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from tests.casebuilder import events
from workbench.analysis.episodes import episodes
from workbench.errors import CaseValidationError, Reason
from workbench.io.casefile import load_case, write_case
from workbench.io.facts import child_quotes, find_facts, practitioner_words
from workbench.io.importer import import_chronologies

CSC = "Children's Social Care"


def facts_of(*rows) -> list[tuple[str, str, str, str]]:
    """(event id, fact, value, words) of the facts of a few short rows."""
    f = find_facts(events(*rows))
    return list(zip(f["event_id"], f["fact"], f["value"], f["words"], strict=True))


# --- facts found, with their words -------------------------------------------------

@pytest.mark.parametrize(("row", "expected"), [
    pytest.param(("07/02/2025 10:00", "Safe Steps Project", "return_interview_completed",
                  {"details": "Child A told RI Worker 1 she was scared of Adult Male 2."}),
                 [("e1", "child_account", "disclosure",
                   "Child A told RI Worker 1 she was scared of Adult Male 2")],
                 id="disclosure-in-a-return-interview"),
    pytest.param(("08/02/2025 01:30", "Police", "found",
                  {"summary": "Returned home; seen by PC 2", "details": "Said she had been at "
                   "a friend's house in Town A."}),
                 [("e1", "child_account", "disclosure",
                   "Said she had been at a friend's house in Town A")],
                 id="account-in-a-found-report"),
    pytest.param(("10/02/2025", "School", "contact",
                  {"summary": "Child B said she is happy in her new class"}),
                 [("e1", "child_account", "account", "Child B said she is happy in her new class")],
                 id="a-view-is-an-account"),
    pytest.param(("10/02/2025", "School", "contact",
                  {"summary": 'Pastoral check-in. "I just want to go home"'}),
                 [("e1", "child_account", "account", '"I just want to go home"')],
                 id="first-person-quote"),
    pytest.param(("10/02/2025", "Police", "contact",
                  {"summary": 'Mother said "I cannot cope with her any more"'}), [],
                 id="a-parent-quoted-is-not-the-child"),
    pytest.param(("10/02/2025", "Police", "found",
                  {"summary": "Found at the station; Child C would not say where he had been"}),
                 [], id="refusing-to-say-is-no-account"),
    pytest.param(("05/02/2025 22:00", "Police", "missing_report",
                  {"summary": "Reported missing - risk graded HIGH", "risk_grade": "high"}),
                 [("e1", "risk_grade", "high", "risk graded HIGH")], id="grading-with-its-words"),
    pytest.param(("05/02/2025", CSC, "assessment",
                  {"details": "Concerns of criminal exploitation; no evidence of grooming"}),
                 [("e1", "exploitation", "criminal exploitation", "criminal exploitation")],
                 id="exploitation-raised-and-denied"),
    pytest.param(("05/02/2025", "Police", "notification",
                  {"summary": "Courtesy notification logged", "recipients": [CSC]}),
                 [("e1", "request", "inform", "Courtesy")], id="courtesy-notification"),
    pytest.param(("05/02/2025", "School", "referral",
                  {"summary": "Referral requesting a strategy discussion", "recipients": [CSC]}),
                 [("e1", "request", "request", "requesting a")], id="a-request"),
    pytest.param(("11/11/2024", "School", "missing_report",
                  {"summary": "M missing again. DSL completed MARF to CSC front door",
                   "recipients": [CSC]}),
                 [("e1", "request", "request", "MARF")], id="a-referral-form-in-another-row"),
    pytest.param(("10/09/2024", CSC, "notification",
                  {"summary": "PPN rec'd. Threshold met for assessment. Outcome emailed to police.",
                   "recipients": ["Police"]}),
                 [("e1", "request", "inform", "PPN rec'd")], id="received-said-before-request-words"),
    pytest.param(("17/04/2023", CSC, "notification",
                  {"summary": "Placement notice sent to the host council. Its LAC health team "
                              "and virtual school informed.", "recipients": ["Health"]}),
                 [("e1", "request", "inform", "informed"),
                  ("e1", "case_status", "looked_after",
                   "Its LAC health team and virtual school informed")],
                 id="those-informed-are-asked-nothing"),
    pytest.param(("05/02/2025", "School", "contact", {"summary": "Please call back"}), [],
                 id="request-words-on-a-record-that-hands-nothing-off"),
    pytest.param(("05/02/2025", "School", "referral",
                  {"summary": "No acknowledgement of referral of 2/12. Chase email to front door",
                   "recipients": [CSC]}),
                 [("e1", "chase", "no_answer", "No acknowledgement")], id="a-chase"),
    pytest.param(("05/02/2025", "Police", "missing_report",
                  {"summary": "Request for strategy discussion emailed. Chased 24/03 - no response",
                   "recipients": [CSC]}),
                 [("e1", "request", "request", "Request for"),
                  ("e1", "chase", "no_answer", "Chased")], id="a-request-chased-in-its-row"),
    pytest.param(("05/02/2025", "Police", "notification",
                  {"summary": "Home visit, no response at the door. Referral sent; no reply "
                              "expected until Monday. Car chased by police", "recipients": [CSC]}),
                 [], id="no-response-at-the-door-is-no-chase"),
    pytest.param(("05/02/2025", CSC, "case_closed",
                  {"summary": "Case closed - no further action"}),
                 [("e1", "decision", "no_further_action", "Case closed - no further action")],
                 id="decision"),
    pytest.param(("05/02/2025", CSC, "contact",
                  {"summary": "Strategy discussion: NFA on s47; case remains open"}), [],
                 id="a-case-that-remains-open-is-no-closure"),
    pytest.param(("05/02/2025", "Police", "missing_report",
                  {"summary": "Missing from placement; looked after child (section 20)"}),
                 [("e1", "case_status", "looked_after", "looked after child (section 20)")],
                 id="looked-after"),
    pytest.param(("05/02/2025", CSC, "contact",
                  {"summary": "Visit by the allocated social worker SW 3"}),
                 [("e1", "case_status", "allocated_worker",
                   "Visit by the allocated social worker SW 3")], id="allocated-worker"),
    pytest.param(("05/02/2025", CSC, "contact", {"summary": "Child protection plan ended"}), [],
                 id="a-plan-that-ended"),
    pytest.param(("10/03/2023", "Birchmere House", "contact",
                  {"summary": "Staff find cash and two phones. Not reported to SW1 or to police."}),
                 [("e1", "withheld", "Not reported to SW1 or to police",
                   "Not reported to SW1 or to police")], id="withheld-from-those-named"),
    pytest.param(("05/05/2023", "LAC Health Team", "contact",
                  {"summary": "No contact with SW1, police or the home about her account until "
                              "the report was sent."}),
                 [("e1", "withheld", "No contact with SW1, police or the home",
                   "No contact with SW1, police or the home")], id="no-contact-with-agencies"),
    pytest.param(("05/05/2023", "School", "contact",
                  {"summary": "Exclusions team told via the return. SW not informed"}),
                 [("e1", "withheld", "SW not informed", "SW not informed")],
                 id="withheld-from-those-named-before"),
    pytest.param(("05/05/2023", "RHI Service", "return_interview_completed",
                  {"outcome": "Not shared - will go in monthly return"}),
                 [("e1", "withheld", "Not shared", "Not shared")], id="withheld-naming-nobody"),
    pytest.param(("08/01/2025", "School", "contact",
                  {"summary": "Head of Year saw C get into the car with Adult Male 1. Logged. "
                              "DSL to share at next contact with SW1."}),
                 [("e1", "withheld", "to share at next contact with SW1",
                   "to share at next contact with SW1")], id="share-deferred-to-the-next-contact"),
    pytest.param(("05/05/2023", "Police", "found",
                  {"summary": "Bail conditions: no contact with Child C or Adult Male 1"}), [],
                 id="no-contact-with-a-person-is-no-share-withheld"),
    pytest.param(("05/05/2023", "Police", "contact",
                  {"summary": "Mother not told; she was asleep"}), [],
                 id="family-not-told-is-no-share-withheld"),
    pytest.param(("05/05/2023", "School", "contact",
                  {"summary": "No referral made as already open to CSC"}), [],
                 id="nothing-to-pass-on"),
    pytest.param(("05/05/2023", "LAC Health Team", "assessment",
                  {"summary": "Video call, T at the home. T says she is 'frightened of Kaz'."}),
                 [("e1", "child_account", "disclosure", "T says she is 'frightened of Kaz'")],
                 id="the-childs-initial-speaks"),
    pytest.param(("03/03/2025", "School", "contact",
                  {"summary": "D was on the phone, crying, saying 'Jay will kill me if I don't "
                              "go tonight'."}),
                 [("e1", "child_account", "disclosure",
                   "'Jay will kill me if I don't go tonight'")],
                 id="a-threat-to-life-is-a-disclosure"),
    pytest.param(("05/05/2023", "Police", "contact", {"summary": "PC A said she was fine"}), [],
                 id="an-officers-letter-is-no-child"),
    pytest.param(("05/05/2023", "Police", "found",
                  {"summary": "Bruise to left wrist noted, D says she 'fell' and was not hurt."}),
                 [("e1", "child_account", "account", "D says she 'fell' and was not hurt")],
                 id="what-is-seen-before-the-account-is-not-said-and-not-hurt-is-no-harm"),
])
def test_facts_are_found_with_the_words_that_gave_them(row, expected):
    assert facts_of(row) == expected


def test_facts_never_depend_on_row_order():
    rows = [("05/02/2025", "Police", "missing_report", {"summary": "CSE concern"}),
            ("06/02/2025", "RIS", "return_interview_completed",
             {"details": "Child A said a man gave her vodka"})]
    forward, backward = find_facts(events(*rows)), find_facts(events(*rows).iloc[::-1])
    pd.testing.assert_frame_equal(forward, backward)


def test_the_childs_quoted_words_are_hers_and_a_practitioners_are_not():
    text = ("Officer described her as 'streetwise'. She said \"I'm streetwise, it's my "
            "choice\". Staff think she chooses to go.")
    assert [text[a:b] for a, b in child_quotes(text)] == ['"I\'m streetwise, it\'s my choice"']
    kept = practitioner_words(text)
    assert "'streetwise'" in kept and "my choice" not in kept and len(kept) == len(text)


# --- a found written in the report's Outcome becomes the found event ---------------

POLICE = """Date,Time,Agency,Event,Details,Action taken,Outcome,Shared with
13/03/2025,22:10,Anyshire Constabulary,Reported missing by carer - risk graded medium,,Enquiries,{outcome},
"""


def police(tmp_path, outcome: str):
    path = tmp_path / "police.csv"
    path.write_text(POLICE.format(outcome=outcome), encoding="utf-8")
    return import_chronologies([path], meta={"agencies": [
        {"name": "Anyshire Constabulary", "sector": "police"}]})


@pytest.mark.parametrize(("outcome", "start", "precision", "when"), [
    ("Found next day at the station", "2025-03-14 00:00", "day", "next day"),
    ("Found 14/03/25 0215hrs at friend's address", "2025-03-14 02:15", "minute",
     "14/03/25 0215hrs"),
    ("Found 0215hrs at friend's address", "2025-03-14 02:15", "minute", "0215hrs"),
    ("Located later that night at 23:40 by officers", "2025-03-13 23:40", "minute",
     "later that night 23:40"),
    ("Returned home two days later", "2025-03-15 00:00", "day", "two days later"),
])
def test_a_found_in_the_outcome_is_the_found_event_dated_as_written(tmp_path, outcome, start,
                                                                     precision, when):
    case = police(tmp_path, outcome)
    ev = case.events
    assert ev["id"].tolist() == ["police-2", "police-2-found"]
    report, found = ev.iloc[0], ev.iloc[1]
    assert (found["kind"], found["precision"], found["when"]) == ("found", precision, when)
    assert found["start"] == pd.Timestamp(start, tz="Europe/London").tz_convert("UTC")
    assert (found["source"], found["source_line"], found["refers_to"]) == (
        "police.csv:2", 2, "police-2")
    assert (found["agency"], found["summary"]) == (report["agency"], outcome)
    assert found["kind_basis"].startswith("derived: the found written in the outcome of police-2")
    fact = case.facts.loc[case.facts["fact"].eq("found")]
    assert fact[["event_id", "value", "words", "field"]].values.tolist() == [
        ["police-2", "police-2-found", outcome, "outcome"]]


def test_a_found_written_after_the_childs_initial_in_the_text_is_a_found_event(tmp_path):
    path = tmp_path / "review.csv"
    path.write_text("No.,Date,Agency,Event / information\n"
                    "34,14/02/2025,Anyshire Constabulary,Mother reported C missing at 1630hrs. "
                    "Graded medium risk. C found at 2350hrs the same day at the bus station.\n")
    ev = import_chronologies([path]).events
    assert ev["kind"].tolist() == ["missing_report", "found"]
    assert ev["start"].iloc[1] == pd.Timestamp("2025-02-14 23:50", tz="UTC")  # GMT


def test_the_derived_found_closes_an_overnight_episode(tmp_path):
    ep = episodes(police(tmp_path, "Found next day at the station"))
    assert ep[["report_id", "found_id"]].values.tolist() == [["police-2", "police-2-found"]]
    assert ep["duration_hours"].iloc[0] < 26 and not ep["certain"].iloc[0]


def test_a_derived_found_is_never_more_precise_than_written(tmp_path):
    found = police(tmp_path, "Found same day by officers").events.iloc[1]
    # the same day, but not before the report: 22:10 to midnight, a range
    assert found["precision"] == "range"
    assert found["start"] == pd.Timestamp("2025-03-13 22:10", tz="UTC")
    assert found["end"] == pd.Timestamp("2025-03-14 00:00", tz="UTC")


def test_a_found_with_no_date_is_a_fact_and_no_event(tmp_path):
    case = police(tmp_path, "Found at friend's address")
    assert case.events["id"].tolist() == ["police-2"]
    assert case.facts.loc[case.facts["fact"].eq("found"), "value"].tolist() == [""]
    assert case.problems == ()


def test_a_found_before_its_report_is_a_warning_and_no_event(tmp_path):
    case = police(tmp_path, "Found 12/03/2025 at home")
    assert case.events["id"].tolist() == ["police-2"]
    [problem] = case.problems
    assert (problem.reason, problem.file, problem.line, problem.column) == (
        Reason.END_BEFORE_START, "police.csv", 2, "outcome")


def test_a_found_not_yet_happened_is_no_fact(tmp_path):
    case = police(tmp_path, "Not yet found; enquiries continue")
    assert "found" not in set(case.facts["fact"])


# --- facts in the case folder, overridden by reviewers -----------------------------

def test_facts_round_trip_through_the_case_folder(tmp_path):
    case = police(tmp_path, "Found next day at the station")
    path = write_case(case, tmp_path / "case")
    assert (path / "facts.csv").is_file()
    loaded = load_case(path)
    pd.testing.assert_frame_equal(loaded.facts.reset_index(drop=True),
                                  case.facts.astype(object).reset_index(drop=True))
    pd.testing.assert_frame_equal(loaded.events, case.events)


def test_a_case_folder_without_facts_finds_them_again(tmp_path):
    case = police(tmp_path, "Found next day at the station")
    path = write_case(case, tmp_path / "case")
    (path / "facts.csv").unlink()
    loaded = load_case(path)
    assert set(loaded.facts["fact"]) >= {"risk_grade", "found"}


def test_reviewers_set_and_remove_facts_in_case_yaml(tmp_path):
    case = police(tmp_path, "Found next day at the station")
    path = write_case(case, tmp_path / "case")
    meta = yaml.safe_load((path / "case.yaml").read_text())
    meta["overrides"] = {"police-2": {"facts": {"risk_grade": None,
                                                "child_account": "disclosure"},
                                      "reason": "the carer's notes record her words"}}
    (path / "case.yaml").write_text(yaml.safe_dump(meta))
    loaded = load_case(path)
    mine = loaded.facts.loc[loaded.facts["event_id"].eq("police-2")]
    assert "risk_grade" not in set(mine["fact"])
    assert mine.loc[mine["fact"].eq("child_account"), ["value", "field"]].values.tolist() == [
        ["disclosure", "override"]]
    # facts.csv keeps what was found; the decision stays in case.yaml
    again = load_case(write_case(loaded, tmp_path / "again"))
    assert "risk_grade" in set(pd.read_csv(tmp_path / "again" / "facts.csv")["fact"])
    assert "child_account" in set(again.facts["fact"])


@pytest.mark.parametrize(("facts", "reason"), [
    ({"mood": "sad"}, Reason.UNKNOWN_FIELD),
    ({"request": "maybe"}, Reason.INVALID_CASE_FILE),
    ("child_account", Reason.INVALID_CASE_FILE),
])
def test_a_wrong_fact_override_is_an_error_with_its_place(tmp_path, facts, reason):
    path = write_case(police(tmp_path, ""), tmp_path / "case")
    meta = yaml.safe_load((path / "case.yaml").read_text())
    meta["overrides"] = {"police-2": {"facts": facts}}
    (path / "case.yaml").write_text(yaml.safe_dump(meta))
    with pytest.raises(CaseValidationError) as info:
        load_case(path)
    assert [p.reason for p in info.value.problems] == [reason]
    assert info.value.problems[0].file == "case/case.yaml"


def test_fact_overrides_add_up_and_the_analysis_reads_them(tmp_path):
    from workbench.analysis.analyse import analyse

    case = police(tmp_path, "Found next day at the station")
    once = case.with_overrides({"police-2": {"facts": {"child_account": "disclosure"}}})
    twice = once.with_overrides({"police-2": {"facts": {"risk_grade": None}}})
    mine = twice.facts.loc[twice.facts["event_id"].eq("police-2"), "fact"].tolist()
    assert "child_account" in mine and "risk_grade" not in mine
    assert twice.overrides["police-2"]["facts"] == {"child_account": "disclosure",
                                                    "risk_grade": None}
    events = analyse(twice).events.set_index("id")
    assert events.loc["police-2", "child_voice"] == "disclosure"
    assert case.facts.loc[case.facts["event_id"].eq("police-2"), "fact"].tolist() == [
        "risk_grade", "found"]


# --- a missing episode told inside another row (a police notification in a CSC export) ---

CSC_EXPORT = """Date,Worker,Contact type,Narrative,Outcome
16-Sep-2024,Business Support (Front Door),Police notification (PPN),"PPN from Anyshire Police: M reported missing by father 14/09/24 2130hrs, returned home 15/09/24 0900hrs. Graded Medium.",Passed to SW1
17-Sep-2024,SW1 (CIN Team),Home visit,"Visit after the missing episode. No further missing since 15/09/24.",CIN plan continues
18-Sep-2024,SW1 (CIN Team),Referral to Missing Team,Requested RHI for episode 14-15/09/24.,RHI requested
"""


def test_an_episode_told_in_a_notification_becomes_its_report_and_found(tmp_path):
    path = tmp_path / "LCS_casenotes_export_ChildM.csv"
    path.write_text(CSC_EXPORT, encoding="utf-8")
    case = import_chronologies([path])
    ev = case.events
    derived = ev.loc[ev["kind"].isin(["missing_report", "found"])]
    assert derived[["id", "kind", "agency", "when", "source"]].values.tolist() == [
        ["lcs-casenotes-export-childm-2-missing", "missing_report", "Police", "14/09/24 2130hrs",
         "LCS_casenotes_export_ChildM.csv:2"],
        ["lcs-casenotes-export-childm-2-missing-found", "found", "Police", "15/09/24 0900hrs",
         "LCS_casenotes_export_ChildM.csv:2"]]
    report = derived.iloc[0]
    assert report["start"] == pd.Timestamp("2024-09-14 21:30", tz="Europe/London").tz_convert("UTC")
    assert (report["refers_to"], report["risk_grade"]) == ("lcs-casenotes-export-childm-2", "medium")
    assert report["kind_basis"].startswith("derived: the missing episode written in the summary")
    # every row is still there, in order; "missing since" and "Missing Team" tell of no episode
    assert ev.loc[~ev["id"].isin(derived["id"]), "source_line"].tolist() == [2, 3, 4]
    ep = episodes(case)
    assert ep[["report_id", "duration_hours"]].values.tolist() == [
        ["lcs-casenotes-export-childm-2-missing", 11.5]]


def test_an_episode_told_in_a_row_is_not_derived_when_its_report_is_recorded(tmp_path):
    path = tmp_path / "returns.csv"
    path.write_text("Date,Time,Agency,Event\n"
                    "14/09/2024,21:35,Police,Reported missing by father\n"
                    "16/09/2024,09:00,Children's Social Care,"
                    "PPN received: M missing 14/09/24 2130hrs; returned 15/09/24 0900hrs\n",
                    encoding="utf-8")
    ev = import_chronologies([path]).events
    assert ev["kind"].tolist().count("missing_report") == 1
    assert not ev["id"].str.endswith("-missing").any()


def test_the_agency_of_a_return_with_no_agency_column_comes_from_its_authors_posts(tmp_path):
    from workbench.io.importer import import_report

    path = tmp_path / "LCS_casenotes_export_ChildM.csv"
    path.write_text(CSC_EXPORT, encoding="utf-8")
    report = import_report([path])
    file = report.summary.files[0]
    assert (file.agency, file.agency_source) == ("Children's Social Care", "authors")
    assumed = [p for p in report.problems if p.reason is Reason.AGENCY_ASSUMED]
    assert "posts of those who wrote 'LCS_casenotes_export_ChildM.csv'" in assumed[0].message


def test_the_agency_of_a_workflow_export_comes_from_its_teams_when_workers_are_initials(
        tmp_path):
    from workbench.io.importer import import_report

    path = tmp_path / "lcs_export_ChildJ.csv"
    path.write_text("Case ID,Step,Started,Team,Worker,Summary\n"
                    "C-1,Contact,2025-03-12 08:12,MASH,Duty (SK),Online referral from ED\n"
                    "C-1,S47 Enquiry,2025-03-12 17:10,Assessment Team 2,LW,J seen alone\n"
                    "C-1,Core Group,2025-04-09,CP Team,LW,Core group 1\n"
                    "C-1,Core Group,2025-05-07,CP Team,LW,No missing since 21/03\n",
                    encoding="utf-8")
    file = import_report([path]).summary.files[0]
    assert (file.agency, file.agency_source) == ("Children's Social Care", "authors")


@pytest.mark.parametrize(("words", "report", "start", "precision"), [
    ("found Sat 1/2 3.45am by police", "31/01/2025", "2025-02-01 03:45", "minute"),
    ("home Sun 12/1 approx 11am", "11/01/2025", "2025-01-12 11:00", "minute"),
    ("returned 2/1 1000hrs", "30/12/2024", "2025-01-02 10:00", "minute"),  # the next 2 January
    ("found 11/10 at the station", "10/10/2015", "2015-10-11 00:00", "day"),
])
def test_a_found_with_a_day_and_month_and_no_year_is_the_next_such_day(words, report, start,
                                                                      precision):
    from workbench.io.dates import parse_when
    from workbench.io.derived import found_when

    when, _ = found_when(words, parse_when(report))
    assert str(when.precision) == precision
    assert when.start == pd.Timestamp(start, tz="Europe/London").tz_convert("UTC")


def test_a_row_that_opens_with_missing_and_writes_the_return_is_a_whole_episode(tmp_path):
    path = tmp_path / "review.csv"
    path.write_text("Date,Agency,Event\n"
                    "10/10/2015,Anyshire Constabulary,Missing; found 11/10 at 0230hrs in Southby. "
                    "Graded Medium.\n"
                    "16/07/2015,Anyshire Constabulary,\"Missing overnight, returned 17/07 0700hrs.\"\n",
                    encoding="utf-8")
    ev = import_chronologies([path]).events
    assert ev[["kind", "source"]].values.tolist() == [
        ["missing_report", "review.csv:3"], ["found", "review.csv:3"],
        ["missing_report", "review.csv:2"], ["found", "review.csv:2"]] or \
        ev[["kind", "source"]].values.tolist() == [
        ["missing_report", "review.csv:2"], ["found", "review.csv:2"],
        ["missing_report", "review.csv:3"], ["found", "review.csv:3"]]
    found = ev.loc[ev["kind"].eq("found")].set_index("source")["start"]
    assert found["review.csv:2"] == pd.Timestamp("2015-10-11 01:30", tz="UTC")  # BST
    assert found["review.csv:3"] == pd.Timestamp("2015-07-17 06:00", tz="UTC")
    assert ev["kind_basis"].str.contains("opens with 'Missing'").sum() == 2


RHI_LOG = """Ref,Missing episode (per police notification),Contact attempts,Debrief date/time,Worker,What YP told us,Shared with
WM-0157,"Fri 31st Jan 2025, found Sat 1/2 3.45am by police near the flats","3/2 rang Dad, seen same day","Mon 3rd Feb 2025, 3.30pm",Priya (RIW),"Says a man called 'Dee' gave him a phone","Not shared - will go in monthly return"
"""


def test_a_return_interview_log_names_its_service_and_its_episodes(tmp_path):
    path = tmp_path / "Waymark_RHI_log_ChildF_2025.csv"
    path.write_text(RHI_LOG, encoding="utf-8")
    ev = import_chronologies([path]).events
    assert ev[["kind", "agency", "sector"]].values.tolist() == [
        ["return_interview_completed", "Waymark RHI", "third-sector"],
        ["missing_report", "Police", "police"], ["found", "Police", "police"]]
    assert ev["start"].tolist()[1:] == [pd.Timestamp("2025-01-31", tz="UTC"),
                                        pd.Timestamp("2025-02-01 03:45", tz="UTC")]


def test_a_share_dated_in_a_sentence_is_an_event_on_that_day(tmp_path):
    path = tmp_path / "health.csv"
    path.write_text("Date,Agency,Summary\n05/05/2023,LAC Health Team,\"Health assessment: T "
                    "says she is frightened of Kaz. Report sent to SW1 on 30/05/2023.\"\n"
                    "10/05/2023,Missing Service,\"Summary sent to SW for the strategy meeting "
                    "on 12/05/2023.\"\n")
    ev = import_chronologies([path]).events
    shared = ev.loc[ev["kind"].eq("information_shared")]
    assert shared[["when", "recipients", "refers_to"]].values.tolist() == [
        ["30/05/2023", CSC, ev["id"].iloc[0]]]
    # the meeting's date is not the share's: that row is its own share, on its own day
    assert ev.loc[ev["when"].eq("10/05/2023"), "recipients"].tolist() == [CSC]


def test_a_contact_log_named_for_its_agency_reads_its_source_column_as_the_informant(tmp_path):
    path = tmp_path / "csc_contact_log.csv"
    path.write_text("Date,Contact type,From,Details,Outcome\n"
                    "10/09/2024,Contact,GP practice (Dr 2),Email: ED attendance in June,"
                    "Threshold for assessment met\n", encoding="utf-8")
    row = import_chronologies([path]).events.iloc[0]
    assert row["agency"] == "Children's Social Care"
    assert "From: GP practice (Dr 2)" in row["details"]


@pytest.mark.parametrize(("stem", "agency"), [
    ("police_mfh_returns", "Police"), ("WC_MISPER_Export_ChildK_02062025", "Police"),
    ("missing_persons_unit", "Police"), ("csc_contact_log", "Children's Social Care"),
    ("anyshire_csc_contacts", "Anyshire CSC"),
    ("sw_calendar_export", "Children's Social Care"), ("csc_audit_trail", "Children's Social Care")])
def test_a_file_name_says_its_agency_past_the_words_for_what_the_file_is(stem, agency):
    from workbench.agencies import load_aliases
    from workbench.io.file_agency import agency_of_file_name

    assert agency_of_file_name(stem, load_aliases()) == agency


def test_a_contact_logged_from_another_agency_is_that_agency_telling_the_log_keeper(tmp_path):
    """A social care contact log's "Source: Anyshire Constabulary" row is the police
    telling social care: with the police export beside it, it is the case's police."""
    police = tmp_path / "police_mfh_returns.csv"
    police.write_text("MFH Ref,Date reported,Risk level,Notes\n"
                      "AC-1,27/10/2024,High,AM1 arrested\n", encoding="utf-8")
    csc = tmp_path / "csc_contacts_events.csv"
    csc.write_text("Contact/Event date,Type,Source,Summary\n"
                   "28/10/2024,Notification,Anyshire Constabulary,Missing 27/10 found 2210\n",
                   encoding="utf-8")
    ev = import_chronologies([police, csc]).events.set_index("id")
    told = ev.loc[ev.index.str.endswith("-from")]
    assert told[["agency", "kind", "recipients", "start"]].values.tolist() == [
        ["Police", "information_shared", "Children's Social Care",
         pd.Timestamp("2024-10-28", tz="UTC")]]


def test_a_telephone_call_written_tel_tells_the_agency_called(tmp_path):
    path = tmp_path / "surgery_journal.csv"
    path.write_text("Date,Clinician,Free text\n"
                    "16/10/2024,Dr 2 (GP),Tel CSC front door (duty SW 4) 1620 re disclosure today\n",
                    encoding="utf-8")
    assert import_chronologies([path]).events["recipients"].tolist() == ["Children's Social Care"]


def test_a_legend_above_a_grid_names_no_agency_and_a_foyer_is_a_care_placement():
    from workbench.agencies import load_aliases
    from workbench.io.file_agency import agency_of_title

    legend = ("Session attendance (codes: / \\\\ present AM/PM, L late, E suspended, "
              "# school closed)")
    found = agency_of_title([legend], load_aliases())
    assert found is None or "codes" not in found[0]   # the legend's words are no name
    assert load_aliases().resolve("Gateway Foyer").sector == "social-care"


def test_an_interview_dated_in_the_record_of_its_report_is_held_on_that_day(tmp_path):
    path = tmp_path / "csc_chronology.csv"
    path.write_text("Date,Agency,Event,Details\n"
                    "19/01/2025,Police,Found,Returned home 1140hrs\n"
                    "22/01/2025,Children's Social Care,RHI report received,"
                    "Harbour Project RHI completed 21/01: no disclosures.\n"
                    "03/03/2025,Harbour Project,Phoned K and mother,offered RI. Agreed RI 04/03\n",
                    encoding="utf-8")
    ev = import_chronologies([path]).events.set_index("id")
    held = ev.loc[ev.index.str.endswith("-interview")]
    assert held[["kind", "start"]].values.tolist() == [
        ["return_interview_completed", pd.Timestamp("2025-01-21", tz="UTC")]]
    assert ev.loc[held["refers_to"].iloc[0], "kind"] == "contact"   # the report's receipt
