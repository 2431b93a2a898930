"""Step 1 of a case: the plan (dates, recipes, agencies, lead periods, episode times)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import numpy as np

from workbench.generate._draws import working_time
from workbench.generate._state import CasePlan, LeadClosure, LeadPeriod
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

Stretch = tuple[int, int, str]   # an episode: (start, found, tag)


@dataclass
class _Segments:
    """The lead's timeline and the stretches of time recipes reserve, while planning."""

    review_start: int
    review_end: int
    closure_at_start: bool
    lead_opens: int
    lead_periods: list[LeadPeriod] = field(default_factory=list)
    reserved: list[tuple[int, int]] = field(default_factory=list)
    forced: list[Stretch] = field(default_factory=list)
    closure: LeadClosure | None = None
    escalation_exclusion: int | None = None
    late_episode: int | None = None


def plan_case(case_id: str, rand: random.Random, rng: np.random.Generator, *,
              good_share: float, starts: tuple[int, int] | None = None) -> CasePlan:
    """Decide one child's dates, agencies, recipes, lead periods and episode times.

    ``starts`` bounds (days since 1970) the day the review period starts on.
    """
    good = rand.random() < good_share
    start_day = rand.randrange(*(starts or (_EPOCH_2013, _EPOCH_2023)))
    end_day = start_day + rand.randint(420, 900)
    age = rand.uniform(11.0, 16.0)
    born_day = start_day - int(age * 365.25)
    recipes = [] if good else _choose_recipes(rand)
    looked_after = "placement" in recipes or rand.random() < 0.35
    agencies = _choose_agencies(rand, looked_after=looked_after)
    concern_case = "risk" in recipes or rand.random() < 0.4   # more disclosures
    # the lead agency's timeline and the forced stretches of episodes
    lead_opens = working_time(rand, start_day + rand.randint(3, 30))
    seg = _Segments(start_day * _DAY, end_day * _DAY, rand.random() < 0.35, lead_opens,
                    [(lead_opens, None)])
    first = ("late-open", "closure") if seg.closure_at_start else ("late-open",)
    for name in sorted((x for x in recipes if x in _SEGMENT_RECIPES),
                       key=lambda x: x not in first):
        if not _reserve_segment(rand, seg, name):
            recipes.remove(name)
    n_total = 1 + int(rng.negative_binomial(0.16, 0.16 / (0.16 + 1.5)))
    n_total = min(n_total, 70)
    n_free = max(0, n_total - len(seg.forced))
    if not seg.forced and n_free == 0:
        n_free = 1
    episodes = _episodes(rand, seg, n_free)
    review_end = max(seg.review_end, episodes[-1][1] + 25 * _DAY)
    return CasePlan(
        case_id=case_id, good_practice=good, review_start=seg.review_start,
        review_end=review_end, born_day=born_day, looked_after=looked_after,
        agencies=tuple(agencies), recipes=tuple(recipes), concern_case=concern_case,
        lead_periods=tuple(seg.lead_periods), closure=seg.closure,
        escalation_exclusion=seg.escalation_exclusion, late_episode=seg.late_episode,
        episode_starts=tuple(e[0] for e in episodes),
        episode_found=tuple(e[1] for e in episodes),
        episode_tags=tuple(e[2] for e in episodes))


def _choose_recipes(rand: random.Random) -> list[str]:
    k = rand.choices((1, 2, 3, 4), weights=(35, 30, 20, 15))[0]
    chosen: list[str] = []
    for name in rand.sample(_RECIPES, len(_RECIPES)):
        if len(chosen) == k:
            break
        if name in ("closure", "late-open") and ({"closure", "late-open"} & set(chosen)):
            continue
        chosen.append(name)
    return chosen


def _choose_agencies(rand: random.Random, *, looked_after: bool) -> list[int]:
    care: list[int] = []
    if looked_after:
        care = list(rand.choice(([RESID], [FOSTER], [RESID, FOSTER])))
    if rand.random() < (0.3 if looked_after else 0.6):
        care.append(FAMILY)
    n_total = rand.choices(range(5, 18), weights=(6, 9, 12, 13, 13, 12, 10, 8, 6, 4, 3, 2, 2))[0]
    n_pool = min(max(1, n_total - 4 - len(care)), 17 - 4 - len(care), len(_POOL))
    return [POLICE, CSC, SCHOOL, RIS, *sorted(rand.sample(_POOL, n_pool)), *care]


