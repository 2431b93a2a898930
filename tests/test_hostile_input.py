"""The adversarial corpus, part two (tests/fixtures/hostile/, see its README): CSV read
strictly with nothing silently lost, UTF-16, bounded XLSX, hand-edited case folders and
hostile folders under the cohort dashboard."""

import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from workbench.apps.settings import Settings
from workbench.cli import main
from workbench.errors import Reason, Severity
from workbench.io.casefile import load_case
from workbench.io.chronology import Limits, read_chronology
from workbench.io.importer import import_report
from workbench.io.validate import validate

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
CASES = HOSTILE / "cases"


def _rows(name: str, **kwargs):
    tables, problems = read_chronology(HOSTILE / name, **kwargs)
    assert len(tables) == 1, problems
    return {r.line: dict(r.values) for r in tables[0].rows}, problems


def _located(problems, reason):
    return [(p.line, p.column) for p in problems if p.reason is reason]


# -- no silent loss in CSV -------------------------------------------------------------------

def test_a_stray_quote_merges_no_rows_and_is_located():
    rows, problems = _rows("stray-quote.csv")
    assert sorted(rows) == list(range(2, 10))  # 8 rows, each on its own line
    assert _located(problems, Reason.MALFORMED_QUOTE) == [(4, 19), (5, 54)]
    assert rows[4]["summary"] == '"Absent" from school'  # the quote marks kept as written
    assert rows[5]["details"] == '"Sent to the front door'
    assert rows[6]["summary"] == "Strategy meeting"
    assert rows[8]["details"] == "Weight checked"  # a well-quoted field later is read as such
    assert rows[3]["details"] == 'Child said "I was at a friend\'s"'  # "" escapes kept
    assert all(p.severity is Severity.WARNING and p.file == "stray-quote.csv"
               for p in problems if p.reason is Reason.MALFORMED_QUOTE)


def test_an_unclosed_quote_loses_no_row():
    rows, problems = _rows("unclosed-quote.csv")
    assert sorted(rows) == list(range(2, 9))  # 7 rows
    assert _located(problems, Reason.MALFORMED_QUOTE) == [(2, 46)]
    assert rows[2]["details"] == '"Risk graded medium'
    assert rows[8]["details"] == "Weight checked"


def test_the_import_summary_and_validate_report_rows_read_beside_events_kept(capsys):
    report = import_report([HOSTILE / "stray-quote.csv"])
    assert report.summary.rows == 8 and report.summary.events == 8
    assert report.summary.files[0].lines == 8
    assert main(["validate", str(HOSTILE / "stray-quote.csv")]) == 0
    out = capsys.readouterr().out
    assert "stray-quote.csv:4:19: warning [malformed-quote]" in out
    assert "stray-quote.csv: 8 data line(s) read as 8 row(s); 8 event(s) kept" in out


