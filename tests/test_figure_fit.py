"""Figures fitted to the page that shows them (workbench.apps._key, the figure slot).

The network's colour bar beside the drawing itself (its names included), not at the end
of a padded axis; a projector's figures writing larger text than a laptop's; the sizes in
pixels checked here are the figure's own numbers (the browser tests in test_room.py and
test_browser_timeline.py check the same as Chromium draws it).
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from workbench.apps._figure import FigureSlot
from workbench.apps._key import fit_network, fit_timeline, key_outside
from workbench.apps.library import CaseLibrary
from workbench.apps.network import NetworkApp
from workbench.timeline import timeline_figure
from workbench.views.figure_text import PROJECTOR_FONT_SCALE, font_scale, text_width

#: the network's box on a laptop (1366 px window) and on a projector (1920 px)
LAPTOP_BOX, PROJECTOR_BOX = 1282, 1860


@cache
def _library() -> CaseLibrary:
    return CaseLibrary()


def _network():
    return NetworkApp(library=_library(), case="county-lines").figure_slot.figure


def _labels_right_px(fig, width: int) -> float:
    """Where the rightmost agency's name ends (pixels from the left of a figure ``width``
    pixels wide)."""
    layout = fig.layout
    x0, x1 = layout.xaxis.range
    domain = layout.xaxis.domain or (0, 1)
    plot_w = (width - layout.margin.l - layout.margin.r) * (domain[1] - domain[0])
    ends = []
    for trace in fig.data:
        if not (trace.mode or "").endswith("text") or trace.type != "scatter":
            continue
        for x, text, where, size in zip(trace.x, trace.text, trace.textposition,
                                        trace.marker.size, strict=True):
            centre = layout.margin.l + (x - x0) / (x1 - x0) * plot_w
            name = re.sub(r"<[^>]+>", "", text)
            half = size / 2 + trace.marker.line.width
            wide = text_width(name, trace.textfont.size, bold="<b>" in text)
            ends.append(centre + half + wide if "right" in where else
                        centre + max(half, wide / 2) if "center" in where else centre + half)
    return max(ends)


@pytest.mark.parametrize("box", [LAPTOP_BOX, PROJECTOR_BOX, 660])
def test_the_network_colour_bar_sits_right_beside_the_drawing(box):
    """At 1366×768 the bar stood ~200 px right of the nearest name: the axis kept 2.9 units
    each side of the circle of agencies (of 1) for names, wider than any name needs."""
    fig = _network()
    fit_network(fig, box)
    bar = next(t for t in fig.data if t.marker.showscale).marker.colorbar
    bar_left = fig.layout.margin.l + bar.x * (box - fig.layout.margin.l - fig.layout.margin.r)
    gap = bar_left - _labels_right_px(fig, box)
    assert 0 < gap < 40, (box, gap)
    assert fig.layout.height <= max(420, 0.46 * box) + 1     # above a laptop's fold


def test_font_scale_grows_only_past_a_laptop():
    assert font_scale(390) == font_scale(1366) == font_scale(None) == 1.0
    assert font_scale(1920) == font_scale(2560) == PROJECTOR_FONT_SCALE
    assert 1.0 < font_scale(1700) < PROJECTOR_FONT_SCALE


def _shown(box: int, screen: int, room: int | None = None):
    """The county-lines timeline as built, and as a slot shows it in a window ``screen``
    pixels wide whose box for it is ``box`` wide (with ``room`` pixels below its top)."""
    analysis = _library().analysis("county-lines")
    fig = timeline_figure(analysis, at=analysis.events["start"].max())
    key_outside(fig)                    # as the dashboards show it: the key under the figure
    built = fig.to_plotly_json()
    slot = FigureSlot(width=1180, prepare=fit_timeline)
    slot.show(fig)
    slot.page_ready(box, screen, room)
    return built, slot.figure.to_plotly_json()


def _lanes_px(layout: dict) -> float:
    inner = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    return inner * (1 - layout["yaxis"]["domain"][0])


def _fonts(fig: dict) -> dict:
    return {t["name"]: t["textfont"]["size"] for t in fig["data"] if t.get("textfont")}


def test_a_projector_figure_writes_larger_text_a_laptop_and_phone_the_same():
    """The page text of the room's screen is large; the figure's stayed at 10-13 px."""
    for box, screen in ((660, 390), (780, 1366)):
        built, shown = _shown(box, screen)
        assert shown["layout"]["template"] == built["layout"]["template"]
        assert shown["layout"]["yaxis"]["ticktext"] == built["layout"]["yaxis"]["ticktext"]
        assert _fonts(shown) == _fonts(built)
        assert shown["layout"]["height"] == built["layout"]["height"]
    built, shown = _shown(1290, 1920)
    base = built["layout"]["template"]["layout"]["font"]["size"]
    # tick labels, axis titles, lane names: the template's font; the title's own size
    assert shown["layout"]["template"]["layout"]["font"]["size"] == pytest.approx(
        base * PROJECTOR_FONT_SCALE) and base * PROJECTOR_FONT_SCALE >= 18
    assert shown["layout"]["template"]["layout"]["title"]["font"]["size"] == pytest.approx(
        built["layout"]["template"]["layout"]["title"]["font"]["size"] * PROJECTOR_FONT_SCALE)
    assert "font-size:14px" in shown["layout"]["yaxis"]["ticktext"][1]   # a lane's sector
    assert shown["layout"]["legend2"]["font"]["size"] == pytest.approx(11 * PROJECTOR_FONT_SCALE)
    before, after = _fonts(built), _fonts(shown)
    assert "Missing episode label" in after         # captions, risk words, the cursor's label
    assert all(after[n] == pytest.approx(before[n] * PROJECTOR_FONT_SCALE) for n in after)
    # each lane as much taller, for its name's lines (no window height given); what is
    # not text keeps its size
    assert _lanes_px(shown["layout"]) == pytest.approx(
        _lanes_px(built["layout"]) * PROJECTOR_FONT_SCALE, abs=1)
    assert shown["layout"]["height"] >= round(built["layout"]["height"] * PROJECTOR_FONT_SCALE)
    assert [t.get("marker", {}).get("size") for t in shown["data"]] == \
        [t.get("marker", {}).get("size") for t in built["data"]]


def test_a_slot_drawn_hidden_on_a_projector_still_writes_larger_text():
    """A workshop's projector draws its timeline's slot before it is shown (0 px wide):
    its figure kept 13 px text on the room's screen."""
    built, shown = _shown(0, 1920)
    assert _fonts(shown)["Missing episode label"] == pytest.approx(
        _fonts(built)["Missing episode label"] * PROJECTOR_FONT_SCALE)


