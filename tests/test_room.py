"""Every dashboard on every screen a review uses, and nothing leaving the room.

In Chromium at a phone in portrait (390×844), a laptop (1366×768) and a projector
(1920×1080), each dashboard must: not scroll sideways, have every control reachable and
tappable, link and request nothing off the machine (no CDN, no mode-bar button to the
plotting library's cloud, no logo link), and pass axe-core (run offline from
``tests/vendor/axe-core``) with no critical or serious violation. The chair's screen at
1366×768 and at 1920×1080 shows the whole timeline (every lane and the date axis), the
step controls and the event card together.

The figure display options (no cloud, no logo) are also checked without a browser in
the files the workbench writes: HTML figures and the report.
"""

from __future__ import annotations

import json
import re

import plotly.graph_objects as go
import pytest

from tests.voila import SCREENS, Visit, launch, room_problems

#: a selector that is there once each dashboard has drawn what it shows first
READY = {"review": ".js-plotly-plot .xaxislayer-above text",
         "network": ".js-plotly-plot .scatterlayer",
         "cohort": ".js-plotly-plot .xaxislayer-above text",
         "workshop": ".wb-join"}


# -- every dashboard, every screen --------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("dashboard", list(READY))
def test_every_dashboard_fits_every_screen_and_keeps_to_the_room(browser, server, dashboard,
                                                                  screen):
    visit = Visit(browser, server, dashboard, size=SCREENS[screen]).ready(READY[dashboard])
    if dashboard != "workshop":                  # the figure's mode bar is there to check
        visit.page.wait_for_selector(".js-plotly-plot .modebar", state="attached")
        assert visit.page.locator(".modebar-btn[data-title^='Download plot']").count()
    assert room_problems(visit) == {}
    visit.check_and_close()


#: the network figure's title and subtitle boxes (page pixels) as first drawn
TITLE_BOXES_JS = """() => { const box = (s) => { const e = document.querySelector(s);
    if (!e) return null; const r = e.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  return {title: box('.js-plotly-plot .gtitle'), subtitle: box('.js-plotly-plot .gtitle-subtitle'),
          plot: box('.js-plotly-plot .main-svg')}; }"""


@pytest.mark.browser
@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_network_title_never_rides_over_its_subtitle(browser, server, screen):
    """On first render, at every screen: the subtitle lies wholly below the title,
    both inside the figure."""
    visit = Visit(browser, server, "network", size=SCREENS[screen]).ready(READY["network"])
    visit.page.wait_for_selector(".js-plotly-plot .gtitle-subtitle", state="attached")
    boxes = visit.page.evaluate(TITLE_BOXES_JS)
    title, subtitle, plot = boxes["title"], boxes["subtitle"], boxes["plot"]
    assert title["bottom"] <= subtitle["top"] + 0.5, boxes
    assert plot["top"] <= title["top"] and subtitle["bottom"] <= plot["bottom"], boxes
    visit.check_and_close()


@pytest.mark.browser
@pytest.mark.parametrize("screen", ["phone", "projector"])
def test_a_workshop_in_session_fits_the_phone_and_the_projector(browser, server, screen):
    trainer = Visit(browser, server, "workshop", size=SCREENS[screen]).ready(".wb-role")
    trainer.page.click(".wb-role button:has-text('I am facilitating')")
    trainer.page.wait_for_selector(".wb-open:not([disabled])", timeout=60_000)
    trainer.page.click(".wb-open")
    trainer.page.wait_for_selector(".wb-join-code .wb-code-big", timeout=60_000)
    code = trainer.text(".wb-join-code .wb-code-big").strip()
    trainer.page.click(".wb-reveal-5")
    trainer.page.click(".wb-ask")
    person = Visit(browser, server, "workshop", size=SCREENS["phone"]).ready(".wb-join")
    # the join code field is an ordinary field (not the facilitator's big spaced code)
    size = person.page.eval_on_selector(".wb-join-code-input input",
                                        "e => getComputedStyle(e).fontSize")
    assert float(size.rstrip("px")) < 20
    person.page.fill(".wb-join-code-input input", code)
    person.page.fill(".wb-name input", "EF")
    person.page.fill(".wb-discipline input", "health")
    person.page.click(".wb-join")
    person.page.wait_for_selector(".wb-answer-box", state="visible", timeout=60_000)
    person.page.wait_for_selector(".wb-latest .wb-card", state="visible", timeout=60_000)
    # phone first: the question, the answer box and the latest event without scrolling far
    box = person.page.locator(".wb-answer-box").bounding_box()
    latest = person.page.locator(".wb-latest").bounding_box()
    assert box["y"] < latest["y"] and box["width"] <= SCREENS["phone"][0]
    person.page.wait_for_selector(".js-plotly-plot .xaxislayer-above text", timeout=60_000)
    for visit in (trainer, person):
        assert room_problems(visit) == {}
    person.page.fill(".wb-answer textarea", "Ask the school what it has seen")
    person.page.click(".wb-submit")
    trainer.wait_text(".wb-answers", "Ask the school what it has seen")
    for visit in (trainer, person):
        visit.check_and_close()


