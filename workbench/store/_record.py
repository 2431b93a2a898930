"""The review record in the review store: key practice episodes, findings,
recommendations and the action plan (:mod:`workbench.review_record`), one table each.

:class:`~workbench.store.NotesStore` saves, deletes and reads them through these
functions (each change in one write transaction, audited).
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.store import NotesStore

from workbench.errors import UnknownItemError

__all__ = ["delete", "review_record", "save", "set_action_status"]

#: review-record item kind -> (table, columns besides id, case_id, session_id, times)
_RECORD_TABLES = {
    "episode": ("review_episodes", ("title", "first_event", "last_event", "description")),
    "finding": ("review_findings", ("title", "text", "flags", "events", "episodes", "factors")),
    "recommendation": ("review_recommendations", ("text", "findings", "addressed_to")),
    "action": ("review_actions", ("recommendation", "text", "owner", "due", "status",
                                  "progress")),
}
_JSON_COLUMNS = ("flags", "events", "episodes", "factors", "findings")


def _record_kind(item: object) -> str:
    from workbench.review_record import KINDS

    kind = KINDS.get(type(item))
    if kind is None:
        raise TypeError(f"not a review-record item: {type(item).__name__} (items: "
                        "KeyPracticeEpisode, Finding, Recommendation, Action)")
    return kind

def save(store: NotesStore, item: object, *, actor: str = "reviewer") -> object:
    """Save a review-record item (a key practice episode, finding, recommendation
    or action); return it as stored.

    The item's client-made ``id`` makes the save idempotent: saving the same value
    again writes nothing, saving a changed value with the same id edits it (its
    place in the record is kept). Each change is audited.
    """
    kind = _record_kind(item)
    table, columns = _RECORD_TABLES[kind]
    values = item.to_dict()  # type: ignore[attr-defined]
    row = {c: json.dumps(values[c]) if c in _JSON_COLUMNS else values[c] for c in columns}
    with store._write() as db:
        old = db.execute(f"SELECT * FROM {table} WHERE id = ?", (values["id"],)).fetchone()
        if old is not None and old["case_id"] != values["case_id"]:
            raise ValueError(f"{kind} {values['id']!r} belongs to case {old['case_id']!r}, "
                             f"not {values['case_id']!r}")
        now = time.time()
        if old is None:
            names = ("id", "case_id", "session_id", *columns, "created_at", "updated_at")
            db.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES "
                       f"({', '.join('?' * len(names))})",
                       (values["id"], values["case_id"], values["session_id"],
                        *row.values(), now, now))
            change = "new"
        elif any(old[c] != v for c, v in row.items()) or \
                old["session_id"] != values["session_id"]:
            sets = ", ".join(f"{c} = ?" for c in (*columns, "session_id", "updated_at"))
            db.execute(f"UPDATE {table} SET {sets} WHERE id = ?",
                       (*row.values(), values["session_id"], now, values["id"]))
            change = "edit"
        else:
            change = None  # a retry of the same value
        if change:
            store._audit(db, values["session_id"], actor, f"save-{kind}", id=values["id"],
                        case_id=values["case_id"], change=change)
    return _record_item(store, kind, values["id"])

def delete(store: NotesStore, item: object, *, actor: str = "reviewer") -> bool:
    """Remove a review-record item; True when it was there. The audit keeps its text."""
    kind = _record_kind(item)
    table, _ = _RECORD_TABLES[kind]
    values = item.to_dict()  # type: ignore[attr-defined]
    with store._write() as db:
        gone = db.execute(f"DELETE FROM {table} WHERE id = ?", (values["id"],)).rowcount
        if gone:
            store._audit(db, values["session_id"], actor, f"delete-{kind}", id=values["id"],
                        case_id=values["case_id"], item=values)
    return bool(gone)

def set_action_status(store: NotesStore, action_id: str, status: str, *, progress: str | None = None,
                      actor: str = "reviewer") -> object:
    """Move an action of the plan to a new status (and note progress); return it."""
    action = _record_item(store, "action", action_id)
    changes: dict[str, object] = {"status": status}
    if progress is not None:
        changes["progress"] = progress
    return save(store, replace(action, **changes), actor=actor)  # type: ignore[type-var]

def _record_item(store: NotesStore, kind: str, item_id: str) -> object:
    table, _ = _RECORD_TABLES[kind]
    rows = store._read(f"SELECT * FROM {table} WHERE id = ?", (item_id,))
    if not rows:
        raise UnknownItemError(f"no {kind} {item_id!r}")
    return _to_item(kind, rows[0])

def _to_item(kind: str, row: sqlite3.Row) -> object:
    from workbench.review_record import KINDS

    cls = next(c for c, k in KINDS.items() if k == kind)
    _, columns = _RECORD_TABLES[kind]
    values = {c: json.loads(row[c]) if c in _JSON_COLUMNS else row[c] for c in columns}
    return cls(id=row["id"], case_id=row["case_id"], session_id=row["session_id"],
               **values)

def review_record(store: NotesStore, case_id: str, *, session_id: str | None = None):
    """The review record of a case (every item, in the order first saved); with
    ``session_id`` only the items captured in that session."""
    from workbench.review_record import ReviewRecord

    groups: dict[str, tuple[Any, ...]] = {}  # each kind's items (_to_item: its class)
    for kind, (table, _) in _RECORD_TABLES.items():
        sql, params = f"SELECT * FROM {table} WHERE case_id = ?", [case_id]
        if session_id is not None:
            sql += " AND session_id = ?"
            params.append(session_id)
        rows = store._read(sql + " ORDER BY rowid", params)  # order first saved
        groups[kind] = tuple(_to_item(kind, r) for r in rows)
    return ReviewRecord(case_id, episodes=groups["episode"], findings=groups["finding"],
                        recommendations=groups["recommendation"], actions=groups["action"])
