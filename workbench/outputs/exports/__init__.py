"""Standard exports: process-mining logs, the agency network, and spreadsheets.

:func:`export_case` writes one case in one format:

============== ================================================================
``ocel-json``  OCEL 2.0 JSON: events with their objects (the child, agencies,
               missing episodes, hand-offs, meetings) and qualified relations
``ocel-sqlite`` OCEL 2.0 SQLite (the relational layout of the specification)
``xes``        IEEE XES: one trace per child; ``concept:name`` the kind,
               ``org:group`` the agency, ``org:resource`` the worker (or agency)
``graphml``    the agency network (:func:`workbench.analysis.network.agency_graph`)
``gexf``       the same network for Gephi
``csv``        a folder of tables: events, episodes, hand-offs, flags, action plan
``xlsx``       the same tables as worksheets of one workbook
``timesketch-csv``   a Timesketch timeline: ``message``, ``datetime`` (ISO 8601 with
               its offset), ``timestamp_desc`` and the event's fields, one row per event
``timesketch-jsonl`` the same timeline as JSON lines
============== ================================================================

Every file is written atomically; CSV and XLSX text is neutralised so that no cell
runs as a formula in a spreadsheet (:mod:`workbench.io.atomic`). Events whose date
is unknown cannot be placed in a process-mining log and are left out of OCEL and
XES (the result's ``counts["undated_left_out"]`` says how many); every event keeps
its date as written (``when``), its ``precision`` and, for imprecise dates, the
``end`` of the interval it could lie in.

Examples
--------
>>> import tempfile, pathlib
>>> from workbench.io.importer import import_chronologies
>>> case = import_chronologies(["casestudies/good-practice"])    # doctest: +SKIP
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> export_case(case, "xes", out / "case.xes").counts["events"]  # doctest: +SKIP
66
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from workbench.analysis.analyse import Analysis
from workbench.case import Case
from workbench.io.atomic import atomic_open, atomic_path, write_csv, write_xlsx
from workbench.outputs.exports._common import analysis_of, case_id_of
from workbench.outputs.exports.ocel import ocel_document, write_ocel_json, write_ocel_sqlite
from workbench.outputs.exports.tables import (
    ACTION_PLAN_COLUMNS,
    action_plan_table,
    export_graph,
    export_tables,
)
from workbench.outputs.exports.timesketch import (
    timesketch_table,
    write_timesketch_csv,
    write_timesketch_jsonl,
)
from workbench.outputs.exports.xes import xes_document

if TYPE_CHECKING:
    from workbench.analysis.rules import Rule
    from workbench.protocols import Protocol
    from workbench.store import NotesStore

__all__ = ["ACTION_PLAN_COLUMNS", "FORMATS", "ExportResult", "action_plan_table", "export_case",
           "export_graph", "export_tables", "ocel_document", "timesketch_table",
           "write_ocel_json", "write_ocel_sqlite", "write_timesketch_csv",
           "write_timesketch_jsonl", "xes_document"]

FORMATS = ("ocel-json", "ocel-sqlite", "xes", "graphml", "gexf", "csv", "xlsx",
           "timesketch-csv", "timesketch-jsonl")


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the format, the files and counts of what they hold."""

    format: str
    paths: tuple[Path, ...]
    counts: Mapping[str, int] = field(default_factory=dict)


def export_case(case: Case | Analysis, fmt: str, out: str | Path, *,
                protocol: Protocol | str | None = None, rules: Iterable[Rule] | None = None,
                store: NotesStore | None = None) -> ExportResult:
    """Write ``case`` in format ``fmt`` (one of :data:`FORMATS`) to ``out``.

    ``out`` is a file, except for ``csv``, where it is a folder that receives one
    file per table. ``store`` supplies the review record's action plan for ``csv``
    and ``xlsx``; ``rules`` the rules whose flags are tabled (default: the bundled).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (formats: {', '.join(FORMATS)})")
    analysis = analysis_of(case, protocol)
    out = Path(out)
    undated = int(analysis.events["start"].isna().sum())
    if fmt in ("ocel-json", "ocel-sqlite"):
        doc = ocel_document(analysis)
        (write_ocel_json if fmt == "ocel-json" else write_ocel_sqlite)(doc, out)
        relations = sum(len(e["relationships"]) for e in doc["events"])
        return ExportResult(fmt, (out,), {"events": len(doc["events"]),
                                          "objects": len(doc["objects"]),
                                          "relations": relations,
                                          "undated_left_out": undated})
    if fmt in ("timesketch-csv", "timesketch-jsonl"):
        table = timesketch_table(analysis)
        (write_timesketch_csv if fmt == "timesketch-csv" else write_timesketch_jsonl)(table, out)
        return ExportResult(fmt, (out,), {"events": len(table), "undated_left_out": undated})
    if fmt == "xes":
        tree = xes_document(analysis)
        with atomic_open(out, "wb") as fh:
            tree.write(fh, encoding="utf-8", xml_declaration=True)
        root = tree.getroot()
        return ExportResult(fmt, (out,), {"traces": len(root.findall("trace")),
                                          "events": len(root.findall("trace/event")),
                                          "undated_left_out": undated})
    if fmt in ("graphml", "gexf"):
        from workbench.analysis.network import agency_graph

        G = export_graph(agency_graph(analysis), viz=fmt == "gexf")
        with atomic_path(out) as temp:
            (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(G, temp)
        return ExportResult(fmt, (out,), {"nodes": G.number_of_nodes(),
                                          "edges": G.number_of_edges()})
    record = None
    if store is not None:
        record = store.review_record(case_id_of(analysis))
    tables = export_tables(analysis, rules=rules, record=record)
    counts = {name: len(frame) for name, frame in tables.items()}
    if fmt == "xlsx":
        return ExportResult(fmt, (write_xlsx(tables, out),), counts)
    out.mkdir(parents=True, exist_ok=True)
    paths = tuple(write_csv(frame, out / f"{name}.csv") for name, frame in tables.items())
    return ExportResult(fmt, paths, counts)
