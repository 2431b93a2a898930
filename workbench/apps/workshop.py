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
from dataclasses import replace

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from workbench.analysis.analyse import analyse
from workbench.apps._figure import FigureSlot
from workbench.apps._html import (
    STYLE,
    esc,
    event_card,
    moment_text,
    text_block,
)
from workbench.apps._key import key_outside
from workbench.apps._layout import button, fill, panel, panels, row
from workbench.apps.gate import gate_problems
from workbench.apps.library import CaseLibrary
from workbench.apps.page import PageHelper
from workbench.apps.review import DISCIPLINES
from workbench.case import Case
from workbench.errors import CaseValidationError
from workbench.kinds import kind_labels
from workbench.store import Answer, NotesStore, Participant, Session

__all__ = ["QUESTION", "WorkshopApp", "decision_key", "parse_decision", "revealed_case"]

#: the question put to the room at a decision point
QUESTION = "What would you do now, and which agency should act?"
_NOT_SURE = "(not sure)"
#: names and live regions the page gives the workshop's widgets
WORKSHOP_ARIA = {
    ".wb-status": {"role": "status"},
    ".wb-answer-status": {"role": "status"},
    ".wb-revealed": {"aria-live": "polite"},
    ".wb-latest": {"aria-live": "polite", "aria-atomic": "true"},
    ".wb-question-text": {"aria-live": "assertive"},
    ".wb-answers": {"aria-live": "polite"},
    ".wb-figure": {"role": "figure", "aria-label": "Timeline of what has been revealed",
                   "aria-describedby": "wb-workshop-words"},
}


def revealed_case(case: Case, reveal_seq: int | None) -> Case:
    """The case cut at the reveal point: only events with ``seq <= reveal_seq``.

    >>> from workbench.case import Case
    >>> c = Case(id="x", events=pd.DataFrame({"seq": [1, 2, 3]}))
    >>> revealed_case(c, 2).events["seq"].tolist(), len(revealed_case(c, None).events)
    ([1, 2], 0)
    """
    events = case.events
    keep = events["seq"] <= reveal_seq if reveal_seq is not None else \
        pd.Series(False, index=events.index)
    return replace(case, events=events.loc[keep].reset_index(drop=True), imported=None,
                   overrides={})


def decision_key(seq: int, question: str) -> str:
    """How a decision point is stored: the event it follows and the question.

    >>> parse_decision(decision_key(12, QUESTION)) == (12, QUESTION)
    True
    """
    return f"{int(seq)}|{question}"


