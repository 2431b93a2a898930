"""Rewriting files with identifiers replaced: CSV, XLSX, SQLite, YAML and text.

Each writer reads one input file, asks the detector for the identifiers of each
text it holds (with the same structural rules as the scan: DOB and Age columns,
date columns) and writes the result atomically (temporary file, fsync, rename).
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from workbench.errors import CaseValidationError
from workbench.privacy import sources
from workbench.privacy.labels import Labeller, apply
from workbench.privacy.recognisers import Detector
from workbench.privacy.scan import spans_of
from workbench.privacy.sources import Place, Unit
from workbench.safeyaml import load_yaml

__all__ = ["atomic_bytes", "rewrite_csv", "rewrite_sqlite", "rewrite_text", "rewrite_xlsx",
           "rewrite_yaml"]

DECLARED = ("case.yaml", "meta.yaml")

def atomic_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically: temporary file, fsync, rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def rewrite_csv(text: str, suffix: str, detector: Detector, labeller: Labeller) -> str:
    """A CSV or TSV file's text with the identifiers in its cells replaced."""
    delimiter = sources.sniff_delimiter(text, suffix)
    records = sources.csv_fields(text, delimiter)
    headers = [v.strip() for _, _, v in records[0]] if records else []
    rows = [[v for _, _, v in record] for record in records]
    cells = [(r, i) for r, row in enumerate(rows) for i, v in enumerate(row) if v.strip()]
    units = [Unit(rows[r][i], Place(""), column_kind=sources.header_kind(headers[i])
                  if r > 0 and i < len(headers) else None) for r, i in cells]
    for (r, i), unit, spans in zip(cells, units, spans_of(units, detector), strict=True):
        if spans:
            rows[r][i] = apply(unit.text, spans, labeller)
    buffer = io.StringIO()
    terminator = "\r\n" if "\r\n" in text else "\n"
    csv.writer(buffer, delimiter=delimiter, lineterminator=terminator).writerows(rows)
    written = buffer.getvalue()
    return written if text.endswith(("\n", "\r")) else written[: -len(terminator)]


def _sheet_title(text: str, taken: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "", text).strip()[:31] or "Sheet"
    base, n = title, 2
    while title.casefold() in taken:
        title = f"{base[:28]} {n}"
        n += 1
    return title


def rewrite_xlsx(path: Path, target: Path, detector: Detector,  # noqa: C901 (to split)
                 labeller: Labeller) -> None:
    """Write the workbook at ``path`` to ``target`` with the identifiers replaced."""
    from openpyxl.comments import Comment

    book = sources.load_workbook(path)
    units: list[Unit] = []
    setters: list[Any] = []

    def add(text: str, setter: Any, kind: str | None = None) -> None:
        units.append(Unit(text, Place(""), column_kind=kind))
        setters.append(setter)

    for ws in book.worksheets:
        kinds: dict[str, str | None] = {}
        header_row = None
        for row in ws.iter_rows():
            for cell in row:
                if cell.comment is not None:
                    comment = cell.comment
                    cell.comment = Comment(comment.text or "", "workbench")
                    add(comment.text or "", lambda v, c=cell: setattr(
                        c, "comment", Comment(v, "workbench")))
                text = sources.cell_text(cell.value)
                if text is None:
                    continue
                if header_row is None:
                    header_row = cell.row
                if cell.row == header_row:
                    kinds[cell.column_letter] = sources.header_kind(text.strip())
                    kind = None
                else:
                    kind = kinds.get(cell.column_letter)
                add(text, lambda v, c=cell: setattr(c, "value", v), kind)
    props = book.properties
    props.creator, props.lastModifiedBy = "workbench", None
    for attr in ("title", "subject", "keywords", "description", "category", "contentStatus",
                 "identifier", "version"):
        value = getattr(props, attr, None)
        if isinstance(value, str) and value.strip():
            add(value, lambda v, a=attr: setattr(props, a, v))
    for prop in getattr(book, "custom_doc_props", None) or ():
        if isinstance(getattr(prop, "value", None), str) and prop.value.strip():
            add(prop.value, lambda v, p=prop: setattr(p, "value", v))
    for unit, setter, spans in zip(units, setters, spans_of(units, detector), strict=True):
        if spans:
            setter(apply(unit.text, spans, labeller))
    titles = [ws.title for ws in book.worksheets]
    title_spans = detector.find_many(titles)
    taken = {t.casefold() for t, s in zip(titles, title_spans, strict=True) if not s}
    for ws, spans in zip(book.worksheets, title_spans, strict=True):
        if spans:
            ws.title = _sheet_title(apply(ws.title, spans, labeller), taken)
            taken.add(ws.title.casefold())
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_bytes(target, buffer.getvalue())


