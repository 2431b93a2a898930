"""A case with many agencies: the lanes with nothing in the review period drawn as one.

Child M (``tests.appcases.many_agencies_case``) has fifteen agencies; nine of them have
only records from years before the review period (known to the month or the year). Each
kept a lane of its own, empty in the view the timeline opens on, and the figure ran off
a laptop's screen. Those nine now share one lane, "Other agencies (9)", below the rest;
nothing is lost: every record is in the spec with its agency, its hover names it, and
the description lists each agency with its records.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd
import pytest

from tests.appcases import ACTIVE, BACKGROUND, many_agencies_case
from workbench.analysis.analyse import analyse
from workbench.apps._figure import FigureSlot
from workbench.apps._key import fit_timeline, key_outside
from workbench.apps.library import CaseLibrary
from workbench.timeline import CHILD_LANE, timeline_spec

OTHER = "Other agencies (9)"


@cache
def _analysis():
    return analyse(many_agencies_case())


def test_the_agencies_with_nothing_in_the_review_period_share_one_lane():
    analysis = _analysis()
    spec = timeline_spec(analysis)
    assert list(spec.lanes["lane"]) == [CHILD_LANE, "Police", "Children's Social Care",
                                        "Youth Justice Service", "School",
                                        "Emergency Department", "Return Interview Service",
                                        OTHER]
    assert list(spec.lanes["y"]) == list(range(8))
    assert sorted(spec.folded["agency"]) == sorted(BACKGROUND)
    # every record is still there, with its agency; the folded ones in the last lane
    ev = spec.events
    assert sorted(ev["id"]) == sorted(analysis.events["id"])
    folded = ev.loc[ev["agency"].isin(BACKGROUND)]
    assert len(folded) == 13 and set(folded["lane"]) == {OTHER} and set(folded["y"]) == {7.0}
    assert set(ev.loc[~ev["agency"].isin(BACKGROUND), "agency"]) == set(ACTIVE)
    # the review window: every active agency's records in it, none of the folded ones
    lo, hi = spec.window
    assert (folded["end"].fillna(folded["start"]) <= lo).all()
    assert (ev.loc[ev["agency"].isin(ACTIVE), "start"] >= lo).all()


def test_the_folded_lane_names_its_agencies_and_each_record_names_its_own():
    fig = timeline_spec(_analysis()).figure()
    ticks = list(fig.layout.yaxis.ticktext)
    assert len(ticks) == 8 and OTHER in ticks[-1]
    # its agencies under its name (the first that fit, the rest counted), and its records
    # before the view
    assert re.search(r">Health Visiting(, [^<]+)? \+\d more<", ticks[-1]), ticks[-1]
    assert "◀ 13 earlier" in ticks[-1]
    # each folded record's hover names its agency
    hovers = {i: h for t in fig.data if t.customdata is not None and t.hovertext is not None
              and len(t.customdata) == len(t.hovertext)
              for i, h in zip(t.customdata, t.hovertext, strict=True)}
    ev = timeline_spec(_analysis()).events
    for event_id, agency in zip(ev["id"], ev["agency"], strict=True):
        if agency in BACKGROUND:
            assert f" · {agency}<br>" in hovers[event_id], (event_id, hovers.get(event_id))
    # the mark at the view's edge says whose the records before it are
    edge = next(t for t in fig.data if t.name == "Records outside the view")
    lane_of = dict(zip(edge.y, edge.hovertext, strict=True))
    assert lane_of[7.0].startswith("13 record(s) outside this view")
    assert all(agency in lane_of[7.0] for agency in BACKGROUND)
    assert "15 agencies" in fig.layout.title.subtitle.text


def test_the_description_still_lists_every_agency_and_record():
    text = timeline_spec(_analysis()).describe()
    assert f"9 agencies with no record in the review period and no hand-off share the lane " \
           f"{OTHER}: " in text
    rows = [line.split(" | ") for line in text.splitlines() if line.startswith("| ")][2:]
    names = [r[0].lstrip("| ") for r in rows]
    assert all(f"{a} (in {OTHER})" in names for a in BACKGROUND)
    assert all(a in names for a in ACTIVE)
    assert sum(int(r[2]) for r in rows) == len(_analysis().events)
    assert rows[names.index(f"GP Surgery (in {OTHER})")][2] == "2"


def test_the_same_lanes_in_every_agencys_view():
    analysis = _analysis()
    whole = timeline_spec(analysis)
    police = timeline_spec(analysis, at="2025-04-01 12:00", viewer="Police")
    assert list(police.lanes["lane"]) == list(whole.lanes["lane"])
    assert sorted(police.folded["agency"]) == sorted(BACKGROUND)
    # the hand-offs' lanes are where their agencies' lanes are now drawn
    y = dict(zip(whole.lanes["lane"], whole.lanes["y"], strict=True))
    h = whole.handoffs
    assert list(h["y0"]) == [y[a] for a in h["sender"]]
    assert list(h["y1"]) == [y[a] for a in h["recipient"]]
    # a viewer whose own lane would be folded keeps it
    gp = timeline_spec(analysis, viewer="GP Surgery")
    assert "GP Surgery" in set(gp.lanes["lane"]) and "GP Surgery" not in set(gp.folded["agency"])
    assert gp.lanes["lane"].iat[-1] == "Other agencies (8)"


@pytest.mark.parametrize("key", ["county-lines", "good-practice", "looked-after-out-of-area"])
def test_one_idle_lane_or_a_lane_with_a_hand_off_is_never_folded(key):
    """The case studies: one lane at most with nothing in the review period (a family
    or a foster carer named as an attendee), and lanes a hand-off only ends in ("Host
    Authority", "Education"): drawn as they were."""
    analysis = CaseLibrary().analysis(key)
    spec = timeline_spec(analysis)
    assert spec.folded.empty and not any(str(x).startswith("Other agencies")
                                         for x in spec.lanes["lane"])
    named = set(analysis.events["agency"]) | set(spec.handoffs["recipient"])
    assert named <= set(spec.lanes["lane"])


def test_a_case_of_fifteen_agencies_fits_a_laptop():
    """At 1366×768 the figure's top is about 91 px down the page: with its nine idle
    lanes folded into one, its lanes drawn as short as their names allow put the date
    axis above the fold. Sixteen lanes could not. Its three months are ticked by days,
    the year under the first tick: the axis takes 63 px at 13 px text in Chromium (a
    case of months, 46 px), and ended 2 px below the window when taken for 46."""
    fig = timeline_spec(_analysis()).figure()
    key_outside(fig)
    slot = FigureSlot(width=1180, prepare=fit_timeline)
    slot.show(fig)
    slot.page_ready(776, 1366, 768 - 91)
    layout = slot.figure.layout
    inner = layout.height - layout.margin.t - layout.margin.b
    lanes = inner * (1 - layout.yaxis.domain[0])
    assert layout.margin.t + lanes + 63 <= 768 - 91
    assert pd.Series(layout.yaxis.tickvals).is_monotonic_increasing
