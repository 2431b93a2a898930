"""Step 3 of a case: planted failures that need a quiet window, then optional clean items."""

from __future__ import annotations

import random
from collections.abc import Callable

from workbench.generate._calendar import _share_end, _wd_add
from workbench.generate._draws import (
    add_handoff,
    add_pending,
    propose_handoff,
    quiet_slot,
    reply_time,
    working_time,
)
from workbench.generate._state import Blackout, CaseDraft, CasePlan, KeyRow, Sketch
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

_VOICE_NOTE = "Nothing protective followed the child's disclosure within 5 working days"


def plant_failures(plan: CasePlan, draft: CaseDraft, rand: random.Random) -> CaseDraft:
    """Plant each remaining recipe that needs a quiet window (dropping those that find none).

    A case that is not good practice and is left with no recipe gets victim-blaming
    language. Returns ``draft``, extended.
    """
    for name in list(draft.recipes):
        if name == "info":
            variant = draft.info_variant
            ok = variant is not None and (variant.how in ("police", "concern")
                                          or _plant_info(plan, draft, rand))
        else:
            plant = _PLANTERS.get(name)
            ok = plant is None or plant(plan, draft, rand)
        if not ok:
            draft.recipes.remove(name)
    if not plan.good_practice and not draft.recipes:
        draft.recipes.append("blame")
        _plant_blame(plan, draft, rand)
    return draft


