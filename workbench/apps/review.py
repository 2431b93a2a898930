"""The case review dashboard: walk a case together, event by event.

:class:`ReviewApp` composes small parts, each with one job: the header and case picker,
the step controls (:class:`~workbench.apps.review_parts.StepControls`), the timeline
whose cursor moves as the reviewers step (:class:`~workbench.apps.review_parts.TimelineView`,
one ``FigureWidget``, never rebuilt), the event card and what each agency knew then
(:mod:`workbench.apps.review_html`, pure renderers), the flags and their evidence, the
list of all events (:class:`~workbench.apps.events.EventsTable`), the notes everyone
shares (:class:`~workbench.apps.notes_panel.NotesPanel`), walking together with a chair
(:class:`~workbench.apps.follow.FollowPanel`) and opening one's own case
(:class:`~workbench.apps.upload.UploadPanel`). The position is a
:class:`~workbench.apps.review_case.Stepper`, a state machine with no widgets.

Examples
--------
>>> import tempfile, os
>>> from workbench.store import NotesStore
>>> store = NotesStore(os.path.join(tempfile.mkdtemp(), "r.sqlite"))
>>> app = ReviewApp(library=CaseLibrary(), store=store)   # doctest: +SKIP
>>> app.next(); app.event_panel.value[:40]                 # doctest: +SKIP
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from workbench.analysis.analyse import Analysis
from workbench.analysis.knowledge import knowledge_at
from workbench.apps._html import STYLE, esc
from workbench.apps._layout import panel, panels
from workbench.apps.events import EventsTable
from workbench.apps.follow import FollowPanel
from workbench.apps.library import CaseLibrary
from workbench.apps.notes_panel import DISCIPLINES, NotesPanel
from workbench.apps.page import PageHelper
from workbench.apps.review_case import ReviewCase, Stepper, review_case, stepping_start
from workbench.apps.review_html import KPE_TAG, event_html, knowledge_html, protocol_html, timeline_words_html
from workbench.apps.review_parts import FlagsPanel, ReviewHeader, StepControls, TimelineView, status_html
from workbench.case import Case
from workbench.errors import CaseValidationError
from workbench.store import NotesStore, Session

if TYPE_CHECKING:
    from workbench.apps.poller import StorePoller

__all__ = ["DISCIPLINES", "KPE_TAG", "ReviewApp", "ReviewCase", "review_case"]

#: names, live regions and figure roles the page gives the review's widgets
REVIEW_ARIA = {
    ".wb-flags .widget-radio-box": {"role": "radiogroup", "aria-labelledby": "wb-flags-heading"},
    ".wb-evidence .widget-radio-box": {"role": "radiogroup",
                                       "aria-labelledby": "wb-evidence-heading"},
    ".wb-events-list select": {"aria-label": "All events"},
    ".wb-my-notes select": {"aria-labelledby": "wb-my-notes-heading"},
    ".wb-slider .noUi-handle": {"aria-label": "Event number"},
    ".wb-status": {"role": "status"},
    ".wb-message": {"role": "status"},
    ".wb-note-status": {"role": "status"},
    ".wb-follow-status": {"role": "status"},
    ".wb-upload-summary": {"role": "status"},
    ".wb-announce": {"aria-live": "polite"},
    ".wb-timeline-panel .wb-figure": {"role": "figure", "aria-label": "Timeline of the case",
                                      "aria-describedby": "wb-timeline-words"},
}
#: keys that press the step buttons (never while typing)
REVIEW_KEYS = {"ArrowRight": ".wb-next", "n": ".wb-next", "ArrowLeft": ".wb-prev",
               "p": ".wb-prev", "f": ".wb-next-flag", "k": ".wb-next-kpe"}
_log = logging.getLogger("workbench.apps")


class ReviewApp:
    """The review dashboard: its parts, composed.

    Parameters
    ----------
    library : the cases on offer.
    store : the review store every participant's kernel shares.
    case : key of the case to open first (default: the first in the library).
    width : pixels of the timeline.
    play_interval : seconds between two steps when playing.
    rules : the rules that raise flags (default: the bundled ones).
    upload_to : the folder an uploaded chronology is imported into (the served cases
        folder); None: no upload.
    """

    def __init__(self, *, library: CaseLibrary, store: NotesStore, case: str | None = None,
                 width: int = 1180, play_interval: float = 1.5, rules=None,
                 upload_to=None):
        self.library, self.store, self.rules, self.width = library, store, rules, width
        self.current: ReviewCase | None = None
        self.session: Session | None = None
        self.stepper = Stepper()
        self._poller: StorePoller | None = None
        self.header = ReviewHeader(library.options(), on_case=self.select_case)
        self.controls = StepControls(interval=play_interval, on_step=self._on_step,
                                     on_slider=self.go_to, can_play=self._can_play)
        self.timeline = TimelineView(width=width)
        self.flags = FlagsPanel(on_go=self.go_to)
        self.events_table = EventsTable(on_choose=self.go_to)
        self.page = PageHelper(storage_key="workbench-review", title="Case review",
                               aria=REVIEW_ARIA, shortcuts=REVIEW_KEYS)
        self.notes = NotesPanel(store, on_change=self._notes_changed,
                                remember=lambda v: self.page.remember(stored=v))
        self.together = FollowPanel(store, me=self.notes.me, go_to=self._follow_to,
                                    has_event=lambda e: self.current is not None
                                    and self.current.has_event(e),
                                    known=lambda: self.notes.participant)
        self.upload = None
        if upload_to is not None:
            from workbench.apps.upload import UploadPanel

            self.upload = UploadPanel(upload_to, on_imported=self.case_imported)
        self.stepper.observe(lambda c: self._say(c["new"]), "message")
        self._build()
        self.page.root = self.widget
        self.page.on_page(self._on_page)
        first = case or (library.entries[0].key if library.entries else None)
        if first is not None:
            self.select_case(first)

    def _build(self) -> None:
        L = w.Layout
        h, c, n = self.header, self.controls, self.notes
        # the parts' widgets, by the names tests and notebooks know
        self.title, self.protocol_line, self.case_picker = h.title, h.protocol_line, \
            h.case_picker
        self.status, self.message, self.announce = h.status, h.message, h.announce
        self.prev_button, self.next_button, self.play_button = c.prev_button, c.next_button, \
            c.play_button
        self.flag_button, self.kpe_button, self.slider = c.flag_button, c.kpe_button, c.slider
        self.flag_list, self.evidence_list, self.flag_detail = \
            self.flags.flag_list, self.flags.evidence_list, self.flags.flag_detail
        self.figure_slot = self.timeline.slot
        self.name_input, self.agency_input, self.discipline_input = \
            n.name_input, n.agency_input, n.discipline_input
        self.target, self.tag_buttons, self.note_input = n.target, n.tag_buttons, n.note_input
        self.save_button, self.note_status, self.notes_panel = \
            n.save_button, n.note_status, n.notes_panel
        self.event_panel = w.HTML(layout=L(width="100%"))
        self.event_panel.add_class("wb-event")
        self.knowledge_panel = w.HTML(layout=L(width="100%"))
        self.knowledge_panel.add_class("wb-knowledge")
        events = panel([w.HTML("<h3>All events</h3>"), self.events_table.widget],
                       basis="380px", css="wb-events-panel")
        # the step view: a column with who leads, the step controls, the message and the
        # event card beside the timeline (first in the page and the tab order), so that on
        # a laptop the timeline's top is just below the header and all of it fits the
        # window with the controls and the card; on a phone the column comes first
        side = panel([self.status, self.together.widget, self.controls.widget,
                      self.controls.keys, self.message, self.announce,
                      panel([self.event_panel], basis="auto", css="wb-event-panel")],
                     basis="340px", css="wb-step-side")
        step = panels([side, self.timeline.widget], basis=["340px", "620px"], css="wb-step")
        details = panels([panel([self.knowledge_panel], basis="420px"), self.flags.widget,
                          events], basis=["420px", "320px", "380px"], css="wb-details")
        parts = [w.HTML(STYLE), self.page, self.header.widget, step, details,
                 self.notes.widget]
        if self.upload is not None:
            parts.append(self.upload.widget)
        self.widget = w.VBox(parts, layout=L(width="100%"))
        self.widget.add_class("wb-app")
        self.widget.add_class("wb-review")

    # -- what tests and pages read ----------------------------------------------------------
    @property
    def figure(self) -> go.Figure | go.FigureWidget | None:
        """The timeline (a ``FigureWidget`` once a page shows it)."""
        return self.timeline.figure

    @property
    def position(self) -> int:
        return self.stepper.position

    @property
    def polling(self) -> bool:
        """True while the app follows the review store."""
        return self._poller is not None and self._poller.running

    def _on_page(self, query: dict, stored: dict) -> None:
        """A page opened: take up the name and the place it had (its URL first, then
        what the browser kept), so a reload loses neither."""
        self.notes.take_up(stored)
        self._relist()
        case = query.get("case") or stored.get("case")
        event = query.get("event") or (stored.get("event") if case == stored.get("case")
                                       else None)
        if case and case in self.library and (self.current is None or self.current.key != case):
            self.select_case(case)
        if event and self.current is not None and self.current.has_event(event):
            self._show(str(event))          # the place it had (not a step by hand)
        self.together.refresh()             # a follower goes on following, a chair chairing

    # -- opening a case ------------------------------------------------------------------
    def select_case(self, key: str) -> None:
        """Open the case under ``key``: its timeline, flags, review session and notes."""
        self.controls.pause()
        try:
            # the analysis first: taken from the disk cache, its case is the one the
            # library keeps (one copy of the case in the kernel, none read again)
            analysis = self.library.analysis(key)
            case = self.library.load(key)
        except CaseValidationError as exc:
            self.status.value = ('<span class="wb-problem">This case could not be read: '
                                 + "; ".join(esc(p) for p in exc.problems[:5]) + "</span>")
            return
        from workbench.timeline import timeline_figure

        flags, trouble = self._flags(analysis)
        rc = review_case(key, case, analysis, flags)
        self.current = rc
        start, background = stepping_start(rc)
        fig = timeline_figure(analysis, flags=flags, at=rc.end, width=self.width)
        self.timeline.show(fig, rc, start, timeline_words_html(rc, flags))
        self.session = self._review_session(case)
        name = case.title or case.id
        self.title.value = f"<h2>Case review: {esc(name)}</h2>"
        self.page.title = f"Case review: {name}"
        self.protocol_line.value = protocol_html(analysis.protocol)
        self.events_table.set_events(analysis.events)
        self.status.value = status_html(rc, trouble)
        self.flags.set_case(rc)
        self.header.show_case(key)
        self.stepper.load(rc.order["id"], start=start)
        self.notes.set_session(self.session, rc)
        self.together.set_session(self.session)
        self.go_to(start)
        self.stepper.message = background

    def _flags(self, analysis: Analysis) -> tuple[pd.DataFrame, str]:
        """The case's flags; a rule that fails leaves the review running without flags."""
        from workbench.analysis.rules import FLAG_COLUMNS, flag_table

        try:
            return flag_table(analysis, rules=self.rules), ""
        except Exception as exc:  # a broken (local) rule must not stop a review meeting
            _log.exception("the rules failed on %s", analysis.case.id if analysis.case else "")
            return (pd.DataFrame(columns=list(FLAG_COLUMNS)),
                    f' · <span class="wb-problem">the rules could not run '
                    f"({esc(type(exc).__name__)}): no flags shown</span>")

    def _review_session(self, case: Case) -> Session:
        """The case's review session: the first one opened, by whichever kernel."""
        return self.store.review_session(case.id, title=case.title or case.id,
                                         actor="review dashboard")

    def _relist(self) -> None:
        """List the cases again (a page opening in a kernel started earlier, a preheated
        one, shows the cases imported since, and a re-imported case as it is now)."""
        fresh = self.library.rescan()
        if fresh.options() != self.library.options():
            self.library = fresh
            self.header.set_options(fresh.options())
        rc = self.current
        if rc is not None and rc.key in self.library and \
                self.library.load(rc.key) is not rc.case:
            self.select_case(rc.key)

    def case_imported(self, folder) -> None:
        """A case was imported into ``folder``: list it with the others and open it."""
        self.library = self.library.rescan()
        self.header.set_options(self.library.options())
        key = self.library.key_of(folder)
        if key is not None:
            self.select_case(key)

    # -- stepping ------------------------------------------------------------------------
    def go_to(self, where: int | str) -> None:
        """Stand at an event (its position in the order, or its id), by hand: a chair's
        step goes to the room; a follower steps freely from here."""
        if self._show(where) and self.stepper.event_id is not None:
            self.together.stepped(self.stepper.event_id)

    def _follow_to(self, event_id: str) -> None:
        if self.stepper.event_id != event_id:
            self._show(event_id)

    def _show(self, where: int | str) -> bool:
        rc = self.current
        if rc is None or rc.order.empty:
            return False
        i = self.stepper.go_to(where)
        here = rc.order.iloc[i]
        at = here["at"]
        if pd.notna(at):
            self.timeline.move(i)
            known = knowledge_at(rc.analysis, at, matrix=rc.matrix)
        else:
            known = None
        self.event_panel.value = event_html(rc, i, self.notes.notes)
        self.knowledge_panel.value = knowledge_html(rc, known, here["moment"], here["agency"])
        self.controls.show(i, len(rc.order))
        self.announce.value = (f"Event {i + 1} of {len(rc.order)}: "
                               f"{esc(rc.labels.get(here['id'], here['id']))}")
        self.events_table.highlight(here["id"])
        self.notes.set_here(here["id"])
        self.page.remember(query={"case": rc.key, "event": here["id"]},
                           stored={"case": rc.key, "event": here["id"]})
        return True

    def _say(self, message: str) -> None:
        self.message.value = message

    def _on_step(self, action: str) -> None:
        {"next": self.next, "previous": self.previous, "flag": self.next_flag,
         "kpe": self.next_kpe}[action]()

    def _can_play(self) -> bool:
        return self.current is not None and not self.stepper.at_last

    def next(self) -> None:
        """The next event (on the last one, says so)."""
        if self.current is not None and self.stepper.next():
            self._after_move()

    def previous(self) -> None:
        if self.current is not None:
            self.stepper.previous()
            self._after_move()

    def _after_move(self) -> None:
        self.go_to(self.stepper.position)

    def next_flag(self) -> None:
        """Go to the next event that a flag starts from, and show that flag."""
        rc = self.current
        if rc is None or rc.flags.empty:
            self.stepper.message = "This case has no flags."
            return
        if self.stepper.next_in(self.flags.anchors(), "flag"):
            self._after_move()
            if self.stepper.event_id is not None:
                self.flags.choose_at(self.stepper.event_id)

    def key_practice_episodes(self) -> frozenset[str]:
        """Events that are key practice episodes: tagged so in a note, or evidence of a
        high-severity flag."""
        rc = self.current
        return self.notes.kpe_events | (rc.high_evidence if rc else frozenset())

    def next_kpe(self) -> None:
        if self.stepper.next_in(self.key_practice_episodes(), "key practice episode"):
            self._after_move()

    def pause(self) -> None:
        self.controls.pause()

    # -- notes and the room ----------------------------------------------------------------
    def save_note(self):
        """Save the reflection panel's note on the chosen event or hand-off."""
        return self.notes.save()

    def _notes_changed(self) -> None:
        rc = self.current
        if rc is not None and not rc.order.empty and self.stepper.ids:
            self.event_panel.value = event_html(rc, self.position, self.notes.notes)

    def refresh(self) -> None:
        """Follow the store: notes (other participants' too) and the chair's step."""
        if self.session is None:
            return
        self.notes.refresh()
        self.together.refresh()

    def start_polling(self, interval: float | None = None):
        """Follow the store from the kernel's event loop (about twice a second)."""
        from workbench.apps.poller import StorePoller

        if self._poller is None:
            self._poller = StorePoller(self.store, **({"interval": interval} if interval else {}))
            self._poller.subscribe(self.refresh)
        return self._poller.start()
