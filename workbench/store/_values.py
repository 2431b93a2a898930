"""The values the review store hands out: sessions, participants, notes, answers.

Each is frozen; the store makes them from its rows (``from_row``).

Examples
--------
>>> Participant("p1", "s1", "AB", "Police", "policing", "participant").following
False
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

__all__ = ["Answer", "Note", "Participant", "Session"]


@dataclass(frozen=True)
class Session:
    """A review or workshop session. A review's ``chair_id`` is the participant whose
    step (``step_event``, an event id) the followers' screens follow."""

    id: str
    case_id: str
    kind: str
    title: str
    join_code: str
    reveal_seq: int | None
    decision: str | None
    created_at: float
    chair_id: str | None = None
    step_event: str | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Session:
        return cls(row["id"], row["case_id"], row["kind"], row["title"], row["join_code"],
                   row["reveal_seq"], row["decision"], row["created_at"], row["chair_id"],
                   row["step_event"])


@dataclass(frozen=True)
class Participant:
    """Someone in a session; ``following`` is True while their screen follows the chair."""

    id: str
    session_id: str
    name: str
    agency: str
    discipline: str
    role: str
    following: bool = False

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Participant:
        return cls(row["id"], row["session_id"], row["name"], row["agency"], row["discipline"],
                   row["role"], bool(row["following"]))


@dataclass(frozen=True)
class Note:
    """A participant's note; ``participant_id`` is its author (only they may edit or
    withdraw it); ``edited_at`` is set once it has been edited."""

    id: str
    session_id: str
    author: str
    agency: str
    discipline: str
    event_id: str | None
    handoff_id: str | None
    text: str
    tags: tuple[str, ...]
    created_at: float
    participant_id: str | None = None
    edited_at: float | None = None

    @classmethod
    def from_row(cls, r: sqlite3.Row) -> Note:
        return cls(r["id"], r["session_id"], r["author"], r["agency"], r["discipline"],
                   r["event_id"], r["handoff_id"], r["text"], tuple(json.loads(r["tags"])),
                   r["created_at"], r["participant_id"], r["edited_at"])


@dataclass(frozen=True)
class Answer:
    id: str
    participant_id: str
    author: str
    discipline: str
    decision: str
    text: str
    agency_to_act: str
    created_at: float
