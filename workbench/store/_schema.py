"""The review store's schema, its versions, and how a store file is opened.

The schema version lives in SQLite's ``PRAGMA user_version``. :data:`MIGRATIONS` lists
each version's statements in order; opening a store applies those above the file's
version in one ``BEGIN IMMEDIATE`` transaction (so two kernels opening an old store at
once migrate it once) and sets the version. A store written by a newer workbench is
refused (:class:`~workbench.errors.StoreError`, reason ``future-version``) rather than
guessed at; a store created before versioning (version 0 with our tables) is version 1.

Examples
--------
>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "review.sqlite")
>>> db = open_store(path, create=True)
>>> db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
True
>>> db.close()
>>> open_store(path + ".typo", create=False)
Traceback (most recent call last):
...
workbench.errors.StoreError: no review store at .../review.sqlite.typo: check the path (a new store is made only when asked, e.g. workbench serve --create-store)
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

from workbench.errors import StoreError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate", "open_store", "store_error"]

_V1 = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, case_id TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL,
    join_code TEXT UNIQUE NOT NULL, reveal_seq INTEGER, decision TEXT,
    created_at REAL NOT NULL, closed_at REAL);
CREATE TABLE IF NOT EXISTS participants (
    id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id), name TEXT NOT NULL,
    agency TEXT NOT NULL, discipline TEXT NOT NULL, role TEXT NOT NULL, joined_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS notes (
    id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id),
    participant_id TEXT REFERENCES participants(id), author TEXT NOT NULL,
    agency TEXT NOT NULL, discipline TEXT NOT NULL, event_id TEXT, handoff_id TEXT,
    text TEXT NOT NULL, tags TEXT NOT NULL, created_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS notes_by_session ON notes(session_id, created_at);
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id),
    participant_id TEXT NOT NULL REFERENCES participants(id), decision TEXT NOT NULL,
    text TEXT NOT NULL, agency_to_act TEXT NOT NULL, created_at REAL NOT NULL,
    UNIQUE (session_id, participant_id, decision));
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, session_id TEXT,
    actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
-- the review record (workbench.review_record): lists are JSON text, like notes.tags
CREATE TABLE IF NOT EXISTS review_episodes (
    id TEXT PRIMARY KEY, case_id TEXT NOT NULL, session_id TEXT REFERENCES sessions(id),
    title TEXT NOT NULL, first_event TEXT NOT NULL, last_event TEXT NOT NULL,
    description TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS review_findings (
    id TEXT PRIMARY KEY, case_id TEXT NOT NULL, session_id TEXT REFERENCES sessions(id),
    title TEXT NOT NULL, text TEXT NOT NULL, flags TEXT NOT NULL, events TEXT NOT NULL,
    episodes TEXT NOT NULL, factors TEXT NOT NULL, created_at REAL NOT NULL,
    updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS review_recommendations (
    id TEXT PRIMARY KEY, case_id TEXT NOT NULL, session_id TEXT REFERENCES sessions(id),
    text TEXT NOT NULL, findings TEXT NOT NULL, addressed_to TEXT NOT NULL,
    created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS review_actions (
    id TEXT PRIMARY KEY, case_id TEXT NOT NULL, session_id TEXT REFERENCES sessions(id),
    recommendation TEXT, text TEXT NOT NULL, owner TEXT NOT NULL, due TEXT NOT NULL,
    status TEXT NOT NULL, progress TEXT NOT NULL, created_at REAL NOT NULL,
    updated_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS review_episodes_by_case ON review_episodes(case_id, created_at);
CREATE INDEX IF NOT EXISTS review_findings_by_case ON review_findings(case_id, created_at);
CREATE INDEX IF NOT EXISTS review_recommendations_by_case
    ON review_recommendations(case_id, created_at);
CREATE INDEX IF NOT EXISTS review_actions_by_case ON review_actions(case_id, created_at);
"""

#: version 2: notes can be edited and withdrawn by their author (the text of a withdrawn
#: note is gone; the audit says who withdrew it, when); a review session has a chair whose
#: step the participants who follow it see
_V2 = """
ALTER TABLE notes ADD COLUMN edited_at REAL;
ALTER TABLE notes ADD COLUMN withdrawn_at REAL;
ALTER TABLE sessions ADD COLUMN chair_id TEXT;
ALTER TABLE sessions ADD COLUMN step_event TEXT;
ALTER TABLE participants ADD COLUMN following INTEGER NOT NULL DEFAULT 0;
"""

