"""Step 1 of a case: the plan (dates, recipes, agencies, episode segments)."""

from __future__ import annotations

import math

from workbench.generate._vocab import (
    _DAY,
    _EPOCH_2013,
    _EPOCH_2023,
    _POOL,
    _RECIPES,
    _SEGMENT_RECIPES,
    CSC,
    FAMILY,
    FOSTER,
    POLICE,
    RESID,
    RIS,
    SCHOOL,
)


class _PlanStep:
    """Step 1: the plan (mixed into :class:`workbench.generate._case._Case`)."""

    # ---- step 1: the plan
    def plan(self) -> None:
        r = self.r
        s_day = r.randrange(*(getattr(self, "starts", None) or (_EPOCH_2013, _EPOCH_2023)))
        self.S = s_day * _DAY
        self.E_day = s_day + r.randint(420, 900)
        self.E = self.E_day * _DAY
        age = r.uniform(11.0, 16.0)
        self.born_day = s_day - int(age * 365.25)
        recipes = [] if self.good else self._choose_recipes()
        self.looked_after = "placement" in recipes or r.random() < 0.35
        self._choose_agencies()
        self.recipes = recipes
        self.concern_case = "risk" in recipes or r.random() < 0.4   # more disclosures
        # the lead agency's timeline and the forced stretches of episodes
        self.open_t = self.work(s_day + r.randint(3, 30))
        self.leads: list[list] = [[self.open_t, None]]
        self.reserved: list[tuple[int, int]] = []
        self.forced: list[tuple[int, int, str]] = []
        self.closure_at_start = self.r.random() < 0.35
        first = ("late-open", "closure") if self.closure_at_start else ("late-open",)
        for name in sorted((x for x in recipes if x in _SEGMENT_RECIPES),
                           key=lambda x: x not in first):
            if not self._segment(name):
                recipes.remove(name)
        n_total = 1 + int(self.rng.negative_binomial(0.16, 0.16 / (0.16 + 1.5)))
        n_total = min(n_total, 70)
        n_free = max(0, n_total - len(self.forced))
        if not self.forced and n_free == 0:
            n_free = 1
        self._episodes(n_free)

    def _choose_recipes(self) -> list[str]:
        r = self.r
        k = r.choices((1, 2, 3, 4), weights=(35, 30, 20, 15))[0]
        chosen: list[str] = []
        for name in r.sample(_RECIPES, len(_RECIPES)):
            if len(chosen) == k:
                break
            if name in ("closure", "late-open") and ({"closure", "late-open"} & set(chosen)):
                continue
            chosen.append(name)
        return chosen

    def _choose_agencies(self) -> None:
        r = self.r
        care: list[int] = []
        if self.looked_after:
            care = r.choice(([RESID], [FOSTER], [RESID, FOSTER]))
        if r.random() < (0.3 if self.looked_after else 0.6):
            care.append(FAMILY)
        n_total = r.choices(range(5, 18), weights=(6, 9, 12, 13, 13, 12, 10, 8, 6, 4, 3, 2, 2))[0]
        n_pool = min(max(1, n_total - 4 - len(care)), 17 - 4 - len(care), len(_POOL))
        self.agencies = [POLICE, CSC, SCHOOL, RIS, *sorted(r.sample(_POOL, n_pool)), *care]
        self.has = set(self.agencies)

    def _segment(self, name: str) -> bool:
        """Reserve a stretch of time holding the episodes a recipe needs."""
        r, D = self.r, _DAY
        if name == "late-open" or (name == "closure" and self.closure_at_start):
            # at the start of the case: the lead opens late, or closes before episode 1
            s = self.S
            e1 = s + r.randint(10, 30) * D + r.randrange(D)
            if name == "late-open":
                f1 = e1 + r.randint(60, 20 * 60)
                e2 = f1 + r.randint(8, 45) * D
                f2 = e2 + r.randint(60, 20 * 60)
                self.open_t = self.work(f2 // D + r.randint(3, 14))
                self.leads = [[self.open_t, None]]
                self.forced += [(e1, f1, ""), (e2, f2, "late")]
                self.reserved.append((s, self.open_t + 3 * D))
                self.late_episode = e2
                return True
            self.open_t = self.work(s // D + r.randint(3, 12))
            close = self.work(self.open_t // D + r.randint(20, 45))
            e1 = close + r.randint(10, 60) * D + r.randrange(D)
            f1 = e1 + r.randint(60, 20 * 60)
            reopen = self.work(f1 // D + r.randint(3, 10))
            self.leads = [[self.open_t, close], [reopen, None]]
            self.forced.append((e1, f1, "gap"))
            self.reserved.append((s, reopen + 3 * D))
            self.closure = (close, reopen, "before")
            return True
        lo, hi = self.open_t + 12 * D, self.E - 30 * D
        for _ in range(25):
            pos = r.randrange(lo, hi)
            eps: list[tuple[int, int, str]] = []
            if name == "cluster":
                t = pos + 33 * D
                for _j in range(3):
                    eps.append((t, t + r.randint(60, 18 * 60), "cluster"))
                    t = eps[-1][1] + r.randint(2, 7) * D
                end = eps[-1][0] + 34 * D
            elif name == "escalation":
                x = self.work(pos // D + 63)
                t = x + r.randint(3, 18) * D
                for _j in range(r.choice((2, 2, 3))):
                    eps.append((t, t + r.randint(60, 18 * 60), "esc"))
                    t = eps[-1][1] + r.randint(3, 14) * D
                if eps[-1][0] > x + 52 * D:
                    continue
                end = x + 64 * D
            else:  # closure while episodes continue
                e0 = pos + D
                eps.append((e0, e0 + r.randint(60, 18 * 60), ""))
                close = self.work(eps[0][1] // D + r.randint(10, 25))
                t = close + r.randint(7, 35) * D + r.randrange(D)
                for _j in range(r.choice((1, 2))):
                    eps.append((t, t + r.randint(60, 18 * 60), "gap"))
                    t = eps[-1][1] + r.randint(5, 25) * D
                if eps[-1][0] > close + 80 * D:
                    continue
                reopen = self.work(eps[-1][1] // D + r.randint(3, 10))
                end = reopen + 3 * D
            if end > hi or any(a - 5 * D < end and pos < b + 5 * D for a, b in self.reserved):
                continue
            self.reserved.append((pos, end))
            self.forced += eps
            if name == "escalation":
                self.escalation = x
            elif name == "closure":
                self.leads = [[self.open_t, close], [reopen, None]]
                self.closure = (close, reopen, "during")
            return True
        return False

    def _episodes(self, n_free: int) -> None:
        """Episode times: forced ones, then free ones in bursts around the reserved stretches."""
        r, D = self.r, _DAY
        reserved = sorted(self.reserved)
        lo, hi = self.open_t + 5 * D, self.E - 20 * D
        free: list[tuple[int, int, str]] = []
        if n_free:
            gaps = [(r.expovariate(1 / 4.0) + 0.5) if r.random() < 0.62
                    else r.expovariate(1 / 60.0) for _ in range(n_free)]
            avail = max(20.0, (hi - lo) / D - sum(b - a for a, b in reserved) / D)
            total = sum(gaps)
            scale = min(1.0, 0.95 * avail / total) if total > 0 else 1.0
            offset = r.uniform(0, max(0.0, avail - total * scale))
            pos, prev_found = lo + offset * D, -10**12
            for g in gaps:
                pos += g * scale * D
                t = int(pos)
                dur = int(min(4 * D, max(60, r.lognormvariate(math.log(14 * 60), 0.9))))
                t = max(t, prev_found + 6 * 60)
                moved = True
                while moved:
                    moved = False
                    for a, b in reserved:
                        if t < b and t + dur + 6 * 60 > a:
                            t, moved = b + r.randint(6 * 60, 3 * D), True
                free.append((t, t + dur, ""))
                prev_found = t + dur
                pos = max(pos, t)
        eps = sorted(self.forced + free)
        self.ep_start = [e[0] for e in eps]
        self.ep_found = [e[1] for e in eps]
        self.ep_tag = [e[2] for e in eps]
        self.E = max(self.E, self.ep_found[-1] + 25 * D)
        self.E_day = self.E // D
