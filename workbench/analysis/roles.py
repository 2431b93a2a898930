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


def _agency_sectors(analysis: Analysis) -> pd.DataFrame:
    ev = analysis.events
    # rows that repeat a (case, agency, sector) already seen, or name no one, are
    # dropped before the sort and the split (the same table, a fraction of the work)
    own = ev[["case_id", "agency"]].assign(
        sector=ev["sector"] if "sector" in ev.columns else "").drop_duplicates()
    named = [ev.loc[ev[c].fillna("").ne("").to_numpy(), ["case_id", c]].drop_duplicates()
             .rename(columns={c: "agency"}).assign(
        agency=lambda f: f["agency"].str.split("; ")).explode("agency").assign(sector="")
        for c in ("recipients", "attendees") if c in ev.columns]
    table = pd.concat([own, *named], ignore_index=True).astype(object)
    table = table.loc[table["agency"].fillna("").ne("")]
    table["sector"] = table["sector"].fillna("")
    table = table.sort_values("sector", ascending=False, kind="stable").drop_duplicates(
        ["case_id", "agency"])
    known = {a.name: a.sector for a in analysis.case.agencies} if analysis.case else {}
    missing = table["sector"].eq("")
    if missing.any():
        aliases = load_aliases()
        table.loc[missing, "sector"] = [known.get(a) or aliases.sector(a)
                                        for a in table.loc[missing, "agency"]]
    return table.sort_values(["case_id", "agency"], kind="stable").reset_index(drop=True)


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


def _main_holder(timed: pd.DataFrame, holder: np.ndarray) -> pd.Series:
    """Per case, the children's social care agency with most records ("" when none)."""
    own = timed.loc[holder, ["case_id", "agency", "seq"]]
    if own.empty:
        return pd.Series(dtype=object)
    counts = own.groupby(["case_id", "agency"], sort=False).agg(n=("seq", "size"),
                                                                 first=("seq", "min"))
    counts = counts.reset_index().sort_values(["case_id", "n", "first"],
                                              ascending=[True, False, True], kind="stable")
    return counts.drop_duplicates("case_id").set_index("case_id")["agency"]


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
    main = _main_holder(t, holder).reindex(t["case_id"]).fillna("").to_numpy(dtype=object)
    own_or_main = np.where(holder, agency.to_numpy(dtype=object), main)
    opened = kind.eq("case_opened").to_numpy()
    # a decision closes a case only for an agency that holds cases (not a police NFA)
    who = pd.MultiIndex.from_arrays([t["case_id"].astype(object), agency.astype(object)])
    holds = holder | who.isin(who[opened])
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
    frames = [t.loc[mask, ["case_id", "lo", "last", "seq", "id"]].assign(lead=lead[mask],
                                                                          state=state)
              for mask, lead, state in parts if mask.any()]
    if not frames:
        return pd.DataFrame(columns=["case_id", "lead", "state", "lo", "last", "seq", "id"])
    out = pd.concat(frames, ignore_index=True).astype({"case_id": object, "lead": object})
    return out.loc[out["lead"].ne("") | out["state"].ne("close")].reset_index(drop=True)


def _latest(anchors: pd.DataFrame, states: pd.DataFrame, at: str, on: str) -> pd.DataFrame:
    """For each (anchor, lead): the latest state row strictly before ``anchors[at]``,
    state rows placed at their ``on`` (``s_t``); ties broken by seq then id."""
    right = states.assign(s_t=states[on]).rename(
        columns={"lo": "s_lo", "last": "s_last", "seq": "s_seq", "id": "s_id"})
    right = right.sort_values(["s_t", "s_seq", "s_id"], kind="stable")
    return pd.merge_asof(anchors.sort_values(at, kind="stable"), right, left_on=at,
                         right_on="s_t", by=["case_id", "lead"], direction="backward",
                         allow_exact_matches=False)


def lead_agencies(anchors: pd.DataFrame, analysis: Analysis) -> pd.DataFrame:
    """Which agencies hold the case at each anchor, read both ways.

    ``lead_early`` reads every record about the case as late as its date allows and
    the anchor as early (fewest records before it); ``lead_late`` the opposite. One
    row per (anchor ``_row``, agency with such records in the case); ``lead`` is
    ``""`` for a case held by children's social care that has no record of its own.
    """
    states = lead_states(analysis)
    days = pd.Timedelta(days=int(analysis.settings.get("lead_recent_days", 0) or 0))
    pairs = states[["case_id", "lead"]].drop_duplicates()
    cross = anchors[["_row", "case_id", "lo", "last"]].astype({"case_id": object}).merge(
        pairs, on="case_id")
    if cross.empty:
        return pd.DataFrame(columns=["_row", "lead", "lead_early", "lead_late"])
    out = {}
    explicit_states = states.loc[states["state"].ne("work")]
    work_states = states.loc[states["state"].eq("work")]
    for name, at, on in (("lead_early", "lo", "last"), ("lead_late", "last", "lo")):
        explicit = _latest(cross, explicit_states, at, on).set_index(["_row", "lead"])
        work = _latest(cross, work_states, at, on).set_index(["_row", "lead"]).reindex(
            explicit.index)
        held = explicit["state"].eq("open")
        # the latest closure is the latest explicit state when that is a closure (when it
        # is an opening, the agency holds the case anyway)
        closed_at = explicit["s_t"].where(explicit["state"].eq("close"))
        recent = work["s_t"].notna() & (explicit[at] <= work["s_t"] + days) & (
            closed_at.isna() | (closed_at < work["s_t"]))
        out[name] = held | recent
    return pd.DataFrame(out).reset_index()
