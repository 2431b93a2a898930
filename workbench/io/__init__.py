"""Reading and writing: chronologies as agencies write them, case folders, atomic files.

:func:`load` is the one entry point from a path to a :class:`~workbench.case.Case`.
"""

from __future__ import annotations

from pathlib import Path

from workbench.case import Case

__all__ = ["load"]


def load(*paths: str | Path, **options: object) -> Case:
    """A case from a case folder, a case-study folder or chronology files.

    A folder holding ``case.yaml`` is a case folder (:func:`~workbench.io.casefile.load_case`);
    anything else (a folder of agency returns with its ``meta.yaml``, or CSV/XLSX files)
    is imported (:func:`~workbench.io.importer.import_chronologies`, which takes
    ``options`` such as ``mapping``, ``agency`` and ``meta``).

    Examples
    --------
    >>> from importlib import resources
    >>> tiny = resources.files("workbench") / "data/examples/tiny.csv"
    >>> case = load(tiny, meta={"id": "tiny"})
    >>> case.id, len(case.events)
    ('tiny', 6)
    """
    if not paths:
        raise TypeError("load() needs a case folder, a case-study folder or chronology files")
    first = Path(paths[0])
    if len(paths) == 1 and (first / "case.yaml").is_file():
        from workbench.io.casefile import load_case

        return load_case(first, **options)
    from workbench.io.importer import import_chronologies

    return import_chronologies([Path(p) for p in paths], **options)  # type: ignore[arg-type]
