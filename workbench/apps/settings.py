"""Where the dashboards find their cases, their review store and their cohort.

``workbench serve`` passes these to every Voilà kernel as environment variables
(``WORKBENCH_CASES``, ``WORKBENCH_STORE``, ``WORKBENCH_COHORT``); a dashboard reads
them once with :func:`settings_from_environment` and hands the :class:`Settings` to
its app. Nothing here opens a file.

Examples
--------
>>> s = settings_from_environment({"WORKBENCH_STORE": "/tmp/r.sqlite",
...                                "WORKBENCH_CASES": "/srv/cases"})
>>> s.store.as_posix(), s.cases.as_posix(), s.cohort is None
('/tmp/r.sqlite', '/srv/cases', True)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ENVIRONMENT", "Settings", "default_store_path", "settings_from_environment"]

#: the folder name of the workbench's own data (the review store) under the user's data folder
APP_NAME = "workbench"
#: the environment variables ``workbench serve`` sets, by setting
ENVIRONMENT = {"cases": "WORKBENCH_CASES", "store": "WORKBENCH_STORE",
               "cohort": "WORKBENCH_COHORT", "cache": "WORKBENCH_CACHE"}


@dataclass(frozen=True)
class Settings:
    """What a dashboard needs from outside.

    Attributes
    ----------
    store : the review store (SQLite file) shared by every kernel.
    cases : a folder of case folders or case-study folders, listed beside the bundled
        case studies (None: the bundled ones only).
    cohort : a cohort folder (``events/*.parquet`` or case folders) for the cohort
        dashboard (None: a small one is made).
    cache : a folder where the server's kernels share analysed cases
        (:class:`~workbench.apps.cache.AnalysisCache`; None: each kernel analyses its own).
    """

    store: Path
    cases: Path | None = None
    cohort: Path | None = None
    cache: Path | None = None

    @property
    def upload_folder(self) -> Path:
        """Where a case uploaded in the review dashboard is written: the cases folder,
        or ``cases`` beside the review store when none is served."""
        return self.cases if self.cases is not None else self.store.parent / "cases"


def default_store_path(environ: Mapping[str, str] | None = None, *,
                       system: str = sys.platform) -> Path:
    """Where the review store is kept unless ``--store`` says otherwise: ``review.sqlite``
    in this user's data folder for the workbench.

    On Windows and macOS the folder is the one the system gives applications
    (:func:`platformdirs.user_data_path`: ``%LOCALAPPDATA%\\workbench``,
    ``~/Library/Application Support/workbench``); elsewhere ``$XDG_DATA_HOME/workbench``
    (``~/.local/share/workbench`` by default), read from ``environ``.

    >>> default_store_path({"HOME": "/home/ann"}, system="linux").as_posix()
    '/home/ann/.local/share/workbench/review.sqlite'
    """
    if system in ("win32", "darwin"):
        import platformdirs

        return platformdirs.user_data_path(APP_NAME, appauthor=False) / "review.sqlite"
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_DATA_HOME") or str(Path(environ.get("HOME") or Path.home())
                                               / ".local" / "share")
    return Path(base) / APP_NAME / "review.sqlite"


def settings_from_environment(environ: Mapping[str, str] | None = None) -> Settings:
    """The :class:`Settings` given by ``WORKBENCH_*`` variables (empty ones are unset)."""
    environ = os.environ if environ is None else environ

    def path(name: str) -> Path | None:
        value = environ.get(ENVIRONMENT[name], "").strip()
        return Path(value).expanduser() if value else None

    return Settings(store=path("store") or default_store_path(environ), cases=path("cases"),
                    cohort=path("cohort"), cache=path("cache"))
