"""Rules on the child's voice: what the child said, and how the child is described.

Patterns ``child-voice-not-acted-on`` and ``victim-blaming-language``
(definitions in ``docs/patterns.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.analysis.analyse import Analysis
from workbench.analysis.rules import rule
from workbench.analysis.rules._common import (
    answered_within,
    chronology_end,
    dated,
    day_text,
    hedge,
    id_lists,
    imprecision,
    kind_label,
    none,
    raw_flags,
)
from workbench.analysis.rules.phrases import TEXT_FIELDS, matched
from workbench.io.facts import practitioner_words
from workbench.kinds import PROTECTIVE_KINDS

__all__ = ["child_voice_not_acted_on", "victim_blaming_language"]

#: hand-offs that pass on only what their sender knew
_NOTICES = ("notification", "information_shared")


@rule("wb.child-voice-not-acted-on", pattern="child-voice-not-acted-on",
      title="The child's disclosure not acted on", severity="high",
      settings=("share_working_days", "bank_holidays"))
def child_voice_not_acted_on(analysis: Analysis) -> pd.DataFrame:
    """A disclosure with no protective action by any agency within the working days.

    A disclosure is a ``disclosure`` event or the child's disclosure written in any
    other record (a return interview, a found report, a school log).
    """
    ev = analysis.timed
    days = int(analysis.settings["share_working_days"])
    told = dated(ev, ev["child_voice"].eq("disclosure"))
    # passing it on is acting on it: a hand-off to an agency (the record of the disclosure
    # itself, when it says who it was shared with) counts like an information share. A
    # notice (a notification or information share) passes on what its sender knew, so
    # counts only from the agency the child told: the police's notice of the next episode
    # does not act on a disclosure made to the return interview service
    shared = ev["recipients"].fillna("").str.replace(r"(?:^|;\s*)Family(?=;|$)", "", regex=True)
    passes_on = ev["kind"].isin(PROTECTIVE_KINDS) | shared.str.strip("; ").ne("")
    anyone = passes_on & ~ev["kind"].isin(_NOTICES)
    told = told.assign(_told=told["agency"])
    acts = pd.concat([
        dated(ev, passes_on & ~anyone).assign(_told=lambda d: d["agency"]),
        dated(ev, anyone).merge(told[["case_id", "_told"]].drop_duplicates(), on="case_id"),
    ], ignore_index=True)
    res = answered_within(told, acts, by=["case_id", "_told"], amount=days,
                          unit="working days", ends=chronology_end(analysis),
                          calendar=analysis.calendar)
    f = res.loc[res["verdict"].ne("")]
    if f.empty:
        return none()
    date = day_text(f["lo"], f["last"], f["precision"])
    first = day_text(f["b_lo"].fillna(f["lo"]), f["b_last"].fillna(f["last"]),
                     f["b_precision"].fillna("day"))
    late = np.where(f["b_id"].ne(""), " (the first, " + kind_label(f["b_kind"].fillna(""))
                    + " by " + f["b_agency"].fillna("") + ", came on " + first + ")", "")
    text = ("The child's disclosure to " + f["agency"] + " on " + date
            + " was followed by no protective action by any agency within " + str(days)
            + " working days" + late + ".")
    notes = imprecision([("disclosure", f["precision"], date),
                         ("action", f["b_precision"].fillna(""), first)])
    return raw_flags(f["case_id"], f["lo"], id_lists(f["id"], f["b_id"]),
                     hedge(text, f["verdict"], notes, f"{days} working days"),
                     certainty=f["verdict"])


@rule("wb.victim-blaming-language", pattern="victim-blaming-language",
      title="Victim-blaming language in a record", severity="medium",
      settings=("victim_blaming_phrases",))
def victim_blaming_language(analysis: Analysis) -> pd.DataFrame:
    """A record describing the child with a phrase of the profile's list, in the
    practitioner's own words (never inside the child's quoted words)."""
    ev = analysis.events
    phrases = analysis.settings["victim_blaming_phrases"]
    phrase = matched(ev.loc[:, list(TEXT_FIELDS)], phrases)
    hit = phrase.ne("").to_numpy()
    if hit.any():  # the child's quoted words are the child's, not a label: read again without
        text = ev.loc[hit, list(TEXT_FIELDS)].astype(object)
        for column in TEXT_FIELDS:
            text[column] = text[column].map(practitioner_words)
        phrase.loc[hit] = matched(text, phrases).to_numpy()
    hit = phrase.ne("").to_numpy()
    f = ev.loc[hit, ["case_id", "id", "agency", "start", "end", "precision"]].assign(
        phrase=phrase.to_numpy()[hit])
    if f.empty:
        return none()
    last = f["end"] - pd.Timedelta(minutes=1)
    date = pd.Series(np.where(f["start"].notna(), "of " + day_text(f["start"], last,
                                                                    f["precision"]),
                              "(undated)"), index=f.index)
    text = (f["agency"] + "'s record " + date + ' describes the child with "' + f["phrase"]
            + '", language that holds the child responsible for the harm.')
    return raw_flags(f["case_id"], f["start"], id_lists(f["id"]), text)
