"""The workshop gate: a case opens in a workshop only when it is declared anonymised.

:func:`gate_problems` runs each check of :data:`GATE_CHECKS` on a case and returns
what stops it, in words that name places, never values: the anonymisation
declaration (``anonymisation: {by, on, method}`` in the case file) and a scan of
every text that reaches participants (the case title, the child's details, and each
event's texts, dates as written, recipients and attendees) for identifying details (:mod:`workbench.privacy`, offline
pattern recognisers: names in free text are found only through a deny list, so a
person must still read the case).

The scan runs once per case, not once per kernel: its result is kept on disk (in the
user's cache folder, :func:`gate_cache_dir`) under a hash of everything it read and of
the scanner's own code, so a workshop whose participants each open the case loads the
scanner (Presidio, some 60-90 MB and seconds per kernel) only in the first kernel, and
a changed case or scanner is scanned afresh.

Examples
--------
>>> from workbench.case import Case
>>> import pandas as pd
>>> gate_problems(Case(id="x", events=pd.DataFrame()))
['x: no anonymisation declaration (give anonymisation: by, on, method in the case file)']
>>> gate_problems(Case(id="x", events=pd.DataFrame(),
...                    anonymisation={"by": "AB", "on": "2026-11-25", "method": "fictional"}))
[]
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from workbench.case import Case

__all__ = ["DECLARATION_FIELDS", "GATE_CACHE_ENV", "GATE_CHECKS", "declaration_problems",
           "gate_cache_dir", "gate_problems", "pii_problems"]

#: the environment variable naming the folder of cached gate scans ("off": no cache)
GATE_CACHE_ENV = "WORKBENCH_CACHE"

#: what an anonymisation declaration must say: who, when, how
DECLARATION_FIELDS = ("by", "on", "method")


def declaration_problems(case: Case) -> list[str]:
    """What is missing from the case's anonymisation declaration."""
    declared = case.anonymisation
    if not declared:
        return [f"{case.id}: no anonymisation declaration (give anonymisation: by, on, "
                "method in the case file)"]
    missing = [f for f in DECLARATION_FIELDS if not str(declared.get(f) or "").strip()]
    if missing:
        return [f"{case.id}: the anonymisation declaration lacks {', '.join(missing)} "
                f"(it needs {', '.join(DECLARATION_FIELDS)})"]
    return []


#: the event columns that reach participants, scanned by :func:`pii_problems` (an age
#: written as a date, "age 11", is a date: the scan of chronology files reads it so too)
_TEXT_COLUMNS = ("summary", "details", "action", "outcome", "author",
                 "agency_as_written", "when", "recipients", "attendees")
_DATE_COLUMNS = ("when",)


def _text(value: object) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def pii_problems(case: Case) -> list[str]:
    """Identifying details in what participants see: the title, the child's details,
    and the event texts, dates as written, recipients and attendees. Place and type,
    never the value.

    >>> import pandas as pd
    >>> events = pd.DataFrame({"summary": ["Seen by SW 1", "Child A, DOB 03/04/2011"],
    ...                        "source": ["csc.csv:2", "csc.csv:3"]})
    >>> pii_problems(Case(id="x", events=events, title="Child A (NHS 943 476 5919)"))
    ['x: case file, title: UK_NHS', 'x: csc.csv:3, summary: DATE_OF_BIRTH']
    """
    texts: list[tuple[str, str, str]] = [("case file", "title", _text(case.title))]
    for key, value in (case.child or {}).items():
        texts.append(("case file", f"child {key}", f"{key}: {_text(value)}"))
    events = case.events
    for column in (c for c in _TEXT_COLUMNS if c in events.columns):
        for row in events.index:
            where = events.at[row, "source"] if "source" in events.columns else f"row {row}"
            texts.append((str(where), column, _text(events.at[row, column])))
    key = hashlib.sha256(json.dumps([case.id, texts, _scanner_fingerprint()],
                                    ensure_ascii=False).encode("utf-8")).hexdigest()
    cached = _cached_scan(key)
    if cached is not None:
        return cached
    from workbench.privacy import build_detector

    spans = build_detector().find_many([t for _, _, t in texts])
    out = []
    for (where, column, _), found in zip(texts, spans, strict=True):
        entities = (s.entity for s in found
                    if not (column in _DATE_COLUMNS and s.entity == "AGE"))
        for entity in dict.fromkeys(entities):
            out.append(f"{case.id}: {where}, {column}: {entity}")
    _keep_scan(key, out)
    return out


def gate_cache_dir(environ: dict[str, str] | None = None) -> Path | None:
    """The folder of cached gate scans: ``$WORKBENCH_CACHE`` when set (``off``: none),
    else ``gate`` in the user's cache folder for the workbench
    (:func:`platformdirs.user_cache_path`: ``%LOCALAPPDATA%\\workbench\\Cache`` on
    Windows, ``~/.cache/workbench`` on Linux).

    >>> gate_cache_dir({"WORKBENCH_CACHE": "off"}) is None
    True
    >>> gate_cache_dir({"WORKBENCH_CACHE": "/srv/cache"}).as_posix()
    '/srv/cache'
    """
    environ = dict(os.environ) if environ is None else environ
    value = environ.get(GATE_CACHE_ENV, "").strip()
    if value.lower() == "off":
        return None
    if value:
        return Path(value).expanduser()
    import platformdirs

    return platformdirs.user_cache_path("workbench", appauthor=False) / "gate"


@functools.cache
def _scanner_fingerprint() -> str:
    """What the scan's result depends on besides the case: the gate's and the privacy
    package's code, and the Presidio version (read without importing it)."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256(Path(__file__).read_bytes())
    for source in sorted((Path(__file__).parents[1] / "privacy").rglob("*.py")):
        digest.update(source.read_bytes())
    with contextlib.suppress(PackageNotFoundError):
        digest.update(version("presidio-analyzer").encode())
    return digest.hexdigest()


def _cached_scan(key: str) -> list[str] | None:
    folder = gate_cache_dir()
    if folder is None:
        return None
    try:
        data = json.loads((folder / f"{key}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    problems = data.get("problems") if isinstance(data, dict) else None
    if not isinstance(problems, list) or not all(isinstance(p, str) for p in problems):
        return None
    return problems


def _keep_scan(key: str, problems: list[str]) -> None:
    """Keep a scan's result (places and kinds of detail, never a value); a cache that
    cannot be written is no cache."""
    from workbench.io.atomic import atomic_write

    folder = gate_cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / f"{key}.json", json.dumps({"problems": problems}))
    except OSError:
        pass


#: the checks a case must pass to open in a workshop (each: case -> problems)
GATE_CHECKS: tuple[Callable[[Case], list[str]], ...] = (declaration_problems, pii_problems)


def gate_problems(case: Case, *,
                  checks: Iterable[Callable[[Case], list[str]]] = GATE_CHECKS) -> list[str]:
    """Every reason ``case`` may not open in a workshop (empty: it may)."""
    return [problem for check in checks for problem in check(case)]
