"""Exports: OCEL 2.0 (JSON, SQLite), XES, GraphML, GEXF, CSV, XLSX; safe files."""

import csv
import datetime as dt
import json
import os
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import networkx as nx
import openpyxl
import pandas as pd
import pytest

from tests.casebuilder import events
from workbench.agencies import load_aliases
from workbench.analysis.analyse import analyse
from workbench.analysis.network import agency_graph
from workbench.case import case_from_events
from workbench.io.atomic import (
    FORMULA_TRIGGERS,
    atomic_open,
    atomic_write,
    neutralise,
    write_csv,
    write_xlsx,
)
from workbench.io.importer import import_chronologies
from workbench.outputs.exports import FORMATS, export_case, ocel_document
from workbench.review_record import Action, Recommendation
from workbench.store import NotesStore

ROOT = Path(__file__).resolve().parents[1]
XES = "{http://www.xes-standard.org/}"


def small_case(**summaries):
    """A fictional case: two episodes, a referral, shares, a meeting, imprecise dates."""
    rows = [
        ("01/2024", "School", "contact", {"summary": "Attendance falling"}),
        ("undated", "Health", "contact", {"summary": "Seen by GP (date unknown)"}),
        ("05/02/2025 22:00", "Police", "missing_report", {"risk_grade": "medium",
                                                          "author": "PC 1"}),
        ("06/02/2025 09:00", "Police", "found",
         {"recipients": ["Children's Social Care", "Return Interview Service"]}),
        ("07/02/2025 10:00", "Return Interview Service", "return_interview_completed",
         {"author": "RI Worker 1"}),
        ("07/02/2025 10:30", "Return Interview Service", "disclosure",
         {"summary": "Named an older male"}),
        ("10/02/2025 10:00", "School", "referral", {"recipients": "Children's Social Care"}),
        ("20/02/2025 23:00", "Police", "missing_report", {"risk_grade": "low"}),
        ("21/02/2025 08:00", "Police", "found"),
        ("24/02/2025 14:00", "Children's Social Care", "strategy_meeting",
         {"attendees": ["Police", "Children's Social Care", "School"]}),
    ]
    for i, text in summaries.items():
        rows[int(i.lstrip("e")) - 1][3]["summary"] = text
    return case_from_events(events(*rows), id="small",
                            meta={"title": "Small case", "child": {"label": "Child Z",
                                                                   "looked_after": False}},
                            sources=("test.csv",), aliases=load_aliases())


@pytest.fixture(scope="module")
def case():
    return small_case()


@pytest.fixture(scope="module")
def county_lines():
    return import_chronologies([ROOT / "casestudies" / "county-lines"])


# -- OCEL 2.0: the JSON structure of the specification -----------------------------------

#: The published OCEL 2.0 JSON schema, unchanged (tests/vendor/ocel20/README.md: source, licence)
OCEL2_JSON_SCHEMA = json.loads((ROOT / "tests" / "vendor" / "ocel20" / "ocel20-schema-json.json")
                               .read_text("utf-8"))
_ATTRIBUTE_TYPES = {"string", "time", "integer", "float", "boolean"}


def _check_typed(value, kind):
    """An attribute value (a string, as the schema has it) reads as its declared type."""
    assert isinstance(value, str), value
    if kind == "time":
        assert dt.datetime.fromisoformat(value).tzinfo is not None, value
    elif kind == "integer":
        int(value)
    elif kind == "float":
        float(value)
    elif kind == "boolean":
        assert value in ("true", "false"), value


