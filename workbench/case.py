"""The case: the one representation every part of the workbench reads.

A :class:`Case` is a frozen value: metadata, the agencies involved, and the event
table (a pandas DataFrame with the columns of :data:`EVENT_COLUMNS`, documented in
``docs/case-format.md``). Functions never change a case or its table in place;
:meth:`Case.with_overrides` returns a new case.

Examples
--------
>>> from workbench import load_case
>>> case = load_case("casestudies/good-practice")  # doctest: +SKIP
>>> case.events.columns[:4].tolist()  # doctest: +SKIP
['id', 'seq', 'agency', 'agency_as_written']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import pandas as pd

from workbench.agencies import Agency, AliasTable, agencies_from_meta
from workbench.errors import Problem

__all__ = ["EVENT_COLUMNS", "FACT_COLUMNS", "LATER_COLUMNS", "TEXT_COLUMNS", "Case",
           "apply_fact_overrides", "case_from_events"]

#: The event table's columns and their pandas dtypes, in file order.
EVENT_COLUMNS: Mapping[str, str] = MappingProxyType({
    "id": "str", "seq": "int64", "agency": "str", "agency_as_written": "str",
    "agency_detail": "str", "sector": "str", "return_agency": "str",
    "kind": "str", "kind_confidence": "float64", "kind_basis": "str", "when": "str",
    "start": "datetime64[ns, UTC]", "end": "datetime64[ns, UTC]", "precision": "str",
    "approximate": "bool", "date_note": "str", "summary": "str", "details": "str",
    "action": "str", "outcome": "str", "recipients": "str", "attendees": "str",
    "risk_grade": "str", "refers_to": "str", "author": "str", "source_ref": "str",
    "source_file": "str", "source_line": "int64", "source_sheet": "str", "source": "str",
})
#: columns added after the first case files were written: empty when a file lacks them
LATER_COLUMNS = ("agency_detail", "date_note", "source_ref", "return_agency")
TEXT_COLUMNS = tuple(c for c, t in EVENT_COLUMNS.items() if t == "str")
#: Fields of an event that a reviewer may override in the case file.
OVERRIDABLE = ("kind", "risk_grade", "recipients", "attendees", "refers_to", "agency")
#: The facts found inside the rows (``workbench.io.facts``): one row per fact, with the
#: words that gave it and the field they were read in (``override``: a reviewer's).
FACT_COLUMNS = ("event_id", "fact", "value", "words", "field")
#: The override key under which a reviewer sets facts (``fact: value``, null removes).
FACTS_OVERRIDE = "facts"


@dataclass(frozen=True, eq=False)
class Case:
    """A validated composite chronology and its metadata (immutable).

    Compare two cases with :meth:`equals`; ``==`` is identity and a case hashes by
    identity (its event table is a DataFrame, whose ``==`` is element-wise).

    Attributes
    ----------
    id : short identifier of the case.
    events : the event table, one row per event in composite order.
    title, child, protocol, anonymisation : metadata from ``case.yaml``.
    agencies : every agency in the events, with its sector.
    sources : the chronology files the events came from.
    overrides : reviewer decisions (event id → field → value) applied to ``events``.
    problems : warnings met while reading (errors never reach a Case).
    """

    id: str
    events: pd.DataFrame = field(repr=False)
    title: str = ""
    child: Mapping[str, object] = field(default_factory=dict)
    protocol: str | None = None
    anonymisation: Mapping[str, object] | None = None
    agencies: tuple[Agency, ...] = ()
    sources: tuple[str, ...] = ()
    overrides: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    problems: tuple[Problem, ...] = field(default=(), repr=False)
    #: the event table as imported, before overrides (what events.csv holds)
    imported: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    #: the facts inside the rows (columns ``FACT_COLUMNS``), overrides applied; None
    #: when not read yet (the analysis then finds them in the events' text)
    facts: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    #: the facts as found, before overrides (what facts.csv holds)
    imported_facts: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        return (f"Case(id={self.id!r}, events={len(self.events)}, "
                f"agencies={[a.name for a in self.agencies]})")

    def equals(self, other: object) -> bool:
        """The same metadata, agencies, overrides and event table (``DataFrame.equals``)."""
        if not isinstance(other, Case):
            return False
        same = ("id", "title", "child", "protocol", "anonymisation", "agencies", "sources",
                "overrides")
        return (all(getattr(self, a) == getattr(other, a) for a in same)
                and self.events.equals(other.events))

    def event(self, event_id: str) -> pd.Series:
        """One event's row by id (KeyError when there is none)."""
        match = self.events.index[self.events["id"] == event_id]
        if len(match) == 0:
            raise KeyError(event_id)
        return self.events.loc[match[0]]

    def sector_of(self, agency: str) -> str:
        return next((a.sector for a in self.agencies if a.name == agency), "other")

    def _repr_html_(self) -> str:
        from workbench.html_summary import case_html

        return case_html(self)

    def with_overrides(self, overrides: Mapping[str, Mapping[str, object]]) -> Case:
        """A new case with reviewer overrides added (later ones win) and applied."""
        merged = {k: dict(v) for k, v in self.overrides.items()}
        for event_id, fields in overrides.items():
            mine = merged.setdefault(event_id, {})
            both = {**_facts_of(mine), **_facts_of(fields)}
            mine.update(fields)
            if both:
                mine[FACTS_OVERRIDE] = both
        base = self.events if self.imported is None else self.imported
        facts = self.facts if self.imported_facts is None else self.imported_facts
        return replace(self, events=apply_overrides(base, merged), overrides=merged,
                       imported=base, imported_facts=facts,
                       facts=None if facts is None else apply_fact_overrides(facts, merged))


