"""Times of day and the step from local wall-clock intervals to UTC instants.

A written time is one minute long (seconds fall inside it); ``approx 2am`` is the
two hours around it; ``14:00-15:30`` runs from the first minute to the end of the
last. A local time the clocks skipped is an error; one they passed twice is not
guessed: the interval covers both readings, with an ``AMBIGUOUS_TIME`` warning.
Calendar boundaries (midnights) are resolved outward, never narrowing.

Examples
--------
>>> read_time("1530hrs"), read_time("3.30pm"), read_time("noon")
((15, 30, None), (15, 30, None), (12, 0, None))
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pandas as pd

from workbench.errors import Reason
from workbench.io.when import DateError, Note, Precision, When

__all__ = ["add_months", "finish", "read_time", "time_parts"]

_UTC = dt.UTC
MINUTE, DAY, HOUR = dt.timedelta(minutes=1), dt.timedelta(days=1), dt.timedelta(hours=1)

_CLOCK = (r"(?:(?P<h>\d{1,2})(?:[:.](?P<m>\d{2})(?:[:.]\d{2}(?:\.\d+)?)?)?\s*(?P<ap>[ap])\.?m\.?"
          r"|(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.]\d{2}(?:\.\d+)?)?|(?P<word>noon|midday|midnight))")
_ZONE = r"(?:\s*hrs?)?(?:\s*(?P<zone>z|utc|[+-]\d{2}(?::?\d{2})?))?"
_TIME = re.compile(rf"(?:{_CLOCK}|(?P<HM>\d{{4}})){_ZONE}")
#: a time written after a date in the same cell ("05/02/2025 14:30", "5 Feb 2025 1530hrs")
EMBEDDED = re.compile(
    rf"(?P<date>.*?\d)(?:t|,?\s+(?:at\s+)?)(?P<time>{_CLOCK}{_ZONE}|\d{{4}}\s*hrs?)")
#: a bare four-digit time after a whole day written in numbers or with a month name
#: ("21/09/2024 2340", "05-Feb-2025 0930", as police exports write them)
EMBEDDED_HHMM = re.compile(r"(?P<date>\d{1,2}[/.\-](?:\d{1,2}|[a-z]{3,9})[/.\-]\d{2,4})\s+"
                           r"(?P<time>(?:[01]\d|2[0-3])[0-5]\d)")
_TIME_MARK = re.compile(r"^(?:approx(?:imately|\.)?|about|around|circa|c\.|ca\.?|~|roughly)\s*"
                        r"|\s*(?:approx(?:imately|\.)?|\(approx(?:imately|\.)?\)|\?)$")
_NO_TIME = re.compile(r"|-+|\?+|unknown|not known|n/?k|n/?a|not recorded|no time(?: recorded)?"
                      r"|time (?:unknown|not known|not recorded)|tbc|none|nil")
_TIME_SPAN = re.compile(r"(.+?)\s*(?:-|to|until|till)\s*(.+)")


class Local(NamedTuple):
    """A local wall-clock interval ``[lo, hi)``, before conversion to UTC."""

    lo: dt.datetime
    hi: dt.datetime
    precision: Precision
    unit: str  # what an approximation marker widens by: "day", "month" or "year"
    relative: bool = False
    approximate: bool = False
    warnings: tuple[Note, ...] = ()
    open_side: str = ""


def add_months(d: dt.datetime, n: int) -> dt.datetime:
    """``d`` moved ``n`` calendar months, its day clamped to the month's last."""
    y, m = divmod(d.month - 1 + n, 12)
    y, m = y + d.year, m + 1
    return d.replace(year=y, month=m, day=min(d.day, calendar.monthrange(y, m)[1]))


