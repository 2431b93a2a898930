"""The written forms of chronology dates, read into local wall-clock intervals.

Each reader takes a tidied lower-case text and returns a :class:`~workbench.io.date_clock.Local`
interval (or raises :class:`~workbench.io.when.DateError`); :mod:`workbench.io.dates`
adds markers, ranges, notes and the step to UTC. Forms:

* days: ``05/02/2025``, ``12.3.25``, ``2025-02-05``, ``5th Feb 2025``, ``05-Feb-2025``,
  ``Wed 5 Feb 2025``, ``Feb 5, 2025``, an Excel serial such as ``45693``;
* unknown parts: ``??/06/2024`` (the month), ``??/??/2024`` (the year), ``?? June 2024``;
* months and years: ``Feb 2025``, ``2014-03``, ``03/2014``, ``2014``;
* parts of years: ``early 2015``, ``end of 2014``, ``summer 2015``, ``late Feb 2024``,
  ``spring term 2015`` (school terms);
* split years: ``2014/15`` (a financial or a school year), ``financial year 2014/15``;
* weeks: ``w/c 3 Feb 2025``, ``week commencing 3rd February 2025``, ``w/e 7 Feb 2025``,
  ISO weeks ``2024-W46``;
* relative phrases (``the next day``, ``two weeks later``) from an anchor, and ages
  (``age 13``, ``aged 13 years 4 months``) from the child's birth.

Examples
--------
>>> loc = read_calendar("??/06/2024", dayfirst=True, shown="??/06/2024")
>>> loc.lo.date(), loc.hi.date(), loc.precision
(datetime.date(2024, 6, 1), datetime.date(2024, 7, 1), <Precision.MONTH: 'month'>)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pandas as pd

from workbench.errors import Reason
from workbench.io.date_clock import DAY, Local, add_months
from workbench.io.when import PRECISION_RANK, DateError, Precision, When

__all__ = ["FORMS", "read_calendar", "read_relative"]

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
                "August", "September", "October", "November", "December")
_MONTHS = {n.lower(): i for i, n in enumerate(_MONTH_NAMES, 1)}
_MONTHS |= {n.lower()[:3]: i for i, n in enumerate(_MONTH_NAMES, 1)} | {"sept": 9}
_MON = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen twenty")
_NUMBERS = {w: i for i, w in enumerate(_WORDS.split())} | {"a": 1, "an": 1}
_NUM = r"\d{1,2}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True))
_DAY_FIRST, _MONTH_FIRST = " (read day first, as dd/mm/yyyy)", " (read month first, as mm/dd/yyyy)"
FORMS = ("05/02/2025, 2025-02-05, 5 Feb 2025, Feb 2025, 2014, c.2016, ?22/05/2016, "
         "early 2015, 2014 to 2016, w/c 3 Feb 2025, 2014/15, before 2012, age 13, "
         "the next day or 'undated'")

_SEP = r"[ /.-]"
_UNK = r"(?:\?{1,2}|x{1,2}|-{1,2}|_{1,2})"  # an unknown day or month
_WEEKDAY = re.compile(r"(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.? ")
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
_ISO = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_D_MON_Y = re.compile(rf"(\d{{1,2}}){_SEP}({_MON}){_SEP}(\d{{4}}|\d{{2}})")
_MON_D_Y = re.compile(rf"({_MON}) (\d{{1,2}}) (\d{{4}})")
_MON_Y = re.compile(rf"({_MON})[ /-](\d{{4}})")
_Y_M = re.compile(r"(\d{4})[-/](\d{1,2})")
_M_Y = re.compile(r"(\d{1,2})[-/.](\d{4})")
_NUMBER = re.compile(r"(\d+)(?:\.(\d+))?")
_UNKNOWN_NUMERIC = re.compile(rf"({_UNK}|\d{{1,2}})([/.-])({_UNK}|\d{{1,2}})\2(\d{{4}})")
_UNKNOWN_ISO = re.compile(rf"(\d{{4}})-(\d{{1,2}}|{_UNK})-{_UNK}")
_UNKNOWN_NAMED = re.compile(rf"{_UNK}{_SEP}({_MON}){_SEP}(\d{{4}})")
_SPLIT_YEAR = re.compile(r"(?:(?P<fy>fy|financial year|fin year)|(?P<sy>academic year|school year))?"
                         r" ?(\d{4}) ?(?:/|-) ?(\d{2}|\d{4})")
_TERM = re.compile(r"(autumn|spring|summer) term (\d{4})")
#: an ISO week ("2024-W46", "2024 wk 46")
_ISO_WEEK = re.compile(r"(?P<y>\d{4})[- ]?wk? ?(?P<w>\d{1,2})")
_WEEK = re.compile(r"(?:(?P<c>w[/ ]?c|w[/ ]b|wk? ?comm?|week (?:commencing|beginning|starting|of))"
                   r"|(?P<e>w[/ ]?e|week ending))(?![a-z])[:.]? ?(?P<d>.+)")
_PART = re.compile(
    rf"(early|mid|late|spring|summer|autumn|fall|winter)[- ]?(?:({_MON}) )?(\d{{4}})")
_PART_WORDS = ((re.compile(r"^(?:the )?(?:end|close) (?:of )?(?=\D*\d{4}$)"), "late "),
               (re.compile(r"^(?:the )?(?:beginning|start) (?:of )?(?=\D*\d{4}$)"), "early "),
               (re.compile(r"^(?:the )?middle (?:of )?(?=\D*\d{4}$)"), "mid "))
_RELATIVE = re.compile(rf"""(?:
    (?P<same>(?:on\ )?(?:the\ )?same\ day|later\ (?:that|the\ same)\ day
        |(?:later\ )?(?:that|the\ same)\ (?:morning|afternoon|evening|night))
   |(?P<next>(?:the\ )?(?:next|following)\ (?:day|morning|afternoon|evening|night)|the\ day\ after)
   |(?P<count>(?P<n>{_NUM})\ (?P<unit>day|week|month|year)s?\ later)
   |(?P<week>the\ (?:following|next)\ week)
   |(?P<few>(?:a\ )?few\ days\ later))""", re.X)
_YEARS_WORD = r"(?:years?|yrs?|y)"
_MONTHS_WORD = r"(?:months?|mths?|m)"
_AGE = re.compile(
    rf"(?:(?:(?:at )?aged? |at |when )(?P<n>{_NUM})(?: ?{_YEARS_WORD}(?: old)?)?"
    rf"|(?P<old>{_NUM}) ?{_YEARS_WORD}(?: old)?)"
    rf"(?:,? (?:and )?(?P<m>\d{{1,2}}) ?{_MONTHS_WORD}(?: old)?)?")


def _count(word: str) -> int:
    return _NUMBERS[word] if word in _NUMBERS else int(word)


def _day(y: int, mo: int, d: int, shown: str, hint: str = "") -> Local:
    if not 1800 <= y <= 2199:
        raise DateError(Reason.UNPARSEABLE_DATE, f"'{shown}' is not a date: years run 1800-2199")
    if not 1 <= mo <= 12:
        raise DateError(Reason.IMPOSSIBLE_DATE,
                        f"'{shown}' is not a date: there is no month {mo}{hint}")
    last = calendar.monthrange(y, mo)[1]
    if not 1 <= d <= last:
        why = f"{_MONTH_NAMES[mo - 1]} {y} has {last} days" if d else "there is no day 0"
        raise DateError(Reason.IMPOSSIBLE_DATE, f"'{shown}' is not a date: {why}{hint}")
    lo = dt.datetime(y, mo, d)
    return Local(lo, lo + DAY, Precision.DAY, "day")


def _year(text: str) -> int:
    y = int(text)
    return y + (2000 if y < 70 else 1900) if len(text) == 2 else y  # 00-69: 20xx, 70-99: 19xx


def _numeric(first: str, second: str, year: str, dayfirst: bool | None, shown: str) -> Local:
    """A day from numbers; ``dayfirst`` None means day, month as written, with no hint."""
    a, b, y = int(first), int(second), _year(year)
    if dayfirst is False:
        return _day(y, a, b, shown, _MONTH_FIRST)
    return _day(y, b, a, shown, "" if dayfirst is None else _DAY_FIRST)


def _span_of(y: int, mo: int, months: int, precision: Precision, unit: str, shown: str) -> Local:
    lo = _day(y, mo, 1, shown).lo
    return Local(lo, add_months(lo, months), precision, unit)


def _part(word: str, mon: str | None, y: int, shown: str) -> Local:
    if not mon:
        mo, n = {"early": (1, 4), "mid": (5, 4), "late": (9, 4), "spring": (3, 3),
                 "summer": (6, 3), "autumn": (9, 3), "fall": (9, 3), "winter": (12, 3)}[word]
        return _span_of(y, mo, n, Precision.RANGE, "month", shown)
    if word not in ("early", "mid", "late"):
        raise DateError(Reason.UNPARSEABLE_DATE, f"'{shown}' is not a date: try e.g. {FORMS}")
    month = _span_of(y, _MONTHS[mon], 1, Precision.RANGE, "day", shown)  # 1-10, 11-20, 21-end
    skip = {"early": 0, "mid": 10, "late": 20}[word]
    hi = month.hi if word == "late" else month.lo + dt.timedelta(days=skip + 10)
    return month._replace(lo=month.lo + dt.timedelta(days=skip), hi=hi)


def _number(whole: str, frac: str | None, shown: str) -> Local:
    n = int(whole)
    if frac is None and len(whole) == 4 and 1800 <= n <= 2199:
        return _span_of(n, 1, 12, Precision.YEAR, "year", shown)
    if not 20000 <= n <= 80000:
        raise DateError(Reason.UNPARSEABLE_DATE, f"'{shown}' is not a date: a bare number is "
                        "read as a year (1800-2199) or an Excel serial date (20000-80000)")
    day = dt.datetime(1899, 12, 30) + dt.timedelta(days=n)  # 1900 system, past its leap bug
    if frac is None or not frac.strip("0"):
        note = (Reason.EXCEL_SERIAL_DATE, f"read Excel serial {shown} as {day:%d/%m/%Y}")
        return Local(day, day + DAY, Precision.DAY, "day", warnings=(note,))
    lo = day + dt.timedelta(minutes=round(float(f"0.{frac}") * 86400) // 60)
    note = (Reason.EXCEL_SERIAL_DATE, f"read Excel serial {shown} as {lo:%d/%m/%Y %H:%M}")
    return Local(lo, lo + dt.timedelta(minutes=1), Precision.MINUTE, "day", warnings=(note,))


def _unknown_parts(s: str, dayfirst: bool, shown: str) -> Local | None:
    """``??/06/2024`` (a month), ``??/??/2024`` or ``05/??/2024`` (a year), ``?? June 2024``."""
    if m := _UNKNOWN_NAMED.fullmatch(s):
        return _span_of(int(m[2]), _MONTHS[m[1]], 1, Precision.MONTH, "month", shown)
    if m := _UNKNOWN_ISO.fullmatch(s):
        month = m[2] if m[2].isdigit() else None
        if month is None:
            return _span_of(int(m[1]), 1, 12, Precision.YEAR, "year", shown)
        return _span_of(int(m[1]), int(month), 1, Precision.MONTH, "month", shown)
    m = _UNKNOWN_NUMERIC.fullmatch(s)
    if not m or (m[1].isdigit() and m[3].isdigit()):
        return None
    day, month = (m[1], m[3]) if dayfirst else (m[3], m[1])
    if month.isdigit():  # the day alone is unknown
        return _span_of(int(m[4]), int(month), 1, Precision.MONTH, "month", shown)
    if day.isdigit() and not 1 <= int(day) <= 31:
        raise DateError(Reason.IMPOSSIBLE_DATE, f"'{shown}' is not a date: there is no day {day}")
    return _span_of(int(m[4]), 1, 12, Precision.YEAR, "year", shown)


def _split_year(m: re.Match[str], shown: str) -> Local | None:
    """``2014/15``: the financial year (April-March), the school year (September-August),
    or, when not said which, both (April 2014 to August 2015), with a warning."""
    first, second = int(m[3]), m[4]
    last = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
    last += 100 if last < first and len(second) == 2 else 0  # 1999/00
    if last != first + 1:
        return None
    if m["fy"]:
        return _span_of(first, 4, 12, Precision.RANGE, "month", shown)
    if m["sy"]:
        return _span_of(first, 9, 12, Precision.RANGE, "month", shown)
    note = (Reason.SPLIT_YEAR, f"'{shown}' is a financial year (April {first} to March "
            f"{first + 1}) or a school year (September {first} to August {first + 1}); "
            f"not knowing which, it is read as April {first} to August {first + 1}, which "
            "holds both (write 'financial year' or 'school year' to say which)")
    return _span_of(first, 4, 17, Precision.RANGE, "month", shown)._replace(warnings=(note,))


def read_calendar(s: str, *, dayfirst: bool, shown: str) -> Local:  # noqa: C901 (to split)
    """Read an absolute date (no marker, no time) from its tidied lower-case form."""
    for pattern, word in _PART_WORDS:
        s = pattern.sub(word, s)
    if m := _WEEK.fullmatch(s):
        day = read_calendar(m["d"], dayfirst=dayfirst, shown=shown)
        if day.precision is not Precision.DAY or day.warnings:
            raise DateError(Reason.UNPARSEABLE_DATE,
                            f"'{shown}' is not a date: a week goes with one day (w/c 03/02/2025)")
        lo = day.lo if m["c"] else day.lo - 6 * DAY
        return Local(lo, lo + 7 * DAY, Precision.RANGE, "day")
    if m := _ISO_WEEK.fullmatch(s):  # "2024-W46": the ISO week, Monday to Sunday
        try:
            lo = dt.datetime.fromisocalendar(int(m["y"]), int(m["w"]), 1)
        except ValueError:
            raise DateError(Reason.UNPARSEABLE_DATE, f"'{shown}' is not a date: no week "
                            f"{int(m['w'])} in {m['y']}") from None
        return Local(lo, lo + 7 * DAY, Precision.RANGE, "day")
    wd = _WEEKDAY.match(s)
    s = s[wd.end():] if wd else s
    if (m := _SPLIT_YEAR.fullmatch(s)) and (m["fy"] or m["sy"] or "/" in s or int(m[4]) > 12) \
            and (loc := _split_year(m, shown)):
        pass
    elif m := _NUMERIC.fullmatch(s):
        loc = _numeric(m[1], m[3], m[4], dayfirst, shown)
    elif m := _ISO.fullmatch(s):
        loc = _day(int(m[1]), int(m[3]), int(m[4]), shown)
    elif m := _D_MON_Y.fullmatch(s):
        loc = _numeric(m[1], str(_MONTHS[m[2]]), m[3], None, shown)
    elif m := _MON_D_Y.fullmatch(s):
        loc = _day(int(m[3]), _MONTHS[m[1]], int(m[2]), shown)
    elif m := _MON_Y.fullmatch(s):
        loc = _span_of(int(m[2]), _MONTHS[m[1]], 1, Precision.MONTH, "month", shown)
    elif m := (_Y_M.fullmatch(s) or _M_Y.fullmatch(s)):
        y, mo = (m[1], m[2]) if len(m[1]) == 4 else (m[2], m[1])
        loc = _span_of(int(y), int(mo), 1, Precision.MONTH, "month", shown)
    elif m := _PART.fullmatch(s):
        loc = _part(m[1], m[2], int(m[3]), shown)
    elif m := _TERM.fullmatch(s):  # autumn: Sep-Dec; spring: Jan-Apr; summer: Apr-Jul
        mo, n = {"autumn": (9, 4), "spring": (1, 4), "summer": (4, 4)}[m[1]]
        loc = _span_of(int(m[2]), mo, n, Precision.RANGE, "month", shown)
    elif m := _NUMBER.fullmatch(s):
        loc = _number(m[1], m[2], shown)
    elif not (loc := _unknown_parts(s, dayfirst, shown)):
        raise DateError(Reason.UNPARSEABLE_DATE, f"'{shown}' is not a date: try e.g. {FORMS}")
    if wd:
        if loc.precision is not Precision.DAY or loc.warnings:
            raise DateError(Reason.UNPARSEABLE_DATE,
                            f"'{shown}' is not a date: a weekday goes with a day")
        named, actual = [d[:3].lower() for d in _DAYS].index(wd[1]), loc.lo.weekday()
        if actual != named:
            raise DateError(Reason.IMPOSSIBLE_DATE, f"'{shown}' is not a date: "
                            f"{loc.lo:%d/%m/%Y} was a {_DAYS[actual]}, not a {_DAYS[named]}")
    return loc


def days_of(w: When, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The first and last local calendar days (as midnights) that ``w`` touches."""
    a = w.start.astimezone(zone)  # type: ignore[union-attr]
    b = (w.end - pd.Timedelta(1, "us")).astimezone(zone)
    return dt.datetime(a.year, a.month, a.day), dt.datetime(b.year, b.month, b.day)


