"""Lookup tables shared by the vectorised background and the Parquet writer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from workbench.generate._vocab import (
    _ANYTIME,
    _ASSESS,
    _CONTACT,
    _COUNSELLING,
    _DAY_CONTACT,
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
