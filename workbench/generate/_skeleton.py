"""Step 2 of a case: the skeleton (episodes, lead, concerns, forced failures)."""

from __future__ import annotations

import random

from workbench.generate._calendar import _share_end, _wd_add
from workbench.generate._draws import add_handoff, agency_time, reply_time, working_time
from workbench.generate._state import (
    Blackout,
    CaseDraft,
    CasePlan,
    DraftEvents,
    InfoVariant,
    KeyRow,
)
from workbench.generate._vocab import (
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

Concern = tuple[int, int, bool]   # (time, agency, shared with the lead)


def draw_skeleton(plan: CasePlan, rand: random.Random) -> CaseDraft:
    """The events around the plan's episodes, and the failures the plan forces.

    Every agency's first contact, the lead's openings and closures, each episode's
    report, grading, notification, found and return interview, strategy meetings,
    concerns, and the ``risk``, ``info`` (police or concern), ``ri-missing``,
    ``cluster``, ``closure``, ``late-open`` and ``escalation`` recipes with their key rows.
    """
    D = _DAY
    draft = CaseDraft(DraftEvents(), list(plan.recipes), list(plan.agencies),
                      list(plan.lead_periods))
    for a in plan.agencies:
        draft.add(agency_time(rand, a, plan.review_start_day + rand.randint(0, 12)), a, CONTACT,
                  rand.choice(_CONTACT[a]))
    draft.add(working_time(rand, plan.review_end_day), SCHOOL, CONTACT,
              "Pastoral contact with the child")
    _add_lead_periods(plan, draft, rand)
    # choices that depend on the episodes
    risk_j = _pick_risk(plan, draft, rand) if "risk" in draft.recipes else None
    if "info" in draft.recipes:
        draft.info_variant = _pick_info_variant(plan, draft, rand, risk_j)
    ri_missing = _pick_ri_missing(plan, draft, rand) if "ri-missing" in draft.recipes else None
    concerns = _concerns(plan, draft, rand, risk_j)
    _add_episodes(plan, draft, rand, risk_j=risk_j, ri_missing=ri_missing,
                  floor_from=min((t for t, _, _ in concerns), default=None))
    _strategy_meetings(plan, draft, rand)
    _forced_keys(plan, draft)
    for t, a, shared in concerns:
        kind, text = _CONCERN[a]
        ci = draft.add(t, a, kind, text)
        if risk_j is not None and t == draft.risk_concern_time:
            next(k for k in draft.key if k.pattern == "risk-disagreement").events[1] = ci
        if not shared:
            draft.key.append(KeyRow("information-not-shared", [ci],
                                    f"{AGENCIES[a]} recorded exploitation concerns and did not "
                                    "share them with the lead agency"))
        elif a != CSC:
            add_handoff(draft, rand, reply_time(rand, t), a, (CSC,), rand.choice((SHARED, REFERRAL)))
    if "escalation" in draft.recipes and plan.escalation_exclusion is not None:
        x = plan.escalation_exclusion
        xi = draft.add(x, SCHOOL, EXCLUSION, rand.choice(_EXCLUSION))
        add_handoff(draft, rand, reply_time(rand, x), SCHOOL, (CSC,))
        after = [draft.episode_reports[i] for i, s in enumerate(plan.episode_starts)
                 if x < s <= x + 60 * D]
        draft.key.append(KeyRow("education-exclusion-escalation", [xi, *after],
                                f"{len(after)} episodes in the 60 days after an exclusion, "
                                "none in the 60 days before"))
    return draft


def _add_lead_periods(plan: CasePlan, draft: CaseDraft, rand: random.Random) -> None:
    """The lead agency's openings and closures, and perhaps a closure after the episodes."""
    D = _DAY
    for k, (o, c) in enumerate(plan.lead_periods):
        if k:
            text = "Case reopened and allocated to a social worker"
        elif "late-open" in plan.recipes:
            text = "Case opened to Children's Social Care"
        else:
            text = "Case allocated to a social worker"
        draft.add(o, CSC, OPENED, text)
        if c is not None:
            draft.closure_event = draft.add(c, CSC, CLOSED,
                                            "Case closed: stepped down to early help")
    last_found = plan.episode_found[-1]
    if (draft.lead_periods[-1][1] is None and rand.random() < 0.3
            and last_found + 100 * D < plan.review_end - 10 * D):
        c = working_time(rand, rand.randrange(last_found // D + 100, plan.review_end_day - 8))
        draft.add(c, CSC, CLOSED, "Case closed to Children's Social Care")
        draft.lead_periods[-1] = (draft.lead_periods[-1][0], c)


def _add_episodes(plan: CasePlan, draft: CaseDraft, rand: random.Random, *,
                  risk_j: int | None, ri_missing: int | None, floor_from: int | None) -> None:
    """Each episode's report (graded), notification, found event and return interview."""
    D = _DAY
    starts, found = plan.episode_starts, plan.episode_found
    n = len(starts)
    age_ok = [(s // D - plan.born_day) / 365.25 >= 14 for s in starts]
    where = "placement" if plan.looked_after else "home"
    who_list = (("residential home staff" if RESID in draft.agency_set else "the foster carer",)
                if plan.looked_after else ("mother", "father", "grandmother"))
    for i in range(n):
        m, f = starts[i], found[i]
        nxt = starts[i + 1] if i + 1 < n else None
        police_keeps_it = draft.info_variant == InfoVariant("police", i)
        if i == risk_j:
            grade = "absent" if age_ok[i] and rand.random() < 0.3 else "low"
        elif police_keeps_it:
            grade = "high"
        elif floor_from is not None and m > floor_from:
            grade = "high" if rand.random() < 0.4 else "medium"
        elif age_ok[i] and rand.random() < 0.15:
            grade = "absent"
        else:
            grade = rand.choices(("low", "medium", "high"), weights=(45, 45, 10))[0]
        who = rand.choice(who_list)
        if grade == "absent":
            ri = draft.add(m, POLICE, ABSENCE, f"Reported absent from {where} by {who}; "
                           "graded absent", risk_grade=grade)
        else:
            ri = draft.add(m, POLICE, MISSING, f"Reported missing from {where} by {who}; "
                           f"risk graded {grade}", risk_grade=grade)
        draft.episode_reports.append(ri)
        if grade == "high":
            if police_keeps_it:
                draft.blackouts.append(Blackout("handoff", m - 1, _share_end(m), POLICE,
                                                frozenset((CSC,))))
                draft.key.append(KeyRow("information-not-shared", [ri],
                                        "Police graded the episode high and did not notify the "
                                        "lead agency"))
            else:
                add_handoff(draft, rand, reply_time(rand, m), POLICE, (CSC,), NOTIFICATION,
                            "Notified Children's Social Care of the episode and the grading")
        if i == risk_j:
            draft.key.append(KeyRow("risk-disagreement", [ri, -1],  # the concern comes later
                                    f"Police graded the episode {grade} after another agency "
                                    "recorded exploitation concerns"))
        draft.episode_found_events.append(draft.add(f, POLICE, FOUND, rand.choice(_FOUND)))
        _return_interview(plan, draft, rand, i, nxt, ri_missing)
        if rand.random() < 0.3 and (nxt is None or nxt > f + 4 * D):
            draft.add(working_time(rand, f // D + rand.randint(1, 2)), CSC, CONTACT,
                      "Home visit by the social worker")


def _forced_keys(plan: CasePlan, draft: CaseDraft) -> None:
    """Key rows of the failures the plan's episode times force."""
    starts, reports = plan.episode_starts, draft.episode_reports
    n = len(starts)
    if plan.closure is not None:
        close, reopen, _ = plan.closure
        gap = [i for i in range(n) if close < starts[i] < reopen]
        draft.key.append(KeyRow("closed-while-active", [draft.closure_event] +
                                [reports[i] for i in gap],
                                f"Case closed; {len(gap)} episode(s) followed within 90 days "
                                "before it reopened"))
        for i in gap:
            if i > 0:
                draft.key.append(KeyRow("ownership-gap", [reports[i], draft.closure_event],
                                        "Repeat episode while no agency held the case"))
    if "late-open" in draft.recipes and plan.late_episode is not None:
        i = starts.index(plan.late_episode)
        draft.key.append(KeyRow("ownership-gap", [reports[i]],
                                "Repeat episode before any agency opened the case"))
    if "cluster" in draft.recipes:
        idx = [i for i in range(n) if plan.episode_tags[i] == "cluster"]
        draft.key.append(KeyRow("repeat-episodes-no-strategy",
                                [reports[idx[2]], reports[idx[0]], reports[idx[1]]],
                                "Three episodes within 30 days and no strategy meeting"))


def _pick_risk(plan: CasePlan, draft: CaseDraft, rand: random.Random) -> int | None:
    """The episode graded low after another agency's concern (``risk``), and that time."""
    D = _DAY
    starts, found, start = plan.episode_starts, plan.episode_found, plan.review_start
    cands = []
    for j, s in enumerate(starts):
        prev = found[j - 1] if j else start
        if s >= start + 45 * D and s - prev >= 10 * D and plan.episode_tags[j] != "cluster":
            cands.append(j)
    if not cands:
        draft.recipes.remove("risk")
        return None
    j = rand.choice(cands)
    prev = found[j - 1] if j else start
    room = min(40, (starts[j] - prev) // D - 3)
    t = working_time(rand, starts[j] // D - rand.randint(3, max(3, room)))
    if t >= starts[j] or t <= prev + D:
        t = starts[j] - 2 * D
    draft.risk_concern_time = t
    return j


def _pick_info_variant(plan: CasePlan, draft: CaseDraft, rand: random.Random,
                       risk_j: int | None) -> InfoVariant:
    D = _DAY
    options = ["exclusion", "disclosure"]
    pool = [a for a in draft.agencies if a in _CONCERN and a not in (CSC, SCHOOL)]
    if risk_j is None and pool:
        options.append("concern")
    cands = []
    starts, found = plan.episode_starts, plan.episode_found
    n = len(starts)
    for i, m in enumerate(starts):
        prev_ok = i == 0 or found[i - 1] <= m - 8 * D
        next_ok = (starts[i + 1] >= m + 12 * D) if i + 1 < n else m <= plan.review_end - 45 * D
        if (prev_ok and next_ok and i != risk_j and m >= plan.review_start + 25 * D
                and draft.lead_holds_to_share(m)):
            cands.append(i)
    if cands:
        options.append("police")
    choice = rand.choice(options)
    if choice == "police":
        return InfoVariant("police", rand.choice(cands))
    if choice == "concern":
        return InfoVariant("concern", rand.choice(pool))
    return InfoVariant("exclusion" if choice == "exclusion" else "disclosure")


def _pick_ri_missing(plan: CasePlan, draft: CaseDraft, rand: random.Random) -> int | None:
    """The episode whose return interview is missing, late or declined (``ri-missing``)."""
    starts, found = plan.episode_starts, plan.episode_found
    n = len(starts)
    cands = [i for i in range(n) if (i + 1 == n or starts[i + 1] >= found[i] + 9 * _DAY)]
    if not cands:
        draft.recipes.remove("ri-missing")
        return None
    return rand.choice(cands)


def _concerns(plan: CasePlan, draft: CaseDraft, rand: random.Random,
              risk_j: int | None) -> list[Concern]:
    """Concern events: (time, agency, shared with the lead)."""
    D = _DAY
    pool = [a for a in draft.agencies if a in _CONCERN]
    out: list[Concern] = []
    variant = draft.info_variant
    unshared = variant.which if variant is not None and variant.how == "concern" else None
    others = [a for a in pool if a != unshared]
    if unshared is not None:
        for _ in range(40):
            t = working_time(rand, rand.randrange(plan.review_start_day + 25,
                                                  plan.review_end_day - 45))
            if draft.lead_holds_to_share(t):
                out.append((t, unshared, False))
                draft.blackouts.append(Blackout("handoff", t - 1, _share_end(t), unshared,
                                                frozenset((CSC,))))
                break
        else:
            draft.recipes.remove("info")
            draft.info_variant = None
    if risk_j is not None:
        first = draft.risk_concern_time
        out.append((first, rand.choice([a for a in others if a != CSC] or [CSC]), True))
        after = plan.episode_starts[risk_j] // D + 2
    elif rand.random() < 0.45 or out:
        first = working_time(rand, rand.randrange(plan.review_start_day + 20,
                                                  plan.review_end_day - 30))
        out.append((first, rand.choice(others), True))
        after = first // D + 1
    else:
        return out
    for _ in range(rand.choice((0, 1, 1, 2, 3))):
        if after < plan.review_end_day - 12:
            out.append((working_time(rand, rand.randrange(after, plan.review_end_day - 10)),
                        rand.choice(others), True))
    return sorted(out)


def _return_interview(plan: CasePlan, draft: CaseDraft, rand: random.Random, i: int,
                      nxt: int | None, ri_missing: int | None) -> None:
    """Episode ``i``'s return interview (offers, refusals, a disclosure), or its failure."""
    D = _DAY
    f = plan.episode_found[i]
    lo = f + 60
    hi = min(f + 66 * 60, nxt - 30) if nxt is not None else f + 66 * 60
    fi = draft.episode_found_events[i]
    if i == ri_missing:
        variant = rand.choice(("none", "late", "declined"))
        if variant == "none":
            note = "No return interview offered after the child was found"
            draft.key.append(KeyRow("return-interview-missing", [fi], note))
        elif variant == "late":
            t = f + rand.randint(4 * D, 7 * D)
            late = draft.add(t, RIS, RI_DONE, rand.choice(_RI_DONE))
            draft.key.append(KeyRow("return-interview-missing", [fi, late],
                                    "Return interview held more than 72 hours after the return"))
        else:
            o = f + rand.randint(60, 20 * 60)
            draft.add(o, RIS, RI_OFFERED, rand.choice(_RI_OFFER))
            d = draft.add(o + rand.randint(60, 40 * 60), RIS, RI_DECLINED,
                          rand.choice(_RI_DECLINED))
            draft.key.append(KeyRow("return-interview-missing", [d, fi],
                                    "Return interview declined and never offered again"))
        draft.return_interviews.append(None)
        return
    span = hi - lo
    u = sorted(rand.randrange(lo, hi) for _ in range(4))
    style = rand.random()
    if style < 0.12 and span >= 24 * 60 and len(set(u)) == 4:
        draft.add(u[0], RIS, RI_OFFERED, rand.choice(_RI_OFFER))
        draft.add(u[1], RIS, RI_DECLINED, rand.choice(_RI_DECLINED))
        draft.add(u[2], RIS, RI_OFFERED, "Return interview offered again")
    elif style < 0.4 and u[0] < u[3]:
        draft.add(u[0], RIS, RI_OFFERED, rand.choice(_RI_OFFER))
    c = u[3]
    ci = draft.add(c, RIS, RI_DONE, rand.choice(_RI_DONE))
    draft.return_interviews.append((ci, c))
    if rand.random() < (0.3 if plan.concern_case else 0.15):
        d = c + rand.randint(5, 45)
        draft.add(d, RIS, DISCLOSURE, rand.choice(_RI_DISCLOSURE))
        add_handoff(draft, rand, reply_time(rand, d), RIS, (CSC, POLICE), SHARED,
                    "Information shared with Children's Social Care and Police "
                    "following the debrief")
        draft.return_interviews[-1] = None


def _strategy_meetings(plan: CasePlan, draft: CaseDraft, rand: random.Random) -> None:
    """A strategy meeting within days of every episode that makes 3 in 30 days."""
    D = _DAY
    s = plan.episode_starts
    meetings: list[int] = []
    for k in range(len(s)):
        window = [x for x in s[:k + 1] if x > s[k] - 31 * D]
        if len(window) < 3:
            continue
        if plan.episode_tags[k] == "cluster":
            continue
        # on or after the episode two before: "the first of those episodes" read
        # strictly (the 3 consecutive) also covers the first of the whole window
        first = s[k - 2]
        if any(first <= m <= s[k] + 6 * D for m in meetings):
            continue
        t = working_time(rand, _wd_add(s[k] // D, rand.randint(1, 3)))
        meetings.append(t)
        draft.add(t, CSC, STRATEGY, rand.choice(("Strategy meeting held after repeat episodes",
                                                 "Strategy discussion after repeat episodes")))