def test_a_projector_timeline_ends_its_date_axis_above_the_fold():
    """At 1920×1080 the figure (its top 227 px down the page) grew 1.4× taller with its
    text: its lowest lanes and date axis fell 140 px below the window. Its lanes now grow
    only as far as keeps the date axis (60 px at 18 px text) on screen, never shorter than
    built; the title and the kinds' key below still grow with their text."""
    built, shown = _shown(1090, 1920, room=1080 - 227)    # the box measured in Chromium
    layout = shown["layout"]
    assert _lanes_px(layout) >= _lanes_px(built["layout"]) - 0.5
    assert layout["margin"]["t"] + _lanes_px(layout) + 60 <= 1080 - 227
    assert layout["margin"]["t"] == round(built["layout"]["margin"]["t"] * PROJECTOR_FONT_SCALE)
    # a window with room to spare: the lanes grow with their text, as without a room
    _, tall = _shown(1090, 1920, room=2000)
    assert _lanes_px(tall["layout"]) == pytest.approx(
        _lanes_px(built["layout"]) * PROJECTOR_FONT_SCALE, abs=1)
    # the kinds' key (14 kinds, two a row in this box) starts below the axis and has the
    # rows it takes: the figure ends below them
    key_top = (1 - layout["legend2"]["y"]) * (layout["height"] - layout["margin"]["t"]
                                              - layout["margin"]["b"]) + layout["margin"]["t"]
    assert key_top >= layout["margin"]["t"] + _lanes_px(layout) + 60
    assert layout["height"] - key_top >= 24 * PROJECTOR_FONT_SCALE * (7 + 1)


def _names_clear(layout: dict, font: float) -> bool:
    """Whether each lane's name (three lines: 48 px at 13 px text in Chromium) keeps
    clear of the next in a layout's lanes."""
    low, high = layout["yaxis"]["range"]
    unit = _lanes_px(layout) / abs(high - low)
    tall = [font * (1.1 + 1.3 * str(t).count("<br>")) for t in layout["yaxis"]["ticktext"]]
    return all((a + b) / 2 <= unit for a, b in zip(tall, tall[1:], strict=False))


