"""Return interviews dated in another agency's record.

A social care log often records an interview when its report arrives ("RHI report
received" on 22/01) and writes the day it was held in the text ("Harbour Project RHI
completed 21/01"). :func:`derive_dated_interviews` makes that interview an event of its
own on the day written, and the record the receipt of its report, so that the time to
the interview is measured from the interview, not from its paperwork.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from workbench.kinds import RI_KINDS

__all__ = ["derive_dated_interviews"]

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
    # each interview goes just before the record that dates it; seq renumbered
    key = np.r_[np.arange(len(events), dtype=float), np.asarray(receipts, dtype=float) - 0.5]
    merged = pd.concat([events, pd.DataFrame(rows, columns=events.columns)], ignore_index=True)
    merged = merged.iloc[np.argsort(key, kind="stable")].reset_index(drop=True)
    merged["seq"] = np.arange(1, len(merged) + 1)
    return merged.astype(dict(events.dtypes))
