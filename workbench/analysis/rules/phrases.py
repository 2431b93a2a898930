"""Phrases in the events' free text: one regex for a list of phrases, the text of each
event, and the first phrase each event says without denying it.

>>> import pandas as pd
>>> ev = pd.DataFrame({"summary": ["No exploitation info held", "CSE concerns"],
...                    "details": ["", ""], "action": ["", ""], "outcome": ["", ""]})
>>> matched(ev, ["exploitation", r"\\bcse\\b"]).tolist()
['', 'CSE']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["TEXT_FIELDS", "matched", "phrase_regex", "text_of"]

TEXT_FIELDS = ("summary", "details", "action", "outcome")


def phrase_regex(phrases: Iterable[str], *, capture: bool = True) -> str:
    """One case-insensitive regex matching any of the phrases (as one group)."""
    body = "|".join(f"(?:{p})" for p in phrases)
    if not body:
        return "(x)^" if capture else "x^"
    return rf"(?i)\b({body})" if capture else rf"(?i)\b(?:{body})"


def text_of(ev: pd.DataFrame) -> pd.Series:
    """The free text of each event (summary, details, action, outcome)."""
    text = ev[TEXT_FIELDS[0]].fillna("")
    for column in TEXT_FIELDS[1:]:
        text = text + " | " + ev[column].fillna("")
    return text


def matched(ev: pd.DataFrame, phrases: Iterable[str]) -> pd.Series:
    """The first phrase of ``phrases`` each event's text contains (as written), else ``""``."""
    out = pd.Series("", index=ev.index, dtype=object)
    if ev.empty:
        return out
    test = phrase_regex(phrases, capture=False)
    joined = _arrow_text(ev)
    try:  # Arrow's RE2 finds the few events that match quickly ...
        if joined is None:
            raise ValueError("text Arrow cannot hold")
        hit = pc.match_substring_regex(joined, test).to_numpy(zero_copy_only=False)
        texts = pd.Series(joined.filter(hit).to_pylist(), index=ev.index[hit], dtype=object)
    except Exception:  # ... unless a local phrase uses syntax RE2 lacks
        text = text_of(ev)
        try:
            hit = text.astype("str").str.contains(test, regex=True).to_numpy(dtype=bool)
        except Exception:
            hit = text.astype(object).str.contains(test, regex=True).to_numpy(dtype=bool)
        texts = text[hit].astype(object)
    if hit.any():  # ... and Python's re says which phrase, passing over denied ones
        found = re.compile(phrase_regex(phrases))
        out[hit] = [_affirmed(found, t) for t in texts]
    return out


#: a phrase right after one of these, in the same clause, is denied ("no exploitation info
#: held", "no evidence of CSE", "not at risk of CSE"): it names no concern
_NEGATED = re.compile(r"\b(?:no|not|nor|never|without|denie[sd]|ruled out)\b(?:\s+[\w'-]+){0,3}"
                      r"\s+$", re.IGNORECASE)


def _affirmed(found: re.Pattern[str], text: str) -> str:
    """The first phrase ``found`` matches in ``text`` that no word before it denies."""
    for m in found.finditer(text):
        if not _NEGATED.search(text, max(0, m.start() - 40), m.start()):
            return m.group(1)
    return ""


def _arrow_text(ev: pd.DataFrame) -> pa.Array | None:
    """:func:`text_of` as one Arrow array, joined in C (None where a cell is not text)."""
    parts = []
    try:
        for column in TEXT_FIELDS:
            values = ev[column]
            if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
                part = pa.array(values.array)
            else:
                part = pa.array(values.to_numpy(dtype=object), type=pa.large_string(),
                                from_pandas=True)
            parts.append(part.cast(pa.large_string()))
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    return pc.binary_join_element_wise(*parts, pa.scalar(" | ", pa.large_string()),
                                       null_handling="replace", null_replacement="")
