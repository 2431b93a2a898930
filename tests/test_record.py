"""The review record: frozen values, and their storage in the review store."""

import dataclasses
import datetime as dt
import sqlite3
import threading

import pytest

from workbench.analysis.rules import Evidence, Flag
from workbench.review_record import (
    ACTION_STATUSES,
    FACTOR_LEVELS,
    Action,
    ContributoryFactor,
    Finding,
    KeyPracticeEpisode,
    Recommendation,
    ReviewRecord,
    flag_key,
)
from workbench.store import NotesStore


@pytest.fixture
def store(tmp_path):
    s = NotesStore(tmp_path / "review.sqlite")
    yield s
    s.close()


def _record_items(case_id="case-a", session_id=None):
    kpe = KeyPracticeEpisode(case_id=case_id, title="First referral", first_event="e1",
                             last_event="e4", description="School to CSC", session_id=session_id)
    finding = Finding(case_id=case_id, title="Referrals not chased", text="Twice.",
                      flags=["wb.unanswered-referral:e2"], events=["e2", "e3"],
                      episodes=[kpe.id], session_id=session_id,
                      factors=[("frontline", "No follow-up prompt"),
                               {"level": "national", "text": "No statutory timescale"}])
    rec = Recommendation(case_id=case_id, text="Set a follow-up standard", findings=[finding.id],
                         addressed_to="Partnership", session_id=session_id)
    action = Action(case_id=case_id, text="Add a 5-day prompt", owner="School", due="2026-03-31",
                    recommendation=rec.id, session_id=session_id)
    return kpe, finding, rec, action


# -- values -------------------------------------------------------------------------------

def test_items_are_frozen_and_normalised():
    kpe, finding, rec, action = _record_items()
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.title = "x"  # type: ignore[misc]
    assert finding.events == ("e2", "e3") and isinstance(finding.flags, tuple)
    assert finding.factors == (ContributoryFactor("frontline", "No follow-up prompt"),
                               ContributoryFactor("national", "No statutory timescale"))
    assert finding.factors_at("local-strategic") == ()
    assert action.due == dt.date(2026, 3, 31) and action.status == "not-started"
    assert kpe.id != finding.id and len(kpe.id) == 36
    assert dataclasses.replace(action, status="complete").status == "complete"


