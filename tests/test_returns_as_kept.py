"""Records kept the way workers keep them: an email thread pasted into a workbook, a
coordinator's weekly review by ISO week, a form of labels and values beside case notes."""

from __future__ import annotations

import pytest

from tests.test_real_returns import workbook
from workbench.agencies import load_aliases
from workbench.io.dates import parse_when
from workbench.io.importer import import_chronologies, import_report

FSW = "Jo Bright (Family Support Worker, Northby Family Hub)"
DSL = "Mrs K Adeyemi (DSL, Hillcrest School)"
EMAILS = [
    ["From", "To", "Cc", "Sent", "Subject", "Body"],
    [FSW, DSL, None, "Mon 06/01/2025 09:14", "TAF on 15th", "Could you send attendance?"],
    [DSL, FSW, None, "Tue 07/01/2025 16:02", "RE: TAF on 15th", "Attendance 91% this year."],
    [FSW, "CSC Front Door mailbox (Northby Children's Social Care)", None,
     "Mon 20/01/2025 11:03", "Consultation request", "Could someone advise? Missing twice."],
    ["Duty Senior SW (Northby Children's Social Care)", FSW, None, "Mon 03/03/2025 14:47",
     "RE: Consultation request", "Apologies for the delay - please send a MARF."],
]


def book(path, sheets):
    return workbook(path.parent, path.name, sheets)


def test_an_email_thread_is_dated_by_sent_and_each_writer_is_their_agency(tmp_path):
    report = import_report([book(tmp_path / "fsw_emails.xlsx", {"Emails": EMAILS})])
    ev = report.case.events
    assert report.summary.files[0].columns["at"] == "Sent"
    assert ev["start"].dt.strftime("%d/%m %H:%M").tolist() == [
        "06/01 09:14", "07/01 16:02", "20/01 11:03", "03/03 14:47"]
    assert ev["agency"].tolist() == ["Northby Family Hub", "Hillcrest School",
                                     "Northby Family Hub", "Northby Children's Social Care"]
    assert ev["recipients"].tolist() == ["Hillcrest School", "Northby Family Hub",
                                         "Northby Children's Social Care", "Northby Family Hub"]
    # the person and post are kept, not lost
    assert ev["agency_detail"].iloc[0] == "Jo Bright (Family Support Worker)"


@pytest.mark.parametrize(("written", "agency", "sector"), [
    (FSW, "Northby Family Hub", "social-care"),     # a family hub is early help, not family
    ("Family Support Worker", "Family Support Worker", "social-care"),
    ("PC 2210 (MFH coordinator, Northby Constabulary)", "Northby Constabulary", "police"),
    ("Social Care (front door)", "Children's Social Care", "social-care"),  # a qualifier
    ("Family (grandmother)", "Family", "family"),
])
def test_a_person_or_post_is_read_as_the_agency_their_brackets_name(written, agency, sector):
    r = load_aliases().resolve(written)
    assert (r.name, r.sector) == (agency, sector)


def test_an_iso_week_is_its_monday_to_sunday():
    w = parse_when("2025-W01")
    assert (w.start.strftime("%d/%m/%Y"), w.end.strftime("%d/%m/%Y")) == ("30/12/2024",
                                                                          "06/01/2025")
    with pytest.raises(ValueError, match="no week 60"):
        parse_when("2024-W60")


WEEKLY = [
    ["NORTHBY CONSTABULARY - MISSING PERSONS COORDINATOR - WEEKLY REVIEW"],
    ["ISO week", "Episode(s) this week", "Coordinator review", "Partner contact"],
    ["2024-W44", "MP/24/12 - Thu 31/10 2100 to Fri 01/11 0730", "1st episode. Returned herself.",
     "PPN to front door (info)."],
    ["2024-W48", "-", "No episodes. SW8 reports the adult has agreed to move out.", "-"],
]


def test_a_weekly_review_row_of_dashes_is_read_by_its_prose_and_says_no_episode(tmp_path):
    path = book(tmp_path / "mfh_weekly_review.xlsx", {"Weekly review": WEEKLY})
    ev = import_chronologies([path]).events
    assert ev["when"].tolist() == ["2024-W44", "2024-W48"]
    quiet = ev.iloc[1]
    assert quiet["summary"].startswith("Coordinator review: No episodes.")
    assert "Partner contact: -" in quiet["details"]   # the dash is kept, not lost
    assert quiet["kind"] != "missing_report"           # the log's kind, but none that week
    assert ev.iloc[0]["kind"] == "missing_report"      # a week with an episode is one


