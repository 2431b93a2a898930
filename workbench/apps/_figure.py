"""The one plotly figure of a view, made when a page first shows it.

A ``FigureWidget`` carries plotly.js itself (about 5 MB) in its state; a page shows
nothing until every widget's state has arrived and loaded. :class:`FigureSlot` keeps
the view's figure as a plain ``go.Figure`` until the page is there (a tiny widget in
the slot says so when it is drawn), then wraps it in a ``FigureWidget``: the controls
and panels appear first and the figure follows. It also means a preheated kernel's
page receives the figure as it is when the page opens, not as it was built.

The widget is sent whole: its comm opens only once its traces, layout and display
options are in it (a plain ``FigureWidget`` opens empty and sends its traces after,
which a page still loading plotly.js could drop, leaving empty axes). Changes made
before the page has drawn it wait and are applied, in order, once it has
(:meth:`FigureSlot.edit`). The figure takes the width of its box (no fixed width: it
fits a phone and a projector) and the display options of
:func:`workbench.views.style.figure_config` (no button or link off the machine).

After that, new pictures replace the widget's traces and layout in place
(:func:`~workbench.apps._html.replace_figure`): one ``FigureWidget`` per view, ever.

A figure is fitted to the page (its text for the window, its parts for the slot's
width and the room below it: ``prepare``) when it is drawn, and again when the window
is resized (a laptop's page moved to the projector, a phone turned) or the slot itself
is (drawn hidden, in a tab not shown or a folded panel, then shown): the tiny widget
(:class:`~workbench.apps._figure_page.PageSignal`) stays in the slot and says so once
the new size has settled. The slot keeps each figure as built, unfitted, and makes
every edit to it too, so that a refit starts from the figure as it is now (the step
cursor where it stands), never from a fitted one; and it keeps the axes' ranges the
user zoomed or panned to (:class:`~workbench.apps._figure_page.UserView`), which the
refitted figure shows again. A figure fitted taller than the window has room for
(``prepare`` says how much of it to show at once) scrolls in its own box, as tall as
the room below its top: the page around it stays where it is.

>>> import plotly.graph_objects as go
>>> slot = FigureSlot(width=600)
>>> slot.show(go.Figure(go.Scatter(x=["2025-01-01"], y=[1])))
>>> type(slot.figure).__name__, slot.widget_count()
('Figure', 0)
>>> slot.page_ready()
>>> slot.figure._config["displaylogo"], slot.figure.layout.width, slot.widget_count()
(False, None, 1)
>>> slot.edit(lambda fig: fig.update_layout(title="waits"))    # not drawn yet: kept
>>> slot.figure.layout.title.text is None
True
>>> slot.figure_drawn()                                          # now applied
>>> slot.figure.layout.title.text
'waits'
>>> slot.figure.layout.xaxis.range = ["2024-12-01", "2025-02-01"]  # zoomed in the page:
>>> slot._view.record({"xaxis.range[0]": "2024-12-01", "xaxis.range[1]": "2025-02-01"})
>>> slot.page_resized(1200, 1920, 800)          # a projector: fitted again, title kept
>>> slot.font_scale > 1, slot.figure.layout.title.text, slot.figure.layout.xaxis.range
(True, 'waits', ('2024-12-01', '2025-02-01'))

"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import sys
import types
from collections.abc import Callable
from functools import cache

import ipywidgets as w
import plotly.graph_objects as go

from workbench.apps._figure_page import RESIZE_SETTLE_MS, RESIZE_STEP_PX, PageSignal, UserView
from workbench.apps._html import replace_figure
from workbench.views.figure_text import font_scale, scale_fonts
from workbench.views.style import figure_config

__all__ = ["DRAWN_GRACE_S", "RESIZE_SETTLE_MS", "RESIZE_STEP_PX", "FigureSlot"]

#: seconds after which a figure widget sent to a page is taken as drawn
DRAWN_GRACE_S = 8.0


#: jsonschema's optional IRI checker: where installed (jupyter-events brings it) it
#: compiles a Lark grammar when imported, about 6 s of CPU
_IRI_GRAMMAR = "rfc3987_syntax"
#: what plotly's renderers import only to check a version when ``fig.show()`` renders
#: a figure as a notebook output (never in a dashboard): nbformat, and through it
#: jsonschema, some 5 MB in every kernel
_SHOW_ONLY = "nbformat"


class _OnFirstUse(types.ModuleType):
    """A stand-in for a module, imported when one of its attributes is first read."""

    def __getattr__(self, name: str):
        return getattr(importlib.import_module(self.__name__), name)


def _figure_widget_base() -> type:
    """``go.FigureWidget``, imported without jsonschema's IRI grammar or nbformat.

    Touching ``go.FigureWidget`` loads plotly's widget base and renderers (and kaleido
    where it is installed, an extra); the renderers load nbformat, nbformat loads
    jsonschema, and jsonschema loads ``rfc3987_syntax`` if it can: 6 s of CPU in every
    kernel, longer than the rest of a dashboard's start, for a format check (``iri``)
    nothing in a dashboard makes. While plotly's widget base is first imported those
    modules count as absent; the renderers then get a stand-in for nbformat that
    imports it on first use (``fig.show()`` in a notebook works as before). A process
    that has already loaded them keeps them.
    """
    if "plotly.basewidget" in sys.modules:
        return go.FigureWidget
    absent = [m for m in (_IRI_GRAMMAR, _SHOW_ONLY) if m not in sys.modules]
    for name in absent:
        sys.modules[name] = None  # type: ignore[assignment]  # None: importing it fails
    try:
        base = go.FigureWidget
    finally:
        for name in absent:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]
    renderers = sys.modules.get("plotly.io._renderers")
    if _SHOW_ONLY in absent and renderers is not None and \
            getattr(renderers, _SHOW_ONLY, True) is None and \
            importlib.util.find_spec(_SHOW_ONLY) is not None:
        setattr(renderers, _SHOW_ONLY, _OnFirstUse(_SHOW_ONLY))
    return base


@cache
def _widget_class() -> type:
    """The FigureWidget subclass, made on first use (see :func:`_figure_widget_base`)."""

    class _FigureWidget(_figure_widget_base()):  # type: ignore[misc]  # a class made at run time
        """A ``FigureWidget`` whose comm opens with its figure and options already set."""

        def __init__(self, fig: go.Figure, *, config: dict):
            self._held = True
            super().__init__(fig)
            self._config = config
            self._held = False
            self.open()

        def open(self) -> None:
            if not self.__dict__.get("_held", False):
                super().open()

    return _FigureWidget


class FigureSlot:
    """Where a view's one ``FigureWidget`` goes; see the module.

    Parameters
    ----------
    width : the width (pixels) to draw the figure for until a page says how wide its
        box is; the widget itself fills its box.
    placeholder : what the slot says until the figure is there.
    filename : the name of an image downloaded from the mode bar.
    prepare : called as ``prepare(figure, width, scale, room)`` on each figure before it
        is drawn, once a page has said how wide the slot is (to fit what the figure writes
        to that width); ``scale`` is how much larger its text has been made for the page's
        window (:func:`~workbench.views.figure_text.font_scale`: 1 but on a projector),
        ``room`` how many pixels the window has below the slot's top (None: not known).
        It returns None, or the pixels of the figure to show at once: the slot then
        scrolls the figure in a box that tall.
    """

    def __init__(self, *, width: int, placeholder: str = "Drawing the figure…",
                 filename: str = "workbench-figure",
                 prepare: Callable[[go.Figure, int, float, int | None], int | None] | None = None):
        self.width = width
        self.prepare = prepare
        self.page_width: int | None = None
        #: pixels from the slot's top to the bottom of the page's window, as first drawn
        self.page_room: int | None = None
        #: how much larger figures write their text for the page's window (1: as built)
        self.font_scale = 1.0
        self.figure: go.Figure | go.FigureWidget | None = None
        #: the figure as built, never fitted (each edit made to it too): what a resized
        #: page's figure is fitted again from
        self._built: go.Figure | None = None
        self.config = figure_config(filename=filename)
        #: the axes' ranges the user set in the page since the figure was shown
        self._view = UserView()
        self._callbacks: list[Callable[[go.FigureWidget], None]] = []
        self._pending: list[Callable[[go.Figure], None]] = []
        self._ready = False
        self._drawn = False
        self._signal = PageSignal()
        self._signal.on_msg(self._on_signal)
        self._placeholder = w.HTML(f"<p class='wb-muted'>{placeholder}</p>")
        # the signal first: it stays in the page (drawn once, never again) beside the
        # placeholder and then the figure, to say when the window is resized
        self.widget = w.VBox([self._signal, self._placeholder],
                             layout=w.Layout(width="100%", min_height="60px"))
        self.widget.add_class("wb-figure")

    @property
    def is_widget(self) -> bool:
        # not isinstance(…, go.FigureWidget): that would import plotly's widget base
        return self.figure is not None and not isinstance(self.figure, go.Figure)

    @property
    def drawn(self) -> bool:
        """Whether a page has drawn the widget (and takes edits)."""
        return self._drawn

    def widget_count(self) -> int:
        if _widget_class.cache_info().currsize == 0:
            return 0
        return sum(isinstance(c, _widget_class()) for c in self.widget.children)

    def on_widget(self, callback: Callable[[go.FigureWidget], None]) -> None:
        """Call ``callback(figure_widget)`` whenever the widget is made or redrawn
        (e.g. to wire clicks on its new traces)."""
        self._callbacks.append(callback)

    def show(self, fig: go.Figure) -> None:
        """Show ``fig``: kept until a page is there, else drawn in the widget in place."""
        fig.update_layout(width=None, autosize=True)
        self._view.clear()           # a new figure: not the part of the last one zoomed to
        self._built = go.Figure(fig)
        self._prepare(fig)
        if self.is_widget:
            self._replace(fig)
        else:
            self._pending.clear()
            self.figure = fig
            if self._ready:
                self._make()

    def edit(self, change: Callable[[go.Figure], None]) -> None:
        """Apply ``change(figure)`` now if nothing can be lost (a plain figure, or a
        widget the page has drawn), else once the page has drawn it."""
        if self.figure is None:
            return
        if self._built is not None and self._built is not self.figure:
            change(self._built)
        self._edit_shown(change)

    def _edit_shown(self, change: Callable[[go.Figure], None]) -> None:
        if self.is_widget and not self._drawn:
            self._pending.append(change)
        else:
            change(self.figure)

    def _replace(self, fig: go.Figure) -> None:
        """Show ``fig`` (fitted) in the widget in place, and wire it again."""
        self._fit_box(fig)
        self._edit_shown(lambda widget: replace_figure(widget, fig))
        self._edit_shown(lambda widget: self._notify())

    def page_ready(self, width: int | None = None, screen: int | None = None,
                   room: int | None = None) -> None:
        """A page has drawn the slot (``width`` pixels wide, in a window ``screen`` pixels
        wide with ``room`` pixels below the slot's top; a slot drawn hidden measures 0 px):
        make the FigureWidget now (idempotent)."""
        self._ready = True
        self._measured(width, screen, room)
        if self.figure is not None and not self.is_widget:
            self._prepare(self.figure)
            self._make()

    def page_resized(self, width: int | None = None, screen: int | None = None,
                     room: int | None = None) -> None:
        """The page's window has settled at a new size: the slot is ``width`` pixels wide
        in a window ``screen`` pixels wide with ``room`` pixels below its top. The figure
        shown is fitted again, from the figure as built (with every edit since), and
        replaces the widget's in place; :meth:`on_widget` callbacks wire it again. Nothing
        is sent when the new size fits it no differently (a phone's address bar hiding
        changes only the room, which a phone's figure does not use)."""
        if not self._ready:          # the page's first measure is still to come
            return
        before = (self.page_width, self.font_scale, self.page_room)
        self._measured(width, screen, room)
        if self.is_widget and self._built is not None and \
                (self.page_width, self.font_scale, self.page_room) != before:
            self._refit(before)
        # the page counts it (data-wb-fitted), once the figure refitted is in the widget
        self._edit_shown(lambda _figure: self._signal.send({"event": "fitted"}))

    def _refit(self, before: tuple[int | None, float, int | None]) -> None:
        """Fit the figure as built to the page as now measured, and show it unless the
        page ``before`` (width, text scale, room) had it fitted the same."""
        fitted = self._fitted()
        if before[:2] == (self.page_width, self.font_scale):
            now, self.page_room = self.page_room, before[2]
            was = self._fitted()
            self.page_room = now
            if was.layout == fitted.layout:     # the room changed nothing drawn
                return
        self._replace(fitted)

    def _measured(self, width: int | None, screen: int | None, room: int | None) -> None:
        if width:
            self.page_width = int(width)
        if room and room > 0:
            self.page_room = int(room)
        if screen:
            self.font_scale = font_scale(screen)

    def _fitted(self) -> go.Figure:
        """A copy of the figure as built, fitted to the page as last measured."""
        fig = go.Figure(self._built)
        self._view.apply(fig)
        self._prepare(fig)
        return fig

    def _prepare(self, fig: go.Figure) -> None:
        """Fit ``fig`` (each figure once) to the page: its text scaled for the window, then
        ``prepare``."""
        # a box never measured (drawn hidden) is taken as wide as the slot was made for
        width = self.page_width or (self.width if self.font_scale != 1.0 else None)
        if not width or getattr(fig, "_wb_prepared", False):
            return
        fig._wb_prepared = True
        scale_fonts(fig, self.font_scale)
        if self.prepare is not None:
            fig._wb_view_px = self.prepare(fig, width, self.font_scale, self.page_room)

    def _fit_box(self, fig: go.Figure) -> None:
        """The slot as tall as the figure, or a box as tall as ``prepare`` said to show
        of it at once, which scrolls the figure up and down (the page stays put)."""
        view = getattr(fig, "_wb_view_px", None)
        self.widget.layout.max_height = f"{view}px" if view else None
        if view:
            self.widget.add_class("wb-figure-scrolls")
        else:
            self.widget.remove_class("wb-figure-scrolls")

    def _on_relayout(self, change) -> None:
        """The page's plotly.js changed the layout (someone zoomed, panned, autoscaled)."""
        message = change["new"]
        if message and isinstance(message.get("relayout_data"), dict):
            self._view.record(message["relayout_data"])

    def _on_signal(self, _widget, content, _buffers) -> None:
        measures = (content.get("width"), content.get("screen"), content.get("room"))
        if content.get("event") == "drawn":
            self.page_ready(*measures)
        elif content.get("event") == "resized":
            self.page_resized(*measures)

    def _make(self) -> None:
        self._drawn = False
        figure = _widget_class()(self.figure, config=self.config)
        figure.observe(lambda _change: self.figure_drawn(),
                       names=["_js2py_layoutDelta", "_js2py_traceDeltas"])
        figure.observe(self._on_relayout, names=["_js2py_relayout"])
        self._fit_box(self.figure)
        self.figure = figure
        self.widget.children = (self._signal, figure)
        self._notify()
        self._grace(figure)

    def _grace(self, figure: go.FigureWidget) -> None:
        """Take the widget as drawn :data:`DRAWN_GRACE_S` seconds after it was sent even
        if plotly.js reported no first layout (it reports none when it has nothing to
        add, and a loaded machine can lose the moment): edits must never wait forever."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:        # no event loop (a script, a doctest): edits wait
            return

        def drawn_by_now() -> None:
            if self.figure is figure:  # not replaced meanwhile
                self.figure_drawn()

        loop.call_later(DRAWN_GRACE_S, drawn_by_now)

    def figure_drawn(self) -> None:
        """The page has drawn the widget (plotly.js reports its first layout after
        drawing): edits are safe from now, and those waiting are applied."""
        if self._drawn or not self.is_widget:
            return
        self._drawn = True
        pending, self._pending = self._pending, []
        for change in pending:
            change(self.figure)

    def _notify(self) -> None:
        for callback in self._callbacks:
            callback(self.figure)
