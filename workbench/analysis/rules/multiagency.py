"""Rules on what other agencies knew: risk grading and meeting attendance.

Patterns ``risk-disagreement`` and ``meeting-missing-agency`` (definitions in
``docs/patterns.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.analysis.analyse import Analysis
from workbench.analysis.episodes import is_police
from workbench.analysis.rules import rule
from workbench.analysis.rules._common import (
    concern_of,
    dated,
    day_text,
    hedge,
    id_lists,
    imprecision,
    kind_label,
    latest_before,
    none,
    raw_flags,
)
from workbench.kinds import MEETING_KINDS

__all__ = ["meeting_missing_agency", "risk_disagreement"]

_GRADE_WORDS = {"absent": "as absent (no apparent risk)", "low": "as low"}


@rule("wb.risk-disagreement", pattern="risk-disagreement",
      title="Risk graded low while another agency held concerns", severity="high",
      settings=("concern_lookback_days", "concern_phrases"))
def risk_disagreement(analysis: Analysis) -> pd.DataFrame:
    """A police grading of absent or low after another agency recorded a concern.

    Police is any agency of the police sector (a force by its own name); the concern
    is another sector's (not the family's).
    """
    ev, s = analysis.timed, analysis.settings
    days = int(s["concern_lookback_days"])
    police = is_police(ev)
    grades = dated(ev, police & ev["risk_grade"].isin(("absent", "low")),
                   columns=("risk_grade",))
    if grades.empty:
        return none()
    what = concern_of(analysis)
    pool = dated(ev, ~police & ev["agency"].ne("") & ev["sector"].ne("family") & what.ne(""))
    pool = pool.assign(what=what.loc[pool.index])[["case_id", "id", "seq", "agency", "lo",
                                                   "last", "precision", "what"]]
    res = latest_before(grades, pool, by="case_id", amount=days, unit="days")
    f = res.loc[res["verdict"].ne("")]
    if f.empty:
        return none()
    date = day_text(f["lo"], f["last"], f["precision"])
    before = day_text(f["b_lo"], f["b_last"], f["b_precision"])
    text = (f["agency"] + " graded the risk " + f["risk_grade"].map(_GRADE_WORDS) + " on " + date
            + " although " + f["b_agency"] + " had recorded a concern (" + f["b_what"] + ") on "
            + before + ", within the " + str(days) + "-day look-back.")
    notes = imprecision([("grading", f["precision"], date), ("concern", f["b_precision"], before)])
    return raw_flags(f["case_id"], f["lo"], id_lists(f["id"], f["b_id"]),
                     hedge(text, f["verdict"], notes, f"{days}-day look-back"),
                     certainty=f["verdict"])


@rule("wb.meeting-missing-agency", pattern="meeting-missing-agency",
      title="Meeting held without an agency that holds information", severity="medium",
      settings=("meeting_lookback_days",))
def meeting_missing_agency(analysis: Analysis) -> pd.DataFrame:
    """A meeting whose recorded attendees leave out an agency active just before it."""
    ev = analysis.timed
    days = int(analysis.settings["meeting_lookback_days"])
    meetings = dated(ev, ev["kind"].isin(MEETING_KINDS) & ev["attendees"].ne(""),
                     columns=("attendees",))
    active = ev["sector"].ne("family").to_numpy() & ev["agency"].ne("").to_numpy()
    if meetings.empty:
        return none()
    agencies = ev.loc[active, ["case_id", "agency"]].drop_duplicates().rename(
        columns={"agency": "absent"})
    cross = meetings.rename(columns={"_row": "meeting"}).merge(agencies, on="case_id")
    present = meetings[["_row", "attendees"]].assign(
        absent=meetings["attendees"].str.split(r"\s*;\s*", regex=True)).explode("absent")
    present = present.rename(columns={"_row": "meeting"})[["meeting", "absent"]]
    cross = cross.merge(present.drop_duplicates().assign(here=True), on=["meeting", "absent"],
                        how="left")
    cross = cross.loc[cross["here"].isna() & cross["absent"].ne(cross["agency"])]
    if cross.empty:
        return none()
    cross = cross.assign(_row=np.arange(len(cross)))
    earlier = dated(ev, active)[["case_id", "id", "seq", "agency", "kind", "lo", "last",
                                 "precision"]].rename(columns={"agency": "absent"})
    res = latest_before(cross, earlier, by=["case_id", "absent"], amount=days, unit="days")
    f = res.loc[res["verdict"].ne("")]
    if f.empty:
        return none()
    date = day_text(f["lo"], f["last"], f["precision"])
    before = day_text(f["b_lo"], f["b_last"], f["b_precision"])
    text = ("The " + kind_label(f["kind"]) + " on " + date + " recorded its attendees ("
            + f["attendees"].str.replace(";", ",") + ") without " + f["absent"]
            + ", which had recorded an event (" + kind_label(f["b_kind"]) + ") on " + before
            + " within the " + str(days) + " days before.")
    notes = imprecision([("meeting", f["precision"], date), ("event", f["b_precision"], before)])
    return raw_flags(f["case_id"], f["lo"], id_lists(f["id"], f["b_id"]),
                     hedge(text, f["verdict"], notes, f"{days}-day look-back"),
                     certainty=f["verdict"])
