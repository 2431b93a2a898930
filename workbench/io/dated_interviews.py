"""Return interviews dated in another record: a later report, or an episode's row.

A social care log often records an interview when its report arrives ("RHI report
received" on 22/01) and writes the day it was held in the text ("Harbour Project RHI
completed 21/01"). :func:`derive_dated_interviews` makes that interview an event of its
own on the day written, and the record the receipt of its report, so that the time to
the interview is measured from the interview, not from its paperwork.

A missing-episodes tracker gives each episode one row and its return interview columns
("RI offered: 04/02", "Return interview: Declined on 04/02. Re-offered 06/02 -
completed 06/02. Said ..."). :func:`derive_told_interviews` makes each dated step an
event of its own (offered, declined, held), after the episode's row; the step held
keeps the column's whole text, the child's words included.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from workbench.io.dates import only_a_date
from workbench.io.placing import place_derived
from workbench.kinds import RI_KINDS

__all__ = ["derive_dated_interviews", "derive_told_interviews", "interview_column"]

#: a return interview and the day it was held, as another agency's record writes it ("RHI
#: report received: Harbour Project RHI completed 21/01", "RHI offered 04/03 - declined")
_INTERVIEW_ON = re.compile(
    r"\b(?:rhi|ri|return (?:home )?interview|debrief)\b(?:\s+(?:was\s+)?(?P<verb>completed|held|"
    r"done|conducted|offered|attempted|arranged|declined|refused))?\s+(?:on\s+)?"
    r"(?P<date>\d{1,2}/\d{1,2}(?:/(?:\d{4}|\d{2}))?)(?![\d/])", re.I)
#: how long before its record an interview may have been held to be read as its day
_REACH_DAYS = 60
_VERB_KIND = {"offered": "return_interview_offered", "attempted": "return_interview_offered",
              "arranged": "return_interview_offered", "declined": "return_interview_declined",
              "refused": "return_interview_declined"}


def _held_on(text: str, recorded: pd.Timestamp) -> tuple[pd.Timestamp, str, str] | None:
    """The day (local midnight, UTC), the words and the verb of the first return interview
    ``text`` dates before the day it was ``recorded``; a day and month alone is the
    latest such day on or before it."""
    m = _INTERVIEW_ON.search(text)
    if m is None:
        return None
    day = recorded.tz_convert("Europe/London").normalize()
    parts = [int(p) for p in m["date"].split("/")]
    years = [parts[2] + (2000 if parts[2] < 100 else 0)] if len(parts) == 3 \
        else [day.year, day.year - 1]
    for year in years:
        try:
            held = pd.Timestamp(year=year, month=parts[1], day=parts[0], tz="Europe/London")
        except ValueError:
            return None
        if held < day and day - held <= pd.Timedelta(days=_REACH_DAYS):
            return held.tz_convert("UTC"), m.group(0), (m["verb"] or "").lower()
        if held >= day - pd.Timedelta(days=1) and len(parts) == 3:
            return None  # the same day, or a plan for a day to come
    return None


def derive_dated_interviews(events: pd.DataFrame) -> pd.DataFrame:
    """The events with each return interview that a later record dates to an earlier day
    ("RHI report received" on 22/01: "Harbour RHI completed 21/01") made an event of its
    own on that day; the record becomes the receipt of its report (``contact``).

    >>> ev = pd.DataFrame({"id": ["csc-8"], "seq": [1], "agency": ["Children's Social Care"],
    ...     "kind": ["return_interview_completed"],
    ...     "start": [pd.Timestamp("2025-01-22", tz="UTC")],
    ...     "end": [pd.Timestamp("2025-01-23", tz="UTC")], "precision": ["day"],
    ...     "when": ["22/01/2025"], "summary": ["RHI report received"],
    ...     "details": ["Harbour Project RHI completed 21/01: no disclosures."],
    ...     "recipients": [""], "refers_to": [""], "source": ["csc.csv:8"]})
    >>> out = derive_dated_interviews(ev)
    >>> out[["id", "kind", "start"]].astype(str).values.tolist()
    [['csc-8-interview', 'return_interview_completed', '2025-01-21 00:00:00+00:00'], \
['csc-8', 'contact', '2025-01-22 00:00:00+00:00']]
    """
    if events.empty or "kind" not in events.columns:
        return events
    starts = pd.to_datetime(events["start"], utc=True)
    rows, receipts = [], []
    fields = [c for c in ("summary", "details", "action", "outcome") if c in events.columns]
    for i in np.flatnonzero((events["kind"].isin(RI_KINDS) & starts.notna()).to_numpy()):
        row = events.iloc[i]
        text = "\n".join(str(row[c] or "") for c in fields)
        if (found := _held_on(text, starts.iloc[i])) is None:
            continue
        held, words, verb = found
        new: dict[str, object] = {c: row[c] for c in events.columns}
        new.update(id=f"{row['id']}-interview", kind=_VERB_KIND.get(verb, row["kind"]),
                   when=words, start=held, end=held + pd.Timedelta(days=1), precision="day",
                   summary=words, recipients="", refers_to=row["id"],
                   details=f"Written in {row['id']} ({words}).")
        if "kind_basis" in events.columns:
            new["kind_basis"] = f"derived: the interview dated in {row['id']}"
        if "approximate" in events.columns:
            new["approximate"] = False
        rows.append(new)
        receipts.append(i)
    if not rows:
        return events
    events = events.copy()
    events.iloc[receipts, events.columns.get_loc("kind")] = "contact"
    # each interview goes just before the record that dates it
    return place_derived(events, pd.DataFrame(rows, columns=events.columns), before_ref=True)


# ------------------------------------------------------- interviews in an episode's row

#: a column about the return interview ("RI offered", "Return interview", "RHI outcome")
_RI_COLUMN = re.compile(r"\b(?:ri|rhi|return (?:home )?interviews?|debriefs?|"
                        r"return (?:conversation|discussion)s?)\b", re.I)
#: a step of the interview and its day, as a tracker writes it ("Declined on 04/02",
#: "Re-offered 06/02", "completed 06/02", "Completed 13/02 afternoon")
_STEP = re.compile(r"\b(?P<verb>re-?offered|offered|arranged|booked|attempted|completed|held|done|"
                   r"conducted|declined|refused)\b(?:\s+(?:on|by\s+phone|at\s+home))?\s+"
                   r"(?P<date>\d{1,2}/\d{1,2}(?:/(?:\d{4}|\d{2}))?)(?![\d/])", re.I)
_HEADER_VERB = re.compile(r"\b(?P<verb>offered|arranged|booked|attempted|completed|held|done|"
                          r"declined|refused|date)\b", re.I)
#: the order of a day's steps: offered, then declined or held
_STAGE = ("return_interview_offered", "return_interview_declined", "return_interview_completed")
_STEP_KIND = {**_VERB_KIND, "re-offered": "return_interview_offered",
              "reoffered": "return_interview_offered", "booked": "return_interview_offered"}


def interview_column(label: str) -> bool:
    """Whether a column's name says it records the return interview.

    >>> interview_column("RI offered"), interview_column("Return interview"), interview_column("Found")
    (True, True, False)
    """
    return bool(_RI_COLUMN.search(label))


def _day_after(written: str, start: pd.Timestamp) -> pd.Timestamp | None:
    """The day (local midnight, UTC) ``written`` names on or after the episode's day
    ``start`` and within the reach; a day and month takes the year that puts it so."""
    parts = [int(p) for p in written.split("/")]
    first = start.tz_convert("Europe/London").normalize()
    years = [parts[2] + (2000 if parts[2] < 100 else 0)] if len(parts) == 3 \
        else [first.year, first.year + 1]
    for year in years:
        try:
            day = pd.Timestamp(year=year, month=parts[1], day=parts[0], tz="Europe/London")
        except ValueError:
            return None
        if first <= day <= first + pd.Timedelta(days=_REACH_DAYS):
            return day.tz_convert("UTC")
    return None


def _steps(columns: tuple[tuple[str, str], ...], start: pd.Timestamp
           ) -> list[tuple[pd.Timestamp, str, str, str]]:
    """(day, kind, words, the column's whole text) of each dated step the columns write."""
    out = []
    for label, text in columns:
        verb = _HEADER_VERB.search(label)
        if (alone := only_a_date(text)) is not None and alone.start is not None:
            day = alone.start.tz_convert("Europe/London").normalize()
            if verb and start.tz_convert("Europe/London").normalize() <= day:
                kind = _STEP_KIND.get(verb["verb"].lower(), "return_interview_completed")
                out.append((day.tz_convert("UTC"), kind, f"{label}: {text}", ""))
            continue
        for m in _STEP.finditer(text):
            if (day := _day_after(m["date"], start)) is not None:
                kind = _STEP_KIND.get(m["verb"].lower(), "return_interview_completed")
                out.append((day, kind, m.group(0), f"{label}: {text}"))
    return out


def derive_told_interviews(events: pd.DataFrame,
                           told: dict[str, tuple[tuple[str, str], ...]]) -> pd.DataFrame:
    """The events with each return interview step an episode's row writes in its interview
    columns (``told``: event id to ``(column, text)``) made an event of its own, dated as
    written, after the row; the step held keeps the column's whole text.

    >>> t = pd.Timestamp("2025-02-02 19:30", tz="UTC")
    >>> ev = pd.DataFrame({"id": ["csc-3"], "seq": [1], "agency": ["CSC"], "kind": ["missing_report"],
    ...     "start": [t], "end": [t], "precision": ["minute"], "when": ["02/02/2025 19:30"],
    ...     "summary": ["Reported missing"], "details": [""], "recipients": [""],
    ...     "refers_to": [""], "source": ["csc.xlsx!Episodes:3"]})
    >>> told = {"csc-3": (("Return interview", "Declined on 04/02. Re-offered 06/02 - "
    ...                    "completed 06/02. Said he is scared of a lad."),)}
    >>> out = derive_told_interviews(ev, told)
    >>> out[["id", "kind"]].values.tolist()[1:]
    [['csc-3-ri1', 'return_interview_declined'], ['csc-3-ri2', 'return_interview_offered'], \
['csc-3-ri3', 'return_interview_completed']]
    >>> out["summary"].iloc[3]
    'Return interview: Declined on 04/02. Re-offered 06/02 - completed 06/02. Said he is scared of a lad.'
    """
    if events.empty or not told:
        return events
    starts = pd.to_datetime(events["start"], utc=True)
    rows = []
    for i in np.flatnonzero((events["id"].isin(told.keys()) & ~events["kind"].isin(RI_KINDS)
                             & starts.notna()).to_numpy()):
        row = events.iloc[i]
        steps = sorted(_steps(told[row["id"]], starts.iloc[i]),
                       key=lambda s: (s[0], _STAGE.index(s[1])))
        for n, (day, kind, words, whole) in enumerate(steps, 1):
            new: dict[str, object] = {c: row[c] for c in events.columns}
            new.update(id=f"{row['id']}-ri{n}", kind=kind, when=words, start=day,
                       end=day + pd.Timedelta(days=1), precision="day",
                       summary=whole if whole and kind == "return_interview_completed" else words,
                       recipients="", refers_to=row["id"],
                       details=f"Written in {row['id']} ({words}).")
            if "kind_basis" in events.columns:
                new["kind_basis"] = f"derived: the return interview written in {row['id']}"
            if "approximate" in events.columns:
                new["approximate"] = False
            rows.append(new)
    if not rows:
        return events
    return place_derived(events, pd.DataFrame(rows, columns=events.columns))