def check_ocel_json(doc):
    """The schema, plus the rules the specification states in words."""
    assert OCEL2_JSON_SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    validator = jsonschema.Draft7Validator(OCEL2_JSON_SCHEMA,
                                           format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    for t in [*doc["objectTypes"], *doc["eventTypes"]]:
        assert {a["type"] for a in t["attributes"]} <= _ATTRIBUTE_TYPES, t
    object_types = {t["name"]: {a["name"]: a["type"] for a in t["attributes"]}
                    for t in doc["objectTypes"]}
    event_types = {t["name"]: {a["name"]: a["type"] for a in t["attributes"]}
                   for t in doc["eventTypes"]}
    assert len(object_types) == len(doc["objectTypes"])  # type names unique
    assert len(event_types) == len(doc["eventTypes"])
    objects = {o["id"]: o for o in doc["objects"]}
    assert len(objects) == len(doc["objects"])  # ids unique
    assert len({e["id"] for e in doc["events"]}) == len(doc["events"])
    for o in doc["objects"]:
        assert o["type"] in object_types
        for a in o.get("attributes", []):
            _check_typed(a["value"], object_types[o["type"]][a["name"]])
            dt.datetime.fromisoformat(a["time"])
        for r in o.get("relationships", []):
            assert r["objectId"] in objects
    for e in doc["events"]:
        assert e["type"] in event_types
        assert dt.datetime.fromisoformat(e["time"]).tzinfo is not None
        for a in e.get("attributes", []):
            _check_typed(a["value"], event_types[e["type"]][a["name"]])
        for r in e.get("relationships", []):
            assert r["objectId"] in objects
        # one relation per object: readers key event-object links by the pair (pm4py)
        linked = [r["objectId"] for r in e.get("relationships", [])]
        assert len(linked) == len(set(linked)), e["id"]


def test_ocel_json_follows_the_ocel2_structure_and_counts_round_trip(case, tmp_path):
    result = export_case(case, "ocel-json", tmp_path / "case.jsonocel")
    doc = json.loads((tmp_path / "case.jsonocel").read_text("utf-8"))
    check_ocel_json(doc)
    assert result.counts == {"events": 9, "objects": len(doc["objects"]),
                             "relations": sum(len(e["relationships"]) for e in doc["events"]),
                             "undated_left_out": 1}
    types = {}
    for o in doc["objects"]:
        types[o["type"]] = types.get(o["type"], 0) + 1
    # the child; 4 agencies (Health's only record is undated, so it is left out with it);
    # 2 episodes; 3 hand-offs (the found shared with CSC and RIS, the referral); 1 meeting
    assert types == {"child": 1, "agency": 4, "episode": 2, "handoff": 3, "meeting": 1}
    assert {e["id"] for e in doc["events"]} == set(case.events["id"]) - {"e2"}


def test_ocel_relations_are_qualified(case):
    doc = ocel_document(case)
    rel = {e["id"]: {(r["objectId"], r["qualifier"]) for r in e["relationships"]}
           for e in doc["events"]}
    assert ("child:small", "about child") in rel["e1"]
    assert ("agency:Police", "recorded by") in rel["e3"]
    assert ("episode:small:1", "opens") in rel["e3"]
    assert ("episode:small:1", "closes") in rel["e4"]
    assert ("handoff:e4>Children's Social Care", "sends") in rel["e4"]
    assert ("agency:Return Interview Service", "shared with") in rel["e4"]
    assert ("episode:small:1", "follows up") in rel["e5"]
    assert {("meeting:e10", "records"), ("agency:School", "attended by")} <= rel["e10"]
    # the agency that recorded the meeting and attended it: one relation naming both
    assert ("agency:Children's Social Care", "recorded by and attended by") in rel["e10"]
    assert ("agency:Children's Social Care", "recorded by") not in rel["e10"]
    objects = {o["id"]: o for o in doc["objects"]}
    handoff = objects["handoff:e7>Children's Social Care"]
    assert {(r["objectId"], r["qualifier"]) for r in handoff["relationships"]} == {
        ("agency:School", "from"), ("agency:Children's Social Care", "to")}
    states = [(a["value"], a["time"]) for a in objects["episode:small:1"]["attributes"]
              if a["name"] == "state"]
    assert states == [("missing", "2025-02-05T22:00:00Z"), ("found", "2025-02-06T09:00:00Z")]
    # an imprecise date keeps its interval and its words
    school = next(e for e in doc["events"] if e["id"] == "e1")
    attrs = {a["name"]: a["value"] for a in school["attributes"]}
    assert (attrs["when"], attrs["precision"], attrs["end"]) == \
        ("01/2024", "month", "2024-02-01T00:00:00Z")
    # readable activity labels; the kind's id and typed values as strings
    report = next(e for e in doc["events"] if e["id"] == "e3")
    attrs = {a["name"]: a["value"] for a in report["attributes"]}
    assert (report["type"], attrs["kind"], attrs["seq"]) == ("Missing report", "missing_report", "3")
    assert {t["name"] for t in doc["eventTypes"]} >= {"Missing report", "Found or returned",
                                                     "Strategy meeting", "Return interview held"}
    child = objects["child:small"]
    assert {a["name"]: a["value"] for a in child["attributes"]}["looked_after"] == "false"


def test_ocel_json_of_a_case_study_is_valid(county_lines, tmp_path):
    result = export_case(county_lines, "ocel-json", tmp_path / "c.json")
    check_ocel_json(json.loads((tmp_path / "c.json").read_text("utf-8")))
    assert result.counts["events"] == len(county_lines.events)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["small", "county-lines"])
