"""What each agency knew, and when: the knowledge of the system against each part.

The model (documented in ``docs/patterns.md``, "Knowledge at time T"):

1. an agency knows its own records from the moment they start;
2. a hand-off (any event with recipients) from S to A at time t passes to A the hand-off itself, the event it
   answers or refers to, and everything S recorded since its previous hand-off to A
   (at most ``share_context_days`` [14] back): the news since they last spoke;
3. a strategy or multi-agency meeting pools what its recorded attendees knew at the
   time of the meeting: every attendee leaves knowing what any of them knew.

Undated events cannot be placed in time and are left out of knowledge. The system
as a whole knows every event from its start; an agency's *gap* at T is the number
of events the system knew by T that it did not. A *significant* fact it lacked is an
event of a significant kind, or any event carrying a significant fact: the child's
own account (in a return interview, a found report, a school log …), an
exploitation concern, a high risk grading, or a request awaiting an answer.

Examples
--------
>>> import pandas as pd
>>> from workbench.analysis.analyse import analyse
>>> ev = pd.DataFrame({
...     "id": ["p1", "p2", "s1"], "seq": [1, 2, 3],
...     "agency": ["Police", "Police", "School"],
...     "kind": ["missing_report", "information_shared", "exclusion"],
...     "recipients": ["", "School", ""], "attendees": "", "refers_to": "",
...     "start": pd.to_datetime(["2025-02-05 22:00", "2025-02-06 09:00", "2025-02-07 09:00"],
...                             utc=True),
...     "precision": "minute", "risk_grade": "", "summary": "", "source": ""})
>>> k = knowledge_at(analyse(ev), pd.Timestamp("2025-02-08", tz="UTC"))
>>> k[["agency", "known", "system", "gap"]].values.tolist()
[['Police', 2, 3, 1], ['School', 3, 3, 0]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.analysis.analyse import Analysis
from workbench.kinds import MEETING_KINDS

__all__ = ["SIGNIFICANT_KINDS", "knowledge_at", "knowledge_matrix", "known_events",
           "significant_events"]

#: Kinds counted as significant facts in the "lacked" lists.
SIGNIFICANT_KINDS = (
    "missing_report", "absence_report", "found", "return_interview_completed",
    "return_interview_declined", "disclosure", "risk_assessment", "exclusion",
    "placement_move", "case_closed", "case_opened", "strategy_meeting", "safety_plan",
    "referral", "notification",
)
_NAT = np.datetime64("NaT", "ns")


def _as_ns(times: pd.Series) -> np.ndarray:
    return times.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")


def knowledge_matrix(analysis: Analysis, *, share_context_days: int = 14) -> pd.DataFrame:
    """When each agency first knew each event: a table of events × agencies.

    Index: event id (dated events of one case, in time order); columns: agencies;
    values: the instant the agency first knew the event (NaT: never).
    """
    ev = analysis.events
    ev = ev.loc[ev["start"].notna()].sort_values(["start", "seq"], kind="stable")
    agencies = list(dict.fromkeys(
        [*ev["agency"], *(r for cell in ev["recipients"] for r in cell.split("; ") if r),
         *(a for cell in ev["attendees"] for a in cell.split("; ") if a)]))
    agencies = [a for a in agencies if a]
    col = {a: i for i, a in enumerate(agencies)}
    n = len(ev)
    start = _as_ns(ev["start"])
    known = np.full((n, len(agencies)), _NAT, dtype="datetime64[ns]")
    own = ev["agency"].map(col).to_numpy()
    has_own = ~pd.isna(own)
    known[np.flatnonzero(has_own), own[has_own].astype(int)] = start[has_own]
    position = {event_id: i for i, event_id in enumerate(ev["id"])}
    context = np.timedelta64(share_context_days, "D").astype("timedelta64[ns]")
    kinds = ev["kind"].to_numpy()
    senders = ev["agency"].to_numpy()
    last_share: dict[tuple[str, str], np.datetime64] = {}

    def learn(rows: np.ndarray | list[int], agency: str, when: np.datetime64) -> None:
        j = col[agency]
        cell = known[rows, j]
        known[rows, j] = np.where(np.isnat(cell) | (cell > when), when, cell)

    # hand-offs and meetings in time order (a small loop: one review is 10^2-10^3 events)
    shares = ev["recipients"].ne("").to_numpy()
    together = ev["attendees"].ne("").to_numpy()  # meetings, and joint rows
    for i in np.flatnonzero(np.isin(kinds, MEETING_KINDS) | together | shares):
        when = start[i]
        if kinds[i] in MEETING_KINDS or together[i]:
            present = [a for a in ev["attendees"].iat[i].split("; ") if a in col]
            if senders[i] in col and senders[i] not in present:
                present.append(senders[i])
            if len(present) < 2:
                continue
            cols = [col[a] for a in present]
            block = known[:, cols]
            block = np.where(block <= when, block, _NAT)
            pooled = np.flatnonzero((~np.isnat(block)).any(axis=1))
            for agency in present:
                learn(pooled, agency, when)
            continue
        sender = senders[i]
        own_rows = np.flatnonzero((senders == sender) & (start <= when))
        for recipient in ev["recipients"].iat[i].split("; "):
            if recipient not in col or recipient == sender:
                continue
            since = last_share.get((sender, recipient), when - context)
            since = max(since, when - context)
            rows = [int(r) for r in own_rows if start[r] > since] + [i]
            target = position.get(ev["refers_to"].iat[i])
            if target is not None:
                rows.append(target)
            learn(np.asarray(rows), recipient, when)
            last_share[(sender, recipient)] = when
    out = pd.DataFrame(known, index=pd.Index(ev["id"].to_numpy(), name="event"),
                       columns=agencies)
    return out.apply(lambda c: c.dt.tz_localize("UTC"))


def significant_events(analysis: Analysis) -> pd.Series:
    """Whether each event (by id) is significant: its kind, or a fact it carries."""
    ev = analysis.events
    facts = analysis.facts
    flagged = set(facts.loc[facts["fact"].eq("exploitation")
                            | (facts["fact"].eq("risk_grade") & facts["value"].eq("high")),
                            "event_id"])
    voice = ev["child_voice"].ne("") if "child_voice" in ev.columns else False
    asks = ev["asks"].eq("request") if "asks" in ev.columns else False
    out = ev["kind"].isin(SIGNIFICANT_KINDS) | voice | asks | ev["id"].isin(flagged)
    return pd.Series(out.to_numpy(dtype=bool), index=ev["id"].to_numpy())


def known_events(analysis: Analysis, viewer: str, at: pd.Timestamp,
                 *, matrix: pd.DataFrame | None = None) -> set[str]:
    """Ids of the events ``viewer`` knew at ``at`` (its own and those shared to it)."""
    matrix = knowledge_matrix(analysis) if matrix is None else matrix
    if viewer not in matrix.columns:
        return set()
    column = matrix[viewer]
    return set(column.index[column.notna() & (column <= _utc(at))])


def _utc(at: pd.Timestamp | str) -> pd.Timestamp:
    ts = pd.Timestamp(at)
    return ts.tz_localize("Europe/London").tz_convert("UTC") if ts.tzinfo is None else ts


def knowledge_at(analysis: Analysis, at: pd.Timestamp | str, *,
                 matrix: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per agency at ``at``: events it knew, events the system knew, the gap, and
    the significant facts held elsewhere that it lacked (ids, earliest first).

    A naive ``at`` is read as Europe/London local time.
    """
    matrix = knowledge_matrix(analysis) if matrix is None else matrix
    at = _utc(at)
    ev = analysis.events.set_index("id")
    dated = ev.loc[matrix.index]
    system = (dated["start"] <= at).to_numpy()
    significant = significant_events(analysis).reindex(matrix.index, fill_value=False
                                                        ).to_numpy(dtype=bool)
    rows = []
    for agency in matrix.columns:
        knows = (matrix[agency].notna() & (matrix[agency] <= at)).to_numpy()
        lacked = system & ~knows
        rows.append({
            "agency": agency,
            "known": int(knows.sum()),
            "system": int(system.sum()),
            "gap": int(lacked.sum()),
            "gap_share": float(lacked.sum() / system.sum()) if system.any() else 0.0,
            "lacked_significant": list(matrix.index[lacked & significant]),
        })
    return pd.DataFrame(rows, columns=["agency", "known", "system", "gap", "gap_share",
                                       "lacked_significant"])
