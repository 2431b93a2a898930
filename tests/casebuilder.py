"""Tiny event tables for tests, written as short rows.

Each row is ``(when, agency, kind)`` or ``(when, agency, kind, fields)``; ``when``
is read by :func:`workbench.io.dates.parse_when` (so ``"03/2025"`` is a month-precision
date), ``fields`` sets any other column (``id``, ``summary``, ``recipients`` as a
list or a ``"; "``-joined string, ``attendees``, ``risk_grade``, ``refers_to`` …).
Ids default to ``e1``, ``e2`` … in row order.

>>> ev = events(("05/02/2025 22:00", "Police", "missing_report", {"risk_grade": "low"}),
...             ("06/02/2025", "Police", "found"))
>>> ev[["id", "kind", "precision", "sector", "risk_grade"]].values.tolist()
[['e1', 'missing_report', 'minute', 'police', 'low'], ['e2', 'found', 'day', 'police', '']]
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path

import pandas as pd

from workbench.agencies import load_aliases
from workbench.case import EVENT_COLUMNS, normalise_events
from workbench.io.dates import parse_when

Row = Sequence[object]


@cache
def _sector(agency: str) -> str:
    return load_aliases().sector(agency)


def _row(n: int, row: Row) -> dict[str, object]:
    when, agency, kind = (str(v) for v in row[:3])
    fields: Mapping[str, object] = row[3] if len(row) > 3 else {}  # type: ignore[assignment]
    w = parse_when(when)
    out: dict[str, object] = {c: "" for c in EVENT_COLUMNS}
    out.update(
        id=f"e{n}", seq=n, agency=agency, agency_as_written=agency,
        sector=_sector(agency), kind=kind, kind_confidence=1.0,
        kind_basis="column", when=when, start=w.start, end=w.end, precision=str(w.precision),
        approximate=w.approximate, summary=kind.replace("_", " ").capitalize(),
        source_file="test.csv", source_line=n + 1, source=f"test.csv:{n + 1}",
    )
    for name, value in fields.items():
        if name in ("recipients", "attendees") and not isinstance(value, str):
            value = "; ".join(value)  # type: ignore[arg-type]
        out[name] = value
    return out


def events(*rows: Row, case_id: str | None = None) -> pd.DataFrame:
    """A valid event table (columns of ``EVENT_COLUMNS``) from short rows."""
    table = pd.DataFrame([_row(n, r) for n, r in enumerate(rows, 1)],
                         columns=list(EVENT_COLUMNS))
    table = normalise_events(table)
    return table if case_id is None else table.assign(case_id=case_id)


def cohort(tables: Iterable[pd.DataFrame], *, prefix: str = "case") -> pd.DataFrame:
    """Several event tables as one cohort table, each with its own ``case_id``."""
    return pd.concat([t.assign(case_id=f"{prefix}-{i}") for i, t in enumerate(tables, 1)],
                     ignore_index=True)


def write_csv(path: Path, rows: Iterable[Sequence[str]]) -> Path:
    """A CSV return written as Excel writes it (UTF-8, minimal quoting); its path."""
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path
