"""Dashboard speed and memory in a real browser, served as ``workbench serve`` serves.

    python bench/bench_dashboards.py [--rounds 5] [--steps 15] [--json out.json]

With a preheated kernel (the pool refilled and the machine quiet before each round):

- **first widget**: navigation to the review app's first widget visible (target 3.5 s),
  and to its timeline drawn;
- **step**: a click on *Next* until the timeline's cursor line has moved in the page's
  SVG (the round trip page → kernel → page; target 150 ms), timed inside the page;
- **FigureWidgets per view**: plotly figures in each dashboard's page (target ≤ 1);
- **memory per participant**: resident memory (RSS) of each kernel serving an open
  page, by dashboard.

Medians are reported (with the machine's load average, since a shared machine skews
every figure). Everything that is not the local server is aborted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workbench.serve import serve_plan, stop_process_group, wait_until_ready

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DASHBOARDS = ("review", "workshop", "network", "cohort")
READY = {"review": ".js-plotly-plot .xaxislayer-above text", "workshop": ".wb-join",
         "network": ".js-plotly-plot .scatterlayer",
         "cohort": ".js-plotly-plot .xaxislayer-above text"}
#: in the page: click Next n times; each time, the ms until the cursor's SVG path changed
STEP_JS = """async (n) => {
  const gd = document.querySelector('.js-plotly-plot');
  const cursor = () => { const g = [...gd.querySelectorAll('g.trace')].find(
      g => g.__data__ && g.__data__[0] && g.__data__[0].trace.name === 'The moment shown');
    const p = g && g.querySelector('path.js-line'); return p ? p.getAttribute('d') : null; };
  const button = document.querySelector('.wb-next');
  const times = [];
  for (let i = 0; i < n; i++) {
    const before = cursor();
    const t0 = performance.now();
    button.click();
    while (cursor() === before) {
      await new Promise(r => requestAnimationFrame(r));
      if (performance.now() - t0 > 10000) break;
    }
    times.push(performance.now() - t0);
    await new Promise(r => setTimeout(r, 250));
  }
  return times;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load() -> float:
    return os.getloadavg()[0]


class Bench:
    def __init__(self, browser, base: str, token: str, log: Path):
        self.browser, self.base, self.token, self.log = browser, base, token, log

    def filled(self, dashboard: str) -> int:
        return self.log.read_text(errors="replace").count(
            f"Kernel pool of {dashboard}.ipynb is filled")

    def wait_filled(self, dashboard: str, at_least: int, *, settle_s: float = 4.0) -> None:
        deadline = time.monotonic() + 180
        while self.filled(dashboard) < at_least and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(settle_s)     # the warmed kernel has finished its notebook

    def page(self, dashboard: str):
        context = self.browser.new_context(viewport={"width": 1320, "height": 1000})
        page = context.new_page()
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(self.base)
                   else r.abort())
        return context, page

    def url(self, dashboard: str) -> str:
        return f"{self.base}/voila/render/{dashboard}.ipynb?token={self.token}"


def kernels(log: Path) -> dict[int, tuple[str, float]]:
    """Kernel process id -> (dashboard, RSS in MB), for every running Voilà kernel."""
    text = log.read_text(errors="replace")
    owner = {m.group(1): m.group(2) for m in re.finditer(
        r"Using pre-heated kernel: ([0-9a-f-]+) for (\w+)\.ipynb", text)}
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if b"ipykernel_launcher" not in b" ".join(cmd):
                continue
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        kid = re.search(rb"kernel-([0-9a-f-]+)\.json", b" ".join(cmd))
        rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
        if kid:
            out[int(pid)] = (owner.get(kid.group(1).decode(), "warming (pool)"), rss)
    return out


def run(bench: Bench, rounds: int, steps: int) -> dict:
    first, drawn, step_ms, figures = [], [], [], {}
    open_pages = []
    bench.wait_filled("review", 1)
    for r in range(rounds):
        bench.wait_filled("review", r + 1)
        load = _load()
        context, page = bench.page("review")
        t0 = time.perf_counter()
        page.goto(bench.url("review"), wait_until="commit")
        page.wait_for_selector(".wb-app h2", state="visible", timeout=120_000)
        first.append(time.perf_counter() - t0)
        page.wait_for_selector(READY["review"], state="attached", timeout=120_000)
        drawn.append(time.perf_counter() - t0)
        page.wait_for_timeout(1000)
        times = page.evaluate(STEP_JS, steps)
        step_ms += times
        print(f"round {r + 1}: first widget {first[-1]:.2f} s, timeline {drawn[-1]:.2f} s, "
              f"step median {statistics.median(times):.0f} ms (load {load:.1f})",
              flush=True)
        open_pages.append(context)
    for dashboard in DASHBOARDS:
        bench.wait_filled(dashboard, 1, settle_s=0)
        context, page = bench.page(dashboard)
        page.goto(bench.url(dashboard), wait_until="commit")
        page.wait_for_selector(READY[dashboard], state="attached", timeout=120_000)
        page.wait_for_timeout(1500)
        figures[dashboard] = page.locator(".js-plotly-plot").count()
        open_pages.append(context)
    time.sleep(3)
    memory: dict[str, list[float]] = {}
    for dashboard, rss in kernels(bench.log).values():
        memory.setdefault(dashboard, []).append(round(rss))
    for context in open_pages:
        context.close()
    return {
        "first_widget_s_median": round(statistics.median(first), 2),
        "timeline_drawn_s_median": round(statistics.median(drawn), 2),
        "step_ms_median": round(statistics.median(step_ms)),
        "step_ms_p90": round(sorted(step_ms)[int(0.9 * (len(step_ms) - 1))]),
        "first_widget_s": [round(x, 2) for x in first],
        "figure_widgets_per_view": figures,
        "kernel_rss_mb": {k: sorted(v) for k, v in sorted(memory.items())},
        "kernel_rss_mb_median": round(statistics.median(
            [x for k, v in memory.items() if k != "warming (pool)" for x in v] or [0])),
        "load_average_1min": round(_load(), 1),
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--json", metavar="FILE", help="also write the results here")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="workbench-bench-") as tmp:
        root = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
        for name in ("HOME", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                     "IPYTHONDIR"):
            (root / name).mkdir()
            env[name] = str(root / name)
        env.update(JUPYTER_PLATFORM_DIRS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
        plan = serve_plan(port=_free_port(), token=secrets.token_urlsafe(24),
                          store=root / "review.sqlite", config_dir=root / "config",
                          environ=env)
        log = root / "voila.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(plan.command, env=dict(plan.env), cwd=plan.config_dir,
                                       stdout=out, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        try:
            if not wait_until_ready(plan.url, process=process):
                print(log.read_text()[-3000:], file=sys.stderr)
                return 1
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                try:
                    result = run(Bench(browser, f"http://127.0.0.1:{plan.port}", plan.token,
                                       log), args.rounds, args.steps)
                finally:
                    browser.close()
        finally:
            stop_process_group(process)
    print(json.dumps(result, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    targets = (result["first_widget_s_median"] <= 3.5, result["step_ms_median"] <= 150,
               all(n <= 1 for n in result["figure_widgets_per_view"].values()))
    print("targets met: first widget ≤ 3.5 s: {}, step ≤ 150 ms: {}, ≤ 1 FigureWidget per "
          "view: {}".format(*targets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
