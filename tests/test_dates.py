"""Tests for :mod:`workbench.io.dates`: every written form, every error, clock changes,
and properties (the interval always contains what was written; precision never grows)."""

from __future__ import annotations

import datetime as dt
import pickle
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import workbench.io.dates as dates
from workbench.errors import Reason
from workbench.io.dates import PRECISION_RANK, DateError, Precision, When, parse_when, span

LONDON = ZoneInfo("Europe/London")
P = Precision


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def local(text: str) -> pd.Timestamp:
    """A Europe/London wall-clock time as a UTC instant (never ambiguous here)."""
    return pd.Timestamp(text).tz_localize("Europe/London").tz_convert("UTC")


def interval(w: When) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    return w.start, w.end


def test_public_api_is_curated():
    assert sorted(dates.__all__) == sorted(
        ["PRECISION_RANK", "DateError", "Precision", "When", "far_future", "parse_when", "span"])


def test_precision_rank_orders_fine_to_coarse():
    order = [P.MINUTE, P.DAY, P.MONTH, P.YEAR, P.RANGE, P.UNDATED]
    assert [PRECISION_RANK[p] for p in order] == [0, 1, 2, 3, 4, 5]


# --- absolute forms ---------------------------------------------------------------

DAY_0502 = ("2025-02-05", "2025-02-06")


@pytest.mark.parametrize(("text", "time", "start", "end", "precision"), [
    # day precision, UK day first
    ("05/02/2025", None, *DAY_0502, P.DAY),
    ("5/2/2025", None, *DAY_0502, P.DAY),
    ("05-02-2025", None, *DAY_0502, P.DAY),
    ("05.02.2025", None, *DAY_0502, P.DAY),
    ("05/02/25", None, *DAY_0502, P.DAY),
    ("05/02/75", None, "1975-02-05", "1975-02-06", P.DAY),
    ("05/02/69", None, "2069-02-05", "2069-02-06", P.DAY),
    ("2025-02-05", None, *DAY_0502, P.DAY),
    ("5 Feb 2025", None, *DAY_0502, P.DAY),
    ("5th February 2025", None, *DAY_0502, P.DAY),
    ("5th of February, 2025", None, *DAY_0502, P.DAY),
    ("Wed 5 Feb 2025", None, *DAY_0502, P.DAY),
    ("Wednesday, 5 Feb. 2025", None, *DAY_0502, P.DAY),
    ("Feb 5, 2025", None, *DAY_0502, P.DAY),
    ("  ' 05/02/2025 ' ", None, *DAY_0502, P.DAY),
    ("29/02/2024", None, "2024-02-29", "2024-03-01", P.DAY),
    # summer days run from local (BST) midnight
    ("22/05/2016", None, "2016-05-21 23:00", "2016-05-22 23:00", P.DAY),
    # month and year
    ("February 2025", None, "2025-02-01", "2025-03-01", P.MONTH),
    ("Feb 2025", None, "2025-02-01", "2025-03-01", P.MONTH),
    ("FEB 2025", None, "2025-02-01", "2025-03-01", P.MONTH),
    ("2014-03", None, "2014-03-01", "2014-03-31 23:00", P.MONTH),
    ("03/2014", None, "2014-03-01", "2014-03-31 23:00", P.MONTH),
    ("2014", None, "2014-01-01", "2015-01-01", P.YEAR),
    # minutes, time in the text
    ("2025-02-05T14:30", None, "2025-02-05 14:30", "2025-02-05 14:31", P.MINUTE),
    ("2025-02-05 14:30:00", None, "2025-02-05 14:30", "2025-02-05 14:31", P.MINUTE),
    ("2025-02-05 14:30:59", None, "2025-02-05 14:30", "2025-02-05 14:31", P.MINUTE),
    ("05/02/2025 14:30", None, "2025-02-05 14:30", "2025-02-05 14:31", P.MINUTE),
    ("5 Feb 2025 at 2.30pm", None, "2025-02-05 14:30", "2025-02-05 14:31", P.MINUTE),
    ("5 Feb 2025, noon", None, "2025-02-05 12:00", "2025-02-05 12:01", P.MINUTE),
    ("2025-06-05T14:30", None, "2025-06-05 13:30", "2025-06-05 13:31", P.MINUTE),
    # minutes, time in its own column
    ("05/02/2025", "14:30", "2025-02-05 14:30", "2025-02-05 14:31", P.MINUTE),
    ("05/02/2025", "14.30", "2025-02-05 14:30", "2025-02-05 14:31", P.MINUTE),
    ("05/02/2025", "1430", "2025-02-05 14:30", "2025-02-05 14:31", P.MINUTE),
    ("05/02/2025", "1430hrs", "2025-02-05 14:30", "2025-02-05 14:31", P.MINUTE),
    ("05/02/2025", "2.30pm", "2025-02-05 14:30", "2025-02-05 14:31", P.MINUTE),
    ("05/02/2025", "2:30 PM", "2025-02-05 14:30", "2025-02-05 14:31", P.MINUTE),
    ("05/02/2025", "2pm", "2025-02-05 14:00", "2025-02-05 14:01", P.MINUTE),
    ("05/02/2025", "12:15am", "2025-02-05 00:15", "2025-02-05 00:16", P.MINUTE),
    ("05/02/2025", "12.15pm", "2025-02-05 12:15", "2025-02-05 12:16", P.MINUTE),
    ("05/02/2025", "14:30:00", "2025-02-05 14:30", "2025-02-05 14:31", P.MINUTE),
    ("05/02/2025", "noon", "2025-02-05 12:00", "2025-02-05 12:01", P.MINUTE),
    ("05/02/2025", "Midday", "2025-02-05 12:00", "2025-02-05 12:01", P.MINUTE),
    ("05/02/2025", "midnight", "2025-02-05 00:00", "2025-02-05 00:01", P.MINUTE),
    ("5 Feb 2025", "09:05", "2025-02-05 09:05", "2025-02-05 09:06", P.MINUTE),
    ("05/06/2025", "14:30", "2025-06-05 13:30", "2025-06-05 13:31", P.MINUTE),
    ("05/02/2025", "", *DAY_0502, P.DAY),
    ("05/02/2025", "   ", *DAY_0502, P.DAY),
])
def test_absolute_forms(text, time, start, end, precision):
    w = parse_when(text, time)
    assert interval(w) == (utc(start), utc(end))
    assert (w.precision, w.approximate, w.relative, w.zoned, w.warnings) == (
        precision, False, False, False, ())
    assert str(w.start.tz) == "UTC" and str(w.end.tz) == "UTC"


