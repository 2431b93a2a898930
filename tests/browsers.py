"""Finding Chromium (or Chrome, or Edge) for the browser tests, on any operating system.

Playwright is never asked to download a browser (``playwright install`` fails
offline): the tests drive the one the machine has. :func:`find_chromium` looks, in
order, at ``$WORKBENCH_CHROMIUM``, at kaleido's ``$BROWSER_PATH``, on the ``PATH``
(``chromium``, ``chromium-browser``, ``google-chrome``, ``chrome``, ``msedge``), in the
usual install folders of Windows and macOS, and last asks kaleido's browser finder
(choreographer), which knows a few more places.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

__all__ = ["CHROMIUM_ARGS", "find_chromium", "require_chromium"]

#: the flags the browser needs here (no sandbox as root, no background networking:
#: this machine has no network but the package registries)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
         "msedge")


def _installed(environ: Mapping[str, str]) -> list[Path]:
    """Where Chrome, Edge and Chromium are usually installed on Windows and macOS."""
    places = []
    for base in (environ.get("PROGRAMFILES"), environ.get("PROGRAMFILES(X86)"),
                 environ.get("LOCALAPPDATA")):
        if base:
            places += [Path(base, "Google", "Chrome", "Application", "chrome.exe"),
                       Path(base, "Chromium", "Application", "chrome.exe"),
                       Path(base, "Microsoft", "Edge", "Application", "msedge.exe")]
    places += [Path("/Applications/Chromium.app/Contents/MacOS/Chromium"),
               Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")]
    return places


def find_chromium(environ: Mapping[str, str] | None = None, *, which=shutil.which,
                  ask_kaleido: bool = True) -> str | None:
    """The path of a Chromium-family browser, or None."""
    environ = os.environ if environ is None else environ
    for variable in ("WORKBENCH_CHROMIUM", "BROWSER_PATH"):
        if environ.get(variable):
            return environ[variable]
    for name in NAMES:
        found = which(name)
        if found:
            return found
    for place in _installed(environ):
        if place.is_file():
            return str(place)
    if ask_kaleido:
        try:
            from choreographer.browsers.chromium import Chromium

            found = Chromium.find_browser(skip_local=True)
        except Exception:  # noqa: BLE001 (an older or newer finder: nothing more to ask)
            found = None
        if found:
            return str(found)
    return None


def require_chromium() -> str:
    """The browser's path; fails (never skips) a test when there is none."""
    path = find_chromium()
    assert path and Path(path).is_file(), (
        f"no Chromium found ({path or 'none on the PATH'}): run `make chromium` "
        "(apt-get install chromium), or set WORKBENCH_CHROMIUM to a Chrome/Chromium/Edge binary")
    return path
