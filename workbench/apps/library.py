"""The cases a dashboard offers: the bundled case studies and a configured folder.

A *case study* is a folder of agency chronologies with a ``meta.yaml`` (imported
whole by :func:`workbench.io.importer.import_chronologies`); a *case folder* holds
``case.yaml`` and ``events.csv`` (read by :func:`workbench.io.casefile.load_case`).
:class:`CaseLibrary` lists both kinds without reading any events, and loads and
analyses a case when one is chosen (remembering it for the life of the library, so
that a kernel reads each case once). With a cache on disk
(:class:`~workbench.apps.cache.AnalysisCache`, which ``workbench serve`` gives its
kernels), a case is read once per server: the first kernel keeps it there, and the
others take it from there without importing the chronology reader (nor openpyxl) and
without the analysis and its rules when they only show the case (a workshop page).

Examples
--------
>>> library = CaseLibrary()                       # the bundled case studies
>>> "county-lines" in library.keys()              # doctest: +SKIP
True
>>> library.load("county-lines").id               # doctest: +SKIP
'county-lines'
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.apps.cache import AnalysisCache
from workbench.case import Case
from workbench.errors import CaseValidationError, Problem
from workbench.io.casefile import load_case, read_yaml

if TYPE_CHECKING:
    from workbench.analysis.analyse import Analysis

__all__ = ["CaseEntry", "CaseLibrary", "bundled_case_studies"]

_log = logging.getLogger(__name__)


def bundled_case_studies() -> Path | None:
    """The bundled ``casestudies/`` folder (in the installed package, or the checkout)."""
    from workbench.resources import bundled_folder

    return bundled_folder("casestudies")


@dataclass(frozen=True)
class CaseEntry:
    """One case on offer: its key, title, folder and kind (``case study`` or ``case``).

    ``problems`` is not empty when its ``case.yaml`` / ``meta.yaml`` could not be read
    (invalid or hostile YAML): the case is listed as broken and never loaded.
    """

    key: str
    title: str
    path: Path
    kind: str
    bundled: bool = False
    problems: tuple[Problem, ...] = ()

    @property
    def label(self) -> str:
        if self.problems:
            return f"{self.key} (cannot be read: {self.problems[0].reason})"
        return f"{self.title} ({self.key})" if self.title else self.key

    def load(self) -> Case:
        """Read (and validate) the case; raises :class:`~workbench.errors.CaseValidationError`."""
        if self.problems:
            raise CaseValidationError(self.problems)
        if self.kind == "case":
            return load_case(self.path)
        from workbench.io.importer import import_chronologies

        return import_chronologies([self.path])


def _entry(folder: Path, *, bundled: bool) -> CaseEntry | None:
    for name, kind in (("case.yaml", "case"), ("meta.yaml", "case study")):
        path = folder / name
        if path.is_file():
            problems: list[Problem] = []
            meta = read_yaml(path, problems, name=f"{folder.name}/{name}")
            key = str(meta.get("id") or folder.name)
            return CaseEntry(key=key, title=str(meta.get("title") or ""), path=folder,
                             kind=kind, bundled=bundled, problems=tuple(problems))
    return None


def _scan(folder: Path, *, bundled: bool) -> list[CaseEntry]:
    own = _entry(folder, bundled=bundled)
    if own is not None:
        return [own]
    found = (_entry(sub, bundled=bundled) for sub in sorted(folder.iterdir()) if sub.is_dir())
    return [e for e in found if e is not None]


class CaseLibrary:
    """The bundled case studies (unless ``bundled=False``) and the cases in ``folders``.

    Keys are case ids; a second case with an id already listed is keyed
    ``id@folder``.
    """

    def __init__(self, folders: Iterable[str | Path] = (), *, bundled: bool = True,
                 cache: AnalysisCache | None = None):
        folders = tuple(folders)
        self._args = (folders, bundled)
        self.cache = cache
        sources: list[tuple[Path, bool]] = []
        home = bundled_case_studies() if bundled else None
        if home is not None:
            sources.append((home, True))
        sources += [(Path(f), False) for f in folders]
        entries: dict[str, CaseEntry] = {}
        for folder, is_bundled in sources:
            if not folder.is_dir():
                continue
            for entry in _scan(folder, bundled=is_bundled):
                key = entry.key if entry.key not in entries else \
                    f"{entry.key}@{entry.path.name}"
                entries[key] = CaseEntry(key, entry.title, entry.path, entry.kind,
                                         entry.bundled, entry.problems)
        self.entries: tuple[CaseEntry, ...] = tuple(entries.values())
        self._cases: dict[str, tuple[tuple, Case]] = {}
        self._analyses: dict[str, tuple[tuple, Analysis]] = {}

    @classmethod
    def from_settings(cls, settings) -> CaseLibrary:
        """The library a dashboard shows under :class:`~workbench.apps.Settings` (its
        cases folder, or the folder uploads go to when that is not served)."""
        folder = settings.cases if settings.cases is not None else settings.upload_folder
        cache = AnalysisCache(settings.cache) if getattr(settings, "cache", None) else None
        return cls([folder], cache=cache)

    def rescan(self) -> CaseLibrary:
        """The same folders listed again (a case imported since is listed); what was read
        of the cases still listed is kept (and read again if their files changed)."""
        fresh = type(self)(self._args[0], bundled=self._args[1], cache=self.cache)
        for key in set(self._cases) & set(fresh.keys()):
            if fresh.entry(key).path == self.entry(key).path:
                fresh._cases[key] = self._cases[key]
                if key in self._analyses:
                    fresh._analyses[key] = self._analyses[key]
        return fresh

    def key_of(self, folder: str | Path) -> str | None:
        """The key of the case in this folder, if listed."""
        target = Path(folder).resolve()
        return next((e.key for e in self.entries if e.path.resolve() == target), None)

    def __contains__(self, key: object) -> bool:
        return any(e.key == key for e in self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def keys(self) -> list[str]:
        return [e.key for e in self.entries]

    def options(self) -> list[tuple[str, str]]:
        """(label, key) pairs for a dropdown."""
        return [(e.label, e.key) for e in self.entries]

    def entry(self, key: str) -> CaseEntry:
        for e in self.entries:
            if e.key == key:
                return e
        raise KeyError(f"no case {key!r} (cases: {', '.join(self.keys()) or 'none'})")

    def find(self, case_id: str) -> str | None:
        """The key of the case with this id (as a review store records it), if listed."""
        if any(e.key == case_id for e in self.entries):
            return case_id
        return next((e.key for e in self.entries if e.key.split("@")[0] == case_id), None)

    def load(self, key: str) -> Case:
        """The case under ``key``: read once per library, and again when its files
        change (a re-import is seen on the next load, with no restart)."""
        entry = self.entry(key)
        stamp = _stamp(entry.path)
        kept = self._cases.get(key)
        if kept is None or kept[0] != stamp:
            self._cases[key] = (stamp, self._read(entry))
            self._analyses.pop(key, None)
        return self._cases[key][1]

    def _read(self, entry: CaseEntry) -> Case:
        """The case of ``entry``: from the cache on disk when it holds it (kept under a
        hash of the case's files and the code, as analyses are), else read and kept."""
        if self.cache is None or entry.problems:
            return entry.load()
        kept_as = self.cache.key(entry.path, salt=f"case {entry.kind}")
        cached = self.cache.get(kept_as)
        if isinstance(cached, Case):
            return cached
        case = entry.load()
        self.cache.put(kept_as, case)
        return case

    def analysis(self, key: str) -> Analysis:
        """The case's :class:`~workbench.analysis.analyse.Analysis` (computed once per
        reading of the case; with a ``cache``, once per server: kept on disk with its
        flags, under a hash of the case's files and the code)."""
        entry = self.entry(key)
        stamp = _stamp(entry.path)
        kept = self._analyses.get(key)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        from workbench.analysis.analyse import Analysis, analyse  # not for a page that only shows a case

        if self.cache is None or entry.problems:
            analysis = analyse(self.load(key))
        else:
            kept_as = self.cache.key(entry.path, salt=entry.kind)
            cached = self.cache.get(kept_as)
            if isinstance(cached, Analysis) and cached.case is not None:
                analysis = cached
            else:
                analysis = analyse(self.load(key))
                from workbench.analysis.rules import flag_table

                try:
                    flag_table(analysis)          # kept with it: every kernel's flags
                except Exception:  # a failing rule is the review's to report, not the cache's
                    _log.warning("flags of %s not kept with its analysis", key, exc_info=True)
                self.cache.put(kept_as, analysis)
            if self._cases.get(key, ((),))[0] != stamp and analysis.case is not None:
                self._cases[key] = (stamp, analysis.case)
        self._analyses[key] = (stamp, analysis)
        return analysis


def _stamp(folder: Path) -> tuple:
    """What changes when a case folder's files do (names, sizes, modification times)."""
    try:
        return tuple(sorted((p.name, s.st_size, s.st_mtime_ns) for p in folder.iterdir()
                            if p.is_file() for s in (p.stat(),)))
    except OSError:
        return ()