@pytest.mark.parametrize(("text", "time", "expected"), [
    (" 05/02/2025 ", None, "05/02/2025"),
    ("05/02/2025", " 14:30 ", "05/02/2025 14:30"),
    ("5 Feb 2025 14:30", None, "5 Feb 2025 14:30"),
    ("2014 to 2016", None, "2014 to 2016"),
])
def test_text_is_kept_as_written(text, time, expected):
    assert parse_when(text, time).text == expected


def test_dayfirst_false_reads_month_first():
    w = parse_when("05/02/2025", dayfirst=False)
    assert interval(w) == (local("2025-05-02"), local("2025-05-03"))
    iso = parse_when("2025-02-05", dayfirst=False)
    assert interval(iso) == (utc("2025-02-05"), utc("2025-02-06"))
    with pytest.raises(DateError) as info:
        parse_when("13/02/2025", dayfirst=False)
    assert info.value.reason is Reason.IMPOSSIBLE_DATE and "month first" in info.value.message


def test_other_zone():
    w = parse_when("05/02/2025", "14:30", tz="America/New_York")
    assert interval(w) == (utc("2025-02-05 19:30"), utc("2025-02-05 19:31"))
    assert parse_when("2025", tz="UTC").start == utc("2025-01-01")


# --- approximate, parts of years, ranges -------------------------------------------

@pytest.mark.parametrize(("text", "start", "end", "precision"), [
    ("c.2016", "2015-01-01", "2018-01-01", P.YEAR),
    ("c. 2016", "2015-01-01", "2018-01-01", P.YEAR),
    ("C 2016", "2015-01-01", "2018-01-01", P.YEAR),
    ("circa 2016", "2015-01-01", "2018-01-01", P.YEAR),
    ("ca. 2016", "2015-01-01", "2018-01-01", P.YEAR),
    ("about 2015", "2014-01-01", "2017-01-01", P.YEAR),
    ("?22 May 2016", "2016-05-20 23:00", "2016-05-23 23:00", P.DAY),
    ("22 May 2016?", "2016-05-20 23:00", "2016-05-23 23:00", P.DAY),
    ("?22/05/2016", "2016-05-20 23:00", "2016-05-23 23:00", P.DAY),
    ("approx. March 2014", "2014-02-01", "2014-04-30 23:00", P.MONTH),
    ("around May 2015", "2015-03-31 23:00", "2015-06-30 23:00", P.MONTH),
    ("approximately Jan 2015", "2014-12-01", "2015-03-01", P.MONTH),
    ("about mid 2015", "2015-03-31 23:00", "2015-09-30 23:00", P.RANGE),
])
def test_approximate(text, start, end, precision):
    w = parse_when(text)
    assert interval(w) == (utc(start), utc(end))
    assert (w.precision, w.approximate) == (precision, True)


@pytest.mark.parametrize(("text", "start", "end"), [
    ("early 2015", "2015-01-01", "2015-04-30 23:00"),
    ("mid 2015", "2015-04-30 23:00", "2015-08-31 23:00"),
    ("mid-2015", "2015-04-30 23:00", "2015-08-31 23:00"),
    ("late 2015", "2015-08-31 23:00", "2016-01-01"),
    ("spring 2015", "2015-03-01", "2015-05-31 23:00"),
    ("summer 2015", "2015-05-31 23:00", "2015-08-31 23:00"),
    ("autumn 2015", "2015-08-31 23:00", "2015-12-01"),
    ("winter 2015", "2015-12-01", "2016-03-01"),
    ("early March 2015", "2015-03-01", "2015-03-11"),
    ("mid-March 2015", "2015-03-11", "2015-03-21"),
    ("late Feb 2024", "2024-02-21", "2024-03-01"),
    # ranges
    ("2014 to 2016", "2014-01-01", "2017-01-01"),
    ("2014-2016", "2014-01-01", "2017-01-01"),
    ("2014\u20132016", "2014-01-01", "2017-01-01"),
    ("2014 \u2013 2016", "2014-01-01", "2017-01-01"),
    ("from 2014 until 2016", "2014-01-01", "2017-01-01"),
    ("March to May 2015", "2015-03-01", "2015-05-31 23:00"),
    ("March 2015 - June 2015", "2015-03-01", "2015-06-30 23:00"),
    ("05/02/2025 to 07/02/2025", "2025-02-05", "2025-02-08"),
    ("between 3 and 5 May 2015", "2015-05-02 23:00", "2015-05-05 23:00"),
    ("3rd to 5th Feb 2015", "2015-02-03", "2015-02-06"),
    ("c.2014 to 2016", "2013-01-01", "2017-01-01"),
    ("05/02/2025 10:00 to 05/02/2025 11:15", "2025-02-05 10:00", "2025-02-05 11:16"),
])
def test_parts_of_years_and_ranges(text, start, end):
    w = parse_when(text)
    assert interval(w) == (utc(start), utc(end))
    assert w.precision is P.RANGE
    assert w.approximate == text.startswith("c.")


def test_range_of_one_interval_keeps_its_precision():
    assert parse_when("2014 to 2014").precision is P.YEAR


# --- times and clock changes ----------------------------------------------------------

def test_clock_change_days_are_23_and_25_hours():
    spring, autumn = parse_when("30/03/2025"), parse_when("26/10/2025")
    assert spring.end - spring.start == pd.Timedelta(hours=23)
    assert autumn.end - autumn.start == pd.Timedelta(hours=25)
    assert interval(spring) == (utc("2025-03-30 00:00"), utc("2025-03-30 23:00"))


@pytest.mark.parametrize(("text", "time"), [
    ("30/03/2025", "01:30"), ("2025-03-30 01:30", None), ("30 March 2025", "1.00am"),
    ("2025-03-30T01:59", None),
])
def test_spring_gap_is_an_error_naming_the_gap(text, time):
    with pytest.raises(DateError) as info:
        parse_when(text, time)
    assert info.value.reason is Reason.NONEXISTENT_TIME
    assert "30/03/2025" in info.value.message and "from 01:00 to 02:00" in info.value.message


