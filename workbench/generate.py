"""Synthetic cohorts: many children's merged chronologies with planted failures.

:func:`generate_cohort` writes a folder that the cohort tools (and benchmarks) read::

    OUT/
    ├── events/part-00000.parquet …   the event table of every case (``case_id`` column),
    │                                 whole cases per file, about ``chunk_events`` rows each
    ├── cases.parquet                 one row per child
    ├── answer_key.csv                one row per planted failure (pattern, evidence ids)
    └── README.md                     what the files are, the seed and the command

The shape follows the domain notes (section 5): 5–18 agencies and 100–1,000 events
per child, mostly background contacts, assessments and answered hand-offs; about
two thirds of missing episodes are repeats, with a heavy tail of children who go
missing very often. About ``good_share`` of the children are *good-practice* cases:
by the operational definitions of ``docs/patterns.md`` (England 2014 profile) they
raise no flag at all. Every other case carries 1–4 planted failures drawn from all
13 patterns; a planted situation that by the definitions implies several patterns
(a return-interview disclosure nobody shares is also ``child-voice-not-acted-on``
and ``information-not-shared``) has one answer-key row per pattern, so that a
correct rule engine's flags match the key exactly. Each row's ``events`` are the
flag's evidence (``docs/patterns.md``), the anchor (the event at fault) first:

================================  ===========================================================
pattern                           events
================================  ===========================================================
unanswered-referral               referral (never answered) or referral; late answer
return-interview-missing          found (; the late interview), or refusal; found
return-interview-not-shared       disclosure; return interview
risk-disagreement                 police grading; the other agency's concern
repeat-episodes-no-strategy       third report; first report; second report
information-not-shared            the disclosure, exclusion or concern
closed-while-active               closure; each report within 90 days before reopening
child-voice-not-acted-on          disclosure (; the first protective action, however late)
victim-blaming-language           the event
education-exclusion-escalation    exclusion; each report in the 60 days after
placement-not-notified            the placement move
meeting-missing-agency            meeting; the absent agency's latest earlier event
ownership-gap                     report (; the last closure)
================================  ===========================================================

Planted windows keep clear of every reading of the definitions that the rules could
take: answers come within 2 working days and late ones after 9; clusters of episodes
are isolated by 33 days; meetings follow every third episode within 30 days; no
protective action (or no event at all, for an unanswered referral) falls in a
planted failure's window, counted generously in working days of Europe/London.

Event columns written: ``case_id``, ``id``, ``seq`` (int32), ``agency``,
``agency_as_written`` (the canonical name), ``sector``, ``kind``, ``kind_basis``
(``column``), ``kind_confidence`` (1.0), ``start``, ``end`` (timestamp[us, UTC]),
``precision`` (``minute``; a few ``day``), ``approximate`` (false), ``summary``,
``recipients``, ``attendees``, ``risk_grade``, ``refers_to``, ``source_file``,
``source_line`` (int32), ``source``. ``agency``, ``agency_as_written``, ``sector``,
``kind`` and ``kind_basis`` are dictionary-encoded. Empty ``recipients``,
``attendees``, ``risk_grade`` and ``refers_to`` are null. The columns ``when``,
``details``, ``action``, ``outcome``, ``author`` and ``source_sheet`` are omitted.

The generator streams: one case at a time, flushed to Parquet every
``chunk_events`` rows, so memory does not grow with the cohort. Each case draws from
its own random generator (``SeedSequence(seed).spawn``), so the same seed gives the
same bytes whatever the chunk size changes in file boundaries, and the first *n*
cases of a larger cohort are the *n* cases of a smaller one.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     summary = generate_cohort(f"{tmp}/cohort", cases=3, seed=7)
...     files = sorted(p.name for p in summary.path.iterdir())
>>> summary.cases, summary.events > 300, files
(3, True, ['README.md', 'answer_key.csv', 'cases.parquet', 'events'])
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import random
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["CohortSummary", "generate_cohort"]

# --- vocabularies -----------------------------------------------------------------------

AGENCIES = (
    "Police", "Children's Social Care", "School", "Return Interview Service",
    "Youth Justice Service", "Missing Children Hub", "Host Authority", "Education",
    "School Nursing", "GP", "Emergency Department", "CAMHS", "Sexual Health", "Health",
    "Counselling Service", "Youth Service", "Housing", "Residential Home", "Foster Carer",
    "Family",
)
(POLICE, CSC, SCHOOL, RIS, YJS, HUB, HOST, EDUC, SNURSE, GP, ED, CAMHS, SEXH, HEALTH,
 COUNS, YOUTH, HOUSING, RESID, FOSTER, FAMILY) = range(len(AGENCIES))
_FILE_STEMS = ("police", "csc", "school", "ris", "yjs", "hub", "host-authority", "education",
               "school-nursing", "gp", "ed", "camhs", "sexual-health", "health", "counselling",
               "youth-service", "housing", "residential-home", "foster-carer", "family")
_POOL = (YJS, HUB, EDUC, SNURSE, GP, ED, CAMHS, SEXH, HEALTH, COUNS, YOUTH, HOUSING)
_FAMILY_SECTOR = (FOSTER, FAMILY)
_ANYTIME = (POLICE, ED, RESID, FOSTER, FAMILY)  # record at any hour, weekends included

KINDS = (
    "missing_report", "absence_report", "found", "return_interview_offered",
    "return_interview_completed", "return_interview_declined", "referral", "notification",
    "information_shared", "strategy_meeting", "multi_agency_meeting", "risk_assessment",
    "disclosure", "counselling_session", "assessment", "placement_move", "exclusion",
    "case_opened", "case_closed", "safety_plan", "contact",
)
(MISSING, ABSENCE, FOUND, RI_OFFERED, RI_DONE, RI_DECLINED, REFERRAL, NOTIFICATION, SHARED,
 STRATEGY, MAM, RISK, DISCLOSURE, COUNSELLING, ASSESSMENT, PLACEMENT, EXCLUSION, OPENED,
 CLOSED, SAFETY, CONTACT) = range(len(KINDS))
_HANDOFF = frozenset((REFERRAL, NOTIFICATION, SHARED))
_PROTECTIVE = frozenset((REFERRAL, NOTIFICATION, SHARED, STRATEGY, MAM, SAFETY, RISK))
_GRADES = ("absent", "low", "medium", "high")

_DAY = 1440                                 # minutes
_EPOCH_2013 = (dt.date(2013, 1, 1) - dt.date(1970, 1, 1)).days
_EPOCH_2023 = (dt.date(2023, 1, 1) - dt.date(1970, 1, 1)).days
_LONDON = ZoneInfo("Europe/London")

# Texts. None contains a concern or victim-blaming phrase of the bundled profiles, or
# "out of area", except the texts written for those on purpose; each reads as its
# kind to the transparent classifier (workbench.kinds.classify).
_CONTACT = {
    POLICE: ("Welfare visit to the home address", "Telephone contact with the carer",
             "Officers visited the address to check on the child"),
    CSC: ("Home visit by the social worker", "Statutory visit to the child",
          "Telephone call with the parent", "Social worker visited the child at school"),
    SCHOOL: ("Pastoral contact with the child", "Phone call to the parent about attendance",
             "Form tutor contact with the child"),
    RIS: ("Follow-up contact with the child", "Telephone contact to keep in touch",
          "Drop-in visit by the return worker"),
    YJS: ("YJS appointment attended", "YJS home visit", "Telephone contact with the YJS worker"),
    HUB: ("Hub telephone follow-up with the family", "Hub contact with the allocated worker"),
    HOST: ("Host authority contact with the placement", "Host authority visit to the placement"),
    EDUC: ("Education welfare home visit", "Attendance officer phone call to the parent"),
    SNURSE: ("Seen by the school nurse", "School nurse drop-in appointment"),
    GP: ("GP appointment attended", "GP telephone consultation"),
    ED: ("Seen by ED staff for a minor injury", "Seen by ED staff after a fall"),
    CAMHS: ("CAMHS appointment attended", "CAMHS telephone contact with the parent"),
    SEXH: ("Clinic appointment attended", "Telephone contact from the clinic"),
    HEALTH: ("Health visitor contact with the family", "Named nurse telephone contact"),
    COUNS: ("Telephone contact to arrange sessions",),
    YOUTH: ("Youth club contact with the child", "Youth worker visit"),
    HOUSING: ("Housing officer visit to the family", "Telephone contact with the housing officer"),
    RESID: ("Staff contact with the child at the home", "Key worker phone call with the social worker"),
    FOSTER: ("Foster carer telephone update to the social worker",
             "Foster carer contact with the school"),
    FAMILY: ("Telephone call from the mother", "Father visited the social work office"),
}
_ASSESS = {
    CSC: ("Child and family assessment updated", "Assessment reviewed by the team manager"),
    SCHOOL: ("Education assessment updated", "Special educational needs assessment reviewed"),
    EDUC: ("Education welfare assessment completed",),
    SNURSE: ("Health assessment completed by the school nurse",),
    GP: ("GP health check completed",),
    CAMHS: ("CAMHS assessment completed", "CAMHS review assessment"),
    HEALTH: ("Review health assessment completed",),
    SEXH: ("Sexual health assessment completed",),
    YJS: ("YJS assessment updated",),
    HUB: ("Hub assessment of recent episodes",),
    HOUSING: ("Housing needs assessment completed",),
    YOUTH: ("Youth service assessment of needs",),
    ED: ("ED triage assessment",),
    RESID: ("Placement assessment reviewed",),
}
_MEETING = ("Multi-agency meeting to review the plan", "Team around the child meeting",
            "Hub meeting to review recent episodes", "Professionals meeting held")
_RISK_REVIEW = ("Risk assessment reviewed", "Risk assessment updated after review")
_SAFETY = ("Safety plan reviewed with the child", "Safety plan updated with the carers")
_COUNSELLING = ("Counselling session held", "Counselling session: child attended")
_DAY_CONTACT = {GP: "GP appointment attended (time not recorded)",
                HOUSING: "Housing officer telephone contact (time not recorded)",
                EDUC: "Education welfare visit (time not recorded)",
                FAMILY: "Telephone call from the mother (time not recorded)"}
_HANDOFF_VERB = {SHARED: "Information shared with", REFERRAL: "Referral to",
                 NOTIFICATION: "Notified"}
_IN_TEXT = {RIS: "the return worker", HUB: "the hub", HOST: "the host authority",
            COUNS: "the counsellor"}
_FOUND = ("Found by officers at a friend's address", "Returned home of own accord",
          "Located in the town centre by officers", "Self-returned in the early hours",
          "Found by officers at a relative's address")
_RI_OFFER = ("Return interview offered by telephone", "Return interview arranged for the next day")
_RI_DONE = ("Return interview completed at home", "Return interview held at school",
            "Return interview completed at a cafe")
_RI_DECLINED = ("Child declined the return interview", "Return interview refused by the child")
_RI_DISCLOSURE = (
    "Child said they stayed overnight at an address in the next town",
    "Child said they are frightened of a person called 'J' who they met in town",
    "Child told the return worker they were scared to go home",
    "Child said they had been staying with someone called 'K' at a flat in town",
    "Child disclosed that a person called 'D' gives them lifts at night",
)
_DISCLOSURE = {
    CSC: "Child told the social worker they are scared of a person called 'J'",
    SCHOOL: "Child told a teacher they stayed overnight at an address in town",
    YOUTH: "Child told the youth worker they had been staying with someone called 'K'",
    COUNS: "Child said in the session they are frightened to go home",
    RESID: "Child told staff they had been at a flat in town with a person called 'D'",
    FOSTER: "Child told the foster carer they are scared of a person called 'J'",
    CAMHS: "Child told the CAMHS worker they do not feel safe at home",
    YJS: "Child told the YJS worker they owe money to a person called 'T'",
}
_CONCERN = {   # (kind, text): each matches a concern phrase of the bundled profiles
    SCHOOL: (ASSESSMENT, "Pastoral assessment: concerns of possible criminal exploitation"),
    YOUTH: (CONTACT, "Youth worker contact: county lines concerns noted"),
    SEXH: (ASSESSMENT, "Clinic assessment: indicators of child sexual exploitation"),
    ED: (ASSESSMENT, "ED assessment: exploitation concerns noted"),
    HUB: (ASSESSMENT, "Hub assessment: indicators of sexual exploitation"),
    YJS: (ASSESSMENT, "YJS assessment: criminal exploitation concerns"),
    CAMHS: (ASSESSMENT, "CAMHS assessment: concerns of sexual exploitation"),
    GP: (CONTACT, "GP appointment: exploitation concerns noted"),
    HEALTH: (ASSESSMENT, "Health assessment: exploitation concerns noted"),
    SNURSE: (ASSESSMENT, "School nurse assessment: exploitation concerns noted"),
    EDUC: (ASSESSMENT, "Education welfare assessment: criminal exploitation concerns"),
    RESID: (CONTACT, "Staff contact: concerns of criminal exploitation"),
    HOUSING: (CONTACT, "Housing officer visit: concerns of cuckooing at the family address"),
    CSC: (ASSESSMENT, "Assessment completed: child protection plan agreed (exploitation)"),
}
_BLAME = (
    (POLICE, "Welfare visit: officer notes the child is streetwise and will come back"),
    (CSC, "Home visit: carer describes the child staying out as a lifestyle choice"),
    (SCHOOL, "Phone call with the parent: the child is putting herself at risk by staying out"),
    (POLICE, "Telephone contact: officer records that the child makes her own choices"),
)
_EXCLUSION = ("Fixed-term exclusion for three days", "Fixed-term exclusion for five days",
              "Placed on a reduced timetable")
_MOVE_LOCAL = ("Moved to a new foster placement in the local area",
               "Moved to a new residential placement in the local area")
_MOVE_AWAY = ("Placed out of area at a residential home in another county",
              "Placed out of area with foster carers in another county")

# the planted situations (recipes) and the patterns they imply
_RECIPES = ("unanswered", "ri-missing", "ri-not-shared", "risk", "cluster", "info", "closure",
            "voice", "blame", "escalation", "placement", "meeting", "late-open")
_SEGMENT_RECIPES = ("cluster", "escalation", "closure", "late-open")
_NEXT_PROTECTIVE = -1   # evidence placeholder: the first protective action after the anchor


@dataclass(frozen=True)
class CohortSummary:
    """What :func:`generate_cohort` wrote.

    Attributes
    ----------
    path : the output folder.
    cases, events, episodes : counts over the cohort.
    repeat_share : share of episodes that are a child's second or later.
    planted : rows of ``answer_key.csv`` (one per pattern a planted failure implies).
    seconds : wall-clock time taken.
    """

    path: Path
    cases: int
    events: int
    episodes: int
    repeat_share: float
    planted: int
    seconds: float


# --- calendar helpers (minutes since the epoch, UTC) ---------------------------------------

def _roll(day: int) -> int:
    """The day itself if a weekday, else the Monday after."""
    w = (day + 3) % 7
    return day + 2 if w == 5 else day + 1 if w == 6 else day


def _wd_add(day: int, k: int) -> int:
    """The ``k``-th working day after ``day`` (``k=0``: ``day`` rolled to a weekday)."""
    day = _roll(day)
    weeks, rem = divmod(k, 5)
    day += 7 * weeks
    return day + rem + (2 if (day + 3) % 7 + rem >= 5 else 0)


@cache
def _local_midnight(day: int) -> int:
    """The UTC minute at which the Europe/London date ``day`` begins."""
    d = dt.date(1970, 1, 1) + dt.timedelta(days=day)
    offset = dt.datetime(d.year, d.month, d.day, tzinfo=_LONDON).utcoffset()
    return day * _DAY - int(offset.total_seconds() // 60) if offset else day * _DAY


def _share_end(t: int) -> int:
    """A generous end for "within 5 working days" of ``t`` (6 working days, +1 day)."""
    return (_wd_add(t // _DAY + 1, 6) + 1) * _DAY


# --- one case ------------------------------------------------------------------------------

class _Case:
    """Builds one child's chronology: plan, skeleton, planted failures, background."""

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

    # ---- step 1: the plan
    def plan(self) -> None:
        r = self.r
        s_day = r.randrange(_EPOCH_2013, _EPOCH_2023)
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


