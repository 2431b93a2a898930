"""Voilà's process group: started in a group of its own, and stopped with everything it
started (its kernels too), on POSIX and on Windows."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from typing import TypedDict

__all__ = ["CREATE_NEW_PROCESS_GROUP", "CTRL_BREAK_EVENT", "process_group_options",
           "stop_process_group"]

#: Windows' process-creation flag and console event (named here, as the subprocess and
#: signal modules define them only on Windows)
CREATE_NEW_PROCESS_GROUP = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x00000200)
CTRL_BREAK_EVENT = getattr(signal, "CTRL_BREAK_EVENT", 1)


def _on_windows() -> bool:
    return sys.platform == "win32"


class _GroupOptions(TypedDict, total=False):
    creationflags: int
    start_new_session: bool


def process_group_options() -> _GroupOptions:
    """:class:`subprocess.Popen` options that start a process in a group of its own, so
    that :func:`stop_process_group` can stop it with everything it starts: a new session
    on POSIX; on Windows (which has no sessions or ``os.killpg``) a new process group,
    which also keeps the console's Ctrl-C for ``workbench serve`` itself."""
    if _on_windows():
        return {"creationflags": CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def stop_process_group(process: subprocess.Popen, *, timeout_s: float = 15.0) -> None:
    """Stop a process started with :func:`process_group_options` and everything it
    started (Voilà and its kernels).

    POSIX: SIGTERM to its group, then SIGKILL if it lingers. Windows: Ctrl-Break to its
    process group (Voilà stops as on Ctrl-C), then ``taskkill /T /F`` on its process tree
    for whatever lingers (kernels included)."""
    if _on_windows():
        _stop_windows_tree(process, timeout_s=timeout_s)
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=timeout_s)
    with contextlib.suppress(ProcessLookupError):  # kernels left behind by Voilà
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _stop_windows_tree(process: subprocess.Popen, *, timeout_s: float) -> None:
    if process.poll() is None:
        with contextlib.suppress(OSError, ValueError):  # gone meanwhile
            process.send_signal(CTRL_BREAK_EVENT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout_s)
    # the tree by the parent's id, for a Voilà deaf to Ctrl-Break and its kernels (a kernel
    # whose Voilà is gone exits by itself: ipykernel watches its parent on Windows)
    subprocess.run(["taskkill", "/PID", str(process.pid), "/T", "/F"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    process.wait()
