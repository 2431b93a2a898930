"""Labels for identifiers: one spelling per value, one label per spelling.

A value keeps its label across every file of a run: from the key table (names),
numbered per type ("[NHS number 1]"), or keyed with HMAC-SHA-256 ("[person
kxbqtrmzpl]"). Used by :func:`workbench.privacy.pseudonymise`.

Examples
--------
>>> normalise("UK_NHS", "943 476 5919") == normalise("UK_NHS", "9434765919")
True
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from workbench.privacy.keys import KeyTable
from workbench.privacy.recognisers import ENTITIES, Span

__all__ = ["Labeller", "apply", "normalise"]

_LETTERS = "bcdfghjklmnpqrstvwxz"  # no vowels, no digits: a pseudonym is never a word or number
_AGES = {w: str(i) for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
     "nineteen", "twenty"])}
_STRUCTURED = {"UK_NHS", "DIGIT_RUN", "UK_PASSPORT", "UK_NINO", "UK_POSTCODE",
               "UK_VEHICLE_REGISTRATION", "UK_DRIVING_LICENCE"}
#: the word in a placeholder: "[NHS number 1]"; an age becomes "aged [years 1]", since
#: "[age 1]" would itself read as an age
_PLACEHOLDER = {**ENTITIES, "AGE": "years", "DENY_LIST": "name"}


def normalise(entity: str, value: str) -> str:
    """One spelling per identifier, so that each value gets one label."""
    text = " ".join(value.split()).casefold().replace("’", "'").replace("‘", "'")
    if entity in _STRUCTURED:
        return re.sub(r"[\s\-]", "", text)
    if entity == "PHONE_NUMBER":
        import phonenumbers

        try:
            number = phonenumbers.parse(value, "GB")
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            return re.sub(r"\D", "", text)
    if entity == "SOCIAL_MEDIA_HANDLE":
        return text.lstrip("@")
    if entity == "AGE":
        return _AGES.get(text, text)
    if entity == "DATE_OF_BIRTH":
        from dateutil import parser

        try:
            return parser.parse(text, dayfirst=not re.match(r"\d{4}-", text)).date().isoformat()
        except (ValueError, OverflowError):
            return text
    return re.sub(r"[‐‑–]", "-", text)


class Labeller:
    """The label of each value: from the key table, numbered, or keyed (HMAC)."""

    def __init__(self, table: KeyTable, method: str, secret: bytes | None):
        self._names = {normalise("DENY_LIST", real): label for real, label in
                       table.labels.items()}
        self._method = method
        self._secret = secret
        self._given: dict[tuple[str, str], str] = {}
        self._numbers: Counter[str] = Counter()
        self.replaced: Counter[str] = Counter()

    def _code(self, group: str, basis: str) -> str:
        assert self._secret is not None
        digest = hmac.new(self._secret, f"{group}\0{basis}".encode(), hashlib.sha256).digest()
        number = int.from_bytes(digest[:8], "big")
        letters = []
        for _ in range(10):
            number, rest = divmod(number, len(_LETTERS))
            letters.append(_LETTERS[rest])
        return "".join(letters)

    def label(self, entity: str, value: str) -> str:
        self.replaced[entity] += 1
        if entity in ("DOCUMENT_AUTHOR", "INVISIBLE_CHARACTER"):  # removed, not labelled
            return ""
        norm = normalise(entity, value)
        key = (entity, norm)
        if key in self._given:
            return self._given[key]
        if entity == "DENY_LIST":
            named = self._names.get(norm, "")
            if self._method == "hmac":
                label = f"[person {self._code('person', named.casefold() or norm)}]"
            else:
                label = named or "[name]"
        elif self._method == "hmac":
            label = f"[{_PLACEHOLDER.get(entity, 'identifier')} {self._code(entity, norm)}]"
        else:
            self._numbers[entity] += 1
            label = f"[{_PLACEHOLDER.get(entity, 'identifier')} {self._numbers[entity]}]"
        self._given[key] = label
        return label

    @property
    def distinct(self) -> int:
        return len(self._given)


def apply(text: str, spans: Sequence[Span], labeller: Labeller,
           escape: Any = lambda s: s) -> str:
    """``text`` with each span replaced by its label (escaped for where it is written)."""
    for s in sorted(spans, key=lambda s: s.start, reverse=True):
        text = text[:s.start] + escape(labeller.label(s.entity, text[s.start:s.end])) + \
            text[s.end:]
    return text


