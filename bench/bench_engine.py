"""Analysis engine speed: one case in process, and whole cohorts.

    python bench/bench_engine.py case   [--events 1000] [--repeat 7]
    python bench/bench_engine.py cohort --sizes 100000 1000000 10000000 [--keep DIR]
    python bench/bench_engine.py pm4py  --events 1000000   (needs /tmp/pm4py-venv)

``case``: a generated case of about N events is written as an agency chronology
(CSV, the common layout), then imported, analysed and flagged in process; the
median of the repeats is printed, and the command line's own start-up.
``cohort``: a cohort of about N events is generated (once, cached under --keep)
and every rule run over it, streamed part by part; events per second and peak
memory (ru_maxrss) are printed per size.
``pm4py``: the hand-off network of a cohort against pm4py's
``discover_network_analysis`` (pm4py is AGPL: it runs in a throwaway environment,
never as a dependency of the workbench).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EVENTS_PER_CASE = 450  # the generator's mean, used to size cohorts


def peak_mb() -> float:
    who = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)  # worker processes too
    return max(resource.getrusage(w).ru_maxrss for w in who) / 1024


def cohort(folder: Path, events: int, seed: int = 7) -> Path:
    from workbench.generate import generate_cohort

    target = folder / f"cohort-{events}"
    if not (target / "cases.parquet").exists():
        generate_cohort(target, cases=max(1, events // EVENTS_PER_CASE), seed=seed)
    return target


def case_as_chronology(events: pd.DataFrame, path: Path) -> None:
    """Write one generated case in the common practitioners' layout."""
    local = events["start"].dt.tz_convert("Europe/London")
    ref = events["id"].str.replace("e", "", regex=False)
    pd.DataFrame({
        "Event ref": ref, "Date": local.dt.strftime("%d/%m/%Y"),
        "Time": local.dt.strftime("%H:%M"), "Agency": events["agency"],
        "Event": events["summary"], "Shared with": events["recipients"].fillna(""),
        "Responds to": events["refers_to"].fillna("").str.replace("e", "", regex=False),
        "Risk": events["risk_grade"].fillna(""),
    }).to_csv(path, index=False)


def bench_case(args: argparse.Namespace) -> None:
    from workbench.analysis.analyse import analyse
    from workbench.analysis.rules import flag_table
    from workbench.io.importer import import_chronologies

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        source = cohort(tmp, EVENTS_PER_CASE * 40)
        frame = pd.concat(pd.read_parquet(p) for p in sorted((source / "events").glob("*.parquet")))
        sizes = frame.groupby("case_id").size()
        case_id = (sizes - args.events).abs().idxmin()
        one = frame.loc[frame["case_id"] == case_id].sort_values("seq")
        path = tmp / "chronology.csv"
        case_as_chronology(one, path)
        times, flags = [], 0
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            case = import_chronologies([path], mapping={"ref": "Event ref"})
            flags = len(flag_table(analyse(case)))
            times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        cli = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "workbench.cli", "flags", str(path), "--json"],
                           check=True, capture_output=True)
            cli.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "workbench.cli", "--help"], check=True,
                       capture_output=True)
        start_up = time.perf_counter() - t0
    print(f"case of {len(one):,} events: import + analyse + flag median {median * 1000:.0f} ms "
          f"over {args.repeat} runs ({len(one) / median:,.0f} events/s, {flags} flags); "
          f"`workbench flags` whole command median {statistics.median(cli):.2f} s; "
          f"`workbench --help` start-up {start_up:.2f} s")