# -- the chair's screen -------------------------------------------------------------------

CURSOR_JS = """() => { const g = document.querySelector('.js-plotly-plot');
  const t = g && g.data && g.data.find(t => t.name === 'The moment shown');
  return t ? t.x[0] : null; }"""
IN_VIEW_JS = """(sel) => { const e = document.querySelector(sel); if (!e) return null;
  const r = e.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
          visible: r.width > 0 && r.height > 0 && r.top >= 0 && r.top < innerHeight - 40
                   && r.left >= 0 && r.right <= innerWidth + 1}; }"""


@pytest.mark.browser
def test_the_chairs_screen_shows_timeline_controls_and_event_together(browser, server):
    visit = Visit(browser, server, "review", size=SCREENS["laptop"]).ready(READY["review"])
    page = visit.page
    visit.wait_text(".wb-event", "Event 6 of 102")      # the review period, not the background
    assert "the first record of the review period" in visit.text(".wb-message")
    assert "5 record(s) before it are background" in visit.text(".wb-message")
    assert "England: statutory guidance" in visit.text(".wb-protocol")
    for selector in (".wb-next", ".wb-prev", ".wb-next-flag", ".wb-slider",
                     ".wb-event .wb-card h3", ".js-plotly-plot .main-svg"):
        place = page.evaluate(IN_VIEW_JS, selector)
        assert place and place["visible"], (selector, place)
    # the step controls come before the figure in the tab order
    order = page.evaluate("""() => { const all = [...document.querySelectorAll(
        'button, input, select, textarea, a[href], [tabindex]')].filter(e => e.tabIndex >= 0);
      const next = all.indexOf(document.querySelector('.wb-next'));
      const fig = all.findIndex(e => e.closest('.js-plotly-plot'));
      return [next, fig]; }""")
    assert order[0] >= 0 and (order[1] < 0 or order[0] < order[1]), order
    # keys step (not while typing), the cursor follows, the message of the last move clears
    cursor = page.evaluate(CURSOR_JS)
    assert cursor
    page.keyboard.press("ArrowRight")
    visit.wait_text(".wb-event", "Event 7 of 102")
    page.wait_for_function(f"() => ({CURSOR_JS})() !== {json.dumps(cursor)}")
    # each widget's update lands on its own: wait for these too, never read them at once
    page.wait_for_function("() => document.querySelector('.wb-message').innerText.trim() === ''")
    visit.wait_text(".wb-announce", "Event 7 of 102")
    page.keyboard.press("ArrowLeft")
    visit.wait_text(".wb-event", "Event 6 of 102")
    page.keyboard.press("f")
    page.wait_for_function("() => !document.querySelector('.wb-event').innerText"
                           ".includes('Event 6 of 102')")
    page.focus(".wb-name input")
    page.keyboard.press("n")
    assert page.input_value(".wb-name input") == "n"
    # the events list: search, filter, choose one to go there
    page.fill(".wb-events-search input", "strategy meeting")
    page.wait_for_function("() => document.querySelector('.wb-events-count').innerText"
                           ".includes(' of 102 events') && !document.querySelector("
                           "'.wb-events-count').innerText.startsWith('102 of')")
    first = page.locator(".wb-events-list select option").first.inner_text()
    number = int(first.split(".")[0])
    page.select_option(".wb-events-list select", index=0)
    visit.wait_text(".wb-event", f"Event {number} of 102")
    # the last event says so
    page.fill(".wb-events-search input", "")
    visit.wait_text(".wb-events-count", "102 of 102 events")
    page.wait_for_function("() => document.querySelectorAll('.wb-events-list select option')"
                           ".length === 102")
    page.select_option(".wb-events-list select", index=101)
    visit.wait_text(".wb-event", "Event 102 of 102")
    visit.wait_text(".wb-next", "Last event")
    page.click(".wb-next")
    visit.wait_text(".wb-message", "This is the last event")
    visit.check_and_close()


#: the event card's box, and the inner right edge of each box around it that cuts what
#: overflows it (overflow other than visible)
CARD_JS = """() => { const card = document.querySelector('.wb-event .wb-card');
  const r = card.getBoundingClientRect(), edges = [];
  for (let a = card.parentElement; a && a !== document.body; a = a.parentElement) {
    if (getComputedStyle(a).overflowX === 'visible') continue;
    edges.push({box: [...a.classList].filter(c => c.startsWith('wb-')).join('.') || a.tagName,
                right: a.getBoundingClientRect().left + a.clientLeft + a.clientWidth}); }
  return {left: r.left, right: r.right, width: innerWidth, edges}; }"""


