"""OCEL 2.0: the case as an object-centric event log, in JSON and in SQLite.

The objects are the child, the agencies, the missing episodes, the hand-offs and the
meetings; events relate to them with qualifiers. :func:`ocel_document` builds the
JSON document (the one source of both formats); :func:`write_ocel_json` and
:func:`write_ocel_sqlite` write it in the JSON format and the relational layout of
the OCEL 2.0 specification.

The JSON document follows the published schema (ocel-standard.org/2.0/ocel20-schema-json.json):
every attribute value is a string, read by its declared type (``"3"`` an integer,
``"true"`` a boolean, an ISO 8601 time). Event types are the kinds' plain-words labels
("Missing report"); the kind's id is kept in the ``kind`` attribute. An event relates to
an object once: where one agency is both ``recorded by`` and ``attended by``, the
relation's qualifier names both (``recorded by and attended by``), so that readers which
key relations by event and object (pm4py) keep every link.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.analysis.analyse import Analysis
from workbench.case import Case
from workbench.io.atomic import atomic_open, atomic_path
from workbench.kinds import MEETING_KINDS, kind_labels
from workbench.outputs.exports._common import analysis_of, case_id_of, iso, plain, split_names

if TYPE_CHECKING:
    from workbench.protocols import Protocol

__all__ = ["ocel_document", "write_ocel_json", "write_ocel_sqlite"]

_EPOCH = "1970-01-01T00:00:00Z"
#: event attributes written to OCEL (name → OCEL type), in this order
_EVENT_ATTRIBUTES = {
    "kind": "string", "seq": "integer", "agency": "string", "sector": "string", "summary": "string",
    "details": "string", "action": "string", "outcome": "string", "risk_grade": "string",
    "author": "string", "when": "string", "precision": "string", "approximate": "boolean",
    "end": "time", "source": "string",
}
_OBJECT_TYPES = {
    "child": {"case_id": "string"},
    "agency": {"sector": "string"},
    "episode": {"number": "integer", "reported_by": "string", "duration_hours": "float",
                "grades": "string", "return_interview": "string", "ri_hours": "float",
                "rolling_count": "integer", "state": "string"},
    "handoff": {"kind": "string", "sender": "string", "recipient": "string",
                "status": "string", "answer_basis": "string", "working_days": "float",
                "deadline": "time", "state": "string"},
    "meeting": {"kind": "string", "attendees": "string"},
}


def ocel_document(data: Case | Analysis, *, protocol: Protocol | str | None = None
                  ) -> dict[str, Any]:
    """The case as an OCEL 2.0 JSON document (a dict: ``objectTypes``, ``eventTypes``,
    ``objects``, ``events``).

    Objects: ``child``, ``agency``, ``episode`` (a missing episode), ``handoff`` and
    ``meeting``. Qualified event-to-object relations: every event is about the
    ``child`` and ``recorded by`` its agency; a hand-off event ``sends`` its hand-offs
    and is ``shared with`` each recipient; an answer ``answers`` its hand-off; a
    meeting event ``records`` its meeting, ``attended by`` each attendee; a report
    ``opens``, a found ``closes`` and a return interview ``follows up`` an episode.
    Object-to-object: an episode is ``episode of`` the child, a hand-off goes ``from``
    and ``to`` agencies, a meeting has each ``attendee``. Dynamic ``state`` attributes
    record when an episode was found and when a hand-off was answered.
    """
    analysis = analysis_of(data, protocol)
    ev = analysis.events.sort_values(["start", "seq"], kind="stable")
    dated = ev.loc[ev["start"].notna()]
    case_id = case_id_of(analysis)
    log = _Log(dated["id"])
    child = f"child:{case_id}"
    _add_child_and_agencies(log, child, ev, analysis.case, case_id)
    _add_rows(log, child, dated)
    _add_episodes(log, child, analysis.episodes, case_id)
    _add_handoffs(log, analysis.handoffs)
    labels = kind_labels()
    events = [_event(row, log.relations[row.id], labels)
              for row in dated.itertuples(index=False)]
    linked = {r["objectId"] for e in events for r in e["relationships"]}
    kept = [o for o in log.objects.values() if o["id"] in linked]
    ids = {o["id"] for o in kept}
    for o in kept:
        o["relationships"] = [r for r in o["relationships"] if r["objectId"] in ids]
    object_types = {t: _object_attrs(t, kept) for t in _OBJECT_TYPES
                    if any(o["type"] == t for o in kept)}
    for o in kept:
        for a in o["attributes"]:
            a["value"] = _text(a["value"])
    for e in events:
        for a in e["attributes"]:
            a["value"] = _text(a["value"])
    return {
        "objectTypes": [{"name": t, "attributes": [{"name": n, "type": k}
                                                   for n, k in declared.items()]}
                        for t, declared in object_types.items()],
        "eventTypes": [{"name": k, "attributes": [{"name": n, "type": t}
                                                  for n, t in _EVENT_ATTRIBUTES.items()]}
                       for k in dict.fromkeys(_label(k, labels) for k in dated["kind"])],
        "objects": kept,
        "events": events,
    }


class _Log:
    """The objects met so far and each event's qualified relations to them."""

    def __init__(self, event_ids: Iterable[str]):
        self.objects: dict[str, dict[str, Any]] = {}
        self.relations: dict[str, dict[str, list[str]]] = {i: {} for i in event_ids}

    def obj(self, oid: str, otype: str, attrs: Mapping[str, object],
            changes: Iterable[tuple[str, object, pd.Timestamp]] = ()) -> None:
        """An object (the first time it is met), with its dynamic attribute changes."""
        if oid in self.objects:
            return
        attributes = [{"name": k, "value": plain(v), "time": _EPOCH}
                      for k, v in attrs.items() if plain(v) not in (None, "")]
        attributes += [{"name": k, "value": v, "time": iso(t)} for k, v, t in changes
                       if t is not None and not pd.isna(t)]
        self.objects[oid] = {"id": oid, "type": otype, "attributes": attributes,
                             "relationships": []}

    def link(self, event_id: str, oid: str, qualifier: str) -> None:
        """An event-to-object relation (qualifiers of one pair joined with "and")."""
        if event_id in self.relations:
            qualifiers = self.relations[event_id].setdefault(oid, [])
            if qualifier not in qualifiers:
                qualifiers.append(qualifier)

    def o2o(self, source: str, target: str, qualifier: str) -> None:
        """An object-to-object relation (qualifiers of one pair joined with "and")."""
        for rel in self.objects[source]["relationships"]:
            if rel["objectId"] == target:
                if qualifier not in rel["qualifier"].split(" and "):
                    rel["qualifier"] += f" and {qualifier}"
                return
        self.objects[source]["relationships"].append({"objectId": target, "qualifier": qualifier})


