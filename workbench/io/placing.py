"""Placing events derived from other rows among a case's events.

A found written in a missing report's Outcome, an interview written in a social care
log, a share dated on its own: each derived event keeps its source row and goes into
the case's order where its time puts it, never before the row that told it (or, for an
interview a later record dates, just before that record). The case's own rows keep
their order; ``seq`` is renumbered.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["place_derived"]


def place_derived(events: pd.DataFrame, derived: pd.DataFrame, *,
                  before_ref: bool = False) -> pd.DataFrame:
    """The events with ``derived`` placed in time order after the rows they refer to
    (``refers_to``), or with ``before_ref``, each just before the row it refers to;
    ``seq`` renumbered, the existing events in their order.

    >>> t = pd.Timestamp("2025-03-01", tz="UTC")
    >>> ev = pd.DataFrame({"id": ["a", "b"], "seq": [1, 2], "start": [t, t + pd.Timedelta(days=5)],
    ...                    "end": [t, t], "refers_to": ["", ""]})
    >>> new = pd.DataFrame({"id": ["a-found"], "seq": [0], "start": [t + pd.Timedelta(days=1)],
    ...                     "end": [t], "refers_to": ["a"]})
    >>> place_derived(ev, new)["id"].tolist(), place_derived(ev, new, before_ref=True)["id"].tolist()
    (['a', 'a-found', 'b'], ['a-found', 'a', 'b'])
    """
    base = events.sort_values("seq", kind="stable").reset_index(drop=True)
    position = pd.Series(np.arange(len(base)), index=base["id"])
    # a derived event that refers to another derived one goes after that one's row
    ref = derived["refers_to"].where(derived["refers_to"].isin(position.index),
                                     derived["refers_to"].map(dict(zip(
                                         derived["id"], derived["refers_to"], strict=True))))
    if before_ref:
        after = position.loc[ref].to_numpy() - 1
    else:
        start = pd.to_datetime(base["start"], utc=True)
        reach = start.astype("int64").where(start.notna()).ffill().cummax()
        reach = reach.fillna(np.iinfo("int64").min).to_numpy()
        d_start = pd.to_datetime(derived["start"], utc=True).astype("int64").to_numpy()
        after = np.maximum(np.searchsorted(reach, d_start, side="right") - 1,
                           position.loc[ref].to_numpy())
    key = np.r_[np.arange(len(base), dtype=float), after + 0.5]
    merged = pd.concat([base, derived.astype({c: base[c].dtype for c in ("start", "end")})],
                       ignore_index=True)
    merged = merged.iloc[np.argsort(key, kind="stable")].reset_index(drop=True)
    merged["seq"] = np.arange(1, len(merged) + 1)
    return merged.astype({c: t for c, t in events.dtypes.items()})
