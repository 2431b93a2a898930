"""Key files: the table of real names and their labels, and the HMAC secret.

Both hold what must never travel with a case, so both must live *outside* the
case folder, the output folder and any git repository (the workbench's own
included): :func:`check_outside` refuses them anywhere else. Problems name the key
file and a line, never a real name from it.

A key table is YAML (``real: label`` per line, or a list of ``{real, label}``) or
CSV with the columns ``real,label``::

    Jayden Smith: Child A
    Jayden: Child A
    Karen Smith: Mother
    PC Dave Jones: PC 1

Examples
--------
>>> import pathlib, tempfile
>>> key = pathlib.Path(tempfile.mkdtemp()) / "key.yaml"
>>> _ = key.write_text("Jayden Smith: Child A\\nJayden: Child A\\n")
>>> read_key_table(key).labels
{'Jayden Smith': 'Child A', 'Jayden': 'Child A'}
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import CaseValidationError, Problem, Reason
from workbench.safeyaml import load_yaml

__all__ = ["KeyTable", "check_outside", "read_key_table", "read_secret"]

#: The shortest HMAC secret accepted, in bytes (NIST SP 800-107: at least the
#: security strength wanted; 32 bytes matches SHA-256).
MIN_SECRET_BYTES = 32
_REAL = ("real", "name", "value", "original", "identifier")
_LABEL = ("label", "pseudonym", "replacement", "alias")


@dataclass(frozen=True)
class KeyTable:
    """Real values (names, addresses, schools…) and the label each becomes."""

    path: Path | None
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        """The real values: the scan's deny list."""
        return tuple(self.labels)


def _repository_of(path: Path) -> Path | None:
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return folder
    return None


def check_outside(path: str | Path, folders: Iterable[str | Path], *, what: str) -> Path:
    """Refuse ``path`` when it lies in one of ``folders`` or in any git repository.

    Returns the resolved path; raises :class:`CaseValidationError` with reason
    ``unsafe-key-location`` otherwise.
    """
    resolved = Path(path).expanduser().resolve()
    place = None
    for folder in folders:
        root = Path(folder).expanduser().resolve()
        root = root if root.is_dir() or not root.exists() else root.parent
        if resolved == root or root in resolved.parents:
            place = f"inside {root}, which is being read or written"
            break
    if place is None:
        repo = _repository_of(resolved.parent)
        if repo is not None:
            place = f"inside the git repository {repo}"
    if place is not None:
        raise CaseValidationError([Problem(
            file=str(path), reason=Reason.UNSAFE_KEY_LOCATION,
            message=f"the {what} is {place}; keep it outside every case folder, output "
            "folder and repository (e.g. in an encrypted folder of your own)")])
    return resolved


def _bad(path: Path, message: str, line: int | None = None) -> CaseValidationError:
    return CaseValidationError([Problem(file=str(path), line=line,
                                        reason=Reason.INVALID_KEY_FILE, message=message)])


def _pairs_from_yaml(path: Path, text: str) -> list[tuple[int | None, str, str]]:
    try:
        data = load_yaml(text, name=str(path))
    except CaseValidationError as exc:  # its message may quote the line: give the place only
        p = exc.problems[0]
        if p.reason is Reason.UNSAFE_YAML:
            raise CaseValidationError([Problem(
                file=str(path), line=p.line, column=p.column, reason=Reason.UNSAFE_YAML,
                message="YAML aliases, tags and deep nesting are not read in a key table")]
            ) from None
        raise _bad(path, "not valid YAML", p.line) from None
    if isinstance(data, Mapping) and set(data) <= {"names", "key", "labels"} and data:
        data = next(iter(data.values()))
    pairs: list[tuple[int | None, str, str]] = []
    if isinstance(data, Mapping):
        pairs = [(None, str(k), "" if v is None else str(v)) for k, v in data.items()]
    elif isinstance(data, list):
        for i, item in enumerate(data, 1):
            if isinstance(item, Mapping):
                real = next((item[k] for k in _REAL if k in item), None)
                label = next((item[k] for k in _LABEL if k in item), "")
            else:
                real, label = item, ""
            if real is None:
                raise _bad(path, f"entry {i} has no 'real' value")
            pairs.append((None, str(real), "" if label is None else str(label)))
    elif data is not None:
        raise _bad(path, "expected 'real: label' lines or a list of {real, label}")
    return pairs


