"""A published review's chronology sums several episodes up in one row ("Three missing
reports over about six weeks. Each time she returned home within 24 hours", "December
2014 (06/12 and 20/12) | Two further missing episodes ... On 20/12 Child K was found at
0300hrs"): each is a missing report, one for each day its date lists, and the return
written after an opening phrase, or counted from the report, is its found."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from workbench.analysis.analyse import analyse
from workbench.analysis.episodes import episodes
from workbench.analysis.rules import find_flags
from workbench.errors import Reason
from workbench.io.dates import parse_when
from workbench.io.derived import found_when
from workbench.io.facts import find_facts
from workbench.io.importer import import_report
from workbench.kinds import classify

ROWS = [
    ["Date", "Agency", "Event"],
    ["Spring 2014", "Police", "Three missing reports over about six weeks. Each time Child K "
     "returned home within 24 hours. All graded Low."],
    ["December 2014 (06/12 and 20/12)", "Police", "Two further missing episodes, both graded "
     "Medium. On 20/12 Child K was found at 0300hrs in a car with two adult men."],
    ["08/01/2015", "Missing Children Service", "Return interview offered by phone; declined."],
    ["29/04/2015", "MACE panel", "Child K added to the CSE monitoring list."],
    ["September 2015 (day not known)", "MACE panel",
     "MACE removed Child K from the CSE monitoring list: 'no episodes for 8 weeks'."],
    ["early October 2015 (3rd, 9th)", "Police", "Two more missing episodes, each returned "
     "within 12 hours."],
    ["w/e 31.10.15", "MACE panel", "Police asked MACE to put Child K back on the monitoring list."],
]


@pytest.mark.parametrize("text", [
    "Three missing reports over about six weeks.",
    "Two further missing episodes, both graded Medium.",
    "Missing person reports x3 this month",
])
def test_plural_reports_and_episodes_are_missing_reports(text):
    assert classify(text).kind == "missing_report"


@pytest.mark.parametrize(("text", "found"), [
    ("On 20/12 Child K was found at 0300hrs in a car", True),
    ("Each time Child K returned home within 24 hours", True),
    ("Two more missing episodes, each returned within 12 hours", True),
    ("Later that night she came home", True),
    ("Mother said she had not returned", False),
    ("Police searched the park", False),
])
def test_a_found_after_an_opening_phrase_is_found(text, found):
    report = pd.DataFrame({"id": ["e1"], "kind": ["missing_report"], "summary": [text],
                           "details": [""], "recipients": [""]})
    assert bool(find_facts(report)["fact"].eq("found").any()) is found


@pytest.mark.parametrize(("words", "end"), [
    ("returned home within 24 hours", "2015-03-13 22:11"),
    ("each returned within 12 hours", "2015-03-13 10:11"),
    ("back within a day", "2015-03-13 22:11"),
    ("within two days", "2015-03-14 22:11"),
])
def test_a_found_counted_from_the_report_lies_between_the_report_and_the_count(words, end):
    report = parse_when("12/03/2015", "22:10")
    when, said = found_when(words, report)
    assert said.startswith("within")
    assert (when.start, when.end.strftime("%Y-%m-%d %H:%M")) == (report.start, end)
    assert when.approximate and when.relative


@pytest.mark.parametrize(("text", "kind"), [
    ("MACE removed Child K from the CSE monitoring list", "case_closed"),
    ("Police asked MACE to put Child K back on the monitoring list", "case_opened"),
    ("Added to the MACE tracking list", "case_opened"),
])
def test_a_panel_monitoring_list_is_a_case_held(text, kind):
    assert classify(text).kind == kind


def test_summary_rows_give_an_episode_for_each_day_listed_with_their_returns(tmp_path):
    path = tmp_path / "appendix.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(ROWS)
    report = import_report([path])
    listed = [p for p in report.problems if p.reason is Reason.DAYS_LISTED]
    assert [(p.line, p.column) for p in listed] == [(3, "date"), (7, "date")]
    assert "06/12/2014, 20/12/2014" in listed[0].message
    case = report.case
    assert len(case.events) == 7 + 2 + 5   # every row, a report per further day, the founds
    ep = episodes(case)
    assert ep["start"].dt.tz_convert("Europe/London").dt.strftime("%d/%m/%Y").tolist() == [
        "01/03/2014", "06/12/2014", "20/12/2014", "03/10/2015", "09/10/2015"]
    # the 06/12 return is not written: it came before the next listed day
    assert ep["found_at"].dt.tz_convert("Europe/London").dt.strftime("%d/%m/%Y %H:%M").tolist() == [
        "01/03/2014 00:00", "06/12/2014 00:00", "20/12/2014 03:00", "03/10/2015 00:00",
        "09/10/2015 00:00"]
    assert ep["grade_first"].tolist()[1:3] == ["medium", "medium"]
    flags = find_flags(analyse(case))
    late = [f for f in flags if f.pattern == "return-interview-missing"]
    # no return interview for the spring episodes or 06/12; the 20/12 one offered 19 days late
    assert [f.events[0].source.rsplit(":", 1)[1] for f in late][:3] == ["2", "3", "3"]
    closed = [f for f in flags if f.pattern == "closed-while-active"]
    assert [f.events[0].source.rsplit(":", 1)[1] for f in closed] == ["6"]
