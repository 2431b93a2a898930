"""The bundled dashboards and case studies, found through the installed package.

The repository keeps ``dashboards/`` (the Voilà notebooks) and ``casestudies/`` (the
fictional case studies) at its top level, where people look for them. A wheel carries
them inside the package, as ``workbench/_bundled/dashboards`` and
``workbench/_bundled/casestudies`` (hatchling's ``force-include`` in ``pyproject.toml``),
so ``pip install case-review-workbench`` brings everything ``workbench serve`` and
``workbench build`` need, whatever folder they are run from. A source checkout used in
place (an editable install, or ``pythonpath = .``) has no ``_bundled`` folder: the
folders are then the ones beside the package, in the checkout that holds it. Either way
they are found from the package's own location (:func:`importlib.resources.files`),
never from the working folder.

Examples
--------
>>> bundled_folder("dashboards").joinpath("review.ipynb").is_file()
True
>>> "county-lines" in {p.parent.name for p in bundled_folder("casestudies").glob("*/meta.yaml")}
True
>>> bundled_folder("notebooks")
Traceback (most recent call last):
...
ValueError: no bundled folder 'notebooks' (there are: dashboards, casestudies)
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["BUNDLED", "bundled_folder"]

#: the folders a wheel carries inside the package (under ``_bundled/``)
BUNDLED = ("dashboards", "casestudies")


def _package_root() -> Path | None:
    root = files("workbench")
    return root if isinstance(root, Path) else None   # a zipped package has no folders


def bundled_folder(name: str) -> Path | None:
    """The bundled ``dashboards`` or ``casestudies`` folder, or None when it is missing.

    Looked for inside the installed package first (``workbench/_bundled/NAME``), then
    beside the package in the source checkout that holds it (recognised by its
    ``pyproject.toml``).
    """
    if name not in BUNDLED:
        raise ValueError(f"no bundled folder {name!r} (there are: {', '.join(BUNDLED)})")
    root = _package_root()
    if root is None:
        return None
    packaged = root / "_bundled" / name
    if packaged.is_dir():
        return packaged
    checkout = root.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / name).is_dir():
        return checkout / name
    return None
