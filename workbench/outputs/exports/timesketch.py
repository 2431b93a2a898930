"""Timesketch: the case as a timeline a police digital team loads into the tool it uses.

Timesketch imports CSV and JSON lines (one JSON object per line) in which every event has
``message`` (the line shown in the timeline), ``datetime`` (ISO 8601 with its UTC offset)
and ``timestamp_desc`` (what the time means); other fields are kept and searchable.
:func:`timesketch_table` builds the events (one row per dated event, in time order, with
the required fields first and then the event's own fields); :func:`write_timesketch_csv`
writes them through the project's neutralising CSV writer and :func:`write_timesketch_jsonl`
as JSON lines. Events whose date is unknown cannot be placed on a timeline and are left out.

"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from workbench.analysis.analyse import Analysis
from workbench.case import EVENT_COLUMNS, Case
from workbench.io.atomic import atomic_open, write_csv
from workbench.kinds import kind_labels
from workbench.outputs.exports._common import analysis_of, case_id_of, plain
from workbench.timeutil import LOCAL

if TYPE_CHECKING:
    from workbench.protocols import Protocol

__all__ = ["TIMESKETCH_FIELDS", "timesketch_table", "write_timesketch_csv",
           "write_timesketch_jsonl"]

#: the fields Timesketch requires of every event (no ``timestamp`` in microseconds: Timesketch
#: reads ``datetime``, and a 16-digit number is what the identifier scan flags)
TIMESKETCH_FIELDS = ("message", "datetime", "timestamp_desc")

#: what the time of an event means, by the precision of its date as written
_TIME_MEANS = {
    "minute": "Event time",
    "day": "Start of the day (no time recorded)",
    "month": "Start of the month (no day recorded)",
    "year": "Start of the year (no month recorded)",
    "range": "Start of the date range recorded",
    "relative": "Date worked out from another record",
}
#: the event's fields after the required ones (source_file: where it came from)
_EVENT_FIELDS = ("id", "case_id", "seq", "agency", "sector", "kind", "kind_label", "when",
                 "precision", "approximate", "end", "summary", "details", "action", "outcome",
                 "recipients", "attendees", "risk_grade", "author", "source_ref", "source")


def timesketch_table(data: Case | Analysis, *, protocol: Protocol | str | None = None
                     ) -> pd.DataFrame:
    """One row per dated event, in time order: ``id`` first (a spreadsheet's byte-order
    mark then never touches a required field), then :data:`TIMESKETCH_FIELDS`, then the
    event's own fields. Times are text: ISO 8601 in Europe/London with the offset."""
    analysis = analysis_of(data, protocol)
    ev = analysis.events.sort_values(["start", "seq"], kind="stable")
    ev = ev.loc[ev["start"].notna()]
    labels = kind_labels()
    case_id = case_id_of(analysis)
    rows = []
    for row in ev.to_dict("records"):
        label = labels.get(row["kind"], row["kind"])
        start = row["start"].tz_convert(LOCAL)
        parts = (str(row.get("summary") or ""), str(row.get("details") or ""))
        text = " — ".join(p for p in parts if p and p.casefold() != label.casefold())
        fields = {f: _value(row.get(f)) for f in _EVENT_FIELDS if f in EVENT_COLUMNS}
        end = row.get("end")
        rows.append({
            "id": row["id"],
            "message": f"[{row['agency']}] {label}: {text}" if text else f"[{row['agency']}] {label}",
            "datetime": start.isoformat(),
            "timestamp_desc": _TIME_MEANS.get(str(row.get("precision")), "Event time"),
            **fields,
            "case_id": str(row.get("case_id") or case_id),
            "kind_label": label,
            "end": "" if end is None or pd.isna(end) or row.get("precision") == "minute"
            else end.tz_convert(LOCAL).isoformat(),
        })
    columns = ["id", *TIMESKETCH_FIELDS, *(f for f in _EVENT_FIELDS if f != "id")]
    return pd.DataFrame(rows, columns=columns)


def _value(value: object) -> object:
    value = plain(value)
    return "" if value is None else value


def write_timesketch_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """The table as a Timesketch CSV (neutralised and atomic, :func:`workbench.io.atomic.write_csv`)."""
    return write_csv(table, path, sep=",")


def write_timesketch_jsonl(table: pd.DataFrame, path: str | Path) -> Path:
    """The table as Timesketch JSON lines: one event per line, written atomically."""
    with atomic_open(path, "w", encoding="utf-8", newline="\n") as fh:
        for record in table.to_dict("records"):
            fh.write(json.dumps({k: plain(v) for k, v in record.items()}, ensure_ascii=False))
            fh.write("\n")
    return Path(path)
