"""The wheel is the app: built, installed into a fresh virtual environment outside the
checkout, and run from an unrelated folder as a new user would.

Offline: the wheel is built without build isolation (hatchling comes with the test
extra) and installed with ``--no-deps --no-index``; its dependencies are the ones this
test run already has, made visible to the fresh environment by a ``.pth`` file naming
this environment's site-packages (only after the wheel is installed, so that the
fresh environment's own copy of the workbench is the one imported).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import venv
from pathlib import Path

import pytest

import workbench

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str) -> int:
    """The HTTP status of ``url``, redirects not followed."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _bin(env: Path, name: str) -> str:
    folder = env / ("Scripts" if os.name == "nt" else "bin")
    return str(folder / (f"{name}.exe" if os.name == "nt" else name))


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(environment folder, a working folder outside the checkout, the environment
    variables to run in) for the freshly built and installed wheel."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--no-index", "--quiet", "-w", str(dist), str(ROOT)], check=True,
                   cwd=root)
    wheels = list(dist.glob("case_review_workbench-*.whl"))
    assert [w.name for w in wheels] == [
        f"case_review_workbench-{workbench.__version__}-py3-none-any.whl"]
    env_dir = root / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = _bin(env_dir, "python")
    # pip (from this environment) installs into the fresh one
    subprocess.run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
                    "--no-index", "--quiet", str(wheels[0])], check=True, cwd=root)
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    home = root / "home"
    work = root / "elsewhere"
    for folder in (home, work, root / "jupyter" / "runtime"):
        folder.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("WORKBENCH_", "PYTHON", "VIRTUAL_ENV", "JUPYTER"))}
    env.update(HOME=str(home), USERPROFILE=str(home), TMPDIR=str(root),
               JUPYTER_PLATFORM_DIRS="1", PYDEVD_DISABLE_FILE_VALIDATION="1",
               JUPYTER_RUNTIME_DIR=str(root / "jupyter" / "runtime"),
               JUPYTER_CONFIG_DIR=str(root / "jupyter" / "config"),
               # the dependencies' data files (Voilà's page templates, widget scripts)
               # lie under this environment's prefix, as the .pth names its packages
               JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"),
               PATH=os.pathsep.join([str(Path(python).parent), env.get("PATH", "")]))
    return env_dir, work, env


def _run(installed, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env_dir, work, env = installed
    return subprocess.run([_bin(env_dir, args[0]), *args[1:]], cwd=work, env=env,
                          capture_output=True, text=True, check=check, timeout=600)


def test_the_installed_package_is_the_one_imported_and_carries_its_data(installed):
    env_dir, _, _ = installed
    code = ("import json, workbench; from workbench.resources import bundled_folder\n"
            "print(json.dumps({'file': workbench.__file__, 'version': workbench.__version__,"
            " 'dashboards': str(bundled_folder('dashboards')),"
            " 'cases': sorted(p.parent.name for p in "
            "bundled_folder('casestudies').glob('*/meta.yaml'))}))")
    found = json.loads(_run(installed, "python", "-c", code).stdout)
    assert Path(found["file"]).is_relative_to(env_dir), found["file"]
    assert Path(found["dashboards"]).is_relative_to(env_dir)
    assert Path(found["dashboards"], "review.ipynb").is_file()
    assert found["version"] == workbench.__version__
    assert found["cases"] == sorted(p.parent.name for p in ROOT.glob("casestudies/*/meta.yaml"))
    assert (Path(found["file"]).parent / "py.typed").is_file()


def test_version_from_the_script_and_the_module(installed):
    assert _run(installed, "workbench", "--version").stdout.strip() == \
        f"workbench {workbench.__version__}"
    assert _run(installed, "python", "-m", "workbench", "--version").stdout.strip() == \
        f"workbench {workbench.__version__}"


def test_build_runs_on_the_bundled_case_studies_from_any_folder(installed):
    _, work, _ = installed
    done = _run(installed, "workbench", "build", "-o", "out")
    summary = (work / "out" / "summary.md").read_text()
    for study in ("county-lines", "good-practice", "hub-model", "looked-after-out-of-area",
                  "missing-from-home-exclusion"):
        assert f"| {study} |" in summary, summary
        assert json.loads((work / "out" / study / "flags.json").read_text())["case"] == study
    assert "error" not in done.stdout


def test_build_on_a_missing_folder_fails_clearly(installed):
    done = _run(installed, "workbench", "build", "no-such-folder", check=False)
    assert done.returncode == 2
    assert "no-such-folder: no such folder" in done.stderr


def test_serve_finds_the_dashboards_and_renders_the_review_page(installed):
    env_dir, work, env = installed
    port, token = _free_port(), "wheel-test-token"
    log = work / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [_bin(env_dir, "workbench"), "serve", "--port", str(port), "--token", token],
            cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while "Press Ctrl-C to stop." not in log.read_text(errors="replace"):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        printed = log.read_text()
        assert f"{base}/voila/render/review.ipynb?token={token}" in printed
        # the default review store: in the (temporary) user's data folder
        assert str(Path(env["HOME"], ".local", "share", "workbench", "review.sqlite")) in printed
        with urllib.request.urlopen(f"{base}/voila/render/review.ipynb?token={token}",
                                    timeout=300) as response:
            assert response.status == 200
            page = response.read().decode("utf-8")
        assert "<title>review</title>" in page or "voila" in page.lower(), page[:2000]
        assert "application/vnd.jupyter.widget-view+json" in page, page[-3000:]
        assert _status(f"{base}/voila/render/review.ipynb") in (302, 403)  # no token, no page
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)   # `workbench serve` stops Voilà and kernels
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
