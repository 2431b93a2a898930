"""The timeline's missing-episode captions as plotly.js draws them: never on each other.

The figure JSON of each bundled case study is drawn by plotly.js itself in Chromium (the
copy the plotly package ships, put in the page: nothing fetched), at the figure's default
widths and as the review dashboard shows it on each screen (its side legend moved out of
the figure, the captions placed again for the width the page gives it). The caption
boxes are read from the page: no two overlap, each lies above the line of markers, and
the placement's estimate of the time axis' length is never more than plotly.js gives it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import plotly
import pytest

from workbench.apps._key import fit_timeline, key_outside
from workbench.apps.library import CaseLibrary
from workbench.timeline import timeline_figure
from workbench.views.figure_text import PROJECTOR_FONT_SCALE, scale_fonts
from workbench.views.timeline_captions import LABEL_TRACE, RISK_WORDS, place_captions, plot_width

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
#: the timeline's width in the review at each screen (its box; a phone keeps 660 px and
#: scrolls it sideways): about what the page gives it, the narrowest first
APP_WIDTHS = {"phone": 660, "laptop": 780, "projector": 1290}

DRAW_JS = """async ([fig, width, name]) => {
  const g = document.getElementById('g'); g.style.width = width + 'px';
  await Plotly.newPlot(g, fig.data, fig.layout, {staticPlot: true});
  const box = (e) => { const r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, text: e.textContent}; };
  const i = fig.data.findIndex(t => t.name === name);
  const trace = [...g.querySelectorAll('.scatterlayer .trace')][i];
  // each written line of a caption (a caption raised a row has an empty line under it)
  const lines = [...trace.querySelectorAll('.textpoint text')].flatMap(t => {
    const spans = [...t.querySelectorAll('tspan.line')];
    return spans.length ? spans : [t]; }).filter(e => e.textContent.trim());
  const xa = g._fullLayout.xaxis, left = g.querySelector('.main-svg').getBoundingClientRect().left;
  return {axis: xa._length, captions: lines.map(box),
          markers: [...trace.querySelectorAll('.point')].map(box),
          plot: {left: left + xa._offset, right: left + xa._offset + xa._length}}; }"""


@cache
def _analyses() -> dict:
    library = CaseLibrary()
    return {e.key: library.analysis(e.key) for e in library.entries}


def _figure(key: str, width: int | None, in_app: bool, font_scale: float = 1.0):
    from workbench.analysis.rules import flag_table

    analysis = _analyses()[key]
    fig = timeline_figure(analysis, flags=flag_table(analysis), at=analysis.events["start"].max(),
                          width=None if in_app else width)
    if in_app:                       # as the review shows it: the key beside, its own width
        key_outside(fig)
        fig.update_layout(width=width)
        scale_fonts(fig, font_scale)
        fit_timeline(fig, width, font_scale)
    return fig


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1200})
    page = context.new_page()
    page.route("**/*", lambda route: route.abort())         # nothing leaves the machine
    page.set_content("<html><body style='margin:0'><div id='g'></div></body></html>")
    page.add_script_tag(content=PLOTLY_JS.read_text("utf-8"))
    yield page
    context.close()


def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    return [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a["left"] < b["right"] and b["left"] < a["right"]
            and a["top"] < b["bottom"] and b["top"] < a["bottom"]]


CASES = ["county-lines", "good-practice", "hub-model", "looked-after-out-of-area",
         "missing-from-home-exclusion"]
SIZES = [(None, False), (1180, False), *((w, True) for w in APP_WIDTHS.values())]


@pytest.mark.browser
@pytest.mark.parametrize("key", CASES)
def test_episode_captions_never_overlap_as_plotly_draws_them(page, key):
    for width, in_app in SIZES:
        fig = _figure(key, width, in_app)
        drawn = page.evaluate(DRAW_JS, [json.loads(fig.to_json()), fig.layout.width,
                                         LABEL_TRACE])
        where = (key, width, "in the review" if in_app else "figure")
        assert drawn["captions"], where                   # some are written
        assert _overlaps(drawn["captions"]) == [], where
        line = min(m["top"] for m in drawn["markers"])
        assert all(c["bottom"] <= line + 0.5 for c in drawn["captions"]), where
        layout = fig.layout.to_plotly_json()
        estimate = plot_width(layout, [t.to_plotly_json() for t in fig.data], fig.layout.width)
        assert estimate <= drawn["axis"], (where, estimate, drawn["axis"])


@pytest.mark.browser
@pytest.mark.parametrize("key", CASES)
def test_episode_captions_stay_inside_the_plotting_area(page, key):
    """The first episode caption of a case (county-lines' "Missing 44 h · medium", over
    an episode at the axis' left end) was centred on its marker, half of it out over the
    lane names; one at the right end would run past the plot's edge."""
    for screen, width in APP_WIDTHS.items():
        for scale in (1.0, PROJECTOR_FONT_SCALE) if screen == "projector" else (1.0,):
            fig = _figure(key, width, in_app=True, font_scale=scale)
            drawn = page.evaluate(DRAW_JS, [json.loads(fig.to_json()), width, LABEL_TRACE])
            plot = drawn["plot"]
            out = [(c["text"], round(c["left"]), round(c["right"])) for c in drawn["captions"]
                   if c["left"] < plot["left"] - 0.5 or c["right"] > plot["right"] + 0.5]
            assert drawn["captions"], (key, screen, scale)
            assert out == [], (key, screen, scale, plot, out)


#: every risk word's box and the main plotting area's, as drawn
RISK_JS = """async ([fig, width, name]) => {
  const g = document.getElementById('g'); g.style.width = width + 'px';
  await Plotly.newPlot(g, fig.data, fig.layout, {staticPlot: true});
  const traces = [...g.querySelectorAll('.scatterlayer .trace')];
  const words = fig.data.flatMap((t, i) => t.name === name && t.mode === 'text'
    ? [...traces[i].querySelectorAll('.textpoint text')] : []);
  const xa = g._fullLayout.xaxis, left = g.querySelector('.main-svg').getBoundingClientRect().left;
  return {plot: {left: left + xa._offset, right: left + xa._offset + xa._length},
          words: words.map(e => { const r = e.getBoundingClientRect();
            return {left: r.left, right: r.right, text: e.textContent}; })}; }"""


@pytest.mark.browser
@pytest.mark.parametrize("key", CASES)
def test_risk_words_stay_inside_the_plotting_area(page, key):
    """A risk word over a record near the axis' left end ("medium" over the first police
    record of county-lines) was centred on it, half over the edge into the lane names."""
    for screen, width in APP_WIDTHS.items():
        for scale in (1.0, PROJECTOR_FONT_SCALE) if screen == "projector" else (1.0,):
            fig = _figure(key, width, in_app=True, font_scale=scale)
            drawn = page.evaluate(RISK_JS, [json.loads(fig.to_json()), width, RISK_WORDS])
            plot = drawn["plot"]
            cut = [w for w in drawn["words"]
                   if w["left"] < plot["left"] - 0.5 or w["right"] > plot["right"] + 0.5]
            assert drawn["words"], (key, screen)
            assert cut == [], (key, screen, scale, plot, cut)


def test_the_label_trace_keeps_every_caption_for_placing_again():
    fig = _figure("county-lines", 1400, in_app=False)
    label = next(t for t in fig.data if t.name == LABEL_TRACE)
    assert len(label.meta["captions"]) == 7
    assert "Missing 38 h · low" in label.meta["captions"]
    place_captions(fig, 4000)                         # wide enough: every caption is written
    assert list(label.text) == label.meta["captions"]
    place_captions(fig, 1000)                         # narrow: a second row, some left out
    assert any(t.endswith("<br> ") for t in label.text) and "" in label.text
