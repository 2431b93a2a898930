"""Flexible boxes for the dashboards: every screen from a phone to a projector.

No fixed pixel widths: a field fills the width it is given (:func:`fill`), rows wrap
(:func:`row`), panels sit side by side while there is room and stack when there is not
(:func:`panels`, each with a basis it shrinks from). The page CSS is in
:data:`workbench.apps._html.STYLE`.

>>> import ipywidgets as w
>>> box = panels([w.HTML("a"), w.HTML("b")], basis=["60%", "300px"])
>>> [c.layout.flex for c in box.children]
['1 1 60%', '1 1 300px']
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as w

__all__ = ["button", "fill", "panel", "panels", "row"]

def fill(widget: w.Widget, *, basis: str | None = None, max_width: str | None = None,
         css: str | None = None) -> w.Widget:
    """``widget`` as wide as it may be, its label only as wide as its words.

    In a column it fills the width; in a :func:`row`, give ``basis``: it starts that wide,
    grows into free room and shares a line only while each keeps its basis.
    """
    if basis is None:
        widget.layout.width = "100%"
    else:
        widget.layout.width = "auto"
        widget.layout.flex = f"1 1 {basis}"
    widget.layout.min_width = "0"
    if max_width:
        widget.layout.max_width = max_width
    if hasattr(widget, "style") and "description_width" in widget.style.keys:
        widget.style.description_width = "initial"
    if css:
        widget.add_class(css)
    return widget


def button(widget: w.Widget, *, css: str | None = None) -> w.Widget:
    """A button as wide as its words (and at least a finger high)."""
    widget.layout.width = "auto"
    widget.layout.min_height = "32px"
    widget.layout.flex = "0 0 auto"
    if css:
        widget.add_class(css)
    return widget


def row(children: Sequence[w.Widget], *, css: str | None = None, align: str = "center",
        justify: str = "flex-start") -> w.Box:
    """Children side by side, wrapping onto new lines when the screen is narrow."""
    box = w.Box(list(children), layout=w.Layout(display="flex", flex_flow="row wrap",
                                                align_items=align, justify_content=justify,
                                                width="100%", grid_gap="6px 10px"))
    box.add_class("wb-row")
    if css:
        box.add_class(css)
    return box


def panel(children: Sequence[w.Widget], *, basis: str = "320px", css: str | None = None,
          max_height: str | None = None) -> w.VBox:
    """A column that takes a share of its row: ``basis`` wide, growing and shrinking."""
    box = w.VBox(list(children), layout=w.Layout(flex=f"1 1 {basis}", min_width="0",
                                                 max_height=max_height,
                                                 overflow="auto" if max_height else None))
    box.add_class("wb-panel")
    if css:
        box.add_class(css)
    return box


def panels(children: Sequence[w.Widget], *, basis: Sequence[str] | str = "320px",
           css: str | None = None) -> w.Box:
    """Panels side by side while there is room, stacked when there is not."""
    bases = [basis] * len(children) if isinstance(basis, str) else list(basis)
    for child, b in zip(children, bases, strict=True):
        child.layout.flex = f"1 1 {b}"
        child.layout.min_width = "0"
    box = w.Box(list(children), layout=w.Layout(display="flex", flex_flow="row wrap",
                                                align_items="flex-start", width="100%",
                                                grid_gap="10px 16px"))
    box.add_class("wb-panels")
    if css:
        box.add_class(css)
    return box
