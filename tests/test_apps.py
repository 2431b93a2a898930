"""The dashboards' apps without a browser: construct them on a tiny fictional case,
click their buttons programmatically and check what their panels show."""

from __future__ import annotations

import asyncio
import json

import ipywidgets as w
import plotly.graph_objects as go
import pytest

from tests.appcases import RULES, tiny_case, write_cases
from workbench.analysis.cohort import cohort_report
from workbench.apps import (
    CaseLibrary,
    CohortApp,
    NetworkApp,
    ReviewApp,
    Settings,
    StorePoller,
    WorkshopApp,
    cohort_figure,
    gate_problems,
    settings_from_environment,
)
from workbench.apps.library import bundled_case_studies
from workbench.apps.review import KPE_TAG
from workbench.apps.workshop import QUESTION, revealed_case
from workbench.store import NotesStore


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    return write_cases(tmp_path_factory.mktemp("cases"))


@pytest.fixture
def library(cases):
    return CaseLibrary([cases], bundled=False)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "review.sqlite"


@pytest.fixture
def stores(db):
    """Two connections to one review store: two participants' kernels."""
    opened = [NotesStore(db), NotesStore(db)]
    yield opened
    for s in opened:
        s.close()


@pytest.fixture
def review(library, stores):
    return ReviewApp(library=library, store=stores[0], case="tiny", rules=RULES)


def figure_widgets(widget) -> list:
    """Every FigureWidget in a widget tree."""
    found = [widget] if isinstance(widget, go.FigureWidget) else []
    for child in getattr(widget, "children", ()):
        found += figure_widgets(child)
    return found


def drawn(app):
    """The app as a page shows it: its figure slot has been drawn, and plotly.js has
    drawn the figure."""
    app.figure_slot.page_ready()
    app.figure_slot.figure_drawn()
    return app


def cursor_x(app) -> str:
    return app.timeline.cursor_x


# -- settings, library, gate ------------------------------------------------------------

def test_settings_from_environment_reads_the_serve_variables(tmp_path):
    env = {"WORKBENCH_STORE": str(tmp_path / "s.sqlite"), "WORKBENCH_CASES": "",
           "WORKBENCH_COHORT": str(tmp_path), "HOME": str(tmp_path)}
    s = settings_from_environment(env)
    assert s == Settings(store=tmp_path / "s.sqlite", cases=None, cohort=tmp_path)
    assert settings_from_environment({"HOME": str(tmp_path)}).store == \
        tmp_path / ".local/share/workbench/review.sqlite"


def test_library_lists_case_folders_and_case_studies(cases, tmp_path):
    study = tmp_path / "study"
    study.mkdir()
    (study / "meta.yaml").write_text("id: study-a\ntitle: A study\n")
    (study / "police.csv").write_text("Date,Agency,Event\n05/02/2025 22:00,Police,"
                                      "Reported missing\n")
    library = CaseLibrary([cases, study], bundled=False)
    assert library.keys() == ["tiny", "undeclared", "study-a"]
    assert [e.kind for e in library.entries] == ["case", "case", "case study"]
    assert library.load("study-a").events["kind"].tolist() == ["missing_report"]
    assert library.load("tiny") is library.load("tiny")          # read once
    with pytest.raises(KeyError, match="no case 'nope'"):
        library.entry("nope")


def test_bundled_case_studies_are_listed_first():
    assert bundled_case_studies() is not None
    library = CaseLibrary()
    assert "county-lines" in library and all(e.bundled for e in library.entries)


def test_the_gate_wants_who_when_and_how():
    assert gate_problems(tiny_case()) == []
    assert gate_problems(tiny_case(declared=False)) == [
        "tiny: no anonymisation declaration (give anonymisation: by, on, method in the case "
        "file)"]
    from dataclasses import replace

    half = replace(tiny_case(), anonymisation={"by": "AB", "on": ""})
    assert gate_problems(half) == ["tiny: the anonymisation declaration lacks on, method "
                                   "(it needs by, on, method)"]
    assert gate_problems(half, checks=[lambda case: ["scan: 2 findings in police.csv"]]) == [
        "scan: 2 findings in police.csv"]


# -- review -----------------------------------------------------------------------------

def test_review_opens_on_the_first_event_with_one_figure(review):
    assert review.current.key == "tiny" and review.position == 0
    assert len(figure_widgets(review.widget)) == 0     # no 5 MB widget before a page is there
    review.next()
    review.previous()
    drawn(review)
    assert len(figure_widgets(review.widget)) == 1
    assert review.figure.layout.xaxis.type == "date"
    assert cursor_x(review) == "2025-02-05T22:00"      # cursor on event 1, in the figure itself
    assert "Event 1 of 10" in review.event_panel.value
    assert "Child T reported missing by carer" in review.event_panel.value
    assert "<code>test.csv:2</code>" in review.event_panel.value   # the source line
    assert review.slider.max == 10


def test_the_cursor_label_sits_on_the_side_with_room(review):
    def label():
        line = next(t for t in review.figure.data if t.name == "The moment shown")
        return line.textposition, line.text[0]

    review.go_to(0)                      # early in the case: written right of the line
    assert label() == ("middle right", " event 1 of 10: 5 Feb 2025 22:00")
    review.go_to(9)                      # late: left of it, never cut at the figure's edge
    assert label() == ("middle left", "event 10 of 10: 10 Mar 2025 14:00 ")
    review.go_to(0)


def test_a_figure_slot_prepares_its_figure_for_the_width_the_page_gives_it():
    import plotly.graph_objects as go

    from workbench.apps._figure import FigureSlot

    seen = []
    slot = FigureSlot(width=1180, prepare=lambda fig, width, scale, room:
                      seen.append((width, scale, room)))
    slot.show(go.Figure())
    assert seen == []                    # no page yet: no width known
    slot.page_ready(712, 1366, 430)      # 430 px of the window below the slot's top
    assert seen == [(712, 1.0, 430)]
    slot.show(go.Figure())               # the next figure, for the same page
    assert seen == [(712, 1.0, 430), (712, 1.0, 430)]


