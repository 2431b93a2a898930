"""Interleaved A/B of the engine: a git ref (A, default ``main``) against this tree (B).

    python bench/ab_engine.py cohort [--events 100000] [--rounds 4] [--keep DIR] [--base main]
    python bench/ab_engine.py case   [--events 1000]   [--rounds 7] [--keep DIR] [--base main]
    python bench/ab_engine.py small  [--events 24]     [--rounds 7] [--base main]

Both versions of ``workbench`` are loaded into one process (A from ``git archive`` of
the ref, B from this tree; ``sys.modules`` is switched between them), and the same
data is analysed by A, then B, then A ... so that the machine's load falls on both
alike. Each run is cold (a fresh analysis): ``analyse`` + every rule + the flag table,
with each stage timed as ``profile_engine.py`` does. The flag tables of A and B are
compared (they must be equal), and the median per stage printed for both, with
``uptime`` before and after.

``small`` times ``flag_table`` on 20 random cases of up to ``--events`` rows each
(like the property tests of ``tests/test_rules.py``: its cost there is pandas' fixed
cost per operation, not work per event): the median per case of each round's total.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

#: the clock: wall time, or with ``--cpu`` this process's CPU time (on a shared machine
#: under load the wall clock counts other workers' time slices; CPU time mostly does not)
CLOCK = time.perf_counter

_MODULES = ("workbench.analysis.analyse", "workbench.analysis.rules",
            "workbench.analysis.rules.patterns", "workbench.analysis.cohort",
            "workbench.analysis.episodes", "workbench.analysis.facts",
            "workbench.analysis.handoffs", "workbench.io.importer", "workbench.protocols",
            "workbench.timeutil")


def _purge() -> None:
    for name in [n for n in sys.modules if n == "workbench" or n.startswith("workbench.")]:
        del sys.modules[name]


def _load(root: Path) -> dict[str, object]:
    """Every workbench module imported from ``root``, as a ``sys.modules`` slice."""
    _purge()
    sys.path.insert(0, str(root))
    try:
        for name in _MODULES:
            importlib.import_module(name)
    finally:
        sys.path.remove(str(root))
    assert Path(sys.modules["workbench"].__file__).resolve().is_relative_to(root.resolve())
    return {n: m for n, m in sys.modules.items() if n == "workbench" or n.startswith("workbench.")}


def _use(mods: dict[str, object]) -> None:
    _purge()
    sys.modules.update(mods)


def _stages(mods: dict[str, object], load) -> tuple[dict[str, float], pd.DataFrame]:
    """One cold run under the version ``mods``: seconds per stage, and the flag table."""
    _use(mods)
    m = lambda name: sys.modules[name]  # noqa: E731
    analyse_mod, rules = m("workbench.analysis.analyse"), m("workbench.analysis.rules")
    out: dict[str, float] = {}

    def timed(name, call):
        t0 = CLOCK()
        value = call()
        out[name] = CLOCK() - t0
        return value

    data = timed("import", load)
    analysis = timed("analyse", lambda: analyse_mod.analyse(data))
    timed("timed (shared sorted frame)", lambda: analysis.timed)
    raws = []
    for r in rules.default_rules():
        raw = timed(f"rule {r.id}", lambda r=r: r(analysis))
        if raw is not None and not raw.empty:
            raws.append((r, raw.reset_index(drop=True)))
    kept = rules._raw
    rules._raw = lambda analysis, rules: raws
    try:
        table = timed("flag table", lambda: rules._flag_table(analysis, None))
    finally:
        rules._raw = kept
    out["total"] = sum(out.values())
    return out, table


def _rule_runs(mods: dict[str, object], load, rule_ids: list[str]) -> tuple[object, list]:
    """An analysis (with ``timed``) under the version ``mods``, and the rules asked for."""
    _use(mods)
    analysis = sys.modules["workbench.analysis.analyse"].analyse(load())
    _ = analysis.timed  # built once, outside the timing
    rules = [r for r in sys.modules["workbench.analysis.rules"].default_rules()
             if r.id in rule_ids or r.pattern in rule_ids]
    return analysis, rules


def _rule_stage(mods: dict[str, object], analysis, rules) -> tuple[dict[str, float], list]:
    """The rules run once on ``analysis`` with no shared table kept (each run builds the
    shared tables it needs, as the first rule to ask for them does)."""
    _use(mods)
    out, raws = {}, []
    analysis.__dict__.pop("_derived", None)
    for r in rules:
        t0 = CLOCK()
        raws.append(r(analysis))
        out[f"rule {r.id}"] = CLOCK() - t0
    out["total"] = sum(out.values())
    return out, raws


def _small_cases(rows: int, count: int = 20, seed: int = 3) -> list[pd.DataFrame]:
    """Random cases like the property tests' (agencies, kinds, texts, dates, recipients)."""
    import datetime as dt
    import random

    sys.path.insert(0, str(ROOT))
    from tests.casebuilder import events

    agencies = ["Police", "Children's Social Care", "School", "Return Interview Service",
                "Health", "Family", "Host Authority"]
    kinds = ["missing_report", "found", "return_interview_offered", "return_interview_completed",
             "return_interview_declined", "referral", "notification", "information_shared",
             "strategy_meeting", "multi_agency_meeting", "risk_assessment", "disclosure",
             "placement_move", "exclusion", "case_opened", "case_closed", "safety_plan",
             "contact"]
    texts = ["", "", "county lines concern", "streetwise", "moved out of area", "Adult Male 1"]
    rnd, base, out = random.Random(seed), dt.datetime(2025, 1, 6), []
    for _ in range(count):
        table = []
        for n in range(rows):
            when = base + dt.timedelta(minutes=rnd.randint(0, 60 * 24 * 120))
            if when.date() == dt.date(2025, 3, 30) and when.hour == 1:
                when += dt.timedelta(hours=1)
            fields = {"summary": rnd.choice(texts),
                      "risk_grade": rnd.choice(["", "", "absent", "low", "high"]),
                      "recipients": rnd.sample(agencies, rnd.randint(0, 2)),
                      "attendees": rnd.sample(agencies, rnd.randint(0, 3))}
            if n and rnd.random() < 0.5:
                fields["refers_to"] = f"e{rnd.randint(1, n)}"
            table.append((when.strftime("%d/%m/%Y" if rnd.random() < 0.25 else "%d/%m/%Y %H:%M"),
                          rnd.choice(agencies), rnd.choice(kinds), fields))
        out.append(events(*table))
    return out


