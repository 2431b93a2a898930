"""A case's alias file: the agency names its returns use, added without losing comments.

The file has the shape of the bundled table (``agencies:`` then ``- name: …``
entries with ``sector`` and ``aliases``; see ``docs/case-format.md``). New entries
are appended as text, so the file's own comments and order stay as they were; an
entry naming an agency already in the table adds aliases to it. The file is written
atomically and read back before it replaces the old one.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "aliases.yaml"
>>> _ = add_aliases(path, {"Anyshire Constabulary": "Police"})
>>> _ = add_aliases(path, {"Breakaway": "Breakaway Project"}, sectors={"Breakaway Project": "third-sector"})
>>> from workbench.agencies import load_aliases
>>> table = load_aliases(path)
>>> table.normalise("Anyshire Constabulary"), table.resolve("Breakaway").sector
('Police', 'third-sector')
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from workbench.agencies import SECTORS, alias_lines
from workbench.io.atomic import atomic_write

__all__ = ["add_aliases"]

_HEADER = """\
# Agency aliases of this case: the names its returns use, read as these agencies.
# Used with `workbench import --aliases FILE`; format in docs/case-format.md.
agencies:
"""


def add_aliases(path: str | Path, names: Mapping[str, str], *,
                sectors: Mapping[str, str] | None = None) -> Path:
    """Add ``written name -> agency`` aliases (and sectors of new agencies) to an alias file.

    Raises ``ValueError`` for a sector that is not one of :data:`~workbench.agencies.SECTORS`
    or a file that is not an alias file.
    """
    path = Path(path)
    sectors = dict(sectors or {})
    for agency, sector in sectors.items():
        if sector not in SECTORS:
            raise ValueError(f"sector {sector!r} of {agency!r} is not one of {', '.join(SECTORS)}")
    text = path.read_text("utf-8") if path.is_file() else _HEADER
    data = yaml.safe_load(text) if text.strip() else None
    if data is not None and not isinstance(data, Mapping):
        raise ValueError(f"{path}: not an alias file (expected 'agencies:' and a list)")
    keys = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    if not keys or "agencies" not in keys:
        text += ("" if text.endswith("\n") or not text else "\n") + "agencies:\n"
    elif keys[-1] != "agencies" or not isinstance(data.get("agencies"), list | None):  # type: ignore[union-attr]
        raise ValueError(f"{path}: 'agencies:' must be the file's last key, a list of "
                         "entries, to add to it")
    before = len((yaml.safe_load(text) or {}).get("agencies") or [])
    by_agency: dict[str, list[str]] = {}
    for written, agency in names.items():
        by_agency.setdefault(agency, []).append(written)
    for agency in sectors:
        by_agency.setdefault(agency, [])
    added = [alias_lines(written, agency, sectors.get(agency)) if written else
             f"  - name: {agency}\n    sector: {sectors[agency]}"
             for agency, written in by_agency.items()]
    new = text + ("" if text.endswith("\n") else "\n") + "\n".join(added) + "\n"
    if len(yaml.safe_load(new).get("agencies") or []) != before + len(added):
        raise ValueError(f"{path}: the entries could not be added under 'agencies:'")
    atomic_write(path, new)
    return path
