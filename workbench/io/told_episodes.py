"""Missing episodes told inside other rows: a police notification in a social care
export ("PPN: M missing 26/10/24 2000hrs, returned home 27/10/24 1400hrs"), a return
interview log's episode column, a published review's row that holds a whole episode
("Missing; found 11/10 at 0230hrs").

:func:`derive_reported_episodes` adds the episode's ``missing_report`` (and its
``found``, dated by :func:`workbench.io.derived.found_when`) to the event table, each
keeping its row's source and referring to it; the row itself is kept as written.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from workbench.io.dates import DateError, When, parse_when
from workbench.io.derived import (
    _DATE,
    _DAY,
    _DAY_MONTH,
    _clock,
    _derived_row,
    _report_when,
    found_when,
)
from workbench.io.placing import place_derived
from workbench.kinds import REPORT_KINDS, denied

__all__ = ["derive_reported_episodes"]

#: "missing 26/10/24 2000hrs", "reported missing by father 14/09/24 2130hrs": the date
#: a little after the word, with no word between that makes it another date
_MISSING_AT = re.compile(
    r"\bmissing\b(?P<gap>(?:[^.;\n]|\.(?=\d)){0,40}?)(?P<date>" + _DATE.pattern + "|"
    + _DAY_MONTH.pattern + r")"
    r"(?:,?\s*(?:at\s*)?(?P<time>(?:[01]?\d|2[0-3])[:.]?[0-5]\d\s?(?:hrs|hours|h)\b"
    r"|(?:[01]?\d|2[0-3])[:.][0-5]\d))?", re.I)
_NOT_THE_START = re.compile(r"\b(?:since|until|till|before|after|episodes|team|service|"
                            r"coordinator|return|interview|rhi|from (?:school|education))\b", re.I)
#: the child's return in the same words: "returned home 27/10/24 1400hrs", "found 29/09/24"
_BACK = re.compile(r"\b(?:found|located|traced|self[- ]returned|returned(?: home)?|came home|"
                   r"back home|home(?= (?:on )?(?:mon|tue|wed|thu|fri|sat|sun|\d)))\b"
                   r"(?:[^.;\n]|\.(?=\d)){0,60}", re.I)
_POLICE_WORDS = re.compile(r"\b(?:ppn|police|officers?|misper|constabulary|force)\b", re.I)


def _episode_words(texts: list[tuple[str, str]]) -> tuple[str, re.Match[str], str] | None:
    """The field, the missing match and the return words of the first dated missing
    episode written in a row's texts, or None."""
    for field, text in texts:
        for m in _MISSING_AT.finditer(text):
            if _NOT_THE_START.search(m["gap"]) or denied(text, m.start()):
                continue
            back = _BACK.search(text, m.end())
            return field, m, back.group(0).strip(" ,") if back else ""
    return None


def _missing_when(date: str, time: str | None, row_start: pd.Timestamp) -> When | None:
    """The missing date a row writes; a day and month with no year ("Sat 11/01") is the
    latest such day on or before the row's own date (None when the row has none)."""
    clock = _clock(time) if time else None
    if not _DAY_MONTH.fullmatch(date):
        return parse_when(date, clock)
    if pd.isna(row_start):
        return None
    year = row_start.tz_convert("Europe/London").year
    when = parse_when(f"{date}/{year}", clock)
    if when.start > row_start + _DAY:
        when = parse_when(f"{date}/{year - 1}", clock)
    return when


def _found_of(report: pd.Series, when: When, words: str, field: str) -> dict[str, object] | None:
    """The found event of a derived report, from the return its row writes, or None
    when it names no date or time that can be read after the report."""
    try:
        back, said = found_when(words, when)
    except DateError:
        return None
    if back is None or (back.end is not None and back.end <= when.start):
        return None
    return _derived_row(report, f"{report['id']}-found", back, said, words, field)


