"""Validating a large chronology CSV: time and peak memory of ``workbench validate``.

    python bench/bench_large_csv.py [--mb 190] [--repeat 3] [--workbench PATH]

Writes a fictional chronology in the common layout (Date, Time, Agency, Event,
Details, Action taken, Outcome, Shared with) of about ``--mb`` megabytes (190: just
under the 200 MB limit) to a temporary folder, runs ``workbench validate`` on it as a
child process ``--repeat`` times, and prints each run's wall time, peak resident
memory (the child's own ``ru_maxrss``, from ``os.wait4``) and exit status, then the
medians. The machine's load average is printed beside them: on a shared machine the
times vary with it.
``--workbench`` runs another installation's command (to compare before and after).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_import import TEXTS  # noqa: E402

BYTES_PER_ROW = 100  # about, in the common layout written by write_chronology


def write_chronology(path: Path, rows: int, seed: int = 1) -> None:
    """Rows in the common layout, dated over 2010-2024 (every date readable and in the
    past, so that the figures measure reading, not millions of date warnings)."""
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Date", "Time", "Agency", "Event", "Details", "Action taken", "Outcome",
                      "Shared with"])
        for i in range(rows):
            day = (i * 5479) // rows  # 15 years of days, in order
            y, rest = 2010 + day // 365, day % 365
            m, d = 1 + rest // 31 % 12, 1 + rest % 28
            agency, text, shared = TEXTS[rng.randrange(len(TEXTS))]
            out.writerow([f"{d:02d}/{m:02d}/{y}", f"{8 + i % 12:02d}:{i % 60:02d}", agency, text,
                          f"Entry {i}", "Recorded", "", shared])


def run(command: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS in MB, exit status and the last line of output."""
    t0 = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = child.stdout.read().decode("utf-8", "replace")  # type: ignore[union-attr]
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t0
    last = out.strip().splitlines()[-1] if out.strip() else ""
    return seconds, usage.ru_maxrss / 1024, child.returncode, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=190)  # under the 200 MB limit
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workbench", default=shutil.which("workbench") or
                        str(Path(sys.executable).parent / "workbench"))
    parser.add_argument("--keep", help="write the CSV here and keep it (reused if present)")
    args = parser.parse_args()
    rows = int(args.mb * 1_000_000 / BYTES_PER_ROW)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "chronology.csv"
        if not path.exists():
            write_chronology(path, rows)
        size = path.stat().st_size
        print(f"{path.name}: {size / 1e6:,.0f} MB; {args.workbench}")
        results = []
        for i in range(args.repeat):
            load = os.getloadavg()[0]
            seconds, peak, status, last = run([args.workbench, "validate", str(path),
                                               "--agency", "Police"])
            results.append((seconds, peak))
            print(f"run {i + 1}: {seconds:,.1f} s, peak {peak:,.0f} MB, exit {status}, "
                  f"load {load:.1f}; {last}", flush=True)
    print(f"median of {len(results)}: {statistics.median(s for s, _ in results):,.1f} s, "
          f"peak {statistics.median(p for _, p in results):,.0f} MB")


if __name__ == "__main__":
    main()
