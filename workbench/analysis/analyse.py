"""One analysed case (or cohort): events, episodes and hand-offs computed once.

``analyse(case)`` is the one step between loading and drawing: rules, knowledge,
network, views, outputs and apps all take the :class:`Analysis` it returns (as
networkx functions take ``G``), so the derived tables are built once per case and
protocol. The flags, each agency's knowledge and the concern phrases are computed
on first use and kept.

Examples
--------
>>> from workbench.examples import tiny_case
>>> a = analyse(tiny_case())
>>> len(a.events), len(a.episodes), a.protocol.name
(6, 1, 'england-2014')
>>> analyse(a) is a                     # an Analysis is returned as it is
True
>>> sorted(a.flags["pattern"])
['return-interview-missing']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from workbench.analysis.episodes import episodes, event_frame
from workbench.analysis.facts import fact_frame, with_fact_columns
from workbench.analysis.handoffs import handoffs
from workbench.case import FACT_COLUMNS, Case
from workbench.protocols import Protocol, load_protocol
from workbench.timeutil import local_dates, working_calendar, years_of

__all__ = ["Analysis", "analyse"]


@dataclass(frozen=True, eq=False)
class Analysis:
    """The derived tables of a case or cohort under one protocol profile.

    Compare two analyses with :meth:`equals` (``==`` is identity: the tables are
    DataFrames, whose ``==`` is element-wise).

    ``events`` carries each event's facts as columns (``child_voice``, ``asks``,
    ``case_status``, ``decision``: :mod:`workbench.analysis.facts`); ``facts`` is the
    long table of facts with their words.
    """

    events: pd.DataFrame = field(repr=False)
    episodes: pd.DataFrame = field(repr=False)
    handoffs: pd.DataFrame = field(repr=False)
    protocol: Protocol
    case: Case | None = field(default=None, repr=False)
    facts: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["case_id", *FACT_COLUMNS]), repr=False)

    @property
    def settings(self) -> Mapping[str, Any]:
        return self.protocol.settings

    @cached_property
    def calendar(self) -> np.busdaycalendar:
        """Working days under the profile: weekdays less its nation's bank holidays (in
        the years of the events, and the year after for deadlines)."""
        return working_calendar(str(self.settings.get("bank_holidays") or "none"),
                                years_of(self.events["start"]))

    def __getstate__(self) -> dict[str, Any]:
        """What a pickle keeps (the dashboards' disk cache): everything but the working
        calendar, which cannot be pickled and is made again when asked for."""
        return {k: v for k, v in self.__dict__.items() if k != "calendar"}

    def derived(self, name: str, build: Callable[[Analysis], pd.DataFrame]) -> pd.DataFrame:
        """A table derived from this analysis, built by ``build(self)`` once and kept.

        The rules share intermediate tables this way (e.g. hand-offs with their
        times); the analysis itself never changes.
        """
        kept = self.__dict__.setdefault("_derived", {})
        if name not in kept:
            kept[name] = build(self)
        return kept[name]

    def _repr_html_(self) -> str:
        from workbench.html_summary import analysis_html

        return analysis_html(self)

    def equals(self, other: object) -> bool:
        """Same protocol and the same event, episode and hand-off tables."""
        return (isinstance(other, Analysis) and self.protocol.name == other.protocol.name
                and self.events.equals(other.events) and self.episodes.equals(other.episodes)
                and self.handoffs.equals(other.handoffs))

    @cached_property
    def flags(self) -> pd.DataFrame:
        """Every bundled rule's flags under this protocol (:func:`workbench.analysis.rules.flag_table`)."""
        from workbench.analysis.rules import flag_table

        return flag_table(self)

    def known(self, viewer: str, at: pd.Timestamp) -> set[str]:
        """Ids of the events agency ``viewer`` knew of at ``at`` (:mod:`workbench.analysis.knowledge`)."""
        from workbench.analysis.knowledge import known_events

        return known_events(self, viewer, at)

    @cached_property
    def concerns(self) -> pd.Series:
        """The first concern phrase (profile ``concern_phrases``) in each event's text, or ``""``.

        Indexed like :attr:`events`; the same reading as the rules: summary, details,
        action and outcome, case-insensitive.
        """
        from workbench.analysis.rules.phrases import matched

        phrases = tuple(self.settings.get("concern_phrases") or ())
        if self.events.empty or not phrases:
            return pd.Series("", index=self.events.index, dtype=object)
        return matched(self.events, phrases)

    @cached_property
    def timed(self) -> pd.DataFrame:
        """The dated events in time order (ties by ``seq`` then ``id``), computed once.

        Adds each event's interval: ``lo`` (its start) and ``last`` (the last minute
        it could lie at: ``lo`` for a time written to the minute, 23:59 for a day),
        their local dates ``lo_day`` and ``last_day`` (for working days),
        ``episode`` (the episode number on the report that opens each episode), and
        ``_row``, a row number that the rules use as a key, and ``case_id_code`` and
        ``agency_code``, the case and the agency as integers (:meth:`codes`).
        """
        timed = timed_events(self.events)
        opening = self.episodes[["case_id", "report_id", "episode"]].astype(
            {"case_id": object, "report_id": object}).rename(columns={"report_id": "id"})
        timed = timed.merge(opening, on=["case_id", "id"], how="left")
        # the join keys as integers, made once: the rules' joins compare these codes
        # instead of hashing the names again (:meth:`codes`)
        return timed.assign(case_id_code=self.codes(timed["case_id"]),
                            agency_code=self.codes(timed["agency"]))

    def codes(self, values: pd.Series | np.ndarray) -> np.ndarray:
        """An int64 code for each value (case ids, agency names), the same code for
        the same value in every call on this analysis; -1 for a missing value.

        The rules join on these codes (columns ``<key>_code`` beside a key, e.g.
        ``case_id_code``, ``agency_code`` of :attr:`timed`) instead of on the names:
        equal codes are equal values, so a join on them matches the same rows.
        """
        known: dict[object, int] = self.__dict__.setdefault("_codes", {})
        local, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
        mapped = np.array([-1 if _missing(u) else known.setdefault(u, len(known))
                           for u in uniques], dtype=np.int64)
        return mapped[local] if len(local) else np.zeros(0, dtype=np.int64)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, float) and value != value)