@pytest.mark.browser
@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_event_card_is_whole_with_its_right_border(browser, server, screen):
    """The card's right border is on screen: no box around it (the event panel, the
    step view, the app) cuts it, at every screen."""
    visit = Visit(browser, server, "review", size=SCREENS[screen]).ready(READY["review"])
    visit.page.wait_for_selector(".wb-event .wb-card", state="visible")
    card = visit.page.evaluate(CARD_JS)
    assert card["edges"], card                       # the panel does cut what overflows it
    assert card["left"] >= 0 and card["right"] <= card["width"], card
    for edge in card["edges"]:
        assert card["right"] <= edge["right"] + 0.5, (edge, card)
    visit.check_and_close()


#: cells of the tables that scroll sideways written on more lines than they have words
#: (a word broken across lines)
BROKEN_WORDS_JS = """() => [...document.querySelectorAll('.wb-scroll .wb-table td')].filter(td => {
    const words = td.innerText.trim().split(/\\s+/).filter(Boolean).length;
    if (!words) return false;
    const tops = new Set(), walk = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const range = document.createRange(); range.selectNodeContents(n);
      for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top)); }
    return tops.size > words; }).map(td => td.innerText.trim().slice(0, 40))"""


@pytest.mark.browser
@pytest.mark.parametrize("dashboard", ["cohort", "network"])
def test_tables_on_a_phone_scroll_sideways_and_keep_their_words_whole(browser, server,
                                                                      dashboard):
    visit = Visit(browser, server, dashboard, size=SCREENS["phone"]).ready(READY[dashboard])
    visit.page.wait_for_selector(".wb-scroll .wb-table td", state="attached")
    assert visit.page.evaluate(BROKEN_WORDS_JS) == []
    visit.check_and_close()


@pytest.mark.browser
def test_name_and_place_survive_a_reload(browser, server):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    visit = Visit(browser, server, "review", context=context).ready(READY["review"])
    page = visit.page
    visit.wait_text(".wb-event", "Event 6 of 102")
    page.click(".wb-next")
    page.click(".wb-next")
    visit.wait_text(".wb-event", "Event 8 of 102")
    page.wait_for_function("() => location.search.includes('event=')")
    page.fill(".wb-name input", "GH")
    page.fill(".wb-discipline input", "policing")
    page.fill(".wb-note-text textarea", "Who followed up the found interview?")
    page.click(".wb-save")
    visit.wait_text(".wb-note-status", "Saved")
    url = page.url
    assert "case=county-lines" in url
    visit.check_and_close()
    again = Visit(browser, server, "review", context=context,
                  query=url.split("?", 1)[1].split("&", 1)[1]).ready(READY["review"])
    again.wait_text(".wb-event", "Event 8 of 102")
    again.page.wait_for_function("() => document.querySelector('.wb-name input').value === 'GH'")
    assert again.page.input_value(".wb-discipline input") == "policing"
    again.check_and_close()
    context.close()


# -- the files the workbench writes ---------------------------------------------------------

def _config_of(html: str) -> dict:
    match = re.search(r'\{"displaylogo": false[^<]*?"responsive": (?:true|false)\}', html)
    assert match, "no plotly display config in the page"
    return json.loads(match.group(0))


def test_an_html_figure_has_no_cloud_button_and_no_logo_link(tmp_path):
    from workbench.views.style import write_figure

    path = write_figure(go.Figure(go.Scatter(x=["2025-01-01"], y=[1])), tmp_path / "f.html")
    config = _config_of(path.read_text("utf-8"))
    assert config["displaylogo"] is False and config["showSendToCloud"] is False
    assert "sendDataToCloud" in config["modeBarButtonsToRemove"]
    assert "toImage" not in config["modeBarButtonsToRemove"]


def test_the_report_has_no_cloud_button_and_no_logo_link():
    from tests.appcases import tiny_case
    from workbench.outputs.report import build_report

    config = _config_of(build_report(tiny_case()))
    assert config["displaylogo"] is False and config["showSendToCloud"] is False
    assert config["plotlyServerURL"] == "" and config["typesetMath"] is False


#: the entries of the list of all events wider than the list box (cut at its edge), and
#: the tallest entry's height over the shortest's (a long entry wraps onto more lines)
EVENT_LIST_JS = """() => { const opts = [...document.querySelectorAll('.wb-events-list select option')];
  const heights = opts.map(o => o.getBoundingClientRect().height).filter(h => h > 0);
  return {count: opts.length, cut: opts.filter(o => o.scrollWidth > o.clientWidth + 1)
            .map(o => o.textContent.slice(0, 40)),
          ratio: heights.length ? Math.max(...heights) / Math.min(...heights) : 0}; }"""