def _pairs_from_csv(path: Path, text: str) -> list[tuple[int | None, str, str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, line = [], 1
    for cells in reader:
        rows.append((line, cells))
        line = reader.line_num + 1
    rows = [(n, c) for n, c in rows if any(x.strip() for x in c)]
    if not rows:
        return []
    header = [c.strip().lower() for c in rows[0][1]]
    real_col = next((header.index(k) for k in _REAL if k in header), None)
    label_col = next((header.index(k) for k in _LABEL if k in header), None)
    if real_col is None:
        real_col, label_col = 0, 1  # no header: real, label
    else:
        rows = rows[1:]
    return [(n, c[real_col] if real_col < len(c) else "",
             c[label_col] if label_col is not None and label_col < len(c) else "")
            for n, c in rows]


def read_key_table(path: str | Path, *, outside: Iterable[str | Path] = (),
                   require_labels: bool = False) -> KeyTable:
    """Read a key table; refuse it inside ``outside`` folders or a git repository.

    ``require_labels`` makes an entry without a label an error (the ``table``
    method of pseudonymisation needs one for every real value).
    """
    source = Path(path)
    check_outside(source, outside, what="key file")
    try:
        text = source.read_text("utf-8-sig")
    except FileNotFoundError:
        raise CaseValidationError([Problem(file=str(source), reason=Reason.FILE_NOT_FOUND,
                                           message="no such key file")]) from None
    except UnicodeDecodeError:
        raise _bad(source, "the key file is not UTF-8 text") from None
    if source.suffix.lower() in (".csv", ".tsv", ".txt"):
        pairs = _pairs_from_csv(source, text)
    else:
        pairs = _pairs_from_yaml(source, text)
    labels: dict[str, str] = {}
    seen: dict[str, str] = {}
    for i, (line, real, label) in enumerate(pairs, 1):
        real, label = " ".join(real.split()), " ".join(label.split())
        where = f"line {line}" if line else f"entry {i}"
        if not real:
            raise _bad(source, f"{where}: empty real value", line)
        if require_labels and not label:
            raise _bad(source, f"{where}: no label (every real value needs one, e.g. "
                       "'Child A')", line)
        key = real.casefold()
        if key in seen and seen[key] != label:
            raise _bad(source, f"{where}: a real value listed twice with different labels",
                       line)
        seen[key] = label
        labels[real] = label
    return KeyTable(source, labels)


def read_secret(path: str | Path, *, outside: Iterable[str | Path] = ()) -> bytes:
    """The HMAC secret: the file's bytes (surrounding whitespace removed).

    Refused inside ``outside`` folders or a git repository, or shorter than
    :data:`MIN_SECRET_BYTES` bytes. Make one with
    ``python -c "import secrets; print(secrets.token_hex(32))" > ~/review-secret.key``.
    """
    source = Path(path)
    check_outside(source, outside, what="HMAC key file")
    try:
        secret = source.read_bytes().strip()
    except FileNotFoundError:
        raise CaseValidationError([Problem(file=str(source), reason=Reason.FILE_NOT_FOUND,
                                           message="no such key file")]) from None
    if len(secret) < MIN_SECRET_BYTES:
        raise CaseValidationError([Problem(
            file=str(source), reason=Reason.WEAK_KEY,
            message=f"the HMAC key has {len(secret)} bytes; use at least {MIN_SECRET_BYTES} "
            "random bytes (e.g. secrets.token_hex(32))")])
    return secret
