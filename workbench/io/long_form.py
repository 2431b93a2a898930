"""A table written in long form, one line per field of a record, read as one row per record.

Some case systems export a record as key/value lines rather than as a row::

    Record Ref,Attribute,Value
    MFH/25/00118,Reported,06/01/2025 00:10 by Mother (phone)
    MFH/25/00118,Risk assessment,MEDIUM
    MFH/25/00118,Located,06/01/2025 0140hrs Northtown bus station - patrol
    MFH/25/00307,Reported,14/01/2025 2230 by Mother

Such a table has no date column, so read as it stands it would be refused. :func:`long_form`
recognises it (a column named as the attribute, one named as the value, and a key whose
records run over several lines) and :func:`widen` turns it into the table it stands for:
one row per record, one column per attribute in the order first met, each row at the first
line of its record, so that the row is located where a reader finds the record. No text is
lost: an attribute written twice in one record keeps both values, and any other column
(who recorded it, when) is kept under its own name. The importer then reads the wide table
as any other (its date column guessed from the attributes, facts found in the cells) and
says, in a ``long-form`` warning, what it did.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workbench.errors import Problem, Reason, Severity, Where
from workbench.io.columns import map_columns

__all__ = ["LongForm", "long_form", "widen"]

_ATTRIBUTE = frozenset(["attribute", "field", "field name", "item", "data item", "property",
                        "question", "element", "key", "label", "name of field"])
_VALUE = frozenset(["value", "values", "answer", "response", "field value", "entry",
                    "data", "content", "text"])
_WORD = re.compile(r"[^a-z ]+")


@dataclass(frozen=True)
class LongForm:
    """Where a long-form table's parts are: its header's index among the records, and
    the columns of the record key, the attribute and the value."""

    header: int
    key: int
    attribute: int
    value: int


def _name(cell: str) -> str:
    return " ".join(_WORD.sub(" ", cell.lower()).split())


def long_form(records: Sequence[tuple[int, Sequence[str]]],
              mapping: Mapping[str, str]) -> LongForm | None:
    """The layout of a long-form table among ``records`` (the first records of a CSV, or
    a sheet's), or None when the table is not one.

    The header is the first row, within the first 30, with one column named as the
    attribute (``Attribute``, ``Field``), one named as the value (``Value``, ``Answer``)
    and a first other named column before them, the record's key, and no date column (nor
    one given with ``--map``: a dated change log is read line by line). Below it, at least half
    the keys must repeat on consecutive lines and the attributes must repeat across
    records, so that an ordinary table with a column called "Value" is never reshaped.
    """
    for at, (_, cells) in enumerate(records[:30]):
        names = [_name(c) for c in cells]
        attribute = next((i for i, n in enumerate(names) if n in _ATTRIBUTE), None)
        value = next((i for i, n in enumerate(names) if n in _VALUE), None)
        if attribute is None or value is None:
            continue
        key = next((i for i, n in enumerate(names) if n and i not in (attribute, value)), None)
        if key is None or key > min(attribute, value) or "at" in mapping or \
                "at" in map_columns(cells, mapping).index:
            return None
        form = LongForm(at, key, attribute, value)
        return form if _repeats(records[at + 1:], form) else None
    return None


def _repeats(body: Sequence[tuple[int, Sequence[str]]], form: LongForm) -> bool:
    """Whether keys run over several lines and attributes recur across records."""
    rows = [(_cell(c, form.key), _cell(c, form.attribute)) for _, c in body
            if _cell(c, form.attribute)]
    keys = [k for k, _ in rows if k]
    if len(rows) < 4 or len(set(keys)) < 2:
        return False
    runs = sum(1 for a, b in zip(keys, keys[1:], strict=False) if a == b)
    per_key: dict[str, set[str]] = {}
    for k, a in rows:
        if k:
            per_key.setdefault(k, set()).add(a.lower())
    shared = set.intersection(*per_key.values())
    return runs >= len(keys) / 2 and bool(shared)


def _cell(cells: Sequence[str], i: int) -> str:
    return cells[i].strip() if i < len(cells) else ""


def widen(records: Sequence[tuple[int, Sequence[str]]], form: LongForm, where: Where,
          problems: list[Problem]) -> list[tuple[int, int, list[str]]]:
    """The table ``records`` stand for, as ``(first line, lines, cells)``: the title block
    as it was, the header (key, then each attribute in the order first met, then any other
    column), and one row per record at its first line. A line with no key continues the
    record above it, a line with no attribute the value above it; a record's key met again
    later joins its first lines."""
    header_line, header = records[form.header]
    others = [i for i, c in enumerate(header) if c.strip() and i not in (form.key, form.attribute,
                                                                           form.value)]
    attributes: dict[str, str] = {}  # lower -> as first written
    groups: dict[str, list[tuple[int, Sequence[str]]]] = {}
    key = ""
    for line, cells in records[form.header + 1:]:
        if not any(c.strip() for c in cells):
            continue
        key = _cell(cells, form.key) or key
        groups.setdefault(key, []).append((line, cells))
        if name := _cell(cells, form.attribute):
            attributes.setdefault(name.lower(), name)
    order = list(attributes)
    wide = [(line, 1, list(cells)) for line, cells in records[:form.header]]
    wide.append((header_line, 1, [header[form.key].strip(), *attributes.values(),
                                  *(header[i].strip() for i in others)]))
    for key, lines in groups.items():
        texts: dict[str, list[str]] = {}
        name = order[0] if order else ""
        for _, cells in lines:  # a line with no attribute goes on with the one above it
            name = _cell(cells, form.attribute).lower() or name
            if value := _cell(cells, form.value):
                texts.setdefault(name, []).append(value)
            for i in others:
                if (other := _cell(cells, i)) and other not in texts.get(f"\0{i}", []):
                    texts.setdefault(f"\0{i}", []).append(other)
        wide.append((lines[0][0], len(lines), [key, *("; ".join(texts.get(a, [])) for a in order),
                                               *("; ".join(texts.get(f"\0{i}", [])) for i in others)]))
    key_name = header[form.key].strip()
    here: Where = {**where, "line": header_line}
    problems.append(Problem(
        reason=Reason.LONG_FORM, severity=Severity.WARNING, value=key_name,
        message=f"the table is in long form (one line per field: {key_name!r}, "
        f"{header[form.attribute].strip()!r}, {header[form.value].strip()!r}): its "
        f"{sum(map(len, groups.values()))} lines are read as {len(groups)} records, one per "
        f"{key_name!r}, each at its first line, with a column for each of its {len(order)} "
        "attributes", **here))
    return wide

