"""What a forked review kernel spends on its page, after the zygote's imports.

    python bench/bench_fork_page.py [--rounds 6] [--cold workbench.apps.upload]

Each round runs two fresh processes, interleaved: each imports what the zygote imports
before it forks a kernel (:data:`workbench.serve.forking.WARM_MODULES`, the figure
widget's class), then times what the review notebook's cell does in the kernel (the
case library, the ``ReviewApp`` with its first case, analysis from the disk cache). The
``served`` process imports every warm module; the ``cold`` one leaves out the modules
named with ``--cold``, as if they were imported in each kernel after its fork. The
first round fills the disk cache (the served server's cache is warm too) and is not
counted. Medians of the app's seconds are printed with the load average.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def _child(cold: list[str]) -> None:
    from workbench.serve.forking import WARM_MODULES

    for name in WARM_MODULES:
        if name not in cold:
            importlib.import_module(name)
    from workbench.apps._figure import _widget_class

    _widget_class()
    t0 = time.perf_counter()
    from workbench.apps import CaseLibrary, ReviewApp, settings_from_environment
    from workbench.store import NotesStore

    settings = settings_from_environment()
    app = ReviewApp(library=CaseLibrary.from_settings(settings),
                    store=NotesStore(settings.store), upload_to=settings.upload_folder)
    _ = app.widget
    print(json.dumps({"app_s": time.perf_counter() - t0,
                      "cold_imported": [m for m in cold if m in sys.modules]}))


def _run(env: dict[str, str], cold: list[str]) -> float:
    out = subprocess.run([sys.executable, __file__, "--child", json.dumps(cold)], env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])["app_s"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--cold", action="append", default=None,
                        help="a warm module to import after the fork instead (repeatable; "
                             "default workbench.apps.upload)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        _child(json.loads(args.child))
        return 0
    cold = args.cold or ["workbench.apps.upload"]
    with tempfile.TemporaryDirectory(prefix="workbench-fork-page-") as tmp:
        env = {**os.environ, "WORKBENCH_CACHE": os.path.join(tmp, "cache"),
               "WORKBENCH_STORE": os.path.join(tmp, "review.sqlite")}
        _run(env, [])                                   # fills the disk cache
        load = os.getloadavg()[0]
        served, unwarmed = [], []
        for _ in range(args.rounds):
            unwarmed.append(_run(env, cold))
            served.append(_run(env, []))
    a, b = statistics.median(unwarmed), statistics.median(served)
    print(f"review kernel after its fork, median of {args.rounds} (load {load:.1f} -> "
          f"{os.getloadavg()[0]:.1f}): {', '.join(cold)} imported after the fork {a:.2f} s, "
          f"in the zygote {b:.2f} s (x{b / a:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
