"""Return interview logs and police exports as services keep them: a log named only by
its short words ("..._ri_log.csv"), one row an episode with the offer, its outcome and the
interview in columns of their own; an empty date cell dated by another cell of the row
(warned); a found time written bare after the date; a search that found nothing. All
names are invented."""

from __future__ import annotations

import pandas as pd

from workbench import analyse, find_flags
from workbench.errors import Reason
from workbench.io.importer import import_report

LOG = (
    "Referral received,Episode (missing - found),Offer made,Offer outcome,Interview date,"
    "Summary of interview,Shared with / date,Worker\n"
    "02.02.25,1/2/25 - 2/2/25,03.02.25 phone to mum,Accepted,4th Feb 2025 (school),"
    "\"YP disclosed that an older lad called 'Z' drove him to Seaport and he owes Z money.\","
    "Not shared,LP worker 2\n"
    "05.03.25,3/3/25 - 4/3/25,06.03.25 visit,YP refused (at door),,,Mum informed,LP worker 2\n"
    "13.03.25,11/3/25 - 12/3/25,24.03.25 (waiting list),Offer by letter,,No response to letter.,"
    ",LP worker 4\n"
)
EXPORT = (
    "OCC_REF,CREATED_DTTM,OCC_TYPE,CIRCUMSTANCES,OUTCOME,OIC\n"
    "AN/1,2025-03-03 22:41:00,MISSING PERSON,Mother reports Child B not home from school.,"
    "FOUND 04/03/2025 1500 - returned to mother by officers.,PS 1\n"
    "AN/2,2025-03-24 16:20:00,STOP/SEARCH,\"Stopped at the station, two phones.\","
    "Nothing illegal found. Words of advice.,PC 2\n"
)


def _events(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = import_report([path])
    assert report.case is not None, report.problems
    return report, report.case.events.set_index("source")


def test_a_return_interview_log_reads_each_row_as_the_interview_its_offer_or_its_refusal(
        tmp_path):
    report, ev = _events(tmp_path, "lantern_project_ri_log.csv", LOG)
    ev = ev.loc[~ev["kind_basis"].str.startswith("derived")]   # the episodes each row tells
    rows = [f"lantern_project_ri_log.csv:{n}" for n in (2, 3, 4)]
    assert ev.loc[rows, "kind"].tolist() == [
        "return_interview_completed", "return_interview_declined", "return_interview_offered"]
    assert ev.loc[rows, "start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-02-04", "2025-03-06", "2025-03-24"]   # the interview; else the offer (latest day)
    moved = [p for p in report.problems if p.reason is Reason.DATE_FROM_ANOTHER_COLUMN]
    assert [(p.line, p.column, p.value) for p in moved] == [
        (3, "Interview date", "06.03.25"), (4, "Interview date", "24.03.25")]
    assert all("'Offer made'" in p.message for p in moved)
    # what the child disclosed in the interview is the interview's fact, not its kind
    facts = analyse(report.case).events
    assert facts.loc[facts["source"].eq(rows[0]) & facts["kind"].str.startswith("return"),
                     "child_voice"].tolist() == ["disclosure"]


def test_a_police_export_reads_a_bare_found_time_and_a_search_that_found_nothing(tmp_path):
    _, ev = _events(tmp_path, "misper_export.csv", EXPORT)
    found = ev.loc[ev["kind"].eq("found")]
    assert found["start"].tolist() == [pd.Timestamp("2025-03-04 15:00", tz="UTC")]
    assert ev.loc["misper_export.csv:3", "kind"] != "found"


def test_ownership_is_not_judged_on_a_chronology_with_no_record_of_social_care(tmp_path):
    episodes = "".join(
        f"AN/{n},2025-03-{d:02d} 22:00:00,MISSING PERSON,Child B not home.,"
        f"FOUND {d + 1:02d}/03/2025 0900 - home.,PC 1\n" for n, d in enumerate((3, 10, 17)))
    _, ev = _events(tmp_path, "police_only.csv", EXPORT.splitlines(True)[0] + episodes)
    assert ev["kind"].eq("missing_report").sum() == 3
    police_only = tmp_path / "police_only.csv"
    assert not [f for f in find_flags(analyse(import_report([police_only]).case))
                if f.pattern == "ownership-gap"]
    (tmp_path / "csc.csv").write_text(
        "Date,Agency,Event\n01/02/2025,Children's Social Care,Contact from school: "
        "NFA, case closed\n", encoding="utf-8")
    both = import_report([police_only, tmp_path / "csc.csv"]).case
    assert [f for f in find_flags(analyse(both)) if f.pattern == "ownership-gap"]


def test_a_notification_the_row_says_was_not_made_shares_nothing(tmp_path):
    _, ev = _events(tmp_path, "lac_record.csv", (
        "Date,Entry type,Summary,Author\n"
        "02/09/2024,Placement move,Child D moved to Oakfield House. Notification to host "
        "authority and host police: not recorded.,SW3\n"
        "15/10/2024,Notification,Placement notification sent to Westshire Police.,SW3\n"))
    assert ev.loc["lac_record.csv:2", "recipients"] == ""
    assert "Police" in ev.loc["lac_record.csv:3", "recipients"]
