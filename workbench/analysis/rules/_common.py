"""Helpers shared by the pattern rules: date intervals, verdicts, wording.

Every dated event is read as the interval of instants it could lie at: ``lo`` (its
``start``) to ``last`` (the last minute before its exclusive ``end``), so a time
written to the minute has ``lo == last`` and a day runs from 00:00 to 23:59 local.
A rule measures each gap both ways (the smallest and the largest it could be) and
asks :func:`verdict` whether the failure holds for every reading (``certain``), for
some (``uncertain``), or cannot be decided because a date is wider than the window
(``silenced``).

Examples
--------
>>> import pandas as pd
>>> verdict(pd.Series([True, False, False, False]), pd.Series([True, True, True, False]),
...         pd.Series([False, False, True, False])).tolist()
['certain', 'uncertain', 'silenced', '']
>>> ordinal(pd.Series([1, 2, 3, 4, 11, 22])).tolist()
['1st', '2nd', '3rd', '4th', '11th', '22nd']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench.analysis.rules.asof import asof
from workbench.analysis.rules.phrases import matched
from workbench.kinds import kind_labels
from workbench.timeutil import LOCAL, working_calendar

if TYPE_CHECKING:
    from workbench.analysis.analyse import Analysis

HOUR = pd.Timedelta(hours=1)
DAY = pd.Timedelta(days=1)
_BASE = ["case_id", "id", "seq", "agency", "kind", "precision"]
_TIMES = ["lo", "last", "lo_day", "last_day", "_row"]
#: the join keys as integers (``Analysis.codes``): an as-of join by ``case_id`` of two
#: frames from :func:`dated` compares these, not the names
_CODES = ["case_id_code", "agency_code"]


def dated(timed: pd.DataFrame, mask: pd.Series | np.ndarray | None = None,
          columns: Sequence[str] = ()) -> pd.DataFrame:
    """Rows of ``analysis.timed`` (selected by ``mask``): ids, times, ``lo``, ``last``,
    ``_row``, and the case and agency codes (``case_id_code``, ``agency_code``)."""
    cols = list(dict.fromkeys([*_BASE, *_TIMES, *_CODES, *columns]))
    if mask is None:
        return timed.loc[:, cols]
    return timed.loc[np.asarray(mask, dtype=bool), cols]


def renamed(frame: pd.DataFrame, prefix: str, keep: Sequence[str] = ("case_id",)) -> pd.DataFrame:
    """Columns prefixed with ``prefix`` except those in ``keep`` and their codes
    (``case_id_code``); ``_row`` dropped."""
    keep = [*keep, *(c + "_code" for c in keep)]
    columns = [c for c in frame.columns if c != "_row"]
    return frame.loc[:, columns].set_axis([c if c in keep else prefix + c for c in columns],
                                          axis=1)


def _at(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy(dtype="datetime64[ns]")


def _day(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy(dtype="datetime64[D]")


def busdays(a: np.ndarray, b: np.ndarray, calendar: np.busdaycalendar | None = None
            ) -> np.ndarray:
    """Working days from date ``a`` to date ``b`` (0 the same day), NaN where one is NaT.

    ``calendar`` (``analysis.calendar``) skips the profile's bank holidays; without it
    only weekends are skipped.
    """
    ok = ~(np.isnat(a) | np.isnat(b))
    out = np.full(len(a), np.nan)
    out[ok] = np.busday_count(a[ok], b[ok], busdaycal=calendar or working_calendar())
    return out


def gap_bounds(frame: pd.DataFrame, a: str, b: str, unit: str, *,
               calendar: np.busdaycalendar | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The smallest and largest possible gap from event A to event B, in ``unit``.

    ``a`` and ``b`` are column prefixes (``""``, ``"b_"``) of ``lo``/``last`` (and
    ``lo_day``/``last_day``); ``unit`` is ``hours``, ``days`` or ``working days``
    (whole working days between the local dates, under ``calendar``). NaN where B is
    missing.
    """
    if unit == "working days":
        return (busdays(_day(frame, a + "last_day"), _day(frame, b + "lo_day"), calendar),
                busdays(_day(frame, a + "lo_day"), _day(frame, b + "last_day"), calendar))
    scale = np.timedelta64(1, "h" if unit == "hours" else "D")
    return ((_at(frame, b + "lo") - _at(frame, a + "last")) / scale,
            (_at(frame, b + "last") - _at(frame, a + "lo")) / scale)


