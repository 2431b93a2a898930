"""Random times and hand-offs added to a draft (each takes the case's ``random.Random``)."""

from __future__ import annotations

import random

from workbench.generate._calendar import _roll, _wd_add
from workbench.generate._state import CaseDraft, CasePlan, PendingHandoff, Recipients
from workbench.generate._vocab import (
    _ANYTIME,
    _DAY,
    _HANDOFF_VERB,
    _IN_TEXT,
    AGENCIES,
    CONTACT,
    SHARED,
)


def working_time(rand: random.Random, day: int) -> int:
    """A time in working hours on ``day`` (rolled to a weekday)."""
    return _roll(day) * _DAY + 480 + rand.randrange(570)


def agency_time(rand: random.Random, agency: int, day: int) -> int:
    """A time on ``day`` when ``agency`` records: any hour for some, else working hours."""
    if agency in _ANYTIME:
        return day * _DAY + rand.randrange(_DAY)
    return working_time(rand, day)


def reply_time(rand: random.Random, time: int) -> int:
    """A time within 2 working days after ``time`` (the same day when it is a weekday)."""
    day = time // _DAY
    target = _wd_add(day, rand.choice((0, 1, 1, 2)))
    return time + rand.randint(10, 180) if target == day else working_time(rand, target)


def quiet_slot(rand: random.Random, plan: CasePlan) -> int:
    """A working time from 25 days after the review starts to 45 days before it ends."""
    return working_time(rand, rand.randrange(plan.review_start_day + 25,
                                             plan.review_end_day - 45))


def add_answer(draft: CaseDraft, handoff: int, by: int, time: int) -> int:
    """Agency ``by``'s answer at ``time`` to the hand-off event ``handoff``."""
    sender = draft.events.agency[handoff]
    return draft.add(time, by, CONTACT, f"Responded to {_IN_TEXT.get(sender, AGENCIES[sender])}"
                     " by telephone", refers_to=handoff)


def add_handoff(draft: CaseDraft, rand: random.Random, time: int, sender: int,
                recipients: Recipients, kind: int = SHARED, text: str | None = None,
                answers: list[int] | tuple[int, ...] | None = None) -> int:
    """A hand-off event and, unless ``answers=[]``, each recipient's answer."""
    rec = tuple(sorted(recipients))
    names = " and ".join(AGENCIES[a] for a in rec)
    i = draft.add(time, sender, kind, text or f"{_HANDOFF_VERB[kind]} {names}", recipients=rec)
    if answers is None:
        answers = [reply_time(rand, time) for _ in rec]
    for b, at in zip(rec, answers, strict=False):
        add_answer(draft, i, b, at)
    return i


def propose_handoff(rand: random.Random, time: int, sender: int, recipients: Recipients,
                    kind: int = SHARED) -> PendingHandoff:
    """A hand-off with its answer times drawn, to check against blackouts before adding."""
    rec = tuple(sorted(recipients))
    return PendingHandoff(time, sender, rec, kind, tuple(reply_time(rand, time) for _ in rec))


def add_pending(draft: CaseDraft, rand: random.Random, pending: PendingHandoff,
                text: str | None = None) -> int:
    """Add a proposed hand-off and its answers."""
    return add_handoff(draft, rand, pending.time, pending.sender, pending.recipients,
                       pending.kind, text, answers=pending.answers)