def test_stepping_moves_the_cursor_and_changes_what_each_agency_knew(review):
    before_x, before_k = cursor_x(review), review.knowledge_panel.value
    review.next_button.click()
    assert review.position == 1 and review.slider.value == 2
    assert cursor_x(review) == "2025-02-06T08:00" != before_x
    assert review.knowledge_panel.value != before_k
    assert "Found at a friend" in review.event_panel.value
    assert "Police → Children&#x27;s Social Care" in review.event_panel.value   # its hand-off
    review.prev_button.click()
    assert review.position == 0 and cursor_x(review) == before_x
    review.slider.value = 4
    assert review.position == 3 and "School referral" in review.event_panel.value
    review.go_to(99)
    assert review.position == 9          # clamped at the last event


def test_knowledge_panel_says_what_an_agency_lacked(review):
    review.go_to(3)       # the school's referral: the school never heard of the missing episode
    html = review.knowledge_panel.value
    assert "What each agency knew at 10 Feb 2025 09:00" in html
    school = html.split("<td>School</td>")[1].split("</tr>")[0]
    assert "Missing report" in school and "wb-current" in html


def test_next_flag_jumps_to_its_evidence_and_the_flag_text_is_escaped(review):
    review.flag_button.click()
    assert review.position == 3                          # the referral
    assert review.flag_list.value == 0
    assert [v for _, v in review.evidence_list.options] == ["e4"]
    # option labels are plain text (never HTML) in the browser
    assert review.flag_list.options[0][0] == "10/02/2025 [high] Referral <b>never</b> answered"
    assert "<script>" not in review.flag_detail.value
    assert "&lt;script&gt;" in review.flag_detail.value
    review.flag_button.click()
    assert review.position == 6                          # the closure
    review.flag_list.value = 0                           # choosing a flag goes to it
    assert review.position == 3
    review.flag_list.value = 1
    review.evidence_list.value = "e8"                    # and each piece of evidence
    assert review.position == 7


def test_user_text_is_escaped_in_every_panel(review):
    review.go_to(2)
    assert "<img" not in review.event_panel.value
    assert "&lt;img src=x onerror=alert(1)&gt;" in review.event_panel.value


def test_a_note_saved_by_one_participant_appears_for_another(library, stores, review):
    other = ReviewApp(library=library, store=stores[1], case="tiny", rules=RULES)
    assert other.session.id == review.session.id          # one review session per case
    review.go_to(3)
    review.name_input.value = "AB"
    review.agency_input.value = "School"
    review.discipline_input.value = "education"
    review.note_input.value = "Nobody chased this <script>alert(1)</script>"
    review.tag_buttons[KPE_TAG].value = True
    review.save_button.click()
    assert "Saved" in review.note_status.value and review.note_input.value == ""
    assert not review.tag_buttons[KPE_TAG].value
    other.refresh()
    assert "Nobody chased this &lt;script&gt;" in other.notes_panel.value
    assert "<script>" not in other.notes_panel.value
    assert "key practice episode" in other.notes_panel.value
    other.go_to(3)
    assert "Notes on this event (1)" in other.event_panel.value
    other.go_to(0)
    other.kpe_button.click()                    # a note tagged KPE makes a stop
    assert other.position == 3


def test_a_note_needs_a_name_and_text_and_can_be_about_a_hand_off(review, stores):
    review.note_input.value = "x"
    assert review.save_note() is None and "name" in review.note_status.value
    review.name_input.value = "CD"
    review.note_input.value = ""
    assert review.save_note() is None and "Write a note" in review.note_status.value
    review.go_to(1)                              # found, shared with CSC: a hand-off
    labels = [label for label, _ in review.target.options]
    assert labels[1].startswith("hand-off Police → Children's Social Care")
    review.target.value = review.target.options[1][1]
    review.note_input.value = "Shared the same morning"
    review.tag_buttons["good practice"].value = True
    note = review.save_note()
    assert note.handoff_id == review.target.options[1][1][1] and note.event_id == "e2"
    assert note.tags == ("good practice",)
    assert [n.text for n in stores[1].notes(review.session.id)] == ["Shared the same morning"]


def test_a_note_that_could_not_be_saved_says_so_and_keeps_the_text(review, monkeypatch):
    from workbench.errors import StoreError

    def full(*args, **kwargs):
        raise StoreError("The review store's disk is full: free some space", reason="full")

    monkeypatch.setattr(review.store, "add_note", full)
    review.name_input.value = "CD"
    review.note_input.value = "Nobody rang the school back"
    draft = review.notes.draft_id
    assert review.save_note() is None
    assert "Not saved" in review.note_status.value and "disk is full" in review.note_status.value
    assert review.note_input.value == "Nobody rang the school back"   # the typed text is kept
    assert review.notes.draft_id == draft                                   # a retry saves it once


def _write(app, name, text, *, at=3):
    app.go_to(at)
    app.name_input.value = name
    app.note_input.value = text
    return app.save_note()


def test_an_author_edits_and_withdraws_a_note_and_it_leaves_every_screen(library, stores,
                                                                        review):
    other = ReviewApp(library=library, store=stores[1], case="tiny", rules=RULES)
    note = _write(review, "AB", "Seen by Jo Bloggs at the station")
    other.refresh()
    assert "Jo Bloggs" in other.notes_panel.value and other.notes.own_notes() == []
    assert other.notes.mine_box.layout.display == "none"      # nothing of theirs to change
    assert [v for _, v in review.notes.mine.options] == [note.id]
    review.notes.mine.value = note.id
    assert review.notes.start_edit()
    assert review.note_input.value == "Seen by Jo Bloggs at the station"
    assert review.save_button.description == "Save changes"
    review.note_input.value = "Seen by the child's aunt at the station"
    assert review.save_note().id == note.id
    other.refresh()
    assert "the child&#x27;s aunt" in other.notes_panel.value and "Jo Bloggs" not in \
        other.notes_panel.value
    assert "edited" in other.notes_panel.value
    other.go_to(3)
    assert "aunt" in other.event_panel.value
    review.notes.mine.value = note.id
    review.notes.withdraw_button.click()
    assert "Withdrawn" in review.note_status.value
    other.refresh()
    for app in (review, other):
        assert "aunt" not in app.notes_panel.value + app.event_panel.value
        assert "No notes yet" in app.notes_panel.value
    assert other.notes.withdraw(note.id) is False                 # not theirs (and gone)
    assert [a["action"] for a in stores[1].audit(review.session.id)][-2:] == \
        ["edit-note", "withdraw-note"]


