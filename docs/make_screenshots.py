"""Regenerate the dashboard screenshots in docs/screenshots/ (``make screenshots``).

Starts the dashboards exactly as ``workbench serve`` does (loopback, a token, a
temporary home and review store, the bundled case studies, the workbench page
template), drives them with Playwright and Debian's Chromium as a review group would
(a step to a flag, a note; a workshop with a facilitator, two participants and the
projector), and writes what each screen shows: a phone in portrait (390×844), a laptop
(1366×768) and a projector (1920×1080). No request leaves the machine (everything not
to the local server is aborted, and counted: the script fails if any was tried).

    python docs/make_screenshots.py [--out docs/screenshots] [--only review|workshop|network|cohort]
"""

from __future__ import annotations

import argparse
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from workbench.apps.page import voila_page_settings
from workbench.serve import (
    free_port,
    private_environ,
    process_group_options,
    serve_plan,
    stop_process_group,
    wait_until_ready,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests' browser finder: Chromium, Chrome or Edge on any OS
from tests.browsers import CHROMIUM_ARGS as ARGS  # noqa: E402
from tests.browsers import find_chromium  # noqa: E402

SCREENS = {"phone": (390, 844), "laptop": (1366, 768), "projector": (1920, 1080)}
TIMEOUT_MS = 120_000
READY = {"review": ".js-plotly-plot .xaxislayer-above text",
         "network": ".js-plotly-plot .scatterlayer",
         "cohort": ".js-plotly-plot .xaxislayer-above text"}



class Pages:
    """Browser contexts on one server; every request off the machine is aborted."""

    def __init__(self, browser, base: str, token: str):
        self.browser, self.base, self.token = browser, base, token
        self.external: list[str] = []

    def _route(self, route) -> None:
        if route.request.url.startswith(self.base) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def open(self, dashboard: str, ready: str, screen: str = "laptop"):
        width, height = SCREENS[screen]
        context = self.browser.new_context(viewport={"width": width, "height": height},
                                           device_scale_factor=1)
        page = context.new_page()
        page.route("**/*", self._route)
        page.goto(f"{self.base}/voila/render/{dashboard}.ipynb?token={self.token}",
                  wait_until="commit")
        page.wait_for_selector(ready, state="attached", timeout=TIMEOUT_MS)
        return page


def _text_has(page, selector: str, text: str) -> None:
    page.wait_for_function("([s, t]) => { const e = document.querySelector(s); "
                           "return e && e.innerText.includes(t); }", arg=[selector, text],
                           timeout=60_000)


def _settled(page) -> None:
    """Wait until every figure on the page has been drawn by plotly.js."""
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                           ".every(g => g._fullLayout && g.querySelector('.main-svg'))",
                           timeout=60_000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => "
                  "requestAnimationFrame(r)))")


#: how many resizes the kernel has dealt with, for each figure's slot on the page
FITTED_JS = ("() => [...document.querySelectorAll('.wb-figure')]"
             ".map(e => Number(e.dataset.wbFitted || 0))")


def _whole(page) -> None:
    """Make the window as tall as the app. The figures are fitted again to a window
    resized by 16 px or more (:mod:`workbench.apps._figure`): each time, wait until the
    kernel has dealt with it, and measure the app again (a laptop's timeline, drawn
    shorter to fit its window, takes its height as built)."""
    sent = page.viewport_size["height"]      # the height the figures were last fitted to
    for _ in range(4):
        height = int(page.evaluate("document.querySelector('.wb-app').scrollHeight")) + 80
        if height == page.viewport_size["height"]:
            break
        fitted = page.evaluate(FITTED_JS)
        page.set_viewport_size({"width": page.viewport_size["width"], "height": height})
        if abs(height - sent) >= 16:
            sent = height
            page.wait_for_function(f"(before) => ({FITTED_JS})().some((n, i) => "
                                   "n > (before[i] || 0))", arg=fitted, timeout=60_000)
        _settled(page)


def shoot(pages: Pages, out: Path, only: str | None = None) -> list[Path]:
    written = []

    def save(page, name: str, *, full: bool = False) -> None:
        _settled(page)
        if full:    # Voilà scrolls inside its page: make the window as tall as the app
            _whole(page)
        page.evaluate("() => { const s = document.scrollingElement; s.scrollTo(0, 0); }")
        path = out / f"{name}.png"
        page.screenshot(path=str(path))
        written.append(path)
        print(f"wrote {path}")

    if only in (None, "review"):
        _review(pages, save)
    if only in (None, "workshop"):
        _workshop(pages, save)
    for dashboard in ("network", "cohort"):
        if only not in (None, dashboard):
            continue
        for screen in SCREENS:
            page = pages.open(dashboard, READY[dashboard], screen)
            save(page, dashboard if screen == "laptop" else f"{dashboard}-{screen}")
    return written


