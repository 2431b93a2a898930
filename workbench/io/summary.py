"""The import summary: what was read, what was kept, and what had to be assumed.

:class:`ImportSummary` is what ``workbench import --json`` prints and what a
dashboard shows after an upload: rows read and events kept per file, where each
return's agency came from, warnings by reason, agencies met that are in no alias
(with their inferred sector, row count and the alias lines that would merge each
with a known agency), meetings read from agency cells, and dates made undated.

Examples
--------
>>> s = ImportSummary(files=(FileSummary("police.csv", None, 2, 2, "Police", "column",
...                                      {"at": "Date"}, (), 1),), events=2)
>>> s.to_dict()["files"][0]["agency_source"], s.ok
('column', True)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

from workbench.errors import Problem, Severity

__all__ = ["FileSummary", "ImportSummary", "NewAgency", "count_reasons"]


@dataclass(frozen=True)
class FileSummary:
    """One table read (a CSV file, or one sheet of a workbook).

    ``agency_source`` is ``column`` (the rows name their agency), ``option`` (given
    with ``--agency`` or ``agencies_by_file``), ``sheet name``, ``title block`` or
    ``file name``; ``agency`` is the return's own agency when it has one.
    """

    file: str
    sheet: str | None
    rows: int
    events: int
    agency: str | None
    agency_source: str
    columns: Mapping[str, str]
    title_block: tuple[str, ...]
    header_line: int
    lines: int = 0  # data lines read (a record may span several); rows <= lines


@dataclass(frozen=True)
class NewAgency:
    """A name in no alias, kept as an agency of its own.

    ``merge_with`` is the known agency it most likely means (a close spelling or its
    sector's usual agency), and ``alias_lines`` the lines to paste into an alias file
    (under ``agencies:``) to read it as that agency.
    """

    name: str
    sector: str
    basis: str
    rows: int
    written: tuple[str, ...]
    files: tuple[str, ...]
    merge_with: str | None
    alias_lines: str


@dataclass(frozen=True)
class ImportSummary:
    """What an import read and assumed; ``ok`` is False when it met an error."""

    files: tuple[FileSummary, ...] = ()
    events: int = 0
    warnings: Mapping[str, int] = field(default_factory=dict)
    errors: Mapping[str, int] = field(default_factory=dict)
    new_agencies: tuple[NewAgency, ...] = ()
    meetings: int = 0
    undated: int = 0
    made_undated: tuple[str, ...] = ()
    open_ended: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready values (``workbench import --json``)."""
        out = asdict(self)
        out["files"] = [{**f, "title_block": list(f["title_block"]), "columns": dict(f["columns"])}
                        for f in out["files"]]
        out["new_agencies"] = [{**a, "written": list(a["written"]), "files": list(a["files"])}
                               for a in out["new_agencies"]]
        out["made_undated"] = list(self.made_undated)
        return {"ok": self.ok, "rows": self.rows, **out}

    def lines(self) -> list[str]:
        """The summary as short lines of text, for the command line."""
        out = [f"read {self.rows} row(s) from {len(self.files)} table(s); kept {self.events} "
               "event(s)"]
        for f in self.files:
            where = f"{f.file}!{f.sheet}" if f.sheet else f.file
            agency = (f"agency from the {f.agency_source}: {f.agency}" if f.agency_source != "column"
                      else "agency from its agency column")
            lines = f" from {f.lines} data line(s)" if f.lines != f.rows else ""
            out.append(f"  {where}: {f.rows} row(s){lines}; {agency}")
        for a in self.new_agencies:
            merge = f"; to read it as {a.merge_with}, add to the alias file:\n{a.alias_lines}" \
                if a.merge_with else ""
            out.append(f"  new agency {a.name!r} ({a.sector}, {a.basis}): {a.rows} row(s)"
                       f"{merge}")
        if self.meetings:
            out.append(f"  {self.meetings} meeting row(s) recorded under their convenor")
        if self.undated:
            made = (f", {len(self.made_undated)} of them because the date written could not be "
                    "read" if self.made_undated else "")
            out.append(f"  {self.undated} undated event(s){made}")
        if self.warnings:
            out.append("  warnings: " + ", ".join(f"{r} {n}" for r, n in self.warnings.items()))
        if self.errors:
            out.append("  errors: " + ", ".join(f"{r} {n}" for r, n in self.errors.items()))
        return out


def count_reasons(problems: Sequence[Problem],
                  severity: Severity) -> dict[str, int]:
    """How many problems of ``severity`` there are per reason, most first."""
    counts = Counter(str(p.reason) for p in problems if p.severity is severity)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