def _age(m: re.Match[str], born: When | None, zone: ZoneInfo, text: str) -> Local:
    if born is None or not born.dated:
        raise DateError(Reason.UNRESOLVED_RELATIVE_DATE,
                        f"'{text}' needs the child's birth month in the case file (child.born)")
    months = 12 * _count(m["n"] or m["old"]) + int(m["m"] or 0)
    span = 1 if m["m"] else 12  # age 13: a year of life; 13 years 4 months: one month
    first, last = days_of(born, zone)  # from the birthday that starts it to the next
    end = add_months(last, months + span)
    end += DAY if end.day != last.day else dt.timedelta(0)  # 29 Feb birthdays: 1 March
    exact = born.precision in (Precision.MINUTE, Precision.DAY) and not born.approximate
    precision = (Precision.MONTH if m["m"] else Precision.YEAR) if exact else Precision.RANGE
    unit = "month" if m["m"] else "year"
    return Local(add_months(first, months), end, precision, unit, True, born.approximate)


#: a day and month with no year: "Mon 3rd Feb", "3 February", "Feb 3rd", "Sat 11/01"
_NO_YEAR = re.compile(rf"(?:(?P<wd>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,? )?(?:"
                      rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?: of)? (?P<mon>{_MON})\.?"
                      rf"|(?P<mon2>{_MON})\.? (?P<d2>\d{{1,2}})(?:st|nd|rd|th)?"
                      rf"|(?P<d3>\d{{1,2}})/(?P<m3>\d{{1,2}}))")


