"""Where the engine's time goes: per stage and per rule, and cProfile's hot spots.

    python bench/profile_engine.py case   [--events 1000] [--repeat 5] [--top 25] [--cpu]
    python bench/profile_engine.py cohort [--events 100000] [--repeat 3] [--top 25] [--keep DIR]

Stages (medians of ``--repeat`` cold runs, each on a fresh analysis so that no table
is kept from the run before): ``import`` (the chronology CSV read into a Case; for
a cohort, the Parquet part read and prepared), the four steps of ``analyse`` (facts,
event frame, episodes, hand-offs), ``timed`` (the sorted frame the rules share),
each rule in the bundled order, and ``flag table`` (the rules' raw tables made into
the flag table: sources, sort). A rule's time includes any shared table it is the
first to build (``Analysis.derived``). Then one run under cProfile: the top
functions by cumulative time, and by own time. Nothing here changes the engine.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from bench_engine import EVENTS_PER_CASE, case_as_chronology, cohort

import workbench.analysis.rules as rules_module
from workbench.analysis.analyse import Analysis
from workbench.analysis.episodes import episodes, event_frame
from workbench.analysis.facts import fact_frame, with_fact_columns
from workbench.analysis.handoffs import handoffs
from workbench.analysis.rules import default_rules
from workbench.protocols import load_protocol
from workbench.timeutil import years_of

#: the clock: wall time, or with ``--cpu`` this process's CPU time (under load the wall
#: clock also counts other workers' time slices; CPU time mostly does not)
CLOCK = time.perf_counter


def _stages(load: Callable[[], object]) -> dict[str, float]:
    """One cold run: seconds per stage (``analyse`` taken apart, step by step)."""
    out: dict[str, float] = {}

    def timed(name: str, call: Callable[[], object]) -> object:
        t0 = CLOCK()
        value = call()
        out[name] = CLOCK() - t0
        return value

    data = timed("import", load)
    profile = load_protocol(getattr(data, "protocol", None) or None)
    facts = timed("analyse: facts", lambda: fact_frame(data))
    events = timed("analyse: event frame",
                   lambda: with_fact_columns(event_frame(data).reset_index(drop=True), facts))
    eps = timed("analyse: episodes", lambda: episodes(
        events, window_days=int(profile.settings["repeat_window_days"])))
    hos = timed("analyse: hand-offs", lambda: handoffs(events, protocol=profile,
                                                       years=years_of(events["start"])))
    analysis = Analysis(events=events, episodes=eps, handoffs=hos, protocol=profile,
                        case=data if not isinstance(data, pd.DataFrame) else None, facts=facts)
    timed("timed (shared sorted frame)", lambda: analysis.timed)
    raws = []
    for r in default_rules():
        raw = timed(f"rule {r.id}", lambda r=r: r(analysis))
        if raw is not None and not raw.empty:
            raws.append((r, raw.reset_index(drop=True)))
    kept = rules_module._raw
    rules_module._raw = lambda analysis, rules: raws  # the rules' output, as just computed
    try:
        table = timed("flag table", lambda: rules_module._flag_table(analysis, None))
    finally:
        rules_module._raw = kept
    out["_flags"] = len(table)
    out["_events"] = len(events)
    return out


def _report(runs: list[dict[str, float]], top: int, load: Callable[[], object]) -> None:
    names = [n for n in runs[0] if not n.startswith("_")]
    med = {n: statistics.median(r[n] for r in runs) for n in names}
    total = sum(med.values())
    print(f"{runs[0]['_events']:,} events, {runs[0]['_flags']:,} flags; "
          f"medians of {len(runs)} cold runs; total {total * 1000:,.1f} ms\n")
    print("| stage | ms | share |\n|---|---:|---:|")
    for n in names:
        print(f"| {n} | {med[n] * 1000:,.1f} | {med[n] / total:.0%} |")
    prof = cProfile.Profile()
    prof.enable()
    _stages(load)
    prof.disable()
    for key in ("cumulative", "tottime"):
        text = io.StringIO()
        pstats.Stats(prof, stream=text).sort_stats(key).print_stats(top)
        print(f"\n## cProfile, top {top} by {key}\n")
        print(text.getvalue().split("ncalls", 1)[-1].join(("ncalls", "")) if "ncalls" in
              text.getvalue() else text.getvalue())


def profile_case(args: argparse.Namespace) -> None:
    from workbench.io.importer import import_chronologies

    with tempfile.TemporaryDirectory() as tmp:
        source = cohort(Path(args.keep or tmp), EVENTS_PER_CASE * 40)
        frame = pd.concat(pd.read_parquet(p) for p in sorted((source / "events").glob("*.parquet")))
        sizes = frame.groupby("case_id").size()
        case_id = (sizes - args.events).abs().idxmin()
        path = Path(tmp) / "chronology.csv"
        case_as_chronology(frame.loc[frame["case_id"] == case_id].sort_values("seq"), path)

        def load():
            return import_chronologies([path], mapping={"ref": "Event ref"})

        _stages(load)  # warm: imports, protocol files, calendars
        runs = [_stages(load) for _ in range(args.repeat)]
        _report(runs, args.top, load)


def profile_cohort(args: argparse.Namespace) -> None:
    from workbench.analysis.cohort_parts import prepare_events

    with tempfile.TemporaryDirectory() as tmp:
        folder = cohort(Path(args.keep or tmp), args.events)
        parts = sorted((folder / "events").glob("*.parquet"))

        def load():
            return prepare_events(pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True))

        print(f"cohort {folder.name}: {len(parts)} Parquet part(s), analysed as one frame "
              "in one process")
        runs = [_stages(load) for _ in range(args.repeat)]
        _report(runs, args.top, load)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    for name, run, events, repeat in (("case", profile_case, 1000, 5),
                                      ("cohort", profile_cohort, 100_000, 3)):
        p = sub.add_parser(name)
        p.add_argument("--events", type=int, default=events)
        p.add_argument("--repeat", type=int, default=repeat)
        p.add_argument("--top", type=int, default=25)
        p.add_argument("--keep", help="folder to keep generated cohorts in")
        p.add_argument("--cpu", action="store_true",
                       help="time stages by this process's CPU time, not the wall clock")
        p.set_defaults(run=run)
    args = parser.parse_args()
    if args.cpu:
        global CLOCK
        CLOCK = time.process_time
    args.run(args)


if __name__ == "__main__":
    main()