@dataclass(frozen=True)
class _Tables:
    w_contact: np.ndarray
    w_handoff: np.ndarray
    anytime: np.ndarray
    unit_kind: np.ndarray
    templates: np.ndarray
    answer_text: np.ndarray
    protective: np.ndarray
    handoff: np.ndarray
    scratch: np.ndarray
    ids: np.ndarray
    sectors: tuple[str, ...]
    handoff_text: np.ndarray       # [verb, first recipient, second recipient + 1]
    recipients_text: np.ndarray    # [first recipient, second recipient + 1]
    verb_index: np.ndarray         # kind -> verb


@cache
def _tables() -> _Tables:
    from workbench.agencies import load_aliases

    aliases = load_aliases()
    missing = [a for a in AGENCIES if a not in aliases.names]
    if missing:
        raise ValueError(f"agencies {missing} are not in workbench/data/agencies.yaml")
    n = len(AGENCIES)
    w_contact = np.ones(n)
    w_contact[[POLICE, CSC, SCHOOL]] = 3.0
    w_contact[[HUB, RESID, FOSTER]] = 1.6
    w_contact[[RIS, FAMILY]] = 0.6
    w_handoff = w_contact.copy()
    w_handoff[[POLICE, CSC]] = 4.0
    anytime = np.zeros(n, dtype=bool)
    anytime[list(_ANYTIME)] = True
    unit_kind = np.array([CONTACT, ASSESSMENT, SHARED, MAM, RISK, SAFETY, COUNSELLING, CONTACT])
    k = 4
    templates = np.empty((8, n, k), dtype=object)
    for a in range(n):
        sets = [_CONTACT[a], _ASSESS.get(a, _CONTACT[a]), ("",), _MEETING, _RISK_REVIEW,
                _SAFETY, _COUNSELLING, (_DAY_CONTACT.get(a, ""),)]
        for ty, texts in enumerate(sets):
            for j in range(k):
                templates[ty, a, j] = texts[j % len(texts)]
    answer_text = np.array([f"Responded to {_IN_TEXT.get(a, AGENCIES[a])} by telephone"
                            for a in range(n)], dtype=object)
    protective = np.zeros(len(KINDS), dtype=bool)
    protective[list(_PROTECTIVE)] = True
    handoff = np.zeros(len(KINDS), dtype=bool)
    handoff[list(_HANDOFF)] = True
    ids = np.array([f"e{i:04d}" for i in range(10_000)], dtype=object)
    verbs = (SHARED, REFERRAL, NOTIFICATION)
    verb_index = np.zeros(len(KINDS), dtype=np.int64)
    verb_index[list(verbs)] = range(3)
    recipients_text = np.empty((n, n + 1), dtype=object)
    handoff_text = np.empty((3, n, n + 1), dtype=object)
    for a in range(n):
        for b in range(-1, n):
            names = [AGENCIES[x] for x in (a, b) if x >= 0]
            recipients_text[a, b + 1] = "; ".join(names)
            for v, kind in enumerate(verbs):
                handoff_text[v, a, b + 1] = f"{_HANDOFF_VERB[kind]} {' and '.join(names)}"
    return _Tables(w_contact, w_handoff, anytime, unit_kind, templates, answer_text, protective,
                   handoff, np.full(n, -1, dtype=np.int64), ids,
                   tuple(aliases.sector(a) for a in AGENCIES), handoff_text, recipients_text,
                   verb_index)