def _add_child_and_agencies(log: _Log, child: str, ev: pd.DataFrame, case: Case | None,
                            case_id: str) -> None:
    child_attrs: dict[str, object] = {"case_id": case_id}
    if case is not None:
        child_attrs.update({str(k): v for k, v in case.child.items()
                            if isinstance(v, (str, int, float, bool))})
    log.obj(child, "child", child_attrs)
    sectors = dict(zip(ev["agency"], ev["sector"], strict=True))
    named = [*ev["agency"], *(a for c in ev["recipients"] for a in split_names(c)),
             *(a for c in ev["attendees"] for a in split_names(c))]
    for agency in dict.fromkeys(named):
        if agency:
            sector = sectors.get(agency) or (case.sector_of(agency) if case else "other")
            log.obj(f"agency:{agency}", "agency", {"sector": sector})


def _add_rows(log: _Log, child: str, dated: pd.DataFrame) -> None:
    for row in dated.itertuples(index=False):
        log.link(row.id, child, "about child")
        if row.agency:
            log.link(row.id, f"agency:{row.agency}", "recorded by")
        for recipient in split_names(row.recipients):
            if recipient != row.agency:
                log.link(row.id, f"agency:{recipient}", "shared with")
        if row.kind in MEETING_KINDS:
            meeting = f"meeting:{row.id}"
            present = split_names(row.attendees)
            log.obj(meeting, "meeting", {"kind": row.kind, "attendees": "; ".join(present)})
            log.link(row.id, meeting, "records")
            for agency in present:
                log.link(row.id, f"agency:{agency}", "attended by")
                log.o2o(meeting, f"agency:{agency}", "attendee")


