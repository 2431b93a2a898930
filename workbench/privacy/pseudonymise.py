"""Pseudonymise a case: every identifier the scan finds replaced, consistently.

Real names (and any other real strings) in the key table become its labels
("Child A", "PC 1"); structured identifiers become numbered, type-labelled
placeholders ("[NHS number 1]", "[phone 2]"). With ``method="hmac"`` every value
becomes a keyed pseudonym instead (HMAC-SHA-256 with a secret kept outside the
repository and the case), the same in every run and every case that uses the same
secret. A value always gets the same label in every file of a run: CSV, XLSX,
YAML and text alike, whatever its spelling ("943 476 5919" and "9434765919";
"03/04/2011" and "3 April 2011").

Never a plain hash: a date of birth has about 40,000 possible values in a
child's century, and a plain SHA-256 of each is computed in well under a second.

Examples
--------
>>> import pathlib, tempfile
>>> base = pathlib.Path(tempfile.mkdtemp())
>>> (base / "in").mkdir()
>>> _ = (base / "in" / "police.csv").write_text(
...     "Date,Event\\n05/02/2025,Jayden Smith (DOB 03/04/2011) missing; mum on 07911 123456\\n")
>>> _ = (base / "key.yaml").write_text("Jayden Smith: Child A\\n")
>>> report = pseudonymise([base / "in"], key_file=base / "key.yaml", out=base / "out")
>>> print((base / "out" / "police.csv").read_text().splitlines()[1])
05/02/2025,Child A (DOB [date of birth 1]) missing; mum on [phone 1]
>>> report.residual, sorted(report.replaced.items())
((), [('DATE_OF_BIRTH', 1), ('DENY_LIST', 1), ('PHONE_NUMBER', 1)])
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import CaseValidationError, Problem, Reason
from workbench.privacy import sources
from workbench.privacy.keys import read_key_table, read_secret
from workbench.privacy.labels import Labeller, normalise
from workbench.privacy.recognisers import INVISIBLE, Detector, build_detector
from workbench.privacy.rewrite import (
    DECLARED,
    atomic_bytes,
    rewrite_csv,
    rewrite_sqlite,
    rewrite_text,
    rewrite_xlsx,
    rewrite_yaml,
)
from workbench.privacy.scan import Finding, scan_file

__all__ = ["PseudonymiseReport", "normalise", "pseudonymise"]

_INVISIBLE = re.compile(INVISIBLE)

@dataclass(frozen=True)
class PseudonymiseReport:
    """What :func:`pseudonymise` wrote, and what a re-scan of it still finds.

    ``residual`` should be empty: anything in it (e.g. a pivot-table cache the
    workbook writer kept) must be removed by hand before the case is shared.
    ``skipped`` lists input files in a format that cannot be rewritten (not copied),
    and links not followed (out of the input, or a loop). ``declared`` lists the
    files that received the anonymisation declaration; ``declaration_refused`` says
    why none was written when one was asked for (the re-scan still found something).
    """

    out: Path
    method: str
    files: tuple[Path, ...]
    replaced: Mapping[str, int]
    distinct: int
    residual: tuple[Finding, ...] = ()
    skipped: tuple[str, ...] = field(default=())
    declared: tuple[Path, ...] = ()
    declaration_refused: str | None = None

    @property
    def ok(self) -> bool:
        return not self.residual and not self.skipped and not self.declaration_refused


def _targets(roots: Sequence[Path], out: Path,
             skipped: list[str]) -> list[tuple[Path, Path]]:
    pairs: list[tuple[Path, Path]] = []
    single = len(roots) == 1 and roots[0].is_dir()
    for root in roots:
        if not root.exists():
            raise CaseValidationError([Problem(file=str(root), reason=Reason.FILE_NOT_FOUND,
                                               message="no such file or folder")])
        for path, why in sources.walk(root):
            if why is not None:  # a link out of the input or a loop: never copied
                skipped.append(f"{path} ({why})")
                continue
            rel = path.relative_to(root) if root.is_dir() else Path(path.name)
            pairs.append((path, out / rel if single else out / root.name / rel
                          if root.is_dir() else out / rel))
    targets = [t for _, t in pairs]
    if len(set(targets)) != len(targets):
        raise CaseValidationError([Problem(file=str(out), reason=Reason.OUTPUT_INSIDE_INPUT,
                                           message="two inputs have the same name; "
                                           "pseudonymise them into different folders")])
    return pairs


def _refuse_in_place(roots: Sequence[Path], out: Path) -> None:
    o = out.resolve()
    for root in roots:
        r = root.resolve()
        if (o in (r, r.parent) if r.is_file() else o == r or r in o.parents or o in r.parents):
            raise CaseValidationError([Problem(
                file=str(out), reason=Reason.OUTPUT_INSIDE_INPUT,
                message=f"the output folder overlaps the input {root}: write it elsewhere; "
                "the input is never changed")])


def pseudonymise(paths: Iterable[str | Path], *, key_file: str | Path, out: str | Path,
                 method: str = "table", hmac_key_file: str | Path | None = None,
                 declared_by: str | None = None,
                 detector: Detector | None = None) -> PseudonymiseReport:
    """Write a pseudonymised copy of a case (or of any chronologies and exports).

    Parameters
    ----------
    paths : files and folders to copy; the input is never changed. A single
        folder's contents go straight into ``out``; several paths each keep their
        name inside ``out``.
    key_file : the key table, YAML or CSV of ``real -> label`` (see
        :func:`~workbench.privacy.read_key_table`), kept outside the case, ``out``
        and any git repository. Its real values are the names replaced.
    out : the folder to write; each file is written atomically (temporary file,
        fsync, rename).
    method : ``"table"``: names become their labels, other identifiers numbered
        placeholders ("[NHS number 1]"); ``"hmac"``: every value becomes a keyed
        pseudonym ("[NHS number kxbqtrmzpl]", "[person …]"), stable across runs
        and cases that share the secret.
    hmac_key_file : the secret for ``"hmac"`` (at least 32 bytes), kept outside
        the case, ``out`` and any git repository.
    declared_by : when given, ``case.yaml`` / ``meta.yaml`` get an
        ``anonymisation`` declaration (by, on, method) for the workshop gate, but
        only when the re-scan of the copy finds nothing and nothing was skipped:
        otherwise ``declaration_refused`` says why.
    detector : a :func:`~workbench.privacy.build_detector` result whose deny list
        already holds the key table's real values (built when None).

    Returns
    -------
    PseudonymiseReport
        The files written, replacements per entity type, and ``residual``: what a
        scan of the written files still finds (empty when all went well).
    """
    if method not in ("table", "hmac"):
        raise ValueError(f"method must be 'table' or 'hmac', not {method!r}")
    if method == "hmac" and hmac_key_file is None:
        raise ValueError("method 'hmac' needs hmac_key_file (a secret of 32+ random bytes)")
    roots = [Path(p) for p in paths]
    target = Path(out)
    _refuse_in_place(roots, target)
    table = read_key_table(key_file, outside=[*roots, target], require_labels=method == "table")
    secret = read_secret(hmac_key_file, outside=[*roots, target]) if hmac_key_file else None
    detector = detector or build_detector(deny_list=table.names)
    labeller = Labeller(table, method, secret)
    declaration = None
    if declared_by:
        declaration = {"by": declared_by, "on": dt.date.today().isoformat(),
                       "method": "workbench pseudonymise: key table labels and numbered "
                       "placeholders" if method == "table" else
                       "workbench pseudonymise: HMAC-SHA-256 keyed pseudonyms"}
    written: list[Path] = []
    skipped: list[str] = []
    for source, dest in _targets(roots, target, skipped):
        suffix = source.suffix.lower()
        if suffix in sources.WORKBOOK_SUFFIXES:
            rewrite_xlsx(source, dest, detector, labeller)
            written.append(dest)
            continue
        if suffix in sources.SQLITE_SUFFIXES or sources.is_sqlite(source):
            rewrite_sqlite(source, dest, detector, labeller)
            written.append(dest)
            continue
        data = source.read_bytes()
        try:
            if b"\0" in data[:8192]:
                raise UnicodeDecodeError("utf-8", data[:1], 0, 1, "binary")
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            skipped.append(str(source))
            continue
        text, hidden = _INVISIBLE.subn("", text)  # so "Jay\u200bden" meets the deny list
        if hidden:
            labeller.replaced["INVISIBLE_CHARACTER"] += hidden
        new: str | None = None
        if suffix in sources.TABLE_SUFFIXES:
            new = rewrite_csv(text, suffix, detector, labeller)
        elif suffix in (".yaml", ".yml"):
            new = rewrite_yaml(text, source.name, detector, labeller, None)
        if new is None:
            new = rewrite_text(text, suffix, detector, labeller)
        bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
        atomic_bytes(dest, (bom + new).encode("utf-8"))
        written.append(dest)
    residual = [f for path in written for f in scan_file(path, str(path), detector)]
    declared, refused = _declare(written, declaration, residual, skipped, detector, labeller)
    return PseudonymiseReport(out=target, method=method, files=tuple(written),
                              replaced=dict(labeller.replaced), distinct=labeller.distinct,
                              residual=tuple(residual), skipped=tuple(skipped),
                              declared=declared, declaration_refused=refused)


def _declare(written: Sequence[Path], declaration: Mapping[str, str] | None,
             residual: Sequence[Finding], skipped: Sequence[str], detector: Detector,
             labeller: Labeller) -> tuple[tuple[Path, ...], str | None]:
    """Add the declaration to the copy's case files once the copy is clean."""
    if not declaration:
        return (), None
    if residual or skipped:
        return (), (f"the re-scan of the copy still finds {len(residual)} thing(s) and "
                    f"{len(skipped)} input(s) were not copied: remove them, then declare")
    targets = [p for p in written if p.name in DECLARED]
    if not targets:
        return (), "no case.yaml or meta.yaml in the copy to hold the declaration"
    for path in targets:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
        new = rewrite_yaml(text, path.name, detector, labeller, declaration)
        if new is None:
            return (), f"{path} is not plain YAML: the declaration cannot be added"
        bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
        atomic_bytes(path, (bom + new).encode("utf-8"))
    return tuple(targets), None
