"""The dashboards in a real browser: Playwright driving Debian's Chromium against a
Voilà server started here exactly as ``workbench serve`` starts it.

Every page must load with no page error (console warnings are allowed: Voilà 0.5
prints some); no request may leave 127.0.0.1 (everything else is aborted and
recorded: the only one attempted is the icon-font stylesheet Voilà's page links on a
CDN). These tests fail, never skip, when Chromium is missing (``make chromium``).
The serving tests (token, files, address) need the server but no browser.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.appcases import write_cases
from workbench.serve import serve_plan, stop_process_group, wait_until_ready

ROOT = Path(__file__).resolve().parents[1]
#: the only requests a page may attempt beyond the server (aborted all the same): the
#: icon-font stylesheets Voilà's lab template links on a CDN
KNOWN_EXTERNAL = ("https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@",)
LOAD_TIMEOUT_MS = 120_000
CURSOR_JS = """() => { const g = document.querySelector('.js-plotly-plot');
  const t = g && g.data && g.data.find(t => t.name === 'The moment shown');
  return t ? t.x[0] : null; }"""
AXES_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .map(g => g._fullLayout && g._fullLayout.xaxis ? g._fullLayout.xaxis.type : null)"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    base: str
    token: str
    port: int
    log: Path
    external: list[str] = field(default_factory=list)

    def url(self, dashboard: str) -> str:
        return f"{self.base}/voila/render/{dashboard}.ipynb?token={self.token}"


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Voilà on a free loopback port, as `workbench serve` runs it, with its own home,
    review store and a copy of the dashboards beside two planted files."""
    root = tmp_path_factory.mktemp("serve")
    dashboards = root / "dashboards"
    dashboards.mkdir()
    for notebook in (ROOT / "dashboards").glob("*.ipynb"):
        shutil.copy(notebook, dashboards)
    (dashboards / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\nnot for the room")
    (dashboards / "notes.txt").write_text("not for the room")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    for name, sub in (("HOME", "home"), ("JUPYTER_CONFIG_DIR", "jupyter/config"),
                      ("JUPYTER_DATA_DIR", "jupyter/data"),
                      ("JUPYTER_RUNTIME_DIR", "jupyter/runtime"), ("IPYTHONDIR", "ipython"),
                      ("TMPDIR", "tmp")):
        (root / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(root / sub)
    env.update(JUPYTER_PLATFORM_DIRS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    plan = serve_plan(port=_free_port(), token=secrets.token_urlsafe(24),
                      store=root / "review.sqlite", cases=write_cases(root / "cases"),
                      config_dir=root / "config", dashboards=dashboards, environ=env)
    log = root / "voila.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(plan.command, env=dict(plan.env), cwd=plan.config_dir,
                                   stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        if not wait_until_ready(plan.url, process=process, timeout_s=120):
            pytest.fail("Voilà did not start:\n" + log.read_text()[-3000:])
        yield Server(base=f"http://127.0.0.1:{plan.port}", token=plan.token, port=plan.port,
                     log=log)
    finally:
        stop_process_group(process)


class Visit:
    """One browser context (one participant) on one dashboard."""

    def __init__(self, browser, server: Server, dashboard: str):
        self.server = server
        self.context = browser.new_context(viewport={"width": 1320, "height": 1000})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.external: list[str] = []
        self.sockets: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("websocket", lambda ws: self.sockets.append(ws.url))
        self.started = time.monotonic()
        self.page.goto(server.url(dashboard), wait_until="commit")

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.server.base + "/"):
            route.continue_()
        else:
            self.external.append(url)
            self.server.external.append(url)
            route.abort()

    def ready(self, selector: str = ".wb-app") -> Visit:
        self.page.wait_for_selector(selector, state="attached", timeout=LOAD_TIMEOUT_MS)
        return self

    def text(self, selector: str) -> str:
        return self.page.inner_text(selector)

    def wait_text(self, selector: str, text: str, timeout: int = 30_000) -> None:
        self.page.wait_for_function(
            "([s, t]) => { const e = document.querySelector(s); "
            "return e && e.innerText.includes(t); }", arg=[selector, text], timeout=timeout)

    def check_and_close(self) -> None:
        try:
            assert self.errors == [], self.errors
            assert all(u.startswith(KNOWN_EXTERNAL) for u in self.external), self.external
            assert all(u.startswith(f"ws://127.0.0.1:{self.server.port}/")
                       for u in self.sockets), self.sockets
        finally:
            self.context.close()


# -- each dashboard loads ---------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("dashboard, ready", [
    ("review", ".js-plotly-plot .xaxislayer-above text"),
    ("network", ".js-plotly-plot .scatterlayer"),
    ("cohort", ".js-plotly-plot .xaxislayer-above text"),
    ("workshop", ".wb-join"),
])
def test_dashboard_loads_without_error(browser, server, dashboard, ready):
    visit = Visit(browser, server, dashboard).ready(ready)
    if dashboard in ("review", "cohort"):  # the placeholder figure comes first: wait it out
        visit.page.wait_for_function(f"() => ({AXES_JS})().includes('date')",
                                     timeout=LOAD_TIMEOUT_MS)
    axes = visit.page.evaluate(AXES_JS)
    if dashboard in ("review", "cohort"):
        assert axes == ["date"]
    elif dashboard == "network":          # a node-link picture; its window is in months
        assert len(axes) == 1
        assert "20" in visit.text(".wb-window")
    else:                                 # nothing shown before joining a workshop
        assert axes == []
    assert "Traceback" not in visit.page.content()
    visit.check_and_close()


