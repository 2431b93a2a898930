"""The entry point: :func:`generate_cohort` and its :class:`CohortSummary`."""

from __future__ import annotations

import csv
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from workbench.generate._case import build_case
from workbench.generate._state import CaseEvents
from workbench.generate._tables import _tables
from workbench.generate._texts import TextTable
from workbench.generate._write import _README, CASES_SCHEMA, PartWriter


@dataclass(frozen=True)
class CohortSummary:
    """What :func:`generate_cohort` wrote.

    Attributes
    ----------
    path : the output folder.
    cases, events, episodes : counts over the cohort.
    repeat_share : share of episodes that are a child's second or later.
    planted : rows of ``answer_key.csv`` (one per pattern a planted failure implies).
    seconds : wall-clock time taken.
    """

    path: Path
    cases: int
    events: int
    episodes: int
    repeat_share: float
    planted: int
    seconds: float


def generate_cohort(out: str | os.PathLike, *, cases: int, seed: int,
                    chunk_events: int = 500_000, good_share: float = 0.3,
                    starts: tuple[str, str] | None = None,
                    progress: bool = False) -> CohortSummary:
    """Write a synthetic cohort of ``cases`` children with planted failures.

    Parameters
    ----------
    out : folder to write; created, and refused when it exists and is not empty.
    cases : number of children.
    seed : the random seed; the same seed gives the same files.
    chunk_events : about how many events each ``events/part-*.parquet`` holds.
    good_share : share of good-practice cases (no failure of any pattern).
    starts : (first, last) ISO dates each child's review period starts between (default
        2013-01-01 to 2023-01-01); a span of a year or two gives a cohort whose children
        are all known in the same year, as a force's year of missing children is.
    progress : show a progress bar (tqdm) on standard error.

    Returns
    -------
    CohortSummary

    Raises
    ------
    FileExistsError
        When ``out`` exists and is not empty (nothing is overwritten).

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     s = generate_cohort(f"{tmp}/c", cases=4, seed=1)
    ...     key = pd.read_csv(s.path / "answer_key.csv")
    >>> len(key) == s.planted, list(key.columns)
    (True, ['case_id', 'pattern', 'events', 'note'])
    """
    if cases < 1:
        raise ValueError(f"cases must be at least 1, got {cases}")
    if not 0.0 <= good_share <= 1.0:
        raise ValueError(f"good_share must lie in [0, 1], got {good_share}")
    window = None
    if starts is not None:
        first, last = (int((np.datetime64(d, "D") - np.datetime64("1970-01-01", "D"))
                           .astype(int)) for d in starts)
        if last <= first:
            raise ValueError(f"starts must run forwards, got {starts[0]} to {starts[1]}")
        window = (first, last)
    began = time.perf_counter()
    path = Path(out)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise FileExistsError(f"{path}: exists and is not empty; choose a new folder")
    (path / "events").mkdir(parents=True, exist_ok=True)
    seeds = np.random.SeedSequence(seed).spawn(cases)
    texts = TextTable(_tables().texts)
    from tqdm import tqdm

    bar = tqdm(total=cases, unit="case", desc="generate", disable=not progress, file=sys.stderr)
    buffer: list[CaseEvents] = []
    rows: list[dict[str, Any]] = []
    key_rows: list[tuple[str, str, str, str]] = []
    buffered = events = episodes = 0
    with PartWriter(path / "events") as parts:
        for index in range(cases):
            case, row = build_case(index, seeds[index], texts, good_share=good_share,
                                   starts=window)
            buffer.append(case)
            buffered += len(case)
            events += len(case)
            episodes += case.n_episodes
            rows.append(row)
            key_rows += [(case.case_id, p, ";".join(ev), note) for p, ev, note in case.key]
            if buffered >= chunk_events or index == cases - 1:
                parts.write(buffer, texts)
                buffer, buffered = [], 0
            bar.update()
    bar.close()
    pq.write_table(pa.Table.from_pylist(rows, schema=CASES_SCHEMA), path / "cases.parquet",
                   compression="zstd")
    with open(path / "answer_key.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("case_id", "pattern", "events", "note"))
        writer.writerows(key_rows)
    with_episodes = sum(1 for r in rows if r["n_episodes"])
    repeat = 1 - with_episodes / episodes if episodes else 0.0
    (path / "README.md").write_text(_README.format(
        cases=cases, events=events, episodes=episodes, repeat=repeat, planted=len(key_rows),
        seed=seed, chunk=chunk_events, good=good_share), encoding="utf-8")
    return CohortSummary(path=path, cases=cases, events=events, episodes=episodes,
                         repeat_share=repeat, planted=len(key_rows),
                         seconds=time.perf_counter() - began)