@pytest.mark.browser
def test_long_entries_in_the_list_of_all_events_wrap_inside_the_box(browser, server):
    visit = Visit(browser, server, "review", size=SCREENS["laptop"]).ready(READY["review"])
    visit.page.wait_for_function(
        "() => document.querySelectorAll('.wb-events-list select option').length > 5")
    found = visit.page.evaluate(EVENT_LIST_JS)
    assert found["cut"] == [], found
    assert found["ratio"] >= 1.5, found                 # the long ones take two lines or more
    visit.check_and_close()


#: the network's drawing on the page: the plot area's top, its lowest agency's bottom, the
#: gap between the plot area's right and the colour bar, and between the rightmost
#: agency's name (or mark) and the colour bar
NETWORK_FIT_JS = """() => { const g = document.querySelector('.js-plotly-plot');
  const box = g.querySelector('.nsewdrag').getBoundingClientRect();
  const bar = g.querySelector('.colorbar').getBoundingClientRect();
  const marks = [...g.querySelectorAll('.scatterlayer .point, .scatterlayer .textpoint')]
    .map(p => p.getBoundingClientRect()).filter(r => r.width > 0);
  return {height: g._fullLayout.height, lowest: Math.max(...marks.map(r => r.bottom)),
          plotTop: box.top, barGap: bar.left - box.right,
          drawingGap: bar.left - Math.max(...marks.map(r => r.right)), innerHeight}; }"""


@pytest.mark.browser
def test_the_network_fits_a_laptop_with_its_colour_bar_beside_it(browser, server):
    """The figure is fitted to its box once the page has it (the box was measured before
    it was in the page, as 0 px wide, so the figure kept 760 px and an empty band)."""
    visit = Visit(browser, server, "network", size=SCREENS["laptop"]).ready(READY["network"])
    visit.page.wait_for_function(
        "() => { const g = document.querySelector('.js-plotly-plot');"
        " return g && g._fullLayout && g._fullLayout.height < 700; }", timeout=60_000)
    fit = visit.page.evaluate(NETWORK_FIT_JS)
    assert fit["lowest"] < fit["innerHeight"] - 20, fit        # above the fold, name too
    assert -5 < fit["barGap"] < 60, fit
    # beside the drawing itself: the plot area had 2.9 units of padding each side of a
    # circle of radius 1, and the bar stood some 180 px right of the nearest name
    assert 0 < fit["drawingGap"] < 50, fit
    visit.check_and_close()


#: the font sizes (px) plotly.js drew the review timeline's text at: a time tick, a lane
#: name and the cursor's label (the event it stands at)
FIGURE_FONTS_JS = """() => { const g = document.querySelector('.js-plotly-plot');
  const px = (e) => e ? parseFloat(getComputedStyle(e).fontSize) : null;
  const cursor = [...g.querySelectorAll('.textpoint text')]
    .find(t => t.textContent.includes(' of ') && t.textContent.includes('event'));
  return {tick: px(g.querySelector('.xaxislayer-above .xtick text')),
          lane: px(g.querySelector('.yaxislayer-above .ytick text')), cursor: px(cursor)}; }"""


@pytest.mark.browser
@pytest.mark.parametrize("screen", ["laptop", "projector"])
def test_the_projector_figure_writes_text_for_the_room(browser, server, screen):
    """The projector's figure text was as small as a laptop's (13 px ticks, 12 px cursor
    label) on a 1920 px page read across a room; a laptop's stays as it was."""
    visit = Visit(browser, server, "review", size=SCREENS[screen]).ready(READY["review"])
    visit.page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot .textpoint text')]"
        ".some(t => t.textContent.includes('event') && t.textContent.includes(' of '))",
        timeout=60_000)
    fonts = visit.page.evaluate(FIGURE_FONTS_JS)
    if screen == "laptop":
        assert fonts == {"tick": 13, "lane": 13, "cursor": 12}, fonts
    else:
        assert fonts["tick"] >= 18 and fonts["lane"] >= 18 and fonts["cursor"] >= 16, fonts
    visit.check_and_close()


#: the review timeline's parts on the page (their boxes' top and bottom): the plot area,
#: the lanes' names, the date axis' tick labels and its title; each lane's name; and the
#: window's height
TIMELINE_PARTS_JS = """() => { const g = document.querySelector('.js-plotly-plot');
  const span = (sel) => { const rs = [...g.querySelectorAll(sel)].map(e => e.getBoundingClientRect())
      .filter(r => r.width > 0 && r.height > 0);
    return rs.length ? {top: Math.min(...rs.map(r => r.top)),
                        bottom: Math.max(...rs.map(r => r.bottom))} : null; };
  return {plot: span('.nsewdrag'), lanes: span('.yaxislayer-above .ytick'),
          ticks: span('.xaxislayer-above .xtick text'), title: span('.g-xtitle'),
          names: [...g.querySelectorAll('.yaxislayer-above .ytick')].map(e => e.getBoundingClientRect())
            .sort((a, b) => a.top - b.top).map(r => ({top: r.top, bottom: r.bottom})),
          tickFont: parseFloat(getComputedStyle(g.querySelector('.xaxislayer-above .xtick text'))
            .fontSize), innerHeight}; }"""