# an analysis gives its own tables to the functions that take a case or an event table
event_frame.register(Analysis, lambda analysis: analysis.events)
fact_frame.register(Analysis, lambda analysis: analysis.facts)


def analyse(data: Case | Analysis | pd.DataFrame, *,
            protocol: Protocol | str | None = None) -> Analysis:
    """Episodes and hand-offs of a case (or an event table with ``case_id``).

    The one place that accepts a case, an analysis or an event table: an
    :class:`Analysis` is returned as it is unless another protocol is asked for.
    The protocol is, in order: ``protocol``, the case's own (``case.yaml``), the
    default profile.
    """
    if isinstance(data, Analysis):
        if protocol is None or load_protocol(protocol).name == data.protocol.name:
            return data
        data = data.case if data.case is not None else data.events
    case = data if isinstance(data, Case) else None
    if protocol is None and case is not None and case.protocol:
        protocol = case.protocol
    profile = load_protocol(protocol)
    facts = fact_frame(data)
    events = with_fact_columns(event_frame(data).reset_index(drop=True), facts)
    return Analysis(
        events=events,
        episodes=episodes(events, window_days=int(profile.settings["repeat_window_days"])),
        handoffs=handoffs(events, protocol=profile, years=years_of(events["start"])),
        protocol=profile,
        case=case,
        facts=facts,
    )


_MINUTE = pd.Timedelta(minutes=1)


def _time_order(events: pd.DataFrame) -> np.ndarray | None:
    """Positions of the dated events in time order, ties by ``seq`` then ``id``: a
    stable ``sort_values(["start", "seq", "id"])`` by one ``lexsort`` (None for the
    rare table it cannot sort that way: missing or mixed ids)."""
    keep = np.flatnonzero(events["start"].notna().to_numpy())
    seq, ids = events["seq"].iloc[keep], events["id"].iloc[keep]
    if seq.dtype.kind not in "iu" or ids.isna().any():
        return None
    try:
        rank = pd.factorize(ids, sort=True)[0]
    except TypeError:
        return None
    at = events["start"].to_numpy(dtype="datetime64[ns]").view(np.int64)[keep]
    return keep[np.lexsort((rank, seq.to_numpy(), at))]


def timed_events(events: pd.DataFrame) -> pd.DataFrame:
    """See :attr:`Analysis.timed`."""
    order = _time_order(events)
    if order is None:
        out = events.loc[events["start"].notna().to_numpy()].sort_values(
            ["start", "seq", "id"], kind="stable")
    else:
        out = events.take(order)
    # plain object columns: the rules take, merge and join many small subsets, where
    # NumPy object arrays cost a fraction of Arrow-backed strings
    out = out.astype({c: object for c, t in out.dtypes.items() if t == "str"})
    lo = out["start"].astype("datetime64[ns, UTC]")
    end = out["end"].astype("datetime64[ns, UTC]")
    last = end.where(end.notna(), lo + _MINUTE) - _MINUTE
    last = last.where(last > lo, lo)
    return out.assign(lo=lo, last=last, lo_day=local_dates(lo), last_day=local_dates(last),
                      _row=np.arange(len(out))).reset_index(drop=True)