def test_pm4py_reads_back_every_event_object_and_relation(case, county_lines, tmp_path, which):
    """pm4py (the reference reader) keeps every event, object, event-object relation (with
    its qualifier) and object-object relation: none is merged away."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pm4py's own deprecations are not ours
        import pm4py

        path = tmp_path / "log.jsonocel"
        export_case(case if which == "small" else county_lines, "ocel-json", path)
        log = pm4py.read_ocel2_json(str(path))
    doc = json.loads(path.read_text("utf-8"))
    assert set(log.events["ocel:eid"]) == {e["id"] for e in doc["events"]}
    assert len(log.events) == len(doc["events"])
    assert set(log.objects["ocel:oid"]) == {o["id"] for o in doc["objects"]}
    assert len(log.objects) == len(doc["objects"])
    links = {(e["id"], r["objectId"], r["qualifier"]) for e in doc["events"]
             for r in e["relationships"]}
    read = set(zip(log.relations["ocel:eid"], log.relations["ocel:oid"],
                   log.relations["ocel:qualifier"], strict=True))
    assert len(log.relations) == len(links) and read == links
    o2o = {(o["id"], r["objectId"], r["qualifier"]) for o in doc["objects"]
           for r in o["relationships"]}
    assert set(zip(log.o2o["ocel:oid"], log.o2o["ocel:oid_2"], log.o2o["ocel:qualifier"],
                   strict=True)) == o2o
    labels = dict(zip(log.events["ocel:eid"], log.events["ocel:activity"], strict=True))
    assert {labels[e["id"]] for e in doc["events"]} == {e["type"] for e in doc["events"]}
    if which == "small":
        assert labels["e3"] == "Missing report"
        assert ("e10", "agency:Children's Social Care", "recorded by and attended by") in read


# -- OCEL 2.0: the relational layout ------------------------------------------------------

def _columns(db, table):
    return {r[1]: {"type": r[2], "pk": r[5]} for r in db.execute(f'PRAGMA table_info("{table}")')}


def _foreign_keys(db, table):
    return {(r[2], r[3], r[4]) for r in db.execute(f'PRAGMA foreign_key_list("{table}")')}


def test_ocel_sqlite_has_the_layout_of_the_specification(case, tmp_path):
    path = tmp_path / "case.sqlite"
    result = export_case(case, "ocel-sqlite", path)
    db = sqlite3.connect(path)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    fixed = {"event", "object", "event_object", "object_object", "event_map_type",
             "object_map_type"}
    assert fixed <= tables
    event_maps = dict(db.execute("SELECT ocel_type, ocel_type_map FROM event_map_type"))
    object_maps = dict(db.execute("SELECT ocel_type, ocel_type_map FROM object_map_type"))
    typed = {f"event_{m}" for m in event_maps.values()} | {f"object_{m}" for m in
                                                          object_maps.values()}
    assert tables == fixed | typed  # one table per type, nothing else
    for table in ("event_map_type", "object_map_type"):
        assert _columns(db, table)["ocel_type"]["pk"] == 1
    for table, mapped in (("event", "event_map_type"), ("object", "object_map_type")):
        assert _columns(db, table)["ocel_id"]["pk"] == 1
        assert (mapped, "ocel_type", "ocel_type") in _foreign_keys(db, table)
    e2o = _columns(db, "event_object")
    assert {c for c, d in e2o.items() if d["pk"]} == {"ocel_event_id", "ocel_object_id",
                                                     "ocel_qualifier"}
    assert _foreign_keys(db, "event_object") == {("event", "ocel_event_id", "ocel_id"),
                                                 ("object", "ocel_object_id", "ocel_id")}
    o2o = _columns(db, "object_object")
    assert {c for c, d in o2o.items() if d["pk"]} == {"ocel_source_id", "ocel_target_id",
                                                     "ocel_qualifier"}
    assert _foreign_keys(db, "object_object") == {("object", "ocel_source_id", "ocel_id"),
                                                  ("object", "ocel_target_id", "ocel_id")}
    for m in event_maps.values():
        cols = _columns(db, f"event_{m}")
        assert cols["ocel_id"]["pk"] == 1 and cols["ocel_time"]["type"] == "TIMESTAMP"
        assert ("event", "ocel_id", "ocel_id") in _foreign_keys(db, f"event_{m}")
    for m in object_maps.values():
        cols = _columns(db, f"object_{m}")
        assert cols["ocel_time"]["type"] == "TIMESTAMP" and "ocel_changed_field" in cols
        assert ("object", "ocel_id", "ocel_id") in _foreign_keys(db, f"object_{m}")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    n_events = db.execute("SELECT COUNT(*) FROM event").fetchone()[0]
    n_objects = db.execute("SELECT COUNT(*) FROM object").fetchone()[0]
    typed_events = sum(db.execute(f'SELECT COUNT(*) FROM "event_{m}"').fetchone()[0]
                       for m in event_maps.values())
    initial_rows = sum(db.execute(f'SELECT COUNT(*) FROM "object_{m}" WHERE '
                                  "ocel_changed_field IS NULL").fetchone()[0]
                       for m in object_maps.values())
    assert (n_events, n_objects) == (result.counts["events"], result.counts["objects"])
    assert typed_events == n_events and initial_rows == n_objects
    db.close()


def test_ocel_json_and_sqlite_hold_the_same_log(case, tmp_path):
    export_case(case, "ocel-json", tmp_path / "a.json")
    export_case(case, "ocel-sqlite", tmp_path / "a.sqlite")
    doc = json.loads((tmp_path / "a.json").read_text("utf-8"))
    db = sqlite3.connect(tmp_path / "a.sqlite")
    assert set(db.execute("SELECT ocel_id, ocel_type FROM event")) == \
        {(e["id"], e["type"]) for e in doc["events"]}
    assert set(db.execute("SELECT ocel_id, ocel_type FROM object")) == \
        {(o["id"], o["type"]) for o in doc["objects"]}
    assert set(db.execute("SELECT * FROM event_object")) == \
        {(e["id"], r["objectId"], r["qualifier"]) for e in doc["events"]
         for r in e["relationships"]}
    assert set(db.execute("SELECT * FROM object_object")) == \
        {(o["id"], r["objectId"], r["qualifier"]) for o in doc["objects"]
         for r in o["relationships"]}
    maps = dict(db.execute("SELECT * FROM event_map_type"))
    times = dict(db.execute(f'SELECT ocel_id, ocel_time FROM "event_{maps["Found or returned"]}"'))
    assert times == {"e4": "2025-02-06 09:00:00", "e9": "2025-02-21 08:00:00"}
    db.close()


# -- XES ----------------------------------------------------------------------------------

def test_xes_has_one_trace_per_child_and_standard_extensions(case, tmp_path):
    result = export_case(case, "xes", tmp_path / "case.xes")
    root = ET.parse(tmp_path / "case.xes").getroot()
    assert root.tag == f"{XES}log" and root.get("xes.version") == "1849-2016"
    prefixes = {e.get("prefix"): e.get("uri") for e in root.findall(f"{XES}extension")}
    assert {"concept", "time", "org"} <= set(prefixes)
    assert prefixes["org"] == "http://www.xes-standard.org/org.xesext"
    traces = root.findall(f"{XES}trace")
    evs = root.findall(f"{XES}trace/{XES}event")
    assert (len(traces), len(evs)) == (1, 9) == (result.counts["traces"],
                                                  result.counts["events"])
    name = {a.get("key"): a.get("value") for a in traces[0].findall(f"{XES}string")}
    assert name == {"concept:name": "small", "child": "Child Z"}
    first = {a.get("key"): a.get("value") for a in evs[1]}
    assert first["concept:name"] == "missing_report" and first["org:group"] == "Police"
    assert first["org:resource"] == "PC 1" and first["time:timestamp"].endswith("+00:00")
    stamps = [dt.datetime.fromisoformat(e.find(f"{XES}date").get("value")) for e in evs]
    assert stamps == sorted(stamps)
    for e in evs:
        keys = {a.get("key") for a in e}
        assert {"concept:name", "time:timestamp", "org:group", "org:resource"} <= keys


def test_xes_of_a_cohort_table_has_a_trace_per_case(case):
    from workbench.outputs.exports import xes_document

    table = pd.concat([case.events.assign(case_id="a"), case.events.assign(case_id="b")])
    root = ET.fromstring(ET.tostring(xes_document(table).getroot()))
    assert len(root.findall(f"{XES}trace")) == 2


# -- the agency network -------------------------------------------------------------------

@pytest.mark.parametrize(("fmt", "read"), [("graphml", nx.read_graphml),
                                           ("gexf", nx.read_gexf)])
def test_agency_network_round_trips(case, tmp_path, fmt, read):
    result = export_case(case, fmt, tmp_path / f"net.{fmt}")
    G = agency_graph(analyse(case))
    H = read(tmp_path / f"net.{fmt}")
    assert H.is_directed()
    assert set(H.nodes) == set(G.nodes) and set(H.edges) == set(G.edges)
    assert result.counts == {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}
    for a, b, d in G.edges(data=True):
        assert int(H.edges[a, b]["count"]) == d["count"]
        assert H.edges[a, b]["handoffs"] == "; ".join(d["handoffs"])
    assert H.nodes["Police"]["sector"] == "police"


# -- CSV and XLSX -------------------------------------------------------------------------

@pytest.fixture
def store_with_plan(tmp_path, case):
    store = NotesStore(tmp_path / "review.sqlite")
    rec = store.save(Recommendation(case_id=case.id, text="=HYPERLINK(\"http://x\")"))
    store.save(Action(case_id=case.id, text="+1 chase referrals", owner="@School",
                      due="2025-06-30", recommendation=rec.id))
    yield store
    store.close()


def test_csv_tables_round_trip(case, tmp_path, store_with_plan):
    result = export_case(case, "csv", tmp_path / "tables", store=store_with_plan, rules=[])
    names = sorted(p.name for p in result.paths)
    assert names == ["action-plan.csv", "episodes.csv", "events.csv", "flags.csv",
                     "handoffs.csv"]
    a = analyse(case)
    expected = {"events": len(case.events), "episodes": len(a.episodes),
                "handoffs": len(a.handoffs), "flags": 0, "action-plan": 1}
    assert result.counts == expected
    for name, n in expected.items():
        frame = pd.read_csv(tmp_path / "tables" / f"{name}.csv", encoding="utf-8-sig",
                            keep_default_na=False)
        assert len(frame) == n, name
    ev = pd.read_csv(tmp_path / "tables" / "events.csv", encoding="utf-8-sig",
                     keep_default_na=False)
    assert ev["id"].tolist() == case.events["id"].tolist()
    assert ev.loc[2, "start"] == "2025-02-05T22:00:00+00:00"  # Europe/London, with offset
    plan = pd.read_csv(tmp_path / "tables" / "action-plan.csv", encoding="utf-8-sig")
    assert plan.loc[0, "owner"] == "'@School" and plan.loc[0, "action"] == "'+1 chase referrals"
    assert plan.loc[0, "recommendation"] == "'=HYPERLINK(\"http://x\")"


def test_xlsx_tables_round_trip_and_hold_no_formula(case, tmp_path, store_with_plan):
    result = export_case(case, "xlsx", tmp_path / "case.xlsx", store=store_with_plan, rules=[])
    book = openpyxl.load_workbook(tmp_path / "case.xlsx")
    assert book.sheetnames == ["events", "episodes", "handoffs", "flags", "action-plan"]
    for name, n in result.counts.items():
        assert book[name].max_row - 1 == n, name
    assert all(c.data_type != "f" for ws in book for row in ws.iter_rows() for c in row)
    plan = pd.read_excel(tmp_path / "case.xlsx", sheet_name="action-plan")
    assert plan.loc[0, "recommendation"] == "'=HYPERLINK(\"http://x\")"
    events_sheet = pd.read_excel(tmp_path / "case.xlsx", sheet_name="events")
    assert events_sheet["id"].tolist() == case.events["id"].tolist()


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_every_formula_trigger_is_neutralised_in_csv_and_xlsx(trigger, tmp_path):
    text = f"{trigger}cmd|' /C calc'!A0"
    assert neutralise(text) == "'" + text
    case = small_case(e3=text)
    export_case(case, "csv", tmp_path / "csv", rules=[])
    frame = pd.read_csv(tmp_path / "csv" / "events.csv", encoding="utf-8-sig",
                        keep_default_na=False)
    assert frame.loc[2, "summary"] == "'" + text
    export_case(case, "xlsx", tmp_path / "case.xlsx", rules=[])
    book = openpyxl.load_workbook(tmp_path / "case.xlsx")
    ws = book["events"]
    column = [c.value for c in ws[1]].index("summary") + 1
    cell = ws.cell(row=4, column=column)
    # XML (so XLSX) cannot hold NUL (shown as U+FFFD); the standard library's XML writer
    # lets a lone CR be read as LF, lxml's (openpyxl uses it when installed) keeps it
    from openpyxl.xml import LXML

    shown = {"\0": "\ufffd", "\r": "\r" if LXML else "\n"}.get(trigger, trigger)
    assert cell.data_type == "s" and cell.value == "'" + shown + text[1:]
    assert all(c.data_type != "f" for ws in book for row in ws.iter_rows() for c in row)


def test_text_is_stored_as_text_even_when_it_looks_like_a_formula(tmp_path):
    frame = pd.DataFrame({"text": ["=1+1", "plain", None], "n": [1, -2, 3],
                          "when": pd.to_datetime(["2025-07-01 12:00", None, None], utc=True),
                          "ids": [("a", "b"), (), ("c",)]})
    write_xlsx({"t": frame}, tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["t"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert rows[0][0] == "'=1+1" and rows[1][1] == -2 and rows[2][0] is None
    assert rows[0][2] == dt.datetime(2025, 7, 1, 13, 0)  # Europe/London wall clock
    assert rows[0][3] == "a; b"
    write_csv(frame, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig")
    assert back["text"].tolist()[:2] == ["'=1+1", "plain"] and back["n"].tolist() == [1, -2, 3]


# -- Timesketch ---------------------------------------------------------------------------

TIMESKETCH_REQUIRED = ("message", "datetime", "timestamp_desc")


def _timesketch_rows(fmt, path):
    """The events as Timesketch's importers read them: CSV rows by header, or JSON lines."""
    if fmt == "timesketch-csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


