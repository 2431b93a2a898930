"""Rules on hand-offs between agencies: answers, sharing with the lead, placements.

Patterns ``unanswered-referral``, ``information-not-shared`` and
``placement-not-notified`` (definitions in ``docs/patterns.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.analysis.analyse import Analysis
from workbench.analysis.rules import rule
from workbench.analysis.rules._common import (
    TEXT_FIELDS,
    answered_within,
    chronology_end,
    combine,
    concern_of,
    dated,
    day_of,
    day_text,
    gap_bounds,
    hedge,
    id_lists,
    imprecision,
    kind_label,
    lead_agencies,
    matched,
    none,
    passed,
    raw_flags,
    renamed,
    verdict,
    width,
)

__all__ = ["information_not_shared", "placement_not_notified", "unanswered_referral"]


def handoff_times(analysis: Analysis) -> pd.DataFrame:
    """The hand-off table (one row per recipient) with each hand-off's ``lo``/``last``."""
    return analysis.derived("handoff_times", _handoff_times)


def _handoff_times(analysis: Analysis) -> pd.DataFrame:
    times = dated(analysis.timed)[["case_id", "id", "seq", "lo", "last", "lo_day", "last_day",
                                    "precision"]]
    return analysis.handoffs.merge(times.rename(columns={"id": "event_id"}),
                                   on=["case_id", "event_id"])


@rule("wb.unanswered-referral", pattern="unanswered-referral",
      title="Referral or notification not answered in time", severity="high",
      settings=("referral_answer_working_days", "answer_window_days"))
def unanswered_referral(analysis: Analysis) -> pd.DataFrame:
    """A referral or notification with no answer (high) or a late one (medium)."""
    days = int(analysis.settings["referral_answer_working_days"])
    h = handoff_times(analysis)
    h = h.loc[h["kind"].isin(("referral", "notification"))]
    if h.empty:
        return none()
    answer = dated(analysis.timed)[["case_id", "id", "lo", "last", "lo_day", "last_day",
                                     "precision"]]
    h = h.merge(renamed(answer, "b_").rename(columns={"b_id": "answer_id"}),
                on=["case_id", "answer_id"], how="left")
    answered = h["answer_id"].ne("").to_numpy()
    ends = chronology_end(analysis.timed)
    gmin, gmax = gap_bounds(h, "", "b_", "working days")
    fail_all = np.where(answered, gmin > days, passed(h, "last", days, "working days", ends))
    fail_some = np.where(answered, gmax > days, passed(h, "lo", days, "working days", ends))
    wide = (width(h, "", "working days") > days) | (
        answered & (width(h, "b_", "working days") > days))
    h = h.assign(verdict=verdict(fail_all, fail_some, wide), end=h["case_id"].map(ends["lo"]))
    h = h.loc[h["verdict"].ne("")]
    if h.empty:
        return none()
    answered = h["answer_id"].ne("")
    verb = pd.Series(np.where(h["kind"].eq("referral"), " referred to ", " notified "),
                     index=h.index)
    sent = day_text(h["lo"], h["last"], h["precision"])
    got = day_text(h["b_lo"].fillna(h["lo"]), h["b_last"].fillna(h["last"]),
                   h["b_precision"].fillna("minute"))
    end_text = day_of(h["end"])
    basis = np.where(h["answer_basis"].eq("explicit"), "recorded as its answer",
                     "inferred: " + h["recipient"] + "'s next event")
    working = h["working_days"].fillna(0).astype(int).astype(str)
    text = h["sender"] + verb + h["recipient"] + " on " + sent + "; " + np.where(
        answered,
        "answered only on " + got + " (" + kind_label(h["answer_kind"]) + ", " + basis + "), "
        + working + " working days later, beyond the " + str(days) + " allowed.",
        "no answer within " + str(days) + " working days (none by " + end_text
        + ", the end of the chronology).")
    notes = imprecision([("hand-off", h["precision"], sent),
                         ("answer", h["b_precision"].fillna(""), got)])
    return raw_flags(h["case_id"], h["lo"], id_lists(h["event_id"], h["answer_id"]),
                     hedge(text, h["verdict"], notes, f"{days} working days"),
                     severity=pd.Series(np.where(answered, "medium", "high"), index=h.index),
                     certainty=h["verdict"])


def _what(anchors: pd.DataFrame) -> pd.Series:
    base = np.select([anchors["kind"].eq("disclosure"), anchors["kind"].eq("exclusion")],
                     ["a disclosure by the child", "an exclusion"], "a concern")
    return base + np.where(anchors["what"].ne(""), " (" + anchors["what"] + ")", "")


@rule("wb.information-not-shared", pattern="information-not-shared",
      title="Information not shared with the lead agency", severity="medium",
      settings=("share_working_days", "concern_phrases"))
