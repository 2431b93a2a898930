"""Events written inside other rows: a found date in a missing report's Outcome.

Police missing-person returns often record the return in the report's own row
("Outcome: Found next day at the station", "Found 14/03/25 0215hrs at friend's
address"). :func:`derive_found_events` turns each such ``found`` fact
(:mod:`workbench.io.facts`) into a ``found`` event of its own, dated as written and
never more precisely: an explicit date, a relative phrase counted from the report
("next day", "later that night", "two days later"), or a time alone (the first such
time after a report timed to the minute). The derived event keeps the report's
source file and line, refers to the report, and says where it came from in
``kind_basis``. Where the found cannot be dated, the fact stays and no event is
made; a found dated before its report is a warning.

Examples
--------
>>> import pandas as pd
>>> from workbench.io.facts import find_facts
>>> from workbench.io.dates import parse_when
>>> w = parse_when("13/03/2025", "22:10")
>>> ev = pd.DataFrame({"id": ["police-2"], "seq": [1], "agency": ["Police"],
...     "kind": ["missing_report"], "start": [w.start], "end": [w.end],
...     "precision": ["minute"], "summary": ["Reported missing by carer"], "details": [""],
...     "action": [""], "outcome": ["Found 0215hrs at friend's address"], "recipients": [""],
...     "risk_grade": [""], "source_file": ["police.csv"], "source_line": [2],
...     "source_sheet": [""], "source": ["police.csv:2"]})
>>> events, facts, problems = derive_found_events(ev, find_facts(ev))
>>> events[["id", "kind", "when", "precision", "source", "refers_to"]].values.tolist()[1]
['police-2-found', 'found', '0215hrs', 'minute', 'police.csv:2', 'police-2']
>>> str(events["start"].iloc[1].tz_convert("Europe/London"))
'2025-03-14 02:15:00+00:00'
>>> facts.loc[facts["fact"] == "found", "value"].tolist()
['police-2-found']
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from workbench.errors import Problem, Reason, Severity
from workbench.io.date_grammar import _NUM, _NUMBERS
from workbench.io.dates import DateError, Precision, When, parse_when
from workbench.io.placing import place_derived

__all__ = ["derive_dated_shares", "derive_found_events", "derive_informant_shares", "found_when",
           "leading_date", "note_date"]

_MON = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
        r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DATE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b|\b\d{4}-\d{2}-\d{2}\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?(?: of)? {_MON}\.?,? (?:\d{{4}}|\d{{2}})\b"
    rf"|\b{_MON}\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}\b", re.I)
#: a found counted from the report ("returned home within 24 hours", "within a day")
_WITHIN = re.compile(rf"\bwithin (?:about |around |roughly )?({_NUM}) (hour|day)s?\b", re.I)
_RELATIVE = re.compile(
    r"\b(?:(?:on )?(?:the )?same day|later (?:that|the same) day"
    r"|(?:later )?(?:that|the same) (?:morning|afternoon|evening|night)"
    r"|(?:the )?(?:next|following) (?:day|morning|afternoon|evening|night)|the day after"
    rf"|(?:{_NUM}) (?:day|week)s? later|(?:a )?few days later)\b", re.I)
_TIME = re.compile(
    r"\b(?:[01]?\d|2[0-3])[:.][0-5]\d(?:\s?[ap]\.?m\.?)?(?!\d)(?:\s?(?:hrs|hours|h)\b)?"
    r"|\b(?:1[0-2]|0?[1-9])\s?[ap]\.?m\b\.?"
    r"|\b(?:[01]\d|2[0-3])[0-5]\d\s?(?:hrs|hours|h)\b|\bmidnight\b|\bnoon\b", re.I)
_NIGHT = re.compile(r"night|evening|same day|later", re.I)
#: a police export's clock right after the date, with no colon or "hrs" ("FOUND 02/02/2025 0810")
_BARE_CLOCK = re.compile(r"\s+(?:at\s+)?((?:[01]\d|2[0-3])[0-5]\d)(?![\d/:]|\.\d)")
#: a day and month with no year ("found Sat 1/2 3.45am"), read as the first after the report
_DAY_MONTH = re.compile(r"(?<![\d/])(?:[12]\d|3[01]|0?[1-9])/(?:1[0-2]|0?[1-9])(?![\d/])")
#: a day and a month's name with no year ("returned 15-Dec 0400", "found 2nd March"), read alike
_DAY_MON = re.compile(rf"\b(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?[ -](?:of )?{_MON}\b\.?"
                      r"(?P<year>[ -](?:19|20)\d\d(?!\d|\s?(?:hrs|hours|h)\b)|-\d\d(?!\d))?", re.I)
_DAY = pd.Timedelta(days=1)


#: a day and month with no year opening a note ("17/02: Discussed the episode")
_LEADING_DAY_MONTH = re.compile(r"\s*((?:[12]\d|3[01]|0?[1-9])/(?:1[0-2]|0?[1-9]))(?![\d/])")


def note_date(text: str) -> str | None:
    """The day a note with no date column is dated by: the day it begins with (a day
    and month alone, "17/02: ...", counts), else the first whole date it names.

    >>> note_date("17/02: Discussed 14/02 episode"), note_date("Placement start 03/02/2025.")
    ('17/02', '03/02/2025')
    >>> note_date("Visit on Tuesday") is None
    True
    """
    if (found := leading_date(text)) is not None:
        return found
    if m := _LEADING_DAY_MONTH.match(text):
        return m.group(1)
    return m.group(0) if (m := _DATE.search(text)) else None


def leading_date(text: str) -> str | None:
    """The day a cell's text begins with (its words kept out), or None.

    >>> leading_date("06.03.25 visit"), leading_date("4th Feb 2025 (school)")
    ('06.03.25', '4th Feb 2025')
    >>> leading_date("phone to mum 03.02.25"), leading_date("2025-03-06 09:40")
    (None, '2025-03-06')
    """
    found = _DATE.match(text.lstrip())
    return found.group(0) if found else None


def _clock(written: str) -> str:
    """A written time as :func:`parse_when` reads it (``0215hrs`` → ``0215``)."""
    t = re.sub(r"\s?(?:hrs|hours|h)\b", "", written.strip(), flags=re.I)
    return re.sub(r"\s|\.(?=m)|(?<=m)\.", "", t.lower()).replace("a.m", "am").replace("p.m", "pm")


def found_when(words: str, report: When) -> tuple[When | None, str]:
    """The date a found sentence names, counted from its ``report``, and the words used.

    Returns ``(None, "")`` when the sentence names no date or time. Raises
    :class:`~workbench.io.dates.DateError` when it names one that cannot be read.

    >>> r = parse_when("13/03/2025", "22:10")
    >>> w, said = found_when("Found next day at the station", r)
    >>> said, w.precision, str(w.start)
    ('next day', <Precision.DAY: 'day'>, '2025-03-14 00:00:00+00:00')
    >>> w, said = found_when("FOUND 14/03/2025 0810 - returned home", r)
    >>> said, str(w.start)
    ('14/03/2025 0810', '2025-03-14 08:10:00+00:00')
    >>> w, said = found_when("Each time she returned home within 24 hours", r)
    >>> said, w.precision, str(w.end)
    ('within 24 hours', <Precision.RANGE: 'range'>, '2025-03-14 22:11:00+00:00')
    """
    date = _DATE.search(words) or _DAY_MONTH.search(words) or _DAY_MON.search(words)
    rest = words[:date.start()] + " " * (date.end() - date.start()) + words[date.end():] \
        if date else words
    relative = _RELATIVE.search(rest)
    time = _TIME.search(rest)
    said = " ".join(m.group(0) for m in sorted((m for m in (date, relative, time) if m),
                                               key=lambda m: m.start()))
    clock = _clock(time.group(0)) if time else None
    if date and not time and (bare := _BARE_CLOCK.match(words, date.end())):
        clock, said = bare.group(1), f"{said} {bare.group(1)}"
    if date and date.re is _DAY_MON and date["year"]:  # "15-Dec-24"
        return parse_when(date.group(0).replace("-", " "), clock), said
    if date and date.re is not _DATE:  # "found Sat 1/2 3.45am", "15-Dec": the next such day
        if report.start is None:
            return None, ""
        year = report.start.tz_convert("Europe/London").year
        day = date.group(0).replace("-", " ").rstrip(".") + ("/" if date.re is _DAY_MONTH else " ")
        when = parse_when(f"{day}{year}", clock)
        if when.end is not None and when.end <= report.start - _DAY:
            when = parse_when(f"{day}{year + 1}", clock)
        return when, said
    if date:
        return parse_when(date.group(0), clock), said
    if relative:
        when = parse_when(relative.group(0), clock, anchor=report)
        if clock and when.end is not None and when.end <= report.start \
                and _NIGHT.search(relative.group(0)):
            when = parse_when("the next day", clock, anchor=report)  # "later that night 0215"
        return when, said
    if clock and report.precision is Precision.MINUTE:
        when = parse_when("same day", clock, anchor=report)
        if when.end is not None and when.end <= report.start:
            when = parse_when("the next day", clock, anchor=report)
        return when, said
    if (within := _WITHIN.search(words)) and report.start is not None and report.end is not None:
        n = _NUMBERS.get(within[1].lower()) or int(within[1])
        span = pd.Timedelta(hours=n) if within[2].lower() == "hour" else n * _DAY
        return When(within[0], report.start, report.end + span, Precision.RANGE,
                    approximate=True, relative=True), within[0]
    return None, ""


def _report_when(row: pd.Series) -> When | None:
    if pd.isna(row["start"]) or row["precision"] in ("undated", ""):
        return None
    precision = Precision(row["precision"]) if row["precision"] in set(Precision) \
        else Precision.RANGE
    return When(str(row.get("when") or ""), row["start"], row["end"], precision)


def _derived_row(report: pd.Series, new_id: str, when: When, said: str, words: str,
                 field: str) -> dict[str, object]:
    start, precision = when.start, str(when.precision)
    if start < report["start"]:  # found after the report: the part of the day before it goes
        start = report["start"]
        precision = "range" if precision != "minute" else precision
    row: dict[str, object] = {c: "" for c in report.index}
    row.update(
        id=new_id, seq=report["seq"], agency=report["agency"],
        agency_as_written=report.get("agency_as_written", report["agency"]),
        sector=report.get("sector", ""), kind="found", kind_confidence=0.9,
        kind_basis=f'derived: the found written in the {field} of {report["id"]} ("{words}")',
        when=said, start=start, end=when.end, precision=precision,
        approximate=bool(when.approximate), summary=words,
        details=f"Written in the {field} of the report {report['id']}.",
        refers_to=report["id"], author=report.get("author", ""),
        source_file=report.get("source_file", ""), source_line=report.get("source_line", 0),
        source_sheet=report.get("source_sheet", ""), source=report.get("source", ""))
    return row


def _problem(report: pd.Series, field: str, words: str, reason: Reason, message: str) -> Problem:
    sheet = report.get("source_sheet") or None
    return Problem(file=str(report.get("source_file") or ""),
                   line=int(report.get("source_line") or 0) or None, column=field,
                   sheet=sheet, value=words, reason=reason, severity=Severity.WARNING,
                   message=message)


def derive_found_events(events: pd.DataFrame, facts: pd.DataFrame
                        ) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """The events with a ``found`` event added for each dated found fact of a report.

    Returns the new event table (re-sequenced: each derived event placed in time
    order, after its report), the facts with each found fact's ``value`` set to its
    derived event's id, and warnings for founds that could not be dated.
    """
    found = facts.loc[facts["fact"].eq("found")]
    if "refers_to" in events.columns:  # a report whose found is derived already
        done = events.loc[events["kind"].eq("found") & events["refers_to"].ne(""), "refers_to"]
        found = found.loc[~found["event_id"].isin(done)]
    if found.empty:
        return events, facts, []
    by_id = events.set_index("id", drop=False)
    taken = set(events["id"])
    rows, problems = [], []
    facts = facts.copy()
    for event_id, group in found.groupby("event_id", sort=False):
        report = by_id.loc[event_id]
        anchor = _report_when(report)
        if anchor is None:
            continue
        for i, words, field in zip(group.index, group["words"], group["field"], strict=True):
            try:
                when, said = found_when(words, anchor)
            except DateError as exc:
                problems.append(_problem(report, field, words, exc.reason,
                                         f"the found written here cannot be dated ({exc.message}); "
                                         "kept as a fact of the report, with no found event"))
                continue
            if when is None:
                continue
            if when.end is not None and when.end <= anchor.start:
                problems.append(_problem(report, field, words, Reason.END_BEFORE_START,
                                         f"the found written here ({said}) is before the report; "
                                         "kept as a fact, with no found event"))
                continue
            new_id, n = f"{event_id}-found", 2
            while new_id in taken:
                new_id, n = f"{event_id}-found-{n}", n + 1
            taken.add(new_id)
            rows.append(_derived_row(report, new_id, when, said, words, field))
            facts.loc[i, "value"] = new_id
            break  # one found per report
    if not rows:
        return events, facts, problems
    return place_derived(events, pd.DataFrame(rows)), facts, problems


# ------------------------------------------------------------ shares dated on their own

#: a column that dates a row's sharing ("Date shared: 24/02/2025"), kept in its details
_SHARE_DATE = re.compile(r"^(?:date\s+(?:info(?:rmation)?\s+)?(?:shared|passed on|sent)|shared on|"
                         r"date of (?:share|sharing))\s*:\s*(?P<date>.+?)\s*$", re.I | re.M)


#: a sentence that dates its own sharing ("Report sent to SW1 on 30/05/2023", "Referral
#: forwarded to Wexholme front door by email on 12/04/2023"); not the date of what it was
#: for ("sent to SW for the strategy meeting on 03/06")
_SENT_ON = re.compile(r"\b(?:sent|shared|passed(?: on)?|forwarded|e-?mailed|faxed|uploaded|copied)"
                      r" (?:to|with) (?P<who>[^.;|\n]{1,50}?)(?: by (?:secure )?(?:e-?mail|phone|"
                      r"letter|post|fax))? on (?P<date>\d{1,2}/\d{1,2}/\d{2,4})\b", re.I)
_SENT_FOR = re.compile(r"\b(?:for|about|at|meeting|re)\b", re.I)


def _share_date(row: Mapping[str, object]) -> re.Match[str] | None:
    """The words that date a row's sharing: a "Date shared:" line of its details, or a
    sentence of its text that says when it was sent."""
    if m := _SHARE_DATE.search(str(row["details"])):
        return m
    for field in ("summary", "details", "action", "outcome"):
        for m in _SENT_ON.finditer(str(row.get(field, "") or "")):
            if not _SENT_FOR.search(m["who"]):
                return m
    return None


def derive_dated_shares(events: pd.DataFrame) -> pd.DataFrame:
    """The events with each share that its row dates later than itself ("Date shared:
    24/02/2025" on a debrief of 14/02) made an ``information_shared`` event of its own,
    on the day written, from the row's agency to its recipients; the row keeps its text
    and no longer counts as that share itself.

    >>> ev = pd.DataFrame({"id": ["rhi-4"], "seq": [1], "agency": ["Waymark RHI"],
    ...     "kind": ["return_interview_completed"],
    ...     "start": [pd.Timestamp("2025-02-14 16:15", tz="UTC")],
    ...     "end": [pd.Timestamp("2025-02-14 16:16", tz="UTC")], "precision": ["minute"],
    ...     "when": ["Fri 14th Feb 2025, 4.15pm"], "summary": ["Debrief"],
    ...     "details": ["Date shared: 24/02/2025"], "recipients": ["Children's Social Care"],
    ...     "source_file": ["rhi.csv"], "source_line": [4], "source_sheet": [""],
    ...     "source": ["rhi.csv:4"]})
    >>> out = derive_dated_shares(ev)
    >>> out[["id", "kind", "when", "recipients", "refers_to"]].values.tolist()
    [['rhi-4', 'return_interview_completed', 'Fri 14th Feb 2025, 4.15pm', '', ''], ['rhi-4-shared', 'information_shared', '24/02/2025', "Children's Social Care", 'rhi-4']]
    """
    if events.empty or not {"details", "recipients"} <= set(events.columns):
        return events
    starts = pd.to_datetime(events["start"], utc=True)
    sharing = np.flatnonzero((events["recipients"].astype(str).ne("") & starts.notna()).to_numpy())
    # the text columns read once (a row read as a Series costs ~0.5 ms on a wide frame)
    texts = {c: events[c].to_numpy(dtype=object)
             for c in ("summary", "details", "action", "outcome") if c in events.columns}
    found = [(i, m) for i in sharing
             if (m := _share_date({c: v[i] for c, v in texts.items()})) is not None]
    if not found:
        return events
    events = events.copy()
    if "refers_to" not in events.columns:
        events["refers_to"] = ""
    rows = []
    for i, m in found:
        row = events.iloc[i]
        try:
            when = parse_when(m["date"])
        except DateError:
            continue
        start = starts.iloc[i]
        if when.start is None or when.start.tz_convert("Europe/London").date() <= \
                start.tz_convert("Europe/London").date():
            continue  # shared the same day (or written before it): the row is the share
        new: dict[str, object] = {c: "" for c in events.columns}
        new.update(
            id=f"{row['id']}-shared", seq=row["seq"], agency=row["agency"], kind="information_shared",
            when=m["date"], start=when.start, end=when.end, precision=str(when.precision),
            summary=f"Shared with {row['recipients']}", recipients=row["recipients"],
            details=f"Written in {row['id']} ({m.group(0).strip()}).",
            refers_to=row["id"])
        for c in ("agency_as_written", "sector", "author", "source_file", "source_line",
                  "source_sheet", "source"):
            if c in events.columns:
                new[c] = row[c]
        if "kind_confidence" in events.columns:
            new["kind_confidence"] = 0.9
        if "kind_basis" in events.columns:
            new["kind_basis"] = f'derived: the share dated in the details of {row["id"]}'
        if "approximate" in events.columns:
            new["approximate"] = bool(when.approximate)
        rows.append(new)
        events.iloc[i, events.columns.get_loc("recipients")] = ""
    if not rows:
        return events
    return place_derived(events, pd.DataFrame(rows))



def derive_informant_shares(events: pd.DataFrame,
                            told_by: Mapping[str, tuple[str, str]]) -> pd.DataFrame:
    """The events with each row whose source column names the agency that told the
    return's agency (a contact log's "Source: Police (PPN)") made an ``information_shared``
    event of its own, at the row's time, from that agency (``told_by``: event id to
    agency and its sector) to the row's agency: the log is the evidence that it was told.

    >>> ev = pd.DataFrame({"id": ["csc-5"], "seq": [1], "agency": ["Children's Social Care"],
    ...     "kind": ["contact"], "start": [pd.Timestamp("2024-09-10", tz="UTC")],
    ...     "end": [pd.Timestamp("2024-09-11", tz="UTC")], "precision": ["day"],
    ...     "when": ["10/09/2024"], "summary": ["Email: ED attendance in June"],
    ...     "details": ["From: GP practice (Dr 2)"], "recipients": [""], "refers_to": [""],
    ...     "source": ["csc.csv:5"]})
    >>> out = derive_informant_shares(ev, {"csc-5": ("GP", "health")})
    >>> out[["id", "agency", "kind", "recipients", "refers_to"]].values.tolist()[1]
    ['csc-5-from', 'GP', 'information_shared', "Children's Social Care", 'csc-5']
    """
    told = events.loc[events["id"].isin(list(told_by)) & events["start"].notna()]
    if told.empty:
        return events
    rows = []
    for _, row in told.iterrows():  # a loop over the few logged contacts
        agency, sector = told_by[row["id"]]
        new: dict[str, object] = {c: row[c] for c in events.columns}
        new.update(id=f"{row['id']}-from", agency=agency, agency_as_written=agency,
                   kind="information_shared",
                   summary=f"Told {row['agency']}", recipients=row["agency"],
                   details=f"Written in {row['id']}, {row['agency']}'s record of what it was told.",
                   action="", outcome="", attendees="", risk_grade="", refers_to=row["id"])
        for c, v in (("sector", sector), ("author", ""), ("kind_confidence", 0.9),
                     ("kind_basis", f"derived: the source column of {row['id']}")):
            if c in events.columns:
                new[c] = v
        rows.append(new)
    derived = pd.DataFrame(rows, columns=events.columns)
    return place_derived(events, derived)
