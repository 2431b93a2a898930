"""Rich display in notebooks: short, escaped summaries of a case, an analysis, a flag
and a review record."""

from __future__ import annotations

from html import escape as html_escape

import pytest

from tests.casebuilder import events
from workbench.agencies import load_aliases
from workbench.analysis.analyse import analyse
from workbench.analysis.rules import find_flags
from workbench.case import case_from_events
from workbench.html_summary import analysis_html, case_html, summary_table
from workbench.review_record import Action, Finding, ReviewRecord

EVIL = '<img src=x onerror="alert(1)">'


@pytest.fixture(scope="module")
def case():
    return case_from_events(events(
        ("03/02/2025 09:30", "School", "referral",
         {"recipients": "Children's Social Care", "summary": EVIL}),
        ("05/02/2025 22:10", "Police", "missing_report", {"risk_grade": "medium"}),
        ("06/02/2025 09:00", "Police", "found"),
        ("20/02/2025 23:00", "Police", "missing_report", {"risk_grade": "low"}),
        ("21/02/2025 14:00", "Police", "found"),
    ), id="child-v", meta={"title": f"Child V {EVIL}"}, sources=("test.csv",),
        aliases=load_aliases())


def test_a_summary_table_escapes_everything():
    out = summary_table(EVIL, [(EVIL, EVIL), ("none", None), ("list", ["a", "<b>"])])
    assert "<img" not in out and out.count("&lt;img src=x") == 3
    assert "<td style=\"text-align:left\">—</td>" in out and "a, &lt;b&gt;" in out


def test_a_case_shows_a_summary_not_its_events(case):
    out = case_html(case)
    assert "<caption>Case child-v</caption>" in out
    assert "<th style=\"text-align:left\">events</th><td style=\"text-align:left\">5</td>" in out
    assert "3 Feb 2025 to 21 Feb 2025" in out
    assert "Child V &lt;img" in out and "<img" not in out


def test_an_analysis_shows_episodes_and_handoffs(case):
    analysis = analyse(case)
    out = analysis_html(analysis)
    assert f"<td style=\"text-align:left\">{len(analysis.episodes)}</td>" in out
    assert "missing episodes" in out and "hand-offs by answer" in out
    assert analysis.protocol.name in out


def test_a_flag_and_a_record_have_their_own_html(case):
    flags = find_flags(analyse(case))
    assert flags, "the tiny case raises at least one flag"
    out = flags[0]._repr_html_()
    assert html_escape(f"Flag: {flags[0].title}") in out
    assert all(e.id in out for e in flags[0].events)
    record = ReviewRecord(case_id="child-v", findings=(
        Finding(case_id="child-v", title=f"Late referral {EVIL}"),),
        actions=(Action(case_id="child-v", text="Chase", owner="School", due="2025-06-30"),))
    html = record._repr_html_()
    assert "<caption>Review record of child-v</caption>" in html
    assert "Late referral &lt;img" in html and "<img" not in html
    assert "not-started: 1" in html


def test_a_case_shows_its_summary_in_a_notebook(case):
    assert case._repr_html_() == case_html(case)