def test_a_failed_import_still_says_how_many_rows_it_read(tmp_path, capsys):
    (tmp_path / "police.csv").write_text("Date,Agency,Event\n03/03/2025,Police,Missing\n"
                                         "31/02/2025,Police,Found\n")
    assert main(["import", str(tmp_path / "police.csv"), "--strict", "-o",
                 str(tmp_path / "case")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-2:] == ["read 2 row(s) from 1 table(s); kept 0 event(s)",
                        "1 error(s); nothing written."]


def test_a_quote_closed_far_away_is_not_silent(tmp_path):
    """A quote left open that happens to close cleanly lines later holds whole records:
    the rows inside it are named, not silently merged."""
    (tmp_path / "far.csv").write_text(
        "Date,Agency,Event,Details\n"
        '03/03/2025,Police,Reported missing,"Risk graded medium\n'
        "04/03/2025,Police,Found at Address 2,Brought home\n"
        '05/03/2025,School,Absent from school,Looked tired"\n'
        "06/03/2025,School,Referral,Sent\n")
    tables, problems = read_chronology(tmp_path / "far.csv")
    assert [r.line for r in tables[0].rows] == [2, 3, 4, 5]
    assert _located(problems, Reason.MALFORMED_QUOTE) == [(2, 36)]
    found = next(p for p in problems if p.reason is Reason.MALFORMED_QUOTE)
    assert "lines 2 to 4" in found.message
    assert tables[0].rows[0].values["details"] == '"Risk graded medium'
    assert tables[0].rows[2].values["details"] == 'Looked tired"'


def test_text_over_several_lines_in_quotes_is_one_record(tmp_path):
    (tmp_path / "multi.csv").write_text(
        'Date,Agency,Event\n03/03/2025,Police,"Found.\nChild said ""I\'m fine"", went home"\n'
        "04/03/2025,School,Absent\n")
    tables, problems = read_chronology(tmp_path / "multi.csv")
    assert [r.line for r in tables[0].rows] == [2, 4]
    assert tables[0].rows[0].values["summary"] == 'Found.\nChild said "I\'m fine", went home'
    assert problems == []


def test_single_quotes_are_text_never_the_quote_character():
    rows, problems = _rows("single-quotes.csv")
    assert rows[2]["summary"] == "'Missing again'"
    assert rows[3]["details"] == "'Child said: I hate it there, nobody listens'"
    assert rows[4]["details"] == 'Child said "leave me alone" and ran'
    assert [p.reason for p in problems] == [Reason.RAGGED_ROW]  # the unquoted comma, at line 3
    assert problems[0].line == 3


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_the_delimiter_is_chosen_on_the_header_line(sep, tmp_path):
    lines = ["Chronology of Child A, prepared by the school",
             sep.join(["Date", "Agency", "Event", "Details"]),
             sep.join(["03/03/2025", "School", "'Absent', again", "Said 'no', twice"]),
             sep.join(["04/03/2025", "School", "Referral", '"Quoted ""text"" here"'])]
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n")
    tables, problems = read_chronology(tmp_path / "t.csv")
    rows = {r.line: dict(r.values) for r in tables[0].rows}
    assert tables[0].header_line == 2
    assert rows[3]["summary"] == "'Absent', again" and rows[3]["details"] == "Said 'no', twice"
    assert rows[4]["details"] == 'Quoted "text" here'
    assert Reason.RAGGED_ROW not in {p.reason for p in problems}


# -- UTF-16 ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "warned"), [("utf16-bom.csv", False),
                                              ("utf16-no-bom.csv", True)])
def test_utf16_csv_is_read_as_utf16(name, warned):
    rows, problems = _rows(name)
    assert rows[3]["summary"] == 'Found, said "I\'m fine"'
    assert rows[2]["agency"] == "Police"
    assert not any("1252" in p.message for p in problems)
    assert [p.reason for p in problems] == ([Reason.NOT_UTF8] if warned else [])
    if warned:
        assert "UTF-16" in problems[0].message


# -- hand-edited events.csv ------------------------------------------------------------------

def test_a_hand_edited_case_folder_is_never_silent():
    problems = validate([CASES / "hand-edited"])
    found = {(p.line, p.column, p.reason, p.severity) for p in problems}
    E, W = Severity.ERROR, Severity.WARNING
    assert (2, "start", Reason.END_BEFORE_START, E) in found
    assert (3, "precision", Reason.INVALID_CASE_FILE, W) in found
    assert (4, "approximate", Reason.INVALID_CASE_FILE, W) in found
    assert (5, "kind_confidence", Reason.INVALID_CASE_FILE, W) in found
    assert (6, "kind_confidence", Reason.INVALID_CASE_FILE, W) in found
    assert (7, "start", Reason.FUTURE_DATE, W) in found
    assert (8, "start", Reason.FUTURE_DATE, W) in found
    assert (9, "approximate", Reason.INVALID_CASE_FILE, E) in found
    two_digit = next(p for p in problems if p.line == 8 and p.reason is Reason.FUTURE_DATE)
    assert "05/02/69" in two_digit.message and "two-digit year" in two_digit.message
    assert all(p.file == "hand-edited/events.csv" for p in problems)


