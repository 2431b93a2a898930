"""Working days and local dates, vectorised (Europe/London; weekends skipped).

>>> import pandas as pd
>>> sent = pd.Series(pd.to_datetime(["2025-02-07 16:00"]).tz_localize("Europe/London"))
>>> working_days_between(sent, sent + pd.Timedelta(days=3)).tolist()   # Fri -> Mon
[1.0]
>>> deadline_after(sent, 5).dt.tz_convert("Europe/London").dt.strftime("%a %d %b").tolist()
['Sat 15 Feb']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["LOCAL", "deadline_after", "local_dates", "working_days_between"]

LOCAL = "Europe/London"


def local_dates(times: pd.Series) -> np.ndarray:
    """The Europe/London calendar date of each instant, as ``datetime64[D]`` (NaT kept)."""
    local = times.dt.tz_convert(LOCAL).dt.tz_localize(None)
    return local.dt.floor("D").to_numpy(dtype="datetime64[D]")


def working_days_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Whole working days from the date of ``start`` to the date of ``end``.

    Same working day is 0, the next working day 1; NaN where either is missing.
    """
    a, b = local_dates(start), local_dates(end)
    ok = ~(np.isnat(a) | np.isnat(b))
    out = np.full(len(a), np.nan)
    out[ok] = np.busday_count(a[ok], b[ok])
    return pd.Series(out, index=start.index)


def deadline_after(start: pd.Series, working_days: int) -> pd.Series:
    """The end (exclusive, UTC) of the ``working_days``-th working day after ``start``."""
    a = local_dates(start)
    ok = ~np.isnat(a)
    due = np.full(len(a), np.datetime64("NaT"), dtype="datetime64[D]")
    due[ok] = np.busday_offset(a[ok], working_days, roll="forward") + np.timedelta64(1, "D")
    local = pd.Series(pd.to_datetime(due), index=start.index)
    return local.dt.tz_localize(LOCAL, nonexistent="shift_forward",
                                ambiguous="NaT").dt.tz_convert("UTC")
