"""The review dashboard's parts, each with one job: the header, the step controls,
the timeline view with its cursor, and the flags panel.

Each part builds its own widgets (``.widget``) and calls back into the app through
the callables it is given; none reads the store or runs an analysis.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from workbench.apps._figure import FigureSlot
from workbench.apps._html import local_time
from workbench.apps._key import fit_timeline, key_outside
from workbench.apps._layout import button, fill, panel, row
from workbench.apps.review_case import ReviewCase
from workbench.apps.review_html import flag_detail_html
from workbench.views.style import local_iso

__all__ = ["FlagsPanel", "ReviewHeader", "StepControls", "TimelineView", "status_html"]

_CURSOR, _AFTER = "The moment shown", "After the moment shown"


class ReviewHeader:
    """Title, protocol line, case picker, and the status, message and announcement lines."""

    def __init__(self, options: list[tuple[str, str]], *, on_case: Callable[[str], None]):
        L = w.Layout
        self.on_case = on_case
        self._quiet = False
        self.title = w.HTML("<h2>Case review</h2>")
        self.title.add_class("wb-title")
        self.protocol_line = w.HTML()
        self.protocol_line.add_class("wb-protocol")
        self.case_picker = fill(w.Dropdown(options=options, value=None, description="Case"),
                                basis="300px", max_width="560px", css="wb-case")
        self.case_picker.observe(self._on_case, "value")
        self.status = w.HTML(layout=L(width="100%"))
        self.status.add_class("wb-status")
        self.message = w.HTML(layout=L(width="100%"))
        self.message.add_class("wb-message")
        self.announce = w.HTML()
        self.announce.add_class("wb-sr")
        self.announce.add_class("wb-announce")
        # the title beside the case picker, the protocol on a line of its own below them
        # (the whole width: one line on a laptop)
        self.title.layout = L(flex="1 1 300px", min_width="0")
        self.widget = w.VBox([row([self.title, self.case_picker], justify="space-between"),
                              self.protocol_line], layout=L(width="100%"))
        self.widget.add_class("wb-header")

    def show_case(self, key: str) -> None:
        """Mark ``key`` as the case shown (without opening it again)."""
        self._quiet = True
        try:
            self.case_picker.value = key
        finally:
            self._quiet = False

    def set_options(self, options: list[tuple[str, str]]) -> None:
        """New cases on offer; the one shown stays chosen."""
        keep = self.case_picker.value
        self._quiet = True
        try:
            self.case_picker.options = options
            self.case_picker.value = keep if keep in {k for _, k in options} else None
        finally:
            self._quiet = False

    def _on_case(self, change) -> None:
        if change["new"] is not None and not self._quiet:
            self.on_case(change["new"])


class StepControls:
    """Previous, Next, Play, next flag, next key practice episode and the slider.

    ``on_step(action)`` is called with ``"next"``, ``"previous"``, ``"flag"`` or
    ``"kpe"``; ``on_slider(i)`` with a 0-based position. Playing calls ``"next"`` every
    ``interval`` seconds until ``can_play()`` is False or it is paused.
    """

    def __init__(self, *, interval: float, on_step: Callable[[str], None],
                 on_slider: Callable[[int], None], can_play: Callable[[], bool]):
        self.interval, self.on_step, self.on_slider, self.can_play = \
            interval, on_step, on_slider, can_play
        self._quiet = False
        self._task: asyncio.Task | None = None
        self.prev_button = button(w.Button(description="◀ Previous",
                                           tooltip="previous event (key: ←)"), css="wb-prev")
        self.next_button = button(w.Button(description="Next ▶", tooltip="next event (key: →)",
                                           button_style="primary"), css="wb-next")
        self.play_button = button(w.ToggleButton(description="▶ Play", tooltip="step every "
                                                 f"{interval:g} s"), css="wb-play")
        self.flag_button = button(w.Button(description="Next flag ⚑",
                                           tooltip="next flag (key: f)"), css="wb-next-flag")
        self.kpe_button = button(w.Button(description="Next key practice episode ★",
                                          tooltip="next key practice episode (key: k)"),
                                 css="wb-next-kpe")
        for b, action in ((self.prev_button, "previous"), (self.next_button, "next"),
                          (self.flag_button, "flag"), (self.kpe_button, "kpe")):
            b.on_click(lambda _b, a=action: self.on_step(a))
        self.play_button.observe(self._on_play, "value")
        self.slider = fill(w.IntSlider(min=1, max=1, value=1, description="Event",
                                       continuous_update=False), basis="220px",
                           css="wb-slider")
        self.slider.observe(self._on_slider, "value")
        self.keys = w.HTML("<span class='wb-keys'>Keys: <kbd>→</kbd> next, <kbd>←</kbd> "
                           "previous, <kbd>f</kbd> next flag, <kbd>k</kbd> next key practice "
                           "episode</span>")
        self.keys.add_class("wb-wide-only")
        self.widget = row([self.prev_button, self.next_button, self.play_button,
                           self.flag_button, self.kpe_button, self.slider], css="wb-controls")

    def show(self, position: int, count: int) -> None:
        """Stand the slider and the Next button at ``position`` of ``count``."""
        self._quiet = True
        try:
            self.slider.max = max(count, 1)
            self.slider.value = position + 1
        finally:
            self._quiet = False
        last = position >= count - 1
        self.next_button.description = "Last event ■" if last else "Next ▶"
        self.next_button.tooltip = "this is the last event" if last else "next event (key: →)"

    def _on_slider(self, change) -> None:
        if not self._quiet:
            self.on_slider(change["new"] - 1)

    @property
    def playing(self) -> bool:
        return bool(self.play_button.value)

    def pause(self) -> None:
        self.play_button.value = False

    def _on_play(self, change) -> None:
        if change["new"]:
            self.play_button.description = "⏸ Pause"
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = asyncio.get_event_loop()
            self._task = loop.create_task(self._play())
        else:
            self.play_button.description = "▶ Play"
            task, self._task = self._task, None
            if task is not None and task is not _current_task():
                task.cancel()

    async def _play(self) -> None:
        try:
            while self.can_play():
                await asyncio.sleep(self.interval)
                self.on_step("next")
        finally:
            if self._task is _current_task():
                self.play_button.value = False


def _current_task() -> asyncio.Task | None:
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None


class TimelineView:
    """The timeline figure (one, ever) with its cursor, its key and its words."""

    def __init__(self, *, width: int):
        self.slot = FigureSlot(width=width, placeholder="Drawing the timeline…",
                               filename="timeline", prepare=fit_timeline)
        self.text = w.HTML()
        self.text.add_class("wb-figure-text")
        self._traces: tuple[int | None, int | None] = (None, None)
        self._rc: ReviewCase | None = None
        hint = w.HTML("<span class='wb-muted'>Swipe the timeline sideways to see all of "
                      "it.</span>")
        hint.add_class("wb-narrow-only")
        self.widget = panel([hint, self.slot.widget, self.text], basis="620px",
                            css="wb-timeline-panel")

    @property
    def figure(self) -> go.Figure | go.FigureWidget | None:
        return self.slot.figure

    @property
    def cursor_x(self) -> str | None:
        """Where the cursor stands on the time axis (UK time, ISO), or None."""
        line = self._traces[0]
        fig = self.figure
        return None if fig is None or line is None else fig.data[line].x[0]

    def show(self, fig: go.Figure, rc: ReviewCase, start: int, words: str) -> None:
        """Show a case's timeline with its cursor at ``start`` (in the figure itself: a
        page that connects later receives the widget's first state, not later edits)."""
        names = [t.name for t in fig.data]
        self._traces = (names.index(_CURSOR) if _CURSOR in names else None,
                        names.index(_AFTER) if _AFTER in names else None)
        self._rc = rc
        self._move(fig, start)
        legend = key_outside(fig)
        self.slot.show(fig)
        self.text.value = legend + words

    def move(self, i: int) -> None:
        """Move the cursor to event ``i``: a few values restyled, nothing rebuilt."""
        self.slot.edit(lambda fig: self._move(fig, i))

    def _move(self, fig: go.Figure | None, i: int) -> None:
        line, after = self._traces
        rc = self._rc
        if fig is None or line is None or rc is None:
            return
        at = rc.order["at"].iat[i]
        if pd.isna(at):
            return
        t = local_iso(pd.Series([at]))[0]
        stamp = rc.order["moment"].iat[i]
        n = len(rc.order)
        ends = fig.layout.xaxis.range or local_iso(rc.order["at"].dropna().agg(["min", "max"]))
        lo, hi = pd.Timestamp(ends[0]), pd.Timestamp(ends[1])
        late = pd.Timestamp(t) > lo + (hi - lo) / 2
        with fig.batch_update():
            fig.data[line].x = [t, t]
            # the label on the side with room: left of the line late in the case, else right
            fig.data[line].textposition = "middle left" if late else "middle right"
            label = f"event {i + 1} of {n}: {stamp}"
            fig.data[line].text = [f"{label} " if late else f" {label}", ""]
            if after is not None:
                x = list(fig.data[after].x)
                x[0] = x[3] = x[4] = t
                fig.data[after].x = x
            fig.layout.title.subtitle.text = (
                f"Stepping through the case: event {i + 1} of {n}, {stamp} (UK time); "
                "the shaded part is still to come")


