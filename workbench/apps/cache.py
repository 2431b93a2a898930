"""Analyses kept on disk, shared by every kernel of one server.

Each dashboard page is a kernel of its own; without sharing, every kernel reads and
analyses the case it opens (and runs the rules on it), which on a 2-core laptop is
most of a page's wait when a room opens its pages together. :class:`AnalysisCache`
keeps each analysed case (with the flags computed on it) as a pickle in a folder that
``workbench serve`` makes for its kernels (``WORKBENCH_CACHE``), under a key that is a
hash of

- the case's files (every file of its folder: names and bytes), and
- the workbench's own code (names, sizes and modification times of its modules) and
  the versions of Python and pandas,

so a changed chronology, a re-import or a new release of the code is never served
from the cache: it is analysed again under a new key. The folder is private to its
owner (0700), made by the server for its own kernels and read by nothing else (a
pickle is only ever loaded from there). Writes are atomic (a temporary file renamed),
so kernels opening the same case together never read half a file; two of them may
both analyse it, once.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> (folder / "case").mkdir(); _ = (folder / "case" / "events.csv").write_text("a,b")
>>> cache = AnalysisCache(folder / "cache")
>>> key = cache.key(folder / "case")
>>> cache.get(key) is None
True
>>> cache.put(key, {"analysis": 1})
>>> cache.get(key)
{'analysis': 1}
>>> _ = (folder / "case" / "events.csv").write_text("a,b,c")
>>> cache.key(folder / "case") == key
False
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import platform
import tempfile
from functools import cache
from pathlib import Path

__all__ = ["AnalysisCache", "code_version"]

_log = logging.getLogger(__name__)
#: files bigger than this are hashed by size and modification time only
_WHOLE_BYTES = 64 * 1024 * 1024


@cache
def code_version() -> str:
    """A hash of the workbench's modules and data files (names, sizes, modification
    times) and of the Python and pandas versions: what an analysis was made with."""
    import pandas as pd

    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(f"{platform.python_version()} {pd.__version__}".encode())
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".yaml", ".yml", ".json", ".csv") and path.is_file():
            st = path.stat()
            h.update(f"{path.relative_to(root).as_posix()} {st.st_size} {st.st_mtime_ns}\n"
                     .encode())
    return h.hexdigest()[:16]


class AnalysisCache:
    """Pickles under ``folder``, keyed by :meth:`key` (see the module)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def key(self, case_folder: str | Path | None, *, salt: str = "") -> str:
        """The key of what is made from ``case_folder`` (its files' names and bytes, the
        code's version, and ``salt``: e.g. the kind of folder, or how a cohort was
        generated; None: no folder, only the code and ``salt``)."""
        h = hashlib.sha256(f"{code_version()} {salt}\n".encode())
        if case_folder is None:
            return h.hexdigest()
        base = Path(case_folder)
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            name = path.relative_to(base).as_posix()
            size = path.stat().st_size
            h.update(f"{name} {size}\n".encode())
            if size <= _WHOLE_BYTES:
                h.update(path.read_bytes())
            else:
                h.update(str(path.stat().st_mtime_ns).encode())
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.pickle"

    def get(self, key: str) -> object | None:
        """What was kept under ``key``, or None (nothing, or a file that cannot be read)."""
        path = self._path(key)
        if not path.is_file():
            return None
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)  # noqa: S301 (written by this server's kernels only)
        except Exception:  # a file from another version, or cut short: analyse again
            _log.warning("analysis cache: %s could not be read; analysing again", path.name)
            return None

    def put(self, key: str, value: object) -> None:
        """Keep ``value`` under ``key`` (atomically; a failure only logs: the cache is a
        help, never a reason for a page to fail)."""
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".pickle")
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self._path(key))
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
        except Exception:
            _log.warning("analysis cache: could not keep %s", key[:12], exc_info=True)