@pytest.mark.parametrize(("time", "start"), [
    ("00:59", "2025-03-30 00:59"), ("02:00", "2025-03-30 01:00"),
])
def test_either_side_of_the_spring_gap(time, start):
    w = parse_when("30/03/2025", time)
    assert interval(w) == (utc(start), utc(start) + pd.Timedelta(minutes=1)) and not w.warnings


@pytest.mark.parametrize(("text", "time"), [("26/10/2025", "01:30"), ("2025-10-26 01:30", None)])
def test_autumn_overlap_covers_both_readings(text, time):
    w = parse_when(text, time)
    assert interval(w) == (utc("2025-10-26 00:30"), utc("2025-10-26 01:31"))
    assert w.precision is P.MINUTE
    [(reason, message)] = w.warnings
    assert reason is Reason.AMBIGUOUS_TIME and "00:30" in message and "01:30 UTC" in message


@pytest.mark.parametrize(("text", "time", "start"), [
    ("2025-02-05T14:30Z", None, "2025-02-05 14:30"),
    ("2025-06-05T14:30:00Z", None, "2025-06-05 14:30"),
    ("2025-06-05T14:30:00.000+01:00", None, "2025-06-05 13:30"),
    ("2025-06-05 14:30 +0100", None, "2025-06-05 13:30"),
    ("2025-06-05T14:30-05:00", None, "2025-06-05 19:30"),
    ("05/06/2025", "14:30 UTC", "2025-06-05 14:30"),
    ("05/06/2025", "14:30+01", "2025-06-05 13:30"),
    ("30/03/2025", "01:30Z", "2025-03-30 01:30"),  # zoned: no gap in UTC
])
def test_zoned_times_convert_to_utc(text, time, start):
    w = parse_when(text, time)
    assert interval(w) == (utc(start), utc(start) + pd.Timedelta(minutes=1))
    assert (w.zoned, w.precision, w.warnings) == (True, P.MINUTE, ())


# --- Excel serials and undated -------------------------------------------------------------

@pytest.mark.parametrize(("text", "start", "end", "precision", "shown"), [
    ("45693", "2025-02-05", "2025-02-06", P.DAY, "05/02/2025"),
    ("45693.0", "2025-02-05", "2025-02-06", P.DAY, "05/02/2025"),
    ("45693.604166667", "2025-02-05 14:30", "2025-02-05 14:31", P.MINUTE, "05/02/2025 14:30"),
    ("20000", "1954-10-03", "1954-10-04", P.DAY, "03/10/1954"),
])
def test_excel_serials_are_read_with_a_warning(text, start, end, precision, shown):
    w = parse_when(text)
    assert interval(w) == (local(start), local(end))
    assert w.precision is precision
    assert w.warnings == ((Reason.EXCEL_SERIAL_DATE, f"read Excel serial {text} as {shown}"),)


@pytest.mark.parametrize("text", [
    "", "   ", "undated", "Undated (primary years)", "not known", "unknown", "N/K", "nk",
    "date unknown", "'undated'",
])
def test_undated(text):
    w = parse_when(text)
    assert (w.start, w.end, w.precision, w.dated) == (None, None, P.UNDATED, False)
    assert not w.contains(utc("2025-01-01"))


# --- errors --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "time", "reason", "fragment"), [
    ("31/02/2025", None, Reason.IMPOSSIBLE_DATE,
     "'31/02/2025' is not a date: February 2025 has 28 days"),
    ("30 February 2025", None, Reason.IMPOSSIBLE_DATE, "February 2025 has 28 days"),
    ("29/02/2023", None, Reason.IMPOSSIBLE_DATE, "February 2023 has 28 days"),
    ("31 April 2020", None, Reason.IMPOSSIBLE_DATE, "April 2020 has 30 days"),
    ("05/13/2025", None, Reason.IMPOSSIBLE_DATE, "there is no month 13"),
    ("2025-13", None, Reason.IMPOSSIBLE_DATE, "there is no month 13"),
    ("00/01/2025", None, Reason.IMPOSSIBLE_DATE, "there is no day 0"),
    ("Thu 5 Feb 2025", None, Reason.IMPOSSIBLE_DATE, "was a Wednesday, not a Thursday"),
    ("hello", None, Reason.UNPARSEABLE_DATE, "05/02/2025"),
    ("123", None, Reason.UNPARSEABLE_DATE, "Excel serial"),
    ("1430", None, Reason.UNPARSEABLE_DATE, "a year (1800-2199)"),
    ("99999", None, Reason.UNPARSEABLE_DATE, "Excel serial"),
    ("2025.5", None, Reason.UNPARSEABLE_DATE, "is not a date"),
    ("05/02/2025", "25:00", Reason.UNPARSEABLE_TIME, "hours run 00-23"),
    ("05/02/2025", "14:60", Reason.UNPARSEABLE_TIME, "minutes 00-59"),
    ("05/02/2025", "13pm", Reason.UNPARSEABLE_TIME, "am/pm hours run 1-12"),
    ("05/02/2025", "14", Reason.UNPARSEABLE_TIME, "write 14:30"),
    ("05/02/2025", "teatime", Reason.UNPARSEABLE_TIME, "write 14:30"),
    ("05/02/2025", "14:30+15:00", Reason.UNPARSEABLE_TIME, "UTC offsets"),
    ("Feb 2025", "14:30", Reason.UNPARSEABLE_TIME, "one exact day"),
    ("2014", "14:30", Reason.UNPARSEABLE_TIME, "one exact day"),
    ("?22 May 2016", "14:30", Reason.UNPARSEABLE_TIME, "approximate"),
    ("undated", "14:30", Reason.UNPARSEABLE_TIME, "one exact day"),
    ("2014 to 2016", "14:30", Reason.UNPARSEABLE_TIME, "one exact day"),
    ("45693.5", "14:30", Reason.UNPARSEABLE_TIME, "one exact day"),
    ("05/02/2025 14:30", "14:30", Reason.UNPARSEABLE_TIME, "gives a time twice"),
    ("2016 to 2014", None, Reason.END_BEFORE_START, "ends before it starts"),
    ("07/02/2025 - 05/02/2025", None, Reason.END_BEFORE_START, "ends before it starts"),
    ("the next day", None, Reason.UNRESOLVED_RELATIVE_DATE, "no row before it is dated"),
    ("two days later", None, Reason.UNRESOLVED_RELATIVE_DATE, "no row before it is dated"),
    ("age 13", None, Reason.UNRESOLVED_RELATIVE_DATE,
     "'age 13' needs the child's birth month in the case file (child.born)"),
])
def test_errors_carry_a_reason_and_say_why(text, time, reason, fragment):
    with pytest.raises(DateError) as info:
        parse_when(text, time)
    assert info.value.reason is reason
    assert fragment in info.value.message and str(info.value) == info.value.message
    assert isinstance(info.value, ValueError)


