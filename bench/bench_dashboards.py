"""Dashboard load and memory in a real browser, served as ``workbench serve`` serves.

    python bench/bench_dashboards.py [--room review:1,review:5,workshop:20] [--json F] [--log F]
    python bench/bench_dashboards.py --http --room review:5   # the server's share only
    python bench/bench_dashboards.py --single [--rounds 5] [--steps 15]

**A room on one laptop** (the default): for each size in ``--pages``, that many pages
are opened together in headless Chromium (the review dashboard for a panel, the
workshop for a room of participants: ``--room review:1,review:5,workshop:20``) and
the bench reports

- **first widget** per page: from navigation to the app's first widget in the page,
  timed inside each page (``performance.now()`` when ``.wb-app`` appears), median and
  max (targets: 5 pages all ready within 15 s);
- **memory**: resident (RSS) and proportional (PSS, shared pages split between the
  processes sharing them) memory of every kernel process of the server, per kernel
  and in all, with the server itself (target: 20 participants under 3 GB in all);
- **kernels gone**: after the pages close (their ``beforeunload`` run, as a closing tab
  does) whether the kernels serving them stopped, and how long that took;
- **where the time goes**: per page, when its HTML began and finished arriving (a page
  on a preheated kernel gets it at once; one that waits for a kernel gets it once the
  dashboard has run) beside its first widget; and the CPU seconds the server, its
  kernels and the browsers (on this same machine) spent until every page was drawn.
  ``--log FILE`` keeps the server's log, each line with its time to the millisecond
  (a kernel taken from the pool, forked, its page's websocket connected).

**One page at a time** (``--single``): with a preheated kernel, the review app's first
widget and timeline, a step's round trip, FigureWidgets per view and memory per
participant (targets 3.5 s, 150 ms, one figure).

Medians are reported with the machine's load average, since a shared machine skews
every figure. Everything that is not the local server is aborted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workbench.serve import (
    free_port,
    private_environ,
    serve_plan,
    stop_process_group,
    wait_until_ready,
)

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


#: seconds a page of the room bench may take to be drawn (counted as not ready after)
TIMEOUT_S = 240



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
    """Kernel process id -> (dashboard, RSS in MB), for every running Voilà kernel
    (started as ``ipykernel_launcher``, or forked: the log names its process)."""
    text = log.read_text(errors="replace")
    owner = {m.group(1): m.group(2) for m in re.finditer(
        r"Using pre-heated kernel: ([0-9a-f-]+) for (\w+)\.ipynb", text)}
    forked = {int(m.group(2)): m.group(1) for m in re.finditer(
        r"Kernel ([0-9a-f-]+) forked as process (\d+)", text)}
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        found = re.search(rb"kernel-([0-9a-f-]+)\.json", b" ".join(cmd))
        kid = found.group(1).decode() if found and b"ipykernel_launcher" in b" ".join(cmd) \
            else forked.get(int(pid))
        rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
        if kid:
            out[int(pid)] = (owner.get(kid, "warming (pool)"), rss)
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


#: in each page from its start: performance.now() when the app's first widget appears
#: (``__wbFirst``) and when the dashboard is drawn (``__wbDrawn``)
FIRST_WIDGET_JS = """(() => {
  const drawn = %s;
  const look = () => {
    if (window.__wbFirst === undefined && document.querySelector('.wb-app'))
      window.__wbFirst = performance.now();
    if (window.__wbDrawn === undefined && document.querySelector(drawn))
      window.__wbDrawn = performance.now();
    if (window.__wbDrawn !== undefined) observer.disconnect();
  };
  const observer = new MutationObserver(look);
  observer.observe(document, {childList: true, subtree: true});
})();"""


def processes(server: int) -> list[dict]:
    """The server and every process under it (its kernels run in sessions of their own,
    so they are found by parent, not by process group): pid, kernel or not, RSS and PSS
    in MB. A kernel is an ``ipykernel_launcher`` process, or a process forked from the
    server's zygote (:mod:`workbench.serve.forking`, which has the zygote's command
    line)."""
    table = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
                table[int(pid)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    family, grew = {server}, True
    while grew:
        more = {pid for pid, parent in table.items() if parent in family} - family
        family |= more
        grew = bool(more)
    out = []
    zygotes = set()
    for pid in sorted(family):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            status = Path(f"/proc/{pid}/status").read_text()
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        if b"-m workbench.serve.forking " in cmd and table.get(pid) not in zygotes:
            zygotes.add(pid)        # the warm process kernels are forked from, not one
        rss = re.search(r"VmRSS:\s+(\d+)", status)
        pss = re.search(r"^Pss:\s+(\d+)", rollup, re.M)
        kernel = b"ipykernel_launcher" in cmd or table.get(pid) in zygotes
        out.append({"pid": pid, "kernel": kernel,
                    "rss_mb": int(rss.group(1)) / 1024 if rss else 0.0,
                    "pss_mb": int(pss.group(1)) / 1024 if pss else 0.0})
    return out


def memory(group: int) -> dict:
    """The server's memory now: per kernel (RSS, MB), and in all (RSS and PSS, MB)."""
    found = processes(group)
    kernels = sorted(round(p["rss_mb"]) for p in found if p["kernel"])
    return {"kernels": len(kernels), "kernel_rss_mb": kernels,
            "kernel_rss_mb_median": round(statistics.median(kernels)) if kernels else 0,
            "all_rss_mb": round(sum(p["rss_mb"] for p in found)),
            "all_pss_mb": round(sum(p["pss_mb"] for p in found))}


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _cpu_seconds(group: int) -> float:
    return sum(_cpu_of(proc["pid"]) for proc in processes(group))


