"""The state of one generated case: its plan (decided first) and its draft (built up).

A case is made in steps, each a plain function (see :mod:`workbench.generate._case`)::

    plan_case      -> CasePlan        dates, agencies, recipes, lead periods, episode times
    draw_skeleton  -> CaseDraft       the episodes and everything around them, forced failures
    plant_failures -> CaseDraft       planted failures that need a quiet window
    add_clean_items -> CaseDraft      disclosures acted on, shared exclusions, notified moves
    assemble_case  -> CaseEvents      background events added, sorted, ids, attendees, key

Times are minutes since 1970-01-01 UTC and days are days since then. Agencies and
kinds are indices into :data:`~workbench.generate._vocab.AGENCIES` and
:data:`~workbench.generate._vocab.KINDS`. An event of the draft is named by its index
(the order it was added in); the answer key holds these indices until the case is
assembled and they become event ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np

from workbench.generate._calendar import _share_end
from workbench.generate._vocab import _DAY, _HANDOFF, _PROTECTIVE, CONTACT

Recipients = tuple[int, ...]


class Blackout(NamedTuple):
    """A window in which an event would undo a planted failure.

    ``protective``: any protective action; ``agency``: any event of ``agency``;
    ``handoff``: a hand-off from ``agency`` to one of ``recipients``.
    """

    kind: Literal["protective", "agency", "handoff"]
    start: int
    end: int
    agency: int = -1
    recipients: frozenset[int] = frozenset()

    def hits(self, time: int, agency: int, kind: int, recipients: Recipients | None) -> bool:
        """Whether an event (lasting a minute) at ``time`` falls foul of this blackout."""
        if time > self.end or time + 1 < self.start:
            return False
        if self.kind == "protective":
            return kind in _PROTECTIVE
        if self.kind == "agency":
            return agency == self.agency
        return (agency == self.agency and kind in _HANDOFF and recipients is not None
                and bool(self.recipients & set(recipients)))


class Sketch(NamedTuple):
    """An event that a step considers adding (checked against blackouts first)."""

    time: int
    agency: int
    kind: int
    recipients: Recipients | None = None


@dataclass
class KeyRow:
    """One answer-key row: a pattern, its evidence (draft event indices, anchor first)."""

    pattern: str
    events: list[int]
    note: str


class InfoVariant(NamedTuple):
    """How the ``info`` recipe (information not shared) is planted.

    ``police`` (``which`` is the episode graded high and not notified), ``concern``
    (``which`` is the agency that keeps its concern), ``exclusion`` or ``disclosure``.
    """

    how: Literal["police", "concern", "exclusion", "disclosure"]
    which: int | None = None


class LeadClosure(NamedTuple):
    """The lead agency's planted closure: closed at ``closed``, reopened at ``reopened``."""

    closed: int
    reopened: int
    when: Literal["before", "during"]   # before the first episode, or while they go on


LeadPeriod = tuple[int, int | None]     # (opened, closed or None: still open)


@dataclass(frozen=True)
class CasePlan:
    """What step 1 decided for one child; read, never changed, by the later steps."""

    case_id: str
    good_practice: bool
    review_start: int                  # minute the review period starts
    review_end: int                    # minute it ends (after the last episode's margin)
    born_day: int
    looked_after: bool
    agencies: tuple[int, ...]          # agencies known at the start, in their order
    recipes: tuple[str, ...]           # planted situations (see ``_vocab._RECIPES``)
    concern_case: bool                 # more disclosures at return interviews
    lead_periods: tuple[LeadPeriod, ...]
    closure: LeadClosure | None        # the ``closure`` or ``late-open`` recipe's closure
    escalation_exclusion: int | None   # time of the ``escalation`` recipe's exclusion
    late_episode: int | None           # start of the ``late-open`` recipe's second episode
    episode_starts: tuple[int, ...]    # missing episodes, in time order
    episode_found: tuple[int, ...]
    episode_tags: tuple[str, ...]      # "" or the recipe that forced it ("cluster", …)

    @property
    def review_start_day(self) -> int:
        return self.review_start // _DAY

    @property
    def review_end_day(self) -> int:
        return self.review_end // _DAY


@dataclass
class DraftEvents:
    """The draft's events as parallel columns (index = event)."""

    time: list[int] = field(default_factory=list)
    agency: list[int] = field(default_factory=list)
    kind: list[int] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    risk_grade: list[str | None] = field(default_factory=list)
    recipients: list[Recipients | None] = field(default_factory=list)
    refers_to: list[int] = field(default_factory=list)   # -1: none

    def __len__(self) -> int:
        return len(self.time)


