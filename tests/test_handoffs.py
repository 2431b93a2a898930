"""Tests for :mod:`workbench.analysis.handoffs`: answers (explicit or inferred), status by
working days (weekends skipped), open hand-offs, self-hand-offs, several recipients."""

from __future__ import annotations

import pytest

from tests.casebuilder import cohort, events
from workbench.analysis.handoffs import HANDOFF_COLUMNS, handoffs
from workbench.protocols import load_protocol

CSC = "Children's Social Care"
# 03/02/2025 is a Monday, 07/02/2025 a Friday, 08/02/2025 a Saturday


def one(*rows, **kw):
    h = handoffs(events(*rows), **kw)
    assert len(h) == 1, h
    return h.iloc[0]


def test_an_explicit_answer_wins_over_an_earlier_inferred_one():
    h = one(("03/02/2025 10:00", "School", "referral", {"recipients": [CSC]}),
            ("04/02/2025 10:00", CSC, "contact"),
            ("12/02/2025 10:00", CSC, "case_opened", {"refers_to": "e1"}))
    assert (h["answer_id"], h["answer_basis"], h["answer_kind"]) == ("e3", "explicit",
                                                                     "case_opened")
    assert (h["working_days"], h["status"]) == (7.0, "late")


def test_without_a_reference_the_recipients_next_event_is_the_inferred_answer():
    h = one(("03/02/2025 10:00", "School", "referral", {"recipients": [CSC]}),
            ("03/02/2025 12:00", "Police", "contact"),
            ("04/02/2025 10:00", CSC, "contact"))
    assert (h["answer_id"], h["answer_basis"], h["status"]) == ("e3", "inferred", "answered")
    assert h["latency_hours"] == 24.0


def test_after_the_senders_chase_the_recipients_earlier_records_are_no_answer():
    h = handoffs(events(
        ("02/12/2024 09:00", "School", "referral", {"recipients": [CSC]}),
        ("02/12/2024 09:40", CSC, "notification"),             # a police notification logged
        ("05/12/2024 09:00", "School", "referral",
         {"recipients": [CSC], "summary": "No acknowledgement of referral of 2/12. Chase email"}),
        ("16/12/2024 11:00", "School", "referral",
         {"recipients": [CSC], "summary": "Still no response to referral of 2/12"}),
        ("18/12/2024 14:00", CSC, "contact",
         {"summary": "Found the school's referral of 02/12 unprocessed"})))
    first, chase, last = (h.loc[h["event_id"].eq(e)].iloc[0] for e in ("e1", "e3", "e4"))
    # the referral's answer is the first record after the last chase (the 16/12 one)
    assert (first["answer_id"], first["answer_basis"], first["status"]) == ("e5", "inferred",
                                                                           "late")
    # a chasing row takes only an answer recorded as such: the 05/12 chase has none
    # (unanswered), nor has the 16/12 one (open: the chronology ends before its deadline)
    assert (chase["answer_id"], chase["status"]) == ("", "unanswered")
    assert (last["answer_id"], last["status"]) == ("", "open")
    # the chases are the referral's, not requests of their own
    assert first["chased_by"] == "e3; e4" and first["needs_answer"]
    assert not chase["needs_answer"] and not last["needs_answer"] and chase["chased_by"] == "e4"


def test_a_request_chased_in_its_own_row_or_after_a_share_is_a_request():
    h = handoffs(events(
        ("01/03/2025 21:30", "Police", "missing_report", {"recipients": [CSC]}),  # a PPN: a share
        ("15/03/2025 19:40", "Police", "missing_report",
         {"recipients": [CSC], "summary": "Request for strategy discussion emailed to the front "
          "door 16/03. Chased 24/03 - no response."}),
        ("31/03/2025 10:00", "Police", "contact")))
    share, request = (h.loc[h["event_id"].eq(e)].iloc[0] for e in ("e1", "e2"))
    assert not share["needs_answer"] and share["chased_by"] == ""
    assert request["needs_answer"] and request["status"] == "unanswered"


def test_a_chase_by_the_recipient_or_long_after_leaves_the_answer_alone():
    h = handoffs(events(
        ("03/02/2025 10:00", "School", "referral", {"recipients": [CSC]}),
        ("04/02/2025 10:00", CSC, "contact"),
        ("05/02/2025 10:00", CSC, "contact",                    # the recipient, reporting
         {"recipients": ["School"], "summary": "School said it had no reply"}),
        ("20/04/2025 10:00", "School", "referral",              # beyond the answer window
         {"recipients": [CSC], "summary": "Chased: no response to our new request"})))
    first = h.loc[h["event_id"].eq("e1")].iloc[0]
    assert (first["answer_id"], first["answer_basis"], first["status"]) == ("e2", "inferred",
                                                                           "answered")


