"""Analysis engine speed: one case in process, and whole cohorts.

    python bench/bench_engine.py case   [--events 1000] [--repeat 7]
    python bench/bench_engine.py cohort --sizes 100000 1000000 10000000 [--keep DIR]
    python bench/bench_engine.py pm4py  --events 1000000   (needs pm4py: test extra)
    python bench/bench_engine.py targets [--sizes 100000 1000000 10000000] [--no-pm4py]

``case``: a generated case of about N events is written as an agency chronology
(CSV, the common layout), then imported, analysed and flagged in process; the
median of the repeats is printed, and the command line's own start-up.
``cohort``: a cohort of about N events is generated (once, cached under --keep)
and every rule run over it, streamed part by part; events per second and peak
memory (ru_maxrss) are printed per size.
``pm4py``: the hand-off network of a cohort against pm4py's
``discover_network_analysis`` (pm4py is AGPL: it runs in a throwaway environment,
never as a dependency of the workbench; the test extra has it, or /tmp/pm4py-venv).
``targets``: issue 15's figures (one case, the command, cohorts, the hand-off network
against pm4py at 100k events) as medians, beside the issue's targets and its figures
before (``make bench``).
"""

from __future__ import annotations

import argparse
import json
import os
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


def measure_case(events: int, repeat: int, keep: str | None = None, cli_repeat: int = 3
                 ) -> dict[str, float]:
    """One generated case of about ``events`` events: in-process import + analyse + flag
    (median of ``repeat``), the ``workbench flags`` command and ``--help`` (medians)."""
    from workbench.analysis.analyse import analyse
    from workbench.analysis.rules import flag_table
    from workbench.io.importer import import_chronologies

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        source = cohort(Path(keep) if keep else tmp, EVENTS_PER_CASE * 40)
        frame = pd.concat(pd.read_parquet(p) for p in sorted((source / "events").glob("*.parquet")))
        sizes = frame.groupby("case_id").size()
        case_id = (sizes - events).abs().idxmin()
        one = frame.loc[frame["case_id"] == case_id].sort_values("seq")
        path = tmp / "chronology.csv"
        case_as_chronology(one, path)
        times, flags = [], 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            case = import_chronologies([path], mapping={"ref": "Event ref"})
            flags = len(flag_table(analyse(case)))
            times.append(time.perf_counter() - t0)

        def command(*argv: str) -> float:
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "workbench.cli", *argv], check=True,
                           capture_output=True)
            return time.perf_counter() - t0

        cli = [command("flags", str(path), "--json") for _ in range(cli_repeat)]
        start_up = [command("--help") for _ in range(cli_repeat)]
    return {"events": len(one), "seconds": statistics.median(times), "flags": flags,
            "cli": statistics.median(cli), "start_up": statistics.median(start_up)}


def bench_case(args: argparse.Namespace) -> None:
    m = measure_case(args.events, args.repeat, args.keep)
    print(f"case of {m['events']:,} events: import + analyse + flag median "
          f"{m['seconds'] * 1000:.0f} ms over {args.repeat} runs "
          f"({m['events'] / m['seconds']:,.0f} events/s, {m['flags']} flags); "
          f"`workbench flags` whole command median {m['cli']:.2f} s; "
          f"`workbench --help` start-up {m['start_up']:.2f} s")


def measure_cohort(folder: Path, repeat: int = 1) -> dict[str, float]:
    """Every rule over a generated cohort (``cohort_report``), each run in a fresh process
    (so that its peak memory is its own): the median time and the largest peak."""
    cmd = [sys.executable, "-c", (
        "import json, resource, sys, time\n"
        "from workbench.analysis.cohort import cohort_report\n"
        "t0 = time.perf_counter()\n"
        "r = cohort_report(sys.argv[1])\n"
        "s = time.perf_counter() - t0\n"
        "print(json.dumps({'seconds': s, 'events': r.totals['events'], 'flags': r.totals['flags'],"
        " 'peak_mb': max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024}))"), str(folder)]
    runs = [json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True
                                      ).stdout.splitlines()[-1]) for _ in range(repeat)]
    return {**runs[0], "seconds": statistics.median(r["seconds"] for r in runs),
            "peak_mb": max(r["peak_mb"] for r in runs), "runs": len(runs)}


