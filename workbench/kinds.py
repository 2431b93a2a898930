"""Event kinds: the documented vocabulary and a transparent classifier.

Every row of a chronology gets a kind. The classifier is a list of phrases per kind
(``workbench/data/kinds.yaml``), so a reviewer can see *why* a row got its kind
(``basis``) and override it in the case file. Risk gradings and meeting attendees
written in free text are read here too.

Examples
--------
>>> classify("Reported missing by mother at 22:00").kind
'missing_report'
>>> c = classify("Return interview completed by RI Worker 1")
>>> c.kind, c.confidence, c.basis
('return_interview_completed', 0.9, 'rule:return_interview_completed:"return interview completed"')
>>> read_grade("Missing person report - risk graded MEDIUM")
'medium'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from workbench.safeyaml import load_bundled_yaml

__all__ = ["GRADES", "HANDOFF_KINDS", "KINDS", "MEETING_KINDS", "PROTECTIVE_KINDS",
           "REPORT_KINDS", "RI_KINDS", "Classification", "classify", "denied", "find_grade",
           "kind_labels", "kind_of_column_word", "read_grade", "split_attendees"]

#: police risk gradings, lowest first (College of Policing APP continuum)
GRADES = ("absent", "low", "medium", "high")

# Groups of kinds: the one place the engine, views and outputs take them from.
#: kinds that open a missing episode
REPORT_KINDS = ("missing_report", "absence_report")
#: return-interview kinds (offered, held, declined)
RI_KINDS = ("return_interview_offered", "return_interview_completed", "return_interview_declined")
#: kinds that pass something to another agency (a hand-off's own kind)
HANDOFF_KINDS = ("referral", "notification", "information_shared")
#: kinds that are meetings of several agencies
MEETING_KINDS = ("strategy_meeting", "multi_agency_meeting")
#: kinds that count as a protective action (docs/patterns.md, "Terms")
PROTECTIVE_KINDS = (*HANDOFF_KINDS, *MEETING_KINDS, "safety_plan", "risk_assessment")


@dataclass(frozen=True)
class Classification:
    """The kind given to a row, how sure the classifier was, and why."""

    kind: str
    confidence: float
    basis: str


@cache
def _entries() -> tuple[dict[str, Any], ...]:
    """The kinds of ``data/kinds.yaml``, read once."""
    return tuple(load_bundled_yaml("kinds.yaml")["kinds"])  # type: ignore[index]


@cache
def _vocabulary() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    return tuple((k["kind"], k["label"], tuple(k["phrases"])) for k in _entries())


KINDS: tuple[str, ...] = tuple(kind for kind, _, _ in _vocabulary())


@cache
def _column_words() -> dict[str, str]:
    return {word: k["kind"] for k in _entries() for word in k.get("column_words", ())}


def kind_of_column_word(value: str) -> str | None:
    """The kind a type column's short word says (a police export's ``Missing`` or
    ``Absent``; the words before a dash or bracket count), else None.

    >>> kind_of_column_word("Missing"), kind_of_column_word("Absent - per safety plan")
    ('missing_report', 'absence_report')
    >>> kind_of_column_word("Drugs - possession") is None
    True
    """
    first = re.split(r"\s+[-\u2013/]\s+|\s*[(\[]", value.strip().lower())[0]
    return _column_words().get(" ".join(first.split()))


def kind_labels() -> dict[str, str]:
    """Kind → plain-words label, in vocabulary order (for legends and docs)."""
    return {kind: label for kind, label, _ in _vocabulary()}


@cache
def _pattern() -> re.Pattern[str]:
    groups = []
    for i, (_, _, phrases) in enumerate(_vocabulary()):
        body = "|".join(f"(?:{p})" for p in phrases)
        groups.append(f"(?P<k{i}>{body})")
    return re.compile(r"\b(?:" + "|".join(groups) + r")\b", re.IGNORECASE)


#: a phrase just after one of these words is denied ("no strategy discussion", "not
#: referred to", "No RHI referral", "denies CSE", "nothing illegal found"): it names no
#: event of its kind
_DENIED = re.compile(r"\b(?:no|not|nor|never|nothing|without|denie[sd])\b"
                     r"(?:[^\w.;:]+(?!and\b|or\b|but\b)\w+){0,2}[^\w.;:]*$", re.IGNORECASE)


def denied(text: str, at: int) -> bool:
    """Whether the words just before position ``at`` of ``text`` deny what starts there.

    >>> denied("no strategy discussion", 3), denied("Strategy discussion held", 0)
    (True, False)
    """
    return _DENIED.search(text, max(0, at - 40), at) is not None


#: a meeting just after one of these words is asked for, not held ("formally requesting a
#: strategy meeting", "asked for an urgent strategy discussion"): the row is the request
_ASKED_FOR = re.compile(r"\b(?:request(?:s|ed|ing)?(?:\s+(?:to|from)(?:\s+[\w'&-]+){1,4}\s+for)?|"
                        r"ask(?:s|ed|ing)? for|seek(?:s|ing)?|sought|consider(?:s|ed|ing)?|"
                        r"call(?:s|ed|ing)? for|to (?:convene|arrange|hold|consider))"
                        r"(?:\s+(?:for|a|an|the|urgent|formal|further|early))*\s*$", re.IGNORECASE)

_ASKED_AFTER = re.compile(r"\s+(?:(?:was\s+|were\s+|has\s+been\s+|had\s+been\s+)?"
                          r"(?:requested|sought|asked\s+for)|(?:to|will|would|should|may)\s+be\s+"
                          r"(?:held|arranged|considered|convened|booked))\b", re.IGNORECASE)


#: a referral or notification still to be made ("SW6 to notify the host LA", "will refer",
#: "referral to be made"): a plan, not the act
_PLANNED_BEFORE = re.compile(r"\b(?:to|will|would|should|must|needs? to|plans? to)(?:\s+(?:make|send|"
                             r"complete|submit|do))?(?:\s+(?:a|an|the))?\s*$", re.IGNORECASE)
_PLANNED_AFTER = re.compile(r"(?:\s*be|[^.;:]{0,40}?\b(?:to|will|should|must) be)\s+(?:made|sent|"
                            r"submitted|completed|done)\b", re.IGNORECASE)

#: per kind group, the words that make a named act not (yet) done: (kinds, words just
#: before and how far back they may start, words just after)
_NOT_YET_DONE = ((MEETING_KINDS, _ASKED_FOR, 40, _ASKED_AFTER),
                 (frozenset({"referral", "notification"}), _PLANNED_BEFORE, 20, _PLANNED_AFTER))


def _not_yet_done(kind: str, text: str, start: int, end: int) -> bool:
    """Whether the act named at ``text[start:end]`` is asked for or planned, not done."""
    return any(kind in kinds and (before.search(text, max(0, start - back), start)
                                  or after.match(text, end))
               for kinds, before, back, after in _NOT_YET_DONE)


@lru_cache(maxsize=65536)
def _matches(text: str) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for m in _pattern().finditer(text):
        kind = KINDS[int(m.lastgroup[1:])]  # type: ignore[index]
        if denied(text, m.start()):
            continue
        if _not_yet_done(kind, text, m.start(), m.end()):
            continue
        if kind not in (k for k, _ in found):
            found.append((kind, m.group(0).lower()))
    return tuple(found)


def classify(summary: str, details: str = "") -> Classification:
    """The kind of an event from its text: the earliest matching phrase wins.

    Confidence is 0.9 when one kind matches the summary, 0.75 when several do (the
    earliest wins), 0.6 when only the details match, and 0.3 for the fallback
    ``contact`` when nothing matches.
    """
    for text, alone, several in ((summary, 0.9, 0.75), (details, 0.6, 0.6)):
        found = _matches(text) if text else ()
        if found:
            kind, phrase = found[0]
            return Classification(kind, alone if len(found) == 1 else several,
                                  f'rule:{kind}:"{phrase}"')
    return Classification("contact", 0.3, "fallback: no phrase matched")


_GRADE_WORD = r"(no apparent risk|absent|low|medium|high)"
_GRADE = re.compile(
    r"\brisk\b[^.;\n]{0,25}?\b" + _GRADE_WORD + r"\b"
    r"|\b" + _GRADE_WORD + r"[- ]risk\b"
    r"|\b(?:graded|grading|categorised|assessed)\s+(?:as\s+)?" + _GRADE_WORD + r"\b"
    r"|\b(no apparent risk)\b",
    re.IGNORECASE,
)


def read_grade(text: str) -> str | None:
    """A police-style risk grading written in text, or None.

    >>> read_grade("risk HIGH"), read_grade("No apparent risk (absent)"), read_grade("seen")
    ('high', 'absent', None)
    """
    found = find_grade(text)
    return found[0] if found else None


def find_grade(text: str) -> tuple[str, str] | None:
    """A risk grading written in text and the words that say it, or None.

    >>> find_grade("Missing person report - risk graded MEDIUM; enquiries")
    ('medium', 'risk graded MEDIUM')
    """
    m = _GRADE.search(text or "")
    if not m:
        return None
    word = next(g for g in m.groups() if g).lower()
    return ("absent" if word == "no apparent risk" else word), m.group(0)


#: a list of who was there: after "Attendees", "Attended by", "Participants" (a colon or
#: not), or "Present:" / "Attending:" as a label ("C attending school" lists no one)
_ATTENDEES = re.compile(
    r"\b(?:(?:attendees|attended by|in attendance|participants)\s*[:\-]?|(?:attending|attended|present)\s*[:\-]"
    r"|present,?(?=\s+including\b))"
    r"\s*([^.\n]*)",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:[,;/+]|\band\b|&)\s*", re.IGNORECASE)


#: an attendee that stands for every agency of the case ("All agencies present")
ALL_AGENCIES = "All agencies"
_ALL_PRESENT = re.compile(r"\ball (?:the )?(?:relevant |partner )?(?:agencies|partners|professionals)"
                          r"\s+(?:were\s+)?(?:present|attended|attending|in attendance|represented)"
                          r"|\battended by all (?:the )?(?:relevant |partner )?(?:agencies|partners)",
                          re.IGNORECASE)
_INCLUDING = re.compile(r"^(?:including|incl\.?|e\.g\.?|such as)\s+", re.IGNORECASE)


_BRACKETED = re.compile(r"\s*\([^)]*\)")


def leading_list(text: str) -> list[str]:
    """The items of a meeting row's first sentence when it is a list of three or more
    short items (minutes that begin with who was there, no "Attendees:" before them);
    [] otherwise. Whether the items are agencies is the caller's to judge.

    >>> leading_list("CSC (SW, TM), CE team, RTP (via Teams), Harbour Project. S47 agreed.")
    ['CSC', 'CE team', 'RTP', 'Harbour Project']
    >>> leading_list("Strategy discussion - police, school, EWS, CSC. S47 agreed.")
    ['police', 'school', 'EWS', 'CSC']
    >>> leading_list("Strategy meeting held to review the safety plan with the family. S47.")
    []
    """
    first = re.split(r"(?<=[\w)])\.\s|\n", _BRACKETED.sub("", text or ""), maxsplit=1)[0]
    first = re.split(r"\s+[-\u2013]\s+|:\s", first)[-1]  # "Strategy discussion - police, school"
    parts = [p.strip(" .") for p in _SPLIT.split(first) if p.strip(" .")]
    if len(parts) < 3 or any(len(p.split()) > 4 for p in parts):
        return []
    return parts


def split_attendees(text: str) -> list[str]:
    """The names listed after ``Attendees:`` (or ``Present:``) in a meeting's text;
    :data:`ALL_AGENCIES` first where it says every agency was there.

    >>> split_attendees("Strategy meeting. Attendees: Police, CSC and School. Plan agreed")
    ['Police', 'CSC', 'School']
    >>> split_attendees("All agencies present, including Southby Academy and the Harbour Project.")
    ['All agencies', 'Southby Academy', 'the Harbour Project']
    >>> split_attendees("No missing episodes since 15/06. C attending school, 1:1 work continuing.")
    []
    """
    everyone = [ALL_AGENCIES] if _ALL_PRESENT.search(text or "") else []
    m = _ATTENDEES.search(text or "")
    if not m:
        return everyone
    # who was there, less what is said of them: "CSC (TM Hale, SW Lund)" is CSC
    listed = _BRACKETED.sub("", m.group(1)).strip()
    parts = (_INCLUDING.sub("", part) for part in _SPLIT.split(listed))
    return everyone + [part for part in parts if part]