def test_a_title_names_a_return_home_project_whole_and_a_time_is_no_recipient(tmp_path):
    path = tmp_path / "rhi_tracker.csv"
    path.write_text("Bridgeway Return Home Project - RHI tracker - G\n"
                    "Notification rec'd,Interview held,What G told us,Shared (to / when)\n"
                    "01/11/2024 0810,Held 04/11 1230,Went to a party.,"
                    "\"Police MFH + CSC front door, 04/11 1500\"\n", encoding="utf-8")
    report = import_report([path])
    assert report.summary.files[0].agency == "Bridgeway Home Project"
    assert report.case.events["recipients"].iloc[0] == "Police; Children's Social Care"


def test_a_form_of_labels_and_values_beside_case_notes_keeps_every_row(tmp_path):
    path = book(tmp_path / "csc_record.xlsx", {
        "Case notes": [["Date", "Worker", "Note"],
                       ["12-Feb-2025", "SW6", "E moved to Oakridge House, out of area."]],
        "Placement details": [["PLACEMENT DETAILS FORM"], ["Field", "Value"],
                              ["Placement start", "12-Feb-2025"],
                              ["Host LA notified (date / by)", None],
                              ["Host police notified (date / by)", None]]})
    report = import_report([path])
    form = report.case.events.loc[report.case.events["source"].str.contains("Placement")]
    assert form["source"].str.rsplit(":", n=1).str[1].tolist() == ["3", "4", "5"]
    assert "Host LA notified (date / by)" in form.iloc[1]["summary"] + form.iloc[1]["details"]
    assert "several-sheets" not in {p.reason.value for p in report.problems
                                    if p.sheet == "Placement details"}


def test_a_return_interview_logs_one_word_outcome_says_how_it_went(tmp_path):
    path = tmp_path / "rhi_log.csv"
    path.write_text(
        "THE HARBOURSIDE TRUST - RETURN HOME INTERVIEW LOG - Child A\n"
        "Notified,Offered / seen,Outcome,Worker,What the young person said,Shared with / date\n"
        "9th March 2025,10th March 2025,Completed,Tara,Went to town with friends.,"
        "Westby CSC 10th March 2025\n"
        "2nd April 2025,3rd April 2025,Declined,Tara,,\n"
        "14th June 2025,14th June 2025,Completed,Tara,\"She said \"\"I'm scared of him, he said "
        "he'd hurt my mum\"\".\",Not shared - to discuss in supervision\n", encoding="utf-8")
    ev = import_chronologies([path]).events
    assert ev["kind"].tolist() == ["return_interview_completed", "return_interview_declined",
                                   "return_interview_completed"]
    assert ev["kind_basis"].str.endswith(('then "Completed"', 'then "Declined"')).tolist()[:2] \
        == [True, True]


def test_an_interview_logs_row_is_dated_by_the_interviews_own_day(tmp_path):
    path = tmp_path / "harbour_project_RHI_log.csv"
    path.write_text(
        "Referral date,Missing episode,RHI offered,RHI date,Worker,Summary of conversation,"
        "Shared with,Date shared\n"
        "08/06/2025,06/06 - 08/06/2025,08/06/2025 (phone),09/06/2025,JS,\"E said Adult Male 3 "
        "drives her to a flat. She is scared of him.\",To be raised at panel,17/07/2025\n"
        "29/06/2025,28/06 - 29/06/2025,30/06/2025 (text),,JS,Declined by text.,n/a,\n",
        encoding="utf-8")
    ev = import_chronologies([path]).events
    rows = ev.loc[ev["kind"].str.startswith("return_interview")]
    assert rows["kind"].tolist() == ["return_interview_completed", "return_interview_offered"]
    assert rows["start"].dt.tz_convert("Europe/London").dt.strftime("%d/%m").tolist() == [
        "09/06", "29/06"]
    assert "Referral date: 08/06/2025" in rows["details"].iloc[0]   # the other day is kept
    assert rows["kind_basis"].iloc[0].endswith('dated by its column "RHI date"')


def test_a_message_exports_sent_column_is_its_date(tmp_path):
    path = tmp_path / "messages_export.csv"
    path.write_text("Thread ID,Sent,Direction,Sender,Message,Flagged,Flag note\n"
                    "TH-1,13/01/2025 17:02:11,OUT,Sam (youth worker),Still ok for Tues 4pm?,,\n"
                    "TH-1,13/01/2025 19:45:30,IN,Child B,ye,,\n", encoding="utf-8")
    report = import_report([path])
    assert report.summary.files[0].columns["at"] == "Sent"
    assert report.case.events["start"].dt.strftime("%d/%m %H:%M").tolist() == [
        "13/01 17:02", "13/01 19:45"]
    assert report.case.events["recipients"].eq("").all()   # dates are nobody it was sent to