def cpu_split(group: int) -> dict[str, float]:
    """CPU seconds so far (of processes still running) of the server itself, of its
    kernels (and the zygote they are forked from), and of the browsers (everything else
    this bench started: Playwright's driver and Chromium)."""
    server = processes(group)
    ours = {p["pid"] for p in server}
    browsers = [p["pid"] for p in processes(os.getpid()) if p["pid"] not in ours
                and p["pid"] != os.getpid()]
    return {"server": _cpu_of(group),
            "kernels": sum(_cpu_of(p["pid"]) for p in server if p["pid"] != group),
            "browsers": sum(_cpu_of(pid) for pid in browsers)}


def settle(group: int, *, quiet_s: float = 0.3, every_s: float = 2.0,
           timeout_s: float = 180) -> float:
    """Wait until the server and its kernels are idle (the preheated pools filled and
    their dashboards run: under ``quiet_s`` of CPU in ``every_s``); seconds waited."""
    t0 = time.monotonic()
    before = _cpu_seconds(group)
    while time.monotonic() - t0 < timeout_s:
        time.sleep(every_s)
        now = _cpu_seconds(group)
        if now - before < quiet_s:
            break
        before = now
    return round(time.monotonic() - t0, 1)


def wait_kernels(group: int, at_most: int, timeout_s: float) -> float | None:
    """Seconds until no more than ``at_most`` kernels run (None: not within the timeout)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        if sum(p["kernel"] for p in processes(group)) <= at_most:
            return round(time.monotonic() - t0, 1)
        time.sleep(0.5)
    return None


async def open_together(browser, base: str, token: str, dashboard: str, n: int,
                        timeout_s: float = 300) -> tuple[list, list[float], list[float]]:
    """Open ``n`` pages of ``dashboard`` at once (one browser context each, as n people
    would); return the pages and, per page, its first-widget and drawn times (s)."""
    import asyncio

    async def one():
        context = await browser.new_context(viewport={"width": 1366, "height": 768})
        page = await context.new_page()
        await page.route("**/*", lambda r: asyncio.ensure_future(
            r.continue_() if r.request.url.startswith(base) else r.abort()))
        await page.add_init_script(FIRST_WIDGET_JS % json.dumps(READY[dashboard]))
        return page

    pages = await asyncio.gather(*(one() for _ in range(n)))
    url = f"{base}/voila/render/{dashboard}.ipynb?token={token}"
    await asyncio.gather(*(p.goto(url, wait_until="commit", timeout=timeout_s * 1000)
                           for p in pages))
    # a page not drawn within the timeout counts as not ready (its time is None)
    await asyncio.gather(*(p.wait_for_function("() => window.__wbDrawn !== undefined",
                                               timeout=timeout_s * 1000, polling=250)
                           for p in pages), return_exceptions=True)
    first = [await p.evaluate("() => window.__wbFirst === undefined ? null : "
                              "window.__wbFirst / 1000") for p in pages]
    for i, p in enumerate(pages):     # where each page's time went: the server, the browser
        html = await p.evaluate("() => { const n = performance.getEntriesByType('navigation')[0];"
                                " return n ? [n.responseStart / 1000, n.responseEnd / 1000] : null; }")
        print(f"   page {i + 1}: page's HTML from {html[0]:.1f} s to {html[1]:.1f} s, first "
              f"widget {first[i] if first[i] is None else round(first[i], 1)} s", flush=True)
    drawn = [await p.evaluate("() => window.__wbDrawn === undefined ? null : "
                              "window.__wbDrawn / 1000") for p in pages]
    return pages, first, drawn


def _times(values: list[float | None], timeout_s: float) -> dict:
    """Median and max of the pages' times; a page never ready counts as the timeout."""
    known = [v if v is not None else timeout_s for v in values]
    return {"median": round(statistics.median(known), 1), "max": round(max(known), 1),
            "not_ready": sum(v is None for v in values)}