#: (version, statements) in order; a new version appends here, never edits a step
MIGRATIONS: tuple[tuple[int, str], ...] = ((1, _V1), (2, _V2))
#: the version this workbench writes and reads
SCHEMA_VERSION = MIGRATIONS[-1][0]
_OURS = "sessions"  # a table every review store has


def store_error(exc: sqlite3.Error, path: str | Path, *, doing: str = "save it") -> StoreError:
    """A :class:`StoreError` with a reason and a sentence for an SQLite failure."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith("SQLITE_FULL") or "full" in text:
        return StoreError(f"could not {doing}: the disk (or the review store {path}) is full; "
                          "free some space and try again", reason="full", path=path)
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return StoreError(f"could not {doing}: the review store {path} is read-only; make "
                          "it writable (or name another with --store)", reason="read-only",
                          path=path)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or "busy" in text:
        return StoreError(f"could not {doing}: the review store {path} stayed busy (another "
                          "save held it too long); try again", reason="locked", path=path)
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in text or \
            "malformed" in text:
        return StoreError(f"{path} is not a review store, or it is damaged: restore it from a "
                          "backup, or name another with --store", reason="damaged", path=path)
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return StoreError(f"the review store {path} cannot be opened (its folder may be "
                          "missing or read-only)", reason="read-only", path=path)
    return StoreError(f"could not {doing}: the review store {path} answered: {exc}",
                      path=path)


def open_store(path: str | Path, *, create: bool, busy_timeout_s: float = 10.0,
               migrations: Sequence[tuple[int, str]] = MIGRATIONS) -> sqlite3.Connection:
    """A connection to the review store at ``path``, migrated to the current version.

    With ``create=False`` a missing file is refused (a mistyped ``--store`` must not
    become a new, empty store); with ``create=True`` it is made (folders included).
    Raises :class:`~workbench.errors.StoreError`: ``missing``, ``damaged`` (not a
    review store, or corrupt), ``future-version``, ``read-only``, ``locked``.
    """
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a review store file", reason="damaged",
                         path=path)
    if not path.exists():
        if not create:
            raise StoreError(f"no review store at {path}: check the path (a new store is "
                             "made only when asked, e.g. workbench serve --create-store)",
                             reason="missing", path=path)
        path.parent.mkdir(parents=True, exist_ok=True)
    uri = f"{path.resolve().as_uri()}?mode={'rwc' if create else 'rw'}"
    try:
        db = sqlite3.connect(uri, uri=True, timeout=busy_timeout_s, isolation_level=None,
                             check_same_thread=False)
    except sqlite3.Error as exc:
        raise store_error(exc, path, doing="open it") from exc
    try:
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        _check_version(db, path, migrations)  # before anything writes (WAL switch included)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
        migrate(db, path, migrations, busy_timeout_s=busy_timeout_s)
    except StoreError:
        db.close()
        raise
    except sqlite3.Error as exc:
        db.close()
        raise store_error(exc, path, doing="open it") from exc
    return db


def _check_version(db: sqlite3.Connection, path: Path,
                   migrations: Sequence[tuple[int, str]]) -> int:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    newest = migrations[-1][0]
    if version > newest:
        raise StoreError(f"the review store {path} was written by a newer workbench (store "
                         f"version {version}; this one reads versions up to {newest}): "
                         "upgrade the workbench, or name another store", reason="future-version",
                         path=path)
    if version == 0:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and _OURS not in tables:
            raise StoreError(f"{path} is an SQLite file but not a review store (tables: "
                             f"{', '.join(sorted(tables)[:5])}): name another with --store",
                             reason="damaged", path=path)
    return version


def migrate(db: sqlite3.Connection, path: str | Path,
            migrations: Sequence[tuple[int, str]] = MIGRATIONS, *,
            busy_timeout_s: float = 10.0) -> int:
    """Apply the migrations above the store's version, in order, in one transaction;
    return the version reached."""
    deadline = time.monotonic() + max(busy_timeout_s, 0.1) * 3
    while True:
        try:
            db.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    try:
        version = _check_version(db, Path(path), migrations)  # another kernel may have won
        for number, statements in migrations:
            if number > version:
                for statement in filter(str.strip, statements.split(";")):
                    db.execute(statement)
                version = number
        db.execute(f"PRAGMA user_version = {int(version)}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return version
