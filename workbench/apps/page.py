"""The page the dashboards are served in: a Voilà template that fetches nothing from
elsewhere.

Voilà's own page links icon-font stylesheets on a CDN; the ``workbench`` template
(``workbench/apps/jupyter/voila/templates/workbench``) is that page without them, with
the project's page CSS and icon served locally. :func:`voila_page_settings` gives the
command-line arguments and environment that make Voilà use it (``workbench serve``
adds them to its command).

Examples
--------
>>> args, env = voila_page_settings({"JUPYTER_PATH": "/opt/jupyter"})
>>> args
['--template=workbench']
>>> env["JUPYTER_PATH"].split(os.pathsep)[-1]
'/opt/jupyter'
>>> (template_folder() / "index.html.j2").is_file()
True
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["TEMPLATE", "template_folder", "voila_page_settings"]

#: the template's name (its folder under ``voila/templates``)
TEMPLATE = "workbench"
_DATA = Path(__file__).resolve().parent / "jupyter"


def template_folder() -> Path:
    """The folder of the ``workbench`` Voilà template."""
    return _DATA / "voila" / "templates" / TEMPLATE


def _voila_data_root() -> str | None:
    """The Jupyter data folder holding Voilà's own themes and schemas (its first
    ``voila`` folder), which must stay first on the path."""
    try:
        from voila.utils import get_data_dir
    except ImportError:  # pragma: no cover - voila is a dependency
        return None
    return str(Path(get_data_dir()).parent)


def voila_page_settings(environ: Mapping[str, str]) -> tuple[list[str], dict[str, str]]:
    """The Voilà arguments and environment (a copy of ``environ``) that serve the
    dashboards in the ``workbench`` template.

    The template's folder joins ``JUPYTER_PATH`` after Voilà's own data folder: Voilà
    takes its themes from the first ``voila`` folder on that path.
    """
    env = dict(environ)
    parts = [p for p in (_voila_data_root(), str(_DATA)) if p]
    parts += [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p and p not in parts]
    env["JUPYTER_PATH"] = os.pathsep.join(parts)
    return [f"--template={TEMPLATE}"], env
