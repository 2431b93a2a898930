"""Column names as real returns write them, and finding the header row.

A return's columns are recognised from a wide vocabulary (exact names first, then
the words in a name: ``Date seen``, ``Date of interview``, ``Incident/contact type``,
``What the child said``, ``Officer/worker``, ``Information shared with``), and its
header row is found below any title block. Columns that are not a field of their
own (an unknown name, a second column of the same field, the child's words) are
still read: their text is kept in the event's details under the column's name.

Examples
--------
>>> field_for("Date or period of event"), field_for("Source of information")
('at', 'agency')
>>> field_for("Date seen"), field_for("Incident/contact type"), field_for("Officer/worker")
('at', 'kind', 'author')
>>> field_for("What the child said")
'labelled'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workbench.agencies import name_key
from workbench.io.dates import DateError, parse_when, plain

__all__ = ["FIELDS", "LABELLED", "Layout", "dates_only", "field_for", "find_header",
           "guess_column", "guess_date_column", "map_columns", "naming_cells", "varied"]

#: Canonical fields and the header names (matched after :func:`name_key`) that mean them.
FIELDS: dict[str, tuple[str, ...]] = {
    "ref": ("event ref", "event ref sequence", "ref", "reference", "event id", "id", "entry",
            "entry no", "entry number", "no", "number", "event number", "event no", "ref no",
            "record number", "record no", "urn"),
    "source_ref": ("source ref", "source reference", "citation", "para", "paragraph",
                   "source document", "document ref", "document reference", "report ref"),
    "sequence": ("sequence", "seq", "order", "sequence no", "event sequence"),
    "at": ("date", "start date", "date or period of event", "date of event", "event date",
           "when", "date time", "datetime", "date and time", "time and date", "period",
           "date period", "date seen", "date of interview", "date of contact",
           "date of incident", "incident date", "contact date", "date recorded", "occurred",
           "date occurred", "date reported", "date of referral", "date of meeting",
           "date of visit", "dates", "date and time of event", "date of entry", "reported",
           "reported date", "reported date time", "reported at", "date time reported",
           "time and date reported", "reported on"),
    "time": ("time", "start time", "time of event", "time seen", "time of contact",
             "time of incident", "time reported", "time of interview"),
    "end_at": ("end date", "date to", "to date", "until", "finish date", "date ended"),
    "end_time": ("end time", "time to", "finish time", "time ended"),
    "agency": ("agency", "source", "source of information", "organisation", "organization",
               "service", "recording agency", "agency recording", "from agency", "from",
               "agency name", "service provider", "reporting agency", "source agency",
               "agency involved", "partner agency", "agency service", "who",
               "who by", "agency or person", "agency person"),
    "kind": ("kind", "type", "event type", "category", "event category", "contact type",
             "incident type", "type of contact", "type of incident", "type of event",
             "incident contact type", "contact incident type", "nature of contact",
             "record type", "entry type", "activity type", "classification",
             "report classification", "missing classification", "occurrence type", "activity",
             "meeting", "meeting type", "type of meeting"),
    "summary": ("event", "significant event", "summary", "event summary", "title",
                "what happened", "incident", "event description", "presentation",
                "presenting issue", "reason for contact", "incident summary", "key event",
                "circumstances",
                "description of event", "brief description", "headline", "subjective",
                "text", "entry text", "note text", "recording", "daily recording",
                "record of the day"),
    "details": ("details", "detail", "description", "notes", "narrative", "further details",
                "comments", "information", "case notes", "full narrative", "observations",
                "analysis", "record", "narrative details", "objective", "assessment"),
    "action": ("action taken", "action", "actions", "response", "action taken or why none",
               "actions taken", "next steps", "plan", "decision"),
    "outcome": ("outcome", "result", "impact", "impact positive or negative", "outcome impact",
                "impact on child", "impact positive negative"),
    "shared_with": ("shared with", "to agency", "to organisation", "to organization",
                    "recipient organisation", "recipient", "recipients", "referred to",
                    "sent to", "shared to", "notified", "to", "shared", "information shared with",
                    "information shared", "passed to", "copied to", "notified to",
                    "shared with whom", "who informed", "contact made", "contacts made",
                    "who contacted"),
    "refers_to": ("responds to", "in response to", "reply to", "response to", "refers to",
                  "related event", "answers"),
    "risk": ("risk", "risk grading", "risk grade", "risk level", "grading", "risk rating",
             "risk category", "risk assessment", "missing risk"),
    "author": ("recorded by", "author", "worker", "practitioner", "officer", "staff member",
               "officer worker", "worker officer", "officer in case", "oic", "completed by",
               "entered by", "professional", "worker name", "practitioner name", "staff"),
}
#: columns kept in the details under their own name (the child's words, unknown columns)
LABELLED = "labelled"
_SYNONYMS = {syn: field for field, syns in FIELDS.items() for syn in syns}
#: words in a column name that say its field, tried in order when no name matches exactly
_KEYWORDS: tuple[tuple[str | None, re.Pattern[str]], ...] = tuple(
    (field, re.compile(pattern)) for field, pattern in (
        (None, r"\b(?:birth|dob)\b"),
        # "Shared with / when", "Sent to (date)": who it went to, whatever else is named
        ("shared_with", r"^(?:information |info )?(?:shared|sent|passed|referred|copied|notified)"
                        r" (?:with|to)\b"),
        # who a row is about ("Subject(s)", "People involved"): kept in the details
        (LABELLED, r"^subjects?(?: s)?$|^(?:people|persons?|individuals) (?:involved|named|present)$"),
        # who was at a meeting ("Attended", "Present"): read as its attendees
        (LABELLED, r"^(?:attended|attendees|attended by|present|in attendance|who attended|"
                   r"(?:agencies|professionals) (?:present|attending|attended))$"),
        (LABELLED, r"\b(?:child|childs|young person|young persons|yp|cyp)\b.*\b(?:said|voice|"
                   r"views?|words|account|wishes|feelings|says)\b|\b(?:voice|views?|wishes|"
                   r"feelings|words|account) of\b|\bwhat .* said\b"),
        ("end_time", r"\b(?:end|finish|finished|ended) time\b|\btime (?:to|ended|finished)\b"),
        ("end_at", r"\b(?:end|finish|finished|ended|closed) date\b|\bdate (?:to|ended|closed)\b"),
        ("at", r"\bdates?\b|\bwhen\b|\bperiod\b|\boccurred\b|\bage\b"),
        ("time", r"\btimes?\b"),
        ("shared_with", r"\b(?:shared|referred|notified|sent|passed|copied|informed|cc)\b"),
        ("refers_to", r"\b(?:responds?|reply|refers?|related)\b"),
        ("risk", r"\brisk\b|\bgrading\b"),
        ("kind", r"\b(?:type|category|kind|nature)\b"),
        ("source_ref", r"\b(?:citation|para|paragraph|document)\b|\bsource ref"),
        ("ref", r"\b(?:ref|reference|id|urn)\b|\b(?:entry|event|record|incident|log) (?:no|number)\b"),
        ("agency", r"\b(?:agency|organisation|organization|service|provider|source)\b"),
        ("author", r"\b(?:officer|worker|author|practitioner|recorded|completed|entered|staff|"
                   r"professional|oic)\b"),
        ("action", r"\baction|\bresponse\b|\bnext steps?\b|\bplan\b|\bdecision"),
        ("outcome", r"\boutcome|\bimpact|\bresult"),
        ("summary", r"\bevent|\bincident|\bsummary|\bpresentation|\bpresenting|\breason\b|"
                    r"\bcontact\b|\bconcerns?\b|\bheadline|\btitle\b|\bsubject\b|\bissue"),
        ("details", r"\bdetails?\b|\bnarrative|\bnotes?\b|\bdescription|\bcomments?\b|"
                    r"\binformation\b|\bobservations?\b|\banalysis\b|\brecord\b|\baccount\b"),
    ))
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
TEXT_FIELDS = ("summary", "details")


#: the boundary inside a word written in capitalised parts: "EventDate", "CaseNoteID"
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def field_for(header: str) -> str | None:
    """The canonical field a column header means (``labelled`` for the child's words), or None.

    A qualifier in brackets is ignored (``Date (dd/mm/yyyy)`` is a date); a name that
    is no synonym is read from its words, and a name written in one word of capitalised
    parts (``EventDate``, ``NoteText``) from those parts.
    """
    header = _CAMEL.sub(" ", header)
    key = name_key(header)
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    bare = name_key(_BRACKETS.sub(" ", header))
    if bare in _SYNONYMS:
        return _SYNONYMS[bare]
    for field, pattern in _KEYWORDS:
        if pattern.search(bare or key):
            return field
    return None


_VALUE = re.compile(r"\d{1,4}[/:\-]\d{1,2}")  # a date or a time: a value, never a column name


def _fields_of(cells: Sequence[str], mapping: Mapping[str, str]) -> set[str]:
    mapped = {name_key(h): f for f, h in mapping.items()}
    out: set[str] = set()
    for cell in cells:
        # a sentence or a date is a row's value ("First episode, age 14, ..."), not a name
        if cell.strip() and len(cell) <= 60 and not _VALUE.search(cell):
            field = mapped.get(name_key(cell)) or field_for(cell)
            if field and field != LABELLED:
                out.add(field)
    return out


def find_header(records: Sequence[tuple[int, Sequence[str]]], mapping: Mapping[str, str],
                *, search: int = 40) -> int | None:
    """The index of the header record: the first of the first ``search`` non-empty records
    that names a date and an event text (or, failing that, the one naming most fields).
    None when every record is empty.
    """
    filled = [i for i, (_, cells) in enumerate(records) if any(c.strip() for c in cells)]
    if not filled:
        return None
    # failing a better one, the first record of two or more cells (a title is one cell)
    best = next((i for i in filled[:search] if sum(1 for c in records[i][1] if c.strip()) >= 2),
                filled[0])
    best_score = 1
    for i in filled[:search]:
        cells = records[i][1]
        if sum(1 for c in cells if c.strip()) < 2:
            continue
        fields = _fields_of(cells, mapping)
        if ("at" in fields or "end_at" in fields) and fields & {*TEXT_FIELDS, "kind"}:
            return i
        if len(fields) > best_score:
            best, best_score = i, len(fields)
    return best


@dataclass(frozen=True)
class Layout:
    """Which column is which: field -> column index; labelled columns; what was met.

    ``labelled`` lists ``(index, label)`` of columns kept in details under their name;
    ``notes`` lists ``(index, reason, message)`` for columns not read as written
    (``reason`` one of ``unknown``, ``duplicate``, ``mapped-away``).
    """

    index: Mapping[str, int]
    labelled: tuple[tuple[int, str], ...]
    notes: tuple[tuple[int, str, str], ...]
    unknown_mapping: tuple[tuple[str, str, str], ...]  # (field, header, why)


_SOAP = {"s": "Subjective", "o": "Objective", "a": "Assessment", "p": "Plan"}


def map_columns(headers: Sequence[str], mapping: Mapping[str, str], *,
                letters: Sequence[str] = ()) -> Layout:
    """Field -> column index for a header row; every other column is kept labelled."""
    if {"s", "o", "a", "p"} <= {name_key(h) for h in headers}:
        # a clinical record's SOAP columns: subjective, objective, assessment, plan
        headers = [_SOAP.get(name_key(h), h) for h in headers]
    keyed = [name_key(h) for h in headers]
    out: dict[str, int] = {}
    bad: list[tuple[str, str, str]] = []
    for wanted, header in mapping.items():
        if wanted not in FIELDS:
            bad.append((wanted, header, "field"))
        elif name_key(header) not in keyed:
            bad.append((wanted, header, "column"))
        else:
            out[wanted] = keyed.index(name_key(header))
    mapped = set(out.values())
    labelled: list[tuple[int, str]] = []
    notes: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}

    def label(i: int) -> str:
        letter = letters[i] if i < len(letters) and letters[i] else str(i + 1)
        return headers[i] or f"Column {letter}"

    named: dict[str, int] = {}  # a column named by a synonym beats one read from its words
    for i, header in enumerate(headers):
        exact = _SYNONYMS.get(name_key(header)) or _SYNONYMS.get(
            name_key(_BRACKETS.sub(" ", header)))
        if exact and i not in mapped:
            named.setdefault(exact, i)
    for i, (header, key) in enumerate(zip(headers, keyed, strict=True)):
        if i in mapped:
            continue
        field = field_for(header) if key else None
        later = bool(field and field != "details" and field not in out
                     and named.get(field, i) != i)
        if not key:
            labelled.append((i, label(i)))
            notes.append((i, "unnamed", ""))
        elif key in seen or later or (field and field in out and field != "details"):
            labelled.append((i, label(i)))
            first = (headers[seen[key]] if key in seen else headers[named[field]] if later  # type: ignore[index]
                     else headers[out[field]])  # type: ignore[index]
            why = "mapped-away" if field in mapping else "duplicate"
            notes.append((i, why, first))
        elif field is None or field == LABELLED:
            labelled.append((i, label(i)))
            if field is None:
                notes.append((i, "unknown", ""))
        elif field == "details" and "details" in out:
            labelled.append((i, label(i)))
        else:
            out[field] = i
        seen.setdefault(key, i)
    return Layout(out, tuple(labelled), tuple(notes), tuple(bad))


# ------------------------------------------------------- what a column's cells hold

_TICK = re.compile(r"^(?:y|n|yes|no|n/?a|none|-+)\b", re.IGNORECASE)


def naming_cells(rows: Sequence[tuple[int, Sequence[str]]], i: int) -> int:
    """How many of a column's cells say more than a tick (``Y``, ``N - 06/01``, ``n/a``)."""
    values = [cells[i].strip() for _, cells in rows[:200] if i < len(cells) and cells[i].strip()]
    return sum(1 for v in values if not _TICK.match(v))


def varied(rows: Sequence[tuple[int, Sequence[str]]], i: int) -> bool:
    """Whether a column's text differs from row to row (or is one row's): "Panel" on every
    row of a register says nothing of each row."""
    values = {cells[i].strip() for _, cells in rows if i < len(cells) and cells[i].strip()}
    return len(values) > 1 or (len(values) == 1 and len(rows) == 1)


def _read(value: str) -> tuple[Any, bool, bool]:
    """A cell's start (None when no date), whether it is only a date (no note), and
    whether it gives a time."""
    try:
        when = parse_when(value)
    except DateError:
        return None, False, False
    if not when.dated:
        return None, False, False
    return when.start, plain(when), str(when.precision) == "minute"



def guess_column(rows: Sequence[tuple[int, Sequence[str]]], candidates: Sequence[int],
           want: str) -> int | None:
    """An unnamed column that holds dates (``want='at'``) or the longest text.

    Of several unnamed date columns (``Report received``, ``Last seen``, ``Found /
    returned``) the date is the one whose cells are dates and nothing else (not a
    sentence with a date in it), then the one that most often gives a time (the
    record's own moment: "Conversation held: 30 September 2024, 4pm" rather than
    "Referral received: 30 September 2024"), then the first.
    """
    body = rows[:200]
    if want == "at":
        scores: dict[int, tuple[bool, float]] = {}
        for i in candidates:
            texts = [t for _, cells in body if i < len(cells) and (t := cells[i].strip())]
            read = [_read(t) for t in texts]
            dated = [r for r in read if r[0] is not None]
            if texts and len(dated) / len(texts) >= 0.6:
                pure = sum(r[1] for r in dated) / len(dated) >= 0.6
                scores[i] = (pure, round(sum(r[2] for r in dated) / len(dated), 1))
        return max(scores, key=lambda i: scores[i]) if scores else None  # the first of ties
    best, best_score = None, 0.0
    for i in candidates:
        values = [cells[i].strip() for _, cells in body if i < len(cells) and cells[i].strip()]
        if values and (score := sum(map(len, values)) / len(values)) >= 12 and score > best_score:
            best, best_score = i, score
    return best



def dates_only(body: Sequence[tuple[int, Sequence[str]]], i: int) -> bool:
    """Whether a column's cells are dates and nothing else."""
    read = [_read(t) for _, c in body[:200] if i < len(c) and (t := c[i].strip())]
    return bool(read) and sum(1 for r in read if r[1]) >= 0.6 * len(read)



def guess_date_column(records: Sequence[tuple[int, Sequence[str]]], header: int,
                      candidates: Sequence[int]) -> int | None:
    """The column among ``candidates`` whose cells below the ``header`` record are dates
    (a table whose date column has a name no return has used before)."""
    body = [(line, cells) for line, cells in records[header + 1:] if any(c.strip() for c in cells)]
    return guess_column(body, candidates, "at")