@pytest.mark.parametrize("fmt", ["timesketch-csv", "timesketch-jsonl"])
def test_timesketch_reader_gets_every_dated_event_with_the_required_fields(case, tmp_path, fmt):
    out = tmp_path / f"case.{fmt.split('-')[1]}"
    result = export_case(case, fmt, out)
    rows = _timesketch_rows(fmt, out)
    assert result.counts == {"events": 9, "undated_left_out": 1}
    assert [r["id"] for r in rows] == ["e1", "e3", "e4", "e5", "e6", "e7", "e8", "e9", "e10"]
    for r in rows:
        assert all(str(r[f]).strip() for f in TIMESKETCH_REQUIRED), r
        when = dt.datetime.fromisoformat(r["datetime"])
        assert when.utcoffset() is not None            # ISO 8601 with its offset
    by_id = {r["id"]: r for r in rows}
    report = by_id["e3"]
    assert report["message"] == "[Police] Missing report"
    assert report["datetime"] == "2025-02-05T22:00:00+00:00"
    assert report["timestamp_desc"] == "Event time"
    assert (report["agency"], report["kind"], report["risk_grade"], report["author"]) == \
        ("Police", "missing_report", "medium", "PC 1")
    assert by_id["e6"]["message"] == "[Return Interview Service] Child's account or disclosure: " \
        "Named an older male"
    # an imprecise date: the start of its month, said so, with the interval's end
    school = by_id["e1"]
    assert (school["datetime"], school["when"], school["end"]) == \
        ("2024-01-01T00:00:00+00:00", "01/2024", "2024-02-01T00:00:00+00:00")
    assert school["timestamp_desc"] == "Start of the month (no day recorded)"
    assert by_id["e10"]["recipients"] == "" and "School" in by_id["e10"]["attendees"]