def information_not_shared(analysis: Analysis) -> pd.DataFrame:
    """A disclosure, exclusion or concern kept by an agency that does not lead the case."""
    settings, ev = analysis.settings, analysis.timed
    days = int(settings["share_working_days"])
    what = concern_of(analysis)
    anchors = dated(ev, ev["sector"].ne("family") & ev["agency"].ne("")
                    & (ev["kind"].isin(("disclosure", "exclusion")) | what.ne("")))
    anchors = anchors.assign(what=what.loc[anchors.index])
    if anchors.empty:
        return none()
    # an agency leads when its case_opened may lie before the event (docs/patterns.md)
    leads = lead_agencies(anchors, ev)
    leads = leads.loc[leads["lead_late"]].merge(anchors[["_row", "agency"]], on="_row")
    self_led = leads.loc[leads["lead"].eq(leads["agency"]), "_row"]
    rows = anchors.loc[~anchors["_row"].isin(self_led)].merge(
        leads.loc[:, ["_row", "lead"]], on="_row")
    if rows.empty:
        return none()
    rows = rows.rename(columns={"agency": "sender", "lead": "recipient"})
    sent = handoff_times(analysis)[["case_id", "sender", "recipient", "event_id", "seq", "lo",
                                    "last", "lo_day", "last_day", "precision"]].rename(columns={"event_id": "id"})
    res = answered_within(rows, sent, by=["case_id", "sender", "recipient"], amount=days,
                          unit="working days", ends=chronology_end(ev))
    per_event = combine(res["verdict"], res["_row"], "all")
    lead_names = res.groupby("_row")["recipient"].agg(", ".join)  # small: flagged candidates
    a = anchors.set_index("_row").loc[per_event.index[per_event.ne("")]]
    if a.empty:
        return none()
    a = a.assign(verdict=per_event.loc[a.index], leads=lead_names.loc[a.index])
    date = day_text(a["lo"], a["last"], a["precision"])
    text = (a["agency"] + " recorded " + _what(a) + " on " + date
            + "; it was not shared with the lead agency (" + a["leads"] + ") within "
            + str(days) + " working days.")
    notes = imprecision([("event", a["precision"], date)])
    return raw_flags(a["case_id"], a["lo"], id_lists(a["id"]),
                     hedge(text, a["verdict"], notes, f"{days} working days"),
                     certainty=a["verdict"])


@rule("wb.placement-not-notified", pattern="placement-not-notified",
      title="Out-of-area placement not notified", severity="medium",
      settings=("out_of_area_phrases", "notify_on_placement", "share_working_days",
                "answer_window_days"))
def placement_not_notified(analysis: Analysis) -> pd.DataFrame:
    """An out-of-area placement move not notified to every agency that must know."""
    settings, ev = analysis.settings, analysis.timed
    days = int(settings["share_working_days"])
    moves = dated(ev, ev["kind"].eq("placement_move"), columns=TEXT_FIELDS)
    moves = moves.loc[matched(moves, settings["out_of_area_phrases"]).ne("").to_numpy()]
    targets = pd.DataFrame({"recipient": list(settings["notify_on_placement"])})
    rows = moves.merge(targets, how="cross").rename(columns={"agency": "sender"})
    rows = rows.loc[rows["recipient"].ne(rows["sender"])]
    if rows.empty:
        return none()
    # a notice sent ahead of the move counts (from answer window days before it)
    rows = rows.assign(since=rows["lo"] - pd.Timedelta(days=int(settings["answer_window_days"])))
    sent = handoff_times(analysis)[["case_id", "sender", "recipient", "event_id", "seq", "lo",
                                    "last", "lo_day", "last_day", "precision"]].rename(columns={"event_id": "id"})
    res = answered_within(rows, sent, by=["case_id", "sender", "recipient"], amount=days,
                          unit="working days", ends=chronology_end(ev), since="since")
    per_move = combine(res["verdict"], res["_row"], "any")
    missing = (res.loc[res["verdict"].ne("")].sort_values("recipient")
               .groupby("_row")["recipient"].agg(" and ".join))
    m = moves.set_index("_row").loc[per_move.index[per_move.ne("")]]
    if m.empty:
        return none()
    m = m.assign(verdict=per_move.loc[m.index], missing=missing.loc[m.index])
    were = np.where(m["missing"].str.contains(" and "), " were", " was")
    date = day_text(m["lo"], m["last"], m["precision"])
    text = (m["agency"] + " recorded an out-of-area placement move on " + date + "; "
            + m["missing"] + were + " not notified within " + str(days) + " working days.")
    notes = imprecision([("move", m["precision"], date)])
    return raw_flags(m["case_id"], m["lo"], id_lists(m["id"]),
                     hedge(text, m["verdict"], notes, f"{days} working days"),
                     certainty=m["verdict"])
