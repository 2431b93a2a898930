"""The adversarial corpus (tests/fixtures/hostile/, see its README): every hostile input
gives the result written there: a located refusal, a safe output, a clean line."""

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.casebuilder import events
from workbench.agencies import load_aliases
from workbench.apps.library import CaseLibrary
from workbench.case import case_from_events
from workbench.cli import main
from workbench.errors import CaseValidationError, Reason
from workbench.io.atomic import FORMULA_TRIGGERS, csv_text, neutralise, write_csv
from workbench.io.casefile import load_case, read_yaml, write_case
from workbench.privacy import read_key_table
from workbench.safeyaml import MAX_DEPTH, load_yaml

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
CASES = HOSTILE / "cases"
PAYLOADS = json.loads((HOSTILE / "formula-payloads.json").read_text("utf-8"))


# -- bounded YAML ----------------------------------------------------------------------------

REFUSED = [  # folder, reason, line, column (of the first problem)
    ("billion-laughs", Reason.UNSAFE_YAML, 4, 8),
    ("deep-nesting", Reason.UNSAFE_YAML, 3, 8 + MAX_DEPTH - 1),
    ("python-tag", Reason.UNSAFE_YAML, 3, 8),
    ("merge-key-alias", Reason.UNSAFE_YAML, 5, 7),
    ("empty-case-yaml", Reason.INVALID_CASE_FILE, None, "format"),
]


@pytest.mark.parametrize(("folder", "reason", "line", "column"), REFUSED)
def test_a_hostile_case_yaml_is_refused_with_its_place(folder, reason, line, column):
    with pytest.raises(CaseValidationError) as caught:
        load_case(CASES / folder)
    first = caught.value.problems[0]
    assert (first.reason, first.line, first.column) == (reason, line, column)
    assert first.file == f"{folder}/case.yaml"


@pytest.mark.parametrize(("folder", "reason", "line", "column"), REFUSED)
def test_the_command_line_says_so_in_clean_lines(folder, reason, line, column, capsys):
    assert main(["flags", str(CASES / folder)]) == 1
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert out == "" and "Traceback" not in err
    where = f"{folder}/case.yaml" + (f":{line}:{column}" if line else "")
    assert lines[0].startswith(f"{where}: error [{reason}]")
    assert lines[-1].startswith("workbench: ") and "error(s) in the input" in lines[-1]


def test_yaml_within_the_limits_is_read_as_before():
    assert load_yaml("a: &x 1\nb: [1, [2, [3]]]\non: 2026-11-02\nok: no\n", name="t.yaml") == \
        {"a": 1, "b": [1, [2, [3]]], "on": "2026-11-02", "ok": "no"}


def test_a_utf16_yaml_file_is_named_as_utf16():
    with pytest.raises(CaseValidationError) as caught:
        read_yaml(HOSTILE / "utf16-case.yaml")
    assert caught.value.problems[0].reason is Reason.NOT_UTF8
    assert "UTF-16" in caught.value.problems[0].message


@pytest.mark.parametrize(("option", "name", "line"), [("--aliases", "aliases-bomb.yaml", 2),
                                                      ("--protocol", "protocol-bomb.yaml", 3)])
def test_hostile_alias_and_protocol_files_are_refused(option, name, line, tmp_path, capsys):
    (tmp_path / "school.csv").write_text("Date,Event\n03/03/2025,Referral to CSC\n")
    status = main(["flags", str(tmp_path / "school.csv"), "--agency", "School",
                   option, str(HOSTILE / name)])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert f"{name}:{line}:8: error [unsafe-yaml]" in err


def test_a_hostile_key_table_is_refused_without_quoting_it(tmp_path):
    key = shutil.copy(HOSTILE / "key-bomb.yaml", tmp_path / "key.yaml")  # outside the repo
    (tmp_path / "case").mkdir()
    with pytest.raises(CaseValidationError) as caught:
        read_key_table(key, outside=[tmp_path / "case"])
    problem = caught.value.problems[0]
    assert problem.reason is Reason.UNSAFE_YAML and problem.line == 2
    assert "Jayden" not in str(caught.value) and "lol" not in str(caught.value)


def test_a_hostile_case_folder_is_listed_as_broken_and_never_built():
    library = CaseLibrary([CASES], bundled=False)
    broken = {e.key: e for e in library.entries if e.problems}
    assert {"billion-laughs", "deep-nesting", "python-tag", "merge-key-alias"} <= set(broken)
    laughs = broken["billion-laughs"]
    assert laughs.title == "" and "cannot be read" in laughs.label
    assert laughs.problems[0].reason is Reason.UNSAFE_YAML
    with pytest.raises(CaseValidationError):
        library.load("billion-laughs")
    assert library.load("school").id == "school"  # the commented case beside it is fine


# -- safe CSV outputs ------------------------------------------------------------------------

_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?$")


