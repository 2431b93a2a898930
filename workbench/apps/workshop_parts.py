"""The workshop dashboard's parts, each with one job: the facilitator's console, the
participant's join form and answer box, the projector's form, and the view of what has
been revealed. Each builds its own widgets and calls back through the callables it is
given; none reads the store.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w
import pandas as pd

from workbench.analysis.analyse import analyse
from workbench.apps._figure import FigureSlot
from workbench.apps._html import esc, event_card, moment_text
from workbench.apps._key import fit_timeline, key_outside
from workbench.apps._layout import button, fill, panel, panels, row
from workbench.apps.notes_panel import DISCIPLINES
from workbench.apps.workshop_html import (
    NOT_SURE,
    QUESTION,
    answers_html,
    parse_decision,
    people_html,
    revealed_case,
    story_html,
    tally_html,
)
from workbench.case import Case
from workbench.kinds import kind_labels
from workbench.store import NotesStore, Session

__all__ = ["AnswerBox", "FacilitatorConsole", "JoinForm", "ProjectorForm", "RevealedView",
           "RoomWatch"]

L = w.Layout


class FacilitatorConsole:
    """Choose a case and open (or resume) a workshop; then reveal, ask, and see the
    answers, the room and what comes next (private: never projected)."""

    def __init__(self, options: list[tuple[str, str]], *, on_case: Callable[[str], object],
                 on_open: Callable[[], object], on_resume: Callable[[str], object],
                 on_reveal_next: Callable[[int], None], on_reveal: Callable[[int], None],
                 on_ask: Callable[[], object]):
        self.case_picker = fill(w.Dropdown(options=options, value=None, description="Case"),
                                basis="300px", max_width="620px", css="wb-case")
        self.case_picker.observe(lambda c: on_case(c["new"]) if c["new"] is not None
                                 else None, "value")
        self.gate_panel = w.HTML(layout=L(width="100%"))
        self.gate_panel.add_class("wb-gate")
        self.open_button = button(w.Button(description="Open a workshop",
                                           button_style="primary", disabled=True),
                                  css="wb-open")
        self.open_button.on_click(lambda _: on_open())
        self.resume_code = fill(w.Text(placeholder="join code", description="Join code"),
                                basis="160px", max_width="260px", css="wb-resume-code")
        self.resume_button = button(w.Button(description="Resume my workshop"),
                                    css="wb-resume")
        self.resume_button.on_click(lambda _: on_resume(self.resume_code.value))
        self.setup = w.VBox([
            w.HTML("<h3>Open a workshop</h3>"),
            row([self.case_picker, self.open_button]), self.gate_panel,
            w.HTML("<span class='wb-muted'>…or resume one you opened:</span>"),
            row([self.resume_code, self.resume_button])], layout=L(width="100%"))
        self.code_panel = w.HTML(layout=L(width="100%"))
        self.code_panel.add_class("wb-join-code")
        self.reveal_button = button(w.Button(description="Reveal the next event ▶",
                                             button_style="primary"), css="wb-reveal-next")
        self.reveal_button.on_click(lambda _: on_reveal_next(1))
        self.reveal5_button = button(w.Button(description="Reveal the next 5 ▶▶"),
                                     css="wb-reveal-5")
        self.reveal5_button.on_click(lambda _: on_reveal_next(5))
        self.reveal_to = fill(w.Dropdown(options=[], description="Up to"), basis="300px",
                              css="wb-reveal-to")
        self.reveal_to_button = button(w.Button(description="Reveal up to here"),
                                       css="wb-reveal-to-button")
        self.reveal_to_button.on_click(
            lambda _: on_reveal(self.reveal_to.value) if self.reveal_to.value else None)
        self.question = fill(w.Text(value=QUESTION, description="Question"), basis="320px",
                             css="wb-question")
        self.ask_button = button(w.Button(description="Ask the room", button_style="warning"),
                                 css="wb-ask")
        self.ask_button.on_click(lambda _: on_ask())
        self.next_after_button = button(w.Button(description="Close the question and reveal "
                                                 "what happened next", button_style="info"),
                                        css="wb-reveal-after")
        self.next_after_button.on_click(lambda _: on_reveal_next(1))
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
        self.side = panels([
            panel([w.HTML("<h3>Answers from the room</h3>"), self.answers_panel],
                  basis="420px"),
            panel([self.coming_panel, self.people_panel], basis="360px")],
            basis=["420px", "360px"])

    def set_case(self, case: Case) -> None:
        """The events the facilitator may reveal up to (dates as written)."""
        labels = kind_labels()
        ev = case.events.sort_values("seq")
        self.reveal_to.options = [
            (f"{r.seq}. {moment_text(r.start, r.precision, r.when)} · {r.agency} · "
             f"{labels.get(r.kind, r.kind)}", int(r.seq)) for r in ev.itertuples()]

    def question_open(self, is_open: bool) -> None:
        self.ask_button.disabled = is_open
        self.next_after_button.disabled = not is_open


class ProjectorForm:
    """The room's screen: give a join code, then show the workshop (not a participant)."""

    def __init__(self, *, on_watch: Callable[[str], object]):
        self.watch_code = fill(w.Text(description="Join code", placeholder="e.g. K7M2QX"),
                               basis="200px", max_width="320px", css="wb-watch-code")
        self.watch_button = button(w.Button(description="Show this workshop",
                                            button_style="primary"), css="wb-watch")
        self.watch_button.on_click(lambda _: on_watch(self.watch_code.value))
        self.form = w.VBox([
            w.HTML("<h3>Show a workshop on the room's screen</h3><p class='wb-muted'>This "
                   "screen is not a participant. It shows the join code, what has been "
                   "revealed and how many answered, never who answered what, and never what "
                   "comes next.</p>"),
            row([self.watch_code, self.watch_button])], layout=L(width="100%"))
        self.panel = w.HTML(layout=L(width="100%"))
        self.panel.add_class("wb-projector")


