"""The case file: a folder with ``case.yaml`` (metadata), ``events.csv`` (events) and
``facts.csv`` (the facts found inside the rows, with their words).

Why one module: reading and writing the case folder stay side by side, so the format
is defined once (what :func:`write_case` writes is what :func:`load_case` checks).

The format is documented in ``docs/case-format.md``. :func:`write_case` writes the
folder atomically (a crash leaves the old case or the new one); :func:`load_case`
reads and validates it, reporting every problem at once.

Examples
--------
>>> import tempfile, pathlib
>>> from workbench.io.importer import import_chronologies
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "school.csv").write_text("Date,Event\\n03/03/2025,Fixed-term exclusion 3 days\\n")
>>> case = import_chronologies([folder / "school.csv"], agency="School")
>>> path = write_case(case, folder / "case-a")
>>> sorted(p.name for p in path.iterdir())
['case.yaml', 'events.csv', 'facts.csv']
>>> load_case(path).events["kind"].tolist()
['exclusion']
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from workbench.agencies import load_aliases
from workbench.case import (
    EVENT_COLUMNS,
    FACT_COLUMNS,
    FACTS_OVERRIDE,
    LATER_COLUMNS,
    OVERRIDABLE,
    Case,
    case_from_events,
)
from workbench.errors import CaseValidationError, Problem, Reason, Severity, Where
from workbench.io.dates import Precision, far_future
from workbench.io.facts import FACT_VALUES, find_facts
from workbench.kinds import GRADES, KINDS
from workbench.safeyaml import read_yaml_file

__all__ = ["FORMAT", "load_case", "read_yaml", "write_case"]

FORMAT = "workbench-case/1"
META_KEYS = ("format", "id", "title", "child", "protocol", "anonymisation", "sources",
             "agencies", "overrides")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def read_yaml(path: Path, problems: list[Problem] | None = None, *,
              name: str | None = None) -> Mapping[str, Any]:
    """Parse a YAML file with the bounded safe loader (:mod:`workbench.safeyaml`:
    no aliases, no deep nesting, no tags); problems carry line and column.

    When ``problems`` is None a bad file raises :class:`CaseValidationError`.
    ``name`` is the file name shown in problems (default: the file's own name).
    An empty file is an empty mapping.
    """
    name = name or path.name
    own: list[Problem] = []
    data: object = {}
    try:
        data = read_yaml_file(path, name=name)
    except CaseValidationError as exc:
        own.extend(exc.problems)
    if not own and data is not None and not isinstance(data, Mapping):
        own.append(Problem(file=name, line=1, reason=Reason.INVALID_CASE_FILE,
                           message="expected a mapping of keys at the top level"))
    if problems is None and own:
        raise CaseValidationError(own)
    if problems is not None:
        problems.extend(own)
    return data if isinstance(data, Mapping) and not own else {}


def _key_lines(text: str) -> dict[str, int]:
    """Line of each top-level key and of each override id, for problem locations."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        m = re.match(r"^(\s{0,4})([^\s:#][^:]*):", line)
        if m:
            lines.setdefault(m.group(2).strip().strip("'\""), number)
    return lines


def _check_meta(meta: Mapping[str, object], name: str, lines: Mapping[str, int],
                problems: list[Problem]) -> None:
    def problem(key: str, reason: Reason, message: str, *, severity: Severity = Severity.ERROR,
                value: object = None) -> None:
        problems.append(Problem(file=name, line=lines.get(key), column=key, reason=reason,
                                message=message, severity=severity,
                                value=None if value is None else str(value)))

    if meta.get("format") != FORMAT:
        problem("format", Reason.INVALID_CASE_FILE, f"format must be {FORMAT!r}",
                value=meta.get("format"))
    if not isinstance(meta.get("id"), str) or not _ID.match(str(meta.get("id"))):
        problem("id", Reason.INVALID_CASE_FILE, "id must be letters, digits, '-', '_' or '.'",
                value=meta.get("id"))
    for key in meta:
        if key not in META_KEYS:
            problem(str(key), Reason.UNKNOWN_FIELD, f"unknown key {key!r} (keys: "
                    f"{', '.join(META_KEYS)})", severity=Severity.WARNING)
    for key in ("child", "anonymisation", "overrides"):
        if meta.get(key) is not None and not isinstance(meta[key], Mapping):
            problem(key, Reason.INVALID_CASE_FILE, f"{key} must be a mapping")


def _check_overrides(overrides: Mapping[str, object], ids: set[str], name: str,
                     lines: Mapping[str, int], problems: list[Problem]) -> None:
    allowed: dict[str, tuple[str, ...]] = {"kind": KINDS, "risk_grade": ("", *GRADES)}
    for event_id, fields in overrides.items():
        where: Where = {"file": name, "line": lines.get(str(event_id)), "column": str(event_id)}
        if str(event_id) not in ids:
            problems.append(Problem(reason=Reason.UNKNOWN_EVENT_REFERENCE, value=str(event_id),
                                    message=f"override for event {event_id!r}, which is not in "
                                    "events.csv", **where))
            continue
        if not isinstance(fields, Mapping):
            problems.append(Problem(reason=Reason.INVALID_CASE_FILE, message="an override is a "
                                    "mapping of field: value", **where))
            continue
        for key, value in fields.items():
            if key == "reason":
                continue
            if key == FACTS_OVERRIDE:
                _check_fact_overrides(value, where, problems)
            elif key not in OVERRIDABLE:
                problems.append(Problem(reason=Reason.UNKNOWN_FIELD, value=str(key),
                                        message=f"{key!r} cannot be overridden (fields: "
                                        f"{', '.join((*OVERRIDABLE, FACTS_OVERRIDE))})",
                                        **where))
            elif key in allowed and str(value or "") not in allowed[key]:
                reason = Reason.UNKNOWN_KIND if key == "kind" else Reason.UNKNOWN_GRADING
                problems.append(Problem(reason=reason, value=str(value),
                                        message=f"{value!r} is not allowed for {key} (allowed: "
                                        f"{', '.join(a for a in allowed[key] if a)})", **where))


def _check_fact_overrides(facts: object, where: Where,
                          problems: list[Problem]) -> None:
    """``facts: {fact: value}`` (null removes a fact): known facts and allowed values."""
    if not isinstance(facts, Mapping):
        problems.append(Problem(reason=Reason.INVALID_CASE_FILE, message="facts is a mapping "
                                "of fact: value (null removes the fact)", **where))
        return
    for fact, value in facts.items():
        allowed = FACT_VALUES.get(fact)
        if fact not in FACT_VALUES:
            problems.append(Problem(reason=Reason.UNKNOWN_FIELD, value=str(fact),
                                    message=f"{fact!r} is not a fact (facts: "
                                    f"{', '.join(FACT_VALUES)})", **where))
        elif value is not None and allowed and str(value) not in allowed:
            problems.append(Problem(reason=Reason.INVALID_CASE_FILE, value=str(value),
                                    message=f"{value!r} is not allowed for the fact {fact} "
                                    f"(allowed: {', '.join(allowed)}, or null)",
                                    **where))


def _read_facts(path: Path, ids: set[str], problems: list[Problem]) -> pd.DataFrame | None:
    """``facts.csv`` (None when the folder has none: the facts are then found again)."""
    if not path.is_file():
        return None
    name = f"{path.absolute().parent.name}/{path.name}"
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        problems.append(Problem(file=name, reason=Reason.UNREADABLE_FILE, message=str(exc)))
        return None
    missing = [c for c in FACT_COLUMNS if c not in frame.columns]
    if missing:
        problems.append(Problem(file=name, line=1, reason=Reason.MISSING_COLUMN,
                                value=", ".join(missing),
                                message=f"missing columns: {', '.join(missing)}"))
        return None
    unknown = ~frame["event_id"].isin(ids)
    for i in frame.index[unknown][:20]:
        problems.append(Problem(file=name, line=int(i) + 2, column="event_id",
                                reason=Reason.UNKNOWN_EVENT_REFERENCE,
                                value=frame.at[i, "event_id"],
                                message=f"a fact of event {frame.at[i, 'event_id']!r}, which "
                                "is not in events.csv"))
    return frame.loc[:, list(FACT_COLUMNS)].astype(object)


def _read_events(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    name = f"{path.absolute().parent.name}/{path.name}"  # absolute: "." has no name
    try:
        header = next(csv.reader(io.StringIO(path.read_text("utf-8-sig").split("\n", 1)[0])))
    except (OSError, StopIteration, UnicodeDecodeError) as exc:
        problems.append(Problem(file=name, reason=Reason.UNREADABLE_FILE, message=str(exc)))
        return None
    missing = [c for c in EVENT_COLUMNS if c not in header and c not in LATER_COLUMNS]
    if missing:
        problems.append(Problem(file=name, line=1, reason=Reason.MISSING_COLUMN,
                                value=", ".join(missing),
                                message=f"missing columns: {', '.join(missing)}"))
        return None
    reader = csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline=""))
    rows, starts, line = [], [], 1
    for cells in reader:
        rows.append(cells)
        starts.append(line)
        line = reader.line_num + 1
    width = len(rows[0])
    ragged = [(cells, start) for cells, start in zip(rows[1:], starts[1:], strict=True)
              if len(cells) != width]
    for cells, start in ragged:
        problems.append(Problem(file=name, line=start, reason=Reason.RAGGED_ROW,
                                value=f"{len(cells)} fields",
                                message=f"{len(cells)} fields where the header has {width}"))
    if ragged:
        return None
    frame = pd.DataFrame(rows[1:], columns=rows[0], dtype=str)
    lines = pd.Series(starts[1:], dtype="int64")
    for column in ("start", "end"):
        parsed = pd.to_datetime(frame[column].replace("", None), utc=True, errors="coerce",
                                format="ISO8601")
        bad = parsed.isna() & (frame[column] != "")
        for i in bad[bad].index[:20]:
            problems.append(Problem(file=name, line=int(lines[i]), column=column,
                                    reason=Reason.UNPARSEABLE_DATE, value=frame.at[i, column],
                                    message="not an ISO 8601 date-time"))
        frame[column] = parsed
    dup = frame["id"].duplicated(keep="first")
    for i in dup[dup].index:
        problems.append(Problem(file=name, line=int(lines[i]), column="id",
                                reason=Reason.DUPLICATE_EVENT_ID, value=frame.at[i, "id"],
                                message=f"event id {frame.at[i, 'id']!r} is used twice"))
    refs = frame["refers_to"]
    unknown = (refs != "") & ~refs.isin(frame["id"])
    for i in unknown[unknown].index:
        problems.append(Problem(file=name, line=int(lines[i]), column="refers_to",
                                reason=Reason.UNKNOWN_EVENT_REFERENCE, value=refs[i],
                                message=f"refers to event {refs[i]!r}, which is not in the case"))
    bad_kind = ~frame["kind"].isin(KINDS)
    for i in bad_kind[bad_kind].index:
        problems.append(Problem(file=name, line=int(lines[i]), column="kind",
                                reason=Reason.UNKNOWN_KIND, value=frame.at[i, "kind"],
                                message=f"{frame.at[i, 'kind']!r} is not an event kind"))
    numbers_ok = True
    for column in ("seq", "source_line", "kind_confidence"):
        written = frame[column]
        frame[column] = pd.to_numeric(written, errors="coerce")
        for i in frame.index[frame[column].isna()][:20]:
            numbers_ok = False
            problems.append(Problem(file=name, line=int(lines[i]), column=column,
                                    reason=Reason.INVALID_CASE_FILE, value=written[i],
                                    message="must be a number"))
    if not numbers_ok:
        return None
    _check_hand_edits(frame, lines, name, problems)
    return frame


_TRUE, _FALSE = ("true", "yes", "y", "1"), ("false", "no", "n", "0", "")
_PRECISIONS = tuple(str(p) for p in Precision)


def _check_hand_edits(frame: pd.DataFrame, lines: pd.Series, name: str,
                      problems: list[Problem]) -> None:
    """What a hand edit can get wrong in values that parse: an end before the start, a
    precision or flag not in the vocabulary, a confidence outside 0-1, a far-future
    date. Each is located; what has one reading is read so and warned, the rest are
    errors. ``frame`` is changed in place (``approximate`` becomes bool)."""
    W = Severity.WARNING

    def say(i: object, column: str, reason: Reason, message: str, value: object,
            severity: Severity = W) -> None:
        problems.append(Problem(file=name, line=int(lines[i]), column=column, reason=reason,
                                severity=severity, value=str(value), message=message))

    written = frame["approximate"].str.strip().str.lower()
    for i in frame.index[~written.isin((*_TRUE, *_FALSE))][:20]:
        say(i, "approximate", Reason.INVALID_CASE_FILE, "must be true or false",
            frame.at[i, "approximate"], Severity.ERROR)
    for i in frame.index[written.isin(_TRUE[1:] + _FALSE[1:-1])][:20]:
        meant = "true" if written[i] in _TRUE else "false"
        say(i, "approximate", Reason.INVALID_CASE_FILE, f"{frame.at[i, 'approximate']!r} is "
            f"read as {meant} (write true or false)", frame.at[i, "approximate"])
    frame["approximate"] = written.isin(_TRUE)
    bad = ~frame["precision"].isin(_PRECISIONS)
    for i in frame.index[bad][:20]:
        say(i, "precision", Reason.INVALID_CASE_FILE, f"{frame.at[i, 'precision']!r} is not a "
            f"precision ({', '.join(_PRECISIONS)}): read as 'range', the interval from start "
            "to end", frame.at[i, "precision"])
    frame.loc[bad, "precision"] = "range"
    frame.loc[frame["start"].isna(), "precision"] = "undated"
    confidence = frame["kind_confidence"]
    for i in frame.index[(confidence < 0) | (confidence > 1)][:20]:
        say(i, "kind_confidence", Reason.INVALID_CASE_FILE, f"{confidence[i]:g} is outside "
            f"0 to 1: read as {min(max(confidence[i], 0), 1):g}", confidence[i])
    frame["kind_confidence"] = confidence.clip(0, 1)
    late = frame["start"].notna() & frame["end"].notna() & (frame["start"] > frame["end"])
    for i in frame.index[late][:20]:
        say(i, "start", Reason.END_BEFORE_START, f"start {frame.at[i, 'start']:%Y-%m-%d %H:%M} "
            f"is after end {frame.at[i, 'end']:%Y-%m-%d %H:%M}",
            frame.at[i, "start"], Severity.ERROR)
    for i in frame.index[frame["start"].notna()]:
        if why := far_future(frame.at[i, "start"], frame.at[i, "when"]):
            say(i, "start", Reason.FUTURE_DATE, why, frame.at[i, "start"])


def load_case(path: str | Path) -> Case:
    """Read and validate a case folder; raise :class:`CaseValidationError` on any error."""
    folder = Path(path)
    if folder.is_file() and folder.name == "case.yaml":
        folder = folder.parent
    problems: list[Problem] = []
    meta_path = folder / "case.yaml"
    if not meta_path.is_file():
        raise CaseValidationError([Problem(file=str(folder), reason=Reason.FILE_NOT_FOUND,
                                           message="not a case folder (no case.yaml); import "
                                           "chronologies with `workbench import`")])
    meta_name = f"{folder.absolute().name}/case.yaml"  # like events.csv: several cases at once
    before = len(problems)
    meta = read_yaml(meta_path, problems, name=meta_name)
    lines = _key_lines(meta_path.read_text("utf-8-sig", errors="replace")) if meta else {}
    if len(problems) == before:  # read: check it (an empty file lacks format and id)
        _check_meta(meta, meta_name, lines, problems)
    events = _read_events(folder / "events.csv", problems)
    overrides = meta.get("overrides")
    if not isinstance(overrides, Mapping):
        overrides = {}
    facts = None
    if events is not None:
        _check_overrides(overrides, set(events["id"]), meta_name, lines, problems)
        facts = _read_facts(folder / "facts.csv", set(events["id"]), problems)
    if events is None or any(p.severity is Severity.ERROR for p in problems):
        raise CaseValidationError(sorted(problems, key=lambda p: p.severity != Severity.ERROR))
    return case_from_events(events, id=str(meta["id"]), meta=meta,
                            sources=tuple(str(s) for s in meta.get("sources") or ()),
                            aliases=load_aliases(), problems=tuple(problems),
                            overrides={str(k): {f: v for f, v in dict(v).items() if f != "reason"}
                                       for k, v in overrides.items()},
                            facts=facts if facts is not None else find_facts(events))


def _events_csv(case: Case) -> str:
    """The event table as written to disk: as imported, before overrides, so the file
    keeps what the returns said and the reviewer's decisions stay in case.yaml."""
    frame = (case.events if case.imported is None else case.imported).copy()
    for column in ("start", "end"):
        frame[column] = frame[column].dt.strftime("%Y-%m-%dT%H:%M:%SZ").fillna("")
    frame["approximate"] = frame["approximate"].map({True: "true", False: "false"})
    return frame.to_csv(index=False, lineterminator="\n")


def _facts_csv(case: Case) -> str:
    """The facts as found (before overrides: those stay in case.yaml)."""
    facts = case.imported_facts if case.imported_facts is not None else case.facts
    if facts is None:
        facts = find_facts(case.events if case.imported is None else case.imported)
    return facts.loc[:, list(FACT_COLUMNS)].to_csv(index=False, lineterminator="\n")


def _meta(case: Case, original: Mapping[str, Mapping[str, object]]) -> dict[str, object]:
    meta: dict[str, object] = {"format": FORMAT, "id": case.id}
    if case.title:
        meta["title"] = case.title
    if case.child:
        meta["child"] = dict(case.child)
    if case.protocol:
        meta["protocol"] = case.protocol
    if case.anonymisation:
        meta["anonymisation"] = dict(case.anonymisation)
    meta["sources"] = list(case.sources)
    meta["agencies"] = [{"name": a.name, "sector": a.sector} for a in case.agencies]
    meta["overrides"] = {k: dict(v) for k, v in original.items()}
    return meta


#: keys a reviewer may have written by hand that a re-import without them keeps
_REVIEWER_KEYS = ("title", "child", "protocol")


def _round_trip(old_text: str, meta: Mapping[str, object]) -> str | None:
    """``old_text`` (a case.yaml already read safely) with the values of ``meta``,
    comments and order kept; None when it is not a mapping ruamel can edit."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    editor = YAML(typ="rt")
    editor.preserve_quotes = True
    editor.width = 4096
    try:
        doc = editor.load(old_text)
    except YAMLError:
        return None
    if not isinstance(doc, CommentedMap):
        return None
    new = dict(meta)
    for key in _REVIEWER_KEYS:
        if key not in new and key in doc:
            new[key] = doc[key]
    _update(doc, new)
    out = io.StringIO()
    editor.dump(doc, out)
    return out.getvalue()


def _update(old: Any, new: Mapping[str, object]) -> None:  # old: a ruamel CommentedMap
    from ruamel.yaml.comments import CommentedMap

    for key in [k for k in old if k not in new]:
        del old[key]
    for key, value in new.items():
        if key in old and isinstance(old[key], CommentedMap) and isinstance(value, Mapping):
            _update(old[key], value)
        elif key not in old or old[key] != value:
            old[key] = value


def write_case(case: Case, path: str | Path, *, replace: bool = False) -> Path:
    """Write ``case`` as a case folder at ``path``, atomically; return the path.

    An existing folder is replaced only with ``replace=True``; its reviewer overrides
    are then kept (the new import cannot silently drop a reviewer's decision), and its
    ``case.yaml`` is edited by round trip (:mod:`ruamel.yaml`): the reviewer's
    comments, key order and quoting stay; values come from the new import, except a
    title, child or protocol the import does not give, which are kept.
    """
    target = Path(path)
    overrides = {k: dict(v) for k, v in case.overrides.items()}
    old_text: str | None = None
    if target.exists():
        if not replace:
            raise FileExistsError(f"{target} exists; pass replace=True (--replace) to "
                                  "re-import into it, keeping its reviewer overrides")
        if (target / "case.yaml").is_file():
            old = read_yaml(target / "case.yaml").get("overrides") or {}  # bounded, safe
            ids = set(case.events["id"])
            kept = {str(k): dict(v) for k, v in dict(old).items() if str(k) in ids}
            overrides = {**kept, **overrides}
            old_text = (target / "case.yaml").read_text("utf-8-sig")
    events_text = _events_csv(case)
    facts_text = _facts_csv(case)
    meta = _meta(case, overrides)
    meta_text = (_round_trip(old_text, meta) if old_text is not None else None) or \
        yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, text in (("events.csv", events_text), ("facts.csv", facts_text),
                           ("case.yaml", meta_text)):
            with open(staging / name, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