def test_a_reload_keeps_ones_notes_ones_own(library, stores, review):
    note = _write(review, "AB", "Mine after a reload")
    reloaded = ReviewApp(library=library, store=stores[1], case="tiny", rules=RULES)
    assert reloaded.notes.own_notes() == []
    reloaded.page.opened({}, review.page.remembered["stored"])
    assert reloaded.name_input.value == "AB"
    assert [n.id for n in reloaded.notes.own_notes()] == [note.id]
    assert reloaded.notes.start_edit(note.id)


def test_an_edit_that_could_not_be_saved_says_so_and_keeps_the_text(review, monkeypatch):
    from workbench.errors import StoreError

    note = _write(review, "AB", "First words")
    review.notes.start_edit(note.id)
    review.note_input.value = "Better words"

    def full(*args, **kwargs):
        raise StoreError("The review store's disk is full: free some space", reason="full")

    monkeypatch.setattr(review.store, "edit_note", full)
    assert review.save_note() is None
    assert "Not saved: The review store&#x27;s disk is full" in review.note_status.value
    assert review.note_input.value == "Better words" and review.notes.editing == note.id


def test_followers_screens_move_to_the_chairs_step_and_rejoin_in_one_click(library, stores):
    chair, one, two = (ReviewApp(library=library, store=s, case="tiny", rules=RULES)
                       for s in (stores[0], stores[1], NotesStore(stores[0].path)))
    chair.together.follow_button.click()
    assert "Give your name" in chair.together.status.value        # a name first
    for app, name in ((chair, "AB"), (one, "CD"), (two, "EF")):
        app.name_input.value = name
    chair.together.chair_button.click()
    assert chair.together.chairing and "nobody yet" in chair.together.status.value
    for app in (one, two):
        app.refresh()
        assert "AB</b> chairs" in app.together.status.value
        app.together.follow_button.click()
        assert "Following <b>AB</b>" in app.together.status.value
    chair.refresh()
    assert "Following you (2): CD, EF" in chair.together.status.value
    chair.go_to(5)
    chair.next()
    for app in (one, two):
        app.refresh()
        assert app.position == 6 and "Event 7 of 10" in app.event_panel.value
    one.previous()                                   # stepping by hand: on one's own
    assert not one.together.following and one.position == 5
    chair.next()
    one.refresh()
    two.refresh()
    assert one.position == 5 and two.position == 7
    chair.refresh()
    assert "Following you (1): EF" in chair.together.status.value
    assert one.together.follow_button.description == "Rejoin the chair"
    one.together.follow_button.click()               # one click back to the chair's step
    assert one.position == 7 and one.together.following
    # a follower who reloads the page still follows; a chair who reloads still chairs
    for app in (two, chair):
        reloaded = ReviewApp(library=library, store=app.store, case="tiny", rules=RULES)
        reloaded.page.opened({}, app.page.remembered["stored"])
        assert reloaded.together.following == (app is two)
        assert reloaded.together.chairing == (app is chair)
    reloaded.next()                                  # the reloaded chair still leads
    two.refresh()
    assert two.position == reloaded.position == 8


def test_a_page_that_opens_as_the_store_changes_is_sent_what_it_missed(library, stores,
                                                                        monkeypatch):
    # a change made while the page is still creating its widgets reaches none of them
    # (a chair taken as a follower's page loads): once open, the page gets every state again
    follower = ReviewApp(library=library, store=stores[0], case="tiny", rules=RULES)
    chair = ReviewApp(library=library, store=stores[1], case="tiny", rules=RULES)
    chair.name_input.value = "AB"
    chair.together.chair_button.click()
    follower.refresh()                                   # sent to a page not ready for it
    sent: list[w.Widget] = []
    monkeypatch.setattr(w.Widget, "send_state", lambda self, key=None: sent.append(self))
    follower.page.opened({}, {})
    assert "AB</b> chairs" in follower.together.status.value
    resent = {id(x) for x in sent}
    for part in (follower.together.status, follower.together.follow_button,
                 follower.together.follow_button.layout, follower.event_panel,
                 follower.notes_panel, follower.status):
        assert id(part) in resent
    assert not any(isinstance(x, go.FigureWidget) for x in sent)    # figures are not
    assert len(resent) == len(sent)                                  # each widget once
    workshop = WorkshopApp(library=library, store=stores[0])
    sent.clear()
    workshop.page.opened({}, {})
    assert id(workshop.status) in {id(x) for x in sent}


def test_key_practice_episodes_include_high_severity_flag_evidence(review):
    assert review.key_practice_episodes() == {"e4"}
    review.kpe_button.click()
    assert review.position == 3
    review.kpe_button.click()
    assert review.position == 3 and "No key practice episode" in review.message.value
    assert "10 records from 4 agencies" in review.status.value      # the summary stays
    review.previous()
    assert review.message.value == ""                                 # and the message clears


def test_switching_case_keeps_one_figure(cases, stores):
    library = CaseLibrary([cases])
    app = drawn(ReviewApp(library=library, store=stores[0], case="tiny", rules=RULES))
    widget = app.figure
    app.next()
    app.case_picker.value = "good-practice"
    assert app.current.key == "good-practice" and app.figure is widget
    assert len(figure_widgets(app.widget)) == 1
    assert app.position == 3 and "Case review: Child E" in app.title.value
    # three records known only to a month or a year come first: stepping starts after them
    assert "Stepping starts at event 4 of 66" in app.message.value
    assert "3 record(s) before it are background" in app.message.value


