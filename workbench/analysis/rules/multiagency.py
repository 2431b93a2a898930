"""Rules on what other agencies knew: risk grading and meeting attendance.

Patterns ``risk-disagreement`` and ``meeting-missing-agency`` (definitions in
``docs/patterns.md``).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from workbench.agencies import load_aliases, name_key
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
from workbench.analysis.rules.phrases import text_of
from workbench.kinds import MEETING_KINDS, denied

__all__ = ["meeting_missing_agency", "risk_disagreement"]

_GRADE_WORDS = {"absent": "as absent (no apparent risk)", "low": "as low"}


@rule("wb.risk-disagreement", pattern="risk-disagreement",
      title="Risk graded low while another agency held concerns", severity="high",
      settings=("concern_lookback_days", "concern_phrases"))
def risk_disagreement(analysis: Analysis) -> pd.DataFrame:
    """A police grading of absent or low after another agency recorded a concern, or
    on a report whose own record shows another agency's plan or the police's warning
    markers with a concern ("Warning Markers: CP PLAN; CSE RISK").

    Police is any agency of the police sector (a force by its own name); the concern
    is another sector's (not the family's). A grading the report says was agreed with
    another agency ("discussed with EDT SW, who agrees LOW") is no disagreement.
    """
    ev, s = analysis.timed, analysis.settings
    days = int(s["concern_lookback_days"])
    police = is_police(ev)
    low = police & ev["risk_grade"].isin(("absent", "low"))
    text = text_of(ev.loc[low])
    agreed = pd.Series(False, index=ev.index)
    agreed.loc[text.index] = text.map(_agreed_with_another).astype(bool)
    grades = dated(ev, low & ~agreed, columns=("risk_grade",))
    if grades.empty:
        return none()
    what = concern_of(analysis)
    own = _own_record_concerns(ev, low & ~agreed, what, text)
    pool = dated(ev, ~police & ev["agency"].ne("") & ev["sector"].ne("family") & what.ne(""))
    pool = pool.assign(what=what.loc[pool.index])[["case_id", "id", "seq", "agency", "lo",
                                                   "last", "precision", "what", "case_id_code"]]
    res = latest_before(grades, pool, by="case_id", amount=days, unit="days")
    f = res.loc[res["verdict"].ne("")]
    mine = own.loc[~own["id"].isin(f["id"])]
    if f.empty and mine.empty:
        return none()
    date = day_text(f["lo"], f["last"], f["precision"])
    before = day_text(f["b_lo"], f["b_last"], f["b_precision"])
    said = (f["agency"] + " graded the risk " + f["risk_grade"].map(_GRADE_WORDS) + " on " + date
            + " although " + f["b_agency"] + " had recorded a concern (" + f["b_what"] + ") on "
            + before + ", within the " + str(days) + "-day look-back.")
    notes = imprecision([("grading", f["precision"], date), ("concern", f["b_precision"], before)])
    flags = [raw_flags(f["case_id"], f["lo"], id_lists(f["id"], f["b_id"]),
                       hedge(said, f["verdict"], notes, f"{days}-day look-back"),
                       certainty=f["verdict"])]
    if not mine.empty:
        said = (mine["agency"] + " graded the risk " + mine["risk_grade"].map(_GRADE_WORDS)
                + " on " + day_text(mine["lo"], mine["last"], mine["precision"])
                + " although its own record of the report shows a concern (" + mine["what"]
                + ") held with another agency (\u201c" + mine["held"] + "\u201d).")
        flags.append(raw_flags(mine["case_id"], mine["lo"], id_lists(mine["id"]), said))
    return pd.concat([f for f in flags if not f.empty], ignore_index=True)


#: words on a police record that show a concern is held with another agency: another
#: agency's plan, the police's own warning markers, a child open to a service
_HELD = re.compile(r"\b(?:cp|child protection|cin|child in need|care|safety|cse|cce|exploitation)"
                   r" plan\b|\bwarning markers?\b|\bmarkers? (?:for|of)\b|\bsubject to\b"
                   r"|\bopen to\b", re.I)
_AGREE = re.compile(r"\bagree(?:d|s|ment)?\b|\bin consultation with\b", re.I)
_SENTENCE = re.compile(r"(?<=[.;!?|])\s+|\n+")


def _agreed_with_another(text: str) -> bool:
    """Whether a sentence of ``text`` says the grading was agreed with an agency other
    than the police ("agreed with CSC", "EDT SW ... who agrees LOW")."""
    table = load_aliases()
    for sentence in _SENTENCE.split(text):
        if _AGREE.search(sentence) and any(
                table.sector(name) not in ("police", "family", "other")
                for name in table.find_in_text(sentence)):
            return True
    return False


def _own_record_concerns(ev: pd.DataFrame, mask: pd.Series, what: pd.Series,
                         text: pd.Series) -> pd.DataFrame:
    """The gradings in ``mask`` whose own row holds a concern and words that show it is
    held with another agency, with the concern (``what``) and those words (``held``)."""
    rows = dated(ev, mask & what.ne(""), columns=("risk_grade",))
    if rows.empty:
        return rows.assign(what="", held="")
    texts = text.reindex(rows.index).fillna("")
    held = texts.map(lambda t: m.group(0) if (m := _HELD.search(t)) else "")
    rows = rows.assign(what=what.loc[rows.index], held=held)
    said = pd.Series([_affirmed(t, w.strip('"')) for t, w in zip(texts, rows["what"], strict=True)],
                     index=rows.index, dtype=bool)
    return rows.loc[rows["held"].ne("") & said]


def _affirmed(text: str, phrase: str) -> bool:
    """Whether ``phrase`` is written in ``text`` at least once without a denial just
    before it ("No CSE concerns" denies; "CP PLAN; CSE RISK" affirms)."""
    if phrase.startswith("a high"):
        return True
    at = [m.start() for m in re.finditer(re.escape(phrase), text, re.I)]
    return any(not denied(text, i) for i in at)


def attended(attendees: str, agency: str, sector: str) -> bool:
    """Whether a meeting's attendees, as written, include ``agency`` (of ``sector``).

    Attendees are written as people write them: an agency by its usual name
    (``Police`` for a force of any name), by a person of it (``Westmoor High DSL``)
    or with a qualifier (``Harbour Project RHI worker``). An attendee is the agency
    when it is its name, when one name holds the other (unless the attendee is
    another known agency: ``School Nursing`` is not ``School``), or when the
    attendee's words say the agency's sector (a sector other than ``other``).

    >>> attended("Police CSE desk; Children's Social Care", "Anyshire Constabulary", "police")
    True
    >>> attended("Harbour Project RHI worker", "Harbour Project", "third-sector")
    True
    >>> attended("Police; Children's Social Care", "Westmoor High School", "education")
    False
    >>> attended("Children's Social Care; School Nursing", "School", "education")
    False
    """
    table = load_aliases()
    mine = name_key(agency)
    if sector in ("", "other"):  # a sector the import did not record: read from the name
        sector = table.resolve(agency).sector
    for written in attendees.split(";"):
        key = name_key(written)
        if not key:
            continue
        resolved = table.resolve(written.strip())
        if key == mine or resolved.name == agency or (not resolved.known and (
                f" {mine} " in f" {key} " or f" {key} " in f" {mine} ")):
            return True
        got = resolved.sector if resolved.sector != "other" else table.infer_sector(written)[0]
        if sector != "other" and got == sector:
            return True
    return False


def _own_record(ev: pd.DataFrame, cross: pd.DataFrame) -> np.ndarray:
    """Whether agency ``absent`` of each row of ``cross`` recorded a meeting itself on
    the row's local day (``lo_day``): the agency's own record of a meeting on the day
    shows it was there."""
    rows = ev.loc[ev["kind"].isin(MEETING_KINDS) & ev["lo"].notna()]
    own = pd.MultiIndex.from_arrays([rows["case_id"], rows["agency"], rows["lo_day"]])
    return pd.MultiIndex.from_arrays([cross["case_id"], cross["absent"],
                                      cross["lo_day"]]).isin(own)


#: a sentence of a meeting's record saying an agency's written contribution reached it
#: ("GP report tabled", "written update from school received")
_REPORTED = re.compile(r"\b(?:report|update|submission|contribution)s?\b[^.;]*?\b(?:tabled|"
                       r"received|sent|provided|shared|submitted|considered|read)\b"
                       r"|\b(?:sent|provided|submitted|e-?mailed)\b[^.;]*?\b(?:report|update|"
                       r"submission|contribution)s?\b", re.IGNORECASE)
#: ... that carried nothing ("report says no new concerns")
_NOTHING = re.compile(r"\bno (?:new |further )?(?:concerns?|issues|information)\b", re.IGNORECASE)


def _reported(ev: pd.DataFrame, cross: pd.DataFrame, sectors: np.ndarray) -> np.ndarray:
    """Whether each absent agency of ``cross`` sent the meeting a written contribution
    that its record names ("Present: SW 1, Police. GP report tabled (Dr 2 unable to
    attend)"): its information was at the meeting."""
    out = np.zeros(len(cross), dtype=bool)
    rows = np.unique(cross["meeting"].to_numpy())  # the meetings' _row: place in ``timed``
    text = text_of(ev.iloc[rows]).set_axis(rows)
    if not any(_REPORTED.search(t) for t in text):
        return out
    aliases = load_aliases()
    senders: dict[object, tuple[str, str]] = {}  # agencies named, and the sentences' words
    for index, t in text.items():
        said = [sentence for sentence in _SENTENCE.split(t)
                if _REPORTED.search(sentence) and not _NOTHING.search(sentence)]
        found = [n for sentence in said for n in aliases.find_in_text(sentence)]
        senders[index] = "; ".join(dict.fromkeys(found)), f" {name_key(' '.join(said))} "
    for i, (index, absent, sector) in enumerate(zip(cross["meeting"], cross["absent"],
                                                   sectors, strict=True)):
        named, words = senders.get(index, ("", ""))
        out[i] = (bool(named) and attended(named, absent, sector)) \
            or f" {name_key(absent)} " in words  # "Harbour Project sent written update"
    return out


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
    # (case, agency) pairs by their codes (Analysis.codes): no names hashed
    sectors = ev.loc[active, ["case_id", "agency", "sector", "case_id_code", "agency_code"]
                     ].drop_duplicates(["case_id_code", "agency_code"])
    agencies = sectors[["case_id_code", "agency", "agency_code"]].rename(
        columns={"agency": "absent", "agency_code": "absent_code"})
    cross = meetings.rename(columns={"_row": "meeting"}).merge(agencies, on="case_id_code")
    present = meetings[["_row", "attendees"]].assign(
        absent=meetings["attendees"].str.split(r"\s*;\s*", regex=True)).explode("absent")
    here = pd.MultiIndex.from_arrays([cross["meeting"], cross["absent"]]).isin(
        pd.MultiIndex.from_arrays([present["_row"], present["absent"]]))
    cross = cross.loc[~here & cross["absent"].ne(cross["agency"]).to_numpy()]
    if not cross.empty:
        where = pd.Index(_pair(sectors["case_id_code"], sectors["agency_code"])).get_indexer(
            _pair(cross["case_id_code"], cross["absent_code"]))
        absent_sector = np.where(where >= 0, sectors["sector"].to_numpy(dtype=object)[where],
                                 "other")
        # the same attendees, agency and sector recur across meetings and cases: each
        # distinct triple is read once
        memo: dict[tuple[str, str, str], bool] = {}
        named = np.array([memo[k] if k in memo else memo.setdefault(k, attended(*k)) for k in
                          zip(cross["attendees"], cross["absent"], absent_sector, strict=True)],
                         dtype=bool)
        cross = cross.loc[~named & ~_own_record(ev, cross) & ~_reported(ev, cross,
                                                                         absent_sector)]
    if cross.empty:
        return none()
    cross = cross.assign(_row=np.arange(len(cross)))
    earlier = dated(ev, active)[["case_id", "id", "seq", "agency", "kind", "lo", "last",
                                 "precision", "case_id_code", "agency_code"]].rename(
        columns={"agency": "absent", "agency_code": "absent_code"})
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


def _pair(case: pd.Series, agency: pd.Series) -> np.ndarray:
    """(case, agency) codes (``Analysis.codes``) as one int64 each."""
    return (case.to_numpy(dtype=np.int64) + 1) * np.int64(1 << 32) + agency.to_numpy(dtype=np.int64)