def bench_cohort(args: argparse.Namespace) -> None:
    keep = Path(args.keep) if args.keep else Path(tempfile.mkdtemp())
    rows = []
    for size in args.sizes:
        out = measure_cohort(cohort(keep, size), args.repeat)
        rows.append(out)
        print(f"{out['events']:>12,} events: all rules {out['seconds']:7.1f} s "
              f"({out['events'] / out['seconds']:>10,.0f} events/s), {out['flags']:,} flags, "
              f"peak {out['peak_mb']:,.0f} MB", flush=True)
    if len(rows) > 1:
        per = [r["seconds"] / r["events"] * 1e6 for r in rows]
        print("cost per million events: " + ", ".join(f"{p:.1f} s" for p in per))


def _pm4py_python() -> Path | None:
    """An interpreter with pm4py: the throwaway one, or this one (the test extra has it)."""
    import importlib.util

    throwaway = Path("/tmp/pm4py-venv/bin/python")
    if throwaway.exists():
        return throwaway
    return Path(sys.executable) if importlib.util.find_spec("pm4py") else None


def measure_network(folder: Path, repeat: int = 3, pm4py: bool = True) -> dict[str, object]:
    """The hand-off network of a cohort (median of ``repeat``), and pm4py's network
    analysis and handover-of-work network on the same log (one run each, each in a
    process of its own: pm4py may run out of memory). pm4py times are None when it is
    not installed or failed."""
    from workbench.analysis.cohort_parts import prepare_events
    from workbench.analysis.handoffs import handoffs
    from workbench.analysis.network import edge_table

    frame = prepare_events(pd.concat(pd.read_parquet(p)
                               for p in sorted((folder / "events").glob("*.parquet"))))
    times, edges = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        edges = len(edge_table(handoffs(frame)))
        times.append(time.perf_counter() - t0)
    seconds: dict[str, float | None] = {"network": None, "handover": None}
    python = _pm4py_python() if pm4py else None
    if python is not None:
        with tempfile.TemporaryDirectory() as tmp:
            log = Path(tmp) / "log.parquet"
            frame[["case_id", "kind", "start", "agency"]].rename(columns={
                "case_id": "case:concept:name", "kind": "concept:name",
                "start": "time:timestamp", "agency": "org:resource"}).to_parquet(log)
            calls = {
                "network": "pm4py.discover_network_analysis(df, out_column='case:concept:name', "
                           "in_column='case:concept:name', node_column_source='org:resource', "
                           "node_column_target='org:resource', edge_column='concept:name', "
                           "performance=True)",
                "handover": "pm4py.discover_handover_of_work_network(df)",
            }
            for name, call in calls.items():
                script = ("import sys, time, pandas as pd, pm4py\n"
                          "df = pd.read_parquet(sys.argv[1])\n"
                          f"t0 = time.perf_counter()\n{call}\n"
                          "print('SECONDS', time.perf_counter() - t0)\n")
                run = subprocess.run([str(python), "-c", script, str(log)],
                                     capture_output=True, text=True)
                found = [line for line in run.stdout.splitlines() if line.startswith("SECONDS")]
                if run.returncode == 0 and found:
                    seconds[name] = float(found[-1].split()[1])
                else:
                    print(f"pm4py {name}: failed with exit status {run.returncode}"
                          + (" (killed: out of memory?)" if run.returncode == -9 else ""))
    return {"events": len(frame), "seconds": statistics.median(times), "edges": edges,
            "pm4py": seconds}


