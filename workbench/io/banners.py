"""A log whose rows carry no date of their own, dated by the banner rows that head its blocks.

An out-of-hours duty log starts each shift with a row of one cell, ``SHIFT: Fri 07.02.25
1700 - Mon 10.02.25 0845 (weekend). EDT SW on duty: P Lorne``, and its entries give only a
day name and a time (``Sat | 2245``); a diary heads each week with ``Week commencing
3/3/25``. Read as it stands the table has no date column and would be refused.
:func:`banner_dates` recognises it (no date column; the first row below the header is a
banner, a row of one cell that holds a date or a span) and :func:`date_by_banners` adds
the date each row is of, in a column of its own: a banner's row, the banner's span; an
entry, the day its day name falls on within the span of the banner above it (the span
itself when it gives no day name). Nothing else changes: the banner stays a row (an event
of its own), every column keeps its place, and a ``banner-date`` warning says what was
assumed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from workbench.errors import Problem, Reason, Severity, Where
from workbench.io.columns import find_header, map_columns
from workbench.io.dates import DateError, When, parse_when

__all__ = ["BANNER_COLUMN", "Banners", "banner_dates", "date_by_banners"]

BANNER_COLUMN = "Date (from the banner row above)"
_ZONE = ZoneInfo("Europe/London")
_WEEKDAY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?$", re.IGNORECASE)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Banners:
    """A banner-dated table: its header's index among the records, and the column of
    day names (None when its entries give none)."""

    header: int
    day: int | None


def _filled(cells: Sequence[str]) -> list[str]:
    return [c.strip() for c in cells if c.strip()]


def _banner(cells: Sequence[str]) -> When | None:
    """The span a banner row gives: a row of one cell that holds a date."""
    filled = _filled(cells)
    if len(filled) != 1:
        return None
    try:
        when = parse_when(filled[0])
    except DateError:
        return None
    return when if when.dated else None


def banner_dates(records: Sequence[tuple[int, Sequence[str]]],
                 mapping: Mapping[str, str]) -> Banners | None:
    """The layout of a banner-dated table among ``records``, or None when it is not one."""
    start = find_header(records, mapping)
    if start is None or "at" in mapping or "at" in map_columns(records[start][1], mapping).index:
        return None
    body = [cells for _, cells in records[start + 1:] if _filled(cells)]
    if not body or _banner(body[0]) is None:
        return None
    entries = [cells for cells in body if _banner(cells) is None]
    width = max((len(c) for c in entries), default=0)
    days = [j for j in range(width) if entries and sum(
        1 for c in entries if j < len(c) and _WEEKDAY.match(c[j].strip())) >= 0.6 * len(entries)]
    return Banners(start, days[0] if days else None)


def _local_days(when: When) -> tuple[dt.date, dt.date]:
    """The first and last local day of a span (its end is exclusive)."""
    start, end = when.start, when.end if when.end is not None else when.start
    if start is None or end is None:
        raise ValueError("a banner's span has a start")  # _banner keeps only dated ones
    first = start.tz_convert(_ZONE).date()
    last = (end - dt.timedelta(microseconds=1)).tz_convert(_ZONE).date()
    return first, max(first, last)


def _text(first: dt.date, last: dt.date) -> str:
    day = f"{first:%d/%m/%Y}"
    return day if first == last else f"{day} - {last:%d/%m/%Y}"


def date_by_banners(records: Sequence[tuple[int, Sequence[str]]], form: Banners, where: Where,
                    problems: list[Problem]) -> list[tuple[int, list[str]]]:
    """``records`` with a last column, :data:`BANNER_COLUMN`, holding each row's date."""
    out: list[tuple[int, list[str]]] = []
    header_line, header = records[form.header]
    width = max(len(c) for _, c in records)
    span: tuple[dt.date, dt.date] | None = None
    banners = 0
    for k, (line, cells) in enumerate(records):
        row = list(cells) + [""] * (width - len(cells))
        if k == form.header:
            row.append(BANNER_COLUMN)
        elif k > form.header and _filled(cells):
            when = _banner(cells)
            if when is not None:
                span, banners = _local_days(when), banners + 1
                row.append(_text(*span))
            elif span is not None:
                day = cells[form.day].strip()[:3].lower() if form.day is not None and \
                    form.day < len(cells) else ""
                if day in _DAYS:
                    first = span[0]
                    row.append(f"{first + dt.timedelta(days=(_DAYS.index(day) - first.weekday()) % 7):%d/%m/%Y}")
                else:
                    row.append(_text(*span))
            else:
                row.append("")
        else:
            row.append("")
        out.append((line, row))
    named = f"its day column {header[form.day].strip()!r}" if form.day is not None else \
        "the banner's span"
    here: Where = {**where, "line": header_line}
    problems.append(Problem(
        reason=Reason.BANNER_DATE, severity=Severity.WARNING, value=BANNER_COLUMN,
        message=f"the table has no date column; its {banners} banner row(s) of one cell give "
        f"dates (the first at line {next(line for line, c in out[form.header + 1:] if c[-1])}): "
        f"each row below a banner is dated by it and by {named}, in a column added as "
        f"{BANNER_COLUMN!r}", **here))
    return out
