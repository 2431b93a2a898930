"""Step 5 of a case: background added, then order, ids, attendees, source lines, key."""

from __future__ import annotations

import numpy as np

from workbench.generate._background import draw_background
from workbench.generate._state import CaseDraft, CaseEvents, CasePlan, KeyRow
from workbench.generate._tables import _tables
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


def assemble_case(plan: CasePlan, draft: CaseDraft, rng: np.random.Generator,
                  n_events: int) -> CaseEvents:
    """The case's events: the draft's and background ones up to about ``n_events``.

    Events are put in time order (ties in the order added) and numbered; meetings get
    their attendees (every non-family agency with an event in the 32 days before, less
    a planted meeting's omitted agency, whose key row is written here); key rows name
    event ids.
    """
    ev = draft.events
    n_sk = len(ev)
    bg = draw_background(plan, draft, rng, max(0, n_events - n_sk))
    sk_time = np.array(ev.time, dtype=np.int64)
    t = np.concatenate([sk_time, bg.time])
    end = np.concatenate([sk_time + 1, bg.end])
    ag = np.concatenate([np.array(ev.agency, dtype=np.int64), bg.agency])
    kd = np.concatenate([np.array(ev.kind, dtype=np.int64), bg.kind])
    txt = np.concatenate([np.array(ev.summary, dtype=object), bg.summary])
    rec_sk = np.array(["; ".join(AGENCIES[a] for a in x) if x else None for x in ev.recipients],
                      dtype=object)
    rec = np.concatenate([rec_sk, bg.recipients])
    ref = np.concatenate([np.array(ev.refers_to, dtype=np.int64),
                          np.where(bg.refers_to >= 0, bg.refers_to + n_sk, -1)])
    day = np.concatenate([np.zeros(n_sk, dtype=bool), bg.whole_day])
    grade = np.concatenate([np.array(ev.risk_grade, dtype=object),
                            np.full(len(bg.time), None, dtype=object)])
    n = len(t)
    order = np.lexsort((np.arange(n), t))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    key = list(draft.key)
    # attendees: every non-family agency with an event in the 32 days before (a margin)
    attendees = np.full(n, None, dtype=object)
    ts, ags_sorted = t[order], ag[order]
    fam = np.isin(ags_sorted, _FAMILY_SECTOR)
    meet = np.flatnonzero((kd == STRATEGY) | (kd == MAM))
    for i in meet.tolist():
        lo = np.searchsorted(ts, t[i] - 32 * _DAY, side="left")
        hi = np.searchsorted(ts, t[i], side="right")
        present = set(np.unique(ags_sorted[lo:hi][~fam[lo:hi]]).tolist())
        present.add(int(ag[i]))
        if i in draft.omitted:
            left_out = _left_out(draft, i, t, ag, rank, day)
            if left_out is not None:
                present.discard(left_out[0])
                key.append(left_out[1])
        attendees[i] = "; ".join(AGENCIES[a] for a in sorted(present))
    tables = _tables()
    protective = tables.protective[kd[order]]
    key_ids = []
    for row in key:
        evidence = row.events
        if evidence[-1] == _NEXT_PROTECTIVE:
            later = np.flatnonzero(protective & (ts >= t[evidence[0]]))
            evidence = evidence[:-1] + ([int(order[later[0]])] if len(later) else [])
        key_ids.append((row.pattern, [tables.ids[rank[e] + 1] for e in evidence], row.note))
    # source lines: per agency file, in composite order
    by_ag = np.lexsort((rank, ag))
    ag_sorted = ag[by_ag]
    starts = np.r_[0, np.flatnonzero(ag_sorted[1:] != ag_sorted[:-1]) + 1]
    counts = np.diff(np.r_[starts, n])
    line = np.empty(n, dtype=np.int64)
    line[by_ag] = np.arange(n) - np.repeat(starts, counts) + 2
    seq = rank + 1
    return CaseEvents(
        case_id=plan.case_id, seq=seq[order], agency=ag[order], kind=kd[order], start=ts,
        end=end[order], whole_day=day[order], summary=txt[order], recipients=rec[order],
        attendees=attendees[order], risk_grade=grade[order],
        refers_to=np.where(ref >= 0, rank[np.maximum(ref, 0)] + 1, -1)[order],
        source_line=line[order], key=key_ids,
        n_agencies=len(set(ag.tolist())),
        n_episodes=int(np.isin(kd, (MISSING, ABSENCE)).sum()))


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
