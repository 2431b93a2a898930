"""Failure rules: one plain function per hand-off failure pattern.

A rule takes an :class:`~workbench.analysis.analyse.Analysis` (events, episodes, hand-offs
and the protocol's settings) and returns a table of raw flags, vectorised over the
whole event table so that the same rule serves one case and a cohort. The
:func:`rule` decorator registers its id, pattern, title and default severity; rules
never draw, print or touch storage.

A raw flag table has the columns ``case_id``, ``at`` (when the failure happened,
UTC), ``event_ids`` (a list, the anchor event first), ``explanation`` (one sentence a
reviewer can read without the code), and optionally ``severity`` (overriding the
rule's default) and ``certainty`` (``certain`` or ``uncertain``, default certain;
``silenced`` marks a failure that a too-imprecise date keeps the rule from deciding:
such rows are not flags, and :func:`silenced_table` lists them with their reason).

Examples
--------
>>> import pandas as pd
>>> @rule("local.out-of-hours", pattern="information-not-shared",
...       title="Out-of-hours report not passed on", severity="low")
... def out_of_hours(analysis):
...     ev = analysis.events
...     hit = ev[ev["summary"].str.contains("out of hours", case=False)]
...     return pd.DataFrame({"case_id": hit["case_id"], "at": hit["start"],
...                          "event_ids": [[i] for i in hit["id"]],
...                          "explanation": "An out-of-hours report was not passed on."})
>>> out_of_hours.id, out_of_hours.pattern
('local.out-of-hours', 'information-not-shared')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.analysis.analyse import Analysis, analyse
from workbench.case import Case
from workbench.protocols import Protocol

__all__ = ["PATTERNS", "SEVERITIES", "Evidence", "Flag", "Rule", "find_flags", "flag_table",
           "rule", "default_rules", "pattern_titles", "silenced_table"]

PATTERNS = (
    "unanswered-referral", "return-interview-missing", "return-interview-not-shared",
    "risk-disagreement", "repeat-episodes-no-strategy", "information-not-shared",
    "closed-while-active", "child-voice-not-acted-on", "victim-blaming-language",
    "education-exclusion-escalation", "placement-not-notified", "meeting-missing-agency",
    "ownership-gap",
)
SEVERITIES = ("low", "medium", "high")
SILENCED_COLUMNS = ("case_id", "rule", "pattern", "at", "event_ids", "reason")
FLAG_COLUMNS = ("case_id", "rule", "pattern", "severity", "certainty", "title", "explanation",
                "guidance", "at", "event_ids", "sources")


@dataclass(frozen=True)
class Rule:
    """A registered rule: its id, the pattern it raises, a title and a function."""

    id: str
    pattern: str
    title: str
    severity: str
    func: Callable[[Analysis], pd.DataFrame] = field(repr=False)
    settings: tuple[str, ...] = ()  # the protocol settings it reads (for docs)

    def __call__(self, analysis: Analysis) -> pd.DataFrame:
        return self.func(analysis)


def rule(id: str, *, pattern: str, title: str, severity: str = "medium",
         settings: Sequence[str] = ()) -> Callable[[Callable[[Analysis], pd.DataFrame]], Rule]:
    """Make a function a :class:`Rule` (a decorator)."""
    if severity not in SEVERITIES:
        raise ValueError(f"severity {severity!r} is not one of {SEVERITIES}")

    def wrap(func: Callable[[Analysis], pd.DataFrame]) -> Rule:
        return Rule(id, pattern, title, severity, func, tuple(settings))

    return wrap


@dataclass(frozen=True)
class Evidence:
    """An event that evidences a flag, with its place in the agency's own record."""

    id: str
    source: str


@dataclass(frozen=True)
class Flag:
    """A failure found in a case, with the evidence a reviewer can check."""

    rule: str
    pattern: str
    severity: str
    title: str
    explanation: str
    guidance: str
    events: tuple[Evidence, ...]
    at: pd.Timestamp | None = None
    certainty: str = "certain"

    def to_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "pattern": self.pattern, "severity": self.severity,
                "certainty": self.certainty, "title": self.title,
                "explanation": self.explanation, "guidance": self.guidance,
                "at": None if self.at is None or pd.isna(self.at) else self.at.isoformat(),
                "events": [{"id": e.id, "source": e.source} for e in self.events]}

    def _repr_html_(self) -> str:
        from workbench.html_summary import flag_html

        return flag_html(self)


def default_rules() -> tuple[Rule, ...]:
    """The bundled rules, one per pattern of :data:`PATTERNS`."""
    from workbench.analysis.rules.patterns import RULES

    return RULES


def pattern_titles() -> dict[str, str]:
    """Each pattern's title as people read it (its bundled rule's title), by pattern id.

    >>> pattern_titles()["unanswered-referral"]
    'Referral or notification not answered in time'
    """
    return {r.pattern: r.title for r in default_rules()}


