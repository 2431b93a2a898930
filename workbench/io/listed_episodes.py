"""Several episodes in one row, as published reviews write them: a missing report whose
date names its days ("December 2014 (06/12 and 20/12)", "late March 2015 (24/03 and
29/03)", "March 2015 (3rd, 9th and 21st)") is one report for each day.

:func:`split_listed_reports` dates the row by the first day it lists and adds a report
for each other day (placed after the row, keeping its source, and naming the row in its
``kind_basis``: a ``refers_to`` would make it an echo of the row's episode), with a
``days-listed`` warning saying so. After the facts are found, :func:`derive_listed_founds` gives each
report its return: a found that names a listed day ("On 20/12 she was found at 0300hrs")
belongs to that day's report, one written for all of them ("each returned within
12 hours") to every one, and a report with none is closed before the next listed day.
"""

from __future__ import annotations

import re

import pandas as pd

from workbench.errors import Problem, Reason, Severity
from workbench.io.date_grammar import _MONTHS
from workbench.io.derived import _derived_row, derive_found_events
from workbench.io.placing import place_derived
from workbench.io.when import Precision, When
from workbench.kinds import REPORT_KINDS

__all__ = ["derive_listed_founds", "split_listed_reports"]

#: a day the note lists: "06/12", "24/03", "3rd", "21st" (not a full date, not a count)
_LISTED_DAY = re.compile(r"(?<![\d/])(?P<day>[12]\d|3[01]|0?[1-9])"
                         r"(?:/(?P<month>1[0-2]|0?[1-9])(?![\d/])|(?:st|nd|rd|th)\b)", re.I)
#: a found written for all the row's episodes
_EVERY = re.compile(r"\b(?:each|both|every|all)\b", re.I)
_BASIS = "derived: a day listed in the date of "
_LONDON = "Europe/London"


def _listed_days(note: str, start: pd.Timestamp, end: pd.Timestamp) -> list[pd.Timestamp]:
    """The distinct days (UTC starts of London days) a date note lists inside
    ``[start, end)``, in order; fewer than two means the row is one report."""
    local = start.tz_convert(_LONDON)
    days: list[pd.Timestamp] = []
    for m in _LISTED_DAY.finditer(note):
        month = int(m["month"]) if m["month"] else local.month
        try:
            day = pd.Timestamp(local.year, month, int(m["day"]), tz=_LONDON).tz_convert("UTC")
        except ValueError:
            return []
        if not start <= day < end:
            return []
        if day not in days:
            days.append(day)
    return days if len(days) >= 2 else []


def _problem(row: pd.Series, days: list[pd.Timestamp]) -> Problem:
    written = ", ".join(d.tz_convert(_LONDON).strftime("%d/%m/%Y") for d in days)
    return Problem(file=str(row.get("source_file") or ""),
                   line=int(row.get("source_line") or 0) or None, column="date",
                   sheet=row.get("source_sheet") or None, value=str(row.get("when") or ""),
                   reason=Reason.DAYS_LISTED, severity=Severity.WARNING,
                   message=f"the date lists {len(days)} days ({written}): read as one "
                           f"{str(row['kind']).replace('_', ' ')} on each, the row itself on "
                           "the first")