def width(frame: pd.DataFrame, a: str, unit: str, *,
          calendar: np.busdaycalendar | None = None) -> np.ndarray:
    """How long event A's date interval is, in ``unit`` (0 for a minute or a day's
    working days); NaN where A is missing."""
    return gap_bounds(frame, a, a, unit, calendar=calendar)[1]


def passed(frame: pd.DataFrame, column: str, amount: int, unit: str,
           ends: pd.DataFrame, *, calendar: np.busdaycalendar | None = None) -> np.ndarray:
    """Whether each case's chronology runs past ``amount`` ``unit`` after ``column``."""
    if unit == "working days":
        start = _day(frame, column + "_day")
        ok = ~np.isnat(start)
        due = np.full(len(start), np.datetime64("NaT"), dtype="datetime64[D]")
        due[ok] = np.busday_offset(start[ok], amount, roll="forward",
                                   busdaycal=calendar or working_calendar())
        end_day = ends["lo_day"].reindex(frame["case_id"].to_numpy())
        return end_day.to_numpy(dtype="datetime64[D]") > due
    scale = np.timedelta64(1, "h" if unit == "hours" else "D")
    end = ends["lo"].reindex(frame["case_id"].to_numpy()).to_numpy(dtype="datetime64[ns]")
    return end >= _at(frame, column) + amount * scale


def chronology_end(analysis: Analysis) -> pd.DataFrame:
    """Each case's last dated instant (``lo``) and its local date (``lo_day``), from
    ``analysis.timed``: found once, shared by the rules (do not change it)."""
    return analysis.derived("chronology_end",
                            lambda a: a.timed.groupby("case_id")[["lo", "lo_day"]].max())


#: verdicts from weakest to strongest: ``min`` over a group means "fails for all
#: of them", ``max`` "fails for any"
RANK = {"": 0, "silenced": 1, "uncertain": 2, "certain": 3}
_BY_RANK = np.array(list(RANK))


def combine(verdicts: pd.Series, groups: pd.Series, how: str) -> pd.Series:
    """One verdict per group: ``how="all"`` (every row fails) or ``"any"``."""
    codes = verdicts.map(RANK).groupby(groups.to_numpy())
    best = codes.min() if how == "all" else codes.max()
    return pd.Series(_BY_RANK[best.to_numpy()], index=best.index, dtype=object)


def verdict(fail_all: object, fail_some: object, too_wide: object) -> np.ndarray:
    """``certain``, ``uncertain``, ``silenced`` or ``""`` (no failure) for each row."""
    fail_all, fail_some, too_wide = (np.asarray(x, dtype=bool)
                                     for x in (fail_all, fail_some, too_wide))
    return np.select([fail_all, fail_some & ~too_wide, fail_some],
                     ["certain", "uncertain", "silenced"], "").astype(object)


def answered_within(anchors: pd.DataFrame, answers: pd.DataFrame, *, by: str | list[str],
                    amount: int, unit: str, ends: pd.DataFrame, since: str = "lo",
                    calendar: np.busdaycalendar | None = None) -> pd.DataFrame:
    """Each anchor with its first possible answer after it and the failure verdict.

    The failure is "no answer within ``amount`` ``unit``". ``anchors`` and
    ``answers`` come from :func:`dated`; ``ends`` from :func:`chronology_end` (an
    anchor whose window outlasts the chronology is never failed). Answers are looked
    for from the anchor's column ``since`` on (an earlier answer counts as in time).
    Adds the answer's columns prefixed ``b_`` and ``gap_min``, ``gap_max``,
    ``verdict``. ``calendar`` says which days are working days.
    """
    keys = [by] if isinstance(by, str) else list(by)
    right = renamed(answers, "b_", keep=keys)
    out = asof(anchors, right, left_on=since, right_on="b_last", by=by, forward=True)
    has = out["b_id"].notna().to_numpy()
    cal = {"calendar": calendar}
    gmin, gmax = gap_bounds(out, "", "b_", unit, **cal)
    fail_all = np.where(has, gmin > amount, passed(out, "last", amount, unit, ends, **cal))
    fail_some = np.where(has, gmax > amount, passed(out, "lo", amount, unit, ends, **cal))
    wide = (width(out, "", unit, **cal) > amount) | (has & (width(out, "b_", unit, **cal)
                                                            > amount))
    return out.assign(gap_min=gmin, gap_max=gmax, b_id=out["b_id"].fillna(""),
                      verdict=verdict(fail_all, fail_some, wide))


