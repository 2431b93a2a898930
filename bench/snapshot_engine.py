"""Equality snapshot of the engine's results: every case study and every field case.

    python bench/snapshot_engine.py write /tmp/engine-before.pkl
    python bench/snapshot_engine.py check /tmp/engine-before.pkl

Each case under ``casestudies/`` and ``tests/field/cases/`` is imported as the tests
import it (``import_chronologies`` on the case folder, or on the field case's files
with warnings silenced, as ``tests/field/evaluate.py`` does), analysed and flagged;
the events, episodes, hand-offs and flag tables (or the import's refusal) are pickled.
``check`` does it again with this tree and compares every table with
``pandas.testing.assert_frame_equal`` (dtypes, index and order included), printing
each difference and exiting non-zero if there is one. A speed change must leave this
snapshot unchanged.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import warnings
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = {".csv", ".xlsx", ".tsv", ".txt"}  # tests/field/evaluate.py's


def _cases() -> list[tuple[str, list[Path]]]:
    out = [(f"casestudies/{p.name}", [p]) for p in sorted((ROOT / "casestudies").iterdir())
           if p.is_dir()]
    for folder in sorted((ROOT / "tests" / "field" / "cases").iterdir()):
        if (folder / "key.yaml").is_file():
            files = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)
            out.append((f"field/{folder.name}", files))
    return out


def _tables(files: list[Path]) -> dict[str, object]:
    import workbench

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            case = workbench.import_chronologies(files)
            analysis = workbench.analyse(case)
            flags = workbench.flag_table(analysis)
    except Exception as exc:  # a refusal is a result too
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"events": analysis.events, "episodes": analysis.episodes,
            "handoffs": analysis.handoffs, "flags": flags}


def snapshot() -> dict[str, dict[str, object]]:
    return {name: _tables(files) for name, files in _cases()}


def compare(before: dict, after: dict) -> list[str]:
    problems = []
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name), after.get(name)
        if a is None or b is None:
            problems.append(f"{name}: only in {'after' if a is None else 'before'}")
            continue
        for key in sorted(set(a) | set(b)):
            x, y = a.get(key), b.get(key)
            if isinstance(x, pd.DataFrame) and isinstance(y, pd.DataFrame):
                try:
                    pd.testing.assert_frame_equal(x, y)
                except AssertionError as exc:
                    problems.append(f"{name} {key}: {str(exc).splitlines()[0:4]}")
            elif x != y:
                problems.append(f"{name} {key}: {x!r} != {y!r}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["write", "check"])
    parser.add_argument("path", type=Path)
    args = parser.parse_args()
    now = snapshot()
    if args.what == "write":
        args.path.write_bytes(pickle.dumps(now))
        flags = sum(len(t["flags"]) for t in now.values() if "flags" in t)
        print(f"{len(now)} cases, {flags} flags written to {args.path}")
        return
    before = pickle.loads(args.path.read_bytes())
    problems = compare(before, now)
    for p in problems:
        print(p)
    flags = sum(len(t["flags"]) for t in now.values() if "flags" in t)
    print(f"{len(now)} cases, {flags} flags: "
          + ("identical" if not problems else f"{len(problems)} differences"))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
