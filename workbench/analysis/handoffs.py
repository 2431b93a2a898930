"""Hand-offs: every referral, notification and share from one agency to another.

Any event with recipients is a hand-off to each of them (a "Shared with" column on
a found report is a share); its ``kind`` is the event's kind for referrals and
notifications and ``information_shared`` otherwise (``event_kind`` keeps the
event's own kind).

Each hand-off A→B gets its answer: the first event by B that refers to it
(``explicit``), else the first event by B within the answer window after it
(``inferred``, marked so). A meeting that B attended is an event of B's here: being
at the table answers a request. Status is ``answered`` (within the profile's working
days, which skip its nation's bank holidays), ``late``, ``unanswered`` (the deadline
passed within the chronology with no answer) or ``open`` (the chronology ends before
the deadline: nothing can be said).

``needs_answer`` says whether the hand-off expects an answer: a request does (the
event's ``request`` fact, :mod:`workbench.io.facts`); one that only informs (a
courtesy notification, "for information") does not; with neither fact, referrals
and notifications do and information shares do not.

A chase (the ``chase`` fact: the sender writes "Chased 24/03 - no response", "emailed
the front door asking for the outcome of the MARF") is the sender's word that no answer
came: the recipient's records before it answered something else. An earlier hand-off
from the same sender to the same recipient (within the answer window) takes its
inferred answer only after the last chase, and its chases in ``chased_by`` (event ids,
"; "-separated); a chase of an earlier hand-off is no new request (``needs_answer`` is
false), and one with no earlier hand-off has only an answer recorded as such.

Examples
--------
>>> import pandas as pd
>>> ev = pd.DataFrame({
...     "id": ["s1", "r1"], "seq": [1, 2], "agency": ["School", "Children's Social Care"],
...     "kind": ["referral", "case_opened"], "recipients": ["Children's Social Care", ""],
...     "start": pd.to_datetime(["2025-02-03 10:00", "2025-02-13 10:00"], utc=True),
...     "precision": "minute", "refers_to": ["", "s1"], "summary": ["Referral to CSC", "Case opened"],
...     "source": ["school.csv:2", "csc.csv:2"]})
>>> h = handoffs(ev)
>>> h[["sender", "recipient", "answer_id", "answer_basis", "working_days", "status"]].values.tolist()
[['School', "Children's Social Care", 'r1', 'explicit', 8.0, 'late']]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.agencies import AliasTable, load_aliases
from workbench.analysis.arrowtext import large_text, matches, split_names
from workbench.analysis.episodes import event_frame
from workbench.analysis.facts import fact_frame, with_fact_columns
from workbench.case import Case
from workbench.io.facts import asks_for_answer
from workbench.kinds import HANDOFF_KINDS
from workbench.protocols import Protocol, load_protocol
from workbench.timeutil import deadline_after, working_calendar, working_days_between

__all__ = ["HANDOFF_COLUMNS", "handoffs"]

HANDOFF_COLUMNS = (
    "case_id", "handoff_id", "event_id", "kind", "event_kind", "sender", "recipient", "sent", "summary",
    "source", "answer_id", "answer_kind", "answered_at", "answer_basis", "latency_hours",
    "working_days", "deadline", "status", "certain", "needs_answer", "chased_by",
)
_PRECISE = ("minute", "day")
_SENT_COLUMNS = ("case_id", "id", "seq", "agency", "kind", "recipients", "start", "precision",
                 "summary", "source", "asks", "chase")


def handoffs(data: Case | pd.DataFrame, *, protocol: Protocol | str | None = None,
             years: tuple[int, int] | None = None) -> pd.DataFrame:
    """One row per (hand-off event, recipient), self-hand-offs excluded.

    ``years`` (first, last) limits the bank holidays looked up to those years.
    """
    settings = load_protocol(protocol).settings
    ev = event_frame(data)
    calendar = working_calendar(str(settings.get("bank_holidays") or "none"),
                                *([years] if years else []))
    if "asks" not in ev.columns:
        ev = with_fact_columns(ev, fact_frame(data))
    # any event with recipients passes something on (a "Shared with" column on a
    # found report is a share); referrals and notifications keep their kind
    sent = ev.loc[ev["recipients"].ne("") & ev["start"].notna(),  # the columns used below:
                  [c for c in _SENT_COLUMNS if c in ev.columns]]  # each take copies them all
    h = _each_recipient(sent, ev["agency"].dtype)
    h = h.loc[h["recipient"].ne(h["agency"]) & h["recipient"].ne("")]
    h = h.rename(columns={"id": "event_id", "agency": "sender", "start": "sent"})
    h["handoff_id"] = h["event_id"] + ">" + h["recipient"]
    window = pd.Timedelta(days=int(settings["answer_window_days"]))
    answers = ev.loc[ev["start"].notna(), ["case_id", "id", "seq", "agency", "kind", "start",
                                           "precision", "refers_to"]]
    answers = pd.concat([answers, _attended(ev), _by_generic_name(ev, h),
                         _answered_in_text(ev, h)], ignore_index=True)
    # ties in time are broken by seq then id, so that row order never matters
    answers = _in_time_order(answers)
    explicit = (answers.loc[answers["refers_to"].ne("")]
                .drop_duplicates(["case_id", "refers_to", "agency"])
                .rename(columns={"refers_to": "event_id", "agency": "recipient", "id": "x_id",
                                 "kind": "x_kind", "start": "x_at",
                                 "precision": "x_precision"}))
    h = h.merge(explicit[["case_id", "event_id", "recipient", "x_id", "x_kind", "x_at",
                          "x_precision"]],
                on=["case_id", "event_id", "recipient"], how="left")
    # a family told something owes the agencies no answer
    family = {load_aliases().sector_agencies.get("family", "Family")}
    if "sector" in ev.columns:
        family |= set(ev.loc[ev["sector"].eq("family"), "agency"].unique())
    h["needs_answer"] = (h["asks"].eq("request") | (
        h["asks"].eq("") & h["event_kind"].isin(("referral", "notification")))) & \
        ~h["recipient"].isin(list(family))
    h["_from"], h["chased_by"], h["_chasing"] = _chases(h, window)
    h = h.sort_values("_from", kind="stable")
    pool = answers.rename(columns={"agency": "recipient", "id": "i_id", "kind": "i_kind",
                                   "start": "i_at", "precision": "i_precision"})
    h = pd.merge_asof(h, pool[["case_id", "recipient", "i_id", "i_kind", "i_at", "i_precision"]],
                      left_on="_from", right_on="i_at", by=["case_id", "recipient"],
                      direction="forward", tolerance=window)
    # (no re-sort by "sent" here: every step below is row by row, and the last sort by
    # case and time, being stable, breaks ties in the same "_from" order either way)
    # a row that itself says no answer came has only an answer recorded as such
    chased = h["chase"].eq("no_answer")
    if chased.any():  # (each .loc assignment costs as much on no row as on a few)
        h.loc[chased, ["i_id", "i_kind", "i_at", "i_precision"]] = None
    # a row that writes its recipient's answer ("EDT responded 1215hrs") is answered by itself
    itself = h["chase"].eq("answered") & h["x_id"].isna()
    if itself.any():
        h.loc[itself, "x_id"] = h.loc[itself, "event_id"]
        h.loc[itself, "x_kind"] = h.loc[itself, "event_kind"]
        h.loc[itself, "x_at"] = h.loc[itself, "sent"]
        h.loc[itself, "x_precision"] = h.loc[itself, "precision"]
    has_x = h["x_id"].notna()
    has_i = h["i_id"].notna() & ~has_x
    h["answer_id"] = h["x_id"].where(has_x, h["i_id"]).fillna("")
    h["answer_kind"] = h["x_kind"].where(has_x, h["i_kind"]).fillna("")
    h["answered_at"] = h["x_at"].where(has_x, h["i_at"])
    h["answer_basis"] = "explicit"
    h.loc[has_i, "answer_basis"] = "inferred"
    h.loc[~has_x & ~has_i, "answer_basis"] = ""
    h["latency_hours"] = (h["answered_at"] - h["sent"]).dt.total_seconds() / 3600
    h["working_days"] = working_days_between(h["sent"], h["answered_at"], calendar=calendar)
    days = int(settings["referral_answer_working_days"])
    h["deadline"] = deadline_after(h["sent"], days, calendar=calendar)
    chronology_end = ev.groupby("case_id")["start"].max()
    ends = pd.Series(chronology_end.reindex(h["case_id"]).array, index=h.index)  # keeps dtype
    answered = h["answer_id"].ne("")
    h["status"] = "open"
    h.loc[~answered & (ends >= h["deadline"]), "status"] = "unanswered"
    h.loc[answered & (h["working_days"] <= days), "status"] = "answered"
    h.loc[answered & (h["working_days"] > days), "status"] = "late"
    answer_precision = h["x_precision"].where(has_x, h["i_precision"])
    h["certain"] = h["precision"].isin(_PRECISE) & (~answered
                                                    | answer_precision.isin(_PRECISE))
    h["needs_answer"] = h["needs_answer"] & ~h["_chasing"] & ~_only_told(h, ev)
    return h.loc[:, list(HANDOFF_COLUMNS)].sort_values(["case_id", "sent"], kind="stable"
                                                        ).reset_index(drop=True)


def _each_recipient(sent: pd.DataFrame, agency: object) -> pd.DataFrame:
    """One row per (event, name in its ``recipients``); ``event_kind`` the event's kind,
    ``kind`` that kind for referrals and notifications, else ``information_shared``."""
    split = split_names(sent, "recipients", agency)
    rows, recipient = split if split else (sent, sent["recipients"].str.split("; "))
    kind = rows["kind"]
    out = rows.assign(recipient=recipient, event_kind=kind,
                      kind=kind.where(kind.isin(HANDOFF_KINDS), "information_shared"))
    if not split:
        out = out.explode("recipient")
        out = out.assign(recipient=out["recipient"].astype(agency))
    return out


def _in_time_order(answers: pd.DataFrame) -> pd.DataFrame:
    """``answers.sort_values(["start", "seq", "id"], kind="stable")``, by one stable
    ``lexsort`` of the time, ``seq`` and the ids' ranks where it can."""
    start, seq, ids = answers["start"], answers["seq"], answers["id"]
    if (seq.dtype.kind not in "iu" or not isinstance(start.dtype, pd.DatetimeTZDtype)
            or start.isna().any() or ids.isna().any()):
        return answers.sort_values(["start", "seq", "id"], kind="stable")
    try:
        rank = pd.factorize(ids, sort=True)[0]
    except TypeError:
        return answers.sort_values(["start", "seq", "id"], kind="stable")
    return answers.take(np.lexsort((rank, seq.to_numpy(), start.array.asi8)))