def test_a_laptop_timeline_draws_its_lanes_shorter_to_end_its_date_axis_above_the_fold():
    """At 1366×768 the lanes as built (and squeezed by the kinds' key plotly.js wrote in
    more rows than the figure gave it) put the date axis' title at 939 px. Beside the step
    controls and the event card the figure's top is 91 px down the page: its lanes are
    drawn shorter, their names still clear of each other, and its date axis (about 46 px
    at 13 px text) ends above the fold. A window too short for that (a phone's, whose
    figure is below the event card) keeps the lanes as built."""
    built, shown = _shown(776, 1366, room=768 - 91)      # the box measured in Chromium
    layout = shown["layout"]
    assert _lanes_px(layout) < _lanes_px(built["layout"]) - 50
    # as tall as the window lets them be (not shorter): the axis ends ~12 px above the fold
    assert 768 - 91 - 24 <= layout["margin"]["t"] + _lanes_px(layout) + 46 <= 768 - 91
    assert _names_clear(layout, 13)
    assert layout["margin"]["t"] == built["layout"]["margin"]["t"]      # text as built
    # the kinds' key (14 kinds, two a row in this box) has the rows it takes, below the axis
    inner = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    key_top = (1 - layout["legend2"]["y"]) * inner + layout["margin"]["t"]
    assert layout["height"] - key_top >= 24 * (7 + 1)
    _, phone = _shown(390, 390, room=844 - 797)
    assert _lanes_px(phone["layout"]) == pytest.approx(_lanes_px(built["layout"]), abs=1)


def _slot_at(box: int, screen: int, room: int | None):
    """A slot showing the county-lines timeline on a page that has drawn it."""
    analysis = _library().analysis("county-lines")
    fig = timeline_figure(analysis, at=analysis.events["start"].max())
    key_outside(fig)
    slot = FigureSlot(width=1180, prepare=fit_timeline)
    slot.show(fig)
    slot.page_ready(box, screen, room)
    slot.figure_drawn()                 # plotly.js has drawn it: edits go straight in
    return slot


def test_a_resized_window_refits_the_figure_as_built_with_its_edits():
    """A page opened on a laptop and moved to a projector: the figure is fitted again as
    if first drawn there (from the figure as built: its text scaled once, 1.4×, not
    1.4× a laptop's fitted text), with the edits made since (the step cursor); the
    widget is the same one and its handlers are wired again."""
    slot = _slot_at(776, 1366, 768 - 91)
    widget, wired = slot.figure, []
    slot.on_widget(wired.append)
    slot.edit(lambda fig: fig.update_layout(title={"subtitle": {"text": "event 7 of 102"}}))
    slot.page_resized(1090, 1920, 1080 - 227)
    assert slot.figure is widget and wired == [widget]          # one widget, wired again
    _, fresh = _shown(1090, 1920, room=1080 - 227)
    shown = slot.figure.to_plotly_json()
    assert shown["layout"]["title"]["subtitle"]["text"] == "event 7 of 102"
    shown["layout"]["title"]["subtitle"]["text"] = fresh["layout"]["title"]["subtitle"]["text"]
    assert shown["layout"] == fresh["layout"]
    assert _fonts(shown) == _fonts(fresh)
    # and back to the laptop: as first drawn there
    slot.page_resized(776, 1366, 768 - 91)
    _, laptop = _shown(776, 1366, room=768 - 91)
    assert slot.figure.layout.height == laptop["layout"]["height"]
    assert _fonts(slot.figure.to_plotly_json()) == _fonts(laptop)


def test_a_resize_that_fits_the_figure_no_differently_sends_nothing():
    """A phone's address bar hiding as its page scrolls changes the window's height (the
    room below the figure) and nothing the phone's figure uses: the figure is not sent
    again. A laptop window made shorter is fitted again."""
    phone = _slot_at(390, 390, 844 - 797)
    traces = phone.figure.data
    phone.page_resized(390, 390, 844 - 797 + 56)
    assert phone.page_room == 844 - 797 + 56
    assert all(a is b for a, b in zip(phone.figure.data, traces, strict=True))   # not sent
    laptop = _slot_at(776, 1366, 768 - 91)
    before = laptop.figure.layout.height
    laptop.page_resized(776, 1366, 700 - 91)
    assert laptop.figure.layout.height < before


