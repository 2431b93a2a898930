"""Tests for :mod:`workbench.analysis.episodes`: report → found, duplicates, open episodes,
rolling counts, return interviews, gradings, cohorts."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.casebuilder import cohort, events
from workbench.analysis.episodes import EPISODE_COLUMNS, episodes

CSC, RIS = "Children's Social Care", "Return Interview Service"


def reported_and_found(day: str) -> list[tuple[str, str, str]]:
    """Reported missing at 22:00 on ``day``, found an hour later."""
    return [(f"{day} 22:00", "Police", "missing_report"), (f"{day} 23:00", "Police", "found")]


def test_a_report_and_the_next_found_make_one_episode():
    ep = episodes(events(("05/02/2025 22:00", "Police", "missing_report"),
                         ("06/02/2025 09:00", "Police", "found")))
    assert ep.columns.tolist() == list(EPISODE_COLUMNS)
    row = ep.iloc[0]
    assert (row["report_id"], row["found_id"], row["reported_by"]) == ("e1", "e2", "Police")
    assert row["duration_hours"] == 11.0
    assert not row["open"] and row["certain"] and not row["repeat"]


@pytest.mark.parametrize("rows", [
    pytest.param([("05/02/2025 22:00", "Police", "missing_report"),
                  ("05/02/2025 22:30", CSC, "missing_report"),
                  ("06/02/2025 09:00", "Police", "found")], id="second-report-while-open"),
    pytest.param([("05/02/2025 22:00", "Police", "missing_report"),
                  ("06/02/2025 09:00", "Police", "found"),
                  ("06/02/2025 10:00", CSC, "missing_report", {"refers_to": "e1"})],
                 id="later-record-that-refers-to-the-report"),
])
def test_the_same_report_from_two_agencies_is_one_episode(rows):
    ep = episodes(events(*rows))
    found = next(f"e{i}" for i, r in enumerate(rows, 1) if r[2] == "found")
    assert ep[["episode", "report_id", "found_id"]].values.tolist() == [[1, "e1", found]]


@pytest.mark.parametrize(("school_at", "police_between", "expected"), [
    pytest.param("07/02/2025 08:40", False, [["e1", "e2"]], id="school-told-next-morning"),
    pytest.param("10/02/2025 08:40", False, [["e1", "e2"], ["e3", ""]], id="four-days-later"),
    pytest.param("07/02/2025 08:40", True, [["e1", "e2"], ["e3", ""]], id="police-reported-again"),
])
def test_another_agencys_record_soon_after_a_found_is_news_of_that_episode(
        school_at, police_between, expected):
    rows = [("05/02/2025 22:00", "Police", "missing_report"),
            ("06/02/2025 09:00", "Police", "found")]
    if police_between:
        rows.append(("06/02/2025 20:00", "Police", "missing_report"))
    rows.append((school_at, "School", "missing_report"))
    ep = episodes(events(*rows))
    assert ep[["report_id", "found_id"]].values.tolist() == expected


def test_a_second_found_does_not_open_or_close_anything():
    ep = episodes(events(("05/02/2025 22:00", "Police", "missing_report"),
                         ("06/02/2025 09:00", "Police", "found"),
                         ("06/02/2025 10:00", CSC, "found")))
    assert ep["found_id"].tolist() == ["e2"]


def test_an_episode_with_no_found_is_open():
    ep = episodes(events(("05/02/2025 22:00", "Police", "missing_report")))
    row = ep.iloc[0]
    assert row["open"] and row["found_id"] == "" and math.isnan(row["duration_hours"])


def test_undated_reports_are_left_out():
    ep = episodes(events(("undated", "Police", "missing_report"),
                         ("05/02/2025 22:00", "Police", "absence_report")))
    assert ep["report_id"].tolist() == ["e2"]


def test_a_day_precision_found_is_not_certain():
    ep = episodes(events(("05/02/2025 22:00", "Police", "missing_report"),
                         ("07/02/2025", "Police", "found")))
    assert not ep["certain"].iloc[0]


@pytest.mark.parametrize(("days", "counts"), [
    pytest.param(["01/02/2025", "10/02/2025", "20/02/2025", "04/03/2025"], [1, 2, 3, 3],
                 id="window-slides"),
    pytest.param(["01/02/2025", "03/03/2025"], [1, 2], id="exactly-30-days-counts"),
    pytest.param(["01/02/2025", "04/03/2025"], [1, 1], id="31-days-does-not"),
])
def test_rolling_count_of_episodes_within_the_window(days, counts):
    rows = [row for d in days for row in reported_and_found(d)]
    ep = episodes(events(*rows))
    assert ep["rolling_count"].tolist() == counts
    assert ep["repeat"].tolist() == [False] + [True] * (len(days) - 1)


def test_the_window_is_a_parameter():
    rows = [row for d in ("01/02/2025", "04/03/2025") for row in reported_and_found(d)]
    assert episodes(events(*rows), window_days=31)["rolling_count"].tolist() == [1, 2]


def test_return_interview_hours_from_found():
    ep = episodes(events(("05/02/2025 22:00", "Police", "missing_report"),
                         ("06/02/2025 09:00", "Police", "found"),
                         ("07/02/2025 10:00", RIS, "return_interview_completed")))
    row = ep.iloc[0]
    assert (row["ri_first_id"], row["ri_first_kind"], row["ri_completed_id"]) == (
        "e3", "return_interview_completed", "e3")
    assert row["ri_hours"] == 25.0


@pytest.mark.parametrize(("later", "reattempted"), [
    pytest.param([("09/02/2025 10:00", RIS, "return_interview_offered")], True, id="offered"),
    pytest.param([], False, id="nothing-after"),
    pytest.param([("09/02/2025 10:00", RIS, "return_interview_completed")], True,
                 id="completed"),
])
def test_a_declined_interview_and_its_reattempt(later, reattempted):
    ep = episodes(events(("05/02/2025 22:00", "Police", "missing_report"),
                         ("06/02/2025 09:00", "Police", "found"),
                         ("07/02/2025 10:00", RIS, "return_interview_declined"), *later))
    row = ep.iloc[0]
    assert row["ri_declined_id"] == "e3"
    assert bool(row["ri_reattempted"]) is reattempted


def test_an_interview_after_the_next_report_belongs_to_the_next_episode():
    ep = episodes(events(("05/02/2025 22:00", "Police", "missing_report"),
                         ("06/02/2025 09:00", "Police", "found"),
                         ("10/02/2025 22:00", "Police", "missing_report"),
                         ("11/02/2025 09:00", "Police", "found"),
                         ("11/02/2025 12:00", RIS, "return_interview_completed")))
    assert ep["ri_first_id"].tolist() == ["", "e5"]


def test_police_gradings_during_the_episode_and_their_change():
    ep = episodes(events(("05/02/2025 22:00", "Police", "missing_report", {"risk_grade": "medium"}),
                         ("06/02/2025 02:00", "Police", "risk_assessment", {"risk_grade": "high"}),
                         ("06/02/2025 03:00", "Police", "contact", {"risk_grade": "high"}),
                         ("06/02/2025 09:00", "Police", "found"),
                         ("06/02/2025 12:00", "Police", "contact", {"risk_grade": "low"}),
                         ("06/02/2025 02:30", CSC, "contact", {"risk_grade": "low"})))
    row = ep.iloc[0]
    assert (row["grade_first"], row["grade_last"], row["grades"]) == ("medium", "high",
                                                                      "medium→high")
    assert row["grade_changed"]


def test_an_unchanged_grading():
    ep = episodes(events(("05/02/2025 22:00", "Police", "missing_report", {"risk_grade": "low"}),
                         ("06/02/2025 09:00", "Police", "found")))
    assert (ep["grades"].iloc[0], bool(ep["grade_changed"].iloc[0])) == ("low", False)


def test_cases_of_a_cohort_are_counted_apart():
    one = events(("01/02/2025 22:00", "Police", "missing_report"),
                 ("02/02/2025 09:00", "Police", "found"))
    two = events(("03/02/2025 22:00", "Police", "missing_report"),
                 ("04/02/2025 09:00", "Police", "found"))
    ep = episodes(cohort([one, two]))
    assert ep[["case_id", "episode", "rolling_count", "found_id"]].values.tolist() == [
        ["case-1", 1, 1, "e2"], ["case-2", 1, 1, "e2"]]


def test_no_events_give_no_episodes():
    ep = episodes(events())
    assert ep.empty and ep.columns.tolist() == list(EPISODE_COLUMNS)


KINDS = ["missing_report", "absence_report", "found", "return_interview_offered",
         "return_interview_declined", "return_interview_completed", "contact"]


@settings(deadline=None, max_examples=50)
@given(st.lists(st.tuples(st.integers(0, 24 * 20), st.sampled_from(KINDS),
                          st.sampled_from(["", "low", "high"])), max_size=15),
       st.randoms(use_true_random=False))
def test_shuffling_rows_never_changes_the_episodes(rows, rnd):
    start = pd.Timestamp("2025-02-03 00:00")
    table = events(*[((start + pd.Timedelta(hours=h)).strftime("%d/%m/%Y %H:%M"),
                      "Police", kind, {"risk_grade": grade}) for h, kind, grade in rows])
    order = list(range(len(table)))
    rnd.shuffle(order)
    shuffled = episodes(table.iloc[order].reset_index(drop=True))
    pd.testing.assert_frame_equal(shuffled, episodes(table))
