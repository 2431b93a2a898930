"""Fixtures shared by the test modules."""

import json
import sys

import pytest

from tests.browsers import CHROMIUM_ARGS, require_chromium


@pytest.fixture
def isolated_jupyter(tmp_path, monkeypatch):
    """Jupyter and IPython write their state into a temporary home, not the user's; the
    kernel ``python3`` is this interpreter (the project's venv), whatever the machine has."""
    for name, sub in (("HOME", "home"), ("JUPYTER_CONFIG_DIR", "jupyter/config"),
                      ("JUPYTER_DATA_DIR", "jupyter/data"),
                      ("JUPYTER_RUNTIME_DIR", "jupyter/runtime"), ("IPYTHONDIR", "ipython"),
                      ("MPLCONFIGDIR", "mpl")):
        folder = tmp_path / sub
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(folder))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    spec_dir = tmp_path / "jupyter" / "data" / "kernels" / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3", "language": "python"}
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    return tmp_path


@pytest.fixture(scope="module")  # not longer: a live sync Playwright blocks the next one
def browser():
    """Chromium (or Chrome, or Edge: :func:`tests.browsers.find_chromium`) driven by
    Playwright; fails (never skips) when there is none."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Voilà on a free loopback port, as ``workbench serve`` runs it, with its own home,
    review store and a copy of the dashboards beside two planted files (one server for
    every browser test module: ``tests/voila.py``)."""
    from tests.voila import launch

    with launch(tmp_path_factory.mktemp("serve")) as running:
        yield running

