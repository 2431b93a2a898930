"""Kernels forked from a warm process: a page's kernel in tens of milliseconds, its
imports shared with every other kernel (copy-on-write).

A dashboard's kernel started as a new Python process spends about a second of one core
starting ipykernel and another importing pandas, plotly, ipywidgets and the workbench,
and keeps its own copy of all of them (~170 MB). Twenty pages opened together on a
two-core laptop queue behind twenty such starts. Here Voilà's server starts one
*zygote* (``python -m workbench.serve.forking``) that imports all of that once and
then waits; each kernel is a ``fork()`` of it that runs ipykernel's
``launch_new_instance`` with the kernel's own command-line arguments, environment and
folder. The memory the imports fill is shared by the zygote and every kernel until a
kernel writes to it (``gc.freeze()`` keeps the collector from writing to all of it).

:class:`ForkingKernelManager` is the kernel manager that does it (``workbench serve``
names it in Voilà's configuration on Linux; ``fork()`` is not safe on macOS and absent
on Windows). Its provisioner falls back to starting the kernel as a process of its
own when the command is not the Python kernel of this interpreter, or when the
zygote cannot be started.

The server and the zygote talk over a socket pair, never a file a local user could
reach: a request is one JSON line (``argv``, ``env``, ``cwd``), the answer one JSON
line with the new kernel's process id, sent once the kernel leads a process group of
its own (so that interrupting or stopping it never reaches the zygote). The zygote
reaps its ended kernels at once, and exits when the server closes its end.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from typing import Any

from jupyter_client.provisioning import LocalProvisioner
from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

__all__ = ["WARM_MODULES", "ForkProvisioner", "ForkedKernel", "ForkingKernelManager",
           "Zygote", "main"]

#: what the zygote imports before any kernel is forked: ipykernel and what every
#: dashboard imports (the apps import the analysis and the figures lazily; these are
#: the modules their first page needs). The review's upload panel, made with every review
#: page, imports the chronology importer (about 130 patterns compiled): 0.4-0.6 s of a
#: core in each review kernel after its fork, and a copy of it each, when imported there
WARM_MODULES = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.comm", "IPython.core.completer",
    "numpy", "pandas", "plotly.graph_objects", "ipywidgets",
    "anywidget", "sqlite3",
    "workbench.apps.review", "workbench.apps.workshop", "workbench.apps.network",
    "workbench.apps.cohort", "workbench.apps.upload", "workbench.store", "workbench.timeline",
    "workbench.analysis.analyse",
)


def _warm() -> None:
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 (a kernel imports what is missing itself)
            print(f"workbench zygote: could not import {name}: {exc}", file=sys.stderr)
    with contextlib.suppress(Exception):   # plotly's widget base, as the apps import it
        from workbench.apps._figure import _widget_class

        _widget_class()


def _become_kernel(request: dict, ready_fd: int) -> None:
    """In the forked child: lead a session of its own, take the kernel's environment,
    folder and arguments, then run ipykernel (never returns)."""
    code = 1
    try:
        os.setsid()
        os.close(ready_fd)                       # the zygote answers the server now
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.environ.clear()
        os.environ.update(request["env"])
        # as jupyter_client's launcher says of its kernels: this kernel ends when its
        # parent (the zygote, which ends with the server) does. ipykernel read the
        # variable when the zygote imported it, so it is given as an argument too
        parent = str(os.getppid())
        os.environ["JPY_PARENT_PID"] = parent
        if request.get("cwd"):
            os.chdir(request["cwd"])
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        sys.argv = ["ipykernel_launcher", *request["argv"], f"--IPKernelApp.parent_handle={parent}"]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # noqa: BLE001 (said on stderr, then the kernel ends)
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            import atexit

            atexit._run_exitfuncs()
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def main(argv: list[str] | None = None) -> None:
    """The zygote: ``python -m workbench.serve.forking FD`` (FD: its end of the socket
    pair). Imports :data:`WARM_MODULES`, says ``{"ready": true}``, then forks a kernel
    for each request until the server closes the socket."""
    fd = int((argv if argv is not None else sys.argv[1:])[0])
    if sys.path and sys.path[0] in ("", os.getcwd()):   # as ipykernel_launcher does
        del sys.path[0]
    conn = socket.socket(fileno=fd)
    # a BLAS thread pool in every kernel would be twenty pools on two cores
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    _warm()
    gc.collect()
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)     # ended kernels are reaped at once
    reader = conn.makefile("rb")
    conn.sendall(b'{"ready": true}\n')
    for line in reader:
        try:
            request = json.loads(line)
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read_end)
                reader.close()
                conn.close()
                _become_kernel(request, write_end)
            os.close(write_end)
            os.read(read_end, 1)                      # EOF once the child has its session
            os.close(read_end)
            answer: dict[str, Any] = {"pid": pid}
        except Exception as exc:  # noqa: BLE001 (the server starts that kernel itself)
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        conn.sendall(json.dumps(answer).encode() + b"\n")


class Zygote:
    """The server's end: starts the zygote process once and asks it for kernels."""

    _instance: Zygote | None = None
    _instance_lock = threading.Lock()

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._conn: socket.socket | None = None
        self._reader: Any = None
        self.failed: str | None = None

    @classmethod
    def shared(cls) -> Zygote:
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _start(self) -> None:
        ours, theirs = socket.socketpair()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "workbench.serve.forking", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL)
        finally:
            theirs.close()
        self._conn, self._reader = ours, ours.makefile("rb")
        if json.loads(self._reader.readline() or b"{}").get("ready") is not True:
            raise OSError("the kernel zygote did not start")

    def fork(self, argv: list[str], env: dict[str, str], cwd: str | None) -> int:
        """A new kernel's process id (blocking: call it from a thread)."""
        with self._lock:
            if self.failed:
                raise OSError(self.failed)
            try:
                if self._process is None or self._process.poll() is not None:
                    self._start()
                assert self._conn is not None and self._reader is not None
                self._conn.sendall(json.dumps({"argv": argv, "env": env, "cwd": cwd})
                                   .encode() + b"\n")
                answer = json.loads(self._reader.readline() or b"{}")
            except (OSError, ValueError) as exc:
                self.failed = f"the kernel zygote failed: {exc}"
                raise OSError(self.failed) from exc
        if "pid" not in answer:
            raise OSError(answer.get("error", "the kernel zygote gave no process id"))
        return int(answer["pid"])


