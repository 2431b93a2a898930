"""The swimlane timeline: every element of issue 4, on a tiny fictional case.

Golden figure JSON lives in ``tests/golden/``. After a deliberate change to the
picture, regenerate it and review the diff before committing::

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_timeline.py tests/test_network_figure.py
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest

from tests.casebuilder import events
from workbench.agencies import load_aliases
from workbench.analysis.analyse import analyse
from workbench.analysis.knowledge import known_events
from workbench.analysis.rules import flag_table, rule
from workbench.case import case_from_events
from workbench.errors import MissingToolError
from workbench.kinds import kind_labels
from workbench.timeline import CHILD_LANE, WEBGL_THRESHOLD, describe_timeline, timeline_figure
from workbench.views.style import FUTURE_GREY, KIND_STYLES, STATUS_STYLES, escape_text, write_figure

GOLDEN = Path(__file__).parent / "golden"
CSC = "Children's Social Care"
NO_FLAGS = pd.DataFrame()
XSS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
       '<a href="javascript:alert(1)">click</a>', '<a href="https://example.org/x">site</a>')


def tiny_events() -> pd.DataFrame:
    """Child X (fictional): two episodes, three hand-offs (answered, late, unanswered),
    a disclosure, a return interview, a date known only to c. a day, two undated notes,
    and text that tries to inject HTML, a link and MathJax."""
    return events(
        ("03/02/2025 09:30", "School", "referral",
         {"recipients": CSC, "summary": f"Referral {XSS[0]}"}),
        ("05/02/2025 22:10", "Police", "missing_report", {"risk_grade": "medium"}),
        ("06/02/2025 09:00", "Police", "found", {"summary": "Found with older males"}),
        ("07/02/2025 10:00", CSC, "case_opened", {"refers_to": "e1"}),
        ("07/02/2025 15:00", "Return Interview Service", "return_interview_completed",
         {"details": "She said she owed $5 to $x$ and was scared"}),
        ("10/02/2025 12:00", "School", "disclosure",
         {"summary": XSS[1], "details": "Said she was scared of the men at Address 2"}),
        ("12/02/2025", "School", "information_shared", {"recipients": "Police"}),
        ("c.15/02/2025", CSC, "assessment", {"details": XSS[2], "action": f"<b>See</b> {XSS[3]}"}),
        ("20/02/2025 23:00", "Police", "missing_report", {"risk_grade": "low"}),
        ("21/02/2025 14:00", "Police", "found"),
        ("24/02/2025 11:00", CSC, "referral", {"recipients": "CAMHS"}),
        ("undated", CSC, "contact", {"summary": "Note on file"}),
        ("20/03/2025 10:00", "Police", "contact"),
        ("undated", "Police", "contact", {"summary": "Old note"}),
    )


@pytest.fixture(scope="module")
def case():
    return case_from_events(tiny_events(), id="child-x", meta={"title": "Child X (fictional)"},
                            sources=("test.csv",), aliases=load_aliases())


@pytest.fixture(scope="module")
def analysis(case):
    return analyse(case)


@pytest.fixture(scope="module")
def flags(analysis):
    @rule("test.found-with-adults", pattern="risk-disagreement",
          title="Found with adults, graded low", severity="high")
    def found_with_adults(a):
        ev = a.events
        hit = ev.loc[ev["summary"].str.contains("older males")]
        return pd.DataFrame({"case_id": hit["case_id"], "at": hit["start"],
                             "event_ids": [[i, "e9"] for i in hit["id"]],
                             "explanation": "Found with <b>older</b> males; next graded low."})

    @rule("test.undated", pattern="information-not-shared", title="Undated note not shared")
    def undated(a):
        return pd.DataFrame({"case_id": ["child-x"], "at": [pd.NaT], "event_ids": [["e12"]],
                             "explanation": ["An undated note was kept."]})

    return flag_table(analysis, rules=[found_with_adults, undated])


@pytest.fixture(scope="module")
def fig(analysis, flags):
    return timeline_figure(analysis, flags=flags)


def traces_with(fig, event_id: str) -> list:
    return [t for t in fig.data if t.customdata is not None and event_id in list(t.customdata)]


def point_of(fig, event_id: str) -> tuple:
    for t in fig.data:
        if t.customdata is not None and "Flagged" not in (t.name or "") \
                and "return interview" not in (t.name or "") and event_id in list(t.customdata):
            i = list(t.customdata).index(event_id)
            return t, t.x[i], t.y[i]
    raise KeyError(event_id)


def all_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in all_strings(v)]
    if isinstance(value, (list, tuple, np.ndarray)):
        return [s for v in value for s in all_strings(v)]
    return []


# -- lanes --------------------------------------------------------------------------------

def test_lanes_are_the_childs_words_then_agencies_in_sector_order(fig):
    ticks = list(fig.layout.yaxis.ticktext)
    names = [t.split("<br>")[0] for t in ticks]
    assert CHILD_LANE in names[0]
    order = ["Police", "Children's Social Care", "School", "CAMHS", "Return Interview Service"]
    assert [next(n for n in order if n in name) for name in names[1:]] == order
    sectors = [t.split("<br>")[1] for t in ticks[1:]]
    assert [s.split(">")[1].split("<")[0] for s in sectors] == [
        "police", "social care", "education", "health", "charity / third sector"]
    assert list(fig.layout.yaxis.tickvals) == [0, 1, 2, 3, 4, 5]


def test_the_childs_own_words_sit_in_the_top_lane(fig):
    trace, _, y = point_of(fig, "e6")            # a disclosure, recorded by the school
    assert y == 0 and trace.name == kind_labels()["disclosure"]
    assert "recorded by School" in trace.hovertext[list(trace.customdata).index("e6")]
    account = next(t for t in fig.data if t.name == "Their account in a return interview")
    assert list(account.customdata) == ["e5"] and list(account.y) == [0]
    _, _, y_ri = point_of(fig, "e5")             # the interview itself stays in its lane
    assert y_ri == 5


def test_markers_by_kind_with_plain_word_legend_and_colour_blind_palette(fig):
    legend = [t for t in fig.data if t.legend == "legend2" and t.showlegend is not False]
    labels = kind_labels()
    assert {t.name for t in legend} <= set(labels.values())
    for t in legend:
        kind = next(k for k, v in labels.items() if v == t.name)
        assert (t.marker.color, t.marker.symbol) == KIND_STYLES[kind]


def test_hover_shows_the_time_as_written_precision_agency_kind_and_source(fig):
    trace, _, _ = point_of(fig, "e2")
    text = trace.hovertext[list(trace.customdata).index("e2")]
    for part in ("Missing report", "Police", "05/02/2025 22:10", "to the minute",
                 "test.csv:3"):
        assert part in text


# -- escaping -----------------------------------------------------------------------------

def test_no_user_text_reaches_plotly_as_markup_maths_or_a_link(fig):
    strings = all_strings(fig.to_plotly_json())
    joined = "\n".join(strings)
    for raw in XSS:
        assert raw not in joined
    assert "<script" not in joined and "<img" not in joined and "<a " not in joined
    flat = joined.replace("<br>", " ")                 # (long text wraps at spaces)
    for at in (m.start() for m in re.finditer("href", flat)):
        assert flat[at - 6:at] == "&lt;a "             # only ever inside escaped text
    assert "$" not in joined                       # MathJax needs a literal $...$
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in joined
    assert "&lt;img src=x onerror=alert(1)&gt;" in joined
    assert "&#36;x&#36;" in joined
    assert "&lt;a href=\"javascript:alert(1)\"&gt;click&lt;/a&gt;" in flat


@pytest.mark.parametrize(("text", "safe"), [
    ("<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"),
    ("$x$", "&#36;x&#36;"),
    ("a & b", "a &amp; b"),
    ("line 1\nline 2", "line 1<br>line 2"),
    ('<a href="javascript:alert(1)">x</a>', '&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;'),
])
def test_escape_text(text, safe):
    assert escape_text(text) == safe


def test_agency_names_and_case_titles_are_escaped_too():
    ev = tiny_events()
    ev.loc[ev["agency"] == "School", "agency"] = "<i>School</i> $1$"
    c = case_from_events(ev, id="x", meta={"title": "<script>t</script>"}, sources=(),
                         aliases=load_aliases())
    f = timeline_figure(analyse(c), flags=NO_FLAGS)
    joined = "\n".join(all_strings(f.to_plotly_json()))
    assert "<i>School" not in joined and "<script>t" not in joined and "$1$" not in joined


# -- episodes, gradings, hand-offs ---------------------------------------------------------

def test_episodes_are_filled_traces_across_all_lanes_never_layout_shapes(fig):
    assert fig.layout.shapes == () and fig.layout.annotations == ()
    span = next(t for t in fig.data if t.name == "Missing episode")
    assert span.fill == "toself"
    assert list(span.x[:5]) == ["2025-02-05T22:10", "2025-02-06T09:00", "2025-02-06T09:00",
                                "2025-02-05T22:10", "2025-02-05T22:10"]
    assert max(v for v in span.y if v is not None) == 5.5           # through the last lane
    captions = next(t for t in fig.data if t.name == "Missing episode label")
    # each written once (a caption raised a row clear of its neighbour ends in "<br> ")
    assert [c.split("<br>")[0] for c in captions.text] == ["Missing 11 h · medium",
                                                          "Missing 15 h · low"]


def test_risk_gradings_and_concerns_are_written_in_the_lanes(fig):
    gradings = [t for t in fig.data if t.legendgroup == "risk" and t.mode == "text"]
    assert sorted((t.text, tuple(t.y)) for t in gradings) == [
        ("low", (1 - 0.44,)), ("medium", (1 - 0.30,))]
    concern = next(t for t in fig.data if t.name and t.name.startswith("Concern recorded"))
    assert "older males" in concern.hovertext[0]


def test_hand_offs_are_arrows_in_three_different_styles(fig, analysis):
    status = dict(zip(analysis.handoffs["event_id"], analysis.handoffs["status"], strict=True))
    assert status == {"e1": "answered", "e7": "late", "e11": "unanswered"}
    styles = {}
    for name in ("answered", "late", "unanswered"):
        colour, dash, words = STATUS_STYLES[name]
        t = next(t for t in fig.data if t.name == words)
        styles[name] = (t.line.color, t.line.dash)
        assert t.line.dash == dash and t.line.color == colour
    assert len(set(styles.values())) == 3
    assert len({c for c, _ in styles.values()}) == 3 and len({d for _, d in styles.values()}) == 3
    answered = next(t for t in fig.data if t.name == STATUS_STYLES["answered"][2])
    assert answered.marker.symbol == "arrow" and answered.marker.angleref == "previous"
    assert list(answered.x) == ["2025-02-03T09:30", "2025-02-07T10:00", None]
    assert list(answered.y) == [3.0, 2.0, None]                    # School -> CSC
    assert list(answered.marker.size) == [0, 13, 0]                 # a head at the end only


def test_an_unanswered_hand_off_ends_in_an_open_marker_at_its_deadline(fig, analysis):
    h = analysis.handoffs.set_index("event_id").loc["e11"]
    deadline = h["deadline"].tz_convert("Europe/London").strftime("%Y-%m-%dT%H:%M")
    line = next(t for t in fig.data if t.name == STATUS_STYLES["unanswered"][2])
    assert list(line.x) == ["2025-02-24T11:00", deadline, None] and list(line.y)[:2] == [2, 4]
    end = next(t for t in fig.data if t.name == "Deadline passed without an answer")
    assert end.marker.symbol == "circle-open" and list(end.x) == [deadline]
    assert list(end.y) == [4.0]                                     # in the CAMHS lane


# -- uncertainty --------------------------------------------------------------------------

def test_uncertain_dates_are_bars_over_their_interval_not_points(fig):
    bars = next(t for t in fig.data if t.legendgroup == "ranges" and t.mode == "lines")
    xs = list(bars.x)
    pairs = [(xs[i], xs[i + 1]) for i in range(0, len(xs), 3)]
    assert ("2025-02-14T00:00", "2025-02-17T00:00") in pairs        # c.15/02/2025
    assert ("2025-02-12T00:00", "2025-02-13T00:00") in pairs        # 12/02/2025 (a day)
    trace, x, _ = point_of(fig, "e8")
    assert trace.marker.symbol.endswith("-open") and x == "2025-02-15T12:00"
    points = [t for t in fig.data if t.marker.symbol == KIND_STYLES["assessment"][1]]
    assert not any("e8" in list(t.customdata) for t in points if t.customdata is not None)


def test_undated_rows_sit_in_a_margin_band_in_recorded_order(fig):
    band = [t for t in fig.data if t.xaxis == "x2" and t.customdata is not None
            and t.legendgroup != "flags"]
    placed = sorted((x, i, y) for t in band for x, i, y in zip(t.x, t.customdata, t.y,
                                                                strict=True))
    assert placed == [(1, "e12", 2.0), (2, "e14", 1.0)]
    assert fig.layout.xaxis2.domain[1] < fig.layout.xaxis.domain[0]
    assert "Undated" in fig.layout.xaxis2.title.text


def test_the_time_axis_is_a_date_axis_in_uk_local_time():
    ev = events(("01/07/2025 13:00", "Police", "contact"), ("02/07/2025 09:00", "School",
                                                            "contact"))
    f = timeline_figure(analyse(ev), flags=NO_FLAGS)
    assert f.layout.xaxis.type == "date"
    trace, x, _ = point_of(f, "e1")
    assert x == "2025-07-01T13:00"                  # written BST, stored 12:00 UTC
    assert "UK local time" in f.layout.xaxis.title.text


# -- flags --------------------------------------------------------------------------------

def test_flagged_events_are_ringed_with_title_and_explanation_on_hover(fig):
    rings = [t for t in fig.data if t.legendgroup == "flags"]
    ids = sorted(i for t in rings for i in t.customdata)
    assert ids == ["e12", "e3", "e9"]
    ring = next(t for t in rings if "e3" in list(t.customdata))
    text = ring.hovertext[list(ring.customdata).index("e3")]
    assert "Found with adults, graded low" in text and "&lt;b&gt;older&lt;/b&gt;" in text
    assert ring.marker.symbol == "circle-open"
    undated = next(t for t in rings if "e12" in list(t.customdata))
    assert undated.xaxis == "x2"


def test_pattern_filters_the_flags(analysis, flags):
    f = timeline_figure(analysis, flags=flags, pattern="information-not-shared")
    rings = [i for t in f.data if t.legendgroup == "flags" for i in t.customdata]
    assert rings == ["e12"]
    f = timeline_figure(analysis, flags=flags, pattern="closed-while-active")
    assert not [t for t in f.data if t.legendgroup == "flags"]


# -- as known at T ------------------------------------------------------------------------

def test_at_draws_a_cursor_and_greys_out_what_came_later(analysis, flags):
    f = timeline_figure(analysis, flags=flags, at="2025-02-15 12:00")
    cursor = next(t for t in f.data if t.name == "The moment shown")
    assert list(cursor.x) == ["2025-02-15T12:00", "2025-02-15T12:00"]
    # the review dashboard moves these two traces by name: the shade's left edge is x[0, 3, 4]
    shade = next(t for t in f.data if t.name == "After the moment shown")
    assert [shade.x[i] for i in (0, 3, 4)] == ["2025-02-15T12:00"] * 3
    assert "15 Feb 2025 12:00" in f.layout.title.subtitle.text
    later = {i for t in f.data if t.marker.color == FUTURE_GREY and t.customdata is not None
             for i in t.customdata}
    assert {"e9", "e10", "e11", "e13"} <= later
    assert not later & {"e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8"}
    kinds = next(t for t in f.data if t.customdata is not None and "e2" in list(t.customdata))
    assert kinds.marker.color == KIND_STYLES["missing_report"][0]
    grey_ring = [t for t in f.data if t.legendgroup == "flags" and t.marker.color == FUTURE_GREY]
    assert grey_ring and "e9" in list(grey_ring[0].customdata)


def test_a_hand_off_still_waiting_at_t_is_drawn_to_the_cursor(analysis):
    f = timeline_figure(analysis, flags=NO_FLAGS, at="2025-02-05 12:00")
    waiting = next(t for t in f.data if t.name and t.name.startswith("Hand-off waiting"))
    assert list(waiting.x) == ["2025-02-03T09:30", "2025-02-05T12:00", None]


def test_viewer_sees_only_what_that_agency_knew_at_t(analysis):
    at = pd.Timestamp("2025-02-22 12:00", tz="Europe/London")
    f = timeline_figure(analysis, flags=NO_FLAGS, at=at, viewer="Police")
    shown = {i for t in f.data if t.customdata is not None and t.legendgroup != "flags"
             for i in t.customdata}
    known = known_events(analysis, "Police", at)
    assert shown and shown <= known
    assert not shown & {"e4", "e5", "e8"}                       # CSC and RIS kept these
    assert {"e2", "e7", "e6"} <= shown         # the school's share carried the disclosure
    assert "<b>Police</b>" in f.layout.title.subtitle.text
    assert "22 Feb 2025 12:00" in f.layout.title.subtitle.text
    assert len(f.layout.yaxis.ticktext) == 6                     # the same lanes for every view


def test_viewer_must_be_an_agency_of_the_case(analysis):
    with pytest.raises(ValueError, match="not an agency of this case.*Police"):
        timeline_figure(analysis, flags=NO_FLAGS, at="2025-02-22", viewer="Polce")


# -- scale --------------------------------------------------------------------------------

def many_events(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    base = tiny_events().iloc[[1, 2, 5, 3, 4]]
    table = base.sample(n, replace=True, random_state=3).reset_index(drop=True)
    shift = pd.to_timedelta(np.sort(rng.integers(0, 60 * 24 * 365, n)), unit="min")
    table["start"] = pd.Timestamp("2024-01-01", tz="UTC") + shift
    table["end"] = table["start"] + pd.Timedelta(minutes=1)
    table["id"] = [f"m{i}" for i in range(n)]
    table["seq"] = np.arange(1, n + 1)
    table["refers_to"] = ""
    return table


@pytest.mark.parametrize(("n", "webgl"), [(WEBGL_THRESHOLD // 4, False),
                                      (WEBGL_THRESHOLD + 500, True)])
def test_webgl_markers_above_the_threshold_and_one_trace_per_kind(n, webgl):
    f = timeline_figure(analyse(many_events(n)), flags=NO_FLAGS)
    markers = [t for t in f.data if t.customdata is not None]
    assert {t.type for t in markers} == {"scattergl" if webgl else "scatter"}
    assert len(markers) <= 2 * len(KIND_STYLES)                 # whole columns, not per event
    assert sum(len(t.customdata) for t in markers if t.name != "Their account in a "
               "return interview") == n


def test_text_alternative_describes_lanes_episodes_hand_offs_and_flags(analysis, flags):
    text = describe_timeline(analysis, flags=flags)
    first = text.splitlines()[0]
    assert first == ("Timeline of Child X (fictional): 14 events from 3 Feb 2025 to 20 Mar 2025,"
                     " in 6 lanes (2 undated, 2 known only to a day or a range).")
    assert "2 missing episode(s): episode 1: 11 h, graded medium; episode 2: 15 h, graded low." \
        in text
    assert ("3 hand-off(s): 1 answered in time, 1 answered late, 1 never answered, "
            "0 not yet due.") in text
    assert "2 flag(s)" in text
    assert "| Police | police | 6 | 0 | 1 | 0 | 1 | medium → low |" in text
    assert "| Child's own words | - | 1 | 0 | 0 | 0 | 0 | - |" in text
    viewer = describe_timeline(analysis, flags=flags, at="2025-02-22 12:00", viewer="Police")
    assert "Only what Police knew by 22 Feb 2025 12:00 is shown" in viewer


# -- purity -------------------------------------------------------------------------------

def test_the_builder_is_pure_and_ignores_the_global_plotly_template(analysis, flags):
    before = analysis.events.copy()
    first = timeline_figure(analysis, flags=flags).to_json()
    old = pio.templates.default
    try:
        pio.templates.default = "ggplot2"
        second = timeline_figure(analysis, flags=flags).to_json()
    finally:
        pio.templates.default = old
    assert first == second
    pd.testing.assert_frame_equal(analysis.events, before)


def test_a_timeline_draws_an_analysis_and_never_analyses_a_case(case, analysis):
    with pytest.raises(TypeError, match=r"call workbench\.analyse\(case\) first"):
        timeline_figure(case)
    assert analyse(analysis) is analysis          # the one data path: analyse once
    assert analysis.flags is analysis.flags       # flags computed once, on first use


# -- golden -------------------------------------------------------------------------------

def normalise(fig) -> dict:
    """The parts of a figure a reader sees, as plain JSON (for golden files)."""
    def plain(v):
        if isinstance(v, np.ndarray):
            v = v.tolist()
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if isinstance(v, float):
            return round(v, 3)
        return v

    keep = ("type", "name", "mode", "xaxis", "legend", "legendgroup", "showlegend", "fill",
            "x", "y", "text", "hovertext", "customdata")
    data = []
    for t in fig.to_dict()["data"]:
        item = {k: plain(t[k]) for k in keep if k in t}
        for part, keys in (("line", ("color", "dash", "width")),
                           ("marker", ("symbol", "color", "size"))):
            if part in t:
                item[part] = {k: plain(t[part][k]) for k in keys if k in t[part]}
        data.append(item)
    layout = fig.to_dict()["layout"]
    return {"data": data, "layout": {
        "title": layout["title"]["text"], "subtitle": layout["title"]["subtitle"]["text"],
        "yaxis.ticktext": plain(layout["yaxis"].get("ticktext")),
        "xaxis.type": layout["xaxis"].get("type"),
        "xaxis.range": plain(layout["xaxis"].get("range")), "xaxis2": "xaxis2" in layout}}


def check_golden(name: str, value: dict) -> None:
    path = GOLDEN / name
    text = json.dumps(value, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with UPDATE_GOLDEN=1 once"
    assert json.loads(text) == json.loads(path.read_text(encoding="utf-8")), (
        f"{name} changed: if the change is intended, run UPDATE_GOLDEN=1 pytest and review "
        "the diff")


def test_golden_timeline(fig):
    check_golden("timeline_tiny.json", normalise(fig))


def test_golden_timeline_as_known_to_police(analysis, flags):
    f = timeline_figure(analysis, flags=flags, at="2025-02-22 12:00", viewer="Police")
    check_golden("timeline_tiny_police_at.json", normalise(f))


# -- files --------------------------------------------------------------------------------

def test_html_is_self_contained(fig, tmp_path):
    import plotly

    path = write_figure(fig, tmp_path / "timeline.html")
    html = path.read_text(encoding="utf-8")
    assert "<script src=" not in html and "<link" not in html     # nothing fetched
    bundle = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(
        encoding="utf-8")
    assert bundle[:2000] in html                                   # plotly.js is inlined
    # the only "https://cdn" strings are constants inside plotly.js (map tiles, topojson)
    assert html.count("https://cdn") == bundle.count("https://cdn")


def test_unknown_suffix_is_refused(fig, tmp_path):
    with pytest.raises(ValueError, match=r"\.html, \.png, \.svg, \.pdf"):
        write_figure(fig, tmp_path / "timeline.gif")


def test_a_missing_browser_says_what_to_install(fig, tmp_path):
    with pytest.raises(MissingToolError, match="apt-get install chromium"):
        write_figure(fig, tmp_path / "timeline.png", browser=tmp_path / "no-chromium")


def png_pixels(data: bytes) -> np.ndarray:
    """Decode a PNG (what Chromium writes) into an RGB(A) array with Pillow."""
    from PIL import Image

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGBA" if "A" in image.mode else "RGB"))


def assert_not_blank(path: Path) -> None:
    pixels = png_pixels(path.read_bytes())[..., :3]
    colours = np.unique(pixels.reshape(-1, 3)[::7], axis=0)
    assert len(colours) > 40, f"{path.name}: only {len(colours)} colours"
    inked = (pixels.sum(axis=2) < 600).mean()          # not white or near-white
    assert inked > 0.01, f"{path.name}: {inked:.1%} of the image is drawn"


@pytest.mark.browser
def test_a_case_study_renders_to_png_that_is_not_blank(tmp_path, monkeypatch):
    from workbench.analysis.network import agency_graph
    from workbench.io.importer import import_chronologies
    from workbench.views.network import network_figure

    monkeypatch.setenv("HOME", str(tmp_path))
    root = Path(__file__).resolve().parents[1]
    study = import_chronologies([root / "casestudies" / "good-practice"])
    analysed = analyse(study)
    timeline = write_figure(timeline_figure(analysed, width=900), tmp_path / "timeline.png",
                            scale=1)
    network = write_figure(network_figure(agency_graph(analysed), width=700, height=520),
                           tmp_path / "network.png", scale=1)
    for path in (timeline, network):
        assert_not_blank(path)


@pytest.mark.browser
def test_in_a_browser_user_text_stays_text_and_the_page_needs_no_network(fig, tmp_path,
                                                                         monkeypatch):
    from playwright.sync_api import sync_playwright

    from tests.browsers import require_chromium

    monkeypatch.setenv("HOME", str(tmp_path))
    page_file = write_figure(fig, tmp_path / "timeline.html")
    def place(event_id: str, group: str) -> list[int]:
        i = next(i for i, t in enumerate(fig.data) if t.legendgroup == group
                 and t.customdata is not None and event_id in list(t.customdata))
        return [i, list(fig.data[i].customdata).index(event_id)]

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=require_chromium(), args=args)
        try:
            page = browser.new_page()
            errors, dialogs, outside = [], [], []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                       else (outside.append(r.request.url), r.abort()))
            page.goto(page_file.as_uri())
            page.wait_for_selector(".js-plotly-plot .xtick text", timeout=60_000)
            hovers = [(page.wait_for_timeout(200), page.evaluate(
                """([trace, point]) => {
                    const gd = document.querySelector('.js-plotly-plot');
                    Plotly.Fx.hover(gd, [{curveNumber: trace, pointNumber: point}]);
                    const layer = document.querySelector('.hoverlayer');
                    return {text: layer.textContent,
                            elements: layer.querySelectorAll('img, a, script').length,
                            bold: layer.querySelectorAll('tspan[style*="bold"]').length};
                }""", place(event_id, group)))[1]          # (hover is throttled: wait first)
                for event_id, group in (("e6", "kind:disclosure"), ("e8", "kind:assessment"))]
            links = page.evaluate("() => document.querySelectorAll('a').length")
        finally:
            browser.close()
    assert errors == [] and dialogs == [] and outside == []
    disclosure, assessment = hovers
    assert "<img src=x onerror=alert(1)>" in disclosure["text"]   # shown as text, literally
    squeezed = assessment["text"].replace(" ", "")                # lines wrap at spaces
    assert XSS[2].replace(" ", "") in squeezed and f"<b>See</b>{XSS[3]}".replace(" ", "") \
        in squeezed
    assert disclosure["elements"] == assessment["elements"] == 0 and links == 0
    assert assessment["bold"] == 1          # only the workbench's own bold kind label


def test_episode_captions_never_sit_on_each_other():
    from workbench.views.timeline_captions import caption_rows, caption_width

    # pixels: far apart they share the first row; close, the second; a third close by
    # fits in neither and is left to its marker's hover
    assert caption_rows([0, 200, 230, 260, 600], [100] * 5) == [0, 0, 1, -1, 0]
    # a caption is never taken as narrower than its characters at 10 px
    assert caption_width("Missing 38 h · low") >= 18 * 5.5


def test_timeline_spec_is_the_tables_the_figure_and_the_words_are_made_of():
    from workbench import TimelineSpec, analyse, timeline_spec, tiny_case

    analysis = analyse(tiny_case())
    spec = timeline_spec(analysis, at="2025-03-04 12:00", viewer="Police")
    assert isinstance(spec, TimelineSpec)
    assert spec.viewer == "Police" and spec.at == pd.Timestamp("2025-03-04 12:00", tz="UTC")
    # the police knew their own three events by then, and nothing of the school's disclosure
    assert spec.events["id"].nunique() == len(spec.events) == 3
    assert set(spec.events["lane"]) == {"Police"} and spec.hidden == 3
    assert spec.figure(width=900).to_plotly_json() == timeline_figure(
        analysis, at="2025-03-04 12:00", viewer="Police", width=900).to_plotly_json()
    assert spec.describe() == describe_timeline(analysis, at="2025-03-04 12:00", viewer="Police")


def test_records_outside_the_view_are_counted_under_the_lane_name_not_in_the_plot():
    """County lines has records years before its review period: each lane with some says
    "◀ n earlier" under its name (a third line of the lane label), and no text is drawn at
    the left edge of the plot where it rode over the first markers and the risk words."""
    from workbench.apps.library import CaseLibrary

    county = timeline_figure(CaseLibrary().analysis("county-lines"))
    layout = county.layout
    notes = [t for t in layout.yaxis.ticktext if "earlier" in t]
    assert notes and all(re.search(r"<br>.*<br><span[^>]*>◀ \d+ earlier", t) for t in notes)
    assert sum(int(n) for t in notes for n in re.findall(r"◀ (\d+) earlier", t)) == 5
    drawn_text = [str(x) for t in county.data if "text" in (t.mode or "")
                  for x in (t.text if isinstance(t.text, (list, tuple)) else [t.text])]
    assert not any("earlier" in x or "later ▶" in x for x in drawn_text)
    edge = next(t for t in county.data if t.name == "Records outside the view")
    assert "outside this view" in edge.hovertext[0]