def bench_pm4py(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        m = measure_network(cohort(Path(args.keep or tmp), args.events), args.repeat)
    if _pm4py_python() is None:
        sys.exit("pm4py is not installed: python3 -m venv /tmp/pm4py-venv && "
                 "/tmp/pm4py-venv/bin/pip install pm4py pandas pyarrow")
    ours = m["seconds"]

    def ratio(name: str) -> str:
        value = m["pm4py"][name]
        return "did not finish" if value is None else f"{value:.1f} s ({value / ours:.1f}x)"

    print(f"{m['events']:,} events: workbench hand-off network {ours:.2f} s ({m['edges']} edges); "
          f"pm4py discover_network_analysis(performance=True) {ratio('network')}; "
          f"pm4py handover of work {ratio('handover')}")


#: issue 15's targets and the figures it measured before (2-core machine, one run each)
TARGETS = {
    "case": ("1,000-event case: import + analyse + flag", "<= 100 ms", "286 ms"),
    "cli": ("`workbench flags` command, end to end", "<= 0.6 s", "1.04 s"),
    "cohort": ("cohort, all rules", ">= 330,000 ev/s; <= 4 GB; 10M <= 30 s",
               "1.0M: 86,000 ev/s, 1.0 GB; 11.2M: 137,000 ev/s, 1.1 GB"),
    "network": ("hand-off network vs pm4py network analysis (performance=True)", ">= 50x",
                "112,769 events: 0.40 s vs 7.1 s (17.8x)"),
    "handover": ("hand-off network vs pm4py handover of work", ">= 10x", "1.2 s (2.9x)"),
}


def bench_targets(args: argparse.Namespace) -> None:
    """Issue 15's figures, measured now, beside its targets and its figures before."""
    keep = Path(args.keep) if args.keep else Path(tempfile.mkdtemp())
    rows: list[tuple[str, str, str, str]] = []

    def row(key: str, now: str, what: str | None = None) -> None:
        label, target, before = TARGETS[key]
        rows.append((what or label, target, before, now))
        print(f"  {rows[-1][0]}: {now}", flush=True)

    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"machine: {os.cpu_count()} cores; at start: {load}", flush=True)
    m = measure_case(args.events, args.repeat, str(keep))
    row("case", f"{m['seconds'] * 1000:.0f} ms ({m['events']:,} events, median of "
                f"{args.repeat})")
    row("cli", f"{m['cli']:.2f} s (median of 3; `--help` {m['start_up']:.2f} s)")
    per_million = []
    for size in args.sizes:
        c = measure_cohort(cohort(keep, size), args.cohort_repeat)
        per_million.append(c["seconds"] / c["events"] * 1e6)
        row("cohort", f"{c['seconds']:.1f} s, {c['events'] / c['seconds']:,.0f} ev/s, "
                      f"peak {c['peak_mb']:,.0f} MB (median of {c['runs']})",
            f"cohort of {c['events']:,} events, all rules")
    if len(per_million) > 1:
        rows.append(("cost per million events (flat?)", "flat", "",
                     ", ".join(f"{p:.1f} s" for p in per_million)))
    n = measure_network(cohort(keep, args.network_events), args.repeat_network,
                        pm4py=not args.no_pm4py)
    for key, name in (("network", "network"), ("handover", "handover")):
        theirs = n["pm4py"][name]
        now = (f"{n['seconds']:.2f} s vs {theirs:.1f} s ({theirs / n['seconds']:.1f}x)"
               if theirs is not None else f"{n['seconds']:.2f} s (pm4py not run)")
        row(key, now, f"{TARGETS[key][0]} ({n['events']:,} events)")
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"\nat end: {load}\n")
    print("| figure | target | before (issue 15) | now |\n|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("case")
    p.add_argument("--events", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--keep", help="folder to keep the generated cohort in")
    p.set_defaults(run=bench_case)
    p = sub.add_parser("cohort")
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--keep", help="folder to keep generated cohorts in")
    p.add_argument("--repeat", type=int, default=1, help="runs per size (median)")
    p.set_defaults(run=bench_cohort)
    p = sub.add_parser("pm4py")
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3, help="runs of ours (median)")
    p.add_argument("--keep", help="folder to keep generated cohorts in")
    p.set_defaults(run=bench_pm4py)
    p = sub.add_parser("targets", help="issue 15's figures beside its targets")
    p.add_argument("--events", type=int, default=1000, help="events in the one case")
    p.add_argument("--repeat", type=int, default=7, help="runs of the one case (median)")
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000],
                   help="cohort sizes (add 10000000 for the 10M target: minutes)")
    p.add_argument("--cohort-repeat", type=int, default=3, help="runs per cohort size")
    p.add_argument("--network-events", type=int, default=100_000)
    p.add_argument("--repeat-network", type=int, default=3)
    p.add_argument("--no-pm4py", action="store_true", help="skip the pm4py comparison")
    p.add_argument("--keep", help="folder to keep generated cohorts in")
    p.set_defaults(run=bench_targets)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