def test_play_steps_on_its_own_until_paused(library, stores):
    app = ReviewApp(library=library, store=stores[0], case="tiny", rules=RULES,
                    play_interval=0.01)

    async def play():
        app.play_button.value = True
        assert app.play_button.description == "⏸ Pause"
        for _ in range(500):                   # it stops by itself at the last event
            await asyncio.sleep(0.01)
            if not app.play_button.value:
                break

    asyncio.run(play())
    assert app.position == 9 and not app.play_button.value
    assert app.play_button.description == "▶ Play"

    async def pause():
        app.go_to(0)
        app.play_button.value = True
        await asyncio.sleep(0.05)
        app.pause()
        at = app.position
        await asyncio.sleep(0.1)
        return at

    paused_at = asyncio.run(pause())
    assert app.position == paused_at < 9


def test_the_poller_refreshes_views_when_another_kernel_writes(library, stores):
    mine = ReviewApp(library=library, store=stores[0], case="tiny", rules=RULES)
    theirs = ReviewApp(library=library, store=stores[1], case="tiny", rules=RULES)
    poller = StorePoller(stores[0], interval=0.02)
    poller.subscribe(mine.refresh)

    async def follow():
        poller.start()
        await asyncio.sleep(0.05)
        theirs.name_input.value = "EF"
        theirs.note_input.value = "Seen from the other kernel"
        theirs.save_note()
        await asyncio.sleep(0.2)
        poller.stop()

    asyncio.run(follow())
    assert "Seen from the other kernel" in mine.notes_panel.value


def test_a_failing_rule_leaves_the_review_running(library, stores):
    from workbench.analysis.rules import rule

    @rule("test.broken", pattern="ownership-gap", title="Broken")
    def broken(analysis):
        raise RuntimeError("boom")

    app = ReviewApp(library=library, store=stores[0], case="tiny", rules=[broken])
    assert "the rules could not run (RuntimeError)" in app.status.value
    app.next()
    assert app.position == 1


# -- workshop ---------------------------------------------------------------------------

@pytest.fixture
def room(library, stores):
    trainer = WorkshopApp(library=library, store=stores[0], role="facilitator")
    a = WorkshopApp(library=library, store=stores[1])
    b = WorkshopApp(library=library, store=NotesStore(stores[0].path))
    return trainer, a, b


def test_the_workshop_gate_refuses_an_undeclared_case(room):
    trainer, _, _ = room
    trainer.case_picker.value = "undeclared"
    assert trainer.open_button.disabled
    assert "no anonymisation declaration" in trainer.gate_panel.value
    assert trainer.open_workshop() is None
    trainer.case_picker.value = "tiny"
    assert not trainer.open_button.disabled and trainer.gate_panel.value == ""


def test_a_workshop_reveals_step_by_step_and_collects_answers(room):
    trainer, a, b = room
    trainer.case_picker.value = "tiny"
    trainer.open_button.click()
    session = trainer.session
    # nothing is revealed until the facilitator says so
    assert session.kind == "workshop" and session.reveal_seq is None
    assert session.join_code in trainer.code_panel.value
    assert "Coming next" in trainer.coming_panel.value
    a.code_input.value = session.join_code.lower()
    a.name_input.value, a.agency_input.value, a.discipline_input.value = "AB", "Police", \
        "policing"
    a.join_button.click()
    b.join(session.join_code, name="CD", agency="School", discipline="education")
    for p in (a, b):
        assert "nothing revealed yet" in p.heading.value
        assert p.figure is None and p.figure_box.layout.display == "none"
    trainer.reveal_button.click()
    for p in (a, b):
        p.refresh()
        assert "1 event(s) revealed" in p.heading.value
        assert len(figure_widgets(drawn(p).widget)) == 1
        assert p.answer_box.layout.display == "none"
    trainer.reveal5_button.click()
    for p in (a, b):
        p.refresh()
        assert "6 event(s) revealed" in p.heading.value
        assert p.figure.layout.xaxis.type == "date"
    trainer.ask_button.click()
    for p in (a, b):
        p.refresh()
        assert p.answer_box.layout.display == "flex" and QUESTION in p.question_panel.value
    a.answer_input.value = "Strategy meeting <b>now</b>"
    a.act_input.value = "Police"
    a.submit_button.click()
    b.submit_answer("Tell the school", "Children's Social Care")
    b.submit_answer("Tell the school first", "Children's Social Care")   # a change replaces
    trainer.refresh()
    html = trainer.answers_panel.value
    assert "2 answer(s)" in html and "&lt;b&gt;now&lt;/b&gt;" in html
    assert html.index("<h3>education (1)</h3>") < html.index("<h3>policing (1)</h3>")
    assert "Tell the school first" in html and "Tell the school<" not in html
    assert "In the room (2)" in trainer.people_panel.value
    trainer.next_after_button.click()
    for p in (a, b):
        p.refresh()
        assert "7 event(s) revealed" in p.heading.value
        assert p.answer_box.layout.display == "none"
    assert b.submit_answer("too late") is None and "closed" in b.answer_status.value


def test_participants_receive_nothing_beyond_the_reveal_point(room):
    trainer, a, _ = room
    trainer.open_workshop("tiny")
    a.join(trainer.session.join_code, name="AB", agency="", discipline="policing")
    trainer.reveal(2)
    a.refresh()
    sent = json.dumps(a.figure.to_plotly_json(), default=str) + a.story_panel.value + \
        a.latest_panel.value
    assert "Found at a friend" in sent
    assert "older man" not in sent and "School referral" not in sent
    assert {d for t in a.figure.data for d in (t.customdata or ())} <= {"e1", "e2"}
    assert revealed_case(tiny_case(), 2).events["id"].tolist() == ["e1", "e2"]


def test_the_story_so_far_never_scrolls_and_folds_its_earlier_events(room):
    """The "So far" box is not a scroll box (on the projector it cut its last entry
    mid-line): the newest six revealed events are written whole, the earlier ones are
    folded under "n earlier event(s)", newest first."""
    import re

    trainer, a, _ = room
    trainer.open_workshop("tiny")
    trainer.reveal(8)
    layout = trainer.revealed.story_panel.layout
    assert layout.max_height is None and layout.overflow in (None, "visible")
    html = trainer.revealed.story_panel.value
    shown, _, folded = html.partition("<details")
    assert re.findall(r"<b>(\d+)\.</b>", shown) == ["8", "7", "6", "5", "4", "3"]
    assert "2 earlier event(s)</summary>" in folded
    assert re.findall(r"<b>(\d+)\.</b>", folded) == ["2", "1"]