def test_hand_edited_values_that_can_be_read_are_read_as_meant(tmp_path):
    import shutil

    case = shutil.copytree(CASES / "hand-edited", tmp_path / "hand-edited")
    text = (case / "events.csv").read_text().splitlines()
    keep = [line for n, line in enumerate(text, 1) if n not in (2, 9)]  # the two errors
    (case / "events.csv").write_text("\n".join(keep) + "\n")
    loaded = load_case(case)
    events = loaded.events.set_index("id")
    assert bool(events.at["school-4", "approximate"]) is True  # "yes"
    assert events.at["school-5", "kind_confidence"] == 0.0  # -0.5, read as 0
    assert events.at["school-6", "kind_confidence"] == 1.0  # 1.7, read as 1
    assert len(loaded.problems) >= 6


def test_far_future_and_two_digit_years_are_warned_on_import(tmp_path):
    (tmp_path / "police.csv").write_text("Date,Agency,Event\n05/02/69,Police,Reported missing\n"
                                         "01/01/2099,Police,Found\n05/02/25,Police,Found\n")
    problems = validate([tmp_path / "police.csv"])
    future = [(p.line, p.column) for p in problems if p.reason is Reason.FUTURE_DATE]
    assert future == [(2, "Date"), (3, "Date")]
    assert "two-digit year" in next(p for p in problems if p.line == 2).message


# -- bounded XLSX ----------------------------------------------------------------------------

def _bomb(path: Path, rows: int, cols: int = 20, *, dimension: bool = True) -> Path:
    """A workbook whose one sheet declares and holds rows x cols cells of one shared
    string: small compressed (the rows repeat byte for byte), large uncompressed."""
    body = ("<row>" + '<c t="s"><v>0</v></c>' * cols + "</row>") * rows  # no r=: they repeat
    dim = f'<dimension ref="A1:{chr(64 + cols)}{rows}"/>' if dimension else ""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxml'
             f'formats.org/spreadsheetml/2006/main">{dim}<sheetData>'
             f"{body}</sheetData></worksheet>")
    ns = "http://schemas.openxmlformats.org"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="'
        f'{ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.'
        'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/'
        f'package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/'
        f'spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships '
        f'xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{ns}/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>',
        "xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}/'
        'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>Date</t></si></sst>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return path


def test_an_xlsx_bomb_is_refused_before_it_is_loaded(tmp_path):
    bomb = _bomb(tmp_path / "bomb.xlsx", rows=60_000)  # 1.2 M cells
    assert bomb.stat().st_size < 400_000
    tracemalloc.start()
    t0 = time.perf_counter()
    tables, problems = read_chronology(bomb)
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"bomb {bomb.stat().st_size:,} bytes: {seconds:.2f} s, peak {peak / 1e6:.1f} MB",
          file=sys.stderr)
    assert tables == []
    (problem,) = problems
    assert problem.reason is Reason.FILE_TOO_LARGE and problem.file == "bomb.xlsx"
    assert problem.sheet == "Sheet1" and "1,200,000 cells" in problem.message
    assert problem.severity is Severity.ERROR


def test_xlsx_limits_name_what_is_over(tmp_path):
    small = _bomb(tmp_path / "small.xlsx", rows=50, cols=4)
    for limits, words in [(Limits(max_cells=100), "200 cells"),
                          (Limits(max_uncompressed_bytes=1_000), "uncompressed"),
                          (Limits(max_shared_strings_bytes=10), "shared strings")]:
        tables, problems = read_chronology(small, limits=limits)
        assert tables == [] and [p.reason for p in problems] == [Reason.FILE_TOO_LARGE]
        assert words in problems[0].message
    tables, problems = read_chronology(small)  # within the limits: read (a header, no dates)
    assert Reason.FILE_TOO_LARGE not in {p.reason for p in problems}