def test_timesketch_csv_is_neutralised_and_json_lines_keep_the_text(tmp_path):
    case = small_case(e6="=HYPERLINK(\"http://example.invalid\")")
    export_case(case, "timesketch-csv", tmp_path / "t.csv")
    export_case(case, "timesketch-jsonl", tmp_path / "t.jsonl")
    csv_rows = {r["id"]: r for r in _timesketch_rows("timesketch-csv", tmp_path / "t.csv")}
    json_rows = {r["id"]: r for r in _timesketch_rows("timesketch-jsonl", tmp_path / "t.jsonl")}
    assert csv_rows["e6"]["summary"].startswith("'=HYPERLINK")
    assert json_rows["e6"]["summary"].startswith("=HYPERLINK")
    # the byte-order mark (for Excel) sits on the id column, never on a required field
    header = (tmp_path / "t.csv").read_text("utf-8").splitlines()[0]
    assert header.startswith("\ufeffid,message,datetime,timestamp_desc")


def test_timesketch_is_a_format_of_the_export_command(tmp_path, capsys):
    from workbench.cli import main

    folder = ROOT / "casestudies" / "county-lines"
    out = tmp_path / "county.jsonl"
    assert main(["export", str(folder), "--format", "timesketch-jsonl", "-o", str(out)]) == 0
    assert "events" in capsys.readouterr().out
    rows = _timesketch_rows("timesketch-jsonl", out)
    events = import_chronologies([folder]).events
    assert len(rows) == int(events["start"].notna().sum()) > 0
    assert {r["id"] for r in rows} == set(events.loc[events["start"].notna(), "id"])