async def room(base: str, token: str, group: int, plan: list[tuple[str, int]]) -> list[dict]:
    """Each (dashboard, n) of ``plan`` in turn: n pages together, their times and memory,
    then the pages closed and the kernels' end awaited."""
    import asyncio

    from playwright.async_api import async_playwright

    results = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for dashboard, n in plan:
                await asyncio.to_thread(settle, group)    # the pools refilled
                before = memory(group)
                load = _load()
                cpu0 = cpu_split(group)
                pages, first, drawn = await open_together(browser, base, token, dashboard, n,
                                                          timeout_s=TIMEOUT_S)
                cpu1 = cpu_split(group)
                # kernels that ended meanwhile are not counted: a lower bound
                cpu = {k: round(max(cpu1[k] - cpu0[k], 0.0), 1) for k in cpu0}
                print(f"   CPU seconds until every page was drawn: {cpu}", flush=True)
                await asyncio.sleep(3)
                during = memory(group)
                await asyncio.gather(*(pg.close(run_before_unload=True) for pg in pages))
                gone = await asyncio.to_thread(wait_kernels, group, before["kernels"], 60)
                await asyncio.gather(*(pg.context.close() for pg in pages))
                f, d = _times(first, TIMEOUT_S), _times(drawn, TIMEOUT_S)
                result = {
                    "dashboard": dashboard, "pages": n, "load_average_1min": round(load, 1),
                    "first_widget_s_median": f["median"], "first_widget_s_max": f["max"],
                    "drawn_s_median": d["median"], "drawn_s_max": d["max"],
                    "pages_not_ready_in_time": d["not_ready"], "timeout_s": TIMEOUT_S,
                    "kernels_before": before["kernels"], "kernels_open": during["kernels"],
                    "kernel_rss_mb_median": during["kernel_rss_mb_median"],
                    "kernel_rss_mb": during["kernel_rss_mb"],
                    "server_rss_mb_all": during["all_rss_mb"],
                    "server_pss_mb_all": during["all_pss_mb"],
                    "idle_server_pss_mb": before["all_pss_mb"],
                    "kernels_gone_after_close_s": gone,
                    "cpu_s_until_drawn": cpu,
                }
                print(f"{n:2d} × {dashboard}: first widget median {result['first_widget_s_median']}"
                      f" s, max {result['first_widget_s_max']} s (drawn max "
                      f"{result['drawn_s_max']} s, {d['not_ready']} page(s) not ready in "
                      f"{TIMEOUT_S} s); kernels {during['kernels']}, median "
                      f"{during['kernel_rss_mb_median']} MB RSS; in all {during['all_rss_mb']} MB"
                      f" RSS / {during['all_pss_mb']} MB PSS; kernels gone after close: "
                      f"{'yes, ' + str(gone) + ' s' if gone is not None else 'NO'} "
                      f"(load {load:.1f})", flush=True)
                results.append(result)
        finally:
            await browser.close()
    return results