def test_the_projector_shows_the_room_what_is_revealed_but_nothing_private(room, library,
                                                                          stores):
    trainer, a, _ = room
    session = trainer.open_workshop("tiny")
    screen = WorkshopApp(library=library, store=stores[1], role="projector")
    assert screen.watch(session.join_code).id == session.id
    assert screen.projecting and not screen.facilitating and screen.me is None
    assert trainer.store.participants(session.id) == []            # not counted
    assert session.join_code in screen.projector_panel.value
    a.join(session.join_code, name="AB", agency="Police", discipline="policing")
    trainer.reveal(2)
    trainer.ask()
    a.refresh()
    a.submit_answer("Strategy meeting today", "Police")
    screen.refresh()
    shown = screen.projector_panel.value + screen.heading.value + screen.latest_panel.value
    assert "1</b> of 1 answered" in shown and "<b>Police</b> 1" in shown
    assert "AB" not in shown and "Strategy meeting today" not in shown     # no names, no text
    assert "of 10" not in shown and screen.coming_panel.value == ""        # nothing to come
    assert "2 event(s) revealed" in screen.heading.value


def test_rejoining_from_the_same_browser_is_the_same_participant(room, library, stores):
    trainer, a, _ = room
    session = trainer.open_workshop("tiny")
    a.join(session.join_code, name="AB", agency="Police", discipline="policing")
    reloaded = WorkshopApp(library=library, store=stores[1])
    reloaded.page.opened({}, a.page.remembered["stored"])
    assert reloaded.code_input.value == session.join_code and reloaded.name_input.value == "AB"
    reloaded.join_button.click()
    assert reloaded.me.id == a.me.id
    assert [p.name for p in trainer.store.participants(session.id)] == ["AB"]


def test_the_facilitator_sees_dates_as_written(stores):
    trainer = WorkshopApp(library=CaseLibrary(), store=stores[0], role="facilitator")
    trainer.open_workshop("county-lines")
    labels = [label for label, _ in trainer.reveal_to.options]
    # "age 11" stays "age 11" (never a made-up day such as 01/02/2019)
    assert labels[:3] == ["1. age 11 · School · Other contact", "2. 2020 · Health · Other contact",
                          "3. 2022 to 2023 · School · Other contact"]


def test_joining_needs_a_real_code_and_a_discipline(room):
    _, a, _ = room
    assert a.join("ZZZZZZ", name="AB", agency="", discipline="policing") is None
    assert "No workshop has that join code" in a.status.value
    assert a.join("ZZZZZZ", name="AB", agency="", discipline="") is None
    assert "discipline" in a.status.value


def test_a_facilitator_resumes_by_code(room, library, stores):
    trainer, _, _ = room
    session = trainer.open_workshop("tiny")
    trainer.reveal(4)
    again = WorkshopApp(library=library, store=stores[1], role="facilitator")
    again.resume(session.join_code)
    assert again.facilitating and again.session.id == session.id
    assert "4 event(s) revealed of 10" in again.heading.value


# -- network and cohort -----------------------------------------------------------------

def test_network_lists_each_edges_hand_offs_and_silos(library):
    app = drawn(NetworkApp(library=library, case="tiny"))
    assert len(figure_widgets(app.widget)) == 1
    edges = [v for _, v in app.edge_picker.options]
    assert ("School", "Children's Social Care") in edges
    app.edge_picker.value = ("School", "Children's Social Care")
    assert "School referral: attendance falling" in app.edge_panel.value
    assert "never answered" in app.edge_panel.value or "not yet due" in app.edge_panel.value
    assert "Silo" in app.silo_panel.value and "<td>School</td>" in app.silo_panel.value
    labels = [label for label, _ in app.window.options]
    assert labels[0] == "Feb 2025" and labels[-1] == "Apr 2025"
    app.window.index = (1, 2)                     # March only
    assert "from 1 Mar 2025 to 1 Apr 2025" in app.status.value
    assert ("School", "Children's Social Care") not in [v for _, v in app.edge_picker.options]
    assert len(figure_widgets(app.widget)) == 1


def test_the_network_fits_its_box_with_no_empty_band_and_the_colour_bar_beside_it(library):
    """At a laptop's box (1300 px) the figure is only as tall as the drawing (so its
    lowest agencies are above the 768 px fold, the page's controls taking ~130 px), the
    axes are not widened into empty bands (the same pixels per unit both ways, the
    drawing from the top), and the colour bar sits right of the drawing, not at the far
    edge of the figure."""
    app = NetworkApp(library=library, case="tiny")
    app.figure_slot.page_ready(1300)
    layout = app.figure.layout
    m = layout.margin
    assert layout.height <= 620
    paper_w, paper_h = 1300 - m.l - m.r, layout.height - m.t - m.b
    (x0, x1), (y0, y1) = layout.xaxis.domain, layout.yaxis.domain
    per_x = (x1 - x0) * paper_w / (layout.xaxis.range[1] - layout.xaxis.range[0])
    per_y = (y1 - y0) * paper_h / (layout.yaxis.range[1] - layout.yaxis.range[0])
    assert abs(per_x - per_y) < 0.01 * per_x and per_x > 120
    assert y1 == 1
    lowest = m.t + (y1 - y0) * paper_h * (layout.yaxis.range[1] + 1) / (
        layout.yaxis.range[1] - layout.yaxis.range[0])
    assert 130 + lowest + 20 < 768                 # the lowest agency and its name
    bar = next(t.marker.colorbar for t in app.figure.data
               if getattr(t, "marker", None) is not None and t.marker.showscale)
    assert x1 <= bar.x <= x1 + 0.02 and bar.y == y0
    phone = NetworkApp(library=library, case="tiny")
    phone.figure_slot.page_ready(340)            # drawn at the width its box scrolls
    assert phone.figure.layout.height >= 350 and phone.figure.layout.xaxis.domain[1] > 0.5


