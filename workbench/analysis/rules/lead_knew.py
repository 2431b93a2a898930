"""What a record itself says the lead agency already knew, so that keeping it was no gap.

``information-not-shared`` asks whether a concern an agency recorded reached the agency
leading the case. Two kinds of record answer that from their own words:

- the lead told the recorder (``"SW6 reported messages on her phone"``, recorded by the
  police when social care leads): :func:`told_by_lead`;
- a concern the record holds as the lead's (a police report's standing ``Warning
  Markers: CP PLAN; CSE RISK``, ``"open s47 enquiry (CSE concerns) with Westby CSC"``,
  ``"info from MASH re suspected county lines"``): the record names the lead's sector or
  one of the lead's own child-protection processes. :func:`names_lead`. A disclosure, an
  exclusion or a note of what was withheld is news whatever the record names.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from workbench.agencies import load_aliases
from workbench.io.rows import informed_by

__all__ = ["names_lead", "told_by_lead"]

#: social care's own processes: a record that names one holds the concern as social care's
_PROCESS = {"social-care": re.compile(
    r"\b(?:s\.? ?47|section 47|strategy (?:meeting|discussion)|strategy held|child protection "
    r"(?:plan|conference)|cp (?:plan|conference)|child in need plan|cin plan|core group)\b",
    re.IGNORECASE)}


def _sector(lead: str, sectors: dict[str, str]) -> str:
    return sectors.get(lead) or load_aliases().sector(lead)


def told_by_lead(rows: pd.DataFrame, sectors: dict[str, str]) -> np.ndarray:
    """Whether each row's text says its information came from its recipient's sector
    ("SW6 reported messages on her phone" recorded by the police, the lead being CSC).

    ``rows`` has ``summary``, ``details``, ``sender`` and ``recipient``; ``sectors`` maps
    the case's agency names to their sectors."""
    if rows.empty:
        return np.zeros(0, dtype=bool)
    aliases = load_aliases()
    # the recorder naming itself ("the YJS worker reported") is no informant
    told = [{aliases.sector(name) for name in informed_by(f"{s}\n{d}", aliases)
             if name != sender and name != aliases.normalise(sender)}
            for s, d, sender in zip(rows["summary"], rows["details"], rows["sender"], strict=True)]
    return np.array([_sector(lead, sectors) in named
                     for lead, named in zip(rows["recipient"], told, strict=True)], dtype=bool)


def names_lead(rows: pd.DataFrame, sectors: dict[str, str]) -> np.ndarray:
    """Whether each row is only a concern (no disclosure, exclusion or withheld note) that
    its text holds as the recipient's: it names the recipient, an agency of its sector
    ("Westby CSC", "MASH") or one of its processes ("s47", "CP plan").

    ``rows`` also has ``child_voice``, ``kind`` and ``withheld``.

    >>> rows = pd.DataFrame({"summary": ["Warning markers: CP PLAN; CSE RISK",
    ...                                  "Found with older males", "Seen with older males"],
    ...                      "details": ["", "", "Open s47 enquiry with CSC"],
    ...                      "recipient": ["Children's Social Care"] * 3,
    ...                      "child_voice": ["", "", "disclosure"], "kind": [""] * 3,
    ...                      "withheld": [""] * 3})
    >>> names_lead(rows, {}).tolist()
    [True, False, False]
    """
    if rows.empty:
        return np.zeros(0, dtype=bool)
    aliases = load_aliases()
    only = (rows["child_voice"].ne("disclosure") & rows["kind"].ne("exclusion")
            & rows["withheld"].eq("")).to_numpy()
    named = []
    for text, lead, concern in zip(rows["summary"] + "\n" + rows["details"], rows["recipient"],
                                   only, strict=True):
        sector = _sector(lead, sectors)
        process = _PROCESS.get(sector)
        named.append(bool(concern) and (
            lead in text or (process is not None and process.search(text) is not None)
            or sector in {aliases.sector(n) for n in aliases.find_in_text(text)}))
    return np.array(named, dtype=bool)