def split_listed_reports(events: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """The events with one report for each day a report's date lists, and the warnings.

    >>> t = pd.Timestamp("2014-12-01", tz="UTC")
    >>> ev = pd.DataFrame({"id": ["r3"], "seq": [1], "kind": ["missing_report"],
    ...     "agency": ["Police"], "when": ["December 2014 (06/12 and 20/12)"],
    ...     "date_note": ["06/12 and 20/12"], "start": [t], "end": [pd.Timestamp("2015-01-01", tz="UTC")],
    ...     "precision": ["month"], "summary": ["Two further missing episodes"], "refers_to": [""]})
    >>> out, problems = split_listed_reports(ev)
    >>> out[["id", "start", "precision"]].astype(str).values.tolist()
    [['r3', '2014-12-06 00:00:00+00:00', 'day'], ['r3-2', '2014-12-20 00:00:00+00:00', 'day']]
    >>> problems[0].reason.value
    'days-listed'
    """
    if "date_note" not in events.columns or events.empty:
        return events, []
    candidates = events["kind"].isin(REPORT_KINDS) & events["date_note"].astype(str).str.contains(
        r"\d", regex=True) & ~events["precision"].isin(("minute", "day", "undated"))
    if not candidates.any():
        return events, []
    events = events.copy()
    taken = set(events["id"])
    rows: list[dict[str, object]] = []
    problems: list[Problem] = []
    for i in events.index[candidates]:
        row = events.loc[i]
        days = _listed_days(str(row["date_note"]), row["start"], row["end"])
        if not days:
            continue
        problems.append(_problem(row, days))
        events.loc[i, ["start", "end", "precision"]] = [days[0], days[0] + pd.Timedelta(days=1),
                                                        "day"]
        for n, day in enumerate(days[1:], 2):
            new_id = f"{row['id']}-{n}"
            while new_id in taken:
                new_id += "-listed"
            taken.add(new_id)
            new: dict[str, object] = {c: "" for c in events.columns}
            for c in ("seq", "agency", "agency_as_written", "sector", "kind", "kind_confidence",
                      "risk_grade", "author", "source_file", "source_line", "source_sheet",
                      "source"):
                if c in events.columns:
                    new[c] = row[c]
            label = str(row["kind"]).replace("_", " ").capitalize()
            new.update(id=new_id, kind_basis=f"{_BASIS}{row['id']}", when=str(row["when"]),
                       start=day, end=day + pd.Timedelta(days=1), precision="day",
                       approximate=bool(row.get("approximate", False)),
                       summary=f"{label} on {day.tz_convert(_LONDON):%d/%m/%Y}",
                       details=f"A day listed in the date of {row['id']} "
                               f"(\"{row['when']}\").",
                       refers_to=row["id"])
            rows.append(new)
    if not rows:
        return events, problems
    events = place_derived(events, pd.DataFrame(rows))
    # placed after its row, but another episode: not a report of the row's (an echo)
    events.loc[_listed(events), "refers_to"] = ""
    return events, problems


def _listed(events: pd.DataFrame) -> pd.Series:
    """Which events are reports on a day another row's date lists."""
    if "kind_basis" not in events.columns:
        return pd.Series(False, index=events.index)
    return events["kind_basis"].astype(str).str.startswith(_BASIS)


def _row_of(basis: str) -> str:
    return basis.removeprefix(_BASIS)


def derive_listed_founds(events: pd.DataFrame, facts: pd.DataFrame
                         ) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """:func:`~workbench.io.derived.derive_found_events`, with the founds of each split
    row shared out: one that names a listed day belongs to that day's report, one written
    for every episode ("each returned within 12 hours") to each; a listed report with no
    found of its own is closed before the next listed day (its return is not written, but
    came before the child went missing again)."""
    listed = events.loc[_listed(events)]
    if listed.empty:
        return derive_found_events(events, facts)
    rows = listed["kind_basis"].map(_row_of)
    found = facts["fact"].eq("found") & facts["event_id"].isin(set(rows))
    extra: list[pd.DataFrame] = []
    facts = facts.copy()
    for i in facts.index[found]:
        words = str(facts.at[i, "words"])
        own = listed.loc[rows.eq(facts.at[i, "event_id"])]
        if _EVERY.search(words):
            extra.extend(facts.loc[[i]].assign(event_id=eid) for eid in own["id"])
            continue
        for eid, day in zip(own["id"], own["start"], strict=True):
            if _names_day(words, day.tz_convert(_LONDON)):
                facts.at[i, "event_id"] = eid
                break
    if extra:
        facts = pd.concat([facts, *extra], ignore_index=True)
    events, facts, problems = derive_found_events(events, facts)
    return _close_before_next(events, set(rows)), facts, problems


def _names_day(words: str, day: pd.Timestamp) -> bool:
    month = "|".join(name for name, number in _MONTHS.items() if number == day.month)
    return re.search(rf"(?<![\d/])0?{day.day}/0?{day.month}(?!\d)|\b{day.day}(?:st|nd|rd|th)?"
                     rf"(?: of)? (?:{month})\b", words, re.I) is not None


def _close_before_next(events: pd.DataFrame, split: set[str]) -> pd.DataFrame:
    """A found, dated only as "before the next listed day", for each listed report with
    none of its own that another listed report follows."""
    listed = _listed(events)
    group = events["kind_basis"].astype(str).map(_row_of).where(listed, events["id"])
    reports = events.loc[listed | events["id"].isin(split)].assign(_group=group)
    has_found = set(events.loc[events["kind"].eq("found"), "refers_to"])
    rows = []
    for _, days in reports.sort_values("start").groupby("_group", sort=False):
        for (_, report), next_start in zip(days.iterrows(), days["start"].iloc[1:], strict=False):
            if report["id"] in has_found:
                continue
            when = When("", report["start"], next_start, Precision.RANGE, approximate=True)
            said = f"before {next_start.tz_convert(_LONDON):%d/%m/%Y}"
            rows.append(_derived_row(report, f"{report['id']}-found", when, said,
                                     f"returned {said}, the next day listed", "date"))
    return place_derived(events, pd.DataFrame(rows)) if rows else events