def test_errors_are_fresh_each_time_and_picklable():
    errors = []
    for _ in range(2):
        with pytest.raises(DateError) as info:
            parse_when("31/02/2025")
        errors.append(info.value)
    assert errors[0] is not errors[1]
    copy = pickle.loads(pickle.dumps(errors[0]))
    assert (copy.reason, copy.message) == (errors[0].reason, errors[0].message)


def test_relative_without_a_dated_anchor():
    with pytest.raises(DateError) as info:
        parse_when("the next day", anchor=parse_when("undated"))
    assert info.value.reason is Reason.UNRESOLVED_RELATIVE_DATE
    with pytest.raises(DateError) as info:
        parse_when("age 13", born=parse_when("not known"))
    assert info.value.reason is Reason.UNRESOLVED_RELATIVE_DATE


# --- relative phrases and ages ------------------------------------------------------------------

AT_0502_1430 = parse_when("05/02/2025", "14:30")  # a Wednesday


@pytest.mark.parametrize(("text", "start", "end", "precision"), [
    ("same day", "2025-02-05", "2025-02-06", P.DAY),
    ("the same day", "2025-02-05", "2025-02-06", P.DAY),
    ("later that day", "2025-02-05", "2025-02-06", P.DAY),
    ("That evening", "2025-02-05", "2025-02-06", P.DAY),
    ("that night", "2025-02-05", "2025-02-06", P.DAY),
    ("next day", "2025-02-06", "2025-02-07", P.DAY),
    ("the next day", "2025-02-06", "2025-02-07", P.DAY),
    ("the following day", "2025-02-06", "2025-02-07", P.DAY),
    ("the day after", "2025-02-06", "2025-02-07", P.DAY),
    ("3 days later", "2025-02-08", "2025-02-09", P.DAY),
    ("two days later", "2025-02-07", "2025-02-08", P.DAY),
    ("twenty days later", "2025-02-25", "2025-02-26", P.DAY),
    ("a week later", "2025-02-12", "2025-02-13", P.DAY),
    ("2 weeks later", "2025-02-19", "2025-02-20", P.DAY),
    ("the following week", "2025-02-10", "2025-02-17", P.RANGE),
    ("a month later", "2025-03-01", "2025-03-31 23:00", P.MONTH),
    ("3 months later", "2025-04-30 23:00", "2025-05-31 23:00", P.MONTH),
    ("a few days later", "2025-02-06", "2025-02-13", P.RANGE),
])
def test_relative_phrases_count_from_the_anchor(text, start, end, precision):
    w = parse_when(text, anchor=AT_0502_1430)
    assert interval(w) == (utc(start), utc(end))
    assert (w.precision, w.relative, w.approximate, w.text) == (precision, True, False, text)


@pytest.mark.parametrize(("anchor", "text", "start", "end", "precision"), [
    ("March 2015", "the next day", "2015-03-02", "2015-04-01 23:00", P.MONTH),
    ("2015", "a month later", "2015-02-01", "2016-02-01", P.YEAR),
    ("early 2015", "the same day", "2015-01-01", "2015-04-30 23:00", P.RANGE),
    ("?22/05/2016", "the next day", "2016-05-21 23:00", "2016-05-24 23:00", P.DAY),
    ("Sun 9 Feb 2025", "the following week", "2025-02-10", "2025-02-17", P.RANGE),
    ("Mon 10 Feb 2025", "the following week", "2025-02-17", "2025-02-24", P.RANGE),
])
def test_relative_is_never_narrower_than_its_anchor(anchor, text, start, end, precision):
    base = parse_when(anchor)
    w = parse_when(text, anchor=base)
    assert interval(w) == (utc(start), utc(end))
    assert (w.precision, w.approximate) == (precision, base.approximate)


def test_relative_day_can_take_a_time():
    w = parse_when("the next day", "10:00", anchor=AT_0502_1430)
    assert interval(w) == (utc("2025-02-06 10:00"), utc("2025-02-06 10:01"))
    assert (w.precision, w.relative, w.text) == (P.MINUTE, True, "the next day 10:00")


def test_an_anchor_does_not_change_absolute_dates():
    assert parse_when("05/02/2025", anchor=parse_when("2010")) == parse_when("05/02/2025")


@pytest.mark.parametrize("text", [
    "age 13", "aged 13", "at 13", "when 13", "age 13 years", "Aged 13 years old", "13 years old",
    "at age thirteen",
])
def test_ages_count_from_the_birth_month(text):
    w = parse_when(text, born=parse_when("March 2002"))
    assert interval(w) == (utc("2015-03-01"), utc("2016-03-30 23:00"))
    assert (w.precision, w.relative) == (P.RANGE, True)


@pytest.mark.parametrize(("born", "start", "end", "precision"), [
    ("2002", "2015-01-01", "2016-12-31", P.RANGE),
    ("14/03/2002", "2015-03-14", "2016-03-14", P.YEAR),
    ("29/02/2004", "2017-02-28", "2018-03-01", P.YEAR),
])
def test_age_interval_depends_on_what_is_known_of_birth(born, start, end, precision):
    w = parse_when("age 13", born=parse_when(born))
    assert interval(w) == (utc(start), utc(end)) and w.precision is precision


# --- span, When ------------------------------------------------------------------------

def test_span_of_start_and_end_columns():
    first, last = parse_when("05/02/2025", "14:30"), parse_when("07/02/2025")
    w = span(first, last)
    assert interval(w) == (utc("2025-02-05 14:30"), utc("2025-02-08"))
    assert (w.precision, w.text) == (P.RANGE, "05/02/2025 14:30 to 07/02/2025")


def test_span_flags_and_warnings_combine():
    w = span(parse_when("c.2014"), parse_when("45693"))
    assert w.approximate and w.warnings[0][0] is Reason.EXCEL_SERIAL_DATE


def test_span_of_one_interval_is_that_interval():
    day = parse_when("05/02/2025")
    w = span(day, parse_when("5 Feb 2025"))
    assert (interval(w), w.precision) == (interval(day), P.DAY)