def _plant_unanswered(plan: CasePlan, draft: CaseDraft, rand: random.Random) -> bool:
    peripheral = [a for a in draft.agencies if a in _POOL]
    senders = [a for a in draft.agencies if a not in _FAMILY_SECTOR]
    for _ in range(60):
        b = rand.choice(peripheral)
        a = rand.choice([x for x in senders if x != b])
        t = quiet_slot(rand, plan)
        events = [Sketch(t, a, REFERRAL, (b,))]
        if rand.random() < 0.5:
            at = working_time(rand, _wd_add(t // _DAY, rand.randint(9, 14)))
            if draft.blocked([*events, Sketch(at, b, CONTACT)]):
                continue
            i = add_handoff(draft, rand, t, a, (b,), REFERRAL, answers=[at])
            draft.key.append(KeyRow("unanswered-referral", [i, i + 1],
                                    f"Referral from {AGENCIES[a]} to {AGENCIES[b]} answered "
                                    "after more than 5 working days"))
            return True
        black = [Blackout("agency", t - 1, t + 31 * _DAY, b)]
        if draft.blocked(events, black):
            continue
        draft.blackouts += black
        i = add_handoff(draft, rand, t, a, (b,), REFERRAL, answers=[])
        draft.key.append(KeyRow("unanswered-referral", [i],
                                f"Referral from {AGENCIES[a]} to {AGENCIES[b]} never answered"))
        return True
    return False


def _plant_ri_not_shared(plan: CasePlan, draft: CaseDraft, rand: random.Random) -> bool:
    cands = [x for x in draft.return_interviews
             if x is not None and plan.review_start + 25 * _DAY < x[1]
             < plan.review_end - 45 * _DAY and draft.lead_holds(x[1])]
    rand.shuffle(cands)
    others = [a for a in draft.agencies if a not in (POLICE, CSC, RIS, *_FAMILY_SECTOR)]
    for ci, c in cands[:30]:
        d = c + rand.randint(5, 45)
        quiet = rand.random() < 0.4
        # from the interview on (a share between interview and disclosure would count)
        black = [Blackout("handoff", c - 1, _share_end(d), RIS, frozenset((POLICE, CSC)))]
        events = [Sketch(d, RIS, DISCLOSURE)]
        share = None
        if quiet:
            black.append(Blackout("protective", d - 1, _share_end(d)))
        else:
            share = propose_handoff(rand, reply_time(rand, d), RIS, (rand.choice(others),))
            events += share.sketches()
        if draft.blocked(events, black):
            continue
        draft.blackouts += black
        di = draft.add(d, RIS, DISCLOSURE, rand.choice(_RI_DISCLOSURE))
        draft.key.append(KeyRow("return-interview-not-shared", [di, ci],
                                "Disclosure at a return interview not shared with Police or "
                                "Children's Social Care"))
        draft.key.append(KeyRow("information-not-shared", [di],
                                "Return interview disclosure not shared with the lead agency"))
        if share is None:
            draft.key.append(KeyRow("child-voice-not-acted-on", [di, _NEXT_PROTECTIVE],
                                    _VOICE_NOTE))
        else:
            add_pending(draft, rand, share)
        draft.return_interviews = [x for x in draft.return_interviews
                                   if x is None or x[0] != ci]
        return True
    return False


def _plant_voice(plan: CasePlan, draft: CaseDraft, rand: random.Random) -> bool:
    speakers = [a for a in draft.agencies if a in _DISCLOSURE and a not in _FAMILY_SECTOR]
    for _ in range(60):
        a = rand.choice(speakers)
        t = quiet_slot(rand, plan)
        if not draft.lead_holds_to_share(t):
            continue
        black = [Blackout("protective", t - 1, _share_end(t))]
        if draft.blocked([Sketch(t, a, DISCLOSURE)], black):
            continue
        draft.blackouts += black
        di = draft.add(t, a, DISCLOSURE, _DISCLOSURE[a])
        draft.key.append(KeyRow("child-voice-not-acted-on", [di, _NEXT_PROTECTIVE], _VOICE_NOTE))
        if a != CSC:
            _kept_from_lead(draft, di, f"{AGENCIES[a]} did not share the disclosure with")
        return True
    return False


def _plant_info(plan: CasePlan, draft: CaseDraft, rand: random.Random) -> bool:
    """An exclusion, or a disclosure shared elsewhere, not told to the lead (``info``)."""
    assert draft.info_variant is not None
    variant = draft.info_variant.how
    speakers = [a for a in draft.agencies
                if a in _DISCLOSURE and a != CSC and a not in _FAMILY_SECTOR]
    if variant == "disclosure" and not speakers:
        return False
    for _ in range(60):
        t = quiet_slot(rand, plan)
        if not draft.lead_holds_to_share(t):
            continue
        if variant == "exclusion":
            if not _calm(plan, t):
                continue
            black = [Blackout("handoff", t - 1, _share_end(t), SCHOOL, frozenset((CSC,)))]
            if draft.blocked([Sketch(t, SCHOOL, EXCLUSION)], black):
                continue
            draft.blackouts += black
            xi = draft.add(t, SCHOOL, EXCLUSION, rand.choice(_EXCLUSION))
            draft.key.append(KeyRow("information-not-shared", [xi],
                                    "School did not tell the lead agency about the exclusion"))
            return True
        a = rand.choice(speakers)
        others = [x for x in draft.agencies if x not in (POLICE, CSC, a, *_FAMILY_SECTOR)]
        to = rand.choice(others)
        share = propose_handoff(rand, reply_time(rand, t), a, (to,))
        black = [Blackout("handoff", t - 1, _share_end(t), a, frozenset((CSC,)))]
        if draft.blocked([Sketch(t, a, DISCLOSURE), *share.sketches()], black):
            continue
        draft.blackouts += black
        di = draft.add(t, a, DISCLOSURE, _DISCLOSURE[a])
        add_pending(draft, rand, share)
        _kept_from_lead(draft, di, f"{AGENCIES[a]} shared the disclosure with {AGENCIES[to]} "
                        "but not with")
        return True
    return False


def _kept_from_lead(draft: CaseDraft, disclosure: int, who_did_what: str) -> None:
    """The key row of a disclosure not shared with the lead agency."""
    draft.key.append(KeyRow("information-not-shared", [disclosure],
                            f"{who_did_what} the lead agency"))


def _plant_blame(plan: CasePlan, draft: CaseDraft, rand: random.Random) -> bool:
    for _ in range(60):
        a, text = rand.choice(_BLAME)
        t = quiet_slot(rand, plan)
        if not draft.blocked([Sketch(t, a, CONTACT)]):
            i = draft.add(t, a, CONTACT, text)
            draft.key.append(KeyRow("victim-blaming-language", [i],
                                    "Victim-blaming language in the record"))
            return True
    return False


def _plant_placement(plan: CasePlan, draft: CaseDraft, rand: random.Random) -> bool:
    for _ in range(60):
        t = quiet_slot(rand, plan)
        police = rand.random() < 0.6
        events = [Sketch(t, CSC, PLACEMENT)]
        notice = None
        if police:
            notice = propose_handoff(rand, reply_time(rand, t), CSC, (POLICE,), NOTIFICATION)
            events += notice.sketches()
        # a notice sent up to 28 days ahead of a move may count as well
        black = [Blackout("handoff", t - 29 * _DAY, _share_end(t), CSC, frozenset((HOST,)))]
        if draft.blocked(events, black):
            continue
        draft.blackouts += black
        i = draft.add(t, CSC, PLACEMENT, rand.choice(_MOVE_AWAY))
        if notice is not None:
            add_pending(draft, rand, notice, text="Placement notification sent to Police")
        draft.key.append(KeyRow("placement-not-notified", [i],
                                "Out-of-area placement not notified to the Host Authority"
                                + (" (Police were told)" if police else " or Police")))
        return True
    return False


def _plant_meeting(plan: CasePlan, draft: CaseDraft, rand: random.Random) -> bool:
    """A meeting that leaves out an agency active just before (its key row is written
    when the case is assembled, once every event is known)."""
    for _ in range(60):
        t = quiet_slot(rand, plan)
        s = working_time(rand, t // _DAY - rand.randint(2, 20))
        convener = HUB if HUB in draft.agency_set and rand.random() < 0.5 else CSC
        if s >= t or draft.blocked([Sketch(t, convener, MAM), Sketch(s, SCHOOL, CONTACT)]):
            continue
        draft.add(s, SCHOOL, CONTACT, "Pastoral contact with the child")
        i = draft.add(t, convener, MAM, rand.choice(_MEETING))
        draft.omitted[i] = SCHOOL
        return True
    return False


_PLANTERS: dict[str, Callable[[CasePlan, CaseDraft, random.Random], bool]] = {
    "unanswered": _plant_unanswered,
    "ri-not-shared": _plant_ri_not_shared,
    "voice": _plant_voice,
    "blame": _plant_blame,
    "placement": _plant_placement,
    "meeting": _plant_meeting,
}


def _calm(plan: CasePlan, t: int) -> bool:
    """No rise in episodes after an exclusion at ``t``, with a day's margin each way."""
    D = _DAY
    after = sum(t - D < s <= t + 61 * D for s in plan.episode_starts)
    before = sum(t - 59 * D <= s < t - D for s in plan.episode_starts)
    return after < 2 or after <= before


def add_clean_items(plan: CasePlan, draft: CaseDraft, rand: random.Random) -> CaseDraft:
    """Clean items: disclosures acted on, shared exclusions, notified placements.

    Returns ``draft``, extended.
    """
    speakers = [a for a in draft.agencies if a in _DISCLOSURE]
    for _ in range(rand.choice((0, 0, 1, 1, 2))):
        for _try in range(10):
            a = rand.choice(speakers)
            t = quiet_slot(rand, plan)
            st = reply_time(rand, t)
            events = [Sketch(t, a, DISCLOSURE)]
            share = None
            if a == CSC and rand.random() < 0.5:
                events.append(Sketch(st, CSC, SAFETY))
            else:
                share = propose_handoff(rand, st, a, (POLICE,) if a == CSC else (CSC,))
                events += share.sketches()
            if draft.blocked(events):
                continue
            draft.add(t, a, DISCLOSURE, _DISCLOSURE[a])
            if share is None:
                draft.add(st, CSC, SAFETY, "Safety plan agreed with the child and carer")
            else:
                add_pending(draft, rand, share)
            break
    if rand.random() < 0.35:
        for _ in range(rand.choice((1, 1, 2))):
            for _try in range(10):
                t = quiet_slot(rand, plan)
                share = propose_handoff(rand, reply_time(rand, t), SCHOOL, (CSC,))
                if not _calm(plan, t) or draft.blocked([Sketch(t, SCHOOL, EXCLUSION),
                                                        *share.sketches()]):
                    continue
                draft.add(t, SCHOOL, EXCLUSION, rand.choice(_EXCLUSION))
                add_pending(draft, rand, share)
                break
    if plan.looked_after:
        _add_clean_moves(plan, draft, rand)
    return draft


def _add_clean_moves(plan: CasePlan, draft: CaseDraft, rand: random.Random) -> None:
    """Placement moves: local ones, and out-of-area ones notified to Police and the host."""
    for _ in range(rand.choice((0, 1, 1, 2))):
        for _try in range(10):
            t = quiet_slot(rand, plan)
            if rand.random() < 0.65 or len(draft.agencies) >= 18:
                if draft.blocked([Sketch(t, CSC, PLACEMENT)]):
                    continue
                draft.add(t, CSC, PLACEMENT, rand.choice(_MOVE_LOCAL))
                break
            notice = propose_handoff(rand, reply_time(rand, t), CSC, (POLICE, HOST), NOTIFICATION)
            if draft.blocked([Sketch(t, CSC, PLACEMENT), *notice.sketches()]):
                continue
            draft.add(t, CSC, PLACEMENT, rand.choice(_MOVE_AWAY))
            add_pending(draft, rand, notice,
                        text="Placement notification sent to Police and Host Authority")
            if HOST not in draft.agencies:
                draft.agencies.append(HOST)
            break
