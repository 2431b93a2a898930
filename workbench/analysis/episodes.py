"""Missing episodes: report → found, with grading, return interview and repeats.

Works on one case or a whole cohort (an event table with a ``case_id`` column),
vectorised over the table. A report recorded by several agencies for the same
episode (police, and social care noting the same report) is one episode: a report
that comes while an episode is open joins it; the first ``found`` closes it.

Examples
--------
>>> import pandas as pd
>>> from workbench.analysis.episodes import episodes
>>> ev = pd.DataFrame({
...     "id": ["a", "b", "c", "d"], "seq": [1, 2, 3, 4],
...     "agency": ["Police", "Police", "Return Interview Service", "Police"],
...     "kind": ["missing_report", "found", "return_interview_completed", "missing_report"],
...     "start": pd.to_datetime(["2025-02-05 22:00", "2025-02-06 09:00", "2025-02-07 10:00",
...                              "2025-02-20 23:00"], utc=True),
...     "precision": "minute", "risk_grade": ["medium", "", "", "high"]})
>>> ep = episodes(ev)
>>> ep[["episode", "report_id", "found_id", "duration_hours", "ri_hours", "repeat"]].values.tolist()
[[1, 'a', 'b', 11.0, 25.0, False], [2, 'd', '', nan, nan, True]]
"""

from __future__ import annotations

from functools import singledispatch

import numpy as np
import pandas as pd

from workbench.case import Case
from workbench.kinds import REPORT_KINDS, RI_KINDS

__all__ = ["EPISODE_COLUMNS", "episodes", "event_frame", "is_police"]

EPISODE_COLUMNS = (
    "case_id", "episode", "report_id", "found_id", "reported_by", "start", "found_at",
    "duration_hours", "open", "certain", "grade_first", "grade_last", "grade_changed",
    "grades", "ri_first_id", "ri_first_kind", "ri_hours", "ri_completed_id",
    "ri_declined_id", "ri_reattempted", "rolling_count", "repeat", "next_start",
)


@singledispatch
def event_frame(data: pd.DataFrame) -> pd.DataFrame:
    """The event table with a ``case_id`` column (a case's id for a single case).

    Part of :func:`~workbench.analysis.analyse.analyse`. A table without ``case_id`` is
    one case called ``case``; a :class:`~workbench.case.Case` gives its events with its
    id, an ``Analysis`` its own events (they carry ``case_id`` already).
    """
    return data if "case_id" in data.columns else data.assign(case_id="case")


@event_frame.register(Case)
def _case_events(case: Case) -> pd.DataFrame:
    return case.events.assign(case_id=case.id)


def is_police(ev: pd.DataFrame) -> pd.Series:
    """Events recorded by a police force: the police sector (a force by any name);
    where no sector is known, an agency named ``Police``."""
    named = ev["agency"].eq("Police")
    if "sector" not in ev.columns:
        return named
    sector = ev["sector"].fillna("")
    return sector.eq("police") | (sector.eq("") & named)


def _sorted(frame: pd.DataFrame, *first: str) -> pd.DataFrame:
    """Sorted by time, ties broken by ``seq`` then ``id`` (so row order never matters)."""
    return frame.sort_values([*first, "start", "seq", "id"], kind="stable")


#: how long after a child is found another agency's record of "missing" is still news
#: of that episode (a school told on Monday of the weekend's episode), not a new one
ECHO_HOURS = 72


def _told_after(rel: pd.DataFrame, police: np.ndarray, hours: int) -> np.ndarray:
    """Reports by an agency other than the police that come within ``hours`` after a
    found, with no police report since it: news of the episode just closed.

    ``rel`` is sorted by case and time (reports and founds only)."""
    start = rel["start"]
    report = rel["kind"].isin(REPORT_KINDS).to_numpy()
    found = rel["kind"].eq("found").to_numpy()
    by_case = rel["case_id"].astype(str).to_numpy()
    last_found = start.where(found).groupby(by_case, sort=False).ffill()
    last_police = start.where(report & police).groupby(by_case, sort=False).ffill()
    since = (start - last_found).to_numpy()
    fresh = last_found.notna().to_numpy() & (since <= pd.Timedelta(hours=hours).to_timedelta64())
    quiet = (last_police.isna() | (last_police < last_found)).to_numpy()
    return report & ~police & fresh & quiet


