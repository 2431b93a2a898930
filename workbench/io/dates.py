"""Reading chronology dates into honest intervals of time.

A date in a chronology is rarely an instant. ``2014``, ``March 2014``, ``c.2016``,
``?22/05/2016``, ``age 13`` and ``the next day`` each name a *stretch* of time in
which the event happened, and the workbench keeps that stretch instead of making up
a day or a time nobody wrote. :func:`parse_when` reads one written value into a
:class:`When`, whose half-open interval ``[start, end)`` of UTC instants contains
every moment the writer could have meant, and whose ``precision`` says how it was
written. Nothing is ever made more precise than written.

* Calendar units are local wall-clock time (``Europe/London`` unless told
  otherwise): a day runs from local midnight to the next local midnight, so it is
  23 or 25 hours long on clock-change days.
* A written time is one minute long; seconds, if written, fall inside that minute.
  A local time the clocks skipped is an error; one they passed twice is not guessed:
  the interval covers both readings and carries an ``AMBIGUOUS_TIME`` warning.
  A time goes only with one exact day (not a month, a range or an approximate day).
* Approximate values (``c.``, ``circa``, ``?``, ``about`` …) keep the written
  precision and are widened by one unit of it (day, month, year) on each side.
* Ranges, parts of a year (``early 2015``, ``summer 2015``) and relative phrases
  spanning several days have precision ``RANGE``.
* Relative phrases count from the previous dated row (``anchor``) and are never
  narrower than it; ages count from the child's birth (``born``).

Examples
--------
>>> w = parse_when("c.2016")
>>> str(w.start), str(w.end), w.precision, w.approximate
('2015-01-01 00:00:00+00:00', '2018-01-01 00:00:00+00:00', <Precision.YEAR: 'year'>, True)
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pandas as pd

from workbench.errors import Reason, WorkbenchError

__all__ = ["PRECISION_RANK", "DateError", "Precision", "When", "parse_when", "span"]


class Precision(enum.StrEnum):
    """How precisely a date was written, finest first."""

    MINUTE = "minute"
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    RANGE = "range"
    UNDATED = "undated"


#: Coarser precisions rank higher: minute 0 < day 1 < … < undated 5.
PRECISION_RANK: Mapping[Precision, int] = MappingProxyType({p: i for i, p in enumerate(Precision)})

Note = tuple[Reason, str]


@dataclass(frozen=True)
class When:
    """A written date read as the interval ``[start, end)`` of UTC instants it names.

    ``start`` and ``end`` are ``None`` only when undated. ``approximate`` means it was
    written with a marker such as ``c.`` or ``?`` (or counts from such a date);
    ``relative`` that it came from a phrase such as ``the next day`` or an age;
    ``zoned`` that it was written with an explicit UTC offset. ``warnings`` holds
    non-fatal notes as ``(Reason, message)`` pairs.

    Examples
    --------
    >>> w = parse_when("5 Feb 2025")
    >>> w.dated, w.contains(pd.Timestamp("2025-02-05 23:59", tz="UTC"))
    (True, True)
    """

    text: str
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    precision: Precision
    approximate: bool = False
    relative: bool = False
    zoned: bool = False
    warnings: tuple[Note, ...] = ()

    def __post_init__(self) -> None:
        undated = self.precision is Precision.UNDATED
        if (self.start is None) is not undated or (self.end is None) is not undated:
            raise ValueError("a When has a start and an end exactly when it is dated")
        if self.start is not None and not self.start < self.end:  # type: ignore[operator]
            raise ValueError(f"a When must start before it ends: {self.start} >= {self.end}")

    @property
    def dated(self) -> bool:
        """Whether the value names any time at all."""
        return self.start is not None

    def contains(self, instant: pd.Timestamp | dt.datetime | str) -> bool:
        """Whether the timezone-aware ``instant`` falls in ``[start, end)``."""
        ts = pd.Timestamp(instant)
        if ts.tzinfo is None:
            raise ValueError(f"{instant!r} has no timezone; a When holds UTC instants")
        return self.start is not None and self.start <= ts < self.end  # type: ignore[operator]


class DateError(WorkbenchError, ValueError):
    """One written date or time that cannot be read; ``reason`` says why."""

    def __init__(self, reason: Reason, message: str):
        super().__init__(reason, message)
        self.reason = reason
        self.message = message

    def __str__(self) -> str:
        return self.message


# --- vocabulary and patterns (compiled once, matched against lower-case text) -------

_UTC = dt.UTC
_MINUTE, _DAY = dt.timedelta(minutes=1), dt.timedelta(days=1)
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
_FORMS = ("05/02/2025, 2025-02-05, 5 Feb 2025, Feb 2025, 2014, c.2016, ?22/05/2016, "
          "early 2015, 2014 to 2016, age 13, the next day or 'undated'")

_FAST_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})|(\d{4})-(\d{2})-(\d{2})")
_UNDATED = re.compile(r"|undated\b.*|not known|unknown|n/?k|date (?:unknown|not known)|no date")
_MARK = re.compile(
    r"(?:circa|ca\.?|c\.|c(?=[\s\d])|approx(?:imately|\.)?|about|around|roughly|~|\?)\s*")
_BETWEEN = re.compile(r"between (.+?) and (.+)")
_YEARS = re.compile(r"(\S*\d{4})-(\d{4}\??)")
_FROM_TO = re.compile(r"(?:from )?(.+?) (?:to|until|till|-) (.+)")
_CLOCK = (r"(?:(?P<h>\d{1,2})(?:[:.](?P<m>\d{2})(?:[:.]\d{2}(?:\.\d+)?)?)?\s*(?P<ap>[ap])\.?m\.?"
          r"|(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.]\d{2}(?:\.\d+)?)?|(?P<word>noon|midday|midnight))")
_ZONE = r"(?:\s*hrs?)?(?:\s*(?P<zone>z|utc|[+-]\d{2}(?::?\d{2})?))?"
_TIME = re.compile(rf"(?:{_CLOCK}|(?P<HM>\d{{4}})){_ZONE}")
_EMBEDDED = re.compile(rf"(?P<date>.*?\d)(?:t|,?\s+(?:at\s+)?)(?P<time>{_CLOCK}{_ZONE})")
_WEEKDAY = re.compile(r"(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.? ")
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
_ISO = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_D_MON_Y = re.compile(rf"(\d{{1,2}}) ({_MON}) (\d{{4}}|\d{{2}})")
_MON_D_Y = re.compile(rf"({_MON}) (\d{{1,2}}) (\d{{4}})")
_MON_Y = re.compile(rf"({_MON}) (\d{{4}})")
_Y_M = re.compile(r"(\d{4})[-/](\d{1,2})")
_M_Y = re.compile(r"(\d{1,2})[-/.](\d{4})")
_NUMBER = re.compile(r"(\d+)(?:\.(\d+))?")
_PART = re.compile(
    rf"(early|mid|late|spring|summer|autumn|fall|winter)[- ]?(?:({_MON}) )?(\d{{4}})")
_RELATIVE = re.compile(rf"""(?:
    (?P<same>(?:on\ )?(?:the\ )?same\ day|later\ (?:that|the\ same)\ day
        |(?:later\ )?(?:that|the\ same)\ (?:morning|afternoon|evening|night))
   |(?P<next>(?:the\ )?(?:next|following)\ (?:day|morning|afternoon|evening|night)|the\ day\ after)
   |(?P<count>(?P<n>{_NUM})\ (?P<unit>day|week|month)s?\ later)
   |(?P<week>the\ (?:following|next)\ week)
   |(?P<few>(?:a\ )?few\ days\ later))""", re.X)
_AGE = re.compile(rf"(?:(?:at )?aged? |at |when )(?P<n>{_NUM})(?: (?:years?|yrs?)(?: old)?)?"
                  rf"|(?P<old>{_NUM}) years? old")


class _Local(NamedTuple):
    """A local wall-clock interval ``[lo, hi)``, before conversion to UTC."""

    lo: dt.datetime
    hi: dt.datetime
    precision: Precision
    unit: str  # what an approximation marker widens by: "day", "month" or "year"
    relative: bool = False
    approximate: bool = False
    warnings: tuple[Note, ...] = ()


def _count(word: str) -> int:
    return _NUMBERS[word] if word in _NUMBERS else int(word)


def _add_months(d: dt.datetime, n: int) -> dt.datetime:
    """``d`` moved ``n`` calendar months, its day clamped to the month's last."""
    y, m = divmod(d.month - 1 + n, 12)
    y, m = y + d.year, m + 1
    return d.replace(year=y, month=m, day=min(d.day, calendar.monthrange(y, m)[1]))