def test_an_agency_without_hand_offs_has_no_silo_measure(library):
    """Its silo measure is undefined (NaN, shown "– (no hand-offs)"), never 1.00; the
    others keep theirs; sectors are named in words, never as codes."""
    import math
    import re

    app = drawn(NetworkApp(library=library, case="tiny"))
    silo = app.summary["silo"]
    assert math.isnan(silo["Return Interview Service"])
    assert (silo["Police"], silo["School"], silo["Children's Social Care"]) == (0.0, 0.5, 1.0)
    rows = dict(re.findall(r"<tr><td>([^<]*)</td>(?:<td>[^<]*</td>){5}<td>([^<]*)</td></tr>",
                           app.silo_panel.value))
    assert rows == {"Children&#x27;s Social Care": "1.00", "School": "0.50",
                    "Police": "0.00", "Return Interview Service": "– (no hand-offs)"}
    shown = app.silo_panel.value + app.figure_text.value + json.dumps(
        [(t.name, t.hovertext) for t in app.figure.data], default=str, ensure_ascii=False)
    assert "charity / third sector" in shown and "social care" in shown
    for code in ("third-sector", "social-care"):
        assert code not in shown
    assert "silo measure – (no hand-offs)" in shown and "silo measure 1.00" in shown


def test_the_network_window_spans_the_hand_offs_and_names_the_background(library):
    app = drawn(NetworkApp(library=library, case="tiny"))
    sent = app.analysis.handoffs["sent"]
    stops = [t for _, t in app.window.options]
    assert stops[0] <= sent.min() < stops[1] and stops[-2] <= sent.max() < stops[-1]
    assert "background" not in app.status.value                 # none before its hand-offs
    county = NetworkApp(library=CaseLibrary(), case="county-lines")
    labels = [label for label, _ in county.window.options]
    assert (labels[0], labels[-1]) == ("Jan 2025", "Jun 2025")  # not 2019: the hand-offs
    assert ("5 earlier record(s) (2019–2024) are background, before the first hand-off: "
            "not in the window.") in county.status.value


def test_clicking_an_edges_dot_chooses_it(library):
    from plotly.callbacks import Points

    app = drawn(NetworkApp(library=library, case="tiny"))
    dots = next(t for t in app.figure.data if t.name == "Hand-offs (hover)")
    edges = sorted(app.graph.edges)
    i = edges.index(("School", "Children's Social Care"))
    app.edge_picker.value = next(e for e in edges if e != edges[i])
    dots._dispatch_on_click(Points(point_inds=[i], xs=[0], ys=[0], trace_name=dots.name,
                                   trace_index=0), None)
    assert app.edge_picker.value == ("School", "Children's Social Care")


def test_cohort_shows_trends_on_a_date_axis_and_its_tables(cases):
    report = cohort_report(cases, keep_flags=True, rules=list(RULES))
    app = drawn(CohortApp(report=report, source="two tiny cases"))
    assert len(figure_widgets(app.widget)) == 1
    assert app.figure.layout.xaxis.type == "date"
    assert "<b>2</b> cases" in app.summary.value
    assert "Referral or notification not answered in time" in app.flags_panel.value
    assert "unanswered-referral" not in app.flags_panel.value      # titles, not ids
    assert "all these months" in app.ri_panel.value
    assert "Police" in app.handoff_panel.value
    app.pattern_picker.value = "closed-while-active"
    assert app.figure.data[1].name == "Flags: Case closed while the child kept going missing"
    assert sum(app.figure.data[1].y) == 2


def test_cohort_rates_carry_their_denominators(cases):
    """Every rate says of how many: the month with one return is "0 of 2", not a bare
    0 % dip; the trend's points carry (part, whole) and grow with the whole."""
    import re

    report = cohort_report(cases, keep_flags=True, rules=list(RULES))
    app = CohortApp(report=report, source="two tiny cases")
    cells = re.findall(r"<td>([^<]*)</td>", app.ri_panel.value)
    assert cells[:4] == ["2 of 6 (33%)", "2 of 6 (33%)", "26 h", "Mar 2025"]
    assert cells[4:7] == ["0 of 2 (0%)", "0 of 2 (0%)", "–"]
    assert "Feb 2025" in cells and "2 of 4 (50%)" in cells
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>(\d+)</td><td>([^<]*)</td>",
                      app.handoff_panel.value)
    assert ("Police", "Children&#x27;s Social Care", "4", "4 of 4 (100%)") in rows
    assert ("Police", "School", "2", "– (none)") in rows            # none due yet
    answered = next(t for t in app.figure.data if t.name == "Hand-offs answered")
    on_time = next(t for t in app.figure.data if t.name == "Return interviews on time")
    assert [tuple(c) for c in answered.customdata] == [(4, 4), (2, 4)]
    assert [tuple(c) for c in on_time.customdata] == [(2, 4), (0, 2)]
    assert "of %{customdata[1]}" in on_time.hovertemplate
    assert on_time.marker.size[1] < on_time.marker.size[0]          # 2 returns < 4


def test_cohort_window_narrows_every_table(cases):
    report = cohort_report(cases, keep_flags=True, rules=list(RULES))
    app = CohortApp(report=report, source="two tiny cases")
    assert [m for _, m in app.window.options] == ["2025-02", "2025-03"]
    assert app.window.value == ("2025-02", "2025-03")               # the busiest year
    whole = app.view.totals
    app.window.value = ("2025-03", "2025-03")
    march = app.view
    assert "<b>Mar 2025 to Mar 2025</b>" in app.summary.value
    assert list(march.trends.index) == ["2025-03"]
    assert march.totals["episodes"] == int(report.trends.loc["2025-03", "episodes"])
    assert march.totals["episodes"] < whole["episodes"]
    assert march.return_interviews.loc["all", "found"] == 2
    assert "Feb 2025" not in app.ri_panel.value
    assert int(march.flags.to_numpy().sum()) == march.totals["flags"] < whole["flags"]
    assert int(march.handoffs["count"].sum()) == march.totals["handoffs"]
    assert list(app.figure.data[0].x) == ["2025-03-01"]


