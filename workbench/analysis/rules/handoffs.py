"""Rules on hand-offs between agencies: answers, sharing with the lead, placements.

Patterns ``unanswered-referral``, ``information-not-shared`` and
``placement-not-notified`` (definitions in ``docs/patterns.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.agencies import load_aliases
from workbench.analysis.analyse import Analysis
from workbench.analysis.roles import agency_sectors, lead_agencies, role_agencies, role_label
from workbench.analysis.rules import rule
from workbench.analysis.rules._common import (
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
    none,
    passed,
    raw_flags,
    renamed,
    verdict,
    width,
)
from workbench.analysis.rules.lead_knew import names_lead, told_by_lead
from workbench.analysis.rules.phrases import TEXT_FIELDS, matched
from workbench.io.rows import informed_by
from workbench.kinds import MEETING_KINDS

__all__ = ["handoff_times", "information_not_shared", "placement_not_notified", "share_times",
           "unanswered_referral"]


def handoff_times(analysis: Analysis) -> pd.DataFrame:
    """The hand-off table (one row per recipient) with each hand-off's ``lo``/``last``
    (and ``_row``, its event's row of ``analysis.timed``)."""
    return analysis.derived("handoff_times", _handoff_times)


def share_times(analysis: Analysis) -> pd.DataFrame:
    """Every way information passed from one agency to another, with times: each
    hand-off (sender → recipient), and each meeting between every two agencies at it
    (the recorder and the recorded attendees pool what they know), and each share its
    recipient records ("Police notification received", "PPN rec'd": from the agencies
    of that sector in the case). Columns of :func:`handoff_times` used by the sharing
    rules."""
    return analysis.derived("share_times", _all_shares)


def _all_shares(analysis: Analysis) -> pd.DataFrame:
    shares, received = _share_times(analysis), _received_shares(analysis)
    return shares if received is None else pd.concat([shares, received], ignore_index=True)


def _received_shares(analysis: Analysis) -> pd.DataFrame | None:
    """Shares recorded by their recipient, from each agency of the case its text says
    the information came from (a generic name, "Police", is every agency of its sector
    in the case)."""
    t = analysis.timed
    rows = dated(t, t["agency"].ne("") & t["sector"].ne("family"), columns=("summary", "details"))
    if rows.empty:
        return None
    aliases = load_aliases()
    codes, texts = _distinct_texts(rows["summary"], rows["details"])
    told = [informed_by(text, aliases) for text in texts]
    # only the rows whose text names an informant are exploded (few of many)
    hit = np.array([bool(names) for names in told], dtype=bool)[codes]
    rows = rows.loc[hit].assign(sender=[told[c] for c in codes[hit]]).explode("sender")
    rows = rows.loc[rows["sender"].notna()]
    if rows.empty:
        return None
    table = agency_sectors(analysis)
    generic = {name: sector for sector, name in aliases.sector_agencies.items()}
    named = rows.assign(sector=rows["sender"].map(generic)).merge(
        table.rename(columns={"agency": "of_sector"}), on=["case_id", "sector"], how="left")
    named["sender"] = named["of_sector"].where(named["of_sector"].notna(), named["sender"])
    named = named.loc[named["sender"].ne(named["agency"])]
    named = named.assign(sender_code=analysis.codes(named["sender"]))
    return named.rename(columns={"agency": "recipient", "id": "event_id",
                                 "agency_code": "recipient_code"}).loc[
        :, _SHARE].astype({"sender": object, "recipient": object})


def _distinct_texts(summary: pd.Series, details: pd.Series) -> tuple[np.ndarray, list[str]]:
    """``pd.factorize(summary + "\\n" + details)``: a code per row and the distinct texts,
    the two columns coded apart and joined for each distinct pair only."""
    if summary.isna().any() or details.isna().any():  # as before: missing text is missing
        codes, texts = pd.factorize(summary.astype(str) + "\n" + details.astype(str))
        return codes, list(texts)
    s_codes, s_texts = pd.factorize(summary.to_numpy(dtype=object))
    d_codes, d_texts = pd.factorize(details.to_numpy(dtype=object))
    pair = s_codes.astype(np.int64) * np.int64(len(d_texts) + 1) + d_codes
    _, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
    return inverse.reshape(-1), [f"{s_texts[s_codes[i]]}\n{d_texts[d_codes[i]]}" for i in first]


_SHARE = ["case_id", "sender", "recipient", "event_id", "seq", "lo", "last", "lo_day",
          "last_day", "precision", "case_id_code", "sender_code", "recipient_code"]


def _share_times(analysis: Analysis) -> pd.DataFrame:
    t = analysis.timed
    # a meeting, or a joint row ("Hilltop Lodge / Kirkdale Police"): all there share
    meetings = dated(t, t["attendees"].ne(""), columns=("attendees",)).reset_index(drop=True)
    handed = handoff_times(analysis)
    # every name as a code: the pairs at each meeting and the duplicates are found on
    # integers (a meeting's names are few, its pairs many)
    present = (meetings["agency"] + "; " + meetings["attendees"]).str.split("; ").explode()
    n = len(handed)
    codes, names = pd.factorize(np.concatenate([
        handed["sender"].to_numpy(dtype=object), handed["recipient"].to_numpy(dtype=object),
        present.to_numpy(dtype=object)]), use_na_sentinel=False)
    names = np.asarray(names, dtype=object)
    known = analysis.codes(names)  # each name's code in the analysis (few names)
    at = pd.DataFrame({"m": present.index.to_numpy(), "s": codes[2 * n:]})
    pairs = at.merge(at.rename(columns={"s": "r"}), on="m")
    s_, r_ = pairs["s"].to_numpy(), pairs["r"].to_numpy()
    blank = names == ""
    unequal = (s_ != r_) | pd.isna(names[s_])  # as strings compare: NaN is never equal
    pairs = pairs.loc[unequal & ~blank[s_] & ~blank[r_]]
    row = np.concatenate([handed["_row"].to_numpy(), meetings["_row"].to_numpy()[pairs["m"]]])
    s_ = np.concatenate([codes[:n], pairs["s"].to_numpy()])
    r_ = np.concatenate([codes[n:2 * n], pairs["r"].to_numpy()])
    width = len(names) + 1
    if len(row) and (int(row.max()) + 1) * width * width < 2**62:  # (case, event) is the row
        first = ~pd.Series((row * width + s_) * width + r_).duplicated().to_numpy()
    else:
        first = ~pd.DataFrame({"row": row, "s": s_, "r": r_}).duplicated().to_numpy()
    kept = np.flatnonzero(first[n:])
    met = meetings.loc[pairs["m"].to_numpy()[kept], ["case_id", "id", "seq", "lo", "last",
                                                    "lo_day", "last_day", "precision",
                                                    "case_id_code"]].rename(
        columns={"id": "event_id"})
    # object Series, not arrays: pandas would read an array of strings as Arrow text
    met = met.assign(sender=pd.Series(names[s_[n:][kept]], index=met.index, dtype=object),
                     recipient=pd.Series(names[r_[n:][kept]], index=met.index, dtype=object),
                     sender_code=known[s_[n:][kept]], recipient_code=known[r_[n:][kept]])
    handed = handed.assign(sender_code=known[codes[:n]], recipient_code=known[codes[n:2 * n]])
    both = pd.concat([handed.loc[first[:n], _SHARE].astype({"sender": object,
                                                            "recipient": object}),
                      met[_SHARE]])
    return both.set_axis(np.flatnonzero(first))


def _handoff_times(analysis: Analysis) -> pd.DataFrame:
    times = dated(analysis.timed)[["case_id", "id", "seq", "lo", "last", "lo_day", "last_day",
                                    "precision", "_row", "case_id_code"]]
    return analysis.handoffs.merge(times.rename(columns={"id": "event_id"}),
                                   on=["case_id", "event_id"])


@rule("wb.unanswered-referral", pattern="unanswered-referral",
      title="Referral or notification not answered in time", severity="high",
      settings=("referral_answer_working_days", "answer_window_days", "bank_holidays"))
def unanswered_referral(analysis: Analysis) -> pd.DataFrame:
    """A request (a referral or notification that does not only inform) with no answer
    (high) or a late one (medium); the sender's chases of it are its evidence, not
    requests of their own."""
    days = int(analysis.settings["referral_answer_working_days"])
    cal = {"calendar": analysis.calendar}
    h = handoff_times(analysis)
    h = h.loc[h["needs_answer"].astype(bool)]
    if h.empty:
        return none()
    answer = dated(analysis.timed)[["case_id", "id", "lo", "last", "lo_day", "last_day",
                                     "precision"]]
    h = h.merge(renamed(answer, "b_").rename(columns={"b_id": "answer_id"}),
                on=["case_id", "answer_id"], how="left")
    answered = h["answer_id"].ne("").to_numpy()
    ends = chronology_end(analysis)
    gmin, gmax = gap_bounds(h, "", "b_", "working days", **cal)
    fail_all = np.where(answered, gmin > days, passed(h, "last", days, "working days", ends,
                                                      **cal))
    fail_some = np.where(answered, gmax > days, passed(h, "lo", days, "working days", ends,
                                                       **cal))
    wide = (width(h, "", "working days", **cal) > days) | (
        answered & (width(h, "b_", "working days", **cal) > days))
    h = h.assign(verdict=verdict(fail_all, fail_some, wide), end=h["case_id"].map(ends["lo"]))
    h = h.loc[h["verdict"].ne("")]
    if h.empty:
        return none()
    answered = h["answer_id"].ne("")
    verb = pd.Series(np.select([h["kind"].eq("referral"), h["kind"].eq("notification")],
                               [" referred to ", " notified "], " asked "), index=h.index)
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
    chased = h["chased_by"].fillna("").astype(str)
    times = chased.str.count("; ") + 1
    text = text + np.where(chased.ne(""), " The sender chased it " + times.astype(str)
                           + np.where(times.eq(1), " time.", " times."), "")
    notes = imprecision([("hand-off", h["precision"], sent),
                         ("answer", h["b_precision"].fillna(""), got)])
    evidence = [[e, *(c.split("; ") if c else []), *([a] if a else [])]
                for e, c, a in zip(h["event_id"], chased, h["answer_id"].fillna(""), strict=True)]
    return raw_flags(h["case_id"], h["lo"], evidence,
                     hedge(text, h["verdict"], notes, f"{days} working days"),
                     severity=pd.Series(np.where(answered, "medium", "high"), index=h.index),
                     certainty=h["verdict"])


def _what(anchors: pd.DataFrame) -> pd.Series:
    concern = np.where(anchors["what"].ne(""), "a concern (" + anchors["what"] + ")", "")
    withheld = '"' + anchors["withheld"].astype(str) + '"'
    base = np.select([anchors["child_voice"].eq("disclosure"), anchors["kind"].eq("exclusion"),
                      anchors["what"].eq("") & anchors["withheld"].ne("")],
                     ["a disclosure by the child", "an exclusion",
                      "information it says it did not pass on (" + withheld + ")"], "")
    both = (base != "") & (concern != "")
    return pd.Series(np.where(both, base + " and " + concern, base + concern),
                     index=anchors.index)


def _sectors(analysis: Analysis) -> dict[str, str]:
    """Agency name -> sector, for every agency the case names (small: one row each)."""
    table = agency_sectors(analysis)
    return dict(zip(table["agency"], table["sector"], strict=True))


def _generic_to_lead(sent: pd.DataFrame, rows: pd.DataFrame,
                     sector: dict[str, str]) -> pd.DataFrame:
    """``sent`` with each share to a sector's generic name ("Children's Social Care",
    "Police": "shared with both social work teams") also reaching the case's leads of
    that sector, however the chronology names them."""
    aliases = load_aliases()
    generic = {name: sector for sector, name in aliases.sector_agencies.items()}
    shares = sent.loc[sent["recipient"].isin(list(generic))]
    if shares.empty or rows.empty:
        return sent
    leads = rows[["case_id", "recipient", "recipient_code"]].drop_duplicates()
    leads = leads.assign(sector=[sector.get(r) or aliases.sector(r) for r in leads["recipient"]])
    shares = (shares.assign(sector=shares["recipient"].map(generic))
              .drop(columns=["recipient", "recipient_code"])
              .merge(leads, on=["case_id", "sector"]))
    return pd.concat([sent, shares.loc[:, list(sent.columns)]], ignore_index=True)


@rule("wb.information-not-shared", pattern="information-not-shared",
      title="Information not shared with the lead agency", severity="medium",
      settings=("share_working_days", "concern_phrases", "lead_recent_days", "bank_holidays"))
def information_not_shared(analysis: Analysis) -> pd.DataFrame:
    """A disclosure, exclusion or concern kept by an agency that does not lead the case,
    or what a record says it did not pass on ("Not reported to SW1 or to police")."""
    settings, ev = analysis.settings, analysis.timed
    days = int(settings["share_working_days"])
    what = concern_of(analysis)
    # a meeting is itself a sharing among those at the table: what is raised there is not kept
    anchors = dated(ev, ev["sector"].ne("family") & ev["agency"].ne("")
                    & ~ev["kind"].isin(MEETING_KINDS)
                    & (ev["child_voice"].eq("disclosure") | ev["kind"].eq("exclusion")
                       | what.ne("") | ev["withheld"].ne("")),
                    columns=("child_voice", "withheld", "summary", "details",
                                                *[c for c in ("return_agency",) if c in ev]))
    anchors = anchors.assign(what=what.loc[anchors.index])
    if anchors.empty:
        return none()
    # an agency leads when its hold on the case may lie before the event (docs/patterns.md)
    leads = lead_agencies(anchors, analysis)
    leads = leads.loc[leads["lead_late"].astype(bool) & leads["lead"].ne("")].merge(
        anchors[["_row", "agency"]], on="_row")
    self_led = leads.loc[leads["lead"].eq(leads["agency"]), "_row"]
    rows = anchors.loc[~anchors["_row"].isin(self_led)].merge(
        leads.loc[:, ["_row", "lead"]], on="_row")
    if "return_agency" in rows.columns:  # a row in the lead's own return: the lead knew it
        rows = rows.loc[rows["return_agency"].astype(object).ne(rows["lead"].astype(object))]
    if rows.empty:
        return none()
    rows = rows.rename(columns={"agency": "sender", "lead": "recipient",
                                "agency_code": "sender_code"})
    rows = rows.assign(recipient_code=analysis.codes(rows["recipient"]))
    # what the lead itself told the recorder ("SW6 reported ...") is not kept from it
    sectors = _sectors(analysis)
    rows = rows.loc[~told_by_lead(rows, sectors)]
    # ... nor what the record holds as the lead's own concern ("CP PLAN; CSE RISK" markers)
    rows = rows.loc[~names_lead(rows, sectors)]
    # a hand-off to the lead, or a meeting both attended, shares it
    sent = _generic_to_lead(share_times(analysis).rename(columns={"event_id": "id"}), rows,
                            sectors)
    res = answered_within(rows, sent, by=["case_id", "sender", "recipient"], amount=days,
                          unit="working days", ends=chronology_end(analysis),
                          calendar=analysis.calendar)
    per_event = combine(res["verdict"], res["_row"], "all")
    lead_names = res.groupby("_row")["recipient"].agg(", ".join)  # small: flagged candidates
    a = anchors.set_index("_row").loc[per_event.index[per_event.ne("")]]
    if a.empty:
        return none()
    a = a.assign(verdict=per_event.loc[a.index], leads=lead_names.loc[a.index])
    a, again = _first_of_repeats(a)
    date = day_text(a["lo"], a["last"], a["precision"])
    text = (a["agency"] + " recorded " + _what(a) + " on " + date
            + "; it was not shared with the lead agency (" + a["leads"] + ") within "
            + str(days) + " working days." + again)
    notes = imprecision([("event", a["precision"], date)])
    return raw_flags(a["case_id"], a["lo"], id_lists(a["id"]),
                     hedge(text, a["verdict"], notes, f"{days} working days"),
                     certainty=a["verdict"])


def _first_of_repeats(a: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """One flag for a concern an agency writes again and again unshared (a police
    export's standing "CSE RISK" marker on every report): its first record, saying how
    often it was written again. A disclosure or an exclusion is new each time."""
    same = a["child_voice"].ne("disclosure") & a["kind"].ne("exclusion") & a["what"].ne("")
    key = a["case_id"].astype(str) + "\x1f" + a["agency"].astype(str) + "\x1f" + a["what"]
    order = a.sort_values(["lo", "seq"], kind="stable").index
    repeat = same & key.loc[order].duplicated().reindex(a.index)
    counts = key.loc[repeat].value_counts()
    times = key.map(counts).fillna(0).astype(int)
    again = pd.Series(np.where(same & ~repeat & (times > 0),
                               " The same concern was written again unshared " + times.astype(str)
                               + " time(s).", ""), index=a.index)
    keep = ~repeat
    return a.loc[keep], again.loc[keep]


@rule("wb.placement-not-notified", pattern="placement-not-notified",
      title="Out-of-area placement not notified", severity="medium",
      settings=("out_of_area_phrases", "notify_on_placement", "share_working_days",
                "answer_window_days", "bank_holidays"))
def placement_not_notified(analysis: Analysis) -> pd.DataFrame:
    """An out-of-area placement move not notified to every role that must know (by
    default the police and the host authority), by any agency playing it."""
    settings, ev = analysis.settings, analysis.timed
    days = int(settings["share_working_days"])
    moves = dated(ev, ev["kind"].eq("placement_move"), columns=TEXT_FIELDS)
    moves = moves.loc[matched(moves, settings["out_of_area_phrases"]).ne("").to_numpy()]
    roles = [r for r in settings["notify_on_placement"] if r != "lead"]
    if moves.empty or not roles:
        return none()
    members = pd.concat([role_agencies(analysis, r).assign(role=r) for r in roles],
                        ignore_index=True)
    names = members.groupby(["case_id", "role"])["agency"].agg(list)
    rows = moves.merge(pd.DataFrame({"role": roles}), how="cross").rename(
        columns={"agency": "sender"})
    # a notice sent ahead of the move counts (from answer window days before it)
    rows = rows.assign(since=rows["lo"] - pd.Timedelta(days=int(settings["answer_window_days"])))
    sent = handoff_times(analysis)[["case_id", "sender", "recipient", "event_id", "seq", "lo",
                                    "last", "lo_day", "last_day", "precision"]].rename(columns={"event_id": "id"})
    sent = sent.merge(members.rename(columns={"agency": "recipient"}),
                      on=["case_id", "recipient"]).drop(columns="recipient")
    sent = sent.loc[sent["sender"].ne("")].drop_duplicates(["case_id", "sender", "role", "id"])
    res = answered_within(rows, sent, by=["case_id", "sender", "role"], amount=days,
                          unit="working days", ends=chronology_end(analysis), since="since",
                          calendar=analysis.calendar)
    # the placing agency playing a role itself (a police move?) need not tell itself
    own = [s in names.get((c, r), ()) for c, s, r in zip(res["case_id"], res["sender"],
                                                          res["role"], strict=True)]
    res = res.assign(verdict=res["verdict"].where(~np.asarray(own, dtype=bool), ""))
    res = res.assign(label=[role_label(r, names.get((c, r), ())) for c, r in
                            zip(res["case_id"], res["role"], strict=True)])
    per_move = combine(res["verdict"], res["_row"], "any")
    missing = (res.loc[res["verdict"].ne("")].sort_values("label")
               .groupby("_row")["label"].agg(" and ".join))
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
