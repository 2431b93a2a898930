"""Windows-ready: the review store's default place and the browser found on any OS.

The date formatting under a Windows-like ``strftime`` is tested in test_timeutil.py.
"""

from __future__ import annotations

from pathlib import Path, PureWindowsPath

import platformdirs
import pytest

from tests.browsers import find_chromium
from workbench.apps.settings import default_store_path, settings_from_environment


@pytest.mark.parametrize("system", ["win32", "darwin"])
def test_the_store_lives_in_the_systems_own_data_folder(system, monkeypatch):
    asked = []
    base = PureWindowsPath(r"C:\Users\ann\AppData\Local") if system == "win32" \
        else Path("/Users/ann/Library/Application Support")

    def user_data_path(appname, appauthor=None, **kwargs):
        asked.append((appname, appauthor))
        return base / appname

    monkeypatch.setattr(platformdirs, "user_data_path", user_data_path)
    path = default_store_path({"HOME": "/home/ann"}, system=system)
    assert asked == [("workbench", False)]
    assert path == base / "workbench" / "review.sqlite"


def test_elsewhere_the_store_follows_xdg(tmp_path):
    assert default_store_path({"HOME": str(tmp_path)}, system="linux") == \
        tmp_path / ".local/share/workbench/review.sqlite"
    assert default_store_path({"HOME": "/x", "XDG_DATA_HOME": str(tmp_path)},
                              system="linux") == tmp_path / "workbench/review.sqlite"
    assert settings_from_environment({"WORKBENCH_STORE": str(tmp_path / "s.sqlite")}).store \
        == tmp_path / "s.sqlite"


def test_chromium_named_by_the_environment_comes_first(tmp_path):
    assert find_chromium({"WORKBENCH_CHROMIUM": "/opt/c/chrome", "BROWSER_PATH": "/b"},
                         which=lambda n: "/usr/bin/" + n) == "/opt/c/chrome"
    assert find_chromium({"BROWSER_PATH": "/b"}, which=lambda n: None) == "/b"


def test_chromium_on_the_path_under_any_of_its_names():
    found = {"msedge": r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe"}
    assert find_chromium({}, which=found.get, ask_kaleido=False) == found["msedge"]


def test_chromium_in_the_usual_windows_install_folder(tmp_path):
    chrome = tmp_path / "Google" / "Chrome" / "Application" / "chrome.exe"
    chrome.parent.mkdir(parents=True)
    chrome.write_bytes(b"")
    assert find_chromium({"PROGRAMFILES": str(tmp_path)}, which=lambda n: None,
                         ask_kaleido=False) == str(chrome)
    assert find_chromium({}, which=lambda n: None, ask_kaleido=False) is None