def test_the_default_cohort_reads_like_a_forces_year(tmp_path):
    """The cohort shown when none is configured: its busiest twelve months hold many
    children, some missing again and again, and rates below 100 % with their
    denominators (the former default answered every hand-off)."""
    import re

    from workbench.apps.cohort import cohort_for
    from workbench.apps.settings import Settings

    report, words = cohort_for(Settings(store=tmp_path / "r.sqlite"), tmp_path / "work")
    app = CohortApp(report=report, source=words)
    first, last = app.window.value
    assert report.busiest(12) == (first, last)
    year = app.view
    kids = year.children()
    assert kids["missing"] >= 40 and 10 <= kids["repeat"] < kids["missing"]
    ri = year.return_interviews.loc["all"]
    assert 0.5 < ri["on_time"] / ri["found"] < 1.0
    h = year.handoffs
    answered = int((h["answered"] + h["late"]).sum())
    due = int((h["count"] - h["open"]).sum())
    assert 0.5 < answered / due < 1.0
    assert re.search(r"by \d+ children \(\d+ of them more than once\)", app.summary.value)
    assert re.search(r"\d+ of \d+ \(\d+%\)", app.ri_panel.value)


def test_the_cohort_includes_the_served_cases(tmp_path, cases):
    """``workbench serve --cases`` cases are part of the default cohort (they were
    left out): the generated children and the served ones, counted together."""
    from workbench.apps.cohort import GENERATED, cohort_source
    from workbench.apps.settings import Settings

    folder, words = cohort_source(Settings(store=tmp_path / "r.sqlite", cases=cases),
                                  tmp_path / "work")
    report = cohort_report(folder, keep_flags=True, workers=1)
    assert report.totals["cases"] == GENERATED["cases"] + 2
    assert words.endswith("and the 2 served case(s): tiny, undeclared")
    assert "tiny" in set(report.flag_table["case_id"])


def test_cohort_figure_has_one_x_per_month(cases):
    report = cohort_report(cases, rules=list(RULES))
    fig = cohort_figure(report)
    assert list(fig.data[0].x) == ["2025-02-01", "2025-03-01"]
    assert fig.layout.xaxis.type == "date" and fig.layout.yaxis2.tickformat == ".0%"


def test_the_apps_are_widgets_to_display(library, stores):
    for app in (ReviewApp(library=library, store=stores[0], rules=RULES),
                WorkshopApp(library=library, store=stores[0]), NetworkApp(library=library)):
        assert isinstance(app.widget, w.VBox) and "wb-app" in app.widget._dom_classes


# -- kernels share analysed cases ---------------------------------------------------------

def test_kernels_share_an_analysed_case_and_its_flags_through_the_cache(tmp_path, cases,
                                                                        monkeypatch):
    """The first kernel analyses a case and keeps it (with its flags) on disk; the next
    reads it and runs neither the engine nor the rules; a changed chronology is
    analysed again."""
    import shutil

    from workbench.analysis.rules import flag_table
    from workbench.apps.cache import AnalysisCache

    folder = tmp_path / "cases"
    shutil.copytree(cases, folder)
    cache = AnalysisCache(tmp_path / "cache")
    first = CaseLibrary([folder], bundled=False, cache=cache).analysis("tiny")
    flags = flag_table(first)
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 2     # the case, its analysis

    def no_engine(*args, **kwargs):
        raise AssertionError("analysed again")

    monkeypatch.setattr("workbench.analysis.analyse.analyse", no_engine)
    monkeypatch.setattr("workbench.analysis.rules._flag_table", no_engine)
    second = CaseLibrary([folder], bundled=False, cache=cache)
    shared = second.analysis("tiny")
    assert shared is not first and shared.equals(first)
    assert flag_table(shared).drop(columns="sources").equals(flags.drop(columns="sources"))
    assert second.load("tiny").id == "tiny"
    monkeypatch.undo()
    events = folder / "tiny" / "events.csv"
    events.write_text(events.read_text().replace("attendance falling", "attendance low"))
    again = CaseLibrary([folder], bundled=False, cache=cache).analysis("tiny")
    assert "School referral: attendance low" in set(again.events["summary"])
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 4


def test_a_kernel_that_only_shows_a_case_reads_it_from_the_cache(tmp_path, cases,
                                                                monkeypatch):
    """A workshop page shows a case without analysing it: the first kernel reads it and
    keeps it on disk, the next takes it from there (no chronology read, no analysis),
    and a changed file is read again."""
    import shutil

    from workbench.apps.cache import AnalysisCache
    from workbench.apps.library import CaseEntry

    folder = tmp_path / "cases"
    shutil.copytree(cases, folder)
    cache = AnalysisCache(tmp_path / "cache")
    first = CaseLibrary([folder], bundled=False, cache=cache).load("tiny")

    def no_reading(*args, **kwargs):
        raise AssertionError("read again")

    monkeypatch.setattr(CaseEntry, "load", no_reading)
    monkeypatch.setattr("workbench.analysis.analyse.analyse", no_reading)
    shared = CaseLibrary([folder], bundled=False, cache=cache).load("tiny")
    assert shared is not first and shared.id == "tiny"
    assert shared.events.equals(first.events)
    monkeypatch.undo()
    events = folder / "tiny" / "events.csv"
    events.write_text(events.read_text().replace("attendance falling", "attendance low"))
    again = CaseLibrary([folder], bundled=False, cache=cache).load("tiny")
    assert "School referral: attendance low" in set(again.events["summary"])
    assert "School referral: attendance low" not in set(first.events["summary"])


# -- opening one's own case ---------------------------------------------------------------

ODD = (b"Ref,Seen on,What happened\r\n"
       b"R1,05/02/2025 22:10,Reported missing by carer\r\n"
       b"R2,06/02/2025 09:00,Found at a friend's house\r\n")


