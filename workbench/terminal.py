"""Text for a terminal: control characters shown, never obeyed.

A chronology can carry anything in a header or a cell, terminal escape sequences
included (``ESC ]`` to set the window title or write a hyperlink, ``ESC [2J`` to
clear the screen, a carriage return that overwrites the line before). Everything
the workbench prints to a terminal goes through :func:`escape_control`, which writes
each such character as a visible ``\\x1b``-style escape. Line feeds (and tabs) may be
kept for multi-line output; a one-line message keeps neither.

Examples
--------
>>> escape_control("Date\\x1b]0;pwned\\x07,Event")
'Date\\\\x1b]0;pwned\\\\x07,Event'
>>> escape_control("two\\nlines\\r", keep="\\n")
'two\\nlines\\\\x0d'
>>> escape_control("right\\u202eto-left")
'right\\\\u202eto-left'
"""

from __future__ import annotations

import re
from typing import IO, Any

__all__ = ["SafeStream", "escape_control"]

#: C0 and C1 controls, DEL, and the bidirectional overrides and isolates (which can
#: make a terminal show text in another order than it is)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_control(text: str, *, keep: str = "") -> str:
    """``text`` with every control character (except those in ``keep``) made visible."""
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else _visible(m.group()),
                        text)


class SafeStream:
    """A text stream wrapper that escapes control characters on the way out.

    ``escape=False`` passes text through untouched (machine formats sent to a file or
    a pipe); line feeds and tabs are always kept. Other attributes (``buffer``,
    ``isatty``, ``fileno``, …) are the wrapped stream's.
    """

    def __init__(self, stream: IO[str], *, escape: bool = True):
        self._stream = stream
        self._escape = escape

    def write(self, text: str) -> int:
        if self._escape:
            text = escape_control(text, keep="\n\t")
        return self._stream.write(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