def test_values_are_counted_before_loading_when_no_dimension_is_declared(tmp_path):
    bomb = _bomb(tmp_path / "bomb.xlsx", rows=1_000, dimension=False)
    tables, problems = read_chronology(bomb, limits=Limits(max_cells=10_000))
    assert tables == [] and [p.reason for p in problems] == [Reason.FILE_TOO_LARGE]
    assert problems[0].sheet == "Sheet1" and problems[0].value == "20,000 cells"  # counted
    assert "more than 10,000 cells hold a value" in problems[0].message


def test_cells_are_counted_again_while_streaming(tmp_path):
    from workbench.io.xlsx import read_workbook

    bomb = _bomb(tmp_path / "bomb.xlsx", rows=1_000, dimension=False)
    problems = []
    assert read_workbook(bomb, "bomb.xlsx", problems, max_cells=10_000) is None
    assert [(p.reason, p.sheet, p.line) for p in problems] == \
        [(Reason.FILE_TOO_LARGE, "Sheet1", 501)]


# -- a hostile case folder under the cohort dashboard -----------------------------------------

def test_the_cohort_fallback_skips_broken_case_folders(tmp_path, monkeypatch):
    from workbench.apps import cohort

    monkeypatch.setitem(sys.modules, "workbench.generate", None)  # no generator: the fallback
    settings = Settings(store=tmp_path / "s.sqlite", cases=CASES)
    folder, said = cohort.cohort_source(settings, tmp_path / "work")
    written = {p.name.removeprefix("served-") for p in folder.iterdir()}
    assert "school" in written  # the good case beside them
    assert not {"billion-laughs", "deep-nesting", "python-tag", "merge-key-alias",
                "hand-edited"} & written
    assert "skipped" in said and "billion-laughs" in said


# -- the rest of issue 14's findings ---------------------------------------------------------

def test_import_reports_and_removes_invisible_characters_in_names(tmp_path):
    (tmp_path / "police.csv").write_text("Date,Agency,Event\n"
                                         "03/03/2025,Police,Jay\u200bden reported missing\n")
    report = import_report([tmp_path / "police.csv"])
    (problem,) = [p for p in report.problems if p.reason is Reason.CONTROL_CHARACTER]
    assert (problem.line, problem.column) == (2, "Event") and problem.value == "U+200B"
    assert "invisible" in problem.message
    assert report.case.events["summary"].tolist() == ["Jayden reported missing"]


def test_validate_reads_a_folders_meta_agencies_as_import_does(tmp_path):
    (tmp_path / "meta.yaml").write_text("id: c\nagencies:\n- name: Anyshire Youth Project\n"
                                        "  sector: third-sector\n")
    (tmp_path / "youth.csv").write_text("Date,Agency,Event\n03/03/2025,Anyshire Youth Project,"
                                        "Session with the child\n")
    assert [p.reason for p in validate([tmp_path])] == \
        [p.reason for p in import_report([tmp_path]).problems]
    assert Reason.UNKNOWN_AGENCY not in {p.reason for p in validate([tmp_path])}


def test_a_title_block_says_which_line_was_taken_for_the_header(tmp_path):
    (tmp_path / "school.csv").write_text("Chronology: Child A\nPrepared by: School\n"
                                         "Date,Event\n03/03/2025,Absent\n")
    problems = validate([tmp_path / "school.csv"], agency="School")
    (title,) = [p for p in problems if p.reason is Reason.TITLE_BLOCK]
    assert "line 3 ('Date', 'Event') is read as the header" in title.message
    assert "if it is not the header row" in title.message


def test_a_bad_sector_in_an_alias_file_is_one_clean_line(tmp_path, monkeypatch, capsys):
    import errno

    (tmp_path / "school.csv").write_text("Date,Event\n03/03/2025,Referral to CSC\n")
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("agencies: []\n")
    real = Path.read_text

    def failing(self, *args, **kwargs):
        if self == aliases:
            raise OSError(errno.EIO, "Input/output error", str(aliases))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", failing)
    assert main(["flags", str(tmp_path / "school.csv"), "--agency", "School",
                 "--aliases", str(aliases)]) == 1
    err = capsys.readouterr().err
    assert err == f"workbench: {aliases}: Input/output error\n"  # bad input: exit 1, not 2