def rewrite_sqlite(path: Path, target: Path, detector: Detector, labeller: Labeller) -> None:
    """Copy the database, then rewrite each text value holding an identifier."""
    import sqlite3

    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        copy = sqlite3.connect(name)
        with copy:
            source.backup(copy)
        source.close()
        cells = list(sources.sqlite_cells(copy))
        units = [Unit(text, Place("")) for _, _, _, text in cells]
        with copy:
            for (table, column, rowid, text), spans in zip(cells, spans_of(units, detector),
                                                           strict=True):
                if spans:
                    quoted = '"' + table.replace('"', '""') + '"'
                    col = '"' + column.replace('"', '""') + '"'
                    copy.execute(f"UPDATE {quoted} SET {col} = ? WHERE rowid = ?",
                                 (apply(text, spans, labeller), rowid))
        copy.execute("VACUUM")  # no old values left in free pages
        copy.close()
        with open(name, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


class _Scalar:
    """A YAML scalar in the tree being rewritten (hashable by identity, so keys work)."""

    def __init__(self, value: Any):
        self.value = value


def rewrite_yaml(text: str, name: str, detector: Detector, labeller: Labeller,
          declaration: Mapping[str, str] | None) -> str | None:
    """A YAML file's text with identifiers in its values replaced (None: not plain YAML,
    to be rewritten as text)."""
    try:
        data = load_yaml(text, name=name)
    except CaseValidationError:  # aliases, tags, deep nesting: rewritten as plain text
        return None
    units: list[Unit] = []
    holders: list[_Scalar] = []

    def walk(node: Any, kind: str | None) -> Any:
        if isinstance(node, Mapping):
            return {walk(k, None): walk(v, sources.header_kind(str(k)))
                    for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, kind) for v in node]
        if isinstance(node, str | int) and not isinstance(node, bool) and str(node).strip():
            holder = _Scalar(node)
            units.append(Unit(str(node), Place(""), column_kind=kind))
            holders.append(holder)
            return holder
        return node

    def unwrap(node: Any) -> Any:
        if isinstance(node, dict):
            return {unwrap(k): unwrap(v) for k, v in node.items()}
        if isinstance(node, list):
            return [unwrap(v) for v in node]
        return node.value if isinstance(node, _Scalar) else node

    tree = walk(data, None)
    for unit, holder, spans in zip(units, holders, spans_of(units, detector), strict=True):
        if spans:
            holder.value = apply(unit.text, spans, labeller)
    result = unwrap(tree)
    if declaration and name in DECLARED and isinstance(result, dict):
        result["anonymisation"] = dict(declaration)
    return yaml.safe_dump(result, sort_keys=False, allow_unicode=True)


def rewrite_text(text: str, suffix: str, detector: Detector, labeller: Labeller) -> str:
    """Any other text (JSON, HTML, plain) with its identifiers replaced, escaped as it was."""
    if suffix in sources.JSON_SUFFIXES:
        escape = lambda s: json.dumps(s, ensure_ascii=False)[1:-1]  # noqa: E731
        encode = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731
    elif suffix in sources.MARKUP_SUFFIXES:
        escape = encode = lambda s: html.escape(s, quote=True)  # noqa: E731
    else:
        escape = encode = lambda s: s  # noqa: E731
    for _ in range(3):
        units = sources.text_units(text, "", suffix)
        found = spans_of(units, detector)
        if not any(found):
            break
        edits: list[tuple[int, int, str]] = []
        for unit, spans in zip(units[1:], found[1:], strict=True):
            if spans and unit.raw_end is not None:
                edits.append((unit.raw_start, unit.raw_end,
                              encode(apply(unit.text, spans, labeller))))
        for s in found[0]:
            if all(s.end <= a or s.start >= b for a, b, _ in edits):
                edits.append((s.start, s.end, escape(labeller.label(s.entity,
                                                                    text[s.start:s.end]))))
        for a, b, new in sorted(edits, reverse=True):
            text = text[:a] + new + text[b:]
    return text


