"""The workshop dashboard: a facilitator reveals a case step by step to a room.

A trainer opens a workshop on a case and gets a join code; participants join from
their own browsers (each its own Voilà kernel) with their discipline. Everyone sees
the case only up to the facilitator's reveal point: the timeline and the event list
are built from the revealed events alone (:func:`revealed_case`), so nothing later
reaches a participant's browser. At a decision point participants answer "what would
you do now, and which agency should act?"; the answers collect live on the
facilitator's screen by discipline; the facilitator then reveals what happened next.

A case opens in a workshop only when :func:`workbench.apps.gate.gate_problems` finds
nothing (today: an anonymisation declaration); otherwise the dashboard says why.

Examples
--------
>>> import tempfile, os
>>> from workbench.store import NotesStore
>>> store = NotesStore(os.path.join(tempfile.mkdtemp(), "r.sqlite"))
>>> trainer = WorkshopApp(library=CaseLibrary(), store=store, role="facilitator")  # doctest: +SKIP
>>> session = trainer.open_workshop()                                             # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w
import plotly.graph_objects as go

from workbench.apps._html import STYLE, esc
from workbench.apps.gate import gate_problems
from workbench.apps.library import CaseLibrary
from workbench.apps.page import PageHelper
from workbench.apps.workshop_html import (
    NOT_SURE,
    QUESTION,
    WORKSHOP_ARIA,
    coming_html,
    decision_key,
    gate_html,
    join_code_html,
    parse_decision,
    revealed_case,
)
from workbench.apps.workshop_parts import (
    AnswerBox,
    FacilitatorConsole,
    JoinForm,
    ProjectorForm,
    RevealedView,
    RoomWatch,
)
from workbench.case import Case
from workbench.errors import CaseValidationError
from workbench.store import Answer, NotesStore, Participant, Session

if TYPE_CHECKING:
    from workbench.apps.poller import StorePoller

__all__ = ["QUESTION", "WorkshopApp", "decision_key", "parse_decision", "revealed_case"]

class WorkshopApp:
    """The workshop dashboard for a facilitator or a participant.

    Parameters
    ----------
    library : the cases on offer (only cases passing ``gate`` open).
    store : the review store the room shares.
    role : ``"participant"`` (default) or ``"facilitator"``; the page switches too.
    gate : case -> problems that keep it out of a workshop.
    width : pixels of the timeline.
    """

    def __init__(self, *, library: CaseLibrary, store: NotesStore, role: str = "participant",
                 gate: Callable[[Case], list[str]] = gate_problems, width: int = 1180):
        self.library, self.store, self.gate, self.width = library, store, gate, width
        self.session: Session | None = None
        self.case: Case | None = None
        self.me: Participant | None = None
        self.facilitating = False
        self.projecting = False
        self._shown: tuple[int | None, str | None] | None = None
        self._poller: StorePoller | None = None
        self._build()
        self.role.value = role

    # -- widgets -------------------------------------------------------------------------
    def _build(self) -> None:
        L = w.Layout
        self.role = w.ToggleButtons(options=[("I am taking part", "participant"),
                                             ("I am facilitating", "facilitator"),
                                             ("Projector (the room's screen)", "projector")],
                                    value=None, style={"button_width": "auto"},
                                    layout=L(width="auto", max_width="100%"))
        self.role.add_class("wb-role")
        self.role.observe(self._on_role, "value")
        self.status = w.HTML(layout=L(width="100%"))
        self.status.add_class("wb-status")
        self.console = FacilitatorConsole(
            self.library.options(), on_case=self.check_case, on_open=self.open_workshop,
            on_resume=self.resume, on_reveal_next=self.reveal_next, on_reveal=self.reveal,
            on_ask=self.ask)
        self.projector = ProjectorForm(on_watch=self.watch)
        self.joining = JoinForm(on_join=self.join)
        self.answers = AnswerBox(on_submit=self.submit_answer)
        self.revealed = RevealedView(width=self.width)
        self.room = RoomWatch(self.store)
        # the parts' widgets, by the names tests and notebooks know
        for part, names in (
                (self.console, "case_picker gate_panel open_button resume_code resume_button "
                 "setup code_panel reveal_button reveal5_button reveal_to reveal_to_button "
                 "question ask_button next_after_button coming_panel answers_panel "
                 "people_panel controls"),
                (self.projector, "watch_code watch_button"),
                (self.joining, "code_input name_input agency_input discipline_input "
                 "join_button"),
                (self.answers, "question_panel answer_input act_input submit_button "
                 "answer_status"),
                (self.revealed, "heading figure_slot figure_box figure_key latest_panel "
                 "story_panel")):
            for name in names.split():
                setattr(self, name, getattr(part, name))
        self.facilitator_side, self.projector_form = self.console.side, self.projector.form
        self.projector_panel, self.answer_box = self.projector.panel, self.answers.box
        self.view, self.join_form = self.revealed.widget, self.joining.widget
        self.body = w.VBox(layout=L(width="100%"))
        self.page = PageHelper(storage_key="workbench-workshop", title="Case workshop",
                               aria=WORKSHOP_ARIA)
        self.page.on_page(self._on_page)
        self.widget = w.VBox([w.HTML(STYLE), self.page, w.HTML("<h2>Case workshop</h2>"),
                              self.role, self.status, self.body], layout=L(width="100%"))
        self.widget.add_class("wb-app")
        self.widget.add_class("wb-workshop")
        self.page.root = self.widget

    @property
    def figure(self) -> go.Figure | go.FigureWidget | None:
        """The revealed timeline (a ``FigureWidget`` once a page shows it)."""
        return self.revealed.figure_slot.figure

    def _on_page(self, query: dict, stored: dict) -> None:
        """A page opened: fill the join form (and the facilitator's resume code) with what
        this browser used last, so a reload is one tap from where it was."""
        self._stored = dict(stored)
        self.joining.take_up(stored, query)
        if not self.console.resume_code.value and isinstance(stored.get("facilitating"), str):
            self.console.resume_code.value = stored["facilitating"]
        if query.get("view") == "projector" and query.get("code") and self.session is None:
            self.role.value = "projector"
            self.watch(query["code"])

    def _on_role(self, change) -> None:
        self.facilitating = change["new"] == "facilitator"
        self.projecting = change["new"] == "projector"
        self._layout()

    def _layout(self) -> None:
        in_session = self.session is not None
        if self.projecting:
            self.body.children = ([self.projector_panel, self.view] if in_session
                                  else [self.projector_form])
        elif self.facilitating:
            self.body.children = ([self.console.controls, self.facilitator_side, self.view]
                                  if in_session else [self.console.setup])
            if not in_session and self.console.case_picker.value is None and self.library.entries:
                self.console.case_picker.value = self.library.entries[0].key
        else:
            self.body.children = ([self.answer_box, self.view] if in_session
                                  else [self.join_form])
        self.role.disabled = in_session

    # -- facilitator ---------------------------------------------------------------------
    def check_case(self, key: str) -> list[str]:
        """Gate the case under ``key``; say why it cannot open, or enable opening."""
        try:
            problems = self.gate(self.library.load(key))
        except CaseValidationError as exc:
            problems = [f"the case could not be read: {p}" for p in exc.problems[:5]]
        self.console.open_button.disabled = bool(problems)
        self.console.gate_panel.value = gate_html(problems)
        return problems

    def open_workshop(self, key: str | None = None) -> Session | None:
        """Open a workshop on the chosen case; nothing is revealed until the facilitator
        reveals the first event."""
        key = key or self.console.case_picker.value
        if key is None or self.check_case(key):
            return None
        case = self.library.load(key)
        session = self.store.open_session(case.id, kind="workshop",
                                          title=case.title or case.id, actor="facilitator")
        self.facilitating = True
        self._enter(session, key)
        self.page.remember(stored={"facilitating": session.join_code})
        return session

    def resume(self, code: str) -> Session | None:
        """Take up a workshop again by its join code (after a reload, say)."""
        session = self._find(code)
        if session is None:
            return None
        key = self.library.find(session.case_id)
        if key is None or self.check_case(key):
            self.status.value = ('<span class="wb-problem">This workshop\'s case is not '
                                 "available here.</span>")
            return None
        self.facilitating = True
        self._enter(session, key)
        return session

    def reveal(self, seq: int, *, decision: str | None = None) -> None:
        """Move the reveal point to ``seq`` (closing any open question unless given)."""
        if self.session is None or not self.facilitating:
            return
        self.session = self.store.set_reveal(self.session.id, int(seq), decision=decision,
                                             actor="facilitator")
        self.refresh()

    def reveal_next(self, n: int = 1) -> None:
        """Reveal the next ``n`` events (and close the question, if one is open)."""
        if self.session is None or self.case is None:
            return
        seqs = self.case.events["seq"].sort_values()
        later = seqs[seqs > (self.session.reveal_seq or 0)]
        if later.empty:
            self.status.value = "Everything is revealed."
            return
        self.reveal(int(later.iloc[min(n, len(later)) - 1]))

    def ask(self, question: str | None = None) -> str | None:
        """Open a decision point at the reveal point: the room answers ``question``."""
        if self.session is None or not self.facilitating:
            return None
        text = (question or self.console.question.value).strip() or QUESTION
        key = decision_key(self.session.reveal_seq or 0, text)
        self.reveal(self.session.reveal_seq or 0, decision=key)
        return key

    def watch(self, code: str) -> Session | None:
        """Show the workshop with this code on the room's screen (not as a participant)."""
        session = self._find(code)
        if session is None:
            return None
        key = self._case_key(session)
        if key is None:
            return None
        self.facilitating, self.projecting = False, True
        self._enter(session, key)
        return session

    def _case_key(self, session: Session) -> str | None:
        """The library key of the session's case, or None (said on screen) when the case
        is not here or does not pass the workshop gate."""
        key = self.library.find(session.case_id)
        if key is None or self.gate(self.library.load(key)):
            self.status.value = ('<span class="wb-problem">This workshop\'s case is not '
                                 "available here.</span>")
            return None
        return key

    # -- participant ---------------------------------------------------------------------
    def _find(self, code: str) -> Session | None:
        try:
            session = self.store.session_by_code(code.strip())
        except KeyError:
            self.status.value = ('<span class="wb-problem">No workshop has that join code; '
                                 "check it with the facilitator.</span>")
            return None
        if session.kind != "workshop":
            self.status.value = '<span class="wb-problem">That code is not a workshop.</span>'
            return None
        return session

    def join(self, code: str | None = None, *, name: str | None = None,
             agency: str | None = None, discipline: str | None = None) -> Participant | None:
        """Join the workshop with this code (form values by default)."""
        code = self.joining.code_input.value if code is None else code
        name = (self.joining.name_input.value if name is None else name).strip()
        agency = (self.joining.agency_input.value if agency is None else agency).strip()
        discipline = (self.joining.discipline_input.value if discipline is None else discipline).strip()
        if not name or not discipline:
            self.status.value = ('<span class="wb-problem">Give your name (or initials) and '
                                 "your discipline.</span>")
            return None
        session = self._find(code)
        if session is None:
            return None
        key = self._case_key(session)
        if key is None:
            return None
        stored = getattr(self, "_stored", {})
        again = stored.get("participant") if stored.get("code") == session.join_code else None
        self.me = self.store.join(session.id, name=name, agency=agency, discipline=discipline,
                                  participant_id=again if isinstance(again, str) else None)
        self.projecting = False
        self._stored = {**stored, "code": session.join_code, "name": name, "agency": agency,
                        "discipline": discipline, "participant": self.me.id}
        self.page.remember(stored=self._stored)
        self.facilitating = False
        self._enter(session, key)
        return self.me

    def submit_answer(self, text: str | None = None, agency_to_act: str | None = None
                      ) -> Answer | None:
        """Send (or change) this participant's answer to the open question."""
        if self.session is None or self.me is None:
            return None
        session = self.store.session(self.session.id)
        if not session.decision:
            self.answers.answer_status.value = "The question is closed."
            return None
        text = (self.answers.answer_input.value if text is None else text).strip()
        if not text:
            self.answers.answer_status.value = '<span class="wb-problem">Write your answer first.</span>'
            return None
        act = self.answers.act_input.value if agency_to_act is None else agency_to_act
        answer = self.store.answer(session.id, participant=self.me, decision=session.decision,
                                   text=text, agency_to_act=act or NOT_SURE)
        self.answers.answer_status.value = ("Sent. You can change your answer until the "
                                            "facilitator moves on.")
        return answer

    # -- what everyone sees --------------------------------------------------------------
    def _enter(self, session: Session, key: str) -> None:
        self.session, self.case = session, self.library.load(key)
        self._shown = None
        self.role.value = ("facilitator" if self.facilitating else
                           "projector" if self.projecting else "participant")
        if self.projecting:             # read across a room: larger type
            self.widget.add_class("wb-projecting")
        else:
            self.widget.remove_class("wb-projecting")
        self._layout()
        who = ("facilitating (this console is private)" if self.facilitating else
               "showing it to the room (not a participant)" if self.projecting else
               f"taking part as {esc(self.me.name)}" if self.me is not None else "taking part")
        self.status.value = (f"Workshop <b>{esc(session.title)}</b> · you are {who}")
        if self.facilitating:
            self.console.code_panel.value = join_code_html(session.join_code)
            self.console.set_case(self.case)
        self.view.layout.display = "flex"
        self.refresh()

    def refresh(self) -> None:
        """Follow the store: the reveal point, the question, answers and the room."""
        if self.session is None:
            return
        session = self.store.session(self.session.id)
        self.session = session
        shown = (session.reveal_seq, session.decision)
        if shown != self._shown:
            if self._shown is None or shown[0] != self._shown[0]:
                self._show_revealed(session.reveal_seq)
            self._show_question(session.decision)
            self._shown = shown
        if self.facilitating:
            self._show_room(session)
        elif self.projecting:
            self._show_tally(session)

    def _show_revealed(self, reveal: int | None) -> None:
        if self.case is None:
            return
        agencies = self.revealed.show(self.case, reveal, count_all=self.facilitating)
        if agencies:
            self.answers.set_agencies(agencies)
        if self.facilitating:
            ev = self.case.events.sort_values("seq")
            self.console.coming_panel.value = coming_html(ev.loc[ev["seq"] > (reveal or 0)])

    def _show_question(self, decision: str | None) -> None:
        parsed = parse_decision(decision)
        if self.projecting:
            return                      # the tally says it (refresh follows this)
        if self.facilitating:
            self.console.question_open(parsed is not None)
            return
        self.answers.show_question(parsed[1] if parsed else None)

    def _show_room(self, session: Session) -> None:
        self.room.show_console(session, self.console)

    def _show_tally(self, session: Session) -> None:
        self.room.show_projector(session, self.projector)

    @property
    def polling(self) -> bool:
        """True while the app follows the review store."""
        return self._poller is not None and self._poller.running

    def start_polling(self, interval: float | None = None):
        """Follow the store from the kernel's event loop (about twice a second)."""
        from workbench.apps.poller import StorePoller

        if self._poller is None:
            self._poller = StorePoller(self.store, **({"interval": interval} if interval else {}))
            self._poller.subscribe(self.refresh)
        return self._poller.start()
