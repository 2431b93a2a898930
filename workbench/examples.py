"""A tiny bundled case for examples and doctests.

:func:`tiny_case` imports ``workbench/data/examples/tiny.csv`` (six rows in the
common chronology layout: a missing episode, a referral and its answer, a child's
words to her school, a strategy meeting) exactly as a user's file would be imported,
so every example in the docs runs on a real :class:`~workbench.case.Case`.

Examples
--------
>>> case = tiny_case()
>>> case.id, len(case.events)
('tiny', 6)
>>> case.events["kind"].tolist()  # doctest: +NORMALIZE_WHITESPACE
['missing_report', 'found', 'referral', 'assessment', 'disclosure', 'strategy_meeting']
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from workbench.case import Case
from workbench.io.importer import import_chronologies

__all__ = ["tiny_case"]

_META = {"id": "tiny", "title": "Child A: a tiny example", "child": {"label": "Child A"},
         "protocol": "england-2014"}


@cache
def tiny_case() -> Case:
    """The six-event example case (the same object on every call: a Case is immutable)."""
    with resources.as_file(resources.files("workbench") / "data/examples/tiny.csv") as path:
        return import_chronologies([path], meta=_META)
