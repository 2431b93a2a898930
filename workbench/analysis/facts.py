"""The facts of a case as the analysis reads them: one column per fact on each event.

The facts inside the rows (:mod:`workbench.io.facts`) are a long table, one row per
fact with its words. The rules and views read them as columns of the event table:

``child_voice``
    ``disclosure`` when the event carries the child's disclosure (its kind is
    ``disclosure``, or a ``child_account`` fact says so), ``account`` when it carries
    only the child's account (views, wishes), else ``""``.
``asks``
    ``request`` when the event asks for an answer, ``inform`` when it only informs,
    else ``""`` (then referrals and notifications are taken to expect an answer).
``chase``
    ``no_answer`` when the sender says an earlier ask had no answer, else ``""``.
``case_status``
    the first open-case fact (``looked_after``, ``child_in_need``, ``child_protection``,
    ``allocated_worker``, ``assessment``), else ``""``.
``decision``
    the first decision fact (``no_further_action``, ``closed``, ``stepped_down``).
``withheld``
    the words saying what the record held was not passed on ("Not reported to SW1 or
    to police"), else ``""``.

Examples
--------
>>> import pandas as pd
>>> ev = pd.DataFrame({"id": ["e1", "e2"], "kind": ["return_interview_completed", "notification"],
...     "summary": ["Return interview completed", "Courtesy notification to CSC"],
...     "details": ["Child A told RI Worker 1 she was scared of Adult Male 2", ""],
...     "action": "", "outcome": "", "recipients": ["", "Children's Social Care"],
...     "risk_grade": "", "case_id": "c"})
>>> with_fact_columns(ev, fact_frame(ev))[["child_voice", "asks"]].values.tolist()
[['disclosure', ''], ['', 'inform']]
"""

from __future__ import annotations

from functools import singledispatch

import numpy as np
import pandas as pd

from workbench.analysis.episodes import event_frame
from workbench.case import FACT_COLUMNS, Case, apply_fact_overrides
from workbench.io.facts import find_facts

__all__ = ["FACT_FIELDS", "fact_frame", "with_fact_columns"]

#: the per-event fact columns :func:`with_fact_columns` adds
FACT_FIELDS = ("child_voice", "asks", "chase", "case_status", "decision", "withheld")


@singledispatch
def fact_frame(data: pd.DataFrame) -> pd.DataFrame:
    """The facts of an event table (found in its text) or of a case (its own, reviewers'
    overrides applied), with a ``case_id`` column first."""
    return find_facts(event_frame(data))


@fact_frame.register(Case)
def _case_facts(case: Case) -> pd.DataFrame:
    facts = case.facts
    if facts is None:
        facts = apply_fact_overrides(find_facts(case.events), case.overrides)
    return facts.loc[:, list(FACT_COLUMNS)].assign(case_id=case.id).loc[
        :, ["case_id", *FACT_COLUMNS]]


_COLUMNS = {"child_account": "child_voice", "request": "asks", "chase": "chase",
            "case_status": "case_status", "decision": "decision", "withheld": "withheld"}
#: where an event has several facts of a kind, the first of these wins (else the first found)
_RANK = {("child_account", "disclosure"): 0, ("request", "request"): 0}


def with_fact_columns(events: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """``events`` (with ``case_id``) with the columns of :data:`FACT_FIELDS` added."""
    out = {c: np.full(len(events), "", dtype=object) for c in FACT_FIELDS}
    rel = facts.loc[facts["fact"].isin(list(_COLUMNS)) & facts["value"].fillna("").ne("")]
    if not rel.empty:
        if "case_id" not in rel.columns:
            rel = rel.assign(case_id=events["case_id"].iloc[0] if len(events) else "")
        rank = [_RANK.get((f, v), 1) for f, v in zip(rel["fact"], rel["value"], strict=True)]
        rel = (rel.assign(_r=rank).sort_values("_r", kind="stable")
               .drop_duplicates(["case_id", "event_id", "fact"]))
        where = pd.MultiIndex.from_arrays([events["case_id"].astype(object),
                                           events["id"].astype(object)])
        for fact, column in _COLUMNS.items():
            one = rel.loc[rel["fact"].eq(fact)]
            if one.empty:
                continue
            index = pd.MultiIndex.from_arrays([one["case_id"].astype(object),
                                               one["event_id"].astype(object)])
            found = index.get_indexer(where)
            out[column] = np.where(found >= 0, one["value"].to_numpy(dtype=object)[found], "")
    kind = events["kind"].to_numpy(dtype=object)
    out["child_voice"] = np.where(kind == "disclosure", "disclosure", out["child_voice"])
    return events.assign(**out)
