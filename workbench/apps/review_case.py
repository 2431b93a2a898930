"""What stepping through a case needs, computed once, and the stepping itself.

:func:`review_case` computes the stepping order, one-line labels and flag lookups of a
case; :func:`stepping_start` says where stepping starts (after the background records);
:class:`Stepper` is the state machine a review steps with: a position in that order
(a ``traitlets`` trait that views observe), moved by ``go_to``, ``next``, ``previous``
and ``next_in``, with a message when a move cannot be made. It has no widgets.

Examples
--------
>>> s = Stepper()
>>> s.load(["e1", "e2", "e3"], start=1)
>>> s.position, s.event_id
(1, 'e2')
>>> s.next(), s.next(), s.position
(True, False, 2)
>>> s.message
'This is the last event (3 of 3): nothing was recorded after it.'
>>> s.next_in({"e1"}, "flag"), s.message
(False, 'No flag after this event.')
>>> s.previous(); s.position, s.message
(1, '')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd
import traitlets

from workbench.analysis.analyse import Analysis
from workbench.analysis.knowledge import knowledge_matrix
from workbench.apps._html import esc, moment_text
from workbench.case import Case
from workbench.kinds import kind_labels

__all__ = ["ReviewCase", "Stepper", "review_case", "stepping_start"]


@dataclass(frozen=True)
class ReviewCase:
    """What stepping through one case needs, computed once.

    ``order`` holds the events in composite (``seq``) order with the instant the
    cursor stands at for each (an undated event keeps the last dated instant).
    """

    key: str
    case: Case
    analysis: Analysis
    flags: pd.DataFrame = field(repr=False)
    matrix: pd.DataFrame = field(repr=False)
    order: pd.DataFrame = field(repr=False)
    labels: dict[str, str] = field(repr=False)       # event id -> one-line label
    flags_of: dict[str, list[int]] = field(repr=False)  # event id -> rows of flags
    high_evidence: frozenset[str] = frozenset()
    end: pd.Timestamp | None = None

    def index_of(self, event_id: str) -> int:
        hits = self.order.index[self.order["id"] == event_id]
        if len(hits) == 0:
            raise KeyError(event_id)
        return int(hits[0])

    def has_event(self, event_id: object) -> bool:
        return bool((self.order["id"] == event_id).any())


def review_case(key: str, case: Case, analysis: Analysis, flags: pd.DataFrame) -> ReviewCase:
    """The stepping order, labels and flag lookups of a case."""
    ev = analysis.events.sort_values("seq", kind="stable").reset_index(drop=True)
    at = ev["start"].ffill().bfill()
    labels_of = kind_labels()
    kind = ev["kind"].map(labels_of).fillna(ev["kind"])
    coarse = ev["precision"].where(~ev["precision"].isin(["minute", "day"]), "day")
    day = pd.Series([moment_text(t, p, w) for t, p, w in zip(ev["start"], coarse, ev["when"],
                                                            strict=True)], index=ev.index)
    moment = pd.Series([moment_text(t, p, w) for t, p, w in zip(ev["start"], ev["precision"],
                                                               ev["when"], strict=True)],
                       index=ev.index).where(ev["start"].notna(), "undated (" + day + ")")
    labels = dict(zip(ev["id"], kind + ", " + day + " (" + ev["agency"] + ")", strict=True))
    order = pd.DataFrame({"id": ev["id"], "seq": ev["seq"], "at": at, "agency": ev["agency"],
                          "moment": moment})
    flags_of: dict[str, list[int]] = {}
    high: set[str] = set()
    for i, (ids, severity) in enumerate(zip(flags["event_ids"], flags["severity"],
                                            strict=True)):
        for event_id in ids:
            flags_of.setdefault(event_id, []).append(i)
        if severity == "high":
            high.update(ids)
    ends = pd.concat([ev["end"], ev["start"]]).dropna()
    return ReviewCase(key=key, case=case, analysis=analysis, flags=flags,
                      matrix=knowledge_matrix(analysis), order=order, labels=labels,
                      flags_of=flags_of, high_evidence=frozenset(high),
                      end=ends.max() if len(ends) else None)


def stepping_start(rc: ReviewCase) -> tuple[int, str]:
    """Where stepping through a case starts, and words saying where its background is.

    The review period opens at the first record dated to the day or the minute; the
    records before it known only to a month, a year or as a range (an ``age 11``) are
    background: stepping starts after them and says so. A case with no such background
    starts at its first event (and no words).
    """
    ev = rc.analysis.events.drop_duplicates("id").set_index("id")
    start = rc.order["id"].map(ev["start"])
    precise = start.notna() & rc.order["id"].map(ev["precision"]).isin(["minute", "day"])
    if not precise.any() or bool(precise.iloc[0]):
        return 0, ""
    first = int(precise.to_numpy().argmax())
    n = len(rc.order)
    return first, (f"Stepping starts at event {first + 1} of {n} "
                   f"({esc(rc.order['moment'].iat[first])}), the first record of the review "
                   f"period dated to the day. The {first} record(s) before it are background, "
                   "known only to a month, a year or as a range: press ◀ Previous to read them.")


class Stepper(traitlets.HasTraits):
    """A position in a sequence of events, and why a move could not be made.

    ``position`` (0-based) and ``message`` are traits: views observe them. Every move
    clears the message; a move that cannot be made leaves the position and says why.
    """

    position = traitlets.Int(0)
    message = traitlets.Unicode("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.ids: tuple[str, ...] = ()

    def load(self, ids: Sequence[str], *, start: int = 0) -> None:
        """Step through these event ids, starting at ``start``."""
        self.ids = tuple(ids)
        self.go_to(start)

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def at_last(self) -> bool:
        return self.position >= self.count - 1

    @property
    def event_id(self) -> str | None:
        return self.ids[self.position] if self.ids else None

    def go_to(self, where: int | str) -> int:
        """Stand at an event (its position, or its id); positions are clamped."""
        i = self.ids.index(where) if isinstance(where, str) else int(where)
        self.message = ""
        self.position = max(0, min(i, self.count - 1))
        return self.position

    def next(self) -> bool:
        """The next event; on the last one, says so (and returns False)."""
        if self.at_last:
            self.message = (f"This is the last event ({self.count} of {self.count}): "
                            "nothing was recorded after it.")
            return False
        self.go_to(self.position + 1)
        return True

    def previous(self) -> None:
        self.go_to(self.position - 1)

    def next_in(self, ids: Iterable[str], what: str) -> bool:
        """Go to the next event among ``ids``; if none lies ahead, say so."""
        wanted = set(ids)
        later = [i for i in range(self.position + 1, self.count) if self.ids[i] in wanted]
        if not later:
            self.message = f"No {what} after this event."
            return False
        self.go_to(later[0])
        return True
