"""Open your own case in the dashboard: upload agency chronologies (CSV or XLSX), see
what the importer read and assumed, fix what it could not decide, and review it.

:func:`import_files` is the whole import with no widget: the uploaded files go through
the library's importer (:func:`workbench.io.importer.import_report`), and a case that
imports is written as a case folder into the served cases folder
(:func:`workbench.io.casefile.write_case`; a re-import replaces it, keeping reviewer
overrides). :func:`summary_html` says what was read and every warning by file and row;
:func:`choices_of` lists what a person may decide (each file's agency when none was
written, its date and event-text columns). :class:`UploadPanel` wires these to a
``FileUpload`` widget.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> result = import_files({"northshire-police.csv": b"Date,Event\\n05/02/2025 22:10,"
...                        b"Reported missing by carer\\n"}, folder)
>>> result.key_folder.name, result.report.summary.events
('northshire-police', 1)
>>> [c.field for c in choices_of(result.report)]
['agency', 'at', 'summary']
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as w

from workbench.apps._html import esc
from workbench.apps._layout import button, fill, panel, row
from workbench.errors import Reason, Severity
from workbench.io.casefile import write_case
from workbench.io.importer import ImportReport, import_report

__all__ = ["SUFFIXES", "Choice", "ImportResult", "UploadPanel", "choices_of", "import_files",
           "summary_html"]

#: the files an upload takes
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
_SHOWN = 40  # warnings listed before "and N more"
_log = logging.getLogger("workbench.apps")
_FIELD_WORDS = {"agency": "Agency (no agency column)", "at": "Date column",
                "summary": "Event text column"}


@dataclass(frozen=True)
class ImportResult:
    """What an upload became: the importer's report and, when it imported, the case
    folder written (None otherwise)."""

    report: ImportReport
    key_folder: Path | None


@dataclass(frozen=True)
class Choice:
    """Something a person may decide for one file: its ``agency`` (when the rows name
    none), or which column is the date (``at``) or the event text (``summary``)."""

    file: str
    field: str
    value: str | None
    options: tuple[str, ...]
    undecided: bool  # the importer could not decide (or had to guess)


def _case_id(files: Mapping[str, bytes]) -> str:
    from workbench.io.rows import slug

    stems = sorted(Path(n).stem for n in files)
    return slug(stems[0] if len(stems) == 1 else "-".join(stems)[:60])


def import_files(files: Mapping[str, bytes], folder: str | Path, *, title: str = "",
                 agency: Mapping[str, str] | None = None,
                 mapping: Mapping[str, Mapping[str, str]] | None = None) -> ImportResult:
    """Import uploaded chronology files (name -> bytes) into ``folder``.

    Files of other kinds are refused (ValueError). A case that imports is written to
    ``folder/<case id>`` (the id from the file name), replacing an earlier import.
    """
    names = {Path(n).name: data for n, data in files.items()}
    wrong = [n for n in names if Path(n).suffix.lower() not in SUFFIXES]
    if not names or wrong:
        raise ValueError(f"not a chronology file: {', '.join(wrong) or 'none given'} (give "
                         f"{', '.join(SUFFIXES)})")
    case_id = _case_id(names)
    meta = {"id": case_id, "title": title.strip() or f"Uploaded: {', '.join(sorted(names))}"}
    with tempfile.TemporaryDirectory(prefix="workbench-upload-") as tmp:
        paths = []
        for name, data in sorted(names.items()):
            path = Path(tmp) / name
            path.write_bytes(bytes(data))
            paths.append(path)
        report = import_report(paths, agency=dict(agency or {}) or None,
                               mapping={k: dict(v) for k, v in (mapping or {}).items()} or None,
                               meta=meta)
        if report.case is None:
            return ImportResult(report, None)
        target = write_case(report.case, Path(folder) / case_id, replace=True)
    return ImportResult(report, target)


def choices_of(report: ImportReport) -> list[Choice]:
    """What may be decided per file, with what the importer chose."""
    out: list[Choice] = []
    problems = report.problems
    for f in report.summary.files:
        mine = [p for p in problems if p.file == f.file]
        headers = tuple(dict.fromkeys([*f.columns.values(), *(
            str(p.value) for p in mine if p.reason == Reason.UNKNOWN_FIELD and p.value)]))
        guessed = {p.value for p in mine if p.reason == Reason.COLUMN_GUESSED}
        missing = " ".join(p.message for p in mine if p.reason == Reason.MISSING_COLUMN)
        if f.agency_source != "column":
            out.append(Choice(f.file, "agency", f.agency, (f.agency,) if f.agency else (),
                              f.agency_source in ("file name", "title block")))
        for field, words in (("at", "no date column"), ("summary", "no event text column")):
            value = f.columns.get(field) or (f.columns.get("details") if field == "summary"
                                             else None)
            out.append(Choice(f.file, field, value, headers,
                              words in missing or value in guessed))
    return out


def summary_html(result: ImportResult, *, opened_as: str | None = None) -> str:
    """What the import read, what it assumed (each warning by file and row) and, when it
    could not import, why (each error)."""
    report = result.report
    s = report.summary
    head = ("<b>Imported.</b> " if result.key_folder is not None else
            "<b class='wb-problem'>Not imported:</b> fix what is listed below, then import "
            "again. ")
    lines = "".join(f"<li>{esc(line.strip())}</li>" for line in s.lines())
    problems = sorted(report.problems, key=lambda p: (p.severity != Severity.ERROR,
                                                      p.file or "", p.line or 0))
    items = "".join(
        f"<li><span class='wb-chip wb-{'high' if p.severity == Severity.ERROR else 'medium'}'>"
        f"{'error' if p.severity == Severity.ERROR else 'assumed'}</span>"
        f"<code>{esc(p.file or '')}{':' + str(p.line) if p.line else ''}</code> "
        f"{esc(p.message)}</li>" for p in problems[:_SHOWN])
    more = f"<li>and {len(problems) - _SHOWN} more</li>" if len(problems) > _SHOWN else ""
    opened = f" Opened as <b>{esc(opened_as)}</b>." if opened_as else ""
    return (f"<div>{head}{opened}</div><ul>{lines}</ul>"
            + (f"<h4>What was assumed, row by row ({len(problems)})</h4><ul class="
               f"'wb-upload-problems'>{items}{more}</ul>" if problems else ""))


class UploadPanel:
    """Upload chronologies, see the import summary, choose what the importer could not
    decide, and import again; ``on_imported(folder)`` is called with the case folder
    written."""

    def __init__(self, folder: str | Path, *, on_imported: Callable[[Path], None]):
        self.folder, self.on_imported = Path(folder), on_imported
        self.files: dict[str, bytes] = {}
        self.result: ImportResult | None = None
        self.upload = button(w.FileUpload(accept=",".join(SUFFIXES), multiple=True,
                                          description="Choose chronology files",
                                          layout=w.Layout(width="auto")), css="wb-upload")
        self.upload.observe(self._on_upload, "value")
        self.title_input = fill(w.Text(description="Case title",
                                       placeholder="e.g. Child K, 2025 (optional)"),
                                basis="260px", css="wb-upload-title")
        self.import_button = button(w.Button(description="Import again with these choices",
                                             layout=w.Layout(display="none")), css="wb-import")
        self.import_button.on_click(lambda _: self.run())
        self.choice_box = w.VBox(layout=w.Layout(width="100%"))
        self.choice_box.add_class("wb-upload-choices")
        self.choices: dict[tuple[str, str], w.Widget] = {}
        self.summary = w.HTML(layout=w.Layout(width="100%"))
        self.summary.add_class("wb-upload-summary")
        self.widget = panel([
            w.HTML("<h3>Open your own case</h3><p class='wb-muted'>Upload the agencies' "
                   "chronologies (CSV or Excel; anonymised). The workbench imports them, says "
                   "what it assumed, and lists the case with the others.</p>"),
            row([self.upload, self.title_input]), self.summary, self.choice_box,
            row([self.import_button])], basis="100%", css="wb-upload-panel")

    def _on_upload(self, change) -> None:
        files = {f["name"]: bytes(f["content"]) for f in change["new"] or ()}
        if files:
            self.take(files)

    def take(self, files: Mapping[str, bytes]) -> ImportResult | None:
        """New files: import them with what the importer decides."""
        self.files = dict(files)
        self.choices = {}
        return self.run()

    def run(self) -> ImportResult | None:
        """Import the files with the choices made; say what happened."""
        if not self.files:
            return None
        agency = {f: v.value.strip() for (f, field), v in self.choices.items()
                  if field == "agency" and v.value and v.value.strip()}
        mapping: dict[str, dict[str, str]] = {}
        for (f, field), v in self.choices.items():
            if field != "agency" and v.value:
                mapping.setdefault(f, {})[field] = v.value
        try:
            result = import_files(self.files, self.folder, title=self.title_input.value,
                                  agency=agency, mapping=mapping)
        except (ValueError, OSError) as exc:
            self.summary.value = f"<span class='wb-problem'>Not imported: {esc(str(exc))}</span>"
            return None
        self.result = result
        self.summary.value = summary_html(result)
        self._show_choices(choices_of(result.report))
        if result.key_folder is not None:
            try:
                self.on_imported(result.key_folder)
            except Exception as exc:  # the case is written; say why it did not open
                _log.exception("an imported case could not be opened")
                self.summary.value += (f"<p class='wb-problem'>The case was imported but "
                                       f"could not be opened: {esc(str(exc))}</p>")
        return result

    def _show_choices(self, choices: list[Choice]) -> None:
        rows, widgets = [], {}
        for c in choices:
            label = _FIELD_WORDS[c.field]
            if c.field == "agency":
                wdg = w.Combobox(options=list(c.options), value=c.value or "",
                                 description=label, ensure_option=False,
                                 placeholder="the agency that wrote it")
            else:
                options = [("(none)", None), *((h, h) for h in c.options)]
                wdg = w.Dropdown(options=options, value=c.value if c.value in c.options
                                 else None, description=label)
            wdg.style = {"description_width": "initial"}
            css = f"wb-choice-{c.field}"
            wdg = fill(wdg, basis="260px", css=css)
            if c.undecided:
                wdg.add_class("wb-undecided")
            widgets[(c.file, c.field)] = wdg
        for file in dict.fromkeys(c.file for c in choices):
            rows.append(w.HTML(f"<b>{esc(file)}</b>"))
            rows.append(row([widgets[k] for k in widgets if k[0] == file]))
        self.choices = widgets
        self.choice_box.children = rows
        self.import_button.layout.display = "" if choices else "none"