def _reserve_at_start(rand: random.Random, seg: _Segments, name: str) -> bool:
    """``late-open`` (the lead opens late) or ``closure`` before the first episode."""
    D, s = _DAY, seg.review_start
    e1 = s + rand.randint(10, 30) * D + rand.randrange(D)
    if name == "late-open":
        f1 = e1 + rand.randint(60, 20 * 60)
        e2 = f1 + rand.randint(8, 45) * D
        f2 = e2 + rand.randint(60, 20 * 60)
        seg.lead_opens = working_time(rand, f2 // D + rand.randint(3, 14))
        seg.lead_periods = [(seg.lead_opens, None)]
        seg.forced += [(e1, f1, ""), (e2, f2, "late")]
        seg.reserved.append((s, seg.lead_opens + 3 * D))
        seg.late_episode = e2
        return True
    seg.lead_opens = working_time(rand, s // D + rand.randint(3, 12))
    close = working_time(rand, seg.lead_opens // D + rand.randint(20, 45))
    e1 = close + rand.randint(10, 60) * D + rand.randrange(D)
    f1 = e1 + rand.randint(60, 20 * 60)
    reopen = working_time(rand, f1 // D + rand.randint(3, 10))
    seg.lead_periods = [(seg.lead_opens, close), (reopen, None)]
    seg.forced.append((e1, f1, "gap"))
    seg.reserved.append((s, reopen + 3 * D))
    seg.closure = LeadClosure(close, reopen, "before")
    return True


def _reserve_segment(rand: random.Random, seg: _Segments, name: str) -> bool:
    """Reserve a stretch of time holding the episodes a recipe needs."""
    if name == "late-open" or (name == "closure" and seg.closure_at_start):
        return _reserve_at_start(rand, seg, name)
    D = _DAY
    lo, hi = seg.lead_opens + 12 * D, seg.review_end - 30 * D
    for _ in range(25):
        pos = rand.randrange(lo, hi)
        eps: list[Stretch] = []
        exclusion = close = reopen = 0
        if name == "cluster":
            t = pos + 33 * D
            for _j in range(3):
                eps.append((t, t + rand.randint(60, 18 * 60), "cluster"))
                t = eps[-1][1] + rand.randint(2, 7) * D
            end = eps[-1][0] + 34 * D
        elif name == "escalation":
            exclusion = working_time(rand, pos // D + 63)
            t = exclusion + rand.randint(3, 18) * D
            for _j in range(rand.choice((2, 2, 3))):
                eps.append((t, t + rand.randint(60, 18 * 60), "esc"))
                t = eps[-1][1] + rand.randint(3, 14) * D
            if eps[-1][0] > exclusion + 52 * D:
                continue
            end = exclusion + 64 * D
        else:  # closure while episodes continue
            e0 = pos + D
            eps.append((e0, e0 + rand.randint(60, 18 * 60), ""))
            close = working_time(rand, eps[0][1] // D + rand.randint(10, 25))
            t = close + rand.randint(7, 35) * D + rand.randrange(D)
            for _j in range(rand.choice((1, 2))):
                eps.append((t, t + rand.randint(60, 18 * 60), "gap"))
                t = eps[-1][1] + rand.randint(5, 25) * D
            if eps[-1][0] > close + 80 * D:
                continue
            reopen = working_time(rand, eps[-1][1] // D + rand.randint(3, 10))
            end = reopen + 3 * D
        if end > hi or any(a - 5 * D < end and pos < b + 5 * D for a, b in seg.reserved):
            continue
        seg.reserved.append((pos, end))
        seg.forced += eps
        if name == "escalation":
            seg.escalation_exclusion = exclusion
        elif name == "closure":
            seg.lead_periods = [(seg.lead_opens, close), (reopen, None)]
            seg.closure = LeadClosure(close, reopen, "during")
        return True
    return False


def _episodes(rand: random.Random, seg: _Segments, n_free: int) -> list[Stretch]:
    """Episode times: forced ones, then free ones in bursts around the reserved stretches."""
    D = _DAY
    reserved = sorted(seg.reserved)
    lo, hi = seg.lead_opens + 5 * D, seg.review_end - 20 * D
    free: list[Stretch] = []
    if n_free:
        gaps = [(rand.expovariate(1 / 4.0) + 0.5) if rand.random() < 0.62
                else rand.expovariate(1 / 60.0) for _ in range(n_free)]
        avail = max(20.0, (hi - lo) / D - sum(b - a for a, b in reserved) / D)
        total = sum(gaps)
        scale = min(1.0, 0.95 * avail / total) if total > 0 else 1.0
        offset = rand.uniform(0, max(0.0, avail - total * scale))
        pos, prev_found = lo + offset * D, -10**12
        for g in gaps:
            pos += g * scale * D
            t = int(pos)
            dur = int(min(4 * D, max(60, rand.lognormvariate(math.log(14 * 60), 0.9))))
            t = max(t, prev_found + 6 * 60)
            moved = True
            while moved:
                moved = False
                for a, b in reserved:
                    if t < b and t + dur + 6 * 60 > a:
                        t, moved = b + rand.randint(6 * 60, 3 * D), True
            free.append((t, t + dur, ""))
            prev_found = t + dur
            pos = max(pos, t)
    return sorted(seg.forced + free)
