"""The value a written date is read into: an honest interval of time.

:class:`When` is the half-open interval ``[start, end)`` of UTC instants a written
date names, with how precisely it was written; :class:`DateError` says why a
written date cannot be read. Reading itself is :func:`workbench.io.dates.parse_when`.

Examples
--------
>>> import pandas as pd
>>> w = When("Feb 2025", pd.Timestamp("2025-02-01", tz="UTC"),
...          pd.Timestamp("2025-03-01", tz="UTC"), Precision.MONTH)
>>> w.dated, w.contains(pd.Timestamp("2025-02-14 12:00", tz="UTC"))
(True, True)
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from workbench.errors import Reason, WorkbenchError

__all__ = ["PRECISION_RANK", "DateError", "Note", "Precision", "When"]


class Precision(enum.StrEnum):
    """How precisely a date was written, finest first."""

    MINUTE = "minute"
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    RANGE = "range"
    UNDATED = "undated"


#: Coarser precisions rank higher: minute 0 < day 1 < … < undated 5.
PRECISION_RANK: Mapping[Precision, int] = MappingProxyType({p: i for i, p in enumerate(Precision)})

#: a non-fatal remark made while reading: ``(Reason, message)``
Note = tuple[Reason, str]


@dataclass(frozen=True)
class When:
    """A written date read as the interval ``[start, end)`` of UTC instants it names.

    ``start`` and ``end`` are ``None`` only when undated. ``approximate`` means it was
    written with a marker such as ``c.`` or ``?`` (or counts from such a date);
    ``relative`` that it came from a phrase such as ``the next day`` or an age;
    ``zoned`` that it was written with an explicit UTC offset. ``warnings`` holds
    non-fatal notes as ``(Reason, message)`` pairs. ``note`` is the written text
    around the date that is not part of it (``June 2024 (day not known)`` has the
    note ``day not known``). ``open_side`` is ``"start"`` for ``before 2012`` and
    ``"end"`` for ``after June 2016``: that side was not written and was closed by rule.

    Examples
    --------
    >>> from workbench.io.dates import parse_when
    >>> w = parse_when("5 Feb 2025")
    >>> w.dated, w.contains(pd.Timestamp("2025-02-05 23:59", tz="UTC"))
    (True, True)
    """

    text: str
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    precision: Precision
    approximate: bool = False
    relative: bool = False
    zoned: bool = False
    warnings: tuple[Note, ...] = ()
    note: str = ""
    open_side: str = ""

    def __post_init__(self) -> None:
        undated = self.precision is Precision.UNDATED
        if (self.start is None) is not undated or (self.end is None) is not undated:
            raise ValueError("a When has a start and an end exactly when it is dated")
        if self.start is not None and not self.start < self.end:
            raise ValueError(f"a When must start before it ends: {self.start} >= {self.end}")
        if self.open_side not in ("", "start", "end"):
            raise ValueError(f"open_side is '', 'start' or 'end', not {self.open_side!r}")

    @property
    def dated(self) -> bool:
        """Whether the value names any time at all."""
        return self.start is not None

    def contains(self, instant: pd.Timestamp | dt.datetime | str) -> bool:
        """Whether the timezone-aware ``instant`` falls in ``[start, end)``."""
        ts = pd.Timestamp(instant)
        if ts.tzinfo is None:
            raise ValueError(f"{instant!r} has no timezone; a When holds UTC instants")
        return self.start is not None and self.start <= ts < self.end


class DateError(WorkbenchError, ValueError):
    """One written date or time that cannot be read; ``reason`` says why."""

    def __init__(self, reason: Reason, message: str):
        super().__init__(reason, message)
        self.reason = reason
        self.message = message

    def __str__(self) -> str:
        return self.message