@pytest.mark.parametrize(("make", "message"), [
    (lambda: ContributoryFactor("team", "x"), "level 'team' is not allowed"),
    (lambda: ContributoryFactor("frontline", "  "), "text must not be empty"),
    (lambda: Action(case_id="c", text="x", owner="School", due="31/03/2026"),
     "due date '31/03/2026' is not a date"),
    (lambda: Action(case_id="c", text="x", owner="School", due="2026-03-31", status="done"),
     "status 'done' is not allowed (allowed: not-started, in-progress, complete, withdrawn)"),
    (lambda: Finding(case_id="c", title=""), "title must not be empty"),
    (lambda: Action(case_id="c", text="x", owner=" ", due="2026-03-31"),
     "owner must not be empty"),
])
def test_bad_values_are_refused_with_the_allowed_values(make, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()


def test_a_list_of_ids_must_not_be_a_single_string():
    with pytest.raises(TypeError, match="list of ids"):
        Finding(case_id="c", title="t", events="e1")


@pytest.mark.parametrize("status", ACTION_STATUSES)
def test_overdue_only_when_open_and_past_due(status):
    action = Action(case_id="c", text="x", owner="Police", due="2026-01-31", status=status)
    assert action.overdue(dt.date(2026, 2, 1)) is (status in ("not-started", "in-progress"))
    assert action.overdue(dt.date(2026, 1, 31)) is False


def test_flag_key_is_the_same_for_a_flag_and_a_flag_table_row():
    flag = Flag(rule="wb.x", pattern="p", severity="high", title="t", explanation="e",
                guidance="", events=(Evidence("e1", "a.csv:2"), Evidence("e3", "b.csv:4")))
    assert flag_key(flag) == "wb.x:e1+e3"
    assert flag_key({"rule": "wb.x", "event_ids": ("e1", "e3")}) == "wb.x:e1+e3"


def test_record_problems_name_every_dangling_reference():
    kpe, finding, rec, action = _record_items()
    record = ReviewRecord("case-a", episodes=(kpe,), findings=(finding,),
                          recommendations=(rec,), actions=(action,))
    assert record.problems() == []
    assert record.problems(event_ids=["e1", "e2", "e3", "e4"],
                           flag_keys=["wb.unanswered-referral:e2"]) == []
    orphan = Action(case_id="case-a", text="Orphan", owner="Police", due="2026-01-01",
                    recommendation="gone")
    broken = dataclasses.replace(record, episodes=(), actions=(action, orphan))
    problems = broken.problems(event_ids=["e2"], flag_keys=[])
    assert problems == [
        f"finding 'Referrals not chased': key practice episode {kpe.id!r} is not recorded",
        "finding 'Referrals not chased': event 'e3' is not in the case",
        "finding 'Referrals not chased': flag 'wb.unanswered-referral:e2' is not raised "
        "for the case",
        "action 'Orphan': recommendation 'gone' is not recorded"]
    assert len(record) == 4 and record.item(rec.id) == rec
    assert record.actions_for(rec.id) == (action,)


def test_factor_levels_follow_learning_together():
    assert FACTOR_LEVELS == ("frontline", "local-strategic", "national")


# -- storage ------------------------------------------------------------------------------

def test_record_round_trips_through_the_store_in_saved_order(store):
    items = _record_items()
    for item in items:
        assert store.save(item) == item
    record = store.review_record("case-a")
    assert (record.episodes, record.findings, record.recommendations, record.actions) == \
        tuple((i,) for i in items)
    assert store.review_record("case-b") == ReviewRecord("case-b")
    actions = [a["action"] for a in store.audit()]
    assert actions == ["save-episode", "save-finding", "save-recommendation", "save-action"]


def test_a_retried_save_writes_nothing_and_an_edit_keeps_its_place(store):
    kpe, finding, rec, action = _record_items()
    store.save(finding)
    store.save(rec)
    store.save(finding)  # a retry: same id, same value
    assert [a["detail"]["change"] for a in store.audit()] == ["new", "new"]
    edited = dataclasses.replace(finding, text="Three times.",
                                 factors=(*finding.factors,
                                          ContributoryFactor("local-strategic", "No standard")))
    store.save(edited, actor="chair")
    record = store.review_record("case-a")
    assert record.findings == (edited,) and record.recommendations == (rec,)
    last = store.audit()[-1]
    assert (last["actor"], last["action"], last["detail"]["change"]) == \
        ("chair", "save-finding", "edit")
    assert store.review_record("case-a").findings[0].factors_at("local-strategic")[0].text == \
        "No standard"


def test_an_item_cannot_move_to_another_case(store):
    _, finding, _, _ = _record_items()
    store.save(finding)
    with pytest.raises(ValueError, match="belongs to case 'case-a', not 'case-b'"):
        store.save(dataclasses.replace(finding, case_id="case-b"))
    assert store.review_record("case-b").findings == ()


def test_action_status_changes_and_deletion_are_audited(store):
    *_, action = _record_items()
    store.save(action)
    moved = store.set_action_status(action.id, "in-progress", progress="Drafted", actor="lead")
    assert (moved.status, moved.progress) == ("in-progress", "Drafted")
    with pytest.raises(ValueError, match="status 'finished' is not allowed"):
        store.set_action_status(action.id, "finished")
    with pytest.raises(KeyError):
        store.set_action_status("no-such-action", "complete")
    assert store.delete(moved) is True and store.delete(moved) is False
    assert store.review_record("case-a").actions == ()
    gone = store.audit()[-1]
    assert gone["action"] == "delete-action" and gone["detail"]["item"]["text"] == action.text


def test_items_can_be_read_per_session_and_need_a_real_session(store):
    session = store.open_session("case-a", title="Learning event")
    ours = _record_items(session_id=session.id)
    for item in ours:
        store.save(item)
    other = Finding(case_id="case-a", title="From the panel")
    store.save(other)
    assert store.review_record("case-a", session_id=session.id).findings == (ours[1],)
    assert len(store.review_record("case-a").findings) == 2
    with pytest.raises(sqlite3.IntegrityError):
        store.save(Finding(case_id="case-a", title="x", session_id="no-such-session"))


def test_only_record_items_can_be_saved(store):
    with pytest.raises(TypeError, match="not a review-record item: dict"):
        store.save({"title": "x"})


def test_many_writers_lose_no_item(tmp_path):
    path = tmp_path / "review.sqlite"
    NotesStore(path).close()
    errors: list[BaseException] = []

    def write(n: int) -> None:
        s = NotesStore(path)
        try:
            for i in range(15):
                s.save(Finding(case_id="case-a", title=f"w{n}-{i}"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    s = NotesStore(path)
    assert len(s.review_record("case-a").findings) == 60
    s.close()