@pytest.mark.browser
@pytest.mark.parametrize("screen", ["laptop", "projector"])
def test_the_whole_timeline_steps_and_card_fit_the_screen_without_scrolling(browser, server,
                                                                          screen):
    """Every lane, the date axis (ticks and title), the step controls and the event card
    are on screen together, the lanes' names clear of each other and the figure's text
    readable. At 1920×1080 the figure's text is 1.4× a laptop's; the figure grew as much
    taller and its lowest lanes and date axis fell below the fold. At 1366×768 the
    header, the controls and the message took 262 px above the figure: the plot ended
    at 893 px, the date axis' title at 939 px."""
    visit = Visit(browser, server, "review", size=SCREENS[screen]).ready(READY["review"])
    page = visit.page
    visit.wait_text(".wb-event", "Event 6 of 102")
    if screen == "projector":  # fitted to the page (its text scaled for the window)
        page.wait_for_function(
            "() => { const t = document.querySelector('.js-plotly-plot .xaxislayer-above"
            " .xtick text'); return t && parseFloat(getComputedStyle(t).fontSize) > 13; }",
            timeout=60_000)
    for selector in (".wb-next", ".wb-prev", ".wb-next-flag", ".wb-slider",
                     ".wb-event .wb-card h3", ".wb-event .wb-card"):
        place = page.evaluate(IN_VIEW_JS, selector)
        assert place and place["visible"] and place["bottom"] <= SCREENS[screen][1], \
            (selector, place)
    # the lanes' names (up to three lines each) clear of each other
    assert len(_timeline_on_screen(page)) >= 7
    assert page.evaluate(TIMELINE_PARTS_JS)["tickFont"] >= 12
    visit.check_and_close()


#: the timeline as plotly.js last drew it: its height and width, its tick labels' size and
#: the event its cursor's label names
FIGURE_NOW_JS = """() => { const g = document.querySelector('.js-plotly-plot');
  const tick = g && g.querySelector('.xaxislayer-above .xtick text');
  const label = g && [...g.querySelectorAll('.textpoint text')]
    .find(t => t.textContent.includes('event') && t.textContent.includes(' of '));
  return g && g._fullLayout ? {height: g._fullLayout.height, width: g._fullLayout.width,
    tickFont: tick ? parseFloat(getComputedStyle(tick).fontSize) : null,
    cursor: label ? label.textContent.trim() : null} : null; }"""


def _review_on_laptop_at_event_6(browser, server):
    """A review opened at 1366×768, its figure's cursor on event 6 (the review period's
    first record): the visit and its page."""
    visit = Visit(browser, server, "review", size=SCREENS["laptop"]).ready(READY["review"])
    page = visit.page
    visit.wait_text(".wb-event", "Event 6 of 102")
    page.wait_for_function(f"() => {{ const f = ({FIGURE_NOW_JS})(); "
                           "return f && f.cursor && f.cursor.startsWith('event 6 of'); }",
                           timeout=60_000)
    return visit, page


@pytest.mark.browser
def test_a_resized_window_refits_the_timeline_and_stepping_goes_on(browser, server):
    """A review opened on a laptop (1366×768) and moved to a projector (1920×1080): the
    figure was fitted once, when the page opened, and kept a laptop's 13 px text and
    height in a window half as wide again. It is fitted again once the window has settled
    at its new size: the projector's larger text, lanes grown as far as keeps the date
    axis on screen, their names clear of each other; and stepping moves the cursor of
    the figure as refitted."""
    visit, page = _review_on_laptop_at_event_6(browser, server)
    laptop = page.evaluate(FIGURE_NOW_JS)
    assert laptop["tickFont"] == 13, laptop
    page.set_viewport_size({"width": 1920, "height": 1080})
    # refitted: the projector's text (a laptop's was kept before)
    page.wait_for_function(f"() => {{ const f = ({FIGURE_NOW_JS})(); "
                           "return f && f.tickFont >= 18 && f.cursor; }", timeout=60_000)
    projector = page.evaluate(FIGURE_NOW_JS)
    assert projector["width"] > laptop["width"] * 1.3, (laptop, projector)
    assert projector["height"] > laptop["height"], (laptop, projector)
    assert projector["cursor"].startswith("event 6 of"), projector    # the place it had
    names = _timeline_on_screen(page)
    assert len(names) >= 7, names
    # stepping goes on in the refitted figure
    cursor = page.evaluate(CURSOR_JS)
    page.click(".wb-next")
    visit.wait_text(".wb-event", "Event 7 of 102")
    page.wait_for_function(f"() => ({CURSOR_JS})() !== {json.dumps(cursor)}")
    page.wait_for_function(f"() => {{ const f = ({FIGURE_NOW_JS})(); "
                           "return f && f.cursor && f.cursor.startsWith('event 7 of'); }")
    assert page.evaluate(FIGURE_NOW_JS)["tickFont"] >= 18
    visit.check_and_close()


