"""What a page tells a figure slot (:mod:`workbench.apps._figure`) about the figure in it.

:class:`PageSignal` is a tiny widget that stays in the slot: it says when the page has
drawn it, how wide the slot is and how much of the window lies below its top, and again
whenever that changes by :data:`RESIZE_STEP_PX` or more: the window resized (a laptop's
page moved to a projector, a phone turned), or the slot itself shown or resized by the
page around it (a figure drawn hidden in a tab or a folded panel, then shown).

:class:`UserView` keeps the axes' ranges someone set in the page (zoomed, panned,
autoscaled), so that a figure fitted again to a resized page keeps the part of it they
were looking at.

>>> view = UserView()
>>> view.record({"xaxis.range[0]": "2025-02-01", "xaxis.range[1]": "2025-03-01",
...              "autosize": True})
>>> view.record({"yaxis.autorange": True})
>>> view.axes
{'xaxis': {'range': ['2025-02-01', '2025-03-01'], 'autorange': False}, 'yaxis': {'autorange': True}}
>>> import plotly.graph_objects as go
>>> fig = go.Figure(layout={"xaxis": {"range": ["2019-01-01", "2025-12-31"]},
...                         "yaxis": {"range": [9, -1]}})
>>> view.apply(fig)
>>> fig.layout.xaxis.range, fig.layout.yaxis.autorange, fig.layout.yaxis.range
(('2025-02-01', '2025-03-01'), True, None)
"""

from __future__ import annotations

import re

import anywidget
import plotly.graph_objects as go

__all__ = ["RESIZE_SETTLE_MS", "RESIZE_STEP_PX", "PageSignal", "UserView"]

#: a window's size is taken once no resize event has come for this many milliseconds
RESIZE_SETTLE_MS = 250
#: pixels the slot's width, the window's width or the room below the slot must change by
#: for the figure to be fitted again
RESIZE_STEP_PX = 16


class PageSignal(anywidget.AnyWidget):
    """Tells the kernel that a page has drawn it (once per page), how wide its box (the
    slot) is, and how far below the box's top the window ends (``room``, counted as if the
    page were scrolled to its top; 0 for a box drawn hidden); and again (``resized``)
    whenever the window or the box has settled at a size that changes these by
    :data:`RESIZE_STEP_PX` or more. Each ``fitted`` message back (the kernel has dealt
    with a resize) is counted on the box, as ``data-wb-fitted``, for whatever waits for
    it (a screenshot, a test)."""

    # a view is rendered before it is put in the page: its box is measured once it is
    # there (tried every 50 ms for up to 2 s), else the figure was never fitted to it. A
    # change is measured RESIZE_SETTLE_MS after the last resize event (a window dragged to
    # a new size sends dozens); the box is watched too (a ResizeObserver: shown from a
    # hidden tab, or narrowed by the page), a box hidden again (0 px) is not measured. The
    # page may scroll in a box of its own (Voilà's), not the window: every scrolled
    # ancestor's offset is added back
    _esm = """export default { render({ model, el }) {
      let tries = 0, last = null, timer = null, watched = null;
      const measure = () => {
        const box = el.parentElement, width = box ? box.clientWidth : 0;
        let scrolled = window.scrollY;
        for (let a = box && box.parentElement; a; a = a.parentElement) scrolled += a.scrollTop;
        const top = box ? box.getBoundingClientRect().top + scrolled : 0;
        return { width, screen: window.innerWidth,
                 room: width ? Math.round(window.innerHeight - top) : 0 }; };
      const settled = () => {
        timer = null;
        const now = measure();
        if (!last || !now.width) return;
        if (["width", "screen", "room"].every(k => Math.abs(now[k] - last[k]) < STEP)) return;
        last = now; model.send({ event: "resized", ...now }); };
      const changed = () => { clearTimeout(timer); timer = setTimeout(settled, SETTLE); };
      const watch = () => {
        if (watched || !el.parentElement || typeof ResizeObserver === "undefined") return;
        watched = new ResizeObserver(changed); watched.observe(el.parentElement); };
      const send = () => {
        const now = measure();
        watch();
        if (!now.width && tries++ < 40) { setTimeout(send, 50); return; }
        last = now; model.send({ event: "drawn", ...now }); };
      let fitted = 0;
      const done = (msg) => { if (msg && msg.event === "fitted" && el.parentElement)
        el.parentElement.dataset.wbFitted = String(++fitted); };
      model.on("msg:custom", done);
      window.addEventListener("resize", changed);
      send();
      return () => { window.removeEventListener("resize", changed); clearTimeout(timer);
                     if (watched) watched.disconnect(); model.off("msg:custom", done); };
    } };""".replace("SETTLE", str(RESIZE_SETTLE_MS)).replace("STEP", str(RESIZE_STEP_PX))


#: a relayout key plotly.js sends when someone zooms, pans or autoscales an axis
_AXIS_KEY = re.compile(r"^([xy]axis\d*)\.(range|range\[[01]\]|autorange)$")


class UserView:
    """The axes' ranges someone set in the page since the figure was shown: for each axis
    they changed, ``{"range": [from, to], "autorange": False}`` or ``{"autorange": True}``
    (plotly.js' relayout data, as the widget receives it)."""

    def __init__(self) -> None:
        self.axes: dict[str, dict] = {}

    def clear(self) -> None:
        """A new figure: nothing of the last one's view is kept."""
        self.axes = {}

    def record(self, relayout: dict) -> None:
        """Keep what a relayout from the page set on the axes (other keys are ignored)."""
        ends: dict[str, dict[int, object]] = {}
        for key, value in relayout.items():
            match = _AXIS_KEY.match(key)
            if match is None:
                continue
            axis, part = match.groups()
            if part == "autorange":
                self.axes[axis] = {"autorange": True} if value else \
                    {**self.axes.get(axis, {}), "autorange": False}
            elif part == "range" and isinstance(value, (list, tuple)) and len(value) == 2:
                self.axes[axis] = {"range": list(value), "autorange": False}
            elif part != "range":
                ends.setdefault(axis, {})[int(part[-2])] = value
        for axis, both in ends.items():
            if len(both) == 2:                 # a zoom or pan sends both ends
                self.axes[axis] = {"range": [both[0], both[1]], "autorange": False}

    def apply(self, fig: go.Figure) -> None:
        """Set the kept ranges on ``fig``'s axes (an autoscaled axis loses its range)."""
        for axis, view in self.axes.items():
            if "range" not in view and view.get("autorange") is not True:
                continue
            if view.get("autorange"):
                fig.layout[axis].update(autorange=True, range=None)
            else:
                fig.layout[axis].update(range=view["range"], autorange=False)
