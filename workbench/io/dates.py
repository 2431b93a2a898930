"""Reading chronology dates into honest intervals of time.

Why one module: it is date reading's public face (:func:`parse_when`, open-ended and
relative dates, days and spans); the grammar and the clock already live apart
(:mod:`workbench.io.date_grammar`, :mod:`workbench.io.date_clock`).

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
* A written time is one minute long; seconds, if written, fall inside that minute;
  an approximate time (``approx 2am``) is the two hours around it.
  A local time the clocks skipped is an error; one they passed twice is not guessed:
  the interval covers both readings and carries an ``AMBIGUOUS_TIME`` warning.
  A time goes only with one exact day (not a month, a range or an approximate day).
* Approximate values (``c.``, ``circa``, ``?``, ``about`` …, or a note such as
  ``(approx)``) keep the written precision and are widened by one unit of it (day,
  month, year) on each side.
* Ranges, parts of a year (``early 2015``, ``summer 2015``), weeks (``w/c 3 Feb 2025``),
  split years (``2014/15``) and relative phrases spanning several days have precision
  ``RANGE``.
* Open-ended dates (``before 2012``, ``after June 2016``, ``by 2016``, ``since 2015``)
  are closed on their unwritten side 18 years away (a childhood), or at the child's
  birth (``born``) when that is nearer; the importer closes them further at the
  chronology's own first or last date. They carry an ``OPEN_ENDED_DATE`` warning.
* Text around the date is kept as its ``note``: ``June 2024 (day not known)`` is June
  2024 with the note ``day not known``; ``early hours of 5 Feb 2025`` is 5 February
  with the note ``early hours of`` (a ``DATE_NOTE`` warning says what was read).
* Relative phrases count from the previous dated row (``anchor``) and are never
  narrower than it; ages count from the child's birth (``born``).

Examples
--------
>>> w = parse_when("c.2016")
>>> str(w.start), str(w.end), w.precision, w.approximate
('2015-01-01 00:00:00+00:00', '2018-01-01 00:00:00+00:00', <Precision.YEAR: 'year'>, True)
>>> w = parse_when("June 2024 (day not known)")
>>> w.precision, w.note
(<Precision.MONTH: 'month'>, 'day not known')
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import replace
from zoneinfo import ZoneInfo

import pandas as pd

from workbench.errors import Reason
from workbench.io.date_clock import EMBEDDED, EMBEDDED_HHMM, Local, finish, time_parts
from workbench.io.date_grammar import FORMS, _day, _numeric, read_calendar, read_relative
from workbench.io.when import PRECISION_RANK, DateError, Precision, When

__all__ = ["PRECISION_RANK", "DateError", "Precision", "When", "far_future", "parse_when", "span"]

#: how far an open-ended date (``before 2012``) reaches on its unwritten side
OPEN_YEARS = 18

_FAST_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})|(\d{4})-(\d{2})-(\d{2})")
_UNDATED = re.compile(
    r"|undated\b.*|not known|unknown(?: date)?|n/?k|n/?a|none|nil|tbc|-+|\?+|not dated"
    r"|(?:no|unknown) date(?: (?:recorded|given|known|available))?|not recorded"
    r"|date (?:unknown|not known|not recorded|not given|unclear|not available)")
_MARK = re.compile(
    r"(?:circa|ca\.?|c\.|c(?=[\s\d])|approx(?:imately|\.)?|about|around|roughly|~|\?(?![?/.\-]))\s*")
_BETWEEN = re.compile(r"between (.+?) and (.+)")
_YEARS = re.compile(r"(\S*\d{4})-(\d{4}\??)")
_FROM_TO = re.compile(r"(?:from )?(.+?) (?:to|until|till|-) (.+)")
_OPEN = re.compile(
    r"(?P<before>before|prior to|pre[- ]?|earlier than)\s*(?P<b>.+)"
    r"|(?P<by>by|until|till|up to|no later than|not after)\s+(?P<y>.+)"
    r"|(?P<after>after|post[- ]?|later than)\s*(?P<a>.+)"
    r"|(?P<since>since|from|not before|no earlier than)\s+(?P<s>.+)"
    r"|(?P<s2>.+?)\s+(?:onwards?|or later|and after|or after)"
    r"|(?P<y2>.+?)\s+(?:or earlier|or before|and before)")
_BRACKETS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
_APPROX_NOTE = re.compile(r"\b(?:approx\w*|circa|estimated|est|about|around|roughly|possibly|"
                          r"probably|unsure|uncertain|not sure|not certain|tbc|unconfirmed)\b"
                          r"|\?|\bc\.", re.IGNORECASE)
_RANGE_WORDS = frozenset({"to", "until", "till", "-", "and", "onwards", "onward"})
_MAX_WINDOW = 8
_MAX_WORDS = 40  # a date is looked for among the first words of a long text only
_SLASH = re.compile(r"(?<=[\d?x]) ?/ ?(?=[\d?x])")  # '05 / 02 / 2025' is 05/02/2025  # the longest run of words tried as the date part of a longer text


_DAY_SPAN = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?-(\d{1,2})(?:st|nd|rd|th)? (?=[a-z])")


def _clean(text: str) -> str:
    text = text.strip().strip("\"'\u201c\u201d\u2018\u2019").lower()
    text = " ".join(text.replace("\u2013", " - ").replace("\u2014", " - ").split())
    text = _DAY_SPAN.sub(r"\1 - \2 ", text)  # '27-28 sept 2024' is '27 - 28 sept 2024'
    return _SLASH.sub("/", text)


class _Reader:
    """One reading: the zone, day order, anchor, birth and the label shown in messages."""

    def __init__(self, dayfirst: bool, zone: ZoneInfo, anchor: When | None, born: When | None,
                 label: str, time_approx: bool):
        self.dayfirst, self.zone, self.anchor, self.born = dayfirst, zone, anchor, born
        self.label, self.time_approx = label, time_approx

    def single(self, s: str, t: str, shown: str, *, approx: bool = False, note: str = "") -> When:
        """Read one cleaned value that is not a range."""
        marked = False
        if m := _MARK.match(s):
            marked, s = True, s[m.end():]
        if s.endswith("?") and not re.search(r"[?/.\-]\?$", s):
            marked, s = True, s[:-1].rstrip()
        if m := EMBEDDED.fullmatch(s) or EMBEDDED_HHMM.fullmatch(s):
            if t:
                raise DateError(Reason.UNPARSEABLE_TIME, f"'{self.label}' gives a time twice")
            s, t = m["date"], m["time"]
        loc: Local | None = read_relative(s, self.anchor, self.born, self.zone, self.label)
        if loc is None:  # '5th of Feb., 2025': '5 feb 2025'
            tidy = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b|\bof\b", "", s.replace(",", " "))
            tidy = re.sub(r"(?<=[a-z])\.", " ", tidy)
            loc = read_calendar(" ".join(tidy.split()), dayfirst=self.dayfirst, shown=shown)
        time_approx = self.time_approx or (approx and bool(t))
        return finish(loc, t, marked or (approx and not t), self.zone, self.label,
                      time_approx=time_approx, note=note)

    def read(self, s: str, t: str, shown: str, *, approx: bool = False, note: str = "") -> When:
        """Read a whole cleaned value: undated, a range, open-ended, or one date."""
        ranged = _BETWEEN.fullmatch(s) or _YEARS.fullmatch(s) or _FROM_TO.fullmatch(s)
        if t and (ranged or _UNDATED.fullmatch(s)):
            raise DateError(Reason.UNPARSEABLE_TIME,
                            f"'{self.label}': a time goes only with one exact day")
        if _UNDATED.fullmatch(s):
            return When(self.label, None, None, Precision.UNDATED, note=note)
        if m := _OPEN.fullmatch(s):  # 'prior to 2012', but 'from 2014 to 2016' is a range
            try:
                return self.open(m, t, approx=approx, note=note)
            except DateError as exc:
                if exc.reason is not Reason.UNPARSEABLE_DATE or not ranged:
                    raise
        if not ranged:
            return self.single(s, t, shown, approx=approx, note=note)
        first_text, last_text = ranged[1], ranged[2]
        last = self.single(last_text, "", last_text, approx=approx)
        try:
            first = self.single(first_text, "", first_text, approx=approx)
        except DateError:  # 'March to May 2015', '3 to 5 May 2015': borrow the month and year
            words = last_text.split()
            for k in (1, 2):
                try:
                    borrowed = f"{first_text} {' '.join(words[-k:])}"
                    first = self.single(borrowed, "", borrowed, approx=approx)
                    break
                except DateError:
                    continue
            else:
                raise
        return replace(span(first, last), text=self.label, note=note)

    def open(self, m: re.Match[str], t: str, *, approx: bool, note: str) -> When:
        """``before 2012``, ``by 2016``, ``after June 2016``, ``since 2015``: one side written."""
        inner = next(g for g in (m["b"], m["y"], m["a"], m["s"], m["s2"], m["y2"]) if g)
        side = self.single(inner, t, inner, approx=approx)
        if not side.dated:
            raise DateError(Reason.UNPARSEABLE_DATE, f"'{inner}' is not a date: try e.g. {FORMS}")
        reach = pd.DateOffset(years=OPEN_YEARS)
        if m["before"] or m["by"] or m["y2"]:
            end = side.start if m["before"] else side.end
            start, open_side = end - reach, "start"
        else:
            start = side.end if m["after"] else side.start
            end, open_side = start + reach, "end"
        message = open_message(self.label, open_side, start, end)
        return When(self.label, start, end, Precision.RANGE, side.approximate, side.relative,
                    side.zoned, side.warnings + ((Reason.OPEN_ENDED_DATE, message),), note,
                    open_side)

    def window(self, text: str, t: str) -> tuple[When, str, list[str]] | None:
        """The longest run of words in ``text`` that is a date: its reading, the run as
        written, and the words left over (in their written case)."""
        words = text.replace("\u2013", " - ").replace("\u2014", " - ").split()[:_MAX_WORDS]
        low = [w.strip(",;:").rstrip(".").lower() for w in words]
        error: DateError | None = None
        for size in range(min(len(words), _MAX_WINDOW), 0, -1):
            for i in range(len(words) - size + 1):
                part = " ".join(w for w in low[i:i + size] if w)
                if not part or not any(c.isalnum() for c in part):
                    continue
                try:
                    w = self.read(part, t, " ".join(words[i:i + size]))
                except DateError as exc:
                    if exc.reason is not Reason.UNPARSEABLE_DATE and error is None:
                        error = exc
                    continue
                if not w.dated:
                    continue
                before = low[i - 1] if i else ""
                after = low[i + size] if i + size < len(low) else ""
                if w.open_side == "" and (before in _RANGE_WORDS or after in _RANGE_WORDS):
                    # 'hello to 2016' ends by 2016; '2016 to hello' starts in 2016
                    part = f"by {part}" if before in _RANGE_WORDS else f"since {part}"
                    w = self.read(part, t, part)
                return w, part, words[:i] + words[i + size:]
        if error is not None:
            raise error
        return None

    def noted(self, text: str, t: str) -> When | None:
        """Read the date out of a longer text; the rest is kept as the date note."""
        pieces = [(m[1] or m[2] or "").strip() for m in _BRACKETS.finditer(text)]
        pieces = [p for p in pieces if p]
        core = " ".join(_BRACKETS.sub(" ", text).split())
        found: When | None = None
        if pieces and core:
            try:
                found = self.read(_clean(core), t, core)
                part, rest = _clean(core), pieces
            except DateError as exc:
                if exc.reason is not Reason.UNPARSEABLE_DATE:
                    raise
        if found is None:
            for source, others in [(core, pieces), *((p, [core, *pieces[:i], *pieces[i + 1:]])
                                                     for i, p in enumerate(pieces))]:
                hit = self.window(source, t)
                if hit is not None:
                    found, part, left = hit
                    rest = [" ".join(left), *others]
                    break
            else:
                return None
        note = _tidy_note("; ".join(r for r in rest if _tidy_note(r)))
        if note and _APPROX_NOTE.search(note) and not found.approximate and found.dated:
            found = self.read(part, t, part, approx=True)
        warnings = found.warnings
        if found.dated and part != _clean(core if pieces else text):
            warnings += ((Reason.DATE_NOTE, f"read '{part}' as the date of '{self.label}'; the "
                          f"rest is kept as the date note: '{note}'"),)
        return replace(found, text=self.label, note=note, warnings=warnings)


def _tidy_note(text: str) -> str:
    return " ".join(text.split()).strip(" ,;:-\u2013")


def _day_text(ts: pd.Timestamp, *, last: bool = False) -> str:
    """A UTC boundary as the local day it starts (or, with ``last``, the day before it)."""
    local = (ts - pd.Timedelta(1, "us") if last else ts).tz_convert("Europe/London")
    return f"{local:%d/%m/%Y}"


def open_message(label: str, open_side: str, start: pd.Timestamp, end: pd.Timestamp,
                 why: str = "") -> str:
    """The ``OPEN_ENDED_DATE`` warning: which side was not written and where it was set."""
    side = "start" if open_side == "start" else "end"
    why = why or f"{OPEN_YEARS} years {'before' if side == 'start' else 'after'} the written date"
    return (f"'{label}' gives no {side}: read as from {_day_text(start)} to "
            f"{_day_text(end, last=True)} (the {side} set {why})")


def _parse(text: str, time: str | None, dayfirst: bool, tz: str,
           anchor: When | None = None, born: When | None = None) -> When:
    zone, shown = ZoneInfo(tz), text.strip()
    t, time_approx = time_parts(time or "")
    label = f"{shown} {(time or '').strip()}" if (time or "").strip() else shown
    if not time_approx and (m := _FAST_DATE.fullmatch(shown)):  # dd/mm/yyyy and ISO days
        loc = _numeric(m[1], m[2], m[3], dayfirst, shown) if m[1] else _day(
            int(m[4]), int(m[5]), int(m[6]), shown)
        return finish(loc, t, False, zone, label)
    reader = _Reader(dayfirst, zone, anchor, born, label, time_approx)
    first: DateError | None = None
    if not _BRACKETS.search(shown):
        try:
            return reader.read(_clean(text), t, shown)
        except DateError as exc:
            if exc.reason is not Reason.UNPARSEABLE_DATE:
                raise
            first = exc
    found = reader.noted(shown.strip("\"'\u201c\u201d\u2018\u2019"), t)
    if found is not None:
        return found
    raise first or DateError(Reason.UNPARSEABLE_DATE, f"'{shown}' is not a date: try e.g. {FORMS}")


@functools.lru_cache(maxsize=1 << 13)  # ~6 MB when full
def _parse_cached(text: str, time: str | None, dayfirst: bool, tz: str) -> When | DateError:
    try:
        return _parse(text, time, dayfirst, tz)
    except DateError as error:
        return error.with_traceback(None)  # keep no frames alive in the cache


def _bounded(w: When, born: When | None) -> When:
    """An open start closed at the child's birth, when that is nearer than the rule's."""
    if w.open_side != "start" or born is None or not born.dated:
        return w
    if not w.start < born.start < w.end:  # type: ignore[operator]
        return w
    message = open_message(w.text, "start", born.start, w.end,
                           "at the child's birth")
    notes = tuple((r, message if r is Reason.OPEN_ENDED_DATE else m) for r, m in w.warnings)
    return replace(w, start=born.start, warnings=notes)


def only_a_date(text: str) -> When | None:
    """The reading of a cell that is a date and nothing else (a bracketed note aside:
    ``30 Sept 2024 (email)``), or None: a sentence with a date in it is not one.

    >>> only_a_date("30 Sept 2024 (email)").precision, only_a_date("Found 08/02/25 at home")
    (<Precision.DAY: 'day'>, None)
    """
    try:
        when = parse_when(re.sub(r"\([^)]*\)", " ", text).strip())
    except DateError:
        return None
    return when if plain(when) else None


def plain(when: When) -> bool:
    """Whether a reading is dated and came from a date alone, not from words around it."""
    return when.dated and not any(r is Reason.DATE_NOTE for r, _ in when.warnings)


def parse_when(text: str, time: str | None = None, *, dayfirst: bool = True,
               anchor: When | None = None, born: When | None = None,
               tz: str = "Europe/London") -> When:
    """Read a chronology date (and optional time) into the interval it names.

    Parameters
    ----------
    text : str
        The date as written: ``05/02/2025``, ``2025-02-05T14:30``, ``5th February
        2025``, ``05-Feb-2025``, ``Feb 2025``, ``??/06/2024``, ``2014``, ``c.2016``,
        ``?22 May 2016``, ``early 2015``, ``summer 2015``, ``2014 to 2016``,
        ``between 3 and 5 May 2015``, ``w/c 3 Feb 2025``, ``2014/15``, ``before 2012``,
        ``after June 2016``, an Excel serial such as ``45693``, ``the next day``,
        ``two weeks later``, ``age 13``, ``undated``, ``no date recorded`` …, with any
        note around it (``June 2024 (day not known)``); case, spacing and surrounding
        quotes do not matter.
    time : str, optional
        A separate time (``14:30``, ``14.30``, ``1430``, ``1530hrs``, ``2.30pm``,
        ``noon``, ``midnight``, ``approx 2am``, ``14:00-15:30``, optionally with ``Z``
        or ``+01:00``). Empty, ``unknown`` or ``n/k`` mean none.
    dayfirst : bool, default True
        Read ``05/02/2025`` as 5 February (UK); False reads it as 2 May.
    anchor : When, optional
        The previous dated row, for relative phrases such as ``the next day``.
    born : When, optional
        The child's birth (year, month or day), for ages such as ``age 13`` and the
        start of ``before 2012``.
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
    >>> w = parse_when("w/c 3 Feb 2025")
    >>> str(w.start), str(w.end), w.precision
    ('2025-02-03 00:00:00+00:00', '2025-02-10 00:00:00+00:00', <Precision.RANGE: 'range'>)
    >>> parse_when("31/02/2025")
    Traceback (most recent call last):
    ...
    workbench.io.when.DateError: '31/02/2025' is not a date: February 2025 has 28 days ...
    """
    found = _parse_cached(text, time, dayfirst, tz)  # pure, so memoised without anchor/born
    if isinstance(found, DateError):
        if found.reason is Reason.UNRESOLVED_RELATIVE_DATE and (anchor, born) != (None, None):
            return _bounded(_parse(text, time, dayfirst, tz, anchor, born), born)
        raise DateError(found.reason, found.message) from None
    return _bounded(found, born)


def span(first: When, last: When) -> When:
    """The period from ``first`` to ``last`` (e.g. Start date and End date columns).

    It starts where ``first`` may start and ends where ``last`` may end; precision is
    ``RANGE`` unless both name the same interval. An undated ``last`` means no end was
    given (``first`` is returned); an undated ``first`` makes the period undated. Notes
    of both are kept.

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
    note = "; ".join(n for n in (first.note, last.note) if n)
    if not first.dated or not last.dated:
        undated = When(text, None, None, Precision.UNDATED, note=note)
        return replace(first, text=text, note=note) if first.dated else undated
    if last.end <= first.start:  # type: ignore[operator]
        raise DateError(Reason.END_BEFORE_START,
                        f"'{text}' ends before it starts: '{last.text}' is before '{first.text}'")
    same = (first.start, first.end) == (last.start, last.end)
    coarser = max(first.precision, last.precision, key=PRECISION_RANK.__getitem__)
    open_side = "start" if first.open_side == "start" else (
        "end" if last.open_side == "end" else "")
    return When(text, first.start, last.end, coarser if same else Precision.RANGE,
                first.approximate or last.approximate, first.relative or last.relative,
                first.zoned or last.zoned, first.warnings + last.warnings, note, open_side)


