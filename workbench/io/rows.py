"""One return's rows read into event records: dates, agency, kind, recipients, meetings.

Why one module: a row's fields are read in one pass that shares the row's agency,
dates and warnings (:class:`RowReader`), with the registry that counts the agencies met.

Every row becomes a record; what could not be read as written is a warning saying
what was assumed, and the written text is never dropped (a date that cannot be
read leaves the row undated, in its place, with the text in ``when``; a kind,
grading or recipient that is not in the vocabulary is kept in the details).

Agencies are read as written (:meth:`~workbench.agencies.AliasTable.resolve`): a
name in no alias is an agency of its own, counted by :class:`AgencyRegistry`. A row
whose agency is a meeting (``Multi agency panel``) is a meeting: its kind is a
meeting kind, its attendees are read from its text, and it is recorded under the
agency that convened it (a chair written in the text, else the first attendee,
else the return's own agency, else Children's Social Care, the usual convenor),
with a warning saying which; the meeting's name stays in ``agency_as_written``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from workbench.agencies import AliasTable, Resolved, name_key, yaml_scalar
from workbench.errors import Problem, Reason, Severity, Where
from workbench.io.chronology import Chronology, Row
from workbench.io.dated_interviews import interview_column
from workbench.io.dates import (
    DateError,
    Precision,
    When,
    far_future,
    only_a_date,
    parse_when,
    span,
)
from workbench.io.derived import leading_date, note_date
from workbench.kinds import (
    ALL_AGENCIES,
    GRADES,
    HANDOFF_KINDS,
    KINDS,
    MEETING_KINDS,
    REPORT_KINDS,
    RI_KINDS,
    Classification,
    classify,
    kind_of_column_word,
    leading_list,
    read_grade,
    split_attendees,
)

__all__ = ["AgencyRegistry", "FileAgency", "Record", "RowReader", "informed_by", "slug"]

#: an event as read from one row: its fields (text, times, flags) before the events table
Record = dict[str, Any]

W = Severity.WARNING
_SLUG = re.compile(r"[^a-z0-9]+")
_RECIPIENT_SPLIT = re.compile(r"\s*[;,/+\n]\s*")
_BRACKETED = re.compile(r"\([^()]*\)")
_AND = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)
_AFTER_TO = re.compile(r"\b(?:to|with|into)\b(.*?)(?:\b(?:from|by)\b|$)", re.IGNORECASE)
# when and how a hand-off went, written beside a recipient: "CSC by phone 05/09", "(same day)"
_MEANS = re.compile(r"\b(?:by|via|over the)\s+(?:phone|telephone|e-?mail|letter|secure e-?mail|"
                    r"fax|portal|form|post)(?:\s+and\s+(?:phone|telephone|e-?mail|letter))?\b"
                    r"|\b(?:on\s+)?\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?\b|\bsame day\b|\bat \d{1,2}[:.]?\d{2}\b"
                    r"|\b(?:at\s+)?(?:\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm|hrs)|[0-2]\d[0-5]\d\s?(?:hrs|hours|h))\b",
                    re.IGNORECASE)
# sharing written in the text of any row: "Notification to Social Care front door",
# "RHI sent to SW1 and police", "shared with CSC", "informed the school", "School informed"
_SHARED_TO = re.compile(
    r"\b(?:sent|shared|passed(?:\s+on)?|forwarded|e-?mailed|copied|notified|notifications?|"
    r"referred|referral|marf|mirf|ppn|faxed|escalated|reported|handed\s+over|uploaded)"
    r"(?:\s+(?:on|over|across|immediately|by\s+(?:phone|(?:secure\s+)?e-?mail|letter|post)"
    r"|the\s+same\s+day))*"
    r"\s+(?:to|with)\s+(?P<who>[^.;\n]+)", re.IGNORECASE)
_INFORMED = re.compile(r"\b(?:informed|notified|updated|alerted|e-?mailed|phoned|rang|telephoned|"
                       r"tel\.?(?=\s+(?!to\b|no\b|number))|"  # "Tel CSC front door 1620"
                       # as published reviews write it, in the present ("emails Anyshire
                       # Social Work asking for ...", "phones the Birchmere manager")
                       r"informs|notifies|alerts|e-?mails|phones|rings|telephones|contacts|"
                       r"contacted|wr(?:ote|ites)\s+to|"
                       r"made\s+aware\s+(?:of\s+)?)"
                       r"\s+(?P<who>[^.;\n]+)", re.IGNORECASE)
_WAS_INFORMED = re.compile(r"(?P<who>[^.;:\n]+?)\s+(?:informed|notified|updated|made\s+aware)\b",
                           re.IGNORECASE)
#: the words _WAS_INFORMED ends on: a sentence without them has no match
_TOLD_WORD = re.compile(r"\s(?:informed|notified|updated|made\s+aware)\b", re.IGNORECASE)
# information that came from another agency: "SW6 reported ...", "Harbour Project shared
# RHI by phone", "Information received from CSC", "CSC told us"
_FROM = re.compile(r"(?:^|[.;!?\n]\s*)(?P<who>(?:\S+\s+){0,4}?\S+)\s+(?:reported|passed\s+on|shared|"
                   r"told\s+(?:us|school|police|staff)|phoned|rang|raised|e-?mailed|"
                   r"notified|informed|disclosed\s+to\s+us)\b"
                   r"|\b(?:received|information|referral|call|phone\s+call|e-?mail)\s+from\s+"
                   r"(?P<from>[^.;:!?\n]{1,60})"
                   # "Police notification received", "ED referral received", "PPN rec'd"
                   r"|\b(?P<got>(?:\S+\s+){0,2}?(?:notification|referral|ppn|debrief))"
                   r"(?:\s+and\s+\S+(?:\s+\S+)?)?\s+(?:received|rec'?d)\b", re.IGNORECASE)
_PPN = re.compile(r"\bppn\b", re.IGNORECASE)  # a police protection notice: from the police
#: a notice the police record they sent, its recipient unnamed ("PPN.", "PPN submitted")
_PPN_SENT = re.compile(r"\bppns?\b(?!\s*(?:rec|received|from))(?:\s+(?:submitted|sent|completed|"
                       r"raised|done|made|created)\b|\s*(?:[.;,]|\d|$))", re.IGNORECASE)
_NO_GOT = re.compile(r"(?:no|not|never)\b", re.IGNORECASE)
# a sharing denied or only intended: "No notification of the placement sent to",
# "SW to send placement notifications to"
_SHARE_NOT = re.compile(r"\b(?:not|no|never|nor|without|failed\s+to|unable\s+to|yet\s+to)\b"
                        r"(?:\s+\w+){0,4}\s*$|\b(?:to|will|would|should|must|needs?\s+to|"
                        r"plan(?:s|ned)?\s+to|agreed\s+to)\s+(?:send|share|notify|pass|forward|"
                        r"e-?mail|inform|refer|make)\b(?:\s+\w+){0,2}\s*$", re.IGNORECASE)
#: a sharing the sentence says did not happen, after naming it ("Notification to host
#: authority and host police: not recorded", "... - not done")
_SHARE_NOT_AFTER = re.compile(r"[:\-\u2013]\s*(?:not|never|none|no)\b(?:\s+(?:yet\s+)?(?:recorded|"
                              r"done|sent|made|completed|evidenced|found|given))?\s*\W*$",
                              re.IGNORECASE)
_WHO_END = re.compile(r"\b(?:for|re|regarding|about|because|as|that|who|which|but|when|after|"
                      r"before|from|asking|requesting|to\s+(?!the\b)[a-z]+)\b.*"
                      # "Emailed CSC front door: practice info (ED attendance ...)"
                      r"|:\s.*", re.IGNORECASE)
_KIND_WORDS = {k.replace("_", " "): k for k in KINDS}
_NOT_SHARED = re.compile(r"(?:no|n|none|nil|n/?a|-+|not shared|no one|nobody|not known|unknown)",
                         re.IGNORECASE)
_NOT_TOLD = re.compile(r"\b(?:not|never|wasn.t|were not|was not)\s+(?:yet\s+)?(?:been\s+)?"
                       r"(?:informed|told|notified|shared|sent|passed|copied|updated|made aware)\b",
                       re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_NONE_FIRST = re.compile(r"^\s*(?:no|not|none|nil|nobody|no one)\b(?!\s*(?:1|one)\b)",
                         re.IGNORECASE)
_YES = re.compile(r"^(?:yes|y)\b[\s:\-\u2013,]*", re.IGNORECASE)
#: a 'shared' cell written as a sentence ("Shared with SW and police 13/02"): its
#: agencies are read as the text's, not the cell's words as names
_SHARE_SENTENCE = re.compile(r"^\s*(?:shared|sent|passed(?:\s+on)?|forwarded|e-?mailed|copied|"
                             r"referred|notified|informed|phoned|rang)\b", re.IGNORECASE)
_CHAIR = re.compile(r"\b(?:chaired|convened|called|led|held)\s+by\s+(?:the\s+)?([^.;,\n]+)",
                    re.IGNORECASE)
# a return interview's row that says it took place
#: words that say a meeting or an interview took place
_DONE_WORDS = r"held|completed|done|took place|undertaken|conducted"
_HELD = re.compile(rf"\b(?:interview(?:ed)?|ri|rhi|debrief)\s*(?:{_DONE_WORDS})\b"
                   r"|\binterview (?:date|held)\s*:\s*\d", re.IGNORECASE)
#: marks an attendee written by a short name ("Harbour") until all returns are read: then
#: it is the case's one agency whose name holds those words, or it is dropped
SHORT_NAME = "\x1f"
_SHORT_NAME = re.compile(r"[A-Z][\w'&-]+(?: [A-Z][\w'&-]+){0,2}")
#: a person of an agency named by its short name ("Brackwater worker", "Harbour lead")
_SHORT_POST = re.compile(r"(?P<name>[A-Z][\w'&-]+(?: [A-Z][\w'&-]+){0,2}) (?:worker|officer|lead|"
                         r"manager|practitioner|co-?ordinator|rep|representative)s?")
# a unit of an agency, named without the agency ("Assessment Team", "Duty desk")
_TEAM = re.compile(r"\b(?:team|unit|desk|duty|hub|locality|office|department|dept)\b",
                   re.IGNORECASE)
# a cell naming several agencies at once: "Hilltop Lodge / Kirkdale Police Division"
_JOINT = re.compile(r"\s+/\s+|\s*;\s*")
# words that are no part of an agency's name, in a list of who was told
_NOT_A_NAME = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\([^)]*$|^[^(]*\)|\b(?:informed|e-?mailed|sent|copy|copied|via|summary|note|"
                         r"notes|possible|not|yet|phoned|verbal|written|update|of|by|re|about|"
                         r"asked|told|called|all|everyone|attendees|letter)\b", re.IGNORECASE)
_NOT_A_NAME_CUT = re.compile(r"\bnot\s+yet\b[^-]*(?:-|$)|\d{1,2}[:.]\d{2}\b", re.IGNORECASE)
#: an agency column that may only say where the information came from
_INFORMANT_HEADERS = frozenset(["source", "source of information", "information source", "from",
                                "who", "who by", "informant", "reported by"])
#: ... and those that can only say that, in a return whose file name names its agency
_SOURCE_HEADERS = _INFORMANT_HEADERS - {"who", "who by"}
_TIME_REASONS = (Reason.UNPARSEABLE_TIME, Reason.NONEXISTENT_TIME)
#: the usual convenor of a multi-agency meeting when none is written
CONVENOR = "Children's Social Care"


def slug(text: str) -> str:
    """``text`` as a lower-case slug for ids (``"x"`` when nothing is left)."""
    return _SLUG.sub("-", text.lower()).strip("-") or "x"


@dataclass(frozen=True)
class FileAgency:
    """The agency of a return's rows that name none, and where it came from
    (``option``, ``sheet name``, ``title block``, ``file name``)."""

    resolved: Resolved
    source: str


@dataclass
class _New:
    name: str
    sector: str
    basis: str
    written: dict[str, None] = field(default_factory=dict)
    rows: int = 0
    first: dict[tuple[str, str], tuple[Where, str]] = field(default_factory=dict)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)


class AgencyRegistry:
    """Agencies met that are in no alias: each once, with its sector, rows and places."""

    def __init__(self, aliases: AliasTable):
        self.aliases = aliases
        self.new: dict[str, _New] = {}

    def note(self, r: Resolved, where: Where, field_: str, *, row: bool) -> None:
        key = name_key(r.name)
        entry = self.new.setdefault(key, _New(r.name, r.sector, r.basis))
        entry.written.setdefault(r.written)
        entry.rows += row
        place = (str(where["file"]), field_)
        entry.first.setdefault(place, (where, r.written))
        entry.counts[place] = entry.counts.get(place, 0) + 1

    def problems(self) -> list[Problem]:
        """One warning per new name and file, at its first row, with what to paste."""
        out = []
        for entry in self.new.values():
            into = self.aliases.closest(entry.name, entry.sector)
            for place, (where, written) in entry.first.items():
                count = entry.counts[place]
                hint = (f"; to read it as {into}, add under 'agencies:' in an alias file: "
                        f"- {{name: {yaml_scalar(into)}, aliases: [{yaml_scalar(written)}]}}" if into else "")
                close = self.aliases.suggest(written)
                mean = f" (did you mean {', '.join(close)}?)" if close else ""
                out.append(Problem(reason=Reason.UNKNOWN_AGENCY, severity=W, value=written,
                                   message=f"{written!r}{mean} is not a known agency: kept as an "
                                   f"agency of its own, {entry.name!r}, sector {entry.sector} "
                                   f"({entry.basis}), on {count} row(s) of this return{hint}",
                                   **where))
        return out


def _read_kind(value: str) -> str | None:
    key = slug(value).replace("-", "_")
    if key in KINDS:
        return key
    return _KIND_WORDS.get(value.lower().strip()) or kind_of_column_word(value)


_OFFERED = re.compile(r"\b(?:offer|arrang|book|attempt|schedul|request)", re.IGNORECASE)
_DONE = re.compile(rf"\b(?:{_DONE_WORDS})\b", re.I)
_BARE_DONE = re.compile(rf"(?:{_DONE_WORDS}|seen)", re.I)
#: fields whose column may be an episode's return interview ("Return interview" as the text)
_INTERVIEW_FIELDS = ("summary", "details", "action", "outcome", "kind")
#: a row that says there was none of what its log records ("No episodes.", "no further
#: missing reports"): not a record of the log's kind
_NONE_OF = re.compile(r"\bno (?:further |new )?(?:(?:missing )?episodes?|missing (?:reports?|"
                      r"incidents?)|reports?)\b", re.IGNORECASE)
#: the column an empty date cell's row was dated from (:meth:`RowReader._dated_elsewhere`)
_DATED_FROM = "\x1fdated_from"
#: the interview-date column a return interview log's row was dated by (RowReader._held_on)
_HELD_ON = "\x1fheld_on"
_DATE_WORD = re.compile(r"\bdate\b", re.IGNORECASE)
#: a return interview log named by its short words ("RHI log", "harbour_project_ri_log")
_RI_TITLE = re.compile(r"\b(?:rhi|ri|debriefs?)\b", re.IGNORECASE)
#: an interview log's outcome saying the child would not have it ("YP refused (at door)")
_REFUSED = re.compile(r"\b(?:refused|declined|not doing it|did not want|would not engage)\b",
                      re.IGNORECASE)
#: a date column named for the interview itself ("Debrief date/time", "Date of interview")
_INTERVIEW_DATE = re.compile(r"\b(?:debrief|interview|rhi|ri|conversation)s?\b", re.I)


def _title_kind(chron: Chronology) -> Classification | None:
    """The kind a table's title (or sheet or file name) gives all its rows, when the
    table has no kind column: a return-interview log ("The Harbour Project - return
    conversations log") is one return interview a row, held when its date column says
    so ("Conversation held") or is named for the interview itself ("Debrief date/time",
    not "Date offered"); a missing persons export ("WC_MISPER_Export") one report."""
    if "kind" in chron.columns:
        return None
    words = [*chron.title_block, chron.sheet or "", re.sub(r"[_\-.]+", " ", chron.path.stem)]
    c = classify(" ".join(words))
    if c.basis.startswith("fallback") and (ri := _RI_TITLE.search(" ".join(words))):
        c = Classification("return_interview_offered", 0.6, f"{ri.group(0)!r} in "
                           f"{' '.join(words).strip()!r}")   # "harbour_project_ri_log.csv"
    if c.basis.startswith("fallback"):  # "WC MISPER Export ChildK": a type column's word
        named = [k for w in " ".join(words).split() if (k := kind_of_column_word(w))]
        if named:
            c = Classification(named[0], 0.6, f"the word for {named[0]} in {' '.join(words).strip()!r}")
    if c.kind not in (*RI_KINDS, *REPORT_KINDS) or c.basis.startswith("fallback"):
        return None
    at = chron.columns.get("at", "")
    if c.kind == "return_interview_offered" and (_DONE.search(at) or (
            _INTERVIEW_DATE.search(at) and not _OFFERED.search(at))):
        return Classification("return_interview_completed", c.confidence,
                              f'{c.basis}; its date column "{chron.columns["at"]}"')
    return c


class RowReader:
    """Turns one chronology's rows into event records (one pass, in file order)."""

    def __init__(self, chron: Chronology, stem: str, *, aliases: AliasTable, dayfirst: bool,
                 born: When | None, problems: list[Problem], registry: AgencyRegistry,
                 file_agency: FileAgency, citations: bool):
        self.chron, self.stem, self.aliases = chron, stem, aliases
        self.dayfirst, self.born, self.problems = dayfirst, born, problems
        self.registry, self.file_agency, self.citations = registry, file_agency, citations
        self.anchor: When | None = None
        self.zoned_lines: dict[bool, int] = {}
        # a return whose title or file name names its agency and whose "Source" column
        # says where each piece of information came from ("Phone call from CSC", "Pastoral
        # lead", a contact log's "Anyshire Constabulary"): the rows are that agency's
        # records, the source is kept in the details
        header = chron.columns.get("agency", "")
        named = file_agency.resolved
        self.informant = (not named.meeting and name_key(header) in _INFORMANT_HEADERS and (
            file_agency.source == "title block" or (
                file_agency.source in ("file name", "sheet name")
                and name_key(header) in _SOURCE_HEADERS
                and (named.known or named.sector != "other")))) and header
        self.title_kind = _title_kind(chron)

    def warn(self, reason: Reason, message: str, line: int, field_: str | None,
             value: object = None) -> None:
        self.problems.append(Problem(reason=reason, message=message, severity=W,
                                     value=None if value is None else str(value),
                                     **self.chron.where(line, field_)))

    # --- dates ---------------------------------------------------------------------
    def _parse(self, text: str, time: str | None) -> When:
        return parse_when(text, time, dayfirst=self.dayfirst, anchor=self.anchor, born=self.born)

    def _start(self, line: int, values: Mapping[str, str]) -> tuple[When, bool]:
        at, time = values.get("at", ""), values.get("time")
        try:
            return self._parse(at, time), False
        except DateError as exc:
            if time and exc.reason in _TIME_REASONS:
                self.warn(exc.reason, f"{exc.message}; the time is not read (it stays in "
                          "'when') and the date is read alone", line, "time", time)
                try:
                    return self._parse(at, None), False
                except DateError as again:
                    exc = again
            field_ = "time" if exc.reason in _TIME_REASONS and time else "at"
            self.warn(exc.reason, f"{exc.message}; the row is kept undated, in its place",
                      line, field_, values.get(field_, ""))
            return When(" ".join(v for v in (at, time) if v), None, None,
                        Precision.UNDATED), True

    def when(self, line: int, values: Mapping[str, str]) -> tuple[When, bool]:
        """The row's interval, and whether a written date had to be left undated."""
        first, undated = self._start(line, values)
        if values.get("end_at") or values.get("end_time"):
            field_ = "end_at" if "end_at" in values else "end_time"
            try:
                last = self._parse(values.get("end_at") or values.get("at", ""),
                                   values.get("end_time"))
                first = span(first, last)
            except DateError as exc:
                self.warn(exc.reason, f"{exc.message}; the end is not read (it stays in "
                          "'when') and the start is kept", line, field_, values.get(field_, ""))
        for reason, message in first.warnings:
            if reason is Reason.OPEN_ENDED_DATE:  # said by the importer, once it is closed
                continue
            field_ = "time" if reason is Reason.AMBIGUOUS_TIME and "time" in values else "at"
            self.warn(reason, message, line, field_, values.get(field_))
        if first.start is not None:
            if why := far_future(first.start, values.get("at", "")):
                self.warn(Reason.FUTURE_DATE, why, line, "at", values.get("at"))
            self.zoned_lines.setdefault(first.zoned, line)
            if not first.relative:
                self.anchor = first
        return first, undated

    # --- agencies ------------------------------------------------------------------
    def _known_or_new(self, r: Resolved, line: int, field_: str | None, *, row: bool) -> None:
        if not r.known and not r.meeting:
            where = self.chron.where(line, field_)
            self.registry.note(r, where, field_ or "agency", row=row)

    def agency(self, line: int, values: Mapping[str, str]) -> tuple[Resolved, str, list[str]]:
        """The row's agency as read, its ``agency_as_written``, and the other agencies of
        a joint row ("Hilltop Lodge / Kirkdale Police": the first records, all know)."""
        written = values.get("agency", "")
        if written:
            r = self.aliases.resolve(written)
            pieces = [p for p in _JOINT.split(written) if p.strip()]
            if len(pieces) > 1 and not r.known and not r.meeting:
                each = [self.aliases.resolve(p) for p in pieces]
                for one in each:
                    self._known_or_new(one, line, "agency", row=True)
                return each[0], written, [o.name for o in each[1:] if not o.meeting]
            fa = self.file_agency
            if not r.known and not r.meeting and r.basis.startswith("no word") \
                    and _TEAM.search(written) and fa.source != "option" and fa.resolved.known:
                # "Assessment Team" in social care's return: a team of the return's agency
                return replace(fa.resolved, written=written, detail=written), written, []
            self._known_or_new(r, line, "agency", row=True)
            return r, written, []
        fa = self.file_agency
        if "agency" in self.chron.columns and fa.source in ("title block", "file name") \
                and not self.informant:
            self.warn(Reason.MISSING_VALUE, f"the agency cell is empty: read as "
                      f"{fa.resolved.name!r}, the return's agency (from its {fa.source})",
                      line, "agency")
        self._known_or_new(fa.resolved, line, None, row=True)
        return fa.resolved, fa.resolved.written, []

    def names(self, text: str, line: int, field_: str, *, strict: bool) -> tuple[list[str], bool]:
        """Agencies listed in a cell; whether every item was one. With ``strict``
        (attendees read from free text) only names with a known alias or a sector word
        count; otherwise (a 'shared with' column) every item is an agency."""
        found: list[str] = []
        if _NOT_SHARED.fullmatch(text.strip(" .")):  # "n/a": nobody (not "n" and "a")
            return [], not text.strip()
        if not strict and _NONE_FIRST.match(text):  # "No - will raise at CIN review"
            return [], False
        told = [s for s in _SENTENCE_END.split(text) if not _NOT_TOLD.search(s)]
        every = len(told) == len(_SENTENCE_END.split(text))  # "... SIMS. SW not informed"
        text = " ".join(told)
        for item in self._items(_YES.sub("", text.strip())):
            item = item.strip(" .")
            if not item or _NOT_SHARED.fullmatch(item):
                every = every and not item
                continue
            if any(c.isdigit() for c in item) and only_a_date(item) or not re.search(
                    r"[^\W\d_]{2}", item):  # "30 Sept 2024 (email)"; "04/11 1500": no name
                every = False
                continue
            if item == ALL_AGENCIES and strict:  # every agency of the case: named once all are read
                found.append(item)
                continue
            r = self.aliases.resolve(item)
            if not r.known and not r.meeting and r.basis.startswith("no word") and (
                    inner := self.aliases.find_in_text(item)):  # "SW1 updated", "Notes to GP"
                found.extend(inner)
                continue
            if not strict and not r.known and not r.meeting and (
                    len(item.split()) > 6 or re.search(r"\w\. +[A-Z]", item)):
                # a sentence, not a name ("Courtesy request to Eastvale Police to check
                # the address. PPN to Northmere CSC"): the agencies it names
                every = False
                found.extend(self.aliases.find_in_text(item))
                continue
            if not strict and not r.known and not r.meeting and _NOT_A_NAME.search(item):
                # "SW informed of decline", "written summary emailed 17:40": the names in it
                every = False
                cut = " ".join(_NOT_A_NAME_CUT.sub(" ", item).split())
                whole = self.aliases.resolve(cut) if cut else r
                found.extend([whole.name] if whole.known else self.aliases.find_in_text(cut))
                continue
            if not strict and not r.known and not r.meeting and r.basis.startswith("no word") \
                    and not (_SHORT_NAME.fullmatch(item) or _SHORT_POST.fullmatch(item)) \
                    and re.search(r"(?:^|\s)(?!(?:of|and|the|for)\b)[a-z]", item):
                # "Report submitted", "secure email": words, not a name (kept in the details)
                every = False
                found.extend(self.aliases.find_in_text(item))
                continue
            if not r.known and not r.meeting and r.basis.startswith("no word") \
                    and (short := _SHORT_NAME.fullmatch(item) or _SHORT_POST.fullmatch(item)):
                every = every and strict
                # "Harbour", "Brackwater worker": a case agency's short name?
                found.append(SHORT_NAME + (short["name"] if short.re is _SHORT_POST else item))
                continue
            if r.meeting or (strict and not r.known and r.basis.startswith("no word")):
                every = False
                continue
            self._known_or_new(r, line, field_, row=False)
            found.append(r.name)
        return list(dict.fromkeys(found)), every

    def _items(self, text: str) -> list[str]:
        """The names in a list: split at ``;``, ``,``, ``/``, and at ``and`` only between
        names (``CSC and Children and Families Team`` is two; ``A and E`` is one)."""
        out: list[str] = []
        # a separator inside brackets is part of the name: "Police (DS, CSE desk)"
        text = _BRACKETED.sub(lambda m: _RECIPIENT_SPLIT.sub(" \x00 ", m.group(0)), text)
        for piece in _RECIPIENT_SPLIT.split(_MEANS.sub(" ", text)):
            piece = " ".join(piece.replace("\x00", ",").split()).replace(" , ", ", ")
            parts = _AND.split(piece)
            if len(parts) == 1:
                out.append(piece)
                continue
            best: list[tuple[int, list[str]]] = [(0, [])]  # best split of parts[:i]
            for i in range(1, len(parts) + 1):
                options = []
                for j in range(i):
                    name = " and ".join(parts[j:i])
                    r = self.aliases.resolve(name)
                    score = 2 if r.known or r.meeting else int(bool(
                        self.aliases.infer_sector(name)[1]))
                    options.append((best[j][0] + score, best[j][1] + [name]))
                best.append(max(options, key=lambda o: (o[0], -len(o[1]))))
            out.extend(best[-1][1])
        return out

    # --- the row -------------------------------------------------------------------
    def _dated_elsewhere(self, line: int, values: Mapping[str, str],
                         extra: Sequence[tuple[str, str]]) -> Mapping[str, str]:
        """A row whose date cell is empty, dated by the latest day another of its cells
        begins with ("Offer made: 06.03.25 visit" in a return interview log), warned."""
        if values.get("at", "").strip() or values.get("time", "").strip():
            return values
        dated = []
        for label, text in extra:
            if (written := leading_date(text)) is not None:
                with contextlib.suppress(DateError):
                    if (start := self._parse(written, None).start) is not None:
                        dated.append((start, written, label))
        if not dated and "at" not in self.chron.columns:  # notes beside a diary
            return self._dated_by_text(line, values)
        if not dated:
            return values
        _, written, label = max(dated)
        self.warn(Reason.DATE_FROM_ANOTHER_COLUMN, f"the date column is empty: the row is "
                  f"dated {written!r}, the latest day a cell of the row begins with (column "
                  f"{label!r})", line, "at", written)
        return {**values, "at": written, _DATED_FROM: label}

    def _dated_by_text(self, line: int, values: Mapping[str, str]) -> Mapping[str, str]:
        """A row of a table with no date column, dated by its text's day (see
        :func:`note_date`), or left undated."""
        field_ = "summary" if values.get("summary") else "details"
        if (written := note_date(values.get(field_, ""))) is None:
            return values
        try:
            self._parse(written, None)
        except DateError:
            return values
        self.warn(Reason.DATE_FROM_ANOTHER_COLUMN, f"there is no date column: the row is dated "
                  f"{written!r}, the day its text begins with or else the first it names",
                  line, field_, written)
        return {**values, "at": written, _DATED_FROM: self.chron.columns.get(field_, field_)}

    def _held_on(self, values: Mapping[str, str], row_extra: Sequence[tuple[str, str]]
                 ) -> tuple[Mapping[str, str], list[tuple[str, str]]]:
        """An interview log's row dated by its referral or offer that writes the day of the
        interview itself in a column of its own ("RHI date: 09/06/2025"): the row is the
        interview, dated that day; the other date is kept in the details."""
        extra = list(row_extra)
        if self.title_kind is None or self.title_kind.kind != "return_interview_offered":
            return values, extra
        for i, (label, text) in enumerate(extra):
            if _DATE_WORD.search(label) and _INTERVIEW_DATE.search(label) and \
                    not _OFFERED.search(label) and leading_date(text) is not None:
                before = [(self.chron.columns["at"], values["at"])] if values.get("at") else []
                return ({**values, "at": text, _HELD_ON: label},
                        [*before, *extra[:i], *extra[i + 1:]])
        return values, extra

    def record(self, row: Row) -> Record:
        chron, line = self.chron, row.line
        values, row_extra = self._held_on(row.values, row.extra)
        values = self._dated_elsewhere(line, values, row_extra)
        when, undated = self.when(line, values)
        extra = [f"{label}: {text}" for label, text in row_extra]
        told_by = None
        if self.informant and values.get("agency"):
            extra.insert(0, f"{self.informant}: {values['agency']}")
            told_by = self._told_by(line, values["agency"])
            values = {k: v for k, v in values.items() if k != "agency"}
        resolved, written, joint = self.agency(line, values)
        if _NOT_SHARED.fullmatch(values.get("summary", "x").strip(" .")) and row_extra and \
                len((prose := max(row_extra, key=lambda e: len(e[1])))[1]) >= 12:
            # a text column of dashes on this row ("Partner contact: -"): the longest
            # prose of the row is its text ("Coordinator review: No episodes. SW8 ...")
            extra = [f"{self.chron.columns['summary']}: {values['summary']}",
                     *(e for e in extra if e != f"{prose[0]}: {prose[1]}")]
            values = {**values, "summary": f"{prose[0]}: {prose[1]}"}
        summary = values.get("summary") or values.get("details", "")
        details = values.get("details", "") if values.get("summary") else ""
        kind, confidence, basis = self._kind(line, values, summary, details, extra)
        if not summary and extra:
            summary, extra = extra[0], extra[1:]
        agency, sector = resolved.name, resolved.sector
        attendees: list[str] = []
        text = "\n".join([summary, details, *extra])
        if resolved.meeting:
            if kind not in MEETING_KINDS and basis != "column":
                kind, confidence = ("strategy_meeting" if "strategy" in written.lower()
                                    else "multi_agency_meeting"), 0.9
                basis = f"agency is a meeting: {written!r}"
            agency, sector, attendees = self._meeting(line, written, text)
        elif kind in MEETING_KINDS:
            attendees, _ = self.names("; ".join(split_attendees(text)), line, "summary",
                                      strict=True)
            if not attendees and (listed := leading_list(summary)):
                # a list most of whose items are agencies: the others are agencies too
                named, _ = self.names("; ".join(listed), line, "summary", strict=True)
                if 2 * len(named) >= len(listed):
                    attendees, _ = self.names("; ".join(listed), line, "summary", strict=False)
        grade = self._grade(line, values, summary, details, extra)
        recipients = self._recipients(line, values, kind, summary, extra)
        if joint:  # the others named with the agency were there: they know what it records
            attendees = list(dict.fromkeys([*attendees, *joint]))
        ref = values.get("ref")
        citation = values.get("source_ref") or (ref if self.citations else "")
        ident = ref if ref and not self.citations else None
        return {
            "id": f"{self.stem}-{slug(ident) if ident else line}",
            "ref": ident, "sequence": values.get("sequence"),
            "agency": agency, "agency_as_written": written,
            "agency_detail": resolved.detail if not resolved.meeting else "",
            "sector": sector,
            # whose return the row is in (it knew what the row says), when the return names
            # its agency; "" in a composite chronology
            "return_agency": self.file_agency.resolved.name
            if self.file_agency.source in ("option", "sheet name", "title block") else "",
            "kind": kind, "kind_confidence": confidence, "kind_basis": basis,
            "when": " ".join(v for v in (values.get("at"), values.get("time")) if v)
                    + (f" to {values.get('end_at', '')} {values.get('end_time', '')}".rstrip()
                       if values.get("end_at") or values.get("end_time") else ""),
            "start": when.start, "end": when.end, "precision": str(when.precision),
            "approximate": bool(when.approximate), "date_note": when.note,
            "summary": summary, "details": "\n".join(t for t in (details, *extra) if t),
            "action": values.get("action", ""), "outcome": values.get("outcome", ""),
            "recipients": "; ".join(r for r in recipients if r != agency),
            "attendees": "; ".join(attendees), "risk_grade": grade,
            "refers_to_written": values.get("refers_to"), "author": values.get("author", ""),
            "source_ref": citation or "",
            "source_file": chron.name, "source_line": line, "source_sheet": chron.sheet or "",
            "source": f"{chron.name}:{line}" if chron.sheet is None
                      else f"{chron.name}!{chron.sheet}:{line}",
            "_undated": undated, "_meeting": resolved.meeting, "_open": when.open_side,
            "_told_by": told_by if told_by and told_by[0] != agency else None,
            "_interview": tuple((h, values[f]) for f, h in chron.columns.items()
                                if f in _INTERVIEW_FIELDS and values.get(f) and interview_column(h))
                          + tuple((label, t) for label, t in row.extra if interview_column(label)),
            "_open_label": when.text, "_open_message": next(
                (m for r, m in when.warnings if r is Reason.OPEN_ENDED_DATE), ""),
        }

    def _told_by(self, line: int, written: str) -> tuple[str, str] | None:
        """The agency (and sector) an informant cell names, when it names one: "Police
        (PPN)", "GP practice (Dr 2)"; not a team, a meeting or the family."""
        r = self.aliases.resolve(written)
        if not r.known and len(found := self.aliases.find_in_text(written)) == 1:
            r = self.aliases.resolve(found[0])  # "Phone call from CSC"
        elif not r.known and len(written.split()) > 4:
            return None  # a sentence, not a name
        if r.meeting or r.sector in ("family", "other"):
            return None
        self._known_or_new(r, line, "agency", row=True)
        return r.name, r.sector

    def _kind(self, line: int, values: Mapping[str, str], summary: str, details: str,
              extra: list[str]) -> tuple[str, float, str]:
        kind, confidence, basis = self._main_kind(line, values, summary, details, extra)
        if kind == "return_interview_offered" and _HELD_ON in values and \
                not _REFUSED.search(" ".join([summary, values.get("outcome", "")])):
            return ("return_interview_completed", confidence,
                    f'{basis}; dated by its column "{values[_HELD_ON]}"')
        if kind == "return_interview_offered" and _DATED_FROM in values and \
                _REFUSED.search(values.get("outcome", "")):   # no interview date: refused
            return "return_interview_declined", confidence, f"{basis}; then the outcome"
        if kind == "return_interview_offered" and (basis != "column" or not _OFFERED.search(
                values.get("kind", ""))):  # a type column's bare "Return interview" too
            # "Return interview" names the kind; the rest of the row says how it went
            # (the summary too, when a type column named it)
            told = [summary] if basis.startswith("column") else []
            rest = classify(" ".join([*told, *(values.get(f, "") for f in ("details", "action",
                                                                            "outcome")), *extra]))
            if rest.kind in ("return_interview_completed", "return_interview_declined"):
                return rest.kind, rest.confidence, f"{basis}; then {rest.basis}"
            # a log's outcome column with one word ("Completed", "Declined")
            status = summary if basis.startswith("the table's title") else ""
            if _REFUSED.fullmatch(status.strip(" .")):
                return "return_interview_declined", confidence, f'{basis}; then "{status}"'
            # "Interview held: 17/03, school", or the child's own words written down
            if (held := _HELD.search(" ".join([*told, details, *extra]))
                    or _BARE_DONE.fullmatch(status.strip(" ."))) or \
                    classify(summary).kind == "disclosure":
                why = f'"{held.group(0)}"' if held else "the child's account is written"
                return "return_interview_completed", confidence, f"{basis}; then {why}"
        return kind, confidence, basis

    def _main_kind(self, line: int, values: Mapping[str, str], summary: str, details: str,
                   extra: list[str]) -> tuple[str, float, str]:
        if "kind" not in values:
            c = classify(summary, details)
            title = self.title_kind
            if title is not None and not _NONE_OF.search(summary) and (
                    c.basis.startswith("fallback") or (
                    c.kind == "found" or self.chron.long_form) and title.kind in REPORT_KINDS or (
                    c.kind in ("found", "disclosure", *REPORT_KINDS) and title.kind in RI_KINDS)):
                # a log of one kind of record ("return conversations log"): its rows are
                # that kind unless they say otherwise; a report's found is its outcome (and
                # what a report exported in long form says is its fields), and
                # the episode a return interview log's row tells of is the interview's, and
                # what the child disclosed in it is a fact of the interview's row;
                # a row with no interview date tells of the offer (its refusal: _kind)
                told = "return_interview_offered" if title.kind in RI_KINDS and \
                    _DATED_FROM in values else title.kind
                return told, c.confidence, f"the table's title: {title.basis}"
            return c.kind, c.confidence, c.basis
        written = values["kind"]
        kind = _read_kind(written)
        if kind is not None:
            return kind, 1.0, "column"
        extra.insert(0, f"{self.chron.columns['kind']}: {written}")
        c = classify(written)
        if c.basis.startswith("rule"):
            return c.kind, c.confidence, f"column words: {c.basis}"
        c = classify(summary, details)
        self.warn(Reason.UNKNOWN_KIND, f"{written!r} is not an event kind (kinds: "
                  f"{', '.join(KINDS)}): the kind is read from the text instead ({c.kind}), "
                  "and the written type is kept in the details", line, "kind", written)
        return c.kind, c.confidence, c.basis

    def _grade(self, line: int, values: Mapping[str, str], summary: str, details: str,
               extra: list[str]) -> str | None:
        if not values.get("risk"):
            return read_grade(summary) or read_grade(details)
        grade = read_grade("risk " + values["risk"])
        if grade is None:
            extra.append(f"{self.chron.columns['risk']}: {values['risk']}")
            self.warn(Reason.UNKNOWN_GRADING, f"{values['risk']!r} is not a risk grading "
                      f"(gradings: no apparent risk/{', '.join(GRADES)}): no grading is read, "
                      "and the written value is kept in the details", line, "risk",
                      values["risk"])
        return grade

    def _recipients(self, line: int, values: Mapping[str, str], kind: str, summary: str,
                    extra: list[str]) -> list[str]:
        if values.get("shared_with"):
            header = self.chron.columns["shared_with"]
            if _YES.match(values["shared_with"]) and (named := self.aliases.find_in_text(header)):
                return named  # "Referred to CSC (Y/N)": Y
            if _SHARE_SENTENCE.match(values["shared_with"]):
                extra.append(f"{header}: {values['shared_with']}")
                return self.shared_in_text(values["shared_with"])
            found, every = self.names(values["shared_with"], line, "shared_with", strict=False)
            if not every:
                extra.append(f"{self.chron.columns['shared_with']}: {values['shared_with']}")
            return found
        if kind in HANDOFF_KINDS:
            m = _AFTER_TO.search(summary)
            if m and not _SHARE_NOT.search(summary[:m.start()]) and (
                    found := self.aliases.find_in_text(m.group(1))):
                return found
        texts = (summary, values.get("details", "") if values.get("summary") else "",
                 values.get("action", ""), values.get("outcome", ""), *extra)
        return list(dict.fromkeys(a for t in texts if t for a in self.shared_in_text(t)))

    def shared_in_text(self, text: str) -> list[str]:
        """Agencies a row's text says it shared with: "Notification to Social Care front
        door", "RHI sent to SW1 and police same day", "School (Southby Academy) informed";
        never a sharing the text denies ("not shared with school")."""
        found: list[str] = []
        for sentence in re.split(r"(?<=[.!?;])\s+|\n", text):
            spans = [(m.start(), m.group("who")) for rx in (_SHARED_TO, _INFORMED)
                     for m in rx.finditer(sentence)]
            if _TOLD_WORD.search(sentence):  # (the lazy scan from every place is slow)
                spans += [(m.start("who"), m.group("who").split(",")[-1])
                          for m in _WAS_INFORMED.finditer(sentence)]
            if _SHARE_NOT_AFTER.search(sentence):   # "Notification to host police: not recorded"
                continue
            for at, who in sorted(spans):
                if _SHARE_NOT.search(sentence[:at]):
                    continue
                found += self.aliases.find_in_text(_WHO_END.sub("", _MEANS.sub(" ", who)))
            if not spans and (m := _PPN_SENT.search(sentence)) and \
                    not _SHARE_NOT.search(sentence[:m.start()]):
                # "PPN." / "PPN submitted": a police protection notice goes to social care
                found.append(self.aliases.sector_agencies["social-care"])
        return list(dict.fromkeys(found))

    def _meeting(self, line: int, written: str, text: str) -> tuple[str, str, list[str]]:
        """Convenor, its sector, and attendees of a row whose agency is a meeting."""
        attendees, _ = self.names("; ".join(split_attendees(text)), line, "summary",
                                  strict=True)
        chair = _CHAIR.search(text)
        chaired = [a for a in (self.names(chair.group(1), line, "summary", strict=True)[0]
                               if chair else []) if not a.startswith(SHORT_NAME)]
        fa = self.file_agency
        if chaired:
            return chaired[0], self.aliases.sector(chaired[0]), list(
                dict.fromkeys([*attendees, chaired[0]]))
        named = [a for a in attendees if a != ALL_AGENCIES and not a.startswith(SHORT_NAME)]
        if named:
            convenor, why = named[0], "the first attendee written"
        elif fa.source in ("option", "title block", "sheet name") and not fa.resolved.meeting:
            convenor, why = fa.resolved.name, f"the return's agency (from its {fa.source})"
        else:
            convenor, why = CONVENOR, "the usual convenor: no chair or attendee is written"
        sector = next((a.sector for a in self.aliases.agencies if a.name == convenor),
                      fa.resolved.sector if convenor == fa.resolved.name else "other")
        self.warn(Reason.MEETING_CONVENOR_ASSUMED, f"{written!r} is a meeting, not an agency: "
                  f"it is recorded as a meeting held by {convenor} ({why}), with "
                  f"{len(attendees)} attendee(s) read from its text; override the agency if "
                  "another agency held it", line, "agency", written)
        return convenor, sector, attendees


def informed_by(text: str, aliases: AliasTable) -> list[str]:
    """Agencies a row's text says its information came from: "SW6 reported sexualised
    messages", "Harbour Project shared RHI by phone", "received from CSC", "Police
    notification received", "PPN rec'd".

    >>> from workbench.agencies import load_aliases
    >>> informed_by("SW6 reported messages on the phone, shown by Mother.", load_aliases())
    ["Children's Social Care"]
    """
    found: list[str] = []
    for m in _FROM.finditer(text):
        who = m.group("who") or m.group("from") or _PPN.sub("police", m.group("got"))
        if m.group("got") and _NO_GOT.match(m.group("got")):  # "No notification received"
            continue
        found += aliases.find_in_text(_WHO_END.sub("", _MEANS.sub(" ", who)))
    return list(dict.fromkeys(found))
