"""Tests for :mod:`workbench.analysis.knowledge`: what each agency knew and lacked, with
the significant facts found inside rows."""

from __future__ import annotations

import pandas as pd

from tests.casebuilder import events
from workbench.analysis.analyse import analyse
from workbench.analysis.knowledge import knowledge_at, known_events, significant_events

CSC = "Children's Social Care"


def test_a_childs_account_in_a_school_log_is_a_significant_fact_lacked_elsewhere():
    a = analyse(events(
        ("03/02/2025 10:00", "School", "contact",
         {"summary": "Pastoral check-in: Child A said she is scared of Adult Male 1"}),
        ("03/02/2025 11:00", "School", "contact", {"summary": "Attendance call"}),
        ("04/02/2025 10:00", "Police", "contact")))
    assert significant_events(a).to_dict() == {"e1": True, "e2": False, "e3": False}
    k = knowledge_at(a, "2025-02-05").set_index("agency")
    assert k.loc["Police", "lacked_significant"] == ["e1"]
    assert k.loc["School", "lacked_significant"] == []


def test_exploitation_and_high_gradings_are_significant_whatever_the_kind():
    a = analyse(events(("03/02/2025 10:00", "Health", "contact",
                        {"details": "Triage: possible criminal exploitation"}),
                       ("03/02/2025 11:00", CSC, "contact", {"risk_grade": "high"}),
                       ("03/02/2025 12:00", CSC, "contact", {"risk_grade": "low"})))
    assert significant_events(a).tolist() == [True, True, False]


def test_a_meeting_pools_what_its_attendees_knew():
    a = analyse(events(("03/02/2025 10:00", "School", "exclusion"),
                       ("04/02/2025 10:00", CSC, "strategy_meeting",
                        {"attendees": [CSC, "School", "Police"]})))
    assert known_events(a, "Police", pd.Timestamp("2025-02-04 12:00", tz="UTC")) == {"e1", "e2"}
    assert known_events(a, "Police", pd.Timestamp("2025-02-04 09:00", tz="UTC")) == set()
