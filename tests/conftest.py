"""Fixtures shared by the test modules, and how ``make test`` shares the modules out
between its two workers (:class:`BrowserFirstScheduling`)."""

import json
import sys
from pathlib import Path

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



# -- sharing the suite between two workers (`make test`: pytest -n 2 --dist loadfile) -----

#: the modules that drive dashboards served by Voilà: one unit of work for one worker
#: (one ``server``, one Chromium at a time), the longest, so it starts first
VOILA_MODULES = ("tests/test_room.py", "tests/test_browser.py", "tests/test_injection.py")
#: about how long (s, one core) the other long modules take: they start first, longest
#: first, so that neither worker is left alone with a long module at the end; the rest
#: follow, most tests first
MODULE_SECONDS = {"tests/test_rules.py": 130, "tests/test_apps.py": 30,
                  "tests/test_dashboards_exec.py": 30, "tests/test_notebooks.py": 30,
                  "tests/test_wheel.py": 25, "tests/test_cohort_flags.py": 20,
                  "tests/test_timeline.py": 12, "tests/test_report.py": 10,
                  "tests/test_privacy.py": 10, "tests/test_casestudies.py": 8,
                  "tests/test_binder.py": 8, "tests/test_exports.py": 7,
                  "tests/test_hostile.py": 7, "tests/test_episodes.py": 6}


def pytest_collection_modifyitems(items):
    """A module outside :data:`VOILA_MODULES` that used the ``server`` would start a
    second Voilà on the other worker: refused, so that the list stays true."""
    stray = sorted({Path(item.nodeid.split("::", 1)[0]).as_posix() for item in items
                    if "server" in getattr(item, "fixturenames", ())} - set(VOILA_MODULES))
    if stray:
        raise pytest.UsageError(f"{stray} use the Voilà `server`: add them to VOILA_MODULES "
                                "in tests/conftest.py")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` with the Voilà modules as one unit started first."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class BrowserFirstScheduling(LoadFileScheduling):
        """Each module whole on one worker (its module-scoped fixtures made once), the
        Voilà modules together as one unit (one session ``server``), and the units
        handed out longest first."""

        def _split_scope(self, nodeid):
            scope = super()._split_scope(nodeid)
            return "voila" if scope in VOILA_MODULES else scope

        def _assign_work_unit(self, node):
            if not getattr(self, "_ordered", False):
                self._ordered = True
                units = sorted(self.workqueue.items(), key=lambda unit: (
                    unit[0] != "voila", -MODULE_SECONDS.get(unit[0], 0), -len(unit[1])))
                self.workqueue.clear()
                self.workqueue.update(units)
            super()._assign_work_unit(node)

    return BrowserFirstScheduling(config, log)
