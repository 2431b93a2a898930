"""The words facts are found by: the vocabulary (``workbench/data/facts.yaml``), a text
cut into sentences, and the words a fact keeps.

>>> sentences("Found 0200hrs. Shared with SW1 | No RHI")
[(0, 'Found 0200hrs.'), (15, 'Shared with SW1'), (33, 'No RHI')]
>>> trim("  Not reported to SW1 or to police. ")
'Not reported to SW1 or to police'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from workbench.safeyaml import load_bundled_yaml

__all__ = ["any_of", "sentences", "trim", "vocabulary"]

#: the longest words a fact keeps
WORDS_LIMIT = 300
_SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=\S)|\s*\n+\s*|\s+\|\s+")


@cache
def vocabulary() -> dict[str, Any]:
    """The fact vocabulary, read once."""
    return load_bundled_yaml("facts.yaml")  # type: ignore[return-value]


def any_of(phrases: Sequence[str]) -> str:
    """One regular expression group matching any of ``phrases``."""
    return "(?:" + "|".join(f"(?:{p})" for p in phrases) + ")"


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs: split at . ; ! ? line breaks and " | "."""
    out, start = [], 0
    for m in _SENTENCE.finditer(text):
        out.append((start, text[start:m.start()]))
        start = m.end()
    out.append((start, text[start:]))
    return [(i, s) for i, s in out if s.strip()]


def trim(words: str) -> str:
    """``words`` on one line, without end punctuation, at most :data:`WORDS_LIMIT` long."""
    words = " ".join(words.split()).strip(" ;,.")
    return words if len(words) <= WORDS_LIMIT else words[: WORDS_LIMIT - 1] + "…"