def test_span_with_undated_ends():
    day = parse_when("05/02/2025")
    assert span(day, parse_when("")) == day
    assert span(parse_when("undated"), day).precision is P.UNDATED


def test_span_end_before_start():
    with pytest.raises(DateError) as info:
        span(parse_when("2016"), parse_when("2015"))
    assert info.value.reason is Reason.END_BEFORE_START
    # touching at one instant is still "before": the last interval ends as the first starts
    with pytest.raises(DateError):
        span(parse_when("06/02/2025"), parse_when("05/02/2025"))
    # overlapping is fine: the period can only run from 2015 to the end of March 2015
    w = span(parse_when("2015"), parse_when("March 2015"))
    assert interval(w) == (utc("2015-01-01"), utc("2015-03-31 23:00"))


def test_when_is_a_frozen_validated_value():
    w = parse_when("05/02/2025")
    with pytest.raises(AttributeError):
        w.text = "x"  # type: ignore[misc]
    assert hash(w) == hash(parse_when("05/02/2025"))
    assert w.contains(utc("2025-02-05")) and not w.contains(utc("2025-02-06"))
    with pytest.raises(ValueError, match="no timezone"):
        w.contains(pd.Timestamp("2025-02-05 12:00"))
    with pytest.raises(ValueError, match="must start before it ends"):
        When("x", utc("2025-02-06"), utc("2025-02-05"), P.DAY)
    with pytest.raises(ValueError, match="exactly when it is dated"):
        When("x", None, None, P.DAY)


# --- properties ------------------------------------------------------------------------------

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _ordinal(d: int) -> str:
    return f"{d}{'th' if 10 <= d % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(d % 10, 'th')}"


def _written(moment: dt.datetime, precision: Precision, style: int) -> tuple[str, str | None]:
    """``moment`` (Europe/London wall clock) written at ``precision`` in one of several styles."""
    d, m, y, mon = moment.day, moment.month, moment.year, _MONTHS[moment.month - 1]
    if precision is P.MINUTE:
        h12 = f"{moment.hour % 12 or 12}.{moment.minute:02d}{'am' if moment.hour < 12 else 'pm'}"
        return [(f"{moment:%d/%m/%Y}", f"{moment:%H:%M}"), (f"{moment:%Y-%m-%dT%H:%M}", None),
                (f"{d} {mon[:3]} {y}", h12), (f"{moment:%d/%m/%Y %H:%M}", None),
                (f"{moment:%d.%m.%Y}", f"{moment:%H%M}"),
                (f"{moment:%Y-%m-%d %H:%M:%S}", None)][style % 6]
    if precision is P.DAY:
        serial = (moment.date() - dt.date(1899, 12, 30)).days
        styles = [f"{moment:%d/%m/%Y}", f"{d}/{m}/{y % 100:02d}", f"{moment:%Y-%m-%d}",
                  f"{d} {mon} {y}", f"{_ordinal(d)} {mon[:3]} {y}",
                  f"{_WEEKDAYS[moment.weekday()]} {d} {mon[:3]} {y}", f"{mon[:3]} {d}, {y}",
                  f"{moment:%d.%m.%Y}", f"{moment:%d-%m-%Y}", str(serial)]
        return styles[style % len(styles)], None
    if precision is P.MONTH:
        return [f"{mon} {y}", f"{mon[:3]} {y}", f"{y}-{m:02d}", f"{m:02d}/{y}"][style % 4], None
    return str(y), None


