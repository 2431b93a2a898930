"""Run every benchmark at its documented size, one after another (``make bench``).

Each benchmark prints its own medians and ratios; run on a quiet machine and read
them side by side. The 10-million-event cohort run is left out by default (it takes
minutes): add ``--full`` for it and the pm4py comparison at 1M events.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RUNS = [
    ["bench_import.py", "--rows", "100000", "--repeat", "3"],
    # issue 15's figures (one case, the command, 100k and 1M cohorts, the hand-off
    # network against pm4py at 100k) beside its targets: about 2 minutes
    ["bench_engine.py", "targets", "--sizes", "100000", "1000000"],
    ["bench_generate.py", "--cases", "2000"],
    ["bench_views.py", "--sizes", "1000", "50000", "--repeat", "5"],
    ["bench_report.py", "--repeat", "3"],
    ["bench_scan.py", "--rows", "5000", "--repeat", "5"],
    ["bench_dashboards.py", "--single", "--rounds", "3"],
    ["bench_dashboards.py", "--room", "review:1,review:5"],
]
FULL = [
    ["bench_engine.py", "targets", "--sizes", "100000", "1000000", "10000000",
     "--cohort-repeat", "1"],
    ["bench_engine.py", "pm4py", "--events", "1000000", "--repeat", "1"],
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also 10M events and pm4py")
    args = parser.parse_args()
    failed = 0
    for run in RUNS + (FULL if args.full else []):
        print(f"\n$ python bench/{' '.join(run)}", flush=True)
        failed += subprocess.run([sys.executable, str(BENCH / run[0]), *run[1:]]).returncode != 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
