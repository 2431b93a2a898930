"""Rules on return interviews: offered in time, re-attempted, and shared.

Patterns ``return-interview-missing`` and ``return-interview-not-shared``
(definitions in ``docs/patterns.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.analysis.analyse import Analysis
from workbench.analysis.roles import lead_agencies, ri_providers, role_agencies, role_label
from workbench.analysis.rules import rule
from workbench.analysis.rules._common import (
    DAY,
    HOUR,
    answered_within,
    chronology_end,
    dated,
    day_of,
    day_text,
    hedge,
    id_lists,
    imprecision,
    kind_label,
    none,
    raw_flags,
    renamed,
)
from workbench.analysis.rules.asof import asof
from workbench.analysis.rules.handoffs import share_times
from workbench.kinds import RI_KINDS

__all__ = ["return_interview_missing", "return_interview_not_shared"]


def _founds(analysis: Analysis) -> pd.DataFrame:
    """The ``found`` events that close an episode, with their times."""
    ev = analysis.timed
    closing = analysis.episodes.loc[analysis.episodes["found_id"].ne(""),
                                    ["case_id", "found_id", "episode", "next_start"]]
    founds = dated(ev, ev["kind"].eq("found"))
    return founds.merge(closing.rename(columns={"found_id": "id"}), on=["case_id", "id"])


@rule("wb.return-interview-missing", pattern="return-interview-missing",
      title="Return interview not offered in time, or not re-attempted", severity="medium",
      settings=("return_interview_hours",))
def return_interview_missing(analysis: Analysis) -> pd.DataFrame:
    """No offer or interview within the hours allowed; a refusal never followed up.

    A case whose chronologies hold no record of return interviews at all and none from
    children's social care (a police export beside a school's log) cannot tell whether
    interviews were offered: it is not judged."""
    ev = analysis.timed
    hours = int(analysis.settings["return_interview_hours"])
    ends = chronology_end(analysis)
    founds = _founds(analysis)
    judged = ev.loc[ev["kind"].isin(RI_KINDS) | ev["sector"].eq("social-care"), "case_id"]
    founds = founds.loc[founds["case_id"].isin(judged.unique())]
    # any return-interview event counts: a child can only decline what was offered
    ri = dated(ev, ev["kind"].isin(RI_KINDS))
    frames = [_late(founds, ri, hours, ends), _not_reattempted(analysis, founds, ri, hours, ends)]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else none()


def _late(founds: pd.DataFrame, ri: pd.DataFrame, hours: int, ends: pd.Series) -> pd.DataFrame:
    res = answered_within(founds, ri, by="case_id", amount=hours, unit="hours", ends=ends)
    f = res.loc[res["verdict"].ne("")]
    if f.empty:
        return none()
    # a return interview after the child went missing again belongs to the next episode
    again = f["next_start"].notna() & ~(f["b_lo"] < f["next_start"])
    has = f["b_id"].ne("") & ~again
    found = day_text(f["lo"], f["last"], f["precision"], time=True)
    first = day_text(f["b_lo"].fillna(f["lo"]), f["b_last"].fillna(f["last"]),
                     f["b_precision"].fillna("minute"), time=True)
    after = ((f["b_lo"] - f["lo"]) / HOUR).fillna(0).round().astype(int).astype(str)
    end = f["case_id"].map(ends["lo"])
    text = (f["agency"] + " recorded the child found on " + found
            + "; no return interview was offered or held within " + str(hours) + " hours"
            + np.where(has, " (the first, " + kind_label(f["b_kind"].fillna("")) + " on " + first
                       + ", came " + after + " hours after).",
                       np.where(again, " (none before the child went missing again on "
                                + day_of(f["next_start"].fillna(f["lo"])) + ").",
                                " (none by " + day_of(end) + ", the end of the chronology).")))
    notes = imprecision([("found", f["precision"], found),
                         ("return interview", f["b_precision"].fillna(""), first)])
    return raw_flags(f["case_id"], f["lo"], id_lists(f["id"], f["b_id"].where(has, "")),
                     hedge(text, f["verdict"], notes, f"{hours} hours"), certainty=f["verdict"])


def _not_reattempted(analysis: Analysis, founds: pd.DataFrame, ri: pd.DataFrame, hours: int,
                     ends: pd.Series) -> pd.DataFrame:
    ev = analysis.timed
    declined = ri.loc[ri["kind"].eq("return_interview_declined")]
    if declined.empty:
        return none()
    reports = dated(ev, ev["episode"].notna())
    d = asof(declined, renamed(ri, "r_"), left_on="lo", right_on="r_lo", by="case_id",
             forward=True, strict=True)
    d = asof(d, renamed(reports, "n_"), left_on="lo", right_on="n_lo", by="case_id",
             forward=True, strict=True)
    d = asof(d, renamed(founds, "f_"), left_on="lo", right_on="f_lo", by="case_id",
             forward=False)
    has_r, has_n = d["r_id"].notna(), d["n_id"].notna()
    end = d["case_id"].map(ends["lo"])
    failed = (~has_r | (has_n & (d["r_lo"] >= d["n_lo"]))) & (
        has_n | (end >= d["lo"] + hours * HOUR))
    d = d.loc[failed]
    if d.empty:
        return none()
    has_r, has_n = d["r_id"].notna(), d["n_id"].notna()
    # the re-attempt and the next report in overlapping dates: either may be first
    unsure = has_r & has_n & (d["r_lo"] <= d["n_last"]) & (d["n_lo"] <= d["r_last"])
    date = day_text(d["lo"], d["last"], d["precision"])
    nxt = day_text(d["n_lo"].fillna(d["lo"]), d["n_last"].fillna(d["last"]),
                   d["n_precision"].fillna("day"))
    end_text = day_of(end.loc[d.index])
    text = ("The child declined a return interview on " + date + " (" + d["agency"]
            + "); no further offer or interview followed before "
            + np.where(has_n, "the next episode, reported on " + nxt,
                       "the end of the chronology (" + end_text + ")") + ".")
    certainty = pd.Series(np.where(unsure, "uncertain", "certain"), index=d.index)
    text = hedge(text, certainty, "the dates of the next offer and the next report",
                 "the new episode's start")
    return raw_flags(d["case_id"], d["lo"], id_lists(d["id"], d["f_id"]), text,
                     certainty=certainty)


@rule("wb.return-interview-not-shared", pattern="return-interview-not-shared",
      title="Return interview disclosure not shared", severity="high",
      settings=("share_targets", "share_working_days", "lead_recent_days", "bank_holidays"))
def return_interview_not_shared(analysis: Analysis) -> pd.DataFrame:
    """What the child disclosed at a return interview, not passed to police or social care.

    The provider is whichever agency holds return-interview events in the case; the
    disclosure is its record of the child's disclosure (a row of its own, or the
    interview's own row) within a day of an interview it held.
    """
    settings, ev = analysis.settings, analysis.timed
    days = int(settings["share_working_days"])
    roles = list(settings["share_targets"])
    providers = ri_providers(analysis)
    by_provider = np.isin(_pair_key(ev["case_id_code"], ev["agency_code"]),
                          _pair_key(analysis.codes(providers["case_id"]),
                                    analysis.codes(providers["agency"])))
    disclosures = dated(ev, ev["child_voice"].eq("disclosure").to_numpy() & by_provider)
    held = dated(ev, ev["kind"].eq("return_interview_completed"))
    if disclosures.empty or held.empty:
        return none()
    near = pd.merge_asof(disclosures.sort_values("lo", kind="stable"),
                         renamed(held, "i_").drop(columns="case_id_code").sort_values(
                             ["i_lo", "i_seq", "i_id"]),
                         left_on="lo", right_on="i_lo", by="case_id", direction="nearest",
                         tolerance=DAY)
    # the disclosure is the record of the agency that held the interview (a social
    # worker's home visit the same day is no part of another service's interview)
    near = near.loc[near["i_id"].notna() & near["agency"].eq(near["i_agency"])]
    # a disclosure written in the interview's own row is that interview's
    own = near["kind"].eq("return_interview_completed")
    for column in ("i_id", "i_lo", "i_last", "i_precision"):
        near[column] = near[column].where(~own, near[column.replace("i_", "", 1)])
    near = near.assign(since=near[["lo", "i_lo"]].min(axis=1), _key=near["_row"])
    targets = _share_targets(analysis, near, roles)
    h = share_times(analysis)  # a hand-off, or a meeting with the target at the table
    pairs = targets.merge(h.drop(columns=["case_id", "sender", "recipient"]).rename(
        columns={"sender_code": "agency_code", "event_id": "id"}),
        on=["case_id_code", "agency_code", "recipient_code"])  # the names' codes
    pairs = pairs.drop(columns="recipient").drop_duplicates(["_key", "id"])
    res = answered_within(near, pairs.drop(columns=["case_id", "agency", "case_id_code",
                                                    "agency_code", "recipient_code"]),
                          by="_key",
                          amount=days, unit="working days", ends=chronology_end(analysis),
                          since="since", calendar=analysis.calendar)
    f = res.loc[res["verdict"].ne("")]
    if f.empty:
        return none()
    date = day_text(f["lo"], f["last"], f["precision"])
    held_on = day_text(f["i_lo"], f["i_last"], f["i_precision"])
    where = np.where(f["id"].eq(f["i_id"]), "in its record of the return interview of ",
                     "at the return interview of ")
    members = {r: role_agencies(analysis, r).groupby("case_id", sort=False)["agency"].agg(list)
               for r in roles if r != "lead"}  # each role's agencies per case, found once
    whom = [_whom(members, roles, c) for c in f["case_id"]]  # a loop over flags only
    text = (f["agency"] + " recorded a disclosure by the child on " + date + " " + where
            + held_on + "; it was not shared with " + pd.Series(whom, index=f.index)
            + " within " + str(days) + " working days.")
    notes = imprecision([("disclosure", f["precision"], date)])
    return raw_flags(f["case_id"], f["lo"], id_lists(f["id"], f["i_id"].where(
        f["i_id"].ne(f["id"]), "")), hedge(text, f["verdict"], notes, f"{days} working days"),
        certainty=f["verdict"])


def _whom(members: dict[str, pd.Series], roles: list[str], case_id: object) -> str:
    """The roles a disclosure should have reached, named as the case names them
    (``members``: each role's agencies, as lists by case)."""
    names = []
    for role in roles:
        if role == "lead":
            names.append(role_label(role))
            continue
        names.append(role_label(role, members[role].get(case_id, [])))
    return " or ".join(names)


def _share_targets(analysis: Analysis, near: pd.DataFrame, roles: list[str]) -> pd.DataFrame:
    """For each disclosure (``_key``) the agencies it may be shared with: those playing
    one of ``roles`` in the case, and (role ``lead``) the lead agencies at the time.
    Columns ``_key``, ``case_id``, ``agency`` (the sender), ``recipient``, and the codes
    of the three (``Analysis.codes``)."""
    base = near[["_key", "case_id", "agency", "case_id_code", "agency_code"]].astype(
        {"case_id": object, "agency": object})
    frames = [base.merge(_coded_members(analysis, r), on="case_id_code")
              for r in roles if r != "lead"]
    if "lead" in roles:
        leads = lead_agencies(near, analysis)
        leads = leads.loc[leads["lead_late"].astype(bool) & leads["lead"].ne("")]
        leads = leads.rename(columns={"_row": "_key", "lead": "recipient"})[["_key", "recipient"]]
        frames.append(base.merge(leads.assign(recipient_code=analysis.codes(leads["recipient"])),
                                 on="_key"))
    if not frames:
        return base.assign(recipient="", recipient_code=np.int64(-1)).iloc[:0]
    table = pd.concat(frames, ignore_index=True)
    return table.loc[table["recipient"].ne(table["agency"])].drop_duplicates()


def _coded_members(analysis: Analysis, role: str) -> pd.DataFrame:
    """:func:`role_agencies` as ``case_id_code``, ``recipient``, ``recipient_code``."""
    members = role_agencies(analysis, role)
    return pd.DataFrame({"case_id_code": analysis.codes(members["case_id"]),
                         "recipient": members["agency"],
                         "recipient_code": analysis.codes(members["agency"])})


def _pair_key(a: pd.Series | np.ndarray, b: pd.Series | np.ndarray) -> np.ndarray:
    """One int64 per (code, code) pair, the same in every call (codes from
    ``Analysis.codes``: -1 to fewer than 2**31)."""
    return (np.asarray(a, dtype=np.int64) + 1) * np.int64(1 << 32) + np.asarray(b, dtype=np.int64)
