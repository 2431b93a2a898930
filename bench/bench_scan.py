"""Privacy scan speed: texts per second, median over repeats.

    python bench/bench_scan.py --rows 5000 [--repeat 5]

Builds the offline Presidio detector once (timed apart: it imports spaCy), then
times three things on ``--rows`` chronology rows of realistic text (one row in
ten holds an identifier): :meth:`Detector.find` one text at a time,
:meth:`Detector.find_many` (texts joined and analysed in batches, as the scan
does), and :func:`scan_paths` on a CSV file of the same rows (reading, locating
and reporting included). Prints the median of ``--repeat`` runs of each.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import tempfile
import time
from pathlib import Path

from workbench.privacy import build_detector, scan_paths

CLEAN = [
    "Reported missing by mother - risk graded medium", "Found by officers at Address 2",
    "Return interview offered by RI Worker 1 within 72 hours; Child A declined",
    "Strategy meeting (S47) held; CSC, Police and Health attended",
    "Seen in Town A with two teenagers; words of advice. Returned home by PC 1 at 02:10.",
    "Referral to Children's Social Care (MASH): possible criminal exploitation",
    "Counselling session 4 of 6 with Counsellor 2; Child A talked about school",
]
DIRTY = [
    "Mother's mobile 07911 123456 rang out", "NHS number 943 476 5919 confirmed by GP",
    "Seen getting into a car AB51 ABC near CF10 1AA", "Messages from @lil_jay2010 on Snapchat",
    "Child A (DOB 03/04/2011), aged 13, not seen since 08:00", "Jayden Smith seen in Town B",
]


def texts(rows: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(DIRTY) if rng.random() < 0.1 else rng.choice(CLEAN) for _ in range(rows)]


def median_seconds(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    detector = build_detector(deny_list=["Jayden Smith"])
    built = time.perf_counter() - start
    rows = texts(args.rows)
    one = median_seconds(lambda: [detector.find(t) for t in rows], args.repeat)
    many = median_seconds(lambda: detector.find_many(rows), args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "police.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["Date", "Time", "Agency", "Event"])
            out.writerows([f"{1 + i % 28:02d}/02/2025", "10:00", "Police", t]
                          for i, t in enumerate(rows))
        whole = median_seconds(lambda: scan_paths([path], detector=detector), args.repeat)
    print(f"detector built in {built:.2f} s (first Presidio import included)")
    print(f"{args.rows:,} texts, median of {args.repeat}:")
    print(f"  find (one call per text)   {one:7.3f} s  {args.rows / one:9,.0f} texts/s")
    print(f"  find_many (batched)        {many:7.3f} s  {args.rows / many:9,.0f} texts/s")
    print(f"  scan_paths (CSV file)      {whole:7.3f} s  {args.rows / whole:9,.0f} rows/s")


if __name__ == "__main__":
    main()