def _add_episodes(log: _Log, child: str, episodes: pd.DataFrame, case_id: str) -> None:
    for e in episodes.itertuples(index=False):
        oid = f"episode:{case_id}:{e.episode}"
        log.obj(oid, "episode", {"number": e.episode, "reported_by": e.reported_by,
                                 "duration_hours": e.duration_hours, "grades": e.grades,
                                 "return_interview": e.ri_first_kind, "ri_hours": e.ri_hours,
                                 "rolling_count": e.rolling_count},
                [("state", "missing", e.start), ("state", "found", e.found_at)])
        log.o2o(oid, child, "episode of")
        log.link(e.report_id, oid, "opens")
        if e.found_id:
            log.link(e.found_id, oid, "closes")
        for ri in (e.ri_first_id, e.ri_completed_id, e.ri_declined_id):
            if ri:
                log.link(ri, oid, "follows up")


def _add_handoffs(log: _Log, handoffs: pd.DataFrame) -> None:
    for h in handoffs.itertuples(index=False):
        oid = f"handoff:{h.handoff_id}"
        log.obj(oid, "handoff", {"kind": h.kind, "sender": h.sender, "recipient": h.recipient,
                                 "status": h.status, "answer_basis": h.answer_basis,
                                 "working_days": h.working_days, "deadline": h.deadline},
                [("state", "sent", h.sent), ("state", "answered", h.answered_at)])
        log.o2o(oid, f"agency:{h.sender}", "from")
        log.o2o(oid, f"agency:{h.recipient}", "to")
        log.link(h.event_id, oid, "sends")
        if h.answer_id:
            log.link(h.answer_id, oid, "answers")


def _event(row: Any, relations: Mapping[str, list[str]], labels: Mapping[str, str]
           ) -> dict[str, Any]:
    """One dated row as an OCEL event, with its attributes and relations."""
    attributes = []
    for name in _EVENT_ATTRIBUTES:
        value = plain(getattr(row, name))
        if value in (None, "") or (name == "end" and row.precision == "minute"):
            continue
        attributes.append({"name": name, "value": value})
    return {"id": row.id, "type": _label(row.kind, labels), "time": iso(row.start),
            "attributes": attributes,
            "relationships": [{"objectId": o, "qualifier": " and ".join(q)}
                              for o, q in relations.items()]}


def _label(kind: str, labels: Mapping[str, str]) -> str:
    """An event type's name: the kind's plain-words label (the id where it has none)."""
    return labels.get(kind) or str(kind).replace("_", " ").capitalize()


