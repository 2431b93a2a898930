"""Bounded YAML: the one loader for every YAML file the workbench reads.

Case files (``case.yaml``), case-study metadata (``meta.yaml``), agency alias files,
protocol profiles and key tables are all read here, with PyYAML's safe loader and
three limits that keep a small hostile file from taking the machine down:

- **no aliases** (``*name``): a 1 KB file of nested aliases ("billion laughs")
  expands to gigabytes when built; a workbench file never needs one;
- **no nesting deeper than** :data:`MAX_DEPTH` levels (a deep ``[[[[…`` would
  otherwise exhaust Python's recursion);
- **no file larger than** :data:`MAX_BYTES`.

Plain scalars follow YAML 1.2's core schema: dates stay text as written, and only
``true``/``false`` are booleans (``on: 2026-11-02`` must not become ``True``).
Every refusal is a :class:`~workbench.errors.CaseValidationError` whose problem
names the file, line and column.

Examples
--------
>>> load_yaml("title: Learning event\\nborn: 2011-03-03\\nok: yes\\n", name="case.yaml")
{'title': 'Learning event', 'born': '2011-03-03', 'ok': 'yes'}
>>> bomb = "a: &a [x, x]\\nb: [*a, *a]\\n"
>>> try:
...     load_yaml(bomb, name="case.yaml")
... except CaseValidationError as exc:
...     print(exc.problems[0].location, exc.problems[0].reason)
case.yaml:2:5 unsafe-yaml
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import yaml

from workbench.errors import CaseValidationError, Place, Problem, Reason

__all__ = ["MAX_BYTES", "MAX_DEPTH", "decode_text", "load_bundled_yaml", "load_yaml",
           "read_yaml_file"]

#: deepest nesting of mappings and lists read (a case file needs fewer than 6)
MAX_DEPTH = 32
#: largest YAML file read, in bytes (a case file is a few KB)
MAX_BYTES = 5_000_000


class _Refused(yaml.YAMLError):
    def __init__(self, message: str, mark: yaml.Mark | None):
        super().__init__(message)
        self.message, self.mark = message, mark


class _Loader(yaml.SafeLoader):
    """The safe loader, with aliases and deep nesting refused while composing."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(f"YAML alias *{event.anchor} refused: write the value out in "
                           "full (aliases can make a small file expand to gigabytes)",
                           event.start_mark)
        if self._depth >= MAX_DEPTH:
            raise _Refused(f"nested deeper than {MAX_DEPTH} levels: a workbench file "
                           "needs only a few", self.peek_event().start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# YAML 1.2 core schema for plain scalars: dates stay text, only true/false are booleans
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool",
                              re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class _BundledLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same schema as :class:`_Loader`, parsed by libyaml when PyYAML has it: for the
    workbench's own data files only (kinds, protocol profiles, fact words), which are
    read by every process and need none of the limits (a tenth of the time)."""


_BundledLoader.yaml_implicit_resolvers = {
    k: list(v) for k, v in _Loader.yaml_implicit_resolvers.items()}


def load_bundled_yaml(name: str) -> object:
    """Read and parse one of the workbench's own YAML files, ``workbench/data/<name>``,
    with the schema of :func:`load_yaml` (YAML 1.2 core scalars) but without its limits:
    never for a file a user gives."""
    text = resources.files("workbench").joinpath("data", name).read_text("utf-8")
    return yaml.load(text, Loader=_BundledLoader)  # noqa: S506 - a safe loader


def _where(mark: yaml.Mark | None) -> Place:
    return {"line": mark.line + 1 if mark else None,
            "column": mark.column + 1 if mark else None}


def load_yaml(text: str, *, name: str) -> object:
    """Parse YAML text within the limits; raise :class:`CaseValidationError` otherwise.

    ``name`` is the file name shown in the problem.
    """
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except _Refused as exc:
        problem = Problem(file=name, reason=Reason.UNSAFE_YAML, message=exc.message,
                          **_where(exc.mark))
    except yaml.constructor.ConstructorError as exc:
        found = str(exc.problem)
        problem = Problem(file=name, reason=Reason.UNSAFE_YAML,
                          value=found.split("'")[1] if "'" in found else None,
                          message=f"{found}: only plain YAML is read (no tags such as "
                          "!!python/object)", **_where(exc.problem_mark))
    except yaml.YAMLError as exc:
        problem = Problem(file=name, reason=Reason.INVALID_YAML,
                          message=f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
                          **_where(getattr(exc, "problem_mark", None)))
    except RecursionError:  # pragma: no cover - the depth limit comes first
        problem = Problem(file=name, reason=Reason.UNSAFE_YAML, message="nested too deeply")
    raise CaseValidationError([problem])


def decode_text(data: bytes, *, name: str) -> str:
    """Bytes of a text file as UTF-8 (a byte-order mark dropped); UTF-16 and other
    encodings are refused with a located :class:`CaseValidationError`.

    >>> decode_text("é".encode("utf-16"), name="a.yaml")
    Traceback (most recent call last):
    ...
    workbench.errors.CaseValidationError: 1 error(s) in input:
      a.yaml: error [not-utf8] UTF-16 text (byte-order mark): save the file as UTF-8
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
            len(data) >= 4 and data[:64].count(b"\0") * 3 >= min(len(data), 64)):
        why = "byte-order mark" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else \
            "every other byte is NUL"
        raise CaseValidationError([Problem(file=name, reason=Reason.NOT_UTF8,
                                           message=f"UTF-16 text ({why}): save the file "
                                           "as UTF-8")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CaseValidationError([Problem(
            file=name, reason=Reason.NOT_UTF8, line=line, column=column,
            value=repr(data[exc.start:exc.start + 4]),
            message=f"not UTF-8 at byte {exc.start}: save the file as UTF-8")]) from None


def read_yaml_file(path: str | Path, *, name: str | None = None) -> object:
    """Read and parse a YAML file within the limits (see the module).

    A missing, unreadable, oversized, non-UTF-8 or unsafe file raises
    :class:`CaseValidationError` naming ``name`` (default: the path as given).
    """
    path = Path(path)
    name = name or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CaseValidationError([Problem(
                file=name, reason=Reason.FILE_TOO_LARGE, value=f"{size:,} bytes",
                message=f"{size:,} bytes; a YAML file of the workbench is at most "
                f"{MAX_BYTES:,}")])
        data = path.read_bytes()
    except FileNotFoundError:
        raise CaseValidationError([Problem(file=name, reason=Reason.FILE_NOT_FOUND,
                                           message="no such file")]) from None
    except OSError as exc:
        raise CaseValidationError([Problem(file=name, reason=Reason.UNREADABLE_FILE,
                                           message=f"cannot be read: {exc.strerror or exc}")]
                                  ) from None
    return load_yaml(decode_text(data, name=name), name=name)
