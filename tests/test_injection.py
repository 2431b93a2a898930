"""Script injection through every text path, in a real browser (Debian's Chromium).

A small fictional case carries a list of injection payloads in every piece of text a
case can hold: event summaries, details, actions and outcomes, the names of agencies
it declares itself (so hand-offs, "Shared with", lanes, network nodes and flag
explanations carry them), its title and its child's label. Rules of the bundled
profile flag some of those records (victim-blaming language next to a payload, a
referral never answered by a payload agency), so flag explanations and evidence carry
payload text too; reviewers' notes, findings and actions in the review store carry
them as well.

Each surface is opened in Chromium with every request that is not local aborted:
the timeline and the network figure (``write_figure`` HTML, hovered through
``Plotly.Fx.hover`` and with the real mouse over every marker), the review report
(``write_report``), and the review dashboard served as ``workbench serve`` serves it
(stepping through every event, choosing every flag, saving a note whose text is a
payload). On each page: ``window.__pwned`` stays undefined, no dialog opens, no page
error, no element carries an ``on…`` handler, no frame or executable script holds
user text, no ``<a>`` points at ``javascript:`` or at a user's link, no request to
the user's host is attempted, and the payloads are shown literally, as text.

These tests fail, never skip, when Chromium is missing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.casebuilder import events
from workbench.agencies import load_aliases
from workbench.analysis.analyse import analyse
from workbench.analysis.network import agency_graph
from workbench.case import case_from_events
from workbench.io.casefile import load_case, write_case
from workbench.outputs.report import write_report
from workbench.review_record import Action, Finding, KeyPracticeEpisode, Recommendation
from workbench.serve import free_port, serve_plan, stop_process_group, wait_until_ready
from workbench.store import NotesStore
from workbench.timeline import timeline_figure
from workbench.views.network import network_figure
from workbench.views.style import write_figure

ROOT = Path(__file__).resolve().parents[1]
#: Voilà's page links an icon-font stylesheet on a CDN (aborted like everything else)
KNOWN_EXTERNAL = ("https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@",)
LOAD_TIMEOUT_MS = 120_000
EVIL_HOST = "evil.example"

#: each one, if it ran, would set ``window.__pwned`` or open a dialog, or make a link
PAYLOADS = (
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '<svg onload="window.__pwned=1">',
    "javascript:window.__pwned=1",
    '<a href="javascript:window.__pwned=1">click</a>',
    '<iframe src="javascript:window.__pwned=1"></iframe>',
    '"><script>window.__pwned=1</script>',
    "<body onload=window.__pwned=1>",
    "<details open ontoggle=window.__pwned=1>",
    r"$\href{javascript:window.__pwned=1}{x}$",
    "<math><mtext><img src=x onerror=window.__pwned=1>",
    "{{7*7}} ${window.__pwned=1}",
    f"https://{EVIL_HOST}/x",
    f'<a href="https://{EVIL_HOST}/x">site</a>',
    "'><img src=x onerror=alert(document.domain)>",
    "</textarea><img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script><!--",
    "<x onpointerover=window.__pwned=1 style=display:block>hover me</x>",
    f"<style>@import 'https://{EVIL_HOST}/x.css'</style>",
)
#: one agency per payload, declared by the case itself (so it is a known agency)
TEAMS = tuple(f"Team {i:02d} {p}" for i, p in enumerate(PAYLOADS, 1))
CSC = "Children's Social Care"
TITLE = f"Child P {PAYLOADS[0]} {PAYLOADS[9]}"
CHILD = f"Child P {PAYLOADS[1]}"
CASE_ID = "payload"
BLAMING, REFERRER = 4, 5          # the teams whose records the bundled rules flag
NOTE = " ".join(PAYLOADS[i] for i in (0, 1, 3, 4, 12, 15)) + " note-" + secrets.token_hex(3)

#: what a page holds that could run or link (an empty list each: nothing)
INERT_JS = """([host, payloads]) => {
  const found = {pwned: typeof window.__pwned !== 'undefined', handlers: [], frames: [],
                 scripts: [], links: [], styles: []};
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) found.handlers.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
  }
  for (const el of document.querySelectorAll('iframe, frame, embed, object'))
    found.frames.push(el.outerHTML.slice(0, 120));
  for (const s of document.querySelectorAll('script')) {
    const t = (s.type || '').toLowerCase();
    const runs = !t || /javascript|ecmascript|module/.test(t);
    // user text may reach a page's own script only as inert data (escaped markup)
    for (const p of payloads)
      if (runs && p.includes('<') && s.textContent.includes(p)) found.scripts.push(p);
  }
  for (const a of document.querySelectorAll('a, area')) {
    const href = a.getAttribute('href') || a.getAttribute('xlink:href') ||
                 a.getAttributeNS('http://www.w3.org/1999/xlink', 'href');
    if (href === null) continue;
    if (/^\\s*javascript:/i.test(href) || href.includes(host) || a.textContent === 'click' ||
        a.textContent === 'site') found.links.push(href);
  }
  for (const s of document.querySelectorAll('style'))
    if (s.textContent.includes(host)) found.styles.push(s.textContent.slice(0, 120));
  return found;
}"""
#: centres of a figure's markers (scrolled into view one by one)
MARKERS_JS = """(sel) => [...document.querySelectorAll(sel + ' .scatterlayer path.point')]
  .filter(p => { const r = p.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
  .length"""
MARKER_AT_JS = """([sel, i]) => {
  const p = [...document.querySelectorAll(sel + ' .scatterlayer path.point')]
    .filter(p => { const r = p.getBoundingClientRect(); return r.width > 0 && r.height > 0; })[i];
  if (!p) return null;
  p.scrollIntoView({block: 'center', inline: 'center'});
  const r = p.getBoundingClientRect();
  return [r.x + r.width / 2, r.y + r.height / 2];
}"""
HOVER_LABEL_JS = """(sel) => [...document.querySelectorAll(sel + ' .hoverlayer')]
  .map(h => h.textContent).join(' ')"""
#: every point whose hover text carries (escaped) user text, hovered through plotly itself
FX_HOVER_JS = """async ([index, marks]) => {
  const gd = document.querySelectorAll('.js-plotly-plot')[index];
  const seen = [];
  const pick = (v, i) => Array.isArray(v) ? v[i] : v;
  for (let c = 0; c < gd.data.length; c++) {
    const t = gd.data[c];
    if (t.hoverinfo === 'skip' || t.hoverinfo === 'none' || !t.x) continue;
    for (let i = 0; i < t.x.length; i++) {
      if (t.x[i] === null || t.x[i] === undefined) continue;
      const text = String(pick(t.hovertext, i) ?? '') + String(pick(t.text, i) ?? '');
      if (!marks.some(m => text.includes(m))) continue;
      Plotly.Fx.hover(gd, [{curveNumber: c, pointNumber: i}]);
      await new Promise(r => setTimeout(r, 60));
      seen.push(gd.querySelector('.hoverlayer').textContent);
    }
  }
  Plotly.Fx.unhover(gd);
  return seen;
}"""
#: what marks user text in plotly strings (escaped) and in plain ones
MARKS = ["&lt;", "&#36;", "&amp;", EVIL_HOST, "javascript:", "{{", "Team "]


def squash(text: str) -> str:
    """Text without white space: plotly wraps long hover lines at spaces."""
    return re.sub(r"\s+", "", text)


def missing_payloads(text: str, payloads=PAYLOADS) -> list[str]:
    flat = squash(text)
    return [p for p in payloads if squash(p) not in flat]


# -- the case -----------------------------------------------------------------------------

def payload_case():
    n = len(PAYLOADS)
    rows: list[tuple] = [
        ("01/02/2025 10:00", TEAMS[REFERRER], "referral",
         {"recipients": [CSC], "summary": f"Referral of Child P: {PAYLOADS[REFERRER]}"}),
        ("05/02/2025 22:00", "Police", "missing_report",
         {"risk_grade": "medium", "summary": f"Reported missing {PAYLOADS[6]}"}),
        ("06/02/2025 08:00", "Police", "found",
         {"recipients": [TEAMS[2], TEAMS[7]], "summary": f"Found; told the teams {PAYLOADS[13]}",
          "details": PAYLOADS[10]}),
    ]
    for i, payload in enumerate(PAYLOADS):
        summary = (f"Said she is streetwise {payload}" if i == BLAMING
                   else f"Record {i + 1:02d}: {payload}")
        rows.append((f"{10 + i:02d}/02/2025 11:00", TEAMS[i], "contact",
                     {"summary": summary, "details": PAYLOADS[(i + 1) % n],
                      "action": f"Acted {PAYLOADS[(i + 2) % n]}",
                      "outcome": PAYLOADS[(i + 3) % n]}))
    rows.append(("20/04/2025 12:00", "Police", "contact", {"summary": "Welfare check"}))
    meta = {"id": CASE_ID, "title": TITLE, "protocol": "england-2014",
            "child": {"label": CHILD},
            "anonymisation": {"by": "Test author", "on": "2026-11-25",
                              "method": "fictional; invented labels"},
            "agencies": [{"name": t, "sector": "third-sector"} for t in TEAMS]}
    return case_from_events(events(*rows), id=CASE_ID, meta=meta, sources=("payload.csv",),
                            aliases=load_aliases())


@pytest.fixture(scope="module")
def cases_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cases")
    write_case(payload_case(), folder / CASE_ID)
    return folder


@pytest.fixture(scope="module")
def case(cases_folder):
    """The case as a dashboard reads it: written as a case folder and read back."""
    return load_case(cases_folder / CASE_ID)


def test_the_case_carries_every_payload_and_the_rules_flag_it(case):
    from workbench.analysis.rules import flag_table

    assert len(PAYLOADS) >= 12
    ev = case.events
    text = " ".join(ev["summary"]) + " ".join(ev["details"])
    assert missing_payloads(text) == []
    assert {a.name for a in case.agencies} >= set(TEAMS)
    assert case.title == TITLE and case.child["label"] == CHILD
    flags = flag_table(analyse(case))
    explained = " ".join(flags["explanation"])
    assert "victim-blaming-language" in set(flags["pattern"])
    assert "unanswered-referral" in set(flags["pattern"])
    assert TEAMS[BLAMING] in explained and TEAMS[REFERRER] in explained


# -- the browser --------------------------------------------------------------------------

class Tab:
    """One page with everything non-local aborted and every dialog, error and request
    beyond ``local`` recorded."""

    def __init__(self, browser, local: str, *, height: int = 1200):
        self.local = local
        self.context = browser.new_context(viewport={"width": 1320, "height": height})
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.external: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.local):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def hover_markers(self, selector: str, *, limit: int = 400) -> str:
        """Move the real mouse onto every marker of the figure; the hover labels seen."""
        page, labels = self.page, []
        count = min(page.evaluate(MARKERS_JS, selector), limit)
        for i in range(count):
            at = page.evaluate(MARKER_AT_JS, [selector, i])
            if at is None:
                continue
            page.mouse.move(*at)
            labels.append(page.evaluate(HOVER_LABEL_JS, selector))
        page.mouse.move(1, 1)
        return " ".join(labels)

    def check_inert(self, *, allowed_external: tuple[str, ...] = ()) -> None:
        found = self.page.evaluate(INERT_JS, [EVIL_HOST, list(PAYLOADS)])
        assert found == {"pwned": False, "handlers": [], "frames": [], "scripts": [],
                         "links": [], "styles": []}, found
        assert self.dialogs == [], self.dialogs
        assert self.errors == [], self.errors
        assert not any(EVIL_HOST in u for u in self.external), self.external
        assert all(u.startswith(allowed_external) for u in self.external), self.external

    def hrefs(self) -> list[str]:
        """Where every link of the page points (HTML and SVG links)."""
        return self.page.evaluate(
            "() => [...document.querySelectorAll('a, area')].map(a => a.getAttribute('href') "
            "|| a.getAttributeNS('http://www.w3.org/1999/xlink', 'href')).filter(h => h)")

    def close(self) -> None:
        self.context.close()


def _open_file(browser, path: Path) -> Tab:
    tab = Tab(browser, "file://")
    tab.page.goto(path.as_uri(), wait_until="load")
    tab.page.wait_for_selector(".js-plotly-plot .scatterlayer", state="attached",
                               timeout=30_000)
    return tab


# -- figures ------------------------------------------------------------------------------

@pytest.mark.browser
def test_timeline_hover_runs_no_payload(browser, case, tmp_path):
    path = write_figure(timeline_figure(analyse(case)), tmp_path / "timeline.html")
    tab = _open_file(browser, path)
    try:
        seen = tab.page.evaluate(FX_HOVER_JS, [0, MARKS])
        assert seen, "no point carried user text"
        labels = " ".join(seen)
        assert missing_payloads(labels) == []          # every payload shown, as text
        tab.check_inert()
        mouse = tab.hover_markers(".js-plotly-plot")
        assert "Record" in mouse                       # the real mouse reached the records
        tab.check_inert()
        assert tab.hrefs() == []                       # no link at all in the figure
    finally:
        tab.close()


@pytest.mark.browser
def test_network_hover_runs_no_payload(browser, case, tmp_path):
    path = write_figure(network_figure(agency_graph(case)), tmp_path / "network.html")
    tab = _open_file(browser, path)
    try:
        labels = " ".join(tab.page.evaluate(FX_HOVER_JS, [0, MARKS]))
        assert missing_payloads(labels) == []          # every agency's name, as text
        tab.check_inert()
        mouse = tab.hover_markers(".js-plotly-plot")
        assert "Team" in mouse
        # the node labels drawn beside the markers are text too
        drawn = tab.page.evaluate("() => document.querySelector('.js-plotly-plot .scatterlayer')"
                                  ".textContent")
        assert missing_payloads(drawn) == []
        tab.check_inert()
        assert tab.hrefs() == []
    finally:
        tab.close()


# -- report -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report_store(case, tmp_path_factory):
    store = NotesStore(tmp_path_factory.mktemp("report") / "review.sqlite")
    session = store.open_session(case.id, title=f"Session {PAYLOADS[2]}")
    for i, payload in enumerate(PAYLOADS):
        me = store.join(session.id, name=f"P{i} {payload}", agency=TEAMS[i],
                        discipline=f"discipline {payload}")
        store.add_note(session.id, participant=me, text=f"Note {i}: {payload}",
                       event_id=f"e{4 + i}", tags=["missed opportunity"])
        store.answer(session.id, participant=me, decision=f"Decision {payload}",
                     text=f"Answer {payload}", agency_to_act=TEAMS[i])
    kpe = store.save(KeyPracticeEpisode(case_id=case.id, title=f"KPE {PAYLOADS[3]}",
                                        first_event="e1", last_event="e5",
                                        description=PAYLOADS[4]))
    finding = store.save(Finding(case_id=case.id, title=f"Finding {PAYLOADS[5]}",
                                 text=PAYLOADS[8], episodes=[kpe.id], events=["e5"]))
    rec = store.save(Recommendation(case_id=case.id, text=f"Recommend {PAYLOADS[9]}",
                                    findings=[finding.id], addressed_to=PAYLOADS[12]))
    store.save(Action(case_id=case.id, text=f"Act {PAYLOADS[13]}", owner=PAYLOADS[14],
                      due="2025-01-31", recommendation=rec.id, progress=PAYLOADS[16]))
    yield store, session.id
    store.close()


@pytest.mark.browser
def test_report_runs_no_payload_and_shows_each_as_text(browser, case, report_store, tmp_path):
    store, session_id = report_store
    path = write_report(case, tmp_path / "report.html", store=store, session_id=session_id,
                        today=dt.date(2026, 1, 1))
    tab = Tab(browser, "file://")
    try:
        tab.page.goto(path.as_uri(), wait_until="load")
        tab.page.wait_for_function(
            "() => document.querySelectorAll('.js-plotly-plot .scatterlayer').length === 2",
            timeout=30_000)
        text = tab.page.inner_text("body")
        assert missing_payloads(text) == []
        for raw in (TITLE, CHILD, f"Note 0: {PAYLOADS[0]}", f"KPE {PAYLOADS[3]}",
                    f"Act {PAYLOADS[13]}"):
            assert squash(raw) in squash(text), raw
        tab.check_inert()
        for index in (0, 1):                  # timeline, network
            labels = " ".join(tab.page.evaluate(FX_HOVER_JS, [index, MARKS]))
            assert missing_payloads(labels) == [], index
        tab.hover_markers("body", limit=250)
        tab.check_inert()
        # the only links are the contents' own anchors
        hrefs = tab.hrefs()
        assert hrefs and all(h.startswith("#") for h in hrefs), hrefs
    finally:
        tab.close()


# -- the review dashboard -----------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory, cases_folder):
    """The review dashboard served as `workbench serve` serves it, offering the
    payload case (from ``WORKBENCH_CASES``) beside the bundled case studies."""
    root = tmp_path_factory.mktemp("serve")
    dashboards = root / "dashboards"
    dashboards.mkdir()
    shutil.copy(ROOT / "dashboards" / "review.ipynb", dashboards)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    for name, sub in (("HOME", "home"), ("JUPYTER_CONFIG_DIR", "jupyter/config"),
                      ("JUPYTER_DATA_DIR", "jupyter/data"),
                      ("JUPYTER_RUNTIME_DIR", "jupyter/runtime"), ("IPYTHONDIR", "ipython"),
                      ("TMPDIR", "tmp")):
        (root / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(root / sub)
    env.update(JUPYTER_PLATFORM_DIRS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    plan = serve_plan(port=free_port(), token=secrets.token_urlsafe(24),
                      store=root / "review.sqlite", cases=cases_folder,
                      config_dir=root / "config", dashboards=dashboards, environ=env)
    log = root / "voila.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(plan.command, env=dict(plan.env), cwd=plan.config_dir,
                                   stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        if not wait_until_ready(plan.url, process=process, timeout_s=120):
            pytest.fail("Voilà did not start:\n" + log.read_text()[-3000:])
        base = f"http://127.0.0.1:{plan.port}"
        yield base, f"{base}/voila/render/review.ipynb?token={plan.token}"
    finally:
        stop_process_group(process)


def _wait_text(page, selector: str, text: str, timeout: int = 30_000) -> None:
    page.wait_for_function(
        "([s, t]) => { const e = document.querySelector(s); "
        "return e && e.innerText.includes(t); }", arg=[selector, text], timeout=timeout)


@pytest.mark.browser
def test_review_dashboard_runs_no_payload(browser, server, case):
    base, url = server
    tab = Tab(browser, base + "/", height=1400)
    page = tab.page
    try:
        page.goto(url, wait_until="commit")
        page.wait_for_selector(".wb-app .wb-case select", state="attached",
                               timeout=LOAD_TIMEOUT_MS)
        page.select_option(".wb-case select", label=f"{TITLE} ({CASE_ID})")
        _wait_text(page, ".wb-app h2", "Child P", timeout=60_000)
        assert squash(TITLE) in squash(page.inner_text(".wb-app h2"))
        n = len(case.events)
        _wait_text(page, ".wb-event", f"Event 1 of {n}")
        page.wait_for_selector(".js-plotly-plot .xtick", state="attached", timeout=60_000)
        shown = [page.inner_text(".wb-event") + page.inner_text(".wb-knowledge")]
        for k in range(2, n + 1):                       # every event, in full
            page.click(".wb-next")
            _wait_text(page, ".wb-event", f"Event {k} of {n}")
            shown.append(page.inner_text(".wb-event") + page.inner_text(".wb-knowledge"))
        assert missing_payloads(" ".join(shown)) == []
        tab.check_inert(allowed_external=KNOWN_EXTERNAL)

        # every flag: its explanation and evidence carry the payload agencies' names
        flags = page.locator(".wb-flags input[type=radio]")
        assert flags.count() >= 2
        details, before = [], ""
        for i in range(flags.count()):
            flags.nth(i).check()
            page.wait_for_function(
                "(b) => { const e = document.querySelector('.wb-flag-detail'); "
                "return e && e.innerText.trim() !== '' && e.innerText !== b; }",
                arg=before, timeout=60_000)
            before = page.inner_text(".wb-flag-detail")
            details += [before, page.inner_text(".wb-evidence"), page.inner_text(".wb-event")]
        flagged = " ".join(details)
        assert squash(TEAMS[BLAMING]) in squash(flagged)
        assert squash(TEAMS[REFERRER]) in squash(flagged)
        tab.check_inert(allowed_external=KNOWN_EXTERNAL)

        # a note whose every field is hostile, saved and shown as text
        page.fill(".wb-name input", f"AB {PAYLOADS[1]}")
        page.select_option(".wb-agency select", label=TEAMS[0])
        page.fill(".wb-discipline input", f"education {PAYLOADS[15]}")
        page.fill(".wb-note-text textarea", NOTE)
        page.click(".wb-save")
        _wait_text(page, ".wb-note-status", "Saved")
        _wait_text(page, ".wb-notes", NOTE[-10:], timeout=20_000)
        notes = page.inner_text(".wb-notes")
        assert NOTE in notes
        assert squash(TEAMS[0]) in squash(notes) and PAYLOADS[15] in notes
        tab.check_inert(allowed_external=KNOWN_EXTERNAL)

        # the timeline's hover labels, under the real mouse
        labels = tab.hover_markers(".wb-app .js-plotly-plot", limit=250)
        assert "Record" in labels
        tab.check_inert(allowed_external=KNOWN_EXTERNAL)
        # the page's own links only (plotly's logo on the figure): none made from user text
        assert all(h == "https://plotly.com/" or h.startswith("#") for h in tab.hrefs()), \
            tab.hrefs()
    finally:
        tab.close()
