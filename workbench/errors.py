"""Problems found in input, and the exceptions that carry them.

The exception tree::

    WorkbenchError                  every error the workbench raises on purpose
    ├── CaseValidationError         input was read and found wrong; ``.problems``
    │                               lists *every* problem at once (nothing written)
    ├── UnknownProtocolError        a protocol profile name that is not known
    ├── UnknownItemError            a session, note or record item that is not there
    ├── StoreError                  the review store cannot be opened or written;
    │                               ``.reason`` says why (missing, future-version,
    │                               damaged, read-only, full, locked, failed)
    ├── OptionError                 a command option whose value cannot be used
    │                               (a time that is not a time, an unknown agency)
    └── MissingToolError            an optional outside tool (Chromium, …) is absent

Code branches on ``problem.reason`` (a :class:`Reason`), never on message text.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict

__all__ = [
    "CaseValidationError",
    "MissingToolError",
    "OptionError",
    "Problem",
    "Reason",
    "Severity",
    "StoreError",
    "UnknownItemError",
    "UnknownProtocolError",
    "WorkbenchError",
]


class Severity(enum.StrEnum):
    """How bad a problem is: an error stops import; a warning is reported only."""

    ERROR = "error"
    WARNING = "warning"


class Reason(enum.StrEnum):
    """Why a piece of input was refused or questioned; one member per cause."""

    # files
    FILE_NOT_FOUND = "file-not-found"
    UNSUPPORTED_FORMAT = "unsupported-format"
    NOT_UTF8 = "not-utf8"
    FILE_TOO_LARGE = "file-too-large"
    FIELD_TOO_LARGE = "field-too-large"
    EMPTY_FILE = "empty-file"
    UNREADABLE_FILE = "unreadable-file"
    # layout
    MISSING_COLUMN = "missing-column"
    DUPLICATE_COLUMN = "duplicate-column"
    UNKNOWN_MAPPED_COLUMN = "unknown-mapped-column"
    RAGGED_ROW = "ragged-row"
    MALFORMED_QUOTE = "malformed-quote"  # a quote that breaks RFC 4180: its line read alone
    SEVERAL_SHEETS = "several-sheets"
    UNKNOWN_SHEET = "unknown-sheet"
    HIDDEN_CONTENT = "hidden-content"
    MERGED_CELLS = "merged-cells"
    FORMULA_CELL = "formula-cell"
    TITLE_BLOCK = "title-block"  # rows above the header read as the return's title block
    LONG_FORM = "long-form"  # Record Ref | Attribute | Value: one row per record
    COLUMN_GUESSED = "column-guessed"  # a column read as a field from its values or words
    # values
    MISSING_VALUE = "missing-value"
    CONTROL_CHARACTER = "control-character"
    BIDI_CHARACTER = "bidi-character"
    UNKNOWN_AGENCY = "unknown-agency"
    UNKNOWN_KIND = "unknown-kind"
    UNKNOWN_GRADING = "unknown-grading"
    AGENCY_ASSUMED = "agency-assumed"  # a return's agency from its title block or file name
    MEETING_CONVENOR_ASSUMED = "meeting-convenor-assumed"  # a meeting row's agency assumed
    # dates and times
    UNPARSEABLE_DATE = "unparseable-date"
    IMPOSSIBLE_DATE = "impossible-date"
    UNPARSEABLE_TIME = "unparseable-time"
    NONEXISTENT_TIME = "nonexistent-time"
    AMBIGUOUS_TIME = "ambiguous-time"
    MIXED_TIMEZONES = "mixed-timezones"
    EXCEL_SERIAL_DATE = "excel-serial-date"
    END_BEFORE_START = "end-before-start"
    FUTURE_DATE = "future-date"  # more than a year after today (a two-digit year, a typo)
    UNRESOLVED_RELATIVE_DATE = "unresolved-relative-date"
    DATE_NOTE = "date-note"  # the date read from part of the text; the rest kept as a note
    SPLIT_YEAR = "split-year"  # 2014/15: a financial or school year
    YEAR_ASSUMED = "year-assumed"  # "Mon 3rd Feb": the year of the row before it
    OPEN_ENDED_DATE = "open-ended-date"  # before 2012, after June 2016: one side closed by rule
    DATE_FROM_ANOTHER_COLUMN = "date-from-another-column"  # an empty date cell, dated by another
    BANNER_DATE = "banner-date"  # no date column: dated by the banner row above ("SHIFT: Fri 7.2")
    DAYS_LISTED = "days-listed"  # "December 2014 (06/12 and 20/12)": a report on each day
    # identity and references
    DUPLICATE_EVENT_ID = "duplicate-event-id"
    UNKNOWN_EVENT_REFERENCE = "unknown-event-reference"
    REF_IS_CITATION = "ref-is-citation"  # a reference column whose values repeat
    # case files
    UNSAFE_YAML = "unsafe-yaml"
    INVALID_YAML = "invalid-yaml"
    INVALID_CASE_FILE = "invalid-case-file"
    UNKNOWN_FIELD = "unknown-field"
    # privacy
    PII_FOUND = "pii-found"
    UNSAFE_KEY_LOCATION = "unsafe-key-location"
    INVALID_KEY_FILE = "invalid-key-file"
    WEAK_KEY = "weak-key"
    OUTPUT_INSIDE_INPUT = "output-inside-input"


class Place(TypedDict, total=False):
    """A place in a file, as keyword arguments: ``Problem(file=..., **place)``."""

    line: int | None
    column: str | int | None
    sheet: str | None
    cell: str | None


class Where(Place):
    """A file and a place in it, as keyword arguments: ``Problem(..., **where)``."""

    file: str


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, and exactly where.

    ``line`` is the 1-based line of the record's start in a text file, or the
    row number in a spreadsheet (then ``sheet`` names the sheet and ``cell`` is
    e.g. ``"B7"``). ``column`` is the header name (or 1-based character column
    for a text position); ``value`` is what was found, shortened for display.
    """

    file: str
    reason: Reason
    message: str
    line: int | None = None
    column: str | int | None = None
    value: str | None = None
    severity: Severity = Severity.ERROR
    sheet: str | None = None
    cell: str | None = None

    @property
    def location(self) -> str:
        """``file:line:column`` (or ``file!Sheet!B7`` for a spreadsheet cell)."""
        if self.sheet is not None:
            where = f"{self.file}!{self.sheet}"
            if self.cell:
                return f"{where}!{self.cell}"
            return f"{where}!{self.line}" if self.line is not None else where
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.location}: {self.severity} [{self.reason}] {self.message}"