def _small_stage(mods: dict[str, object], cases: list[pd.DataFrame]
                 ) -> tuple[dict[str, float], pd.DataFrame]:
    """``flag_table`` of each small case under the version ``mods``: the median seconds
    per case, and the flag tables together."""
    _use(mods)
    flag_table = sys.modules["workbench.analysis.rules"].flag_table
    times, tables = [], []
    for frame in cases:
        t0 = CLOCK()
        tables.append(flag_table(frame.copy()).assign(_case=len(tables)))
        times.append(CLOCK() - t0)
    return ({"flag_table per case (median)": statistics.median(times),
             "flag_table per case (mean)": statistics.fmean(times)},
            pd.concat(tables, ignore_index=True))


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _workload(args: argparse.Namespace, versions: dict[str, dict[str, object]], tmp: Path):
    """What one round runs under a version (``run(name)``), and how many rounds."""
    from bench_engine import EVENTS_PER_CASE, case_as_chronology, cohort

    keep = Path(args.keep or tmp)
    if args.what == "cohort":
        folder = cohort(keep, args.events or 100_000)
        parts = sorted((folder / "events").glob("*.parquet"))
        raw = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)

        def load():
            cohort_module = sys.modules["workbench.analysis.cohort"]  # renamed in d21638d
            prepare = getattr(cohort_module, "prepare_events", None) or cohort_module._prepare
            return prepare(raw.copy())
        rounds = args.rounds or 4
    elif args.what == "small":
        small = _small_cases(args.events or 24)
        rounds = args.rounds or 7
    else:
        source = cohort(keep, EVENTS_PER_CASE * 40)
        frame = pd.concat(pd.read_parquet(p) for p in sorted((source / "events").glob("*.parquet")))
        sizes = frame.groupby("case_id").size()
        case_id = (sizes - (args.events or 1000)).abs().idxmin()
        path = tmp / "chronology.csv"
        case_as_chronology(frame.loc[frame["case_id"] == case_id].sort_values("seq"), path)

        def load():
            return sys.modules["workbench.io.importer"].import_chronologies(
                [path], mapping={"ref": "Event ref"})
        rounds = args.rounds or 7
    if args.rule:
        built = {name: _rule_runs(versions[name], load, args.rule) for name in "AB"}

        def run(name):
            return _rule_stage(versions[name], *built[name])
    elif args.what == "small":
        def run(name):
            return _small_stage(versions[name], small)
    else:
        def run(name):
            return _stages(versions[name], load)
    return run, rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("cohort", "case", "small"))
    parser.add_argument("--events", type=int)
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--keep", help="folder to keep generated cohorts in")
    parser.add_argument("--base", default="main", help="git ref of version A")
    parser.add_argument("--rule", nargs="+", help="time only these rules (ids or patterns), "
                        "each round on the same analysis with no shared table kept")
    parser.add_argument("--cpu", action="store_true",
                        help="time by this process's CPU time instead of the wall clock")
    args = parser.parse_args()
    if args.cpu:
        global CLOCK
        CLOCK = time.process_time
    tmp = Path(tempfile.mkdtemp(prefix="ab_engine_"))
    archive = tmp / "base.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), args.base],
                   check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(tmp / "base", filter="data")
    versions = {"A": _load(tmp / "base"), "B": _load(ROOT)}

    run, rounds = _workload(args, versions, tmp)
    print(f"A = {args.base}, B = this tree; {args.what}; {rounds} rounds; "
          f"{'CPU time' if args.cpu else 'wall clock'}")
    print("before:", _uptime())
    for name in "AB":  # warm: imports, protocol files, calendars
        run(name)
    runs: dict[str, list[dict[str, float]]] = {"A": [], "B": []}
    tables = {}
    for i in range(rounds):
        for name in ("AB" if i % 2 == 0 else "BA"):
            stages, tables[name] = run(name)
            runs[name].append(stages)
    print("after: ", _uptime())
    if args.rule:
        same = len(tables["A"]) == len(tables["B"]) and all(
            a.reset_index(drop=True).equals(b.reset_index(drop=True))
            for a, b in zip(tables["A"], tables["B"], strict=True))
        tables = {k: pd.concat(v) if v else pd.DataFrame() for k, v in tables.items()}
    else:
        same = tables["A"].reset_index(drop=True).equals(tables["B"].reset_index(drop=True))
    print(f"{len(tables['A'])} flags (A), {len(tables['B'])} flags (B); "
          f"{'raw ' if args.rule else ''}flag tables equal: {same}\n")
    names = list(dict.fromkeys([*runs["A"][0], *runs["B"][0]]))
    print("| stage | A ms | B ms | B/A |\n|---|---:|---:|---:|")
    for n in names:
        a = statistics.median(r.get(n, 0.0) for r in runs["A"]) * 1000
        b = statistics.median(r.get(n, 0.0) for r in runs["B"]) * 1000
        print(f"| {n} | {a:,.1f} | {b:,.1f} | {b / a if a else float('nan'):.2f} |")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
