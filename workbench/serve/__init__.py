"""Serving the dashboards with Voilà, with safe defaults (see ``SECURITY.md``).

:func:`serve_plan` builds the Voilà command line, its configuration and its
environment; :func:`run` starts it, waits until it answers, prints the URL to open
(with its token) and stops it on Ctrl-C. The defaults:

- bound to the loopback address only; ``lan=ADDRESS`` binds that one address of a
  room's network, and only with a token;
- a new random token in the URL (a page without it is refused), handed to Voilà in
  its configuration file (mode 0600), never on a command line (which ``ps`` shows),
  and written as ``token=[secret]`` in every access-log line;
- the ``Host`` header checked against the served address (``localhost`` too on the
  loopback address), also without a token, so a web page elsewhere cannot reach the
  dashboards through DNS rebinding;
- ``/logout`` answers (a page saying so), never an error;
- only ``dashboards/`` is served, no file beside them (an empty file allowlist), and
  only as Voilà dashboards, never as a Jupyter server (which runs any code sent to it);
- sources stripped from the pages and tracebacks hidden;
- a preheated kernel per dashboard (three for the review: a panel opens its pages
  together), and analysed cases shared by the kernels on disk (``WORKBENCH_CACHE``); a
  closed page's kernel stopped at once (the page carries the ``_xsrf`` cookie Voilà's
  shutdown request needs), idle kernels of pages that closed without it culled
  (``cull_idle_timeout``, checked every ``cull_interval``);
- Voilà reads only the configuration written here (no ``voila.py`` picked up from the
  working folder).

The guard around Voilà (host check, ``/logout``, redacted logs) is
:mod:`workbench.serve.guard`, run as ``python -m workbench.serve``; starting and stopping
Voilà's process group is :mod:`workbench.serve.processes`.

Examples
--------
>>> import tempfile
>>> plan = serve_plan(port=8877, token="abc", config_dir=tempfile.mkdtemp())
>>> plan.url
'http://127.0.0.1:8877/?token=abc'
>>> "--Voila.ip=127.0.0.1" in plan.command and "--show_tracebacks=False" in plan.command
True
>>> any("abc" in part for part in plan.command)      # the token is in a 0600 file
False
>>> serve_plan(lan="0.0.0.0", token="abc", config_dir=tempfile.mkdtemp())
Traceback (most recent call last):
...
workbench.serve.ServeError: --lan needs this machine's address on the room's network (e.g. 192.168.1.20), not 0.0.0.0, which would serve every network the machine is on
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from workbench.apps.settings import ENVIRONMENT, default_store_path
from workbench.errors import WorkbenchError
from workbench.serve.guard import redact
from workbench.serve.processes import (
    CREATE_NEW_PROCESS_GROUP,
    CTRL_BREAK_EVENT,
    process_group_options,
    stop_process_group,
)

__all__ = ["CREATE_NEW_PROCESS_GROUP", "CTRL_BREAK_EVENT", "CULL_IDLE_TIMEOUT_S",
           "CULL_INTERVAL_S", "DEFAULT_PORT", "LOOPBACK", "ServeError", "ServePlan",
           "dashboards_folder", "free_port", "private_environ", "process_group_options",
           "redact", "run", "serve_plan", "stop_process_group", "voila_command", "voila_config"]

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8866
#: seconds between two looks for idle kernels
CULL_INTERVAL_S = 60
#: a closed page's kernel is stopped after this many idle seconds (open pages never are)
CULL_IDLE_TIMEOUT_S = 600
#: seconds after a preheated kernel is taken before the next one starts warming (so
#: that warming it does not slow the page being opened). Not longer: a page that
#: arrives meanwhile waits for the delayed kernel (a 6th review page waited 12 s with
#: 10 s), where a kernel of its own would have been ready sooner
FILL_DELAY_S = 1.0
#: preheated kernels kept for a dashboard beyond one: a review panel opens its pages
#: together (each a few seconds of one core to start cold); a workshop's participants
#: join over a minute or two, and the others are opened by one person. Larger pools were
#: measured and not kept: five review pages from a pool of five drew no sooner in a
#: browser than from three (the five browsers and five refills then start at once), and
#: a workshop pool of 5 or 10 did not finish 20 pages sooner and held 300-550 MB more
POOLS = {"review.ipynb": 3}
#: seconds Voilà waits, after a cell has run, for the last of its output: past this it
#: drops the output (nbclient's default is 4 s). Twenty pages opening together keep
#: the server that busy, and a dropped output is a page without its dashboard (19 of
#: 20 workshop pages were never drawn, the log saying "Timeout waiting for IOPub output")
IOPUB_TIMEOUT_S = 120
#: kernels forked from a warm process (:mod:`workbench.serve.forking`): on Linux only
#: (``fork()`` is unsafe on macOS and absent on Windows)
FORK_KERNELS = sys.platform.startswith("linux")
#: the dashboards, in the order the URL list shows them
DASHBOARDS = ("review.ipynb", "workshop.ipynb", "network.ipynb", "cohort.ipynb")
#: front-end extensions the dashboards never use: plotly's mime renderer alone is a 4.8 MB
#: script every page would load (the figures come with their FigureWidget)
UNUSED_EXTENSIONS = ("jupyterlab-plotly",)
#: response headers: no referrer (the token is in the URL), no framing, no sniffing
HEADERS = {"Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
           "X-Content-Type-Options": "nosniff"}


class ServeError(WorkbenchError, ValueError):
    """Serving was asked for in a way that is not safe (or not possible)."""


@dataclass(frozen=True)
class ServePlan:
    """How to run Voilà: the command, its environment, and the URL it will answer at."""

    command: tuple[str, ...]
    env: Mapping[str, str] = field(repr=False)
    url: str
    address: str
    port: int
    token: str = field(repr=False)
    config_dir: Path
    dashboards: Path

    def dashboard_urls(self) -> dict[str, str]:
        """The URL of each dashboard page (with the token)."""
        base = self.url.split("?")[0]
        query = f"?token={self.token}" if self.token else ""
        return {name.removesuffix(".ipynb"): f"{base}voila/render/{name}{query}"
                for name in DASHBOARDS if (self.dashboards / name).is_file()}


def dashboards_folder() -> Path:
    """The bundled ``dashboards/`` folder (in the installed package, or the checkout)."""
    from workbench.resources import bundled_folder

    folder = bundled_folder("dashboards")
    if folder is None or not (folder / "review.ipynb").is_file():
        raise ServeError(f"the dashboards are missing from the installed package "
                         f"({folder or 'workbench/_bundled/dashboards'}): reinstall "
                         "case-review-workbench")
    return folder


def _address(lan: str | None) -> str:
    if lan is None:
        return LOOPBACK
    try:
        ip = ipaddress.ip_address(lan.strip().strip("[]"))
    except ValueError:
        raise ServeError(f"--lan expects an IP address of this machine (e.g. 192.168.1.20), "
                         f"not {lan!r}") from None
    mapped = getattr(ip, "ipv4_mapped", None)
    if ip.is_unspecified or (mapped is not None and mapped.is_unspecified):
        raise ServeError("--lan needs this machine's address on the room's network "
                         f"(e.g. 192.168.1.20), not {ip}, which would serve every network "
                         "the machine is on")
    if mapped is not None:
        raise ServeError(f"--lan {ip} is an IPv4 address written as IPv6: give it as "
                         f"{mapped}")
    if ip.is_multicast or ip.is_reserved:
        raise ServeError(f"--lan {ip} is not an address of this machine (e.g. 192.168.1.20)")
    return str(ip)


def allowed_hosts(address: str) -> tuple[str, ...]:
    """The ``Host`` names a request may carry: the served address (and ``localhost``
    on the loopback address); any other name (a DNS-rebinding page) is refused."""
    ip = ipaddress.ip_address(address)
    hosts = [str(ip)]
    if ip.is_loopback:
        hosts.append("localhost")
    return tuple(hosts)


def voila_config(*, token: str = "", pool_size: int = 1,
                 fill_delay: float = FILL_DELAY_S,
                 pools: Mapping[str, int] | None = None) -> dict[str, object]:
    """The settings Voilà reads from ``voila.json``: those a command line cannot carry,
    and the token (a command line is visible to every user of the machine).

    ``pool_size`` kernels are kept preheated for each dashboard, ``pools`` (notebook
    name -> size) for those named (no pool at all when ``pool_size`` is 0).

    >>> voila_config(pools={"review.ipynb": 3})["VoilaKernelManager"]["kernel_pools_config"]
    {'default': {'pool_size': 1}, 'review.ipynb': {'pool_size': 3}}
    """
    pools_config = {"default": {"pool_size": pool_size}}
    if pool_size > 0:
        pools_config.update({name: {"pool_size": int(n)} for name, n in (pools or {}).items()})
    return {
        # the root URL lists the dashboards in the workbench template's own tree.html
        # (Voilà's JupyterLab file browser there showed a blank grey page)
        "VoilaConfiguration": {"file_allowlist": [], "file_denylist": [".*"],
                               "extension_denylist": list(UNUSED_EXTENSIONS),
                               "classic_tree": True},
        "VoilaKernelManager": {"kernel_pools_config": pools_config,
                               "fill_delay": fill_delay},
        "Voila": {"token": token, "tornado_settings": {"headers": HEADERS}},
    }


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only (0600), from the start."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def voila_command(*, dashboards: Path, address: str, port: int,
                  config_dir: Path, cull_interval: int = CULL_INTERVAL_S,
                  cull_idle_timeout: int = CULL_IDLE_TIMEOUT_S, preheat: bool = True,
                  fork: bool = FORK_KERNELS, python: str = sys.executable) -> list[str]:
    """The command line serving ``dashboards``: Voilà, run through this module's guard
    (the ``Host`` check, ``/logout``, access logs without the token); the token is in
    ``config_dir/voila.json``, never here. With ``fork`` the kernels are forked from
    a warm process (:mod:`workbench.serve.forking`)."""
    manager = (["--AsyncMappingKernelManager.kernel_manager_class="
                "workbench.serve.forking.ForkingKernelManager"] if fork else [])
    return [
        python, "-m", "workbench.serve", f"--hosts={','.join(allowed_hosts(address))}",
        str(dashboards), "--no-browser",
        f"--Voila.ip={address}", f"--port={port}", "--Voila.port_retries=0",
        f"--Voila.config_file_paths={config_dir}",
        f"--MappingKernelManager.cull_interval={int(cull_interval)}",
        f"--MappingKernelManager.cull_idle_timeout={int(cull_idle_timeout)}",
        f"--preheat_kernel={preheat}",
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT_S}",
        "--strip_sources=True", "--show_tracebacks=False",
        "--VoilaConfiguration.show_margins=False",
        *manager,
    ]


def free_port() -> int:
    """A loopback port free at this moment (for tests, benches and screenshots)."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def private_environ(root: Path, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of the environment with no ``WORKBENCH_`` settings and with Jupyter's and
    IPython's state in folders under ``root`` (made here), so that a server started
    for a test, a bench or the screenshots touches nothing of the user's."""
    env = {k: v for k, v in (os.environ if environ is None else environ).items()
           if not k.startswith("WORKBENCH_")}
    for name, sub in (("HOME", "home"), ("JUPYTER_CONFIG_DIR", "jupyter/config"),
                      ("JUPYTER_DATA_DIR", "jupyter/data"),
                      ("JUPYTER_RUNTIME_DIR", "jupyter/runtime"), ("IPYTHONDIR", "ipython"),
                      ("TMPDIR", "tmp")):
        (Path(root) / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(Path(root) / sub)
    env.update(JUPYTER_PLATFORM_DIRS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    return env


def serve_plan(*, lan: str | None = None, port: int = DEFAULT_PORT, token: str | None = None,
               store: str | Path | None = None, create_store: bool = True,
               cases: str | Path | None = None,
               cohort: str | Path | None = None, config_dir: str | Path,
               cull_idle_timeout: int = CULL_IDLE_TIMEOUT_S, preheat: bool = True,
               dashboards: Path | None = None,
               environ: Mapping[str, str] | None = None) -> ServePlan:
    """Everything needed to serve the dashboards; writes ``voila.json`` in ``config_dir``.

    ``token=None`` makes a new random one; ``token=""`` serves without one, which is
    refused unless bound to the loopback address. With ``create_store=False`` a
    ``store`` named but not there is refused (``workbench serve --store`` passes False
    unless ``--create-store``); the default store is made when missing.
    """
    address = _address(lan)
    if token is None:
        token = secrets.token_urlsafe(24)
    if not token and not ipaddress.ip_address(address).is_loopback:
        raise ServeError("serving a room's network (--lan) needs a token; drop --no-token")
    if not 0 < port < 65536:
        raise ServeError(f"--port must lie in 1..65535, not {port}")
    for name, folder in (("--cases", cases), ("--cohort", cohort)):
        if folder is not None and not Path(folder).is_dir():
            raise ServeError(f"{name} {folder}: no such folder")
    if store is not None and not create_store and not Path(store).expanduser().exists():
        raise ServeError(f"--store {store}: no review store there; check the path, or pass "
                         "--create-store to start a new one")
    dashboards = dashboards or dashboards_folder()
    config_dir = Path(config_dir)
    config_dir.mkdir(parents=True, exist_ok=True)
    config = voila_config(token=token, pool_size=1 if preheat else 0, pools=POOLS)
    _write_private(config_dir / "voila.json", json.dumps(config, indent=1))
    env = dict(os.environ if environ is None else environ)
    env[ENVIRONMENT["store"]] = str(Path(store).expanduser().resolve() if store
                                    else default_store_path(env))
    for name, folder in (("cases", cases), ("cohort", cohort)):
        if folder is not None:
            env[ENVIRONMENT[name]] = str(Path(folder).expanduser().resolve())
        else:
            env.pop(ENVIRONMENT[name], None)
    # the kernels share analysed cases there (workbench.apps.cache), this server only
    env[ENVIRONMENT["cache"]] = str((config_dir / "cache").resolve())
    # glibc's malloc gives each thread of a kernel (shell, iopub, heartbeat, control)
    # an arena of its own; two are plenty for a dashboard and keep each page's kernel
    # some tens of MB smaller
    env.setdefault("MALLOC_ARENA_MAX", "2")
    host = f"[{address}]" if ":" in address else address
    url = f"http://{host}:{port}/" + (f"?token={token}" if token else "")
    command = voila_command(dashboards=dashboards, address=address, port=port,
                            config_dir=config_dir, cull_idle_timeout=cull_idle_timeout,
                            preheat=preheat)
    from workbench.apps.page import voila_page_settings  # ipywidgets only when serving

    page_args, env = voila_page_settings(env)  # the page template that fetches nothing from elsewhere
    command += page_args
    return ServePlan(command=tuple(command), env=env, url=url, address=address, port=port,
                     token=token, config_dir=config_dir, dashboards=dashboards)


def wait_until_ready(url: str, *, process: subprocess.Popen | None = None,
                     timeout_s: float = 90.0) -> bool:
    """Poll ``/voila/static/voila.js`` under ``url`` until it answers (True) or the
    process ends or time runs out (False)."""
    probe = url.split("?")[0] + "voila/static/voila.js"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:  # noqa: S310 (http)
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    return False


def run(plan: ServePlan, *, out=None) -> int:
    """Run Voilà until Ctrl-C (or it stops); print the URL to open once it answers.

    The review store is opened (made when missing, migrated, or refused with a
    :class:`~workbench.errors.StoreError`) before Voilà starts, so that every kernel
    finds it ready.
    """
    from workbench.store import NotesStore

    out = out or sys.stdout
    NotesStore(plan.env[ENVIRONMENT["store"]], create=True).close()
    print(f"Starting the dashboards on {plan.address}:{plan.port} (review store: "
          f"{plan.env[ENVIRONMENT['store']]}) …", file=out, flush=True)
    process = subprocess.Popen(plan.command, env=dict(plan.env), cwd=plan.config_dir,
                               **process_group_options())
    previous = signal.signal(signal.SIGTERM, _stop)  # `kill` stops Voilà and its kernels too
    try:
        if not wait_until_ready(plan.url, process=process):
            print("workbench: Voilà did not start (see its messages above)", file=sys.stderr)
            return 1
        print(f"\nOpen the dashboards:\n\n    {plan.url}\n", file=out)
        for name, url in plan.dashboard_urls().items():
            print(f"  {name:9} {url}", file=out)
        print("\nPress Ctrl-C to stop.", file=out, flush=True)
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop_process_group(process)


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt
