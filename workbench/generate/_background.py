"""Step 4 of a case: the background events, drawn vectorised (numpy)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.generate._calendar import _local_midnight
from workbench.generate._state import CaseDraft, CasePlan
from workbench.generate._tables import _tables
from workbench.generate._vocab import (
    _ASSESS,
    _DAY,
    _DAY_CONTACT,
    _FAMILY_SECTOR,
    CONTACT,
    COUNS,
    CSC,
    HOST,
    HUB,
    NOTIFICATION,
    REFERRAL,
    RESID,
    SHARED,
)


@dataclass(frozen=True)
class BackgroundEvents:
    """Background events as columns; ``refers_to`` indexes these events (-1: none)."""

    time: np.ndarray
    end: np.ndarray
    agency: np.ndarray
    kind: np.ndarray
    summary: np.ndarray       # object: str
    recipients: np.ndarray    # object: str or None
    refers_to: np.ndarray
    whole_day: np.ndarray     # bool


def draw_background(plan: CasePlan, draft: CaseDraft, rng: np.random.Generator,
                    n_events: int) -> BackgroundEvents:
    """About ``n_events`` background events: contacts, assessments, answered hand-offs,
    meetings, reviews and day-precision contacts, none inside a blackout."""
    has = draft.agency_set
    ags = np.array(sorted(a for a in draft.agencies if a != HOST), dtype=np.int64)
    pro = ags[~np.isin(ags, _FAMILY_SECTOR)]
    day_ags = np.array([a for a in _DAY_CONTACT if a in has], dtype=np.int64)
    has_counselling = COUNS in has
    probs = np.array([0.40, 0.12, 0.30, 0.035, 0.03, 0.02,
                      0.05 if has_counselling else 0.0, 0.03 if len(day_ags) else 0.0])
    probs /= probs.sum()
    m = max(n_events, 1)
    utype = rng.choice(8, size=m, p=probs)
    nrec = np.where(utype == 2, 1 + (rng.random(m) < 0.15), 0)
    keep = np.cumsum(1 + nrec) <= n_events
    utype, nrec = utype[keep], nrec[keep]
    m = len(utype)
    ag = np.empty(m, dtype=np.int64)
    tables = _tables()
    for ty in range(8):
        sel = utype == ty
        k = int(sel.sum())
        if not k:
            continue
        if ty == 0:
            codes, w = ags, tables.w_contact[ags]
        elif ty == 1:
            codes = ags[np.isin(ags, list(_ASSESS))]
            w = tables.w_contact[codes]
        elif ty == 2:
            codes, w = pro, tables.w_handoff[pro]
        elif ty == 3:
            codes = np.array([HUB, CSC] if HUB in has else [CSC])
            w = np.array([0.6, 0.4]) if HUB in has else np.ones(1)
        elif ty == 4:
            codes = np.array([HUB, CSC] if HUB in has else [CSC])
            w = np.ones(len(codes))
        elif ty == 5:
            codes = np.array([CSC, RESID] if RESID in has else [CSC])
            w = np.ones(len(codes))
        elif ty == 6:
            codes, w = np.array([COUNS]), np.ones(1)
        else:
            codes, w = day_ags, np.ones(len(day_ags))
        ag[sel] = rng.choice(codes, size=k, p=w / w.sum())
    s_day, e_day = plan.review_start_day, plan.review_end_day
    day = rng.integers(s_day, e_day + 1, m)
    anytime = tables.anytime[ag]
    w = (day + 3) % 7
    day = np.where(~anytime & (w >= 5), day + 7 - w, day)
    minute = np.where(anytime, rng.integers(0, _DAY, m), 480 + rng.integers(0, 570, m))
    t = day * _DAY + minute
    end = t + 1
    is_day = utype == 7
    if is_day.any():
        for u in np.flatnonzero(is_day):
            t[u] = _local_midnight(int(day[u]))
            end[u] = _local_midnight(int(day[u]) + 1)
    kind = tables.unit_kind[utype].copy()
    hand = np.flatnonzero(utype == 2)
    hk = rng.choice(np.array([SHARED, REFERRAL, NOTIFICATION]), size=len(hand),
                    p=[0.6, 0.25, 0.15])
    kind[hand] = hk
    # recipients (never the sender, family, or the host authority)
    pos = tables.scratch.copy()
    pos[pro] = np.arange(len(pro))
    snd = ag[hand]
    sp = pos[snd]
    inside = sp >= 0
    j = (rng.random(len(hand)) * (len(pro) - inside)).astype(np.int64)
    j += inside & (j >= sp)
    r1 = pro[j]
    r2 = pro[rng.integers(0, len(pro), len(hand))]
    two = (nrec[hand] == 2) & (r2 != snd) & (r2 != r1)
    r2 = np.where(two, r2, -1)
    # texts
    tpl = tables.templates
    pick = rng.integers(0, tpl.shape[2], m)
    summary = tpl[np.minimum(utype, 7), ag, pick]
    rec_txt = np.full(m, None, dtype=object)
    lo_, hi_ = np.where(two, np.minimum(r1, r2), r1), np.where(two, np.maximum(r1, r2), -1)
    verb = tables.verb_index[hk]
    summary[hand] = tables.handoff_text[verb, lo_, hi_ + 1]
    rec_txt[hand] = tables.recipients_text[lo_, hi_ + 1]
    # answers, within 2 working days
    ans_by = np.concatenate([r1, r2[two]])
    ans_of = np.concatenate([hand, hand[two]])
    h_day = day[ans_of]
    kday = rng.choice(np.array([0, 1, 1, 2]), size=len(ans_of))
    a_day = np.busday_offset(h_day.astype("datetime64[D]"), kday,
                             roll="forward").astype(np.int64)
    same = a_day == h_day
    a_t = np.where(same, t[ans_of] + rng.integers(10, 181, len(ans_of)),
                   a_day * _DAY + 480 + rng.integers(0, 570, len(ans_of)))
    # flat arrays: units first, then answers
    unit = np.concatenate([np.arange(m), ans_of])
    f_t = np.concatenate([t, a_t])
    f_end = np.concatenate([end, a_t + 1])
    f_ag = np.concatenate([ag, ans_by])
    f_kd = np.concatenate([kind, np.full(len(ans_of), CONTACT)])
    f_txt = np.concatenate([summary, tables.answer_text[ag[ans_of]]])
    f_rec = np.concatenate([rec_txt, np.full(len(ans_of), None, dtype=object)])
    f_ref = np.concatenate([np.full(m, -1), ans_of])
    f_day = np.concatenate([is_day, np.zeros(len(ans_of), dtype=bool)])
    rec1 = np.full(len(f_t), -1)
    rec2 = rec1.copy()
    rec1[hand], rec2[hand] = r1, r2
    bad = np.zeros(len(f_t), dtype=bool)
    is_prot = tables.protective[f_kd]
    is_hand = tables.handoff[f_kd]
    for b in draft.blackouts:
        hit = (f_t <= b.end) & (f_end >= b.start)
        if b.kind == "protective":
            hit &= is_prot
        elif b.kind == "agency":
            hit &= f_ag == b.agency
        else:
            targets = list(b.recipients)
            hit &= (f_ag == b.agency) & is_hand & (np.isin(rec1, targets) | np.isin(rec2, targets))
        bad |= hit
    drop = np.zeros(m, dtype=bool)
    drop[unit[bad]] = True
    ok = ~drop[unit]
    new_unit_pos = np.cumsum(ok) - 1  # position of each kept flat event
    unit_first = np.full(m, -1)
    unit_first[np.arange(m)[~drop]] = new_unit_pos[:m][~drop]
    ref = f_ref[ok]
    ref = np.where(ref >= 0, unit_first[np.maximum(ref, 0)], -1)
    return BackgroundEvents(time=f_t[ok], end=f_end[ok], agency=f_ag[ok], kind=f_kd[ok],
                            summary=f_txt[ok], recipients=f_rec[ok], refers_to=ref,
                            whole_day=f_day[ok])