def http_room(base: str, token: str, server: int, plan: list[tuple[str, int]]) -> list[dict]:
    """The server's share alone, without browsers on this machine (in a room each
    person's browser runs on their own device): ``n`` clients fetch the page together;
    a page's time is until its last byte, when the kernel has run the dashboard and
    its widgets are in the page. Then each client closes its page as Voilà's page
    script does (``POST /voila/api/shutdown/<kernel>`` with the ``_xsrf`` cookie)."""
    import http.cookiejar
    import urllib.parse
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def fetch(dashboard: str) -> tuple[float, float, str, object]:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        t0 = time.perf_counter()
        with opener.open(f"{base}/voila/render/{dashboard}.ipynb?token={token}",
                         timeout=TIMEOUT_S) as response:
            first = time.perf_counter() - t0
            html = response.read().decode("utf-8", "replace")
        kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', html)
        return first, time.perf_counter() - t0, kernel.group(1) if kernel else "", \
            (opener, jar)

    def close(kernel: str, client) -> int:
        opener, jar = client
        xsrf = next((c.value for c in jar if c.name == "_xsrf"), "")
        body = urllib.parse.urlencode({"_xsrf": xsrf}).encode()
        try:
            with opener.open(f"{base}/voila/api/shutdown/{kernel}", data=body,
                             timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    import urllib.error

    results = []
    for dashboard, n in plan:
        settle(server)
        before = memory(server)
        load = _load()
        with ThreadPoolExecutor(n) as pool:
            got = list(pool.map(fetch, [dashboard] * n))
        during = memory(server)
        with ThreadPoolExecutor(n) as pool:
            statuses = list(pool.map(lambda g: close(g[2], g[3]), got))
        gone = wait_kernels(server, before["kernels"], 60)
        done = [g[1] for g in got]
        result = {"dashboard": dashboard, "pages": n, "load_average_1min": round(load, 1),
                  "page_complete_s_median": round(statistics.median(done), 1),
                  "page_complete_s_max": round(max(done), 1),
                  "kernels_open": during["kernels"],
                  "kernel_rss_mb_median": during["kernel_rss_mb_median"],
                  "server_rss_mb_all": during["all_rss_mb"],
                  "server_pss_mb_all": during["all_pss_mb"],
                  "shutdown_statuses": sorted(set(statuses)),
                  "kernels_gone_after_close_s": gone}
        print(f"{n:2d} × {dashboard} (server only): page complete median "
              f"{result['page_complete_s_median']} s, max {result['page_complete_s_max']} s; "
              f"kernels {during['kernels']}, in all {during['all_pss_mb']} MB PSS; shutdown "
              f"{result['shutdown_statuses']}, kernels gone: {gone} s (load {load:.1f})",
              flush=True)
        results.append(result)
    return results


#: the server's log lines with their time (to the millisecond) and level
LOG_FORMAT = "--Voila.log_format=%(asctime)s.%(msecs)03d %(levelname).1s [%(name)s] %(message)s"
LOG_DATEFMT = "--Voila.log_datefmt=%H:%M:%S"


def _serve(root: Path):
    env = private_environ(root)
    plan = serve_plan(port=free_port(), token=secrets.token_urlsafe(24),
                      store=root / "review.sqlite", config_dir=root / "config", environ=env)
    log = root / "voila.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([*plan.command, LOG_FORMAT, LOG_DATEFMT],
                                   env=dict(plan.env), cwd=plan.config_dir,
                                   stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    return plan, process, log


def _room_plan(text: str) -> list[tuple[str, int]]:
    out = []
    for part in text.split(","):
        dashboard, _, n = part.strip().rpartition(":")
        out.append((dashboard or "review", int(n)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--room", default="review:1,review:5,workshop:20",
                        help="dashboard:pages,… opened together, in turn (default %(default)s)")
    parser.add_argument("--http", action="store_true",
                        help="the room without browsers: the server's share of each page")
    parser.add_argument("--single", action="store_true",
                        help="one page at a time: first widget, step, figures, memory")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--json", metavar="FILE", help="also write the results here")
    parser.add_argument("--log", metavar="FILE",
                        help="keep the server's log here (its timestamps say where a page's "
                             "time goes)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="workbench-bench-") as tmp:
        plan, process, log = _serve(Path(tmp))
        try:
            if not wait_until_ready(plan.url, process=process):
                print(log.read_text()[-3000:], file=sys.stderr)
                return 1
            base = f"http://127.0.0.1:{plan.port}"
            if args.single:
                from playwright.sync_api import sync_playwright

                with sync_playwright() as p:
                    browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                    try:
                        result = run(Bench(browser, base, plan.token, log), args.rounds,
                                     args.steps)
                    finally:
                        browser.close()
            elif args.http:
                result = {"room": http_room(base, plan.token, process.pid,
                                            _room_plan(args.room)), "cpus": os.cpu_count()}
            else:
                import asyncio

                result = {"room": asyncio.run(room(base, plan.token, process.pid,
                                                   _room_plan(args.room))),
                          "cpus": os.cpu_count()}
        finally:
            stop_process_group(process)
            if args.log:
                Path(args.log).write_bytes(log.read_bytes())
    print(json.dumps(result, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    if args.single:
        targets = (result["first_widget_s_median"] <= 3.5, result["step_ms_median"] <= 150,
                   all(n <= 1 for n in result["figure_widgets_per_view"].values()))
        print("targets met: first widget ≤ 3.5 s: {}, step ≤ 150 ms: {}, ≤ 1 FigureWidget "
              "per view: {}".format(*targets))
    elif not args.http:
        for r in result["room"]:
            if r["pages"] == 5:
                print(f"target: 5 pages all ready within 15 s: {r['first_widget_s_max'] <= 15}")
            if r["pages"] >= 20:
                print(f"target: {r['pages']} participants under 3 GB in all (PSS): "
                      f"{r['server_pss_mb_all'] < 3072}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