def latest_before(anchors: pd.DataFrame, earlier: pd.DataFrame, *, by: str | list[str],
                  amount: int, unit: str) -> pd.DataFrame:
    """Each anchor with the latest event of ``earlier`` within ``amount`` before it.

    Here the failure is the *presence* of such an event: ``certain`` when one lies
    before the anchor and within the window however the dates are read, ``uncertain``
    when one may. The event's columns are added with the prefix ``b_``.
    """
    keys = [by] if isinstance(by, str) else list(by)
    right = renamed(earlier, "b_", keep=keys)
    sure = asof(anchors, right, left_on="lo", right_on="b_last", by=by, forward=False,
                strict=True)
    maybe = asof(anchors, right, left_on="last", right_on="b_lo", by=by, forward=False,
                 strict=True)
    sure = sure.set_index("_row").reindex(anchors["_row"])
    maybe = maybe.set_index("_row").reindex(anchors["_row"])
    fail_all = sure["b_id"].notna().to_numpy() & (-gap_bounds(sure, "", "b_", unit)[0]
                                                  <= amount)
    fail_some = maybe["b_id"].notna().to_numpy() & (-gap_bounds(maybe, "", "b_", unit)[1]
                                                    <= amount)
    wide = (width(maybe, "", unit) > amount) | (maybe["b_id"].notna().to_numpy()
                                                & (width(maybe, "b_", unit) > amount))
    chosen = maybe.copy()
    for column in right.columns.difference(keys):  # the certain event when there is one
        chosen[column] = sure[column].where(fail_all, maybe[column])
    chosen["verdict"] = verdict(fail_all, fail_some, wide)
    return chosen.reset_index()


def concern_of(analysis: Analysis) -> pd.Series:
    """:func:`concerns` of every row of ``analysis.timed`` (same index), built once."""
    return analysis.derived("concerns", lambda a: concerns(a.timed, a.settings))


def concerns(ev: pd.DataFrame, settings: Mapping[str, Any]) -> pd.Series:
    """What makes each event a concern (a phrase, or "a high risk grading"), else ``""``.

    A high grading is a concern where it is new: the agency's first grading in the case,
    or one raised from a lower grading (an export that repeats "HIGH" on every later row
    of an episode raises it once)."""
    phrase = matched(ev, settings["concern_phrases"])
    grade = ev["risk_grade"].fillna("")
    graded = ev.loc[grade.ne(""), ["case_id", "agency", "start", "risk_grade"]]
    before = (graded.sort_values("start", kind="stable")
              .groupby(["case_id", "agency"], sort=False)["risk_grade"].shift()
              .reindex(ev.index).fillna(""))
    high = grade.eq("high") & before.ne("high")
    quoted = ('"' + phrase.str.lower() + '"').where(phrase.ne(""), "")
    return quoted.where(phrase.ne("") | ~high, "a high risk grading")


def day_text(lo: pd.Series, last: pd.Series, precision: pd.Series, *,
             time: bool = False) -> pd.Series:
    """Dates as a reviewer writes them: dd/mm/yyyy local, mm/yyyy, yyyy, or a range."""
    if lo.empty:
        return pd.Series("", index=lo.index, dtype=object)
    a = lo.dt.tz_convert(LOCAL)
    out = a.dt.strftime("%d/%m/%Y %H:%M" if time else "%d/%m/%Y").astype(object)
    if time:
        day = precision.ne("minute").to_numpy()
        out[day] = a[day].dt.strftime("%d/%m/%Y")
    coarse = ~precision.isin(("minute", "day")).to_numpy()
    if coarse.any():  # rare: only flags on imprecise dates pay for the extra formats
        b = last[coarse].dt.tz_convert(LOCAL)
        p = precision[coarse]
        out[coarse] = np.select(
            [p.eq("month"), p.eq("year"), lo[coarse].isna()],
            [a[coarse].dt.strftime("%m/%Y"), a[coarse].dt.strftime("%Y"), "an unknown date"],
            a[coarse].dt.strftime("%d/%m/%Y") + "–" + b.dt.strftime("%d/%m/%Y"))
    return out