class JoinForm:
    """A participant's join form (phone first: one column, every field full width)."""

    def __init__(self, *, on_join: Callable[[], object]):
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
        self.join_button.on_click(lambda _: on_join())
        self.widget = w.VBox([w.HTML("<h3>Join a workshop</h3>"),
                              row([self.code_input, self.name_input]),
                              row([self.agency_input, self.discipline_input]),
                              row([self.join_button])],
                             layout=L(width="100%", max_width="720px"))

    def take_up(self, stored: dict, query: dict) -> None:
        for widget, key in ((self.code_input, "code"), (self.name_input, "name"),
                            (self.agency_input, "agency"),
                            (self.discipline_input, "discipline")):
            if not widget.value and isinstance(stored.get(key), str):
                widget.value = stored[key]
        if not self.code_input.value and query.get("code"):
            self.code_input.value = query["code"]


class AnswerBox:
    """The question put to the room and a participant's answer to it."""

    def __init__(self, *, on_submit: Callable[[], object]):
        self.question_panel = w.HTML(layout=L(width="100%"))
        self.question_panel.add_class("wb-question-text")
        self.answer_input = fill(w.Textarea(placeholder="What would you do now?", rows=4),
                                 css="wb-answer")
        self.act_input = fill(w.Dropdown(options=[NOT_SURE], description="Who should act"),
                              basis="220px", css="wb-agency-to-act")
        self.submit_button = button(w.Button(description="Send my answer",
                                             button_style="success"), css="wb-submit")
        self.submit_button.on_click(lambda _: on_submit())
        self.answer_status = w.HTML(layout=L(width="100%"))
        self.answer_status.add_class("wb-answer-status")
        self.box = w.VBox([self.question_panel, self.answer_input,
                           row([self.act_input, self.submit_button]), self.answer_status],
                          layout=L(border="2px solid #E69F00", padding="6px", width="100%",
                                   max_width="760px", display="none"))
        self.box.add_class("wb-answer-box")

    def show_question(self, question: str | None) -> None:
        if question is None:
            self.box.layout.display = "none"
            self.answer_input.value = ""
            self.answer_status.value = ""
            return
        self.question_panel.value = f"<h3>Decision point: {esc(question)}</h3>"
        self.box.layout.display = "flex"

    def set_agencies(self, agencies: list[str]) -> None:
        keep = self.act_input.value
        self.act_input.options = [*agencies, "Another agency", NOT_SURE]
        self.act_input.value = keep if keep in self.act_input.options else NOT_SURE