def _jump(before: dt.datetime, after: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant in ``(before, after]`` at which the clocks jumped forward."""
    offset = before.astimezone(zone).utcoffset()
    while after - before > MINUTE:
        mid = before + (after - before) // MINUTE // 2 * MINUTE
        same = mid.astimezone(zone).utcoffset() == offset
        before, after = (mid, after) if same else (before, mid)
    return after


def utc(local: dt.datetime, zone: ZoneInfo, *, late: bool = False) -> pd.Timestamp:
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
        return start, start + MINUTE, ()
    a = local.replace(tzinfo=zone).astimezone(_UTC)
    b = local.replace(tzinfo=zone, fold=1).astimezone(_UTC)
    if a == b:
        return a, a + MINUTE, ()
    if a < b:
        note = (f"'{text}' happened twice in {zone.key} (the clocks went back): it is "
                f"either {a:%H:%M} or {b:%H:%M} UTC, so both are kept")
        return a, b + MINUTE, ((Reason.AMBIGUOUS_TIME, note),)
    jump = _jump(b, a, zone)
    gap_from = jump + b.astimezone(zone).utcoffset()  # type: ignore[operator]
    raise DateError(Reason.NONEXISTENT_TIME, f"'{text}' never happened in {zone.key}: on "
                    f"{local:%d/%m/%Y} the clocks went forward from {gap_from:%H:%M} "
                    f"to {jump.astimezone(zone):%H:%M}")


def read_time(t: str) -> tuple[int, int, dt.timedelta | None]:
    """Hour, minute and UTC offset (None when local) of a written time (lower case)."""
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


def time_parts(t: str) -> tuple[str, bool]:
    """A time cell without its approximation marker, and whether it had one.

    Phrases that say there is no time (``unknown``, ``n/k``, ``-``) give ``""``.

    >>> time_parts("approx 2am"), time_parts("N/K"), time_parts("14:30")
    (('2am', True), ('', False), ('14:30', False))
    """
    t = " ".join(t.lower().split())
    if _NO_TIME.fullmatch(t):
        return "", False
    bare = _TIME_MARK.sub("", t).strip()
    return bare, bare != t


def _clock_span(t: str) -> list[tuple[int, int, dt.timedelta | None]]:
    """One written time, or the two ends of ``14:00-15:30``."""
    try:
        return [read_time(t)]
    except DateError:
        m = _TIME_SPAN.fullmatch(t)
        if not m:
            raise
        return [read_time(m[1]), read_time(m[2])]


def finish(loc: Local, t: str, marked: bool, zone: ZoneInfo, text: str, *,
           time_approx: bool = False, note: str = "") -> When:
    """Attach the time (if any), widen if marked approximate, and convert to UTC."""
    approx = marked or loc.approximate
    if t or loc.precision is Precision.MINUTE:
        if approx or (t and loc.precision is not Precision.DAY):
            why = "approximate" if approx else f"of {loc.precision} precision"
            raise DateError(Reason.UNPARSEABLE_TIME,
                            f"'{text}': a time goes only with one exact day; this date is {why}")
        ends = _clock_span(t) if t else [(loc.lo.hour, loc.lo.minute, None)]
        moments = [_moment(loc.lo.replace(hour=h, minute=mi), zone, offset, text)
                   for h, mi, offset in ends]
        notes: tuple[Note, ...] = tuple(n for _, _, more in moments for n in more)
        start, end = moments[0][0], moments[-1][1]
        if end <= start:  # 23:00-01:00 runs past midnight
            end += DAY
        if time_approx:
            start, end = start - HOUR, end + HOUR
        return When(text, pd.Timestamp(start), pd.Timestamp(end),
                    Precision.MINUTE if len(ends) == 1 else Precision.RANGE,
                    approximate=time_approx, relative=loc.relative,
                    zoned=any(o is not None for _, _, o in ends),
                    warnings=loc.warnings + notes, note=note)
    lo, hi = loc.lo, loc.hi
    if marked and loc.unit == "day":
        lo, hi = lo - DAY, hi + DAY
    elif marked:
        n = 12 if loc.unit == "year" else 1
        lo, hi = add_months(lo, -n), add_months(hi, n)
    return When(text, utc(lo, zone), utc(hi, zone, late=True), loc.precision, approx,
                loc.relative, False, loc.warnings, note, loc.open_side)
