"""Dates written for people, the same on every operating system (UK time).

:func:`day_month_year` writes an instant as "5 Mar 2025" (or "5 Mar 2025 14:07") in
Europe/London time on Linux, macOS and Windows alike: no ``%-d`` (which Windows'
``strftime`` refuses) and no locale (month names are always English). Every place
that shows a date to a person (dashboards, figures, titles) uses it.

>>> import pandas as pd
>>> day_month_year(pd.Timestamp("2025-03-05 09:07", tz="UTC"), time=True)
'5 Mar 2025 09:07'
"""

from __future__ import annotations

import pandas as pd

__all__ = ["LOCAL", "MONTHS", "day_month_year", "month_year"]

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