def test_an_uploaded_chronology_is_imported_fixed_and_opened_without_a_restart(
        tmp_path, stores):
    served = tmp_path / "served"
    library = CaseLibrary([served], bundled=False)
    app = ReviewApp(library=library, store=stores[0], rules=RULES, upload_to=served)
    assert app.current is None and len(app.case_picker.options) == 0
    panel = app.upload
    # a return whose columns the importer cannot name: it says so, and offers the headers
    result = panel.take({"northshire-police.csv": b"Ref,When,Code\r\nR1,x,y\r\n"})
    assert result.key_folder is None and "Not imported" in panel.summary.value
    assert "no event text column" in panel.summary.value
    text = panel.choices[("northshire-police.csv", "summary")]
    assert [v for _, v in text.options] == [None, "Ref", "When", "Code"]
    assert text.value is None and "wb-undecided" in text._dom_classes
    assert panel.choices[("northshire-police.csv", "at")].value == "When"
    text.value = "Code"                              # the person decides; import again
    panel.import_button.click()
    assert panel.result.key_folder == served / "northshire-police"
    assert "&#x27;x&#x27; is not a date" in panel.summary.value    # assumed, said by row
    assert app.current.key == "northshire-police"
    assert app.current.analysis.events["summary"].tolist() == ["y"]
    # a return the importer reads with assumptions: each said, by row
    result = panel.take({"odd.csv": ODD})
    assert result.key_folder == served / "odd"
    html = panel.summary.value
    assert "Imported." in html and "<code>odd.csv:1</code>" in html
    assert "every row is read as &#x27;Odd&#x27; (from the file name" in html
    assert app.current.key == "odd"
    assert sorted(k for _, k in app.case_picker.options) == ["northshire-police", "odd"]
    assert app.current.case.agencies[0].name == "Odd"
    # the person says which agency wrote it, and imports again: the case is replaced
    panel.choices[("odd.csv", "agency")].value = "Northshire Police"
    panel.title_input.value = "Child K (uploaded)"
    panel.import_button.click()
    assert [a.name for a in app.current.case.agencies] == ["Northshire Police"]
    assert "Case review: Child K (uploaded)" in app.title.value
    assert len(app.current.order) == 2
    # another page (a new kernel) opening now shows the new case as imported
    fresh = ReviewApp(library=CaseLibrary([served], bundled=False), store=stores[1],
                      rules=RULES, case="odd")
    assert fresh.current.key == "odd"
    assert [a.name for a in fresh.current.case.agencies] == ["Northshire Police"]
    # an upload while a longer case stands at a later event opens the new one at its start
    app.go_to(1)
    panel.take({"one-row.csv": b"Date,Event\r\n05/02/2025,Reported missing\r\n"})
    assert app.current.key == "one-row" and app.position == 0
    assert "Event 1 of 1" in app.event_panel.value


def test_a_library_reads_a_case_again_when_it_is_re_imported(tmp_path):
    from workbench.apps.upload import import_files

    import_files({"odd.csv": ODD}, tmp_path)
    library = CaseLibrary([tmp_path], bundled=False)
    assert len(library.load("odd").events) == 2
    first = library.analysis("odd")
    assert library.analysis("odd") is first                       # computed once
    import_files({"odd.csv": ODD + b"R3,07/02/2025 10:00,Return interview\r\n"}, tmp_path)
    assert len(library.load("odd").events) == 3                   # no restart
    assert library.analysis("odd") is not first
    with pytest.raises(ValueError, match="not a chronology file: notes.pdf"):
        import_files({"notes.pdf": b"%PDF"}, tmp_path)


def test_a_page_opened_in_a_kernel_started_before_an_import_shows_the_new_case(tmp_path,
                                                                               stores):
    from workbench.apps.upload import import_files

    import_files({"odd.csv": ODD}, tmp_path)
    preheated = ReviewApp(library=CaseLibrary([tmp_path], bundled=False), store=stores[0],
                          rules=RULES)
    first = preheated.current.case
    import_files({"later.csv": ODD}, tmp_path)                   # a new case, then
    import_files({"odd.csv": ODD.replace(b"friend", b"cousin")}, tmp_path)  # a re-import
    preheated.page.opened({"case": "later"}, {})
    assert preheated.current.key == "later"
    assert sorted(k for _, k in preheated.case_picker.options) == ["later", "odd"]
    preheated.page.opened({"case": "odd"}, {})
    assert preheated.current.case is not first
    assert "cousin" in " ".join(preheated.current.analysis.events["summary"])


def test_a_figure_sent_to_a_page_takes_edits_after_a_grace_even_if_plotly_never_reports(
        monkeypatch):
    import asyncio

    import plotly.graph_objects as go

    from workbench.apps import _figure

    monkeypatch.setattr(_figure, "DRAWN_GRACE_S", 0.05)

    async def scenario():
        slot = _figure.FigureSlot(width=600)
        slot.show(go.Figure(go.Scatter(x=["2025-01-01"], y=[1])))
        slot.page_ready()                       # the widget is sent; plotly.js says nothing
        slot.edit(lambda fig: fig.update_layout(title="moved"))
        waiting = slot.figure.layout.title.text
        await asyncio.sleep(0.3)
        return waiting, slot.drawn, slot.figure.layout.title.text

    assert asyncio.run(scenario()) == (None, True, "moved")


def test_a_kernel_drawing_a_figure_leaves_nbformat_until_a_notebook_shows_one(tmp_path):
    """A page's FigureWidget does not load nbformat and jsonschema (some 5 MB a kernel);
    plotly's renderers import it when ``fig.show()`` needs it."""
    import subprocess
    import sys

    code = (
        "import sys, plotly.graph_objects as go\n"
        "from workbench.apps._figure import FigureSlot\n"
        "slot = FigureSlot(width=600)\n"
        "slot.show(go.Figure(go.Scatter(x=[1], y=[2])))\n"
        "slot.page_ready()\n"
        "print(type(slot.figure).__name__, 'nbformat' in sys.modules, "
        "'jsonschema' in sys.modules)\n"
        "import plotly.io._renderers as renderers\n"
        "print(int(renderers.nbformat.__version__.split('.')[0]) >= 4, 'nbformat' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, check=True)
    assert done.stdout.split() == ["_FigureWidget", "False", "False", "True", "True"]