def _text(value: object) -> str:
    """An attribute value as the OCEL 2.0 JSON schema wants it: a string (``true``/``false``
    for booleans, the shortest exact decimal for numbers; times are ISO 8601 already)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 2**53 else repr(value)
    return str(value)


def _object_attrs(otype: str, objects: list[dict[str, Any]]) -> dict[str, str]:
    """The declared attributes of an object type (child attributes come from the case)."""
    declared = dict(_OBJECT_TYPES[otype])
    for o in objects:
        if o["type"] != otype:
            continue
        for a in o["attributes"]:
            if a["name"] not in declared:
                v = a["value"]
                declared[a["name"]] = ("boolean" if isinstance(v, bool) else "integer"
                                       if isinstance(v, int) else "float"
                                       if isinstance(v, float) else "string")
    return declared


def write_ocel_json(doc: Mapping[str, Any], path: str | Path) -> Path:
    """An OCEL 2.0 document as a JSON file (atomically)."""
    with atomic_open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
    return Path(path)


_SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "float": "REAL", "boolean": "INTEGER",
              "time": "TIMESTAMP"}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_time(iso: str) -> str:
    return iso.replace("T", " ").rstrip("Z")


def _type_maps(names: Iterable[str], reserved: set[str]) -> dict[str, str]:
    """Type name → table suffix: letters and digits only, unique, not a fixed table."""
    out: dict[str, str] = {}
    for name in names:
        base = re.sub(r"[^A-Za-z0-9]", "", name) or "type"
        candidate, n = base, 1
        while candidate.lower() in reserved or candidate in out.values():
            n += 1
            candidate = f"{base}{n}"
        out[name] = candidate
    return out


def write_ocel_sqlite(doc: Mapping[str, Any], path: str | Path) -> Path:
    """An OCEL 2.0 document in the relational layout of the specification (atomically).

    Tables ``event``, ``object``, ``event_object``, ``object_object``,
    ``event_map_type``, ``object_map_type``, one ``event_<type>`` table per event type
    (``ocel_id``, ``ocel_time`` and its attributes) and one ``object_<type>`` table per
    object type (``ocel_id``, ``ocel_time``, ``ocel_changed_field`` and its attributes:
    the first row of an object holds its initial values at 1970-01-01, later rows one
    changed attribute each). Times are UTC, written ``YYYY-MM-DD HH:MM:SS``.
    """
    event_maps = _type_maps([t["name"] for t in doc["eventTypes"]], {"object", "maptype"})
    object_maps = _type_maps([t["name"] for t in doc["objectTypes"]], {"object", "maptype"})
    with atomic_path(path) as temp:
        db = sqlite3.connect(temp)
        try:
            db.execute("PRAGMA foreign_keys = ON")
            db.executescript("""
CREATE TABLE event_map_type (ocel_type TEXT PRIMARY KEY, ocel_type_map TEXT);
CREATE TABLE object_map_type (ocel_type TEXT PRIMARY KEY, ocel_type_map TEXT);
CREATE TABLE event (ocel_id TEXT PRIMARY KEY, ocel_type TEXT,
    FOREIGN KEY (ocel_type) REFERENCES event_map_type (ocel_type));
CREATE TABLE object (ocel_id TEXT PRIMARY KEY, ocel_type TEXT,
    FOREIGN KEY (ocel_type) REFERENCES object_map_type (ocel_type));
CREATE TABLE event_object (ocel_event_id TEXT, ocel_object_id TEXT, ocel_qualifier TEXT,
    PRIMARY KEY (ocel_event_id, ocel_object_id, ocel_qualifier),
    FOREIGN KEY (ocel_event_id) REFERENCES event (ocel_id),
    FOREIGN KEY (ocel_object_id) REFERENCES object (ocel_id));
CREATE TABLE object_object (ocel_source_id TEXT, ocel_target_id TEXT, ocel_qualifier TEXT,
    PRIMARY KEY (ocel_source_id, ocel_target_id, ocel_qualifier),
    FOREIGN KEY (ocel_source_id) REFERENCES object (ocel_id),
    FOREIGN KEY (ocel_target_id) REFERENCES object (ocel_id));
