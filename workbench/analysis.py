"""One analysed case (or cohort): events, episodes and hand-offs computed once.

Rules, knowledge, network and views all read an :class:`Analysis`, so the derived
tables are built once per case and protocol.

Examples
--------
>>> from workbench.analysis import analyse
>>> a = analyse(load_case("casestudies/good-practice"))   # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from workbench.case import Case
from workbench.episodes import episodes, event_frame
from workbench.handoffs import handoffs
from workbench.protocols import Protocol, load_protocol

__all__ = ["Analysis", "analyse"]


@dataclass(frozen=True)
class Analysis:
    """The derived tables of a case or cohort under one protocol profile."""

    events: pd.DataFrame = field(repr=False)
    episodes: pd.DataFrame = field(repr=False)
    handoffs: pd.DataFrame = field(repr=False)
    protocol: Protocol
    case: Case | None = field(default=None, repr=False)

    @property
    def settings(self):
        return self.protocol.settings


def analyse(data: Case | pd.DataFrame, *, protocol: Protocol | str | None = None) -> Analysis:
    """Episodes and hand-offs of a case (or an event table with ``case_id``)."""
    case = data if isinstance(data, Case) else None
    if protocol is None and case is not None and case.protocol:
        protocol = case.protocol
    profile = load_protocol(protocol)
    events = event_frame(data)
    return Analysis(
        events=events,
        episodes=episodes(events, window_days=int(profile.settings["repeat_window_days"])),
        handoffs=handoffs(events, protocol=profile),
        protocol=profile,
        case=case,
    )
