"""The timeline's review window, the lanes with nothing in it folded into one, and the
lanes' labels.

Private to :mod:`workbench.timeline` (the spec holds what these return).

The **review window** covers the records known to the minute or the day, the hand-offs
and the episodes; background records known only to a month, a year or a wider range
that lie wholly before or after it would squeeze the review period into a sliver, so
the view opens on the window (zooming out shows them). A case with many agencies often
has several whose only records are such background (a health visitor's notes from the
child's infancy, a housing file): each kept its own lane, empty in the window, and the
figure outgrew a laptop's screen. Those lanes (two or more of them; never the child's
own, never the viewer's, never one a hand-off starts or ends in) are drawn as one lane,
"Other agencies (n)", below the rest. Each record keeps its agency (its hover names
it); the spec's ``folded`` table names the agencies in that lane.

>>> import pandas as pd
>>> lanes = pd.DataFrame({"lane": ["Child's own words", "Police", "GP", "Housing"],
...                       "sector": ["child", "police", "health", "other"],
...                       "y": [0.0, 1.0, 2.0, 3.0]})
>>> start = pd.to_datetime(["2025-02-05 22:00", "2019-03-01 00:00", "2018-01-01 00:00"], utc=True)
>>> ev = pd.DataFrame({"id": ["p1", "g1", "h1"], "lane": ["Police", "GP", "Housing"],
...                    "agency": ["Police", "GP", "Housing"], "place": ["point", "range", "range"],
...                    "start": start, "end": start + pd.Timedelta(days=28),
...                    "y": [1.0, 2.0, 3.0], "ystack": [1.0, 2.0, 3.17]})
>>> window = (start[0] - pd.Timedelta(days=1), start[0] + pd.Timedelta(days=1))
>>> out_of_window(ev, window).tolist()
[False, True, True]
>>> lanes2, ev2, folded = fold_idle_lanes(lanes, ev, set(), window, None)
>>> lanes2["lane"].tolist(), folded["agency"].tolist()
(["Child's own words", 'Police', 'Other agencies (2)'], ['GP', 'Housing'])
>>> ev2[["lane", "agency", "y", "ystack"]].values.tolist()[1:]
[['Other agencies (2)', 'GP', 2.0, 2.0], ['Other agencies (2)', 'Housing', 2.0, 2.17]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.views.style import SECTOR_COLOURS, SECTOR_LABELS, escape_text

__all__ = ["CHILD_LANE", "OTHER_AGENCIES", "fold_idle_lanes", "lane_labels", "out_of_window",
           "review_window"]

CHILD_LANE = "Child's own words"
#: the name of the lane the agencies with nothing in the review window share (and their
#: number, in brackets)
OTHER_AGENCIES = "Other agencies"
#: the fewest lanes folded into one (one lane folded would only be renamed)
FOLD_LEAST = 2


def _ends(ev: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    return ev["start"], ev["end"].where(ev["end"].notna(), ev["start"])


def review_window(ev: pd.DataFrame, handoffs: pd.DataFrame,
                  episodes: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The span (UTC) the view opens on: from the first precise record, hand-off or
    episode to the last; None when no dated record lies wholly outside it (the view is
    the whole record)."""
    dated = ev["place"].ne("undated").to_numpy()
    precise = dated & (ev["place"].eq("point") | ev["precision"].eq("day")).to_numpy()
    if not precise.any() or precise.sum() == dated.sum():
        return None
    start, end = _ends(ev)
    lo = min(x for x in (start[precise].min(), handoffs["sent"].min(),
                         episodes["start"].min()) if not pd.isna(x))
    hi = max(x for x in (end[precise].max(), handoffs["until"].max(),
                         episodes["end_utc"].max()) if not pd.isna(x))
    if not out_of_window(ev, (lo, hi)).any():
        return None
    return lo, hi


def out_of_window(ev: pd.DataFrame, window: tuple[pd.Timestamp, pd.Timestamp] | None
                  ) -> pd.Series:
    """Which records lie wholly before or after the window (never an undated one)."""
    if window is None:
        return pd.Series(False, index=ev.index)
    start, end = _ends(ev)
    dated = ev["place"].ne("undated")
    return dated & ((end <= window[0]) | (start >= window[1]))