def _no_year(m: re.Match[str], anchor: When | None, zone: ZoneInfo, text: str) -> Local:
    """A day and month given the year that puts it nearest the row before it (a weekday
    written with it chooses between years), with a ``year-assumed`` warning."""
    if anchor is None or not anchor.dated:
        raise DateError(Reason.UNRESOLVED_RELATIVE_DATE,
                        f"'{text}' has no year, and no row before it is dated: write the year")
    month = _MONTHS[m["mon"] or m["mon2"]] if m["mon"] or m["mon2"] else int(m["m3"])
    day = int(m["d"] or m["d2"] or m["d3"])
    near = days_of(anchor, zone)[0]
    days = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            days.append(_day(year, month, day, text))
        except DateError:
            continue  # 29 February of a year that has none; or no such day at all
    if not days:
        raise DateError(Reason.IMPOSSIBLE_DATE, f"'{text}' is not a date in any year")
    if m["wd"]:
        named = [d[:3].lower() for d in _DAYS].index(m["wd"])
        days = [d for d in days if d.lo.weekday() == named] or days
    best = min(days, key=lambda d: abs(d.lo - near))
    why = (f"'{text}' has no year: read as {best.lo:%d/%m/%Y}, the nearest to the row "
           f"before it ({near:%d/%m/%Y})" + (", on the weekday written" if m["wd"] else ""))
    return best._replace(warnings=((Reason.YEAR_ASSUMED, why),))