def _day(y: int, mo: int, d: int, shown: str, hint: str = "") -> _Local:
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
    return _Local(lo, lo + _DAY, Precision.DAY, "day")


def _numeric(first: str, second: str, year: str, dayfirst: bool | None, shown: str) -> _Local:
    """A day from numbers; ``dayfirst`` None means day, month as written, with no hint."""
    a, b, y = int(first), int(second), int(year)
    y += (2000 if y < 70 else 1900) if len(year) == 2 else 0  # 00-69: 20xx, 70-99: 19xx
    if dayfirst is False:
        return _day(y, a, b, shown, _MONTH_FIRST)
    return _day(y, b, a, shown, "" if dayfirst is None else _DAY_FIRST)


def _span_of(y: int, mo: int, months: int, precision: Precision, unit: str, shown: str) -> _Local:
    lo = _day(y, mo, 1, shown).lo
    return _Local(lo, _add_months(lo, months), precision, unit)


def _part(word: str, mon: str | None, y: int, shown: str) -> _Local:
    if not mon:
        mo, n = {"early": (1, 4), "mid": (5, 4), "late": (9, 4), "spring": (3, 3),
                 "summer": (6, 3), "autumn": (9, 3), "fall": (9, 3), "winter": (12, 3)}[word]
        return _span_of(y, mo, n, Precision.RANGE, "month", shown)
    if word not in ("early", "mid", "late"):
        raise DateError(Reason.UNPARSEABLE_DATE, f"'{shown}' is not a date: try e.g. {_FORMS}")
    month = _span_of(y, _MONTHS[mon], 1, Precision.RANGE, "day", shown)  # 1-10, 11-20, 21-end
    skip = {"early": 0, "mid": 10, "late": 20}[word]
    hi = month.hi if word == "late" else month.lo + dt.timedelta(days=skip + 10)
    return month._replace(lo=month.lo + dt.timedelta(days=skip), hi=hi)


