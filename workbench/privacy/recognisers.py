"""The identifiers the privacy scan looks for, as offline Presidio recognisers.

Every recogniser is a pattern (regular expression, checksum or the ``phonenumbers``
matcher); no language model is loaded, so :func:`build_detector` works with the
network switched off. Presidio's ``AnalyzerEngine`` runs them with its ``no_op``
NLP engine; ``TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS`` is set to empty before Presidio
is imported, and the e-mail recogniser here never calls ``tldextract`` at all.

Without a language model, *names in free text are found only through the deny
list* (the real names of the case's key file): a person must still read the case.

Examples
--------
>>> detector = build_detector(deny_list=["Jayden Smith"])
>>> text = "DOB 03/04/2011, seen with JAYDEN SMITH on 05/02/2025 (NHS 943 476 5919)"
>>> [(s.entity, text[s.start:s.end]) for s in detector.find(text)]
[('DATE_OF_BIRTH', '03/04/2011'), ('DENY_LIST', 'JAYDEN SMITH'), ('UK_NHS', '943 476 5919')]
>>> detector.find("Child A reported missing by PC 1 on 05/02/2025 at 22:10, Town A")
[]
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["ENTITIES", "Detector", "Span", "build_detector", "deny_pattern"]

#: Entity type -> the label used in messages and placeholders (``[NHS number 1]``),
#: most specific first: when two findings overlap the longer wins, then the earlier here.
ENTITIES: dict[str, str] = {
    "DENY_LIST": "name from the key file",
    "EMAIL_ADDRESS": "email",
    "UK_DRIVING_LICENCE": "driving licence",
    "UK_NHS": "NHS number",
    "UK_NINO": "NI number",
    "UK_PASSPORT": "passport",
    "PHONE_NUMBER": "phone",
    "UK_POSTCODE": "postcode",
    "UK_VEHICLE_REGISTRATION": "vehicle",
    "DATE_OF_BIRTH": "date of birth",
    "SOCIAL_MEDIA_HANDLE": "handle",
    "DIGIT_RUN": "number",
    "AGE": "age",
    "INVISIBLE_CHARACTER": "invisible character",
    # found from a file's structure, not its text
    "DOCUMENT_AUTHOR": "document author",
    "UNSCANNED": "unscanned content",
    "NOT_FOLLOWED": "link not followed",
}
_RANK = {entity: i for i, entity in enumerate(ENTITIES)}

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
#: A full calendar date (day, month and year) in the ways people write one.
DATE = (rf"(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[/.\-]\d{{1,2}}[/.\-](?:\d{{4}}|\d{{2}})"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?,?\s+\d{{4}}"
        rf"|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})(?![\d/])")
_DOB_CONTEXT = (r"(?:\bd\.\s?o\.\s?b\.?|\bdob\b|\bdate[\s_-]+of[\s_-]+birth\b|\bbirth[\s_-]?date\b"
                r"|\bbirthday\b|\bborn\b(?:\s+on)?|(?<![\w.])b\.)(?:[ \t]+the)?")
#: characters that show nothing but can hide a name from a search ("Jay\u200bden"):
#: zero-width spaces and joiners, word joiners, soft hyphens, bidirectional marks,
#: fillers and Unicode tag characters
INVISIBLE = (r"[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
             r"\u2060-\u2064\u2066-\u2069\u3164\ufeff\uffa0\U000e0000-\U000e007f]")
_NHS_SEPARATOR = r"[ .\-\u2010-\u2013\u00a0]{0,3}"
_DATE_SHAPE = re.compile(r"^\d{1,2}\s*[./\-]\s*\d{1,2}\s*[./\-]\s*(?:\d{4}|\d{2})(?!\d)")
_AGE_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
              "fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty")
_HANDLE_CHARS = r"[A-Za-z0-9_.]"

# (entity, name, regex, score); the group "v" (else the whole match) is the finding.
_PATTERNS: tuple[tuple[str, str, str, float], ...] = (
    ("EMAIL_ADDRESS", "email",
     r"(?<![\w.+-])(?P<v>[A-Za-z0-9](?:[A-Za-z0-9._%+'-]*[A-Za-z0-9_%+-])?@"
     r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
     r"\.[A-Za-z]{2,24})(?![\w-])", 0.9),
    ("DATE_OF_BIRTH", "date after 'DOB', 'born', 'date of birth'",
     rf"(?i){_DOB_CONTEXT}[ \t]*(?:[:=\-–]|is|was)?[ \t]*['\"(]?[ \t]*(?P<v>{DATE})", 0.9),
    ("UK_DRIVING_LICENCE", "DVLA licence number",
     r"\b(?P<v>[A-Z9]{5} ?\d(?:0[1-9]|1[0-2]|5[1-9]|6[0-2])(?:0[1-9]|[12]\d|3[01])\d ?"
     r"[A-Z9]{2}\d[A-Z]{2})\b", 0.7),
    ("UK_PASSPORT", "9-digit passport number after 'passport'",
     r"(?i)\bpassport\b(?:\s+(?:no|number|num)\b\.?)?\s*[:#]?\s*(?P<v>\d{9})(?!\d)", 0.8),
    ("SOCIAL_MEDIA_HANDLE", "@handle",
     rf"(?<![\w@.+-])(?P<v>@(?={_HANDLE_CHARS}*[A-Za-z])[A-Za-z0-9_]{_HANDLE_CHARS}{{0,29}})"
     r"(?<!\.)(?![\w@])", 0.6),
    ("SOCIAL_MEDIA_HANDLE", "user name after a platform name",
     r"(?i)\b(?:snap(?:chat)?|insta(?:gram)?|tik\s?tok|twitter|facebook|fb|whatsapp|telegram"
     r"|discord|kik|x)\s*(?:user\s*name|username|handle|account|name|id|profile)?\s*[:=]\s*"
     rf"(?P<v>(?=[A-Za-z0-9_.]*[0-9_.])[A-Za-z0-9_]{_HANDLE_CHARS}{{2,29}})(?<!\.)(?![\w@])",
     0.6),
    ("UK_VEHICLE_REGISTRATION", "current format (2001 on): AB51 ABC",
     r"\b(?P<v>[A-HJ-PR-Y][A-HJ-PR-Y](?:0[2-9]|[12]\d|5[1-9]|[67]\d) ?[A-HJ-PR-Z]{3})\b", 0.6),
    ("UK_VEHICLE_REGISTRATION", "older formats (A123 BCD, ABC 123D) after a vehicle word",
     r"(?i:\b(?:car|vehicle|reg|registration|plate|plates|vrm|van|taxi|moped|motorbike"
     r"|scooter|index)\b)[^.\n]{0,40}?\b(?P<v>[A-HJ-NPR-TV-Y]\d{1,3} ?[A-HJ-PR-Y][A-HJ-PR-Z]{2}"
     r"|[A-HJ-PR-Z]{3} ?\d{1,3}[A-HJ-NPR-TV-Y])\b", 0.5),
    ("UK_NHS", "ten digits with a valid NHS check digit, grouped by any spacing",
     rf"(?<![\w./])(?<!\d[ .\-/:])(?P<v>\d(?:{_NHS_SEPARATOR}\d){{9}})(?!\.?\d)(?![\w:/])", 0.8),
    ("UK_POSTCODE", "postcode in any case (ab1 2cd)",
     r"(?i)(?<![\w])(?P<v>[a-pr-uwyz][a-hk-y]?\d[a-hjkps-uw\d]? ?\d[abd-hjlnp-uw-z]{2})(?![\w])",
     0.6),
    ("UK_VEHICLE_REGISTRATION", "current format in any case (ab51 abc)",
     r"(?i)(?<![\w])(?P<v>[a-hj-pr-y][a-hj-pr-y](?:0[2-9]|[12]\d|5[1-9]|[67]\d) ?[a-hj-pr-z]{3})"
     r"(?![\w])", 0.5),
    ("INVISIBLE_CHARACTER", "zero-width or other invisible character", rf"(?P<v>{INVISIBLE}+)",
     0.9),
    ("DIGIT_RUN", "run of ten or more digits", r"(?<!\d)(?P<v>\d{10,})(?!\d)", 0.5),
    ("DIGIT_RUN", "ten digits grouped 3-3-4",
     r"(?<![\w-])(?P<v>\d{3}[ -]\d{3}[ -]\d{4})(?![\w-])", 0.5),
    ("AGE", "'aged N' or 'age N'",
     rf"(?i)\bage(?:d)?\b[ \t]*[:=]?[ \t]*(?P<v>\d{{1,3}}|{_AGE_WORDS})(?![\d\w])", 0.6),
)


def nhs_number_ok(text: str) -> bool:
    """Whether the digits of ``text`` are ten with a valid NHS (modulus 11) check digit
    (and not a date written with dots or hyphens).

    >>> nhs_number_ok("943.476.5919"), nhs_number_ok("943 476 5918")
    (True, False)
    """
    if _DATE_SHAPE.match(text):
        return False
    digits = [int(c) for c in text if c.isdigit()]
    if len(digits) != 10:
        return False
    check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == digits[9]


#: entity -> a check every match of this module's patterns must pass
_VALIDATORS = {"UK_NHS": nhs_number_ok}


@dataclass(frozen=True)
class Span:
    """Where an identifier lies in a text: ``text[start:end]``; the value is never kept."""

    entity: str
    start: int
    end: int
    score: float


def deny_pattern(names: Iterable[str]) -> str | None:
    """A case-insensitive regex matching any of ``names`` as whole words.

    Whitespace inside a name matches any run of spaces (line breaks included);
    straight and curly apostrophes and hyphens match each other.
    """
    alternatives = []
    for name in sorted({" ".join(str(n).split()) for n in names if str(n).strip()},
                       key=len, reverse=True):
        if len(name) < 2:
            continue
        parts = []
        for word in name.split(" "):
            escaped = re.escape(word)
            escaped = re.sub(r"(?:\\?['’‘])", "['’‘]", escaped)
            escaped = re.sub(r"(?:\\?[-‐‑–])", "[-‐‑–]", escaped)
            parts.append(escaped)
        alternatives.append(r"\s+".join(parts))
    if not alternatives:
        return None
    return r"(?i)(?<![\w@])(?P<v>" + "|".join(alternatives) + r")(?![\w])"


def _presidio() -> Any:
    """Import Presidio with the public-suffix download switched off (no network)."""
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
    import presidio_analyzer

    return presidio_analyzer


def _recognisers(deny_list: Iterable[str]) -> list[Any]:
    _presidio()
    import regex
    from presidio_analyzer import LocalRecognizer, RecognizerResult
    from presidio_analyzer.predefined_recognizers import (
        NhsRecognizer,
        PhoneRecognizer,
        UkNinoRecognizer,
        UkPassportRecognizer,
        UkPostcodeRecognizer,
    )

    class RegexRecognizer(LocalRecognizer):
        """One entity, several regexes; the group ``v`` (else the match) is reported."""

        def __init__(self, entity: str, patterns: Sequence[tuple[str, str, float]]):
            self._patterns = [(name, regex.compile(rx), score)
                              for name, rx, score in patterns]
            super().__init__(supported_entities=[entity], name=f"workbench:{entity}")

        def load(self) -> None:
            pass

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None,
                    ) -> list[Any]:
            out = []
            valid = _VALIDATORS.get(self.supported_entities[0])
            for _name, rx, score in self._patterns:
                for m in rx.finditer(text):
                    start, end = m.span("v") if "v" in rx.groupindex else m.span()
                    if valid is not None and not valid(text[start:end]):
                        continue
                    if end > start:
                        out.append(RecognizerResult(
                            self.supported_entities[0], start, end, score,
                            # presidio's EntityRecognizer.name: a type mypy cannot settle
                            recognition_metadata={"recognizer_name": self.name,  # type: ignore[has-type]
                                                  "recognizer_identifier": self.id}))
            return out

    case_sensitive = re.DOTALL | re.MULTILINE
    presidio_own: list[Any] = [NhsRecognizer(), UkPostcodeRecognizer(), UkPassportRecognizer()]
    for rec in presidio_own:  # their patterns are upper case: do not match "ab12 3cd" words
        rec.global_regex_flags = case_sensitive
    nino = UkNinoRecognizer()  # written "qq 12 34 56 c" too; six digits keep it precise
    phone = PhoneRecognizer(supported_regions=("GB",), leniency=1)
    grouped: dict[str, list[tuple[str, str, float]]] = {}
    for entity, name, rx, score in _PATTERNS:
        grouped.setdefault(entity, []).append((name, rx, score))
    names = deny_pattern(deny_list)
    if names:
        grouped["DENY_LIST"] = [("key file", names, 1.0)]
    own = [RegexRecognizer(entity, patterns) for entity, patterns in grouped.items()]
    return [*presidio_own, nino, phone, *own]


class Detector:
    """Presidio's ``AnalyzerEngine`` set up offline with the recognisers of this module.

    Build one with :func:`build_detector`; :meth:`find` and :meth:`find_many` return
    :class:`Span` objects (entity and offsets, never the text).
    """

    #: texts are joined with this line (no pattern crosses it) to analyse many at once
    SEPARATOR = "\n\u241e\n"

    def __init__(self, engine: Any, deny_list: tuple[str, ...]):
        self._engine = engine
        self.deny_list = deny_list

    def find(self, text: str) -> list[Span]:
        """The identifiers in ``text``, without overlaps, in text order."""
        return self.find_many([text])[0]

    def find_many(self, texts: Sequence[str], *, batch_chars: int = 200_000,
                  ) -> list[list[Span]]:
        """:meth:`find` for each text; texts are analysed in batches (much faster)."""
        out: list[list[Span]] = [[] for _ in texts]
        i = 0
        while i < len(texts):
            j, size = i, 0
            while j < len(texts) and (j == i or size + len(texts[j]) < batch_chars):
                size += len(texts[j]) + len(self.SEPARATOR)
                j += 1
            self._batch(texts, i, j, out)
            i = j
        return out

    def _batch(self, texts: Sequence[str], i: int, j: int, out: list[list[Span]]) -> None:
        starts, pieces, at = [], [], 0
        for text in texts[i:j]:
            starts.append(at)
            pieces.append(text)
            at += len(text) + len(self.SEPARATOR)
        joined = self.SEPARATOR.join(pieces)
        if not joined.strip():
            return
        found: dict[int, list[Span]] = {}
        for r in self._engine.analyze(joined, language="en"):
            k = bisect.bisect_right(starts, r.start) - 1
            base = starts[k]
            end = min(r.end, base + len(pieces[k]))  # never across the separator
            if end > r.start:
                found.setdefault(k, []).append(Span(r.entity_type, r.start - base,
                                                    end - base, float(r.score)))
        for k, spans in found.items():
            out[i + k] = resolve(spans)


def resolve(spans: Iterable[Span]) -> list[Span]:
    """Overlapping spans reduced to one each: the longest, then the most specific type."""
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), _RANK.get(s.entity, 99),
                                             s.start)):
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def build_detector(*, deny_list: Iterable[str] = ()) -> Detector:
    """An offline Presidio analyzer with the UK recognisers and ``deny_list`` names.

    No language model is loaded and nothing is downloaded: the NLP engine is
    Presidio's ``no_op`` engine, so context words do not change scores and every
    pattern match is reported (score threshold 0).
    """
    _presidio()
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    class NoContext(ContextAwareEnhancer):
        """No tokens from the no_op engine: leave scores as the patterns set them."""

        def __init__(self) -> None:
            super().__init__(0, 0, 0, 0)

        def enhance_using_context(self, text: str, raw_results: list[Any], *args: Any,
                                  **kwargs: Any) -> list[Any]:
            return raw_results

    names = tuple(str(n) for n in deny_list)
    registry = RecognizerRegistry(recognizers=_recognisers(names), supported_languages=["en"])
    engine = AnalyzerEngine(registry=registry,
                            nlp_engine=NoOpNlpEngine(models=[{"lang_code": "en",
                                                              "model_name": "no_op"}]),
                            supported_languages=["en"], default_score_threshold=0.0,
                            context_aware_enhancer=NoContext())
    return Detector(engine, names)