def read_relative(s: str, anchor: When | None, born: When | None, zone: ZoneInfo,
                  text: str) -> Local | None:
    """Resolve a relative phrase, an age or a day with no year, or return None if ``s``
    is none of them."""
    if m := _AGE.fullmatch(s):
        return _age(m, born, zone, text)
    if m := _NO_YEAR.fullmatch(s):
        return _no_year(m, anchor, zone, text)
    if not (m := _RELATIVE.fullmatch(s)):
        return None
    if anchor is None or not anchor.dated:
        raise DateError(Reason.UNRESOLVED_RELATIVE_DATE,
                        f"'{text}' counts from the row before it, and no row before it is dated")
    first, last = days_of(anchor, zone)
    phrase, unit, kind = Precision.DAY, "day", m.lastgroup
    if kind == "same":
        lo, hi = first, last + DAY
    elif kind == "next":
        lo, hi = first + DAY, last + 2 * DAY
    elif kind == "count" and m["unit"] in ("month", "year"):  # the calendar month(s) it lands in
        n = _count(m["n"]) * (12 if m["unit"] == "year" else 1)
        lo = add_months(first, n).replace(day=1)
        hi = add_months(add_months(last, n).replace(day=1), 1)
        phrase, unit = Precision.MONTH, "month"
    elif kind == "count":
        step = dt.timedelta(days=_count(m["n"]) * (7 if m["unit"] == "week" else 1))
        lo, hi = first + step, last + step + DAY
    elif kind == "week":  # the seven days from the Monday after the anchor
        lo = first + dt.timedelta(days=7 - first.weekday())
        hi = last + dt.timedelta(days=14 - last.weekday())
        phrase = Precision.RANGE
    else:  # a few days later: one to seven days after
        lo, hi, phrase = first + DAY, last + 8 * DAY, Precision.RANGE
    coarsest = max(phrase, anchor.precision, key=PRECISION_RANK.__getitem__)
    return Local(lo, hi, coarsest, unit, True, anchor.approximate)

