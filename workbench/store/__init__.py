"""The review store: the one thing in the workbench that remembers.

One SQLite file holds review and workshop sessions, participants, notes with tags,
the facilitator's reveal point, workshop answers, the review record (key practice
episodes, findings, recommendations and the action plan: :mod:`workbench.review_record`),
and an audit log of who did what when. Many Voilà kernels (one per browser) write
to it at once, so every connection uses WAL, ``synchronous=FULL`` and a busy
timeout, and every write runs in ``BEGIN IMMEDIATE … COMMIT``. Notes and record
items carry a client-made id, so a retried write can never duplicate them. The
store is passed in; tests give it a temporary path.

Examples
--------
>>> import tempfile, os
>>> store = NotesStore(os.path.join(tempfile.mkdtemp(), "review.sqlite"))
>>> session = store.open_session("county-lines", kind="review", title="Learning event")
>>> me = store.join(session.id, name="SW 1", agency="Children's Social Care",
...                 discipline="social work")
>>> note = store.add_note(session.id, participant=me, text="Referral not chased",
...                       event_id="school-12", tags=["missed opportunity"])
>>> [n.text for n in store.notes(session.id)], note.tags
(['Referral not chased'], ('missed opportunity',))
>>> store.close()
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path

from workbench.errors import UnknownItemError
from workbench.store import _record
from workbench.store._schema import SCHEMA_VERSION, open_store, store_error
from workbench.store._values import Answer, Note, Participant, Session

__all__ = ["SCHEMA_VERSION", "TAGS", "Answer", "Note", "NotesStore", "Participant", "Session"]

TAGS = ("missed opportunity", "good practice", "key practice episode", "question")
#: SQLite errors that are the caller's (a reference to no session, a misused API), not
#: the store's: raised as they are
_CALLER_ERRORS = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def _tags(tags: Iterable[str]) -> tuple[str, ...]:
    tags = tuple(dict.fromkeys(tags))
    unknown = [t for t in tags if t not in TAGS]
    if unknown:
        raise ValueError(f"unknown tag(s) {unknown} (tags: {', '.join(TAGS)})")
    return tags


class NotesStore:
    """Sessions, participants, notes, reveal point, answers and audit in one SQLite file.

    One connection per store object (one per kernel process); safe to share between
    threads of that process (calls are serialised by a lock).

    ``create=False`` refuses a path where no store exists (a mistyped ``--store``
    must not become a new, empty store). Opening applies the schema migrations
    (:mod:`workbench.store._schema`) and refuses a store of a newer version. A write
    that fails (disk full, read-only, busy beyond the timeout, damaged file) raises
    :class:`~workbench.errors.StoreError` with ``reason`` and a sentence to show
    ("Not saved: …"); nothing of that change is kept, so the caller keeps the text.
    An id that is not there raises :class:`~workbench.errors.UnknownItemError`
    (a ``KeyError``).
    """

    def __init__(self, path: str | Path, *, busy_timeout_s: float = 10.0,
                 create: bool = True):
        self.path = Path(path)
        self._lock = threading.RLock()
        self._busy_timeout_s = busy_timeout_s
        self._db = open_store(self.path, create=create, busy_timeout_s=busy_timeout_s)

    # -- plumbing ---------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with BEGIN IMMEDIATE (retried while locked).

        Any SQLite failure (disk full, read-only, locked beyond the timeout, damaged
        file) is raised as :class:`~workbench.errors.StoreError` with its reason: the
        change was not saved, and nothing of it was kept.
        """
        with self._lock:
            deadline = time.monotonic() + max(self._busy_timeout_s, 0.1) * 3
            try:
                while True:
                    try:
                        self._db.execute("BEGIN IMMEDIATE")
                        break
                    except sqlite3.OperationalError as exc:  # busy beyond busy_timeout
                        if "locked" not in str(exc) or time.monotonic() > deadline:
                            raise
                        time.sleep(0.05)
            except sqlite3.Error as exc:
                raise store_error(exc, self.path) from exc
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException as exc:
                with suppress(sqlite3.Error):
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error) and not isinstance(exc, _CALLER_ERRORS):
                    raise store_error(exc, self.path) from exc
                raise

    def _read(self, sql: str, params: Iterable[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._db.execute(sql, tuple(params)).fetchall()
            except sqlite3.Error as exc:
                raise store_error(exc, self.path, doing="read it") from exc

    @staticmethod
    def _audit(db: sqlite3.Connection, session_id: str | None, actor: str, action: str,
               **detail: object) -> None:
        db.execute("INSERT INTO audit (at, session_id, actor, action, detail) "
                   "VALUES (?, ?, ?, ?, ?)",
                   (time.time(), session_id, actor, action, json.dumps(detail, sort_keys=True)))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def version(self) -> int:
        """A number that changes whenever any connection commits (cheap to poll)."""
        return int(self._read("PRAGMA data_version")[0][0]) * 1_000_000 + int(
            self._read("SELECT COALESCE(MAX(seq), 0) FROM audit")[0][0])

    # -- sessions ---------------------------------------------------------------------
    def open_session(self, case_id: str, *, kind: str = "review", title: str = "",
                     actor: str = "facilitator") -> Session:
        """Start a review or workshop session on a case; it gets a join code."""
        if kind not in ("review", "workshop"):
            raise ValueError(f"kind must be 'review' or 'workshop', not {kind!r}")
        with self._write() as db:
            session_id = self._insert_session(db, case_id, kind, title, actor)
        return self.session(session_id)

    def review_session(self, case_id: str, *, title: str = "",
                       actor: str = "facilitator") -> Session:
        """The case's review session: the first one opened, or a new one when there is
        none, found and opened in one write transaction (kernels started at the same
        moment for one case all get the same session, never one each)."""
        with self._write() as db:
            row = db.execute("SELECT id FROM sessions WHERE case_id = ? AND kind = 'review' "
                             "ORDER BY created_at, rowid LIMIT 1", (case_id,)).fetchone()
            session_id = row[0] if row else self._insert_session(db, case_id, "review",
                                                                 title, actor)
        return self.session(session_id)

    def _insert_session(self, db: sqlite3.Connection, case_id: str, kind: str, title: str,
                        actor: str) -> str:
        session_id = str(uuid.uuid4())
        while True:
            code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
            if not db.execute("SELECT 1 FROM sessions WHERE join_code = ?",
                              (code,)).fetchone():
                break
        db.execute("INSERT INTO sessions (id, case_id, kind, title, join_code, "
                   "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                   (session_id, case_id, kind, title or case_id, code, time.time()))
        self._audit(db, session_id, actor, "open-session", case_id=case_id, kind=kind)
        return session_id

    def session(self, session_id: str) -> Session:
        rows = self._read("SELECT * FROM sessions WHERE id = ?", (session_id,))
        if not rows:
            raise UnknownItemError(f"no session {session_id!r} in the review store {self.path}")
        return self._session(rows[0])

    def session_by_code(self, code: str) -> Session:
        rows = self._read("SELECT * FROM sessions WHERE join_code = ?",
                          (code.strip().upper(),))
        if not rows:
            raise UnknownItemError(f"no session with join code {code.strip().upper()!r} in the review store "
                                   f"{self.path}")
        return self._session(rows[0])

    def sessions(self, *, case_id: str | None = None) -> list[Session]:
        sql, params = "SELECT * FROM sessions", tuple[str, ...]()
        if case_id is not None:
            sql, params = sql + " WHERE case_id = ?", (case_id,)
        return [self._session(r) for r in self._read(sql + " ORDER BY created_at", params)]

    _session = staticmethod(Session.from_row)

    def set_reveal(self, session_id: str, seq: int, *, decision: str | None = None,
                   actor: str = "facilitator") -> Session:
        """Move the reveal point (events up to ``seq`` are shown), optionally opening a
        decision point that participants answer."""
        with self._write() as db:
            db.execute("UPDATE sessions SET reveal_seq = ?, decision = ? WHERE id = ?",
                       (int(seq), decision, session_id))
            self._audit(db, session_id, actor, "reveal", seq=int(seq), decision=decision)
        return self.session(session_id)

    # -- participants -------------------------------------------------------------------
    def join(self, session_id: str, *, name: str, agency: str, discipline: str,
             role: str = "participant", participant_id: str | None = None) -> Participant:
        """Add a participant (name or initials, agency, discipline) to a session."""
        if not name.strip():
            raise ValueError("a participant needs a name or initials")
        pid = participant_id or str(uuid.uuid4())
        with self._write() as db:
            db.execute("INSERT OR IGNORE INTO participants (id, session_id, name, agency, "
                       "discipline, role, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (pid, session_id, name.strip(), agency, discipline, role, time.time()))
            self._audit(db, session_id, name.strip(), "join", role=role, agency=agency,
                        discipline=discipline)
        return Participant(pid, session_id, name.strip(), agency, discipline, role)

    def participants(self, session_id: str) -> list[Participant]:
        return [Participant.from_row(r) for r in self._read("SELECT * FROM participants WHERE session_id = ? "
                                    "ORDER BY joined_at", (session_id,))]

    # -- notes --------------------------------------------------------------------------
    def add_note(self, session_id: str, *, participant: Participant, text: str,
                 event_id: str | None = None, handoff_id: str | None = None,
                 tags: Iterable[str] = (), note_id: str | None = None) -> Note:
        """Save a note; with the same ``note_id`` a retry returns the stored note."""
        text = text.strip()
        if not text:
            raise ValueError("a note needs some text")
        tags = _tags(tags)
        nid = note_id or str(uuid.uuid4())
        with self._write() as db:
            db.execute("INSERT OR IGNORE INTO notes (id, session_id, participant_id, author, "
                       "agency, discipline, event_id, handoff_id, text, tags, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (nid, session_id, participant.id, participant.name, participant.agency,
                        participant.discipline, event_id, handoff_id, text, json.dumps(tags),
                        time.time()))
            if db.execute("SELECT changes()").fetchone()[0]:  # not a retry
                self._audit(db, session_id, participant.name, "note", note=nid,
                            event_id=event_id, handoff_id=handoff_id)
        return self.note(nid)

    def note(self, note_id: str) -> Note:
        rows = self._read("SELECT * FROM notes WHERE id = ? AND withdrawn_at IS NULL",
                          (note_id,))
        if not rows:
            raise UnknownItemError(f"no note {note_id!r} (it may have been withdrawn)")
        return self._note(rows[0])

    def notes(self, session_id: str, *, event_id: str | None = None) -> list[Note]:
        sql, params = "SELECT * FROM notes WHERE session_id = ?", [session_id]
        if event_id is not None:
            sql += " AND event_id = ?"
            params.append(event_id)
        sql += " AND withdrawn_at IS NULL"
        return [self._note(r) for r in self._read(sql + " ORDER BY created_at, id", params)]

    _note = staticmethod(Note.from_row)

    def _own_note(self, db: sqlite3.Connection, note_id: str, participant: Participant
                  ) -> sqlite3.Row:
        row = db.execute("SELECT * FROM notes WHERE id = ? AND withdrawn_at IS NULL",
                         (note_id,)).fetchone()
        if row is None:
            raise UnknownItemError(f"no note {note_id!r} (it may have been withdrawn)")
        if row["participant_id"] != participant.id:
            raise PermissionError(f"only its author ({row['author']}) can change this note")
        return row

    def edit_note(self, note_id: str, *, participant: Participant, text: str,
                  tags: Iterable[str] | None = None) -> Note:
        """Change the text (and tags) of one's own note; the audit records that it was
        edited, by whom and when (not the text). Raises ``PermissionError`` for a note
        of someone else, :class:`~workbench.errors.UnknownItemError` for none."""
        text = text.strip()
        if not text:
            raise ValueError("a note needs some text (withdraw it to remove it)")
        with self._write() as db:
            row = self._own_note(db, note_id, participant)
            new_tags = tuple(json.loads(row["tags"])) if tags is None else _tags(tags)
            if text != row["text"] or new_tags != tuple(json.loads(row["tags"])):
                db.execute("UPDATE notes SET text = ?, tags = ?, edited_at = ? WHERE id = ?",
                           (text, json.dumps(new_tags), time.time(), note_id))
                self._audit(db, row["session_id"], participant.name, "edit-note",
                            note=note_id, participant=participant.id)
        return self.note(note_id)

    def withdraw_note(self, note_id: str, *, participant: Participant) -> None:
        """Withdraw one's own note: its text is removed from the store (every screen
        loses it at its next look); the audit records who withdrew it and when, never
        the text (it may be a real name typed by mistake)."""
        with self._write() as db:
            row = self._own_note(db, note_id, participant)
            db.execute("UPDATE notes SET text = '', tags = '[]', withdrawn_at = ? WHERE id = ?",
                       (time.time(), note_id))
            self._audit(db, row["session_id"], participant.name, "withdraw-note",
                        note=note_id, participant=participant.id)

    # -- walking a review together ------------------------------------------------------
    def take_chair(self, session_id: str, *, participant: Participant) -> Session:
        """Make ``participant`` the chair of a review session (whose step others follow)."""
        with self._write() as db:
            db.execute("UPDATE sessions SET chair_id = ? WHERE id = ?",
                       (participant.id, session_id))
            self._audit(db, session_id, participant.name, "chair", participant=participant.id)
        return self.session(session_id)

    def set_step(self, session_id: str, event_id: str, *, participant: Participant) -> bool:
        """The chair stands at ``event_id``; False (nothing written) for anyone else."""
        with self._write() as db:
            done = db.execute("UPDATE sessions SET step_event = ? WHERE id = ? AND "
                              "chair_id = ? AND COALESCE(step_event, '') != ?",
                              (event_id, session_id, participant.id, event_id)).rowcount
        return bool(done) or self.session(session_id).chair_id == participant.id

    def set_following(self, participant: Participant, following: bool) -> Participant:
        """Say whether this participant's screen follows the chair."""
        with self._write() as db:
            db.execute("UPDATE participants SET following = ? WHERE id = ?",
                       (int(following), participant.id))
        return replace(participant, following=bool(following))

    # -- workshop answers ---------------------------------------------------------------
    def answer(self, session_id: str, *, participant: Participant, decision: str, text: str,
               agency_to_act: str) -> Answer:
        """A participant's answer at a decision point (a second answer replaces the first)."""
        aid = str(uuid.uuid4())
        with self._write() as db:
            db.execute("INSERT INTO answers (id, session_id, participant_id, decision, text, "
                       "agency_to_act, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (session_id, participant_id, decision) DO UPDATE SET "
                       "text = excluded.text, agency_to_act = excluded.agency_to_act, "
                       "created_at = excluded.created_at",
                       (aid, session_id, participant.id, decision, text.strip(), agency_to_act,
                        time.time()))
            self._audit(db, session_id, participant.name, "answer", decision=decision)
        return next(a for a in self.answers(session_id, decision=decision)
                    if a.participant_id == participant.id)

    def answers(self, session_id: str, *, decision: str | None = None) -> list[Answer]:
        sql = ("SELECT a.*, p.name, p.discipline FROM answers a JOIN participants p "
               "ON p.id = a.participant_id WHERE a.session_id = ?")
        params: list[object] = [session_id]
        if decision is not None:
            sql += " AND a.decision = ?"
            params.append(decision)
        return [Answer(r["id"], r["participant_id"], r["name"], r["discipline"], r["decision"],
                       r["text"], r["agency_to_act"], r["created_at"])
                for r in self._read(sql + " ORDER BY p.discipline, a.created_at", params)]

    # -- audit --------------------------------------------------------------------------
    def audit(self, session_id: str | None = None) -> list[dict[str, object]]:
        sql, params = "SELECT * FROM audit", tuple[str, ...]()
        if session_id is not None:
            sql, params = sql + " WHERE session_id = ?", (session_id,)
        return [{"seq": r["seq"], "at": r["at"], "session_id": r["session_id"],
                 "actor": r["actor"], "action": r["action"], "detail": json.loads(r["detail"])}
                for r in self._read(sql + " ORDER BY seq", params)]

    # -- the review record (workbench.review_record): workbench.store._record ----------
    def save(self, item: object, *, actor: str = "reviewer") -> object:
        """Save a review-record item (a key practice episode, finding, recommendation
        or action); return it as stored. The item's client-made ``id`` makes the save
        idempotent: saving the same value again writes nothing, saving a changed value
        with the same id edits it (its place in the record is kept). Each change is
        audited."""
        return _record.save(self, item, actor=actor)

    def delete(self, item: object, *, actor: str = "reviewer") -> bool:
        """Remove a review-record item; True when it was there. The audit keeps its text."""
        return _record.delete(self, item, actor=actor)

    def set_action_status(self, action_id: str, status: str, *, progress: str | None = None,
                          actor: str = "reviewer") -> object:
        """Move an action of the plan to a new status (and note progress); return it."""
        return _record.set_action_status(self, action_id, status, progress=progress,
                                         actor=actor)

    def review_record(self, case_id: str, *, session_id: str | None = None):
        """The review record of a case (every item, in the order first saved); with
        ``session_id`` only the items captured in that session."""
        return _record.review_record(self, case_id, session_id=session_id)
