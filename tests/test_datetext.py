"""Dates as people read them, the same on every operating system.

Windows' C library refuses ``%-d`` (``ValueError: Invalid format string``); glibc
accepts it. The "windows_strftime" fixture makes pandas' ``Timestamp.strftime`` behave
as on Windows, so every place that writes a date for a person is run under it.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.casebuilder import events
from workbench.agencies import load_aliases
from workbench.analysis.analyse import analyse
from workbench.analysis.network import agency_graph
from workbench.apps._html import local_time, moment_text
from workbench.apps.network import NetworkApp
from workbench.case import case_from_events
from workbench.datetext import MONTHS, day_month_year, month_year
from workbench.timeline import timeline_figure
from workbench.views.network import network_figure

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def windows_strftime(monkeypatch):
    """``Timestamp.strftime`` as on Windows: a ``%-`` directive raises ValueError."""
    real = pd.Timestamp.strftime

    def strftime(self, fmt):
        if "%-" in fmt:
            raise ValueError("Invalid format string")
        return real(self, fmt)

    monkeypatch.setattr(pd.Timestamp, "strftime", strftime)
    with pytest.raises(ValueError, match="Invalid format string"):
        pd.Timestamp("2025-03-05").strftime("%-d %b %Y")
    return strftime


@pytest.fixture(scope="module")
def analysis():
    case = case_from_events(events(
        ("03/02/2025 09:30", "School", "referral", {"recipients": "Children's Social Care"}),
        ("05/02/2025 22:10", "Police", "missing_report", {"risk_grade": "medium"}),
        ("06/02/2025 09:00", "Police", "found"),
        ("07/02/2025 10:00", "Children's Social Care", "case_opened", {"refers_to": "e1"}),
    ), id="child-w", meta={"title": "Child W (fictional)"}, sources=("test.csv",),
        aliases=load_aliases())
    return analyse(case)


@pytest.mark.parametrize(("instant", "time", "expected"), [
    (pd.Timestamp("2025-03-05 09:07", tz="UTC"), False, "5 Mar 2025"),
    (pd.Timestamp("2025-03-05 09:07", tz="UTC"), True, "5 Mar 2025 09:07"),
    (pd.Timestamp("2025-07-01 23:30", tz="UTC"), True, "2 Jul 2025 00:30"),   # BST
    (pd.Timestamp("2025-12-31 23:59", tz="UTC"), True, "31 Dec 2025 23:59"),  # GMT
    (pd.Timestamp("2025-03-05 09:07"), True, "5 Mar 2025 09:07"),             # naive: UTC
    ("2024-02-29T12:00Z", False, "29 Feb 2024"),
    (None, True, ""), (pd.NaT, False, ""), (float("nan"), False, ""),
])
def test_day_month_year(instant, time, expected, windows_strftime):
    assert day_month_year(instant, time=time) == expected


def test_month_year_counts_in_uk_time(windows_strftime):
    assert month_year(pd.Timestamp("2025-03-31 23:30", tz="UTC")) == "Apr 2025"
    assert month_year(pd.Timestamp("2025-01-31 23:30", tz="UTC")) == "Jan 2025"
    assert month_year(None) == ""


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=pd.Timestamp("1990-01-01").to_pydatetime(),
                    max_value=pd.Timestamp("2040-01-01").to_pydatetime()))
@pytest.mark.skipif(sys.platform == "win32", reason="compares with glibc's %-d")
def test_the_same_text_glibc_wrote_with_dash_d(when):
    ts = pd.Timestamp(when, tz="UTC")
    local = ts.tz_convert("Europe/London")
    assert day_month_year(ts) == local.strftime("%-d %b %Y")
    assert day_month_year(ts, time=True) == local.strftime("%-d %b %Y %H:%M")
    assert month_year(ts) == local.strftime("%b %Y")


def test_month_names_are_the_english_abbreviations_whatever_the_locale():
    assert tuple(pd.Timestamp(2025, m, 1).strftime("%b") for m in range(1, 13)) == MONTHS


@pytest.mark.parametrize(("precision", "expected"), [
    ("minute", "5 Feb 2025 22:10"), ("day", "5 Feb 2025"), ("month", "Feb 2025"),
    ("year", "2025"), ("range", "early Feb 2025"), ("relative", "early Feb 2025")])
def test_dashboard_moments_under_windows(precision, expected, windows_strftime):
    start = pd.Timestamp("2025-02-05 22:10", tz="UTC")
    assert moment_text(start, precision, "early Feb 2025") == expected
    assert moment_text(start, "range", "") == "5 Feb 2025"
    assert local_time(start) == "5 Feb 2025 22:10"
    assert local_time(start, fmt="%d/%m/%Y") == "05/02/2025"


def test_network_window_words_under_windows(windows_strftime):
    words = NetworkApp._window_words(pd.Timestamp("2025-02-01", tz="Europe/London"),
                                     pd.Timestamp("2025-03-01", tz="Europe/London"))
    assert words == "from 1 Feb 2025 to 1 Mar 2025"
    assert NetworkApp._window_words(None, None) == "over the whole record"


def test_network_figure_title_under_windows(analysis, windows_strftime):
    G = agency_graph(analysis, start="2025-02-01T00:00", end="2025-03-01T00:00")
    title = network_figure(G).layout.title.text
    assert "1 Feb 2025 to 1 Mar 2025" in title, title


def test_timeline_as_known_at_under_windows(analysis, windows_strftime):
    fig = timeline_figure(analysis, at="2025-02-06T09:30")
    texts = [fig.layout.title.text or ""] + [str(a.text) for a in fig.layout.annotations]
    texts += [str(t.text) for t in fig.data if t.text is not None]
    assert any("6 Feb 2025 09:30" in t for t in texts), texts


def _platform_only_formats(tree: ast.AST):
    """String constants holding a ``%-`` directive (glibc only), docstrings aside."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docstrings and any(f"%-{c}" in node.value for c in "dmHIMSjy"):
            yield node.lineno, node.value


def test_no_platform_only_strftime_directives_in_the_package():
    found = [(str(path.relative_to(ROOT)), line, value)
             for path in sorted((ROOT / "workbench").rglob("*.py"))
             for line, value in _platform_only_formats(ast.parse(path.read_text("utf-8")))]
    assert found == []