@functools.lru_cache(maxsize=2)
def _horizon(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day, tz="UTC") + pd.Timedelta(days=367)


_TWO_DIGIT_YEAR = re.compile(r"(?<!\d)\d{1,2}[/.\-]\d{1,2}[/.\-](\d{2})(?![\d/.\-])")


def far_future(start: object, written: str = "", *,
               today: pd.Timestamp | None = None) -> str | None:
    """Why ``start`` is suspect, when it lies more than a year after ``today``: a
    two-digit year read into this century, or a typing slip. None otherwise.

    >>> far_future(pd.Timestamp("2069-02-05", tz="UTC"), "05/02/69")[:60]
    "2069-02-05 is more than a year from now (written '05/02/69':"
    >>> far_future(pd.Timestamp("2025-02-05", tz="UTC"), "05/02/25") is None
    True
    """
    if start is None or pd.isna(start):
        return None
    ts = pd.Timestamp(start)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    if ts <= (_horizon(dt.date.today()) if today is None else today + pd.Timedelta(days=366)):
        return None
    m = _TWO_DIGIT_YEAR.search(written or "")
    why = (f" (written {written!r}: a two-digit year, read as {ts.year}; write the year "
           "in full)" if m else f" (written {written!r})" if written else "")
    return f"{ts.date()} is more than a year from now{why}: check the date"