@pytest.mark.parametrize(("sent", "answered", "days", "status"), [
    ("03/02/2025 10:00", "10/02/2025 16:00", 5, "answered"),   # Mon -> Mon
    ("03/02/2025 10:00", "11/02/2025 09:00", 6, "late"),       # Mon -> Tue
    ("07/02/2025 16:00", "14/02/2025 10:00", 5, "answered"),   # Fri -> Fri
    ("07/02/2025 16:00", "17/02/2025 10:00", 6, "late"),       # Fri -> Mon
    ("08/02/2025 10:00", "17/02/2025 10:00", 5, "answered"),   # Sat -> Mon week after
    ("08/02/2025 10:00", "18/02/2025 10:00", 6, "late"),       # Sat -> Tue
    ("03/02/2025 10:00", "03/02/2025 10:00", 0, "answered"),   # the same minute
])
def test_status_by_working_days_skipping_weekends(sent, answered, days, status):
    h = one((sent, "School", "referral", {"recipients": [CSC]}),
            (answered, CSC, "contact", {"refers_to": "e1"}))
    assert (h["working_days"], h["status"]) == (days, status)


@pytest.mark.parametrize(("last", "status"), [
    ("15/02/2025 00:00", "unanswered"),   # the chronology reaches past Fri 14/02
    ("14/02/2025 23:00", "open"),         # it ends on the last allowed day
])
def test_no_answer_is_unanswered_only_once_the_deadline_has_passed(last, status):
    h = one(("07/02/2025 16:00", "School", "referral", {"recipients": [CSC]}),
            (last, "Police", "contact"))
    assert (h["answer_id"], h["status"]) == ("", status)


def test_an_event_beyond_the_answer_window_is_not_an_inferred_answer():
    h = one(("03/02/2025 10:00", "School", "referral", {"recipients": [CSC]}),
            ("04/03/2025 10:00", CSC, "contact"))
    assert (h["answer_id"], h["status"]) == ("", "unanswered")
    h = one(("03/02/2025 10:00", "School", "referral", {"recipients": [CSC]}),
            ("04/03/2025 10:00", CSC, "contact"),
            protocol=load_protocol().with_settings(answer_window_days=60))
    assert (h["answer_id"], h["status"]) == ("e2", "late")


def test_a_hand_off_to_oneself_is_not_a_hand_off():
    h = handoffs(events(("03/02/2025 10:00", "School", "referral",
                         {"recipients": ["School", CSC]})))
    assert h["recipient"].tolist() == [CSC]


def test_several_recipients_each_get_their_own_answer():
    h = handoffs(events(("03/02/2025 10:00", "School", "referral",
                         {"recipients": [CSC, "Police"]}),
                        ("04/02/2025 10:00", "Police", "contact"),
                        ("31/03/2025 10:00", "Health", "contact")))
    assert h[["handoff_id", "answer_id", "status"]].values.tolist() == [
        ["e1>Children's Social Care", "", "unanswered"], ["e1>Police", "e2", "answered"]]


def test_a_share_recorded_on_another_kind_of_event_is_information_shared():
    h = one(("06/02/2025 09:00", "Police", "found", {"recipients": [CSC]}))
    assert (h["kind"], h["event_kind"]) == ("information_shared", "found")


@pytest.mark.parametrize(("when", "certain"), [
    ("03/02/2025 10:00", True), ("03/02/2025", True), ("02/2025", False)])
def test_certain_only_when_dates_are_known_to_the_day(when, certain):
    h = one((when, "School", "referral", {"recipients": [CSC]}))
    assert bool(h["certain"]) is certain


def test_cases_of_a_cohort_do_not_answer_each_other():
    sent = events(("03/02/2025 10:00", "School", "referral", {"recipients": [CSC]}))
    other = events(("04/02/2025 10:00", CSC, "contact"))
    h = handoffs(cohort([sent, other]))
    assert h[["case_id", "answer_id"]].values.tolist() == [["case-1", ""]]


def test_no_events_give_no_hand_offs():
    h = handoffs(events())
    assert h.empty and h.columns.tolist() == list(HANDOFF_COLUMNS)


# --- requests, notifications that only inform, meetings that answer ---------------------