def episodes(data: Case | pd.DataFrame, *, window_days: int = 30,
             echo_hours: int = ECHO_HOURS) -> pd.DataFrame:
    """One row per missing episode (columns :data:`EPISODE_COLUMNS`).

    A report by another agency than the police within ``echo_hours`` after a found,
    with no police report since, is news of that episode and opens none.

    ``rolling_count`` is the number of episodes of the child starting within
    ``window_days`` up to and including this one; ``repeat`` marks the second and
    later episodes. ``certain`` is False when the report or found date is known
    less precisely than to the minute. Undated reports cannot be placed and are
    left out.
    """
    ev = event_frame(data)
    rel = ev.loc[(ev["kind"].isin((*REPORT_KINDS, "found")) & ev["start"].notna()).to_numpy(),
                 [c for c in ("case_id", "id", "seq", "agency", "kind", "start", "precision",
                              "refers_to") if c in ev.columns]]
    # a report that refers to an earlier report or found records the same episode
    if "refers_to" in rel.columns:
        known = rel["case_id"].astype(str) + "\x1f" + rel["id"]
        echo = rel["kind"].isin(REPORT_KINDS) & (
            rel["case_id"].astype(str) + "\x1f" + rel["refers_to"].fillna("")).isin(known)
        rel = rel.loc[~echo]
    rel = _sorted(rel, "case_id")
    rel = rel.loc[~_told_after(rel, is_police(ev).reindex(rel.index).to_numpy(), echo_hours)]
    is_report = rel["kind"].isin(REPORT_KINDS).to_numpy()
    case = rel["case_id"].to_numpy()
    prev_report = np.r_[False, is_report[:-1]] & np.r_[False, case[1:] == case[:-1]]
    # states: a report run opens an episode; the first found after it closes it
    prev_found_or_start = ~prev_report
    opens = is_report & prev_found_or_start
    closes = ~is_report & prev_report
    episode_no = pd.Series(np.cumsum(opens), index=rel.index)
    reports = rel.loc[opens, ["case_id", "id", "agency", "start", "precision"]].assign(
        key=episode_no[opens].to_numpy())
    founds = rel.loc[closes, ["id", "start", "precision"]].assign(
        key=episode_no[closes].to_numpy())
    ep = reports.merge(founds, on="key", how="left", suffixes=("", "_found"))
    ep = ep.rename(columns={"id": "report_id", "agency": "reported_by", "id_found": "found_id",
                            "start_found": "found_at"})
    ep["found_id"] = ep["found_id"].fillna("")
    ep["open"] = ep["found_id"] == ""
    ep["duration_hours"] = (ep["found_at"] - ep["start"]).dt.total_seconds() / 3600
    ep["certain"] = (ep["precision"] == "minute") & (
        ep["open"] | (ep["precision_found"] == "minute"))
    ep["episode"] = ep.groupby("case_id").cumcount() + 1
    ep["repeat"] = ep["episode"] > 1
    ep["next_start"] = ep.groupby("case_id")["start"].shift(-1)
    ep = _gradings(ev, ep)
    ep = _return_interviews(ev, ep)
    ep["rolling_count"] = _rolling_count(ep, window_days)
    return ep.loc[:, list(EPISODE_COLUMNS)].reset_index(drop=True)