def _build_case(index: int, seed: np.random.SeedSequence, good_share: float):
    case = _Case(f"G{index + 1:06d}", seed, good_share)
    case.plan()
    case.skeleton()
    case.plant()
    case.optional()
    bg = int(case.rng.lognormal(math.log(430), 0.5))
    target = min(990, max(130, len(case.t) + bg))
    cols, key, info = case.assemble(target)
    row = {"case_id": case.id, "good_practice": case.good, "n_agencies": info["n_agencies"],
           "n_events": info["n_events"], "n_episodes": info["n_episodes"],
           "born": (dt.date(1970, 1, 1) + dt.timedelta(days=case.born_day)).strftime("%Y-%m"),
           "lead_agency": AGENCIES[CSC], "looked_after": case.looked_after,
           "n_planted": len(key)}
    return case.id, cols, key, row


# --- writing -------------------------------------------------------------------------------

_STRING = pa.string()
_DICT = pa.dictionary(pa.int8(), pa.string())
_TS = pa.timestamp("us", tz="UTC")
EVENT_SCHEMA = pa.schema([
    ("case_id", _STRING), ("id", _STRING), ("seq", pa.int32()), ("agency", _DICT),
    ("agency_as_written", _DICT), ("sector", _DICT), ("kind", _DICT), ("kind_basis", _DICT),
    ("kind_confidence", pa.float32()), ("start", _TS), ("end", _TS), ("precision", _STRING),
    ("approximate", pa.bool_()), ("summary", _STRING), ("recipients", _STRING),
    ("attendees", _STRING), ("risk_grade", _STRING), ("refers_to", _STRING),
    ("source_file", _STRING), ("source_line", pa.int32()), ("source", _STRING),
])
CASES_SCHEMA = pa.schema([
    ("case_id", _STRING), ("good_practice", pa.bool_()), ("n_agencies", pa.int16()),
    ("n_events", pa.int32()), ("n_episodes", pa.int32()), ("born", _STRING),
    ("lead_agency", _STRING), ("looked_after", pa.bool_()), ("n_planted", pa.int16()),
])