def _facts_of(fields: Mapping[str, object]) -> dict[str, object]:
    """The reviewers' facts among one event's override fields (``{fact: value}``)."""
    facts = fields.get(FACTS_OVERRIDE) or {}
    if not isinstance(facts, Mapping):
        raise TypeError(f"the {FACTS_OVERRIDE!r} override is a mapping of fact to value, "
                        f"not {type(facts).__name__}")
    return dict(facts)


def apply_overrides(events: pd.DataFrame,
                    overrides: Mapping[str, Mapping[str, object]]) -> pd.DataFrame:
    """A copy of ``events`` with each override written in; kinds marked ``override``."""
    if not overrides:
        return events
    out = events.copy()
    position = pd.Series(range(len(out)), index=out["id"])
    for event_id, fields in overrides.items():
        i = position[event_id]
        for name, value in fields.items():
            if name in OVERRIDABLE:  # facts are overridden in the facts table
                out.iloc[i, out.columns.get_loc(name)] = "" if value is None else str(value)
        if "kind" in fields:
            out.iloc[i, out.columns.get_loc("kind_confidence")] = 1.0
            out.iloc[i, out.columns.get_loc("kind_basis")] = "override"
    return out


def apply_fact_overrides(facts: pd.DataFrame,
                         overrides: Mapping[str, Mapping[str, object]]) -> pd.DataFrame:
    """A copy of ``facts`` with the reviewers' facts written in.

    An override ``{event: {"facts": {fact: value}}}`` replaces every fact of that name
    on the event with the reviewer's (field ``override``); a value of None removes them.

    >>> facts = pd.DataFrame([["e1", "request", "request", "please advise", "summary"]],
    ...                      columns=FACT_COLUMNS)
    >>> apply_fact_overrides(facts, {"e1": {"facts": {"request": "inform"}}}).values.tolist()
    [['e1', 'request', 'inform', '', 'override']]
    """
    changes = [(str(e), str(f), v) for e, fields in overrides.items()
               for f, v in _facts_of(fields).items()]
    if not changes:
        return facts
    drop = pd.MultiIndex.from_tuples([(e, f) for e, f, _ in changes])
    keep = ~pd.MultiIndex.from_arrays([facts["event_id"], facts["fact"]]).isin(drop)
    added = pd.DataFrame([(e, f, str(v), "", "override") for e, f, v in changes if v is not None],
                         columns=list(FACT_COLUMNS))
    extra = [c for c in facts.columns if c not in FACT_COLUMNS]  # a cohort's case_id
    if extra and not added.empty:
        added = added.assign(**{c: facts[c].iloc[0] if len(facts) else "" for c in extra})
    return pd.concat([facts.loc[keep], added], ignore_index=True)


def normalise_events(events: pd.DataFrame) -> pd.DataFrame:
    """The table with exactly :data:`EVENT_COLUMNS`, in order, with their dtypes
    (a column of :data:`LATER_COLUMNS` that is missing is added, empty)."""
    missing = [c for c in LATER_COLUMNS if c not in events.columns]
    out = events.assign(**dict.fromkeys(missing, "")).loc[:, list(EVENT_COLUMNS)].copy()
    for column in TEXT_COLUMNS:
        out[column] = out[column].fillna("").astype(str)
    for column in ("start", "end"):
        out[column] = pd.to_datetime(out[column], utc=True).astype("datetime64[ns, UTC]")
    out["seq"] = out["seq"].astype("int64")
    out["source_line"] = out["source_line"].astype("int64")
    out["kind_confidence"] = out["kind_confidence"].astype("float64")
    out["approximate"] = out["approximate"].astype(bool)
    return out.reset_index(drop=True)


def case_from_events(events: pd.DataFrame, *, id: str, meta: Mapping[str, object],
                     sources: tuple[str, ...], aliases: AliasTable,
                     problems: tuple[Problem, ...] = (),
                     overrides: Mapping[str, Mapping[str, object]] | None = None,
                     facts: pd.DataFrame | None = None) -> Case:
    """Assemble a :class:`Case` from an event table, its facts and its metadata."""
    table = aliases.with_agencies(agencies_from_meta(meta))
    imported = normalise_events(events)
    events = apply_overrides(imported, overrides or {})
    names: dict[str, None] = dict.fromkeys(n for n in events["agency"] if n)
    for column in ("recipients", "attendees"):
        for cell in events[column]:
            names.update(dict.fromkeys(n for n in cell.split("; ") if n))
    agencies = tuple(Agency(n, table.sector(n)) for n in names)
    child = meta.get("child")
    anonymisation = meta.get("anonymisation")
    return Case(
        id=id, events=events, title=str(meta.get("title") or ""),
        child=dict(child) if isinstance(child, Mapping) else {},
        protocol=str(meta["protocol"]) if meta.get("protocol") else None,
        anonymisation=dict(anonymisation) if isinstance(anonymisation, Mapping) else None,
        agencies=agencies, sources=sources, overrides=dict(overrides or {}), problems=problems,
        imported=imported, imported_facts=facts,
        facts=None if facts is None else apply_fact_overrides(facts, overrides or {}),
    )
