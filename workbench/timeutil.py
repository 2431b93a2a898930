"""Working days and local dates, vectorised (Europe/London; weekends and bank holidays).

A working day is a weekday that is not a bank holiday of the nation the protocol
profile names (``bank_holidays``: England and Wales, Scotland, Northern Ireland, or
none). The holidays come from the `holidays` package, so substitute days ("Boxing
Day (observed)") are included.

>>> import pandas as pd
>>> sent = pd.Series(pd.to_datetime(["2025-02-07 16:00"]).tz_localize("Europe/London"))
>>> working_days_between(sent, sent + pd.Timedelta(days=3)).tolist()   # Fri -> Mon
[1.0]
>>> deadline_after(sent, 5).dt.tz_convert("Europe/London").dt.strftime("%a %d %b").tolist()
['Sat 15 Feb']
>>> xmas = pd.Series(pd.to_datetime(["2025-12-24 10:00"]).tz_localize("Europe/London"))
>>> cal = working_calendar("england-and-wales")
>>> working_days_between(xmas, xmas + pd.Timedelta(days=5), calendar=cal).tolist()  # Wed -> Mon
[1.0]
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

__all__ = ["LOCAL", "NATIONS", "bank_holidays", "deadline_after", "local_dates",
           "working_calendar", "working_days_between", "years_of"]

LOCAL = "Europe/London"

#: the nations whose bank holidays a profile may name, and their `holidays` subdivision
NATIONS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR",
           "none": None}
_YEARS = (1990, 2060)   # chronologies reach back decades; reviews look ahead a little


@cache
def bank_holidays(nation: str, years: tuple[int, int] = _YEARS) -> tuple[np.datetime64, ...]:
    """The bank holidays of ``nation`` (a key of :data:`NATIONS`) in the ``years`` from
    the first to the last (both included; 1990–2060 unless told).

    >>> [str(d) for d in bank_holidays("scotland", (2025, 2025)) if str(d) < "2025-02"]
    ['2025-01-01', '2025-01-02']
    """
    if nation not in NATIONS:
        raise ValueError(f"bank holidays of {nation!r} are not known "
                         f"(nations: {', '.join(NATIONS)})")
    subdiv = NATIONS[nation]
    if subdiv is None:
        return ()
    days = _united_kingdom()(subdiv=subdiv, years=range(years[0], years[1] + 1))
    return tuple(sorted(np.datetime64(d, "D") for d in days))


def _united_kingdom() -> type:
    """``holidays.UnitedKingdom``, with its module loaded alone: the package's own
    ``holidays.UnitedKingdom`` first imports every country's module (some 280 modules,
    about 8 MB in every dashboard kernel) for the one needed here. Falls back to the
    package's way if its files are not where they are looked for."""
    import importlib.util
    import sys

    import holidays

    if "holidays.countries" not in sys.modules:
        from pathlib import Path

        name = "holidays.countries.united_kingdom"
        path = Path(holidays.__file__).parent / "countries" / "united_kingdom.py"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is not None and spec.loader is not None and path.is_file():
            module = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(module)
                return module.UnitedKingdom
            except Exception:  # another layout of the package: its own way  # noqa: S110
                pass
    return holidays.UnitedKingdom


@cache
def working_calendar(nation: str | None = None,
                     years: tuple[int, int] = _YEARS) -> np.busdaycalendar:
    """A NumPy business-day calendar: Monday to Friday, less the nation's bank holidays
    in ``years`` (first and last included). ``None`` (or ``"none"``) skips weekends only.
    """
    return np.busdaycalendar(holidays=list(bank_holidays(nation or "none", years)))


def years_of(times: pd.Series) -> tuple[int, int]:
    """The years whose bank holidays matter for these instants: from the first year to
    the year after the last (deadlines run on); ``(2000, 2000)`` when there are none."""
    dated = times.dropna()
    if dated.empty:
        return (2000, 2000)
    return (int(dated.min().year), int(dated.max().year) + 1)


def local_dates(times: pd.Series) -> np.ndarray:
    """The Europe/London calendar date of each instant, as ``datetime64[D]`` (NaT kept)."""
    local = times.dt.tz_convert(LOCAL).dt.tz_localize(None)
    return local.dt.floor("D").to_numpy(dtype="datetime64[D]")


def working_days_between(start: pd.Series, end: pd.Series, *,
                         calendar: np.busdaycalendar | None = None) -> pd.Series:
    """Whole working days from the date of ``start`` to the date of ``end``.

    Same working day is 0, the next working day 1; NaN where either is missing.
    ``calendar`` (from :func:`working_calendar`) says which days are working days.
    """
    a, b = local_dates(start), local_dates(end)
    ok = ~(np.isnat(a) | np.isnat(b))
    out = np.full(len(a), np.nan)
    out[ok] = np.busday_count(a[ok], b[ok], busdaycal=calendar or working_calendar())
    return pd.Series(out, index=start.index)


def deadline_after(start: pd.Series, working_days: int, *,
                   calendar: np.busdaycalendar | None = None) -> pd.Series:
    """The end (exclusive, UTC) of the ``working_days``-th working day after ``start``."""
    a = local_dates(start)
    ok = ~np.isnat(a)
    due = np.full(len(a), np.datetime64("NaT"), dtype="datetime64[D]")
    due[ok] = np.busday_offset(a[ok], working_days, roll="forward",
                               busdaycal=calendar or working_calendar()) + np.timedelta64(1, "D")
    local = pd.Series(pd.to_datetime(due), index=start.index)
    return local.dt.tz_localize(LOCAL, nonexistent="shift_forward",
                                ambiguous="NaT").dt.tz_convert("UTC")
