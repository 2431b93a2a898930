"""Lookup tables shared by the vectorised background, the assembly and the Parquet writer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from workbench.generate._texts import TextTable
from workbench.generate._vocab import (
    _ANYTIME,
    _ASSESS,
    _CONTACT,
    _COUNSELLING,
    _DAY_CONTACT,
    _FAMILY_SECTOR,
    _HANDOFF,
    _HANDOFF_VERB,
    _IN_TEXT,
    _MEETING,
    _PROTECTIVE,
    _RISK_REVIEW,
    _SAFETY,
    AGENCIES,
    ASSESSMENT,
    CONTACT,
    COUNSELLING,
    CSC,
    FAMILY,
    FOSTER,
    HUB,
    KINDS,
    MAM,
    NOTIFICATION,
    POLICE,
    REFERRAL,
    RESID,
    RIS,
    RISK,
    SAFETY,
    SCHOOL,
    SHARED,
)


@dataclass(frozen=True)
class _Tables:
    w_contact: np.ndarray          # agency -> weight among contacts and assessments
    w_handoff: np.ndarray          # agency -> weight among hand-off senders
    anytime: np.ndarray            # agency -> records at any hour (bool)
    family: np.ndarray             # agency -> family sector (bool)
    assesses: np.ndarray           # agency -> writes assessments (bool)
    unit_kind: np.ndarray          # background unit type -> kind
    protective: np.ndarray         # kind -> protective action (bool)
    handoff: np.ndarray            # kind -> hand-off (bool)
    ids: np.ndarray                # seq -> event id ("e0001"; object)
    sectors: tuple[str, ...]       # agency -> sector
    verb_index: np.ndarray         # kind -> verb (0 shared, 1 referral, 2 notification)
    # codes into ``texts`` (the first strings of every cohort's TextTable)
    texts: tuple[str, ...]
    template_code: np.ndarray      # [unit type, agency, variant]
    answer_code: np.ndarray        # [sender]: "Responded to … by telephone"
    handoff_code: np.ndarray       # [verb, first recipient, second recipient + 1]
    recipients_code: np.ndarray    # [first recipient, second recipient + 1]


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
    family = np.zeros(n, dtype=bool)
    family[list(_FAMILY_SECTOR)] = True
    assesses = np.zeros(n, dtype=bool)
    assesses[list(_ASSESS)] = True
    texts = TextTable()
    k = 4
    template_code = np.empty((8, n, k), dtype=np.int32)
    for a in range(n):
        sets = [_CONTACT[a], _ASSESS.get(a, _CONTACT[a]), ("",), _MEETING, _RISK_REVIEW,
                _SAFETY, _COUNSELLING, (_DAY_CONTACT.get(a, ""),)]
        for ty, variants in enumerate(sets):
            for j in range(k):
                template_code[ty, a, j] = texts.code(variants[j % len(variants)])
    answer_code = texts.codes(f"Responded to {_IN_TEXT.get(a, AGENCIES[a])} by telephone"
                              for a in range(n))
    protective = np.zeros(len(KINDS), dtype=bool)
    protective[list(_PROTECTIVE)] = True
    handoff = np.zeros(len(KINDS), dtype=bool)
    handoff[list(_HANDOFF)] = True
    ids = np.array([f"e{i:04d}" for i in range(10_000)], dtype=object)
    verbs = (SHARED, REFERRAL, NOTIFICATION)
    verb_index = np.zeros(len(KINDS), dtype=np.int64)
    verb_index[list(verbs)] = range(3)
    recipients_code = np.empty((n, n + 1), dtype=np.int32)
    handoff_code = np.empty((3, n, n + 1), dtype=np.int32)
    for a in range(n):
        for b in range(-1, n):
            names = [AGENCIES[x] for x in (a, b) if x >= 0]
            recipients_code[a, b + 1] = texts.code("; ".join(names))
            for v, kind in enumerate(verbs):
                handoff_code[v, a, b + 1] = texts.code(
                    f"{_HANDOFF_VERB[kind]} {' and '.join(names)}")
    return _Tables(w_contact, w_handoff, anytime, family, assesses, unit_kind, protective,
                   handoff, ids, tuple(aliases.sector(a) for a in AGENCIES), verb_index,
                   texts.strings,
                   template_code, answer_code, handoff_code, recipients_code)
