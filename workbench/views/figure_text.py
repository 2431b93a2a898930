"""A figure's text scaled for the screen it is shown on: larger on a projector.

plotly draws every figure's text at the font sizes in its JSON (13 px here), whatever
the screen: across a room a projected 1920 px page writes its tick labels, lane names and
captions no larger than a laptop does. :func:`font_scale` says how much larger the text
should be for a window so wide (1 up to a laptop's width, growing to
:data:`PROJECTOR_FONT_SCALE` at a projector's 1920 px) and :func:`scale_fonts` makes it
so: every font size in the layout (its template included) and the traces, and the sizes
written inline in a text (``<span style='font-size:10px'>``).

>>> import plotly.graph_objects as go
>>> font_scale(390), font_scale(1366), font_scale(1920)
(1.0, 1.0, 1.4)
>>> fig = go.Figure(go.Scatter(x=[1], y=[1], mode="text", text=["<span style='font-size:10px'>a</span>"],
...                            textfont={"size": 10}, marker={"size": 10}),
...                 layout={"font": {"size": 13}})
>>> scale_fonts(fig, 1.4)
>>> fig.layout.font.size, fig.data[0].textfont.size, fig.data[0].marker.size, fig.data[0].text[0]
(18.2, 14.0, 10, "<span style='font-size:14px'>a</span>")
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

__all__ = ["PROJECTOR_FONT_SCALE", "font_scale", "scale_fonts", "text_width"]

#: how much larger a figure writes its text on a projector (1920 px wide) than on a laptop
PROJECTOR_FONT_SCALE = 1.4
#: window widths (CSS pixels) from which text grows (a laptop's is at most this) and at
#: which it reaches :data:`PROJECTOR_FONT_SCALE`
_LAPTOP_PX, _PROJECTOR_PX = 1440, 1920
#: plotly.js's font size where a figure sets none
_PLOTLY_FONT_PX = 12
#: properties whose text may carry inline font sizes
_TEXT_KEYS = frozenset({"text", "ticktext", "hovertext", "hovertemplate", "texttemplate"})
_INLINE = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)px")


#: Arial's advance widths (em), by group of characters; any other character counts as
#: :data:`_WIDE_EM` (a capital's width: an estimate that errs on the wide side)
_ARIAL_EM = {**dict.fromkeys("ijl.,:;'|!", 0.25), **dict.fromkeys(" ()[]/-ftrI", 0.36),
             **dict.fromkeys("abcdeghknopqsuvxyz0123456789J", 0.56),
             **dict.fromkeys("mMW", 0.86), "w": 0.73}
_WIDE_EM = 0.70
#: how much wider bold Arial is than regular, at most
_BOLD = 1.1


def text_width(text: str, font_px: float, *, bold: bool = False) -> float:
    """Pixels ``text`` (plain, one line) takes in Arial at ``font_px``, slightly over.

    >>> round(text_width("Return Interview Service", 13)), round(text_width("medium", 11, bold=True))
    (152, 44)
    """
    em = sum(_ARIAL_EM.get(c, _WIDE_EM) for c in text)
    return em * font_px * (_BOLD if bold else 1.0)


def font_scale(screen_px: float | None) -> float:
    """How much larger a figure's text is drawn in a window ``screen_px`` wide: 1 on a
    phone and a laptop, rising evenly to :data:`PROJECTOR_FONT_SCALE` at 1920 px."""
    if not screen_px or screen_px <= _LAPTOP_PX:
        return 1.0
    share = min((screen_px - _LAPTOP_PX) / (_PROJECTOR_PX - _LAPTOP_PX), 1.0)
    return round(1.0 + (PROJECTOR_FONT_SCALE - 1.0) * share, 3)


def _inline(text: str, factor: float) -> str:
    return _INLINE.sub(lambda m: f"font-size:{float(m.group(1)) * factor:g}px", text)


def _scaled(value: Any, factor: float, key: str = "") -> Any:
    """The changes scaling ``value`` (a figure's JSON below ``key``) makes, sparsely: a
    dict of what changes, a list as long as the one it replaces, or None for no change."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "size" and key.endswith("font") and isinstance(v, (int, float)):
                out[k] = round(v * factor, 2)
            elif (change := _scaled(v, factor, k)) is not None:
                out[k] = change
        return out or None
    if key in _TEXT_KEYS:
        if isinstance(value, str):
            return _inline(value, factor) if _INLINE.search(value) else None
        if isinstance(value, Sequence) or hasattr(value, "tolist"):
            items = list(value)
            if any(isinstance(t, str) and _INLINE.search(t) for t in items):
                return [_inline(t, factor) if isinstance(t, str) else t for t in items]
        return None
    if isinstance(value, (list, tuple)) and any(isinstance(v, dict) for v in value):
        changes = [_scaled(v, factor, key) for v in value]
        return [c or {} for c in changes] if any(changes) else None
    return None


def _apply(obj, changes: dict) -> None:
    """Set ``changes`` (from :func:`_scaled`) on a plotly object, key by key (a list of
    objects element by element: nothing else it holds is replaced)."""
    for key, change in changes.items():
        current = obj[key]
        if isinstance(change, dict):
            _apply(current, change)
        elif isinstance(change, list) and change and all(isinstance(c, dict) for c in change) \
                and isinstance(current, tuple):
            for item, sub in zip(current, change, strict=True):
                _apply(item, sub)
        else:
            obj[key] = change


def scale_fonts(fig, factor: float) -> None:
    """Scale every font size of ``fig`` (a ``go.Figure``) by ``factor``, in place: the
    layout's and its template's, each trace's, and sizes written inline in texts."""
    if factor == 1.0:
        return
    layout = fig.layout
    template_size = layout.template.layout.font.size if layout.template else None
    if layout.font.size is None and template_size is None:
        layout.font.size = _PLOTLY_FONT_PX   # scaled below with the rest
    if (changes := _scaled(layout.to_plotly_json(), factor)) is not None:
        _apply(layout, changes)
    for trace in fig.data:
        if (changes := _scaled(trace.to_plotly_json(), factor)) is not None:
            _apply(trace, changes)
