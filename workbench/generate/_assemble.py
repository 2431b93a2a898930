"""Step 5 of a case: background added, then order, ids, attendees, source lines, key."""

from __future__ import annotations

from functools import cache

import numpy as np

from workbench.generate._background import draw_background
from workbench.generate._state import CaseDraft, CaseEvents, CasePlan, KeyRow
from workbench.generate._tables import _tables
from workbench.generate._texts import TextTable
from workbench.generate._vocab import (
    _DAY,
    _FAMILY_SECTOR,
    _NEXT_PROTECTIVE,
    ABSENCE,
    AGENCIES,
    MAM,
    MISSING,
    STRATEGY,
)

_N_AGENCIES = len(AGENCIES)
_NOT_FAMILY = np.array([a not in _FAMILY_SECTOR for a in range(_N_AGENCIES)])


def assemble_case(plan: CasePlan, draft: CaseDraft, rng: np.random.Generator,
                  n_events: int, texts: TextTable) -> CaseEvents:
    """The case's events: the draft's and background ones up to about ``n_events``.

    Events are put in time order (ties in the order added) and numbered; meetings get
    their attendees (every non-family agency with an event in the 32 days before, less
    a planted meeting's omitted agency, whose key row is written here); key rows name
    event ids. Text columns are codes into ``texts``.
    """
    ev = draft.events
    n_sk = len(ev)
    bg = draw_background(plan, draft, rng, max(0, n_events - n_sk))
    sk_time = np.array(ev.time, dtype=np.int64)
    t = np.concatenate([sk_time, bg.time])
    end = np.concatenate([sk_time + 1, bg.end])
    ag = np.concatenate([np.array(ev.agency, dtype=np.int64), bg.agency])
    kd = np.concatenate([np.array(ev.kind, dtype=np.int64), bg.kind])
    n_bg = len(bg.time)
    n = n_sk + n_bg
    order = np.argsort(t, kind="stable")          # time order, ties in the order added
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    ts, ag_sorted = t[order], ag[order]
    key = list(draft.key)
    attendees = np.full(n, -1, dtype=np.int32)
    meetings = np.flatnonzero((kd == STRATEGY) | (kd == MAM))
    if len(meetings):
        attendees[meetings] = _attendees(draft, key, texts, meetings, t, ag, ts, ag_sorted,
                                         rank, bg.whole_day)
    protective = _tables().protective[kd[order]]
    ids = _tables().ids
    key_ids = []
    for row in key:
        evidence = row.events
        if evidence[-1] == _NEXT_PROTECTIVE:
            later = np.flatnonzero(protective & (ts >= t[evidence[0]]))
            evidence = evidence[:-1] + ([int(order[later[0]])] if len(later) else [])
        key_ids.append((row.pattern, [ids[rank[e] + 1] for e in evidence], row.note))
    summary = np.concatenate([texts.codes(ev.summary), bg.summary])
    recipients = np.concatenate([
        texts.codes("; ".join(AGENCIES[a] for a in x) if x else None for x in ev.recipients),
        bg.recipients])
    grade = np.concatenate([texts.codes(ev.risk_grade), np.full(n_bg, -1, dtype=np.int32)])
    ref = np.concatenate([np.array(ev.refers_to, dtype=np.int64),
                          np.where(bg.refers_to >= 0, bg.refers_to + n_sk, -1)])
    ref_sorted = ref[order]
    kind_counts = np.bincount(kd, minlength=max(MISSING, ABSENCE) + 1)
    return CaseEvents(
        case_id=plan.case_id, seq=np.arange(1, n + 1), agency=ag_sorted, kind=kd[order],
        start=ts, end=end[order],
        whole_day=np.concatenate([np.zeros(n_sk, dtype=bool), bg.whole_day])[order],
        summary=summary[order], recipients=recipients[order], attendees=attendees[order],
        risk_grade=grade[order],
        refers_to=np.where(ref_sorted >= 0, rank[np.maximum(ref_sorted, 0)] + 1, -1),
        source_line=_source_lines(ag_sorted),
        key=key_ids,
        n_agencies=int(np.count_nonzero(np.bincount(ag, minlength=_N_AGENCIES))),
        n_episodes=int(kind_counts[MISSING] + kind_counts[ABSENCE]))


def _source_lines(agency: np.ndarray) -> np.ndarray:
    """Each event's line in its agency's file (events in time order; line 1 the header)."""
    n = len(agency)
    by_agency = np.argsort(agency * n + np.arange(n))    # by agency, then time
    counts = np.bincount(agency, minlength=_N_AGENCIES)
    position = np.empty(n, dtype=np.int64)
    position[by_agency] = np.arange(n)
    return position - (np.cumsum(counts) - counts)[agency] + 2


def _attendees(draft: CaseDraft, key: list[KeyRow], texts: TextTable, meetings: np.ndarray,
               t: np.ndarray, ag: np.ndarray, ts: np.ndarray, ag_sorted: np.ndarray,
               rank: np.ndarray, bg_whole_day: np.ndarray) -> np.ndarray:
    """The attendees of each meeting (codes): its convener and every non-family agency with
    an event from 32 days before to the meeting's minute, less a planted meeting's
    omitted agency (whose key row is appended to ``key``)."""
    # agencies as bits (family none), OR-ed over each meeting's window in time order
    bits = np.append(np.where(_NOT_FAMILY[ag_sorted], np.left_shift(1, ag_sorted), 0), 0)
    window = np.empty(2 * len(meetings), dtype=np.intp)
    window[0::2] = np.searchsorted(ts, t[meetings] - 32 * _DAY, side="left")
    window[1::2] = np.searchsorted(ts, t[meetings], side="right")
    present = (np.bitwise_or.reduceat(bits, window)[0::2] | np.left_shift(1, ag[meetings]))
    present_list: list[int] = present.tolist()
    for row, i in enumerate(meetings.tolist()):
        if i in draft.omitted:
            day = np.concatenate([np.zeros(len(ag) - len(bg_whole_day), dtype=bool),
                                  bg_whole_day])
            left_out = _left_out(draft, i, t, ag, rank, day)
            if left_out is not None:
                present_list[row] &= ~(1 << left_out[0])
                key.append(left_out[1])
    return np.array([texts.code(_agency_list(p)) for p in present_list], dtype=np.int32)


@cache
def _agency_list(bits: int) -> str:
    """"Police; School" for the agencies whose bits are set, in agency order."""
    return "; ".join(AGENCIES[a] for a in range(_N_AGENCIES) if bits >> a & 1)


def _left_out(draft: CaseDraft, i: int, t: np.ndarray, ag: np.ndarray, rank: np.ndarray,
              day: np.ndarray) -> tuple[int, KeyRow] | None:
    """The agency left out of planted meeting ``i`` and its key row: the one the draft
    chose if it had a record in the 30 days before, else the first other agency that had;
    None when none had."""
    tm = int(t[i])
    for x in (draft.omitted[i], *[a for a in draft.agencies if a not in _FAMILY_SECTOR]):
        if x == ag[i]:
            continue
        mask = (ag == x) & (t < tm)
        if (ag[t == tm] == x).any() or not mask.any() or (day & (ag == x)).any():
            continue
        idx = np.flatnonzero(mask)
        last = idx[np.argmax(rank[idx])]
        if t[last] >= tm - 29 * _DAY:
            return x, KeyRow("meeting-missing-agency", [i, int(last)],
                             f"Meeting held without {AGENCIES[x]}, which had a record in the "
                             "30 days before")
    return None
