"""The workshop gate: a case opens in a workshop only when it is declared anonymised.

:func:`gate_problems` runs each check of :data:`GATE_CHECKS` on a case and returns
what stops it, in words that name places, never values: the anonymisation
declaration (``anonymisation: {by, on, method}`` in the case file) and a scan of
every text that reaches participants (the case title, the child's details, and each
event's texts, dates as written, recipients and attendees) for identifying details (:mod:`workbench.privacy`, offline
pattern recognisers: names in free text are found only through a deny list, so a
person must still read the case).

Examples
--------
>>> from workbench.case import Case
>>> import pandas as pd
>>> gate_problems(Case(id="x", events=pd.DataFrame()))
['x: no anonymisation declaration (give anonymisation: by, on, method in the case file)']
>>> gate_problems(Case(id="x", events=pd.DataFrame(),
...                    anonymisation={"by": "AB", "on": "2026-11-25", "method": "fictional"}))
[]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from workbench.case import Case

__all__ = ["DECLARATION_FIELDS", "GATE_CHECKS", "declaration_problems", "gate_problems",
           "pii_problems"]

#: what an anonymisation declaration must say: who, when, how
DECLARATION_FIELDS = ("by", "on", "method")


def declaration_problems(case: Case) -> list[str]:
    """What is missing from the case's anonymisation declaration."""
    declared = case.anonymisation
    if not declared:
        return [f"{case.id}: no anonymisation declaration (give anonymisation: by, on, "
                "method in the case file)"]
    missing = [f for f in DECLARATION_FIELDS if not str(declared.get(f) or "").strip()]
    if missing:
        return [f"{case.id}: the anonymisation declaration lacks {', '.join(missing)} "
                f"(it needs {', '.join(DECLARATION_FIELDS)})"]
    return []


#: the event columns that reach participants, scanned by :func:`pii_problems` (an age
#: written as a date, "age 11", is a date: the scan of chronology files reads it so too)
_TEXT_COLUMNS = ("summary", "details", "action", "outcome", "author",
                 "agency_as_written", "when", "recipients", "attendees")
_DATE_COLUMNS = ("when",)


def _text(value: object) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def pii_problems(case: Case) -> list[str]:
    """Identifying details in what participants see: the title, the child's details,
    and the event texts, dates as written, recipients and attendees. Place and type,
    never the value.

    >>> import pandas as pd
    >>> events = pd.DataFrame({"summary": ["Seen by SW 1", "Child A, DOB 03/04/2011"],
    ...                        "source": ["csc.csv:2", "csc.csv:3"]})
    >>> pii_problems(Case(id="x", events=events, title="Child A (NHS 943 476 5919)"))
    ['x: case file, title: UK_NHS', 'x: csc.csv:3, summary: DATE_OF_BIRTH']
    """
    from workbench.privacy import build_detector

    texts: list[tuple[str, str, str]] = [("case file", "title", _text(case.title))]
    for key, value in (case.child or {}).items():
        texts.append(("case file", f"child {key}", f"{key}: {_text(value)}"))
    events = case.events
    for column in (c for c in _TEXT_COLUMNS if c in events.columns):
        for row in events.index:
            where = events.at[row, "source"] if "source" in events.columns else f"row {row}"
            texts.append((str(where), column, _text(events.at[row, column])))
    spans = build_detector().find_many([t for _, _, t in texts])
    out = []
    for (where, column, _), found in zip(texts, spans, strict=True):
        entities = (s.entity for s in found
                    if not (column in _DATE_COLUMNS and s.entity == "AGE"))
        for entity in dict.fromkeys(entities):
            out.append(f"{case.id}: {where}, {column}: {entity}")
    return out


#: the checks a case must pass to open in a workshop (each: case -> problems)
GATE_CHECKS: tuple[Callable[[Case], list[str]], ...] = (declaration_problems, pii_problems)


def gate_problems(case: Case, *,
                  checks: Iterable[Callable[[Case], list[str]]] = GATE_CHECKS) -> list[str]:
    """Every reason ``case`` may not open in a workshop (empty: it may)."""
    return [problem for check in checks for problem in check(case)]
