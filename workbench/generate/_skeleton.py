"""Step 2 of a case: the skeleton (episodes, lead, concerns, forced failures)."""

from __future__ import annotations

from workbench.generate._calendar import _share_end, _wd_add
from workbench.generate._vocab import (
    _ANYTIME,
    _CONCERN,
    _CONTACT,
    _DAY,
    _EXCLUSION,
    _FOUND,
    _RI_DECLINED,
    _RI_DISCLOSURE,
    _RI_DONE,
    _RI_OFFER,
    ABSENCE,
    AGENCIES,
    CLOSED,
    CONTACT,
    CSC,
    DISCLOSURE,
    EXCLUSION,
    FOUND,
    MISSING,
    NOTIFICATION,
    OPENED,
    POLICE,
    REFERRAL,
    RESID,
    RI_DECLINED,
    RI_DONE,
    RI_OFFERED,
    RIS,
    SCHOOL,
    SHARED,
    STRATEGY,
)


class _SkeletonStep:
    """Step 2: the skeleton (mixed into :class:`workbench.generate._case._Case`)."""

    # ---- step 2: the skeleton (episodes, lead, concerns, forced failures)
    def skeleton(self) -> None:
        r, D = self.r, _DAY
        n = len(self.ep_start)
        for a in self.agencies:
            self.add(self._at(a, self.S // D + r.randint(0, 12)), a, CONTACT,
                     r.choice(_CONTACT[a]))
        self.add(self.work(self.E_day), SCHOOL, CONTACT, "Pastoral contact with the child")
        # the lead agency
        for k, (o, c) in enumerate(self.leads):
            if k:
                text = "Case reopened and allocated to a social worker"
            elif "late-open" in self.recipes:
                text = "Case opened to Children's Social Care"
            else:
                text = "Case allocated to a social worker"
            self.add(o, CSC, OPENED, text)
            if c is not None:
                self.closure_i = self.add(c, CSC, CLOSED,
                                          "Case closed: stepped down to early help")
        last_found = self.ep_found[-1]
        if (self.leads[-1][1] is None and r.random() < 0.3
                and last_found + 100 * D < self.E - 10 * D):
            c = self.work(r.randrange(last_found // D + 100, self.E_day - 8))
            self.add(c, CSC, CLOSED, "Case closed to Children's Social Care")
            self.leads[-1][1] = c
        # choices that depend on the episodes
        risk_j = self._pick_risk() if "risk" in self.recipes else None
        self.info_variant = None
        if "info" in self.recipes:
            self.info_variant = self._pick_info_variant(risk_j)
        ri_missing = self._pick_ri_missing() if "ri-missing" in self.recipes else None
        concerns = self._concerns(risk_j)
        floor_from = min((t for t, _, _ in concerns), default=None)
        # episodes
        age_ok = [(s // D - self.born_day) / 365.25 >= 14 for s in self.ep_start]
        self.ep_report: list[int] = []
        self.ep_found_i: list[int] = []
        self.ri_done: list[tuple[int, int] | None] = []
        where = "placement" if self.looked_after else "home"
        who_list = (("residential home staff" if RESID in self.has else "the foster carer",)
                    if self.looked_after else ("mother", "father", "grandmother"))
        for i in range(n):
            m, f = self.ep_start[i], self.ep_found[i]
            nxt = self.ep_start[i + 1] if i + 1 < n else None
            if i == risk_j:
                grade = "absent" if age_ok[i] and r.random() < 0.3 else "low"
            elif self.info_variant == ("police", i):
                grade = "high"
            elif floor_from is not None and m > floor_from:
                grade = "high" if r.random() < 0.4 else "medium"
            elif age_ok[i] and r.random() < 0.15:
                grade = "absent"
            else:
                grade = r.choices(("low", "medium", "high"), weights=(45, 45, 10))[0]
            who = r.choice(who_list)
            if grade == "absent":
                ri = self.add(m, POLICE, ABSENCE, f"Reported absent from {where} by {who}; "
                              "graded absent", grade=grade)
            else:
                ri = self.add(m, POLICE, MISSING, f"Reported missing from {where} by {who}; "
                              f"risk graded {grade}", grade=grade)
            self.ep_report.append(ri)
            if grade == "high":
                if self.info_variant == ("police", i):
                    self.blackouts.append(("handoff", m - 1, _share_end(m), POLICE,
                                           frozenset((CSC,))))
                    self.key.append(("information-not-shared", [ri],
                                     "Police graded the episode high and did not notify the "
                                     "lead agency"))
                else:
                    self.handoff(self.reply(m), POLICE, (CSC,), NOTIFICATION,
                                 "Notified Children's Social Care of the episode and the grading")
            if i == risk_j:
                self.key.append(("risk-disagreement", [ri, self.risk_concern],
                                 f"Police graded the episode {grade} after another agency "
                                 "recorded exploitation concerns"))
            fi = self.add(f, POLICE, FOUND, r.choice(_FOUND))
            self.ep_found_i.append(fi)
            self._return_interview(i, f, nxt, ri_missing)
            if r.random() < 0.3 and (nxt is None or nxt > f + 4 * D):
                self.add(self.work(f // D + r.randint(1, 2)), CSC, CONTACT,
                         "Home visit by the social worker")
        self._strategy_meetings()
        self._forced_keys()
        for t, a, shared in concerns:
            kind, text = _CONCERN[a]
            ci = self.add(t, a, kind, text)
            if risk_j is not None and t == self.risk_concern_t:
                self.key[[k[0] for k in self.key].index("risk-disagreement")][1][1] = ci
            if not shared:
                self.key.append(("information-not-shared", [ci],
                                 f"{AGENCIES[a]} recorded exploitation concerns and did not "
                                 "share them with the lead agency"))
            elif a != CSC:
                self.handoff(self.reply(t), a, (CSC,), r.choice((SHARED, REFERRAL)))
        if "escalation" in self.recipes:
            x = self.escalation
            xi = self.add(x, SCHOOL, EXCLUSION, r.choice(_EXCLUSION))
            self.handoff(self.reply(x), SCHOOL, (CSC,))
            after = [self.ep_report[i] for i in range(n) if x < self.ep_start[i] <= x + 60 * D]
            self.key.append(("education-exclusion-escalation", [xi, *after],
                             f"{len(after)} episodes in the 60 days after an exclusion, "
                             "none in the 60 days before"))

    def _at(self, a: int, day: int) -> int:
        if a in _ANYTIME:
            return day * _DAY + self.r.randrange(_DAY)
        return self.work(day)

    def _forced_keys(self) -> None:
        n = len(self.ep_start)
        if hasattr(self, "closure"):
            close, reopen, _ = self.closure
            gap = [i for i in range(n) if close < self.ep_start[i] < reopen]
            self.key.append(("closed-while-active", [self.closure_i] +
                             [self.ep_report[i] for i in gap],
                             f"Case closed; {len(gap)} episode(s) followed within 90 days "
                             "before it reopened"))
            for i in gap:
                if i > 0:
                    self.key.append(("ownership-gap", [self.ep_report[i], self.closure_i],
                                     "Repeat episode while no agency held the case"))
        if "late-open" in self.recipes:
            i = self.ep_start.index(self.late_episode)
            self.key.append(("ownership-gap", [self.ep_report[i]],
                             "Repeat episode before any agency opened the case"))
        if "cluster" in self.recipes:
            idx = [i for i in range(n) if self.ep_tag[i] == "cluster"]
            self.key.append(("repeat-episodes-no-strategy",
                             [self.ep_report[idx[2]], self.ep_report[idx[0]],
                              self.ep_report[idx[1]]],
                             "Three episodes within 30 days and no strategy meeting"))

    def _pick_risk(self) -> int | None:
        r, D = self.r, _DAY
        cands = []
        for j, s in enumerate(self.ep_start):
            prev = self.ep_found[j - 1] if j else self.S
            if s >= self.S + 45 * D and s - prev >= 10 * D and self.ep_tag[j] != "cluster":
                cands.append(j)
        if not cands:
            self.recipes.remove("risk")
            return None
        j = r.choice(cands)
        prev = self.ep_found[j - 1] if j else self.S
        room = min(40, (self.ep_start[j] - prev) // D - 3)
        t = self.work(self.ep_start[j] // D - r.randint(3, max(3, room)))
        if t >= self.ep_start[j] or t <= prev + D:
            t = self.ep_start[j] - 2 * D
        self.risk_concern_t = t
        self.risk_concern = -1
        return j

    def _pick_info_variant(self, risk_j: int | None) -> tuple[str, int | None]:
        r, D = self.r, _DAY
        options = ["exclusion", "disclosure"]
        pool = [a for a in self.agencies if a in _CONCERN and a not in (CSC, SCHOOL)]
        if risk_j is None and pool:
            options.append("concern")
        cands = []
        n = len(self.ep_start)
        for i, m in enumerate(self.ep_start):
            prev_ok = i == 0 or self.ep_found[i - 1] <= m - 8 * D
            next_ok = (self.ep_start[i + 1] >= m + 12 * D) if i + 1 < n else m <= self.E - 45 * D
            if (prev_ok and next_ok and i != risk_j and m >= self.S + 25 * D
                    and self.lead_at(m) and self.lead_at(_share_end(m))):
                cands.append(i)
        if cands:
            options.append("police")
        choice = r.choice(options)
        if choice == "police":
            return ("police", r.choice(cands))
        if choice == "concern":
            return ("concern", r.choice(pool))
        return (choice, None)

    def _pick_ri_missing(self) -> int | None:
        n = len(self.ep_start)
        cands = [i for i in range(n)
                 if (i + 1 == n or self.ep_start[i + 1] >= self.ep_found[i] + 9 * _DAY)]
        if not cands:
            self.recipes.remove("ri-missing")
            return None
        return self.r.choice(cands)

    def _concerns(self, risk_j: int | None) -> list[tuple[int, int, bool]]:
        """Concern events: (time, agency, shared with the lead)."""
        r, D = self.r, _DAY
        pool = [a for a in self.agencies if a in _CONCERN]
        out: list[tuple[int, int, bool]] = []
        unshared = self.info_variant[1] if self.info_variant and \
            self.info_variant[0] == "concern" else None
        others = [a for a in pool if a != unshared]
        if unshared is not None:
            for _ in range(40):
                t = self.work(r.randrange(self.S // D + 25, self.E_day - 45))
                if self.lead_at(t) and self.lead_at(_share_end(t)):
                    out.append((t, unshared, False))
                    self.blackouts.append(("handoff", t - 1, _share_end(t), unshared,
                                           frozenset((CSC,))))
                    break
            else:
                self.recipes.remove("info")
                self.info_variant = None
        if risk_j is not None:
            first = self.risk_concern_t
            out.append((first, r.choice([a for a in others if a != CSC] or [CSC]), True))
            after = self.ep_start[risk_j] // D + 2
        elif r.random() < 0.45 or out:
            first = self.work(r.randrange(self.S // D + 20, self.E_day - 30))
            out.append((first, r.choice(others), True))
            after = first // D + 1
        else:
            return out
        for _ in range(r.choice((0, 1, 1, 2, 3))):
            if after < self.E_day - 12:
                out.append((self.work(r.randrange(after, self.E_day - 10)), r.choice(others),
                            True))
        return sorted(out)

    def _return_interview(self, i: int, f: int, nxt: int | None, ri_missing: int | None) -> None:
        r, D = self.r, _DAY
        lo = f + 60
        hi = min(f + 66 * 60, nxt - 30) if nxt is not None else f + 66 * 60
        fi = self.ep_found_i[i]
        if i == ri_missing:
            variant = r.choice(("none", "late", "declined"))
            if variant == "none":
                note = "No return interview offered after the child was found"
                self.key.append(("return-interview-missing", [fi], note))
            elif variant == "late":
                t = f + r.randint(4 * D, 7 * D)
                late = self.add(t, RIS, RI_DONE, r.choice(_RI_DONE))
                self.key.append(("return-interview-missing", [fi, late],
                                 "Return interview held more than 72 hours after the return"))
            else:
                o = f + r.randint(60, 20 * 60)
                self.add(o, RIS, RI_OFFERED, r.choice(_RI_OFFER))
                d = self.add(o + r.randint(60, 40 * 60), RIS, RI_DECLINED, r.choice(_RI_DECLINED))
                self.key.append(("return-interview-missing", [d, fi],
                                 "Return interview declined and never offered again"))
            self.ri_done.append(None)
            return
        span = hi - lo
        u = sorted(r.randrange(lo, hi) for _ in range(4))
        style = r.random()
        if style < 0.12 and span >= 24 * 60 and len(set(u)) == 4:
            self.add(u[0], RIS, RI_OFFERED, r.choice(_RI_OFFER))
            self.add(u[1], RIS, RI_DECLINED, r.choice(_RI_DECLINED))
            self.add(u[2], RIS, RI_OFFERED, "Return interview offered again")
            c = u[3]
        elif style < 0.4 and u[0] < u[3]:
            self.add(u[0], RIS, RI_OFFERED, r.choice(_RI_OFFER))
            c = u[3]
        else:
            c = u[3]
        ci = self.add(c, RIS, RI_DONE, r.choice(_RI_DONE))
        self.ri_done.append((ci, c))
        if r.random() < (0.3 if self.concern_case else 0.15):
            d = c + r.randint(5, 45)
            self.add(d, RIS, DISCLOSURE, r.choice(_RI_DISCLOSURE))
            self.handoff(self.reply(d), RIS, (CSC, POLICE), SHARED,
                         "Information shared with Children's Social Care and Police "
                         "following the debrief")
            self.ri_done[-1] = None

    def _strategy_meetings(self) -> None:
        """A strategy meeting within days of every episode that makes 3 in 30 days."""
        r, D = self.r, _DAY
        s = self.ep_start
        meetings: list[int] = []
        for k in range(len(s)):
            window = [x for x in s[:k + 1] if x > s[k] - 31 * D]
            if len(window) < 3:
                continue
            if self.ep_tag[k] == "cluster":
                continue
            # on or after the episode two before: "the first of those episodes" read
            # strictly (the 3 consecutive) also covers the first of the whole window
            first = s[k - 2]
            if any(first <= m <= s[k] + 6 * D for m in meetings):
                continue
            t = self.work(_wd_add(s[k] // D, r.randint(1, 3)))
            meetings.append(t)
            self.add(t, CSC, STRATEGY, r.choice(("Strategy meeting held after repeat episodes",
                                                 "Strategy discussion after repeat episodes")))