def bench_cohort(args: argparse.Namespace) -> None:
    from workbench.analysis.cohort import cohort_report

    keep = Path(args.keep) if args.keep else Path(tempfile.mkdtemp())
    rows = []
    for size in args.sizes:
        folder = cohort(keep, size)
        cmd = [sys.executable, "-c", (
            "import json, resource, sys, time\n"
            "from workbench.analysis.cohort import cohort_report\n"
            "t0 = time.perf_counter()\n"
            "r = cohort_report(sys.argv[1])\n"
            "s = time.perf_counter() - t0\n"
            "print(json.dumps({'seconds': s, 'events': r.totals['events'], 'flags': r.totals['flags'],"
            " 'peak_mb': max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
            " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024}))"), str(folder)]
        out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True
                                        ).stdout.splitlines()[-1])
        rows.append(out)
        print(f"{out['events']:>12,} events: all rules {out['seconds']:7.1f} s "
              f"({out['events'] / out['seconds']:>10,.0f} events/s), {out['flags']:,} flags, "
              f"peak {out['peak_mb']:,.0f} MB", flush=True)
    if len(rows) > 1:
        per = [r["seconds"] / r["events"] * 1e6 for r in rows]
        print("cost per million events: " + ", ".join(f"{p:.1f} s" for p in per))
    _ = cohort_report  # imported above so a missing module fails early


def bench_pm4py(args: argparse.Namespace) -> None:
    from workbench.analysis.handoffs import handoffs
    from workbench.analysis.network import edge_table

    python = Path("/tmp/pm4py-venv/bin/python")
    if not python.exists():
        sys.exit("pm4py is not installed: python3 -m venv /tmp/pm4py-venv && "
                 "/tmp/pm4py-venv/bin/pip install pm4py pandas pyarrow")
    with tempfile.TemporaryDirectory() as tmp:
        folder = cohort(Path(args.keep or tmp), args.events)
        frame = pd.concat(pd.read_parquet(p) for p in sorted((folder / "events").glob("*.parquet")))
        from workbench.analysis.cohort import _prepare

        frame = _prepare(frame)
        t0 = time.perf_counter()
        edges = edge_table(handoffs(frame))
        ours = time.perf_counter() - t0
        log = Path(tmp) / "log.parquet"
        frame[["case_id", "kind", "start", "agency"]].rename(columns={
            "case_id": "case:concept:name", "kind": "concept:name", "start": "time:timestamp",
            "agency": "org:resource"}).to_parquet(log)
        calls = {
            "network": "pm4py.discover_network_analysis(df, out_column='case:concept:name', "
                       "in_column='case:concept:name', node_column_source='org:resource', "
                       "node_column_target='org:resource', edge_column='concept:name', "
                       "performance=True)",
            "handover": "pm4py.discover_handover_of_work_network(df)",
        }
        seconds: dict[str, float | None] = {}
        for name, call in calls.items():  # one process each: pm4py may run out of memory
            script = ("import sys, time, pandas as pd, pm4py\n"
                      "df = pd.read_parquet(sys.argv[1])\n"
                      f"t0 = time.perf_counter()\n{call}\nprint(time.perf_counter() - t0)\n")
            run = subprocess.run([str(python), "-c", script, str(log)], capture_output=True,
                                 text=True)
            seconds[name] = float(run.stdout.split()[-1]) if run.returncode == 0 else None
            if run.returncode:
                print(f"pm4py {name}: failed with exit status {run.returncode}"
                      + (" (killed: out of memory?)" if run.returncode == -9 else ""))

    def ratio(name: str) -> str:
        value = seconds[name]
        return "did not finish" if value is None else f"{value:.1f} s ({value / ours:.1f}x)"

    print(f"{len(frame):,} events: workbench hand-off network {ours:.2f} s ({len(edges)} edges); "
          f"pm4py discover_network_analysis(performance=True) {ratio('network')}; "
          f"pm4py handover of work {ratio('handover')}")



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("case")
    p.add_argument("--events", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=7)
    p.set_defaults(run=bench_case)
    p = sub.add_parser("cohort")
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--keep", help="folder to keep generated cohorts in")
    p.set_defaults(run=bench_cohort)
    p = sub.add_parser("pm4py")
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--keep", help="folder to keep generated cohorts in")
    p.set_defaults(run=bench_pm4py)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