def _live_cells(text: str) -> list[str]:
    """Every piece of ``text`` that a spreadsheet could take for a formula: the file
    split as CSV on ``,``, ``;`` and tab (quotes honoured), and split naively too;
    spaces, tabs and quotes before it are skipped; a plain number ("-3", "+0.5") is a
    number, not a formula."""
    live = []
    for sep in (",", ";", "\t"):
        pieces = [f for row in csv.reader(io.StringIO(text), delimiter=sep) for f in row]
        pieces += [p for line in text.splitlines() for p in line.split(sep)]
        for piece in pieces:
            cell = piece.lstrip(' \t"')
            if cell.startswith(FORMULA_TRIGGERS) and not _NUMBER.match(cell.strip(' \t"')):
                live.append(piece)
    return live


@pytest.mark.parametrize("payload", PAYLOADS)
def test_neutralised_text_has_no_live_piece_however_it_is_split(payload):
    safe = neutralise(payload)
    assert safe.replace("'", "") == payload.replace("'", "")  # only quotes were added
    assert _live_cells(csv_text(pd.DataFrame({"text": [safe]}))) == []


def test_the_unsafe_payloads_are_live_when_written_plainly():
    """The check above can fail: written without the neutraliser, they are live."""
    live = {p for p in PAYLOADS if _live_cells(pd.DataFrame({"t": [p]}).to_csv(index=False))}
    assert live == set(PAYLOADS) - {"Plain text, nothing to do"}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab1 ,;\t=+-@\uff1d\uff0b\uff0d\uff20'", max_size=12),
                min_size=1, max_size=4))
def test_no_text_is_live_after_the_writer_however_it_is_split(texts):
    assert _live_cells(csv_text(pd.DataFrame({"text": texts}))) == []


def test_write_csv_and_tsv_neutralise_headers_and_cells(tmp_path):
    frame = pd.DataFrame({"=title": PAYLOADS, "n": range(len(PAYLOADS))})
    for name in ("t.csv", "t.tsv"):
        text = write_csv(frame, tmp_path / name).read_text("utf-8-sig")
        assert _live_cells(text) == []
    assert "\t" in (tmp_path / "t.tsv").read_text("utf-8-sig").splitlines()[0]


def _payload_case(tmp_path: Path) -> Path:
    rows = [("03/03/2025 10:00", "School", "referral",
             {"summary": p, "recipients": "Children's Social Care"}) for p in PAYLOADS]
    case = case_from_events(events(*rows), id="payloads", meta={"title": "Payloads"},
                            sources=("t.csv",), aliases=load_aliases())
    return write_case(case, tmp_path / "payloads")


