"""Who a row names, as agency staff write it: minutes that begin with who was there, a
charity by its short name beside its longer one, a force by its initials, a police
protection notice (PPN) that goes to social care, a log whose text column is "Entry"
beside an "Entry no". All names are invented.
"""

from __future__ import annotations

import pytest

from workbench.errors import Reason
from workbench.io.importer import import_chronologies
from workbench.kinds import leading_list


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def events(tmp_path, name, text):
    return import_chronologies([write(tmp_path, name, text)]).events.set_index("source_line")


@pytest.mark.parametrize(("text", "items"), [
    ("CSC (SW, TM), CE team, RTP (via Teams), Harbour Project. S47 agreed.",
     ["CSC", "CE team", "RTP", "Harbour Project"]),
    ("Strategy discussion - police, school, EWS, CSC. S47 agreed.",
     ["police", "school", "EWS", "CSC"]),
    ("Strategy discussion held by phone with the duty manager. S47 agreed.", []),
    ("Police and CSC. Plan agreed.", []),           # two items: too few to be a list
])
def test_a_list_at_the_start_of_a_row(text, items):
    assert leading_list(text) == items


MINUTES = """Date,Agency,Event
01/04/2025,Harbour,RHI completed. Nothing new. Shared same day.
02/04/2025,The Harbour Project,Weekly session.
03/04/2025,Police,Missing from home. Found next day.
17/04/2025,CSC,"Strategy discussion - police, school, Harbour, CSC. S47 agreed."
18/04/2025,CSC,"Strategy meeting held to review the plan with the family, the school and all professionals involved."
"""


def test_a_meeting_that_begins_with_who_was_there_lists_them(tmp_path):
    ev = events(tmp_path, "combined.csv", MINUTES)
    # "Harbour" is the agency recorded as "Harbour", not "The Harbour Project"
    assert ev.loc[5, "attendees"] == "Police; School; Harbour"
    assert ev.loc[6, "attendees"] == ""            # prose, not a list


def test_a_force_named_by_its_initials_is_that_force(tmp_path):
    paths = [write(tmp_path, "rail.csv", "Date,Agency,Event\n"
                   "04/11/2025,Rail Transport Police,Youth found at Farport station.\n"),
             write(tmp_path, "police.csv", "Date,Agency,Event\n"
                   "06/11/2025,Anyshire Police,\"Strategy meeting: CSC (SW), RTP (by Teams), "
                   "Harbour Project, school nurse. Safety plan.\"\n")]
    ev = import_chronologies(paths).events
    meeting = ev.loc[ev["kind"].eq("strategy_meeting")].iloc[0]
    assert "Rail Transport Police" in meeting["attendees"].split("; ")


@pytest.mark.parametrize(("action", "recipients"), [
    ("Harbour RHI request 1140hrs. PPN to CSC 1200hrs.", "Children's Social Care"),
    ("Harbour RHI request 2100hrs. PPN.", "Children's Social Care"),
    ("PPN submitted", "Children's Social Care"),
    ("No PPN.", ""),
    ("PPN rec'd from police", ""),
])
def test_a_police_protection_notice_goes_to_social_care(tmp_path, action, recipients):
    ev = events(tmp_path, "police.csv", "Date,Record type,Summary,Action\n"
                f"04/11/2025,Returned,H home with Mother 1130hrs.,{action}\n")
    assert ev.loc[2, "recipients"] == recipients


def test_a_strategy_review_is_a_strategy_meeting(tmp_path):
    ev = events(tmp_path, "police.csv", "Date,Agency,Record type,Summary\n"
                "24/11/2025,Police,Strategy review,Same agencies + RTP update.\n")
    assert ev.loc[2, "kind"] == "strategy_meeting"


def test_a_log_whose_text_is_its_entry_column(tmp_path):
    ev_path = write(tmp_path, "rtp.csv", "Entry no,Date,Time,Officer,Entry\n"
                    "1,03/11/2025,21:18,Control,Request from home force: missing child may "
                    "travel by rail. Circulated to station staff.\n"
                    "2,04/11/2025,06:12,PCSO 1,Youth matching description stopped at the "
                    "station concourse.\n")
    case = import_chronologies([ev_path])
    assert case.events["summary"].str.startswith(("Request from home", "Youth matching")).all()
    guessed = [p for p in case.problems if p.reason is Reason.COLUMN_GUESSED]
    assert [p.value for p in guessed] == ["Entry"]
    assert "read as the event text" in guessed[0].message


def test_a_ppn_beside_a_request_to_another_agency_asks_social_care_nothing(tmp_path):
    from workbench import analyse

    path = write(tmp_path, "police.csv", "Date,Agency,Event,Outcome\n"
                 "03/01/2025,Police,Missing from home. Graded high.,"
                 "\"Found 04/01/25 0330. PPN. RHI request to Harbour Project.\"\n"
                 "20/02/2025,Police,Welfare visit,Nothing further\n")
    h = analyse(import_chronologies([path])).handoffs
    # the notice shares with social care (what it knew) and asks it nothing
    assert h[["recipient", "needs_answer"]].values.tolist() == [["Children's Social Care", False]]


def test_a_register_beside_the_minutes_is_kept_and_does_not_stop_the_import(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    minutes = book.active
    minutes.title = "Minutes"
    minutes.append(["Meeting", "Date", "Agency", "Discussion"])
    minutes.append(["Panel", "22/05/2025", "Police", "Missing 17/05 - 18/05, medium."])
    register = book.create_sheet("Attendance")
    register.append(["Meeting", "Date", "Name", "Role / agency", "Attendance"])
    register.append(["Panel", "22/05/2025", "SW 1", "CSC", "Present"])
    register.append(["Panel", "22/05/2025", "DC 2", "Police", "Present"])
    register.append(["Panel", "22/05/2025", "JS", "Harbour Project", "Apologies"])
    book.save(tmp_path / "panel.xlsx")
    case = import_chronologies([tmp_path / "panel.xlsx"])
    register = case.events.loc[case.events["source"].str.startswith("panel.xlsx!Attendance:")]
    assert register["summary"].tolist() == ["SW 1", "DC 2", "JS"]
    assert register["agency"].iat[0] == "Children's Social Care"
    assert "Apologies" in register["details"].iat[2]      # no row and no cell lost
    guessed = [p for p in case.problems if p.sheet == "Attendance"
               and p.reason is Reason.COLUMN_GUESSED]
    assert [(p.value, p.severity.value) for p in guessed] == [("Name", "warning")]
    assert not [p for p in case.problems if p.severity.value == "error"]


SOAP = """Date,Time,Clinician,Setting,S,O,A,P
09/10/2025,11.15am,SN,Academy,C says she is not allowed to see him now.,"Calm, eating better.",Low mood.,Referral to Anyshire CAMHS (routine/soon). Next check-in 16/10.
14/10/2025,,SN,Admin,CAMHS acknowledgement received - screening appt 28/10.,,,
"""


def test_a_clinical_record_in_soap_columns_and_an_acknowledgement_it_received(tmp_path):
    from workbench import analyse

    path = write(tmp_path, "school_nurse.csv", SOAP)
    case = import_chronologies([path])
    ev = case.events.set_index("source_line")
    assert ev.loc[2, "summary"] == "C says she is not allowed to see him now."
    assert "Calm, eating better." in ev.loc[2, "details"]
    assert ev.loc[2, "recipients"] == "CAMHS"
    # the nurse's own record of CAMHS's answer answers the referral, in 3 working days
    h = analyse(case).handoffs
    assert h[["recipient", "status"]].values.tolist() == [["CAMHS", "answered"]]
