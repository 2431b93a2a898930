"""CSV text read strictly: its encoding, its delimiter and its records, nothing lost.

:func:`open_text` finds the encoding (UTF-8, a byte-order mark, UTF-16 from its mark or
its pattern of NUL bytes, else Windows-1252 with a warning) by reading the file in
chunks, and opens it as a stream of lines. :func:`choose_delimiter` decides the
delimiter on the header line (the candidate whose header maps most columns) and
confirms it on the rows below; the quote character is always ``"`` (RFC 4180), so a
``'single-quoted'`` word is text. :func:`records` reads records by RFC 4180 with
Python's strict CSV reader; a record that breaks the rules (a quote that opens a field
and is not closed, or is followed by more text) is never merged with the next: its
first line is read on its own, the quote marks kept as written, with a located
``malformed-quote`` warning, and reading goes on at the next line.

Examples
--------
>>> problems = []
>>> lines = ['Date,Event\\n', '03/03/2025,"Found" at home\\n', '04/03/2025,Seen\\n']
>>> [(r.line, r.cells) for r in records(lines, ",", "t.csv", problems)]
[(1, ['Date', 'Event']), (2, ['03/03/2025', '"Found" at home']), (3, ['04/03/2025', 'Seen'])]
>>> problems[0].location, problems[0].reason
('t.csv:2:12', <Reason.MALFORMED_QUOTE: 'malformed-quote'>)
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from workbench.errors import Problem, Reason, Severity

__all__ = ["DELIMITERS", "Record", "choose_delimiter", "lenient_line", "open_text", "records"]

W = Severity.WARNING
DELIMITERS = (",", ";", "\t", "|")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Record:
    """One CSV record: its first and last physical line, its fields, and (for a record
    over several lines) the lines as written."""

    line: int
    cells: list[str]
    last: int
    raw: tuple[str, ...] = ()


def _nul_pattern(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when every other byte is NUL (text with no mark)."""
    sample = head[: len(head) // 2 * 2]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd >= 0.6 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.6 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def _first_error(path: Path, codec: str) -> tuple[int, int, int] | None:
    """(line, column, byte) of the first byte that is not ``codec`` (UTF-8, or a one-byte
    codec), reading the file in chunks cut at line ends; None when all of it is."""
    line, carry = 1, b""
    with open(path, "rb") as fh:
        while True:
            block = fh.read(_CHUNK)
            chunk = carry + block
            cut = chunk.rfind(b"\n") + 1 if block else len(chunk)
            part, carry = chunk[:cut], chunk[cut:]
            try:
                part.decode(codec)
            except UnicodeDecodeError as exc:
                before = part[: exc.start]
                column = exc.start - (before.rfind(b"\n") + 1) + 1
                return line + before.count(b"\n"), column, part[exc.start]
            line += part.count(b"\n")
            if not block:
                return None
            codec = "utf-8" if codec == "utf-8-sig" else codec  # the mark only at the start


def open_text(path: Path, name: str, encoding: str | None,
              problems: list[Problem]) -> TextIO | None:
    """The file as a stream of lines (``newline=""``), or None with a problem."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if encoding is None:
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return open(path, encoding="utf-16", newline="")
        guessed = _nul_pattern(head)
        if guessed:
            problems.append(Problem(file=name, line=1, reason=Reason.NOT_UTF8, severity=W,
                                    value=guessed, message=f"UTF-16 text with no byte-order "
                                    f"mark (every other byte is NUL): read as {guessed.upper()}"))
            return open(path, encoding=guessed, newline="")
    wanted = encoding or "utf-8"
    try:
        codec = codecs.lookup(wanted).name
    except LookupError:
        problems.append(Problem(file=name, reason=Reason.NOT_UTF8, value=encoding,
                                message=f"unknown encoding {encoding!r}"))
        return None
    if codec == "utf-8":
        codec = "utf-8-sig"  # a byte-order mark accepted
    if codec.startswith("utf-8"):
        bad = _first_error(path, codec)
        if bad is not None:
            line, column, byte = bad
            shown = f"byte 0x{byte:02X}"
            if encoding is None and _first_error(path, "cp1252") is None:
                problems.append(Problem(file=name, line=line, column=column, severity=W,
                                        reason=Reason.NOT_UTF8, value=shown,
                                        message=f"{shown} is not UTF-8: the file is read as "
                                        "Windows-1252, as Excel saves CSV (give --encoding if "
                                        "it is another)"))
                return open(path, encoding="cp1252", newline="")
            problems.append(Problem(file=name, line=line, column=column, reason=Reason.NOT_UTF8,
                                    value=shown, message=f"{shown} is not {wanted}; the file "
                                    "was probably saved as Windows-1252: save it as UTF-8, or "
                                    "read it with --encoding cp1252"))
            return None
    return open(path, encoding=codec, newline="")


class _Lines:
    """Physical lines, numbered; the lines of the record being read; lines put back."""

    def __init__(self, lines: Iterable[str]):
        self._it = iter(lines)
        self.number = 0
        self.taken: list[str] = []
        self._back: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._back.pop() if self._back else next(self._it)
        self.number += 1
        self.taken.append(line)
        return line

    def put_back(self, lines: Sequence[str]) -> None:
        self._back.extend(reversed(lines))
        self.number -= len(lines)


def lenient_line(text: str, delimiter: str) -> tuple[list[str], int | None]:
    """One line's fields, RFC 4180 where it holds; a quote that opens a field and is not
    closed before a delimiter (or the line's end) is read as text, up to the next
    delimiter. Returns the fields and the 1-based column of the first such quote."""
    fields: list[str] = []
    bad: int | None = None
    i, n = 0, len(text)
    while True:
        if i < n and text[i] == '"':
            j, buf, closed = i + 1, [], False
            while j < n:
                if text[j] == '"':
                    if text[j + 1:j + 2] == '"':
                        buf.append('"')
                        j += 2
                        continue
                    closed = j + 1 == n or text[j + 1] == delimiter
                    break
                buf.append(text[j])
                j += 1
            if closed:
                fields.append("".join(buf))
                i = j + 1
            else:
                bad = i + 1 if bad is None else bad
                k = text.find(delimiter, i)
                k = n if k < 0 else k
                fields.append(text[i:k])
                i = k
        else:
            k = text.find(delimiter, i)
            k = n if k < 0 else k
            fields.append(text[i:k])
            i = k
        if i >= n:
            return fields, bad
        i += 1  # the delimiter
        if i == n:
            fields.append("")
            return fields, bad


def _strip_end(line: str) -> str:
    return line[:-2] if line.endswith("\r\n") else line.rstrip("\r\n")


def malformed(name: str, line: int, column: int | None, message: str) -> Problem:
    return Problem(file=name, line=line, column=column, reason=Reason.MALFORMED_QUOTE,
                   severity=W, value='"', message=message)


def records(lines: Iterable[str], delimiter: str, name: str,
            problems: list[Problem]) -> Iterator[Record]:
    """The records of CSV text, strictly by RFC 4180, each with its lines (see module)."""
    feed = _Lines(lines)
    while True:
        reader = csv.reader(feed, delimiter=delimiter, quotechar='"', doublequote=True,
                            strict=True)
        try:
            for cells in reader:
                taken, feed.taken = feed.taken, []
                first = feed.number - len(taken) + 1
                yield Record(first, cells, feed.number, tuple(taken) if len(taken) > 1 else ())
            return
        except csv.Error as exc:
            taken, feed.taken = feed.taken, []
            if not taken:
                return
            first = feed.number - len(taken) + 1
            cells, column = lenient_line(_strip_end(taken[0]), delimiter)
            at = "" if column is None else f" at column {column}"
            if str(exc) == "unexpected end of data":
                what = (f"a quote opens a field{at} and is never closed: read as quoted, it "
                        "would take in every line to the end of the file")
            elif feed.number > first:
                what = (f"a quote opens a field{at} and is not closed on its line: read as "
                        f"quoted, it would take in lines {first} to {feed.number}")
            else:
                what = f"a quoted field{at} has text after its closing quote"
            problems.append(malformed(name, first, column, f"{what} (RFC 4180: {exc}); line "
                                      f"{first} is read on its own, its quote marks kept as "
                                      "text: check the record"))
            yield Record(first, cells, first)
            feed.put_back(taken[1:])


def choose_delimiter(head: Sequence[str], score: Callable[[list[tuple[int, list[str]]]], int],
                     ) -> str:
    """The delimiter of CSV text from its first lines: the one whose header row maps the
    most columns (``score``), then whose rows most often have the header's width."""
    best, best_key = ",", (-1, -1, -1)
    for delimiter in DELIMITERS:
        found = [(r.line, r.cells) for r in records(head, delimiter, "", [])]
        if not found:
            continue
        mapped = score(found)
        widths = [len(c) for _, c in found if any(x.strip() for x in c)]
        top = max(set(widths), key=widths.count) if widths else 1
        key = (mapped, widths.count(top) if top > 1 else 0, -DELIMITERS.index(delimiter))
        if key > best_key:
            best, best_key = delimiter, key
    return best