def _timeline_on_screen(page):
    """Assert the plot, lane names, ticks and axis title lie inside the window and the lane
    names do not overlap; return the names' boxes."""
    parts = page.evaluate(TIMELINE_PARTS_JS)
    for name in ("plot", "lanes", "ticks", "title"):
        assert parts[name], (name, parts)
        assert parts[name]["top"] >= 0 and parts[name]["bottom"] <= parts["innerHeight"], \
            (name, parts)
    names = parts["names"]
    assert all(a["bottom"] <= b["top"] + 1 for a, b in zip(names, names[1:], strict=False)), \
        names
    return names


@pytest.fixture(scope="module")
def many_server(tmp_path_factory):
    """Voilà serving Child M (fifteen agencies; and her twin whose fifteen agencies all
    wrote in the review period) beside the case studies: a server of its own, so the
    shared one's list of cases stays as the other tests know it."""
    from tests.appcases import many_agencies_case
    from workbench.io.casefile import write_case

    root = tmp_path_factory.mktemp("serve-many")
    write_case(many_agencies_case(), root / "cases" / "many-agencies")
    write_case(many_agencies_case(id="all-active", all_active=True), root / "cases" / "all-active")
    (root / "serve").mkdir()
    with launch(root / "serve", cases=root / "cases") as running:
        yield running


#: the page's own vertical scroll, and how far the figure's box reaches
PAGE_SCROLL_JS = """() => ({scrollY, scrollHeight: document.scrollingElement.scrollHeight,
  innerHeight, figureBottom: document.querySelector('.js-plotly-plot .main-svg')
    .getBoundingClientRect().bottom})"""


@pytest.mark.browser
def test_a_case_of_fifteen_agencies_fits_a_laptop(browser, many_server):
    """Child M's nine agencies with records only from years before the review each kept
    a lane, empty in the view: sixteen lanes, and at 1366×768 the date axis and the
    lowest lanes lay below the fold (the page scrolled). They share one lane, "Other
    agencies (9)": the whole timeline, its date axis and the step controls are on screen
    with the page at its top."""
    visit = Visit(browser, many_server, "review", size=SCREENS["laptop"],
                  query="case=many-agencies").ready(READY["review"])
    page = visit.page
    visit.wait_text(".wb-header", "Child M")
    page.wait_for_function(f"() => {{ const f = ({FIGURE_NOW_JS})(); "
                           "return f && f.cursor && f.cursor.includes(' of 31'); }",
                           timeout=60_000)
    # the page at its top: Voilà scrolls its own box, not the window
    assert page.evaluate(f"() => ({SLOT_JS})().pageScrollTop") == 0
    for selector in (".wb-next", ".wb-prev", ".wb-slider", ".wb-event .wb-card h3"):
        place = page.evaluate(IN_VIEW_JS, selector)
        assert place and place["visible"] and place["bottom"] <= SCREENS["laptop"][1], \
            (selector, place)
    _timeline_on_screen(page)
    lanes = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot "
                          ".yaxislayer-above .ytick')].map(t => t.textContent)")
    assert len(lanes) == 8 and "Other agencies (9)" in lanes[-1], lanes
    # the event list still holds every record, the background agencies' too
    page.wait_for_function("() => document.querySelectorAll('.wb-events-list select option')"
                           ".length === 31")
    listed = page.inner_text(".wb-events-list select").replace("\xa0", " ").replace("\u200b", "")
    assert "Speech and Language Therapy" in listed and "Dental Service" in listed
    visit.check_and_close()


#: the review timeline's axes as plotly.js draws them now: each axis' range (numbers for
#: the date axis: milliseconds) and whether it autoranges
AXES_JS = """() => { const g = document.querySelector('.js-plotly-plot');
  const axis = (a) => ({range: a.range.map(v => typeof v === 'number' ? v : Date.parse(
      v.replace(' ', 'T') + (v.length > 10 ? 'Z' : 'T00:00Z'))), autorange: a.autorange});
  return g && g._fullLayout ? {x: axis(g._fullLayout.xaxis), y: axis(g._fullLayout.yaxis)} : null; }"""


