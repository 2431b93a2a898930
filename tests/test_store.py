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


@pytest.mark.slow
def test_sigkilled_writers_never_lose_an_acknowledged_note(tmp_path):
    result = run_crash_test(tmp_path / "crash.sqlite", rounds=4, writers=4, max_life_s=1.0)
    assert result.acknowledged > 0
    assert (result.lost, result.changed, result.locked_errors) == (0, 0, 0)
    assert result.integrity_ok == result.rounds
