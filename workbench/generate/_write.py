"""Writing a cohort: Parquet schemas, the event table and the README."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from workbench.generate._state import CaseEvents
from workbench.generate._tables import _tables
from workbench.generate._texts import TextTable, take_texts
from workbench.generate._vocab import _FILE_STEMS, AGENCIES, KINDS

_STRING = pa.string()
_DICT = pa.dictionary(pa.int8(), pa.string())
_TS = pa.timestamp("us", tz="UTC")
EVENT_SCHEMA = pa.schema([
    ("case_id", _STRING), ("id", _STRING), ("seq", pa.int32()), ("agency", _DICT),
    ("agency_as_written", _DICT), ("sector", _DICT), ("kind", _DICT), ("kind_basis", _DICT),
    ("kind_confidence", pa.float32()), ("start", _TS), ("end", _TS), ("precision", _STRING),
    ("approximate", pa.bool_()), ("summary", _STRING), ("recipients", _STRING),
    ("attendees", _STRING), ("risk_grade", _STRING), ("refers_to", _STRING),
    ("source_file", _STRING), ("source_line", pa.int32()), ("source", _STRING),
])
CASES_SCHEMA = pa.schema([
    ("case_id", _STRING), ("good_practice", pa.bool_()), ("n_agencies", pa.int16()),
    ("n_events", pa.int32()), ("n_episodes", pa.int32()), ("born", _STRING),
    ("lead_agency", _STRING), ("looked_after", pa.bool_()), ("n_planted", pa.int16()),
])


class PartWriter:
    """Writes ``part-NNNNN.parquet`` files of events on one background thread.

    Building a part's Arrow table and compressing it run in pyarrow, which releases the
    GIL, so the next cases are generated meanwhile. One part is in flight at most:
    :meth:`write` waits for the previous one, so memory stays flat. Use as a context
    manager; leaving it waits for the last part (and raises its error, if any).
    """

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._parts = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="generate-writer")
        self._pending: Future[None] | None = None

    def __enter__(self) -> PartWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        try:
            if exc_type is None:
                self.wait()
            elif self._pending is not None:    # an error is on its way: wait, keep it first
                self._pending.exception()
        finally:
            self._pool.shutdown()

    def wait(self) -> None:
        """Wait for the part in flight to be written."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def write(self, cases: list[CaseEvents], texts: TextTable) -> None:
        """Write ``cases`` (whose text columns are codes into ``texts``) as the next part."""
        self.wait()
        path = self._folder / f"part-{self._parts:05d}.parquet"
        self._parts += 1
        self._pending = self._pool.submit(_write_part, path, list(cases), texts.array())


def _write_part(path: Path, cases: list[CaseEvents], strings: pa.Array) -> None:
    pq.write_table(events_table(cases, strings), path, compression="zstd")


def events_table(cases: list[CaseEvents], strings: pa.Array) -> pa.Table:
    """The event table (``EVENT_SCHEMA``) of assembled cases, one after another; their
    text columns are codes into ``strings`` (a :class:`TextTable`'s array)."""
    tables = _tables()

    def column(name: str) -> np.ndarray:
        return np.concatenate([getattr(c, name) for c in cases])

    case_ids = pc.take(pa.array([c.case_id for c in cases], _STRING),
                       np.repeat(np.arange(len(cases)), [len(c) for c in cases]))
    agency = column("agency")
    ref = column("refers_to")
    n = len(ref)
    ids = pa.array(tables.ids, _STRING)
    agency_dict = pa.array(AGENCIES, _STRING)
    ag = pa.array(agency.astype(np.int8))
    sectors = sorted(set(tables.sectors))
    sector_code = np.array([sectors.index(s) for s in tables.sectors], dtype=np.int8)
    files = pc.binary_join_element_wise(
        case_ids, pc.take(pa.array([f"/{s}.csv" for s in _FILE_STEMS], _STRING), ag), "")
    line = pa.array(column("source_line").astype(np.int32))
    return pa.table([
        case_ids,
        pc.take(ids, column("seq")),
        pa.array(column("seq").astype(np.int32)),
        pa.DictionaryArray.from_arrays(ag, agency_dict),
        pa.DictionaryArray.from_arrays(ag, agency_dict),
        pa.DictionaryArray.from_arrays(pa.array(sector_code[agency]), pa.array(sectors)),
        pa.DictionaryArray.from_arrays(pa.array(column("kind").astype(np.int8)),
                                       pa.array(KINDS, _STRING)),
        pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int8)),
                                       pa.array(["column"], _STRING)),
        pa.array(np.ones(n, dtype=np.float32)),
        pa.array(column("start") * 60_000_000, _TS),
        pa.array(column("end") * 60_000_000, _TS),
        pc.take(pa.array(["minute", "day"], _STRING), column("whole_day").astype(np.int8)),
        pa.array(np.zeros(n, dtype=bool)),
        take_texts(strings, column("summary")),
        take_texts(strings, column("recipients")),
        take_texts(strings, column("attendees")),
        take_texts(strings, column("risk_grade")),
        pc.take(ids, pa.array(np.maximum(ref, 0), mask=ref < 0)),
        files,
        line,
        pc.binary_join_element_wise(files, pc.cast(line, _STRING), ":"),
    ], schema=EVENT_SCHEMA)


_README = """# Synthetic cohort

Generated by `workbench.generate.generate_cohort` (case review workbench): {cases:,}
fictional children, {events:,} events, {episodes:,} missing episodes ({repeat:.0%} repeats),
{planted:,} planted failures. Nothing here describes a real person.

Made with seed {seed} by

    workbench generate --cases {cases} --seed {seed} -o OUT

or, in Python,

    from workbench.generate import generate_cohort
    generate_cohort("OUT", cases={cases}, seed={seed}, chunk_events={chunk}, good_share={good})

The same seed, number of cases and chunk size give the same bytes.

## Files

- `events/part-NNNNN.parquet`: the merged chronology of every child, whole cases per
  file, about {chunk:,} rows each. Columns as `docs/case-format.md` (`events.csv`) plus
  `case_id`; `when`, `details`, `action`, `outcome`, `author` and `source_sheet` are
  omitted; missing values are null. Read with `pandas.read_parquet(OUT / "events")`.
- `cases.parquet`: one row per child (`case_id`, `good_practice`, `n_agencies`,
  `n_events`, `n_episodes`, `born`, `lead_agency`, `looked_after`, `n_planted`).
- `answer_key.csv`: one row per planted failure and pattern it implies, by the
  definitions of `docs/patterns.md` with the `england-2014` profile: `case_id`,
  `pattern`, `events` (`;`-joined event ids of the evidence, the anchor first: see
  the table in `workbench/generate.py`), `note`. Good-practice cases have no rows: a correct rule engine
  raises no flag on them, and on the other cases exactly the rows of this key.
"""
