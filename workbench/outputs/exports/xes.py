"""XES (IEEE 1849-2016): one trace per child, events in time order."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping

import pandas as pd

from workbench.analysis.analyse import Analysis, analyse
from workbench.case import Case
from workbench.outputs.exports._common import clean

__all__ = ["xes_document"]

_XES_EXTENSIONS = (("Concept", "concept"), ("Time", "time"), ("Organizational", "org"),
                   ("Lifecycle", "lifecycle"))
_XES_EXTRA = ("id", "summary", "risk_grade", "when", "precision", "source")


def _xes_time(ts: pd.Timestamp) -> str:
    return ts.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S.000+00:00")


def _attr(parent: ET.Element, tag: str, key: str, value: str) -> None:
    ET.SubElement(parent, tag, key=key, value=clean(value))


def xes_document(data: Case | Analysis | pd.DataFrame, *,
                 child_labels: Mapping[str, str] | None = None) -> ET.ElementTree[ET.Element]:
    """An IEEE 1849-2016 XES log: one trace per child (``case_id``), events in time order.

    Each event has ``concept:name`` (its kind), ``time:timestamp``, ``org:group`` (the
    agency), ``org:resource`` (the worker who recorded it, else the agency),
    ``lifecycle:transition`` ``complete`` and the event's id, summary, risk grade,
    date as written, precision and source. Undated events are left out.
    """
    analysis = analyse(data)
    ev = analysis.events
    if analysis.case is not None and child_labels is None:
        child_labels = {analysis.case.id: str(analysis.case.child.get("label", ""))}
    ev = ev.loc[ev["start"].notna()].sort_values(["case_id", "start", "seq"], kind="stable")
    log = ET.Element("log", {"xes.version": "1849-2016", "xes.features": "nested-attributes",
                             "xmlns": "http://www.xes-standard.org/"})
    for name, prefix in _XES_EXTENSIONS:
        ET.SubElement(log, "extension", name=name, prefix=prefix,
                      uri=f"http://www.xes-standard.org/{prefix}.xesext")
    trace_global = ET.SubElement(log, "global", scope="trace")
    _attr(trace_global, "string", "concept:name", "__INVALID__")
    event_global = ET.SubElement(log, "global", scope="event")
    _attr(event_global, "string", "concept:name", "__INVALID__")
    ET.SubElement(event_global, "date", key="time:timestamp", value="1970-01-01T00:00:00.000+00:00")
    _attr(event_global, "string", "org:group", "__INVALID__")
    ET.SubElement(log, "classifier", name="Kind", keys="concept:name")
    ET.SubElement(log, "classifier", name="Kind and agency", keys="concept:name org:group")
    _attr(log, "string", "concept:name", "case review workbench export")
    for case_id, rows in ev.groupby("case_id", sort=False):
        trace = ET.SubElement(log, "trace")
        _attr(trace, "string", "concept:name", str(case_id))
        label = (child_labels or {}).get(str(case_id))
        if label:
            _attr(trace, "string", "child", label)
        for row in rows.itertuples(index=False):
            event = ET.SubElement(trace, "event")
            _attr(event, "string", "concept:name", row.kind)
            ET.SubElement(event, "date", key="time:timestamp", value=_xes_time(row.start))
            _attr(event, "string", "org:group", row.agency)
            _attr(event, "string", "org:resource", row.author or row.agency)
            _attr(event, "string", "lifecycle:transition", "complete")
            for name in _XES_EXTRA:
                value = getattr(row, name, "")
                if value:
                    _attr(event, "string", name, value)
    ET.indent(log, space=" ")
    return ET.ElementTree(log)