# -- atomic files -------------------------------------------------------------------------

def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = atomic_write(tmp_path / "out.txt", "old")
    with pytest.raises(RuntimeError), atomic_open(path, "w") as fh:  # noqa: PT012 (a crash mid-write)
        fh.write("half of the new")
        raise RuntimeError("crash")
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new" and os.listdir(tmp_path) == ["out.txt"]


def test_every_format_writes_one_file_or_folder(case, tmp_path):
    for fmt in FORMATS:
        out = tmp_path / fmt / ("tables" if fmt == "csv" else f"case.{fmt}")
        result = export_case(case, fmt, out, rules=[])
        assert all(p.is_file() and p.stat().st_size > 0 for p in result.paths)
        leftovers = [p for p in out.parent.rglob(".*") if p.name.endswith(".tmp")]
        assert leftovers == []


def test_an_unknown_format_names_the_formats(case, tmp_path):
    with pytest.raises(ValueError, match="unknown export format 'pdf' \\(formats: ocel-json"):
        export_case(case, "pdf", tmp_path / "x.pdf")


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_gephi_opens_the_figures_picture(case, tmp_path, fmt):
    """Weights, sector colours, sizes and the figure's positions, as Gephi reads them."""
    from workbench.views.network import network_figure, network_positions
    from workbench.views.style import SECTOR_COLOURS, escape_text

    export_case(case, fmt, tmp_path / f"net.{fmt}")
    G = agency_graph(analyse(case))
    H = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(tmp_path / f"net.{fmt}")
    positions = network_positions(G)
    figure = network_figure(G)
    for a, b, d in G.edges(data=True):
        assert float(H.edges[a, b]["weight"]) == d["count"]
    for node, attrs in G.nodes(data=True):
        colour = SECTOR_COLOURS[attrs["sector"]]
        shown = H.nodes[node]
        assert shown["color"] == colour
        assert (int(shown["r"]), int(shown["g"]), int(shown["b"])) == \
            tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
        assert (float(shown["x"]) / 400, float(shown["y"]) / 400) == \
            pytest.approx(positions[node], abs=1e-3)
        drawn, i = next((t, i) for t in figure.data if t.mode == "markers+text"
                        for i, label in enumerate(t.text) if escape_text(node) in label)
        assert (drawn.x[i], drawn.y[i]) == pytest.approx(positions[node], abs=1e-6)
        assert drawn.marker.color == colour
        assert float(shown["size"]) == pytest.approx(drawn.marker.size[i], abs=1e-3)
    if fmt == "gexf":
        text = (tmp_path / "net.gexf").read_text()
        assert "<viz:color" in text and "<viz:position" in text and "<viz:size" in text