def _shorten(value: object, limit: int = 60) -> str:
    text = repr(str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…'"


class WorkbenchError(Exception):
    """Base of every error the workbench raises on purpose."""


class CaseValidationError(WorkbenchError):
    """Input was found wrong; ``problems`` holds every problem, errors first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        errors = [p for p in self.problems if p.severity is Severity.ERROR]
        shown = "\n".join(f"  {p}" for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n  … and {more} more" if more > 0 else ""
        super().__init__(f"{len(errors)} error(s) in input:\n{shown}{tail}")

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)


class UnknownProtocolError(WorkbenchError, KeyError):
    """A protocol profile was asked for by a name that is not known."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class MissingToolError(WorkbenchError, RuntimeError):
    """An optional outside program (e.g. Chromium for images) is not installed."""


class UnknownItemError(WorkbenchError, KeyError):
    """A session (id or join code), note or review-record item that is not there."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class StoreError(WorkbenchError):
    """The review store cannot be opened, or a change was not saved.

    ``reason`` is one of ``missing`` (no store where one was named), ``future-version``
    (written by a newer workbench), ``damaged`` (not a review store, or corrupt),
    ``read-only``, ``full`` (disk or database full), ``locked`` (busy beyond the
    timeout) or ``failed``; ``str(exc)`` is a sentence a person can act on.
    """

    REASONS = ("missing", "future-version", "damaged", "read-only", "full", "locked", "failed")

    def __init__(self, message: str, *, reason: str = "failed", path: object = None):
        super().__init__(message)
        self.reason = reason if reason in self.REASONS else "failed"
        self.path = path


class OptionError(WorkbenchError, ValueError):
    """A command option (or keyword argument) whose value cannot be used; the message
    says what was given and what is allowed."""