def _events_table(parts: list[tuple[str, dict]]) -> pa.Table:
    tables = _tables()
    ids = tables.ids
    n_per = [len(c["seq"]) for _, c in parts]
    cat = {k: np.concatenate([c[k] for _, c in parts]) for k in parts[0][1]}
    case_ids = np.repeat(np.array([cid for cid, _ in parts], dtype=object), n_per)
    agency_dict = pa.array(AGENCIES, _STRING)
    ag = pa.array(cat["ag"].astype(np.int8))
    sectors = sorted(set(tables.sectors))
    sector_code = np.array([sectors.index(s) for s in tables.sectors], dtype=np.int8)
    files = pc.binary_join_element_wise(
        pa.array(case_ids, _STRING),
        pc.take(pa.array([f"/{s}.csv" for s in _FILE_STEMS], _STRING), ag), "")
    line = pa.array(cat["line"].astype(np.int32))
    ref = cat["ref"]
    return pa.table([
        pa.array(case_ids, _STRING),
        pa.array(ids[cat["seq"]], _STRING),
        pa.array(cat["seq"].astype(np.int32)),
        pa.DictionaryArray.from_arrays(ag, agency_dict),
        pa.DictionaryArray.from_arrays(ag, agency_dict),
        pa.DictionaryArray.from_arrays(pa.array(sector_code[cat["ag"]]), pa.array(sectors)),
        pa.DictionaryArray.from_arrays(pa.array(cat["kd"].astype(np.int8)),
                                       pa.array(KINDS, _STRING)),
        pa.DictionaryArray.from_arrays(pa.array(np.zeros(len(ref), dtype=np.int8)),
                                       pa.array(["column"], _STRING)),
        pa.array(np.ones(len(ref), dtype=np.float32)),
        pa.array(cat["t"] * 60_000_000, _TS),
        pa.array(cat["end"] * 60_000_000, _TS),
        pa.array(np.where(cat["day"], "day", "minute").astype(object), _STRING),
        pa.array(np.zeros(len(ref), dtype=bool)),
        pa.array(cat["txt"], _STRING),
        pa.array(cat["rec"], _STRING),
        pa.array(cat["att"], _STRING),
        pa.array(cat["grade"], _STRING),
        pa.array(ids[np.maximum(ref, 0)], _STRING, mask=ref < 0),
        files,
        line,
        pc.binary_join_element_wise(files, pc.cast(line, _STRING), ":"),
    ], schema=EVENT_SCHEMA)