@pytest.mark.parametrize("command", ["handoffs", "episodes", "flags"])
def test_csv_on_standard_output_is_neutralised(command, tmp_path, capsys):
    folder = _payload_case(tmp_path)
    assert main([command, str(folder), "--csv"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") >= 1 and _live_cells(out) == []
    if command == "handoffs":
        assert "Note;'=1+1;" in out


def test_cohort_and_batch_tables_are_neutralised(tmp_path, capsys):
    _payload_case(tmp_path / "cases")
    assert main(["cohort", str(tmp_path / "cases"), "-o", str(tmp_path / "tables")]) == 0
    for path in (tmp_path / "tables").glob("*.csv"):
        text = path.read_text("utf-8-sig")
        assert _live_cells(text) == [], path.name
    study = tmp_path / "studies" / "payloads"
    study.mkdir(parents=True)
    (study / "meta.yaml").write_text("id: payloads\ntitle: Payloads\n")
    pd.DataFrame({"Date": ["03/03/2025"] * len(PAYLOADS), "Agency": "School",
                  "Event": [f"Referral to CSC {p}" for p in PAYLOADS]}).to_csv(
        study / "school.csv", index=False)
    assert main(["build", str(tmp_path / "studies"), "-o", str(tmp_path / "build")]) == 0
    for name in ("episodes.csv", "handoffs.csv"):
        text = (tmp_path / "build" / "payloads" / name).read_text("utf-8-sig")
        assert _live_cells(text) == [], name
    assert "Referral to CSC Note;'=1+1;" in (tmp_path / "build" / "payloads" /
                                             "handoffs.csv").read_text("utf-8-sig")


# -- one error path --------------------------------------------------------------------------

@pytest.fixture
def case_folder(tmp_path):
    (tmp_path / "school.csv").write_text("Date,Event\n03/03/2025,Fixed-term exclusion\n"
                                         "10/03/2025,Referral to CSC\n")
    assert main(["import", str(tmp_path / "school.csv"), "--agency", "School",
                 "-o", str(tmp_path / "case")]) == 0
    return tmp_path / "case"


@pytest.mark.parametrize(("args", "status", "words"), [
    (["knowledge", "{case}", "--at", "yesterday"], 2, "--at 'yesterday' is not a date"),
    (["timeline", "{case}", "--at", "2025-03-05", "--viewer", "Nobody", "-o", "{tmp}/t.html"],
     2, "viewer 'Nobody' is not an agency"),
    (["flags", "{case}", "--protocol", "narnia"], 2, "unknown protocol 'narnia'"),
    (["report", "{case}", "--store", "{tmp}/typo.sqlite", "-o", "{tmp}/r.html"], 1,
     "no review store at"),
    (["report", "{case}", "--store", "{tmp}/corrupt.sqlite", "-o", "{tmp}/r.html"], 1,
     "is not a review store, or it is damaged"),
    (["report", "{case}", "--store", "{tmp}/good.sqlite", "--session", "ZZZZZZ",
      "-o", "{tmp}/r.html"], 2, "no session with join code 'ZZZZZZ'"),
    (["flags", "{tmp}/nope.csv"], 1, "nope.csv: error [file-not-found]"),
    (["scan", "{tmp}/nope"], 1, "UNSCANNED"),
])
def test_errors_are_one_clean_line(args, status, words, case_folder, tmp_path, capsys):
    from workbench.store import NotesStore

    (tmp_path / "corrupt.sqlite").write_bytes(b"not a database at all" * 50)
    NotesStore(tmp_path / "good.sqlite").close()
    capsys.readouterr()
    argv = [a.format(case=case_folder, tmp=tmp_path) for a in args]
    assert main(argv) == status
    out, err = capsys.readouterr()
    assert "Traceback" not in err and words in out + err
    assert not (tmp_path / "typo.sqlite").exists()


def test_debug_shows_the_traceback(case_folder, capsys):
    assert main(["--debug", "knowledge", str(case_folder), "--at", "yesterday"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and err.splitlines()[-1].startswith("workbench: --at")


def test_os_errors_are_one_clean_line(case_folder, monkeypatch, capsys):
    import workbench.io.casefile as casefile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(case_folder / "events.csv"))

    monkeypatch.setattr(casefile, "load_case", refuse)
    assert main(["flags", str(case_folder)]) == 1
    err = capsys.readouterr().err
    assert err == f"workbench: {case_folder / 'events.csv'}: permission denied: check who " \
                  "may read (or write) it\n"


def test_a_png_without_kaleido_is_a_clean_line(case_folder, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "kaleido", None)  # import fails
    assert main(["timeline", str(case_folder), "-o", str(case_folder / "t.png")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("workbench: writing .png images needs kaleido") and \
        "Traceback" not in err


def test_dash_output_writes_to_standard_output(case_folder, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(case_folder), "--format", "ocel-json", "-o", "-"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["objectTypes"] and "standard output" in err
    assert not (tmp_path / "-").exists()
    assert main(["export", str(case_folder), "--format", "csv", "-o", "-"]) == 2


def test_a_broken_pipe_ends_quietly(case_folder):
    command = [sys.executable, "-c", "import sys; from workbench.cli import main; "
               "sys.exit(main(sys.argv[1:]))", "handoffs", str(case_folder), "--csv"]
    producer = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    producer.stdout.close()  # the reader is gone before anything is written
    with producer.stderr:
        err = producer.stderr.read().decode()
    assert producer.wait() == 0 and err == ""


def test_terminal_escapes_in_a_header_are_shown_not_obeyed(tmp_path, capsys):
    shutil.copy(HOSTILE / "terminal-escapes.csv", tmp_path / "t.csv")
    main(["validate", str(tmp_path / "t.csv"), "--agency", "School"])
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "\\x1b" in out          # the header named in a warning, its escapes shown as text


# -- case.yaml edited by round trip ----------------------------------------------------------

def test_import_replace_keeps_the_reviewers_comments_and_order(tmp_path, capsys):
    case = shutil.copytree(CASES / "commented", tmp_path / "case")
    before = (case / "case.yaml").read_text()
    (tmp_path / "school.csv").write_text("Date,Event\n03/03/2025,Fixed-term exclusion 3 days\n"
                                         "10/03/2025,Referral to CSC\n17/03/2025,Meeting\n")
    assert main(["import", str(tmp_path / "school.csv"), "--agency", "School",
                 "-o", str(case), "--replace"]) == 0
    after = (case / "case.yaml").read_text()
    comments = [line.split("#", 1)[1] for line in before.splitlines() if "#" in line]
    assert comments == [line.split("#", 1)[1] for line in after.splitlines() if "#" in line]
    keys = [line.split(":")[0] for line in after.splitlines() if line[:1].isalpha()]
    assert keys == ["format", "id", "title", "child", "sources", "agencies", "overrides"]
    assert 'title: "Learning event: Child A"' in after  # kept, quotes and all
    reloaded = load_case(case)
    assert len(reloaded.events) == 3 and reloaded.title == "Learning event: Child A"
    assert reloaded.overrides == {"school-3": {"kind": "referral"}}
    assert reloaded.child == {"label": "Child A", "born": "2011-01"}
