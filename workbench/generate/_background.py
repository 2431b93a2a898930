"""Step 4 of a case: the background events, drawn vectorised (numpy)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.generate._calendar import _local_midnight
from workbench.generate._state import CaseDraft, CasePlan
from workbench.generate._tables import _Tables, _tables
from workbench.generate._vocab import (
    _DAY,
    _DAY_CONTACT,
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
    summary: np.ndarray       # text codes
    recipients: np.ndarray    # text codes (-1: none)
    refers_to: np.ndarray
    whole_day: np.ndarray     # bool


def choose(rng: np.random.Generator, values: np.ndarray, size: int,
           p: np.ndarray) -> np.ndarray:
    """``rng.choice(values, size=size, p=p)``: the same draws, without its checks.

    numpy's ``Generator.choice`` with ``p`` draws ``size`` uniforms and looks each up in
    the normalised cumulative ``p``; this does exactly that (``tests/test_generate.py``
    checks the two agree), at a fraction of the call's cost on small arrays.
    """
    return draw(rng, values, size, cumulative(p))


def cumulative(p: np.ndarray) -> np.ndarray:
    """The normalised cumulative ``p`` that :func:`draw` looks uniforms up in."""
    cdf = np.cumsum(p)
    cdf /= cdf[-1]
    return cdf


def draw(rng: np.random.Generator, values: np.ndarray, size: int,
         cdf: np.ndarray) -> np.ndarray:
    """``size`` draws from ``values`` with the probabilities whose :func:`cumulative` is
    ``cdf`` (``choose`` with the cumulative computed once)."""
    return values[cdf.searchsorted(rng.random(size), side="right")]


def _unit_cdf(counselling: bool, day_contact: bool) -> np.ndarray:
    probs = np.array([0.40, 0.12, 0.30, 0.035, 0.03, 0.02,
                      0.05 if counselling else 0.0, 0.03 if day_contact else 0.0])
    probs /= probs.sum()
    return cumulative(probs)


def _normalised_cdf(w: np.ndarray) -> np.ndarray:
    """The cumulative of ``w / w.sum()`` (as ``rng.choice(…, p=w / w.sum())`` uses)."""
    return cumulative(w / w.sum())


_UNIT_TYPES = np.arange(8)
# background unit types by whether the case has a counselling service and an agency
# that records day-precision contacts
_UNIT_CDF = {(c, d): _unit_cdf(c, d) for c in (False, True) for d in (False, True)}
_HANDOFF_KINDS = np.array([SHARED, REFERRAL, NOTIFICATION])
_HANDOFF_CDF = cumulative(np.array([0.6, 0.25, 0.15]))
_ANSWER_DAYS = np.array([0, 1, 1, 2])
_HUB_CSC, _CSC, _CSC_RESID, _COUNS = (np.array(x) for x in ([HUB, CSC], [CSC], [CSC, RESID],
                                                               [COUNS]))
_MEETING_CDF = _normalised_cdf(np.array([0.6, 0.4]))
_UNIFORM_CDF = {n: _normalised_cdf(np.ones(n)) for n in range(1, 5)}


def draw_background(plan: CasePlan, draft: CaseDraft, rng: np.random.Generator,
                    n_events: int) -> BackgroundEvents:
    """About ``n_events`` background events: contacts, assessments, answered hand-offs,
    meetings, reviews and day-precision contacts, none inside a blackout."""
    tables = _tables()
    has = draft.agency_set
    ags = np.array(sorted(a for a in draft.agencies if a != HOST), dtype=np.int64)
    pro = ags[~tables.family[ags]]
    day_ags = np.array([a for a in _DAY_CONTACT if a in has], dtype=np.int64)
    m = max(n_events, 1)
    utype = draw(rng, _UNIT_TYPES, m, _UNIT_CDF[COUNS in has, len(day_ags) > 0])
    nrec = np.where(utype == 2, 1 + (rng.random(m) < 0.15), 0)
    keep = np.cumsum(1 + nrec) <= n_events
    utype, nrec = utype[keep], nrec[keep]
    m = len(utype)
    ag = _draw_agencies(rng, tables, utype, ags, pro, day_ags, has)
    s_day, e_day = plan.review_start_day, plan.review_end_day
    day = rng.integers(s_day, e_day + 1, m)
    anytime = tables.anytime[ag]
    w = (day + 3) % 7
    day = np.where(~anytime & (w >= 5), day + 7 - w, day)
    minute = np.where(anytime, rng.integers(0, _DAY, m), 480 + rng.integers(0, 570, m))
    t = day * _DAY + minute
    end = t + 1
    is_day = utype == 7
    for u in np.flatnonzero(is_day).tolist():
        d = int(day[u])
        t[u] = _local_midnight(d)
        end[u] = _local_midnight(d + 1)
    kind = tables.unit_kind[utype]
    hand = np.flatnonzero(utype == 2)
    hk = draw(rng, _HANDOFF_KINDS, len(hand), _HANDOFF_CDF)
    kind[hand] = hk
    # recipients (never the sender, family, or the host authority)
    pos = np.full(len(tables.family), -1, dtype=np.int64)
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
    tpl = tables.template_code
    pick = rng.integers(0, tpl.shape[2], m)
    summary = tpl[utype, ag, pick]
    rec_txt = np.full(m, -1, dtype=np.int32)
    lo_, hi_ = np.where(two, np.minimum(r1, r2), r1), np.where(two, np.maximum(r1, r2), -1)
    summary[hand] = tables.handoff_code[tables.verb_index[hk], lo_, hi_ + 1]
    rec_txt[hand] = tables.recipients_code[lo_, hi_ + 1]
    # answers, within 2 working days
    ans_by = np.concatenate([r1, r2[two]])
    ans_of = np.concatenate([hand, hand[two]])
    n_ans = len(ans_of)
    h_day = day[ans_of]
    kday = _ANSWER_DAYS[rng.integers(0, len(_ANSWER_DAYS), size=n_ans)]  # = rng.choice
    a_day = np.busday_offset(h_day.astype("datetime64[D]"), kday,
                             roll="forward").astype(np.int64)
    same = a_day == h_day
    a_t = np.where(same, t[ans_of] + rng.integers(10, 181, n_ans),
                   a_day * _DAY + 480 + rng.integers(0, 570, n_ans))
    # flat arrays: units first, then answers
    f_t = np.concatenate([t, a_t])
    f_end = np.concatenate([end, a_t + 1])
    f_ag = np.concatenate([ag, ans_by])
    f_kd = np.concatenate([kind, np.full(n_ans, CONTACT)])
    unit = np.concatenate([np.arange(m), ans_of])
    bad = _in_blackouts(draft, tables, f_t, f_end, f_ag, f_kd, hand, r1, r2)
    f_txt = np.concatenate([summary, tables.answer_code[ag[ans_of]]])
    f_rec = np.concatenate([rec_txt, np.full(n_ans, -1, dtype=np.int32)])
    f_ref = np.concatenate([np.full(m, -1), ans_of])
    f_day = np.concatenate([is_day, np.zeros(n_ans, dtype=bool)])
    if not bad.any():
        return BackgroundEvents(time=f_t, end=f_end, agency=f_ag, kind=f_kd, summary=f_txt,
                                recipients=f_rec, refers_to=f_ref, whole_day=f_day)
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


def _draw_agencies(rng: np.random.Generator, tables: _Tables, utype: np.ndarray,
                   ags: np.ndarray, pro: np.ndarray, day_ags: np.ndarray,
                   has: frozenset[int]) -> np.ndarray:
    """Each background unit's agency, drawn type by type."""
    ag = np.empty(len(utype), dtype=np.int64)
    counts = np.bincount(utype, minlength=8)
    for ty in np.flatnonzero(counts).tolist():
        if ty == 0:
            codes, cdf = ags, _normalised_cdf(tables.w_contact[ags])
        elif ty == 1:
            codes = ags[tables.assesses[ags]]
            cdf = _normalised_cdf(tables.w_contact[codes])
        elif ty == 2:
            codes, cdf = pro, _normalised_cdf(tables.w_handoff[pro])
        elif ty == 3:
            codes, cdf = (_HUB_CSC, _MEETING_CDF) if HUB in has else (_CSC, _UNIFORM_CDF[1])
        elif ty == 4:
            codes = _HUB_CSC if HUB in has else _CSC
            cdf = _UNIFORM_CDF[len(codes)]
        elif ty == 5:
            codes = _CSC_RESID if RESID in has else _CSC
            cdf = _UNIFORM_CDF[len(codes)]
        elif ty == 6:
            codes, cdf = _COUNS, _UNIFORM_CDF[1]
        else:
            codes, cdf = day_ags, _UNIFORM_CDF[len(day_ags)]
        ag[utype == ty] = draw(rng, codes, int(counts[ty]), cdf)
    return ag


def _in_blackouts(draft: CaseDraft, tables: _Tables, t: np.ndarray, end: np.ndarray,
                  ag: np.ndarray, kind: np.ndarray, hand: np.ndarray, r1: np.ndarray,
                  r2: np.ndarray) -> np.ndarray:
    """Which events (units then answers) fall foul of one of the draft's blackouts."""
    bad = np.zeros(len(t), dtype=bool)
    if not draft.blackouts:
        return bad
    rec1 = np.full(len(t), -1)
    rec2 = rec1.copy()
    rec1[hand], rec2[hand] = r1, r2
    is_prot = tables.protective[kind]
    is_hand = tables.handoff[kind]
    for b in draft.blackouts:
        hit = (t <= b.end) & (end >= b.start)
        if b.kind == "protective":
            hit &= is_prot
        elif b.kind == "agency":
            hit &= ag == b.agency
        else:
            targets = np.zeros(len(tables.family) + 1, dtype=bool)   # last: no recipient
            targets[list(b.recipients)] = True
            hit &= (ag == b.agency) & is_hand & (targets[rec1] | targets[rec2])
        bad |= hit
    return bad