def day_of(instants: pd.Series) -> pd.Series:
    """Instants as local dates, dd/mm/yyyy."""
    return day_text(instants, instants, pd.Series("day", index=instants.index))


_WORDS = {"day": "known only to the day", "month": "known only to the month",
          "year": "known only to the year", "range": "a range", "relative": "relative"}


def imprecision(parts: Sequence[tuple[str, pd.Series, pd.Series]]) -> pd.Series:
    """Which dates are not known to the minute: "the found date (06/02/2025, known
    only to the day)"; ``""`` where every date is (most flags: they cost nothing)."""
    index = parts[0][1].index
    out = np.full(len(index), "", dtype=object)
    for label, precision, text in parts:
        p = precision.fillna("").to_numpy(dtype=object)
        rough = (p != "minute") & (p != "")
        if not rough.any():
            continue
        words = pd.Series(p[rough]).map(_WORDS).fillna("").to_numpy(dtype=object)
        note = np.where(words != "", "the " + label + " date ("
                        + text.to_numpy(dtype=object)[rough] + ", " + words + ")", "")
        before = out[rough]
        out[rough] = np.where((before != "") & (note != ""), before + "; " + note,
                              before + note)
    return pd.Series(out, index=index, dtype=object)


def hedge(explanation: pd.Series, verdicts: pd.Series, notes: pd.Series | str,
          window: str) -> pd.Series:
    """Adds why an uncertain flag is uncertain, and a silenced one's reason."""
    text = explanation.to_numpy(dtype=object)
    v = np.asarray(verdicts, dtype=object)
    unsure = v != "certain"
    if unsure.any():
        note = (notes if isinstance(notes, str)
                else np.asarray(notes, dtype=object)[unsure])
        base = np.array([t.rstrip(".") for t in text[unsure]], dtype=object)  # flags only
        text = text.copy()
        text[unsure] = np.where(
            v[unsure] == "uncertain",
            base + " (uncertain: " + note + " may put it either side of " + window + ").",
            base + " (cannot be decided: " + note + " is wider than the " + window
            + " window).")
    return pd.Series(text, index=explanation.index, dtype=object)


def kind_label(kind: pd.Series) -> pd.Series:
    """Plain-words kind labels, lower case ("return interview held")."""
    labels = {k: v[0].lower() + v[1:] for k, v in kind_labels().items()}
    return kind.map(labels).fillna(kind)


def ordinal(n: pd.Series) -> pd.Series:
    """Each number as an ordinal: 1st, 2nd, 3rd, 4th, …."""
    n = n.astype(int)
    suffix = np.where((n % 100 >= 11) & (n % 100 <= 13), "th",
                      np.select([n % 10 == 1, n % 10 == 2, n % 10 == 3], ["st", "nd", "rd"],
                                "th"))
    return n.astype(str) + suffix


def plural(n: pd.Series, one: str, many: str) -> pd.Series:
    """"1 episode", "3 episodes"."""
    n = n.astype(int)
    return n.astype(str) + " " + pd.Series(np.where(n == 1, one, many), index=n.index)


def id_lists(*columns: pd.Series) -> list[list[str]]:
    """Evidence lists from id columns, empty ids dropped (a loop over flags only)."""
    rows = zip(*(c.fillna("").astype(str) for c in columns), strict=True)
    return [[i for i in row if i] for row in rows]


def raw_flags(case_id: pd.Series, at: pd.Series, event_ids: list[list[str]],
              explanation: pd.Series, *, severity: pd.Series | str | None = None,
              certainty: pd.Series | str = "certain") -> pd.DataFrame:
    """A raw flag table (``workbench.analysis.rules`` columns) from aligned columns."""
    out = pd.DataFrame({"case_id": case_id.to_numpy(), "at": at.to_numpy(),
                        "event_ids": pd.Series(event_ids, dtype=object).to_numpy(),
                        "explanation": explanation.to_numpy()})
    if severity is not None:
        out["severity"] = severity if isinstance(severity, str) else severity.to_numpy()
    out["certainty"] = certainty if isinstance(certainty, str) else certainty.to_numpy()
    return out


_NONE = pd.DataFrame(columns=["case_id", "at", "event_ids", "explanation", "certainty"])


def none() -> pd.DataFrame:
    """An empty raw flag table."""
    return _NONE.copy()