# -- review: stepping, knowledge, shared notes ------------------------------------------

@pytest.mark.browser
def test_stepping_moves_the_cursor_and_what_each_agency_knew(browser, server):
    visit = Visit(browser, server, "review").ready(".js-plotly-plot .xtick")
    page = visit.page
    page.wait_for_function(CURSOR_JS)
    cursor = page.evaluate(CURSOR_JS)
    knew = visit.text(".wb-knowledge table tbody")
    page.click(".wb-next")
    page.wait_for_function(f"() => ({CURSOR_JS})() !== {json.dumps(cursor)}", timeout=10_000)
    page.wait_for_function("(b) => document.querySelector('.wb-knowledge table tbody')"
                           ".innerText !== b", arg=knew, timeout=10_000)
    assert "Event 2 of" in visit.text(".wb-event")
    page.click(".wb-prev")
    page.wait_for_function(f"() => ({CURSOR_JS})() === {json.dumps(cursor)}", timeout=10_000)
    # a case whose text carries markup: shown as text, never as an element
    page.select_option(".wb-case select", label="Child T: a tiny fictional case (tiny)")
    visit.wait_text(".wb-app h2", "Child T", timeout=60_000)
    page.click(".wb-next")
    visit.wait_text(".wb-event", "Event 2 of 10")
    page.click(".wb-next")
    visit.wait_text(".wb-event", "<img src=x onerror=alert(1)>")
    assert page.locator(".wb-app img").count() == 0
    visit.check_and_close()


@pytest.mark.browser
def test_a_note_saved_by_one_participant_appears_for_another(browser, server):
    one = Visit(browser, server, "review")
    two = Visit(browser, server, "review")
    one.ready(".wb-save")
    two.ready(".wb-notes")
    text = f"Nobody chased the referral {secrets.token_hex(4)}"
    one.page.fill(".wb-name input", "AB")
    one.page.fill(".wb-discipline input", "education")
    one.page.fill(".wb-note-text textarea", text + " <img src=x onerror=alert(1)>")
    one.page.click(".wb-save")
    one.wait_text(".wb-note-status", "Saved")
    two.wait_text(".wb-notes", text, timeout=20_000)
    assert "<img src=x onerror=alert(1)>" in two.text(".wb-notes")   # shown as text
    assert two.page.locator(".wb-notes img").count() == 0
    one.check_and_close()
    two.check_and_close()


# -- workshop: facilitator and two participants -----------------------------------------

