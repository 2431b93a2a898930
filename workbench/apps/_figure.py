"""The one plotly figure of a view, made when a page first shows it.

A ``FigureWidget`` carries plotly.js itself (about 5 MB) in its state; a page shows
nothing until every widget's state has arrived and loaded. :class:`FigureSlot` keeps
the view's figure as a plain ``go.Figure`` until the page is there (a tiny widget in
the slot says so when it is drawn), then wraps it in a ``FigureWidget``: the controls
and panels appear first and the figure follows. It also means a preheated kernel's
page receives the figure as it is when the page opens, not as it was built.

After that, new pictures replace the widget's traces and layout in place
(:func:`~workbench.apps._html.replace_figure`): one ``FigureWidget`` per view, ever.

>>> import plotly.graph_objects as go
>>> slot = FigureSlot(width=600)
>>> slot.show(go.Figure(go.Scatter(x=["2025-01-01"], y=[1])))
>>> type(slot.figure).__name__, slot.widget_count()
('Figure', 0)
>>> slot.page_ready()
>>> type(slot.figure).__name__, slot.widget_count()
('FigureWidget', 1)
"""

from __future__ import annotations

from collections.abc import Callable

import anywidget
import ipywidgets as w
import plotly.graph_objects as go

from workbench.apps._html import replace_figure

__all__ = ["FigureSlot"]


class _PageReady(anywidget.AnyWidget):
    """Tells the kernel that a page has drawn it (once per page)."""

    _esm = """export default { render({ model }) { model.send({ event: "drawn" }); } };"""


class FigureSlot:
    """Where a view's one ``FigureWidget`` goes; see the module."""

    def __init__(self, *, width: int, placeholder: str = "Drawing the figure…"):
        self.width = width
        self.figure: go.Figure | go.FigureWidget | None = None
        self._callbacks: list[Callable[[go.FigureWidget], None]] = []
        self._ready = False
        self._signal = _PageReady()
        self._signal.on_msg(lambda _w, content, _b: self.page_ready()
                            if content.get("event") == "drawn" else None)
        self._placeholder = w.HTML(f"<p class='wb-muted'>{placeholder}</p>")
        self.widget = w.Box([self._placeholder, self._signal],
                            layout=w.Layout(width=f"{width + 20}px", min_height="60px"))

    @property
    def is_widget(self) -> bool:
        return isinstance(self.figure, go.FigureWidget)

    def widget_count(self) -> int:
        return sum(isinstance(c, go.FigureWidget) for c in self.widget.children)

    def on_widget(self, callback: Callable[[go.FigureWidget], None]) -> None:
        """Call ``callback(figure_widget)`` whenever the widget is made or redrawn
        (e.g. to wire clicks on its new traces)."""
        self._callbacks.append(callback)

    def show(self, fig: go.Figure) -> None:
        """Show ``fig``: kept until a page is there, else drawn in the widget in place."""
        if self.is_widget:
            replace_figure(self.figure, fig)
            self._notify()
        else:
            self.figure = fig
            if self._ready:
                self._make()

    def page_ready(self) -> None:
        """A page has drawn the slot: make the FigureWidget now (idempotent)."""
        self._ready = True
        if self.figure is not None and not self.is_widget:
            self._make()

    def _make(self) -> None:
        self.figure = go.FigureWidget(self.figure)
        self.widget.children = (self.figure,)
        self._notify()

    def _notify(self) -> None:
        for callback in self._callbacks:
            callback(self.figure)
