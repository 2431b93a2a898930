"""The case review dashboard: walk a case together, event by event.

:class:`ReviewApp` wires widgets over the library: the swimlane timeline
(:func:`workbench.timeline.timeline_figure`, one ``FigureWidget`` whose cursor is
moved, never rebuilt, as the reviewers step), the current event in full, what each
agency knew at that moment and what it lacked (:func:`workbench.analysis.knowledge.knowledge_at`),
the flags with their evidence, and a reflection panel whose notes every participant
sees (the review store, followed by a :class:`~workbench.apps.poller.StorePoller`).

The pure part, :func:`review_case`, computes once what stepping needs.

Examples
--------
>>> import tempfile, os
>>> from workbench.store import NotesStore
>>> store = NotesStore(os.path.join(tempfile.mkdtemp(), "r.sqlite"))
>>> app = ReviewApp(library=CaseLibrary(), store=store)   # doctest: +SKIP
>>> app.next(); app.event_panel.value[:40]                 # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from workbench.analysis.analyse import Analysis
from workbench.analysis.knowledge import knowledge_at, knowledge_matrix
from workbench.apps._figure import FigureSlot
from workbench.apps._html import (
    STYLE,
    Safe,
    esc,
    event_card,
    local_time,
    moment_text,
    table,
    text_block,
    words_html,
)
from workbench.apps._key import key_outside
from workbench.apps._layout import button, fill, panel, panels, row
from workbench.apps.events import EventsTable
from workbench.apps.library import CaseLibrary
from workbench.apps.page import PageHelper
from workbench.case import Case
from workbench.datetext import day_month_year
from workbench.errors import CaseValidationError, StoreError
from workbench.kinds import kind_labels
from workbench.store import TAGS, Note, NotesStore, Participant, Session
from workbench.views.style import local_iso

__all__ = ["DISCIPLINES", "KPE_TAG", "ReviewApp", "ReviewCase", "review_case"]

KPE_TAG = "key practice episode"
#: disciplines offered (any other may be typed)
DISCIPLINES = ("social work", "policing", "education", "health", "youth justice",
               "return interviews", "third sector", "independent reviewer", "other")
_TAG_CLASS = {"missed opportunity": "wb-missed", "good practice": "wb-good",
              KPE_TAG: "wb-kpe", "question": "wb-question"}
_CURSOR, _AFTER = "The moment shown", "After the moment shown"
#: names, live regions and figure roles the page gives the review's widgets
REVIEW_ARIA = {
    ".wb-flags select": {"aria-labelledby": "wb-flags-heading"},
    ".wb-evidence select": {"aria-labelledby": "wb-evidence-heading"},
    ".wb-events-list select": {"aria-label": "All events"},
    ".wb-slider .noUi-handle": {"aria-label": "Event number"},
    ".wb-status": {"role": "status"},
    ".wb-message": {"role": "status"},
    ".wb-note-status": {"role": "status"},
    ".wb-announce": {"aria-live": "polite"},
    ".wb-timeline-panel .wb-figure": {"role": "figure", "aria-label": "Timeline of the case",
                                      "aria-describedby": "wb-timeline-words"},
}
#: keys that press the step buttons (never while typing)
REVIEW_KEYS = {"ArrowRight": ".wb-next", "n": ".wb-next", "ArrowLeft": ".wb-prev",
               "p": ".wb-prev", "f": ".wb-next-flag", "k": ".wb-next-kpe"}
_log = logging.getLogger("workbench.apps")


@dataclass(frozen=True)
class ReviewCase:
    """What stepping through one case needs, computed once.

    ``order`` holds the events in composite (``seq``) order with the instant the
    cursor stands at for each (an undated event keeps the last dated instant).
    """

    key: str
    case: Case
    analysis: Analysis
    flags: pd.DataFrame = field(repr=False)
    matrix: pd.DataFrame = field(repr=False)
    order: pd.DataFrame = field(repr=False)
    labels: dict[str, str] = field(repr=False)       # event id -> one-line label
    flags_of: dict[str, list[int]] = field(repr=False)  # event id -> rows of flags
    high_evidence: frozenset[str] = frozenset()
    end: pd.Timestamp | None = None

    def index_of(self, event_id: str) -> int:
        hits = self.order.index[self.order["id"] == event_id]
        if len(hits) == 0:
            raise KeyError(event_id)
        return int(hits[0])


def review_case(key: str, case: Case, analysis: Analysis, flags: pd.DataFrame) -> ReviewCase:
    """The stepping order, labels and flag lookups of a case."""
    ev = analysis.events.sort_values("seq", kind="stable").reset_index(drop=True)
    at = ev["start"].ffill().bfill()
    labels_of = kind_labels()
    kind = ev["kind"].map(labels_of).fillna(ev["kind"])
    coarse = ev["precision"].where(~ev["precision"].isin(["minute", "day"]), "day")
    day = pd.Series([moment_text(t, p, w) for t, p, w in zip(ev["start"], coarse, ev["when"],
                                                            strict=True)], index=ev.index)
    moment = pd.Series([moment_text(t, p, w) for t, p, w in zip(ev["start"], ev["precision"],
                                                               ev["when"], strict=True)],
                       index=ev.index).where(ev["start"].notna(), "undated (" + day + ")")
    labels = dict(zip(ev["id"], kind + ", " + day + " (" + ev["agency"] + ")", strict=True))
    order = pd.DataFrame({"id": ev["id"], "seq": ev["seq"], "at": at, "agency": ev["agency"],
                          "moment": moment})
    flags_of: dict[str, list[int]] = {}
    high: set[str] = set()
    for i, (ids, severity) in enumerate(zip(flags["event_ids"], flags["severity"],
                                            strict=True)):
        for event_id in ids:
            flags_of.setdefault(event_id, []).append(i)
        if severity == "high":
            high.update(ids)
    ends = pd.concat([ev["end"], ev["start"]]).dropna()
    return ReviewCase(key=key, case=case, analysis=analysis, flags=flags,
                      matrix=knowledge_matrix(analysis), order=order, labels=labels,
                      flags_of=flags_of, high_evidence=frozenset(high),
                      end=ends.max() if len(ends) else None)


def stepping_start(rc: ReviewCase) -> tuple[int, str]:
    """Where stepping through a case starts, and words saying where its background is.

    The review period opens at the first record dated to the day or the minute; the
    records before it known only to a month, a year or as a range (an ``age 11``) are
    background: stepping starts after them and says so. A case with no such background
    starts at its first event (and no words).
    """
    ev = rc.analysis.events.drop_duplicates("id").set_index("id")
    start = rc.order["id"].map(ev["start"])
    precise = start.notna() & rc.order["id"].map(ev["precision"]).isin(["minute", "day"])
    if not precise.any() or bool(precise.iloc[0]):
        return 0, ""
    first = int(precise.to_numpy().argmax())
    n = len(rc.order)
    return first, (f"Stepping starts at event {first + 1} of {n} "
                   f"({esc(rc.order['moment'].iat[first])}), the first record of the review "
                   f"period dated to the day. The {first} record(s) before it are background, "
                   "known only to a month, a year or as a range: press ◀ Previous to read them.")


def _words_html(rc: ReviewCase, flags: pd.DataFrame) -> str:
    from workbench.timeline import describe_timeline

    try:
        text = describe_timeline(rc.analysis, flags=flags)
    except Exception:  # the words are a help; the review goes on without them
        _log.exception("could not describe the timeline of %s", rc.key)
        return ""
    return words_html(text, anchor="wb-timeline-words", summary="The timeline in words")


def _handoff_words(rc: ReviewCase | None, handoff_id: str) -> str:
    """A hand-off as people say it: who to whom, when (never its internal id)."""
    h = rc.analysis.handoffs if rc is not None else None
    hit = h.loc[h["handoff_id"] == handoff_id] if h is not None and len(h) else None
    if hit is None or hit.empty:
        return "a hand-off"
    r = hit.iloc[0]
    return (f"the hand-off {r['sender']} → {r['recipient']} of "
            f"{day_month_year(r['sent'])}")


def _tags_html(tags) -> str:
    return "".join(f'<span class="wb-chip {_TAG_CLASS.get(t, "")}">{esc(t)}</span>'
                   for t in tags)


class ReviewApp:
    """The review dashboard's widgets and what they do.

    Parameters
    ----------
    library : the cases on offer.
    store : the review store every participant's kernel shares.
    case : key of the case to open first (default: the first in the library).
    width : pixels of the timeline.
    play_interval : seconds between two steps when playing.
    rules : the rules that raise flags (default: the bundled ones).
    """

    def __init__(self, *, library: CaseLibrary, store: NotesStore, case: str | None = None,
                 width: int = 1180, play_interval: float = 1.5, rules=None):
        self.library, self.store, self.rules = library, store, rules
        self.width, self.play_interval = width, play_interval
        self.current: ReviewCase | None = None
        self.session: Session | None = None
        self.position = 0
        self._participant: Participant | None = None
        self._notes: list[Note] = []
        self._notes_key: tuple[str, ...] | None = None
        self._kpe_notes: frozenset[str] = frozenset()
        self._cursor_traces: tuple[int | None, int | None] = (None, None)
        self._draft_id = str(uuid.uuid4())
        self._quiet = False
        self._play_task: asyncio.Task | None = None
        self._poller = None
        self._build()
        first = case or (library.entries[0].key if library.entries else None)
        if first is not None:
            self.case_picker.value = first      # observed: opens the case
            if self.current is None:
                self.select_case(first)

    # -- widgets -------------------------------------------------------------------------
    def _build(self) -> None:
        L = w.Layout
        self.title = w.HTML("<h2>Case review</h2>")
        self.title.add_class("wb-title")
        self.protocol_line = w.HTML()
        self.protocol_line.add_class("wb-protocol")
        self.case_picker = fill(w.Dropdown(options=self.library.options(), value=None,
                                           description="Case"), basis="300px",
                                max_width="560px", css="wb-case")
        self.case_picker.observe(self._on_case, "value")
        self.status = w.HTML(layout=L(width="100%"))
        self.status.add_class("wb-status")
        self.message = w.HTML(layout=L(width="100%"))
        self.message.add_class("wb-message")
        self.announce = w.HTML()
        self.announce.add_class("wb-sr")
        self.announce.add_class("wb-announce")
        self.figure_slot = FigureSlot(width=self.width, placeholder="Drawing the timeline…",
                                      filename="timeline")
        self.figure_box = self.figure_slot.widget
        self.figure_text = w.HTML()
        self.figure_text.add_class("wb-figure-text")
        self.prev_button = button(w.Button(description="◀ Previous",
                                           tooltip="previous event (key: ←)"), css="wb-prev")
        self.next_button = button(w.Button(description="Next ▶", tooltip="next event (key: →)",
                                           button_style="primary"), css="wb-next")
        self.play_button = button(w.ToggleButton(description="▶ Play", tooltip="step every "
                                                 f"{self.play_interval:g} s"), css="wb-play")
        self.flag_button = button(w.Button(description="Next flag ⚑",
                                           tooltip="next flag (key: f)"), css="wb-next-flag")
        self.kpe_button = button(w.Button(description="Next key practice episode ★",
                                          tooltip="next key practice episode (key: k)"),
                                 css="wb-next-kpe")
        self.prev_button.on_click(lambda _: self.previous())
        self.next_button.on_click(lambda _: self.next())
        self.flag_button.on_click(lambda _: self.next_flag())
        self.kpe_button.on_click(lambda _: self.next_kpe())
        self.play_button.observe(self._on_play, "value")
        self.slider = fill(w.IntSlider(min=1, max=1, value=1, description="Event",
                                       continuous_update=False), basis="220px",
                           css="wb-slider")
        self.slider.observe(self._on_slider, "value")
        keys = w.HTML("<span class='wb-keys'>Keys: <kbd>→</kbd> next, <kbd>←</kbd> previous, "
                      "<kbd>f</kbd> next flag, <kbd>k</kbd> next key practice episode</span>")
        keys.add_class("wb-wide-only")
        controls = row([self.prev_button, self.next_button, self.play_button,
                        self.flag_button, self.kpe_button, self.slider], css="wb-controls")
        self.event_panel = w.HTML(layout=L(width="100%"))
        self.event_panel.add_class("wb-event")
        self.knowledge_panel = w.HTML(layout=L(width="100%"))
        self.knowledge_panel.add_class("wb-knowledge")
        self.flag_list = fill(w.Select(options=[], rows=7), css="wb-flags")
        self.flag_list.observe(self._on_flag, "value")
        self.evidence_list = fill(w.Select(options=[], rows=4), css="wb-evidence")
        self.evidence_list.observe(self._on_evidence, "value")
        self.flag_detail = w.HTML(layout=L(width="100%"))
        self.flag_detail.add_class("wb-flag-detail")
        self.flags_heading = w.HTML("<h3 id='wb-flags-heading'>Flags (choose one to go to its "
                                    "evidence)</h3>")
        flags = panel([self.flags_heading, self.flag_list,
                       w.HTML("<h3 id='wb-evidence-heading'>Evidence</h3>"),
                       self.evidence_list, self.flag_detail], basis="320px", css="wb-flag-panel")
        self.events_table = EventsTable(on_choose=self.go_to)
        events = panel([w.HTML("<h3>All events</h3>"), self.events_table.widget],
                       basis="380px", css="wb-events-panel")
        # the step view: controls first, then the timeline beside the event it stands at
        step = panels([panel([self.figure_box, self.figure_text], basis="620px",
                             css="wb-timeline-panel"),
                       panel([self.event_panel], basis="340px", css="wb-event-panel")],
                      basis=["620px", "340px"], css="wb-step")
        details = panels([panel([self.knowledge_panel], basis="420px"), flags, events],
                         basis=["420px", "320px", "380px"], css="wb-details")
        # reflection
        self.name_input = fill(w.Text(description="You", placeholder="name or initials"),
                               basis="200px", css="wb-name")
        self.agency_input = fill(w.Dropdown(options=["(not an agency)"], description="Agency"),
                                 basis="240px", css="wb-agency")
        self.discipline_input = fill(w.Combobox(options=list(DISCIPLINES),
                                                description="Discipline",
                                                placeholder="e.g. social work",
                                                ensure_option=False), css="wb-discipline")
        self.target = fill(w.Dropdown(options=[], description="About"), css="wb-target")
        self.tag_buttons = {t: button(w.ToggleButton(description=t),
                                      css="wb-tag-" + t.replace(" ", "-")) for t in TAGS}
        self.note_input = fill(w.Textarea(placeholder="Your reflection on this event or "
                                          "hand-off", rows=4), css="wb-note-text")
        self.save_button = button(w.Button(description="Save note", button_style="success"),
                                  css="wb-save")
        self.save_button.on_click(lambda _: self.save_note())
        self.note_status = w.HTML()
        self.note_status.add_class("wb-note-status")
        form = panel([w.HTML("<h3>Reflection</h3>"),
                      row([self.name_input, self.agency_input]), self.discipline_input,
                      self.target, row(list(self.tag_buttons.values()), css="wb-tags"),
                      self.note_input, row([self.save_button, self.note_status])],
                     basis="420px", css="wb-form")
        self.notes_panel = w.HTML(layout=L(width="100%", max_height="420px", overflow="auto"))
        self.notes_panel.add_class("wb-notes")
        reflection = panels([form, panel([w.HTML("<h3>Everyone's notes</h3>"),
                                          self.notes_panel], basis="420px")],
                            basis=["420px", "420px"], css="wb-reflection")
        header = row([w.VBox([self.title, self.protocol_line], layout=L(flex="1 1 300px",
                                                                        min_width="0")),
                      self.case_picker], justify="space-between", css="wb-header")
        self.page = PageHelper(storage_key="workbench-review", title="Case review",
                               aria=REVIEW_ARIA, shortcuts=REVIEW_KEYS)
        self.page.on_page(self._on_page)
        self.widget = w.VBox([w.HTML(STYLE), self.page, header, self.status, controls, keys,
                              self.message, self.announce, step, details, reflection],
                             layout=L(width="100%"))
        self.widget.add_class("wb-app")
        self.widget.add_class("wb-review")

    @property
    def figure(self) -> go.Figure | go.FigureWidget | None:
        """The timeline (a ``FigureWidget`` once a page shows it)."""
        return self.figure_slot.figure

    def _on_page(self, query: dict, stored: dict) -> None:
        """A page opened: take up the name and the place it had (its URL first, then
        what the browser kept), so a reload loses neither."""
        for widget, key in ((self.name_input, "name"), (self.discipline_input, "discipline")):
            if not widget.value and isinstance(stored.get(key), str):
                widget.value = stored[key]
        if stored.get("agency") in self.agency_input.options:
            self.agency_input.value = stored["agency"]
        case = query.get("case") or stored.get("case")
        event = query.get("event") or (stored.get("event") if case == stored.get("case")
                                       else None)
        if case and case in self.library and (self.current is None or self.current.key != case):
            self.select_case(case)
        if event and self.current is not None and (self.current.order["id"] == event).any():
            self.go_to(str(event))

    # -- opening a case ------------------------------------------------------------------
    def _on_case(self, change) -> None:
        if change["new"] is not None and not self._quiet:
            self.select_case(change["new"])

    def select_case(self, key: str) -> None:
        """Open the case under ``key``: its timeline, flags, review session and notes."""
        self.pause()
        try:
            case = self.library.load(key)
            analysis = self.library.analysis(key)
        except CaseValidationError as exc:
            self.status.value = ('<span class="wb-problem">This case could not be read: '
                                 + "; ".join(esc(p) for p in exc.problems[:5]) + "</span>")
            return
        from workbench.timeline import timeline_figure

        flags, trouble = self._flags(analysis)
        rc = review_case(key, case, analysis, flags)
        fig = timeline_figure(analysis, flags=flags, at=rc.end, width=self.width)
        names = [t.name for t in fig.data]
        self._cursor_traces = (names.index(_CURSOR) if _CURSOR in names else None,
                               names.index(_AFTER) if _AFTER in names else None)
        self.current = rc
        start, background = stepping_start(rc)
        # the cursor starts on the first event in the figure itself: a page that connects
        # later (a preheated kernel) receives the widget's first state, not later edits
        self._move_cursor(fig, start)
        legend_html = key_outside(fig)
        self.figure_slot.show(fig)
        self.figure_text.value = legend_html + _words_html(rc, flags)
        self.session = self._review_session(case)
        name = case.title or case.id
        self.title.value = f"<h2>Case review: {esc(name)}</h2>"
        self.page.title = f"Case review: {name}"
        protocol = analysis.protocol
        self.protocol_line.value = (
            "<span class='wb-muted'>Flags judged against the protocol "
            f"<b>{esc(protocol.title or protocol.name)}</b> ({esc(protocol.name)})</span>")
        self.events_table.set_events(analysis.events)
        n = len(rc.order)
        self.status.value = (f"{n} records from {len(case.agencies)} agencies · "
                             f"{len(flags)} flag(s) · notes are shared with everyone "
                             "reviewing this case" + trouble)
        self.flag_list.options = [
            (f"{local_time(r.at, fmt='%d/%m/%Y')} [{r.severity}] {r.title}", i)
            for i, r in enumerate(flags.itertuples(index=False))]
        self.flag_list.value = None
        self.evidence_list.options = []
        self.flag_detail.value = "" if len(flags) else '<span class="wb-muted">No flags.</span>'
        agencies = [a.name for a in case.agencies]
        keep = self.agency_input.value
        self.agency_input.options = [*agencies, "(not an agency)"]
        self.agency_input.value = keep if keep in self.agency_input.options else \
            "(not an agency)"
        self._quiet = True
        try:
            self.slider.max = max(n, 1)
            self.case_picker.value = key
        finally:
            self._quiet = False
        self._notes_key = None
        self.refresh()
        self.go_to(start)
        self.message.value = background

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
        def first() -> Session | None:
            return next((s for s in self.store.sessions(case_id=case.id)
                         if s.kind == "review"), None)
        if first() is None:
            self.store.open_session(case.id, kind="review", title=case.title or case.id,
                                    actor="review dashboard")
        return first()

    # -- stepping ------------------------------------------------------------------------
    def go_to(self, where: int | str) -> None:
        """Stand at an event (its position in the order, or its id)."""
        rc = self.current
        if rc is None or rc.order.empty:
            return
        i = rc.index_of(where) if isinstance(where, str) else int(where)
        i = max(0, min(i, len(rc.order) - 1))
        self.position = i
        self.message.value = ""
        here = rc.order.iloc[i]
        at = here["at"]
        if pd.notna(at):
            self.figure_slot.edit(lambda fig, i=i: self._move_cursor(fig, i))
            known = knowledge_at(rc.analysis, at, matrix=rc.matrix)
        else:
            known = None
        self.event_panel.value = self._event_html(rc, i)
        self.knowledge_panel.value = self._knowledge_html(rc, known, here["moment"],
                                                          here["agency"])
        self._quiet = True
        try:
            self.slider.value = i + 1
        finally:
            self._quiet = False
        last = i == len(rc.order) - 1
        self.next_button.description = "Last event ■" if last else "Next ▶"
        self.next_button.tooltip = ("this is the last event" if last
                                    else "next event (key: →)")
        self.announce.value = (f"Event {i + 1} of {len(rc.order)}: "
                               f"{esc(rc.labels.get(here['id'], here['id']))}")
        self.events_table.highlight(here["id"])
        self._update_targets(rc, here["id"])
        self.page.remember(query={"case": rc.key, "event": here["id"]},
                           stored={"case": rc.key, "event": here["id"]})

    def next(self) -> None:
        """The next event (on the last one, says so)."""
        rc = self.current
        if rc is not None and self.position >= len(rc.order) - 1:
            self.message.value = (f"This is the last event ({len(rc.order)} of "
                                  f"{len(rc.order)}): nothing was recorded after it.")
            return
        self.go_to(self.position + 1)

    def previous(self) -> None:
        self.go_to(self.position - 1)

    def _jump(self, ids: set[str] | frozenset[str], what: str) -> bool:
        rc = self.current
        if rc is None:
            return False
        later = rc.order.index[(rc.order.index > self.position) & rc.order["id"].isin(ids)]
        if len(later) == 0:
            self.message.value = f"No {what} after this event."
            return False
        self.go_to(int(later[0]))
        return True

    def next_flag(self) -> None:
        """Go to the next event that a flag starts from, and show that flag."""
        rc = self.current
        if rc is None or rc.flags.empty:
            self.message.value = "This case has no flags."
            return
        anchors = {ids[0] for ids in rc.flags["event_ids"] if len(ids)}
        if self._jump(anchors, "flag"):
            here = rc.order.iloc[self.position]["id"]
            rows = [i for i in rc.flags_of.get(here, []) if rc.flags["event_ids"].iat[i][0] == here]
            if rows:
                self._quiet = True
                try:
                    self.flag_list.value = rows[0]
                finally:
                    self._quiet = False
                self._show_flag(rows[0])

    def key_practice_episodes(self) -> frozenset[str]:
        """Events that are key practice episodes: tagged so in a note, or evidence of a
        high-severity flag."""
        rc = self.current
        return self._kpe_notes | (rc.high_evidence if rc else frozenset())

    def next_kpe(self) -> None:
        self._jump(self.key_practice_episodes(), "key practice episode")

    def _on_slider(self, change) -> None:
        if not self._quiet:
            self.go_to(change["new"] - 1)

    # -- playing -------------------------------------------------------------------------
    def _on_play(self, change) -> None:
        if change["new"]:
            self.play_button.description = "⏸ Pause"
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = asyncio.get_event_loop()
            self._play_task = loop.create_task(self._play())
        else:
            self.play_button.description = "▶ Play"
            task, self._play_task = self._play_task, None
            if task is not None and task is not _current_task():
                task.cancel()

    async def _play(self) -> None:
        try:
            while self.current is not None and self.position < len(self.current.order) - 1:
                await asyncio.sleep(self.play_interval)
                self.next()
        finally:
            if self._play_task is _current_task():
                self.play_button.value = False

    def pause(self) -> None:
        self.play_button.value = False

    # -- drawing -------------------------------------------------------------------------
    def _move_cursor(self, fig: go.Figure | None, i: int) -> None:
        """Move the timeline's own cursor (its "moment shown" traces) to event ``i``:
        a few values restyled, nothing rebuilt."""
        line, after = self._cursor_traces
        at = self.current.order["at"].iat[i] if self.current is not None else None
        if fig is None or line is None or at is None or pd.isna(at):
            return
        t = local_iso(pd.Series([at]))[0]
        stamp = self.current.order["moment"].iat[i]
        n = len(self.current.order)
        with fig.batch_update():
            fig.data[line].x = [t, t]
            fig.data[line].text = [f"event {i + 1} of {n}: {stamp}", ""]
            if after is not None:
                x = list(fig.data[after].x)
                x[0] = x[3] = x[4] = t
                fig.data[after].x = x
            fig.layout.title.subtitle.text = (
                f"Stepping through the case: event {i + 1} of {n}, {stamp} (UK time); "
                "the shaded part is still to come")

    def _event_html(self, rc: ReviewCase, i: int) -> str:
        ev = rc.analysis.events
        row = ev.loc[ev["id"] == rc.order.iloc[i]["id"]].iloc[0]
        extra: list[tuple[str, str]] = []
        h = rc.analysis.handoffs
        mine = h.loc[h["event_id"] == row["id"]]
        if len(mine):
            extra.append(("Hand-offs", Safe("<br>".join(
                f"{esc(r.sender)} → {esc(r.recipient)}: <b>{esc(r.status)}</b>"
                + (f" (answered after {r.working_days:.0f} working day(s))"
                   if pd.notna(r.working_days) else "")
                for r in mine.itertuples()))))
        flagged = rc.flags_of.get(row["id"], [])
        if flagged:
            extra.append(("Flags", Safe("<br>".join(
                f'<span class="wb-chip wb-{esc(rc.flags["severity"].iat[j])}">'
                f'{esc(rc.flags["severity"].iat[j])}</span>{esc(rc.flags["title"].iat[j])}'
                for j in flagged))))
        notes = [n for n in self._notes if n.event_id == row["id"]]
        note_html = "".join(self._note_html(n, here=True) for n in notes)
        return (event_card(row, heading=f"Event {i + 1} of {len(rc.order)}", extra=extra)
                + (f"<h3>Notes on this event ({len(notes)})</h3>{note_html}" if notes else ""))

    def _knowledge_html(self, rc: ReviewCase, known: pd.DataFrame | None, at,
                        agency: str) -> str:
        if known is None:
            return "<h3>What each agency knew</h3><p class='wb-muted'>No dated records.</p>"
        rows, classes = [], []
        for r in known.itertuples(index=False):
            share = r.known / r.system if r.system else 0.0
            bar = Safe(f'<span class="wb-bar" style="width:{60 * share:.0f}px"></span>'
                       f'<span class="wb-bar wb-gap" style="width:{60 * (1 - share):.0f}px">'
                       f"</span> {r.known} of {r.system}")
            lacked = [rc.labels.get(i, i) for i in r.lacked_significant]
            shown = "; ".join(esc(x) for x in lacked[-3:])
            more = f" <span class='wb-muted'>and {len(lacked) - 3} earlier</span>" \
                if len(lacked) > 3 else ""
            rows.append([r.agency, bar, Safe((shown + more) or "–")])
            classes.append("wb-current" if r.agency == agency else "")
        return (f"<h3>What each agency knew at {esc(at)}</h3>"
                + table(["Agency", "Records it knew", "Key facts held elsewhere it lacked"],
                        rows, row_classes=classes)
                + f"<p class='wb-muted'>The agencies together held {known['system'].max()} "
                  "records by this moment (own records, hand-offs and meetings).</p>")

    def _note_html(self, n: Note, *, here: bool = False) -> str:
        rc = self.current
        about = ""
        if n.handoff_id:
            about = esc(_handoff_words(rc, n.handoff_id))
        elif n.event_id and rc is not None:
            about = esc(rc.labels.get(n.event_id, n.event_id))
        css = "wb-note wb-here" if here else "wb-note"
        return (f'<div class="{css}"><b>{esc(n.author)}</b> · {esc(n.agency)} · '
                f"{esc(n.discipline)} <span class='wb-muted'>"
                f"{esc(local_time(pd.Timestamp(n.created_at, unit='s'), fmt='%H:%M'))}"
                f"{' · on ' + about if about else ''}</span><br>{_tags_html(n.tags)}"
                f"{text_block(n.text)}</div>")

    def _update_targets(self, rc: ReviewCase, event_id: str) -> None:
        h = rc.analysis.handoffs
        mine = h.loc[h["event_id"] == event_id]
        options = [(f"this event: {rc.labels.get(event_id, event_id)}", ("event", event_id))]
        options += [(f"hand-off {r.sender} → {r.recipient} ({r.status})",
                     ("handoff", r.handoff_id)) for r in mine.itertuples()]
        self.target.options = options
        self.target.value = options[0][1]

    # -- flags ---------------------------------------------------------------------------
    def _on_flag(self, change) -> None:
        if change["new"] is not None and not self._quiet:
            self._show_flag(change["new"])
            ids = self.current.flags["event_ids"].iat[change["new"]]
            if len(ids):
                self.go_to(ids[0])

    def _show_flag(self, i: int) -> None:
        rc = self.current
        f = rc.flags.iloc[i]
        self._quiet = True
        try:
            self.evidence_list.options = [
                (f"{rc.labels.get(e, e)} · {s}", e)
                for e, s in zip(f["event_ids"], f["sources"], strict=True)]
            self.evidence_list.value = f["event_ids"][0] if len(f["event_ids"]) else None
        finally:
            self._quiet = False
        self.flag_detail.value = (
            f'<div class="wb-card"><span class="wb-chip wb-{esc(f["severity"])}">'
            f'{esc(f["severity"])}</span><b>{esc(f["title"])}</b><br>'
            f"{text_block(f['explanation'])}"
            + (f"<br><span class='wb-muted'>{text_block(f['guidance'])}</span>"
               if f["guidance"] else "") + "</div>")

    def _on_evidence(self, change) -> None:
        if change["new"] is not None and not self._quiet:
            self.go_to(change["new"])

    # -- notes ---------------------------------------------------------------------------
    def _participant_for(self, name: str, agency: str, discipline: str) -> Participant:
        p = self._participant
        if p is None or p.session_id != self.session.id or \
                (p.name, p.agency, p.discipline) != (name, agency, discipline):
            self._participant = self.store.join(self.session.id, name=name, agency=agency,
                                                discipline=discipline)
        return self._participant

    def save_note(self) -> Note | None:
        """Save the reflection panel's note on the chosen event or hand-off."""
        if self.current is None or self.session is None:
            return None
        name = self.name_input.value.strip()
        text = self.note_input.value.strip()
        if not name:
            self.note_status.value = '<span class="wb-problem">Give your name or initials.</span>'
            return None
        if not text:
            self.note_status.value = '<span class="wb-problem">Write a note first.</span>'
            return None
        agency = self.agency_input.value or ""
        discipline = self.discipline_input.value.strip() or "not given"
        what, target = self.target.value
        event_id = target if what == "event" else self.current.order.iloc[self.position]["id"]
        try:
            participant = self._participant_for(name, agency, discipline)
            note = self.store.add_note(
                self.session.id, participant=participant, text=text, event_id=event_id,
                handoff_id=target if what == "handoff" else None,
                tags=[t for t, b in self.tag_buttons.items() if b.value], note_id=self._draft_id)
        except StoreError as exc:  # keep the typed text and the draft id: a retry saves once
            self.note_status.value = ('<span class="wb-problem">Not saved: ' + esc(str(exc))
                                      + "</span>")
            return None
        self._draft_id = str(uuid.uuid4())
        self.note_input.value = ""
        for tag in self.tag_buttons.values():
            tag.value = False
        self.note_status.value = "Saved: everyone reviewing this case sees it."
        self.page.remember(stored={"name": name, "agency": agency,
                                   "discipline": self.discipline_input.value.strip()})
        self.refresh()
        return note

    def refresh(self) -> None:
        """Show the notes in the store (other participants' too); cheap when unchanged."""
        if self.session is None:
            return
        notes = self.store.notes(self.session.id)
        key = tuple(n.id for n in notes)
        if key == self._notes_key:
            return
        self._notes, self._notes_key = notes, key
        self._kpe_notes = frozenset(n.event_id for n in notes if KPE_TAG in n.tags and n.event_id)
        here = self.current.order.iloc[self.position]["id"] if self.current is not None and \
            not self.current.order.empty else None
        self.notes_panel.value = "".join(self._note_html(n, here=n.event_id == here)
                                         for n in reversed(notes)) or \
            "<p class='wb-muted'>No notes yet.</p>"
        if self.current is not None and not self.current.order.empty:
            self.event_panel.value = self._event_html(self.current, self.position)

    def start_polling(self, interval: float | None = None):
        """Follow the store from the kernel's event loop (about twice a second)."""
        from workbench.apps.poller import StorePoller

        if self._poller is None:
            self._poller = StorePoller(self.store, **({"interval": interval} if interval else {}))
            self._poller.subscribe(self.refresh)
        return self._poller.start()


def _current_task() -> asyncio.Task | None:
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None