class ForkedKernel:
    """A forked kernel as the provisioner sees a ``Popen``: its id, ``poll``, ``wait``
    and signals. The zygote (its parent) reaps it, so an ended kernel is simply gone."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:     # the id was taken by another user's process
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("forked kernel", timeout or 0)
            time.sleep(0.05)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _forkable(cmd: list[str]) -> list[str] | None:
    """The kernel's own arguments when ``cmd`` runs this interpreter's ipykernel."""
    if len(cmd) >= 3 and cmd[1:3] == ["-m", "ipykernel_launcher"] and \
            os.path.realpath(cmd[0]) == os.path.realpath(sys.executable):
        return list(cmd[3:])
    return None


class ForkProvisioner(LocalProvisioner):
    """:class:`LocalProvisioner` whose Python kernels are forked from the zygote."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        args = _forkable(cmd)
        zygote = Zygote.shared()
        if args is None or zygote.failed:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        cwd = kwargs.get("cwd")
        try:
            pid = await asyncio.to_thread(zygote.fork, args, env,
                                          str(cwd) if cwd else None)
        except OSError as exc:
            self.log.warning("Starting the kernel as a process of its own (%s)", exc)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)  # type: ignore[assignment]
        self.pid = self.pgid = pid
        self.cwd = cwd
        self.log.info("Kernel %s forked as process %s", self.kernel_id, pid)
        return self.connection_info


class ForkingKernelManager(ServerKernelManager):
    """Jupyter Server's kernel manager with :class:`ForkProvisioner`."""

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or _new_id()
            self.provisioner = ForkProvisioner(kernel_id=self.kernel_id,
                                               kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


def _new_id() -> str:
    import uuid

    return str(uuid.uuid4())


if __name__ == "__main__":
    main()
