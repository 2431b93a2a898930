"""The dashboards in a real browser: Playwright driving Debian's Chromium against a
Voilà server started here exactly as ``workbench serve`` starts it (``tests/voila.py``,
the ``server`` fixture in ``conftest.py``).

Every page must load with no page error (console warnings are allowed: Voilà 0.5
prints some); no request may leave 127.0.0.1 (everything else is aborted, recorded and
fails the test). These tests fail, never skip, when Chromium is missing
(``make chromium``). The serving tests (token, files, address) need the server but no
browser. The checks every screen size must pass are in ``test_room.py``.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.voila import LOAD_TIMEOUT_MS, Visit

CURSOR_JS = """() => { const g = document.querySelector('.js-plotly-plot');
  const t = g && g.data && g.data.find(t => t.name === 'The moment shown');
  return t ? t.x[0] : null; }"""
AXES_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .map(g => g._fullLayout && g._fullLayout.xaxis ? g._fullLayout.xaxis.type : null)"""


# -- each dashboard loads ---------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize(("dashboard", "ready"), [
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
    page.wait_for_function(f"() => ({CURSOR_JS})() !== {json.dumps(cursor)}", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function("(b) => document.querySelector('.wb-knowledge table tbody')"
                           ".innerText !== b", arg=knew, timeout=LOAD_TIMEOUT_MS)
    # stepping starts at the review period (event 6: five background records before it)
    visit.wait_text(".wb-event", "Event 7 of 102")
    page.click(".wb-prev")
    page.wait_for_function(f"() => ({CURSOR_JS})() === {json.dumps(cursor)}", timeout=LOAD_TIMEOUT_MS)
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
    two.wait_text(".wb-notes", text, timeout=LOAD_TIMEOUT_MS)
    assert "<img src=x onerror=alert(1)>" in two.text(".wb-notes")   # shown as text
    assert two.page.locator(".wb-notes img").count() == 0
    one.check_and_close()
    two.check_and_close()


@pytest.mark.browser
def test_the_chair_steps_and_two_followers_pages_show_the_same_event(browser, server):
    chair = Visit(browser, server, "review").ready(".wb-take-chair")
    followers = [Visit(browser, server, "review"), Visit(browser, server, "review")]
    chair.page.fill(".wb-name input", "AB")
    chair.page.click(".wb-take-chair")
    chair.wait_text(".wb-follow-status", "You chair this walk-through")
    for visit, name in zip(followers, ["CD", "EF"], strict=True):
        visit.ready(".wb-name input")
        visit.page.fill(".wb-name input", name)
        visit.wait_text(".wb-follow-status", "AB chairs")       # through the store
        visit.page.click(".wb-follow")
        visit.wait_text(".wb-follow-status", "Following AB")
    chair.wait_text(".wb-follow-status", "Following you (2): CD, EF")
    for _ in range(2):
        chair.page.click(".wb-next")
    for visit in followers:
        visit.wait_text(".wb-event", "Event 8 of 102", timeout=15_000)
        visit.page.evaluate("""() => { window.wbSeen = null; new MutationObserver(() => {
            if (!window.wbSeen && document.querySelector('.wb-event').innerText
                .includes('Event 9 of 102')) window.wbSeen = Date.now(); })
          .observe(document.querySelector('.wb-event'), {subtree: true, childList: true,
                                                          characterData: true}); }""")
    clicked = chair.page.evaluate("() => { document.querySelector('.wb-next').click(); "
                                  "return Date.now(); }")
    chair.wait_text(".wb-event", "Event 9 of 102")
    lags = []
    for visit in followers:
        visit.wait_text(".wb-event", "Event 9 of 102", timeout=15_000)
        visit.page.wait_for_function("() => window.wbSeen !== null")
        lags.append(visit.page.evaluate("() => window.wbSeen") - clicked)
    print(f"followers moved {lags} ms after the chair's click")
    assert max(lags) < 3000, lags        # about 0.5 s (the store is polled twice a second)
    # one steps freely, the other stays; one click rejoins the chair
    followers[0].page.click(".wb-prev")
    followers[0].wait_text(".wb-follow-status", "stepping on your own")
    chair.wait_text(".wb-follow-status", "Following you (1): EF")
    chair.page.click(".wb-next")
    followers[1].wait_text(".wb-event", "Event 10 of 102", timeout=15_000)
    assert "Event 8 of 102" in followers[0].text(".wb-event")
    followers[0].page.click(".wb-follow:has-text('Rejoin the chair')")
    followers[0].wait_text(".wb-event", "Event 10 of 102", timeout=15_000)
    for visit in (chair, *followers):
        visit.check_and_close()


@pytest.mark.browser
def test_a_chronology_uploaded_in_the_page_opens_as_a_case(browser, server):
    visit = Visit(browser, server, "review").ready(".wb-upload")
    csv = (b"Date,Event\r\n05/02/2025 22:10,Reported missing by carer\r\n"
           b"06/02/2025 09:00,Found at a friend's house\r\n")
    with visit.page.expect_file_chooser() as chooser:     # the upload button opens it
        visit.page.click(".wb-upload")
    chooser.value.set_files(files=[{"name": "upload-test-police.csv", "mimeType": "text/csv",
                                    "buffer": csv}])
    visit.wait_text(".wb-upload-summary", "Imported.")
    assert "from the file name" in visit.text(".wb-upload-summary")   # what was assumed
    visit.wait_text(".wb-app h2", "Uploaded: upload-test-police.csv")
    visit.wait_text(".wb-event", "of 2")
    labels = visit.page.eval_on_selector_all(".wb-case select option",
                                             "os => os.map(o => o.textContent)")
    assert any("upload-test-police" in label for label in labels)
    # the agency as the person says it, imported again: the page shows it
    visit.page.fill(".wb-choice-agency input", "Northshire Police")
    visit.page.click(".wb-import")
    visit.wait_text(".wb-knowledge", "Northshire Police")
    visit.check_and_close()
    # the first page opened after the re-import shows the new case
    again = Visit(browser, server, "review", query="case=upload-test-police")
    again.wait_text(".wb-knowledge", "Northshire Police")
    again.check_and_close()


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
    trainer.page.wait_for_selector(".wb-join-code .wb-code-big", timeout=60_000)
    code = trainer.text(".wb-join-code .wb-code-big").strip()
    assert len(code) == 6
    for visit, (name, agency, discipline) in zip(
            people, [("AB", "Police", "policing"), ("CD", "School", "education")],
            strict=True):
        visit.ready(".wb-join")
        visit.page.fill(".wb-join-code-input input", code)
        visit.page.fill(".wb-name input", name)
        visit.page.fill(".wb-agency input", agency)
        visit.page.fill(".wb-discipline input", discipline)
        visit.page.click(".wb-join")
    for visit in people:           # nothing is revealed until the facilitator says so
        visit.wait_text(".wb-revealed", "nothing revealed yet", timeout=60_000)
    trainer.page.click(".wb-reveal-next")
    for visit in people:
        visit.wait_text(".wb-revealed", "1 event(s) revealed", timeout=60_000)
    trainer.page.click(".wb-reveal-5")
    for visit in people:
        visit.wait_text(".wb-revealed", "6 event(s) revealed")
        visit.page.wait_for_function(f"() => JSON.stringify(({AXES_JS})()) === "
                                     "'[\"date\"]'", timeout=LOAD_TIMEOUT_MS)
    trainer.page.click(".wb-ask")
    answers = ["Call a strategy meeting today", "Ask the school what it knows"]
    for visit, answer in zip(people, answers, strict=True):
        visit.page.wait_for_selector(".wb-answer-box", state="visible", timeout=LOAD_TIMEOUT_MS)
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
        visit.page.wait_for_selector(".wb-answer-box", state="hidden", timeout=LOAD_TIMEOUT_MS)
    for visit in (trainer, *people):
        visit.check_and_close()


@pytest.mark.browser
def test_a_widget_module_has_time_to_load_on_a_busy_machine(browser, server):
    """anywidget's 2 s deadline for a widget's module (past it, every later message to the
    widget is dropped: a figure whose cursor never moves) is two minutes on the page;
    other timeouts are untouched."""
    visit = Visit(browser, server, "network").ready(".wb-app")
    aborted = visit.page.evaluate("""() => new Promise(done => {
        const widget = AbortSignal.timeout(2000), other = AbortSignal.timeout(100);
        other.addEventListener('abort', () =>
          setTimeout(() => done([widget.aborted, other.aborted]), 2500)); })""")
    assert aborted == [False, True]
    visit.check_and_close()


@pytest.mark.browser
def test_a_page_whose_app_did_not_arrive_reloads_once(browser, server):
    """The widget manager's "model not found" in place of the app: the page reloads
    itself and the app is drawn; this stands for it by writing that error into the
    page's first load."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.add_init_script("""if (!sessionStorage.getItem('wb-test-broken')) {
        sessionStorage.setItem('wb-test-broken', '1');
        document.addEventListener('DOMContentLoaded', () => {
          const broken = document.createElement('div');
          broken.textContent = 'Error displaying widget: model not found';
          document.getElementById('rendered_cells').prepend(broken); }); }""")
    visit = Visit(browser, server, "network", context=context).ready(".wb-app")
    visit.page.wait_for_function("() => performance.getEntriesByType('navigation')[0].type"
                                 " === 'reload'")
    assert "model not found" not in visit.text("body")
    visit.check_and_close()
    context.close()


KERNEL_ID_JS = """() => JSON.parse(document.getElementById('jupyter-config-data')
  .textContent).kernelId"""


@pytest.mark.browser
def test_a_closed_pages_kernel_is_stopped(browser, server):
    """Closing the page (its ``beforeunload`` run, as a closing tab) shuts its kernel
    down at once: the page carries the ``_xsrf`` cookie that Voilà's shutdown request
    needs (before, every such request was refused with 403 and the kernel lived on
    until culled ten minutes later)."""
    import time

    visit = Visit(browser, server, "network").ready(".js-plotly-plot .scatterlayer")
    kernel = visit.page.evaluate(KERNEL_ID_JS)
    assert kernel and f"Kernel shutdown: {kernel}" not in server.log.read_text()
    assert "_xsrf" in {c["name"] for c in visit.context.cookies()}
    visit.page.close(run_before_unload=True)
    deadline = time.monotonic() + LOAD_TIMEOUT_MS / 1000
    while f"Kernel shutdown: {kernel}" not in server.log.read_text():
        assert time.monotonic() < deadline, server.log.read_text()[-2000:]
        assert "403 POST /voila/api/shutdown" not in server.log.read_text()
        time.sleep(0.2)                                # polling the log for the event
    assert "403 POST /voila/api/shutdown" not in server.log.read_text()
    visit.context.close()


@pytest.mark.browser
def test_no_request_left_the_machine(server):
    """Runs last in this module: every page above recorded what it tried (no CDN: the
    page template links nothing outside)."""
    assert sorted(set(server.external)) == []


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
def test_the_root_lists_the_dashboards(server):
    """The address ``workbench serve`` prints (``/?token=…``) is a page listing the four
    dashboards by name and purpose, each link carrying the token; nothing on it points
    off the machine (it was a blank grey file browser)."""
    import re

    with urllib.request.urlopen(f"{server.base}/?token={server.token}",
                                timeout=60) as response:
        html = response.read().decode("utf-8")
    links = re.findall(r'<a class="wb-dashboard" data-dashboard="(\w+)" href="([^"]+)">'
                       r"<b>([^<]+)</b>", html)
    assert [(name, title) for name, _, title in links] == [
        ("review", "Case review"), ("workshop", "Workshop"), ("network", "Agency network"),
        ("cohort", "Cohort")]
    for name, href, _ in links:
        assert href == f"/voila/render/{name}.ipynb?token={server.token}"
    assert "://" not in html and "<script" not in html


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
