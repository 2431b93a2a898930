import sqlite3
import threading

import pytest

from workbench.store import TAGS, NotesStore
from workbench.store_crashtest import run_crash_test


@pytest.fixture
def store(tmp_path):
    s = NotesStore(tmp_path / "review.sqlite")
    yield s
    s.close()


def test_database_is_configured_for_many_writers(store):
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store._db.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000


def test_session_participants_notes_and_audit(store):
    session = store.open_session("case-a", kind="review", title="Learning event")
    assert len(session.join_code) == 6 and store.session_by_code(session.join_code.lower()) == session
    sw = store.join(session.id, name="SW 1", agency="Children's Social Care",
                    discipline="social work")
    pc = store.join(session.id, name="PC 1", agency="Police", discipline="policing")
    store.add_note(session.id, participant=sw, text="Referral not chased", event_id="e1",
                   tags=["missed opportunity"])
    store.add_note(session.id, participant=pc, text="Good joint visit", handoff_id="e2>Police",
                   tags=["good practice", "good practice"])
    notes = store.notes(session.id)
    assert [(n.author, n.text, n.tags) for n in notes] == [
        ("SW 1", "Referral not chased", ("missed opportunity",)),
        ("PC 1", "Good joint visit", ("good practice",))]
    assert [n.text for n in store.notes(session.id, event_id="e1")] == ["Referral not chased"]
    assert [p.name for p in store.participants(session.id)] == ["SW 1", "PC 1"]
    actions = [a["action"] for a in store.audit(session.id)]
    assert actions == ["open-session", "join", "join", "note", "note"]


def test_a_retried_note_is_not_duplicated(store):
    session = store.open_session("case-a")
    me = store.join(session.id, name="T1", agency="School", discipline="education")
    first = store.add_note(session.id, participant=me, text="once", note_id="n-1")
    again = store.add_note(session.id, participant=me, text="once", note_id="n-1")
    assert first == again and len(store.notes(session.id)) == 1
    assert sum(a["action"] == "note" for a in store.audit(session.id)) == 1


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"text": "  "}, "needs some text"),
    ({"text": "x", "tags": ["blame"]}, "unknown tag"),
])
def test_bad_notes_are_refused_and_nothing_is_written(store, kwargs, message):
    session = store.open_session("case-a")
    me = store.join(session.id, name="T1", agency="School", discipline="education")
    with pytest.raises(ValueError, match=message):
        store.add_note(session.id, participant=me, **kwargs)
    assert store.notes(session.id) == []
    assert set(TAGS) == {"missed opportunity", "good practice", "key practice episode",
                         "question"}


def test_reveal_point_and_answers_by_discipline(store):
    session = store.open_session("case-a", kind="workshop")
    a = store.join(session.id, name="A", agency="Police", discipline="policing")
    b = store.join(session.id, name="B", agency="School", discipline="education")
    store.set_reveal(session.id, 12, decision="d1")
    assert store.session(session.id).reveal_seq == 12
    store.answer(session.id, participant=a, decision="d1", text="Call a strategy meeting",
                 agency_to_act="Children's Social Care")
    store.answer(session.id, participant=b, decision="d1", text="first", agency_to_act="School")
    store.answer(session.id, participant=b, decision="d1", text="Refer to CSC",
                 agency_to_act="School")
    answers = store.answers(session.id, decision="d1")
    assert [(x.discipline, x.text) for x in answers] == [("education", "Refer to CSC"),
                                                         ("policing", "Call a strategy meeting")]


def test_a_second_connection_sees_changes(store, tmp_path):
    other = NotesStore(store.path)
    session = store.open_session("case-a")
    before = other.version()
    me = store.join(session.id, name="X", agency="Police", discipline="policing")
    store.add_note(session.id, participant=me, text="seen elsewhere")
    assert other.version() != before
    assert [n.text for n in other.notes(session.id)] == ["seen elsewhere"]
    other.close()