@pytest.mark.browser
def test_a_workshop_reveal_reaches_both_participants_and_their_answers_return(
        browser, server):
    trainer = Visit(browser, server, "workshop")
    people = [Visit(browser, server, "workshop"), Visit(browser, server, "workshop")]
    trainer.ready(".wb-role")
    trainer.page.click(".wb-role button:has-text('I am facilitating')")
    trainer.page.wait_for_selector(".wb-open:not([disabled])", timeout=60_000)
    trainer.page.click(".wb-open")
    trainer.page.wait_for_selector(".wb-join-code .wb-code", timeout=60_000)
    code = trainer.text(".wb-join-code .wb-code").strip()
    assert len(code) == 6
    for visit, (name, agency, discipline) in zip(
            people, [("AB", "Police", "policing"), ("CD", "School", "education")],
            strict=True):
        visit.ready(".wb-join")
        visit.page.fill(".wb-code input", code)
        visit.page.fill(".wb-name input", name)
        visit.page.fill(".wb-agency input", agency)
        visit.page.fill(".wb-discipline input", discipline)
        visit.page.click(".wb-join")
    for visit in people:
        visit.wait_text(".wb-revealed", "1 event(s) revealed", timeout=60_000)
    trainer.page.click(".wb-reveal-5")
    for visit in people:
        visit.wait_text(".wb-revealed", "6 event(s) revealed")
        visit.page.wait_for_function(f"() => JSON.stringify(({AXES_JS})()) === "
                                     "'[\"date\"]'", timeout=15_000)
    trainer.page.click(".wb-ask")
    answers = ["Call a strategy meeting today", "Ask the school what it knows"]
    for visit, answer in zip(people, answers, strict=True):
        visit.page.wait_for_selector(".wb-answer-box", state="visible", timeout=30_000)
        visit.page.fill(".wb-answer textarea", answer)
        visit.page.select_option(".wb-agency-to-act select", index=0)
        visit.page.click(".wb-submit")
    for answer in answers:
        trainer.wait_text(".wb-answers", answer)
    grouped = trainer.text(".wb-answers")
    assert "education (1)" in grouped and "policing (1)" in grouped
    trainer.page.click(".wb-reveal-after")
    for visit in people:
        visit.wait_text(".wb-revealed", "7 event(s) revealed")
        visit.page.wait_for_selector(".wb-answer-box", state="hidden", timeout=30_000)
    for visit in (trainer, *people):
        visit.check_and_close()


@pytest.mark.browser
def test_no_request_left_the_machine_but_the_known_font_stylesheet(server):
    """Runs last in this module: every page above recorded what it tried."""
    attempted = sorted(set(server.external))
    assert all(u.startswith(KNOWN_EXTERNAL) for u in attempted), attempted
    print("external requests attempted (all aborted):", attempted)


# -- serving: token, files, address (no browser) ----------------------------------------

def _status(url: str) -> int:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/", "/voila/render/network.ipynb", "/voila/tree",
                                  "/voila/api/contents"])
def test_no_token_no_page(server, path):
    assert _status(server.base + path) in (302, 403)
    assert _status(server.base + path + "?token=wrong") in (302, 403)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["secret.png", "notes.txt", "review.ipynb",
                                  "../pyproject.toml"])
def test_no_file_beside_the_dashboards_is_served(server, name):
    assert _status(f"{server.base}/voila/files/{name}?token={server.token}") in (403, 404)


@pytest.mark.slow
def test_the_listing_shows_only_the_dashboards(server):
    with urllib.request.urlopen(f"{server.base}/voila/api/contents?token={server.token}",
                                timeout=30) as response:
        listing = json.load(response)
    names = sorted(item["name"] for item in listing["content"] if item["type"] == "notebook")
    assert names == ["cohort.ipynb", "network.ipynb", "review.ipynb", "workshop.ipynb"]


@pytest.mark.slow
def test_bound_to_loopback_only(server):
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port = local.rsplit(":", 1)
            if state == "0A" and int(port, 16) == server.port:      # LISTEN
                listening.append(address)
    assert listening == ["0100007F"]                                # 127.0.0.1 only
