"""The Binder link opens the review dashboard.

Binder (repo2docker) runs a Jupyter server at the root of the repository, with Voilà
as a server extension, and opens ``?urlpath=voila/render/dashboards/review.ipynb``.
This test runs the same server the same way, on this machine, and fetches that page.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from workbench.serve import free_port

ROOT = Path(__file__).resolve().parents[1]
URLPATH = "voila/render/dashboards/review.ipynb"



@pytest.mark.slow
def test_the_binder_urlpath_renders_the_review_dashboard(tmp_path):
    binder = (ROOT / "binder" / "environment.yml").read_text()
    assert "voila" in binder and f"?urlpath={URLPATH}" in binder
    assert f"?urlpath={URLPATH}" in (ROOT / "docs" / "deploy.md").read_text()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKBENCH_", "JUPYTER"))}
    for name, sub in (("HOME", "home"), ("JUPYTER_CONFIG_DIR", "jupyter/config"),
                      ("JUPYTER_DATA_DIR", "jupyter/data"),
                      ("JUPYTER_RUNTIME_DIR", "jupyter/runtime"), ("IPYTHONDIR", "ipython")):
        (tmp_path / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(tmp_path / sub)
    env.update(JUPYTER_PLATFORM_DIRS="1", PYDEVD_DISABLE_FILE_VALIDATION="1",
               TMPDIR=str(tmp_path))
    port, token = free_port(), "binder-test-token"
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}",
             "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
             "--ServerApp.allow_root=True",   # CI runs as root; Binder does not
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
             "--MappingKernelManager.cull_idle_timeout=60",
             "--MappingKernelManager.cull_interval=30"],
            cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5):
                    break
            except (urllib.error.URLError, OSError):
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.5)
        with urllib.request.urlopen(f"{base}/{URLPATH}?token={token}", timeout=300) as page:
            assert page.status == 200
            html = page.read().decode("utf-8")
        assert "application/vnd.jupyter.widget-view+json" in html, html[-3000:]
        assert "Traceback (most recent call last)" not in html
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)   # the server and its kernels
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