def _episode_of(ev: pd.DataFrame, ep: pd.DataFrame, mask: pd.Series,
                columns: list[str]) -> pd.DataFrame:
    """Events (selected by mask) with the row ``_k`` of the episode they fall in (by start):
    the case's last episode starting at or before the event (``merge_asof`` backward by
    case, here one ``searchsorted`` over an int64 key of case code and time rank)."""
    sel = _sorted(ev.loc[(mask & ev["start"].notna()).to_numpy(),
                         ["case_id", "id", "seq", "start", *columns]])
    codes, _ = pd.factorize(pd.concat([ep["case_id"], sel["case_id"]], ignore_index=True))
    e_code, s_code = codes[:len(ep)].astype(np.int64), codes[len(ep):].astype(np.int64)
    e_at = ep["start"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    s_at = sel["start"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    times, rank = np.unique(np.concatenate([e_at, s_at]), return_inverse=True)
    e_key = e_code * len(times) + rank[:len(ep)]
    s_key = s_code * len(times) + rank[len(ep):]
    order = np.argsort(e_key, kind="stable")  # ties: the later episode row wins, as in merge_asof
    at = np.searchsorted(e_key[order], s_key, side="right") - 1
    hit = at >= 0
    hit[hit] = e_code[order[at[hit]]] == s_code[hit]
    k = order[at[hit]]
    out = sel.iloc[np.flatnonzero(hit)]
    return out.assign(found_at=ep["found_at"].array.take(k), _k=k.astype(np.int64))


def _per_episode(ep: pd.DataFrame, frame: pd.DataFrame, column: str, *, keep: str = "first"
                 ) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """``column`` of the first (or last) row of ``frame`` for each episode, NaN for none."""
    k = frame["_k"].to_numpy()
    if keep == "first":
        pos = np.unique(k, return_index=True)[1]
    else:
        pos = len(k) - 1 - np.unique(k[::-1], return_index=True)[1]
    where = np.full(len(ep), -1, dtype=np.int64)
    where[k[pos]] = pos
    return pd.api.extensions.take(frame[column].array, where, allow_fill=True)


def _gradings(ev: pd.DataFrame, ep: pd.DataFrame) -> pd.DataFrame:
    police = is_police(ev) & ev["risk_grade"].fillna("").ne("")
    g = _episode_of(ev, ep, police, ["risk_grade"])
    g = g.loc[g["found_at"].isna() | (g["start"] <= g["found_at"])]
    # the distinct grades in the order first given, joined with arrows
    distinct = g.drop_duplicates(["_k", "risk_grade"])
    changed = distinct.loc[distinct["_k"].duplicated(keep=False)]
    joined = changed.groupby("_k")["risk_grade"].agg("→".join)
    out = ep.assign(grade_first=_per_episode(ep, g, "risk_grade"),
                    grade_last=_per_episode(ep, g, "risk_grade", keep="last"),
                    grades=joined.reindex(np.arange(len(ep))).to_numpy())
    out["grades"] = out["grades"].where(out["grades"].notna(), out["grade_first"])
    for column in ("grade_first", "grade_last", "grades"):
        out[column] = out[column].fillna("").astype(str)
    out["grade_changed"] = out["grades"].str.contains("→", regex=False)
    return out


def _return_interviews(ev: pd.DataFrame, ep: pd.DataFrame) -> pd.DataFrame:
    ri = _episode_of(ev, ep, ev["kind"].isin(RI_KINDS), ["kind"])
    ri = ri.loc[ri["found_at"].notna() & (ri["start"] >= ri["found_at"])]
    declined = ri.loc[ri["kind"] == "return_interview_declined"]
    offered = ri.loc[ri["kind"] != "return_interview_declined"]
    completed = ri.loc[ri["kind"] == "return_interview_completed"]
    out = ep.assign(
        ri_first_id=_per_episode(ep, ri, "id"), ri_first_kind=_per_episode(ep, ri, "kind"),
        ri_first_at=_per_episode(ep, ri, "start"),
        ri_completed_id=_per_episode(ep, completed, "id"),
        ri_declined_id=_per_episode(ep, declined, "id", keep="last"),
        declined_at=_per_episode(ep, declined, "start", keep="last"),
        last_offer_at=_per_episode(ep, offered, "start", keep="last"))
    out["ri_hours"] = (out["ri_first_at"] - out["found_at"]).dt.total_seconds() / 3600
    out["ri_reattempted"] = out["ri_declined_id"].notna() & (
        out["last_offer_at"] > out["declined_at"])
    for column in ("ri_first_id", "ri_first_kind", "ri_completed_id", "ri_declined_id"):
        out[column] = out[column].fillna("").astype(str)
    return out


def _rolling_count(ep: pd.DataFrame, window_days: int) -> np.ndarray:
    """Episodes of the same child starting in ``[start - window, start]``, vectorised.

    ``ep`` is sorted by case then start; each case is shifted onto its own stretch
    of a single time axis (in seconds) so that one ``searchsorted`` serves them all.
    """
    if ep.empty:
        return np.zeros(0, dtype="int64")
    seconds = ((ep["start"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)).to_numpy()
    codes = pd.factorize(ep["case_id"])[0]
    window = int(window_days) * 86400
    stretch = int(seconds.max() - seconds.min()) + window + 1
    key = codes.astype("int64") * stretch + (seconds - seconds.min())
    position = np.arange(len(key))
    return position - np.searchsorted(key, key - window, side="left") + 1