def _number(whole: str, frac: str | None, shown: str) -> _Local:
    n = int(whole)
    if frac is None and len(whole) == 4 and 1800 <= n <= 2199:
        return _span_of(n, 1, 12, Precision.YEAR, "year", shown)
    if not 20000 <= n <= 80000:
        raise DateError(Reason.UNPARSEABLE_DATE, f"'{shown}' is not a date: a bare number is "
                        "read as a year (1800-2199) or an Excel serial date (20000-80000)")
    day = dt.datetime(1899, 12, 30) + dt.timedelta(days=n)  # 1900 system, past its leap bug
    if frac is None or not frac.strip("0"):
        note = (Reason.EXCEL_SERIAL_DATE, f"read Excel serial {shown} as {day:%d/%m/%Y}")
        return _Local(day, day + _DAY, Precision.DAY, "day", warnings=(note,))
    lo = day + dt.timedelta(minutes=round(float(f"0.{frac}") * 86400) // 60)
    note = (Reason.EXCEL_SERIAL_DATE, f"read Excel serial {shown} as {lo:%d/%m/%Y %H:%M}")
    return _Local(lo, lo + _MINUTE, Precision.MINUTE, "day", warnings=(note,))


def _calendar(s: str, dayfirst: bool, shown: str) -> _Local:
    """Read an absolute date (no marker, no time) from its tidied lower-case form."""
    wd = _WEEKDAY.match(s)
    s = s[wd.end():] if wd else s
    if m := _NUMERIC.fullmatch(s):
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
    elif m := _NUMBER.fullmatch(s):
        loc = _number(m[1], m[2], shown)
    else:
        raise DateError(Reason.UNPARSEABLE_DATE, f"'{shown}' is not a date: try e.g. {_FORMS}")
    if wd:
        if loc.precision is not Precision.DAY or loc.warnings:
            raise DateError(Reason.UNPARSEABLE_DATE,
                            f"'{shown}' is not a date: a weekday goes with a day")
        named, actual = [d[:3].lower() for d in _DAYS].index(wd[1]), loc.lo.weekday()
        if actual != named:
            raise DateError(Reason.IMPOSSIBLE_DATE, f"'{shown}' is not a date: "
                            f"{loc.lo:%d/%m/%Y} was a {_DAYS[actual]}, not a {_DAYS[named]}")
    return loc


def _days_of(w: When, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The first and last local calendar days (as midnights) that ``w`` touches."""
    a = w.start.astimezone(zone)  # type: ignore[union-attr]
    b = (w.end - pd.Timedelta(1, "us")).astimezone(zone)  # type: ignore[operator]
    return dt.datetime(a.year, a.month, a.day), dt.datetime(b.year, b.month, b.day)


def _relative(s: str, anchor: When | None, born: When | None, zone: ZoneInfo,
              text: str) -> _Local | None:
    """Resolve a relative phrase or an age, or return None if ``s`` is neither."""
    if m := _AGE.fullmatch(s):
        if born is None or not born.dated:
            raise DateError(Reason.UNRESOLVED_RELATIVE_DATE,
                            f"'{text}' needs the child's birth month in the case file (child.born)")
        age = _count(m["n"] or m["old"])
        first, last = _days_of(born, zone)  # age n: from the nth to the (n+1)th birthday
        end = _add_months(last, 12 * age + 12)
        end += _DAY if end.day != last.day else dt.timedelta(0)  # 29 Feb birthdays: 1 March
        exact = born.precision in (Precision.MINUTE, Precision.DAY) and not born.approximate
        return _Local(_add_months(first, 12 * age), end,
                      Precision.YEAR if exact else Precision.RANGE, "year", True, born.approximate)
    if not (m := _RELATIVE.fullmatch(s)):
        return None
    if anchor is None or not anchor.dated:
        raise DateError(Reason.UNRESOLVED_RELATIVE_DATE,
                        f"'{text}' counts from the row before it, and no row before it is dated")
    first, last = _days_of(anchor, zone)
    phrase, unit, kind = Precision.DAY, "day", m.lastgroup
    if kind == "same":
        lo, hi = first, last + _DAY
    elif kind == "next":
        lo, hi = first + _DAY, last + 2 * _DAY
    elif kind == "count" and m["unit"] == "month":  # the calendar month(s) it lands in
        lo = _add_months(first, _count(m["n"])).replace(day=1)
        hi = _add_months(_add_months(last, _count(m["n"])).replace(day=1), 1)
        phrase, unit = Precision.MONTH, "month"
    elif kind == "count":
        step = dt.timedelta(days=_count(m["n"]) * (7 if m["unit"] == "week" else 1))
        lo, hi = first + step, last + step + _DAY
    elif kind == "week":  # the seven days from the Monday after the anchor
        lo = first + dt.timedelta(days=7 - first.weekday())
        hi = last + dt.timedelta(days=14 - last.weekday())
        phrase = Precision.RANGE
    else:  # a few days later: one to seven days after
        lo, hi, phrase = first + _DAY, last + 8 * _DAY, Precision.RANGE
    coarsest = max(phrase, anchor.precision, key=PRECISION_RANK.__getitem__)
    return _Local(lo, hi, coarsest, unit, True, anchor.approximate)


# --- local wall-clock to UTC ------------------------------------------------------------

def _jump(before: dt.datetime, after: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant in ``(before, after]`` at which the clocks jumped forward."""
    offset = before.astimezone(zone).utcoffset()
    while after - before > _MINUTE:
        mid = before + (after - before) // _MINUTE // 2 * _MINUTE
        same = mid.astimezone(zone).utcoffset() == offset
        before, after = (mid, after) if same else (before, mid)
    return after


def _utc(local: dt.datetime, zone: ZoneInfo, *, late: bool = False) -> pd.Timestamp:
    """A calendar boundary in UTC, resolving clock changes outward (never narrowing)."""
    a = local.replace(tzinfo=zone).astimezone(_UTC)
    b = local.replace(tzinfo=zone, fold=1).astimezone(_UTC)
    if a <= b:  # unique, or passed twice: the earlier start, the later end
        return pd.Timestamp(b if late else a)
    return pd.Timestamp(_jump(b, a, zone))  # skipped: the boundary falls at the jump


def _moment(local: dt.datetime, zone: ZoneInfo, offset: dt.timedelta | None,
            text: str) -> tuple[dt.datetime, dt.datetime, tuple[Note, ...]]:
    """The UTC minute a written time names (covering both if the clocks passed it twice)."""
    if offset is not None:
        start = (local - offset).replace(tzinfo=_UTC)
        return start, start + _MINUTE, ()
    a = local.replace(tzinfo=zone).astimezone(_UTC)
    b = local.replace(tzinfo=zone, fold=1).astimezone(_UTC)
    if a == b:
        return a, a + _MINUTE, ()
    if a < b:
        note = (f"'{text}' happened twice in {zone.key} (the clocks went back): it is "
                f"either {a:%H:%M} or {b:%H:%M} UTC, so both are kept")
        return a, b + _MINUTE, ((Reason.AMBIGUOUS_TIME, note),)
    jump = _jump(b, a, zone)
    gap_from = jump + b.astimezone(zone).utcoffset()  # type: ignore[operator]
    raise DateError(Reason.NONEXISTENT_TIME, f"'{text}' never happened in {zone.key}: on "
                    f"{local:%d/%m/%Y} the clocks went forward from {gap_from:%H:%M} "
                    f"to {jump.astimezone(zone):%H:%M}")


def _clock(t: str) -> tuple[int, int, dt.timedelta | None]:
    """Hour, minute and UTC offset (None when local) of a written time."""
    m = _TIME.fullmatch(t)
    if not m:
        raise DateError(Reason.UNPARSEABLE_TIME, f"'{t}' is not a time: "
                        "write 14:30, 14.30, 1430, 2.30pm, noon or midnight")
    if m["word"]:
        h, mi = (0 if m["word"] == "midnight" else 12), 0
    elif m["h"]:
        h, mi = int(m["h"]), int(m["m"] or 0)
        if not 1 <= h <= 12:
            raise DateError(Reason.UNPARSEABLE_TIME, f"'{t}' is not a time: am/pm hours run 1-12")
        h = h % 12 + (12 if m["ap"] == "p" else 0)
    else:
        h, mi = (int(m["H"]), int(m["M"])) if m["H"] else (int(m["HM"][:2]), int(m["HM"][2:]))
    if h > 23 or mi > 59:
        raise DateError(Reason.UNPARSEABLE_TIME,
                        f"'{t}' is not a time: hours run 00-23, minutes 00-59")
    zone = m["zone"]
    if zone in (None, "z", "utc"):
        return h, mi, None if zone is None else dt.timedelta(0)
    oh, om = int(zone[1:3]), int(zone[-2:]) if len(zone) > 3 else 0
    if oh > 14 or om > 59:
        raise DateError(Reason.UNPARSEABLE_TIME, f"'{t}': UTC offsets run -14:00 to +14:00")
    return h, mi, (-1 if zone[0] == "-" else 1) * dt.timedelta(hours=oh, minutes=om)


def _finish(loc: _Local, t: str, marked: bool, zone: ZoneInfo, text: str) -> When:
    """Attach the time (if any), widen if marked approximate, and convert to UTC."""
    approx = marked or loc.approximate
    if t or loc.precision is Precision.MINUTE:
        if approx or (t and loc.precision is not Precision.DAY):
            why = "approximate" if approx else f"of {loc.precision} precision"
            raise DateError(Reason.UNPARSEABLE_TIME,
                            f"'{text}': a time goes only with one exact day; this date is {why}")
        h, mi, offset = _clock(t) if t else (loc.lo.hour, loc.lo.minute, None)
        start, end, notes = _moment(loc.lo.replace(hour=h, minute=mi), zone, offset, text)
        return When(text, pd.Timestamp(start), pd.Timestamp(end), Precision.MINUTE,
                    relative=loc.relative, zoned=offset is not None, warnings=loc.warnings + notes)
    lo, hi = loc.lo, loc.hi
    if marked and loc.unit == "day":
        lo, hi = lo - _DAY, hi + _DAY
    elif marked:
        n = 12 if loc.unit == "year" else 1
        lo, hi = _add_months(lo, -n), _add_months(hi, n)
    return When(text, _utc(lo, zone), _utc(hi, zone, late=True), loc.precision, approx,
                loc.relative, False, loc.warnings)


# --- reading ----------------------------------------------------------------------------

def _clean(text: str) -> str:
    text = text.strip().strip("\"'\u201c\u201d\u2018\u2019").lower()
    return " ".join(text.replace("\u2013", " - ").replace("\u2014", " - ").split())


def _single(s: str, t: str, *, dayfirst: bool, zone: ZoneInfo, anchor: When | None,
            born: When | None, shown: str, text: str) -> When:
    """Read one cleaned value that is not a range."""
    marked = False
    if m := _MARK.match(s):
        marked, s = True, s[m.end():]
    if s.endswith("?"):
        marked, s = True, s[:-1].rstrip()
    if m := _EMBEDDED.fullmatch(s):
        if t:
            raise DateError(Reason.UNPARSEABLE_TIME, f"'{text}' gives a time twice")
        s, t = m["date"], m["time"]
    if (loc := _relative(s, anchor, born, zone, text)) is None:  # '5th of Feb., 2025': '5 feb 2025'
        tidy = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b|(?<=[a-z])\.|\bof\b", "", s.replace(",", " "))
        loc = _calendar(" ".join(tidy.split()), dayfirst, shown)
    return _finish(loc, t, marked, zone, text)


def _parse(text: str, time: str | None, dayfirst: bool, tz: str,
           anchor: When | None = None, born: When | None = None) -> When:
    zone, shown, t = ZoneInfo(tz), text.strip(), _clean(time or "")
    label = f"{shown} {(time or '').strip()}" if t else shown
    if m := _FAST_DATE.fullmatch(shown):  # the common dd/mm/yyyy and ISO days
        loc = _numeric(m[1], m[2], m[3], dayfirst, shown) if m[1] else _day(
            int(m[4]), int(m[5]), int(m[6]), shown)
        return _finish(loc, t, False, zone, label)
    s = _clean(text)
    ranged = _BETWEEN.fullmatch(s) or _YEARS.fullmatch(s) or _FROM_TO.fullmatch(s)
    if t and (ranged or _UNDATED.fullmatch(s)):
        raise DateError(Reason.UNPARSEABLE_TIME, f"'{label}': a time goes only with one exact day")
    if _UNDATED.fullmatch(s):
        return When(label, None, None, Precision.UNDATED)
    options = {"dayfirst": dayfirst, "zone": zone, "anchor": anchor, "born": born}
    if not ranged:
        return _single(s, t, shown=shown, text=label, **options)  # type: ignore[arg-type]
    side = functools.partial(_single, t="", **options)  # type: ignore[arg-type]
    first_text, last_text = ranged[1], ranged[2]
    last = side(last_text, shown=last_text, text=last_text)
    try:
        first = side(first_text, shown=first_text, text=first_text)
    except DateError:  # 'March to May 2015', '3 to 5 May 2015': borrow the month and year
        words = last_text.split()
        for k in (1, 2):
            try:
                borrowed = f"{first_text} {' '.join(words[-k:])}"
                first = side(borrowed, shown=borrowed, text=borrowed)
                break
            except DateError:
                continue
        else:
            raise
    return replace(span(first, last), text=label)


@functools.lru_cache(maxsize=1 << 13)  # ~6 MB when full
def _parse_cached(text: str, time: str | None, dayfirst: bool, tz: str) -> When | DateError:
    try:
        return _parse(text, time, dayfirst, tz)
    except DateError as error:
        return error.with_traceback(None)  # keep no frames alive in the cache


def parse_when(text: str, time: str | None = None, *, dayfirst: bool = True,
               anchor: When | None = None, born: When | None = None,
               tz: str = "Europe/London") -> When:
    """Read a chronology date (and optional time) into the interval it names.

    Parameters
    ----------
    text : str
        The date as written: ``05/02/2025``, ``2025-02-05T14:30``, ``5th February
        2025``, ``Feb 2025``, ``2014``, ``c.2016``, ``?22 May 2016``, ``early 2015``,
        ``summer 2015``, ``2014 to 2016``, ``between 3 and 5 May 2015``, an Excel
        serial such as ``45693``, ``the next day``, ``two weeks later``, ``age 13``,
        ``undated`` …; case, spacing and surrounding quotes do not matter.
    time : str, optional
        A separate time (``14:30``, ``14.30``, ``1430``, ``2.30pm``, ``noon``,
        ``midnight``, optionally with ``Z`` or ``+01:00``). Empty means none.
    dayfirst : bool, default True
        Read ``05/02/2025`` as 5 February (UK); False reads it as 2 May.
    anchor : When, optional
        The previous dated row, for relative phrases such as ``the next day``.
    born : When, optional
        The child's birth (year, month or day), for ages such as ``age 13``.
    tz : str, default "Europe/London"
        The zone of written local dates and times.

    Returns
    -------
    When
        Start inclusive and end exclusive, in UTC; never narrower than written.

    Raises
    ------
    DateError
        With ``reason`` ``UNPARSEABLE_DATE``, ``IMPOSSIBLE_DATE``, ``UNPARSEABLE_TIME``,
        ``NONEXISTENT_TIME``, ``END_BEFORE_START`` or ``UNRESOLVED_RELATIVE_DATE``.

    Notes
    -----
    Results are memoised on ``(text, time, dayfirst, tz)``; only relative phrases and
    ages given an ``anchor`` or ``born`` are worked out afresh each call.

    Examples
    --------
    >>> w = parse_when("05/02/2025", "14:30")
    >>> str(w.start), str(w.end), w.precision
    ('2025-02-05 14:30:00+00:00', '2025-02-05 14:31:00+00:00', <Precision.MINUTE: 'minute'>)
    >>> str(parse_when("the next day", anchor=w).start)
    '2025-02-06 00:00:00+00:00'
    >>> parse_when("31/02/2025")
    Traceback (most recent call last):
    ...
    workbench.io.dates.DateError: '31/02/2025' is not a date: February 2025 has 28 days ...
    """
    found = _parse_cached(text, time, dayfirst, tz)  # pure, so memoised without anchor/born
    if isinstance(found, DateError):
        if found.reason is Reason.UNRESOLVED_RELATIVE_DATE and (anchor, born) != (None, None):
            return _parse(text, time, dayfirst, tz, anchor, born)
        raise DateError(found.reason, found.message) from None
    return found


def span(first: When, last: When) -> When:
    """The period from ``first`` to ``last`` (e.g. Start date and End date columns).

    It starts where ``first`` may start and ends where ``last`` may end; precision is
    ``RANGE`` unless both name the same interval. An undated ``last`` means no end was
    given (``first`` is returned); an undated ``first`` makes the period undated.

    Raises
    ------
    DateError
        ``END_BEFORE_START`` if ``last`` ends before ``first`` can start.

    Examples
    --------
    >>> w = span(parse_when("2014"), parse_when("2016"))
    >>> str(w.start), str(w.end), w.precision
    ('2014-01-01 00:00:00+00:00', '2017-01-01 00:00:00+00:00', <Precision.RANGE: 'range'>)
    """
    text = f"{first.text} to {last.text}" if last.text else first.text
    if not first.dated or not last.dated:
        undated = When(text, None, None, Precision.UNDATED)
        return replace(first, text=text) if first.dated else undated
    if last.end <= first.start:  # type: ignore[operator]
        raise DateError(Reason.END_BEFORE_START,
                        f"'{text}' ends before it starts: '{last.text}' is before '{first.text}'")
    same = (first.start, first.end) == (last.start, last.end)
    coarser = max(first.precision, last.precision, key=PRECISION_RANK.__getitem__)
    return When(text, first.start, last.end, coarser if same else Precision.RANGE,
                first.approximate or last.approximate, first.relative or last.relative,
                first.zoned or last.zoned, first.warnings + last.warnings)
