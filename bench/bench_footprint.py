"""What an installation weighs: disk, packages, import time, kernel memory.

    python bench/bench_footprint.py [--venv PATH] [--pythonpath SRC] [--repeat 5]

With ``--venv`` (a virtual environment the workbench is installed in), prints its
size on disk and the number of installed distributions. Then, with this interpreter
(or the venv's), in fresh processes:

- import time (CPU and wall clock) of what ``workbench --help`` loads (``workbench.cli``) and of what a
  dashboard's first cell loads (``workbench.apps`` with the review app, the case
  library and the review store), the median of ``--repeat`` runs;
- the memory (resident set) of a Jupyter kernel after it has run the review
  dashboard's cells on the bundled case studies, and after the workshop's gate has
  scanned one case for identifying details (which loads Presidio); then of a second
  kernel whose gate finds that scan in the cache (as every participant's kernel after
  the first does: Presidio stays unloaded);
- whether Presidio, spaCy, JupyterLab or kaleido were imported by a dashboard.

Nothing is written outside a temporary folder.
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

IMPORTS = {
    "workbench.cli": "import workbench.cli",
    "review dashboard": ("from workbench.apps import CaseLibrary, ReviewApp, "
                         "settings_from_environment\nfrom workbench.store import NotesStore\n"
                         "import workbench.apps.review"),
}
KERNEL = "workbench-footprint"
HEAVY = ("presidio_analyzer", "spacy", "jupyterlab", "kaleido", "regex")
REVIEW = """
import os, sys
from workbench.apps import CaseLibrary, ReviewApp, settings_from_environment
from workbench.store import NotesStore
settings = settings_from_environment()
app = ReviewApp(library=CaseLibrary.from_settings(settings), store=NotesStore(settings.store))
"""
GATE = """
from workbench.apps import gate_problems
library = CaseLibrary.from_settings(settings)
gate_problems(library.load(library.keys()[0]))
"""
RSS = """
import json, sys
def rss_mb():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        import psutil
        return psutil.Process().memory_info().rss / 2**20
print(json.dumps({"rss_mb": rss_mb(), "python": sys.executable,
                  "heavy": [m for m in HEAVY if m in sys.modules]}))
""".replace("HEAVY", repr(HEAVY))


def venv_size(venv: Path) -> tuple[float, int]:
    """Megabytes on disk and number of installed distributions of a venv."""
    total = sum(f.stat().st_size for f in venv.rglob("*") if f.is_file() and not f.is_symlink())
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list", "--format=json"],
                         capture_output=True, text=True, check=True)
    return total / 1e6, len(json.loads(pip.stdout))


def import_seconds(python: str, code: str, repeat: int, env: dict) -> tuple[float, float]:
    """Median wall-clock and CPU (user + system) seconds of a fresh process running
    ``code``; the CPU time is what a busy machine does not inflate."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([python, "-c", code], check=True, env=env, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def kernel_memory(python: str, env: dict) -> dict[str, dict]:
    """RSS of a fresh kernel: idle, after the review dashboard, after the gate's scan."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    out: dict[str, dict] = {}
    specs = KernelSpecManager(kernel_dirs=[str(Path(env["HOME"], "kernels"))])
    km = KernelManager(kernel_name=KERNEL, kernel_spec_manager=specs)
    km.start_kernel(env=env, cwd=env["HOME"])
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=300)
    try:
        for step, code in (("idle kernel", ""), ("review dashboard", REVIEW),
                           ("after the gate's scan", GATE)):
            lines: list[str] = []

            def collect(message: dict, lines: list[str] = lines) -> None:
                lines.append(message["content"].get("text", ""))

            reply = kc.execute_interactive(code + RSS, timeout=600, output_hook=collect)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"{step}: {reply['content']}")
            out[step] = json.loads("".join(lines).strip().splitlines()[-1])
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, help="an installed environment to weigh")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pythonpath", help="import the workbench from this source tree")
    args = parser.parse_args()
    python = str(args.venv / "bin" / "python") if args.venv else sys.executable
    with tempfile.TemporaryDirectory(prefix="workbench-footprint-") as home:
        env = {**os.environ, "HOME": home, "WORKBENCH_STORE": f"{home}/review.sqlite",
               "JUPYTER_PLATFORM_DIRS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        spec = Path(home, "kernels", KERNEL)   # the measured interpreter, by its own name
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps(
            {"argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
             "display_name": "Python 3", "language": "python"}))
        if args.pythonpath:
            env["PYTHONPATH"] = args.pythonpath
        if args.venv:
            mb, count = venv_size(args.venv)
            print(f"{args.venv}: {mb:,.0f} MB on disk, {count} distributions")
        for name, code in IMPORTS.items():
            wall, cpu = import_seconds(python, code, args.repeat, env)
            print(f"import {name}: {cpu:.2f} s CPU, {wall:.2f} s wall (medians of "
                  f"{args.repeat})")
        env["WORKBENCH_CACHE"] = f"{home}/cache"   # the gate's cache: empty, then filled
        for kernel in ("first kernel", "second kernel"):
            for step, found in kernel_memory(python, env).items():
                assert found["python"] == python, (found["python"], python)
                print(f"{kernel}, {step}: {found['rss_mb']:.0f} MB resident; "
                      f"loaded: {', '.join(found['heavy']) or 'none of ' + '/'.join(HEAVY)}")


if __name__ == "__main__":
    main()