@pytest.mark.parametrize(("kind", "summary", "needs"), [
    ("referral", "Referral to CSC", True),
    ("notification", "Notified CSC of the episode", True),
    ("notification", "Courtesy notification; for information only", False),
    ("referral", "Referral to CSC for information", False),
    ("information_shared", "Information shared with CSC", False),
    ("information_shared", "Concerns shared with CSC requesting a strategy discussion", True),
])
def test_a_hand_off_needs_an_answer_when_it_asks_for_one(kind, summary, needs):
    h = one(("03/02/2025 10:00", "School", kind, {"recipients": [CSC], "summary": summary}))
    assert bool(h["needs_answer"]) is needs


def test_a_meeting_the_recipient_attended_answers_the_hand_off():
    h = one(("03/02/2025 10:00", "School", "referral", {"recipients": [CSC]}),
            ("05/02/2025 10:00", "Police", "strategy_meeting",
             {"attendees": ["Police", CSC, "School"]}),
            ("20/02/2025 10:00", CSC, "contact"))
    assert (h["answer_id"], h["answer_kind"], h["answer_basis"], h["status"]) == (
        "e2", "strategy_meeting", "inferred", "answered")


@pytest.mark.parametrize(("summary", "answered"), [
    ("MASH confirmed receipt of ED referral; linked.", True),
    ("Call from SW7 (newly allocated) acknowledging the referral.", True),
    ("Social worker rang back 1130 same day.", True),
    ("No response from CSC to the referral.", False),
    ("Still awaiting a call from SW7.", False),
])
def test_an_answer_the_sender_records_answers_the_hand_off(summary, answered):
    h = one(("03/02/2025 10:00", "Hospital", "referral", {"recipients": [CSC]}),
            ("04/02/2025 10:00", "Hospital", "contact", {"summary": summary}),
            ("28/02/2025 10:00", "Police", "contact"))
    assert (h["answer_id"] == "e2", h["status"]) == (
        answered, "answered" if answered else "unanswered")


@pytest.mark.parametrize(("summary", "needs"), [
    ("Insp requested a strategy discussion. School DSL notified 04/02/2025.", False),
    ("School DSL notified; requesting a strategy discussion.", True),
    ("Requesting a strategy discussion with the School.", True),
])
def test_a_recipient_the_row_only_tells_is_asked_nothing(summary, needs):
    h = one(("03/02/2025 10:00", "Police", "contact",
             {"recipients": ["School"], "summary": summary}))
    assert bool(h["needs_answer"]) == needs


@pytest.mark.parametrize(("recipient", "needs"), [
    (CSC, True), ("GP", False), ("School Nursing", False)])
def test_a_referral_asks_only_the_agency_it_refers_to(recipient, needs):
    h = one(("12/03/2025 08:00", "Emergency Department", "referral",
             {"recipients": [recipient],
              "summary": "Safeguarding referral to Anyshire MASH (online) 08:00 and phone "
                         "09:15. GP and school nurse informed by email 09:30."}))
    assert bool(h["needs_answer"]) == needs


def test_a_notice_of_an_out_of_area_placement_asks_nothing():
    h = one(("31/01/2025 10:00", "Children's Social Care", "notification",
             {"recipients": ["Westshire Police"],
              "summary": "Notification of the out-of-area placement sent to Westshire Police "
                         "missing persons unit"}))
    assert not h["needs_answer"]


def test_a_service_that_shares_its_assessment_asks_nothing_of_those_it_tells():
    h = one(("14/03/2025 10:00", "CAMHS", "contact",
             {"recipients": ["GP"], "summary": "Urgent assessment",
              "outcome": "Weekly sessions. Shared with SW and GP 14/03."}))
    assert not h["needs_answer"]


def test_a_meeting_that_refers_to_the_hand_off_is_its_explicit_answer():
    h = one(("03/02/2025 10:00", "School", "referral", {"recipients": [CSC]}),
            ("04/02/2025 10:00", CSC, "contact"),
            ("06/02/2025 10:00", "Police", "strategy_meeting",
             {"attendees": ["Police", CSC], "refers_to": "e1"}))
    assert (h["answer_id"], h["answer_basis"]) == ("e3", "explicit")


@pytest.mark.parametrize(("nation", "days", "status"), [
    ("england-and-wales", 1.0, "answered"),   # Christmas Day and Boxing Day are not worked
    ("none", 3.0, "answered"),
])
def test_working_days_skip_the_profiles_bank_holidays(nation, days, status):
    h = one(("24/12/2025 10:00", "School", "referral", {"recipients": [CSC]}),
            ("29/12/2025 10:00", CSC, "contact", {"refers_to": "e1"}),
            protocol=load_protocol().with_settings(bank_holidays=nation))
    assert (h["working_days"], h["status"]) == (days, status)
