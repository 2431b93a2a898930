"""Import speed: rows per second for a large chronology, and peak memory.

    python bench/bench_import.py --rows 100000 [--repeat 3]

Writes a synthetic chronology in the common layout (Date, Time, Agency, Event,
Details, Action taken, Outcome, Shared with) to a temporary folder, imports it with
:func:`workbench.import_chronologies` and :func:`workbench.write_case`, and prints
the median time and rows per second over the repeats.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from workbench.io.casefile import write_case
from workbench.io.importer import import_chronologies

TEXTS = [
    ("Police", "Reported missing by mother - risk graded medium", ""),
    ("Police", "Found by officers at Address 2", "Children's Social Care"),
    ("Return Interview Service", "Return interview completed by RI Worker 1", "Police"),
    ("Children's Social Care", "Strategy meeting. Attendees: Police, CSC, School", ""),
    ("School", "Referral to Children's Social Care", "Children's Social Care"),
    ("Health", "Seen by School Nurse 1", ""),
    ("Children's Social Care", "Home visit by SW 1", ""),
]


def write_chronology(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    day = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Date", "Time", "Agency", "Event", "Details", "Action taken", "Outcome",
                      "Shared with"])
        for i in range(rows):
            day += rng.random() < 0.3
            agency, text, shared = TEXTS[rng.randrange(len(TEXTS))]
            d = 1 + day % 28
            m = 1 + (day // 28) % 12
            y = 2000 + day // 336
            out.writerow([f"{d:02d}/{m:02d}/{y}", f"{8 + i % 12:02d}:{i % 60:02d}", agency, text,
                          f"Entry {i}", "Recorded", "", shared])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chronology.csv"
        write_chronology(path, args.rows)
        times = []
        for i in range(args.repeat):
            t0 = time.perf_counter()
            case = import_chronologies([path])
            write_case(case, Path(tmp) / f"case-{i}")
            times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"import {args.rows:,} rows: median {median:.2f} s over {args.repeat} runs "
          f"({args.rows / median:,.0f} rows/s), peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    main()
