"""A cohort's text columns stored once: events hold codes into a :class:`TextTable`."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


class TextTable:
    """The distinct strings of a cohort's text columns, each with a code (its position).

    Events carry ``int32`` codes (``-1`` for null), so columns are built, sorted and
    concatenated as integers and become Arrow strings once, at writing (:meth:`take`).
    The table only grows: a code, once given, names its string for good.

    Examples
    --------
    >>> texts = TextTable(["low", "high"])
    >>> texts.codes(["high", None, "medium"]).tolist()
    [1, -1, 2]
    >>> texts.take(np.array([2, -1, 0])).to_pylist()
    ['medium', None, 'low']
    """

    def __init__(self, strings: Iterable[str] = ()) -> None:
        self._strings: list[str] = []
        self._code: dict[str, int] = {}
        self._arrow: pa.Array | None = None   # made when first asked for
        for s in strings:
            self.code(s)

    def __len__(self) -> int:
        return len(self._strings)

    @property
    def strings(self) -> tuple[str, ...]:
        """Every string, in code order."""
        return tuple(self._strings)

    def code(self, text: str | None) -> int:
        """The code of ``text`` (given one if new); -1 for None."""
        if text is None:
            return -1
        code = self._code.get(text)
        if code is None:
            code = self._code[text] = len(self._strings)
            self._strings.append(text)
        return code

    def codes(self, texts: Iterable[str | None]) -> np.ndarray:
        """The codes of ``texts`` as an ``int32`` array."""
        return np.array([self.code(t) for t in texts], dtype=np.int32)

    def array(self) -> pa.Array:
        """Every string so far, in code order, as an Arrow array (immutable: a later
        string does not change it)."""
        if self._arrow is None or len(self._arrow) != len(self._strings):
            self._arrow = pa.array(self._strings, pa.string())
        return self._arrow

    def take(self, codes: np.ndarray) -> pa.Array:
        """The strings of ``codes`` as an Arrow string array (null where -1)."""
        return take_texts(self.array(), codes)


def take_texts(strings: pa.Array, codes: np.ndarray) -> pa.Array:
    """``strings[codes]`` as an Arrow string array, null where a code is -1."""
    return pc.take(strings, pa.array(codes, pa.int32(), mask=codes < 0))