def parse_decision(key: str | None) -> tuple[int, str] | None:
    if not key:
        return None
    seq, _, question = key.partition("|")
    return (int(seq), question) if seq.isdigit() else (0, key)


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
        self._answers_key: tuple | None = None
        self._people_key: tuple | None = None
        self._poller = None
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
        # facilitator: choose a case, open or resume a workshop
        self.case_picker = fill(w.Dropdown(options=self.library.options(), value=None,
                                           description="Case"), basis="300px",
                                max_width="620px", css="wb-case")
        self.case_picker.observe(self._on_case, "value")
        self.gate_panel = w.HTML(layout=L(width="100%"))
        self.gate_panel.add_class("wb-gate")
        self.open_button = button(w.Button(description="Open a workshop",
                                           button_style="primary", disabled=True),
                                  css="wb-open")
        self.open_button.on_click(lambda _: self.open_workshop())
        self.resume_code = fill(w.Text(placeholder="join code", description="Join code"),
                                basis="160px", max_width="260px", css="wb-resume-code")
        self.resume_button = button(w.Button(description="Resume my workshop"),
                                    css="wb-resume")
        self.resume_button.on_click(lambda _: self.resume(self.resume_code.value))
        self.setup = w.VBox([
            w.HTML("<h3>Open a workshop</h3>"),
            row([self.case_picker, self.open_button]), self.gate_panel,
            w.HTML("<span class='wb-muted'>…or resume one you opened:</span>"),
            row([self.resume_code, self.resume_button])], layout=L(width="100%"))
        # facilitator: run it
        self.code_panel = w.HTML(layout=L(width="100%"))
        self.code_panel.add_class("wb-join-code")
        self.reveal_button = button(w.Button(description="Reveal the next event ▶",
                                             button_style="primary"), css="wb-reveal-next")
        self.reveal_button.on_click(lambda _: self.reveal_next())
        self.reveal5_button = button(w.Button(description="Reveal the next 5 ▶▶"),
                                     css="wb-reveal-5")
        self.reveal5_button.on_click(lambda _: self.reveal_next(5))
        self.reveal_to = fill(w.Dropdown(options=[], description="Up to"), basis="300px",
                              css="wb-reveal-to")
        self.reveal_to_button = button(w.Button(description="Reveal up to here"),
                                       css="wb-reveal-to-button")
        self.reveal_to_button.on_click(
            lambda _: self.reveal(self.reveal_to.value) if self.reveal_to.value else None)
        self.question = fill(w.Text(value=QUESTION, description="Question"), basis="320px",
                             css="wb-question")
        self.ask_button = button(w.Button(description="Ask the room", button_style="warning"),
                                 css="wb-ask")
        self.ask_button.on_click(lambda _: self.ask())
        self.next_after_button = button(w.Button(description="Close the question and reveal "
                                                 "what happened next", button_style="info"),
                                        css="wb-reveal-after")
        self.next_after_button.on_click(lambda _: self.reveal_next())
        self.coming_panel = w.HTML(layout=L(width="100%"))
        self.coming_panel.add_class("wb-coming")
        self.answers_panel = w.HTML(layout=L(width="100%"))
        self.answers_panel.add_class("wb-answers")
        self.people_panel = w.HTML(layout=L(width="100%"))
        self.people_panel.add_class("wb-people")
        self.controls = w.VBox([
            self.code_panel,
            row([self.reveal_button, self.reveal5_button, self.reveal_to,
                 self.reveal_to_button]),
            row([self.question, self.ask_button, self.next_after_button])],
            layout=L(width="100%"))
        self.facilitator_side = panels([
            panel([w.HTML("<h3>Answers from the room</h3>"), self.answers_panel],
                  basis="420px"),
            panel([self.coming_panel, self.people_panel], basis="360px")],
            basis=["420px", "360px"])
        # projector: the room's screen (not a participant; nothing private on it)
        self.watch_code = fill(w.Text(description="Join code", placeholder="e.g. K7M2QX"),
                               basis="200px", max_width="320px", css="wb-watch-code")
        self.watch_button = button(w.Button(description="Show this workshop",
                                            button_style="primary"), css="wb-watch")
        self.watch_button.on_click(lambda _: self.watch(self.watch_code.value))
        self.projector_form = w.VBox([
            w.HTML("<h3>Show a workshop on the room's screen</h3><p class='wb-muted'>This "
                   "screen is not a participant. It shows the join code, what has been "
                   "revealed and how many answered, never who answered what, and never what "
                   "comes next.</p>"),
            row([self.watch_code, self.watch_button])], layout=L(width="100%"))
        self.projector_panel = w.HTML(layout=L(width="100%"))
        self.projector_panel.add_class("wb-projector")
        # participant: join, answer (phone first: one column, every field full width)
        self.code_input = fill(w.Text(description="Join code", placeholder="e.g. K7M2QX"),
                               basis="200px", css="wb-join-code-input")
        self.name_input = fill(w.Text(description="You", placeholder="name or initials"),
                               basis="200px", css="wb-name")
        self.agency_input = fill(w.Text(description="Agency", placeholder="where you work"),
                                 basis="200px", css="wb-agency")
        self.discipline_input = fill(w.Combobox(options=list(DISCIPLINES),
                                                description="Discipline",
                                                placeholder="e.g. education",
                                                ensure_option=False),
                                     basis="200px", css="wb-discipline")
        self.join_button = button(w.Button(description="Join", button_style="primary"),
                                  css="wb-join")
        self.join_button.on_click(lambda _: self.join())
        self.join_form = w.VBox([w.HTML("<h3>Join a workshop</h3>"),
                                 row([self.code_input, self.name_input]),
                                 row([self.agency_input, self.discipline_input]),
                                 row([self.join_button])],
                                layout=L(width="100%", max_width="720px"))
        self.question_panel = w.HTML(layout=L(width="100%"))
        self.question_panel.add_class("wb-question-text")
        self.answer_input = fill(w.Textarea(placeholder="What would you do now?", rows=4),
                                 css="wb-answer")
        self.act_input = fill(w.Dropdown(options=[_NOT_SURE], description="Who should act"),
                              basis="220px", css="wb-agency-to-act")
        self.submit_button = button(w.Button(description="Send my answer",
                                             button_style="success"), css="wb-submit")
        self.submit_button.on_click(lambda _: self.submit_answer())
        self.answer_status = w.HTML(layout=L(width="100%"))
        self.answer_status.add_class("wb-answer-status")
        self.answer_box = w.VBox([self.question_panel, self.answer_input,
                                  row([self.act_input, self.submit_button]),
                                  self.answer_status],
                                 layout=L(border="2px solid #E69F00", padding="6px",
                                          width="100%", max_width="760px", display="none"))
        self.answer_box.add_class("wb-answer-box")
        # what everyone in the session sees
        self.heading = w.HTML(layout=L(width="100%"))
        self.heading.add_class("wb-revealed")
        self.figure_slot = FigureSlot(width=self.width, placeholder="Drawing the timeline…",
                                      filename="workshop-timeline")
        self.figure_box = self.figure_slot.widget
        self.figure_key = w.HTML(layout=L(width="100%"))
        self.figure_key.add_class("wb-figure-key")
        self.latest_panel = w.HTML(layout=L(width="100%"))
        self.latest_panel.add_class("wb-latest")
        self.story_panel = w.HTML(layout=L(width="100%", max_height="420px", overflow="auto"))
        self.story_panel.add_class("wb-story")
        self.view = w.VBox([self.heading,
                            panels([panel([self.latest_panel], basis="340px"),
                                    panel([self.story_panel], basis="340px")],
                                   basis=["340px", "340px"]),
                            self.figure_box, self.figure_key],
                           layout=L(display="none", width="100%"))
        self.body = w.VBox(layout=L(width="100%"))
        self.page = PageHelper(storage_key="workbench-workshop", title="Case workshop",
                               aria=WORKSHOP_ARIA)
        self.page.on_page(self._on_page)
        self.widget = w.VBox([w.HTML(STYLE), self.page, w.HTML("<h2>Case workshop</h2>"),
                              self.role, self.status, self.body], layout=L(width="100%"))
        self.widget.add_class("wb-app")
        self.widget.add_class("wb-workshop")

    @property
    def figure(self) -> go.Figure | go.FigureWidget | None:
        """The revealed timeline (a ``FigureWidget`` once a page shows it)."""
        return self.figure_slot.figure

    def _on_page(self, query: dict, stored: dict) -> None:
        """A page opened: fill the join form (and the facilitator's resume code) with what
        this browser used last, so a reload is one tap from where it was."""
        self._stored = dict(stored)
        for widget, key in ((self.code_input, "code"), (self.name_input, "name"),
                            (self.agency_input, "agency"),
                            (self.discipline_input, "discipline"),
                            (self.resume_code, "facilitating")):
            if not widget.value and isinstance(stored.get(key), str):
                widget.value = stored[key]
        if not self.code_input.value and query.get("code"):
            self.code_input.value = query["code"]
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
            self.body.children = ([self.controls, self.facilitator_side, self.view]
                                  if in_session else [self.setup])
            if not in_session and self.case_picker.value is None and self.library.entries:
                self.case_picker.value = self.library.entries[0].key
        else:
            self.body.children = ([self.answer_box, self.view] if in_session
                                  else [self.join_form])
        self.role.disabled = in_session

    # -- facilitator ---------------------------------------------------------------------
    def _on_case(self, change) -> None:
        if change["new"] is not None:
            self.check_case(change["new"])

    def check_case(self, key: str) -> list[str]:
        """Gate the case under ``key``; say why it cannot open, or enable opening."""
        try:
            problems = self.gate(self.library.load(key))
        except CaseValidationError as exc:
            problems = [f"the case could not be read: {p}" for p in exc.problems[:5]]
        self.open_button.disabled = bool(problems)
        self.gate_panel.value = "" if not problems else (
            '<div class="wb-problem"><b>This case cannot open in a workshop:</b><ul>'
            + "".join(f"<li>{esc(p)}</li>" for p in problems) + "</ul></div>")
        return problems

    def open_workshop(self, key: str | None = None) -> Session | None:
        """Open a workshop on the chosen case; nothing is revealed until the facilitator
        reveals the first event."""
        key = key or self.case_picker.value
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
        if self.session is None:
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
        text = (question or self.question.value).strip() or QUESTION
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
        code = self.code_input.value if code is None else code
        name = (self.name_input.value if name is None else name).strip()
        agency = (self.agency_input.value if agency is None else agency).strip()
        discipline = (self.discipline_input.value if discipline is None else discipline).strip()
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
            self.answer_status.value = "The question is closed."
            return None
        text = (self.answer_input.value if text is None else text).strip()
        if not text:
            self.answer_status.value = '<span class="wb-problem">Write your answer first.</span>'
            return None
        act = self.act_input.value if agency_to_act is None else agency_to_act
        answer = self.store.answer(session.id, participant=self.me, decision=session.decision,
                                   text=text, agency_to_act=act or _NOT_SURE)
        self.answer_status.value = ("Sent. You can change your answer until the "
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
               f"taking part as {esc(self.me.name)}")
        self.status.value = (f"Workshop <b>{esc(session.title)}</b> · you are {who}")
        if self.facilitating:
            self.code_panel.value = (
                "Participants join with the code <span class='wb-code-big'>"
                f"{esc(session.join_code)}</span><br><span class='wb-muted'>Do not project "
                "this console (it shows what comes next and who answered what): on the "
                "room's screen open this dashboard, choose <b>Projector</b> and give the "
                "code.</span>")
            labels = kind_labels()
            ev = self.case.events.sort_values("seq")
            self.reveal_to.options = [
                (f"{r.seq}. {moment_text(r.start, r.precision, r.when)} · {r.agency} · "
                 f"{labels.get(r.kind, r.kind)}", int(r.seq)) for r in ev.itertuples()]
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
        from workbench.timeline import timeline_figure

        cut = revealed_case(self.case, reveal)
        ev = cut.events.sort_values("seq")
        total = len(self.case.events)
        heading = (f"<h3>{esc(self.case.title or self.case.id)}: {len(ev)} event(s) revealed"
                   + (f" of {total}" if self.facilitating else "") + "</h3>")
        if ev.empty:
            self.heading.value = (f"<h3>{esc(self.case.title or self.case.id)}: nothing "
                                  "revealed yet</h3>")
            self.latest_panel.value = ("<p class='wb-muted'>Nothing revealed yet: the "
                                       "facilitator reveals the first event when the room is "
                                       "ready.</p>")
            self.story_panel.value = ""
            self.figure_box.layout.display = "none"
            if self.facilitating:
                self._show_coming(reveal)
            return
        self.figure_box.layout.display = "flex"
        analysis = analyse(cut)
        # no "as known at" cursor: everything drawn is what has been revealed, and an
        # instant would be more precise than records written "age 11"
        fig = timeline_figure(analysis, flags=pd.DataFrame(), width=self.width)
        fig.update_layout(title={"subtitle": {"text": "Only what has been revealed so far"}})
        self.figure_key.value = key_outside(fig)
        self.figure_slot.show(fig)
        self.heading.value = heading     # after the figure: the page says so once it is there
        last = ev.iloc[-1]
        self.latest_panel.value = event_card(last, heading=f"Latest (event {len(ev)})")
        labels = kind_labels()
        self.story_panel.value = "<div id='wb-workshop-words'><h3>So far</h3>" + "".join(
            f"<div class='wb-note'><b>{len(ev) - i}.</b> "
            f"{esc(moment_text(r.start, r.precision, r.when))} · <b>{esc(r.agency)}</b> · "
            f"{esc(labels.get(r.kind, r.kind))}<br>{text_block(r.summary)}</div>"
            for i, r in enumerate(ev.iloc[::-1].itertuples())) + "</div>"
        agencies = sorted({a for a in ev["agency"] if a} | {
            r for cell in ev["recipients"] for r in cell.split("; ") if r})
        keep = self.act_input.value
        self.act_input.options = [*agencies, "Another agency", _NOT_SURE]
        self.act_input.value = keep if keep in self.act_input.options else _NOT_SURE
        if self.facilitating:
            self._show_coming(reveal)

    def _show_coming(self, reveal: int | None) -> None:
        ev = self.case.events.sort_values("seq")
        later = ev.loc[ev["seq"] > (reveal or 0)]
        self.coming_panel.value = (
            "<p class='wb-muted'>Everything is revealed.</p>" if later.empty else
            "<div class='wb-muted'>Only you see this.</div>"
            + event_card(later.iloc[0], heading="Coming next"))

    def _show_question(self, decision: str | None) -> None:
        parsed = parse_decision(decision)
        if self.projecting:
            return                      # the tally says it (refresh follows this)
        if self.facilitating:
            self.ask_button.disabled = parsed is not None
            self.next_after_button.disabled = parsed is None
            return
        if parsed is None:
            self.answer_box.layout.display = "none"
            self.answer_input.value = ""
            self.answer_status.value = ""
            return
        self.question_panel.value = f"<h3>Decision point: {esc(parsed[1])}</h3>"
        self.answer_box.layout.display = "flex"

    def _show_room(self, session: Session) -> None:
        people = self.store.participants(session.id)
        key = tuple(p.id for p in people)
        if key != self._people_key:
            self._people_key = key
            by: dict[str, list[str]] = {}
            for p in people:
                if p.role == "participant":
                    by.setdefault(p.discipline, []).append(p.name)
            self.people_panel.value = (
                f"<h3>In the room ({sum(map(len, by.values()))})</h3>" + "".join(
                    f"<div><b>{esc(d)}</b>: {esc(', '.join(names))}</div>"
                    for d, names in sorted(by.items())))
        parsed = parse_decision(session.decision)
        answers = self.store.answers(session.id, decision=session.decision) \
            if session.decision else []
        akey = (session.decision, tuple((a.id, a.text, a.agency_to_act) for a in answers))
        if akey == self._answers_key:
            return
        self._answers_key = akey
        if parsed is None:
            self.answers_panel.value = ("<p class='wb-muted'>No question open. Reveal events, "
                                        "then ask the room.</p>")
            return
        groups: dict[str, list[Answer]] = {}
        for a in answers:
            groups.setdefault(a.discipline, []).append(a)
        tally = pd.Series([a.agency_to_act for a in answers]).value_counts()
        self.answers_panel.value = (
            f"<div><b>{esc(parsed[1])}</b> · {len(answers)} answer(s)</div>"
            + (("<div class='wb-muted'>Who should act: " + ", ".join(
                f"{esc(k)} ({v})" for k, v in tally.items()) + "</div>") if len(tally) else "")
            + "".join(f"<h3>{esc(d)} ({len(group)})</h3>" + "".join(
                f"<div class='wb-note'><b>{esc(a.author)}</b> → {esc(a.agency_to_act)}<br>"
                f"{text_block(a.text)}</div>" for a in group)
                for d, group in sorted(groups.items())))

    def _show_tally(self, session: Session) -> None:
        """The room's screen: the join code, the question and how many answered (by
        discipline and by who should act), never names nor answers."""
        parsed = parse_decision(session.decision)
        answers = self.store.answers(session.id, decision=session.decision) \
            if session.decision else []
        people = [p for p in self.store.participants(session.id) if p.role == "participant"]
        key = (session.decision, len(answers), len(people),
               tuple(sorted((a.discipline, a.agency_to_act) for a in answers)))
        if key == self._answers_key:
            return
        self._answers_key = key
        html = (f"<div>Join with the code <span class='wb-code-big'>{esc(session.join_code)}"
                f"</span> · {len(people)} taking part</div>")
        if parsed is not None:
            acts = pd.Series([a.agency_to_act for a in answers], dtype=object).value_counts()
            by = pd.Series([a.discipline for a in answers], dtype=object).value_counts()
            html += (f"<h3>Decision point: {esc(parsed[1])}</h3>"
                     f"<p><b>{len(answers)}</b> of {len(people)} answered"
                     + (" (" + ", ".join(f"{esc(k)} {v}" for k, v in by.items()) + ")"
                        if len(by) else "") + "</p>"
                     + ("<p>Who should act: " + ", ".join(f"<b>{esc(k)}</b> {v}"
                                                          for k, v in acts.items()) + "</p>"
                        if len(acts) else ""))
        self.projector_panel.value = html

    def start_polling(self, interval: float | None = None):
        """Follow the store from the kernel's event loop (about twice a second)."""
        from workbench.apps.poller import StorePoller

        if self._poller is None:
            self._poller = StorePoller(self.store, **({"interval": interval} if interval else {}))
            self._poller.subscribe(self.refresh)
        return self._poller.start()