_README = """# Synthetic cohort

Generated by `workbench.generate.generate_cohort` (case review workbench): {cases:,}
fictional children, {events:,} events, {episodes:,} missing episodes ({repeat:.0%} repeats),
{planted:,} planted failures. Nothing here describes a real person.

Made with seed {seed} by

    workbench generate --cases {cases} --seed {seed} -o OUT

or, in Python,

    from workbench.generate import generate_cohort
    generate_cohort("OUT", cases={cases}, seed={seed}, chunk_events={chunk}, good_share={good})

The same seed, number of cases and chunk size give the same bytes.

## Files

- `events/part-NNNNN.parquet`: the merged chronology of every child, whole cases per
  file, about {chunk:,} rows each. Columns as `docs/case-format.md` (`events.csv`) plus
  `case_id`; `when`, `details`, `action`, `outcome`, `author` and `source_sheet` are
  omitted; missing values are null. Read with `pandas.read_parquet(OUT / "events")`.
- `cases.parquet`: one row per child (`case_id`, `good_practice`, `n_agencies`,
  `n_events`, `n_episodes`, `born`, `lead_agency`, `looked_after`, `n_planted`).
- `answer_key.csv`: one row per planted failure and pattern it implies, by the
  definitions of `docs/patterns.md` with the `england-2014` profile: `case_id`,
  `pattern`, `events` (`;`-joined event ids of the evidence, the anchor first: see
  the table in `workbench/generate.py`), `note`. Good-practice cases have no rows: a correct rule engine
  raises no flag on them, and on the other cases exactly the rows of this key.
"""


