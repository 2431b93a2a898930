"""Roles, not names: which agencies of a case play the parts the rules speak of.

Protocol profiles and rules never name an agency. Each case is read for:

- **police**: every agency of the police sector (a force by any name);
- **social-care**: children's social care, however an area names it (by the words of
  its name: social care, children's services, MASH, front door, local authority …);
- **host-authority**: the authority a child is placed in (a name with "host");
- **the return-interview provider**: whichever agency holds return-interview events
  in this case (a debrief charity by any name);
- **the lead agency** at a moment: whichever holds the case (below).

An agency holds (leads) the case at t when, before t,

1. it opened a case (a ``case_opened`` event), or a record says the case is open (a
   ``case_status`` fact: a looked-after child, a child in need or child protection
   plan, an allocated worker; held by children's social care), with no closure by
   that agency since (a ``case_closed`` event or a decision fact: no further action,
   closed, stepped down); or
2. children's social care worked with the child (any record of its own that is not a
   closure, or an assessment under way) within the profile's ``lead_recent_days``,
   with no closure since.

Dates are read both ways (see :func:`lead_agencies`).

Examples
--------
>>> import pandas as pd
>>> from workbench.analysis.analyse import analyse
>>> ev = pd.DataFrame({"id": ["p1", "c1", "r1"], "seq": [1, 2, 3],
...     "agency": ["Anyshire Constabulary", "Anyshire Children's Services", "Safe Steps Project"],
...     "sector": ["police", "social-care", "third-sector"],
...     "kind": ["missing_report", "contact", "return_interview_completed"],
...     "start": pd.to_datetime(["2025-02-05 22:00", "2025-02-06 10:00", "2025-02-07 10:00"],
...                             utc=True), "precision": "minute", "recipients": "",
...     "attendees": "", "summary": "", "details": "", "action": "", "outcome": "",
...     "risk_grade": "", "refers_to": "", "source": ""})
>>> a = analyse(ev)
>>> role_agencies(a, "police")["agency"].tolist(), role_agencies(a, "social-care")["agency"].tolist()
(['Anyshire Constabulary'], ["Anyshire Children's Services"])
>>> ri_providers(a)["agency"].tolist()
['Safe Steps Project']
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from workbench.agencies import load_aliases
from workbench.analysis.analyse import Analysis
from workbench.io.facts import holds_cases
from workbench.kinds import RI_KINDS

__all__ = ["OPEN_STATUSES", "agency_sectors", "lead_agencies", "ri_providers", "role_agencies",
           "role_label"]

#: case_status facts that open a case until it is closed (an assessment only counts
#: as recent work)
OPEN_STATUSES = ("looked_after", "child_in_need", "child_protection", "allocated_worker")
_HOST = re.compile(r"\bhost\b", re.I)
#: the name a role is given when no agency of the case plays it
_FALLBACK = {"police": "Police", "social-care": "Children's Social Care",
             "host-authority": "Host Authority", "lead": "the lead agency"}


def agency_sectors(analysis: Analysis) -> pd.DataFrame:
    """Every agency named in each case (as recorder, recipient or attendee) and its
    sector: ``case_id``, ``agency``, ``sector``."""
    return analysis.derived("agency_sectors", _agency_sectors)


def _distinct(frame: pd.DataFrame) -> set[tuple[Any, ...]]:
    """The distinct rows of ``frame`` as tuples (pandas' hashing first for a cohort)."""
    if len(frame) > 2000:
        frame = frame.drop_duplicates()
    return set(zip(*(frame[c].to_numpy(dtype=object) for c in frame.columns), strict=True))


def _agency_sectors(analysis: Analysis) -> pd.DataFrame:
    ev = analysis.events
    # each (case, agency) once with the greatest sector written for it (a name only
    # recipients or attendees give has none); distinct cells are read once, in Python:
    # a case names a few agencies on many rows
    sector: dict[tuple[Any, Any], str] = {}
    own = ev[["case_id", "agency"]].assign(
        sector=ev["sector"].fillna("") if "sector" in ev.columns else "")
    for case, agency, written in _distinct(own):
        if isinstance(agency, str) and agency:
            sector[case, agency] = max(sector.get((case, agency), ""), written)
    for column in ("recipients", "attendees"):
        if column in ev.columns:
            cells = ev.loc[ev[column].fillna("").ne("").to_numpy(), ["case_id", column]]
            for case, cell in _distinct(cells):
                for agency in cell.split("; "):
                    if agency:
                        sector.setdefault((case, agency), "")
    known = {a.name: a.sector for a in analysis.case.agencies} if analysis.case else {}
    aliases = load_aliases()
    rows = sorted((case, agency, written or known.get(agency) or aliases.sector(agency))
                  for (case, agency), written in sector.items())
    return pd.DataFrame({name: pd.Series([r[i] for r in rows], dtype=object)
                         for i, name in enumerate(("case_id", "agency", "sector"))})


def _plays(role: str, agency: pd.Series, sector: pd.Series) -> np.ndarray:
    if role == "police":
        return sector.eq("police").to_numpy()
    if role == "social-care":
        return agency.map(holds_cases).to_numpy(dtype=bool)
    if role == "host-authority":
        return agency.str.contains(_HOST).to_numpy(dtype=bool)
    raise ValueError(f"{role!r} is not a role that agencies play throughout a case")


def role_agencies(analysis: Analysis, role: str) -> pd.DataFrame:
    """The agencies of each case that play ``role`` (``police``, ``social-care``,
    ``host-authority``): ``case_id``, ``agency``. The lead agency depends on the
    moment: see :func:`lead_agencies`."""
    table = agency_sectors(analysis)
    return table.loc[_plays(role, table["agency"], table["sector"]),
                     ["case_id", "agency"]].reset_index(drop=True)


def role_label(role: str, names: list[str] | tuple[str, ...] = ()) -> str:
    """How a role is named in an explanation: its agencies ("Police" or "X or Y"),
    or its usual name when no agency of the case plays it."""
    return " or ".join(names) if names else _FALLBACK.get(role, role)


def ri_providers(analysis: Analysis) -> pd.DataFrame:
    """The agencies holding return-interview events in each case: ``case_id``, ``agency``."""
    ev = analysis.events
    held = ev.loc[ev["kind"].isin(RI_KINDS) & ev["agency"].ne(""), ["case_id", "agency"]]
    return held.drop_duplicates().astype(object).reset_index(drop=True)


def _main_holder(timed: pd.DataFrame, holder: np.ndarray) -> np.ndarray:
    """For each row, its case's children's social care agency with most records (ties:
    the one recording first by ``seq``, then the first in time); None for a case with
    none. Found on the case and agency codes of ``timed`` (one sort, no hashing)."""
    out = np.full(len(timed), None, dtype=object)
    if not holder.any():
        return out
    case = timed["case_id_code"].to_numpy()
    rows = np.flatnonzero(holder)
    pair = (case[rows] + 1) * np.int64(1 << 32) + timed["agency_code"].to_numpy()[rows]
    _, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    size = np.bincount(inverse)
    low = np.full(len(first), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(low, inverse, timed["seq"].to_numpy()[rows].astype(np.int64))
    pair_case = case[rows[first]]
    # per case: most records, then the lowest first seq, then the first to appear
    order = np.lexsort((first, low, -size, pair_case))
    lead = np.ones(len(order), dtype=bool)
    lead[1:] = pair_case[order][1:] != pair_case[order][:-1]
    chosen = order[lead]
    by_case = np.full(int(case.max(initial=-1)) + 2, None, dtype=object)
    by_case[pair_case[chosen] + 1] = timed["agency"].to_numpy(dtype=object)[rows[first[chosen]]]
    return by_case[case + 1]


def _main_holder_by_name(timed: pd.DataFrame, holder: np.ndarray) -> pd.Series:
    """:func:`_main_holder` per case by name (for a ``seq`` that is not whole numbers);
    a case with none is not in the index."""
    if not holder.any():
        return pd.Series(dtype=object)
    cases = timed["case_id"].to_numpy(dtype=object)[holder]
    agencies = timed["agency"].to_numpy(dtype=object)[holder]
    seqs = timed["seq"].to_numpy()[holder]
    counts: dict[tuple[Any, Any], list[Any]] = {}  # (case, agency) -> [n, first seq]
    for key, seq in zip(zip(cases, agencies, strict=True), seqs.tolist(), strict=True):
        entry = counts.get(key)
        if entry is None:
            counts[key] = [1, seq]
        else:
            entry[0] += 1
            entry[1] = min(entry[1], seq)
    best: dict[Any, tuple[int, Any, Any]] = {}
    for (case, agency), (size, first) in counts.items():  # in order of first record
        if case not in best or (size, -first) > (best[case][0], -best[case][1]):
            best[case] = (size, first, agency)
    return pd.Series({case: agency for case, (_, _, agency) in sorted(best.items())},
                     dtype=object)


def lead_states(analysis: Analysis) -> pd.DataFrame:
    """What each dated record says about who holds the case: one row per (record,
    agency it concerns) with ``state`` ``open`` (until closed), ``work`` (holds for
    ``lead_recent_days``) or ``close``; columns ``case_id``, ``lead``, ``state``,
    ``lo``, ``last``, ``seq``, ``id``."""
    return analysis.derived("lead_states", _lead_states)


def _lead_states(analysis: Analysis) -> pd.DataFrame:
    t = analysis.timed
    kind, agency = t["kind"], t["agency"]
    codes, names = pd.factorize(agency, use_na_sentinel=False)  # a few names, many rows
    holder = np.array([bool(holds_cases(n)) for n in names], dtype=bool)[codes]
    # a case held by social care that sent no return of its own ("Known to CSC (CIN)" in
    # the school's log) is held by the name the others write to: the sector's usual one
    usual = load_aliases().sector_agencies.get("social-care", "")
    main = _main_holder(t, holder) if t["seq"].dtype.kind in "iu" else _main_holder_by_name(
        t, holder).reindex(t["case_id"]).to_numpy(dtype=object)
    main = np.where(pd.isna(main), usual, main)
    own_or_main = np.where(holder, agency.to_numpy(dtype=object), main)
    opened = kind.eq("case_opened").to_numpy()
    # a decision closes a case only for an agency that holds cases (not a police NFA)
    who = (t["case_id_code"].to_numpy() + 1) * np.int64(1 << 32) + t["agency_code"].to_numpy()
    holds = holder | np.isin(who, who[opened])  # (case, agency) as one int64 of their codes
    closing = (kind.eq("case_closed").to_numpy()
               | (t["decision"].ne("").to_numpy() & ~opened & holds))
    status = t["case_status"].isin(OPEN_STATUSES).to_numpy()
    assessing = t["case_status"].eq("assessment").to_numpy()
    parts = [
        (closing, agency.to_numpy(dtype=object), "close"),
        (~closing & opened, agency.to_numpy(dtype=object), "open"),
        (~closing & ~opened & status, own_or_main, "open"),
        (~closing & (holder | assessing), own_or_main, "work"),
    ]
    parts = [(np.flatnonzero(mask), lead, state) for mask, lead, state in parts if mask.any()]
    if not parts:
        return pd.DataFrame(columns=["case_id", "lead", "state", "lo", "last", "seq", "id"])
    # the four selections as one take (in the same order as their concatenation)
    rows = np.concatenate([where for where, _, _ in parts])
    lead = np.concatenate([lead[where] for where, lead, _ in parts])
    state = np.concatenate([np.full(len(where), state, dtype=object) for where, _, state in parts])
    keep = (lead != "") | (state != "close")
    out = t[["case_id", "lo", "last", "seq", "id"]].take(rows[keep]).reset_index(drop=True)
    return out.assign(case_id=out["case_id"].astype(object),
                      lead=pd.Series(lead[keep], dtype=object),
                      state=pd.Series(state[keep], dtype="str"))


def _latest_before(group: np.ndarray, at: np.ndarray, s_group: np.ndarray,
                   s_at: np.ndarray, s_rank: np.ndarray) -> np.ndarray:
    """For each query (``group``, time ``at``): the index of the latest state of the same
    group strictly before ``at`` (states at ``s_at``, ties broken by ``s_rank``), or -1.

    One sort and one ``searchsorted``: the times are ranked over states and queries
    together, so that (group, time rank) is a single int64 key.
    """
    if not len(s_at) or not len(at):
        return np.full(len(at), -1, dtype=np.int64)
    _, ranks = np.unique(np.concatenate([s_at, at]), return_inverse=True)
    width = np.int64(ranks.max() + 2)
    s_key = s_group.astype(np.int64) * width + ranks[:len(s_at)]
    key = group.astype(np.int64) * width + ranks[len(s_at):]
    order = np.lexsort((s_rank, s_key))
    pos = np.searchsorted(s_key[order], key, side="left") - 1  # strictly earlier
    ok = pos >= 0
    ok[ok] = s_group[order[pos[ok]]] == group[ok]
    return np.where(ok, order[np.maximum(pos, 0)], -1)


def _per_case(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """``left.merge(right, on="case_id")`` (each left row with every right row of its
    case, in left then right order) by positions, without a hash join."""
    codes = pd.factorize(np.concatenate([left["case_id"].to_numpy(dtype=object),
                                         right["case_id"].to_numpy(dtype=object)]),
                         use_na_sentinel=False)[0]
    mine, theirs = codes[:len(left)], codes[len(left):]
    order = np.argsort(theirs, kind="stable")  # the right rows case by case, in order
    counts = np.bincount(theirs, minlength=codes.max() + 1 if len(codes) else 0)
    n = counts[mine]
    rows = np.repeat(np.arange(len(left)), n)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(n) - n, n)
    matches = order[np.repeat((np.cumsum(counts) - counts)[mine], n) + within]
    others = right.drop(columns="case_id").take(matches).reset_index(drop=True)
    return pd.concat([left.take(rows).reset_index(drop=True), others], axis=1)


def lead_agencies(anchors: pd.DataFrame, analysis: Analysis) -> pd.DataFrame:
    """Which agencies hold the case at each anchor, read both ways.

    ``lead_early`` reads every record about the case as late as its date allows and
    the anchor as early (fewest records before it); ``lead_late`` the opposite. One
    row per (anchor ``_row``, agency with such records in the case); ``lead`` is
    the usual name ("Children's Social Care") for a case held by social care that sent no
    return of its own.
    """
    states = lead_states(analysis)
    days = pd.Timedelta(days=int(analysis.settings.get("lead_recent_days", 0) or 0)).value
    pair_of = pd.MultiIndex.from_arrays([states["case_id"], states["lead"]])
    s_group, pairs = pd.factorize(pair_of)  # each (case, lead) once, in order of appearance
    pairs = pairs.to_frame(index=False, name=["case_id", "lead"]).assign(
        _g=np.arange(len(pairs)))
    cross = _per_case(anchors[["_row", "case_id", "lo", "last"]].astype({"case_id": object}),
                      pairs)
    if cross.empty:
        return pd.DataFrame(columns=["_row", "lead", "lead_early", "lead_late"])
    group = cross["_g"].to_numpy()
    state = states["state"].to_numpy(dtype=object)
    explicit = state != "work"
    # ids as fixed-width text: sorted in C, in the order Python compares strings
    _, id_rank = np.unique(states["id"].to_numpy(dtype=str), return_inverse=True)
    # ties in time are broken by seq, then id
    rank = np.lexsort((id_rank, states["seq"].to_numpy()))
    s_rank = np.empty(len(rank), dtype=np.int64)
    s_rank[rank] = np.arange(len(rank))
    def ns(frame: pd.DataFrame, column: str) -> np.ndarray:
        return frame[column].to_numpy(dtype="datetime64[ns]").view(np.int64)

    out = {}
    for name, at, on in (("lead_early", "lo", "last"), ("lead_late", "last", "lo")):
        t, s_t = ns(cross, at), ns(states, on)
        latest = {}
        for kind, mask in (("explicit", explicit), ("work", ~explicit)):
            rows = np.flatnonzero(mask)
            found = _latest_before(group, t, s_group[rows], s_t[rows], s_rank[rows])
            latest[kind] = np.where(found >= 0, rows[np.maximum(found, 0)], -1) if len(
                rows) else found
        e, w = latest["explicit"], latest["work"]
        held = (e >= 0) & (state[np.maximum(e, 0)] == "open")
        # the latest closure is the latest explicit state when that is a closure (when it
        # is an opening, the agency holds the case anyway)
        closed = (e >= 0) & (state[np.maximum(e, 0)] == "close")
        work_t = s_t[np.maximum(w, 0)]
        recent = (w >= 0) & (t <= work_t + days) & (~closed | (s_t[np.maximum(e, 0)] < work_t))
        out[name] = held | recent
    table = cross[["_row", "lead"]].assign(**out)
    # rows in the order of the as-of joins this replaces: by the anchors' ``lo`` when
    # that is also their order by ``last``, else by (anchor, lead)
    early = np.argsort(ns(cross, "lo"), kind="stable")
    late = np.argsort(ns(cross, "last"), kind="stable")
    if np.array_equal(early, late):
        return table.iloc[early].reset_index(drop=True)
    return table.sort_values(["_row", "lead"], kind="stable").reset_index(drop=True)