def _raw(analysis: Analysis, rules: Iterable[Rule] | None) -> list[tuple[Rule, pd.DataFrame]]:
    out = []
    for r in rules if rules is not None else default_rules():
        raw = r(analysis)
        if raw is not None and not raw.empty:
            out.append((r, raw.reset_index(drop=True)))
    return out


def _sources(analysis: Analysis, table: pd.DataFrame) -> list[tuple[str, ...]]:
    """The ``source`` of each flag's evidence ids (a loop over flags, not events)."""
    pairs = table[["case_id", "event_ids"]].explode("event_ids")
    index = pd.MultiIndex.from_arrays([analysis.events["case_id"], analysis.events["id"]])
    where = index.get_indexer(pd.MultiIndex.from_arrays([pairs["case_id"], pairs["event_ids"]]))
    found = np.where(where >= 0, analysis.events["source"].to_numpy()[where], "")
    cuts = np.cumsum([0, *table["event_ids"].map(len)])
    return [tuple(found[a:b]) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]


def flag_table(data: Analysis | Case | pd.DataFrame, *, protocol: Protocol | str | None = None,
               rules: Iterable[Rule] | None = None) -> pd.DataFrame:
    """Every flag of a case or cohort as one table (columns :data:`FLAG_COLUMNS`).

    Rows a rule marks ``silenced`` (a date too imprecise for its window) are left
    out; :func:`silenced_table` lists them. Given an :class:`Analysis` (under its own
    protocol), the table is computed once per set of rules and kept with it (a copy
    is returned), so that an analysis kept on disk brings its flags along.
    """
    analysis = analyse(data, protocol=protocol)
    if analysis is data:
        rules = None if rules is None else tuple(rules)
        name = "flag_table:" + ("bundled" if rules is None else "|".join(
            f"{r.id}={getattr(r.func, '__module__', '')}.{getattr(r.func, '__qualname__', '')}"
            f"#{id(r.func)}" for r in rules))
        return analysis.derived(name, lambda a: _flag_table(a, rules)).copy()
    return _flag_table(analysis, rules)


def _flag_table(analysis: Analysis, rules: Iterable[Rule] | None) -> pd.DataFrame:
    frames = []
    for r, raw in _raw(analysis, rules):
        certainty = raw.get("certainty", pd.Series("certain", index=raw.index))
        raw = raw.loc[certainty.ne("silenced")]
        if raw.empty:
            continue
        out = pd.DataFrame({
            "case_id": raw["case_id"], "rule": r.id, "pattern": r.pattern,
            "severity": raw.get("severity", r.severity),
            "certainty": raw.get("certainty", "certain"),
            "title": r.title, "explanation": raw["explanation"],
            "guidance": analysis.protocol.guidance.get(r.pattern, ""),
            "at": raw["at"], "event_ids": raw["event_ids"].map(tuple),
        })
        frames.append(out)
    if not frames:
        return pd.DataFrame(columns=list(FLAG_COLUMNS))
    table = pd.concat(frames, ignore_index=True)
    table["sources"] = _sources(analysis, table)
    order = table["severity"].map({s: i for i, s in enumerate(reversed(SEVERITIES))})
    return (table.assign(_o=order).sort_values(["case_id", "at", "_o", "rule"], kind="stable")
            .drop(columns="_o").reset_index(drop=True))


def silenced_table(data: Analysis | Case | pd.DataFrame, *,
                   protocol: Protocol | str | None = None,
                   rules: Iterable[Rule] | None = None) -> pd.DataFrame:
    """Failures the rules could not decide because a date is wider than their window.

    Columns :data:`SILENCED_COLUMNS`; ``reason`` says which date is too imprecise.
    """
    analysis = analyse(data, protocol=protocol)
    frames = []
    for r, raw in _raw(analysis, rules):
        if "certainty" not in raw:
            continue
        raw = raw.loc[raw["certainty"].eq("silenced")]
        if not raw.empty:
            frames.append(pd.DataFrame({
                "case_id": raw["case_id"], "rule": r.id, "pattern": r.pattern, "at": raw["at"],
                "event_ids": raw["event_ids"].map(tuple), "reason": raw["explanation"]}))
    if not frames:
        return pd.DataFrame(columns=list(SILENCED_COLUMNS))
    return (pd.concat(frames, ignore_index=True).sort_values(["case_id", "at", "rule"],
                                                             kind="stable")
            .reset_index(drop=True))


def find_flags(case: Case | Analysis, *, protocol: Protocol | str | None = None,
               rules: Iterable[Rule] | None = None) -> list[Flag]:
    """The flags of one case, each with its evidence (event ids and sources)."""
    table = flag_table(case, protocol=protocol, rules=rules)
    return [
        Flag(rule=r.rule, pattern=r.pattern, severity=r.severity, title=r.title,
             explanation=r.explanation, guidance=r.guidance,
             events=tuple(Evidence(i, s) for i, s in zip(r.event_ids, r.sources, strict=True)),
             at=r.at, certainty=r.certainty)
        for r in table.itertuples(index=False)
    ]