def test_threads_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "threads.sqlite"
    setup = NotesStore(path)
    session = setup.open_session("case-a")
    me = setup.join(session.id, name="X", agency="Police", discipline="policing")
    errors = []

    def write(k):
        s = NotesStore(path)
        try:
            for i in range(40):
                s.add_note(session.id, participant=me, text=f"{k}-{i}", note_id=f"{k}-{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=write, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(setup.notes(session.id)) == 320
    setup.close()


def test_kernels_opening_one_case_at_once_share_one_review_session(tmp_path):
    """Pages opened together start kernels together: each finds or opens the case's
    review session in one transaction, so all get the same one (there were two)."""
    path = tmp_path / "review.sqlite"
    NotesStore(path).close()
    start = threading.Barrier(6)
    found: list[str] = []

    def open_review():
        s = NotesStore(path)
        try:
            start.wait()
            found.append(s.review_session("case-a", title="Case A").id)
        finally:
            s.close()

    threads = [threading.Thread(target=open_review) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store = NotesStore(path)
    sessions = store.sessions(case_id="case-a")
    assert [s.kind for s in sessions] == ["review"]
    assert found == [sessions[0].id] * 6
    workshop = store.open_session("case-a", kind="workshop")   # a workshop is not a review
    assert store.review_session("case-a").id == sessions[0].id != workshop.id
    store.close()


@pytest.mark.slow
def test_sigkilled_writers_never_lose_an_acknowledged_note(tmp_path):
    result = run_crash_test(tmp_path / "crash.sqlite", rounds=4, writers=4, max_life_s=1.0)
    assert result.acknowledged > 0
    assert (result.lost, result.changed, result.locked_errors) == (0, 0, 0)
    assert result.integrity_ok == result.rounds


# -- versions, migrations and failures (issue 14) -------------------------------------------

from workbench.errors import StoreError, UnknownItemError  # noqa: E402
from workbench.store import SCHEMA_VERSION  # noqa: E402
from workbench.store._schema import _V1, MIGRATIONS, open_store  # noqa: E402


def _note(store):
    session = store.open_session("case-a")
    me = store.join(session.id, name="SW 1", agency="Police", discipline="policing")
    return session, me


def test_a_new_store_records_its_schema_version(store):
    assert SCHEMA_VERSION == MIGRATIONS[-1][0] >= 1
    assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_store_made_before_versions_is_migrated_and_keeps_its_notes(tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    for statement in filter(str.strip, _V1.split(";")):
        db.execute(statement)
    db.execute("INSERT INTO sessions (id, case_id, kind, title, join_code, created_at) "
               "VALUES ('s1', 'case-a', 'review', 't', 'ABCDEF', 0)")
    db.commit()
    db.close()
    store = NotesStore(path, create=False)
    assert store.session("s1").join_code == "ABCDEF"
    assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    store.close()


def test_migrations_run_in_order_once(tmp_path):
    path = tmp_path / "r.sqlite"
    NotesStore(path).close()
    steps = (*MIGRATIONS, (SCHEMA_VERSION + 1, "ALTER TABLE notes ADD COLUMN colour TEXT"),
             (SCHEMA_VERSION + 2, "UPDATE notes SET colour = 'blue'; "
                                  "CREATE TABLE later (x TEXT)"))
    db = open_store(path, create=False, migrations=steps)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 2
    assert "colour" in [r[1] for r in db.execute("PRAGMA table_info(notes)")]
    db.close()
    db = open_store(path, create=False, migrations=steps)  # nothing to do the second time
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 2
    db.close()


def test_a_store_from_a_newer_workbench_is_refused_untouched(tmp_path):
    path = tmp_path / "r.sqlite"
    NotesStore(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer workbench") as caught:
        NotesStore(path)
    assert caught.value.reason == "future-version"
    assert f"version {SCHEMA_VERSION + 5}" in str(caught.value)
    assert path.read_bytes() == before


def test_a_mistyped_store_is_never_created_unless_asked(tmp_path):
    path = tmp_path / "revew.sqlite"
    with pytest.raises(StoreError, match="--create-store") as caught:
        NotesStore(path, create=False)
    assert caught.value.reason == "missing" and not path.exists()
    NotesStore(path, create=True).close()
    assert path.is_file()


@pytest.mark.parametrize("content", [b"garbage, not a database" * 100, b""])
def test_a_file_that_is_not_a_store_is_refused(tmp_path, content):
    path = tmp_path / "r.sqlite"
    path.write_bytes(content)
    if content:
        with pytest.raises(StoreError, match="not a review store") as caught:
            NotesStore(path, create=False)
        assert caught.value.reason == "damaged"
    else:  # an empty file is an empty SQLite database: made into a store
        NotesStore(path, create=False).close()


def test_another_sqlite_database_is_not_taken_for_a_store(tmp_path):
    path = tmp_path / "other.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE customers (name TEXT)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not a review store.*customers"):
        NotesStore(path, create=False)


def test_a_note_not_saved_on_a_read_only_store_says_so(store):
    session, me = _note(store)
    store._db.execute("PRAGMA query_only = 1")
    with pytest.raises(StoreError) as caught:
        store.add_note(session.id, participant=me, text="kept by the caller")
    assert caught.value.reason == "read-only" and "read-only" in str(caught.value)
    store._db.execute("PRAGMA query_only = 0")
    assert store.notes(session.id) == []


def test_a_note_not_saved_on_a_full_disk_says_so(store):
    session, me = _note(store)
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreError, match="full") as caught:
        store.add_note(session.id, participant=me, text="x" * 200_000)
    assert caught.value.reason == "full"
    assert store.notes(session.id) == []  # nothing half-saved


def test_a_note_not_saved_while_another_holds_the_store_says_so(tmp_path):
    path = tmp_path / "r.sqlite"
    store = NotesStore(path, busy_timeout_s=0.05)
    session, me = _note(store)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="busy") as caught:
            store.add_note(session.id, participant=me, text="later")
        assert caught.value.reason == "locked"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.add_note(session.id, participant=me, text="later").text == "later"
    store.close()


def test_an_unknown_session_is_a_clear_key_error(store):
    with pytest.raises(UnknownItemError, match="no session with join code 'ZZZZZZ'") as caught:
        store.session_by_code("zzzzzz")
    assert isinstance(caught.value, KeyError)


# -- notes edited and withdrawn by their author; walking a review together ------------------

def test_a_version_1_store_gains_note_edits_and_a_chair_keeping_its_notes(tmp_path):
    path = tmp_path / "v1.sqlite"
    db = open_store(path, create=True, migrations=MIGRATIONS[:1])
    db.execute("INSERT INTO sessions (id, case_id, kind, title, join_code, created_at) "
               "VALUES ('s1', 'case-a', 'review', 't', 'ABCDEF', 0)")
    db.execute("INSERT INTO participants (id, session_id, name, agency, discipline, role, "
               "joined_at) VALUES ('p1', 's1', 'AB', 'Police', 'policing', 'participant', 0)")
    db.execute("INSERT INTO notes (id, session_id, participant_id, author, agency, discipline,"
               " text, tags, created_at) VALUES ('n1', 's1', 'p1', 'AB', 'Police', 'policing',"
               " 'Written under version 1', '[]', 0)")
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()
    store = NotesStore(path, create=False)
    assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    (note,) = store.notes("s1")
    assert note.text == "Written under version 1" and note.participant_id == "p1"
    assert note.edited_at is None and store.session("s1").chair_id is None
    me = store.participants("s1")[0]
    assert store.edit_note("n1", participant=me, text="Edited after the upgrade").edited_at
    store.close()


def test_only_its_author_edits_or_withdraws_a_note_and_the_audit_keeps_no_text(store):
    session, me = _note(store)
    other = store.join(session.id, name="CD", agency="School", discipline="education")
    note = store.add_note(session.id, participant=me, text="Jo Bloggs said so",
                          event_id="e1", tags=["question"])
    with pytest.raises(PermissionError, match=r"only its author \(SW 1\)"):
        store.edit_note(note.id, participant=other, text="changed by someone else")
    with pytest.raises(PermissionError):
        store.withdraw_note(note.id, participant=other)
    assert store.note(note.id).text == "Jo Bloggs said so"           # nothing changed
    edited = store.edit_note(note.id, participant=me, text="The child's aunt said so",
                             tags=["missed opportunity"])
    assert edited.text == "The child's aunt said so" and edited.tags == ("missed opportunity",)
    assert edited.edited_at >= note.created_at and edited.participant_id == me.id
    store.withdraw_note(note.id, participant=me)
    assert store.notes(session.id) == []
    with pytest.raises(KeyError, match="withdrawn"):
        store.note(note.id)
    with pytest.raises(KeyError):
        store.edit_note(note.id, participant=me, text="again")
    raw = store._db.execute("SELECT text FROM notes WHERE id = ?", (note.id,)).fetchone()
    assert raw["text"] == ""                                           # gone from the file
    audit = [(a["actor"], a["action"], a["detail"].get("note")) for a in store.audit(session.id)]
    assert audit[-2:] == [("SW 1", "edit-note", note.id), ("SW 1", "withdraw-note", note.id)]
    dumped = repr(store.audit())
    assert "Jo Bloggs" not in dumped and "aunt" not in dumped          # no text in the audit


def test_the_chair_sets_the_step_and_the_store_knows_who_follows(store, tmp_path):
    session = store.open_session("case-a")
    chair = store.join(session.id, name="AB", agency="", discipline="independent reviewer")
    follower = store.join(session.id, name="CD", agency="", discipline="education")
    assert store.set_step(session.id, "e3", participant=chair) is False  # nobody chairs yet
    assert store.take_chair(session.id, participant=chair).chair_id == chair.id
    other = NotesStore(tmp_path / "review.sqlite")                  # another kernel
    before = other.version()
    assert store.set_step(session.id, "e3", participant=chair)
    assert other.version() != before                                # its poller sees it
    assert other.session(session.id).step_event == "e3"
    assert store.set_step(session.id, "e4", participant=follower) is False
    assert other.session(session.id).step_event == "e3"
    assert store.set_following(follower, True).following
    assert [p.name for p in other.participants(session.id) if p.following] == ["CD"]
    other.close()