@pytest.mark.browser
def test_a_resized_window_keeps_the_part_of_the_timeline_zoomed_to(browser, server):
    """Someone zoomed into a month of the timeline (a box dragged over the lanes) and the
    window was resized: the refit drew the figure as built, its whole review window and
    every lane, and the part they were reading was gone. The refitted figure (the
    projector's larger text) shows the same dates and lanes."""
    visit, page = _review_on_laptop_at_event_6(browser, server)
    built = page.evaluate(AXES_JS)
    box = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.25
    page.mouse.move(x0, y0)
    page.mouse.down()
    for step in range(1, 11):          # plotly.js zooms on a drag, not a jump
        page.mouse.move(x0 + step * box["width"] * 0.03, y0 + step * box["height"] * 0.03)
    page.mouse.up()
    page.wait_for_function(f"([x0, x1]) => {{ const a = ({AXES_JS})(); return a && "
                           "a.x.range[0] > x0 && a.x.range[1] < x1; }", arg=built["x"]["range"])
    zoomed = page.evaluate(AXES_JS)
    assert zoomed["x"]["range"][1] - zoomed["x"]["range"][0] < \
        0.5 * (built["x"]["range"][1] - built["x"]["range"][0]), (built, zoomed)
    assert zoomed["y"]["range"] != built["y"]["range"], (built, zoomed)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.wait_for_function(f"() => {{ const f = ({FIGURE_NOW_JS})(); "
                           "return f && f.tickFont >= 18; }", timeout=60_000)
    kept = page.evaluate(AXES_JS)
    for axis in ("x", "y"):
        assert kept[axis]["autorange"] is False, kept
        assert kept[axis]["range"] == pytest.approx(zoomed[axis]["range"], abs=1e-3), \
            (axis, zoomed, kept)
    # stepping goes on in the zoomed, refitted figure, which stays zoomed
    page.click(".wb-next")
    visit.wait_text(".wb-event", "Event 7 of 102")
    page.wait_for_function(f"() => {{ const f = ({FIGURE_NOW_JS})(); "
                           "return f && f.cursor && f.cursor.startsWith('event 7 of'); }")
    assert page.evaluate(AXES_JS)["x"]["range"] == pytest.approx(zoomed["x"]["range"], abs=1e-3)
    visit.check_and_close()


#: the missing-episode captions' lines as drawn (the label trace's text), as boxes
CAPTIONS_JS = """(name) => { const g = document.querySelector('.wb-figure .js-plotly-plot');
  const i = g.data.findIndex(t => t.name === name);
  if (i < 0) return null;
  const trace = [...g.querySelectorAll('.scatterlayer .trace')][i];
  return [...trace.querySelectorAll('.textpoint text')].flatMap(t => {
      const spans = [...t.querySelectorAll('tspan.line')]; return spans.length ? spans : [t]; })
    .filter(e => e.textContent.trim()).map(e => { const r = e.getBoundingClientRect();
      return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, text: e.textContent}; }); }"""


@pytest.mark.browser
def test_a_timeline_drawn_hidden_is_fitted_when_it_is_shown(browser, server):
    """The workshop's revealed timeline is in the page, hidden, until the trainer reveals
    the first event. Its slot measured 0 px when drawn, and only a window resize fitted
    it again: on a phone its episode captions stayed placed for 1,180 px in its 660 px
    (all seven written, where 660 px has room for four). Shown, the slot says how wide it
    is and the figure is fitted to it, no window resized: the captions written are those
    placed for the width plotly.js draws it at, and no two overlap."""
    from workbench.views.timeline_captions import LABEL_TRACE, place_captions

    trainer = Visit(browser, server, "workshop", size=SCREENS["phone"]).ready(".wb-role")
    page = trainer.page
    page.click(".wb-role button:has-text('I am facilitating')")
    page.wait_for_selector(".wb-open:not([disabled])", timeout=60_000)
    page.click(".wb-open")
    page.wait_for_selector(".wb-join-code .wb-code-big", timeout=60_000)
    # drawn, hidden: the slot is in the page with no size
    page.wait_for_selector(".wb-figure", state="attached")
    assert page.eval_on_selector(".wb-figure", "e => e.getBoundingClientRect().width") == 0
    page.wait_for_function("() => document.querySelectorAll('.wb-reveal-to select option')"
                           ".length > 20", timeout=60_000)
    options = page.eval_on_selector(".wb-reveal-to select",
                                    "s => [...s.options].map(o => o.value)")
    page.select_option(".wb-reveal-to select", options[-1])
    page.click(".wb-reveal-to-button")
    page.wait_for_selector(".wb-figure .js-plotly-plot .xaxislayer-above text", timeout=60_000)
    page.wait_for_function("() => Number(document.querySelector('.wb-figure').dataset"
                           ".wbFitted || 0) >= 1", timeout=60_000)
    drawn = page.evaluate("() => { const g = document.querySelector('.wb-figure .js-plotly-plot');"
                          " return {data: g.data, layout: g.layout, width: g._fullLayout.width}; }")
    fig = go.Figure(data=drawn["data"], layout=drawn["layout"])
    label = next(t for t in fig.data if t.name == LABEL_TRACE)
    written = list(label.text)
    place_captions(fig, drawn["width"])
    assert drawn["width"] == 660 and written == list(label.text), (drawn["width"], written)
    assert sum(bool(t.strip()) for t in written) >= 2, written
    captions = page.evaluate(CAPTIONS_JS, LABEL_TRACE)
    overlaps = [(a["text"], b["text"]) for i, a in enumerate(captions) for b in captions[i + 1:]
                if a["left"] < b["right"] and b["left"] < a["right"]
                and a["top"] < b["bottom"] and b["top"] < a["bottom"]]
    assert overlaps == [], overlaps
    trainer.check_and_close()