def _review(pages: Pages, save) -> None:
    # review: the chair's screen on each size; the laptop after a flag and a note, whole
    for screen in SCREENS:
        review = pages.open("review", READY["review"], screen)
        _text_has(review, ".wb-event", "Event 6 of")
        save(review, "review" if screen == "laptop" else f"review-{screen}")
        if screen == "laptop":
            review.click(".wb-next-flag")
            review.wait_for_selector(".wb-evidence input[type=radio]", state="attached",
                                     timeout=60_000)
            review.fill(".wb-name input", "SW 1")
            review.select_option(".wb-agency select", label="Children's Social Care")
            review.fill(".wb-discipline input", "social work")
            review.fill(".wb-note-text textarea",
                        "The referral was never chased: who owned it?")
            review.click(".wb-tag-missed-opportunity")
            review.click(".wb-save")
            _text_has(review, ".wb-notes", "never chased")
            review.click(".wb-take-chair")
            _text_has(review, ".wb-follow-status", "You chair this walk-through")
            save(review, "review-full", full=True)


def _workshop(pages: Pages, save) -> None:
    # workshop: a facilitator's console, two participants on phones, the projector
    trainer = pages.open("workshop", ".wb-role", "laptop")
    trainer.click(".wb-role button:has-text('I am facilitating')")
    trainer.wait_for_selector(".wb-open:not([disabled])", timeout=TIMEOUT_MS)
    trainer.click(".wb-open")
    trainer.wait_for_selector(".wb-join-code .wb-code-big", timeout=TIMEOUT_MS)
    code = trainer.inner_text(".wb-join-code .wb-code-big").strip()
    projector = pages.open("workshop", ".wb-role", "projector")
    projector.click(".wb-role button:has-text('Projector')")
    projector.fill(".wb-watch-code input", code)
    projector.click(".wb-watch")
    _text_has(projector, ".wb-projector", code)
    people = []
    for name, agency, discipline in (("PC 4", "Police", "policing"),
                                     ("DSL", "School", "education")):
        page = pages.open("workshop", ".wb-join", "phone")
        page.fill(".wb-join-code-input input", code)
        page.fill(".wb-name input", name)
        page.fill(".wb-agency input", agency)
        page.fill(".wb-discipline input", discipline)
        page.click(".wb-join")
        _text_has(page, ".wb-revealed", "revealed")
        people.append(page)
    trainer.select_option(".wb-reveal-to select", index=9)
    trainer.click(".wb-reveal-to-button")
    trainer.click(".wb-ask")
    for page, answer, agency in (
            (people[0], "Grade this episode high and hold a strategy meeting: the school's "
                        "concerns and the older males point to exploitation.", "Police"),
            (people[1], "Share the attendance drop and what friends said with social care "
                        "today.", "School")):
        page.wait_for_selector(".wb-answer-box", state="visible", timeout=60_000)
        page.fill(".wb-answer textarea", answer)
        options = page.locator(".wb-agency-to-act select option").all_inner_texts()
        page.select_option(".wb-agency-to-act select",
                           label=agency if agency in options else options[0])
        page.click(".wb-submit")
    _text_has(trainer, ".wb-answers", "2 answer(s)")
    _text_has(projector, ".wb-projector", "2 of 2 answered")
    save(trainer, "workshop-facilitator")
    save(projector, "workshop-projector")
    save(people[0], "workshop-participant")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).parent / "screenshots"))
    parser.add_argument("--only", choices=["review", "workshop", "network", "cohort"], default=None,
                        help="only this dashboard's screenshots")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    chromium = find_chromium()
    if not chromium or not Path(chromium).is_file():
        print("no Chromium, Chrome or Edge found: run `make chromium`, or set "
              "WORKBENCH_CHROMIUM to the browser's path", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="workbench-shots-") as tmp:
        root = Path(tmp)
        env = private_environ(root)
        plan = serve_plan(port=free_port(), token=secrets.token_urlsafe(24),
                          store=root / "review.sqlite", config_dir=root / "config",
                          environ=env)
        command, env = list(plan.command), dict(plan.env)
        if not any(a.startswith("--template") for a in command):   # until serve adds it
            extra, env = voila_page_settings(env)
            command += extra
        with open(root / "voila.log", "wb") as log:
            process = subprocess.Popen(command, env=env, cwd=plan.config_dir,
                                       stdout=log, stderr=subprocess.STDOUT,
                                       **process_group_options())
        try:
            if not wait_until_ready(plan.url, process=process):
                print((root / "voila.log").read_text()[-3000:], file=sys.stderr)
                return 1
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=ARGS)
                pages = Pages(browser, f"http://127.0.0.1:{plan.port}", plan.token)
                try:
                    shoot(pages, out, args.only)
                finally:
                    browser.close()
                if pages.external:
                    print("requests off the machine were tried:", sorted(set(pages.external)),
                          file=sys.stderr)
                    return 1
        finally:
            stop_process_group(process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