def derive_reported_episodes(events: pd.DataFrame) -> pd.DataFrame:
    """The events with a missing report added for each episode that another kind of row
    tells of, dated as it writes it ("PPN: M missing 26/10/24 2000hrs, returned home
    27/10/24 1400hrs", a police notification in a social care export).

    The derived report is the police's when the row says so (``PPN``, ``police``),
    else the recording agency's; it keeps the row's source, refers to the row, and
    is followed by the found the row writes ("returned home 27/10/24 1400hrs", "home
    Sun 12/1 approx 11am"), dated as :func:`found_when` reads it. No report is derived
    where one is recorded within a day of the date written (the same episode, told twice).

    >>> ev = pd.DataFrame({"id": ["csc-3"], "seq": [1], "agency": ["Children's Social Care"],
    ...     "sector": ["social-care"], "kind": ["notification"],
    ...     "start": [pd.Timestamp("2024-10-28", tz="UTC")],
    ...     "end": [pd.Timestamp("2024-10-29", tz="UTC")],
    ...     "precision": ["day"], "when": ["28-Oct-2024"],
    ...     "summary": ["PPN: M missing 26/10/24 2000hrs, returned home 27/10/24 1400hrs."],
    ...     "details": [""], "action": [""], "outcome": ["Information only"], "recipients": [""],
    ...     "risk_grade": ["medium"], "source_file": ["csc.csv"], "source_line": [13],
    ...     "source_sheet": [""], "source": ["csc.csv:13"]})
    >>> out = derive_reported_episodes(ev)
    >>> out[["id", "kind", "agency", "when", "refers_to"]].values.tolist()[1:]
    [['csc-3-missing', 'missing_report', 'Police', '26/10/24 2000hrs', 'csc-3'], ['csc-3-missing-found', 'found', 'Police', '27/10/24 1400hrs', 'csc-3-missing']]
    """
    text_fields = [f for f in ("summary", "details", "outcome") if f in events.columns]
    if events.empty or not text_fields:
        return events
    events, whole = _whole_episodes(events)
    kinds = events["kind"].astype(str)
    starts = pd.to_datetime(events["start"], utc=True)
    recorded = pd.DatetimeIndex(starts.loc[kinds.isin(REPORT_KINDS)].dropna()).sort_values()
    sectors = events["sector"].astype(str) if "sector" in events.columns else \
        pd.Series("", index=events.index)
    police = events.loc[sectors.eq("police"), "agency"]
    police_agency = str(police.mode().iloc[0]) if not police.empty else "Police"
    taken = set(events["id"])
    rows: list[dict[str, object]] = []
    told: list[pd.Timestamp] = []  # the episodes derived so far: the first row to tell one wins
    # only rows whose text says "missing" can tell an episode: found here in one pass
    # over the columns, not by reading every row as a Series (the import's largest cost)
    columns = {f: events[f].to_numpy(dtype=object) for f in text_fields}
    mentions = np.zeros(len(events), dtype=bool)
    for values in columns.values():
        mentions |= np.fromiter(("missing" in str(v).lower() for v in values), bool, len(values))
    candidates = np.flatnonzero(~kinds.isin((*REPORT_KINDS, "found")).to_numpy() & mentions)
    for i in candidates[np.argsort(starts.iloc[candidates].to_numpy(), kind="stable")]:
        texts = [(f, str(columns[f][i])) for f in text_fields
                 if "missing" in str(columns[f][i]).lower()]
        found = _episode_words(texts)
        if found is None:
            continue
        field, m, back = found
        row = events.iloc[i]
        try:
            when = _missing_when(m["date"], m["time"], starts.iloc[i])
        except DateError:
            continue
        if when is None:
            continue
        near = recorded.searchsorted(when.start - _DAY)
        if (near < len(recorded) and recorded[near] <= when.start + _DAY) or any(
                abs(t - when.start) <= _DAY for t in told):
            continue  # the report of this episode is in the chronology already
        told.append(when.start)
        said = m["date"] + (f" {m['time']}" if m["time"] else "")
        by_police = bool(_POLICE_WORDS.search(" ".join(t for _, t in texts))) or \
            sectors.iloc[i] == "police"
        new_id, n = f"{row['id']}-missing", 2
        while new_id in taken:
            new_id, n = f"{row['id']}-missing-{n}", n + 1
        taken.add(new_id)
        new: dict[str, object] = {c: "" for c in events.columns}
        new.update(
            id=new_id, seq=row["seq"],
            agency=police_agency if by_police else row["agency"],
            sector="police" if by_police else sectors.iloc[i],
            kind="missing_report", kind_confidence=0.8,
            kind_basis=f'derived: the missing episode written in the {field} of {row["id"]} '
                       f'("{m.group(0).strip()}")',
            when=said, start=when.start, end=when.end, precision=str(when.precision),
            approximate=bool(when.approximate), summary=m.group(0).strip(),
            details=f"Written in the {field} of {row['id']}.",
            risk_grade=row.get("risk_grade", ""), refers_to=row["id"])
        if "agency_as_written" in new:
            new["agency_as_written"] = new["agency"]
        for c in ("author", "source_file", "source_line", "source_sheet", "source"):
            if c in events.columns:
                new[c] = row[c]
        rows.append(new)
        if back and (its_found := _found_of(pd.Series(new), when, back, field)) is not None:
            rows.append(its_found)
    rows = [*whole, *rows]
    if not rows:
        return events
    return place_derived(events, pd.DataFrame(rows))


_OPENS_MISSING = re.compile(r"^\W*missing\b(?! (?:team|service|coordinator|from (?:school|education)))",
                            re.I)


def _whole_episodes(events: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """Rows read as a found that open with "Missing" and write the return ("Missing;
    found 11/10 at 0230hrs", "Missing overnight, returned 17/07 0700hrs": a whole
    episode in one row, as published reviews write it): each becomes the episode's
    missing report, with its found derived from the words of the return."""
    if "summary" not in events.columns:
        return events, []
    whole = events["kind"].astype(str).eq("found") & \
        events["summary"].astype(str).str.match(_OPENS_MISSING)
    if "kind_basis" in events.columns:
        whole &= ~events["kind_basis"].astype(str).str.startswith("derived:")
    if not whole.any():
        return events, []
    events = events.copy()
    events.loc[whole, "kind"] = "missing_report"
    if "kind_basis" in events.columns:
        events.loc[whole, "kind_basis"] = events.loc[whole, "kind_basis"].astype(str) + \
            "; read as the missing report: the row opens with 'Missing' and writes the return"
    founds = []
    for i in np.flatnonzero(whole.to_numpy()):
        row = events.iloc[i]
        when = _report_when(row)
        back = _BACK.search(str(row["summary"]))
        if when is not None and back and (
                found := _found_of(row, when, back.group(0).strip(" ,"), "summary")) is not None:
            founds.append(found)
    return events, founds