def _true_interval(moment: dt.datetime, precision: Precision) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The interval the written value names, computed independently with pandas."""
    if precision is P.MINUTE:
        lo = pd.Timestamp(moment.astimezone(dt.UTC)).floor("min")
        return lo, lo + pd.Timedelta(minutes=1)
    wall = pd.Timestamp(moment.replace(tzinfo=None))
    lo = {P.DAY: wall.normalize(), P.MONTH: wall.normalize().replace(day=1),
          P.YEAR: wall.normalize().replace(month=1, day=1)}[precision]
    hi = {P.DAY: lo + pd.DateOffset(days=1), P.MONTH: lo + pd.DateOffset(months=1),
          P.YEAR: lo + pd.DateOffset(years=1)}[precision]
    return (lo.tz_localize("Europe/London").tz_convert("UTC"),
            hi.tz_localize("Europe/London").tz_convert("UTC"))


instants = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2035, 12, 31),
                        timezones=st.just(dt.UTC))
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                "seventeen", "eighteen", "nineteen", "twenty"]
MARKERS = ["c.", "c. ", "circa ", "?", "about ", "approx. ", "around ", "SUFFIX?"]


def _mark(text: str, marker: str) -> str:
    return f"{text}?" if marker == "SUFFIX?" else f"{marker}{text}"


@settings(deadline=None, max_examples=400)
@given(instants, st.sampled_from([P.MINUTE, P.DAY, P.MONTH, P.YEAR]), st.integers(0, 59),
       st.sampled_from([None, *MARKERS]))
def test_parsed_interval_contains_what_was_written(instant, precision, style, marker):
    moment = instant.astimezone(LONDON)  # a real instant, so its wall clock exists
    text, time = _written(moment, precision, style)
    if precision is P.MINUTE:
        marker = None  # an approximate day cannot carry a time (see test_errors…)
    w = parse_when(_mark(text, marker) if marker else text, time)
    lo, hi = _true_interval(moment, precision)
    assert w.start <= lo and hi <= w.end
    assert w.contains(instant)
    assert PRECISION_RANK[w.precision] >= PRECISION_RANK[precision]
    assert w.approximate == (marker is not None)
    if marker:
        plain = parse_when(text, time)
        assert w.start <= plain.start and plain.end <= w.end
        assert w.end - w.start > plain.end - plain.start


@settings(deadline=None, max_examples=200)
@given(instants, st.sampled_from(["early/mid/late", "season", "early/mid/late month"]))
def test_parts_of_a_year_contain_the_moment(instant, kind):
    moment = instant.astimezone(LONDON)
    y, m, d = moment.year, moment.month, moment.day
    if kind == "early/mid/late":
        text = f"{['early', 'mid', 'late'][(m - 1) // 4]} {y}"
    elif kind == "season":
        season = ["winter", "spring", "summer", "autumn"][m % 12 // 3]
        text = f"{season} {y - 1 if m < 3 else y}"
    else:
        text = f"{['early', 'mid', 'late'][min((d - 1) // 10, 2)]} {_MONTHS[m - 1]} {y}"
    w = parse_when(text)
    assert w.contains(instant) and w.precision is P.RANGE


@settings(deadline=None, max_examples=200)
@given(instants, st.integers(0, 20), st.booleans())
def test_days_later_contains_the_shifted_day(instant, k, words):
    anchor_day = instant.astimezone(LONDON).date()
    anchor = parse_when(f"{anchor_day:%d/%m/%Y}")
    number = NUMBER_WORDS[k] if words else k
    w = parse_when(f"{number} days later", anchor=anchor)
    target = anchor_day + dt.timedelta(days=k)
    assert interval(w) == interval(parse_when(f"{target:%d/%m/%Y}"))
    assert w.relative and w.precision is P.DAY


@settings(deadline=None, max_examples=200)
@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2035, 12, 31)))
def test_any_local_minute_is_read_or_refused_as_nonexistent(wall):
    """Arbitrary wall-clock minutes, including ones the clocks skip or repeat."""
    wall = wall.replace(second=0, microsecond=0)
    try:
        w = parse_when(f"{wall:%d/%m/%Y}", f"{wall:%H:%M}")
    except DateError as error:  # a refusal is an outcome too: say it is the right one
        assert error.reason is Reason.NONEXISTENT_TIME  # noqa: PT017
        round_trip = wall.replace(tzinfo=LONDON).astimezone(dt.UTC).astimezone(LONDON)
        assert round_trip.replace(tzinfo=None) != wall  # the clocks really skipped it
        assume(False)
    readings = {wall.replace(tzinfo=LONDON, fold=f).astimezone(dt.UTC) for f in (0, 1)}
    assert all(w.contains(r) for r in readings)
    assert bool(w.warnings) == (len(readings) == 2)


# --- dates as real chronologies write them ------------------------------------------------

@pytest.mark.parametrize(("text", "time", "start", "end", "precision", "note"), [
    # notes in brackets or around the date
    ("June 2024 (day not known)", None, "2024-05-31 23:00", "2024-06-30 23:00", P.MONTH,
     "day not known"),
    ("05/02/2025 [see police log]", None, *DAY_0502, P.DAY, "see police log"),
    ("Undated (primary years)", None, None, None, P.UNDATED, "primary years"),
    ("early hours of 5 Feb 2025", None, *DAY_0502, P.DAY, "early hours"),
    ("Reported 05/02/2025 by mother", None, *DAY_0502, P.DAY, "Reported by mother"),
    # weeks
    ("w/c 3 Feb 2025", None, "2025-02-03", "2025-02-10", P.RANGE, ""),
    ("W/C 03/02/25", None, "2025-02-03", "2025-02-10", P.RANGE, ""),
    ("w.c. 3.2.25", None, "2025-02-03", "2025-02-10", P.RANGE, ""),
    ("week commencing 3rd February 2025", None, "2025-02-03", "2025-02-10", P.RANGE, ""),
    ("w/e 9 Feb 2025", None, "2025-02-03", "2025-02-10", P.RANGE, ""),
    # unknown day or month
    ("??/06/2024", None, "2024-05-31 23:00", "2024-06-30 23:00", P.MONTH, ""),
    ("?/06/2024", None, "2024-05-31 23:00", "2024-06-30 23:00", P.MONTH, ""),
    ("xx/06/2024", None, "2024-05-31 23:00", "2024-06-30 23:00", P.MONTH, ""),
    ("?? June 2024", None, "2024-05-31 23:00", "2024-06-30 23:00", P.MONTH, ""),
    ("??/??/2024", None, "2024-01-01", "2025-01-01", P.YEAR, ""),
    ("05/??/2024", None, "2024-01-01", "2025-01-01", P.YEAR, ""),
    ("2024-06-??", None, "2024-05-31 23:00", "2024-06-30 23:00", P.MONTH, ""),
    # other day forms
    ("05-Feb-2025", None, *DAY_0502, P.DAY, ""),
    ("05-Feb-25", None, *DAY_0502, P.DAY, ""),
    ("5/Feb/2025", None, *DAY_0502, P.DAY, ""),
    ("5th Feb 2025", None, *DAY_0502, P.DAY, ""),
    ("12.3.25", None, "2025-03-12", "2025-03-13", P.DAY, ""),
    ("05 / 02 / 2025", None, *DAY_0502, P.DAY, ""),
    # school terms and parts of years in words
    ("Spring 2015", None, "2015-03-01", "2015-05-31 23:00", P.RANGE, ""),
    ("spring term 2015", None, "2015-01-01", "2015-04-30 23:00", P.RANGE, ""),
    ("autumn term 2014", None, "2014-08-31 23:00", "2015-01-01", P.RANGE, ""),
    ("end of 2014", None, "2014-08-31 23:00", "2015-01-01", P.RANGE, ""),
    ("the beginning of March 2015", None, "2015-03-01", "2015-03-11", P.RANGE, ""),
    # split years, said which
    ("financial year 2014/15", None, "2014-03-31 23:00", "2015-03-31 23:00", P.RANGE, ""),
    ("school year 2014/15", None, "2014-08-31 23:00", "2015-08-31 23:00", P.RANGE, ""),
    # no date
    ("no date recorded", None, None, None, P.UNDATED, ""),
    ("Date not recorded", None, None, None, P.UNDATED, ""),
    ("?", None, None, None, P.UNDATED, ""),
    ("-", None, None, None, P.UNDATED, ""),
    # times
    ("05/02/2025", "1530hrs", "2025-02-05 15:30", "2025-02-05 15:31", P.MINUTE, ""),
    ("05/02/2025", "3.30pm", "2025-02-05 15:30", "2025-02-05 15:31", P.MINUTE, ""),
    ("5 Feb 2025 1530hrs", None, "2025-02-05 15:30", "2025-02-05 15:31", P.MINUTE, ""),
    # a police export's date and bare 24-hour time in one cell
    ("21/09/2024 2340", None, "2024-09-21 22:40", "2024-09-21 22:41", P.MINUTE, ""),
    ("05-Feb-2025 0930", None, "2025-02-05 09:30", "2025-02-05 09:31", P.MINUTE, ""),
    ("05/02/2025 2460", None, *DAY_0502, P.DAY, "2460"),  # no such time: kept as a note
    ("05/02/2025", "14:00-15:30", "2025-02-05 14:00", "2025-02-05 15:31", P.RANGE, ""),
    ("05/02/2025", "23:00 - 01:00", "2025-02-05 23:00", "2025-02-06 01:01", P.RANGE, ""),
    ("05/02/2025", "unknown", *DAY_0502, P.DAY, ""),
    ("05/02/2025", "N/K", *DAY_0502, P.DAY, ""),
])
def test_real_forms(text, time, start, end, precision, note):
    w = parse_when(text, time)
    assert interval(w) == ((utc(start), utc(end)) if start else (None, None))
    assert (w.precision, w.note, w.approximate) == (precision, note, False)


@pytest.mark.parametrize(("text", "time", "start", "end", "precision"), [
    ("05/02/2025 (approx)", None, "2025-02-04", "2025-02-07", P.DAY),
    ("June 2024 (estimated)", None, "2024-04-30 23:00", "2024-07-31 23:00", P.MONTH),
    ("05/02/2025", "approx 2am", "2025-02-05 01:00", "2025-02-05 03:01", P.MINUTE),
    ("05/02/2025", "about 14:30", "2025-02-05 13:30", "2025-02-05 15:31", P.MINUTE),
    ("05/02/2025", "0200?", "2025-02-05 01:00", "2025-02-05 03:01", P.MINUTE),
    ("05/02/2025 (time approx)", "02:00", "2025-02-05 01:00", "2025-02-05 03:01", P.MINUTE),
])
def test_approximate_notes_and_times_widen(text, time, start, end, precision):
    w = parse_when(text, time)
    assert interval(w) == (utc(start), utc(end))
    assert (w.precision, w.approximate) == (precision, True)


def test_words_dropped_from_the_date_are_a_located_note():
    w = parse_when("early hours of 5 Feb 2025")
    [(reason, message)] = w.warnings
    assert reason is Reason.DATE_NOTE
    assert "read 'of 5 feb 2025' as the date" in message and "'early hours'" in message
    assert parse_when("June 2024 (day not known)").warnings == ()  # a bracket says it is a note


@pytest.mark.parametrize(("text", "start", "end", "reads"), [
    ("2014/15", "2014-03-31 23:00", "2015-08-31 23:00", "April 2014 to August 2015"),
    ("2014-15", "2014-03-31 23:00", "2015-08-31 23:00", "April 2014 to August 2015"),
    ("2014/2015", "2014-03-31 23:00", "2015-08-31 23:00", "April 2014 to August 2015"),
])
def test_a_split_year_holds_both_readings_and_says_so(text, start, end, reads):
    w = parse_when(text)
    assert interval(w) == (utc(start), utc(end)) and w.precision is P.RANGE
    [(reason, message)] = w.warnings
    assert reason is Reason.SPLIT_YEAR
    assert "financial year" in message and "school year" in message and reads in message


def test_iso_months_are_not_split_years():
    assert parse_when("2014-12").precision is P.MONTH
    assert parse_when("2014/03").precision is P.MONTH


@pytest.mark.parametrize(("text", "start", "end", "open_side"), [
    ("before 2012", "1994-01-01", "2012-01-01", "start"),
    ("prior to March 2012", "1994-03-01", "2012-03-01", "start"),
    ("pre-2012", "1994-01-01", "2012-01-01", "start"),
    ("by 2016", "1999-01-01", "2017-01-01", "start"),
    ("until June 2016", "1998-06-30 23:00", "2016-06-30 23:00", "start"),
    ("2016 or earlier", "1999-01-01", "2017-01-01", "start"),
    ("after June 2016", "2016-06-30 23:00", "2034-06-30 23:00", "end"),
    ("since 2015", "2015-01-01", "2033-01-01", "end"),
    ("2015 onwards", "2015-01-01", "2033-01-01", "end"),
    ("from March 2015", "2015-03-01", "2033-03-01", "end"),
    ("hello to 2016", "1999-01-01", "2017-01-01", "start"),  # the end of a range is written
    ("2016 to hello", "2016-01-01", "2034-01-01", "end"),  # the start of a range is written
])
def test_open_ended_dates_are_closed_eighteen_years_away(text, start, end, open_side):
    w = parse_when(text)
    assert interval(w) == (utc(start), utc(end))
    assert (w.precision, w.open_side) == (P.RANGE, open_side)
    assert Reason.OPEN_ENDED_DATE in [r for r, _ in w.warnings]


def test_an_open_start_is_closed_at_the_childs_birth():
    w = parse_when("before 2012", born=parse_when("March 2002"))
    assert interval(w) == (utc("2002-03-01"), utc("2012-01-01"))
    [(reason, message)] = w.warnings
    assert reason is Reason.OPEN_ENDED_DATE
    assert message == ("'before 2012' gives no start: read as from 01/03/2002 to 31/12/2011 "
                       "(the start set at the child's birth)")
    # a birth after the written date does not close it (the event is before the child)
    assert parse_when("before 2012", born=parse_when("2015")).start == utc("1994-01-01")


@pytest.mark.parametrize(("text", "start", "end", "precision", "note"), [
    ("age 13 (Year 8)", "2015-03-01", "2016-03-30 23:00", P.RANGE, "Year 8"),
    ("aged 13 years 4 months", "2015-06-30 23:00", "2015-08-30 23:00", P.RANGE, ""),
    ("13y 4m", "2015-06-30 23:00", "2015-08-30 23:00", P.RANGE, ""),
    ("13 yrs", "2015-03-01", "2016-03-30 23:00", P.RANGE, ""),
])
def test_ages_with_months_and_notes(text, start, end, precision, note):
    w = parse_when(text, born=parse_when("March 2002"))
    assert interval(w) == (utc(start), utc(end))
    assert (w.precision, w.note, w.relative) == (precision, note, True)


def test_an_age_in_months_from_an_exact_birthday_is_one_month():
    w = parse_when("13 years 4 months", born=parse_when("14/03/2002"))
    assert interval(w) == (utc("2015-07-13 23:00"), utc("2015-08-13 23:00"))
    assert w.precision is P.MONTH


def test_years_later_lands_in_a_calendar_month():
    w = parse_when("two years later", anchor=AT_0502_1430)
    assert interval(w) == (utc("2027-02-01"), utc("2027-03-01")) and w.precision is P.MONTH


@pytest.mark.parametrize(("text", "time", "reason"), [
    ("31/02/2025 (approx)", None, Reason.IMPOSSIBLE_DATE),
    ("the week of half term", None, Reason.UNPARSEABLE_DATE),
    ("age 13 (Year 8)", None, Reason.UNRESOLVED_RELATIVE_DATE),
    ("June 2024 (day not known)", "14:30", Reason.UNPARSEABLE_TIME),
    ("?22 May 2016", "approx 2pm", Reason.UNPARSEABLE_TIME),
])
def test_notes_do_not_hide_real_errors(text, time, reason):
    with pytest.raises(DateError) as info:
        parse_when(text, time)
    assert info.value.reason is reason


def test_span_keeps_both_notes_and_the_open_side():
    w = span(parse_when("before 2012"), parse_when("2014 (moved away)"))
    assert (w.note, w.open_side) == ("moved away", "start")


_NOTES = ["(day not known)", "(approx date)", "[see police log]", "- reported by school",
          "per school log", "early hours of", "(date of referral)", "on or about"]


@settings(deadline=None, max_examples=300)
@given(instants, st.sampled_from([P.DAY, P.MONTH, P.YEAR]), st.integers(0, 59),
       st.sampled_from(_NOTES), st.booleans())
def test_a_note_around_a_date_never_makes_it_more_precise(instant, precision, style, note, first):
    moment = instant.astimezone(LONDON)
    text, _ = _written(moment, precision, style)
    written = f"{note} {text}" if first else f"{text} {note}"
    w = parse_when(written)
    plain = parse_when(text)
    assert w.start <= plain.start and plain.end <= w.end
    assert w.contains(instant)
    assert PRECISION_RANK[w.precision] >= PRECISION_RANK[plain.precision]
    assert w.note  # the words are kept, not lost
    if any(m in note for m in ("approx", "about")):
        assert w.approximate and w.end - w.start > plain.end - plain.start


@settings(deadline=None, max_examples=200)
@given(instants, st.sampled_from([P.DAY, P.MONTH, P.YEAR]), st.integers(0, 59),
       st.sampled_from(["before", "by", "after", "since", "until", "prior to"]))
def test_an_open_ended_date_contains_every_moment_on_its_side(instant, precision, style, word):
    moment = instant.astimezone(LONDON)
    text, _ = _written(moment, precision, style)
    bound = parse_when(text)
    w = parse_when(f"{word} {text}")
    if word in ("before", "prior to"):
        assert w.end == bound.start and w.open_side == "start"
    elif word in ("by", "until"):
        assert w.end == bound.end and w.open_side == "start"
    elif word == "after":
        assert w.start == bound.end and w.open_side == "end"
    else:
        assert w.start == bound.start and w.open_side == "end"
    assert w.end - w.start >= pd.Timedelta(days=365 * 17)


@settings(deadline=None, max_examples=300)
@given(instants, st.sampled_from(["w/c", "w/e", "unknown day", "unknown day named",
                                  "dd-Mon-yyyy", "financial year", "school year", "split year",
                                  "term"]))
def test_real_forms_contain_the_moment_and_are_never_narrower(instant, form):
    moment = instant.astimezone(LONDON)
    day = moment.date()
    y, m = day.year, day.month
    if form == "w/c":
        monday = day - dt.timedelta(days=day.weekday())
        text, span_days = f"w/c {monday:%d/%m/%Y}", 7
    elif form == "w/e":
        sunday = day + dt.timedelta(days=6 - day.weekday())
        text, span_days = f"w/e {sunday:%d/%m/%Y}", 7
    elif form == "unknown day":
        text, span_days = f"??/{m:02d}/{y}", 28
    elif form == "unknown day named":
        text, span_days = f"?? {_MONTHS[m - 1]} {y}", 28
    elif form == "dd-Mon-yyyy":
        text, span_days = f"{day:%d}-{_MONTHS[m - 1][:3]}-{y}", 1
    elif form in ("financial year", "school year", "split year"):
        start_month = 4 if form == "financial year" else 9
        first = y if m >= start_month else y - 1
        if form == "split year":  # April to August of the next year holds both readings
            first = y if m >= 4 else y - 1
        words = "" if form == "split year" else f"{form} "
        text, span_days = f"{words}{first}/{(first + 1) % 100:02d}", 365
    else:
        season = "spring" if m <= 4 else "summer" if m <= 7 else "autumn" if m >= 9 else None
        assume(season is not None)
        text, span_days = f"{season} term {y}", 90
    w = parse_when(text)
    assert w.contains(instant), (text, w)
    assert w.end - w.start >= pd.Timedelta(days=span_days) - pd.Timedelta(hours=1)
    assert PRECISION_RANK[w.precision] >= PRECISION_RANK[P.DAY]


@pytest.mark.parametrize(("text", "start", "end"), [
    ("27-28 Sept 2024", "2024-09-26 23:00", "2024-09-28 23:00"),
    ("27th-28th Sept 2024", "2024-09-26 23:00", "2024-09-28 23:00"),
    ("12-15 March 2015", "2015-03-12", "2015-03-16"),
    ("2-3 Nov 2024", "2024-11-02", "2024-11-04"),
])
def test_a_span_of_days_written_without_spaces_is_those_days_not_the_month(text, start, end):
    w = parse_when(text)
    assert interval(w) == (utc(start), utc(end))
    assert w.precision == P.RANGE


@pytest.mark.parametrize(("text", "anchor", "day"), [
    ("Mon 3rd Feb", "FEBRUARY 2025", "2025-02-03"),
    ("28 Dec", "03/01/2025", "2024-12-28"),      # the nearest year, before the anchor
    ("Sat 11/01", "30/12/2024", "2025-01-11"),
    ("Sun 1 Feb", "20/07/2025", "2026-02-01"),   # the weekday written chooses the year
    ("Sat 1 Feb", "20/07/2025", "2025-02-01"),
])
def test_a_day_with_no_year_takes_the_year_nearest_the_row_before(text, anchor, day):
    w = parse_when(text, anchor=parse_when(anchor))
    assert (str(w.start.date()), w.precision) == (day, Precision.DAY)
    assert [r for r, _ in w.warnings] == [Reason.YEAR_ASSUMED]


def test_a_day_with_no_year_and_no_dated_row_before_it_is_unresolved():
    with pytest.raises(DateError) as caught:
        parse_when("Mon 3rd Feb")
    assert caught.value.reason is Reason.UNRESOLVED_RELATIVE_DATE