def generate_cohort(out: str | os.PathLike, *, cases: int, seed: int,
                    chunk_events: int = 500_000, good_share: float = 0.3,
                    progress: bool = False) -> CohortSummary:
    """Write a synthetic cohort of ``cases`` children with planted failures.

    Parameters
    ----------
    out : folder to write; created, and refused when it exists and is not empty.
    cases : number of children.
    seed : the random seed; the same seed gives the same files.
    chunk_events : about how many events each ``events/part-*.parquet`` holds.
    good_share : share of good-practice cases (no failure of any pattern).
    progress : show a progress bar (tqdm) on standard error.

    Returns
    -------
    CohortSummary

    Raises
    ------
    FileExistsError
        When ``out`` exists and is not empty (nothing is overwritten).

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     s = generate_cohort(f"{tmp}/c", cases=4, seed=1)
    ...     key = pd.read_csv(s.path / "answer_key.csv")
    >>> len(key) == s.planted, list(key.columns)
    (True, ['case_id', 'pattern', 'events', 'note'])
    """
    if cases < 1:
        raise ValueError(f"cases must be at least 1, got {cases}")
    if not 0.0 <= good_share <= 1.0:
        raise ValueError(f"good_share must lie in [0, 1], got {good_share}")
    began = time.perf_counter()
    path = Path(out)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise FileExistsError(f"{path}: exists and is not empty; choose a new folder")
    (path / "events").mkdir(parents=True, exist_ok=True)
    seeds = np.random.SeedSequence(seed).spawn(cases)
    from tqdm import tqdm

    bar = tqdm(total=cases, unit="case", desc="generate", disable=not progress, file=sys.stderr)
    buffer: list[tuple[str, dict]] = []
    rows: list[dict] = []
    key_rows: list[tuple[str, str, str, str]] = []
    buffered = part = events = episodes = 0

    def flush() -> None:
        nonlocal buffer, buffered, part
        if buffer:
            pq.write_table(_events_table(buffer), path / "events" / f"part-{part:05d}.parquet",
                           compression="zstd")
            part += 1
        buffer, buffered = [], 0

    for index in range(cases):
        cid, cols, key, row = _build_case(index, seeds[index], good_share)
        buffer.append((cid, cols))
        buffered += row["n_events"]
        events += row["n_events"]
        episodes += row["n_episodes"]
        rows.append(row)
        key_rows += [(cid, p, ";".join(ev), note) for p, ev, note in key]
        if buffered >= chunk_events:
            flush()
        bar.update()
    flush()
    bar.close()
    pq.write_table(pa.Table.from_pylist(rows, schema=CASES_SCHEMA), path / "cases.parquet",
                   compression="zstd")
    with open(path / "answer_key.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("case_id", "pattern", "events", "note"))
        writer.writerows(key_rows)
    with_episodes = sum(1 for r in rows if r["n_episodes"])
    repeat = 1 - with_episodes / episodes if episodes else 0.0
    (path / "README.md").write_text(_README.format(
        cases=cases, events=events, episodes=episodes, repeat=repeat, planted=len(key_rows),
        seed=seed, chunk=chunk_events, good=good_share), encoding="utf-8")
    return CohortSummary(path=path, cases=cases, events=events, episodes=episodes,
                         repeat_share=repeat, planted=len(key_rows),
                         seconds=time.perf_counter() - began)
