"""Step 3 of a case: planted failures that need a quiet window, then optional clean items."""

from __future__ import annotations

from workbench.generate._calendar import _share_end, _wd_add
from workbench.generate._vocab import (
    _BLAME,
    _DAY,
    _DISCLOSURE,
    _EXCLUSION,
    _FAMILY_SECTOR,
    _MEETING,
    _MOVE_AWAY,
    _MOVE_LOCAL,
    _NEXT_PROTECTIVE,
    _POOL,
    _RI_DISCLOSURE,
    AGENCIES,
    CONTACT,
    CSC,
    DISCLOSURE,
    EXCLUSION,
    HOST,
    HUB,
    MAM,
    NOTIFICATION,
    PLACEMENT,
    POLICE,
    REFERRAL,
    RIS,
    SAFETY,
    SCHOOL,
)


class _PlantStep:
    """Step 3: planting (mixed into :class:`workbench.generate._case._Case`)."""

    # ---- step 3: planted failures that need a quiet window, then optional clean items
    def plant(self) -> None:
        for name in list(self.recipes):
            method = getattr(self, "_plant_" + name.replace("-", "_"), None)
            if name == "info":
                ok = self.info_variant is not None and (
                    self.info_variant[0] in ("police", "concern") or self._plant_info())
            else:
                ok = method is None or method()
            if not ok:
                self.recipes.remove(name)
        if not self.good and not self.recipes:
            self.recipes.append("blame")
            self._plant_blame()

    def _slot(self) -> int:
        return self.work(self.r.randrange(self.S // _DAY + 25, self.E_day - 45))

    def _plant_unanswered(self) -> bool:
        r = self.r
        peripheral = [a for a in self.agencies if a in _POOL]
        senders = [a for a in self.agencies if a not in _FAMILY_SECTOR]
        for _ in range(60):
            b = r.choice(peripheral)
            a = r.choice([x for x in senders if x != b])
            t = self._slot()
            events = [(t, a, REFERRAL, (b,))]
            if r.random() < 0.5:
                at = self.work(_wd_add(t // _DAY, r.randint(9, 14)))
                if self.blocked(events + [(at, b, CONTACT, None)]):
                    continue
                i = self.handoff(t, a, (b,), REFERRAL, answers=[at])
                self.key.append(("unanswered-referral", [i, i + 1],
                                 f"Referral from {AGENCIES[a]} to {AGENCIES[b]} answered after "
                                 "more than 5 working days"))
                return True
            black = [("agency", t - 1, t + 31 * _DAY, b)]
            if self.blocked(events, black):
                continue
            self.blackouts += black
            i = self.handoff(t, a, (b,), REFERRAL, answers=[])
            self.key.append(("unanswered-referral", [i],
                             f"Referral from {AGENCIES[a]} to {AGENCIES[b]} never answered"))
            return True
        return False

    def _plant_ri_not_shared(self) -> bool:
        r = self.r
        cands = [x for x in self.ri_done if x is not None and self.S + 25 * _DAY < x[1]
                 < self.E - 45 * _DAY and self.lead_at(x[1])]
        r.shuffle(cands)
        others = [a for a in self.agencies if a not in (POLICE, CSC, RIS, *_FAMILY_SECTOR)]
        for ci, c in cands[:30]:
            d = c + r.randint(5, 45)
            quiet = r.random() < 0.4
            # from the interview on (a share between interview and disclosure would count)
            black = [("handoff", c - 1, _share_end(d), RIS, frozenset((POLICE, CSC)))]
            events = [(d, RIS, DISCLOSURE, None)]
            if quiet:
                black.append(("protective", d - 1, _share_end(d)))
            else:
                extra, share = self.draft(self.reply(d), RIS, (r.choice(others),))
                events += extra
            if self.blocked(events, black):
                continue
            self.blackouts += black
            di = self.add(d, RIS, DISCLOSURE, r.choice(_RI_DISCLOSURE))
            self.key.append(("return-interview-not-shared", [di, ci],
                             "Disclosure at a return interview not shared with Police or "
                             "Children's Social Care"))
            self.key.append(("information-not-shared", [di],
                             "Return interview disclosure not shared with the lead agency"))
            if quiet:
                self.key.append(("child-voice-not-acted-on", [di, _NEXT_PROTECTIVE],
                                 "Nothing protective followed the child's disclosure within "
                                 "5 working days"))
            else:
                self.handoff(**share)
            self.ri_done = [x for x in self.ri_done if x is None or x[0] != ci]
            return True
        return False

    def _plant_voice(self) -> bool:
        r = self.r
        speakers = [a for a in self.agencies if a in _DISCLOSURE and a not in _FAMILY_SECTOR]
        for _ in range(60):
            a = r.choice(speakers)
            t = self._slot()
            if not (self.lead_at(t) and self.lead_at(_share_end(t))):
                continue
            black = [("protective", t - 1, _share_end(t))]
            if self.blocked([(t, a, DISCLOSURE, None)], black):
                continue
            self.blackouts += black
            di = self.add(t, a, DISCLOSURE, _DISCLOSURE[a])
            self.key.append(("child-voice-not-acted-on", [di, _NEXT_PROTECTIVE],
                             "Nothing protective followed the child's disclosure within "
                             "5 working days"))
            if a != CSC:
                self.key.append(("information-not-shared", [di],
                                 f"{AGENCIES[a]} did not share the disclosure with the lead "
                                 "agency"))
            return True
        return False

    def _plant_info(self) -> bool:
        r = self.r
        variant = self.info_variant[0]
        speakers = [a for a in self.agencies
                    if a in _DISCLOSURE and a != CSC and a not in _FAMILY_SECTOR]
        if variant == "disclosure" and not speakers:
            return False
        for _ in range(60):
            t = self._slot()
            if not (self.lead_at(t) and self.lead_at(_share_end(t))):
                continue
            if variant == "exclusion":
                if not self._calm(t):
                    continue
                black = [("handoff", t - 1, _share_end(t), SCHOOL, frozenset((CSC,)))]
                if self.blocked([(t, SCHOOL, EXCLUSION, None)], black):
                    continue
                self.blackouts += black
                xi = self.add(t, SCHOOL, EXCLUSION, r.choice(_EXCLUSION))
                self.key.append(("information-not-shared", [xi],
                                 "School did not tell the lead agency about the exclusion"))
                return True
            a = r.choice(speakers)
            others = [x for x in self.agencies if x not in (POLICE, CSC, a, *_FAMILY_SECTOR)]
            to = r.choice(others)
            extra, share = self.draft(self.reply(t), a, (to,))
            black = [("handoff", t - 1, _share_end(t), a, frozenset((CSC,)))]
            if self.blocked([(t, a, DISCLOSURE, None), *extra], black):
                continue
            self.blackouts += black
            di = self.add(t, a, DISCLOSURE, _DISCLOSURE[a])
            self.handoff(**share)
            self.key.append(("information-not-shared", [di],
                             f"{AGENCIES[a]} shared the disclosure with {AGENCIES[to]} but not "
                             "with the lead agency"))
            return True
        return False

    def _plant_blame(self) -> bool:
        r = self.r
        for _ in range(60):
            a, text = r.choice(_BLAME)
            t = self._slot()
            if not self.blocked([(t, a, CONTACT, None)]):
                i = self.add(t, a, CONTACT, text)
                self.key.append(("victim-blaming-language", [i],
                                 "Victim-blaming language in the record"))
                return True
        return False

    def _plant_placement(self) -> bool:
        r = self.r
        for _ in range(60):
            t = self._slot()
            police = r.random() < 0.6
            events = [(t, CSC, PLACEMENT, None)]
            if police:
                extra, notice = self.draft(self.reply(t), CSC, (POLICE,), NOTIFICATION)
                events += extra
            # a notice sent up to 28 days ahead of a move may count as well
            black = [("handoff", t - 29 * _DAY, _share_end(t), CSC, frozenset((HOST,)))]
            if self.blocked(events, black):
                continue
            self.blackouts += black
            i = self.add(t, CSC, PLACEMENT, r.choice(_MOVE_AWAY))
            if police:
                self.handoff(**notice, text="Placement notification sent to Police")
            self.key.append(("placement-not-notified", [i],
                             "Out-of-area placement not notified to the Host Authority"
                             + (" (Police were told)" if police else " or Police")))
            return True
        return False

    def _plant_meeting(self) -> bool:
        r = self.r
        for _ in range(60):
            t = self._slot()
            s = self.work(t // _DAY - r.randint(2, 20))
            convener = HUB if HUB in self.has and r.random() < 0.5 else CSC
            if s >= t or self.blocked([(t, convener, MAM, None), (s, SCHOOL, CONTACT, None)]):
                continue
            self.add(s, SCHOOL, CONTACT, "Pastoral contact with the child")
            i = self.add(t, convener, MAM, r.choice(_MEETING))
            self.omit[i] = SCHOOL
            return True
        return False

    def _calm(self, t: int) -> bool:
        """No rise in episodes after an exclusion at ``t``, with a day's margin each way."""
        D = _DAY
        after = sum(t - D < s <= t + 61 * D for s in self.ep_start)
        before = sum(t - 59 * D <= s < t - D for s in self.ep_start)
        return after < 2 or after <= before

    def optional(self) -> None:
        """Clean items: disclosures acted on, shared exclusions, notified placements."""
        r = self.r
        speakers = [a for a in self.agencies if a in _DISCLOSURE]
        for _ in range(r.choice((0, 0, 1, 1, 2))):
            for _try in range(10):
                a = r.choice(speakers)
                t = self._slot()
                st = self.reply(t)
                events = [(t, a, DISCLOSURE, None)]
                share = None
                if a == CSC and r.random() < 0.5:
                    events.append((st, CSC, SAFETY, None))
                else:
                    extra, share = self.draft(st, a, (POLICE,) if a == CSC else (CSC,))
                    events += extra
                if self.blocked(events):
                    continue
                self.add(t, a, DISCLOSURE, _DISCLOSURE[a])
                if share is None:
                    self.add(st, CSC, SAFETY, "Safety plan agreed with the child and carer")
                else:
                    self.handoff(**share)
                break
        if r.random() < 0.35:
            for _ in range(r.choice((1, 1, 2))):
                for _try in range(10):
                    t = self._slot()
                    extra, share = self.draft(self.reply(t), SCHOOL, (CSC,))
                    if not self._calm(t) or self.blocked([(t, SCHOOL, EXCLUSION, None), *extra]):
                        continue
                    self.add(t, SCHOOL, EXCLUSION, r.choice(_EXCLUSION))
                    self.handoff(**share)
                    break
        if self.looked_after:
            for _ in range(r.choice((0, 1, 1, 2))):
                for _try in range(10):
                    t = self._slot()
                    if r.random() < 0.65 or len(self.has) >= 18:
                        if self.blocked([(t, CSC, PLACEMENT, None)]):
                            continue
                        self.add(t, CSC, PLACEMENT, r.choice(_MOVE_LOCAL))
                        break
                    extra, notice = self.draft(self.reply(t), CSC, (POLICE, HOST), NOTIFICATION)
                    if self.blocked([(t, CSC, PLACEMENT, None), *extra]):
                        continue
                    self.add(t, CSC, PLACEMENT, r.choice(_MOVE_AWAY))
                    self.handoff(**notice, text="Placement notification sent to Police and "
                                 "Host Authority")
                    if HOST not in self.has:
                        self.has.add(HOST)
                        self.agencies.append(HOST)
                    break