class RevealedView:
    """What everyone in the session sees: the revealed timeline, the latest event and
    the story so far (built from the revealed events alone)."""

    def __init__(self, *, width: int):
        self.width = width
        self.heading = w.HTML(layout=L(width="100%"))
        self.heading.add_class("wb-revealed")
        self.figure_slot = FigureSlot(width=width, placeholder="Drawing the timeline…",
                                      filename="workshop-timeline", prepare=fit_timeline)
        self.figure_box = self.figure_slot.widget
        self.figure_key = w.HTML(layout=L(width="100%"))
        self.figure_key.add_class("wb-figure-key")
        self.latest_panel = w.HTML(layout=L(width="100%"))
        self.latest_panel.add_class("wb-latest")
        self.story_panel = w.HTML(layout=L(width="100%"))
        self.story_panel.add_class("wb-story")
        self.widget = w.VBox([self.heading,
                              panels([panel([self.latest_panel], basis="340px"),
                                      panel([self.story_panel], basis="340px")],
                                     basis=["340px", "340px"]),
                              self.figure_box, self.figure_key],
                             layout=L(display="none", width="100%"))

    def show(self, case: Case, reveal: int | None, *, count_all: bool) -> list[str]:
        """Show ``case`` up to ``reveal``; return the agencies in what is revealed.
        ``count_all`` says "of N" (the facilitator's screen only)."""
        from workbench.timeline import timeline_figure

        cut = revealed_case(case, reveal)
        ev = cut.events.sort_values("seq")
        title = esc(case.title or case.id)
        if ev.empty:
            self.heading.value = f"<h3>{title}: nothing revealed yet</h3>"
            self.latest_panel.value = ("<p class='wb-muted'>Nothing revealed yet: the "
                                       "facilitator reveals the first event when the room is "
                                       "ready.</p>")
            self.story_panel.value = ""
            self.figure_box.layout.display = "none"
            return []
        self.figure_box.layout.display = "flex"
        # no "as known at" cursor: everything drawn is what has been revealed, and an
        # instant would be more precise than records written "age 11"
        fig = timeline_figure(analyse(cut), flags=pd.DataFrame(), width=self.width)
        fig.update_layout(title={"subtitle": {"text": "Only what has been revealed so far"}})
        self.figure_key.value = (key_outside(fig) + "<p class='wb-narrow-only wb-muted'>Swipe "
                                 "the timeline sideways to see all of it.</p>")
        self.figure_slot.show(fig)
        # after the figure: the page says so once it is there
        self.heading.value = (f"<h3>{title}: {len(ev)} event(s) revealed"
                              + (f" of {len(case.events)}" if count_all else "") + "</h3>")
        self.latest_panel.value = event_card(ev.iloc[-1], heading=f"Latest (event {len(ev)})")
        self.story_panel.value = story_html(ev)
        return sorted({a for a in ev["agency"] if a} | {
            r for cell in ev["recipients"] for r in cell.split("; ") if r})


class RoomWatch:
    """Who is in the room and what they answered, read from the store: named, for the
    facilitator's console; counted only, for the projector. Redraws only on a change."""

    def __init__(self, store: NotesStore):
        self.store = store
        self._people: tuple | None = None
        self._answers: tuple | None = None

    def _answers_to(self, session: Session) -> list:
        return self.store.answers(session.id, decision=session.decision) \
            if session.decision else []

    def show_console(self, session: Session, console: FacilitatorConsole) -> None:
        people = self.store.participants(session.id)
        key = tuple(p.id for p in people)
        if key != self._people:
            self._people = key
            by: dict[str, list[str]] = {}
            for p in people:
                if p.role == "participant":
                    by.setdefault(p.discipline, []).append(p.name)
            console.people_panel.value = people_html(by)
        parsed = parse_decision(session.decision)
        answers = self._answers_to(session)
        akey = (session.decision, tuple((a.id, a.text, a.agency_to_act) for a in answers))
        if akey != self._answers:
            self._answers = akey
            console.answers_panel.value = answers_html(parsed[1] if parsed else None, answers)

    def show_projector(self, session: Session, projector: ProjectorForm) -> None:
        parsed = parse_decision(session.decision)
        answers = self._answers_to(session)
        people = [p for p in self.store.participants(session.id) if p.role == "participant"]
        key = (session.decision, len(answers), len(people),
               tuple(sorted((a.discipline, a.agency_to_act) for a in answers)))
        if key != self._answers:
            self._answers = key
            projector.panel.value = tally_html(session.join_code, parsed[1] if parsed else None,
                                               answers, len(people))