@dataclass
class CaseDraft:
    """One child's chronology in the making (steps 2 and 3)."""

    events: DraftEvents
    recipes: list[str]                 # the plan's recipes still being planted
    agencies: list[int]                # the plan's agencies, and any that join later
    lead_periods: list[LeadPeriod]     # the plan's, and a final closure if one is drawn
    blackouts: list[Blackout] = field(default_factory=list)
    key: list[KeyRow] = field(default_factory=list)
    omitted: dict[int, int] = field(default_factory=dict)  # planted meeting -> agency left out
    info_variant: InfoVariant | None = None
    closure_event: int = -1            # the lead's planted closure event
    risk_concern_time: int = -1        # the concern the ``risk`` recipe's grading ignores
    episode_reports: list[int] = field(default_factory=list)
    episode_found_events: list[int] = field(default_factory=list)
    # per episode: the completed return interview (event, time), None when there is none
    # or it is spoken for (a disclosure followed it, or a failure was planted on it)
    return_interviews: list[tuple[int, int] | None] = field(default_factory=list)

    @property
    def agency_set(self) -> frozenset[int]:
        return frozenset(self.agencies)

    def add(self, time: int, agency: int, kind: int, summary: str, *,
            risk_grade: str | None = None, recipients: Recipients | None = None,
            refers_to: int = -1) -> int:
        """Add an event; return its index."""
        ev = self.events
        ev.time.append(time)
        ev.agency.append(agency)
        ev.kind.append(kind)
        ev.summary.append(summary)
        ev.risk_grade.append(risk_grade)
        ev.recipients.append(recipients)
        ev.refers_to.append(refers_to)
        return len(ev.time) - 1

    def lead_holds(self, time: int, margin: int = _DAY) -> bool:
        """Whether the lead agency holds the case at ``time`` (``margin`` inside a period)."""
        return any(o + margin <= time and (c is None or time <= c - margin)
                   for o, c in self.lead_periods)

    def lead_holds_to_share(self, time: int) -> bool:
        """Whether the lead holds the case at ``time`` and at the end of the window in
        which something found then should be shared (see ``_calendar._share_end``)."""
        return self.lead_holds(time) and self.lead_holds(_share_end(time))

    def blocked(self, events: list[Sketch], blackouts: list[Blackout] | None = None) -> bool:
        """Whether new events hit a blackout, or new blackouts hit existing events."""
        for e in events:
            if any(b.hits(*e) for b in self.blackouts):
                return True
        ev = self.events
        for b in blackouts or ():
            for j in range(len(ev)):
                if b.hits(ev.time[j], ev.agency[j], ev.kind[j], ev.recipients[j]):
                    return True
            if any(b.hits(*e) for e in events):
                return True
        return False


@dataclass(frozen=True)
class PendingHandoff:
    """A hand-off drawn but not yet added (its answer times are drawn already)."""

    time: int
    sender: int
    recipients: Recipients
    kind: int
    answers: tuple[int, ...]

    def sketches(self) -> list[Sketch]:
        """The events it would add: the hand-off and each recipient's answer."""
        return [Sketch(self.time, self.sender, self.kind, self.recipients)] + [
            Sketch(a, b, CONTACT) for a, b in zip(self.answers, self.recipients, strict=True)]


@dataclass(frozen=True)
class CaseEvents:
    """One assembled case: its event columns in chronological order, key and counts."""

    case_id: str
    seq: np.ndarray          # 1-based position in time order (the id is ``e{seq:04d}``)
    agency: np.ndarray
    kind: np.ndarray
    start: np.ndarray        # minutes
    end: np.ndarray
    whole_day: np.ndarray    # bool: precision "day"
    summary: np.ndarray      # codes into the cohort's TextTable
    recipients: np.ndarray   # codes (-1: null)
    attendees: np.ndarray    # codes (-1: null)
    risk_grade: np.ndarray   # codes (-1: null)
    refers_to: np.ndarray    # seq of the event answered, -1 for none
    source_line: np.ndarray  # line in the agency's file (header is line 1)
    key: list[tuple[str, list[str], str]]   # (pattern, event ids, note)
    n_agencies: int
    n_episodes: int

    def __len__(self) -> int:
        return len(self.seq)
