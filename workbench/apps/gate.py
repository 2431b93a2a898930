"""The workshop gate: a case opens in a workshop only when it is declared anonymised.

:func:`gate_problems` runs each check of :data:`GATE_CHECKS` on a case and returns
what stops it, in words that name places, never values. Today the one check is the
anonymisation declaration (``anonymisation: {by, on, method}`` in the case file); a
PII scan slots in as another check, a function from a case to a list of strings.

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

__all__ = ["DECLARATION_FIELDS", "GATE_CHECKS", "declaration_problems", "gate_problems"]

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


#: the checks a case must pass to open in a workshop (each: case -> problems)
GATE_CHECKS: tuple[Callable[[Case], list[str]], ...] = (declaration_problems,)


def gate_problems(case: Case, *,
                  checks: Iterable[Callable[[Case], list[str]]] = GATE_CHECKS) -> list[str]:
    """Every reason ``case`` may not open in a workshop (empty: it may)."""
    return [problem for check in checks for problem in check(case)]
