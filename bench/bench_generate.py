"""Cohort generation speed: events per second and peak memory.

    python bench/bench_generate.py --cases 2000 [--seed 0] [-o OUT] [--chunk-events N]

Generates a synthetic cohort with :func:`workbench.generate.generate_cohort` (into a
temporary folder, deleted afterwards, unless ``-o`` names one to keep) and prints the
events, episodes, seconds, events per second, the size on disk and the peak resident
memory of the process (``resource.getrusage``), with the machine's load average
before and after (a figure taken on a busy machine says so). 20,000 cases make about
10 million events, a national decade of child missing episodes. Writing runs on a
second thread while cases are generated.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
from pathlib import Path

from workbench.generate import generate_cohort


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MiB (ru_maxrss: KiB on Linux, B on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def load() -> str:
    """The 1, 5 and 15-minute load averages."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def run(out: Path, cases: int, seed: int, chunk_events: int, progress: bool) -> None:
    before = load()
    s = generate_cohort(out, cases=cases, seed=seed, chunk_events=chunk_events,
                        progress=progress)
    size = sum(p.stat().st_size for p in s.path.rglob("*") if p.is_file())
    print(f"cases           {s.cases:>14,}")
    print(f"events          {s.events:>14,}")
    print(f"episodes        {s.episodes:>14,}  ({s.repeat_share:.1%} repeats)")
    print(f"planted rows    {s.planted:>14,}")
    print(f"seconds         {s.seconds:>14.1f}")
    print(f"events/second   {s.events / s.seconds:>14,.0f}")
    print(f"on disk (MiB)   {size / 2**20:>14.1f}")
    print(f"peak RSS (MiB)  {peak_rss_mb():>14.0f}")
    print(f"load average    {before}  before;  {load()}  after")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--chunk-events", type=int, default=500_000)
    parser.add_argument("-o", "--output", type=Path, help="folder to keep the cohort in")
    parser.add_argument("--progress", action="store_true", help="show a progress bar")
    args = parser.parse_args()
    if args.output is not None:
        run(args.output, args.cases, args.seed, args.chunk_events, args.progress)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp) / "cohort", args.cases, args.seed, args.chunk_events, args.progress)


if __name__ == "__main__":
    main()
