"""The state of one generated case and its small tools (events, hand-offs, blackouts)."""

from __future__ import annotations

import random

import numpy as np

from workbench.generate._calendar import _roll, _wd_add
from workbench.generate._vocab import (
    _DAY,
    _HANDOFF,
    _HANDOFF_VERB,
    _IN_TEXT,
    _PROTECTIVE,
    AGENCIES,
    CONTACT,
    SHARED,
)


class _CaseTools:
    """One child's chronology in the making: skeleton columns and the tools to add to them."""

    def __init__(self, case_id: str, seed: np.random.SeedSequence, good_share: float) -> None:
        self.id = case_id
        self.rng = np.random.default_rng(seed)
        self.r = random.Random(int(self.rng.integers(2**62)))
        self.good = self.r.random() < good_share
        # skeleton event columns
        self.t: list[int] = []
        self.ag: list[int] = []
        self.kd: list[int] = []
        self.txt: list[str] = []
        self.grade: list[str | None] = []
        self.rec: list[tuple[int, ...] | None] = []
        self.ref: list[int] = []
        self.omit: dict[int, int] = {}        # planted meeting -> (to be chosen) agency
        self.blackouts: list[tuple] = []
        self.key: list[tuple[str, list, str]] = []

    # ---- small tools
    def add(self, t: int, ag: int, kd: int, txt: str, *, grade: str | None = None,
            rec: tuple[int, ...] | None = None, ref: int = -1) -> int:
        self.t.append(t)
        self.ag.append(ag)
        self.kd.append(kd)
        self.txt.append(txt)
        self.grade.append(grade)
        self.rec.append(rec)
        self.ref.append(ref)
        return len(self.t) - 1

    def work(self, day: int) -> int:
        """A time in working hours on ``day`` (rolled to a weekday)."""
        return _roll(day) * _DAY + 480 + self.r.randrange(570)

    def reply(self, t: int) -> int:
        """A time within 2 working days after ``t`` (the same day when it is a weekday)."""
        day = t // _DAY
        target = _wd_add(day, self.r.choice((0, 1, 1, 2)))
        return t + self.r.randint(10, 180) if target == day else self.work(target)

    def handoff(self, t: int, sender: int, recipients: tuple[int, ...], kind: int = SHARED,
                text: str | None = None, answers: list[int] | None = None) -> int:
        """A hand-off event and, unless ``answers=[]``, each recipient's answer."""
        rec = tuple(sorted(recipients))
        names = " and ".join(AGENCIES[a] for a in rec)
        i = self.add(t, sender, kind, text or f"{_HANDOFF_VERB[kind]} {names}", rec=rec)
        if answers is None:
            answers = [self.reply(t) for _ in rec]
        for b, at in zip(rec, answers, strict=False):
            self.answer(i, b, at)
        return i

    def draft(self, t: int, sender: int, recipients: tuple[int, ...],
              kind: int = SHARED) -> tuple[list[tuple], dict]:
        """The events a hand-off would add (for a blackout check) and how to make it."""
        rec = tuple(sorted(recipients))
        answers = [self.reply(t) for _ in rec]
        events = [(t, sender, kind, rec)] + [(a, b, CONTACT, None)
                                             for a, b in zip(answers, rec, strict=True)]
        return events, {"t": t, "sender": sender, "recipients": rec, "kind": kind,
                        "answers": answers}

    def answer(self, i: int, by: int, t: int) -> int:
        sender = self.ag[i]
        return self.add(t, by, CONTACT, f"Responded to {_IN_TEXT.get(sender, AGENCIES[sender])}"
                        " by telephone", ref=i)

    def lead_at(self, t: int, margin: int = _DAY) -> bool:
        return any(o + margin <= t and (c is None or t <= c - margin) for o, c in self.leads)

    # ---- blackouts: windows where an event would undo a planted failure
    @staticmethod
    def _hits(b: tuple, t: int, end: int, ag: int, kd: int, rec) -> bool:
        if t > b[2] or end < b[1]:
            return False
        if b[0] == "protective":
            return kd in _PROTECTIVE
        if b[0] == "agency":
            return ag == b[3]
        return ag == b[3] and kd in _HANDOFF and rec is not None and bool(b[4] & set(rec))

    def blocked(self, events: list[tuple], blackouts: list[tuple] = ()) -> bool:
        """Whether new events hit a blackout, or new blackouts hit existing events."""
        for e in events:
            if any(self._hits(b, e[0], e[0] + 1, *e[1:]) for b in self.blackouts):
                return True
        for b in blackouts:
            for j in range(len(self.t)):
                if self._hits(b, self.t[j], self.t[j] + 1, self.ag[j], self.kd[j], self.rec[j]):
                    return True
            if any(self._hits(b, e[0], e[0] + 1, *e[1:]) for e in events):
                return True
        return False
