"""The dashboards in a real browser: one Voilà launcher, one visit, the room's checks.

:func:`launch` starts Voilà exactly as ``workbench serve`` does (loopback, a token, its
own home and review store, the two test cases beside the bundled case studies);
:class:`Visit` is one browser context (one participant) on one dashboard, with every
request that is not to the server aborted and recorded; :func:`room_problems` is what
a page must pass on every screen a review uses: no horizontal scrolling, every control
reachable and tappable, nothing cut at the edge of a box inside the page, no link
or request off the machine, axe-core (vendored in
``tests/vendor/axe-core``, run offline) clean of critical and serious violations.

Waits are event-driven (a selector or a condition), never fixed sleeps.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.appcases import write_cases
from workbench.serve import (
    free_port,
    private_environ,
    process_group_options,
    serve_plan,
    stop_process_group,
    wait_until_ready,
)

ROOT = Path(__file__).resolve().parents[1]
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
LOAD_TIMEOUT_MS = 120_000
#: the three screens a review uses: a phone in portrait, a laptop, a projector
SCREENS = {"phone": (390, 844), "laptop": (1366, 768), "projector": (1920, 1080)}



@dataclass
class Server:
    base: str
    token: str
    port: int
    log: Path
    external: list[str] = field(default_factory=list)

    def url(self, dashboard: str, query: str = "") -> str:
        extra = f"&{query}" if query else ""
        return f"{self.base}/voila/render/{dashboard}.ipynb?token={self.token}{extra}"


@contextlib.contextmanager
def launch(root: Path, *, cases: Path | None = None) -> Iterator[Server]:
    """Voilà on a free loopback port serving a copy of ``dashboards/`` (beside two
    planted files that must never be served); stopped (its whole process group) on exit."""
    dashboards = root / "dashboards"
    dashboards.mkdir()
    for notebook in (ROOT / "dashboards").glob("*.ipynb"):
        shutil.copy(notebook, dashboards)
    (dashboards / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\nnot for the room")
    (dashboards / "notes.txt").write_text("not for the room")
    env = private_environ(root)
    plan = serve_plan(port=free_port(), token=secrets.token_urlsafe(24),
                      store=root / "review.sqlite",
                      cases=cases if cases is not None else write_cases(root / "cases"),
                      config_dir=root / "config", dashboards=dashboards, environ=env)
    log = root / "voila.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(plan.command, env=dict(plan.env), cwd=plan.config_dir,
                                   stdout=out, stderr=subprocess.STDOUT,
                                   **process_group_options())
    try:
        if not wait_until_ready(plan.url, process=process, timeout_s=120):
            pytest.fail("Voilà did not start:\n" + log.read_text()[-3000:])
        yield Server(base=f"http://127.0.0.1:{plan.port}", token=plan.token, port=plan.port,
                     log=log)
    finally:
        stop_process_group(process)


class Visit:
    """One browser context (one participant) on one dashboard."""

    def __init__(self, browser, server: Server, dashboard: str, *,
                 size: tuple[int, int] = (1366, 768), query: str = "", context=None):
        self.server = server
        self.own_context = context is None
        self.context = context or browser.new_context(
            viewport={"width": size[0], "height": size[1]})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        #: what the page printed on its console, each with its second since the visit began
        self.console: list[str] = []
        self.external: list[str] = []
        self.sockets: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", self._console)
        self.page.on("websocket", lambda ws: self.sockets.append(ws.url))
        self.started = time.monotonic()
        self.page.goto(server.url(dashboard, query), wait_until="commit")

    def _console(self, message) -> None:
        if message.type in ("error", "warning"):
            self.console.append(f"{time.monotonic() - self.started:6.1f}s {message.type}: "
                                f"{message.text[:300]}")

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.server.base + "/") or url.startswith("data:"):
            route.continue_()
        else:
            self.external.append(url)
            self.server.external.append(url)
            route.abort()

    def ready(self, selector: str = ".wb-app") -> Visit:
        try:
            self.page.wait_for_selector(selector, state="attached", timeout=LOAD_TIMEOUT_MS)
        except Exception as exc:  # a page that never drew: say what the server saw
            shown = ""
            with contextlib.suppress(Exception):
                shown = self.page.inner_text("body")[:500]
            log = self.server.log.read_text(errors="replace")
            console = "\n".join(self.console[-30:])
            pytest.fail(f"{selector} not on the page after {LOAD_TIMEOUT_MS // 1000} s "
                        f"({type(exc).__name__}); the page shows: {shown!r}; its console "
                        f"ends:\n{console}\nthe server's log ends:\n{log[-6000:]}")
        return self

    def text(self, selector: str) -> str:
        return self.page.inner_text(selector)

    def wait_text(self, selector: str, text: str, timeout: int = LOAD_TIMEOUT_MS) -> None:
        self.page.wait_for_function(
            "([s, t]) => { const e = document.querySelector(s); "
            "return e && e.innerText.includes(t); }", arg=[selector, text], timeout=timeout)

    def check_and_close(self) -> None:
        try:
            assert self.errors == [], self.errors
            assert self.external == [], self.external
            assert all(u.startswith(f"ws://127.0.0.1:{self.server.port}/")
                       for u in self.sockets), self.sockets
        finally:
            if self.own_context:
                self.context.close()
            else:
                self.page.close()


#: what lies beyond the viewport's width (outside a box that scrolls on purpose), and the
#: page's own scroll width
LAYOUT_JS = """() => {
  const W = window.innerWidth, se = document.scrollingElement;
  const scrolls = (e) => { for (let p = e.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if ((o === 'auto' || o === 'scroll') && p !== se && p !== document.body) return true; }
    return false; };
  const wide = [];
  for (const e of document.querySelectorAll('.wb-app *')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > W + 1 && !scrolls(e)) {
      wide.push(`${e.tagName.toLowerCase()}.${[...e.classList].join('.')} right=${Math.round(r.right)}`);
    }
  }
  const boxes = [...document.querySelectorAll('*')].filter(e => !e.closest('.wb-sr') && e.scrollWidth > e.clientWidth + 1
      && getComputedStyle(e).overflowX === 'hidden' && e.clientWidth > 0
      && e.querySelector('.wb-app, .wb-app *') !== null);
  return {scrollWidth: se.scrollWidth, innerWidth: W, wide: wide.slice(0, 12),
          clipped: boxes.map(e => `${e.tagName.toLowerCase()}#${e.id}.${[...e.classList].join('.')} ${e.scrollWidth}>${e.clientWidth}`)};
}"""

#: what a box inside the app cuts off at its right edge (a box that does not scroll on
#: purpose, and is too narrow for what it holds): each cut element named once, outermost
CUT_JS = """() => { const out = [];
  const meant = (a) => a.matches('.wb-scroll, .wb-figure, textarea, select, .js-plotly-plot, .widget-radio-box');
  const cutBy = (e) => { for (let a = e.parentElement; a; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o !== 'visible' && a.scrollWidth > a.clientWidth + 1 && !meant(a)) {
        const inner = a.getBoundingClientRect().left + a.clientLeft + a.clientWidth;
        return e.getBoundingClientRect().right > inner + 0.5 ? [a, inner] : null; }
      if (a.classList.contains('wb-app')) return null; } return null; };
  for (const e of document.querySelectorAll('.wb-app *')) {
    if (e.closest('.js-plotly-plot, .wb-sr')) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const cut = cutBy(e);
    if (!cut) continue;
    const up = e.parentElement && cutBy(e.parentElement);
    if (up && up[0] === cut[0]) continue;          // its box is cut already: named once
    out.push(`${e.tagName.toLowerCase()}.${[...e.classList].join('.')} right=${Math.round(r.right)} cut at ${Math.round(cut[1])} by ${cut[0].tagName.toLowerCase()}.${[...cut[0].classList].filter(c => c.startsWith('wb-')).join('.')}`);
  }
  return out.slice(0, 12); }"""

#: the page's controls: each is scrolled into view and must then lie inside the viewport,
#: be at least 24 px on its short side (WCAG 2.2 target size) and be what a tap at its
#: centre reaches
CONTROLS_JS = """() => {
  const W = window.innerWidth, H = window.innerHeight, out = [];
  const sel = '.wb-app button, .wb-app input, .wb-app select, .wb-app textarea';
  let n = 0;
  for (const e of document.querySelectorAll(sel)) {
    if (e.closest('.modebar-container')) continue;              // plotly's own, on hover
    const cs = getComputedStyle(e);
    if (e.offsetParent === null || cs.visibility === 'hidden') continue;
    if (e.type === 'range' || e.type === 'hidden') continue;
    n += 1;
    e.scrollIntoView({block: 'center', inline: 'center'});
    const r = e.getBoundingClientRect();
    const name = `${e.tagName.toLowerCase()}${e.closest('[class*="wb-"]') ? ' in .' + [...e.closest('[class*="wb-"]').classList].filter(c => c.startsWith('wb-')).join('.') : ''} "${(e.innerText || e.placeholder || e.value || '').slice(0, 30)}"`;
    if (r.width < 1 || r.height < 1) { out.push(name + ': no box'); continue; }
    if (r.left < -1 || r.right > W + 1 || r.top < -1 || r.bottom > H + 1) {
      out.push(`${name}: outside the viewport (${Math.round(r.left)}..${Math.round(r.right)} of ${W})`); continue; }
    if (Math.min(r.width, r.height) < 24) { out.push(`${name}: ${Math.round(r.width)}x${Math.round(r.height)} px`); continue; }
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!hit || !(hit === e || e.contains(hit) || hit.contains(e) || (e.labels && [...e.labels].includes(hit))))
      out.push(`${name}: covered by ${hit ? hit.tagName.toLowerCase() + '.' + [...hit.classList].join('.') : 'nothing'}`);
  }
  window.scrollTo(0, 0);
  return {count: n, problems: out};
}"""

#: links whose target is another host (or any scheme but the page's own)
LINKS_JS = """() => [...document.querySelectorAll('a[href], area[href], form[action], link[href], script[src], img[src], iframe[src]')]
  .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || '')
  .filter(u => { if (!u || u.startsWith('#') || u.startsWith('data:') || u.startsWith('blob:')) return false;
                 try { const url = new URL(u, location.href);
                       return url.host !== location.host || !['http:', 'https:'].includes(url.protocol); }
                 catch (err) { return true; } })"""

#: mode-bar buttons that reach an outside service (the plotting library's cloud, its site)
MODEBAR_JS = """() => [...document.querySelectorAll('.modebar-btn, .modebar a')]
  .map(e => (e.getAttribute('data-title') || '') + ' ' + (e.getAttribute('href') || ''))
  .filter(t => /share|cloud|chart studio|plotly\\.com|produced with/i.test(t))"""

AXE_RUN_JS = """async (impacts) => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => impacts.includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(1, 3).join(' '))}));
}"""


def axe_violations(page, impacts: tuple[str, ...] = ("critical", "serious")) -> list[dict]:
    """axe-core's violations of these impacts on the page as it stands (offline: the
    vendored script is put in the page, nothing is fetched)."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text("utf-8"))
    return page.evaluate(AXE_RUN_JS, list(impacts))


def room_problems(visit: Visit, *, axe: bool = True) -> dict[str, object]:
    """Everything wrong with the page on this screen (an empty dict: nothing)."""
    page = visit.page
    problems: dict[str, object] = {}
    layout = page.evaluate(LAYOUT_JS)
    if layout["scrollWidth"] > layout["innerWidth"]:
        problems["scrolls sideways"] = f"{layout['scrollWidth']} > {layout['innerWidth']}"
    if layout["wide"]:
        problems["beyond the right edge"] = layout["wide"]
    if layout["clipped"]:
        problems["clipped sideways"] = layout["clipped"]
    cut = page.evaluate(CUT_JS)
    if cut:
        problems["cut at a box's right edge"] = cut
    controls = page.evaluate(CONTROLS_JS)
    if controls["problems"]:
        problems["controls"] = controls["problems"]
    links = page.evaluate(LINKS_JS)
    if links:
        problems["outside links"] = links
    buttons = page.evaluate(MODEBAR_JS)
    if buttons:
        problems["mode-bar buttons off the machine"] = buttons
    if visit.external:
        problems["requests off the machine"] = list(visit.external)
    if axe:
        found = axe_violations(page)
        if found:
            problems["axe"] = found
    return problems
