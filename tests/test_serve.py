"""`workbench serve`: the Voilà command line and its safe defaults (no server started
here; tests/test_browser.py runs one)."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from workbench.cli import main
from workbench.serve import (
    CULL_IDLE_TIMEOUT_S,
    CULL_INTERVAL_S,
    LOOPBACK,
    ServeError,
    dashboards_folder,
    serve_plan,
)


@pytest.fixture
def plan(tmp_path):
    return serve_plan(port=8899, config_dir=tmp_path / "cfg", store=tmp_path / "r.sqlite",
                      create_store=True, environ={"HOME": str(tmp_path)})


def option(plan, name: str) -> str:
    hits = [a.split("=", 1)[1] for a in plan.command if a.startswith(name + "=")]
    assert len(hits) == 1, name
    return hits[0]


def test_loopback_with_a_fresh_token_by_default(plan, tmp_path):
    assert plan.address == LOOPBACK and option(plan, "--Voila.ip") == "127.0.0.1"
    assert len(plan.token) >= 32
    assert json.loads((plan.config_dir / "voila.json").read_text())["Voila"]["token"] == \
        plan.token
    assert plan.url == f"http://127.0.0.1:8899/?token={plan.token}"
    other = serve_plan(config_dir=tmp_path / "c2", environ={"HOME": str(tmp_path)})
    assert other.token != plan.token and other.port == 8866


def test_the_voila_command_carries_every_safe_default(plan):
    assert plan.command[1:5] == ("-m", "workbench.serve", "--hosts=127.0.0.1,localhost",
                                 str(dashboards_folder()))
    assert option(plan, "--port") == "8899"
    assert option(plan, "--Voila.port_retries") == "0"            # the printed URL is true
    assert option(plan, "--MappingKernelManager.cull_interval") == str(CULL_INTERVAL_S)
    assert option(plan, "--MappingKernelManager.cull_idle_timeout") == str(CULL_IDLE_TIMEOUT_S)
    assert option(plan, "--preheat_kernel") == "True"
    assert option(plan, "--strip_sources") == "True"
    assert option(plan, "--show_tracebacks") == "False"
    assert option(plan, "--Voila.config_file_paths") == str(plan.config_dir)
    assert "--no-browser" in plan.command


def test_the_page_is_the_workbench_template_that_fetches_nothing_from_elsewhere(plan):
    from workbench.apps.page import template_folder

    assert option(plan, "--template") == "workbench"
    jupyter_path = plan.env["JUPYTER_PATH"].split(os.pathsep)
    # Voilà's own data folder first (its themes), then the folder holding our template
    assert template_folder().parents[2] == Path(jupyter_path[1])


def test_the_configuration_serves_no_file_beside_the_dashboards(plan):
    config = json.loads((plan.config_dir / "voila.json").read_text())
    assert config["VoilaConfiguration"]["file_allowlist"] == []
    assert config["VoilaConfiguration"]["file_denylist"] == [".*"]
    assert config["Voila"]["tornado_settings"]["headers"]["Referrer-Policy"] == "no-referrer"
    assert config["VoilaKernelManager"]["kernel_pools_config"]["default"]["pool_size"] == 1
    assert config["VoilaKernelManager"]["kernel_pools_config"]["review.ipynb"] == {
        "pool_size": 3}                      # a panel opens its pages together
    assert config["VoilaConfiguration"]["classic_tree"] is True     # the root lists them


def test_the_kernels_get_the_store_cases_and_cohort(tmp_path):
    (tmp_path / "cases").mkdir()
    plan = serve_plan(config_dir=tmp_path / "cfg", store=tmp_path / "r.sqlite",
                      create_store=True, cases=tmp_path / "cases", environ={"HOME": str(tmp_path),
                                                         "WORKBENCH_COHORT": "/stale"})
    assert plan.env["WORKBENCH_STORE"] == str(tmp_path / "r.sqlite")
    assert plan.env["WORKBENCH_CASES"] == str(tmp_path / "cases")
    assert "WORKBENCH_COHORT" not in plan.env
    # analysed cases shared by this server's kernels, in its own configuration folder
    assert plan.env["WORKBENCH_CACHE"] == str((tmp_path / "cfg" / "cache").resolve())
    default = serve_plan(config_dir=tmp_path / "c2", environ={"HOME": str(tmp_path)})
    assert default.env["WORKBENCH_STORE"] == str(tmp_path / ".local/share/workbench/review.sqlite")


def test_lan_binds_the_given_address_and_needs_a_token(tmp_path):
    plan = serve_plan(lan="192.168.1.20", config_dir=tmp_path, environ={})
    assert option(plan, "--Voila.ip") == "192.168.1.20" and plan.token
    assert plan.url.startswith("http://192.168.1.20:8866/?token=")
    with pytest.raises(ServeError, match="needs a token"):
        serve_plan(lan="192.168.1.20", token="", config_dir=tmp_path, environ={})
    for wildcard in ("0.0.0.0", "::"):
        with pytest.raises(ServeError, match="every network"):
            serve_plan(lan=wildcard, config_dir=tmp_path, environ={})
    with pytest.raises(ServeError, match="expects an IP address"):
        serve_plan(lan="my-laptop", config_dir=tmp_path, environ={})
    assert serve_plan(token="", config_dir=tmp_path, environ={}).url == "http://127.0.0.1:8866/"
    v6 = serve_plan(lan="fd00::5", config_dir=tmp_path, environ={})
    assert v6.url.startswith("http://[fd00::5]:8866/")


def test_dashboard_urls_carry_the_token(plan):
    urls = plan.dashboard_urls()
    assert list(urls) == ["review", "workshop", "network", "cohort"]
    assert urls["review"] == f"http://127.0.0.1:8899/voila/render/review.ipynb?token={plan.token}"


@pytest.mark.parametrize(("argv", "message"), [
    (["serve", "--lan", "192.168.1.20", "--no-token"], "needs a token"),
    (["serve", "--lan", "0.0.0.0"], "every network"),
    (["serve", "--port", "0"], "--port must lie"),
    (["serve", "--cases", "/no/such/folder"], "no such folder"),
    (["serve", "--store", "{tmp}/no/such/review.sqlite"], "--create-store"),
    (["serve", "--lan", "::ffff:0.0.0.0"], "every network"),
])
def test_cli_refuses_unsafe_serving(argv, message, capsys, tmp_path):
    assert main([a.format(tmp=tmp_path) for a in argv]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "no").exists()


# -- hardening (issue 14): token out of band, Host checked, /logout, addresses -------------

import os  # noqa: E402
import re  # noqa: E402
import stat  # noqa: E402
import subprocess  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402

from workbench.serve import (  # noqa: E402
    allowed_hosts,
    free_port,
    process_group_options,
    redact,
    stop_process_group,
    wait_until_ready,
)


def test_the_token_is_never_on_the_command_line_and_its_file_is_private(plan):
    assert not any(plan.token in part for part in plan.command)
    config = plan.config_dir / "voila.json"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert json.loads(config.read_text())["Voila"]["token"] == plan.token


@pytest.mark.parametrize(("lan", "message"), [
    ("::ffff:0.0.0.0", "every network"),
    ("::ffff:0:0", "every network"),
    ("::", "every network"),
    ("::ffff:192.168.1.20", "give it as 192.168.1.20"),
    ("224.0.0.1", "not an address of this machine"),
])
def test_lan_refuses_mapped_unspecified_and_group_addresses(lan, message, tmp_path):
    with pytest.raises(ServeError, match=message):
        serve_plan(lan=lan, config_dir=tmp_path, environ={})


def test_only_the_served_address_is_an_allowed_host():
    assert allowed_hosts("127.0.0.1") == ("127.0.0.1", "localhost")
    assert allowed_hosts("192.168.1.20") == ("192.168.1.20",)
    assert allowed_hosts("::1") == ("::1", "localhost")


def test_log_lines_never_hold_the_token():
    line = "404 GET /voila/render/x.ipynb?a=1&token=abcDEF123&b=2 (127.0.0.1)"
    assert redact(line) == "404 GET /voila/render/x.ipynb?a=1&token=[secret]&b=2 (127.0.0.1)"


def test_a_named_store_that_is_missing_is_refused_unless_asked(tmp_path):
    with pytest.raises(ServeError, match="--create-store"):
        serve_plan(store=tmp_path / "typo.sqlite", create_store=False, config_dir=tmp_path / "c",
                   environ={})
    serve_plan(store=tmp_path / "new.sqlite", config_dir=tmp_path / "c", environ={})



def _get(port: int, path: str, host: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


@pytest.fixture(scope="module", params=["token", "no-token"])
def served(request, tmp_path_factory):
    """Voilà started as `workbench serve` starts it (without preheated kernels)."""
    tmp = tmp_path_factory.mktemp(request.param)
    token = "" if request.param == "no-token" else "s3cret-" + os.urandom(8).hex()
    plan = serve_plan(port=free_port(), token=token, config_dir=tmp / "cfg",
                      store=tmp / "r.sqlite", create_store=True, preheat=False,
                      environ={**os.environ, "HOME": str(tmp)})
    log = open(tmp / "voila.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(plan.command, env=dict(plan.env), cwd=plan.config_dir,
                               stdout=log, stderr=subprocess.STDOUT, **process_group_options())
    try:
        assert wait_until_ready(plan.url, process=process, timeout_s=120), \
            (tmp / "voila.log").read_text()
        yield plan, process, tmp / "voila.log"
    finally:
        stop_process_group(process)
        log.close()


@pytest.mark.slow
def test_another_host_header_is_refused_on_every_route(served):
    plan, _, _ = served
    for path in ("/voila/static/voila.js", f"/voila/render/review.ipynb?token={plan.token}",
                 "/api/kernels/00000000-0000-0000-0000-000000000000/channels", "/logout"):
        status, body = _get(plan.port, path, host=f"rebind.example:{plan.port}")
        assert (status, body.split(":")[0]) == (403, "Host not allowed"), path
    assert _get(plan.port, "/voila/static/voila.js", host=f"localhost:{plan.port}")[0] == 200
    assert _get(plan.port, "/voila/static/voila.js")[0] == 200


@pytest.mark.slow
def test_logout_answers(served):
    plan, _, _ = served
    status, body = _get(plan.port, "/logout")
    assert status == 200 and "Signed out" in body


@pytest.mark.slow
def test_the_token_is_in_no_process_list_and_no_log_line(served):
    plan, process, log = served
    secret = plan.token or "a-guessed-token-123"  # without a token, a guess is not logged
    cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes()
    assert b"--Voila.ip=127.0.0.1" in cmdline and secret.encode() not in cmdline
    assert _get(plan.port, f"/voila/render/nothing.ipynb?token={secret}")[0] == 404
    assert _get(plan.port, f"/voila/static/nothing.js?token={secret}")[0] in (403, 404)
    text = log.read_text()
    assert re.search(r"404 GET /voila/render/nothing\.ipynb\?token=\[secret\]", text), text
    assert secret not in text


# -- starting and stopping Voilà, on POSIX and (simulated) on Windows ---------------------

class FakeVoila:
    """A stand-in for the Voilà process: records how it was started and stopped; serves
    until Ctrl-C (its first wait), then stops on Ctrl-Break or SIGTERM unless ``deaf``."""

    def __init__(self, command, deaf=False, **kwargs):
        self.command, self.kwargs, self.deaf = command, kwargs, deaf
        self.pid, self.returncode, self.signals, self.waits = 4242, None, [], 0

    def poll(self):
        return self.returncode

    def send_signal(self, sig):
        self.signals.append(sig)
        if not self.deaf:
            self.returncode = 0

    def wait(self, timeout=None):
        self.waits += 1
        if self.waits == 1:
            raise KeyboardInterrupt           # Ctrl-C in the console that runs `serve`
        if self.returncode is None:
            if timeout is not None:
                raise subprocess.TimeoutExpired(self.command, timeout)
            raise AssertionError("waited for ever on a process nobody stopped")
        return self.returncode


@pytest.fixture
def fake_voila(plan, monkeypatch):
    """`workbench serve`'s run() with Voilà replaced by :class:`FakeVoila`: what was
    started, the commands run beside it, and whether Voilà ignores Ctrl-Break."""
    import workbench.serve as serve

    fake = SimpleNamespace(started=[], commands=[], deaf=False)

    def popen(command, **kwargs):
        fake.started.append(FakeVoila(command, deaf=fake.deaf, **kwargs))
        return fake.started[-1]

    def run(command, **kwargs):
        fake.commands.append(command)
        if command[0] == "taskkill":
            fake.started[-1].returncode = 1   # the tree killed
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(serve.subprocess, "Popen", popen)
    monkeypatch.setattr(serve.subprocess, "run", run)
    monkeypatch.setattr(serve, "wait_until_ready", lambda url, **kw: True)
    return fake


def _forbid_killpg(monkeypatch):
    def killpg(*args):
        raise AssertionError("os.killpg called on Windows")
    monkeypatch.setattr(os, "killpg", killpg, raising=False)


@pytest.mark.parametrize("deaf", [False, True], ids=["stops-on-ctrl-break", "deaf"])
def test_on_windows_serve_starts_a_process_group_and_stops_it_without_posix_calls(
        plan, fake_voila, monkeypatch, deaf):
    import io

    import workbench.serve as serve

    fake_voila.deaf = deaf
    started, commands = fake_voila.started, fake_voila.commands
    monkeypatch.setattr(sys, "platform", "win32")
    _forbid_killpg(monkeypatch)
    out = io.StringIO()
    assert serve.run(plan, out=out) == 0
    (voila,) = started
    assert voila.kwargs["creationflags"] == serve.CREATE_NEW_PROCESS_GROUP == 0x200
    assert "start_new_session" not in voila.kwargs
    assert voila.signals == [serve.CTRL_BREAK_EVENT]       # Ctrl-Break to its group first
    assert commands == [["taskkill", "/PID", "4242", "/T", "/F"]]   # then the whole tree
    assert voila.returncode is not None and plan.url in out.getvalue()


def test_on_posix_serve_starts_a_session_and_stops_its_group(plan, fake_voila, monkeypatch):
    import io

    import workbench.serve as serve

    started, commands = fake_voila.started, fake_voila.commands
    monkeypatch.setattr(sys, "platform", "linux")
    sent = []

    def killpg(pid, sig):
        sent.append((pid, sig))
        started[-1].returncode = -sig
    monkeypatch.setattr(os, "killpg", killpg)
    assert serve.run(plan, out=io.StringIO()) == 0
    (voila,) = started
    assert voila.kwargs == {"env": dict(plan.env), "cwd": plan.config_dir,
                            "start_new_session": True}
    assert sent == [(4242, signal.SIGTERM), (4242, signal.SIGKILL)] and commands == []


def test_the_process_group_options_follow_the_platform(monkeypatch):
    from workbench.serve import CREATE_NEW_PROCESS_GROUP, process_group_options

    monkeypatch.setattr(sys, "platform", "win32")
    assert process_group_options() == {"creationflags": CREATE_NEW_PROCESS_GROUP}
    monkeypatch.setattr(sys, "platform", "darwin")
    assert process_group_options() == {"start_new_session": True}


# -- kernels forked from a warm process -----------------------------------------------------

@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kernels fork on Linux only")
def test_a_kernel_is_forked_warm_runs_code_and_is_gone_when_stopped(tmp_path):
    from jupyter_client.multikernelmanager import AsyncMultiKernelManager

    from workbench.serve import FORK_KERNELS
    from workbench.serve.forking import ForkedKernel

    assert FORK_KERNELS
    code = ("import os, sys; from pathlib import Path; print(os.getppid(), os.getpid(), "
            "os.getpgid(0), 'workbench.apps.review' in sys.modules, os.environ['WB_MARK'], "
            "Path.cwd())")

    async def run():
        mkm = AsyncMultiKernelManager(
            kernel_manager_class="workbench.serve.forking.ForkingKernelManager",
            connection_dir=str(tmp_path))
        kid = await mkm.start_kernel(kernel_name="python3", cwd=str(tmp_path),
                                     env={**os.environ, "WB_MARK": "its-own"})
        km = mkm.get_kernel(kid)
        assert isinstance(km.provisioner.process, ForkedKernel)
        client = km.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            lines = []
            reply = await client.execute_interactive(
                code, timeout=60, output_hook=lambda m: lines.append(
                    m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
            assert reply["content"]["status"] == "ok"
        finally:
            client.stop_channels()
        pid = km.provisioner.pid
        await mkm.shutdown_kernel(kid)
        return "".join(lines).split(), pid

    import asyncio

    out, pid = asyncio.run(run())
    parent, own, group, warm, mark, cwd = out
    assert int(own) == pid and group == own            # a process group of its own
    assert b"workbench.serve.forking" in Path(f"/proc/{parent}/cmdline").read_bytes()
    assert warm == "True"                              # imported before the fork
    assert mark == "its-own" and Path(cwd) == tmp_path
    assert not Path(f"/proc/{pid}").exists()           # stopped (and reaped)
