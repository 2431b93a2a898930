"""The memory of one dashboard kernel, load-independent: workshop participant and review.

    python bench/bench_kernel_memory.py [--tree SRC ...] [--repeat 3] [--importtime]

Each figure is a fresh Python process that runs what a dashboard's kernel runs (the
notebook's cells, with ipykernel's modules imported as in a real kernel) and then
reads its own resident (RSS) and proportional (PSS) set from
``/proc/self/smaps_rollup``:

- **workshop participant**: a facilitator (run once beforehand, in its own process)
  opens a workshop on a bundled case and reveals five events; the measured process
  builds the workshop app as ``dashboards/workshop.ipynb`` does and joins with the
  code, as every participant's kernel does (the gate scan and the analysis are in
  the server's disk cache by then, as for every kernel after the first), and its
  page draws the figure (the ``FigureWidget``, with plotly.js, is made);
- **review**: builds the review app as ``dashboards/review.ipynb`` does (it shows the
  first case), with that case's analysis in the disk cache.

With several ``--tree`` (source folders put first on ``sys.path``, e.g. ``main`` and
a branch), the runs are interleaved A/B so machine load cancels out; the median of
``--repeat`` runs is printed with ``uptime``. ``--importtime`` also prints the ten
top-level packages that take longest to import in a participant's kernel
(``python -X importtime``, self time summed per package) and the heavy packages it
imports. Nothing is written outside a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

CASE = "county-lines"
KERNEL = "import ipykernel.ipkernel, ipykernel.zmqshell  # what every kernel has\n"
MEMORY = """
import json, re, sys
from pathlib import Path
rollup = Path("/proc/self/smaps_rollup").read_text()
kb = lambda name: int(re.search(name + r":\\s+(\\d+)", rollup).group(1))
print(json.dumps({"rss_mb": kb("Rss") / 1024, "pss_mb": kb("Pss") / 1024,
                  "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""
OPEN = f"""
from workbench.apps import CaseLibrary, WorkshopApp, ReviewApp, settings_from_environment
from workbench.store import NotesStore
settings = settings_from_environment()
app = WorkshopApp(library=CaseLibrary.from_settings(settings), store=NotesStore(settings.store),
                  role="facilitator")
session = app.open_workshop({CASE!r})
app.reveal_next(5)
ReviewApp(library=CaseLibrary.from_settings(settings), store=NotesStore(settings.store))
print(session.join_code)
"""
PARTICIPANT = """
from workbench.apps import CaseLibrary, WorkshopApp, settings_from_environment
from workbench.store import NotesStore
settings = settings_from_environment()
app = WorkshopApp(library=CaseLibrary.from_settings(settings), store=NotesStore(settings.store))
app.widget
me = app.join(CODE, name="P1", agency="", discipline="Police")
assert me is not None and app.case is not None, app.status.value
app.figure_slot.page_ready(600)          # the page has drawn: the FigureWidget is made
"""
REVIEW = """
from workbench.apps import CaseLibrary, ReviewApp, settings_from_environment
from workbench.store import NotesStore
settings = settings_from_environment()
app = ReviewApp(library=CaseLibrary.from_settings(settings), store=NotesStore(settings.store),
                upload_to=settings.upload_folder)
app.widget
app.figure_slot.page_ready(1200)         # the page has drawn: the FigureWidget is made
"""
HEAVY = ("networkx", "pyarrow", "presidio_analyzer", "spacy", "openpyxl", "scipy",
         "jsonschema", "kaleido", "matplotlib", "pm4py", "sklearn", "statsmodels")


def _env(tree: Path, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    env.update(PYTHONPATH=str(tree), WORKBENCH_STORE=str(tmp / "review.sqlite"),
               WORKBENCH_CASES=str(tmp / "cases"), WORKBENCH_CACHE=str(tmp / "cache"),
               MALLOC_ARENA_MAX="2")
    return env


def _run(code: str, env: dict[str, str], *flags: str) -> subprocess.CompletedProcess:
    # run from the temporary folder: ``-c`` puts the working folder first on sys.path
    done = subprocess.run([sys.executable, *flags, "-c", code], env=env, text=True,
                          capture_output=True, check=False,
                          cwd=Path(env["WORKBENCH_STORE"]).parent)
    if done.returncode:
        raise SystemExit(f"a run failed:\n{done.stderr[-3000:]}")
    return done


def importtime(stderr: str) -> list[tuple[str, float]]:
    """Self import time (ms) summed per top-level package, longest first."""
    per: dict[str, float] = defaultdict(float)
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "self" not in line:
            self_us, _cum, name = line[len("import time:"):].split("|")
            per[name.strip().split(".")[0]] += int(self_us) / 1000
    return sorted(per.items(), key=lambda kv: -kv[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", action="append", type=Path,
                        help="source folder to measure (repeatable; default: this checkout)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--importtime", action="store_true")
    args = parser.parse_args(argv)
    trees = [t.resolve() for t in (args.tree or [Path(__file__).resolve().parents[1]])]
    figures: dict[str, dict[str, list[dict]]] = {str(t): defaultdict(list) for t in trees}
    with tempfile.TemporaryDirectory(prefix="wb-kernelmem-") as tmp:
        setups = {}
        for i, tree in enumerate(trees):
            folder = Path(tmp) / str(i)
            folder.mkdir()
            env = _env(tree, folder)
            code = _run(OPEN, env).stdout.split()[-1]
            setups[tree] = (env, code)
        for _ in range(args.repeat):
            for tree in trees:
                env, code = setups[tree]
                for page, script in (("participant", PARTICIPANT), ("review", REVIEW)):
                    script = KERNEL + script.replace("CODE", repr(code)) + MEMORY
                    out = json.loads(_run(script, env).stdout.splitlines()[-1])
                    figures[str(tree)][page].append(out)
        print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
        for tree in trees:
            print(f"\n{tree}")
            for page, runs in figures[str(tree)].items():
                rss = statistics.median(r["rss_mb"] for r in runs)
                pss = statistics.median(r["pss_mb"] for r in runs)
                heavy = [m for m in HEAVY if m in runs[0]["modules"]]
                print(f"  {page:12s} RSS {rss:6.1f} MB  PSS {pss:6.1f} MB  "
                      f"(median of {len(runs)}; {len(runs[0]['modules'])} top-level modules; "
                      f"heavy: {', '.join(heavy) or 'none'})")
            if args.importtime:
                env, code = setups[tree]
                script = KERNEL + PARTICIPANT.replace("CODE", repr(code))
                top = importtime(_run(script, env, "-X", "importtime").stderr)[:10]
                print("  participant import time, self ms per package: " +
                      ", ".join(f"{name} {ms:.0f}" for name, ms in top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
