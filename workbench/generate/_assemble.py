"""Steps 4 to 6 of a case: vectorised background, attendees, order and ids."""

from __future__ import annotations

import numpy as np

from workbench.generate._calendar import _local_midnight
from workbench.generate._tables import _tables
from workbench.generate._vocab import (
    _ASSESS,
    _DAY,
    _DAY_CONTACT,
    _FAMILY_SECTOR,
    _NEXT_PROTECTIVE,
    ABSENCE,
    AGENCIES,
    CONTACT,
    COUNS,
    CSC,
    HOST,
    HUB,
    MAM,
    MISSING,
    NOTIFICATION,
    REFERRAL,
    RESID,
    SHARED,
    STRATEGY,
)


class _AssembleStep:
    """Steps 4 to 6 (mixed into :class:`workbench.generate._case._Case`)."""

    # ---- step 4: background, vectorised
    def background(self, n_bg: int) -> dict[str, np.ndarray]:
        rng = self.rng
        ags = np.array(sorted(a for a in self.agencies if a != HOST), dtype=np.int64)
        pro = ags[~np.isin(ags, _FAMILY_SECTOR)]
        day_ags = np.array([a for a in _DAY_CONTACT if a in self.has], dtype=np.int64)
        has_counselling = COUNS in self.has
        probs = np.array([0.40, 0.12, 0.30, 0.035, 0.03, 0.02,
                          0.05 if has_counselling else 0.0, 0.03 if len(day_ags) else 0.0])
        probs /= probs.sum()
        m = max(n_bg, 1)
        utype = rng.choice(8, size=m, p=probs)
        nrec = np.where(utype == 2, 1 + (rng.random(m) < 0.15), 0)
        keep = np.cumsum(1 + nrec) <= n_bg
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
                codes = np.array([HUB, CSC] if HUB in self.has else [CSC])
                w = np.array([0.6, 0.4]) if HUB in self.has else np.ones(1)
            elif ty == 4:
                codes = np.array([HUB, CSC] if HUB in self.has else [CSC])
                w = np.ones(len(codes))
            elif ty == 5:
                codes = np.array([CSC, RESID] if RESID in self.has else [CSC])
                w = np.ones(len(codes))
            elif ty == 6:
                codes, w = np.array([COUNS]), np.ones(1)
            else:
                codes, w = day_ags, np.ones(len(day_ags))
            ag[sel] = rng.choice(codes, size=k, p=w / w.sum())
        s_day, e_day = self.S // _DAY, self.E_day
        day = rng.integers(s_day, e_day + 1, m)
        anytime = tables.anytime[ag]
        w = (day + 3) % 7
        day = np.where(~anytime & (w >= 5), day + 7 - w, day)
        minute = np.where(anytime, rng.integers(0, _DAY, m), 480 + rng.integers(0, 570, m))
        t = day * _DAY + minute
        end = t + 1
        is_day = utype == 7
        if is_day.any():
            for j in np.flatnonzero(is_day):
                t[j] = _local_midnight(int(day[j]))
                end[j] = _local_midnight(int(day[j]) + 1)
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
        for b in self.blackouts:
            hit = (f_t <= b[2]) & (f_end >= b[1])
            if b[0] == "protective":
                hit &= is_prot
            elif b[0] == "agency":
                hit &= f_ag == b[3]
            else:
                targets = list(b[4])
                hit &= (f_ag == b[3]) & is_hand & (np.isin(rec1, targets) | np.isin(rec2, targets))
            bad |= hit
        drop = np.zeros(m, dtype=bool)
        drop[unit[bad]] = True
        ok = ~drop[unit]
        new_unit_pos = np.cumsum(ok) - 1  # position of each kept flat event
        unit_first = np.full(m, -1)
        unit_first[np.arange(m)[~drop]] = new_unit_pos[:m][~drop]
        ref = f_ref[ok]
        ref = np.where(ref >= 0, unit_first[np.maximum(ref, 0)], -1)
        return {"t": f_t[ok], "end": f_end[ok], "ag": f_ag[ok], "kd": f_kd[ok],
                "txt": f_txt[ok], "rec": f_rec[ok], "ref": ref, "day": f_day[ok]}

    # ---- step 5 and 6: attendees, order, ids
    def assemble(self, target: int) -> tuple[dict[str, np.ndarray], list[tuple], dict]:
        n_sk = len(self.t)
        bg = self.background(max(0, target - n_sk))
        t = np.concatenate([np.array(self.t, dtype=np.int64), bg["t"]])
        end = np.concatenate([np.array(self.t, dtype=np.int64) + 1, bg["end"]])
        ag = np.concatenate([np.array(self.ag, dtype=np.int64), bg["ag"]])
        kd = np.concatenate([np.array(self.kd, dtype=np.int64), bg["kd"]])
        txt = np.concatenate([np.array(self.txt, dtype=object), bg["txt"]])
        rec_sk = np.array(["; ".join(AGENCIES[a] for a in x) if x else None for x in self.rec],
                          dtype=object)
        rec = np.concatenate([rec_sk, bg["rec"]])
        ref_bg = bg["ref"]
        ref = np.concatenate([np.array(self.ref, dtype=np.int64),
                              np.where(ref_bg >= 0, ref_bg + n_sk, -1)])
        day = np.concatenate([np.zeros(n_sk, dtype=bool), bg["day"]])
        grade = np.concatenate([np.array(self.grade, dtype=object),
                                np.full(len(bg["t"]), None, dtype=object)])
        n = len(t)
        order = np.lexsort((np.arange(n), t))
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
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
            if i in self.omit:
                x = self._omitted(i, t, ag, rank, day)
                present.discard(x)
            attendees[i] = "; ".join(AGENCIES[a] for a in sorted(present))
        ids = _tables().ids
        protective = _tables().protective[kd[order]]
        key = []
        for p, ev, note in self.key:
            if ev[-1] == _NEXT_PROTECTIVE:
                later = np.flatnonzero(protective & (ts >= t[ev[0]]))
                ev = ev[:-1] + ([int(order[later[0]])] if len(later) else [])
            key.append((p, [ids[rank[e] + 1] for e in ev], note))
        seq = rank + 1
        # source lines: per agency file, in composite order
        by_ag = np.lexsort((rank, ag))
        ag_sorted = ag[by_ag]
        starts = np.r_[0, np.flatnonzero(ag_sorted[1:] != ag_sorted[:-1]) + 1]
        counts = np.diff(np.r_[starts, n])
        line = np.empty(n, dtype=np.int64)
        line[by_ag] = np.arange(n) - np.repeat(starts, counts) + 2
        cols = {
            "seq": seq[order], "ag": ag[order], "kd": kd[order], "t": t[order],
            "end": end[order], "day": day[order], "txt": txt[order], "rec": rec[order],
            "att": attendees[order], "grade": grade[order],
            "ref": np.where(ref >= 0, rank[np.maximum(ref, 0)] + 1, -1)[order],
            "line": line[order],
        }
        episodes = int(np.isin(kd, (MISSING, ABSENCE)).sum())
        info = {"n_events": n, "n_episodes": episodes,
                "n_agencies": len(set(ag.tolist()))}
        return cols, key, info

    def _omitted(self, i: int, t: np.ndarray, ag: np.ndarray, rank: np.ndarray,
                 day: np.ndarray) -> int:
        """The agency left out of a planted meeting, and its key row."""
        tm = int(t[i])
        for x in (self.omit[i], *[a for a in self.agencies if a not in _FAMILY_SECTOR]):
            if x == ag[i]:
                continue
            mask = (ag == x) & (t < tm)
            if (ag[t == tm] == x).any() or not mask.any() or (day & (ag == x)).any():
                continue
            idx = np.flatnonzero(mask)
            last = idx[np.argmax(rank[idx])]
            if t[last] >= tm - 29 * _DAY:
                self.key.append(("meeting-missing-agency", [i, int(last)],
                                 f"Meeting held without {AGENCIES[x]}, which had a record in "
                                 "the 30 days before"))
                self.omit[i] = x
                return x
        return -1
