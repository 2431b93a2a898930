"""Calendar helpers of the generator (minutes since the epoch, UTC)."""

from __future__ import annotations

import datetime as dt
from functools import cache

from workbench.generate._vocab import _DAY, _LONDON


def _roll(day: int) -> int:
    """The day itself if a weekday, else the Monday after."""
    w = (day + 3) % 7
    return day + 2 if w == 5 else day + 1 if w == 6 else day


def _wd_add(day: int, k: int) -> int:
    """The ``k``-th working day after ``day`` (``k=0``: ``day`` rolled to a weekday)."""
    day = _roll(day)
    weeks, rem = divmod(k, 5)
    day += 7 * weeks
    return day + rem + (2 if (day + 3) % 7 + rem >= 5 else 0)


@cache
def _local_midnight(day: int) -> int:
    """The UTC minute at which the Europe/London date ``day`` begins."""
    d = dt.date(1970, 1, 1) + dt.timedelta(days=day)
    offset = dt.datetime(d.year, d.month, d.day, tzinfo=_LONDON).utcoffset()
    return day * _DAY - int(offset.total_seconds() // 60) if offset else day * _DAY


def _share_end(t: int) -> int:
    """A generous end for "within 5 working days" of ``t`` (6 working days, +1 day)."""
    return (_wd_add(t // _DAY + 1, 6) + 1) * _DAY
