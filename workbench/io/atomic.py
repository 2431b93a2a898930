"""Files written safely: atomically, and spreadsheets that cannot run formulas.

Every file the workbench writes for people to keep is written atomically: into a
temporary file in the same folder, flushed and fsynced, then moved over the target
with :func:`os.replace` (and the folder fsynced), so a crash leaves the old file or
the new one, never half of one.

A spreadsheet cell whose text starts with ``=``, ``+``, ``-``, ``@`` (or their
full-width forms ``＝＋－＠``), a tab, a carriage return, a line feed or NUL may be run
as a formula when a CSV file is opened in Excel or LibreOffice ("CSV injection", DDE
payloads such as ``=cmd|' /C calc'!A0`` included). A spreadsheet may also split a
cell on another list separator than the file's own (``;`` in much of Europe, a tab
when pasted), so ``Note;=1+1`` can become a live ``=1+1``. :func:`neutralise` puts a
single quote (as OWASP recommends) before every trigger at the start of the text and
after every ``,`` ``;`` or tab (spaces between allowed); :func:`write_csv`,
:func:`csv_text` and :func:`write_xlsx` apply it to every text cell, and
:func:`write_xlsx` also stores every text cell as a string, so no cell of a workbook
written here is a formula. Every CSV or TSV the workbench writes for people goes
through :func:`write_csv` (or :func:`csv_text` for standard output).

Examples
--------
>>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("Referral"), neutralise(-3)
('\\'=HYPERLINK("http://x")', 'Referral', -3)
>>> neutralise("Note;=1+1; ＠SUM(A1)")
"Note;'=1+1; '＠SUM(A1)"
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> atomic_write(path, "hello").read_text()
'hello'
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any, overload

import pandas as pd

__all__ = ["FORMULA_TRIGGERS", "LIST_SEPARATORS", "atomic_open", "atomic_path", "atomic_write",
           "cell_text", "csv_text", "neutralise", "neutralise_frame", "write_csv", "write_xlsx"]

#: Text starting with one of these is neutralised (OWASP, CSV injection), and so is
#: each piece of it after a list separator; the full-width and small forms too, which
#: some spreadsheets read as the ASCII ones.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0",
                    "\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\ufe62", "\ufe63", "\ufe6b")
#: The separators a spreadsheet may split a cell's text on (comma, semicolon, tab).
LIST_SEPARATORS = (",", ";", "\t")
_TRIGGER_AT = re.compile("(?:^|(?<=[" + re.escape("".join(LIST_SEPARATORS)) + "]))( *)(?=["
                         + re.escape("".join(FORMULA_TRIGGERS)) + "])")
#: Characters an XLSX file cannot hold (XML 1.0 forbids them); shown as U+FFFD.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LOCAL = "Europe/London"


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path``; on success it is fsynced and moved over it.

    For writers that want a path of their own (openpyxl, sqlite3, Chromium). On an
    exception the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        with open(temp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
        _fsync_folder(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8",
                newline: str | None = None) -> Iterator[IO[Any]]:
    """Open a temporary file for writing that replaces ``path`` when closed cleanly."""
    if "r" in mode or "a" in mode or "+" in mode:
        raise ValueError(f"atomic_open writes a new file; mode {mode!r} is not 'w' or 'wb'")
    with atomic_path(path) as temp:
        if "b" in mode:
            with open(temp, mode) as fh:
                yield fh
                fh.flush()
        else:
            with open(temp, mode, encoding=encoding, newline=newline) as fh:
                yield fh
                fh.flush()


def atomic_write(path: str | Path, data: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    if isinstance(data, bytes):
        with atomic_open(path, "wb") as fh:
            fh.write(data)
    else:
        with atomic_open(path, "w", encoding=encoding, newline="") as fh:
            fh.write(data)
    return Path(path)


@overload
def neutralise(value: str) -> str: ...
@overload
def neutralise(value: object) -> object: ...
def neutralise(value: object) -> object:
    """Text with ``'`` before each formula trigger at its start or after a list
    separator (see the module); anything else as is."""
    if isinstance(value, str):
        return _TRIGGER_AT.sub(lambda m: m.group(1) + "'", value)
    return value


def cell_text(value: object) -> object:
    """A value as a spreadsheet cell holds it: lists joined with ``"; "``, missing as None,
    times in Europe/London (naive, as Excel has no time zones)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            return None
        local = value.tz_convert(_LOCAL).tz_localize(None) if value.tzinfo is not None else value
        return local.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return pd.Timestamp(value).tz_convert(_LOCAL).tz_localize(None).to_pydatetime()
    if isinstance(value, float) and value != value:  # NaN
        return None
    if value is pd.NaT or value is pd.NA:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        try:
            return value.item()
        except (AttributeError, ValueError):
            return value
    return value


def _text_for_csv(value: object) -> object:
    value = cell_text(value)
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value).isoformat()
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` for a CSV file: lists joined, times as ISO 8601 with their
    Europe/London offset, and every text cell neutralised."""
    out = {}
    for column in frame.columns:
        series = frame[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            local = series.dt.tz_convert(_LOCAL)
            text = local.map(lambda t: "" if pd.isna(t) else t.isoformat())
            out[str(column)] = text.astype(object)
        elif pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            out[str(column)] = series
        else:
            out[str(column)] = series.map(lambda v: neutralise(_text_for_csv(v))).astype(object)
    return pd.DataFrame(out, index=frame.index)


def csv_text(frame: pd.DataFrame, *, sep: str = ",", lineterminator: str = "\r\n") -> str:
    """``frame`` as neutralised CSV (or TSV with ``sep="\\t"``) text, headers
    neutralised too; for standard output (files: :func:`write_csv`)."""
    safe = neutralise_frame(frame)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    return safe.to_csv(index=False, sep=sep, lineterminator=lineterminator)


def write_csv(frame: pd.DataFrame, path: str | Path, *, sep: str | None = None) -> Path:
    """``frame`` as a neutralised UTF-8 CSV (with a byte-order mark, so Excel reads the
    encoding), written atomically; return the path. A ``.tsv`` path is tab-separated
    unless ``sep`` says otherwise."""
    if sep is None:
        sep = "\t" if Path(path).suffix.lower() == ".tsv" else ","
    text = csv_text(frame, sep=sep)
    with atomic_open(path, "w", encoding="utf-8-sig", newline="") as fh:
        fh.write(text)
    return Path(path)


def _xlsx_value(value: object) -> object:
    value = cell_text(value)
    if isinstance(value, str):
        value = neutralise(value)
        return _XML_ILLEGAL.sub("\ufffd", value)
    if isinstance(value, (bool, int, float, dt.datetime, dt.date)) or value is None:
        return value
    return neutralise(str(value))


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """One worksheet per table, written atomically with openpyxl; return the path.

    Every text cell is neutralised and stored with ``data_type`` ``'s'`` (a string),
    so no cell is ever a formula; headers are bold and frozen.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for name, frame in sheets.items():
        sheet = book.create_sheet(title=_sheet_title(name))
        sheet.append([_xlsx_value(str(c)) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = bold
            cell.data_type = "s"
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_xlsx_value(v) for v in row])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
                elif isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
        sheet.freeze_panes = "A2"
    with atomic_path(path) as temp:
        book.save(temp)
    return Path(path)


def _sheet_title(name: str) -> str:
    """A legal worksheet title: no ``[]:*?/\\``, at most 31 characters."""
    title = re.sub(r"[\[\]:*?/\\]", "-", str(name)).strip("'") or "Sheet"
    return title[:31]
