"""The facts inside a row: what a record says besides its one main kind.

Why one module (just over 400 lines): the vocabulary of facts and the patterns that
find each share one set of sentence and negation rules, read together when a fact is added.

A row of a chronology has one kind (``missing_report``, ``return_interview_completed``
…) and any number of *facts* found in its text and columns, each keeping the words
that gave it (for the timeline's hover and the review record):

``child_account``
    the child's own account: what the child said, told, disclosed or denied, in any
    row (a return interview, a found report, a school log), and the child's quoted
    words. Value ``disclosure`` when the words name a person, a place, fear or harm,
    else ``account`` (views, wishes, feelings).
``risk_grade``
    a police-style grading (``absent``, ``low``, ``medium``, ``high``).
``exploitation``
    an exploitation concern (the phrase, lower case); denied phrases are not facts.
``request``
    on a hand-off: ``request`` when it asks for an answer, ``inform`` when it only
    informs (a courtesy notification, "for information").
``chase``
    on a hand-off: ``no_answer`` when the sender says an earlier ask had no answer
    ("Chased 24/03 - no response", "still no reply").
``found``
    a found written in a missing or absence report (its Outcome, or a sentence that
    starts with it); the value is the id of the ``found`` event derived from it
    (:mod:`workbench.io.derived`), or ``""`` when no date or time was written.
``decision``
    ``no_further_action``, ``closed`` or ``stepped_down``.
``case_status``
    what says a case is open: ``looked_after``, ``child_in_need``,
    ``child_protection``, ``allocated_worker``, ``assessment``.
``withheld``
    the record's own word that what it held was not passed on ("Not reported to SW1 or
    to police", "SW not informed", "Not shared"); the value is those words. Words that
    name someone count only when they name an agency, a service or a post.

The vocabulary is data (``workbench/data/facts.yaml``). Texts are read once per
distinct text, so a cohort of repeated texts costs little.

Examples
--------
>>> import pandas as pd
>>> ev = pd.DataFrame({"id": ["ri-1"], "kind": ["return_interview_completed"],
...     "summary": ["Return interview completed by RI Worker 2"],
...     "details": ['Child A said she was scared of Adult Male 1. "I don\\'t want to go back"'],
...     "action": [""], "outcome": [""], "recipients": [""], "risk_grade": [""]})
>>> find_facts(ev)[["event_id", "fact", "value", "field"]].values.tolist()
[['ri-1', 'child_account', 'disclosure', 'details'], ['ri-1', 'child_account', 'account', 'details']]
>>> find_facts(ev)["words"].tolist()
['Child A said she was scared of Adult Male 1', '"I don\\'t want to go back"']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

import numpy as np
import pandas as pd

from workbench.case import FACT_COLUMNS
from workbench.io.fact_words import any_of, sentences, trim, vocabulary
from workbench.io.withheld import withheld
from workbench.kinds import GRADES, HANDOFF_KINDS, REPORT_KINDS, find_grade

__all__ = ["FACTS", "FACT_VALUES", "TEXT_FIELDS", "asks_for_answer", "child_quotes",
           "fact_labels", "find_facts", "holds_cases", "practitioner_words"]

#: the fields whose text is read, in the order facts are listed
TEXT_FIELDS = ("summary", "details", "action", "outcome")
FACTS = ("child_account", "risk_grade", "exploitation", "request", "chase", "found", "decision",
         "case_status", "withheld")
#: the values a fact may take (None: free text, such as a phrase or an event id)
FACT_VALUES: Mapping[str, tuple[str, ...] | None] = {
    "child_account": ("disclosure", "account"), "risk_grade": GRADES,
    "exploitation": None, "request": ("request", "inform"), "chase": ("no_answer", "answered"),
    "found": None,
    "decision": ("no_further_action", "closed", "stepped_down"),
    "case_status": ("looked_after", "child_in_need", "child_protection", "allocated_worker",
                    "assessment"),
    "withheld": None,
}


@cache
def _holder_words() -> re.Pattern[str]:
    return re.compile(rf"\b{any_of(vocabulary()['case_status']['holders'])}\b", re.I)


def holds_cases(name: str) -> bool:
    """Whether an agency's name says it is children's social care (the agency that
    holds a child's case, however an area names it).

    >>> holds_cases("Anyshire Children's Services"), holds_cases("Social Care (front door)")
    (True, True)
    >>> holds_cases("Youth Justice Service"), holds_cases("Residential Home")
    (False, False)
    """
    return bool(_holder_words().search(name or ""))


def fact_labels() -> dict[str, str]:
    """Fact → plain-words label (for hovers and docs)."""
    return dict(vocabulary()["labels"])


class _Patterns:
    """The vocabulary compiled once."""

    def __init__(self, v: dict[str, Any]) -> None:
        c = v["child_account"]
        child, pron, verbs = any_of(c["child"]), any_of(c["pronouns"]), any_of(c["verbs"])
        gap = r"(?:\s+(?!not\b|never\b|n't\b)\w+){0,2}?"  # "later", "has", "then": not negations
        self.child_says = re.compile(rf"\b{child}{gap}\s+{verbs}\b(?!\s+(?:nothing|no one|noone)\b)",
                                     re.I)
        self.pronoun_says = re.compile(
            rf"\b{pron}{gap}\s+{verbs}\b(?!\s+(?:nothing|no one|noone)\b)", re.I)
        self.bare_says = re.compile(rf"^\s*{verbs}(?:\s+(?:the\s+)?\w+)?\s+(?:that\s+)?{pron}\b",
                                    re.I)
        self.label = re.compile(rf"\b{any_of(c['labels'])}", re.I)
        # an adult who opens the sentence (its subject): "Mother rang; she said ..."
        self.adult = re.compile(rf"^\W*(?:\w+\W+){{0,2}}?{any_of(c['adults'])}\b", re.I)
        self.adult_says = re.compile(rf"\b{any_of(c['adults'])}{gap}\s+{verbs}\b", re.I)
        self.first_person = re.compile(rf"(?<![\w']){any_of(c['first_person'])}(?![\w'])", re.I)
        self.disclosure = re.compile(rf"\b{any_of(c['disclosure'])}\b|£", re.I)
        self.quote = re.compile(r'"([^"]{2,})"|\u201c([^\u201d]{2,})\u201d|\u2018([^\u2019]{2,})'
                                r"\u2019|(?<![\w])'((?:[^']|(?<=\w)'(?=\w)){2,}?)'(?![\w])")
        e = v["exploitation"]
        self.exploitation = re.compile(rf"\b({any_of(e['phrases'])})\b", re.I)
        self.negation = re.compile(rf"\b{any_of(e['negations'])}\b(?:\W+\w+){{0,4}}\W*$", re.I)
        r = v["request"]
        self.request = re.compile(rf"\b(?:{any_of(r['request'])})\b", re.I)
        self.chase = re.compile(rf"\b{any_of(v['chase']['phrases'])}\b", re.I)
        self.answered = re.compile(rf"\b{any_of(v['chase']['answered'])}\b", re.I)
        self.inform = re.compile(rf"\b{any_of(r['inform'])}\b", re.I)
        f = v["found"]
        verb = any_of(f["verbs"])
        self.found_start = re.compile(
            rf"(?:^|,\s+(?=each|both))\s*(?:{any_of(f['openers'])},?\s+)?"
            rf"(?:(?:{any_of(f['subjects'])})\s+(?:was\s+|were\s+|has\s+been\s+|had\s+been\s+)?)?"
            rf"{verb}\b", re.I)
        self.found_any = re.compile(rf"\b{verb}\b", re.I)
        self.found_not = re.compile(rf"\b{any_of(f['negations'])}\s+(?:been\s+)?{verb}\b", re.I)
        d = v["decision"]
        self.decisions = [(name, re.compile(rf"\b{any_of(d[name])}\b", re.I))
                          for name in ("no_further_action", "closed", "stepped_down")]
        self.keeps_open = re.compile(rf"\b{any_of(d['keeps_open'])}\b", re.I)
        s = v["case_status"]
        self.statuses = [(name, re.compile(rf"\b{any_of(s[name])}\b", re.I))
                         for name in FACT_VALUES["case_status"]]  # type: ignore[union-attr]
        self.status_ends = re.compile(rf"\b{any_of(s['ends'])}\b", re.I)
        self.status_not = re.compile(r"\b(?:not|never|no)\s+(?:\w+\s+)?$", re.I)


@cache
def _patterns() -> _Patterns:
    return _Patterns(vocabulary())


def _quotes(text: str) -> list[tuple[int, int, str]]:
    """Quoted spans of ``text``: (start, end, inner words) including the quote marks."""
    return [(m.start(), m.end(), next(g for g in m.groups() if g))
            for m in _patterns().quote.finditer(text)]


def _adult_before(sentence: str, at: int) -> bool:
    """Whether an adult opens the sentence, or speaks in it, before ``at``."""
    p, head = _patterns(), sentence[:at]
    return bool(p.adult.search(head) or p.adult_says.search(head))


def _speaker_is_child(lead: str) -> bool | None:
    """Who speaks in the words just before a quote: True (the child), False (someone
    else), None (nobody named)."""
    p = _patterns()
    child = [m.end() for m in p.child_says.finditer(lead)]
    child += [m.end() for m in p.pronoun_says.finditer(lead) if not _adult_before(lead, m.start())]
    adult = [m.end() for m in p.adult_says.finditer(lead)]
    if not child and not adult:
        return None
    return max(child, default=-1) > max(adult, default=-1)


def child_quotes(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` (quote marks included) that quote the child's own words.

    A quote is the child's when the words before it in its sentence say the child (or
    she, he, they, with no adult named first) spoke, or when nobody is named and the
    quote speaks in the first person ("I …", "me", "my").

    >>> text = 'Officer said she is streetwise. She said "I am streetwise, it is my choice"'
    >>> [text[a:b] for a, b in child_quotes(text)]
    ['"I am streetwise, it is my choice"']
    """
    spans = []
    for offset, sentence in sentences(text):
        for a, b, inner in _quotes(sentence):
            who = _speaker_is_child(sentence[:a])
            if who or (who is None and _patterns().first_person.search(inner)):
                spans.append((offset + a, offset + b))
    return spans


# a family member or friend speaking: their quoted words are theirs, not the record's
_FAMILY_SAYS = re.compile(r"\b(?:mother|mum|father|dad|parents?|carers?|step-?\w+|grand\w+|"
                          r"gran|nan|aunt|uncle|sister|brother|siblings?|friends?|neighbours?)"
                          r"\b[^.!?]*\b(?:said|says|told|tells|described|describes|called|"
                          r"calls|reported|reports|stated|states|thinks|thought|believes)\b",
                          re.IGNORECASE)


def family_quotes(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` (quote marks included) quoting a family member or friend.

    >>> text = 'Mother said she has "an older boyfriend". SW: he is an adult.'
    >>> [text[a:b] for a, b in family_quotes(text)]
    ['"an older boyfriend"']
    """
    return [(offset + a, offset + b) for offset, sentence in sentences(text)
            for a, b, _ in _quotes(sentence) if _FAMILY_SAYS.search(sentence[:a])]


@lru_cache(maxsize=1 << 14)
def practitioner_words(text: str) -> str:
    """``text`` with the child's, the family's and friends' quoted words blanked out
    (the same length, so places in it still hold): what the practitioner wrote in
    their own words.

    >>> practitioner_words('She said "I am streetwise". Staff think she is streetwise')
    'She said                 . Staff think she is streetwise'
    """
    spans = [*child_quotes(text), *family_quotes(text)] if text else []
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


_NOT_BEFORE = re.compile(r"\b(?:not|no|never|nor|without)\W+(?:\w+\W+)?$|n't\W+(?:\w+\W+)?$",
                         re.I)


def _discloses(words: str) -> bool:
    """Whether an account names a person, a place, fear or harm ("was not hurt" does not)."""
    return any(not _NOT_BEFORE.search(words[:m.start()])
               for m in _patterns().disclosure.finditer(words))


def _accounts(text: str) -> list[tuple[str, str]]:
    """(value, words) of each account the child gives in ``text``."""
    p, out = _patterns(), []
    quoted = child_quotes(text)
    for offset, sentence in sentences(text):
        own = [(a - offset, b - offset) for a, b in quoted if offset <= a < offset + len(sentence)]
        spoken = (p.child_says.search(sentence) or p.bare_says.search(sentence)
                  or p.label.search(sentence))
        if not spoken:
            spoken = next((m for m in p.pronoun_says.finditer(sentence)
                           if not _adult_before(sentence, m.start())), None)
        if spoken:
            # what was said (from its first word or quote), not what was seen before it
            words = sentence[min([spoken.start(), *(a for a, _ in own)]):]
        elif own:
            words = " … ".join(sentence[a:b] for a, b in own)
        else:
            continue
        value = "disclosure" if _discloses(words) else "account"
        out.append((value, trim(words)))
    return out


def _negated(text: str, start: int) -> bool:
    clause = re.split(r"[.;:,!?\n]", text[:start])[-1]
    return bool(_patterns().negation.search(clause))


def _text_facts_uncached(text: str) -> tuple[tuple[str, str, str], ...]:
    p = _patterns()
    out: list[tuple[str, str, str]] = [("child_account", v, w) for v, w in _accounts(text)]
    seen: set[str] = set()
    m: re.Match[str] | None
    for m in p.exploitation.finditer(text):
        phrase = " ".join(m.group(1).lower().split())
        if phrase not in seen and not _negated(text, m.start()):
            seen.add(phrase)
            out.append(("exploitation", phrase, trim(m.group(0))))
    # whichever the row says first: "PPN rec'd ... threshold met for assessment" is a
    # hand-off received, "Urgent referral ... copied to the school" a request
    ask, tell = p.request.search(text), p.inform.search(text)
    if ask and not (tell and tell.start() < ask.start()):
        out.append(("request", "request", trim(ask.group(0))))
    elif tell:
        out.append(("request", "inform", trim(tell.group(0))))
    if m := p.chase.search(text):
        out.append(("chase", "no_answer", trim(m.group(0))))
    elif (m := p.answered.search(text)) and not _negated(text, m.start()):
        out.append(("chase", "answered", trim(m.group(0))))
    open_still = bool(p.keeps_open.search(text))  # "NFA on s47; case remains open"
    for _, sentence in sentences(text):
        out.extend(_sentence_facts(sentence, open_still))
    return tuple(out)


def _sentence_facts(sentence: str, open_still: bool) -> list[tuple[str, str, str]]:
    """The facts one sentence states: a found, a decision, a case status, a share withheld."""
    p, out = _patterns(), []
    if p.found_start.search(sentence) and not p.found_not.search(sentence):
        out.append(("found", "", trim(sentence)))
    if not open_still:
        for name, rx in p.decisions:
            m = rx.search(sentence)
            if m and not p.status_not.search(sentence[:m.start()]):
                out.append(("decision", name, trim(sentence)))
                break
    if not p.status_ends.search(sentence):
        for name, rx in p.statuses:
            m = rx.search(sentence)
            if m and not p.status_not.search(sentence[:m.start()]):
                out.append(("case_status", name, trim(sentence)))
    if words := withheld(sentence):
        out.append(("withheld", words, words))
    return out


@lru_cache(maxsize=1 << 15)
def _text_facts(text: str) -> tuple[tuple[str, str, str], ...]:
    return _text_facts_uncached(text)


def _outcome_found(text: str) -> tuple[tuple[str, str, str], ...]:
    """In an Outcome cell any unnegated found counts, not only one that starts a sentence."""
    p = _patterns()
    return tuple(("found", "", trim(s)) for _, s in sentences(text)
                 if p.found_any.search(s) and not p.found_not.search(s))


def _column(ev: pd.DataFrame, name: str) -> pd.Series:
    if name in ev.columns:
        return ev[name].fillna("").astype(str)
    return pd.Series("", index=ev.index, dtype=object)


_EMPTY = pd.DataFrame({"_row": pd.Series(dtype="int64"), "_n": pd.Series(dtype="int64"),
                       **{c: pd.Series(dtype=object) for c in ("fact", "value", "words", "field")}})


def _field_facts(ev: pd.DataFrame, field: str) -> pd.DataFrame:
    """Facts of one text field, read once per distinct text."""
    text = _column(ev, field)
    codes, uniques = pd.factorize(text.to_numpy(dtype=object))
    rows: list[tuple[object, ...]] = []
    for code, value in enumerate(uniques):
        if not value:
            continue
        found = _text_facts(value)
        if field == "outcome":
            found = tuple(f for f in found if f[0] != "found") + _outcome_found(value)
        rows.extend((code, i, *f) for i, f in enumerate(found))
    table = pd.DataFrame(rows, columns=["_code", "_n", "fact", "value", "words"])
    if table.empty:
        return _EMPTY
    rows_of = pd.DataFrame({"_code": codes, "_row": np.arange(len(ev))})
    return rows_of.merge(table, on="_code").drop(columns="_code").assign(field=field)


def asks_for_answer(text: str) -> bool:
    """Whether ``text`` holds the words of a request (``request`` in data/facts.yaml).

    >>> asks_for_answer("Requesting a strategy discussion"), asks_for_answer("School notified")
    (True, False)
    """
    return _patterns().request.search(text) is not None


def find_facts(events: pd.DataFrame) -> pd.DataFrame:
    """Every fact of every event, with its words: columns ``FACT_COLUMNS``.

    With a ``case_id`` column (a cohort) the table has ``case_id`` first. Row order
    never matters: facts are listed by event id, field and place in the text.
    """
    parts = [p for p in (_field_facts(events, f) for f in TEXT_FIELDS) if not p.empty]
    facts = pd.concat(parts, ignore_index=True) if parts else _EMPTY
    kind = _column(events, "kind").to_numpy(dtype=object)
    handoff = _column(events, "recipients").ne("").to_numpy() | np.isin(kind, HANDOFF_KINDS)
    report = np.isin(kind, REPORT_KINDS)
    row = facts["_row"].to_numpy(dtype="int64")
    keep = np.where(facts["fact"].isin(("request", "chase")).to_numpy(), handoff[row],
                    np.where(facts["fact"].eq("found").to_numpy(), report[row], True))
    facts = facts.loc[keep]
    grades = _grades(events)
    if not grades.empty:
        facts = pd.concat([facts, grades], ignore_index=True) if not facts.empty else grades
    order = {f: i for i, f in enumerate(TEXT_FIELDS)}
    ids = _column(events, "id").to_numpy(dtype=object)
    out = facts.assign(event_id=ids[facts["_row"].to_numpy(dtype="int64")] if len(facts) else "",
                       _f=facts["field"].map(order).fillna(len(order)))
    if "case_id" in events.columns:
        out["case_id"] = events["case_id"].to_numpy(dtype=object)[out["_row"].to_numpy(dtype="int64")]
    keys = (["case_id"] if "case_id" in events.columns else []) + ["event_id", "_f", "_n", "fact"]
    out = out.sort_values(keys, kind="stable")
    columns = (["case_id"] if "case_id" in events.columns else []) + list(FACT_COLUMNS)
    return out.loc[:, columns].astype(object).reset_index(drop=True)


@lru_cache(maxsize=1 << 12)
def _grade_words(text: str) -> tuple[str, str] | None:
    return find_grade(text)


def _grades(events: pd.DataFrame) -> pd.DataFrame:
    """The ``risk_grade`` column as facts, with the words of the text that gave it."""
    grade = _column(events, "risk_grade")
    rows = np.flatnonzero(grade.ne("").to_numpy())
    value = grade.to_numpy(dtype=object)[rows]
    words = np.array([f"risk grading: {g}" for g in value], dtype=object)
    field = np.full(len(rows), "risk_grade", dtype=object)
    for name in reversed(TEXT_FIELDS):  # the first field that says it wins
        text = _column(events, name).to_numpy(dtype=object)[rows]
        found = [_grade_words(t) if t else None for t in text]
        hit = np.array([f is not None and f[0] == g for f, g in zip(found, value, strict=True)],
                       dtype=bool)
        if hit.any():
            words[hit] = [f[1] for f, h in zip(found, hit, strict=True) if h and f is not None]
            field[hit] = name
    return pd.DataFrame({"_row": rows, "_n": -1, "fact": "risk_grade", "value": value,
                         "words": words, "field": field})
