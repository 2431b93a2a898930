"""Merging returns into one composite chronology: ids, references, order, open dates.

Ids are ``<file stem>-<reference>`` (or ``-<line>``), made unique with a warning when
two rows would share one; a ``refers_to`` is resolved to an event id; open-ended
dates are closed at the composite chronology's own first or last date; and events
are put in time order, each return keeping its own order where the dates allow.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbench.agencies import AliasTable, name_key
from workbench.errors import Problem, Reason, Severity
from workbench.io.chronology import Chronology
from workbench.io.dates import open_message
from workbench.io.rows import SHORT_NAME, Record, slug
from workbench.kinds import ALL_AGENCIES

__all__ = ["close_open", "link", "order", "own_names", "stems_of", "use_own_names"]

W = Severity.WARNING


def stems_of(tables: Sequence[Chronology]) -> list[str]:
    """Each table's stem for its event ids: its file's name (and sheet's), made unique."""
    stems: list[str] = []
    for chron in tables:
        stem = slug(chron.path.stem) + (f"-{slug(chron.sheet)}" if chron.several_sheets and
                                         chron.sheet else "")
        base, n = stem, 2
        while stem in stems:
            stem, n = f"{base}-{n}", n + 1
        stems.append(stem)
    return stems


def own_names(records: list[Record], aliases: AliasTable) -> dict[str, str]:
    """Generic names in recipients and attendees that mean an agency of the case by its own
    name, and that name: "Children's Social Care" in a police export is "Anyshire
    Children's Social Care" when that is the return of the case's only one of its kind.

    A generic name counts only when no row is recorded under it, and it is given to the
    one recording agency whose name contains it or, where the generic is its sector's
    usual agency ("Police"), that is of its sector; with two candidates (a neighbouring
    force beside the home force) nothing is changed.
    """
    recording = {str(r["agency"]) for r in records if r.get("agency")}
    written = {name.strip() for r in records for col in ("recipients", "attendees")
               for name in str(r.get(col) or "").split(";") if name.strip()}
    own = sorted(a for a in recording if aliases.normalise(a) is None)
    out: dict[str, str] = {}
    bare = {_bare(a): a for a in sorted(recording)}
    for generic in sorted(written - recording):
        if (same := bare.get(_bare(generic))) is not None:  # "the Harbour Project"
            out[generic] = same
            continue
        sector, word = aliases.infer_sector(generic)
        if aliases.normalise(generic) is None and word and name_key(generic) == word:
            # a role and nothing else ("Form tutor", "DSL"): the case's one agency of its sector
            named = {a for a in recording if aliases.sector(a) == sector
                     or aliases.infer_sector(a)[0] == sector}
            if len(named) == 1:
                out[generic] = named.pop()
            continue
        if aliases.normalise(generic) != generic:
            continue  # only a canonical name is generic
        named = {a for a in own if generic in aliases.find_in_text(a)}
        sector = aliases.sector(generic)
        if len(named) != 1 and aliases.sector_agencies.get(sector) == generic:
            # "Police": any force of the case (one whose name holds it first: "Children's
            # Social Care" is "Northby Children's Social Care", not the family hub beside it)
            named |= {a for a in own if aliases.infer_sector(a)[0] == sector}
        if len(named) == 1:
            out[generic] = named.pop()
    return out


def _initials(name: str) -> str:
    """A name's initials, small words left out: "Rail Transport Police" -> "RTP"."""
    return "".join(w[0].upper() for w in re.findall(r"[A-Za-z][\w'-]*", name)
                   if w.lower() not in ("of", "and", "the", "for"))


def _bare(name: str) -> str:
    """A name's key without a leading "the" (or "The")."""
    key = name_key(name)
    return key[4:] if key.startswith("the ") else key


def use_own_names(records: list[Record], aliases: AliasTable) -> None:
    """Put :func:`own_names` in the records' recipients and attendees (in place), and
    every agency of the case where a meeting's text says all agencies were there."""
    _all_agencies(records)
    _short_names(records)
    renames = own_names(records, aliases)
    if not renames:
        return
    for r in records:
        for col in ("recipients", "attendees"):
            if r.get(col):
                names = (renames.get(n.strip(), n.strip()) for n in str(r[col]).split(";"))
                r[col] = "; ".join(dict.fromkeys(n for n in names if n and n != r["agency"]))


def _all_agencies(records: list[Record]) -> None:
    """Replace :data:`~workbench.kinds.ALL_AGENCIES` in attendees by the case's agencies
    (those that recorded something, the family aside), in place."""
    marked = [r for r in records if ALL_AGENCIES in str(r.get("attendees") or "").split("; ")]
    if not marked:
        return
    agencies = list(dict.fromkeys(str(r["agency"]) for r in records
                                  if r.get("agency") and r.get("sector") != "family"))
    for r in marked:
        names = [a for a in str(r["attendees"]).split("; ") if a and a != ALL_AGENCIES]
        r["attendees"] = "; ".join(dict.fromkeys(a for a in [*agencies, *names]
                                                 if a != r["agency"]))


def _short_names(records: list[Record]) -> None:
    """Each attendee or recipient written by a short name ("Harbour", "Brackwater
    worker") as the case's one recording agency whose name holds those words ("The
    Harbour Project"), else left out (its cell is kept in the details); in place."""
    for field_ in ("attendees", "recipients"):
        _short_names_in(records, field_)


def _short_names_in(records: list[Record], field_: str) -> None:
    marked = [r for r in records if SHORT_NAME in str(r.get(field_) or "")]
    if not marked:
        return
    agencies = {str(r["agency"]) for r in records if r.get("agency")}
    words = {a: f" {name_key(a)} " for a in agencies}

    def named(short: str) -> str:
        key = f" {name_key(short)} "
        found = [a for a, w in words.items() if key in w]
        exact = [a for a in found if words[a] == key]   # "Harbour" beside "Harbour Project"
        if not found and re.fullmatch(r"[A-Z]{2,5}", short):  # "RTP": Rail Transport Police
            found = exact = [a for a in agencies if _initials(a) == short]
        return found[0] if len(found) == 1 else exact[0] if len(exact) == 1 else ""

    for r in marked:
        names = (named(a[1:]) if a.startswith(SHORT_NAME) else a
                 for a in str(r[field_]).split("; "))
        r[field_] = "; ".join(dict.fromkeys(a for a in names if a and a != r["agency"]))


def link(records: list[Record], file_index: list[int], stems: list[str],
          tables: Sequence[Chronology], problems: list[Problem]) -> None:
    """Make ids unique and resolve each ``refers_to`` to an event id."""
    seen: dict[str, Record] = {}
    ids = {str(r["id"]) for r in records}  # every id given so far (a set: no n² on repeats)
    for rec, f in zip(records, file_index, strict=True):
        wanted = str(rec["id"])
        first = seen.get(wanted)
        if first is not None:
            new, n = f"{stems[f]}-{rec['source_line']}", 2
            while new in seen or new in ids:
                new, n = f"{stems[f]}-{rec['source_line']}-{n}", n + 1
            ids.add(new)
            what = f"event reference {rec['ref']!r}" if rec["ref"] else f"row id {wanted!r}"
            problems.append(Problem(reason=Reason.DUPLICATE_EVENT_ID, severity=W,
                                    value=str(rec["ref"] or wanted),
                                    message=f"{what} gives the id {wanted!r}, already used at "
                                    f"{first['source']}: this event's id is {new!r}",
                                    **tables[f].where(int(rec["source_line"]), "ref")))
            rec["id"] = new
        seen[str(rec["id"])] = rec
    by_ref: dict[tuple[int, str], list[Record]] = {}
    for rec, f in zip(records, file_index, strict=True):
        for ref in (rec["ref"], rec["source_ref"]):
            if ref:
                by_ref.setdefault((f, slug(str(ref))), []).append(rec)
    for rec, f in zip(records, file_index, strict=True):
        written = rec.pop("refers_to_written")
        rec["refers_to"] = None
        if not written:
            continue
        where = tables[f].where(int(rec["source_line"]), "refers_to")
        own = by_ref.get((f, slug(str(written))), [])
        earlier = [r for r in own if int(r["source_line"]) < int(rec["source_line"])]
        if len(own) == 1 or earlier:  # a cited reference names the nearest earlier row
            target = (earlier or own)[-1]["id"]
        else:
            target = next((c for c in (str(written), slug(str(written))) if c in seen), None)
        if target is None:
            column = tables[f].columns.get("refers_to", "refers_to")
            rec["details"] = "\n".join(t for t in (rec["details"], f"{column}: {written}") if t)
            if len(own) > 1:
                lines = ", ".join(str(r["source_line"]) for r in own)
                why = f"which {len(own)} rows of this return cite (lines {lines})"
            else:
                why = "which is not in the chronology"
            problems.append(Problem(reason=Reason.UNKNOWN_EVENT_REFERENCE, severity=W,
                                    value=str(written), message=f"refers to {written!r}, {why}: "
                                    "not linked (the reference is kept in the details; use a "
                                    f"reference from the same return, or a full id such as "
                                    f"{stems[f]}-14)", **where))
        else:
            rec["refers_to"] = target


def close_open(records: list[Record], file_index: list[int],
                tables: Sequence[Chronology], problems: list[Problem]) -> None:
    """Close open-ended dates (``before 2012``) at the composite chronology's own first
    or last date when that is nearer than the date reader's rule, and say so."""
    closed = [r for r in records if r["start"] is not None and not r["_open"]]
    first = min((r["start"] for r in closed), default=None)
    last = max((r["end"] for r in closed), default=None)
    for rec, f in zip(records, file_index, strict=True):
        if not rec["_open"]:
            continue
        start, end, why = rec["start"], rec["end"], ""
        if rec["_open"] == "start" and first is not None and start < first < end:
            start, why = first, "at the first date of the composite chronology"
        elif rec["_open"] == "end" and last is not None and start < last < end:
            end, why = last, "at the last date of the composite chronology"
        rec["start"], rec["end"] = start, end
        message = (open_message(str(rec["_open_label"]), str(rec["_open"]), start, end, why)
                   if why else str(rec["_open_message"]))
        problems.append(Problem(reason=Reason.OPEN_ENDED_DATE, severity=W, message=message,
                                value=str(rec["_open_label"]),
                                **tables[f].where(int(rec["source_line"]), "at")))


def _placement_keys(start: pd.Series, end: pd.Series, files: np.ndarray) -> np.ndarray:
    """Sort keys that keep each return's own order where the dates allow it.

    A row is placed as close to the previous row of its return as its interval
    allows: a day-precision row written after a timed row of the same day stays
    after it; an undated row takes its predecessor's place.
    """
    lo = start.astype("int64").where(start.notna()).to_numpy(dtype="float64")
    hi = end.astype("int64").where(end.notna()).to_numpy(dtype="float64") - 1
    keys = np.empty(len(lo))
    previous: dict[int, float] = {}
    for i, f in enumerate(files):
        prev = previous.get(f, -np.inf)
        keys[i] = prev if np.isnan(lo[i]) else min(max(prev, lo[i]), hi[i])
        previous[f] = keys[i]
    return keys


def order(records: list[Record], file_index: list[int]) -> pd.DataFrame:
    """Composite order: by time; rows stay in their return's order where dates allow."""
    frame = pd.DataFrame.from_records(records)
    frame["start"] = pd.to_datetime(frame["start"], utc=True)
    frame["end"] = pd.to_datetime(frame["end"], utc=True)
    frame["_file"] = file_index
    frame["_key"] = _placement_keys(frame["start"], frame["end"], np.asarray(file_index))
    frame["_seqcol"] = pd.to_numeric(frame["sequence"], errors="coerce").fillna(0)
    frame = frame.sort_values(["_key", "_seqcol", "_file", "source_line"], kind="stable")
    frame["seq"] = np.arange(1, len(frame) + 1)
    return frame.reset_index(drop=True)




class StreamLinks:
    """What :func:`link` and :func:`close_open` find, for records given one at a time
    and then forgotten (``workbench validate`` on a long file): memory holds only the
    ids made from references, the rows that cite or are cited, and open-ended rows.

    Ids made from a table's file and line are unique by construction, so they are not
    kept (a reference id written to look like another return's line id is the one case
    this can miss)."""

    def __init__(self, stems: list[str], tables: Sequence[Chronology], problems: list[Problem]):
        self.stems, self.tables, self.problems = stems, tables, problems
        self.seen: dict[str, str] = {}  # id made from a reference -> where first
        self.by_ref: dict[tuple[int, str], list[tuple[int, str]]] = {}
        self.refs: list[tuple[int, int, str]] = []  # (table, line, written)
        self.open: list[tuple[int, Record]] = []
        self.first: object = None
        self.last: object = None

    def add(self, rec: Record, f: int) -> None:
        line, wanted = int(rec["source_line"]), str(rec["id"])
        first = self.seen.get(wanted)
        if rec["ref"] or first is not None:
            if first is not None:
                new, n = f"{self.stems[f]}-{line}", 2
                while new in self.seen:
                    new, n = f"{self.stems[f]}-{line}-{n}", n + 1
                what = (f"event reference {rec['ref']!r}" if rec["ref"] else
                         f"row id {wanted!r}")
                self.problems.append(Problem(
                    reason=Reason.DUPLICATE_EVENT_ID, severity=W, value=str(rec["ref"] or wanted),
                    message=f"{what} gives the id {wanted!r}, already used at {first}: this "
                    f"event's id is {new!r}",
                    **self.tables[f].where(line, "ref")))
                wanted = new
            self.seen[wanted] = str(rec["source"])
        for ref in (rec["ref"], rec["source_ref"]):
            if ref:
                self.by_ref.setdefault((f, slug(str(ref))), []).append((line, wanted))
        if rec["refers_to_written"]:
            self.refs.append((f, line, str(rec["refers_to_written"])))
        if rec["_open"]:
            self.open.append((f, {k: rec[k] for k in ("start", "end", "_open", "_open_label",
                                                      "_open_message", "source_line")}))
        elif rec["start"] is not None:
            self.first = rec["start"] if self.first is None else min(self.first, rec["start"])
            self.last = rec["end"] if self.last is None else max(self.last, rec["end"])

    def finish(self) -> None:
        for f, line, written in self.refs:
            own = self.by_ref.get((f, slug(written)), [])
            earlier = [r for r in own if r[0] < line]
            if len(own) == 1 or earlier:
                continue
            if any(c in self.seen or self._line_id(c) for c in (written, slug(written))):
                continue
            if len(own) > 1:
                lines = ", ".join(str(r[0]) for r in own)
                why = f"which {len(own)} rows of this return cite (lines {lines})"
            else:
                why = "which is not in the chronology"
            self.problems.append(Problem(
                reason=Reason.UNKNOWN_EVENT_REFERENCE, severity=W, value=written,
                message=f"refers to {written!r}, {why}: not linked (the reference is kept in "
                f"the details; use a reference from the same return, or a full id such as "
                f"{self.stems[f]}-14)", **self.tables[f].where(line, "refers_to")))
        records = [rec for _, rec in self.open]
        closed = [{"start": self.first, "end": self.last, "_open": ""}] \
            if self.first is not None else []
        close_open(closed + records, [0] * len(closed) + [f for f, _ in self.open],
                   self.tables, self.problems)

    def _line_id(self, name: str) -> bool:
        """Whether ``name`` is the line id of a row of some table (``police-14``)."""
        stem, _, number = name.rpartition("-")
        return number.isdigit() and stem in self.stems