class FlagsPanel:
    """The case's flags, the chosen flag's evidence and its explanation.

    ``on_go(event_id)`` is called when someone chooses a flag (its first evidence) or
    a piece of evidence.
    """

    def __init__(self, *, on_go: Callable[[str], None]):
        self.on_go = on_go
        self._quiet = False
        self._rc: ReviewCase | None = None
        # radio buttons, not a list box: a long flag or source wraps instead of being cut
        self.flag_list = fill(w.RadioButtons(options=[], value=None), css="wb-flags")
        self.flag_list.add_class("wb-choices")
        self.flag_list.observe(self._on_flag, "value")
        self.evidence_list = fill(w.RadioButtons(options=[], value=None), css="wb-evidence")
        self.evidence_list.add_class("wb-choices")
        self.evidence_list.observe(self._on_evidence, "value")
        self.flag_detail = w.HTML(layout=w.Layout(width="100%"))
        self.flag_detail.add_class("wb-flag-detail")
        self.heading = w.HTML("<h3 id='wb-flags-heading'>Flags (choose one to go to its "
                              "evidence)</h3>")
        self.widget = panel([self.heading, self.flag_list,
                             w.HTML("<h3 id='wb-evidence-heading'>Evidence</h3>"),
                             self.evidence_list, self.flag_detail], basis="320px",
                            css="wb-flag-panel")

    def set_case(self, rc: ReviewCase) -> None:
        self._rc = rc
        flags = rc.flags
        self._quiet = True
        try:
            self.flag_list.options = [
                (f"{local_time(r.at, fmt='%d/%m/%Y')} [{r.severity}] {r.title}", i)
                for i, r in enumerate(flags.itertuples(index=False))]
            self.flag_list.value = None
            self.evidence_list.options = []
        finally:
            self._quiet = False
        self.flag_detail.value = "" if len(flags) else '<span class="wb-muted">No flags.</span>'

    def anchors(self) -> set[str]:
        """The events flags start from."""
        rc = self._rc
        return set() if rc is None else {ids[0] for ids in rc.flags["event_ids"] if len(ids)}

    def choose_at(self, event_id: str) -> None:
        """Show the flag that starts at this event (if one does), without moving."""
        rc = self._rc
        if rc is None:
            return
        rows = [i for i in rc.flags_of.get(event_id, [])
                if rc.flags["event_ids"].iat[i][0] == event_id]
        if rows:
            self._quiet = True
            try:
                self.flag_list.value = rows[0]
            finally:
                self._quiet = False
            self.show(rows[0])

    def show(self, i: int) -> None:
        rc = self._rc
        if rc is None:
            return
        f = rc.flags.iloc[i]
        self._quiet = True
        try:
            self.evidence_list.options = [
                (f"{rc.labels.get(e, e)} · {s}", e)
                for e, s in zip(f["event_ids"], f["sources"], strict=True)]
            self.evidence_list.value = f["event_ids"][0] if len(f["event_ids"]) else None
        finally:
            self._quiet = False
        self.flag_detail.value = flag_detail_html(f)

    def _on_flag(self, change) -> None:
        if change["new"] is not None and not self._quiet and self._rc is not None:
            self.show(change["new"])
            ids = self._rc.flags["event_ids"].iat[change["new"]]
            if len(ids):
                self.on_go(ids[0])

    def _on_evidence(self, change) -> None:
        if change["new"] is not None and not self._quiet:
            self.on_go(change["new"])


def status_html(rc: ReviewCase, trouble: str = "") -> str:
    """The case summary line under the header."""
    return (f"{len(rc.order)} records from {len(rc.case.agencies)} agencies · "
            f"{len(rc.flags)} flag(s) · notes are shared with everyone reviewing this case"
            + trouble)