def _all_active(box: int, screen: int, room: int | None):
    """Child M's twin (fifteen agencies, all writing in the review period) as a slot shows
    her timeline: the slot, the figure as built and as shown."""
    from tests.appcases import many_agencies_case
    from workbench.analysis.analyse import analyse

    analysis = analyse(many_agencies_case(id="all-active", all_active=True))
    fig = timeline_figure(analysis, at=analysis.events["start"].max())
    key_outside(fig)
    built = fig.to_plotly_json()
    slot = FigureSlot(width=1180, prepare=fit_timeline)
    slot.show(fig)
    slot.page_ready(box, screen, room)
    slot.figure_drawn()
    return slot, built, slot.figure.to_plotly_json()


def test_lanes_too_many_for_a_laptop_are_drawn_as_short_as_readable_in_a_box_that_scrolls():
    """Sixteen lanes at 1366×768: even lanes as short as keep their names clear end the
    date axis below the window. They are drawn that short (not kept as built, 64 px each,
    which took the step controls off the screen with the page), and the slot becomes a
    box as tall as the room below its top, which scrolls the figure. A phone (its figure
    under the event card) keeps the lanes as built and no box: the page scrolls."""
    slot, built, shown = _all_active(776, 1366, 768 - 91)
    layout = shown["layout"]
    assert len(layout["yaxis"]["ticktext"]) == 16
    assert _lanes_px(layout) < _lanes_px(built["layout"]) * 0.8
    assert _names_clear(layout, 13)
    # as short as that and no shorter: a tenth shorter, the names would ride on each other
    margins = layout["margin"]["t"] + layout["margin"]["b"]
    squeezed = {**layout, "height": margins + 0.9 * (layout["height"] - margins)}
    assert not _names_clear(squeezed, 13)
    assert layout["margin"]["t"] + _lanes_px(layout) + 46 > 768 - 91     # still too tall
    assert slot.widget.layout.max_height == f"{768 - 91 - 12}px"
    assert "wb-figure-scrolls" in slot.widget._dom_classes
    phone, built, shown = _all_active(390, 390, 844 - 797)
    assert _lanes_px(shown["layout"]) == pytest.approx(_lanes_px(built["layout"]), abs=1)
    assert phone.widget.layout.max_height is None
    assert "wb-figure-scrolls" not in phone.widget._dom_classes


def test_a_taller_window_that_fits_the_lanes_lets_the_box_go():
    """The same page moved to a projector: the lanes fit, the box stops scrolling."""
    slot, _, _ = _all_active(776, 1366, 768 - 91)
    slot.page_resized(1090, 1920, 2000)
    assert slot.widget.layout.max_height is None
    assert "wb-figure-scrolls" not in slot.widget._dom_classes


def test_a_refit_keeps_the_range_the_user_zoomed_to_and_a_new_figure_forgets_it():
    """Zoomed into February 2025 and the window resized: the refitted figure shows
    February (both axes), with the text of the new window; autoscaled, it autoscales.
    Another case shown is drawn whole."""
    slot = _slot_at(776, 1366, 768 - 91)
    built_range = slot.figure.layout.xaxis.range
    zoom = {"xaxis.range[0]": "2025-02-01 00:00:00", "xaxis.range[1]": "2025-03-01 00:00:00",
            "yaxis.range[0]": 4.5, "yaxis.range[1]": 0.5}
    slot.figure._js2py_relayout = {"relayout_data": dict(zoom), "source_view_id": "page"}
    assert slot.figure.layout.xaxis.range == ("2025-02-01 00:00:00", "2025-03-01 00:00:00")
    slot.page_resized(1090, 1920, 1080 - 227)
    assert slot.font_scale > 1
    assert slot.figure.layout.xaxis.range == ("2025-02-01 00:00:00", "2025-03-01 00:00:00")
    assert slot.figure.layout.yaxis.range == (4.5, 0.5)
    assert slot.figure.layout.xaxis.autorange is False
    slot.figure._js2py_relayout = {"relayout_data": {"xaxis.autorange": True},
                                   "source_view_id": "page"}
    slot.page_resized(776, 1366, 768 - 91)
    assert slot.figure.layout.xaxis.autorange is True
    assert slot.figure.layout.yaxis.range == (4.5, 0.5)
    analysis = _library().analysis("county-lines")
    fig = timeline_figure(analysis, at=analysis.events["start"].max())
    key_outside(fig)
    slot.show(fig)
    slot.page_resized(1090, 1920, 1080 - 227)
    assert slot.figure.layout.xaxis.range == built_range
    assert slot.figure.layout.xaxis.autorange is not True
