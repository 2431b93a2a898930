"""A record's own word that what it held was not passed on: the ``withheld`` fact.

Published reviews and agency returns say it in a few ways: the ones not told after the
phrase ("Not reported to SW1 or to police", "No contact with Wexholme or SW1"), before it
("SW not informed", "the DSL was not told"), or nobody named ("Not shared - will go in
monthly return"). Words that name someone count only when they name an agency, a
service or a post: "no contact with Adult Male 1" is a bail condition, "Mother not told"
is the family. A sentence that says there was nothing to pass on, or no need, withholds
nothing. The phrases are data (``withheld`` in ``workbench/data/facts.yaml``).

>>> withheld("Staff find cash and two phones. Not reported to SW1 or to police.")
'Not reported to SW1 or to police'
>>> withheld("LA exclusions team told via SIMS. SW not informed"), withheld("Mother not told")
('SW not informed', None)
>>> withheld("Bail conditions: no contact with Child C"), withheld("Not shared - monthly return")
(None, 'Not shared')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from workbench.agencies import load_aliases
from workbench.io.fact_words import any_of, sentences, trim, vocabulary

__all__ = ["withheld"]

# where the ones named after a phrase end: a sentence's end, or what it was about
_NAMED_END = re.compile(r"[.;!?()\n]|\s(?:about|until|till|as|because|regarding|re|at|on|"
                        r"that|when|so|but|and then)\b", re.I)
_NAMED_BEFORE = re.compile(r"(?:[\w'&/-]+\s+){1,5}$")
_CLAUSE = re.compile(r"[.;:,!?()\n]|\b(?:who|which|and|but|that)\b", re.I)


@dataclass(frozen=True)
class _Phrases:
    after: re.Pattern[str]
    before: re.Pattern[str]
    bare: re.Pattern[str]
    anyone: re.Pattern[str]
    unless: re.Pattern[str]


@cache
def _phrases() -> _Phrases:
    w = vocabulary()["withheld"]
    return _Phrases(after=re.compile(rf"\b{any_of(w['naming_after'])}\s+", re.I),
                    before=re.compile(rf"\b{any_of(w['naming_before'])}\b", re.I),
                    bare=re.compile(rf"\b{any_of(w['bare'])}\b", re.I),
                    anyone=re.compile(rf"\b{any_of(w['anyone'])}\b", re.I),
                    unless=re.compile(rf"\b{any_of(w['unless'])}\b", re.I))


def _names_someone(words: str) -> bool:
    """Whether ``words`` name an agency, a service or a post (not a person or a place)."""
    if _phrases().anyone.search(words):
        return True
    aliases = load_aliases()
    sectors = {aliases.sector(name) for name in aliases.find_in_text(words)}
    sectors.add(aliases.infer_sector(words)[0])
    return bool(sectors - {"other", "family"})


def _in_sentence(sentence: str) -> str | None:
    p = _phrases()
    if p.unless.search(sentence):
        return None
    for m in p.after.finditer(sentence):
        rest = sentence[m.end():]
        named = rest[:(end.start() if (end := _NAMED_END.search(rest)) else len(rest))][:80]
        if _names_someone(named):
            return trim(m.group(0) + named)
    for m in p.before.finditer(sentence):
        head = _CLAUSE.split(sentence[:m.start()])[-1]
        before = _NAMED_BEFORE.search(head.rstrip() + " ")
        if before and _names_someone(before.group(0)):
            return trim(before.group(0) + m.group(0))
    bare = p.bare.search(sentence)
    return trim(bare.group(0)) if bare else None


def withheld(text: str) -> str | None:
    """The words of ``text``'s first sentence saying what the record held was not passed
    on, or None."""
    return next((w for _, s in sentences(text) if (w := _in_sentence(s))), None)