#: the figure's slot (its box on the page, what it holds, whether it scrolls), the
#: page's own scroll (Voilà's page scrolls in a box of its own) and the date axis' title
SLOT_JS = """() => { const s = document.querySelector('.wb-timeline-panel .wb-figure');
  const r = s.getBoundingClientRect(), pageBox = document.querySelector('#rendered_cells')
    || document.scrollingElement;
  const title = s.querySelector('.g-xtitle').getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, clientHeight: s.clientHeight,
          scrollHeight: s.scrollHeight, scrollTop: s.scrollTop, overflowY: getComputedStyle(s).overflowY,
          pageScrollTop: pageBox.scrollTop, titleTop: title.top, titleBottom: title.bottom,
          innerHeight}; }"""


@pytest.mark.browser
def test_a_case_whose_fifteen_agencies_all_wrote_scrolls_its_timeline_in_its_own_box(
        browser, many_server):
    """Child M's twin: her fifteen agencies all wrote in the review period, sixteen lanes
    none of which folds. At 1366×768 even lanes as short as keep their names clear put the
    date axis 80 px below the window, and the lanes were kept as built (1,446 px of
    figure): the page scrolled, the step controls and the event card left the screen with
    the top lanes. The lanes are drawn as short as keeps the names clear and the figure
    scrolls up and down in its own box, which ends above the fold beside the controls and
    the card; the page does not scroll, sideways or down."""
    visit = Visit(browser, many_server, "review", size=SCREENS["laptop"],
                  query="case=all-active").ready(READY["review"])
    page = visit.page
    visit.wait_text(".wb-header", "all in the review")
    page.wait_for_function(f"() => {{ const f = ({FIGURE_NOW_JS})(); "
                           "return f && f.cursor && f.cursor.includes(' of 40'); }",
                           timeout=60_000)
    page.wait_for_selector(".wb-timeline-panel .wb-figure.wb-figure-scrolls", timeout=60_000)
    slot = page.evaluate(SLOT_JS)
    assert slot["overflowY"] == "auto" and slot["scrollHeight"] > slot["clientHeight"] + 50, slot
    assert slot["top"] >= 0 and slot["bottom"] <= SCREENS["laptop"][1], slot
    assert slot["titleTop"] > slot["innerHeight"], slot        # the axis is in the box, below
    for selector in (".wb-next", ".wb-prev", ".wb-slider", ".wb-event .wb-card h3"):
        place = page.evaluate(IN_VIEW_JS, selector)
        assert place and place["visible"] and place["bottom"] <= SCREENS["laptop"][1], \
            (selector, place)
    parts = page.evaluate(TIMELINE_PARTS_JS)
    names = parts["names"]
    assert len(names) == 16, names                             # every lane, none folded
    assert all(a["bottom"] <= b["top"] + 1 for a, b in zip(names, names[1:], strict=False)), \
        names
    assert parts["tickFont"] >= 12, parts
    # the box scrolled to its end: the date axis on screen, the page still at its top
    page.eval_on_selector(".wb-timeline-panel .wb-figure", "s => { s.scrollTop = s.scrollHeight; }")
    page.wait_for_function(f"() => ({SLOT_JS})().scrollTop > 0")
    end = page.evaluate(SLOT_JS)
    assert slot["top"] - 1 <= end["titleTop"] and end["titleBottom"] <= end["bottom"], end
    assert end["pageScrollTop"] == 0, end
    place = page.evaluate(IN_VIEW_JS, ".wb-next")
    assert place and place["visible"], place
    problems = room_problems(visit, axe=False)
    assert "scrolls sideways" not in problems and "beyond the right edge" not in problems, \
        problems
    visit.check_and_close()
