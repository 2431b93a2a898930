"""Working days, local dates and dates as people read them (Europe/London).

Working days are vectorised (weekends skipped). :func:`day_month_year` writes one
instant as "5 Mar 2025" on every operating system: no ``%-d`` (which Windows'
``strftime`` refuses) and no locale (month names are always English).

>>> import pandas as pd
>>> sent = pd.Series(pd.to_datetime(["2025-02-07 16:00"]).tz_localize("Europe/London"))
>>> working_days_between(sent, sent + pd.Timedelta(days=3)).tolist()   # Fri -> Mon
[1.0]
>>> deadline_after(sent, 5).dt.tz_convert("Europe/London").dt.strftime("%a %d %b").tolist()
['Sat 15 Feb']
>>> day_month_year(pd.Timestamp("2025-03-05 09:07", tz="UTC"), time=True)
'5 Mar 2025 09:07'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["LOCAL", "MONTHS", "day_month_year", "deadline_after", "local_dates", "month_year",
           "working_days_between"]

LOCAL = "Europe/London"
#: month abbreviations as written in the UK, whatever the machine's locale
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _local(ts: object) -> pd.Timestamp | None:
    """``ts`` (an instant; naive means UTC) as a Europe/London timestamp, or None."""
    if ts is None:
        return None
    try:
        if pd.isna(ts):
            return None
    except (TypeError, ValueError):
        pass
    t = pd.Timestamp(ts)
    return (t.tz_localize("UTC") if t.tzinfo is None else t).tz_convert(LOCAL)


def day_month_year(ts: object, *, time: bool = False) -> str:
    """An instant as UK local "5 Mar 2025" (with ``time``: "5 Mar 2025 14:07"); "" for none.

    The same text on Linux, macOS and Windows, in any locale; naive times are UTC.

    >>> day_month_year(pd.Timestamp("2025-07-01 23:30", tz="UTC"))   # BST: already 2 July
    '2 Jul 2025'
    >>> day_month_year(None), day_month_year(pd.NaT)
    ('', '')
    """
    t = _local(ts)
    if t is None:
        return ""
    text = f"{t.day} {MONTHS[t.month - 1]} {t.year}"
    return f"{text} {t.hour:02d}:{t.minute:02d}" if time else text


def month_year(ts: object) -> str:
    """An instant as UK local "Mar 2025" ("" for none), in any locale.

    >>> month_year("2025-03-31T23:30Z")
    'Apr 2025'
    """
    t = _local(ts)
    return "" if t is None else f"{MONTHS[t.month - 1]} {t.year}"


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