def _chases(h: pd.DataFrame, window: pd.Timedelta) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Each request's chases (later hand-offs from the same sender to the same
    recipient, within the answer window, that say no answer came) and so when its
    inferred answer may begin: after the last chase, else when it was sent. The
    recipient's records before the sender says "still no response" answered something
    else. Returns (answer from, chase ids "; "-joined, whether the row chases an
    earlier hand-off)."""
    start, chased_by = h["sent"].copy(), pd.Series("", index=h.index, dtype=object)
    chasing = pd.Series(False, index=h.index)
    chases = h.loc[h["chase"].eq("no_answer"), ["case_id", "sender", "recipient", "sent",
                                                 "event_id"]]
    if chases.empty:
        return start, chased_by, chasing
    pairs = (h.loc[h["needs_answer"], ["case_id", "sender", "recipient", "sent"]].reset_index()
             .merge(chases.rename(columns={"sent": "chased", "event_id": "chase_id"})
                    .reset_index(names="chase_row"), on=["case_id", "sender", "recipient"]))
    pairs = pairs.loc[(pairs["chased"] > pairs["sent"]) & (pairs["chased"] <= pairs["sent"] + window)]
    by = pairs.groupby("index")
    last = by["chased"].max()
    start.loc[last.index] = last
    ids = by["chase_id"].agg(lambda s: "; ".join(dict.fromkeys(s)))
    chased_by.loc[ids.index] = ids
    chasing.loc[pairs["chase_row"].unique()] = True
    return start, chased_by, chasing


def _by_generic_name(ev: pd.DataFrame, h: pd.DataFrame) -> pd.DataFrame:
    """Each event once more under its sector's generic name ("Children's Social Care"),
    in the cases where a hand-off went to that name while no row is recorded under it:
    "referral to CSC" is answered by the front door or the locality team, whichever
    records first."""
    columns = ["case_id", "id", "seq", "agency", "kind", "start", "precision", "refers_to"]
    if "sector" not in ev.columns or h.empty:
        return ev.loc[[], columns]
    generic = load_aliases().sector_agencies  # sector -> its usual agency's generic name
    wanted = (h.loc[h["recipient"].isin(list(generic.values())), ["case_id", "recipient"]]
              .astype(object).drop_duplicates().rename(columns={"recipient": "agency"}))
    if wanted.empty:
        return ev.loc[[], columns]
    recorded = {name: set(ev.loc[ev["agency"].eq(name).to_numpy(), "case_id"].unique())
                for name in wanted["agency"].unique()}   # the cases that record each name
    wanted = wanted.loc[[case not in recorded[name] for case, name in
                         zip(wanted["case_id"], wanted["agency"], strict=True)]]
    if wanted.empty:
        return ev.loc[[], columns]
    rows = ev.loc[ev["start"].notna() & ev["sector"].isin(list(generic)), columns + ["sector"]]
    rows = rows.assign(case_id=rows["case_id"].astype(object),
                       agency=rows["sector"].map(generic).astype(object)).drop(columns="sector")
    found = rows.merge(wanted, on=["case_id", "agency"])
    return found.astype({"case_id": ev["case_id"].dtype, "agency": ev["agency"].dtype})


#: a row that writes the recipient's answer: "MASH confirmed receipt of the referral",
#: "Call from SW7 acknowledging the referral", "SW rang back", "CAMHS acknowledgement
#: received" (RE2 and Python alike)
_ANSWERED = (r"(?i)(?:^|[.;!?\n]\s*|\b(?:and|then)\s+)(?P<who>(?:[\w&'/()-]+\s+){0,3}?[\w&'/()-]+)"
             r"\s+(?:confirmed\s+receipt|acknowledged|responded|replied|called\s+back|rang\s+back|"
             r"phoned\s+back|(?:acknowledge?ment|reply|response)\s+(?:received|rec'?d))\b|\b(?:call|reply|response|acknowledge?ment|ack|feedback)\s+from\s+"
             r"(?P<from>[^.;:!?\n|]{1,60})")
_NOT_ANSWERED = re.compile(r"\b(?:no|not|never|nor|without|awaiting|await|still|chas\w*)\b",
                           re.IGNORECASE)


def _answered_in_text(ev: pd.DataFrame, h: pd.DataFrame) -> pd.DataFrame:
    """Each row that writes an agency's answer, once more as that agency's event: the
    sender's record of the answer it got ("MASH confirmed receipt of ED referral")
    answers its hand-off to that agency. "No response from CSC" answers nothing."""
    columns = ["case_id", "id", "seq", "agency", "kind", "start", "precision", "refers_to"]
    said = [c for c in ("summary", "details") if c in ev.columns]
    kept = ev["start"].notna().to_numpy() & ev["case_id"].isin(h["case_id"].unique()).to_numpy()
    if not said or not kept.any():
        return ev.loc[[], columns]
    text = pc.binary_join_element_wise(*(large_text(ev[c]) for c in said),
                                       pa.scalar("\n", pa.large_string()))
    at = np.flatnonzero(kept & matches(text, _ANSWERED))   # the few rows that say so
    if not len(at):
        return ev.loc[[], columns]
    aliases = load_aliases()
    wants: list[tuple[int, str]] = []   # (hit, agency named as answering)
    for j, written in enumerate(text.take(pa.array(at)).to_pylist()):
        for m in re.finditer(_ANSWERED, written):
            before = written[max(0, m.start() - 40):m.start()]
            who = m.group("who") or m.group("from")
            if not _NOT_ANSWERED.search(before.split(".")[-1] + " " + who):
                wants.extend((j, named) for named in aliases.find_in_text(who))
    # a generic name ("Children's Social Care") is every agency of its sector in the case
    sector_of = {name: sector for sector, name in aliases.sector_agencies.items()}
    case = ev["case_id"].iloc[at].to_numpy(dtype=object)
    own = ev["agency"].iloc[at].to_numpy(dtype=object)
    of_sector = _sector_agencies(ev, {case[j] for j, _ in wants},
                                 {sector_of.get(named, "") for _, named in wants})
    rows: list[int] = []
    agencies: list[str] = []
    for j, named in wants:
        kin = of_sector.get((str(case[j]), sector_of.get(named, "")), [])
        for agency in dict.fromkeys([named, *kin]):
            if agency != own[j]:
                rows.append(at[j])
                agencies.append(agency)
    if not rows:
        return ev.loc[[], columns]
    found = ev.iloc[rows, ev.columns.get_indexer(columns)]  # (ev's own dtypes)
    return found.assign(agency=pd.Series(agencies, index=found.index))


def _sector_agencies(ev: pd.DataFrame, cases: set[object], sectors: set[str]
                     ) -> dict[tuple[str, str], list[str]]:
    """(case, sector) -> the case's agencies of that sector, in order of first record,
    for the cases and sectors asked about only."""
    if "sector" not in ev.columns or not cases:
        return {}
    rows = ev.loc[ev["case_id"].isin(list(cases)).to_numpy()
                  & ev["sector"].isin(list(sectors)).to_numpy(), ["case_id", "sector", "agency"]]
    out: dict[tuple[str, str], list[str]] = {}
    for case, sector, agency in rows.drop_duplicates().astype(str).itertuples(index=False):
        out.setdefault((case, sector), []).append(agency)  # (few: distinct rows of a few cases)
    return out


#: a sentence that only tells its agencies ("School DSL notified 17/02/2025", "CSC informed",
#: "Shared with SW and GP 14/03")
_TOLD = re.compile(r"\b(?:informed|notified|updated|made\s+aware|copied(?:\s+in)?|cc'?d|"
                   r"shared\s+with)\b", re.IGNORECASE)
#: a sentence that refers to its agencies ("Safeguarding referral to Anyshire MASH")
_REFERS = re.compile(r"\brefer(?:s|red|ring|ral)?\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_PPN = re.compile(r"\bppns?\b", re.IGNORECASE)


def _only_told(h: pd.DataFrame, ev: pd.DataFrame) -> np.ndarray:
    """Requests whose recipient the row only tells: a row that asks for something ("Insp
    requested strategy discussion", "Safeguarding referral to Anyshire MASH") and names
    this recipient only in a sentence that tells it and asks nothing ("School DSL notified
    17/02/2025", "GP and school nurse informed by email", a police protection notice:
    "PPN. RHI request to Harbour") asks it nothing. A referral or notice that asks no one
    in its words ("Notified CSC of the episode") still needs its answer."""
    out = np.zeros(len(h), dtype=bool)
    ask = h["needs_answer"].to_numpy()
    request = h["asks"].eq("request").to_numpy()
    said = [c for c in ("summary", "details", "action", "outcome") if c in ev.columns]
    if not ask.any() or not said:
        return out
    ids = h["event_id"].to_numpy(dtype=object)
    rows = ev.drop_duplicates("id")
    rows = rows.loc[rows["id"].isin(pd.unique(ids[ask])).to_numpy(), ["id", *said]]
    cells = [rows[c].to_numpy(dtype=object) for c in said]
    texts = {key: "\n".join(str(col[j] or "") for col in cells)
             for j, key in enumerate(rows["id"].to_numpy(dtype=object))}
    aliases = load_aliases()
    read: dict[object, tuple[set[str], set[str]]] = {}  # event id -> (asked, told)
    recipients = h["recipient"].to_numpy(dtype=object)
    for i in np.flatnonzero(ask):   # a loop over the few requests, each event's words read once
        key = ids[i]
        if key not in read:
            read[key] = _asked_told(texts[key], aliases)
        asked, told = read[key]
        out[i] = (request[i] or bool(asked)) and recipients[i] in told - asked
    return out


def _asked_told(text: str, aliases: AliasTable) -> tuple[set[str], set[str]]:
    """The agencies a row's words ask something of, and those they only tell."""
    asked: set[str] = set()
    told: set[str] = set()
    for sentence in _SENTENCE.split(text):
        if asks_for_answer(sentence) or _REFERS.search(sentence):
            asked.update(aliases.find_in_text(sentence))
        elif _TOLD.search(sentence):
            told.update(aliases.find_in_text(sentence))
        elif _PPN.search(sentence):     # "PPN.": a notice to social care, asking nothing
            told.add(aliases.sector_agencies["social-care"])
    return asked, told


def _attended(ev: pd.DataFrame) -> pd.DataFrame:
    """Each meeting once more for every recorded attendee, as that attendee's event."""
    if "attendees" not in ev.columns:
        return ev.loc[[], ["case_id", "id", "seq", "agency", "kind", "start", "precision",
                           "refers_to"]]
    meetings = ev.loc[ev["attendees"].ne("") & ev["start"].notna(),  # meetings, joint rows
                      ["case_id", "id", "seq", "agency", "kind", "start", "precision",
                       "refers_to", "attendees"]]
    if meetings.empty:
        return meetings.drop(columns="attendees")
    split = split_names(meetings, "attendees", meetings["attendees"].dtype)
    if split:
        rows = split[0].assign(attendee=split[1])
    else:
        rows = meetings.assign(attendee=meetings["attendees"].str.split("; ")).explode("attendee")
    rows = rows.loc[rows["attendee"].ne(rows["agency"]) & rows["attendee"].ne("")]
    return rows.drop(columns=["agency", "attendees"]).rename(columns={"attendee": "agency"})