def fold_idle_lanes(lanes: pd.DataFrame, ev: pd.DataFrame, busy: set[str],
                    window: tuple[pd.Timestamp, pd.Timestamp] | None, viewer: str | None
                    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The lanes with no record in the window and no hand-off (``busy``: the agencies a
    hand-off drawn starts or ends in) drawn as one lane below the rest, if there are at
    least :data:`FOLD_LEAST`: the new lanes (their ``y`` counted again), the records (in
    their new lanes, at their new heights; ``agency`` as it was) and the agencies folded
    (``agency``, ``sector``, in lane order)."""
    shown = set(ev.loc[~out_of_window(ev, window), "lane"]) | busy
    idle = lanes["lane"].ne(CHILD_LANE) & lanes["lane"].ne(viewer) & ~lanes["lane"].isin(shown)
    folded = lanes.loc[idle, ["lane", "sector"]].rename(columns={"lane": "agency"})
    folded = folded.reset_index(drop=True)
    if len(folded) < FOLD_LEAST:
        return lanes, ev, folded.iloc[:0]
    name = f"{OTHER_AGENCIES} ({len(folded)})"
    kept = pd.concat([lanes.loc[~idle, ["lane", "sector"]],
                      pd.DataFrame({"lane": [name], "sector": ["other"]})], ignore_index=True)
    kept["y"] = np.arange(len(kept), dtype=float)
    into = dict.fromkeys(folded["agency"], name)
    ev = ev.copy()
    ev["lane"] = ev["lane"].map(lambda lane: into.get(lane, lane))
    y = ev["lane"].map(dict(zip(kept["lane"], kept["y"], strict=True))).astype(float)
    ev["ystack"] = ev["ystack"] - ev["y"] + y
    ev["y"] = y
    return kept, ev, folded


def _lane_label(lane: str, sector: str, *, bold: bool, note: str = "",
                members: tuple[str, ...] = ()) -> str:
    """A lane's name, its sector (or, for "Other agencies", whose they are) and ``note``."""
    name = escape_text(lane)
    extra = f"<br><span style='font-size:10px;color:#595959'>{note}</span>" if note else ""
    if sector == "child":
        return (f"<b>{name}</b><br><span style='font-size:10px;color:#555'>"
                f"what the child said</span>{extra}")
    colour = SECTOR_COLOURS.get(sector, SECTOR_COLOURS["other"])
    name = f"<b>{name}</b>" if bold else name
    kind = escape_text(_few(members)) if members else SECTOR_LABELS.get(sector, sector)
    return (f"<span style='color:{colour}'>●</span> {name}<br>"
            f"<span style='font-size:10px;color:#555'>{kind}</span>{extra}")


#: characters of agency names written under "Other agencies (n)" (the rest counted)
_FEW_CHARS = 34


def _few(names: tuple[str, ...]) -> str:
    """``GP, Housing +3 more``: the first names that fit in :data:`_FEW_CHARS`."""
    shown: list[str] = []
    for i, name in enumerate(names):
        rest = len(names) - i - 1
        tail = f" +{rest} more" if rest else ""
        if shown and len(", ".join([*shown, name]) + tail) > _FEW_CHARS:
            return ", ".join(shown) + f" +{len(names) - len(shown)} more"
        shown.append(name)
    return ", ".join(shown)


def lane_labels(lanes: pd.DataFrame, folded: pd.DataFrame, viewer: str | None,
                notes: dict[str, str]) -> list[str]:
    """Every lane's label (name, sector, ``notes``), the viewer's in bold; under "Other
    agencies (n)" the first of the ``folded`` agencies' names."""
    members = tuple(folded["agency"])
    return [_lane_label(lane, sector, bold=lane == viewer, note=notes.get(lane, ""),
                        members=members if lane.startswith(OTHER_AGENCIES) else ())
            for lane, sector in zip(lanes["lane"], lanes["sector"], strict=True)]