""")
            db.executemany("INSERT INTO event_map_type VALUES (?, ?)", event_maps.items())
            db.executemany("INSERT INTO object_map_type VALUES (?, ?)", object_maps.items())
            for t in doc["eventTypes"]:
                columns = "".join(f", {_q(a['name'])} {_SQL_TYPES[a['type']]}"
                                  for a in t["attributes"])
                db.execute(f"CREATE TABLE {_q('event_' + event_maps[t['name']])} "
                           f"(ocel_id TEXT PRIMARY KEY, ocel_time TIMESTAMP{columns}, "
                           "FOREIGN KEY (ocel_id) REFERENCES event (ocel_id))")
            for t in doc["objectTypes"]:
                columns = "".join(f", {_q(a['name'])} {_SQL_TYPES[a['type']]}"
                                  for a in t["attributes"])
                db.execute(f"CREATE TABLE {_q('object_' + object_maps[t['name']])} "
                           f"(ocel_id TEXT, ocel_time TIMESTAMP, ocel_changed_field TEXT"
                           f"{columns}, FOREIGN KEY (ocel_id) REFERENCES object (ocel_id))")
            _insert_objects(db, doc, object_maps)
            _insert_events(db, doc, event_maps)
            db.commit()
        finally:
            db.close()
    return Path(path)


def _sql_value(value: object, kind: str) -> object:
    """A JSON attribute value (a string, as the schema has it) as the column's type."""
    if value is None:
        return None
    if kind == "time":
        return _sql_time(str(value))
    if kind == "boolean":
        return int(value in (True, "true"))
    if kind == "integer":
        return int(str(value))
    if kind == "float":
        return float(str(value))
    return value


def _insert_objects(db: sqlite3.Connection, doc: Mapping[str, Any],
                    maps: Mapping[str, str]) -> None:
    types = {t["name"]: {a["name"]: a["type"] for a in t["attributes"]}
             for t in doc["objectTypes"]}
    db.executemany("INSERT INTO object VALUES (?, ?)",
                   [(o["id"], o["type"]) for o in doc["objects"]])
    for o in doc["objects"]:
        declared = types[o["type"]]
        table = _q("object_" + maps[o["type"]])
        names = ["ocel_id", "ocel_time", "ocel_changed_field", *declared]
        insert = (f"INSERT INTO {table} ({', '.join(_q(n) for n in names)}) "
                  f"VALUES ({', '.join('?' * len(names))})")
        initial = {a["name"]: a["value"] for a in o["attributes"] if a["time"] == _EPOCH}
        db.execute(insert, (o["id"], _sql_time(_EPOCH), None,
                            *(_sql_value(initial.get(n), k) for n, k in declared.items())))
        for a in o["attributes"]:
            if a["time"] != _EPOCH:
                db.execute(insert, (o["id"], _sql_time(a["time"]), a["name"],
                                    *(_sql_value(a["value"], k) if n == a["name"] else None
                                      for n, k in declared.items())))
        db.executemany("INSERT OR IGNORE INTO object_object VALUES (?, ?, ?)",
                       [(o["id"], r["objectId"], r["qualifier"]) for r in o["relationships"]])


def _insert_events(db: sqlite3.Connection, doc: Mapping[str, Any],
                   maps: Mapping[str, str]) -> None:
    types = {t["name"]: {a["name"]: a["type"] for a in t["attributes"]}
             for t in doc["eventTypes"]}
    db.executemany("INSERT INTO event VALUES (?, ?)", [(e["id"], e["type"]) for e in doc["events"]])
    for e in doc["events"]:
        declared = types[e["type"]]
        values = {a["name"]: a["value"] for a in e["attributes"]}
        names = ["ocel_id", "ocel_time", *declared]
        db.execute(f"INSERT INTO {_q('event_' + maps[e['type']])} "
                   f"({', '.join(_q(n) for n in names)}) VALUES ({', '.join('?' * len(names))})",
                   (e["id"], _sql_time(e["time"]),
                    *(_sql_value(values.get(n), k) for n, k in declared.items())))
        db.executemany("INSERT OR IGNORE INTO event_object VALUES (?, ?, ?)",
                       [(e["id"], r["objectId"], r["qualifier"]) for r in e["relationships"]])
